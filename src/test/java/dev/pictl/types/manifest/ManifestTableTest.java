package dev.pictl.types.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pictl.config.ConfigLoader;
import dev.pictl.config.LoadResult;
import dev.pictl.config.VariableInputs;
import dev.pictl.types.ResourceTypes;
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

/** {@code manifest}: parsing, identity, fields, the plan's desired and observed sides, prune selection. */
@Tag("fast")
class ManifestTableTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static final String BASE = """
            node "pi-server-1" { address = "192.168.1.10" }

            k3s_server "control" {
              node    = node.pi-server-1
              version = "v1.31.4+k3s1"
            }
            """;

    static final String THREE = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: a, namespace: demo}
            data: {color: blue, "app.kubernetes.io/x": "1"}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: demo}
            spec:
              replicas: 2
              template: {spec: {containers: [{name: web, image: "nginx:1.27", ports: []}]}}
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata: {name: reader}
            rules: []
            """;

    @TempDir
    Path tmp;

    // ------------------------------------------------------------------ parsing

    @Test
    void parse_readsEveryDocumentWithItsIdentityAndMarks() {
        ManifestDocs.Parsed p = ManifestDocs.parse(THREE, "app");
        assertTrue(p.ok(), p.problems().toString());
        assertEquals(List.of("ConfigMap demo/a", "Deployment.apps demo/web", "ClusterRole.rbac.authorization.k8s.io reader"),
                p.objects().stream().map(ManifestObject::key).toList());
        assertEquals(List.of("configmap", "deployment.v1.apps", "clusterrole.v1.rbac.authorization.k8s.io"),
                p.objects().stream().map(ManifestObject::typeArg).toList());
        Map<String, Object> web = p.objects().get(1).fields();
        assertEquals(2L, web.get("spec.replicas"));
        assertEquals("nginx:1.27", web.get("spec.template.spec.containers[0].image"));
        assertEquals(List.of(), web.get("spec.template.spec.containers[0].ports"));
        assertEquals("pictl", web.get("metadata.labels[\"app.kubernetes.io/managed-by\"]"));
        assertEquals("app", web.get("metadata.annotations[\"pictl.dev/manifest\"]"));
        assertEquals("1", p.objects().get(0).fields().get("data[\"app.kubernetes.io/x\"]"));
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("kind: ConfigMap\nmetadata: {name: a}\n", "1:1 an object has no apiVersion"),
                Arguments.of("apiVersion: v1\nkind: ConfigMap\nmetadata: {generateName: a-}\n",
                        "1:1 an object has no metadata.name (generateName is not supported"),
                Arguments.of("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n", "5:"),
                Arguments.of("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  x: [1, 2\n", "6:"),
                Arguments.of("a: &x 1\nb: *x\n", "2:4 it uses a YAML alias (*x)"),
                Arguments.of("- 1\n- 2\n", "1:1 a document is a list"),
                Arguments.of("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\n"
                        + "kind: ConfigMap\nmetadata: {name: a}\n", "5:1 ConfigMap a is declared twice (first at line 1)"),
                Arguments.of("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n", "1:1 object Secret s is a Secret"),
                Arguments.of("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, uid: x}\n",
                        "1:1 object ConfigMap a sets metadata.uid"),
                Arguments.of("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels: "
                        + "{app.kubernetes.io/managed-by: Helm}\n", "1:1 object ConfigMap a sets the label"),
                Arguments.of("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: \"a b\"}\n",
                        "1:1 object \"ConfigMap a b\" (\"v1\") has an apiVersion, kind, namespace or name"));
    }

    @ParameterizedTest
    @MethodSource("refused")
    void parse_refusesWithLineAndColumn(String yaml, String expected) {
        ManifestDocs.Parsed p = ManifestDocs.parse(yaml, "app");
        assertFalse(p.ok());
        ManifestDocs.Problem first = p.problems().get(0);
        String got = first.line() + ":" + first.column() + " " + first.message();
        assertTrue(got.startsWith(expected), got);
    }

    @Test
    void parse_refusesAManifestOverTheLimit() {
        String big = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {x: \"" + "y".repeat(ManifestDocs.MAX_BYTES)
                + "\"}\n";
        assertTrue(ManifestDocs.parse(big, "app").problems().get(0).message().contains("larger than 1024 KiB"));
    }

    @Test
    void parse_readsAJsonListAsKubectlDoes() {
        ManifestDocs.Parsed p = ManifestDocs.parse("{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[{\"apiVersion\":"
                + "\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\"}}]}", "app");
        assertEquals(List.of("ConfigMap a"), p.objects().stream().map(ManifestObject::key).toList());
    }

    // ------------------------------------------------------------------ fields

    @Test
    void fields_roundTripThroughThePlanToTheSameObject() throws Exception {
        for (ManifestObject o : ManifestDocs.parse(THREE, "app").objects()) {
            Map<String, Object> back = Fields.unflatten(o.fields());
            assertEquals(o.fields(), Fields.flatten(JSON.valueToTree(back)), o.key());
        }
        Map<String, Object> odd = Fields.unflatten(Map.of("data[\"a.b/c\\\"d\"]", "x", "l[1]", 2L, "l[0]", true));
        assertEquals("{\"data\":{\"a.b/c\\\"d\":\"x\"},\"l\":[true,2]}", JSON.writeValueAsString(new TreeMap<>(odd)));
    }

    @Test
    void identity_isReadBackFromRecordedFieldsWithoutTheVersion() {
        ManifestObject web = ManifestDocs.parse(THREE, "app").objects().get(1);
        ManifestObject back = ManifestObject.fromFields(web.fields());
        assertEquals(web.key(), back.key());
        assertEquals("apps/v1", back.apiVersion());
        ManifestObject v2 = ManifestDocs.parse(THREE.replace("apps/v1", "apps/v2"), "app").objects().get(1);
        assertEquals(web.key(), v2.key(), "a new version of the same object is the same object");
    }

    // ------------------------------------------------------------------ plan

    @Test
    void desired_marksEachRecordedObjectTheManifestDroppedForPruning() {
        List<ManifestObject> objects = ManifestDocs.parse(THREE, "app").objects();
        Map<String, Object> recorded = new LinkedHashMap<>(ManifestKind.desired(objects, Map.of()));
        Map<String, Object> now = ManifestKind.desired(objects.subList(0, 2), recorded);
        assertEquals(3, now.size());
        assertNull(now.get("ClusterRole.rbac.authorization.k8s.io reader"));
        assertEquals(objects.get(0).fields(), now.get("ConfigMap demo/a"));
        // After the prune the state records no null: the next desired has two objects only.
        Map<String, Object> after = new LinkedHashMap<>(now);
        after.values().removeIf(java.util.Objects::isNull);
        assertEquals(2, ManifestKind.desired(objects.subList(0, 2), after).size());
    }

    static ManifestProbe.Live live(Map<String, Object> fieldsOrNull) throws Exception {
        return fieldsOrNull == null ? new ManifestProbe.Live(0, "", "")
                : new ManifestProbe.Live(0, JSON.writeValueAsString(Fields.unflatten(fieldsOrNull)), "");
    }

    @Test
    void view_observesOnlyMarkedObjectsAndOnlyTheFieldsPictlSets() throws Exception {
        List<ManifestObject> objects = ManifestDocs.parse(THREE, "app").objects();
        ManifestObject cm = objects.get(0);
        Map<String, Object> liveCm = new TreeMap<>(cm.fields());
        liveCm.put("data.color", "red");                                   // changed by hand
        liveCm.put("data.other", "someone else's");                        // a field pictl does not set
        liveCm.put("metadata.uid", "1234");
        Map<String, Object> unmarked = new TreeMap<>(objects.get(1).fields());
        unmarked.remove(ManifestDocs.MANIFEST_PATH);                       // not this manifest's
        Map<String, ManifestProbe.Live> reads = new LinkedHashMap<>();
        reads.put(ManifestProbe.ask(cm), live(liveCm));
        reads.put(ManifestProbe.ask(objects.get(1)), live(unmarked));
        reads.put(ManifestProbe.ask(objects.get(2)), live(null));          // not there
        ManifestKind.View v = ManifestKind.view("app", objects, Map.of(), reads);
        assertNull(v.unknown());
        assertEquals(List.of("ConfigMap demo/a"), new ArrayList<>(v.owned().keySet()));
        Map<?, ?> seen = (Map<?, ?>) v.owned().get("ConfigMap demo/a");
        assertEquals("red", seen.get("data.color"));
        assertFalse(seen.containsKey("data.other"));
        assertFalse(seen.containsKey("metadata.uid"));
        assertEquals(List.of("Deployment.apps demo/web"), v.foreignDeclared());
    }

    @Test
    void view_failedReadIsUnknownButAMissingKindIsAbsent() throws Exception {
        List<ManifestObject> objects = ManifestDocs.parse(THREE, "app").objects().subList(0, 1);
        String ask = ManifestProbe.ask(objects.get(0));
        assertEquals("kubectl get ConfigMap demo/a failed: The connection to the server 127.0.0.1:6443 was refused",
                ManifestKind.view("app", objects, Map.of(), Map.of(ask, new ManifestProbe.Live(1, "",
                        "The connection to the server 127.0.0.1:6443 was refused\n"))).unknown());
        ManifestKind.View noCrd = ManifestKind.view("app", objects, Map.of(), Map.of(ask, new ManifestProbe.Live(1, "",
                "error: the server doesn't have a resource type \"configmap\"")));
        assertNull(noCrd.unknown());
        assertTrue(noCrd.owned().isEmpty());
    }

    @Test
    void prune_selectsOnlyObjectsSeenAsPictlsThatTheAfterDrops() {
        List<ManifestObject> objects = ManifestDocs.parse(THREE, "app").objects();
        Map<String, Object> before = new LinkedHashMap<>();
        objects.forEach(o -> before.put(o.key(), o.fields()));
        Map<String, Object> after = new LinkedHashMap<>(before);
        after.put("ConfigMap demo/a", null);
        after.remove("Deployment.apps demo/web");
        assertEquals(List.of("ConfigMap demo/a", "Deployment.apps demo/web"),
                ManifestExecutor.pruned(before, after).stream().map(ManifestObject::key).toList());
        assertEquals(List.of(), ManifestExecutor.pruned(Map.of(), after), "nothing seen as pictl's: nothing pruned");
        assertEquals("'configmap' 'a' -n 'demo'", ManifestExecutor.target(objects.get(0)));
        assertTrue(ManifestExecutor.isMarked("{\"metadata\":{\"labels\":{\"app.kubernetes.io/managed-by\":\"pictl\"},"
                + "\"annotations\":{\"pictl.dev/manifest\":\"app\"}}}", "app"));
        assertFalse(ManifestExecutor.isMarked("{\"metadata\":{\"labels\":{\"app.kubernetes.io/managed-by\":\"pictl\"},"
                + "\"annotations\":{\"pictl.dev/manifest\":\"other\"}}}", "app"), "another manifest's");
        assertFalse(ManifestExecutor.isMarked("{\"metadata\":{}}", "app"));
    }

    @Test
    void applyList_isOneJsonListInTheManifestsOrder() throws Exception {
        List<ManifestObject> objects = ManifestDocs.parse(THREE, "app").objects();
        Map<String, Object> after = new LinkedHashMap<>();
        objects.forEach(o -> after.put(o.key(), o.fields()));
        after.put("ConfigMap demo/gone", null);
        var list = JSON.readTree(ManifestExecutor.applyList(after));
        assertEquals("List", list.path("kind").asText());
        assertEquals(3, list.path("items").size());
        assertEquals("web", list.path("items").get(1).path("metadata").path("name").asText());
        assertEquals("apply --server-side --field-manager=pictl --force-conflicts -f -", ManifestExecutor.applyArgs());
    }

    @Test
    void probe_parsesEachReadByItsAsk() {
        List<String> asks = List.of("configmap demo a", "deployment.v1.apps demo web");
        String out = "@@object 0\n{\"kind\":\"ConfigMap\"}\n\n@@rc 0\n\n@@object 1\n\n@@rc 1\nerror: boom\n";
        Map<String, ManifestProbe.Live> reads = ManifestProbe.parse(asks, out);
        assertTrue(reads.get("configmap demo a").found());
        assertEquals(1, reads.get("deployment.v1.apps demo web").exitCode());
        assertEquals("error: boom", reads.get("deployment.v1.apps demo web").error());
        String script = ManifestProbe.script(new dev.pictl.probe.ProbeRequest("s", Map.of(ManifestProbe.ASK, asks)));
        assertTrue(script.contains("k3s kubectl get 'deployment.v1.apps' 'web' -n 'demo' -o json --ignore-not-found"),
                script);
    }

    // ------------------------------------------------------------------ validation

    @Test
    void validation_pointsAtTheAttributeAndTheYamlLine() throws Exception {
        Files.writeString(tmp.resolve("app.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\nkind: x\n");
        assertEquals(List.of("9:12 manifest \"app.yaml\":5:1: an object has no apiVersion, metadata.name"),
                errors(BASE + "\nmanifest \"app\" {\n  source = \"app.yaml\"\n}\n"));
        assertEquals(List.of("9:12 cannot read manifest \"nope.yaml\""),
                errors(BASE + "\nmanifest \"app\" {\n  source = \"nope.yaml\"\n}\n"));
        assertEquals(List.of("8:1 manifest.app has no objects"), errors(BASE + "\nmanifest \"app\" {\n}\n"));
        assertEquals(List.of("10:13 manifest.app sets both source and content"),
                errors(BASE + "\nmanifest \"app\" {\n  source = \"app.yaml\"\n  content = \"x\"\n}\n"));
        assertEquals(List.of("1:1 manifest.app needs a k3s_server"),
                errors("manifest \"app\" {\n  content = \"apiVersion: v1\\nkind: ConfigMap\\nmetadata: {name: a}\\n\"\n}\n"));
    }

    @Test
    void validation_acceptsTheDocumentedExample() throws Exception {
        Files.createDirectories(tmp.resolve("manifests"));
        Files.writeString(tmp.resolve("manifests/web.yaml"), THREE);
        assertEquals(List.of(), errors(BASE + "\n" + ManifestType.SCHEMA.example() + "\n"));
    }

    @Test
    void graph_putsAManifestAfterTheDeclaredNamespacesOfItsObjects() throws Exception {
        Files.writeString(tmp.resolve("app.yaml"), THREE);
        Path f = tmp.resolve("cluster.hcl");
        Files.writeString(f, BASE + "\nnamespace \"demo\" {}\nnamespace \"other\" {}\nmanifest \"app\" {\n"
                + "  source = \"app.yaml\"\n}\n");
        LoadResult r = ConfigLoader.load(f, VariableInputs.none(), ResourceTypes.standard().catalog());
        assertFalse(r.diagnostics().hasErrors(), r.diagnostics().sorted().toString());
        var graph = dev.pictl.graph.GraphBuilder.build(r.config().instances(), ResourceTypes.standard().all(),
                new dev.pictl.diag.Diagnostics());
        assertEquals(Set.of("k3s_server.control", "namespace.demo"), graph.dependencies(
                dev.pictl.addr.ResourceAddress.of(ManifestType.NAME, "app")).stream().map(Object::toString)
                .collect(java.util.stream.Collectors.toSet()));
    }

    private List<String> errors(String hcl) throws Exception {
        Path f = tmp.resolve("cluster.hcl");
        Files.writeString(f, hcl);
        LoadResult r = ConfigLoader.load(f, VariableInputs.none(), ResourceTypes.standard().catalog());
        List<String> out = new ArrayList<>();
        r.diagnostics().sorted().stream().filter(d -> d.severity().name().equals("ERROR")).forEach(d -> out.add(
                d.subject().location().substring(d.subject().location().indexOf(':') + 1) + " " + d.summary()));
        return out;
    }
}
