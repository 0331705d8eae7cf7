package dev.pictl.transport.ssh;

import dev.pictl.transport.HostKeyPolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.AttributeRepository.AttributeKey;

/**
 * What one connection attempt (to a node or to one of its jump hosts) needs from the client-wide MINA
 * components: the host's real identity (a jumped connection's socket address is a local forward, not the host),
 * the node's known_hosts and policy, whether the agent may be used; and what they report back: why the host
 * key was refused, which keys were tried, and notes about keys that could not be loaded.
 *
 * <p>It travels as MINA's connection context, so the host-key verifier and agent factory find it from the session.
 */
final class ConnectContext {

    static final AttributeKey<ConnectContext> KEY = new AttributeKey<>();

    final String node;
    final String host;
    final int port;
    final String user;
    final Path knownHosts;
    final HostKeyPolicy policy;
    final boolean agentAllowed;
    final AtomicReference<HostKeyProblem> hostKeyProblem = new AtomicReference<>();
    private final List<String> offered = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    ConnectContext(String node, String host, int port, String user, Path knownHosts, HostKeyPolicy policy,
                   boolean agentAllowed) {
        this.node = node;
        this.host = host;
        this.port = port;
        this.user = user;
        this.knownHosts = knownHosts;
        this.policy = policy;
        this.agentAllowed = agentAllowed;
    }

    AttributeRepository asRepository() {
        return AttributeRepository.ofKeyValuePair(KEY, this);
    }

    static ConnectContext of(ClientSession session) {
        AttributeRepository repo = session.getConnectionContext();
        return repo == null ? null : repo.getAttribute(KEY);
    }

    /** {@code 10.0.0.5} on port 22, {@code [10.0.0.5]:2222} otherwise: how known_hosts and ssh-keygen -R write it. */
    String hostId() {
        return port == 22 ? host : "[" + host + "]:" + port;
    }

    synchronized void offered(String what) {
        offered.add(what);
    }

    synchronized void note(String what) {
        notes.add(what);
    }

    synchronized List<String> offered() {
        return List.copyOf(offered);
    }

    synchronized List<String> notes() {
        return List.copyOf(notes);
    }

    /** Why the verifier refused the host key. {@code expected*} are null when the host was unknown. */
    record HostKeyProblem(boolean changed, String keyType, String fingerprint, String expectedType,
                          String expectedFingerprint) {
    }
}
