package dev.pictl.types.k3s;

import dev.pictl.plan.kind.Kind;
import dev.pictl.plan.kind.PlanContext;
import dev.pictl.plan.kind.Observed;
import dev.pictl.nodetext.SimpleYaml;
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
 * ({@link ApiServer#url()}: {@code https://ADDRESS:PORT}, PORT the server's {@code https-listen-port}, else 6443),
 * {@code config.yaml} as pictl writes it, and the join token (as a keyed hash of its password part).
 */
public final class K3sAgentKind implements Kind {
    @Override
    public String type() {
        return K3sAgentType.NAME;
    }

    @Override
    public Set<String> sensitive() {
        return Set.of("token", Registries.AUTH);
    }

    /** {@code version} and {@code server_url} come from the k3s_server and its node: sensitive when they are there. */
    @Override
    public Set<String> sensitive(ResourceInstance instance, PlanContext ctx) {
        Set<String> out = Kind.super.sensitive(instance, ctx);
        ApiServer server = ApiServer.of(ctx.config()).orElse(null);
        if (instance != null && server != null) {
            if (server.instance().value("version").map(v -> v.holdsSensitive()).orElse(false)) {
                out.add("version");
            }
            if (server.addressSensitive()) {
                out.add("server_url");
            }
        }
        K3sServerKind.registriesSensitive(instance, out);
        return out;
    }

    @Override
    public Map<String, Object> desired(ResourceInstance instance, PlanContext ctx) {
        ApiServer api = ApiServer.of(ctx.config()).orElse(null);
        ResourceInstance server = api == null ? null : api.instance();
        String version = server == null ? null : server.string("version");
        String url = api == null ? null : api.url();
        String token = server == null ? null : PlanContext.secret(server, "token");
        if (token == null && server != null) {
            token = ctx.observation(server.node()).map(o -> o.part(K3sProbe.INSTALL) == null ? null : o.part(K3sProbe.INSTALL).serverPassword())
                    .orElse(null);
        }
        return CertRenewal.withDesired(new K3sValues.Agent(version, true, url,
                K3sServerKind.config(instance, instance.node(), ctx, false),
                token == null ? null : ctx.hash(K3sToken.password(token)))
                .withRegistries(K3sServerKind.desiredRegistries(instance, ctx)).canonical(), instance, ctx,
                java.util.List.of(instance.node()), java.time.Instant.now());
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
        return new Observed.Present(CertRenewal.withObserved(new K3sValues.Agent(k3s.version(), unit.active(), url,
                K3sServerKind.observedConfig(k3s.configYaml()),
                token == null ? null : ctx.hash(K3sToken.password(String.valueOf(token))))
                .withRegistries(K3sServerKind.observedRegistries(instance, prior, k3s)).canonical(), instance, ctx,
                java.util.List.of(node)));
    }

    @Override
    public void check(ResourceInstance instance, Map<String, Object> before, List<AttributeChange> changes,
                      PlanContext ctx) {
        Optional<ApiServer> server = ApiServer.of(ctx.config());
        for (AttributeChange c : changes) {
            if (c.name().equals("version") && server.isPresent()) {
                K3sServerKind.versionRule(server.get().instance().rangeOf("version"), instance.address().toString(),
                        (String) c.before(), (String) c.after(), ctx);
            }
        }
    }

    @Override
    public dev.pictl.plan.ActionReason pendingReason(String attribute) {
        return attribute.equals("running") ? dev.pictl.plan.ActionReason.SERVICE_STOPPED : null;
    }

    /** A running agent whose settings change restarts: say so; a renewal of its certificates too. */
    @Override
    public dev.pictl.plan.ActionReason updateReason(Map<String, Object> before, List<AttributeChange> changes) {
        return K3sNode.restartsForSettings(before, changes) ? dev.pictl.plan.ActionReason.K3S_RESTART
                : CertRenewal.renews(changes) ? dev.pictl.plan.ActionReason.CERT_RENEWAL : null;
    }

    /** {@code certificates}: two plain dates are the same ({@link CertRenewal#same}). */
    @Override
    public boolean same(String attribute, Object desired, Object observed) {
        return attribute.equals(CertRenewal.ATTRIBUTE) ? CertRenewal.same(desired, observed)
                : Kind.super.same(attribute, desired, observed);
    }

    /** Removing k3s from a node in the cluster drains it first. */
    @Override
    public boolean drainsBeforeDelete() {
        return true;
    }
}
