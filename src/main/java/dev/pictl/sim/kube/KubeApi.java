package dev.pictl.sim.kube;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Kubernetes API of one simulated k3s server: Nodes, StorageClasses and PersistentVolumes.
 *
 * <p>It lives on the server node the way k3s's datastore does: persisted as JSON in the node's
 * {@code /var/lib/rancher/k3s/server/db/}, so uninstalling k3s (which deletes that directory) wipes it and a
 * restarted simulator finds it again. Node readiness is not stored: it is asked of the {@link Kubelets}
 * each time, so a board that is down or a k3s that is stopped shows NotReady at once.
 *
 * <p>Thread-safe: every method synchronises on the instance.
 */
public final class KubeApi {

    /** What the simulator knows about the machines behind registered nodes. */
    public interface Kubelets {
        /** True when the kubelet of {@code hostNode} (a simulated board) is posting Ready status. */
        boolean ready(String hostNode);

        /** True when the kubelet of {@code hostNode} reports DiskPressure (nodefs.available under k3s's 5%). */
        default boolean diskPressure(String hostNode) { return false; }
        /** True when the kubelet of {@code hostNode} reports MemoryPressure (its memory.available threshold crossed). */
        default boolean memoryPressure(String hostNode) { return false; }
        /** Helm's error for an install of {@code chart} (fault {@code chart-fail}; "" for its default), or null. */
        default String chartFault(String chart) { return null; }
    }

    /** A registered Node. Mutable, guarded by the KubeApi lock. */
    public static final class NodeRec {
        public String name;
        public String hostNode;
        public boolean server;
        public Instant created;
        public boolean unschedulable;
        public Instant unschedulableSince;
        public String version;
        public String runtime;
        public String address;
        public String arch;
        public long memoryKb;
        public String kernel;
        public String osImage;
        public String uid;
        public List<String> labels = new ArrayList<>();
        /** Annotations set with {@code kubectl annotate} (k3s's own are added when the object is shown). */
        public Map<String, String> annotations = new TreeMap<>();
        /**
         * Taints set with {@code kubectl taint}, each {@code {key, value, effect}} (value may be absent), in the order
         * added (the cordon and unreachable taints are added when the object is shown).
         */
        public List<Map<String, String>> taints = new ArrayList<>();
        /** The boot id the kubelet registered with (not stored: a new one means "Rebooted"). */
        public String bootId;
    }

    /**
     * An Event about a Node, as the kubelet or the node controller records it (kept in memory, like k3s's events
     * that live one hour); a repeat of the same reason and message counts up.
     */
    public static final class NodeEvent {
        public final String node, type, reason, message, component, name, uid;
        public final Instant first;
        public Instant last;
        public int count = 1;

        NodeEvent(String node, String type, String reason, String message, String component, long seq) {
            this.node = node; this.type = type; this.reason = reason; this.message = message; this.component = component;
            this.first = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
            this.last = first;
            this.name = node + "." + Long.toHexString(System.currentTimeMillis() * 1_000_000L + seq);
            this.uid = UUID.randomUUID().toString();
        }
    }

    private static final int MAX_EVENTS = 1000;
    private final List<NodeEvent> events = new ArrayList<>();
    /** The last status seen of each Node (ready, disk, memory), to record its transitions. */
    private final Map<String, boolean[]> lastSeen = new TreeMap<>();

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Path dbFile;
    private final Kubelets kubelets;
    /** k3s's helm controller: HelmCharts and their jobs (its own file beside the datastore). */
    private final HelmController helm;
    private final Map<String, NodeRec> nodes = new TreeMap<>();
    private final Map<String, String> nodePasswords = new TreeMap<>();
    /** The node password each name registered with (k3s's {@code <name>.node-password.k3s} Secret), as a hash. */
    private final Map<String, String> nodePasswordHashes = new TreeMap<>();
    private final Map<String, Map<String, Object>> storageClasses = new TreeMap<>();
    private final Map<String, Map<String, Object>> pvs = new TreeMap<>();
    private final Map<String, Map<String, Object>> namespaces = new TreeMap<>();
    /** NetworkPolicies by {@code namespace/name}. */
    private final Map<String, Map<String, Object>> networkPolicies = new TreeMap<>();
    private final Set<String> disabled = new TreeSet<>();
    private final AtomicLong resourceVersion = new AtomicLong(1000);
    private String serverVersion = "v1.31.4+k3s1";
    private int listenPort = 6443;

    public KubeApi(Path dbFile, Kubelets kubelets) {
        this.dbFile = dbFile;
        this.kubelets = kubelets;
        load();
        this.objects = new ObjectStore(dbFile == null ? null : dbFile.resolveSibling("pictl-sim-objects.json"), resourceVersion);
        this.helm = new HelmController(this, dbFile == null ? null : dbFile.resolveSibling("pictl-sim-helm.json"),
                kubelets::chartFault);
    }

    /** Every other kind, with server-side apply's field managers (issue 13). */
    private final ObjectStore objects;

    ObjectStore objects() { return objects; }

    HelmController helm() { return helm; }

    // ------------------------------------------------------------------ nodes

    /** Registers (or refreshes) a node; false with nothing changed when another board owns the name. */
    public synchronized boolean register(NodeRec n) {
        return register(n, null);
    }

    /**
     * Registers with the node password an agent sends ({@code /etc/rancher/node/password}; null: not checked): a
     * name first registered with another password is refused, as k3s refuses a reinstalled board that kept its name.
     */
    public synchronized boolean register(NodeRec n, String passwordHash) {
        String owner = nodePasswords.get(n.name);
        if (owner != null && !owner.equals(n.hostNode)) return false;
        String known = nodePasswordHashes.get(n.name);
        if (passwordHash != null && known != null && !known.equals(passwordHash)) return false;
        if (passwordHash != null) nodePasswordHashes.put(n.name, passwordHash);
        nodePasswords.put(n.name, n.hostNode);
        NodeRec old = nodes.get(n.name);
        if (old != null) {
            n.created = old.created;
            n.uid = old.uid;
            n.unschedulable = old.unschedulable;
            n.unschedulableSince = old.unschedulableSince;
            n.labels = old.labels; // labels are applied only when a node registers
            n.annotations = old.annotations; // the Node object outlives its kubelet
            n.taints = old.taints;
            if (old.bootId != null && n.bootId != null && !old.bootId.equals(n.bootId)) {
                event(n.name, "Warning", "Rebooted", "Node " + n.name + " has been rebooted, boot id: " + n.bootId, "kubelet");
            }
        } else {
            n.created = Instant.now();
            n.uid = UUID.randomUUID().toString();
        }
        nodes.put(n.name, n);
        save();
        return true;
    }

    /** Whether {@code name} is held by another board (k3s's node-password check). */
    public synchronized boolean nameTakenByOther(String name, String hostNode) {
        String owner = nodePasswords.get(name);
        return owner != null && !owner.equals(hostNode);
    }

    public synchronized NodeRec node(String name) { return nodes.get(name); }

    public synchronized List<NodeRec> nodes() { return new ArrayList<>(nodes.values()); }

    /** Records an event about a Node (the same reason and message again: its count and last time). */
    public synchronized void event(String node, String type, String reason, String message, String component) {
        for (NodeEvent e : events) {
            if (e.node.equals(node) && e.reason.equals(reason) && e.message.equals(message)) {
                e.count++;
                e.last = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
                return;
            }
        }
        events.add(new NodeEvent(node, type, reason, message, component, resourceVersion.incrementAndGet()));
        if (events.size() > MAX_EVENTS) events.remove(0);
    }

    /**
     * What the node controller and the kubelet record when a Node's status changes: NodeNotReady / NodeReady, the
     * pressure conditions and EvictionThresholdMet. Called whenever a Node's status is computed (the simulated API
     * works the status out when it is read); the first status seen records nothing.
     */
    public synchronized void observe(NodeRec n, boolean ready, boolean disk, boolean memory) {
        boolean[] now = {ready, disk, memory};
        boolean[] was = lastSeen.put(n.name, now);
        if (was == null) return;
        String p = "Node " + n.name + " status is now: ";
        if (was[0] != ready) {
            if (ready) event(n.name, "Normal", "NodeReady", p + "NodeReady", "kubelet");
            else event(n.name, "Normal", "NodeNotReady", p + "NodeNotReady", "node-controller");
        }
        if (was[1] != disk && ready) {
            event(n.name, "Normal", disk ? "NodeHasDiskPressure" : "NodeHasNoDiskPressure", p + (disk ? "NodeHasDiskPressure" : "NodeHasNoDiskPressure"), "kubelet");
            if (disk) event(n.name, "Warning", "EvictionThresholdMet", "Attempting to reclaim ephemeral-storage", "kubelet");
        }
        if (was[2] != memory && ready) {
            event(n.name, "Normal", memory ? "NodeHasInsufficientMemory" : "NodeHasSufficientMemory",
                    p + (memory ? "NodeHasInsufficientMemory" : "NodeHasSufficientMemory"), "kubelet");
            if (memory) event(n.name, "Warning", "EvictionThresholdMet", "Attempting to reclaim memory", "kubelet");
        }
    }

    public synchronized List<NodeEvent> events() { return new ArrayList<>(events); }

    public synchronized boolean ready(NodeRec n) { return kubelets.ready(n.hostNode); }

    public synchronized boolean diskPressure(NodeRec n) { return kubelets.diskPressure(n.hostNode); }
    public synchronized boolean memoryPressure(NodeRec n) { return kubelets.memoryPressure(n.hostNode); }

    public synchronized boolean deleteNode(String name) {
        nodePasswords.remove(name);
        nodePasswordHashes.remove(name);
        boolean removed = nodes.remove(name) != null;
        save();
        return removed;
    }

    /** Sets ({@code value} non-null) or removes an annotation of a Node. */
    public synchronized void setAnnotation(NodeRec n, String key, String value) {
        if (value == null) n.annotations.remove(key); else n.annotations.put(key, value);
        save();
    }

    /** Sets ({@code value} non-null) or removes a label of a Node ({@code kubectl label}): labels are KEY=VALUE texts. */
    public synchronized void setLabel(NodeRec n, String key, String value) {
        n.labels.removeIf(l -> (l.contains("=") ? l.substring(0, l.indexOf('=')) : l).equals(key));
        if (value != null) n.labels.add(key + "=" + value);
        save();
    }

    /** Adds (replacing one of the same key and effect) or removes ({@code add} false) a taint of a Node. */
    public synchronized void setTaint(NodeRec n, String key, String value, String effect, boolean add) {
        n.taints.removeIf(t -> t.get("key").equals(key) && (effect == null || t.get("effect").equals(effect)));
        if (add) {
            Map<String, String> t = new LinkedHashMap<>();
            t.put("effect", effect);
            t.put("key", key);
            if (value != null && !value.isEmpty()) t.put("value", value);
            n.taints.add(t);
        }
        save();
    }

    public synchronized void setUnschedulable(NodeRec n, boolean value) {
        n.unschedulable = value;
        n.unschedulableSince = value ? Instant.now() : null;
        save();
    }

    // ------------------------------------------------------ server settings

    /** Called when the server (re)starts: its version and disabled packaged components. */
    public synchronized void serverStarted(String version, Set<String> disable) {
        serverStarted(version, disable, 6443);
    }

    /** Called when the server (re)starts: its version, disabled packaged components and API port. */
    public synchronized void serverStarted(String version, Set<String> disable, int port) {
        serverVersion = version;
        listenPort = port;
        disabled.clear();
        disabled.addAll(disable);
        if (disable.contains("local-storage")) {
            storageClasses.remove("local-path");
        } else if (!storageClasses.containsKey("local-path")) {
            Map<String, Object> sc = new LinkedHashMap<>();
            sc.put("apiVersion", "storage.k8s.io/v1");
            sc.put("kind", "StorageClass");
            Map<String, Object> md = new LinkedHashMap<>();
            md.put("name", "local-path");
            Map<String, Object> ann = new LinkedHashMap<>();
            ann.put("defaultVolumeType", "local");
            ann.put("objectset.rio.cattle.io/id", "");
            ann.put("storageclass.kubernetes.io/is-default-class", "true");
            md.put("annotations", ann);
            sc.put("metadata", md);
            sc.put("provisioner", "rancher.io/local-path");
            sc.put("reclaimPolicy", "Delete");
            sc.put("volumeBindingMode", "WaitForFirstConsumer");
            stamp(sc);
            storageClasses.put("local-path", sc);
        }
        for (String ns : List.of("default", "kube-node-lease", "kube-public", "kube-system")) {
            if (!namespaces.containsKey(ns)) {
                namespaces.put(ns, namespaceObject(ns));
            }
        }
        save();
    }

    public synchronized String serverVersion() { return serverVersion; }

    /** The port the server's API (and supervisor) listens on: its https-listen-port, else 6443. */
    public synchronized int listenPort() { return listenPort; }

    public synchronized Set<String> disabled() { return new TreeSet<>(disabled); }

    // ------------------------------------------------------------- storage

    public synchronized Map<String, Map<String, Object>> storageClasses() { return new TreeMap<>(storageClasses); }

    public synchronized Map<String, Map<String, Object>> pvs() { return new TreeMap<>(pvs); }

    synchronized void putStorageClass(String name, Map<String, Object> sc) { storageClasses.put(name, sc); save(); }

    synchronized void putPv(String name, Map<String, Object> pv) { pvs.put(name, pv); save(); }

    synchronized boolean removeStorageClass(String name) { boolean r = storageClasses.remove(name) != null; save(); return r; }

    synchronized boolean removePv(String name) { boolean r = pvs.remove(name) != null; save(); return r; }

    // ------------------------------------------------------ namespaces, network policies

    public synchronized Map<String, Map<String, Object>> namespaces() { return new TreeMap<>(namespaces); }

    /** By {@code namespace/name}. */
    public synchronized Map<String, Map<String, Object>> networkPolicies() { return new TreeMap<>(networkPolicies); }

    synchronized void putNamespace(String name, Map<String, Object> ns) { namespaces.put(name, ns); save(); }

    /** Deletes a namespace and what it holds (here: its network policies), as the namespace controller does. */
    synchronized boolean removeNamespace(String name) {
        boolean r = namespaces.remove(name) != null;
        networkPolicies.keySet().removeIf(k -> k.startsWith(name + "/"));
        objects.removeNamespace(name);
        save();
        return r;
    }

    synchronized void putNetworkPolicy(String namespace, String name, Map<String, Object> np) {
        networkPolicies.put(namespace + "/" + name, np);
        save();
    }

    synchronized boolean removeNetworkPolicy(String namespace, String name) {
        boolean r = networkPolicies.remove(namespace + "/" + name) != null;
        save();
        return r;
    }

    /** A new Namespace as the API server stores it: the {@code kubernetes.io/metadata.name} label, phase Active. */
    @SuppressWarnings("unchecked")
    Map<String, Object> namespaceObject(String name) {
        Map<String, Object> ns = new LinkedHashMap<>();
        ns.put("apiVersion", "v1");
        ns.put("kind", "Namespace");
        Map<String, Object> md = new LinkedHashMap<>();
        md.put("labels", new TreeMap<>(Map.of("kubernetes.io/metadata.name", name)));
        md.put("name", name);
        ns.put("metadata", md);
        ns.put("spec", new LinkedHashMap<>(Map.of("finalizers", List.of("kubernetes"))));
        ns.put("status", new LinkedHashMap<>(Map.of("phase", "Active")));
        stamp(ns);
        return ns;
    }

    /** Simulates a PersistentVolumeClaim binding the volume ({@code claim} as {@code namespace/name}). */
    @SuppressWarnings("unchecked")
    public synchronized boolean bindPv(String name, String claim) {
        Map<String, Object> pv = pvs.get(name);
        if (pv == null) return false;
        String[] nsName = claim.contains("/") ? claim.split("/", 2) : new String[] {"default", claim};
        Map<String, Object> spec = (Map<String, Object>) pv.computeIfAbsent("spec", k -> new LinkedHashMap<>());
        Map<String, Object> ref = new LinkedHashMap<>();
        ref.put("apiVersion", "v1");
        ref.put("kind", "PersistentVolumeClaim");
        ref.put("name", nsName[1]);
        ref.put("namespace", nsName[0]);
        ref.put("uid", UUID.randomUUID().toString());
        spec.put("claimRef", ref);
        status(pv).put("phase", "Bound");
        stamp(pv);
        save();
        return true;
    }

    /**
     * Simulates the claim going away: a PV being deleted disappears (its finalizer is released); otherwise
     * it becomes Released (Retain) or is deleted (Delete has no deleter for local volumes: it goes Failed).
     */
    @SuppressWarnings("unchecked")
    public synchronized boolean releasePv(String name) {
        Map<String, Object> pv = pvs.get(name);
        if (pv == null) return false;
        Map<String, Object> md = (Map<String, Object>) pv.get("metadata");
        if (md.get("deletionTimestamp") != null) {
            pvs.remove(name);
        } else {
            String policy = String.valueOf(((Map<String, Object>) pv.get("spec")).getOrDefault("persistentVolumeReclaimPolicy", "Retain"));
            status(pv).put("phase", "Retain".equals(policy) ? "Released" : "Failed");
            stamp(pv);
        }
        save();
        notifyAll();
        return true;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> status(Map<String, Object> o) {
        return (Map<String, Object>) o.computeIfAbsent("status", k -> new LinkedHashMap<>());
    }

    @SuppressWarnings("unchecked")
    synchronized void stamp(Map<String, Object> o) {
        Map<String, Object> md = (Map<String, Object>) o.computeIfAbsent("metadata", k -> new LinkedHashMap<>());
        md.putIfAbsent("creationTimestamp", Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        md.putIfAbsent("uid", UUID.randomUUID().toString());
        md.put("resourceVersion", String.valueOf(resourceVersion.incrementAndGet()));
    }

    /** Waits on the API's monitor (used by {@code kubectl delete --wait}). */
    synchronized void await(long millis) throws InterruptedException { wait(millis); }

    // ------------------------------------------------------------ persistence

    @SuppressWarnings("unchecked")
    private void load() {
        if (dbFile == null || !Files.isRegularFile(dbFile)) return;
        try {
            lastWritten = Files.readString(dbFile);
            Map<String, Object> db = MAPPER.readValue(lastWritten, Map.class);
            for (Object o : (List<Object>) db.getOrDefault("nodes", List.of())) {
                Map<String, Object> m = (Map<String, Object>) o;
                NodeRec n = new NodeRec();
                n.name = (String) m.get("name");
                n.hostNode = (String) m.get("hostNode");
                n.server = Boolean.TRUE.equals(m.get("server"));
                n.created = Instant.parse((String) m.get("created"));
                n.unschedulable = Boolean.TRUE.equals(m.get("unschedulable"));
                n.unschedulableSince = m.get("unschedulableSince") == null ? null : Instant.parse((String) m.get("unschedulableSince"));
                n.version = (String) m.get("version");
                n.runtime = (String) m.get("runtime");
                n.address = (String) m.get("address");
                n.arch = (String) m.get("arch");
                n.memoryKb = ((Number) m.getOrDefault("memoryKb", 0)).longValue();
                n.kernel = (String) m.get("kernel");
                n.osImage = (String) m.get("osImage");
                n.uid = (String) m.get("uid");
                n.labels = new ArrayList<>((List<String>) m.getOrDefault("labels", List.of()));
                n.annotations = new TreeMap<>((Map<String, String>) m.getOrDefault("annotations", Map.of()));
                for (Object t : (List<Object>) m.getOrDefault("taints", List.of())) {
                    n.taints.add(new LinkedHashMap<>((Map<String, String>) t));
                }
                nodes.put(n.name, n);
            }
            nodePasswords.putAll((Map<String, String>) db.getOrDefault("nodePasswords", Map.of()));
            nodePasswordHashes.putAll((Map<String, String>) db.getOrDefault("nodePasswordHashes", Map.of()));
            for (Object o : (List<Object>) db.getOrDefault("storageClasses", List.of())) {
                Map<String, Object> m = (Map<String, Object>) o;
                storageClasses.put((String) ((Map<String, Object>) m.get("metadata")).get("name"), m);
            }
            for (Object o : (List<Object>) db.getOrDefault("persistentVolumes", List.of())) {
                Map<String, Object> m = (Map<String, Object>) o;
                pvs.put((String) ((Map<String, Object>) m.get("metadata")).get("name"), m);
            }
            for (Object o : (List<Object>) db.getOrDefault("namespaces", List.of())) {
                Map<String, Object> m = (Map<String, Object>) o;
                namespaces.put((String) ((Map<String, Object>) m.get("metadata")).get("name"), m);
            }
            for (Object o : (List<Object>) db.getOrDefault("networkPolicies", List.of())) {
                Map<String, Object> m = (Map<String, Object>) o;
                Map<String, Object> md = (Map<String, Object>) m.get("metadata");
                networkPolicies.put(md.get("namespace") + "/" + md.get("name"), m);
            }
            resourceVersion.set(((Number) db.getOrDefault("resourceVersion", 1000)).longValue());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read simulated k3s datastore " + dbFile, e);
        }
    }

    /** The datastore's text as this API last read or wrote it (a restore that replaced the file differs). */
    private String lastWritten;

    /**
     * Whether the datastore file is no longer what this API last read or wrote: someone put another one in place
     * while k3s was stopped (a restore), so k3s reads it at its next start.
     */
    public synchronized boolean replacedOnDisk() {
        try {
            return dbFile != null && Files.isRegularFile(dbFile) && !Files.readString(dbFile).equals(lastWritten);
        } catch (IOException e) {
            return true;
        }
    }

    private void save() {
        if (dbFile == null) return;
        Map<String, Object> db = new LinkedHashMap<>();
        List<Object> ns = new ArrayList<>();
        for (NodeRec n : nodes.values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", n.name);
            m.put("hostNode", n.hostNode);
            m.put("server", n.server);
            m.put("created", n.created.toString());
            m.put("unschedulable", n.unschedulable);
            m.put("unschedulableSince", n.unschedulableSince == null ? null : n.unschedulableSince.toString());
            m.put("version", n.version);
            m.put("runtime", n.runtime);
            m.put("address", n.address);
            m.put("arch", n.arch);
            m.put("memoryKb", n.memoryKb);
            m.put("kernel", n.kernel);
            m.put("osImage", n.osImage);
            m.put("uid", n.uid);
            m.put("labels", n.labels);
            m.put("annotations", n.annotations);
            m.put("taints", n.taints);
            ns.add(m);
        }
        db.put("nodes", ns);
        db.put("nodePasswords", nodePasswords);
        db.put("nodePasswordHashes", nodePasswordHashes);
        db.put("storageClasses", new ArrayList<>(storageClasses.values()));
        db.put("persistentVolumes", new ArrayList<>(pvs.values()));
        db.put("namespaces", new ArrayList<>(namespaces.values()));
        db.put("networkPolicies", new ArrayList<>(networkPolicies.values()));
        db.put("resourceVersion", resourceVersion.get());
        try {
            Files.createDirectories(dbFile.getParent());
            Path tmp = dbFile.resolveSibling(dbFile.getFileName() + ".tmp");
            String text = Json.pretty(db);
            Files.writeString(tmp, text);
            lastWritten = text;
            Files.move(tmp, dbFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // The data dir was removed under a running server (uninstall): keep running in memory.
        }
    }
}
