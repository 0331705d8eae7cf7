package dev.pictl.types.storage;

import static dev.pictl.resource.AttributeSchema.attr;

import dev.pictl.apply.Executor;
import dev.pictl.config.Config;
import dev.pictl.config.LabelRule;
import dev.pictl.config.ResourceBlock;
import dev.pictl.diag.Diagnostics;
import dev.pictl.graph.Edge;
import dev.pictl.graph.GraphInstances;
import dev.pictl.plan.kind.Kind;
import dev.pictl.resource.AttrType;
import dev.pictl.resource.BlockSchema;
import dev.pictl.resource.Check;
import dev.pictl.resource.Schemas;
import dev.pictl.resource.Value;
import dev.pictl.types.k3s.K3sTopology;
import dev.pictl.types.ResourceType;
import dev.pictl.probe.NodeProbe;
import dev.pictl.probe.ProbeFragment;
import dev.pictl.probe.ProbeRequest;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.state.ResourceState;
import dev.pictl.types.k3s.K3sProbe;
import java.util.List;
import java.util.Map;

/**
 * The {@code pv} resource type: a local, node-affine PersistentVolume and its directory on the node, or an NFS
 * PersistentVolume (whose nodes get {@code nfs-common} through the derived {@link NfsClientType}).
 */
public final class PvType implements ResourceType {
    public static final String NAME = "pv";

    public static final BlockSchema SCHEMA = new BlockSchema(NAME, "name", false, List.of(
            attr("capacity", AttrType.STRING).required().check(Check.K8S_QUANTITY)
                    .doc("Size, as a Kubernetes quantity (`10Gi`)."),
            attr("access_modes", AttrType.STRING_LIST).required()
                    .oneOf("ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod")
                    .doc("Access modes of the volume; at least one."),
            attr("reclaim_policy", AttrType.STRING).oneOf("Retain", "Delete", "Recycle").defaultValue("Retain")
                    .doc("What happens to the data when the claim is released. `Retain` is the safe choice for local volumes."),
            attr("storage_class", AttrType.REF).refersTo(StorageClassType.NAME).required().forcesReplacement()
                    .doc("The class the volume belongs to."),
            attr("path", AttrType.STRING).forcesReplacement().check(Check.ABSOLUTE_PATH)
                    .doc("A local volume: the directory on the node that backs it; pictl creates it. Not a system directory (`/etc`, "
                            + "`/boot`, `/usr`, `/run`, `/tmp`, `/var/lib/rancher`, ... and what is under them), not a whole "
                            + "shared one (`/`, `/mnt`, `/srv`, `/home`, ...), and not another volume's directory on the same "
                            + "node or one inside it."),
            attr("node", AttrType.NODE_REF).forcesReplacement()
                    .doc("A local volume: the node that holds the directory (the volume's node affinity); it must be in "
                            + "the cluster. Set with `path`."),
            attr("nfs_server", AttrType.STRING).forcesReplacement()
                    .doc("An NFS volume: the NFS server's host name or address. Set with `nfs_path`, instead of "
                            + "`path` and `node`. Every node that runs k3s gets `nfs-common` (its `mount.nfs`), as the "
                            + "plan shows (`nfs_client.NODE`)."),
            attr("nfs_path", AttrType.STRING).forcesReplacement().check(Check.ABSOLUTE_PATH)
                    .doc("An NFS volume: the exported directory on the server, e.g. `/export/media`."),
            attr("mount_options", AttrType.STRING_LIST)
                    .doc("An NFS volume's mount options, e.g. `[\"nfsvers=4.1\", \"hard\"]`. Kubernetes does not "
                            + "check them: a wrong one fails only when a pod mounts the volume."),
            Schemas.DEPENDS_ON),
            List.of(),
            "A PersistentVolume: either local (`path` and `node`: node-affine, with its directory on the node) or "
                    + "NFS (`nfs_server` and `nfs_path`: no node affinity, no directory; every k3s node gets "
                    + "`nfs-common`). The source and class are immutable: a change replaces the volume. Deleting a "
                    + "Bound volume, or one whose directory holds data, is refused unless explicitly allowed.",
            """
            pv "local-pv-1" {
              capacity       = "10Gi"
              access_modes   = ["ReadWriteOnce"]
              reclaim_policy = "Retain"
              storage_class  = storage_class.local-storage
              path           = "/mnt/local-storage"
              node           = node.pi-worker-1
            }

            pv "nas-media" {
              capacity       = "100Gi"
              access_modes   = ["ReadWriteMany"]
              storage_class  = storage_class.local-storage
              nfs_server     = "192.168.1.10"
              nfs_path       = "/export/media"
              mount_options  = ["nfsvers=4.1", "hard"]
            }""");

    private static final LabelRule NAME_RULE = new KubernetesName(NAME);

    @Override
    public BlockSchema schema() {
        return SCHEMA;
    }

    @Override
    public LabelRule labelRule() {
        return NAME_RULE;
    }

    @Override
    public String instanceNode(String label, Map<String, Value> attributes) {
        return ResourceBlock.referencedNode(attributes, "node");
    }

    /** See {@link PvRules}: the server, a node in the cluster, a directory of its own, an access mode. */
    @Override
    public void check(Config config, Diagnostics diags) {
        new PvRules(config, diags).check();
    }

    /** The volume after k3s on its node, and after the agents (deleted before any is uninstalled). */
    @Override
    public List<Edge> domainEdges(GraphInstances instances) {
        List<Edge> out = new java.util.ArrayList<>(instances.ofType(NAME).stream()
                .flatMap(pv -> K3sTopology.k3sOn(instances, pv.node())
                        .map(k -> Edge.domain(k.address(), pv.address(), pv.rangeOf("node"),
                                "the volume after k3s on its node"))
                        .stream())
                .toList());
        out.addAll(K3sTopology.afterEveryAgent(instances, NAME, "volumes after the agents"));
        return out;
    }

    @Override
    public Kind kind() {
        return new PvKind();
    }

    @Override
    public Executor executor() {
        return new PvExecutor();
    }

    /** Read from the server (k3s, kubectl snapshot) and from the PV's node (its directory). */
    @Override
    public List<ProbeFragment<?>> probe() {
        return List.of(K3sProbe.INSTALL, NodeProbe.KUBE, PvProbe.PATHS);
    }

    /** The PV's node checks its directory: absent, empty or holding data. */
    @Override
    public List<ProbeRequest> probeAsks(ResourceInstance resource) {
        String path = resource.string("path");
        return resource.node() == null || path == null ? List.of()
                : List.of(ProbeRequest.of(resource.node()).with(PvProbe.PATHS_ASK, path));
    }

    @Override
    public List<ProbeRequest> probeAsks(ResourceState recorded) {
        return recorded.node() != null && recorded.attributes().get("path") instanceof String path
                ? List.of(ProbeRequest.of(recorded.node()).with(PvProbe.PATHS_ASK, path)) : List.of();
    }
}
