package dev.pictl.sim;

import dev.pictl.nodetext.Shell;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.helpers.AbstractSession;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * One simulated board: its SSH server, filesystem, "hardware", systemd units, power state and faults.
 *
 * <p>Power states: up (SSH answers), down (rebooting, powered off, or a reboot that never comes back:
 * connection refused). Unreachable is a separate network fault: the board keeps running (k3s too), but
 * nothing reaches it and its k3s node goes NotReady, as with a pulled cable.
 */
public final class SimNode {

    record CommandFailure(Pattern pattern, int exitCode, String stderr) {}

    private final SimCluster cluster;
    private final NodeSpec spec;
    private final Path dir;
    private final Path root;
    private final KeyPair hostKey;
    private final String tag;
    final Units units;

    private final AtomicLong execCount = new AtomicLong();
    private final AtomicLong sftpCount = new AtomicLong();

    private volatile SshServer server;
    private volatile boolean up;
    private volatile boolean stopping;
    private volatile String bootId = "";
    private volatile long bootNanos = System.nanoTime();
    private volatile ScheduledFuture<?> pendingBoot;

    // hardware and faults (guarded by this)
    private String model;
    private long memoryKb;
    private boolean arch32;
    private String throttled = "0x0";
    private boolean firmwareDisablesMemory;
    private boolean rebootNeverReturns;
    private Unreachable unreachable;
    private ServerSocket silentSocket;
    private final List<Socket> silentConnections = new CopyOnWriteArrayList<>();
    private volatile long latencyMillis;
    private final List<CommandFailure> failures = new CopyOnWriteArrayList<>();
    private final List<Pattern> drops = new CopyOnWriteArrayList<>();
    private volatile long dropDelayMillis = 300;

    SimNode(SimCluster cluster, NodeSpec spec, Path dir, KeyPair hostKey) {
        this.cluster = cluster;
        this.spec = spec;
        this.dir = dir;
        this.root = dir.resolve("root");
        this.hostKey = hostKey;
        this.tag = cluster.id() + "/" + spec.name();
        this.model = spec.model();
        this.memoryKb = spec.memoryKb();
        this.units = new Units(this);
    }

    // ------------------------------------------------------------ identity

    public String name() { return spec.name(); }
    /** The loopback address the node's SSH server listens on. */
    public String address() { return spec.address(); }
    /** The address the node side names this board by (its LAN address, see {@link NodeSpec#advertisedAddress}). */
    public String advertisedAddress() { return spec.lanAddress(); }
    public int port() { return spec.port(); }
    public String user() { return spec.user(); }
    public NodeSpec spec() { return spec; }
    /** The node's filesystem root, exported to its commands as {@code $PICTL_ROOT}. */
    public Path root() { return root; }
    /** The host key's public half (its SHA256 fingerprint is what ssh-keygen -lf prints). */
    public java.security.PublicKey hostPublicKey() { return hostKey.getPublic(); }
    public String hostKeyFingerprint() { return KeyUtils.getFingerPrint(hostKey.getPublic()); }
    SimCluster cluster() { return cluster; }
    Path dir() { return dir; }

    /** Exec requests received over SSH (round trips, counted on the server side). */
    public long execCount() { return execCount.get(); }
    /** SFTP sessions opened. */
    public long sftpCount() { return sftpCount.get(); }
    void countExec() { execCount.incrementAndGet(); }
    void countSftp() { sftpCount.incrementAndGet(); }

    public boolean isUp() { return up; }
    /** Shutting down: up, SSH still answering, but going down (see {@link #shutDownThen}). */
    public boolean isStopping() { return stopping; }
    /** What {@code systemctl is-system-running} prints: {@code stopping} while shutting down, else {@code running}. */
    String systemState() { return stopping ? "stopping" : "running"; }
    /** The current boot's id (as in /proc/sys/kernel/random/boot_id); empty while down. */
    public String bootId() { return bootId; }

    /** Seconds since this board's last boot (the kernel log's timestamps). */
    double uptimeSeconds() { return (System.nanoTime() - bootNanos) / 1e9; }
    public synchronized boolean isReachable() { return up && unreachable == null; }

    /** State of a systemd unit as {@code systemctl status} words it, e.g. {@code active (running)}. */
    public String unitState(String unit) { return units.stateText(unit); }

    // ------------------------------------------------------------ commands

    ProcessBuilder processBuilder(String command) {
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", command);
        Map<String, String> env = pb.environment();
        env.clear();
        env.putAll(environment());
        Path home = root.resolve("home").resolve(spec.user());
        pb.directory(Files.isDirectory(home) ? home.toFile() : root.toFile());
        return pb;
    }

    Map<String, String> environment() {
        String r = root.toString();
        Map<String, String> env = new java.util.LinkedHashMap<>();
        env.put("PICTL_ROOT", r);
        env.put("PATH", cluster.shimDir() + ":" + r + "/usr/local/sbin:" + r + "/usr/local/bin:" + r + "/usr/sbin:" + r + "/usr/bin:" + cluster.hostBinDir());
        env.put("HOME", root.resolve("home").resolve(spec.user()).toString());
        env.put("USER", spec.user());
        env.put("LOGNAME", spec.user());
        env.put("SHELL", "/bin/bash");
        env.put("LANG", "C.UTF-8");
        env.put("PICTL_SIM_NODE", spec.name());
        env.put("PICTL_SIM_PORT", String.valueOf(cluster.controlPort()));
        env.put("PICTL_SIM_UID", "1000");
        env.put("PICTL_SIM_USER", spec.user());
        env.put("PICTL_SIM_TAG", tag);
        env.put("PICTL_SIM_LIBEXEC", cluster.libexecDir().toString());
        env.put("PICTL_SIM_K3S_STABLE", cluster.spec().k3sStableVersion());
        env.put("PICTL_SIM_TIMER_PERCENT", String.valueOf(cluster.spec().timerPercent()));
        return env;
    }

    /**
     * Runs a command on the node side directly (no SSH), as the login user, in the same environment an SSH
     * exec gets. Stdin is empty. Killed (exit 137) after {@code timeout}.
     */
    public ExecResult exec(String command, Duration timeout) {
        try {
            Process p = processBuilder(command).start();
            p.getOutputStream().close();
            Future<byte[]> err = cluster.pool().submit(() -> p.getErrorStream().readAllBytes());
            Future<byte[]> out = cluster.pool().submit(() -> p.getInputStream().readAllBytes());
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor();
            }
            return new ExecResult(p.exitValue(), new String(out.get(), StandardCharsets.UTF_8), new String(err.get(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** {@link #exec(String, Duration)} with a one-minute limit. */
    public ExecResult exec(String command) { return exec(command, Duration.ofMinutes(1)); }

    /** Runs as root (through the sudo stand-in). */
    public ExecResult sudo(String command) {
        return exec("sudo sh -c " + Shell.quote(command));
    }


    /** Kills every process of this node (found by the PICTL_SIM_TAG in its environment), like a power cut. */
    public void killProcesses() {
        String needle = "PICTL_SIM_TAG=" + tag + "\0";
        byte[] pat = needle.getBytes(StandardCharsets.UTF_8);
        long self = ProcessHandle.current().pid();
        for (int round = 0; round < 6; round++) {
            List<Long> found = new ArrayList<>();
            try (var ds = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
                for (Path p : ds) {
                    long pid = Long.parseLong(p.getFileName().toString());
                    if (pid == self) continue;
                    try {
                        byte[] env = Files.readAllBytes(p.resolve("environ"));
                        if (indexOf(env, pat) >= 0) found.add(pid);
                    } catch (IOException ignored) {
                        // gone or not ours
                    }
                }
            } catch (IOException e) {
                return;
            }
            if (found.isEmpty()) return;
            for (long pid : found) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            try { Thread.sleep(20); } catch (InterruptedException e) { Thread.currentThread().interrupt(); return; }
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }

    // ----------------------------------------------------------------- boot

    /** Boots the board: kernel files from cmdline.txt, new boot_id, SSH up, enabled units started. */
    synchronized void boot() throws IOException {
        pendingBoot = null;
        stopping = false;
        bootId = UUID.randomUUID().toString();
        bootNanos = System.nanoTime();
        Files.createDirectories(root.resolve("proc/sys/kernel/random"));
        Files.writeString(root.resolve("proc/sys/kernel/random/boot_id"), bootId + "\n");
        Path cmdFile = NodeFs.cmdlineFile(root, spec);
        String fileLine = "";
        if (Files.isRegularFile(cmdFile)) {
            String content = Files.readString(cmdFile);
            int nl = content.indexOf('\n');
            fileLine = (nl < 0 ? content : content.substring(0, nl)).trim();
        }
        String cmdline = NodeFs.firmwarePrefix(model, spec.name()) + (fileLine.isEmpty() ? "" : " " + fileLine)
                + (firmwareDisablesMemory ? " cgroup_disable=memory" : "");
        Files.writeString(root.resolve("proc/cmdline"), cmdline + "\n");
        String controllers = NodeFs.controllers(cmdline);
        Files.createDirectories(root.resolve("sys/fs/cgroup"));
        Files.writeString(root.resolve("sys/fs/cgroup/cgroup.controllers"), controllers + "\n");
        Files.writeString(root.resolve("proc/cgroups"), NodeFs.procCgroups(controllers));
        writeHardware();
        BootFirmware.boot(this, model, spec.os());
        String hostname = Files.isRegularFile(root.resolve("etc/hostname")) ? Files.readString(root.resolve("etc/hostname")).trim() : "raspberrypi";
        Files.writeString(root.resolve("proc/sys/kernel/hostname"), hostname + "\n");
        List<String> unknown = NodeFs.unknownParams(cmdline);
        StringBuilder dmesg = new StringBuilder("[    0.000000] Booting Linux on physical CPU 0x0000000000 [0x410fd083]\n")
                .append("[    0.000000] Linux version 6.6.51+rpt-rpi-v8 (serge@raspberrypi.com) (aarch64-linux-gnu-gcc-12 (Debian 12.2.0-14) 12.2.0) #1 SMP PREEMPT Debian 1:6.6.51-1+rpt3 (2024-10-08)\n")
                .append("[    0.000000] Machine model: ").append(model).append('\n')
                .append("[    0.000000] Kernel command line: ").append(cmdline).append('\n');
        if (!unknown.isEmpty()) {
            dmesg.append("[    0.000000] Unknown kernel command line parameters \"").append(String.join(" ", unknown))
                    .append("\", will be passed to user space.\n");
        }
        Files.writeString(dir.resolve("hw/dmesg"), dmesg.toString());
        clearDir(root.resolve("run"));
        units.boot();
        startSsh();
        up = true;
        cluster.event(spec.name(), "boot " + spec.name() + " boot_id=" + bootId);
        units.startEnabled();
    }

    private void writeHardware() throws IOException {
        Path hw = dir.resolve("hw");
        Files.createDirectories(hw);
        Files.createDirectories(root.resolve("sys/firmware/devicetree/base"));
        Files.write(root.resolve("sys/firmware/devicetree/base/model"), (model + "\0").getBytes(StandardCharsets.UTF_8));
        Files.writeString(root.resolve("proc/meminfo"), NodeFs.meminfo(memoryKb));
        Files.writeString(hw.resolve("arch"), arch32 ? "armv7l" : "aarch64");
        Files.writeString(hw.resolve("throttled"), throttled);
        Files.writeString(hw.resolve("address"), spec.lanAddress());
        Files.writeString(hw.resolve("boot-device"), spec.bootDevice());
        Path sudo = hw.resolve("sudo-password-sha256");
        if (spec.sudoPassword() != null) Files.writeString(sudo, sha256(spec.sudoPassword()));
        else Files.deleteIfExists(sudo);
        boolean isPi = model.contains("Raspberry Pi");
        Path vc = root.resolve("usr/bin/vcgencmd");
        if (isPi) {
            Files.createDirectories(vc.getParent());
            Files.writeString(vc, "#!/bin/sh\nexec \"" + cluster.libexecDir() + "/vcgencmd\" \"$@\"\n");
            vc.toFile().setExecutable(true, false);
        } else {
            Files.deleteIfExists(vc);
        }
    }

    static String sha256(String s) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            StringBuilder b = new StringBuilder();
            for (byte x : d) b.append(String.format("%02x", x));
            return b.toString();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void clearDir(Path d) throws IOException {
        if (!Files.isDirectory(d)) { Files.createDirectories(d); return; }
        try (var walk = Files.walk(d)) {
            walk.sorted(java.util.Comparator.reverseOrder()).filter(p -> !p.equals(d)).forEach(p -> p.toFile().delete());
        }
    }

    private void startSsh() throws IOException {
        SshServer s = SshServer.setUpDefaultServer();
        s.setHost(spec.address());
        s.setPort(spec.port());
        s.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
        java.security.PublicKey allowed = cluster.userPublicKey();
        s.setPublickeyAuthenticator((user, key, session) -> user.equals(spec.user()) && KeyUtils.compareKeys(allowed, key));
        s.setPasswordAuthenticator(null);
        s.setKeyboardInteractiveAuthenticator(null);
        s.setCommandFactory((channel, command) -> new NodeShellCommand(this, command));
        s.setFileSystemFactory(new VirtualFileSystemFactory(root));
        SftpSubsystemFactory sftp = new SftpSubsystemFactory.Builder().build();
        sftp.addSftpEventListener(new org.apache.sshd.sftp.server.SftpEventListener() {
            @Override
            public void initialized(org.apache.sshd.server.session.ServerSession session, int version) {
                countSftp();
                long l = latencyMillis;
                if (l > 0) {
                    try { Thread.sleep(l); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
                }
            }
        });
        s.setSubsystemFactories(List.of(sftp));
        s.setIoServiceFactoryFactory(cluster.ioServiceFactoryFactory());
        s.setScheduledExecutorService(cluster.scheduler(), false);
        CoreModuleProperties.NIO2_READ_TIMEOUT.set(s, Duration.ZERO);
        CoreModuleProperties.IDLE_TIMEOUT.set(s, Duration.ZERO); // like sshd (ClientAliveInterval 0): no server-side idle limit
        IOException last = null;
        for (int i = 0; i < 50; i++) {
            try {
                s.start();
                server = s;
                return;
            } catch (IOException e) {
                last = e; // the previous boot's socket may still be closing
                try { Thread.sleep(100); } catch (InterruptedException ie) { Thread.currentThread().interrupt(); break; }
            }
        }
        throw new IOException(spec.name() + ": cannot listen on " + spec.address() + ":" + spec.port(), last);
    }

    /** Closes every SSH session at once (in-flight commands see the channel die without an exit status). */
    void dropAllSessions() {
        SshServer s = server;
        if (s == null) return;
        for (AbstractSession session : s.getActiveSessions()) dropSession(session);
    }

    void dropSession(Session session) {
        try {
            session.close(true).await(2, TimeUnit.SECONDS);
        } catch (IOException e) {
            // already closed
        }
    }

    private void stopSsh() {
        SshServer s = server;
        server = null;
        if (s == null) return;
        dropAllSessions();
        try {
            s.stop(true);
        } catch (IOException e) {
            // closing anyway
        }
    }

    /** Takes the board down now: connections dropped, processes killed, units stopped. */
    private synchronized void goDown(String why) {
        if (!up) return;
        up = false;
        stopping = false;
        stopSsh();
        closeSilent();
        killProcesses();
        units.powerLoss();
        bootId = "";
        cluster.event(spec.name(), why + " " + spec.name());
    }

    /** Reboots (as {@code reboot} would): down now, back after the cluster's reboot delay with a new boot_id. */
    public void reboot() {
        cluster.pool().execute(() -> {
            goDown("reboot");
            scheduleBoot();
        });
    }

    /** {@code reboot} run on the board: it shuts down first ({@link #shutDownThen}), then reboots. */
    void rebootNow() {
        shutDownThen(true);
    }

    /** {@code poweroff} run on the board: it shuts down first, then stays off. */
    void powerOffNow() {
        shutDownThen(false);
    }

    /**
     * systemd's shutdown, as a caller on the board sees it: for the cluster's shutdown time the board is still up
     * and SSH answers, but {@code systemctl is-system-running} says {@code stopping} and {@code /run/nologin}
     * exists; then it goes down (and, for a reboot, boots again after the reboot delay). A second request while
     * stopping changes nothing.
     */
    private void shutDownThen(boolean reboot) {
        String boot;
        synchronized (this) {
            if (!up || stopping) return;
            stopping = true;
            boot = bootId;
        }
        try {
            Files.createDirectories(root.resolve("run"));
            Files.writeString(root.resolve("run/nologin"), "System is going down.\n");
        } catch (IOException e) {
            // a board without /run still goes down
        }
        cluster.event(spec.name(), "shutting down " + spec.name() + (reboot ? " for reboot" : ""));
        // In the caller's thread, as before: the command that asked for it never sees an exit status.
        try {
            Thread.sleep(cluster.spec().shutdownMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            if (!up || !boot.equals(bootId)) return; // powered off (and on) meanwhile by the admin
        }
        if (reboot) {
            goDown("reboot");
            scheduleBoot();
        } else {
            powerOff();
        }
    }

    private synchronized void scheduleBoot() {
        if (rebootNeverReturns) {
            cluster.event(spec.name(), spec.name() + " did not come back after reboot");
            return;
        }
        pendingBoot = cluster.scheduler().schedule(this::bootQuietly, cluster.spec().rebootDelayMillis(), TimeUnit.MILLISECONDS);
    }

    private void bootQuietly() {
        try {
            boot();
        } catch (IOException e) {
            cluster.event(spec.name(), "boot failed on " + spec.name() + ": " + e.getMessage());
        }
    }

    /** Power off (stays down until {@link #powerOn()}). */
    public void powerOff() {
        ScheduledFuture<?> p = pendingBoot;
        if (p != null) p.cancel(false);
        goDown("power-off");
    }

    /** Power on a board that is down (also recovers a reboot that never returned). */
    public void powerOn() throws IOException {
        ScheduledFuture<?> p = pendingBoot;
        if (p != null) p.cancel(false);
        if (!up) boot();
    }

    /** Waits until the board is up (or the timeout passes). */
    public boolean awaitUp(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!up) {
            if (System.nanoTime() > end) return false;
            Thread.sleep(20);
        }
        return true;
    }

    void shutdownForClose() {
        ScheduledFuture<?> p = pendingBoot;
        if (p != null) p.cancel(false);
        units.close();
        stopSsh();
        closeSilent();
        killProcesses();
        up = false;
    }

    // --------------------------------------------------------------- faults

    /** Makes the board unreachable over the network (it keeps running); null makes it reachable again. */
    public synchronized void setUnreachable(Unreachable mode) throws IOException {
        if (mode == unreachable) return;
        Unreachable before = unreachable;
        unreachable = mode;
        if (!up) return;
        if (before == null) stopSsh(); else closeSilent();
        if (mode == Unreachable.SILENT) openSilent();
        if (mode == null) startSsh();
        cluster.event(spec.name(), "fault " + spec.name() + (mode == null ? " reachable" : " unreachable " + mode.name().toLowerCase()));
    }

    private void openSilent() throws IOException {
        ServerSocket ss = new ServerSocket();
        ss.setReuseAddress(true);
        ss.bind(new InetSocketAddress(spec.address(), spec.port()));
        silentSocket = ss;
        cluster.pool().execute(() -> {
            while (!ss.isClosed()) {
                try {
                    silentConnections.add(ss.accept());
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    private void closeSilent() {
        ServerSocket ss = silentSocket;
        silentSocket = null;
        if (ss != null) try { ss.close(); } catch (IOException ignored) { /* closing */ }
        for (Socket s : silentConnections) try { s.close(); } catch (IOException ignored) { /* closing */ }
        silentConnections.clear();
    }

    /** Commands matching {@code regex} (searched in the SSH command line) exit with {@code exitCode} and {@code stderr} without running. */
    public void failCommands(String regex, int exitCode, String stderr) {
        failures.add(new CommandFailure(Pattern.compile(regex), exitCode, stderr == null ? "" : stderr));
    }

    CommandFailure failureFor(String command) {
        for (CommandFailure f : failures) if (f.pattern().matcher(command).find()) return f;
        return null;
    }

    /** The SSH connection is dropped {@code delay} after a command matching {@code regex} starts (the command keeps running). */
    public void dropConnectionOn(String regex, Duration delay) {
        dropDelayMillis = delay.toMillis();
        drops.add(Pattern.compile(regex));
    }

    boolean dropFor(String command) {
        for (Pattern p : drops) if (p.matcher(command).find()) return true;
        return false;
    }

    long dropDelayMillis() { return dropDelayMillis; }

    /** Drops every SSH connection to this node now. */
    public void dropConnections() { dropAllSessions(); }

    /** Added delay for every exec and SFTP round trip. */
    public void setLatency(Duration perRoundTrip) { latencyMillis = perRoundTrip.toMillis(); }
    long latencyMillis() { return latencyMillis; }

    /** The next reboots take the board down for good (until {@link #powerOn()}). */
    public synchronized void setRebootNeverReturns(boolean v) { rebootNeverReturns = v; }

    /** {@code vcgencmd get_throttled} answer, e.g. {@code 0x50005}. */
    public synchronized void setThrottled(String hex) throws IOException {
        throttled = hex;
        Files.writeString(dir.resolve("hw/throttled"), hex);
    }

    /** MemTotal in kB (e.g. 944268 for a 1 GB board); takes effect at once. */
    public synchronized void setMemoryKb(long kb) throws IOException {
        memoryKb = kb;
        Files.writeString(root.resolve("proc/meminfo"), NodeFs.meminfo(kb));
    }

    /** The device-tree model (a non-Pi model also removes vcgencmd); takes effect at once. */
    public synchronized void setModel(String m) throws IOException {
        model = m;
        writeHardware();
    }

    /** A 32-bit kernel: {@code uname -m} says armv7l, {@code dpkg --print-architecture} armhf. */
    public synchronized void setArch32(boolean v) throws IOException {
        arch32 = v;
        Files.writeString(dir.resolve("hw/arch"), v ? "armv7l" : "aarch64");
    }

    /** The firmware appends {@code cgroup_disable=memory} after cmdline.txt from the next boot on. */
    public synchronized void setFirmwareDisablesMemoryCgroup(boolean v) { firmwareDisablesMemory = v; }

    /** The board's clock runs {@code seconds} ahead (negative: behind); see {@link Trouble}. */
    public void setClockOffset(long seconds) throws IOException { cluster.trouble().setClock(this, seconds); }

    /** The root filesystem is {@code percent} full (96 and more: the kubelet's DiskPressure). */
    public void setDiskUsedPercent(int percent) throws IOException { cluster.trouble().setDisk(this, percent); }

    /** On a server: its serving certificate expired a day ago (k3s renews it at its next start). */
    public void expireServerCertificate() throws IOException { cluster.trouble().expireCert(this); }

    /** No packet passes between this board and {@code other} (null on {@link #uncut}: every cut of this board). */
    public void cut(String other) { cluster.trouble().cut(this, cluster.node(other)); }

    public void uncut(String other) { cluster.trouble().uncut(this, other == null ? null : cluster.node(other)); }

    /** The kubelet's memory threshold is crossed: MemoryPressure and memory evictions (false: over). */
    public void setMemoryPressure(boolean on) throws IOException { cluster.trouble().setMemoryPressure(this, on); }

    /** A failing SD card: mmc timeouts, I/O and ext4 errors in this boot's kernel log (gone at the next boot). */
    public void sdCardErrors() throws IOException { cluster.trouble().sdCardErrors(this); }

    /** k3s's leaf certificates on this board (or the one FILE names) expire DAYS from now; the count of files. */
    public int setCertExpiry(long days, String file) throws IOException { return K3sCerts.setExpiry(root, days, file); }

    /** One line in this boot's kernel log (what dmesg prints). */
    public void kernelLog(String text) throws IOException { cluster.trouble().kernelLog(this, text); }

    /** flannel cannot set up its VXLAN network on this board: k3s's and the kubelet's flannel errors in its journal. */
    public void failFlannel() { cluster.trouble().flannelFailure(this); }

    /** The kubelet on this board fails to pull {@code image}. */
    public void failImagePull(String image) { cluster.trouble().imagePullFailure(this, image); }
    /** Fault {@code chart-fail CHART [MESSAGE]} on this server (null chart: clear it); see {@code ChartFault}. */
    public void failChart(String chart, String message) throws IOException {
        ChartFault.set(this, chart == null ? null : message == null ? List.of(chart) : List.of(chart, message));
    }

    /** From the next boot the firmware skips config.txt's lines for {@code key} (null: none); see {@link BootFirmware}. */
    public void ignoreConfigKey(String key) throws IOException { BootFirmware.ignore(this, key); }

    /** A newer bootloader EEPROM image is (or is no longer) available to {@code rpi-eeprom-update}. */
    public void setEepromUpdateAvailable(boolean v) throws IOException { BootFirmware.eepromUpdate(this, v); }

    synchronized boolean arch32() { return arch32; }
    synchronized String model() { return model; }
    synchronized long memoryKb() { return memoryKb; }

    /** Removes every fault (the board is reachable again; hardware back to the spec's). */
    /**
     * An OS-update fault (issue 15; {@code pictl sim fault NODE KIND ARGS}): {@code updates [N] [SECURITY]},
     * {@code kernel-update}, {@code package-fails [PKG|none]}, {@code reboot-required}, {@code dpkg-lock [SECONDS]}.
     */
    public void aptFault(String kind, String... args) throws IOException {
        String err = AptSim.fault(this, kind, List.of(args));
        if (err != null) {
            throw new IllegalArgumentException(err);
        }
    }

    public void clearFaults() throws IOException {
        failures.clear();
        drops.clear();
        latencyMillis = 0;
        synchronized (this) {
            rebootNeverReturns = false;
            firmwareDisablesMemory = false;
            throttled = "0x0";
            arch32 = false;
            model = spec.model();
            memoryKb = spec.memoryKb();
            if (up) writeHardware();
        }
        setUnreachable(null);
        cluster.trouble().clear(this);
        BootFirmware.clear(this);
        AptSim.clear(this);
        ChartFault.set(this, null);
    }

    @Override
    public String toString() { return spec.name() + "@" + spec.address() + ":" + spec.port(); }
}
