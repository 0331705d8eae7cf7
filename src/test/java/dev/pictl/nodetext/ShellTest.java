package dev.pictl.nodetext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Shell words: whatever a value holds, a real sh reads back exactly it, and runs nothing of it. */
@Tag("fast")
class ShellTest {
    /** Hostile words: quotes, expansions, substitutions, globs, separators, newlines, controls, non-ASCII. */
    private static final String[] HOSTILE = {
        "plain", "", " ", "it's", "'", "''", "'\\''", "\"", "\"dq\" 'sq'", "$HOME", "${PICTL_ROOT:-x}", "$(id)",
        "`id`", "$((1+2))", "a\\b", "\\", "\\n", "new\nline", "\n", "cr\rlf\r\n", "tab\there", "*", "?", "[a]",
        "~", "~root", "a;b", "a&&b", "a|b", "a>b", "<a", "(a)", "{a,b}", "#no comment", "-n", "--", "!", "%s %d",
        "\u0001\u001b[31m\u007f", "é ß Ω 中文 😀", "\u2028", "x'; reboot; echo '",
    };

    static String[] hostile() {
        return HOSTILE;
    }

    @ParameterizedTest
    @MethodSource("hostile")
    void quote_readsBackThroughARealShellAsExactlyTheWord(String word) throws Exception {
        assertEquals(word, sh("printf %s " + Shell.quote(word)));
    }

    @Test
    void quote_keepsEveryWordOneArgument() throws Exception {
        StringBuilder script = new StringBuilder("for a in");
        for (String w : HOSTILE) {
            script.append(' ').append(Shell.quote(w));
        }
        script.append("; do printf '%s\\0' \"$a\"; done");
        assertEquals(List.of(HOSTILE), List.of(sh(script.toString()).split("\0", -1)).subList(0, HOSTILE.length));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\0", "a\0b", "abc\0"})
    void quote_refusesNul_whichNoCommandLineCanCarry(String word) {
        assertThrows(IllegalArgumentException.class, () -> Shell.quote(word));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "it's|'it'\\''s'", "|''", "$(id)|'$(id)'", "a b|'a b'",
    })
    void quote_isPosixSingleQuoting(String word, String quoted) {
        assertEquals(quoted, Shell.quote(word == null ? "" : word));
    }

    @Test
    void joined_isOneWordTheNodeSplitsAgain() throws Exception {
        String w = Shell.joined(List.of("cgroup_enable=memory", "a'b", "$(id)"));
        assertEquals("'cgroup_enable=memory a'\\''b $(id)'", w);
        assertEquals("3:cgroup_enable=memory|a'b|$(id)|", sh("set -f; set -- " + "$(printf %s " + w + ")"
                + "; printf '%s:' $#; for a; do printf '%s|' \"$a\"; done"));
        assertEquals("''", Shell.joined(List.of()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/etc/rancher/k3s/config.yaml", "/mnt/it's here", "/a/$(id)/`x`", "/new\nline", "/"})
    void nodePath_isTheFileUnderPictlRoot_andNothingElse(String path) throws Exception {
        assertEquals("\"${PICTL_ROOT:-}\"" + Shell.quote(path), Shell.nodePath(path));
        assertEquals(path, sh("unset PICTL_ROOT; printf %s " + Shell.nodePath(path)), "a Pi: the path itself");
        assertEquals("/sim/node 1" + path, sh("PICTL_ROOT='/sim/node 1'; printf %s " + Shell.nodePath(path)),
                "the simulator: under the board's root, even with a space in it");
    }

    @ParameterizedTest
    @ValueSource(strings = {"etc/x", "", "./x", "~/x"})
    void nodePath_refusesARelativePath(String path) {
        assertThrows(IllegalArgumentException.class, () -> Shell.nodePath(path));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        ".pictl-sim|.pictl-sim", "/home/pi/cluster|/home/pi/cluster", "a=b:c@d+e-f_g|a=b:c@d+e-f_g",
        "my dir|'my dir'", "it's|'it'\\''s'", "|''", "$(id)|'$(id)'", "~/x|'~/x'", "*|'*'",
    })
    void shown_quotesOnlyWhatNeedsIt(String word, String expected) throws Exception {
        String w = word == null ? "" : word;
        assertEquals(expected, Shell.shown(w));
        assertEquals(w, sh("printf %s " + Shell.shown(w)));
    }

    @Test
    void shown_neverThrows_evenOnNul() {
        assertEquals("'a\0b'", Shell.shown("a\0b"));
    }

    private static String sh(String script) throws Exception {
        // The script goes on stdin as UTF-8 bytes, as it does over SSH (a command-line argument would pass through
        // the JVM's platform encoding first).
        Process p = new ProcessBuilder("/bin/sh", "-s").redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            in.write(script.getBytes(StandardCharsets.UTF_8));
        }
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("sh did not finish: " + script);
        }
        assertEquals(0, p.exitValue(), () -> script + "\n" + new String(out, StandardCharsets.UTF_8));
        return new String(out, StandardCharsets.UTF_8);
    }
}
