package dev.pictl.simbridge;

import dev.pictl.resource.Schemas;
import dev.pictl.types.host.KernelParamsType;
import dev.pictl.types.host.RuntimeType;
import dev.pictl.types.k3s.K3sAgentType;
import dev.pictl.types.k3s.K3sServerType;
import dev.pictl.config.Config;
import dev.pictl.diag.Diagnostic;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.resource.Value;
import dev.pictl.sim.ClusterSpec;
import dev.pictl.sim.NodeSpec;
import dev.pictl.sim.Provision;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A simulated fleet for a cluster description ({@code pictl sim start -c ...}): one board per {@code node}
 * block, named after the block, listening on {@code 127.0.1.10}, {@code .11}, ... port 2222 (wrapping into
 * {@code 127.0.2.x} after 240 boards, as {@link ClusterSpec#generate} does; both can be moved), advertising the node's
 * {@code address} so that k3s-side addresses in the description (server URLs, {@code node-ip}) name the right
 * board.
 *
 * <p>Fresh boards by default (what a newly flashed Pi is: hostname {@code raspberrypi}, no cgroup flags, nothing
 * installed). With {@code provisioned}, each board starts as the description asks: hostname set, its
 * {@code kernel_params} tokens booted, {@code docker.io} for a {@code runtime} with engine {@code docker}, the
 * k3s server (version, token when known, {@code disable}, string {@code config} keys) and the agents joined to
 * it. StorageClasses and PVs are not created.
 *
 * @param spec        the fleet, or null when there were errors
 * @param diagnostics problems (a node address that is not known yet)
 */
public record SimulatorSpec(ClusterSpec spec, List<Diagnostic> diagnostics) {

    public static final int PORT = 2222;
    public static final String FIRST_ADDRESS = "127.0.1.10";

    public SimulatorSpec {
        diagnostics = List.copyOf(diagnostics);
    }

    public boolean ok() {
        return spec != null && diagnostics.stream().noneMatch(Diagnostic::isError);
    }

    /**
     * The loopback address of the i-th board (0-based) counting from {@code first}: the last octet goes up to
     * 249, then the next /24 continues at .10 ({@code 127.0.1.10 .. 127.0.1.249, 127.0.2.10, ...}).
     */
    public static String loopback(String first, int i) {
        String[] o = first.split("\\.");
        if (o.length != 4 || !o[0].equals("127")) {
            throw new IllegalArgumentException("not a 127.0.0.0/8 address: " + first);
        }
        int third = Integer.parseInt(o[2]);
        int fourth = Integer.parseInt(o[3]) + i;
        while (fourth > 249) {
            fourth -= 240;
            third++;
        }
        if (third > 255) {
            throw new IllegalArgumentException("too many boards after " + first);
        }
        return o[0] + "." + o[1] + "." + third + "." + fourth;
    }

    /** {@code count} boards {@code pi-1..pi-N}, without a description. */
    public static SimulatorSpec generic(int count, boolean provisioned, String firstAddress, int port) {
        List<NodeSpec> nodes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            NodeSpec n = NodeSpec.of("pi-" + (i + 1), loopback(firstAddress, i), port);
            nodes.add(provisioned ? n.withProvision(Provision.prepared()) : n);
        }
        return new SimulatorSpec(ClusterSpec.of(nodes), List.of());
    }

    /** The boards of {@code config}'s nodes on the default addresses and port. */
    public static SimulatorSpec of(Config config, boolean provisioned) {
        return of(config, provisioned, FIRST_ADDRESS, PORT);
    }

    /** The boards of {@code config}'s nodes, in declaration order, from {@code firstAddress} on, all on {@code port}. */
    public static SimulatorSpec of(Config config, boolean provisioned, String firstAddress, int port) {
        List<Diagnostic> diags = new ArrayList<>();
        List<NodeSpec> nodes = new ArrayList<>();
        List<ResourceInstance> declared = config.ofType(Schemas.NODE_TYPE);
        for (int i = 0; i < declared.size(); i++) {
            ResourceInstance node = declared.get(i);
            String name = node.address().name();
            Value address = node.attributes().get("address");
            if (!(address instanceof Value.Str s)) {
                diags.add(Diagnostic.error(address == null ? node.headerRange() : address.range(),
                        "the address of node \"" + name + "\" is not known",
                        "The simulated board advertises the node's address; give the variable it comes from a value "
                                + "(--var, a .pivars file or PICTL_VAR_name)."));
                continue;
            }
            NodeSpec board = NodeSpec.of(name, loopback(firstAddress, i), port).withAdvertisedAddress(s.value());
            nodes.add(provisioned ? board.withProvision(provision(config, name)) : board);
        }
        if (!diags.isEmpty()) {
            return new SimulatorSpec(null, diags);
        }
        return new SimulatorSpec(ClusterSpec.of(nodes), diags);
    }

    /** What the description asks of one node, as the simulator's provisioning steps. */
    private static Provision provision(Config config, String node) {
        Provision p = Provision.none().withHostname(true);
        for (ResourceInstance k : onNode(config, KernelParamsType.NAME, node)) {
            p = p.withKernelFlags(k.strings("add"));
        }
        for (ResourceInstance r : onNode(config, RuntimeType.NAME, node)) {
            p = p.withDocker("docker".equals(r.string("engine")));
        }
        for (ResourceInstance server : onNode(config, K3sServerType.NAME, node)) {
            Map<String, Object> cfg = new LinkedHashMap<>(stringEntries(server.attributes().get("config")));
            List<String> disable = server.strings("disable");
            if (!disable.isEmpty()) {
                cfg.put("disable", disable);
            }
            String token = server.attributes().get("token") instanceof Value.Str t ? t.value() : null;
            p = p.withK3sServer(server.string("version"), token).withK3sConfig(cfg);
        }
        for (ResourceInstance agent : onNode(config, K3sAgentType.NAME, node)) {
            Optional<String> serverNode = agent.ref("server")
                    .flatMap(ref -> config.ofBlock(ref).stream().findFirst())
                    .map(SimulatorSpec::nodeOf);
            if (serverNode.isPresent()) {
                p = p.withK3sAgent(serverNode.get()).withK3sConfig(stringEntries(agent.attributes().get("config")));
            }
        }
        return p;
    }

    private static List<ResourceInstance> onNode(Config config, String type, String node) {
        return config.ofType(type).stream().filter(i -> node.equals(nodeOf(i))).toList();
    }

    private static String nodeOf(ResourceInstance i) {
        return i.node() != null ? i.node() : i.ref("node").map(a -> a.name()).orElse(null);
    }

    /** The string values of a {@code config = { ... }} map (others are left to apply). */
    private static Map<String, Object> stringEntries(Value v) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (v instanceof Value.MapVal m) {
            m.entries().forEach((k, x) -> {
                if (x instanceof Value.Str s) {
                    out.put(k, s.value());
                }
            });
        }
        return out;
    }
}
