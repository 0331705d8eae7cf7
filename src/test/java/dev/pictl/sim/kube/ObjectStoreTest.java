package dev.pictl.sim.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulated API server's object store through its kubectl, in process: server-side apply's field managers,
 * conflicts with the API server's and kubectl's text, {@code --force-conflicts}, removal of fields a manager stops
 * applying, client-side updates taking fields over, get and delete, and persistence.
 */
@Tag("fast")
class ObjectStoreTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    KubeApi api;

    record Run(int rc, String out, String err) {
    }

    @BeforeEach
    void start() {
        api = new KubeApi(dir.resolve("db/state.json"), host -> true);
        api.serverStarted("v1.31.4+k3s1", Set.of());
    }

    Run kubectl(String stdin, String... args) {
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        int rc = Kubectl.run(api, List.of(args), stdin == null ? null : stdin.getBytes(StandardCharsets.UTF_8), dir,
                new Kubectl.Sink() {
                    @Override
                    public void out(String s) {
                        out.append(s);
                    }

                    @Override
                    public void err(String s) {
                        err.append(s);
                    }
                }, () -> false);
        return new Run(rc, out.toString(), err.toString());
    }

    static String cm(String data) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"settings\",\"namespace\":"
                + "\"default\"},\"data\":" + data + "}";
    }

    JsonNode get(String... more) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("get", "configmap", "settings", "-o", "json"));
        args.addAll(List.of(more));
        Run r = kubectl(null, args.toArray(String[]::new));
        assertEquals(0, r.rc(), r.err());
        return JSON.readTree(r.out());
    }

    @Test
    void serverSideApply_recordsTheManagerAndShowsItOnlyWhenAsked() throws Exception {
        Run r = kubectl(cm("{\"color\":\"blue\",\"size\":\"3\"}"), "apply", "--server-side", "--field-manager=pictl",
                "-f", "-");
        assertEquals(new Run(0, "configmap/settings serverside-applied\n", ""), r);
        assertTrue(get().path("metadata").path("managedFields").isMissingNode(), "hidden by default");
        JsonNode mf = get("--show-managed-fields").path("metadata").path("managedFields");
        assertEquals(1, mf.size());
        assertEquals("pictl", mf.get(0).path("manager").asText());
        assertEquals("Apply", mf.get(0).path("operation").asText());
        assertTrue(mf.get(0).path("fieldsV1").path("f:data").has("f:color"), mf.toString());
    }

    @Test
    void conflict_isRefusedWithTheApiServersTextUnlessForced() throws Exception {
        kubectl(cm("{\"color\":\"blue\"}"), "apply", "--server-side", "--field-manager=pictl", "-f", "-");
        // Someone changes the field with a client-side apply: an Update that takes the field over.
        Run hand = kubectl(cm("{\"color\":\"red\"}"), "apply", "-f", "-");
        assertEquals("configmap/settings configured\n", hand.out());
        JsonNode mf = get("--show-managed-fields").path("metadata").path("managedFields");
        assertEquals("kubectl-client-side-apply", mf.get(mf.size() - 1).path("manager").asText(), mf.toString());

        Run refused = kubectl(cm("{\"color\":\"blue\"}"), "apply", "--server-side", "--field-manager=pictl", "-f", "-");
        assertEquals(1, refused.rc());
        assertTrue(refused.err().startsWith("error: Apply failed with 1 conflict: conflict with "
                + "\"kubectl-client-side-apply\" using v1: .data.color\nPlease review the fields above--they currently "
                + "have other managers. Here\nare the ways you can resolve this warning:\n"), refused.err());
        assertTrue(refused.err().contains("re-run the apply\n  command with the `--force-conflicts` flag."));
        assertEquals("red", get().path("data").path("color").asText(), "nothing changed");

        // Co-owning: the same value is no conflict.
        assertEquals(0, kubectl(cm("{\"color\":\"red\"}"), "apply", "--server-side", "--field-manager=pictl", "-f", "-")
                .rc());
        Run forced = kubectl(cm("{\"color\":\"blue\"}"), "apply", "--server-side", "--field-manager=pictl",
                "--force-conflicts", "-f", "-");
        assertEquals(new Run(0, "configmap/settings serverside-applied\n", ""), forced);
        assertEquals("blue", get().path("data").path("color").asText());
    }

    @Test
    void conflicts_withSeveralManagersAndFields_areListedPerManager() {
        kubectl(cm("{\"a\":\"1\",\"b\":\"2\"}"), "apply", "--server-side", "--field-manager=one", "-f", "-");
        Run r = kubectl(cm("{\"a\":\"x\",\"b\":\"y\"}"), "apply", "--server-side", "--field-manager=two", "-f", "-");
        assertTrue(r.err().startsWith("error: Apply failed with 2 conflicts: conflicts with \"one\":\n- .data.a\n- .data.b\n"),
                r.err());
    }

    @Test
    void aFieldNoLongerApplied_isRemovedUnlessAnotherManagerOwnsIt() throws Exception {
        kubectl(cm("{\"a\":\"1\",\"b\":\"2\",\"c\":\"3\"}"), "apply", "--server-side", "--field-manager=pictl", "-f", "-");
        kubectl(cm("{\"c\":\"3\"}"), "apply", "--server-side", "--field-manager=other", "-f", "-"); // co-owns c
        kubectl(cm("{\"a\":\"1\"}"), "apply", "--server-side", "--field-manager=pictl", "-f", "-");
        JsonNode data = get().path("data");
        assertEquals("1", data.path("a").asText());
        assertFalse(data.has("b"), data.toString());
        assertEquals("3", data.path("c").asText(), "still owned by other");
    }

    @Test
    void getAndDelete_speakKubectl() throws Exception {
        Run missing = kubectl(null, "get", "configmap", "settings", "-o", "json");
        assertEquals(new Run(1, "", "Error from server (NotFound): configmaps \"settings\" not found\n"), missing);
        assertEquals(new Run(0, "", ""), kubectl(null, "get", "cm", "settings", "-o", "json", "--ignore-not-found"));
        kubectl(cm("{\"a\":\"1\"}"), "apply", "--server-side", "--field-manager=pictl", "-f", "-");
        assertEquals("settings", get().path("metadata").path("name").asText());
        // Persisted beside the datastore: a restarted server finds it.
        api = new KubeApi(dir.resolve("db/state.json"), host -> true);
        assertEquals("1", get().path("data").path("a").asText());
        assertEquals(new Run(0, "configmap \"settings\" deleted\n", ""), kubectl(null, "delete", "configmap", "settings"));
        assertEquals(1, kubectl(null, "delete", "configmap", "settings").rc());
    }

    @Test
    void unknownKindsAndNamespaces_areRefusedAsByARealServer() {
        Run crd = kubectl("{\"apiVersion\":\"example.com/v1\",\"kind\":\"Widget\",\"metadata\":{\"name\":\"w\"}}",
                "apply", "--server-side", "--field-manager=pictl", "-f", "-");
        assertEquals(1, crd.rc());
        assertEquals("error: resource mapping not found for name: \"w\" namespace: \"\" from \"STDIN\": no matches for "
                + "kind \"Widget\" in version \"example.com/v1\"\nensure CRDs are installed first\n", crd.err());
        Run ns = kubectl(cm("{}").replace("\"default\"", "\"nope\""), "apply", "--server-side", "-f", "-");
        assertEquals("Error from server (NotFound): namespaces \"nope\" not found\n", ns.err());
        assertEquals("error: the server doesn't have a resource type \"widgets\"\n",
                kubectl(null, "get", "widgets").err());
    }

    @Test
    void deletingANamespace_deletesItsObjects() {
        kubectl("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"demo\"}}", "apply", "-f", "-");
        kubectl(cm("{\"a\":\"1\"}").replace("\"default\"", "\"demo\""), "apply", "--server-side", "-f", "-");
        assertEquals(0, kubectl(null, "get", "configmap", "settings", "-n", "demo", "-o", "json").rc());
        kubectl(null, "delete", "namespace", "demo");
        assertEquals(1, kubectl(null, "get", "configmap", "settings", "-n", "demo", "-o", "json").rc());
    }
}
