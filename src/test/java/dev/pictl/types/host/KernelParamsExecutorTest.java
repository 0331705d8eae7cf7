package dev.pictl.types.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pictl.addr.ResourceAddress;
import dev.pictl.apply.ApplyException;
import dev.pictl.apply.ApplyHook;
import dev.pictl.apply.ApplyOptions;
import dev.pictl.apply.Recorded;
import dev.pictl.engine.PlanRunResult;
import dev.pictl.plan.Action;
import dev.pictl.plan.ActionReason;
import dev.pictl.plan.ResourceChange;
import dev.pictl.sim.NodeSpec;
import dev.pictl.sim.Provision;
import dev.pictl.sim.SimNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link KernelParamsExecutor} against simulated boards, with changes from real plans. Every outcome is read on
 * the board: cmdline.txt and its backups, {@code /proc/cmdline}, {@code cgroup.controllers}, the boot_id, the
 * simulator's event log, and the server's own {@code kubectl get nodes}.
 */
class KernelParamsExecutorTest {
    static {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }

    private static final int PORT = 24621;
    private static final String BASE = "127.0.61.";
    private static final String VERSION = "v1.31.4+k3s1";
    private static final String FIRMWARE = "/boot/firmware/cmdline.txt";
    private static final List<String> SEED_FLAGS = List.of("cgroup_enable=cpuset", "cgroup_enable=memory",
            "cgroup_memory=1");
    private static final List<String> MEMORY_FLAGS = List.of("cgroup_memory=1", "cgroup_enable=memory");

    @TempDir
    static Path tmp;
    static HostFixture fx;

    @BeforeAll
    static void start() throws Exception {
        List<NodeSpec> boards = new ArrayList<>();
        boards.add(board("kp-fresh", 10));
        boards.add(board("kp-pending", 11));
        boards.add(board("kp-drop", 12).withProvision(Provision.none().withHostname(true).withKernelFlags(SEED_FLAGS)));
        boards.add(board("kp-firmware", 13));
        boards.add(board("kp-never", 14).withOs("bullseye"));
        boards.add(board("kp-delete", 15).withProvision(Provision.prepared()));
        boards.add(board("kp-twolines", 16));
        boards.add(board("kp-server", 20).withProvision(Provision.prepared().withK3sServer(VERSION, "kp-t0ken")));
        boards.add(board("kp-agent", 21).withProvision(Provision.prepared().withK3sAgent("kp-server")));
        fx = HostFixture.start(tmp, boards);
    }

    private static NodeSpec board(String name, int host) {
        return NodeSpec.of(name, BASE + host, PORT).withAdvertisedAddress("192.168.61." + host);
    }

    @AfterAll
    static void stop() {
        if (fx != null) {
            fx.close();
        }
    }

    private static String hcl(String node, int host, List<String> add) {
        return "node \"" + node + "\" { address = \"192.168.61." + host + "\" }\n"
                + (add == null ? "" : """
                kernel_params "cgroups" {
                  nodes = [node.%s]
                  add   = [%s]
                }
                """.formatted(node, String.join(", ", add.stream().map(t -> "\"" + t + "\"").toList())));
    }

    private static ResourceAddress kp(String node) {
        return ResourceAddress.of("kernel_params", "cgroups", node);
    }

    private static String joined(List<String> tokens) {
        return String.join(" ", tokens);
    }

    /** The board's /proc/cmdline tokens, read on the board. */
    private static List<String> procCmdline(String node) {
        return List.of(fx.file(node, "/proc/cmdline").strip().split("\\s+"));
    }

    private static List<String> controllers(String node) {
        return List.of(fx.file(node, "/sys/fs/cgroup/cgroup.controllers").strip().split("\\s+"));
    }

    @Test
    void apply_addsCgroupFlags_rebootsOnce_andTheKernelHasThem() throws Exception {
        String node = "kp-fresh";
        SimNode board = fx.sim.node(node);
        String original = fx.file(node, FIRMWARE);
        String stub = fx.file(node, "/boot/cmdline.txt");
        assertTrue(stub.contains("has moved to /boot/firmware/cmdline.txt"), stub);
        String bootId = board.bootId();
        assertFalse(controllers(node).contains("memory"), "a fresh Pi kernel has no memory controller");

        HostFixture.Scenario s = fx.scenario("fresh", hcl(node, 10, SEED_FLAGS));
        PlanRunResult plan = s.plan();
        ResourceChange change = s.change(plan, kp(node));
        assertEquals(Action.CREATE, change.action());
        assertTrue(change.reboot());
        assertFalse(change.drain(), "not in a cluster");
        List<String> steps = Collections.synchronizedList(new ArrayList<>());
        ApplyHook hook = new ApplyHook() {
            @Override
            public void step(ResourceAddress address, String step) {
                steps.add(step);
            }
        };
        Recorded rec;
        try (HostFixture.Context c = s.context(plan, options(HostFixture.REBOOT_TIMEOUT), hook)) {
            rec = new KernelParamsExecutor().apply(change, c.ctx());
        }

        // The file: one line, the flags appended; the backups hold the original; no temp file left.
        assertEquals(original.strip() + " " + joined(SEED_FLAGS) + "\n", fx.file(node, FIRMWARE));
        assertEquals(original, fx.file(node, FIRMWARE + ".pictl-bak"));
        assertEquals(original, fx.file(node, FIRMWARE + ".pictl-orig"));
        assertFalse(fx.exists(node, FIRMWARE + ".pictl-tmp"));
        assertEquals(stub, fx.file(node, "/boot/cmdline.txt"), "the Bookworm stub is never written");
        // The kernel: a new boot, the flags booted, the memory controller on; exactly one reboot.
        assertNotEquals(bootId, board.bootId());
        assertEquals(board.bootId(), fx.file(node, "/proc/sys/kernel/random/boot_id").strip());
        assertTrue(procCmdline(node).containsAll(SEED_FLAGS), procCmdline(node).toString());
        assertTrue(controllers(node).contains("memory"), controllers(node).toString());
        assertEquals(1, fx.count(fx.events(node), "reboot " + node), fx.events(node).toString());
        assertEquals(List.of("edit cmdline.txt", "reboot", "wait for boot", "verify"), steps);
        assertEquals(FIRMWARE, rec.attributes().get("cmdline_file"));
        assertEquals(SEED_FLAGS, rec.attributes().get("add"));
        assertEquals(true, rec.attributes().get("booted"));

        // Applied again (an interrupted apply re-run): nothing to edit, nothing to reboot.
        try (HostFixture.Context c = s.context(plan)) {
            new KernelParamsExecutor().apply(change, c.ctx());
        }
        assertEquals(1, fx.count(fx.events(node), "reboot " + node));
        assertEquals(original, fx.file(node, FIRMWARE + ".pictl-bak"), "no edit, so no new backup");
        // And the planner agrees there is nothing left to do.
        s.record(kp(node), node, rec);
        assertEquals(Action.NO_OP, s.change(s.plan(), kp(node)).action());
    }

    @Test
    void apply_rebootPending_fileAlreadyRight_onlyReboots() throws Exception {
        String node = "kp-pending";
        fx.on(node, "sudo sed -i 's/$/ " + joined(MEMORY_FLAGS) + "/' \"$PICTL_ROOT" + FIRMWARE + "\"");
        String edited = fx.file(node, FIRMWARE);
        String inode = fx.on(node, "stat -c %i \"$PICTL_ROOT" + FIRMWARE + "\"");
        String bootId = fx.sim.node(node).bootId();

        HostFixture.Scenario s = fx.scenario("pending", hcl(node, 11, MEMORY_FLAGS));
        PlanRunResult plan = s.plan();
        ResourceChange change = s.change(plan, kp(node));
        assertEquals(Action.UPDATE, change.action());
        assertEquals(ActionReason.REBOOT_PENDING, change.reason());
        try (HostFixture.Context c = s.context(plan)) {
            new KernelParamsExecutor().apply(change, c.ctx());
        }

        assertEquals(edited, fx.file(node, FIRMWARE), "the file is left as it was");
        assertEquals(inode, fx.on(node, "stat -c %i \"$PICTL_ROOT" + FIRMWARE + "\""), "not even rewritten");
        assertFalse(fx.exists(node, FIRMWARE + ".pictl-bak"), "nothing edited, so no backup");
        assertNotEquals(bootId, fx.sim.node(node).bootId());
        assertEquals(1, fx.count(fx.events(node), "reboot " + node));
        assertTrue(procCmdline(node).containsAll(MEMORY_FLAGS));
        assertTrue(controllers(node).contains("memory"));
    }

    @Test
    void apply_removesATokenDroppedFromAdd() throws Exception {
        String node = "kp-drop";
        assertTrue(procCmdline(node).contains("cgroup_enable=cpuset"), "provisioned and booted");
        HostFixture.Scenario s = fx.scenario("drop", hcl(node, 12, MEMORY_FLAGS));
        s.record(kp(node), node, Map.of("add", SEED_FLAGS, "remove", List.of(), "booted", true,
                "cmdline_file", FIRMWARE));
        PlanRunResult plan = s.plan();
        ResourceChange change = s.change(plan, kp(node));
        assertEquals(Action.UPDATE, change.action());
        try (HostFixture.Context c = s.context(plan)) {
            new KernelParamsExecutor().apply(change, c.ctx());
        }

        String file = fx.file(node, FIRMWARE);
        assertFalse(List.of(file.strip().split(" ")).contains("cgroup_enable=cpuset"), file);
        assertTrue(List.of(file.strip().split(" ")).containsAll(MEMORY_FLAGS), file);
        assertEquals(1, file.lines().count());
        assertFalse(procCmdline(node).contains("cgroup_enable=cpuset"), procCmdline(node).toString());
        assertTrue(procCmdline(node).containsAll(MEMORY_FLAGS));
        assertTrue(fx.file(node, FIRMWARE + ".pictl-bak").contains("cgroup_enable=cpuset"));
        assertEquals(1, fx.count(fx.events(node), "reboot " + node));
    }

    @Test
    void apply_firmwareOverridesTheMemoryFlag_failsShowingProcCmdline() throws Exception {
        String node = "kp-firmware";
        fx.sim.node(node).setFirmwareDisablesMemoryCgroup(true);
        HostFixture.Scenario s = fx.scenario("firmware", hcl(node, 13, MEMORY_FLAGS));
        PlanRunResult plan = s.plan();
        ResourceChange change = s.change(plan, kp(node));
        ApplyException e;
        try (HostFixture.Context c = s.context(plan)) {
            e = assertThrows(ApplyException.class, () -> new KernelParamsExecutor().apply(change, c.ctx()));
        }

        String proc = fx.file(node, "/proc/cmdline").strip();
        assertTrue(proc.endsWith("cgroup_disable=memory"), "the firmware's override is on the board: " + proc);
        assertFalse(controllers(node).contains("memory"));
        assertTrue(e.getMessage().startsWith(node + ": verify: after the reboot the running kernel"), e.getMessage());
        assertTrue(e.getMessage().contains("cgroup_enable=memory has no effect: no memory controller"),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("/proc/cmdline: " + proc), e.getMessage());
        assertTrue(e.hint().contains("firmware"), e.hint());
        assertEquals(1, fx.count(fx.events(node), "reboot " + node), "one reboot, not a second try");
    }

    @Test
    void apply_rebootThatNeverReturns_failsAfterTheTimeout_bullseyeFileEdited() throws Exception {
        String node = "kp-never";
        String original = fx.file(node, "/boot/cmdline.txt");
        assertFalse(fx.exists(node, "/boot/firmware/cmdline.txt"), "a Bullseye board");
        fx.sim.node(node).setRebootNeverReturns(true);
        HostFixture.Scenario s = fx.scenario("never", hcl(node, 14, MEMORY_FLAGS));
        PlanRunResult plan = s.plan();
        ResourceChange change = s.change(plan, kp(node));
        ApplyException e;
        long t0 = System.nanoTime();
        try (HostFixture.Context c = s.context(plan, options(Duration.ofSeconds(5)), ApplyHook.NONE)) {
            e = assertThrows(ApplyException.class, () -> new KernelParamsExecutor().apply(change, c.ctx()));
        }
        long seconds = Duration.ofNanos(System.nanoTime() - t0).toSeconds();

        assertTrue(e.getMessage().startsWith(node + ": wait for boot: the node did not come back with a new "
                + "boot_id within 5s of the reboot"), e.getMessage());
        assertTrue(e.hint().contains("/boot/cmdline.txt.pictl-bak"), e.hint());
        assertTrue(seconds >= 5 && seconds < 30, "gave up after the timeout: " + seconds + " s");
        assertFalse(fx.sim.node(node).isUp());
        assertTrue(fx.events(node).contains(node + " did not come back after reboot"), fx.events(node).toString());
        fx.sim.node(node).powerOn();
        // The right file was edited (Bullseye: /boot/cmdline.txt), with its backup.
        assertEquals(original.strip() + " " + joined(MEMORY_FLAGS) + "\n", fx.file(node, "/boot/cmdline.txt"));
        assertEquals(original, fx.file(node, "/boot/cmdline.txt.pictl-bak"));
    }

    @Test
    void apply_refusesAFileOfTwoLines_andTheBookwormStub() throws Exception {
        String node = "kp-twolines";
        HostFixture.Scenario s = fx.scenario("twolines", hcl(node, 16, MEMORY_FLAGS));
        PlanRunResult plan = s.plan();
        ResourceChange change = s.change(plan, kp(node));
        String bootId = fx.sim.node(node).bootId();

        // Someone split the line after the plan was made: the second line would be ignored at boot.
        fx.on(node, "printf 'cgroup_enable=memory\\n' | sudo tee -a \"$PICTL_ROOT" + FIRMWARE + "\" >/dev/null");
        String twoLines = fx.file(node, FIRMWARE);
        ApplyException e;
        try (HostFixture.Context c = s.context(plan)) {
            e = assertThrows(ApplyException.class, () -> new KernelParamsExecutor().apply(change, c.ctx()));
        }
        assertTrue(e.getMessage().startsWith(node + ": edit cmdline.txt: command exited 3: " + FIRMWARE
                + " is not exactly one non-empty line (2 non-empty lines)"), e.getMessage());
        assertEquals(twoLines, fx.file(node, FIRMWARE));
        assertFalse(fx.exists(node, FIRMWARE + ".pictl-bak"));

        // /boot/firmware gone (not mounted): only the stub is left, and pictl will not write it.
        fx.on(node, "sudo rm -f \"$PICTL_ROOT" + FIRMWARE + "\"");
        String stub = fx.file(node, "/boot/cmdline.txt");
        try (HostFixture.Context c = s.context(plan)) {
            e = assertThrows(ApplyException.class, () -> new KernelParamsExecutor().apply(change, c.ctx()));
        }
        assertTrue(e.getMessage().startsWith(node + ": edit cmdline.txt: command exited 3: no usable cmdline.txt"),
                e.getMessage());
        assertEquals(stub, fx.file(node, "/boot/cmdline.txt"));
        assertEquals(bootId, fx.sim.node(node).bootId(), "never rebooted");
    }

    @Test
    void delete_removesTheManagedTokens_andReboots() throws Exception {
        String node = "kp-delete";
        assertTrue(controllers(node).contains("memory"), "provisioned: flags booted");
        HostFixture.Scenario s = fx.scenario("delete", hcl(node, 15, null));
        s.record(kp(node), node, Map.of("add", MEMORY_FLAGS, "remove", List.of(), "booted", true,
                "cmdline_file", FIRMWARE));
        PlanRunResult plan = s.plan();
        ResourceChange change = s.change(plan, kp(node));
        assertEquals(Action.DELETE, change.action());
        try (HostFixture.Context c = s.context(plan)) {
            new KernelParamsExecutor().delete(change, c.ctx());
        }

        String file = fx.file(node, FIRMWARE);
        for (String t : MEMORY_FLAGS) {
            assertFalse(List.of(file.strip().split(" ")).contains(t), file);
            assertFalse(procCmdline(node).contains(t), procCmdline(node).toString());
        }
        assertTrue(file.startsWith("console=serial0,115200 "), "the rest of the line stays: " + file);
        assertFalse(controllers(node).contains("memory"));
        assertEquals(1, fx.count(fx.events(node), "reboot " + node));
    }

    @Test
    void apply_onANodeInTheCluster_drainsRebootsAndUncordons() throws Exception {
        String node = "kp-agent";
        SimNode server = fx.sim.node("kp-server");
        String hcl = """
                node "kp-server" { address = "192.168.61.20" }
                node "kp-agent" { address = "192.168.61.21" }

                kernel_params "cgroups" {
                  nodes = [node.kp-agent]
                  add   = ["cgroup_memory=1", "cgroup_enable=memory", "cgroup_enable=cpuset"]
                }

                k3s_server "control" {
                  node    = node.kp-server
                  version = "%s"
                }

                k3s_agent "workers" {
                  nodes  = [node.kp-agent]
                  server = k3s_server.control
                }
                """.formatted(VERSION);
        assertEquals("Ready", status(server, node));
        HostFixture.Scenario s = fx.scenario("cluster", hcl);
        PlanRunResult plan = s.plan();
        ResourceChange change = s.change(plan, kp(node));
        assertEquals(Action.UPDATE, change.action());
        assertTrue(change.drain(), "the planner drains a node whose k3s runs");

        // What the server says about the node when the reboot is about to be scheduled, and when it is back.
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        ApplyHook hook = new ApplyHook() {
            @Override
            public void step(ResourceAddress address, String step) {
                if (step.equals("reboot") || step.equals("uncordon")) {
                    seen.add(step + ": " + status(server, node));
                }
            }
        };
        int eventsBefore = fx.sim.events().size();
        try (HostFixture.Context c = s.context(plan, options(HostFixture.REBOOT_TIMEOUT), hook)) {
            new KernelParamsExecutor().apply(change, c.ctx());
        }

        assertEquals(List.of("reboot: Ready,SchedulingDisabled", "uncordon: Ready,SchedulingDisabled"), seen,
                "drained before the reboot, Ready again before the uncordon");
        assertEquals("Ready", status(server, node), "uncordoned");
        List<String> after = fx.sim.events().subList(eventsBefore, fx.sim.events().size()).stream()
                .filter(e -> node.equals(e.node())).map(e -> e.message()).toList();
        assertEquals(1, fx.count(after, "reboot " + node), after.toString());
        int reboot = after.indexOf("reboot " + node);
        assertTrue(after.subList(reboot, after.size()).stream().anyMatch(m -> m.startsWith("k3s-agent started")),
                "the agent came back after the reboot: " + after);
        assertTrue(procCmdline(node).contains("cgroup_enable=cpuset"));
        assertTrue(controllers(node).contains("memory"));
    }

    /** The node's STATUS column in the server's {@code kubectl get nodes}, read on the server. */
    private static String status(SimNode server, String node) {
        dev.pictl.sim.ExecResult r = server.sudo("k3s kubectl get node " + node + " --no-headers");
        assertEquals(0, r.exitCode(), r.stderr());
        return r.stdout().strip().split("\\s+")[1];
    }

    private static ApplyOptions options(Duration rebootTimeout) {
        return ApplyOptions.defaults().withRebootTimeout(rebootTimeout).withK3sStartTimeout(Duration.ofSeconds(30));
    }
}
