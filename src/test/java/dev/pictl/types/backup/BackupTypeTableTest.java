package dev.pictl.types.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pictl.addr.ResourceAddress;
import dev.pictl.apply.ApplyHook;
import dev.pictl.config.Config;
import dev.pictl.config.ConfigLoader;
import dev.pictl.config.LoadResult;
import dev.pictl.config.VariableInputs;
import dev.pictl.diag.Diagnostic;
import dev.pictl.plan.Action;
import dev.pictl.plan.ActionReason;
import dev.pictl.plan.ResourceChange;
import dev.pictl.probe.Health;
import dev.pictl.testing.FakeSession;
import dev.pictl.testing.FakeTransport;
import dev.pictl.testing.TestContexts;
import dev.pictl.types.ResourceTypes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The {@code k3s_backup} type without a node: cron to systemd and its longest gap, the validation rules, the
 * freshness rule and the advisory, the probe's parser, and the executor's scripts for etcd and SQLite.
 */
@Tag("fast")
class BackupTypeTableTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "[{index}] {0} → {1}, gap {2}")
    @CsvSource(delimiter = '|', value = {
            "0 */12 * * *  | *-*-* 00,12:00:00          | PT12H",
            "@hourly       | *-*-* *:00:00              | PT1H",
            "@daily        | *-*-* 00:00:00             | PT24H",
            "30 2 * * 0    | Sun *-*-* 02:30:00         | PT168H",
            "*/15 * * * *  | *-*-* *:00,15,30,45:00     | PT15M",
            "0 3 * * 1-5   | Mon,Tue,Wed,Thu,Fri *-*-* 03:00:00 | PT72H",
            "0 0 1 * *     | *-*-01 00:00:00            | PT744H",
            "0 4 * * 7     | Sun *-*-* 04:00:00         | PT168H",
            "5 1-10/3 * * *| *-*-* 01,04,07,10:05:00    | PT15H",
    })
    void cronToSystemdAndGap(String cron, String onCalendar, String gap) throws Exception {
        Cron c = Cron.parse(cron);
        assertEquals(onCalendar, c.onCalendar());
        assertEquals(Duration.parse(gap), c.longestGap());
    }

    @ParameterizedTest(name = "[{index}] \"{0}\" refused: {1}")
    @CsvSource(delimiter = '|', value = {
            "0 0 1 * 1       | restricts both the day of month and the day of week",
            "0 */12 * *      | has 4",
            "61 * * * *      | minute 61 is out of range",
            "0 0 * * mon     | not a number in the day of week field",
            "@every 1h       | not a calendar schedule",
            "@sometimes      | unknown descriptor",
            "0 5-3 * * *     | runs backwards",
            "''              | has 0",
    })
    void badSchedules(String cron, String why) {
        Cron.Invalid e = assertThrows(Cron.Invalid.class, () -> Cron.parse(cron));
        assertTrue(e.getMessage().contains(why), e.getMessage());
    }

    @ParameterizedTest(name = "[{index}] newest {1} min ago, schedule {0} → {2}")
    @CsvSource(nullValues = "-", value = {
            "@hourly, 30, -", "@hourly, 119, -", "@hourly, 121, backup_stale", "0 */12 * * *, 1400, -",
            "0 */12 * * *, 1441, backup_stale", "@daily, -, backup_missing"})
    void freshness(String cron, Long minutesAgo, String code) throws Exception {
        Instant now = Instant.parse("2026-12-07T20:00:00Z");
        List<Health.Finding> f = BackupRules.freshness("pi-1", Cron.parse(cron),
                minutesAgo == null ? null : now.minusSeconds(minutesAgo * 60), now);
        if (code == null) {
            assertEquals(List.of(), f);
        } else {
            assertEquals(1, f.size());
            assertEquals(code, f.get(0).code());
            assertEquals(code.equals(BackupRules.MISSING), f.get(0).advisory(), "only 'none yet' is advisory");
        }
    }

    private static final String BASE = """
            node "pi-1" { address = "192.168.1.10" }
            node "pi-2" { address = "192.168.1.11" }
            k3s_server "s" {
              node    = node.pi-1
              version = "v1.31.4+k3s1"
            }
            """;

    private LoadResult load(String hcl) throws Exception {
        Path f = tmp.resolve("cluster.hcl");
        Files.writeString(f, BASE + hcl);
        return ConfigLoader.load(f, VariableInputs.none(), ResourceTypes.standard().catalog());
    }

    private List<String> errors(String hcl) throws Exception {
        LoadResult r = load(hcl);
        Config c = r.config();
        dev.pictl.diag.Diagnostics d = new dev.pictl.diag.Diagnostics();
        d.addAll(r.diagnostics());
        if (c != null) {
            new BackupType().check(c, d);
        }
        return d.sorted().stream().filter(x -> x.severity() == dev.pictl.diag.Severity.ERROR).map(Diagnostic::summary).toList();
    }

    @Test
    void validation() throws Exception {
        assertEquals(List.of(), errors("k3s_backup \"b\" {\n nodes = [node.pi-1]\n}\n"));
        assertTrue(errors("k3s_backup \"b\" {\n nodes = [node.pi-2]\n}\n").get(0).contains("lists pi-2, which runs no k3s_server"));
        assertTrue(errors("k3s_backup \"b\" {\n nodes = [node.pi-1]\n schedule = \"0 0 1 * 1\"\n}\n").get(0)
                .contains("cannot be used: it restricts both"));
        assertTrue(errors("k3s_backup \"b\" {\n nodes = [node.pi-1]\n retention = 0\n}\n").get(0).contains("from 1 to 1000"));
        assertTrue(errors("k3s_backup \"b\" {\n nodes = [node.pi-1]\n retention = 2.5\n}\n").get(0).contains("whole number"));
    }

    @Test
    void backupServers_oneSqliteServer_oneWithClusterInit_severalServers() throws Exception {
        BackupServers one = BackupServers.of(load("").config()).orElseThrow();
        assertEquals(List.of("pi-1"), one.servers());
        assertFalse(one.etcd());
        Path f = tmp.resolve("cluster.hcl");
        Files.writeString(f, """
                node "pi-1" { address = "192.168.1.10" }
                node "pi-2" { address = "192.168.1.11" }
                node "pi-3" { address = "192.168.1.12" }
                node "pi-4" { address = "192.168.1.13" }
                k3s_server "s" {
                  nodes   = [node.pi-2, node.pi-1, node.pi-3]
                  version = "v1.31.4+k3s1"
                }
                k3s_agent "a" {
                  nodes  = [node.pi-4]
                  server = k3s_server.s
                }
                """);
        BackupServers three = BackupServers.of(ConfigLoader.load(f, VariableInputs.none(),
                ResourceTypes.standard().catalog()).config()).orElseThrow();
        assertEquals(List.of("pi-2", "pi-1", "pi-3"), three.servers(), "every server, the cluster-init one first");
        assertTrue(three.etcd(), "several servers share embedded etcd");
        assertEquals(List.of("pi-4"), three.agents());
    }

    @Test
    void aServerWithoutASchedule_getsTheAdvisory_onlyThen() throws Exception {
        Config none = load("").config();
        List<Health.Finding> f = new BackupType().findings(none, Map.of(), Instant.now());
        assertEquals(1, f.size());
        assertEquals(BackupRules.NOT_DECLARED, f.get(0).code());
        assertEquals("pi-1", f.get(0).node());
        assertTrue(f.get(0).advisory());
        Config declared = load("k3s_backup \"b\" {\n nodes = [node.pi-1]\n}\n").config();
        assertEquals(List.of(), new BackupType().findings(declared, Map.of(), Instant.now()), "unreachable: nothing said");
        assertEquals(Set.of("b"), Set.copyOf(declared.ofType(BackupType.NAME).stream().map(i -> i.address().name()).toList()));
    }

    @Test
    void probeParser() {
        BackupProbe.Seen etcd = BackupProbe.parse("datastore=etcd\ndropin etcd-snapshot-schedule-cron: \"0 */6 * * *\"\n"
                + "dropin etcd-snapshot-retention: 8\nnewest=1733600000\n");
        assertEquals("etcd", etcd.datastore());
        assertEquals("0 */6 * * *", etcd.dropin().get("etcd-snapshot-schedule-cron"));
        assertEquals(Instant.ofEpochSecond(1733600000), etcd.newest());
        BackupProbe.Seen sqlite = BackupProbe.parse("datastore=sqlite\ntimer=0 * * * *\ntimer-enabled=yes\nretention=3\nnewest=0\n");
        assertEquals("0 * * * *", sqlite.timerSchedule());
        assertTrue(sqlite.timerEnabled());
        assertEquals(3, sqlite.retention());
        assertNull(sqlite.newest());
        assertNull(sqlite.dropin());
        BackupProbe.Seen nothing = BackupProbe.parse("newest=0\n");
        assertNull(nothing.datastore());
        assertFalse(nothing.timerEnabled());
    }

    private static ResourceChange change(String datastore) {
        return new ResourceChange(ResourceAddress.of(BackupType.NAME, "b", "pi-1"), "pi-1", Action.CREATE,
                ActionReason.NOT_PRESENT, null, BackupKind.values(datastore, "0 */6 * * *", 8L), Set.of(), List.of(),
                false, false, null, "", List.of());
    }

    @Test
    void executorScripts() throws Exception {
        Config c = load("").config();
        FakeTransport t = new FakeTransport();
        FakeSession pi = t.node("pi-1");
        pi.otherwise(0, "", "");
        new BackupExecutor().apply(change("etcd"), TestContexts.apply(t, c, new ApplyHook() { }));
        String etcd = String.join("\n", pi.scripts());
        assertTrue(etcd.contains("config.yaml.d/50-pictl-backup.yaml"), etcd);
        assertTrue(etcd.contains("\"etcd-snapshot-schedule-cron\": \"0 */6 * * *\""), etcd);
        assertTrue(etcd.contains("\"etcd-snapshot-retention\": \"8\""), etcd);
        assertTrue(etcd.contains("systemctl --no-block restart k3s"), etcd);
        assertTrue(etcd.contains("systemctl disable --now pictl-backup.timer"), "the other datastore's timer goes");

        FakeTransport t2 = new FakeTransport();
        FakeSession pi2 = t2.node("pi-1");
        pi2.otherwise(0, "", "");
        new BackupExecutor().apply(change("sqlite"), TestContexts.apply(t2, c, new ApplyHook() { }));
        String sqlite = String.join("\n", pi2.scripts());
        assertTrue(sqlite.contains("OnCalendar=*-*-* 00,06,12,18:00:00"), sqlite);
        assertTrue(sqlite.contains("Environment=PICTL_BACKUP_RETENTION=8"), sqlite);
        assertTrue(sqlite.contains("systemctl enable --now pictl-backup.timer"), sqlite);
        assertTrue(sqlite.contains("rm -f \"${PICTL_ROOT:-}\"'/etc/rancher/k3s/config.yaml.d/50-pictl-backup.yaml'"), sqlite);
        assertFalse(sqlite.contains("restart k3s"), "a SQLite schedule does not restart k3s");
    }
}
