package dev.pictl.nodetext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@Tag("fast")
class KeyValuesTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("simple", "a=1\nb=2\n", Map.of("a", "1", "b", "2")),
                Arguments.of("first = splits; the value keeps the rest", "line=a=b c", Map.of("line", "a=b c")),
                Arguments.of("a repeated key keeps its first value", "state=active\nstate=failed",
                        Map.of("state", "active")),
                Arguments.of("a later injected marker does not override", "url=https://x\nunit=absent\n",
                        Map.of("url", "https://x", "unit", "absent")),
                Arguments.of("whitespace around key and value", "  a = 1  \n\tb=\t2\t", Map.of("a", "1", "b", "2")),
                Arguments.of("CRLF and lone CR end lines", "a=1\r\nb=2\rc=3", Map.of("a", "1", "b", "2", "c", "3")),
                Arguments.of("empty value", "a=\nb= ", Map.of("a", "", "b", "")),
                Arguments.of("no key, no =, blank: skipped", "=x\n =y\nnoequals\n\n  \n", Map.of()),
                Arguments.of("quotes stay (os-release unquoting is the probe's)", "NAME=\"Debian\"\nID='x'",
                        Map.of("NAME", "\"Debian\"", "ID", "'x'")),
                Arguments.of("hostile values are data", "v=$(id) `id` ; rm -rf / \u0000 é 😀",
                        Map.of("v", "$(id) `id` ; rm -rf / \u0000 é 😀")),
                Arguments.of("non-ASCII keys", "ключ=значение", Map.of("ключ", "значение")),
                Arguments.of("null", null, Map.of()),
                Arguments.of("empty", "", Map.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void parse(String label, String text, Map<String, String> expected) {
        assertEquals(expected, KeyValues.parse(text));
    }

    @Test
    void parse_keepsTheOrderKeysFirstAppear_andCannotBeChanged() {
        Map<String, String> kv = KeyValues.parse("z=1\na=2\nm=3\na=4");
        assertEquals(List.of("z", "a", "m"), List.copyOf(kv.keySet()));
        assertThrows(UnsupportedOperationException.class, () -> kv.put("x", "y"));
    }
}
