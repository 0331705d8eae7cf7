package dev.pictl.nodetext;

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

    /** Keys and values a YAML reader could take for structure, a type, or whitespace to fold away. */
    private static final List<String> HOSTILE = List.of(
            "a\nb", "\n", "x\nwrite-kubeconfig-mode: 0644", "a: b", "a:b", ": ", "#", "# c", "a # b", "a#b",
            "---", "--- x", "...", "\"", "'", "\"a\" 'b'", "\\\"", " lead", "trail ", "  ", "\tx\t", "~", "null",
            "Null", "NULL", "yes", "no", "Yes", "NO", "on", "off", "y", "n", "true", "False", "0644", "0o17", "0x1F",
            "1_000", "1e3", "-.5", ".inf", "-.Inf", ".NaN", "12:30:00", "2024-01-01", "- item", "[]", "{}", "&a",
            "*a", "!tag", "%YAML", "@x", "`x`", "|", ">-", "? k", "é ß Ω 中文 😀", "\u00a0nbsp\u00a0", "\u0085",
            "\u2028", "\ufeff", "$(id)", "${PICTL_ROOT}");

    @Test
    void write_hostileKeysAndValues_comeBackFromJacksonAsExactlyTheSameStrings() throws Exception {
        Map<String, Object> map = new TreeMap<>();
        for (int i = 0; i < HOSTILE.size(); i++) {
            String h = HOSTILE.get(i);
            map.put(h, HOSTILE.get(HOSTILE.size() - 1 - i));  // a hostile key with another hostile value
            map.put("list " + h, List.of(h, "", h + h));
        }
        String yaml = SimpleYaml.write(map);
        @SuppressWarnings("unchecked")
        Map<String, Object> back = YAML.readValue(yaml, Map.class);
        assertEquals(map.size(), back.size(), yaml);
        for (Map.Entry<String, Object> e : map.entrySet()) {
            assertTrue(back.containsKey(e.getKey()), () -> "key lost or changed: " + e.getKey() + "\n" + yaml);
            assertEquals(e.getValue(), back.get(e.getKey()), () -> "value of " + e.getKey());
            assertEquals(e.getValue() instanceof String ? String.class : List.class,
                    back.get(e.getKey()) instanceof String ? String.class : List.class, "types stay strings");
        }
        assertEquals(map, SimpleYaml.read(yaml), "pictl's own reader agrees");
        assertEquals(yaml, SimpleYaml.write(SimpleYaml.read(yaml)), "writing what was read changes nothing");
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

}
