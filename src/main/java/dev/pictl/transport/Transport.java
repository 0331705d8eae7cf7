package dev.pictl.transport;

import java.util.List;
import java.util.Map;

/**
 * The way to every node of one pictl run. One instance per run: it owns the SSH machinery, caches one
 * {@link Session} per node and closes them all on {@link #close()}.
 *
 * <p>Implementations are thread-safe: sessions to different nodes may be opened and used concurrently.
 */
public interface Transport extends AutoCloseable {

    /**
     * Connects to and authenticates with the node, or returns the session already open to it. A session whose
     * connection has died (the node rebooted, the network dropped) is replaced by a new one.
     *
     * @throws TransportException classified: {@code UNREACHABLE}, {@code TIMED_OUT}, {@code AUTH_REFUSED},
     *                            {@code HOST_KEY_UNKNOWN}, {@code HOST_KEY_CHANGED}, {@code CONNECTION_LOST}
     */
    Session open(NodeTarget target) throws TransportException;

    /**
     * Opens sessions to many nodes, at most {@code parallelism} connection attempts at a time. Never throws for
     * one node's failure: every target gets exactly one outcome, keyed by node name, in the order given.
     *
     * @throws IllegalArgumentException if two targets share a node name or parallelism is below 1
     */
    Map<String, Result<Session>> openAll(List<NodeTarget> targets, int parallelism);

    /** Closes every session (and jump host session) this transport opened. Idempotent. */
    @Override
    void close();
}
