package dev.pictl.types.backup;

import dev.pictl.probe.Health;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The freshness rule of scheduled snapshots (issue 14, point 7), apart so that a table test reads it. */
public final class BackupRules {
    private BackupRules() {
    }

    public static final String STALE = "backup_stale";
    public static final String MISSING = "backup_missing";
    public static final String NOT_DECLARED = "backup_not_declared";

    /**
     * A finding when the newest snapshot is older than twice the schedule's longest gap, or when the server has none
     * (when the schedule was applied is not known here, so none at all is a finding).
     *
     * @param newest the newest snapshot's time (from its name), or null when the server has none
     */
    static List<Health.Finding> freshness(String node, Cron cron, Instant newest, Instant now) {
        Duration limit = BackupType.staleAfter(cron);
        if (newest == null) {
            return List.of(new Health.Finding(node, MISSING, "no scheduled snapshot of the datastore on this server "
                    + "(schedule \"" + cron.text() + "\"); see 'systemctl status pictl-backup.timer' (SQLite) or "
                    + "'k3s etcd-snapshot ls' (etcd)", true));
        }
        Duration age = Duration.between(newest, now);
        if (age.compareTo(limit) <= 0) {
            return List.of();
        }
        return List.of(new Health.Finding(node, STALE, "the newest snapshot of the datastore is " + words(age)
                + " old, more than twice the schedule \"" + cron.text() + "\" (every " + Cron.gapWords(cron.longestGap())
                + " at most): scheduled snapshots stopped; see 'systemctl status pictl-backup.timer' (SQLite) or "
                + "'journalctl -u k3s | grep -i snapshot' (etcd)", false));
    }

    static String words(Duration d) {
        long m = d.toMinutes();
        if (m < 120) {
            return m + " min";
        }
        long h = d.toHours();
        return h < 48 ? h + " hours" : h / 24 + " days";
    }
}
