package dev.pictl.state;

import dev.pictl.io.BoundedFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One state file and the files beside it:
 *
 * <pre>
 *   pictl.state.json            the state (format 1)
 *   pictl.state.json.backup     the state as it was before the last run that changed it
 *   pictl.state.json.backup.1   … up to .backup.4: the runs before that, newest first
 *   pictl.state.json.lock       the writer lock (kernel lock on the file; content = the holder)
 *   pictl.state.key             32 random bytes (hex), mode 0600: the key of the secrets' hashes
 * </pre>
 *
 * The state and its backups are written with mode 0600 too (older, more open ones are tightened when rotated).
 *
 * Readers ({@code plan}, {@code drift}, {@code state list/show}) call {@link #read()} and take no lock: the
 * state is replaced by an atomic rename, so they see one whole version. Writers ({@code apply},
 * {@code state rm}) take {@link #lock} for their whole run and write through the {@link StateLock}.
 * Immutable and thread-safe.
 */
public final class StateStore implements StateBackend {
    /** The state file's name when {@code --state} is not given. */
    public static final String DEFAULT_FILE_NAME = "pictl.state.json";
    /** How many previous versions are kept: {@code .backup} and {@code .backup.1} to {@code .backup.4}. */
    public static final int BACKUPS = 5;

    private static final Duration POLL = Duration.ofMillis(100);

    private final Path path;
    private final String pictlVersion;
    private final Clock clock;
    private final AtomicFiles.ContentWriter contentWriter;

    StateStore(Path path, String pictlVersion, Clock clock, AtomicFiles.ContentWriter contentWriter) {
        this.path = Objects.requireNonNull(path, "path").toAbsolutePath().normalize();
        this.pictlVersion = Objects.requireNonNull(pictlVersion, "pictlVersion");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.contentWriter = Objects.requireNonNull(contentWriter, "contentWriter");
    }

    /**
     * The store at {@code statePath}.
     *
     * @param pictlVersion recorded as {@code pictl_version} in what this store writes
     */
    public static StateStore at(Path statePath, String pictlVersion) {
        return new StateStore(statePath, pictlVersion, Clock.systemUTC(), AtomicFiles.PLAIN);
    }

    /**
     * Where the state lives when {@code --state} is not given: {@value #DEFAULT_FILE_NAME} in the configuration
     * directory, which is {@code config} itself when it is a directory, or the directory of a configuration
     * file ({@code -c cluster.hcl}).
     */
    public static Path defaultPath(Path config) {
        Path abs = config.toAbsolutePath().normalize();
        boolean file = Files.isRegularFile(abs) || (!Files.isDirectory(abs) && abs.getFileName() != null
                && abs.getFileName().toString().endsWith(".hcl"));
        Path dir = file ? abs.getParent() : abs;
        return dir.resolve(DEFAULT_FILE_NAME);
    }

    public Path path() {
        return path;
    }

    /** {@code <state>.lock}. */
    public Path lockPath() {
        return path.resolveSibling(path.getFileName() + ".lock");
    }

    /** {@code pictl.state.key} for {@code pictl.state.json}: the state's name without {@code .json}, plus {@code .key}. */
    public Path keyPath() {
        String name = path.getFileName().toString();
        return path.resolveSibling((name.endsWith(".json") ? name.substring(0, name.length() - 5) : name) + ".key");
    }

    /** {@code .backup} (newest), {@code .backup.1}, … {@code .backup.4} (oldest). */
    public List<Path> backupPaths() {
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < BACKUPS; i++) {
            out.add(path.resolveSibling(path.getFileName() + ".backup" + (i == 0 ? "" : "." + i)));
        }
        return List.copyOf(out);
    }

    /** The current state, without a lock; {@link State#empty()} when there is no file yet. */
    @Override
    public State read() throws StateException {
        return readRaw().state;
    }

    /** The state and the exact bytes it was decoded from (null when there is no file). */
    record Raw(State state, byte[] bytes) {
    }

    Raw readRaw() throws StateException {
        byte[] bytes;
        try {
            bytes = BoundedFiles.readBytes(path, BoundedFiles.Kind.STATE);
        } catch (NoSuchFileException e) {
            if (BoundedFiles.isDanglingLink(path)) {
                throw new StateException("cannot read " + name(), BoundedFiles.reason(e) + ". pictl will not start a"
                        + " new state behind a broken link. Fix the link or pass --state.\nFile: " + path, e);
            }
            return new Raw(State.empty(), null);
        } catch (IOException e) {
            throw new StateException("cannot read " + name(), BoundedFiles.reason(e)
                    + ". Nothing was read or changed. Point --state at the state file (a regular file).\nFile: " + path, e);
        }
        try {
            return new Raw(StateCodec.decode(bytes), bytes);
        } catch (StateCodec.TooNew e) {
            throw new StateException(name() + " was written by a newer pictl (format " + e.version + "); this pictl reads"
                    + " format " + State.FORMAT_VERSION + ". Upgrade pictl.",
                    "Older pictl versions cannot read a state a newer one has written; nothing was read or changed."
                            + "\nFile: " + path);
        } catch (StateCodec.Invalid e) {
            throw new StateException(name() + " is not a valid pictl state file",
                    e.getMessage() + ".\nNothing was read or changed. Fix the file by hand, or restore the last"
                            + " good copy from " + name() + ".backup (older ones: .backup.1 to .backup." + (BACKUPS - 1)
                            + ").\nFile: " + path);
        }
    }

    /**
     * Refuses a state with an entry of a resource type this pictl does not know (a newer pictl wrote it, or a hand
     * edit), as Terraform refuses to plan a state entry without a schema: plan, drift and apply call this; the
     * {@code state} commands do not, so that {@code state rm} can forget the entry.
     */
    @Override
    public void requireKnownTypes(State state, List<String> knownTypes) throws StateException {
        List<ResourceState> unknown = state.resources().stream()
                .filter(r -> !knownTypes.contains(r.address().type())).toList();
        if (unknown.isEmpty()) {
            return;
        }
        String known = String.join(", ", knownTypes);
        List<String> addresses = unknown.stream().map(r -> r.address().toString()).toList();
        StringBuilder detail = new StringBuilder();
        for (ResourceState r : unknown) {
            detail.append("The entry ").append(r.address()).append(" has type \"").append(r.address().type())
                    .append("\"; ");
        }
        throw new StateException(name() + (unknown.size() == 1 ? " has an entry" : " has " + unknown.size()
                + " entries") + " of a resource type this pictl does not know: " + String.join(", ", addresses),
                detail + "this pictl manages " + known + ". A newer pictl wrote " + (unknown.size() == 1 ? "it"
                        : "them") + ", or the file was edited by hand. Nothing was probed or changed. Use the pictl"
                        + " that wrote the state; or forget " + (unknown.size() == 1 ? "the entry" : "the entries")
                        + " (no node is touched) with: pictl state rm '" + String.join("' '", addresses)
                        + "'; or restore " + name() + ".backup.\nFile: " + path);
    }

    /**
     * The hasher for secrets under this state's key, for readers comparing a secret with a recorded hash; empty
     * when there is no key file yet (then every recorded hash counts as changed). Writers use
     * {@link StateLock#secretHasher()}, which creates the key.
     */
    @Override
    public Optional<SecretHasher> secretHasher() throws StateException {
        Path key = keyPath();
        if (!Files.exists(key)) {
            return Optional.empty();
        }
        try {
            String text = BoundedFiles.readString(key, BoundedFiles.Kind.SMALL).strip();
            if (!text.matches("[0-9a-fA-F]{" + 2 * SecretHasher.KEY_BYTES + "}")) {
                throw new StateException(key.getFileName() + " is not a pictl state key",
                        "It must hold " + SecretHasher.KEY_BYTES + " bytes as " + 2 * SecretHasher.KEY_BYTES
                                + " hex digits. If it is lost, delete it: pictl makes a new one on the next apply, and the"
                                + " secrets recorded in the state then show as changed once.\nFile: " + key);
            }
            return Optional.of(new SecretHasher(HexFormat.of().parseHex(text.toLowerCase())));
        } catch (IOException e) {
            throw new StateException("cannot read " + key.getFileName(), BoundedFiles.reason(e) + ".\nFile: " + key, e);
        }
    }

    /** {@link #lock(String, Duration)} without waiting. */
    public StateLock lock(String command) throws StateException {
        return lock(command, Duration.ZERO);
    }

    /**
     * Takes the writer lock for {@code command} (recorded for others to see, e.g. {@code pictl apply}), waiting
     * up to {@code wait} for another holder to finish. The kernel holds the lock on the open lock file and drops
     * it when this process ends however it ends, so a killed run never leaves it stuck. Also refuses a second
     * acquirer inside this JVM.
     *
     * @throws StateLockedException when another run still holds it after {@code wait}
     */
    @Override
    public StateLock lock(String command, Duration wait) throws StateException {
        Path lockFile = lockPath();
        if (!Files.isDirectory(lockFile.getParent())) {
            throw new StateException("cannot lock " + name() + ": directory " + lockFile.getParent() + " does not exist",
                    "Create it, or point --state at a file in an existing directory.");
        }
        Instant deadline = clock.instant().plus(wait);
        while (true) {
            FileChannel ch = null;
            try {
                ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
                FileLock fl;
                try {
                    fl = ch.tryLock();
                } catch (OverlappingFileLockException e) {
                    fl = null; // this JVM holds it already, through another channel
                }
                if (fl != null) {
                    LockHolder me = LockHolder.current(command, clock.instant());
                    ch.truncate(0);
                    ch.write(java.nio.ByteBuffer.wrap(me.toJson().getBytes(StandardCharsets.UTF_8)), 0);
                    ch.force(true);
                    // A writer killed mid-write leaves its temporary file; none is being written while we hold this.
                    List<Path> written = new ArrayList<>(List.of(path, keyPath()));
                    written.addAll(backupPaths());
                    AtomicFiles.removeLeftovers(written);
                    return new StateLock(this, ch, fl, me);
                }
                ch.close();
                ch = null;
            } catch (IOException e) {
                closeQuietly(ch);
                throw new StateException("cannot lock " + name(), AtomicFiles.reason(e)
                        + ". pictl needs a file system with POSIX locks (fcntl) for the state.\nLock file: " + lockFile, e);
            }
            if (!clock.instant().isBefore(deadline)) {
                throw locked(lockFile);
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw locked(lockFile);
            }
        }
    }

    private StateLockedException locked(Path lockFile) {
        LockHolder holder = readHolder(lockFile);
        String detail = "Another pictl run is changing this state. Wait for it to finish and try again (--lock-timeout"
                + " waits for it). The lock is the kernel's: it is released the moment that process exits, even when"
                + " it is killed, so there is nothing to remove by hand.\nLock file: " + lockFile;
        if (holder == null) {
            return new StateLockedException("state is locked by another pictl process (it has not recorded who yet)",
                    detail, null);
        }
        return new StateLockedException("state is locked by " + holder.describe(clock.instant()), detail, holder);
    }

    /** The holder record; a new holder truncates then writes it, so an empty read is retried briefly. */
    private static LockHolder readHolder(Path lockFile) {
        for (int attempt = 0; attempt < 10; attempt++) {
            try {
                LockHolder h = LockHolder.parse(Files.readString(lockFile, StandardCharsets.UTF_8));
                if (h != null) {
                    return h;
                }
                Thread.sleep(50);
            } catch (IOException e) {
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing more to do
            }
        }
    }

    /** The file's name, e.g. {@code pictl.state.json}. */
    @Override
    public String name() {
        return path.getFileName().toString();
    }

    /** The file's absolute path. */
    @Override
    public String location() {
        return path.toString();
    }

    String pictlVersion() {
        return pictlVersion;
    }

    Clock clock() {
        return clock;
    }

    AtomicFiles.ContentWriter contentWriter() {
        return contentWriter;
    }
}
