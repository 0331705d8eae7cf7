package dev.pictl.types.k3s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pictl.probe.NodeObservation.KubeSnapshot;
import dev.pictl.probe.NodeProbe;
import dev.pictl.probe.ProbeOutput;
import dev.pictl.probe.ProbeRequest;
import dev.pictl.probe.ProbeScript;
import dev.pictl.types.k3s.K3sProbe.K3sInstall;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The k3s family's probe fragment ({@link K3sProbe#INSTALL}: sections {@code k3s-version}, {@code k3s-config},
 * {@code agent-env}, {@code server-token}) and the probe's kube snapshot where it reads k3s ({@code k3s-version}),
 * parsed from probe output as a node prints it, table-driven (fast tier). Odd, missing or garbled text never throws
 * and gives the documented result; the server's token never shows in a {@code toString}.
 */
@Tag("fast")
class K3sProbeTableTest {
    private static final String M = ProbeScript.MARKER;
    private static final ProbeRequest PLAIN = ProbeRequest.of("pi-1");
    private static final ProbeRequest SERVER = ProbeRequest.of("pi-1").with(K3sProbe.SERVER_TOKEN_ASK)
            .with(NodeProbe.KUBE_ASK);

    /** Probe output with these sections, each "id", "text" in turn, in the form the probe's prelude prints. */
    private static String out(String... idText) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < idText.length; i += 2) {
            b.append(M).append(idText[i]).append('\n').append(idText[i + 1]).append('\n');
        }
        return b.toString();
    }

    // ------------------------------------------------------------------ K3sProbe.INSTALL

    record Row(String name, String stdout, K3sInstall expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static K3sInstall k3s(String version, String config, String password, String url) {
        return new K3sInstall(version, config, password, url);
    }

    static Stream<Arguments> installRows() {
        String v = "k3s version v1.31.4+k3s1 (a1b2c3d4)\ngo version go1.22.9";
        return Stream.of(
                // nothing of k3s on the node: no part at all
                new Row("empty output", "", null),
                new Row("only unrelated sections", out("model", "Raspberry Pi 4", "kernel", "6.6"), null),
                new Row("all sections present and empty", out("k3s-version", "", "agent-env", "",
                        "server-token", ""), null),
                new Row("no binary: the shell's complaint is no version",
                        out("k3s-version", "sh: 1: k3s: not found", "agent-env", ""), null),
                new Row("garbled version line", out("k3s-version", "\u0000\u00ff\ufffd garbage"), null),
                new Row("two words only", out("k3s-version", "k3s version"), null),
                new Row("other capitalisation", out("k3s-version", "K3S version v1.31.4+k3s1"), null),
                new Row("go's line first", out("k3s-version", "go version go1.22.9\n" + v), null),
                // the binary
                new Row("real two-line version", out("k3s-version", v), k3s("v1.31.4+k3s1", null, null, null)),
                new Row("version with CRLF and blanks", out("k3s-version", "  k3s   version  v1.32.0+k3s2  \r\n"),
                        k3s("v1.32.0+k3s2", null, null, null)),
                new Row("version word kept as printed (not validated)", out("k3s-version", "k3s version dev-build"),
                        k3s("dev-build", null, null, null)),
                // config.yaml: its text as it is, only when the section is there
                new Row("config.yaml kept verbatim", out("k3s-version", v, "k3s-config",
                        "\"node-name\": \"pi-1\"\n\"disable\":\n  - \"traefik\""),
                        k3s("v1.31.4+k3s1", "\"node-name\": \"pi-1\"\n\"disable\":\n  - \"traefik\"", null, null)),
                new Row("empty config.yaml is a file, not no file", out("k3s-config", ""), k3s(null, "", null, null)),
                new Row("config without binary (uninstalled by hand)", out("k3s-config", "node-name: pi-1"),
                        k3s(null, "node-name: pi-1", null, null)),
                // the agent's K3S_URL
                new Row("K3S_URL single-quoted (install script)", out("k3s-version", v, "agent-env",
                        "K3S_URL='https://192.168.1.10:6443'"), k3s("v1.31.4+k3s1", null, null,
                        "https://192.168.1.10:6443")),
                new Row("K3S_URL double-quoted", out("agent-env", "K3S_URL=\"https://[fd00::10]:6444\""),
                        k3s(null, null, null, "https://[fd00::10]:6444")),
                new Row("K3S_URL bare, padded", out("agent-env", "   K3S_URL=https://pi.lan:7443   "),
                        k3s(null, null, null, "https://pi.lan:7443")),
                new Row("K3S_URL empty", out("agent-env", "K3S_URL=''"), null),
                new Row("K3S_URL= and nothing", out("agent-env", "K3S_URL="), null),
                new Row("first K3S_URL line wins", out("agent-env", "K3S_URL=https://a:1\nK3S_URL=https://b:2"),
                        k3s(null, null, null, "https://a:1")),
                new Row("another variable only", out("agent-env", "K3S_TOKEN=zzz"), null),
                new Row("a commented URL is no URL", out("agent-env", "# K3S_URL=https://a:1"), null),
                // the server's token: the password part of the first line
                new Row("secure token", out("k3s-version", v, "server-token", "K10abc123::server:s3cret"),
                        k3s("v1.31.4+k3s1", null, "s3cret", null)),
                new Row("password holds colons", out("server-token", "K10abc::server:pass:with:colons"),
                        k3s(null, null, "pass:with:colons", null)),
                new Row("password holds ::", out("server-token", "K10abc::server:pass::word"),
                        k3s(null, null, "pass::word", null)),
                new Row("no user part", out("server-token", "K10abc::s3cret"), k3s(null, null, "s3cret", null)),
                new Row("bare password", out("server-token", "s3cret"), k3s(null, null, "s3cret", null)),
                new Row("only the first line", out("server-token", "K10abc::server:one\nK10abc::server:two"),
                        k3s(null, null, "one", null)),
                new Row("token with CRLF and padding", out("server-token", "  K10abc::server:pw \r"),
                        k3s(null, null, "pw", null)),
                new Row("empty password", out("server-token", "K10abc::server:"), null),
                new Row("blank token file", out("server-token", "   \n"), null),
                // the output itself
                new Row("CRLF in the sections' text", out("k3s-version", "k3s version v1.31.4+k3s1 (x)\r",
                        "agent-env", "K3S_URL=https://a:6443\r"), k3s("v1.31.4+k3s1", null, null, "https://a:6443")),
                new Row("a repeated section: the first wins", out("k3s-version", "k3s version v1.30.0+k3s1",
                        "k3s-version", "k3s version v1.31.0+k3s1"), k3s("v1.30.0+k3s1", null, null, null)),
                new Row("output cut off after a marker", out("k3s-version", v) + M + "server-token",
                        k3s("v1.31.4+k3s1", null, null, null)))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("installRows")
    void install_parsesToTheDocumentedPart_neverThrows(Row row) {
        for (ProbeRequest request : List.of(PLAIN, SERVER)) {
            assertEquals(row.expected(), K3sProbe.INSTALL.parse(request, ProbeOutput.of(row.stdout())), row.name());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("installRows")
    void install_theTokenIsNeverInToString(Row row) {
        K3sInstall part = K3sProbe.INSTALL.parse(SERVER, ProbeOutput.of(row.stdout()));
        ProbeOutput output = ProbeOutput.of(row.stdout());
        if (part != null && part.serverPassword() != null) {
            assertFalse(part.toString().contains(part.serverPassword()), part::toString);
            assertTrue(part.toString().contains("serverPassword=(sensitive)"), part::toString);
            assertFalse(output.toString().contains(part.serverPassword()), output::toString);
        }
        if (part != null && part.configYaml() != null && !part.configYaml().isEmpty()) {
            assertTrue(part.toString().contains("configYaml=..."), "config.yaml may hold the token: " + part);
        }
    }

    /**
     * Marker lines ending in CRLF: {@code ProbeOutput}'s marker pattern ({@code \\r?$\\n?}, MULTILINE) means to take
     * them, but Java's {@code $} does not match between the CR and the LF of a pair, so the marker ends before the
     * CR and the section's text starts with the marker's own "\r\n": its first line is blank and k3s's version is
     * lost (the agent URL, read line by line, survives).
     */
    @Test
    void install_crlfMarkerLines_keepTheVersion() {
        String stdout = M + "k3s-version\r\nk3s version v1.31.4+k3s1 (x)\r\n" + M + "server-token\r\n"
                + "K10abc::server:pw\r\n" + M + "agent-env\r\nK3S_URL=https://a:6443\r\n";
        assertEquals("k3s version v1.31.4+k3s1 (x)", ProbeOutput.of(stdout).get("k3s-version"));
        assertEquals(k3s("v1.31.4+k3s1", null, "pw", "https://a:6443"),
                K3sProbe.INSTALL.parse(SERVER, ProbeOutput.of(stdout)));
    }

    @Test
    void toString_showsWhatIsThere_andHidesTokenAndConfig() {
        assertEquals("K3sInstall[version=v1.31.4+k3s1, configYaml=..., serverPassword=(sensitive), "
                + "agentUrl=https://a:6443, registriesYaml=null]", k3s("v1.31.4+k3s1", "token: K10x::server:pw", "pw",
                "https://a:6443").toString());
        assertEquals("K3sInstall[version=null, configYaml=null, serverPassword=null, agentUrl=null, registriesYaml=null]",
                k3s(null, null, null, null).toString());
    }

    /** The server's token is read only where asked: the server's node, never an agent's. */
    static Stream<Arguments> scriptRows() {
        return Stream.of(
                Arguments.of("an agent's node", PLAIN, false),
                Arguments.of("the server's node", ProbeRequest.of("pi-1").with(K3sProbe.SERVER_TOKEN_ASK), true),
                Arguments.of("kube asked, not the token", ProbeRequest.of("pi-1").with(NodeProbe.KUBE_ASK), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scriptRows")
    void script_readsTheTokenOnlyWhenAsked(String name, ProbeRequest request, boolean readsToken) {
        String script = K3sProbe.INSTALL.script(request);
        assertTrue(script.contains("sec k3s-version;") && script.contains("sec agent-env;")
                && script.contains("sec k3s-config;"), script);
        assertEquals(readsToken, script.contains("sec server-token;"), script);
        assertEquals(readsToken, script.contains("/var/lib/rancher/k3s/server/token"), script);
        assertEquals(List.of("k3s-version", "k3s-config", "k3s-registries", "agent-env", "server-token"),
                K3sProbe.INSTALL.sections());
        assertEquals(List.of("k3s", "k3s-agent"), K3sProbe.INSTALL.units());
    }

    // ------------------------------------------------------------------ the helpers, directly

    static Stream<Arguments> passwordRows() {
        return Stream.of(
                Arguments.of(null, null),
                Arguments.of("", null),
                Arguments.of("\n\n", null),
                Arguments.of("K10abc::server:s3cret", "s3cret"),
                Arguments.of("K10abc::server:", null),
                Arguments.of("K10abc::", null),
                Arguments.of("s3cret\nsecond", "s3cret"),
                Arguments.of("  padded  ", "padded"));
    }

    @ParameterizedTest(name = "serverPassword({0}) = {1}")
    @MethodSource("passwordRows")
    void serverPassword(String text, String expected) {
        assertEquals(expected, K3sProbe.serverPassword(text));
    }

    /** On every token file k3s writes (secure format), the probe's parse and the plan/apply one agree. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("secureTokens")
    void serverPassword_agreesWithK3sToken_onTheFilesK3sWrites(String token) {
        assertEquals(K3sToken.password(token), K3sProbe.serverPassword(token + "\n"));
    }

    static Stream<String> secureTokens() {
        return Stream.of("K10abc123::server:s3cret", "K10abc::server:pass:with:colons", "K10abc::server:pass::word",
                "K10abc::node:pw", "K10::server:x", "K10abc::s3cret");
    }

    static Stream<Arguments> agentUrlRows() {
        return Stream.of(
                Arguments.of(null, null),
                Arguments.of("", null),
                Arguments.of("K3S_URL='https://10.0.0.1:6443'", "https://10.0.0.1:6443"),
                Arguments.of("K3S_URL=\"https://10.0.0.1:6444\"", "https://10.0.0.1:6444"),
                Arguments.of("K3S_TOKEN=x\nK3S_URL=https://h:1", "https://h:1"),
                Arguments.of("K3S_URL='", "'"),
                Arguments.of("K3S_URL=\"\"", null),
                Arguments.of("K3S_URLX=https://h:1", null));
    }

    @ParameterizedTest(name = "agentUrl({0}) = {1}")
    @MethodSource("agentUrlRows")
    void agentUrl(String text, String expected) {
        assertEquals(expected, K3sProbe.agentUrl(text));
    }

    // ------------------------------------------------------------------ the kube snapshot, where it reads k3s

    record KubeRow(String name, String stdout, String error, boolean k3sInstalled, int nodes, int classes) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> kubeRows() {
        String v = "k3s version v1.31.4+k3s1 (a1b2c3d4)";
        String list = "{\"kind\":\"List\",\"items\":[{\"kind\":\"Node\",\"metadata\":{\"name\":\"pi-1\"}},"
                + "{\"kind\":\"StorageClass\",\"metadata\":{\"name\":\"local-path\"}}]}";
        return Stream.of(
                new KubeRow("k3s answers, one List", out("k3s-version", v, "kube", list, "kube-status", "0\n"),
                        null, true, 1, 1),
                new KubeRow("one List per type, one after the other", out("k3s-version", v, "kube",
                        "{\"kind\":\"List\",\"items\":[{\"kind\":\"Node\"},{\"kind\":\"Node\"}]}\n"
                                + "{\"kind\":\"List\",\"items\":[]}\n{\"kind\":\"List\",\"items\":[]}",
                        "kube-status", "0\n"), null, true, 2, 0),
                new KubeRow("k3s stopped: kubectl's complaint", out("k3s-version", v, "kube", "", "kube-status",
                        "1\nThe connection to the server 127.0.0.1:6443 was refused"),
                        "The connection to the server 127.0.0.1:6443 was refused", true, 0, 0),
                new KubeRow("no k3s binary: not installed", out("k3s-version", "", "kube", "", "kube-status",
                        "127\nsh: 1: k3s: not found"), "sh: 1: k3s: not found", false, 0, 0),
                new KubeRow("garbled version: not installed", out("k3s-version", "Segmentation fault", "kube", "",
                        "kube-status", "1\n"), "kubectl exited 1", false, 0, 0),
                new KubeRow("no version section: not installed", out("kube", list, "kube-status", "0\n"),
                        null, false, 1, 1),
                new KubeRow("kubectl timed out", out("k3s-version", v, "kube", "", "kube-status", "124\n"),
                        "kubectl did not answer within 20s", true, 0, 0),
                new KubeRow("status cut off", out("k3s-version", v, "kube", list),
                        "the probe printed no kubectl result", true, 0, 0),
                new KubeRow("exit 0, no JSON at all", out("k3s-version", v, "kube", "", "kube-status", "0\n"),
                        "kubectl printed nothing", true, 0, 0),
                new KubeRow("exit 0, not JSON", out("k3s-version", v, "kube", "{\"kind\":\"List\",\"items\":[",
                        "kube-status", "0\n"), "kubectl printed output pictl could not read as JSON: ", true, 0, 0),
                new KubeRow("garbage status line", out("k3s-version", v, "kube", list, "kube-status", "x\u0000"),
                        "kubectl exited x\u0000", true, 0, 0))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kubeRows")
    void kube_readsK3sFromTheVersionSection_andNeverThrows(KubeRow row) {
        KubeSnapshot k = NodeProbe.KUBE.parse(SERVER, ProbeOutput.of(row.stdout()));
        if (row.error() == null) {
            assertNull(k.error(), k.error());
        } else if (row.error().endsWith(": ")) {
            assertTrue(k.error() != null && k.error().startsWith(row.error()), k.error());
        } else {
            assertEquals(row.error(), k.error());
        }
        assertEquals(row.k3sInstalled(), k.k3sInstalled());
        assertEquals(row.nodes(), k.nodes().size());
        assertEquals(row.classes(), k.storageClasses().size());
    }

    @Test
    void kube_notAsked_isNoPart_whateverTheOutput() {
        String stdout = out("k3s-version", "k3s version v1.31.4+k3s1", "kube", "{}", "kube-status", "0\n");
        assertNull(NodeProbe.KUBE.parse(PLAIN, ProbeOutput.of(stdout)));
        assertEquals("", NodeProbe.KUBE.script(PLAIN));
    }
}
