package dev.pictl.types.storage;

import dev.pictl.plan.kind.Kind;
import dev.pictl.plan.kind.PlanContext;
import dev.pictl.plan.kind.Observed;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.resource.Value;
import dev.pictl.state.ResourceState;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code storage_class}: a StorageClass read through the server. {@code provisioner}, {@code parameters},
 * {@code reclaim_policy} and {@code volume_binding_mode} are immutable in Kubernetes (the schema marks them):
 * a change replaces the class.
 */
public final class StorageClassKind implements Kind {
    static final String DEFAULT_ANNOTATION = "storageclass.kubernetes.io/is-default-class";

    @Override
    public String type() {
        return StorageClassType.NAME;
    }

    /** A StorageClass is an object of the cluster, read and changed through the server's kubectl. */
    @Override
    public boolean inCluster() {
        return true;
    }

    /** ...and of no node: the plan lists it under "cluster". */
    @Override
    public boolean clusterWide() {
        return true;
    }

    @Override
    public Map<String, Object> desired(ResourceInstance i, PlanContext ctx) {
        return new StorageValues.StorageClass(i.string("provisioner"), i.string("volume_binding_mode"),
                i.string("reclaim_policy"), bool(i, "allow_volume_expansion"), StorageKinds.params(i),
                bool(i, "default")).canonical();
    }

    private static boolean bool(ResourceInstance i, String name) {
        return i.attributes().get(name) instanceof Value.Bool b && b.value();
    }

    @Override
    public Observed observe(ResourceInstance instance, ResourceState prior, String node, PlanContext ctx) {
        StorageKinds.Source src = StorageKinds.source(prior, ctx);
        if (src instanceof StorageKinds.Source.Decided d) {
            return d.observed();
        }
        var kube = ((StorageKinds.Source.Snapshot) src).kube();
        String name = instance != null ? instance.address().name() : prior.address().name();
        Map<String, Object> sc = StorageKinds.find(kube.storageClasses(), name);
        if (sc == null) {
            return new Observed.Absent();
        }
        Map<String, String> params = new TreeMap<>();
        if (sc.get("parameters") instanceof Map<?, ?> p) {
            p.forEach((k, v) -> params.put(String.valueOf(k), String.valueOf(v)));
        }
        Object mode = sc.get("volumeBindingMode");
        Object reclaim = sc.get("reclaimPolicy");
        return new Observed.Present(new StorageValues.StorageClass(StorageValues.text(sc.get("provisioner")),
                mode == null ? "Immediate" : StorageValues.text(mode), reclaim == null ? "Delete" : StorageValues.text(reclaim),
                Boolean.TRUE.equals(sc.get("allowVolumeExpansion")), params,
                "true".equals(StorageKinds.get(sc, "metadata", "annotations", DEFAULT_ANNOTATION))).canonical());
    }
}
