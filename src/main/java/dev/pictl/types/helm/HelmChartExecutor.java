package dev.pictl.types.helm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.pictl.apply.ApplyContext;
import dev.pictl.apply.ApplyException;
import dev.pictl.apply.Executor;
import dev.pictl.apply.Kubectl;
import dev.pictl.apply.Recorded;
import dev.pictl.nodetext.Durations;
import dev.pictl.nodetext.Shell;
import dev.pictl.nodetext.Tails;
import dev.pictl.nodetext.TypedYaml;
import dev.pictl.plan.ResourceChange;
import dev.pictl.transport.ExecResult;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * {@code helm_chart}: a HelmChart in {@code kube-system}, through the server's {@code k3s kubectl} (as root); k3s's
 * helm controller does the rest with its jobs. The manifest is JSON written by Jackson and its {@code valuesContent}
 * YAML by {@link TypedYaml} (never spliced); every other word goes through {@code Shell.quote}.
 *
 * <pre>
 *   apply    kubectl get helmchart NAME -n kube-system -o json      one pictl did not create: refused
 *            kubectl get jobs,pods -n kube-system -l helmcharts.helm.cattle.io/chart=NAME -o json   (the job's uid)
 *            kubectl apply -f -          the HelmChart (when its spec differs)
 *            kubectl delete job helm-install-NAME -n kube-system     (spec unchanged, the job failed: run it again)
 *            poll jobs,pods until helm-install-NAME, a NEW one when the spec changed or the job was deleted, has
 *            succeeded; a failed attempt fails the change with kubectl logs POD --tail=20 [--previous]
 *   delete   kubectl delete helmchart NAME -n kube-system --wait=false, then poll until the HelmChart is gone (the
 *            controller removes its finalizer once helm-delete-NAME has uninstalled the release); a failed
 *            attempt of helm-delete-NAME fails the delete with its log
 * </pre>
 *
 * The wait ends at the chart's {@code timeout} (Helm's, default 5m) plus {@value #START_SECONDS} s for the job's pod
 * to be scheduled and its image pulled.
 */
public final class HelmChartExecutor implements Executor {
    static final int START_SECONDS = 120;
    static final Duration HELM_DEFAULT_TIMEOUT = Duration.ofMinutes(5);
    static final int LOG_LINES = 20;

    @Override
    public String type() {
        return HelmChartType.NAME;
    }

    /** The HelmChart object pictl keeps for {@code name}. */
    static String manifest(String name, HelmChartValues v) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", name);
        metadata.put("namespace", HelmJobs.NAMESPACE);
        metadata.put("labels", Map.of(HelmChartKind.MANAGED_BY, HelmChartKind.PICTL));
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("chart", v.chart());
        if (v.repo() != null) {
            spec.put("repo", v.repo());
        }
        if (v.version() != null) {
            spec.put("version", v.version());
        }
        spec.put("targetNamespace", v.targetNamespace());
        spec.put("createNamespace", v.createNamespace());
        if (v.timeout() != null) {
            spec.put("timeout", v.timeout());
        }
        String yaml = TypedYaml.write(v.tree());
        if (!yaml.isEmpty()) {
            spec.put("valuesContent", yaml);
        }
        Map<String, Object> hc = new LinkedHashMap<>();
        hc.put("apiVersion", "helm.cattle.io/v1");
        hc.put("kind", "HelmChart");
        hc.put("metadata", metadata);
        hc.put("spec", spec);
        try {
            return HelmChartKind.json().writeValueAsString(hc);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String getChartArgs(String name) {
        return "get helmchart.helm.cattle.io " + Shell.quote(name) + " -n " + HelmJobs.NAMESPACE
                + " --ignore-not-found -o json";
    }

    static String jobsArgs(String name) {
        return "get jobs,pods -n " + HelmJobs.NAMESPACE + " -l " + Shell.quote(HelmJobs.CHART_LABEL + "=" + name)
                + " -o json";
    }

    static String deleteJobArgs(String job) {
        return "delete job " + Shell.quote(job) + " -n " + HelmJobs.NAMESPACE + " --ignore-not-found";
    }

    static String deleteChartArgs(String name) {
        return "delete helmchart.helm.cattle.io " + Shell.quote(name) + " -n " + HelmJobs.NAMESPACE
                + " --ignore-not-found --wait=false";
    }

    static String logsArgs(String pod, boolean previous) {
        return "logs " + Shell.quote(pod) + " -n " + HelmJobs.NAMESPACE + " --tail=" + LOG_LINES
                + (previous ? " --previous" : "");
    }

    @Override
    public Recorded apply(ResourceChange change, ApplyContext ctx) throws ApplyException {
        Map<String, Object> afterAttrs = Objects.requireNonNull(change.after(), "apply needs the desired attributes");
        String name = change.address().name();
        HelmChartValues after = HelmChartValues.of(afterAttrs);
        HelmChartValues before = change.before() == null ? null : HelmChartValues.of(change.before());
        String step = "apply HelmChart " + name;
        JsonNode live = liveChart(ctx, step, name);
        if (live != null && !HelmChartKind.PICTL.equals(live.path("metadata").path("labels")
                .path(HelmChartKind.MANAGED_BY).asText(null))) {
            throw new ApplyException(Kubectl.serverNode(ctx, step), step, "refused: a HelmChart " + name
                    + " that pictl did not create is in " + HelmJobs.NAMESPACE, "pictl changes only HelmCharts labelled "
                    + HelmChartKind.MANAGED_BY + "=" + HelmChartKind.PICTL + ": give the helm_chart another name, or "
                    + "delete that HelmChart (which uninstalls its release) first");
        }
        HelmJobs.Job old = jobs(ctx, step, name).install();
        boolean specChanges = live == null || before == null || !after.sameSpec(before);
        String waitFor;
        if (specChanges) {
            ctx.step(change.address(), "kubectl apply HelmChart " + name + " (" + after.chart()
                    + (after.version() == null ? "" : " " + after.version()) + ")");
            ExecResult r = Kubectl.apply(ctx, step, manifest(name, after));
            boolean unchanged = r.stdout().contains(" unchanged");
            waitFor = unchanged ? null : old.uid();
        } else if (old.status() == HelmJobs.Status.FAILED || old.status() == HelmJobs.Status.MISSING) {
            ctx.step(change.address(), "run " + old.name() + " again");
            Kubectl.check(ctx, "delete job " + old.name(), deleteJobArgs(old.name()));
            waitFor = old.uid();
        } else {
            waitFor = null; // running: wait for it
        }
        ctx.step(change.address(), "wait for " + HelmJobs.installJob(name) + " in " + HelmJobs.NAMESPACE);
        awaitInstall(ctx, step, name, waitFor, deadline(after.timeout()));
        return recorded(change);
    }

    /** What the state records: the change's after, without the values it removed (null). */
    static Recorded recorded(ResourceChange change) {
        Map<String, Object> after = new LinkedHashMap<>(change.after());
        after.values().removeIf(Objects::isNull);
        return Executor.described(new ResourceChange(change.address(), change.node(), change.action(),
                change.reason(), change.before(), after, change.sensitive(), change.changes(), change.reboot(),
                change.drain(), change.dataLoss(), change.fingerprint(), change.dependencies()));
    }

    @Override
    public Recorded adopted(ResourceChange change) {
        return recorded(change);
    }

    static Duration deadline(String timeout) {
        Duration helm = timeout == null ? HELM_DEFAULT_TIMEOUT : Durations.parse(timeout);
        return helm.plusSeconds(START_SECONDS);
    }

    /**
     * Waits until {@code helm-install-NAME} has succeeded; {@code notUid}: the uid of a job that does not count
     * (the one before the change), else any.
     */
    private void awaitInstall(ApplyContext ctx, String step, String name, String notUid, Duration limit)
            throws ApplyException {
        long end = System.nanoTime() + limit.toNanos();
        long pause = 100;
        HelmJobs.Job job = null;
        while (true) {
            HelmJobs.Job now = jobs(ctx, step, name).install();
            boolean current = now.status() != HelmJobs.Status.MISSING && (notUid == null || !notUid.equals(now.uid()));
            if (current) {
                job = now;
                if (now.status() == HelmJobs.Status.SUCCEEDED) {
                    return;
                }
                if (now.status() == HelmJobs.Status.FAILED) {
                    throw failed(ctx, step, now.name(), now, "failed: " + now.why());
                }
            }
            if (System.nanoTime() > end || ctx.cancelled()) {
                String what = job == null ? "no new " + HelmJobs.installJob(name) + " job appeared within " + text(limit)
                        + " (is k3s's helm controller running?)" : "has not succeeded within " + text(limit);
                if (ctx.cancelled()) {
                    what = "wait interrupted";
                }
                throw failed(ctx, step, HelmJobs.installJob(name), job, what);
            }
            pause = sleep(pause);
        }
    }

    private static long sleep(long pause) throws ApplyException {
        try {
            Thread.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApplyException(null, "wait", "interrupted", null);
        }
        return Math.min(pause * 2, 2000);
    }

    private static String text(Duration d) {
        long s = d.toSeconds();
        return s % 60 == 0 ? s / 60 + "m" : s + "s";
    }

    /** The failure of a job, with the last lines of its pod's log. */
    private static ApplyException failed(ApplyContext ctx, String step, String jobName, HelmJobs.Job job,
                                         String what) throws ApplyException {
        String node = Kubectl.serverNode(ctx, step);
        String log = "";
        if (job != null && job.pod() != null) {
            ExecResult r = Kubectl.run(ctx, "logs " + jobName, logsArgs(job.pod(), job.previous()));
            log = Tails.last(r.exitCode() == 0 ? r.stdout() : r.stderr() + r.stdout(), LOG_LINES);
        }
        String message = jobName + " " + what + (log.isBlank() ? "" : "; the last lines of its log:\n" + log.stripTrailing());
        return new ApplyException(node, step, message, "see the whole log with `k3s kubectl logs "
                + (job != null && job.pod() != null ? job.pod() : "job/" + jobName) + " -n " + HelmJobs.NAMESPACE
                + (job != null && job.previous() ? " --previous" : "") + "` on " + node
                + "; Kubernetes keeps retrying the job, and the next plan shows whether it succeeded");
    }

    private static JsonNode liveChart(ApplyContext ctx, String step, String name) throws ApplyException {
        ExecResult r = Kubectl.check(ctx, step, getChartArgs(name));
        if (r.stdout().isBlank()) {
            return null;
        }
        try {
            return HelmChartKind.json().readTree(r.stdout());
        } catch (IOException e) {
            throw new ApplyException(Kubectl.serverNode(ctx, step), step, "kubectl printed a HelmChart pictl could "
                    + "not read: " + e.getMessage(), null);
        }
    }

    private static HelmJobs jobs(ApplyContext ctx, String step, String name) throws ApplyException {
        ExecResult r = Kubectl.check(ctx, step, jobsArgs(name));
        HelmJobs j = HelmJobs.parse(name, r.stdout());
        if (j == null) {
            throw new ApplyException(Kubectl.serverNode(ctx, step), step, "kubectl printed jobs pictl could not "
                    + "read as JSON", null);
        }
        return j;
    }

    @Override
    public void delete(ResourceChange change, ApplyContext ctx) throws ApplyException {
        String name = change.address().name();
        String step = "delete HelmChart " + name;
        HelmChartValues before = HelmChartValues.of(change.before());
        JsonNode live = liveChart(ctx, step, name);
        if (live == null) {
            return;
        }
        ctx.step(change.address(), "kubectl delete HelmChart " + name + " (helm-delete-" + name + " uninstalls it)");
        Kubectl.check(ctx, step, deleteChartArgs(name));
        Duration limit = deadline(before.timeout());
        long end = System.nanoTime() + limit.toNanos();
        long pause = 100;
        while (true) {
            if (liveChart(ctx, step, name) == null) {
                return;
            }
            HelmJobs.Job job = jobs(ctx, step, name).delete();
            if (job.status() == HelmJobs.Status.FAILED) {
                throw failed(ctx, step, job.name(), job, "failed: " + job.why());
            }
            if (System.nanoTime() > end || ctx.cancelled()) {
                throw failed(ctx, step, job.name(), job.status() == HelmJobs.Status.MISSING ? null : job,
                        ctx.cancelled() ? "wait interrupted" : "has not uninstalled the chart within " + text(limit));
            }
            pause = sleep(pause);
        }
    }
}
