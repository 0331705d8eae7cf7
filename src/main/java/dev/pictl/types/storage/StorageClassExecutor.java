package dev.pictl.types.storage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pictl.apply.ApplyContext;
import dev.pictl.apply.ApplyException;
import dev.pictl.apply.Executor;
import dev.pictl.apply.Kubectl;
import dev.pictl.apply.Recorded;
import dev.pictl.nodetext.Shell;
import dev.pictl.plan.Action;
import dev.pictl.plan.ResourceChange;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * {@code storage_class}: a StorageClass applied through the server's {@code k3s kubectl} (as root).
 *
 * <pre>
 *   create / update   kubectl apply -f -            (JSON manifest on stdin; allowVolumeExpansion and the
 *                                                    default-class annotation change in place)
 *   replace           kubectl delete storageclass NAME --ignore-not-found, then kubectl apply -f -
 *                     (provisioner, parameters, reclaimPolicy, volumeBindingMode are immutable; existing PVs keep
 *                     their own reclaim policy, so deleting the class loses no data)
 *   delete            kubectl delete storageclass NAME --ignore-not-found
 * </pre>
 */
public final class StorageClassExecutor implements Executor {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String DEFAULT_ANNOTATION = "storageclass.kubernetes.io/is-default-class";

    @Override
    public String type() {
        return StorageClassType.NAME;
    }

    /** The manifest of the plan's canonical attributes. */
    static String manifest(String name, Map<String, Object> after) {
        StorageValues.StorageClass planned = StorageValues.StorageClass.of(after);
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", name);
        if (planned.isDefault()) {
            metadata.put("annotations", Map.of(DEFAULT_ANNOTATION, "true"));
        }
        Map<String, Object> sc = new LinkedHashMap<>();
        sc.put("apiVersion", "storage.k8s.io/v1");
        sc.put("kind", "StorageClass");
        sc.put("metadata", metadata);
        sc.put("provisioner", planned.provisioner());
        putIfSet(sc, "volumeBindingMode", planned.volumeBindingMode());
        putIfSet(sc, "reclaimPolicy", planned.reclaimPolicy());
        sc.put("allowVolumeExpansion", planned.allowVolumeExpansion());
        if (!planned.parametersOrEmpty().isEmpty()) {
            sc.put("parameters", planned.parameters());
        }
        return json(sc);
    }

    @Override
    public Recorded apply(ResourceChange change, ApplyContext ctx) throws ApplyException {
        Map<String, Object> after = Objects.requireNonNull(change.after(), "apply needs the desired attributes");
        String name = change.address().name();
        if (change.action() == Action.REPLACE) {
            ctx.step(change.address(), "delete StorageClass " + name + " (its immutable fields change)");
            delete(ctx, name);
        }
        ctx.step(change.address(), "kubectl apply StorageClass " + name);
        applyManifest(ctx, "apply StorageClass " + name, manifest(name, after));
        return Recorded.of(after);
    }

    @Override
    public void delete(ResourceChange change, ApplyContext ctx) throws ApplyException {
        String name = change.address().name();
        ctx.step(change.address(), "delete StorageClass " + name);
        delete(ctx, name);
    }

    private static void delete(ApplyContext ctx, String name) throws ApplyException {
        Kubectl.check(ctx, "delete StorageClass " + name, "delete storageclass " + Shell.quote(name)
                + " --ignore-not-found");
    }

    /** {@code kubectl apply}; an immutable-field refusal means the object moved since the plan. */
    static void applyManifest(ApplyContext ctx, String step, String manifest) throws ApplyException {
        try {
            Kubectl.apply(ctx, step, manifest);
        } catch (ApplyException e) {
            String msg = e.getMessage();
            if (msg.contains("Forbidden") || msg.contains("immutable")) {
                String prefix = (e.node() == null ? "" : e.node() + ": ") + e.step() + ": ";
                throw new ApplyException(e.node(), e.step(), msg.startsWith(prefix) ? msg.substring(prefix.length())
                        : msg, "the object changed in the cluster since the plan was made: plan again (a change of "
                        + "an immutable field is planned as a replacement)", e);
            }
            throw e;
        }
    }

    private static void putIfSet(Map<String, Object> m, String key, Object value) {
        if (value != null) {
            m.put(key, value);
        }
    }

    static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
