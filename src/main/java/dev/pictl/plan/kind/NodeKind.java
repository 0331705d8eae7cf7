package dev.pictl.plan.kind;

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
    @Override
    public String type() {
        return "node";
    }

    @Override
    public Map<String, Object> desired(ResourceInstance instance, PlanContext ctx) {
        String name = instance.address().name();
        return Canon.ordered("address", instance.string("address"), "hostname", name, "hosts_entry", name);
    }

    @Override
    public Observed observe(ResourceInstance instance, ResourceState prior, String node, PlanContext ctx) {
        Optional<NodeObservation> o = ctx.observation(node);
        if (o.isEmpty()) {
            return new Observed.Unknown(ctx.unreachableReason(node));
        }
        NodeObservation.Facts f = o.get().facts();
        Object address = instance != null ? instance.string("address") : prior.attributes().get("address");
        // The kernel's name counts too: /etc/hostname alone takes effect only at the next boot.
        String hostname = f.hostname() != null && f.hostname().equals(f.kernelHostname()) ? f.hostname()
                : f.hostname() + " (running: " + f.kernelHostname() + ")";
        return new Observed.Present(Canon.ordered("address", address, "hostname", hostname,
                "hosts_entry", f.hostsName() == null ? "(none)" : f.hostsName()));
    }
}
