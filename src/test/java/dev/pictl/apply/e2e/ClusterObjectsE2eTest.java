package dev.pictl.apply.e2e;

import static dev.pictl.apply.e2e.E2e.assertContains;
import static dev.pictl.apply.e2e.E2e.assertNotContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pictl.cli.CliRunner;
import dev.pictl.sim.ExecResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Namespaces and NFS volumes (issue 13) through the real CLI on one running seed fleet: a restricted namespace with
 * its Pod Security labels and pictl's default-deny policy, read back with the board's kubectl; an NFS PV on the
 * board and nfs-common on every k3s node; a label edited by hand is drift, one pictl does not manage is not; and
 * {@code apply --destroy} deletes the cluster objects before it uninstalls k3s.
 */
class ClusterObjectsE2eTest {
    static final int PORT = 24641;

    static final String OBJECTS = """

            namespace "apps" {
              labels = {
                "example.com/team" = "home"
              }
              pod_security         = "restricted"
              default_deny_ingress = true
            }

            pv "nas-media" {
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

    @Test
    void namespaceAndNfsVolume_applyDriftAndDestroy() throws Exception {
        try (E2e f = E2e.start(tmp, E2e.seed() + OBJECTS, E2e.provisionedSeedBoards("127.0.93.", PORT, E2e.VERSION))) {
            f.withToken(E2e.TOKEN);
            CliRunner.Result plan = f.plan();
            assertEquals(0, plan.exitCode(), plan.all());
            for (String n : E2e.SEED_NODES) {
                assertContains(plan.out(), "nfs_client." + n + " will be created");
            }
            CliRunner.Result first = f.apply();
            assertEquals(0, first.exitCode(), first.all());

            // The namespace, read back on the board: the declared label and the three Pod Security labels.
            JsonNode ns = f.kubectlJson("get namespace apps");
            JsonNode labels = ns.path("metadata").path("labels");
            assertEquals("home", labels.path("example.com/team").asText(), ns.toString());
            for (String mode : List.of("enforce", "audit", "warn")) {
                assertEquals("restricted", labels.path("pod-security.kubernetes.io/" + mode).asText(), ns.toString());
            }
            JsonNode np = f.kubectlJson("get networkpolicy default-deny-ingress -n apps");
            assertEquals("pictl", np.path("metadata").path("labels").path("app.kubernetes.io/managed-by").asText());
            assertTrue(np.path("spec").path("podSelector").isObject() && np.path("spec").path("podSelector").isEmpty(),
                    np.toString());
            assertEquals("[\"Ingress\"]", np.path("spec").path("policyTypes").toString());
            assertTrue(np.path("spec").path("ingress").isMissingNode(), np.toString());

            // The NFS volume: its source and options on the board, no node affinity; nfs-common on every k3s node.
            JsonNode pv = f.pv("nas-media");
            assertEquals("192.168.1.50", pv.path("spec").path("nfs").path("server").asText(), pv.toString());
            assertEquals("/export/media", pv.path("spec").path("nfs").path("path").asText());
            assertEquals("[\"nfsvers=4.1\",\"hard\"]", pv.path("spec").path("mountOptions").toString());
            assertTrue(pv.path("spec").path("nodeAffinity").isMissingNode(), pv.toString());
            assertTrue(pv.path("spec").path("local").isMissingNode(), pv.toString());
            for (String n : E2e.SEED_NODES) {
                assertEquals("install ok installed", f.packageStatus(n, "nfs-common"), n + ": nfs-common");
            }
            assertEquals(Set.of(), f.pendingChanges(), "a second plan changes nothing");

            // A label pictl does not manage is no business of its; a declared one edited by hand is drift.
            f.sudo("pi-server-1", "k3s kubectl label namespace apps example.com/owner=someone-else");
            assertEquals(Set.of(), f.pendingChanges(), "an unmanaged label is not drift");
            f.sudo("pi-server-1", "k3s kubectl label namespace apps --overwrite "
                    + "pod-security.kubernetes.io/enforce=privileged example.com/team=other");
            CliRunner.Result drift = f.plan();
            assertEquals(0, drift.exitCode(), drift.all());
            assertContains(drift.out(), "namespace.apps");
            assertContains(drift.out(), "\"enforce=privileged, audit=restricted, warn=restricted\" -> \"restricted\"");
            assertContains(drift.out(), "~ \"example.com/team\" = \"other\" -> \"home\"\n");
            assertEquals(Set.of("namespace.apps"), f.pendingChanges());
            CliRunner.Result fix = f.apply();
            assertEquals(0, fix.exitCode(), fix.all());
            labels = f.kubectlJson("get namespace apps").path("metadata").path("labels");
            assertEquals("restricted", labels.path("pod-security.kubernetes.io/enforce").asText());
            assertEquals("home", labels.path("example.com/team").asText());
            assertEquals("someone-else", labels.path("example.com/owner").asText(), "left alone");

            // pictl's policy opened by hand (someone's own kubectl apply adds a rule): drift, and put back whole.
            f.sudo("pi-server-1", "k3s kubectl apply -f - <<'EOF'\n{\"apiVersion\":\"networking.k8s.io/v1\","
                    + "\"kind\":\"NetworkPolicy\",\"metadata\":{\"name\":\"default-deny-ingress\",\"namespace\":"
                    + "\"apps\",\"labels\":{\"app.kubernetes.io/managed-by\":\"pictl\"}},\"spec\":{\"podSelector\":{},"
                    + "\"policyTypes\":[\"Ingress\"],\"ingress\":[{}]}}\nEOF");
            assertEquals(1, f.kubectlJson("get networkpolicy default-deny-ingress -n apps").path("spec").path("ingress")
                    .size(), "opened");
            CliRunner.Result opened = f.plan();
            assertContains(opened.out(), "default_deny_ingress = false -> true");
            CliRunner.Result closed = f.apply();
            assertEquals(0, closed.exitCode(), closed.all());
            assertTrue(f.kubectlJson("get networkpolicy default-deny-ingress -n apps").path("spec").path("ingress")
                    .isMissingNode(), "the rule added by hand is gone");
            assertEquals(Set.of(), f.pendingChanges());

            // Destroy: deleting a namespace needs --allow-data-loss; the cluster objects go before k3s does.
            CliRunner.Result refused = f.apply("--destroy");
            assertEquals(1, refused.exitCode(), refused.all());
            assertContains(refused.err(), "namespace.apps will be deleted but deleting a namespace deletes every "
                    + "object in it");
            assertEquals(0, f.kubectlJson("get namespace apps").path("metadata").path("name").asText().isEmpty()
                    ? 1 : 0, "nothing was deleted");
            CliRunner.Result destroy = f.apply("--destroy", "--allow-data-loss");
            assertEquals(0, destroy.exitCode(), destroy.all());
            List<String> order = new ArrayList<>();
            for (String line : destroy.out().split("\n")) {
                for (String a : List.of("namespace.apps", "pv.nas-media", "pv.local-pv-1", "storage_class.local-storage",
                        "k3s_agent.workers[\"pi-worker-1\"]", "k3s_server.control")) {
                    if (line.startsWith(a + ": Destruction complete") && !order.contains(a)) {
                        order.add(a);
                    }
                }
            }
            assertEquals(6, order.size(), destroy.out());
            int server = order.indexOf("k3s_server.control");
            int agent = order.indexOf("k3s_agent.workers[\"pi-worker-1\"]");
            for (String a : List.of("namespace.apps", "pv.nas-media", "pv.local-pv-1", "storage_class.local-storage")) {
                assertTrue(order.indexOf(a) < server && order.indexOf(a) < agent, a + " before k3s: " + order);
            }
            assertTrue(order.indexOf("pv.nas-media") < order.indexOf("storage_class.local-storage"), order.toString());
            ExecResult k3s = f.node("pi-server-1").exec("command -v k3s");
            assertFalse(k3s.exitCode() == 0, "k3s uninstalled from the server");
            assertNotContains(destroy.all(), "Error");
            for (String n : E2e.SEED_NODES) {
                assertEquals("install ok installed", f.packageStatus(n, "nfs-common"), n + ": nfs-common stays");
            }
        }
    }
}
