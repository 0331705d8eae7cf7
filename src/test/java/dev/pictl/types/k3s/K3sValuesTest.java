package dev.pictl.types.k3s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.pictl.config.Config;
import dev.pictl.plan.kind.PlanContext;
import dev.pictl.testing.TestContexts;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link K3sValues}: the one definition of a k3s server's and agent's values (fast tier). Each record reads back
 * from its canonical map, the map's keys come in the documented order with absent values left out, and the kinds'
 * {@code desired()} is exactly a record's canonical map.
 */
@Tag("fast")
class K3sValuesTest {
    private static final String V = "v1.31.4+k3s1";

    @TempDir
    Path tmp;

    static Stream<Arguments> servers() {
        return Stream.of(
                Arguments.of(new K3sValues.Server("pi-1", V, true, Map.of("node-name", "pi-1"), null),
                        List.of("node", "version", "running", "config")),
                Arguments.of(new K3sValues.Server("pi-1", V, false, Map.of("disable", List.of("traefik", "servicelb"),
                        "node-name", "pi-1", "docker", "true"), "hmac:abc"),
                        List.of("node", "version", "running", "config", "token")),
                // an old server seen on the node it moved away from: no version, not running
                Arguments.of(new K3sValues.Server("pi-0", null, false, null, null), List.of("node", "running")),
                Arguments.of(new K3sValues.Server("pi-1", V, true, Map.of(), "h"),
                        List.of("node", "version", "running", "config", "token")),
                Arguments.of(new K3sValues.Server(null, null, false, null, null), List.of("running")));
    }

    @ParameterizedTest
    @MethodSource("servers")
    void server_readsBackFromItsCanonicalMap(K3sValues.Server s, List<String> keys) {
        Map<String, Object> canonical = s.canonical();
        assertEquals(keys, new ArrayList<>(canonical.keySet()));
        assertEquals(s, K3sValues.Server.of(canonical));
        assertEquals(canonical, K3sValues.Server.of(canonical).canonical());
        if (s.config() != null) {
            assertEquals(new ArrayList<>(new java.util.TreeMap<>(s.config()).keySet()),
                    new ArrayList<>(((Map<?, ?>) canonical.get("config")).keySet()), "config keys sorted");
        }
    }

    static Stream<Arguments> agents() {
        return Stream.of(
                Arguments.of(new K3sValues.Agent(V, true, "https://192.168.1.10:6443", Map.of("node-name", "pi-2"),
                        null), List.of("version", "running", "server_url", "config")),
                Arguments.of(new K3sValues.Agent(V, false, "https://192.168.1.10:6444",
                        Map.of("node-name", "w", "docker", "true", "node-label", List.of("a=b")), "hmac:x"),
                        List.of("version", "running", "server_url", "config", "token")),
                // no server in the description: neither version nor URL
                Arguments.of(new K3sValues.Agent(null, true, null, Map.of("node-name", "pi-2"), null),
                        List.of("running", "config")));
    }

    @ParameterizedTest
    @MethodSource("agents")
    void agent_readsBackFromItsCanonicalMap(K3sValues.Agent a, List<String> keys) {
        Map<String, Object> canonical = a.canonical();
        assertEquals(keys, new ArrayList<>(canonical.keySet()));
        assertEquals(a, K3sValues.Agent.of(canonical));
        assertEquals(canonical, K3sValues.Agent.of(canonical).canonical());
    }

    @Test
    void of_toleratesMissingKeysAndNoMap() {
        K3sValues.Server s = K3sValues.Server.of(null);
        assertNull(s.node());
        assertNull(s.config());
        assertFalse(s.running());
        assertEquals("pi-9", s.nodeOr("pi-9"));
        K3sValues.Agent a = K3sValues.Agent.of(Map.of("version", V));
        assertEquals(V, a.version());
        assertEquals("pi-2", a.nodeName("pi-2"), "no config: the node's name");
        assertEquals(new java.util.TreeMap<>(), K3sValues.configToWrite(a.config()));
    }

    @Test
    void canonical_givesAMapToChangeWithoutTouchingTheRecord() {
        K3sValues.Server s = new K3sValues.Server("pi-1", V, true, Map.of("node-name", "pi-1"), null);
        @SuppressWarnings("unchecked")
        Map<String, Object> config = (Map<String, Object>) s.canonical().get("config");
        config.put("token", "x");
        assertEquals(Map.of("node-name", "pi-1"), s.config());
    }

    private static final String VARS = """
            variable "tok" {
              sensitive = true
              default   = "K10abc::server:s3cret"
            }
            """;

    private static String hcl(String serverExtra, String agentExtra, String more) {
        return """
                cluster { name = "t" }
                %s
                node "pi-1" {
                  address = "192.168.1.10"
                }
                node "pi-2" {
                  address = "192.168.1.11"
                }
                k3s_server "control" {
                  node    = node.pi-1
                  version = "%s"
                  %s
                }
                k3s_agent "workers" {
                  nodes  = [node.pi-2]
                  server = k3s_server.control
                  %s
                }
                """.formatted(more, V, serverExtra, agentExtra);
    }

    static Stream<Arguments> descriptions() {
        return Stream.of(
                Arguments.of("minimal", hcl("", "", "")),
                Arguments.of("disable, passthrough and a listen port",
                        hcl("disable = [\"traefik\"]\nconfig = {\n \"https-listen-port\" = 6444\n"
                                + " \"node-label\" = [\"zone=a\"]\n}", "config = {\n \"node-ip\" = \"192.168.1.11\"\n}", "")),
                Arguments.of("docker on both nodes", hcl("", "",
                        "runtime \"d\" {\n nodes = [node.pi-1, node.pi-2]\n engine = \"docker\"\n}")),
                Arguments.of("a declared token", hcl("token = var.tok", "", VARS)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("descriptions")
    void desired_isTheRecordsCanonicalMap(String name, String hcl) {
        Config c = TestContexts.config(tmp.resolve("c"), hcl);
        PlanContext ctx = TestContexts.plan(c);
        Map<String, Object> server = new K3sServerKind().desired(c.ofType(K3sServerType.NAME).get(0), ctx);
        assertEquals(List.copyOf(server.entrySet()),
                List.copyOf(K3sValues.Server.of(server).canonical().entrySet()));
        Map<String, Object> agent = new K3sAgentKind().desired(c.ofType(K3sAgentType.NAME).get(0), ctx);
        assertEquals(List.copyOf(agent.entrySet()), List.copyOf(K3sValues.Agent.of(agent).canonical().entrySet()));
        assertEquals("pi-1", K3sValues.Server.of(server).node());
        assertEquals(true, K3sValues.Agent.of(agent).running());
    }
}
