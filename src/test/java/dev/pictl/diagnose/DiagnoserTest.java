package dev.pictl.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pictl.diagnose.DiagnoseReport.Finding;
import dev.pictl.diagnose.DiagnoseReport.NodeVerdict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The signature matching and the ranking, on captured text: journal lines as journalctl prints them (the strings of
 * day2-facts.md §6 and k3s-and-pi-facts.md §2.1), script sections as a Pi prints them, and Node objects as kubectl
 * prints them. No simulator.
 */
@Tag("fast")
class DiagnoserTest {
    private static final String SERVER = "pi-server-1";
    private static final String EP = "192.168.1.10:6443";
    private static final String H = "Dec 07 18:40:01 pi-worker-1 k3s[2345]: ";

    static final String CGROUP = H + "time=\"2026-12-07T18:40:01Z\" level=fatal msg=\"Error: failed to find memory cgroup (v2)\"";
    static final String CGROUP_V1 = H + "time=\"2026-12-07T18:40:01Z\" level=fatal msg=\"failed to find memory cgroup, you may need to add "
            + "\\\"cgroup_memory=1 cgroup_enable=memory\\\" to your linux cmdline (/boot/cmdline.txt on a Raspberry Pi)\"";
    static final String PASSWORD = H + "time=\"2026-12-07T18:40:01Z\" level=info msg=\"Waiting to retrieve agent configuration; server is not "
            + "ready: Node password rejected, duplicate hostname or contents of '/etc/rancher/node/password' may not match server "
            + "node-passwd entry, try enabling a unique node name with the --with-node-id flag\"";
    static final String TOKEN = H + "time=\"2026-12-07T18:40:01Z\" level=info msg=\"Waiting to retrieve agent configuration; server is not "
            + "ready: https://127.0.0.1:6444/v1-k3s/serving-kubelet.crt: 401 Unauthorized\"";
    static final String REFUSED = H + "time=\"2026-12-07T18:40:01Z\" level=error msg=\"Failed to connect to proxy. Empty dialer response\" "
            + "error=\"dial tcp 192.168.1.10:6443: connect: connection refused\"";
    static final String CA_REFUSED = H + "time=\"2026-12-07T18:40:01Z\" level=error msg=\"failed to get CA certs: Get "
            + "\\\"https://192.168.1.10:6443/cacerts\\\": dial tcp 192.168.1.10:6443: connect: connection refused\"";
    static final String TIMEOUT = H + "time=\"2026-12-07T18:40:01Z\" level=error msg=\"Remotedialer proxy error; reconnecting...\" "
            + "error=\"dial tcp 192.168.1.10:6443: i/o timeout\" url=\"wss://192.168.1.10:6443/v1-k3s/connect\"";
    static final String EXPIRED = H + "time=\"2026-12-07T18:40:01Z\" level=error msg=\"Remotedialer proxy error; reconnecting...\" "
            + "error=\"tls: failed to verify certificate: x509: certificate has expired or is not yet valid: current time "
            + "2026-12-07T18:40:01Z is after 2026-12-06T18:40:01Z\"";
    static final String NOT_YET = H + "time=\"2026-12-07T18:30:01Z\" level=error msg=\"Remotedialer proxy error; reconnecting...\" "
            + "error=\"tls: failed to verify certificate: x509: certificate has expired or is not yet valid: current time "
            + "2026-12-07T18:30:01Z is before 2026-12-07T18:35:00Z\"";
    static final String UNKNOWN_CA = H + "E1207 18:40:01.123456    2345 reflector.go:158] \"Unhandled Error\" err=\"Get "
            + "\\\"https://127.0.0.1:6444/api/v1/nodes\\\": tls: failed to verify certificate: x509: certificate signed by unknown authority\"";
    static final String FLANNEL = H + "E1207 18:40:01.123456    2345 pod_workers.go:1301] \"Error syncing pod, skipping\" err=\"failed to "
            + "\\\"CreatePodSandbox\\\" for \\\"coredns\\\" with CreatePodSandboxError: plugin type=\\\"flannel\\\" failed (add): "
            + "loadFlannelSubnetEnv failed: open /run/flannel/subnet.env: no such file or directory\"";
    static final String IMAGE = H + "E1207 18:40:01.123456    2345 remote_image.go:180] \"PullImage from image service failed\" "
            + "err=\"rpc error: code = NotFound desc = failed to pull and unpack image\" image=\"nginx:nope\"";
    static final String EVICT_DISK = H + "I1207 18:40:01.123456    2345 eviction_manager.go:369] \"Eviction manager: attempting to "
            + "reclaim\" resourceName=\"ephemeral-storage\"";
    static final String START = "Dec 07 18:39:59 pi-worker-1 systemd[1]: Starting k3s-agent.service - Lightweight Kubernetes...";
    static final String STARTED = "Dec 07 18:40:00 pi-worker-1 systemd[1]: Started k3s-agent.service - Lightweight Kubernetes.";

    static Stream<Arguments> journalLines() {
        return Stream.of(
                Arguments.of(CGROUP, Signatures.MEMORY_CGROUP),
                Arguments.of(CGROUP_V1, Signatures.MEMORY_CGROUP),
                Arguments.of(PASSWORD, Signatures.NODE_PASSWORD),
                Arguments.of(TOKEN, Signatures.TOKEN_401),
                Arguments.of(REFUSED, Signatures.REFUSED),
                Arguments.of(CA_REFUSED, Signatures.REFUSED),
                Arguments.of(TIMEOUT, Signatures.TIMEOUT),
                Arguments.of(EXPIRED, Signatures.X509_EXPIRED),
                Arguments.of(NOT_YET, Signatures.X509_NOT_YET_VALID),
                Arguments.of(UNKNOWN_CA, Signatures.X509_OTHER),
                Arguments.of(FLANNEL, Signatures.FLANNEL),
                Arguments.of(IMAGE, Signatures.IMAGE_PULL),
                Arguments.of(EVICT_DISK, Signatures.DISK),
                Arguments.of(H + "time=\"2026-12-07T18:40:01Z\" level=fatal msg=\"Error: something new\"", Signatures.FATAL),
                Arguments.of(H + "time=\"2026-12-07T18:40:01Z\" level=info msg=\"k3s agent is up and running\"", null),
                Arguments.of(STARTED, null));
    }

    @ParameterizedTest
    @MethodSource("journalLines")
    void everyJournalSignature_isRecognised(String line, String signal) {
        assertEquals(signal, Signatures.signal(line));
    }

    @Test
    void ofTheConnectionComplaints_onlyTheNewestCounts() {
        Map<String, String> s = Signatures.match(List.of(EXPIRED, IMAGE, TIMEOUT));
        assertEquals(List.of(Signatures.IMAGE_PULL, Signatures.TIMEOUT), new ArrayList<>(s.keySet()));
        assertEquals(TIMEOUT, s.get(Signatures.TIMEOUT));
    }

    // ---- fixtures ------------------------------------------------------------------------------------------------

    /** A node's script output, as sections; a healthy Pi 4 agent unless changed. */
    static final class Node {
        final String name;
        final Map<String, String> s = new LinkedHashMap<>();
        double offset;

        Node(String name) {
            this.name = name;
            boolean server = name.equals(SERVER);
            s.put("date", "");
            s.put("throttled", "throttled=0x0");
            s.put("temp", "temp=47.2'C");
            s.put("meminfo", "MemTotal:        3884484 kB\nMemAvailable:    3012345 kB");
            s.put("proc-cmdline", "coherent_pool=1M 8250.nr_uarts=1 console=tty1 root=PARTUUID=1-02 rootwait cgroup_enable=cpuset "
                    + "cgroup_enable=memory cgroup_memory=1");
            s.put("cmdline-txt", "console=tty1 root=PARTUUID=1-02 rootwait cgroup_enable=cpuset cgroup_enable=memory cgroup_memory=1");
            s.put("controllers", "cpuset cpu io memory pids");
            s.put("df", "/dev/mmcblk0p2     30358348  4553752  25804596      16% /");
            s.put("kernel-errors", "");
            s.put("unit k3s", server ? unit("active", "running", 0) : "LoadState=not-found\nActiveState=inactive\nSubState=dead");
            s.put("unit k3s-agent", server ? "LoadState=not-found\nActiveState=inactive\nSubState=dead" : unit("active", "running", 0));
            s.put("journal k3s", "-- No entries --");
            s.put("journal k3s-agent", "-- No entries --");
            s.put(server ? "journal k3s" : "journal k3s-agent", String.join("\n", START, STARTED));
            s.put("check-config", "STATUS: pass");
            if (!server) {
                s.put("reach", "200 exit=0");
            }
        }

        static String unit(String active, String sub, int restarts) {
            return "LoadState=loaded\nActiveState=" + active + "\nSubState=" + sub + "\nNRestarts=" + restarts + "\nResult=success";
        }

        Node set(String section, String text) {
            s.put(section, text);
            return this;
        }

        Node journal(String... lines) {
            List<String> all = new ArrayList<>(List.of(START));
            all.addAll(List.of(lines));
            return set(name.equals(SERVER) ? "journal k3s" : "journal k3s-agent", String.join("\n", all));
        }

        Node agentUnit(String active, String sub, int restarts) {
            return set("unit k3s-agent", unit(active, sub, restarts));
        }

        NodeEvidence evidence() {
            StringBuilder b = new StringBuilder();
            double sent = 1_800_000_000.0;
            s.put("date", String.format(java.util.Locale.ROOT, "%.9f", sent + 0.05 + offset));
            String units = "Id=k3s.service\n" + s.get("unit k3s") + "\n\nId=k3s-agent.service\n" + s.get("unit k3s-agent");
            s.forEach((k, v) -> {
                if (!k.startsWith("unit ")) {
                    b.append('\n').append(DiagnoseScript.MARK).append(k).append('\n').append(v).append('\n');
                }
            });
            b.append('\n').append(DiagnoseScript.MARK).append("units\n").append(units).append('\n');
            b.append(DiagnoseScript.MARK).append("end\n");
            return NodeEvidence.of(name, b.toString(), sent, sent + 0.1);
        }
    }

    static String nodeJson(String name, String ready, String reason, String message, String... extra) {
        StringBuilder c = new StringBuilder();
        c.append("{\"type\":\"Ready\",\"status\":\"").append(ready).append("\",\"reason\":\"").append(reason)
                .append("\",\"message\":\"").append(message).append("\",\"lastTransitionTime\":\"2026-12-07T18:39:00Z\"}");
        for (String e : extra) {
            c.append(',').append(e);
        }
        String taints = ready.equals("True") ? "" : ",\"spec\":{\"taints\":[{\"key\":\"node.kubernetes.io/unreachable\",\"effect\":\"NoExecute\"}]}";
        return "{\"metadata\":{\"name\":\"" + name + "\"}" + taints + ",\"status\":{\"conditions\":[" + c + "]}}";
    }

    static String ready(String name, String... extra) {
        return nodeJson(name, "True", "KubeletReady", "kubelet is posting ready status", extra);
    }

    static String notReady(String name) {
        return nodeJson(name, "Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status.");
    }

    static Node server(String... nodeObjects) {
        return new Node(SERVER).set("nodes", "{\"items\":[" + String.join(",", nodeObjects) + "]}").set("nodes-exit", "0")
                .set("events", "{\"items\":[]}").set("events-exit", "0");
    }

    static DiagnoseReport run(Node server, Node... agents) {
        Map<String, NodeEvidence> ev = new LinkedHashMap<>();
        List<String> names = new ArrayList<>();
        NodeEvidence se = server.evidence();
        ev.put(SERVER, se);
        names.add(SERVER);
        for (Node a : agents) {
            ev.put(a.name, a.evidence());
            names.add(a.name);
        }
        return Diagnoser.diagnose("seed", names, ev, SERVER, EP, ClusterView.of(se));
    }

    static NodeVerdict verdict(DiagnoseReport r, String node) {
        return r.nodes().stream().filter(v -> v.node().equals(node)).findFirst().orElseThrow();
    }

    static List<String> codes(DiagnoseReport r, String node) {
        return verdict(r, node).findings().stream().map(Finding::code).toList();
    }

    static Finding first(DiagnoseReport r, String node) {
        return verdict(r, node).findings().get(0);
    }

    // ---- ranking -------------------------------------------------------------------------------------------------

    @Test
    void healthyCluster_hasNoFindings_andExits0() {
        DiagnoseReport r = run(server(ready(SERVER), ready("pi-worker-1")), new Node("pi-worker-1"));
        assertEquals(List.of(), codes(r, SERVER));
        assertEquals(List.of(), codes(r, "pi-worker-1"));
        assertEquals("Ready", verdict(r, "pi-worker-1").status());
        assertEquals(0, r.exitCode());
    }

    @Test
    void memoryCgroup_isOneFindingWithItsChain_andUnderVoltageComesSecond() {
        Node w = new Node("pi-worker-1").agentUnit("activating", "auto-restart", 4).journal(CGROUP)
                .set("controllers", "cpuset cpu io pids")
                .set("cmdline-txt", "console=tty1 root=PARTUUID=1-02 rootwait cgroup_enable=cpuset cgroup_memory=1")
                .set("proc-cmdline", "console=tty1 root=PARTUUID=1-02 rootwait cgroup_enable=cpuset cgroup_memory=1")
                .set("throttled", "throttled=0x50005")
                .set("check-config", "- cgroup hierarchy: cgroups V2 mounted, cpu|cpuset|memory controllers status: bad\nSTATUS: 1 (fail)");
        DiagnoseReport r = run(server(ready(SERVER), notReady("pi-worker-1")), w);
        assertEquals(List.of("memory_cgroup_missing", "under_voltage"), codes(r, "pi-worker-1"));
        Finding f = first(r, "pi-worker-1");
        assertEquals("NotReady ← k3s-agent crash-looping (activating (auto-restart), restart counter at 4) ← memory cgroup missing"
                + " ← cmdline.txt lost its cgroup_enable=memory flag", Diagnoser.chainText(f.chain()));
        assertEquals(CGROUP, f.evidence().get(0));
        assertTrue(f.remedy().contains("/boot/firmware/cmdline.txt"), f.remedy());
        assertEquals(2, r.exitCode());
    }

    @Test
    void aCrashLoopCaughtWhileStarting_isStillACrashLoop() {
        Node w = new Node("pi-worker-1").agentUnit("activating", "start", 4).journal(CGROUP).set("controllers", "cpuset cpu io pids");
        Finding f = first(run(server(ready(SERVER), notReady("pi-worker-1")), w), "pi-worker-1");
        assertEquals("k3s-agent crash-looping (activating (start), restart counter at 4)", f.chain().get(1));
        Node waiting = new Node("pi-worker-1").agentUnit("activating", "start", 0).journal(TOKEN);
        Finding g = first(run(server(ready(SERVER), notReady("pi-worker-1")), waiting), "pi-worker-1");
        assertEquals("k3s-agent not up (activating (start))", g.chain().get(1));
    }

    @Test
    void memoryCgroup_chainSaysWhy_notRebooted_orFirmware() {
        Node notRebooted = new Node("pi-worker-1").agentUnit("activating", "auto-restart", 1).journal(CGROUP)
                .set("controllers", "cpuset cpu io pids")
                .set("proc-cmdline", "console=tty1 root=PARTUUID=1-02 rootwait");
        Finding a = first(run(server(ready(SERVER), notReady("pi-worker-1")), notRebooted), "pi-worker-1");
        assertTrue(a.chain().get(a.chain().size() - 1).contains("has not rebooted since"), a.chain().toString());
        assertTrue(a.remedy().startsWith("reboot"), a.remedy());

        Node firmware = new Node("pi-worker-1").agentUnit("activating", "auto-restart", 1).journal(CGROUP_V1)
                .set("controllers", "cpuset cpu io pids")
                .set("proc-cmdline", "console=tty1 cgroup_enable=memory cgroup_disable=memory");
        Finding b = first(run(server(ready(SERVER), notReady("pi-worker-1")), firmware), "pi-worker-1");
        assertEquals("memory_cgroup_missing", b.code());
        assertTrue(b.chain().get(b.chain().size() - 1).contains("firmware appends cgroup_disable=memory"), b.chain().toString());
    }

    @Test
    void clockSkew_isTheCause_andTheX509LineItsConsequence() {
        Node w = new Node("pi-worker-1").journal(STARTED, NOT_YET);
        w.offset = -600;
        DiagnoseReport r = run(server(ready(SERVER), notReady("pi-worker-1")), w);
        assertEquals(List.of("clock_skew"), codes(r, "pi-worker-1"));
        Finding f = first(r, "pi-worker-1");
        assertEquals("NotReady ← TLS fails: certificates look not yet valid from its clock ← the clock is 10 min behind the admin "
                + "machine", Diagnoser.chainText(f.chain()));
        assertTrue(f.evidence().contains(NOT_YET), f.evidence().toString());
    }

    @Test
    void aClockSlightlyOff_isNoFinding() {
        Node w = new Node("pi-worker-1");
        w.offset = 5;
        assertEquals(List.of(), codes(run(server(ready(SERVER), ready("pi-worker-1")), w), "pi-worker-1"));
    }

    static Stream<Arguments> agentCauses() {
        return Stream.of(
                Arguments.of(PASSWORD, "200 exit=0", "node_password_rejected", "kubectl delete node pi-worker-1", null),
                Arguments.of(TOKEN, "200 exit=0", "token_rejected", "/var/lib/rancher/k3s/server/node-token", null),
                Arguments.of(EXPIRED, "200 exit=0", "certificate_expired", "sudo systemctl restart k3s` on pi-server-1", SERVER),
                Arguments.of(TIMEOUT, "000 exit=28", "server_unreachable", "ping 192.168.1.10", null),
                Arguments.of(UNKNOWN_CA, "200 exit=0", "tls_error", "k3s certificate check", null),
                Arguments.of(STARTED, "000 exit=7", "server_unreachable", "6443/tcp", null));
    }

    @ParameterizedTest
    @MethodSource("agentCauses")
    void aNotReadyAgent_getsTheCauseItsJournalNames(String line, String reach, String code, String remedy, String causedBy) {
        Node w = new Node("pi-worker-1").agentUnit("activating", "start", 0).journal(line).set("reach", reach);
        DiagnoseReport r = run(server(ready(SERVER), notReady("pi-worker-1")), w);
        Finding f = first(r, "pi-worker-1");
        assertEquals(code, f.code(), f.toString());
        assertTrue(f.remedy().contains(remedy), f.remedy());
        assertEquals(causedBy, f.causedBy());
        assertEquals("NotReady", f.chain().get(0));
        assertEquals("NotReady", verdict(r, "pi-worker-1").status());
    }

    @Test
    void theNodesWarningEvents_areEvidenceOfItsRootCause() {
        Node w = new Node("pi-worker-1").agentUnit("activating", "start", 0).journal(EXPIRED);
        Node s = server(ready(SERVER), notReady("pi-worker-1")).set("events", "{\"items\":[{\"involvedObject\":{\"kind\":\"Node\","
                + "\"name\":\"pi-worker-1\"},\"type\":\"Warning\",\"reason\":\"CertificateExpirationWarning\",\"message\":"
                + "\"Node certificates require attention - restart k3s on this node to trigger automatic rotation\",\"count\":3,"
                + "\"lastTimestamp\":\"2026-12-07T18:00:00Z\"},{\"involvedObject\":{\"kind\":\"Node\",\"name\":\"pi-worker-1\"},"
                + "\"type\":\"Normal\",\"reason\":\"Starting\",\"message\":\"Starting kubelet.\"}]}");
        Finding f = first(run(s, w), "pi-worker-1");
        assertEquals("certificate_expired", f.code());
        assertTrue(f.evidence().contains("event CertificateExpirationWarning: Node certificates require attention - restart k3s on "
                + "this node to trigger automatic rotation (x3) at 2026-12-07T18:00:00Z"), f.evidence().toString());
        assertTrue(f.evidence().stream().noneMatch(l -> l.contains("Starting kubelet")), f.evidence().toString());
    }

    @Test
    void evictionEvents_areEvidenceOfThePressureFindings() {
        String mem = "{\"type\":\"MemoryPressure\",\"status\":\"True\",\"reason\":\"KubeletHasInsufficientMemory\","
                + "\"message\":\"kubelet has insufficient memory available\",\"lastTransitionTime\":\"2026-12-07T18:39:00Z\"}";
        Node s = server(ready(SERVER), ready("pi-worker-1", mem)).set("events", "{\"items\":[{\"involvedObject\":{\"kind\":\"Node\","
                + "\"name\":\"pi-worker-1\"},\"type\":\"Warning\",\"reason\":\"EvictionThresholdMet\",\"message\":"
                + "\"Attempting to reclaim memory\",\"count\":1,\"lastTimestamp\":\"2026-12-07T18:39:01Z\"},{\"involvedObject\":"
                + "{\"kind\":\"Node\",\"name\":\"pi-worker-1\"},\"type\":\"Warning\",\"reason\":\"EvictionThresholdMet\","
                + "\"message\":\"Attempting to reclaim ephemeral-storage\",\"lastTimestamp\":\"2026-12-07T17:00:00Z\"}]}");
        Finding f = first(run(s, new Node("pi-worker-1").journal(STARTED)), "pi-worker-1");
        assertEquals("memory_pressure", f.code());
        assertTrue(f.evidence().contains("event EvictionThresholdMet: Attempting to reclaim memory at 2026-12-07T18:39:01Z"),
                f.evidence().toString());
        assertTrue(f.evidence().stream().noneMatch(l -> l.contains("ephemeral-storage")), f.evidence().toString());
    }

    @Test
    void networkCut_namesTheAgentsThatStillReachTheServer() {
        Node cut = new Node("pi-worker-1").journal(STARTED, TIMEOUT).set("reach", "000 exit=28");
        DiagnoseReport r = run(server(ready(SERVER), notReady("pi-worker-1"), ready("pi-worker-2")), cut, new Node("pi-worker-2"));
        Finding f = first(r, "pi-worker-1");
        assertEquals("server_unreachable", f.code());
        assertTrue(Diagnoser.chainText(f.chain()).endsWith("the network between pi-worker-1 and the server (pi-worker-2 reach it)"),
                f.chain().toString());
        assertEquals(List.of(), codes(r, "pi-worker-2"));
    }

    @Test
    void k3sStoppedOnTheServer_isTheServersFinding_andEveryAgentPointsAtIt() {
        Node s = new Node(SERVER).set("unit k3s", Node.unit("inactive", "dead", 0)).set("nodes",
                "The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?")
                .set("nodes-exit", "1");
        Node w1 = new Node("pi-worker-1").journal(STARTED, REFUSED).set("reach", "000 exit=7");
        Node w2 = new Node("pi-worker-2").journal(STARTED, CA_REFUSED).set("reach", "000 exit=7");
        DiagnoseReport r = run(s, w1, w2);
        Finding sf = first(r, SERVER);
        assertEquals("k3s_server_down", sf.code());
        assertEquals("k3s is not running on the server: every agent is affected (2 agents)", sf.summary());
        assertTrue(sf.remedy().startsWith("start it: `sudo systemctl start k3s` on pi-server-1"), sf.remedy());
        for (String a : List.of("pi-worker-1", "pi-worker-2")) {
            Finding f = first(r, a);
            assertEquals("k3s_server_down", f.code());
            assertEquals(SERVER, f.causedBy());
            assertEquals("Unknown", verdict(r, a).status());
        }
        assertTrue(r.apiError().contains("127.0.0.1:6443 was refused"), r.apiError());
    }

    @Test
    void serverCrashLooping_keepsItsOwnCauseAtTheEndOfTheChain() {
        Node s = new Node(SERVER).set("unit k3s", Node.unit("activating", "auto-restart", 3)).journal(CGROUP)
                .set("controllers", "cpuset cpu io pids").set("nodes", "The connection to the server 127.0.0.1:6443 was refused")
                .set("nodes-exit", "1")
                .set("cmdline-txt", "console=tty1 root=PARTUUID=1-02 rootwait");
        Finding f = first(run(s, new Node("pi-worker-1").set("reach", "000 exit=7")), SERVER);
        assertEquals("k3s_server_down", f.code());
        assertEquals("every agent NotReady", f.chain().get(0));
        assertTrue(f.chain().get(f.chain().size() - 1).contains("cmdline.txt lost"), f.chain().toString());
        assertTrue(f.remedy().contains("cgroup_enable=memory"), f.remedy());
    }

    @Test
    void standaloneFindings_onAReadyNode_inTheirOrder() {
        Node w = new Node("pi-worker-1").journal(STARTED, IMAGE, FLANNEL, EVICT_DISK)
                .set("df", "/dev/mmcblk0p2     30358348 29447597    910751      98% /")
                .set("throttled", "throttled=0x80008")
                .set("kernel-errors", "[ 1234.5] mmc0: Timeout waiting for hardware cmd interrupt.\n[ 1240.1] EXT4-fs error (device mmcblk0p2): bad block")
                .set("check-config", "- CONFIG_VXLAN: missing\nSTATUS: 1 (fail)");
        String disk = "{\"type\":\"DiskPressure\",\"status\":\"True\",\"reason\":\"KubeletHasDiskPressure\","
                + "\"message\":\"kubelet has disk pressure\",\"lastTransitionTime\":\"2026-12-07T18:39:00Z\"}";
        String mem = "{\"type\":\"MemoryPressure\",\"status\":\"True\",\"reason\":\"KubeletHasInsufficientMemory\","
                + "\"message\":\"kubelet has insufficient memory available\",\"lastTransitionTime\":\"2026-12-07T18:39:00Z\"}";
        DiagnoseReport r = run(server(ready(SERVER), ready("pi-worker-1", disk, mem)), w);
        assertEquals(List.of("disk_pressure", "memory_pressure", "throttled", "flannel_failed", "image_pull_failed",
                "kernel_storage_errors", "check_config_failed"), codes(r, "pi-worker-1"));
        Finding d = first(r, "pi-worker-1");
        assertTrue(d.summary().startsWith("the root filesystem is 98% full"), d.summary());
        assertTrue(d.evidence().contains("DiskPressure=True KubeletHasDiskPressure: kubelet has disk pressure"), d.evidence().toString());
        assertEquals("Ready", verdict(r, "pi-worker-1").status());
    }

    /** Issue 15: k3s's data directory on a disk of its own past the kubelet's 5%, and the kernel log's count. */
    @Test
    void fullDataDirectory_andTheCountOfStorageErrorsSinceBoot() {
        Node w = new Node("pi-worker-1").journal(STARTED)
                .set("disk", "Filesystem     1024-blocks     Used Available Capacity Mounted on\n"
                        + "/dev/mmcblk0p2    30358348  3035834  27322514      10% /\n"
                        + "/dev/sda1        100000000 97000000   3000000      97% /var/lib/rancher\n")
                .set("kernel-storage", "count=12\nread-only=1\nfirst=[  812.3] mmc0: Timeout waiting for hardware interrupt.\n")
                .set("kernel-errors", "[  900.1] EXT4-fs (mmcblk0p2): Remounting filesystem read-only");
        DiagnoseReport r = run(server(ready(SERVER), ready("pi-worker-1")), w);
        assertEquals(List.of("disk_pressure", "kernel_storage_errors"), codes(r, "pi-worker-1"));
        Finding d = first(r, "pi-worker-1");
        assertEquals("k3s's data directory is full (3% free)", d.summary());
        assertTrue(d.evidence().stream().anyMatch(l -> l.startsWith("k3s's data directory /var/lib/rancher/k3s "
                + "(/var/lib/rancher): 3% free (2.9 GB of 95.4 GB), under the kubelet's eviction threshold of 5%")),
                d.evidence().toString());
        Finding k = verdict(r, "pi-worker-1").findings().get(1);
        assertEquals("the kernel logs 12 storage errors since boot (SD card or disk); a file system was remounted "
                + "read-only", k.summary());
        assertEquals(List.of("first since boot: [  812.3] mmc0: Timeout waiting for hardware interrupt.",
                "[  900.1] EXT4-fs (mmcblk0p2): Remounting filesystem read-only"), k.evidence());
    }

    @Test
    void oldConnectionComplaints_onAReadyNode_areNotFindings() {
        Node w = new Node("pi-worker-1").journal(STARTED, EXPIRED, TIMEOUT, REFUSED);
        assertEquals(List.of(), codes(run(server(ready(SERVER), ready("pi-worker-1")), w), "pi-worker-1"));
    }

    @Test
    void unknownCrashLoop_stoppedUnit_notInstalled_unreachable_unexplained() {
        String fatal = H + "time=\"2026-12-07T18:40:01Z\" level=fatal msg=\"Error: something new\"";
        Node loop = new Node("pi-worker-1").agentUnit("activating", "auto-restart", 2).journal(fatal);
        Node stopped = new Node("pi-worker-2").agentUnit("inactive", "dead", 0);
        Node none = new Node("pi-worker-3").set("unit k3s-agent", "LoadState=not-found\nActiveState=inactive")
                .set("check-config", "");
        Node odd = new Node("pi-worker-4").journal(STARTED);
        Map<String, NodeEvidence> ev = new LinkedHashMap<>();
        NodeEvidence se = server(ready(SERVER), notReady("pi-worker-1"), notReady("pi-worker-2"), notReady("pi-worker-4"),
                notReady("pi-worker-5")).evidence();
        ev.put(SERVER, se);
        for (Node n : List.of(loop, stopped, none, odd)) {
            ev.put(n.name, n.evidence());
        }
        ev.put("pi-worker-5", NodeEvidence.unreachable("pi-worker-5", "pi-worker-5: connect: connection refused (192.168.1.15:22)"));
        DiagnoseReport r = Diagnoser.diagnose("seed", List.of("pi-worker-1", "pi-worker-2", "pi-worker-3", "pi-worker-4",
                "pi-worker-5"), ev, SERVER, EP, ClusterView.of(se));
        assertEquals("k3s_crash_looping", first(r, "pi-worker-1").code());
        assertEquals("k3s-agent keeps exiting: Error: something new", first(r, "pi-worker-1").summary());
        assertEquals("k3s_stopped", first(r, "pi-worker-2").code());
        assertTrue(first(r, "pi-worker-2").remedy().contains("sudo systemctl start k3s-agent"));
        assertEquals("k3s_not_installed", first(r, "pi-worker-3").code());
        assertEquals("NotRegistered", verdict(r, "pi-worker-3").status());
        assertEquals("not_ready", first(r, "pi-worker-4").code());
        assertEquals("node_unreachable", first(r, "pi-worker-5").code());
        assertEquals("NotReady", verdict(r, "pi-worker-5").status());
        assertTrue(!verdict(r, "pi-worker-5").reached());
    }

    // ---- advisory findings (issue 15): the bootloader EEPROM -------------------------------------------------

    /** rpi-eeprom-update as a Pi 4 prints it with an update available (day2-facts §4.4; exit 1). */
    static final String EEPROM_UPDATE = """
            *** UPDATE AVAILABLE ***

            Run "sudo rpi-eeprom-update -a" to install this update now.

            BOOTLOADER: update available
               CURRENT: Mon Jan 22 10:41:21 UTC 2024 (1705920081)
                LATEST: Tue Oct  8 10:48:13 UTC 2024 (1728384493)
               RELEASE: default (/lib/firmware/raspberrypi/bootloader-2711/default)
                        Use raspi-config to change the release.""";
    static final String EEPROM_CURRENT = """
            BOOTLOADER: up to date
               CURRENT: Mon Jan 22 10:41:21 UTC 2024 (1705920081)
                LATEST: Mon Jan 22 10:41:21 UTC 2024 (1705920081)
               RELEASE: default (/lib/firmware/raspberrypi/bootloader-2711/default)
                        Use raspi-config to change the release.""";

    static Stream<Arguments> eepromOutputs() {
        return Stream.of(
                Arguments.of("update available", EEPROM_UPDATE, List.of("rpi-eeprom-update: BOOTLOADER: update available",
                        "CURRENT: Mon Jan 22 10:41:21 UTC 2024 (1705920081)", "LATEST: Tue Oct  8 10:48:13 UTC 2024 (1728384493)")),
                Arguments.of("only the status line", "BOOTLOADER: update available",
                        List.of("rpi-eeprom-update: BOOTLOADER: update available")),
                Arguments.of("up to date", EEPROM_CURRENT, null),
                Arguments.of("no tool (not a Pi 4/5): an empty section", "", null),
                Arguments.of("an older capture without the section", null, null));
    }

    /** The section parsed with the plan probe's EepromProbe: an advisory finding in the plan's words, or none. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("eepromOutputs")
    void eepromSection_givesTheAdvisory_inThePlansWords(String what, String section, List<String> evidence) {
        Node w = new Node("pi-worker-1");
        if (section != null) {
            w.set("eeprom", section);
        }
        DiagnoseReport r = run(server(ready(SERVER), ready("pi-worker-1")), w);
        NodeVerdict v = verdict(r, "pi-worker-1");
        assertTrue(v.healthy(), v.toString());
        assertEquals(0, r.exitCode());
        if (evidence == null) {
            assertEquals(List.of(), v.findings());
            return;
        }
        Finding f = v.findings().get(0);
        assertEquals(List.of(dev.pictl.probe.Health.EEPROM_UPDATE_AVAILABLE), codes(r, "pi-worker-1"));
        assertTrue(f.advisory());
        assertEquals(evidence, f.evidence());
        assertEquals(List.of(f.summary()), f.chain());
        assertNull(f.causedBy());
        assertEquals("`sudo rpi-eeprom-update -a` stages it, the next reboot flashes it", f.remedy());
        if (section.contains("CURRENT")) {
            assertEquals("the bootloader EEPROM has an update available (current Mon Jan 22 10:41:21 UTC 2024 (1705920081), "
                    + "latest Tue Oct  8 10:48:13 UTC 2024 (1728384493))", f.summary());
        }
    }

    @Test
    void onlyAnAdvisory_isHealthy_exit0_shownAsAdvisory_inTextAndJson() throws Exception {
        DiagnoseReport r = run(server(ready(SERVER), ready("pi-worker-1")), new Node("pi-worker-1").set("eeprom", EEPROM_UPDATE));
        assertEquals(DiagnoseReport.HEALTHY, r.exitCode());
        assertEquals(0, r.withFindings());
        assertEquals(1, r.advisories());
        String text = dev.pictl.cli.view.DiagnoseView.render(r);
        assertTrue(text.startsWith("pictl diagnose: seed: healthy, 2 nodes checked (1 advisory)\n"), text);
        assertTrue(text.contains("  pi-server-1  Ready   healthy\n"), text);
        assertTrue(text.contains("  pi-worker-1  Ready   healthy (1 advisory)\n"), text);
        assertTrue(text.contains("\npi-worker-1\n  advisory: eeprom_update_available\n     the bootloader EEPROM has an update "
                + "available (current Mon Jan 22 10:41:21 UTC 2024 (1705920081), latest Tue Oct  8 10:48:13 UTC 2024 "
                + "(1728384493))\n"), text);
        assertTrue(text.contains("     fix: `sudo rpi-eeprom-update -a` stages it, the next reboot flashes it\n"), text);
        assertTrue(!text.contains("1. eeprom") && !text.contains("root cause"), text);
        assertTrue(text.endsWith("Exit 0: healthy.\n"), text);
        com.fasterxml.jackson.databind.JsonNode j = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(DiagnoseCodec.write(r, "test"));
        assertEquals("1.1", j.get("format_version").asText());
        assertEquals("healthy", j.get("result").asText());
        assertEquals(0, j.get("exit_code").asInt());
        com.fasterxml.jackson.databind.JsonNode w = j.at("/nodes/1");
        assertTrue(w.get("healthy").booleanValue(), w.toString());
        assertEquals("eeprom_update_available", w.at("/findings/0/code").asText());
        assertTrue(w.at("/findings/0/advisory").booleanValue(), w.toString());
    }

    @Test
    void aRealFindingAndAnAdvisory_exit2_theAdvisoryListedLast_neverTheRootCause() throws Exception {
        Node w = new Node("pi-worker-1").set("eeprom", EEPROM_UPDATE).set("throttled", "throttled=0x50005");
        Node loop = new Node("pi-worker-2").set("eeprom", EEPROM_UPDATE).agentUnit("activating", "auto-restart", 4)
                .journal(CGROUP).set("controllers", "cpuset cpu io pids")
                .set("cmdline-txt", "console=tty1 root=PARTUUID=1-02 rootwait cgroup_enable=cpuset cgroup_memory=1")
                .set("proc-cmdline", "console=tty1 root=PARTUUID=1-02 rootwait cgroup_enable=cpuset cgroup_memory=1");
        DiagnoseReport r = run(server(ready(SERVER), ready("pi-worker-1"), notReady("pi-worker-2")), w, loop);
        assertEquals(DiagnoseReport.FOUND, r.exitCode());
        assertEquals(List.of("under_voltage", "eeprom_update_available"), codes(r, "pi-worker-1"));
        List<String> c2 = codes(r, "pi-worker-2");
        assertEquals("memory_cgroup_missing", c2.get(0));
        assertEquals("eeprom_update_available", c2.get(c2.size() - 1));
        for (String n : List.of("pi-worker-1", "pi-worker-2")) {
            NodeVerdict v = verdict(r, n);
            assertTrue(!v.healthy(), n);
            assertTrue(!v.findings().get(0).advisory(), n);
            assertEquals(List.of(true), v.advisories().stream().map(Finding::advisory).toList(), n);
        }
        String text = dev.pictl.cli.view.DiagnoseView.render(r);
        assertTrue(text.startsWith("pictl diagnose: seed: 2 of 3 nodes with findings (2 advisory)\n"), text);
        assertTrue(text.contains("  pi-worker-1  Ready     under_voltage: under-voltage now: the supply sags below 4.63 V "
                + "(SD card corruption and resets follow) (1 advisory)\n"), text);
        assertTrue(text.contains("\npi-worker-1\n  1. under_voltage (root cause)\n"), text);
        int uv = text.indexOf("  1. under_voltage");
        int adv = text.indexOf("  advisory: eeprom_update_available", uv);
        assertTrue(uv > 0 && adv > uv && text.indexOf("\npi-worker-2\n") > adv, text);
        assertTrue(text.endsWith("Exit 2: found something.\n"), text);
        com.fasterxml.jackson.databind.JsonNode j = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(DiagnoseCodec.write(r, "test"));
        assertEquals("found", j.get("result").asText());
        com.fasterxml.jackson.databind.JsonNode fs = j.at("/nodes/1/findings");
        assertEquals(2, fs.size());
        assertEquals(false, fs.get(0).get("advisory").booleanValue());
        assertEquals(true, fs.get(1).get("advisory").booleanValue());
        assertEquals(2, fs.get(1).get("rank").asInt());
    }

    /** However a verdict's findings come in, the advisory ones go after the others, each group in its own order. */
    @Test
    void aVerdict_putsItsAdvisoriesLast_andTheRedactedReportKeepsTheFlag() {
        Finding adv = new Finding("n", "eeprom_update_available", "a", List.of("a"), List.of(), "r", null, true);
        Finding one = new Finding("n", "under_voltage", "u", List.of("u"), List.of(), "r", null);
        Finding two = new Finding("n", "throttled", "t", List.of("t"), List.of(), "r", null);
        NodeVerdict v = new NodeVerdict("n", "Ready", true, List.of(adv, one, two));
        assertEquals(List.of(one, two, adv), v.findings());
        assertEquals(List.of(one, two), v.trouble());
        assertTrue(!v.healthy());
        DiagnoseReport r = new DiagnoseReport("seed", null, null, null, List.of(new NodeVerdict("n", "Ready", true, List.of(adv))))
                .redacted(t -> t);
        assertTrue(r.nodes().get(0).findings().get(0).advisory());
        assertEquals(DiagnoseReport.HEALTHY, r.exitCode());
    }

    @Test
    void journalSinceStart_keepsTheTryBefore_whenCaughtBetweenTwoTries() {
        String exited = "Dec 07 18:40:01 pi-worker-1 systemd[1]: k3s-agent.service: Main process exited, code=exited, status=1/FAILURE";
        String restart = "Dec 07 18:40:06 pi-worker-1 systemd[1]: k3s-agent.service: Scheduled restart job, restart counter is at 2.";
        String start2 = "Dec 07 18:40:06 pi-worker-1 systemd[1]: Starting k3s-agent.service - Lightweight Kubernetes...";
        Node w = new Node("pi-worker-1").set("journal k3s-agent", String.join("\n", TOKEN, START, CGROUP, exited, restart, start2));
        List<String> since = w.evidence().journalSinceStart("k3s-agent");
        assertEquals(List.of(START, CGROUP, exited, restart, start2), since);
        assertNull(Signatures.match(since).get(Signatures.TOKEN_401), "the token line is from before the last start");
    }

    /** Every code the Diagnoser can emit is in the schema's enum and in docs/diagnose.md's table, and nothing more. */
    @Test
    void everyFindingCode_isInTheSchemaAndTheDocs() throws Exception {
        String src = java.nio.file.Files.readString(java.nio.file.Path.of("src/main/java/dev/pictl/diagnose/Diagnoser.java"));
        java.util.Set<String> emitted = new java.util.TreeSet<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?:root|add|advise|journalRoot)\\(\\s*(?:Signatures\\.\\w+,\\s*)?\"([a-z0-9_]+)\"|new Finding\\(name, \"([a-z0-9_]+)\"")
                .matcher(src);
        while (m.find()) {
            emitted.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
        java.util.Set<String> schema = new java.util.TreeSet<>();
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(java.nio.file.Files.readString(
                java.nio.file.Path.of("schema/diagnose.schema.json"))).at("/$defs/finding/properties/code/enum")
                .forEach(c -> schema.add(c.asText()));
        java.util.Set<String> documented = new java.util.TreeSet<>();
        java.util.regex.Matcher d = java.util.regex.Pattern.compile("(?m)^\\| `([a-z0-9_]+)` \\|").matcher(
                java.nio.file.Files.readString(java.nio.file.Path.of("docs/diagnose.md")));
        while (d.find()) {
            documented.add(d.group(1));
        }
        assertEquals(24, emitted.size(), emitted.toString());
        assertEquals(emitted, schema);
        assertEquals(emitted, documented);
    }

    @Test
    void report_redactsSecrets_andTheTextViewShowsOneLinePerNode() {
        Node w = new Node("pi-worker-1").agentUnit("activating", "start", 0).journal(TOKEN.replace("401", "s3cret 401"));
        DiagnoseReport r = run(server(ready(SERVER), notReady("pi-worker-1")), w).redacted(t -> t.replace("s3cret", "(sensitive value)"));
        String text = dev.pictl.cli.view.DiagnoseView.render(r);
        assertTrue(!text.contains("s3cret") && text.contains("(sensitive value) 401"), text);
        assertTrue(text.contains("  pi-server-1  Ready     healthy\n"), text);
        assertTrue(text.contains("  pi-worker-1  NotReady  token_rejected: "), text);
        assertTrue(text.endsWith("Exit 2: found something.\n"), text);
        String json = DiagnoseCodec.write(r, "test");
        assertTrue(!json.contains("s3cret"), json);
    }
}
