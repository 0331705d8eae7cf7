package dev.pictl.sim;

import dev.pictl.sim.kube.Yaml;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The YAML subset that manifests and k3s config.yaml files use. */
@Tag("fast")
class YamlTest {

    @Test
    void parsesAK3sConfigWithListsFlowAndComments() {
        Object o = Yaml.parse("""
                # k3s config
                write-kubeconfig-mode: "0644"
                token: 'abc::server:x'   # secret
                disable:
                - traefik
                - servicelb
                tls-san: [a.local, "b.local"]
                docker: true
                node-label:
                  - "foo=bar"
                kubelet-arg: {}
                """);
        assertEquals(Map.of("write-kubeconfig-mode", "0644", "token", "abc::server:x", "disable", List.of("traefik", "servicelb"),
                "tls-san", List.of("a.local", "b.local"), "docker", true, "node-label", List.of("foo=bar"), "kubelet-arg", Map.of()), o);
    }

    @Test
    void parsesMultiDocumentManifestsWithNestedSequencesOfMaps() {
        List<Object> docs = Yaml.parseAll("""
                apiVersion: v1
                kind: PersistentVolume
                spec:
                  nodeAffinity:
                    required:
                      nodeSelectorTerms:
                      - matchExpressions:
                        - key: kubernetes.io/hostname
                          operator: In
                          values: [w1]
                ---
                kind: StorageClass
                """);
        assertEquals(2, docs.size());
        assertEquals(Map.of("required", Map.of("nodeSelectorTerms", List.of(Map.of("matchExpressions",
                List.of(Map.of("key", "kubernetes.io/hostname", "operator", "In", "values", List.of("w1"))))))),
                ((Map<?, ?>) ((Map<?, ?>) docs.get(0)).get("spec")).get("nodeAffinity"));
    }

    @Test
    void reportsErrorsWithTheirLine() {
        assertEquals("yaml: line 1: did not find expected ',' or ']'", assertThrows(Yaml.YamlException.class, () -> Yaml.parse("a: [b")).getMessage());
        assertEquals("yaml: line 2: mapping values are not allowed in this context", assertThrows(Yaml.YamlException.class, () -> Yaml.parse("a: b\n  c: d")).getMessage());
    }

    @Test
    void dumpsLikeKubectl_sortedKeysQuotedAmbiguousStrings() {
        assertEquals("a:\n- p: 1\n  x: \"true\"\nb: \"2024-01-01T00:00:00Z\"\nc: {}\n",
                Yaml.dump(Map.of("b", "2024-01-01T00:00:00Z", "a", List.of(Map.of("p", 1L, "x", "true")), "c", Map.of())));
    }
}
