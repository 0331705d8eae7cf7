package dev.pictl.apply.e2e;

import static dev.pictl.apply.e2e.E2e.assertContains;
import static dev.pictl.apply.e2e.E2e.assertNotContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pictl.cli.CliRunner;
import dev.pictl.sim.ExecResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code manifest} (issue 13, point 2) through the real CLI on one running seed fleet: three objects server-side
 * applied under pictl's field manager and read back on the board; a second plan changes nothing; one removed from
 * the file is pruned while an object of the same kind pictl did not create stays; a field pictl owns, changed by
 * hand under another field manager, is drift and goes back; an existing object pictl did not create is refused.
 * The same fleet's server gets a cluster-wide Pod Security default (point 3): the admission file and its argument.
 */
class ManifestE2eTest {
    static final int PORT = 24681;

    static final String BLOCKS = """

            namespace "demo" {}

            manifest "app" {
              source     = "app.yaml"
              depends_on = [namespace.demo]
            }
            """;

    static final String SETTINGS = """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: settings
              namespace: demo
              labels:
                app.kubernetes.io/name: web
            data:
              color: blue
              size: "3"
            """;

    static final String EXTRA = """
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: extra
              namespace: demo
            data:
              note: goes away
            """;

    static final String WEB = """
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              namespace: demo
            spec:
              replicas: 1
              selector:
                matchLabels: {app: web}
              template:
                metadata:
                  labels: {app: web}
                spec:
                  containers:
                  - name: web
                    image: nginx:1.27
            """;

    @TempDir
    Path tmp;

    @Test
    void manifest_appliesPrunesOnlyItsOwnAndSeesDrift() throws Exception {
        String hcl = E2e.edit(E2e.seed(), "  disable = [\"traefik\"]\n", "  disable = [\"traefik\"]\n"
                + "  pod_security_default = \"baseline\"\n") + BLOCKS;
        try (E2e f = E2e.start(tmp, hcl, E2e.provisionedSeedBoards("127.0.98.", PORT, E2e.VERSION))) {
            f.withToken(E2e.TOKEN);
            Files.writeString(tmp.resolve("app.yaml"), SETTINGS + EXTRA + WEB);

            CliRunner.Result plan = f.plan();
            assertEquals(0, plan.exitCode(), plan.all());
            assertContains(plan.out(), "manifest.app will be created");
            assertContains(plan.out(), "\"data.color\"");
            // The cluster-wide Pod Security default: a config change of the running server, its restart announced.
            assertContains(plan.out(), "admission-control-config-file=/var/lib/rancher/k3s/server/pictl-psa-baseline.yaml");
            assertContains(plan.out(), "k3s_server.control will be updated in-place");
            assertContains(plan.out(), "k3s restarts to take the new settings");
            CliRunner.Result first = f.apply();
            assertEquals(0, first.exitCode(), first.all());
            String psa = f.sudo("pi-server-1", "cat \"$PICTL_ROOT/var/lib/rancher/k3s/server/pictl-psa-baseline.yaml\"");
            assertContains(psa, "\"enforce\" : \"baseline\"");
            assertContains(psa, "\"kube-system\"");

            // Read back on the board: the fields, pictl's marks, and pictl as the Apply manager.
            JsonNode settings = f.kubectlJson("get configmap settings -n demo --show-managed-fields");
            assertEquals("blue", settings.path("data").path("color").asText(), settings.toString());
            JsonNode md = settings.path("metadata");
            assertEquals("pictl", md.path("labels").path("app.kubernetes.io/managed-by").asText());
            assertEquals("app", md.path("annotations").path("pictl.dev/manifest").asText());
            assertEquals("pictl", md.path("managedFields").get(0).path("manager").asText(), md.toString());
            assertEquals("Apply", md.path("managedFields").get(0).path("operation").asText());
            assertEquals("nginx:1.27", f.kubectlJson("get deployment.apps web -n demo").path("spec").path("template")
                    .path("spec").path("containers").get(0).path("image").asText());
            assertEquals("goes away", f.kubectlJson("get configmap extra -n demo").path("data").path("note").asText());
            assertEquals(Set.of(), f.pendingChanges(), "a second plan changes nothing");

            // An object of the same kind that pictl did not create: no business of pictl's.
            f.sudo("pi-server-1", "k3s kubectl apply -f - <<'EOF'\n{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
                    + "\"metadata\":{\"name\":\"handmade\",\"namespace\":\"demo\"},\"data\":{\"mine\":\"yes\"}}\nEOF");
            assertEquals(Set.of(), f.pendingChanges(), "an object pictl did not create is not its business");

            // One object removed from the file: pruned; the hand-made one stays.
            Files.writeString(tmp.resolve("app.yaml"), SETTINGS + WEB);
            CliRunner.Result prunePlan = f.plan();
            assertEquals(0, prunePlan.exitCode(), prunePlan.all());
            assertContains(prunePlan.out(), "~ ConfigMap demo/extra = {");
            assertContains(prunePlan.out(), "- \"data.note\"");
            assertContains(prunePlan.out(), "= \"goes away\" -> null");
            assertNotContains(prunePlan.out(), "handmade");
            CliRunner.Result prune = f.apply();
            assertEquals(0, prune.exitCode(), prune.all());
            ExecResult gone = f.sudoAny("pi-server-1", "k3s kubectl get configmap extra -n demo -o json");
            assertEquals(1, gone.exitCode(), gone.stdout());
            assertContains(gone.stderr(), "Error from server (NotFound): configmaps \"extra\" not found");
            assertEquals("yes", f.kubectlJson("get configmap handmade -n demo").path("data").path("mine").asText(),
                    "left alone");
            assertEquals(Set.of(), f.pendingChanges());

            // A field pictl owns changed by hand, under another field manager: drift, and apply takes it back.
            f.sudo("pi-server-1", "k3s kubectl apply --server-side --field-manager=admin --force-conflicts -f - <<'EOF'\n"
                    + "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"settings\",\"namespace\":"
                    + "\"demo\"},\"data\":{\"color\":\"red\"}}\nEOF");
            CliRunner.Result drift = f.withSim("drift");
            assertEquals(2, drift.exitCode(), drift.all());
            assertContains(drift.out(), "manifest.app");
            assertContains(drift.out(), "ConfigMap demo/settings");
            CliRunner.Result driftPlan = f.plan();
            assertContains(driftPlan.out(), "Objects have changed outside of pictl");
            assertContains(driftPlan.out(), "= \"blue\" -> \"red\"\n");
            assertContains(driftPlan.out(), "~ \"data.color\"");
            assertContains(driftPlan.out(), "= \"red\" -> \"blue\"\n");
            assertEquals(Set.of("manifest.app"), f.pendingChanges());
            CliRunner.Result fix = f.apply();
            assertEquals(0, fix.exitCode(), fix.all());
            assertEquals("blue", f.kubectlJson("get configmap settings -n demo").path("data").path("color").asText());
            assertEquals(Set.of(), f.pendingChanges());

            // Declaring an object that exists and that pictl did not create: refused, never adopted.
            Files.writeString(tmp.resolve("app.yaml"), SETTINGS + WEB + """
                    ---
                    apiVersion: v1
                    kind: ConfigMap
                    metadata: {name: handmade, namespace: demo}
                    data: {mine: "pictl's now"}
                    """);
            CliRunner.Result adopt = f.plan();
            assertEquals(1, adopt.exitCode(), adopt.all());
            assertContains(adopt.err(), "ConfigMap demo/handmade exists and pictl did not create it");
            assertEquals("yes", f.kubectlJson("get configmap handmade -n demo").path("data").path("mine").asText());
            assertFalse(adopt.all().contains("Exception"), adopt.all());
            assertTrue(f.stateAddresses().contains("manifest.app"));
        }
    }
}
