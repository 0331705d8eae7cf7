package dev.pictl.types.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.pictl.config.ConfigLoader;
import dev.pictl.config.LoadResult;
import dev.pictl.config.VariableInputs;
import dev.pictl.nodetext.TypedYaml;
import dev.pictl.plan.kind.Observed;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.types.ResourceTypes;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code helm_chart} in tables (fast tier): a chart's values from HCL to plan leaves and to {@code valuesContent} YAML
 * (typed, hostile text kept a scalar, read back by Jackson's YAML reader as the same tree), the YAML read back from a
 * HelmChart edited by hand, the value-by-value diff the planner sees, sensitive leaves, the jobs' states, and what
 * validation refuses.
 */
@Tag("fast")
class HelmChartTableTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static final String BASE = """
            node "pi-server-1" { address = "192.168.1.10" }

            k3s_server "control" {
              node    = node.pi-server-1
              version = "v1.31.4+k3s1"
            }

            variable "pw" {
              sensitive = true
              default   = "s3cret"
            }
            """;

    @TempDir
    Path tmp;

    private LoadResult load(String hcl) throws Exception {
        Path f = tmp.resolve("cluster.hcl");
        Files.writeString(f, hcl);
        return ConfigLoader.load(f, VariableInputs.none(), ResourceTypes.standard().catalog());
    }

    private ResourceInstance chart(String values) throws Exception {
        LoadResult r = load(BASE + "\nhelm_chart \"app\" {\n  chart = \"app\"\n  values = " + values + "\n}\n");
        assertTrue(r.diagnostics().sorted().stream().noneMatch(d -> d.severity().name().equals("ERROR")),
                r.diagnostics().sorted().toString());
        return r.config().ofType(HelmChartType.NAME).get(0);
    }

    // ------------------------------------------------------------------ HCL values -> plan leaves -> YAML

    static Stream<Arguments> encodings() {
        return Stream.of(
                Arguments.of("nested maps become one leaf per value; types kept",
                        "{ grafana = { persistence = { enabled = true, size = \"2Gi\" } }, replicas = 2, ratio = 0.50 }",
                        Map.of("values.grafana.persistence.enabled", true, "values.grafana.persistence.size", "2Gi",
                                "values.replicas", 2L, "values.ratio", new BigDecimal("0.5")),
                        """
                        "grafana":
                          "persistence":
                            "enabled": true
                            "size": "2Gi"
                        "ratio": 0.5
                        "replicas": 2
                        """),
                Arguments.of("a dot in a key is escaped in the leaf's name, kept in YAML",
                        "{ \"grafana.ini\" = { server = { root_url = \"/\" } } }",
                        Map.of("values.grafana\\.ini.server.root_url", "/"),
                        """
                        "grafana.ini":
                          "server":
                            "root_url": "/"
                        """),
                Arguments.of("a list is one leaf; lists of maps and empty collections are written too",
                        "{ endpoints = [\"192.168.1.10\", \"192.168.1.11\"], rules = [{ host = \"a\" }], none = {}, empty = [] }",
                        Map.of("values.endpoints", List.of("192.168.1.10", "192.168.1.11"),
                                "values.rules", List.of(Map.of("host", "a")), "values.none", Map.of(), "values.empty",
                                List.of()),
                        """
                        "empty": []
                        "endpoints":
                          - "192.168.1.10"
                          - "192.168.1.11"
                        "none": {}
                        "rules":
                          -
                            "host": "a"
                        """),
                Arguments.of("text that looks like YAML stays one string; \"true\" stays a string",
                        "{ a = \"x\\nb: injected\", c = \"# not a comment\", d = \"true\", e = \"- item\", f = \"{x: 1}\" }",
                        Map.of("values.a", "x\nb: injected", "values.c", "# not a comment", "values.d", "true",
                                "values.e", "- item", "values.f", "{x: 1}"),
                        """
                        "a": "x\\nb: injected"
                        "c": "# not a comment"
                        "d": "true"
                        "e": "- item"
                        "f": "{x: 1}"
                        """),
                Arguments.of("a null (an unset optional variable) leaves the key out",
                        "{ keep = 1, gone = null }", Map.of("values.keep", 1L), "\"keep\": 1\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("encodings")
    void values_toLeaves_toYaml_readBackTheSame(String name, String hcl, Map<String, Object> leaves, String yaml)
            throws Exception {
        HelmChartValues v = HelmChartKind.declared(chart(hcl));
        assertEquals(new TreeMap<>(leaves), new TreeMap<>(v.values()));
        String written = TypedYaml.write(v.tree());
        assertEquals(yaml, written);
        // Another YAML reader (Jackson's) sees the same tree, types included; so does pictl's own.
        JsonNode jackson = new YAMLMapper().readTree(written);
        assertEquals(JSON.readTree(JSON.writeValueAsString(v.tree())), JSON.readTree(JSON.writeValueAsString(jackson)));
        assertEquals(new TreeMap<>(leaves), new TreeMap<>(HelmValues.flatten(TypedYaml.read(written))));
    }

    @Test
    void sensitive_onlyTheLeafFromTheSensitiveVariable() throws Exception {
        ResourceInstance i = chart("{ grafana = { adminPassword = var.pw, persistence = { enabled = true } }, "
                + "url = \"https://${var.pw}@example.org\" }");
        assertEquals(Set.of("values.grafana.adminPassword", "values.url"), new HelmChartKind().sensitive(i, null));
    }

    // ------------------------------------------------------------------ YAML edited by hand

    static Stream<Arguments> handWritten() {
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("a", Map.of("b", 1L, "c", List.of(Map.of("d", "x", "e", true))));
        return Stream.of(
                Arguments.of("plain scalars typed as go-yaml types them",
                        "a: yes\nb: Off\nc: 10\nd: 1.50\ne: ~\nf: hello world\ng: '0.5'\nh: -3\n",
                        mapOf("a", true, "b", false, "c", 10L, "d", new BigDecimal("1.5"), "e", null, "f", "hello world",
                                "g", "0.5", "h", -3L)),
                Arguments.of("compact list items, comments, a list at its key's indentation",
                        "# top\na:\n  b: 1 # one\n  c:\n  - d: x\n    e: true\n", nested),
                Arguments.of("flow collections and quotes", "a: [1, \"two\", {x: 'it''s'}]\nb: {}\n",
                        mapOf("a", List.of(1L, "two", Map.of("x", "it's")), "b", Map.of())),
                Arguments.of("block scalars", "a: |\n  line 1\n  line 2\nb: >-\n  folded\n  text\nc: 1\n",
                        mapOf("a", "line 1\nline 2\n", "b", "folded text", "c", 1L)),
                Arguments.of("empty", "", Map.of()));
    }

    private static Map<String, Object> mapOf(Object... kv) {
        Map<String, Object> m = new TreeMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("handWritten")
    void yaml_readAsHelmWould(String name, String yaml, Map<String, Object> expected) {
        assertEquals(JSON.valueToTree(expected), JSON.valueToTree(TypedYaml.read(yaml)));
    }

    @Test
    void yaml_refusesWhatItCannotReadWithTheLine() {
        assertEquals("line 2: anchors, aliases, tags and complex keys are not supported",
                assertThrows(IllegalArgumentException.class, () -> TypedYaml.read("a: 1\nb: *ref\n")).getMessage());
        assertEquals("line 2: the key \"a\" is given twice",
                assertThrows(IllegalArgumentException.class, () -> TypedYaml.read("a: 1\na: 2\n")).getMessage());
        assertEquals("line 2: unexpected indentation",
                assertThrows(IllegalArgumentException.class, () -> TypedYaml.read("a: 1\n   b: 2\n")).getMessage());
    }

    // ------------------------------------------------------------------ what the planner observes

    static JsonNode helmChart(String valuesContent, boolean pictls) {
        Map<String, Object> md = new LinkedHashMap<>();
        md.put("name", "app");
        md.put("namespace", "kube-system");
        if (pictls) {
            md.put("labels", Map.of("app.kubernetes.io/managed-by", "pictl"));
        }
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("chart", "app");
        spec.put("targetNamespace", "default");
        spec.put("createNamespace", false);
        spec.put("valuesContent", valuesContent);
        return JSON.valueToTree(Map.of("kind", "HelmChart", "metadata", md, "spec", spec));
    }

    static JsonNode job(String name, String uid, String condition) {
        Map<String, Object> st = new LinkedHashMap<>();
        if (condition != null) {
            st.put("conditions", List.of(Map.of("type", condition, "status", "True", "reason", "BackoffLimitExceeded",
                    "message", "Job has reached the specified backoff limit")));
        }
        return JSON.valueToTree(Map.of("kind", "Job", "metadata", Map.of("name", name, "uid", uid), "status", st));
    }

    static JsonNode pod(String jobUid, int restarts, Integer exitNow) {
        Map<String, Object> cs = new LinkedHashMap<>();
        cs.put("restartCount", restarts);
        cs.put("state", exitNow == null ? Map.of("running", Map.of())
                : Map.of("terminated", Map.of("exitCode", exitNow, "reason", exitNow == 0 ? "Completed" : "Error")));
        if (restarts > 0) {
            cs.put("lastState", Map.of("terminated", Map.of("exitCode", 1, "reason", "Error")));
        }
        return JSON.valueToTree(Map.of("kind", "Pod", "metadata", Map.of("name", "helm-install-app-x1y2z",
                "labels", Map.of("batch.kubernetes.io/controller-uid", jobUid)), "status",
                Map.of("phase", "Running", "containerStatuses", List.of(cs))));
    }

    @Test
    void observed_aValueEditedByHand_isThatOneLeaf() throws Exception {
        HelmChartValues wanted = HelmChartKind.declared(chart("{ retention = \"7d\", replicas = 1, tls = { on = true } }"));
        String edited = TypedYaml.write(wanted.tree()).replace("\"7d\"", "14d");
        Observed o = HelmChartKind.observed("app", helmChart(edited, true),
                List.of(job("helm-install-app", "u1", "Complete")));
        Observed.Present p = (Observed.Present) o;
        assertNull(p.note());
        List<String> differ = new ArrayList<>();
        Map<String, Object> want = wanted.canonical();
        HelmChartKind kind = new HelmChartKind();
        Set<String> keys = new java.util.TreeSet<>(want.keySet());
        keys.addAll(p.attributes().keySet());
        for (String k : keys) {
            if (!kind.same(k, want.get(k), p.attributes().get(k))) {
                differ.add(k + ": " + p.attributes().get(k) + " -> " + want.get(k));
            }
        }
        assertEquals(List.of("values.retention: 14d -> 7d"), differ);
        assertEquals(true, p.attributes().get("installed"));
    }

    @Test
    void observed_aValueRemovedByHand_isNull() throws Exception {
        HelmChartValues wanted = HelmChartKind.declared(chart("{ a = 1, b = { c = true } }"));
        Observed.Present p = (Observed.Present) HelmChartKind.observed("app", helmChart("a: 1\n", true), List.of(),
                wanted.values().keySet());
        assertTrue(p.attributes().containsKey("values.b.c"), p.attributes().toString());
        assertNull(p.attributes().get("values.b.c"));
        assertEquals(1L, p.attributes().get("values.a"));
    }

    @Test
    void observed_notPictls_unreadable_notInstalled() {
        Observed.Present other = (Observed.Present) HelmChartKind.observed("app", helmChart("a: 1\n", false), List.of());
        assertEquals("a HelmChart app that pictl did not create is in kube-system (apply will not take it over)",
                other.note());
        assertEquals(false, other.attributes().get("installed"));
        Observed.Present bad = (Observed.Present) HelmChartKind.observed("app", helmChart("a: &x 1\n", true), List.of());
        assertEquals("its valuesContent is not YAML pictl can read (line 1: anchors, aliases, tags and complex keys are "
                + "not supported): apply writes it anew", bad.note());
    }

    @Test
    void numbers_sameByValue_whateverTheirJavaType() {
        assertTrue(HelmValues.same(0.5d, new BigDecimal("0.50")));
        assertTrue(HelmValues.same(2, 2L));
        assertTrue(HelmValues.same(List.of(1, 2.0d), List.of(1L, 2L)));
    }

    // ------------------------------------------------------------------ jobs

    static Stream<Arguments> jobs() {
        return Stream.of(
                Arguments.of("no job yet", List.of(), HelmJobs.Status.MISSING, null, false),
                Arguments.of("running", List.of(job("helm-install-app", "u1", null), pod("u1", 0, null)),
                        HelmJobs.Status.RUNNING, null, false),
                Arguments.of("complete", List.of(job("helm-install-app", "u1", "Complete"), pod("u1", 0, 0)),
                        HelmJobs.Status.SUCCEEDED, null, false),
                Arguments.of("an attempt failed, the container restarting: its previous log",
                        List.of(job("helm-install-app", "u1", null), pod("u1", 1, null)), HelmJobs.Status.FAILED,
                        "exit code 1 (Error), restarted 1 time", true),
                Arguments.of("the last attempt ended in an error: its current log",
                        List.of(job("helm-install-app", "u1", null), pod("u1", 0, 1)), HelmJobs.Status.FAILED,
                        "exit code 1 (Error)", false),
                Arguments.of("the back-off limit reached", List.of(job("helm-install-app", "u1", "Failed")),
                        HelmJobs.Status.FAILED, "BackoffLimitExceeded: Job has reached the specified backoff limit",
                        false),
                Arguments.of("another job's pod does not count",
                        List.of(job("helm-install-app", "u1", null), pod("u0", 3, 1)), HelmJobs.Status.RUNNING, null,
                        false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jobs")
    void jobs_statusAndWhereItsLogIs(String name, List<JsonNode> items, HelmJobs.Status status, String why,
                                     boolean previous) throws Exception {
        HelmJobs.Job j = HelmJobs.parse("app", JSON.writeValueAsString(Map.of("kind", "List", "items", items)))
                .install();
        assertEquals(status, j.status());
        assertEquals(why, j.why());
        assertEquals(previous, j.previous());
    }

    // ------------------------------------------------------------------ validation

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of("k3s's own chart", "helm_chart \"traefik\" {\n  chart = \"traefik\"\n}",
                        "helm_chart \"traefik\" belongs to k3s"),
                Arguments.of("a name too long for its job's label", "helm_chart \"" + "a".repeat(51)
                        + "\" {\n  chart = \"x\"\n}", "is not a valid HelmChart name"),
                Arguments.of("values that are not an object", "helm_chart \"app\" {\n  chart = \"x\"\n  values = [1]\n}",
                        "values of helm_chart.app is not an object"),
                Arguments.of("a reference in values", "helm_chart \"app\" {\n  chart = \"x\"\n  values = { s = "
                        + "k3s_server.control }\n}", "a reference (k3s_server.control) in values.s is not a value"),
                Arguments.of("a namespace Kubernetes refuses", "helm_chart \"app\" {\n  chart = \"x\"\n  "
                        + "target_namespace = \"My_NS\"\n}", "target_namespace \"My_NS\" is not a valid Kubernetes "
                        + "namespace name"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void validation_refuses(String name, String block, String expected) throws Exception {
        LoadResult r = load(BASE + "\n" + block + "\n");
        String all = r.diagnostics().sorted().toString();
        assertTrue(r.diagnostics().sorted().stream().anyMatch(d -> d.severity().name().equals("ERROR")
                && d.summary().contains(expected)), all);
    }

    @Test
    void validation_acceptsTheDocumentedExample() throws Exception {
        LoadResult r = load(BASE + "\n" + HelmChartType.SCHEMA.example() + "\n");
        assertTrue(r.diagnostics().sorted().stream().noneMatch(d -> d.severity().name().equals("ERROR")),
                r.diagnostics().sorted().toString());
    }
}
