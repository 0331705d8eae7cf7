package dev.pictl.types.k3s;

import dev.pictl.plan.kind.Kind;
import dev.pictl.plan.kind.PlanContext;
import dev.pictl.plan.kind.Observed;
import dev.pictl.plan.kind.Canon;
import dev.pictl.plan.kind.SimpleYaml;
import dev.pictl.plan.AttributeChange;
import dev.pictl.probe.NodeObservation;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.state.ResourceState;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code k3s_agent}: the server's version, the {@code k3s-agent} unit running, joined to the server's URL
 * ({@code https://ADDRESS:6443}), {@code config.yaml} as pictl writes it, and the join token (as a keyed hash of
 * its password part).
 */
public final class K3sAgentKind implements Kind {
    @Override
    public String type() {
        return K3sAgentType.NAME;
    }

    @Override
    public Set<String> sensitive() {
        return Set.of("token");
    }

    /**
     * {@code https://ADDRESS:6443}, an IPv6 address in brackets and its zone's {@code %} escaped
     * ({@code https://[fe80::2%25eth0]:6443}): k3s splits host and port at the last colon and refuses a bare IPv6
     * address ("too many colons in address").
     */
    public static String serverUrl(String address) {
        if (address == null) {
            return null;
        }
        String host = address.contains(":") ? "[" + address.replace("%", "%25") + "]" : address;
        return "https://" + host + ":6443";
    }

    /** The address of a server URL as {@link #serverUrl} writes it: brackets removed, a zone's {@code %25} decoded. */
    public static String serverAddress(String url) {
        if (url == null) {
            return null;
        }
        String host = url.replaceFirst("^https://", "").replaceFirst(":\\d+/?$", "");
        return host.startsWith("[") && host.endsWith("]")
                ? host.substring(1, host.length() - 1).replace("%25", "%") : host;
    }

    /** {@code version} and {@code server_url} come from the k3s_server and its node: sensitive when they are there. */
    @Override
    public Set<String> sensitive(ResourceInstance instance, PlanContext ctx) {
        Set<String> out = Kind.super.sensitive(instance, ctx);
        ResourceInstance server = ctx.server().orElse(null);
        if (instance != null && server != null) {
            if (server.value("version").map(v -> v.holdsSensitive()).orElse(false)) {
                out.add("version");
            }
            if (ctx.nodeAddressSensitive(server.node())) {
                out.add("server_url");
            }
        }
        return out;
    }

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

    @Override
    public Map<String, Object> desired(ResourceInstance instance, PlanContext ctx) {
        ResourceInstance server = ctx.server().orElse(null);
        String version = server == null ? null : server.string("version");
        String url = server == null ? null : serverUrl(ctx.nodeAddress(server.node()));
        String token = server == null ? null : PlanContext.secret(server, "token");
        if (token == null && server != null) {
            token = ctx.observation(server.node()).map(o -> o.part(K3sProbe.INSTALL) == null ? null : o.part(K3sProbe.INSTALL).serverPassword())
                    .orElse(null);
        }
        return Canon.ordered("version", version, "running", true, "server_url", url,
                "config", K3sServerKind.config(instance, instance.node(), ctx, false),
                "token", token == null ? null : ctx.hash(password(token)));
    }

    @Override
    public Observed observe(ResourceInstance instance, ResourceState prior, String node, PlanContext ctx) {
        Optional<NodeObservation> o = ctx.observation(node);
        if (o.isEmpty()) {
            return new Observed.Unknown(ctx.unreachableReason(node));
        }
        NodeObservation obs = o.get();
        NodeObservation.ServiceState unit = obs.services().get("k3s-agent");
        K3sProbe.K3sInstall k3s = obs.part(K3sProbe.INSTALL);
        if (k3s == null || k3s.version() == null || unit == null || !unit.unitExists()) {
            return new Observed.Absent();
        }
        Map<String, Object> raw = SimpleYaml.read(k3s.configYaml());
        String url = k3s.agentUrl() != null ? k3s.agentUrl() : (String) raw.get("server");
        Object token = raw.get("token");
        return new Observed.Present(Canon.ordered("version", k3s.version(), "running", unit.active(),
                "server_url", url, "config", K3sServerKind.observedConfig(k3s.configYaml()),
                "token", token == null ? null : ctx.hash(password(String.valueOf(token)))));
    }

    @Override
    public void check(ResourceInstance instance, Map<String, Object> before, List<AttributeChange> changes,
                      PlanContext ctx) {
        for (AttributeChange c : changes) {
            if (c.name().equals("version") && ctx.server().isPresent()) {
                K3sServerKind.versionRule(ctx.server().get().rangeOf("version"), instance.address().toString(),
                        (String) c.before(), (String) c.after(), ctx);
            }
        }
    }

    @Override
    public dev.pictl.plan.ActionReason pendingReason(String attribute) {
        return attribute.equals("running") ? dev.pictl.plan.ActionReason.SERVICE_STOPPED : null;
    }

    /** Removing k3s from a node in the cluster drains it first. */
    @Override
    public boolean drainsBeforeDelete() {
        return true;
    }
}
