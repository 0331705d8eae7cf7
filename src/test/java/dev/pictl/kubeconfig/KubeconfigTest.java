package dev.pictl.kubeconfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pictl.kubeconfig.Kubeconfig.Section;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The pure functions: parse, rewrite, merge, serialise. */
@Tag("fast")
class KubeconfigTest {
    /** What k3s writes (the simulator's stand-in writes exactly this shape). */
    static final String K3S = """
            apiVersion: v1
            clusters:
            - cluster:
                certificate-authority-data: Q0EtREFUQQ==
                server: https://127.0.0.1:6443
              name: default
            contexts:
            - context:
                cluster: default
                user: default
              name: default
            current-context: default
            kind: Config
            preferences: {}
            users:
            - name: default
              user:
                client-certificate-data: Q0VSVC1EQVRB
                client-key-data: S0VZLURBVEEtc2VjcmV0
            """;

    /** A user's kubeconfig: two other contexts, a stale entry of ours, preferences and a key pictl does not know. */
    static final String EXISTING = """
            apiVersion: v1
            kind: Config
            clusters:
            - name: work
              cluster:
                server: https://k8s.example.com:443
                certificate-authority: /etc/work/ca.pem
            - name: homelab
              cluster:
                server: https://10.0.0.99:6443
                insecure-skip-tls-verify: true
            - name: minikube
              cluster:
                server: https://192.168.49.2:8443
                extensions:
                - name: cluster_info
                  extension: {provider: minikube.sigs.k8s.io, version: "1.32"}
            contexts:
            - name: work
              context: {cluster: work, user: alice, namespace: "0123"}
            - name: minikube
              context: {cluster: minikube, user: minikube}
            - name: homelab
              context: {cluster: homelab, user: homelab}
            current-context: work
            preferences:
              colors: true
            users:
            - name: alice
              user:
                exec:
                  apiVersion: client.authentication.k8s.io/v1beta1
                  command: gke-gcloud-auth-plugin
                  args: ["--flag", "yes", "null", "12"]
                  interactiveMode: IfAvailable
            - name: minikube
              user: {client-certificate: /home/u/.minikube/client.crt, client-key: /home/u/.minikube/client.key}
            - name: homelab
              user: {token: stale-token}
            x-tool-settings:
              note: |
                two
                lines
              when: 2024-01-01
              count: 7
              ratio: 0.5
              empty: null
            """;

    static Kubeconfig ours() throws KubeconfigException {
        return Kubeconfig.parse(K3S).forContext("homelab", "https://192.168.1.10:6443");
    }

    @Test
    void forContext_renamesDefaultAndPointsAtTheServerAddress() throws Exception {
        Kubeconfig k = ours();
        assertEquals(List.of("homelab"), k.names(Section.CLUSTERS));
        assertEquals(List.of("homelab"), k.names(Section.CONTEXTS));
        assertEquals(List.of("homelab"), k.names(Section.USERS));
        assertEquals(Optional.of("homelab"), k.currentContext());
        ObjectNode cluster = k.entry(Section.CLUSTERS, "homelab").orElseThrow();
        assertEquals("https://192.168.1.10:6443", cluster.at("/cluster/server").asText());
        assertEquals("Q0EtREFUQQ==", cluster.at("/cluster/certificate-authority-data").asText());
        ObjectNode context = k.entry(Section.CONTEXTS, "homelab").orElseThrow();
        assertEquals("homelab", context.at("/context/cluster").asText());
        assertEquals("homelab", context.at("/context/user").asText());
        ObjectNode user = k.entry(Section.USERS, "homelab").orElseThrow();
        assertEquals("S0VZLURBVEEtc2VjcmV0", user.at("/user/client-key-data").asText());
        assertEquals("Q0VSVC1EQVRB", user.at("/user/client-certificate-data").asText());
        // kubectl's layout and k3s's key order, the text kubectl would write for it
        assertEquals("""
                apiVersion: v1
                clusters:
                - cluster:
                    certificate-authority-data: Q0EtREFUQQ==
                    server: https://192.168.1.10:6443
                  name: homelab
                contexts:
                - context:
                    cluster: homelab
                    user: homelab
                  name: homelab
                current-context: homelab
                kind: Config
                preferences: {}
                users:
                - name: homelab
                  user:
                    client-certificate-data: Q0VSVC1EQVRB
                    client-key-data: S0VZLURBVEEtc2VjcmV0
                """, k.serialise());
    }

    @Test
    void forContext_followsTheCurrentContextNotTheNameDefault() throws Exception {
        String text = K3S.replace("name: default", "name: other").replace("cluster: default", "cluster: other")
                .replace("user: default", "user: other").replace("current-context: default", "current-context: other");
        Kubeconfig k = Kubeconfig.parse(text).forContext("lab", "https://h:6443");
        assertEquals(List.of("lab"), k.names(Section.USERS));
        assertEquals("https://h:6443", k.entry(Section.CLUSTERS, "lab").orElseThrow().at("/cluster/server").asText());
    }

    @Test
    void forContext_refusesAFileWhoseContextNamesAMissingUser() throws Exception {
        Kubeconfig k = Kubeconfig.parse(K3S.replace("- name: default\n  user:", "- name: nobody\n  user:"));
        KubeconfigException e = assertThrows(KubeconfigException.class, () -> k.forContext("lab", "https://h:6443"));
        assertEquals("context \"default\" names user \"default\", which is not in users", e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "192.168.1.10 | 6443 | https://192.168.1.10:6443",
            "pi-server-1.lan | 6443 | https://pi-server-1.lan:6443",
            "fd00::10 | 6443 | https://[fd00::10]:6443",
            "[fd00::10] | 6443 | https://[fd00::10]:6443",
            "fe80::1%eth0 | 7443 | https://[fe80::1%25eth0]:7443"})
    void serverUrl_bracketsIpv6(String host, int port, String url) {
        assertEquals(url, Kubeconfig.serverUrl(host, port));
    }

    @Test
    void merge_replacesOnlyOurEntriesInPlaceAndKeepsEverythingElse() throws Exception {
        Kubeconfig before = Kubeconfig.parse(EXISTING);
        Kubeconfig.Merged m = before.mergedWith(ours());
        ObjectNode was = before.tree();
        // what a reader of the written file sees
        ObjectNode now = Kubeconfig.parse(m.result().serialise()).tree();

        assertEquals(2, m.otherContexts());
        assertEquals("work", m.previousCurrentContext());
        assertTrue(m.replaced());
        assertEquals("homelab", now.get("current-context").asText());
        // every other entry equal as a parsed value, in its place; ours where the stale one stood
        for (Section s : Section.values()) {
            JsonNode a = was.get(s.key());
            JsonNode b = now.get(s.key());
            assertEquals(a.size(), b.size(), s.key());
            for (int i = 0; i < a.size(); i++) {
                String name = a.get(i).get("name").asText();
                assertEquals(name, b.get(i).get("name").asText(), s.key() + "[" + i + "]");
                if (name.equals("homelab")) {
                    assertEquals(ours().entry(s, "homelab").orElseThrow(), b.get(i), s.key() + " homelab is ours");
                } else {
                    assertEquals(a.get(i), b.get(i), s.key() + " " + name);
                }
            }
        }
        assertEquals(was.get("preferences"), now.get("preferences"));
        assertEquals(was.get("x-tool-settings"), now.get("x-tool-settings"));
        assertEquals("7", now.at("/x-tool-settings/count").asText());
        assertTrue(now.at("/x-tool-settings/count").isInt());
        assertEquals("0123", now.at("/contexts/0/context/namespace").asText());
        assertTrue(now.at("/contexts/0/context/namespace").isTextual(), "a string of digits stays a string");
        assertTrue(now.at("/users/0/user/exec/args/1").isTextual(), "\"yes\" stays a string");
        assertTrue(now.at("/users/0/user/exec/args/2").isTextual(), "\"null\" stays a string");
        assertEquals(keys(was), keys(now), "top-level keys in their order");
    }

    @Test
    void merge_appendsOursWhereAbsentAndAddsMissingSections() throws Exception {
        Kubeconfig before = Kubeconfig.parse("""
                apiVersion: v1
                kind: Config
                clusters:
                - name: work
                  cluster: {server: https://k8s.example.com}
                contexts:
                - name: work
                  context: {cluster: work, user: alice}
                """);
        Kubeconfig.Merged m = before.mergedWith(ours());
        Kubeconfig after = m.result();
        assertEquals(List.of("work", "homelab"), after.names(Section.CLUSTERS));
        assertEquals(List.of("work", "homelab"), after.names(Section.CONTEXTS));
        assertEquals(List.of("homelab"), after.names(Section.USERS));
        assertEquals(List.of("apiVersion", "kind", "clusters", "contexts", "users", "current-context"),
                keys(after.tree()));
        assertFalse(m.replaced());
        assertEquals(1, m.otherContexts());
        assertEquals(null, m.previousCurrentContext());
    }

    @Test
    void merge_intoAnEmptyFileIsOursAlone() throws Exception {
        Kubeconfig.Merged m = Kubeconfig.parse("# nothing yet\n").mergedWith(ours());
        assertEquals(ours().serialise(), m.result().serialise());
        assertEquals(0, m.otherContexts());
    }

    @Test
    void merge_isIdempotent() throws Exception {
        String once = Kubeconfig.parse(EXISTING).mergedWith(ours()).result().serialise();
        String twice = Kubeconfig.parse(once).mergedWith(ours()).result().serialise();
        assertEquals(once, twice);
        assertEquals(ours().serialise(), ours().mergedWith(ours()).result().serialise());
    }

    @Test
    void foreignEntries_nameEverythingAReplaceWouldLose() throws Exception {
        assertEquals(List.of(), ours().foreignEntries("homelab"));
        assertEquals(List.of(), Kubeconfig.empty().foreignEntries("homelab"));
        // the same file with a stale certificate is still only ours
        assertEquals(List.of(), Kubeconfig.parse(K3S.replace("default", "homelab").replace("Q0VSVC1EQVRB", "T0xE"))
                .foreignEntries("homelab"));
        assertEquals(List.of("cluster \"work\"", "cluster \"minikube\"", "context \"work\"", "context \"minikube\"",
                        "user \"alice\"", "user \"minikube\"", "current-context \"work\"", "preferences",
                        "key \"x-tool-settings\""),
                Kubeconfig.parse(EXISTING).foreignEntries("homelab"));
        assertEquals(List.of("cluster \"homelab\"", "context \"homelab\"", "user \"homelab\"",
                "current-context \"homelab\""), ours().foreignEntries("lab"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "`clusters: [\\n  name: x\\nclient-key-data: SECRETKEY` | line 3, column 16: expected ',' or ']', but got :",
            "`a: 1\\n\\tclient-key-data: SECRETKEY` | line 2, column 1: found character '\\t(TAB)' that cannot start any token. (Do not use \\t(TAB) for indentation)",
            "`- apiVersion: v1` | its top level is a list, not a mapping of kubeconfig keys (apiVersion, clusters, contexts, users, ...)",
            "`just text` | its top level is a single value, not a mapping of kubeconfig keys (apiVersion, clusters, contexts, users, ...)",
            "`a: &k SECRETKEY\\nb: *k` | line 2, column 4: it uses a YAML alias (*k); pictl does not expand aliases, so it cannot rewrite this file without changing what it says",
            "`kind: Config\\n---\\nkind: Config` | line 3, column 1: it holds more than one YAML document",
            "`kind: Config\\nkind: Config` | line 2, column 5: Duplicate field 'kind'",
            "`kind: Deployment` | its kind is \"Deployment\", not Config",
            "`apiVersion: apps/v1` | its apiVersion is \"apps/v1\", not v1",
            "`clusters: {name: a}` | clusters is not a list",
            "`users: [{user: {token: SECRETKEY}}]` | users[0] has no name",
            "`contexts: [{name: a}, {name: a}]` | contexts has two entries named \"a\"",
            "`clusters: [{name: a, cluster: SECRETKEY}]` | clusters[0].cluster is not a mapping",
            "`current-context: [a]` | current-context is not a string",
            "`preferences: 3` | preferences is not a mapping"})
    void parse_refusesWithAReasonThatNeverQuotesTheContent(String text, String reason) {
        KubeconfigException e = assertThrows(KubeconfigException.class,
                () -> Kubeconfig.parse(text.replace("\\n", "\n").replace("\\t", "\t")));
        assertEquals(reason, e.getMessage());
        assertFalse(e.getMessage().contains("SECRETKEY"), e.getMessage());
    }

    @Test
    void parse_readsEmptyAndCommentOnlyFilesAsEmpty() throws Exception {
        for (String text : List.of("", "\n\n", "# just a comment\n", "---\n")) {
            assertTrue(Kubeconfig.parse(text).isEmpty(), "[" + text + "]");
        }
    }

    @Test
    void serialise_roundTripsEveryValue() throws Exception {
        Kubeconfig k = Kubeconfig.parse(EXISTING);
        assertEquals(k.tree(), Kubeconfig.parse(k.serialise()).tree());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"homelab|", "pi-lab.v2|", "admin@seed|", "''|a context name cannot be empty",
            "'my lab'|\"my lab\" is not a usable context name: start with a letter or digit and use only letters, digits "
                    + "and . _ - @ : / (at most 253 characters)",
            "-x|\"-x\" is not a usable context name: start with a letter or digit and use only letters, digits and . _ - "
                    + "@ : / (at most 253 characters)"})
    void nameProblem(String name, String problem) {
        assertEquals(Optional.ofNullable(problem), Kubeconfig.nameProblem(name));
    }

    private static List<String> keys(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
