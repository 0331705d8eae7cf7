package dev.pictl.types.host;

import dev.pictl.nodetext.KeyValues;
import dev.pictl.nodetext.Shell;
import dev.pictl.plan.kind.Kind;
import dev.pictl.addr.ResourceAddress;
import dev.pictl.apply.ApplyContext;
import dev.pictl.apply.ApplyException;
import dev.pictl.apply.Kubectl;
import dev.pictl.state.PendingReboot;
import dev.pictl.transport.ExecResult;
import dev.pictl.transport.TransportException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Taking one node through a reboot safely (kernel_params and boot_config use it):
 *
 * <pre>
 *   drain ──▶ reboot (scheduled; the command returns) ──▶ wait for boot (new boot_id) ──▶ [caller verifies]
 *                                                          ──▶ wait for Ready ──▶ uncordon
 * </pre>
 *
 * A bare {@code reboot} would kill the SSH channel before it carries an exit status, so the reboot is a
 * systemd timer two seconds out (or a detached {@code sleep 2; reboot} where systemd-run is missing), and pictl
 * reads the exit status first. The new boot is recognised by its boot_id, never by "SSH answers again": right
 * after scheduling, the old boot still answers.
 */
public final class Reboot {
    private static final Logger LOG = LoggerFactory.getLogger(Reboot.class);

    public static final String DRAIN = "drain";
    static final String REBOOT = "reboot";
    static final String WAIT_BOOT = "wait for boot";
    static final String WAIT_READY = "wait for Ready";
    static final String UNCORDON = "uncordon";

    /** The Node annotation pictl sets when it cordons a node (its value: when), and removes when it uncordons. */
    static final String CORDON_MARK = dev.pictl.types.host.NodeKind.CORDON_MARK;

    /** Seconds between scheduling the reboot and the reboot: time for the exit status to travel back. */
    static final int DELAY_SECONDS = 2;

    /**
     * First the marker: {@code /run/pictl/reboot} holds the boot_id of the boot the reboot ends. /run is a tmpfs, so
     * it exists exactly until that reboot; the probe reads it, and a later run that finds it knows the board is about
     * to go down (the timer fires {@value #DELAY_SECONDS} s later) and waits instead of starting a change.
     */
    private static final String SCHEDULE = """
            R="${PICTL_ROOT:-}"
            mkdir -p "$R/run/pictl" && cp "$R/proc/sys/kernel/random/boot_id" "$R/run/pictl/reboot" || exit 1
            if command -v systemd-run >/dev/null 2>&1 && systemd-run --on-active=%1$d --quiet systemctl reboot
            then echo scheduled=systemd-run
            else
              nohup sh -c 'sleep %1$d; reboot' >/dev/null 2>&1 </dev/null &
              echo scheduled=nohup
            fi
            """.formatted(DELAY_SECONDS);

    static final String READ_BOOT_ID = "cat \"${PICTL_ROOT:-}/proc/sys/kernel/random/boot_id\"";

    /** Failures that waiting longer cannot cure. */
    private static final Set<TransportException.Kind> FATAL = EnumSet.of(TransportException.Kind.HOST_KEY_CHANGED,
            TransportException.Kind.HOST_KEY_UNKNOWN, TransportException.Kind.AUTH_REFUSED);

    private static final Duration POLL_LIMIT = Duration.ofSeconds(15);
    /** How long after scheduling a reboot a refused login is taken for the shutdown's /run/nologin. */
    private static final Duration NOLOGIN_WINDOW = Duration.ofSeconds(120);
    private static final long FIRST_BACKOFF_MS = 500;
    private static final long MAX_BACKOFF_MS = 5000;

    private Reboot() {
    }

    /**
     * Cordons and drains {@code node} through the server's kubectl. Returns whether pictl cordoned it (and so
     * must uncordon it afterwards): false when the Node is not registered (nothing to drain) or was cordoned
     * already by someone else (it stays cordoned).
     */
    public static boolean drain(ApplyContext ctx, ResourceAddress address, String node) throws ApplyException {
        ctx.step(address, DRAIN);
        ExecResult cordoned = Kubectl.run(ctx, DRAIN, "get node " + Shell.quote(node)
                + " -o jsonpath='{.spec.unschedulable}'");
        if (cordoned.exitCode() != 0 && (cordoned.stderr().contains("NotFound")
                || cordoned.stderr().contains("not found"))) {
            LOG.debug("{}: not registered in the cluster; nothing to drain", node);
            return false;
        }
        if (cordoned.exitCode() != 0) {
            throw Sh.failed(Kubectl.serverNode(ctx, DRAIN), DRAIN, cordoned,
                    "the cluster must answer before pictl reboots one of its nodes: check k3s on the server "
                            + "(sudo systemctl status k3s)");
        }
        boolean already = cordoned.stdout().strip().equals("true");
        if (!already) {
            // Marked first: a cordon pictl leaves behind (a reboot that did not come back, a run cut off) is then
            // told apart from one a person made, and the next plan shows "uncordon pending".
            Kubectl.check(ctx, DRAIN, "annotate node " + Shell.quote(node) + " " + Shell.quote(CORDON_MARK + "="
                    + java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)) + " --overwrite");
        }
        ExecResult r = Kubectl.run(ctx, DRAIN, "drain " + Shell.quote(node)
                + " --ignore-daemonsets --delete-emptydir-data --timeout=5m");
        if (r.exitCode() != 0) {
            throw new ApplyException(node, DRAIN, "kubectl drain exited " + r.exitCode() + ": " + r.outputTail(5),
                    "a PodDisruptionBudget or a pod without a controller can block a drain: see `k3s kubectl get "
                            + "pods -A -o wide --field-selector spec.nodeName=" + node + "`; the node is cordoned "
                            + "(`k3s kubectl uncordon " + node + "` to undo)");
        }
        LOG.debug("{}: drained{}", node, already ? " (it was cordoned before; it stays cordoned)" : "");
        return !already;
    }

    /** Reads the node's current boot_id. */
    public static String bootId(ApplyContext ctx, String node, String step) throws ApplyException {
        ExecResult r = ctx.run(node, step, READ_BOOT_ID, false, POLL_LIMIT);
        if (r.exitCode() != 0 || r.stdout().isBlank()) {
            throw Sh.failed(node, step, r, "pictl tells a new boot by /proc/sys/kernel/random/boot_id; check "
                    + "that the node has it");
        }
        return r.stdout().strip();
    }

    /**
     * Schedules the reboot, then waits until the node answers with a boot_id other than {@code oldBootId}.
     *
     * @param afterHint what the timeout message adds about the node's state (e.g. where the backup is)
     */
    public static void rebootAndWait(ApplyContext ctx, ResourceAddress address, String node, String oldBootId,
                              String afterHint) throws ApplyException {
        ctx.step(address, REBOOT);
        if (!PendingReboot.isBootId(oldBootId)) {
            throw new ApplyException(node, REBOOT, "the node's boot_id is not a UUID (" + (oldBootId == null ? "none"
                    : "\"" + oldBootId + "\"") + "); pictl tells the new boot by it and will not reboot without it",
                    "check /proc/sys/kernel/random/boot_id on the node");
        }
        ctx.rebootScheduled(address, node, oldBootId);
        ExecResult s = Sh.check(ctx, node, REBOOT, SCHEDULE, "run `sudo systemd-run --on-active=2 systemctl "
                + "reboot` on the node to see why the reboot cannot be scheduled");
        LOG.debug("{}: reboot {} in {} s (old boot_id {})", node, KeyValues.parse(s.stdout()).get("scheduled"),
                DELAY_SECONDS, oldBootId);
        long scheduled = System.nanoTime();
        ctx.reconnect(node);
        ctx.step(address, WAIT_BOOT);
        Duration timeout = ctx.options().rebootTimeout();
        long deadline = System.nanoTime() + timeout.toNanos();
        long backoff = FIRST_BACKOFF_MS;
        String last = "it still answered with the old boot_id";
        while (true) {
            if (ctx.cancelled()) {
                throw new ApplyException(node, WAIT_BOOT, "interrupted while the node reboots", "run pictl apply "
                        + "again: it waits for the board to come back, then verifies and finishes");
            }
            try {
                ExecResult r = ctx.run(node, WAIT_BOOT, READ_BOOT_ID, false, POLL_LIMIT);
                String id = r.stdout().strip();
                if (r.exitCode() == 0 && !id.isEmpty() && !id.equals(oldBootId)) {
                    LOG.debug("{}: up again, boot_id {}", node, id);
                    return;
                }
                last = r.exitCode() == 0 ? "it still answered with the old boot_id" : "reading the boot_id exited "
                        + r.exitCode();
            } catch (ApplyException e) {
                // While systemd shuts down, pam_nologin refuses logins (/run/nologin): an auth refusal then is
                // the shutdown, not the key. Later it is the key, and waiting does not help.
                boolean shuttingDown = e.getCause() instanceof TransportException te
                        && te.kind() == TransportException.Kind.AUTH_REFUSED
                        && System.nanoTime() - scheduled < NOLOGIN_WINDOW.toNanos();
                if (e.getCause() instanceof TransportException te && FATAL.contains(te.kind()) && !shuttingDown) {
                    throw e;
                }
                last = e.getMessage().replaceFirst("^" + java.util.regex.Pattern.quote(node + ": " + WAIT_BOOT
                        + ": "), "");
                ctx.reconnect(node);
            }
            if (System.nanoTime() >= deadline) {
                throw new ApplyException(node, WAIT_BOOT, "the node did not come back with a new boot_id within "
                        + human(timeout) + " of the reboot (last: " + last + ")",
                        "check the board (power, network, SD card) and power-cycle it if needed; " + afterHint
                                + " A slow board needs a longer reboot timeout.");
            }
            sleep(node, WAIT_BOOT, Math.min(backoff, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
            backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
        }
    }

    /** Waits for the node to be Ready in the cluster, then uncordons it. */
    public static void awaitReadyAndUncordon(ApplyContext ctx, ResourceAddress address, String node) throws ApplyException {
        ctx.step(address, WAIT_READY);
        Duration timeout = ctx.options().k3sStartTimeout();
        boolean ready;
        try {
            ready = Kubectl.awaitReady(ctx, WAIT_READY, node, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw interrupted(node, WAIT_READY);
        }
        if (!ready) {
            throw new ApplyException(node, WAIT_READY, "the node was not Ready in the cluster within "
                    + human(timeout) + " of its reboot; it stays cordoned",
                    "see `sudo journalctl -u k3s-agent -n 50` (k3s on the server) on the node; when it is Ready, "
                            + "`k3s kubectl uncordon " + node + "`");
        }
        uncordon(ctx, address, node);
    }

    /** Uncordons a node pictl cordoned, and drops pictl's mark. */
    public static void uncordon(ApplyContext ctx, ResourceAddress address, String node) throws ApplyException {
        ctx.step(address, UNCORDON);
        Kubectl.check(ctx, UNCORDON, "uncordon " + Shell.quote(node));
        Kubectl.check(ctx, UNCORDON, "annotate node " + Shell.quote(node) + " " + Shell.quote(CORDON_MARK + "-"));
    }

    private static void sleep(String node, String step, long millis) throws ApplyException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw interrupted(node, step);
        }
    }

    static ApplyException interrupted(String node, String step) {
        return new ApplyException(node, step, "interrupted", "run pictl apply again: it picks up where this "
                + "one stopped");
    }

    static String human(Duration d) {
        long s = d.toSeconds();
        if (s < 120) {
            return s + "s";
        }
        return (s / 60) + "m" + (s % 60 == 0 ? "" : (s % 60) + "s");
    }
}
