package dev.pictl.apply;

/**
 * A resource could not be applied. The message names the node, the step and what went wrong, wrapped once per
 * layer: {@code pi-worker-1: install k3s agent: command exited 1: <last stderr lines>}; {@code hint} says what
 * to try.
 */
public final class ApplyException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String node;
    private final String step;
    private final String hint;

    public ApplyException(String node, String step, String what, String hint, Throwable cause) {
        super((node == null ? "" : node + ": ") + step + ": " + what, cause);
        this.node = node;
        this.step = step;
        this.hint = hint == null ? "" : hint;
    }

    public ApplyException(String node, String step, String what, String hint) {
        this(node, step, what, hint, null);
    }

    private ApplyException(Throwable cause, String message, String node, String step, String hint) {
        super(message, cause);
        this.node = node;
        this.step = step;
        this.hint = hint == null ? "" : hint;
    }

    /** The same failure told another way (its message and hint rewritten, e.g. without a secret). */
    static ApplyException withMessage(ApplyException e, String message, String step, String hint) {
        ApplyException out = new ApplyException(e.getCause(), message, e.node(), step, hint);
        out.setStackTrace(e.getStackTrace());
        return out;
    }

    public String node() {
        return node;
    }

    public String step() {
        return step;
    }

    public String hint() {
        return hint;
    }
}
