package dev.pictl.types.k3s;

import java.util.Map;

/**
 * What the plan carries for a k3s server or agent (its canonical attributes, as the kinds make them and the plan
 * file holds them), typed for the executors: they read these records, never cast out of the maps. The token is
 * never among them: it is a secret handle the executor resolves ({@code ApplyContext.secret}).
 */
final class K3sValues {
    private K3sValues() {
    }

    /**
     * A server's planned values.
     *
     * @param node    the node it runs on
     * @param version the k3s release
     * @param config  config.yaml's passthrough keys (and {@code disable}, {@code docker}, {@code node-name})
     */
    record Server(String node, String version, Map<String, Object> config) {
        /** From the plan's attributes; {@code node} when they name none (a change always does). */
        static Server of(Map<String, Object> attributes, String node) {
            return new Server(text(attributes, "node", node), text(attributes, "version", null),
                    K3sNode.map(attributes.get("config")));
        }
    }

    /**
     * An agent's planned values.
     *
     * @param version   the server's k3s release, which the agent installs
     * @param serverUrl where it joins: the server's address and API port ({@code https-listen-port})
     * @param config    config.yaml's passthrough keys (and {@code docker}, {@code node-name})
     */
    record Agent(String version, String serverUrl, Map<String, Object> config) {
        static Agent of(Map<String, Object> attributes) {
            return new Agent(text(attributes, "version", null), text(attributes, "server_url", null),
                    K3sNode.map(attributes == null ? null : attributes.get("config")));
        }

        /** The node name the agent registers with: its config's {@code node-name}, else the node's. */
        String nodeName(String node) {
            Object name = config.get("node-name");
            return name instanceof String s && !s.isBlank() ? s : node;
        }
    }

    private static String text(Map<String, Object> attributes, String key, String otherwise) {
        return attributes != null && attributes.get(key) instanceof String s ? s : otherwise;
    }
}
