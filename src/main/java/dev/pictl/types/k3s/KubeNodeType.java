package dev.pictl.types.k3s;

import static dev.pictl.resource.AttributeSchema.attr;

import dev.pictl.addr.ResourceAddress;
import dev.pictl.apply.Executor;
import dev.pictl.config.Config;
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
import dev.pictl.resource.Value;
import dev.pictl.types.ResourceType;
import dev.pictl.types.host.NodeType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code kube_node} resource type: the labels and taints pictl keeps on a node's Kubernetes Node object, as the
 * {@code node} block declares them ({@code labels}, {@code taints}).
 *
 * <p>Why a resource of its own rather than attributes of {@code node}: the Node object exists only once k3s has
 * joined, and {@code node} is the first thing applied to a bare board (its hostname, before the kernel parameters,
 * the runtime and k3s). So a node that declares labels or taints gets a {@code kube_node.NAME} derived from its block
 * (no block keyword of its own), ordered after the k3s server or agent on that node, read through the server's
 * kubectl snapshot and changed with {@code kubectl label}/{@code kubectl taint}: live, no restart, and a bare board
 * gets its labels in the same apply that installs k3s.
 *
 * <pre>
 *   node.pi-worker-1 ─▶ kernel_params ─▶ runtime ─▶ k3s_agent.workers["pi-worker-1"] ─▶ kube_node.pi-worker-1
 * </pre>
 */
public final class KubeNodeType implements ResourceType {
    public static final String NAME = "kube_node";
    static final String LABELS = "labels";
    static final String TAINTS = "taints";

    public static final BlockSchema SCHEMA = new BlockSchema(NAME, "name", false, List.of(
            attr(LABELS, AttrType.MAP).doc("The labels pictl keeps on the Node (from the node block's `labels`)."),
            attr(TAINTS, AttrType.STRING_LIST).doc("The taints pictl keeps on the Node (from the node block's `taints`).")),
            List.of(),
            "The labels and taints of a node's Kubernetes Node object. Not a block: derived from the `labels` and "
                    + "`taints` of a `node` block.",
            "");

    @Override
    public BlockSchema schema() {
        return SCHEMA;
    }

    /** No block keyword: derived from {@code node} blocks. */
    @Override
    public boolean declarable() {
        return false;
    }

    @Override
    public String instanceNode(String label, Map<String, Value> attributes) {
        return label;
    }

    /** One {@code kube_node} per node that sets {@code labels} or {@code taints} (even empty: then pictl removes its own). */
    @Override
    public List<ResourceInstance> derive(List<ResourceInstance> declared) {
        List<ResourceInstance> out = new ArrayList<>();
        for (ResourceInstance n : declared) {
            if (!n.type().equals(NodeType.NAME)) {
                continue;
            }
            Value labels = n.attributes().get(LABELS);
            Value taints = n.attributes().get(TAINTS);
            if (labels == null && taints == null) {
                continue;
            }
            Map<String, Value> attrs = new LinkedHashMap<>();
            if (labels != null) {
                attrs.put(LABELS, labels);
            }
            if (taints != null) {
                attrs.put(TAINTS, taints);
            }
            SourceRange at = labels != null ? labels.range() : taints.range();
            String name = n.address().name();
            out.add(new ResourceInstance(ResourceAddress.of(NAME, name), SCHEMA, name, at == null ? n.headerRange() : at,
                    null, attrs, Map.of(), List.of()));
        }
        return out;
    }

    /**
     * Label keys and values, taints in Kubernetes' syntax, reported where the node block writes them; no key that
     * Kubernetes or k3s owns; one taint per key and effect; k3s on every node that sets them.
     */
    @Override
    public void check(Config config, Diagnostics diags) {
        Set<String> cluster = K3sTopology.clusterNodes(config);
        for (ResourceInstance k : config.ofType(NAME)) {
            if (!cluster.contains(k.node())) {
                diags.error(k.headerRange(), "node \"" + k.node() + "\" sets labels or taints but runs no k3s",
                        "Labels and taints live on the node's Kubernetes Node object, which exists once k3s runs "
                                + "there. Add node." + k.node() + " to a k3s_agent's nodes (or make it the "
                                + "k3s_server's node), or remove its labels and taints.");
            }
            if (k.attributes().get(LABELS) instanceof Value.MapVal m) {
                for (Map.Entry<String, Value> e : m.entries().entrySet()) {
                    SourceRange keyAt = config.located(m.keyRanges().get(e.getKey()), m.range());
                    String problem = NodeLabels.keyProblem(e.getKey());
                    if (problem != null) {
                        diags.error(keyAt, "label key " + NodeText.show(e.getKey()) + " is not a Kubernetes label key",
                                "A key is [PREFIX/]NAME: " + problem + ".");
                        continue;
                    }
                    String reserved = NodeLabels.reservedLabel(e.getKey());
                    if (reserved != null) {
                        diags.error(keyAt, "label " + NodeText.show(e.getKey()) + " is not pictl's to set",
                                reserved + ". Use a key of your own, e.g. \"example.com/" + e.getKey()
                                        .substring(e.getKey().indexOf('/') + 1) + "\".");
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
                        diags.error(config.located(v.range(), keyAt), "the value of label " + NodeText.show(e.getKey())
                                + " is not a Kubernetes label value", "A label value is " + (text == null
                                ? "a string" : "empty or 1 to 63 letters, digits, \"-\", \"_\" or \".\" starting and "
                                + "ending with a letter or digit") + ".");
                    }
                }
            }
            if (k.attributes().get(TAINTS) instanceof Value.ListVal l) {
                Map<String, SourceRange> seen = new HashMap<>();
                for (Value item : l.items()) {
                    if (!(item instanceof Value.Str s)) {
                        continue;
                    }
                    SourceRange at = config.located(item.range(), l.range());
                    NodeLabels.Taint t;
                    try {
                        t = NodeLabels.taint(s.value());
                    } catch (IllegalArgumentException e) {
                        diags.error(at, "taint " + NodeText.show(s.value()) + " is not a Kubernetes taint",
                                "A taint is KEY[=VALUE]:EFFECT; " + e.getMessage() + ".");
                        continue;
                    }
                    String reserved = NodeLabels.reservedTaint(t.key());
                    if (reserved != null) {
                        diags.error(at, "taint " + NodeText.show(s.value()) + " is not pictl's to set", reserved + ".");
                        continue;
                    }
                    SourceRange first = seen.putIfAbsent(t.identity(), at);
                    if (first != null) {
                        diags.error(at, "a second taint " + t.identity() + " on node \"" + k.node() + "\"",
                                "A Node holds one taint per key and effect (the first is at " + first.location()
                                        + "); keep one.");
                    }
                }
            }
        }
    }

    /** The Node exists once k3s runs on its node: after the k3s server or agent there. */
    @Override
    public List<Edge> domainEdges(GraphInstances instances) {
        List<Edge> out = new ArrayList<>();
        for (ResourceInstance k : instances.ofType(NAME)) {
            K3sTopology.k3sOn(instances, k.node()).ifPresent(k3s -> out.add(Edge.domain(k3s.address(), k.address(),
                    k.headerRange(), "labels and taints after k3s joined")));
        }
        return out;
    }

    @Override
    public Kind kind() {
        return new KubeNodeKind();
    }

    @Override
    public Executor executor() {
        return new KubeNodeExecutor();
    }

    @Override
    public List<ProbeFragment<?>> probe() {
        return List.of(NodeProbe.KUBE);
    }
}
