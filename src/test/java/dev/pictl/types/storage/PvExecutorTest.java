package dev.pictl.types.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pictl.apply.ApplyContext;
import dev.pictl.apply.ApplyException;
import dev.pictl.types.k3s.SimApply;
import dev.pictl.plan.Action;
import dev.pictl.plan.ResourceChange;
import dev.pictl.sim.NodeSpec;
import dev.pictl.sim.Provision;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PvExecutor} against a simulated server and worker: the PV as the server's kubectl shows it (path, node
 * affinity, capacity, phase, Terminating), its directory and files on the worker's own disk.
 */
class PvExecutorTest {
    static final int PORT = 24623;
    static final String TOKEN = "pv-test-t0ken-33a1";
    static final Duration START = Duration.ofSeconds(10);

    @TempDir
    static Path shared;
    static SimApply fleet;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        fleet = SimApply.start(shared, List.of(
                NodeSpec.of("pi-server-1", "127.0.63.20", PORT).withAdvertisedAddress("192.168.1.10")
                        .withProvision(Provision.prepared().withK3sServer("v1.31.4+k3s1", TOKEN)
                                .withK3sConfig(Map.of("node-ip", "192.168.1.10", "disable", List.of("traefik")))),
                NodeSpec.of("pi-worker-1", "127.0.63.21", PORT).withAdvertisedAddress("192.168.1.11")
                        .withProvision(Provision.prepared().withK3sAgent("pi-server-1"))));
    }

    @AfterAll
    static void stop() {
        if (fleet != null) {
            fleet.close();
        }
    }

    static String description(String pvs) {
        return """
                variable "k3s_token" {
                  sensitive = true
                  default   = null
                }

                node "pi-server-1" { address = "192.168.1.10" }
                node "pi-worker-1" { address = "192.168.1.11" }

                kernel_params "cgroups" {
                  nodes = [node.pi-server-1, node.pi-worker-1]
                  add   = ["cgroup_memory=1", "cgroup_enable=memory"]
                }

                k3s_server "control" {
                  node    = node.pi-server-1
                  version = "v1.31.4+k3s1"
                  token   = var.k3s_token
                  disable = ["traefik"]
                  config  = { "node-ip" = node.pi-server-1.address }
                }

                k3s_agent "workers" {
                  nodes  = [node.pi-worker-1]
                  server = k3s_server.control
                }

                storage_class "local-storage" {
                  provisioner            = "kubernetes.io/no-provisioner"
                  volume_binding_mode    = "WaitForFirstConsumer"
                  allow_volume_expansion = true
                }
                """ + pvs;
    }

    static String pv(String name, String capacity, String path) {
        return """

                pv "%s" {
                  capacity       = "%s"
                  access_modes   = ["ReadWriteOnce"]
                  reclaim_policy = "Retain"
                  storage_class  = storage_class.local-storage
                  path           = "%s"
                  node           = node.pi-worker-1
                }
                """.formatted(name, capacity, path);
    }

    /** A work directory with the StorageClass in place (applied through its executor). */
    SimApply work(String pvs) throws Exception {
        SimApply f = fleet.workIn(tmp).vars(Map.of("k3s_token", TOKEN));
        f.plan(description(pvs));
        ResourceChange sc = f.change("storage_class.local-storage");
        if (sc.action() != Action.NO_OP) {
            new StorageClassExecutor().apply(sc, f.context(SimApply.options(START)));
        }
        return f;
    }

    JsonNode get(String name) {
        return fleet.kubectlJson("pi-server-1", "get pv " + name);
    }

    boolean exists(String name) {
        return fleet.sudoAny("pi-server-1", "kubectl get pv " + name).exitCode() == 0;
    }

    /** Creates the PV through the executor and records it. */
    static ResourceChange create(SimApply f, String hcl, String name) throws ApplyException {
        ResourceChange c = f.planned(hcl, "pv." + name);
        assertEquals(Action.CREATE, c.action());
        f.record(c, new PvExecutor().apply(c, f.context(SimApply.options(START))));
        return c;
    }

    @Test
    void create_makesTheDirectoryOnItsNode_andAVolumePinnedThere() throws Exception {
        String hcl = description(pv("pv-create", "10Gi", "/mnt/pv-create"));
        try (SimApply f = work(pv("pv-create", "10Gi", "/mnt/pv-create"))) {
            create(f, hcl, "pv-create");

            assertEquals(0, fleet.sudoAny("pi-worker-1", "test -d \"$PICTL_ROOT/mnt/pv-create\"").exitCode());
            assertNotEquals(0, fleet.sudoAny("pi-server-1", "test -d \"$PICTL_ROOT/mnt/pv-create\"").exitCode());
            JsonNode spec = get("pv-create").path("spec");
            assertEquals("/mnt/pv-create", spec.path("local").path("path").asText());
            JsonNode expr = spec.path("nodeAffinity").path("required").path("nodeSelectorTerms").path(0)
                    .path("matchExpressions").path(0);
            assertEquals("kubernetes.io/hostname", expr.path("key").asText());
            assertEquals("In", expr.path("operator").asText());
            assertEquals("[\"pi-worker-1\"]", expr.path("values").toString());
            assertEquals("10Gi", spec.path("capacity").path("storage").asText());
            assertEquals("[\"ReadWriteOnce\"]", spec.path("accessModes").toString());
            assertEquals("Retain", spec.path("persistentVolumeReclaimPolicy").asText());
            assertEquals("local-storage", spec.path("storageClassName").asText());
            assertEquals("Available", get("pv-create").path("status").path("phase").asText());

            assertEquals(Action.NO_OP, f.planned(hcl, "pv.pv-create").action());
        }
    }

    @Test
    void pathChange_replacesTheVolume_andKeepsTheOldDirectory() throws Exception {
        try (SimApply f = work(pv("pv-move", "5Gi", "/mnt/pv-a"))) {
            create(f, description(pv("pv-move", "5Gi", "/mnt/pv-a")), "pv-move");
            String uid = get("pv-move").path("metadata").path("uid").asText();

            ResourceChange r = f.planned(description(pv("pv-move", "5Gi", "/mnt/pv-b")), "pv.pv-move");
            assertEquals(Action.REPLACE, r.action());
            new PvExecutor().apply(r, f.context(SimApply.options(START)));

            JsonNode now = get("pv-move");
            assertEquals("/mnt/pv-b", now.path("spec").path("local").path("path").asText());
            assertNotEquals(uid, now.path("metadata").path("uid").asText());
            assertEquals(0, fleet.sudoAny("pi-worker-1", "test -d \"$PICTL_ROOT/mnt/pv-b\"").exitCode());
            assertEquals(0, fleet.sudoAny("pi-worker-1", "test -d \"$PICTL_ROOT/mnt/pv-a\"").exitCode(),
                    "pictl never deletes a volume's directory");
        }
    }

    @Test
    void replacement_isRefusedWhileTheOldDirectoryHoldsData_unlessDataLossIsAllowed() throws Exception {
        try (SimApply f = work(pv("pv-data", "5Gi", "/mnt/pv-data"))) {
            create(f, description(pv("pv-data", "5Gi", "/mnt/pv-data")), "pv-data");
            fleet.sudo("pi-worker-1", "echo precious > \"$PICTL_ROOT/mnt/pv-data/db.sqlite\"");
            String uid = get("pv-data").path("metadata").path("uid").asText();

            ResourceChange r = f.planned(description(pv("pv-data", "5Gi", "/mnt/pv-data2")), "pv.pv-data");
            assertEquals(Action.REPLACE, r.action());
            ApplyException e = assertThrows(ApplyException.class,
                    () -> new PvExecutor().apply(r, f.context(SimApply.options(START))));
            assertEquals("pi-worker-1: replace PersistentVolume pv-data: refused: its directory /mnt/pv-data on "
                    + "pi-worker-1 holds data", e.getMessage());
            assertTrue(e.hint().contains("--allow-data-loss"), e.hint());
            assertEquals(uid, get("pv-data").path("metadata").path("uid").asText(), "untouched");

            ApplyContext allowed = f.context(SimApply.options(START).withAllowDataLoss(true));
            new PvExecutor().apply(r, allowed);
            assertEquals("/mnt/pv-data2", get("pv-data").path("spec").path("local").path("path").asText());
            assertEquals("precious\n", fleet.sudo("pi-worker-1", "cat \"$PICTL_ROOT/mnt/pv-data/db.sqlite\""),
                    "allowing data loss lifts the refusal; pictl still deletes no file");
        }
    }

    @Test
    void boundVolume_deleteIsRefused_andWithDataLossAllowedWaitsForTheClaimToGo() throws Exception {
        try (SimApply f = work(pv("pv-bound", "1Gi", "/mnt/pv-bound"))) {
            create(f, description(pv("pv-bound", "1Gi", "/mnt/pv-bound")), "pv-bound");
            assertTrue(fleet.sim.bindPv("pv-bound", "default/data"));

            ResourceChange d = f.planned(description(""), "pv.pv-bound");
            assertEquals(Action.DELETE, d.action());
            ApplyException e = assertThrows(ApplyException.class,
                    () -> new PvExecutor().delete(d, f.context(SimApply.options(START))));
            assertEquals("delete PersistentVolume pv-bound: refused: it is Bound to default/data, and deleting it "
                    + "would lose the claim's volume", e.getMessage());
            assertTrue(e.hint().contains("--allow-data-loss"), e.hint());
            JsonNode still = get("pv-bound");
            assertEquals("Bound", still.path("status").path("phase").asText());
            assertTrue(still.path("metadata").path("deletionTimestamp").isMissingNode(), "not even marked for deletion");

            // Allowed: the delete is issued, but Kubernetes keeps a Bound PV Terminating; pictl reports it in time.
            ApplyContext allowed = f.context(SimApply.options(START).withAllowDataLoss(true));
            ApplyException stuck = assertThrows(ApplyException.class,
                    () -> new PvExecutor(Duration.ofSeconds(2)).delete(d, allowed));
            assertEquals("delete PersistentVolume pv-bound: persistentvolume pv-bound is still there after 2s "
                    + "(Terminating, Bound to default/data)", stuck.getMessage());
            assertTrue(!get("pv-bound").path("metadata").path("deletionTimestamp").isMissingNode());

            // The claim goes; the next run finds the volume gone; the directory stays on the node.
            assertTrue(fleet.sim.releasePv("pv-bound"));
            new PvExecutor(Duration.ofSeconds(5)).delete(d, allowed);
            assertTrue(!exists("pv-bound"));
            assertEquals(0, fleet.sudoAny("pi-worker-1", "test -d \"$PICTL_ROOT/mnt/pv-bound\"").exitCode());
        }
    }

    @Test
    void unboundEmptyVolume_isDeleted() throws Exception {
        try (SimApply f = work(pv("pv-gone", "1Gi", "/mnt/pv-gone"))) {
            create(f, description(pv("pv-gone", "1Gi", "/mnt/pv-gone")), "pv-gone");
            ResourceChange d = f.planned(description(""), "pv.pv-gone");
            assertEquals(Action.DELETE, d.action());
            new PvExecutor().delete(d, f.context(SimApply.options(START)));
            assertTrue(!exists("pv-gone"));
        }
    }
}
