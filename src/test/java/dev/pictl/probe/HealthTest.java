package dev.pictl.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pictl.probe.NodeObservation.Cmdline;
import dev.pictl.probe.NodeObservation.Facts;
import dev.pictl.probe.NodeObservation.KubeSnapshot;
import dev.pictl.transport.TransportException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Tag("fast")
class HealthTest {
    private static final String PI4 = "Raspberry Pi 4 Model B Rev 1.4";
    private static final String PI5 = "Raspberry Pi 5 Model B Rev 1.0";
    private static final long MEM_8G = 7_997_156;

    /** A healthy 8 GB Pi 4 on a USB SSD, with the given facts changed. */
    private static Facts facts(String model, String arch, long memKb, long availKb, String rootSource, String boot,
                               String throttled, Double temp) {
        return new Facts(model, arch, "arm64", memKb, availKb, "debian", "12", "bookworm", "6.6.51+rpt-rpi-v8",
                rootSource, boot, throttled, temp, "id", "pi-1", "pi-1", "pi-1");
    }

    private static Facts healthy() {
        return facts(PI4, "aarch64", MEM_8G, 6_812_000, "/dev/sda2", "usb", "0x0", 47.2);
    }

    private static NodeObservation node(Facts facts) {
        return node("pi-1", facts, null, null);
    }

    private static NodeObservation node(String name, Facts facts, Cmdline cmdline, KubeSnapshot kube) {
        return NodeObservation.of(name, facts).with(NodeProbe.CMDLINE, cmdline).with(NodeProbe.KUBE, kube);
    }

    private static NodeObservation withCmdline(String kernel, String file, String proc, String controllers) {
        Facts f = healthy();
        Facts k = new Facts(f.model(), f.arch(), f.dpkgArch(), f.memTotalKb(), f.memAvailableKb(), f.osId(),
                f.osVersionId(), f.osCodename(), kernel, f.rootSource(), f.bootDevice(), f.throttled(),
                f.temperatureC(), f.bootId(), f.hostname(), f.kernelHostname(), f.hostsName());
        return node("pi-1", k, new Cmdline("/boot/firmware/cmdline.txt", file + "\n", words(file), words(proc),
                words(controllers)), null);
    }

    private static List<String> words(String s) {
        return s.isBlank() ? List.of() : List.of(s.strip().split("\\s+"));
    }

    private static List<String> codes(List<Health.Finding> findings) {
        return findings.stream().map(Health.Finding::code).toList();
    }

    // ---- throttling ------------------------------------------------------------------------------------------

    @Test
    void decodeThrottled_0x50005_isUnderVoltageAndThrottlingNowAndSinceBoot() {
        assertEquals(List.of("under-voltage now", "throttled now", "under-voltage has occurred since boot",
                "throttling has occurred since boot"), Health.decodeThrottled(0x50005));
    }

    @Test
    void decodeThrottled_zeroIsNothing_0x50000IsOnlySinceBoot() {
        assertEquals(List.of(), Health.decodeThrottled(0));
        assertEquals(List.of("under-voltage has occurred since boot", "throttling has occurred since boot"),
                Health.decodeThrottled(0x50000));
        assertEquals(List.of("ARM frequency capped now", "soft temperature limit active now",
                "ARM frequency capping has occurred since boot", "soft temperature limit has occurred since boot"),
                Health.decodeThrottled(0xA000A));
    }

    @Test
    void throttled0x50005_isThrottledNowWithEveryBitDecodedAndThePowerSupplyBlamed() {
        Facts h = healthy();
        List<Health.Finding> f = Health.findings(node(facts(PI4, "aarch64", MEM_8G, h.memAvailableKb(), "/dev/sda2",
                "usb", "0x50005", 47.2)));
        assertEquals(List.of(new Health.Finding("pi-1", "throttled_now", "throttled=0x50005: under-voltage now, "
                + "throttled now, under-voltage has occurred since boot, throttling has occurred since boot "
                + "(a weak power supply or cable; under-voltage corrupts SD cards)", false)), f);
    }

    @Test
    void throttled0x50000_isSinceBootOnly() {
        Facts h = healthy();
        List<Health.Finding> f = Health.findings(node(facts(PI4, "aarch64", MEM_8G, h.memAvailableKb(), "/dev/sda2",
                "usb", "0x50000", null)));
        assertEquals(List.of("throttled_since_boot"), codes(f));
        assertEquals("throttled=0x50000: under-voltage has occurred since boot, throttling has occurred since boot "
                + "(a weak power supply or cable; under-voltage corrupts SD cards)", f.get(0).message());
    }

    @ParameterizedTest(name = "throttled={0}")
    @CsvSource(nullValues = "null", value = {"0x0", "null", "0x100"})
    void throttled_zeroUnknownOrUndocumentedBits_sayNothing(String throttled) {
        Facts h = healthy();
        assertEquals(List.of(), Health.findings(node(facts(PI4, "aarch64", MEM_8G, h.memAvailableKb(), "/dev/sda2",
                "usb", throttled, 47.2))));
    }

    // ---- temperature and memory ------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}°C hot: {1}")
    @CsvSource({"79.9, false", "80.0, true", "85.3, true"})
    void hot_fromEightyDegrees(double temp, boolean hot) {
        Facts h = healthy();
        List<Health.Finding> f = Health.findings(node(facts(PI4, "aarch64", MEM_8G, h.memAvailableKb(), "/dev/sda2",
                "usb", "0x0", temp)));
        assertEquals(hot ? List.of("hot") : List.of(), codes(f));
        if (hot) {
            assertEquals(String.format(java.util.Locale.ROOT, "SoC temperature %.1f°C (throttling starts at 80°C)", temp),
                    f.get(0).message());
        }
    }

    @Test
    void lowAvailableMemory_underTenPercent_withBothFigures() {
        List<Health.Finding> f = Health.findings(node(facts(PI4, "aarch64", MEM_8G, 612_352, "/dev/sda2", "usb",
                "0x0", 47.2)));
        assertEquals(List.of(new Health.Finding("pi-1", "low_available_memory", "598 MB of 7.6 GB memory available "
                + "(under 10%): new pods may not fit, and the kernel may start killing processes", false)), f);
    }

    @ParameterizedTest(name = "MemAvailable {0} kB of 7997156")
    @CsvSource({"799716, false", "799715, true", "0, false"})
    void lowAvailableMemory_boundaryAndUnknown(long available, boolean low) {
        List<Health.Finding> f = Health.findings(node(facts(PI4, "aarch64", MEM_8G, available, "/dev/sda2", "usb",
                "0x0", 47.2)));
        assertEquals(low ? List.of("low_available_memory") : List.of(), codes(f), "0 means unknown, not empty");
    }

    @Test
    void aSmallBoardWithLittleLeft_getsBothMemoryFindings_installedIsAdvisory() {
        List<Health.Finding> f = Health.findings(node(facts("Raspberry Pi 3 Model B Rev 1.2", "aarch64", 944_268,
                61_440, "/dev/sda2", "usb", "0x0", 47.2)));
        assertEquals(List.of(
                new Health.Finding("pi-1", "low_available_memory", "60 MB of 922 MB memory available (under 10%): "
                        + "new pods may not fit, and the kernel may start killing processes", false),
                new Health.Finding("pi-1", "low_memory", "0.9 GB of memory; k3s on a Pi wants at least 4 GB", true)), f);
    }

    // ---- the board -------------------------------------------------------------------------------------------

    @Test
    void everyStandingFactOfAnOldBoard_isAdvisory_afterTheTrouble() {
        List<Health.Finding> f = Health.findings(node(facts("Raspberry Pi 3 Model B Rev 1.2", "armv7l", 944_268,
                700_000, "/dev/mmcblk0p2", "sd", "0x50005", 82.5)));
        assertEquals(List.of("throttled_now", "hot", "low_memory", "sd_card_boot", "not_arm64"), codes(f));
        assertEquals(List.of(false, false, true, true, true), f.stream().map(Health.Finding::advisory).toList());
        assertEquals("boots from an SD card (/dev/mmcblk0p2); k3s's datastore wears SD cards out, a USB SSD lasts "
                + "longer", f.get(3).message());
        assertEquals("runs a armv7l kernel, not aarch64 (64-bit)", f.get(4).message());
    }

    @Test
    void quietForAHealthyPi4OnUsb() {
        assertEquals(List.of(), Health.findings(node(healthy())));
    }

    @Test
    void notAPi_byModelOrNoModel_isAdvisory() {
        List<Health.Finding> vm = Health.findings(node(facts("QEMU Virtual Machine", "aarch64", MEM_8G, 6_000_000,
                "/dev/vda2", "unknown", null, null)));
        assertEquals(List.of(new Health.Finding("pi-1", "not_a_pi", "model is \"QEMU Virtual Machine\", not a "
                + "Raspberry Pi", true)), vm);
        List<Health.Finding> none = Health.findings(node(facts(null, "x86_64", MEM_8G, 6_000_000, "/dev/vda2",
                "unknown", null, null)));
        assertEquals(List.of("not_a_pi", "not_arm64"), codes(none));
        assertEquals("no device-tree model: probably not a Raspberry Pi", none.get(0).message());
    }

    // ---- the kernel command line -----------------------------------------------------------------------------

    /** The firmware's prefix of a Pi 5 on 6.12 (facts §3.4), and cmdline.txt as Raspberry Pi OS writes it. */
    private static final String PI5_PREFIX = "reboot=w coherent_pool=1M 8250.nr_uarts=1 pci=pcie_bus_safe "
            + "cgroup_disable=memory numa_policy=interleave smsc95xx.macaddr=2C:CF:67:00:00:01 "
            + "vc_mem.mem_base=0x3fc00000 vc_mem.mem_size=0x40000000";
    private static final String FILE = "console=serial0,115200 console=tty1 root=PARTUUID=4e639091-02 "
            + "rootfstype=ext4 fsck.repair=yes rootwait";
    private static final String BOOTED = "console=ttyAMA10,115200 console=tty1 root=PARTUUID=4e639091-02 "
            + "rootfstype=ext4 fsck.repair=yes rootwait";
    private static final String FLAGS = " cgroup_enable=cpuset cgroup_enable=memory cgroup_memory=1";

    @Test
    void cmdlineNotBooted_namesTheFileTokensTheRunningKernelLacks() {
        NodeObservation o = withCmdline("6.6.51+rpt-rpi-2712", FILE + FLAGS, PI5_PREFIX + " " + BOOTED,
                "cpuset cpu io pids");
        assertEquals(List.of(new Health.Finding("pi-1", "cmdline_not_booted", "/boot/firmware/cmdline.txt has "
                + "cgroup_enable=cpuset cgroup_enable=memory cgroup_memory=1 that the running kernel does not: a "
                + "reboot is pending, or the boot did not use this file", false)), Health.findings(o));
    }

    @Test
    void cmdlineBooted_thePi5PrefixDisablingMemoryBeforeTheFileIsHarmless() {
        NodeObservation o = withCmdline("6.6.51+rpt-rpi-2712", FILE + FLAGS, PI5_PREFIX + "  " + BOOTED + FLAGS,
                "cpuset cpu io memory pids");
        assertEquals(List.of(), Health.findings(o), "serial0 is rewritten to the real UART; the prefix's "
                + "cgroup_disable=memory comes before cmdline.txt's cgroup_enable=memory, which wins");
        assertEquals(Optional.empty(), Health.memoryCgroupOverridden(o));
    }

    @Test
    void cmdlineNotBooted_unknownWhenProcCmdlineIsUnreadable() {
        assertEquals(List.of(), Health.findings(withCmdline("6.6.51+rpt-rpi-v8", FILE + FLAGS, "", "")));
    }

    @Test
    void firmwareOverride_aDeviceTreeCgroupDisableAfterCmdlineTxt_onAPi5() {
        // The report of facts §2.3: a firmware/DT combination put cgroup_disable=memory after cmdline.txt's flags.
        String proc = PI5_PREFIX + "  " + BOOTED + FLAGS + " cgroup_disable=memory";
        NodeObservation o = withCmdline("6.12.25+rpt-rpi-2712", FILE + FLAGS, proc, "cpuset cpu io pids");
        Health.Finding expected = new Health.Finding("pi-1", "firmware_overrides_flag", "cmdline.txt's "
                + "cgroup_enable=memory is undone by cgroup_disable=memory after it in /proc/cmdline, which "
                + "cmdline.txt does not have: the firmware or device tree adds it and the kernel applies the flags left "
                + "to right, so no cmdline.txt edit is guaranteed to fix it; k3s will not start without the memory "
                + "cgroup (kernel 6.12.25+rpt-rpi-2712; /proc/cmdline: " + String.join(" ", words(proc)) + ")", false);
        assertEquals(List.of(expected), Health.findings(o), "one finding: not also memory_cgroup_missing");
        assertEquals(Optional.of(expected), Health.memoryCgroupOverridden(o), "the plan's kernel_params note is the same");
    }

    @Test
    void firmwareOverride_ofAnotherController_namesBothTokensWithoutTheK3sNote() {
        String proc = PI5_PREFIX + " " + BOOTED + FLAGS + " cgroup_disable=cpuset";
        NodeObservation o = withCmdline("6.6.51+rpt-rpi-2712", FILE + FLAGS, proc, "cpu io memory pids");
        List<Health.Finding> f = Health.findings(o);
        assertEquals(List.of("firmware_overrides_flag"), codes(f));
        assertTrue(f.get(0).message().startsWith("cmdline.txt's cgroup_enable=cpuset is undone by cgroup_disable=cpuset "
                + "after it in /proc/cmdline"), f.get(0).message());
        assertFalse(f.get(0).message().contains("k3s will not start"), f.get(0).message());
        assertEquals(Optional.empty(), Health.memoryCgroupOverridden(o), "memory is fine");
    }

    @Test
    void firmwareOverride_aListTokenUndoneByAListToken_isOneFinding() {
        String proc = PI5_PREFIX + " " + BOOTED + " cgroup_enable=cpuset,memory cgroup_disable=cpuset,memory";
        NodeObservation o = withCmdline("6.6.51+rpt-rpi-2712", FILE + " cgroup_enable=cpuset,memory", proc,
                "cpu io pids");
        List<Health.Finding> f = Health.findings(o);
        assertEquals(List.of("firmware_overrides_flag"), codes(f));
        assertTrue(f.get(0).message().startsWith("cmdline.txt's cgroup_enable=cpuset,memory is undone by "
                + "cgroup_disable=cpuset,memory"), f.get(0).message());
    }

    @Test
    void cmdlineTxtDisablingItself_isNotTheFirmware() {
        String own = FLAGS + " cgroup_disable=memory";
        NodeObservation o = withCmdline("6.6.51+rpt-rpi-2712", FILE + own, PI5_PREFIX + " " + BOOTED + own,
                "cpuset cpu io pids");
        assertEquals(List.of(), Health.findings(o), "the file's own last word on memory is disable: as asked");
    }

    @Test
    void memoryCgroupMissing_enabledLastOnProcCmdlineButNoController() {
        // The facts' "Unknown kernel command line parameters" report: a kernel without the downstream handler.
        String proc = "coherent_pool=1M 8250.nr_uarts=1 " + BOOTED + " cgroup_memory=1 cgroup_enable=memory";
        NodeObservation o = withCmdline("6.1.0-rpi7-rpi-v8", FILE + " cgroup_memory=1 cgroup_enable=memory", proc,
                "cpuset cpu io pids");
        Health.Finding expected = new Health.Finding("pi-1", "memory_cgroup_missing", "the running kernel has "
                + "cgroup_enable=memory but no memory cgroup controller: the kernel or firmware ignores or overrides the "
                + "flag, so no cmdline.txt edit is guaranteed to fix it; k3s will not start without it (kernel "
                + "6.1.0-rpi7-rpi-v8; /proc/cmdline: " + proc + ")", false);
        assertEquals(List.of(expected), Health.findings(o));
        assertEquals(Optional.of(expected), Health.memoryCgroupOverridden(o));
    }

    @Test
    void memoryCgroupMissing_notWhenTheControllersAreUnknown() {
        String proc = "coherent_pool=1M " + BOOTED + " cgroup_enable=memory";
        NodeObservation o = withCmdline("5.10.103-v8+", FILE + " cgroup_enable=memory", proc, "");
        assertEquals(List.of(), Health.findings(o), "no cgroup.controllers (a cgroup v1 system): unknown");
    }

    // ---- the cluster -----------------------------------------------------------------------------------------

    /**
     * {@code kubectl get node NAME -o json} as k3s prints it, trimmed; the Ready condition's status, reason and
     * message are filled in. As given by {@link #notReady}: an agent whose kubelet stopped posting.
     */
    private static final String NODE_JSON = """
            {
              "apiVersion": "v1",
              "kind": "Node",
              "metadata": {
                "annotations": {"k3s.io/hostname": "NAME", "k3s.io/internal-ip": "192.168.1.12"},
                "creationTimestamp": "2026-01-12T17:03:11Z",
                "labels": {"kubernetes.io/arch": "arm64", "kubernetes.io/hostname": "NAME"},
                "name": "NAME",
                "resourceVersion": "48211",
                "uid": "b3f0c0de-6a3e-4c1b-9d55-0c1f3e2a7b91"
              },
              "spec": {
                "podCIDR": "10.42.2.0/24",
                "providerID": "k3s://NAME",
                "taints": [
                  {"effect": "NoSchedule", "key": "node.kubernetes.io/unreachable", "timeAdded": "2026-01-14T09:12:40Z"},
                  {"effect": "NoExecute", "key": "node.kubernetes.io/unreachable", "timeAdded": "2026-01-14T09:12:45Z"}
                ]
              },
              "status": {
                "addresses": [{"address": "192.168.1.12", "type": "InternalIP"}, {"address": "NAME", "type": "Hostname"}],
                "conditions": [
                  {"lastHeartbeatTime": "2026-01-14T09:11:52Z", "lastTransitionTime": "2026-01-12T17:03:11Z",
                   "message": "kubelet has sufficient memory available", "reason": "KubeletHasSufficientMemory",
                   "status": "False", "type": "MemoryPressure"},
                  {"lastHeartbeatTime": "2026-01-14T09:11:52Z", "lastTransitionTime": "2026-01-14T09:12:40Z",
                   "message": "MESSAGE", "reason": "REASON", "status": "STATUS", "type": "Ready"}
                ],
                "nodeInfo": {"architecture": "arm64", "kubeletVersion": "v1.31.4+k3s1", "osImage": "Debian GNU/Linux 12 (bookworm)"}
              }
            }
            """;

    private static Map<String, Object> json(String json) {
        try {
            return new ObjectMapper().readValue(json, new TypeReference<Map<String, Object>>() { });
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static Map<String, Object> k3sNode(String name, String status, String reason, String message) {
        return json(NODE_JSON.replace("NAME", name).replace("STATUS", status).replace("REASON", reason)
                .replace("MESSAGE", message));
    }

    private static Map<String, Object> notReady(String name) {
        return k3sNode(name, "Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status.");
    }

    private static Map<String, Object> ready(String name) {
        return k3sNode(name, "True", "KubeletReady", "kubelet is posting ready status");
    }

    private static NodeObservation server(KubeSnapshot kube) {
        return server("pi-server-1", kube);
    }

    private static NodeObservation server(String name, KubeSnapshot kube) {
        return NodeObservation.of(name, healthy()).with(NodeProbe.KUBE, kube);
    }

    private static KubeSnapshot nodes(List<Map<String, Object>> nodes) {
        return new KubeSnapshot(nodes, List.of(), List.of(), null);
    }

    private static Map<String, ProbeOutcome> observed(NodeObservation... nodes) {
        Map<String, ProbeOutcome> out = new LinkedHashMap<>();
        for (NodeObservation n : nodes) {
            out.put(n.node(), new ProbeOutcome.Observed(n));
        }
        return out;
    }

    @Test
    void nodeNotReady_fromTheServersNodeObject_onTheNodeOfThatName() {
        KubeSnapshot kube = nodes(List.of(ready("pi-server-1"), notReady("pi-worker-2")));
        assertEquals(List.of(new Health.Finding("pi-worker-2", "node_not_ready", "k3s node NotReady since "
                        + "2026-01-14T09:12:40Z: NodeStatusUnknown: Kubelet stopped posting node status.", false)),
                Health.findings(observed(server(kube), node("pi-worker-2", healthy(), null, null))));
    }

    @Test
    void nodeNotReady_statusFalseOrNoReadyCondition() {
        Map<String, Object> bare = json("{\"kind\": \"Node\", \"metadata\": {\"name\": \"pi-worker-3\"}, \"status\": {}}");
        List<Health.Finding> f = Health.findings(observed(server(nodes(List.of(k3sNode("pi-worker-2", "False",
                "KubeletNotReady", "container runtime network not ready"), bare)))));
        assertEquals(List.of("pi-worker-2", "pi-worker-3"), f.stream().map(Health.Finding::node).toList());
        assertEquals("k3s node NotReady since 2026-01-14T09:12:40Z: KubeletNotReady: container runtime network not "
                + "ready", f.get(0).message());
        assertEquals("k3s node NotReady: it reports no Ready condition yet", f.get(1).message());
    }

    @Test
    void k3sApiUnavailable_onTheServer_withTheErrorsFirstLine() {
        KubeSnapshot down = new KubeSnapshot(List.of(), List.of(), List.of(), "The connection to the server "
                + "127.0.0.1:6443 was refused - did you specify the right host or port?\nsecond line");
        assertEquals(List.of(new Health.Finding("pi-server-1", "k3s_api_unavailable", "k3s API unavailable, so the "
                + "cluster's nodes could not be checked (kubectl: The connection to the server 127.0.0.1:6443 was "
                + "refused - did you specify the right host or port?)", false)), Health.findings(observed(server(down))));
    }

    @Test
    void k3sApiUnavailable_notBeforeK3sIsInstalled() {
        KubeSnapshot noK3s = new KubeSnapshot(List.of(), List.of(), List.of(),
                "timeout: failed to run command 'k3s': No such file or directory", false);
        assertEquals(List.of(), Health.findings(observed(server("pi-server-1", noK3s))), "a fresh board");
        KubeSnapshot stopped = new KubeSnapshot(List.of(), List.of(), List.of(), "connection refused", true);
        assertEquals(List.of("k3s_api_unavailable"), Health.findings(observed(server("pi-server-1", stopped))).stream()
                .map(Health.Finding::code).toList(), "installed, API down");
    }

    @Test
    void aDescribedNodeMissingFromAHealthyNodeList_isNoFinding() {
        KubeSnapshot kube = nodes(List.of(ready("pi-server-1")));
        assertEquals(List.of(), Health.findings(observed(server(kube), node("pi-worker-1", healthy(), null, null))));
    }

    @Test
    void findingsOfAFleet_byNode_troubleBeforeAdvisory_unreachableNodesOnlyThroughTheServer() {
        Facts sdCard = facts(PI4, "aarch64", MEM_8G, 6_000_000, "/dev/mmcblk0p2", "sd", "0x50000", 47.2);
        KubeSnapshot kube = nodes(List.of(ready("pi-server-1"), notReady("pi-worker-2"), notReady("pi-worker-1")));
        Map<String, ProbeOutcome> probes = new LinkedHashMap<>();
        // Inserted out of order: the result does not depend on the map's order.
        probes.put("pi-worker-2", new ProbeOutcome.Failed("pi-worker-2", new TransportException(
                TransportException.Kind.UNREACHABLE, "pi-worker-2", "connect", "connection refused", "")));
        probes.put("pi-worker-1", new ProbeOutcome.Observed(node("pi-worker-1", sdCard, null, null)));
        probes.put("pi-server-1", new ProbeOutcome.Observed(server(kube)));
        List<Health.Finding> f = Health.findings(probes);
        assertEquals(List.of("pi-worker-1 throttled_since_boot false", "pi-worker-1 node_not_ready false",
                        "pi-worker-1 sd_card_boot true", "pi-worker-2 node_not_ready false"),
                f.stream().map(x -> x.node() + " " + x.code() + " " + x.advisory()).toList());
    }

    @ParameterizedTest(name = "{0}: advisory {1}")
    @CsvSource({
        "throttled_now, false", "throttled_since_boot, false", "hot, false", "low_available_memory, false",
        "cmdline_not_booted, false", "firmware_overrides_flag, false", "memory_cgroup_missing, false",
        "node_not_ready, false", "k3s_api_unavailable, false",
        "low_memory, true", "sd_card_boot, true", "not_a_pi, true", "not_arm64, true"})
    void advisory_onlyForStandingFactsOfTheHardware(String code, boolean advisory) {
        // One fleet that has every finding at once.
        Facts everything = new Facts("Raspberry Pi 3 Model B Rev 1.2", "armv7l", "armhf", 944_268, 61_440, "raspbian",
                "11", "bullseye", "6.1.21-v7+", "/dev/mmcblk0p2", "sd", "0x50005", 85.0, "id", "a", "a", "a");
        String proc = "coherent_pool=1M " + BOOTED + " cgroup_enable=cpuset cgroup_disable=cpuset";
        NodeObservation a = node("a", everything, new Cmdline("/boot/cmdline.txt", "", words(FILE
                + " cgroup_enable=cpuset cgroup_memory=1"), words(proc), words("cpu io pids")), null);
        NodeObservation b = node("b", facts("Generic board", "x86_64", MEM_8G, 6_000_000, "/dev/sda2", "usb", null,
                null), new Cmdline("/boot/cmdline.txt", "", words(FILE + " cgroup_enable=memory"),
                words(BOOTED + " cgroup_enable=memory"), words("cpu io pids")), null);
        NodeObservation c = node("c", facts(PI4, "aarch64", MEM_8G, 6_000_000, "/dev/sda2", "usb", "0x50000", 50.0),
                null, null);
        NodeObservation srv = server(nodes(List.of(notReady("a"))));
        NodeObservation srv2 = server("srv2", new KubeSnapshot(List.of(), List.of(), List.of(), "down"));
        List<Health.Finding> all = Health.findings(observed(a, b, c, srv, srv2));
        List<Health.Finding> of = all.stream().filter(x -> x.code().equals(code)).toList();
        assertFalse(of.isEmpty(), code + " in " + codes(all));
        of.forEach(x -> assertEquals(advisory, x.advisory(), x.toString()));
    }
}
