package dev.pictl.types.backup;

import dev.pictl.nodetext.Shell;

/**
 * The node-side scripts of {@code pictl backup} and {@code pictl restore} (docs/backup.md). Every script runs as
 * root, addresses files as {@code "${PICTL_ROOT:-}/..."} and gets every value through {@link Shell#quote}. What a
 * restore needs besides the datastore is saved with it, as one set (day2-facts §2.4): {@code server/db/} (SQLite)
 * or the etcd snapshot, {@code server/token}, {@code server/cred/} and {@code server/tls/}.
 *
 * <p>Exit codes the engine reads: {@link #NO_SERVER} (no k3s server data on the node), {@link #DAMAGED} (the uploaded
 * archive's sha256 differs), any other non-zero: the failing step's own output on stderr.
 */
public final class BackupScripts {
    private BackupScripts() {
    }

    /** No k3s server on the node ({@code server/token} does not exist). */
    public static final int NO_SERVER = 4;
    /** The uploaded archive does not have the sha256 it was sent with. */
    public static final int DAMAGED = 5;
    /** The marker after which {@link #take} prints the archive, base64-encoded. */
    public static final String DATA_MARKER = "pictl-backup-data";

    static final String K = "K=" + Shell.ROOT + "/var/lib/rancher/k3s\n";

    /** The data k3s needs besides the datastore, when present (cred/ and tls/ may not exist yet). */
    private static final String SET = """
            set -- server/token
            for d in server/cred server/tls; do if [ -e "$K/$d" ]; then set -- "$@" "$d"; fi; done
            """;

    /**
     * Takes a snapshot now and prints {@code name=, kind=, version=, time=, sha256=}, then {@link #DATA_MARKER} and
     * the archive in base64. Embedded etcd: {@code k3s etcd-snapshot save} against the local server (the flag keeps
     * pre-July-2024 versions from acting on config.yaml's {@code server:}, #10513); SQLite: k3s is stopped for the
     * copy (pods keep running: {@code KillMode=process}) and started again, which is the copy the k3s maintainers
     * give (#1318): {@code sqlite3} is not on Raspberry Pi OS Lite, and a {@code cp} of a live {@code state.db}
     * loses the WAL's writes (#218).
     *
     * @param node the node's name, in the SQLite snapshot's name as k3s puts it in its own
     */
    public static String take(String node) {
        return "set -u\n" + K + """
                if [ ! -f "$K/server/token" ]; then echo "pictl: no k3s server data here ($K/server/token does not exist)" >&2; exit %1$d; fi
                ts=$(date +%%s)
                ver=$(k3s --version 2>/dev/null | sed -n '1s/^k3s version \\([^ ]*\\).*/\\1/p')
                tmp=$(mktemp -d "${PICTL_ROOT:-}/tmp/pictl-backup.XXXXXX") || exit 1
                trap 'rm -rf "$tmp"' EXIT
                """.formatted(NO_SERVER) + SET + """
                if [ -d "$K/server/db/etcd" ]; then
                  kind=etcd
                  out=$(k3s etcd-snapshot save --etcd-server https://127.0.0.1:6443 2>&1) || { printf '%%s\\n' "$out" >&2; exit 6; }
                  name=$(printf '%%s\\n' "$out" | sed -n 's/.*Snapshot \\([^ ]*\\) saved\\..*/\\1/p' | tail -n 1)
                  if [ -z "$name" ]; then printf '%%s\\n' "$out" >&2; exit 6; fi
                  snap=$(find "$K/server/db/snapshots" -maxdepth 1 -name "$name*" 2>/dev/null | head -n 1)
                  if [ -z "$snap" ]; then echo "pictl: k3s saved $name but it is not in $K/server/db/snapshots" >&2; exit 6; fi
                  tar -C "$K" -czf "$tmp/b.tgz" "server/db/snapshots/${snap##*/}" "$@" || exit 7
                else
                  kind=sqlite
                  name=sqlite-%1$s-$ts
                  was=$(systemctl is-active k3s 2>/dev/null)
                  if [ "$was" = active ]; then systemctl stop k3s || exit 8; fi
                  tar -C "$K" -czf "$tmp/b.tgz" --exclude=server/db/snapshots server/db "$@"; rc=$?
                  if [ "$was" = active ]; then systemctl start k3s || { echo "pictl: k3s did not start again after the copy" >&2; exit 9; }; fi
                  if [ $rc -ne 0 ]; then exit 7; fi
                fi
                sum=$(sha256sum < "$tmp/b.tgz") || exit 1
                echo "name=$name"; echo "kind=$kind"; echo "version=$ver"; echo "time=$ts"; echo "sha256=${sum%%%% *}"
                echo %2$s
                base64 < "$tmp/b.tgz"
                """.formatted(Shell.quote(node), DATA_MARKER);
    }

    /**
     * What a restore needs to know of a server before anything is touched: {@code datastore=etcd|sqlite|none},
     * {@code k3s=} (the unit's state), {@code version=}, then {@code token=} (the node's {@code server/token}, when
     * it exists: compared, never shown).
     */
    public static String inspect() {
        return K + """
                if [ -d "$K/server/db/etcd" ]; then echo datastore=etcd; elif [ -d "$K/server/db" ]; then echo datastore=sqlite; else echo datastore=none; fi
                echo "k3s=$(systemctl is-active k3s 2>/dev/null)"
                echo "version=$(k3s --version 2>/dev/null | sed -n '1s/^k3s version \\([^ ]*\\).*/\\1/p')"
                if [ -f "$K/server/token" ]; then printf 'token=%s\\n' "$(cat "$K/server/token")"; fi
                exit 0
                """;
    }

    /** Stops k3s (a server's unit), waiting until it has stopped. */
    public static String stop() {
        return "systemctl stop k3s\n";
    }

    /**
     * SQLite: puts the snapshot's {@code server/db/}, token, {@code cred/} and {@code tls/} in place of the node's,
     * with k3s stopped. The node's own are kept in {@code server/pre-restore-<ts>/} (stale {@code cred/} files would
     * block the start, #4910), and put back if the archive cannot be unpacked.
     *
     * @param archive the uploaded archive's absolute path on the node
     * @param sha256  its checksum, checked first
     */
    public static String restoreSqlite(String archive, String sha256) {
        return unpackInto(archive, sha256, "server/db server/token server/cred server/tls") + "rm -f \"$A\"\n";
    }

    /**
     * Embedded etcd, the first server (day2-facts §2.3): the snapshot file, token, {@code cred/} and {@code tls/}
     * put in place (the node's own kept as for SQLite, its {@code server/db/} too), then {@code k3s server
     * --cluster-reset --cluster-reset-restore-path=PATH}, which exits when done.
     */
    public static String restoreEtcd(String archive, String sha256, String snapshotFile) {
        return unpackInto(archive, sha256, "server/db server/token server/cred server/tls") + """
                p="$K/server/db/snapshots/"%s
                out=$(k3s server --cluster-reset --cluster-reset-restore-path="$p" 2>&1); rc=$?
                printf '%%s\\n' "$out" | tail -n 5 >&2
                if [ $rc -ne 0 ]; then exit $rc; fi
                rm -f "$A"
                """.formatted(Shell.quote(snapshotFile));
    }

    /**
     * Embedded etcd, every other server: stop k3s and take {@code server/db/} away so that it rejoins (§2.3; k3s's
     * own line says "Backup and delete ${datadir}/server/db on each peer"): it is moved to
     * {@code server/pre-restore-<ts>/db}, not deleted.
     */
    public static String wipeForRejoin() {
        return K + """
                systemctl stop k3s || exit 1
                if [ -d "$K/server/db" ]; then keep="$K/server/pre-restore-$(date +%s)"; mkdir -p "$keep" && mv "$K/server/db" "$keep/" || exit 1; fi
                """;
    }

    /** Starts k3s and waits for its unit to be active (a blocking start, as the real unit's Type=notify makes it). */
    public static String start() {
        return "systemctl start k3s\n";
    }

    private static String unpackInto(String archive, String sha256, String kept) {
        return "set -u\n" + K + "A=" + Shell.nodePath(archive) + "\n" + """
                if [ ! -f "$A" ]; then echo "pictl: the snapshot was not uploaded ($A is missing)" >&2; exit 1; fi
                sum=$(sha256sum < "$A"); sum=${sum%%%% *}
                if [ "$sum" != %1$s ]; then echo "pictl: the uploaded snapshot is damaged (sha256 $sum, expected "%1$s")" >&2; exit %2$d; fi
                systemctl stop k3s || exit 1
                keep="$K/server/pre-restore-$(date +%%s)"
                mkdir -p "$keep" || exit 1
                for d in %3$s; do if [ -e "$K/$d" ]; then mv "$K/$d" "$keep/" || exit 1; fi; done
                if ! tar -C "$K" -xzf "$A"; then
                  for d in %3$s; do rm -rf "$K/$d"; done
                  for f in "$keep"/*; do if [ -e "$f" ]; then mv "$f" "$K/server/"; fi; done
                  echo "pictl: the snapshot could not be unpacked; the node's own data was put back" >&2; exit 1
                fi
                if [ ! -f "$K/server/token" ] && [ -f "$keep/token" ]; then cp -p "$keep/token" "$K/server/token"; fi
                """.formatted(Shell.quote(sha256), DAMAGED, kept);
    }
}
