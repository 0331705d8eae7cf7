package dev.pictl.types.backup;

import dev.pictl.nodetext.Shell;

/**
 * The files of the SQLite snapshot schedule on a server (docs/backup.md): the script the service runs, the oneshot
 * service and the timer. The script takes the same consistent copy as {@code pictl backup} (k3s stopped for it; pods
 * keep running) with the token, {@code cred/} and {@code tls/}, into {@value BackupProbe#NODE_DIR} (0700) as
 * {@code sqlite-NODE-UNIXTIME.tar.gz} (0600), and keeps the newest {@code PICTL_BACKUP_RETENTION}.
 */
final class NodeFiles {
    private NodeFiles() {
    }

    static String script(String node) {
        return """
                #!/bin/sh
                # pictl-backup (written by pictl): a consistent copy of k3s's SQLite datastore with what a restore needs.
                set -u
                K="${PICTL_ROOT:-}/var/lib/rancher/k3s"
                D="${PICTL_ROOT:-}%1$s"
                keep=${PICTL_BACKUP_RETENTION:-5}
                if [ ! -f "$K/server/token" ]; then echo "pictl-backup: no k3s server data in $K" >&2; exit 1; fi
                mkdir -p "$D" && chmod 700 "$D" || exit 1
                name=sqlite-%2$s-$(date +%%s)
                set -- server/token
                for d in server/cred server/tls; do if [ -e "$K/$d" ]; then set -- "$@" "$d"; fi; done
                was=$(systemctl is-active k3s 2>/dev/null)
                if [ "$was" = active ]; then systemctl stop k3s || exit 1; fi
                (umask 077; tar -C "$K" -czf "$D/$name.tar.gz.tmp" --exclude=server/db/snapshots server/db "$@"); rc=$?
                if [ "$was" = active ]; then systemctl start k3s; fi
                if [ $rc -ne 0 ]; then rm -f "$D/$name.tar.gz.tmp"; exit 1; fi
                mv "$D/$name.tar.gz.tmp" "$D/$name.tar.gz" || exit 1
                total=0
                for f in "$D"/sqlite-*.tar.gz; do if [ -e "$f" ]; then total=$((total + 1)); fi; done
                drop=$((total - keep))
                for f in "$D"/sqlite-*.tar.gz; do if [ $drop -le 0 ]; then break; fi; rm -f "$f"; drop=$((drop - 1)); done
                echo "pictl-backup: $D/$name.tar.gz"
                """.formatted(BackupProbe.NODE_DIR, Shell.quote(node));
    }

    static String service(long retention) {
        return """
                [Unit]
                Description=pictl: snapshot of the k3s datastore (SQLite)
                After=k3s.service

                [Service]
                Type=oneshot
                Environment=PICTL_BACKUP_RETENTION=%d
                ExecStart=%s
                """.formatted(retention, BackupProbe.SCRIPT);
    }

    static String timer(Cron cron) {
        return """
                # schedule: %s
                [Unit]
                Description=pictl: k3s datastore snapshots on schedule

                [Timer]
                OnCalendar=%s
                Persistent=true

                [Install]
                WantedBy=timers.target
                """.formatted(cron.text(), cron.onCalendar());
    }
}
