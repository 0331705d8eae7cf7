package dev.pictl.testing;

import dev.pictl.apply.ApplyContext;
import dev.pictl.apply.ApplyHook;
import dev.pictl.apply.ApplyOptions;
import dev.pictl.config.Config;
import dev.pictl.config.ConfigLoader;
import dev.pictl.config.LoadResult;
import dev.pictl.config.VariableInputs;
import dev.pictl.diag.Diagnostics;
import dev.pictl.plan.kind.PlanContext;
import dev.pictl.probe.NodeObservation;
import dev.pictl.probe.ProbeOutcome;
import dev.pictl.state.SecretHasher;
import dev.pictl.state.State;
import dev.pictl.types.ResourceTypes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The contexts a fast test gives a type's kind or executor, made the way the engine makes them, over the standard
 * registry: a description from HCL text, a {@link PlanContext} over given observations, an {@link ApplyContext} over a
 * {@link FakeTransport}. One place, so that the fast table tests of every type build them alike.
 */
public final class TestContexts {
    /** The secret hasher of every test context (a fixed, all-zero key). */
    public static final SecretHasher HASHER = new SecretHasher(new byte[SecretHasher.KEY_BYTES]);

    private TestContexts() {
    }

    /** The description in {@code hcl}, written as {@code dir/cluster.hcl}; fails the test if it is not valid. */
    public static Config config(Path dir, String hcl) {
        try {
            Files.createDirectories(dir);
            Path f = dir.resolve("cluster.hcl");
            Files.writeString(f, hcl);
            LoadResult r = ConfigLoader.load(f, VariableInputs.none(), ResourceTypes.standard().catalog());
            if (!r.ok()) {
                throw new AssertionError("the test's description is not valid: " + r.diagnostics().sorted());
            }
            return r.config();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A planning context over these observations (a node without one is unreachable), with an empty state. */
    public static PlanContext plan(Config config, NodeObservation... observations) {
        Map<String, ProbeOutcome> probes = new LinkedHashMap<>();
        for (NodeObservation o : observations) {
            probes.put(o.node(), new ProbeOutcome.Observed(o));
        }
        return new PlanContext(ResourceTypes.standard().kinds(), config, probes, State.empty(), HASHER,
                new Diagnostics());
    }

    /** An apply context over the fake transport's nodes, with default options; progress goes to {@code hook}. */
    public static ApplyContext apply(FakeTransport transport, Config config, ApplyHook hook) {
        return apply(transport, config, hook, ApplyOptions.defaults());
    }

    /** An apply context over the fake transport's nodes, with these options (short timeouts, allow-data-loss). */
    public static ApplyContext apply(FakeTransport transport, Config config, ApplyHook hook, ApplyOptions options) {
        return ApplyContext.forDescription(transport, transport.targets(), config, ResourceTypes.standard().kinds(),
                HASHER, options, hook);
    }
}
