package dev.pictl.plan;

import dev.pictl.addr.ResourceAddress;
import dev.pictl.config.Config;
import dev.pictl.diag.Diagnostic;
import dev.pictl.diag.Diagnostics;
import dev.pictl.graph.ResourceGraph;
import dev.pictl.plan.kind.Kind;
import dev.pictl.plan.kind.Kinds;
import dev.pictl.plan.kind.Observed;
import dev.pictl.plan.kind.PlanContext;
import dev.pictl.probe.Health;
import dev.pictl.probe.NodeObservation;
import dev.pictl.probe.ProbeOutcome;
import dev.pictl.resource.AttributeSchema;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.resource.Schemas;
import dev.pictl.state.ResourceState;
import dev.pictl.state.SecretHasher;
import dev.pictl.state.State;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Builds a {@link Plan}: for every resource of the description, in dependency order, compares what it should
 * be (desired) with what probing found (prior); then plans deletes, in reverse dependency order, for what the
 * state has and the description no longer does; and lists drift (state of the last apply against prior).
 *
 * <pre>
 *   observed        attributes             action
 *   Unknown         -                      none; listed as unknown (the plan fails)
 *   Absent          -                      create
 *   Present         all the same           no-op   (replace with --replace)
 *   Present         some differ            update  (replace if one forces replacement)
 * </pre>
 */
public final class Differ {
    private Differ() {
    }

    /**
     * @param kinds  every resource type's planner view
     * @param hasher the state's secret hasher (sensitive values are compared as keyed hashes)
     */
    public static Plan plan(Kinds kinds, Config config, ResourceGraph graph, Map<String, ProbeOutcome> probes, State state,
                            SecretHasher hasher, PlanRequest request, String pictlVersion) {
        Diagnostics diags = new Diagnostics();
        PlanContext ctx = new PlanContext(kinds, config, probes, state, hasher, diags, request.upgradeOs());
        Set<ResourceAddress> scope = scope(graph, request.targets());
        List<ResourceChange> changes = new ArrayList<>();
        List<Plan.Unknown> unknown = new ArrayList<>();
        Map<ResourceAddress, Observed> observedByAddress = new HashMap<>();

        if (request.mode() != PlanMode.DESTROY) {
            for (ResourceAddress addr : graph.topologicalOrder()) {
                ResourceInstance inst = config.instance(addr).orElseThrow();
                ResourceState prior = state.resource(addr).orElse(null);
                Kind kind = ctx.kinds().of(addr.type());
                Observed observed = kind.observe(inst, prior, inst.node(), ctx);
                observedByAddress.put(addr, observed);
                if (!scope.contains(addr)) {
                    continue;
                }
                kind.advise(inst, ctx);
                if (ctx.state().isUnmanaged(addr) && observed instanceof Observed.Present present) {
                    changes.add(unmanaged(inst, kind, present, ctx, graph));
                    continue;
                }
                if (observed instanceof Observed.Unknown u) {
                    unknown.add(new Plan.Unknown(addr, inst.node(), ctx.redactor().redact(u.reason())));
                    continue;
                }
                changes.add(change(inst, kind, observed, ctx, graph, request));
            }
        }
        List<ResourceChange> deletes = deletes(config, state, request, ctx, observedByAddress, unknown, graph.order());
        changes.addAll(deletes);
        for (Kind k : ctx.kinds().all()) {
            k.checkPlan(changes, ctx);
        }
        List<ResourceChange> drift = drift(config, state, ctx, observedByAddress);
        if (request.mode() == PlanMode.REFRESH_ONLY) {
            changes = List.of();
        }
        Map<String, Plan.NodeInfo> nodes = nodes(config, probes, diags, ctx);
        Map<String, ProbeOutcome> described = new LinkedHashMap<>();
        probes.forEach((node, outcome) -> {
            if (nodes.containsKey(node)) {
                described.put(node, outcome);
            }
        });
        if (request.mode() != PlanMode.DESTROY) {
            health(described, config.drift().ignore(), diags);
        }
        formerNodes(deletes, nodes.keySet(), probes, diags);
        for (ResourceChange c : changes) {
            if (atRisk(c)) {
                diags.warning(config.instance(c.address()).map(ResourceInstance::headerRange).orElse(null),
                        dataLossSummary(c), "Apply refuses this unless you pass --allow-data-loss.");
            }
        }
        diags.redact(ctx.redactor());
        List<Diagnostic> all = new ArrayList<>(diags.sorted());
        List<String> targets = request.targets().stream().map(ResourceAddress::toString).toList();
        return new Plan(request.mode(), pictlVersion, state.lineage(), state.serial(), configHash(config), changes,
                drift, unknown, all, nodes, targets, request.upgradeOs(), ctx.updates());
    }

    private static boolean atRisk(ResourceChange c) {
        return c.dataLoss() != null && (c.action() == Action.DELETE || c.action() == Action.REPLACE);
    }

    private static String dataLossSummary(ResourceChange c) {
        return c.address() + " will be " + (c.action() == Action.DELETE ? "deleted" : "replaced") + " but "
                + c.dataLoss();
    }

    /**
     * The plan as apply without {@code --allow-data-loss} sees it: each change that puts data at risk is an error
     * (in place of the plan's warning), so nothing starts, rather than a refusal halfway through the walk that
     * another run would only repeat.
     */
    public static Plan refusingDataLoss(Plan plan, Config config) {
        List<ResourceChange> risky = plan.changes().stream().filter(Differ::atRisk).toList();
        if (risky.isEmpty()) {
            return plan;
        }
        Set<String> summaries = new HashSet<>();
        risky.forEach(c -> summaries.add(dataLossSummary(c)));
        Diagnostics diags = new Diagnostics();
        plan.diagnostics().stream().filter(d -> !summaries.contains(d.summary())).forEach(diags::add);
        for (ResourceChange c : risky) {
            diags.error(config.instance(c.address()).map(ResourceInstance::headerRange).orElse(null),
                    dataLossSummary(c), "Move or back up what it holds first, then apply again; or apply with "
                            + "--allow-data-loss to go ahead anyway.");
        }
        return plan.withDiagnostics(diags.sorted());
    }

    /**
     * A resource {@code pictl state rm} took out of management that its node still has: shown as not managed whatever
     * it looks like, never changed or recorded by apply ({@code after} is null) until {@code pictl import} records it.
     * What the node shows is kept as {@code before}. (One its node no longer has is planned as a create, shown and
     * approved like any other, as Terraform plans a resource it was told to forget.)
     */
    private static ResourceChange unmanaged(ResourceInstance inst, Kind kind, Observed.Present observed,
                                            PlanContext ctx, ResourceGraph graph) {
        Set<String> secret = kind.sensitive(inst, ctx);
        Map<String, Object> before = masked(observed, secret, kind, ctx).attributes();
        return new ResourceChange(inst.address(), inst.node(), Action.NO_OP, ActionReason.NOT_MANAGED, before, null,
                secret, List.of(), false, false, null, fingerprint(inst.address(), before, secret),
                new ArrayList<>(graph.dependencies(inst.address())));
    }

    private static ResourceChange change(ResourceInstance inst, Kind kind, Observed observed, PlanContext ctx,
                                         ResourceGraph graph, PlanRequest request) {
        ResourceAddress addr = inst.address();
        Set<String> secret = kind.sensitive(inst, ctx);
        Map<String, Object> desired = ctx.mask(kind.desired(inst, ctx), secret, kind);
        List<ResourceAddress> deps = new ArrayList<>(graph.dependencies(addr));
        boolean replaceRequested = request.replace().stream()
                .anyMatch(r -> r.equals(addr) || (!r.hasKey() && r.equals(addr.block())));
        if (observed instanceof Observed.Absent) {
            List<AttributeChange> all = created(desired, secret);
            boolean reboot = kind.reboots(all);
            return new ResourceChange(addr, inst.node(), Action.CREATE, ActionReason.NOT_PRESENT, null, desired,
                    secret, all, reboot, reboot && inCluster(inst.node(), ctx), null, "", deps);
        }
        Observed.Present p = masked((Observed.Present) observed, secret, kind, ctx);
        List<AttributeChange> diffs = new ArrayList<>();
        boolean forces = false;
        for (Map.Entry<String, Object> e : desired.entrySet()) {
            String k = e.getKey();
            Object before = p.attributes().get(k);
            if (!kind.same(k, e.getValue(), before)) {
                boolean f = kind.replacing().contains(k) || inst.schema().attribute(k)
                        .map(AttributeSchema::forcesReplacement).orElse(false);
                forces |= f;
                diffs.add(new AttributeChange(k, before, e.getValue(), f, secret.contains(k)));
            }
        }
        kind.check(inst, p.attributes(), diffs, ctx);
        Action action;
        ActionReason reason;
        if (diffs.isEmpty()) {
            boolean unfinished = ctx.state().resource(addr)
                    .map(r -> r.status() == dev.pictl.state.ResourceStatus.IN_PROGRESS).orElse(false);
            action = replaceRequested ? Action.REPLACE : Action.NO_OP;
            reason = replaceRequested ? ActionReason.REPLACE_REQUESTED
                    : unfinished ? ActionReason.UNFINISHED : ActionReason.NONE;
        } else if (forces || replaceRequested) {
            action = Action.REPLACE;
            reason = forces ? ActionReason.CANNOT_UPDATE_IN_PLACE : ActionReason.REPLACE_REQUESTED;
        } else {
            action = Action.UPDATE;
            ActionReason pending = diffs.size() == 1 ? kind.pendingReason(diffs.get(0).name()) : null;
            ActionReason update = pending != null ? pending : kind.updateReason(p.attributes(), diffs);
            reason = update != null ? update : ActionReason.ATTRIBUTE_CHANGED;
        }
        boolean reboot = action != Action.NO_OP && kind.reboots(diffs.isEmpty() ? List.of(new AttributeChange(
                "booted", false, true, false, false)) : diffs);
        String dataLoss = action == Action.REPLACE ? kind.dataLoss(p) : null;
        return new ResourceChange(addr, inst.node(), action, reason, p.attributes(), desired, secret, diffs,
                reboot, reboot && inCluster(inst.node(), ctx), dataLoss, fingerprint(addr, p.attributes(), secret), deps);
    }

    /**
     * What the probe saw, as the plan holds it: sensitive attributes as keyed hashes (compared with the
     * description's hashes), the note scrubbed of secrets (a PV's note names its path).
     */
    private static Observed.Present masked(Observed.Present p, Set<String> secret, Kind kind, PlanContext ctx) {
        return new Observed.Present(ctx.mask(p.attributes(), secret, kind), ctx.redactor().redact(p.note()));
    }

    /** Every attribute of a resource to create, as a change from nothing. */
    private static List<AttributeChange> created(Map<String, Object> desired, Set<String> secret) {
        List<AttributeChange> all = new ArrayList<>();
        desired.forEach((k, v) -> all.add(new AttributeChange(k, null, v, false, secret.contains(k))));
        return all;
    }

    /**
     * The sensitive attributes of a resource the state records: those the description marks (when it still has
     * the resource), the kind's own, and those the state holds only as hashes.
     */
    private static Set<String> secretOf(ResourceState r, Kind kind, ResourceInstance inst, PlanContext ctx) {
        Set<String> out = new TreeSet<>(kind.sensitive(inst, ctx));
        out.addAll(r.sensitiveHashes().keySet());
        return out;
    }

    /** A state entry's attributes with its hashes, sensitive ones masked. */
    private static Map<String, Object> recorded(ResourceState r, Set<String> secret, Kind kind, PlanContext ctx) {
        Map<String, Object> out = new LinkedHashMap<>(r.attributes());
        out.putAll(r.sensitiveHashes());
        return ctx.mask(out, secret, kind);
    }

    /** A node is in the cluster (so it is drained before a reboot) when its k3s unit runs. */
    private static boolean inCluster(String node, PlanContext ctx) {
        if (node == null) {
            return false;
        }
        return ctx.observation(node).map(o -> {
            var s = o.services().get("k3s");
            var a = o.services().get("k3s-agent");
            return (s != null && s.active()) || (a != null && a.active());
        }).orElse(false);
    }

    /**
     * Deletes for what the state has and the description (or, with --destroy, the plan) does not, dependents
     * before their dependencies: ordered by the dependencies recorded in the state, reversed.
     */
    private static List<ResourceChange> deletes(Config config, State state, PlanRequest request, PlanContext ctx,
                                                Map<ResourceAddress, Observed> observedByAddress,
                                                List<Plan.Unknown> unknown,
                                                java.util.Comparator<ResourceAddress> typeOrder) {
        boolean destroy = request.mode() == PlanMode.DESTROY;
        Map<ResourceAddress, ResourceState> gone = new TreeMap<>();
        for (ResourceState r : state.resources()) {
            boolean inConfig = config.instance(r.address()).isPresent();
            if ((destroy || !inConfig) && targeted(r.address(), request.targets())) {
                gone.put(r.address(), r);
            }
        }
        List<ResourceAddress> order = reverseDependencyOrder(gone, typeOrder);
        // Nodes this plan takes out of the cluster (their k3s is deleted first): a later reboot there needs no drain.
        Set<String> leaving = new HashSet<>();
        gone.values().stream().filter(r -> r.node() != null && ctx.kinds().of(r.type()).drainsBeforeDelete())
                .forEach(r -> leaving.add(r.node()));
        List<ResourceChange> out = new ArrayList<>();
        for (ResourceAddress addr : order) {
            ResourceState r = gone.get(addr);
            Kind kind = ctx.kinds().of(addr.type());
            Observed observed = config.instance(addr).isPresent() && observedByAddress.containsKey(addr)
                    ? observedByAddress.get(addr) : kind.observe(null, r, r.node(), ctx);
            if (observed instanceof Observed.Absent && !destroy) {
                continue; // already gone: only drift
            }
            Set<String> secret = secretOf(r, kind, config.instance(addr).orElse(null), ctx);
            if (observed instanceof Observed.Present present) {
                observed = masked(present, secret, kind, ctx);
            }
            Map<String, Object> before = observed instanceof Observed.Present p ? p.attributes()
                    : ctx.mask(r.attributes(), secret, kind);
            String dataLoss = observed instanceof Observed.Present p ? kind.dataLoss(p) : null;
            String fingerprint = observed instanceof Observed.Present p ? fingerprint(addr, p.attributes(), secret) : "";
            ActionReason reason = destroy ? ActionReason.DESTROY_REQUESTED : ActionReason.REMOVED_FROM_CONFIG;
            boolean reboot = observed instanceof Observed.Present p && kind.rebootsOnDelete(p, r.node(), ctx);
            boolean drain = inCluster(r.node(), ctx)
                    && (kind.drainsBeforeDelete() || reboot && !leaving.contains(r.node()));
            out.add(new ResourceChange(addr, r.node(), Action.DELETE, reason, before, null, secret,
                    List.of(), reboot, drain, dataLoss, fingerprint, r.dependencies()));
        }
        return out;
    }

    private static boolean targeted(ResourceAddress a, List<ResourceAddress> targets) {
        return targets.isEmpty() || targets.stream().anyMatch(t -> t.equals(a) || (!t.hasKey() && t.equals(a.block())));
    }

    /** Dependents first: a resource is deleted only after everything that depended on it. */
    static List<ResourceAddress> reverseDependencyOrder(Map<ResourceAddress, ResourceState> items,
                                                        java.util.Comparator<ResourceAddress> typeOrder) {
        List<ResourceAddress> ordered = new ArrayList<>();
        Set<ResourceAddress> done = new HashSet<>();
        // Kahn's algorithm on "depends on" restricted to the set, then reversed.
        Map<ResourceAddress, Integer> pending = new TreeMap<>(typeOrder);
        for (ResourceAddress a : items.keySet()) {
            pending.put(a, (int) items.get(a).dependencies().stream().filter(items::containsKey).count());
        }
        while (!pending.isEmpty()) {
            ResourceAddress next = pending.entrySet().stream().filter(e -> e.getValue() == 0).map(Map.Entry::getKey)
                    .findFirst().orElse(pending.keySet().iterator().next());
            pending.remove(next);
            done.add(next);
            ordered.add(next);
            for (ResourceAddress a : pending.keySet()) {
                if (items.get(a).dependencies().contains(next)) {
                    pending.put(a, pending.get(a) - 1);
                }
            }
        }
        List<ResourceAddress> reversed = new ArrayList<>(ordered);
        java.util.Collections.reverse(reversed);
        return reversed;
    }

    /** What changed outside pictl: the state's record against what the nodes show now. */
    private static List<ResourceChange> drift(Config config, State state, PlanContext ctx,
                                              Map<ResourceAddress, Observed> observedByAddress) {
        List<ResourceChange> out = new ArrayList<>();
        for (ResourceState r : state.resources()) {
            if (r.status() == dev.pictl.state.ResourceStatus.IN_PROGRESS) {
                // An apply was changing it when it stopped: what the node shows may be pictl's own half-done work,
                // not a change made outside pictl. The plan re-plans it; drift lists it as unfinished.
                continue;
            }
            Kind kind = ctx.kinds().of(r.type());
            Observed observed = observedByAddress.containsKey(r.address()) ? observedByAddress.get(r.address())
                    : kind.observe(config.instance(r.address()).orElse(null), r, r.node(), ctx);
            if (observed instanceof Observed.Unknown) {
                continue;
            }
            Set<String> secret = secretOf(r, kind, config.instance(r.address()).orElse(null), ctx);
            if (observed instanceof Observed.Absent) {
                out.add(new ResourceChange(r.address(), r.node(), Action.DELETE, ActionReason.NONE,
                        ctx.mask(r.attributes(), secret, kind), null, secret, List.of(), false, false, null, "",
                        r.dependencies()));
                continue;
            }
            Observed.Present p = masked((Observed.Present) observed, secret, kind, ctx);
            List<AttributeChange> diffs = new ArrayList<>();
            // Recorded attributes first, then the hashes; both against the probe, sensitive ones hash to hash.
            Map<String, Object> before = recorded(r, secret, kind, ctx);
            for (Map.Entry<String, Object> e : before.entrySet()) {
                String k = e.getKey();
                Object now = p.attributes().get(k);
                boolean seen = r.sensitiveHashes().containsKey(k) ? now != null : p.attributes().containsKey(k);
                if (seen && !kind.same(k, e.getValue(), now)) {
                    diffs.add(new AttributeChange(k, e.getValue(), now, false, secret.contains(k)));
                }
            }
            for (String leftover : kind.leftovers()) {
                if (p.attributes().containsKey(leftover) && !before.containsKey(leftover)) {
                    diffs.add(new AttributeChange(leftover, false, p.attributes().get(leftover), false, false));
                }
            }
            if (!diffs.isEmpty()) {
                out.add(new ResourceChange(r.address(), r.node(), Action.UPDATE, ActionReason.NONE, before,
                        p.attributes(), secret, diffs, false, false, null, fingerprint(r.address(),
                        p.attributes(), secret), r.dependencies()));
            }
        }
        return out;
    }

    /**
     * Description edits not applied yet: what the description asks for against the state of the last apply,
     * whatever the nodes show (that is drift's business). A resource the state lacks is a create, one only the
     * state has a delete, one whose recorded attributes differ an update. Attributes the state never recorded,
     * and attributes whose description value is unknown (a variable without a value), are not compared.
     */
    public static List<ResourceChange> unapplied(Kinds kinds, Config config, ResourceGraph graph, Map<String, ProbeOutcome> probes,
                                                 State state, SecretHasher hasher) {
        PlanContext ctx = new PlanContext(kinds, config, probes, state, hasher, new Diagnostics());
        List<ResourceChange> out = new ArrayList<>();
        for (ResourceAddress addr : graph.topologicalOrder()) {
            if (state.isUnmanaged(addr)) {
                continue; // not an edit to apply: pictl state rm took it out of management
            }
            ResourceInstance inst = config.instance(addr).orElseThrow();
            Kind kind = ctx.kinds().of(addr.type());
            List<ResourceAddress> deps = new ArrayList<>(graph.dependencies(addr));
            ResourceState recorded = state.resource(addr).orElse(null);
            if (recorded == null || neverRecorded(recorded)) {
                Set<String> secret = kind.sensitive(inst, ctx);
                Map<String, Object> desired = ctx.mask(kind.desired(inst, ctx), secret, kind);
                out.add(new ResourceChange(addr, inst.node(), Action.CREATE, ActionReason.NOT_PRESENT, null, desired,
                        secret, created(desired, secret), false, false, null, "", deps));
                continue;
            }
            Set<String> secret = secretOf(recorded, kind, inst, ctx);
            Map<String, Object> desired = ctx.mask(kind.desired(inst, ctx), secret, kind);
            Map<String, Object> before = recorded(recorded, secret, kind, ctx);
            List<AttributeChange> diffs = new ArrayList<>();
            for (Map.Entry<String, Object> e : desired.entrySet()) {
                String k = e.getKey();
                if (inst.attributes().get(k) != null && hasUnknown(inst.attributes().get(k))) {
                    continue;
                }
                boolean sensitive = secret.contains(k);
                Object was = before.get(k);
                boolean known = recorded.sensitiveHashes().containsKey(k) || recorded.attributes().containsKey(k)
                        || kind.sensitive().contains(k) && e.getValue() != null;
                if (known && !kind.same(k, e.getValue(), was)) {
                    boolean forces = kind.replacing().contains(k) || inst.schema().attribute(k)
                            .map(AttributeSchema::forcesReplacement).orElse(false);
                    diffs.add(new AttributeChange(k, was, e.getValue(), forces, sensitive));
                }
            }
            if (!diffs.isEmpty() || recorded.status() != dev.pictl.state.ResourceStatus.OK) {
                out.add(new ResourceChange(addr, inst.node(), Action.UPDATE, ActionReason.ATTRIBUTE_CHANGED, before,
                        desired, secret, diffs, false, false, null, "", deps));
            }
        }
        for (ResourceState r : state.resources()) {
            if (config.instance(r.address()).isEmpty()) {
                Kind kind = ctx.kinds().of(r.type());
                Set<String> secret = secretOf(r, kind, null, ctx);
                out.add(new ResourceChange(r.address(), r.node(), Action.DELETE, ActionReason.REMOVED_FROM_CONFIG,
                        recorded(r, secret, kind, ctx), null, secret, List.of(), false, false, null, "",
                        r.dependencies()));
            }
        }
        return out;
    }

    /**
     * An entry an apply marked {@code in_progress} before creating the resource, and never recorded: the create
     * failed or was cut off. The state knows nothing of the object (no attributes, no fingerprint), so it is no
     * evidence that the object existed: not "deleted" when the node lacks it, and still a create to apply.
     */
    static boolean neverRecorded(ResourceState r) {
        return r.status() == dev.pictl.state.ResourceStatus.IN_PROGRESS && r.attributes().isEmpty()
                && r.sensitiveHashes().isEmpty() && r.fingerprint().isEmpty();
    }

    /**
     * The change with its sensitive attributes in clear, for the executor that applies it and nothing else: the plan
     * (and a saved plan file) holds only their hashes, so apply takes the values again from the description
     * ({@code after}) and from the same probe the plan was made from ({@code before}). The always sensitive ones (the
     * k3s token) come back as their hashes, as the kinds make them (a saved plan holds neither): executors read those
     * through their own way ({@code ApplyContext.secret}).
     *
     * @param state the state the plan was made against
     */
    public static ResourceChange reveal(Kinds kinds, ResourceChange c, Config config, Map<String, ProbeOutcome> probes,
                                        State state, SecretHasher hasher) {
        Kind kind = kinds.of(c.address().type());
        Set<String> hidden = new TreeSet<>(c.sensitive());
        if (hidden.isEmpty()) {
            return c;
        }
        PlanContext ctx = new PlanContext(kinds, config, probes, state, hasher, new Diagnostics());
        ResourceInstance inst = config.instance(c.address()).orElse(null);
        Map<String, Object> after = c.after() == null ? null : new LinkedHashMap<>(c.after());
        if (after != null && inst != null) {
            Map<String, Object> desired = kind.desired(inst, ctx);
            hidden.forEach(k -> {
                if (desired.get(k) != null) {
                    after.put(k, desired.get(k));
                } else {
                    after.remove(k);
                }
            });
        }
        Map<String, Object> before = c.before() == null ? null : new LinkedHashMap<>(c.before());
        ResourceState prior = state.resource(c.address()).orElse(null);
        if (before != null && (inst != null || prior != null)) {
            Observed seen = kind.observe(inst, prior, inst != null ? inst.node() : prior.node(), ctx);
            if (seen instanceof Observed.Present p) {
                hidden.forEach(k -> {
                    if (p.attributes().get(k) != null) {
                        before.put(k, p.attributes().get(k));
                    } else {
                        before.remove(k);
                    }
                });
            }
        }
        return new ResourceChange(c.address(), c.node(), c.action(), c.reason(), before, after, c.sensitive(),
                c.changes(), c.reboot(), c.drain(), c.dataLoss(), c.fingerprint(), c.dependencies());
    }

    /** Whether a description value is, or holds, a value not known yet (a variable given no value). */
    private static boolean hasUnknown(dev.pictl.resource.Value v) {
        if (v instanceof dev.pictl.resource.Value.Unknown) {
            return true;
        }
        if (v instanceof dev.pictl.resource.Value.ListVal l) {
            return l.items().stream().anyMatch(Differ::hasUnknown);
        }
        if (v instanceof dev.pictl.resource.Value.MapVal m) {
            return m.entries().values().stream().anyMatch(Differ::hasUnknown);
        }
        return false;
    }

    /** Resources in scope: everything, or the targets and everything they depend on. */
    private static Set<ResourceAddress> scope(ResourceGraph graph, List<ResourceAddress> targets) {
        Set<ResourceAddress> all = new TreeSet<>(graph.order());
        if (targets.isEmpty()) {
            all.addAll(graph.topologicalOrder());
            return all;
        }
        List<ResourceAddress> work = new ArrayList<>();
        for (ResourceAddress a : graph.topologicalOrder()) {
            if (targeted(a, targets)) {
                work.add(a);
            }
        }
        while (!work.isEmpty()) {
            ResourceAddress a = work.remove(work.size() - 1);
            if (all.add(a)) {
                work.addAll(graph.dependencies(a));
            }
        }
        return all;
    }

    /**
     * A node that left the description is cleaned up at the address its state entry recorded (its k3s, runtime and
     * cmdline flags removed); one that cannot be reached is only forgotten, and the plan says so once.
     */
    private static void formerNodes(List<ResourceChange> deletes, Set<String> described,
                                    Map<String, ProbeOutcome> probes, Diagnostics diags) {
        Set<String> warned = new TreeSet<>();
        for (ResourceChange c : deletes) {
            String node = c.node();
            if (node == null || described.contains(node) || !warned.add(node)) {
                continue;
            }
            ProbeOutcome o = probes.get(node);
            if (!(o instanceof ProbeOutcome.Observed)) {
                String why = o instanceof ProbeOutcome.Failed f ? f.cause().getMessage() : node + ": pictl has no address to reach it at (none in the state, "
                        + "or no such board in the simulator)";
                diags.warning(null, node + " is no longer in the configuration and cannot be reached: its resources "
                                + "leave the state, and what pictl put on the board stays there",
                        why + "\nTo clean the board too, bring it back online and plan again; once applied, its "
                                + "entries are gone and pictl no longer knows what it put there.");
            }
        }
    }

    private static Map<String, Plan.NodeInfo> nodes(Config config, Map<String, ProbeOutcome> probes, Diagnostics diags,
                                                    PlanContext ctx) {
        Map<String, Plan.NodeInfo> out = new LinkedHashMap<>();
        for (ResourceInstance n : config.ofType(dev.pictl.resource.Schemas.NODE_TYPE)) {
            String name = n.address().name();
            ProbeOutcome o = probes.get(name);
            String description;
            boolean reachable = o instanceof ProbeOutcome.Observed;
            if (o instanceof ProbeOutcome.Observed obs) {
                description = describe(obs.observation());
            } else if (o instanceof ProbeOutcome.Failed f) {
                description = "unreachable: " + f.cause().getMessage();
                diags.error(n.headerRange(), name + " could not be probed; its resources are unknown",
                        f.cause().getMessage() + (f.cause().hint() == null || f.cause().hint().isEmpty() ? ""
                                : "\n" + f.cause().hint()));
            } else {
                description = "not probed";
            }
            String address = ctx.nodeAddressSensitive(name) ? dev.pictl.diag.Redactor.SHOWN : n.string("address");
            out.put(name, new Plan.NodeInfo(name, address, ctx.redactor().redact(description), reachable));
        }
        return out;
    }

    private static String describe(NodeObservation o) {
        NodeObservation.Facts f = o.facts();
        StringBuilder b = new StringBuilder();
        b.append(f.model() == null ? "unknown model" : f.model());
        if (f.memTotalKb() > 0) {
            b.append(String.format(", %.1f GB", f.memTotalKb() / 1024.0 / 1024.0));
        }
        if (f.osCodename() != null) {
            b.append(", ").append(f.osCodename());
        }
        if (f.arch() != null) {
            b.append(", ").append(f.arch());
        }
        return b.toString();
    }

    /**
     * Health findings (every node's own and the cluster's, from the server's snapshot), one warning per kind of
     * finding with the nodes it concerns. Advisory findings are warnings too: a plan is where a person first
     * hears that a board boots from an SD card.
     */
    /**
     * The nodes' health findings as warnings, grouped by kind, minus those the description's {@code drift { ignore }}
     * rules silence ({@code health.NODE[.CODE]}: the same rules as drift's). An advisory finding (a standing fact of
     * the hardware, e.g. SD-card boot) is one line for all its nodes, without a line per node.
     */
    private static void health(Map<String, ProbeOutcome> probes, List<dev.pictl.addr.IgnoreRule> rules,
                               Diagnostics diags) {
        Map<String, List<Health.Finding>> byCode = new TreeMap<>();
        for (Health.Finding f : Health.findings(probes)) {
            if (rules.stream().noneMatch(r -> r.coversHealth(f.node(), f.code()))) {
                byCode.computeIfAbsent(f.code() + "\0" + generic(f), k -> new ArrayList<>()).add(f);
            }
        }
        for (List<Health.Finding> group : byCode.values()) {
            if (group.size() == 1) {
                diags.warning(null, group.get(0).node() + ": " + group.get(0).message(), "");
            } else {
                List<String> names = group.stream().map(Health.Finding::node).toList();
                diags.warning(null, String.join(", ", names) + ": " + generic(group.get(0)),
                        group.get(0).advisory() ? "" : String.join("\n", group.stream()
                                .map(f -> f.node() + ": " + f.message()).toList()));
            }
        }
    }

    /** A finding's message without node-specific details in parentheses, for grouping. */
    private static String generic(Health.Finding f) {
        return f.message().replaceAll(" \\([^)]*\\)", "");
    }

    /**
     * A hash of what the probe saw for a resource; a saved plan compares it before applying. Sensitive attributes
     * ({@code sensitive}: the change's, which include the kind's own) are left out: their keyed hashes depend on the
     * state's key, which a first plan does not have yet.
     */
    public static String fingerprint(ResourceAddress addr, Map<String, Object> observed, Set<String> sensitive) {
        Map<String, Object> shown = new TreeMap<>(observed);
        sensitive.forEach(shown::remove);
        return "sha256:" + sha256(addr + "\n" + canonical(shown));
    }

    /**
     * A hash of the configuration files (names and contents), secrets left out: the files include .pivars, and an
     * unkeyed hash over a secret in a saved plan would let it be guessed offline.
     */
    public static String configHash(Config config) {
        StringBuilder b = new StringBuilder();
        dev.pictl.diag.Redactor secrets = config.redactor();
        // By file name only: the same files give the same hash wherever the configuration is checked out.
        Map<String, String> byName = new TreeMap<>();
        config.sources().forEach((name, text) -> byName.put(java.nio.file.Path.of(name).getFileName().toString(),
                secrets.redact(text)));
        byName.forEach((name, text) -> b.append(name).append('\0').append(text).append('\0'));
        return "sha256:" + sha256(b.toString());
    }

    static String canonical(Object v) {
        if (v instanceof Map<?, ?> m) {
            StringBuilder b = new StringBuilder("{");
            new TreeMap<>(m).forEach((k, x) -> b.append(k).append('=').append(canonical(x)).append(';'));
            return b.append('}').toString();
        } else if (v instanceof List<?> l) {
            StringBuilder b = new StringBuilder("[");
            l.forEach(x -> b.append(canonical(x)).append(','));
            return b.append(']').toString();
        }
        return String.valueOf(v);
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
