package dev.pictl.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Golden files: the exact text a user reads, kept in the source tree and reviewed like code. Run the tests with
 * {@code -Dpictl.golden.update=true} to rewrite them from the current output, then review the diff.
 */
public final class Golden {
    /** The system property that turns comparison into rewriting. */
    public static final String UPDATE_PROPERTY = "pictl.golden.update";

    private Golden() {
    }

    /**
     * Asserts that {@code actual} equals the content of {@code goldenFile} (a path relative to the module
     * directory, e.g. {@code src/test/resources/golden/validate/x.txt}), or rewrites the file in update mode.
     * Line endings are compared as {@code \n}.
     */
    public static void assertMatches(Path goldenFile, String actual) {
        String normalized = actual.replace("\r\n", "\n");
        if (Boolean.getBoolean(UPDATE_PROPERTY)) {
            try {
                Files.createDirectories(goldenFile.toAbsolutePath().getParent());
                Files.writeString(goldenFile, normalized, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write golden file " + goldenFile, e);
            }
            return;
        }
        if (!Files.isRegularFile(goldenFile)) {
            fail("golden file " + goldenFile + " does not exist; run the test with -D" + UPDATE_PROPERTY
                    + "=true to create it, then review it. Actual output:\n" + normalized);
        }
        String expected;
        try {
            expected = Files.readString(goldenFile, StandardCharsets.UTF_8).replace("\r\n", "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read golden file " + goldenFile, e);
        }
        assertEquals(expected, normalized, "output differs from golden file " + goldenFile
                + " (if the change is intended, rerun with -D" + UPDATE_PROPERTY + "=true and review the diff)");
    }
}
