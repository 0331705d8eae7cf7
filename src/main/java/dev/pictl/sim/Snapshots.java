package dev.pictl.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * k3s's embedded-etcd datastore as far as snapshots go (day2-facts §2): a server started with {@code cluster-init}
 * (or that has {@code server/db/etcd/} already) keeps its data in etcd; {@code k3s etcd-snapshot save | ls | delete |
 * prune} with the real CLI's files ({@code server/db/snapshots/<name>-<node>-<unix-ts>}), output lines and failures
 * (needs root and the local server running; a SQLite server has no etcd); and {@code k3s server --cluster-reset
 * --cluster-reset-restore-path=PATH}, which checks the snapshot's token against the node's, keeps the old data in
 * {@code server/db/etcd-old-<ts>/} (a restore only), writes {@code server/db/reset-flag} (removed at the next normal
 * start) and prints k3s's "restart without --cluster-reset" line.
 *
 * <p>The files and messages are this class's; the data and membership are {@link EtcdClusters}': a snapshot holds
 * the keyspace of the member's etcd cluster ({@link EtcdClusters#dataFile}), and a reset makes the node the one member
 * of its cluster, of a new one with the snapshot's data on a restore ({@link EtcdClusters#reset}).
 *
 * <p>A simulated snapshot file is JSON: the datastore's objects and a hash of the token's password (the real one
 * holds the bootstrap data encrypted with the token). The simulator does not take scheduled snapshots on its own.
 */
final class Snapshots {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    static final String FORMAT = "pictl-sim-etcd-snapshot";
    private static final String DB = "var/lib/rancher/k3s/server/db";

    private Snapshots() {
    }

    /** At every server start: cluster-init makes the etcd datastore; a normal start removes the reset flag. */
    static void serverStarting(SimNode node, boolean clusterInit) throws IOException {
        Path db = node.root().resolve(DB);
        if (clusterInit && !Files.isDirectory(db.resolve("etcd/member/snap"))) {
            Files.createDirectories(db.resolve("etcd/member/snap"));
            Files.createDirectories(db.resolve("etcd/member/wal"));
            if (!Files.exists(db.resolve("etcd/name"))) {
                Files.writeString(db.resolve("etcd/name"), node.name() + "-" + Long.toHexString(System.nanoTime() & 0xffffffL) + "\n");
            }
        }
        Files.deleteIfExists(db.resolve("reset-flag"));
    }

    private static String log(String level, String msg) {
        return K3sRuntime.logLine(level, msg) + "\n";
    }

    /** {@code k3s etcd-snapshot ...}. */
    static int etcdSnapshot(SimNode node, List<String> args, boolean root, ControlServer.Reply reply) throws IOException {
        String sub = args.isEmpty() ? "save" : args.get(0);
        String name = "on-demand";
        String dir = null;
        String output = "table";
        Integer retention = null;
        List<String> names = new ArrayList<>();
        for (int i = args.isEmpty() || args.get(0).startsWith("-") ? 0 : 1; i < args.size(); i++) {
            String a = args.get(i);
            String v = a.contains("=") ? a.substring(a.indexOf('=') + 1) : i + 1 < args.size() ? args.get(i + 1) : "";
            boolean inline = a.contains("=");
            String k = inline ? a.substring(0, a.indexOf('=')) : a;
            switch (k) {
                case "--name" -> { name = v; if (!inline) i++; }
                case "--dir", "--etcd-snapshot-dir" -> { dir = v; if (!inline) i++; }
                case "-o", "--output" -> { output = v; if (!inline) i++; }
                case "--snapshot-retention", "--etcd-snapshot-retention" -> { retention = Integer.parseInt(v); if (!inline) i++; }
                case "--etcd-server", "-s", "--etcd-token", "--token", "-t", "--data-dir", "-d" -> { if (!inline) i++; }
                default -> {
                    if (a.startsWith("-")) {
                        reply.err("Incorrect Usage: flag provided but not defined: " + k + "\n");
                        return 1;
                    }
                    names.add(a);
                }
            }
        }
        if (!root) {
            reply.err(log("fatal", "Error: open /var/lib/rancher/k3s/server/token: permission denied"));
            return 1;
        }
        Path db = node.root().resolve(DB);
        if (!Files.isDirectory(db.resolve("etcd"))) {
            reply.err(log("fatal", "Error: etcd database not found in /var/lib/rancher/k3s/server"));
            return 1;
        }
        if (node.units.state("k3s.service") != Units.State.ACTIVE) {
            reply.err(log("fatal", "Error: Post \"https://127.0.0.1:6443/db/snapshot\": dial tcp 127.0.0.1:6443: connect: connection refused"));
            return 1;
        }
        Path snaps = dir == null ? db.resolve("snapshots") : node.root().resolve(dir.replaceFirst("^/", ""));
        String shown = dir == null ? "/" + DB + "/snapshots" : dir;
        switch (sub) {
            case "save" -> {
                Files.createDirectories(snaps);
                String file = name + "-" + node.name() + "-" + Instant.now().getEpochSecond();
                ObjectNode o = MAPPER.createObjectNode();
                o.put("format", FORMAT);
                o.put("tokenHash", SimNode.sha256(K3sRuntime.password(token(node))));
                Path state = node.cluster().etcd().dataFile(node); // the keyspace of the member's etcd cluster
                o.set("datastore", state != null && Files.isRegularFile(state) ? MAPPER.readTree(state.toFile())
                        : MAPPER.createObjectNode());
                NodeFs.writeSecret(snaps.resolve(file), MAPPER.writeValueAsString(o));
                reply.err(log("info", "Snapshot " + file + " saved."));
                return 0;
            }
            case "ls", "list", "l" -> {
                if (!output.equals("table")) {
                    reply.err("pictl simulator: k3s etcd-snapshot ls -o " + output + " is not simulated (only the table)\n");
                    return 1;
                }
                StringBuilder b = new StringBuilder(String.format("%-50s %-90s %-8s %s%n", "Name", "Location", "Size", "Created"));
                for (Path p : list(snaps)) {
                    b.append(String.format("%-50s %-90s %-8d %s%n", p.getFileName(), "file://" + shown + "/" + p.getFileName(),
                            Files.size(p), Files.getLastModifiedTime(p).toInstant().truncatedTo(ChronoUnit.SECONDS)));
                }
                reply.out(b.toString());
                return 0;
            }
            case "delete", "rm" -> {
                for (String n : names) {
                    Path p = snaps.resolve(n);
                    if (!n.contains("/") && Files.deleteIfExists(p)) reply.err(log("info", "Snapshot " + n + " deleted."));
                    else reply.err(log("info", "Snapshot " + n + " not found."));
                }
                return 0;
            }
            case "prune" -> {
                int keep = retention == null ? 5 : retention;
                String prefix = name + "-";
                List<Path> mine = list(snaps).stream().filter(p -> p.getFileName().toString().startsWith(prefix)).toList();
                for (int i = 0; i < mine.size() - keep; i++) {
                    Files.deleteIfExists(mine.get(i));
                    reply.err(log("info", "Removing local snapshot " + shown + "/" + mine.get(i).getFileName()));
                }
                return 0;
            }
            default -> {
                reply.err("Incorrect Usage. flag provided but not defined: -" + sub + "\n");
                return 1;
            }
        }
    }

    private static List<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).sorted(Comparator.comparing(Snapshots::created)).toList();
        }
    }

    private static long created(Path p) {
        String n = p.getFileName().toString();
        try {
            return Long.parseLong(n.substring(n.lastIndexOf('-') + 1));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String token(SimNode node) throws IOException {
        Path t = node.root().resolve("var/lib/rancher/k3s/server/token");
        return Files.isRegularFile(t) ? Files.readString(t).trim() : null;
    }

    /** {@code k3s server --cluster-reset [--cluster-reset-restore-path=PATH]}, run by hand with k3s stopped. */
    static int clusterReset(SimNode node, List<String> args, boolean root, ControlServer.Reply reply) throws IOException {
        String path = null;
        String givenToken = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.startsWith("--cluster-reset-restore-path=")) path = a.substring(a.indexOf('=') + 1);
            else if (a.equals("--cluster-reset-restore-path") && i + 1 < args.size()) path = args.get(++i);
            else if (a.startsWith("--token=")) givenToken = a.substring(8);
            else if ((a.equals("--token") || a.equals("-t")) && i + 1 < args.size()) givenToken = args.get(++i);
        }
        String version = K3sRuntime.versionOf(node.root().resolve("usr/local/bin/k3s"));
        reply.err(log("info", "Starting k3s " + version + " (" + K3sRuntime.shortHash(String.valueOf(version)) + ")"));
        if (!root) {
            reply.err(log("fatal", "Error: preparing server: failed to bootstrap cluster data: open /var/lib/rancher/k3s/server/cred/passwd: permission denied"));
            return 1;
        }
        if (node.units.state("k3s.service") != Units.State.INACTIVE) {
            reply.err(log("fatal", "Error: starting kubernetes: preparing server: start managed database: listen tcp 127.0.0.1:2380: bind: address already in use"));
            return 1;
        }
        Path db = node.root().resolve(DB);
        if (Files.exists(db.resolve("reset-flag"))) {
            reply.err(log("fatal", "Error: Managed etcd cluster membership was previously reset, please remove the cluster-reset flag and start k3s normally. If you need to perform another cluster reset, you must first manually delete the /var/lib/rancher/k3s/server/db/reset-flag file"));
            return 1;
        }
        JsonNode snap = null;
        if (path != null) {
            Path p = node.root().resolve(path.startsWith(node.root().toString()) ? node.root().relativize(Path.of(path)).toString()
                    : path.replaceFirst("^/", ""));
            if (!Files.isRegularFile(p)) {
                reply.err(log("fatal", "Error: starting kubernetes: preparing server: start managed database: etcd: snapshot path does not exist: " + path));
                return 1;
            }
            try {
                snap = MAPPER.readTree(Files.readString(p));
            } catch (IOException e) {
                snap = null;
            }
            if (snap == null || !FORMAT.equals(snap.path("format").asText())) {
                reply.err(log("fatal", "Error: starting kubernetes: preparing server: start managed database: snapshot file corrupted or not an etcd snapshot: " + path));
                return 1;
            }
            String t = givenToken != null ? givenToken : token(node);
            if (t == null) {
                reply.err(log("fatal", "Error: /var/lib/rancher/k3s/server/token does not exist, please pass --token to complete the restoration"));
                return 1;
            }
            if (!SimNode.sha256(K3sRuntime.password(t)).equals(snap.path("tokenHash").asText())) {
                reply.err(log("fatal", "Error: starting kubernetes: preparing server: bootstrap data already found and encrypted with different token"));
                return 1;
            }
        }
        long ts = Instant.now().getEpochSecond();
        if (snap != null && Files.isDirectory(db.resolve("etcd"))) {
            Files.move(db.resolve("etcd"), db.resolve("etcd-old-" + ts));
            reply.err(log("info", "Pre-restore etcd database moved to /" + DB + "/etcd-old-" + ts));
        }
        Files.createDirectories(db.resolve("etcd/member/snap"));
        Files.createDirectories(db.resolve("etcd/member/wal"));
        node.cluster().etcd().reset(node, K3sRuntime.kernelHostname(node.root()), snap == null ? null
                : MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(snap.path("datastore")));
        Files.writeString(db.resolve("reset-flag"), "");
        reply.err(log("info", "Managed etcd cluster membership has been reset, restart without --cluster-reset flag now. "
                + "Backup and delete ${datadir}/server/db on each peer etcd server and rejoin the nodes"));
        node.cluster().event(node.name(), "cluster-reset on " + node.name() + (path == null ? "" : " from " + path));
        return 0;
    }
}
