package dev.pictl.types.helm;

import static dev.pictl.resource.AttributeSchema.attr;

import dev.pictl.apply.Executor;
import dev.pictl.config.Config;
import dev.pictl.config.LabelRule;
import dev.pictl.diag.Diagnostics;
import dev.pictl.diag.SourceRange;
import dev.pictl.graph.Edge;
import dev.pictl.graph.GraphInstances;
import dev.pictl.plan.kind.Kind;
import dev.pictl.probe.NodeProbe;
import dev.pictl.probe.ProbeFragment;
import dev.pictl.resource.AttrType;
import dev.pictl.resource.BlockSchema;
import dev.pictl.resource.Check;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.resource.Schemas;
import dev.pictl.resource.Value;
import dev.pictl.types.ResourceType;
import dev.pictl.types.cluster.NamespaceType;
import dev.pictl.types.k3s.K3sProbe;
import dev.pictl.types.k3s.K3sServerType;
import dev.pictl.types.k3s.K3sTopology;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The {@code helm_chart} resource type: a Helm chart installed by k3s's own helm controller through a HelmChart
 * object ({@code helm.cattle.io/v1}) in {@code kube-system}. No Helm binary on the admin machine or the nodes.
 */
public final class HelmChartType implements ResourceType {
    public static final String NAME = "helm_chart";

    public static final BlockSchema SCHEMA = new BlockSchema(NAME, "name", false, List.of(
            attr("chart", AttrType.STRING).required()
                    .doc("The chart's name in `repo` (or a chart `.tgz` URL without `repo`). Also the Helm release "
                            + "name is the block's name."),
            attr("repo", AttrType.STRING)
                    .doc("The chart repository's URL (`https://...`)."),
            attr("version", AttrType.STRING)
                    .doc("The chart version to install. Unset: the repository's newest, at each install job; pin it "
                            + "for a plan that means the same tomorrow."),
            attr("target_namespace", AttrType.STRING).defaultValue("default").forcesReplacement()
                    .doc("The namespace the release is installed in. Always written to the HelmChart (k3s's code and "
                            + "docs disagree on the default). A change replaces the chart: Helm cannot move a release."),
            attr("create_namespace", AttrType.BOOL).defaultValue(false)
                    .doc("Let Helm create `target_namespace` when it is missing (`--create-namespace`). A `namespace` "
                            + "block of that name is created first anyway."),
            attr("timeout", AttrType.STRING).check(Check.DURATION)
                    .doc("Helm's own timeout for the install (`--timeout`; Helm's default is 5m). apply waits for the "
                            + "install job this long plus 2 minutes for its pod to start."),
            attr("values", AttrType.ANY)
                    .doc("The chart's values, an object of maps, lists, strings, numbers and bools, written as the "
                            + "HelmChart's `valuesContent` YAML (types kept: `true` stays a bool, `\"true\"` a string). "
                            + "The plan shows them value by value, as `values.PATH`; a value from a sensitive variable "
                            + "is masked alone."),
            Schemas.DEPENDS_ON),
            List.of(),
            "A Helm chart installed by k3s's helm controller from a HelmChart object in kube-system: apply writes the "
                    + "HelmChart and waits for its `helm-install-NAME` job to succeed (a failure shows the job's "
                    + "log); destroy deletes it and waits for `helm-delete-NAME`.",
            """
            helm_chart "grafana" {
              chart            = "grafana"
              repo             = "https://grafana.github.io/helm-charts"
              version          = "8.5.2"
              target_namespace = "monitoring"
              create_namespace = true
              values = {
                persistence = { enabled = true, size = "2Gi" }
              }
            }""");

    /** k3s's packaged charts: its deploy controller owns their HelmCharts and would undo pictl's changes. */
    static final List<String> RESERVED = List.of("traefik", "traefik-crd");
    /** helm-install-NAME must be a label value (63 characters) for the job's pods. */
    static final int MAX_NAME = 63 - "helm-install-".length();

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

    static final LabelRule NAME_RULE = new LabelRule() {
        @Override
        public boolean check(String name, SourceRange at, Diagnostics diags) {
            if (name.length() > MAX_NAME || !DNS_LABEL.matcher(name).matches()) {
                diags.error(at, "helm_chart name \"" + name + "\" is not a valid HelmChart name",
                        "A helm_chart name is 1 to " + MAX_NAME + " lower-case letters, digits and \"-\", starting and "
                                + "ending with a letter or digit (its job is helm-install-NAME, a label value).");
                return false;
            }
            if (RESERVED.contains(name)) {
                diags.error(at, "helm_chart \"" + name + "\" belongs to k3s",
                        "k3s installs " + String.join(" and ", RESERVED) + " itself from its manifests directory "
                                + "and would undo pictl's changes; customise it with a HelmChartConfig, or disable it "
                                + "in the k3s_server (disable = [\"traefik\"]) and declare your own under another name.");
                return false;
            }
            return true;
        }

        @Override
        public String description() {
            return "A HelmChart name: lower-case letters, digits and -, at most " + MAX_NAME + ". Not "
                    + String.join(" or ", RESERVED) + ".";
        }

        @Override
        public String pattern() {
            return "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
        }

        @Override
        public Integer maxLength() {
            return MAX_NAME;
        }

        @Override
        public List<String> reserved() {
            return RESERVED;
        }
    };

    @Override
    public BlockSchema schema() {
        return SCHEMA;
    }

    @Override
    public LabelRule labelRule() {
        return NAME_RULE;
    }

    @Override
    public void check(Config config, Diagnostics diags) {
        boolean noServer = K3sTopology.server(config).isEmpty();
        for (ResourceInstance hc : config.ofType(NAME)) {
            if (noServer) {
                diags.error(hc.headerRange(), hc.address() + " needs a k3s_server",
                        "Helm charts are installed by the k3s server's helm controller; declare a k3s_server block.");
            }
            Value tn = hc.attributes().get("target_namespace");
            if (tn instanceof Value.Str s && (s.value().length() > 63 || !DNS_LABEL.matcher(s.value()).matches())) {
                diags.error(s.range(), "target_namespace \"" + s.value() + "\" is not a valid Kubernetes namespace name",
                        "A namespace name is 1 to 63 lower-case letters, digits and \"-\", starting and ending with a "
                                + "letter or digit.");
            }
            Value values = hc.attributes().get("values");
            if (values != null && !(values instanceof Value.Unknown)) {
                if (!(values instanceof Value.MapVal)) {
                    diags.error(values.range(), "values of " + hc.address() + " is not an object",
                            "values is an object of the chart's values: values = { replicaCount = 1 }");
                } else {
                    values(config, diags, values, "values");
                }
            }
        }
    }

    /**
     * Every value must reach YAML: no reference, no empty key. A null (an optional variable left unset) leaves its key
     * out, so the chart's default stays.
     */
    private static void values(Config config, Diagnostics diags, Value v, String path) {
        if (v instanceof Value.MapVal m) {
            for (Map.Entry<String, Value> e : m.entries().entrySet()) {
                if (e.getKey().isEmpty()) {
                    diags.error(config.located(m.keyRanges().get(e.getKey()), m.range()), "an empty key in " + path,
                            "Every key of a chart's values has a name.");
                }
                values(config, diags, e.getValue(), path + "." + e.getKey());
            }
        } else if (v instanceof Value.ListVal l) {
            l.items().forEach(i -> values(config, diags, i, path + "[]"));
        } else if (v instanceof Value.Ref r) {
            diags.error(v.range(), "a reference (" + r.target() + ") in " + path + " is not a value",
                    "Use one of its attributes, e.g. node.pi-server-1.address.");
        }
    }

    /**
     * A chart after the server whose helm controller installs it, the agents, and the namespace block it installs
     * into (on destroy: deleted before all of them).
     */
    @Override
    public List<Edge> domainEdges(GraphInstances instances) {
        List<Edge> out = new ArrayList<>();
        for (ResourceInstance hc : instances.ofType(NAME)) {
            for (ResourceInstance s : instances.ofType(K3sServerType.NAME)) {
                out.add(Edge.domain(s.address(), hc.address(), hc.headerRange(), "helm charts after the server"));
            }
            // After every agent has joined (the chart's pods have the whole cluster to run on), and on destroy
            // uninstalled while every node still runs k3s: no board is uninstalled under a chart's workloads.
            out.addAll(dev.pictl.types.k3s.K3sTopology.afterEveryAgent(instances, hc, "helm charts after the agents"));
            String ns = hc.string("target_namespace");
            for (ResourceInstance n : instances.ofType(NamespaceType.NAME)) {
                if (Objects.equals(ns, n.address().name())) {
                    Value at = hc.attributes().get("target_namespace");
                    out.add(Edge.domain(n.address(), hc.address(), at == null ? hc.headerRange() : at.range(),
                            "a chart after the namespace it installs into"));
                }
            }
        }
        return out;
    }

    @Override
    public Kind kind() {
        return new HelmChartKind();
    }

    @Override
    public Executor executor() {
        return new HelmChartExecutor();
    }

    /** Read from the server: its k3s, its kubectl snapshot, and its HelmCharts and jobs. */
    @Override
    public List<ProbeFragment<?>> probe() {
        return List.of(K3sProbe.INSTALL, NodeProbe.KUBE, HelmChartProbe.CHARTS);
    }

    @Override
    public List<String> serverAsks() {
        return List.of(HelmChartProbe.ASK);
    }
}
