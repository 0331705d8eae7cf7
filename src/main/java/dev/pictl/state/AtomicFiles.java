package dev.pictl.state;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Replaces files so that a reader, or the file system after a crash, sees either the old content or the new,
 * never a mix:
 *
 * <pre>
 *   write .NAME.xxxx.tmp (same directory) ─▶ fsync it ─▶ rename over NAME ─▶ fsync the directory
 * </pre>
 *
 * The rename is atomic on POSIX file systems because source and target are in one directory; the directory
 * fsync makes the rename itself durable. A failure before the rename deletes the temporary file and leaves
 * NAME untouched. Stateless.
 */
final class AtomicFiles {
    /** Writes bytes into an open channel; tests swap it to fail part-way. */
    @FunctionalInterface
    interface ContentWriter {
        void write(FileChannel channel, byte[] content) throws IOException;
    }

    static final ContentWriter PLAIN = (ch, content) -> {
        ByteBuffer buf = ByteBuffer.wrap(content);
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    };

    private AtomicFiles() {
    }

    /**
     * Atomically replaces (or creates) {@code target} with {@code content}.
     *
     * @param ownerOnly create the file with mode 0600 (where the file system has POSIX modes)
     */
    static void replace(Path target, byte[] content, boolean ownerOnly, ContentWriter writer) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = ownerOnly && posix(dir)
                ? Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                : Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        boolean moved = false;
        try {
            if (!ownerOnly && posix(dir)) {
                // createTempFile makes 0600; a file that is not secret gets the usual 0644.
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                writer.write(ch, content);
                ch.force(true);
            }
            move(tmp, target);
            moved = true;
        } finally {
            if (!moved) {
                Files.deleteIfExists(tmp);
            }
        }
        syncDirectory(dir);
    }

    /**
     * Deletes the temporary files {@link #replace} leaves when its process dies between creating one and the rename
     * (kill -9, power cut): {@code .NAME.<digits>.tmp} beside each of {@code targets}. Only for a caller holding the
     * lock every writer of these files holds, so none of them is still being written. Best effort.
     */
    static void removeLeftovers(List<Path> targets) {
        Path dir = targets.get(0).toAbsolutePath().getParent();
        List<Pattern> names = targets.stream()
                .map(t -> Pattern.compile(Pattern.quote("." + t.getFileName() + ".") + "-?[0-9]+\\.tmp")).toList();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir,
                f -> names.stream().anyMatch(n -> n.matcher(f.getFileName().toString()).matches()))) {
            for (Path f : files) {
                Files.deleteIfExists(f);
            }
        } catch (IOException | DirectoryIteratorException e) {
            // best effort: a leftover temporary file is litter, not a problem
        }
    }

    /**
     * Makes an existing file readable and writable by its owner only (mode 0600), where the file system has POSIX
     * modes: a file written before pictl wrote these files 0600 is tightened the next time it is touched.
     */
    static void ownerOnly(Path file) throws IOException {
        if (posix(file.toAbsolutePath().getParent())) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
    }

    /** Renames {@code from} over {@code to} atomically, falling back to a plain replace where unsupported. */
    static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Makes a rename durable. Opening a directory fails on some platforms (Windows): then there is nothing to do. */
    static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // best effort: not every platform can open or fsync a directory
        }
    }

    private static boolean posix(Path dir) {
        return dir.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /** An I/O error's message without the exception class name, for users. */
    static String reason(IOException e) {
        if (e instanceof FileSystemException f) {
            String r = f.getReason();
            return (f.getFile() == null ? "" : f.getFile() + ": ") + (r == null ? e.getClass().getSimpleName() : r);
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
