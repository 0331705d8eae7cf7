package dev.pictl.types.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pictl.apply.Recorded;
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
 * {@link StorageClassExecutor} against a simulated k3s server: each class as the server's own kubectl shows it
 * afterwards ({@code kubectl get sc NAME -o json}: fields, annotation, uid across replacements, gone after delete).
 */
class StorageClassExecutorTest {
    static final int PORT = 24623;
    static final String TOKEN = "sc-test-t0ken-0b8e";

    @TempDir
    static Path shared;
    static SimApply fleet;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        fleet = SimApply.start(shared, List.of(
                NodeSpec.of("pi-server-1", "127.0.63.10", PORT).withAdvertisedAddress("192.168.1.10")
                        .withProvision(Provision.prepared().withK3sServer("v1.31.4+k3s1", TOKEN)
                                .withK3sConfig(Map.of("node-ip", "192.168.1.10", "disable", List.of("traefik"))))));
    }

    @AfterAll
    static void stop() {
        if (fleet != null) {
            fleet.close();
        }
    }

    static String description(String storageClass) {
        return """
                variable "k3s_token" {
                  sensitive = true
                  default   = null
                }

                node "pi-server-1" { address = "192.168.1.10" }

                kernel_params "cgroups" {
                  nodes = [node.pi-server-1]
                  add   = ["cgroup_memory=1", "cgroup_enable=memory"]
                }

                k3s_server "control" {
                  node    = node.pi-server-1
                  version = "v1.31.4+k3s1"
                  token   = var.k3s_token
                  disable = ["traefik"]
                  config  = { "node-ip" = node.pi-server-1.address }
                }
                """ + storageClass;
    }

    static String sc(String name, String provisioner, boolean expansion, boolean isDefault) {
        return """

                storage_class "%s" {
                  provisioner            = "%s"
                  volume_binding_mode    = "WaitForFirstConsumer"
                  allow_volume_expansion = %s
                  default                = %s
                  parameters             = { "tier" = "sd" }
                }
                """.formatted(name, provisioner, expansion, isDefault);
    }

    SimApply work() throws Exception {
        return fleet.workIn(tmp).vars(Map.of("k3s_token", TOKEN));
    }

    JsonNode get(String name) {
        return fleet.kubectlJson("pi-server-1", "get storageclass " + name);
    }

    @Test
    void create_appliesEveryField_andAPlanAfterwardsIsANoOp() throws Exception {
        try (SimApply f = work()) {
            ResourceChange c = f.planned(description(sc("sc-create", "kubernetes.io/no-provisioner", true, true)),
                    "storage_class.sc-create");
            assertEquals(Action.CREATE, c.action());
            Recorded r = new StorageClassExecutor().apply(c, f.context(SimApply.options(Duration.ofSeconds(10))));

            JsonNode sc = get("sc-create");
            assertEquals("kubernetes.io/no-provisioner", sc.path("provisioner").asText());
            assertEquals("WaitForFirstConsumer", sc.path("volumeBindingMode").asText());
            assertEquals("Delete", sc.path("reclaimPolicy").asText());
            assertTrue(sc.path("allowVolumeExpansion").asBoolean());
            assertEquals("sd", sc.path("parameters").path("tier").asText());
            assertEquals("true", sc.path("metadata").path("annotations")
                    .path("storageclass.kubernetes.io/is-default-class").asText());
            assertEquals(c.after(), r.attributes());

            assertEquals(Action.NO_OP, f.planned(description(sc("sc-create", "kubernetes.io/no-provisioner", true,
                    true)), "storage_class.sc-create").action());
        }
    }

    @Test
    void mutableFields_changeInPlace_keepingTheObject() throws Exception {
        try (SimApply f = work()) {
            ResourceChange c = f.planned(description(sc("sc-update", "kubernetes.io/no-provisioner", false, true)),
                    "storage_class.sc-update");
            new StorageClassExecutor().apply(c, f.context(SimApply.options(Duration.ofSeconds(10))));
            String uid = get("sc-update").path("metadata").path("uid").asText();

            ResourceChange u = f.planned(description(sc("sc-update", "kubernetes.io/no-provisioner", true, false)),
                    "storage_class.sc-update");
            assertEquals(Action.UPDATE, u.action());
            new StorageClassExecutor().apply(u, f.context(SimApply.options(Duration.ofSeconds(10))));

            JsonNode sc = get("sc-update");
            assertEquals(uid, sc.path("metadata").path("uid").asText());
            assertTrue(sc.path("allowVolumeExpansion").asBoolean());
            assertFalse("true".equals(sc.path("metadata").path("annotations")
                    .path("storageclass.kubernetes.io/is-default-class").asText()), sc.toString());
        }
    }

    @Test
    void provisionerChange_replacesTheClass() throws Exception {
        try (SimApply f = work()) {
            ResourceChange c = f.planned(description(sc("sc-replace", "kubernetes.io/no-provisioner", true, false)),
                    "storage_class.sc-replace");
            new StorageClassExecutor().apply(c, f.context(SimApply.options(Duration.ofSeconds(10))));
            String uid = get("sc-replace").path("metadata").path("uid").asText();

            ResourceChange r = f.planned(description(sc("sc-replace", "rancher.io/local-path", true, false)),
                    "storage_class.sc-replace");
            assertEquals(Action.REPLACE, r.action());
            new StorageClassExecutor().apply(r, f.context(SimApply.options(Duration.ofSeconds(10))));

            JsonNode sc = get("sc-replace");
            assertEquals("rancher.io/local-path", sc.path("provisioner").asText());
            assertNotEquals(uid, sc.path("metadata").path("uid").asText(), "a new object");
            assertTrue(f.steps.contains("storage_class.sc-replace: delete StorageClass sc-replace (its immutable "
                    + "fields change)"), f.steps.toString());
        }
    }

    @Test
    void removedFromTheDescription_isDeleted() throws Exception {
        try (SimApply f = work()) {
            ResourceChange c = f.planned(description(sc("sc-delete", "kubernetes.io/no-provisioner", true, false)),
                    "storage_class.sc-delete");
            f.record(c, new StorageClassExecutor().apply(c, f.context(SimApply.options(Duration.ofSeconds(10)))));

            ResourceChange d = f.planned(description(""), "storage_class.sc-delete");
            assertEquals(Action.DELETE, d.action());
            new StorageClassExecutor().delete(d, f.context(SimApply.options(Duration.ofSeconds(10))));

            var r = fleet.sudoAny("pi-server-1", "kubectl get storageclass sc-delete");
            assertEquals(1, r.exitCode());
            assertTrue(r.stderr().contains("NotFound"), r.stderr());
            // Idempotent.
            new StorageClassExecutor().delete(d, f.context(SimApply.options(Duration.ofSeconds(10))));
        }
    }
}
