package dev.pictl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The package rules of CONVENTIONS.md, checked on the sources: dependencies point one way, nothing imports
 * {@code cli}, each third-party library is imported by its one package, and only {@code cli} prints.
 */
@Tag("fast")
class ArchitectureTest {
    private static final Path MAIN = Path.of("src/main/java/dev/pictl");
    private static final Pattern IMPORT = Pattern.compile("^import (static )?([\\w.]+)", Pattern.MULTILINE);

    /** Package → pictl packages it must not import. */
    private static final Map<String, List<String>> FORBIDDEN = Map.ofEntries(
            Map.entry("diag", List.of("dev.pictl.")),
            Map.entry("addr", List.of("dev.pictl.")),
            // kubeconfig: values and files only; the engine fetches, the CLI prints.
            Map.entry("kubeconfig", List.of("dev.pictl.addr", "dev.pictl.apply", "dev.pictl.cli", "dev.pictl.config",
                    "dev.pictl.diag", "dev.pictl.drift", "dev.pictl.engine", "dev.pictl.graph", "dev.pictl.plan",
                    "dev.pictl.probe", "dev.pictl.resource", "dev.pictl.schema", "dev.pictl.sim", "dev.pictl.state",
                    "dev.pictl.transport")),
            // io: bounded reads of the files a user names; a leaf every package may use.
            Map.entry("io", List.of("dev.pictl.")),
            Map.entry("resource", List.of("dev.pictl.config", "dev.pictl.graph", "dev.pictl.engine",
                    "dev.pictl.cli")),
            Map.entry("config", List.of("dev.pictl.graph", "dev.pictl.engine", "dev.pictl.cli")),
            Map.entry("graph", List.of("dev.pictl.config", "dev.pictl.engine", "dev.pictl.cli")),
            Map.entry("engine", List.of("dev.pictl.cli")),
            Map.entry("probe", List.of("dev.pictl.config", "dev.pictl.graph", "dev.pictl.engine",
                    "dev.pictl.cli", "dev.pictl.state", "dev.pictl.plan", "dev.pictl.sim")),
            Map.entry("plan", List.of("dev.pictl.engine", "dev.pictl.cli", "dev.pictl.sim",
                    "dev.pictl.transport.ssh")),
            Map.entry("drift", List.of("dev.pictl.engine", "dev.pictl.cli", "dev.pictl.sim",
                    "dev.pictl.transport", "dev.pictl.apply")),
            Map.entry("state", List.of("dev.pictl.config", "dev.pictl.graph", "dev.pictl.engine",
                    "dev.pictl.cli", "dev.pictl.transport", "dev.pictl.sim")),
            Map.entry("transport", List.of("dev.pictl.config", "dev.pictl.graph", "dev.pictl.engine",
                    "dev.pictl.cli", "dev.pictl.state", "dev.pictl.resource", "dev.pictl.sim")));

    /** Third-party package prefix → the only pictl package allowed to import it. */
    private static final Map<String, List<String>> LIBRARY_OWNERS = Map.of(
            "org.jgrapht", List.of("graph"),
            "org.apache.sshd", List.of("transport", "sim"),
            "picocli", List.of("cli"),
            "com.fasterxml.jackson.dataformat.yaml", List.of("kubeconfig"),
            "org.yaml.snakeyaml", List.of());

    private record Source(String pkg, Path file, String text) {
    }

    private static List<Source> sources() throws Exception {
        List<Source> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(MAIN)) {
            for (Path p : s.filter(f -> f.toString().endsWith(".java")).toList()) {
                String pkg = MAIN.relativize(p.getParent()).toString().replace('/', '.');
                out.add(new Source(pkg, p, Files.readString(p)));
            }
        }
        return out;
    }

    @Test
    void dependencies_pointOneWay() throws Exception {
        List<String> violations = new ArrayList<>();
        for (Source s : sources()) {
            String top = s.pkg().split("\\.")[0];
            Matcher m = IMPORT.matcher(s.text());
            while (m.find()) {
                String imported = m.group(2);
                for (String bad : FORBIDDEN.getOrDefault(top, List.of())) {
                    if (imported.startsWith(bad) && !imported.startsWith("dev.pictl." + top + ".")
                            && !imported.startsWith("dev.pictl." + top + ";")) {
                        violations.add(s.file() + " imports " + imported);
                    }
                }
                if (imported.startsWith("dev.pictl.cli") && !top.equals("cli")) {
                    violations.add(s.file() + " imports the CLI: " + imported);
                }
                LIBRARY_OWNERS.forEach((lib, owners) -> {
                    if (imported.startsWith(lib + ".") && !owners.contains(top)) {
                        violations.add(s.file() + " imports " + imported + " (only " + owners + " may)");
                    }
                });
            }
        }
        assertEquals(List.of(), violations);
    }

    @Test
    void onlyTheCliPrints() throws Exception {
        List<String> violations = new ArrayList<>();
        for (Source s : sources()) {
            String top = s.pkg().split("\\.")[0];
            if (top.equals("cli") || top.equals("schema") || top.equals("sim")) {
                continue; // the CLI, the build-time generator's main, and the simulator daemon's own entry point
            }
            if (s.text().contains("System.out") || s.text().contains("System.err") || s.text().contains("printStackTrace")) {
                violations.add(s.file().toString());
            }
        }
        assertEquals(List.of(), violations);
    }

    @Test
    void everyPackageSaysWhatItOwns() throws Exception {
        List<String> missing = new ArrayList<>();
        try (Stream<Path> s = Files.walk(MAIN)) {
            for (Path d : s.filter(Files::isDirectory).toList()) {
                boolean hasJava;
                try (Stream<Path> files = Files.list(d)) {
                    hasJava = files.anyMatch(f -> f.toString().endsWith(".java"));
                }
                if (hasJava && !Files.exists(d.resolve("package-info.java"))) {
                    missing.add(d.toString());
                }
            }
        }
        assertEquals(List.of(), missing);
    }
}
