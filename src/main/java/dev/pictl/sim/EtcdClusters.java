package dev.pictl.sim;

import dev.pictl.sim.kube.KubeApi;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * k3s's embedded etcd, reduced to what pictl can observe (issue 14): clusters of servers, their members (learners
 * first, promoted after a short while), the serialised joins k3s needs, the removal of a member when its Node is
 * deleted (k3s's managed-etcd-controller), quorum, and etcd's client API on port 2379 as {@code curl} with the
 * server's client certificate reaches it ({@code /health}, {@code /v3/cluster/member/list}).
 *
 * <p>What a board holds: {@code server/db/etcd/member/pictl-sim-member} (in etcd's member directory, beside its
 * {@code snap} and {@code wal}: the marker that etcd data exists, its cluster id and member id) and {@code server/tls/etcd/*} (the client certificates). The cluster's replicated data (the Kubernetes
 * objects) is one file under the simulator's directory, {@code etcd/ID/pictl-sim-state.json}, shared by every member:
 * the Kubernetes API answers the same on each server, and survives the loss of any one board. Membership lives in
 * memory: it does not survive a restart of the simulator. A member counts only while its board holds its marker: a
 * wiped {@code server/db} (a dead SD card) leaves it down for good, and the board, started with {@code cluster-init},
 * makes a new empty cluster. {@link Snapshots} reads {@link #dataFile} for {@code k3s etcd-snapshot save} and calls
 * {@link #reset} for {@code --cluster-reset}.
 *
 * <p>Facts: reference day2-facts §1 (#4335 too many learner members, #13498 permanently removed, [KS5] Node
 * deletion removes the member, [KD1] sqlite migrated on the first start with cluster-init).
 */
final class EtcdClusters {
    static final String MARKER = "var/lib/rancher/k3s/server/db/etcd/member/pictl-sim-member";
    static final String TLS = "var/lib/rancher/k3s/server/tls/etcd";

    /** One etcd member. */
    static final class Member {
        final long id;
        final String hostNode;
        String nodeName;
        final String name;
        final String peerAddress;
        Instant promoteAt;
        boolean seenNode;

        Member(long id, String hostNode, String nodeName, String peerAddress, Instant promoteAt) {
            this.id = id;
            this.hostNode = hostNode;
            this.nodeName = nodeName;
            // k3s names a member after its node with a random suffix
            this.name = nodeName + "-" + String.format("%08x", ThreadLocalRandom.current().nextInt());
            this.peerAddress = peerAddress;
            this.promoteAt = promoteAt;
        }

        boolean learner() {
            return promoteAt != null && Instant.now().isBefore(promoteAt);
        }
    }

    /** One etcd cluster: its members in the order they joined. */
    static final class Cluster {
        final String id;
        final List<Member> members = new ArrayList<>();
        final List<String> removedHosts = new ArrayList<>();

        Cluster(String id) {
            this.id = id;
        }
    }

    private final SimCluster sim;
    private final Map<String, Cluster> clusters = new LinkedHashMap<>();

    EtcdClusters(SimCluster sim) {
        this.sim = sim;
    }

    /** How long a new member stays a learner (the window in which a second join fails). */
    private long learnerMillis() {
        return Math.max(300, sim.spec().k3sStartDelayMillis() * 3);
    }

    /** The cluster whose data the board holds (its marker), or null: a sqlite server, an agent, or no k3s. */
    synchronized Cluster clusterOf(SimNode node) {
        String[] m = marker(node);
        return m == null ? null : clusters.get(m[0]);
    }

    private static String[] marker(SimNode node) {
        try {
            Path p = node.root().resolve(MARKER);
            if (!Files.isRegularFile(p)) return null;
            String[] parts = Files.readString(p).trim().split("\\s+");
            return parts.length == 2 ? parts : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The file that holds the cluster's Kubernetes objects for a member, or null when the board is no member. */
    synchronized Path dataFile(SimNode node) {
        Cluster c = clusterOf(node);
        return c == null ? null : dataFile(c);
    }

    private Path dataFile(Cluster c) {
        return sim.stateDir().resolve("etcd").resolve(c.id).resolve("pictl-sim-state.json");
    }

    /**
     * k3s's {@code --cluster-reset} on a stopped server (day2-facts §2.3): the board becomes the one member of its
     * cluster. Without {@code restored}, a board that holds etcd data keeps its cluster and its data, and every other
     * member is removed (they must wipe {@code server/db} and rejoin; started with their old data they are "permanently
     * removed"). With {@code restored} (a snapshot's objects, as JSON), or on a board without etcd data, the board
     * becomes the first member of a new cluster whose data that is (as etcd's snapshot restore makes a new cluster);
     * the old cluster's members no longer count this board. Called with the board's etcd directory in place.
     */
    synchronized void reset(SimNode node, String nodeName, String restored) throws IOException {
        String[] m = marker(node);
        Cluster c = m == null ? null : clusters.get(m[0]);
        Member me = c == null ? null : c.members.stream().filter(x -> String.valueOf(x.id).equals(m[1]))
                .findFirst().orElse(null);
        if (restored == null && me != null) {
            for (Member x : new ArrayList<>(c.members)) {
                if (x == me) continue;
                c.members.remove(x);
                c.removedHosts.add(x.hostNode);
                sim.event(node.name(), "etcd: member " + x.name + " (" + x.hostNode + ") removed by the cluster reset");
            }
            me.promoteAt = null;
            return;
        }
        Cluster fresh = new Cluster(Long.toUnsignedString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE));
        clusters.put(fresh.id, fresh);
        Member one = new Member(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, node.name(),
                me != null ? me.nodeName : nodeName, node.advertisedAddress(), null);
        fresh.members.add(one);
        Path data = dataFile(fresh);
        Files.createDirectories(data.getParent());
        if (restored != null) Files.writeString(data, restored);
        else if (c != null && Files.isRegularFile(dataFile(c))) Files.copy(dataFile(c), data); // a removed member's data
        writeMember(node, fresh, one);
        sim.event(node.name(), "etcd: " + node.name() + " is the one member of a new cluster (member " + one.name
                + (restored != null ? ", data from the snapshot)" : ")"));
    }

    /** The key of the Kubernetes API a server serves: its etcd cluster's, or (sqlite) its own. */
    synchronized String apiKey(SimNode node) {
        Cluster c = clusterOf(node);
        return c == null ? node.name() : "etcd:" + c.id;
    }

    /**
     * The datastore part of a server's start, before k3s's own: with etcd data on disk, the member it is (or the
     * error of a removed one); else {@code cluster-init} makes a new cluster (migrating sqlite's data), {@code server}
     * joins an existing one; else null and k3s runs on sqlite. Returns null to go on, or the outcome to end with.
     */
    synchronized K3sRuntime.Outcome start(SimNode node, K3sRuntime.Settings s, String nodeName, String token,
                                          List<String> lines) throws IOException {
        String[] m = marker(node);
        if (m != null) {
            Cluster c = clusters.get(m[0]);
            Member me = c == null ? null : c.members.stream().filter(x -> String.valueOf(x.id).equals(m[1]))
                    .findFirst().orElse(null);
            if (me == null) {
                lines.add(K3sRuntime.logLine("fatal", "Error: starting kubernetes: preparing server: start managed "
                        + "database: etcdserver: the member has been permanently removed from the cluster"));
                return K3sRuntime.Outcome.fatal(1, lines);
            }
            me.nodeName = nodeName; // a member made by --cluster-reset learns its Node's name at the start
            lines.add(K3sRuntime.logLine("info", "Starting etcd for existing cluster member"));
            return null;
        }
        boolean init = s.bool("cluster-init");
        String join = s.str("server");
        if (join != null && !join.isBlank()) {
            return join(node, join, nodeName, token, lines);
        }
        if (!init) {
            return null;
        }
        Cluster c = new Cluster(Long.toUnsignedString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE));
        clusters.put(c.id, c);
        Member me = new Member(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, node.name(), nodeName,
                node.advertisedAddress(), null);
        c.members.add(me);
        Path sqlite = node.root().resolve("var/lib/rancher/k3s/server/db/pictl-sim-state.json");
        Path data = dataFile(c);
        Files.createDirectories(data.getParent());
        if (Files.isRegularFile(sqlite)) {
            lines.add(K3sRuntime.logLine("info", "Migrating content from sqlite to etcd"));
            Files.move(sqlite, data, StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(node.root().resolve("var/lib/rancher/k3s/server/db/state.db.migrated"), "");
            sim.event(node.name(), "etcd: migrated sqlite to etcd on " + node.name());
        }
        writeMember(node, c, me);
        lines.add(K3sRuntime.logLine("info", "Starting etcd for new cluster, cluster-reset=false"));
        sim.event(node.name(), "etcd: cluster initialised on " + node.name() + " (member " + me.name + ")");
        return null;
    }

    private K3sRuntime.Outcome join(SimNode node, String url, String nodeName, String token, List<String> lines)
            throws IOException {
        String hostPort = url.replaceFirst("^https://", "").replaceAll("/.*$", "");
        String host = hostPort.contains(":") ? hostPort.substring(0, hostPort.lastIndexOf(':')) : hostPort;
        SimNode target = sim.resolve(host);
        Cluster c = target == null ? null : clusterOf(target);
        if (target == null || !target.isReachable() || target.units.state("k3s.service") != Units.State.ACTIVE) {
            lines.add(K3sRuntime.logLine("error", "failed to get CA certs: Get \"https://" + hostPort
                    + "/cacerts\": dial tcp " + hostPort + ": connect: connection refused"));
            return new K3sRuntime.Outcome(K3sRuntime.Kind.RETRY, lines, 0, "k3s", null, null);
        }
        String theirs = null;
        Path tf = target.root().resolve("var/lib/rancher/k3s/server/token");
        if (Files.isRegularFile(tf)) theirs = K3sRuntime.password(Files.readString(tf));
        if (token == null || theirs == null || !theirs.equals(K3sRuntime.password(token))) {
            lines.add(K3sRuntime.logLine("fatal", "Error: starting kubernetes: preparing server: https://" + hostPort
                    + "/v1-k3s/server-bootstrap: 401 Unauthorized"));
            return K3sRuntime.Outcome.fatal(1, lines);
        }
        if (c == null) {
            // k3s: a server joining a server without etcd (sqlite) fails to get the member list
            lines.add(K3sRuntime.logLine("fatal", "Error: starting kubernetes: preparing server: failed to get etcd "
                    + "MemberList from https://" + hostPort + ": this server is not a member of an etcd cluster "
                    + "(it uses sqlite); restart it with cluster-init first"));
            return K3sRuntime.Outcome.fatal(1, lines);
        }
        if (!quorum(c)) {
            lines.add(K3sRuntime.logLine("error", "ETCD join failed: etcdserver: request timed out"));
            return new K3sRuntime.Outcome(K3sRuntime.Kind.RETRY, lines, 0, "k3s", null, null);
        }
        for (Member x : c.members) {
            if (x.learner()) {
                lines.add(K3sRuntime.logLine("fatal", "ETCD join failed: etcdserver: too many learner members in cluster"));
                sim.event(node.name(), "etcd: join of " + node.name() + " failed: too many learner members in cluster ("
                        + x.hostNode + " is still a learner)");
                return K3sRuntime.Outcome.fatal(1, lines);
            }
        }
        c.removedHosts.remove(node.name());
        Member me = new Member(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, node.name(), nodeName,
                node.advertisedAddress(), Instant.now().plusMillis(learnerMillis()));
        c.members.add(me);
        // the cluster's CA comes with the bootstrap data
        Path ca = target.root().resolve("var/lib/rancher/k3s/server/tls/server-ca.hash");
        Path mine = node.root().resolve("var/lib/rancher/k3s/server/tls/server-ca.hash");
        Files.createDirectories(mine.getParent());
        if (Files.isRegularFile(ca)) Files.copy(ca, mine, StandardCopyOption.REPLACE_EXISTING);
        writeMember(node, c, me);
        lines.add(K3sRuntime.logLine("info", "Adding member " + me.name + "=https://" + me.peerAddress
                + ":2380 to etcd cluster [" + String.join(" ", c.members.stream().filter(x -> x != me)
                        .map(x -> x.name + "=https://" + x.peerAddress + ":2380").toList()) + "]"));
        lines.add(K3sRuntime.logLine("info", "Starting etcd to join cluster with members [" + String.join(" ",
                c.members.stream().map(x -> x.name + "=https://" + x.peerAddress + ":2380").toList()) + "]"));
        sim.event(node.name(), "etcd: " + node.name() + " joined cluster through " + target.name() + " (learner)");
        return null;
    }

    private void writeMember(SimNode node, Cluster c, Member me) throws IOException {
        Path p = node.root().resolve(MARKER);
        Files.createDirectories(p.getParent());
        Files.writeString(p, c.id + " " + me.id + "\n");
        Path tls = node.root().resolve(TLS);
        Files.createDirectories(tls);
        for (String f : List.of("server-ca.crt", "server-client.crt", "peer-server-client.crt")) {
            Files.writeString(tls.resolve(f), "-----BEGIN CERTIFICATE-----\nsimulated etcd " + c.id
                    + "\n-----END CERTIFICATE-----\n");
        }
        for (String f : List.of("server-ca.key", "server-client.key", "peer-server-client.key")) {
            NodeFs.writeSecret(tls.resolve(f), "-----BEGIN EC PRIVATE KEY-----\nsimulated\n-----END EC PRIVATE KEY-----\n");
        }
    }

    /**
     * The fixed registration address in front of the servers (a VIP, a load balancer or round-robin DNS, [KD2]): a
     * host that no board has, named in the {@code tls-san} of servers' config.yaml, reaches one of those servers
     * whose k3s runs (a health-checked balancer), else any of them (the connection then fails as it would); null
     * when no server names it.
     */
    SimNode behindApiAddress(String host) {
        SimNode any = null;
        for (SimNode n : sim.nodes()) {
            if (!sansOf(n).contains(host)) continue;
            if (n.isReachable() && n.units.state("k3s.service") == Units.State.ACTIVE) return n;
            if (any == null) any = n;
        }
        return any;
    }

    @SuppressWarnings("unchecked")
    private static List<String> sansOf(SimNode n) {
        Path p = n.root().resolve("etc/rancher/k3s/config.yaml");
        List<String> out = new ArrayList<>();
        try {
            if (!Files.isRegularFile(p)) return out;
            Object doc = dev.pictl.sim.kube.Yaml.parse(Files.readString(p));
            if (doc instanceof Map<?, ?> m) {
                Object v = ((Map<String, Object>) m).get("tls-san");
                if (v instanceof List<?> l) l.forEach(x -> out.add(String.valueOf(x).trim()));
                else if (v != null) for (String x : String.valueOf(v).split(",")) out.add(x.trim());
            }
        } catch (IOException | RuntimeException e) {
            // k3s would not start with it either
        } catch (Exception e) {
            // a YAML error: no SANs
        }
        return out;
    }

    /**
     * Whether a member answers: its board is up and reachable, still holds this member's data (not wiped, not
     * reset into another cluster), its k3s runs, and it is no longer a learner.
     */
    private boolean healthy(Cluster c, Member m) {
        SimNode n = sim.node(m.hostNode);
        if (n == null || !n.isReachable() || n.units.state("k3s.service") != Units.State.ACTIVE || m.learner()) return false;
        String[] mk = marker(n);
        return mk != null && mk[0].equals(c.id) && mk[1].equals(String.valueOf(m.id));
    }

    /** Whether a majority of the voting members is healthy. */
    synchronized boolean quorum(Cluster c) {
        List<Member> voting = c.members.stream().filter(m -> !m.learner()).toList();
        long healthy = voting.stream().filter(m -> healthy(c, m)).count();
        return voting.isEmpty() || healthy >= voting.size() / 2 + 1;
    }

    /** Whether the server's datastore cannot take writes: it is an etcd member and its cluster lost quorum. */
    synchronized boolean noQuorum(SimNode server) {
        Cluster c = clusterOf(server);
        return c != null && !quorum(c);
    }

    /**
     * k3s's managed-etcd-controller: a member whose Node (with the etcd role) was deleted is removed from the
     * cluster ([KS5]); it cannot rejoin until its {@code server/db} is wiped (#13498).
     */
    synchronized void reconcile(KubeApi api) {
        for (Cluster c : clusters.values()) {
            for (Member m : new ArrayList<>(c.members)) {
                SimNode n = sim.node(m.hostNode);
                if (n == null || sim.kubeApi(n, false) != api) continue;
                if (api.node(m.nodeName) != null) {
                    m.seenNode = true;
                } else if (m.seenNode && c.members.size() > 1) {
                    c.members.remove(m);
                    c.removedHosts.add(m.hostNode);
                    sim.event(m.hostNode, "etcd: member " + m.name + " (" + m.hostNode + ") removed from the cluster");
                }
            }
        }
    }

    /** The members of the server's cluster (for tests and {@code sim status}): host node, learner or not, healthy. */
    synchronized List<String> describe(SimNode server) {
        Cluster c = clusterOf(server);
        List<String> out = new ArrayList<>();
        if (c == null) return out;
        for (Member m : c.members) out.add(m.hostNode + (m.learner() ? " learner" : "") + (healthy(c, m) ? " healthy" : " down"));
        return out;
    }

    /** The host nodes of every member of the cluster {@code server} belongs to, in join order. */
    public synchronized List<String> memberNodes(SimNode server) {
        Cluster c = clusterOf(server);
        return c == null ? List.of() : c.members.stream().map(m -> m.hostNode).toList();
    }

    /**
     * etcd's client API as curl on {@code from} reaches it: {@code etcd-http METHOD URL CERT}. Exit codes as curl's
     * (7 refused, 28 timed out, 35 no client certificate); a body on stdout; the HTTP status in the last line's
     * {@code http_code=N} only when asked by the shim.
     */
    synchronized int http(SimNode from, List<String> args, ControlServer.Reply reply) {
        if (args.size() < 3) {
            reply.err("pictl-sim: etcd-http METHOD URL CERT\n");
            return 2;
        }
        String url = args.get(1);
        String cert = args.get(2);
        String hostPort = url.replaceFirst("^https?://", "").replaceAll("/.*$", "");
        String host = hostPort.contains(":") ? hostPort.substring(0, hostPort.lastIndexOf(':')) : hostPort;
        String path = url.replaceFirst("^https?://[^/]*", "");
        SimNode to = host.equals("127.0.0.1") || host.equals("localhost") ? from : sim.resolve(host);
        if (to == null) return 28;
        if (!to.isReachable()) return 28;
        Cluster c = clusterOf(to);
        if (c == null || to.units.state("k3s.service") != Units.State.ACTIVE) return 7;
        Path certFile = cert.startsWith(from.root().toString() + "/") ? Path.of(cert)
                : from.root().resolve(cert.replaceFirst("^/", ""));
        if (cert.isEmpty() || !Files.isRegularFile(certFile)) {
            reply.err("curl: (56) OpenSSL SSL_read: error:0A00045C:SSL routines::tlsv13 alert certificate required, errno 0\n");
            return 56;
        }
        Member self = c.members.stream().filter(m -> m.hostNode.equals(to.name())).findFirst().orElse(null);
        if (self == null) return 7;
        boolean q = quorum(c);
        if (path.equals("/health")) {
            boolean ok = q && healthy(c, self);
            reply.out(ok ? "{\"health\":\"true\",\"reason\":\"\"}\n" : "{\"health\":\"false\",\"reason\":\"RAFT NO LEADER\"}\n");
            return 0;
        }
        if (path.equals("/v3/cluster/member/list")) {
            if (!q) {
                reply.out("{\"error\":\"etcdserver: request timed out\",\"code\":14,\"message\":\"etcdserver: request timed out\"}\n");
                return 0;
            }
            StringBuilder b = new StringBuilder("{\"header\":{\"cluster_id\":\"" + c.id + "\",\"member_id\":\"" + self.id
                    + "\",\"raft_term\":\"" + (c.members.size() + 1) + "\"},\"members\":[");
            for (int i = 0; i < c.members.size(); i++) {
                Member m = c.members.get(i);
                if (i > 0) b.append(',');
                b.append("{\"ID\":\"").append(Long.toUnsignedString(m.id)).append("\",\"name\":\"").append(m.name)
                        .append("\",\"peerURLs\":[\"https://").append(m.peerAddress).append(":2380\"],\"clientURLs\":[\"https://")
                        .append(m.peerAddress).append(":2379\"]").append(m.learner() ? ",\"isLearner\":true" : "").append('}');
            }
            reply.out(b.append("]}\n").toString());
            return 0;
        }
        reply.out("404 page not found\n");
        return 0;
    }
}
