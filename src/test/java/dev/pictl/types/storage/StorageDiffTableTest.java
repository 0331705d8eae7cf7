package dev.pictl.types.storage;

import static dev.pictl.types.storage.StorageFixtures.PV;
import static dev.pictl.types.storage.StorageFixtures.SC;
import static dev.pictl.types.storage.StorageFixtures.SERVER;
import static dev.pictl.types.storage.StorageFixtures.WORKER;
import static dev.pictl.types.storage.StorageFixtures.affinity;
import static dev.pictl.types.storage.StorageFixtures.pv;
import static dev.pictl.types.storage.StorageFixtures.pvSpec;
import static dev.pictl.types.storage.StorageFixtures.sc;
import static dev.pictl.types.storage.StorageFixtures.server;
import static dev.pictl.types.storage.StorageFixtures.with;
import static dev.pictl.types.storage.StorageFixtures.worker;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pictl.addr.ResourceAddress;
import dev.pictl.config.Config;
import dev.pictl.diag.Diagnostic;
import dev.pictl.diag.Diagnostics;
import dev.pictl.graph.GraphBuilder;
import dev.pictl.graph.ResourceGraph;
import dev.pictl.plan.Action;
import dev.pictl.plan.ActionReason;
import dev.pictl.plan.AttributeChange;
import dev.pictl.plan.Differ;
import dev.pictl.plan.Plan;
import dev.pictl.plan.PlanRequest;
import dev.pictl.plan.ResourceChange;
import dev.pictl.probe.ProbeOutcome;
import dev.pictl.state.State;
import dev.pictl.testing.TestContexts;
import dev.pictl.types.ResourceTypes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The storage types' diff rules through the real {@link Differ} (fast tier): for an object as the server's kubectl
 * shows it (and the PV's directory as its node's probe does), the action, its reason, the attributes that differ
 * and which of them force a replacement (the immutable fields: a class's provisioner, parameters, reclaim policy
 * and binding mode; a volume's path, node and class), and the data a replacement would lose.
 */
@Tag("fast")
class StorageDiffTableTest {
    @TempDir
    Path tmp;

    private static final ResourceAddress SC_ADDR = ResourceAddress.of(StorageClassType.NAME, "local-storage");
    private static final ResourceAddress PV_ADDR = ResourceAddress.of(PvType.NAME, "data");

    /**
     * One row: the objects the server lists and the worker's directories; the expected action and reason, the
     * attributes that differ as {@code name} or {@code name!} (forces replacement), the data-loss note.
     */
    record Row(String name, ResourceAddress address, List<Map<String, Object>> objects,
               Map<String, PvProbe.PathState> dirs, Action action, ActionReason reason, List<String> changed,
               String dataLoss) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** The class as the fixture describes it, as Kubernetes returns it. */
    private static final Map<String, Object> CLASS = Map.of("provisioner", "kubernetes.io/no-provisioner",
            "volumeBindingMode", "WaitForFirstConsumer", "reclaimPolicy", "Delete", "allowVolumeExpansion", true);
    /** The volume as the fixture describes it, its access modes in the other order. */
    private static final Map<String, Object> SPEC = pvSpec("10Gi", List.of("ReadOnlyMany", "ReadWriteOnce"), "Retain",
            "local-storage", "/mnt/data", WORKER);
    private static final Map<String, Object> AVAILABLE = Map.of("phase", "Available");
    private static final Map<String, Object> BOUND = Map.of("phase", "Bound");
    private static final Map<String, Object> CLAIM = Map.of("namespace", "apps", "name", "db");
    private static final Map<String, PvProbe.PathState> EMPTY = Map.of("/mnt/data", new PvProbe.PathState(true, false));
    private static final Map<String, PvProbe.PathState> DATA = Map.of("/mnt/data", new PvProbe.PathState(true, true));

    private static List<Map<String, Object>> objects(Map<String, Object> classFields, Map<String, Object> volume) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (classFields != null) {
            out.add(sc("local-storage", classFields));
        }
        if (volume != null) {
            out.add(volume);
        }
        return out;
    }

    static Stream<Row> classRows() {
        return Stream.of(
                new Row("as described", SC_ADDR, objects(CLASS, null), EMPTY, Action.NO_OP, ActionReason.NONE,
                        List.of(), null),
                new Row("not in the cluster", SC_ADDR, objects(null, null), EMPTY, Action.CREATE,
                        ActionReason.NOT_PRESENT, List.of(), null),
                new Row("provisioner", SC_ADDR, objects(with(CLASS, "provisioner", "rancher.io/local-path"), null),
                        EMPTY, Action.REPLACE, ActionReason.CANNOT_UPDATE_IN_PLACE, List.of("provisioner!"), null),
                new Row("binding mode (left out: Immediate)", SC_ADDR, objects(with(CLASS, "volumeBindingMode", null),
                        null), EMPTY, Action.REPLACE, ActionReason.CANNOT_UPDATE_IN_PLACE,
                        List.of("volume_binding_mode!"), null),
                new Row("reclaim policy", SC_ADDR, objects(with(CLASS, "reclaimPolicy", "Retain"), null), EMPTY,
                        Action.REPLACE, ActionReason.CANNOT_UPDATE_IN_PLACE, List.of("reclaim_policy!"), null),
                new Row("parameters", SC_ADDR, objects(with(CLASS, "parameters", Map.of("fsType", "ext4")), null),
                        EMPTY, Action.REPLACE, ActionReason.CANNOT_UPDATE_IN_PLACE, List.of("parameters!"), null),
                new Row("expansion changes in place", SC_ADDR, objects(with(CLASS, "allowVolumeExpansion", false),
                        null), EMPTY, Action.UPDATE, ActionReason.ATTRIBUTE_CHANGED,
                        List.of("allow_volume_expansion"), null),
                new Row("the default mark changes in place", SC_ADDR, objects(with(CLASS, "metadata",
                        Map.of("name", "local-storage", "annotations",
                                Map.of(StorageClassKind.DEFAULT_ANNOTATION, "true"))), null), EMPTY, Action.UPDATE,
                        ActionReason.ATTRIBUTE_CHANGED, List.of("default"), null),
                new Row("one immutable field among mutable ones replaces", SC_ADDR, objects(with(CLASS,
                        "allowVolumeExpansion", false, "reclaimPolicy", "Retain"), null), EMPTY, Action.REPLACE,
                        ActionReason.CANNOT_UPDATE_IN_PLACE, List.of("reclaim_policy!", "allow_volume_expansion"),
                        null));
    }

    static Stream<Row> volumeRows() {
        return Stream.of(
                new Row("as described (modes in another order)", PV_ADDR, objects(CLASS, pv("data", SPEC, AVAILABLE)),
                        EMPTY, Action.NO_OP, ActionReason.NONE, List.of(), null),
                new Row("as described, Bound and holding data: nothing to do", PV_ADDR, objects(CLASS,
                        pv("data", with(SPEC, "claimRef", CLAIM), BOUND)), DATA, Action.NO_OP, ActionReason.NONE,
                        List.of(), null),
                new Row("not in the cluster", PV_ADDR, objects(CLASS, null), EMPTY, Action.CREATE,
                        ActionReason.NOT_PRESENT, List.of(), null),
                new Row("one mode fewer", PV_ADDR, objects(CLASS, pv("data", with(SPEC, "accessModes",
                        List.of("ReadWriteOnce")), AVAILABLE)), EMPTY, Action.UPDATE, ActionReason.ATTRIBUTE_CHANGED,
                        List.of("access_modes"), null),
                new Row("capacity changes in place", PV_ADDR, objects(CLASS, pv("data", with(SPEC, "capacity",
                        Map.of("storage", "5Gi")), AVAILABLE)), EMPTY, Action.UPDATE, ActionReason.ATTRIBUTE_CHANGED,
                        List.of("capacity"), null),
                new Row("reclaim policy changes in place", PV_ADDR, objects(CLASS, pv("data", with(SPEC,
                        "persistentVolumeReclaimPolicy", "Delete"), AVAILABLE)), EMPTY, Action.UPDATE,
                        ActionReason.ATTRIBUTE_CHANGED, List.of("reclaim_policy"), null),
                new Row("directory missing: made again in place", PV_ADDR, objects(CLASS, pv("data", SPEC, AVAILABLE)),
                        Map.of("/mnt/data", new PvProbe.PathState(false, false)), Action.UPDATE,
                        ActionReason.ATTRIBUTE_CHANGED, List.of("directory"), null),
                new Row("capacity of a Bound volume: an update loses nothing", PV_ADDR, objects(CLASS, pv("data",
                        with(SPEC, "claimRef", CLAIM, "capacity", Map.of("storage", "5Gi")), BOUND)), DATA,
                        Action.UPDATE, ActionReason.ATTRIBUTE_CHANGED, List.of("capacity"), null),
                new Row("path", PV_ADDR, objects(CLASS, pv("data", with(SPEC, "local", Map.of("path", "/mnt/old")),
                        AVAILABLE)), Map.of("/mnt/old", new PvProbe.PathState(true, false)), Action.REPLACE,
                        ActionReason.CANNOT_UPDATE_IN_PLACE, List.of("path!"), null),
                new Row("path, the old directory holds data", PV_ADDR, objects(CLASS, pv("data", with(SPEC, "local",
                        Map.of("path", "/mnt/old")), AVAILABLE)), Map.of("/mnt/old", new PvProbe.PathState(true, true)),
                        Action.REPLACE, ActionReason.CANNOT_UPDATE_IN_PLACE, List.of("path!"),
                        "its directory /mnt/old on pi-worker-1 holds data"),
                new Row("class", PV_ADDR, objects(CLASS, pv("data", with(SPEC, "storageClassName", "fast"), AVAILABLE)),
                        EMPTY, Action.REPLACE, ActionReason.CANNOT_UPDATE_IN_PLACE, List.of("storage_class!"), null),
                new Row("class of a Bound volume", PV_ADDR, objects(CLASS, pv("data", with(SPEC, "storageClassName",
                        "fast", "claimRef", CLAIM), BOUND)), EMPTY, Action.REPLACE, ActionReason.CANNOT_UPDATE_IN_PLACE,
                        List.of("storage_class!"), "Bound to apps/db"),
                new Row("class of a Bound volume holding data", PV_ADDR, objects(CLASS, pv("data", with(SPEC,
                        "storageClassName", "fast", "claimRef", CLAIM), BOUND)), DATA, Action.REPLACE,
                        ActionReason.CANNOT_UPDATE_IN_PLACE, List.of("storage_class!"),
                        "Bound to apps/db; its directory holds data"),
                new Row("node (the server's probe has no paths part: directory unknown)", PV_ADDR, objects(CLASS,
                        pv("data", with(SPEC, "nodeAffinity", affinity(List.of(SERVER))), AVAILABLE)), DATA,
                        Action.REPLACE, ActionReason.CANNOT_UPDATE_IN_PLACE, List.of("node!", "directory"), null));
    }

    static Stream<Row> rows() {
        return Stream.concat(classRows(), volumeRows());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void plan_actionReasonChangesAndDataLoss(Row row) {
        Config c = StorageFixtures.config(tmp, SC + PV);
        Plan plan = plan(c, row.objects(), row.dirs());
        ResourceChange ch = plan.changes().stream().filter(x -> x.address().equals(row.address())).findFirst()
                .orElseThrow(() -> new AssertionError(row.address() + " not planned: " + plan.unknown()));

        assertEquals(row.action(), ch.action(), () -> ch.changes().toString());
        assertEquals(row.reason(), ch.reason());
        assertEquals(row.action() == Action.CREATE ? List.of() : row.changed(), ch.action() == Action.CREATE
                ? List.of() : ch.changes().stream().map(a -> a.name() + (a.forcesReplacement() ? "!" : "")).toList());
        assertEquals(row.dataLoss(), ch.dataLoss());
        assertEquals(row.address().type().equals(PvType.NAME) ? WORKER : null, ch.node());
        List<String> warnings = plan.diagnostics().stream().filter(d -> d.severity() == dev.pictl.diag.Severity.WARNING)
                .map(Diagnostic::summary).filter(s -> s.startsWith(row.address().toString())).toList();
        assertEquals(row.dataLoss() == null ? List.of()
                : List.of(row.address() + " will be replaced but " + row.dataLoss()), warnings);
    }

    /** A create carries every described attribute as a change from nothing, none of them forcing. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("creates")
    void create_listsEveryDescribedAttribute(String name, ResourceAddress address, List<String> attributes) {
        Config c = StorageFixtures.config(tmp, SC + PV);
        ResourceChange ch = plan(c, objects(null, null), EMPTY).changes().stream()
                .filter(x -> x.address().equals(address)).findFirst().orElseThrow();
        assertEquals(Action.CREATE, ch.action());
        assertEquals(attributes, ch.changes().stream().map(AttributeChange::name).toList());
        assertEquals(List.of(), ch.changes().stream().filter(AttributeChange::forcesReplacement).toList());
        assertEquals(List.of(), ch.changes().stream().filter(a -> a.before() != null).toList());
    }

    static Stream<org.junit.jupiter.params.provider.Arguments> creates() {
        return Stream.of(
                org.junit.jupiter.params.provider.Arguments.of("storage_class", SC_ADDR, List.of("provisioner",
                        "volume_binding_mode", "reclaim_policy", "allow_volume_expansion", "parameters", "default")),
                org.junit.jupiter.params.provider.Arguments.of("pv", PV_ADDR, List.of("capacity", "access_modes",
                        "reclaim_policy", "storage_class", "path", "node", "directory")));
    }

    private static Plan plan(Config c, List<Map<String, Object>> objects, Map<String, PvProbe.PathState> dirs) {
        Diagnostics diags = new Diagnostics();
        ResourceGraph graph = GraphBuilder.build(c.instances(), ResourceTypes.standard().all(), diags);
        assertEquals(List.of(), diags.sorted());
        Map<String, ProbeOutcome> probes = Map.of(
                SERVER, new ProbeOutcome.Observed(server(objects)),
                WORKER, new ProbeOutcome.Observed(worker(dirs)));
        return Differ.plan(ResourceTypes.standard().kinds(), c, graph, probes, State.empty(), TestContexts.HASHER,
                PlanRequest.normal(), "0.0.0-test");
    }
}
