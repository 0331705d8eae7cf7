package dev.pictl.simbridge;

import dev.pictl.config.Config;
import dev.pictl.diag.Diagnostic;
import dev.pictl.diag.Severity;
import dev.pictl.engine.NodeTargets;
import dev.pictl.engine.TargetResolver;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.sim.ClusterSpec;
import dev.pictl.sim.NodeSpec;
import dev.pictl.state.ResourceState;
import dev.pictl.state.State;
import dev.pictl.transport.HostKeyPolicy;
import dev.pictl.transport.NodeTarget;
import dev.pictl.transport.Secrets;
import dev.pictl.transport.SudoMode;
import dev.pictl.transport.TransportSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The built-in simulator as a {@link TargetResolver} ({@code --sim}, {@code --sim=DIR}): the nodes of a description
 * pointed at the simulated boards of the same names in a simulator's state directory, once its fleet is known to
 * run. The engine asks through the interface and never names the simulator; the CLI chooses this resolver.
 */
public final class SimulatorTargets implements TargetResolver {
    private final Path dir;

    private SimulatorTargets(Path dir) {
        this.dir = dir;
    }

    /** The simulator whose state directory is {@code simDir} (as the CLI resolved it). */
    public static SimulatorTargets at(Path simDir) {
        return new SimulatorTargets(java.util.Objects.requireNonNull(simDir, "simDir"));
    }

    /** The simulator's state directory, as given. */
    public Path dir() {
        return dir;
    }

    /**
     * {@link #forSimulator} once the fleet is known to run (asked through its control port, on 127.0.0.1). A
     * stopped fleet, or a stopped one whose boards' addresses something else answers on (another simulator, from
     * another directory), is one error and no targets: no board is contacted (see {@link SimulatorDir}).
     */
    @Override
    public NodeTargets resolve(Config config) {
        NodeTargets t = forSimulator(config, dir);
        Path abs = dir.toAbsolutePath().normalize();
        ClusterSpec spec;
        try {
            spec = ClusterSpec.read(abs.resolve("cluster.json"));
        } catch (IOException | RuntimeException e) {
            return t; // forSimulator has said why
        }
        Diagnostic stopped = SimulatorDir.notRunning(abs, config.location(), spec);
        return stopped == null ? t : new NodeTargets(List.of(), List.of(stopped));
    }

    /**
     * The simulator overlay: every node of {@code config} pointed at the simulated board of the same name in the
     * simulator state directory {@code simDir} ({@code cluster.json}, {@code id_ed25519}, {@code known_hosts}):
     * host and port are the board's loopback endpoint, the key and known_hosts the simulator's, host keys
     * strict, sudo passwordless (or with a password for a board that has one), no jump host (a
     * {@code ProxyJump} in {@code ~/.ssh/config} is ignored). A node the simulator does not have is an error; a
     * board whose advertised address differs from the node's {@code address} is a warning, because k3s-side
     * addresses (server URL, node-ip) would then not match. Reads files only; {@link #resolve} also checks that the
     * fleet runs.
     */
    public static NodeTargets forSimulator(Config config, Path simDir) {
        List<Diagnostic> diags = new ArrayList<>();
        Path dir = simDir.toAbsolutePath().normalize();
        Path json = dir.resolve("cluster.json");
        if (!Files.isDirectory(dir)) {
            diags.add(new Diagnostic(Severity.ERROR, "no simulator in " + dir,
                    dir + " does not exist. Start a simulator from this description with '"
                            + SimulatorDir.startCommand(dir, config.location(), null) + "'.", null));
            return new NodeTargets(List.of(), diags);
        }
        if (!Files.isRegularFile(json)) {
            diags.add(new Diagnostic(Severity.ERROR, dir + " is not a simulator directory",
                    "It has no cluster.json, which 'pictl sim start' writes. --sim=DIR and PICTL_SIM_DIR name the "
                            + "directory a simulator was started in ('pictl sim start --dir DIR'); a bare --sim "
                            + "uses " + SimulatorDir.beside(config.location()) + ", beside the configuration.", null));
            return new NodeTargets(List.of(), diags);
        }
        ClusterSpec spec;
        try {
            spec = ClusterSpec.read(json);
        } catch (IOException | RuntimeException e) {
            diags.add(new Diagnostic(Severity.ERROR, "cannot read the simulated cluster " + json,
                    "It is not a valid cluster.json: " + firstLine(e) + ". Stop the simulator, remove " + dir
                            + " and start it again with '" + SimulatorDir.startCommand(dir, config.location(), null)
                            + "'.", null));
            return new NodeTargets(List.of(), diags);
        }
        Map<String, NodeSpec> boards = new LinkedHashMap<>();
        spec.nodes().forEach(n -> boards.put(n.name(), n));
        Path key = dir.resolve("id_ed25519");
        Path knownHosts = dir.resolve("known_hosts");
        List<NodeTarget> out = new ArrayList<>();
        for (ResourceInstance node : config.ofType(dev.pictl.resource.Schemas.NODE_TYPE)) {
            String name = node.address().name();
            NodeSpec board = boards.get(name);
            if (board == null) {
                diags.add(Diagnostic.error(node.headerRange(), "node \"" + name + "\" is not in the simulated cluster",
                        "The simulator in " + dir + " has " + (boards.isEmpty() ? "no nodes" : "the nodes "
                                + String.join(", ", boards.keySet())) + ". Restart it from this description: "
                                + "'pictl sim stop --dir " + SimulatorDir.shellWord(dir.toString()) + "', then '"
                                + SimulatorDir.startCommand(dir, config.location(), spec) + "'."));
                continue;
            }
            String address = node.string("address");
            if (board.advertisedAddress() != null && address != null && !address.equals(board.advertisedAddress())) {
                diags.add(Diagnostic.warning(node.rangeOf("address"), "node \"" + name + "\" has address " + address
                                + " but its simulated board advertises " + board.advertisedAddress(),
                        "pictl connects to the board all the same, but k3s server URLs and node-ip values built from "
                                + "this address will not reach it. Restart the simulator from this description."));
            }
            out.add(target(name, board, dir));
        }
        if (!Files.isRegularFile(key) || !Files.isRegularFile(knownHosts)) {
            diags.add(new Diagnostic(Severity.ERROR, "the simulated cluster in " + dir + " has not been started yet",
                    "Its key (id_ed25519) and known_hosts are written when it first starts: run '"
                            + SimulatorDir.startCommand(dir, config.location(), spec) + "'.", null));
        }
        return new NodeTargets(out, diags);
    }

    /**
     * The simulated board of that name; a node the simulator does not have stays without a target (its deletes
     * fail saying so), and so does every node when {@code cluster.json} cannot be read ({@link #resolve} has said
     * why).
     */
    @Override
    public Map<String, NodeTarget> formerNodes(Config config, State state, Set<String> known) {
        Map<String, NodeSpec> boards = new LinkedHashMap<>();
        Path abs = dir.toAbsolutePath().normalize();
        try {
            ClusterSpec.read(abs.resolve("cluster.json")).nodes().forEach(b -> boards.put(b.name(), b));
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
        Map<String, NodeTarget> out = new LinkedHashMap<>();
        for (ResourceState r : state.resources()) {
            String node = r.node();
            if (node == null || known.contains(node) || out.containsKey(node)) {
                continue;
            }
            NodeSpec b = boards.get(node);
            if (b != null) {
                out.put(node, target(node, b, abs));
            }
        }
        return out;
    }

    /** The simulator's own settings: its known_hosts, no agent, no secrets ({@code given} is ignored). */
    @Override
    public TransportSettings transport(TransportSettings given) {
        return TransportSettings.isolated(dir.resolve("known_hosts"), System.getProperty("user.name", "pi"),
                Secrets.none());
    }

    /**
     * The board's loopback address: the simulator opens no API port, so kubectl gets "connection refused" on this
     * machine rather than reaching the description's real address.
     */
    @Override
    public String clientHost(NodeTarget target, String address) {
        return target.host();
    }

    /** {@link SimulatorDir#flag}: {@code " --sim"} or {@code " --sim=DIR"}. */
    @Override
    public String commandFlag(Path config) {
        return SimulatorDir.flag(dir, config);
    }

    private static NodeTarget target(String name, NodeSpec board, Path dir) {
        return new NodeTarget(name, board.address(), board.port(), board.user(), dir.resolve("id_ed25519"),
                dir.resolve("known_hosts"), HostKeyPolicy.STRICT,
                board.sudoPassword() == null ? SudoMode.PASSWORDLESS : SudoMode.WITH_PASSWORD, "none", null);
    }

    private static String firstLine(Exception e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    @Override
    public String toString() {
        return "SimulatorTargets[" + dir + "]";
    }
}
