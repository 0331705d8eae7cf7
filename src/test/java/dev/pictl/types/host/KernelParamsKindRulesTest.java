package dev.pictl.types.host;

import static dev.pictl.types.host.HostFakes.attrs;
import static dev.pictl.types.host.HostFakes.named;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pictl.addr.ResourceAddress;
import dev.pictl.config.Config;
import dev.pictl.plan.ActionReason;
import dev.pictl.plan.AttributeChange;
import dev.pictl.plan.kind.Observed;
import dev.pictl.probe.NodeObservation;
import dev.pictl.probe.NodeObservation.Cmdline;
import dev.pictl.probe.NodeProbe;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.state.ResourceState;
import dev.pictl.testing.TestContexts;
import java.nio.file.Path;
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
 * {@link KernelParamsKind}'s diff rules as tables (fast tier): what the description asks, what a command line
 * observed on the node reads as (managed tokens found, remove tokens absent, booted), lists compared as sets, every
 * change rebooting, and "reboot pending" when only {@code booted} differs.
 */
@Tag("fast")
class KernelParamsKindRulesTest {
    private static final String FW = "/boot/firmware/cmdline.txt";
    private static final String MEM = "cgroup_enable=memory";
    private static final String CPUSET = "cgroup_enable=cpuset";
    private static final String MEM1 = "cgroup_memory=1";
    private static final List<String> BASE = List.of("console=serial0,115200", "root=PARTUUID=3b1c2a1d-02",
            "rootwait");
    private static final ResourceAddress ADDRESS = ResourceAddress.of(KernelParamsType.NAME, "cgroups", "pi-1");

    @TempDir
    Path tmp;

    private final KernelParamsKind kind = new KernelParamsKind();

    private Config config(List<String> add, List<String> remove) {
        return TestContexts.config(tmp, """
                cluster { name = "t" }
                node "pi-1" { address = "192.168.1.10" }
                %s "cgroups" {
                  nodes  = [node.pi-1]
                  add    = [%s]
                  remove = [%s]
                }
                """.formatted(KernelParamsType.NAME, hcl(add), hcl(remove)));
    }

    private static String hcl(List<String> tokens) {
        return String.join(", ", tokens.stream().map(t -> "\"" + t + "\"").toList());
    }

    private static List<String> with(List<String> base, String... more) {
        List<String> out = new java.util.ArrayList<>(base);
        out.addAll(List.of(more));
        return out;
    }

    // ------------------------------------------------------------------ desired

    static Stream<Arguments> desiredRows() {
        return Stream.of(
                Arguments.of(List.of(CPUSET, MEM, MEM1), List.of()),
                Arguments.of(List.of(MEM), List.of("quiet", "splash")),
                Arguments.of(List.of(), List.of("quiet")),
                Arguments.of(List.of(), List.of()));
    }

    @ParameterizedTest(name = "add {0}, remove {1}")
    @MethodSource("desiredRows")
    void desired_isAddRemoveAndBooted_inThatOrder(List<String> add, List<String> remove) {
        Config config = config(add, remove);
        Map<String, Object> d = kind.desired(HostFakes.instance(config, ADDRESS),
                TestContexts.plan(config, named("pi-1", "pi-1")));
        assertEquals(attrs("add", add, "remove", remove, "booted", true), d);
        assertEquals(List.of("add", "remove", "booted"), List.copyOf(d.keySet()));
    }

    // ------------------------------------------------------------------ observe

    /**
     * One row: the description's add/remove, the state's add (null: not in the state), the file's first line and
     * /proc/cmdline (file null: no usable cmdline.txt), and what observe must give.
     */
    record ObserveRow(String name, List<String> add, List<String> remove, List<String> priorAdd, List<String> file,
                      List<String> running, Observed expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Observed present(List<String> add, List<String> remove, boolean booted) {
        return new Observed.Present(attrs("add", add, "remove", remove, "booted", booted, "cmdline_file", FW));
    }

    static Stream<Arguments> observeRows() {
        List<String> all = List.of(CPUSET, MEM, MEM1);
        List<String> done = with(BASE, CPUSET, MEM, MEM1);
        return Stream.of(
                new ObserveRow("fresh board, never applied: absent", all, List.of(), null, BASE, BASE,
                        new Observed.Absent()),
                new ObserveRow("fresh board but in the state: present with nothing", all, List.of(), all, BASE, BASE,
                        present(List.of(), List.of(), false)),
                new ObserveRow("applied and booted", all, List.of(), all, done, done, present(all, List.of(), true)),
                new ObserveRow("applied and booted, never recorded (observation decides)", all, List.of(), null, done,
                        done, present(all, List.of(), true)),
                new ObserveRow("file right, kernel not: booted false", all, List.of(), all, done, BASE,
                        present(all, List.of(), false)),
                new ObserveRow("found tokens are listed in the file's order, once", all, List.of(), null,
                        with(BASE, MEM1, CPUSET, MEM1), with(BASE, MEM1, CPUSET),
                        present(List.of(MEM1, CPUSET), List.of(), false)),
                new ObserveRow("a token dropped from add but in the state's add is still managed", List.of(MEM),
                        List.of(), List.of(MEM, "quiet"), with(BASE, "quiet", MEM), with(BASE, "quiet", MEM),
                        present(List.of("quiet", MEM), List.of(), true)),
                new ObserveRow("a token nobody manages is not listed", List.of(MEM), List.of(), null,
                        with(BASE, "quiet", MEM), with(BASE, "quiet", MEM), present(List.of(MEM), List.of(), true)),
                new ObserveRow("remove tokens absent from the file are listed; present ones are not",
                        List.of(), List.of("quiet", "splash"), null, with(BASE, "splash"), with(BASE, "splash"),
                        present(List.of(), List.of("quiet"), false)),
                new ObserveRow("nothing to add and the remove tokens gone: present, booted", List.of(),
                        List.of("quiet"), null, BASE, BASE, present(List.of(), List.of("quiet"), true)),
                new ObserveRow("a remove token still running: not booted", List.of(MEM), List.of("quiet"), null,
                        with(BASE, MEM), with(BASE, MEM, "quiet"), present(List.of(MEM), List.of("quiet"), false)),
                new ObserveRow("/proc/cmdline unreadable: not booted", List.of(MEM), List.of(), null,
                        with(BASE, MEM), List.of(), present(List.of(MEM), List.of(), false)),
                new ObserveRow("deleting (no description): the state's tokens found, booted", null, null, all,
                        with(BASE, MEM), with(BASE, MEM), present(List.of(MEM), List.of(), true)),
                new ObserveRow("no usable cmdline.txt: unknown, never the stub", all, List.of(), all, null, BASE,
                        new Observed.Unknown("pi-1: no usable cmdline.txt (neither /boot/firmware/cmdline.txt nor a "
                                + "real /boot/cmdline.txt); pictl will not edit the Bookworm stub")))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("observeRows")
    void observe_readsTheCommandLine(ObserveRow row) {
        Config config = row.add() == null ? config(List.of(), List.of()) : config(row.add(), row.remove());
        ResourceInstance instance = row.add() == null ? null : HostFakes.instance(config, ADDRESS);
        ResourceState prior = row.priorAdd() == null ? null
                : ResourceState.of(ADDRESS, "pi-1").withAttributes(attrs("add", row.priorAdd(), "remove", List.of(),
                "booted", true, "cmdline_file", FW));
        Cmdline c = row.file() == null ? new Cmdline(null, null, List.of(), row.running(), List.of())
                : new Cmdline(FW, String.join(" ", row.file()) + "\n", row.file(), row.running(),
                List.of("cpuset", "cpu", "io", "memory", "pids"));
        NodeObservation o = named("pi-1", "pi-1").with(NodeProbe.CMDLINE, c);
        assertEquals(row.expected(), kind.observe(instance, prior, "pi-1", TestContexts.plan(config, o)));
    }

    @Test
    void observe_unreachable_isUnknownWithTheTransportReason() {
        Config config = config(List.of(MEM), List.of());
        assertEquals(new Observed.Unknown("pi-1: not probed"),
                kind.observe(HostFakes.instance(config, ADDRESS), null, "pi-1", TestContexts.plan(config)));
    }

    @Test
    void observe_probeWithoutTheCmdlinePart_isUnknown() {
        Config config = config(List.of(MEM), List.of());
        Observed o = kind.observe(HostFakes.instance(config, ADDRESS), null, "pi-1",
                TestContexts.plan(config, named("pi-1", "pi-1")));
        assertEquals(new Observed.Unknown("pi-1: no usable cmdline.txt (neither /boot/firmware/cmdline.txt nor a "
                + "real /boot/cmdline.txt); pictl will not edit the Bookworm stub"), o);
    }

    /** Booted with the memory flag but no memory controller: present and booted, with Health's finding as note. */
    @Test
    void observe_memoryFlagBootedButNoController_notesTheOverride_noSecondReboot() {
        Config config = config(List.of(MEM), List.of());
        List<String> line = with(BASE, MEM);
        NodeObservation o = named("pi-1", "pi-1").with(NodeProbe.CMDLINE,
                new Cmdline(FW, String.join(" ", line), line, line, List.of("cpuset", "cpu", "io", "pids")));
        Observed observed = kind.observe(HostFakes.instance(config, ADDRESS), null, "pi-1",
                TestContexts.plan(config, o));
        assertEquals(new Observed.Present(attrs("add", List.of(MEM), "remove", List.of(), "booted", true,
                "cmdline_file", FW), "the running kernel has cgroup_enable=memory but no memory cgroup controller: "
                + "the kernel or firmware ignores or overrides the flag, so no cmdline.txt edit is guaranteed to fix "
                + "it; k3s will not start without it (kernel " + HostFakes.KERNEL + "; /proc/cmdline: "
                + String.join(" ", line) + ")"), observed);
    }

    @Test
    void observe_memoryFlagNotBooted_noNoteYet() {
        Config config = config(List.of(MEM), List.of());
        List<String> line = with(BASE, MEM);
        NodeObservation o = named("pi-1", "pi-1").with(NodeProbe.CMDLINE,
                new Cmdline(FW, String.join(" ", line), line, BASE, List.of("cpuset", "cpu")));
        Observed.Present p = (Observed.Present) kind.observe(HostFakes.instance(config, ADDRESS), null, "pi-1",
                TestContexts.plan(config, o));
        assertEquals(null, p.note());
        assertEquals(false, p.attributes().get("booted"));
    }

    /**
     * The firmware rewrites {@code console=serial0,115200} in cmdline.txt to the board's real UART before the kernel
     * sees it ({@code console=ttyS0,115200} on a Pi 4; facts §3.4, and {@code Health.notBooted} counts it as booted).
     * A kernel_params that adds it must then read as booted, or every plan shows "reboot pending" for ever.
     */
    @Test
    void observe_serialConsoleTheFirmwareRewrote_countsAsBooted() {
        String serial = "console=serial0,115200";
        Config config = config(List.of(serial, MEM), List.of());
        List<String> file = List.of(serial, "root=PARTUUID=3b1c2a1d-02", "rootwait", MEM);
        List<String> running = List.of("coherent_pool=1M", "8250.nr_uarts=1", "console=ttyS0,115200",
                "root=PARTUUID=3b1c2a1d-02", "rootwait", MEM);
        NodeObservation o = named("pi-1", "pi-1").with(NodeProbe.CMDLINE, new Cmdline(FW, String.join(" ", file), file,
                running, List.of("cpuset", "cpu", "io", "memory", "pids")));
        assertEquals(new Observed.Present(attrs("add", List.of(serial, MEM), "remove", List.of(), "booted", true,
                "cmdline_file", FW)), kind.observe(HostFakes.instance(config, ADDRESS), null, "pi-1",
                TestContexts.plan(config, o)));
    }

    // ------------------------------------------------------------------ a delete's reboot

    /** One row: pictl's tokens as observed in the file, the running kernel, whether deleting reboots. */
    record DeleteRow(String name, List<String> inFile, List<String> running, boolean reboots) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<DeleteRow> deleteRows() {
        return Stream.of(
                new DeleteRow("booted: the kernel has them", List.of(CPUSET, MEM, MEM1), with(BASE, CPUSET, MEM, MEM1), true),
                new DeleteRow("one of them booted", List.of(MEM), with(BASE, MEM), true),
                new DeleteRow("in the file, never booted", List.of(CPUSET, MEM), BASE, false),
                new DeleteRow("gone from the file already, still booted (nothing to edit: no reboot)", List.of(),
                        with(BASE, MEM), false),
                new DeleteRow("the firmware's rewrite of a serial console counts as booted",
                        List.of("console=serial0,115200"), List.of("console=ttyS0,115200", "rootwait"), true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("deleteRows")
    void rebootsOnDelete_whenTheRunningKernelHasOneOfTheTokensTheDeleteTakesOut(DeleteRow row) {
        Config config = TestContexts.config(tmp, "cluster { name = \"t\" }\nnode \"pi-1\" { address = \"192.168.1.10\" }\n");
        List<String> file = with(BASE, row.inFile().toArray(String[]::new));
        NodeObservation o = named("pi-1", "pi-1").with(NodeProbe.CMDLINE, new Cmdline(FW, String.join(" ", file), file,
                row.running(), List.of("cpuset", "cpu", "io", "memory", "pids")));
        Observed.Present observed = new Observed.Present(attrs("add", row.inFile(), "remove", List.of(), "booted", true,
                "cmdline_file", FW));
        assertEquals(row.reboots(), kind.rebootsOnDelete(observed, "pi-1", TestContexts.plan(config, o)));
    }

    @Test
    void rebootsOnDelete_notWhenTheNodeWasNotRead() {
        Config config = TestContexts.config(tmp, "cluster { name = \"t\" }\n");
        Observed.Present observed = new Observed.Present(attrs("add", List.of(MEM), "remove", List.of(), "booted", true,
                "cmdline_file", FW));
        assertEquals(false, kind.rebootsOnDelete(observed, "pi-1", TestContexts.plan(config)));
    }

    // ------------------------------------------------------------------ same, reboots, pending, replacing

    record SameRow(String attribute, Object desired, Object observed, boolean same) {
    }

    static Stream<Arguments> sameRows() {
        return Stream.of(
                new SameRow("add", List.of(CPUSET, MEM), List.of(MEM, CPUSET), true),
                new SameRow("add", List.of(CPUSET, MEM), List.of(CPUSET, MEM), true),
                new SameRow("add", List.of(MEM), List.of(MEM, MEM), true),
                new SameRow("add", List.of(CPUSET, MEM), List.of(MEM), false),
                new SameRow("add", List.of(), List.of(MEM), false),
                new SameRow("add", List.of(), List.of(), true),
                new SameRow("remove", List.of("quiet", "splash"), List.of("splash", "quiet"), true),
                new SameRow("remove", List.of("quiet"), List.of(), false),
                new SameRow("add", List.of(MEM), List.of("Cgroup_enable=memory"), false),
                new SameRow("booted", true, true, true),
                new SameRow("booted", true, false, false),
                new SameRow("cmdline_file", FW, FW, true),
                new SameRow("add", List.of(MEM), MEM, false))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}: {1} vs {2} -> {3}")
    @MethodSource("sameRows")
    void same_comparesListsAsSets(SameRow row) {
        assertEquals(row.same(), kind.same(row.attribute(), row.desired(), row.observed()));
    }

    static Stream<Arguments> rebootRows() {
        AttributeChange add = new AttributeChange("add", List.of(), List.of(MEM), false, false);
        AttributeChange remove = new AttributeChange("remove", List.of(), List.of("quiet"), false, false);
        AttributeChange booted = new AttributeChange("booted", false, true, false, false);
        return Stream.of(
                Arguments.of("no change", List.of(), false),
                Arguments.of("add", List.of(add), true),
                Arguments.of("remove", List.of(remove), true),
                Arguments.of("booted only (reboot pending)", List.of(booted), true),
                Arguments.of("all three", List.of(add, remove, booted), true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rebootRows")
    void reboots_anyChangeReboots(String name, List<AttributeChange> changes, boolean reboots) {
        assertEquals(reboots, kind.reboots(changes));
    }

    static Stream<Arguments> pendingRows() {
        return Stream.of(Arguments.of("booted", ActionReason.REBOOT_PENDING), Arguments.of("add", null),
                Arguments.of("remove", null), Arguments.of("cmdline_file", null),
                Arguments.of(NodeKind.CORDONED_BY_PICTL, null));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("pendingRows")
    void pendingReason_onlyBootedIsARebootPending(String attribute, ActionReason reason) {
        assertEquals(reason, kind.pendingReason(attribute));
    }

    @Test
    void contract_listsUnordered_nothingReplaces_noLeftovers() {
        assertEquals(KernelParamsType.NAME, kind.type());
        assertTrue(kind.unorderedLists(), "hashes of lists must be order-free like same()");
        assertEquals(Set.of(), kind.replacing());
        assertEquals(Set.of(), kind.leftovers());
        assertEquals(false, kind.drainsBeforeDelete());
    }
}
