package dev.pictl.types.storage;

import dev.pictl.plan.kind.Kind;
import dev.pictl.plan.kind.PlanContext;
import dev.pictl.plan.kind.Observed;
import dev.pictl.plan.kind.Canon;
import dev.pictl.probe.NodeObservation;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.state.ResourceState;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code pv}: a local PersistentVolume pinned to one node, and its directory there. Path, node and class are
 * immutable: a change replaces the volume. The observation also says whether the volume is Bound and whether
 * its directory holds data, so the plan can call out the data a replacement or deletion would lose.
 */
public final class PvKind implements Kind {
    @Override
    public String type() {
        return PvType.NAME;
    }

    /** A PersistentVolume is an object of the cluster (read through the server's kubectl), tied to its node. */
    @Override
    public boolean inCluster() {
        return true;
    }

    @Override
    public Map<String, Object> desired(ResourceInstance i, PlanContext ctx) {
        String nfsServer = i.string("nfs_server");
        String nfsPath = i.string("nfs_path");
        boolean nfs = nfsServer != null || nfsPath != null;
        return new StorageValues.Pv(i.string("capacity"), i.strings("access_modes"), i.string("reclaim_policy"),
                i.ref("storage_class").map(a -> a.name()).orElse(null), i.string("path"), i.node(), nfsServer,
                nfsPath, i.value("mount_options").isPresent() ? i.strings("mount_options") : null,
                nfs ? null : "present", null).canonical();
    }

    @Override
    public boolean same(String attribute, Object desired, Object observed) {
        return Canon.sameAsSet(desired, observed);
    }

    @Override
    public boolean unorderedLists() {
        return true;
    }

    @Override
    public Observed observe(ResourceInstance instance, ResourceState prior, String node, PlanContext ctx) {
        StorageKinds.Source src = StorageKinds.source(prior, ctx);
        if (src instanceof StorageKinds.Source.Decided d) {
            return d.observed();
        }
        var kube = ((StorageKinds.Source.Snapshot) src).kube();
        String name = instance != null ? instance.address().name() : prior.address().name();
        Map<String, Object> pv = StorageKinds.find(kube.persistentVolumes(), name);
        if (pv == null) {
            return new Observed.Absent();
        }
        Object spec = pv.get("spec");
        String path = (String) StorageKinds.get(spec, "local", "path");
        String nfsServer = StorageValues.text(StorageKinds.get(spec, "nfs", "server"));
        String nfsPath = StorageValues.text(StorageKinds.get(spec, "nfs", "path"));
        List<?> options = StorageKinds.get(spec, "mountOptions") instanceof List<?> mo ? mo : List.of();
        boolean nfs = StorageKinds.get(spec, "nfs") != null;
        String pvNode = affinityNode(spec);
        String directory = "unknown";
        String note = null;
        Optional<NodeObservation> on = pvNode == null ? Optional.empty() : ctx.observation(pvNode);
        if (on.isPresent() && path != null) {
            Map<String, PvProbe.PathState> paths = on.get().part(PvProbe.PATHS);
            PvProbe.PathState ps = paths == null ? null : paths.get(path);
            if (ps != null) {
                directory = !ps.exists() ? "missing" : ps.hasData() ? "present, holds data" : "present";
            }
        }
        String phase = (String) StorageKinds.get(pv, "status", "phase");
        Object claim = StorageKinds.get(spec, "claimRef", "name");
        if ("Bound".equals(phase)) {
            Object ns = StorageKinds.get(spec, "claimRef", "namespace");
            note = claim == null ? "Bound to a claim" : "Bound to " + (ns == null ? "" : ns + "/") + claim;
        }
        List<?> modes = StorageKinds.get(spec, "accessModes") instanceof List<?> l ? l : List.of();
        return new Observed.Present(new StorageValues.Pv(StorageValues.text(StorageKinds.get(spec, "capacity", "storage")),
                modes.stream().map(String::valueOf).toList(),
                StorageValues.text(StorageKinds.get(spec, "persistentVolumeReclaimPolicy")),
                StorageValues.text(StorageKinds.get(spec, "storageClassName")), path, pvNode, nfsServer, nfsPath,
                options.stream().map(String::valueOf).toList(),
                nfs ? null : directory.equals("present, holds data") ? "present" : directory,
                phase == null ? "Unknown" : phase).canonical(), note == null && directory.equals("present, holds data")
                ? "its directory " + path + " on " + pvNode + " holds data" : note == null ? null
                : note + (directory.equals("present, holds data") ? "; its directory holds data" : ""));
    }

    private static String affinityNode(Object spec) {
        Object terms = StorageKinds.get(spec, "nodeAffinity", "required", "nodeSelectorTerms");
        if (terms instanceof List<?> t && !t.isEmpty()) {
            Object exprs = StorageKinds.get(t.get(0), "matchExpressions");
            if (exprs instanceof List<?> e && !e.isEmpty()) {
                Object values = StorageKinds.get(e.get(0), "values");
                if (values instanceof List<?> v && !v.isEmpty()) {
                    return String.valueOf(v.get(0));
                }
            }
        }
        return null;
    }

    /** The note of an observed volume says when its directory holds data. */
    @Override
    public String dataLoss(Observed.Present observed) {
        return observed.note();
    }
}
