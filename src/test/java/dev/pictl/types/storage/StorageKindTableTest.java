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
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.pictl.addr.ResourceAddress;
import dev.pictl.config.Config;
import dev.pictl.diag.Diagnostics;
import dev.pictl.plan.kind.Kind;
import dev.pictl.plan.kind.Observed;
import dev.pictl.plan.kind.PlanContext;
import dev.pictl.probe.NodeObservation;
import dev.pictl.probe.NodeObservation.KubeSnapshot;
import dev.pictl.probe.ProbeOutcome;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.state.ResourceState;
import dev.pictl.state.State;
import dev.pictl.testing.TestContexts;
import dev.pictl.transport.TransportException;
import dev.pictl.types.ResourceTypes;
import dev.pictl.types.k3s.K3sProbe;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The storage kinds' planner view, table by table (fast tier): what {@code observe} reads from the server's kubectl
 * snapshot and the PV node's directory probe (present, absent, unknown: server unreachable, k3s not installed,
 * kubectl failed, with and without a record in the state), {@code desired} from descriptions, {@code same} for
 * access modes as sets, the data-loss note, and {@code inCluster}/{@code clusterWide}.
 */
@Tag("fast")
class StorageKindTableTest {
    @TempDir
    Path tmp;

    private static final ResourceAddress SC_ADDR = ResourceAddress.of(StorageClassType.NAME, "local-storage");
    private static final ResourceAddress PV_ADDR = ResourceAddress.of(PvType.NAME, "data");

    // ------------------------------------------------------------------ where the snapshot comes from

    /** Every way the server may be seen, for a resource without (prior = false) or with a record in the state. */
    static Stream<Arguments> sources() {
        KubeSnapshot refused = new KubeSnapshot(List.of(), List.of(), List.of(),
                "The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?\n"
                        + "second line");
        NodeObservation noK3s = NodeObservation.of(SERVER, StorageFixtures.facts(SERVER));
        NodeObservation noVersion = noK3s.with(K3sProbe.INSTALL, new K3sProbe.K3sInstall(null, "x: 1\n", null, null));
        NodeObservation notRead = noK3s.with(K3sProbe.INSTALL, new K3sProbe.K3sInstall("v1.31.4+k3s1", null, null, null));
        String refusedLine = "The connection to the server 127.0.0.1:6443 was refused - did you specify the right "
                + "host or port?";
        return Stream.of(
                Arguments.of("server not probed, no record", null, false,
                        new Observed.Unknown("pi-server-1: not probed")),
                Arguments.of("server not probed, a record", null, true,
                        new Observed.Unknown("pi-server-1: not probed")),
                Arguments.of("k3s not installed, no record", noK3s, false, new Observed.Absent()),
                Arguments.of("k3s not installed, a record: gone with it", noK3s, true, new Observed.Absent()),
                Arguments.of("k3s config but no binary", noVersion, true, new Observed.Absent()),
                Arguments.of("kubectl not read, no record", notRead, false, new Observed.Unknown("kubectl on pi-server-1 "
                        + "failed (not read), so it cannot be read; start k3s on pi-server-1 (or apply its k3s_server "
                        + "first) and plan again")),
                Arguments.of("kubectl refused, no record", server(refused), false, new Observed.Unknown("kubectl on "
                        + "pi-server-1 failed (" + refusedLine + "), so it cannot be read; start k3s on pi-server-1 "
                        + "(or apply its k3s_server first) and plan again")),
                Arguments.of("kubectl refused, a record: the record, unverified", server(refused), true,
                        new Observed.Present(Map.of("recorded", "yes"), "not verified: kubectl on pi-server-1 failed ("
                                + refusedLine + ")")),
                Arguments.of("kubectl not read, a record", notRead, true, new Observed.Present(Map.of("recorded", "yes"),
                        "not verified: kubectl on pi-server-1 failed (not read)")),
                Arguments.of("snapshot without the object", server(List.of()), false, new Observed.Absent()),
                Arguments.of("snapshot without the object, a record", server(List.of()), true, new Observed.Absent()));
    }

    @ParameterizedTest(name = "storage_class: {0}")
    @MethodSource("sources")
    void storageClass_observe_bySource(String name, NodeObservation server, boolean prior, Observed expected) {
        Config c = StorageFixtures.config(tmp, SC);
        assertEquals(expected, new StorageClassKind().observe(instance(c, SC_ADDR), prior ? record(SC_ADDR) : null,
                null, context(c, server)));
    }

    @ParameterizedTest(name = "pv: {0}")
    @MethodSource("sources")
    void pv_observe_bySource(String name, NodeObservation server, boolean prior, Observed expected) {
        Config c = StorageFixtures.config(tmp, SC + PV);
        assertEquals(expected, new PvKind().observe(instance(c, PV_ADDR), prior ? record(PV_ADDR) : null, WORKER,
                context(c, server, worker(Map.of()))));
    }

    @Test
    void serverUnreachable_theReasonIsTheTransportsOwn() {
        Config c = StorageFixtures.config(tmp, SC + PV);
        TransportException down = new TransportException(TransportException.Kind.UNREACHABLE, SERVER, "connect",
                "connection refused", null);
        PlanContext ctx = new PlanContext(ResourceTypes.standard().kinds(), c,
                Map.of(SERVER, new ProbeOutcome.Failed(SERVER, down)), State.empty(), TestContexts.HASHER,
                new Diagnostics());
        Observed expected = new Observed.Unknown("pi-server-1: connect: connection refused");
        assertEquals(expected, new StorageClassKind().observe(instance(c, SC_ADDR), null, null, ctx));
        assertEquals(expected, new PvKind().observe(instance(c, PV_ADDR), record(PV_ADDR), WORKER, ctx));
    }

    static Stream<Arguments> noServer() {
        return Stream.of(Arguments.of(false, new Observed.Absent()),
                Arguments.of(true, new Observed.Unknown("no k3s_server in the description to read it through")));
    }

    /** A description that dropped its server: what is only in the state cannot be read. */
    @ParameterizedTest(name = "recorded: {0}")
    @MethodSource("noServer")
    void withoutAServerInTheDescription(boolean prior, Observed expected) {
        Config c = TestContexts.config(tmp, "node \"pi-server-1\" { address = \"192.168.1.10\" }\n");
        PlanContext ctx = context(c, server(List.of(sc("local-storage", Map.of("provisioner", "p")))));
        assertEquals(expected, new StorageClassKind().observe(null, prior ? record(SC_ADDR) : null, null, ctx));
        assertEquals(expected, new PvKind().observe(null, prior ? record(PV_ADDR) : null, WORKER, ctx));
    }

    // ------------------------------------------------------------------ storage_class: the object as read

    static Stream<Arguments> classes() {
        return Stream.of(
                Arguments.of("every field", Map.of("provisioner", "kubernetes.io/no-provisioner",
                                "volumeBindingMode", "WaitForFirstConsumer", "reclaimPolicy", "Retain",
                                "allowVolumeExpansion", true, "parameters", Map.of("fsType", "ext4"),
                                "metadata", Map.of("name", "local-storage", "annotations",
                                        Map.of(StorageClassKind.DEFAULT_ANNOTATION, "true"))),
                        attrs("kubernetes.io/no-provisioner", "WaitForFirstConsumer", "Retain", true,
                                Map.of("fsType", "ext4"), true)),
                Arguments.of("only a provisioner: Kubernetes' defaults", Map.of("provisioner", "p"),
                        attrs("p", "Immediate", "Delete", false, Map.of(), false)),
                Arguments.of("no provisioner at all", Map.of(), attrs(null, "Immediate", "Delete", false, Map.of(),
                        false)),
                Arguments.of("parameters of other JSON types are read as text", Map.of("provisioner", "p",
                                "parameters", Map.of("n", 3, "b", true, "s", "x")),
                        attrs("p", "Immediate", "Delete", false, Map.of("b", "true", "n", "3", "s", "x"), false)),
                Arguments.of("parameters that are not a map are none", Map.of("provisioner", "p", "parameters", "x=1"),
                        attrs("p", "Immediate", "Delete", false, Map.of(), false)),
                Arguments.of("allowVolumeExpansion as text is not true", Map.of("provisioner", "p",
                        "allowVolumeExpansion", "true"), attrs("p", "Immediate", "Delete", false, Map.of(), false)),
                Arguments.of("default annotation \"false\"", Map.of("provisioner", "p", "metadata",
                                Map.of("name", "local-storage", "annotations",
                                        Map.of(StorageClassKind.DEFAULT_ANNOTATION, "false"))),
                        attrs("p", "Immediate", "Delete", false, Map.of(), false)),
                Arguments.of("default annotation \"True\" is not Kubernetes' \"true\"", Map.of("provisioner", "p",
                                "metadata", Map.of("name", "local-storage", "annotations",
                                        Map.of(StorageClassKind.DEFAULT_ANNOTATION, "True"))),
                        attrs("p", "Immediate", "Delete", false, Map.of(), false)),
                Arguments.of("other annotations only", Map.of("provisioner", "p", "metadata",
                                Map.of("name", "local-storage", "annotations", Map.of("owner", "me"))),
                        attrs("p", "Immediate", "Delete", false, Map.of(), false)));
    }

    private static Map<String, Object> attrs(String provisioner, String mode, String reclaim, boolean expand,
                                             Map<String, Object> params, boolean dflt) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("provisioner", provisioner);
        m.put("volume_binding_mode", mode);
        m.put("reclaim_policy", reclaim);
        m.put("allow_volume_expansion", expand);
        m.put("parameters", new TreeMap<>(params));
        m.put("default", dflt);
        m.values().removeIf(java.util.Objects::isNull); // Canon.ordered leaves out what was not read
        return m;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("classes")
    void storageClass_observe_readsTheObject(String name, Map<String, Object> fields, Map<String, Object> expected) {
        Config c = StorageFixtures.config(tmp, SC);
        List<Map<String, Object>> items = List.of(sc("other", Map.of("provisioner", "elsewhere")),
                sc("local-storage", fields));
        Observed o = new StorageClassKind().observe(instance(c, SC_ADDR), null, null, context(c, server(items)));
        Observed.Present p = assertInstanceOf(Observed.Present.class, o);
        assertEquals(expected, p.attributes());
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(p.attributes().keySet()), "in the plan's order");
        assertNull(p.note());
        assertNull(new StorageClassKind().dataLoss(p), "deleting a class loses no data");
    }

    @Test
    void storageClass_observe_aPvOfTheSameNameIsNotTheClass() {
        Config c = StorageFixtures.config(tmp, SC);
        List<Map<String, Object>> items = List.of(pv("local-storage", null, null));
        assertEquals(new Observed.Absent(), new StorageClassKind().observe(instance(c, SC_ADDR), null, null,
                context(c, server(items))));
    }

    @Test
    void storageClass_observe_ofAResourceOnlyInTheState_readsItByTheRecordsName() {
        Config c = StorageFixtures.config(tmp, "");
        ResourceAddress gone = ResourceAddress.of(StorageClassType.NAME, "old");
        Observed o = new StorageClassKind().observe(null, record(gone), null,
                context(c, server(List.of(sc("old", Map.of("provisioner", "p"))))));
        assertEquals(attrs("p", "Immediate", "Delete", false, Map.of(), false),
                assertInstanceOf(Observed.Present.class, o).attributes());
    }

    // ------------------------------------------------------------------ pv: the object and its directory

    record PvRow(String name, Map<String, Object> item, Map<String, PvProbe.PathState> workerPaths,
                 Map<String, Object> expected, String note) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final Map<String, Object> SPEC = pvSpec("10Gi", List.of("ReadWriteOnce"), "Retain",
            "local-storage", "/mnt/data", WORKER);
    private static final Map<String, PvProbe.PathState> EMPTY_DIR = Map.of("/mnt/data",
            new PvProbe.PathState(true, false));
    private static final Map<String, PvProbe.PathState> DATA_DIR = Map.of("/mnt/data",
            new PvProbe.PathState(true, true));
    private static final Map<String, Object> BOUND = Map.of("phase", "Bound");
    private static final Map<String, Object> CLAIM = Map.of("kind", "PersistentVolumeClaim", "namespace", "apps",
            "name", "db");

    private static Map<String, Object> pvAttrs(Object capacity, List<String> modes, Object reclaim, Object sc,
                                               Object path, Object node, String directory, String phase) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("capacity", capacity);
        m.put("access_modes", modes);
        m.put("reclaim_policy", reclaim);
        m.put("storage_class", sc);
        m.put("path", path);
        m.put("node", node);
        m.put("directory", directory);
        m.put("phase", phase);
        m.values().removeIf(java.util.Objects::isNull); // Canon.ordered leaves out what was not read
        return m;
    }

    private static Map<String, Object> usual(String directory, String phase) {
        return pvAttrs("10Gi", List.of("ReadWriteOnce"), "Retain", "local-storage", "/mnt/data", WORKER, directory,
                phase);
    }

    static Stream<PvRow> volumes() {
        return Stream.of(
                new PvRow("Available, empty directory", pv("data", SPEC, Map.of("phase", "Available")), EMPTY_DIR,
                        usual("present", "Available"), null),
                new PvRow("Available, directory missing", pv("data", SPEC, Map.of("phase", "Available")),
                        Map.of("/mnt/data", new PvProbe.PathState(false, false)), usual("missing", "Available"), null),
                new PvRow("directory holds data", pv("data", SPEC, Map.of("phase", "Available")), DATA_DIR,
                        usual("present", "Available"), "its directory /mnt/data on pi-worker-1 holds data"),
                new PvRow("Bound with a namespaced claim", pv("data", with(SPEC, "claimRef", CLAIM), BOUND), EMPTY_DIR,
                        usual("present", "Bound"), "Bound to apps/db"),
                new PvRow("Bound, claim without a namespace", pv("data", with(SPEC, "claimRef", Map.of("name", "db")),
                        BOUND), EMPTY_DIR, usual("present", "Bound"), "Bound to db"),
                new PvRow("Bound and holding data", pv("data", with(SPEC, "claimRef", CLAIM), BOUND), DATA_DIR,
                        usual("present", "Bound"), "Bound to apps/db; its directory holds data"),
                new PvRow("Released keeps its claim but is not Bound", pv("data", with(SPEC, "claimRef", CLAIM),
                        Map.of("phase", "Released")), EMPTY_DIR, usual("present", "Released"), null),
                new PvRow("no status: phase Unknown", pv("data", SPEC, null), EMPTY_DIR, usual("present", "Unknown"),
                        null),
                new PvRow("an unknown phase is kept as read", pv("data", SPEC, Map.of("phase", "Pending")), EMPTY_DIR,
                        usual("present", "Pending"), null),
                new PvRow("the node's probe did not look at this path", pv("data", SPEC, Map.of("phase", "Available")),
                        Map.of("/mnt/other", new PvProbe.PathState(true, true)), usual("unknown", "Available"), null),
                new PvRow("the node's probe printed no paths part", pv("data", SPEC, Map.of("phase", "Available")),
                        null, usual("unknown", "Available"), null),
                new PvRow("access modes in the object's order", pv("data", with(SPEC, "accessModes",
                        List.of("ReadOnlyMany", "ReadWriteOnce")), Map.of("phase", "Available")), EMPTY_DIR,
                        with(usual("present", "Available"), "access_modes", List.of("ReadOnlyMany", "ReadWriteOnce")),
                        null),
                new PvRow("several affinity values: the first", pv("data", with(SPEC, "nodeAffinity",
                        affinity(List.of(WORKER, SERVER))), Map.of("phase", "Available")), EMPTY_DIR,
                        usual("present", "Available"), null),
                new PvRow("empty affinity values: no node, directory unknown", pv("data", with(SPEC, "nodeAffinity",
                        affinity(List.of())), Map.of("phase", "Available")), EMPTY_DIR,
                        with(usual("unknown", "Available"), "node", null), null),
                new PvRow("pinned to a node that was not probed", pv("data", with(SPEC, "nodeAffinity",
                        affinity(List.of("pi-gone"))), Map.of("phase", "Available")), DATA_DIR,
                        with(usual("unknown", "Available"), "node", "pi-gone"), null),
                new PvRow("no spec at all", pv("data", null, Map.of("phase", "Available")), DATA_DIR,
                        pvAttrs(null, List.of(), null, null, null, null, "unknown", "Available"), null),
                new PvRow("a hostPath volume has no local path", pv("data", with(SPEC, "local", null, "hostPath",
                        Map.of("path", "/mnt/data")), Map.of("phase", "Available")), DATA_DIR,
                        with(usual("unknown", "Available"), "path", null), null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("volumes")
    void pv_observe_readsTheObjectAndItsDirectory(PvRow row) {
        Config c = StorageFixtures.config(tmp, SC + PV);
        List<Map<String, Object>> items = new ArrayList<>();
        items.add(pv("other", pvSpec("1Gi", List.of("ReadWriteOnce"), "Delete", "x", "/mnt/data", WORKER), BOUND));
        items.add(row.item());
        Observed o = new PvKind().observe(instance(c, PV_ADDR), null, WORKER,
                context(c, server(items), worker(row.workerPaths())));
        Observed.Present p = assertInstanceOf(Observed.Present.class, o);
        assertEquals(row.expected(), p.attributes());
        assertEquals(List.copyOf(row.expected().keySet()), List.copyOf(p.attributes().keySet()));
        assertEquals(row.note(), p.note());
        assertEquals(row.note(), new PvKind().dataLoss(p), "a pv's data-loss note is its observation's note");
    }

    @Test
    void pv_observe_boundWithoutAClaimRef_doesNotSayNull() {
        Config c = StorageFixtures.config(tmp, SC + PV);
        Observed o = new PvKind().observe(instance(c, PV_ADDR), null, WORKER,
                context(c, server(List.of(pv("data", SPEC, BOUND))), worker(EMPTY_DIR)));
        assertEquals("Bound to a claim", assertInstanceOf(Observed.Present.class, o).note());
    }

    // ------------------------------------------------------------------ desired, from descriptions

    static Stream<Arguments> describedClasses() {
        return Stream.of(
                Arguments.of("only the provisioner: the schema's defaults", """
                        provisioner = "kubernetes.io/no-provisioner"
                        """, attrs("kubernetes.io/no-provisioner", "Immediate", "Delete", false, Map.of(), false)),
                Arguments.of("everything", """
                        provisioner            = "rancher.io/local-path"
                        volume_binding_mode    = "WaitForFirstConsumer"
                        reclaim_policy         = "Retain"
                        allow_volume_expansion = true
                        parameters             = { nodePath = "/srv", fsType = "ext4" }
                        default                = true
                        """, attrs("rancher.io/local-path", "WaitForFirstConsumer", "Retain", true,
                        Map.of("fsType", "ext4", "nodePath", "/srv"), true)),
                Arguments.of("numbers and bools as parameter text", """
                        provisioner = "p"
                        parameters  = { replicas = 3, encrypted = true, ratio = 1.5 }
                        """, attrs("p", "Immediate", "Delete", false,
                        Map.of("encrypted", "true", "ratio", "1.5", "replicas", "3"), false)),
                Arguments.of("default = false and no expansion written out", """
                        provisioner            = "p"
                        allow_volume_expansion = false
                        default                = false
                        parameters             = {}
                        """, attrs("p", "Immediate", "Delete", false, Map.of(), false)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("describedClasses")
    void storageClass_desired(String name, String body, Map<String, Object> expected) {
        Config c = StorageFixtures.config(tmp, "storage_class \"local-storage\" {\n" + body + "}\n");
        Map<String, Object> d = new StorageClassKind().desired(instance(c, SC_ADDR), context(c));
        assertEquals(expected, d);
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(d.keySet()));
    }

    static Stream<Arguments> describedVolumes() {
        return Stream.of(
                Arguments.of("the fixture's", PV, desiredPv("10Gi", List.of("ReadWriteOnce", "ReadOnlyMany"),
                        "Retain", "/mnt/data", WORKER)),
                Arguments.of("reclaim_policy left out: Retain", """

                        pv "data" {
                          capacity      = "512Mi"
                          access_modes  = ["ReadWriteOncePod"]
                          storage_class = storage_class.local-storage
                          path          = "/srv/volumes/data/"
                          node          = node.pi-server-1
                        }
                        """, desiredPv("512Mi", List.of("ReadWriteOncePod"), "Retain", "/srv/volumes/data/", SERVER)),
                Arguments.of("Delete, several modes in the written order", """

                        pv "data" {
                          capacity       = "1Ti"
                          access_modes   = ["ReadWriteMany", "ReadOnlyMany", "ReadWriteOnce"]
                          reclaim_policy = "Delete"
                          storage_class  = storage_class.local-storage
                          path           = "/mnt/usb disk/data"
                          node           = node.pi-worker-1
                        }
                        """, desiredPv("1Ti", List.of("ReadWriteMany", "ReadOnlyMany", "ReadWriteOnce"), "Delete",
                        "/mnt/usb disk/data", WORKER)));
    }

    private static Map<String, Object> desiredPv(String capacity, List<String> modes, String reclaim, String path,
                                                 String node) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("capacity", capacity);
        m.put("access_modes", modes);
        m.put("reclaim_policy", reclaim);
        m.put("storage_class", "local-storage");
        m.put("path", path);
        m.put("node", node);
        m.put("directory", "present");
        return m;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("describedVolumes")
    void pv_desired(String name, String block, Map<String, Object> expected) {
        Config c = StorageFixtures.config(tmp, SC + block);
        Map<String, Object> d = new PvKind().desired(instance(c, PV_ADDR), context(c));
        assertEquals(expected, d);
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(d.keySet()));
    }

    // ------------------------------------------------------------------ same, dataLoss, where they live

    static Stream<Arguments> sameness() {
        List<String> rwo = List.of("ReadWriteOnce");
        List<String> both = List.of("ReadWriteOnce", "ReadOnlyMany");
        List<String> reversed = List.of("ReadOnlyMany", "ReadWriteOnce");
        return Stream.of(
                Arguments.of("access_modes", both, reversed, true, false),
                Arguments.of("access_modes", both, both, true, true),
                Arguments.of("access_modes", rwo, both, false, false),
                Arguments.of("access_modes", both, rwo, false, false),
                Arguments.of("access_modes", rwo, List.of(), false, false),
                Arguments.of("access_modes", List.of(), List.of(), true, true),
                Arguments.of("access_modes", rwo, null, false, false),
                Arguments.of("access_modes", rwo, "ReadWriteOnce", false, false),
                Arguments.of("capacity", "10Gi", "10Gi", true, true),
                Arguments.of("capacity", "10Gi", "10G", false, false),
                Arguments.of("path", "/mnt/data", "/mnt/data/", false, false),
                Arguments.of("storage_class", null, null, true, true),
                Arguments.of("parameters", Map.of("a", "1", "b", "2"), new TreeMap<>(Map.of("b", "2", "a", "1")),
                        true, true),
                Arguments.of("parameters", Map.of("a", "1"), Map.of("a", 1), false, false));
    }

    /** pv compares every list as a set; storage_class compares values as they are. */
    @ParameterizedTest(name = "{0}: {1} vs {2}")
    @MethodSource("sameness")
    void same(String attribute, Object desired, Object observed, boolean pvSame, boolean classSame) {
        assertEquals(pvSame, new PvKind().same(attribute, desired, observed));
        assertEquals(classSame, new StorageClassKind().same(attribute, desired, observed));
    }

    @Test
    void pv_listsAreUnordered_soItsHashesMustBeToo() {
        assertEquals(true, new PvKind().unorderedLists());
        assertEquals(false, new StorageClassKind().unorderedLists());
    }

    static Stream<Arguments> places() {
        return Stream.of(Arguments.of(new StorageClassKind(), StorageClassType.NAME, true, true),
                Arguments.of(new PvKind(), PvType.NAME, true, false));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("places")
    void whereTheObjectsLive(Kind kind, String type, boolean inCluster, boolean clusterWide) {
        assertEquals(type, kind.type());
        assertEquals(inCluster, kind.inCluster());
        assertEquals(clusterWide, kind.clusterWide());
        assertEquals(inCluster, ResourceTypes.standard().inCluster(type), "the registry agrees");
        assertEquals(clusterWide, ResourceTypes.standard().clusterWide(type), "the registry agrees");
        assertEquals(false, kind.drainsBeforeDelete());
        assertEquals(List.of(), List.copyOf(kind.replacing()), "replacement comes from the schema alone");
    }

    // ------------------------------------------------------------------ helpers

    private static ResourceInstance instance(Config c, ResourceAddress a) {
        return c.instance(a).orElseThrow(() -> new AssertionError("no " + a + " in the description"));
    }

    private static ResourceState record(ResourceAddress a) {
        return ResourceState.of(a, a.type().equals(PvType.NAME) ? WORKER : null)
                .withAttributes(Map.of("recorded", "yes"));
    }

    /** A context over these observations; a null observation leaves its node unprobed. */
    private static PlanContext context(Config c, NodeObservation... observations) {
        return TestContexts.plan(c, Arrays.stream(observations).filter(o -> o != null)
                .toArray(NodeObservation[]::new));
    }
}
