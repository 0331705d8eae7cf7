package dev.pictl.kubeconfig;

import dev.pictl.io.BoundedFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * Reading and writing the user's kubeconfig file. A write is atomic and owner-only from its first byte:
 *
 * <pre>
 *   .NAME.xxxx.tmp created 0600 in NAME's directory ─▶ content, fsync ─▶ rename over NAME ─▶ fsync the directory
 * </pre>
 *
 * so no reader ever sees half a file, and the client key is never readable by others, not even for an instant
 * (a pre-existing NAME that was 0644 is 0600 afterwards). A symbolic link (a dotfiles-managed
 * {@code ~/.kube/config}) is followed: the file it points to is replaced and the link kept.
 */
public final class KubeconfigFile {
    private KubeconfigFile() {
    }

    /** The file's text, or empty when there is no such file. */
    public static Optional<String> read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(BoundedFiles.readString(file, BoundedFiles.Kind.KUBECONFIG));
        } catch (BoundedFiles.NotUtf8 e) {
            throw new IOException("it is not UTF-8 text");
        } catch (BoundedFiles.Refused e) {
            throw new IOException(e.getReason());
        }
    }

    /** Replaces (or creates, with missing parent directories) {@code file} with {@code text}, mode 0600. */
    public static void write(Path file, String text) throws IOException {
        Path target = target(file);
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
        Path tmp = posix
                ? Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                : Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        boolean moved = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
        } finally {
            if (!moved) {
                Files.deleteIfExists(tmp);
            }
        }
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // best effort: not every platform can open or fsync a directory
        }
    }

    /** Where a write of {@code file} lands: the file itself, or the end of its chain of symbolic links. */
    static Path target(Path file) throws IOException {
        Path p = file;
        for (int hops = 0; Files.isSymbolicLink(p); hops++) {
            if (hops > 40) {
                throw new IOException("too many levels of symbolic links");
            }
            Path link = Files.readSymbolicLink(p);
            Path parent = p.toAbsolutePath().getParent();
            p = parent == null ? link : parent.resolve(link);
        }
        if (Files.exists(p, LinkOption.NOFOLLOW_LINKS) && Files.isDirectory(p)) {
            throw new IOException("it is a directory");
        }
        return p;
    }

    /** An I/O error as a reason for people: the file and the system's word, without the exception's class name. */
    public static String reason(IOException e) {
        if (e instanceof FileSystemException f) {
            String r = f.getReason();
            return (f.getFile() == null ? "" : f.getFile() + ": ")
                    + (r == null ? e.getClass().getSimpleName().replace("Exception", "").replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(java.util.Locale.ROOT) : r);
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
