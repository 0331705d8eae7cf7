package dev.pictl.types.storage;

import static dev.pictl.types.storage.StorageFixtures.SC;
import static dev.pictl.types.storage.StorageFixtures.SERVER;
import static dev.pictl.types.storage.StorageFixtures.WORKER;
import static dev.pictl.types.storage.StorageFixtures.change;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pictl.addr.ResourceAddress;
import dev.pictl.apply.ApplyContext;
import dev.pictl.apply.ApplyException;
import dev.pictl.apply.ApplyHook;
import dev.pictl.config.Config;
import dev.pictl.config.ConfigLoader;
import dev.pictl.config.LoadResult;
import dev.pictl.config.VariableInputs;
import dev.pictl.diag.Diagnostics;
import dev.pictl.graph.GraphBuilder;
import dev.pictl.graph.ResourceGraph;
import dev.pictl.plan.Action;
import dev.pictl.plan.Differ;
import dev.pictl.plan.Plan;
import dev.pictl.plan.PlanRequest;
import dev.pictl.plan.ResourceChange;
import dev.pictl.probe.NodeObservation;
import dev.pictl.probe.ProbeOutcome;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.state.State;
import dev.pictl.testing.FakeSession;
import dev.pictl.testing.FakeTransport;
import dev.pictl.testing.TestContexts;
import dev.pictl.types.ResourceTypes;
import dev.pictl.types.host.Apt;
import java.nio.file.Files;
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
 * NFS volumes in tables (fast tier): a {@code pv} has one whole source (refused at file:line:col otherwise); an NFS
 * volume's manifest (spec.nfs, mountOptions, no node affinity) and its apply, which touches no node; how it is
 * observed; the derived {@code nfs_client} on every k3s node and its plan; the apt script that installs nfs-common
 * without a prompt and waiting for the dpkg lock.
 */
@Tag("fast")
class NfsVolumeTableTest {
    static final String NFS = """

            pv "media" {
              capacity      = "100Gi"
              access_modes  = ["ReadWriteMany"]
              storage_class = storage_class.local-storage
              nfs_server    = "192.168.1.50"
              nfs_path      = "/export/media"
              mount_options = ["nfsvers=4.1", "hard"]
            }
            """;

    @TempDir
    Path tmp;

    // ------------------------------------------------------------------ validation

    /** The pv block's header is line 31 of the fixture's description. */
    static Stream<Arguments> invalid() {
        String head = "\npv \"media\" {\n  capacity      = \"1Gi\"\n  access_modes  = [\"ReadWriteMany\"]\n"
                + "  storage_class = storage_class.local-storage\n";
        return Stream.of(
                Arguments.of("both sources", head + "  path          = \"/srv/media\"\n  node          = node.pi-worker-1\n"
                        + "  nfs_server    = \"nas\"\n  nfs_path      = \"/export\"\n}\n",
                        List.of("37:19 pv \"media\" has both a local source and an NFS source")),
                Arguments.of("neither", head + "}\n", List.of("31:1 pv \"media\" has no source")),
                Arguments.of("an NFS server without its path", head + "  nfs_server    = \"nas\"\n}\n",
                        List.of("31:1 missing required attribute \"nfs_path\" in pv \"media\"")),
                Arguments.of("a node without its path", head + "  node          = node.pi-worker-1\n}\n",
                        List.of("31:1 missing required attribute \"path\" in pv \"media\"")),
                Arguments.of("mount options on a local volume", head + "  path          = \"/srv/media\"\n"
                        + "  node          = node.pi-worker-1\n  mount_options = [\"hard\"]\n}\n",
                        List.of("37:19 mount_options of pv \"media\" apply to NFS volumes only")),
                Arguments.of("a URL for a server", head + "  nfs_server    = \"nfs://nas/export\"\n"
                        + "  nfs_path      = \"/export\"\n}\n",
                        List.of("35:19 nfs_server of pv \"media\" is not a host name or address")),
                Arguments.of("a mount option with a space", head + "  nfs_server    = \"nas\"\n"
                        + "  nfs_path      = \"/export\"\n  mount_options = [\"hard\", \"ro x\"]\n}\n",
                        List.of("37:28 mount option \"ro x\" of pv \"media\" is not one word")),
                Arguments.of("a relative export path", head + "  nfs_server    = \"nas\"\n"
                        + "  nfs_path      = \"export\"\n}\n",
                        List.of("36:19 invalid nfs_path \"export\" in pv \"media\"")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void validation_refusesAtTheAttribute(String name, String block, List<String> expected) throws Exception {
        Path f = tmp.resolve("cluster.hcl");
        Files.writeString(f, StorageFixtures.hcl(SC + block));
        LoadResult r = ConfigLoader.load(f, VariableInputs.none(), ResourceTypes.standard().catalog());
        List<String> out = new ArrayList<>();
        r.diagnostics().sorted().stream().filter(d -> d.severity().name().equals("ERROR")).forEach(d -> out.add(
                d.subject().location().substring(d.subject().location().indexOf(':') + 1) + " " + d.summary()));
        assertEquals(expected, out);
    }

    // ------------------------------------------------------------------ manifest and apply

    static Map<String, Object> planned() {
        Map<String, Object> after = new LinkedHashMap<>();
        after.put("capacity", "100Gi");
        after.put("access_modes", List.of("ReadWriteMany"));
        after.put("reclaim_policy", "Retain");
        after.put("storage_class", "local-storage");
        after.put("nfs_server", "192.168.1.50");
        after.put("nfs_path", "/export/media");
        after.put("mount_options", List.of("nfsvers=4.1", "hard"));
        return after;
    }

    @Test
    void create_writesTheNfsSource_andTouchesNoNode() throws Exception {
        FakeTransport transport = new FakeTransport();
        FakeSession server = transport.node(SERVER);
        FakeSession worker = transport.node(WORKER);
        server.when("apply -f -").answer("persistentvolume/media created\n");
        Config c = StorageFixtures.config(tmp, SC + NFS);
        ApplyContext ctx = TestContexts.apply(transport, c, new ApplyHook() { });
        ResourceChange ch = new ResourceChange(ResourceAddress.of(PvType.NAME, "media"), null, Action.CREATE,
                change(PvType.NAME, "media", Action.CREATE, null, planned()).reason(), null, planned(),
                java.util.Set.of(), List.of(), false, false, null, "", List.of());
        new PvExecutor().apply(ch, ctx);
        assertEquals(StorageFixtures.JSON.readTree("""
                {"apiVersion":"v1","kind":"PersistentVolume","metadata":{"name":"media"},
                 "spec":{"capacity":{"storage":"100Gi"},"accessModes":["ReadWriteMany"],
                         "persistentVolumeReclaimPolicy":"Retain","storageClassName":"local-storage",
                         "mountOptions":["nfsvers=4.1","hard"],
                         "nfs":{"server":"192.168.1.50","path":"/export/media"}}}"""),
                StorageFixtures.JSON.readTree(server.assertRan("apply -f -").stdin()));
        assertEquals(List.of(), worker.scripts(), "no directory to make");
    }

    // ------------------------------------------------------------------ observation and plan

    static Map<String, Object> nfsSpec(List<String> options) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("capacity", Map.of("storage", "100Gi"));
        spec.put("accessModes", List.of("ReadWriteMany"));
        spec.put("persistentVolumeReclaimPolicy", "Retain");
        spec.put("storageClassName", "local-storage");
        if (options != null) {
            spec.put("mountOptions", options);
        }
        spec.put("nfs", Map.of("server", "192.168.1.50", "path", "/export/media"));
        return spec;
    }

    private Plan plan(List<Map<String, Object>> objects, String serverNfs, String workerNfs) {
        Config c = StorageFixtures.config(tmp, SC + NFS);
        Diagnostics diags = new Diagnostics();
        ResourceGraph graph = GraphBuilder.build(c.instances(), ResourceTypes.standard().all(), diags);
        assertEquals(List.of(), diags.sorted());
        List<Map<String, Object>> all = new ArrayList<>(objects);
        all.add(StorageFixtures.sc("local-storage", Map.of("provisioner", "kubernetes.io/no-provisioner",
                "volumeBindingMode", "WaitForFirstConsumer", "allowVolumeExpansion", true)));
        NodeObservation server = StorageFixtures.server(all).with(NfsClientType.PROBE, serverNfs);
        NodeObservation worker = NodeObservation.of(WORKER, StorageFixtures.facts(WORKER))
                .with(NfsClientType.PROBE, workerNfs);
        return Differ.plan(ResourceTypes.standard().kinds(), c, graph, Map.of(SERVER,
                new ProbeOutcome.Observed(server), WORKER, new ProbeOutcome.Observed(worker)), State.empty(),
                TestContexts.HASHER, PlanRequest.normal(), "0.0.0-test");
    }

    private static Map<String, String> actions(Plan p) {
        Map<String, String> out = new java.util.TreeMap<>();
        p.changes().forEach(c -> out.put(c.address().toString(), c.action().name().toLowerCase()
                + (c.changes().isEmpty() || c.action() != Action.UPDATE ? "" : " " + c.changes().stream()
                .map(a -> a.name()).toList())));
        return out;
    }

    static Stream<Arguments> plans() {
        return Stream.of(
                Arguments.of("nothing yet: the volume and nfs-common on both k3s nodes", List.of(), "not-installed",
                        "not-installed", Map.of("pv.media", "create", "nfs_client.pi-server-1", "create",
                                "nfs_client.pi-worker-1", "create")),
                Arguments.of("as applied: nothing to do", List.of(StorageFixtures.pv("media", nfsSpec(
                                List.of("nfsvers=4.1", "hard")), Map.of("phase", "Available"))), "ii", "ii",
                        Map.of("pv.media", "no_op", "nfs_client.pi-server-1", "no_op", "nfs_client.pi-worker-1",
                                "no_op")),
                Arguments.of("mount options changed by hand: updated in place", List.of(StorageFixtures.pv("media",
                                nfsSpec(List.of("nfsvers=3")), Map.of("phase", "Available"))), "ii", "ii",
                        Map.of("pv.media", "update [mount_options]", "nfs_client.pi-server-1", "no_op",
                                "nfs_client.pi-worker-1", "no_op")),
                Arguments.of("nfs-common removed from a worker (rc): installed again", List.of(StorageFixtures.pv(
                                "media", nfsSpec(List.of("nfsvers=4.1", "hard")), Map.of("phase", "Available"))), "ii",
                        "rc", Map.of("pv.media", "no_op", "nfs_client.pi-server-1", "no_op",
                                "nfs_client.pi-worker-1", "create")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("plans")
    void plan_showsTheVolumeAndThePackagePerNode(String name, List<Map<String, Object>> objects, String serverNfs,
                                                 String workerNfs, Map<String, String> expected) {
        Map<String, String> got = actions(plan(objects, serverNfs, workerNfs));
        Map<String, String> mine = new java.util.TreeMap<>();
        got.forEach((k, v) -> {
            if (k.startsWith("pv.") || k.startsWith("nfs_client.")) {
                mine.put(k, v);
            }
        });
        assertEquals(new java.util.TreeMap<>(expected), mine);
    }

    @Test
    void derive_oneClientPerK3sNode_onlyWithAnNfsVolume() {
        Config local = StorageFixtures.config(tmp.resolve("local"), SC + StorageFixtures.PV);
        assertEquals(List.of(), local.ofType(NfsClientType.NAME));
        Config nfs = StorageFixtures.config(tmp.resolve("nfs"), SC + NFS);
        assertEquals(List.of(SERVER, WORKER), nfs.ofType(NfsClientType.NAME).stream().map(ResourceInstance::node)
                .toList());
    }

    // ------------------------------------------------------------------ the package

    static Stream<Arguments> statuses() {
        return Stream.of(Arguments.of("ii  1:2.6.2-4+deb12u1\n", "ii"), Arguments.of("rc  1:2.6.2-4\n", "rc"),
                Arguments.of("un  \n", "not-installed"), Arguments.of("", "not-installed"));
    }

    @ParameterizedTest(name = "[{index}] -> {1}")
    @MethodSource("statuses")
    void dpkgStatus_isParsed(String text, String expected) {
        assertEquals(expected, NfsClientType.status(text));
    }

    @Test
    void install_neverPrompts_andWaitsForTheDpkgLock() throws Exception {
        String script = Apt.installScript("nfs-common");
        assertTrue(script.startsWith("export DEBIAN_FRONTEND=noninteractive\n"), script);
        assertTrue(script.contains("apt-get -y -oDPkg::Lock::Timeout=300 install nfs-common || "
                + "{ apt-get -y -oDPkg::Lock::Timeout=300 update && apt-get -y -oDPkg::Lock::Timeout=300 install "
                + "nfs-common; }"), script);
        assertThrows(IllegalArgumentException.class, () -> Apt.installScript("nfs-common; rm -rf /"));

        FakeTransport transport = new FakeTransport();
        FakeSession worker = transport.node(WORKER);
        worker.when("install nfs-common").exit(100, "", "E: Could not get lock /var/lib/dpkg/lock-frontend\n");
        ApplyContext ctx = TestContexts.apply(transport, StorageFixtures.config(tmp, SC + NFS), new ApplyHook() { });
        ResourceChange ch = new ResourceChange(ResourceAddress.of(NfsClientType.NAME, WORKER), WORKER, Action.CREATE,
                dev.pictl.plan.ActionReason.NOT_PRESENT, null, Map.of("package", "nfs-common"), java.util.Set.of(),
                List.of(), false, false, null, "", List.of());
        ApplyException e = assertThrows(ApplyException.class, () -> new NfsClientType().executor().apply(ch, ctx));
        assertEquals(List.of(script), worker.scripts());
        assertTrue(worker.ran().get(0).asRoot());
        assertTrue(e.getMessage().startsWith("pi-worker-1: install nfs-common: command exited 100: E: Could not get "
                + "lock"), e.getMessage());
    }
}
