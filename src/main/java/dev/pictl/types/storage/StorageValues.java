package dev.pictl.types.storage;

import dev.pictl.plan.kind.Canon;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The values of a StorageClass and a PV, one record per type: the single definition of both sides of the plan. The
 * kinds build them ({@code desired()} and {@code observe()}) and hand the planner their {@code canonical()}
 * attributes (the plan's JSON form and the saved plan file); the executors read them back with {@code of()}, never
 * by casting out of the maps. A {@code null} is an attribute the map does not hold.
 */
final class StorageValues {
    private StorageValues() {
    }

    /**
     * A StorageClass's values; canonical order {@code provisioner, volume_binding_mode, reclaim_policy,
     * allow_volume_expansion, parameters, default}.
     *
     * @param parameters as text, as Kubernetes holds them, sorted
     * @param isDefault  the {@code default} attribute: the cluster's default class (an annotation)
     */
    record StorageClass(String provisioner, String volumeBindingMode, String reclaimPolicy, boolean allowVolumeExpansion,
                        Map<String, String> parameters, boolean isDefault) {
        StorageClass {
            parameters = parameters == null ? null : Collections.unmodifiableMap(new TreeMap<>(parameters));
        }

        /** From the plan's attributes (missing ones are {@code null}, the booleans false); parameters as text. */
        static StorageClass of(Map<String, Object> attributes) {
            Map<String, Object> a = attributes == null ? Map.of() : attributes;
            return new StorageClass(text(a, "provisioner"), text(a, "volume_binding_mode"), text(a, "reclaim_policy"),
                    Boolean.TRUE.equals(a.get("allow_volume_expansion")), texts(a.get("parameters")),
                    Boolean.TRUE.equals(a.get("default")));
        }

        Map<String, Object> canonical() {
            return Canon.ordered("provisioner", provisioner, "volume_binding_mode", volumeBindingMode,
                    "reclaim_policy", reclaimPolicy, "allow_volume_expansion", allowVolumeExpansion,
                    "parameters", parameters == null ? null : new TreeMap<String, Object>(parameters),
                    "default", isDefault);
        }

        /** The parameters, empty when the attributes hold none. */
        Map<String, String> parametersOrEmpty() {
            return parameters == null ? Map.of() : parameters;
        }
    }

    /**
     * A PV's values: the volume, and its source: the directory on {@code node} that backs a local volume, or an NFS
     * export; canonical order {@code capacity, access_modes, reclaim_policy, storage_class, path, node, nfs_server,
     * nfs_path, mount_options, directory, phase}.
     *
     * @param storageClass the StorageClass's name
     * @param nfsServer    an NFS volume's server (host name or address); null for a local volume
     * @param nfsPath      the exported path on it; null for a local volume
     * @param mountOptions the volume's mount options (NFS only), null when none
     * @param directory    pseudo-attribute of a local volume: {@code present}, {@code missing} or {@code unknown}
     *                     (desired: present); null for an NFS volume
     * @param phase        the volume's phase as the cluster shows it (observed only: Available, Bound, ...)
     */
    record Pv(String capacity, List<String> accessModes, String reclaimPolicy, String storageClass, String path,
              String node, String nfsServer, String nfsPath, List<String> mountOptions, String directory,
              String phase) {
        Pv {
            accessModes = accessModes == null ? null : List.copyOf(accessModes);
            mountOptions = mountOptions == null || mountOptions.isEmpty() ? null : List.copyOf(mountOptions);
        }

        /** A local volume. */
        Pv(String capacity, List<String> accessModes, String reclaimPolicy, String storageClass, String path,
           String node, String directory, String phase) {
            this(capacity, accessModes, reclaimPolicy, storageClass, path, node, null, null, null, directory, phase);
        }

        /** From the plan's attributes (missing ones are {@code null}); access modes as text. */
        static Pv of(Map<String, Object> attributes) {
            Map<String, Object> a = attributes == null ? Map.of() : attributes;
            return new Pv(text(a, "capacity"), strings(a.get("access_modes")), text(a, "reclaim_policy"),
                    text(a, "storage_class"), text(a, "path"), text(a, "node"), text(a, "nfs_server"),
                    text(a, "nfs_path"), strings(a.get("mount_options")), text(a, "directory"), text(a, "phase"));
        }

        Map<String, Object> canonical() {
            return Canon.ordered("capacity", capacity,
                    "access_modes", accessModes == null ? null : new ArrayList<>(accessModes),
                    "reclaim_policy", reclaimPolicy, "storage_class", storageClass, "path", path, "node", node,
                    "nfs_server", nfsServer, "nfs_path", nfsPath,
                    "mount_options", mountOptions == null ? null : new ArrayList<>(mountOptions),
                    "directory", directory, "phase", phase);
        }

        /** Whether the volume is an NFS export (else a local directory). */
        boolean nfs() {
            return nfsServer != null || nfsPath != null;
        }

        /** The access modes, empty when the attributes hold none. */
        List<String> accessModesOrEmpty() {
            return accessModes == null ? List.of() : accessModes;
        }
    }

    private static List<String> strings(Object o) {
        return o instanceof List<?> l ? l.stream().map(String::valueOf).toList() : null;
    }

    /** A value read from the cluster (kubectl's JSON) as text; {@code null} stays {@code null}. */
    static String text(Object o) {
        return o == null ? null : o instanceof String s ? s : String.valueOf(o);
    }

    private static Map<String, String> texts(Object o) {
        if (!(o instanceof Map<?, ?> p)) {
            return null;
        }
        Map<String, String> out = new TreeMap<>();
        p.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
        return out;
    }

    private static String text(Map<String, Object> a, String key) {
        return a.get(key) instanceof String s ? s : null;
    }
}
