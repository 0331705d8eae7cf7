package dev.pictl.types.host;

import static dev.pictl.resource.AttributeSchema.attr;

import dev.pictl.apply.Executor;
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
