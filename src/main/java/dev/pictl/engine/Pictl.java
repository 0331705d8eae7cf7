package dev.pictl.engine;

import dev.pictl.config.Config;
import dev.pictl.config.ConfigLoader;
import dev.pictl.config.LoadResult;
import dev.pictl.diag.Diagnostics;
import dev.pictl.graph.GraphBuilder;
import dev.pictl.graph.ResourceGraph;
import dev.pictl.plan.Differ;
import dev.pictl.plan.Plan;
import dev.pictl.probe.ProbeOutcome;
import dev.pictl.probe.ProbeRequest;
import dev.pictl.probe.Prober;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.state.SecretHasher;
import dev.pictl.state.State;
import dev.pictl.state.StateException;
import dev.pictl.state.StateLock;
import dev.pictl.state.StateStore;
import dev.pictl.transport.Secrets;
import dev.pictl.transport.Transport;
import dev.pictl.transport.TransportSettings;
import dev.pictl.transport.ssh.SshTransport;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** pictl's operations. Stateless; every input arrives in a request record. */
public final class Pictl {
    /**
     * Loads, decodes and checks a configuration and builds its graph. Never throws for bad input: every
     * problem is in the result's diagnostics.
     */
    public ValidateResult validate(ValidateRequest request) {
        LoadResult load = ConfigLoader.load(request.config(), request.variables());
        Diagnostics diags = load.diagnostics();
        ResourceGraph graph = null;
        if (load.config() != null) {
            graph = GraphBuilder.build(load.config().instances(), diags);
            if (diags.hasErrors()) {
                graph = null;
            }
        }
        return new ValidateResult(load.config(), graph, diags, load.sources());
    }

    /**
     * Plans: validates the description (variable values required), reads the state, probes every node in
     * one round trip each, and diffs. Never throws for bad input or unreachable nodes; plan never writes state.
     */
    public PlanRunResult plan(PlanRunRequest request) {
        ValidateResult v = validate(new ValidateRequest(request.config(), request.variables()));
        Diagnostics diags = v.diagnostics();
        if (!v.ok()) {
            return new PlanRunResult(null, v.config(), diags, v.sources());
        }
        Config config = v.config();
        StateStore store = StateStore.at(statePath(request), Version.current());
        State state;
        SecretHasher hasher;
        try {
            state = store.read();
            hasher = store.secretHasher().orElseGet(Pictl::ephemeralHasher);
        } catch (StateException e) {
            diags.add(e.diagnostic());
            return new PlanRunResult(null, config, diags, v.sources());
        }
        NodeTargets targets = request.simDir() != null ? NodeTargets.forSimulator(config, request.simDir())
                : NodeTargets.from(config);
        diags.addAll(targets.diagnostics());
        if (!targets.ok()) {
            return new PlanRunResult(null, config, diags, v.sources());
        }
        Map<String, ProbeOutcome> probes = probe(config, targets, request);
        Plan plan = Differ.plan(config, v.graph(), probes, state, hasher, request.plan(), Version.current());
        return new PlanRunResult(plan, config, diags, v.sources());
    }

    /** The state file: the request's, or pictl.state.json beside the configuration. */
    public static Path statePath(PlanRunRequest request) {
        return request.statePath() != null ? request.statePath() : StateStore.defaultPath(request.config());
    }

    private static Map<String, ProbeOutcome> probe(Config config, NodeTargets targets, PlanRunRequest request) {
        Map<String, ProbeRequest> requests = new LinkedHashMap<>();
        String serverNode = config.ofType("k3s_server").stream().map(ResourceInstance::node).findFirst().orElse(null);
        for (String node : targets.byNode().keySet()) {
            List<String> pvPaths = new ArrayList<>();
            for (ResourceInstance pv : config.ofType("pv")) {
                if (node.equals(pv.node()) && pv.string("path") != null) {
                    pvPaths.add(pv.string("path"));
                }
            }
            requests.put(node, new ProbeRequest(node, node.equals(serverNode), pvPaths));
        }
        TransportSettings settings = request.simDir() != null || request.transport() == null
                ? TransportSettings.isolated(simKnownHosts(request), System.getProperty("user.name", "pi"), Secrets.none())
                : request.transport();
        try (Transport transport = new SshTransport(settings)) {
            return Prober.probeAll(transport, targets.byNode(), requests, request.parallelism(), request.probeTimeout());
        }
    }

    private static Path simKnownHosts(PlanRunRequest request) {
        return request.simDir() != null ? request.simDir().resolve("known_hosts")
                : Path.of(System.getProperty("user.home"), ".ssh", "known_hosts");
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
        StateStore store = StateStore.at(statePath, Version.current());
        try (StateLock lock = store.lock(command)) {
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
