package dev.pictl.types.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pictl.addr.ResourceAddress;
import dev.pictl.config.Config;
import dev.pictl.plan.ActionReason;
import dev.pictl.plan.AttributeChange;
import dev.pictl.plan.kind.Observed;
import dev.pictl.probe.NodeObservation;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.state.ResourceState;
import dev.pictl.testing.TestContexts;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link BootConfigKind}'s diff rules as a table (fast tier): what a config.txt observed on the node reads as (pictl's
 * blocks only; a hand edit there; the /run marker as "reboot pending"; a booted line the firmware did not apply as
 * the note, not a change; broken markers and no usable file as unknown), and every change rebooting.
 */
@Tag("fast")
class BootConfigKindRulesTest {
    private static final String FW = "/boot/firmware/config.txt";
    private static final String PI4 = "Raspberry Pi 4 Model B Rev 1.4";
    private static final ResourceAddress ADDRESS = ResourceAddress.of(BootConfigType.NAME, "poe", "pi-1");
    private static final List<String> FANS = List.of("dtoverlay=rpi-poe-plus", "dtparam=poe_fan_temp0=60000");
    private static final String USER = "dtparam=audio=on\ndtoverlay=vc4-kms-v3d\narm_64bit=1\n[all]\n";

    @TempDir
    Path tmp;

    private final BootConfigKind kind = new BootConfigKind();

    private Config config() {
        return TestContexts.config(tmp, """
                cluster { name = "t" }
                node "pi-1" { address = "192.168.1.10" }
                boot_config "poe" {
                  nodes    = [node.pi-1]
                  sections = { pi4 = ["dtoverlay=rpi-poe-plus", "dtparam=poe_fan_temp0=60000"], pi5 = [] }
                }
                """);
    }

    private static Map<String, Object> attrs(Map<String, List<String>> sections, boolean applied) {
        Map<String, Object> s = new TreeMap<>(sections);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sections", s);
        m.put("applied", applied);
        m.put("config_file", FW);
        return m;
    }

    private static String withBlock(List<String> lines) {
        return USER + BootSections.render(Map.of("pi4", lines)) + "\n";
    }

    record Row(String name, String file, boolean pending, Map<String, String> reported, boolean prior,
               Observed expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> rows() {
        Map<String, String> applied = Map.of("arm_64bit", "1", "poe_fan_temp0", "60000");
        List<String> edited = List.of("dtoverlay=rpi-poe-plus", "dtparam=poe_fan_temp0=50000");
        return Stream.of(
                new Row("fresh board: absent", USER, false, Map.of("arm_64bit", "1"), false, new Observed.Absent()),
                new Row("fresh board but in the state: present with no lines", USER, false, Map.of(), true,
                        new Observed.Present(attrs(Map.of(), true), null)),
                new Row("applied and booted", withBlock(FANS), false, applied, true,
                        new Observed.Present(attrs(Map.of("pi4", FANS), true), null)),
                new Row("edited, not booted: applied false (reboot pending)", withBlock(FANS), true,
                        Map.of("arm_64bit", "1"), true, new Observed.Present(attrs(Map.of("pi4", FANS), false), null)),
                new Row("a hand edit of pictl's line is what is observed", withBlock(edited), false,
                        Map.of("poe_fan_temp0", "50000"), true,
                        new Observed.Present(attrs(Map.of("pi4", edited), true), null)),
                new Row("a hand edit of the user's lines is not pictl's", withBlock(FANS).replace("arm_64bit=1",
                        "arm_64bit=0"), false, applied, true,
                        new Observed.Present(attrs(Map.of("pi4", FANS), true), null)),
                new Row("booted but not applied: the note, no change", withBlock(FANS), false,
                        Map.of("arm_64bit", "1"), true, new Observed.Present(attrs(Map.of("pi4", FANS), true),
                        "the firmware does not apply \"dtparam=poe_fan_temp0=60000\" [pi4]: vcgencmd get_config reports "
                                + "no poe_fan_temp0 (an unknown setting, or a later line of config.txt overrides it)")),
                new Row("a BEGIN without END: unknown", USER + "# BEGIN pictl [pi4]\ndtparam=x=1\n", false, applied,
                        true, new Observed.Unknown("pi-1: /boot/firmware/config.txt: \"# BEGIN pictl\" has no "
                        + "\"# END pictl\"; pictl will not guess which lines are its own: fix the markers by hand")),
                new Row("no usable config.txt: unknown", null, false, applied, true,
                        new Observed.Unknown("pi-1: no usable config.txt (neither /boot/firmware/config.txt nor a real "
                                + "/boot/config.txt); pictl will not edit the Bookworm stub")))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void observe_readsPictlsBlocks(Row row) {
        Config config = config();
        ResourceInstance instance = config.instance(ADDRESS).orElseThrow();
        ResourceState prior = row.prior() ? ResourceState.of(ADDRESS, "pi-1").withAttributes(attrs(Map.of("pi4", FANS),
                true)) : null;
        NodeObservation o = NodeObservation.of("pi-1", new NodeObservation.Facts(PI4, "aarch64", "arm64", 3_884_000,
                3_100_000, "debian", "12", "bookworm", "6.6.51+rpt-rpi-v8", "/dev/mmcblk0p2", "sd", "0x0", 47.2,
                "0b7a4c1e-5d2f-4e8a-9c3b-1a2b3c4d5e6f", "pi-1", "pi-1", "pi-1")).with(BootConfigProbe.CONFIG,
                new BootConfigProbe.Seen(row.file() == null ? null : FW, row.file(), row.pending(), row.reported()));
        assertEquals(row.expected(), kind.observe(instance, prior, "pi-1", TestContexts.plan(config, o)));
    }

    @Test
    void desired_leavesEmptySectionsOut_andAsksForApplied() {
        Config config = config();
        Map<String, Object> d = kind.desired(config.instance(ADDRESS).orElseThrow(), TestContexts.plan(config));
        Map<String, Object> want = new LinkedHashMap<>();
        want.put("sections", new TreeMap<>(Map.of("pi4", FANS)));
        want.put("applied", true);
        assertEquals(want, d);
    }

    @Test
    void everyChangeReboots_andAppliedAloneIsAPendingReboot() {
        assertTrue(kind.reboots(List.of(new AttributeChange("applied", false, true, false, false))));
        assertFalse(kind.reboots(List.of()));
        assertEquals(ActionReason.REBOOT_PENDING, kind.pendingReason("applied"));
        assertEquals(null, kind.pendingReason("sections"));
    }
}
