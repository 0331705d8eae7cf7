package dev.pictl.cli;

import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;

/**
 * What every command gets from outside: its writers, the environment, the working directory and standard input
 * (read only by {@code fmt -}). Tests pass their own (never a swapped System.out).
 */
public record CliContext(PrintWriter out, PrintWriter err, Map<String, String> env, Path workDir, InputStream in) {
    public CliContext {
        env = Map.copyOf(env);
    }

    /** With the process's standard input. */
    public CliContext(PrintWriter out, PrintWriter err, Map<String, String> env, Path workDir) {
        this(out, err, env, workDir, System.in);
    }
}
