package dev.pictl.types.backup;

import static dev.pictl.plan.PlanFixture.assertContains;
import static dev.pictl.plan.PlanFixture.assertNotContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pictl.cli.CliRunner;
import dev.pictl.plan.PlanFixture;
import dev.pictl.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backup and restore of a single SQLite server on ONE simulated fleet (issue 14, "Must show"): {@code pictl backup}
 * writes the snapshot on the admin side; the server's datastore directory is wiped through the board's own shell
 * (a dead SD card); a snapshot of another cluster (another token) is refused and nothing changes; {@code pictl
 * restore} brings back the StorageClass, the PV and the Node list as they were, checked with kubectl on the board;
 * the token shows in no output and no file pictl wrote.
 */
class BackupRestoreE2eTest {
    private static final int PORT = 24891;
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Map<String, String> ENV = Map.of("PICTL_VAR_k3s_token", PlanFixture.TOKEN);
    private static final String DB = "\"$PICTL_ROOT/var/lib/rancher/k3s/server/db\"";

    @TempDir
    Path dir;

    private final List<CliRunner.Result> outputs = new ArrayList<>();

    private CliRunner.Result pictl(PlanFixture f, String... args) {
        CliRunner.Result r = f.pictl(args);
        outputs.add(r);
        return r;
    }

    private static String nodes(PlanFixture f) {
        return f.kubectl("get nodes -o name").stdout().trim();
    }

    private static boolean allReady(PlanFixture f, int count) {
        var r = f.node("pi-server-1").sudo("kubectl get nodes --no-headers");
        return r.exitCode() == 0 && r.stdout().lines().filter(l -> l.split("\\s+")[1].equals("Ready")).count() == count;
    }

    @Test
    void backup_deadCard_foreignRefused_restore() throws Exception {
        String hcl = Files.readString(Path.of("src/test/resources/backup/sqlite.hcl"));
        try (PlanFixture f = PlanFixture.start(dir, hcl, PlanFixture.seedBoards("127.0.218.", PORT, true,
                List.of("pi-server-1", "pi-worker-1")), ENV)) {
            Await.until("both Nodes Ready", WAIT, () -> allReady(f, 2));
            String nodesBefore = nodes(f);
            assertContains(f.kubectl("get sc,pv -o name").stdout(), "persistentvolume/local-pv-1");

            // ---- pictl backup: archive 0600, checksum, metadata without a secret ----
            CliRunner.Result b = pictl(f, "backup", "-c", "cluster.hcl", "--sim=sim", "--no-color", "--out", "backups");
            assertEquals(0, b.exitCode(), b.all());
            Path archive;
            try (Stream<Path> s = Files.list(dir.resolve("backups"))) {
                archive = s.filter(p -> p.toString().endsWith(".tar.gz")).findFirst().orElseThrow();
            }
            String name = archive.getFileName().toString().replace(".tar.gz", "");
            assertTrue(name.startsWith("sqlite-pi-server-1-"), name);
            for (String ext : List.of(".tar.gz", ".tar.gz.sha256", ".json")) {
                assertEquals("rw-------", PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(dir.resolve("backups").resolve(name + ext))), ext);
            }
            assertEquals(f.sha256(archive) + "  " + name + ".tar.gz",
                    Files.readString(dir.resolve("backups").resolve(name + ".tar.gz.sha256")).trim());
            String meta = Files.readString(dir.resolve("backups").resolve(name + ".json"));
            assertContains(meta, "\"datastore\" : \"sqlite\"");
            assertContains(meta, "\"k3s_version\" : \"v1.31.4+k3s1\"");
            assertContains(meta, "\"node\" : \"pi-server-1\"");
            assertNotContains(meta, PlanFixture.TOKEN);
            assertNotContains(meta, "K10");
            byte[] bytes = Files.readAllBytes(archive);
            assertTrue(SnapshotFiles.token(bytes).orElseThrow().endsWith(PlanFixture.TOKEN), "the token is in the archive");
            assertTrue(SnapshotFiles.names(bytes).stream().anyMatch(n -> n.startsWith("server/db/")), "the datastore");
            Await.until("k3s back after the copy", WAIT, () -> allReady(f, 2));

            // ---- a dead SD card: the server's datastore directory wiped through the board's shell ----
            f.sudo("pi-server-1", "systemctl stop k3s && rm -rf " + DB + " && systemctl start k3s");
            Await.until("the empty cluster up", WAIT, () -> allReady(f, 2) || allReady(f, 1));
            assertNotContains(f.kubectl("get sc,pv -o name").stdout(), "local-pv-1");

            // ---- a snapshot of another cluster (another token): refused, nothing changed ----
            Path foreign = foreignCopy(archive, name);
            String dbBefore = f.sudo("pi-server-1", "cat " + DB + "/*.json | sha256sum").stdout();
            CliRunner.Result refused = pictl(f, "restore", "-c", "cluster.hcl", "--sim=sim", "--no-color",
                    "-auto-approve", foreign.toString());
            assertEquals(1, refused.exitCode(), refused.all());
            assertContains(refused.err(), "the snapshot's token is not the cluster's");
            assertContains(refused.err(), "Nothing was changed");
            assertEquals(dbBefore, f.sudo("pi-server-1", "cat " + DB + "/*.json | sha256sum").stdout());
            assertEquals("active", f.node("pi-server-1").unitState("k3s.service").split(" ")[0]);

            // ---- a damaged archive: refused before any node is asked ----
            Path damaged = dir.resolve("damaged");
            Files.createDirectories(damaged);
            for (String ext : List.of(".tar.gz", ".tar.gz.sha256", ".json")) {
                Files.copy(dir.resolve("backups").resolve(name + ext), damaged.resolve(name + ext));
            }
            byte[] cut = Files.readAllBytes(damaged.resolve(name + ".tar.gz"));
            cut[cut.length / 2] ^= 1;
            Files.write(damaged.resolve(name + ".tar.gz"), cut);
            CliRunner.Result bad = pictl(f, "restore", "-c", "cluster.hcl", "--sim=sim", "--no-color", "-auto-approve",
                    damaged.resolve(name + ".tar.gz").toString());
            assertEquals(1, bad.exitCode(), bad.all());
            assertContains(bad.err(), "is damaged");

            // ---- the question: anything but yes changes nothing ----
            CliRunner.Result no = CliRunner.runWithInput(dir, ENV, "no\n", "restore", "-c", "cluster.hcl", "--sim=sim",
                    "--no-color", archive.toString());
            outputs.add(no);
            assertEquals(0, no.exitCode(), no.all());
            assertContains(no.out(), "  pi-server-1:\n    - stop k3s;");
            assertContains(no.out(), "token: matches the cluster's");
            assertContains(no.out(), "Restore cancelled. Nothing was changed.");
            assertNotContains(f.kubectl("get sc,pv -o name").stdout(), "local-pv-1");

            // ---- pictl restore: the StorageClass, the PV and the Nodes as at the snapshot ----
            CliRunner.Result r = pictl(f, "restore", "-c", "cluster.hcl", "--sim=sim", "--no-color", "-auto-approve",
                    archive.toString());
            assertEquals(0, r.exitCode(), r.all());
            assertContains(r.out(), "Restore complete: every Node is Ready");
            assertContains(r.out(), "The description against the restored cluster:");
            String objects = f.kubectl("get sc,pv -o name").stdout();
            assertContains(objects, "storageclass.storage.k8s.io/local-storage");
            assertContains(objects, "persistentvolume/local-pv-1");
            assertEquals(nodesBefore, nodes(f));
            assertTrue(allReady(f, 2), f.kubectl("get nodes").stdout());

            // ---- the token: in no output, and in no file pictl wrote but the archive ----
            for (CliRunner.Result o : outputs) {
                assertNotContains(o.all(), PlanFixture.TOKEN);
            }
            for (Path p : f.writtenFiles()) {
                if (!p.toString().endsWith(".tar.gz")) {
                    assertFalse(Files.readString(p).contains(PlanFixture.TOKEN), p.toString());
                }
            }
        }
    }

    /** The snapshot with another cluster's token in its archive, checksum and metadata made to match. */
    private Path foreignCopy(Path archive, String name) throws Exception {
        Path work = dir.resolve("foreign-work");
        Path out = dir.resolve("foreign");
        Files.createDirectories(work);
        Files.createDirectories(out);
        run("tar -C " + work + " -xzf " + archive + " && printf 'K10%s::server:another-cluster-token\\n' "
                + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef > " + work + "/server/token && tar -C "
                + work + " -czf " + out.resolve(name + ".tar.gz") + " server");
        String sum = PlanFixtureSums.sha256(out.resolve(name + ".tar.gz"));
        Files.writeString(out.resolve(name + ".tar.gz.sha256"), sum + "  " + name + ".tar.gz\n");
        String meta = Files.readString(archive.resolveSibling(name + ".json"));
        Files.writeString(out.resolve(name + ".json"), meta.replaceAll("\"sha256\" : \"[0-9a-f]+\"", "\"sha256\" : \"" + sum + "\""));
        return out.resolve(name + ".tar.gz");
    }

    private static void run(String sh) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", sh).redirectErrorStream(true).start();
        String o = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), o);
    }

    /** sha256 of a file, as sha256sum prints it. */
    static final class PlanFixtureSums {
        static String sha256(Path p) throws Exception {
            return SnapshotFiles.sha256(Files.readAllBytes(p));
        }
    }
}
