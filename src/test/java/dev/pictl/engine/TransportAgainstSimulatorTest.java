package dev.pictl.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.pictl.config.Config;
import dev.pictl.config.VariableInputs;
import dev.pictl.sim.ClusterSpec;
import dev.pictl.sim.NodeSpec;
import dev.pictl.sim.Provision;
import dev.pictl.sim.SimCluster;
import dev.pictl.sim.SimNode;
import dev.pictl.sim.Unreachable;
import dev.pictl.simbridge.SimulatorTargets;
import dev.pictl.transport.ExecResult;
import dev.pictl.transport.NodeTarget;
import dev.pictl.transport.RemoteCommand;
import dev.pictl.transport.Result;
import dev.pictl.transport.Secrets;
import dev.pictl.transport.Session;
import dev.pictl.transport.TransportException;
import dev.pictl.transport.TransportException.Kind;
import dev.pictl.transport.TransportSettings;
import dev.pictl.transport.ssh.SshTransport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * pictl's own transport ({@link SshTransport}) against the simulated fleet, reached through the description's
 * nodes and the simulator overlay ({@link SimulatorTargets#forSimulator}). Everything is checked on the node side
 * as well: round trips counted by the boards, files in their roots, boot ids, host key fingerprints.
 */
class TransportAgainstSimulatorTest {
    static {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }

    /** The description: LAN addresses, and ssh settings the overlay must override (no such user, a bastion). */
    private static final String CLUSTER = """
            ssh {
              user        = "admin"
              port        = 22
              private_key = "~/.ssh/does-not-exist"
              jump_host   = "bastion.lan"
            }

            node "pi-server-1" { address = "192.168.1.10" }
            node "pi-worker-1" { address = "192.168.1.11" }
            node "pi-worker-2" { address = "192.168.1.12" }
            node "pi-worker-3" { address = "192.168.1.13" }
            """;
    private static final List<String> NAMES = List.of("pi-server-1", "pi-worker-1", "pi-worker-2", "pi-worker-3");

    @TempDir
    static Path tmp;
    static SimCluster cluster;
    static Config config;
    static List<NodeTarget> targets;

    @BeforeAll
    static void start() throws IOException {
        String base = randomBase();
        List<NodeSpec> boards = new ArrayList<>();
        for (int i = 0; i < NAMES.size(); i++) {
            boards.add(NodeSpec.of(NAMES.get(i), base + (10 + i), 2222).withAdvertisedAddress("192.168.1." + (10 + i))
                    .withProvision(Provision.prepared()));
        }
        cluster = SimCluster.start(ClusterSpec.of(boards).withRebootDelayMillis(500), tmp.resolve("sim"));
        config = loadConfig(tmp.resolve("cluster"), CLUSTER);
        NodeTargets t = SimulatorTargets.forSimulator(config, tmp.resolve("sim"));
        assertEquals(List.of(), t.diagnostics());
        targets = t.targets();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    static Config loadConfig(Path dir, String hcl) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("cluster.hcl"), hcl);
        ValidateResult r = new Pictl().validate(new ValidateRequest(dir, VariableInputs.none()));
        assertTrue(r.ok(), () -> r.diagnostics().sorted().toString());
        return r.config();
    }

    /** A random 127.x.y.0/24 so that parallel runs (other worktrees) do not collide. */
    static String randomBase() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "127." + r.nextInt(100, 250) + "." + r.nextInt(1, 250) + ".";
    }

    /** What a run of pictl would use, minus the user's own ~/.ssh: the overlay names key and known_hosts. */
    static SshTransport transport(Path knownHosts) {
        return new SshTransport(TransportSettings.isolated(knownHosts, "pi", Secrets.none()));
    }

    static Map<String, Long> execCounts(SimCluster c) {
        Map<String, Long> out = new HashMap<>();
        c.nodes().forEach(n -> out.put(n.name(), n.execCount()));
        return out;
    }

    static Session ok(Result<Session> r) {
        if (r instanceof Result.Failed<Session> f) {
            fail(f.error().getMessage());
        }
        return ((Result.Ok<Session>) r).value();
    }

    @Test
    void openAll_thenOneCommandPerNode_isOneRoundTripOnEachBoard() throws Exception {
        Map<String, Long> before = execCounts(cluster);
        try (SshTransport t = transport(cluster.knownHosts())) {
            Map<String, Result<Session>> all = t.openAll(targets, 4);
            assertEquals(NAMES, List.copyOf(all.keySet()));
            for (String name : NAMES) {
                SimNode board = cluster.node(name);
                ExecResult r = ok(all.get(name)).exec(RemoteCommand.of("read facts",
                        "cat \"${PICTL_ROOT:-}/proc/sys/kernel/random/boot_id\"; hostname -I; id -un"));
                assertEquals(0, r.exitCode(), r.stderr());
                assertEquals(board.bootId() + "\n" + board.advertisedAddress() + " \npi\n", r.stdout());
            }
        }
        Map<String, Long> after = execCounts(cluster);
        for (String name : NAMES) {
            assertEquals(1, after.get(name) - before.get(name), name + ": exec round trips seen by the board");
        }
    }

    @Test
    void sudo_runsAsRoot_settlingSudoOnceOnTheFirstCommand() throws Exception {
        SimNode board = cluster.node("pi-worker-1");
        try (SshTransport t = transport(cluster.knownHosts())) {
            Session s = t.open(targets.get(1));
            long before = board.execCount();
            assertEquals("0\n", s.check(RemoteCommand.of("whoami as root", "id -u").asRoot()).stdout());
            long first = board.execCount() - before;
            // The first sudo command settles how sudo runs: at most one extra round trip (none when the
            // transport folds the check into the command itself).
            assertTrue(first == 1 || first == 2, "round trips for the first sudo command: " + first);
            assertEquals("root\n", s.check(RemoteCommand.of("whoami as root", "id -un").asRoot()).stdout());
            assertEquals(first + 1, board.execCount() - before, "no second sudo check on the same session");
            assertEquals("1000\n", s.check(RemoteCommand.of("whoami", "id -u")).stdout());
        }
    }

    @Test
    void upload_landsInTheBoardsRoot_withTheModeAsked() throws Exception {
        SimNode board = cluster.node("pi-worker-2");
        byte[] config = "node-name: pi-worker-2\n".getBytes(StandardCharsets.UTF_8);
        try (SshTransport t = transport(cluster.knownHosts())) {
            Session s = t.open(targets.get(2));
            s.upload(config, "/etc/rancher/k3s/config.yaml", 0600, true);
            s.upload("hello\n".getBytes(StandardCharsets.UTF_8), "/home/pi/notes/hello.txt", 0640);
        }
        Path asRoot = board.root().resolve("etc/rancher/k3s/config.yaml");
        assertEquals("node-name: pi-worker-2\n", Files.readString(asRoot));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(asRoot)));
        Path asUser = board.root().resolve("home/pi/notes/hello.txt");
        assertEquals("hello\n", Files.readString(asUser));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(asUser)));
        try (var tmpFiles = Files.list(board.root().resolve("tmp"))) {
            assertEquals(List.of(), tmpFiles.filter(p -> p.getFileName().toString().startsWith("pictl")).toList(),
                    "the private temporary file of a root upload is removed");
        }
    }

    @Test
    void anUnreachableBoard_isClassifiedUnreachable_whileTheOthersConnect() throws Exception {
        SimNode board = cluster.node("pi-worker-3");
        board.setUnreachable(Unreachable.REFUSED);
        try (SshTransport t = transport(cluster.knownHosts())) {
            Map<String, Result<Session>> all = t.openAll(targets, 4);
            for (String name : List.of("pi-server-1", "pi-worker-1", "pi-worker-2")) {
                assertEquals("ok\n", ok(all.get(name)).exec(RemoteCommand.of("ping", "echo ok")).stdout());
            }
            TransportException e = assertInstanceOf(Result.Failed.class, all.get("pi-worker-3")).error();
            assertEquals(Kind.UNREACHABLE, e.kind());
            assertEquals("pi-worker-3", e.node());
            assertTrue(e.getMessage().startsWith("pi-worker-3: connect: "), e.getMessage());
            assertTrue(e.getMessage().contains(board.address() + ":2222"), e.getMessage());
        } finally {
            board.setUnreachable(null);
        }
    }

    @Test
    void aRebootMidCommand_isAConnectionLost_andTheNextOpenReachesTheNewBoot() throws Exception {
        SimNode board = cluster.node("pi-server-1");
        String bootBefore = board.bootId();
        try (SshTransport t = transport(cluster.knownHosts())) {
            Session s = t.open(targets.get(0));
            TransportException e = assertThrows(TransportException.class, () -> s.exec(RemoteCommand.of("reboot",
                    "sleep 0.2; reboot; sleep 30").asRoot().withTimeout(Duration.ofSeconds(60))));
            assertEquals(Kind.CONNECTION_LOST, e.kind(), e.getMessage());
            assertTrue(e.getMessage().startsWith("pi-server-1: reboot: "), e.getMessage());
            assertFalse(s.isOpen());
            assertTrue(board.awaitUp(Duration.ofSeconds(20)), "the board comes back");
            assertNotEquals(bootBefore, board.bootId());
            Session again = t.open(targets.get(0));
            assertEquals(board.bootId() + "\n", again.exec(RemoteCommand.of("boot id",
                    "cat \"${PICTL_ROOT:-}/proc/sys/kernel/random/boot_id\"")).stdout());
        }
        assertTrue(cluster.eventMessages().contains("reboot pi-server-1"), cluster.eventMessages().toString());
    }

    @Test
    void aChangedHostKey_isRefusedWithBothFingerprints_andStopsOnlyThatBoard() throws Exception {
        // A separate small fleet: the board is "re-imaged" by giving it a new host key across a restart.
        String base = randomBase();
        Path sim = tmp.resolve("rekey");
        ClusterSpec spec = ClusterSpec.of(List.of(
                NodeSpec.of("pi-server-1", base + "10", 2222).withAdvertisedAddress("192.168.1.10"),
                NodeSpec.of("pi-worker-1", base + "11", 2222).withAdvertisedAddress("192.168.1.11")));
        Config two = loadConfig(tmp.resolve("cluster-two"), """
                node "pi-server-1" { address = "192.168.1.10" }
                node "pi-worker-1" { address = "192.168.1.11" }
                """);
        String oldFingerprint;
        try (SimCluster c = SimCluster.start(spec, sim)) {
            oldFingerprint = c.node("pi-worker-1").hostKeyFingerprint();
        }
        Path remembered = tmp.resolve("known_hosts.before");
        Files.copy(sim.resolve("known_hosts"), remembered);
        Files.delete(sim.resolve("nodes/pi-worker-1/ssh_host_ed25519_key"));
        try (SimCluster c = SimCluster.start(spec, sim)) {
            String newFingerprint = c.node("pi-worker-1").hostKeyFingerprint();
            assertNotEquals(oldFingerprint, newFingerprint);
            Files.copy(remembered, sim.resolve("known_hosts"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            NodeTargets t = SimulatorTargets.forSimulator(two, sim);
            try (SshTransport transport = transport(sim.resolve("known_hosts"))) {
                Map<String, Result<Session>> all = transport.openAll(t.targets(), 2);
                assertEquals("ok\n", ok(all.get("pi-server-1")).exec(RemoteCommand.of("ping", "echo ok")).stdout());
                TransportException e = assertInstanceOf(Result.Failed.class, all.get("pi-worker-1")).error();
                assertEquals(Kind.HOST_KEY_CHANGED, e.kind());
                assertTrue(e.getMessage().startsWith("pi-worker-1: connect: host key for "), e.getMessage());
                assertTrue(e.getMessage().contains("ssh-ed25519 " + newFingerprint), e.getMessage());
                assertTrue(e.getMessage().contains(oldFingerprint), e.getMessage());
                assertEquals(ssh_keygen_fingerprint(sim.resolve("nodes/pi-worker-1/ssh_host_ed25519_key.pub")), newFingerprint,
                        "the fingerprint is what ssh-keygen -lf prints");
            }
        }
    }

    /** The SHA256 fingerprint as OpenSSH's ssh-keygen prints it. */
    private static String ssh_keygen_fingerprint(Path pub) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ssh-keygen", "-lf", pub.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out.split(" ")[1];
    }
}
