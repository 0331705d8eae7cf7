package dev.pictl.types.k3s;

import dev.pictl.plan.kind.Kind;
import dev.pictl.plan.kind.PlanContext;
import dev.pictl.plan.kind.Observed;
import dev.pictl.plan.kind.Canon;
import dev.pictl.nodetext.SimpleYaml;
import dev.pictl.diag.SourceRange;
import dev.pictl.plan.AttributeChange;
import dev.pictl.probe.NodeObservation;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.resource.Value;
import dev.pictl.state.ResourceState;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code k3s_server}: the k3s binary's version, the {@code k3s} unit running, {@code config.yaml} as pictl
 * writes it (always {@code node-name}; {@code disable}; {@code docker} when the node's runtime is docker; the
 * passthrough), and the token (as a keyed hash). Moving the server to another node replaces it. A downgrade or
 * a skipped minor version is refused at plan time, and so is a token change on a live server (k3s needs
 * {@code k3s token rotate}).
 */
public final class K3sServerKind implements Kind {
    @Override
    public String type() {
        return K3sServerType.NAME;
    }

    @Override
    public Set<String> sensitive() {
        return Set.of("token", Registries.AUTH);
    }

    /**
     * {@code disable} is written into config.yaml, so a sensitive one makes {@code config} sensitive; registry
     * credentials always are, and mirrors made from a secret.
     */
    @Override
    public Set<String> sensitive(ResourceInstance instance, PlanContext ctx) {
        Set<String> out = Kind.super.sensitive(instance, ctx);
        if (instance != null && instance.value("disable").map(v -> v.holdsSensitive()).orElse(false)) {
            out.add("config");
        }
        registriesSensitive(instance, out);
        return out;
    }

    /** {@code registry_auth} is always sensitive; {@code registry_mirrors} when made from a secret. */
    static void registriesSensitive(ResourceInstance instance, Set<String> out) {
        out.add(Registries.AUTH);
        if (instance != null && instance.value(Registries.MIRRORS).map(v -> v.holdsSensitive()).orElse(false)) {
            out.add(Registries.MIRRORS);
        }
    }

    @Override
    public Set<String> replacing() {
        return Set.of("node");
    }

    /** The config.yaml pictl writes for a k3s node, without secrets. */
    static Map<String, Object> config(ResourceInstance i, String node, PlanContext ctx, boolean server) {
        Map<String, Object> c = new TreeMap<>();
        if (i.attributes().get("config") instanceof Value.MapVal m) {
            c.putAll(Canon.stringMap(Canon.castMap(Canon.of(m))));
        }
        c.put("node-name", node);
        if (server && !i.strings("disable").isEmpty()) {
            c.put("disable", i.strings("disable"));
        }
        if (dockerOn(ctx.config(), node)) {
            c.put("docker", "true");
        }
        KubeletReservations.addTo(c, i);
        if (server) {
            PodSecurityDefault.addTo(c, i);
        }
        return c;
    }

    /**
     * The registries.yaml a k3s resource asks for, {mirrors, auth in clear}, when pictl manages the file (declared, or
     * recorded by an earlier apply: then a description without them asks for no file); else null.
     */
    static Map<String, Object>[] desiredRegistries(ResourceInstance instance, PlanContext ctx) {
        ResourceState prior = ctx.state().resource(instance.address()).orElse(null);
        if (!Registries.managed(instance, prior)) {
            return null;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object>[] out = new Map[] {Registries.mirrors(instance), Registries.auth(instance)};
        return out;
    }

    /** The registries.yaml the node has, as {mirrors, auth in clear}, when pictl manages the file; else null. */
    static Map<String, Object>[] observedRegistries(ResourceInstance instance, ResourceState prior,
                                                    K3sProbe.K3sInstall k3s) {
        return Registries.managed(instance, prior) ? Registries.read(k3s.registriesYaml()) : null;
    }

    /** What a server's config.yaml shows in place of a token that is not the server's own (never the token). */
    static final String FOREIGN_TOKEN = "(not the server's token)";

    /** An observed config.yaml without the keys that hold secrets or that pictl compares on their own. */
    static Map<String, Object> observedConfig(String yaml) {
        return observedConfig(yaml, null);
    }

    /**
     * A server's observed config.yaml. Its {@code token} is compared with the token the server runs with (the
     * password part of {@code server/token}), not shown: pictl writes the description's token there, which is the
     * server's own, or none. A token edited by hand (k3s would refuse to start with it after the next restart)
     * shows as {@link #FOREIGN_TOKEN}, which no description asks for, so plan and drift see the config differ.
     */
    static Map<String, Object> observedConfig(String yaml, String serverPassword) {
        Map<String, Object> c = SimpleYaml.read(yaml);
        Object token = c.remove("token");
        c.remove("agent-token");
        c.remove("server");
        Map<String, Object> out = Canon.stringMap(c);
        if (token != null && serverPassword != null
                && !serverPassword.equals(K3sToken.password(String.valueOf(token)))) {
            out.put("token", FOREIGN_TOKEN);
        }
        return out;
    }

    @Override
    public Map<String, Object> desired(ResourceInstance instance, PlanContext ctx) {
        String token = PlanContext.secret(instance, "token");
        K3sValues.Server v = new K3sValues.Server(instance.node(), instance.string("version"), true,
                HaConfig.desired(instance, config(instance, instance.node(), ctx, true)),
                token == null ? null : ctx.hash(K3sToken.password(token)))
                .withRegistries(desiredRegistries(instance, ctx));
        return CertRenewal.withDesired(HaConfig.withServers(instance, v).canonical(), instance, ctx,
                HaServers.nodes(instance), java.time.Instant.now());
    }

    @Override
    public Observed observe(ResourceInstance instance, ResourceState prior, String node, PlanContext ctx) {
        String where = prior != null && prior.node() != null ? prior.node() : node;
        Optional<NodeObservation> o = ctx.observation(where);
        if (o.isEmpty()) {
            return new Observed.Unknown(ctx.unreachableReason(where));
        }
        NodeObservation obs = o.get();
        NodeObservation.ServiceState unit = obs.services().get("k3s");
        K3sProbe.K3sInstall k3s = obs.part(K3sProbe.INSTALL);
        if (k3s == null || k3s.version() == null || unit == null || !unit.unitExists()) {
            return prior == null || where.equals(node) ? new Observed.Absent()
                    : new Observed.Present(new K3sValues.Server(where, null, false, null, null).canonical());
        }
        String password = k3s.serverPassword();
        K3sValues.Server first = new K3sValues.Server(where, k3s.version(), unit.active(),
                observedConfig(k3s.configYaml(), password), password == null ? null : ctx.hash(password))
                .withRegistries(observedRegistries(instance, prior, k3s));
        return new Observed.Present(CertRenewal.withObserved(HaConfig.observeOthers(instance, prior, first, ctx).canonical(),
                instance, ctx, instance != null && HaServers.several(instance) ? HaServers.nodes(instance) : List.of(where)));
    }

    @Override
    public void checkPlan(List<dev.pictl.plan.ResourceChange> changes, PlanContext ctx) {
        ctx.config().ofType(K3sServerType.NAME).forEach(server -> HaConfig.rebootRule(server, changes, ctx));
    }

    @Override
    public void check(ResourceInstance instance, Map<String, Object> before, List<AttributeChange> changes,
                      PlanContext ctx) {
        HaConfig.quorumRule(instance, before, changes, ctx);
        HaConfig.conversionRule(instance, before, ctx);
        for (AttributeChange c : changes) {
            if (c.name().equals("version")) {
                versionRule(instance.rangeOf("version"), instance.address().toString(), (String) c.before(),
                        (String) c.after(), ctx);
            }
            if (c.name().equals("token") && c.before() != null && c.after() != null) {
                ctx.diagnostics().error(instance.rangeOf("token"), "the token of " + instance.address()
                                + " differs from the running server's",
                        "k3s cannot change the token of a live server by editing its configuration. Run `k3s token "
                                + "rotate --new-token=...` on " + instance.node() + " first, then set the new token "
                                + "here; or remove token to keep the server's own.");
            }
        }
    }

    /** No downgrade, no skipped minor version (the Kubernetes skew policy). */
    static void versionRule(SourceRange at, String what, String from, String to, PlanContext ctx) {
        K3sVersion a = K3sVersion.parse(from);
        K3sVersion b = K3sVersion.parse(to);
        if (a == null || b == null) {
            return;
        }
        if (b.compareTo(a) < 0) {
            ctx.diagnostics().error(at, what + ": k3s " + a + " cannot be downgraded to " + b,
                    "k3s does not support downgrades. Keep version = \"" + a + "\" (or newer).");
        } else if (b.major() == a.major() && b.minor() > a.minor() + 1) {
            ctx.diagnostics().error(at, what + ": upgrading k3s from " + a + " to " + b + " skips a minor version",
                    "Kubernetes upgrades one minor version at a time. Upgrade to a v" + a.major() + "."
                            + (a.minor() + 1) + ".x release first.");
        }
    }

    @Override
    public dev.pictl.plan.ActionReason pendingReason(String attribute) {
        return attribute.equals("running") ? dev.pictl.plan.ActionReason.SERVICE_STOPPED : null;
    }

    /** A running server whose settings change restarts: say so; a renewal of its certificates too. */
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

    /**
     * A board of 4 GB or less (from the probe) that runs the server with no memory reserved: the advisory, with the
     * suggested setting and why.
     */
    @Override
    public void advise(ResourceInstance instance, PlanContext ctx) {
        if (instance.node() == null || KubeletReservations.reservesMemory(instance)) {
            return;
        }
        ctx.observation(instance.node()).map(NodeObservation::facts).filter(f -> f.memTotalKb() > 0
                && f.memTotalKb() <= KubeletReservations.SMALL_BOARD_KB).ifPresent(f -> {
                    String[] a = KubeletReservations.advice(instance, String.format(java.util.Locale.ROOT, "%.1f GB",
                            f.memTotalKb() / 1024.0 / 1024.0));
                    ctx.diagnostics().warning(instance.headerRange(), a[0], a[1]);
                });
    }

    /** Removing k3s from a node in the cluster drains it first. */
    @Override
    public boolean drainsBeforeDelete() {
        return true;
    }

    /** Whether the description gives this node the docker runtime (k3s is then configured with {@code docker: true}). */
    static boolean dockerOn(dev.pictl.config.Config config, String node) {
        return config.ofType(dev.pictl.types.host.RuntimeType.NAME).stream()
                .anyMatch(r -> node.equals(r.node()) && "docker".equals(r.string("engine")));
    }
}
