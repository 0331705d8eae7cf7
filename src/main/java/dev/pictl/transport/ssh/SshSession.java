package dev.pictl.transport.ssh;

import dev.pictl.nodetext.Shell;
import dev.pictl.transport.ExecResult;
import dev.pictl.transport.NodeTarget;
import dev.pictl.transport.RemoteCommand;
import dev.pictl.transport.Session;
import dev.pictl.transport.SudoMode;
import dev.pictl.transport.TransportException;
import dev.pictl.transport.TransportException.Kind;
import dev.pictl.transport.TransportSettings;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.apache.sshd.sftp.common.SftpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's connection. Commands run on exec channels without a PTY (a PTY would echo a sudo password, merge
 * stderr into stdout and turn newlines into CRLF: libraries.md §2.7), at most
 * {@link TransportSettings#maxChannelsPerNode()} at a time.
 *
 * <p>Three clocks guard a command: the node's {@code timeout} (the limit), the node's {@code --kill-after}
 * (TERM ignored), and the client's own wait, which gives up {@value #CLIENT_SLACK_SECONDS}s after both, for a
 * node that no longer answers at all.
 */
final class SshSession implements Session {

    private static final Logger LOG = LoggerFactory.getLogger(SshSession.class);
    private static final long CLIENT_SLACK_SECONDS = 10;
    private static final Duration CHANNEL_OPEN_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration SUDO_CHECK_TIMEOUT = Duration.ofSeconds(30);

    private final NodeTarget target;
    private final String user;
    private final SudoMode sudoMode;
    private final ClientSession session;
    private final TransportSettings settings;
    private final Semaphore channels;
    private volatile SudoPlan sudoPlan;

    /** How commands marked sudo run on this node, settled by the first one (see {@link #sudoPlan}). */
    private record SudoPlan(RemoteScripts.SudoPrefix prefix, String password) {
    }

    SshSession(NodeTarget target, String user, SudoMode sudoMode, ClientSession session, TransportSettings settings) {
        this.target = target;
        this.user = user;
        this.sudoMode = sudoMode;
        this.session = session;
        this.settings = settings;
        this.channels = new Semaphore(settings.maxChannelsPerNode(), true);
    }

    NodeTarget target() {
        return target;
    }

    @Override
    public String node() {
        return target.node();
    }

    @Override
    public boolean isOpen() {
        return session.isOpen() && !session.isClosing();
    }

    @Override
    public ExecResult exec(RemoteCommand cmd) throws TransportException {
        if (cmd.sudo() && sudoPlan == null && sudoMode == SudoMode.PASSWORDLESS) {
            ExecResult first = firstPasswordless(cmd);
            if (first != null) {
                return first;
            }
        }
        SudoPlan plan = cmd.sudo() ? sudoPlan(cmd.step()) : null;
        RemoteScripts.SudoPrefix prefix = plan == null ? RemoteScripts.SudoPrefix.NONE : plan.prefix();
        String line = RemoteScripts.wrap(cmd.script(), cmd.timeout(), settings.killGrace(), prefix);
        byte[] stdin = cmd.stdin();
        if (plan != null && plan.password() != null) {
            stdin = concat((plan.password() + "\n").getBytes(StandardCharsets.UTF_8), stdin);
        }
        Duration wait = cmd.timeout().plus(settings.killGrace()).plusSeconds(CLIENT_SLACK_SECONDS);
        return run(cmd.step(), line, stdin, cmd.timeout(), wait);
    }

    /** One exec channel: open, feed stdin then EOF, collect both streams, wait for the close. */
    private ExecResult run(String step, String line, byte[] stdin, Duration limit, Duration wait)
            throws TransportException {
        if (!isOpen()) {
            throw lost(step, "the connection was already closed", null);
        }
        acquire(step);
        long start = System.nanoTime();
        try (ChannelExec ch = session.createExecChannel(line)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            ch.setUsePty(false);
            ch.setIn(new ByteArrayInputStream(stdin));
            ch.setOut(out);
            ch.setErr(err);
            try {
                ch.open().verify(CHANNEL_OPEN_TIMEOUT);
            } catch (IOException | RuntimeException e) {
                if (!isOpen()) {
                    throw lost(step, "the connection closed before the command started", e);
                }
                throw new TransportException(Kind.CONNECTION_LOST, node(), step,
                        "the node refused to start a command: " + Failures.describe(e),
                        "too many commands at once? OpenSSH's MaxSessions (default 10) limits them per connection",
                        e);
            }
            Set<ClientChannelEvent> events = ch.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), wait);
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            if (events.contains(ClientChannelEvent.TIMEOUT)) {
                ch.close(true);
                throw new TransportException(Kind.TIMED_OUT, node(), step,
                        "no answer from the node " + seconds(wait) + " after the command started (time limit "
                                + seconds(limit) + ")",
                        "the node stopped responding; its own time limit ends the command there. Check the board "
                                + "(power, load, network) and run the step again");
            }
            Integer status = ch.getExitStatus();
            if (status == null) {
                String signal = ch.getExitSignal();
                if (signal != null) {
                    status = 128 + signalNumber(signal);
                } else {
                    throw lost(step, "the connection was lost mid-command after " + seconds(elapsed), null);
                }
            }
            ExecResult result = new ExecResult(status, out.toString(StandardCharsets.UTF_8),
                    err.toString(StandardCharsets.UTF_8));
            if (RemoteScripts.stoppedByLimit(status, elapsed, limit)) {
                String tail = result.stderrTail(3);
                throw new TransportException(Kind.TIMED_OUT, node(), step,
                        "did not finish within " + seconds(limit) + "; stopped on the node"
                                + (tail.isEmpty() ? "" : ": " + tail),
                        "raise the time limit for this step, or find out what the node was waiting for "
                                + "(network, apt lock, a service that does not start)");
            }
            LOG.debug("{}: {}: exit {} in {} ms", node(), step, status, elapsed.toMillis());
            return result;
        } catch (IOException e) {
            if (!isOpen()) {
                throw lost(step, "the connection was lost: " + Failures.describe(e), e);
            }
            throw new TransportException(Kind.CONNECTION_LOST, node(), step,
                    "command channel failed: " + Failures.describe(e), "run the step again", e);
        } catch (IllegalStateException e) {
            // MINA refuses a channel on a session that is closing ("Channel id=N not registered because session is
            // being closed"): the board is going down (a reboot it just scheduled) or the link dropped.
            throw lost(step, "the connection was closing: " + Failures.describe(e), e);
        } finally {
            channels.release();
        }
    }

    private TransportException lost(String step, String detail, Throwable cause) {
        return new TransportException(Kind.CONNECTION_LOST, node(), step, detail,
                "the board may have rebooted, lost power or network, or sshd was restarted; pictl reconnects "
                        + "on the next run, and the step's effect on the node is unknown until it is probed again",
                cause);
    }

    private void acquire(String step) throws TransportException {
        try {
            channels.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransportException(Kind.CONNECTION_LOST, node(), step, "interrupted while waiting to run",
                    "pictl was interrupted");
        }
    }

    /**
     * The first passwordless sudo command of a session checks sudo in the same round trip: the script's first
     * statement, already running as root, writes a marker line to stderr. Marker there: sudo works, the plan is
     * settled and the marker removed. No marker: sudo (or something before the script) refused, so null is
     * returned and the explicit check ({@link #sudoPlan}) says why before the command runs again. This keeps a
     * probe at one round trip per node (DESIGN §6).
     */
    private ExecResult firstPasswordless(RemoteCommand cmd) throws TransportException {
        String marked = "printf '%s\\n' '" + SUDO_MARK + "' >&2\n" + cmd.script();
        String line = RemoteScripts.wrap(marked, cmd.timeout(), settings.killGrace(),
                RemoteScripts.SudoPrefix.PASSWORDLESS);
        Duration wait = cmd.timeout().plus(settings.killGrace()).plusSeconds(CLIENT_SLACK_SECONDS);
        ExecResult r = run(cmd.step(), line, cmd.stdin(), cmd.timeout(), wait);
        String err = r.stderr();
        if (!err.startsWith(SUDO_MARK + "\n")) {
            return null;
        }
        synchronized (this) {
            if (sudoPlan == null) {
                sudoPlan = new SudoPlan(RemoteScripts.SudoPrefix.PASSWORDLESS, null);
            }
        }
        return new ExecResult(r.exitCode(), r.stdout(), err.substring(SUDO_MARK.length() + 1));
    }

    /** Written by the first sudo'd script to prove sudo ran it (see {@link #firstPasswordless}). */
    static final String SUDO_MARK = "@@pictl-sudo-ok@@";

    /**
     * Settles once per session how sudo runs, with one round trip ({@code sudo -n true}) and, if that needs a
     * password, a second that checks the password ({@code sudo -k -S -p '' true}). Checking up front means a
     * command's own exit code is never confused with sudo refusing, and a wrong password is reported once,
     * clearly, as AUTH_REFUSED.
     */
    private SudoPlan sudoPlan(String step) throws TransportException {
        SudoPlan plan = sudoPlan;
        if (plan != null) {
            return plan;
        }
        synchronized (this) {
            if (sudoPlan != null) {
                return sudoPlan;
            }
            sudoPlan = decideSudo(step);
            return sudoPlan;
        }
    }

    private SudoPlan decideSudo(String step) throws TransportException {
        if (sudoMode == SudoMode.NONE) {
            return new SudoPlan(RemoteScripts.SudoPrefix.NONE, null);
        }
        ExecResult passwordless = run(step, "sudo -n true", new byte[0], SUDO_CHECK_TIMEOUT, SUDO_CHECK_TIMEOUT);
        if (passwordless.ok()) {
            return new SudoPlan(RemoteScripts.SudoPrefix.PASSWORDLESS, null);
        }
        if (passwordless.exitCode() == 127 || passwordless.stderr().contains("not found")) {
            throw new TransportException(Kind.AUTH_REFUSED, node(), step, "sudo is not installed on the node",
                    "install sudo on the node, or log in as root (user = \"root\")");
        }
        if (sudoMode == SudoMode.PASSWORDLESS) {
            throw new TransportException(Kind.AUTH_REFUSED, node(), step,
                    "sudo -n was refused for " + user + ": " + passwordless.stderrTail(2),
                    "give " + user + " a NOPASSWD rule in /etc/sudoers.d on the node, or use sudo with a password "
                            + "(sudo = \"password\", password from " + dev.pictl.transport.Secrets.SUDO_PASSWORD_ENV
                            + " or the prompt)");
        }
        String password = settings.secrets().sudoPassword(node(), user).orElse(null);
        if (password == null) {
            throw new TransportException(Kind.AUTH_REFUSED, node(), step,
                    "sudo needs a password for " + user + " and none was given",
                    "set " + dev.pictl.transport.Secrets.SUDO_PASSWORD_ENV + " or run pictl at a terminal to be asked");
        }
        ExecResult check = run(step, "sudo -k -S -p '' true",
                (password + "\n").getBytes(StandardCharsets.UTF_8), SUDO_CHECK_TIMEOUT, SUDO_CHECK_TIMEOUT);
        if (!check.ok()) {
            throw new TransportException(Kind.AUTH_REFUSED, node(), step,
                    "sudo refused the password for " + user + ": " + check.stderrTail(2),
                    "check the sudo password (" + dev.pictl.transport.Secrets.SUDO_PASSWORD_ENV
                            + ") and that " + user + " may use sudo on the node");
        }
        return new SudoPlan(RemoteScripts.SudoPrefix.PASSWORD_ON_STDIN, password);
    }

    @Override
    public void upload(byte[] content, String remotePath, int mode, boolean asRoot) throws TransportException {
        String step = "upload " + remotePath;
        if (!remotePath.startsWith("/")) {
            throw new IllegalArgumentException("remote path must be absolute: " + remotePath);
        }
        boolean viaSudo = asRoot && sudoMode != SudoMode.NONE;
        if (viaSudo) {
            sudoPlan(step); // fail on sudo before sending anything
        }
        String tmp = "/tmp/.pictl-upload-" + UUID.randomUUID();
        String dest = viaSudo ? tmp : remotePath;
        acquire(step);
        try (SftpClient sftp = SftpClientFactory.instance().createSftpClient(session)) {
            if (!viaSudo) {
                mkdirs(sftp, parent(remotePath));
            }
            write(sftp, dest, content, viaSudo ? 0600 : mode, viaSudo);
        } catch (SftpException e) {
            throw new TransportException(Kind.COMMAND_FAILED, node(), step,
                    "SFTP refused: " + e.getMessage(),
                    asRoot ? "check that the path is valid on the node"
                            : "the login user may not write there; upload it as root");
        } catch (IOException e) {
            if (!isOpen()) {
                throw lost(step, "the connection was lost during the upload", e);
            }
            throw new TransportException(Kind.CONNECTION_LOST, node(), step, "SFTP failed: " + Failures.describe(e),
                    "is the SFTP subsystem enabled in the node's sshd_config (Subsystem sftp)?", e);
        } catch (IllegalStateException e) {
            throw lost(step, "the connection was closing: " + Failures.describe(e), e); // as in run()
        } finally {
            channels.release();
        }
        if (viaSudo) {
            // SFTP paths are rooted at the node's /, but paths handed to a tool follow the node-side convention
            // "${PICTL_ROOT:-}/path" (docs/simulator.md): empty on a real Pi, the node's root in the simulator.
            String script = "install -D -m " + Integer.toOctalString(mode) + " " + Shell.nodePath(tmp) + " "
                    + Shell.nodePath(remotePath) + "; rc=$?; rm -f " + Shell.nodePath(tmp) + "; exit $rc";
            ExecResult r = exec(new RemoteCommand(step, script, Duration.ofMinutes(2), true, null));
            if (!r.ok()) {
                throw TransportException.commandFailed(node(), step, r);
            }
        }
        LOG.debug("{}: uploaded {} bytes to {} mode {}", node(), content.length, remotePath,
                Integer.toOctalString(mode));
    }

    /**
     * Create (or truncate) with owner-only permissions before any byte is written, so a secret is never readable
     * by others even for a moment; the final mode comes after the content.
     */
    private static void write(SftpClient sftp, String path, byte[] content, int mode, boolean exclusive)
            throws IOException {
        EnumSet<SftpClient.OpenMode> create = EnumSet.of(SftpClient.OpenMode.Write, SftpClient.OpenMode.Create,
                SftpClient.OpenMode.Truncate);
        if (exclusive) {
            create.add(SftpClient.OpenMode.Exclusive);
        }
        try (SftpClient.CloseableHandle h = sftp.open(path, create)) {
            sftp.setStat(h, new SftpClient.Attributes().perms(0600));
        }
        try (OutputStream os = sftp.write(path, SftpClient.OpenMode.Write, SftpClient.OpenMode.Truncate)) {
            os.write(content);
        }
        sftp.setStat(path, new SftpClient.Attributes().perms(mode));
    }

    private static void mkdirs(SftpClient sftp, String dir) throws IOException {
        if (dir.isEmpty() || dir.equals("/")) {
            return;
        }
        try {
            sftp.stat(dir);
            return;
        } catch (SftpException e) {
            // missing: create its parent first
        }
        mkdirs(sftp, parent(dir));
        sftp.mkdir(dir);
    }

    private static String parent(String path) {
        int i = path.lastIndexOf('/');
        return i <= 0 ? "/" : path.substring(0, i);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private static String seconds(Duration d) {
        return RemoteScripts.seconds(d);
    }

    private static final Map<String, Integer> SIGNALS = Map.of("HUP", 1, "INT", 2, "QUIT", 3, "ABRT", 6, "KILL", 9,
            "SEGV", 11, "PIPE", 13, "ALRM", 14, "TERM", 15);

    /** As a shell reports a death by signal: 128 + its number (unknown names count as TERM). */
    static int signalNumber(String name) {
        String n = name.startsWith("SIG") ? name.substring(3) : name;
        return SIGNALS.getOrDefault(n, 15);
    }

    @Override
    public void close() {
        session.close(true);
    }
}
