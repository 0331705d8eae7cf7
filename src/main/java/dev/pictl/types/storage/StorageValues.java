package dev.pictl.types.storage;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the plan carries for a StorageClass or a PV (their canonical attributes, as the kinds make them and the plan
 * file holds them), typed for the executors: they read these records, never cast out of the maps.
 */
final class StorageValues {
    private StorageValues() {
    }

    /** A StorageClass's planned values; {@code parameters} as text, as Kubernetes holds them. */
    record StorageClass(String provisioner, String volumeBindingMode, String reclaimPolicy, boolean allowVolumeExpansion,
                        Map<String, String> parameters, boolean isDefault) {
        static StorageClass of(Map<String, Object> a) {
            Map<String, String> params = new TreeMap<>();
            if (a.get("parameters") instanceof Map<?, ?> p) {
                p.forEach((k, v) -> params.put(String.valueOf(k), String.valueOf(v)));
            }
            return new StorageClass(text(a, "provisioner"), text(a, "volume_binding_mode"), text(a, "reclaim_policy"),
                    Boolean.TRUE.equals(a.get("allow_volume_expansion")), params, Boolean.TRUE.equals(a.get("default")));
        }
    }

    /** A PV's planned values: the volume, and the directory on {@code node} that backs it. */
    record Pv(String capacity, List<String> accessModes, String reclaimPolicy, String storageClass, String path,
              String node) {
        static Pv of(Map<String, Object> a) {
            List<String> modes = a.get("access_modes") instanceof List<?> l
                    ? l.stream().map(String::valueOf).toList() : List.of();
            return new Pv(text(a, "capacity"), modes, text(a, "reclaim_policy"), text(a, "storage_class"),
                    text(a, "path"), text(a, "node"));
        }
    }

    private static String text(Map<String, Object> a, String key) {
        return a != null && a.get(key) instanceof String s ? s : null;
    }
}
