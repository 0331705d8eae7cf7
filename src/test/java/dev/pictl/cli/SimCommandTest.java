package dev.pictl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pictl.sim.ClusterSpec;
import dev.pictl.sim.NodeSpec;
import dev.pictl.sim.SimControl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code pictl sim ...} through the real CLI (in-process, injected writers) against a real daemon in a temp
 * directory. Every test that starts a daemon stops it in {@code finally}.
 */
class SimCommandTest {
    @TempDir
    Path work;

    private static final Map<String, String> ENV = Map.of("NO_COLOR", "1");

    private CliRunner.Result pictl(String... args) {
        return CliRunner.run(work, ENV, args);
    }

    /** A random 127.x.y.10 so that parallel runs (other worktrees) do not collide. */
    private static String firstAddress() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "127." + r.nextInt(100, 250) + "." + r.nextInt(1, 250) + ".10";
    }

    private static String prefix(String first) {
        return first.substring(0, first.lastIndexOf('.') + 1);
    }

    private static void stop(Path dir) throws Exception {
        SimControl.stop(dir, Duration.ofSeconds(30));
    }

    private static final String TWO_NODES = """
            node "pi-server-1" { address = "192.168.1.10" }
            node "pi-worker-1" { address = "192.168.1.11" }
            """;

    @ParameterizedTest
    @ValueSource(strings = {"sim", "sim start", "sim stop", "sim status", "sim exec", "sim fault", "sim events"})
    void everySubcommand_hasHelp(String command) {
        String[] args = (command + " --help").split(" ");
        CliRunner.Result r = pictl(args);
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().startsWith("Usage: pictl " + command), r.out());
        assertTrue(r.out().contains("--dir") || command.equals("sim"), r.out());
    }

    @Test
    void simWithoutSubcommand_printsUsageAndFails() {
        CliRunner.Result r = pictl("sim");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("Usage: pictl sim"), r.err());
    }

    @Test
    void startFromADescription_thenStatusExecFaultEventsStop() throws Exception {
        Files.writeString(work.resolve("cluster.hcl"), TWO_NODES);
        Path dir = work.resolve(".pictl-sim");
        String first = firstAddress();
        try {
            CliRunner.Result start = pictl("sim", "start", "--first-address", first, "--port", "2222");
            assertEquals(0, start.exitCode(), start.all());
            assertTrue(start.out().startsWith("Simulated fleet up: 2 boards (daemon pid "), start.out());
            assertTrue(start.out().contains("state in " + dir.toAbsolutePath() + ")"), start.out());
            assertTrue(start.out().contains("SSH key:     " + dir.resolve("id_ed25519")), start.out());
            assertTrue(start.out().contains("known_hosts: " + dir.resolve("known_hosts")), start.out());
            assertTrue(start.out().contains("  ssh -i " + dir.resolve("id_ed25519") + " -o UserKnownHostsFile="
                    + dir.resolve("known_hosts") + " -p 2222 pi@" + first + " uname -a"), start.out());
            assertTrue(start.out().contains("  pictl sim exec pi-server-1 -- vcgencmd get_throttled"), start.out());
            assertEquals("", start.err());

            ClusterSpec spec = ClusterSpec.read(dir.resolve("cluster.json"));
            assertEquals(List.of("pi-server-1", "pi-worker-1"), spec.nodes().stream().map(NodeSpec::name).toList());
            assertEquals(List.of(first, prefix(first) + "11"), spec.nodes().stream().map(NodeSpec::address).toList());
            assertEquals(List.of("192.168.1.10", "192.168.1.11"), spec.nodes().stream().map(NodeSpec::advertisedAddress).toList());

            CliRunner.Result status = pictl("sim", "status");
            assertEquals(0, status.exitCode(), status.all());
            assertTrue(status.out().startsWith("Running: daemon pid "), status.out());
            assertTrue(status.out().lines().anyMatch(l -> l.matches("pi-worker-1 +" + first.replace(".", "\\.").replaceAll("10$", "11")
                    + ":2222 +192\\.168\\.1\\.11 +up +ok .*")), status.out());

            CliRunner.Result ip = pictl("sim", "exec", "pi-worker-1", "--", "hostname", "-I");
            assertEquals(0, ip.exitCode(), ip.all());
            assertEquals("192.168.1.11 \n", ip.out());

            CliRunner.Result failing = pictl("sim", "exec", "pi-worker-1", "--", "echo oops >&2; exit 3");
            assertEquals(1, failing.exitCode());
            assertEquals("oops\nError: pi-worker-1: command exited 3\n", failing.err());

            CliRunner.Result fault = pictl("sim", "fault", "pi-worker-1", "throttled", "0x50005");
            assertEquals(0, fault.exitCode(), fault.all());
            assertEquals("pi-worker-1: throttled 0x50005\n", fault.out());
            assertEquals("throttled=0x50005\n", pictl("sim", "exec", "pi-worker-1", "--", "vcgencmd", "get_throttled").out());

            CliRunner.Result unreachable = pictl("sim", "fault", "pi-worker-1", "unreachable");
            assertEquals(0, unreachable.exitCode(), unreachable.all());
            CliRunner.Result events = pictl("sim", "events");
            assertEquals(0, events.exitCode(), events.all());
            assertTrue(events.out().contains("fault pi-worker-1 unreachable refused"), events.out());
            assertTrue(events.out().contains("boot pi-server-1 boot_id="), events.out());

            CliRunner.Result again = pictl("sim", "start");
            assertEquals(1, again.exitCode());
            assertEquals("Error: the simulator for " + dir.toAbsolutePath() + " is already running; stop it first with "
                    + "'pictl sim stop'\n", again.err());

            CliRunner.Result stop = pictl("sim", "stop");
            assertEquals(0, stop.exitCode(), stop.all());
            assertTrue(stop.out().startsWith("Stopped the simulator for " + dir.toAbsolutePath()), stop.out());
            assertFalse(SimControl.status(dir).running());

            CliRunner.Result after = pictl("sim", "status");
            assertEquals(1, after.exitCode());
            assertEquals("Error: no simulator is running for " + dir.toAbsolutePath() + "; start one with 'pictl sim start'\n",
                    after.err());
            assertEquals(0, pictl("sim", "stop").exitCode(), "stopping a stopped simulator is not an error");
        } finally {
            stop(dir);
        }
    }

    @Test
    void unknownNodesAndFaults_areErrorsWithAHint() throws Exception {
        Path dir = work.resolve("fleet");
        try {
            CliRunner.Result start = pictl("sim", "start", "--nodes", "1", "--dir", "fleet", "--first-address", firstAddress());
            assertEquals(0, start.exitCode(), start.all());
            assertTrue(start.out().contains("  pictl sim stop --dir " + dir.toAbsolutePath()), start.out());

            CliRunner.Result badFault = pictl("sim", "fault", "--dir", "fleet", "pi-1", "throtled");
            assertEquals(1, badFault.exitCode());
            assertTrue(badFault.err().startsWith("Error: Unknown fault 'throtled'; did you mean 'throttled'?"), badFault.err());

            CliRunner.Result badNode = pictl("sim", "exec", "--dir", "fleet", "pi-9", "--", "true");
            assertEquals(1, badNode.exitCode());
            assertEquals("Error: unknown node pi-9\n", badNode.err());

            CliRunner.Result reboot = pictl("sim", "fault", "--dir", "fleet", "pi-1", "reboot");
            assertEquals(0, reboot.exitCode(), reboot.all());
        } finally {
            stop(dir);
        }
    }

    @Test
    void provisionedFromADescription_bootsTheK3sClusterItDescribes() throws Exception {
        Files.writeString(work.resolve("cluster.hcl"), """
                node "pi-server-1" { address = "192.168.1.10" }
                node "pi-worker-1" { address = "192.168.1.11" }

                kernel_params "cgroups" {
                  nodes = [node.pi-server-1, node.pi-worker-1]
                  add   = ["cgroup_enable=cpuset", "cgroup_enable=memory", "cgroup_memory=1"]
                }

                k3s_server "control" {
                  node    = node.pi-server-1
                  version = "v1.31.4+k3s1"
                  disable = ["traefik"]
                  config  = { "node-ip" = node.pi-server-1.address }
                }

                k3s_agent "workers" {
                  nodes  = [node.pi-worker-1]
                  server = k3s_server.control
                }
                """);
        Path dir = work.resolve(".pictl-sim");
        try {
            CliRunner.Result start = pictl("sim", "start", "-c", "cluster.hcl", "--provisioned", "--first-address", firstAddress());
            assertEquals(0, start.exitCode(), start.all());
            CliRunner.Result nodes = pictl("sim", "exec", "pi-server-1", "--", "sudo k3s kubectl get nodes -o wide --no-headers");
            assertEquals(0, nodes.exitCode(), nodes.all());
            assertTrue(nodes.out().lines().anyMatch(l -> l.matches("pi-server-1 +Ready +control-plane,master .* 192\\.168\\.1\\.10 .*")), nodes.out());
            assertTrue(nodes.out().lines().anyMatch(l -> l.matches("pi-worker-1 +Ready +<none> .* 192\\.168\\.1\\.11 .*")), nodes.out());
            CliRunner.Result cmdline = pictl("sim", "exec", "pi-worker-1", "--", "cat \"$PICTL_ROOT/proc/cmdline\"; hostname");
            assertTrue(cmdline.out().contains(" cgroup_enable=cpuset cgroup_enable=memory cgroup_memory=1\n"), cmdline.out());
            assertTrue(cmdline.out().endsWith("\npi-worker-1\n"), cmdline.out());
        } finally {
            stop(dir);
        }
    }

    @Test
    void anInvalidDescription_showsItsDiagnostics_andStartsNothing() throws Exception {
        Files.writeString(work.resolve("cluster.hcl"), "node \"pi-1\" { adress = \"192.168.1.10\" }\n");
        CliRunner.Result r = pictl("sim", "start", "--first-address", firstAddress());
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("cluster.hcl:1:15: unknown attribute \"adress\" in node \"pi-1\"; did you mean \"address\"?"), r.err());
        assertTrue(r.err().contains("Error: the description is not valid (2 errors, 0 warnings)"), r.err());
        assertFalse(Files.exists(work.resolve(".pictl-sim/daemon.json")));
    }

    @Test
    void anEndpointInUse_failsAtOnce_namingTheBoardAndWhatToDo() throws Exception {
        String first = firstAddress();
        try (java.net.ServerSocket taken = new java.net.ServerSocket()) {
            taken.bind(new java.net.InetSocketAddress(first, 2222));
            CliRunner.Result r = pictl("sim", "start", "--nodes", "2", "--first-address", first);
            assertEquals(1, r.exitCode(), r.all());
            assertTrue(r.err().startsWith("Error: could not start the simulator: pi-1: cannot listen on " + first
                    + ":2222: Address already in use"), r.err());
            assertTrue(r.err().contains("  hint: 'pictl sim start --first-address 127.0.2.10' or '--port 2223'"), r.err());
            assertFalse(SimControl.status(work.resolve(".pictl-sim")).running());
        }
    }

    @Test
    void aDaemonThatFails_isReportedByItsOwnMessage_notTheLibrariesLog() {
        String tail = "the simulator daemon exited (1):\n[pictl-sim-1] ERROR org.apache.sshd... bind failed\n"
                + "pictl-sim: pi-1: cannot listen on 127.0.1.10:2222: Address already in use";
        assertEquals("the simulator daemon exited (1): pi-1: cannot listen on 127.0.1.10:2222: Address already in use",
                SimCommand.daemonMessage(tail));
        assertEquals("did not come up\nlog", SimCommand.daemonMessage("did not come up\nlog"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"--nodes 2 -c cluster.hcl", "--nodes 0", "--port 22", "--first-address 10.0.0.1"})
    void badStartOptions_areUsageErrorsExitingOne(String options) {
        CliRunner.Result r = pictl(("sim start " + options).split(" "));
        assertEquals(1, r.exitCode(), r.all());
        assertTrue(r.err().startsWith("Error: "), r.err());
        assertTrue(r.err().contains("Run 'pictl sim start --help' for usage."), r.err());
        assertFalse(Files.exists(work.resolve(".pictl-sim")));
    }
}
