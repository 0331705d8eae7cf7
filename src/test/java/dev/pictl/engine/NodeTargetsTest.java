package dev.pictl.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pictl.config.Config;
import dev.pictl.config.VariableInputs;
import dev.pictl.diag.Diagnostic;
import dev.pictl.sim.ClusterSpec;
import dev.pictl.sim.NodeSpec;
import dev.pictl.simbridge.SimulatorTargets;
import dev.pictl.transport.HostKeyPolicy;
import dev.pictl.transport.NodeTarget;
import dev.pictl.transport.SudoMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Tag("fast")
class NodeTargetsTest {
    @TempDir
    Path tmp;

    private Path home() {
        return tmp.resolve("home");
    }

    private Config load(String hcl) throws IOException {
        Path dir = tmp.resolve("cluster");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("cluster.hcl"), hcl);
        return load(dir, VariableInputs.none());
    }

    private static Config load(Path location, VariableInputs vars) {
        ValidateResult r = new Pictl().validate(new ValidateRequest(location, vars));
        assertTrue(r.config() != null, () -> r.diagnostics().sorted().toString());
        return r.config();
    }

    @Test
    void nodeWithoutSshSettings_leavesEverythingToSshConfig() throws IOException {
        NodeTargets t = NodeTargets.from(load("""
                node "pi-1" { address = "192.168.1.10" }
                """), home());
        assertEquals(List.of(), t.diagnostics());
        assertEquals(List.of(NodeTarget.of("pi-1", "192.168.1.10")), t.targets());
        NodeTarget n = t.targets().get(0);
        assertEquals(0, n.port());
        assertNull(n.user(), "the schema's default user is not filled in: ~/.ssh/config's User may apply");
        assertNull(n.sudo());
        assertNull(n.jumpHost());
    }

    /** Which block a value comes from: the node's own ssh block beats the top-level one. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            top-level only        | user = "admin"            |                         | admin
            node only             |                           | user = "ubuntu"         | ubuntu
            node overrides top    | user = "admin"            | user = "ubuntu"         | ubuntu
            node null falls back  | user = "admin"            | user = null             | admin
            """)
    void user_precedence(String name, String top, String own, String expected) throws IOException {
        String hcl = (top == null ? "" : "ssh {\n  " + top + "\n}\n")
                + "node \"pi-1\" {\n  address = \"10.0.0.1\"\n" + (own == null ? "" : "  ssh {\n    " + own + "\n  }\n") + "}\n";
        NodeTargets t = NodeTargets.from(load(hcl), home());
        assertEquals(List.of(), t.diagnostics());
        assertEquals(expected, t.targets().get(0).user());
    }

    @Test
    void everySetting_isMapped() throws IOException {
        NodeTargets t = NodeTargets.from(load("""
                ssh {
                  user            = "pi"
                  port            = 2200
                  private_key     = "~/.ssh/pi_ed25519"
                  known_hosts     = "keys/known_hosts"
                  host_key_policy = "accept-new"
                  sudo            = true
                  jump_host       = "admin@bastion.lan:2222"
                  connect_timeout = "30s"
                }

                node "pi-1" { address = "192.168.1.10" }

                node "pi-2" {
                  address = "pi-2.lan"
                  ssh {
                    port            = 22
                    user            = "root"
                    sudo            = false
                    host_key_policy = "strict"
                    private_key     = "/etc/pictl/root_key"
                    connect_timeout = "1500ms"
                  }
                }
                """), home());
        assertEquals(List.of(), t.diagnostics());
        Path cfg = tmp.resolve("cluster").toAbsolutePath();
        assertEquals(new NodeTarget("pi-1", "192.168.1.10", 2200, "pi", home().resolve(".ssh/pi_ed25519"),
                cfg.resolve("keys/known_hosts"), HostKeyPolicy.ACCEPT_NEW, SudoMode.WITH_PASSWORD,
                "admin@bastion.lan:2222", Duration.ofSeconds(30)), t.byNode().get("pi-1"));
        assertEquals(new NodeTarget("pi-2", "pi-2.lan", 22, "root", Path.of("/etc/pictl/root_key"),
                cfg.resolve("keys/known_hosts"), HostKeyPolicy.STRICT, SudoMode.NONE,
                "admin@bastion.lan:2222", Duration.ofMillis(1500)), t.byNode().get("pi-2"));
        assertEquals(List.of("pi-1", "pi-2"), List.copyOf(t.byNode().keySet()), "declaration order");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            ~                    | HOME
            ~/.ssh/id_ed25519    | HOME/.ssh/id_ed25519
            id_ed25519           | CFG/id_ed25519
            ../keys/./id         | CFG/../keys/id
            /abs/key             | /abs/key
            ~other/key           | CFG/~other/key
            """)
    void paths_expandTildeAndResolveAgainstTheConfigDirectory(String given, String expected) {
        Path home = Path.of("/home/me");
        Path cfg = Path.of("/srv/cluster");
        Path want = Path.of(expected.replace("HOME", home.toString()).replace("CFG", cfg.toString())).normalize();
        assertEquals(want, NodeTargets.path(given, cfg, home));
    }

    @Test
    void configGivenAsAFile_resolvesRelativeToItsDirectory() throws IOException {
        Path sub = tmp.resolve("site");
        Files.createDirectories(sub);
        Files.writeString(sub.resolve("pis.hcl"), """
                ssh {
                  private_key = "deploy_key"
                }

                node "pi-1" { address = "10.0.0.1" }
                """);
        NodeTargets t = NodeTargets.from(load(sub.resolve("pis.hcl"), VariableInputs.none()), home());
        assertEquals(sub.toAbsolutePath().resolve("deploy_key"), t.targets().get(0).privateKey());
    }

    @Test
    void anAddressFromAVariableWithoutValue_isAnErrorAtTheAttribute() throws IOException {
        Config c = load("""
                variable "ip" {}

                node "pi-1" { address = var.ip }
                node "pi-2" { address = "10.0.0.2" }
                """);
        NodeTargets t = NodeTargets.from(c, home());
        assertFalse(t.ok());
        assertEquals(List.of("pi-2"), t.targets().stream().map(NodeTarget::node).toList(), "the other nodes still resolve");
        Diagnostic d = t.diagnostics().get(0);
        assertEquals("the address of node \"pi-1\" is not known", d.summary());
        assertEquals(3, d.subject().start().line());
        assertTrue(d.detail().contains("--var"), d.detail());
    }

    @Test
    void anAddressFromAVariableWithAValue_isUsed() throws IOException {
        Path dir = tmp.resolve("vars");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("c.hcl"), """
                variable "ip" {}
                variable "ssh_user" {}

                ssh {
                  user = var.ssh_user
                }

                node "pi-1" { address = var.ip }
                """);
        Config c = load(dir, new VariableInputs(Map.of("ip", "10.1.1.1", "ssh_user", "ops"), Map.of(), true));
        NodeTargets t = NodeTargets.from(c, home());
        assertEquals(List.of(), t.diagnostics());
        assertEquals("10.1.1.1", t.targets().get(0).host());
        assertEquals("ops", t.targets().get(0).user());
    }

    // ---- the simulator overlay ---------------------------------------------------------------------------

    private Path simDir(List<NodeSpec> boards) throws IOException {
        Path d = tmp.resolve("sim");
        ClusterSpec.of(boards).write(d.resolve("cluster.json"));
        Files.writeString(d.resolve("id_ed25519"), "key");
        Files.writeString(d.resolve("known_hosts"), "");
        return d;
    }

    private static final String TWO_NODES = """
            ssh {
              user        = "admin"
              port        = 22
              private_key = "~/.ssh/id_ed25519"
              jump_host   = "bastion"
            }

            node "pi-server-1" { address = "192.168.1.10" }
            node "pi-worker-1" { address = "192.168.1.11" }
            """;

    @Test
    void forSimulator_pointsEveryNodeAtItsSimulatedEndpoint() throws IOException {
        Path sim = simDir(List.of(
                NodeSpec.of("pi-server-1", "127.0.1.10", 2222).withAdvertisedAddress("192.168.1.10"),
                NodeSpec.of("pi-worker-1", "127.0.1.11", 2222).withAdvertisedAddress("192.168.1.11").withSudoPassword("pw"),
                NodeSpec.of("pi-extra", "127.0.1.12", 2222)));
        NodeTargets t = SimulatorTargets.forSimulator(load(TWO_NODES), sim);
        assertEquals(List.of(), t.diagnostics());
        assertEquals(new NodeTarget("pi-server-1", "127.0.1.10", 2222, "pi", sim.resolve("id_ed25519"),
                sim.resolve("known_hosts"), HostKeyPolicy.STRICT, SudoMode.PASSWORDLESS, null, null)
                .withJumpHost("none"), t.byNode().get("pi-server-1"));
        assertEquals(SudoMode.WITH_PASSWORD, t.byNode().get("pi-worker-1").sudo(), "a board that wants a password");
        assertEquals(2, t.targets().size(), "boards the description does not name are not targets");
    }

    @Test
    void forSimulator_aNodeTheSimulatorLacks_isAnErrorAtItsBlock() throws IOException {
        Path sim = simDir(List.of(NodeSpec.of("pi-server-1", "127.0.1.10", 2222)));
        NodeTargets t = SimulatorTargets.forSimulator(load(TWO_NODES), sim);
        assertFalse(t.ok());
        assertEquals(List.of("pi-server-1"), t.targets().stream().map(NodeTarget::node).toList());
        Diagnostic d = t.diagnostics().get(0);
        assertEquals("node \"pi-worker-1\" is not in the simulated cluster", d.summary());
        assertEquals(9, d.subject().start().line());
        assertTrue(d.detail().contains("has the nodes pi-server-1. Restart it from this description"), d.detail());
        assertTrue(d.detail().contains("pictl sim start -c "), d.detail());
    }

    @Test
    void forSimulator_anAdvertisedAddressThatDiffers_isAWarning() throws IOException {
        Path sim = simDir(List.of(
                NodeSpec.of("pi-server-1", "127.0.1.10", 2222).withAdvertisedAddress("192.168.1.99"),
                NodeSpec.of("pi-worker-1", "127.0.1.11", 2222)));
        NodeTargets t = SimulatorTargets.forSimulator(load(TWO_NODES), sim);
        assertTrue(t.ok());
        assertEquals(1, t.diagnostics().size());
        assertEquals("node \"pi-server-1\" has address 192.168.1.10 but its simulated board advertises 192.168.1.99",
                t.diagnostics().get(0).summary());
    }

    @Test
    void forSimulator_withoutASimulator_saysHowToStartOne() throws IOException {
        NodeTargets t = SimulatorTargets.forSimulator(load(TWO_NODES), tmp.resolve("nothing"));
        assertFalse(t.ok());
        assertEquals(List.of(), t.targets());
        Diagnostic d = t.diagnostics().get(0);
        assertEquals("no simulator in " + tmp.resolve("nothing").toAbsolutePath(), d.summary());
        assertTrue(d.detail().contains("pictl sim start -c "), d.detail());
    }

    @Test
    void forSimulator_aBrokenClusterJson_isADiagnosticNotAnException() throws IOException {
        Path sim = tmp.resolve("broken");
        Files.createDirectories(sim);
        Files.writeString(sim.resolve("cluster.json"), "{\"nodes\": [{\"name\": \"UPPER\"");
        NodeTargets t = SimulatorTargets.forSimulator(load(TWO_NODES), sim);
        assertFalse(t.ok());
        assertTrue(t.diagnostics().get(0).summary().startsWith("cannot read the simulated cluster "), t.diagnostics().toString());
    }
}
