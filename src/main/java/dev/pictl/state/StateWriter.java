package dev.pictl.state;

/**
 * The writer lock on a state, held from {@link StateBackend#lock} until {@link #close()}, and the only way to
 * write it. Each {@link #write} is a compare-and-set: it writes only if the stored state is still the version
 * {@code next} was derived from (same lineage and serial) and returns the state as written, whose serial the
 * next write must build on.
 */
public interface StateWriter extends AutoCloseable {
    /** What this lock recorded about its holder (this process). */
    LockHolder holder();

    /** The current state (under the lock nobody else changes it). */
    State read() throws StateException;

    /** Writes {@code next} if the stored state is the one it was derived from; see the implementations' tables. */
    State write(State next) throws StateException;

    /** The hasher for secrets under this state's key, creating the key when there is none yet. */
    SecretHasher secretHasher() throws StateException;

    /** Releases the lock. */
    @Override
    void close();
}
