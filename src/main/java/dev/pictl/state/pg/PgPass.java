package dev.pictl.state.pg;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The password the way libpq finds it (PostgreSQL docs, "The Password File" and "Environment Variables"):
 * {@code PGPASSWORD}; else the first line of the password file ({@code PGPASSFILE}, else {@code ~/.pgpass}) whose
 * {@code hostname:port:database:username} matches, {@code *} matching anything, {@code \:} and {@code \\} escaping.
 * Like libpq on Unix, a password file that is not a regular file, or that the group or others may read or write,
 * is ignored (with a note for the error message). pictl only reads it: never writes, copies or prints it.
 */
final class PgPass {
    /** The password found (null: none) and, when the file was ignored, why (for the error message). */
    record Found(String password, String source, String ignored) {
    }

    private PgPass() {
    }

    static Found find(Map<String, String> env, String host, int port, String database, String user) {
        String pw = env.get("PGPASSWORD");
        if (pw != null && !pw.isEmpty()) {
            return new Found(pw, "PGPASSWORD", null);
        }
        Path file = passFile(env);
        if (file == null || !Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !Files.exists(file)) {
            return new Found(null, null, null);
        }
        if (!Files.isRegularFile(file)) {
            return new Found(null, null, file + " is not a regular file");
        }
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (perms.stream().anyMatch(p -> p.name().startsWith("GROUP_") || p.name().startsWith("OTHERS_"))) {
                return new Found(null, null, "the password file " + file + " has group or world access and is"
                        + " ignored, as libpq does; permissions should be u=rw (0600) or less: chmod 600 " + file);
            }
        } catch (UnsupportedOperationException | IOException e) {
            // no POSIX modes here (libpq does not check them on Windows either)
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return new Found(null, null, "the password file " + file + " cannot be read");
        }
        for (String line : lines) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            List<String> fields = split(line);
            if (fields.size() < 5) {
                continue;
            }
            if (matches(fields.get(0), host) && matches(fields.get(1), Integer.toString(port))
                    && matches(fields.get(2), database) && matches(fields.get(3), user)) {
                return new Found(fields.get(4), file.toString(), null);
            }
        }
        return new Found(null, null, null);
    }

    /** {@code PGPASSFILE}, else {@code $HOME/.pgpass} (libpq reads HOME first, then the password database). */
    static Path passFile(Map<String, String> env) {
        String f = env.get("PGPASSFILE");
        if (f != null && !f.isEmpty()) {
            return Path.of(f);
        }
        String home = env.get("HOME");
        if (home == null || home.isEmpty()) {
            home = System.getProperty("user.home");
        }
        return home == null ? null : Path.of(home, ".pgpass");
    }

    private static boolean matches(String field, String value) {
        return field.equals("*") || field.equals(value);
    }

    /** The first four fields split at unescaped {@code :}, the fifth (the password) up to the next unescaped {@code :}; all unescaped. */
    static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length()) {
                cur.append(line.charAt(++i));
            } else if (c == ':' && out.size() < 4) {
                out.add(cur.toString());
                cur.setLength(0);
            } else if (c == ':') {
                break; // libpq ends the password at an unescaped ':' too
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }
}
