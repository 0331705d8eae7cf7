package dev.pictl.types.host;

import static dev.pictl.resource.AttributeSchema.attr;

import dev.pictl.apply.Executor;
import dev.pictl.config.Config;
import dev.pictl.config.Rules;
import dev.pictl.diag.Diagnostics;
import dev.pictl.graph.Edge;
import dev.pictl.graph.GraphInstances;
import dev.pictl.plan.kind.Kind;
import dev.pictl.resource.AttrType;
import dev.pictl.resource.BlockSchema;
import dev.pictl.resource.Schemas;
import dev.pictl.types.ResourceType;
import dev.pictl.probe.NodeProbe;
import dev.pictl.probe.ProbeFragment;
import java.util.List;

/** The {@code runtime} resource type. The container runtime k3s uses on a node. */
public final class RuntimeType implements ResourceType {
    public static final String NAME = "runtime";

    public static final BlockSchema SCHEMA = new BlockSchema(NAME, "name", true, List.of(
            Schemas.nodes("runtime.NAME"),
            attr("engine", AttrType.STRING).required().oneOf("containerd", "docker")
                    .doc("`containerd` is k3s's embedded runtime (nothing to install); `docker` installs Debian's `docker.io` and sets k3s's `docker: true`."),
            Schemas.DEPENDS_ON),
            List.of(),
            "The container runtime k3s uses on the listed nodes. At most one runtime block per node.",
            """
            runtime "docker" {
              nodes  = [node.pi-worker-1]
              engine = "docker"
            }""");

    @Override
    public BlockSchema schema() {
        return SCHEMA;
    }

    /** At most one block of this type per node. */
    @Override
    public void check(Config config, Diagnostics diags) {
        Rules.onePerNode(config, NAME, "already has a runtime in", diags);
    }

    /** The runtime after the kernel parameters on its node (a node's first runtime block; there is one). */
    @Override
    public List<Edge> domainEdges(GraphInstances instances) {
        return instances.ofType(NAME).stream()
                .filter(rt -> instances.firstOnNode(NAME, rt.node()).filter(rt::equals).isPresent())
                .flatMap(rt -> instances.firstOnNode(KernelParamsType.NAME, rt.node())
                        .map(kp -> Edge.domain(kp.address(), rt.address(), rt.nodeRange(),
                                "the runtime after the kernel parameters"))
                        .stream())
                .toList();
    }

    @Override
    public Kind kind() {
        return new RuntimeKind();
    }

    @Override
    public Executor executor() {
        return new RuntimeExecutor();
    }

    @Override
    public List<ProbeFragment<?>> probe() {
        return List.of(RuntimeProbe.PACKAGES, NodeProbe.UNITS);
    }
}
