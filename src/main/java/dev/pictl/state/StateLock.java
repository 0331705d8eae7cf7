package dev.pictl.state;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The writer lock on a state, held from {@link StateStore#lock} until {@link #close()}, and the only way to
 * write the state. Meant for one thread at a time (apply's writes are serialised through it); the methods are
 * synchronized so a stray concurrent call cannot interleave two writes.
 *
 * <p>Each {@link #write} is a compare-and-swap against the file:
 *
 * <pre>
 *   on disk            the state given to write()         result
 *   ─────────────────  ─────────────────────────────────  ──────────────────────────────────────────────
 *   no file            no lineage (State.empty() + …)     created: serial 1, new lineage, new key file
 *   lineage L serial S lineage L serial S                 replaced: serial S+1 (or nothing if unchanged)
 *   lineage L          lineage M ≠ L                      refused: foreign lineage
 *   lineage L serial T lineage L serial S ≠ T             refused: changed since it was read
 *   a file             no lineage, or no file + lineage   refused: created / deleted since it was read
 * </pre>
 *
 * Before the first write of a lock session that replaces a file, the file as it was is kept as
 * {@code .backup} and older backups move up one ({@code .backup} → {@code .backup.1} … the oldest dropped),
 * so the backups are the states before each of the last {@value StateStore#BACKUPS} runs that changed
 * something, not the steps of one apply.
 */
public final class StateLock implements StateWriter {
    private final StateStore store;
    private final FileChannel channel;
    private final FileLock lock;
    private final LockHolder holder;
    private boolean backedUp;
    private boolean closed;

    StateLock(StateStore store, FileChannel channel, FileLock lock, LockHolder holder) {
        this.store = store;
        this.channel = channel;
        this.lock = lock;
        this.holder = holder;
    }

    /** What this lock recorded about its holder (this process). */
    @Override
    public LockHolder holder() {
        return holder;
    }

    public StateStore store() {
        return store;
    }

    /** The current state (the same as {@link StateStore#read()}; under the lock nobody else changes it). */
    @Override
    public synchronized State read() throws StateException {
        checkOpen();
        State state = store.read();
        refuseMaximalSerial(state, MAX_SERIAL);
        return state;
    }

    /**
     * The largest serial a writer starts from: 2^53, the largest integer every JSON reader holds exactly. A serial
     * counts writes, one per write, so only a hand edit gets near it; refusing it when a writer reads the state (and
     * on every write) means no run ever overflows the serial half-way, after changing a node.
     */
    public static final long MAX_SERIAL = 1L << 53;

    private void refuseMaximalSerial(State state, long limit) throws StateException {
        if (state.serial() >= limit) {
            throw new StateException(store.name() + " cannot be written again: its serial " + state.serial()
                    + " is larger than any count of writes (at most " + MAX_SERIAL + ")", "The serial counts writes,"
                    + " one per write, so a value this large was put there by hand. Nothing was run or changed."
                    + " Restore " + store.name() + ".backup, or set \"serial\" in the file back to a small number (the"
                    + " next write adds one).\nFile: " + store.path());
        }
    }

    /**
     * Writes {@code next} atomically if the file is still the version {@code next} was derived from (same lineage
     * and serial; see the table above), and returns the state as written, whose serial the next write must build
     * on. A state with the same resources as the file is not written again (no new serial, no backup).
     */
    @Override
    public synchronized State write(State next) throws StateException {
        checkOpen();
        StateStore.Raw disk = store.readRaw();
        State onDisk = disk.state();
        String name = store.name();
        if (onDisk.exists() && next.lineage() != null && !onDisk.lineage().equals(next.lineage())) {
            throw new StateException("refusing to overwrite " + name + ": it belongs to another state (lineage "
                    + onDisk.lineage() + ", this run read " + next.lineage() + ")",
                    "The file was replaced by the state of another cluster or copy since this run read it, or --state"
                            + " points at a different file. Nothing was written. Check which state file is meant to be"
                            + " used here; run the command again to work from the file as it is now.\nFile: "
                            + store.path());
        }
        if (onDisk.exists() != next.exists() || onDisk.serial() != next.serial()) {
            String what = !onDisk.exists() ? "it was deleted since this run read it (serial " + next.serial() + ")"
                    : !next.exists() ? "it was created since this run found none (now serial " + onDisk.serial() + ")"
                    : "it changed since this run read it (serial " + next.serial() + ", now " + onDisk.serial() + ")";
            throw new StateException("refusing to overwrite " + name + ": " + what,
                    "Someone wrote it without holding the lock (by hand, or by restoring a backup). Nothing was"
                            + " written. Run the command again to work from the file as it is now.\nFile: "
                            + store.path());
        }
        if (onDisk.sameContent(next)) {
            return onDisk;
        }
        refuseMaximalSerial(onDisk, Long.MAX_VALUE); // unreachable from a state a writer read: the overflow guard
        State written = next.asWritten(onDisk.serial() + 1,
                onDisk.exists() ? onDisk.lineage() : UUID.randomUUID().toString(), store.pictlVersion());
        byte[] bytes = StateCodec.encode(written).getBytes(StandardCharsets.UTF_8);
        try {
            if (!onDisk.exists()) {
                secretHasher();
            }
            if (disk.bytes() != null && !backedUp) {
                rotateBackups(disk.bytes());
                backedUp = true;
            }
            AtomicFiles.replace(store.path(), bytes, true, store.contentWriter());
        } catch (IOException e) {
            throw new StateException("cannot write " + name, AtomicFiles.reason(e) + ". The state file was not changed"
                    + " (it is replaced only once the new version is completely on disk).\nFile: " + store.path(), e);
        }
        return written;
    }

    /**
     * The hasher for secrets under this state's key, creating the key ({@value SecretHasher#KEY_BYTES} random
     * bytes, hex, mode 0600, written atomically) when there is none yet.
     */
    @Override
    public synchronized SecretHasher secretHasher() throws StateException {
        checkOpen();
        Optional<SecretHasher> existing = store.secretHasher();
        if (existing.isPresent()) {
            return existing.get();
        }
        byte[] key = new byte[SecretHasher.KEY_BYTES];
        new SecureRandom().nextBytes(key);
        Path keyPath = store.keyPath();
        try {
            AtomicFiles.replace(keyPath, (HexFormat.of().formatHex(key) + "\n").getBytes(StandardCharsets.US_ASCII),
                    true, AtomicFiles.PLAIN);
        } catch (IOException e) {
            throw new StateException("cannot create " + keyPath.getFileName(), AtomicFiles.reason(e) + ".\nFile: " + keyPath, e);
        }
        return new SecretHasher(key);
    }

    /** {@code .backup.3 → .backup.4}, … , {@code .backup → .backup.1}, then the current file → {@code .backup}. */
    private void rotateBackups(byte[] current) throws IOException {
        List<Path> backups = store.backupPaths();
        for (int i = backups.size() - 1; i > 0; i--) {
            if (Files.exists(backups.get(i - 1))) {
                AtomicFiles.move(backups.get(i - 1), backups.get(i));
                AtomicFiles.ownerOnly(backups.get(i)); // one a pictl before 0600 states left readable
            }
        }
        AtomicFiles.replace(backups.get(0), current, true, AtomicFiles.PLAIN);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the state lock was released");
        }
    }

    /** Releases the lock and blanks the holder record (the lock file itself stays; see docs/state.md). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            channel.truncate(0);
        } catch (IOException ignored) {
            // the record is informational; the kernel lock below is what matters
        }
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it too
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing more to do: the kernel drops the lock with the descriptor
        }
    }
}
