package dev.pictl.types.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pictl.nodetext.TypedYaml;
import dev.pictl.plan.kind.Kind;
import dev.pictl.plan.kind.Observed;
import dev.pictl.plan.kind.PlanContext;
import dev.pictl.probe.NodeObservation;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.resource.Value;
import dev.pictl.state.ResourceState;
import dev.pictl.types.storage.StorageKinds;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code helm_chart}: a HelmChart in {@code kube-system} and its install job, read from the server's probe
 * ({@link HelmChartProbe}).
 *
 * <pre>
 *   server unreachable / no k3s / kubectl failed   as storage_class (StorageKinds.source)
 *   the HelmCharts could not be listed             the state's record, unverified; or Unknown
 *   no HelmChart of that name                      Absent
 *   a HelmChart                                    Present: its spec, its valuesContent read back leaf by leaf,
 *                                                  installed = its helm-install job succeeded; a HelmChart pictl did
 *                                                  not create (no managed-by=pictl label) is noted
 * </pre>
 */
public final class HelmChartKind implements Kind {
    static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    static final String PICTL = "pictl";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String type() {
        return HelmChartType.NAME;
    }

    @Override
    public boolean inCluster() {
        return true;
    }

    @Override
    public boolean clusterWide() {
        return true;
    }

    /**
     * The declared chart; and null for every value the HelmChart has (or the state recorded) that the description no
     * longer declares: pictl owns the whole {@code valuesContent}, so such a value is planned as removed
     * ({@code "v" -> null}) rather than wiped unseen by the next write.
     */
    @Override
    public Map<String, Object> desired(ResourceInstance i, PlanContext ctx) {
        HelmChartValues d = declared(i);
        Map<String, Object> m = d.canonical();
        Set<String> others = new TreeSet<>();
        ctx.state().resource(i.address()).ifPresent(r -> {
            r.attributes().keySet().stream().filter(k -> k.startsWith(HelmValues.PREFIX)).forEach(others::add);
            r.sensitiveHashes().keySet().stream().filter(k -> k.startsWith(HelmValues.PREFIX)).forEach(others::add);
        });
        JsonNode live = live(i.address().name(), ctx);
        if (live != null) {
            try {
                others.addAll(HelmValues.flatten(TypedYaml.read(live.path("spec").path("valuesContent").asText("")))
                        .keySet());
            } catch (IllegalArgumentException e) {
                // unreadable: the observation notes it, and apply writes it anew
            }
        }
        others.removeAll(d.values().keySet());
        if (!others.isEmpty()) {
            Object installed = m.remove("installed");
            others.forEach(k -> m.put(k, null));
            m.put("installed", installed);
        }
        return m;
    }

    /** The HelmChart of that name as the server's probe listed it, or null. */
    private static JsonNode live(String name, PlanContext ctx) {
        if (!(StorageKinds.source(null, ctx) instanceof StorageKinds.Source.Snapshot snap)) {
            return null;
        }
        HelmChartProbe.Snapshot helm = snap.server().part(HelmChartProbe.CHARTS);
        return helm == null || !helm.ok() ? null : helm.charts().get(name);
    }

    static HelmChartValues declared(ResourceInstance i) {
        return new HelmChartValues(i.string("chart"), i.string("repo"), i.string("version"),
                i.string("target_namespace"), i.attributes().get("create_namespace") instanceof Value.Bool b
                && b.value(), i.string("timeout"), HelmValues.declared(i.attributes().get("values")), true);
    }

    /** Every leaf of {@code values} that is or holds a sensitive value, alone; and any other sensitive attribute. */
    @Override
    public Set<String> sensitive(ResourceInstance instance, PlanContext ctx) {
        Set<String> out = new TreeSet<>(sensitive());
        if (instance != null) {
            instance.attributes().forEach((k, v) -> {
                if (!k.equals("values") && v.holdsSensitive()) {
                    out.add(k);
                }
            });
            out.addAll(HelmValues.sensitive(instance.attributes().get("values")));
        }
        return out;
    }

    @Override
    public boolean same(String attribute, Object desired, Object observed) {
        return attribute.startsWith(HelmValues.PREFIX) ? HelmValues.same(desired, observed)
                : Objects.equals(desired, observed);
    }

    @Override
    public Observed observe(ResourceInstance instance, ResourceState prior, String node, PlanContext ctx) {
        StorageKinds.Source src = StorageKinds.source(prior, ctx);
        if (src instanceof StorageKinds.Source.Decided d) {
            return d.observed();
        }
        NodeObservation server = ((StorageKinds.Source.Snapshot) src).server();
        String serverNode = ctx.serverNode().orElse("the server");
        HelmChartProbe.Snapshot helm = server.part(HelmChartProbe.CHARTS);
        String name = instance != null ? instance.address().name() : prior.address().name();
        if (helm == null || !helm.ok()) {
            String why = "kubectl get helmcharts on " + serverNode + " failed ("
                    + (helm == null ? "not read" : helm.error()) + ")";
            return prior == null ? new Observed.Unknown(why + ", so it cannot be read; is the helm controller "
                    + "disabled (--disable-helm-controller)?") : new Observed.Present(prior.attributes(),
                    "not verified: " + why);
        }
        JsonNode hc = helm.charts().get(name);
        if (hc == null) {
            return new Observed.Absent();
        }
        Set<String> expected = new TreeSet<>();
        if (instance != null) {
            expected.addAll(declared(instance).values().keySet());
        }
        if (prior != null) {
            prior.attributes().keySet().stream().filter(k -> k.startsWith(HelmValues.PREFIX)).forEach(expected::add);
            prior.sensitiveHashes().keySet().stream().filter(k -> k.startsWith(HelmValues.PREFIX)).forEach(expected::add);
        }
        return observed(name, hc, helm.jobs(), expected);
    }

    static Observed observed(String name, JsonNode hc, List<JsonNode> jobs) {
        return observed(name, hc, jobs, Set.of());
    }

    /**
     * A listed HelmChart as the plan sees it (a table test's entry point). A value pictl declared or recorded that the
     * HelmChart no longer has is observed as null, so that drift sees a value removed by hand.
     */
    static Observed observed(String name, JsonNode hc, List<JsonNode> jobs, Set<String> expected) {
        JsonNode spec = hc.path("spec");
        String note = null;
        if (!PICTL.equals(hc.path("metadata").path("labels").path(MANAGED_BY).asText(null))) {
            note = "a HelmChart " + name + " that pictl did not create is in " + HelmJobs.NAMESPACE
                    + " (apply will not take it over)";
        } else if (hc.path("metadata").has("deletionTimestamp")) {
            note = "the HelmChart is being deleted";
        }
        Map<String, Object> values = Map.of();
        String content = spec.path("valuesContent").asText("");
        try {
            values = HelmValues.flatten(TypedYaml.read(content));
        } catch (IllegalArgumentException e) {
            note = (note == null ? "" : note + "; ") + "its valuesContent is not YAML pictl can read ("
                    + e.getMessage() + "): apply writes it anew";
        }
        boolean installed = HelmJobs.job(HelmJobs.installJob(name), jobs).status() == HelmJobs.Status.SUCCEEDED;
        HelmChartValues v = new HelmChartValues(text(spec.get("chart")), text(spec.get("repo")),
                text(spec.get("version")), text(spec.get("targetNamespace")), spec.path("createNamespace").asBoolean(false),
                text(spec.get("timeout")), values, installed);
        Map<String, Object> attrs = v.canonical();
        Object installedNow = attrs.remove("installed");
        expected.forEach(k -> attrs.putIfAbsent(k, null));
        attrs.put("installed", installedNow);
        return new Observed.Present(attrs, note);
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() || n.isMissingNode() ? null : n.asText();
    }

    static ObjectMapper json() {
        return JSON;
    }
}
