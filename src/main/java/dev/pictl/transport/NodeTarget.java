package dev.pictl.transport;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Where a node is and how to reach it. Unset values ({@code null}, or {@code 0} for the port) fall back to the
 * matching {@code Host} block of {@code ~/.ssh/config}, then to OpenSSH's defaults:
 *
 * <pre>
 * field           unset means
 * --------------  ---------------------------------------------------------------
 * host            required; an address, or an alias that ~/.ssh/config's HostName resolves
 * port            ssh config Port, else 22
 * user            ssh config User, else the local user name
 * privateKey      ssh-agent's keys, then ssh config IdentityFile, then ~/.ssh/id_{ed25519,ecdsa,rsa}
 * knownHosts      ~/.ssh/known_hosts
 * hostKeyPolicy   STRICT
 * sudo            NONE when the user is root, else PASSWORDLESS
 * jumpHost        ssh config ProxyJump, else none ("user@host:port", comma-separated for a chain)
 * connectTimeout  10 s (TCP connect, and again for the SSH handshake and authentication)
 * </pre>
 */
public record NodeTarget(String node, String host, int port, String user, Path privateKey, Path knownHosts,
                         HostKeyPolicy hostKeyPolicy, SudoMode sudo, String jumpHost, Duration connectTimeout) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    public NodeTarget {
        if (node == null || node.isBlank()) {
            throw new IllegalArgumentException("node name is required");
        }
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException(node + ": host is required");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(node + ": port out of range: " + port);
        }
        hostKeyPolicy = hostKeyPolicy == null ? HostKeyPolicy.STRICT : hostKeyPolicy;
        connectTimeout = connectTimeout == null ? DEFAULT_CONNECT_TIMEOUT : connectTimeout;
        if (jumpHost != null && jumpHost.isBlank()) {
            jumpHost = null;
        }
    }

    /** A target with everything else unset. */
    public static NodeTarget of(String node, String host) {
        return new NodeTarget(node, host, 0, null, null, null, null, null, null, null);
    }

    public NodeTarget withPort(int p) {
        return new NodeTarget(node, host, p, user, privateKey, knownHosts, hostKeyPolicy, sudo, jumpHost, connectTimeout);
    }

    public NodeTarget withUser(String u) {
        return new NodeTarget(node, host, port, u, privateKey, knownHosts, hostKeyPolicy, sudo, jumpHost, connectTimeout);
    }

    public NodeTarget withPrivateKey(Path k) {
        return new NodeTarget(node, host, port, user, k, knownHosts, hostKeyPolicy, sudo, jumpHost, connectTimeout);
    }

    public NodeTarget withKnownHosts(Path k) {
        return new NodeTarget(node, host, port, user, privateKey, k, hostKeyPolicy, sudo, jumpHost, connectTimeout);
    }

    public NodeTarget withHostKeyPolicy(HostKeyPolicy p) {
        return new NodeTarget(node, host, port, user, privateKey, knownHosts, p, sudo, jumpHost, connectTimeout);
    }

    public NodeTarget withSudo(SudoMode s) {
        return new NodeTarget(node, host, port, user, privateKey, knownHosts, hostKeyPolicy, s, jumpHost, connectTimeout);
    }

    public NodeTarget withJumpHost(String j) {
        return new NodeTarget(node, host, port, user, privateKey, knownHosts, hostKeyPolicy, sudo, j, connectTimeout);
    }

    public NodeTarget withConnectTimeout(Duration t) {
        return new NodeTarget(node, host, port, user, privateKey, knownHosts, hostKeyPolicy, sudo, jumpHost, t);
    }

    @Override
    public String toString() {
        return node + " (" + (user == null ? "" : user + "@") + host + (port == 0 ? "" : ":" + port)
                + (jumpHost == null ? "" : " via " + jumpHost) + ")";
    }
}
