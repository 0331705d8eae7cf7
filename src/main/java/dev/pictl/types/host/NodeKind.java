package dev.pictl.types.host;

import dev.pictl.plan.kind.Kind;
import dev.pictl.plan.kind.PlanContext;
import dev.pictl.plan.kind.Observed;
import dev.pictl.probe.NodeObservation;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.state.ResourceState;
import java.util.Map;
import java.util.Optional;

/**
 * {@code node}: the board itself. pictl owns its hostname (in /etc/hostname, the running kernel and the
 * {@code 127.0.1.1} line of /etc/hosts), because k3s node names and PV node affinity use it. A reachable board
 * is never absent: a fresh one shows an update of its hostname.
 */
public final class NodeKind implements Kind {
    /** The Node annotation pictl sets when it cordons a node for a reboot or an upgrade (value: when). */
    public static final String CORDON_MARK = "pictl.dev/cordoned";

    /**
     * A pseudo-attribute, present only while the cluster shows the node cordoned with pictl's mark: a cordon an apply
     * left behind (a reboot that did not come back, a run cut off). The plan then asks for {@code false}: "uncordon
     * pending". A cordon a person made carries no mark and is none of pictl's business.
     */
    public static final String CORDONED_BY_PICTL = "cordoned_by_pictl";

    @Override
    public String type() {
        return NodeType.NAME;
    }

    @Override
    public Map<String, Object> desired(ResourceInstance instance, PlanContext ctx) {
        String name = instance.address().name();
        return new HostValues.Node(instance.string("address"), name, name,
                cordonedByPictl(name, ctx) ? false : null).canonical();
    }

    /** Attributes that exist only as leftovers of an unfinished apply: drift reports them even if never recorded. */
    @Override
    public java.util.Set<String> leftovers() {
        return java.util.Set.of(CORDONED_BY_PICTL);
    }

    /** Whether the server's snapshot shows the Node {@code name} unschedulable with pictl's mark. */
    static boolean cordonedByPictl(String name, PlanContext ctx) {
        return ctx.serverNode().flatMap(ctx::observation)
                .map(NodeObservation::kube).filter(k -> k != null && k.ok())
                .map(k -> k.nodes().stream().anyMatch(n -> cordonedByPictl(n, name))).orElse(false);
    }

    @SuppressWarnings("unchecked")
    private static boolean cordonedByPictl(Map<String, Object> node, String name) {
        if (!(node.get("metadata") instanceof Map<?, ?> md) || !name.equals(md.get("name"))) {
            return false;
        }
        boolean marked = md.get("annotations") instanceof Map<?, ?> a && a.containsKey(CORDON_MARK);
        boolean cordoned = node.get("spec") instanceof Map<?, ?> spec && Boolean.TRUE.equals(spec.get("unschedulable"));
        return marked && cordoned;
    }

    @Override
    public Observed observe(ResourceInstance instance, ResourceState prior, String node, PlanContext ctx) {
        Optional<NodeObservation> o = ctx.observation(node);
        if (o.isEmpty()) {
            return new Observed.Unknown(ctx.unreachableReason(node));
        }
        NodeObservation.Facts f = o.get().facts();
        Object address = instance != null ? instance.string("address") : prior.attributes().get("address");
        String addressText = address == null || address instanceof String ? (String) address : String.valueOf(address);
        // The kernel's name counts too: /etc/hostname alone takes effect only at the next boot.
        String hostname = f.hostname() != null && f.hostname().equals(f.kernelHostname()) ? f.hostname()
                : f.hostname() + " (running: " + f.kernelHostname() + ")";
        return new Observed.Present(new HostValues.Node(addressText, hostname,
                f.hostsName() == null ? "(none)" : f.hostsName(), cordonedByPictl(node, ctx) ? true : null).canonical());
    }

    @Override
    public dev.pictl.plan.ActionReason pendingReason(String attribute) {
        return attribute.equals(CORDONED_BY_PICTL) ? dev.pictl.plan.ActionReason.UNCORDON_PENDING : null;
    }
}
