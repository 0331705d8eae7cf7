package dev.pictl.types.backup;

import dev.pictl.apply.ApplyContext;
import dev.pictl.apply.ApplyException;
import dev.pictl.apply.Executor;
import dev.pictl.apply.Recorded;
import dev.pictl.nodetext.Shell;
import dev.pictl.transport.ExecResult;
import dev.pictl.nodetext.SimpleYaml;
import dev.pictl.plan.ResourceChange;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Makes a server's scheduled snapshots match the plan (docs/backup.md): for embedded etcd, the drop-in
 * {@value BackupProbe#DROPIN} with k3s's own keys, then a restart of k3s (it reads its settings at start); for SQLite,
 * the script {@value BackupProbe#SCRIPT}, its oneshot service and its timer, enabled. Each removes the other's files,
 * so a server that moves from one datastore to the other keeps one schedule. Idempotent; every value is quoted by
 * {@link Shell} or written by {@link SimpleYaml}.
 */
final class BackupExecutor implements Executor {
    @Override
    public String type() {
        return BackupType.NAME;
    }

    @Override
    public Recorded apply(ResourceChange change, ApplyContext ctx) throws ApplyException {
        Map<String, Object> after = change.after();
        String schedule = String.valueOf(after.get("schedule"));
        long retention = ((Number) after.get("retention")).longValue();
        String node = change.node();
        Cron cron;
        try {
            cron = Cron.parse(schedule);
        } catch (Cron.Invalid e) {
            throw new ApplyException(node, "check schedule", e.getMessage(), null);
        }
        if ("etcd".equals(after.get("datastore"))) {
            Map<String, Object> keys = new LinkedHashMap<>();
            keys.put(BackupKind.ETCD_CRON, schedule);
            keys.put(BackupKind.ETCD_RETENTION, retention);
            ctx.step(change.address(), "write " + BackupProbe.DROPIN);
            ctx.check(node, "write snapshot settings", removeTimer() + write(BackupProbe.DROPIN, SimpleYaml.write(keys), "600"));
            ctx.step(change.address(), "restart k3s");
            dev.pictl.types.k3s.K3sServerExecutor.restart(ctx, node, "restart k3s");
        } else {
            ctx.step(change.address(), "write " + BackupProbe.TIMER);
            ctx.check(node, "write snapshot timer", removeDropin()
                    + write(BackupProbe.SCRIPT, NodeFiles.script(node), "700")
                    + write(BackupProbe.SERVICE, NodeFiles.service(retention), "644")
                    + write(BackupProbe.TIMER, NodeFiles.timer(cron), "644")
                    + "systemctl daemon-reload\nsystemctl enable --now pictl-backup.timer\n");
        }
        return Executor.described(change);
    }

    @Override
    public void delete(ResourceChange change, ApplyContext ctx) throws ApplyException {
        String node = change.node();
        ctx.step(change.address(), "remove scheduled snapshots");
        ExecResult removed = ctx.check(node, "remove snapshot schedule", "restart=\nif [ -f "
                + Shell.nodePath(BackupProbe.DROPIN) + " ]; then restart=yes; fi\n" + removeDropin() + removeTimer()
                + "echo \"restart=$restart\"\n");
        if (removed.stdout().contains("restart=yes")) {
            ctx.step(change.address(), "restart k3s");
            dev.pictl.types.k3s.K3sServerExecutor.restart(ctx, node, "restart k3s");
        }
    }

    /** Writes {@code content} to {@code path} with {@code mode}, through a temporary file (atomic on the node). */
    static String write(String path, String content, String mode) {
        String p = Shell.nodePath(path);
        return "mkdir -p \"$(dirname " + p + ")\" || exit 1\n"
                + "printf '%s' " + Shell.quote(content) + " > " + p + ".pictl-tmp && chmod " + mode + " " + p
                + ".pictl-tmp && mv " + p + ".pictl-tmp " + p + " || exit 1\n";
    }

    static String removeDropin() {
        return "rm -f " + Shell.nodePath(BackupProbe.DROPIN) + "\n";
    }

    static String removeTimer() {
        return "if [ -f " + Shell.nodePath(BackupProbe.TIMER) + " ]; then systemctl disable --now pictl-backup.timer "
                + ">/dev/null 2>&1; rm -f " + Shell.nodePath(BackupProbe.TIMER) + " " + Shell.nodePath(BackupProbe.SERVICE)
                + " " + Shell.nodePath(BackupProbe.SCRIPT) + "; systemctl daemon-reload; fi\n";
    }
}
