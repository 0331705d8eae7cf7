package dev.pictl.engine;

import dev.pictl.config.Config;
import dev.pictl.state.State;
import dev.pictl.transport.NodeTarget;
import dev.pictl.transport.TransportSettings;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * Where pictl reaches the nodes of a description: the one place an operation learns the {@link NodeTarget} of a
 * node, how to connect, and what a command it suggests needs to reach the same nodes again. The engine only asks;
 * the caller chooses the answer. {@link #description()} is the description's own addresses (the real nodes);
 * the CLI's {@code --sim} chooses the built-in simulator's overlay, which lives outside this package: the engine
 * knows no simulator.
 *
 * <p>A resolver is asked only about a validated description. It never throws for what a person can fix: every
 * refusal (a node without an address, a stopped simulator, a node the simulator does not have) is a
 * {@link dev.pictl.diag.Diagnostic} in the {@link NodeTargets} it returns.
 */
public interface TargetResolver {

    /** The description's own addresses and SSH settings ({@link NodeTargets#from}). */
    static TargetResolver description() {
        return DescriptionTargets.INSTANCE;
    }

    /**
     * One target per {@code node} of {@code config}, in declaration order, and every problem found on the way; no
     * target at all when one of them is an error that concerns them all (a stopped simulator).
     */
    NodeTargets resolve(Config config);

    /**
     * Targets for nodes only the state still knows (dropped from the description; their resources are planned for
     * deletion, which needs the board). A node this resolver cannot place is left out, and its deletes fail saying
     * so; nothing is reported here.
     *
     * @param known the nodes {@link #resolve} placed already (left out of the answer)
     */
    Map<String, NodeTarget> formerNodes(Config config, State state, Set<String> known);

    /** The SSH settings to reach the targets with; {@code given} is the caller's (may be null). */
    TransportSettings transport(TransportSettings given);

    /**
     * The host a client outside the node (kubectl) is pointed at for a service on the node: the node's
     * {@code address} in the description, or where this resolver reaches the node instead.
     */
    String clientHost(NodeTarget target, String address);

    /**
     * What a command pictl suggests ({@code pictl plan --out ...}) needs to reach the same nodes, with a leading
     * space; {@code ""} for the description's own addresses.
     *
     * @param config the configuration file or directory the request named
     */
    String commandFlag(Path config);
}
