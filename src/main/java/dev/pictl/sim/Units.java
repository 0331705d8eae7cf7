package dev.pictl.sim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * systemd and the journal of one node: unit states, enablement (the real {@code multi-user.target.wants}
 * symlinks under the node root), {@code systemctl} and {@code journalctl}.
 *
 * <p>Units whose ExecStart runs {@code .../k3s} behave like k3s's {@code Type=notify, Restart=always,
 * RestartSec=5s} units:
 *
 * <pre>
 *   start ──▶ activating (start) ──k3s up──▶ active (running)
 *                   │  ▲ agent waiting for its server: stays here, retrying
 *             fatal │  └──────────── RestartSec ───────────┐
 *                   ▼                                        │
 *           activating (auto-restart) ───────────────────────┘   (never "failed")
 * </pre>
 *
 * A blocking {@code systemctl start/restart} returns only when the unit is active (0), when someone stops
 * it ({@code Job for k3s.service canceled.}, 1), or when the caller goes away. Other units (docker,
 * containerd, anything pictl writes) become active at once; their ExecStart is not run.
 */
final class Units {

    enum State { INACTIVE, ACTIVATING, ACTIVE }

    static final class Unit {
        final String name;
        State state = State.INACTIVE;
        String sub = "dead";
        String result = "success";
        int restarts;
        int pid;
        Instant since = Instant.now();
        ScheduledFuture<?> pending;
        String loaded;
        /** For an active k3s agent: the server node it joined, and what it registered. */
        String joinedServer;
        dev.pictl.sim.kube.KubeApi.NodeRec registration;

        Unit(String name) { this.name = name; }
    }

    record Entry(Instant time, String bootId, String unit, String ident, int pid, String message) {}

    private static final DateTimeFormatter JTIME = DateTimeFormatter.ofPattern("MMM dd HH:mm:ss", Locale.ENGLISH).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter SINCE = DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private final SimNode node;
    private final Map<String, Unit> units = new LinkedHashMap<>();
    private final List<Entry> journal = new ArrayList<>();
    private boolean closed;

    Units(SimNode node) { this.node = node; }

    // --------------------------------------------------------------- model

    private Path root() { return node.root(); }

    /** "k3s" → "k3s.service"; "/etc/systemd/system/k3s.service" (with or without the node root) → "k3s.service". */
    String canonical(String arg) {
        String s = arg;
        String r = root().toString();
        if (s.startsWith(r)) s = s.substring(r.length());
        int slash = s.lastIndexOf('/');
        if (slash >= 0) s = s.substring(slash + 1);
        if (!s.contains(".")) s += ".service";
        return s;
    }

    Path unitFile(String u) {
        for (String d : List.of("etc/systemd/system", "usr/lib/systemd/system")) {
            Path p = root().resolve(d).resolve(u);
            if (Files.isRegularFile(p)) return p;
        }
        return null;
    }

    private static boolean builtin(String u) { return u.equals("ssh.service") || u.equals("sshd.service") || u.equals("systemd-journald.service"); }

    boolean exists(String u) { return builtin(u) || unitFile(u) != null; }

    private Path wantsLink(String u) { return root().resolve("etc/systemd/system/multi-user.target.wants").resolve(u); }

    boolean enabled(String u) { return builtin(u) || Files.exists(wantsLink(u), LinkOption.NOFOLLOW_LINKS); }

    private synchronized Unit unit(String u) { return units.computeIfAbsent(u, Unit::new); }

    /** The unit file as systemd has it loaded (changes on disk need daemon-reload). */
    synchronized String loadedContent(String u) {
        Unit x = unit(u);
        Path f = unitFile(u);
        if (x.loaded == null && f != null) {
            try { x.loaded = Files.readString(f); } catch (IOException e) { return null; }
        }
        return x.loaded;
    }

    private synchronized boolean changedOnDisk(String u) {
        Unit x = units.get(u);
        Path f = unitFile(u);
        if (x == null || x.loaded == null || f == null) return false;
        try { return !Files.readString(f).equals(x.loaded); } catch (IOException e) { return false; }
    }

    static List<String> execStart(String content) {
        if (content == null) return List.of();
        String joined = content.replace("\\\n", " ");
        for (String line : joined.split("\n")) {
            String l = line.trim();
            if (l.startsWith("ExecStart=")) {
                String cmd = l.substring(10).trim();
                while (!cmd.isEmpty() && "-@+!:".indexOf(cmd.charAt(0)) >= 0) cmd = cmd.substring(1);
                return shellWords(cmd);
            }
        }
        return List.of();
    }

    static List<String> shellWords(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean in = false;
        char q = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (q != 0) {
                if (c == q) q = 0;
                else if (c == '\\' && q == '"' && i + 1 < s.length()) cur.append(s.charAt(++i));
                else cur.append(c);
            } else if (c == '\'' || c == '"') { q = c; in = true; }
            else if (Character.isWhitespace(c)) { if (in) { out.add(cur.toString()); cur.setLength(0); in = false; } }
            else if (c == '\\' && i + 1 < s.length()) { cur.append(s.charAt(++i)); in = true; }
            else { cur.append(c); in = true; }
        }
        if (in) out.add(cur.toString());
        return out;
    }

    boolean isK3s(String u) {
        List<String> ex = execStart(loadedContent(u));
        return !ex.isEmpty() && (ex.get(0).endsWith("/k3s") || ex.get(0).equals("k3s"));
    }

    synchronized State state(String u) { Unit x = units.get(u); return x == null ? State.INACTIVE : x.state; }

    synchronized Unit snapshot(String u) { return units.get(u); }

    /** "active (running)", "activating (auto-restart)", "inactive (dead)". */
    synchronized String stateText(String u) {
        String c = canonical(u);
        if (builtin(c)) return node.isUp() ? "active (running)" : "inactive (dead)";
        Unit x = units.get(c);
        if (x == null) return "inactive (dead)";
        return word(x.state) + " (" + x.sub + ")";
    }

    private static String word(State s) {
        return switch (s) { case ACTIVE -> "active"; case ACTIVATING -> "activating"; case INACTIVE -> "inactive"; };
    }

    // ------------------------------------------------------------ journal

    synchronized void log(String unit, String ident, int pid, String message) {
        journal.add(new Entry(Instant.now(), node.bootId(), unit, ident, pid, message));
        if (journal.size() > 20000) journal.subList(0, 5000).clear();
    }

    private String hostname() {
        try { return Files.readString(root().resolve("proc/sys/kernel/hostname")).trim(); } catch (IOException e) { return "raspberrypi"; }
    }

    // ---------------------------------------------------------- lifecycle

    synchronized void boot() {
        for (Unit x : units.values()) {
            if (x.pending != null) x.pending.cancel(false);
            x.pending = null;
            x.state = State.INACTIVE;
            x.sub = "dead";
            x.loaded = null;
            x.joinedServer = null;
            x.restarts = 0;
            x.result = "success";
        }
        closed = false;
    }

    /** Power loss or reboot: everything stops at once, without journal lines (the journal was not flushed). */
    synchronized void powerLoss() {
        for (Unit x : units.values()) {
            if (x.pending != null) x.pending.cancel(false);
            x.pending = null;
            x.state = State.INACTIVE;
            x.sub = "dead";
            x.joinedServer = null;
        }
        notifyAll();
    }

    synchronized void close() {
        closed = true;
        powerLoss();
    }

    /** At boot: start the enabled units (docker before k3s, as their After= lines order them). */
    void startEnabled() {
        List<String> names = new ArrayList<>();
        for (String d : List.of("etc/systemd/system/multi-user.target.wants")) {
            try (var ds = Files.newDirectoryStream(root().resolve(d))) {
                for (Path p : ds) names.add(p.getFileName().toString());
            } catch (IOException e) {
                // none
            }
        }
        names.sort((a, b) -> Boolean.compare(a.startsWith("k3s"), b.startsWith("k3s")));
        for (String u : names) if (exists(u)) start(u, false);
    }

    synchronized void start(String u, boolean quietIfActive) {
        if (closed) return;
        Unit x = unit(u);
        if (x.state != State.INACTIVE) return;
        x.loaded = null;
        loadedContent(u);
        x.since = Instant.now();
        x.result = "success";
        String desc = description(u);
        log(u, "systemd", 1, "Starting " + u + (desc.isEmpty() ? "" : " - " + desc) + "...");
        if (!isK3s(u)) {
            x.state = State.ACTIVE;
            x.sub = "running";
            x.pid = ThreadLocalRandom.current().nextInt(300, 30000);
            log(u, "systemd", 1, "Started " + u + (desc.isEmpty() ? "" : " - " + desc) + ".");
            notifyAll();
            return;
        }
        x.state = State.ACTIVATING;
        x.sub = "start";
        x.pid = ThreadLocalRandom.current().nextInt(300, 30000);
        x.pending = node.cluster().scheduler().schedule(() -> attempt(u), node.cluster().spec().k3sStartDelayMillis(), TimeUnit.MILLISECONDS);
    }

    String description(String u) {
        String c = loadedContent(u);
        if (c == null) return "";
        for (String l : c.split("\n")) if (l.startsWith("Description=")) return l.substring(12).trim();
        return "";
    }

    /** One try of a k3s unit's main process. */
    private void attempt(String u) {
        K3sRuntime.Outcome o;
        synchronized (this) {
            Unit x = units.get(u);
            if (x == null || x.state != State.ACTIVATING || closed) return;
        }
        try {
            o = node.cluster().k3s().tryStart(node, u, loadedContent(u));
        } catch (RuntimeException e) {
            o = K3sRuntime.Outcome.fatal(1, List.of(K3sRuntime.logLine("fatal", "Error: " + e)));
        }
        String role = u.startsWith("k3s-agent") ? "k3s-agent" : u.replace(".service", "");
        synchronized (this) {
            Unit x = units.get(u);
            if (x == null || x.state != State.ACTIVATING || closed) return;
            for (String line : o.lines()) log(u, o.ident(), x.pid, line);
            switch (o.kind()) {
                case OK -> {
                    x.state = State.ACTIVE;
                    x.sub = "running";
                    x.since = Instant.now();
                    x.joinedServer = o.joinedServer();
                    x.registration = o.registration();
                    log(u, "systemd", 1, "Started " + u + " - " + description(u) + ".");
                    node.cluster().event(node.name(), role + (x.restarts > 0 ? " started (after " + x.restarts + " restarts)" : " started") + " on " + node.name());
                    notifyAll();
                }
                case RETRY -> x.pending = node.cluster().scheduler().schedule(() -> attempt(u), 2, TimeUnit.SECONDS);
                case FATAL, EXEC -> {
                    String status = o.kind() == K3sRuntime.Kind.EXEC ? o.status() + "/EXEC" : o.status() + "/FAILURE";
                    log(u, "systemd", 1, u + ": Main process exited, code=exited, status=" + status);
                    log(u, "systemd", 1, u + ": Failed with result 'exit-code'.");
                    log(u, "systemd", 1, "Failed to start " + u + " - " + description(u) + ".");
                    x.sub = "auto-restart";
                    x.result = "exit-code";
                    x.since = Instant.now();
                    if (x.restarts == 0) node.cluster().event(node.name(), role + " failed on " + node.name() + ": " + o.summary());
                    x.pending = node.cluster().scheduler().schedule(() -> restartTick(u), node.cluster().spec().k3sRestartMillis(), TimeUnit.MILLISECONDS);
                }
            }
        }
    }

    private synchronized void restartTick(String u) {
        Unit x = units.get(u);
        if (x == null || x.state != State.ACTIVATING || closed) return;
        x.restarts++;
        log(u, "systemd", 1, u + ": Scheduled restart job, restart counter is at " + x.restarts + ".");
        log(u, "systemd", 1, "Stopped " + u + " - " + description(u) + ".");
        log(u, "systemd", 1, "Starting " + u + " - " + description(u) + "...");
        x.sub = "start";
        x.pid = ThreadLocalRandom.current().nextInt(300, 30000);
        x.pending = node.cluster().scheduler().schedule(() -> attempt(u), node.cluster().spec().k3sStartDelayMillis(), TimeUnit.MILLISECONDS);
    }

    synchronized boolean stop(String u) {
        Unit x = units.get(u);
        if (x == null || x.state == State.INACTIVE) return false;
        if (x.pending != null) x.pending.cancel(false);
        x.pending = null;
        String desc = description(u);
        log(u, "systemd", 1, "Stopping " + u + (desc.isEmpty() ? "" : " - " + desc) + "...");
        log(u, "systemd", 1, u + ": Deactivated successfully.");
        log(u, "systemd", 1, "Stopped " + u + (desc.isEmpty() ? "" : " - " + desc) + ".");
        x.state = State.INACTIVE;
        x.sub = "dead";
        x.since = Instant.now();
        x.joinedServer = null;
        if (isK3s(u)) node.cluster().event(node.name(), u.replace(".service", "") + " stopped on " + node.name());
        notifyAll();
        return true;
    }

    /** Waits for a started unit: 0 when active, 1 when its job was canceled, -1 when the caller went away. */
    int awaitActive(String u, java.util.function.BooleanSupplier gone) throws InterruptedException {
        synchronized (this) {
            while (true) {
                Unit x = units.get(u);
                if (x == null || x.state == State.INACTIVE) return 1;
                if (x.state == State.ACTIVE) return 0;
                wait(200);
                if (gone.getAsBoolean()) return -1;
            }
        }
    }

    // ------------------------------------------------------------ systemctl

    interface Out {
        void out(String s);
        void err(String s);
    }

    int systemctl(List<String> args, boolean root, Out o, java.util.function.BooleanSupplier gone) throws InterruptedException {
        boolean noBlock = false, quiet = false, now = false, value = false, all = false;
        List<String> props = new ArrayList<>();
        List<String> pos = new ArrayList<>();
        int lines = 10;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--no-block" -> noBlock = true;
                case "-q", "--quiet" -> quiet = true;
                case "--now" -> now = true;
                case "--value" -> value = true;
                case "-a", "--all" -> all = true;
                case "--no-pager", "-l", "--full", "--no-legend", "--no-ask-password", "--system", "-f", "--force" -> { }
                case "-p", "--property" -> { if (i + 1 < args.size()) props.addAll(List.of(args.get(++i).split(","))); }
                case "-n", "--lines" -> { if (i + 1 < args.size()) lines = parseInt(args.get(++i), 10); }
                default -> {
                    if (a.startsWith("--property=")) props.addAll(List.of(a.substring(11).split(",")));
                    else if (a.startsWith("-p") && a.length() > 2) props.addAll(List.of(a.substring(2).split(",")));
                    else if (a.startsWith("--lines=")) lines = parseInt(a.substring(8), 10);
                    else if (a.startsWith("-n") && a.length() > 2) lines = parseInt(a.substring(2), 10);
                    else if (a.startsWith("-")) { o.err("systemctl: unrecognized option '" + a + "'\n"); return 1; }
                    else pos.add(a);
                }
            }
        }
        if (pos.isEmpty()) { o.err("pictl simulator: systemctl needs a command\n"); return 1; }
        String verb = pos.remove(0);
        List<String> names = new ArrayList<>();
        for (String p : pos) names.add(canonical(p));
        switch (verb) {
            case "daemon-reload", "daemon-reexec" -> {
                if (!root) { o.err("Failed to reload daemon: Access denied\n"); return 1; }
                synchronized (this) { for (Unit x : units.values()) x.loaded = null; }
                return 0;
            }
            case "reset-failed" -> { return root ? 0 : accessDenied(o, "reset failed state", names); }
            case "start", "restart", "try-restart", "reload-or-restart" -> {
                if (names.isEmpty()) { o.err("Too few arguments.\n"); return 1; }
                if (!root) return interactive(o, verb, names.get(0));
                for (String u : names) {
                    if (!exists(u)) { o.err("Failed to " + verb + " " + u + ": Unit " + u + " not found.\n"); return 5; }
                }
                for (String u : names) {
                    if (changedOnDisk(u)) o.err("Warning: The unit file, source configuration file or drop-ins of " + u + " changed on disk. Run 'systemctl daemon-reload' to reload units.\n");
                    if (!verb.equals("start")) {
                        boolean wasActive = state(u) != State.INACTIVE;
                        if (verb.equals("try-restart") && !wasActive) continue;
                        stop(u);
                        if (isK3s(u) && wasActive) node.cluster().event(node.name(), u.replace(".service", "") + " restarted on " + node.name());
                    }
                    start(u, true);
                }
                if (noBlock) return 0;
                for (String u : names) {
                    int r = awaitActive(u, gone);
                    if (r < 0) return -1;
                    if (r == 1) { o.err("Job for " + u + " canceled.\n"); return 1; }
                }
                return 0;
            }
            case "stop" -> {
                if (!root) return interactive(o, verb, names.isEmpty() ? "" : names.get(0));
                for (String u : names) {
                    if (!exists(u) && state(u) == State.INACTIVE) { o.err("Failed to stop " + u + ": Unit " + u + " not loaded.\n"); return 5; }
                    if (stop(u) && u.equals("k3s.service") && isK3s(u)) node.cluster().trouble().serverStopped(node);
                }
                return 0;
            }
            case "enable", "disable" -> {
                if (!root) { o.err("Failed to " + verb + " unit: Access denied\n"); return 1; }
                for (String u : names) {
                    if (!exists(u)) { o.err("Failed to " + verb + " unit: Unit file " + u + " does not exist.\n"); return 1; }
                    Path link = wantsLink(u);
                    try {
                        if (verb.equals("enable") && !Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
                            Files.createDirectories(link.getParent());
                            String target = "/" + root().relativize(unitFile(u));
                            Files.createSymbolicLink(link, Path.of(target));
                            o.err("Created symlink /etc/systemd/system/multi-user.target.wants/" + u + " → " + target + ".\n");
                        } else if (verb.equals("disable") && Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
                            Files.delete(link);
                            o.err("Removed \"/etc/systemd/system/multi-user.target.wants/" + u + "\".\n");
                        }
                    } catch (IOException e) {
                        o.err("Failed to " + verb + " unit: " + e.getMessage() + "\n");
                        return 1;
                    }
                    if (now && verb.equals("enable")) start(u, true);
                    if (now && verb.equals("disable")) stop(u);
                }
                if (now && verb.equals("enable") && !noBlock) {
                    for (String u : names) { int r = awaitActive(u, gone); if (r < 0) return -1; if (r == 1) { o.err("Job for " + u + " canceled.\n"); return 1; } }
                }
                return 0;
            }
            case "is-system-running" -> {
                // systemd: "running" (exit 0), "stopping" during a shutdown (exit 1). No unit ever ends "failed"
                // here (they auto-restart), so never "degraded".
                String w = node.systemState();
                if (!quiet) o.out(w + "\n");
                return w.equals("running") ? 0 : 1;
            }
            case "is-active" -> {
                int rc = 0;
                StringBuilder b = new StringBuilder();
                for (String u : names) {
                    String w = builtin(u) ? "active" : word(state(u));
                    if (!w.equals("active")) rc = 3;
                    b.append(w).append('\n');
                }
                if (!quiet) o.out(b.toString());
                return rc;
            }
            case "is-enabled" -> {
                int rc = 0;
                StringBuilder b = new StringBuilder();
                for (String u : names) {
                    if (!exists(u)) { o.err("Failed to get unit file state for " + u + ": No such file or directory\n"); rc = 1; continue; }
                    boolean en = enabled(u);
                    if (!en) rc = 1;
                    b.append(en ? "enabled" : "disabled").append('\n');
                }
                if (!quiet) o.out(b.toString());
                return rc;
            }
            case "is-failed" -> {
                if (!quiet) { StringBuilder b = new StringBuilder(); for (String u : names) b.append(word(state(u))).append('\n'); o.out(b.toString()); }
                return 1;
            }
            case "status" -> { return status(names, lines, o); }
            case "show" -> { return show(names, props, value, o); }
            case "cat" -> {
                int rc = 0;
                for (String u : names) {
                    Path f = unitFile(u);
                    if (f == null) { o.err("No files found for " + u + ".\n"); rc = 1; continue; }
                    try { o.out("# /" + root().relativize(f) + "\n" + Files.readString(f)); } catch (IOException e) { rc = 1; }
                }
                return rc;
            }
            case "reboot", "poweroff", "halt" -> {
                if (!root) { o.err("Call to " + (verb.equals("reboot") ? "Reboot" : "PowerOff") + " failed: Interactive authentication required.\n"); return 1; }
                if (verb.equals("reboot")) node.rebootNow(); else node.powerOffNow();
                return -1;
            }
            case "list-units", "list-unit-files" -> {
                StringBuilder b = new StringBuilder("  UNIT                 LOAD   ACTIVE SUB     DESCRIPTION\n");
                synchronized (this) {
                    for (Unit x : units.values()) if (all || x.state != State.INACTIVE) b.append(String.format(Locale.ROOT, "  %-20s loaded %-6s %-7s %s%n", x.name, word(x.state), x.sub, description(x.name)));
                }
                o.out(b.toString());
                return 0;
            }
            default -> { o.err("Unknown command verb " + verb + ".\n"); return 1; }
        }
    }

    private static int parseInt(String s, int def) { try { return Integer.parseInt(s); } catch (NumberFormatException e) { return def; } }

    private static int interactive(Out o, String verb, String u) {
        o.err("Failed to " + verb + " " + u + ": Interactive authentication required.\nSee system logs and 'systemctl status " + u + "' for details.\n");
        return 1;
    }

    private static int accessDenied(Out o, String what, List<String> names) {
        o.err("Failed to " + what + ": Access denied\n");
        return 1;
    }

    private int status(List<String> names, int lines, Out o) {
        int rc = 0;
        StringBuilder b = new StringBuilder();
        for (String u : names) {
            if (!exists(u)) { o.err("Unit " + u + " could not be found.\n"); rc = 4; continue; }
            Unit x = snapshot(u);
            State s = x == null ? State.INACTIVE : x.state;
            String sub = x == null ? "dead" : x.sub;
            if (builtin(u)) { s = State.ACTIVE; sub = "running"; }
            if (s != State.ACTIVE && rc == 0) rc = 3;
            String desc = builtin(u) ? "OpenBSD Secure Shell server" : description(u);
            Path f = unitFile(u);
            b.append(s == State.ACTIVE ? "● " : "○ ").append(u).append(desc.isEmpty() ? "" : " - " + desc).append('\n');
            b.append("     Loaded: loaded (").append(f == null ? "/lib/systemd/system/" + u : "/" + root().relativize(f))
                    .append("; ").append(enabled(u) ? "enabled" : "disabled").append("; preset: enabled)\n");
            Instant since = x == null ? Instant.now() : x.since;
            b.append("     Active: ").append(word(s)).append(" (").append(sub).append(")");
            if (x != null && "auto-restart".equals(sub)) b.append(" (Result: exit-code)");
            if (x != null) b.append(" since ").append(SINCE.format(since)).append("; ").append(ago(since));
            b.append('\n');
            if (isK3s(u)) b.append("       Docs: https://k3s.io\n");
            if (s == State.ACTIVE && x != null) {
                b.append("   Main PID: ").append(x.pid).append(" (").append(isK3s(u) ? (u.startsWith("k3s-agent") ? "k3s-agent" : "k3s-server") : u.replace(".service", "")).append(")\n");
                b.append("      Tasks: 42\n     Memory: 412.6M\n        CPU: 1min 12.409s\n");
                b.append("     CGroup: /system.slice/").append(u).append('\n');
            }
            List<Entry> tail = tail(List.of(u), lines, false);
            if (!tail.isEmpty()) {
                b.append('\n');
                for (Entry e : tail) b.append(format(e)).append('\n');
            }
            b.append('\n');
        }
        String text = b.toString();
        if (text.endsWith("\n\n")) text = text.substring(0, text.length() - 1);
        o.out(text);
        return rc;
    }

    private static String ago(Instant since) {
        long s = Duration.between(since, Instant.now()).getSeconds();
        if (s < 60) return s + "s ago";
        if (s < 3600) return (s / 60) + "min ago";
        return (s / 3600) + "h " + ((s % 3600) / 60) + "min ago";
    }

    private int show(List<String> names, List<String> props, boolean value, Out o) {
        if (names.isEmpty()) names = List.of("systemd");
        StringBuilder b = new StringBuilder();
        boolean firstUnit = true;
        for (String u : names) {
            if (!firstUnit) b.append('\n');
            firstUnit = false;
            Unit x = snapshot(u);
            State s = builtin(u) ? State.ACTIVE : x == null ? State.INACTIVE : x.state;
            String sub = builtin(u) ? "running" : x == null ? "dead" : x.sub;
            Path f = unitFile(u);
            Map<String, String> p = new LinkedHashMap<>();
            p.put("Type", isK3s(u) ? "notify" : "simple");
            p.put("Restart", isK3s(u) ? "always" : "no");
            p.put("MainPID", s == State.ACTIVE && x != null ? String.valueOf(x.pid) : "0");
            p.put("Result", x == null ? "success" : x.result);
            p.put("NRestarts", String.valueOf(x == null ? 0 : x.restarts));
            p.put("ExecMainStatus", x != null && "exit-code".equals(x.result) && s != State.ACTIVE ? "1" : "0");
            p.put("Id", u);
            p.put("Description", exists(u) ? description(u) : u);
            p.put("LoadState", exists(u) ? "loaded" : "not-found");
            p.put("ActiveState", word(s));
            p.put("SubState", sub);
            p.put("FragmentPath", f == null ? "" : "/" + root().relativize(f));
            p.put("UnitFileState", exists(u) ? (enabled(u) ? "enabled" : "disabled") : "");
            p.put("ActiveEnterTimestamp", s == State.ACTIVE && x != null ? SINCE.format(x.since) : "");
            for (Map.Entry<String, String> e : p.entrySet()) {
                if (!props.isEmpty() && !props.contains(e.getKey())) continue;
                b.append(value ? "" : e.getKey() + "=").append(e.getValue()).append('\n');
            }
        }
        o.out(b.toString());
        return 0;
    }

    // ----------------------------------------------------------- journalctl

    int journalctl(List<String> args, Out o) {
        List<String> wanted = new ArrayList<>();
        int n = -1;
        boolean thisBoot = false, cat = false, quiet = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("-u") || a.equals("--unit")) { if (i + 1 < args.size()) wanted.add(canonical(args.get(++i))); }
            else if (a.startsWith("--unit=")) wanted.add(canonical(a.substring(7)));
            else if (a.startsWith("-u") && a.length() > 2) wanted.add(canonical(a.substring(2)));
            else if (a.equals("-n") || a.equals("--lines")) { if (i + 1 < args.size()) n = parseInt(args.get(++i), 10); }
            else if (a.startsWith("--lines=")) n = parseInt(a.substring(8), 10);
            else if (a.startsWith("-n") && a.length() > 2) n = parseInt(a.substring(2), 10);
            else if (a.equals("-b") || a.equals("--boot") || a.equals("-b0")) thisBoot = true;
            else if (a.equals("-o") || a.equals("--output")) { if (i + 1 < args.size()) cat = args.get(++i).equals("cat"); }
            else if (a.equals("-ocat") || a.equals("--output=cat")) cat = true;
            else if (a.equals("-q") || a.equals("--quiet")) quiet = true;
            else if (a.equals("--no-pager") || a.equals("-e") || a.equals("--pager-end") || a.equals("-x") || a.equals("--catalog") || a.equals("--no-hostname")) { }
            else if (a.equals("-f") || a.equals("--follow")) { o.err("pictl simulator: journalctl --follow is not simulated\n"); return 1; }
        }
        List<Entry> es = tail(wanted, n, thisBoot);
        if (es.isEmpty()) {
            if (!quiet) o.out("-- No entries --\n");
            return 0;
        }
        StringBuilder b = new StringBuilder();
        String lastBoot = null;
        for (Entry e : es) {
            if (!cat && lastBoot != null && !lastBoot.equals(e.bootId())) b.append("-- Boot ").append(e.bootId().replace("-", "")).append(" --\n");
            lastBoot = e.bootId();
            b.append(cat ? e.message() : format(e)).append('\n');
        }
        o.out(b.toString());
        return 0;
    }

    private synchronized List<Entry> tail(List<String> wanted, int n, boolean thisBoot) {
        List<Entry> out = new ArrayList<>();
        String boot = node.bootId();
        for (Entry e : journal) {
            if (!wanted.isEmpty() && !wanted.contains(e.unit())) continue;
            if (thisBoot && !e.bootId().equals(boot)) continue;
            out.add(e);
        }
        if (n >= 0 && out.size() > n) out = new ArrayList<>(out.subList(out.size() - n, out.size()));
        return out;
    }

    private String format(Entry e) {
        return JTIME.format(e.time()) + " " + hostname() + " " + e.ident() + "[" + e.pid() + "]: " + e.message();
    }
}
