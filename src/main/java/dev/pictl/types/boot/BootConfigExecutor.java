package dev.pictl.types.boot;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code boot_config}: pictl's blocks in config.txt, and the reboot that makes the firmware read them.
 *
 * <pre>
 *   edit config.txt    one command: find the file as the probe does (never the Bookworm stub); copy every line
 *                      outside pictl's blocks as it is, put the new blocks where the first old one was (else at the
 *                      end); refuse a BEGIN without END; only if the result differs: copy the file to
 *                      config.txt.pictl-bak (config.txt.pictl-orig keeps the one before pictl's first edit), write
 *                      config.txt.pictl-tmp beside it, sync, mv, sync, and mark /run/pictl/boot-config (gone at the
 *                      next boot). It also reports the boot_id and whether k3s runs there.
 *   ── not edited and no edit waiting for a reboot? ──▶ verify now, no reboot
 *   drain              when the plan says so (or k3s runs on the node now) and a k3s_server is described
 *   reboot             as kernel_params: scheduled, then wait for a new boot_id
 *   verify             vcgencmd get_config int and str report every value pictl's lines set for the board's model
 *   wait for Ready, uncordon   when pictl drained it (also when verify found a line not applied: the board runs)
 *   ── a line not applied? ──▶ fail, naming the node, each line and what vcgencmd reported (no second reboot)
 * </pre>
 *
 * Every value reaches the node as one quoted word ({@link Shell#quote}): the blocks' text, checked line by line by
 * {@link BootSections#lineProblem} at validation and again here.
 */
public final class BootConfigExecutor implements Executor {
    private static final Logger LOG = LoggerFactory.getLogger(BootConfigExecutor.class);

    static final String EDIT = "edit config.txt";
    static final String VERIFY = "verify";
    static final String BACKUP_SUFFIX = ".pictl-bak";
    private static final int REFUSED = 3;

    static final String EDIT_SCRIPT = """
            R="${PICTL_ROOT:-}"
            BLOCK=@BLOCK@
            if [ -f "$R/boot/firmware/config.txt" ]; then b=/boot/firmware/config.txt
            elif [ -f "$R/boot/config.txt" ] && ! grep -q 'has moved to /boot/firmware' "$R/boot/config.txt"
            then b=/boot/config.txt
            else b=
            fi
            if [ -z "$b" ]; then
              echo "no usable config.txt: neither /boot/firmware/config.txt nor a real /boot/config.txt (pictl never edits Bookworm's 'has moved' stub)" >&2
              exit 3
            fi
            f="$R$b" t="$R$b.pictl-tmp"
            refuse() { rm -f "$t"; echo "$b: $1" >&2; exit 3; }
            inb= placed= found=
            {
              while IFS= read -r line || [ -n "$line" ]; do
                case $line in
                  '# BEGIN pictl'*)
                    [ -z "$inb" ] || refuse "a second '# BEGIN pictl' before '# END pictl'; pictl will not guess which lines are its own: fix the markers by hand"
                    inb=1 found=1
                    if [ -z "$placed" ]; then [ -n "$BLOCK" ] && printf '%s\\n' "$BLOCK"; placed=1; fi
                    continue ;;
                  '# END pictl'*)
                    [ -n "$inb" ] || refuse "'# END pictl' without '# BEGIN pictl'; fix the markers by hand"
                    inb=
                    continue ;;
                esac
                [ -n "$inb" ] || printf '%s\\n' "$line"
              done <"$f"
              [ -z "$inb" ] || refuse "'# BEGIN pictl' has no '# END pictl'; pictl will not guess where its lines end: fix the file by hand"
              if [ -z "$placed" ] && [ -n "$BLOCK" ]; then printf '%s\\n' "$BLOCK"; fi
            } >"$t" || { rc=$?; rm -f "$t"; exit $rc; }
            if { [ -z "$found" ] && [ -z "$BLOCK" ]; } || cmp -s "$f" "$t"; then
              rm -f "$t"
              echo edited=no
            else
              cp "$f" "$f.pictl-bak" || { rm -f "$t"; exit 1; }
              [ -e "$f.pictl-orig" ] || cp "$f" "$f.pictl-orig" || { rm -f "$t"; exit 1; }
              if ! { sync && mv -f "$t" "$f" && sync; }; then
                rm -f "$t"; echo "could not write $b" >&2; exit 1
              fi
              mkdir -p "$R/run/pictl" && : >"$R/run/pictl/boot-config"
              echo edited=yes
            fi
            echo "path=$b"
            [ -e "$R/run/pictl/boot-config" ] && echo pending=yes || echo pending=no
            echo "boot_id=$(cat "$R/proc/sys/kernel/random/boot_id")"
            if systemctl is-active --quiet k3s 2>/dev/null || systemctl is-active --quiet k3s-agent 2>/dev/null
            then echo k3s=active
            else echo k3s=inactive
            fi
            """;

    static final String VC_MARK = "@@pictl-vcgencmd";

    static final String VERIFY_SCRIPT = """
            R="${PICTL_ROOT:-}"
            printf 'model=%s\\n' "$(tr -d '\\000' <"$R/sys/firmware/devicetree/base/model" 2>/dev/null)"
            echo @@pictl-vcgencmd
            vcgencmd get_config int && vcgencmd get_config str
            """;

    @Override
    public String type() {
        return BootConfigType.NAME;
    }

    @Override
    public Recorded apply(ResourceChange change, ApplyContext ctx) throws ApplyException {
        BootValues planned = BootValues.of(change.after());
        String file = converge(change, ctx, planned);
        Map<String, Object> recorded = new LinkedHashMap<>(change.after());
        recorded.put("config_file", file);
        return Recorded.of(recorded);
    }

    /** Edits config.txt only: another change reboots the node first (see {@link Executor#prepareForReboot}). */
    @Override
    public boolean prepareForReboot(ResourceChange change, ApplyContext ctx) throws ApplyException {
        BootValues values = change.after() == null ? new BootValues(Map.of(), true, null) : BootValues.of(change.after());
        ExecResult r = ctx.run(node(change), EDIT, editScript(node(change), values), true);
        return r.exitCode() == 0 && "yes".equals(KeyValues.parse(r.stdout()).get("edited"));
    }

    /** As {@link #apply} records it: the description plus the file the probe found the lines in. */
    @Override
    public Recorded adopted(ResourceChange change) {
        Map<String, Object> recorded = new LinkedHashMap<>(change.after());
        String file = BootValues.of(change.before()).configFile();
        if (file != null) {
            recorded.put("config_file", file);
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
                        + "): its config.txt stays as it is");
                return;
            }
        }
        converge(change, ctx, new BootValues(Map.of(), true, null));
    }

    /** The edit script with the blocks for {@code values} in it, each line checked again. */
    static String editScript(String node, BootValues values) throws ApplyException {
        for (Map.Entry<String, List<String>> e : values.sections().entrySet()) {
            String sp = BootSections.sectionProblem(e.getKey());
            if (sp != null) {
                throw new ApplyException(node, EDIT, sp, "fix the section name in the description");
            }
            for (String line : e.getValue()) {
                String lp = BootSections.lineProblem(line);
                if (lp != null) {
                    throw new ApplyException(node, EDIT, "config.txt line \"" + line.replaceAll("\\p{Cntrl}", "?")
                            + "\" [" + e.getKey() + "]: " + lp, "fix the line in the description");
                }
            }
        }
        return EDIT_SCRIPT.replace("@BLOCK@", Shell.quote(BootSections.render(values.written())));
    }

    /** Edits the file, reboots if the firmware has not read it yet, verifies; returns the file's path. */
    private String converge(ResourceChange change, ApplyContext ctx, BootValues values) throws ApplyException {
        String node = node(change);
        ResourceAddress address = change.address();
        String script = editScript(node, values);
        if (change.drain() && ctx.serverNode().isEmpty()) {
            throw new ApplyException(node, Reboot.DRAIN, "the plan drains this node before its reboot but the "
                    + "description has no k3s_server to drain it through", "declare the k3s_server, or drain the "
                    + "node by hand and apply with it removed from the cluster");
        }
        ctx.step(address, EDIT);
        ExecResult r = ctx.run(node, EDIT, script, true);
        if (r.exitCode() != 0) {
            String tail = r.outputTail(5);
            throw new ApplyException(node, EDIT, "command exited " + r.exitCode() + (tail.isEmpty() ? "" : ": " + tail),
                    r.exitCode() == REFUSED ? "fix config.txt by hand, then apply again"
                            : "run the edit by hand on the node to see its full output; the file is unchanged or "
                            + "was replaced whole (never half-written)");
        }
        Map<String, String> out = KeyValues.parse(r.stdout());
        String file = out.get("path");
        boolean edited = "yes".equals(out.get("edited"));
        LOG.debug("{}: {} {}", node, file, edited ? "edited" : "already right");
        if (!edited && !"yes".equals(out.get("pending"))) {
            if (values.hasLines()) {
                verify(ctx, address, node, file, values);
            }
            return file;
        }
        boolean uncordon = false;
        if ((change.drain() || "active".equals(out.get("k3s"))) && ctx.serverNode().isPresent()) {
            uncordon = Reboot.drain(ctx, address, node);
        }
        Reboot.rebootAndWait(ctx, address, node, out.get("boot_id"), "its " + file + " is already edited (the "
                + "previous version is " + file + BACKUP_SUFFIX + "); once it is up, `pictl plan` shows whether the "
                + "reboot is still pending." + (uncordon ? " It is cordoned: `k3s kubectl uncordon " + node + "`." : ""));
        // The board runs either way: it rejoins the cluster before a line the firmware skipped fails the change.
        ApplyException unapplied = null;
        if (values.hasLines()) {
            try {
                verify(ctx, address, node, file, values);
            } catch (ApplyException e) {
                unapplied = e;
            }
        }
        if (uncordon) {
            Reboot.awaitReadyAndUncordon(ctx, address, node);
        }
        if (unapplied != null) {
            throw unapplied;
        }
        return file;
    }

    /** The firmware must report every value pictl's lines set for this board's model. */
    static void verify(ApplyContext ctx, ResourceAddress address, String node, String file, BootValues values)
            throws ApplyException {
        ctx.step(address, VERIFY);
        ExecResult r = ctx.run(node, VERIFY, VERIFY_SCRIPT, false);
        String problem = verdict(node, file, values, r);
        if (problem == null) {
            LOG.debug("{}: verified through vcgencmd get_config", node);
            return;
        }
        throw new ApplyException(node, VERIFY, problem, "check the line's spelling and the board's model (a setting "
                + "the firmware does not know is ignored), and that no later line of " + file + " sets it again; "
                + "pictl will not reboot for it again.");
    }

    /** What is wrong after the reboot, from the verify script's output; null when every line is in effect. */
    static String verdict(String node, String file, BootValues values, ExecResult r) {
        String stdout = r.stdout();
        int mark = stdout.indexOf(VC_MARK + "\n");
        String head = mark < 0 ? stdout : stdout.substring(0, mark);
        String vc = mark < 0 ? "" : stdout.substring(mark + VC_MARK.length() + 1);
        String model = KeyValues.parse(head).get("model");
        Map<String, BootSections.Expected> expected = BootSections.expected(values.sections(), model);
        if (expected.isEmpty()) {
            return null;
        }
        Map<String, String> reported = BootSections.reported(vc);
        if (r.exitCode() != 0 || reported.isEmpty()) {
            String tail = r.outputTail(3);
            return "after the reboot vcgencmd get_config could not be read (exit " + r.exitCode()
                    + (tail.isEmpty() ? "" : ": " + tail) + "), so pictl cannot check that the firmware applied "
                    + file;
        }
        List<String> off = BootSections.unapplied(expected, reported);
        return off.isEmpty() ? null : "after the reboot the firmware does not apply " + String.join("; ", off);
    }

    private static String node(ResourceChange change) {
        return change.node() != null ? change.node() : change.address().key();
    }
}
