package dev.pictl.state.pg;

import dev.pictl.testing.Await;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private, real PostgreSQL server for the tests of the state in PostgreSQL: Debian's binaries
 * ({@code /usr/lib/postgresql/VERSION/bin}), a fresh cluster made by {@code initdb} in {@link #DIR} ({@code /tmp/pictl-pgtest-55432}, then
 * {@code -N} for the test fork N: each fork has a network namespace of its own, not a /tmp), listening on
 * {@code 127.0.0.1:}{@value #PORT} only (and a Unix socket in the same directory), with scram-sha-256 password
 * logins over TCP. It is run as the {@code postgres} OS user when the tests run as root (PostgreSQL refuses to run
 * as root). Started once per test JVM on first use and stopped when the JVM exits; a leftover of a killed run in
 * the same directory is stopped first.
 *
 * <p>The role {@value #ROLE} owns the database {@value #ROLE}; its password is random per run and reaches pictl
 * only through {@code PGPASSWORD} ({@link #env()}) or a {@code .pgpass} file, so a test can check that it
 * appears nowhere. If PostgreSQL is not installed the tests fail, saying so: they are not skipped.
 */
public final class PgServer {
    public static final int PORT = 55432;
    public static final String DIR = "/tmp/pictl-pgtest-55432"
            + (System.getProperty("pictl.test.fork", "").isEmpty() ? "" : "-" + System.getProperty("pictl.test.fork"));
    public static final String ROLE = "pictl";

    private static PgServer shared;

    private final Path bin;
    private final Path dir = Path.of(DIR);
    private final String password;
    private final boolean root;

    private PgServer(Path bin) {
        this.bin = bin;
        byte[] b = new byte[12];
        new SecureRandom().nextBytes(b);
        this.password = "pw-" + HexFormat.of().formatHex(b);
        this.root = "root".equals(System.getProperty("user.name"));
    }

    /** The server, started on the first call. */
    public static synchronized PgServer shared() throws Exception {
        if (shared == null) {
            PgServer s = new PgServer(findBin());
            s.create();
            s.start();
            s.psqlIn("postgres", "CREATE ROLE " + ROLE + " LOGIN PASSWORD '" + s.password + "'");
            s.psqlIn("postgres", "CREATE DATABASE " + ROLE + " OWNER " + ROLE);
            Runtime.getRuntime().addShutdownHook(new Thread(s::destroy, "pg-test-server-stop"));
            shared = s;
        }
        return shared;
    }

    /** The newest {@code /usr/lib/postgresql/N/bin} with initdb, pg_ctl and postgres; fails when there is none. */
    private static Path findBin() throws IOException {
        Path base = Path.of("/usr/lib/postgresql");
        List<Path> found = new ArrayList<>();
        if (Files.isDirectory(base)) {
            try (Stream<Path> s = Files.list(base)) {
                s.map(p -> p.resolve("bin")).filter(p -> Files.isExecutable(p.resolve("initdb"))
                        && Files.isExecutable(p.resolve("pg_ctl")) && Files.isExecutable(p.resolve("postgres")))
                        .forEach(found::add);
            }
        }
        if (found.isEmpty()) {
            throw new AssertionError("PostgreSQL is not installed: the tests of the state in PostgreSQL need a real"
                    + " server (Debian's package: apt-get install postgresql; .ci/run installs it). Looked for"
                    + " /usr/lib/postgresql/*/bin/{initdb,pg_ctl,postgres}.");
        }
        found.sort(Comparator.comparing((Path p) -> {
            String v = p.getParent().getFileName().toString();
            return v.matches("[0-9]+") ? Integer.parseInt(v) : 0;
        }));
        return found.get(found.size() - 1);
    }

    public String password() {
        return password;
    }

    /** What pictl gets: the password in PGPASSWORD, HOME somewhere without a .pgpass. */
    public Map<String, String> env() {
        return Map.of("PGPASSWORD", password, "HOME", dir.toString());
    }

    /** A target in its own schema (each test its own, so they never see each other's rows). */
    PgTarget target(String schema, String key, int history) {
        return new PgTarget("127.0.0.1", PORT, ROLE, ROLE, Map.of("sslmode", "disable"), schema, key, history);
    }

    /** The state block of a description using {@code schema}. */
    public static String stateBlock(String schema) {
        return "state {\n  backend     = \"pg\"\n  conn_str    = \"postgres://" + ROLE + "@127.0.0.1:" + PORT + "/" + ROLE
                + "?sslmode=disable\"\n  schema_name = \"" + schema + "\"\n}\n";
    }

    /** A JDBC connection as the role (for looking at the tables as a test). */
    public Connection connect() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", ROLE);
        p.setProperty("password", password);
        p.setProperty("sslmode", "disable");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + PORT + "/" + ROLE, p);
    }

    private void create() throws Exception {
        if (Files.exists(dir.resolve("data/postmaster.pid"))) {
            run(Duration.ofSeconds(30), bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(),
                    "-m", "immediate", "-w", "stop"); // a leftover of a killed test run; its failure does not matter
        }
        deleteTree(dir);
        Files.createDirectories(dir);
        if (root) {
            check(run(Duration.ofSeconds(10), "chown", "postgres:postgres", dir.toString()), "chown");
        }
        check(run(Duration.ofSeconds(120), bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(),
                "-U", "postgres", "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C",
                "--no-sync"), "initdb");
    }

    /** Starts the server and waits until it accepts connections (pg_ctl -w, then pg_isready). */
    public void start() throws Exception {
        check(run(Duration.ofSeconds(60), bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(),
                "-l", dir.resolve("server.log").toString(), "-w", "-t", "60", "-o",
                "-p " + PORT + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off"
                        + " -c synchronous_commit=off -c full_page_writes=off", "start"), "pg_ctl start");
        Await.until("PostgreSQL accepting connections on 127.0.0.1:" + PORT, Duration.ofSeconds(30), () -> {
            try {
                return run(Duration.ofSeconds(10), bin.resolve("pg_isready").toString(), "-h", "127.0.0.1", "-p",
                        Integer.toString(PORT)).code == 0;
            } catch (Exception e) {
                return false;
            }
        }, this::log);
    }

    /** Stops the server as an admin would ({@code pg_ctl stop -m fast}: every session is ended). */
    public void stop() throws Exception {
        check(run(Duration.ofSeconds(60), bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(),
                "-m", "fast", "-w", "stop"), "pg_ctl stop");
    }

    /** Runs SQL as the superuser over the Unix socket in the database pictl; returns psql's output (-At). */
    public String psql(String sql) throws Exception {
        return psqlIn(ROLE, sql);
    }

    private String psqlIn(String db, String sql) throws Exception {
        Result r = run(Duration.ofSeconds(30), "psql", "-h", dir.toString(), "-p", Integer.toString(PORT), "-U",
                "postgres", "-d", db, "-X", "-v", "ON_ERROR_STOP=1", "-At", "-c", sql);
        check(r, "psql");
        return r.out;
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("server.log"));
        } catch (IOException e) {
            return "(no server log)";
        }
    }

    private void destroy() {
        try {
            run(Duration.ofSeconds(30), bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m",
                    "immediate", "-w", "stop");
            deleteTree(dir);
        } catch (Exception ignored) {
            // the JVM is exiting; the next run cleans up a leftover
        }
    }

    private record Result(int code, String out) {
    }

    private static void check(Result r, String what) {
        if (r.code != 0) {
            throw new AssertionError(what + " failed (exit " + r.code + "):\n" + r.out);
        }
    }

    /** Runs a command (as postgres when the tests run as root, except chown), output merged. */
    private Result run(Duration timeout, String... cmd) throws Exception {
        List<String> full = new ArrayList<>();
        if (root && !cmd[0].equals("chown")) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(List.of(cmd));
        ProcessBuilder pb = new ProcessBuilder(full).redirectErrorStream(true).directory(Path.of("/tmp").toFile());
        pb.environment().remove("PGPASSWORD");
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes(); // pg_ctl's server detaches from our pipe (-l log)
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", cmd) + " did not finish within " + timeout);
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8).strip());
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        }
    }
}
