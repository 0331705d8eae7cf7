package dev.pictl.types.backup;

import static dev.pictl.plan.PlanFixture.assertContains;
import static dev.pictl.plan.PlanFixture.assertNotContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pictl.cli.CliRunner;
import dev.pictl.plan.PlanFixture;
import dev.pictl.sim.NodeSpec;
import dev.pictl.sim.Provision;
import dev.pictl.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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

            // ---- the schedule: apply writes the timer; drift reports a stale newest snapshot ----
            CliRunner.Result applied = pictl(f, "apply", "-c", "cluster.hcl", "--sim=sim", "--no-color", "--auto-approve");
            assertEquals(0, applied.exitCode(), applied.all());
            assertContains(f.sudo("pi-server-1", "cat \"$PICTL_ROOT/etc/systemd/system/pictl-backup.timer\"").stdout(),
                    "OnCalendar=*-*-* *:00:00");
            assertContains(f.sudo("pi-server-1", "systemctl is-enabled pictl-backup.timer").stdout(), "enabled");
            // What the timer runs, on a board whose clock is three hours behind: its newest snapshot is that old.
            f.node("pi-server-1").setClockOffset(-10800);
            f.sudo("pi-server-1", "pictl-backup");
            f.node("pi-server-1").setClockOffset(0);
            Await.until("k3s back after the timer's copy", WAIT, () -> allReady(f, 2));
            CliRunner.Result stale = pictl(f, "drift", "-c", "cluster.hcl", "--sim=sim", "--no-color", "--fail-on-health");
            assertEquals(2, stale.exitCode(), stale.all());
            assertContains(stale.out(), "pi-server-1: the newest snapshot of the datastore is 3 hours old");
            assertNotContains(stale.out(), "k3s_backup.datastore");
            assertContains(stale.out(), "more than twice the schedule \"0 * * * *\"");
            f.sudo("pi-server-1", "pictl-backup");
            Await.until("k3s back after the timer's copy", WAIT, () -> allReady(f, 2));
            CliRunner.Result fresh = pictl(f, "drift", "-c", "cluster.hcl", "--sim=sim", "--no-color", "--fail-on-health");
            assertEquals(0, fresh.exitCode(), fresh.all());
            assertNotContains(fresh.out(), "newest snapshot");
            assertNotContains(fresh.out(), "no k3s_backup");
            assertEquals(2, f.sudo("pi-server-1", "ls \"$PICTL_ROOT/var/lib/pictl-backup\"").stdout().lines().count());

            // ---- the token: in no output, and in no file pictl wrote (state, saved plan, metadata) but the archive ----
            CliRunner.Result saved = pictl(f, "plan", "-c", "cluster.hcl", "--sim=sim", "--no-color", "--out", "after.plan");
            assertEquals(0, saved.exitCode(), saved.all());
            assertTrue(Files.isRegularFile(dir.resolve("after.plan")));
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

    /**
     * The same for a single embedded-etcd server (cluster-init): the snapshot is k3s's own ({@code k3s etcd-snapshot
     * save}), the restore is {@code k3s server --cluster-reset --cluster-reset-restore-path} after a wiped
     * {@code server/db}.
     */
    @Test
    void etcd_backup_wipe_clusterReset() throws Exception {
        String hcl = Files.readString(Path.of("src/test/resources/backup/etcd.hcl"));
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("node-ip", "192.168.1.10");
        config.put("disable", List.of("traefik"));
        config.put("cluster-init", true);
        List<NodeSpec> boards = new ArrayList<>();
        boards.add(NodeSpec.of("pi-server-1", "127.0.219.10", PORT).withAdvertisedAddress("192.168.1.10")
                .withProvision(Provision.none().withHostname(true).withKernelFlags(PlanFixture.CGROUP_FLAGS).withDocker(true)
                        .withK3sServer(PlanFixture.VERSION, PlanFixture.TOKEN).withK3sConfig(config)
                        .withManifests(List.of(PlanFixture.SC_YAML.formatted("kubernetes.io/no-provisioner"), PlanFixture.PV_YAML))));
        boards.addAll(PlanFixture.seedBoards("127.0.219.", PORT, true, List.of("pi-worker-1")));
        try (PlanFixture f = PlanFixture.start(dir, hcl, boards, ENV)) {
            Await.until("both Nodes Ready", WAIT, () -> allReady(f, 2));
            String nodesBefore = nodes(f);

            CliRunner.Result b = pictl(f, "backup", "-c", "cluster.hcl", "--sim=sim", "--no-color");
            assertEquals(0, b.exitCode(), b.all());
            assertContains(b.out(), "(etcd, k3s v1.31.4+k3s1");
            Path archive;
            try (Stream<Path> s = Files.list(dir.resolve("backups"))) {
                archive = s.filter(p -> p.toString().endsWith(".tar.gz")).findFirst().orElseThrow();
            }
            String name = archive.getFileName().toString().replace(".tar.gz", "");
            assertTrue(name.startsWith("on-demand-pi-server-1-"), name);
            assertContains(f.sudo("pi-server-1", "k3s etcd-snapshot ls").stdout(), "file:///var/lib/rancher/k3s/server/db/snapshots/" + name);
            assertTrue(SnapshotFiles.names(Files.readAllBytes(archive)).contains("server/db/snapshots/" + name));

            // no etcd database on the node (here an agent; a SQLite server alike): the real CLI's error
            var noEtcd = f.node("pi-worker-1").sudo("k3s etcd-snapshot save");
            assertEquals(1, noEtcd.exitCode(), noEtcd.stdout());
            assertContains(noEtcd.stderr(), "etcd database not found in /var/lib/rancher/k3s/server");

            // a dead card: server/db wiped, k3s starts an empty etcd
            f.sudo("pi-server-1", "systemctl stop k3s && rm -rf " + DB + " && systemctl start k3s");
            Await.until("the empty cluster up", WAIT, () -> allReady(f, 2) || allReady(f, 1));
            assertNotContains(f.kubectl("get sc,pv -o name").stdout(), "local-pv-1");

            CliRunner.Result r = pictl(f, "restore", "-c", "cluster.hcl", "--sim=sim", "--no-color", "-auto-approve",
                    archive.toString());
            assertEquals(0, r.exitCode(), r.all());
            assertContains(r.out(), "k3s server --cluster-reset --cluster-reset-restore-path=/var/lib/rancher/k3s/server/db/snapshots/" + name);
            String objects = f.kubectl("get sc,pv -o name").stdout();
            assertContains(objects, "storageclass.storage.k8s.io/local-storage");
            assertContains(objects, "persistentvolume/local-pv-1");
            assertEquals(nodesBefore, nodes(f));
            assertEquals(0, f.node("pi-server-1").sudo("test -d \"$PICTL_ROOT\"/var/lib/rancher/k3s/server/pre-restore-*/db/etcd")
                    .exitCode(), "the node's own etcd data before the restore is kept");
            assertFalse(f.node("pi-server-1").sudo("test -e \"$PICTL_ROOT/var/lib/rancher/k3s/server/db/reset-flag\"").exitCode() == 0,
                    "the reset flag is gone after the normal start");
            // the stand-in's failure modes: a reset while k3s runs; a snapshot that does not exist
            var running = f.node("pi-server-1").sudo("k3s server --cluster-reset");
            assertEquals(1, running.exitCode());
            assertContains(running.stderr(), "bind: address already in use");
            var missing = f.node("pi-server-1").sudo("systemctl stop k3s && k3s server --cluster-reset "
                    + "--cluster-reset-restore-path=/var/lib/rancher/k3s/server/db/snapshots/nope; rc=$?; systemctl start k3s; exit $rc");
            assertEquals(1, missing.exitCode());
            assertContains(missing.stderr(), "snapshot path does not exist");
            String snapPath = "/var/lib/rancher/k3s/server/db/snapshots/" + name;
            var wrongToken = f.node("pi-server-1").sudo("systemctl stop k3s && k3s server --cluster-reset "
                    + "--cluster-reset-restore-path=" + snapPath + " --token another-clusters-token; rc=$?; exit $rc");
            assertEquals(1, wrongToken.exitCode());
            assertContains(wrongToken.stderr(), "bootstrap data already found and encrypted with different token");
            var reset = f.node("pi-server-1").sudo("k3s server --cluster-reset");
            assertEquals(0, reset.exitCode(), reset.stderr());
            assertContains(reset.stderr(), "Managed etcd cluster membership has been reset, restart without --cluster-reset flag now");
            var again = f.node("pi-server-1").sudo("k3s server --cluster-reset");
            assertEquals(1, again.exitCode());
            assertContains(again.stderr(), "previously reset");
            f.sudo("pi-server-1", "systemctl start k3s");
            assertEquals(1, f.node("pi-server-1").sudo("test -e \"$PICTL_ROOT/var/lib/rancher/k3s/server/db/reset-flag\"").exitCode());
            assertContains(f.kubectl("get pv -o name").stdout(), "persistentvolume/local-pv-1"); // a reset keeps the data
            for (CliRunner.Result o : outputs) {
                assertNotContains(o.all(), PlanFixture.TOKEN);
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
