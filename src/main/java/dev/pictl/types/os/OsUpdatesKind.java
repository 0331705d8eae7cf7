package dev.pictl.types.os;

import dev.pictl.plan.ActionReason;
import dev.pictl.plan.AttributeChange;
import dev.pictl.plan.Plan;
import dev.pictl.plan.kind.Canon;
import dev.pictl.plan.kind.Kind;
import dev.pictl.plan.kind.Observed;
import dev.pictl.plan.kind.PlanContext;
import dev.pictl.probe.NodeObservation;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.state.ResourceState;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The planner's view of {@code os_updates}. The policy is the description's (only the holds are on the node); the
 * pending updates are a change only with {@code --upgrade-os}, else a line of the plan's "Updates available".
 */
final class OsUpdatesKind implements Kind {
    @Override
    public String type() {
        return OsUpdatesType.NAME;
    }

    static OsPolicy described(ResourceInstance i) {
        return new OsPolicy(i.string("updates"), i.strings("hold"), i.string("reboot"), null, null);
    }

    @Override
    public Map<String, Object> desired(ResourceInstance instance, PlanContext ctx) {
        OsPolicy p = described(instance);
        if (!ctx.upgradeOs()) {
            return p.canonical();
        }
        return new OsPolicy(p.updates(), p.hold(), p.reboot(), List.of(), p.reboots() ? false : null).canonical();
    }

    @Override
    public Observed observe(ResourceInstance instance, ResourceState prior, String node, PlanContext ctx) {
        Optional<NodeObservation> o = ctx.observation(node);
        if (o.isEmpty()) {
            return new Observed.Unknown(ctx.unreachableReason(node));
        }
        OsUpdatesType.AptView v = o.get().part(OsUpdatesType.PROBE);
        if (v == null) {
            return new Observed.Unknown(node + ": the probe did not read its packages");
        }
        // The policy is not on the node: it is what the state recorded (so a policy edit plans as an update that
        // only records, and drift never reports one), or the description's before the first record. Only the holds
        // are read from the node: the packages pictl holds or held.
        OsPolicy p = instance != null ? described(instance) : OsPolicy.of(prior.attributes()).policy();
        OsPolicy recorded = prior != null ? OsPolicy.of(prior.attributes()).policy() : p;
        Set<String> managed = new LinkedHashSet<>(p.hold());
        managed.addAll(recorded.hold());
        List<String> held = managed.stream().filter(v.held()::contains).toList();
        if (!ctx.upgradeOs() || instance == null) {
            return new Observed.Present(new OsPolicy(recorded.updates(), held, recorded.reboot(), null, null)
                    .canonical());
        }
        List<Apt.Upgrade> installs = installs(v, p);
        boolean needed = v.rebootRequired() || installs.stream().anyMatch(Apt.Upgrade::needsReboot);
        return new Observed.Present(new OsPolicy(recorded.updates(), held, recorded.reboot(),
                installs.stream().map(Apt.Upgrade::line).toList(), p.reboots() ? needed : null).canonical());
    }

    /**
     * The upgrades the policy installs: all, or the security ones (and a package a failed run left half-configured,
     * whatever its origin: apt configures it on the next run); never a package it holds.
     */
    static List<Apt.Upgrade> installs(OsUpdatesType.AptView v, OsPolicy p) {
        return available(v, p).stream().filter(u -> !p.securityOnly() || u.security() || u.halfConfigured()).toList();
    }

    /** Every upgradable package but those the policy holds. */
    static List<Apt.Upgrade> available(OsUpdatesType.AptView v, OsPolicy p) {
        return v.upgrades().stream().filter(u -> !p.hold().contains(u.name())).toList();
    }

    @Override
    public boolean same(String attribute, Object desired, Object observed) {
        return attribute.equals("hold") ? Canon.sameAsSet(desired, observed) : Kind.super.same(attribute, desired, observed);
    }

    @Override
    public boolean reboots(List<AttributeChange> changes) {
        return changes.stream().anyMatch(c -> c.name().equals(OsPolicy.REBOOT_NEEDED) && Boolean.TRUE.equals(c.before()));
    }

    @Override
    public ActionReason updateReason(Map<String, Object> before, List<AttributeChange> changes) {
        return upgrades(changes) ? ActionReason.OS_UPGRADE : null;
    }

    static boolean upgrades(List<AttributeChange> changes) {
        return changes.stream().anyMatch(c -> c.name().equals(OsPolicy.PENDING) || c.name().equals(OsPolicy.REBOOT_NEEDED));
    }

    /** The node's line in the plan's "Updates available", when something is pending there. */
    @Override
    public void advise(ResourceInstance instance, PlanContext ctx) {
        summary(instance, ctx).ifPresent(ctx::updatesAvailable);
    }

    static Optional<Plan.UpdatesAvailable> summary(ResourceInstance instance, PlanContext ctx) {
        Optional<NodeObservation> o = instance.node() == null ? Optional.empty() : ctx.observation(instance.node());
        OsUpdatesType.AptView v = o.map(x -> x.part(OsUpdatesType.PROBE)).orElse(null);
        if (v == null) {
            return Optional.empty();
        }
        OsPolicy p = described(instance);
        List<Apt.Upgrade> available = available(v, p);
        List<Apt.Upgrade> installs = installs(v, p);
        if (available.isEmpty() && !v.rebootRequired()) {
            return Optional.empty();
        }
        List<String> reboot = new ArrayList<>();
        installs.stream().filter(Apt.Upgrade::needsReboot).forEach(u -> reboot.add(u.name()));
        boolean needs = v.rebootRequired() || !reboot.isEmpty();
        return Optional.of(new Plan.UpdatesAvailable(instance.node(), instance.address().toString(), available.size(),
                (int) available.stream().filter(Apt.Upgrade::security).count(), installs.size(), reboot,
                v.rebootRequired(), needs && p.reboots()));
    }
}
