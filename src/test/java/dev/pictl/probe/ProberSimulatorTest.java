package dev.pictl.probe;

import dev.pictl.types.k3s.K3sProbe;
import dev.pictl.types.host.RuntimeProbe;
import dev.pictl.types.storage.PvProbe;
import dev.pictl.probe.NodeObservation.Facts;
import dev.pictl.probe.NodeObservation.KubeSnapshot;
import dev.pictl.types.host.RuntimeProbe.PackageState;
import dev.pictl.types.storage.PvProbe.PathState;
import dev.pictl.probe.NodeObservation.ServiceState;
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
import dev.pictl.transport.TransportException;
import dev.pictl.transport.TransportSettings;
import dev.pictl.transport.ssh.SshTransport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The prober against the simulated fleet over real SSH: what a fresh board, a provisioned server and agent and
 * the classic drifts (each caused through the node's own shell) look like to one probe round trip.
 *
 * <p>Nodes: {@code fresh} (untouched board), {@code srv} (k3s server with a token, a local StorageClass and two
 * PVs), {@code agt} (agent, PV directory), {@code dock} (docker.io), {@code flags1}/{@code flags2} (cmdline
 * drift), {@code faulty} (hardware faults), {@code old} (Bullseye, USB boot), {@code gone} (made unreachable).
 * Tests that change shared nodes put them back.
 */
class ProberSimulatorTest {

    private static final String TOKEN = "pr0be-t0ken-s3cret";
    private static final String VERSION = "v1.31.4+k3s1";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private static final String SC_YAML = """
            apiVersion: storage.k8s.io/v1
            kind: StorageClass
            metadata:
              name: local-storage
            provisioner: kubernetes.io/no-provisioner
            volumeBindingMode: WaitForFirstConsumer
            """;

    @TempDir
    static Path dir;
    static SimCluster cluster;

    static String pv(String name, String path) {
        return """
                {"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "%s"},
                 "spec": {"capacity": {"storage": "10Gi"}, "accessModes": ["ReadWriteOnce"], "persistentVolumeReclaimPolicy": "Retain",
                          "storageClassName": "local-storage", "local": {"path": "%s"},
                          "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "kubernetes.io/hostname", "operator": "In", "values": ["agt"]}]}]}}}}
                """.formatted(name, path);
    }

    @BeforeAll
    static void start() throws IOException {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        String base = "127." + r.nextInt(100, 250) + "." + r.nextInt(1, 250) + ".";
        List<String> names = List.of("fresh", "srv", "agt", "dock", "flags1", "flags2", "faulty", "old", "gone");
        Map<String, NodeSpec> specs = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            specs.put(names.get(i), NodeSpec.of(names.get(i), base + (10 + i), 2222));
        }
        specs.computeIfPresent("srv", (n, s) -> s.withProvision(Provision.prepared().withK3sServer(VERSION, TOKEN)
                .withK3sConfig(Map.of("disable", List.of("traefik")))
                .withManifests(List.of(SC_YAML, pv("pv-a", "/mnt/pv-a"), pv("pv-b", "/mnt/pv-b")))));
        specs.computeIfPresent("agt", (n, s) -> s.withProvision(Provision.prepared().withK3sAgent("srv")));
        specs.computeIfPresent("dock", (n, s) -> s.withProvision(Provision.prepared().withDocker(true)));
        specs.computeIfPresent("flags1", (n, s) -> s.withProvision(Provision.prepared()));
        specs.computeIfPresent("old", (n, s) -> s.withOs("bullseye").withBootDevice("usb"));
        cluster = SimCluster.start(ClusterSpec.of(new ArrayList<>(specs.values()))
                .withRebootDelayMillis(600).withK3sStartDelayMillis(50).withK3sRestartMillis(800), dir);
        // The agent's PV directory holds data.
        mustSudo(node("agt"), "mkdir -p \"$PICTL_ROOT/mnt/pv-a\" && echo x > \"$PICTL_ROOT/mnt/pv-a/db\"");
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    // ---- the states a node can be in ------------------------------------------------------------------------

    @Test
    void freshBoard_hasDefaultHostnameNoFlagsNoDockerNoK3s() {
        NodeObservation o = observe(request("fresh"));
        Facts f = o.facts();
        assertEquals("Raspberry Pi 4 Model B Rev 1.4", f.model());
        assertTrue(f.isRaspberryPi());
        assertEquals("aarch64", f.arch());
        assertEquals("arm64", f.dpkgArch());
        assertEquals(NodeSpec.MEM_8G, f.memTotalKb());
        assertEquals(NodeSpec.MEM_8G * 85 / 100, f.memAvailableKb(), "the simulator's MemAvailable line");
        assertEquals("debian", f.osId());
        assertEquals("12", f.osVersionId());
        assertEquals("bookworm", f.osCodename());
        assertEquals("6.6.51+rpt-rpi-v8", f.kernelRelease());
        assertEquals("/dev/mmcblk0p2", f.rootSource());
        assertEquals("sd", f.bootDevice());
        assertEquals("0x0", f.throttled());
        assertEquals(47.2, f.temperatureC());
        assertEquals(node("fresh").bootId(), f.bootId());
        assertEquals("raspberrypi", f.hostname());
        assertEquals("raspberrypi", f.kernelHostname());
        assertEquals("raspberrypi", f.hostsName());

        assertEquals("/boot/firmware/cmdline.txt", o.cmdline().path());
        assertFalse(o.cmdline().fileTokens().contains("cgroup_enable=memory"));
        assertFalse(o.cmdline().running().contains("cgroup_enable=memory"));
        assertTrue(o.cmdline().running().containsAll(o.cmdline().fileTokens()));
        assertFalse(o.cmdline().controllers().contains("memory"), "the Pi kernel's default");
        assertTrue(o.cmdline().controllers().contains("cpuset"));

        o.part(RuntimeProbe.PACKAGES).values().forEach(p -> assertFalse(p.installed(), p.toString()));
        o.services().values().forEach(s -> assertFalse(s.unitExists(), s.toString()));
        o.services().values().forEach(s -> assertFalse(s.active(), s.toString()));
        assertNull(o.part(K3sProbe.INSTALL));
        assertNull(o.kube());
    }

    @Test
    void provisionedServer_versionUnitConfigTokenAndKubeObjects() {
        ProbeRequest req = StandardProbe.request("srv", true, List.of());
        NodeObservation o = observe(req);
        assertEquals("srv", o.facts().hostname());
        assertEquals("srv", o.facts().hostsName());
        assertTrue(o.cmdline().fileTokens().containsAll(List.of("cgroup_memory=1", "cgroup_enable=memory")));
        assertTrue(o.cmdline().running().contains("cgroup_enable=memory"));
        assertTrue(o.cmdline().controllers().contains("memory"));

        assertEquals(new ServiceState("k3s", true, "active"), o.services().get("k3s"));
        assertFalse(o.services().get("k3s-agent").unitExists());
        assertEquals(VERSION, o.part(K3sProbe.INSTALL).version());
        assertTrue(o.part(K3sProbe.INSTALL).configYaml().contains("node-name: srv"), o.part(K3sProbe.INSTALL).configYaml());
        assertEquals(TOKEN, o.part(K3sProbe.INSTALL).serverPassword());
        assertNull(o.part(K3sProbe.INSTALL).agentUrl());

        KubeSnapshot k = o.kube();
        assertTrue(k.ok(), k.error());
        assertEquals(List.of("agt", "srv"), names(k.nodes()));
        for (Map<String, Object> n : k.nodes()) {
            assertEquals("True", readyStatus(n), name(n));
        }
        assertTrue(names(k.storageClasses()).containsAll(List.of("local-path", "local-storage")));
        Map<String, Object> localPath = k.storageClasses().stream().filter(sc -> name(sc).equals("local-path")).findFirst().orElseThrow();
        assertEquals("rancher.io/local-path", localPath.get("provisioner"));
        assertEquals("true", annotations(localPath).get("storageclass.kubernetes.io/is-default-class"));
        assertTrue(names(k.persistentVolumes()).contains("pv-a"));
    }

    @Test
    void provisionedAgent_unitActiveConfigAndPvDirectories() {
        NodeObservation o = observe(StandardProbe.request("agt", false, List.of("/mnt/pv-a", "/mnt/pv-missing")));
        assertEquals(new ServiceState("k3s-agent", true, "active"), o.services().get("k3s-agent"));
        assertFalse(o.services().get("k3s").unitExists());
        assertEquals(VERSION, o.part(K3sProbe.INSTALL).version());
        assertTrue(o.part(K3sProbe.INSTALL).configYaml().contains("server: https://"), o.part(K3sProbe.INSTALL).configYaml());
        assertNull(o.part(K3sProbe.INSTALL).serverPassword(), "only a server's token is read");
        assertNull(o.kube());
        assertEquals(Map.of("/mnt/pv-a", new PathState(true, true), "/mnt/pv-missing", new PathState(false, false)),
                o.part(PvProbe.PATHS));
    }

    @Test
    void bullseyeNode_readsBootCmdlineTxtAndBootsFromUsb() {
        NodeObservation o = observe(request("old"));
        assertEquals("/boot/cmdline.txt", o.cmdline().path());
        assertTrue(o.cmdline().fileText().startsWith("console=serial0,115200 "), o.cmdline().fileText());
        assertEquals("raspbian", o.facts().osId());
        assertEquals("11", o.facts().osVersionId());
        assertEquals("bullseye", o.facts().osCodename());
        assertEquals("/dev/sda2", o.facts().rootSource());
        assertEquals("usb", o.facts().bootDevice());
    }

    @Test
    void hardwareFaults_throttledLowMemoryNonPi32Bit() throws IOException {
        SimNode n = node("faulty");
        try {
            n.setThrottled("0x50005");
            n.setMemoryKb(944268);
            n.setArch32(true);
            Facts f = observe(request("faulty")).facts();
            assertEquals("0x50005", f.throttled());
            assertEquals(0x50005, f.throttledBits());
            assertEquals(944268, f.memTotalKb());
            assertEquals("armv7l", f.arch());
            assertEquals("armhf", f.dpkgArch());

            n.setModel("Generic ARMv8 board");
            Facts notPi = observe(request("faulty")).facts();
            assertEquals("Generic ARMv8 board", notPi.model());
            assertFalse(notPi.isRaspberryPi());
            assertNull(notPi.throttled(), "no vcgencmd on a non-Pi: unknown, not an error");
            assertNull(notPi.temperatureC());
        } finally {
            n.clearFaults();
        }
    }

    // ---- drift caused through the node's own shell -----------------------------------------------------------

    @Test
    void flagRemovedFromCmdlineTxtBySed_isSeenInTheFileButStillBooted() {
        SimNode n = node("flags1");
        assertTrue(observe(request("flags1")).cmdline().fileTokens().contains("cgroup_enable=memory"));
        mustSudo(n, "sed -i 's/ cgroup_enable=memory//' \"$PICTL_ROOT/boot/firmware/cmdline.txt\"");
        NodeObservation o = observe(request("flags1"));
        assertFalse(o.cmdline().fileTokens().contains("cgroup_enable=memory"), o.cmdline().fileText());
        assertTrue(o.cmdline().fileTokens().contains("cgroup_memory=1"));
        assertTrue(o.cmdline().running().contains("cgroup_enable=memory"), "still the booted command line");
        assertTrue(o.cmdline().controllers().contains("memory"));
    }

    @Test
    void flagsInTheFileButNotBooted_areInFileTokensOnly() {
        SimNode n = node("flags2");
        String bootId = n.bootId();
        mustSudo(n, "sed -i '1 s/$/ cgroup_memory=1 cgroup_enable=memory/' \"$PICTL_ROOT/boot/firmware/cmdline.txt\"");
        NodeObservation o = observe(request("flags2"));
        assertTrue(o.cmdline().fileTokens().containsAll(List.of("cgroup_memory=1", "cgroup_enable=memory")));
        assertFalse(o.cmdline().running().contains("cgroup_enable=memory"), "a reboot is pending");
        assertFalse(o.cmdline().controllers().contains("memory"));
        assertEquals(bootId, o.facts().bootId());
    }

    @Test
    void k3sStopped_unitInactiveAndKubeErrorThenBack() {
        SimNode srv = node("srv");
        try {
            mustSudo(srv, "systemctl stop k3s");
            NodeObservation o = observe(StandardProbe.request("srv", true, List.of()));
            assertEquals(new ServiceState("k3s", true, "inactive"), o.services().get("k3s"));
            KubeSnapshot k = o.kube();
            assertFalse(k.ok());
            assertTrue(k.error().startsWith("The connection to the server 127.0.0.1:6443 was refused"), k.error());
            assertEquals(List.of(), k.nodes());
            assertEquals(VERSION, o.part(K3sProbe.INSTALL).version(), "the binary is still there");
            assertEquals(TOKEN, o.part(K3sProbe.INSTALL).serverPassword(), "the token file is still there");
        } finally {
            mustSudo(srv, "systemctl start k3s");
        }
        assertTrue(observe(StandardProbe.request("srv", true, List.of())).kube().ok());
    }

    @Test
    void dockerIoRemovedWithAptGet_isRemovedWithConfigAndItsUnitGone() {
        SimNode n = node("dock");
        NodeObservation before = observe(request("dock"));
        PackageState installed = before.part(RuntimeProbe.PACKAGES).get("docker.io");
        assertTrue(installed.installed(), installed.toString());
        assertNotNull(installed.version());
        assertEquals(new ServiceState("docker", true, "active"), before.services().get("docker"));

        mustSudo(n, "apt-get remove -y docker.io");
        NodeObservation after = observe(request("dock"));
        PackageState removed = after.part(RuntimeProbe.PACKAGES).get("docker.io");
        assertFalse(removed.installed());
        assertEquals("rc", removed.status(), "removed, configuration files left");
        assertFalse(after.services().get("docker").active());
    }

    @Test
    void pvDeletedWithKubectl_isGoneFromTheSnapshot() {
        ProbeRequest req = StandardProbe.request("srv", true, List.of());
        assertTrue(names(observe(req).kube().persistentVolumes()).contains("pv-b"));
        mustSudo(node("srv"), "k3s kubectl delete pv pv-b");
        List<String> pvs = names(observe(req).kube().persistentVolumes());
        assertFalse(pvs.contains("pv-b"), pvs.toString());
        assertTrue(pvs.contains("pv-a"));
    }

    // ---- many nodes, failures, round trips, secrets ----------------------------------------------------------

    @Test
    void unreachableNode_isFailedWhileTheOthersAreObserved() throws IOException {
        SimNode gone = node("gone");
        gone.setUnreachable(Unreachable.REFUSED);
        try {
            Map<String, ProbeOutcome> out = probe(List.of("fresh", "gone", "old"), Map.of());
            assertEquals(List.of("fresh", "gone", "old"), List.copyOf(out.keySet()), "the targets' order");
            assertInstanceOf(ProbeOutcome.Observed.class, out.get("fresh"));
            assertInstanceOf(ProbeOutcome.Observed.class, out.get("old"));
            ProbeOutcome.Failed failed = assertInstanceOf(ProbeOutcome.Failed.class, out.get("gone"));
            assertEquals("gone", failed.node());
            assertEquals(TransportException.Kind.UNREACHABLE, failed.cause().kind());
            assertTrue(failed.cause().getMessage().startsWith("gone: connect: "), failed.cause().getMessage());
        } finally {
            gone.setUnreachable(null);
        }
    }

    @Test
    void failingProbeCommand_isCommandFailedWithStderrButNeverStdout() throws IOException {
        SimNode n = node("old");
        n.failCommands("pictl-probe", 2, "sh: 1: cannot fork: Resource temporarily unavailable");
        try {
            ProbeOutcome.Failed failed = assertInstanceOf(ProbeOutcome.Failed.class, probe(List.of("old"), Map.of()).get("old"));
            assertEquals(TransportException.Kind.COMMAND_FAILED, failed.cause().kind());
            assertEquals("old: probe: command exited 2: sh: 1: cannot fork: Resource temporarily unavailable",
                    failed.cause().getMessage());
        } finally {
            n.clearFaults();
        }
    }

    /**
     * Round trips as the nodes count them: one exec per node, on a new session (where the transport settles
     * passwordless sudo within the probe's own command, docs/transport.md "sudo") and on a reused one alike.
     */
    @Test
    void exactlyOneProbeExecPerNode_countedOnTheNodes() {
        List<String> nodes = List.of("fresh", "srv", "agt", "dock", "old");
        Map<String, ProbeRequest> reqs = Map.of("srv", StandardProbe.request("srv", true, List.of()),
                "agt", StandardProbe.request("agt", false, List.of("/mnt/pv-a")));
        try (SshTransport transport = transport()) {
            Map<String, Long> before = execCounts(nodes);
            Map<String, ProbeOutcome> first = Prober.probeAll(StandardProbe.PROBE, transport, targets(nodes), reqs, 4, TIMEOUT);
            Map<String, Long> afterFirst = execCounts(nodes);
            Map<String, ProbeOutcome> second = Prober.probeAll(StandardProbe.PROBE, transport, targets(nodes), reqs, 4, TIMEOUT);
            Map<String, Long> afterSecond = execCounts(nodes);
            for (String n : nodes) {
                assertInstanceOf(ProbeOutcome.Observed.class, first.get(n), n);
                assertInstanceOf(ProbeOutcome.Observed.class, second.get(n), n);
                assertEquals(1, afterFirst.get(n) - before.get(n), n + ": new session");
                assertEquals(1, afterSecond.get(n) - afterFirst.get(n), n + ": reused session");
            }
        }
    }

    @Test
    void theToken_appearsInNoToStringAndNoMessage() throws IOException {
        SimNode srv = node("srv");
        NodeObservation o = observe(StandardProbe.request("srv", true, List.of()));
        assertEquals(TOKEN, o.part(K3sProbe.INSTALL).serverPassword());
        assertTrue(o.part(K3sProbe.INSTALL).configYaml().contains(TOKEN), "config.yaml carries it: it must be redacted too");
        assertFalse(o.toString().contains(TOKEN), "observation toString");
        assertFalse(o.part(K3sProbe.INSTALL).toString().contains(TOKEN), "k3s toString");
        assertFalse(new ProbeOutcome.Observed(o).toString().contains(TOKEN), "outcome toString");

        // A failed probe of the server quotes stderr, never the stdout that holds the token.
        srv.failCommands("pictl-probe", 1, "");
        try {
            ProbeOutcome.Failed failed = assertInstanceOf(ProbeOutcome.Failed.class,
                    probe(List.of("srv"), Map.of("srv", StandardProbe.request("srv", true, List.of()))).get("srv"));
            assertFalse(failed.toString().contains(TOKEN));
            assertFalse(failed.cause().getMessage().contains(TOKEN));
            assertFalse(failed.cause().hint().contains(TOKEN));
        } finally {
            srv.clearFaults();
        }
        // The script sent to the node does not carry it either.
        assertFalse(StandardProbe.script(StandardProbe.request("srv", true, List.of())).contains(TOKEN));
        assertTrue(Files.exists(dir.resolve("nodes/srv/root/var/lib/rancher/k3s/server/token")));
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    private static SimNode node(String name) {
        return cluster.node(name);
    }

    private static ProbeRequest request(String node) {
        return StandardProbe.request(node, false, List.of());
    }

    private static SshTransport transport() {
        return new SshTransport(TransportSettings.isolated(cluster.knownHosts(), "pi", Secrets.none()));
    }

    private static NodeTarget target(String name) {
        SimNode n = node(name);
        return NodeTarget.of(name, n.address()).withPort(n.port()).withUser("pi").withPrivateKey(cluster.userKey())
                .withKnownHosts(cluster.knownHosts()).withHostKeyPolicy(HostKeyPolicy.STRICT)
                .withSudo(SudoMode.PASSWORDLESS).withConnectTimeout(Duration.ofSeconds(5));
    }

    private static Map<String, NodeTarget> targets(List<String> names) {
        Map<String, NodeTarget> out = new LinkedHashMap<>();
        names.forEach(n -> out.put(n, target(n)));
        return out;
    }

    private static Map<String, ProbeOutcome> probe(List<String> names, Map<String, ProbeRequest> requests) {
        try (SshTransport transport = transport()) {
            return Prober.probeAll(StandardProbe.PROBE, transport, targets(names), requests, 4, TIMEOUT);
        }
    }

    private static NodeObservation observe(ProbeRequest request) {
        ProbeOutcome out = probe(List.of(request.node()), Map.of(request.node(), request)).get(request.node());
        if (out instanceof ProbeOutcome.Failed f) {
            throw new AssertionError(f.cause().getMessage(), f.cause());
        }
        return ((ProbeOutcome.Observed) out).observation();
    }

    private static Map<String, Long> execCounts(List<String> names) {
        Map<String, Long> out = new LinkedHashMap<>();
        names.forEach(n -> out.put(n, node(n).execCount()));
        return out;
    }

    private static void mustSudo(SimNode n, String command) {
        ExecResult r = n.sudo(command);
        assertEquals(0, r.exitCode(), n.name() + ": " + command + ": " + r.stderr());
    }

    private static List<String> names(List<Map<String, Object>> objects) {
        return objects.stream().map(ProberSimulatorTest::name).sorted().toList();
    }

    @SuppressWarnings("unchecked")
    private static String name(Map<String, Object> obj) {
        return (String) ((Map<String, Object>) obj.get("metadata")).get("name");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> annotations(Map<String, Object> obj) {
        Object a = ((Map<String, Object>) obj.get("metadata")).get("annotations");
        return a == null ? Map.of() : (Map<String, Object>) a;
    }

    @SuppressWarnings("unchecked")
    private static String readyStatus(Map<String, Object> node) {
        Map<String, Object> status = (Map<String, Object>) node.get("status");
        for (Map<String, Object> c : (List<Map<String, Object>>) status.get("conditions")) {
            if ("Ready".equals(c.get("type"))) {
                return (String) c.get("status");
            }
        }
        return null;
    }
}
