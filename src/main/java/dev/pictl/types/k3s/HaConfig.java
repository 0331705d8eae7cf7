package dev.pictl.types.k3s;

import dev.pictl.plan.AttributeChange;
import dev.pictl.plan.kind.PlanContext;
import dev.pictl.probe.NodeObservation;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.resource.Value;
import dev.pictl.state.ResourceState;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The planner's view of several servers (issue 14): config.yaml's {@code cluster-init} and {@code tls-san}, the
 * {@code nodes} and {@code api_address} attributes, what the other servers show, and the quorum rule that refuses a
 * change before anything is touched.
 *
 * <p>One {@code k3s_server} resource covers every server: its {@code node} is the first (cluster-init, and where
 * {@code k3s kubectl} runs), {@code nodes} lists them all. Observed, {@code version} is the oldest release any
 * reachable server runs, {@code running} false when one of them is stopped, {@code config} the first server's unless
 * another's differs (then that one's, shown under the first's node name), and {@code nodes} the servers k3s is
 * installed on (a board that does not answer counts as still there when the state had it: it is a down member, not a
 * removed one).
 */
final class HaConfig {
    /** config.yaml keys that change the server's role or datastore; pictl writes them in the several-server form. */
    static final String CLUSTER_INIT = "cluster-init";
    static final String TLS_SAN = "tls-san";

    private HaConfig() {
    }

    /** Whether the description uses the several-server form ({@code nodes}, even of one: embedded etcd). */
    static boolean ha(ResourceInstance instance) {
        return instance.attributes().containsKey("nodes");
    }

    /** The first server's config: with {@code cluster-init} (etcd), and {@code api_address} added to {@code tls-san}. */
    static Map<String, Object> desired(ResourceInstance instance, Map<String, Object> config) {
        Map<String, Object> c = new TreeMap<>(config);
        if (ha(instance)) {
            c.put(CLUSTER_INIT, "true");
        }
        String api = instance.string("api_address");
        if (api != null) {
            List<String> sans = new ArrayList<>();
            Object had = c.get(TLS_SAN);
            if (had instanceof List<?> l) {
                l.forEach(x -> sans.add(String.valueOf(x)));
            } else if (had != null) {
                for (String x : String.valueOf(had).split(",")) {
                    if (!x.isBlank()) {
                        sans.add(x.strip());
                    }
                }
            }
            if (!sans.contains(api)) {
                sans.add(api);
            }
            c.put(TLS_SAN, sans);
        }
        return c;
    }

    static K3sValues.Server withServers(ResourceInstance instance, K3sValues.Server v) {
        List<String> nodes = ha(instance) ? HaServers.nodes(instance) : null;
        String api = instance.string("api_address");
        return nodes == null && api == null ? v : v.withServers(nodes, api);
    }

    /** The servers the state recorded (the several-server form's {@code nodes}, else its one node). */
    static List<String> recorded(ResourceState prior) {
        if (prior == null) {
            return List.of();
        }
        return K3sValues.Server.of(prior.attributes()).servers(prior.node());
    }

    /** The first server's observed values, completed with the other servers' (see the class comment). */
    static K3sValues.Server observeOthers(ResourceInstance instance, ResourceState prior, K3sValues.Server first,
                                          PlanContext ctx) {
        boolean recordedHa = prior != null && prior.attributes().get("nodes") != null;
        // a resource only the state knows (a delete) has no instance
        String api = instance == null ? null : instance.string("api_address");
        if ((instance == null || !ha(instance)) && !recordedHa) {
            return api == null ? first : first.withServers(null, api);
        }
        String firstNode = first.node();
        Set<String> candidates = new LinkedHashSet<>(instance == null ? List.of() : HaServers.nodes(instance));
        List<String> before = recorded(prior);
        candidates.addAll(before);
        String version = first.version();
        boolean running = first.running();
        Map<String, Object> config = first.config();
        List<String> present = new ArrayList<>();
        present.add(firstNode);
        for (String n : candidates) {
            if (n.equals(firstNode)) {
                continue;
            }
            Optional<NodeObservation> o = ctx.observation(n);
            if (o.isEmpty()) {
                if (before.contains(n)) {
                    present.add(n);
                }
                continue;
            }
            NodeObservation.ServiceState unit = o.get().services().get("k3s");
            K3sProbe.K3sInstall k = o.get().part(K3sProbe.INSTALL);
            if (k == null || k.version() == null || unit == null || !unit.unitExists()) {
                continue;
            }
            present.add(n);
            K3sVersion a = K3sVersion.parse(k.version());
            K3sVersion b = K3sVersion.parse(version);
            if (version == null || a != null && b != null && a.compareTo(b) < 0) {
                version = k.version();
            }
            running &= unit.active();
            Map<String, Object> theirs = K3sServerKind.observedConfig(k.configYaml(), k.serverPassword());
            if (config != null && !comparable(theirs).equals(comparable(config))) {
                Map<String, Object> shown = new TreeMap<>(theirs);
                shown.put("node-name", config.get("node-name"));
                if (config.containsKey(CLUSTER_INIT)) {
                    shown.put(CLUSTER_INIT, config.get(CLUSTER_INIT));
                }
                config = shown;
            }
        }
        return new K3sValues.Server(firstNode, version, running, config, first.token(), first.registryMirrors(),
                first.registryAuth(), present, api);
    }

    /** A server's config without what differs between servers by design (its name, cluster-init on the first). */
    private static Map<String, Object> comparable(Map<String, Object> c) {
        Map<String, Object> out = new TreeMap<>(c);
        out.remove("node-name");
        out.remove(CLUSTER_INIT);
        return out;
    }

    /** Changes that restart a server (or take its member out): they roll one server at a time. */
    private static final Set<String> DISRUPTING = Set.of("version", "config", "token", Registries.MIRRORS,
            Registries.AUTH, "node");

    /**
     * Refuses, before anything is touched, a change that takes a member down (a restart, an upgrade, the removal of
     * a healthy member) while another member is already down and one more down would lose quorum; names the members
     * that are down and why.
     */
    static void quorumRule(ResourceInstance instance, Map<String, Object> before, List<AttributeChange> changes,
                           PlanContext ctx) {
        if (before == null) {
            return;
        }
        K3sValues.Server was = K3sValues.Server.of(before);
        if (was.nodes() == null || was.nodes().size() < 2) {
            return;
        }
        List<String> members = was.nodes();
        Down d = down(members, ctx);
        List<String> down = d.nodes();
        List<String> why = d.why();
        if (down.isEmpty()) {
            return;
        }
        List<String> wanted = HaServers.nodes(instance);
        boolean restarts = changes.stream().anyMatch(c -> DISRUPTING.contains(c.name()));
        boolean removesHealthy = members.stream().anyMatch(n -> !wanted.contains(n) && !down.contains(n));
        if (!(restarts || removesHealthy) || !HaServers.oneMoreLosesQuorum(members.size(), down.size())) {
            return;
        }
        int q = HaServers.quorum(members.size());
        ctx.diagnostics().error(instance.rangeOf(instance.attributes().containsKey("nodes") ? "nodes" : "node"),
                instance.address() + ": etcd member" + (down.size() > 1 ? "s " : " ") + String.join(", ", down)
                        + (down.size() > 1 ? " are" : " is") + " down; this change would take another server down and "
                        + "lose quorum",
                "Down: " + String.join("; ", why) + ". etcd needs " + q + " of its " + members.size()
                        + " members to accept writes, and " + (restarts ? "this change restarts every server, one at a "
                        + "time" : "this change removes a healthy server") + ": with " + down.size() + " down, one more "
                        + "leaves " + (members.size() - down.size() - 1) + ". Nothing was changed. Bring "
                        + String.join(", ", down) + " back (power, network, `systemctl start k3s`) and plan again, or "
                        + "remove " + (down.size() > 1 ? "them" : "it") + " from nodes first, in a separate apply (with the "
                        + "node block too if the board is gone: its member and Node are then removed through the "
                        + "other servers).");
    }

    /** The members that are down (unreachable, or k3s not running) and why, as the probe saw them. */
    private record Down(List<String> nodes, List<String> why) {
    }

    private static Down down(List<String> members, PlanContext ctx) {
        List<String> down = new ArrayList<>();
        List<String> why = new ArrayList<>();
        for (String n : members) {
            Optional<NodeObservation> o = ctx.observation(n);
            NodeObservation.ServiceState unit = o.map(x -> x.services().get("k3s")).orElse(null);
            if (o.isEmpty()) {
                down.add(n);
                String reason = ctx.unreachableReason(n);
                if (reason != null && reason.startsWith(n + ": ")) {
                    reason = reason.substring(n.length() + 2);
                }
                why.add(n + " (unreachable" + (reason == null ? "" : ": " + ctx.redactor().redact(reason)) + ")");
            } else if (unit == null || !unit.active()) {
                down.add(n);
                why.add(n + " (k3s not running)");
            }
        }
        return new Down(down, why);
    }

    /**
     * The quorum rule for the other types' changes: a change that reboots a member (kernel_params, boot_config, an OS
     * update with a new kernel) while another member is down and one more down would lose quorum is refused before
     * anything is touched, at the change's block; the members are those the state recorded for {@code server}.
     */
    static void rebootRule(ResourceInstance server, List<dev.pictl.plan.ResourceChange> changes, PlanContext ctx) {
        Map<String, Object> recorded = ctx.state().resource(server.address())
                .map(dev.pictl.state.ResourceState::attributes).orElse(null);
        List<String> members = recorded == null ? null : K3sValues.Server.of(recorded).nodes();
        if (members == null || members.size() < 2) {
            return;
        }
        Down d = down(members, ctx);
        if (!HaServers.oneMoreLosesQuorum(members.size(), d.nodes().size())) {
            return;
        }
        int q = HaServers.quorum(members.size());
        for (dev.pictl.plan.ResourceChange c : changes) {
            if (!c.reboot() || !members.contains(c.node()) || d.nodes().contains(c.node())
                    || c.address().type().equals(K3sServerType.NAME)) {
                continue;
            }
            List<String> down = d.nodes();
            ctx.diagnostics().error(ctx.config().instance(c.address()).map(ResourceInstance::headerRange)
                            .orElse(server.headerRange()),
                    c.address() + ": this change reboots " + c.node() + ", an etcd member, while " + (down.size() > 1
                            ? "members " : "member ") + String.join(", ", down) + (down.size() > 1 ? " are" : " is")
                            + " down; that would lose quorum",
                    "Down: " + String.join("; ", d.why()) + ". etcd needs " + q + " of its " + members.size()
                            + " members to accept writes: with " + down.size() + " down, rebooting " + c.node()
                            + " leaves " + (members.size() - down.size() - 1) + ". Nothing was changed. Bring "
                            + String.join(", ", down) + " back (power, network, `systemctl start k3s`) and plan again.");
        }
    }

    /** The first k3s release that migrates a running sqlite server's data into etcd on a restart with cluster-init. */
    static final String MIGRATES_SINCE = "v1.22.2+k3s1";

    /**
     * Moving a running single server from sqlite to embedded etcd ({@code node} to {@code nodes}): k3s migrates the
     * data when the server restarts with {@code cluster-init}, since {@value #MIGRATES_SINCE}; older releases start an
     * empty datastore instead (day2-facts §1.4), so that is refused with what to do.
     */
    static void conversionRule(ResourceInstance instance, Map<String, Object> before, PlanContext ctx) {
        if (before == null || !ha(instance) || K3sValues.Server.of(before).nodes() != null) {
            return;
        }
        K3sVersion target = K3sVersion.parse(instance.string("version"));
        if (target != null && target.compareTo(K3sVersion.parse(MIGRATES_SINCE)) < 0) {
            ctx.diagnostics().error(instance.rangeOf("version"), instance.address() + ": k3s " + target
                            + " cannot move a running sqlite server to embedded etcd",
                    "k3s migrates the sqlite data into etcd on a restart with cluster-init only since "
                            + MIGRATES_SINCE + "; older releases start an EMPTY datastore. Upgrade the server first "
                            + "(version = \"" + MIGRATES_SINCE + "\" or newer, one apply), then list it in nodes.");
        }
    }

    /** The value of {@code api_address} in a description, if set. */
    static String apiAddress(ResourceInstance instance) {
        return instance.attributes().get("api_address") instanceof Value.Str s ? s.value() : null;
    }
}
