package dev.pictl.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The committed {@code schema/*.json} and {@code docs/resources.md} must be exactly what the generators make
 * from {@link dev.pictl.resource.Schemas}. With {@code -Dpictl.golden.update=true} the test rewrites them
 * instead (review the diff like code).
 */
@Tag("fast")
class GeneratedFilesTest {
    private static final boolean UPDATE = Boolean.getBoolean("pictl.golden.update");
    private static final String HOW = "Regenerate with: mvn -q -B test -Dtest=GeneratedFilesTest -Dpictl.golden.update=true"
            + " (or java -cp target/pictl.jar dev.pictl.schema.Generate .), review the diff and commit it.";

    static Stream<String> generatedFiles() {
        return Generate.files().keySet().stream();
    }

    @ParameterizedTest
    @MethodSource("generatedFiles")
    void committedCopy_isUpToDateWithSchemas(String rel) throws IOException {
        String expected = Generate.files().get(rel);
        Path file = SchemaSupport.ROOT.resolve(rel);
        if (UPDATE) {
            Files.createDirectories(file.getParent());
            Files.writeString(file, expected, StandardCharsets.UTF_8);
            return;
        }
        if (!Files.exists(file)) {
            fail(rel + " is missing. " + HOW);
        }
        String actual = Files.readString(file, StandardCharsets.UTF_8);
        if (!actual.equals(expected)) {
            fail(rel + " is out of date with Schemas.java and the resource types; " + firstDifference(expected, actual)
                    + ". " + HOW);
        }
    }

    @Test
    void generation_isDeterministicWithUnixLineEndsAndFinalNewline() {
        assertEquals(Generate.files(), Generate.files());
        Generate.files().forEach((rel, text) -> {
            assertTrue(text.endsWith("\n") && !text.endsWith("\n\n"), rel + " must end with exactly one newline");
            assertFalse(text.contains("\r"), rel + " must use \\n line ends");
        });
    }

    private static String firstDifference(String expected, String actual) {
        String[] e = expected.split("\n", -1);
        String[] a = actual.split("\n", -1);
        for (int i = 0; i < Math.max(e.length, a.length); i++) {
            String el = i < e.length ? e[i] : "<end of file>";
            String al = i < a.length ? a[i] : "<end of file>";
            if (!el.equals(al)) {
                return "first difference at line " + (i + 1) + ":\n  generated: " + el + "\n  committed: " + al + "\n";
            }
        }
        return "they differ";
    }
}
