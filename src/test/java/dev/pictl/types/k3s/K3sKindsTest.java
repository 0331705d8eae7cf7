package dev.pictl.types.k3s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pictl.nodetext.SimpleYaml;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The k3s kinds' readings of config.yaml and of the agent's server URL. */
@Tag("fast")
class K3sKindsTest {
    @Test
    void serverConfig_aTokenEditedByHand_showsAsForeign_neverAsItself() {
        String ours = SimpleYaml.write(Map.of("node-name", "pi-1", "token", "K10abc::server:s3cret"));
        assertEquals(Map.of("node-name", "pi-1"), K3sServerKind.observedConfig(ours, "s3cret"));
        assertEquals(Map.of("node-name", "pi-1"), K3sServerKind.observedConfig(
                SimpleYaml.write(Map.of("node-name", "pi-1", "token", "s3cret")), "s3cret"), "a bare password");
        for (String edited : List.of("node-name: pi-1\ntoken: other\n", "node-name: pi-1\ntoken: \"K10x::server:y\"\n",
                "\"node-name\": \"pi-1\"\n\"token\": \"s3cret \"\n")) {
            Map<String, Object> seen = K3sServerKind.observedConfig(edited, "s3cret");
            assertEquals(K3sServerKind.FOREIGN_TOKEN, seen.get("token"), edited);
            assertFalse(seen.toString().contains("other") || seen.toString().contains("y\""), seen.toString());
        }
        assertEquals(Map.of("node-name", "pi-1"), K3sServerKind.observedConfig("node-name: pi-1\n", "s3cret"),
                "no token in the file: the server keeps its own");
    }

    @Test
    void agentUrl_bracketsIpv6_andEscapesTheZone() {
        assertEquals("https://192.168.1.10:6443", ApiServer.url("192.168.1.10", 6443));
        assertEquals("https://pi.lan:6443", ApiServer.url("pi.lan", 6443));
        assertEquals("https://[fe80::2]:6443", ApiServer.url("fe80::2", 6443));
        assertEquals("https://[fe80::2%25eth0]:6443", ApiServer.url("fe80::2%eth0", 6443));
        for (String a : List.of("192.168.1.10", "pi.lan", "fe80::2", "fe80::2%eth0", "::ffff:10.0.0.1")) {
            assertEquals(a, ApiServer.host(ApiServer.url(a, 6443)));
        }
    }

    @Test
    void unreachableServerHint_namesThePortTheAgentDialled() {
        String refused = "failed to get CA certs: Get \"https://192.168.1.10:%1$s/cacerts\": dial tcp "
                + "192.168.1.10:%1$s: connect: connection refused";
        for (String port : List.of("6443", "6444", "7443")) {
            String hint = K3sNode.hint(refused.formatted(port), "k3s-agent", "pi-worker-1");
            assertTrue(hint.contains("is port " + port + " open from pi-worker-1?"), hint);
        }
        String ipv6 = "failed to get CA certs: Get \"https://[fd00::10]:6444/cacerts\": dial tcp [fd00::10]:6444: "
                + "connect: connection refused";
        assertTrue(K3sNode.hint(ipv6, "k3s-agent", "pi-worker-1").contains("is port 6444 open"));
        assertTrue(K3sNode.hint("connection refused", "k3s-agent", "pi-worker-1").contains("is port 6443 open"),
                "no port in the message: the default");
    }
}
