package dev.pictl.drift;

import dev.pictl.addr.IgnoreRule;
import dev.pictl.addr.ResourceAddress;
import dev.pictl.config.Config;
import dev.pictl.diag.Redactor;
import dev.pictl.plan.Action;
import dev.pictl.plan.AttributeChange;
import dev.pictl.plan.Plan;
import dev.pictl.plan.ResourceChange;
import dev.pictl.probe.Health;
import dev.pictl.probe.NodeObservation;
import dev.pictl.probe.ProbeOutcome;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.state.ResourceState;
import dev.pictl.state.ResourceStatus;
import dev.pictl.state.State;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Turns a plan's drift (the state of the last apply against what the nodes show), the unapplied edits
 * (the description against the state), the probes and the ignore rules into a {@link DriftReport}. Pure: it
 * reads what it is given and changes nothing.
 */
public final class DriftCheck {
    private DriftCheck() {
    }

    /**
     * What drift needs to know of the cluster, from the registry.
     *
     * @param serverNode the node that runs the cluster's API server; null when the description has none
     * @param inCluster  whether a resource type's objects live in the cluster, read through that node
     *                   ({@code Kind.inCluster}): an unreachable server leaves them unchecked
     */
    public record Cluster(String serverNode, Predicate<String> inCluster) {
    }

    /**
     * @param plan      a normal plan of the whole description (its drift and unknown lists are used)
     * @param cluster   the server's node and which types are read through it
     * @param unapplied {@code Differ.unapplied} of the same inputs
     * @param rules     the description's ignore rules and the command line's, in that order
     */
    public static DriftReport report(Config config, Cluster cluster, Plan plan, List<ResourceChange> unapplied,
                                     Map<String, ProbeOutcome> probes, State state, DriftReport.StateInfo stateInfo,
                                     List<IgnoreRule> rules, DriftReport.Options options, String pictlVersion) {
        return report(config, cluster, plan, unapplied, probes, state, stateInfo, rules, options, pictlVersion, List.of());
    }

    /**
     * As above, with the resource types' own findings ({@code ResourceType.findings}: e.g. a stale snapshot) after
     * the probe's, under the same ignore rules.
     */
    public static DriftReport report(Config config, Cluster cluster, Plan plan, List<ResourceChange> unapplied,
                                     Map<String, ProbeOutcome> probes, State state, DriftReport.StateInfo stateInfo,
                                     List<IgnoreRule> rules, DriftReport.Options options, String pictlVersion,
                                     List<Health.Finding> typeFindings) {
        List<DriftReport.Ignored> ignored = new ArrayList<>();
        String server = cluster.serverNode();

        Redactor redactor = config.redactor();
        Map<String, DriftReport.Unreachable> unreachable = unreachable(config, probes, state, redactor);
        List<DriftReport.Unreadable> unreadable = new ArrayList<>();
        for (Plan.Unknown u : plan.unknown()) {
            if (state.resource(u.address()).isEmpty()) {
                continue; // never applied: nothing to have drifted
            }
            // Cluster objects are read through the server's kubectl: an unreachable server leaves them unchecked.
            boolean viaServer = cluster.inCluster().test(u.address().type());
            String node = viaServer && server != null && unreachable.containsKey(server) ? server
                    : u.node() != null ? u.node() : server;
            DriftReport.Unreachable down = node == null ? null : unreachable.get(node);
            if (down != null) {
                if (!down.notChecked().contains(u.address())) {
                    List<ResourceAddress> more = new ArrayList<>(down.notChecked());
                    more.add(u.address());
                    unreachable.put(node, new DriftReport.Unreachable(down.node(), down.address(), down.reason(),
                            down.hint(), more));
                }
            } else if (ignoredAs(rules, u.address(), null).isPresent()) {
                ignored.add(new DriftReport.Ignored(u.address().toString(), null,
                        ignoredAs(rules, u.address(), null).get().text()));
            } else {
                unreadable.add(new DriftReport.Unreadable(u.address(), u.node(), redactor.redact(u.reason())));
            }
        }

        List<DriftReport.Drifted> drift = new ArrayList<>();
        for (ResourceChange d : plan.drift()) {
            if (d.node() != null && unreachable.containsKey(d.node())) {
                continue;
            }
            Optional<IgnoreRule> whole = ignoredAs(rules, d.address(), null);
            if (whole.isPresent()) {
                ignored.add(new DriftReport.Ignored(d.address().toString(), null, whole.get().text()));
                continue;
            }
            if (d.action() == Action.DELETE) {
                List<DriftReport.AttributeDrift> was = new ArrayList<>();
                d.before().forEach((k, v) -> was.add(new DriftReport.AttributeDrift(k, d.sensitive().contains(k)
                        ? null : v, null, d.sensitive().contains(k))));
                drift.add(new DriftReport.Drifted(d.address(), d.node(), true, was));
                continue;
            }
            List<DriftReport.AttributeDrift> attrs = new ArrayList<>();
            for (AttributeChange a : d.changes()) {
                Optional<IgnoreRule> rule = ignoredAs(rules, d.address(), a.name());
                if (rule.isPresent()) {
                    ignored.add(new DriftReport.Ignored(d.address().toString(), a.name(), rule.get().text()));
                } else {
                    attrs.add(attribute(a));
                }
            }
            if (!attrs.isEmpty()) {
                drift.add(new DriftReport.Drifted(d.address(), d.node(), false, attrs));
            }
        }

        List<DriftReport.HealthItem> health = new ArrayList<>();
        List<Health.Finding> findings = new ArrayList<>(Health.findings(probes));
        findings.addAll(typeFindings);
        for (Health.Finding f : findings) {
            Optional<IgnoreRule> rule = rules.stream().filter(r -> r.coversHealth(f.node(), f.code())).findFirst();
            if (rule.isPresent()) {
                ignored.add(new DriftReport.Ignored(IgnoreRule.HEALTH + "." + f.node(), f.code(), rule.get().text()));
            } else {
                health.add(new DriftReport.HealthItem(f.node(), f.code(), redactor.redact(f.message()), f.advisory(),
                        f.error()));
            }
        }

        List<DriftReport.Unapplied> edits = new ArrayList<>();
        for (ResourceChange u : unapplied) {
            boolean unfinished = state.resource(u.address()).map(r -> r.status() != ResourceStatus.OK).orElse(false);
            List<DriftReport.AttributeDrift> attrs = u.action() == Action.UPDATE
                    ? u.changes().stream().map(DriftCheck::attribute).toList() : List.of();
            edits.add(new DriftReport.Unapplied(u.address(), u.node(), u.action().jsonName(), unfinished, attrs));
        }

        List<DriftReport.Unfinished> unfinished = new ArrayList<>();
        for (ResourceState r : state.resources()) {
            if (r.status() != ResourceStatus.IN_PROGRESS) {
                continue;
            }
            Optional<IgnoreRule> rule = ignoredAs(rules, r.address(), null);
            if (rule.isPresent()) {
                ignored.add(new DriftReport.Ignored(r.address().toString(), null, rule.get().text()));
            } else {
                unfinished.add(new DriftReport.Unfinished(r.address(), r.node()));
            }
        }

        return new DriftReport(config.clusterName(), pictlVersion, stateInfo, drift, unreadable,
                List.copyOf(unreachable.values()), health, edits, unfinished, ignored, nodes(config, probes, server),
                options);
    }

    private static DriftReport.AttributeDrift attribute(AttributeChange a) {
        return new DriftReport.AttributeDrift(a.name(), a.sensitive() ? null : a.before(),
                a.sensitive() ? null : a.after(), a.sensitive());
    }

    private static Optional<IgnoreRule> ignoredAs(List<IgnoreRule> rules, ResourceAddress address, String attribute) {
        return rules.stream().filter(r -> attribute == null ? r.attribute() == null && r.covers(address, null)
                : r.covers(address, attribute)).findFirst();
    }

    /** Described nodes that could not be probed, with the state's resources on them. */
    private static Map<String, DriftReport.Unreachable> unreachable(Config config, Map<String, ProbeOutcome> probes,
                                                                   State state, Redactor redactor) {
        Map<String, DriftReport.Unreachable> out = new LinkedHashMap<>();
        for (ResourceInstance n : config.ofType(dev.pictl.resource.Schemas.NODE_TYPE)) {
            String name = n.address().name();
            if (probes.get(name) instanceof ProbeOutcome.Failed f) {
                Set<ResourceAddress> mine = new LinkedHashSet<>();
                for (ResourceState r : state.resources()) {
                    if (name.equals(r.node())) {
                        mine.add(r.address());
                    }
                }
                String hint = f.cause().hint() == null ? "" : f.cause().hint();
                out.put(name, new DriftReport.Unreachable(name, address(n), redactor.redact(f.cause().getMessage()),
                        redactor.redact(hint), new ArrayList<>(mine)));
            }
        }
        return out;
    }

    /** A node's address as a report shows it: {@code (sensitive value)} when the description marks it. */
    private static String address(ResourceInstance node) {
        return node.value("address").map(v -> v.holdsSensitive()).orElse(false) ? Redactor.SHOWN : node.string("address");
    }

    private static List<DriftReport.NodeStatus> nodes(Config config, Map<String, ProbeOutcome> probes, String server) {
        NodeObservation.KubeSnapshot kube = server != null && probes.get(server) instanceof ProbeOutcome.Observed o
                && o.observation().kube() != null && o.observation().kube().ok() ? o.observation().kube() : null;
        List<DriftReport.NodeStatus> out = new ArrayList<>();
        for (ResourceInstance n : config.ofType(dev.pictl.resource.Schemas.NODE_TYPE)) {
            String name = n.address().name();
            Boolean ready = kube == null ? null : Health.ready(kube, name);
            if (probes.get(name) instanceof ProbeOutcome.Observed o) {
                NodeObservation.Facts f = o.observation().facts();
                long bits = f.throttledBits();
                out.add(new DriftReport.NodeStatus(name, address(n), true, f.model(), f.bootDevice(),
                        f.temperatureC(), f.throttled(), bits < 0 ? List.of() : Health.decodeThrottled(bits),
                        f.memTotalKb() > 0 ? f.memTotalKb() : null, ready));
            } else {
                out.add(new DriftReport.NodeStatus(name, address(n), false, null, null, null, null, List.of(),
                        null, ready));
            }
        }
        return out;
    }
}
