package dev.pictl.types.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pictl.addr.ResourceAddress;
import dev.pictl.apply.ApplyContext;
import dev.pictl.apply.ApplyException;
import dev.pictl.apply.ApplyHook;
import dev.pictl.apply.Recorded;
import dev.pictl.cli.view.PlanView;
import dev.pictl.config.Config;
import dev.pictl.diag.Diagnostics;
import dev.pictl.graph.GraphBuilder;
import dev.pictl.graph.ResourceGraph;
import dev.pictl.plan.Action;
import dev.pictl.plan.ActionReason;
import dev.pictl.plan.Differ;
import dev.pictl.plan.Plan;
import dev.pictl.plan.PlanCodec;
import dev.pictl.plan.PlanRequest;
import dev.pictl.plan.ResourceChange;
import dev.pictl.probe.NodeObservation;
import dev.pictl.probe.ProbeOutcome;
import dev.pictl.probe.ProbeOutput;
import dev.pictl.probe.ProbeRequest;
import dev.pictl.probe.ProbeScript;
import dev.pictl.state.ResourceState;
import dev.pictl.state.State;
import dev.pictl.testing.FakeSession;
import dev.pictl.testing.FakeTransport;
import dev.pictl.testing.TestContexts;
import dev.pictl.types.ResourceTypes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code os_updates} without a simulator (issue 15): apt's output read, the plan's rules (listed, not changed, unless
 * --upgrade-os; the policy's choice; reboots), the roll's order in the graph, the node-side script and how its failure
 * reads. {@code OsUpdatesE2eTest} runs the whole flow on simulated boards.
 */
@Tag("fast")
class OsUpdatesTableTest {
    static final String NODE = "pi-1";

    /** apt-get -s full-upgrade as apt 2.6 prints it (pkgSimulate: Inst and Conf lines, RelStr origins). */
    static final String SIMULATED = """
            Reading package lists...
            Building dependency tree...
            Reading state information...
            Calculating upgrade...
            The following packages have been kept back:
              docker.io
            The following packages will be upgraded:
              libssl3 linux-image-rpi-v8 tzdata
            3 upgraded, 0 newly installed, 0 to remove and 1 not upgraded.
            Inst libssl3 [3.0.14-1~deb12u2] (3.0.15-1~deb12u1 Debian-Security:12/stable-security [arm64])
            Inst linux-image-rpi-v8 [1:6.6.51-1+rpt3] (1:6.6.62-1+rpt1 Raspberry Pi Foundation:stable [arm64]) []
            Inst tzdata [2024a-0+deb12u1] (2024b-0+deb12u1 Debian:12.9/stable, Debian:12.9/stable [all])
            Conf libssl3 (3.0.15-1~deb12u1 Debian-Security:12/stable-security [arm64])
            Conf linux-image-rpi-v8 (1:6.6.62-1+rpt1 Raspberry Pi Foundation:stable [arm64])
            Conf tzdata (2024b-0+deb12u1 Debian:12.9/stable, Debian:12.9/stable [all])
            """;

    @TempDir
    Path tmp;

    // ------------------------------------------------------------------ apt's output

    @Test
    void simulated_readsInstLines_withSecurityAndRebootPackages() {
        List<Apt.Upgrade> u = Apt.simulated("NOTE: This is only a simulation!\n" + SIMULATED);
        assertEquals(List.of("libssl3", "linux-image-rpi-v8", "tzdata"), u.stream().map(Apt.Upgrade::name).toList());
        assertEquals(List.of(true, false, false), u.stream().map(Apt.Upgrade::security).toList());
        assertEquals(List.of(false, true, false), u.stream().map(Apt.Upgrade::needsReboot).toList());
        assertEquals("libssl3 3.0.14-1~deb12u2 -> 3.0.15-1~deb12u1 (security)", u.get(0).line());
        assertEquals("linux-image-rpi-v8 1:6.6.51-1+rpt3 -> 1:6.6.62-1+rpt1 (kernel)", u.get(1).line());
        assertEquals("Debian:12.9/stable, Debian:12.9/stable", u.get(2).origin());
    }

    @Test
    void simulated_aPackageLeftHalfConfigured_isStillPending() {
        String text = "0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n1 not fully installed or removed.\n"
                + "Conf tzdata (2024b-0+deb12u1 Debian:12.9/stable [all])\n";
        List<Apt.Upgrade> u = Apt.simulated(text);
        assertEquals(1, u.size());
        assertEquals("tzdata 2024b-0+deb12u1 (not fully installed)", u.get(0).line());
        assertEquals(List.of(), Apt.simulated("0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n"));
    }

    static Stream<Arguments> rebootPackages() {
        return Stream.of(Arguments.of("linux-image-rpi-v8", true), Arguments.of("linux-image-rpi-2712", true),
                Arguments.of("raspberrypi-kernel", true), Arguments.of("raspi-firmware", true),
                Arguments.of("raspberrypi-bootloader", true), Arguments.of("linux-headers-rpi-v8", false),
                Arguments.of("rpi-eeprom", false), Arguments.of("openssl", false),
                Arguments.of("linux-image-rpi-v8:arm64", true));
    }

    @ParameterizedTest(name = "{0}: reboot {1}")
    @MethodSource("rebootPackages")
    void kernelAndFirmwarePackagesNeedAReboot(String name, boolean reboot) {
        assertEquals(reboot, Apt.rebootPackage(name));
    }

    @Test
    void unpacked_andHeld_andNames() {
        String out = "Preparing to unpack .../linux-image-rpi-v8_1%3a6.6.62-1+rpt1_arm64.deb ...\n"
                + "Unpacking linux-image-rpi-v8 (1:6.6.62-1+rpt1) over (1:6.6.51-1+rpt3) ...\n"
                + "Unpacking tzdata (2024b-0+deb12u1) over (2024a-0+deb12u1) ...\nSetting up tzdata (2024b-0+deb12u1) ...\n";
        assertEquals(List.of("linux-image-rpi-v8", "tzdata"), Apt.unpacked(out));
        assertEquals(Set.of("docker.io"), Apt.held("hi |docker.io\nii |nano\nrc |x\n"));
        assertTrue(Apt.packageName("docker.io") && Apt.packageName("libstdc++6") && Apt.packageName("a:arm64"));
        assertFalse(Apt.packageName("x; rm -rf /") || Apt.packageName("-f") || Apt.packageName("A") || Apt.packageName(""));
    }

    // ------------------------------------------------------------------ the plan's rules

    record Row(String name, String policy, boolean upgrade, String apt, boolean rebootRequired, String held,
               String action, List<String> changed, boolean reboot, String listed) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> plans() {
        String kernelOnly = "Inst linux-image-rpi-v8 [1] (2 Raspberry Pi Foundation:stable [arm64])\n";
        return Stream.of(
                new Row("pending, no --upgrade-os: listed, not a change", "", false, SIMULATED, false, "",
                        "no_op", List.of(), false, "pi-1: 3 (1 security), kernel \u2192 reboot"),
                new Row("--upgrade-os: an update that reboots", "", true, SIMULATED, false, "",
                        "update", List.of("pending_updates", "reboot_needed"), true,
                        "pi-1: 3 (1 security), kernel \u2192 reboot"),
                new Row("--upgrade-os, security only: the kernel is not among them, no reboot",
                        "updates = \"security\"", true, SIMULATED, false, "", "update", List.of("pending_updates"),
                        false, "pi-1: 3 (1 security), 1 by its policy"),
                new Row("security only, listed: what the policy installs", "updates = \"security\"", false,
                        SIMULATED, false, "", "no_op", List.of(), false, "pi-1: 3 (1 security), 1 by its policy"),
                new Row("reboot = never: installed, never rebooted", "reboot = \"never\"", true, SIMULATED, false, "",
                        "update", List.of("pending_updates"), false,
                        "pi-1: 3 (1 security), kernel \u2192 reboot needed (reboot = \"never\")"),
                new Row("reboot = never, listed", "reboot = \"never\"", false, kernelOnly, false, "",
                        "no_op", List.of(), false, "pi-1: 1 (0 security), kernel \u2192 reboot needed (reboot = \"never\")"),
                new Row("a held package is left out", "hold = [\"tzdata\"]", false, SIMULATED, false, "hi |tzdata\n",
                        "no_op", List.of(), false, "pi-1: 2 (1 security), kernel \u2192 reboot"),
                new Row("a declared hold not on the node: a change without --upgrade-os", "hold = [\"tzdata\"]", false,
                        "", false, "ii |tzdata\n", "update", List.of("hold"), false, null),
                new Row("only /run/reboot-required, --upgrade-os: a reboot", "", true, "", true, "",
                        "update", List.of("reboot_needed"), true, "pi-1: 0 (0 security), reboot required \u2192 reboot"),
                new Row("nothing pending: nothing listed, no change with --upgrade-os", "", true, "", false, "",
                        "no_op", List.of(), false, null))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("plans")
    void plan(Row row) {
        Plan p = plan(row.policy(), row.upgrade(), row.apt(), row.rebootRequired(), row.held());
        ResourceChange c = p.changes().stream().filter(x -> x.address().type().equals(OsUpdatesType.NAME))
                .findFirst().orElseThrow();
        assertEquals(row.action(), c.action().name().toLowerCase(), c.toString());
        assertEquals(row.changed(), c.changes().stream().map(a -> a.name()).toList());
        assertEquals(row.reboot(), c.reboot());
        if (row.changed().contains("pending_updates") || row.changed().contains("reboot_needed")) {
            assertEquals(ActionReason.OS_UPGRADE, c.reason());
            assertTrue(new OsUpdatesExecutor().takesNodeOutOfService(c), "counted within max_unavailable");
        } else {
            assertFalse(new OsUpdatesExecutor().takesNodeOutOfService(c));
        }
        assertEquals(row.listed() == null ? List.of() : List.of(row.listed()),
                p.updates().stream().map(PlanView::updatesLine).toList());
        assertEquals(!row.action().equals("no_op"), p.hasChanges(), "only a change counts for --detailed-exitcode");
        // The section is for plans without --upgrade-os: with it, the updates are the changes.
        assertEquals(row.listed() != null && !row.upgrade(), new PlanView(false).render(p).contains("Updates available"));
        // The JSON carries the list and the mode, and reads back the same (a saved plan's check).
        Plan back = assertRoundTrip(p);
        assertEquals(p.updates(), back.updates());
        assertEquals(p.upgradeOs(), back.upgradeOs());
    }

    @Test
    void theStateRecordsThePolicyOnly() {
        Plan p = plan("", true, SIMULATED, false, "");
        ResourceChange c = p.changes().stream().filter(x -> x.address().type().equals(OsUpdatesType.NAME))
                .findFirst().orElseThrow();
        Recorded r = new OsUpdatesExecutor().adopted(c);
        assertEquals(Map.of("updates", "all", "hold", List.of(), "reboot", "if-required"), r.attributes());
    }

    @Test
    void aPolicyEdit_isAnUpdateThatOnlyRecords_andNeverDrift() {
        State recorded = State.empty().withResource(ResourceState.of(ResourceAddress.of(OsUpdatesType.NAME, "all", NODE),
                NODE).withAttributes(Map.of("updates", "all", "hold", List.of(), "reboot", "if-required")));
        Plan p = plan("updates = \"security\"", false, SIMULATED, false, "", recorded);
        ResourceChange c = p.changes().stream().filter(x -> x.address().type().equals(OsUpdatesType.NAME))
                .findFirst().orElseThrow();
        assertEquals(Action.UPDATE, c.action());
        assertEquals(List.of("updates"), c.changes().stream().map(a -> a.name()).toList());
        assertFalse(new OsUpdatesExecutor().takesNodeOutOfService(c), "no node is touched");
        assertEquals(List.of(), p.drift(), "the policy is not on the node: the state's is what it shows");
    }

    private Plan plan(String policy, boolean upgrade, String apt, boolean rebootRequired, String held) {
        return plan(policy, upgrade, apt, rebootRequired, held, State.empty());
    }

    private Plan plan(String policy, boolean upgrade, String apt, boolean rebootRequired, String held, State state) {
        Config c = TestContexts.config(tmp, "node \"pi-1\" { address = \"192.168.1.10\" }\n"
                + "os_updates \"all\" {\n  nodes = [node.pi-1]\n  " + policy + "\n}\n");
        Diagnostics diags = new Diagnostics();
        ResourceGraph graph = GraphBuilder.build(c.instances(), ResourceTypes.standard().all(), diags);
        assertEquals(List.of(), diags.sorted());
        String m = ProbeScript.MARKER;
        String out = m + "os-upgrades\n" + apt + m + "os-reboot\n" + (rebootRequired ? "reboot-required\n" : "")
                + m + "os-holds\n" + held;
        ProbeRequest asked = ProbeRequest.of(NODE).with(OsUpdatesType.ASK, List.of("tzdata"));
        NodeObservation o = NodeObservation.of(NODE, new NodeObservation.Facts("Raspberry Pi 4 Model B Rev 1.4",
                        "aarch64", "arm64", 3_884_000, 3_000_000, "debian", "12", "bookworm", "6.6.51+rpt-rpi-v8",
                        "/dev/mmcblk0p2", "sd", "0x0", 45.0, "boot-1", NODE, NODE, NODE))
                .with(OsUpdatesType.PROBE, OsUpdatesType.PROBE.parse(asked, ProbeOutput.of(out)));
        return Differ.plan(ResourceTypes.standard().kinds(), c, graph, Map.of(NODE, new ProbeOutcome.Observed(o)),
                state, TestContexts.HASHER, PlanRequest.normal().withUpgradeOs(upgrade), "0.0.0-test");
    }

    private static Plan assertRoundTrip(Plan p) {
        try {
            return PlanCodec.read(PlanCodec.write(p));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    // ------------------------------------------------------------------ the roll's order

    @Test
    void graph_serversFirst_oneAfterAnother_agentsAfterTheLastServer() {
        Config c = TestContexts.config(tmp, """
                variable "t" {
                  sensitive = true
                  default   = "secret-token-1234"
                }
                node "s1" { address = "192.168.1.10" }
                node "w1" { address = "192.168.1.11" }
                node "w2" { address = "192.168.1.12" }
                node "bare" { address = "192.168.1.13" }
                k3s_server "main" {
                  node    = node.s1
                  version = "v1.31.4+k3s1"
                  token   = var.t
                }
                k3s_agent "workers" {
                  nodes  = [node.w1, node.w2]
                  server = k3s_server.main
                }
                os_updates "all" { nodes = [node.w1, node.w2, node.s1, node.bare] }
                """);
        Diagnostics diags = new Diagnostics();
        ResourceGraph g = GraphBuilder.build(c.instances(), ResourceTypes.standard().all(), diags);
        ResourceAddress s1 = ResourceAddress.of(OsUpdatesType.NAME, "all", "s1");
        ResourceAddress w1 = ResourceAddress.of(OsUpdatesType.NAME, "all", "w1");
        ResourceAddress w2 = ResourceAddress.of(OsUpdatesType.NAME, "all", "w2");
        ResourceAddress bare = ResourceAddress.of(OsUpdatesType.NAME, "all", "bare");
        assertTrue(g.dependencies(w1).contains(s1), g.dependencies(w1).toString());
        assertTrue(g.dependencies(w2).contains(s1), g.dependencies(w2).toString());
        assertTrue(g.dependencies(s1).contains(ResourceAddress.of("k3s_server", "main")), g.dependencies(s1).toString());
        assertFalse(g.dependencies(bare).contains(s1), "a board outside the cluster waits for no server");
        assertFalse(g.dependencies(w1).contains(w2) || g.dependencies(w2).contains(w1),
                "agents are ordered by --max-unavailable, not by the graph");
    }

    // ------------------------------------------------------------------ the node-side script

    @Test
    void script_updatesWaitingForTheLock_keepsConfigFiles_neverPrompts() {
        String s = OsUpdatesExecutor.script(OsPolicy.of(Map.of()), List.of("docker.io"), List.of("nano"));
        assertOrder(s, "trap '' HUP PIPE", "export DEBIAN_FRONTEND=noninteractive", "apt-get -o DPkg::Lock::Timeout=300 update",
                "apt-mark hold 'docker.io'", "apt-mark unhold 'nano'",
                "apt-get -o DPkg::Lock::Timeout=300 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "
                        + "-y full-upgrade", "pictl_done=1");
        String sec = OsUpdatesExecutor.script(OsPolicy.of(Map.of("updates", "security")), List.of(), List.of());
        assertTrue(sec.contains("install --only-upgrade $p") && !sec.contains("-y full-upgrade"), sec);
        assertThrows(IllegalArgumentException.class,
                () -> OsUpdatesExecutor.script(OsPolicy.of(Map.of()), List.of("x;reboot"), List.of()));
    }

    private final FakeTransport transport = new FakeTransport();
    private final FakeSession pi = transport.node(NODE);

    @Test
    void apply_upgradesOnce_rebootsWhenAKernelWasUnpacked() throws Exception {
        String oldBoot = "11111111-2222-3333-4444-555555555555";
        pi.when("^cat .*boot_id\"$").answer("99999999-2222-3333-4444-555555555555\n")
                .when("systemd-run").answer("scheduled=systemd-run\n")
                .when("full-upgrade").answer("pictl_boot_id=" + oldBoot + "\nHit:1 x\n"
                        + "Unpacking linux-image-rpi-v8 (1:6.6.62-1+rpt1) over (1:6.6.51-1+rpt3) ...\npictl_done=1\n");
        List<String> steps = new ArrayList<>();
        ApplyContext ctx = TestContexts.apply(transport, null, new ApplyHook() {
            @Override
            public void step(ResourceAddress address, String step) {
                steps.add(step);
            }
        });
        new OsUpdatesExecutor().apply(upgrade(false), ctx);
        assertEquals(List.of(OsUpdatesExecutor.UPGRADE, "reboot", "wait for boot"), steps);
    }

    @Test
    void apply_noKernel_noReboot() throws Exception {
        pi.when("full-upgrade").answer("pictl_boot_id=x\nUnpacking tzdata (2) over (1) ...\npictl_done=1\n");
        new OsUpdatesExecutor().apply(upgrade(false), TestContexts.apply(transport, null, ApplyHook.NONE));
        assertEquals(List.of(OsUpdatesExecutor.UPGRADE), pi.steps(), pi::describe);
    }

    @Test
    void aFailedUpgrade_carriesDpkg_sTail_andSaysTheRunResumes() {
        pi.when("full-upgrade").exit(1, "pictl_boot_id=x\nSetting up tzdata (2024b-0+deb12u1) ...\n"
                        + "pictl_failed=upgrade\n", "dpkg: error processing package tzdata (--configure):\n"
                        + " installed tzdata package post-installation script subprocess returned error exit status 1\n"
                        + "Errors were encountered while processing:\n tzdata\n"
                        + "E: Sub-process /usr/bin/dpkg returned an error code (1)\n");
        ApplyException e = assertThrows(ApplyException.class, () -> new OsUpdatesExecutor().apply(upgrade(false),
                TestContexts.apply(transport, null, ApplyHook.NONE)));
        assertEquals(NODE, e.node());
        assertEquals(OsUpdatesExecutor.UPGRADE, e.step());
        assertTrue(e.getMessage().startsWith("pi-1: upgrade packages: the upgrade failed:\n"), e.getMessage());
        assertTrue(e.getMessage().contains("  dpkg: error processing package tzdata (--configure):"), e.getMessage());
        assertTrue(e.getMessage().endsWith("  E: Sub-process /usr/bin/dpkg returned an error code (1)"), e.getMessage());
        assertFalse(e.getMessage().contains("pictl_"), e.getMessage());
        assertTrue(e.hint().contains("again: it resumes there"), e.hint());
    }

    @Test
    void aLockStillHeld_saysWhoHoldsIt() {
        pi.when("full-upgrade").exit(1, "pictl_boot_id=x\nE: Could not get lock /var/lib/dpkg/lock-frontend. It is "
                + "held by process 2107 (unattended-upgr)\npictl_failed=lock\n", "");
        ApplyException e = assertThrows(ApplyException.class, () -> new OsUpdatesExecutor().apply(upgrade(false),
                TestContexts.apply(transport, null, ApplyHook.NONE)));
        assertTrue(e.getMessage().startsWith("pi-1: upgrade packages: the dpkg lock was still held after 300s:"),
                e.getMessage());
        assertTrue(e.getMessage().contains("(unattended-upgr)"), e.getMessage());
        assertTrue(e.hint().contains("apt-daily"), e.hint());
    }

    @Test
    void aHoldOnly_change_runsAptMark_andNoUpgrade() throws Exception {
        pi.when("apt-mark").answer("docker.io set on hold.\n");
        Map<String, Object> before = policy(List.of());
        Map<String, Object> after = policy(List.of("docker.io"));
        ResourceChange c = new ResourceChange(ResourceAddress.of(OsUpdatesType.NAME, "all", NODE), NODE, Action.UPDATE,
                ActionReason.ATTRIBUTE_CHANGED, before, after, Set.of(),
                List.of(new dev.pictl.plan.AttributeChange("hold", List.of(), List.of("docker.io"), false, false)),
                false, false, null, "", List.of());
        new OsUpdatesExecutor().apply(c, TestContexts.apply(transport, null, ApplyHook.NONE));
        assertEquals(List.of(OsUpdatesExecutor.HOLD), pi.steps(), pi::describe);
        assertTrue(pi.assertRan("apt-mark").script().contains("apt-mark hold 'docker.io'"));
        pi.assertNotRan("full-upgrade");
    }

    private static Map<String, Object> policy(List<String> hold) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("updates", "all");
        m.put("hold", hold);
        m.put("reboot", "if-required");
        return m;
    }

    private static ResourceChange upgrade(boolean reboot) {
        Map<String, Object> before = policy(List.of());
        before.put("pending_updates", List.of("tzdata 1 -> 2"));
        Map<String, Object> after = policy(List.of());
        after.put("pending_updates", List.of());
        return new ResourceChange(ResourceAddress.of(OsUpdatesType.NAME, "all", NODE), NODE, Action.UPDATE,
                ActionReason.OS_UPGRADE, before, after, Set.of(),
                List.of(new dev.pictl.plan.AttributeChange("pending_updates", List.of("tzdata 1 -> 2"), List.of(),
                        false, false)), reboot, false, null, "", List.of());
    }

    private static void assertOrder(String text, String... parts) {
        int at = -1;
        for (String p : parts) {
            int i = text.indexOf(p, at + 1);
            assertTrue(i > at, () -> "\"" + p + "\" not after the earlier parts in:\n" + text);
            at = i;
        }
    }
}
