package dev.pictl.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@code state} imports only the JDK, Jackson, {@code addr}, {@code diag} and {@code resource} (see package-info). */
@Tag("fast")
class StatePackageBoundariesTest {
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?([\\w.]+)", Pattern.MULTILINE);
    private static final List<String> ALLOWED = List.of("java.", "javax.crypto.", "com.fasterxml.jackson.",
            "dev.pictl.addr.", "dev.pictl.diag.", "dev.pictl.io.", "dev.pictl.resource.", "dev.pictl.state.");

    @Test
    void statePackage_importsOnlyWhatItMay() throws Exception {
        List<String> violations = new ArrayList<>();
        try (Stream<Path> s = Files.walk(Path.of("src/main/java/dev/pictl/state"))) {
            for (Path p : s.filter(f -> f.toString().endsWith(".java")).toList()) {
                Matcher m = IMPORT.matcher(Files.readString(p));
                while (m.find()) {
                    String imported = m.group(1);
                    if (ALLOWED.stream().noneMatch(imported::startsWith)) {
                        violations.add(p.getFileName() + " imports " + imported);
                    }
                }
            }
        }
        assertEquals(List.of(), violations);
    }
}
