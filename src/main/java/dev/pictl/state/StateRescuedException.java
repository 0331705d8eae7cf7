package dev.pictl.state;

/**
 * A write that could not reach where the state lives (the database went away mid-apply) and was saved to a local
 * rescue file instead. {@link #rescued()} is the state as it is in that file, which the next write builds on so
 * that every later outcome of the run lands in the same file too: nothing is lost.
 */
public final class StateRescuedException extends StateException {
    private final transient State rescued;

    public StateRescuedException(String summary, String detail, State rescued, Throwable cause) {
        super(summary, detail, cause);
        this.rescued = rescued;
    }

    /** The state as written to the rescue file. */
    public State rescued() {
        return rescued;
    }
}
