package dev.pictl.types.k3s;

import dev.pictl.apply.ApplyContext;
import dev.pictl.apply.ApplyException;
import dev.pictl.nodetext.KeyValues;
import dev.pictl.nodetext.Shell;
import dev.pictl.plan.ResourceChange;
import dev.pictl.transport.ExecResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What apply does for several servers (issue 14, docs/ha.md), always one server at a time, whatever
 * {@code --parallelism} says:
 *
 * <pre>
 *   for each server in nodes order (the first with cluster-init, the others with server: https://FIRST:PORT and the
 *   same token):
 *       look → write config.yaml, install/upgrade when needed, (re)start → active → Node Ready
 *       → its etcd member started (no longer a learner) and healthy, read on the server itself:
 *         curl --cert server/tls/etcd/server-client.crt https://127.0.0.1:2379/v3/cluster/member/list and /health
 *   then for each server no longer listed (k3s's way, day2-facts §1.5):
 *       drain → k3s kubectl delete node X on the first server (k3s's managed-etcd-controller removes the member)
 *       → wait until the member list no longer has it → k3s-uninstall.sh on X (wipes server/db, so the board can
 *       join again later) → the Node stays gone
 * </pre>
 *
 * <p>A server that changes nothing is not restarted, so an upgrade rolls one server at a time and a config change
 * too; joins are serialised because k3s fails servers that join at the same moment ("too many learner members").
 * The quorum rule ({@link HaConfig#quorumRule}) has already refused, at plan time, a change that would lose quorum.
 */
final class HaRoll {
    static final String ETCD_TLS = "/var/lib/rancher/k3s/server/tls/etcd";
    static final String TOKEN_FILE = "/var/lib/rancher/k3s/server/token";
    static final String ETCD_DATA = "/var/lib/rancher/k3s/server/db/etcd";

    private HaRoll() {
    }

    static void apply(ResourceChange change, ApplyContext ctx, K3sValues.Server planned, K3sValues.Server was,
                      Map<String, Object> firstConfig, String token) throws ApplyException {
        List<String> servers = planned.servers(change.node());
        List<String> before = was == null ? List.of() : was.servers(change.node());
        String first = servers.get(0);
        int port = port(firstConfig);
        String joinUrl = ApiServer.url(ctx.nodeAddress(first), port);
        String joinToken = token;
        boolean etcd = planned.nodes() != null;
        for (int i = 0; i < servers.size(); i++) {
            String node = servers.get(i);
            Map<String, Object> config = new TreeMap<>(firstConfig);
            config.put("node-name", node);
            if (i > 0) {
                config.remove(HaConfig.CLUSTER_INIT);
                if (joinUrl == null) {
                    throw new ApplyException(node, "join k3s server", "the first server " + first
                            + " has no address to join", "give node." + first + " an address");
                }
                config.put("server", joinUrl);
                if (joinToken == null) {
                    joinToken = readToken(ctx, first);
                }
                config.put("token", joinToken);
                if (!before.contains(node)) {
                    ctx.step(change.address(), "join " + node + " to the cluster through " + first
                            + " (one server at a time)");
                }
            }
            if (i == 0 && etcd && was != null && was.nodes() == null) {
                ctx.step(change.address(), "move " + node + " from sqlite to embedded etcd (k3s migrates the data "
                        + "when it restarts with cluster-init)");
            }
            K3sServerExecutor.convergeOne(ctx, change, node, planned, config);
            if (etcd) {
                ctx.step(change.address(), "wait for the etcd member of " + node + " to be healthy");
                awaitMember(ctx, node, node, false);
            }
        }
        for (String gone : before) {
            if (!servers.contains(gone)) {
                remove(change, ctx, gone, first);
            }
        }
    }

    private static int port(Map<String, Object> config) {
        Object p = config.get(ApiServer.LISTEN_PORT);
        try {
            return p == null ? ApiServer.DEFAULT_PORT : Integer.parseInt(String.valueOf(p).strip());
        } catch (NumberFormatException e) {
            return ApiServer.DEFAULT_PORT;
        }
    }

    /** The cluster's token (the first server's {@code server/token}), for servers that join without a declared one. */
    private static String readToken(ApplyContext ctx, String first) throws ApplyException {
        return K3sToken.read(ctx, first, "read the server token", TOKEN_FILE);
    }

    /** The curl words that reach etcd's client API on {@code host} with the server's client certificate. */
    static String curl(String host, String path, boolean post) {
        return "curl -sS --connect-timeout 5 --cacert \"$c/server-ca.crt\" --cert \"$c/server-client.crt\" --key "
                + "\"$c/server-client.key\"" + (post ? " -X POST -d '{}'" : "") + " " + Shell.quote("https://" + host
                + ":2379" + path);
    }

    /**
     * Polls on {@code node} until its own etcd member is in the member list, started and no longer a learner, and its
     * {@code /health} says true; to k3sStartTimeout, then fails with the last member list and health answer.
     *
     * @param onlyIfEtcd when the node has no etcd data ({@value #ETCD_DATA}: a server still on sqlite, one that has
     *                   not joined yet), there is no member to wait for
     */
    static void awaitMember(ApplyContext ctx, String node, String nodeName, boolean onlyIfEtcd) throws ApplyException {
        Duration timeout = ctx.options().k3sStartTimeout();
        long seconds = Math.max(1, (timeout.toMillis() + 999) / 1000);
        String script = "c=" + Shell.nodePath(ETCD_TLS) + "; n=" + Shell.quote(nodeName) + "\n"
                + (onlyIfEtcd ? "[ -d " + Shell.nodePath(ETCD_DATA) + " ] || { echo member=none; exit 0; }\n" : "")
                + "end=$(( $(date +%s) + " + seconds + " ))\n"
                + "while :; do\n"
                + "  h=$(" + curl("127.0.0.1", "/health", false) + " 2>&1)\n"
                + "  l=$(" + curl("127.0.0.1", "/v3/cluster/member/list", true) + " 2>&1)\n"
                + "  m=$(printf '%s\\n' \"$l\" | tr '{' '\\n' | grep -F \"\\\"name\\\":\\\"$n-\")\n"
                + "  case $h in *'\"health\":\"true\"'*)\n"
                + "    if [ -n \"$m\" ] && ! printf '%s' \"$m\" | grep -q '\"isLearner\":true'; then echo member=ok; exit 0; fi ;;\n"
                + "  esac\n"
                + "  [ \"$(date +%s)\" -ge \"$end\" ] && break\n"
                + "  sleep 0.5\n"
                + "done\n"
                + "echo member=not-ready\n"
                + "echo \"health=$h\"\n"
                + "echo \"members=$l\"\n"
                + "exit 3\n";
        ExecResult r = ctx.run(node, "wait for the etcd member", script, true, timeout.plusSeconds(60));
        if (r.exitCode() == 0) {
            return;
        }
        Map<String, String> kv = KeyValues.parse(r.stdout());
        throw new ApplyException(node, "wait for the etcd member", "the etcd member of " + nodeName
                + " is not healthy after " + seconds + "s (health: " + kv.getOrDefault("health", "?") + "; members: "
                + kv.getOrDefault("members", "?") + ")",
                "see `journalctl -u k3s -n 50` on " + node + ": a join fails when another server joins at the same "
                        + "moment (too many learner members) or when quorum is lost");
    }

    /** The member names in {@code node}'s member list (etcd names a k3s member NODE-xxxxxxxx). */
    static List<String> members(ApplyContext ctx, String node) throws ApplyException {
        String script = "c=" + Shell.nodePath(ETCD_TLS) + "\n" + curl("127.0.0.1", "/v3/cluster/member/list", true)
                + " | tr '{,' '\\n\\n' | sed -n 's/^\"name\":\"\\(.*\\)\"$/\\1/p'\n";
        ExecResult r = ctx.check(node, "list etcd members", script);
        List<String> out = new ArrayList<>();
        for (String l : r.stdout().split("\n")) {
            if (!l.isBlank()) {
                out.add(l.strip());
            }
        }
        return out;
    }

    private static boolean hasMember(List<String> members, String nodeName) {
        return members.stream().anyMatch(m -> m.startsWith(nodeName + "-"));
    }

    /** Takes a server out the k3s way (class comment); a board that does not answer only loses its Node and member. */
    private static void remove(ResourceChange change, ApplyContext ctx, String gone, String via)
            throws ApplyException {
        String n = Shell.quote(gone);
        boolean dead = ctx.unreachable(gone).isPresent();
        if (!dead) {
            ctx.step(change.address(), "drain " + gone);
            ExecResult d = ctx.run(via, "drain " + gone, "if k3s kubectl get node " + n + " >/dev/null 2>&1; then "
                    + "k3s kubectl drain " + n + " --ignore-daemonsets --delete-emptydir-data --timeout=300s; fi",
                    true, Duration.ofMinutes(6));
            if (d.exitCode() != 0) {
                throw new ApplyException(via, "drain " + gone, "command exited " + d.exitCode() + ": "
                        + d.outputTail(5), "pods that cannot be evicted block the drain: move or delete them, then "
                        + "apply again");
            }
        }
        ctx.step(change.address(), "delete Node " + gone + " (k3s removes its etcd member)");
        ctx.check(via, "delete Node " + gone, "k3s kubectl delete node " + n + " --ignore-not-found");
        ctx.step(change.address(), "wait for the etcd member of " + gone + " to leave");
        long end = System.nanoTime() + ctx.options().k3sStartTimeout().toNanos();
        while (hasMember(members(ctx, via), gone)) {
            if (System.nanoTime() > end) {
                throw new ApplyException(via, "remove etcd member", "the etcd member of " + gone + " is still listed "
                        + "after its Node was deleted", "see `journalctl -u k3s` on " + via
                        + " (managed-etcd-controller); or annotate the Node with etcd.k3s.cattle.io/remove=true");
            }
            ctx.run(via, "wait for the etcd member to leave", "sleep 0.5", false);
        }
        if (dead) {
            ctx.step(change.address(), gone + " is unreachable: its member and Node are removed; k3s stays installed "
                    + "on the board (wipe it before it joins again)");
            return;
        }
        ctx.step(change.address(), "uninstall k3s server on " + gone + " (k3s-uninstall.sh)");
        K3sServerExecutor.uninstall(ctx, gone);
        ExecResult r = ctx.run(via, "delete Node " + gone, "k3s kubectl get node " + n + " -o name", true);
        if (r.exitCode() == 0 && !r.stdout().isBlank()) {
            ctx.check(via, "delete Node " + gone, "k3s kubectl delete node " + n + " --ignore-not-found");
        }
    }
}
