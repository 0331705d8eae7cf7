package dev.pictl.sim;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The k3s install script contract, the Type=notify units, server and agent semantics, docker.io. */
class K3sTest extends SimTestSupport {
    @TempDir static Path dir;
    static SimCluster cluster;
    static SshClient client;
    static SimNode server, agent, bare, prepared, dockerNode, neg;

    @BeforeAll
    static void start() throws IOException {
        List<NodeSpec> ns = nodes(randomBase(), 2222, "srv", "agt", "bare", "prep", "dock", "neg", "ce");
        ns = List.of(
                ns.get(0).withProvision(Provision.prepared().withK3sServer("v1.31.4+k3s1", "s3cr3t-token").withK3sConfig(Map.of("disable", List.of("traefik")))),
                ns.get(1).withProvision(Provision.prepared().withK3sAgent("srv")),
                ns.get(2),
                ns.get(3).withProvision(Provision.prepared()),
                ns.get(4).withProvision(Provision.prepared().withDocker(true)),
                ns.get(5).withProvision(Provision.none().withKernelFlags(List.of("cgroup_enable=memory"))),
                ns.get(6).withProvision(Provision.prepared().withPackages(Map.of("docker-ce", "5:27.3.1-1~debian.12~bookworm", "containerd.io", "1.7.22-1"))));
        cluster = SimCluster.start(fast(ns), dir);
        client = client(cluster);
        server = cluster.node("srv");
        agent = cluster.node("agt");
        bare = cluster.node("bare");
        prepared = cluster.node("prep");
        dockerNode = cluster.node("dock");
        neg = cluster.node("neg");
    }

    @AfterAll
    static void stop() throws IOException {
        client.stop();
        cluster.close();
    }

    @Test
    void provisionedServerAndAgent_areReady() throws IOException {
        Result r = ssh(client, server, "sudo k3s kubectl get nodes");
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).matches("NAME +STATUS +ROLES +AGE +VERSION"), lines.get(0));
        assertTrue(lines.get(1).matches("agt +Ready +<none> +\\d+s +v1\\.31\\.4\\+k3s1"), lines.get(1));
        assertTrue(lines.get(2).matches("srv +Ready +control-plane,master +\\d+s +v1\\.31\\.4\\+k3s1"), lines.get(2));
        assertEquals("K10", read(server, "/var/lib/rancher/k3s/server/token").substring(0, 3));
        assertTrue(read(server, "/var/lib/rancher/k3s/server/token").trim().endsWith("::server:s3cr3t-token"));
        assertEquals(read(server, "/var/lib/rancher/k3s/server/token"), read(server, "/var/lib/rancher/k3s/server/node-token"));
        Result v = ssh(client, agent, "k3s --version");
        assertTrue(v.out().matches("k3s version v1\\.31\\.4\\+k3s1 \\([0-9a-f]{8}\\)\ngo version go1\\.22\\.9\n"), v.out());
    }

    @Test
    void installScript_writesTheFilesAndUnitOfTheRealOne() throws IOException {
        Result r = ssh(client, prepared, "curl -sfL https://get.k3s.io | K3S_TOKEN=tok123 INSTALL_K3S_VERSION=v1.30.8+k3s1 INSTALL_K3S_SKIP_START=true INSTALL_K3S_EXEC='server --disable=traefik' sh -");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("[INFO]  Using v1.30.8+k3s1 as release\n"), r.out());
        assertTrue(r.out().contains("[INFO]  systemd: Enabling k3s unit\n"));
        assertFalse(r.out().contains("Failed to find memory cgroup"), "memory cgroup is booted on a prepared node");
        for (String f : List.of("/usr/local/bin/k3s", "/usr/local/bin/k3s-killall.sh", "/usr/local/bin/k3s-uninstall.sh")) assertTrue(Files.isExecutable(p(prepared, f)), f);
        for (String l : List.of("kubectl", "crictl", "ctr")) assertEquals(Path.of("k3s"), Files.readSymbolicLink(p(prepared, "/usr/local/bin/" + l)));
        String unit = read(prepared, "/etc/systemd/system/k3s.service");
        assertTrue(unit.contains("Type=notify\n") && unit.contains("Restart=always\n") && unit.contains("RestartSec=5s\n") && unit.contains("KillMode=process\n"));
        assertTrue(unit.contains("EnvironmentFile=-/etc/systemd/system/k3s.service.env\n"));
        assertTrue(unit.contains("ExecStart=/usr/local/bin/k3s \\\n    server \\\n\t'--disable=traefik' \\\n"), unit);
        Path env = p(prepared, "/etc/systemd/system/k3s.service.env");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(env)));
        assertEquals("K3S_TOKEN='tok123'\n", read(prepared, "/etc/systemd/system/k3s.service.env"));
        assertTrue(Files.exists(p(prepared, "/etc/systemd/system/multi-user.target.wants/k3s.service"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertEquals("inactive\n", ssh(client, prepared, "systemctl is-active k3s").out(), "SKIP_START leaves it stopped");

        Result again = ssh(client, prepared, "curl -sfL https://get.k3s.io | K3S_TOKEN=tok123 INSTALL_K3S_VERSION=v1.30.8+k3s1 INSTALL_K3S_EXEC='server --disable=traefik' sh - && systemctl is-active k3s");
        assertTrue(again.out().contains("[INFO]  Skipping binary downloaded, installed k3s matches hash"), again.out());
        assertTrue(again.out().contains("[INFO]  No change detected so skipping service start\n"), again.out());
        assertTrue(again.out().endsWith("inactive\n"));

        Result forced = ssh(client, prepared, "curl -sfL https://get.k3s.io | K3S_TOKEN=tok123 INSTALL_K3S_VERSION=v1.30.8+k3s1 INSTALL_K3S_EXEC='server --disable=traefik' INSTALL_K3S_FORCE_RESTART=true sh - && systemctl is-active k3s");
        assertTrue(forced.out().contains("[INFO]  systemd: Starting k3s\n"), forced.out());
        assertTrue(forced.out().endsWith("active\n"), "the restart blocks until the Type=notify unit is up");

        Result upgrade = ssh(client, prepared, "curl -sfL https://get.k3s.io | K3S_TOKEN=tok123 INSTALL_K3S_VERSION=v1.31.4+k3s1 INSTALL_K3S_EXEC='server --disable=traefik' sh - "
                + "&& sudo k3s kubectl get node prep -o jsonpath='{.status.nodeInfo.kubeletVersion}'");
        assertTrue(upgrade.out().contains("[INFO]  systemd: Starting k3s\n"), upgrade.out());
        assertTrue(upgrade.out().endsWith("v1.31.4+k3s1"), upgrade.out());

        Result un = ssh(client, prepared, "sudo k3s-uninstall.sh; echo rc=$?; ls \"$PICTL_ROOT/usr/local/bin\" \"$PICTL_ROOT/etc/rancher\"; test -e \"$PICTL_ROOT/etc/systemd/system/k3s.service\" || echo unit-gone; systemctl is-active k3s; k3s --version; echo rc=$?");
        assertEquals("rc=0\n" + p(prepared, "/etc/rancher") + ":\n" + p(prepared, "/usr/local/bin") + ":\nunit-gone\ninactive\nrc=127\n",
                un.out().replace("\n\n", "\n"), un.err());
    }

    @Test
    void installScript_rejectsBadAgentSettings() throws IOException {
        Result http = ssh(client, neg, "curl -sfL https://get.k3s.io | K3S_URL=http://10.0.0.1:6443 K3S_TOKEN=x sh -");
        assertEquals(1, http.exit());
        assertEquals("[ERROR]  Only https:// URLs are supported for K3S_URL (have http://10.0.0.1:6443)\n", http.err());
        Result noToken = ssh(client, neg, "curl -sfL https://get.k3s.io | K3S_URL=https://10.0.0.1:6443 sh -");
        assertEquals(1, noToken.exit());
        assertEquals("[ERROR]  Defaulted k3s exec command to 'agent' because K3S_URL is defined, but K3S_TOKEN or K3S_TOKEN_FILE is not defined.\n", noToken.err());
        Result skip = ssh(client, neg, "curl -sfL https://get.k3s.io | INSTALL_K3S_SKIP_DOWNLOAD=true sh -");
        assertEquals(1, skip.exit());
        assertEquals("[ERROR]  Executable k3s binary not found at /usr/local/bin/k3s\n", skip.err());
        Result net = ssh(client, neg, "curl -sfL https://github.com/k3s-io/k3s/releases; echo rc=$?; curl -fL https://example.org/x 2>&1; echo rc=$?");
        assertEquals("rc=6\ncurl: (6) Could not resolve host: example.org\nrc=6\n", net.out());
    }

    @Test
    void serverWithoutMemoryCgroup_neverStarts_showsAutoRestart_andTheJournalHasTheRealError() throws Exception {
        Result inst = ssh(client, bare, "curl -sfL https://get.k3s.io | INSTALL_K3S_SKIP_START=true sh -");
        assertTrue(inst.out().contains("[INFO]  Failed to find memory cgroup, you may need to add \"cgroup_memory=1 cgroup_enable=memory\" to your linux cmdline (/boot/cmdline.txt on a Raspberry Pi)\n"), inst.out());
        assertTrue(inst.out().contains("[INFO]  Using " + ClusterSpec.DEFAULT_K3S + " as release"), "stable channel");

        try (ClientSession s = session(client, bare)) {
            long t0 = System.nanoTime();
            Result blocking = exec(s, "timeout 2 sudo systemctl start k3s; echo rc=$?", null, Duration.ofSeconds(10));
            assertEquals("rc=124\n", blocking.out(), "a Type=notify start that cannot succeed does not return on its own");
            assertTrue(Duration.ofNanos(System.nanoTime() - t0).toMillis() >= 1900);
            Result show = exec(s, "systemctl show -p ActiveState,SubState k3s; systemctl is-active k3s; echo rc=$?");
            assertTrue(show.out().equals("ActiveState=activating\nSubState=auto-restart\nactivating\nrc=3\n")
                    || show.out().equals("ActiveState=activating\nSubState=start\nactivating\nrc=3\n"), show.out());
            Result j = exec(s, "journalctl -u k3s -n 20 --no-pager");
            assertTrue(j.out().contains("level=fatal msg=\"Error: failed to find memory cgroup (v2)\""), j.out());
            assertTrue(j.out().contains("k3s.service: Scheduled restart job, restart counter is at 1."), j.out());
            assertTrue(j.out().lines().allMatch(l -> l.matches("[A-Z][a-z]{2} \\d\\d \\d\\d:\\d\\d:\\d\\d raspberrypi \\S+\\[\\d+\\]: .*")), j.out());
            Result noBlock = exec(s, "sudo systemctl stop k3s; sudo systemctl start --no-block k3s; echo rc=$?; sudo systemctl stop k3s; systemctl is-active k3s");
            assertEquals("rc=0\ninactive\n", noBlock.out());
        }
        assertTrue(cluster.eventMessages().contains("k3s failed on bare: Error: failed to find memory cgroup (v2)"), cluster.eventMessages().toString());
    }

    @Test
    void agentWithWrongToken_doesNotJoin_agentWithTheRightOneDoes() throws Exception {
        String url = "https://" + server.address() + ":6443";
        Result bad = ssh(client, dockerNode, "curl -sfL https://get.k3s.io | K3S_URL=" + url + " K3S_TOKEN=wrong INSTALL_K3S_SKIP_START=true sh - >/dev/null && "
                + "sudo systemctl start --no-block k3s-agent && sleep 0.5 && systemctl is-active k3s-agent; journalctl -u k3s-agent -n 3 -o cat");
        assertTrue(bad.out().startsWith("activating\n"), bad.out());
        assertTrue(bad.out().contains("401 Unauthorized"), bad.out());
        assertFalse(ssh(client, server, "sudo kubectl get nodes -o name").out().contains("node/dock"));

        String token = read(server, "/var/lib/rancher/k3s/server/token").trim();
        Result good = ssh(client, dockerNode, "sudo mkdir -p \"$PICTL_ROOT/etc/rancher/k3s\" && printf 'token: %s\\nserver: " + url + "\\nnode-name: dock\\ndocker: true\\n' '" + token + "' | sudo tee \"$PICTL_ROOT/etc/rancher/k3s/config.yaml\" >/dev/null"
                + " && sudo sh -c '> \"$PICTL_ROOT/etc/systemd/system/k3s-agent.service.env\"' && sudo systemctl restart k3s-agent && systemctl is-active k3s-agent");
        assertEquals("active\n", good.out(), good.err());
        Result nodes = ssh(client, server, "sudo kubectl get nodes -o wide");
        assertTrue(nodes.out().lines().anyMatch(l -> l.startsWith("dock ") && l.contains(" Ready ") && l.endsWith("docker://20.10.24+dfsg1")), nodes.out());
        assertTrue(cluster.eventMessages().contains("k3s-agent restarted on dock"));
    }

    @Test
    void aSecondBoardWithTheSameNodeName_isRejectedByTheServer() throws Exception {
        String token = read(server, "/var/lib/rancher/k3s/server/token").trim();
        Result r = ssh(client, neg, "sudo mkdir -p \"$PICTL_ROOT/etc/rancher/k3s\" && printf 'node-name: agt\\n' | sudo tee \"$PICTL_ROOT/etc/rancher/k3s/config.yaml\" >/dev/null && "
                + "curl -sfL https://get.k3s.io | K3S_URL=https://" + server.address() + ":6443 K3S_TOKEN='" + token + "' INSTALL_K3S_SKIP_START=true INSTALL_K3S_NAME=dup sh - >/dev/null && "
                + "sudo systemctl start --no-block k3s-dup && sleep 0.5 && systemctl is-active k3s-dup; sudo journalctl -u k3s-dup -n 1 -o cat; sudo systemctl stop k3s-dup");
        assertTrue(r.out().startsWith("activating\n"), r.out() + r.err());
        assertTrue(r.out().contains("Node password rejected, duplicate hostname or contents of '/etc/rancher/node/password' may not match server node-passwd entry, try enabling a unique node name with the --with-node-id flag"), r.out());
        assertEquals(agent.address(), ssh(client, server, "sudo kubectl get node agt -o jsonpath='{.status.addresses[0].address}'").out(), "the first board keeps the name");
    }

    @Test
    void anAgentWhoseServerIsDown_keepsRetrying_andJoinsWhenItComesBack() throws Exception {
        try (ClientSession onServer = session(client, server); ClientSession onAgent = session(client, agent)) {
            assertEquals(0, exec(onServer, "sudo systemctl stop k3s").exit());
            Result r = exec(onAgent, "sudo systemctl restart --no-block k3s-agent; sleep 0.4; systemctl is-active k3s-agent; journalctl -u k3s-agent -n 1 -o cat");
            assertTrue(r.out().startsWith("activating\n"), r.out());
            assertTrue(r.out().contains("level=error msg=\"failed to get CA certs: Get \\\"https://" + server.address() + ":6443/cacerts\\\": dial tcp " + server.address()
                    + ":6443: connect: connection refused"), r.out());
            assertEquals(0, exec(onServer, "sudo systemctl start k3s").exit());
            assertTrue(await(Duration.ofSeconds(6), () -> agent.unitState("k3s-agent").equals("active (running)")), agent.unitState("k3s-agent"));
        }
    }

    @Test
    void nodesGoNotReady_whenK3sStops_orTheBoardIsDown_andReadyAgain() throws Exception {
        assertEquals(0, ssh(client, agent, "sudo systemctl stop k3s-agent").exit());
        assertTrue(ssh(client, server, "sudo kubectl get node agt").out().lines().skip(1).findFirst().orElse("").matches("agt +NotReady .*"));
        assertEquals(0, ssh(client, agent, "sudo systemctl start k3s-agent").exit());
        agent.powerOff();
        Result down = ssh(client, server, "sudo kubectl get node agt -o jsonpath='{.status.conditions[3].type}={.status.conditions[3].status}'");
        assertEquals("Ready=Unknown", down.out());
        agent.powerOn();
        assertTrue(await(Duration.ofSeconds(5), () -> {
            try { return ssh(client, server, "sudo kubectl get node agt --no-headers").out().matches("agt +Ready .*\n"); } catch (IOException e) { return false; }
        }), "enabled units start at boot");
        Result onAgent = ssh(client, agent, "sudo kubectl get nodes");
        assertEquals(1, onAgent.exit());
        assertEquals("The connection to the server localhost:8080 was refused - did you specify the right host or port?\n", onAgent.err());
    }

    @Test
    void dockerIo_installAndDetection() throws Exception {
        Result q = ssh(client, dockerNode, "dpkg-query -W -f='${db:Status-Abbrev} ${Version}\\n' docker.io docker-ce containerd.io; echo rc=$?; sudo docker info 2>&1 >/dev/null; echo rc=$?");
        assertEquals("ii  20.10.24+dfsg1-1+deb12u1+b1\nrc=1\nrc=0\n", q.out());
        assertEquals("dpkg-query: no packages found matching docker-ce\ndpkg-query: no packages found matching containerd.io\n", q.err());
        Result noMem = ssh(client, bare, "sudo apt-get install -y docker.io >/dev/null 2>&1; sudo docker info >/dev/null; sudo apt-get remove -y docker.io >/dev/null; dpkg-query -W -f='${db:Status-Abbrev} ${Version}\\n' docker.io");
        assertEquals("WARNING: No memory limit support\nWARNING: No swap limit support\n", noMem.err());
        assertEquals("rc  20.10.24+dfsg1-1+deb12u1+b1\n", noMem.out());
    }

    @Test
    void dockerCe_isSeenByDpkgQuery_andConflictsWithDockerIo() throws IOException {
        SimNode ce = cluster.node("ce");
        Result q = ssh(client, ce, "dpkg-query -W -f='${db:Status-Abbrev} ${Version}\\n' docker.io docker-ce containerd.io; echo rc=$?; systemctl is-active docker; sudo docker info >/dev/null && echo info-ok");
        assertEquals("ii  5:27.3.1-1~debian.12~bookworm\nii  1.7.22-1\nrc=1\nactive\ninfo-ok\n", q.out());
        assertEquals("dpkg-query: no packages found matching docker.io\n", q.err());
        Result conflict = ssh(client, ce, "sudo apt-get install -y docker.io");
        assertEquals(100, conflict.exit());
        assertTrue(conflict.out().contains(" containerd : Conflicts: containerd.io"), conflict.out());
    }
}
