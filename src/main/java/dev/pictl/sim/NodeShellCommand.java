package dev.pictl.sim;

import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * One SSH exec request: {@code /bin/sh -c <command>} in the node's environment, stdin forwarded, stdout,
 * stderr and the exit status passed back as they are.
 *
 * <p>Like OpenSSH without a PTY, closing the channel does not kill the command: its pipes close, so it
 * sees EOF on stdin and EPIPE on output, and whatever ignores that keeps running (which is why pictl puts a
 * time limit on every command on the node side). Only a reboot, power-off or {@link SimNode#killProcesses}
 * kills the node's processes.
 */
final class NodeShellCommand implements Command {
    private final SimNode node;
    private final String command;
    private InputStream in;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback exit;
    private volatile Process process;

    NodeShellCommand(SimNode node, String command) {
        this.node = node;
        this.command = command;
    }

    @Override public void setInputStream(InputStream in) { this.in = in; }
    @Override public void setOutputStream(OutputStream out) { this.out = out; }
    @Override public void setErrorStream(OutputStream err) { this.err = err; }
    @Override public void setExitCallback(ExitCallback callback) { this.exit = callback; }

    @Override
    public void start(ChannelSession channel, Environment env) {
        node.countExec();
        node.cluster().pool().execute(() -> run(channel));
    }

    private void run(ChannelSession channel) {
        try {
            long latency = node.latencyMillis();
            if (latency > 0) Thread.sleep(latency);
            SimNode.CommandFailure failure = node.failureFor(command);
            if (failure != null) {
                err.write(failure.stderr().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                err.flush();
                exit.onExit(failure.exitCode());
                return;
            }
            Process p = node.processBuilder(command).start();
            process = p;
            if (node.dropFor(command)) {
                node.cluster().scheduler().schedule(() -> node.dropSession(channel.getSession()),
                        node.dropDelayMillis(), TimeUnit.MILLISECONDS);
            }
            node.cluster().pool().execute(() -> pumpStdin(p));
            Future<?> errPump = node.cluster().pool().submit(() -> pump(p.getErrorStream(), err, p));
            pump(p.getInputStream(), out, p);
            int code = p.waitFor();
            errPump.get();
            if (channel.isOpen()) exit.onExit(code);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            try {
                if (channel.isOpen()) {
                    err.write(("pictl-sim: " + e + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    err.flush();
                    exit.onExit(255, e.toString());
                }
            } catch (IOException ignored) {
                // the channel is gone
            }
        }
    }

    private void pumpStdin(Process p) {
        try (OutputStream to = p.getOutputStream()) {
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) >= 0) {
                to.write(buf, 0, n);
                to.flush();
            }
        } catch (IOException e) {
            // the process closed its stdin or the channel went away: either way stdin is done
        }
    }

    /** Copies process output to the channel; when the channel is gone, closes the pipe (the process gets EPIPE). */
    private static void pump(InputStream from, OutputStream to, Process p) {
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = from.read(buf)) >= 0) {
                try {
                    to.write(buf, 0, n);
                    to.flush();
                } catch (IOException gone) {
                    from.close();
                    return;
                }
            }
        } catch (IOException e) {
            // process killed
        }
    }

    @Override
    public void destroy(ChannelSession channel) {
        Process p = process;
        if (p != null) {
            try { p.getOutputStream().close(); } catch (IOException ignored) { /* already closed */ }
        }
    }
}
