package dev.pictl.transport;

import java.time.Duration;
import java.util.Objects;

/**
 * A shell script to run on a node.
 *
 * @param step    what this is, for people: {@code "install k3s agent"}; appears in every error message
 * @param script  POSIX {@code sh} text; run as {@code sh -c script}
 * @param timeout the time limit, enforced on the node with coreutils {@code timeout}
 * @param sudo    run as root (how depends on the target's {@link SudoMode})
 * @param stdin   bytes fed to the script's standard input, then end-of-file; empty for none
 */
public record RemoteCommand(String step, String script, Duration timeout, boolean sudo, byte[] stdin) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

    public RemoteCommand {
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(script, "script");
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        stdin = stdin == null ? new byte[0] : stdin.clone();
    }

    /** A command run as the login user with the default time limit and no input. */
    public static RemoteCommand of(String step, String script) {
        return new RemoteCommand(step, script, DEFAULT_TIMEOUT, false, null);
    }

    public RemoteCommand withTimeout(Duration limit) {
        return new RemoteCommand(step, script, limit, sudo, stdin);
    }

    public RemoteCommand asRoot() {
        return new RemoteCommand(step, script, timeout, true, stdin);
    }

    public RemoteCommand withStdin(byte[] input) {
        return new RemoteCommand(step, script, timeout, sudo, input);
    }

    @Override
    public byte[] stdin() {
        return stdin.clone();
    }

    // Arrays compare by identity in a generated record equals; compare by content instead.
    @Override
    public boolean equals(Object o) {
        return o instanceof RemoteCommand c && step.equals(c.step) && script.equals(c.script)
                && timeout.equals(c.timeout) && sudo == c.sudo && java.util.Arrays.equals(stdin, c.stdin);
    }

    @Override
    public int hashCode() {
        return Objects.hash(step, script, timeout, sudo, java.util.Arrays.hashCode(stdin));
    }

    @Override
    public String toString() {
        return "RemoteCommand[step=" + step + ", timeout=" + timeout + ", sudo=" + sudo + ", stdin=" + stdin.length
                + " bytes]";
    }
}
