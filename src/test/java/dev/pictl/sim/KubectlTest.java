package dev.pictl.sim;

import dev.pictl.sim.kube.Json;
import dev.pictl.sim.kube.Yaml;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** k3s kubectl on the server: nodes, StorageClasses and PVs with the real formats and rules. */
class KubectlTest extends SimTestSupport {
    @TempDir static Path dir;
    static SimCluster cluster;
    static SshClient client;
    static SimNode server, worker;
    static ClientSession s;

    static final String SC_YAML = """
            apiVersion: storage.k8s.io/v1
            kind: StorageClass
            metadata:
              name: local-storage
            provisioner: kubernetes.io/no-provisioner
            volumeBindingMode: WaitForFirstConsumer
            allowVolumeExpansion: true
            """;

    static String pvJson(String name, String path) {
        return """
                {"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "%s"},
                 "spec": {"capacity": {"storage": "10Gi"}, "accessModes": ["ReadWriteOnce"], "persistentVolumeReclaimPolicy": "Retain",
                          "storageClassName": "local-storage", "local": {"path": "%s"},
                          "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "kubernetes.io/hostname", "operator": "In", "values": ["w1"]}]}]}}}}
                """.formatted(name, path);
    }

    @BeforeAll
    static void start() throws IOException {
        List<NodeSpec> ns = nodes(randomBase(), 2222, "s1", "w1", "s2");
        ns = List.of(ns.get(0).withProvision(Provision.prepared().withK3sServer(null, null)),
                ns.get(1).withProvision(Provision.prepared().withK3sAgent("s1")),
                ns.get(2).withProvision(Provision.prepared().withK3sServer(null, null).withK3sConfig(Map.of("disable", List.of("local-storage", "traefik")))
                        .withManifests(List.of(SC_YAML, pvJson("pv-a", "/mnt/a"))).withBoundPvs(Map.of("pv-a", "default/data"))));
        cluster = SimCluster.start(fast(ns), dir);
        client = client(cluster);
        server = cluster.node("s1");
        worker = cluster.node("w1");
        s = session(client, server);
    }

    @AfterAll
    static void stop() throws IOException {
        s.close();
        client.stop();
        cluster.close();
    }

    static Result kubectl(String args, String stdin) throws IOException {
        return exec(s, "sudo k3s kubectl " + args, stdin, Duration.ofSeconds(20));
    }

    /** Issue 13: namespaces and network policies, with client-side apply's label merge, in the probe's one List. */
    @Test
    void namespacesAndNetworkPolicies() throws IOException {
        Result defaults = kubectl("get namespaces -o name", null);
        assertEquals("namespace/default\nnamespace/kube-node-lease\nnamespace/kube-public\nnamespace/kube-system\n", defaults.out());
        String ns = "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"apps\",\"labels\":{%s}}}";
        assertEquals("namespace/apps created\n", kubectl("apply -f -", ns.formatted("\"a\":\"1\",\"b\":\"2\"")).out());
        assertEquals("namespace/apps labeled\n", kubectl("label namespace apps by-hand=yes", null).out());
        Result refused = kubectl("label ns apps a=9", null);
        assertEquals(1, refused.exit());
        assertEquals("error: 'a' already has a value (1), and --overwrite is false\n", refused.err());
        assertEquals("namespace/apps configured\n", kubectl("apply -f -", ns.formatted("\"a\":\"1\"")).out());
        Map<?, ?> labels = (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) Json.parse(kubectl("get namespace apps -o json", null).out())).get("metadata")).get("labels");
        assertEquals(Map.of("a", "1", "by-hand", "yes", "kubernetes.io/metadata.name", "apps"), labels,
                "b was applied before and is gone; a label set by hand stays");

        String np = "{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"NetworkPolicy\",\"metadata\":{\"name\":\"deny\",\"namespace\":\"%s\"},"
                + "\"spec\":{\"podSelector\":{},\"policyTypes\":[\"Ingress\"]}}";
        Result missing = kubectl("apply -f -", np.formatted("nowhere"));
        assertEquals(1, missing.exit());
        assertEquals("Error from server (NotFound): error when creating \"STDIN\": namespaces \"nowhere\" not found\n", missing.err());
        assertEquals("networkpolicy.networking.k8s.io/deny created\n", kubectl("apply -f -", np.formatted("apps")).out());
        assertEquals(1, kubectl("get networkpolicy deny", null).exit(), "in namespace default: not found");
        assertEquals(0, kubectl("get networkpolicy deny -n apps", null).exit());
        String opened = "{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"NetworkPolicy\",\"metadata\":{\"name\":\"deny\",\"namespace\":\"apps\"},"
                + "\"spec\":{\"podSelector\":{},\"policyTypes\":[\"Ingress\"],\"ingress\":[{}]}}";
        assertEquals("networkpolicy.networking.k8s.io/deny replaced\n", kubectl("replace -f -", opened).out());
        assertEquals("networkpolicy.networking.k8s.io/deny configured\n", kubectl("apply -f -", np.formatted("apps")).out());
        Map<?, ?> spec = (Map<?, ?>) ((Map<?, ?>) Json.parse(kubectl("get netpol deny -n apps -o json", null).out())).get("spec");
        assertTrue(spec.containsKey("ingress"), "apply's merge keeps a field it never applied: " + spec);
        assertEquals("networkpolicy.networking.k8s.io/deny replaced\n", kubectl("replace -f -", np.formatted("apps")).out());
        spec = (Map<?, ?>) ((Map<?, ?>) Json.parse(kubectl("get netpol deny -n apps -o json", null).out())).get("spec");
        assertEquals(Map.of("podSelector", Map.of(), "policyTypes", List.of("Ingress")), spec, "replace makes it the manifest");
        assertEquals(1, kubectl("replace -f -", np.formatted("nowhere")).exit());

        Map<?, ?> list = (Map<?, ?>) Json.parse(kubectl("get nodes,storageclasses,persistentvolumes,namespaces,networkpolicies -A -o json", null).out());
        assertEquals("List", list.get("kind"));
        List<String> kinds = ((List<?>) list.get("items")).stream().map(o -> String.valueOf(((Map<?, ?>) o).get("kind"))).distinct().toList();
        assertEquals(List.of("Node", "StorageClass", "Namespace", "NetworkPolicy"), kinds);

        Result system = kubectl("delete namespace kube-system", null);
        assertEquals(1, system.exit());
        assertEquals("Error from server (Forbidden): namespaces \"kube-system\" is forbidden: this namespace may not be deleted\n", system.err());
        assertEquals("namespace \"apps\" deleted\n", kubectl("delete namespace apps --timeout=300s", null).out());
        assertEquals("", kubectl("get networkpolicies -A -o name", null).out(), "its policies went with it");
    }

    /** Issue 16: MemoryPressure on the Node, and the Node events the kubelet and node controller record. */
    @Test
    @SuppressWarnings("unchecked")
    void memoryPressure_andNodeEvents() throws Exception {
        kubectl("get node w1", null); // the status as first seen records nothing
        worker.setMemoryPressure(true);
        try {
            Map<?, ?> node = (Map<?, ?>) Json.parse(kubectl("get node w1 -o json", null).out());
            List<Map<String, Object>> conds = (List<Map<String, Object>>) ((Map<?, ?>) node.get("status")).get("conditions");
            Map<String, Object> mp = conds.stream().filter(c -> c.get("type").equals("MemoryPressure")).findFirst().orElseThrow();
            assertEquals(List.of("True", "KubeletHasInsufficientMemory", "kubelet has insufficient memory available"),
                    List.of(mp.get("status"), mp.get("reason"), mp.get("message")));
            assertTrue(String.valueOf(((Map<?, ?>) node.get("spec")).get("taints")).contains("node.kubernetes.io/memory-pressure"), node.toString());
            assertTrue(worker.sudo("journalctl -u k3s-agent --no-pager").stdout().contains("resourceName=\"memory\""));

            Result json = kubectl("get events -A --field-selector involvedObject.kind=Node,involvedObject.name=w1 -o json", null);
            assertEquals(0, json.exit(), json.err());
            Map<?, ?> list = (Map<?, ?>) Json.parse(json.out());
            assertEquals("List", list.get("kind"));
            List<Map<String, Object>> items = (List<Map<String, Object>>) list.get("items");
            items = items.subList(Math.max(0, items.size() - 2), items.size()); // the newest two: other tests may have made others
            assertEquals(List.of("NodeHasInsufficientMemory", "EvictionThresholdMet"), items.stream().map(e -> e.get("reason")).toList());
            Map<String, Object> ev = items.get(1);
            assertEquals(List.of("Event", "Warning", "Attempting to reclaim memory", 1, "default"),
                    List.of(ev.get("kind"), ev.get("type"), ev.get("message"), ev.get("count"), ((Map<?, ?>) ev.get("metadata")).get("namespace")));
            assertEquals(Map.of("kind", "Node", "name", "w1", "uid", "w1"), ev.get("involvedObject"));
            assertTrue(ev.get("lastTimestamp").toString().matches("\\d{4}-\\d\\d-\\d\\dT[0-9:]+Z"), ev.toString());
            assertEquals("Node w1 status is now: NodeHasInsufficientMemory", items.get(0).get("message"));

            assertTrue(kubectl("get events --field-selector involvedObject.name=nobody -o json", null).out().contains("\"items\": []"));
            Result table = kubectl("get events --field-selector involvedObject.name=w1", null);
            assertTrue(table.out().lines().findFirst().orElse("").matches("LAST SEEN +TYPE +REASON +OBJECT +MESSAGE"), table.out());
            assertTrue(table.out().lines().anyMatch(l -> l.matches("\\d+s +Warning +EvictionThresholdMet +node/w1 +Attempting to reclaim memory")), table.out());
            Result bad = kubectl("get events --field-selector spec.nodeName=w1", null);
            assertEquals(1, bad.exit());
            assertTrue(bad.err().endsWith("field label not supported: spec.nodeName\n"), bad.err());
        } finally {
            worker.setMemoryPressure(false);
        }
        Result back = kubectl("get events -A --field-selector involvedObject.kind=Node,reason=NodeHasSufficientMemory -o json", null);
        assertTrue(back.out().contains("Node w1 status is now: NodeHasSufficientMemory"), back.out());
    }

    @Test
    void defaultLocalPathStorageClass_unlessDisabled() throws IOException {
        Result r = kubectl("get storageclass", null);
        assertEquals(0, r.exit());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("local-path \\(default\\) +rancher\\.io/local-path +Delete +WaitForFirstConsumer +false +\\d+s")), r.out());
        try (ClientSession s2 = session(client, cluster.node("s2"))) {
            Result r2 = exec(s2, "sudo kubectl get sc -o name", null, Duration.ofSeconds(10));
            assertEquals("storageclass.storage.k8s.io/local-storage\n", r2.out());
            Result pv = exec(s2, "sudo kubectl get pv pv-a", null, Duration.ofSeconds(10));
            assertTrue(pv.out().lines().toList().get(1).matches("pv-a +10Gi +RWO +Retain +Bound +default/data +local-storage +<unset> +\\d+s"), pv.out());
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void getSeveralTypes_readsEveryType_oneListInTheirOrder() throws Exception {
        try (ClientSession s2 = session(client, cluster.node("s2"))) {
            Result j = exec(s2, "sudo k3s kubectl get nodes,storageclasses,persistentvolumes -o json", null, Duration.ofSeconds(10));
            assertEquals(0, j.exit(), j.err());
            Map<String, Object> list = (Map<String, Object>) Json.parse(j.out());
            assertEquals("List", list.get("kind"));
            assertEquals("v1", list.get("apiVersion"));
            List<String> kinds = ((List<Map<String, Object>>) list.get("items")).stream().map(i -> (String) i.get("kind")).toList();
            assertEquals(List.of("Node", "StorageClass", "PersistentVolume"), kinds);
            Result names = exec(s2, "sudo kubectl get pv,sc,no -o name", null, Duration.ofSeconds(10));
            assertEquals("persistentvolume/pv-a\nstorageclass.storage.k8s.io/local-storage\nnode/s2\n", names.out());
            Result table = exec(s2, "sudo kubectl get sc,pv", null, Duration.ofSeconds(10));
            List<String> lines = table.out().lines().toList();
            assertTrue(lines.get(1).startsWith("storageclass.storage.k8s.io/local-storage   kubernetes.io/no-provisioner"), table.out());
            assertEquals("", lines.get(2), "a blank line between the types' tables");
            assertTrue(lines.get(4).startsWith("persistentvolume/pv-a   10Gi"), table.out());
        }
        Result empty = kubectl("get pv,sc -o json", null);
        List<Map<String, Object>> items = (List<Map<String, Object>>) ((Map<String, Object>) Json.parse(empty.out())).get("items");
        assertEquals(List.of("StorageClass"), items.stream().map(i -> i.get("kind")).distinct().toList(), "s1 has no PVs");
        Result unknown = kubectl("get nodes,pods -o json", null);
        assertEquals(1, unknown.exit());
        assertEquals("error: the server doesn't have a resource type \"pods\"\n", unknown.err());
    }

    @Test
    void getNodes_jsonAndYaml() throws Exception {
        Result j = kubectl("get nodes -o json", null);
        @SuppressWarnings("unchecked")
        Map<String, Object> list = (Map<String, Object>) Json.parse(j.out());
        assertEquals("List", list.get("kind"));
        assertEquals(2, ((List<?>) list.get("items")).size());
        assertTrue(j.out().startsWith("{\n    \"apiVersion\": \"v1\",\n    \"items\": [\n"), j.out().substring(0, 60));
        Result y = kubectl("get node w1 -o yaml", null);
        @SuppressWarnings("unchecked")
        Map<String, Object> node = (Map<String, Object>) Yaml.parse(y.out());
        assertEquals("Node", node.get("kind"));
        assertTrue(y.out().contains("\n    kubernetes.io/hostname: w1\n"), y.out());
        Result jp = kubectl("get node w1 -o jsonpath='{.status.nodeInfo.containerRuntimeVersion}'", null);
        assertEquals("containerd://1.7.23-k3s2", jp.out());
        Result missing = kubectl("get node nope", null);
        assertEquals(1, missing.exit());
        assertEquals("Error from server (NotFound): nodes \"nope\" not found\n", missing.err());
    }

    @Test
    void apply_createsThenUnchangedThenConfigured_fromYamlAndJsonOnStdin() throws IOException {
        assertEquals("storageclass.storage.k8s.io/local-storage created\n", kubectl("apply -f -", SC_YAML).out());
        assertEquals("storageclass.storage.k8s.io/local-storage unchanged\n", kubectl("apply -f -", SC_YAML).out());
        Result c = kubectl("apply -f -", SC_YAML.replace("allowVolumeExpansion: true", "allowVolumeExpansion: false"));
        assertEquals("storageclass.storage.k8s.io/local-storage configured\n", c.out());
        assertEquals("persistentvolume/pv-1 created\n", kubectl("apply -f -", pvJson("pv-1", "/mnt/local-storage")).out());
        Result table = kubectl("get pv", null);
        assertTrue(table.out().startsWith("NAME   CAPACITY   ACCESS MODES   RECLAIM POLICY   STATUS      CLAIM   STORAGECLASS    VOLUMEATTRIBUTESCLASS   REASON   AGE\n"), table.out());
        assertTrue(table.out().contains("pv-1   10Gi       RWO            Retain           Available           local-storage   <unset>                          "), table.out());
    }

    @Test
    void storageClassImmutableFields_giveTheApiServersErrors() throws IOException {
        String sc = SC_YAML.replace("local-storage", "imm").replace("allowVolumeExpansion: true", "reclaimPolicy: Retain");
        assertEquals(0, kubectl("apply -f -", sc).exit());
        Result p = kubectl("apply -f -", sc + "parameters:\n  foo: bar\n");
        assertEquals(1, p.exit());
        assertEquals("The StorageClass \"imm\" is invalid: parameters: Forbidden: updates to parameters are forbidden.\n", p.err());
        Result prov = kubectl("apply -f -", sc.replace("kubernetes.io/no-provisioner", "rancher.io/local-path"));
        assertEquals("The StorageClass \"imm\" is invalid: provisioner: Forbidden: updates to provisioner are forbidden.\n", prov.err());
        Result rp = kubectl("apply -f -", sc.replace("reclaimPolicy: Retain", "reclaimPolicy: Delete"));
        assertEquals("The StorageClass \"imm\" is invalid: reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden.\n", rp.err());
        Result vb = kubectl("apply -f -", sc.replace("WaitForFirstConsumer", "Immediate"));
        assertEquals("The StorageClass \"imm\" is invalid: volumeBindingMode: Invalid value: \"Immediate\": field is immutable\n", vb.err());
        Result two = kubectl("apply -f -", sc.replace("WaitForFirstConsumer", "Immediate").replace("kubernetes.io/no-provisioner", "x.io/y"));
        assertEquals("The StorageClass \"imm\" is invalid: \n* provisioner: Forbidden: updates to provisioner are forbidden.\n"
                + "* volumeBindingMode: Invalid value: \"Immediate\": field is immutable\n", two.err());
        assertEquals("storageclass.storage.k8s.io \"imm\" deleted\n", kubectl("delete storageclass imm", null).out());
        Result gone = kubectl("delete sc imm", null);
        assertEquals("Error from server (NotFound): storageclasses.storage.k8s.io \"imm\" not found\n", gone.err());
        assertEquals(0, kubectl("delete sc imm --ignore-not-found", null).exit());
    }

    @Test
    void pvSourceIsImmutable_andALocalPvNeedsNodeAffinity() throws IOException {
        assertEquals(0, kubectl("apply -f -", pvJson("pv-2", "/mnt/one")).exit());
        Result r = kubectl("apply -f -", pvJson("pv-2", "/mnt/two"));
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith("The PersistentVolume \"pv-2\" is invalid: spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation\n"), r.err());
        assertTrue(r.err().contains("- \t\tPath: \"/mnt/one\",\n+ \t\tPath: \"/mnt/two\",\n"), r.err());
        assertEquals("persistentvolume/pv-2 configured\n", kubectl("apply -f -", pvJson("pv-2", "/mnt/one").replace("10Gi", "20Gi")).out());
        Result noAff = kubectl("apply -f -", "apiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: pv-3\nspec:\n  capacity:\n    storage: 1Gi\n  accessModes: [ReadWriteOnce]\n  local:\n    path: /mnt/x\n");
        assertEquals("The PersistentVolume \"pv-3\" is invalid: spec.nodeAffinity: Required value: Local volume requires node affinity\n", noAff.err());
    }

    @Test
    void deletingABoundPv_leavesItTerminatingWithItsFinalizer_untilTheClaimGoes() throws Exception {
        assertEquals(0, kubectl("apply -f -", pvJson("pv-b", "/mnt/b")).exit());
        assertTrue(cluster.bindPv("pv-b", "default/claim-b"));
        Result nowait = kubectl("delete pv pv-b --wait=false", null);
        assertEquals("persistentvolume \"pv-b\" deleted\n", nowait.out());
        Result get = kubectl("get pv pv-b -o jsonpath='{.status.phase} {.metadata.finalizers[0]} {.metadata.deletionTimestamp}'", null);
        assertTrue(get.out().startsWith("Bound kubernetes.io/pv-protection 20"), get.out());
        assertTrue(kubectl("get pv pv-b --no-headers", null).out().contains(" Terminating "));

        Result timed = kubectl("delete pv pv-b --timeout=1s", null);
        assertEquals(1, timed.exit());
        assertEquals("error: timed out waiting for the condition on persistentvolumes/pv-b\n", timed.err());

        try (ClientSession s2 = session(client, server)) {
            var waiting = cluster.pool().submit(() -> exec(s2, "sudo kubectl delete pv pv-b", null, Duration.ofSeconds(20)));
            Thread.sleep(700); // a window in which the delete must NOT return: the time is what is checked
            assertFalse(waiting.isDone(), "kubectl delete waits for the finalizer");
            cluster.releasePv("pv-b");
            Result done = waiting.get();
            assertEquals(0, done.exit());
        }
        assertEquals(1, kubectl("get pv pv-b", null).exit());
    }

    @Test
    void cordonDrainUncordonAndDeleteNode() throws Exception {
        assertEquals("node/w1 cordoned\n", kubectl("cordon w1", null).out());
        assertTrue(kubectl("get nodes", null).out().lines().anyMatch(l -> l.matches("w1 +Ready,SchedulingDisabled .*")));
        Result drain = kubectl("drain w1 --ignore-daemonsets --delete-emptydir-data --timeout=5m --force", null);
        assertEquals("node/w1 already cordoned\nnode/w1 drained\n", drain.out());
        assertTrue(drain.err().startsWith("Warning: ignoring DaemonSet-managed Pods: kube-system/svclb-traefik-"));
        assertEquals("node/w1 uncordoned\n", kubectl("uncordon w1", null).out());
        assertEquals("node \"w1\" deleted\n", kubectl("delete node w1", null).out());
        assertTrue(await(Duration.ofSeconds(3), () -> {
            try { return kubectl("get node w1 --no-headers", null).out().startsWith("w1 "); } catch (IOException e) { return false; }
        }), "a running agent registers again");
        assertTrue(cluster.eventMessages().contains("node w1 registered again"));
    }

    @Test
    void kubectlNeedsRootForTheKubeconfig_andTheServerRunning() throws IOException {
        Result r = exec(s, "kubectl get nodes", null, Duration.ofSeconds(10));
        assertEquals(1, r.exit());
        assertTrue(r.err().endsWith("error: error loading config file \"/etc/rancher/k3s/k3s.yaml\": open /etc/rancher/k3s/k3s.yaml: permission denied\n"), r.err());
        try (ClientSession s2 = session(client, cluster.node("s2"))) {
            Result stopped = exec(s2, "sudo systemctl stop k3s; sudo kubectl get nodes; echo rc=$?; sudo systemctl start k3s", null, Duration.ofSeconds(10));
            assertEquals("rc=1\n", stopped.out());
            assertEquals("The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?\n", stopped.err());
            assertEquals("local-storage\n", exec(s2, "sudo kubectl get sc -o jsonpath='{.items[*].metadata.name}'; echo", null, Duration.ofSeconds(10)).out(),
                    "the API's objects survive a k3s restart");
        }
    }
}
