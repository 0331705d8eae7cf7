package dev.pictl.sim;

import dev.pictl.sim.kube.KubeApi;
import dev.pictl.sim.kube.Kubectl;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The simulator's loopback control port. The node-side stand-ins (bash, {@code /dev/tcp}) and
 * {@link SimControl} speak one line protocol, one request per connection:
 *
 * <pre>
 *   request:  node NAME | uid N | cwd B64 | arg B64 (repeated) | stdin B64 | key SECRET (admin only) | end
 *   answer:   out B64 | err B64 (any number, in order)  then  exit N
 * </pre>
 *
 * The stand-ins' {@code sim_call} saves a {@code base64} process per word (the simulator's own cost, which the
 * probe budget counts): {@code cwdr LEN} and {@code argr LEN} carry LEN raw bytes on the next line(s) instead of
 * a B64 word, and {@code reply raw} asks for {@code out LEN} / {@code err LEN} followed by LEN raw bytes (no
 * newline after them), which bash reads with {@code read -N}; text holding a NUL byte, which bash cannot hold,
 * still comes as {@code out64 B64} / {@code err64 B64}.
 *
 * No answer at all means the caller's node went down under it (reboot). Admin requests ({@code arg admin ...})
 * need the key from the state directory's {@code control.key} (mode 0600): they can run commands on nodes.
 */
final class ControlServer implements AutoCloseable {

    static final class Request {
        String node;
        int uid = 1000;
        Path cwd;
        final List<String> args = new ArrayList<>();
        byte[] stdin;
        String key;
    }

    /** The answering side of one connection. */
    static final class Reply implements Units.Out, Kubectl.Sink {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;
        private final boolean raw;

        Reply(Socket socket, InputStream in, boolean raw) throws IOException {
            this.socket = socket;
            this.out = socket.getOutputStream();
            this.in = in;
            this.raw = raw;
        }

        private synchronized void line(String kind, String text) {
            if (text == null || text.isEmpty()) return;
            try {
                byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
                if (raw && text.indexOf('\0') < 0) {
                    out.write((kind + " " + bytes.length + "\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(bytes);
                } else {
                    out.write((kind + (raw ? "64 " : " ") + Base64.getEncoder().encodeToString(bytes) + "\n").getBytes(StandardCharsets.US_ASCII));
                }
                out.flush();
            } catch (IOException e) {
                // caller gone
            }
        }

        @Override public void out(String s) { line("out", s); }
        @Override public void err(String s) { line("err", s); }

        synchronized void exit(int code) {
            try {
                out.write(("exit " + code + "\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException e) {
                // caller gone
            }
        }

        /** True when the caller closed its end (killed by a timeout, its channel closed, ...). */
        synchronized boolean gone() {
            try {
                socket.setSoTimeout(1);
                int b = in.read();
                return b < 0;
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true;
            }
        }
    }

    private final SimCluster cluster;
    private final ServerSocket server;
    private final String key;
    private volatile boolean closed;

    ControlServer(SimCluster cluster, int port, String key) throws IOException {
        this.cluster = cluster;
        this.key = key;
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 200);
        Thread t = new Thread(this::acceptLoop, "pictl-sim-control");
        t.setDaemon(true);
        t.start();
    }

    int port() { return server.getLocalPort(); }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = server.accept();
                cluster.pool().execute(() -> handle(s));
            } catch (IOException e) {
                if (closed) return;
            }
        }
    }

    private void handle(Socket s) {
        try (s) {
            InputStream in = new java.io.BufferedInputStream(s.getInputStream());
            Request req = new Request();
            String line;
            boolean complete = false;
            boolean raw = false;
            while ((line = readLine(in)) != null) {
                int sp = line.indexOf(' ');
                String k = sp < 0 ? line : line.substring(0, sp);
                String v = sp < 0 ? "" : line.substring(sp + 1);
                switch (k) {
                    case "node" -> req.node = v;
                    case "uid" -> req.uid = Integer.parseInt(v.trim());
                    case "cwd" -> req.cwd = Path.of(decode(v));
                    case "arg" -> req.args.add(decode(v));
                    case "cwdr" -> req.cwd = Path.of(rawValue(in, v));
                    case "argr" -> req.args.add(rawValue(in, v));
                    case "reply" -> raw = v.trim().equals("raw");
                    case "stdin" -> req.stdin = Base64.getDecoder().decode(v.trim());
                    case "key" -> req.key = v.trim();
                    case "end" -> complete = true;
                    default -> { }
                }
                if (complete) break;
            }
            if (!complete) return;
            // Whatever was buffered past "end" is not expected; the raw stream is used for liveness checks.
            Reply reply = new Reply(s, in, raw);
            int code;
            try {
                code = dispatch(req, reply);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                reply.err("pictl-sim: internal error: " + e + "\n");
                code = 70;
            }
            if (code >= 0) reply.exit(code);
        } catch (IOException e) {
            // caller went away
        }
    }

    /** One request line (up to LF, without it; bytes as UTF-8), or null at the end of the stream. */
    private static String readLine(InputStream in) throws IOException {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') b.write(c);
        return c < 0 && b.size() == 0 ? null : b.toString(StandardCharsets.UTF_8);
    }

    /** The LEN raw bytes after a {@code cwdr LEN} / {@code argr LEN} line, and the newline that ends them. */
    private static String rawValue(InputStream in, String len) throws IOException {
        int n = Integer.parseInt(len.trim());
        if (n < 0 || n > (1 << 24)) throw new IOException("bad length " + n);
        byte[] bytes = in.readNBytes(n);
        if (bytes.length < n) throw new IOException("request cut short");
        if (in.read() != '\n') throw new IOException("no newline after a raw value");
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static String decode(String b64) {
        return new String(Base64.getDecoder().decode(b64.trim()), StandardCharsets.UTF_8);
    }

    private int dispatch(Request req, Reply reply) throws InterruptedException {
        if (req.args.isEmpty()) { reply.err("pictl-sim: empty request\n"); return 2; }
        String verb = req.args.get(0);
        List<String> rest = req.args.subList(1, req.args.size());
        if (verb.equals("admin")) {
            if (key == null || !key.equals(req.key)) { reply.err("pictl-sim: admin request without the right key\n"); return 77; }
            return cluster.admin(rest, req.stdin, reply);
        }
        SimNode node = cluster.node(req.node);
        if (node == null) { reply.err("pictl-sim: unknown node " + req.node + "\n"); return 2; }
        boolean root = req.uid == 0;
        return switch (verb) {
            case "systemctl" -> node.units.systemctl(rest, root, reply, reply::gone);
            case "journalctl" -> node.units.journalctl(rest, reply);
            case "reboot", "poweroff", "halt" -> power(node, verb, rest, root, reply);
            case "shutdown" -> shutdown(node, rest, root, reply);
            case "kubectl" -> kubectl(node, req, rest, reply);
            case "net-connect" -> cluster.trouble().netConnect(node, rest, reply);
            case "apt-event" -> AptSim.event(node, rest); // issue 15: the apt stand-in's upgrades in the event log
            case "etcd-snapshot", "cluster-reset" -> snapshots(node, verb, rest, root, reply);
            case "etcd-http" -> cluster.etcd().http(node, rest, reply);
            default -> { reply.err("pictl-sim: unknown request " + verb + "\n"); yield 2; }
        };
    }

    /** {@code k3s etcd-snapshot ...} and {@code k3s server --cluster-reset ...} (issue 14, {@link Snapshots}). */
    private static int snapshots(SimNode node, String verb, List<String> args, boolean root, Reply reply) {
        try {
            return verb.equals("etcd-snapshot") ? Snapshots.etcdSnapshot(node, args, root, reply)
                    : Snapshots.clusterReset(node, args, root, reply);
        } catch (IOException | RuntimeException e) {
            reply.err(K3sRuntime.logLine("fatal", "Error: " + e.getMessage()) + "\n");
            return 1;
        }
    }

    private int power(SimNode node, String verb, List<String> args, boolean root, Reply reply) {
        if (args.contains("--help")) { reply.out(verb + " [OPTIONS...]\n"); return 0; }
        if (!root) {
            reply.err("Call to " + (verb.equals("reboot") ? "Reboot" : "PowerOff") + " failed: Interactive authentication required.\n");
            return 1;
        }
        if (verb.equals("reboot")) node.rebootNow(); else node.powerOffNow();
        return -1;
    }

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private int shutdown(SimNode node, List<String> args, boolean root, Reply reply) {
        boolean reboot = false, cancel = false;
        String when = null;
        for (String a : args) {
            switch (a) {
                case "-r", "--reboot" -> reboot = true;
                case "-h", "-P", "--poweroff", "-H", "--halt" -> reboot = false;
                case "-c" -> cancel = true;
                case "-k", "--no-wall", "-q" -> { }
                default -> { if (when == null && !a.startsWith("-")) when = a; }
            }
        }
        if (!root) {
            reply.err("Failed to set wall message, ignoring: Interactive authentication required.\nCall to " + (reboot ? "Reboot" : "PowerOff")
                    + " failed: Interactive authentication required.\n");
            return 1;
        }
        if (cancel) { cluster.cancelShutdown(node); return 0; }
        long minutes;
        if (when == null) minutes = 1;
        else if (when.equals("now") || when.equals("+0")) minutes = 0;
        else if (when.startsWith("+")) minutes = Long.parseLong(when.substring(1));
        else minutes = 1;
        if (minutes == 0) {
            if (reboot) node.rebootNow(); else node.powerOffNow();
            return -1;
        }
        Instant at = Instant.now().plus(Duration.ofMinutes(minutes));
        boolean r = reboot;
        ScheduledFuture<?> f = cluster.scheduler().schedule(() -> { if (r) node.rebootNow(); else node.powerOffNow(); }, minutes, TimeUnit.MINUTES);
        cluster.scheduleShutdown(node, f);
        reply.err((reboot ? "Reboot" : "Shutdown") + " scheduled for " + WHEN.format(at) + ", use 'shutdown -c' to cancel.\n");
        return 0;
    }

    private int kubectl(SimNode node, Request req, List<String> args, Reply reply) {
        String kubeconfig = "/etc/rancher/k3s/k3s.yaml";
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals("--kubeconfig") && i + 1 < args.size()) kubeconfig = args.get(i + 1);
            else if (args.get(i).startsWith("--kubeconfig=")) kubeconfig = args.get(i).substring(13);
        }
        String r = node.root().toString();
        Path kc = kubeconfig.startsWith(r) ? Path.of(kubeconfig) : node.root().resolve(kubeconfig.replaceFirst("^/", ""));
        boolean onlyLocal = args.size() >= 1 && args.get(0).equals("version") && args.contains("--client");
        if (onlyLocal) { reply.out("Client Version: v1.31.4+k3s1\nKustomize Version: v5.4.2\n"); return 0; }
        if (!Files.isRegularFile(kc)) {
            reply.err("The connection to the server localhost:8080 was refused - did you specify the right host or port?\n");
            return 1;
        }
        if (req.uid != 0) {
            try {
                Set<PosixFilePermission> p = Files.getPosixFilePermissions(kc);
                if (!p.contains(PosixFilePermission.OTHERS_READ)) {
                    reply.err("WARN[0000] Unable to read " + kubeconfig + ", please start server with --write-kubeconfig-mode or --write-kubeconfig-group to modify kube config permissions \n"
                            + "error: error loading config file \"" + kubeconfig + "\": open " + kubeconfig + ": permission denied\n");
                    return 1;
                }
            } catch (IOException e) {
                return 1;
            }
        }
        KubeApi api = node.units.state("k3s.service") == Units.State.ACTIVE ? cluster.kubeApi(node, false) : null;
        if (api == null) {
            reply.err("The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?\n");
            return 1;
        }
        if (cluster.etcd().noQuorum(node)) {
            reply.err("Error from server: etcdserver: request timed out\n");
            return 1;
        }
        cluster.reconcileRegistrations(node.name(), api);
        List<String> clean = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals("--kubeconfig")) { i++; continue; }
            if (args.get(i).startsWith("--kubeconfig=")) continue;
            clean.add(args.get(i));
        }
        int rc = Kubectl.run(api, clean, req.stdin, req.cwd, reply, reply::gone);
        cluster.etcd().reconcile(api);
        return rc;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
    }
}
