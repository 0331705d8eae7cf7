package dev.pictl.types.os;

import dev.pictl.addr.ResourceAddress;
import dev.pictl.apply.ApplyContext;
import dev.pictl.apply.ApplyException;
import dev.pictl.apply.Executor;
import dev.pictl.apply.Recorded;
import dev.pictl.nodetext.KeyValues;
import dev.pictl.nodetext.Shell;
import dev.pictl.plan.ResourceChange;
import dev.pictl.transport.ExecResult;
import dev.pictl.types.host.Reboot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Applies an {@code os_updates} change on its node (all as root, the upgrade in one script):
 *
 * <pre>
 *   holds only (no --upgrade-os)   apt-mark hold / unhold
 *   --upgrade-os                   drain (in the cluster) ──▶ one script: apt-get update (retried while apt-daily
 *                                  holds a lock) · apt-mark hold/unhold · apt-get -o DPkg::Lock::Timeout=300
 *                                  --force-confdef --force-confold -y full-upgrade (or install --only-upgrade of the
 *                                  security ones) ──▶ reboot if a kernel or firmware package was unpacked or
 *                                  /run/reboot-required is there (and reboot = "if-required") ──▶ Ready ──▶ uncordon
 * </pre>
 *
 * A failed upgrade leaves the node cordoned and fails with dpkg's tail; the walker then stops the roll, and the next
 * plan shows what is still pending there (apt configures a half-configured package on the next run).
 */
final class OsUpdatesExecutor implements Executor {
    static final String HOLD = "hold packages";
    static final String UPGRADE = "upgrade packages";
    /** How long apt waits for the dpkg lock (apt-daily, unattended-upgrades) before it gives up. */
    static final Duration LOCK_TIMEOUT = Duration.ofSeconds(300);
    /** How long an upgrade may take on a slow SD card. */
    static final Duration UPGRADE_LIMIT = Duration.ofMinutes(60);

    @Override
    public String type() {
        return OsUpdatesType.NAME;
    }

    @Override
    public boolean takesNodeOutOfService(ResourceChange change) {
        return OsUpdatesKind.upgrades(change.changes());
    }

    @Override
    public Recorded adopted(ResourceChange change) {
        return recorded(change);
    }

    private static Recorded recorded(ResourceChange change) {
        return new Recorded(OsPolicy.of(change.after()).policy().canonical(), Map.of());
    }

    @Override
    public Recorded apply(ResourceChange change, ApplyContext ctx) throws ApplyException {
        OsPolicy after = OsPolicy.of(change.after());
        OsPolicy before = OsPolicy.of(change.before());
        List<String> hold = after.hold().stream().filter(p -> !before.hold().contains(p)).toList();
        List<String> unhold = before.hold().stream().filter(p -> !after.hold().contains(p)).toList();
        String node = change.node();
        ResourceAddress address = change.address();
        if (!takesNodeOutOfService(change)) {
            if (!hold.isEmpty() || !unhold.isEmpty()) {
                ctx.step(address, HOLD);
                ExecResult r = ctx.run(node, HOLD, holds(hold, unhold, false), true);
                if (r.exitCode() != 0) {
                    throw new ApplyException(node, HOLD, "apt-mark exited " + r.exitCode() + ": " + r.outputTail(5),
                            "run `sudo apt-mark showhold` on " + node + "; a dpkg lock held by apt-daily clears "
                                    + "within minutes: apply again");
                }
            }
            return recorded(change);
        }
        boolean drained = ctx.serverNode().isPresent() && Reboot.drain(ctx, address, node);
        ctx.step(address, UPGRADE);
        ExecResult r = ctx.run(node, UPGRADE, script(after, hold, unhold), true,
                UPGRADE_LIMIT.plus(LOCK_TIMEOUT).plus(LOCK_TIMEOUT));
        Map<String, String> kv = KeyValues.parse(r.stdout());
        if (r.exitCode() != 0 || !"1".equals(kv.get("pictl_done"))) {
            throw failed(node, r, kv, drained);
        }
        List<String> unpacked = Apt.unpacked(r.stdout());
        List<String> kernel = unpacked.stream().filter(Apt::rebootPackage).toList();
        boolean needed = change.reboot() || !kernel.isEmpty() || "1".equals(kv.get("pictl_reboot_required"));
        if (needed && after.reboots()) {
            Reboot.rebootAndWait(ctx, address, node, kv.get("pictl_boot_id"), "its packages are upgraded ("
                    + (kernel.isEmpty() ? "/run/reboot-required" : String.join(", ", kernel)) + ")."
                    + (drained ? " It is cordoned: `k3s kubectl uncordon " + node + "` once it is up." : ""));
        }
        if (drained) {
            Reboot.awaitReadyAndUncordon(ctx, address, node);
        }
        return recorded(change);
    }

    /** Releases the holds pictl set (the packages stay as they are). */
    @Override
    public void delete(ResourceChange change, ApplyContext ctx) throws ApplyException {
        List<String> held = OsPolicy.of(change.before()).hold();
        if (!held.isEmpty()) {
            ctx.step(change.address(), HOLD);
            ExecResult r = ctx.run(change.node(), HOLD, holds(List.of(), held, false), true);
            if (r.exitCode() != 0) {
                throw new ApplyException(change.node(), HOLD, "apt-mark exited " + r.exitCode() + ": "
                        + r.outputTail(5), "run `sudo apt-mark showhold` on " + change.node());
            }
        }
    }

    /** apt-mark hold/unhold of package names (checked names, each quoted). */
    static String holds(List<String> hold, List<String> unhold, boolean markers) {
        StringBuilder b = new StringBuilder();
        if (!hold.isEmpty()) {
            b.append("apt-mark hold").append(words(hold)).append(markers ? " || { echo pictl_failed=hold; exit 1; }\n"
                    : " || exit 1\n");
        }
        if (!unhold.isEmpty()) {
            b.append("apt-mark unhold").append(words(unhold)).append(markers ? " || { echo pictl_failed=hold; exit 1; }\n"
                    : " || exit 1\n");
        }
        return b.toString();
    }

    private static String words(List<String> names) {
        StringBuilder b = new StringBuilder();
        for (String n : names) {
            if (!Apt.packageName(n)) {
                throw new IllegalArgumentException("not a package name: " + n);
            }
            b.append(' ').append(Shell.quote(n));
        }
        return b.toString();
    }

    /**
     * The upgrade script. It ignores SIGHUP and SIGPIPE, so that a pictl that dies (or a dropped connection) does not
     * stop dpkg half-way; every line of apt's is passed through, pictl's own as {@code pictl_*=} lines.
     */
    static String script(OsPolicy policy, List<String> hold, List<String> unhold) {
        long lock = LOCK_TIMEOUT.toSeconds();
        String opts = "-o DPkg::Lock::Timeout=" + lock
                + " -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold";
        StringBuilder b = new StringBuilder()
                .append("trap '' HUP PIPE\n")
                .append("export DEBIAN_FRONTEND=noninteractive LC_ALL=C\n")
                .append("R=\"${PICTL_ROOT:-}\"\n")
                .append("echo \"pictl_boot_id=$(cat \"$R/proc/sys/kernel/random/boot_id\")\"\n")
                // apt-get update's lists lock is not covered by DPkg::Lock::Timeout (day2-facts §4.5): retried here.
                .append("end=$(( $(date +%s) + ").append(lock).append(" ))\n")
                .append("while :; do\n")
                .append("  out=$(apt-get -o DPkg::Lock::Timeout=").append(lock).append(" update 2>&1) && break\n")
                .append("  case $out in *'Could not get lock'*|*'Unable to acquire'*|*'Unable to lock'*) ;;\n")
                .append("    *) printf '%s\\n' \"$out\"; echo pictl_failed=update; exit 1 ;; esac\n")
                .append("  if [ \"$(date +%s)\" -ge \"$end\" ]; then printf '%s\\n' \"$out\"; echo pictl_failed=lock; "
                        + "exit 1; fi\n")
                .append("  sleep 2\n")
                .append("done\n")
                .append("printf '%s\\n' \"$out\"\n")
                .append(holds(hold, unhold, true));
        if (policy.securityOnly()) {
            b.append("p=$(apt-get -s -o Debug::NoLocking=1 full-upgrade 2>/dev/null | awk '/^Inst / && /-[Ss]ecurity/ "
                    + "{ print $2 }' | tr -cd 'a-z0-9+.:\\n-')\n")
                    .append("if [ -n \"$p\" ]; then\n")
                    .append("  apt-get ").append(opts).append(" -y install --only-upgrade $p 2>&1 || "
                            + "{ echo pictl_failed=upgrade; exit 1; }\n")
                    .append("else apt-get ").append(opts).append(" -y install 2>&1 || { echo pictl_failed=upgrade; "
                            + "exit 1; }\n")
                    .append("fi\n");
        } else {
            b.append("apt-get ").append(opts).append(" -y full-upgrade 2>&1 || { echo pictl_failed=upgrade; exit 1; }\n");
        }
        b.append("if [ -e \"$R/run/reboot-required\" ]; then echo pictl_reboot_required=1; fi\n")
                .append("echo pictl_done=1\n");
        return b.toString();
    }

    /** The failure, with apt's and dpkg's own last lines (pictl's markers left out). */
    static ApplyException failed(String node, ExecResult r, Map<String, String> kv, boolean drained) {
        String at = kv.getOrDefault("pictl_failed", "");
        List<String> lines = new ArrayList<>();
        for (String l : (r.stdout() + "\n" + r.stderr()).split("\n")) {
            if (!l.isBlank() && !l.startsWith("pictl_")) {
                lines.add(l.stripTrailing());
            }
        }
        String tail = String.join("\n", lines.subList(Math.max(0, lines.size() - 8), lines.size()));
        String what = switch (at) {
            case "update" -> "apt-get update failed";
            case "lock" -> "the dpkg lock was still held after " + LOCK_TIMEOUT.toSeconds() + "s";
            case "hold" -> "apt-mark failed";
            case "upgrade" -> "the upgrade failed";
            default -> "the upgrade script exited " + r.exitCode();
        };
        String cordon = drained ? " The node stays cordoned (`k3s kubectl uncordon " + node + "` to undo)." : "";
        String hint = switch (at) {
            case "update" -> "the node must reach its package archives; run `sudo apt-get update` on " + node + "." + cordon;
            case "lock" -> "another apt or dpkg run (apt-daily, unattended-upgrades) held the lock; let it finish "
                    + "(`systemctl status apt-daily.service apt-daily-upgrade.service`), then apply again." + cordon;
            default -> "fix the package on " + node + " (see `sudo dpkg --audit`), then run pictl apply --upgrade-os "
                    + "again: it resumes there; nodes not yet started were left untouched." + cordon;
        };
        return new ApplyException(node, UPGRADE, what + ":\n" + indent(tail), hint);
    }

    private static String indent(String text) {
        StringBuilder b = new StringBuilder();
        for (String l : text.split("\n")) {
            b.append(b.length() == 0 ? "" : "\n").append("  ").append(l);
        }
        return b.toString();
    }
}
