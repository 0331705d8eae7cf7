package dev.pictl.apply.e2e;

import static dev.pictl.apply.e2e.E2e.assertContains;
import static dev.pictl.apply.e2e.E2e.assertNotContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pictl.cli.CliRunner;
import dev.pictl.probe.CertProbe;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15 (certificates, disks and cards) on one running seed fleet, through the real CLI, every outcome read from
 * the boards' files and the simulator's event log:
 *
 * <ol>
 *   <li>k3s's certificates expire in 20 days on every board: drift reports it with the date (a warning, exit 0);
 *       under 14 days on one board it is an error and drift exits 2;</li>
 *   <li>{@code cert_renewal_days = 30} on both k3s blocks: the plan shows the expiry before and after on each;
 *       apply stops k3s, rotates and starts it one node at a time, the server first (event log); the files on
 *       every board then expire a year out, and the next plan has no changes;</li>
 *   <li>a full disk and SD-card errors in the kernel log each produce their finding in drift and plan.</li>
 * </ol>
 */
class CertsAndDisksE2eTest {
    static final int PORT = 24780;
    static final List<String> K3S_CERTS = List.of("/var/lib/rancher/k3s/agent/client-kubelet.crt",
            "/var/lib/rancher/k3s/agent/serving-kubelet.crt");

    @TempDir
    Path tmp;

    @Test
    void expiringCertificatesRenewRolling_andFullDisksAndFailingCardsAreFindings() throws Exception {
        try (E2e f = E2e.start(tmp, E2e.seed(), E2e.provisionedSeedBoards("127.0.97.", PORT, E2e.VERSION))) {
            f.withToken(E2e.TOKEN);
            CliRunner.Result first = f.apply();
            assertEquals(0, first.exitCode(), first.all());
            assertNotContains(first.all(), "certificate");

            // 1. Twenty days left on every board: inside k3s's 120-day window, a warning with the date.
            for (String n : E2e.SEED_NODES) {
                assertTrue(f.node(n).setCertExpiry(20, null) >= 4, n);
            }
            String in20 = CertProbe.day(Instant.now().plus(Duration.ofDays(20)));
            CliRunner.Result drift = f.withSim("drift");
            assertEquals(0, drift.exitCode(), "a warning does not count without --fail-on-health\n" + drift.all());
            assertEquals(E2e.SEED_NODES, nodesSaying(drift.out(), "k3s certificate expires on " + in20
                    + ", in 20 days, inside k3s's 120-day renewal window"), drift.out());
            JsonNode json = E2e.JSON.readTree(f.withSim("drift", "--json").out());
            JsonNode cert = first(json.get("health"), "cert_expiring");
            assertEquals("warning", cert.get("level").asText());
            assertEquals(false, cert.get("counts").asBoolean());

            // Under 14 days on one board: an error, which counts (a cron mail under --quiet).
            f.node("pi-worker-2").setCertExpiry(9, "client-kubelet.crt");
            drift = f.withSim("drift");
            assertEquals(2, drift.exitCode(), drift.all());
            assertContains(drift.out(), "pi-worker-2: k3s certificate expires at "
                    + CertProbe.day(Instant.now().plus(Duration.ofDays(9))));
            assertContains(drift.out(), "in 9 days: client-kubelet.crt (4 of 4 k3s certificates due)");
            assertContains(drift.out(), "[error]");

            // 2. A renewal margin on both k3s blocks: a planned, rolling renewal.
            String hcl = E2e.edit(E2e.seed(), "  disable = [\"traefik\"]\n", "  disable = [\"traefik\"]\n  cert_renewal_days = 30\n");
            hcl = E2e.edit(hcl, "  server = k3s_server.control\n", "  server = k3s_server.control\n  cert_renewal_days = 30\n");
            f.write(hcl);
            CliRunner.Result plan = f.plan();
            assertEquals(0, plan.exitCode(), plan.all());
            String after = CertProbe.day(Instant.now().plus(Duration.ofDays(365))) + " (after renewal)";
            assertContains(plan.out(), "~ certificates = \"" + in20 + "\" -> \"" + after + "\"");
            assertContains(plan.out(), "~ certificates = \"" + CertProbe.day(Instant.now().plus(Duration.ofDays(9)))
                    + "\" -> \"" + after + "\"");
            assertEquals(4, count(plan.out(), "# (k3s's certificates expire within cert_renewal_days: k3s certificate "
                    + "rotate and a restart renew them, one node at a time)"), plan.out());
            assertContains(plan.err(), "k3s certificate expires");

            int from = f.events().size();
            CliRunner.Result renew = f.apply();
            assertEquals(0, renew.exitCode(), renew.all());
            assertContains(renew.out(), "renew k3s certificates (stop k3s-agent, k3s certificate rotate, start k3s-agent)");
            assertOneAtATime(f.eventsSince(from));
            for (String n : E2e.SEED_NODES) {
                for (String file : K3S_CERTS) {
                    Instant notAfter = CertProbe.parse("file " + file + "\n" + f.sudo(n, "cat \"$PICTL_ROOT" + file + "\""))
                            .earliest().notAfter();
                    long days = CertProbe.daysLeft(notAfter, Instant.now());
                    assertTrue(days >= 364 && days <= 365, n + " " + file + " expires in " + days + " days");
                }
                assertContains(f.sudo(n, "ls \"$PICTL_ROOT/var/lib/rancher/k3s/" + (n.equals("pi-server-1") ? "server" : "agent")
                        + "\""), "tls-");
            }
            CliRunner.Result again = f.plan("--detailed-exitcode");
            assertEquals(0, again.exitCode(), again.all());
            drift = f.withSim("drift");
            assertEquals(0, drift.exitCode(), drift.all());
            assertNotContains(drift.out(), "certificate");

            // 3. A full disk and a failing card, each its own finding, in drift and in the plan's preflight.
            f.node("pi-worker-2").setDiskUsedPercent(97);
            f.node("pi-worker-3").sdCardErrors();
            drift = f.withSim("drift");
            assertEquals(2, drift.exitCode(), "a disk past the eviction threshold counts\n" + drift.all());
            assertContains(drift.out(), "pi-worker-2: /: 3% free (");
            assertContains(drift.out(), "under the kubelet's eviction threshold of 5%");
            assertContains(drift.out(), "pi-worker-3: 5 storage errors in the kernel log since boot (a failing SD card or "
                    + "supply), the first: [");
            assertContains(drift.out(), "mmc0: Timeout waiting for hardware interrupt.");
            plan = f.plan();
            assertContains(plan.err(), "pi-worker-2: /: 3% free");
            assertContains(plan.err(), "pi-worker-3: 5 storage errors in the kernel log since boot");
            f.node("pi-worker-3").kernelLog("EXT4-fs (mmcblk0p2): Remounting filesystem read-only");
            json = E2e.JSON.readTree(f.withSim("drift", "--json").out());
            assertEquals("error", first(json.get("health"), "disk_full").get("level").asText());
            JsonNode sd = first(json.get("health"), "sd_card_errors");
            assertEquals("error", sd.get("level").asText(), "the root was remounted read-only");
            assertContains(sd.get("message").asText(), "6 storage errors");
        }
    }

    /** The nodes of drift's health lines ({@code NODE, NODE: message}) whose message contains {@code what}, sorted. */
    private static List<String> nodesSaying(String out, String what) {
        List<String> nodes = new ArrayList<>();
        for (String line : out.split("\n")) {
            int colon = line.indexOf(": ");
            if (line.startsWith("  ") && colon > 0 && line.contains(what)) {
                for (String n : line.substring(0, colon).strip().split(", ")) {
                    nodes.add(n);
                }
            }
        }
        nodes.sort(Comparator.naturalOrder());
        return nodes;
    }

    private static JsonNode first(JsonNode health, String code) {
        for (JsonNode h : health) {
            if (h.get("code").asText().equals(code)) {
                return h;
            }
        }
        throw new AssertionError("no " + code + " in " + health);
    }

    /** k3s stopped and started on each board, the server first, and never two boards down at once. */
    private static void assertOneAtATime(List<String> ev) {
        List<int[]> windows = new ArrayList<>();
        for (String n : E2e.SEED_NODES) {
            String unit = n.equals("pi-server-1") ? "k3s" : "k3s-agent";
            int down = index(ev, unit + " stopped on " + n);
            int up = index(ev, unit + " started on " + n);
            assertTrue(down < up, n + ": " + ev);
            windows.add(new int[] {down, up});
        }
        int serverUp = windows.get(0)[1];
        for (int i = 1; i < windows.size(); i++) {
            assertTrue(serverUp < windows.get(i)[0], "an agent before the server was back: " + ev);
        }
        windows.sort(Comparator.comparingInt(a -> a[0]));
        for (int i = 1; i < windows.size(); i++) {
            assertTrue(windows.get(i - 1)[1] < windows.get(i)[0], "two boards renewed at once: " + ev);
        }
    }

    private static int index(List<String> ev, String what) {
        for (int i = 0; i < ev.size(); i++) {
            if (ev.get(i).contains(what)) {
                return i;
            }
        }
        throw new AssertionError("no event \"" + what + "\" in " + ev);
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
