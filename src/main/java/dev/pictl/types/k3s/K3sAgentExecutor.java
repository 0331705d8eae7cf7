package dev.pictl.types.k3s;

import dev.pictl.plan.kind.Kind;
import dev.pictl.apply.ApplyContext;
import dev.pictl.apply.ApplyException;
import dev.pictl.apply.Executor;
import dev.pictl.apply.Recorded;
import dev.pictl.plan.Action;
import dev.pictl.plan.ResourceChange;
import dev.pictl.types.host.NodeKind;
import dev.pictl.nodetext.Shell;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.transport.ExecResult;
import dev.pictl.transport.TransportException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code k3s_agent}: joined at the server's version, started the server's way (non-blocking, polled), Ready as the
 * server sees it; removed by drain → uninstall → delete the Node.
 *
 * <table>
 *   <caption>What each action runs (as root)</caption>
 *   <tr><th>where</th><th>step</th><th>command</th></tr>
 *   <tr><td>server</td><td>read join token</td><td>{@code cat /var/lib/rancher/k3s/server/node-token} (only when
 *       k3s_server sets no token)</td></tr>
 *   <tr><td>agent</td><td>look at k3s-agent</td><td>{@code k3s --version}, the unit file, {@code systemctl
 *       is-active k3s-agent}, {@code K3S_URL} of its env file (a downgrade is refused here)</td></tr>
 *   <tr><td>agent</td><td>write k3s config / install k3s agent / upgrade k3s agent</td><td>one script:
 *       config.yaml (0600, from stdin) with {@code token}, {@code server}, {@code node-name} and the rest of the
 *       plan's config; {@code curl -sfL https://get.k3s.io | INSTALL_K3S_VERSION=V INSTALL_K3S_EXEC=agent
 *       INSTALL_K3S_SKIP_START=true K3S_URL=URL sh -} with {@code K3S_TOKEN} read from stdin (the script requires
 *       it with K3S_URL and keeps both in the 0600 env file) when not installed, at another version or another
 *       URL; {@code systemctl --no-block start|restart k3s-agent} when anything changed or it is not active</td></tr>
 *   <tr><td>agent</td><td>wait for k3s-agent to be active</td><td>poll {@code systemctl is-active}; the journal's
 *       tail past the deadline (a wrong token: 401 Unauthorized, explained)</td></tr>
 *   <tr><td>server</td><td>wait for Ready</td><td>{@code k3s kubectl get node NAME --no-headers}</td></tr>
 * </table>
 *
 * <p>Delete: {@code k3s kubectl drain NAME --ignore-daemonsets --delete-emptydir-data --timeout=300s} on the server
 * (skipped when the Node is not registered) → {@code k3s-agent-uninstall.sh} on the agent → {@code k3s kubectl delete
 * node NAME --ignore-not-found} on the server → check the Node stays gone (an agent still running would register
 * again). A board that cannot be reached (refused, no route, timed out) is dead: only its Node is deleted through
 * the server, and the step says so — k3s stays installed on the board if it ever comes back.
 *
 * <p>Upgrades re-run the script with the new version and restart; the walker orders the server first and limits
 * how many agents are down at once. An upgrade does not drain (k3s restarts the agent without touching running
 * containers: {@code KillMode=process}); a change that asks for it ({@link ResourceChange#drain()}) is drained and
 * uncordoned.
 */
public final class K3sAgentExecutor implements Executor {
    private static final Logger LOG = LoggerFactory.getLogger(K3sAgentExecutor.class);
    static final String UNIT = "k3s-agent";
    static final String NODE_TOKEN = "/var/lib/rancher/k3s/server/node-token";

    @Override
    public String type() {
        return K3sAgentType.NAME;
    }

    @Override
    public Recorded apply(ResourceChange change, ApplyContext ctx) throws ApplyException {
        Map<String, Object> after = change.after();
        Objects.requireNonNull(after, "apply needs the desired attributes");
        String node = change.node();
        K3sValues.Agent planned = K3sValues.Agent.of(after);
        String version = planned.version();
        String url = planned.serverUrl();
        if (version == null || url == null) {
            throw new ApplyException(node, "join k3s agent", "the plan has no server version or URL for this agent",
                    "declare a k3s_server and plan again");
        }
        String server = serverNode(ctx, url).orElseThrow(() -> new ApplyException(node, "join k3s agent",
                "no k3s_server in the description to join", "declare a k3s_server and plan again"));

        if (change.action() == Action.REPLACE && change.before() != null) {
            ctx.step(change.address(), "remove the old agent (replaced)");
            remove(change, ctx, node, K3sValues.Agent.of(change.before()).nodeName(node), server);
        }

        String token = joinToken(ctx, change, server);
        Map<String, Object> config = K3sValues.configToWrite(planned.config());
        config.putIfAbsent("node-name", node);
        config.put("server", url);
        config.put("token", token);
        String nodeName = String.valueOf(config.get("node-name"));

        boolean drained = false;
        if (change.drain()) {
            drain(ctx, change, server, nodeName);
            drained = true;
        }
        K3sNode.Look seen = K3sNode.look(ctx, node, UNIT);
        K3sNode.refuseDowngrade(node, "upgrade k3s agent", seen.version(), version);
        boolean install = !seen.unitPresent() || !version.equals(seen.version()) || !url.equals(seen.envUrl());
        ctx.step(change.address(), "write " + K3sNode.CONFIG);
        if (install) {
            ctx.step(change.address(), seen.version() == null ? "install k3s agent " + version
                    : "upgrade k3s agent " + seen.version() + " -> " + version);
        }
        LOG.debug("{}: k3s agent {} for {} (installed: {}, unit {}, url {}, {}): {}", node, version, url,
                seen.version(), seen.unitPresent() ? "present" : "absent", seen.envUrl(), seen.active(),
                install ? "run the install script" : "keep");
        String registries = K3sNode.registries(ctx, change, node, planned.registryMirrors(), planned.registryAuth());
        K3sNode.Converged done = K3sNode.converge(ctx, node, UNIT, config, registries, !install ? null : new K3sNode.Install(
                seen.version() == null ? "install k3s agent" : "upgrade k3s agent", version, "agent", url, token));
        if (done.started()) {
            ctx.step(change.address(), "wait for k3s-agent to be active (" + done.action() + ")");
            K3sNode.awaitActive(ctx, node, UNIT, done.action().equals("restart") ? done.oldPid() : "0",
                    "wait for k3s-agent to be active");
        }
        String renewal = CertRenewal.planned(change);
        if (renewal != null) {
            CertRenewal.rotate(ctx, change.address(), node, UNIT);
        }
        ctx.step(change.address(), "wait for " + nodeName + " to be Ready");
        K3sServerExecutor.awaitReady(ctx, node, nodeName, change.address());
        if (drained) {
            ctx.step(change.address(), "uncordon " + nodeName);
            ctx.check(server, "uncordon " + nodeName, "k3s kubectl uncordon " + Shell.quote(nodeName)
                    + " && k3s kubectl annotate node " + Shell.quote(nodeName) + " "
                    + Shell.quote(NodeKind.CORDON_MARK + "-") + " >/dev/null");
        }

        Map<String, Object> attrs = new LinkedHashMap<>(after);
        attrs.remove("token");
        if (renewal != null) {
            attrs.put(CertRenewal.ATTRIBUTE, CertRenewal.verify(ctx, change.address(), java.util.List.of(node), renewal));
        }
        return new Recorded(attrs, Map.of("token", ctx.hasher().hash(K3sToken.password(token))));
    }

    /**
     * The description's token for the server (the handle {@code token} of the k3s_server the agent depends on,
     * resolved by apply), else the server's own (node-token, read as root).
     */
    private static String joinToken(ApplyContext ctx, ResourceChange change, String server) throws ApplyException {
        Optional<String> declared = change.dependencies().stream().filter(d -> d.type().equals(K3sServerType.NAME))
                .findFirst().flatMap(s -> ctx.secret(s, "token"));
        if (declared.isPresent()) {
            return declared.get();
        }
        return K3sToken.read(ctx, server, "read join token", NODE_TOKEN);
    }

    @Override
    public void delete(ResourceChange change, ApplyContext ctx) throws ApplyException {
        String node = change.node();
        K3sValues.Agent was = K3sValues.Agent.of(change.before());
        String nodeName = was.nodeName(node);
        String server = serverNode(ctx, was.serverUrl()).orElse(null);
        Optional<String> dead = ctx.unreachable(node);
        if (dead.isPresent()) {
            if (server == null) {
                throw new ApplyException(node, "remove k3s agent", node + " is unreachable (" + dead.get()
                        + ") and the description has no k3s_server to delete its Node through", null);
            }
            ctx.step(change.address(), node + " is unreachable (" + dead.get() + "): deleting Node " + nodeName
                    + " through the server only; k3s-agent stays installed on the board");
            LOG.debug("{}: unreachable ({}); deleting Node {} through {}", node, dead.get(), nodeName, server);
            deleteNode(ctx, server, nodeName, node);
            return;
        }
        if (server == null) {
            ctx.step(change.address(), "uninstall k3s agent (no k3s_server left to drain through)");
            uninstall(ctx, node);
            return;
        }
        remove(change, ctx, node, nodeName, server);
    }

    /** drain → uninstall → delete the Node → it stays gone. */
    private static void remove(ResourceChange change, ApplyContext ctx, String node, String nodeName, String server)
            throws ApplyException {
        drain(ctx, change, server, nodeName);
        ctx.step(change.address(), "uninstall k3s agent (k3s-agent-uninstall.sh)");
        uninstall(ctx, node);
        deleteNode(ctx, server, nodeName, node);
    }

    private static void drain(ApplyContext ctx, ResourceChange change, String server, String nodeName)
            throws ApplyException {
        ctx.step(change.address(), "drain " + nodeName);
        String n = Shell.quote(nodeName);
        // pictl's mark first (unless a person cordoned it already): a cordon left by an upgrade that did not finish
        // then plans as "uncordon pending" (NodeKind).
        String mark = Shell.quote(NodeKind.CORDON_MARK + "=" + Instant.now().truncatedTo(ChronoUnit.SECONDS));
        ExecResult r = ctx.run(server, "drain " + nodeName, "if k3s kubectl get node " + n + " >/dev/null 2>&1; then "
                + "[ \"$(k3s kubectl get node " + n + " -o jsonpath='{.spec.unschedulable}')\" = true ] || "
                + "k3s kubectl annotate node " + n + " " + mark + " --overwrite >/dev/null || exit 1; "
                + "k3s kubectl drain " + n + " --ignore-daemonsets --delete-emptydir-data --timeout=300s; "
                + "else echo 'node " + nodeName.replace("'", "") + " is not registered: nothing to drain'; fi", true,
                Duration.ofMinutes(6));
        if (r.exitCode() != 0) {
            throw new ApplyException(server, "drain " + nodeName, "command exited " + r.exitCode() + ": "
                    + r.outputTail(5), "pods that cannot be evicted (PodDisruptionBudgets, pods without a controller) "
                    + "block the drain: move or delete them, then apply again");
        }
    }

    private static void uninstall(ApplyContext ctx, String node) throws ApplyException {
        ctx.check(node, "uninstall k3s agent", "if command -v k3s-agent-uninstall.sh >/dev/null 2>&1; then "
                + "k3s-agent-uninstall.sh; else echo 'k3s-agent-uninstall.sh not found: k3s agent not installed'; fi");
    }

    private static void deleteNode(ApplyContext ctx, String server, String nodeName, String node)
            throws ApplyException {
        String n = Shell.quote(nodeName);
        ctx.check(server, "delete Node " + nodeName, "k3s kubectl delete node " + n + " --ignore-not-found");
        ExecResult r = ctx.run(server, "delete Node " + nodeName, "k3s kubectl get node " + n + " -o name", true);
        if (r.exitCode() == 0 && !r.stdout().isBlank()) {
            throw new ApplyException(server, "delete Node " + nodeName, "node " + nodeName + " registered again "
                    + "after it was deleted: its k3s-agent still runs",
                    "stop k3s-agent on " + node + " (k3s-agent-uninstall.sh), then apply again");
        }
    }

    /**
     * The server to work through: the description's k3s_server, else (it was removed too) the description's node
     * whose address the agent's server URL names.
     */
    private static Optional<String> serverNode(ApplyContext ctx, String url) {
        Optional<String> s = ctx.serverNode();
        if (s.isPresent() || url == null) {
            return s;
        }
        String host = ApiServer.host(url);
        return ctx.described().nodes().stream().filter(n -> host.equals(ctx.nodeAddress(n))).findFirst();
    }

    /** An upgrade of a running k3s restarts it: the node is out of service meanwhile. */
    @Override
    public boolean takesNodeOutOfService(ResourceChange c) {
        return K3sNode.upgradesRunning(c, K3sValues.Agent.of(c.before()).running()) || CertRenewal.renews(c);
    }
}
