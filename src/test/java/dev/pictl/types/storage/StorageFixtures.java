package dev.pictl.types.storage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pictl.addr.ResourceAddress;
import dev.pictl.config.Config;
import dev.pictl.plan.Action;
import dev.pictl.plan.ActionReason;
import dev.pictl.plan.ResourceChange;
import dev.pictl.probe.NodeObservation;
import dev.pictl.probe.NodeProbe;
import dev.pictl.probe.ProbeOutput;
import dev.pictl.probe.ProbeRequest;
import dev.pictl.probe.ProbeScript;
import dev.pictl.testing.TestContexts;
import dev.pictl.types.k3s.K3sProbe;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the fast table tests of the storage types share: a two-node description (server and worker), observations
 * of the server (its k3s and kubectl snapshot, parsed from probe text as the probe prints it) and of the PV's node
 * (its directories), and planned changes.
 */
final class StorageFixtures {
    static final String SERVER = "pi-server-1";
    static final String WORKER = "pi-worker-1";
    static final String VERSION = "v1.31.4+k3s1";
    static final ObjectMapper JSON = new ObjectMapper();

    private StorageFixtures() {
    }

    /** The server, a worker in the cluster, and {@code storage} (storage_class and pv blocks). */
    static String hcl(String storage) {
        return """
                variable "k3s_token" {
                  sensitive = true
                  default   = null
                }

                node "pi-server-1" { address = "192.168.1.10" }
                node "pi-worker-1" { address = "192.168.1.11" }

                kernel_params "cgroups" {
                  nodes = [node.pi-server-1, node.pi-worker-1]
                  add   = ["cgroup_memory=1", "cgroup_enable=memory"]
                }

                k3s_server "control" {
                  node    = node.pi-server-1
                  version = "v1.31.4+k3s1"
                  token   = var.k3s_token
                }

                k3s_agent "workers" {
                  nodes  = [node.pi-worker-1]
                  server = k3s_server.control
                }
                """ + storage;
    }

    static final String SC = """

            storage_class "local-storage" {
              provisioner            = "kubernetes.io/no-provisioner"
              volume_binding_mode    = "WaitForFirstConsumer"
              allow_volume_expansion = true
            }
            """;

    static final String PV = """

            pv "data" {
              capacity       = "10Gi"
              access_modes   = ["ReadWriteOnce", "ReadOnlyMany"]
              reclaim_policy = "Retain"
              storage_class  = storage_class.local-storage
              path           = "/mnt/data"
              node           = node.pi-worker-1
            }
            """;

    static Config config(Path dir, String storage) {
        return TestContexts.config(dir, hcl(storage));
    }

    static NodeObservation.Facts facts(String node) {
        return new NodeObservation.Facts("Raspberry Pi 4 Model B Rev 1.4", "aarch64", "arm64", 3_884_000, 3_000_000,
                "debian", "12", "bookworm", "6.6.51+rpt-rpi-v8", "/dev/mmcblk0p2", "sd", "0x0", 45.0, "boot-" + node,
                node, node, node);
    }

    /** The server with k3s installed and this kubectl snapshot (null: not read). */
    static NodeObservation server(NodeObservation.KubeSnapshot kube) {
        return NodeObservation.of(SERVER, facts(SERVER))
                .with(K3sProbe.INSTALL, new K3sProbe.K3sInstall(VERSION, null, null, null))
                .with(NodeProbe.KUBE, kube);
    }

    /** The server whose kubectl printed these objects (a JSON List), parsed as the probe's output is. */
    static NodeObservation server(List<Map<String, Object>> items) {
        return server(snapshot(items));
    }

    /** The kube part the probe parses from kubectl's JSON List of {@code items}. */
    static NodeObservation.KubeSnapshot snapshot(List<Map<String, Object>> items) {
        return kube("0\n", json(Map.of("apiVersion", "v1", "kind", "List", "items", items)));
    }

    /** The kube part parsed from the probe's sections (k3s answered its version). */
    static NodeObservation.KubeSnapshot kube(String status, String kubeJson) {
        String m = ProbeScript.MARKER;
        String out = m + "k3s-version\nk3s version " + VERSION + " (52a7fc12)\ngo version go1.22.9\n"
                + m + "kube\n" + kubeJson + "\n" + m + "kube-status\n" + status;
        return NodeProbe.KUBE.parse(ProbeRequest.of(SERVER).with(NodeProbe.KUBE_ASK), ProbeOutput.of(out));
    }

    /** The worker with these directory states (null: its probe printed no paths part). */
    static NodeObservation worker(Map<String, PvProbe.PathState> paths) {
        return NodeObservation.of(WORKER, facts(WORKER)).with(PvProbe.PATHS, paths);
    }

    static Map<String, Object> sc(String name, Map<String, Object> fields) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("apiVersion", "storage.k8s.io/v1");
        m.put("kind", "StorageClass");
        m.put("metadata", Map.of("name", name));
        m.putAll(fields);
        return m;
    }

    static Map<String, Object> pv(String name, Map<String, Object> spec, Map<String, Object> status) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("apiVersion", "v1");
        m.put("kind", "PersistentVolume");
        m.put("metadata", Map.of("name", name));
        if (spec != null) {
            m.put("spec", spec);
        }
        if (status != null) {
            m.put("status", status);
        }
        return m;
    }

    /** A local PV's spec as Kubernetes returns it. */
    static Map<String, Object> pvSpec(String capacity, List<String> modes, String reclaim, String sc, String path,
                                      String node) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("capacity", Map.of("storage", capacity));
        spec.put("accessModes", modes);
        spec.put("persistentVolumeReclaimPolicy", reclaim);
        spec.put("storageClassName", sc);
        spec.put("local", Map.of("path", path));
        spec.put("nodeAffinity", affinity(List.of(node)));
        spec.put("volumeMode", "Filesystem");
        return spec;
    }

    static Map<String, Object> affinity(List<String> values) {
        return Map.of("required", Map.of("nodeSelectorTerms", List.of(Map.of("matchExpressions",
                List.of(Map.of("key", "kubernetes.io/hostname", "operator", "In", "values", values))))));
    }

    static Map<String, Object> with(Map<String, Object> m, Object... kv) {
        Map<String, Object> out = new LinkedHashMap<>(m);
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i + 1] == null) {
                out.remove((String) kv[i]);
            } else {
                out.put((String) kv[i], kv[i + 1]);
            }
        }
        return out;
    }

    static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A planned change as the Differ makes it (the fields an executor reads). */
    static ResourceChange change(String type, String name, Action action, Map<String, Object> before,
                                 Map<String, Object> after) {
        ActionReason reason = switch (action) {
            case CREATE -> ActionReason.NOT_PRESENT;
            case DELETE -> ActionReason.REMOVED_FROM_CONFIG;
            case REPLACE -> ActionReason.CANNOT_UPDATE_IN_PLACE;
            default -> ActionReason.ATTRIBUTE_CHANGED;
        };
        String node = type.equals(PvType.NAME) ? WORKER : null;
        return new ResourceChange(ResourceAddress.of(type, name), node, action, reason, before, after, Set.of(),
                List.of(), false, false, null, "", List.of());
    }
}
