package dev.pictl.probe;

import dev.pictl.types.k3s.K3sProbe;
import dev.pictl.types.host.RuntimeProbe;
import dev.pictl.types.storage.PvProbe;
import dev.pictl.probe.NodeObservation.Cmdline;
import dev.pictl.probe.NodeObservation.Facts;
import dev.pictl.types.k3s.K3sProbe.K3sInstall;
import dev.pictl.probe.NodeObservation.KubeSnapshot;
import dev.pictl.types.host.RuntimeProbe.PackageState;
import dev.pictl.types.storage.PvProbe.PathState;
import dev.pictl.probe.NodeObservation.ServiceState;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("fast")
class ProbeParserTest {

    private static final ProbeRequest AGENT = StandardProbe.request("pi-worker-1", false, List.of());
    private static final ProbeRequest SERVER = StandardProbe.request("pi-server-1", true, List.of("/mnt/local-storage"));

    /**
     * A Raspberry Pi 4 on Raspberry Pi OS 11 (Bullseye): cmdline.txt at /boot, Docker from Debian, a running
     * k3s agent whose env file carries the server URL. The model file's NUL is already gone (tr -d).
     */
    private static final String BULLSEYE_AGENT = """

            @@pictl-probe:model
            Raspberry Pi 4 Model B Rev 1.2
            @@pictl-probe:arch
            aarch64

            @@pictl-probe:dpkg-arch
            arm64

            @@pictl-probe:meminfo
            MemTotal:        3884484 kB
            MemAvailable:    3012756 kB

            @@pictl-probe:os-release
            ID=raspbian
            VERSION_ID="11"
            VERSION_CODENAME=bullseye

            @@pictl-probe:kernel
            6.1.21-v8+

            @@pictl-probe:root-source
            /dev/mmcblk0p2

            @@pictl-probe:throttled
            throttled=0x0

            @@pictl-probe:temp
            temp=51.1'C

            @@pictl-probe:boot-id
            0f5d3e2c-8d0b-4b55-9a3e-2f7f3c1e9b7a

            @@pictl-probe:hostname
            pi-worker-1

            @@pictl-probe:kernel-hostname
            pi-worker-1

            @@pictl-probe:hosts
            127.0.1.1\t\tpi-worker-1

            @@pictl-probe:cmdline-path
            /boot/cmdline.txt
            @@pictl-probe:cmdline-file
            console=serial0,115200 console=tty1 root=PARTUUID=6c586e13-02 rootfstype=ext4 fsck.repair=yes rootwait cgroup_memory=1 cgroup_enable=memory

            @@pictl-probe:proc-cmdline
            coherent_pool=1M 8250.nr_uarts=1 snd_bcm2835.enable_compat_alsa=0 snd_bcm2835.enable_hdmi=1 bcm2708_fb.fbwidth=0 bcm2708_fb.fbheight=0 bcm2708_fb.fbswap=1 smsc95xx.macaddr=DC:A6:32:01:02:03 vc_mem.mem_base=0x3ec00000 vc_mem.mem_size=0x40000000  console=ttyS0,115200 console=tty1 root=PARTUUID=6c586e13-02 rootfstype=ext4 fsck.repair=yes rootwait cgroup_memory=1 cgroup_enable=memory

            @@pictl-probe:cgroup-controllers
            cpuset cpu io memory pids

            @@pictl-probe:packages
            docker.io ii  20.10.5+dfsg1-1+deb11u2

            @@pictl-probe:units
            docker load=loaded active=active
            k3s load=not-found active=inactive
            k3s-agent load=loaded active=active

            @@pictl-probe:k3s-version
            k3s version v1.30.6+k3s1 (1829eaae)

            @@pictl-probe:k3s-config
            node-name: pi-worker-1
            docker: true

            @@pictl-probe:agent-env
            K3S_URL='https://192.168.1.10:6443'

            @@pictl-probe:end
            """;

    /**
     * Bookworm with /boot/firmware not mounted: only the stub at /boot/cmdline.txt, so no usable file. A fresh
     * board otherwise: default hostname, no Docker, no k3s, USB SSD boot, under-voltage now and since boot.
     */
    private static final String BOOKWORM_STUB_ONLY = """

            @@pictl-probe:model
            Raspberry Pi 5 Model B Rev 1.0
            @@pictl-probe:arch
            aarch64

            @@pictl-probe:dpkg-arch
            arm64

            @@pictl-probe:meminfo
            MemTotal:        8245776 kB

            @@pictl-probe:os-release
            VERSION_ID="12"
            VERSION_CODENAME=bookworm
            ID=debian

            @@pictl-probe:kernel
            6.6.51+rpt-rpi-2712

            @@pictl-probe:root-source
            /dev/sda2

            @@pictl-probe:throttled
            throttled=0x50005

            @@pictl-probe:temp
            temp=62.0'C

            @@pictl-probe:boot-id
            5b0f7c8e-6a4e-4b8e-a0ac-4c11a0f0c1d2

            @@pictl-probe:hostname
            raspberrypi

            @@pictl-probe:kernel-hostname
            raspberrypi

            @@pictl-probe:hosts
            127.0.1.1\t\traspberrypi

            @@pictl-probe:cmdline-path

            @@pictl-probe:proc-cmdline
            reboot=w coherent_pool=1M 8250.nr_uarts=1 pci=pcie_bus_safe cgroup_disable=memory numa_policy=interleave smsc95xx.macaddr=2C:CF:67:00:00:01 vc_mem.mem_base=0x3fc00000 vc_mem.mem_size=0x40000000  console=ttyAMA10,115200 console=tty1 root=PARTUUID=4e639091-02 rootfstype=ext4 fsck.repair=yes rootwait

            @@pictl-probe:cgroup-controllers
            cpuset cpu io pids

            @@pictl-probe:packages

            @@pictl-probe:units
            docker load=not-found active=inactive
            k3s load=not-found active=inactive
            k3s-agent load=not-found active=inactive

            @@pictl-probe:k3s-version

            @@pictl-probe:agent-env

            @@pictl-probe:end
            """;

    /** The server with k3s stopped by hand: the unit is inactive and kubectl cannot reach the API. */
    private static final String SERVER_K3S_STOPPED = """

            @@pictl-probe:model
            Raspberry Pi 4 Model B Rev 1.4
            @@pictl-probe:arch
            aarch64

            @@pictl-probe:dpkg-arch
            arm64

            @@pictl-probe:meminfo
            MemTotal:        7997156 kB

            @@pictl-probe:os-release
            VERSION_ID="12"
            VERSION_CODENAME=bookworm
            ID=debian

            @@pictl-probe:kernel
            6.6.51+rpt-rpi-v8

            @@pictl-probe:root-source
            /dev/mmcblk0p2

            @@pictl-probe:throttled
            throttled=0x0

            @@pictl-probe:temp
            temp=47.2'C

            @@pictl-probe:boot-id
            7132d0b4-e04a-4f38-b94c-d73114b3227d

            @@pictl-probe:hostname
            pi-server-1

            @@pictl-probe:kernel-hostname
            pi-server-1

            @@pictl-probe:hosts
            127.0.1.1\t\tpi-server-1

            @@pictl-probe:cmdline-path
            /boot/firmware/cmdline.txt
            @@pictl-probe:cmdline-file
            console=serial0,115200 console=tty1 root=PARTUUID=0001bdf7-02 rootfstype=ext4 fsck.repair=yes rootwait cgroup_memory=1 cgroup_enable=memory

            @@pictl-probe:proc-cmdline
            coherent_pool=1M 8250.nr_uarts=1 console=serial0,115200 console=tty1 root=PARTUUID=0001bdf7-02 rootfstype=ext4 fsck.repair=yes rootwait cgroup_memory=1 cgroup_enable=memory

            @@pictl-probe:cgroup-controllers
            cpuset cpu io memory pids

            @@pictl-probe:packages

            @@pictl-probe:units
            docker load=not-found active=inactive
            k3s load=loaded active=inactive
            k3s-agent load=not-found active=inactive

            @@pictl-probe:k3s-version
            k3s version v1.31.4+k3s1 (a562d090)

            @@pictl-probe:k3s-config
            disable:
            - traefik
            node-name: pi-server-1
            token: hunter2-secret

            @@pictl-probe:agent-env

            @@pictl-probe:server-token
            K10ef7d38b1fd848857e48b971be4b9f116c795b5d716a767971c3fb8af7adda704::server:hunter2-secret
            @@pictl-probe:kube

            @@pictl-probe:kube-status
            1
            The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?
            @@pictl-probe:paths
            data /mnt/local-storage

            @@pictl-probe:end
            """;

    /** Not a Pi: an x86 box with Ubuntu on NVMe; no device-tree model, no vcgencmd. */
    private static final String NON_PI = """

            @@pictl-probe:model

            @@pictl-probe:arch
            x86_64

            @@pictl-probe:dpkg-arch
            amd64

            @@pictl-probe:meminfo
            MemTotal:       16314560 kB

            @@pictl-probe:os-release
            ID=ubuntu
            VERSION_ID="24.04"
            VERSION_CODENAME=noble

            @@pictl-probe:kernel
            6.8.0-49-generic

            @@pictl-probe:root-source
            /dev/nvme0n1p2

            @@pictl-probe:throttled

            @@pictl-probe:temp

            @@pictl-probe:boot-id
            c7a3c0de-6f1e-4c55-bb0e-1c3a5a9e0f00

            @@pictl-probe:hostname
            nuc

            @@pictl-probe:kernel-hostname
            nuc

            @@pictl-probe:hosts

            @@pictl-probe:cmdline-path

            @@pictl-probe:proc-cmdline
            BOOT_IMAGE=/vmlinuz-6.8.0-49-generic root=/dev/mapper/ubuntu--vg-ubuntu--lv ro quiet splash

            @@pictl-probe:cgroup-controllers
            cpuset cpu io memory hugetlb pids rdma misc

            @@pictl-probe:packages
            docker-ce ii  5:27.3.1-1~ubuntu.24.04~noble
            containerd.io:amd64 ii  1.7.22-1

            @@pictl-probe:units
            docker load=loaded active=active
            k3s load=not-found active=inactive
            k3s-agent load=not-found active=inactive

            @@pictl-probe:k3s-version

            @@pictl-probe:agent-env

            @@pictl-probe:end
            """;

    @Test
    void realPiOnBullseye_readsCmdlineFromBootAndTheAgent() {
        NodeObservation o = StandardProbe.parse(AGENT, BULLSEYE_AGENT);
        Facts f = o.facts();
        assertEquals(new Facts("Raspberry Pi 4 Model B Rev 1.2", "aarch64", "arm64", 3884484, 3012756, "raspbian", "11",
                "bullseye", "6.1.21-v8+", "/dev/mmcblk0p2", "sd", "0x0", 51.1,
                "0f5d3e2c-8d0b-4b55-9a3e-2f7f3c1e9b7a", "pi-worker-1", "pi-worker-1", "pi-worker-1"), f);
        assertTrue(f.isRaspberryPi());
        assertEquals(0, f.throttledBits());

        Cmdline c = o.cmdline();
        assertEquals("/boot/cmdline.txt", c.path());
        assertEquals(List.of("console=serial0,115200", "console=tty1", "root=PARTUUID=6c586e13-02", "rootfstype=ext4",
                "fsck.repair=yes", "rootwait", "cgroup_memory=1", "cgroup_enable=memory"), c.fileTokens());
        assertTrue(c.fileText().endsWith("cgroup_enable=memory\n"), "the file is kept as read, final newline included");
        assertEquals("coherent_pool=1M", c.running().get(0), "the firmware's prefix is part of /proc/cmdline");
        assertTrue(c.running().contains("cgroup_enable=memory"));
        assertFalse(c.running().contains("console=serial0,115200"), "the firmware rewrites serial0 to ttyS0: compare tokens, not lines");
        assertEquals(List.of("cpuset", "cpu", "io", "memory", "pids"), c.controllers());

        assertEquals(new PackageState("docker.io", "ii", "20.10.5+dfsg1-1+deb11u2"), o.part(RuntimeProbe.PACKAGES).get("docker.io"));
        assertTrue(o.part(RuntimeProbe.PACKAGES).get("docker.io").installed());
        assertEquals(new PackageState("docker-ce", "not-installed", null), o.part(RuntimeProbe.PACKAGES).get("docker-ce"));
        assertEquals(new PackageState("containerd.io", "not-installed", null), o.part(RuntimeProbe.PACKAGES).get("containerd.io"));

        assertEquals(new ServiceState("docker", true, "active"), o.services().get("docker"));
        assertEquals(new ServiceState("k3s", false, "inactive"), o.services().get("k3s"));
        assertEquals(new ServiceState("k3s-agent", true, "active"), o.services().get("k3s-agent"));

        assertEquals(new K3sInstall("v1.30.6+k3s1", "node-name: pi-worker-1\ndocker: true\n", null,
                "https://192.168.1.10:6443"), o.part(K3sProbe.INSTALL));
        assertNull(o.kube(), "not probed as the server");
        assertEquals(Map.of(), o.part(PvProbe.PATHS));
    }

    @Test
    void bookwormWithOnlyTheStub_hasNoCmdlineFileButStillTheRunningKernel() {
        NodeObservation o = StandardProbe.parse(StandardProbe.request("pi-5", false, List.of()), BOOKWORM_STUB_ONLY);
        Cmdline c = o.cmdline();
        assertNull(c.path(), "never the stub");
        assertNull(c.fileText());
        assertEquals(List.of(), c.fileTokens());
        assertTrue(c.running().contains("cgroup_disable=memory"));
        assertFalse(c.controllers().contains("memory"));

        Facts f = o.facts();
        assertEquals("usb", f.bootDevice());
        assertEquals("0x50005", f.throttled());
        assertEquals(0x50005, f.throttledBits());
        assertEquals(62.0, f.temperatureC());
        assertEquals("raspberrypi", f.hostname());
        assertEquals("raspberrypi", f.hostsName());
        assertEquals("12", f.osVersionId());
        assertEquals("bookworm", f.osCodename());

        assertNull(o.part(K3sProbe.INSTALL), "no binary, no config, no token: no k3s at all");
        o.part(RuntimeProbe.PACKAGES).values().forEach(p -> assertEquals("not-installed", p.status(), p.name()));
        o.services().values().forEach(s -> assertFalse(s.unitExists(), s.name()));
    }

    @Test
    void serverWithK3sStopped_keepsKubectlsErrorAndTheTokenPassword() {
        NodeObservation o = StandardProbe.parse(SERVER, SERVER_K3S_STOPPED);
        assertEquals(new ServiceState("k3s", true, "inactive"), o.services().get("k3s"));
        KubeSnapshot k = o.kube();
        assertFalse(k.ok());
        assertEquals("The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?",
                k.error());
        assertEquals(List.of(), k.nodes());
        assertEquals("hunter2-secret", o.part(K3sProbe.INSTALL).serverPassword());
        assertEquals("v1.31.4+k3s1", o.part(K3sProbe.INSTALL).version());
        assertTrue(o.part(K3sProbe.INSTALL).configYaml().startsWith("disable:\n- traefik\n"));
        assertEquals(Map.of("/mnt/local-storage", new PathState(true, true)), o.part(PvProbe.PATHS));

        assertFalse(o.toString().contains("hunter2"), o.toString());
    }

    @Test
    void nonPi_hasNoModelNoVcgencmdAndNvmeBoot() {
        NodeObservation o = StandardProbe.parse(StandardProbe.request("nuc", false, List.of()), NON_PI);
        Facts f = o.facts();
        assertNull(f.model());
        assertFalse(f.isRaspberryPi());
        assertEquals("x86_64", f.arch());
        assertEquals("amd64", f.dpkgArch());
        assertNull(f.throttled(), "no vcgencmd is unknown, not an error");
        assertEquals(-1, f.throttledBits());
        assertNull(f.temperatureC());
        assertEquals("nvme", f.bootDevice());
        assertEquals("ubuntu", f.osId());
        assertEquals("24.04", f.osVersionId());
        assertNull(f.hostsName(), "no 127.0.1.1 line");
        assertNull(o.cmdline().path());
        assertEquals(new PackageState("docker-ce", "ii", "5:27.3.1-1~ubuntu.24.04~noble"), o.part(RuntimeProbe.PACKAGES).get("docker-ce"));
        assertEquals(new PackageState("containerd.io", "ii", "1.7.22-1"), o.part(RuntimeProbe.PACKAGES).get("containerd.io"),
                "the :arch qualifier of ${binary:Package} is dropped");
        assertFalse(o.part(RuntimeProbe.PACKAGES).get("docker.io").installed());
    }

    @Test
    void serverWithRunningK3s_splitsAMixedListByKind() {
        String json = """
                {
                    "apiVersion": "v1",
                    "items": [
                        {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "pi-server-1"},
                         "status": {"conditions": [{"type": "Ready", "status": "True"}]}},
                        {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "pi-worker-1"}},
                        {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
                         "metadata": {"name": "local-path"}, "provisioner": "rancher.io/local-path"},
                        {"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "local-pv-1"},
                         "spec": {"local": {"path": "/mnt/local-storage"}}}
                    ],
                    "kind": "List",
                    "metadata": {"resourceVersion": ""}
                }
                """;
        NodeObservation o = StandardProbe.parse(SERVER, output(Map.of("kube", json, "kube-status", "0\n")));
        KubeSnapshot k = o.kube();
        assertTrue(k.ok(), k.error());
        assertEquals(List.of("pi-server-1", "pi-worker-1"), k.nodes().stream().map(ProbeParserTest::name).toList());
        assertEquals(List.of("local-path"), k.storageClasses().stream().map(ProbeParserTest::name).toList());
        assertEquals(List.of("local-pv-1"), k.persistentVolumes().stream().map(ProbeParserTest::name).toList());
    }

    @Test
    void serverWithRunningK3s_readsOneListPerTypeAsTheScriptPrintsThem() {
        String json = """
                {
                    "apiVersion": "v1",
                    "items": [
                        {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "pi-server-1"}}
                    ],
                    "kind": "List",
                    "metadata": {"resourceVersion": ""}
                }
                {
                    "apiVersion": "v1",
                    "items": [],
                    "kind": "List",
                    "metadata": {"resourceVersion": ""}
                }
                {
                    "apiVersion": "v1",
                    "items": [
                        {"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "local-pv-1"}},
                        {"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "local-pv-2"}}
                    ],
                    "kind": "List",
                    "metadata": {"resourceVersion": ""}
                }
                """;
        KubeSnapshot k = StandardProbe.parse(SERVER, output(Map.of("kube", json, "kube-status", "0\n"))).kube();
        assertTrue(k.ok(), k.error());
        assertEquals(List.of("pi-server-1"), k.nodes().stream().map(ProbeParserTest::name).toList());
        assertEquals(List.of(), k.storageClasses());
        assertEquals(List.of("local-pv-1", "local-pv-2"), k.persistentVolumes().stream().map(ProbeParserTest::name).toList());
    }

    @Test
    void kubectlSucceededButPrintedNothing_isAnError() {
        assertEquals("kubectl printed nothing",
                StandardProbe.parse(SERVER, output(Map.of("kube", "", "kube-status", "0\n"))).kube().error());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            kubectl timed out    | 124 | ''                                | kubectl did not answer within 20s
            exit without stderr  | 1   | ''                                | kubectl exited 1
            no kubeconfig        | 1   | error: open /etc/rancher/k3s/k3s.yaml: no such file | error: open /etc/rancher/k3s/k3s.yaml: no such file
            garbage JSON         | 0   | ''                                | kubectl printed output pictl could not read as JSON:
            """)
    void kubectlFailures_becomeTheSnapshotsError(String name, String code, String stderr, String error) {
        String out = output(Map.of("kube", "x-not-json\n", "kube-status", code + "\n" + stderr));
        String actual = StandardProbe.parse(SERVER, out).kube().error();
        assertTrue(actual.startsWith(error), actual);
    }

    @Test
    void serverWithoutKubeSections_reportsThatKubectlGaveNothing() {
        KubeSnapshot k = StandardProbe.parse(SERVER, output(Map.of())).kube();
        assertEquals("the probe printed no kubectl result", k.error());
        assertNull(StandardProbe.parse(AGENT, output(Map.of())).kube());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(nullValues = "null", textBlock = """
            /dev/mmcblk0p2,  sd
            /dev/mmcblk1p2,  sd
            /dev/sda2,       usb
            /dev/sdb1,       usb
            /dev/nvme0n1p2,  nvme
            /dev/root,       unknown
            PARTUUID=1-02,   unknown
            overlay,         unknown
            null,            unknown
            """)
    void bootDevice_fromTheRootSource(String source, String device) {
        assertEquals(device, ProbeParser.bootDevice(source));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(nullValues = "null", delimiter = '|', textBlock = """
            throttled=0x50005          | 0x50005
            throttled=0x0              | 0x0
            'throttled=0x80000\\n'     | 0x80000
            VCHI initialization failed | null
            ''                         | null
            null                       | null
            """)
    void throttled_keepsTheHexAsPrinted(String text, String expected) {
        assertEquals(expected, ProbeParser.throttled(text == null ? null : text.replace("\\n", "\n")));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(nullValues = "null", delimiter = '|', textBlock = """
            temp=47.2'C | 47.2
            temp=85'C   | 85.0
            temp=-3.5'C | -3.5
            ''          | null
            null        | null
            """)
    void temperature_inDegrees(String text, Double expected) {
        assertEquals(expected, ProbeParser.temperature(text));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(nullValues = "null", delimiter = '|', textBlock = """
            K10ef7d38b1fd::server:s3cr3t           | s3cr3t
            K10ef7d38b1fd::server:pa:ss:word       | pa:ss:word
            K10ef7d38b1fd::node:agentpass          | agentpass
            K10ef7d38b1fd::s3cr3t                  | s3cr3t
            just-a-bare-password                   | just-a-bare-password
            'bare-with-newline\\n'                 | bare-with-newline
            ''                                     | null
            null                                   | null
            """)
    void serverPassword_fromTheTokenFile(String token, String password) {
        assertEquals(password, K3sProbe.serverPassword(token == null ? null : token.replace("\\n", "\n")));
    }

    @Test
    void packages_statusAbbreviations() {
        Map<String, PackageState> p = RuntimeProbe.packages("""
                docker.io rc  20.10.24+dfsg1-1+b3
                docker-ce un\s
                containerd.io iU  1.7.22-1
                """);
        assertEquals(new PackageState("docker.io", "rc", "20.10.24+dfsg1-1+b3"), p.get("docker.io"));
        assertFalse(p.get("docker.io").installed(), "removed, config files left");
        assertEquals(new PackageState("docker-ce", "not-installed", null), p.get("docker-ce"));
        assertEquals(new PackageState("containerd.io", "iU", "1.7.22-1"), p.get("containerd.io"));
    }

    @Test
    void services_loadStatesAndMissingLines() {
        Map<String, ServiceState> s = ProbeParser.services(List.of("docker", "k3s", "k3s-agent"), """
                docker load=masked active=inactive
                k3s load=loaded active=activating
                k3s-agent load= active=
                """);
        assertEquals(new ServiceState("docker", true, "inactive"), s.get("docker"));
        assertEquals(new ServiceState("k3s", true, "activating"), s.get("k3s"));
        assertEquals(new ServiceState("k3s-agent", false, "unknown"), s.get("k3s-agent"));
        assertEquals(new ServiceState("k3s", false, "unknown"), ProbeParser.services(List.of("docker", "k3s", "k3s-agent"), null).get("k3s"));
    }

    @Test
    void services_fromOneSystemctlShow_blocksInOrderMatchedById() {
        List<String> units = List.of("docker", "k3s", "k3s-agent");
        // systemd's own property order (Id, LoadState, ActiveState), a blank line between units
        Map<String, ServiceState> s = ProbeParser.services(units, """
                Id=docker.service
                LoadState=masked
                ActiveState=inactive

                Id=k3s.service
                LoadState=loaded
                ActiveState=activating

                Id=k3s-agent.service
                LoadState=not-found
                ActiveState=inactive
                """);
        assertEquals(Map.of("docker", new ServiceState("docker", true, "inactive"),
                "k3s", new ServiceState("k3s", true, "activating"),
                "k3s-agent", new ServiceState("k3s-agent", false, "inactive")), s);
        // keys in another order, no Id: by place; a missing block leaves its unit unknown
        Map<String, ServiceState> byPlace = ProbeParser.services(units, """
                ActiveState=active
                LoadState=loaded

                ActiveState=failed
                LoadState=bad-setting
                """);
        assertEquals(new ServiceState("docker", true, "active"), byPlace.get("docker"));
        assertEquals(new ServiceState("k3s", true, "failed"), byPlace.get("k3s"));
        assertEquals(new ServiceState("k3s-agent", false, "unknown"), byPlace.get("k3s-agent"));
        // an alias resolves to another Id: its place decides
        assertEquals(new ServiceState("k3s", true, "active"), ProbeParser.services(List.of("docker", "k3s"),
                "Id=docker.service\nLoadState=loaded\nActiveState=inactive\n\nId=k3s-server.service\nLoadState=loaded\n"
                        + "ActiveState=active\n").get("k3s"));
        // systemctl failed (no systemd): everything unknown, as before
        assertEquals(new ServiceState("docker", false, "unknown"), ProbeParser.services(units, "").get("docker"));
    }

    @Test
    void sections_keepTextExactlyAndTolerateOddOutput() {
        String out = "junk before the first marker\n"
                + "\n@@pictl-probe:cmdline-path\n/boot/firmware/cmdline.txt"
                + "\n@@pictl-probe:cmdline-file\nconsole=tty1 rootwait" // no final newline in the file
                + "\n@@pictl-probe:some-future-section\nignored"
                + "\n@@pictl-probe:hostname\n\n"                       // an empty /etc/hostname line
                + "\n@@pictl-probe:hostname\nsecond-wins-not\n";
        var s = ProbeParser.sections(out);
        assertEquals("console=tty1 rootwait", s.get("cmdline-file"));
        assertEquals("\n", s.get("hostname"), "the first of two equal sections wins");
        assertFalse(ProbeParser.complete(out));
        NodeObservation o = StandardProbe.parse(AGENT, out);
        assertEquals("console=tty1 rootwait", o.cmdline().fileText());
        assertNull(o.facts().hostname());
        assertNull(o.facts().model());
        assertEquals(0, o.facts().memTotalKb());
        assertEquals(0, o.facts().memAvailableKb(), "unknown");
        assertEquals("unknown", o.facts().bootDevice());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            both lines                  | MemTotal:        7997156 kB\\nMemAvailable:     612352 kB | 7997156 | 612352
            MemAvailable first          | MemAvailable:     612352 kB\\nMemTotal:        7997156 kB | 7997156 | 612352
            kernel without MemAvailable | MemTotal:        7997156 kB\\nMemFree:          512000 kB      | 7997156 | 0
            empty section               | ''                                                         | 0       | 0
            """)
    void meminfo_readsMemTotalAndMemAvailable_zeroWhenMissing(String name, String meminfo, long total, long available) {
        NodeObservation o = StandardProbe.parse(AGENT, "\n@@pictl-probe:meminfo\n" + meminfo.replace("\\n", "\n")
                + "\n@@pictl-probe:end\n");
        assertEquals(total, o.facts().memTotalKb());
        assertEquals(available, o.facts().memAvailableKb());
    }

    @Test
    void emptyOutput_isAnObservationOfNothing() {
        NodeObservation o = StandardProbe.parse(AGENT, "");
        assertNull(o.facts().arch());
        assertNull(o.cmdline().path());
        assertNull(o.part(K3sProbe.INSTALL));
        assertEquals(3, o.part(RuntimeProbe.PACKAGES).size());
        assertEquals(3, o.services().size());
    }

    @Test
    void cmdlineFileWithoutPath_isIgnored() {
        Cmdline c = StandardProbe.parse(AGENT, output(Map.of("cmdline-path", "", "cmdline-file", "x y\n"))).cmdline();
        assertNull(c.path());
        assertNull(c.fileText());
    }

    @Test
    void cmdlineFileOnSeveralLines_tokensComeFromTheFirstLineOnly() {
        Cmdline c = StandardProbe.parse(AGENT, output(Map.of("cmdline-path", "/boot/firmware/cmdline.txt",
                "cmdline-file", "console=tty1 rootwait\ncgroup_enable=memory\n"))).cmdline();
        assertEquals(List.of("console=tty1", "rootwait"), c.fileTokens(), "the kernel ignores a second line");
    }

    @Test
    void agentUrl_quotedOrNot() {
        assertEquals("https://10.0.0.1:6443", K3sProbe.agentUrl("K3S_URL=\"https://10.0.0.1:6443\"\n"));
        assertEquals("https://10.0.0.1:6443", K3sProbe.agentUrl("K3S_URL=https://10.0.0.1:6443"));
        assertNull(K3sProbe.agentUrl(""));
    }

    @Test
    void paths_threeStates() {
        assertEquals(Map.of("/mnt/a", new PathState(false, false), "/mnt/b c", new PathState(true, false),
                        "/mnt/it's", new PathState(true, true)),
                PvProbe.paths("absent /mnt/a\nempty /mnt/b c\ndata /mnt/it's\n"));
    }

    @Test
    void configYamlAloneMeansK3sWasInstalled() {
        K3sInstall k = StandardProbe.parse(AGENT, output(Map.of("k3s-config", "node-name: x\n"))).part(K3sProbe.INSTALL);
        assertNull(k.version(), "binary gone, config left");
        assertEquals("node-name: x\n", k.configYaml());
    }

    private static String name(Map<String, Object> obj) {
        return (String) ((Map<?, ?>) obj.get("metadata")).get("name");
    }

    /** Output framed as the script frames it, sections in the order given by the map's keys. */
    static String output(Map<String, String> sections) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : new LinkedHashMap<>(sections).entrySet()) {
            sb.append('\n').append(ProbeScript.MARKER).append(e.getKey()).append('\n').append(e.getValue());
        }
        return sb.append('\n').append(ProbeScript.MARKER).append("end\n").toString();
    }
}
