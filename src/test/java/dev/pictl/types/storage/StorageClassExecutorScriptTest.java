package dev.pictl.types.storage;

import static dev.pictl.types.storage.StorageFixtures.SC;
import static dev.pictl.types.storage.StorageFixtures.SERVER;
import static dev.pictl.types.storage.StorageFixtures.WORKER;
import static dev.pictl.types.storage.StorageFixtures.change;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pictl.addr.ResourceAddress;
import dev.pictl.apply.ApplyContext;
import dev.pictl.apply.Described;
import dev.pictl.apply.ApplyException;
import dev.pictl.apply.ApplyHook;
import dev.pictl.apply.ApplyOptions;
import dev.pictl.apply.Recorded;
import dev.pictl.config.Config;
import dev.pictl.plan.Action;
import dev.pictl.plan.ResourceChange;
import dev.pictl.testing.FakeSession;
import dev.pictl.testing.FakeTransport;
import dev.pictl.testing.TestContexts;
import dev.pictl.transport.TransportException;
import dev.pictl.types.ResourceTypes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 * {@link StorageClassExecutor}'s commands against a {@link FakeSession} per node (fast tier): which steps run for
 * each action and where (kubectl on the server, as root; nothing on any other node), the manifest on kubectl's
 * stdin read back as JSON, and how a failure reads (node: step: what kubectl said, with a hint).
 */
@Tag("fast")
class StorageClassExecutorScriptTest {
    private static final String NAME = "local-storage";
    private static final String APPLY = "apply StorageClass local-storage";
    private static final String DELETE = "delete StorageClass local-storage";
    private static final String APPLY_SCRIPT = "k3s kubectl apply -f -";
    private static final String DELETE_SCRIPT = "k3s kubectl delete storageclass 'local-storage' --ignore-not-found";

    @TempDir
    Path tmp;

    private final FakeTransport transport = new FakeTransport();
    private final FakeSession server = transport.node(SERVER);
    private final FakeSession worker = transport.node(WORKER);
    private final List<String> progress = new ArrayList<>();

    // ------------------------------------------------------------------ the table: what runs for each action

    record Row(String name, Action action, List<String> steps, List<String> scripts, List<String> progress) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Row> rows() {
        return Stream.of(
                new Row("create: kubectl apply", Action.CREATE, List.of(APPLY), List.of(APPLY_SCRIPT),
                        List.of("kubectl apply StorageClass local-storage")),
                new Row("update (expansion, default mark): the same apply", Action.UPDATE, List.of(APPLY),
                        List.of(APPLY_SCRIPT), List.of("kubectl apply StorageClass local-storage")),
                new Row("replace: delete, then apply", Action.REPLACE, List.of(DELETE, APPLY),
                        List.of(DELETE_SCRIPT, APPLY_SCRIPT),
                        List.of("delete StorageClass local-storage (its immutable fields change)",
                                "kubectl apply StorageClass local-storage")),
                new Row("delete: kubectl delete", Action.DELETE, List.of(DELETE), List.of(DELETE_SCRIPT),
                        List.of(DELETE)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void eachAction_runsKubectlOnTheServer_asRoot(Row row) throws Exception {
        server.when("^k3s kubectl ").answer("storageclass.storage.k8s.io/local-storage configured\n");
        Map<String, Object> after = attrs(true, Map.of());
        StorageClassExecutor ex = new StorageClassExecutor();
        if (row.action() == Action.DELETE) {
            ex.delete(change(StorageClassType.NAME, NAME, Action.DELETE, after, null), context(false));
        } else {
            Recorded r = ex.apply(change(StorageClassType.NAME, NAME, row.action(),
                    row.action() == Action.CREATE ? null : attrs(false, Map.of()), after), context(false));
            assertEquals(Recorded.of(after), r, "the state records the described values");
        }

        assertEquals(row.steps(), server.steps(), server::describe);
        assertEquals(row.scripts(), server.scripts(), server::describe);
        assertTrue(server.ran().stream().allMatch(FakeSession.Ran::asRoot), "kubectl reads a 0600 kubeconfig");
        assertEquals(List.of(), worker.ran(), "nothing on another node");
        assertEquals(List.of(SERVER), transport.opened(), "one session, to the server only");
        assertEquals(row.progress(), progress);
        for (FakeSession.Ran r : server.ran()) {
            assertEquals(r.script().equals(APPLY_SCRIPT), !r.stdin().isEmpty(), "only apply reads a manifest: " + r);
            assertEquals(ApplyOptions.defaults().commandTimeout(), r.timeout());
        }
    }

    // ------------------------------------------------------------------ the manifest

    static Stream<Arguments> manifests() {
        Map<String, Object> old = new LinkedHashMap<>(attrs(false, Map.of()));
        old.remove("volume_binding_mode");
        old.remove("reclaim_policy");
        Map<String, Object> hostile = new LinkedHashMap<>(attrs(false, Map.of("k: v", "a\n---\nb: 'c' # d",
                "quote\"", "\\")));
        hostile.put("provisioner", "example.com/\"odd\"\nprovisioner");
        return Stream.of(
                Arguments.of("default class with parameters", attrs(true, Map.of("fsType", "ext4", "b", "2")), """
                        {"apiVersion":"storage.k8s.io/v1","kind":"StorageClass",
                         "metadata":{"name":"local-storage",
                                     "annotations":{"storageclass.kubernetes.io/is-default-class":"true"}},
                         "provisioner":"kubernetes.io/no-provisioner","volumeBindingMode":"WaitForFirstConsumer",
                         "reclaimPolicy":"Retain","allowVolumeExpansion":true,
                         "parameters":{"b":"2","fsType":"ext4"}}"""),
                Arguments.of("not default, no parameters: neither annotation nor parameters", attrs(false, Map.of()),
                        """
                        {"apiVersion":"storage.k8s.io/v1","kind":"StorageClass","metadata":{"name":"local-storage"},
                         "provisioner":"kubernetes.io/no-provisioner","volumeBindingMode":"WaitForFirstConsumer",
                         "reclaimPolicy":"Retain","allowVolumeExpansion":false}"""),
                Arguments.of("a plan without mode and policy leaves them to Kubernetes", old, """
                        {"apiVersion":"storage.k8s.io/v1","kind":"StorageClass","metadata":{"name":"local-storage"},
                         "provisioner":"kubernetes.io/no-provisioner","allowVolumeExpansion":false}"""),
                Arguments.of("hostile text stays text", hostile, """
                        {"apiVersion":"storage.k8s.io/v1","kind":"StorageClass","metadata":{"name":"local-storage"},
                         "provisioner":"example.com/\\"odd\\"\\nprovisioner","volumeBindingMode":"WaitForFirstConsumer",
                         "reclaimPolicy":"Retain","allowVolumeExpansion":false,
                         "parameters":{"k: v":"a\\n---\\nb: 'c' # d","quote\\"":"\\\\"}}"""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("manifests")
    void apply_sendsTheManifestOnStdin(String name, Map<String, Object> after, String expectedJson) throws Exception {
        server.when("apply -f -").answer("storageclass.storage.k8s.io/local-storage created\n");
        new StorageClassExecutor().apply(change(StorageClassType.NAME, NAME, Action.CREATE, null, after),
                context(false));

        FakeSession.Ran apply = server.assertRan("apply -f -");
        assertEquals(APPLY_SCRIPT, apply.script(), "the manifest travels on stdin, never in the command line");
        JsonNode sent = StorageFixtures.JSON.readTree(apply.stdin());
        assertEquals(StorageFixtures.JSON.readTree(expectedJson), sent);
    }

    @Test
    void manifest_parametersAreSorted_andNumbersTravelAsText() throws Exception {
        Map<String, Object> after = attrs(false, Map.of("z", 1L, "a", true, "m", "x"));
        String m = StorageClassExecutor.manifest(NAME, after);
        assertTrue(m.contains("\"parameters\":{\"a\":\"true\",\"m\":\"x\",\"z\":\"1\"}"), m);
        assertTrue(m.startsWith("{\"apiVersion\":\"storage.k8s.io/v1\",\"kind\":\"StorageClass\",\"metadata\""), m);
    }

    // ------------------------------------------------------------------ how a failure reads

    record Failure(String name, Action action, String failingStep, int exit, String stdout, String stderr,
                   String message, String hint, List<String> steps) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final String IMMUTABLE_HINT = "the object changed in the cluster since the plan was made: plan "
            + "again (a change of an immutable field is planned as a replacement)";

    static Stream<Failure> failures() {
        String refused = "The connection to the server 127.0.0.1:6443 was refused - did you specify the right host "
                + "or port?";
        return Stream.of(
                new Failure("apply: kubectl's error", Action.CREATE, "apply -f -", 1, "",
                        "error: error validating \"STDIN\": error validating data: unknown field \"x\"\n",
                        "pi-server-1: apply StorageClass local-storage: kubectl apply exited 1: error: error "
                                + "validating \"STDIN\": error validating data: unknown field \"x\"", "", List.of(APPLY)),
                new Failure("apply: API server down", Action.UPDATE, "apply -f -", 1, "", refused + "\n",
                        "pi-server-1: apply StorageClass local-storage: kubectl apply exited 1: " + refused, "",
                        List.of(APPLY)),
                new Failure("apply: an immutable field moved since the plan", Action.UPDATE, "apply -f -", 1, "",
                        "The StorageClass \"local-storage\" is invalid: provisioner: Forbidden: updates to provisioner "
                                + "are forbidden.\n",
                        "pi-server-1: apply StorageClass local-storage: kubectl apply exited 1: The StorageClass "
                                + "\"local-storage\" is invalid: provisioner: Forbidden: updates to provisioner are "
                                + "forbidden.", IMMUTABLE_HINT, List.of(APPLY)),
                new Failure("apply: 'field is immutable'", Action.UPDATE, "apply -f -", 1, "",
                        "parameters: Invalid value: map[string]string{}: field is immutable\n",
                        "pi-server-1: apply StorageClass local-storage: kubectl apply exited 1: parameters: Invalid "
                                + "value: map[string]string{}: field is immutable", IMMUTABLE_HINT, List.of(APPLY)),
                new Failure("apply: nothing on stderr, stdout's last five lines", Action.CREATE, "apply -f -", 2,
                        "1\n2\n3\n4\n5\n6\n7\n", "", "pi-server-1: apply StorageClass local-storage: kubectl apply "
                        + "exited 2: 3\n4\n5\n6\n7", "", List.of(APPLY)),
                new Failure("apply: stderr's last five lines", Action.CREATE, "apply -f -", 1, "out\n",
                        "a\nb\nc\nd\ne\nf\n", "pi-server-1: apply StorageClass local-storage: kubectl apply exited 1: "
                        + "b\nc\nd\ne\nf", "", List.of(APPLY)),
                new Failure("replace: the delete fails, no apply follows", Action.REPLACE, "delete storageclass", 1, "",
                        refused + "\n", "pi-server-1: delete StorageClass local-storage: kubectl delete exited 1: "
                        + refused, "", List.of(DELETE)),
                new Failure("delete fails", Action.DELETE, "delete storageclass", 1, "",
                        "Error from server (Forbidden): storageclasses.storage.k8s.io \"local-storage\" is forbidden\n",
                        "pi-server-1: delete StorageClass local-storage: kubectl delete exited 1: Error from server "
                                + "(Forbidden): storageclasses.storage.k8s.io \"local-storage\" is forbidden", "",
                        List.of(DELETE)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void aFailure_namesNodeStepAndKubectlsTail(Failure f) {
        server.when("^k3s kubectl ").answer("ok\n");
        server.when(f.failingStep()).exit(f.exit(), f.stdout(), f.stderr());
        ApplyException e = assertThrows(ApplyException.class, () -> run(f.action()));
        assertEquals(f.message(), e.getMessage());
        assertEquals(SERVER, e.node());
        assertEquals(f.steps().get(f.steps().size() - 1), e.step());
        assertEquals(f.hint(), e.hint());
        assertEquals(f.steps(), server.steps(), server::describe);
    }

    @Test
    void aConnectionLostMidApply_readsAsTheTransportSaidIt() {
        server.when("apply -f -").thenThrow(TransportException.Kind.CONNECTION_LOST, "channel closed by peer");
        ApplyException e = assertThrows(ApplyException.class, () -> run(Action.CREATE));
        assertEquals("pi-server-1: apply StorageClass local-storage: channel closed by peer", e.getMessage());
        assertEquals(SERVER, e.node());
        assertEquals(APPLY, e.step());
        assertTrue(e.getCause() instanceof TransportException);
    }

    @Test
    void withoutAServer_nothingRuns_andTheErrorSaysWhy() throws Exception {
        Config c = StorageFixtures.config(tmp, SC);
        ApplyContext noServer = new ApplyContext(transport, transport.targets(), Described.of(c),
                ResourceTypes.standard().kinds(), TestContexts.HASHER, ApplyOptions.defaults(), new ApplyHook() { }, x -> x,
                null);
        ApplyException e = assertThrows(ApplyException.class, () -> new StorageClassExecutor().apply(
                change(StorageClassType.NAME, NAME, Action.CREATE, null, attrs(false, Map.of())), noServer));
        assertEquals("apply StorageClass local-storage: the description has no k3s_server to reach the cluster "
                + "through", e.getMessage());
        assertNull(e.node());
        assertEquals("declare a k3s_server", e.hint());
        assertEquals(List.of(), transport.opened());
    }

    @Test
    void theServerIsTheDescriptionsServer_andAClassNameIsQuotedForTheShell() throws Exception {
        server.when("delete storageclass").answer("");
        new StorageClassExecutor().delete(change(StorageClassType.NAME, "a.b-c", Action.DELETE, attrs(false,
                Map.of()), null), context(false));
        assertEquals(List.of("k3s kubectl delete storageclass 'a.b-c' --ignore-not-found"), server.scripts());
        assertEquals(List.of("delete StorageClass a.b-c"), server.steps());
    }

    // ------------------------------------------------------------------ helpers

    private void run(Action action) throws ApplyException {
        Map<String, Object> after = attrs(false, Map.of());
        if (action == Action.DELETE) {
            new StorageClassExecutor().delete(change(StorageClassType.NAME, NAME, action, after, null), context(false));
        } else {
            new StorageClassExecutor().apply(change(StorageClassType.NAME, NAME, action,
                    action == Action.CREATE ? null : after, after), context(false));
        }
    }

    /** The plan's canonical attributes of the fixture's class. */
    static Map<String, Object> attrs(boolean dflt, Map<String, Object> params) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("provisioner", "kubernetes.io/no-provisioner");
        m.put("volume_binding_mode", "WaitForFirstConsumer");
        m.put("reclaim_policy", "Retain");
        m.put("allow_volume_expansion", dflt);
        m.put("parameters", params);
        m.put("default", dflt);
        return m;
    }

    private ApplyContext context(boolean allowDataLoss) {
        Config c = StorageFixtures.config(tmp, SC);
        ApplyHook hook = new ApplyHook() {
            @Override
            public void step(ResourceAddress address, String step) {
                progress.add(step);
            }
        };
        return allowDataLoss
                ? TestContexts.apply(transport, c, hook, ApplyOptions.defaults().withAllowDataLoss(true))
                : TestContexts.apply(transport, c, hook);
    }
}
