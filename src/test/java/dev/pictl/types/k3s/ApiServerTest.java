package dev.pictl.types.k3s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pictl.config.Config;
import dev.pictl.config.VariableInputs;
import dev.pictl.diag.Diagnostics;
import dev.pictl.engine.Pictl;
import dev.pictl.engine.ValidateRequest;
import dev.pictl.engine.ValidateResult;
import dev.pictl.plan.kind.ClusterEndpoint;
import dev.pictl.plan.kind.PlanContext;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.state.SecretHasher;
import dev.pictl.state.State;
import dev.pictl.types.ResourceTypes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ApiServer}, the one description of the k3s API server: its node, address and port from the description,
 * and the URL agents join and kubeconfigs point at. The agent's planned {@code server_url} carries the port the
 * server listens on ({@code https-listen-port}), not always 6443.
 */
@Tag("fast")
class ApiServerTest {
    static final SecretHasher HASHER = new SecretHasher(HexFormat.of().parseHex(
            "f531d0f806d03e7e84b6c5493bd17027730acc73ccd9d350cc886f57873fc52e"));

    @TempDir
    Path dir;

    static String description(String address, String serverConfig) {
        return """
                variable "addr" {
                  sensitive = true
                  default   = "192.168.1.99"
                }

                node "pi-server-1" { address = %s }
                node "pi-worker-1" { address = "192.168.1.11" }

                k3s_server "control" {
                  node    = node.pi-server-1
                  version = "v1.31.4+k3s1"
                  config  = %s
                }

                k3s_agent "workers" {
                  nodes  = [node.pi-worker-1]
                  server = k3s_server.control
                }
                """.formatted(address, serverConfig);
    }

    private Config config(String hcl) throws IOException {
        Files.writeString(dir.resolve("cluster.hcl"), hcl);
        ValidateResult v = new Pictl().validate(new ValidateRequest(dir, new VariableInputs(Map.of(), Map.of(), true)));
        assertTrue(v.ok(), () -> v.diagnostics().sorted().toString());
        return v.config();
    }

    private String plannedUrl(Config config) {
        ResourceInstance agent = config.ofType(K3sAgentType.NAME).get(0);
        PlanContext ctx = new PlanContext(ResourceTypes.standard().kinds(), config, Map.of(), State.empty(), HASHER,
                new Diagnostics());
        return (String) new K3sAgentKind().desired(agent, ctx).get("server_url");
    }

    @Test
    void url_bracketsIpv6_escapesTheZone_atAnyPort() {
        assertEquals("https://192.168.1.10:6444", ApiServer.url("192.168.1.10", 6444));
        assertEquals("https://pi.lan:443", ApiServer.url("pi.lan", 443));
        assertEquals("https://[fd00::10]:7443", ApiServer.url("fd00::10", 7443));
        assertEquals("https://[fe80::2%25eth0]:6444", ApiServer.url("fe80::2%eth0", 6444));
        assertEquals("https://[::1]:6444", ApiServer.url("[::1]", 6444), "a host already in brackets is kept");
        assertNull(ApiServer.url(null, 6444));
        for (int port : List.of(1, 6443, 6444, 65535)) {
            for (String a : List.of("192.168.1.10", "pi.lan", "fe80::2", "fe80::2%eth0", "::ffff:10.0.0.1")) {
                assertEquals(a, ApiServer.host(ApiServer.url(a, port)), a + " at " + port);
            }
        }
    }

    @Test
    void port_isTheServersHttpsListenPort_elseTheDefault() throws IOException {
        Map<String, Integer> cases = new java.util.LinkedHashMap<>();
        cases.put("{ \"node-ip\" = \"192.168.1.10\" }", 6443);
        cases.put("{ \"https-listen-port\" = 6444 }", 6444);
        cases.put("{ \"https-listen-port\" = \"7443\" }", 7443);
        cases.put("{ \"https-listen-port\" = \" 8443 \", \"node-ip\" = \"192.168.1.10\" }", 8443);
        cases.put("{ \"https-listen-port\" = \"not-a-port\" }", 6443);
        for (Map.Entry<String, Integer> c : cases.entrySet()) {
            Config config = config(description("\"192.168.1.10\"", c.getKey()));
            ApiServer api = ApiServer.of(config).orElseThrow();
            assertEquals("pi-server-1", api.node());
            assertEquals(c.getValue(), api.port(), c.getKey());
            assertEquals("https://192.168.1.10:" + c.getValue(), api.url(), c.getKey());
            assertEquals("https://127.0.1.10:" + c.getValue(), api.url("127.0.1.10"), c.getKey());
            assertFalse(api.addressSensitive());
        }
    }

    @Test
    void agentsPlannedServerUrl_carriesTheServersPort() throws IOException {
        assertEquals("https://192.168.1.10:6443", plannedUrl(config(description("\"192.168.1.10\"", "{}"))));
        assertEquals("https://192.168.1.10:6444",
                plannedUrl(config(description("\"192.168.1.10\"", "{ \"https-listen-port\" = 6444 }"))));
        assertEquals("https://[fd00::10]:7443",
                plannedUrl(config(description("\"fd00::10\"", "{ \"https-listen-port\" = \"7443\" }"))));
    }

    @Test
    void theRegistryHandsTheSameEndpointOn_andNothingWithoutAServer() throws IOException {
        Config config = config(description("var.addr", "{ \"https-listen-port\" = 6444 }"));
        Optional<ClusterEndpoint> e = ResourceTypes.standard().endpoint(config);
        assertEquals(ApiServer.of(config), e);
        assertTrue(e.get().addressSensitive(), "the address comes from a sensitive variable");
        assertEquals("https://192.168.1.99:6444", e.get().url());
        assertEquals(e, ResourceTypes.standard().kinds().endpoint(config));

        String noServer = description("\"192.168.1.10\"", "{}");
        noServer = noServer.substring(0, noServer.indexOf("k3s_server"));
        Config none = config(noServer);
        assertEquals(Optional.empty(), ApiServer.of(none));
        assertEquals(Optional.empty(), ResourceTypes.standard().endpoint(none));
    }
}
