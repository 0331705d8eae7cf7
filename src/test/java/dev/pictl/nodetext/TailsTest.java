package dev.pictl.nodetext;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Tag("fast")
class TailsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "fewer lines than asked           | a\\nb              | 5 | a\\nb",
        "the last n                       | 1\\n2\\n3\\n4\\n5\\n6 | 2 | 5\\n6",
        "blank lines dropped, not counted | a\\n\\n  \\nb\\n\\n   | 2 | a\\nb",
        "trailing whitespace dropped      | a  \\n  b\\t       | 5 | a\\n  b",
        "CRLF and CR                      | a\\r\\nb\\rc        | 2 | b\\nc",
        "zero lines                       | a\\nb              | 0 | ''",
        "negative is zero                 | a                 | -1 | ''",
        "empty                            | ''                | 5 | ''",
        "hostile text is kept as it is    | $(id)\\n`x`\\n\\u00e9 | 5 | $(id)\\n`x`\\n\\u00e9",
    })
    void last(String label, String text, int n, String expected) {
        assertEquals(unescape(expected), Tails.last(unescape(text), n));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "stderr when it says something    | e1\\ne2    | o1      | e1\\ne2",
        "stdout when stderr is blank      | \\n  \\n   | o1\\no2  | o1\\no2",
        "stdout's last lines, not all     | ''        | 1\\n2\\n3\\n4\\n5\\n6\\n7 | 3\\n4\\n5\\n6\\n7",
        "stripped: no leading indentation | \"   e\"    | o       | e",
        "both empty                       | ''        | ''      | ''",
    })
    void of(String label, String stderr, String stdout, String expected) {
        assertEquals(unescape(expected), Tails.of(unescape(stderr), unescape(stdout), 5));
    }

    /** {@code \n}, {@code \r}, {@code \t}, {@code \\uXXXX} in the table; '' is the empty string. */
    private static String unescape(String s) {
        if (s == null || s.equals("''")) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char e = s.charAt(++i);
                switch (e) {
                    case 'n' -> b.append('\n');
                    case 'r' -> b.append('\r');
                    case 't' -> b.append('\t');
                    case 'u' -> {
                        b.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                        i += 4;
                    }
                    default -> b.append('\\').append(e);
                }
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
