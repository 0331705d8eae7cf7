package dev.pictl.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The one way pictl reads a file a user named. Before opening it, the file's type is checked with links followed:
 * only a regular file is read, so a FIFO (which would block the open until a writer comes), a device
 * ({@code /dev/zero} never ends) or a directory is refused with a sentence naming the path. A file larger than
 * its kind's limit is refused before it is read, and the read itself stops one byte past the limit (a file that
 * grows after the check is refused too), so no input makes pictl run out of memory.
 *
 * <p>A missing file is {@link NoSuchFileException}, as with {@link Files}, so callers that treat "no file yet"
 * specially keep doing so. Every refusal is a {@link Refused}, a {@link FileSystemException} whose
 * {@code getReason()} is the sentence and whose {@code getMessage()} is "path: sentence".
 */
public final class BoundedFiles {
    private BoundedFiles() {
    }

    private static final long MB = 1024 * 1024;

    /** The kinds of file pictl reads, each with its size limit. */
    public enum Kind {
        /** A {@code .hcl} file, {@code .pivars}, or a file read by {@code file()} in a description. */
        CONFIG("configuration file", 10 * MB),
        /** The state file and its backups. */
        STATE("state file", 64 * MB),
        /** A plan saved with {@code pictl plan --out}. */
        PLAN("saved plan", 64 * MB),
        /** An SSH private key. */
        KEY("SSH key file", MB),
        /** An OpenSSH known_hosts file. */
        KNOWN_HOSTS("known_hosts file", 16 * MB),
        /** A kubeconfig file that pictl merges into. */
        KUBECONFIG("kubeconfig file", 16 * MB),
        /** The state's secret key or lock record: a few bytes. */
        SMALL("file", MB);

        private final String noun;
        private final long limit;

        Kind(String noun, long limit) {
            this.noun = noun;
            this.limit = limit;
        }

        public String noun() {
            return noun;
        }

        public long limit() {
            return limit;
        }
    }

    /** A file pictl will not read: not a regular file, or too large. */
    public static final class Refused extends FileSystemException {
        private static final long serialVersionUID = 1L;

        Refused(Path file, String reason) {
            super(file.toString(), null, reason);
        }
    }

    /**
     * Checks that {@code file} (links followed) is a regular file within {@code kind}'s limit, without opening it.
     *
     * @throws NoSuchFileException when it does not exist (or is a dangling link)
     * @throws Refused when it is a directory, a FIFO, a device or socket, or too large
     */
    public static void check(Path file, Kind kind) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        if (a.isDirectory()) {
            throw new Refused(file, "it is a directory, not a " + kind.noun());
        }
        if (!a.isRegularFile()) {
            throw new Refused(file, "it is not a regular file (a FIFO, a device or a socket); pictl reads a "
                    + kind.noun() + " only from a regular file");
        }
        if (a.size() > kind.limit()) {
            throw tooLarge(file, kind);
        }
    }

    /** The file's bytes, after {@link #check}; the read stops past the limit. */
    public static byte[] readBytes(Path file, Kind kind) throws IOException {
        check(file, kind);
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, kind.limit() + 1));
            if (bytes.length > kind.limit()) {
                throw tooLarge(file, kind);
            }
            return bytes;
        }
    }

    /** The file's text, strictly UTF-8 (a byte sequence that is not UTF-8 is refused, not replaced). */
    public static String readString(Path file, Kind kind) throws IOException {
        byte[] bytes = readBytes(file, kind);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new NotUtf8(file);
        }
    }

    /** A file that is not UTF-8 text. */
    public static final class NotUtf8 extends FileSystemException {
        private static final long serialVersionUID = 1L;

        NotUtf8(Path file) {
            super(file.toString(), null, "it is not UTF-8 text");
        }
    }

    /** Whether {@code file} is a symbolic link whose target does not exist (or a link loop). */
    public static boolean isDanglingLink(Path file) {
        return Files.isSymbolicLink(file) && !Files.exists(file);
    }

    /** Whether {@code file} exists without following links (a dangling link exists). */
    public static boolean existsAsEntry(Path file) {
        return Files.exists(file, LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Why a read failed, as a short phrase without the path (the caller names it): "it is a directory, not a
     * state file", "no such file", "permission denied", "it is a symbolic link to nothing (...)".
     */
    public static String reason(IOException e) {
        if (e instanceof NoSuchFileException n && n.getFile() != null && isDanglingLink(Path.of(n.getFile()))) {
            return "it is a symbolic link whose target does not exist (or a loop of links)";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException f) {
            String r = f.getReason();
            if (r != null && r.toLowerCase(java.util.Locale.ROOT).contains("symbolic links")) {
                return "it is part of a loop of symbolic links";
            }
            return r != null ? r : e.getClass().getSimpleName();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private static Refused tooLarge(Path file, Kind kind) {
        return new Refused(file, "it is larger than " + kind.limit() / MB + " MB, the limit for a " + kind.noun());
    }
}
