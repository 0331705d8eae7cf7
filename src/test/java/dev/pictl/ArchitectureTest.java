package dev.pictl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The package rules of CONVENTIONS.md and docs/architecture.md, checked on the sources. The one copy of them:
 * <ul>
 *   <li>an allow-list: for each package, the pictl packages it may use, read from its real imports and from every
 *       fully-qualified name in its code (comments and string literals left out); a package missing from the list
 *       fails, so a new package is placed in the layering when it is made;</li>
 *   <li>each third-party library is used by its own packages only;</li>
 *   <li>only {@code cli} prints; every package says what it owns.</li>
 * </ul>
 */
@Tag("fast")
class ArchitectureTest {
    private static final Path MAIN = Path.of("src/main/java/dev/pictl");
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?([\\w.]+)", Pattern.MULTILINE);
    /** A pictl type named in code: {@code dev.pictl.<package>.<Type>} (an import or a fully-qualified name). */
    private static final Pattern PICTL_NAME = Pattern.compile("\\bdev\\.pictl\\.((?:[a-z][a-z0-9_]*\\.)*?[a-z][a-z0-9_]*)\\.[A-Z]");

    /**
     * Package → the other pictl packages it may use. Dependencies point one way: {@code cli → engine → types →
     * {config, graph, state, probe, plan, apply, drift, kubeconfig} → {resource, addr, diag}}, with the
     * {@link #LEAVES} anyone may use.
     */
    private static final Map<String, Set<String>> ALLOWED = new TreeMap<>(Map.ofEntries(
            // Leaves.
            Map.entry("diag", Set.of()),
            Map.entry("addr", Set.of()),
            Map.entry("io", Set.of()),
            Map.entry("nodetext", Set.of()),
            // kubeconfig: values and files only; the engine fetches, the CLI prints.
            Map.entry("kubeconfig", Set.of("io")),
            // The language.
            Map.entry("resource", Set.of("addr", "diag")),
            Map.entry("config.hcl", Set.of("diag")),
            Map.entry("config", Set.of("addr", "config.hcl", "diag", "io", "resource")),
            Map.entry("graph", Set.of("addr", "diag", "resource")),
            // The state knows no description, no node and no plan.
            Map.entry("state", Set.of("addr", "diag", "io", "resource")),
            // The state in PostgreSQL: the state's values and contract, and JDBC (docs/state.md, "Team use").
            Map.entry("state.pg", Set.of("addr", "diag", "io", "state")),
            // Reaching nodes.
            Map.entry("transport", Set.of("io")),
            Map.entry("transport.ssh", Set.of("io", "transport")),
            Map.entry("probe", Set.of("transport")),
            // Planning and applying, which know resource types only through their contracts (Kind, Executor).
            Map.entry("plan.kind", Set.of("addr", "config", "diag", "plan", "probe", "resource", "state")),
            Map.entry("plan", Set.of("addr", "config", "diag", "graph", "plan.kind", "probe", "resource", "state")),
            Map.entry("apply", Set.of("addr", "config", "diag", "plan", "plan.kind", "resource", "state",
                    "transport")),
            Map.entry("drift", Set.of("addr", "config", "diag", "plan", "probe", "resource", "state")),
            // pictl diagnose: its own node script, the signatures and the ranking; reaches nodes through transport.
            Map.entry("diagnose", Set.of("probe", "transport")),
            // The resource types and their registry.
            Map.entry("types", Set.of("apply", "config", "graph", "plan.kind", "probe", "resource", "state", "types.backup", "types.host",
                    "types.k3s", "types.storage", "types.cluster", "types.boot", "types.manifest", "types.os", "types.helm")),
            // Families may use families below them: storage lives in the cluster k3s makes, on the boards host makes.
            Map.entry("types.host", typePackage()),
            Map.entry("types.k3s", typePackage("types.host")),
            Map.entry("types.boot", typePackage("types.host")),
            Map.entry("types.storage", typePackage("types.k3s", "types.host")),
            // What organises the cluster's workloads: read through the storage family's snapshot source.
            Map.entry("types.cluster", typePackage("types.k3s", "types.storage")),
            // Kubernetes objects from YAML (issue 13): the server's topology and snapshot source, as namespace; after
            // the namespaces its objects are in.
            Map.entry("types.manifest", typePackage("types.k3s", "types.storage", "types.cluster")),
            // OS updates (issue 15): the roll reuses host's drain and reboot, and k3s's topology (servers first).
            Map.entry("types.os", typePackage("types.k3s", "types.host")),
            // Helm charts: read through the storage family's snapshot source, after namespaces (types.cluster).
            Map.entry("types.helm", typePackage("types.k3s", "types.storage", "types.cluster")),
            // Backups of the k3s datastore (issue 14): read the k3s family's servers and token format.
            Map.entry("types.backup", typePackage("types.k3s", "types.host")),
            // The façade and the CLI.
            // The engine knows no simulator: targets come through engine.TargetResolver.
            Map.entry("engine", Set.of("addr", "apply", "config", "diag", "diagnose", "drift", "graph", "io", "kubeconfig",
                    "plan", "plan.kind", "probe", "resource", "state", "state.pg", "transport", "transport.ssh", "types",
                    "types.backup")),
            // The simulator as a TargetResolver, and a simulated fleet made from a description; the CLI chooses it.
            // It provisions a described board in the simulator, naming the types it provisions by their NAME.
            Map.entry("simbridge", Set.of("config", "diag", "engine", "resource", "sim", "state", "transport",
                    "types.host", "types.k3s")),
            // The views ask the registry where a type's objects live (a node, or the cluster as a whole).
            Map.entry("cli.view", Set.of("addr", "apply", "diag", "diagnose", "drift", "plan", "types")),
            // config.hcl: fmt lays out the files' tokens (it has no meaning to evaluate, so no engine call).
            Map.entry("cli", Set.of("addr", "apply", "cli.view", "config", "config.hcl", "diag", "diagnose", "drift",
                    "engine", "graph", "io", "plan", "resource", "sim", "simbridge", "state", "state.pg", "transport",
                    "types")),
            // The build-time generator of schema/ and docs/resources.md.
            Map.entry("schema", Set.of("cli.view", "config", "resource", "types")),
            // The simulated fleet stands alone: it plays real boards, so it knows nothing of pictl.
            Map.entry("sim", Set.of("sim.kube")),
            Map.entry("sim.kube", Set.of())));

    /** Leaves every package may use: bounded reads of the files a user names, and text to and from nodes. */
    private static final Set<String> LEAVES = Set.of("io", "nodetext");

    /** What a family of resource types may use: the framework below it, its registry and {@code more}. */
    private static Set<String> typePackage(String... more) {
        Set<String> out = new TreeSet<>(Set.of("addr", "apply", "config", "diag", "graph", "plan", "plan.kind",
                "probe", "resource", "state", "transport", "types"));
        out.addAll(List.of(more));
        return out;
    }

    /** Third-party package prefix → the only pictl packages allowed to use it. */
    private static final Map<String, List<String>> LIBRARY_OWNERS = Map.of(
            "org.jgrapht", List.of("graph"),
            "org.apache.sshd", List.of("transport.ssh", "sim"),
            "picocli", List.of("cli"),
            "com.fasterxml.jackson.dataformat.yaml", List.of("kubeconfig", "types.manifest"),
            "org.yaml.snakeyaml", List.of());

    /** Package → the only third-party prefixes it may import (packages not listed are not restricted this way). */
    private static final Map<String, List<String>> ONLY_LIBRARIES = Map.of(
            "state", List.of("java.", "javax.crypto.", "com.fasterxml.jackson."),
            // JDBC only: the driver is found by java.sql.DriverManager, never named.
            "state.pg", List.of("java."),
            // The transport's interface is plain Java: an implementation brings its library (transport.ssh: MINA).
            "transport", List.of("java."));

    private record Source(String pkg, Path file, String text, String code) {
    }

    private static List<Source> sources() throws Exception {
        List<Source> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(MAIN)) {
            for (Path p : s.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                String pkg = MAIN.relativize(p.getParent()).toString().replace('/', '.');
                String text = Files.readString(p);
                out.add(new Source(pkg, p, text, code(text)));
            }
        }
        return out;
    }

    /** The source without comments and without the contents of string and char literals (text blocks included). */
    static String code(String text) {
        StringBuilder b = new StringBuilder(text.length());
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (text.startsWith("//", i)) {
                while (i < n && text.charAt(i) != '\n') {
                    i++;
                }
            } else if (text.startsWith("/*", i)) {
                int end = text.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
                b.append(' ');
            } else if (text.startsWith("\"\"\"", i)) {
                int end = text.indexOf("\"\"\"", i + 3);
                while (end > 0 && text.charAt(end - 1) == '\\') {
                    end = text.indexOf("\"\"\"", end + 1);
                }
                i = end < 0 ? n : end + 3;
                b.append("\"\"");
            } else if (c == '"' || c == '\'') {
                i++;
                while (i < n && text.charAt(i) != c) {
                    i += text.charAt(i) == '\\' ? 2 : 1;
                }
                i++;
                b.append(c).append(c);
            } else {
                b.append(c);
                i++;
            }
        }
        return b.toString();
    }

    /** The pictl packages a source uses: by import, by static import and by fully-qualified name. */
    private static Set<String> pictlPackages(Source s) {
        Set<String> out = new TreeSet<>();
        Matcher m = PICTL_NAME.matcher(s.code());
        while (m.find()) {
            out.add(m.group(1));
        }
        out.remove(s.pkg());
        return out;
    }

    @Test
    void everyPackage_usesOnlyThePackagesItsAllowListNames() throws Exception {
        List<String> violations = new ArrayList<>();
        for (Source s : sources()) {
            Set<String> allowed = ALLOWED.get(s.pkg());
            if (allowed == null) {
                violations.add(s.file() + ": package " + s.pkg() + " is not in the allow-list; place it in the "
                        + "layering (ArchitectureTest.ALLOWED and docs/architecture.md)");
                continue;
            }
            for (String used : pictlPackages(s)) {
                if (!allowed.contains(used) && !(LEAVES.contains(used) && !LEAVES.contains(s.pkg()))) {
                    violations.add(s.file() + " uses dev.pictl." + used + " (" + s.pkg() + " may use " + allowed + ")");
                }
            }
        }
        assertEquals(List.of(), violations);
    }

    /** Not even a fully-qualified name: the engine knows no simulator (neither {@code sim} nor {@code simbridge}). */
    @Test
    void eachLibrary_isUsedByItsOwnPackagesOnly() throws Exception {
        List<String> violations = new ArrayList<>();
        for (Source s : sources()) {
            Matcher m = IMPORT.matcher(s.text());
            while (m.find()) {
                String imported = m.group(1);
                LIBRARY_OWNERS.forEach((lib, owners) -> {
                    if (imported.startsWith(lib + ".") && !owners.contains(s.pkg())) {
                        violations.add(s.file() + " imports " + imported + " (only " + owners + " may)");
                    }
                });
                List<String> only = ONLY_LIBRARIES.get(s.pkg());
                if (only != null && !imported.startsWith("dev.pictl.") && only.stream().noneMatch(imported::startsWith)) {
                    violations.add(s.file() + " imports " + imported + " (" + s.pkg() + " may import " + only + ")");
                }
            }
            for (String lib : LIBRARY_OWNERS.keySet()) {
                if (s.code().contains(lib + ".") && !s.text().contains("import " + lib)
                        && !LIBRARY_OWNERS.get(lib).contains(s.pkg())) {
                    violations.add(s.file() + " names " + lib + " by its full name");
                }
            }
        }
        assertEquals(List.of(), violations);
    }

    /** The checker itself: imports, static imports and fully-qualified names count; comments and strings do not. */
    @Test
    void theChecker_seesFullyQualifiedNames_andIgnoresCommentsAndStrings() {
        Source s = new Source("plan", Path.of("X.java"), "", code("""
                import dev.pictl.addr.ResourceAddress;
                import static dev.pictl.diag.Severity.ERROR;
                /** See {@link dev.pictl.cli.Main}. */
                class X {
                    // dev.pictl.engine.Pictl is not used here
                    String s = "dev.pictl.sim.SimNode";
                    String t = \"""
                        dev.pictl.types.ResourceTypes
                        \""";
                    Object o = new dev.pictl.state.State();
                    char c = '"';
                    Object p = dev.pictl.types.host.NodeType.NAME;
                }
                """));
        assertEquals(Set.of("addr", "diag", "state", "types.host"), pictlPackages(s));
    }

    @Test
    void theAllowList_namesOnlyPackagesThatExist() throws Exception {
        Set<String> packages = new TreeSet<>();
        for (Source s : sources()) {
            packages.add(s.pkg());
        }
        Set<String> unknown = new TreeSet<>();
        ALLOWED.forEach((pkg, uses) -> {
            if (!packages.contains(pkg)) {
                unknown.add(pkg);
            }
            uses.stream().filter(u -> !packages.contains(u)).forEach(unknown::add);
        });
        assertTrue(unknown.isEmpty(), "the allow-list names packages that do not exist: " + unknown);
    }

    @Test
    void onlyTheCliPrints() throws Exception {
        List<String> violations = new ArrayList<>();
        for (Source s : sources()) {
            String top = s.pkg().split("\\.")[0];
            if (top.equals("cli") || top.equals("schema") || top.equals("sim")) {
                continue; // the CLI, the build-time generator's main, and the simulator daemon's own entry point
            }
            if (s.code().contains("System.out") || s.code().contains("System.err")
                    || s.code().contains("printStackTrace")) {
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
