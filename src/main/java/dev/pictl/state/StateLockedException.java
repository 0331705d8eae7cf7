package dev.pictl.state;

/** Another run (this process or another) holds the writer lock; {@link #holder()} says who, when known. */
public final class StateLockedException extends StateException {
    private final transient LockHolder holder;

    public StateLockedException(String summary, String detail, LockHolder holder) {
        super(summary, detail);
        this.holder = holder;
    }

    /** What the holder recorded in the lock file, or null when it could not be read. */
    public LockHolder holder() {
        return holder;
    }
}
