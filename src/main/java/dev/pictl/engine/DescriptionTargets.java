package dev.pictl.engine;

import dev.pictl.config.Config;
import dev.pictl.diag.Diagnostic;
import dev.pictl.resource.Value;
import dev.pictl.state.ResourceState;
import dev.pictl.state.State;
import dev.pictl.transport.HostKeyPolicy;
import dev.pictl.transport.NodeTarget;
import dev.pictl.transport.Secrets;
import dev.pictl.transport.TransportSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The real nodes: each node at its description's {@code address} with its SSH settings ({@link NodeTargets#from}),
 * a node only the state knows at the address its state entry recorded.
 */
final class DescriptionTargets implements TargetResolver {
    static final DescriptionTargets INSTANCE = new DescriptionTargets();

    private DescriptionTargets() {
    }

    @Override
    public NodeTargets resolve(Config config) {
        NodeTargets t = NodeTargets.from(config);
        List<Diagnostic> keys = NodeTargets.keyFileErrors(config, Path.of(System.getProperty("user.home")));
        if (keys.isEmpty()) {
            return t;
        }
        // Reported here, once at the private_key line, rather than by every node's connection at its node line.
        List<Diagnostic> all = new ArrayList<>(t.diagnostics());
        all.addAll(keys);
        return new NodeTargets(t.targets(), all);
    }

    /**
     * The address recorded in the state's {@code node} entry with the top-level {@code ssh} settings; a node whose
     * entry has no address stays without a target.
     */
    @Override
    public Map<String, NodeTarget> formerNodes(Config config, State state, Set<String> known) {
        Map<String, NodeTarget> out = new LinkedHashMap<>();
        for (ResourceState r : state.resources()) {
            String node = r.node();
            if (node == null || known.contains(node) || out.containsKey(node)) {
                continue;
            }
            Object address = state.resources().stream().filter(x -> x.address().type().equals(dev.pictl.resource.Schemas.NODE_TYPE)
                            && x.address().name().equals(node)).findFirst()
                    .map(x -> x.attributes().get("address")).orElse(null);
            if (!(address instanceof String host) || host.isBlank()) {
                continue;
            }
            Map<String, Value> ssh = config.sshDefaults();
            Path base = NodeTargets.configDir(config);
            Path home = Path.of(System.getProperty("user.home"));
            String key = str(ssh, "private_key");
            String knownHosts = str(ssh, "known_hosts");
            String policy = str(ssh, "host_key_policy");
            int port = ssh.get("port") instanceof Value.Num n ? n.value().intValue() : 0;
            out.put(node, new NodeTarget(node, host, port, str(ssh, "user"),
                    key == null ? null : NodeTargets.path(key, base, home),
                    knownHosts == null ? null : NodeTargets.path(knownHosts, base, home),
                    policy == null ? null : policy.equals("accept-new") ? HostKeyPolicy.ACCEPT_NEW : HostKeyPolicy.STRICT,
                    null, str(ssh, "jump_host"), null));
        }
        return out;
    }

    /** The given settings, else isolated ones with {@code ~/.ssh/known_hosts} (no agent, no secrets). */
    @Override
    public TransportSettings transport(TransportSettings given) {
        return given != null ? given
                : TransportSettings.isolated(Path.of(System.getProperty("user.home"), ".ssh", "known_hosts"),
                        System.getProperty("user.name", "pi"), Secrets.none());
    }

    @Override
    public String clientHost(NodeTarget target, String address) {
        return address;
    }

    @Override
    public String commandFlag(Path config) {
        return "";
    }

    private static String str(Map<String, Value> values, String name) {
        return values.get(name) instanceof Value.Str s ? s.value() : null;
    }
}
