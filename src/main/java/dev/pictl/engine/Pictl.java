package dev.pictl.engine;

import dev.pictl.apply.Applier;
import dev.pictl.apply.ApplyContext;
import dev.pictl.apply.Described;
import dev.pictl.apply.ApplyResult;
import dev.pictl.config.Config;
import dev.pictl.config.ConfigLoader;
import dev.pictl.config.LoadResult;
import dev.pictl.diag.Diagnostic;
import dev.pictl.diag.Diagnostics;
import dev.pictl.diag.Severity;
import dev.pictl.drift.DriftCheck;
import dev.pictl.drift.DriftReport;
import dev.pictl.graph.GraphBuilder;
import dev.pictl.graph.ResourceGraph;
import dev.pictl.io.BoundedFiles;
import dev.pictl.plan.Differ;
import dev.pictl.plan.Plan;
import dev.pictl.plan.PlanCodec;
import dev.pictl.plan.PlanRequest;
import dev.pictl.probe.ProbeOutcome;
import dev.pictl.probe.Probe;
import dev.pictl.probe.ProbeRequest;
import dev.pictl.probe.Prober;
import dev.pictl.types.ResourceTypes;
import dev.pictl.plan.kind.ClusterEndpoint;
import dev.pictl.state.SecretHasher;
import dev.pictl.state.State;
import dev.pictl.state.StateBackend;
import dev.pictl.state.StateException;
import dev.pictl.state.StateStore;
import dev.pictl.state.StateWriter;
import dev.pictl.state.pg.PgBackend;
import dev.pictl.state.pg.PgTarget;
import dev.pictl.transport.NodeTarget;
import dev.pictl.transport.Transport;
import dev.pictl.transport.TransportSettings;
import dev.pictl.transport.ssh.SshTransport;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/** pictl's operations. Stateless; every input arrives in a request record. */
public final class Pictl {
    private final ResourceTypes types;

    /** With the resource types pictl ships. */
    public Pictl() {
        this(ResourceTypes.standard());
    }

    /** With these resource types (the registry's, or more: a test's extra type). */
    public Pictl(ResourceTypes types) {
        this.types = types;
    }

    /**
     * Loads, decodes and checks a configuration and builds its graph. Never throws for bad input: every
     * problem is in the result's diagnostics.
     */
    public ValidateResult validate(ValidateRequest request) {
        Validated v = validated(request);
        if (v.config() != null && !v.diagnostics().hasErrors()) {
            // Advice only validate gives, on a valid description: plan gives it from the probe instead.
            Diagnostics advice = new Diagnostics();
            types.all().forEach(t -> t.advise(v.config(), advice));
            advice.redact(v.config().redactor());
            v.diagnostics().addAll(advice);
        }
        return new ValidateResult(v.config(), v.graph(), v.diagnostics(), v.sources());
    }

    /**
     * A validation whose diagnostics are still being collected: each operation adds what it finds after
     * validation, then makes its result, which holds a snapshot (results never change after they are returned).
     */
    private record Validated(Config config, ResourceGraph graph, Diagnostics diagnostics, Map<String, String> sources) {
        boolean ok() {
            return !diagnostics.hasErrors() && graph != null;
        }

        /**
         * The diagnostics with every known secret taken out (what the engine adds after validation: a node that
         * cannot be reached at a sensitive address, a transport error that names it); called once, just before the
         * result is made.
         */
        Diagnostics scrubbed() {
            if (config != null) {
                diagnostics.redact(config.redactor());
            }
            return diagnostics;
        }
    }

    private Validated validated(ValidateRequest request) {
        LoadResult load = ConfigLoader.load(request.config(), request.variables(), types.catalog());
        Diagnostics diags = new Diagnostics();
        diags.addAll(load.diagnostics());
        ResourceGraph graph = null;
        if (load.config() != null) {
            graph = GraphBuilder.build(load.config().instances(), types.all(), diags);
            if (diags.hasErrors()) {
                graph = null;
            }
        }
        return new Validated(load.config(), graph, diags, load.sources());
    }

    /**
     * Plans: validates the description (variable values required), reads the state, probes every node in
     * one round trip each, and diffs. Never throws for bad input or unreachable nodes; plan never writes state.
     */
    public PlanRunResult plan(PlanRunRequest request) {
        Validated v = validated(new ValidateRequest(request.config(), request.variables()));
        Plan plan = planValidated(request, v);
        return new PlanRunResult(plan, v.config(), v.scrubbed(), v.sources());
    }

    /** The plan, or null with the reasons in the validation's diagnostics. */
    private Plan planValidated(PlanRunRequest request, Validated v) {
        Probed p = v.ok() ? readStateAndProbe(request, v, true, new AtomicBoolean()) : null;
        if (p == null) {
            return null;
        }
        return Differ.plan(types.kinds(), v.config(), v.graph(), p.probes(), p.state(), p.hasher(), request.plan(),
                Version.current());
    }

    /** What plan and drift work from: the state as read without the lock, its hasher, and every node's probe. */
    private record Probed(State state, SecretHasher hasher, Map<String, ProbeOutcome> probes, String location) {
    }

    /**
     * Reads the state without the lock (never writing it or its key) and probes every node of a valid description;
     * null, with the reasons added to the validation's diagnostics, when the state or the node targets are bad.
     *
     * @param former whether to probe the nodes only the state still knows too (a plan deletes their resources and
     *               must see what that does on the board; drift reports on the description's nodes only)
     */
    private Probed readStateAndProbe(PlanRunRequest request, Validated v, boolean former, AtomicBoolean cancelled) {
        Config config = v.config();
        Diagnostics diags = v.diagnostics();
        State state;
        SecretHasher hasher;
        String location;
        try {
            StateBackend store = stateBackend(config, request);
            location = store instanceof StateStore ? statePath(request).toString() : store.location();
            state = store.read();
            store.requireKnownTypes(state, types.catalog().names());
            hasher = store.secretHasher().orElseGet(Pictl::ephemeralHasher);
        } catch (StateException e) {
            diags.add(e.diagnostic());
            return null;
        }
        NodeTargets targets = request.targets().resolve(config);
        diags.addAll(targets.diagnostics());
        if (!targets.ok()) {
            return null;
        }
        try (Transport transport = new SshTransport(transportSettings(request))) {
            return new Probed(state, hasher, probe(config, targets, request, transport, state, former, cancelled),
                    location);
        }
    }

    /**
     * Checks for drift: validates the description (variables need no values), reads the state without the lock,
     * probes every node in one round trip each, and reports what changed outside pictl since the last apply,
     * beside unreachable nodes, health findings and unapplied edits. Read-only: it never takes the lock, never
     * writes the state or its key, and runs nothing on a node but the probe.
     */
    public DriftRunResult drift(DriftRunRequest request) {
        PlanRunRequest run = request.run().withoutRebootWait(); // drift reports what it sees, never waits
        Validated v = validated(new ValidateRequest(run.config(), run.variables()));
        DriftReport report = driftValidated(request, run, v);
        return new DriftRunResult(report, v.config(), v.scrubbed(), v.sources());
    }

    /** The report, or null with the reasons in the validation's diagnostics. */
    private DriftReport driftValidated(DriftRunRequest request, PlanRunRequest run, Validated v) {
        Probed p = v.ok() ? readStateAndProbe(run, v, false, new AtomicBoolean()) : null;
        if (p == null) {
            return null;
        }
        Config config = v.config();
        Plan plan = Differ.plan(types.kinds(), config, v.graph(), p.probes(), p.state(), p.hasher(), new PlanRequest(
                dev.pictl.plan.PlanMode.NORMAL, List.of(), List.of()), Version.current());
        List<dev.pictl.plan.ResourceChange> unapplied = Differ.unapplied(types.kinds(), config, v.graph(), p.probes(), p.state(),
                p.hasher());
        List<dev.pictl.addr.IgnoreRule> rules = new ArrayList<>(config.drift().ignore());
        rules.addAll(request.ignore());
        DriftReport.Options options = new DriftReport.Options(request.includeUnapplied(),
                request.failOnHealth() || config.drift().failOnHealth());
        DriftReport.StateInfo info = new DriftReport.StateInfo(p.location(), p.state().exists(),
                p.state().lineage(), p.state().serial());
        DriftCheck.Cluster cluster = new DriftCheck.Cluster(types.endpoint(config).map(ClusterEndpoint::node)
                .orElse(null), types::inCluster);
        return DriftCheck.report(config, cluster, plan, unapplied, p.probes(), p.state(), info, rules, options,
                Version.current(), types.findings(config, p.probes(), java.time.Instant.now()));
    }

    /**
     * Diagnoses nodes ({@code pictl diagnose}): validates the description (variables need no values), then runs the
     * diagnose script on the nodes asked for and on the server (one round trip each, in parallel) and ranks what it
     * finds. Read-only: no lock, the state is neither read nor written, and a server that cannot be reached leaves
     * the Node conditions unknown while the nodes are still checked. Never throws for bad input or unreachable nodes.
     */
    public DiagnoseRunResult diagnose(DiagnoseRunRequest request) {
        PlanRunRequest run = request.run();
        Validated v = validated(new ValidateRequest(run.config(), run.variables()));
        dev.pictl.diagnose.DiagnoseReport report = v.ok() ? diagnoseValidated(request, v) : null;
        return new DiagnoseRunResult(report, v.config(), v.scrubbed(), v.sources());
    }

    private dev.pictl.diagnose.DiagnoseReport diagnoseValidated(DiagnoseRunRequest request, Validated v) {
        Config config = v.config();
        // The names asked for are checked against the description before anything else (key files, targets).
        List<String> described = config.ofType(dev.pictl.resource.Schemas.NODE_TYPE).stream()
                .map(n -> n.address().name()).toList();
        for (String n : request.nodes()) {
            if (!described.contains(n)) {
                v.diagnostics().add(dev.pictl.diag.Diagnostic.error(null, "no node \"" + n + "\" in the description",
                        "The description's nodes are: " + String.join(", ", described) + "."));
            }
        }
        if (v.diagnostics().hasErrors()) {
            return null;
        }
        NodeTargets targets = request.run().targets().resolve(config);
        v.diagnostics().addAll(targets.diagnostics());
        if (!targets.ok()) {
            return null;
        }
        Map<String, dev.pictl.transport.NodeTarget> all = targets.byNode();
        List<String> asked = request.nodes().isEmpty() ? new ArrayList<>(all.keySet()) : request.nodes();
        java.util.Optional<ClusterEndpoint> endpoint = types.endpoint(config);
        String server = endpoint.map(ClusterEndpoint::node).filter(all::containsKey).orElse(null);
        String host = endpoint.map(ClusterEndpoint::address).orElse(null);
        int port = endpoint.map(ClusterEndpoint::port).orElse(6443);
        Map<String, dev.pictl.transport.NodeTarget> read = new java.util.LinkedHashMap<>();
        for (String n : asked) {
            read.put(n, all.get(n));
        }
        if (server != null) {
            read.putIfAbsent(server, all.get(server));
        }
        Map<String, dev.pictl.diagnose.NodeEvidence> evidence;
        try (Transport transport = new SshTransport(transportSettings(request.run()))) {
            evidence = dev.pictl.diagnose.Gatherer.gather(transport, read, server, host, port,
                    request.run().parallelism(), dev.pictl.diagnose.Gatherer.DEFAULT_TIMEOUT);
        }
        dev.pictl.diagnose.ClusterView view = server == null
                ? dev.pictl.diagnose.ClusterView.unavailable("the description has no k3s server")
                : dev.pictl.diagnose.ClusterView.of(evidence.get(server));
        return dev.pictl.diagnose.Diagnoser.diagnose(config.clusterName(), asked, evidence, server,
                host == null ? null : (host.contains(":") ? "[" + host + "]" : host) + ":" + port, view)
                .redacted(config.redactor()::redact);
    }

    /**
     * Makes a kubeconfig for the cluster: validates the description (no variable values required), reads the
     * kubeconfig k3s wrote on the k3s_server's node (one SSH command, as root), points it at the node's address and
     * names it after the cluster, then writes or merges it into the request's file (or returns it only). Read-only
     * towards nodes and the state. Never throws for bad input or an unreachable node.
     */
    public KubeconfigResult kubeconfig(KubeconfigRequest request) {
        Validated v = validated(new ValidateRequest(request.config(), request.variables()));
        if (!v.ok()) {
            return new KubeconfigResult(null, v.diagnostics(), v.sources());
        }
        KubeconfigResult.Written written = KubeconfigOperation.run(request, v.config(), types.endpoint(v.config()),
                v.diagnostics(), request.targets().transport(request.transport()));
        return new KubeconfigResult(written, v.scrubbed(), v.sources());
    }

    /**
     * {@code pictl backup}: takes a snapshot of the datastore on the first k3s server now and writes it to the admin
     * side (archive 0600, its sha256, metadata without a secret; docs/backup.md). Never changes the description's
     * resources or the state.
     */
    public BackupResult backup(BackupRequest request) {
        Validated v = validated(new ValidateRequest(request.config(), request.variables()));
        if (!v.ok()) {
            return new BackupResult(null, null, v.diagnostics(), v.sources());
        }
        java.nio.file.Path configDir = java.nio.file.Files.isDirectory(request.config()) ? request.config()
                : request.config().toAbsolutePath().getParent();
        java.nio.file.Path dflt = dev.pictl.types.backup.BackupType.copyDir(v.config())
                .map(d -> configDir.resolve(d)).orElse(configDir.resolve("backups"));
        var written = BackupOperation.run(request, v.config(), dflt, v.diagnostics(),
                request.targets().transport(request.transport()), request.targets().commandFlag(request.config()));
        return new BackupResult(written == null ? null : written.getKey(), written == null ? null : written.getValue(),
                v.scrubbed(), v.sources());
    }

    /**
     * {@code pictl restore SNAPSHOT}: checks the snapshot and the cluster's token before touching anything, shows
     * the k3s procedure node by node, and on approval runs it and waits for every Node to be Ready
     * (docs/backup.md). The caller runs a plan afterwards.
     */
    public RestoreResult restore(RestoreRequest request) {
        Validated v = validated(new ValidateRequest(request.config(), request.variables()));
        if (!v.ok()) {
            return new RestoreResult(null, false, false, java.util.List.of(), v.diagnostics(), v.sources());
        }
        RestoreOperation.Outcome o = RestoreOperation.run(request, v.config(), v.diagnostics(),
                request.targets().transport(request.transport()), request.targets().commandFlag(request.config()));
        return new RestoreResult(o.metadata(), o.approved(), o.changed(), o.nodes(), v.scrubbed(), v.sources());
    }

    /**
     * Applies: takes the state lock for the whole run, then either executes a saved plan exactly (after
     * refusing it when stale: another pictl version, another state lineage or serial, another configuration,
     * or resources that moved since, by a fresh probe's fingerprints) or plans now, shows it and asks. The
     * state is written after every resource.
     */
    public ApplyRunResult apply(ApplyRunRequest request) {
        PlanRunRequest pr = request.planRun();
        Validated v = validated(new ValidateRequest(pr.config(), pr.variables()));
        Applied a = applyValidated(request, pr, v);
        return new ApplyRunResult(a.plan(), a.result(), a.approved(), v.scrubbed(), v.sources());
    }

    /** What {@link ApplyRunResult} holds besides the diagnostics, which are the validation's by then. */
    private record Applied(Plan plan, ApplyResult result, boolean approved) {
    }

    private Applied applyValidated(ApplyRunRequest request, PlanRunRequest pr, Validated v) {
        Diagnostics diags = v.diagnostics();
        if (!v.ok()) {
            return new Applied(null, null, true);
        }
        Config config = v.config();
        try {
            StateBackend store = stateBackend(config, pr);
            return applyLocked(request, pr, v, store);
        } catch (StateException e) {
            diags.add(e.diagnostic());
            return new Applied(null, null, true);
        }
    }

    private Applied applyLocked(ApplyRunRequest request, PlanRunRequest pr, Validated v, StateBackend store)
            throws StateException {
        Diagnostics diags = v.diagnostics();
        Config config = v.config();
        try (StateWriter lock = store.lock("pictl apply", request.options().lockTimeout())) {
            State state = lock.read();
            store.requireKnownTypes(state, types.catalog().names());
            // A saved plan is checked before anything else happens: its signature under this state's key (not
            // created here), then the version, state and configuration it was made for. Nothing is probed before.
            PlanCodec.Saved saved = null;
            PlanRequest planRequest = pr.plan();
            if (request.planFile() != null) {
                saved = readSaved(request.planFile(), pr.targets().commandFlag(pr.config()), store, state,
                        config, diags);
                if (saved == null) {
                    return new Applied(null, null, true);
                }
                planRequest = replanRequest(saved.plan());
            }
            SecretHasher hasher = lock.secretHasher();
            NodeTargets targets = pr.targets().resolve(config);
            diags.addAll(targets.diagnostics());
            if (!targets.ok()) {
                return new Applied(null, null, true);
            }
            try (Transport transport = new SshTransport(transportSettings(pr))) {
                Map<String, ProbeOutcome> probes = probe(config, targets, pr, transport, state, true,
                        request.cancelled());
                Plan fresh = Differ.plan(types.kinds(), config, v.graph(), probes, state, hasher, planRequest, Version.current());
                // A saved plan runs only when a fresh plan is the same in every field; then the fresh one runs (its
                // values are derived again from the description, the state and the nodes, never read from a file).
                if (saved != null && !checkFresh(request.planFile(), pr.targets().commandFlag(pr.config()), saved,
                        fresh, diags)) {
                    return new Applied(null, null, true);
                }
                // Data a change would put at risk stops the apply before anything starts, unless allowed.
                Plan plan = request.options().allowDataLoss() ? fresh : Differ.refusingDataLoss(fresh, config);
                if (plan.hasErrors()) {
                    return new Applied(plan, null, true);
                }
                boolean adoption = !plan.unfinished().isEmpty() || plan.changes().stream().anyMatch(c -> !c.isChange()
                        && c.after() != null && state.resource(c.address()).isEmpty());
                if (!plan.hasChanges() && !adoption) {
                    return new Applied(plan, null, true);
                }
                if (request.planFile() == null && plan.hasChanges() && !request.approver().approve(plan, v.sources())) {
                    return new Applied(plan, null, false);
                }
                Map<String, NodeTarget> reach = new LinkedHashMap<>(targets.byNode());
                // Nodes only the state still knows: their resources are planned for deletion, which needs the board.
                reach.putAll(pr.targets().formerNodes(config, state, reach.keySet()));
                // Apply runs on the plan: executors learn of the description only its secrets' values (resolved from
                // the variables by handle), its nodes and what not to print (apply.Described), never the description.
                ApplyContext ctx = new ApplyContext(transport, reach, Described.of(config), types.kinds(), hasher,
                        request.options(),
                        request.hook(), c -> Differ.reveal(types.kinds(), c, config, probes, state, hasher),
                        types.endpoint(config).map(ClusterEndpoint::node).orElse(null),
                        types.endpoint(config).map(ClusterEndpoint::quorumMembers).orElse(List.of()));
                ApplyResult result = new Applier(request.executors(), ctx, request.hook(), request.cancelled())
                        .apply(plan, lock);
                return new Applied(plan, result, true);
            }
        }
    }

    /**
     * Imports ({@code pictl import}): records resources of the description that already exist on their nodes into the
     * state, deliberately, as Terraform's import does; it also ends what {@code state rm} started (the address is
     * managed again). Holds the state lock; probes the nodes; changes nothing on a node. A resource that matches the
     * description is recorded as apply would adopt it; one that differs is recorded as observed, so the next plan
     * shows the difference as an update. Refuses, recording nothing, an address the description lacks, one the state
     * already manages, one not on its node (apply creates it) and one whose node cannot be read.
     */
    public ImportRunResult importResources(ImportRunRequest request) {
        PlanRunRequest pr = request.planRun();
        Validated v = validated(new ValidateRequest(pr.config(), pr.variables()));
        List<dev.pictl.state.ResourceState> imported = List.of();
        if (v.ok()) {
            try {
                Config config = v.config();
                imported = ImportOperation.run(request, config, v.graph(), v.diagnostics(), types,
                        stateBackend(config, pr), () -> new SshTransport(transportSettings(pr)),
                        (targets, transport, state) -> probe(config, targets, pr, transport, state, false,
                                new AtomicBoolean()));
            } catch (StateException e) {
                v.diagnostics().add(e.diagnostic());
            }
        }
        return new ImportRunResult(v.diagnostics().hasErrors() ? List.of() : imported, v.scrubbed(), v.sources());
    }

    /**
     * The saved plan, if its signature matches this state's key and it was made by this pictl for this state
     * (lineage and serial) and this configuration; else null, with the reasons in diags. Reads the key without
     * creating it, and touches nothing.
     */
    private static PlanCodec.Saved readSaved(Path file, String sim, StateBackend store, State state, Config config,
                                             Diagnostics diags) {
        String text;
        try {
            text = BoundedFiles.readString(file, BoundedFiles.Kind.PLAN);
        } catch (java.io.IOException | RuntimeException e) {
            String why = e instanceof java.io.IOException io ? BoundedFiles.reason(io) : reason(e);
            diags.add(new Diagnostic(Severity.ERROR, "cannot read the saved plan " + file, why
                    + ". Nothing was run. Make a new one with pictl plan" + sim + " --out " + file + ".", null));
            return null;
        }
        PlanCodec.Saved saved;
        try {
            saved = PlanCodec.readSaved(text, store.secretHasher().orElse(null));
        } catch (PlanCodec.Untrusted e) {
            diags.add(new Diagnostic(Severity.ERROR, "the saved plan " + file
                    + " was modified, or was not made for this state",
                    "pictl applies a saved plan only exactly as pictl plan --out wrote it for this state ("
                            + (store instanceof StateStore local ? local.path().getFileName() + " and its key "
                            + local.keyPath().getFileName() : store.name() + " and its key") + "), and "
                            + e.getMessage() + ". Nothing was run. Run pictl plan" + sim + " --out " + file
                            + " against this state, review it, and apply that file.", null));
            return null;
        } catch (java.io.IOException | RuntimeException e) {
            diags.add(new Diagnostic(Severity.ERROR, "cannot read the saved plan " + file, reason(e)
                    + ". Nothing was run. Make a new one with pictl plan" + sim + " --out " + file + ".", null));
            return null;
        } catch (StateException e) {
            diags.add(e.diagnostic());
            return null;
        }
        Plan plan = saved.plan();
        List<String> problems = new ArrayList<>();
        if (!Version.current().equals(plan.pictlVersion())) {
            problems.add("it was made by pictl " + plan.pictlVersion() + " and this is pictl " + Version.current());
        }
        if (!java.util.Objects.equals(plan.lineage(), state.lineage())) {
            problems.add("it was made against state lineage " + plan.lineage() + ", the state now has lineage "
                    + state.lineage());
        } else if (plan.serial() != state.serial()) {
            problems.add("the state changed since (serial " + plan.serial() + " then, " + state.serial() + " now)");
        }
        if (!plan.configHash().equals(Differ.configHash(config))) {
            problems.add("the configuration changed since it was made");
        }
        if (plan.hasErrors()) {
            problems.add("it has errors");
        }
        return stale(file, sim, problems, diags) ? null : saved;
    }

    private static String reason(Exception e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.replaceAll("\\p{Cntrl}", " ");
    }

    /**
     * The plan request that makes the saved plan again: its mode and targets, and a replacement for every resource
     * it replaces because {@code --replace} asked.
     */
    private static PlanRequest replanRequest(Plan saved) {
        List<dev.pictl.addr.ResourceAddress> targets = saved.targets().stream()
                .map(t -> dev.pictl.addr.ResourceAddress.parse(t).orElseThrow()).toList();
        List<dev.pictl.addr.ResourceAddress> replace = saved.changes().stream()
                .filter(c -> c.reason() == dev.pictl.plan.ActionReason.REPLACE_REQUESTED)
                .map(dev.pictl.plan.ResourceChange::address).toList();
        return new PlanRequest(saved.mode(), targets, replace, saved.upgradeOs());
    }

    /**
     * Whether the saved plan is what pictl plans now: first what moved on the nodes (a resource it changes has
     * another fingerprint or action), then every other field. False, with the reasons in diags, when not.
     */
    private static boolean checkFresh(Path file, String sim, PlanCodec.Saved saved, Plan fresh, Diagnostics diags) {
        List<String> problems = new ArrayList<>();
        Map<dev.pictl.addr.ResourceAddress, dev.pictl.plan.ResourceChange> now = new LinkedHashMap<>();
        fresh.changes().forEach(c -> now.put(c.address(), c));
        for (dev.pictl.plan.ResourceChange c : saved.plan().changes()) {
            if (!c.isChange()) {
                continue;
            }
            dev.pictl.plan.ResourceChange f = now.get(c.address());
            if (f == null || f.action() != c.action() || !f.fingerprint().equals(c.fingerprint())) {
                problems.add(c.address() + " moved since the plan (a fresh probe now plans "
                        + (f == null ? "nothing" : f.action().jsonName()) + " for it)");
            }
        }
        if (problems.isEmpty()) {
            List<String> fields = PlanCodec.differences(saved.document(), fresh, 6);
            if (!fields.isEmpty()) {
                problems.add("a fresh plan differs from it at " + String.join(", ", fields.subList(0,
                        Math.min(5, fields.size()))) + (fields.size() > 5 ? " and more" : ""));
            }
        }
        return !stale(file, sim, problems, diags);
    }

    private static boolean stale(Path file, String sim, List<String> problems, Diagnostics diags) {
        if (problems.isEmpty()) {
            return false;
        }
        diags.add(new Diagnostic(Severity.ERROR, "the saved plan " + file + " is stale",
                "pictl applies a saved plan only as it was made, and " + String.join("; ", problems)
                        + ". Nothing was run. Run pictl plan" + sim + " --out " + file + " again and review it.", null));
        return true;
    }

    /**
     * The text of a saved plan file ({@code plan --out}): the plan's JSON signed with the state's key. When the state
     * has no key yet, it is made now, as the first apply would (under the state lock, for a moment); the state itself
     * is never written.
     */
    public String savedPlanText(Plan plan, Path statePath) throws StateException {
        return savedPlanText(plan, StateStore.at(statePath, Version.current()));
    }

    /** {@link #savedPlanText(Plan, Path)} for the state where the description keeps it. */
    public String savedPlanText(Plan plan, StateBackend store) throws StateException {
        SecretHasher key = store.secretHasher().orElse(null);
        if (key == null) {
            try (StateWriter lock = store.lock("pictl plan --out", java.time.Duration.ofSeconds(30))) {
                key = lock.secretHasher();
            }
        }
        return PlanCodec.writeSaved(plan, key);
    }

    private static TransportSettings transportSettings(PlanRunRequest request) {
        return request.targets().transport(request.transport());
    }

    /**
     * Where the state is: the description's {@code state} block says PostgreSQL, or else the local file (the
     * request's {@code --state}, or pictl.state.json beside the configuration).
     */
    public static StateBackend stateBackend(Config config, PlanRunRequest request) throws StateException {
        return stateBackend(config, request.config(), request.statePath(), request.env());
    }

    /**
     * {@link #stateBackend(Config, PlanRunRequest)} from its parts: the description (null: none could be loaded, the
     * local file), its location, the {@code --state} given (or null) and the environment.
     */
    public static StateBackend stateBackend(Config config, Path configPath, Path statePath, Map<String, String> env)
            throws StateException {
        Config.StateSettings s = config == null ? Config.StateSettings.LOCAL : config.state();
        if (s.isLocal()) {
            return StateStore.at(statePath != null ? statePath : StateStore.defaultPath(configPath), Version.current());
        }
        if (s == Config.StateSettings.INVALID) {
            throw new StateException("the description's state block has errors", "pictl does not know where the state"
                    + " is, so nothing was read or changed. Run pictl validate to see the errors.");
        }
        String where = s.range() == null ? "" : " (the state block at " + s.range().location() + ")";
        if (statePath != null) {
            throw new StateException("--state names a local state file, but the description keeps its state in"
                    + " PostgreSQL" + where, "Two places for one state would split it. Drop --state; to move a state"
                    + " between a file and the database use pictl state push / pull.");
        }
        Path dir = StateStore.defaultPath(configPath).getParent();
        return new PgBackend(new PgTarget(s.host(), s.port(), s.database(), s.user(), s.params(), s.schemaName(),
                config.clusterName(), s.history()), Version.current(), dir, env);
    }

    /** The state file: the request's, or pictl.state.json beside the configuration. */
    public static Path statePath(PlanRunRequest request) {
        return request.statePath() != null ? request.statePath() : StateStore.defaultPath(request.config());
    }

    /**
     * Probes every node in one round trip each; then, unless the request says never to, waits for the boards found
     * in their reboot window ({@link RebootWait}) and probes those again.
     *
     * @param former whether the nodes only the state still knows are probed too, where the state recorded an
     *               address: their resources are planned for deletion, and the plan says what that does on the board
     */
    private Map<String, ProbeOutcome> probe(Config config, NodeTargets targets, PlanRunRequest request,
                                                   Transport transport, State state, boolean former,
                                                   AtomicBoolean cancelled) {
        Probe probe = types.probe();
        Map<String, NodeTarget> reach = new LinkedHashMap<>(targets.byNode());
        if (former) {
            reach.putAll(request.targets().formerNodes(config, state, reach.keySet()));
        }
        Map<String, ProbeRequest> requests = types.probeRequests(config, state, reach.keySet());
        Map<String, ProbeOutcome> probes = Prober.probeAll(probe, transport, reach, requests,
                request.parallelism(), request.probeTimeout());
        if (request.rebootTimeout() == null) {
            return probes;
        }
        return RebootWait.settle(probe, probes, state, transport, reach, requests, request.probeTimeout(),
                new RebootWait.Settings(request.rebootTimeout(), request.notices(), cancelled));
    }

    private static SecretHasher ephemeralHasher() {
        byte[] key = new byte[SecretHasher.KEY_BYTES];
        new SecureRandom().nextBytes(key);
        return new SecretHasher(key);
    }

    /**
     * {@code apply --refresh-only}: records the plan's drift (what changed outside pictl) into the state
     * without touching a node. Holds the state lock; refuses when the state moved since the plan was made.
     */
    public RefreshResult recordDrift(Plan plan, Path statePath, String command) throws StateException {
        return recordDrift(plan, StateStore.at(statePath, Version.current()), statePath.toString(), command);
    }

    /** {@link #recordDrift(Plan, Path, String)} into the state where the description keeps it. */
    public RefreshResult recordDrift(Plan plan, StateBackend store, String command) throws StateException {
        return recordDrift(plan, store, store instanceof StateStore local ? local.path().toString() : store.name(),
                command);
    }

    private RefreshResult recordDrift(Plan plan, StateBackend store, String statePath, String command)
            throws StateException {
        try (StateWriter lock = store.lock(command, java.time.Duration.ZERO)) {
            State state = lock.read();
            if (!java.util.Objects.equals(state.lineage(), plan.lineage()) || state.serial() != plan.serial()) {
                boolean foreign = !java.util.Objects.equals(state.lineage(), plan.lineage());
                throw new StateException(foreign ? statePath + " is not the state this plan was made from"
                                : statePath + " changed since this plan was made",
                        foreign ? "The plan was made against lineage " + plan.lineage() + "; " + statePath
                                + " has lineage " + state.lineage() + " (another cluster's state, or one created anew). "
                                + "Plan again against this state."
                                : "The plan was made against serial " + plan.serial() + "; the state is now at serial "
                                + state.serial() + " (another pictl run wrote it). Plan again.");
            }
            List<String> updated = new ArrayList<>();
            List<String> removed = new ArrayList<>();
            for (dev.pictl.plan.ResourceChange d : plan.drift()) {
                var current = state.resource(d.address()).orElse(null);
                if (current == null) {
                    continue;
                }
                if (d.after() == null) {
                    state = state.withoutResource(d.address());
                    removed.add(d.address().toString());
                    continue;
                }
                Map<String, Object> attributes = new LinkedHashMap<>();
                Map<String, String> hashes = new LinkedHashMap<>();
                d.after().forEach((k, v) -> {
                    if (d.sensitive().contains(k)) {
                        if (v != null) {
                            hashes.put(k, String.valueOf(v));
                        }
                    } else if (current.attributes().containsKey(k)) {
                        attributes.put(k, v);
                    }
                });
                state = state.withResource(current.withAttributes(attributes).withSensitiveHashes(hashes)
                        .withFingerprint(d.fingerprint()));
                updated.add(d.address().toString());
            }
            State written = lock.write(state);
            return new RefreshResult(updated, removed, written.serial());
        }
    }
}
