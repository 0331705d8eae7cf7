package dev.pictl.engine;

import dev.pictl.addr.ResourceAddress;
import dev.pictl.apply.Applier;
import dev.pictl.apply.ApplyContext;
import dev.pictl.apply.ApplyHook;
import dev.pictl.apply.ApplyOptions;
import dev.pictl.apply.Described;
import dev.pictl.config.Config;
import dev.pictl.diag.Diagnostic;
import dev.pictl.diag.Diagnostics;
import dev.pictl.diag.Suggest;
import dev.pictl.graph.ResourceGraph;
import dev.pictl.plan.Action;
import dev.pictl.plan.ActionReason;
import dev.pictl.plan.Differ;
import dev.pictl.plan.Plan;
import dev.pictl.plan.PlanMode;
import dev.pictl.plan.PlanRequest;
import dev.pictl.plan.ResourceChange;
import dev.pictl.plan.kind.ClusterEndpoint;
import dev.pictl.probe.ProbeOutcome;
import dev.pictl.state.ResourceState;
import dev.pictl.state.SecretHasher;
import dev.pictl.state.State;
import dev.pictl.state.StateBackend;
import dev.pictl.state.StateException;
import dev.pictl.state.StateWriter;
import dev.pictl.transport.Transport;
import dev.pictl.types.ResourceTypes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code pictl import} ({@link Pictl#importResources}): records resources of the description that already exist on
 * their nodes into the state, deliberately, as Terraform's import does; it also ends what {@code state rm} started (the
 * address is managed again). Holds the state lock; probes the nodes; changes nothing on a node. It reuses apply's
 * machinery: the plan of just those addresses (on a copy of the state with the "not managed" mark lifted), then the
 * Applier on a plan of only their no-ops, so the record is exactly what apply's adoption writes. A resource that
 * differs from the description is recorded as observed, so the next plan shows the update. All or nothing: an address
 * the description lacks, one the state already manages, one not on its node (apply creates it) and one whose node
 * cannot be read are refused before anything is written.
 */
final class ImportOperation {
    private ImportOperation() {
    }

    /** Probes the nodes as plan does ({@code Pictl.probe}), without waiting for a reboot. */
    @FunctionalInterface
    interface Prober {
        Map<String, ProbeOutcome> probe(NodeTargets targets, Transport transport, State state);
    }

    /**
     * The entries recorded, in the order asked; empty, with the reasons in {@code diags}, when anything was refused.
     *
     * @param transports makes the transport to probe through, once the refusals that need no node are done
     */
    static List<ResourceState> run(ImportRunRequest request, Config config, ResourceGraph graph, Diagnostics diags,
                                   ResourceTypes types, StateBackend store,
                                   java.util.function.Supplier<Transport> transports, Prober prober)
            throws StateException {
        PlanRunRequest pr = request.planRun();
        List<ResourceAddress> wanted = new ArrayList<>();
        List<String> described = config.instances().stream().map(i -> i.address().toString()).toList();
        for (ResourceAddress a : request.addresses()) {
            List<ResourceAddress> m = config.instances().stream().map(i -> i.address())
                    .filter(x -> x.equals(a) || (!a.hasKey() && x.block().equals(a))).toList();
            if (m.isEmpty()) {
                String near = Suggest.closest(a.toString(), described);
                diags.add(Diagnostic.error(null, "no resource " + a + " in the description" + (near == null ? ""
                        : "; did you mean " + near + "?"), "pictl imports only what the description declares: add its"
                        + " block first (pictl state list shows what the state holds; pictl graph what the description"
                        + " declares)."));
            }
            m.stream().filter(x -> !wanted.contains(x)).forEach(wanted::add);
        }
        if (diags.hasErrors()) {
            return List.of();
        }
        String command = "pictl import " + String.join(" ", wanted.stream().map(Object::toString).toList());
        try (StateWriter lock = store.lock(command, request.lockTimeout())) {
            State state = lock.read();
            store.requireKnownTypes(state, types.catalog().names());
            for (ResourceAddress a : wanted) {
                if (state.resource(a).isPresent()) {
                    diags.add(Diagnostic.error(config.instance(a).map(i -> i.headerRange()).orElse(null),
                            a + " is already managed by pictl", "It has an entry in the state. To import it again, "
                                    + "remove it first with pictl state rm '" + a + "'."));
                }
            }
            if (diags.hasErrors()) {
                return List.of();
            }
            SecretHasher hasher = lock.secretHasher();
            NodeTargets targets = pr.targets().resolve(config);
            diags.addAll(targets.diagnostics());
            if (!targets.ok()) {
                return List.of();
            }
            State planning = state.managing(wanted); // planned as if managed: a no-op, an update, or a create
            try (Transport transport = transports.get()) {
                Map<String, ProbeOutcome> probes = prober.probe(targets, transport, planning);
                Plan plan = Differ.plan(types.kinds(), config, graph, probes, planning, hasher, new PlanRequest(
                        PlanMode.NORMAL, wanted, List.of()), Version.current());
                List<ResourceChange> adopt = new ArrayList<>();
                for (Plan.Unknown u : plan.unknown()) {
                    if (wanted.contains(u.address())) {
                        diags.add(Diagnostic.error(null, "cannot import " + u.address() + ": " + u.node()
                                + " could not be read", u.reason() + ". Nothing was recorded."));
                    }
                }
                for (ResourceChange c : plan.changes()) {
                    if (!wanted.contains(c.address())) {
                        continue;
                    }
                    if (c.action() == Action.CREATE) {
                        diags.add(Diagnostic.error(config.instance(c.address()).map(i -> i.headerRange()).orElse(null),
                                "cannot import " + c.address() + ": it is not on "
                                        + (c.node() == null ? "the cluster" : c.node()), "There is nothing to record."
                                        + " pictl plan shows it as a create, and pictl apply creates it."));
                    } else {
                        adopt.add(c.action() == Action.NO_OP ? c : asObserved(c));
                    }
                }
                if (diags.hasErrors()) {
                    return List.of();
                }
                Plan only = new Plan(plan.mode(), plan.pictlVersion(), plan.lineage(), plan.serial(), plan.configHash(),
                        adopt, List.of(), List.of(), List.of(), plan.nodes(), List.of());
                ApplyContext ctx = new ApplyContext(transport, targets.byNode(), Described.of(config), types.kinds(),
                        hasher, ApplyOptions.defaults(), ApplyHook.NONE,
                        c -> Differ.reveal(types.kinds(), c, config, probes, planning, hasher),
                        types.endpoint(config).map(ClusterEndpoint::node).orElse(null),
                        types.endpoint(config).map(ClusterEndpoint::quorumMembers).orElse(List.of()));
                new Applier(request.executors(), ctx, ApplyHook.NONE, new AtomicBoolean())
                        .apply(only, lock);
                State after = lock.read();
                return wanted.stream().map(a -> after.resource(a).orElseThrow()).toList();
            }
        }
    }

    /**
     * A change that differs, as a no-op whose described values are the observed ones (for the attributes the
     * description sets): what import records of a resource that does not match, so the next plan shows the update.
     */
    private static ResourceChange asObserved(ResourceChange c) {
        Map<String, Object> seen = new LinkedHashMap<>(c.after());
        c.after().keySet().forEach(k -> {
            if (c.before() != null && c.before().containsKey(k)) {
                seen.put(k, c.before().get(k));
            }
        });
        return new ResourceChange(c.address(), c.node(), Action.NO_OP,
                ActionReason.NONE, c.before(), seen, c.sensitive(), List.of(), false, false, null,
                c.fingerprint(), c.dependencies());
    }
}
