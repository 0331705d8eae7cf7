package dev.pictl.state.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The password as libpq finds it: PGPASSWORD, then the first matching line of the password file, if it is private. */
@Tag("fast")
class PgPassTest {
    @TempDir
    Path home;

    private Path pgpass(String text, String mode) throws Exception {
        Path p = home.resolve(".pgpass");
        Files.writeString(p, text);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
        return p;
    }

    private PgPass.Found find(Map<String, String> env) {
        return PgPass.find(env, "db.lan", 5432, "pictl", "alice");
    }

    @Test
    void theFirstMatchingLine_withWildcardsAndEscapes() throws Exception {
        pgpass("# comment\n\nother.lan:*:*:*:no\ndb.lan:5433:*:*:wrong-port\ndb.lan:*:pictl:alice:p\\:w\\\\d:tail\n"
                + "*:*:*:*:fallback\n", "rw-------");
        Map<String, String> env = Map.of("HOME", home.toString());
        PgPass.Found f = find(env);
        assertEquals("p:w\\d", f.password());
        assertEquals(home.resolve(".pgpass").toString(), f.source());
        assertEquals("fallback", PgPass.find(env, "x", 1, "y", "z").password());
        assertEquals(List.of("a:b", "c", "d", "e", "f"), PgPass.split("a\\:b:c:d:e:f:g"));
    }

    @Test
    void pgpasswordWins_andPgpassfileNamesAnotherFile() throws Exception {
        pgpass("*:*:*:*:from-file\n", "rw-------");
        assertEquals("from-env", find(Map.of("HOME", home.toString(), "PGPASSWORD", "from-env")).password());
        Path other = home.resolve("other");
        Files.writeString(other, "db.lan:5432:pictl:alice:from-other\n");
        Files.setPosixFilePermissions(other, PosixFilePermissions.fromString("r--------"));
        assertEquals("from-other", find(Map.of("HOME", home.toString(), "PGPASSFILE", other.toString())).password());
    }

    @Test
    void aFileOthersMayRead_isIgnored_asLibpqDoes() throws Exception {
        for (String mode : List.of("rw-r-----", "rw----r--", "rw-rw-rw-")) {
            pgpass("*:*:*:*:secret\n", mode);
            PgPass.Found f = find(Map.of("HOME", home.toString()));
            assertNull(f.password(), mode);
            assertTrue(f.ignored().contains("has group or world access and is ignored"), f.ignored());
            assertTrue(!f.ignored().contains("secret"));
        }
        assertNull(find(Map.of("HOME", home.resolve("none").toString())).password());
    }
}
