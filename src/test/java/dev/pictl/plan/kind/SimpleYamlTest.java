package dev.pictl.plan.kind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The one config.yaml writer and reader: hostile values stay values; hand-written files read as people mean them. */
@Tag("fast")
class SimpleYamlTest {
    private static final YAMLMapper YAML = new YAMLMapper();

    @ParameterizedTest
    @ValueSource(strings = {
        "x\nwrite-kubeconfig-mode: \"0644\"",   // a newline that would add a key
        "x\"\ntoken: \"evil",                  // closing the quote first
        "a: b", "a #b", "#a", "---", "...", "- a", "[a, b]", "{a: b}", "&anchor", "*alias", "!!binary x", "|", ">",
        "'single'", "\\", "\\n", "\\x41", "tab\there", "cr\rlf\r\n", "\u0000nul", "\u0007bell\u001b[31mred",
        "\u007fdel\u0085nel\u009bcsi", "\u2028ls\u2029ps", "\ufeffbom", "\ufffe\uffff", "é ß Ω 中文 😀", "  padded  ",
        "", "true", "null", "~", "0x1F", "1e3", "no",
    })
    void write_quotesEveryValue_andJacksonReadsBackExactlyIt(String value) throws Exception {
        Map<String, Object> map = new TreeMap<>(Map.of("kubelet-arg", value, "node-label", List.of(value, "b"),
                "node-name", "pi-1"));
        String yaml = SimpleYaml.write(map);
        assertEquals(map, new TreeMap<>(YAML.readValue(yaml, Map.class)), yaml);
        assertEquals(map, SimpleYaml.read(yaml), yaml);
        assertEquals(5, yaml.split("\n").length, "one line per key and item, nothing injected:\n" + yaml);
        assertTrue(yaml.chars().allMatch(c -> c == '\n' || c >= 0x20 && c != 0x7f && !(c >= 0x80 && c <= 0x9f)), yaml);
    }

    @Test
    void write_quotesKeysToo_andKeepsBooleansAndEmptyLists() throws Exception {
        Map<String, Object> map = new TreeMap<>(Map.of("docker", true, "a: b\nc", "v", "tls-san", List.of()));
        String yaml = SimpleYaml.write(map);
        assertEquals("\"a: b\\nc\": \"v\"\n\"docker\": true\n\"tls-san\": []\n", yaml);
        assertEquals(map, new TreeMap<>(YAML.readValue(yaml, Map.class)));
    }

    @Test
    void write_refusesAnUnpairedSurrogate_ratherThanWriteAFileK3sCannotRead() {
        assertThrows(IllegalArgumentException.class, () -> SimpleYaml.write(Map.of("k", "a\ud800")));
        assertThrows(IllegalArgumentException.class, () -> SimpleYaml.write(Map.of("k", List.of("\udc00x"))));
        assertEquals("\"😀\"", SimpleYaml.quote("😀"), "a pair is written as the character");
    }

    @Test
    void read_takesWhatPeopleWriteByHand() {
        String text = """
                # written by hand
                ---
                node-name: pi-1   # trailing comment
                token: 'it''s'
                "quoted key": "a \\"b\\" \\u00e9 \\x41 \\N"
                flow: [a, "b, c", 'd']
                tls-san:
                  - one
                  - "two # not a comment"
                  - 'three'
                nested:
                  deeper: ignored
                hash: a#b
                """;
        Map<String, Object> m = SimpleYaml.read(text);
        assertEquals("pi-1", m.get("node-name"));
        assertEquals("it's", m.get("token"));
        assertEquals("a \"b\" é A \u0085", m.get("quoted key"));
        assertEquals(List.of("a", "b, c", "d"), m.get("flow"));
        assertEquals(List.of("one", "two # not a comment", "three"), m.get("tls-san"));
        assertEquals("a#b", m.get("hash"));
        assertFalse(m.containsKey("deeper"));
    }

    @Test
    void serverConfig_aTokenEditedByHand_showsAsForeign_neverAsItself() {
        String ours = SimpleYaml.write(Map.of("node-name", "pi-1", "token", "K10abc::server:s3cret"));
        assertEquals(Map.of("node-name", "pi-1"), K3sServerKind.observedConfig(ours, "s3cret"));
        assertEquals(Map.of("node-name", "pi-1"), K3sServerKind.observedConfig(
                SimpleYaml.write(Map.of("node-name", "pi-1", "token", "s3cret")), "s3cret"), "a bare password");
        for (String edited : List.of("node-name: pi-1\ntoken: other\n", "node-name: pi-1\ntoken: \"K10x::server:y\"\n",
                "\"node-name\": \"pi-1\"\n\"token\": \"s3cret \"\n")) {
            Map<String, Object> seen = K3sServerKind.observedConfig(edited, "s3cret");
            assertEquals(K3sServerKind.FOREIGN_TOKEN, seen.get("token"), edited);
            assertFalse(seen.toString().contains("other") || seen.toString().contains("y\""), seen.toString());
        }
        assertEquals(Map.of("node-name", "pi-1"), K3sServerKind.observedConfig("node-name: pi-1\n", "s3cret"),
                "no token in the file: the server keeps its own");
    }

    @Test
    void agentUrl_bracketsIpv6_andEscapesTheZone() {
        assertEquals("https://192.168.1.10:6443", K3sAgentKind.serverUrl("192.168.1.10"));
        assertEquals("https://pi.lan:6443", K3sAgentKind.serverUrl("pi.lan"));
        assertEquals("https://[fe80::2]:6443", K3sAgentKind.serverUrl("fe80::2"));
        assertEquals("https://[fe80::2%25eth0]:6443", K3sAgentKind.serverUrl("fe80::2%eth0"));
        for (String a : List.of("192.168.1.10", "pi.lan", "fe80::2", "fe80::2%eth0", "::ffff:10.0.0.1")) {
            assertEquals(a, K3sAgentKind.serverAddress(K3sAgentKind.serverUrl(a)));
        }
    }
}
