package dev.pictl.sim;

import dev.pictl.sim.kube.KubeApi;
import dev.pictl.sim.kube.Kubectl;
import dev.pictl.sim.kube.Yaml;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.io.IoServiceFactoryFactory;
import org.apache.sshd.common.io.nio2.Nio2ServiceFactoryFactory;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.util.threads.CloseableExecutorService;
import org.apache.sshd.common.util.threads.ThreadUtils;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A running simulated cluster: one SSH server per board, all in this JVM, sharing thread pools.
 *
 * <pre>{@code
 * try (SimCluster c = SimCluster.start(ClusterSpec.generate(3, "pi", 2222), tempDir)) {
 *     SimNode n = c.node("pi-1");              // 127.0.1.10:2222, user "pi", key c.userKey()
 *     n.exec("cat \"$PICTL_ROOT/proc/cmdline\"");
 * }
 * }</pre>
 *
 * State directory layout: {@code cluster.json} the spec it runs, {@code id_ed25519}(+.pub) the user key,
 * {@code known_hosts} every node's host key,
 * {@code events.log}, {@code control.key}, {@code control.json} (the control port, while it runs), {@code shims/} and {@code libexec/} the stand-ins,
 * {@code hostbin/} the host tools the nodes may use, {@code nodes/<name>/root} each node's filesystem,
 * {@code nodes/<name>/hw} its simulated hardware, {@code nodes/<name>/ssh_host_ed25519_key} its host key.
 */
public final class SimCluster implements AutoCloseable {

    private static final String HOSTBIN_VERSION = "pictl-sim-hostbin-3";
    /** Written once every board is up, removed on close: the control port of the fleet that runs this directory. */
    static final String CONTROL_FILE = "control.json";

    private final ClusterSpec spec;
    private final Path stateDir;
    private final String id = UUID.randomUUID().toString().substring(0, 8);
    private final Map<String, SimNode> nodes = new LinkedHashMap<>();
    private final ExecutorService pool;
    private final ScheduledExecutorService scheduler;
    private final CloseableExecutorService ioExecutor;
    private final IoServiceFactoryFactory ioFactory;
    private final List<SimEvent> events = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, KubeApi> apis = new ConcurrentHashMap<>();
    private final Map<String, ScheduledFuture<?>> shutdowns = new ConcurrentHashMap<>();
    private final K3sRuntime k3s = new K3sRuntime(this);
    private final Trouble trouble = new Trouble(this);
    private final EtcdClusters etcd = new EtcdClusters(this);
    private KeyPair userKey;
    private ControlServer control;
    private Duration startupTime = Duration.ZERO;
    private volatile Runnable onAdminStop = () -> { };

    private SimCluster(ClusterSpec spec, Path stateDir) {
        this.spec = spec;
        this.stateDir = stateDir.toAbsolutePath();
        AtomicInteger n = new AtomicInteger();
        ThreadFactory tf = r -> {
            Thread t = new Thread(r, "pictl-sim-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.pool = Executors.newCachedThreadPool(tf);
        ScheduledThreadPoolExecutor st = new ScheduledThreadPoolExecutor(4, tf);
        st.setRemoveOnCancelPolicy(true);
        this.scheduler = st;
        this.ioExecutor = ThreadUtils.newFixedThreadPool("pictl-sim-io", Math.max(4, Runtime.getRuntime().availableProcessors() * 2));
        this.ioFactory = new Nio2ServiceFactoryFactory(() -> ThreadUtils.noClose(ioExecutor));
    }

    /**
     * Starts every node of {@code spec}, creating the state directory and node trees on first use (and
     * provisioning new nodes as their spec says). An existing state directory is reused as it is.
     */
    public static SimCluster start(ClusterSpec spec, Path stateDir) throws IOException {
        long t0 = System.nanoTime();
        SimCluster c = new SimCluster(spec, stateDir);
        try {
            c.init();
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
        c.startupTime = Duration.ofNanos(System.nanoTime() - t0);
        return c;
    }

    private void init() throws IOException {
        Files.createDirectories(stateDir.resolve("nodes"));
        extractResources();
        buildHostBin();
        userKey = loadOrCreateKey(stateDir.resolve("id_ed25519"), "pictl-sim-user");
        Path keyFile = stateDir.resolve("control.key");
        if (!Files.exists(keyFile)) NodeFs.writeSecret(keyFile, UUID.randomUUID() + "\n");
        control = new ControlServer(this, spec.controlPort(), Files.readString(keyFile).trim());
        List<SimNode> fresh = Collections.synchronizedList(new ArrayList<>());
        StringBuilder known = new StringBuilder();
        for (NodeSpec ns : spec.nodes()) {
            Path dir = stateDir.resolve("nodes").resolve(ns.name());
            Files.createDirectories(dir.resolve("hw"));
            KeyPair hk = loadOrCreateKey(dir.resolve("ssh_host_ed25519_key"), "root@" + ns.name());
            SimNode node = new SimNode(this, ns, dir, hk);
            nodes.put(ns.name(), node);
            known.append('[').append(ns.address()).append("]:").append(ns.port()).append(' ')
                    .append(PublicKeyEntry.toString(hk.getPublic())).append('\n');
        }
        Files.writeString(stateDir.resolve("known_hosts"), known.toString());
        // The running spec, so that a test fixture's state directory reads like a daemon's (pictl's simulator
        // overlay finds its boards there); a daemon started from cluster.json rewrites the same content.
        spec.write(stateDir.resolve("cluster.json"));
        List<Future<?>> boots = new ArrayList<>();
        for (SimNode node : nodes.values()) {
            boots.add(pool.submit(() -> {
                Path root = node.root();
                if (!Files.isDirectory(root.resolve("etc"))) {
                    NodeFs.create(root, node.spec());
                    applyStaticProvision(node);
                    fresh.add(node);
                }
                node.boot();
                return null;
            }));
        }
        waitAll(boots);
        provision(fresh);
        // "This directory's fleet runs": pictl asks the control port named here before it contacts a board
        // (SimControl.answers), the same for a daemon and a test fixture. close() removes it.
        Path tmp = stateDir.resolve(CONTROL_FILE + ".tmp");
        Files.writeString(tmp, "{\"controlPort\": " + control.port() + ", \"pid\": " + ProcessHandle.current().pid() + "}\n");
        Files.move(tmp, stateDir.resolve(CONTROL_FILE), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static void waitAll(List<Future<?>> fs) throws IOException {
        for (Future<?> f : fs) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof IOException io) throw io;
                if (e.getCause() instanceof RuntimeException re) throw re;
                throw new IOException(e.getCause());
            }
        }
    }

    // -------------------------------------------------------------- accessors

    public ClusterSpec spec() { return spec; }
    public Path stateDir() { return stateDir; }
    /** The private key (OpenSSH format, ed25519) every node accepts for its user. */
    public Path userKey() { return stateDir.resolve("id_ed25519"); }
    public PublicKey userPublicKey() { return userKey.getPublic(); }
    KeyPair userKeyPair() { return userKey; }
    /** A known_hosts file with every node's host key ({@code [address]:port ssh-ed25519 ...}). */
    public Path knownHosts() { return stateDir.resolve("known_hosts"); }
    public int controlPort() { return control.port(); }
    /** Wall time {@link #start} took. */
    public Duration startupTime() { return startupTime; }
    public List<SimNode> nodes() { return List.copyOf(nodes.values()); }
    /** The node called {@code name}, or null. */
    public SimNode node(String name) { return name == null ? null : nodes.get(name); }

    /** The event log so far, oldest first. */
    public List<SimEvent> events() { synchronized (events) { return List.copyOf(events); } }

    /** The messages of the event log, oldest first. */
    public List<String> eventMessages() {
        List<String> out = new ArrayList<>();
        for (SimEvent e : events()) out.add(e.message());
        return out;
    }

    String id() { return id; }
    ExecutorService pool() { return pool; }
    ScheduledExecutorService scheduler() { return scheduler; }
    IoServiceFactoryFactory ioServiceFactoryFactory() { return ioFactory; }
    Path shimDir() { return stateDir.resolve("shims"); }
    Path libexecDir() { return stateDir.resolve("libexec"); }
    Path hostBinDir() { return stateDir.resolve("hostbin"); }
    K3sRuntime k3s() { return k3s; }
    Trouble trouble() { return trouble; }
    EtcdClusters etcd() { return etcd; }

    /** The host nodes of the etcd members of {@code server}'s cluster, in join order (empty: no etcd). */
    public List<String> etcdMembers(String server) { SimNode n = node(server); return n == null ? List.of() : etcd.memberNodes(n); }
    void onAdminStop(Runnable r) { onAdminStop = r; }

    void event(String node, String message) {
        SimEvent e = new SimEvent(Instant.now(), node, message);
        events.add(e);
        try {
            Files.writeString(stateDir.resolve("events.log"), e + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException ignored) {
            // the log file is a convenience; the in-memory log is authoritative
        }
    }

    // ----------------------------------------------------------- k3s glue

    /** The Kubernetes API served by {@code server}'s k3s; with {@code create}, (re)opened from its data dir. */
    KubeApi kubeApi(SimNode server, boolean create) {
        Path member = etcd.dataFile(server);
        Path db = member != null ? member : server.root().resolve("var/lib/rancher/k3s/server/db/pictl-sim-state.json");
        String key = etcd.apiKey(server);
        if (create) {
            KubeApi existing = apis.get(key);
            if (existing != null && Files.exists(db) && !existing.replacedOnDisk()) return existing; // k3s reads its datastore at start
            KubeApi api = new KubeApi(db, new KubeApi.Kubelets() {
                @Override public boolean ready(String hostNode) { return kubeletReady(hostNode); }
                @Override public boolean diskPressure(String hostNode) {
                    SimNode n = nodes.get(hostNode);
                    return n != null && trouble.diskPressure(n);
                }
                @Override public boolean memoryPressure(String hostNode) {
                    SimNode n = nodes.get(hostNode);
                    return n != null && trouble.memoryPressure(n);
                }
                @Override public String chartFault(String chart) { return ChartFault.of(server, chart); }
            });
            apis.put(key, api);
            return api;
        }
        return apis.get(key);
    }

    private boolean kubeletReady(String hostNode) {
        SimNode n = nodes.get(hostNode);
        if (n == null || !n.isReachable() || trouble.kubeletBlocked(n)) return false;
        return n.units.state("k3s.service") == Units.State.ACTIVE || n.units.state("k3s-agent.service") == Units.State.ACTIVE;
    }

    /** An agent whose Node object was deleted while it keeps running registers again (as a kubelet does). */
    void reconcileRegistrations(String serverNode, KubeApi api) {
        for (SimNode n : nodes.values()) {
            for (String u : List.of("k3s.service", "k3s-agent.service")) {
                Units.Unit x = n.units.snapshot(u);
                if (x == null) continue;
                KubeApi.NodeRec reg;
                synchronized (n.units) {
                    if (x.state != Units.State.ACTIVE || !serverNode.equals(x.joinedServer) || x.registration == null) continue;
                    reg = x.registration;
                }
                if (api.node(reg.name) == null && api.register(reg)) {
                    event(n.name(), "node " + reg.name + " registered again");
                }
            }
        }
    }

    /** The board a server URL's host names: by advertised (LAN) address, loopback address, node name or current hostname. */
    SimNode resolve(String host) {
        for (SimNode n : nodes.values()) if (n.advertisedAddress().equals(host)) return n;
        for (SimNode n : nodes.values()) if (n.address().equals(host)) return n;
        for (SimNode n : nodes.values()) if (n.name().equals(host)) return n;
        for (SimNode n : nodes.values()) {
            try {
                if (Files.readString(n.root().resolve("proc/sys/kernel/hostname")).trim().equals(host)) return n;
            } catch (IOException ignored) {
                // not booted yet
            }
        }
        return etcd.behindApiAddress(host);
    }

    void scheduleShutdown(SimNode n, ScheduledFuture<?> f) {
        ScheduledFuture<?> old = shutdowns.put(n.name(), f);
        if (old != null) old.cancel(false);
    }

    void cancelShutdown(SimNode n) {
        ScheduledFuture<?> old = shutdowns.remove(n.name());
        if (old != null) old.cancel(false);
    }

    /** Simulates a PersistentVolumeClaim binding {@code pv} on the first running server that has it. */
    public boolean bindPv(String pv, String claim) {
        for (KubeApi api : apis.values()) if (api.bindPv(pv, claim)) return true;
        return false;
    }

    /** Simulates the claim of {@code pv} going away (a Terminating PV then disappears). */
    public boolean releasePv(String pv) {
        for (KubeApi api : apis.values()) if (api.releasePv(pv)) return true;
        return false;
    }

    // --------------------------------------------------------- provisioning

    private void applyStaticProvision(SimNode node) throws IOException {
        Provision p = node.spec().provision();
        Path root = node.root();
        if (p.hostname()) {
            Files.writeString(root.resolve("etc/hostname"), node.name() + "\n");
            Path hosts = root.resolve("etc/hosts");
            Files.writeString(hosts, Files.readString(hosts).replace("127.0.1.1\t\traspberrypi", "127.0.1.1\t\t" + node.name()));
        }
        for (Map.Entry<String, String> pkg : p.packages().entrySet()) {
            Path db = root.resolve("var/lib/dpkg/sim");
            Files.createDirectories(db);
            Files.writeString(db.resolve(pkg.getKey()), "ii |" + pkg.getValue() + "\n");
            if (pkg.getKey().equals("docker-ce")) {
                Path docker = root.resolve("usr/bin/docker");
                Files.writeString(docker, "#!/bin/sh\nexec \"" + libexecDir() + "/docker\" \"$@\"\n");
                docker.toFile().setExecutable(true, false);
                Files.writeString(root.resolve("usr/lib/systemd/system/docker.service"),
                        "[Unit]\nDescription=Docker Application Container Engine\n\n[Service]\nType=notify\nExecStart=/usr/bin/dockerd -H fd://\n\n[Install]\nWantedBy=multi-user.target\n");
                NodeFs.symlink(root.resolve("etc/systemd/system/multi-user.target.wants/docker.service"), "/lib/systemd/system/docker.service");
            }
        }
        if (!p.kernelFlags().isEmpty()) {
            Path f = NodeFs.cmdlineFile(root, node.spec());
            String line = Files.readString(f).trim();
            Files.writeString(f, line + " " + String.join(" ", p.kernelFlags()) + "\n");
        }
    }

    private void provision(List<SimNode> fresh) throws IOException {
        List<Future<?>> jobs = new ArrayList<>();
        for (SimNode n : fresh) {
            if (n.spec().provision().docker()) {
                jobs.add(pool.submit(() -> must(n, "install docker.io", n.exec("sudo apt-get install -y docker.io"))));
            }
        }
        waitAll(jobs);
        jobs.clear();
        for (SimNode n : fresh) {
            if ("server".equals(n.spec().provision().k3s())) jobs.add(pool.submit(() -> { provisionK3s(n, null); return null; }));
        }
        waitAll(jobs);
        jobs.clear();
        for (SimNode n : fresh) {
            if ("agent".equals(n.spec().provision().k3s())) jobs.add(pool.submit(() -> { provisionK3s(n, node(n.spec().provision().k3sServer())); return null; }));
        }
        waitAll(jobs);
        for (SimNode n : fresh) Files.writeString(n.dir().resolve("provisioned"), Instant.now() + "\n");
    }

    private static Void must(SimNode n, String what, ExecResult r) {
        if (!r.ok()) throw new IllegalStateException(n.name() + ": provision: " + what + ": exit " + r.exitCode() + ": " + r.stderr() + r.stdout());
        return null;
    }

    private void provisionK3s(SimNode n, SimNode server) throws IOException, InterruptedException {
        Provision p = n.spec().provision();
        boolean agent = server != null;
        if (agent && server == null) throw new IllegalStateException(n.name() + ": unknown k3s server " + p.k3sServer());
        String version = p.k3sVersion() != null ? p.k3sVersion() : spec.k3sStableVersion();
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("node-name", n.name());
        if (agent) {
            String token = Files.readString(server.root().resolve("var/lib/rancher/k3s/server/token")).trim();
            String a = server.advertisedAddress();
            Integer port = K3sRuntime.listenPort(server.spec().provision().k3sConfig().get("https-listen-port"));
            cfg.put("server", "https://" + (a.contains(":") ? "[" + a + "]" : a) + ":"
                    + (port == null ? K3sRuntime.DEFAULT_PORT : port));
            cfg.put("token", token);
            String sv = K3sRuntime.versionOf(server.root().resolve("usr/local/bin/k3s"));
            if (sv != null) version = sv;
        } else if (p.k3sToken() != null) {
            cfg.put("token", p.k3sToken());
        }
        if (p.docker()) cfg.put("docker", true);
        cfg.putAll(p.k3sConfig());
        Path cfgFile = n.root().resolve("etc/rancher/k3s/config.yaml");
        Files.createDirectories(cfgFile.getParent());
        NodeFs.writeSecret(cfgFile, Yaml.dump(cfg));
        must(n, "install k3s", n.exec("curl -sfL https://get.k3s.io | sudo INSTALL_K3S_VERSION='" + version + "' INSTALL_K3S_EXEC='"
                + (agent ? "agent" : "server") + "' INSTALL_K3S_SKIP_START=true sh -", Duration.ofMinutes(2)));
        String unit = agent ? "k3s-agent.service" : "k3s.service";
        n.units.start(unit, true);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (n.units.state(unit) != Units.State.ACTIVE && System.nanoTime() < deadline) Thread.sleep(20);
        if (n.units.state(unit) != Units.State.ACTIVE) {
            event(n.name(), "provision: " + unit + " on " + n.name() + " did not become active");
            return;
        }
        if (!agent) {
            KubeApi api = kubeApi(n, false);
            for (String m : p.manifests()) {
                StringBuilder err = new StringBuilder();
                int rc = Kubectl.run(api, List.of("apply", "-f", "-"), m.getBytes(StandardCharsets.UTF_8), null,
                        new Kubectl.Sink() {
                            @Override public void out(String s) { }
                            @Override public void err(String s) { err.append(s); }
                        }, () -> false);
                if (rc != 0) throw new IllegalStateException(n.name() + ": provision: apply manifest: " + err);
            }
            p.boundPvs().forEach(api::bindPv);
        }
    }

    // ------------------------------------------------------------- admin

    /** Admin requests from {@link SimControl} (authenticated by the control key). */
    int admin(List<String> args, byte[] stdin, ControlServer.Reply reply) {
        if (args.isEmpty()) { reply.err("admin: missing operation\n"); return 2; }
        String op = args.get(0);
        try {
            switch (op) {
                case "ping" -> { reply.out("pong\n"); return 0; }
                case "status" -> { reply.out(statusText()); return 0; }
                case "events" -> {
                    StringBuilder b = new StringBuilder();
                    for (SimEvent e : events()) b.append(e).append('\n');
                    reply.out(b.toString());
                    return 0;
                }
                case "stop" -> {
                    reply.exit(0);
                    pool.execute(onAdminStop);
                    return -1;
                }
                case "pv-bind" -> { return bindPv(args.get(1), args.get(2)) ? 0 : fail(reply, "no such PersistentVolume " + args.get(1)); }
                case "pv-release" -> { return releasePv(args.get(1)) ? 0 : fail(reply, "no such PersistentVolume " + args.get(1)); }
                default -> { }
            }
            if (args.size() < 2) return fail(reply, "admin " + op + ": missing node name");
            SimNode n = node(args.get(1));
            if (n == null) return fail(reply, "unknown node " + args.get(1));
            switch (op) {
                case "exec" -> {
                    ExecResult r = n.exec(String.join(" ", args.subList(2, args.size())), Duration.ofMinutes(10));
                    reply.out(r.stdout());
                    reply.err(r.stderr());
                    return r.exitCode();
                }
                case "reboot" -> { n.reboot(); return 0; }
                case "power-off" -> { n.powerOff(); return 0; }
                case "power-on" -> { n.powerOn(); return 0; }
                case "fault" -> { return fault(n, args.subList(2, args.size()), reply); }
                default -> { return fail(reply, "unknown admin operation " + op); }
            }
        } catch (IOException | RuntimeException e) {
            return fail(reply, e.getMessage());
        }
    }

    private static int fail(ControlServer.Reply reply, String msg) {
        reply.err("pictl-sim: " + msg + "\n");
        return 1;
    }

    /** Fault names as the CLI spells them (see docs/simulator.md). */
    static int fault(SimNode n, List<String> a, ControlServer.Reply reply) throws IOException {
        if (a.isEmpty()) return fail(reply, "fault: which one?");
        String kind = a.get(0);
        String v = a.size() > 1 ? a.get(1) : null;
        switch (kind) {
            case "unreachable" -> n.setUnreachable("silent".equals(v) ? Unreachable.SILENT : Unreachable.REFUSED);
            case "reachable" -> n.setUnreachable(null);
            case "drop-on" -> n.dropConnectionOn(v, Duration.ofMillis(a.size() > 2 ? Long.parseLong(a.get(2)) : 300));
            case "drop-now" -> n.dropConnections();
            case "fail" -> n.failCommands(v, a.size() > 2 ? Integer.parseInt(a.get(2)) : 1, a.size() > 3 ? a.get(3) + "\n" : "");
            case "latency" -> n.setLatency(Duration.ofMillis(Long.parseLong(v)));
            case "reboot-never-returns" -> n.setRebootNeverReturns(v == null || Boolean.parseBoolean(v));
            case "throttled" -> n.setThrottled(v == null ? "0x50005" : v);
            case "memory" -> n.setMemoryKb(v == null ? 944268 : Long.parseLong(v));
            case "model" -> n.setModel(String.join(" ", a.subList(1, a.size())));
            case "arch32" -> n.setArch32(v == null || Boolean.parseBoolean(v));
            case "firmware-cgroup-disable" -> n.setFirmwareDisablesMemoryCgroup(v == null || Boolean.parseBoolean(v));
            case "clock" -> n.cluster().trouble().setClock(n, v == null ? -600 : Long.parseLong(v));
            case "disk" -> n.cluster().trouble().setDisk(n, v == null ? 97 : Integer.parseInt(v));
            case "disk-full" -> n.cluster().trouble().setDisk(n, 97);
            case "cert-expired" -> n.cluster().trouble().expireCert(n);
            case "cert-expiry" -> {
                if (v == null || !v.matches("-?\\d{1,5}")) return fail(reply, "cert-expiry DAYS [FILE]: DAYS is a whole number");
                if (K3sCerts.setExpiry(n.root(), Long.parseLong(v), a.size() > 2 ? a.get(2) : null) == 0) {
                    return fail(reply, "cert-expiry: " + n.name() + " has no such k3s certificate (k3s not started yet?)");
                }
            }
            case "kernel-log" -> {
                if (a.size() < 2) return fail(reply, "kernel-log TEXT: the kernel log line to add");
                n.cluster().trouble().kernelLog(n, String.join(" ", a.subList(1, a.size())));
            }
            case "cut", "uncut" -> {
                SimNode other = v == null ? null : n.cluster().node(v);
                if (v != null && other == null) return fail(reply, kind + ": unknown node " + v);
                if (kind.equals("cut")) {
                    if (other == null) return fail(reply, "cut: which node? (cut OTHER_NODE)");
                    n.cluster().trouble().cut(n, other);
                } else n.cluster().trouble().uncut(n, other);
            }
            case "memory-pressure" -> n.cluster().trouble().setMemoryPressure(n, v == null || Boolean.parseBoolean(v));
            case "sd-errors" -> n.cluster().trouble().sdCardErrors(n);
            case "flannel-fail" -> n.cluster().trouble().flannelFailure(n);
            case "image-pull-fail" -> n.cluster().trouble().imagePullFailure(n, v == null ? "nginx:does-not-exist" : v);
            case "config-ignore" -> BootFirmware.ignore(n, v);
            case "eeprom-update" -> BootFirmware.eepromUpdate(n, v == null || Boolean.parseBoolean(v));
            case "chart-fail" -> ChartFault.set(n, a.subList(1, a.size()));
            case "clear" -> n.clearFaults();
            case "updates", "kernel-update", "package-fails", "reboot-required", "dpkg-lock" -> { // issue 15: AptSim
                String err = AptSim.fault(n, kind, a.subList(1, a.size()));
                if (err != null) return fail(reply, err);
            }
            default -> { return fail(reply, "unknown fault " + kind); }
        }
        return 0;
    }

    String statusText() {
        StringBuilder b = new StringBuilder();
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("NODE", "SSH", "ADVERTISED", "POWER", "NETWORK", "K3S", "EXECS", "BOOT_ID"));
        for (SimNode n : nodes.values()) {
            String k3sState = "-";
            for (String u : List.of("k3s.service", "k3s-agent.service")) {
                if (n.units.exists(u)) k3sState = u.replace(".service", "") + ":" + n.unitState(u).replace(" ", "");
            }
            rows.add(List.of(n.name(), n.address() + ":" + n.port(), n.advertisedAddress(), n.isUp() ? "up" : "down",
                    n.isReachable() ? "ok" : (n.isUp() ? "unreachable" : "-"), k3sState, String.valueOf(n.execCount()), n.bootId().isEmpty() ? "-" : n.bootId()));
        }
        int[] w = new int[rows.get(0).size()];
        for (List<String> r : rows) for (int i = 0; i < w.length; i++) w[i] = Math.max(w[i], r.get(i).length());
        for (List<String> r : rows) {
            StringBuilder l = new StringBuilder();
            for (int i = 0; i < w.length; i++) l.append(String.format("%-" + (w[i] + 2) + "s", r.get(i)));
            b.append(l.toString().stripTrailing()).append('\n');
        }
        return "control port " + controlPort() + ", state " + stateDir + "\n" + b;
    }

    // ----------------------------------------------------------- resources

    private void extractResources() throws IOException {
        String index;
        try (InputStream in = SimCluster.class.getResourceAsStream("index.txt")) {
            if (in == null) throw new IOException("simulator resources missing (dev/pictl/sim/index.txt)");
            index = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        for (String name : index.split("\n")) {
            name = name.trim();
            if (name.isEmpty() || name.startsWith("#")) continue;
            try (InputStream in = SimCluster.class.getResourceAsStream(name)) {
                if (in == null) throw new IOException("simulator resource missing: " + name);
                Path target = stateDir.resolve(name);
                Files.createDirectories(target.getParent());
                Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
                Files.write(tmp, in.readAllBytes());
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
                Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
        }
    }

    /** Tools the nodes may take from the host. Anything a stand-in replaces, or that would reach the real host's
     *  k3s/Docker/kubectl, is left out so that "not installed" looks like it does on a fresh Pi. */
    private static final Set<String> HOST_DENY = Set.of("kubectl", "k3s", "crictl", "ctr", "docker", "dockerd", "containerd",
            "containerd-shim", "containerd-shim-runc-v2", "runc", "helm", "kubeadm", "kubelet", "podman", "nerdctl", "vcgencmd",
            "sudo", "su", "id", "uname", "hostname", "hostnamectl", "systemctl", "journalctl", "reboot", "shutdown", "poweroff",
            "halt", "init", "telinit", "systemd-run", "curl", "wget", "apt-get", "apt", "dpkg", "dpkg-query", "findmnt", "dmesg",
            "rpi-eeprom-update", "apt-mark");

    private void buildHostBin() throws IOException {
        Path dir = hostBinDir();
        Path marker = dir.resolve(".version");
        if (Files.isRegularFile(marker) && Files.readString(marker).trim().equals(HOSTBIN_VERSION)) return;
        Path tmp = stateDir.resolve("hostbin.tmp-" + id);
        Files.createDirectories(tmp);
        Set<String> seen = new java.util.HashSet<>();
        for (String d : List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin")) {
            Path pd = Path.of(d);
            if (!Files.isDirectory(pd)) continue;
            try (var ds = Files.newDirectoryStream(pd)) {
                for (Path p : ds) {
                    String name = p.getFileName().toString();
                    if (HOST_DENY.contains(name) || !seen.add(name)) continue;
                    if (!Files.isExecutable(p) || Files.isDirectory(p)) continue;
                    Files.createSymbolicLink(tmp.resolve(name), p.toAbsolutePath());
                }
            }
        }
        Files.writeString(tmp.resolve(".version"), HOSTBIN_VERSION + "\n");
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) deleteTree(dir);
        try {
            Files.move(tmp, dir);
        } catch (IOException e) {
            deleteTree(tmp); // another process built it meanwhile
        }
    }

    static void deleteTree(Path d) throws IOException {
        if (!Files.exists(d, LinkOption.NOFOLLOW_LINKS)) return;
        try (var walk = Files.walk(d)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    static KeyPair loadOrCreateKey(Path file, String comment) throws IOException {
        if (Files.isRegularFile(file)) {
            try {
                for (KeyPair kp : new FileKeyPairProvider(file).loadKeys(null)) return kp;
            } catch (RuntimeException e) {
                throw new IOException("cannot read key " + file, e);
            }
        }
        KeyPair kp;
        try {
            kp = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot generate an ed25519 key (is net.i2p.crypto:eddsa on the class path?)", e);
        }
        Files.createDirectories(file.getParent());
        try (OutputStream out = Files.newOutputStream(file)) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(kp, comment, null, out);
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(file.resolveSibling(file.getFileName() + ".pub"), PublicKeyEntry.toString(kp.getPublic()) + " " + comment + "\n");
        return kp;
    }

    // ------------------------------------------------------------- close

    /** Stops every node (killing their processes) and the control port. The state directory stays. */
    @Override
    public void close() {
        try {
            Files.deleteIfExists(stateDir.resolve(CONTROL_FILE));
        } catch (IOException ignored) {
            // a stale file only costs a failed ping
        }
        List<Future<?>> fs = new ArrayList<>();
        for (SimNode n : nodes.values()) fs.add(pool.submit(n::shutdownForClose));
        for (Future<?> f : fs) {
            try { f.get(10, TimeUnit.SECONDS); } catch (Exception ignored) { /* best effort */ }
        }
        if (control != null) {
            try { control.close(); } catch (IOException ignored) { /* closing */ }
        }
        scheduler.shutdownNow();
        pool.shutdownNow();
        ioExecutor.shutdownNow();
    }

}
