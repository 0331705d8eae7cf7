package dev.pictl.types.backup;

import static dev.pictl.resource.AttributeSchema.attr;

import dev.pictl.config.Config;
import dev.pictl.diag.Diagnostics;
import dev.pictl.apply.Executor;
import dev.pictl.plan.kind.Kind;
import dev.pictl.probe.Health;
import dev.pictl.probe.NodeProbe;
import dev.pictl.probe.ProbeFragment;
import dev.pictl.probe.ProbeOutcome;
import dev.pictl.resource.AttrType;
import dev.pictl.resource.BlockSchema;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.resource.Schemas;
import dev.pictl.resource.Value;
import dev.pictl.types.ResourceType;
import dev.pictl.types.k3s.K3sServerType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code k3s_backup} resource type (docs/backup.md): scheduled snapshots of the k3s datastore on each listed
 * server. With embedded etcd it is k3s's own {@code etcd-snapshot-schedule-cron} and {@code etcd-snapshot-retention},
 * in a config drop-in (a config change of the server: k3s restarts); with SQLite a node-side systemd timer and
 * service that take consistent copies (k3s stopped for the copy) with the token, {@code cred/} and {@code tls/}, and
 * keep the newest {@code retention}. {@code copy_dir} is where {@code pictl backup} writes on the admin side.
 *
 * <p>Named like the family it belongs to ({@code k3s_server}, {@code k3s_agent}): it backs up k3s's datastore.
 */
public final class BackupType implements ResourceType {
    public static final String NAME = "k3s_backup";
    static final String DEFAULT_SCHEDULE = "0 */12 * * *";

    public static final BlockSchema SCHEMA = new BlockSchema(NAME, "name", true, List.of(
            Schemas.nodes("k3s_backup.NAME"),
            attr("schedule", AttrType.STRING).defaultValue(DEFAULT_SCHEDULE)
                    .doc("When to take a snapshot: five cron fields (minute hour day-of-month month day-of-week) or "
                            + "`@hourly`, `@daily`, `@weekly`, `@monthly`; k3s's default is `0 */12 * * *`. Restrict "
                            + "the day of month or the day of week, not both."),
            attr("retention", AttrType.NUMBER).defaultValue(java.math.BigDecimal.valueOf(5))
                    .doc("How many scheduled snapshots each server keeps (1 to 1000); k3s's default is 5."),
            attr("copy_dir", AttrType.STRING)
                    .doc("The directory on this machine where `pictl backup` writes (relative to the configuration); "
                            + "default `backups`."),
            Schemas.DEPENDS_ON),
            List.of(),
            "Scheduled snapshots of the k3s datastore on each listed server: embedded etcd through k3s's own "
                    + "`etcd-snapshot-schedule-cron` and `etcd-snapshot-retention` (a config drop-in; k3s restarts), "
                    + "SQLite through a systemd timer that copies the datastore with the token, `cred/` and `tls/` a "
                    + "restore needs. `pictl drift` reports a newest snapshot older than twice the schedule. See "
                    + "docs/backup.md.",
            """
            k3s_backup "datastore" {
              nodes     = [node.pi-server-1]
              schedule  = "0 */6 * * *"
              retention = 8
              copy_dir  = "backups"
            }""");

    @Override
    public BlockSchema schema() {
        return SCHEMA;
    }

    /** Each listed node runs a k3s_server; the schedule is one cron and systemd agree on; retention 1-1000. */
    @Override
    public void check(Config config, Diagnostics diags) {
        List<String> servers = config.ofType(K3sServerType.NAME).stream()
                .flatMap(s -> dev.pictl.types.k3s.HaServers.nodes(s).stream()).toList();
        for (ResourceInstance i : config.ofType(NAME)) {
            if (i.node() != null && !servers.contains(i.node())) {
                diags.error(i.rangeOf("nodes"), "k3s_backup \"" + i.address().name() + "\" lists " + i.node()
                        + ", which runs no k3s_server", "Snapshots are taken of a server's datastore: list the nodes "
                        + "of your k3s_server blocks.");
            }
            if (i.attributes().get("schedule") instanceof Value.Str s) {
                try {
                    Cron.parse(s.value());
                } catch (Cron.Invalid e) {
                    diags.error(s.range(), "the schedule \"" + s.value() + "\" cannot be used: " + e.getMessage(),
                            "Write five cron fields, e.g. \"0 */12 * * *\" (k3s's default: 00:00 and 12:00).");
                }
            }
            if (i.attributes().get("retention") instanceof Value.Num n) {
                if (n.value().stripTrailingZeros().scale() > 0 || n.value().intValue() < 1 || n.value().intValue() > 1000
                        || n.value().compareTo(java.math.BigDecimal.valueOf(1000)) > 0) {
                    diags.error(n.range(), "retention must be a whole number from 1 to 1000", "It is how many "
                            + "scheduled snapshots each server keeps; k3s's default is 5.");
                }
            }
            if (i.attributes().get("copy_dir") instanceof Value.Str s && s.value().isBlank()) {
                diags.error(s.range(), "copy_dir is empty", "Leave it out for backups/ beside the configuration.");
            }
        }
    }

    /**
     * The schedule after k3s on its server, and one server after the other: with etcd, the schedule is a k3s
     * restart, and servers restarted at once would lose etcd's quorum.
     */
    @Override
    public List<dev.pictl.graph.Edge> domainEdges(dev.pictl.graph.GraphInstances instances) {
        List<dev.pictl.graph.Edge> out = new java.util.ArrayList<>(instances.ofType(NAME).stream()
                .flatMap(b -> dev.pictl.types.k3s.K3sTopology.k3sOn(instances, b.node())
                        .map(k -> dev.pictl.graph.Edge.domain(k.address(), b.address(), b.rangeOf("nodes"),
                                "the snapshot schedule after k3s on its server"))
                        .stream())
                .toList());
        ResourceInstance previous = null;
        for (ResourceInstance b : instances.ofType(NAME)) {
            if (previous != null) {
                out.add(dev.pictl.graph.Edge.domain(previous.address(), b.address(), b.rangeOf("nodes"),
                        "one server's k3s restarted at a time (etcd's quorum)"));
            }
            previous = b;
        }
        return out;
    }

    @Override
    public List<ProbeFragment<?>> probe() {
        return List.of(BackupProbe.FRAGMENT);
    }

    /** A listed server's probe reads its schedule and snapshots. */
    @Override
    public List<dev.pictl.probe.ProbeRequest> probeAsks(ResourceInstance resource) {
        return resource.node() == null ? List.of()
                : List.of(dev.pictl.probe.ProbeRequest.of(resource.node()).with(BackupProbe.ASK));
    }

    /** Where it was recorded, so that a removed block's files are still read. */
    @Override
    public List<dev.pictl.probe.ProbeRequest> probeAsks(dev.pictl.state.ResourceState recorded) {
        return recorded.node() == null ? List.of()
                : List.of(dev.pictl.probe.ProbeRequest.of(recorded.node()).with(BackupProbe.ASK));
    }

    @Override
    public Kind kind() {
        return new BackupKind();
    }

    @Override
    public Executor executor() {
        return new BackupExecutor();
    }

    /** The admin-side copy directory the description's {@code k3s_backup} names, if any. */
    public static Optional<String> copyDir(Config config) {
        return config.ofType(NAME).stream().map(i -> i.attributes().get("copy_dir"))
                .filter(v -> v instanceof Value.Str).map(v -> ((Value.Str) v).value()).findFirst();
    }

    /**
     * What {@code pictl drift} reports besides drift: on a listed server whose newest snapshot is older than twice
     * the schedule's longest gap, a finding {@code backup_stale} (or {@code backup_missing} when it has none); on a
     * k3s server no {@code k3s_backup} lists, the advisory {@code backup_not_declared}.
     */
    @Override
    public List<Health.Finding> findings(Config config, Map<String, ProbeOutcome> probes, Instant now) {
        List<Health.Finding> out = new ArrayList<>();
        List<String> covered = new ArrayList<>();
        for (ResourceInstance i : config.ofType(NAME)) {
            String node = i.node();
            covered.add(node);
            Cron cron;
            try {
                cron = Cron.parse(i.attributes().get("schedule") instanceof Value.Str s ? s.value() : DEFAULT_SCHEDULE);
            } catch (Cron.Invalid e) {
                continue;
            }
            if (!(probes.get(node) instanceof ProbeOutcome.Observed o)) {
                continue; // unreachable: drift reports that
            }
            BackupProbe.Seen seen = o.observation().part(BackupProbe.FRAGMENT);
            if (seen == null || seen.datastore() == null) {
                continue; // no k3s server data yet: nothing to back up
            }
            out.addAll(BackupRules.freshness(node, cron, seen.newest(), now));
        }
        for (ResourceInstance s : config.ofType(K3sServerType.NAME)) {
            for (String n : dev.pictl.types.k3s.HaServers.nodes(s)) {
                if (!covered.contains(n)) {
                    out.add(new Health.Finding(n, BackupRules.NOT_DECLARED, "no k3s_backup lists this k3s server: its "
                            + "datastore has no scheduled snapshots pictl checks (k3s_server \"" + s.address().name()
                            + "\"); declare one, or take snapshots with pictl backup", true));
                }
            }
        }
        return out;
    }

    static Duration staleAfter(Cron cron) {
        return cron.longestGap().multipliedBy(2);
    }
}
