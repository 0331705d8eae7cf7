package dev.pictl.cli.view;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** fmt -diff's unified diff: the hunks GNU diff -u prints for the same texts (expected outputs taken from it). */
@Tag("fast")
class UnifiedDiffTest {
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("equal texts: nothing", "a\nb\n", "a\nb\n", ""),
                Arguments.of("two hunks, far apart; a change at the top and lines added at the end",
                        "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n",
                        "x\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\ny\n15\nz\n",
                        "@@ -1,4 +1,4 @@\n-1\n+x\n 2\n 3\n 4\n@@ -12,4 +12,6 @@\n 12\n 13\n 14\n+y\n 15\n+z\n"),
                Arguments.of("an insertion", "a\nb\n", "a\nB\nb\n", "@@ -1,2 +1,3 @@\n a\n+B\n b\n"),
                Arguments.of("a deletion", "a\nb\nc\n", "a\nc\n", "@@ -1,3 +1,2 @@\n a\n-b\n c\n"),
                Arguments.of("leading blank lines removed", "\n\na = 1\n", "a = 1\n", "@@ -1,3 +1 @@\n-\n-\n a = 1\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void likeDiffU(String what, String before, String after, String hunks) {
        String expected = hunks.isEmpty() ? "" : "--- a/f.hcl\n+++ b/f.hcl\n" + hunks;
        assertEquals(expected, UnifiedDiff.of("f.hcl", before, after), what);
    }
}
