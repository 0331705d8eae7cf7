package dev.pictl.sim;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import dev.pictl.testing.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Reboots (cmdline, cgroups, boot_id, dropped connections) and the injectable faults, observed on the node side. */
class RebootAndFaultsTest extends SimTestSupport {
    @TempDir static Path dir;
    static SimCluster cluster;
    static SshClient client;

    @BeforeAll
    static void start() throws IOException {
        List<NodeSpec> ns = nodes(randomBase(), 2222, "pi-1", "pi-2", "pi-3", "pi-5", "pi-f");
        ns = List.of(ns.get(0), ns.get(1), ns.get(2), ns.get(3).withModel(NodeSpec.PI5), ns.get(4));
        cluster = SimCluster.start(fast(ns), dir);
        client = client(cluster);
    }

    @AfterAll
    static void stop() throws IOException {
        client.stop();
        cluster.close();
    }

    @Test
    void reboot_dropsConnections_bootsWithNewBootId_andProcCmdlineIsFirmwarePrefixPlusFileAtBoot() throws Exception {
        SimNode n = cluster.node("pi-1");
        String oldBoot = n.bootId();
        assertFalse(read(n, "/sys/fs/cgroup/cgroup.controllers").contains("memory"));
        String prefix = NodeFs.firmwarePrefix(NodeSpec.PI4, "pi-1");
        assertEquals(prefix + " " + read(n, "/boot/firmware/cmdline.txt").trim() + "\n", read(n, "/proc/cmdline"));

        Result edit = ssh(client, n, "f=\"${PICTL_ROOT:-}/boot/firmware/cmdline.txt\"; sudo cp \"$f\" \"$f.bak\" && "
                + "sudo sed -i '1 s/$/ cgroup_memory=1 cgroup_enable=memory/' \"$f\"");
        assertEquals(0, edit.exit(), edit.err());
        String fileAtBoot = read(n, "/boot/firmware/cmdline.txt").trim();

        try (ClientSession inFlight = session(client, n); ClientSession rebooter = session(client, n)) {
            ChannelExec ch = inFlight.createExecChannel("sleep 20; echo never");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ch.setOut(out);
            ch.open().verify(Duration.ofSeconds(5));
            Result r = exec(rebooter, "sudo reboot", null, Duration.ofSeconds(10));
            assertTrue(r.lost(), "a bare reboot kills the channel without an exit status");
            ch.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), Duration.ofSeconds(5));
            assertNull(ch.getExitStatus(), "the command in flight sees its connection die");
            assertFalse(inFlight.isOpen());
        }
        assertFalse(n.isUp());
        assertThrows(Exception.class, () -> session(client, n), "down: connection refused");
        // the file changes after the reboot started: what counts is the file as it was at boot
        assertTrue(n.awaitUp(Duration.ofSeconds(10)));
        Files.writeString(p(n, "/boot/firmware/cmdline.txt"), fileAtBoot + " changed-after-boot\n");
        Result after = ssh(client, n, "cat \"$PICTL_ROOT/proc/sys/kernel/random/boot_id\" \"$PICTL_ROOT/proc/cmdline\" \"$PICTL_ROOT/sys/fs/cgroup/cgroup.controllers\"");
        List<String> lines = after.out().lines().toList();
        assertNotEquals(oldBoot, lines.get(0));
        assertEquals(n.bootId(), lines.get(0));
        assertEquals(prefix + " " + fileAtBoot, lines.get(1));
        assertEquals("cpuset cpu io memory pids", lines.get(2));
        Files.writeString(p(n, "/boot/firmware/cmdline.txt"), fileAtBoot + "\n");
        List<String> ev = cluster.eventMessages();
        int reboot = ev.lastIndexOf("reboot pi-1");
        int boot = ev.indexOf("boot pi-1 boot_id=" + n.bootId());
        assertTrue(reboot >= 0 && boot > reboot, "the event log orders the reboot before the new boot: " + ev);
    }

    @Test
    void scheduledReboots_letTheCommandReturnFirst() throws Exception {
        SimNode n = cluster.node("pi-2");
        for (String cmd : List.of("sudo systemd-run --on-active=1 systemctl reboot",
                "sudo nohup sh -c 'sleep 1; reboot' >/dev/null 2>&1 &",
                "sudo shutdown -r +0 2>/dev/null & sleep 5")) {
            String before = n.bootId();
            Result r = ssh(client, n, cmd);
            if (cmd.startsWith("sudo shutdown")) {
                assertTrue(r.lost(), "shutdown -r +0 is immediate");
            } else {
                assertEquals(0, r.exit(), cmd + ": " + r.err());
            }
            assertTrue(await(Duration.ofSeconds(5), () -> !n.bootId().equals(before) && n.isUp()), cmd);
        }
        Result sched = ssh(client, n, "sudo shutdown -r +5; echo rc=$?; sudo shutdown -c; echo rc=$?");
        assertEquals("rc=0\nrc=0\n", sched.out());
        assertTrue(sched.err().startsWith("Reboot scheduled for "), sched.err());
    }

    @Test
    void cgroupFlags_areAppliedInOrder_thePi5FirmwareDisablesMemoryFirst() throws Exception {
        SimNode n = cluster.node("pi-5");
        assertTrue(read(n, "/proc/cmdline").startsWith("reboot=w coherent_pool=1M 8250.nr_uarts=1 pci=pcie_bus_safe cgroup_disable=memory"));
        Files.writeString(p(n, "/boot/firmware/cmdline.txt"), read(n, "/boot/firmware/cmdline.txt").trim() + " cgroup_enable=memory\n");
        rebootAndWait(n);
        assertTrue(read(n, "/sys/fs/cgroup/cgroup.controllers").contains("memory"));

        n.setFirmwareDisablesMemoryCgroup(true);
        rebootAndWait(n);
        assertTrue(read(n, "/proc/cmdline").trim().endsWith("cgroup_enable=memory cgroup_disable=memory"));
        assertEquals("cpuset cpu io pids\n", read(n, "/sys/fs/cgroup/cgroup.controllers"));
        n.setFirmwareDisablesMemoryCgroup(false);
    }

    @Test
    void flagsOnASecondLine_andTyposHaveNoEffect_theKernelPassesUnknownOnesToInit() throws Exception {
        SimNode n = cluster.node("pi-3");
        String line = read(n, "/boot/firmware/cmdline.txt").trim();
        Files.writeString(p(n, "/boot/firmware/cmdline.txt"), line + " cgroupenable=memory\ncgroup_enable=memory\n");
        rebootAndWait(n);
        assertFalse(read(n, "/sys/fs/cgroup/cgroup.controllers").contains("memory"));
        Result r = ssh(client, n, "sudo dmesg | grep 'Unknown kernel command line parameters'");
        assertEquals("[    0.000000] Unknown kernel command line parameters \"cgroupenable=memory\", will be passed to user space.\n", r.out());
        Files.writeString(p(n, "/boot/firmware/cmdline.txt"), line + "\n");
    }

    @Test
    void rebootThatNeverReturns_staysDownUntilPoweredOn() throws Exception {
        SimNode n = cluster.node("pi-f");
        n.setRebootNeverReturns(true);
        n.reboot();
        assertTrue(await(Duration.ofSeconds(3), () -> !n.isUp()));
        // The board declines its boot (no boot is scheduled at all) and says so in the log.
        Await.until("the log to say pi-f did not come back", Duration.ofSeconds(5),
                () -> cluster.eventMessages().contains("pi-f did not come back after reboot"),
                () -> cluster.eventMessages().toString());
        assertFalse(n.isUp());
        assertThrows(Exception.class, () -> session(client, n));
        assertTrue(cluster.eventMessages().contains("pi-f did not come back after reboot"));
        n.setRebootNeverReturns(false);
        n.powerOn();
        assertEquals(0, ssh(client, n, "true").exit());
    }

    @Test
    void unreachable_refusedFailsAtOnce_silentTimesOut() throws Exception {
        SimNode n = cluster.node("pi-f");
        n.setUnreachable(Unreachable.REFUSED);
        Exception e = assertThrows(Exception.class, () -> client.connect("pi", n.address(), n.port()).verify(Duration.ofSeconds(3)).getSession());
        assertTrue(hasCause(e, ConnectException.class), e.toString());
        n.setUnreachable(Unreachable.SILENT);
        long t0 = System.nanoTime();
        assertThrows(Exception.class, () -> {
            try (ClientSession s = client.connect("pi", n.address(), n.port()).verify(Duration.ofSeconds(3)).getSession()) {
                s.auth().verify(Duration.ofMillis(800));
            }
        });
        assertTrue(Duration.ofNanos(System.nanoTime() - t0).toMillis() >= 700, "it timed out rather than being refused");
        assertTrue(n.isUp(), "the board itself keeps running");
        n.setUnreachable(null);
        assertEquals(0, ssh(client, n, "true").exit());
    }

    private static boolean hasCause(Throwable t, Class<?> c) {
        for (Throwable x = t; x != null; x = x.getCause()) if (c.isInstance(x)) return true;
        return false;
    }

    @Test
    void connectionDroppedMidCommand_givesNoExitStatus_andTheCommandRanOnTheNode() throws Exception {
        SimNode n = cluster.node("pi-3");
        n.dropConnectionOn("install-step", Duration.ofMillis(300));
        try (ClientSession s = session(client, n)) {
            Result r = exec(s, "echo started > \"$PICTL_ROOT/tmp/install-step\"; sleep 2; echo done >> \"$PICTL_ROOT/tmp/install-step\"", null, Duration.ofSeconds(10));
            assertTrue(r.lost());
            assertFalse(s.isOpen());
        }
        assertTrue(await(Duration.ofSeconds(4), () -> read(n, "/tmp/install-step").equals("started\ndone\n")));
        n.clearFaults();
    }

    @Test
    void failingCommands_slowLink_andHardwareFaults() throws Exception {
        SimNode n = cluster.node("pi-2");
        n.failCommands("apt-get install", 100, "E: Failed to fetch http://deb.debian.org/debian/pool/main/d/docker.io/docker.io.deb  Temporary failure resolving 'deb.debian.org'\n");
        Result f = ssh(client, n, "sudo apt-get install -y docker.io");
        assertEquals(100, f.exit());
        assertTrue(f.err().startsWith("E: Failed to fetch"));

        n.setLatency(Duration.ofMillis(300));
        try (ClientSession s = session(client, n)) {
            long t0 = System.nanoTime();
            exec(s, "true");
            exec(s, "true");
            assertTrue(Duration.ofNanos(System.nanoTime() - t0).toMillis() >= 600);
        }

        n.setThrottled("0x50005");
        n.setMemoryKb(944268);
        n.setArch32(true);
        Result hw = ssh(client, n, "vcgencmd get_throttled; awk '/MemTotal/{print $2}' \"$PICTL_ROOT/proc/meminfo\"; uname -m; dpkg --print-architecture");
        assertEquals("throttled=0x50005\n944268\narmv7l\narmhf\n", hw.out());

        n.setModel("Generic ARM64 board");
        Result model = ssh(client, n, "tr -d '\\0' < \"$PICTL_ROOT/proc/device-tree/model\"; echo; vcgencmd get_throttled; echo rc=$?");
        assertEquals("Generic ARM64 board\nrc=127\n", model.out());

        n.clearFaults();
        Result back = ssh(client, n, "uname -m; vcgencmd get_throttled; sudo apt-get install -y docker.io >/dev/null; echo rc=$?");
        assertEquals("aarch64\nthrottled=0x0\nrc=0\n", back.out());
    }

    static void rebootAndWait(SimNode n) throws Exception {
        String before = n.bootId();
        n.reboot();
        assertTrue(await(Duration.ofSeconds(10), () -> n.isUp() && !n.bootId().equals(before)));
    }
}
