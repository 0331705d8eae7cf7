package dev.pictl.types.cluster;

import static dev.pictl.resource.AttributeSchema.attr;

import dev.pictl.apply.Executor;
import dev.pictl.config.Config;
import dev.pictl.config.LabelRule;
import dev.pictl.config.NodeText;
import dev.pictl.diag.Diagnostics;
import dev.pictl.diag.SourceRange;
import dev.pictl.graph.Edge;
import dev.pictl.graph.GraphInstances;
import dev.pictl.plan.kind.Kind;
import dev.pictl.probe.NodeProbe;
import dev.pictl.probe.ProbeFragment;
import dev.pictl.resource.AttrType;
import dev.pictl.resource.BlockSchema;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.resource.Schemas;
import dev.pictl.resource.Value;
import dev.pictl.types.ResourceType;
import dev.pictl.types.k3s.K3sProbe;
import dev.pictl.types.k3s.K3sServerType;
import dev.pictl.types.k3s.K3sTopology;
import dev.pictl.types.k3s.NodeLabels;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The {@code namespace} resource type: a Kubernetes Namespace with the labels pictl keeps on it, a Pod Security
 * Admission level and, optionally, a default-deny ingress NetworkPolicy. Created through the server.
 */
public final class NamespaceType implements ResourceType {
    public static final String NAME = "namespace";

    public static final BlockSchema SCHEMA = new BlockSchema(NAME, "name", false, List.of(
            attr("labels", AttrType.MAP)
                    .doc("Labels pictl keeps on the Namespace (Kubernetes label syntax). pictl changes only the keys "
                            + "it declares or set before; labels others set are left alone. Not "
                            + "`pod-security.kubernetes.io/*` (use `pod_security`) nor `kubernetes.io/metadata.name`."),
            attr("pod_security", AttrType.STRING).oneOf("privileged", "baseline", "restricted")
                    .doc("The Pod Security Standard the namespace's pods must meet: set as the Pod Security Admission "
                            + "labels `pod-security.kubernetes.io/enforce`, `audit` and `warn`, all three to this level "
                            + "(no `-version` labels: Kubernetes then applies the API server's own version of the "
                            + "standard, `latest`). Unset: pictl sets no Pod Security label, and removes the ones it set."),
            attr("default_deny_ingress", AttrType.BOOL).defaultValue(false)
                    .doc("Keep a NetworkPolicy `default-deny-ingress` in the namespace (every pod, `policyTypes: "
                            + "[Ingress]`, no rule): no pod receives traffic until another policy allows it. k3s "
                            + "enforces it with its embedded network policy controller (unless "
                            + "`disable-network-policy` is set). The policy carries "
                            + "`app.kubernetes.io/managed-by=pictl`; pictl never changes or deletes one without it."),
            Schemas.DEPENDS_ON),
            List.of(),
            "A Kubernetes Namespace, created through the server, with its labels, a Pod Security Admission level and "
                    + "an optional default-deny ingress policy. Deleting it deletes everything in it (pods, claims, "
                    + "secrets): the plan says so, and apply needs `--allow-data-loss`.",
            """
            namespace "apps" {
              labels = {
                "example.com/team" = "home"
              }
              pod_security         = "restricted"
              default_deny_ingress = true
            }""");

    /** Namespaces Kubernetes makes and keeps: pictl neither creates nor deletes them. */
    static final List<String> RESERVED = List.of("default", "kube-system", "kube-public", "kube-node-lease");

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

    /** A DNS-1123 label (at most 63 characters), and not one of Kubernetes' own namespaces. */
    static final LabelRule NAME_RULE = new LabelRule() {
        @Override
        public boolean check(String name, SourceRange at, Diagnostics diags) {
            if (name.length() > 63 || !DNS_LABEL.matcher(name).matches()) {
                diags.error(at, "namespace name \"" + name + "\" is not a valid Kubernetes namespace name",
                        "A namespace name is 1 to 63 lower-case letters, digits and \"-\", starting and ending with a "
                                + "letter or digit.");
                return false;
            }
            if (RESERVED.contains(name)) {
                diags.error(at, "namespace \"" + name + "\" belongs to Kubernetes",
                        "Kubernetes creates " + String.join(", ", RESERVED) + " itself, and pictl would delete the "
                                + "namespace (and all in it) when the block goes. Declare a namespace of your own.");
                return false;
            }
            return true;
        }

        @Override
        public String description() {
            return "A Kubernetes namespace name: lower-case letters, digits and -, at most 63. Not default, "
                    + "kube-system, kube-public or kube-node-lease.";
        }

        @Override
        public String pattern() {
            return "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
        }

        @Override
        public Integer maxLength() {
            return 63;
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

    /** A namespace needs the server; its labels are Kubernetes labels, not ones Kubernetes or pod_security sets. */
    @Override
    public void check(Config config, Diagnostics diags) {
        boolean noServer = K3sTopology.server(config).isEmpty();
        for (ResourceInstance ns : config.ofType(NAME)) {
            if (noServer) {
                diags.error(ns.headerRange(), ns.address() + " needs a k3s_server",
                        "Namespaces are created through the k3s server; declare a k3s_server block.");
            }
            if (ns.attributes().get("labels") instanceof Value.MapVal m) {
                labels(config, diags, m);
            }
        }
    }

    private static void labels(Config config, Diagnostics diags, Value.MapVal m) {
        for (Map.Entry<String, Value> e : m.entries().entrySet()) {
            String key = e.getKey();
            SourceRange keyAt = config.located(m.keyRanges().get(key), m.range());
            String problem = NodeLabels.keyProblem(key);
            if (problem != null) {
                diags.error(keyAt, "label key " + NodeText.show(key) + " is not a Kubernetes label key",
                        "A key is [PREFIX/]NAME: " + problem + ".");
                continue;
            }
            if (key.startsWith(NamespaceValues.PSA)) {
                diags.error(keyAt, "label " + NodeText.show(key) + " is set by pod_security",
                        "Write pod_security = \"restricted\" (or \"baseline\", \"privileged\"): pictl sets the "
                                + "enforce, audit and warn labels together.");
                continue;
            }
            if (key.equals("kubernetes.io/metadata.name")) {
                diags.error(keyAt, "label " + NodeText.show(key) + " is not pictl's to set",
                        "Kubernetes sets it to the namespace's name on every namespace.");
                continue;
            }
            Value v = e.getValue();
            if (v instanceof Value.Unknown) {
                continue;
            }
            String text = v instanceof Value.Str s ? s.value() : v instanceof Value.Num n
                    ? n.value().stripTrailingZeros().toPlainString() : v instanceof Value.Bool b
                    ? String.valueOf(b.value()) : null;
            String valueProblem = text == null ? "it is not a string" : NodeLabels.valueProblem(text);
            if (valueProblem != null) {
                diags.error(config.located(v.range(), keyAt), "the value of label " + NodeText.show(key)
                        + " is not a Kubernetes label value", "A label value is " + (text == null ? "a string"
                        : "empty or 1 to 63 letters, digits, \"-\", \"_\" or \".\" starting and ending with a letter "
                        + "or digit") + ".");
            }
        }
    }

    /** A namespace after the server it is created through and after the agents (on destroy, deleted before them). */
    @Override
    public List<Edge> domainEdges(GraphInstances instances) {
        List<Edge> out = new java.util.ArrayList<>(instances.ofType(K3sServerType.NAME).stream()
                .flatMap(s -> instances.ofType(NAME).stream()
                        .map(ns -> Edge.domain(s.address(), ns.address(), ns.headerRange(),
                                "namespaces after the server")))
                .toList());
        out.addAll(dev.pictl.types.k3s.K3sTopology.afterEveryAgent(instances, NAME, "namespaces after the agents"));
        return out;
    }

    @Override
    public Kind kind() {
        return new NamespaceKind();
    }

    @Override
    public Executor executor() {
        return new NamespaceExecutor();
    }

    /** Read from the server: its k3s and its kubectl snapshot (namespaces and network policies). */
    @Override
    public List<ProbeFragment<?>> probe() {
        return List.of(K3sProbe.INSTALL, NodeProbe.KUBE);
    }
}
