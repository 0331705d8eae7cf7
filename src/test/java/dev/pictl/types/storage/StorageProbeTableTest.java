package dev.pictl.types.storage;

import static dev.pictl.types.storage.StorageFixtures.SERVER;
import static dev.pictl.types.storage.StorageFixtures.kube;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pictl.probe.NodeObservation.KubeSnapshot;
import dev.pictl.probe.NodeProbe;
import dev.pictl.probe.ProbeOutput;
import dev.pictl.probe.ProbeRequest;
import dev.pictl.probe.ProbeScript;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The storage types' probe parsing (fast tier): {@link PvProbe}'s {@code paths} section (absent, empty, data, odd
 * lines, the section missing) and its script; the server's kubectl snapshot split into the StorageClass and
 * PersistentVolume lists the storage kinds read (one mixed List or one List per type, failures).
 */
@Tag("fast")
class StorageProbeTableTest {
    private static final PvProbe.PathState ABSENT = new PvProbe.PathState(false, false);
    private static final PvProbe.PathState EMPTY = new PvProbe.PathState(true, false);
    private static final PvProbe.PathState DATA = new PvProbe.PathState(true, true);

    // ------------------------------------------------------------------ PvProbe: the paths section

    static Stream<Arguments> pathLines() {
        return Stream.of(
                Arguments.of("no section text", null, Map.of()),
                Arguments.of("empty section", "", Map.of()),
                Arguments.of("absent", "absent /mnt/a", Map.of("/mnt/a", ABSENT)),
                Arguments.of("empty", "empty /mnt/a", Map.of("/mnt/a", EMPTY)),
                Arguments.of("data", "data /mnt/a", Map.of("/mnt/a", DATA)),
                Arguments.of("three paths, one each", "absent /mnt/a\nempty /mnt/b\ndata /srv/c\n",
                        Map.of("/mnt/a", ABSENT, "/mnt/b", EMPTY, "/srv/c", DATA)),
                Arguments.of("a path with spaces stays whole", "data /mnt/my disk/vol 1",
                        Map.of("/mnt/my disk/vol 1", DATA)),
                Arguments.of("a path with a quote", "empty /mnt/it's", Map.of("/mnt/it's", EMPTY)),
                Arguments.of("CRLF line ends", "empty /mnt/a\r\ndata /mnt/b\r\n", Map.of("/mnt/a", EMPTY, "/mnt/b", DATA)),
                Arguments.of("unknown word skipped", "full /mnt/x\ndata /mnt/a", Map.of("/mnt/a", DATA)),
                Arguments.of("upper case is not a state", "DATA /mnt/x\nEmpty /mnt/y", Map.of()),
                Arguments.of("a word alone skipped", "data\nempty\nabsent /mnt/a", Map.of("/mnt/a", ABSENT)),
                Arguments.of("a leading space skipped", " data /mnt/x\nempty /mnt/a", Map.of("/mnt/a", EMPTY)),
                Arguments.of("a tab is not the separator", "data\t/mnt/x", Map.of()),
                Arguments.of("blank lines and noise", "\n\nls: cannot access\n\nempty /mnt/a\n\n",
                        Map.of("/mnt/a", EMPTY)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pathLines")
    void paths_parsesEachLine(String name, String text, Map<String, PvProbe.PathState> expected) {
        assertEquals(expected, PvProbe.paths(text));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pathLines")
    void pathsFragment_readsTheSectionOfTheProbesOutput(String name, String text,
                                                         Map<String, PvProbe.PathState> expected) {
        String m = ProbeScript.MARKER;
        String out = m + "facts\nmodel=x\n" + (text == null ? "" : m + "paths\n" + text + "\n") + m + "k3s-version\n";
        ProbeRequest asked = ProbeRequest.of("pi-worker-1").with(PvProbe.PATHS_ASK, "/mnt/a");
        assertEquals(expected, PvProbe.PATHS.parse(asked, ProbeOutput.of(out)));
    }

    @Test
    void pathsFragment_isNotNullWhenTheSectionIsMissing_andKeepsTheSectionsOwnId() {
        assertEquals(Map.of(), PvProbe.PATHS.parse(ProbeRequest.of("pi-1"), ProbeOutput.of("")));
        assertEquals("paths", PvProbe.PATHS.id());
        assertEquals(List.of("paths"), PvProbe.PATHS.sections());
    }

    // ------------------------------------------------------------------ PvProbe: its script

    @Test
    void script_isEmptyOnANodeWithoutVolumes() {
        assertEquals("", PvProbe.PATHS.script(ProbeRequest.of("pi-1")));
        assertEquals("", PvProbe.PATHS.script(ProbeRequest.of("pi-1").with(NodeProbe.KUBE_ASK)));
    }

    @Test
    void script_loopsOverEveryAskedPath_eachOneQuotedWord() {
        String s = PvProbe.PATHS.script(ProbeRequest.of("pi-1").with(PvProbe.PATHS_ASK, "/mnt/a", "/mnt/it's here"));
        String loop = s.substring(s.indexOf("sec paths\n"));
        assertEquals("sec paths\nfor p in '/mnt/a' '/mnt/it'\\''s here'; do\n", loop.substring(0, loop.indexOf("do\n") + 3));
        assertTrue(s.contains("if [ ! -d \"$R$p\" ]; then printf 'absent %s\\n' \"$p\""), s);
        assertTrue(s.contains("elif held \"$R$p\"; then printf 'data %s\\n' \"$p\""), s);
        assertTrue(s.contains("else printf 'empty %s\\n' \"$p\""), s);
        assertTrue(s.endsWith("done\n"), s);
    }

    static Stream<Arguments> badPaths() {
        return Stream.of(Arguments.of("relative", "mnt/a"), Arguments.of("empty", ""),
                Arguments.of("newline", "/mnt/a\nrm -rf /"), Arguments.of("carriage return", "/mnt/a\r"),
                Arguments.of("NUL", "/mnt/a\0b"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badPaths")
    void script_refusesAPathThatIsNotAbsoluteOnOneLine(String name, String path) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PvProbe.PATHS.script(ProbeRequest.of("pi-1").with(PvProbe.PATHS_ASK, path)));
        assertEquals("PV path must be absolute and on one line: " + path, e.getMessage());
    }

    // ------------------------------------------------------------------ the server's snapshot, as storage reads it

    private static final String SC_A = "{\"kind\":\"StorageClass\",\"metadata\":{\"name\":\"a\"},\"provisioner\":\"p\"}";
    private static final String SC_B = "{\"kind\":\"StorageClass\",\"metadata\":{\"name\":\"b\"},\"provisioner\":\"q\"}";
    private static final String PV_X = "{\"kind\":\"PersistentVolume\",\"metadata\":{\"name\":\"x\"}}";
    private static final String NODE = "{\"kind\":\"Node\",\"metadata\":{\"name\":\"pi-server-1\"}}";

    private static String list(String... items) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[" + String.join(",", items) + "]}";
    }

    /** One row: the kube and kube-status sections; the names of classes and volumes read, or the error. */
    static Stream<Arguments> snapshots() {
        return Stream.of(
                Arguments.of("one mixed List", "0", list(NODE, SC_A, SC_B, PV_X), List.of("a", "b"), List.of("x"),
                        null),
                Arguments.of("one List per type", "0", list(NODE) + "\n" + list(SC_A) + "\n" + list(PV_X),
                        List.of("a"), List.of("x"), null),
                Arguments.of("empty Lists", "0", list() + list() + list(), List.of(), List.of(), null),
                Arguments.of("a single object is its own item", "0", SC_B, List.of("b"), List.of(), null),
                Arguments.of("unknown kinds and items that are no objects are skipped", "0",
                        list("{\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"}}", "42", "\"s\"", SC_A),
                        List.of("a"), List.of(), null),
                Arguments.of("k3s stopped", "1\nThe connection to the server 127.0.0.1:6443 was refused - did you "
                        + "specify the right host or port?", "", List.of(), List.of(), "The connection to the server "
                        + "127.0.0.1:6443 was refused - did you specify the right host or port?"),
                Arguments.of("kubectl timed out", "124\n", "", List.of(), List.of(),
                        "kubectl did not answer within 20s"),
                Arguments.of("kubectl timed out, with stderr", "124\nTerminated", list(SC_A), List.of(), List.of(),
                        "kubectl did not answer within 20s: Terminated"),
                Arguments.of("failed without a word", "2", "", List.of(), List.of(), "kubectl exited 2"),
                Arguments.of("exit 0 but nothing printed", "0", "", List.of(), List.of(), "kubectl printed nothing"),
                Arguments.of("half a List", "0", "{\"kind\":\"List\",\"items\":[", List.of(), List.of(),
                        "kubectl printed output pictl could not read as JSON: Unexpected end-of-input*"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("snapshots")
    void kube_splitsTheServersObjectsByKind(String name, String status, String json, List<String> classes,
                                            List<String> volumes, String error) {
        KubeSnapshot k = kube(status, json);
        if (error != null && error.endsWith("*")) {
            String prefix = error.substring(0, error.length() - 1);
            assertTrue(k.error() != null && k.error().startsWith(prefix), k.error());
        } else {
            assertEquals(error, k.error());
        }
        assertEquals(error == null, k.ok());
        assertTrue(k.k3sInstalled(), "the k3s-version line answered");
        assertEquals(classes, names(k.storageClasses()));
        assertEquals(volumes, names(k.persistentVolumes()));
    }

    @Test
    void kube_isNullOnANodeNotAskedForIt_andFailedWhenTheStatusLineIsMissing() {
        String m = ProbeScript.MARKER;
        assertNull(NodeProbe.KUBE.parse(ProbeRequest.of(SERVER), ProbeOutput.of(m + "kube\n" + list(SC_A) + "\n")));
        KubeSnapshot k = NodeProbe.KUBE.parse(ProbeRequest.of(SERVER).with(NodeProbe.KUBE_ASK),
                ProbeOutput.of(m + "kube\n" + list(SC_A) + "\n"));
        assertEquals("the probe printed no kubectl result", k.error());
        assertEquals(List.of(), k.storageClasses());
        assertEquals(false, k.k3sInstalled(), "no k3s-version section");
    }

    private static List<Object> names(List<Map<String, Object>> items) {
        return items.stream().map(i -> StorageKinds.get(i, "metadata", "name")).toList();
    }

    // ------------------------------------------------------------------ StorageKinds' readers

    static Stream<Arguments> gets() {
        Map<String, Object> sc = Map.of("metadata", Map.of("name", "a", "annotations", Map.of("k", "v")),
                "provisioner", "p", "list", List.of("x"));
        return Stream.of(
                Arguments.of(sc, new String[] {"provisioner"}, "p"),
                Arguments.of(sc, new String[] {"metadata", "name"}, "a"),
                Arguments.of(sc, new String[] {"metadata", "annotations", "k"}, "v"),
                Arguments.of(sc, new String[] {"metadata", "annotations", "missing"}, null),
                Arguments.of(sc, new String[] {"metadata", "name", "deeper"}, null),
                Arguments.of(sc, new String[] {"list", "0"}, null),
                Arguments.of(sc, new String[] {"nothing", "here"}, null),
                Arguments.of(null, new String[] {"metadata"}, null),
                Arguments.of("text", new String[] {}, "text"));
    }

    @ParameterizedTest
    @MethodSource("gets")
    void get_walksMapsOnly_andGivesNullForAnythingElse(Object root, String[] path, Object expected) {
        assertEquals(expected, StorageKinds.get(root, path));
    }

    @Test
    void find_matchesTheExactName_firstOneWins() {
        Map<String, Object> a1 = Map.of("metadata", Map.of("name", "a"), "n", 1);
        Map<String, Object> a2 = Map.of("metadata", Map.of("name", "a"), "n", 2);
        Map<String, Object> nameless = Map.of("metadata", Map.of());
        List<Map<String, Object>> items = List.of(nameless, a1, a2);
        assertEquals(a1, StorageKinds.find(items, "a"));
        assertNull(StorageKinds.find(items, "A"));
        assertNull(StorageKinds.find(items, "a "));
        assertNull(StorageKinds.find(List.of(), "a"));
    }

    static Stream<Arguments> firstLines() {
        return Stream.of(Arguments.of(null, ""), Arguments.of("", ""), Arguments.of("  one  ", "one"),
                Arguments.of("\n\n  first\nsecond\n", "first"));
    }

    @ParameterizedTest
    @MethodSource("firstLines")
    void firstLine_ofAnError(String text, String expected) {
        assertEquals(expected, StorageKinds.firstLine(text));
    }
}
