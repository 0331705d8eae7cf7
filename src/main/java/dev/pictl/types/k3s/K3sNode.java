package dev.pictl.types.k3s;

import dev.pictl.apply.ApplyContext;
import dev.pictl.apply.ApplyException;
import dev.pictl.plan.ResourceChange;
import dev.pictl.nodetext.KeyValues;
import dev.pictl.nodetext.Shell;
import dev.pictl.nodetext.SimpleYaml;
import dev.pictl.transport.ExecResult;
import dev.pictl.transport.RemoteCommand;
import dev.pictl.transport.TransportException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the server and agent executors do alike on a k3s node, in three round trips (all as root):
 *
 * <pre>
 *   1. look       k3s --version; unit file present?; systemctl is-active UNIT; K3S_URL of the env file
 *                 (read-only: refusals — a token change, a downgrade — happen before anything is written)
 *   2. converge   one script, SIGHUP/SIGPIPE ignored so it finishes even if pictl dies mid-way:
 *                   config.yaml from stdin → config.yaml.pictl-new (0600) → cmp → mv when it differs
 *                   [curl -sfL https://get.k3s.io | INSTALL_K3S_VERSION=V INSTALL_K3S_EXEC=ROLE
 *                        INSTALL_K3S_SKIP_START=true [K3S_URL=URL] sh -]      when the plan needs it
 *                        (its output to config.yaml's directory, tailed on failure: not to the SSH
 *                        channel, where a write after pictl died would stop its `set -e` half-way)
 *                   systemctl daemon-reload; enable UNIT if it is not; systemctl --no-block start|restart UNIT
 *                        when config.yaml or the binary changed or the unit is not active
 *                        (restart when it was active or activating: the script never restarts for
 *                        config.yaml, and with SKIP_START not for a new binary either)
 *   3. poll       until is-active = active with a new MainPID, to k3sStartTimeout; else the journal's tail
 * </pre>
 *
 * <p>Why one converge script: config, binary and restart move together, so an apply killed half-way never leaves
 * a node whose files say "done" while the old k3s process keeps running with the old settings (the next plan
 * would see nothing to do). Why poll instead of a blocking {@code systemctl start}: the unit is
 * {@code Type=notify} with no start timeout and {@code Restart=always}, so a k3s that cannot start never fails —
 * it stays {@code activating (auto-restart)} and a blocking start would hang forever.
 */
final class K3sNode {
    static final String CONFIG = "/etc/rancher/k3s/config.yaml";
    private static final Pattern MSG = Pattern.compile("level=(fatal|error) msg=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private K3sNode() {
    }

    /** What the node has before pictl changes anything. */
    record Look(String version, boolean unitPresent, String active, String envUrl) {
    }

    /** What the converge script did. */
    record Converged(boolean configChanged, boolean installed, String action, String oldPid) {
        boolean started() {
            return !action.equals("none");
        }
    }

    /** The install to run in the converge script. {@code token} (agents) travels on stdin. */
    record Install(String step, String version, String role, String url, String token) {
    }

    static Look look(ApplyContext ctx, String node, String unit) throws ApplyException {
        String script = "echo \"version=$(k3s --version 2>/dev/null | head -n 1 | cut -d ' ' -f 3)\"\n"
                + "if [ -f " + Shell.nodePath("/etc/systemd/system/" + unit + ".service")
                + " ]; then echo unit=present;"
                + " else echo unit=absent; fi\n"
                + "echo \"active=$(systemctl is-active " + unit + " 2>/dev/null)\"\n"
                + "echo \"url=$(sed -n 's/^K3S_URL=//p' "
                + Shell.nodePath("/etc/systemd/system/" + unit + ".service.env")
                + " 2>/dev/null | tr -d \"'\\\"\")\"\n";
        ExecResult r = ctx.check(node, "look at " + unit, script);
        Map<String, String> kv = KeyValues.parse(r.stdout());
        return new Look(blankToNull(kv.get("version")), "present".equals(kv.get("unit")),
                kv.getOrDefault("active", ""), blankToNull(kv.get("url")));
    }

    /**
     * Writes config.yaml (mode 0600; on stdin, never on a command line: it may hold the token), runs the install
     * script when asked (downloaded first, so a failed download is an error rather than an empty script that
     * "succeeds"), and starts or restarts the unit without blocking when anything changed or it is not active.
     */
    static Converged converge(ApplyContext ctx, String node, String unit, Map<String, Object> config,
                              Install install) throws ApplyException {
        return converge(ctx, node, unit, config, null, install);
    }

    /**
     * As above, and registries.yaml with it when {@code registries} is not null (empty: remove the file). Both files
     * travel on stdin, config.yaml first: the script keeps stdin in a 0600 file and cuts it at config.yaml's length
     * ({@code head -c}/{@code tail -c} on a file read exactly; on a pipe {@code head} may read ahead). A change of
     * either restarts k3s, which reads both only when it starts.
     */
    static Converged converge(ApplyContext ctx, String node, String unit, Map<String, Object> config,
                              String registries, Install install) throws ApplyException {
        String yaml = SimpleYaml.write(new TreeMap<>(config));
        int yamlBytes = yaml.getBytes(StandardCharsets.UTF_8).length;
        int regBytes = registries == null ? 0 : registries.getBytes(StandardCharsets.UTF_8).length;
        StringBuilder s = new StringBuilder("trap '' HUP PIPE\n");
        if (install != null && install.token() != null) {
            s.append("IFS= read -r K3S_TOKEN || { echo failed=config; exit 1; }\nexport K3S_TOKEN\n");
        }
        s.append("f=").append(Shell.nodePath(CONFIG)).append("\n")
                .append("mkdir -p \"$(dirname \"$f\")\" || { echo failed=config; exit 1; }\n")
                .append("umask 077\n");
        if (registries == null) {
            s.append("cat > \"$f.pictl-new\" && chmod 600 \"$f.pictl-new\" || { rm -f \"$f.pictl-new\";"
                    + " echo failed=config; exit 1; }\n");
        } else {
            s.append("g=").append(Shell.nodePath(Registries.PATH)).append("\n")
                    .append("cat > \"$f.pictl-in\" && chmod 600 \"$f.pictl-in\" || { rm -f \"$f.pictl-in\";"
                            + " echo failed=config; exit 1; }\n")
                    .append("[ \"$(wc -c < \"$f.pictl-in\")\" -eq ").append(yamlBytes + regBytes)
                    .append(" ] || { rm -f \"$f.pictl-in\"; echo failed=config; echo 'the k3s files arrived incomplete'"
                            + " >&2; exit 1; }\n")
                    .append("head -c ").append(yamlBytes).append(" \"$f.pictl-in\" > \"$f.pictl-new\" && tail -c +")
                    .append(yamlBytes + 1).append(" \"$f.pictl-in\" > \"$g.pictl-new\" && rm -f \"$f.pictl-in\" ||"
                            + " { rm -f \"$f.pictl-in\" \"$f.pictl-new\" \"$g.pictl-new\"; echo failed=config; exit 1; }\n")
                    .append("[ \"$(wc -c < \"$g.pictl-new\")\" -eq ").append(regBytes)
                    .append(" ] || { rm -f \"$f.pictl-new\" \"$g.pictl-new\"; echo failed=config; exit 1; }\n")
                    .append("regchanged=0\n");
            if (regBytes == 0) {
                s.append("rm -f \"$g.pictl-new\"; if [ -e \"$g\" ]; then rm -f \"$g\" || { echo failed=config;"
                        + " exit 1; }; regchanged=1; fi\n");
            } else {
                s.append("if [ -f \"$g\" ] && cmp -s \"$g\" \"$g.pictl-new\"; then rm -f \"$g.pictl-new\";"
                        + " chmod 600 \"$g\"; else mv -f \"$g.pictl-new\" \"$g\" || { echo failed=config; exit 1; };"
                        + " regchanged=1; fi\n");
            }
        }
        s.append("")
                // A connection lost while stdin was on its way ends cat early: never install a truncated file.
                .append("[ \"$(wc -c < \"$f.pictl-new\")\" -eq ").append(yamlBytes)
                .append(" ] || { rm -f \"$f.pictl-new\"; echo failed=config; echo 'config.yaml arrived incomplete'"
                        + " >&2; exit 1; }\n")
                .append("if [ -f \"$f\" ] && cmp -s \"$f\" \"$f.pictl-new\"; then rm -f \"$f.pictl-new\";"
                        + " chmod 600 \"$f\"; changed=0; else mv -f \"$f.pictl-new\" \"$f\" ||"
                        + " { echo failed=config; exit 1; }; changed=1; fi\n")
                .append(registries == null ? "" : "[ $regchanged = 1 ] && changed=1\n")
                .append("echo config=$changed\n")
                .append("installed=0\n");
        if (install != null) {
            s.append("script=$(curl -sfL https://get.k3s.io) || { rc=$?; echo failed=install;"
                    + " echo \"downloading https://get.k3s.io failed (curl exit $rc)\" >&2; exit 1; }\n");
            s.append("printf '%s\\n' \"$script\" | INSTALL_K3S_VERSION=").append(Shell.quote(install.version()))
                    .append(" INSTALL_K3S_EXEC=").append(install.role()).append(" INSTALL_K3S_SKIP_START=true");
            if (install.url() != null) {
                s.append(" K3S_URL=").append(Shell.quote(install.url()));
            }
            // The installer's output goes to a file, not to the SSH channel: its `set -e` would stop it half-way
            // (a unit written but not enabled) at the first write to the channel of a pictl that died meanwhile.
            s.append(" sh - >\"$f.pictl-install-log\" 2>&1 || { rc=$?; echo failed=install;"
                            + " tail -n 40 \"$f.pictl-install-log\" >&2; rm -f \"$f.pictl-install-log\"; exit $rc; }\n")
                    .append("rm -f \"$f.pictl-install-log\"\n")
                    .append("installed=1; echo installed=1\n");
        }
        s.append("p=$(systemctl show -p MainPID --value ").append(unit).append(" 2>/dev/null)\n")
                .append("a=$(systemctl is-active ").append(unit).append(" 2>/dev/null)\n")
                .append("if [ $changed = 1 ] || [ $installed = 1 ] || [ \"$a\" != active ]; then\n")
                .append("  case \"$a\" in active|activating|reloading|deactivating) v=restart ;; *) v=start ;; esac\n")
                .append("  systemctl daemon-reload || { echo failed=start; exit 1; }\n")
                // Enabled as the installer leaves it: an install cut short on an older pictl left it disabled.
                .append("  systemctl is-enabled --quiet ").append(unit).append(" 2>/dev/null || systemctl enable --quiet ")
                .append(unit).append(" || { echo failed=start; exit 1; }\n")
                .append("  systemctl --no-block $v ").append(unit)
                .append(" || { echo failed=start; exit 1; }\n")
                .append("  echo action=$v; echo oldpid=$p\n")
                .append("else echo action=none; fi\n");
        String files = registries == null ? yaml : yaml + registries;
        byte[] in = (install != null && install.token() != null ? install.token() + "\n" + files : files)
                .getBytes(StandardCharsets.UTF_8);
        String step = install != null ? install.step() : "write k3s config";
        ExecResult r = exec(ctx, node, step, s.toString(), in, ctx.options().commandTimeout());
        Map<String, String> kv = KeyValues.parse(r.stdout());
        if (r.exitCode() != 0) {
            // No marker: the script did not get as far as any of its steps (sudo or the shell failed).
            String failed = kv.getOrDefault("failed", "");
            String at = switch (failed) {
                case "install" -> step;
                case "start" -> "start " + unit;
                case "config" -> "write k3s config";
                default -> "configure, install and start " + unit;
            };
            String hint = switch (failed) {
                case "install" -> "the node must reach https://get.k3s.io and github.com to download k3s "
                        + install.version() + "; run the install on the node to see its whole output";
                case "start" -> "see `systemctl status " + unit + "` on " + node;
                case "config" -> "check that " + CONFIG + " is writable by root on " + node;
                default -> "the node-side script stopped before its first step; the output above says why";
            };
            throw new ApplyException(node, at, "command exited " + r.exitCode() + ": " + r.outputTail(5), hint);
        }
        return new Converged("1".equals(kv.get("config")), "1".equals(kv.get("installed")),
                kv.getOrDefault("action", "none"), kv.getOrDefault("oldpid", "0"));
    }

    /**
     * registries.yaml as the change asks for it (see {@link K3sValues#registriesToWrite}), reporting the step; null
     * when pictl does not manage the file. Fails when the credentials are a hash still: the description apply runs
     * with does not give them (a saved plan applied without its variables).
     */
    static String registries(ApplyContext ctx, ResourceChange change, String node, Map<String, Object> mirrors,
                             Object auth) throws ApplyException {
        if (K3sValues.unrevealed(auth)) {
            throw new ApplyException(node, "write " + Registries.PATH, "the plan asks for registry credentials that "
                    + "the description apply runs with does not give", "apply with the variables the plan was made "
                    + "with, or plan again");
        }
        String text = K3sValues.registriesToWrite(mirrors, auth);
        if (text != null) {
            ctx.step(change.address(), (text.isEmpty() ? "remove " : "write ") + Registries.PATH);
        }
        return text;
    }

    static void awaitActive(ApplyContext ctx, String node, String unit, String oldPid, String step)
            throws ApplyException {
        Duration timeout = ctx.options().k3sStartTimeout();
        long seconds = Math.max(1, (timeout.toMillis() + 999) / 1000);
        String old = oldPid == null || oldPid.isBlank() ? "0" : oldPid.strip();
        String script = "u=" + unit + "; end=$(( $(date +%s) + " + seconds + " ))\n"
                + "while :; do\n"
                + "  s=$(systemctl is-active $u 2>/dev/null)\n"
                + "  p=$(systemctl show -p MainPID --value $u 2>/dev/null)\n"
                + "  if [ \"$s\" = active ] && [ \"$p\" != " + Shell.quote(old)
                + " ]; then echo state=active; exit 0; fi\n"
                + "  [ \"$(date +%s)\" -ge \"$end\" ] && break\n"
                + "  sleep 0.5\n"
                + "done\n"
                + "echo \"state=$(systemctl show -p ActiveState --value $u 2>/dev/null)"
                + " ($(systemctl show -p SubState --value $u 2>/dev/null))\"\n"
                + "echo '--journal--'\n"
                + "journalctl -u $u -n 20 --no-pager 2>&1\n"
                + "exit 3\n";
        ExecResult r = ctx.run(node, step, script, true, timeout.plusSeconds(60));
        if (r.exitCode() == 0) {
            return;
        }
        String out = r.stdout();
        int j = out.indexOf("--journal--\n");
        String head = j < 0 ? out : out.substring(0, j);
        String journal = j < 0 ? "" : out.substring(j + "--journal--\n".length()).strip();
        String state = KeyValues.parse(head).getOrDefault("state", "unknown");
        String cause = cause(journal);
        String what = unit + " is not active after " + seconds + "s (" + state + ")"
                + (cause == null ? "" : ": " + cause)
                + "\n  journalctl -u " + unit + " -n 20 --no-pager:\n"
                + (journal.isEmpty() ? "  -- No entries --" : indent(journal));
        throw new ApplyException(node, step, what, hint(cause, unit, node));
    }

    private static final Pattern VERSION = Pattern.compile("v(\\d+)\\.(\\d+)\\.(\\d+)\\+k3s(\\d+)");

    /**
     * The plan refuses downgrades; this is the second line, for a binary that moved since the plan was made (k3s
     * cannot be downgraded: the datastore may already be migrated).
     */
    static void refuseDowngrade(String node, String step, String installed, String wanted) throws ApplyException {
        int[] a = parse(installed);
        int[] b = parse(wanted);
        if (a == null || b == null) {
            return;
        }
        for (int i = 0; i < 4; i++) {
            if (a[i] != b[i]) {
                if (b[i] < a[i]) {
                    throw new ApplyException(node, step, "k3s " + installed + " is installed; it cannot be downgraded "
                            + "to " + wanted, "k3s does not support downgrades: set version = \"" + installed
                            + "\" (or newer) and plan again");
                }
                return;
            }
        }
    }

    private static int[] parse(String v) {
        Matcher m = v == null ? null : VERSION.matcher(v.strip());
        if (m == null || !m.matches()) {
            return null;
        }
        try {
            return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                    Integer.parseInt(m.group(4))};
        } catch (NumberFormatException e) {
            return null; // too large for any release: nothing to compare
        }
    }

    /** k3s's own complaint: the last fatal or error message in the journal's tail. */
    static String cause(String journal) {
        String last = null;
        for (String line : journal.split("\n")) {
            Matcher m = MSG.matcher(line);
            if (m.find()) {
                last = m.group(2).replace("\\\"", "\"");
            }
        }
        return last;
    }

    /** The port an agent dialled, in k3s's "dial tcp HOST:PORT: …" message. */
    private static final java.util.regex.Pattern DIALED_PORT = java.util.regex.Pattern.compile("dial tcp \\S*:(\\d+):");

    static String hint(String cause, String unit, String node) {
        String c = cause == null ? "" : cause;
        if (c.contains("401 Unauthorized")) {
            return "the server refused the join token (401 Unauthorized): the token given to this agent is not the "
                    + "server's. If k3s_server sets token, it must be the server's own token (change it with `k3s "
                    + "token rotate` on the server); leave it unset and pictl reads the server's token.";
        }
        if (c.contains("memory cgroup") || c.contains("cpuset cgroup") || c.contains("cpu cgroup")) {
            return "k3s needs the memory cgroup: add cgroup_enable=memory to a kernel_params block covering " + node
                    + ", apply (the node reboots), and check /proc/cmdline.";
        }
        if (c.contains("different token")) {
            return "the datastore on " + node + " was made with another token: set the server's own token, or "
                    + "change it with `k3s token rotate`.";
        }
        if (c.contains("failed to get CA certs") || c.contains("connection refused")) {
            Matcher port = DIALED_PORT.matcher(c);
            return "the agent cannot reach the server: is k3s active on the server, and is port "
                    + (port.find() ? port.group(1) : String.valueOf(ApiServer.DEFAULT_PORT)) + " open from " + node
                    + "? (The server listens on its https-listen-port, 6443 unless its config sets another.)";
        }
        if (c.contains("cri-dockerd") || c.contains("Docker daemon")) {
            return "config.yaml says docker: true, so docker.service must be active on " + node + " (the runtime "
                    + "block installs docker.io; `systemctl status docker`).";
        }
        if (c.contains("Node password rejected") || c.contains("duplicate hostname")) {
            return "another node already registered this node name: give every node a unique name.";
        }
        return "see `journalctl -u " + unit + "` on " + node + " for the whole log.";
    }

    /** Runs as root with optional stdin. */
    static ExecResult exec(ApplyContext ctx, String node, String step, String script, byte[] stdin, Duration limit)
            throws ApplyException {
        RemoteCommand cmd = RemoteCommand.of(step, script).asRoot()
                .withTimeout(limit == null ? ctx.options().commandTimeout() : limit);
        if (stdin != null) {
            cmd = cmd.withStdin(stdin);
        }
        try {
            return ctx.session(node, step).exec(cmd);
        } catch (TransportException e) {
            throw ApplyContext.wrap(node, step, e);
        }
    }

    private static String indent(String text) {
        StringBuilder b = new StringBuilder();
        for (String line : text.split("\n")) {
            if (b.length() > 0) {
                b.append('\n');
            }
            b.append("  ").append(line);
        }
        return b.toString();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /**
     * Whether the change restarts a k3s that is running: an upgrade, or new settings (config.yaml, registries.yaml);
     * {@code wasRunning} from its before. Such a change takes the node out of service, so the walker runs it within
     * {@code max_unavailable}: one node at a time by default, the server before its agents.
     */
    static boolean upgradesRunning(ResourceChange c, boolean wasRunning) {
        return c.action() == dev.pictl.plan.Action.UPDATE && c.before() != null && wasRunning
                && c.changes().stream().anyMatch(a -> a.name().equals("version") || RESTARTING.contains(a.name()));
    }

    /** The attributes whose change restarts k3s beyond an upgrade: the files it reads only at start. */
    static final java.util.Set<String> RESTARTING = java.util.Set.of("config", "registry_mirrors", "registry_auth");

    /** Whether an update of a running k3s changes settings it reads only at start (so it restarts). */
    static boolean restartsForSettings(Map<String, Object> before, java.util.List<dev.pictl.plan.AttributeChange> changes) {
        return before != null && Boolean.TRUE.equals(before.get("running"))
                && changes.stream().anyMatch(a -> RESTARTING.contains(a.name()));
    }
}
