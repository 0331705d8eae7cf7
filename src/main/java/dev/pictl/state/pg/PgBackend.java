package dev.pictl.state.pg;

import dev.pictl.io.BoundedFiles;
import dev.pictl.state.LockHolder;
import dev.pictl.state.ResourceState;
import dev.pictl.state.SecretHasher;
import dev.pictl.state.State;
import dev.pictl.state.StateBackend;
import dev.pictl.state.StateBytes;
import dev.pictl.state.StateException;
import dev.pictl.state.StateLockedException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * The state in PostgreSQL (docs/state.md, "Team use"), in four tables of one schema, one row per cluster (the key):
 *
 * <pre>
 *   states          id, name (the key), lineage, serial, data (the state's canonical text), updated_at, updated_by
 *   state_versions  every version written (the last {@code history} kept): name, lineage, serial, data, written_at/by
 *   state_locks     who holds the lock: name, user, host, pid, since, command, backend_pid (informational)
 *   state_keys      name, hmac_key: the key of the secrets' hashes, where the whole team reaches it
 * </pre>
 *
 * <p>The lock is a session-level advisory lock held on one dedicated connection (no pool) for the writer's whole
 * run: the server drops it when that session ends, however it ends. Its key is the states table's oid (unique in
 * the database, so two schemas never collide, unlike Terraform's early pg backend) in the high 32 bits and the
 * state's row id in the low 32; the row is created first (idempotently), so there is no global creation lock.
 *
 * <p>Readers ({@link #read()}, {@link #secretHasher()}) open a short connection, take no lock and never create
 * anything; a missing schema reads as no state.
 */
public final class PgBackend implements StateBackend {
    /** The rescue file's name in the configuration directory (a number is added when one is already there). */
    public static final String RESCUE_FILE = "pictl.state.rescue.json";
    static final Duration POLL = Duration.ofMillis(100);
    /** {@code 'pict'}: the first key of the advisory lock that serialises creating the tables. */
    private static final int DDL_LOCK_CLASS = 0x70696374;

    private final PgTarget target;
    private final String pictlVersion;
    private final Path rescueDir;
    private final Map<String, String> env;
    private final Clock clock;

    /**
     * @param rescueDir where a writer that loses the database puts the rescue file (the configuration directory)
     * @param env       where the role and password come from: {@code PGUSER}, {@code PGPASSWORD},
     *                  {@code PGPASSFILE}, {@code HOME}
     */
    public PgBackend(PgTarget target, String pictlVersion, Path rescueDir, Map<String, String> env) {
        this(target, pictlVersion, rescueDir, env, Clock.systemUTC());
    }

    PgBackend(PgTarget target, String pictlVersion, Path rescueDir, Map<String, String> env, Clock clock) {
        this.target = Objects.requireNonNull(target, "target");
        this.pictlVersion = Objects.requireNonNull(pictlVersion, "pictlVersion");
        this.rescueDir = Objects.requireNonNull(rescueDir, "rescueDir").toAbsolutePath().normalize();
        this.env = Map.copyOf(env);
        this.clock = clock;
    }

    public PgTarget target() {
        return target;
    }

    @Override
    public String name() {
        return "the state \"" + target.key() + "\" in PostgreSQL";
    }

    /** {@code postgres://pictl@db:5432/pictl schema pictl, key homelab}. */
    @Override
    public String location() {
        return target.url(env) + " schema " + target.schema() + ", key " + target.key();
    }

    String where() {
        return "State: " + location();
    }

    Path rescueDir() {
        return rescueDir;
    }

    String pictlVersion() {
        return pictlVersion;
    }

    Clock clock() {
        return clock;
    }

    // ---- SQL ------------------------------------------------------------------------------------------------

    String table(String name) {
        return "\"" + target.schema() + "\".\"" + name + "\"";
    }

    /** A new connection (autocommit), for one reader or one writer's whole run. */
    Connection connect() throws StateException {
        String role = target.role(env);
        String db = target.db(env);
        PgPass.Found pw = PgPass.find(env, target.host(), target.port(), db, role);
        Properties p = new Properties();
        p.setProperty("user", role);
        // Always set, so that the driver never reads ~/.pgpass itself (it would not apply libpq's permission rule).
        p.setProperty("password", pw.password() == null ? "" : pw.password());
        p.setProperty("ApplicationName", target.params().getOrDefault("application_name", "pictl"));
        p.setProperty("connectTimeout", target.params().getOrDefault("connect_timeout", "10"));
        p.setProperty("tcpKeepAlive", "true");
        p.setProperty("socketTimeout", "120");
        for (String k : List.of("sslmode", "sslrootcert", "sslcert", "sslkey")) {
            if (target.params().containsKey(k)) {
                p.setProperty(k, target.params().get(k));
            }
        }
        if (!target.params().containsKey("sslmode")) {
            p.setProperty("sslmode", "prefer"); // libpq's default
        }
        String host = target.host().contains(":") ? "[" + target.host() + "]" : target.host();
        String url = "jdbc:postgresql://" + host + ":" + target.port() + "/"
                + java.net.URLEncoder.encode(db, StandardCharsets.UTF_8).replace("+", "%20");
        try {
            return DriverManager.getConnection(url, p);
        } catch (SQLException e) {
            throw unreachable(e, pw);
        }
    }

    private StateException unreachable(SQLException e, PgPass.Found pw) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String msg = reason(e);
        String hint;
        if (state.equals("28P01") || state.equals("28000") || msg.contains("password")) {
            hint = "The server refused the login of " + target.role(env) + ". pictl takes the password from PGPASSWORD"
                    + " or from a line host:port:database:user:password in ~/.pgpass (PGPASSFILE names another"
                    + " file), as psql does; " + (pw.source() == null ? "none was found"
                    : "one was found in " + pw.source()) + (pw.ignored() == null ? "" : "; " + pw.ignored()) + ".";
        } else {
            hint = "Check that the server is up and reachable from here (psql \"" + target.url(env) + "\").";
        }
        return new StateException("cannot reach the state database at " + target.host() + ":" + target.port(),
                msg + ". " + hint + " Nothing was read or changed.\n" + where(), e);
    }

    /** Text another writer stored, safe to print on a terminal (no control characters). */
    static String printable(String s) {
        return s == null ? "" : s.replaceAll("\\p{Cntrl}", "?");
    }

    static String reason(SQLException e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            return "SQL state " + e.getSQLState();
        }
        m = m.replaceAll("\\p{Cntrl}+", " ").strip();
        return m.endsWith(".") ? m.substring(0, m.length() - 1) : m;
    }

    /** A failure talking to the server after connecting: the state was not read or changed. */
    StateException failed(String what, SQLException e) {
        return new StateException("cannot " + what + " " + name(), reason(e) + ". Nothing was changed.\n" + where(), e);
    }

    boolean tablesExist(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL AND to_regclass(?) IS NOT NULL"
                + " AND to_regclass(?) IS NOT NULL AND to_regclass(?) IS NOT NULL")) {
            ps.setString(1, table("states"));
            ps.setString(2, table("state_versions"));
            ps.setString(3, table("state_locks"));
            ps.setString(4, table("state_keys"));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** Creates the schema and tables when missing, one creator at a time (writers only; readers never create). */
    void ensureTables(Connection c) throws SQLException {
        if (tablesExist(c)) {
            return;
        }
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute("SELECT pg_advisory_xact_lock(" + DDL_LOCK_CLASS + ", hashtext('" + target.schema() + "'))");
            st.execute("CREATE SCHEMA IF NOT EXISTS \"" + target.schema() + "\"");
            st.execute("CREATE TABLE IF NOT EXISTS " + table("states") + " (id bigserial PRIMARY KEY,"
                    + " name text NOT NULL UNIQUE, lineage text, serial bigint NOT NULL DEFAULT 0, data text,"
                    + " updated_at timestamptz, updated_by text)");
            st.execute("CREATE TABLE IF NOT EXISTS " + table("state_versions") + " (id bigserial PRIMARY KEY,"
                    + " name text NOT NULL, lineage text NOT NULL, serial bigint NOT NULL, data text NOT NULL,"
                    + " written_at timestamptz NOT NULL DEFAULT now(), written_by text NOT NULL,"
                    + " UNIQUE (name, lineage, serial))");
            st.execute("CREATE TABLE IF NOT EXISTS " + table("state_locks") + " (name text PRIMARY KEY,"
                    + " holder_user text NOT NULL, holder_host text NOT NULL, holder_pid bigint NOT NULL,"
                    + " since timestamptz NOT NULL, command text NOT NULL, backend_pid integer NOT NULL)");
            st.execute("CREATE TABLE IF NOT EXISTS " + table("state_keys") + " (name text PRIMARY KEY,"
                    + " hmac_key text NOT NULL)");
            c.commit();
        } catch (SQLException e) {
            rollbackQuietly(c);
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is gone: so is the transaction
        }
    }

    static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // nothing more to do
            }
        }
    }

    /** The stored text, or null when there is none (no tables, no row, or a row without a state yet). */
    String storedText(Connection c) throws SQLException {
        if (!tablesExist(c)) {
            return null;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT data FROM " + table("states") + " WHERE name = ?")) {
            ps.setString(1, target.key());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    State decode(String text) throws StateException {
        return text == null ? State.empty() : StateBytes.decode(text, name(), where());
    }

    // ---- readers --------------------------------------------------------------------------------------------

    @Override
    public State read() throws StateException {
        Connection c = connect();
        try {
            return decode(storedText(c));
        } catch (SQLException e) {
            throw failed("read", e);
        } finally {
            closeQuietly(c);
        }
    }

    @Override
    public Optional<SecretHasher> secretHasher() throws StateException {
        Connection c = connect();
        try {
            String hex = tablesExist(c) ? storedKey(c) : null;
            return hex == null ? Optional.empty() : Optional.of(hasher(hex));
        } catch (SQLException e) {
            throw failed("read the key of", e);
        } finally {
            closeQuietly(c);
        }
    }

    String storedKey(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT hmac_key FROM " + table("state_keys") + " WHERE name = ?")) {
            ps.setString(1, target.key());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    SecretHasher hasher(String hex) throws StateException {
        if (hex == null || !hex.matches("[0-9a-f]{" + 2 * SecretHasher.KEY_BYTES + "}")) {
            throw new StateException("the key of the secrets' hashes of " + name() + " is damaged",
                    "It must hold " + SecretHasher.KEY_BYTES + " bytes as " + 2 * SecretHasher.KEY_BYTES
                            + " lower-case hex digits. Delete its row from " + table("state_keys") + ": pictl makes a"
                            + " new one on the next apply, and the recorded secrets then show as changed once.\n"
                            + where());
        }
        return new SecretHasher(HexFormat.of().parseHex(hex));
    }

    @Override
    public void requireKnownTypes(State state, List<String> knownTypes) throws StateException {
        List<String> unknown = state.resources().stream().map(ResourceState::address)
                .filter(a -> !knownTypes.contains(a.type())).map(Object::toString).toList();
        if (unknown.isEmpty()) {
            return;
        }
        throw new StateException(name() + (unknown.size() == 1 ? " has an entry" : " has " + unknown.size()
                + " entries") + " of a resource type this pictl does not know: " + String.join(", ", unknown),
                "This pictl manages " + String.join(", ", knownTypes) + ". A newer pictl wrote it, or it was edited"
                        + " by hand. Nothing was probed or changed. Use the pictl that wrote the state; or forget the"
                        + " entries (no node is touched) with: pictl state rm '" + String.join("' '", unknown)
                        + "'; or restore an earlier version (pictl state list-versions).\n" + where());
    }

    /** One version kept in the history, newest first. */
    public record Version(long serial, String lineage, Instant writtenAt, String writtenBy, boolean current) {
    }

    /** The versions kept, newest first. */
    public List<Version> versions() throws StateException {
        Connection c = connect();
        try {
            List<Version> out = new ArrayList<>();
            if (!tablesExist(c)) {
                return out;
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT v.serial, v.lineage, v.written_at, v.written_by,"
                    + " s.serial = v.serial AND s.lineage = v.lineage FROM " + table("state_versions") + " v LEFT JOIN "
                    + table("states") + " s ON s.name = v.name WHERE v.name = ? ORDER BY v.id DESC")) {
                ps.setString(1, target.key());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Version(rs.getLong(1), printable(rs.getString(2)), rs.getTimestamp(3).toInstant(),
                                printable(rs.getString(4)), rs.getBoolean(5)));
                    }
                }
            }
            return out;
        } catch (SQLException e) {
            throw failed("read the history of", e);
        } finally {
            closeQuietly(c);
        }
    }

    /** The text of the version with this serial (of the current lineage), or empty. */
    public Optional<String> versionText(long serial) throws StateException {
        Connection c = connect();
        try {
            if (!tablesExist(c)) {
                return Optional.empty();
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT v.data FROM " + table("state_versions") + " v JOIN "
                    + table("states") + " s ON s.name = v.name AND s.lineage = v.lineage WHERE v.name = ? AND v.serial = ?")) {
                ps.setString(1, target.key());
                ps.setLong(2, serial);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
                }
            }
        } catch (SQLException e) {
            throw failed("read the history of", e);
        } finally {
            closeQuietly(c);
        }
    }

    /** The current state's exact text and the key (hex), for {@code state pull}; empty when there is no state. */
    public record Pulled(String text, State state, String keyHex) {
    }

    public Optional<Pulled> pull() throws StateException {
        Connection c = connect();
        try {
            String text = storedText(c);
            if (text == null) {
                return Optional.empty();
            }
            return Optional.of(new Pulled(text, decode(text), storedKey(c)));
        } catch (SQLException e) {
            throw failed("read", e);
        } finally {
            closeQuietly(c);
        }
    }

    // ---- writers --------------------------------------------------------------------------------------------

    /**
     * Takes the lock: creates the tables and this state's row when missing, then {@code pg_try_advisory_lock} on
     * one dedicated connection every {@link #POLL} until {@code wait} has passed, and records the holder.
     */
    @Override
    public PgWriter lock(String command, Duration wait) throws StateException {
        Connection c = connect();
        boolean ok = false;
        try {
            ensureTables(c);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table("states") + " (name) VALUES (?)"
                    + " ON CONFLICT (name) DO NOTHING")) {
                ps.setString(1, target.key());
                ps.executeUpdate();
            }
            long oid;
            long id;
            try (PreparedStatement ps = c.prepareStatement("SELECT ?::regclass::oid::bigint, id FROM " + table("states")
                    + " WHERE name = ?")) {
                ps.setString(1, table("states"));
                ps.setString(2, target.key());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    oid = rs.getLong(1);
                    id = rs.getLong(2);
                }
            }
            long lockKey = (oid << 32) | (id & 0xffffffffL);
            Instant deadline = clock.instant().plus(wait);
            while (!tryLock(c, lockKey)) {
                if (!clock.instant().isBefore(deadline)) {
                    throw locked(c, oid, id);
                }
                try {
                    Thread.sleep(POLL.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw locked(c, oid, id);
                }
            }
            LockHolder me = LockHolder.current(command, clock.instant());
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table("state_locks") + " (name, holder_user,"
                    + " holder_host, holder_pid, since, command, backend_pid) VALUES (?, ?, ?, ?, ?, ?, pg_backend_pid())"
                    + " ON CONFLICT (name) DO UPDATE SET holder_user = EXCLUDED.holder_user, holder_host ="
                    + " EXCLUDED.holder_host, holder_pid = EXCLUDED.holder_pid, since = EXCLUDED.since, command ="
                    + " EXCLUDED.command, backend_pid = EXCLUDED.backend_pid")) {
                ps.setString(1, target.key());
                ps.setString(2, me.user());
                ps.setString(3, me.host());
                ps.setLong(4, me.pid());
                ps.setTimestamp(5, Timestamp.from(me.started()));
                ps.setString(6, me.command());
                ps.executeUpdate();
            }
            ok = true;
            return new PgWriter(this, c, lockKey, me);
        } catch (SQLException e) {
            throw failed("lock", e);
        } finally {
            if (!ok) {
                closeQuietly(c);
            }
        }
    }

    private static boolean tryLock(Connection c, long key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
            ps.setLong(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** The holder, read from its row only while that row's session really holds the advisory lock. */
    private StateLockedException locked(Connection c, long oid, long id) throws SQLException {
        LockHolder holder = null;
        int backendPid = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT l.holder_user, l.holder_host, l.holder_pid, l.since,"
                + " l.command, l.backend_pid FROM " + table("state_locks") + " l WHERE l.name = ? AND EXISTS (SELECT 1"
                + " FROM pg_locks k WHERE k.locktype = 'advisory' AND k.granted AND k.pid = l.backend_pid"
                + " AND k.classid::bigint = ? AND k.objid::bigint = ? AND k.objsubid = 1)")) {
            ps.setString(1, target.key());
            ps.setLong(2, oid);
            ps.setLong(3, id & 0xffffffffL);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    holder = new LockHolder(printable(rs.getString(1)), printable(rs.getString(2)), rs.getLong(3),
                            rs.getTimestamp(4).toInstant(), printable(rs.getString(5)));
                    backendPid = rs.getInt(6);
                }
            }
        }
        String detail = "Another pictl run is changing this state. Wait for it to finish and try again (--lock-timeout"
                + " waits for it). The lock is a PostgreSQL session-level advisory lock: the server releases it the"
                + " moment that run's connection ends, even when it is killed, so there is nothing to remove by hand."
                + (backendPid == 0 ? "" : " If its machine vanished without closing the connection (a power cut), the"
                + " server notices when TCP keepalive gives up; a database admin can end it at once with SELECT"
                + " pg_terminate_backend(" + backendPid + ").") + "\n" + where();
        if (holder == null) {
            return new StateLockedException("state is locked by another pictl process (it has not recorded who yet)",
                    detail, null);
        }
        return new StateLockedException("state is locked by " + holder.describe(clock.instant()), detail, holder);
    }

    /** The text of a local state file and its key file ({@code <name without .json>.key}), for {@code push}. */
    public record Local(Path file, byte[] bytes, State state, String keyHex) {
    }

    /** Reads a local state file for {@link PgWriter#push}; refuses one that is not a valid state. */
    public static Local readLocal(Path file) throws StateException {
        byte[] bytes;
        try {
            bytes = BoundedFiles.readBytes(file, BoundedFiles.Kind.STATE);
        } catch (NoSuchFileException e) {
            throw new StateException("cannot read " + file.getFileName(), "There is no such file. Nothing was"
                    + " changed.\nFile: " + file, e);
        } catch (IOException e) {
            throw new StateException("cannot read " + file.getFileName(), BoundedFiles.reason(e)
                    + ". Nothing was changed.\nFile: " + file, e);
        }
        State s = StateBytes.decode(bytes, file.getFileName().toString(), "File: " + file);
        Path keyFile = keyFileOf(file);
        String key = null;
        if (Files.exists(keyFile)) {
            try {
                key = BoundedFiles.readString(keyFile, BoundedFiles.Kind.SMALL).strip().toLowerCase(java.util.Locale.ROOT);
            } catch (IOException e) {
                throw new StateException("cannot read " + keyFile.getFileName(), BoundedFiles.reason(e)
                        + ". Nothing was changed.\nFile: " + keyFile, e);
            }
            if (!key.matches("[0-9a-f]{" + 2 * SecretHasher.KEY_BYTES + "}")) {
                throw new StateException(keyFile.getFileName() + " is not a pictl state key", "It must hold "
                        + SecretHasher.KEY_BYTES + " bytes as hex digits. Nothing was changed.\nFile: " + keyFile);
            }
        }
        return new Local(file, bytes, s, key);
    }

    /** {@code pictl.state.key} for {@code pictl.state.json}, as the local state names it. */
    public static Path keyFileOf(Path stateFile) {
        String name = stateFile.getFileName().toString();
        return stateFile.resolveSibling((name.endsWith(".json") ? name.substring(0, name.length() - 5) : name) + ".key");
    }

    /** A state text as bytes, exactly. */
    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
