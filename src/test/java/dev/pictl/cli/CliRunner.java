package dev.pictl.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;

/** Runs the real CLI in-process with captured writers. */
public final class CliRunner {
    private CliRunner() {
    }

    /** What a run printed and returned. */
    public record Result(int exitCode, String out, String err) {
        public String all() {
            return out + err;
        }
    }

    public static Result run(Path workDir, Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Cli.run(new CliContext(new PrintWriter(out), new PrintWriter(err), env, workDir), args);
        return new Result(code, out.toString(), err.toString());
    }

    /** With {@code stdin} as the process's standard input (an answer to a question). */
    public static Result runWithInput(Path workDir, Map<String, String> env, String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Cli.run(new CliContext(new PrintWriter(out), new PrintWriter(err), env, workDir,
                new java.io.ByteArrayInputStream(stdin.getBytes(java.nio.charset.StandardCharsets.UTF_8))), args);
        return new Result(code, out.toString(), err.toString());
    }

    public static Result run(String... args) {
        return run(Path.of(""), Map.of(), args);
    }
}
