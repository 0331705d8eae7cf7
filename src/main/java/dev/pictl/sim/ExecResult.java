package dev.pictl.sim;

/** What a command run on a simulated node returned: exit status and both output streams. */
public record ExecResult(int exitCode, String stdout, String stderr) {
    public ExecResult {
        stdout = stdout == null ? "" : stdout;
        stderr = stderr == null ? "" : stderr;
    }

    public boolean ok() { return exitCode == 0; }
}
