package dev.pictl.types.k3s;

import dev.pictl.types.ResourceTypes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pictl.addr.ResourceAddress;
import dev.pictl.apply.ApplyContext;
import dev.pictl.apply.ApplyHook;
import dev.pictl.apply.ApplyOptions;
import dev.pictl.apply.Recorded;
import dev.pictl.config.Config;
import dev.pictl.config.VariableInputs;
import dev.pictl.engine.NodeTargets;
import dev.pictl.engine.Pictl;
import dev.pictl.engine.PlanRunRequest;
import dev.pictl.engine.PlanRunResult;
import dev.pictl.engine.Version;
import dev.pictl.plan.Plan;
import dev.pictl.plan.PlanRequest;
import dev.pictl.plan.ResourceChange;
import dev.pictl.sim.ClusterSpec;
import dev.pictl.sim.ExecResult;
import dev.pictl.sim.NodeSpec;
import dev.pictl.sim.SimCluster;
import dev.pictl.sim.SimNode;
import dev.pictl.simbridge.SimulatorTargets;
import dev.pictl.state.ResourceState;
import dev.pictl.state.SecretHasher;
import dev.pictl.state.State;
import dev.pictl.state.StateLock;
import dev.pictl.state.StateStore;
import dev.pictl.transport.Secrets;
import dev.pictl.transport.TransportSettings;
import dev.pictl.transport.ssh.SshTransport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A simulated fleet, a work directory with a description, and what the walker would hand an executor: changes from a
 * real plan ({@code new Pictl().plan(...)}: probe + Differ), an {@link ApplyContext} over pictl's own SSH transport
 * through the simulator overlay, and state records written as the walker writes them (so the next plan's deletes
 * come from the real Differ too). Assertions look at the boards themselves ({@link #sudo}, {@link #kubectlJson}).
 */
public final class SimApply implements AutoCloseable {
    static {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }

    public static final ObjectMapper JSON = new ObjectMapper();
    /** A fixed state key, so the plan's hashes and the context's agree. */
    public static final String STATE_KEY = "f531d0f806d03e7e84b6c5493bd17027730acc73ccd9d350cc886f57873fc52e";
    public static final SecretHasher HASHER = new SecretHasher(HexFormat.of().parseHex(STATE_KEY));

    public final SimCluster sim;
    public final Path simDir;
    public final Path work;
    private final boolean ownsSim;
    private final SshTransport transport;
    private Map<String, String> vars = Map.of();
    private PlanRunResult last;
    /** Every step the executors reported, as "address: step". */
    public final List<String> steps = new CopyOnWriteArrayList<>();

    private SimApply(SimCluster sim, Path simDir, Path work, boolean ownsSim) throws IOException {
        this.sim = sim;
        this.simDir = simDir;
        this.work = work;
        this.ownsSim = ownsSim;
        Files.createDirectories(work);
        Files.writeString(work.resolve("pictl.state.key"), STATE_KEY + "\n");
        this.transport = new SshTransport(TransportSettings.isolated(simDir.resolve("known_hosts"), "pi",
                Secrets.none()));
    }

    /** Starts {@code boards} (fast k3s starts and restarts) with state in {@code dir/sim}; the description in {@code dir/work}. */
    public static SimApply start(Path dir, List<NodeSpec> boards) throws IOException {
        SimCluster sim = SimCluster.start(ClusterSpec.of(boards).withK3sStartDelayMillis(20).withK3sRestartMillis(300)
                .withRebootDelayMillis(300).withTimerPercent(10), dir.resolve("sim"));
        return new SimApply(sim, dir.resolve("sim"), dir.resolve("work"), true);
    }

    /** Another work directory (description, state) on the same fleet; closing it leaves the fleet running. */
    public SimApply workIn(Path work) throws IOException {
        return new SimApply(sim, simDir, work, false);
    }

    public SimApply vars(Map<String, String> v) {
        this.vars = Map.copyOf(v);
        return this;
    }

    /** Writes the description and plans it against the boards, as {@code pictl plan} does. */
    public Plan plan(String hcl) {
        try {
            Files.writeString(work.resolve("cluster.hcl"), hcl);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        last = new Pictl().plan(new PlanRunRequest(work, new VariableInputs(vars, Map.of(), true), null,
                SimulatorTargets.at(simDir), PlanRequest.normal(), 8, null, Duration.ofSeconds(30)));
        assertNotNull(last.plan(), () -> "no plan: " + last.diagnostics().sorted());
        return last.plan();
    }

    /** Plans {@code hcl} and returns the change of {@code address}. */
    public ResourceChange planned(String hcl, String address) {
        plan(hcl);
        return change(address);
    }

    public Config config() {
        return last.config();
    }

    /** The planned change of {@code address} in the last plan. */
    public ResourceChange change(String address) {
        return last.plan().changes().stream().filter(c -> c.address().toString().equals(address)).findFirst()
                .orElseThrow(() -> new AssertionError("no change for " + address + " in " + last.plan().changes()
                        .stream().map(c -> c.address() + " " + c.action()).toList()));
    }

    /** What the walker would give executors for the last plan's description. */
    public ApplyContext context(ApplyOptions options) {
        NodeTargets t = SimulatorTargets.forSimulator(last.config(), simDir);
        assertTrue(t.ok(), () -> t.diagnostics().toString());
        return ApplyContext.forDescription(transport, t.byNode(), last.config(), ResourceTypes.standard().kinds(), HASHER, options, new ApplyHook() {
            @Override
            public void step(ResourceAddress address, String step) {
                steps.add(address + ": " + step);
            }
        });
    }

    public static ApplyOptions options(Duration k3sStartTimeout) {
        return ApplyOptions.defaults().withK3sStartTimeout(k3sStartTimeout);
    }

    /** Records an applied resource in the state, as the walker does after it succeeds. */
    public void record(ResourceChange change, Recorded r) {
        StateStore store = StateStore.at(work.resolve("pictl.state.json"), Version.current());
        try (StateLock lock = store.lock("test")) {
            State s = lock.read();
            lock.write(s.withResource(ResourceState.of(change.address(), change.node())
                    .withAttributes(r.attributes()).withSensitiveHashes(r.sensitiveHashes())
                    .withDependencies(change.dependencies())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public SimNode node(String name) {
        return sim.node(name);
    }

    /** A command as root in the board's own shell; must succeed. */
    public String sudo(String node, String command) {
        ExecResult r = sim.node(node).sudo(command);
        assertEquals(0, r.exitCode(), () -> node + ": " + command + "\n" + r.stdout() + r.stderr());
        return r.stdout();
    }

    /** A command as root in the board's own shell, whatever its exit. */
    public ExecResult sudoAny(String node, String command) {
        return sim.node(node).sudo(command);
    }

    /** {@code kubectl ... -o json} on the server board, parsed. */
    public JsonNode kubectlJson(String server, String args) {
        try {
            return JSON.readTree(sudo(server, "kubectl " + args + " -o json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The Ready condition of a Node as the server shows it, or null when there is no such Node. */
    public String ready(String server, String nodeName) {
        ExecResult r = sudoAny(server, "kubectl get node " + nodeName + " -o json");
        if (r.exitCode() != 0) {
            return null;
        }
        try {
            for (JsonNode c : JSON.readTree(r.stdout()).path("status").path("conditions")) {
                if (c.path("type").asText().equals("Ready")) {
                    return c.path("status").asText();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "";
    }

    public List<String> events() {
        return sim.eventMessages();
    }

    @Override
    public void close() {
        transport.close();
        if (ownsSim) {
            sim.close();
        }
    }
}
