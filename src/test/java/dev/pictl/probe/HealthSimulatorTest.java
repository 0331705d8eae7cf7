package dev.pictl.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pictl.sim.ClusterSpec;
import dev.pictl.sim.ExecResult;
import dev.pictl.sim.NodeSpec;
import dev.pictl.sim.Provision;
import dev.pictl.sim.SimCluster;
import dev.pictl.sim.SimNode;
import dev.pictl.sim.Unreachable;
import dev.pictl.transport.HostKeyPolicy;
import dev.pictl.transport.NodeTarget;
import dev.pictl.transport.Secrets;
import dev.pictl.transport.SudoMode;
import dev.pictl.transport.TransportSettings;
import dev.pictl.transport.ssh.SshTransport;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Health findings caused on the simulated fleet the way they happen on real boards (the simulator's faults,
 * commands in a node's own shell, reboots) and read by the real {@link Prober} over SSH, one round trip per node.
 *
 * <p>Boards on 127.0.81.10.. port 24641 (no other test class uses them), all on USB so the SD-card advice stays
 * out of the way: {@code srv} (k3s server), {@code agt1}, {@code agt2} (agents), {@code hw} (hardware faults),
 * {@code flags} (cmdline.txt edited without a reboot), {@code fw} (a Pi 5 whose firmware disables the memory
 * cgroup after cmdline.txt). Each test puts back what it changed on a shared board.
 */
class HealthSimulatorTest {
    private static final String VERSION = "v1.31.4+k3s1";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final List<String> ALL = List.of("srv", "agt1", "agt2", "hw", "flags", "fw");

    @TempDir
    static Path dir;
    static SimCluster cluster;

    @BeforeAll
    static void start() throws IOException {
        Map<String, NodeSpec> specs = new LinkedHashMap<>();
        for (int i = 0; i < ALL.size(); i++) {
            specs.put(ALL.get(i), NodeSpec.of(ALL.get(i), "127.0.81." + (10 + i), 24641).withBootDevice("usb"));
        }
        specs.computeIfPresent("srv", (n, s) -> s.withProvision(Provision.prepared().withK3sServer(VERSION, "h3alth-t0ken")));
        specs.computeIfPresent("agt1", (n, s) -> s.withProvision(Provision.prepared().withK3sAgent("srv")));
        specs.computeIfPresent("agt2", (n, s) -> s.withProvision(Provision.prepared().withK3sAgent("srv")));
        specs.computeIfPresent("flags", (n, s) -> s.withProvision(Provision.prepared()));
        specs.computeIfPresent("fw", (n, s) -> s.withModel("Raspberry Pi 5 Model B Rev 1.0")
                .withProvision(Provision.prepared()));
        cluster = SimCluster.start(ClusterSpec.of(List.copyOf(specs.values())).withRebootDelayMillis(300)
                .withK3sStartDelayMillis(20).withK3sRestartMillis(300), dir);
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void aHealthyFleet_hasNoFindings_inOneRoundTripPerNode() {
        Map<String, Long> before = new LinkedHashMap<>();
        ALL.forEach(n -> before.put(n, node(n).execCount()));
        List<Health.Finding> f = Health.findings(probeAll());
        assertEquals(List.of(), f, "every finding below is caused by its test");
        ALL.forEach(n -> assertEquals(1, node(n).execCount() - before.get(n), n + ": one probe exec"));
    }

    @Test
    void throttledFault0x50005_isThrottledNowWithEveryBitDecoded() throws IOException {
        SimNode hw = node("hw");
        try {
            hw.setThrottled("0x50005");
            assertEquals(List.of(new Health.Finding("hw", "throttled_now", "throttled=0x50005: under-voltage now, "
                    + "throttled now, under-voltage has occurred since boot, throttling has occurred since boot "
                    + "(a weak power supply or cable; under-voltage corrupts SD cards)", false)), findings("hw"));
            hw.setThrottled("0x50000");
            assertEquals(List.of("throttled_since_boot"), codes(findings("hw")));
        } finally {
            hw.clearFaults();
        }
        assertEquals(List.of(), findings("hw"));
    }

    @Test
    void littleMemoryAvailable_asTheBoardsOwnMeminfoSaysIt() throws IOException {
        SimNode hw = node("hw");
        try {
            // What a board deep in swap shows: the probe's grep reads this very file.
            sudo(hw, "printf 'MemTotal:        7997156 kB\\nMemFree:          102400 kB\\nMemAvailable:     "
                    + "409600 kB\\n' > \"$PICTL_ROOT/proc/meminfo\"");
            assertEquals(List.of(new Health.Finding("hw", "low_available_memory", "400 MB of 7.6 GB memory available "
                    + "(under 10%): new pods may not fit, and the kernel may start killing processes", false)),
                    findings("hw"));
        } finally {
            hw.clearFaults(); // rewrites /proc/meminfo from the spec
        }
        assertEquals(List.of(), findings("hw"));
    }

    @Test
    void cmdlineTxtEditedInTheNodesShell_isNotBootedUntilTheReboot() throws Exception {
        SimNode flags = node("flags");
        String file = "\"$PICTL_ROOT/boot/firmware/cmdline.txt\"";
        try {
            sudo(flags, "sed -i '1 s/$/ cgroup_enable=cpuset swapaccount=1/' " + file);
            assertEquals(List.of(new Health.Finding("flags", "cmdline_not_booted", "/boot/firmware/cmdline.txt has "
                    + "cgroup_enable=cpuset swapaccount=1 that the running kernel does not: a reboot is pending, or "
                    + "the boot did not use this file", false)), findings("flags"));

            reboot(flags);
            assertEquals(List.of(), findings("flags"), "booted now");
        } finally {
            sudo(flags, "sed -i 's/ cgroup_enable=cpuset swapaccount=1//' " + file);
        }
    }

    @Test
    void firmwareDisablingTheMemoryCgroupAfterCmdlineTxt_isFoundAfterTheReboot() throws Exception {
        SimNode fw = node("fw");
        assertEquals(List.of(), findings("fw"), "a Pi 5's own cgroup_disable=memory comes before cmdline.txt");
        try {
            fw.setFirmwareDisablesMemoryCgroup(true);
            assertEquals(List.of(), findings("fw"), "the fault acts from the next boot");
            reboot(fw);

            NodeObservation o = observe("fw");
            List<Health.Finding> f = Health.findings(o);
            assertEquals(List.of("firmware_overrides_flag"), codes(f));
            String running = String.join(" ", o.cmdline().running());
            assertTrue(running.endsWith(" cgroup_enable=memory cgroup_disable=memory"), running);
            assertEquals("cmdline.txt's cgroup_enable=memory is undone by cgroup_disable=memory after it in "
                    + "/proc/cmdline, which cmdline.txt does not have: the firmware or device tree adds it and the "
                    + "kernel applies the flags left to right, so no cmdline.txt edit is guaranteed to fix it; k3s "
                    + "will not start without the memory cgroup (kernel " + o.facts().kernelRelease()
                    + "; /proc/cmdline: " + running + ")", f.get(0).message());
            assertTrue(running.startsWith("reboot=w ") && running.contains(" cgroup_disable=memory numa_policy="),
                    "the Pi 5 prefix disables memory too, harmlessly, before cmdline.txt: " + running);
            assertFalse(o.cmdline().controllers().contains("memory"), "the simulated kernel agrees");
            assertEquals(f.get(0), Health.memoryCgroupOverridden(o).orElseThrow());
        } finally {
            fw.clearFaults();
            reboot(fw);
        }
        assertEquals(List.of(), findings("fw"));
    }

    @Test
    void agentStoppedInItsShell_isNotReadyInTheServersSnapshot() throws Exception {
        SimNode agt1 = node("agt1");
        try {
            sudo(agt1, "systemctl stop k3s-agent");
            List<Health.Finding> f = Health.findings(probe(List.of("srv", "agt1")));
            assertEquals(List.of("agt1 node_not_ready"), f.stream().map(x -> x.node() + " " + x.code()).toList());
            assertTrue(f.get(0).message().matches("k3s node NotReady since \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ: "
                    + "NodeStatusUnknown: Kubelet stopped posting node status\\."), f.get(0).message());
            assertFalse(f.get(0).advisory());
        } finally {
            sudo(agt1, "systemctl start k3s-agent");
        }
        eventuallyNone(List.of("srv", "agt1"));
    }

    @Test
    void unreachableAgent_cannotBeProbedButTheServerSaysItIsNotReady() throws Exception {
        SimNode agt2 = node("agt2");
        try {
            agt2.setUnreachable(Unreachable.REFUSED);
            Map<String, ProbeOutcome> probes = probe(List.of("srv", "agt2"));
            assertInstanceOf(ProbeOutcome.Failed.class, probes.get("agt2"));
            assertEquals(List.of("agt2 node_not_ready"), Health.findings(probes).stream()
                    .map(x -> x.node() + " " + x.code()).toList());
        } finally {
            agt2.setUnreachable(null);
        }
        eventuallyNone(List.of("srv", "agt2"));
    }

    @Test
    void k3sStoppedOnTheServer_theApiIsUnavailable() throws InterruptedException {
        SimNode srv = node("srv");
        try {
            sudo(srv, "systemctl stop k3s");
            assertEquals(List.of(new Health.Finding("srv", "k3s_api_unavailable", "k3s API unavailable, so the "
                    + "cluster's nodes could not be checked (kubectl: The connection to the server 127.0.0.1:6443 "
                    + "was refused - did you specify the right host or port?)", false)),
                    Health.findings(probe(List.of("srv"))));
        } finally {
            sudo(srv, "systemctl start k3s");
        }
        eventuallyNone(List.of("srv"));
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    private static SimNode node(String name) {
        return cluster.node(name);
    }

    private static List<String> codes(List<Health.Finding> findings) {
        return findings.stream().map(Health.Finding::code).toList();
    }

    private static ExecResult sudo(SimNode n, String command) {
        ExecResult r = n.sudo(command);
        assertEquals(0, r.exitCode(), n.name() + ": " + command + ": " + r.stderr());
        return r;
    }

    private static void reboot(SimNode n) throws InterruptedException {
        String bootId = n.bootId();
        n.reboot();
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!n.isUp() || n.bootId().equals(bootId) || n.bootId().isEmpty()) {
            assertTrue(System.nanoTime() < end, n.name() + " did not come back");
            Thread.sleep(20);
        }
    }

    /** Probes the nodes as the plan would: {@code srv} as the server. */
    private static Map<String, ProbeOutcome> probe(List<String> names) {
        Map<String, NodeTarget> targets = new LinkedHashMap<>();
        for (String name : names) {
            SimNode n = node(name);
            targets.put(name, NodeTarget.of(name, n.address()).withPort(n.port()).withUser("pi")
                    .withPrivateKey(cluster.userKey()).withKnownHosts(cluster.knownHosts())
                    .withHostKeyPolicy(HostKeyPolicy.STRICT).withSudo(SudoMode.PASSWORDLESS)
                    .withConnectTimeout(Duration.ofSeconds(5)));
        }
        Map<String, ProbeRequest> requests = names.stream().collect(Collectors.toMap(n -> n,
                n -> StandardProbe.request(n, n.equals("srv"), List.of())));
        try (SshTransport transport = new SshTransport(TransportSettings.isolated(cluster.knownHosts(), "pi",
                Secrets.none()))) {
            return Prober.probeAll(StandardProbe.PROBE, transport, targets, requests, 6, TIMEOUT);
        }
    }

    private static Map<String, ProbeOutcome> probeAll() {
        return probe(ALL);
    }

    private static NodeObservation observe(String name) {
        ProbeOutcome out = probe(List.of(name)).get(name);
        if (out instanceof ProbeOutcome.Failed f) {
            throw new AssertionError(f.cause().getMessage(), f.cause());
        }
        return ((ProbeOutcome.Observed) out).observation();
    }

    /** The findings of these nodes clear within a few seconds (a restarted unit takes a moment to be active). */
    private static void eventuallyNone(List<String> names) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<Health.Finding> f = Health.findings(probe(names));
        while (!f.isEmpty() && System.nanoTime() < end) {
            Thread.sleep(100);
            f = Health.findings(probe(names));
        }
        assertEquals(List.of(), f);
    }

    private static List<Health.Finding> findings(String name) {
        return Health.findings(observe(name));
    }
}
