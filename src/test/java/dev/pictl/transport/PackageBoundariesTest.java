package dev.pictl.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The rules in the two package-info files, checked on the sources: {@code dev.pictl.transport} imports no
 * third-party code and no other pictl package; {@code dev.pictl.transport.ssh} imports no pictl package but
 * {@code dev.pictl.transport} (and the leaf {@code dev.pictl.io} for bounded file reads); neither prints.
 */
@Tag("fast")
class PackageBoundariesTest {

    private static final Path MAIN = Path.of("src/main/java/dev/pictl/transport");
    private static final Pattern IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?([\\w.]+)", Pattern.MULTILINE);

    @Test
    void transportApi_importsOnlyTheJdk() throws IOException {
        assertEquals(List.of(), violations(MAIN, false, imp -> !imp.startsWith("java.")));
    }

    @Test
    void sshImplementation_importsNoPictlPackageButTransport() throws IOException {
        assertEquals(List.of(), violations(MAIN.resolve("ssh"), false,
                imp -> imp.startsWith("dev.pictl.") && !imp.matches("dev\\.pictl\\.transport\\.[A-Z].*")
                        && !imp.startsWith("dev.pictl.io.")));
    }

    @Test
    void transportPackages_neverPrint() throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String src = Files.readString(f);
                if (src.contains("System.out") || src.contains("System.err") || src.contains("printStackTrace")) {
                    found.add(f.toString());
                }
            }
        }
        assertEquals(List.of(), found);
    }

    private static List<String> violations(Path dir, boolean recurse, java.util.function.Predicate<String> bad)
            throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = recurse ? Files.walk(dir) : Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                Matcher m = IMPORT.matcher(Files.readString(f));
                while (m.find()) {
                    if (bad.test(m.group(1))) {
                        out.add(f.getFileName() + ": " + m.group(1));
                    }
                }
            }
        }
        return out;
    }
}
