package dev.pictl.types.storage;

import static dev.pictl.resource.AttributeSchema.attr;

import dev.pictl.apply.Executor;
import dev.pictl.plan.kind.Kind;
import dev.pictl.resource.AttrType;
import dev.pictl.resource.BlockSchema;
import dev.pictl.resource.Schemas;
import dev.pictl.types.ResourceType;
import dev.pictl.probe.NodeProbe;
import dev.pictl.probe.ProbeFragment;
import dev.pictl.types.k3s.K3sProbe;
import java.util.List;

/** The {@code storage_class} resource type. A Kubernetes StorageClass, created through the server. */
public final class StorageClassType implements ResourceType {
    public static final String NAME = "storage_class";

    public static final BlockSchema SCHEMA = new BlockSchema(NAME, "name", false, List.of(
            attr("provisioner", AttrType.STRING).required().forcesReplacement()
                    .doc("e.g. `kubernetes.io/no-provisioner` for local volumes."),
            attr("volume_binding_mode", AttrType.STRING).forcesReplacement()
                    .oneOf("Immediate", "WaitForFirstConsumer").defaultValue("Immediate")
                    .doc("When volumes are bound; `WaitForFirstConsumer` suits node-local volumes."),
            attr("reclaim_policy", AttrType.STRING).forcesReplacement().oneOf("Delete", "Retain").defaultValue("Delete")
                    .doc("What happens to dynamically provisioned volumes when released."),
            attr("allow_volume_expansion", AttrType.BOOL).defaultValue(false)
                    .doc("Whether claims may grow."),
            attr("parameters", AttrType.MAP).forcesReplacement().defaultValue(java.util.Map.of())
                    .doc("Provisioner parameters: strings (numbers and bools are written as text); Kubernetes holds no list or map here."),
            attr("default", AttrType.BOOL).defaultValue(false)
                    .doc("Mark as the cluster's default class (k3s's own `local-path` is default too unless disabled with `disable = [\"local-storage\"]`)."),
            Schemas.DEPENDS_ON),
            List.of(),
            "A Kubernetes StorageClass, created through the server. `provisioner`, `parameters`, `reclaim_policy` "
                    + "and `volume_binding_mode` are immutable in Kubernetes: changing one replaces the class. Do not "
                    + "name it `local-path` (k3s owns that one).",
            """
            storage_class "local-storage" {
              provisioner            = "kubernetes.io/no-provisioner"
              volume_binding_mode    = "WaitForFirstConsumer"
              allow_volume_expansion = true
            }""");

    @Override
    public BlockSchema schema() {
        return SCHEMA;
    }

    @Override
    public Kind kind() {
        return new StorageClassKind();
    }

    @Override
    public Executor executor() {
        return new StorageClassExecutor();
    }

    /** Read from the server: its k3s and its kubectl snapshot. */
    @Override
    public List<ProbeFragment<?>> probe() {
        return List.of(K3sProbe.INSTALL, NodeProbe.KUBE);
    }
}
