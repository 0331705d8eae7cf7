package dev.pictl.types.k3s;

import dev.pictl.addr.ResourceAddress;
import dev.pictl.config.Config;
import dev.pictl.diag.SourceRange;
import dev.pictl.plan.kind.ClusterEndpoint;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.resource.Schemas;
import dev.pictl.resource.Value;
import java.util.Optional;

/**
 * The k3s API server as the description gives it, in one place: the {@code k3s_server} block, its node, the node's
 * described address (and whether it is sensitive), and the port k3s listens on, the {@code https-listen-port} of its
 * {@code config} passthrough, else {@value #DEFAULT_PORT}. Agents join {@link #url()}, {@code pictl kubeconfig}
 * points at it, and storage objects are read and changed through {@link #node()}.
 *
 * @param instance     the {@code k3s_server} block (the first one: the language allows one server today)
 * @param addressValue the value of its node's {@code address}; null when the node or the attribute is missing
 */
public record ApiServer(ResourceInstance instance, String node, Value addressValue, int port)
        implements ClusterEndpoint {
    /** What k3s listens on unless {@code https-listen-port} says otherwise. */
    public static final int DEFAULT_PORT = 6443;
    static final String LISTEN_PORT = "https-listen-port";

    /** The description's k3s server, if it has one. */
    public static Optional<ApiServer> of(Config config) {
        return config.ofType(K3sServerType.NAME).stream().findFirst().map(server -> {
            // api_address (issue 14): the fixed registration address in front of the servers, else the first's
            Value address = server.attributes().get("api_address") != null ? server.attributes().get("api_address")
                    : config.instance(ResourceAddress.of(Schemas.NODE_TYPE, server.node()))
                    .map(n -> n.attributes().get("address")).orElse(null);
            return new ApiServer(server, server.node(), address, port(server));
        });
    }

    @Override
    public java.util.List<String> quorumMembers() {
        return HaServers.several(instance) ? HaServers.nodes(instance) : java.util.List.of();
    }

    @Override
    public SourceRange declaredAt() {
        return instance.headerRange();
    }

    @Override
    public String url(String host) {
        return url(host, port);
    }

    /**
     * The API port of a {@code k3s_server}: its {@code config}'s {@code https-listen-port} (a number or a string of
     * digits), else {@value #DEFAULT_PORT}. A value k3s would refuse leaves the default, the best guess.
     */
    static int port(ResourceInstance server) {
        if (server.attributes().get("config") instanceof Value.MapVal m) {
            Value v = m.entries().get(LISTEN_PORT);
            try {
                if (v instanceof Value.Num n) {
                    return n.value().intValueExact();
                }
                if (v instanceof Value.Str s) {
                    return Integer.parseInt(s.value().strip());
                }
            } catch (ArithmeticException | NumberFormatException e) {
                // k3s refuses such a value itself
            }
        }
        return DEFAULT_PORT;
    }

    /**
     * {@code https://HOST:PORT}, an IPv6 address in brackets and its zone's {@code %} escaped
     * ({@code https://[fe80::2%25eth0]:6443}): k3s splits host and port at the last colon and refuses a bare IPv6
     * address ("too many colons in address"). A host already in brackets is kept as it is; null gives null.
     */
    public static String url(String host, int port) {
        if (host == null) {
            return null;
        }
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host.replace("%", "%25") + "]" : host;
        return "https://" + h + ":" + port;
    }

    /** The host of a server URL as {@link #url} writes it: port removed, brackets removed, a zone's {@code %25} decoded. */
    public static String host(String url) {
        if (url == null) {
            return null;
        }
        String host = url.replaceFirst("^https://", "").replaceFirst(":\\d+/?$", "");
        return host.startsWith("[") && host.endsWith("]")
                ? host.substring(1, host.length() - 1).replace("%25", "%") : host;
    }
}
