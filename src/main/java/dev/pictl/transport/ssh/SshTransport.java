package dev.pictl.transport.ssh;

import dev.pictl.io.BoundedFiles;
import dev.pictl.transport.NodeTarget;
import dev.pictl.transport.Result;
import dev.pictl.transport.Session;
import dev.pictl.transport.SudoMode;
import dev.pictl.transport.Transport;
import dev.pictl.transport.TransportException.Kind;
import dev.pictl.transport.TransportException;
import dev.pictl.transport.TransportSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.client.session.forward.ExplicitPortForwardingTracker;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.core.CoreModuleProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Transport} over Apache MINA SSHD. One {@link SshClient} per instance, created on the first
 * {@link #open} (so {@code --help} and {@code validate} never pay for MINA), one cached session per node, and
 * one cached session per jump host shared by the nodes behind it.
 *
 * <pre>
 * open(node) ──resolve route (NodeTarget &gt; ~/.ssh/config &gt; defaults)──▶ jump₁ … jumpₙ, node
 *   hop 1: TCP to jump₁ ─ KEX + host key (node's known_hosts/policy) ─ auth      (cached, shared)
 *   hop k: local forward 127.0.0.1:random ──through hop k-1──▶ jumpₖ ─ same checks
 *   node:  TCP (or forward) ─ KEX + host key ─ auth ─▶ SshSession
 * </pre>
 */
public final class SshTransport implements Transport {

    private static final Logger LOG = LoggerFactory.getLogger(SshTransport.class);

    private final TransportSettings settings;
    private final Endpoints endpoints;
    private final KeyFiles keyFiles;
    private final ConcurrentMap<String, Object> nodeLocks = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, SshSession> sessions = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, ClientSession> hops = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Object> hopLocks = new ConcurrentHashMap<>();
    private SshClient client;
    private boolean closed;

    public SshTransport(TransportSettings settings) {
        this.settings = settings;
        this.endpoints = new Endpoints(settings);
        this.keyFiles = new KeyFiles(settings.secrets());
    }

    private synchronized SshClient client() {
        if (closed) {
            throw new IllegalStateException("transport is closed");
        }
        if (client == null) {
            if (!SecurityUtils.isEDDSACurveSupported()) {
                // Without net.i2p.crypto:eddsa MINA skips ed25519 keys silently (libraries.md §2.2).
                throw new IllegalStateException("ed25519 support is missing: net.i2p.crypto:eddsa must be on the "
                        + "class path");
            }
            SshClient c = SshClient.setUpDefaultClient();
            c.setServerKeyVerifier(new HostKeyChecker());
            c.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY); // Endpoints applies ~/.ssh/config itself
            c.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER); // no silent ~/.ssh/id_* loading
            c.setAgentFactory(settings.agentSocket() == null ? null : new UnixAgent.Factory(settings.agentSocket()));
            if (!settings.heartbeatInterval().isZero()) {
                CoreModuleProperties.HEARTBEAT_INTERVAL.set(c, settings.heartbeatInterval());
                CoreModuleProperties.HEARTBEAT_NO_REPLY_MAX.set(c, settings.heartbeatMaxMissed());
            }
            c.start();
            client = c;
        }
        return client;
    }

    @Override
    public Session open(NodeTarget target) throws TransportException {
        Object lock = nodeLocks.computeIfAbsent(target.node(), n -> new Object());
        synchronized (lock) {
            SshSession cached = sessions.get(target.node());
            if (cached != null && cached.isOpen() && cached.target().equals(target)) {
                return cached;
            }
            if (cached != null) {
                LOG.debug("{}: replacing {} session", target.node(), cached.isOpen() ? "reconfigured" : "dead");
                cached.close();
            }
            SshSession fresh = connect(target);
            sessions.put(target.node(), fresh);
            return fresh;
        }
    }

    @Override
    public Map<String, Result<Session>> openAll(List<NodeTarget> targets, int parallelism) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1: " + parallelism);
        }
        Set<String> names = new HashSet<>();
        for (NodeTarget t : targets) {
            if (!names.add(t.node())) {
                throw new IllegalArgumentException("node " + t.node() + " appears twice");
            }
        }
        Map<String, Result<Session>> out = new LinkedHashMap<>();
        if (targets.isEmpty()) {
            return out;
        }
        AtomicInteger n = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, targets.size()), r -> {
            Thread th = new Thread(r, "pictl-connect-" + n.incrementAndGet());
            th.setDaemon(true);
            return th;
        });
        try {
            List<Future<Result<Session>>> futures = new ArrayList<>();
            for (NodeTarget t : targets) {
                futures.add(pool.submit(() -> {
                    try {
                        return Result.ok(open(t));
                    } catch (TransportException e) {
                        return Result.failed(e);
                    } catch (RuntimeException e) {
                        return Result.failed(new TransportException(Kind.CONNECTION_LOST, t.node(), Failures.CONNECT,
                                "unexpected failure: " + e, "this is a pictl bug; please report it", e));
                    }
                }));
            }
            for (int i = 0; i < targets.size(); i++) {
                out.put(targets.get(i).node(), await(futures.get(i), targets.get(i)));
            }
        } finally {
            pool.shutdownNow();
        }
        return out;
    }

    private static Result<Session> await(Future<Result<Session>> f, NodeTarget t) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Result.failed(new TransportException(Kind.CONNECTION_LOST, t.node(), Failures.CONNECT,
                    "interrupted", "pictl was interrupted while connecting"));
        } catch (java.util.concurrent.ExecutionException e) {
            return Result.failed(new TransportException(Kind.CONNECTION_LOST, t.node(), Failures.CONNECT,
                    "unexpected failure: " + e.getCause(), "this is a pictl bug; please report it", e.getCause()));
        }
    }

    private SshSession connect(NodeTarget target) throws TransportException {
        Endpoints.Route route;
        try {
            route = endpoints.route(target);
        } catch (IOException e) {
            throw new TransportException(Kind.UNREACHABLE, target.node(), Failures.CONNECT,
                    "cannot work out how to reach the node: " + e.getMessage(),
                    "check the node's ssh settings and the matching Host block in ~/.ssh/config", e);
        }
        Path knownHosts = target.knownHosts() != null ? target.knownHosts() : settings.defaultKnownHosts();
        checkKnownHosts(target, knownHosts);
        ClientSession via = null;
        String viaLabel = null;
        StringBuilder chain = new StringBuilder();
        for (Endpoints.Endpoint jump : route.jumps()) {
            chain.append(jump.label()).append('|').append(knownHosts).append('|').append(target.hostKeyPolicy())
                    .append('|').append(jump.identities()).append("->");
            via = hop(chain.toString(), target, jump, knownHosts, via, viaLabel);
            viaLabel = jump.label();
        }
        ClientSession session = dial(target, route.node(), knownHosts, via, viaLabel, "node");
        SudoMode sudo = target.sudo() != null ? target.sudo()
                : "root".equals(route.node().user()) ? SudoMode.NONE : SudoMode.PASSWORDLESS;
        LOG.debug("{}: connected to {} (sudo {})", target.node(), route.node().label(), sudo);
        return new SshSession(target, route.node().user(), sudo, session, settings);
    }

    /**
     * MINA reads known_hosts itself, with no bound and with a stack trace for a directory: pictl checks first that
     * it is a regular file within its limit (a missing one is fine: it is created for accept-new, and for strict
     * every host is unknown).
     */
    private static void checkKnownHosts(NodeTarget target, Path knownHosts) throws TransportException {
        if (!BoundedFiles.existsAsEntry(knownHosts)) {
            return;
        }
        try {
            BoundedFiles.check(knownHosts, BoundedFiles.Kind.KNOWN_HOSTS);
        } catch (java.nio.file.NoSuchFileException e) {
            if (BoundedFiles.isDanglingLink(knownHosts)) {
                throw knownHostsUnreadable(target, knownHosts, e);
            }
        } catch (IOException e) {
            throw knownHostsUnreadable(target, knownHosts, e);
        }
    }

    private static TransportException knownHostsUnreadable(NodeTarget target, Path knownHosts, IOException e) {
        return new TransportException(Kind.HOST_KEY_UNKNOWN, target.node(), Failures.CONNECT,
                "cannot read known_hosts " + knownHosts + ": " + BoundedFiles.reason(e),
                "point ssh.known_hosts at an OpenSSH known_hosts file (a regular file), or remove what is at that path",
                e);
    }

    private ClientSession hop(String key, NodeTarget target, Endpoints.Endpoint jump, Path knownHosts,
                              ClientSession via, String viaLabel) throws TransportException {
        Object lock = hopLocks.computeIfAbsent(key, k -> new Object());
        synchronized (lock) {
            ClientSession s = hops.get(key);
            if (s != null && s.isOpen() && s.isAuthenticated()) {
                return s;
            }
            s = dial(target, jump, knownHosts, via, viaLabel, "jump host");
            hops.put(key, s);
            return s;
        }
    }

    /** TCP (directly, or through a local forward over {@code via}), then KEX, host key check and auth. */
    private ClientSession dial(NodeTarget target, Endpoints.Endpoint ep, Path knownHosts, ClientSession via,
                               String viaLabel, String what) throws TransportException {
        SshClient c = client();
        Duration limit = target.connectTimeout();
        ConnectContext ctx = new ConnectContext(target.node(), ep.host(), ep.port(), ep.user(), knownHosts,
                target.hostKeyPolicy(), ep.agentAllowed() && settings.agentSocket() != null);
        ExplicitPortForwardingTracker forward = null;
        InetSocketAddress address;
        try {
            if (via == null) {
                address = new InetSocketAddress(ep.host(), ep.port());
            } else {
                forward = via.createLocalPortForwardingTracker(new SshdSocketAddress("127.0.0.1", 0),
                        new SshdSocketAddress(ep.host(), ep.port()));
                address = forward.getBoundAddress().toInetSocketAddress();
            }
        } catch (IOException | RuntimeException e) {
            throw Failures.tcp(target.node(), ep, viaLabel, e, limit.toSeconds(), what);
        }
        ClientSession session;
        ConnectFuture future = null;
        try {
            future = c.connect(ep.user(), address, ctx.asRepository(), null);
            future.verify(limit);
            session = future.getClientSession();
        } catch (IOException | RuntimeException e) {
            if (future != null) {
                future.cancel();
            }
            closeQuietly(forward);
            throw Failures.tcp(target.node(), ep, viaLabel, e, limit.toSeconds(), what);
        }
        try {
            session.setKeyIdentityProvider(keyFiles.provider(ep.identities(), ctx));
            session.auth().verify(limit);
        } catch (IOException | RuntimeException e) {
            session.close(true);
            closeQuietly(forward);
            throw Failures.handshake(target.node(), ep, ctx, e, limit.toSeconds(), what);
        }
        if (forward != null) {
            ExplicitPortForwardingTracker f = forward;
            session.addCloseFutureListener(x -> closeQuietly(f));
        }
        return session;
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            LOG.debug("close failed: {}", e.toString());
        }
    }

    @Override
    public void close() {
        SshClient c;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            c = client;
        }
        sessions.values().forEach(SshSession::close);
        sessions.clear();
        hops.values().forEach(s -> s.close(true));
        hops.clear();
        if (c != null) {
            c.stop();
        }
    }
}
