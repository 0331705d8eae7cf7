package dev.pictl.types.helm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pictl.probe.NodeProbe;
import dev.pictl.probe.ProbeFragment;
import dev.pictl.probe.ProbeOutput;
import dev.pictl.probe.ProbeRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The server's HelmCharts and jobs in {@code kube-system}, in one kubectl call of the server's probe, printed only
 * when the description or the state has a helm_chart (the registry asks the API server's node for {@value #ASK}).
 * Its own call, not part of the cluster snapshot: a k3s started with {@code --disable-helm-controller} has no
 * HelmChart type, and kubectl would then fail the whole snapshot.
 */
public final class HelmChartProbe {
    public static final String ASK = "helm-charts";
    static final int TIMEOUT_SECONDS = 20;

    private static final String TEXT = """
            sec helm
            { he=$(timeout %d k3s kubectl get helmcharts.helm.cattle.io,jobs -n kube-system -o json 2>&1 >&3); hx=$?; } 3>&1
            sec helm-status;        printf '%%s\\n%%s' "$hx" "$he"
            """.formatted(TIMEOUT_SECONDS);

    /**
     * The HelmCharts (by name) and the jobs (as JSON items, for {@link HelmJobs}); {@code error} when kubectl failed.
     */
    record Snapshot(Map<String, JsonNode> charts, List<JsonNode> jobs, String error) {
        boolean ok() {
            return error == null;
        }
    }

    static final ProbeFragment<Snapshot> CHARTS = NodeProbe.fragment("helm-charts", List.of("helm", "helm-status"),
            request -> request.asked(ASK) ? TEXT : "", HelmChartProbe::parse);

    private static final ObjectMapper JSON = new ObjectMapper();

    private HelmChartProbe() {
    }

    static Snapshot parse(ProbeRequest request, ProbeOutput out) {
        if (!request.asked(ASK)) {
            return null;
        }
        return parse(out.get("helm"), out.get("helm-status"));
    }

    static Snapshot parse(String json, String status) {
        if (status == null) {
            return failed("the probe printed no kubectl result");
        }
        int nl = status.indexOf('\n');
        String code = (nl < 0 ? status : status.substring(0, nl)).strip();
        String stderr = nl < 0 ? "" : status.substring(nl + 1).strip();
        if (!code.equals("0")) {
            return failed(code.equals("124") ? "kubectl did not answer within " + TIMEOUT_SECONDS + "s"
                    : stderr.isEmpty() ? "kubectl exited " + code : firstLine(stderr));
        }
        JsonNode root;
        try {
            root = JSON.readTree(json == null ? "" : json);
        } catch (JsonProcessingException e) {
            return failed("kubectl printed output pictl could not read as JSON: " + e.getOriginalMessage());
        }
        if (root == null || root.isMissingNode()) {
            return failed("kubectl printed nothing");
        }
        Map<String, JsonNode> charts = new TreeMap<>();
        List<JsonNode> jobs = new ArrayList<>();
        List<JsonNode> items = new ArrayList<>();
        if (root.path("items").isArray()) {
            root.path("items").forEach(items::add);
        } else {
            items.add(root);
        }
        for (JsonNode i : items) {
            switch (i.path("kind").asText()) {
                case "HelmChart" -> charts.put(i.path("metadata").path("name").asText(), i);
                case "Job" -> jobs.add(i);
                default -> { }
            }
        }
        return new Snapshot(charts, jobs, null);
    }

    private static Snapshot failed(String why) {
        return new Snapshot(Map.of(), List.of(), why);
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
