package dev.pictl.types.host;

import dev.pictl.plan.kind.Kind;
import dev.pictl.plan.kind.PlanContext;
import dev.pictl.plan.kind.Observed;
import dev.pictl.plan.kind.Canon;
import dev.pictl.plan.AttributeChange;
import dev.pictl.probe.Health;
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
 * {@code kernel_params}: tokens on the single line of cmdline.txt that pictl owns.
 *
 * <pre>
 *   attribute  desired                      observed
 *   add        the add list                 managed tokens found in the file (managed = add ∪ the state's add)
 *   remove     the remove list              remove tokens that are absent from the file
 *   booted     true                         every add token in /proc/cmdline and no remove token there
 * </pre>
 *
 * A token dropped from {@code add} is still managed (it is in the state's add), so the observed list shows it
 * and the plan removes it. A sensitive {@code add} is recorded as one hash, plus one keyed hash per token
 * ({@code add_hashes}): a token in the file whose hash is there is pictl's too. When only {@code booted} differs the file is right and a reboot is pending. Any
 * change reboots the node. When the flags are booted but the memory controller is still missing, the
 * firmware or kernel overrides them: not another reboot, but the preflight warning that
 * {@link Health#memoryCgroupOverridden} decides (its message is also this resource's note).
 */
public final class KernelParamsKind implements Kind {
    /** The per-token hashes of a sensitive {@code add} the state keeps ({@link #hashedByElement()}). */
    static final String ADD_HASHES = "add_hashes";

    @Override
    public String type() {
        return KernelParamsType.NAME;
    }

    @Override
    public Map<String, Object> desired(ResourceInstance instance, PlanContext ctx) {
        return new HostValues.KernelParams(instance.strings("add"), instance.strings("remove"), true, null).canonical();
    }

    @Override
    public Observed observe(ResourceInstance instance, ResourceState prior, String node, PlanContext ctx) {
        Optional<NodeObservation> o = ctx.observation(node);
        if (o.isEmpty()) {
            return new Observed.Unknown(ctx.unreachableReason(node));
        }
        NodeObservation.Cmdline c = o.get().cmdline();
        if (c == null || c.path() == null) {
            return new Observed.Unknown(node + ": no usable cmdline.txt (neither /boot/firmware/cmdline.txt nor a "
                    + "real /boot/cmdline.txt); pictl will not edit the Bookworm stub");
        }
        List<String> add = instance == null ? List.of() : instance.strings("add");
        List<String> remove = instance == null ? List.of() : instance.strings("remove");
        Set<String> managed = new LinkedHashSet<>(add);
        if (prior != null && prior.attributes().get("add") instanceof List<?> old) {
            old.forEach(t -> managed.add(String.valueOf(t)));
        }
        Set<String> hashes = new java.util.HashSet<>();
        if (prior != null && prior.attributes().get(ADD_HASHES) instanceof List<?> h) {
            h.forEach(x -> hashes.add(String.valueOf(x)));
        }
        List<String> present = new ArrayList<>();
        for (String t : c.fileTokens()) {
            if ((managed.contains(t) || !hashes.isEmpty() && hashes.contains(ctx.hash(t))) && !present.contains(t)) {
                present.add(t);
            }
        }
        List<String> absent = remove.stream().filter(t -> !c.fileTokens().contains(t)).toList();
        if (present.isEmpty() && prior == null && !add.isEmpty()) {
            return new Observed.Absent();
        }
        boolean booted = add.stream().allMatch(t -> Health.booted(t, c.running()))
                && remove.stream().noneMatch(c.running()::contains);
        String note = booted && add.contains("cgroup_enable=memory")
                ? Health.memoryCgroupOverridden(o.get()).map(Health.Finding::message).orElse(null) : null;
        return new Observed.Present(new HostValues.KernelParams(present, absent, booted, c.path()).canonical(), note);
    }

    @Override
    public boolean same(String attribute, Object desired, Object observed) {
        return Canon.sameAsSet(desired, observed);
    }

    @Override
    public boolean unorderedLists() {
        return true;
    }

    @Override
    public Set<String> hashedByElement() {
        return Set.of("add");
    }

    @Override
    public boolean reboots(List<AttributeChange> changes) {
        return !changes.isEmpty();
    }

    /** The tokens recorded and the tokens the change adds: all pictl's while the change runs. */
    @Override
    public Map<String, Object> claimed(Map<String, Object> recorded, Map<String, Object> after) {
        if (after == null) {
            return recorded;
        }
        Set<String> add = new LinkedHashSet<>(HostValues.KernelParams.of(recorded).addOrEmpty());
        add.addAll(HostValues.KernelParams.of(after).addOrEmpty());
        Map<String, Object> out = new java.util.LinkedHashMap<>(recorded);
        out.put("add", List.copyOf(add));
        return out;
    }

    /**
     * A delete takes pictl's tokens found in the file ({@code add} as observed) out of it, and reboots when the
     * running kernel has one of them (as {@link KernelParamsExecutor#delete} does).
     */
    @Override
    public boolean rebootsOnDelete(Observed.Present observed, String node, PlanContext ctx) {
        NodeObservation.Cmdline c = ctx.observation(node).map(NodeObservation::cmdline).orElse(null);
        if (c == null) {
            return false;
        }
        return HostValues.KernelParams.of(observed.attributes()).addOrEmpty().stream()
                .anyMatch(t -> Health.booted(t, c.running()));
    }

    @Override
    public dev.pictl.plan.ActionReason pendingReason(String attribute) {
        return attribute.equals("booted") ? dev.pictl.plan.ActionReason.REBOOT_PENDING : null;
    }
}
