package dev.pictl.types.storage;

import dev.pictl.config.Config;
import dev.pictl.diag.Diagnostics;
import dev.pictl.diag.SourceRange;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.resource.Value;
import dev.pictl.types.k3s.K3sTopology;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The pv type's rules: a volume needs the server and a node in the cluster; its path is none of the system's own
 * directories, not a whole shared one ({@code /mnt}), and not the directory of another volume on its node (nor
 * inside it); its access_modes are not empty.
 */
final class PvRules {
    /** Directory trees a PV may not be in, and why. */
    private static final Map<String, String> SYSTEM_TREES = systemTrees();
    /** Directories a PV may not be itself (their subdirectories are fine), and why. */
    private static final Map<String, String> SHARED_DIRS = Map.of(
            "/", "the node's whole filesystem",
            "/home", "the users' home directories",
            "/mnt", "the mount point of other disks", "/media", "the mount point of removable disks",
            "/srv", "a directory shared by every service", "/opt", "a directory shared by installed software",
            "/var", "system state", "/var/lib", "the state of every service");

    private final Config config;
    private final Diagnostics diags;

    PvRules(Config config, Diagnostics diags) {
        this.config = config;
        this.diags = diags;
    }

    void check() {
        ResourceInstance server = K3sTopology.server(config).orElse(null);
        Set<String> clusterNodes = K3sTopology.clusterNodes(config);
        for (ResourceInstance pv : config.ofType(PvType.NAME)) {
            if (server == null) {
                diags.error(pv.headerRange(), pv.address() + " needs a k3s_server",
                        "PersistentVolumes are created through the k3s server; declare a k3s_server block.");
            } else if (pv.node() != null && !clusterNodes.contains(pv.node())) {
                diags.error(pv.rangeOf("node"), "pv \"" + pv.address().name() + "\" is on node \"" + pv.node()
                                + "\", which is not in the cluster",
                        "A volume's node must run k3s. Add node." + pv.node() + " to a k3s_agent's nodes, or pin the "
                                + "volume to a node that does.");
            }
        }
        pvPaths();
        accessModes();
        sources();
    }

    private static final java.util.regex.Pattern NFS_SERVER = java.util.regex.Pattern.compile("[A-Za-z0-9.:\\[\\]-]+");

    /**
     * A volume has one source: local ({@code path} and {@code node}) or NFS ({@code nfs_server} and {@code nfs_path});
     * both, neither or half of one is refused, as are mount options on a local volume (Kubernetes' local volumes take
     * none) and option text that is not one plain word.
     */
    private void sources() {
        for (ResourceInstance pv : config.ofType(PvType.NAME)) {
            String name = "pv \"" + pv.address().name() + "\"";
            Map<String, Value> a = pv.attributes();
            boolean local = a.containsKey("path") || a.containsKey("node");
            boolean nfs = a.containsKey("nfs_server") || a.containsKey("nfs_path");
            if (local && nfs) {
                String first = a.containsKey("nfs_server") ? "nfs_server" : "nfs_path";
                diags.error(pv.rangeOf(first), name + " has both a local source and an NFS source",
                        "A volume is either local (path and node) or NFS (nfs_server and nfs_path). Remove one.");
                continue;
            }
            if (!local && !nfs) {
                diags.error(pv.headerRange(), name + " has no source",
                        "Set path and node (a local volume, a directory on that node) or nfs_server and nfs_path "
                                + "(an NFS export).");
                continue;
            }
            if (local) {
                half(pv, name, "path", "node", "a local volume");
                if (a.get("mount_options") instanceof Value.ListVal l && !l.items().isEmpty()) {
                    diags.error(l.range(), "mount_options of " + name + " apply to NFS volumes only",
                            "Kubernetes mounts a local volume's directory as it is; remove mount_options.");
                }
                continue;
            }
            half(pv, name, "nfs_server", "nfs_path", "an NFS volume");
            if (a.get("nfs_server") instanceof Value.Str srv && !NFS_SERVER.matcher(srv.value()).matches()) {
                diags.error(config.located(srv.range(), pv.rangeOf("nfs_server")), "nfs_server of " + name + " is not a "
                        + "host name or address", "Write the NFS server's host name (nas.home.lan) or address "
                        + "(192.168.1.10), without a scheme, port or path.");
            }
            if (a.get("mount_options") instanceof Value.ListVal l) {
                for (Value item : l.items()) {
                    if (item instanceof Value.Str opt && (opt.value().isEmpty()
                            || !opt.value().matches("[A-Za-z0-9_.=:/,+-]+"))) {
                        diags.error(config.located(item.range(), l.range()), "mount option "
                                        + dev.pictl.config.NodeText.show(opt.value()) + " of " + name + " is not one word",
                                "A mount option is a word such as hard, nfsvers=4.1 or timeo=600: letters, digits and "
                                        + "_ . = : / , + -.");
                    }
                }
            }
        }
    }

    /**
     * Both attributes of a source, or the decoder's own "missing required attribute" at the block's header; nothing
     * when the other one was written but refused already (its own error says what is wrong with it).
     */
    private void half(ResourceInstance pv, String name, String one, String other, String what) {
        boolean hasOne = pv.attributes().containsKey(one);
        boolean hasOther = pv.attributes().containsKey(other);
        if (hasOne == hasOther) {
            return;
        }
        String missing = hasOne ? other : one;
        String in = " in " + name;
        boolean refused = diags.sorted().stream().anyMatch(d -> d.summary().endsWith(in)
                && d.summary().contains(" " + missing + " "));
        if (!refused) {
            diags.error(pv.headerRange(), "missing required attribute \"" + missing + "\"" + in,
                    "Add " + missing + " = ...: " + what + " needs both " + one + " and " + other + " (a local volume "
                            + "sets path and node, an NFS volume nfs_server and nfs_path).");
        }
    }

    private static Map<String, String> systemTrees() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("/etc", "system configuration (/etc/rancher/k3s holds the cluster token)");
        m.put("/boot", "the boot partition (cmdline.txt, firmware)");
        for (String k : List.of("/proc", "/sys", "/dev")) {
            m.put(k, "a kernel interface, not storage");
        }
        for (String k : List.of("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64")) {
            m.put(k, "the operating system's programs");
        }
        m.put("/run", "a tmpfs cleared at every boot: the data would not survive a reboot");
        m.put("/tmp", "cleared at boot: the data would not survive a reboot");
        m.put("/root", "root's home directory (its SSH keys)");
        m.put("/var/lib/rancher", "k3s's data directory (datastore, token, images); uninstalling k3s deletes it");
        for (String k : List.of("/var/lib/kubelet", "/var/lib/containerd", "/var/lib/docker")) {
            m.put(k, "the container runtime's own state");
        }
        return m;
    }

    /** A PV's path names a directory of its own: not a system one, not a shared one, not another PV's. */
    private void pvPaths() {
        Map<String, Map<String, ResourceInstance>> byNode = new LinkedHashMap<>();
        for (ResourceInstance pv : config.ofType(PvType.NAME)) {
            if (!(pv.attributes().get("path") instanceof Value.Str s)) {
                continue;
            }
            SourceRange at = config.located(s.range(), pv.rangeOf("path"));
            String path = s.value().length() > 1 && s.value().endsWith("/")
                    ? s.value().substring(0, s.value().length() - 1) : s.value();
            String shared = SHARED_DIRS.get(path);
            String tree = SYSTEM_TREES.keySet().stream()
                    .filter(t -> path.equals(t) || path.startsWith(t + "/")).findFirst().orElse(null);
            if (shared != null || tree != null) {
                diags.error(at, "pv \"" + pv.address().name() + "\" would hand " + path + " to its pods",
                        path + " is " + (shared != null ? shared : SYSTEM_TREES.get(tree)) + ". A volume's pods "
                                + "own its directory (pictl creates it, Kubernetes mounts it read-write). Use a "
                                + "directory of its own, such as /srv/volumes/" + pv.address().name() + " or /mnt/"
                                + "DISK/" + pv.address().name() + ".");
                continue;
            }
            if (pv.node() == null) {
                continue;
            }
            Map<String, ResourceInstance> onNode = byNode.computeIfAbsent(pv.node(), k -> new LinkedHashMap<>());
            for (Map.Entry<String, ResourceInstance> other : onNode.entrySet()) {
                String o = other.getKey();
                String them = "pv \"" + other.getValue().address().name() + "\"";
                if (o.equals(path)) {
                    diags.error(at, "pv \"" + pv.address().name() + "\" uses the same directory as " + them
                                    + " on node \"" + pv.node() + "\"",
                            them + " is declared at " + other.getValue().rangeOf("path").location() + ". Two volumes "
                                    + "on one directory share data each claim takes for its own, and deleting one "
                                    + "deletes the other's data. Give each volume its own directory.");
                } else if (path.startsWith(o + "/") || o.startsWith(path + "/")) {
                    boolean inside = path.startsWith(o + "/");
                    diags.error(at, "pv \"" + pv.address().name() + "\"'s directory " + path + " is "
                                    + (inside ? "inside " : "around ") + them + "'s " + o + " on node \"" + pv.node()
                                    + "\"",
                            "The pods of the outer volume see, and can delete, the inner one's data. Use sibling "
                                    + "directories, such as " + (inside ? o : path) + "-a and " + (inside ? o : path)
                                    + "-b.");
                }
            }
            onNode.putIfAbsent(path, pv);
        }
    }

    /** Kubernetes refuses a PersistentVolume without access modes: say so now, not half-way through an apply. */
    private void accessModes() {
        for (ResourceInstance pv : config.ofType(PvType.NAME)) {
            if (pv.attributes().get("access_modes") instanceof Value.ListVal l && l.items().isEmpty()) {
                diags.error(l.range(), "access_modes of pv \"" + pv.address().name() + "\" is empty",
                        "Kubernetes refuses a PersistentVolume without an access mode, so the apply would fail "
                                + "after the directory is made. A local volume is usually [\"ReadWriteOnce\"].");
            }
        }
    }
}
