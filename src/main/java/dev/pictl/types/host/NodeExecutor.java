package dev.pictl.types.host;

import dev.pictl.apply.ApplyContext;
import dev.pictl.apply.ApplyException;
import dev.pictl.apply.Executor;
import dev.pictl.apply.Recorded;
import dev.pictl.nodetext.Shell;
import dev.pictl.plan.ResourceChange;
import dev.pictl.types.host.NodeKind;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code node}: sets the board's hostname to the node's name, in the three places that hold it — the static
 * name ({@code /etc/hostname}), the running kernel's name, and the {@code 127.0.1.1} line of {@code /etc/hosts}
 * (which {@code hostnamectl} never touches; {@code sudo} and other tools resolve the host name through it).
 *
 * <p>One command, idempotent: each place is written only when it differs.
 *
 * <pre>
 *   place              how                                                      when it differs
 *   kernel + static    hostnamectl set-hostname NAME (else: hostname NAME)       either differs
 *   /etc/hostname      NAME, temp file + mv (where hostnamectl is absent)          still differs
 *   /etc/hosts         first 127.0.1.1 line: its first name becomes NAME; the old   first name differs
 *                      first name, the old hostnames (static, kernel) and NAME      or no such line
 *                      go from the rest of that line; every other word (FQDNs,
 *                      comments) and every other line stay;
 *                      no such line: "127.0.1.1\t\tNAME" appended. Temp file with
 *                      the old file's mode (cp -p) + mv.
 * </pre>
 *
 * The probe reads the first name of the first {@code 127.0.1.1} line; this executor edits that same line.
 *
 * <p>Delete forgets the node: nothing on the board changes (its hostname stays what pictl set).
 */
public final class NodeExecutor implements Executor {
    private static final Logger LOG = LoggerFactory.getLogger(NodeExecutor.class);
    static final String STEP = "set hostname";

    private static final String SCRIPT = """
            R="${PICTL_ROOT:-}"
            n=%s
            oldh=$(cat "$R/etc/hostname" 2>/dev/null); oldk=$(hostname)
            if [ "$(hostname)" != "$n" ] || [ "$(cat "$R/etc/hostname" 2>/dev/null)" != "$n" ]; then
              if command -v hostnamectl >/dev/null 2>&1 && hostnamectl set-hostname "$n" 2>/dev/null; then :
              else hostname "$n" || exit 1
              fi
            fi
            if [ "$(cat "$R/etc/hostname" 2>/dev/null)" != "$n" ]; then
              printf '%%s\\n' "$n" >"$R/etc/hostname.pictl-tmp" && mv -f "$R/etc/hostname.pictl-tmp" "$R/etc/hostname" \\
                || { rm -f "$R/etc/hostname.pictl-tmp"; echo "could not write /etc/hostname" >&2; exit 1; }
            fi
            k=$(hostname)
            [ "$k" = "$n" ] || { echo "the running kernel's hostname is still $k" >&2; exit 1; }
            h="$R/etc/hosts"; t="$R/etc/hosts.pictl-tmp"
            if [ -f "$h" ]; then cp -p "$h" "$t" || exit 1; src="$h"; else src=/dev/null; fi
            awk -v n="$n" -v oldh="$oldh" -v oldk="$oldk" '
              !done && $1 == "127.0.1.1" {
                done = 1
                match($0, /127\\.0\\.1\\.1[ \\t]*/)
                prefix = substr($0, 1, RSTART + RLENGTH - 1)
                if (prefix !~ /[ \\t]$/) prefix = prefix "\\t\\t"
                line = prefix n
                rest = substr($0, RSTART + RLENGTH)
                k = split(rest, w, /[ \\t]+/)
                old = w[1]; comment = 0
                if (old == n) { print; next }
                for (i = 2; i <= k; i++) {
                  if (w[i] == "") continue
                  if (substr(w[i], 1, 1) == "#") comment = 1
                  if (!comment && (w[i] == old || w[i] == oldh || w[i] == oldk || w[i] == n)) continue
                  line = line " " w[i]
                }
                print line
                next
              }
              { print }
              END { if (!done) printf "127.0.1.1\\t\\t%%s\\n", n }
            ' "$src" >"$t" || { rm -f "$t"; exit 1; }
            if cmp -s "$t" "$h"; then rm -f "$t"; echo hosts=unchanged
            else mv -f "$t" "$h" || { rm -f "$t"; exit 1; }; echo hosts=written
            fi
            """;

    @Override
    public String type() {
        return NodeType.NAME;
    }

    @Override
    public Recorded apply(ResourceChange change, ApplyContext ctx) throws ApplyException {
        String node = change.node() != null ? change.node() : change.address().name();
        HostValues.Node planned = HostValues.Node.of(change.after());
        String name = planned.hostname() != null ? planned.hostname() : change.address().name();
        ctx.step(change.address(), STEP);
        Sh.check(ctx, node, STEP, SCRIPT.formatted(Shell.quote(name)),
                "run `sudo hostnamectl set-hostname " + name + "` on the node to see what fails, and check that "
                        + "/etc and /etc/hosts are writable");
        LOG.debug("{}: hostname is {} (kernel, /etc/hostname, /etc/hosts)", node, name);
        Map<String, Object> recorded = new LinkedHashMap<>(change.after());
        recorded.remove(NodeKind.CORDONED_BY_PICTL);
        if (planned.cordonedByPictl() != null) {
            // A cordon an unfinished apply left behind: undone through the server (the plan said "uncordon pending").
            Reboot.uncordon(ctx, change.address(), node);
        }
        return Recorded.of(recorded);
    }

    /** Forgets the node: the board keeps the hostname pictl gave it. */
    @Override
    public void delete(ResourceChange change, ApplyContext ctx) {
        LOG.debug("{}: forgotten; its hostname stays", change.address());
    }
}
