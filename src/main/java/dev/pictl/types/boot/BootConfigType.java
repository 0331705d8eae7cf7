package dev.pictl.types.boot;

import static dev.pictl.resource.AttributeSchema.attr;

import dev.pictl.addr.ResourceAddress;
import dev.pictl.apply.Executor;
import dev.pictl.config.Config;
import dev.pictl.config.Rules;
import dev.pictl.diag.Diagnostics;
import dev.pictl.plan.kind.Kind;
import dev.pictl.probe.EepromProbe;
import dev.pictl.probe.ProbeFragment;
import dev.pictl.probe.ProbeRequest;
import dev.pictl.resource.AttrType;
import dev.pictl.resource.BlockSchema;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.resource.Schemas;
import dev.pictl.resource.Value;
import dev.pictl.state.ResourceState;
import dev.pictl.types.ResourceType;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code boot_config} resource type: the config.txt lines pictl owns, per section, applied with a drain and a
 * reboot as kernel_params' are, and verified through {@code vcgencmd get_config} (docs/boot-config.md).
 */
public final class BootConfigType implements ResourceType {
    public static final String NAME = "boot_config";

    public static final BlockSchema SCHEMA = new BlockSchema(NAME, "name", true, List.of(
            Schemas.nodes("boot_config.NAME"),
            attr("sections", AttrType.MAP).required()
                    .doc("The lines pictl owns, by config.txt section (the filter without brackets: `all`, `pi4`, "
                            + "`pi5`, `cm4`, …): each a list of `key=value`, `dtparam=…` or `dtoverlay=…` lines, "
                            + "written in this order. pictl keeps them in a marked block per section and never "
                            + "touches the file's other lines."),
            Schemas.DEPENDS_ON),
            List.of(),
            "Lines of the firmware's config.txt (`/boot/firmware/config.txt` on Bookworm, `/boot/config.txt` before; "
                    + "detected) that pictl owns, in one marked block per section (`# BEGIN pictl [pi4]` … `# END "
                    + "pictl [pi4]`). A change needs a reboot: pictl keeps a backup (`config.txt.pictl-bak`), drains "
                    + "the node if it is in the cluster, reboots it, waits for a new boot_id, checks with `vcgencmd "
                    + "get_config` that the firmware applied every line meant for the board's model, and uncordons "
                    + "it. At most one boot_config block per node.",
            """
            boot_config "poe" {
              nodes = [node.pi-server-1, node.pi-worker-1]
              sections = {
                all = ["dtoverlay=disable-bt"]
                pi4 = [
                  "dtoverlay=rpi-poe-plus",
                  "dtparam=poe_fan_temp0=65000",
                  "dtparam=poe_fan_temp1=70000",
                ]
              }
            }""");

    @Override
    public BlockSchema schema() {
        return SCHEMA;
    }

    /** At most one block per node; every section name and line passes {@link BootSections}' rules. */
    @Override
    public void check(Config config, Diagnostics diags) {
        Rules.onePerNode(config, NAME, "already has boot configuration in", diags);
        Set<ResourceAddress> seen = new HashSet<>();
        for (ResourceInstance i : config.ofType(NAME)) {
            if (seen.add(i.address().block())) {
                i.value("sections").ifPresent(v -> checkSections(i, v, diags));
            }
        }
    }

    static void checkSections(ResourceInstance i, Value v, Diagnostics diags) {
        if (!(v instanceof Value.MapVal m)) {
            return; // the schema's type check reports it
        }
        String block = NAME + " \"" + i.address().name() + "\"";
        for (Map.Entry<String, Value> e : m.entries().entrySet()) {
            String section = e.getKey();
            String problem = BootSections.sectionProblem(section);
            if (problem != null) {
                diags.error(m.keyRanges().getOrDefault(section, e.getValue().range()), "in " + block + ": " + problem,
                        "A section is a config.txt conditional filter (day2-facts §5.1), e.g. all, pi4, pi5, cm4.");
            }
            if (!(e.getValue() instanceof Value.ListVal list)) {
                if (!(e.getValue() instanceof Value.Unknown)) {
                    diags.error(e.getValue().range(), "in " + block + ": section \"" + section + "\" must be a list of "
                            + "lines", "Write it as " + section + " = [\"dtparam=poe_fan_temp0=65000\"].");
                }
                continue;
            }
            for (Value item : list.items()) {
                if (!(item instanceof Value.Str s)) {
                    if (!(item instanceof Value.Unknown)) {
                        diags.error(item.range(), "in " + block + ": a config.txt line must be a string",
                                "Quote the line: \"key=value\".");
                    }
                    continue;
                }
                String lp = BootSections.lineProblem(s.value());
                if (lp != null) {
                    diags.error(s.range(), "in " + block + ", section \"" + section + "\": " + lp,
                            "A line is key=value (no spaces, no quotes), dtparam=name=value or dtoverlay=name; "
                                    + "see docs/boot-config.md.");
                }
            }
        }
    }

    @Override
    public Kind kind() {
        return new BootConfigKind();
    }

    @Override
    public Executor executor() {
        return new BootConfigExecutor();
    }

    @Override
    public List<ProbeFragment<?>> probe() {
        return List.of(BootConfigProbe.CONFIG, EepromProbe.FRAGMENT);
    }

    /** Nodes with a boot_config read their config.txt, what the firmware applied and the EEPROM's status. */
    @Override
    public List<ProbeRequest> probeAsks(ResourceInstance resource) {
        return asks(resource.node());
    }

    @Override
    public List<ProbeRequest> probeAsks(ResourceState recorded) {
        return asks(recorded.node());
    }

    private static List<ProbeRequest> asks(String node) {
        return node == null ? List.of() : List.of(ProbeRequest.of(node).with(BootConfigProbe.ASK, "1")
                .with(EepromProbe.ASK, "1"));
    }
}
