package dev.pictl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pictl.types.ResourceType;
import dev.pictl.types.ResourceTypes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 12: no resource type's name appears as a string literal outside its own package and the registry. For every
 * type of {@link ResourceTypes#standard()}, every string literal token of {@code src/main/java} that is exactly the
 * type's name ({@code "k3s_server"}) is a finding, unless it is in the type's own package (and below),
 * in {@code types/ResourceTypes.java}, or listed here: in {@link #EXCEPTIONS} where the same word means something
 * else, or in {@link #PENDING} while its removal is under way. Text blocks, comments and literals that merely
 * contain the name ({@code "needs a k3s_server"}) are not type references and are not looked at.
 *
 * <p>Entries are {@code path relative to src/main/java/dev/pictl : name}; an entry covers every literal of that
 * name in that file.
 */
@Tag("fast")
class TypeNameLiteralTest {
    private static final Path MAIN = Path.of("src/main/java/dev/pictl");
    private static final String REGISTRY = "types/ResourceTypes.java";

    /** Where the word is not a reference to the resource type. Each entry says what it means there. */
    private static final Set<String> EXCEPTIONS = Set.of(
            // The node block's type name is the language's anchor (node.NAME, nodes = [...]): a documented exception.
            "resource/Schemas.java : node",
            // The JSON field "node" (the node a change or a finding is on) of the plan, drift and state formats, and of
            // a snapshot's metadata (the server it was taken on).
            "plan/PlanCodec.java : node",
            "drift/DriftCodec.java : node",
            "state/StateCodec.java : node",
            "types/backup/SnapshotFiles.java : node",
            // Parameter names in null checks (Objects.requireNonNull(node, "node")).
            "probe/ProbeRequest.java : node",
            "probe/NodeObservation.java : node",
            "transport/TransportException.java : node",
            // "node" as the kind of SSH endpoint (the board itself, not a jump host) in transport messages.
            "transport/ssh/Failures.java : node",
            "transport/ssh/SshTransport.java : node",
            // The simulator's own vocabulary: its control protocol's "node" field, kubectl's resource names
            // ("node", "pv") and the simulated Kubernetes node's "runtime" field.
            "sim/ControlServer.java : node",
            "sim/kube/Kubectl.java : node",
            "sim/kube/Kubectl.java : pv",
            "sim/kube/KubeApi.java : runtime",
            // Kubernetes' own word: a namespaced object's metadata.namespace, a claim's namespace, kubectl's resource
            // name (issue 13's namespace type means the same object, but these are the API's field names).
            "sim/kube/KubeApi.java : namespace",
            "sim/kube/Kubectl.java : namespace",
            "types/storage/PvExecutor.java : namespace",
            "types/storage/PvKind.java : namespace",
            // The same field of any object in the simulator's object store and in a manifest's objects.
            "sim/kube/AnyObjects.java : namespace",
            "sim/kube/ObjectStore.java : namespace",
            "types/manifest/ManifestDocs.java : namespace",
            // The HelmChart's and its jobs' metadata.namespace and the simulated helm controller's objects.
            "sim/kube/HelmController.java : namespace",
            "types/helm/HelmChartExecutor.java : namespace",
            // The attribute named "node" of k3s_server and pv (the node the resource is on), and the key of the same
            // name in their desired and observed values.
            "types/k3s/K3sServerType.java : node",
            "types/k3s/K3sAgentType.java : node",
            "types/k3s/K3sRules.java : node",
            "types/k3s/K3sTopology.java : node",
            "types/k3s/K3sServerKind.java : node",
            "types/k3s/K3sValues.java : node",
            "types/k3s/HaConfig.java : node",
            "types/k3s/HaServers.java : node",
            "types/storage/PvType.java : node",
            "simbridge/SimulatorSpec.java : node",
            "types/storage/PvRules.java : node",
            "types/storage/StorageValues.java : node");

    /**
     * PENDING: literals whose removal is under way (none now). A restructuring that cannot remove every literal in
     * one step lists the rest here, each to go; {@link #pendingEntriesAreStillThere} keeps the list honest.
     */
    private static final Set<String> PENDING = Set.of();

    private record Literal(String file, int line, String text) {
    }

    @Test
    void noTypeNameOutsideItsPackageAndTheRegistry() throws Exception {
        List<String> findings = new ArrayList<>();
        for (Literal l : findings()) {
            String site = l.file() + " : " + l.text();
            if (!EXCEPTIONS.contains(site) && !PENDING.contains(site)) {
                findings.add(l.file() + ":" + l.line() + " \"" + l.text() + "\"");
            }
        }
        assertEquals(List.of(), findings, "a resource type's name as a string literal outside its package: use the "
                + "type's NAME constant there, or move the code into the type");
    }

    @Test
    void pendingEntriesAreStillThere() throws Exception {
        Set<String> sites = new TreeSet<>();
        findings().forEach(l -> sites.add(l.file() + " : " + l.text()));
        Set<String> stale = new TreeSet<>(PENDING);
        stale.addAll(EXCEPTIONS);
        stale.removeAll(sites);
        assertEquals(Set.of(), stale, "these entries of PENDING or EXCEPTIONS match nothing any more: remove them");
    }

    @Test
    void theScannerSeesLiteralsOnlyAndAllOfThem() {
        String src = """
                // "pv" in a comment
                /* "pv" in a block comment */
                String a = "pv";
                String b = "a pv";
                char q = '"'; String c = "pv"; String d = "\\"pv\\"";
                String e = \"""
                    "pv"
                    \""";
                String f = "x" + "pv";
                """;
        List<Literal> found = literals("T.java", src).stream().filter(l -> l.text().equals("pv")).toList();
        assertEquals(List.of(3, 5, 9), found.stream().map(Literal::line).toList());
        assertTrue(literals("T.java", "String s = \"k3s_server\";").stream()
                .anyMatch(l -> l.text().equals("k3s_server")));
    }

    /** Every literal that is a standard type's name, outside that type's package and the registry. */
    private static List<Literal> findings() throws Exception {
        List<ResourceType> types = ResourceTypes.standard().all();
        List<Literal> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                String rel = MAIN.relativize(p).toString().replace('\\', '/');
                for (Literal l : literals(rel, Files.readString(p))) {
                    for (ResourceType t : types) {
                        String own = t.getClass().getPackageName().replace("dev.pictl.", "").replace('.', '/') + "/";
                        if (l.text().equals(t.name()) && !rel.startsWith(own) && !rel.equals(REGISTRY)) {
                            out.add(l);
                        }
                    }
                }
            }
        }
        return out;
    }

    /** The string literal tokens of a Java source (not text blocks, not comments), with their line. */
    static List<Literal> literals(String file, String src) {
        List<Literal> out = new ArrayList<>();
        int line = 1;
        int i = 0;
        while (i < src.length()) {
            char c = src.charAt(i);
            if (c == '\n') {
                line++;
                i++;
            } else if (src.startsWith("//", i)) {
                while (i < src.length() && src.charAt(i) != '\n') {
                    i++;
                }
            } else if (src.startsWith("/*", i)) {
                int end = src.indexOf("*/", i + 2);
                end = end < 0 ? src.length() : end + 2;
                line += count(src, i, end);
                i = end;
            } else if (src.startsWith("\"\"\"", i)) {
                int end = i + 3;
                while (end < src.length() && !(src.startsWith("\"\"\"", end) && src.charAt(end - 1) != '\\')) {
                    end++;
                }
                end = Math.min(src.length(), end + 3);
                line += count(src, i, end);
                i = end;
            } else if (c == '\'') {
                int end = i + 1;
                while (end < src.length() && src.charAt(end) != '\'') {
                    end += src.charAt(end) == '\\' ? 2 : 1;
                }
                i = end + 1;
            } else if (c == '"') {
                StringBuilder text = new StringBuilder();
                int end = i + 1;
                while (end < src.length() && src.charAt(end) != '"' && src.charAt(end) != '\n') {
                    if (src.charAt(end) == '\\' && end + 1 < src.length()) {
                        text.append(src, end, end + 2);
                        end += 2;
                    } else {
                        text.append(src.charAt(end++));
                    }
                }
                out.add(new Literal(file, line, text.toString()));
                i = end + 1;
            } else {
                i++;
            }
        }
        return out;
    }

    private static int count(String s, int from, int to) {
        int n = 0;
        for (int i = from; i < to && i < s.length(); i++) {
            n += s.charAt(i) == '\n' ? 1 : 0;
        }
        return n;
    }
}
