package dev.pictl.types.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.pictl.addr.ResourceAddress;
import dev.pictl.apply.ApplyContext;
import dev.pictl.apply.ApplyException;
import dev.pictl.apply.ApplyHook;
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

/**
 * {@link HelmChartExecutor}'s commands against a {@link FakeSession} (fast tier): the HelmChart goes to kubectl's
 * stdin as JSON whose {@code valuesContent} is the values' YAML (a hostile value stays one string), apply waits for a
 * job with another uid than before, a failed attempt reads as node: step: the job's failure with its log tail, and a
 * value the plan removes is not recorded. {@link dev.pictl.apply.e2e.HelmChartE2eTest} runs them on the simulator.
 */
@Tag("fast")
class HelmChartExecutorScriptTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SERVER = "pi-server-1";
    static final String BASE = """
            node "pi-server-1" { address = "192.168.1.10" }

            k3s_server "control" {
              node    = node.pi-server-1
              version = "v1.31.4+k3s1"
            }
            """;

    @TempDir
    Path tmp;

    private final FakeTransport transport = new FakeTransport();
    private final FakeSession server = transport.node(SERVER);

    private ApplyContext context() {
        return TestContexts.apply(transport, TestContexts.config(tmp, BASE), new ApplyHook() {
        });
    }

    static Map<String, Object> after(Object value) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("chart", "app");
        a.put("repo", "https://charts.example.org");
        a.put("target_namespace", "apps");
        a.put("create_namespace", true);
        a.put("values.motd", value);
        a.put("values.gone", null);
        a.put("installed", true);
        return a;
    }

    static ResourceChange change(Map<String, Object> before, Map<String, Object> after) {
        return new ResourceChange(ResourceAddress.of("helm_chart", "app", null), null,
                before == null ? Action.CREATE : Action.UPDATE, before == null ? ActionReason.NOT_PRESENT
                : ActionReason.ATTRIBUTE_CHANGED, before, after, Set.of(), List.of(), false, false, null, "",
                List.of());
    }

    static String jobs(String uid, String condition, int restarts) {
        String pod = uid == null ? "" : ",{\"kind\":\"Pod\",\"metadata\":{\"name\":\"helm-install-app-abcde\","
                + "\"labels\":{\"batch.kubernetes.io/controller-uid\":\"" + uid + "\"}},\"status\":{\"phase\":"
                + "\"Running\",\"containerStatuses\":[{\"restartCount\":" + restarts + ",\"state\":{\"running\":{}}"
                + (restarts > 0 ? ",\"lastState\":{\"terminated\":{\"exitCode\":1,\"reason\":\"Error\"}}" : "")
                + "}]}}";
        String job = uid == null ? "" : "{\"kind\":\"Job\",\"metadata\":{\"name\":\"helm-install-app\",\"uid\":\""
                + uid + "\"},\"status\":{" + (condition == null ? "" : "\"conditions\":[{\"type\":\"" + condition
                + "\",\"status\":\"True\"}]") + "}}";
        return "{\"kind\":\"List\",\"items\":[" + job + pod + "]}";
    }

    @Test
    void create_writesTheHelmChartAsJson_waitsForANewJob_recordsNoRemovedValue() throws Exception {
        server.when("get helmchart\\.helm\\.cattle\\.io 'app'").answer("");
        server.when("get jobs,pods").answer(jobs("old", "Complete", 0)).then().answer(jobs("new", "Complete", 0));
        server.when("apply -f -").answer("helmchart.helm.cattle.io/app created\n");
        var recorded = new HelmChartExecutor().apply(change(null, after("x\nmalicious: true # \"quoted\"")),
                context());

        FakeSession.Ran apply = server.assertRan("k3s kubectl apply -f -");
        assertTrue(apply.asRoot());
        JsonNode hc = JSON.readTree(apply.stdin());
        assertEquals("kube-system", hc.path("metadata").path("namespace").asText());
        assertEquals("pictl", hc.path("metadata").path("labels").path("app.kubernetes.io/managed-by").asText());
        assertEquals("apps", hc.path("spec").path("targetNamespace").asText());
        assertTrue(hc.path("spec").path("createNamespace").asBoolean());
        JsonNode values = new YAMLMapper().readTree(hc.path("spec").path("valuesContent").asText());
        assertEquals("{\"motd\":\"x\\nmalicious: true # \\\"quoted\\\"\"}", values.toString(), "one string");
        assertEquals(2, server.ran("get jobs,pods").size(), "polled until the job's uid changed");
        assertEquals(2, server.ran("get jobs,pods -n kube-system -l 'helmcharts\\.helm\\.cattle\\.io/chart=app' "
                + "-o json").size(), "the chart's jobs, by the controller's label (quoted)");
        assertFalse(recorded.attributes().containsKey("values.gone"), recorded.toString());
    }

    @Test
    void aFailedAttempt_failsWithTheJobsLogTail() {
        server.when("get helmchart\\.helm\\.cattle\\.io 'app'").answer("");
        server.when("get jobs,pods").answer(jobs(null, null, 0)).then().answer(jobs("u1", null, 1));
        server.when("apply -f -").answer("helmchart.helm.cattle.io/app created\n");
        server.when("logs 'helm-install-app-abcde' -n kube-system --tail=20 --previous")
                .answer("+ helm install app app/app\nError: INSTALLATION FAILED: boom\n");
        ApplyException e = assertThrows(ApplyException.class,
                () -> new HelmChartExecutor().apply(change(null, after("hi")), context()));
        assertEquals(SERVER, e.node());
        assertEquals("apply HelmChart app", e.step());
        assertTrue(e.getMessage().contains("helm-install-app failed: exit code 1 (Error), restarted 1 time; the last "
                + "lines of its log:\n+ helm install app app/app\nError: INSTALLATION FAILED: boom"), e.getMessage());
        assertTrue(e.hint().contains("k3s kubectl logs helm-install-app-abcde -n kube-system --previous"), e.hint());
    }

    @Test
    void aHelmChartPictlDidNotCreate_isRefused() {
        server.when("get helmchart\\.helm\\.cattle\\.io 'app'").answer("{\"kind\":\"HelmChart\",\"metadata\":"
                + "{\"name\":\"app\"}}");
        ApplyException e = assertThrows(ApplyException.class,
                () -> new HelmChartExecutor().apply(change(null, after("hi")), context()));
        assertTrue(e.getMessage().contains("refused: a HelmChart app that pictl did not create is in kube-system"),
                e.getMessage());
        server.assertNotRan("apply -f -");
    }
}
