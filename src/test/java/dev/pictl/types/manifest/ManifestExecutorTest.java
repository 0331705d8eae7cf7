package dev.pictl.types.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pictl.addr.ResourceAddress;
import dev.pictl.apply.ApplyContext;
import dev.pictl.apply.ApplyHook;
import dev.pictl.apply.Recorded;
import dev.pictl.plan.Action;
import dev.pictl.plan.ActionReason;
import dev.pictl.plan.ResourceChange;
import dev.pictl.testing.FakeSession;
import dev.pictl.testing.FakeTransport;
import dev.pictl.testing.TestContexts;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The manifest executor's commands against a scripted server: apply on stdin, prune and delete only marked objects. */
@Tag("fast")
class ManifestExecutorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TWO = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: a, namespace: demo}
            data: {k: v}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: b, namespace: demo}
            data: {k: w}
            """;

    @TempDir
    Path tmp;

    private final FakeTransport transport = new FakeTransport();
    private final FakeSession server = transport.node("pi-server-1");

    private ApplyContext context() {
        server.otherwise(0, "", "");
        return TestContexts.apply(transport, TestContexts.config(tmp, ManifestTableTest.BASE
                + "\nmanifest \"app\" {\n  content = \"apiVersion: v1\\nkind: ConfigMap\\nmetadata: {name: a}\\n\"\n}\n"),
                new ApplyHook() {
                });
    }

    private static Map<String, Object> objects(List<ManifestObject> os) {
        Map<String, Object> out = new LinkedHashMap<>();
        os.forEach(o -> out.put(o.key(), o.fields()));
        return out;
    }

    private static ResourceChange change(Action action, Map<String, Object> before, Map<String, Object> after) {
        return new ResourceChange(ResourceAddress.of(ManifestType.NAME, "app"), null, action,
                action == Action.DELETE ? ActionReason.REMOVED_FROM_CONFIG : ActionReason.ATTRIBUTE_CHANGED, before,
                after, Set.of(), List.of(), false, false, null, "", List.of());
    }

    static String live(String manifest) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"b\",\"namespace\":\"demo\","
                + "\"labels\":{\"app.kubernetes.io/managed-by\":\"pictl\"},\"annotations\":{\"pictl.dev/manifest\":\""
                + manifest + "\"}}}";
    }

    @Test
    void apply_sendsTheObjectsOnStdinThenPrunesWhatIsStillMarked() throws Exception {
        List<ManifestObject> os = ManifestDocs.parse(TWO, "app").objects();
        Map<String, Object> before = objects(os);
        Map<String, Object> after = new LinkedHashMap<>(before);
        after.put("ConfigMap demo/b", null);
        server.when("get 'configmap' 'b'").answer(live("app"));
        Recorded r = new ManifestExecutor().apply(change(Action.UPDATE, before, after), context());

        FakeSession.Ran apply = server.assertRan("apply --server-side");
        assertEquals("k3s kubectl apply --server-side --field-manager=pictl --force-conflicts -f -", apply.script());
        assertTrue(apply.asRoot());
        assertEquals(List.of("a"), JSON.readTree(apply.stdin()).path("items").findValuesAsText("name"));
        assertEquals("k3s kubectl delete 'configmap' 'b' -n 'demo' --ignore-not-found --timeout=120s",
                server.assertRan("delete").script());
        assertEquals(Set.of("ConfigMap demo/a"), r.attributes().keySet(), "the pruned one is not recorded");
    }

    @Test
    void prune_leavesAnObjectThatLostItsMarksOrIsAnotherManifests() throws Exception {
        List<ManifestObject> os = ManifestDocs.parse(TWO, "app").objects();
        Map<String, Object> before = objects(os);
        Map<String, Object> after = new LinkedHashMap<>(before);
        after.put("ConfigMap demo/b", null);
        server.when("get 'configmap' 'b'").answer(live("other"));
        new ManifestExecutor().apply(change(Action.UPDATE, before, after), context());
        server.assertNotRan("delete");
    }

    @Test
    void delete_removesEveryMarkedObjectLastFirst() throws Exception {
        List<ManifestObject> os = ManifestDocs.parse(TWO, "app").objects();
        server.when("get 'configmap'").answer(live("app"));
        new ManifestExecutor().delete(change(Action.DELETE, objects(os), null), context());
        List<FakeSession.Ran> deletes = server.ran("delete");
        assertEquals(2, deletes.size(), server::describe);
        assertTrue(deletes.get(0).script().contains("'b'") && deletes.get(1).script().contains("'a'"), server::describe);
        server.assertNotRan("apply");
    }

    @Test
    void prune_ofAnObjectAlreadyGone_deletesNothing() throws Exception {
        List<ManifestObject> os = ManifestDocs.parse(TWO, "app").objects();
        server.when("get 'configmap'").answer("");
        new ManifestExecutor().delete(change(Action.DELETE, objects(os), null), context());
        server.assertNotRan("delete");
    }
}
