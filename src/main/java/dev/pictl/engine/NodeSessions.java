package dev.pictl.engine;

import dev.pictl.config.Config;
import dev.pictl.diag.Diagnostics;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.resource.Schemas;
import dev.pictl.transport.NodeTarget;
import dev.pictl.transport.Session;
import dev.pictl.transport.Transport;
import dev.pictl.transport.TransportException;
import dev.pictl.transport.TransportSettings;
import dev.pictl.transport.ssh.SshTransport;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Sessions to a few named nodes of a description (backup and restore reach the servers and agents only), opened on
 * first use through one transport; the targets come from the request's resolver, so a simulator's boards are
 * reached the same way plan reaches them.
 */
final class NodeSessions implements AutoCloseable {
    private final Transport transport;
    private final Map<String, NodeTarget> targets;
    private final Map<String, Session> open = new HashMap<>();

    private NodeSessions(Transport transport, Map<String, NodeTarget> targets) {
        this.transport = transport;
        this.targets = targets;
    }

    /** Sessions to {@code nodes}, or null with the resolver's refusals in {@code diags}. */
    static NodeSessions of(Config config, Collection<String> nodes, TargetResolver resolver, TransportSettings settings,
                           Diagnostics diags) {
        List<ResourceInstance> instances = config.instances().stream()
                .filter(i -> !i.type().equals(Schemas.NODE_TYPE) || nodes.contains(i.address().name())).toList();
        Config only = new Config(config.location(), config.sources(), config.variables(), config.sshDefaults(), instances,
                config.clusterName(), config.drift());
        NodeTargets t = resolver.resolve(only);
        diags.addAll(t.diagnostics());
        if (!t.ok() || !t.byNode().keySet().containsAll(nodes)) {
            return null;
        }
        return new NodeSessions(new SshTransport(resolver.transport(settings)), t.byNode());
    }

    Session session(String node) throws TransportException {
        Session s = open.get(node);
        if (s == null || !s.isOpen()) {
            s = transport.open(targets.get(node));
            open.put(node, s);
        }
        return s;
    }

    @Override
    public void close() {
        transport.close();
    }
}
