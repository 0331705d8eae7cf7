package dev.pictl.types.k3s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code k3s_server.pod_security_default}: the config argument, the level read back, the file and its script. */
@Tag("fast")
class PodSecurityDefaultTest {
    @TempDir
    Path tmp;

    @Test
    void level_isCarriedByTheArgumentAfterThePassthroughsOwn() {
        Map<String, Object> config = new TreeMap<>(Map.of("kube-apiserver-arg", "audit-log-maxage=7"));
        assertNull(PodSecurityDefault.level(config));
        List<Object> args = List.of("audit-log-maxage=7",
                "admission-control-config-file=/var/lib/rancher/k3s/server/pictl-psa-restricted.yaml");
        config.put("kube-apiserver-arg", args);
        assertEquals("restricted", PodSecurityDefault.level(config));
        config.put("kube-apiserver-arg", List.of("admission-control-config-file=/etc/other.yaml"));
        assertNull(PodSecurityDefault.level(config), "someone else's admission file is not pictl's");
        config.put("kube-apiserver-arg",
                List.of("admission-control-config-file=/var/lib/rancher/k3s/server/pictl-psa-evil.yaml"));
        assertNull(PodSecurityDefault.level(config), "only the three levels");
    }

    @Test
    void admissionConfig_isTheFactsShapeForTheLevel() throws Exception {
        JsonNode root = new ObjectMapper().readTree(PodSecurityDefault.admissionConfig("baseline"));
        assertEquals("AdmissionConfiguration", root.path("kind").asText());
        JsonNode c = root.path("plugins").get(0).path("configuration");
        assertEquals("PodSecurity", root.path("plugins").get(0).path("name").asText());
        assertEquals("pod-security.admission.config.k8s.io/v1beta1", c.path("apiVersion").asText());
        for (String mode : List.of("enforce", "audit", "warn")) {
            assertEquals("baseline", c.path("defaults").path(mode).asText());
            assertEquals("latest", c.path("defaults").path(mode + "-version").asText());
        }
        assertEquals("[\"kube-system\"]", c.path("exemptions").path("namespaces").toString());
    }

    @Test
    void writeScript_writesTheFileUnderTheRootInARealShell() throws Exception {
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", PodSecurityDefault.writeScript("restricted"));
        pb.environment().put("PICTL_ROOT", tmp.toString());
        Process p = pb.redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        Path file = tmp.resolve("var/lib/rancher/k3s/server/pictl-psa-restricted.yaml");
        assertEquals(PodSecurityDefault.admissionConfig("restricted"), Files.readString(file));
        assertTrue(Files.notExists(file.resolveSibling("pictl-psa-restricted.yaml.tmp")));
    }
}
