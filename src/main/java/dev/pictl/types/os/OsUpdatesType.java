package dev.pictl.types.os;

import static dev.pictl.resource.AttributeSchema.attr;

import dev.pictl.apply.Executor;
import dev.pictl.config.Config;
import dev.pictl.config.Rules;
import dev.pictl.diag.Diagnostics;
import dev.pictl.graph.Edge;
import dev.pictl.graph.GraphInstances;
import dev.pictl.nodetext.Shell;
import dev.pictl.plan.kind.Kind;
import dev.pictl.probe.NodeProbe;
import dev.pictl.probe.ProbeFragment;
import dev.pictl.probe.ProbeRequest;
import dev.pictl.resource.AttrType;
import dev.pictl.resource.BlockSchema;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.resource.Schemas;
import dev.pictl.resource.Value;
import dev.pictl.state.ResourceState;
import dev.pictl.types.ResourceType;
import dev.pictl.types.k3s.K3sServerType;
import dev.pictl.types.k3s.K3sTopology;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code os_updates} resource type: the OS update policy of its nodes. The probe counts pending updates from the
 * node's local package lists; the plan lists them apart ("Updates available"), and only {@code --upgrade-os} makes
 * them changes, which apply rolls through the cluster (servers first, one node at a time within
 * {@code --max-unavailable}).
 */
public final class OsUpdatesType implements ResourceType {
    public static final String NAME = "os_updates";

    /** The probe ask of a node with an os_updates block; its values are the packages whose hold is read. */
    static final String ASK = "os-updates";

    public static final BlockSchema SCHEMA = new BlockSchema(NAME, "name", true, List.of(
            Schemas.nodes("os_updates.NAME"),
            attr("updates", AttrType.STRING).defaultValue("all").oneOf("all", "security")
                    .doc("Which updates `pictl apply --upgrade-os` installs: `all` (`apt-get full-upgrade`, Raspberry "
                            + "Pi's recommendation) or `security` (only packages from a security archive; Raspberry Pi "
                            + "kernel and firmware packages are not among them)."),
            attr("hold", AttrType.STRING_LIST).defaultValue(List.of())
                    .doc("Debian packages held back (`apt-mark hold`): never upgraded. A package dropped from the list "
                            + "is released (`apt-mark unhold`)."),
            attr("reboot", AttrType.STRING).defaultValue("if-required").oneOf("if-required", "never")
                    .doc("`if-required`: reboot after an upgrade that installed a kernel or firmware package or left "
                            + "`/run/reboot-required` (drained, then uncordoned once Ready); `never`: the plan says a "
                            + "reboot is needed, and nothing reboots."),
            Schemas.DEPENDS_ON),
            List.of(),
            "The OS update policy of its nodes (docs/os-updates.md). `pictl plan` lists pending updates per node "
                    + "(counted from the local package lists, no network) without counting them as changes; "
                    + "`pictl apply --upgrade-os` installs them, one node at a time, servers first: drain, "
                    + "`apt-get update`, a non-interactive upgrade that keeps existing configuration files, a reboot "
                    + "where needed, wait for Ready, uncordon. At most one os_updates block per node.",
            """
            os_updates "weekly" {
              nodes   = [node.pi-server-1, node.pi-worker-1]
              updates = "all"
              hold    = ["docker.io"]
              reboot  = "if-required"
            }""");

    /**
     * Pending upgrades from the local lists ({@code apt-get -s}: no network, no lock), {@code /run/reboot-required},
     * and whether the packages pictl holds or held are held; only on a node asked {@value #ASK}.
     */
    static final ProbeFragment<AptView> PROBE = NodeProbe.fragment("os-updates",
            List.of("os-upgrades", "os-reboot", "os-holds"),
            request -> request.asked(ASK) ? script(request.asks().get(ASK)) : "",
            (request, out) -> request.asked(ASK) ? new AptView(Apt.simulated(out.get("os-upgrades")),
                    Apt.held(out.get("os-holds")), String.valueOf(out.get("os-reboot")).contains("reboot-required"))
                    : null);

    /** What the probe read: upgradable packages (held ones are not among them), holds, a pending reboot. */
    record AptView(List<Apt.Upgrade> upgrades, Set<String> held, boolean rebootRequired) {
    }

    static String script(List<String> holds) {
        StringBuilder b = new StringBuilder()
                .append("sec os-upgrades\n")
                .append("LC_ALL=C apt-get -s -o Debug::NoLocking=1 full-upgrade 2>&1\n")
                .append("sec os-reboot\n")
                .append("if [ -e \"$R/run/reboot-required\" ]; then echo reboot-required; fi\n")
                .append("sec os-holds\n");
        Set<String> names = new LinkedHashSet<>();
        holds.stream().filter(Apt::packageName).forEach(names::add);
        if (!names.isEmpty()) {
            b.append("dpkg-query -W -f='${db:Status-Abbrev}|${Package}\\n'");
            names.forEach(n -> b.append(' ').append(Shell.quote(n)));
            b.append(" 2>/dev/null\n");
        }
        return b.toString();
    }

    @Override
    public BlockSchema schema() {
        return SCHEMA;
    }

    /** At most one block per node; held names are Debian package names. */
    @Override
    public void check(Config config, Diagnostics diags) {
        Rules.onePerNode(config, NAME, "already has an OS update policy in", diags);
        for (ResourceInstance i : config.ofType(NAME)) {
            if (i.attributes().get("hold") instanceof Value.ListVal l) {
                for (Value item : l.items()) {
                    if (item instanceof Value.Str s && !Apt.packageName(s.value())) {
                        diags.error(s.range(), "\"" + s.value() + "\" is not a Debian package name",
                                "A package name is lower-case letters, digits and + - . (e.g. \"docker.io\"), as "
                                        + "`apt-mark hold` takes it.");
                    }
                }
            }
        }
    }

    /**
     * The order of a roll: each node's policy after k3s on that node; the servers' one after another (so one server
     * at a time, whatever {@code --max-unavailable} says: quorum holds), and the agents' after the last server's.
     */
    @Override
    public List<Edge> domainEdges(GraphInstances instances) {
        List<Edge> out = new ArrayList<>();
        List<ResourceInstance> mine = instances.ofType(NAME);
        Set<String> serverNodes = new LinkedHashSet<>();
        instances.ofType(K3sServerType.NAME).forEach(s -> serverNodes.add(s.node()));
        ResourceInstance lastServer = null;
        for (ResourceInstance u : mine) {
            if (u.node() == null) {
                continue;
            }
            K3sTopology.k3sOn(instances, u.node()).ifPresent(k -> out.add(Edge.domain(k.address(), u.address(),
                    range(u), "OS updates after k3s on the node")));
            if (serverNodes.contains(u.node())) {
                if (lastServer != null) {
                    out.add(Edge.domain(lastServer.address(), u.address(), range(u),
                            "OS updates: one server at a time"));
                }
                lastServer = u;
            }
        }
        if (lastServer != null) {
            for (ResourceInstance u : mine) {
                if (u.node() != null && !serverNodes.contains(u.node())
                        && K3sTopology.k3sOn(instances, u.node()).isPresent()) {
                    out.add(Edge.domain(lastServer.address(), u.address(), range(u), "OS updates: servers first"));
                }
            }
        }
        return out;
    }

    private static dev.pictl.diag.SourceRange range(ResourceInstance u) {
        return u.nodeRange() != null ? u.nodeRange() : u.headerRange();
    }

    @Override
    public Kind kind() {
        return new OsUpdatesKind();
    }

    @Override
    public Executor executor() {
        return new OsUpdatesExecutor();
    }

    @Override
    public List<ProbeFragment<?>> probe() {
        return List.of(PROBE);
    }

    @Override
    public List<ProbeRequest> probeAsks(ResourceInstance resource) {
        return resource.node() == null ? List.of()
                : List.of(ProbeRequest.of(resource.node()).with(ASK, resource.strings("hold")));
    }

    @Override
    public List<ProbeRequest> probeAsks(ResourceState recorded) {
        return recorded.node() == null ? List.of() : List.of(ProbeRequest.of(recorded.node()).with(ASK,
                OsPolicy.of(recorded.attributes()).hold()));
    }
}
