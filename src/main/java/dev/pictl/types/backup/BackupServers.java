package dev.pictl.types.backup;

import dev.pictl.config.Config;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.resource.Value;
import dev.pictl.types.k3s.HaServers;
import dev.pictl.types.k3s.K3sAgentType;
import dev.pictl.types.k3s.K3sServerType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The k3s servers and agents of a description, as backup and restore need them: which servers (the first is the
 * one a restore resets, day2-facts §2.3; the others wipe {@code server/db/} and rejoin one at a time), the token
 * the description declares (sensitive: compared, never shown), whether the datastore is embedded etcd
 * ({@code cluster-init} in the server's {@code config}, or several servers), and the agents' nodes.
 *
 * @param servers      the servers' nodes, the first one first
 * @param declaredToken the {@code token} of the first server, or null when the description leaves it to k3s
 * @param etcd         whether the first server declares {@code cluster-init}, or there are several servers
 * @param agents       the agents' nodes
 */
public record BackupServers(List<String> servers, String declaredToken, boolean etcd, List<String> agents) {
    @Override
    public String toString() {
        return "BackupServers[servers=" + servers + ", declaredToken=" + (declaredToken == null ? "none" : "(sensitive)")
                + ", etcd=" + etcd + ", agents=" + agents + "]";
    }

    /** The description's servers, or empty when it has no k3s_server. */
    public static Optional<BackupServers> of(Config config) {
        List<ResourceInstance> servers = config.ofType(K3sServerType.NAME);
        if (servers.isEmpty()) {
            return Optional.empty();
        }
        List<String> nodes = new ArrayList<>();
        for (ResourceInstance s : servers) {
            for (String n : HaServers.nodes(s)) { // a block's several servers, the first (cluster-init) first
                if (!nodes.contains(n)) {
                    nodes.add(n);
                }
            }
        }
        if (nodes.isEmpty()) {
            return Optional.empty();
        }
        ResourceInstance first = servers.get(0);
        String token = first.attributes().get("token") instanceof Value.Str s ? s.value() : null;
        boolean etcd = false;
        if (first.attributes().get("config") instanceof Value.MapVal m) {
            Value v = m.entries().get("cluster-init");
            etcd = v instanceof Value.Bool b ? b.value() : v instanceof Value.Str str && str.value().strip().equals("true");
        }
        etcd |= nodes.size() > 1; // several servers share embedded etcd (the first is initialised with cluster-init)
        List<String> agents = new ArrayList<>();
        for (ResourceInstance a : config.ofType(K3sAgentType.NAME)) {
            if (a.node() != null && !agents.contains(a.node()) && !nodes.contains(a.node())) {
                agents.add(a.node());
            }
        }
        return Optional.of(new BackupServers(List.copyOf(nodes), token, etcd, List.copyOf(agents)));
    }
}
