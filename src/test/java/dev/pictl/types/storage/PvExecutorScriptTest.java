package dev.pictl.types.storage;

import static dev.pictl.types.storage.StorageFixtures.PV;
import static dev.pictl.types.storage.StorageFixtures.SC;
import static dev.pictl.types.storage.StorageFixtures.SERVER;
import static dev.pictl.types.storage.StorageFixtures.WORKER;
import static dev.pictl.types.storage.StorageFixtures.affinity;
import static dev.pictl.types.storage.StorageFixtures.change;
import static dev.pictl.types.storage.StorageFixtures.json;
import static dev.pictl.types.storage.StorageFixtures.pv;
import static dev.pictl.types.storage.StorageFixtures.pvSpec;
import static dev.pictl.types.storage.StorageFixtures.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pictl.addr.ResourceAddress;
import dev.pictl.apply.ApplyContext;
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
import java.time.Duration;
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
 * {@link PvExecutor}'s commands against a {@link FakeSession} per node (fast tier): the directory made on the
 * volume's node and kubectl run on the server, both as root; the manifest on kubectl's stdin read back as JSON; the
 * live checks before a delete or replace (Bound? data in the directory?) and their refusals without
 * {@code --allow-data-loss}; and how each failure reads. Polls are answered by pattern (the volume is gone at the
 * first look after the delete, or the executor's wait is zero), so no test waits.
 */
@Tag("fast")
class PvExecutorScriptTest {
    private static final String NAME = "data";
    private static final String MKDIR = "mkdir -p \"${PICTL_ROOT:-}\"'/mnt/data'";
    private static final String APPLY_SCRIPT = "k3s kubectl apply -f -";
    private static final String GET = "k3s kubectl get pv 'data' -o json";
    private static final String DELETE = "k3s kubectl delete pv 'data' --wait=false --ignore-not-found";
    private static final String NOT_FOUND = "Error from server (NotFound): persistentvolumes \"data\" not found\n";
    private static final Map<String, Object> CLAIM = Map.of("kind", "PersistentVolumeClaim", "namespace", "apps",
            "name", "db");

    @TempDir
    Path tmp;

    private final FakeTransport transport = new FakeTransport();
    private final FakeSession server = transport.node(SERVER);
    private final FakeSession worker = transport.node(WORKER);
    private final List<String> progress = new ArrayList<>();

    /** The worker's check of a directory, as the executor writes it. */
    private static String check(String path) {
        return "d=\"${PICTL_ROOT:-}\"'" + path + "'\n"
                + "if [ ! -e \"$d\" ]; then echo missing; elif [ -n \"$(ls -A \"$d\" 2>&1)\" ]; then echo data; "
                + "else echo empty; fi";
    }

    // ------------------------------------------------------------------ the table: what runs where

    record Row(String name, Action action, boolean inCluster, List<String> serverSteps, List<String> serverScripts,
               List<String> workerSteps, List<String> workerScripts, List<String> progress) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Row> rows() {
        String apply = "apply PersistentVolume data";
        String replace = "replace PersistentVolume data";
        String delete = "delete PersistentVolume data";
        return Stream.of(
                new Row("create: directory on its node, then kubectl apply on the server", Action.CREATE, false,
                        List.of(apply), List.of(APPLY_SCRIPT), List.of("create directory /mnt/data"), List.of(MKDIR),
                        List.of("create directory /mnt/data on pi-worker-1", "kubectl apply PersistentVolume data")),
                new Row("update: the same (mkdir -p is idempotent)", Action.UPDATE, true, List.of(apply),
                        List.of(APPLY_SCRIPT), List.of("create directory /mnt/data"), List.of(MKDIR),
                        List.of("create directory /mnt/data on pi-worker-1", "kubectl apply PersistentVolume data")),
                new Row("replace: check, delete, see it gone, then create", Action.REPLACE, true,
                        List.of(replace, replace, replace, apply), List.of(GET, DELETE, GET, APPLY_SCRIPT),
                        List.of(replace, "create directory /mnt/data"), List.of(check("/mnt/old"), MKDIR),
                        List.of("check PersistentVolume data before it is deleted", "delete PersistentVolume data",
                                "create directory /mnt/data on pi-worker-1", "kubectl apply PersistentVolume data")),
                new Row("replace of a volume already gone: straight to create", Action.REPLACE, false,
                        List.of(replace, apply), List.of(GET, APPLY_SCRIPT), List.of("create directory /mnt/data"),
                        List.of(MKDIR), List.of("check PersistentVolume data before it is deleted",
                        "create directory /mnt/data on pi-worker-1", "kubectl apply PersistentVolume data")),
                new Row("delete: check, delete, see it gone", Action.DELETE, true, List.of(delete, delete, delete),
                        List.of(GET, DELETE, GET), List.of(delete), List.of(check("/mnt/old")),
                        List.of("check PersistentVolume data before it is deleted", "delete PersistentVolume data")),
                new Row("delete of a volume already gone: nothing more", Action.DELETE, false, List.of(delete),
                        List.of(GET), List.of(), List.of(),
                        List.of("check PersistentVolume data before it is deleted")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void eachAction_runsTheseStepsOnTheseNodes_asRoot(Row row) throws Exception {
        Map<String, Object> live = pv(NAME, pvSpec("5Gi", List.of("ReadWriteOnce"), "Retain", "local-storage",
                "/mnt/old", WORKER), Map.of("phase", "Available"));
        if (row.inCluster()) {
            server.when("get pv").answer(json(live)).then().fail(1, NOT_FOUND);
        } else {
            server.when("get pv").fail(1, NOT_FOUND);
        }
        server.when("delete pv").answer("persistentvolume \"data\" deleted\n");
        server.when("apply -f -").answer("persistentvolume/data configured\n");
        worker.when("ls -A").answer("empty\n");
        worker.when("^mkdir -p ").answer("");

        Map<String, Object> before = after("/mnt/old", "5Gi");
        Map<String, Object> after = after("/mnt/data", "10Gi");
        PvExecutor ex = new PvExecutor();
        if (row.action() == Action.DELETE) {
            ex.delete(change(PvType.NAME, NAME, Action.DELETE, before, null), context(false));
        } else {
            Recorded r = ex.apply(change(PvType.NAME, NAME, row.action(),
                    row.action() == Action.CREATE ? null : before, after), context(false));
            assertEquals(Recorded.of(after), r);
        }

        assertEquals(row.serverSteps(), server.steps(), server::describe);
        assertEquals(row.serverScripts(), server.scripts(), server::describe);
        assertEquals(row.workerSteps(), worker.steps(), worker::describe);
        assertEquals(row.workerScripts(), worker.scripts(), worker::describe);
        assertEquals(row.progress(), progress);
        assertTrue(server.ran().stream().allMatch(FakeSession.Ran::asRoot), server::describe);
        assertTrue(worker.ran().stream().allMatch(FakeSession.Ran::asRoot), worker::describe);
        worker.assertNotRan("kubectl");
        server.assertNotRan("mkdir");
    }

    // ------------------------------------------------------------------ the manifest

    static Stream<Arguments> manifests() {
        Map<String, Object> bare = after("/mnt/data", "1Gi");
        bare.remove("reclaim_policy");
        bare.remove("storage_class");
        return Stream.of(
                Arguments.of("the fixture's volume", after("/mnt/data", "10Gi"), """
                        {"apiVersion":"v1","kind":"PersistentVolume","metadata":{"name":"data"},
                         "spec":{"capacity":{"storage":"10Gi"},"accessModes":["ReadWriteOnce","ReadOnlyMany"],
                                 "persistentVolumeReclaimPolicy":"Retain","storageClassName":"local-storage",
                                 "local":{"path":"/mnt/data"},
                                 "nodeAffinity":{"required":{"nodeSelectorTerms":[{"matchExpressions":[
                                     {"key":"kubernetes.io/hostname","operator":"In","values":["pi-worker-1"]}]}]}}}}"""),
                Arguments.of("no policy, no class: left to Kubernetes", bare, """
                        {"apiVersion":"v1","kind":"PersistentVolume","metadata":{"name":"data"},
                         "spec":{"capacity":{"storage":"1Gi"},"accessModes":["ReadWriteOnce","ReadOnlyMany"],
                                 "local":{"path":"/mnt/data"},
                                 "nodeAffinity":{"required":{"nodeSelectorTerms":[{"matchExpressions":[
                                     {"key":"kubernetes.io/hostname","operator":"In","values":["pi-worker-1"]}]}]}}}}"""),
                Arguments.of("a path with a quote and spaces", after("/mnt/it's \"my\" data", "10Gi"), """
                        {"apiVersion":"v1","kind":"PersistentVolume","metadata":{"name":"data"},
                         "spec":{"capacity":{"storage":"10Gi"},"accessModes":["ReadWriteOnce","ReadOnlyMany"],
                                 "persistentVolumeReclaimPolicy":"Retain","storageClassName":"local-storage",
                                 "local":{"path":"/mnt/it's \\"my\\" data"},
                                 "nodeAffinity":{"required":{"nodeSelectorTerms":[{"matchExpressions":[
                                     {"key":"kubernetes.io/hostname","operator":"In","values":["pi-worker-1"]}]}]}}}}"""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("manifests")
    void create_sendsTheManifestOnStdin(String name, Map<String, Object> after, String expectedJson) throws Exception {
        server.when("apply -f -").answer("persistentvolume/data created\n");
        worker.when("^mkdir -p ").answer("");
        new PvExecutor().apply(change(PvType.NAME, NAME, Action.CREATE, null, after), context(false));

        FakeSession.Ran apply = server.assertRan("apply -f -");
        assertEquals(APPLY_SCRIPT, apply.script());
        assertEquals(StorageFixtures.JSON.readTree(expectedJson), StorageFixtures.JSON.readTree(apply.stdin()));
        String path = (String) after.get("path");
        assertEquals(List.of("mkdir -p \"${PICTL_ROOT:-}\"'" + path.replace("'", "'\\''") + "'"), worker.scripts());
    }

    // ------------------------------------------------------------------ the live checks before a delete

    /**
     * One row: the volume as the server shows it, the worker's answer to the directory check (null: no rule, so
     * the check must not run), whether data loss is allowed; then the refusal (null: deleted), its node and hint.
     */
    record Guard(String name, Map<String, Object> live, String dirAnswer, boolean allow, String refusal,
                 String refusalNode, String hint) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final Map<String, Object> SPEC = pvSpec("10Gi", List.of("ReadWriteOnce"), "Retain",
            "local-storage", "/mnt/data", WORKER);
    private static final Map<String, Object> AVAILABLE = pv(NAME, SPEC, Map.of("phase", "Available"));
    private static final Map<String, Object> BOUND = pv(NAME, with(SPEC, "claimRef", CLAIM), Map.of("phase", "Bound"));
    private static final String BOUND_HINT = "delete the claim (and the pods using it) first, or pass "
            + "--allow-data-loss to delete it anyway";
    private static final String DATA_HINT = "move the data away, or pass --allow-data-loss to delete the "
            + "PersistentVolume anyway (pictl never deletes the directory or its files)";

    static Stream<Guard> guards() {
        return Stream.of(
                new Guard("Available, empty: deleted", AVAILABLE, "empty\n", false, null, null, null),
                new Guard("Available, directory missing: deleted", AVAILABLE, "missing\n", false, null, null, null),
                new Guard("Bound: refused before the node is even asked", BOUND, null, false,
                        "delete PersistentVolume data: refused: it is Bound to apps/db, and deleting it would lose the "
                                + "claim's volume", null, BOUND_HINT),
                new Guard("Bound, claim without namespace", pv(NAME, with(SPEC, "claimRef", Map.of("name", "db")),
                        Map.of("phase", "Bound")), null, false, "delete PersistentVolume data: refused: it is Bound "
                        + "to db, and deleting it would lose the claim's volume", null, BOUND_HINT),
                new Guard("Bound, no claimRef", pv(NAME, SPEC, Map.of("phase", "Bound")), null, false,
                        "delete PersistentVolume data: refused: it is Bound to a claim, and deleting it would lose the "
                                + "claim's volume", null, BOUND_HINT),
                new Guard("Released (claim gone), empty: deleted", pv(NAME, with(SPEC, "claimRef", CLAIM),
                        Map.of("phase", "Released")), "empty\n", false, null, null, null),
                new Guard("the directory holds data: refused", AVAILABLE, "data\n", false,
                        "pi-worker-1: delete PersistentVolume data: refused: its directory /mnt/data on pi-worker-1 "
                                + "holds data", WORKER, DATA_HINT),
                new Guard("the check fails: refused, not guessed", AVAILABLE, "!2:sh: 1: cannot open: Permission denied",
                        false, "pi-worker-1: delete PersistentVolume data: refused: cannot check whether /mnt/data on "
                        + "pi-worker-1 holds data (exit 2: sh: 1: cannot open: Permission denied)", WORKER, DATA_HINT),
                new Guard("the node cannot be reached: refused", AVAILABLE, "!unreachable", false,
                        "pi-worker-1: delete PersistentVolume data: refused: cannot check whether /mnt/data on "
                                + "pi-worker-1 holds data (pi-worker-1: delete PersistentVolume data: no route to host)",
                        WORKER, DATA_HINT),
                new Guard("Bound, allowed: deleted without asking the node", BOUND, null, true, null, null, null),
                new Guard("data, allowed: deleted without asking the node", AVAILABLE, null, true, null, null, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("guards")
    void delete_checksLive_andRefusesLosingDataUnlessAllowed(Guard g) throws Exception {
        server.when("get pv").answer(json(g.live())).then().fail(1, NOT_FOUND);
        server.when("delete pv").answer("persistentvolume \"data\" deleted\n");
        if (g.dirAnswer() != null) {
            if (g.dirAnswer().equals("!unreachable")) {
                worker.when("ls -A").thenThrow(TransportException.Kind.UNREACHABLE, "no route to host");
            } else if (g.dirAnswer().startsWith("!2:")) {
                worker.when("ls -A").fail(2, g.dirAnswer().substring(3) + "\n");
            } else {
                worker.when("ls -A").answer(g.dirAnswer());
            }
        }
        ResourceChange d = change(PvType.NAME, NAME, Action.DELETE, after("/mnt/data", "10Gi"), null);

        if (g.refusal() == null) {
            new PvExecutor().delete(d, context(g.allow()));
            server.assertRan("delete pv");
            assertEquals(List.of(GET, DELETE, GET), server.scripts());
        } else {
            ApplyException e = assertThrows(ApplyException.class, () -> new PvExecutor().delete(d, context(g.allow())));
            assertEquals(g.refusal(), e.getMessage());
            assertEquals(g.refusalNode(), e.node());
            assertEquals("delete PersistentVolume data", e.step());
            assertEquals(g.hint(), e.hint());
            assertEquals(List.of(GET), server.scripts(), "nothing deleted: " + server.describe());
        }
        assertEquals(g.dirAnswer() == null ? List.of() : List.of(check("/mnt/data")), worker.scripts(),
                worker::describe);
    }

    @Test
    void replace_refusedWhileBound_makesNothingNew() {
        server.when("get pv").answer(json(BOUND));
        ResourceChange r = change(PvType.NAME, NAME, Action.REPLACE, after("/mnt/data", "10Gi"),
                after("/mnt/new", "10Gi"));
        ApplyException e = assertThrows(ApplyException.class, () -> new PvExecutor().apply(r, context(false)));
        assertEquals("replace PersistentVolume data: refused: it is Bound to apps/db, and deleting it would lose the "
                + "claim's volume", e.getMessage());
        assertEquals("delete the claim (and the pods using it) first, or pass --allow-data-loss to replace it anyway",
                e.hint());
        assertEquals(List.of(GET), server.scripts());
        assertEquals(List.of(), worker.ran(), "no directory made, none checked");
    }

    @Test
    void replace_refusedWhileTheOldDirectoryHoldsData_saysReplace() {
        server.when("get pv").answer(json(AVAILABLE));
        worker.when("ls -A").answer("data\n");
        ResourceChange r = change(PvType.NAME, NAME, Action.REPLACE, after("/mnt/data", "10Gi"),
                after("/mnt/new", "10Gi"));
        ApplyException e = assertThrows(ApplyException.class, () -> new PvExecutor().apply(r, context(false)));
        assertEquals("pi-worker-1: replace PersistentVolume data: refused: its directory /mnt/data on pi-worker-1 "
                + "holds data", e.getMessage());
        assertEquals("move the data away, or pass --allow-data-loss to replace the PersistentVolume anyway (pictl "
                + "never deletes the directory or its files)", e.hint());
        worker.assertNotRan("mkdir");
        server.assertNotRan("apply -f -");
    }

    /** The live object says where the directory is; the plan's record is only the fallback. */
    static Stream<Arguments> whereToCheck() {
        return Stream.of(
                Arguments.of("the live path and node", pv(NAME, pvSpec("10Gi", List.of("ReadWriteOnce"), "Retain",
                        "local-storage", "/srv/moved", SERVER), Map.of("phase", "Available")), SERVER, "/srv/moved"),
                Arguments.of("no local path: the plan's", pv(NAME, with(SPEC, "local", null),
                        Map.of("phase", "Available")), WORKER, "/mnt/data"),
                Arguments.of("no affinity: the plan's node", pv(NAME, with(SPEC, "nodeAffinity", null),
                        Map.of("phase", "Available")), WORKER, "/mnt/data"),
                Arguments.of("empty affinity values: the plan's node", pv(NAME, with(SPEC, "nodeAffinity",
                        affinity(List.of())), Map.of("phase", "Available")), WORKER, "/mnt/data"),
                Arguments.of("no spec at all: the plan's", pv(NAME, null, Map.of("phase", "Available")), WORKER,
                        "/mnt/data"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("whereToCheck")
    void delete_checksTheDirectoryWhereTheLiveObjectSaysItIs(String name, Map<String, Object> live, String node,
                                                             String path) {
        server.when("get pv").answer(json(live));
        server.when("ls -A").answer("data\n");
        worker.when("ls -A").answer("data\n");
        ResourceChange d = change(PvType.NAME, NAME, Action.DELETE, after("/mnt/data", "10Gi"), null);
        ApplyException e = assertThrows(ApplyException.class, () -> new PvExecutor().delete(d, context(false)));
        assertEquals(node + ": delete PersistentVolume data: refused: its directory " + path + " on " + node
                + " holds data", e.getMessage());
        FakeSession checked = node.equals(SERVER) ? server : worker;
        FakeSession other = node.equals(SERVER) ? worker : server;
        assertEquals(check(path), checked.assertRan("ls -A").script());
        other.assertNotRan("ls -A");
    }

    @Test
    void delete_withoutAPlannedRecordOrLivePath_skipsTheDirectoryCheck() throws Exception {
        server.when("get pv").answer(json(pv(NAME, null, Map.of("phase", "Available")))).then().fail(1, NOT_FOUND);
        server.when("delete pv").answer("");
        new PvExecutor().delete(change(PvType.NAME, NAME, Action.DELETE, null, null), context(false));
        assertEquals(List.of(GET, DELETE, GET), server.scripts());
        assertEquals(List.of(), worker.ran());
    }

    // ------------------------------------------------------------------ a volume that does not go

    static Stream<Arguments> stuck() {
        Map<String, Object> terminatingBound = with(BOUND, "metadata", Map.of("name", NAME, "deletionTimestamp",
                "2025-01-01T00:00:00Z"));
        return Stream.of(
                Arguments.of("Terminating while its claim holds it", terminatingBound,
                        "persistentvolume data is still there after 0s (Terminating, Bound to apps/db)",
                        "delete apps/db (and the pods using it), then apply again"),
                Arguments.of("not even marked", AVAILABLE, "persistentvolume data is still there after 0s (not deleted)",
                        "delete a claim (and the pods using it), then apply again"),
                Arguments.of("Terminating, Released", with(pv(NAME, SPEC, Map.of("phase", "Released")), "metadata",
                        Map.of("name", NAME, "deletionTimestamp", "2025-01-01T00:00:00Z")),
                        "persistentvolume data is still there after 0s (Terminating)",
                        "delete a claim (and the pods using it), then apply again"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stuck")
    void aVolumeStillThereAtTheDeadline_isReported_notWaitedOn(String name, Map<String, Object> left, String what,
                                                               String hintTail) {
        server.when("get pv").answer(json(BOUND)).then().answer(json(left));
        server.when("delete pv").answer("");
        ResourceChange d = change(PvType.NAME, NAME, Action.DELETE, after("/mnt/data", "10Gi"), null);
        ApplyException e = assertThrows(ApplyException.class,
                () -> new PvExecutor(Duration.ZERO).delete(d, context(true)));
        assertEquals("delete PersistentVolume data: " + what, e.getMessage());
        assertNull(e.node());
        assertEquals("Kubernetes keeps a Bound PersistentVolume until its claim is deleted: " + hintTail, e.hint());
        assertEquals(List.of(GET, DELETE, GET), server.scripts(), "one look after the delete, no more");
    }

    // ------------------------------------------------------------------ how other failures read

    record Failure(String name, Action action, String pattern, int exit, String stdout, String stderr,
                   String message, String node, String hint, List<String> serverScripts, List<String> workerScripts) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Failure> failures() {
        String refused = "The connection to the server 127.0.0.1:6443 was refused - did you specify the right host "
                + "or port?";
        return Stream.of(
                new Failure("mkdir fails: no kubectl after it", Action.CREATE, "^mkdir", 1, "",
                        "mkdir: cannot create directory '/mnt/data': Read-only file system\n",
                        "pi-worker-1: create directory /mnt/data: command exited 1: mkdir: cannot create directory "
                                + "'/mnt/data': Read-only file system", WORKER, "", List.of(), List.of(MKDIR)),
                new Failure("kubectl apply fails", Action.CREATE, "apply -f -", 1, "",
                        "error: persistentvolumes \"data\" is forbidden\n", "pi-server-1: apply PersistentVolume data: "
                        + "kubectl apply exited 1: error: persistentvolumes \"data\" is forbidden", SERVER, "",
                        List.of(APPLY_SCRIPT), List.of(MKDIR)),
                new Failure("kubectl apply: an immutable field moved", Action.UPDATE, "apply -f -", 1, "",
                        "The PersistentVolume \"data\" is invalid: spec.persistentvolumesource: Forbidden: spec."
                                + "persistentvolumesource is immutable after creation\n",
                        "pi-server-1: apply PersistentVolume data: kubectl apply exited 1: The PersistentVolume "
                                + "\"data\" is invalid: spec.persistentvolumesource: Forbidden: spec."
                                + "persistentvolumesource is immutable after creation", SERVER,
                        "the object changed in the cluster since the plan was made: plan again (a change of an "
                                + "immutable field is planned as a replacement)", List.of(APPLY_SCRIPT), List.of(MKDIR)),
                new Failure("kubectl get fails: k3s down?", Action.DELETE, "get pv", 1, "", refused + "\n",
                        "pi-server-1: delete PersistentVolume data: kubectl get exited 1: " + refused, SERVER,
                        "is k3s active on pi-server-1?", List.of(GET), List.of()),
                new Failure("kubectl get prints no JSON", Action.DELETE, "get pv", 0, "NAME   CAPACITY\ndata   10Gi\n",
                        "", "pi-server-1: delete PersistentVolume data: kubectl printed no JSON: *", SERVER, "",
                        List.of(GET), List.of()),
                new Failure("kubectl delete fails", Action.DELETE, "delete pv", 1, "", refused + "\n",
                        "pi-server-1: delete PersistentVolume data: kubectl delete exited 1: " + refused, SERVER, "",
                        List.of(GET, DELETE), List.of(check("/mnt/data"))),
                new Failure("replace: the delete fails, nothing is created", Action.REPLACE, "delete pv", 1, "",
                        "error: timed out\n", "pi-server-1: replace PersistentVolume data: kubectl delete exited 1: "
                        + "error: timed out", SERVER, "", List.of(GET, DELETE), List.of(check("/mnt/data"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void aFailure_namesNodeStepAndTheCommandsTail(Failure f) {
        server.when("get pv").answer(json(AVAILABLE)).then().fail(1, NOT_FOUND);
        server.when("delete pv").answer("");
        server.when("apply -f -").answer("");
        worker.when("ls -A").answer("empty\n");
        worker.when("^mkdir").answer("");
        FakeSession failing = f.node().equals(SERVER) ? server : worker;
        failing.when(f.pattern()).exit(f.exit(), f.stdout(), f.stderr());

        Map<String, Object> after = after("/mnt/data", "10Gi");
        ResourceChange c = change(PvType.NAME, NAME, f.action(), f.action() == Action.CREATE ? null : after,
                f.action() == Action.DELETE ? null : after);
        ApplyException e = assertThrows(ApplyException.class, () -> {
            if (f.action() == Action.DELETE) {
                new PvExecutor().delete(c, context(false));
            } else {
                new PvExecutor().apply(c, context(false));
            }
        });
        if (f.message().endsWith("*")) {
            assertTrue(e.getMessage().startsWith(f.message().substring(0, f.message().length() - 1)), e.getMessage());
        } else {
            assertEquals(f.message(), e.getMessage());
        }
        assertEquals(f.node(), e.node());
        assertEquals(f.hint(), e.hint());
        assertEquals(f.serverScripts(), server.scripts(), server::describe);
        assertEquals(f.workerScripts(), worker.scripts(), worker::describe);
    }

    // ------------------------------------------------------------------ helpers

    /** The plan's canonical attributes of the fixture's volume, at this path and size. */
    static Map<String, Object> after(String path, String capacity) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("capacity", capacity);
        m.put("access_modes", List.of("ReadWriteOnce", "ReadOnlyMany"));
        m.put("reclaim_policy", "Retain");
        m.put("storage_class", "local-storage");
        m.put("path", path);
        m.put("node", WORKER);
        m.put("directory", "present");
        return m;
    }

    private ApplyContext context(boolean allowDataLoss) {
        Config c = StorageFixtures.config(tmp, SC + PV);
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
