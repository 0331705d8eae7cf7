package dev.pictl.cli;

/** pictl's exit codes, defined once. */
public final class ExitCode {
    private ExitCode() {
    }

    /** Success; for plan --detailed-exitcode also "no changes". */
    public static final int OK = 0;
    /** Any error, including a usage error. */
    public static final int ERROR = 1;
    /** plan --detailed-exitcode: changes present. drift: drift found. */
    public static final int CHANGES = 2;
    /** drift: a node could not be reached (the others were still checked). */
    public static final int UNREACHABLE = 3;
}
