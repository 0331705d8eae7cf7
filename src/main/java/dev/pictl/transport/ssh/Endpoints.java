package dev.pictl.transport.ssh;

import dev.pictl.transport.NodeTarget;
import dev.pictl.transport.TransportSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.sshd.client.config.hosts.ConfigFileHostEntryResolver;
import org.apache.sshd.client.config.hosts.HostConfigEntry;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a {@link NodeTarget} into the concrete hops to dial, applying {@code ~/.ssh/config} the way OpenSSH
 * does for the keywords pictl honours (HostName, User, Port, IdentityFile, ProxyJump). Precedence per value:
 *
 * <pre>
 * pictl's own setting  &gt;  ssh config (first matching Host block wins)  &gt;  default
 * </pre>
 *
 * A jump host's user is its spec's ({@code user@bastion}), else ssh config's, else the node's user (more useful
 * for a fleet than the local user name). Keys: a node's private_key is the only key offered, on every hop, with
 * no agent; without one, the agent's keys come first, then ssh config's IdentityFile for that hop, else the
 * default key files.
 */
final class Endpoints {

    private static final Logger LOG = LoggerFactory.getLogger(Endpoints.class);

    /** One SSH server to dial: the node itself or a jump host. */
    record Endpoint(String host, int port, String user, List<Path> identities, boolean agentAllowed) {
        Endpoint {
            identities = List.copyOf(identities);
        }

        /** {@code user@host:port}, as messages name it. */
        String label() {
            return user + "@" + host + ":" + port;
        }
    }

    /** The node's endpoint and the jump hosts before it, outermost first. */
    record Route(Endpoint node, List<Endpoint> jumps) {
        Route {
            jumps = List.copyOf(jumps);
        }
    }

    private final TransportSettings settings;
    private final HostConfigEntryResolver config;

    Endpoints(TransportSettings settings) {
        this.settings = settings;
        Path file = settings.sshConfig();
        this.config = file != null && Files.isRegularFile(file) ? new ConfigFileHostEntryResolver(file)
                : HostConfigEntryResolver.EMPTY;
    }

    Route route(NodeTarget t) throws IOException {
        HostConfigEntry e = lookup(t.host());
        String host = e != null && e.getHostName() != null && !e.getHostName().isBlank() ? e.getHostName() : t.host();
        int port = t.port() > 0 ? t.port() : configPort(e);
        String user = t.user() != null ? t.user() : configUser(e, settings.localUser());
        Endpoint node = new Endpoint(host, port, user, identities(t, e), t.privateKey() == null);

        String jumpSpec = t.jumpHost() != null ? t.jumpHost() : e == null ? null : blankToNull(e.getProxyJump());
        List<Endpoint> jumps = new ArrayList<>();
        if (jumpSpec != null && !jumpSpec.equalsIgnoreCase("none")) {
            for (String hop : jumpSpec.split(",")) {
                jumps.add(jump(hop.trim(), t, user));
            }
        }
        LOG.debug("{}: route {} via {}", t.node(), node.label(), jumps);
        return new Route(node, jumps);
    }

    /** {@code [user@]host[:port]}; the host may be an ssh config alias. */
    private Endpoint jump(String spec, NodeTarget t, String nodeUser) throws IOException {
        String user = null;
        String rest = spec;
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            user = rest.substring(0, at);
            rest = rest.substring(at + 1);
        }
        int port = 0;
        int colon = rest.lastIndexOf(':');
        if (colon > 0 && rest.indexOf(':') == colon) { // one colon: host:port (several would be bare IPv6)
            try {
                port = Integer.parseInt(rest.substring(colon + 1));
            } catch (NumberFormatException nfe) {
                throw new IOException("jump host \"" + spec + "\": port is not a number");
            }
            rest = rest.substring(0, colon);
        }
        if (rest.startsWith("[") && rest.endsWith("]")) {
            rest = rest.substring(1, rest.length() - 1);
        }
        if (rest.isBlank()) {
            throw new IOException("jump host \"" + spec + "\" names no host");
        }
        HostConfigEntry e = lookup(rest);
        String host = e != null && e.getHostName() != null && !e.getHostName().isBlank() ? e.getHostName() : rest;
        return new Endpoint(host, port > 0 ? port : configPort(e), user != null ? user : configUser(e, nodeUser),
                identities(t, e), t.privateKey() == null);
    }

    private List<Path> identities(NodeTarget t, HostConfigEntry e) {
        if (t.privateKey() != null) {
            return List.of(t.privateKey());
        }
        Collection<String> fromConfig = e == null ? null : e.getIdentities();
        if (fromConfig != null && !fromConfig.isEmpty()) {
            return fromConfig.stream().map(Endpoints::expandHome).toList();
        }
        return settings.defaultIdentities();
    }

    private static Path expandHome(String p) {
        if (p.equals("~") || p.startsWith("~/")) {
            return Path.of(System.getProperty("user.home") + p.substring(1));
        }
        return Path.of(p);
    }

    /**
     * The effective ssh config entry for a host as typed, or null when no Host block matches. MINA fills in
     * values nobody configured (port 22, the OS user): {@link #configPort} and {@link #configUser} read the
     * raw properties so pictl's own defaults apply instead.
     */
    private HostConfigEntry lookup(String host) throws IOException {
        return config.resolveEffectiveHost(host, 0, null, null, null, null);
    }

    private static int configPort(HostConfigEntry e) {
        String p = e == null ? null : e.getProperty(HostConfigEntry.PORT_CONFIG_PROP);
        if (p != null) {
            try {
                return Integer.parseInt(p.trim());
            } catch (NumberFormatException ignored) {
                // fall through to the default, as OpenSSH refuses such a file anyway
            }
        }
        return 22;
    }

    private static String configUser(HostConfigEntry e, String fallback) {
        String u = e == null ? null : e.getProperty(HostConfigEntry.USER_CONFIG_PROP);
        return u != null && !u.isBlank() ? u.trim() : fallback;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
