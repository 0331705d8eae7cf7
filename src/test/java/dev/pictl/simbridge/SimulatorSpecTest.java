package dev.pictl.simbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pictl.config.Config;
import dev.pictl.config.VariableInputs;
import dev.pictl.engine.Pictl;
import dev.pictl.engine.ValidateRequest;
import dev.pictl.engine.ValidateResult;
import dev.pictl.sim.NodeSpec;
import dev.pictl.sim.Provision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Tag("fast")
class SimulatorSpecTest {
    @TempDir
    Path tmp;

    private Config load(String hcl, Map<String, String> vars) throws IOException {
        Files.writeString(tmp.resolve("cluster.hcl"), hcl);
        ValidateResult r = new Pictl().validate(new ValidateRequest(tmp, new VariableInputs(vars, Map.of(), false)));
        assertTrue(r.ok(), () -> r.diagnostics().sorted().toString());
        return r.config();
    }

    @ParameterizedTest(name = "board {1} from {0} -> {2}")
    @CsvSource({
            "127.0.1.10, 0, 127.0.1.10",
            "127.0.1.10, 239, 127.0.1.249",
            "127.0.1.10, 240, 127.0.2.10",
            "127.0.1.10, 480, 127.0.3.10",
            "127.5.6.200, 60, 127.5.7.20",
    })
    void loopbackAddresses_countUpAndWrapIntoTheNextSlash24(String first, int i, String expected) {
        assertEquals(expected, SimulatorSpec.loopback(first, i));
    }

    private static final String SEED = """
            variable "k3s_token" {
              sensitive = true
              default   = null
            }

            node "pi-server-1" { address = "192.168.1.10" }
            node "pi-worker-1" { address = "192.168.1.11" }
            node "pi-worker-2" { address = "pi-worker-2.lan" }

            kernel_params "cgroups" {
              nodes = [node.pi-server-1, node.pi-worker-1]
              add   = ["cgroup_enable=memory", "cgroup_memory=1"]
            }

            runtime "docker" {
              nodes  = [node.pi-worker-1]
              engine = "docker"
            }

            k3s_server "control" {
              node    = node.pi-server-1
              version = "v1.30.8+k3s1"
              token   = var.k3s_token
              disable = ["traefik"]
              config  = { "node-ip" = node.pi-server-1.address }
            }

            k3s_agent "workers" {
              nodes  = [node.pi-worker-1]
              server = k3s_server.control
            }
            """;

    @Test
    void freshBoards_onePerNode_advertisingTheirAddresses() throws IOException {
        SimulatorSpec s = SimulatorSpec.of(load(SEED, Map.of()), false);
        assertTrue(s.ok());
        List<NodeSpec> nodes = s.spec().nodes();
        assertEquals(List.of("pi-server-1", "pi-worker-1", "pi-worker-2"), nodes.stream().map(NodeSpec::name).toList());
        assertEquals(List.of("127.0.1.10", "127.0.1.11", "127.0.1.12"), nodes.stream().map(NodeSpec::address).toList());
        assertEquals(List.of("192.168.1.10", "192.168.1.11", "pi-worker-2.lan"),
                nodes.stream().map(NodeSpec::advertisedAddress).toList());
        assertTrue(nodes.stream().allMatch(n -> n.port() == 2222 && n.provision().equals(Provision.none())));
    }

    @Test
    void provisionedBoards_startAsTheDescriptionAsks() throws IOException {
        SimulatorSpec s = SimulatorSpec.of(load(SEED, Map.of("k3s_token", "s3cret")), true, "127.9.9.10", 2300);
        NodeSpec server = s.spec().nodes().get(0);
        NodeSpec worker = s.spec().nodes().get(1);
        NodeSpec bare = s.spec().nodes().get(2);
        assertEquals("127.9.9.10:2300", server.address() + ":" + server.port());
        Provision p = server.provision();
        assertTrue(p.hostname());
        assertEquals(List.of("cgroup_enable=memory", "cgroup_memory=1"), p.kernelFlags());
        assertEquals("server", p.k3s());
        assertEquals("v1.30.8+k3s1", p.k3sVersion());
        assertEquals("s3cret", p.k3sToken());
        assertEquals(Map.of("disable", List.of("traefik"), "node-ip", "192.168.1.10"), p.k3sConfig());
        assertFalse(p.docker());
        assertEquals("agent", worker.provision().k3s());
        assertEquals("pi-server-1", worker.provision().k3sServer());
        assertTrue(worker.provision().docker());
        assertEquals(Provision.none().withHostname(true), bare.provision(), "a node nothing else names: hostname only");
    }

    @Test
    void aTokenWithoutValue_letsK3sGenerateOne() throws IOException {
        SimulatorSpec s = SimulatorSpec.of(load(SEED, Map.of()), true);
        assertNull(s.spec().nodes().get(0).provision().k3sToken());
    }

    @Test
    void anUnknownAddress_isAnError() throws IOException {
        SimulatorSpec s = SimulatorSpec.of(load("""
                variable "ip" {}

                node "pi-1" { address = var.ip }
                """, Map.of()), false);
        assertFalse(s.ok());
        assertNull(s.spec());
        assertEquals("the address of node \"pi-1\" is not known", s.diagnostics().get(0).summary());
    }

    @Test
    void genericBoards_withoutADescription() {
        SimulatorSpec s = SimulatorSpec.generic(3, true, "127.0.1.10", 2222);
        assertEquals(List.of("pi-1", "pi-2", "pi-3"), s.spec().nodes().stream().map(NodeSpec::name).toList());
        assertEquals(Provision.prepared(), s.spec().nodes().get(2).provision());
        assertNull(s.spec().nodes().get(0).advertisedAddress());
    }
}
