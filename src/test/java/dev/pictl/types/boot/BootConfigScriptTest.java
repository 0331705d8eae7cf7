package dev.pictl.types.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pictl.addr.ResourceAddress;
import dev.pictl.apply.ApplyContext;
import dev.pictl.apply.ApplyException;
import dev.pictl.apply.ApplyHook;
import dev.pictl.config.ConfigLoader;
import dev.pictl.config.LoadResult;
import dev.pictl.config.VariableInputs;
import dev.pictl.diag.Diagnostic;
import dev.pictl.plan.Action;
import dev.pictl.plan.ActionReason;
import dev.pictl.plan.ResourceChange;
import dev.pictl.testing.FakeSession;
import dev.pictl.testing.FakeTransport;
import dev.pictl.testing.TestContexts;
import dev.pictl.types.ResourceTypes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * boot_config without a simulator: the rules of a line and a section (tables), validation with file:line:col,
 * pictl's blocks (render, parse, a hand edit), what vcgencmd must report, the edit script run by {@code /bin/sh} on a
 * directory tree (other lines kept byte for byte, idempotent, delete restores), and the executor's steps and failure
 * message against a {@link FakeSession}. {@code BootConfigSimTest} walks the whole flow on the simulator.
 */
@Tag("fast")
class BootConfigScriptTest {
    private static final String NODE = "pi-1";
    private static final String PI4 = "Raspberry Pi 4 Model B Rev 1.4";

    @TempDir
    Path tmp;

    // ------------------------------------------------------------------ lines and sections

    static Stream<Arguments> lines() {
        return Stream.of(
                Arguments.of("dtparam=poe_fan_temp0=65000", null),
                Arguments.of("dtparam=poe_fan_temp0=65000,poe_fan_temp0_hyst=2000", null),
                Arguments.of("dtoverlay=rpi-poe-plus", null),
                Arguments.of("dtoverlay=disable-bt", null),
                Arguments.of("dtparam=pciex1", null),
                Arguments.of("usb_max_current_enable=1", null),
                Arguments.of("hdmi_force_hotplug:1=1", null),
                Arguments.of("arm_64bit=1", null),
                Arguments.of("arm_freq = 1800", "no spaces around `=`"),
                Arguments.of("arm_freq=\"1800\"", "no quotes"),
                Arguments.of("just words", "is not key=value"),
                Arguments.of("# comment", "a comment is not a setting"),
                Arguments.of("[pi4]", "is a section header"),
                Arguments.of("include extra.txt", "`include` is not read"),
                Arguments.of("dtoverlay=", "pictl writes those around its block itself"),
                Arguments.of("dtparam=", "dtparam= needs name=value"),
                Arguments.of("dtparam=poe_fan_temp0=", "has no value"),
                Arguments.of("gpu_mem=", "has no value"),
                Arguments.of("arm_freq=1800\ndtoverlay=evil", "control character (U+000A at column 14)"),
                Arguments.of("arm_freq=1800\r", "control character"),
                Arguments.of("x=" + "1".repeat(97), "the firmware reads at most 98"),
                Arguments.of("bad-key=1", "is not a config.txt key"),
                Arguments.of("dtoverlay=rpi poe", "contains a space"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lines")
    void lineRules(String line, String problem) {
        String got = BootSections.lineProblem(line);
        if (problem == null) {
            assertNull(got, line);
        } else {
            assertTrue(got != null && got.contains(problem), () -> line + " → " + got);
        }
    }

    @Test
    void sectionRules_theFactsFilterList() {
        for (String ok : List.of("all", "pi4", "pi5", "cm4", "pi400", "pi3+", "pi02", "none", "tryboot",
                "board-type=0x17", "0x12345678", "gpio4=1", "HDMI:0", "EDID=VSC-TD2220")) {
            assertNull(BootSections.sectionProblem(ok), ok);
        }
        assertTrue(BootSections.sectionProblem("PI4").contains("lower case: \"pi4\""));
        assertTrue(BootSections.sectionProblem("[pi4]").contains("pictl adds them"));
        assertTrue(BootSections.sectionProblem("pi6").contains("not a config.txt filter"));
        assertTrue(BootSections.sectionProblem("all\nx").contains("control character"));
    }

    @Test
    void validation_pointsAtTheLineAndTheSection_fileLineCol() throws Exception {
        Path f = tmp.resolve("cluster.hcl");
        Files.writeString(f, """
                cluster { name = "t" }
                node "pi-1" { address = "192.168.1.10" }
                boot_config "poe" {
                  nodes = [node.pi-1]
                  sections = {
                    pi4 = ["dtoverlay=rpi-poe-plus", "arm_freq = 1800"]
                    pi9 = ["arm_64bit=1"]
                  }
                }
                """);
        LoadResult r = ConfigLoader.load(f, VariableInputs.none(), ResourceTypes.standard().catalog());
        List<String> errors = r.diagnostics().sorted().stream().filter(Diagnostic::isError).map(Diagnostic::oneLine)
                .toList();
        assertEquals(2, errors.size(), errors::toString);
        assertTrue(errors.get(0).startsWith(f + ":6:38: in boot_config \"poe\", section \"pi4\": no spaces around `=`"),
                errors::toString);
        assertTrue(errors.get(1).startsWith(f + ":7:5: in boot_config \"poe\": section \"pi9\" is not a config.txt "
                + "filter"), errors::toString);
    }

    // ------------------------------------------------------------------ the blocks

    @Test
    void render_thenParse_givesTheLinesBack_andAHandEditShows() {
        Map<String, List<String>> s = new LinkedHashMap<>();
        s.put("all", List.of("dtoverlay=disable-bt"));
        s.put("pi4", List.of("dtoverlay=rpi-poe-plus", "dtparam=poe_fan_temp0=65000"));
        String text = "arm_64bit=1\n" + BootSections.render(s) + "\n[cm4]\notg_mode=1\n";
        assertEquals(s, BootSections.parse(text).sections());
        assertTrue(BootSections.render(s).contains("# BEGIN pictl [pi4]\n[all]\n[pi4]\ndtoverlay=\ndtoverlay=rpi-poe-plus\n"
                + "dtparam=poe_fan_temp0=65000\ndtoverlay=\n[all]\n# END pictl [pi4]"), BootSections.render(s));

        String edited = text.replace("poe_fan_temp0=65000", "poe_fan_temp0=50000");
        assertEquals(List.of("dtoverlay=rpi-poe-plus", "dtparam=poe_fan_temp0=50000"),
                BootSections.parse(edited).sections().get("pi4"));
        assertEquals("\"# BEGIN pictl\" has no \"# END pictl\"",
                BootSections.parse("# BEGIN pictl [all]\nx=1\n").problem());
    }

    // ------------------------------------------------------------------ what the firmware must report

    @Test
    void expected_onlyTheBoardsSections_laterLinesWin_andUnappliedNamesLineAndReport() {
        Map<String, List<String>> s = new LinkedHashMap<>();
        s.put("all", List.of("usb_max_current_enable=1", "dtoverlay=disable-wifi"));
        s.put("pi4", List.of("dtoverlay=rpi-poe-plus", "dtparam=poe_fan_temp0=65000", "dtparam=poe_fan_temp0=60000"));
        s.put("pi5", List.of("dtparam=fan_temp0=50000"));
        s.put("gpio4=1", List.of("arm_freq=1500"));
        Map<String, BootSections.Expected> x = BootSections.expected(s, PI4);
        assertEquals(List.of("usb_max_current_enable", "poe_fan_temp0"), List.copyOf(x.keySet()));
        assertEquals("60000", x.get("poe_fan_temp0").value());

        assertEquals(List.of(), BootSections.unapplied(x, Map.of("usb_max_current_enable", "1",
                "poe_fan_temp0", "60000")));
        assertEquals(List.of("\"usb_max_current_enable=1\" [all]: vcgencmd get_config reports no usb_max_current_enable",
                        "\"dtparam=poe_fan_temp0=60000\" [pi4]: vcgencmd get_config reports poe_fan_temp0=50000"),
                BootSections.unapplied(x, Map.of("poe_fan_temp0", "50000")));
        assertTrue(BootSections.sameValue("on", "1") && BootSections.sameValue("0x10", "16"));
        assertEquals(Boolean.TRUE, BootSections.applies("pi4", "Raspberry Pi Compute Module 4 Rev 1.0"));
        assertEquals(Boolean.FALSE, BootSections.applies("pi5", PI4));
        assertNull(BootSections.applies("gpio4=1", PI4));
    }

    @Test
    void eepromStatus_fromRpiEepromUpdatesLines() {
        dev.pictl.probe.EepromProbe.Status s = dev.pictl.probe.EepromProbe.parse("""
                *** UPDATE AVAILABLE ***

                Run "sudo rpi-eeprom-update -a" to install this update now.

                BOOTLOADER: update available
                   CURRENT: Mon Jan 22 10:41:21 UTC 2024 (1705920081)
                    LATEST: Tue Oct  8 10:48:13 UTC 2024 (1728384493)
                   RELEASE: default (/lib/firmware/raspberrypi/bootloader-2711/default)
                """);
        assertTrue(s.updateAvailable());
        assertEquals("Mon Jan 22 10:41:21 UTC 2024 (1705920081)", s.current());
        assertEquals("Tue Oct  8 10:48:13 UTC 2024 (1728384493)", s.latest());
        assertFalse(dev.pictl.probe.EepromProbe.parse("BOOTLOADER: up to date\n   CURRENT: x\n").updateAvailable());
        assertNull(dev.pictl.probe.EepromProbe.parse("sh: 1: rpi-eeprom-update: not found\n"));
    }

    // ------------------------------------------------------------------ the edit script in a real shell

    private static final String ORIGINAL = "# For more options\n\ndtparam=audio=on\ndtoverlay=vc4-kms-v3d\n"
            + "arm_64bit=1\n\n[cm4]\notg_mode=1\n\n[all]\n";

    private Path board() throws Exception {
        Path root = tmp.resolve("root");
        Files.createDirectories(root.resolve("boot/firmware"));
        Files.createDirectories(root.resolve("proc/sys/kernel/random"));
        Files.writeString(root.resolve("proc/sys/kernel/random/boot_id"), "0b3c1c57-0a1e-4f5e-9d8e-2f4b6a7c8d9e\n");
        Files.writeString(root.resolve("boot/firmware/config.txt"), ORIGINAL);
        return root;
    }

    private static Map<String, String> run(Path root, BootValues v) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", BootConfigExecutor.editScript(NODE, v));
        pb.environment().put("PICTL_ROOT", root.toString());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        Map<String, String> kv = new LinkedHashMap<>(dev.pictl.nodetext.KeyValues.parse(out));
        kv.put("exit", String.valueOf(p.exitValue()));
        kv.put("output", out);
        return kv;
    }

    private static BootValues values(String section, String... lines) {
        return new BootValues(Map.of(section, List.of(lines)), true, null);
    }

    @Test
    void editScript_addsItsBlock_keepsEveryOtherLine_isIdempotent_replacesInPlace_andDeleteRestores() throws Exception {
        Path root = board();
        Path file = root.resolve("boot/firmware/config.txt");

        Map<String, String> first = run(root, values("pi4", "dtoverlay=rpi-poe-plus", "dtparam=poe_fan_temp0=65000"));
        assertEquals("0", first.get("exit"), first.get("output"));
        assertEquals("yes", first.get("edited"));
        assertEquals("/boot/firmware/config.txt", first.get("path"));
        assertEquals("yes", first.get("pending"), "the /run marker says the firmware has not read it yet");
        String after = Files.readString(file);
        assertTrue(after.startsWith(ORIGINAL), "the user's lines come first, byte for byte:\n" + after);
        assertEquals(ORIGINAL, Files.readString(root.resolve("boot/firmware/config.txt.pictl-bak")));
        assertEquals(Map.of("pi4", List.of("dtoverlay=rpi-poe-plus", "dtparam=poe_fan_temp0=65000")),
                BootSections.parse(after).sections());

        assertEquals("no", run(root, values("pi4", "dtoverlay=rpi-poe-plus", "dtparam=poe_fan_temp0=65000"))
                .get("edited"), "the same lines again: nothing to write");

        Files.writeString(file, after + "# a line the user added after pictl's block\nmax_framebuffers=2\n");
        assertEquals("yes", run(root, values("pi4", "dtoverlay=rpi-poe-plus", "dtparam=poe_fan_temp0=70000"))
                .get("edited"));
        String changed = Files.readString(file);
        assertTrue(changed.endsWith("# END pictl [pi4]\n# a line the user added after pictl's block\n"
                + "max_framebuffers=2\n"), "the block is replaced where it was:\n" + changed);
        assertTrue(changed.contains("dtparam=poe_fan_temp0=70000") && !changed.contains("65000"), changed);

        assertEquals("yes", run(root, new BootValues(Map.of(), true, null)).get("edited"));
        assertEquals(ORIGINAL + "# a line the user added after pictl's block\nmax_framebuffers=2\n",
                Files.readString(file), "a delete takes pictl's block out and nothing else");
        assertEquals(ORIGINAL, Files.readString(root.resolve("boot/firmware/config.txt.pictl-orig")));
    }

    @Test
    void editScript_refusesABeginWithoutEnd_andTheBookwormStub() throws Exception {
        Path root = board();
        Path file = root.resolve("boot/firmware/config.txt");
        Files.writeString(file, ORIGINAL + "# BEGIN pictl [all]\narm_freq=1800\n");
        Map<String, String> r = run(root, values("all", "arm_freq=1500"));
        assertEquals("3", r.get("exit"));
        assertTrue(r.get("output").contains("'# BEGIN pictl' has no '# END pictl'"), r.get("output"));
        assertEquals(ORIGINAL + "# BEGIN pictl [all]\narm_freq=1800\n", Files.readString(file), "untouched");
        assertFalse(Files.exists(root.resolve("boot/firmware/config.txt.pictl-tmp")));

        Files.delete(file);
        Files.writeString(root.resolve("boot/config.txt"),
                "DO NOT EDIT THIS FILE\n\nThe file you are looking for has moved to /boot/firmware/config.txt\n");
        Map<String, String> stub = run(root, values("all", "arm_freq=1500"));
        assertEquals("3", stub.get("exit"));
        assertTrue(stub.get("output").contains("no usable config.txt"), stub.get("output"));
    }

    @Test
    void editScript_carriesHostileTextAsOneQuotedWord() throws Exception {
        ApplyException e = assertThrows(ApplyException.class, () -> BootConfigExecutor.editScript(NODE,
                values("all", "x=1\n# END pictl [all]\n$(reboot)")));
        assertTrue(e.getMessage().contains("control character"), e.getMessage());
        String script = BootConfigExecutor.editScript(NODE, values("all", "dtparam=a=$(reboot)`id`"));
        assertTrue(script.contains("BLOCK='# BEGIN pictl [all]\n[all]\ndtoverlay=\ndtparam=a=$(reboot)`id`\n"
                + "dtoverlay=\n# END pictl [all]'\n"), script);
    }

    // ------------------------------------------------------------------ the executor's steps

    private final FakeTransport transport = new FakeTransport();
    private final FakeSession pi = transport.node(NODE);
    private final List<String> progress = new ArrayList<>();

    private ApplyContext context() {
        return TestContexts.apply(transport, null, new ApplyHook() {
            @Override
            public void step(ResourceAddress address, String step) {
                progress.add(step);
            }
        });
    }

    private static ResourceChange change(Map<String, Object> after) {
        return new ResourceChange(ResourceAddress.of(BootConfigType.NAME, "poe", NODE), NODE, Action.UPDATE,
                ActionReason.ATTRIBUTE_CHANGED, Map.of(), after, Set.of(), List.of(), false, false, null, "",
                List.of(ResourceAddress.of("node", NODE)));
    }

    private static final String EDITED_NO = "edited=no\npath=/boot/firmware/config.txt\npending=no\n"
            + "boot_id=0b3c1c57-0a1e-4f5e-9d8e-2f4b6a7c8d9e\nk3s=inactive\n";

    @Test
    void nothingToWrite_andNothingPending_verifiesWithoutAReboot() throws Exception {
        pi.when("BLOCK=").answer(EDITED_NO)
                .when("get_config").answer("model=" + PI4 + "\n@@pictl-vcgencmd\narm_64bit=1\npoe_fan_temp0=65000\n");
        new BootConfigExecutor().apply(change(values("pi4", "dtoverlay=rpi-poe-plus", "dtparam=poe_fan_temp0=65000")
                .canonical()), context());
        assertEquals(List.of(BootConfigExecutor.EDIT, BootConfigExecutor.VERIFY), pi.steps(), pi::describe);
        assertTrue(pi.ran().get(0).asRoot(), "the edit runs as root");
    }

    @Test
    void aLineTheFirmwareDoesNotApply_isAnErrorNamingNodeLineAndWhatVcgencmdReported() {
        pi.when("BLOCK=").answer(EDITED_NO)
                .when("get_config").answer("model=" + PI4 + "\n@@pictl-vcgencmd\narm_64bit=1\n");
        ApplyException e = assertThrows(ApplyException.class, () -> new BootConfigExecutor().apply(
                change(values("pi4", "dtparam=poe_fan_temp0=65000").canonical()), context()));
        assertEquals(NODE, e.node());
        assertEquals(BootConfigExecutor.VERIFY, e.step());
        assertEquals("pi-1: verify: after the reboot the firmware does not apply \"dtparam=poe_fan_temp0=65000\" [pi4]: "
                + "vcgencmd get_config reports no poe_fan_temp0", e.getMessage());
        assertTrue(e.hint().contains("pictl will not reboot for it again"), e.hint());
    }

    @Test
    void aRefusedEdit_namesNodeStepAndTheScriptsReason() {
        pi.when("BLOCK=").fail(3, "/boot/firmware/config.txt: '# BEGIN pictl' has no '# END pictl'; pictl will not "
                + "guess where its lines end: fix the file by hand\n");
        ApplyException e = assertThrows(ApplyException.class, () -> new BootConfigExecutor().apply(
                change(values("all", "arm_freq=1500").canonical()), context()));
        assertTrue(e.getMessage().startsWith("pi-1: edit config.txt: command exited 3: /boot/firmware/config.txt: "
                + "'# BEGIN pictl' has no"), e.getMessage());
        assertEquals("fix config.txt by hand, then apply again", e.hint());
    }
}
