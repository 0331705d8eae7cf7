package dev.pictl.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;

/**
 * What every command gets from outside: its writers, the environment and the working directory. Tests pass
 * their own (never a swapped System.out).
 */
public record CliContext(PrintWriter out, PrintWriter err, Map<String, String> env, Path workDir) {
    public CliContext {
        env = Map.copyOf(env);
    }
}
