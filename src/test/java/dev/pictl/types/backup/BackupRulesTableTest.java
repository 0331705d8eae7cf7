package dev.pictl.types.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pictl.types.backup.TokenMatch.Verdict;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The rules of backup and restore without a node: token matching, the admin-side files, the scripts' quoting. */
@Tag("fast")
class BackupRulesTableTest {
    private static final String CA = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private static final String OTHER_CA = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";

    @ParameterizedTest(name = "[{index}] snapshot={0} declared={1} node={2} → {3}")
    @CsvSource(nullValues = "-", value = {
            // the snapshot's token           declared         on the node                         verdict
            "K10" + CA + "::server:pw,         pw,              -,                                  SAME",
            "K10" + CA + "::server:pw,         -,               K10" + CA + "::server:pw,           SAME",
            "K10" + CA + "::server:pw,         K10" + CA + "::server:pw, -,                         SAME",
            "K10" + CA + "::server:pw,         other,           -,                                  OTHER_PASSWORD",
            "K10" + CA + "::server:pw,         -,               K10" + CA + "::server:other,        OTHER_PASSWORD",
            "K10" + CA + "::server:pw,         K10" + OTHER_CA + "::server:pw, -,                   OTHER_CA",
            "K10" + CA + "::server:pw,         pw,              K10" + OTHER_CA + "::server:pw,     OTHER_CA",
            "K10" + CA + "::server:pw,         -,               -,                                  NOTHING_TO_COMPARE",
            "-,                                pw,              -,                                  NO_TOKEN_IN_SNAPSHOT",
            "K10" + CA + "::server:a:b,        a:b,             -,                                  SAME",
            "pw,                               pw,              -,                                  SAME",
    })
    void tokenVerdicts(String snapshot, String declared, String onNode, Verdict expected) {
        assertEquals(expected, TokenMatch.compare(snapshot, declared, onNode));
    }

    @Test
    void refusalsNeverQuoteATokenAndOnlyRefuseWhatTheyShould() {
        assertNull(TokenMatch.refusal(Verdict.SAME, true));
        assertNull(TokenMatch.refusal(Verdict.NOTHING_TO_COMPARE, false));
        for (Verdict v : List.of(Verdict.OTHER_PASSWORD, Verdict.OTHER_CA, Verdict.NO_TOKEN_IN_SNAPSHOT)) {
            String why = TokenMatch.refusal(v, true);
            assertTrue(why != null && !why.contains("pw"), why);
        }
    }

    @Test
    void filesAreWrittenPrivate_andReadBackChecked(@TempDir Path dir) throws Exception {
        byte[] archive = tar("server/token", "K10" + CA + "::server:s3cret\n", "server/db/state.db", "data");
        SnapshotFiles.Metadata m = new SnapshotFiles.Metadata("sqlite-pi-1-1700000000", "home", "v1.31.4+k3s1", "sqlite",
                "2023-11-14T22:13:20Z", "pi-1", SnapshotFiles.sha256(archive));
        Path a = SnapshotFiles.write(dir.resolve("b"), m, archive);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("b"))));
        for (String f : List.of(".tar.gz", ".tar.gz.sha256", ".json")) {
            Path p = dir.resolve("b/sqlite-pi-1-1700000000" + f);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)), f);
            assertFalse(Files.readString(p, StandardCharsets.ISO_8859_1).contains("s3cret") && !f.equals(".tar.gz"), f);
        }
        assertEquals(m, SnapshotFiles.read(a).metadata());
        assertEquals(m, SnapshotFiles.read(dir.resolve("b/sqlite-pi-1-1700000000.json")).metadata());
        assertEquals("K10" + CA + "::server:s3cret", SnapshotFiles.token(archive).orElseThrow());
        assertEquals(List.of("server/token", "server/db/state.db"), SnapshotFiles.names(archive));
        assertThrows(java.nio.file.FileAlreadyExistsException.class, () -> SnapshotFiles.write(dir.resolve("b"), m, archive));

        // damaged: one bit flipped
        byte[] bad = archive.clone();
        bad[bad.length / 2] ^= 1;
        Files.write(a, bad);
        SnapshotFiles.Refused r = assertThrows(SnapshotFiles.Refused.class, () -> SnapshotFiles.read(a));
        assertTrue(r.getMessage().contains("is damaged"), r.getMessage());
        // missing files
        Files.delete(dir.resolve("b/sqlite-pi-1-1700000000.json"));
        r = assertThrows(SnapshotFiles.Refused.class, () -> SnapshotFiles.read(a));
        assertTrue(r.getMessage().contains("does not exist"), r.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"sqlite-pi-1-1700000000, true", "on-demand-pi-server-1-1733600000, true", "../x, false", "'a/b', false",
            "'', false", ".hidden, false", "'x y', false"})
    void snapshotNames(String name, boolean ok) {
        assertEquals(ok, SnapshotFiles.validName(name));
    }

    @Test
    void scriptsQuoteEveryValue() {
        String hostile = "pi'; touch /tmp/owned; echo '";
        String take = BackupScripts.take(hostile);
        assertTrue(take.contains("name=sqlite-" + dev.pictl.nodetext.Shell.quote(hostile) + "-$ts"), take);
        String restore = BackupScripts.restoreEtcd("/var/lib/rancher/k3s/pictl-restore/x.tar.gz", "ab", hostile);
        assertTrue(restore.contains("snapshots/\"" + dev.pictl.nodetext.Shell.quote(hostile)), restore);
        assertTrue(restore.contains("k3s server --cluster-reset --cluster-reset-restore-path=\"$p\""), restore);
        assertTrue(BackupScripts.restoreSqlite("/x.tar.gz", "ab").contains("A=\"${PICTL_ROOT:-}\"'/x.tar.gz'"));
    }

    /** A minimal tar.gz (ustar headers) of name/content pairs. */
    static byte[] tar(String... pairs) throws Exception {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        for (int i = 0; i < pairs.length; i += 2) {
            byte[] content = pairs[i + 1].getBytes(StandardCharsets.UTF_8);
            byte[] h = new byte[512];
            put(h, 0, pairs[i]);
            put(h, 100, "0000600");
            put(h, 108, "0000000");
            put(h, 116, "0000000");
            put(h, 124, String.format("%011o", content.length));
            put(h, 136, "00000000000");
            h[156] = '0';
            put(h, 257, "ustar");
            raw.write(h);
            raw.write(content);
            raw.write(new byte[(512 - content.length % 512) % 512]);
        }
        raw.write(new byte[1024]);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
            z.write(raw.toByteArray());
        }
        return gz.toByteArray();
    }

    private static void put(byte[] h, int off, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, off, b.length);
    }
}
