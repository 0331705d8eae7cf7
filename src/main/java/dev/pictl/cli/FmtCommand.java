package dev.pictl.cli;

import dev.pictl.cli.view.DiagnosticsView;
import dev.pictl.cli.view.UnifiedDiff;
import dev.pictl.config.hcl.Formatter;
import dev.pictl.io.BoundedFiles;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "fmt", mixinStandardHelpOptions = true,
        description = {"Rewrite .hcl description files in the canonical layout, as terraform fmt does: two-space "
                + "indents, one space around \"=\", the \"=\" of consecutive attributes and end-of-line comments "
                + "aligned, no trailing spaces, one newline at the end. Comments, blank lines and every value are "
                + "kept; a file with a syntax error is reported (file:line:col) and left untouched.",
                "Changed files are listed; they are written in place (a temporary file renamed over the old one, "
                        + "its mode kept)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every file is formatted (or was rewritten)",
                "1:a syntax error, a file that cannot be read or written, or bad usage",
                "3:-check: some file is not formatted (nothing was written)"})
final class FmtCommand implements Callable<Integer> {
    /** How standard input is named in messages. */
    static final String STDIN = "<stdin>";
    /** The exit code of {@code -check} when a file is not formatted: terraform fmt's. */
    static final int NOT_FORMATTED = 3;

    private final CliContext ctx;

    @Parameters(paramLabel = "PATH", arity = "0..*",
            description = "A .hcl file, or a directory whose .hcl files are formatted (default: the current "
                    + "directory). \"-\" reads standard input and writes the result to standard output.")
    List<String> paths = List.of();

    @Option(names = {"-check", "--check"},
            description = "Write nothing; list the files that are not formatted and exit 3 if there are any.")
    boolean check;

    @Option(names = {"-diff", "--diff"}, description = "Print a unified diff of each change.")
    boolean diff;

    @Option(names = {"-recursive", "--recursive"},
            description = "Also format the .hcl files of subdirectories (those whose names start with \".\" left out).")
    boolean recursive;

    @Option(names = {"-list", "--list"}, arity = "0..1", defaultValue = "true", fallbackValue = "true",
            paramLabel = "BOOL", description = "List the files that change (default: true; -list=false to stay quiet).")
    boolean list = true;

    @Option(names = {"-write", "--write"}, arity = "0..1", defaultValue = "true", fallbackValue = "true",
            paramLabel = "BOOL", description = "Write the result to each file (default: true; -write=false with "
                    + "-diff only shows).")
    boolean write = true;

    @Option(names = "--no-color", description = "No colour in error messages (also when NO_COLOR is set).")
    boolean noColor;

    FmtCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        boolean failed = false;
        boolean unformatted = false;
        List<String> given = paths.isEmpty() ? List.of(".") : paths;
        for (String arg : given) {
            if (arg.equals("-")) {
                Outcome o = stdin();
                failed |= o == Outcome.FAILED;
                unformatted |= o == Outcome.CHANGED;
                continue;
            }
            for (Input in : inputs(arg)) {
                if (in.problem() != null) {
                    ctx.err().println("Error: " + in.problem());
                    failed = true;
                    continue;
                }
                Outcome o = file(in.path(), in.name());
                failed |= o == Outcome.FAILED;
                unformatted |= o == Outcome.CHANGED;
            }
        }
        ctx.out().flush();
        ctx.err().flush();
        if (failed) {
            return ExitCode.ERROR;
        }
        return check && unformatted ? NOT_FORMATTED : ExitCode.OK;
    }

    private enum Outcome { SAME, CHANGED, FAILED }

    /** A file to format and how it is named, or why an argument gives none. */
    private record Input(Path path, String name, String problem) {
    }

    private List<Input> inputs(String arg) {
        Path p = ctx.workDir().resolve(arg);
        String shown = arg.equals(".") && paths.isEmpty() ? "" : arg;
        if (!BoundedFiles.existsAsEntry(p)) {
            return List.of(new Input(null, null, "no such file or directory: " + (arg.isEmpty() ? "\"\"" : arg)));
        }
        if (!Files.isDirectory(p)) {
            return List.of(new Input(p, arg, null));
        }
        List<Input> out = new ArrayList<>();
        try (Stream<Path> s = recursive ? Files.walk(p) : Files.list(p)) {
            s.filter(f -> f.getFileName().toString().endsWith(".hcl") && !hidden(p, f))
                    .filter(f -> !Files.isDirectory(f))
                    .sorted()
                    .forEach(f -> out.add(new Input(f, name(shown, p.relativize(f)), null)));
        } catch (IOException | java.io.UncheckedIOException e) {
            return List.of(new Input(null, null, "cannot list " + (shown.isEmpty() ? p.toAbsolutePath().normalize() : shown)
                    + ": " + e.getMessage()));
        }
        return out;
    }

    /** Whether {@code f} lies under a directory of {@code root} whose name starts with "." (.git, .pictl-sim). */
    private static boolean hidden(Path root, Path f) {
        Path rel = root.relativize(f);
        for (int i = 0; i < rel.getNameCount() - 1; i++) {
            if (rel.getName(i).toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static String name(String dir, Path rel) {
        if (dir.isEmpty() || dir.equals(".") || dir.equals("./")) {
            return rel.toString();
        }
        return dir.endsWith("/") ? dir + rel : dir + "/" + rel;
    }

    private Outcome file(Path path, String name) {
        String text;
        try {
            text = BoundedFiles.readString(path, BoundedFiles.Kind.CONFIG);
        } catch (BoundedFiles.NotUtf8 e) {
            ctx.err().println("Error: " + name + " is not UTF-8 text; fmt left it as it is.");
            return Outcome.FAILED;
        } catch (IOException e) {
            ctx.err().println("Error: cannot read " + name + ": " + BoundedFiles.reason(e));
            return Outcome.FAILED;
        }
        Formatter.Result r = format(name, text);
        if (r == null) {
            return Outcome.FAILED;
        }
        if (r.text().equals(text)) {
            return Outcome.SAME;
        }
        if (list) {
            ctx.out().println(name);
        }
        if (diff) {
            ctx.out().print(UnifiedDiff.of(name, text, r.text()));
        }
        if (write && !check) {
            try {
                writeAtomically(path, r.text());
            } catch (IOException e) {
                ctx.err().println("Error: cannot write " + name + ": " + BoundedFiles.reason(e)
                        + "; it is left as it was.");
                return Outcome.FAILED;
            }
        }
        return Outcome.CHANGED;
    }

    private Outcome stdin() {
        String text;
        try {
            byte[] bytes = ctx.in().readNBytes((int) BoundedFiles.Kind.CONFIG.limit() + 1);
            if (bytes.length > BoundedFiles.Kind.CONFIG.limit()) {
                ctx.err().println("Error: standard input is larger than a configuration file may be ("
                        + BoundedFiles.Kind.CONFIG.limit() + " bytes).");
                return Outcome.FAILED;
            }
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            ctx.err().println("Error: standard input is not UTF-8 text.");
            return Outcome.FAILED;
        } catch (IOException e) {
            ctx.err().println("Error: cannot read standard input: " + e.getMessage());
            return Outcome.FAILED;
        }
        Formatter.Result r = format(STDIN, text);
        if (r == null) {
            return Outcome.FAILED;
        }
        if (diff) {
            ctx.out().print(UnifiedDiff.of(STDIN, text, r.text()));
        } else if (!check) {
            ctx.out().print(r.text());
        }
        return r.text().equals(text) ? Outcome.SAME : Outcome.CHANGED;
    }

    /** The formatted file, or null after reporting its syntax errors. */
    private Formatter.Result format(String name, String text) {
        Formatter.Result r = Formatter.format(name, text);
        if (!r.ok()) {
            boolean color = !noColor && !ctx.env().containsKey("NO_COLOR") && Ansi.AUTO.enabled();
            DiagnosticsView.text(r.diagnostics(), Map.of(name, text), color, ctx.err());
            ctx.err().println();
            ctx.err().println("Error: " + name + " has syntax errors; fmt left it as it is.");
            return null;
        }
        return r;
    }

    /**
     * Replaces {@code file} (through a symbolic link, the file it points to) by a temporary file beside it,
     * renamed over it: a reader sees the old text or the new one, never half. The mode (and, where allowed, the
     * owner and group) are kept.
     */
    static void writeAtomically(Path file, String text) throws IOException {
        Path real = file.toRealPath();
        Path tmp = Files.createTempFile(real.toAbsolutePath().getParent(), "." + real.getFileName() + ".", ".fmt");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            PosixFileAttributeView view = Files.getFileAttributeView(tmp, PosixFileAttributeView.class);
            if (view != null) {
                PosixFileAttributes old = Files.readAttributes(real, PosixFileAttributes.class);
                view.setPermissions(old.permissions());
                try {
                    view.setGroup(old.group());
                    view.setOwner(old.owner());
                } catch (IOException | UnsupportedOperationException e) {
                    // Only root may give a file away: the new file then belongs to whoever ran fmt.
                }
            }
            Files.move(tmp, real, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
