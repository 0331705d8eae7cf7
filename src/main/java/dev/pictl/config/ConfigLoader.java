package dev.pictl.config;

import dev.pictl.config.hcl.HclFile;
import dev.pictl.config.hcl.Parser;
import dev.pictl.diag.Diagnostic;
import dev.pictl.diag.Diagnostics;
import dev.pictl.diag.Severity;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
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

    public static LoadResult load(Path location, VariableInputs inputs) {
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
        Decoder decoder = new Decoder(diags, inputs, baseDir, sources);
        Config config = decoder.decode(location, parsed);
        return new LoadResult(config, diags, sources);
    }

    private static List<Path> findFiles(Path location, Diagnostics diags) {
        if (!Files.exists(location)) {
            diags.add(new Diagnostic(Severity.ERROR, "configuration not found: " + location,
                    "Pass a .hcl file or a directory of them with -c/--config; without it pictl reads the current "
                            + "directory.", null));
            return List.of();
        }
        if (Files.isRegularFile(location)) {
            return List.of(location);
        }
        try (Stream<Path> s = Files.list(location)) {
            List<Path> files = s.filter(p -> p.getFileName().toString().endsWith(".hcl") && Files.isRegularFile(p))
                    .sorted().toList();
            if (files.isEmpty()) {
                diags.add(new Diagnostic(Severity.ERROR, "no .hcl files in " + location,
                        "Write the cluster description in a file such as " + location.resolve("cluster.hcl")
                                + ", or point -c/--config at one.", null));
            }
            return files;
        } catch (IOException e) {
            diags.add(new Diagnostic(Severity.ERROR, "cannot list " + location + ": " + e.getMessage(), "", null));
            return List.of();
        }
    }

    private static String read(Path f, Diagnostics diags) {
        try {
            byte[] bytes = Files.readAllBytes(f);
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            diags.add(new Diagnostic(Severity.ERROR, f + " is not UTF-8 text",
                    "pictl reads configuration files as UTF-8. Re-save the file as UTF-8.", null));
        } catch (IOException e) {
            diags.add(new Diagnostic(Severity.ERROR, "cannot read " + f + ": " + e.getMessage(), "", null));
        }
        return null;
    }
}
