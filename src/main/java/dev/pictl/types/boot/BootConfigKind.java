package dev.pictl.types.boot;

import dev.pictl.plan.ActionReason;
import dev.pictl.plan.AttributeChange;
import dev.pictl.plan.kind.Canon;
import dev.pictl.plan.kind.Kind;
import dev.pictl.plan.kind.Observed;
import dev.pictl.plan.kind.PlanContext;
import dev.pictl.probe.NodeObservation;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.state.ResourceState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code boot_config}: pictl's blocks in config.txt.
 *
 * <pre>
 *   attribute  desired                      observed
 *   sections   the description's lines      the lines in pictl's marked blocks (a hand edit there is drift)
 *   applied    true                         false while pictl's edit waits for a reboot (the /run marker)
 * </pre>
 *
 * Every change reboots the node. When only {@code applied} differs the file is right and a reboot is pending. When
 * the file has been booted but {@code vcgencmd get_config} does not report a line's value (the firmware ignores it, or
 * a later line of the file overrides it), that is the resource's note, not another reboot: apply fails on it once,
 * with the line and what vcgencmd reported.
 */
public final class BootConfigKind implements Kind {
    @Override
    public String type() {
        return BootConfigType.NAME;
    }

    @Override
    public Map<String, Object> desired(ResourceInstance instance, PlanContext ctx) {
        return new BootValues(described(instance), true, null).canonical();
    }

    /** The described sections, those without lines left out. */
    static Map<String, List<String>> described(ResourceInstance instance) {
        Map<String, List<String>> out = new TreeMap<>();
        Canon.castMap(instance.value("sections").map(Canon::of).orElse(null)).forEach((k, v) -> {
            List<String> lines = new ArrayList<>();
            if (v instanceof List<?> l) {
                l.forEach(x -> lines.add(String.valueOf(x)));
            }
            if (!lines.isEmpty()) {
                out.put(k, lines);
            }
        });
        return out;
    }

    @Override
    public Observed observe(ResourceInstance instance, ResourceState prior, String node, PlanContext ctx) {
        Optional<NodeObservation> o = ctx.observation(node);
        if (o.isEmpty()) {
            return new Observed.Unknown(ctx.unreachableReason(node));
        }
        BootConfigProbe.Seen seen = o.get().part(BootConfigProbe.CONFIG);
        if (seen == null) {
            return new Observed.Unknown(node + ": config.txt was not read");
        }
        if (seen.path() == null) {
            return new Observed.Unknown(node + ": no usable config.txt (neither /boot/firmware/config.txt nor a real "
                    + "/boot/config.txt); pictl will not edit the Bookworm stub");
        }
        BootSections.Owned owned = BootSections.parse(seen.fileText());
        if (owned.problem() != null) {
            return new Observed.Unknown(node + ": " + seen.path() + ": " + owned.problem() + "; pictl will not guess "
                    + "which lines are its own: fix the markers by hand");
        }
        if (owned.sections().isEmpty() && prior == null) {
            return new Observed.Absent();
        }
        String note = seen.pending() ? null : unappliedNote(owned.sections(), seen, model(o.get()));
        return new Observed.Present(new BootValues(owned.sections(), !seen.pending(), seen.path()).canonical(), note);
    }

    static String model(NodeObservation o) {
        return o.facts() == null ? null : o.facts().model();
    }

    /** What the firmware did not apply of the booted file's lines, as a note; null when all is in effect. */
    static String unappliedNote(Map<String, List<String>> sections, BootConfigProbe.Seen seen, String model) {
        Map<String, BootSections.Expected> expected = BootSections.expected(sections, model);
        if (expected.isEmpty()) {
            return null;
        }
        if (seen.reported().isEmpty()) {
            return "vcgencmd get_config reported nothing: pictl cannot check what the firmware applied";
        }
        List<String> off = BootSections.unapplied(expected, seen.reported());
        return off.isEmpty() ? null : "the firmware does not apply " + String.join("; ", off)
                + " (an unknown setting, or a later line of config.txt overrides it)";
    }

    @Override
    public boolean reboots(List<AttributeChange> changes) {
        return !changes.isEmpty();
    }

    @Override
    public ActionReason pendingReason(String attribute) {
        return attribute.equals("applied") ? ActionReason.REBOOT_PENDING : null;
    }

    /** Taking pictl's lines out reboots the node, so that the firmware no longer applies them. */
    @Override
    public boolean rebootsOnDelete(Observed.Present observed, String node, PlanContext ctx) {
        return BootValues.of(observed.attributes()).hasLines();
    }
}
