package dev.pictl.config;

import dev.pictl.diag.Diagnostics;
import dev.pictl.diag.SourceRange;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.resource.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Rules about the cluster as a whole, each reported at the attribute (or, with none, the block header) that
 * breaks it:
 *
 * <ul>
 *   <li>at most one {@code k3s_server} (HA is future work);</li>
 *   <li>a node is not both server and agent, and is in at most one agent, runtime and kernel_params block;</li>
 *   <li>a PV's node is in the cluster; storage objects need the server;</li>
 *   <li>node addresses (with their SSH port) are unique, compared normalised ({@code pi.lan.} is {@code pi.lan},
 *       {@code fd00::0:1} is {@code fd00::1}); no address is unspecified ({@code 0.0.0.0}, {@code ::}), broadcast
 *       or multicast, and an IPv6 zone is an interface name;</li>
 *   <li>config passthrough keys have k3s's flag-name shape and are none of the keys pictl manages itself (compared
 *       after normalising case, white space, {@code _}, a trailing {@code +} and k3s's aliases), and no value holds
 *       a character no node file can (NUL, an unpaired surrogate);</li>
 *   <li>{@code disable} has no empty entry;</li>
 *   <li>a PV's path is none of the system's own directories, not a whole shared one ({@code /mnt}), and not the
 *       directory of another PV on its node (nor inside it); its access_modes are not empty;</li>
 *   <li>a node that runs k3s gets {@code cgroup_enable=memory} (k3s refuses to start without it).</li>
 * </ul>
 */
final class ClusterRules {
    /** config.yaml keys pictl writes itself; the passthrough may not override them. */
    private static final Map<String, String> MANAGED_KEYS = Map.of(
            "node-name", "pictl sets it to the node's name",
            "token", "use the token attribute of k3s_server",
            "server", "pictl points agents at their k3s_server",
            "docker", "use a runtime block with engine = \"docker\"",
            "disable", "use the disable attribute of k3s_server");
    /** Other spellings k3s reads as a managed flag: its short aliases and the file form of the token. */
    private static final Map<String, String> ALIASES = Map.of("t", "token", "token-file", "token",
            "cluster-secret", "token", "s", "server");
    /** A k3s flag name without its "--": k3s reads each config.yaml key as --KEY (one letter: -K, an alias). */
    private static final Pattern FLAG_KEY = Pattern.compile("[a-z0-9][a-z0-9-]*[a-z0-9]\\+?");
    /** Linux interface names: at most 15 characters; these are the ones ip(8) and the kernel accept plainly. */
    private static final Pattern ZONE = Pattern.compile("[A-Za-z0-9_.-]{1,15}");
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

    ClusterRules(Config config, Diagnostics diags) {
        this.config = config;
        this.diags = diags;
    }

    void check() {
        List<ResourceInstance> servers = config.ofType("k3s_server");
        ResourceInstance server = servers.isEmpty() ? null : servers.get(0);
        for (ResourceInstance extra : servers.subList(Math.min(1, servers.size()), servers.size())) {
            diags.error(extra.headerRange(), "a second k3s_server " + extra.address()
                            + ": pictl supports exactly one k3s_server for now",
                    "High availability with several servers (embedded etcd) is future work. Keep one server; "
                            + server.address() + " is declared at " + server.headerRange().location() + ".");
        }
        String serverNode = server == null ? null : server.node();

        onePerNode("k3s_agent", "is already an agent in");
        onePerNode("runtime", "already has a runtime in");
        onePerNode("kernel_params", "already has kernel parameters in");

        Set<String> clusterNodes = new java.util.HashSet<>();
        if (serverNode != null) {
            clusterNodes.add(serverNode);
        }
        for (ResourceInstance agent : config.ofType("k3s_agent")) {
            clusterNodes.add(agent.node());
            if (agent.node().equals(serverNode)) {
                diags.error(agent.nodeRange(), "node \"" + agent.node() + "\" is both the k3s server and an agent",
                        "It runs " + server.address() + " (" + server.rangeOf("node").location() + "). A server "
                                + "already runs workloads; remove node." + agent.node() + " from the agent's nodes.");
            }
        }
        for (ResourceInstance sc : config.ofType("storage_class")) {
            if (server == null) {
                diags.error(sc.headerRange(), sc.address() + " needs a k3s_server",
                        "StorageClasses are created through the k3s server; declare a k3s_server block.");
            }
        }
        for (ResourceInstance pv : config.ofType("pv")) {
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
        addresses();
        uniqueAddresses();
        configKeys(servers);
        configKeys(config.ofType("k3s_agent"));
        disableEntries(server);
        pvPaths();
        accessModes();
        storageClassParameters();
        memoryCgroup(server);
        clearTextToken(server);
    }

    private void onePerNode(String type, String phrase) {
        Map<String, ResourceInstance> byNode = new HashMap<>();
        for (ResourceInstance i : config.ofType(type)) {
            ResourceInstance first = byNode.putIfAbsent(i.node(), i);
            if (first != null && !first.address().block().equals(i.address().block())) {
                diags.error(i.nodeRange(), "node \"" + i.node() + "\" " + phrase + " " + first.address(),
                        "That instance comes from " + first.nodeRange().location() + ". A node can be in only one "
                                + type + " block; remove it from one of them.");
            }
        }
    }

    private void uniqueAddresses() {
        Map<String, ResourceInstance> seen = new LinkedHashMap<>();
        int defaultPort = port(config.sshDefaults(), 22);
        for (ResourceInstance n : config.ofType("node")) {
            if (!(n.attributes().get("address") instanceof Value.Str a)) {
                continue;
            }
            int port = port(n.ssh(), defaultPort);
            String key = normalAddress(a.value()) + " port " + port;
            ResourceInstance first = seen.putIfAbsent(key, n);
            if (first != null) {
                String other = first.string("address");
                String spelled = other.equals(a.value()) ? ""
                        : " (" + other + " and " + a.value() + " name the same host)";
                diags.error(a.range(), "node \"" + n.address().name() + "\" has the same address as node \""
                                + first.address().name() + "\"",
                        "Both are reached at " + (a.sensitive() ? Decoder.display(a) : a.value()) + " port " + port
                                + spelled + " (" + first.rangeOf("address").location()
                                + "). Each node needs its own address or SSH port.");
            }
        }
    }

    private static int port(Map<String, Value> ssh, int fallback) {
        return ssh.get("port") instanceof Value.Num n ? n.value().intValue() : fallback;
    }

    /**
     * The config passthrough: every key a k3s flag name that pictl does not manage, every value writable. k3s reads
     * config.yaml keys as {@code --KEY} (urfave/cli; a one-letter key as the short alias {@code -K}, a trailing
     * {@code +} appends to the same flag), so a managed key is matched in every spelling that could reach it.
     */
    private void configKeys(List<ResourceInstance> instances) {
        for (ResourceInstance i : instances) {
            if (!(i.attributes().get("config") instanceof Value.MapVal m)) {
                continue;
            }
            for (Map.Entry<String, Value> e : m.entries().entrySet()) {
                String key = e.getKey();
                SourceRange at = located(m.keyRanges().get(key), m.range());
                String canonical = normalisedKey(key);
                String why = MANAGED_KEYS.get(canonical);
                // A key made from a secret makes its entry sensitive: then the messages never quote it.
                boolean secret = e.getValue().holdsSensitive();
                String shown = secret ? "(sensitive value)" : NodeText.show(key);
                if (why != null) {
                    diags.error(at, "config key " + shown + " is managed by pictl",
                            (key.equals(canonical) || secret ? "" : "k3s would take it for its \"" + canonical
                                    + "\" flag. ") + "Remove it from config of " + i.address().block() + ": " + why + ".");
                    continue;
                }
                if (!FLAG_KEY.matcher(key).matches()) {
                    String hint = FLAG_KEY.matcher(canonical).matches() && !secret ? " Did you mean \"" + canonical
                            + "\"?" : "";
                    diags.error(at, "config key " + shown + " is not a k3s flag name",
                            "k3s reads each key of config.yaml as the command-line flag --KEY, so a key is a flag's "
                                    + "name without \"--\": lower-case letters, digits and \"-\", at least two "
                                    + "characters, optionally ending in \"+\" (append), e.g. \"node-label\" or "
                                    + "\"kubelet-arg\"." + hint);
                    continue;
                }
                configValue(key, e.getValue(), at);
            }
        }
    }

    /** A managed key's name however it is spelled: trimmed, lower case, "_" as "-", no "+", aliases resolved. */
    static String normalisedKey(String key) {
        String k = key.strip().toLowerCase(Locale.ROOT).replace('_', '-');
        while (k.endsWith("+")) {
            k = k.substring(0, k.length() - 1).strip();
        }
        return ALIASES.getOrDefault(k, k);
    }

    private void configValue(String key, Value v, SourceRange fallback) {
        SourceRange at = located(v.range(), fallback);
        if (v instanceof Value.ListVal l) {
            l.items().forEach(item -> configValue(key, item, at));
        } else if (v instanceof Value.Str s) {
            int bad = NodeText.firstUnwritable(s.value(), false);
            if (bad >= 0) {
                diags.error(at, "the value of config key " + (v.holdsSensitive() ? "(sensitive value)" : "\"" + key + "\"")
                        + " holds " + (v.holdsSensitive() ? "a character a node file cannot hold" : NodeText.describe(s.value(), bad)),
                        "k3s hands every config.yaml value to its components as a command-line argument, a C "
                                + "string that a NUL would cut short, and UTF-8 has no form for an unpaired "
                                + "surrogate. Remove the character"
                                + (v.sensitive() ? " (the value comes from a sensitive variable and is not shown)." : "."));
            }
        }
    }

    /** A value's own range when it is in a file of the description, else where it is used (a --var's map). */
    private SourceRange located(SourceRange r, SourceRange fallback) {
        return r != null && config.sources().containsKey(r.file()) ? r : fallback;
    }

    /** k3s runs {@code --disable=ITEM} for each entry: an empty one disables nothing and hides a typo. */
    private void disableEntries(ResourceInstance server) {
        if (server == null || !(server.attributes().get("disable") instanceof Value.ListVal l)) {
            return;
        }
        for (Value item : l.items()) {
            if (!(item instanceof Value.Str s)) {
                continue;
            }
            SourceRange at = located(s.range(), l.range());
            if (s.value().isBlank()) {
                diags.error(at, "empty entry in disable of " + server.address(),
                        "Each entry names a packaged component k3s should not deploy (coredns, servicelb, traefik, "
                                + "local-storage, metrics-server, runtimes); an empty one disables nothing. Remove it.");
            } else if (s.value().chars().anyMatch(Character::isWhitespace)
                    || NodeText.firstUnwritable(s.value(), true) >= 0) {
                diags.error(at, "disable entry " + NodeText.show(s.value()) + " is not a component name",
                        "Each entry names a packaged component (coredns, servicelb, traefik, local-storage, "
                                + "metrics-server, runtimes) or a manifest file's name; it holds no white space or "
                                + "control characters.");
            }
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
        for (ResourceInstance pv : config.ofType("pv")) {
            if (!(pv.attributes().get("path") instanceof Value.Str s)) {
                continue;
            }
            SourceRange at = located(s.range(), pv.rangeOf("path"));
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

    /**
     * StorageClass parameters are {@code map[string]string} in Kubernetes: a list or map cannot be stored, and written
     * as its text it would differ from the class on every plan (replacing it each time). Numbers and bools are
     * written as their text, as HCL converts them.
     */
    private void storageClassParameters() {
        for (ResourceInstance sc : config.ofType("storage_class")) {
            if (!(sc.attributes().get("parameters") instanceof Value.MapVal m)) {
                continue;
            }
            for (Map.Entry<String, Value> e : m.entries().entrySet()) {
                Value v = e.getValue();
                SourceRange at = located(v.range(), located(m.keyRanges().get(e.getKey()), m.range()));
                if (v instanceof Value.ListVal || v instanceof Value.MapVal) {
                    diags.error(at, "parameter \"" + e.getKey() + "\" of " + sc.address() + " is a " + v.typeName(),
                            "StorageClass parameters are strings (map[string]string in Kubernetes). Write it as one "
                                    + "string, e.g. \"a,b\" when the provisioner takes a comma-separated list.");
                } else if (v instanceof Value.Str s && NodeText.firstUnwritable(s.value(), false) >= 0) {
                    diags.error(at, "parameter \"" + e.getKey() + "\" of " + sc.address() + " holds "
                                    + NodeText.describe(s.value(), NodeText.firstUnwritable(s.value(), false)),
                            "Kubernetes stores parameters as UTF-8 strings its components pass on as C strings. "
                                    + "Remove the character.");
                }
            }
        }
    }

    /** Kubernetes refuses a PersistentVolume without access modes: say so now, not half-way through an apply. */
    private void accessModes() {
        for (ResourceInstance pv : config.ofType("pv")) {
            if (pv.attributes().get("access_modes") instanceof Value.ListVal l && l.items().isEmpty()) {
                diags.error(l.range(), "access_modes of pv \"" + pv.address().name() + "\" is empty",
                        "Kubernetes refuses a PersistentVolume without an access mode, so the apply would fail "
                                + "after the directory is made. A local volume is usually [\"ReadWriteOnce\"].");
            }
        }
    }

    /** Addresses that name no board: unspecified, broadcast, multicast; an IPv6 zone that names no interface. */
    private void addresses() {
        for (ResourceInstance n : config.ofType("node")) {
            if (!(n.attributes().get("address") instanceof Value.Str a)) {
                continue;
            }
            SourceRange at = located(a.range(), n.rangeOf("address"));
            String v = a.value();
            int[] ip6 = v.contains(":") ? ipv6(v) : null;
            int[] ip4 = ipv4(v);
            String why = null;
            if (ip4 != null && ip4[0] == 0 && ip4[1] == 0 && ip4[2] == 0 && ip4[3] == 0
                    || ip6 != null && java.util.Arrays.stream(ip6).allMatch(x -> x == 0)) {
                why = "the unspecified address: to a server it means \"every address\", and connecting to it reaches "
                        + "the machine pictl runs on, not a board";
            } else if (ip4 != null && ip4[0] == 255 && ip4[1] == 255 && ip4[2] == 255 && ip4[3] == 255) {
                why = "the broadcast address: it names every host of the network, not a board";
            } else if (ip4 != null && ip4[0] >= 224 && ip4[0] <= 239 || ip6 != null && (ip6[0] & 0xff00) == 0xff00) {
                why = "a multicast address: it names a group, not a board";
            }
            if (why != null) {
                diags.error(at, "node \"" + n.address().name() + "\" has address " + v + ", which names no node",
                        v + " is " + why + ". Write the board's own address or DNS name.");
                continue;
            }
            int pct = v.indexOf('%');
            if (ip6 != null && pct >= 0) {
                String zone = v.substring(pct + 1);
                if (!ZONE.matcher(zone).matches() || zone.equals(".") || zone.equals("..")) {
                    diags.error(at, "the zone of address " + NodeText.show(v) + " is not an interface name",
                            "After \"%\" comes the network interface a link-local address is reached through, e.g. "
                                    + "fe80::2%eth0 or fe80::2%wlan0: letters, digits, \".\", \"_\" and \"-\", "
                                    + "at most 15 characters.");
                }
            }
        }
    }

    /** One spelling per host: lower case, no trailing dot, IPv6 in full (zone kept), IPv4-mapped as IPv4. */
    static String normalAddress(String v) {
        int[] ip6 = v.contains(":") ? ipv6(v) : null;
        if (ip6 != null) {
            int pct = v.indexOf('%');
            String zone = pct < 0 ? "" : v.substring(pct);
            if (ip6[0] == 0 && ip6[1] == 0 && ip6[2] == 0 && ip6[3] == 0 && ip6[4] == 0 && ip6[5] == 0xffff) {
                return (ip6[6] >> 8) + "." + (ip6[6] & 0xff) + "." + (ip6[7] >> 8) + "." + (ip6[7] & 0xff) + zone;
            }
            StringBuilder b = new StringBuilder();
            for (int g : ip6) {
                b.append(b.length() == 0 ? "" : ":").append(Integer.toHexString(g));
            }
            return b + zone;
        }
        String h = v.toLowerCase(Locale.ROOT);
        return h.endsWith(".") && h.length() > 1 ? h.substring(0, h.length() - 1) : h;
    }

    /** The four octets of a dotted IPv4 address, or null. */
    private static int[] ipv4(String v) {
        String[] p = v.split("\\.", -1);
        if (p.length != 4) {
            return null;
        }
        int[] out = new int[4];
        for (int i = 0; i < 4; i++) {
            if (!p[i].matches("[0-9]{1,3}")) {
                return null;
            }
            out[i] = Integer.parseInt(p[i]);
            if (out[i] > 255) {
                return null;
            }
        }
        return out;
    }

    /** The eight groups of an IPv6 address (zone ignored), or null when it is not one. */
    private static int[] ipv6(String v) {
        int pct = v.indexOf('%');
        String a = pct < 0 ? v : v.substring(0, pct);
        List<Integer> groups = new ArrayList<>();
        int dbl = a.indexOf("::");
        String[] halves = dbl < 0 ? new String[] {a} : new String[] {a.substring(0, dbl), a.substring(dbl + 2)};
        List<List<Integer>> parts = new ArrayList<>();
        for (String half : halves) {
            List<Integer> g = new ArrayList<>();
            if (!half.isEmpty()) {
                String[] items = half.split(":", -1);
                for (int i = 0; i < items.length; i++) {
                    String item = items[i];
                    if (item.contains(".") && i == items.length - 1) {
                        int[] four = ipv4(item);
                        if (four == null) {
                            return null;
                        }
                        g.add(four[0] << 8 | four[1]);
                        g.add(four[2] << 8 | four[3]);
                    } else if (item.matches("[0-9A-Fa-f]{1,4}")) {
                        g.add(Integer.parseInt(item, 16));
                    } else {
                        return null;
                    }
                }
            }
            parts.add(g);
        }
        if (dbl < 0) {
            groups.addAll(parts.get(0));
        } else {
            int missing = 8 - parts.get(0).size() - parts.get(1).size();
            if (missing < 1) {
                return null;
            }
            groups.addAll(parts.get(0));
            for (int i = 0; i < missing; i++) {
                groups.add(0);
            }
            groups.addAll(parts.get(1));
        }
        return groups.size() == 8 ? groups.stream().mapToInt(Integer::intValue).toArray() : null;
    }

    /** k3s refuses to start without the memory cgroup, which Raspberry Pi kernels disable by default. */
    private void memoryCgroup(ResourceInstance server) {
        Map<String, ResourceInstance> params = new HashMap<>();
        config.ofType("kernel_params").forEach(k -> params.put(k.node(), k));
        List<ResourceInstance> k3s = new java.util.ArrayList<>(config.ofType("k3s_agent"));
        if (server != null) {
            k3s.add(0, server);
        }
        for (ResourceInstance i : k3s) {
            if (i.node() == null) {
                continue;
            }
            ResourceInstance kp = params.get(i.node());
            boolean enables = kp != null && kp.strings("add").contains("cgroup_enable=memory");
            boolean removes = kp != null && kp.strings("remove").contains("cgroup_enable=memory");
            SourceRange at = i.nodeRange() != null ? i.nodeRange() : i.rangeOf("node");
            if (removes) {
                diags.error(kp.rangeOf("remove"), "kernel_params removes cgroup_enable=memory from node \"" + i.node()
                        + "\", which runs k3s", "k3s refuses to start without the memory cgroup. Remove it from remove.");
            } else if (!enables) {
                diags.warning(at, "node \"" + i.node() + "\" runs k3s but no kernel_params adds cgroup_enable=memory",
                        "Raspberry Pi kernels disable the memory cgroup by default and k3s refuses to start without it. "
                                + "Add the node to a kernel_params block with add = [\"cgroup_enable=memory\"] (unless "
                                + "its kernel already enables it).");
            }
        }
    }

    private void clearTextToken(ResourceInstance server) {
        if (server != null && server.attributes().get("token") instanceof Value.Str s && !fromVariable(s)) {
            diags.warning(s.range(), "the k3s token is written in the configuration in clear text",
                    "Anyone who can read the file can join nodes to the cluster. Declare variable \"k3s_token\" "
                            + "{ sensitive = true } and write token = var.k3s_token.");
        }
    }

    private boolean fromVariable(Value.Str s) {
        String src = config.sources().get(s.range().file());
        if (src == null) {
            return true;
        }
        int from = s.range().start().offset();
        int to = Math.min(src.length(), s.range().end().offset());
        return !src.substring(from, to).startsWith("\"") || src.substring(from, to).contains("${");
    }
}
