package dev.pictl.types.k3s;

import dev.pictl.addr.ResourceAddress;
import dev.pictl.apply.ApplyContext;
import dev.pictl.apply.ApplyException;
import dev.pictl.apply.Executor;
import dev.pictl.apply.Kubectl;
import dev.pictl.apply.Recorded;
import dev.pictl.plan.Action;
import dev.pictl.plan.ResourceChange;
import dev.pictl.transport.ExecResult;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code k3s_server}: config.yaml first, then the install script, then a non-blocking start polled to a deadline,
 * then the node Ready.
 *
 * <table>
 *   <caption>What an apply runs on the server node (every command as root; see {@link K3sNode})</caption>
 *   <tr><th>step</th><th>command</th></tr>
 *   <tr><td>look at k3s</td><td>{@code k3s --version}, the unit file, {@code systemctl is-active k3s}
 *       (refusals first: a token that differs from the live server's, a downgrade)</td></tr>
 *   <tr><td>write k3s config / install k3s server / upgrade k3s server</td><td>one script: {@code config.yaml}
 *       from stdin, mode 0600, replaced only when it differs; {@code curl -sfL https://get.k3s.io |
 *       INSTALL_K3S_VERSION=V INSTALL_K3S_EXEC=server INSTALL_K3S_SKIP_START=true sh -} when k3s is missing, at
 *       another version (upgrade) or has no unit; {@code systemctl daemon-reload && systemctl --no-block
 *       start|restart k3s} when config.yaml or the binary changed or k3s is not active</td></tr>
 *   <tr><td>wait for k3s to be active</td><td>poll {@code systemctl is-active k3s} on the node (a new MainPID
 *       after a restart) to {@code k3sStartTimeout}; past it {@code journalctl -u k3s -n 20 --no-pager}</td></tr>
 *   <tr><td>wait for Ready</td><td>{@code k3s kubectl get node NAME --no-headers}, every second</td></tr>
 * </table>
 *
 * <p>The token comes from the description ({@link ApplyContext#secret}) into config.yaml only; the state records its
 * keyed hash. A token that differs from the live server's is refused (k3s needs {@code k3s token rotate}); the
 * planner refuses it too, this is the second line.
 *
 * <p>Replace (the server moves to another node, or {@code --replace}) uninstalls the old one first. Delete runs
 * {@code k3s-uninstall.sh} on the node, without draining: the server is the control plane, so there is nowhere for
 * its pods to go that survives it; the walker deletes the agents (drained, Nodes deleted) before the server.
 * Uninstalling removes the datastore and {@code /var/lib/rancher/k3s} (local-path volumes included).
 */
public final class K3sServerExecutor implements Executor {
    private static final Logger LOG = LoggerFactory.getLogger(K3sServerExecutor.class);
    static final String UNIT = "k3s";

    @Override
    public String type() {
        return K3sServerType.NAME;
    }

    @Override
    public Recorded apply(ResourceChange change, ApplyContext ctx) throws ApplyException {
        Map<String, Object> after = change.after();
        Objects.requireNonNull(after, "apply needs the desired attributes");
        K3sValues.Server planned = K3sValues.Server.of(after);
        String node = planned.nodeOr(change.node());
        K3sValues.Server was = change.before() == null ? null : K3sValues.Server.of(change.before());
        String version = planned.version();
        String token = ctx.secret(change.address(), "token").orElse(null);

        if (change.action() == Action.REPLACE) {
            // A replacement is a new server: the old one (moved away, or --replace) is uninstalled first.
            String old = was != null ? was.nodeOr(node) : node;
            ctx.step(change.address(), "uninstall k3s server from " + old + " (replaced)");
            uninstall(ctx, old);
        } else if (token != null && was != null && was.token() != null && !ctx.hasher().matches(token, was.token())
                && !ctx.hasher().matches(K3sToken.password(token), was.token())) {
            throw new ApplyException(node, "change k3s token", "the token in the description differs from the "
                    + "running server's; k3s cannot change it by editing config.yaml",
                    "run `k3s token rotate --new-token=...` on " + node + " first, then set the new token here; "
                            + "or remove token to keep the server's own.");
        }

        Map<String, Object> config = K3sValues.configToWrite(planned.config());
        config.putIfAbsent("node-name", node);
        if (token != null) {
            config.put("token", token);
        }
        if (planned.nodes() != null || was != null && was.nodes() != null) {
            HaRoll.apply(change, ctx, planned, was, config, token);
        } else {
            convergeOne(ctx, change, node, planned, config);
        }

        Map<String, Object> attrs = new LinkedHashMap<>(after);
        attrs.remove("token");
        String renewal = CertRenewal.planned(change);
        if (renewal != null) {
            // Every server renewed its own (one at a time, in the roll); the earliest is what the probe compares.
            attrs.put(CertRenewal.ATTRIBUTE, CertRenewal.verify(ctx, change.address(), planned.servers(node), renewal));
        }
        Map<String, String> hashes = token == null ? Map.of() : Map.of("token", ctx.hasher().hash(token));
        return new Recorded(attrs, hashes);
    }

    /**
     * One server: look, refuse a downgrade, write config.yaml (and registries.yaml) and install or upgrade when needed
     * in one script, wait for k3s to be active when it (re)started, then for the Node to be Ready.
     */
    static void convergeOne(ApplyContext ctx, ResourceChange change, String node, K3sValues.Server planned,
                            Map<String, Object> config) throws ApplyException {
        String version = planned.version();
        K3sNode.Look seen = K3sNode.look(ctx, node, UNIT);
        K3sNode.refuseDowngrade(node, "upgrade k3s server", seen.version(), version);
        boolean install = !seen.unitPresent() || !version.equals(seen.version());
        ctx.step(change.address(), "write " + K3sNode.CONFIG + (node.equals(change.node()) ? "" : " on " + node));
        if (install) {
            ctx.step(change.address(), (seen.version() == null ? "install k3s " + version
                    : "upgrade k3s " + seen.version() + " -> " + version) + (node.equals(change.node()) ? "" : " on " + node));
        }
        LOG.debug("{}: k3s server {} (installed: {}, unit {}, {}): {}", node, version, seen.version(),
                seen.unitPresent() ? "present" : "absent", seen.active(), install ? "run the install script" : "keep");
        String psa = PodSecurityDefault.level(config);
        if (psa != null) {
            ctx.step(change.address(), "write " + PodSecurityDefault.file(psa));
            ctx.check(node, "write Pod Security defaults", PodSecurityDefault.writeScript(psa));
        }
        String registries = K3sNode.registries(ctx, change, node, planned.registryMirrors(), planned.registryAuth());
        K3sNode.Converged done = K3sNode.converge(ctx, node, UNIT, config, registries, !install ? null : new K3sNode.Install(
                seen.version() == null ? "install k3s server" : "upgrade k3s server", version, "server", null, null));
        if (done.started()) {
            LOG.debug("{}: {} k3s (config.yaml {}, binary {})", node, done.action(),
                    done.configChanged() ? "changed" : "unchanged", done.installed() ? "installed" : "kept");
            ctx.step(change.address(), "wait for k3s to be active (" + done.action() + ")"
                    + (node.equals(change.node()) ? "" : " on " + node));
            K3sNode.awaitActive(ctx, node, UNIT, done.action().equals("restart") ? done.oldPid() : "0",
                    "wait for k3s to be active");
        }
        String renewal = CertRenewal.planned(change);
        if (renewal != null) {
            CertRenewal.rotate(ctx, change.address(), node, UNIT);
        }
        String nodeName = String.valueOf(config.get("node-name"));
        ctx.step(change.address(), "wait for " + nodeName + " to be Ready");
        awaitReady(ctx, node, nodeName, change.address());
    }

    /**
     * Restarts k3s on a server so that it reads changed settings (another type's drop-in, e.g. a snapshot schedule),
     * as the converge does: {@code systemctl --no-block restart}, then a new MainPID and {@code active}, to
     * k3sStartTimeout, else the journal's tail. Never a blocking restart: a k3s that cannot start stays
     * {@code activating (auto-restart)} and a blocking one would wait forever.
     */
    public static void restart(ApplyContext ctx, String node, String step) throws ApplyException {
        ExecResult r = ctx.check(node, step, "p=$(systemctl show -p MainPID --value " + UNIT + " 2>/dev/null)\n"
                + "systemctl --no-block restart " + UNIT + " || exit 1\n"
                + "echo \"oldpid=$p\"\n");
        String old = dev.pictl.nodetext.KeyValues.parse(r.stdout()).getOrDefault("oldpid", "0");
        K3sNode.awaitActive(ctx, node, UNIT, old.isBlank() ? "0" : old, step);
    }

    static void awaitReady(ApplyContext ctx, String node, String nodeName, ResourceAddress address)
            throws ApplyException {
        try {
            if (!Kubectl.awaitReady(ctx, "wait for Ready", nodeName, ctx.options().k3sStartTimeout())) {
                ExecResult r = Kubectl.run(ctx, "wait for Ready", "get node " + nodeName + " --no-headers");
                String seen = r.exitCode() == 0 ? r.stdout().strip() : r.outputTail(5);
                throw new ApplyException(node, "wait for Ready", "node " + nodeName + " is not Ready after "
                        + ctx.options().k3sStartTimeout().toSeconds() + "s (" + seen + ")",
                        "see `k3s kubectl describe node " + nodeName + "` on the server and `journalctl -u k3s*` on "
                                + node);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApplyException(node, "wait for Ready", "interrupted", null, e);
        }
    }

    @Override
    public void delete(ResourceChange change, ApplyContext ctx) throws ApplyException {
        K3sValues.Server was = K3sValues.Server.of(change.before());
        java.util.List<String> servers = new java.util.ArrayList<>(was.servers(change.node()));
        java.util.Collections.reverse(servers);
        for (String node : servers) {
            ctx.step(change.address(), "uninstall k3s server (k3s-uninstall.sh)" + (servers.size() > 1 ? " on " + node : ""));
            uninstall(ctx, node);
        }
    }

    static void uninstall(ApplyContext ctx, String node) throws ApplyException {
        ctx.check(node, "uninstall k3s server",
                "if command -v k3s-uninstall.sh >/dev/null 2>&1; then k3s-uninstall.sh; "
                        + "else echo 'k3s-uninstall.sh not found: k3s server not installed'; fi");
    }

    /** After another type's change took a member out of service (a reboot of a server): its etcd member healthy. */
    @Override
    public void awaitQuorumMember(ResourceChange change, String node, ApplyContext ctx) throws ApplyException {
        if (change.address().type().equals(type())) {
            return; // a server's own roll waits for each member itself (HaRoll)
        }
        ctx.step(change.address(), "wait for the etcd member of " + node + " to be healthy");
        HaRoll.awaitMember(ctx, node, node, true);
    }

    /**
     * An upgrade of a running k3s restarts it: the node is out of service meanwhile; a certificate renewal too; and a
     * change of the members of several servers (a join or a removal), which the walker then runs while no other
     * member is out of service.
     */
    @Override
    public boolean takesNodeOutOfService(ResourceChange c) {
        return K3sNode.upgradesRunning(c, K3sValues.Server.of(c.before()).running()) || CertRenewal.renews(c)
                || c.action() == dev.pictl.plan.Action.UPDATE && c.before() != null
                && K3sValues.Server.of(c.before()).nodes() != null
                && c.changes().stream().anyMatch(a -> a.name().equals("nodes"));
    }
}
