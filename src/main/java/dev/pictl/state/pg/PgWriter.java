package dev.pictl.state.pg;

import dev.pictl.state.LockHolder;
import dev.pictl.state.SecretHasher;
import dev.pictl.state.State;
import dev.pictl.state.StateBytes;
import dev.pictl.state.StateException;
import dev.pictl.state.StateRescuedException;
import dev.pictl.state.StateWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.UUID;

/**
 * The lock on a state in PostgreSQL and the only way to write it: one dedicated connection holding the advisory
 * lock from {@link PgBackend#lock} to {@link #close()}. Every write goes through that connection, so a write can
 * never happen after the lock was lost.
 *
 * <p>Each {@link #write} is one transaction: {@code SELECT ... FOR UPDATE} the row, compare lineage and serial with
 * the state {@code next} was derived from (the same table as the local file's, docs/state.md), update the row,
 * add the version to the history and drop the oldest beyond {@code history}, commit. A writer killed part-way
 * leaves the previous version (the transaction never committed) or the next one, never a mix.
 *
 * <p>If the database goes away, the write is saved to a local rescue file instead and a
 * {@link StateRescuedException} says so; every later write of this run goes to the same file.
 */
public final class PgWriter implements StateWriter {
    private final PgBackend backend;
    private final Connection conn;
    private final long lockKey;
    private final LockHolder holder;
    /** The state as last read or written here: what a rescue write builds on once the database is gone. */
    private State last;
    private Path rescueFile;
    private boolean closed;

    PgWriter(PgBackend backend, Connection conn, long lockKey, LockHolder holder) {
        this.backend = backend;
        this.conn = conn;
        this.lockKey = lockKey;
        this.holder = holder;
    }

    @Override
    public LockHolder holder() {
        return holder;
    }

    /** The rescue file this run wrote, or null. */
    public synchronized Path rescueFile() {
        return rescueFile;
    }

    @Override
    public synchronized State read() throws StateException {
        checkOpen();
        try {
            last = backend.decode(backend.storedText(conn));
        } catch (SQLException e) {
            throw backend.failed("read", e);
        }
        if (last.serial() >= dev.pictl.state.StateLock.MAX_SERIAL) {
            throw new StateException(backend.name() + " cannot be written again: its serial " + last.serial()
                    + " is larger than any count of writes", "Only a hand edit gets there. Nothing was run or changed."
                    + " Restore an earlier version (pictl state list-versions).\n" + backend.where());
        }
        return last;
    }

    @Override
    public synchronized State write(State next) throws StateException {
        checkOpen();
        if (rescueFile != null) {
            throw rescue(next, null);
        }
        boolean began = false;
        try {
            conn.setAutoCommit(false);
            began = true;
            State stored = backend.decode(selectForUpdate());
            refuseStale(stored, next);
            if (stored.sameContent(next)) {
                conn.rollback();
                last = stored;
                return stored;
            }
            State written = StateBytes.written(next, stored.serial() + 1,
                    stored.exists() ? stored.lineage() : UUID.randomUUID().toString(), backend.pictlVersion());
            String text = StateBytes.encode(written);
            if (!stored.exists()) {
                ensureKey();
            }
            store(written, text);
            conn.commit();
            last = written;
            return written;
        } catch (SQLException e) {
            if (began) {
                PgBackend.rollbackQuietly(conn);
            }
            throw rescue(next, e);
        } catch (StateException e) {
            if (began) {
                PgBackend.rollbackQuietly(conn);
            }
            throw e;
        } finally {
            if (began) {
                try {
                    conn.setAutoCommit(true);
                } catch (SQLException ignored) {
                    // a lost connection: the next write goes to the rescue file
                }
            }
        }
    }

    private String selectForUpdate() throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("SELECT data FROM " + backend.table("states")
                + " WHERE name = ? FOR UPDATE")) {
            ps.setString(1, backend.target().key());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** The compare-and-set: the same rules and words as the local file's (docs/state.md, "Writes"). */
    private void refuseStale(State stored, State next) throws StateException {
        String name = backend.name();
        if (stored.exists() && next.lineage() != null && !stored.lineage().equals(next.lineage())) {
            throw new StateException("refusing to overwrite " + name + ": it belongs to another state (lineage "
                    + stored.lineage() + ", this run read " + next.lineage() + ")",
                    "It was replaced by the state of another cluster or copy since this run read it. Nothing was"
                            + " written. Run the command again to work from the state as it is now.\n" + backend.where());
        }
        if (stored.exists() != next.exists() || stored.serial() != next.serial()) {
            String what = !stored.exists() ? "it was deleted since this run read it (serial " + next.serial() + ")"
                    : !next.exists() ? "it was created since this run found none (now serial " + stored.serial() + ")"
                    : "it changed since this run read it (serial " + next.serial() + ", now " + stored.serial() + ")";
            throw new StateException("refusing to overwrite " + name + ": " + what,
                    "Someone wrote it without holding the lock (by hand, or an older pictl). Nothing was written."
                            + " Run the command again to work from the state as it is now.\n" + backend.where());
        }
    }

    /** Updates the row and the history, and drops the versions beyond {@code history}; inside the transaction. */
    private void store(State written, String text) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("UPDATE " + backend.table("states") + " SET lineage = ?,"
                + " serial = ?, data = ?, updated_at = now(), updated_by = ? WHERE name = ?")) {
            ps.setString(1, written.lineage());
            ps.setLong(2, written.serial());
            ps.setString(3, text);
            ps.setString(4, by());
            ps.setString(5, backend.target().key());
            if (ps.executeUpdate() != 1) {
                throw new SQLException("the row of " + backend.target().key() + " is missing", "02000");
            }
        }
        try (PreparedStatement ps = conn.prepareStatement("INSERT INTO " + backend.table("state_versions")
                + " (name, lineage, serial, data, written_by) VALUES (?, ?, ?, ?, ?) ON CONFLICT (name, lineage, serial)"
                + " DO UPDATE SET data = EXCLUDED.data, written_at = now(), written_by = EXCLUDED.written_by")) {
            ps.setString(1, backend.target().key());
            ps.setString(2, written.lineage());
            ps.setLong(3, written.serial());
            ps.setString(4, text);
            ps.setString(5, by());
            ps.executeUpdate();
        }
        try (PreparedStatement ps = conn.prepareStatement("DELETE FROM " + backend.table("state_versions")
                + " WHERE name = ? AND id <= (SELECT id FROM " + backend.table("state_versions") + " WHERE name = ?"
                + " ORDER BY id DESC OFFSET ? LIMIT 1)")) {
            ps.setString(1, backend.target().key());
            ps.setString(2, backend.target().key());
            ps.setInt(3, backend.target().history());
            ps.executeUpdate();
        }
    }

    private String by() {
        return holder.user() + "@" + holder.host() + " (pid " + holder.pid() + "): " + holder.command();
    }

    @Override
    public synchronized SecretHasher secretHasher() throws StateException {
        checkOpen();
        try {
            return backend.hasher(ensureKey());
        } catch (SQLException e) {
            throw backend.failed("read the key of", e);
        }
    }

    /** The key, made (32 random bytes) and stored when there is none yet. */
    private String ensureKey() throws SQLException {
        String hex = backend.storedKey(conn);
        if (hex != null) {
            return hex;
        }
        byte[] key = new byte[SecretHasher.KEY_BYTES];
        new SecureRandom().nextBytes(key);
        try (PreparedStatement ps = conn.prepareStatement("INSERT INTO " + backend.table("state_keys")
                + " (name, hmac_key) VALUES (?, ?) ON CONFLICT (name) DO NOTHING")) {
            ps.setString(1, backend.target().key());
            ps.setString(2, HexFormat.of().formatHex(key));
            ps.executeUpdate();
        }
        return backend.storedKey(conn);
    }

    /** What {@link #push} did. */
    public enum Pushed { WRITTEN, UNCHANGED }

    /**
     * {@code pictl state push}: stores a local state exactly as it is (its bytes, lineage and serial) if the
     * database has no state yet, or has the same lineage at a lower serial; the local key goes with it when the
     * database has none. Refuses another lineage, a database that is ahead, and a different key.
     */
    public synchronized Pushed push(PgBackend.Local local) throws StateException {
        checkOpen();
        State file = local.state();
        String fileName = local.file().getFileName().toString();
        String text = new String(local.bytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!Arrays.equals(PgBackend.bytes(text), local.bytes())) {
            throw new StateException("cannot push " + fileName + ": it is not UTF-8 text", "Nothing was changed.\nFile: "
                    + local.file());
        }
        boolean began = false;
        try {
            conn.setAutoCommit(false);
            began = true;
            String storedText = selectForUpdate();
            State stored = backend.decode(storedText);
            if (stored.exists() && !stored.lineage().equals(file.lineage())) {
                throw new StateException("refusing to push " + fileName + ": " + backend.name() + " belongs to another"
                        + " state (lineage " + stored.lineage() + ", the file has " + file.lineage() + ")",
                        "push never replaces another state's history: the file is another cluster's state, or one"
                                + " started anew. Nothing was changed. Check -c and the cluster's name (the key), or"
                                + " use another schema_name.\n" + backend.where() + "\nFile: " + local.file());
            }
            String storedKey = backend.storedKey(conn);
            if (local.keyHex() != null && storedKey != null && !storedKey.equals(local.keyHex())) {
                throw new StateException("refusing to push " + fileName + ": its key "
                        + PgBackend.keyFileOf(local.file()).getFileName() + " differs from the key in the database",
                        "The recorded hashes of secrets are made under one key. Nothing was changed. Move the key file"
                                + " away if the database's key is the one to keep (the secrets then show as changed"
                                + " once).\n" + backend.where());
            }
            if (stored.exists() && stored.serial() == file.serial() && text.equals(storedText)) {
                conn.rollback();
                return Pushed.UNCHANGED;
            }
            if (stored.exists() && stored.serial() >= file.serial()) {
                throw new StateException("refusing to push " + fileName + ": " + backend.name() + " is at serial "
                        + stored.serial() + " and the file at " + file.serial(),
                        "The database has writes the file does not have; pushing would lose them. Nothing was"
                                + " changed. Pull the state (pictl state pull) and work from it.\n" + backend.where()
                                + "\nFile: " + local.file());
            }
            if (storedKey == null) {
                if (local.keyHex() != null) {
                    try (PreparedStatement ps = conn.prepareStatement("INSERT INTO " + backend.table("state_keys")
                            + " (name, hmac_key) VALUES (?, ?)")) {
                        ps.setString(1, backend.target().key());
                        ps.setString(2, local.keyHex());
                        ps.executeUpdate();
                    }
                } else {
                    ensureKey();
                }
            }
            store(file, text);
            conn.commit();
            last = file;
            return Pushed.WRITTEN;
        } catch (SQLException e) {
            if (began) {
                PgBackend.rollbackQuietly(conn);
            }
            throw backend.failed("push to", e);
        } catch (StateException e) {
            if (began) {
                PgBackend.rollbackQuietly(conn);
            }
            throw e;
        } finally {
            if (began) {
                try {
                    conn.setAutoCommit(true);
                } catch (SQLException ignored) {
                    // the connection is gone
                }
            }
        }
    }

    /**
     * Saves {@code next} (on the last state read or written here) to the rescue file and returns the exception
     * that says so. The file is a valid local state of the same lineage with the next serial: {@code state push}
     * takes it back.
     */
    private StateRescuedException rescue(State next, SQLException cause) {
        State base = last != null ? last : State.empty();
        State written = base.sameContent(next) && rescueFile != null ? base : StateBytes.written(next,
                base.serial() + 1, base.exists() ? base.lineage() : UUID.randomUUID().toString(), backend.pictlVersion());
        String why = cause == null ? "the connection to the state database was lost earlier in this run"
                : "lost the state database: " + PgBackend.reason(cause);
        try {
            if (rescueFile == null) {
                rescueFile = freeRescuePath();
            }
            StateBytes.writeFile(rescueFile, PgBackend.bytes(StateBytes.encode(written)));
        } catch (IOException e) {
            return new StateRescuedException("cannot save the state: " + why + ", and the rescue file cannot be"
                    + " written either", StateBytes.reason(e) + ". No new resource is started. The state in the database"
                    + " is as of serial " + base.serial() + "; the next plan probes every node and shows what this run"
                    + " changed.\n" + backend.where(), written, cause);
        }
        last = written;
        return new StateRescuedException("the state could not be saved in the database and was saved to " + rescueFile,
                why + ". No new resource is started; the ones in progress finish and are recorded in that file too."
                        + " Nothing is lost. The lock went with the connection. When the database is back, push the"
                        + " file (it keeps the state's lineage and has the next serial): pictl state push " + rescueFile
                        + " (with the -c of this run); then run pictl plan.\n" + backend.where(), written, cause);
    }

    private Path freeRescuePath() throws IOException {
        Path dir = backend.rescueDir();
        if (!Files.isDirectory(dir)) {
            throw new IOException("directory " + dir + " does not exist");
        }
        Path p = dir.resolve(PgBackend.RESCUE_FILE);
        for (int i = 2; Files.exists(p) && i < 1000; i++) {
            p = dir.resolve("pictl.state.rescue." + i + ".json");
        }
        return p;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the state lock was released");
        }
    }

    /** Releases the lock, removes the holder row and closes the connection (which alone would release it too). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try (PreparedStatement ps = conn.prepareStatement("DELETE FROM " + backend.table("state_locks")
                + " WHERE name = ? AND backend_pid = pg_backend_pid()")) {
            ps.setString(1, backend.target().key());
            ps.executeUpdate();
        } catch (SQLException ignored) {
            // informational only; the lock goes with the session below
        }
        try (PreparedStatement ps = conn.prepareStatement("SELECT pg_advisory_unlock(?)")) {
            ps.setLong(1, lockKey);
            ps.execute();
        } catch (SQLException ignored) {
            // closing the session releases it
        }
        PgBackend.closeQuietly(conn);
    }
}
