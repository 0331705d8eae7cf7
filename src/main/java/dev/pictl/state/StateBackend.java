package dev.pictl.state;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Where a state lives: the local file ({@link StateStore}, the default) or a table in PostgreSQL
 * ({@code state.pg.PgBackend}). plan, drift, apply and the {@code state} commands work through this interface and
 * do not care which.
 *
 * <p>Readers call {@link #read()} and take no lock; writers take {@link #lock} for their whole run and write
 * through the {@link StateWriter} it returns, whose every write is a compare-and-set on lineage and serial.
 */
public interface StateBackend {
    /** The current state, without a lock; {@link State#empty()} when there is none yet. */
    State read() throws StateException;

    /**
     * The hasher for secrets under this state's key, for readers; empty when there is no key yet (then every
     * recorded hash counts as changed). Writers use {@link StateWriter#secretHasher()}, which creates the key.
     */
    Optional<SecretHasher> secretHasher() throws StateException;

    /**
     * Takes the writer lock for {@code command} (recorded for others to see, e.g. {@code pictl apply}), waiting up
     * to {@code wait} for another holder to finish.
     *
     * @throws StateLockedException when another run still holds it after {@code wait}
     */
    StateWriter lock(String command, Duration wait) throws StateException;

    /**
     * Refuses a state with an entry of a resource type this pictl does not know (plan, drift and apply call this;
     * the {@code state} commands do not, so that {@code state rm} can forget the entry).
     */
    void requireKnownTypes(State state, List<String> knownTypes) throws StateException;

    /** A short name for messages: {@code pictl.state.json}, or {@code the state "homelab" in PostgreSQL}. */
    String name();

    /** Where it is, for reports ({@code drift --json}'s state path): the file's path, or the database and key. */
    String location();
}
