package dev.pictl.types.host;

import dev.pictl.addr.ResourceAddress;
import dev.pictl.apply.ApplyContext;
import dev.pictl.apply.ApplyException;
import dev.pictl.apply.Executor;
import dev.pictl.apply.Recorded;
import dev.pictl.nodetext.KeyValues;
import dev.pictl.nodetext.Shell;
import dev.pictl.plan.ResourceChange;
import dev.pictl.probe.Health;
import dev.pictl.transport.ExecResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code kernel_params}: the tokens pictl owns on the single line of cmdline.txt, and the reboot that makes
 * the running kernel use them.
 *
 * <pre>
 *   add     = after.add missing from the line (appended, in the description's order)
 *   remove  = after.remove ∪ (before.add − after.add)   (a token dropped from add was pictl's: it goes)
 *
 *   edit cmdline.txt   one command: find the file as the probe does (never the Bookworm stub), refuse a file
 *                      that is not exactly one non-empty line, and only if a token changes: copy it to
 *                      cmdline.txt.pictl-bak (the version before this edit; cmdline.txt.pictl-orig keeps the
 *                      one before pictl's first edit), write cmdline.txt.pictl-tmp beside it, sync, mv, sync.
 *                      It also reports the boot_id, /proc/cmdline and whether k3s runs there.
 *   ── the running kernel has every add token and no remove token (/proc/cmdline)? ──▶ done, no reboot
 *   drain              when the plan says so (or k3s runs on the node now) and a k3s_server is described
 *   reboot             scheduled so the command returns; then wait for a new boot_id (ApplyOptions.rebootTimeout)
 *   verify             /proc/cmdline has every add token and no remove token, and with cgroup_enable=memory
 *                      the memory controller is in /sys/fs/cgroup/cgroup.controllers; else fail, showing
 *                      /proc/cmdline (the firmware or kernel overrides the file; no second reboot)
 *   wait for Ready, uncordon   when pictl drained it
 * </pre>
 *
 * "Reboot pending" (the file right, the kernel not) is the same path with nothing to edit. One call reboots the
 * node at most once.
 *
 * <p>Delete: the tokens pictl added ({@code before.add}) are removed from the file and the node is rebooted
 * the same way when the running kernel still has one of them, so the board is as it would be without pictl.
 * Tokens of {@code remove} are not put back (pictl does not know they were ever there). A node no longer in the
 * description is cleaned the same way, reached at the address its state entry recorded; when it cannot be reached
 * at all (a dead board), its entry is only forgotten.
 */
public final class KernelParamsExecutor implements Executor {
    private static final Logger LOG = LoggerFactory.getLogger(KernelParamsExecutor.class);

    static final String EDIT = "edit cmdline.txt";
    static final String VERIFY = "verify";
    static final String BACKUP_SUFFIX = ".pictl-bak";
    static final String ORIGINAL_SUFFIX = ".pictl-orig";
    static final String MEMORY_FLAG = "cgroup_enable=memory";

    /** Exit status of the edit script for a file pictl refuses to edit (no usable file, not one line). */
    private static final int REFUSED = 3;

    private static final String EDIT_SCRIPT = """
            R="${PICTL_ROOT:-}"
            ADD=%s
            DEL=%s
            %s
            if [ -z "$c" ]; then
              echo "no usable cmdline.txt: neither /boot/firmware/cmdline.txt nor a real /boot/cmdline.txt (pictl never edits Bookworm's 'has moved' stub)" >&2
              exit 3
            fi
            f="$R$c"
            n=$(grep -c '[^[:space:]]' "$f")
            first=$(head -n 1 "$f")
            if [ "$n" -ne 1 ] || [ -z "$(printf '%%s' "$first" | tr -d '[:space:]')" ]; then
              echo "$c is not exactly one non-empty line ($n non-empty lines); the firmware reads only the first line, so pictl will not guess: join the parameters on one line" >&2
              exit 3
            fi
            set -f
            new= changed=
            for t in $first; do
              case " $DEL " in *" $t "*) changed=1; continue ;; esac
              new="${new:+$new }$t"
            done
            for t in $ADD; do
              case " $new " in *" $t "*) ;; *) new="${new:+$new }$t"; changed=1 ;; esac
            done
            set +f
            if [ -n "$changed" ]; then
              cp "$f" "$f.pictl-bak" || exit 1
              [ -e "$f.pictl-orig" ] || cp "$f" "$f.pictl-orig" || exit 1
              if ! { printf '%%s\\n' "$new" >"$f.pictl-tmp" && sync && mv -f "$f.pictl-tmp" "$f" && sync; }; then
                rm -f "$f.pictl-tmp"; echo "could not write $c" >&2; exit 1
              fi
              echo edited=yes
            else
              echo edited=no
            fi
            echo "path=$c"
            echo "line=$new"
            echo "boot_id=$(cat "$R/proc/sys/kernel/random/boot_id")"
            echo "proc=$(cat "$R/proc/cmdline")"
            if systemctl is-active --quiet k3s 2>/dev/null || systemctl is-active --quiet k3s-agent 2>/dev/null
            then echo k3s=active
            else echo k3s=inactive
            fi
            """;

    private static final String VERIFY_SCRIPT = """
            R="${PICTL_ROOT:-}"
            echo "proc=$(cat "$R/proc/cmdline")"
            echo "controllers=$(cat "$R/sys/fs/cgroup/cgroup.controllers" 2>/dev/null)"
            echo "kernel=$(uname -r)"
            """;

    @Override
    public String type() {
        return KernelParamsType.NAME;
    }

    @Override
    public Recorded apply(ResourceChange change, ApplyContext ctx) throws ApplyException {
        HostValues.KernelParams planned = HostValues.KernelParams.of(change.after());
        List<String> add = planned.addOrEmpty();
        String file = converge(change, ctx, add, removed(change, add));
        Map<String, Object> recorded = new LinkedHashMap<>(change.after());
        recorded.put("cmdline_file", file);
        return Recorded.of(recorded);
    }

    /** The tokens to take out: {@code remove}, and what {@code add} managed before and no longer has. */
    private static List<String> removed(ResourceChange change, List<String> add) {
        Set<String> remove = new LinkedHashSet<>(change.after() == null ? List.of()
                : HostValues.KernelParams.of(change.after()).removeOrEmpty());
        for (String t : HostValues.KernelParams.of(change.before()).addOrEmpty()) {
            if (!add.contains(t)) {
                remove.add(t); // managed before, dropped from add now
            }
        }
        remove.removeAll(add);
        return new ArrayList<>(remove);
    }

    /** Edits cmdline.txt only: another change reboots the node first (see {@link Executor#prepareForReboot}). */
    @Override
    public boolean prepareForReboot(ResourceChange change, ApplyContext ctx) throws ApplyException {
        String node = node(change);
        List<String> add = change.after() == null ? List.of() : HostValues.KernelParams.of(change.after()).addOrEmpty();
        List<String> remove = removed(change, add);
        checkTokens(node, add);
        checkTokens(node, remove);
        ExecResult r = ctx.run(node, EDIT, EDIT_SCRIPT.formatted(Shell.joined(add), Shell.joined(remove),
                Sh.DETECT_CMDLINE), true);
        return r.exitCode() == 0 && "yes".equals(KeyValues.parse(r.stdout()).get("edited"));
    }

    /** As {@link #apply} records it: the description plus the file the probe found the tokens in. */
    @Override
    public Recorded adopted(ResourceChange change) {
        Map<String, Object> recorded = new LinkedHashMap<>(change.after());
        String file = HostValues.KernelParams.of(change.before()).cmdlineFile();
        if (file != null) {
            recorded.put("cmdline_file", file);
        }
        return Recorded.of(recorded);
    }

    @Override
    public void delete(ResourceChange change, ApplyContext ctx) throws ApplyException {
        String node = node(change);
        if (ctx.nodeAddress(node) == null) {
            Optional<String> dead = ctx.unreachable(node);
            if (dead.isPresent()) {
                ctx.step(change.address(), node + " left the description and is unreachable (" + dead.get()
                        + "): its cmdline.txt stays as it is");
                return;
            }
        }
        converge(change, ctx, List.of(), HostValues.KernelParams.of(change.before()).addOrEmpty());
    }

    /** Edits the file, reboots if the kernel lacks the result, verifies; returns the file's path. */
    private String converge(ResourceChange change, ApplyContext ctx, List<String> add, List<String> remove)
            throws ApplyException {
        String node = node(change);
        ResourceAddress address = change.address();
        checkTokens(node, add);
        checkTokens(node, remove);
        if (change.drain() && ctx.serverNode().isEmpty()) {
            throw new ApplyException(node, Reboot.DRAIN, "the plan drains this node before its reboot but the "
                    + "description has no k3s_server to drain it through", "declare the k3s_server, or drain the "
                    + "node by hand and apply with it removed from the cluster");
        }

        ctx.step(address, EDIT);
        ExecResult r = ctx.run(node, EDIT, EDIT_SCRIPT.formatted(Shell.joined(add), Shell.joined(remove),
                Sh.DETECT_CMDLINE), true);
        if (r.exitCode() != 0) {
            throw Sh.failed(node, EDIT, r, r.exitCode() == REFUSED
                    ? "fix the file by hand (the kernel line must be the file's only line), then apply again"
                    : "run the edit by hand on the node to see its full output; the file is unchanged or was "
                    + "replaced whole (never half-written)");
        }
        Map<String, String> out = KeyValues.parse(r.stdout());
        String file = out.get("path");
        String backup = file + BACKUP_SUFFIX;
        LOG.debug("{}: {} {} (add {}, remove {})", node, file, "yes".equals(out.get("edited")) ? "edited"
                : "already right", add, remove);

        List<String> running = Sh.tokens(out.get("proc"));
        if (add.stream().allMatch(t -> Health.booted(t, running)) && remove.stream().noneMatch(running::contains)) {
            LOG.debug("{}: the running kernel has the result already; no reboot", node);
            return file;
        }

        // Drained when the plan says so, or when k3s runs there now; through the described server only (a k3s
        // pictl does not know of is not pictl's to drain).
        boolean uncordon = false;
        if ((change.drain() || "active".equals(out.get("k3s"))) && ctx.serverNode().isPresent()) {
            uncordon = Reboot.drain(ctx, address, node);
        }
        Reboot.rebootAndWait(ctx, address, node, out.get("boot_id"), "its " + file + " is already edited (the "
                + "previous version is " + backup + "); once it is up, `pictl plan` shows whether the reboot is "
                + "still pending." + (uncordon ? " It is cordoned: `k3s kubectl uncordon " + node + "`." : ""));
        verify(ctx, address, node, add, remove, uncordon);
        if (uncordon) {
            Reboot.awaitReadyAndUncordon(ctx, address, node);
        }
        return file;
    }

    /** After the reboot: the running kernel must show what the file asks for. */
    private static void verify(ApplyContext ctx, ResourceAddress address, String node, List<String> add,
                               List<String> remove, boolean cordoned) throws ApplyException {
        ctx.step(address, VERIFY);
        ExecResult r = ctx.run(node, VERIFY, VERIFY_SCRIPT, false);
        if (r.exitCode() != 0) {
            throw Sh.failed(node, VERIFY, r, "read /proc/cmdline on the node by hand");
        }
        Map<String, String> out = KeyValues.parse(r.stdout());
        String proc = out.getOrDefault("proc", "").strip();
        List<String> running = Sh.tokens(proc);
        List<String> controllers = Sh.tokens(out.get("controllers"));
        List<String> problems = new ArrayList<>();
        List<String> missing = add.stream().filter(t -> !Health.booted(t, running)).toList();
        if (!missing.isEmpty()) {
            problems.add("not in /proc/cmdline: " + String.join(" ", missing));
        }
        List<String> still = remove.stream().filter(running::contains).toList();
        if (!still.isEmpty()) {
            problems.add("still in /proc/cmdline: " + String.join(" ", still));
        }
        if (add.contains(MEMORY_FLAG) && !controllers.contains("memory")) {
            problems.add(MEMORY_FLAG + " has no effect: no memory controller in /sys/fs/cgroup/cgroup.controllers ("
                    + (controllers.isEmpty() ? "empty" : String.join(" ", controllers)) + ")");
        }
        if (problems.isEmpty()) {
            LOG.debug("{}: verified: /proc/cmdline {}; controllers {}", node, proc, controllers);
            return;
        }
        throw new ApplyException(node, VERIFY, "after the reboot the running kernel (" + out.getOrDefault("kernel",
                "?") + ") does not do what cmdline.txt asks: " + String.join("; ", problems) + "; /proc/cmdline: "
                + proc,
                "the firmware or the kernel overrides cmdline.txt (a cgroup_disable=memory after it, or a kernel that "
                        + "ignores the flag); editing cmdline.txt again will not fix it and pictl will not reboot "
                        + "for it again: update the firmware and kernel (sudo apt full-upgrade) and check "
                        + "/proc/cmdline." + (cordoned ? " The node stays cordoned: `k3s kubectl uncordon " + node
                        + "` once it is fixed." : ""));
    }

    private static void checkTokens(String node, List<String> tokens) throws ApplyException {
        for (String t : tokens) {
            if (t.isEmpty() || !t.equals(t.strip()) || t.chars().anyMatch(ch -> Character.isWhitespace(ch)
                    || ch == 0)) {
                throw new ApplyException(node, EDIT, "kernel parameter \"" + t + "\" is empty or contains "
                        + "whitespace", "write each parameter as one token, e.g. \"cgroup_enable=memory\"");
            }
        }
    }

    private static String node(ResourceChange change) {
        return change.node() != null ? change.node() : change.address().key();
    }
}
