package dev.pictl.types.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * A snapshot on the admin machine (docs/backup.md): three files side by side, each mode 0600.
 * <pre>
 *   NAME.tar.gz          the archive the node made: the datastore (server/db/, or the etcd snapshot file), the token,
 *                        cred/ and tls/, with their paths under /var/lib/rancher/k3s
 *   NAME.tar.gz.sha256   "HEX  NAME.tar.gz" (sha256sum -c reads it)
 *   NAME.json            {@link Metadata}: no secret
 * </pre>
 */
public final class SnapshotFiles {
    private SnapshotFiles() {
    }

    static final String ARCHIVE = ".tar.gz";
    static final String SUM = ".tar.gz.sha256";
    static final String META = ".json";
    /** The largest archive pictl reads back (a Pi's SQLite datastore is a few MB; etcd's quota is 2 GB). */
    static final long MAX_BYTES = 1L << 31;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,200}");
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * What is known of a snapshot without opening it. Holds no secret: the token stays in the archive.
     *
     * @param name       the snapshot's name (k3s's for etcd: {@code on-demand-NODE-TS}; {@code sqlite-NODE-TS})
     * @param cluster    the cluster's name
     * @param k3sVersion the server's k3s version when it was taken
     * @param datastore  {@code etcd} or {@code sqlite}
     * @param created    when, RFC 3339 (UTC)
     * @param node       the server it was taken on
     * @param sha256     the archive's checksum
     */
    public record Metadata(String name, String cluster, String k3sVersion, String datastore, String created,
                           String node, String sha256) {
        String json() {
            ObjectNode o = MAPPER.createObjectNode();
            o.put("format", 1);
            o.put("name", name);
            o.put("cluster", cluster);
            o.put("k3s_version", k3sVersion);
            o.put("datastore", datastore);
            o.put("created", created);
            o.put("node", node);
            o.put("sha256", sha256);
            try {
                return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(o) + "\n";
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        static Metadata parse(String text) throws IOException {
            JsonNode o = MAPPER.readTree(text);
            if (o == null || !o.isObject() || o.path("format").asInt() != 1) {
                throw new IOException("not a pictl snapshot metadata file (format 1)");
            }
            return new Metadata(o.path("name").asText(), o.path("cluster").asText(), o.path("k3s_version").asText(),
                    o.path("datastore").asText(), o.path("created").asText(), o.path("node").asText(),
                    o.path("sha256").asText());
        }
    }

    /** A snapshot read back and checked: its archive's bytes match its checksum file and its metadata. */
    public record Loaded(Path archive, Metadata metadata, byte[] bytes) {
        @Override
        public String toString() {
            return "Loaded[" + archive + ", " + metadata + ", " + bytes.length + " bytes]";
        }
    }

    /** A snapshot that cannot be used, with why (said to the user as it is). */
    public static final class Refused extends Exception {
        public Refused(String message) {
            super(message);
        }
    }

    /** Whether {@code name} is a snapshot name pictl writes (a file name on every system, no path). */
    public static boolean validName(String name) {
        return name != null && NAME.matcher(name).matches() && !name.contains("..");
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes the three files into {@code dir} (created 0700 when missing), each 0600, each atomically; an existing
     * snapshot of the same name is never overwritten.
     *
     * @return the archive's path
     */
    public static Path write(Path dir, Metadata meta, byte[] archive) throws IOException {
        if (!validName(meta.name())) {
            throw new IOException("the node sent an unusable snapshot name");
        }
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        Path a = dir.resolve(meta.name() + ARCHIVE);
        if (Files.exists(a)) {
            throw new FileAlreadyExistsException(a.toString(), null, "a snapshot of this name is already there");
        }
        put(dir.resolve(meta.name() + META), meta.json().getBytes(StandardCharsets.UTF_8));
        put(dir.resolve(meta.name() + SUM), (meta.sha256() + "  " + meta.name() + ARCHIVE + "\n").getBytes(StandardCharsets.UTF_8));
        put(a, archive);
        return a;
    }

    private static void put(Path file, byte[] content) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.write(tmp, content);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Reads a snapshot named by its archive, its metadata file, or its path without an extension, and checks it:
     * the three files exist, the archive's sha256 is the one in its checksum file and its metadata.
     */
    public static Loaded read(Path given) throws Refused {
        String f = given.getFileName() == null ? "" : given.getFileName().toString();
        String base = f.endsWith(SUM) ? f.substring(0, f.length() - SUM.length())
                : f.endsWith(ARCHIVE) ? f.substring(0, f.length() - ARCHIVE.length())
                : f.endsWith(META) ? f.substring(0, f.length() - META.length()) : f;
        Path dir = given.toAbsolutePath().getParent();
        Path archive = dir.resolve(base + ARCHIVE);
        Path sum = dir.resolve(base + SUM);
        Path meta = dir.resolve(base + META);
        for (Path p : new Path[] {archive, sum, meta}) {
            if (!Files.isRegularFile(p)) {
                throw new Refused(p + " does not exist (a snapshot is NAME.tar.gz with NAME.tar.gz.sha256 and NAME.json "
                        + "beside it, as pictl backup writes them)");
            }
        }
        try {
            if (Files.size(archive) > MAX_BYTES) {
                throw new Refused(archive + " is larger than " + (MAX_BYTES >> 20) + " MB");
            }
            Metadata m = Metadata.parse(Files.readString(meta));
            String listed = Files.readString(sum).trim().split("\\s+")[0];
            byte[] bytes = Files.readAllBytes(archive);
            String actual = sha256(bytes);
            if (!HEX.matcher(listed).matches()) {
                throw new Refused(sum + " does not hold a sha256 checksum");
            }
            if (!actual.equals(listed) || !actual.equals(m.sha256())) {
                throw new Refused(archive + " is damaged: its sha256 is " + actual + ", but " + sum.getFileName()
                        + " says " + listed + (listed.equals(m.sha256()) ? "" : " and " + meta.getFileName() + " says "
                        + m.sha256()));
            }
            if (!m.datastore().equals("sqlite") && !m.datastore().equals("etcd")) {
                throw new Refused(meta + " names datastore \"" + m.datastore() + "\"; pictl restores etcd or sqlite");
            }
            if (!validName(m.name()) || !m.name().equals(base)) {
                throw new Refused(meta + " names the snapshot \"" + m.name() + "\", not " + base);
            }
            return new Loaded(archive, m, bytes);
        } catch (IOException e) {
            throw new Refused("cannot read the snapshot " + base + ": " + e.getMessage());
        }
    }

    /** The content of {@code server/token} in the archive (a secret: compared, never shown), if it has one. */
    public static Optional<String> token(byte[] archive) throws IOException {
        return entry(archive, "server/token").map(b -> new String(b, StandardCharsets.UTF_8).trim());
    }

    /** The names of the archive's regular files, in order. */
    static java.util.List<String> names(byte[] archive) throws IOException {
        java.util.List<String> out = new java.util.ArrayList<>();
        walk(archive, (name, content) -> {
            out.add(name);
            return false;
        });
        return out;
    }

    /** One regular file's content, by its path in the archive ({@code ./} prefixes ignored). */
    static Optional<byte[]> entry(byte[] archive, String path) throws IOException {
        byte[][] found = new byte[1][];
        walk(archive, (name, content) -> {
            if (name.equals(path)) {
                found[0] = content.readAllBytes();
                return true;
            }
            return false;
        });
        return Optional.ofNullable(found[0]);
    }

    private interface Visitor {
        /** True to stop. */
        boolean visit(String name, InputStream content) throws IOException;
    }

    /** A ustar/GNU tar reader for what {@code tar -czf} writes: regular files, directories, GNU long names. */
    private static void walk(byte[] archive, Visitor v) throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(archive))) {
            String longName = null;
            byte[] header = new byte[512];
            while (true) {
                if (in.readNBytes(header, 0, 512) < 512) {
                    throw new IOException("the archive is cut short");
                }
                boolean zero = true;
                for (byte b : header) {
                    if (b != 0) {
                        zero = false;
                        break;
                    }
                }
                if (zero) {
                    return;
                }
                String name = field(header, 0, 100);
                String prefix = field(header, 345, 155);
                long size = Long.parseLong(field(header, 124, 12).trim().isEmpty() ? "0" : field(header, 124, 12).trim(), 8);
                char type = (char) header[156];
                long padded = (size + 511) / 512 * 512;
                if (type == 'L') {
                    byte[] n = in.readNBytes((int) padded);
                    longName = new String(n, 0, (int) Math.min(size, n.length), StandardCharsets.UTF_8).replace("\0", "");
                    continue;
                }
                String full = longName != null ? longName : prefix.isEmpty() ? name : prefix + "/" + name;
                longName = null;
                if (full.startsWith("./")) {
                    full = full.substring(2);
                }
                if (type == '0' || type == 0) {
                    byte[] content = in.readNBytes((int) size);
                    in.skipNBytes(padded - size);
                    if (v.visit(full, new ByteArrayInputStream(content))) {
                        return;
                    }
                } else {
                    in.skipNBytes(padded);
                }
            }
        } catch (NumberFormatException e) {
            throw new IOException("not a tar archive");
        }
    }

    private static String field(byte[] h, int off, int len) {
        int end = off;
        while (end < off + len && h[end] != 0) {
            end++;
        }
        return new String(h, off, end - off, StandardCharsets.UTF_8);
    }
}
