package dev.pictl.apply.k3s;

import dev.pictl.apply.ApplyContext;
import dev.pictl.apply.ApplyException;
import dev.pictl.plan.kind.SimpleYaml;
import dev.pictl.transport.ExecResult;
import dev.pictl.transport.RemoteCommand;
import dev.pictl.transport.TransportException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the server and agent executors do alike on a k3s node: write config.yaml, look at what is installed, run
 * the install script, start the unit without blocking and poll it to a deadline.
 *
 * <pre>
 *   write config.yaml (0600, stdin)  ─┐ one round trip: prints config=changed|unchanged, version=, unit=, active=,
 *   look at version / unit / state   ─┘ mainpid= (and url= for the agent's env file)
 *   install script (only when the version or the unit is not what the plan wants, or the agent's URL moved)
 *   systemctl daemon-reload; systemctl --no-block start|restart UNIT      (restart: it ran and something changed)
 *   poll on the node: is-active = active with a new MainPID, to the deadline; else the journal's tail
 * </pre>
 *
 * <p>Why poll instead of a blocking {@code systemctl start}: the unit is {@code Type=notify} with no start timeout
 * and {@code Restart=always}, so a k3s that cannot start never fails — it stays {@code activating (auto-restart)}
 * and a blocking start would hang forever.
 */
final class K3sNode {
    static final String CONFIG = "/etc/rancher/k3s/config.yaml";
    private static final Pattern MSG = Pattern.compile("level=(fatal|error) msg=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private K3sNode() {
    }

    /** What the node has before pictl changes anything (the config write included). */
    record Installed(boolean configChanged, String version, boolean unitPresent, String active, String mainPid,
                     String envUrl) {
        boolean running() {
            return "active".equals(active);
        }

        /** The unit is running or trying to (activating, reloading): a restart, not a start, applies changes. */
        boolean started() {
            return active != null && !active.equals("inactive") && !active.equals("failed") && !active.isEmpty()
                    && !active.equals("unknown");
        }
    }

    /** {@code 'text'} for sh. */
    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** A node-side path: {@code "${PICTL_ROOT:-}"'/etc/...'}. */
    static String path(String absolute) {
        return "\"${PICTL_ROOT:-}\"" + quote(absolute);
    }

    /**
     * Writes config.yaml (mode 0600; the content travels on stdin, never on a command line, since it may hold the
     * token) and reports what is installed, in one round trip.
     */
    static Installed writeConfigAndLook(ApplyContext ctx, String node, String step, Map<String, Object> config,
                                        String unit) throws ApplyException {
        String yaml = SimpleYaml.write(new TreeMap<>(config));
        String script = "f=" + path(CONFIG) + "\n"
                + "mkdir -p \"$(dirname \"$f\")\" || exit 1\n"
                + "umask 077\n"
                + "cat > \"$f.pictl-new\" && chmod 600 \"$f.pictl-new\" || { rm -f \"$f.pictl-new\"; exit 1; }\n"
                + "if [ -f \"$f\" ] && cmp -s \"$f\" \"$f.pictl-new\"; then rm -f \"$f.pictl-new\"; chmod 600 \"$f\";"
                + " echo config=unchanged; else mv -f \"$f.pictl-new\" \"$f\" || exit 1; echo config=changed; fi\n"
                + "echo \"version=$(k3s --version 2>/dev/null | head -n 1 | cut -d ' ' -f 3)\"\n"
                + "if [ -f " + path("/etc/systemd/system/" + unit + ".service") + " ]; then echo unit=present;"
                + " else echo unit=absent; fi\n"
                + "echo \"active=$(systemctl is-active " + unit + " 2>/dev/null)\"\n"
                + "echo \"mainpid=$(systemctl show -p MainPID --value " + unit + " 2>/dev/null)\"\n"
                + "echo \"url=$(sed -n 's/^K3S_URL=//p' " + path("/etc/systemd/system/" + unit + ".service.env")
                + " 2>/dev/null | tr -d \"'\\\"\")\"\n";
        ExecResult r = exec(ctx, node, step, script, yaml.getBytes(StandardCharsets.UTF_8), null);
        if (r.exitCode() != 0) {
            throw new ApplyException(node, step, "command exited " + r.exitCode() + ": " + tail(r),
                    "check that " + CONFIG + " is writable by root on " + node);
        }
        Map<String, String> kv = keyValues(r.stdout());
        return new Installed("changed".equals(kv.get("config")), blankToNull(kv.get("version")),
                "present".equals(kv.get("unit")), kv.getOrDefault("active", ""), kv.getOrDefault("mainpid", "0"),
                blankToNull(kv.get("url")));
    }

    /**
     * The official install script with the bare minimum: version, role, skip start (pictl starts it without
     * blocking). Download first, so a failed download is an error rather than an empty script that "succeeds".
     * For an agent {@code K3S_URL} and {@code K3S_TOKEN} make the script write the agent unit; the token is read
     * from stdin so it is never on a command line.
     */
    static void install(ApplyContext ctx, String node, String step, String version, String role, String url,
                        String token) throws ApplyException {
        StringBuilder s = new StringBuilder();
        if (token != null) {
            s.append("IFS= read -r K3S_TOKEN || exit 1\nexport K3S_TOKEN\n");
        }
        s.append("script=$(curl -sfL https://get.k3s.io) || { echo \"downloading https://get.k3s.io failed"
                + " (curl exit $?)\" >&2; exit 1; }\n");
        s.append("printf '%s\\n' \"$script\" | INSTALL_K3S_VERSION=").append(quote(version))
                .append(" INSTALL_K3S_EXEC=").append(role).append(" INSTALL_K3S_SKIP_START=true");
        if (url != null) {
            s.append(" K3S_URL=").append(quote(url));
        }
        s.append(" sh -\n");
        byte[] stdin = token == null ? null : (token + "\n").getBytes(StandardCharsets.UTF_8);
        ExecResult r = exec(ctx, node, step, s.toString(), stdin, ctx.options().commandTimeout());
        if (r.exitCode() != 0) {
            throw new ApplyException(node, step, "command exited " + r.exitCode() + ": " + tail(r),
                    "the node must reach https://get.k3s.io and github.com to download k3s " + version
                            + "; run the same command on the node to see the whole output");
        }
    }

    /**
     * Starts (or restarts, when it was running and something changed) the unit without blocking, then polls on
     * the node until it is active with a new main process, up to {@code k3sStartTimeout}. Past the deadline the
     * message carries k3s's own error and the journal's tail.
     */
    static void startAndAwait(ApplyContext ctx, String node, String unit, boolean restart, String oldPid,
                              String stepPrefix) throws ApplyException {
        String step = (restart ? "restart " : "start ") + stepPrefix;
        ExecResult r = ctx.run(node, step, "systemctl daemon-reload && systemctl --no-block "
                + (restart ? "restart " : "start ") + unit, true);
        if (r.exitCode() != 0) {
            throw new ApplyException(node, step, "command exited " + r.exitCode() + ": " + tail(r), null);
        }
        awaitActive(ctx, node, unit, restart ? oldPid : "0", "wait for " + stepPrefix + " to be active");
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
                + "  if [ \"$s\" = active ] && [ \"$p\" != " + quote(old) + " ]; then echo state=active; exit 0; fi\n"
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
        String state = keyValues(head).getOrDefault("state", "unknown");
        String cause = cause(journal);
        String what = unit + " is not active after " + seconds + "s (" + state + ")"
                + (cause == null ? "" : ": " + cause)
                + "\n  journalctl -u " + unit + " -n 20 --no-pager:\n"
                + (journal.isEmpty() ? "  -- No entries --" : indent(journal));
        throw new ApplyException(node, step, what, hint(cause, unit, node));
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

    private static String hint(String cause, String unit, String node) {
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
            return "the agent cannot reach the server: is k3s active on the server, and is port 6443 open from "
                    + node + "?";
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

    static String tail(ExecResult r) {
        String t = r.stderrTail(5).strip();
        if (t.isEmpty()) {
            List<String> lines = new ArrayList<>(List.of(r.stdout().strip().split("\n")));
            t = String.join("\n", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        }
        return t;
    }

    static Map<String, String> keyValues(String out) {
        Map<String, String> kv = new HashMap<>();
        for (String line : out.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0 && !kv.containsKey(line.substring(0, eq))) {
                kv.put(line.substring(0, eq), line.substring(eq + 1).strip());
            }
        }
        return kv;
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

    /** The password part of a token ({@code K10<hash>::server:<password>} or a bare password). */
    static String password(String token) {
        if (token == null) {
            return null;
        }
        int i = token.indexOf("::");
        if (token.startsWith("K10") && i > 0) {
            String rest = token.substring(i + 2);
            int colon = rest.indexOf(':');
            return colon >= 0 ? rest.substring(colon + 1) : rest;
        }
        return token;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? new TreeMap<>((Map<String, Object>) m) : new TreeMap<>();
    }
}
