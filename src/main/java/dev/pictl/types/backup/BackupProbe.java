package dev.pictl.types.backup;

import dev.pictl.nodetext.SimpleYaml;
import dev.pictl.probe.NodeProbe;
import dev.pictl.probe.ProbeFragment;
import dev.pictl.probe.ProbeParser;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The backup type's fragment of the probe (section {@code k3s-backup}): the datastore kind, the etcd drop-in pictl
 * writes, the SQLite timer's schedule and retention and whether it is enabled, and the newest snapshot's time, read
 * from the snapshots' names (k3s's {@code …-NODE-UNIXTIME}, pictl's {@code sqlite-NODE-UNIXTIME.tar.gz}) with shell
 * built-ins only: no process is started for it.
 */
final class BackupProbe {
    private BackupProbe() {
    }

    static final String DROPIN = "/etc/rancher/k3s/config.yaml.d/50-pictl-backup.yaml";
    static final String TIMER = "/etc/systemd/system/pictl-backup.timer";
    static final String SERVICE = "/etc/systemd/system/pictl-backup.service";
    static final String SCRIPT = "/usr/local/sbin/pictl-backup";
    static final String NODE_DIR = "/var/lib/pictl-backup";
    static final String ETCD_DIR = "/var/lib/rancher/k3s/server/db/snapshots";

    /**
     * What the node has.
     *
     * @param datastore     {@code etcd}, {@code sqlite}, or null without k3s server data
     * @param dropin        the etcd drop-in's keys, or null when absent
     * @param timerSchedule the cron the SQLite timer was written for, or null when there is no timer
     * @param timerEnabled  whether the timer is enabled
     * @param retention     the SQLite service's retention, or null
     * @param newest        the newest snapshot's time, or null when there is none
     */
    record Seen(String datastore, Map<String, Object> dropin, String timerSchedule, boolean timerEnabled,
                Integer retention, Instant newest) {
    }

    /** The ask that makes a server's probe read its snapshot schedule (only the nodes a k3s_backup lists). */
    static final String ASK = "k3s-backup";

    static final ProbeFragment<Seen> FRAGMENT = NodeProbe.fragment("k3s-backup", List.of("k3s-backup"), request -> !request.asked(ASK) ? "" : """
            sec k3s-backup
            if [ -d "$R/var/lib/rancher/k3s/server/db/etcd" ]; then echo datastore=etcd; elif [ -d "$R/var/lib/rancher/k3s/server/db" ]; then echo datastore=sqlite; fi
            f="$R%1$s"; if [ -f "$f" ]; then while IFS= read -r l || [ -n "$l" ]; do printf 'dropin %%s\\n' "$l"; done < "$f"; fi
            f="$R%2$s"; if [ -f "$f" ]; then while IFS= read -r l; do case $l in '# schedule: '*) printf 'timer=%%s\\n' "${l#\\# schedule: }" ;; esac; done < "$f"; fi
            for w in timers.target.wants multi-user.target.wants; do f="$R/etc/systemd/system/$w/pictl-backup.timer"; if [ -L "$f" ] || [ -e "$f" ]; then echo timer-enabled=yes; fi; done
            f="$R%3$s"; if [ -f "$f" ]; then while IFS= read -r l; do case $l in 'Environment=PICTL_BACKUP_RETENTION='*) printf 'retention=%%s\\n' "${l#*=*=}" ;; esac; done < "$f"; fi
            n=0; for f in "$R%4$s"/* "$R%5$s"/sqlite-*.tar.gz; do b=${f##*/}; b=${b%%.tar.gz}; b=${b%%.zip}; t=${b##*-}; case $t in ''|*[!0-9]*) continue ;; esac; if [ "$t" -gt "$n" ]; then n=$t; fi; done
            echo newest=$n
            """.formatted(DROPIN, TIMER, SERVICE, ETCD_DIR, NODE_DIR), (request, out) -> request.asked(ASK) ? parse(out.get("k3s-backup")) : null);

    static Seen parse(String section) {
        String datastore = null;
        StringBuilder dropin = null;
        String timer = null;
        boolean enabled = false;
        Integer retention = null;
        Instant newest = null;
        for (String line : ProbeParser.lines(section)) {
            if (line.startsWith("dropin ")) {
                dropin = dropin == null ? new StringBuilder() : dropin;
                dropin.append(line.substring(7)).append('\n');
            } else if (line.startsWith("datastore=") && datastore == null) {
                datastore = line.substring(10);
            } else if (line.startsWith("timer=") && timer == null) {
                timer = line.substring(6).trim();
            } else if (line.equals("timer-enabled=yes")) {
                enabled = true;
            } else if (line.startsWith("retention=") && retention == null) {
                try {
                    retention = Integer.parseInt(line.substring(10).trim());
                } catch (NumberFormatException e) {
                    retention = -1;
                }
            } else if (line.startsWith("newest=") && newest == null) {
                try {
                    long t = Long.parseLong(line.substring(7).trim());
                    newest = t > 0 ? Instant.ofEpochSecond(t) : null;
                } catch (NumberFormatException e) {
                    newest = null;
                }
            }
        }
        Map<String, Object> keys = null;
        if (dropin != null) {
            try {
                keys = SimpleYaml.read(dropin.toString());
            } catch (RuntimeException e) {
                keys = Map.of();
            }
        }
        return new Seen(datastore, keys, timer, enabled, retention, newest);
    }
}
