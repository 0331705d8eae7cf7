package dev.pictl.types.host;

import static dev.pictl.types.host.HostFakes.BOOT_1;
import static dev.pictl.types.host.HostFakes.BOOT_2;
import static dev.pictl.types.host.HostFakes.KERNEL;
import static dev.pictl.types.host.HostFakes.attrs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pictl.addr.ResourceAddress;
import dev.pictl.apply.ApplyContext;
import dev.pictl.apply.ApplyException;
import dev.pictl.apply.ApplyOptions;
import dev.pictl.apply.Recorded;
import dev.pictl.plan.Action;
import dev.pictl.plan.ResourceChange;
import dev.pictl.testing.FakeSession;
import dev.pictl.testing.FakeTransport;
import dev.pictl.testing.TestContexts;
import dev.pictl.transport.TransportException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link KernelParamsExecutor}'s commands against {@link FakeSession}s (fast tier): which steps run for a change
 * (edit only; edit, reboot, wait, verify; with a drain and an uncordon through the server), as root or not, in
 * which order, what the edit is told to add and remove, what is recorded, and how every failure reads (node: step:
 * what, with a hint). The reboot is driven by answers: the edit reports the old boot_id, the wait reads a new one.
 * Waits that must run out use zero timeouts, so the executor's own back-off never runs and nothing sleeps.
 *
 * <p>pi-1 runs the server; pi-2's cmdline.txt is edited.
 */
@Tag("fast")
class KernelParamsExecutorScriptTest {
    private static final String FW = "/boot/firmware/cmdline.txt";
    private static final String CPUSET = "cgroup_enable=cpuset";
    private static final String MEM = "cgroup_enable=memory";
    private static final String MEM1 = "cgroup_memory=1";
    private static final List<String> ADD = List.of(CPUSET, MEM, MEM1);
    private static final String LINE = "console=serial0,115200 console=tty1 root=PARTUUID=3b1c2a1d-02 rootwait";
    private static final String PROC_OLD = "coherent_pool=1M 8250.nr_uarts=1 console=ttyS0,115200 console=tty1 "
            + "root=PARTUUID=3b1c2a1d-02 rootwait";
    private static final String PROC_NEW = PROC_OLD + " " + String.join(" ", ADD);
    private static final String ALL_CONTROLLERS = "cpuset cpu io memory pids";
    private static final ResourceAddress ADDRESS = ResourceAddress.of(KernelParamsType.NAME, "cgroups", "pi-2");

    private static final String WITH_SERVER = """
            cluster { name = "t" }
            node "pi-1" { address = "192.168.1.10" }
            node "pi-2" { address = "192.168.1.11" }
            k3s_server "control" {
              node    = node.pi-1
              version = "v1.31.4+k3s1"
            }
            %s "cgroups" {
              nodes = [node.pi-1, node.pi-2]
              add   = ["cgroup_enable=cpuset", "cgroup_enable=memory", "cgroup_memory=1"]
            }
            """.formatted(KernelParamsType.NAME);
    private static final String NO_SERVER = """
            cluster { name = "t" }
            node "pi-1" { address = "192.168.1.10" }
            node "pi-2" { address = "192.168.1.11" }
            %s "cgroups" {
              nodes = [node.pi-2]
              add   = ["cgroup_enable=cpuset", "cgroup_enable=memory", "cgroup_memory=1"]
            }
            """.formatted(KernelParamsType.NAME);
    private static final String PI_2_GONE = """
            cluster { name = "t" }
            node "pi-1" { address = "192.168.1.10" }
            """;

    private static final String WAIT_HINT_START = "check the board (power, network, SD card) and power-cycle it if "
            + "needed; its " + FW + " is already edited (the previous version is " + FW + ".pictl-bak); once it is up, "
            + "`pictl plan` shows whether the reboot is still pending.";
    private static final String VERIFY_HINT = "the firmware or the kernel overrides cmdline.txt (a cgroup_disable=memory "
            + "after it, or a kernel that ignores the flag); editing cmdline.txt again will not fix it and pictl will "
            + "not reboot for it again: update the firmware and kernel (sudo apt full-upgrade) and check /proc/cmdline.";

    @TempDir
    Path tmp;

    private final FakeTransport transport = new FakeTransport();
    private final FakeSession server = transport.node("pi-1");
    private final FakeSession pi = transport.node("pi-2");
    private final List<String> progress = Collections.synchronizedList(new ArrayList<>());

    // ------------------------------------------------------------------ answers and helpers

    private static String edited(String edited, String path, String proc, String k3s) {
        return "edited=" + edited + "\npath=" + path + "\nline=" + LINE + "\nboot_id=" + BOOT_1 + "\nproc=" + proc
                + "\nk3s=" + k3s + "\n";
    }

    private static String verified(String proc, String controllers) {
        return "proc=" + proc + "\ncontrollers=" + controllers + "\nkernel=" + KERNEL + "\n";
    }

    /** A board that reboots: the edit's answer given, the reboot scheduled, a new boot_id, the kernel has it all. */
    private void rebootingBoard(String editAnswer) {
        pi.whenStep(KernelParamsExecutor.EDIT).answer(editAnswer)
                .whenStep(Reboot.REBOOT).answer("scheduled=systemd-run\n")
                .whenStep(Reboot.WAIT_BOOT).answer(BOOT_2 + "\n")
                .whenStep(KernelParamsExecutor.VERIFY).answer(verified(PROC_NEW, ALL_CONTROLLERS));
    }

    /** A server whose cluster knows pi-2 as schedulable, drains it, and shows it Ready after its reboot. */
    private void answeringServer() {
        server.when("-o jsonpath='\\{\\.spec\\.unschedulable\\}'").answer("")
                .when("^k3s kubectl annotate node").answer("node/pi-2 annotated\n")
                .when("^k3s kubectl drain").answer("node/pi-2 cordoned\nnode/pi-2 drained\n")
                .when("--no-headers").answer("pi-2   Ready,SchedulingDisabled   <none>   5d   v1.31.4+k3s1\n")
                .when("^k3s kubectl uncordon").answer("node/pi-2 uncordoned\n");
    }

    private ApplyContext context(String hcl) {
        return context(hcl, ApplyOptions.defaults());
    }

    private ApplyContext context(String hcl, ApplyOptions options) {
        return HostFakes.apply(transport, TestContexts.config(tmp, hcl), options, progress);
    }

    private static ApplyOptions noWaiting() {
        return ApplyOptions.defaults().withRebootTimeout(Duration.ZERO).withK3sStartTimeout(Duration.ZERO);
    }

    private static ResourceChange change(List<String> beforeAdd, List<String> add, List<String> remove,
                                         boolean drain) {
        Map<String, Object> before = beforeAdd == null ? null
                : attrs("add", beforeAdd, "remove", List.of(), "booted", true, "cmdline_file", FW);
        return HostFakes.change(ADDRESS, "pi-2", before == null ? Action.CREATE : Action.UPDATE, before,
                attrs("add", add, "remove", remove, "booted", true), drain);
    }

    private static ResourceChange fresh(boolean drain) {
        return change(null, ADD, List.of(), drain);
    }

    private ApplyException fails(ResourceChange change, ApplyContext ctx) {
        return assertThrows(ApplyException.class, () -> new KernelParamsExecutor().apply(change, ctx));
    }

    // ------------------------------------------------------------------ what the edit is told

    record WordsRow(String name, List<String> beforeAdd, List<String> add, List<String> remove, String addWord,
                    String delWord) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> wordRows() {
        return Stream.of(
                new WordsRow("first apply: the add list in the description's order", null, ADD, List.of(),
                        "'cgroup_enable=cpuset cgroup_enable=memory cgroup_memory=1'", "''"),
                new WordsRow("a token dropped from add is removed", List.of("a=1", "b"), List.of("b"), List.of(),
                        "'b'", "'a=1'"),
                new WordsRow("the remove list", List.of("a"), List.of("a"), List.of("quiet", "splash"), "'a'",
                        "'quiet splash'"),
                new WordsRow("dropped and listed in remove: once", List.of("a", "quiet"), List.of("a"),
                        List.of("quiet"), "'a'", "'quiet'"),
                new WordsRow("remove first, then the dropped ones", List.of("x"), List.of(), List.of("y"), "''",
                        "'y x'"),
                new WordsRow("a token both added and removed is kept", null, List.of("a"), List.of("a", "b"), "'a'",
                        "'b'"),
                new WordsRow("a quote stays inside one shell word", null, List.of("x='1'"), List.of(),
                        "'x='\\''1'\\'''", "''"))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wordRows")
    void edit_isToldWhatToAddAndRemove_asOneQuotedWordEach(WordsRow row) throws Exception {
        pi.whenStep(KernelParamsExecutor.EDIT).answer(edited("yes", FW, PROC_OLD + " " + String.join(" ", row.add()),
                "inactive"));
        new KernelParamsExecutor().apply(change(row.beforeAdd(), row.add(), row.remove(), false), context(NO_SERVER));
        String script = pi.assertRan("ADD=").script();
        assertTrue(script.contains("\nADD=" + row.addWord() + "\nDEL=" + row.delWord() + "\n"), script);
    }

    @Test
    void edit_script_findsTheFileAsTheProbeDoes_refusesOddFiles_backsUp_writesWhole() throws Exception {
        pi.whenStep(KernelParamsExecutor.EDIT).answer(edited("yes", FW, PROC_NEW, "inactive"));
        new KernelParamsExecutor().apply(fresh(false), context(NO_SERVER));
        String s = pi.assertRan("ADD=").script();
        assertTrue(s.startsWith("R=\"${PICTL_ROOT:-}\"\n"), s);
        assertOrder(s, "if [ -f \"$R/boot/firmware/cmdline.txt\" ]; then c=/boot/firmware/cmdline.txt",
                "! grep -q 'has moved to /boot/firmware' \"$R/boot/cmdline.txt\"", "exit 3",
                "[ \"$n\" -ne 1 ]", "exit 3", "set -f", "cp \"$f\" \"$f.pictl-bak\" || exit 1",
                "[ -e \"$f.pictl-orig\" ] || cp \"$f\" \"$f.pictl-orig\" || exit 1",
                ">\"$f.pictl-tmp\" && sync && mv -f \"$f.pictl-tmp\" \"$f\" && sync", "echo edited=yes",
                "echo edited=no", "echo \"path=$c\"", "echo \"boot_id=$(cat \"$R/proc/sys/kernel/random/boot_id\")\"",
                "echo \"proc=$(cat \"$R/proc/cmdline\")\"", "then echo k3s=active");
        assertTrue(s.contains(Sh.DETECT_CMDLINE), "the one detection the probe shares");
    }

    // ------------------------------------------------------------------ which steps run

    /**
     * One row: the description (with or without a server), the plan's drain flag, what the edit reports about the
     * running kernel and k3s, how the server sees pi-2 ("" schedulable, "true" cordoned already, null not
     * registered), and the steps expected: in progress order, on pi-2 and on the server.
     */
    record StepsRow(String name, String hcl, boolean drain, String proc, String k3s, String cordoned,
                    List<String> progress, List<String> piSteps, List<String> serverSteps) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final String E = KernelParamsExecutor.EDIT;
    private static final String D = Reboot.DRAIN;
    private static final String R = Reboot.REBOOT;
    private static final String W = Reboot.WAIT_BOOT;
    private static final String V = KernelParamsExecutor.VERIFY;
    private static final String READY = Reboot.WAIT_READY;
    private static final String U = Reboot.UNCORDON;

    static Stream<Arguments> stepRows() {
        List<String> reboot = List.of(E, R, W, V);
        List<String> drained = List.of(E, D, R, W, V, READY, U);
        List<String> drainedKept = List.of(E, D, R, W, V);
        return Stream.of(
                new StepsRow("the running kernel has it already: the edit only", WITH_SERVER, true, PROC_NEW,
                        "active", "", List.of(E), List.of(E), List.of()),
                new StepsRow("not in a cluster: edit, reboot, wait, verify", NO_SERVER, false, PROC_OLD, "inactive",
                        "", reboot, reboot, List.of()),
                new StepsRow("k3s runs but no k3s_server is described: not pictl's to drain", NO_SERVER, false,
                        PROC_OLD, "active", "", reboot, reboot, List.of()),
                new StepsRow("a server described, k3s not on the node, no drain planned", WITH_SERVER, false,
                        PROC_OLD, "inactive", "", reboot, reboot, List.of()),
                new StepsRow("the plan drains: drain, reboot, wait, verify, Ready, uncordon", WITH_SERVER, true,
                        PROC_OLD, "inactive", "", drained, reboot, List.of(D, D, D, READY, U, U)),
                new StepsRow("k3s runs there now: drained though the plan did not say so", WITH_SERVER, false,
                        PROC_OLD, "active", "", drained, reboot, List.of(D, D, D, READY, U, U)),
                new StepsRow("cordoned by someone already: drained, left cordoned", WITH_SERVER, true, PROC_OLD,
                        "active", "true", drainedKept, reboot, List.of(D, D)),
                new StepsRow("not registered in the cluster: nothing to drain", WITH_SERVER, true, PROC_OLD,
                        "active", null, drainedKept, reboot, List.of(D)))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stepRows")
    void apply_runsTheseSteps_inThisOrder_andRecordsTheFile(StepsRow row) throws Exception {
        rebootingBoard(edited("yes", FW, row.proc(), row.k3s()));
        answeringServer();
        if (row.cordoned() == null) {
            server.when("jsonpath").fail(1, "Error from server (NotFound): nodes \"pi-2\" not found\n");
        } else {
            server.when("jsonpath").answer(row.cordoned());
        }
        Recorded recorded = new KernelParamsExecutor().apply(fresh(row.drain()), context(row.hcl()));

        assertEquals(row.progress(), progress);
        assertEquals(row.piSteps(), pi.steps(), pi::describe);
        assertEquals(row.serverSteps(), server.steps(), server::describe);
        Map<String, Object> expected = attrs("add", ADD, "remove", List.of(), "booted", true, "cmdline_file", FW);
        assertEquals(Recorded.of(expected), recorded);
    }

    @Test
    void rebootPath_asRootWhereItWrites_pollsWithAShortLimit_reconnectsAfterScheduling() throws Exception {
        rebootingBoard(edited("no", FW, PROC_OLD, "inactive"));
        new KernelParamsExecutor().apply(fresh(false), context(NO_SERVER));

        List<FakeSession.Ran> ran = pi.ran();
        assertEquals(List.of(true, true, false, false), ran.stream().map(FakeSession.Ran::asRoot).toList(),
                "edit and reboot as root; reading boot_id and /proc/cmdline as pi");
        assertEquals(Duration.ofMinutes(10), ran.get(0).timeout(), "the edit: the ordinary command limit");
        assertEquals(Duration.ofSeconds(15), ran.get(2).timeout(), "each boot_id poll: its own short limit");
        assertEquals(Reboot.READ_BOOT_ID, ran.get(2).script());
        String schedule = ran.get(1).script();
        assertOrder(schedule, "cp \"$R/proc/sys/kernel/random/boot_id\" \"$R/run/pictl/reboot\" || exit 1",
                "systemd-run --on-active=2 --quiet systemctl reboot", "echo scheduled=systemd-run",
                "nohup sh -c 'sleep 2; reboot'", "echo scheduled=nohup");
        assertEquals(1, pi.closeCount(), "the old boot's session is dropped after scheduling");
        assertEquals(List.of("pi-2", "pi-2"), transport.opened(), "and a new one opened to wait");
    }

    @Test
    void drain_commands_throughTheServer_markThenDrain_thenReadyThenUncordonAndUnmark() throws Exception {
        rebootingBoard(edited("yes", FW, PROC_OLD, "active"));
        answeringServer();
        new KernelParamsExecutor().apply(fresh(true), context(WITH_SERVER));

        List<String> s = server.scripts();
        assertEquals(6, s.size(), server::describe);
        assertEquals("k3s kubectl get node 'pi-2' -o jsonpath='{.spec.unschedulable}'", s.get(0));
        assertTrue(s.get(1).matches("k3s kubectl annotate node 'pi-2' 'pictl\\.dev/cordoned="
                + "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ' --overwrite"), s.get(1));
        assertEquals("k3s kubectl drain 'pi-2' --ignore-daemonsets --delete-emptydir-data --timeout=5m", s.get(2));
        assertEquals("k3s kubectl get node pi-2 --no-headers", s.get(3));
        assertEquals("k3s kubectl uncordon 'pi-2'", s.get(4));
        assertEquals("k3s kubectl annotate node 'pi-2' 'pictl.dev/cordoned-'", s.get(5));
        assertTrue(server.ran().stream().allMatch(FakeSession.Ran::asRoot), "kubectl reads the 0600 kubeconfig");
    }

    // ------------------------------------------------------------------ refusals before anything runs

    static Stream<Arguments> badTokens() {
        return Stream.of(Arguments.of("", true), Arguments.of("a b", true), Arguments.of(" quiet", false),
                Arguments.of("a\tb", true), Arguments.of("x\n", false), Arguments.of("a\u0000b", true),
                Arguments.of("nbsp\u2003x", false));
    }

    @ParameterizedTest(name = "\"{0}\" (in add: {1})")
    @MethodSource("badTokens")
    void aTokenWithWhitespace_isRefusedBeforeConnecting(String token, boolean inAdd) {
        ResourceChange c = inAdd ? change(null, List.of(MEM, token), List.of(), false)
                : change(null, List.of(MEM), List.of(token), false);
        ApplyException e = fails(c, context(NO_SERVER));
        assertEquals("pi-2: edit cmdline.txt: kernel parameter \"" + token + "\" is empty or contains whitespace",
                e.getMessage());
        assertEquals("write each parameter as one token, e.g. \"cgroup_enable=memory\"", e.hint());
        assertEquals(List.of(), transport.opened(), "nothing reached the node");
    }

    @Test
    void aPlannedDrainWithoutAServer_isRefusedBeforeConnecting() {
        ApplyException e = fails(fresh(true), context(NO_SERVER));
        assertEquals("pi-2: drain: the plan drains this node before its reboot but the description has no k3s_server "
                + "to drain it through", e.getMessage());
        assertEquals("declare the k3s_server, or drain the node by hand and apply with it removed from the cluster",
                e.hint());
        assertEquals(List.of(), transport.opened());
    }

    // ------------------------------------------------------------------ failures on the node

    record EditFailRow(String name, int exit, String stderr, String message, String hint) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> editFailRows() {
        String refusedHint = "fix the file by hand (the kernel line must be the file's only line), then apply again";
        String otherHint = "run the edit by hand on the node to see its full output; the file is unchanged or was "
                + "replaced whole (never half-written)";
        String stub = "no usable cmdline.txt: neither /boot/firmware/cmdline.txt nor a real /boot/cmdline.txt (pictl "
                + "never edits Bookworm's 'has moved' stub)";
        String twoLines = "/boot/cmdline.txt is not exactly one non-empty line (2 non-empty lines); the firmware reads "
                + "only the first line, so pictl will not guess: join the parameters on one line";
        return Stream.of(
                new EditFailRow("only the Bookworm stub", 3, stub + "\n",
                        "pi-2: edit cmdline.txt: command exited 3: " + stub, refusedHint),
                new EditFailRow("two lines", 3, twoLines + "\n", "pi-2: edit cmdline.txt: command exited 3: "
                        + twoLines, refusedHint),
                new EditFailRow("write failed", 1, "mv: cannot move: Read-only file system\ncould not write "
                        + "/boot/firmware/cmdline.txt\n", "pi-2: edit cmdline.txt: command exited 1: mv: cannot "
                        + "move: Read-only file system\ncould not write /boot/firmware/cmdline.txt", otherHint),
                new EditFailRow("killed, no output", 137, "", "pi-2: edit cmdline.txt: command exited 137", otherHint))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("editFailRows")
    void aFailedEdit_namesNodeStepExitAndTail_andNeverReboots(EditFailRow row) {
        pi.whenStep(KernelParamsExecutor.EDIT).fail(row.exit(), row.stderr());
        ApplyException e = fails(fresh(false), context(NO_SERVER));
        assertEquals("pi-2", e.node());
        assertEquals(KernelParamsExecutor.EDIT, e.step());
        assertEquals(row.message(), e.getMessage());
        assertEquals(row.hint(), e.hint());
        assertEquals(List.of(KernelParamsExecutor.EDIT), pi.steps());
    }

    static Stream<Arguments> badBootIds() {
        return Stream.of(Arguments.of("boot_id=\n", "(\"\")"),
                Arguments.of("boot_id=0B7A4C1E-5D2F-4E8A-9C3B-1A2B3C4D5E6F\n",
                        "(\"0B7A4C1E-5D2F-4E8A-9C3B-1A2B3C4D5E6F\")"),
                Arguments.of("boot_id=cat: /proc/sys/kernel/random/boot_id: No such file or directory\n",
                        "(\"cat: /proc/sys/kernel/random/boot_id: No such file or directory\")"),
                Arguments.of("", "(none)"));
    }

    @ParameterizedTest(name = "boot_id {1}")
    @MethodSource("badBootIds")
    void aBootIdThatIsNotAUuid_refusesToReboot(String bootLine, String shown) {
        pi.whenStep(KernelParamsExecutor.EDIT).answer("edited=yes\npath=" + FW + "\n" + bootLine + "proc=" + PROC_OLD
                + "\nk3s=inactive\n");
        ApplyException e = fails(fresh(false), context(NO_SERVER));
        assertEquals("pi-2: reboot: the node's boot_id is not a UUID " + shown + "; pictl tells the new boot by it "
                + "and will not reboot without it", e.getMessage());
        assertEquals("check /proc/sys/kernel/random/boot_id on the node", e.hint());
        assertEquals(List.of(KernelParamsExecutor.EDIT), pi.steps(), "nothing scheduled");
        assertEquals(List.of(E, R), progress);
    }

    @Test
    void aRebootThatCannotBeScheduled_namesTheRebootStep() {
        rebootingBoard(edited("yes", FW, PROC_OLD, "inactive"));
        pi.whenStep(Reboot.REBOOT).fail(1, "mkdir: cannot create directory '/run/pictl': Read-only file system\n");
        ApplyException e = fails(fresh(false), context(NO_SERVER));
        assertEquals("pi-2: reboot: command exited 1: mkdir: cannot create directory '/run/pictl': Read-only file "
                + "system", e.getMessage());
        assertEquals("run `sudo systemd-run --on-active=2 systemctl reboot` on the node to see why the reboot cannot "
                + "be scheduled", e.hint());
        assertEquals(List.of(E, R), pi.steps());
    }

    // ------------------------------------------------------------------ the wait for the new boot

    /** One row: what the only poll (timeout zero) gets, and the "last:" the message quotes. */
    record WaitRow(String name, TransportException.Kind error, int exit, String stdout, String last) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> waitRows() {
        return Stream.of(
                new WaitRow("still the old boot", null, 0, BOOT_1 + "\n", "it still answered with the old boot_id"),
                new WaitRow("an empty answer", null, 0, "\n", "it still answered with the old boot_id"),
                new WaitRow("reading it failed", null, 1, "", "reading the boot_id exited 1"),
                new WaitRow("the connection dropped", TransportException.Kind.CONNECTION_LOST, 0, "",
                        "connection reset by peer"),
                new WaitRow("refused while the board shuts down (nologin) is not fatal",
                        TransportException.Kind.AUTH_REFUSED, 0, "", "System is going down"))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("waitRows")
    void noNewBootWithinTheTimeout_saysWhatItLastSaw_andWhereTheBackupIs(WaitRow row) {
        rebootingBoard(edited("yes", FW, PROC_OLD, "inactive"));
        if (row.error() != null) {
            pi.whenStep(Reboot.WAIT_BOOT).thenThrow(row.error(), row.last());
        } else {
            pi.whenStep(Reboot.WAIT_BOOT).exit(row.exit(), row.stdout(), "");
        }
        ApplyException e = fails(fresh(false), context(NO_SERVER, noWaiting()));
        assertEquals("pi-2", e.node());
        assertEquals(Reboot.WAIT_BOOT, e.step());
        assertEquals("pi-2: wait for boot: the node did not come back with a new boot_id within 0s of the reboot "
                + "(last: " + row.last() + ")", e.getMessage());
        assertEquals(WAIT_HINT_START + " A slow board needs a longer reboot timeout.", e.hint());
        assertEquals(List.of(E, R, W), pi.steps(), "one poll, no verify");
    }

    @Test
    void noNewBoot_afterADrain_theHintSaysTheNodeIsCordoned() {
        rebootingBoard(edited("yes", FW, PROC_OLD, "active"));
        answeringServer();
        pi.whenStep(Reboot.WAIT_BOOT).answer(BOOT_1 + "\n");
        ApplyException e = fails(fresh(true), context(WITH_SERVER, noWaiting()));
        assertEquals(WAIT_HINT_START + " It is cordoned: `k3s kubectl uncordon pi-2`. A slow board needs a longer "
                + "reboot timeout.", e.hint());
        server.assertNotRan("uncordon");
    }

    @Test
    void aChangedHostKeyWhileWaiting_failsAtOnce() {
        rebootingBoard(edited("yes", FW, PROC_OLD, "inactive"));
        pi.whenStep(Reboot.WAIT_BOOT).thenThrow(TransportException.Kind.HOST_KEY_CHANGED,
                "the host key of 192.168.1.11 changed");
        ApplyException e = fails(fresh(false), context(NO_SERVER));
        assertEquals("pi-2: wait for boot: the host key of 192.168.1.11 changed", e.getMessage());
        assertTrue(e.getCause() instanceof TransportException t && t.kind() == TransportException.Kind.HOST_KEY_CHANGED);
        assertEquals(List.of(E, R, W), pi.steps());
    }

    // ------------------------------------------------------------------ verify

    record VerifyRow(String name, List<String> add, List<String> remove, String verifyAnswer, String problems,
                     String proc) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> verifyRows() {
        String lacking = PROC_OLD + " " + CPUSET + " " + MEM;
        return Stream.of(
                new VerifyRow("a token missing from the running kernel", ADD, List.of(),
                        verified(lacking, ALL_CONTROLLERS), "not in /proc/cmdline: " + MEM1, lacking),
                new VerifyRow("a removed token still running", List.of(MEM), List.of("quiet"),
                        verified(PROC_OLD + " " + MEM + " quiet", ALL_CONTROLLERS), "still in /proc/cmdline: quiet",
                        PROC_OLD + " " + MEM + " quiet"),
                new VerifyRow("the memory flag without a memory controller", ADD, List.of(),
                        verified(PROC_NEW + " cgroup_disable=memory", "cpuset cpu io pids"),
                        MEM + " has no effect: no memory controller in /sys/fs/cgroup/cgroup.controllers (cpuset cpu io "
                                + "pids)", PROC_NEW + " cgroup_disable=memory"),
                new VerifyRow("the memory flag, controllers unreadable", List.of(MEM), List.of(),
                        verified(PROC_OLD + " " + MEM, ""), MEM + " has no effect: no memory controller in "
                        + "/sys/fs/cgroup/cgroup.controllers (empty)", PROC_OLD + " " + MEM),
                new VerifyRow("all three problems, in order", List.of(MEM, MEM1), List.of("quiet"),
                        verified(PROC_OLD + " " + MEM + " quiet", "cpu"), "not in /proc/cmdline: " + MEM1
                        + "; still in /proc/cmdline: quiet; " + MEM + " has no effect: no memory controller in "
                        + "/sys/fs/cgroup/cgroup.controllers (cpu)", PROC_OLD + " " + MEM + " quiet"))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("verifyRows")
    void aKernelThatDoesNotDoWhatTheFileSays_failsVerify_showingProcCmdline_noSecondReboot(VerifyRow row) {
        rebootingBoard(edited("yes", FW, PROC_OLD, "inactive"));
        pi.whenStep(KernelParamsExecutor.VERIFY).answer(row.verifyAnswer());
        ApplyException e = fails(change(null, row.add(), row.remove(), false), context(NO_SERVER));
        assertEquals("pi-2", e.node());
        assertEquals(KernelParamsExecutor.VERIFY, e.step());
        assertEquals("pi-2: verify: after the reboot the running kernel (" + KERNEL + ") does not do what cmdline.txt "
                + "asks: " + row.problems() + "; /proc/cmdline: " + row.proc(), e.getMessage());
        assertEquals(VERIFY_HINT, e.hint());
        assertEquals(List.of(E, R, W, V), pi.steps(), "one reboot only");
    }

    @Test
    void verifyFails_afterADrain_theNodeStaysCordoned_andTheHintSaysSo() {
        rebootingBoard(edited("yes", FW, PROC_OLD, "active"));
        answeringServer();
        pi.whenStep(KernelParamsExecutor.VERIFY).answer("proc=" + PROC_NEW + "\ncontrollers=cpu\n");
        ApplyException e = fails(fresh(true), context(WITH_SERVER));
        assertEquals("pi-2: verify: after the reboot the running kernel (?) does not do what cmdline.txt asks: " + MEM
                + " has no effect: no memory controller in /sys/fs/cgroup/cgroup.controllers (cpu); /proc/cmdline: "
                + PROC_NEW, e.getMessage());
        assertEquals(VERIFY_HINT + " The node stays cordoned: `k3s kubectl uncordon pi-2` once it is fixed.",
                e.hint());
        server.assertNotRan("uncordon");
        server.assertNotRan("--no-headers");
    }

    @Test
    void verifyCannotRead_namesTheVerifyStep() {
        rebootingBoard(edited("yes", FW, PROC_OLD, "inactive"));
        pi.whenStep(KernelParamsExecutor.VERIFY).fail(2, "sh: 1: uname: not found\n");
        ApplyException e = fails(fresh(false), context(NO_SERVER));
        assertEquals("pi-2: verify: command exited 2: sh: 1: uname: not found", e.getMessage());
        assertEquals("read /proc/cmdline on the node by hand", e.hint());
    }

    // ------------------------------------------------------------------ drain, Ready and uncordon failures

    @Test
    void theClusterDoesNotAnswer_beforeTheDrain_namesTheServer_andNothingReboots() {
        rebootingBoard(edited("yes", FW, PROC_OLD, "active"));
        answeringServer();
        server.when("jsonpath").fail(1, "The connection to the server 127.0.0.1:6443 was refused - did you specify "
                + "the right host or port?\n");
        ApplyException e = fails(fresh(true), context(WITH_SERVER));
        assertEquals("pi-1", e.node());
        assertEquals(Reboot.DRAIN, e.step());
        assertEquals("pi-1: drain: command exited 1: The connection to the server 127.0.0.1:6443 was refused - did "
                + "you specify the right host or port?", e.getMessage());
        assertEquals("the cluster must answer before pictl reboots one of its nodes: check k3s on the server "
                + "(sudo systemctl status k3s)", e.hint());
        assertEquals(List.of(E), pi.steps());
    }

    @Test
    void aBlockedDrain_namesTheNode_andSaysItIsCordoned() {
        rebootingBoard(edited("yes", FW, PROC_OLD, "active"));
        answeringServer();
        server.when("^k3s kubectl drain").exit(1, "node/pi-2 cordoned\n", "error: unable to drain node \"pi-2\" "
                + "due to error: cannot evict pod as it would violate the pod's disruption budget\n");
        ApplyException e = fails(fresh(true), context(WITH_SERVER));
        assertEquals("pi-2: drain: kubectl drain exited 1: error: unable to drain node \"pi-2\" due to error: cannot "
                + "evict pod as it would violate the pod's disruption budget", e.getMessage());
        assertEquals("a PodDisruptionBudget or a pod without a controller can block a drain: see `k3s kubectl get pods "
                + "-A -o wide --field-selector spec.nodeName=pi-2`; the node is cordoned (`k3s kubectl uncordon pi-2` "
                + "to undo)", e.hint());
        assertEquals(List.of(E), pi.steps(), "no reboot after a failed drain");
    }

    @Test
    void theMarkCannotBeSet_namesTheServerAndKubectl() {
        rebootingBoard(edited("yes", FW, PROC_OLD, "active"));
        answeringServer();
        server.when("^k3s kubectl annotate node").fail(1, "error: nodes \"pi-2\" is forbidden\n");
        ApplyException e = fails(fresh(true), context(WITH_SERVER));
        assertEquals("pi-1: drain: kubectl annotate exited 1: error: nodes \"pi-2\" is forbidden", e.getMessage());
        assertEquals("", e.hint());
        server.assertNotRan("^k3s kubectl drain");
    }

    @Test
    void notReadyInTime_staysCordoned_andSaysHowToUncordon() {
        rebootingBoard(edited("yes", FW, PROC_OLD, "active"));
        answeringServer();
        ApplyException e = fails(fresh(true), context(WITH_SERVER, noWaiting().withRebootTimeout(Duration.ofMinutes(1))));
        assertEquals("pi-2: wait for Ready: the node was not Ready in the cluster within 0s of its reboot; it stays "
                + "cordoned", e.getMessage());
        assertEquals("see `sudo journalctl -u k3s-agent -n 50` (k3s on the server) on the node; when it is Ready, "
                + "`k3s kubectl uncordon pi-2`", e.hint());
        server.assertNotRan("uncordon");
        assertEquals(List.of(E, D, R, W, V, READY), progress);
    }

    @Test
    void uncordonFails_namesTheServerAndKubectl() {
        rebootingBoard(edited("yes", FW, PROC_OLD, "active"));
        answeringServer();
        server.when("^k3s kubectl uncordon").fail(1, "error: the server doesn't have a resource type \"nodes\"\n");
        ApplyException e = fails(fresh(true), context(WITH_SERVER));
        assertEquals("pi-1: uncordon: kubectl uncordon exited 1: error: the server doesn't have a resource type "
                + "\"nodes\"", e.getMessage());
        server.assertNotRan("cordoned-'");
    }

    /**
     * The firmware rewrites {@code console=serial0,115200} to the board's UART ({@code console=ttyS0,115200} on a
     * Pi 4) in /proc/cmdline; a file that holds it is booted, so no reboot (and no verify failure after one).
     */
    @Test
    void aSerialConsoleTheFirmwareRewrote_isBooted_noReboot() throws Exception {
        String serial = "console=serial0,115200";
        String proc = "coherent_pool=1M 8250.nr_uarts=1 console=ttyS0,115200 console=tty1 root=PARTUUID=3b1c2a1d-02 "
                + "rootwait " + MEM;
        rebootingBoard(edited("no", FW, proc, "inactive"));
        pi.whenStep(KernelParamsExecutor.VERIFY).answer(verified(proc, ALL_CONTROLLERS));
        new KernelParamsExecutor().apply(change(null, List.of(serial, MEM), List.of(), false), context(NO_SERVER));
        assertEquals(List.of(E), pi.steps(), pi::describe);
    }

    // ------------------------------------------------------------------ record, adopt, delete

    @Test
    void recorded_isTheDescriptionPlusTheFileTheEditFound() throws Exception {
        pi.whenStep(KernelParamsExecutor.EDIT).answer(edited("yes", "/boot/cmdline.txt", PROC_NEW, "inactive"));
        Recorded r = new KernelParamsExecutor().apply(fresh(false), context(NO_SERVER));
        assertEquals(Recorded.of(attrs("add", ADD, "remove", List.of(), "booted", true, "cmdline_file",
                "/boot/cmdline.txt")), r);
    }

    @Test
    void adopted_keepsTheObservedFile_andNothingElseOfBefore() {
        ResourceChange c = change(List.of(MEM), ADD, List.of("quiet"), false);
        assertEquals(Recorded.of(attrs("add", ADD, "remove", List.of("quiet"), "booted", true, "cmdline_file", FW)),
                new KernelParamsExecutor().adopted(c));
        ResourceChange noFile = HostFakes.change(ADDRESS, "pi-2", Action.UPDATE, attrs("add", List.of()),
                attrs("add", ADD, "remove", List.of(), "booted", true), false);
        assertEquals(Recorded.of(attrs("add", ADD, "remove", List.of(), "booted", true)),
                new KernelParamsExecutor().adopted(noFile));
        assertNull(new KernelParamsExecutor().adopted(noFile).attributes().get("cmdline_file"));
    }

    private static ResourceChange deletion(List<String> beforeAdd) {
        return HostFakes.change(ADDRESS, "pi-2", Action.DELETE, attrs("add", beforeAdd, "remove", List.of("quiet"),
                "booted", true, "cmdline_file", FW), null, false);
    }

    @Test
    void delete_removesOnlyTheTokensPictlAdded_noRebootWhenTheKernelHasNoneOfThem() throws Exception {
        pi.whenStep(KernelParamsExecutor.EDIT).answer(edited("yes", FW, PROC_OLD, "inactive"));
        new KernelParamsExecutor().delete(deletion(List.of(MEM, MEM1)), context(NO_SERVER));
        assertEquals(List.of(E), pi.steps());
        String s = pi.assertRan("ADD=").script();
        assertTrue(s.contains("\nADD=''\nDEL='" + MEM + " " + MEM1 + "'\n"), "remove tokens are not put back:\n" + s);
    }

    @Test
    void delete_whenTheKernelStillHasThem_rebootsAndVerifiesTheyAreGone() throws Exception {
        rebootingBoard(edited("yes", FW, PROC_NEW, "inactive"));
        pi.whenStep(KernelParamsExecutor.VERIFY).answer(verified(PROC_OLD, "cpuset cpu io pids"));
        new KernelParamsExecutor().delete(deletion(ADD), context(NO_SERVER));
        assertEquals(List.of(E, R, W, V), pi.steps());
    }

    @Test
    void delete_whenTheKernelStillHasThem_andVerifyStillSeesOne_fails() {
        rebootingBoard(edited("yes", FW, PROC_NEW, "inactive"));
        pi.whenStep(KernelParamsExecutor.VERIFY).answer(verified(PROC_OLD + " " + MEM, ALL_CONTROLLERS));
        ApplyException e = assertThrows(ApplyException.class,
                () -> new KernelParamsExecutor().delete(deletion(ADD), context(NO_SERVER)));
        assertEquals("pi-2: verify: after the reboot the running kernel (" + KERNEL + ") does not do what cmdline.txt "
                + "asks: still in /proc/cmdline: " + MEM + "; /proc/cmdline: " + PROC_OLD + " " + MEM, e.getMessage());
    }

    @Test
    void delete_ofANodeThatLeftTheDescription_cleansItLikeAnyOther() throws Exception {
        pi.whenStep("connect").answer("");
        rebootingBoard(edited("yes", FW, PROC_NEW, "inactive"));
        pi.whenStep(KernelParamsExecutor.VERIFY).answer(verified(PROC_OLD, "cpuset cpu io pids"));
        new KernelParamsExecutor().delete(deletion(ADD), context(PI_2_GONE));
        assertEquals(List.of("connect", E, R, W, V), pi.steps());
        String s = pi.assertRan("ADD=").script();
        assertTrue(s.contains("\nADD=''\nDEL='" + String.join(" ", ADD) + "'\n"), s);
    }

    @Test
    void delete_ofANodeThatLeftTheDescription_andCannotBeReached_onlyForgets() throws Exception {
        transport.down("pi-2");
        new KernelParamsExecutor().delete(deletion(ADD), context(PI_2_GONE));
        assertEquals(List.of("pi-2"), transport.opened(), "one attempt to connect");
        assertEquals(1, progress.size(), progress::toString);
        assertTrue(progress.get(0).startsWith("pi-2 left the description and is unreachable ("), progress::toString);
        assertTrue(progress.get(0).endsWith("): its cmdline.txt stays as it is"), progress::toString);
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
