package dev.pictl.types.host;

import dev.pictl.types.ResourceTypes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pictl.addr.ResourceAddress;
import dev.pictl.apply.ApplyContext;
import dev.pictl.apply.ApplyHook;
import dev.pictl.apply.ApplyOptions;
import dev.pictl.apply.Recorded;
import dev.pictl.config.VariableInputs;
import dev.pictl.engine.NodeTargets;
import dev.pictl.engine.Pictl;
import dev.pictl.engine.PlanRunRequest;
import dev.pictl.engine.PlanRunResult;
import dev.pictl.engine.Version;
import dev.pictl.plan.PlanRequest;
import dev.pictl.plan.ResourceChange;
import dev.pictl.sim.ClusterSpec;
import dev.pictl.sim.ExecResult;
import dev.pictl.sim.NodeSpec;
import dev.pictl.sim.SimCluster;
import dev.pictl.simbridge.SimulatorTargets;
import dev.pictl.state.ResourceState;
import dev.pictl.state.SecretHasher;
import dev.pictl.state.StateLock;
import dev.pictl.state.StateStore;
import dev.pictl.transport.Secrets;
import dev.pictl.transport.TransportSettings;
import dev.pictl.transport.ssh.SshTransport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A simulated fleet for the host executors' tests, and per scenario: a description in its own directory, its
 * state file, a real plan of it ({@link Pictl#plan}, probing the boards), and an {@link ApplyContext} over
 * pictl's own SSH transport through the simulator overlay — what the walker would hand an executor.
 */
final class HostFixture implements AutoCloseable {
    static final Duration REBOOT_TIMEOUT = Duration.ofSeconds(40);

    final Path dir;
    final SimCluster sim;

    private HostFixture(Path dir, SimCluster sim) {
        this.dir = dir;
        this.sim = sim;
    }

    static HostFixture start(Path dir, List<NodeSpec> boards) throws IOException {
        SimCluster sim = SimCluster.start(ClusterSpec.of(boards).withRebootDelayMillis(300)
                .withK3sStartDelayMillis(20).withK3sRestartMillis(300).withTimerPercent(10), dir.resolve("sim"));
        return new HostFixture(dir, sim);
    }

    Path simDir() {
        return dir.resolve("sim");
    }

    /** A scenario: its own description directory and state file. */
    Scenario scenario(String name, String hcl) throws IOException {
        Path d = dir.resolve(name);
        Files.createDirectories(d);
        Files.writeString(d.resolve("cluster.hcl"), hcl);
        return new Scenario(d);
    }

    /** Runs a command on a board as pi; it must succeed. */
    String on(String node, String command) {
        ExecResult r = sim.node(node).exec(command);
        assertEquals(0, r.exitCode(), node + ": " + command + "\n" + r.stdout() + r.stderr());
        return r.stdout();
    }

    /** A file of a board, read on the board. */
    String file(String node, String path) {
        return on(node, "cat \"$PICTL_ROOT" + path + "\"");
    }

    boolean exists(String node, String path) {
        return sim.node(node).exec("test -e \"$PICTL_ROOT" + path + "\"").exitCode() == 0;
    }

    List<String> events(String node) {
        return sim.events().stream().filter(e -> node.equals(e.node())).map(e -> e.message()).toList();
    }

    long count(List<String> events, String message) {
        return events.stream().filter(message::equals).count();
    }

    @Override
    public void close() {
        sim.close();
    }

    final class Scenario {
        final Path dir;

        Scenario(Path dir) {
            this.dir = dir;
        }

        Path statePath() {
            return dir.resolve("pictl.state.json");
        }

        /** Records a resource in the scenario's state, as an apply would have. */
        void record(ResourceAddress address, String node, Map<String, Object> attributes) throws Exception {
            try (StateLock lock = StateStore.at(statePath(), Version.current()).lock("test")) {
                lock.write(lock.read().withResource(ResourceState.of(address, node).withAttributes(attributes)));
            }
        }

        void record(ResourceAddress address, String node, Recorded recorded) throws Exception {
            record(address, node, recorded.attributes());
        }

        /** {@code pictl plan} of the description against the boards; it must succeed. */
        PlanRunResult plan() {
            PlanRunResult r = new Pictl().plan(new PlanRunRequest(dir, VariableInputs.none(), statePath(),
                    SimulatorTargets.at(simDir()), PlanRequest.normal(), 4, null, Duration.ofSeconds(60)));
            assertNotNull(r.plan(), () -> r.diagnostics().sorted().toString());
            assertTrue(r.ok(), () -> r.diagnostics().sorted() + " " + r.plan().unknown() + " "
                    + r.plan().diagnostics());
            return r;
        }

        /** The planned change of {@code address}. */
        ResourceChange change(PlanRunResult r, ResourceAddress address) {
            return r.plan().changes().stream().filter(c -> c.address().equals(address)).findFirst()
                    .orElseThrow(() -> new AssertionError("no change for " + address + " in " + r.plan().changes()));
        }

        /** What the walker would give an executor: a context over a fresh transport. */
        Context context(PlanRunResult r, ApplyOptions options, ApplyHook hook) {
            SshTransport transport = new SshTransport(TransportSettings.isolated(simDir().resolve("known_hosts"), "pi",
                    Secrets.none()));
            NodeTargets targets = SimulatorTargets.forSimulator(r.config(), simDir());
            ApplyContext ctx = ApplyContext.forDescription(transport, targets.byNode(), r.config(), ResourceTypes.standard().kinds(),
                    new SecretHasher(new byte[SecretHasher.KEY_BYTES]), options, hook);
            return new Context(ctx, transport);
        }

        Context context(PlanRunResult r) {
            return context(r, ApplyOptions.defaults().withRebootTimeout(REBOOT_TIMEOUT)
                    .withK3sStartTimeout(Duration.ofSeconds(30)), ApplyHook.NONE);
        }
    }

    record Context(ApplyContext ctx, SshTransport transport) implements AutoCloseable {
        @Override
        public void close() {
            transport.close();
        }
    }
}
