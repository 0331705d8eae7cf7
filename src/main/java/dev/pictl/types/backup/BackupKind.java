package dev.pictl.types.backup;

import dev.pictl.plan.kind.Canon;
import dev.pictl.plan.kind.Kind;
import dev.pictl.plan.kind.Observed;
import dev.pictl.plan.kind.PlanContext;
import dev.pictl.probe.NodeObservation;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.resource.Value;
import dev.pictl.state.ResourceState;
import java.util.Map;
import java.util.Optional;

/**
 * The planner's view of a {@code k3s_backup} on one server: {@code datastore} (from the description: {@code etcd}
 * with {@code cluster-init}, else {@code sqlite}), {@code schedule} and {@code retention}, as the node has them: the
 * etcd drop-in's {@code etcd-snapshot-schedule-cron} and {@code etcd-snapshot-retention}, or the SQLite timer's
 * schedule (only while it is enabled) and its service's retention.
 */
final class BackupKind implements Kind {
    static final String ETCD_CRON = "etcd-snapshot-schedule-cron";
    static final String ETCD_RETENTION = "etcd-snapshot-retention";

    @Override
    public String type() {
        return BackupType.NAME;
    }

    @Override
    public Map<String, Object> desired(ResourceInstance instance, PlanContext ctx) {
        boolean etcd = BackupServers.of(ctx.config()).map(BackupServers::etcd).orElse(false);
        String schedule = instance.attributes().get("schedule") instanceof Value.Str s ? s.value().trim()
                : BackupType.DEFAULT_SCHEDULE;
        try {
            schedule = Cron.parse(schedule).text(); // one spelling: the node's files hold this one
        } catch (Cron.Invalid e) {
            // validation reported it
        }
        long retention = instance.attributes().get("retention") instanceof Value.Num n ? n.value().longValue() : 5;
        return values(etcd ? "etcd" : "sqlite", schedule, retention);
    }

    static Map<String, Object> values(String datastore, String schedule, Object retention) {
        return Canon.ordered("datastore", datastore, "schedule", schedule, "retention", retention);
    }

    @Override
    public Observed observe(ResourceInstance instance, ResourceState prior, String node, PlanContext ctx) {
        Optional<NodeObservation> o = ctx.observation(node);
        if (o.isEmpty()) {
            return new Observed.Unknown(ctx.unreachableReason(node));
        }
        BackupProbe.Seen seen = o.get().part(BackupProbe.FRAGMENT);
        if (seen == null) {
            return new Observed.Absent();
        }
        if (seen.dropin() != null && seen.dropin().get(ETCD_CRON) != null) {
            Object r = seen.dropin().get(ETCD_RETENTION);
            Object retention = r == null ? null : number(String.valueOf(r));
            return new Observed.Present(values("etcd", String.valueOf(seen.dropin().get(ETCD_CRON)).trim(), retention),
                    null);
        }
        if (seen.timerSchedule() != null && seen.timerEnabled()) {
            return new Observed.Present(values("sqlite", seen.timerSchedule(), seen.retention() == null ? null
                    : (Object) (long) seen.retention()), null);
        }
        return new Observed.Absent();
    }

    private static Object number(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return s;
        }
    }
}
