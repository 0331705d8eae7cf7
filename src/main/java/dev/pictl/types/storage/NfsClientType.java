package dev.pictl.types.storage;

import static dev.pictl.resource.AttributeSchema.attr;

import dev.pictl.addr.ResourceAddress;
import dev.pictl.apply.ApplyContext;
import dev.pictl.apply.ApplyException;
import dev.pictl.apply.Executor;
import dev.pictl.apply.Recorded;
import dev.pictl.graph.Edge;
import dev.pictl.graph.GraphInstances;
import dev.pictl.plan.ResourceChange;
import dev.pictl.plan.kind.Canon;
import dev.pictl.plan.kind.Kind;
import dev.pictl.plan.kind.Observed;
import dev.pictl.plan.kind.PlanContext;
import dev.pictl.probe.NodeObservation;
import dev.pictl.probe.NodeProbe;
import dev.pictl.probe.ProbeFragment;
import dev.pictl.probe.ProbeParser;
import dev.pictl.probe.ProbeRequest;
import dev.pictl.resource.AttrType;
import dev.pictl.resource.BlockSchema;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.resource.Value;
import dev.pictl.state.ResourceState;
import dev.pictl.transport.ExecResult;
import dev.pictl.types.ResourceType;
import dev.pictl.types.host.Apt;
import dev.pictl.types.host.NodeType;
import dev.pictl.types.k3s.K3sAgentType;
import dev.pictl.types.k3s.K3sServerType;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code nfs_client} resource type: Debian's {@code nfs-common} (its {@code mount.nfs}) on a node that can run
 * pods, so that the kubelet can mount an NFS volume there. Not a block: derived, one per node that runs k3s (server
 * or agent), as soon as the description has an NFS {@code pv}; so the plan shows the install on every such node.
 *
 * <pre>
 *   pv "nas-media" { nfs_server = ..., nfs_path = ... }     ─▶  nfs_client.pi-server-1, nfs_client.pi-worker-1, ...
 *   node.X ─▶ nfs_client.X ─▶ pv.nas-media                       (the package before the volume pods may mount)
 *
 *   observe   dpkg-query nfs-common on the node: ii -> Present {package = "nfs-common"}; else Absent
 *   apply     apt-get install nfs-common: DEBIAN_FRONTEND=noninteractive, -y, DPkg::Lock::Timeout=300 (host.Apt,
 *             as the runtime's docker.io), once more after apt-get update if that fails
 *   delete    nothing on the node: nfs-common stays (Raspberry Pi OS Lite ships it; other mounts may use it)
 * </pre>
 */
public final class NfsClientType implements ResourceType {
    public static final String NAME = "nfs_client";
    static final String PACKAGE = "nfs-common";

    public static final BlockSchema SCHEMA = new BlockSchema(NAME, "name", false, List.of(
            attr("package", AttrType.STRING).doc("The Debian package pictl installs: `nfs-common`.")),
            List.of(),
            "Debian's `nfs-common` on a node that runs k3s, so its kubelet can mount NFS volumes. Not a block: derived "
                    + "for every k3s node once a `pv` has `nfs_server`. Installed with apt (no prompt; it waits for the "
                    + "dpkg lock); never removed by pictl.",
            "");

    /** The ask of a node that has an nfs_client: the probe reads nfs-common there only. */
    public static final String ASK = "nfs-common";

    /**
     * {@code sec nfs-common}: dpkg's status abbreviation and version of nfs-common, empty when dpkg lacks it; printed
     * only on a node asked {@value #ASK} (else the part is null).
     */
    static final ProbeFragment<String> PROBE = NodeProbe.fragment("nfs-common", List.of("nfs-common"),
            request -> request.asked(ASK)
                    ? "sec nfs-common;         dpkg-query -W -f='${db:Status-Abbrev} ${Version}\\n' nfs-common 2>/dev/null\n"
                    : "",
            (request, out) -> request.asked(ASK) ? status(out.get("nfs-common")) : null);

    /** The status abbreviation ({@code ii}, {@code rc}), or {@code not-installed}. */
    static String status(String text) {
        for (String line : ProbeParser.lines(text)) {
            String[] w = line.strip().split("\\s+");
            if (w.length >= 1 && !w[0].isEmpty()) {
                return w[0].length() >= 2 && w[0].charAt(1) == 'n' ? "not-installed" : w[0];
            }
        }
        return "not-installed";
    }

    @Override
    public BlockSchema schema() {
        return SCHEMA;
    }

    @Override
    public boolean declarable() {
        return false;
    }

    @Override
    public String instanceNode(String label, Map<String, Value> attributes) {
        return label;
    }

    /** One per k3s node (server and agents), when some pv is an NFS volume. */
    @Override
    public List<ResourceInstance> derive(List<ResourceInstance> declared) {
        ResourceInstance nfs = declared.stream().filter(r -> r.type().equals(PvType.NAME)
                && (r.attributes().containsKey("nfs_server") || r.attributes().containsKey("nfs_path")))
                .findFirst().orElse(null);
        if (nfs == null) {
            return List.of();
        }
        Set<String> nodes = new LinkedHashSet<>();
        for (ResourceInstance r : declared) {
            if ((r.type().equals(K3sServerType.NAME) || r.type().equals(K3sAgentType.NAME)) && r.node() != null) {
                nodes.add(r.node());
            }
        }
        List<ResourceInstance> out = new ArrayList<>();
        Value at = nfs.attributes().getOrDefault("nfs_server", nfs.attributes().get("nfs_path"));
        for (String node : nodes) {
            out.add(new ResourceInstance(ResourceAddress.of(NAME, node), SCHEMA, node,
                    at == null || at.range() == null ? nfs.headerRange() : at.range(), null,
                    Map.of("package", new Value.Str(PACKAGE, at == null ? nfs.headerRange() : at.range(), false)),
                    Map.of(), List.of()));
        }
        return out;
    }

    /** After the node's own block; before every NFS volume (a pod may mount it as soon as it exists). */
    @Override
    public List<Edge> domainEdges(GraphInstances instances) {
        List<Edge> out = new ArrayList<>();
        for (ResourceInstance c : instances.ofType(NAME)) {
            instances.firstOnNode(NodeType.NAME, c.node()).ifPresent(n -> out.add(Edge.domain(n.address(),
                    c.address(), c.headerRange(), "the package on a named board")));
            for (ResourceInstance pv : instances.ofType(PvType.NAME)) {
                if (pv.attributes().containsKey("nfs_server")) {
                    out.add(Edge.domain(c.address(), pv.address(), pv.rangeOf("nfs_server"),
                            "an NFS volume after nfs-common on every k3s node"));
                }
            }
        }
        return out;
    }

    @Override
    public Kind kind() {
        return new Kind() {
            @Override
            public String type() {
                return NAME;
            }

            @Override
            public Map<String, Object> desired(ResourceInstance instance, PlanContext ctx) {
                return Canon.ordered("package", PACKAGE);
            }

            @Override
            public Observed observe(ResourceInstance instance, ResourceState prior, String node, PlanContext ctx) {
                Optional<NodeObservation> o = ctx.observation(node);
                if (o.isEmpty()) {
                    return new Observed.Unknown(ctx.unreachableReason(node));
                }
                String status = o.get().part(PROBE);
                if (status == null) {
                    return new Observed.Unknown("the probe of " + node + " did not read nfs-common");
                }
                return "ii".equals(status) ? new Observed.Present(Canon.ordered("package", PACKAGE))
                        : new Observed.Absent();
            }
        };
    }

    @Override
    public Executor executor() {
        return new Executor() {
            @Override
            public String type() {
                return NAME;
            }

            @Override
            public Recorded apply(ResourceChange change, ApplyContext ctx) throws ApplyException {
                String step = "install " + PACKAGE;
                ctx.step(change.address(), step);
                ExecResult r = ctx.run(change.node(), step, Apt.installScript(PACKAGE), true);
                if (r.exitCode() != 0) {
                    String tail = r.outputTail(5);
                    throw new ApplyException(change.node(), step, "command exited " + r.exitCode()
                            + (tail.isEmpty() ? "" : ": " + tail), "run `sudo apt-get install " + PACKAGE
                            + "` on the node to see apt's full output");
                }
                return Executor.described(change);
            }

            @Override
            public void delete(ResourceChange change, ApplyContext ctx) {
                ctx.step(change.address(), PACKAGE + " stays installed (pictl does not remove it)");
            }
        };
    }

    @Override
    public List<ProbeFragment<?>> probe() {
        return List.of(PROBE);
    }

    @Override
    public List<ProbeRequest> probeAsks(ResourceInstance resource) {
        return resource.node() == null ? List.of() : List.of(ProbeRequest.of(resource.node()).with(ASK));
    }

    @Override
    public List<ProbeRequest> probeAsks(ResourceState recorded) {
        return recorded.node() == null ? List.of() : List.of(ProbeRequest.of(recorded.node()).with(ASK));
    }
}
