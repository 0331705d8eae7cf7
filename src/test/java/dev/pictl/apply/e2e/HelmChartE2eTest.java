package dev.pictl.apply.e2e;

import static dev.pictl.apply.e2e.E2e.assertContains;
import static dev.pictl.apply.e2e.E2e.assertNotContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.pictl.cli.CliRunner;
import dev.pictl.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Helm charts through k3s's HelmChart (issue 13), on one simulated fleet from bare boards: the seed cluster plus
 * {@code examples/monitoring} as shipped. The HelmChart on the board carries exactly the declared values (read back
 * with the board's kubectl, parsed by another YAML reader than pictl's), its install job succeeded, a second plan
 * changes nothing; one value changed plans as that one value and runs a new install job; a HelmChart edited by hand
 * is drift; a chart that fails to install gives the job's log and skips its dependents; destroy uninstalls the charts
 * before the namespace, the volume and k3s.
 */
class HelmChartE2eTest {
    static final int PORT = 24661;
    static final String CHART = "helm_chart.kube-prometheus-stack";
    static final String PASSWORD = "gr4fana-Adm1n-pw";

    /** The values of examples/monitoring, as the HelmChart must carry them (JSON, for an independent reader). */
    static final String EXPECTED = """
            {"alertmanager":{"alertmanagerSpec":{"resources":{"limits":{"memory":"64Mi"},"requests":{"memory":"32Mi"}}}},
             "grafana":{"adminPassword":"%s","persistence":{"enabled":true,"size":"2Gi","storageClassName":"local-storage",
               "volumeName":"grafana"},"resources":{"limits":{"memory":"256Mi"},"requests":{"memory":"128Mi"}}},
             "kube-state-metrics":{"resources":{"limits":{"memory":"96Mi"},"requests":{"memory":"32Mi"}}},
             "kubeControllerManager":{"endpoints":["192.168.1.10"]},
             "kubeEtcd":{"enabled":false},
             "kubeProxy":{"endpoints":["192.168.1.10","192.168.1.11","192.168.1.12","192.168.1.13"]},
             "kubeScheduler":{"endpoints":["192.168.1.10"]},
             "prometheus":{"prometheusSpec":{"resources":{"limits":{"memory":"1Gi"},"requests":{"cpu":"200m",
               "memory":"400Mi"}},"retention":"7d","retentionSize":"3GB","scrapeInterval":"60s"}},
             "prometheus-node-exporter":{"resources":{"limits":{"memory":"48Mi"},"requests":{"memory":"16Mi"}}},
             "prometheusOperator":{"resources":{"limits":{"memory":"128Mi"},"requests":{"cpu":"50m","memory":"64Mi"}}}}
            """.formatted(PASSWORD);

    /** A second chart that needs the first: skipped when the first fails. */
    static final String DASHBOARDS = """

            helm_chart "dashboards" {
              chart            = "grafana-dashboards"
              repo             = "https://example.org/charts"
              version          = "1.0.0"
              target_namespace = "monitoring"
              depends_on       = [helm_chart.kube-prometheus-stack]
            }
            """;

    @TempDir
    Path tmp;

    @Test
    void monitoringExample_valuesOnTheBoard_oneValueChanged_driftFaultAndDestroyOrder() throws Exception {
        String monitoring = Files.readString(Path.of("examples/monitoring/cluster.hcl"));
        try (E2e f = E2e.start(tmp, monitoring, E2e.bareSeedBoards("127.0.96.", PORT))) {
            f.withToken(E2e.TOKEN);
            f.env.put("PICTL_VAR_grafana_admin_password", PASSWORD);

            CliRunner.Result first = f.apply();
            assertEquals(0, first.exitCode(), first.all());
            assertContains(first.out(), "+ values.grafana.adminPassword");
            assertContains(first.out(), "(sensitive value)");
            assertTrue(first.out().matches("(?s).*\n      \\+ values\\.prometheus\\.prometheusSpec\\.retention +"
                    + "= \"7d\"\n.*"), first.out());
            assertNotContains(first.all(), PASSWORD);
            assertNotContains(Files.readString(f.state()), PASSWORD);

            // The HelmChart on the board: exactly the declared values, read back with the board's kubectl.
            JsonNode hc = f.kubectlJson("get helmchart kube-prometheus-stack -n kube-system");
            assertEquals("pictl", hc.path("metadata").path("labels").path("app.kubernetes.io/managed-by").asText());
            JsonNode spec = hc.path("spec");
            assertEquals("kube-prometheus-stack", spec.path("chart").asText());
            assertEquals("https://prometheus-community.github.io/helm-charts", spec.path("repo").asText());
            assertEquals("65.1.1", spec.path("version").asText());
            assertEquals("monitoring", spec.path("targetNamespace").asText());
            assertEquals("10m", spec.path("timeout").asText());
            JsonNode values = new YAMLMapper().readTree(spec.path("valuesContent").asText());
            assertEquals(E2e.JSON.readTree(EXPECTED), values, spec.path("valuesContent").asText());
            assertTrue(values.path("grafana").path("persistence").path("enabled").isBoolean(), "a bool stays a bool");

            // Its install job succeeded; a second plan changes nothing.
            JsonNode job = f.kubectlJson("get job helm-install-kube-prometheus-stack -n kube-system");
            assertEquals("True", condition(job, "Complete"), job.toString());
            String firstJob = job.path("metadata").path("uid").asText();
            assertEquals(Set.of(), f.pendingChanges(), "a second plan changes nothing");

            // One value changed: the plan shows that value alone, and apply runs a new install job.
            f.write(E2e.edit(monitoring, "retention      = \"7d\"", "retention      = \"10d\""));
            CliRunner.Result plan = f.plan();
            assertEquals(0, plan.exitCode(), plan.all());
            assertEquals(Set.of(CHART), f.pendingChanges());
            String block = block(plan.out(), CHART);
            assertEquals(List.of("      ~ values.prometheus.prometheusSpec.retention = \"7d\" -> \"10d\""),
                    changedLines(block), block);
            CliRunner.Result changed = f.apply();
            assertEquals(0, changed.exitCode(), changed.all());
            job = f.kubectlJson("get job helm-install-kube-prometheus-stack -n kube-system");
            assertNotEquals(firstJob, job.path("metadata").path("uid").asText(), "a new install job ran");
            assertEquals("True", condition(job, "Complete"), job.toString());
            assertEquals("10d", new YAMLMapper().readTree(f.kubectlJson("get hc kube-prometheus-stack -n kube-system")
                    .path("spec").path("valuesContent").asText()).path("prometheus").path("prometheusSpec")
                    .path("retention").asText());
            assertEquals(Set.of(), f.pendingChanges());

            // Edited by hand on the board: drift, put back by apply.
            f.sudo("pi-server-1", "k3s kubectl patch helmchart kube-prometheus-stack -n kube-system --type merge "
                    + "-p '{\"spec\":{\"version\":\"64.0.0\"}}'");
            CliRunner.Result drift = f.plan();
            // The helm controller starts an install job for the patched chart at once: while it runs, the plan also
            // shows "installed = false -> true" (aligned with version), so the version line is matched by pattern.
            assertTrue(drift.out().matches("(?s).*~ version +=  ?\"64\\.0\\.0\" -> \"65\\.1\\.1\".*")
                    || drift.out().contains("~ version = \"64.0.0\" -> \"65.1.1\""), drift.out());
            CliRunner.Result fixed = f.apply();
            assertEquals(0, fixed.exitCode(), fixed.all());
            assertEquals("65.1.1", f.kubectlJson("get hc kube-prometheus-stack -n kube-system").path("spec")
                    .path("version").asText());

            // A chart that cannot be installed: the job's log tail, its dependent skipped.
            f.node("pi-server-1").failChart("kube-prometheus-stack", null);
            f.write(E2e.edit(monitoring, "retention      = \"7d\"", "retention      = \"14d\"") + DASHBOARDS);
            CliRunner.Result failed = f.apply();
            assertEquals(1, failed.exitCode(), failed.all());
            assertContains(failed.err(), "pi-server-1: apply HelmChart kube-prometheus-stack: "
                    + "helm-install-kube-prometheus-stack failed: exit code 1 (Error)");
            assertContains(failed.err(), "Error: UPGRADE FAILED: chart \"kube-prometheus-stack\" version \"65.1.1\" "
                    + "not found in https://prometheus-community.github.io/helm-charts repository");
            assertContains(failed.err(), "+ helm upgrade --namespace monitoring --version 65.1.1 --timeout 10m");
            assertContains(failed.err(), "  helm_chart.dashboards (" + CHART + " failed)\n");
            assertEquals("", f.sudo("pi-server-1", "k3s kubectl get hc dashboards -n kube-system --ignore-not-found"));
            CliRunner.Result pending = f.plan();
            assertContains(block(pending.out(), CHART), "~ installed = false -> true");

            // The fault cleared: Kubernetes' retry succeeds, and the next apply only adds the dependent.
            f.node("pi-server-1").failChart(null, null);
            Await.until("the install job's retry to succeed", Duration.ofSeconds(20), () -> "True".equals(
                    condition(f.kubectlJson("get job helm-install-kube-prometheus-stack -n kube-system"), "Complete")));
            assertEquals(Set.of("helm_chart.dashboards"), f.pendingChanges());
            CliRunner.Result healed = f.apply();
            assertEquals(0, healed.exitCode(), healed.all());

            // A value dropped from the description is removed from the chart (planned as that value going).
            String without = E2e.edit(E2e.edit(monitoring, "retention      = \"7d\"", "retention      = \"14d\""),
                    "    kubeEtcd = { enabled = false }\n", "") + DASHBOARDS;
            f.write(without);
            CliRunner.Result dropped = f.plan();
            assertEquals(List.of("      ~ values.kubeEtcd.enabled = false -> null"),
                    changedLines(block(dropped.out(), CHART)), dropped.out());
            CliRunner.Result removed = f.apply();
            assertEquals(0, removed.exitCode(), removed.all());
            assertTrue(new YAMLMapper().readTree(f.kubectlJson("get hc kube-prometheus-stack -n kube-system")
                    .path("spec").path("valuesContent").asText()).path("kubeEtcd").isMissingNode());
            assertEquals(Set.of(), f.pendingChanges());

            // Destroy: the charts go (helm-delete jobs) before the namespace, the volume and every k3s.
            CliRunner.Result destroy = f.apply("--destroy", "--allow-data-loss");
            assertEquals(0, destroy.exitCode(), destroy.all());
            assertContains(destroy.out(), "helm-delete-kube-prometheus-stack uninstalls it");
            List<String> order = new ArrayList<>();
            List<String> watched = List.of("helm_chart.dashboards", CHART, "namespace.monitoring", "pv.grafana",
                    "storage_class.local-storage", "k3s_agent.workers[\"pi-worker-1\"]",
                    "k3s_agent.workers[\"pi-worker-2\"]", "k3s_agent.workers[\"pi-worker-3\"]", "k3s_server.control");
            for (String line : destroy.out().split("\n")) {
                for (String a : watched) {
                    if (line.startsWith(a + ": Destruction complete") && !order.contains(a)) {
                        order.add(a);
                    }
                }
            }
            assertEquals(watched.size(), order.size(), destroy.out());
            assertTrue(order.indexOf("helm_chart.dashboards") < order.indexOf(CHART), order.toString());
            for (String later : watched.subList(2, watched.size())) {
                assertTrue(order.indexOf(CHART) < order.indexOf(later), CHART + " before " + later + ": " + order);
            }
            assertTrue(order.indexOf("pv.grafana") < order.indexOf("storage_class.local-storage"), order.toString());
            assertFalse(f.node("pi-server-1").exec("command -v k3s").exitCode() == 0, "k3s uninstalled");
        }
    }

    private static String condition(JsonNode job, String type) {
        for (JsonNode c : job.path("status").path("conditions")) {
            if (type.equals(c.path("type").asText())) {
                return c.path("status").asText();
            }
        }
        return "none";
    }

    /** The plan's block of one resource, from its "# ADDRESS" line to its closing brace. */
    static String block(String plan, String address) {
        Matcher m = Pattern.compile("(?s)\n  # " + Pattern.quote(address) + " .*?\n    }\n").matcher(plan);
        assertTrue(m.find(), "no block for " + address + " in\n" + plan);
        return m.group();
    }

    /** The lines of a block that change something ({@code ~ + -}). */
    static List<String> changedLines(String block) {
        List<String> out = new ArrayList<>();
        for (String l : block.split("\n")) {
            if (l.matches("\\s+[~+-] .*") && !l.matches("\\s+[~+-] helm_chart .*")) {
                out.add(l);
            }
        }
        return out;
    }
}
