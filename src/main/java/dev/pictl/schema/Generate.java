package dev.pictl.schema;

import dev.pictl.config.Catalog;
import dev.pictl.types.ResourceTypes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes every generated file under a repository root:
 *
 * <pre>
 * mvn -q -B test -Dtest=GeneratedFilesTest -Dpictl.golden.update=true      # or, with the jar built by ./pictl:
 * java -cp target/pictl.jar dev.pictl.schema.Generate .
 * </pre>
 *
 * The files are committed; {@code GeneratedFilesTest} fails when they differ from what this produces.
 */
public final class Generate {
    private Generate() {
    }

    /** Path relative to the repository root → content, in a fixed order. */
    public static Map<String, String> files() {
        Map<String, String> files = new LinkedHashMap<>();
        Catalog catalog = ResourceTypes.standard().catalog();
        files.put("schema/config.schema.json", SchemaGenerator.configSchema(catalog));
        files.put("schema/diagnostics.schema.json", SchemaGenerator.diagnosticsSchema());
        files.put("docs/resources.md", ResourceDocs.markdown(catalog));
        return files;
    }

    /** Writes the files under {@code root}; returns the ones whose content changed. */
    public static Map<Path, String> writeAll(Path root) throws IOException {
        Map<Path, String> changed = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : files().entrySet()) {
            Path p = root.resolve(e.getKey());
            String old = Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : null;
            if (!e.getValue().equals(old)) {
                Files.createDirectories(p.getParent());
                Files.writeString(p, e.getValue(), StandardCharsets.UTF_8);
                changed.put(p, e.getValue());
            }
        }
        return changed;
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: java -cp target/pictl.jar dev.pictl.schema.Generate REPO_ROOT");
            System.exit(1);
        }
        Path root = Path.of(args[0]);
        if (!Files.isRegularFile(root.resolve("pom.xml"))) {
            System.err.println("error: " + root.toAbsolutePath() + " has no pom.xml; pass the repository root");
            System.exit(1);
        }
        Map<Path, String> changed = writeAll(root);
        for (String rel : files().keySet()) {
            Path p = root.resolve(rel);
            System.out.println((changed.containsKey(p) ? "wrote     " : "unchanged ") + rel);
        }
    }
}
