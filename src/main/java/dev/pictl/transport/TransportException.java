package dev.pictl.transport;

import java.util.Objects;

/**
 * A classified failure to reach or use a node. The message reads {@code node: step: what happened}; the hint
 * says what to try. Rendered together:
 *
 * <pre>
 * pi-worker-1: install k3s agent: command exited 1:
 *   curl: (6) Could not resolve host: get.k3s.io
 *   (hint) run the step by hand on the node to see its full output
 * </pre>
 */
public final class TransportException extends Exception {

    /** What went wrong, as a closed set the engine can branch on (drift reports UNREACHABLE with its own code). */
    public enum Kind {
        /** No TCP connection: refused, no route, unknown name, or no answer within the connect timeout. */
        UNREACHABLE,
        /** Connected but the handshake, or a command, did not finish in time (a command is stopped on the node). */
        TIMED_OUT,
        /** The server refused every key; a key could not be decrypted; or sudo refused the user or password. */
        AUTH_REFUSED,
        /** known_hosts holds a different key for this host: possible interception or a re-imaged board. */
        HOST_KEY_CHANGED,
        /** The host is not in known_hosts and the policy is STRICT. */
        HOST_KEY_UNKNOWN,
        /** The command ran and exited non-zero (only from {@link Session#check}). */
        COMMAND_FAILED,
        /** The connection died during the handshake or mid-command (reboot, cable, sshd killed). */
        CONNECTION_LOST
    }

    private final Kind kind;
    private final String node;
    private final String step;
    private final String hint;

    public TransportException(Kind kind, String node, String step, String detail, String hint, Throwable cause) {
        super(node + ": " + step + ": " + detail, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.node = Objects.requireNonNull(node, "node");
        this.step = Objects.requireNonNull(step, "step");
        this.hint = hint == null ? "" : hint;
    }

    public TransportException(Kind kind, String node, String step, String detail, String hint) {
        this(kind, node, step, detail, hint, null);
    }

    /** {@code node: step: command exited N: <last stderr lines>} (stdout's when stderr is empty). */
    public static TransportException commandFailed(String node, String step, ExecResult result) {
        String tail = result.outputTail(5);
        String detail = "command exited " + result.exitCode() + (tail.isEmpty() ? "" : ":" + indentMore(tail));
        return new TransportException(Kind.COMMAND_FAILED, node, step, detail,
                "run the step by hand on the node to see its full output");
    }

    /** A one-line tail stays on the line; several lines go below it, indented. */
    private static String indentMore(String tail) {
        return tail.contains("\n") ? "\n  " + tail.replace("\n", "\n  ") : " " + tail;
    }

    public Kind kind() {
        return kind;
    }

    public String node() {
        return node;
    }

    public String step() {
        return step;
    }

    /** What to try next, as a sentence fragment; never empty for failures the transport classifies. */
    public String hint() {
        return hint;
    }
}
