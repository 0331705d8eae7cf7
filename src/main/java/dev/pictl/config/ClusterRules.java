package dev.pictl.config;

import dev.pictl.diag.Diagnostics;
import dev.pictl.diag.SourceRange;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.resource.Value;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rules about the cluster as a whole, each reported at the attribute (or, with none, the block header) that
 * breaks it:
 *
 * <ul>
 *   <li>at most one {@code k3s_server} (HA is future work);</li>
 *   <li>a node is not both server and agent, and is in at most one agent, runtime and kernel_params block;</li>
 *   <li>a PV's node is in the cluster; storage objects need the server;</li>
 *   <li>node addresses (with their SSH port) are unique;</li>
 *   <li>config passthrough does not set keys pictl manages itself;</li>
 *   <li>a node that runs k3s gets {@code cgroup_enable=memory} (k3s refuses to start without it).</li>
 * </ul>
 */
final class ClusterRules {
    /** config.yaml keys pictl writes itself; the passthrough may not override them. */
    private static final Map<String, String> MANAGED_KEYS = Map.of(
            "node-name", "pictl sets it to the node's name",
            "token", "use the token attribute of k3s_server",
            "server", "pictl points agents at their k3s_server",
            "docker", "use a runtime block with engine = \"docker\"",
            "disable", "use the disable attribute of k3s_server");

    private final Config config;
    private final Diagnostics diags;

    ClusterRules(Config config, Diagnostics diags) {
        this.config = config;
        this.diags = diags;
    }

    void check() {
        List<ResourceInstance> servers = config.ofType("k3s_server");
        ResourceInstance server = servers.isEmpty() ? null : servers.get(0);
        for (ResourceInstance extra : servers.subList(Math.min(1, servers.size()), servers.size())) {
            diags.error(extra.headerRange(), "a second k3s_server " + extra.address()
                            + ": pictl supports exactly one k3s_server for now",
                    "High availability with several servers (embedded etcd) is future work. Keep one server; "
                            + server.address() + " is declared at " + server.headerRange().location() + ".");
        }
        String serverNode = server == null ? null : server.node();

        onePerNode("k3s_agent", "is already an agent in");
        onePerNode("runtime", "already has a runtime in");
        onePerNode("kernel_params", "already has kernel parameters in");

        Set<String> clusterNodes = new java.util.HashSet<>();
        if (serverNode != null) {
            clusterNodes.add(serverNode);
        }
        for (ResourceInstance agent : config.ofType("k3s_agent")) {
            clusterNodes.add(agent.node());
            if (agent.node().equals(serverNode)) {
                diags.error(agent.nodeRange(), "node \"" + agent.node() + "\" is both the k3s server and an agent",
                        "It runs " + server.address() + " (" + server.rangeOf("node").location() + "). A server "
                                + "already runs workloads; remove node." + agent.node() + " from the agent's nodes.");
            }
        }
        for (ResourceInstance sc : config.ofType("storage_class")) {
            if (server == null) {
                diags.error(sc.headerRange(), sc.address() + " needs a k3s_server",
                        "StorageClasses are created through the k3s server; declare a k3s_server block.");
            }
        }
        for (ResourceInstance pv : config.ofType("pv")) {
            if (server == null) {
                diags.error(pv.headerRange(), pv.address() + " needs a k3s_server",
                        "PersistentVolumes are created through the k3s server; declare a k3s_server block.");
            } else if (pv.node() != null && !clusterNodes.contains(pv.node())) {
                diags.error(pv.rangeOf("node"), "pv \"" + pv.address().name() + "\" is on node \"" + pv.node()
                                + "\", which is not in the cluster",
                        "A volume's node must run k3s. Add node." + pv.node() + " to a k3s_agent's nodes, or pin the "
                                + "volume to a node that does.");
            }
        }
        uniqueAddresses();
        managedKeys(servers);
        managedKeys(config.ofType("k3s_agent"));
        memoryCgroup(server);
        clearTextToken(server);
    }

    private void onePerNode(String type, String phrase) {
        Map<String, ResourceInstance> byNode = new HashMap<>();
        for (ResourceInstance i : config.ofType(type)) {
            ResourceInstance first = byNode.putIfAbsent(i.node(), i);
            if (first != null && !first.address().block().equals(i.address().block())) {
                diags.error(i.nodeRange(), "node \"" + i.node() + "\" " + phrase + " " + first.address(),
                        "That instance comes from " + first.nodeRange().location() + ". A node can be in only one "
                                + type + " block; remove it from one of them.");
            }
        }
    }

    private void uniqueAddresses() {
        Map<String, ResourceInstance> seen = new LinkedHashMap<>();
        int defaultPort = port(config.sshDefaults(), 22);
        for (ResourceInstance n : config.ofType("node")) {
            if (!(n.attributes().get("address") instanceof Value.Str a)) {
                continue;
            }
            int port = port(n.ssh(), defaultPort);
            String key = a.value().toLowerCase() + ":" + port;
            ResourceInstance first = seen.putIfAbsent(key, n);
            if (first != null) {
                diags.error(a.range(), "node \"" + n.address().name() + "\" has the same address as node \""
                                + first.address().name() + "\"",
                        "Both are reached at " + (a.sensitive() ? Decoder.display(a) : a.value()) + " port " + port + " (" + first.rangeOf("address").location()
                                + "). Each node needs its own address or SSH port.");
            }
        }
    }

    private static int port(Map<String, Value> ssh, int fallback) {
        return ssh.get("port") instanceof Value.Num n ? n.value().intValue() : fallback;
    }

    private void managedKeys(List<ResourceInstance> instances) {
        for (ResourceInstance i : instances) {
            if (i.attributes().get("config") instanceof Value.MapVal m) {
                for (String key : m.entries().keySet()) {
                    String why = MANAGED_KEYS.get(key);
                    if (why != null) {
                        SourceRange at = m.keyRanges().getOrDefault(key, m.range());
                        diags.error(at, "config key \"" + key + "\" is managed by pictl",
                                "Remove it from config of " + i.address().block() + ": " + why + ".");
                    }
                }
            }
        }
    }

    /** k3s refuses to start without the memory cgroup, which Raspberry Pi kernels disable by default. */
    private void memoryCgroup(ResourceInstance server) {
        Map<String, ResourceInstance> params = new HashMap<>();
        config.ofType("kernel_params").forEach(k -> params.put(k.node(), k));
        List<ResourceInstance> k3s = new java.util.ArrayList<>(config.ofType("k3s_agent"));
        if (server != null) {
            k3s.add(0, server);
        }
        for (ResourceInstance i : k3s) {
            if (i.node() == null) {
                continue;
            }
            ResourceInstance kp = params.get(i.node());
            boolean enables = kp != null && kp.strings("add").contains("cgroup_enable=memory");
            boolean removes = kp != null && kp.strings("remove").contains("cgroup_enable=memory");
            SourceRange at = i.nodeRange() != null ? i.nodeRange() : i.rangeOf("node");
            if (removes) {
                diags.error(kp.rangeOf("remove"), "kernel_params removes cgroup_enable=memory from node \"" + i.node()
                        + "\", which runs k3s", "k3s refuses to start without the memory cgroup. Remove it from remove.");
            } else if (!enables) {
                diags.warning(at, "node \"" + i.node() + "\" runs k3s but no kernel_params adds cgroup_enable=memory",
                        "Raspberry Pi kernels disable the memory cgroup by default and k3s refuses to start without it. "
                                + "Add the node to a kernel_params block with add = [\"cgroup_enable=memory\"] (unless "
                                + "its kernel already enables it).");
            }
        }
    }

    private void clearTextToken(ResourceInstance server) {
        if (server != null && server.attributes().get("token") instanceof Value.Str s && !fromVariable(s)) {
            diags.warning(s.range(), "the k3s token is written in the configuration in clear text",
                    "Anyone who can read the file can join nodes to the cluster. Declare variable \"k3s_token\" "
                            + "{ sensitive = true } and write token = var.k3s_token.");
        }
    }

    private boolean fromVariable(Value.Str s) {
        String src = config.sources().get(s.range().file());
        if (src == null) {
            return true;
        }
        int from = s.range().start().offset();
        int to = Math.min(src.length(), s.range().end().offset());
        return !src.substring(from, to).startsWith("\"") || src.substring(from, to).contains("${");
    }
}
