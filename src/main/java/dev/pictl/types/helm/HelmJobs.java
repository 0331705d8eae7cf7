package dev.pictl.types.helm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/**
 * What a HelmChart's jobs say, read from {@code kubectl get jobs,pods -n kube-system -l
 * helmcharts.helm.cattle.io/chart=NAME -o json} (the helm controller labels the job and its pods with the chart's
 * name): the state of the {@code helm-install-NAME} or {@code helm-delete-NAME} job and the pod to read a log from.
 *
 * <pre>
 *   job condition Complete=True                                 SUCCEEDED
 *   job condition Failed=True (backoffLimit reached)            FAILED
 *   a pod of the job: phase Failed, or its container ended
 *     with a non-zero exit (now, or before a restart)           FAILED   (the job retries; pictl reports the first)
 *   otherwise                                                   RUNNING  (or no such job yet: MISSING)
 * </pre>
 *
 * The helm controller runs the job with {@code restartPolicy: OnFailure}, so a failed attempt restarts the
 * container in the same pod: its log is then the {@code --previous} one.
 */
record HelmJobs(Job install, Job delete) {
    /** Namespace of pictl's HelmCharts and so of their jobs (facts §7.3: jobs run in the HelmChart's namespace). */
    static final String NAMESPACE = "kube-system";
    /** The label the helm controller puts on a chart's jobs and their pods. */
    static final String CHART_LABEL = "helmcharts.helm.cattle.io/chart";

    enum Status { MISSING, RUNNING, SUCCEEDED, FAILED }

    /**
     * One job: its uid, status, why it failed (the condition's message or the container's end), and the pod and
     * whether its log of the failed attempt is the previous container's.
     */
    record Job(String name, String uid, Status status, String why, String pod, boolean previous) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    static String installJob(String chart) {
        return "helm-install-" + chart;
    }

    static String deleteJob(String chart) {
        return "helm-delete-" + chart;
    }

    /** The jobs of {@code chart} in kubectl's List (null: the text is not JSON). */
    static HelmJobs parse(String chart, String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json == null ? "" : json);
        } catch (JsonProcessingException e) {
            return null;
        }
        if (root == null || root.isMissingNode()) {
            return null;
        }
        List<JsonNode> items = new ArrayList<>();
        if (root.path("items").isArray()) {
            root.path("items").forEach(items::add);
        } else if (root.isObject()) {
            items.add(root);
        }
        return new HelmJobs(job(installJob(chart), items), job(deleteJob(chart), items));
    }

    static Job job(String name, List<JsonNode> items) {
        JsonNode job = null;
        for (JsonNode i : items) {
            if ("Job".equals(i.path("kind").asText()) && name.equals(i.path("metadata").path("name").asText())) {
                job = i;
            }
        }
        if (job == null) {
            return new Job(name, null, Status.MISSING, null, null, false);
        }
        String uid = job.path("metadata").path("uid").asText(null);
        String pod = null;
        for (JsonNode i : items) {
            if ("Pod".equals(i.path("kind").asText()) && ownedBy(i, uid)) {
                pod = i.path("metadata").path("name").asText(null);
                String failed = failedAttempt(i);
                if (failed != null) {
                    boolean previous = !i.path("status").path("containerStatuses").path(0).path("state")
                            .has("terminated");
                    return new Job(name, uid, Status.FAILED, failed, pod, previous);
                }
            }
        }
        for (JsonNode c : job.path("status").path("conditions")) {
            if ("True".equals(c.path("status").asText())) {
                if ("Complete".equals(c.path("type").asText())) {
                    return new Job(name, uid, Status.SUCCEEDED, null, pod, false);
                }
                if ("Failed".equals(c.path("type").asText())) {
                    return new Job(name, uid, Status.FAILED, c.path("reason").asText("") + ": "
                            + c.path("message").asText(""), pod, false);
                }
            }
        }
        return new Job(name, uid, Status.RUNNING, null, pod, false);
    }

    private static boolean ownedBy(JsonNode pod, String uid) {
        if (uid == null) {
            return false;
        }
        JsonNode labels = pod.path("metadata").path("labels");
        if (uid.equals(labels.path("batch.kubernetes.io/controller-uid").asText(null))
                || uid.equals(labels.path("controller-uid").asText(null))) {
            return true;
        }
        for (JsonNode o : pod.path("metadata").path("ownerReferences")) {
            if (uid.equals(o.path("uid").asText(null))) {
                return true;
            }
        }
        return false;
    }

    /** How a pod's attempt failed ("exit code 1 (Error)"), or null when none did. */
    static String failedAttempt(JsonNode pod) {
        JsonNode st = pod.path("status");
        for (JsonNode c : st.path("containerStatuses")) {
            JsonNode now = c.path("state").path("terminated");
            if (now.isObject() && now.path("exitCode").asInt(0) != 0) {
                return "exit code " + now.path("exitCode").asInt() + " (" + now.path("reason").asText("Error") + ")";
            }
            JsonNode last = c.path("lastState").path("terminated");
            if (c.path("restartCount").asInt(0) > 0 && last.isObject() && last.path("exitCode").asInt(0) != 0) {
                return "exit code " + last.path("exitCode").asInt() + " (" + last.path("reason").asText("Error")
                        + "), restarted " + c.path("restartCount").asInt() + " time"
                        + (c.path("restartCount").asInt() == 1 ? "" : "s");
            }
        }
        if ("Failed".equals(st.path("phase").asText())) {
            return "pod failed" + (st.path("reason").asText("").isEmpty() ? "" : " (" + st.path("reason").asText() + ")");
        }
        return null;
    }
}
