package dev.pictl.types.k3s;

import dev.pictl.plan.kind.Canon;
import dev.pictl.plan.kind.Kind;
import dev.pictl.plan.kind.Observed;
import dev.pictl.plan.kind.PlanContext;
import dev.pictl.probe.NodeObservation;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.resource.Value;
import dev.pictl.state.ResourceState;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code kube_node}: the labels and taints pictl keeps on a Node, read from the server's kubectl snapshot.
 *
 * <p>pictl owns only what it set. Observed are the Node's labels whose keys the description declares or the state
 * records (an earlier apply set them), and its taints whose key and effect are so declared or recorded: a label k3s or
 * another tool set never shows, so it is never changed or removed, and a declared label changed by hand shows as drift.
 * A key dropped from the description is still observed (recorded), so the plan removes it.
 *
 * <pre>
 *   server node unreachable              -> Unknown
 *   no k3s on the server / kubectl fails -> the state's record, unverified; or Absent (nothing set yet)
 *   Node not registered                  -> Absent (set once k3s has joined: the graph orders it after k3s)
 *   Node listed                          -> Present, the managed labels and taints
 * </pre>
 */
public final class KubeNodeKind implements Kind {
    @Override
    public String type() {
        return KubeNodeType.NAME;
    }

    /** Read and changed through the server's kubectl; listed under its node. */
    @Override
    public boolean inCluster() {
        return true;
    }

    @Override
    public Map<String, Object> desired(ResourceInstance instance, PlanContext ctx) {
        return declared(instance).canonical();
    }

    /** The labels and taints a kube_node instance declares. */
    static K3sValues.KubeNode declared(ResourceInstance instance) {
        Map<String, Object> labels = new TreeMap<>();
        if (instance != null && instance.attributes().get(KubeNodeType.LABELS) instanceof Value.MapVal m) {
            m.entries().forEach((k, v) -> {
                Object c = Canon.of(v);
                if (c != null) {
                    labels.put(k, String.valueOf(c));
                }
            });
        }
        List<String> taints = new ArrayList<>();
        if (instance != null) {
            NodeLabels.taints(instance.strings(KubeNodeType.TAINTS)).forEach(t -> taints.add(t.text()));
        }
        return new K3sValues.KubeNode(labels, taints);
    }

    @Override
    public Observed observe(ResourceInstance instance, ResourceState prior, String node, PlanContext ctx) {
        String serverNode = ctx.serverNode().orElse(null);
        String name = instance != null ? instance.address().name() : prior.address().name();
        if (serverNode == null) {
            return prior == null ? new Observed.Absent()
                    : new Observed.Unknown("no k3s_server in the description to read it through");
        }
        Optional<NodeObservation> o = ctx.observation(serverNode);
        if (o.isEmpty()) {
            return new Observed.Unknown(ctx.unreachableReason(serverNode));
        }
        NodeObservation.KubeSnapshot kube = o.get().kube();
        if (kube == null || !kube.ok()) {
            // k3s not installed or stopped on the server: nothing to read; the record is all there is.
            return prior == null ? new Observed.Absent() : new Observed.Present(prior.attributes(),
                    "not verified: kubectl on " + serverNode + " failed");
        }
        Map<String, Object> n = kube.nodes().stream().filter(x -> x.get("metadata") instanceof Map<?, ?> md
                && name.equals(md.get("name"))).findFirst().orElse(null);
        if (n == null) {
            return new Observed.Absent();
        }
        K3sValues.KubeNode wanted = declared(instance);
        K3sValues.KubeNode recorded = prior == null ? new K3sValues.KubeNode(Map.of(), List.of())
                : K3sValues.KubeNode.of(prior.attributes());
        Set<String> keys = new HashSet<>(wanted.labels().keySet());
        keys.addAll(recorded.labels().keySet());
        Set<String> taintIds = new HashSet<>();
        NodeLabels.taints(wanted.taints()).forEach(t -> taintIds.add(t.identity()));
        NodeLabels.taints(recorded.taints()).forEach(t -> taintIds.add(t.identity()));

        Map<String, Object> labels = new TreeMap<>();
        if (n.get("metadata") instanceof Map<?, ?> md && md.get("labels") instanceof Map<?, ?> l) {
            l.forEach((k, v) -> {
                if (keys.contains(String.valueOf(k))) {
                    labels.put(String.valueOf(k), String.valueOf(v));
                }
            });
        }
        List<String> taints = new ArrayList<>();
        if (n.get("spec") instanceof Map<?, ?> spec && spec.get("taints") instanceof List<?> ts) {
            for (Object t : ts) {
                if (t instanceof Map<?, ?> tm && tm.get("key") != null && tm.get("effect") != null) {
                    NodeLabels.Taint taint = new NodeLabels.Taint(String.valueOf(tm.get("key")),
                            tm.get("value") == null ? "" : String.valueOf(tm.get("value")), String.valueOf(tm.get("effect")));
                    if (taintIds.contains(taint.identity())) {
                        taints.add(taint.text());
                    }
                }
            }
        }
        return new Observed.Present(new K3sValues.KubeNode(labels, taints).canonical());
    }

    /** Taints are a set (kubectl keeps no order); labels a map. */
    @Override
    public boolean same(String attribute, Object desired, Object observed) {
        return attribute.equals(KubeNodeType.TAINTS) ? Canon.sameAsSet(desired, observed)
                : java.util.Objects.equals(desired, observed);
    }

    @Override
    public boolean unorderedLists() {
        return true;
    }
}
