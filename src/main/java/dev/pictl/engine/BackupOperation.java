package dev.pictl.engine;

import dev.pictl.config.Config;
import dev.pictl.diag.Diagnostic;
import dev.pictl.diag.Diagnostics;
import dev.pictl.diag.Severity;
import dev.pictl.nodetext.KeyValues;
import dev.pictl.transport.ExecResult;
import dev.pictl.transport.RemoteCommand;
import dev.pictl.transport.TransportException;
import dev.pictl.transport.TransportSettings;
import dev.pictl.types.backup.BackupScripts;
import dev.pictl.types.backup.BackupServers;
import dev.pictl.types.backup.SnapshotFiles;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code pictl backup} after validation (docs/backup.md): one command as root on the first k3s server, which takes
 * the snapshot and prints it; pictl checks its sha256 and writes it to the admin side
 * ({@link SnapshotFiles#write}). No state, no lock; the node keeps nothing of it but k3s's own etcd snapshot.
 */
final class BackupOperation {
    static final String STEP = "take snapshot";

    private BackupOperation() {
    }

    /** The written snapshot's metadata and archive path, or null with the reasons in {@code diags}. */
    static Map.Entry<SnapshotFiles.Metadata, Path> run(BackupRequest request, Config config, Path defaultDir,
                                                        Diagnostics diags, TransportSettings settings, String again) {
        Optional<BackupServers> servers = BackupServers.of(config);
        if (servers.isEmpty()) {
            diags.add(new Diagnostic(Severity.ERROR, "the description has no k3s_server",
                    "pictl backup snapshots the datastore of the cluster's k3s server. Declare a k3s_server block and "
                            + "run pictl apply" + again + " first.", null));
            return null;
        }
        String node = servers.get().servers().get(0);
        Path dir = request.out() != null ? request.out() : defaultDir;
        try (NodeSessions sessions = NodeSessions.of(config, List.of(node), request.targets(), settings, diags)) {
            if (sessions == null) {
                return null;
            }
            ExecResult r;
            try {
                r = sessions.session(node).exec(new RemoteCommand(STEP, BackupScripts.take(node), request.timeout(), true,
                        null));
            } catch (TransportException e) {
                diags.add(new Diagnostic(Severity.ERROR, e.getMessage(), "Nothing was written. " + hint(e), null));
                return null;
            }
            if (r.exitCode() == BackupScripts.NO_SERVER) {
                diags.add(new Diagnostic(Severity.ERROR, node + ": " + STEP + ": k3s server data not found on the node",
                        "/var/lib/rancher/k3s/server/token does not exist: k3s is not installed there, or its data is "
                                + "gone. Run pictl apply" + again + " to install it, or pictl restore" + again
                                + " SNAPSHOT to bring a cluster back.", null));
                return null;
            }
            if (!r.ok()) {
                String tail = r.stderrTail(5);
                diags.add(new Diagnostic(Severity.ERROR, node + ": " + STEP + ": command exited " + r.exitCode()
                        + (tail.isEmpty() ? "" : ": " + tail), "Nothing was written on this machine. k3s was started "
                        + "again if the copy stopped it; see 'systemctl status k3s' on " + node + ".", null));
                return null;
            }
            String out = r.stdout();
            int at = out.indexOf("\n" + BackupScripts.DATA_MARKER + "\n");
            if (at < 0) {
                diags.add(new Diagnostic(Severity.ERROR, node + ": " + STEP + ": the snapshot was not sent", "The node's "
                        + "script ended without the archive. Nothing was written.", null));
                return null;
            }
            Map<String, String> kv = KeyValues.parse(out.substring(0, at));
            byte[] archive;
            try {
                archive = Base64.getMimeDecoder().decode(out.substring(at + BackupScripts.DATA_MARKER.length() + 2).trim());
            } catch (IllegalArgumentException e) {
                archive = new byte[0];
            }
            String sum = SnapshotFiles.sha256(archive);
            if (!sum.equals(kv.get("sha256"))) {
                diags.add(new Diagnostic(Severity.ERROR, node + ": " + STEP + ": the snapshot arrived damaged",
                        "Its sha256 here is " + sum + ", the node's " + kv.get("sha256") + ". Nothing was written; run "
                                + "pictl backup" + again + " again.", null));
                return null;
            }
            Instant when;
            try {
                when = Instant.ofEpochSecond(Long.parseLong(kv.getOrDefault("time", "")));
            } catch (NumberFormatException e) {
                when = Instant.now();
            }
            SnapshotFiles.Metadata meta = new SnapshotFiles.Metadata(kv.get("name"), config.clusterName(),
                    kv.getOrDefault("version", ""), kv.getOrDefault("kind", ""), when.toString(), node, sum);
            try {
                return Map.entry(meta, SnapshotFiles.write(dir, meta, archive));
            } catch (FileAlreadyExistsException e) {
                diags.add(new Diagnostic(Severity.ERROR, "a snapshot named " + meta.name() + " is already in " + dir,
                        "pictl never overwrites a snapshot. Run pictl backup again in a second.", null));
            } catch (IOException e) {
                diags.add(new Diagnostic(Severity.ERROR, "cannot write the snapshot to " + dir + ": " + e.getMessage(),
                        "Choose another directory with --out DIR.", null));
            }
            return null;
        }
    }

    static String hint(TransportException e) {
        String h = e.hint();
        return h == null || h.isBlank() ? "" : Character.toUpperCase(h.charAt(0)) + h.substring(1)
                + (h.endsWith(".") ? "" : ".");
    }
}
