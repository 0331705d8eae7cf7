package dev.pictl.sim;

import dev.pictl.sim.kube.KubeApi;
import dev.pictl.sim.kube.Yaml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the k3s process does when its unit starts, reduced to what pictl can observe: settings from
 * {@code config.yaml} (+ {@code config.yaml.d}), the unit's arguments and its env file (CLI over config over
 * environment, as k3s merges them); the cgroup check with k3s's real error; the server's token files,
 * kubeconfig and Kubernetes API; an agent's join (reachable running server, matching token, unique node name).
 */
final class K3sRuntime {

    enum Kind { OK, RETRY, FATAL, EXEC }

    record Outcome(Kind kind, List<String> lines, int status, String ident, String joinedServer, KubeApi.NodeRec registration) {
        static Outcome fatal(int status, List<String> lines) { return new Outcome(Kind.FATAL, lines, status, "k3s", null, null); }

        String summary() {
            for (int i = lines.size() - 1; i >= 0; i--) {
                String l = lines.get(i);
                int m = l.indexOf("msg=\"");
                if (m >= 0 && (l.contains("level=fatal") || l.contains("level=error"))) return l.substring(m + 5, l.length() - 1);
            }
            return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        }
    }

    private static final Set<String> BOOL_FLAGS = Set.of("docker", "cluster-init", "with-node-id", "disable-network-policy",
            "disable-helm-controller", "disable-cloud-controller", "disable-kube-proxy", "secrets-encryption", "prefer-bundled-bin",
            "protect-kernel-defaults", "rootless", "debug", "selinux");
    private static final Set<String> LIST_FLAGS = Set.of("disable", "node-label", "node-taint", "tls-san", "kubelet-arg", "kube-apiserver-arg");

    private final SimCluster cluster;
    private final SecureRandom random = new SecureRandom();

    K3sRuntime(SimCluster cluster) { this.cluster = cluster; }

    static String logLine(String level, String msg) {
        return "time=\"" + Instant.now().truncatedTo(ChronoUnit.SECONDS) + "\" level=" + level + " msg=\"" + msg.replace("\"", "\\\"") + "\"";
    }

    // ---------------------------------------------------------- settings

    static final class Settings {
        final Map<String, Object> values = new LinkedHashMap<>();
        String str(String k) { Object v = values.get(k); return v == null ? null : String.valueOf(v); }
        boolean bool(String k) { Object v = values.get(k); return v != null && (Boolean.TRUE.equals(v) || "true".equals(String.valueOf(v))); }
        List<String> list(String k) {
            Object v = values.get(k);
            List<String> out = new ArrayList<>();
            if (v instanceof List<?> l) { for (Object x : l) for (String s : String.valueOf(x).split(",")) if (!s.isBlank()) out.add(s.trim()); }
            else if (v != null) for (String s : String.valueOf(v).split(",")) if (!s.isBlank()) out.add(s.trim());
            return out;
        }
    }

    /** Reads config.yaml, config.yaml.d/*.yaml, the env file and the ExecStart arguments. */
    @SuppressWarnings("unchecked")
    Settings settings(Path root, String content, List<String> args) throws Yaml.YamlException, IOException {
        Settings s = new Settings();
        // environment (lowest)
        Map<String, String> env = envFiles(root, content);
        if (env.containsKey("K3S_TOKEN")) s.values.put("token", env.get("K3S_TOKEN"));
        if (env.containsKey("K3S_URL")) s.values.put("server", env.get("K3S_URL"));
        if (env.containsKey("K3S_NODE_NAME")) s.values.put("node-name", env.get("K3S_NODE_NAME"));
        if (env.containsKey("K3S_TOKEN_FILE")) s.values.put("token-file", env.get("K3S_TOKEN_FILE"));
        if (env.containsKey("K3S_KUBECONFIG_MODE")) s.values.put("write-kubeconfig-mode", env.get("K3S_KUBECONFIG_MODE"));
        // config files
        List<Path> files = new ArrayList<>();
        Path main = root.resolve("etc/rancher/k3s/config.yaml");
        if (Files.isRegularFile(main)) files.add(main);
        Path dropins = root.resolve("etc/rancher/k3s/config.yaml.d");
        if (Files.isDirectory(dropins)) {
            try (var ds = Files.list(dropins)) {
                ds.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().forEach(files::add);
            }
        }
        for (Path f : files) {
            Object doc = Yaml.parse(Files.readString(f));
            if (doc == null) continue;
            if (!(doc instanceof Map)) throw new IOException("yaml: unmarshal errors: cannot unmarshal into map[string]interface {}");
            for (Map.Entry<String, Object> e : ((Map<String, Object>) doc).entrySet()) {
                String k = e.getKey();
                if (k.endsWith("+")) {
                    k = k.substring(0, k.length() - 1);
                    List<Object> merged = new ArrayList<>(s.list(k));
                    merged.addAll(e.getValue() instanceof List<?> l ? l : List.of(e.getValue()));
                    s.values.put(k, merged);
                } else s.values.put(k, e.getValue());
            }
        }
        // CLI arguments (highest); a repeatable flag given on the command line replaces the whole list
        Map<String, List<Object>> cliLists = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("-")) continue;
            String k = a.replaceFirst("^--?", "");
            String v = null;
            int eq = k.indexOf('=');
            if (eq >= 0) { v = k.substring(eq + 1); k = k.substring(0, eq); }
            k = switch (k) { case "t" -> "token"; case "s" -> "server"; default -> k; };
            if (v == null) {
                if (BOOL_FLAGS.contains(k)) v = "true";
                else if (i + 1 < args.size()) v = args.get(++i);
                else v = "";
            }
            if (LIST_FLAGS.contains(k)) cliLists.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
            else s.values.put(k, BOOL_FLAGS.contains(k) ? Boolean.valueOf(v) : v);
        }
        cliLists.forEach((k, v) -> s.values.put(k, v));
        return s;
    }

    private static Map<String, String> envFiles(Path root, String content) throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : content.split("\n")) {
            String l = line.trim();
            if (!l.startsWith("EnvironmentFile=")) continue;
            String f = l.substring(16).trim();
            if (f.startsWith("-")) f = f.substring(1);
            if (f.contains("%")) continue;
            Path p = root.resolve(f.startsWith("/") ? f.substring(1) : f);
            if (!Files.isRegularFile(p)) continue;
            for (String el : Files.readAllLines(p)) {
                String e = el.trim();
                if (e.isEmpty() || e.startsWith("#") || !e.contains("=")) continue;
                if (e.startsWith("export ")) e = e.substring(7);
                String k = e.substring(0, e.indexOf('='));
                String v = e.substring(e.indexOf('=') + 1);
                if (v.length() >= 2 && (v.startsWith("'") && v.endsWith("'") || v.startsWith("\"") && v.endsWith("\""))) v = v.substring(1, v.length() - 1);
                env.put(k, v);
            }
        }
        return env;
    }

    static String versionOf(Path binary) {
        try {
            String s = Files.readString(binary);
            int i = s.indexOf("PICTL_K3S_VERSION='");
            if (i < 0) return null;
            return s.substring(i + 19, s.indexOf('\'', i + 19));
        } catch (IOException e) {
            return null;
        }
    }

    static String shortHash(String version) { return SimNode.sha256(version).substring(0, 8); }

    // -------------------------------------------------------------- start

    Outcome tryStart(SimNode node, String unit, String content) {
        List<String> lines = new ArrayList<>();
        Path root = node.root();
        List<String> ex = Units.execStart(content);
        if (ex.isEmpty()) return new Outcome(Kind.EXEC, List.of(unit + ": Service has no ExecStart= setting."), 203, "systemd", null, null);
        Path bin = root.resolve(ex.get(0).startsWith("/") ? ex.get(0).substring(1) : ex.get(0));
        if (!Files.isExecutable(bin)) {
            return new Outcome(Kind.EXEC, List.of(unit + ": Failed to locate executable " + ex.get(0) + ": No such file or directory",
                    unit + ": Failed at step EXEC spawning " + ex.get(0) + ": No such file or directory"), 203, "(k3s)", null, null);
        }
        String version = versionOf(bin);
        if (version == null) return Outcome.fatal(1, List.of(logLine("fatal", "Error: " + ex.get(0) + " is not a k3s binary")));
        List<String> args = ex.subList(1, ex.size());
        String role = args.isEmpty() ? "server" : args.get(0);
        Settings s;
        try {
            s = settings(root, content, args.isEmpty() ? List.of() : args.subList(1, args.size()));
        } catch (Yaml.YamlException e) {
            return Outcome.fatal(1, List.of(logLine("fatal", "Error: " + e.getMessage())));
        } catch (IOException e) {
            return Outcome.fatal(1, List.of(logLine("fatal", "Error: " + e.getMessage())));
        }
        if (!role.equals("server") && !role.equals("agent")) {
            return Outcome.fatal(1, List.of("Incorrect Usage. flag provided but not defined: -" + role));
        }
        lines.add(logLine("info", "Starting k3s " + (role.equals("agent") ? "agent " : "") + version + " (" + shortHash(version) + ")"));
        String controllers;
        try { controllers = Files.readString(root.resolve("sys/fs/cgroup/cgroup.controllers")).trim(); } catch (IOException e) { controllers = ""; }
        Set<String> ctl = Set.of(controllers.split("\\s+"));
        for (String need : List.of("cpu", "cpuset", "memory")) {
            if (!ctl.contains(need)) {
                lines.add(logLine("fatal", "Error: failed to find " + need + " cgroup (v2)"));
                return Outcome.fatal(1, lines);
            }
        }
        for (String l : s.list("node-label")) {
            String key = l.contains("=") ? l.substring(0, l.indexOf('=')) : l;
            if (key.startsWith("node-role.kubernetes.io/")) {
                lines.add(logLine("fatal", "Error: failed to validate node-label: " + key + " is a restricted label"));
                return Outcome.fatal(1, lines);
            }
        }
        String runtime = "containerd://1.7.23-k3s2";
        if (s.bool("docker")) {
            if (node.units.state("docker.service") != Units.State.ACTIVE) {
                lines.add(logLine("fatal", "Error: failed to start cri-dockerd: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?"));
                return Outcome.fatal(1, lines);
            }
            runtime = "docker://20.10.24+dfsg1";
        }
        String nodeName = s.str("node-name");
        if (nodeName == null || nodeName.isBlank()) nodeName = kernelHostname(root);
        if (s.bool("with-node-id")) nodeName = nodeName + "-" + SimNode.sha256(node.name()).substring(0, 8);
        KubeApi.NodeRec rec = new KubeApi.NodeRec();
        rec.name = nodeName;
        rec.hostNode = node.name();
        rec.bootId = node.bootId();
        rec.version = version;
        rec.runtime = runtime;
        rec.address = s.str("node-ip") != null ? s.str("node-ip") : node.advertisedAddress();
        rec.arch = node.arch32() ? "arm" : "arm64";
        rec.memoryKb = node.memoryKb();
        rec.kernel = node.arch32() ? "6.6.51+rpt-rpi-v7l" : "6.6.51+rpt-rpi-v8";
        rec.osImage = node.spec().os().equals("bookworm") ? "Debian GNU/Linux 12 (bookworm)" : "Raspbian GNU/Linux 11 (bullseye)";
        rec.labels = new ArrayList<>(s.list("node-label"));
        if (Files.isRegularFile(root.resolve("etc/rancher/k3s/registries.yaml"))) {
            lines.add(logLine("info", "Using private registry config file at /etc/rancher/k3s/registries.yaml"));
        }
        lines.add(logLine("info", "Running kubelet " + String.join(" ", kubeletArgs(s, nodeName))));
        try {
            return role.equals("server") ? startServer(node, s, rec, lines) : startAgent(node, s, rec, lines);
        } catch (IOException e) {
            lines.add(logLine("fatal", "Error: " + e.getMessage()));
            return Outcome.fatal(1, lines);
        }
    }

    /**
     * The kubelet's command line as k3s logs it once at start ({@code Running kubelet --address=0.0.0.0 ...}): k3s's
     * own flags (a subset; among them the eviction thresholds k3s replaces the kubelet's defaults with), each
     * {@code kubelet-arg} entry overriding the flag of its name, sorted by flag name as k3s sorts them. A
     * {@code kubelet-arg} entry is one argument even with commas in it ({@code system-reserved=cpu=1,memory=1Gi}).
     */
    static List<String> kubeletArgs(Settings s, String nodeName) {
        Map<String, String> flags = new java.util.TreeMap<>();
        flags.put("address", "0.0.0.0");
        flags.put("anonymous-auth", "false");
        flags.put("cgroup-driver", "systemd");
        flags.put("eviction-hard", "imagefs.available<5%,nodefs.available<5%");
        flags.put("eviction-minimum-reclaim", "imagefs.available=10%,nodefs.available=10%");
        flags.put("fail-swap-on", "false");
        flags.put("hostname-override", nodeName);
        flags.put("kubeconfig", "/var/lib/rancher/k3s/agent/kubelet.kubeconfig");
        flags.put("read-only-port", "0");
        Object v = s.values.get("kubelet-arg");
        List<String> args = new ArrayList<>();
        if (v instanceof List<?> l) for (Object x : l) args.add(String.valueOf(x));
        else if (v != null) args.add(String.valueOf(v));
        for (String a : args) {
            String f = a.startsWith("--") ? a.substring(2) : a;
            int eq = f.indexOf('=');
            flags.put(eq < 0 ? f : f.substring(0, eq), eq < 0 ? "true" : f.substring(eq + 1));
        }
        List<String> out = new ArrayList<>();
        flags.forEach((k, x) -> out.add("--" + k + "=" + x));
        return out;
    }

    static String kernelHostname(Path root) {
        try { return Files.readString(root.resolve("proc/sys/kernel/hostname")).trim(); } catch (IOException e) { return "raspberrypi"; }
    }

    /** Password part of a token: "K10<hash>::server:<pw>" → pw; "K10<hash>::<user>:<pw>" → pw; short form → itself. */
    static String password(String token) {
        if (token == null) return null;
        token = token.trim();
        if (token.startsWith("K10") && token.contains("::")) {
            String creds = token.substring(token.indexOf("::") + 2);
            return creds.contains(":") ? creds.substring(creds.indexOf(':') + 1) : creds;
        }
        return token;
    }

    static String caHashOf(String token) {
        if (token != null && token.startsWith("K10") && token.contains("::")) return token.substring(3, token.indexOf("::"));
        return null;
    }

    private String readToken(SimNode node, Settings s) throws IOException {
        String t = s.str("token");
        if ((t == null || t.isEmpty()) && s.str("token-file") != null) {
            Path p = node.root().resolve(s.str("token-file").replaceFirst("^/", ""));
            if (Files.isRegularFile(p)) t = Files.readString(p).trim();
        }
        return t == null || t.isEmpty() ? null : t;
    }

    /** The API port of k3s settings: {@code https-listen-port}, else 6443; null when k3s would refuse the value. */
    static Integer listenPort(Object value) {
        if (value == null) return DEFAULT_PORT;
        try {
            int p = Integer.parseInt(String.valueOf(value).trim());
            return p >= 1 && p <= 65535 ? p : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static final int DEFAULT_PORT = 6443;

    private Outcome startServer(SimNode node, Settings s, KubeApi.NodeRec rec, List<String> lines) throws IOException {
        Integer port = listenPort(s.values.get("https-listen-port"));
        if (port == null) {
            lines.add(logLine("fatal", "Error: invalid value \"" + s.str("https-listen-port") + "\" for flag -https-listen-port: parse error"));
            return Outcome.fatal(1, lines);
        }
        Path root = node.root();
        Snapshots.serverStarting(node, s.bool("cluster-init")); // embedded etcd's directory, the reset flag (issue 14)
        Outcome etcd = cluster.etcd().start(node, s, rec.name, readToken(node, s), lines);
        if (etcd != null) return etcd;
        if (cluster.etcd().clusterOf(node) != null) rec.labels.add("node-role.kubernetes.io/etcd=true");
        Path serverDir = root.resolve("var/lib/rancher/k3s/server");
        Path tokenFile = serverDir.resolve("token");
        Path caFile = serverDir.resolve("tls/server-ca.hash");
        Files.createDirectories(serverDir.resolve("tls"));
        String caHash;
        if (Files.isRegularFile(caFile)) caHash = Files.readString(caFile).trim();
        else {
            caHash = SimNode.sha256("pictl-sim-ca:" + node.name() + ":" + System.nanoTime() + ":" + random.nextLong());
            Files.writeString(caFile, caHash + "\n");
        }
        String configured = readToken(node, s);
        String existingPw = Files.isRegularFile(tokenFile) ? password(Files.readString(tokenFile)) : null;
        String pw;
        if (configured != null) {
            String cfgHash = caHashOf(configured);
            if (cfgHash != null && !cfgHash.equals(caHash) && existingPw != null) {
                lines.add(logLine("fatal", "Error: starting kubernetes: preparing server: failed to normalize server token; must be in format K10<CA-HASH>::<USERNAME>:<PASSWORD> or <PASSWORD>"));
                return Outcome.fatal(1, lines);
            }
            pw = password(configured);
            if (existingPw != null && !existingPw.equals(pw)) {
                lines.add(logLine("fatal", "Error: starting kubernetes: preparing server: bootstrap data already found and encrypted with different token"));
                return Outcome.fatal(1, lines);
            }
        } else {
            pw = existingPw != null ? existingPw : HexFormat.of().formatHex(randomBytes(16));
        }
        String secure = "K10" + caHash + "::server:" + pw + "\n";
        NodeFs.writeSecret(tokenFile, secure);
        NodeFs.writeSecret(serverDir.resolve("node-token"), secure);
        NodeFs.writeSecret(serverDir.resolve("agent-token"), secure);
        Path kubeconfig = root.resolve("etc/rancher/k3s/k3s.yaml");
        Files.createDirectories(kubeconfig.getParent());
        String ca = java.util.Base64.getEncoder().encodeToString(("-----BEGIN CERTIFICATE-----\nsimulated " + caHash + "\n-----END CERTIFICATE-----\n").getBytes());
        Files.writeString(kubeconfig, "apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: " + ca
                + "\n    server: https://127.0.0.1:" + port + "\n  name: default\ncontexts:\n- context:\n    cluster: default\n    user: default\n  name: default\n"
                + "current-context: default\nkind: Config\npreferences: {}\nusers:\n- name: default\n  user:\n    client-certificate-data: " + ca
                + "\n    client-key-data: " + java.util.Base64.getEncoder().encodeToString(("simulated-key-" + caHash).getBytes()) + "\n");
        String mode = s.str("write-kubeconfig-mode");
        String perms = "rw-------";
        if (mode != null && mode.matches("0?[0-7]{3}")) perms = posix(mode.length() == 4 ? mode.substring(1) : mode);
        Files.setPosixFilePermissions(kubeconfig, PosixFilePermissions.fromString(perms));
        cluster.trouble().certificatesRenewedAtStart(node);
        Set<String> disable = new LinkedHashSet<>(s.list("disable"));
        KubeApi api = cluster.kubeApi(node, true);
        api.serverStarted(rec.version, disable, port);
        rec.server = true;
        if (!api.register(rec)) {
            lines.add(logLine("fatal", "Error: Node password rejected, duplicate hostname or contents of '/etc/rancher/node/password' may not match server node-passwd entry, try enabling a unique node name with the --with-node-id flag"));
            return Outcome.fatal(1, lines);
        }
        lines.add(logLine("info", "Wrote kubeconfig /etc/rancher/k3s/k3s.yaml"));
        lines.add(logLine("info", "Server node token is available at /var/lib/rancher/k3s/server/token"));
        lines.add(logLine("info", "To join server node to cluster: k3s server -s https://" + node.advertisedAddress() + ":" + port + " -t ${SERVER_NODE_TOKEN}"));
        lines.add(logLine("info", "Agent node token is available at /var/lib/rancher/k3s/server/agent-token"));
        lines.add(logLine("info", "To join agent node to cluster: k3s agent -s https://" + node.advertisedAddress() + ":" + port + " -t ${AGENT_NODE_TOKEN}"));
        lines.add(logLine("info", "k3s is up and running"));
        return new Outcome(Kind.OK, lines, 0, "k3s", node.name(), rec);
    }

    private static String posix(String octal) {
        StringBuilder b = new StringBuilder();
        for (char c : octal.toCharArray()) {
            int d = c - '0';
            b.append((d & 4) != 0 ? 'r' : '-').append((d & 2) != 0 ? 'w' : '-').append((d & 1) != 0 ? 'x' : '-');
        }
        return b.toString();
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private Outcome startAgent(SimNode node, Settings s, KubeApi.NodeRec rec, List<String> lines) throws IOException {
        String url = s.str("server");
        if (url == null || url.isBlank()) {
            lines.add(logLine("fatal", "Error: --server is required"));
            return new Outcome(Kind.FATAL, lines, 1, "k3s", null, null);
        }
        String token = readToken(node, s);
        if (token == null) {
            lines.add(logLine("fatal", "Error: --token is required"));
            return new Outcome(Kind.FATAL, lines, 1, "k3s", null, null);
        }
        if (!url.startsWith("https://")) {
            lines.add(logLine("fatal", "Error: failed to validate server URL " + url + ": must be https"));
            return new Outcome(Kind.FATAL, lines, 1, "k3s", null, null);
        }
        String hostPort = url.substring(8).replaceAll("/.*$", "");
        // As k3s's net.SplitHostPort: an IPv6 host must be in brackets, or the port cannot be told apart.
        String host = hostPort.contains(":") ? hostPort.substring(0, hostPort.lastIndexOf(':')) : hostPort;
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1).replace("%25", "%");
        } else if (host.contains(":") || host.contains("[") || host.contains("]")) {
            lines.add(logLine("fatal", "Error: failed to parse server URL " + url + ": address " + hostPort
                    + ": too many colons in address"));
            return new Outcome(Kind.FATAL, lines, 1, "k3s", null, null);
        }
        int port;
        try {
            port = hostPort.contains(":") ? Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1)) : 443;
        } catch (NumberFormatException e) {
            lines.add(logLine("fatal", "Error: failed to parse server URL " + url + ": invalid port"));
            return new Outcome(Kind.FATAL, lines, 1, "k3s", null, null);
        }
        lines.add(logLine("info", "Starting k3s agent connecting to " + url));
        SimNode server = cluster.resolve(host);
        String cacerts = "https://" + hostPort + "/cacerts";
        if (server == null && !host.matches("[0-9.]+")) {
            lines.add(logLine("error", "failed to get CA certs: Get \"" + cacerts + "\": dial tcp: lookup " + host + " on 127.0.0.53:53: no such host"));
            return new Outcome(Kind.RETRY, lines, 0, "k3s", null, null);
        }
        // The server listens on its https-listen-port (default 6443) only while k3s runs: any other port is refused.
        KubeApi listening = server == null || !server.isReachable() || server.units.state("k3s.service") != Units.State.ACTIVE
                ? null : cluster.kubeApi(server, false);
        if (listening == null || port != listening.listenPort()) {
            String why = server != null && server.isUp() && !server.isReachable() ? "i/o timeout" : "connect: connection refused";
            lines.add(logLine("error", "failed to get CA certs: Get \"" + cacerts + "\": dial tcp " + hostPort + ": " + why));
            return new Outcome(Kind.RETRY, lines, 0, "k3s", null, null);
        }
        Path serverToken = server.root().resolve("var/lib/rancher/k3s/server/token");
        String serverSecure = Files.isRegularFile(serverToken) ? Files.readString(serverToken).trim() : "";
        String hash = caHashOf(token);
        if (hash != null && !hash.equals(caHashOf(serverSecure))) {
            lines.add(logLine("fatal", "Error: token CA hash does not match the Cluster CA certificate hash: " + hash + " != " + caHashOf(serverSecure)));
            return new Outcome(Kind.FATAL, lines, 1, "k3s", null, null);
        }
        if (!password(token).equals(password(serverSecure))) {
            lines.add(logLine("error", "Failed to retrieve agent configuration: " + "https://" + hostPort + "/v1-k3s/serving-kubelet.crt: 401 Unauthorized"));
            return new Outcome(Kind.RETRY, lines, 0, "k3s", null, null);
        }
        KubeApi api = cluster.kubeApi(server, false);
        if (api == null) {
            lines.add(logLine("error", "failed to get CA certs: Get \"" + cacerts + "\": dial tcp " + hostPort + ": connect: connection refused"));
            return new Outcome(Kind.RETRY, lines, 0, "k3s", null, null);
        }
        String nodeVersion = rec.version;
        String serverVersion = api.serverVersion();
        if (compareVersions(nodeVersion, serverVersion) > 0) {
            lines.add(logLine("warning", "Agent version " + nodeVersion + " is newer than the server's " + serverVersion + "; the version skew policy does not allow this"));
        }
        // The agent sends its node password (made on first start); the server keeps the one a name first came with.
        Path pwFile = node.root().resolve("etc/rancher/node/password");
        if (!Files.exists(pwFile)) NodeFs.writeSecret(pwFile, HexFormat.of().formatHex(randomBytes(16)) + "\n");
        String pwHash = SimNode.sha256(Files.readString(pwFile).trim());
        if (!api.register(rec, pwHash)) {
            lines.add(logLine("error", "Waiting to retrieve agent configuration; server is not ready: Node password rejected, duplicate hostname or contents of '/etc/rancher/node/password' may not match server node-passwd entry, try enabling a unique node name with the --with-node-id flag"));
            return new Outcome(Kind.RETRY, lines, 0, "k3s", null, null);
        }
        lines.add(logLine("info", "Connecting to proxy url=\"wss://" + hostPort + "/v1-k3s/connect\""));
        lines.add(logLine("info", "k3s agent is up and running"));
        K3sCerts.atStart(node.root(), false);
        return new Outcome(Kind.OK, lines, 0, "k3s", server.name(), rec);
    }

    static int compareVersions(String a, String b) {
        int[] x = parts(a), y = parts(b);
        for (int i = 0; i < 4; i++) if (x[i] != y[i]) return Integer.compare(x[i], y[i]);
        return 0;
    }

    private static int[] parts(String v) {
        int[] out = new int[4];
        if (v == null) return out;
        String[] p = v.replaceFirst("^v", "").split("[.+\\-]|k3s");
        int j = 0;
        for (String s : p) {
            if (j >= 4) break;
            if (s.matches("\\d+")) out[j++] = Integer.parseInt(s);
        }
        return out;
    }
}
