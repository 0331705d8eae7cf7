package dev.pictl.config;

import dev.pictl.config.hcl.HclFile;
import dev.pictl.config.hcl.Parser;
import dev.pictl.diag.Diagnostic;
import dev.pictl.diag.Diagnostics;
import dev.pictl.diag.Severity;
import dev.pictl.io.BoundedFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Loads a cluster description from one {@code .hcl} file or a directory of them (not recursive, in name order).
 *
 * <p>Phases: read and parse every file; if any has a syntax error, stop there and report all syntax errors
 * (decoding a half-parsed file would add misleading follow-on errors, as Terraform also avoids); otherwise
 * decode, expand and check everything, reporting every problem.
 */
public final class ConfigLoader {
    private ConfigLoader() {
    }

    /** @param catalog the resource types the description may use */
    public static LoadResult load(Path location, VariableInputs inputs, Catalog catalog) {
        Diagnostics diags = new Diagnostics();
        Map<String, String> sources = new LinkedHashMap<>();
        List<Path> files = findFiles(location, diags);
        List<HclFile> parsed = new ArrayList<>();
        for (Path f : files) {
            String name = f.toString();
            String text = read(f, diags);
            if (text == null) {
                continue;
            }
            sources.put(name, text);
            parsed.add(Parser.parse(name, text, diags));
        }
        if (diags.hasErrors() || files.isEmpty()) {
            return new LoadResult(null, diags, sources);
        }
        Path baseDir = Files.isDirectory(location) ? location : location.toAbsolutePath().getParent();
        Decoder decoder = new Decoder(catalog, diags, inputs, baseDir, sources);
        Config config = decoder.decode(location, parsed);
        return new LoadResult(config, diags, sources);
    }

    /**
     * The files to read: {@code location} itself unless it is a directory, else every entry of the directory whose
     * name ends in {@code .hcl}, whatever it is. An entry that is not a readable regular file (a dangling link, a
     * link loop, a directory, a FIFO, an unreadable file) is kept here so that {@link #read} reports it: dropping
     * it silently would make plan propose destroying everything it declares.
     */
    private static List<Path> findFiles(Path location, Diagnostics diags) {
        if (!BoundedFiles.existsAsEntry(location)) {
            diags.add(new Diagnostic(Severity.ERROR, "configuration not found: " + location,
                    "Pass a .hcl file or a directory of them with -c/--config; without it pictl reads the current "
                            + "directory.", null));
            return List.of();
        }
        // Checked before anything opens it: opening a FIFO (to list it or read it) blocks until a writer comes.
        if (!Files.isDirectory(location)) {
            return List.of(location);
        }
        try (Stream<Path> s = Files.list(location)) {
            List<Path> files = s.filter(p -> p.getFileName().toString().endsWith(".hcl")).sorted().toList();
            if (files.isEmpty()) {
                // The current directory is the empty path: name it (absolute), never "no .hcl files in ".
                Path shown = location.toString().isEmpty() ? location.toAbsolutePath() : location;
                diags.add(new Diagnostic(Severity.ERROR, "no .hcl files in " + shown,
                        "Write the cluster description in a file such as " + shown.resolve("cluster.hcl")
                                + ", or point -c/--config at one.", null));
            }
            return files;
        } catch (IOException e) {
            diags.add(new Diagnostic(Severity.ERROR, "cannot list " + location + ": " + BoundedFiles.reason(e),
                    "pictl reads every .hcl file in the configuration directory.", null));
            return List.of();
        }
    }

    private static String read(Path f, Diagnostics diags) {
        try {
            return BoundedFiles.readString(f, BoundedFiles.Kind.CONFIG);
        } catch (BoundedFiles.NotUtf8 e) {
            diags.add(new Diagnostic(Severity.ERROR, f + " is not UTF-8 text",
                    "pictl reads configuration files as UTF-8. Re-save the file as UTF-8.", null));
        } catch (IOException e) {
            diags.add(new Diagnostic(Severity.ERROR, "cannot read " + f + ": " + BoundedFiles.reason(e),
                    "Every .hcl entry of the configuration is part of it, so pictl stops rather than leave it out. "
                            + "Fix or remove " + f.getFileName() + " (rename it to end in something other than .hcl "
                            + "to keep it out of the configuration).", null));
        }
        return null;
    }
}
