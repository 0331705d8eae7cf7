package dev.pictl.testing;

import dev.pictl.transport.NodeTarget;
import dev.pictl.transport.Result;
import dev.pictl.transport.Session;
import dev.pictl.transport.Transport;
import dev.pictl.transport.TransportException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link Transport} over {@link FakeSession}s: {@link #open} hands out the session scripted for the target's node
 * (the same one again after a {@link FakeSession#drop()} or close, so its records stay in one place), and a node
 * with no session is unreachable.
 *
 * <pre>{@code
 * FakeTransport t = new FakeTransport();
 * FakeSession pi = t.node("pi-1").when("boot_id").answer("0b7a...\n");
 * Map<String, NodeTarget> targets = t.targets();   // a NodeTarget per scripted node, for code that wants them
 * }</pre>
 */
public final class FakeTransport implements Transport {
    private final Map<String, FakeSession> sessions = new LinkedHashMap<>();
    private final List<String> opened = new ArrayList<>();
    private final java.util.Set<String> down = new java.util.LinkedHashSet<>();
    private boolean closed;

    /** The node's fake session, made on first use. */
    public synchronized FakeSession node(String name) {
        return sessions.computeIfAbsent(name, FakeSession::of);
    }

    /** A node with a target that cannot be connected to (a dead board): {@link #open} fails UNREACHABLE. */
    public synchronized void down(String name) {
        sessions.remove(name);
        down.add(name);
    }

    /** A target per node scripted so far, and per node {@link #down} (loopback, port 22: nothing connects to it). */
    public synchronized Map<String, NodeTarget> targets() {
        Map<String, NodeTarget> out = new LinkedHashMap<>();
        for (String n : sessions.keySet()) {
            out.put(n, NodeTarget.of(n, "127.0.0.1").withPort(22).withUser("pi"));
        }
        for (String n : down) {
            out.put(n, NodeTarget.of(n, "127.0.0.1").withPort(22).withUser("pi"));
        }
        return out;
    }

    @Override
    public synchronized Session open(NodeTarget target) throws TransportException {
        opened.add(target.node());
        FakeSession s = sessions.get(target.node());
        if (s == null) {
            throw new TransportException(TransportException.Kind.UNREACHABLE, target.node(), "connect",
                    down.contains(target.node()) ? "Connection refused" : "no fake session for this node", null);
        }
        s.reopen();
        return s;
    }

    @Override
    public Map<String, Result<Session>> openAll(List<NodeTarget> targets, int parallelism) {
        Map<String, Result<Session>> out = new LinkedHashMap<>();
        for (NodeTarget t : targets) {
            try {
                out.put(t.node(), Result.ok(open(t)));
            } catch (TransportException e) {
                out.put(t.node(), Result.failed(e));
            }
        }
        return out;
    }

    /** The nodes {@link #open} was asked for, in order (one entry per call). */
    public synchronized List<String> opened() {
        return List.copyOf(opened);
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    @Override
    public synchronized void close() {
        closed = true;
        sessions.values().forEach(FakeSession::close);
    }
}
