package dev.pictl.apply.e2e;

import static dev.pictl.apply.e2e.E2e.assertContains;
import static dev.pictl.apply.e2e.E2e.assertNotContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pictl.cli.CliRunner;
import dev.pictl.probe.CertProbe;
import dev.pictl.sim.NodeSpec;
import dev.pictl.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several servers with embedded etcd (issue 14) on ONE simulated fleet, through the real CLI: from bare boards to
 * three servers and three agents (joins one at a time, agents through api_address); a version bump refused while a
 * server board is powered off, naming it; the same bump rolled one server at a time, then the agents; a fourth
 * server added, then removed; a backup, the first server's datastore wiped (a dead card), and a restore that brings
 * the objects back with every Node Ready and the other servers rejoined after the reset. The member list is etcd's own (the simulator's), the Nodes the API's, the order the
 * simulator's event log.
 */
class HaE2eTest {
    static final int PORT = 24691;
    static final List<String> SERVERS = List.of("pi-s1", "pi-s2", "pi-s3");
    static final List<String> AGENTS = List.of("pi-a1", "pi-a2", "pi-a3");
    static final String API = "k3s.home.lan";

    /** A StorageClass and a PV, for the backup and restore step. */
    static final String OBJECTS = """

            storage_class "local-storage" {
              provisioner         = "kubernetes.io/no-provisioner"
              volume_binding_mode = "WaitForFirstConsumer"
            }

            pv "local-pv-1" {
              capacity      = "10Gi"
              access_modes  = ["ReadWriteOnce"]
              storage_class = storage_class.local-storage
              path          = "/mnt/local-storage"
              node          = node.pi-a1
            }
            """;

    @TempDir
    Path tmp;

    static String hcl(String version, List<String> servers) {
        StringBuilder b = new StringBuilder("""
                variable "k3s_token" {
                  sensitive = true
                }

                """);
        List<String> all = new ArrayList<>(List.of("pi-s1", "pi-s2", "pi-s3", "pi-s4"));
        all.addAll(AGENTS);
        for (int i = 0; i < all.size(); i++) {
            b.append("node \"").append(all.get(i)).append("\" { address = \"192.168.1.").append(21 + i).append("\" }\n");
        }
        b.append("\nkernel_params \"cgroups\" {\n  nodes = [")
                .append(String.join(", ", all.stream().map(n -> "node." + n).toList()))
                .append("]\n  add   = [\"cgroup_enable=cpuset\", \"cgroup_enable=memory\", \"cgroup_memory=1\"]\n}\n\n")
                .append("k3s_server \"control\" {\n  nodes       = [")
                .append(String.join(", ", servers.stream().map(n -> "node." + n).toList()))
                .append("]\n  api_address = \"").append(API).append("\"\n  version     = \"").append(version)
                .append("\"\n  token       = var.k3s_token\n}\n\n")
                .append("k3s_agent \"workers\" {\n  nodes  = [node.pi-a1, node.pi-a2, node.pi-a3]\n")
                .append("  server = k3s_server.control\n}\n");
        return b.toString();
    }

    static List<NodeSpec> boards() {
        List<NodeSpec> out = new ArrayList<>();
        List<String> all = new ArrayList<>(List.of("pi-s1", "pi-s2", "pi-s3", "pi-s4"));
        all.addAll(AGENTS);
        for (int i = 0; i < all.size(); i++) {
            out.add(NodeSpec.of(all.get(i), "127.0.91." + (21 + i), PORT).withAdvertisedAddress("192.168.1." + (21 + i)));
        }
        return out;
    }

    private static int indexOf(List<String> ev, String text) {
        for (int i = 0; i < ev.size(); i++) {
            if (ev.get(i).equals(text) || ev.get(i).startsWith(text)) {
                return i;
            }
        }
        throw new AssertionError("no event \"" + text + "\" in " + ev);
    }

    @Test
    void threeServers_joinOneAtATime_refuseWithAMemberDown_rollOneAtATime_addAndRemoveAServer() throws Exception {
        List<String> seen = new ArrayList<>();
        try (E2e f = E2e.start(tmp, hcl(E2e.OLD, SERVERS), boards())) {
            f.withToken(E2e.TOKEN);

            // ---- from bare boards: 3 members, 6 Nodes Ready, agents through api_address, joins one at a time ----
            CliRunner.Result built = f.apply();
            seen.add(built.all());
            assertEquals(0, built.exitCode(), built.all());
            assertEquals(SERVERS, f.sim.etcdMembers("pi-s1"));
            List<String> nodes = new ArrayList<>(SERVERS);
            nodes.addAll(AGENTS);
            nodes.sort(null);
            assertEquals(nodes, f.readyNodesOn("pi-s1"));
            assertEquals(f.readyNodesOn("pi-s1"), f.readyNodesOn("pi-s3"), "every server serves the same API");
            for (String a : AGENTS) {
                assertContains(f.sudo(a, "cat \"$PICTL_ROOT/etc/systemd/system/k3s-agent.service.env\""),
                        "K3S_URL='https://" + API + ":6443'");
            }
            List<String> ev = f.events();
            int init = indexOf(ev, "etcd: cluster initialised on pi-s1");
            int join2 = indexOf(ev, "etcd: pi-s2 joined cluster through pi-s1");
            int up2 = indexOf(ev, "k3s started on pi-s2");
            int join3 = indexOf(ev, "etcd: pi-s3 joined cluster through pi-s1");
            assertTrue(init < join2 && join2 < up2 && up2 < join3, "joins one at a time: " + ev);
            assertTrue(ev.stream().noneMatch(e -> e.contains("too many learner members")), ev.toString());
            assertEquals(List.of(), new ArrayList<>(f.pendingChanges()), "a second plan has nothing to do");
            f.write(hcl(E2e.VERSION, SERVERS));
            CliRunner.Result saved = f.plan("--out", "bump.plan");
            seen.add(saved.all());
            assertEquals(0, saved.exitCode(), saved.all());
            assertContains(saved.out(), "k3s_server.control");
            seen.add(Files.readString(tmp.resolve("bump.plan")));

            // ---- one server board off, then a version bump: refused before anything is touched, naming it ----
            f.node("pi-s2").powerOff();
            f.write(hcl(E2e.VERSION, SERVERS));
            int before = f.events().size();
            CliRunner.Result refused = f.apply();
            seen.add(refused.all());
            assertEquals(1, refused.exitCode(), refused.all());
            assertContains(refused.err(), "etcd member pi-s2 is down");
            assertContains(refused.err(), "lose quorum");
            assertContains(refused.err(), "Down: pi-s2 (unreachable: connect: connection refused");
            assertEquals(List.of(), f.events().subList(before, f.events().size()), "nothing was touched");
            CliRunner.Result drift = f.withSim("drift");
            seen.add(drift.all());
            assertContains(drift.out(), "etcd member pi-s2 is down");
            CliRunner.Result diagnosed = f.withSim("diagnose", "pi-s2");
            seen.add(diagnosed.all());
            assertEquals(2, diagnosed.exitCode(), diagnosed.all());
            assertContains(diagnosed.out(), "etcd_member_down");
            assertContains(diagnosed.out(), "etcd member pi-s2 is down: 2 of 3 servers answer, quorum needs 2");

            // ---- all three up: the upgrade rolls one server at a time, then the agents ----
            f.node("pi-s2").powerOn();
            Await.until("pi-s2 Ready again", Duration.ofSeconds(30), () -> f.readyNodesOn("pi-s1").contains("pi-s2"));
            int from = f.events().size();
            CliRunner.Result rolled = f.apply();
            seen.add(rolled.all());
            assertEquals(0, rolled.exitCode(), rolled.all());
            ev = f.eventsSince(from);
            int lastServerUp = -1;
            for (String s : SERVERS) {
                int down = indexOf(ev, "k3s restarted on " + s);
                int up = indexOf(ev, "k3s started on " + s);
                assertTrue(down > lastServerUp && up > down, s + " went down before the previous server was back: " + ev);
                lastServerUp = up;
                assertTrue(f.sudo(s, "k3s --version").startsWith("k3s version " + E2e.VERSION + " "), s);
            }
            for (String a : AGENTS) {
                assertTrue(indexOf(ev, "k3s-agent restarted on " + a) > lastServerUp, a + " before the servers: " + ev);
            }
            assertEquals(SERVERS, f.sim.etcdMembers("pi-s1"));

            // ---- a fourth server added, then removed: members and Nodes follow the description ----
            List<String> four = List.of("pi-s1", "pi-s2", "pi-s3", "pi-s4");
            f.write(hcl(E2e.VERSION, four));
            CliRunner.Result added = f.apply();
            seen.add(added.all());
            assertEquals(0, added.exitCode(), added.all());
            assertContains(added.err(), "4 servers: an even number adds no fault tolerance");
            assertEquals(four, f.sim.etcdMembers("pi-s1"));
            assertTrue(f.readyNodesOn("pi-s1").contains("pi-s4"));

            f.write(hcl(E2e.VERSION, SERVERS));
            CliRunner.Result removed = f.apply();
            seen.add(removed.all());
            assertEquals(0, removed.exitCode(), removed.all());
            assertEquals(SERVERS, f.sim.etcdMembers("pi-s1"));
            assertEquals(nodes, f.readyNodesOn("pi-s1"));
            assertEquals("", f.sudoAny("pi-s4", "command -v k3s").stdout().strip(), "k3s uninstalled on pi-s4");
            assertEquals(List.of(), new ArrayList<>(f.pendingChanges()));

            // ---- backup, a dead card on the first server, restore: the objects back, every Node Ready ----
            f.write(hcl(E2e.VERSION, SERVERS) + OBJECTS);
            CliRunner.Result objects = f.apply();
            seen.add(objects.all());
            assertEquals(0, objects.exitCode(), objects.all());
            assertContains(f.sudo("pi-s2", "k3s kubectl get sc,pv -o name"), "persistentvolume/local-pv-1");
            CliRunner.Result backup = f.withSim("backup", "--out", "backups");
            seen.add(backup.all());
            assertEquals(0, backup.exitCode(), backup.all());
            Path archive;
            try (var s = Files.list(tmp.resolve("backups"))) {
                archive = s.filter(p -> p.toString().endsWith(".tar.gz")).findFirst().orElseThrow();
            }
            f.sudo("pi-s1", "systemctl stop k3s && rm -rf \"$PICTL_ROOT/var/lib/rancher/k3s/server/db\" && systemctl start k3s");
            Await.until("pi-s1 back on an empty datastore", Duration.ofSeconds(30),
                    () -> !f.sudo("pi-s1", "k3s kubectl get nodes -o name").isBlank());
            assertNotContains(f.sudo("pi-s1", "k3s kubectl get sc,pv -o name"), "local-pv-1");
            CliRunner.Result restored = f.withSim("restore", "--auto-approve", archive.toString());
            seen.add(restored.all());
            assertEquals(0, restored.exitCode(), restored.all());
            assertContains(restored.out(), "Restore complete: every Node is Ready");
            for (String s : SERVERS) {
                String got = f.sudo(s, "k3s kubectl get sc,pv -o name");
                assertContains(got, "storageclass.storage.k8s.io/local-storage");
                assertContains(got, "persistentvolume/local-pv-1");
            }
            assertEquals(SERVERS, f.sim.etcdMembers("pi-s1"));
            assertEquals(nodes, f.readyNodesOn("pi-s1"));
            ev = f.events();
            int reset = indexOf(ev, "etcd: pi-s1 is the one member of a new cluster");
            int rejoin2 = indexOf(ev.subList(reset, ev.size()), "etcd: pi-s2 joined cluster through pi-s1") + reset;
            int rejoin3 = indexOf(ev.subList(reset, ev.size()), "etcd: pi-s3 joined cluster through pi-s1") + reset;
            assertTrue(reset < rejoin2 && rejoin2 < rejoin3, "the others rejoin after the reset, one at a time: " + ev);

            // ---- a reboot of every board (a kernel parameter): refused while a member is down; then one member at a
            // time, each back and healthy before the next, though --max-unavailable allows three ----
            String withParams = hcl(E2e.VERSION, SERVERS).replace("\"cgroup_memory=1\"]",
                    "\"cgroup_memory=1\", \"usbcore.autosuspend=-1\"]") + OBJECTS;
            f.write(withParams);
            f.sudo("pi-s2", "systemctl stop k3s");
            int quiet = f.events().size();
            CliRunner.Result refusedReboot = f.apply("--max-unavailable", "3");
            seen.add(refusedReboot.all());
            assertEquals(1, refusedReboot.exitCode(), refusedReboot.all());
            assertContains(refusedReboot.err(), "this change reboots pi-s1, an etcd member, while member pi-s2 is down;"
                    + " that would lose quorum");
            assertContains(refusedReboot.err(), "this change reboots pi-s3, an etcd member");
            assertContains(refusedReboot.err(), "Down: pi-s2 (k3s not running)");
            assertEquals(List.of(), f.eventsSince(quiet), "nothing was touched");
            f.sudo("pi-s2", "systemctl start k3s");
            Await.until("pi-s2 Ready again", Duration.ofSeconds(30), () -> f.readyNodesOn("pi-s1").contains("pi-s2"));
            int start = f.events().size();
            CliRunner.Result rebooted = f.apply("--max-unavailable", "3");
            seen.add(rebooted.all());
            assertEquals(0, rebooted.exitCode(), rebooted.all());
            ev = f.eventsSince(start);
            List<String> order = ev.stream().filter(e -> e.startsWith("shutting down "))
                    .map(e -> e.substring("shutting down ".length(), e.indexOf(" for reboot")))
                    .filter(SERVERS::contains).toList();
            assertEquals(3, order.size(), "each server rebooted once: " + ev);
            for (int i = 1; i < order.size(); i++) {
                int back = indexOf(ev, "k3s started on " + order.get(i - 1));
                int next = indexOf(ev, "shutting down " + order.get(i));
                assertTrue(back < next, order.get(i) + " went down before " + order.get(i - 1) + " was back: " + ev);
            }
            assertEquals(SERVERS, f.sim.etcdMembers("pi-s1"));
            assertEquals(nodes, f.readyNodesOn("pi-s1"));
            for (String s : SERVERS) {
                assertContains(rebooted.out(), "kernel_params.cgroups[\"" + s + "\"]: wait for the etcd member of " + s
                        + " to be healthy");
                assertContains(f.cmdline(s), "usbcore.autosuspend=-1");
            }

            // ---- certificates close to expiry on a server that is not the first: every server renews, one at a
            // time, and each is checked ----
            f.node("pi-s2").setCertExpiry(20, null);
            String in20 = CertProbe.day(Instant.now().plus(Duration.ofDays(20)));
            f.write(withParams.replace("  token       = var.k3s_token\n", "  token       = var.k3s_token\n"
                    + "  cert_renewal_days = 30\n"));
            CliRunner.Result renewPlan = f.plan();
            seen.add(renewPlan.all());
            assertEquals(0, renewPlan.exitCode(), renewPlan.all());
            String renewed = CertProbe.day(Instant.now().plus(Duration.ofDays(365))) + " (after renewal)";
            assertContains(renewPlan.out(), "~ certificates = \"" + in20 + "\" -> \"" + renewed + "\"");
            int renewFrom = f.events().size();
            CliRunner.Result renew = f.apply("--max-unavailable", "3");
            seen.add(renew.all());
            assertEquals(0, renew.exitCode(), renew.all());
            ev = f.eventsSince(renewFrom);
            int previous = -1;
            for (String s : SERVERS) {
                assertContains(renew.out(), "check the renewed certificates on " + s);
                int stopped = indexOf(ev, "k3s stopped on " + s);
                int started = indexOf(ev, "k3s started on " + s);
                assertTrue(stopped > previous && started > stopped, s + " renewed before the previous server was back: "
                        + ev);
                previous = started;
                Instant notAfter = CertProbe.parse("file /var/lib/rancher/k3s/server/tls/client-admin.crt\n"
                        + f.sudo(s, "cat \"$PICTL_ROOT/var/lib/rancher/k3s/server/tls/client-admin.crt\"")).earliest()
                        .notAfter();
                assertTrue(CertProbe.daysLeft(notAfter, Instant.now()) >= 364, s + ": " + notAfter);
            }
            assertEquals(SERVERS, f.sim.etcdMembers("pi-s1"));
            assertEquals(List.of(), new ArrayList<>(f.pendingChanges()), "renewed: nothing left to do");

            // ---- the token: in no output, the saved plan, nor the state ----
            for (String out : seen) {
                assertNotContains(out, E2e.TOKEN);
            }
            assertNotContains(Files.readString(f.state()), E2e.TOKEN);
        }
    }
}
