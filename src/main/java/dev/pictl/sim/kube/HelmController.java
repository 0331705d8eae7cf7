package dev.pictl.sim.kube;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * k3s's helm controller in the simulated API server: HelmChart objects ({@code helm.cattle.io/v1}, short name
 * {@code hc}) and the {@code helm-install-NAME} / {@code helm-delete-NAME} Jobs it runs, with their Pods and logs.
 *
 * <p>As the real controller ({@code k3s-io/helm-controller} pkg/controllers/chart): a HelmChart whose spec changes gets
 * a new {@code helm-install-NAME} Job (the old one replaced, a new uid) in the HelmChart's namespace, labelled
 * {@code helmcharts.helm.cattle.io/chart=NAME} like its Pod; the Pod runs with {@code restartPolicy: OnFailure}, so a
 * failed attempt restarts its container (the log of the failed attempt is then {@code --previous}) until
 * {@code backOffLimit} (default 1000) is passed and the Job gets {@code Failed/BackoffLimitExceeded}. A HelmChart
 * carries the finalizer {@code wrangler.cattle.io/on-helm-chart-remove}: deleting it sets its deletionTimestamp and
 * runs {@code helm-delete-NAME}; once that succeeds the HelmChart and its Jobs are gone.
 *
 * <p>What differs (docs/simulator.md): nothing is installed (the log says what Helm would have done); an attempt
 * takes {@value #RUN_MILLIS} ms and the back-off between attempts is {@value #BACKOFF_MILLIS} ms (Kubernetes: 10 s
 * doubling to 6 min); an install fails only on the {@code chart-fail} fault (or a target namespace that is missing
 * without {@code createNamespace}); jobs advance when they are read, not on their own.
 *
 * <p>Thread-safe: every method synchronises on the {@link KubeApi}.
 */
public final class HelmController {
    static final long RUN_MILLIS = 300;
    static final long BACKOFF_MILLIS = 1000;
    static final String FINALIZER = "wrangler.cattle.io/on-helm-chart-remove";
    static final String CHART_LABEL = "helmcharts.helm.cattle.io/chart";
    static final String JOB_IMAGE = "rancher/klipper-helm:v0.9.4-build20250113";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final DateTimeFormatter DEPLOYED = DateTimeFormatter.ofPattern("EEE MMM d HH:mm:ss yyyy", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    /** What the simulator says about a chart's install: null to succeed, else Helm's error text. */
    public interface Faults {
        String chartFault(String chart);
    }

    private final KubeApi api;
    private final Path file;
    private final Faults faults;
    private final LongSupplier clock;
    /** HelmCharts by {@code namespace/name}. */
    private final Map<String, Map<String, Object>> charts = new TreeMap<>();
    /** Jobs by {@code namespace/name}. */
    private final Map<String, JobRun> jobs = new TreeMap<>();
    /** The Helm release revision of each {@code namespace/name} (0: none installed). */
    private final Map<String, Integer> revisions = new TreeMap<>();

    HelmController(KubeApi api, Path file, Faults faults) {
        this(api, file, faults, System::currentTimeMillis);
    }

    HelmController(KubeApi api, Path file, Faults faults, LongSupplier clock) {
        this.api = api;
        this.file = file;
        this.faults = faults;
        this.clock = clock;
        load();
    }

    /** One run of a job: its attempts, each RUN_MILLIS long, back-off between them. */
    static final class JobRun {
        String namespace, name, chart, uid, pod, podUid, created;
        boolean delete;
        int backoffLimit = 1000;
        int restarts;
        /** RUNNING, BACKOFF, SUCCEEDED, FAILED */
        String phase = "RUNNING";
        long nextAt;
        String finishedAt;
        List<String> log = new ArrayList<>();
        List<String> previous;
        Map<String, Object> spec = new LinkedHashMap<>();

        Map<String, Object> save() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("namespace", namespace); m.put("name", name); m.put("chart", chart); m.put("uid", uid);
            m.put("pod", pod); m.put("podUid", podUid); m.put("created", created); m.put("delete", delete);
            m.put("backoffLimit", backoffLimit); m.put("restarts", restarts); m.put("phase", phase);
            m.put("nextAt", nextAt); m.put("finishedAt", finishedAt); m.put("log", log); m.put("previous", previous);
            m.put("spec", spec);
            return m;
        }

        @SuppressWarnings("unchecked")
        static JobRun load(Map<String, Object> m) {
            JobRun j = new JobRun();
            j.namespace = (String) m.get("namespace"); j.name = (String) m.get("name"); j.chart = (String) m.get("chart");
            j.uid = (String) m.get("uid"); j.pod = (String) m.get("pod"); j.podUid = (String) m.get("podUid");
            j.created = (String) m.get("created"); j.delete = Boolean.TRUE.equals(m.get("delete"));
            j.backoffLimit = ((Number) m.getOrDefault("backoffLimit", 1000)).intValue();
            j.restarts = ((Number) m.getOrDefault("restarts", 0)).intValue();
            j.phase = (String) m.getOrDefault("phase", "RUNNING");
            j.nextAt = ((Number) m.getOrDefault("nextAt", 0)).longValue();
            j.finishedAt = (String) m.get("finishedAt");
            j.log = new ArrayList<>((List<String>) m.getOrDefault("log", List.of()));
            j.previous = m.get("previous") == null ? null : new ArrayList<>((List<String>) m.get("previous"));
            j.spec = new LinkedHashMap<>((Map<String, Object>) m.getOrDefault("spec", Map.of()));
            return j;
        }
    }

    // ------------------------------------------------------------------ kubectl

    private static final Set<String> CHART_TYPES = Set.of("helmchart", "helmcharts", "hc", "helmchart.helm.cattle.io",
            "helmcharts.helm.cattle.io");
    private static final Set<String> JOB_TYPES = Set.of("job", "jobs", "job.batch", "jobs.batch");
    private static final Set<String> POD_TYPES = Set.of("pod", "pods", "po");
    private static final Set<String> WITH_VALUE = Set.of("-o", "--output", "-f", "--filename", "-n", "--namespace",
            "-l", "--selector", "--tail", "--timeout", "-p", "--patch", "--type", "-c", "--container", "--field-manager",
            "--wait", "--since");

    /** kubectl's command line, split into positional words and flags. */
    private record Cmd(List<String> pos, Map<String, String> flags) {
        String get(String... names) {
            for (String n : names) if (flags.containsKey(n)) return flags.get(n);
            return null;
        }

        boolean has(String... names) {
            for (String n : names) if (flags.containsKey(n) && !"false".equals(flags.get(n))) return true;
            return false;
        }
    }

    private static Cmd parse(List<String> args) {
        List<String> pos = new ArrayList<>();
        Map<String, String> flags = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.startsWith("--") && a.contains("=")) {
                flags.put(a.substring(0, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
            } else if (a.startsWith("-") && a.length() > 1) {
                if (!a.startsWith("--") && a.length() > 2 && WITH_VALUE.contains(a.substring(0, 2))) {
                    flags.put(a.substring(0, 2), a.substring(2).replaceFirst("^=", ""));
                } else if (WITH_VALUE.contains(a) && !a.equals("--wait") && i + 1 < args.size()) {
                    flags.put(a, args.get(++i));
                } else {
                    flags.put(a, "true");
                }
            } else {
                pos.add(a);
            }
        }
        return new Cmd(pos, flags);
    }

    private static String kindOf(String type) {
        String t = type.toLowerCase(Locale.ROOT);
        if (CHART_TYPES.contains(t)) return "HelmChart";
        if (JOB_TYPES.contains(t)) return "Job";
        if (POD_TYPES.contains(t)) return "Pod";
        return null;
    }

    /**
     * Runs a kubectl command that is the helm controller's business (HelmCharts, Jobs, Pods, logs, and apply of
     * HelmChart manifests); null when it is not, so that {@link Kubectl} runs it.
     */
    static Integer kubectl(KubeApi api, List<String> args, byte[] stdin, Kubectl.Sink sink) {
        Cmd c = parse(args);
        if (c.pos().isEmpty()) return null;
        String verb = c.pos().get(0);
        HelmController h = api.helm();
        switch (verb) {
            case "get", "delete", "patch" -> {
                if (c.pos().size() < 2) return null;
                List<String[]> targets = new ArrayList<>();
                String first = c.pos().get(1);
                if (first.contains("/")) {
                    for (String p : c.pos().subList(1, c.pos().size())) {
                        int i = p.indexOf('/');
                        String k = i < 0 ? null : kindOf(p.substring(0, i));
                        if (k == null) return null;
                        targets.add(new String[] {k, p.substring(i + 1)});
                    }
                } else {
                    for (String t : first.split(",")) {
                        String k = kindOf(t);
                        if (k == null) return null;
                        if (c.pos().size() == 2) targets.add(new String[] {k, null});
                        for (String n : c.pos().subList(2, c.pos().size())) targets.add(new String[] {k, n});
                    }
                }
                synchronized (api) {
                    return switch (verb) {
                        case "get" -> h.get(c, targets, sink);
                        case "delete" -> h.delete(c, targets, sink);
                        default -> h.patch(c, targets, sink);
                    };
                }
            }
            case "logs" -> {
                synchronized (api) {
                    return h.logs(c, sink);
                }
            }
            case "apply", "create", "replace" -> {
                if (!"-".equals(c.get("-f", "--filename")) || stdin == null) return null;
                List<Map<String, Object>> objs = manifests(new String(stdin, StandardCharsets.UTF_8));
                if (objs == null || objs.isEmpty() || !objs.stream().allMatch(o -> "HelmChart".equals(o.get("kind")))) {
                    return null;
                }
                synchronized (api) {
                    int rc = 0;
                    for (Map<String, Object> o : objs) rc |= h.apply(c, verb, o, sink);
                    return rc;
                }
            }
            default -> {
                return null;
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> manifests(String text) {
        List<Map<String, Object>> out = new ArrayList<>();
        try {
            String t = text.strip();
            List<Object> docs = t.startsWith("{") || t.startsWith("[") ? List.of(Json.parse(t)) : Yaml.parseAll(text);
            for (Object d : docs) {
                if (d instanceof Map<?, ?> m) {
                    if (m.get("items") instanceof List<?> l) {
                        for (Object i : l) if (i instanceof Map<?, ?> mm) out.add((Map<String, Object>) mm);
                    } else {
                        out.add((Map<String, Object>) m);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return out;
    }

    private String namespaceOf(Cmd c) {
        String n = c.get("-n", "--namespace");
        return n == null ? "default" : n;
    }

    // ------------------------------------------------------------------ apply

    @SuppressWarnings("unchecked")
    private int apply(Cmd c, String verb, Map<String, Object> manifest, Kubectl.Sink sink) {
        Map<String, Object> md = (Map<String, Object>) manifest.getOrDefault("metadata", Map.of());
        String name = md.get("name") == null ? "" : String.valueOf(md.get("name"));
        if (!"helm.cattle.io/v1".equals(manifest.get("apiVersion"))) {
            sink.err("error: resource mapping not found for name: \"" + name + "\" namespace: \"\" from \"STDIN\": no "
                    + "matches for kind \"HelmChart\" in version \"" + manifest.get("apiVersion") + "\"\nensure CRDs are "
                    + "installed first\n");
            return 1;
        }
        String given = c.get("-n", "--namespace");
        String ns = md.get("namespace") != null ? String.valueOf(md.get("namespace")) : given == null ? "default" : given;
        if (given != null && md.get("namespace") != null && !given.equals(ns)) {
            sink.err("error: the namespace from the provided object \"" + ns + "\" does not match the namespace \""
                    + given + "\". You must pass '--namespace=" + ns + "' to perform this operation.\n");
            return 1;
        }
        if (name.isEmpty()) {
            sink.err("error: error when retrieving current configuration of:\nResource: \"helm.cattle.io/v1, "
                    + "Resource=helmcharts\", GroupVersionKind: \"helm.cattle.io/v1, Kind=HelmChart\"\nName: \"\", "
                    + "Namespace: \"" + ns + "\"\nfrom server for: \"STDIN\": resource name may not be empty\n");
            return 1;
        }
        if (!api.namespaces().containsKey(ns)) {
            sink.err("Error from server (NotFound): error when creating \"STDIN\": namespaces \"" + ns + "\" not found\n");
            return 1;
        }
        String key = ns + "/" + name;
        Map<String, Object> existing = charts.get(key);
        Map<String, Object> spec = manifest.get("spec") instanceof Map<?, ?> s ? new LinkedHashMap<>((Map<String, Object>) s)
                : new LinkedHashMap<>();
        String now = Json.compact(manifest) + "\n";
        if (existing == null) {
            if (verb.equals("replace")) {
                sink.err("Error from server (NotFound): error when replacing \"STDIN\": helmcharts.helm.cattle.io \""
                        + name + "\" not found\n");
                return 1;
            }
            Map<String, Object> stored = new LinkedHashMap<>();
            stored.put("apiVersion", "helm.cattle.io/v1");
            stored.put("kind", "HelmChart");
            Map<String, Object> smd = new LinkedHashMap<>();
            Map<String, Object> ann = new TreeMap<>((Map<String, Object>) md.getOrDefault("annotations", Map.of()));
            ann.put("helmcharts.cattle.io/managed-by", "helm-controller");
            if (verb.equals("apply")) ann.put("kubectl.kubernetes.io/last-applied-configuration", now);
            smd.put("annotations", ann);
            smd.put("finalizers", new ArrayList<>(List.of(FINALIZER)));
            smd.put("generation", 1);
            if (md.get("labels") instanceof Map<?, ?> l && !l.isEmpty()) smd.put("labels", new TreeMap<>((Map<String, Object>) l));
            smd.put("name", name);
            smd.put("namespace", ns);
            stored.put("metadata", smd);
            stored.put("spec", spec);
            api.stamp(stored);
            charts.put(key, stored);
            startJob(ns, name, false);
            save();
            sink.out("helmchart.helm.cattle.io/" + name + " created\n");
            return 0;
        }
        if (verb.equals("create")) {
            sink.err("Error from server (AlreadyExists): error when creating \"STDIN\": helmcharts.helm.cattle.io \""
                    + name + "\" already exists\n");
            return 1;
        }
        Map<String, Object> emd = (Map<String, Object>) existing.get("metadata");
        Map<String, Object> ann = new TreeMap<>((Map<String, Object>) emd.getOrDefault("annotations", Map.of()));
        Map<String, Object> oldSpec = (Map<String, Object>) existing.getOrDefault("spec", Map.of());
        Map<String, Object> newSpec;
        if (verb.equals("apply")) {
            // kubectl's three-way merge, one level deep: what the last applied spec had and this one drops goes,
            // this one's fields are set, fields someone else set are kept.
            Map<String, Object> last = Map.of();
            try {
                Object l = ann.get("kubectl.kubernetes.io/last-applied-configuration") == null ? null
                        : Json.parse(String.valueOf(ann.get("kubectl.kubernetes.io/last-applied-configuration")));
                if (l instanceof Map<?, ?> lm && lm.get("spec") instanceof Map<?, ?> ls) last = (Map<String, Object>) ls;
            } catch (IOException e) {
                last = Map.of();
            }
            newSpec = new LinkedHashMap<>(oldSpec);
            for (String gone : last.keySet()) if (!spec.containsKey(gone)) newSpec.remove(gone);
            newSpec.putAll(spec);
            ann.put("kubectl.kubernetes.io/last-applied-configuration", now);
        } else {
            newSpec = spec;
        }
        boolean changed = !Objects.equals(Json.compact(oldSpec), Json.compact(newSpec));
        Object labels = md.get("labels") instanceof Map<?, ?> l ? new TreeMap<>((Map<String, Object>) l) : emd.get("labels");
        if (!changed && Objects.equals(Json.compact(labels), Json.compact(emd.get("labels")))
                && Objects.equals(Json.compact(ann), Json.compact(emd.get("annotations")))) {
            // kubectl's three-way patch is empty: the live object already is what the manifest asks for
            sink.out("helmchart.helm.cattle.io/" + name + " unchanged\n");
            return 0;
        }
        emd.put("annotations", ann);
        if (labels != null) emd.put("labels", labels);
        existing.put("spec", newSpec);
        if (changed) {
            emd.put("generation", ((Number) emd.getOrDefault("generation", 1)).intValue() + 1);
            startJob(ns, name, false);
        }
        api.stamp(existing);
        save();
        sink.out("helmchart.helm.cattle.io/" + name + (verb.equals("replace") ? " replaced\n" : " configured\n"));
        return 0;
    }

    // ------------------------------------------------------------------ jobs

    @SuppressWarnings("unchecked")
    private void startJob(String ns, String chart, boolean delete) {
        Map<String, Object> hc = charts.get(ns + "/" + chart);
        Map<String, Object> spec = (Map<String, Object>) hc.getOrDefault("spec", Map.of());
        JobRun j = new JobRun();
        j.namespace = ns;
        j.chart = chart;
        j.delete = delete;
        j.name = (delete ? "helm-delete-" : "helm-install-") + chart;
        j.uid = UUID.randomUUID().toString();
        j.pod = j.name + "-" + suffix();
        j.podUid = UUID.randomUUID().toString();
        j.created = Instant.ofEpochMilli(clock.getAsLong()).truncatedTo(ChronoUnit.SECONDS).toString();
        j.nextAt = clock.getAsLong() + RUN_MILLIS;
        j.spec = new LinkedHashMap<>(spec);
        if (spec.get("backOffLimit") instanceof Number n) j.backoffLimit = n.intValue();
        jobs.put(ns + "/" + j.name, j);
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("jobName", j.name);
        hc.put("status", status);
    }

    private static String suffix() {
        String chars = "bcdfghjklmnpqrstvwxz2456789";
        StringBuilder b = new StringBuilder();
        java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
        for (int i = 0; i < 5; i++) b.append(chars.charAt(r.nextInt(chars.length())));
        return b.toString();
    }

    /** Moves every job on to the present: attempts end, back-offs end, finished deletes remove their HelmChart. */
    private void advance() {
        long now = clock.getAsLong();
        boolean changed = false;
        for (JobRun j : new ArrayList<>(jobs.values())) {
            while (now >= j.nextAt && (j.phase.equals("RUNNING") || j.phase.equals("BACKOFF"))) {
                changed = true;
                if (j.phase.equals("BACKOFF")) {
                    j.phase = "RUNNING";
                    j.nextAt += RUN_MILLIS;
                    j.log = new ArrayList<>();
                    continue;
                }
                String failure = attempt(j);
                String at = Instant.ofEpochMilli(j.nextAt).truncatedTo(ChronoUnit.SECONDS).toString();
                if (failure == null) {
                    j.phase = "SUCCEEDED";
                    j.finishedAt = at;
                    if (j.delete) {
                        charts.remove(j.namespace + "/" + j.chart);
                        revisions.remove(j.namespace + "/" + j.chart);
                        jobs.remove(j.namespace + "/helm-install-" + j.chart);
                        jobs.remove(j.namespace + "/" + j.name);
                    }
                } else {
                    j.restarts++;
                    j.previous = j.log;
                    if (j.restarts > j.backoffLimit) {
                        j.phase = "FAILED";
                        j.finishedAt = at;
                    } else {
                        j.phase = "BACKOFF";
                        j.log = new ArrayList<>();
                        j.nextAt += BACKOFF_MILLIS;
                    }
                }
            }
        }
        if (changed) save();
    }

    /** One attempt of a job: its log; null when it succeeded, else why it failed. */
    @SuppressWarnings("unchecked")
    private String attempt(JobRun j) {
        Map<String, Object> s = j.spec;
        String chart = String.valueOf(s.getOrDefault("chart", ""));
        String repo = s.get("repo") == null ? null : String.valueOf(s.get("repo"));
        String version = s.get("version") == null ? null : String.valueOf(s.get("version"));
        String target = s.get("targetNamespace") == null || String.valueOf(s.get("targetNamespace")).isEmpty()
                ? j.namespace : String.valueOf(s.get("targetNamespace"));
        boolean create = Boolean.TRUE.equals(s.get("createNamespace"));
        String key = j.namespace + "/" + j.chart;
        int revision = revisions.getOrDefault(key, 0);
        List<String> log = new ArrayList<>();
        j.log = log;
        String chartRef = repo == null ? chart : j.chart + "/" + chart;
        if (j.delete) {
            log.add("+ helm_update delete --namespace " + target);
            if (revision == 0) {
                log.add("No helm chart installed; nothing to delete");
                return null;
            }
            log.add("+ echo 'Uninstalling helm chart'");
            log.add("+ helm uninstall " + j.chart + " --namespace " + target + " --wait");
            log.add("release \"" + j.chart + "\" uninstalled");
            return null;
        }
        if (repo != null) {
            log.add("+ helm repo add " + j.chart + " " + repo);
            log.add("\"" + j.chart + "\" has been added to your repositories");
            log.add("+ helm repo update");
            log.add("Hang tight while we grab the latest from your chart repositories...");
            log.add("...Successfully got an update from the \"" + j.chart + "\" chart repository");
            log.add("Update Complete. \u2388Happy Helming!\u2388");
        }
        StringBuilder args = new StringBuilder("--namespace " + target);
        if (create) args.append(" --create-namespace");
        if (version != null) args.append(" --version ").append(version);
        if (s.get("timeout") != null) args.append(" --timeout ").append(s.get("timeout"));
        log.add("+ helm_update install " + args);
        boolean upgrade = revision > 0;
        String values = s.get("valuesContent") == null ? "" : " --values /config/values-01_HelmChart.yaml";
        if (upgrade) {
            log.add("Already installed " + j.chart);
            log.add("+ helm mapkubeapis " + j.chart + " --namespace " + target);
            log.add("+ echo 'Upgrading helm chart'");
            log.add("+ helm upgrade " + args + " " + j.chart + " " + chartRef + values);
        } else {
            log.add("+ echo 'Installing helm chart'");
            log.add("+ helm install " + args + " " + j.chart + " " + chartRef + values);
        }
        String fault = faults == null ? null : faults.chartFault(j.chart);
        if (fault == null && !create && !api.namespaces().containsKey(target)) {
            fault = "create: failed to create: namespaces \"" + target + "\" not found";
        }
        if (fault != null) {
            if (fault.isEmpty()) {
                fault = version == null ? "chart \"" + chart + "\" not found in " + (repo == null ? "the chart repository"
                        : repo + " repository") : "chart \"" + chart + "\" version \"" + version + "\" not found in "
                        + (repo == null ? "the chart repository" : repo + " repository");
            }
            log.add("Error: " + (upgrade ? "UPGRADE" : "INSTALLATION") + " FAILED: " + fault);
            return fault;
        }
        if (create && !api.namespaces().containsKey(target)) {
            api.putNamespace(target, api.namespaceObject(target));
        }
        revisions.put(key, revision + 1);
        if (upgrade) log.add("Release \"" + j.chart + "\" has been upgraded. Happy Helming!");
        log.add("NAME: " + j.chart);
        log.add("LAST DEPLOYED: " + DEPLOYED.format(Instant.ofEpochMilli(j.nextAt)));
        log.add("NAMESPACE: " + target);
        log.add("STATUS: deployed");
        log.add("REVISION: " + (revision + 1));
        log.add("TEST SUITE: None");
        return null;
    }

    private Map<String, Object> jobObject(JobRun j) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("apiVersion", "batch/v1");
        o.put("kind", "Job");
        Map<String, Object> md = new LinkedHashMap<>();
        md.put("creationTimestamp", j.created);
        md.put("generation", 1);
        md.put("labels", new TreeMap<>(Map.of(CHART_LABEL, j.chart)));
        md.put("name", j.name);
        md.put("namespace", j.namespace);
        Map<String, Object> hc = charts.get(j.namespace + "/" + j.chart);
        if (hc != null) {
            Map<String, Object> owner = new LinkedHashMap<>();
            owner.put("apiVersion", "helm.cattle.io/v1");
            owner.put("blockOwnerDeletion", true);
            owner.put("controller", true);
            owner.put("kind", "HelmChart");
            owner.put("name", j.chart);
            owner.put("uid", ((Map<?, ?>) hc.get("metadata")).get("uid"));
            md.put("ownerReferences", List.of(owner));
        }
        md.put("uid", j.uid);
        o.put("metadata", md);
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("backoffLimit", j.backoffLimit);
        spec.put("completions", 1);
        spec.put("parallelism", 1);
        spec.put("suspend", false);
        Map<String, Object> tmd = new LinkedHashMap<>();
        tmd.put("labels", podLabels(j));
        Map<String, Object> container = new LinkedHashMap<>();
        container.put("args", j.delete ? List.of("delete") : List.of("install"));
        container.put("image", JOB_IMAGE);
        container.put("name", "helm");
        spec.put("template", Map.of("metadata", tmd, "spec", Map.of("containers", List.of(container),
                "restartPolicy", "OnFailure", "serviceAccountName", "helm-" + j.chart)));
        o.put("spec", spec);
        Map<String, Object> st = new LinkedHashMap<>();
        List<Map<String, Object>> conds = new ArrayList<>();
        switch (j.phase) {
            case "SUCCEEDED" -> {
                conds.add(cond("SuccessCriteriaMet", "CompletionsReached", "Reached expected number of succeeded pods", j.finishedAt));
                conds.add(cond("Complete", "CompletionsReached", "Reached expected number of succeeded pods", j.finishedAt));
                st.put("completionTime", j.finishedAt);
                st.put("succeeded", 1);
            }
            case "FAILED" -> {
                conds.add(cond("FailureTarget", "BackoffLimitExceeded", "Job has reached the specified backoff limit", j.finishedAt));
                conds.add(cond("Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit", j.finishedAt));
                st.put("failed", 1);
            }
            default -> {
                st.put("active", 1);
                st.put("ready", j.phase.equals("RUNNING") ? 1 : 0);
            }
        }
        if (!conds.isEmpty()) st.put("conditions", conds);
        st.put("startTime", j.created);
        st.put("uncountedTerminatedPods", Map.of());
        o.put("status", st);
        return o;
    }

    private static Map<String, Object> cond(String type, String reason, String message, String at) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("lastProbeTime", at);
        c.put("lastTransitionTime", at);
        c.put("message", message);
        c.put("reason", reason);
        c.put("status", "True");
        c.put("type", type);
        return c;
    }

    private static Map<String, Object> podLabels(JobRun j) {
        Map<String, Object> l = new TreeMap<>();
        l.put("batch.kubernetes.io/controller-uid", j.uid);
        l.put("batch.kubernetes.io/job-name", j.name);
        l.put("controller-uid", j.uid);
        l.put(CHART_LABEL, j.chart);
        l.put("job-name", j.name);
        return l;
    }

    private Map<String, Object> podObject(JobRun j) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("apiVersion", "v1");
        o.put("kind", "Pod");
        Map<String, Object> md = new LinkedHashMap<>();
        md.put("creationTimestamp", j.created);
        md.put("labels", podLabels(j));
        md.put("name", j.pod);
        md.put("namespace", j.namespace);
        Map<String, Object> owner = new LinkedHashMap<>();
        owner.put("apiVersion", "batch/v1");
        owner.put("blockOwnerDeletion", true);
        owner.put("controller", true);
        owner.put("kind", "Job");
        owner.put("name", j.name);
        owner.put("uid", j.uid);
        md.put("ownerReferences", List.of(owner));
        md.put("uid", j.podUid);
        o.put("metadata", md);
        o.put("spec", Map.of("containers", List.of(Map.of("image", JOB_IMAGE, "name", "helm")),
                "restartPolicy", "OnFailure", "serviceAccountName", "helm-" + j.chart));
        Map<String, Object> cs = new LinkedHashMap<>();
        cs.put("image", JOB_IMAGE);
        cs.put("name", "helm");
        cs.put("ready", j.phase.equals("RUNNING"));
        cs.put("restartCount", j.restarts);
        Map<String, Object> state = new LinkedHashMap<>();
        String phase;
        switch (j.phase) {
            case "SUCCEEDED" -> {
                state.put("terminated", Map.of("exitCode", 0, "reason", "Completed", "finishedAt", j.finishedAt));
                phase = "Succeeded";
            }
            case "FAILED" -> {
                state.put("terminated", Map.of("exitCode", 1, "reason", "Error", "finishedAt", j.finishedAt));
                phase = "Failed";
            }
            case "BACKOFF" -> {
                state.put("waiting", Map.of("reason", "CrashLoopBackOff", "message", "back-off 10s restarting failed "
                        + "container=helm pod=" + j.pod + "_" + j.namespace + "(" + j.podUid + ")"));
                phase = "Running";
            }
            default -> {
                state.put("running", Map.of("startedAt", j.created));
                phase = "Running";
            }
        }
        cs.put("state", state);
        if (j.restarts > 0) cs.put("lastState", Map.of("terminated", Map.of("exitCode", 1, "reason", "Error")));
        Map<String, Object> st = new LinkedHashMap<>();
        st.put("containerStatuses", List.of(cs));
        st.put("phase", phase);
        o.put("status", st);
        return o;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> chartObject(Map<String, Object> hc) {
        Map<String, Object> o = deepCopy(hc);
        Map<String, Object> md = (Map<String, Object>) o.get("metadata");
        JobRun j = jobs.get(md.get("namespace") + "/" + ((Map<String, Object>) o.getOrDefault("status", Map.of()))
                .getOrDefault("jobName", "helm-install-" + md.get("name")));
        if (j != null) {
            Map<String, Object> st = new LinkedHashMap<>();
            List<Map<String, Object>> conds = new ArrayList<>();
            Map<String, Object> created = new LinkedHashMap<>();
            created.put("message", "Applying HelmChart using Job " + j.namespace + "/" + j.name);
            created.put("reason", "Job created");
            created.put("status", "True");
            created.put("type", "JobCreated");
            conds.add(created);
            Map<String, Object> failed = new LinkedHashMap<>();
            if (j.phase.equals("FAILED")) {
                failed.put("message", "Job has reached configured number of retries without succeeding");
                failed.put("reason", "Job failed");
            }
            failed.put("status", j.phase.equals("FAILED") ? "True" : "False");
            failed.put("type", "Failed");
            conds.add(failed);
            st.put("conditions", conds);
            st.put("jobName", j.name);
            o.put("status", st);
        }
        return o;
    }

    // ------------------------------------------------------------------ get, delete, patch, logs

    private List<Object[]> select(Cmd c, String kind, String name) {
        String ns = namespaceOf(c);
        boolean all = c.has("-A", "--all-namespaces");
        String selector = c.get("-l", "--selector");
        List<Object[]> out = new ArrayList<>(); // {namespace, name, object}
        switch (kind) {
            case "HelmChart" -> charts.forEach((k, hc) -> out.add(new Object[] {k.split("/")[0], k.split("/")[1], chartObject(hc)}));
            case "Job" -> jobs.values().forEach(j -> out.add(new Object[] {j.namespace, j.name, jobObject(j)}));
            default -> jobs.values().stream().filter(j -> !j.phase.equals("GONE"))
                    .forEach(j -> out.add(new Object[] {j.namespace, j.pod, podObject(j)}));
        }
        out.removeIf(r -> !all && !ns.equals(r[0]) || name != null && !name.equals(r[1])
                || selector != null && !matches(selector, (Map<?, ?>) r[2]));
        return out;
    }

    private static boolean matches(String selector, Map<?, ?> obj) {
        Object labels = ((Map<?, ?>) obj.get("metadata")).get("labels");
        for (String term : selector.split(",")) {
            String[] kv = term.split("==?", 2);
            Object v = labels instanceof Map<?, ?> l ? l.get(kv[0].strip()) : null;
            if (kv.length == 2 ? !kv[1].strip().equals(v) : v == null) return false;
        }
        return true;
    }

    private int get(Cmd c, List<String[]> targets, Kubectl.Sink sink) {
        advance();
        String out = c.get("-o", "--output");
        boolean ignore = c.has("--ignore-not-found");
        List<Map<String, Object>> found = new ArrayList<>();
        List<List<Object[]>> byType = new ArrayList<>();
        StringBuilder notFound = new StringBuilder();
        int rc = 0;
        for (String[] t : targets) {
            List<Object[]> these = select(c, t[0], t[1]);
            if (t[1] != null && these.isEmpty() && !ignore) {
                notFound.append("Error from server (NotFound): ").append(plural(t[0])).append(" \"").append(t[1])
                        .append("\" not found\n");
                rc = 1;
            }
            byType.add(these);
            these.forEach(r -> found.add(asMap(r[2])));
        }
        boolean single = targets.size() == 1 && targets.get(0)[1] != null;
        if ("json".equals(out) || "yaml".equals(out)) {
            Object doc;
            if (single) doc = found.isEmpty() ? null : found.get(0);
            else {
                Map<String, Object> list = new LinkedHashMap<>();
                list.put("apiVersion", "v1");
                list.put("items", found);
                list.put("kind", "List");
                list.put("metadata", Map.of("resourceVersion", ""));
                doc = list;
            }
            if (doc != null) sink.out("json".equals(out) ? Json.pretty(doc) : Yaml.dump(doc));
        } else if ("name".equals(out)) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < targets.size(); i++) {
                for (Object[] r : byType.get(i)) b.append(ref(targets.get(i)[0])).append('/').append(r[1]).append('\n');
            }
            sink.out(b.toString());
        } else if (out != null && !out.equals("wide")) {
            sink.err("error: the pictl simulator prints HelmCharts, jobs and pods as a table, json, yaml or name\n");
            return 1;
        } else {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < targets.size(); i++) {
                if (byType.get(i).isEmpty()) continue;
                if (b.length() > 0) b.append('\n');
                b.append(table(targets.get(i)[0], byType.get(i), c.has("-A", "--all-namespaces"), targets.size() > 1,
                        c.has("--no-headers")));
            }
            if (b.length() == 0 && rc == 0 && !ignore) {
                sink.err(c.has("-A", "--all-namespaces") ? "No resources found\n"
                        : "No resources found in " + namespaceOf(c) + " namespace.\n");
            }
            sink.out(b.toString());
        }
        if (!notFound.isEmpty()) sink.err(notFound.toString());
        return rc;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        return (Map<String, Object>) o;
    }

    private static String plural(String kind) {
        return switch (kind) {
            case "HelmChart" -> "helmcharts.helm.cattle.io";
            case "Job" -> "jobs.batch";
            default -> "pods";
        };
    }

    private static String ref(String kind) {
        return switch (kind) {
            case "HelmChart" -> "helmchart.helm.cattle.io";
            case "Job" -> "job.batch";
            default -> "pod";
        };
    }

    @SuppressWarnings("unchecked")
    private String table(String kind, List<Object[]> rows, boolean all, boolean prefixed, boolean noHeaders) {
        List<List<String>> t = new ArrayList<>();
        List<String> head = switch (kind) {
            case "HelmChart" -> new ArrayList<>(List.of("NAME", "REPO", "CHART", "VERSION", "TARGETNAMESPACE", "BOOTSTRAP", "FAILED", "AGE"));
            case "Job" -> new ArrayList<>(List.of("NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"));
            default -> new ArrayList<>(List.of("NAME", "READY", "STATUS", "RESTARTS", "AGE"));
        };
        if (all) head.add(0, "NAMESPACE");
        if (!noHeaders) t.add(head);
        for (Object[] r : rows) {
            Map<String, Object> o = asMap(r[2]);
            Map<String, Object> md = (Map<String, Object>) o.get("metadata");
            String age = Kubectl.age(Instant.parse(String.valueOf(md.getOrDefault("creationTimestamp", Instant.now().toString()))));
            String name = (prefixed ? ref(kind) + "/" : "") + r[1];
            List<String> row;
            if (kind.equals("HelmChart")) {
                Map<String, Object> spec = (Map<String, Object>) o.getOrDefault("spec", Map.of());
                String failed = "";
                if (o.get("status") instanceof Map<?, ?> st && st.get("conditions") instanceof List<?> cs) {
                    for (Object x : cs) if (x instanceof Map<?, ?> cm && "Failed".equals(cm.get("type"))) failed = String.valueOf(cm.get("status"));
                }
                row = new ArrayList<>(List.of(name, str(spec.get("repo")), str(spec.get("chart")), str(spec.get("version")),
                        str(spec.get("targetNamespace")), str(spec.get("bootstrap")), failed, age));
            } else {
                JobRun j = jobs.values().stream().filter(x -> x.name.equals(r[1]) || x.pod.equals(r[1])).findFirst().orElse(null);
                String phase = j == null ? "" : j.phase;
                if (kind.equals("Job")) {
                    String status = switch (phase) {
                        case "SUCCEEDED" -> "Complete";
                        case "FAILED" -> "Failed";
                        default -> "Running";
                    };
                    row = new ArrayList<>(List.of(name, status, phase.equals("SUCCEEDED") ? "1/1" : "0/1", age, age));
                } else {
                    String status = switch (phase) {
                        case "SUCCEEDED" -> "Completed";
                        case "FAILED" -> "Error";
                        case "BACKOFF" -> "CrashLoopBackOff";
                        default -> "Running";
                    };
                    row = new ArrayList<>(List.of(name, phase.equals("RUNNING") ? "1/1" : "0/1", status,
                            String.valueOf(j == null ? 0 : j.restarts), age));
                }
            }
            if (all) row.add(0, String.valueOf(r[0]));
            t.add(row);
        }
        int[] w = new int[head.size()];
        for (List<String> r : t) for (int i = 0; i < w.length; i++) w[i] = Math.max(w[i], r.get(i).length());
        StringBuilder b = new StringBuilder();
        for (List<String> r : t) {
            StringBuilder l = new StringBuilder();
            for (int i = 0; i < w.length; i++) l.append(String.format("%-" + (w[i] + 3) + "s", r.get(i)));
            b.append(l.toString().stripTrailing()).append('\n');
        }
        return b.toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> deepCopy(Map<String, Object> m) {
        try {
            return (Map<String, Object>) Json.parse(Json.compact(m));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String str(Object o) {
        return o == null ? "" : String.valueOf(o);
    }

    @SuppressWarnings("unchecked")
    private int delete(Cmd c, List<String[]> targets, Kubectl.Sink sink) {
        advance();
        boolean ignore = c.has("--ignore-not-found");
        int rc = 0;
        for (String[] t : targets) {
            if (t[1] == null) {
                sink.err("error: resource(s) were provided, but no name was specified\n");
                return 1;
            }
            String ns = namespaceOf(c);
            switch (t[0]) {
                case "HelmChart" -> {
                    Map<String, Object> hc = charts.get(ns + "/" + t[1]);
                    if (hc == null) {
                        if (!ignore) {
                            sink.err("Error from server (NotFound): helmcharts.helm.cattle.io \"" + t[1] + "\" not found\n");
                            rc = 1;
                        }
                        continue;
                    }
                    Map<String, Object> md = (Map<String, Object>) hc.get("metadata");
                    if (md.get("deletionTimestamp") == null) {
                        md.put("deletionTimestamp", Instant.ofEpochMilli(clock.getAsLong()).truncatedTo(ChronoUnit.SECONDS).toString());
                        md.put("deletionGracePeriodSeconds", 0);
                        startJob(ns, t[1], true);
                        api.stamp(hc);
                        save();
                    }
                    sink.out("helmchart.helm.cattle.io \"" + t[1] + "\" deleted\n");
                }
                case "Job" -> {
                    JobRun j = jobs.remove(ns + "/" + t[1]);
                    if (j == null) {
                        if (!ignore) {
                            sink.err("Error from server (NotFound): jobs.batch \"" + t[1] + "\" not found\n");
                            rc = 1;
                        }
                        continue;
                    }
                    sink.out("job.batch \"" + t[1] + "\" deleted\n");
                    // The controller sees its job gone and creates it again, for the HelmChart as it is now.
                    Map<String, Object> hc = charts.get(ns + "/" + j.chart);
                    if (hc != null) {
                        boolean deleting = ((Map<String, Object>) hc.get("metadata")).get("deletionTimestamp") != null;
                        if (deleting == j.delete) startJob(ns, j.chart, j.delete);
                    }
                    save();
                }
                default -> {
                    sink.err("error: the pictl simulator does not delete pods of helm jobs; delete the job\n");
                    rc = 1;
                }
            }
        }
        return rc;
    }

    /** {@code kubectl patch helmchart NAME --type merge -p JSON}: a JSON merge patch of its spec and labels. */
    @SuppressWarnings("unchecked")
    private int patch(Cmd c, List<String[]> targets, Kubectl.Sink sink) {
        if (targets.size() != 1 || !targets.get(0)[0].equals("HelmChart") || targets.get(0)[1] == null) {
            sink.err("error: the pictl simulator patches one HelmChart at a time\n");
            return 1;
        }
        if (!"merge".equals(c.get("--type"))) {
            sink.err("error: the pictl simulator applies merge patches only (--type merge)\n");
            return 1;
        }
        String ns = namespaceOf(c);
        String name = targets.get(0)[1];
        Map<String, Object> hc = charts.get(ns + "/" + name);
        if (hc == null) {
            sink.err("Error from server (NotFound): helmcharts.helm.cattle.io \"" + name + "\" not found\n");
            return 1;
        }
        Object p;
        try {
            p = Json.parse(String.valueOf(c.get("-p", "--patch")));
        } catch (IOException e) {
            sink.err("error: unable to parse \"" + c.get("-p", "--patch") + "\": " + e.getMessage() + "\n");
            return 1;
        }
        if (!(p instanceof Map<?, ?> pm)) {
            sink.err("error: a merge patch is a JSON object\n");
            return 1;
        }
        String before = Json.compact(hc.get("spec"));
        merge(hc, (Map<String, Object>) pm);
        if (!before.equals(Json.compact(hc.get("spec")))) {
            Map<String, Object> md = (Map<String, Object>) hc.get("metadata");
            md.put("generation", ((Number) md.getOrDefault("generation", 1)).intValue() + 1);
            startJob(ns, name, false);
        }
        api.stamp(hc);
        save();
        sink.out("helmchart.helm.cattle.io/" + name + " patched\n");
        return 0;
    }

    @SuppressWarnings("unchecked")
    private static void merge(Map<String, Object> into, Map<String, Object> patch) {
        patch.forEach((k, v) -> {
            if (v == null) into.remove(k);
            else if (v instanceof Map<?, ?> pm && into.get(k) instanceof Map<?, ?> im) {
                Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) im);
                merge(copy, (Map<String, Object>) pm);
                into.put(k, copy);
            } else into.put(k, v);
        });
    }

    /** {@code kubectl logs POD|job/NAME [-n NS] [--tail=N] [--previous]}. */
    private int logs(Cmd c, Kubectl.Sink sink) {
        advance();
        if (c.pos().size() < 2) {
            sink.err("error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\n");
            return 1;
        }
        String target = c.pos().get(1);
        String ns = namespaceOf(c);
        JobRun j = null;
        String shown = target;
        if (target.startsWith("job/") || target.startsWith("jobs/")) {
            j = jobs.get(ns + "/" + target.substring(target.indexOf('/') + 1));
            if (j == null) {
                sink.err("error: error from server (NotFound): jobs.batch \"" + target.substring(target.indexOf('/') + 1)
                        + "\" not found in namespace \"" + ns + "\"\n");
                return 1;
            }
            shown = j.pod;
        } else {
            String pod = target.startsWith("pod/") ? target.substring(4) : target;
            for (JobRun x : jobs.values()) if (x.namespace.equals(ns) && x.pod.equals(pod)) j = x;
            if (j == null) {
                sink.err("Error from server (NotFound): pods \"" + pod + "\" not found\n");
                return 1;
            }
        }
        List<String> lines;
        if (c.has("-p", "--previous")) {
            if (j.previous == null) {
                sink.err("Error from server (BadRequest): previous terminated container \"helm\" in pod \"" + shown
                        + "\" not found\n");
                return 1;
            }
            lines = j.previous;
        } else if (j.phase.equals("BACKOFF")) {
            sink.err("Error from server (BadRequest): container \"helm\" in pod \"" + shown + "\" is waiting to start: "
                    + "CrashLoopBackOff\n");
            return 1;
        } else {
            lines = j.log;
        }
        String tail = c.get("--tail");
        int n = tail == null ? -1 : Integer.parseInt(tail);
        List<String> shownLines = n < 0 || n >= lines.size() ? lines : lines.subList(lines.size() - n, lines.size());
        StringBuilder b = new StringBuilder();
        shownLines.forEach(l -> b.append(l).append('\n'));
        sink.out(b.toString());
        return 0;
    }

    // ------------------------------------------------------------------ persistence

    @SuppressWarnings("unchecked")
    private void load() {
        if (file == null || !Files.isRegularFile(file)) return;
        try {
            Map<String, Object> db = MAPPER.readValue(file.toFile(), Map.class);
            ((Map<String, Object>) db.getOrDefault("charts", Map.of())).forEach((k, v) -> charts.put(k, (Map<String, Object>) v));
            ((Map<String, Object>) db.getOrDefault("jobs", Map.of())).forEach((k, v) -> jobs.put(k, JobRun.load((Map<String, Object>) v)));
            ((Map<String, Object>) db.getOrDefault("revisions", Map.of())).forEach((k, v) -> revisions.put(k, ((Number) v).intValue()));
        } catch (IOException e) {
            // an unreadable file: start empty, as after a wipe
        }
    }

    private void save() {
        if (file == null) return;
        Map<String, Object> db = new LinkedHashMap<>();
        db.put("charts", charts);
        Map<String, Object> js = new TreeMap<>();
        jobs.forEach((k, j) -> js.put(k, j.save()));
        db.put("jobs", js);
        db.put("revisions", revisions);
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, Json.pretty(db));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // the data dir was removed under a running server (uninstall): keep running in memory
        }
    }
}
