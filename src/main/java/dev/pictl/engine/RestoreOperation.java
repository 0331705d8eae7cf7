package dev.pictl.engine;

import dev.pictl.config.Config;
import dev.pictl.diag.Diagnostic;
import dev.pictl.diag.Diagnostics;
import dev.pictl.diag.Severity;
import dev.pictl.nodetext.KeyValues;
import dev.pictl.transport.ExecResult;
import dev.pictl.transport.RemoteCommand;
import dev.pictl.transport.Session;
import dev.pictl.transport.TransportException;
import dev.pictl.transport.TransportSettings;
import dev.pictl.types.backup.BackupScripts;
import dev.pictl.types.backup.BackupServers;
import dev.pictl.types.backup.SnapshotFiles;
import dev.pictl.types.backup.TokenMatch;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code pictl restore SNAPSHOT} after validation (docs/backup.md), k3s's own procedure (day2-facts §2.3-2.4):
 * <pre>
 * snapshot   ─▶ read and check here (three files, sha256)                         refuse: nothing touched
 * servers    ─▶ one read-only command each: datastore kind, k3s state, token       refuse: token or datastore differ
 * steps      ─▶ shown node by node; the approver says yes (or nothing is changed)
 * sqlite     ─▶ S1: upload; stop k3s; server/db, token, cred, tls from the snapshot (the node's own kept aside); start
 * etcd       ─▶ every server: stop k3s; S1: upload, files back, k3s server --cluster-reset
 *               --cluster-reset-restore-path=...; S2..: rm -rf server/db; start S1, then S2, S3 one at a time
 * Nodes      ─▶ poll the server's kubectl until every Node is Ready (the CLI then runs a plan and shows it)
 * </pre>
 */
final class RestoreOperation {
    static final String UPLOAD_DIR = "/var/lib/rancher/k3s/pictl-restore/";
    private static final Duration STEP_TIMEOUT = Duration.ofMinutes(10);

    private final RestoreRequest request;
    private final Config config;
    private final Diagnostics diags;
    private final String again;

    private RestoreOperation(RestoreRequest request, Config config, Diagnostics diags, String again) {
        this.request = request;
        this.config = config;
        this.diags = diags;
        this.again = again;
    }

    /** Outcome pieces; the engine makes the result from them and the diagnostics. */
    record Outcome(SnapshotFiles.Metadata metadata, boolean approved, boolean changed, List<String> nodes) {
    }

    static Outcome run(RestoreRequest request, Config config, Diagnostics diags, TransportSettings settings, String again) {
        return new RestoreOperation(request, config, diags, again).run(settings);
    }

    /** One step on one node: what the person is shown, and the command. */
    record Step(String node, String shown, String name, String script, byte[] upload, String uploadPath) {
    }

    private Outcome run(TransportSettings settings) {
        SnapshotFiles.Loaded snap;
        try {
            snap = SnapshotFiles.read(request.snapshot());
        } catch (SnapshotFiles.Refused e) {
            return refuse(null, e.getMessage(), "Nothing was changed.");
        }
        SnapshotFiles.Metadata meta = snap.metadata();
        Optional<BackupServers> described = BackupServers.of(config);
        if (described.isEmpty()) {
            return refuse(meta, "the description has no k3s_server", "pictl restore brings back the datastore of the "
                    + "description's k3s server. Nothing was changed.");
        }
        BackupServers servers = described.get();
        String snapToken;
        try {
            snapToken = SnapshotFiles.token(snap.bytes()).orElse(null);
        } catch (IOException e) {
            return refuse(meta, snap.archive() + " is not a snapshot archive: " + e.getMessage(), "Nothing was changed.");
        }
        boolean etcd = meta.datastore().equals("etcd");
        if (!etcd && servers.servers().size() > 1) {
            return refuse(meta, "a SQLite snapshot cannot be restored into " + servers.servers().size() + " servers",
                    "SQLite serves one server only; the description's servers share embedded etcd. Nothing was changed.");
        }
        if (etcd != servers.etcd()) {
            return refuse(meta, "the snapshot is of " + (etcd ? "embedded etcd" : "SQLite") + ", the description's "
                    + "server runs " + (servers.etcd() ? "embedded etcd (cluster-init)" : "SQLite"),
                    "k3s restores an etcd snapshot with --cluster-reset and a SQLite one by putting its server/db back; "
                            + "neither becomes the other. Restore it with a description of the same datastore. "
                            + "Nothing was changed.");
        }
        String first = servers.servers().get(0);
        List<String> all = new ArrayList<>(servers.servers());
        try (NodeSessions sessions = NodeSessions.of(config, all, request.targets(), settings, diags)) {
            if (sessions == null) {
                return new Outcome(meta, false, false, List.of());
            }
            // Read-only first: what each server has now.
            Map<String, Map<String, String>> seen = new LinkedHashMap<>();
            for (String n : all) {
                try {
                    ExecResult r = sessions.session(n).exec(new RemoteCommand("inspect server", BackupScripts.inspect(),
                            Duration.ofMinutes(1), true, null));
                    if (!r.ok()) {
                        return refuse(meta, n + ": inspect server: command exited " + r.exitCode() + ": " + r.stderrTail(3),
                                "Nothing was changed.");
                    }
                    seen.put(n, KeyValues.parse(r.stdout()));
                } catch (TransportException e) {
                    return refuse(meta, e.getMessage(), "Nothing was changed. " + BackupOperation.hint(e));
                }
            }
            Map<String, String> s1 = seen.get(first);
            if (s1.getOrDefault("version", "").isEmpty()) {
                return refuse(meta, first + ": k3s is not installed",
                        "Install it first with pictl apply" + again + " (the same version as the snapshot's, "
                                + meta.k3sVersion() + "), then restore. Nothing was changed.");
            }
            TokenMatch.Verdict v = TokenMatch.compare(snapToken, servers.declaredToken(), s1.get("token"));
            String why = TokenMatch.refusal(v, servers.declaredToken() != null);
            if (why != null) {
                return refuse(meta, why, "pictl restores a snapshot only into the cluster it was taken from. "
                        + "Nothing was changed.");
            }
            List<Step> steps = steps(meta, snap.bytes(), servers, seen);
            List<String> shown = new ArrayList<>();
            shown.add("pictl will restore cluster \"" + config.clusterName() + "\" from snapshot " + meta.name() + ":");
            shown.add("  taken " + meta.created() + " on " + meta.node() + ", k3s " + meta.k3sVersion() + ", "
                    + (etcd ? "embedded etcd" : "SQLite") + ", sha256 " + meta.sha256().substring(0, 12) + "…");
            shown.add("  token: " + (v == TokenMatch.Verdict.SAME ? "matches the cluster's"
                    : "nothing to compare (no token declared, none on " + first + "): the snapshot's is restored"));
            shown.add("");
            String last = null;
            for (Step s : steps) {
                if (!s.node().equals(last)) {
                    shown.add("  " + s.node() + ":");
                    last = s.node();
                }
                shown.add("    - " + s.shown());
            }
            shown.add("");
            shown.add("  Every Node is then waited for until Ready, and a plan is shown. Objects created after the "
                    + "snapshot are lost; the node's own data is kept in /var/lib/rancher/k3s/server/pre-restore-<time>/.");
            if (!request.approver().test(shown)) {
                return new Outcome(meta, false, false, List.of());
            }
            boolean changed = false;
            for (Step s : steps) {
                request.progress().accept(s.node() + ": " + s.shown());
                try {
                    Session session = sessions.session(s.node());
                    if (s.upload() != null) {
                        session.upload(s.upload(), s.uploadPath(), 0600, true);
                    }
                    changed = true;
                    ExecResult r = session.exec(new RemoteCommand(s.name(), s.script(), STEP_TIMEOUT, true, null));
                    if (!r.ok()) {
                        String tail = r.stderrTail(5);
                        diags.add(new Diagnostic(Severity.ERROR, s.node() + ": " + s.name() + ": command exited "
                                + r.exitCode() + (tail.isEmpty() ? "" : ": " + tail), "The restore stopped here. "
                                + "The node's data before the restore is in /var/lib/rancher/k3s/server/pre-restore-"
                                + "<time>/ on " + first + "; see docs/backup.md (failure modes).", null));
                        return new Outcome(meta, true, true, List.of());
                    }
                } catch (TransportException e) {
                    diags.add(new Diagnostic(Severity.ERROR, e.getMessage(), "The restore stopped here; see "
                            + "docs/backup.md (failure modes). " + BackupOperation.hint(e), null));
                    return new Outcome(meta, true, changed, List.of());
                }
            }
            request.progress().accept(first + ": waiting for every Node to be Ready");
            List<String> nodes = waitReady(sessions, first);
            return new Outcome(meta, true, true, nodes);
        }
    }

    private List<Step> steps(SnapshotFiles.Metadata meta, byte[] archive, BackupServers servers,
                             Map<String, Map<String, String>> seen) {
        String first = servers.servers().get(0);
        String path = UPLOAD_DIR + meta.name() + ".tar.gz";
        List<Step> out = new ArrayList<>();
        if (meta.datastore().equals("sqlite")) {
            out.add(new Step(first, "stop k3s; keep server/db, token, cred, tls aside; put back the snapshot's "
                    + "(upload " + meta.name() + ".tar.gz, " + archive.length + " bytes)", "restore datastore",
                    BackupScripts.restoreSqlite(path, meta.sha256()), archive, path));
            out.add(new Step(first, "start k3s", "start k3s", BackupScripts.start(), null, null));
            return out;
        }
        for (String n : servers.servers().subList(1, servers.servers().size())) {
            out.add(new Step(n, "stop k3s; move server/db aside (it rejoins after the reset)", "wipe for rejoin",
                    BackupScripts.wipeForRejoin(), null, null));
        }
        out.add(new Step(first, "stop k3s; put back the snapshot, token, cred, tls; k3s server --cluster-reset "
                + "--cluster-reset-restore-path=/var/lib/rancher/k3s/server/db/snapshots/" + meta.name(),
                "cluster reset", BackupScripts.restoreEtcd(path, meta.sha256(), meta.name()), archive, path));
        out.add(new Step(first, "start k3s", "start k3s", BackupScripts.start(), null, null));
        for (String n : servers.servers().subList(1, servers.servers().size())) {
            out.add(new Step(n, "start k3s (rejoins " + first + ", one server at a time)", "start k3s",
                    BackupScripts.start(), null, null));
        }
        return out;
    }

    /** Polls the server's Node list until every Node is Ready; the last list seen, with an error when it is not. */
    private List<String> waitReady(NodeSessions sessions, String server) {
        Instant deadline = Instant.now().plus(request.readyTimeout());
        List<String> last = List.of();
        String lastProblem = "no answer yet";
        while (true) {
            try {
                ExecResult r = sessions.session(server).exec(new RemoteCommand("wait for Nodes",
                        "k3s kubectl get nodes --no-headers\n", Duration.ofSeconds(30), true, null));
                if (r.ok()) {
                    last = nodeLines(r.stdout());
                    if (!last.isEmpty() && last.stream().allMatch(l -> l.endsWith(" Ready"))) {
                        return last;
                    }
                    lastProblem = "not Ready: " + String.join(", ", last.stream().filter(l -> !l.endsWith(" Ready"))
                            .map(l -> l.substring(0, l.indexOf(' '))).toList());
                } else {
                    lastProblem = r.stderrTail(1);
                }
            } catch (TransportException e) {
                lastProblem = e.getMessage();
            }
            if (Instant.now().isAfter(deadline)) {
                diags.add(new Diagnostic(Severity.ERROR, "the Nodes were not all Ready within "
                        + request.readyTimeout().toSeconds() + " s after the restore (" + lastProblem + ")",
                        "The datastore was restored. Look at 'journalctl -u k3s' on " + server + " and the agents' "
                                + "'journalctl -u k3s-agent', then run pictl plan" + again + ".", null));
                return last;
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return last;
            }
        }
    }

    /** {@code NAME Ready|NotReady} lines from kubectl's table (NAME STATUS ROLES AGE VERSION, no headers). */
    static List<String> nodeLines(String stdout) {
        List<String> out = new ArrayList<>();
        for (String line : stdout.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 2 && !f[0].isEmpty()) {
                boolean ready = f[1].equals("Ready") || f[1].startsWith("Ready,");
                out.add(f[0] + " " + (ready ? "Ready" : "NotReady"));
            }
        }
        return out;
    }

    private Outcome refuse(SnapshotFiles.Metadata meta, String summary, String detail) {
        diags.add(new Diagnostic(Severity.ERROR, summary, detail, null));
        return new Outcome(meta, false, false, List.of());
    }
}
