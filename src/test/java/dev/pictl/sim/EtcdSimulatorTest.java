package dev.pictl.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pictl.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulator's embedded etcd (issue 14) as k3s behaves, driven through the boards' own shells (no pictl): a
 * running sqlite server restarted with cluster-init keeps its objects; two servers started at the same moment: one
 * fails with "too many learner members" and joins after its restart; etcd's client API answers curl only with the
 * client certificate; a deleted Node takes its member out, and that board cannot rejoin until its server/db is wiped;
 * with two of three members down the API stops taking requests.
 */
class EtcdSimulatorTest extends SimTestSupport {
    static final String TOKEN = "etcd-sim-t0ken";
    static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private static String must(SimNode n, String cmd) {
        ExecResult r = n.sudo(cmd);
        assertEquals(0, r.exitCode(), n.name() + ": " + cmd + "\n" + r.stdout() + r.stderr());
        return r.stdout();
    }

    private static void joinConfig(SimNode n, String url) {
        must(n, "curl -sfL https://get.k3s.io | INSTALL_K3S_VERSION='v1.31.4+k3s1' INSTALL_K3S_EXEC=server "
                + "INSTALL_K3S_SKIP_START=true sh - >/dev/null 2>&1; mkdir -p \"$PICTL_ROOT/etc/rancher/k3s\" && printf '"
                + "node-name: " + n.name() + "\\nserver: " + url + "\\ntoken: " + TOKEN + "\\n' > \"$PICTL_ROOT/etc/rancher/k3s/config.yaml\"");
    }

    private static String curl(String path, boolean cert) {
        String c = "\"$PICTL_ROOT/var/lib/rancher/k3s/server/tls/etcd";
        return "curl -sS --cacert " + c + "/server-ca.crt\"" + (cert ? " --cert " + c + "/server-client.crt\" --key " + c
                + "/server-client.key\"" : "") + " -X POST https://127.0.0.1:2379" + path;
    }

    @Test
    void sqliteMigrates_concurrentJoinsFail_removedMembersStayOut_quorumLossStopsTheApi() throws Exception {
        List<NodeSpec> ns = nodes(randomBase(), 2222, "s1", "s2", "s3");
        ns = List.of(ns.get(0).withProvision(Provision.prepared().withK3sServer("v1.31.4+k3s1", TOKEN)
                        .withManifests(List.of("{\"apiVersion\":\"storage.k8s.io/v1\",\"kind\":\"StorageClass\","
                                + "\"metadata\":{\"name\":\"kept\"},\"provisioner\":\"kubernetes.io/no-provisioner\"}"))),
                ns.get(1).withProvision(Provision.prepared()), ns.get(2).withProvision(Provision.prepared()));
        try (SimCluster c = SimCluster.start(fast(ns), dir)) {
            SimNode s1 = c.node("s1");
            SimNode s2 = c.node("s2");
            SimNode s3 = c.node("s3");
            assertEquals(List.of(), c.etcdMembers("s1"), "a provisioned server runs on sqlite");

            // ---- sqlite → etcd: restart with cluster-init; the objects stay ----
            must(s1, "printf 'cluster-init: true\\n' >> \"$PICTL_ROOT/etc/rancher/k3s/config.yaml\" && systemctl restart k3s");
            Await.until("s1 active", WAIT, () -> s1.units.state("k3s.service") == Units.State.ACTIVE);
            assertEquals(List.of("s1"), c.etcdMembers("s1"));
            assertTrue(must(s1, "k3s kubectl get storageclass kept -o name").contains("storageclass"), "objects migrated");
            assertTrue(Files.exists(s1.root().resolve("var/lib/rancher/k3s/server/db/state.db.migrated")));
            assertTrue(must(s1, "journalctl -u k3s --no-pager").contains("Migrating content from sqlite to etcd"));

            // ---- two servers started at the same moment: one fails, as k3s does, and joins after its restart ----
            String url = "https://" + s1.advertisedAddress() + ":6443";
            joinConfig(s2, url);
            joinConfig(s3, url);
            CompletableFuture<ExecResult> a = CompletableFuture.supplyAsync(() -> s2.sudo("systemctl --no-block start k3s"));
            CompletableFuture<ExecResult> b = CompletableFuture.supplyAsync(() -> s3.sudo("systemctl --no-block start k3s"));
            assertEquals(0, a.get().exitCode());
            assertEquals(0, b.get().exitCode());
            Await.until("a join refused", WAIT, () -> c.eventMessages().stream()
                    .anyMatch(e -> e.contains("failed: too many learner members in cluster")));
            String loser = c.eventMessages().stream().filter(e -> e.contains("too many learner members"))
                    .findFirst().orElseThrow().contains("join of s2") ? "s2" : "s3";
            assertTrue(must(c.node(loser), "journalctl -u k3s --no-pager")
                    .contains("ETCD join failed: etcdserver: too many learner members in cluster"));
            Await.until("three members", WAIT, () -> c.etcdMembers("s1").size() == 3);
            Await.until("three Ready", WAIT, () -> must(s1, "k3s kubectl get nodes --no-headers").lines()
                    .filter(l -> l.contains(" Ready ")).count() == 3);
            assertTrue(must(s3, "k3s kubectl get storageclass kept -o name").contains("storageclass"),
                    "every server serves the same objects");
            assertTrue(must(s1, "k3s kubectl get node s2 -o json").contains("node-role.kubernetes.io/etcd"), "k3s labels etcd servers");

            // ---- etcd's client API: the member list with the client certificate, refused without ----
            String list = must(s1, curl("/v3/cluster/member/list", true));
            for (String s : List.of("s1", "s2", "s3")) {
                assertTrue(list.contains("\"name\":\"" + s + "-"), list);
            }
            ExecResult noCert = s1.sudo(curl("/v3/cluster/member/list", false));
            assertEquals(56, noCert.exitCode(), noCert.stderr());
            assertTrue(noCert.stderr().contains("certificate required"), noCert.stderr());

            // ---- a deleted Node takes its member out; the board cannot rejoin until server/db is wiped ----
            must(s1, "k3s kubectl delete node s3");
            assertEquals(2, c.etcdMembers("s1").size(), c.etcdMembers("s1").toString());
            assertFalse(c.etcdMembers("s1").contains("s3"), c.etcdMembers("s1").toString());
            must(s3, "systemctl restart --no-block k3s");
            Await.until("s3 refused", WAIT, () -> must(s3, "journalctl -u k3s --no-pager")
                    .contains("the member has been permanently removed from the cluster"));
            assertFalse(c.etcdMembers("s1").contains("s3"));
            must(s3, "systemctl stop k3s && rm -rf \"$PICTL_ROOT/var/lib/rancher/k3s/server/db\" && systemctl --no-block start k3s");
            Await.until("s3 back as a member", WAIT, () -> c.etcdMembers("s1").contains("s3"));

            // ---- two of three down: no quorum, the API takes no requests ----
            Await.until("s3 healthy", WAIT, () -> must(s1, curl("/v3/cluster/member/list", true)).contains("s3-")
                    && !must(s1, curl("/v3/cluster/member/list", true)).contains("isLearner"));
            s2.powerOff();
            s3.powerOff();
            ExecResult down = s1.sudo("k3s kubectl get nodes");
            assertEquals(1, down.exitCode());
            assertTrue(down.stderr().contains("etcdserver: request timed out"), down.stderr());
            assertTrue(must(s1, curl("/health", true)).contains("\"health\":\"false\""));
        }
    }
}
