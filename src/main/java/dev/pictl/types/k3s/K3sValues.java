package dev.pictl.types.k3s;

import dev.pictl.plan.kind.Canon;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The values of a k3s server and a k3s agent, one record per type: the single definition of both sides of the plan.
 * The kinds build them ({@code desired()} and {@code observe()}) and hand the planner their {@code canonical()}
 * attributes (the plan's JSON form and the saved plan file); the executors read them back with {@code of()}, never
 * by casting out of the maps. {@code running} is a pseudo-attribute (the unit active); {@code token} is the keyed
 * hash of the token's password part (sensitive), never the token: that is a secret handle the executor resolves
 * ({@code ApplyContext.secret}). A {@code null} is an attribute the map does not hold.
 */
final class K3sValues {
    private K3sValues() {
    }

    /**
     * A server's values; canonical order {@code node, version, running, config, token, registry_mirrors,
     * registry_auth}.
     *
     * @param node    the node it runs on
     * @param version the k3s release
     * @param running whether the {@code k3s} unit is active (desired: always)
     * @param config  config.yaml's passthrough keys (and {@code disable}, {@code docker}, {@code node-name}), sorted
     * @param token   the keyed hash of the token's password part
     * @param registryMirrors registries.yaml's mirrors, registry → endpoints; null when pictl does not manage the file
     * @param registryAuth    registries.yaml's credentials, host → [username, password]: a keyed hash in the plan
     *                        and the state, the map in clear only as apply reveals it to the executor; null as above
     */
    record Server(String node, String version, boolean running, Map<String, Object> config, String token,
                  Map<String, Object> registryMirrors, Object registryAuth, java.util.List<String> nodes,
                  String apiAddress) {
        Server {
            config = sorted(config);
            registryMirrors = sorted(registryMirrors);
            nodes = nodes == null ? null : java.util.List.copyOf(nodes);
        }

        Server(String node, String version, boolean running, Map<String, Object> config, String token,
               Map<String, Object> registryMirrors, Object registryAuth) {
            this(node, version, running, config, token, registryMirrors, registryAuth, null, null);
        }

        Server(String node, String version, boolean running, Map<String, Object> config, String token) {
            this(node, version, running, config, token, null, null);
        }

        Server withRegistries(Map<String, Object>[] registries) {
            return registries == null ? this
                    : new Server(node, version, running, config, token, registries[0], registries[1], nodes, apiAddress);
        }

        /** With the servers of an HA control plane (issue 14): null for the one-server form. */
        Server withServers(java.util.List<String> servers, String api) {
            return new Server(node, version, running, config, token, registryMirrors, registryAuth, servers, api);
        }

        /** From the plan's attributes (missing ones are {@code null}; {@code running} false). */
        static Server of(Map<String, Object> attributes) {
            Map<String, Object> a = attributes == null ? Map.of() : attributes;
            java.util.List<String> ns = a.get("nodes") instanceof java.util.List<?> l
                    ? l.stream().map(String::valueOf).toList() : null;
            return new Server(text(a, "node"), text(a, "version"), Boolean.TRUE.equals(a.get("running")),
                    map(a.get("config")), text(a, "token"), map(a.get(Registries.MIRRORS)), a.get(Registries.AUTH),
                    ns, text(a, "api_address"));
        }

        /** Canonical order; {@code nodes} and {@code api_address} only for several servers (the one-server form is unchanged). */
        Map<String, Object> canonical() {
            return Canon.ordered("node", node, "version", version, "running", running, "config", copy(config),
                    "token", token, Registries.MIRRORS, copy(registryMirrors), Registries.AUTH, registryAuth,
                    "nodes", nodes == null ? null : new java.util.ArrayList<>(nodes), "api_address", apiAddress);
        }

        /** The node it runs on, {@code otherwise} when the attributes name none (a change always does). */
        String nodeOr(String otherwise) {
            return node != null ? node : otherwise;
        }

        /** Every server node, the first (cluster-init) first: {@code nodes}, else the one {@code node}. */
        java.util.List<String> servers(String otherwise) {
            return nodes != null && !nodes.isEmpty() ? nodes : java.util.List.of(nodeOr(otherwise));
        }
    }

    /**
     * An agent's values; canonical order {@code version, running, server_url, config, token, registry_mirrors,
     * registry_auth}.
     *
     * @param version   the server's k3s release, which the agent installs
     * @param running   whether the {@code k3s-agent} unit is active (desired: always)
     * @param serverUrl where it joins: the server's address and API port ({@code https-listen-port})
     * @param config    config.yaml's passthrough keys (and {@code docker}, {@code node-name}), sorted
     * @param token     the keyed hash of the join token's password part
     * @param registryMirrors as the server's
     * @param registryAuth    as the server's
     */
    record Agent(String version, boolean running, String serverUrl, Map<String, Object> config, String token,
                 Map<String, Object> registryMirrors, Object registryAuth) {
        Agent {
            config = sorted(config);
            registryMirrors = sorted(registryMirrors);
        }

        Agent(String version, boolean running, String serverUrl, Map<String, Object> config, String token) {
            this(version, running, serverUrl, config, token, null, null);
        }

        Agent withRegistries(Map<String, Object>[] registries) {
            return registries == null ? this
                    : new Agent(version, running, serverUrl, config, token, registries[0], registries[1]);
        }

        static Agent of(Map<String, Object> attributes) {
            Map<String, Object> a = attributes == null ? Map.of() : attributes;
            return new Agent(text(a, "version"), Boolean.TRUE.equals(a.get("running")), text(a, "server_url"),
                    map(a.get("config")), text(a, "token"), map(a.get(Registries.MIRRORS)), a.get(Registries.AUTH));
        }

        Map<String, Object> canonical() {
            return Canon.ordered("version", version, "running", running, "server_url", serverUrl,
                    "config", copy(config), "token", token, Registries.MIRRORS, copy(registryMirrors),
                    Registries.AUTH, registryAuth);
        }

        /** The node name the agent registers with: its config's {@code node-name}, else the node's. */
        String nodeName(String node) {
            Object name = config == null ? null : config.get("node-name");
            return name instanceof String s && !s.isBlank() ? s : node;
        }
    }

    /**
     * A {@code kube_node}'s values; canonical order {@code labels, taints}.
     *
     * @param labels the labels pictl keeps on the Node (desired), or the Node's labels of the keys pictl manages
     *               (observed: declared or recorded), sorted
     * @param taints likewise, as {@code key[=value]:Effect} texts, sorted
     */
    record KubeNode(Map<String, Object> labels, java.util.List<String> taints) {
        KubeNode {
            labels = labels == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(labels));
            taints = taints == null ? java.util.List.of() : taints.stream().sorted().toList();
        }

        static KubeNode of(Map<String, Object> attributes) {
            Map<String, Object> a = attributes == null ? Map.of() : attributes;
            java.util.List<String> t = a.get("taints") instanceof java.util.List<?> l
                    ? l.stream().map(String::valueOf).toList() : java.util.List.of();
            Map<String, Object> labels = new TreeMap<>();
            Map<String, Object> declared = map(a.get("labels"));
            if (declared != null) {
                declared.forEach((k, v) -> labels.put(k, String.valueOf(v)));
            }
            return new KubeNode(labels, t);
        }

        Map<String, Object> canonical() {
            return Canon.ordered("labels", new TreeMap<>(labels), "taints", new java.util.ArrayList<>(taints));
        }
    }

    /**
     * registries.yaml for the executor to write: null to leave the file alone (pictl does not manage it), empty text
     * to remove it, else the file. {@code auth} must be revealed (a map in clear; see {@link #unrevealed}).
     */
    static String registriesToWrite(Map<String, Object> mirrors, Object auth) {
        if (mirrors == null && auth == null) {
            return null;
        }
        return Registries.file(mirrors, map(auth));
    }

    /** Whether credentials are still a keyed hash: the description apply runs with does not give them. */
    static boolean unrevealed(Object auth) {
        return auth != null && !(auth instanceof Map<?, ?>);
    }

    /** config.yaml's keys for a k3s node to write: a mutable copy (empty when the plan holds none). */
    static Map<String, Object> configToWrite(Map<String, Object> config) {
        return config == null ? new TreeMap<>() : new TreeMap<>(config);
    }

    private static Map<String, Object> sorted(Map<String, Object> m) {
        return m == null ? null : Collections.unmodifiableMap(new TreeMap<>(m));
    }

    private static Map<String, Object> copy(Map<String, Object> m) {
        return m == null ? null : new TreeMap<>(m);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
    }

    private static String text(Map<String, Object> attributes, String key) {
        return attributes.get(key) instanceof String s ? s : null;
    }
}
