package dev.pictl.state.pg;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Where a state lives in PostgreSQL: the server, the role, the schema of pictl's tables and the key (the cluster's
 * name). Never a password: that is looked up when connecting ({@link PgPass}).
 *
 * @param host     host name or address (TCP only)
 * @param port     TCP port
 * @param database the database; null: the user's name, as libpq does
 * @param user     the role; null: {@code PGUSER}, else the OS user, as libpq does
 * @param params   libpq URI parameters pictl passes on ({@code sslmode}, {@code sslrootcert}, {@code sslcert},
 *                 {@code sslkey}, {@code connect_timeout}, {@code application_name})
 * @param schema   the schema of pictl's tables (a plain identifier)
 * @param key      the state's name in them: the cluster's name
 * @param history  how many versions are kept
 */
public record PgTarget(String host, int port, String database, String user, Map<String, String> params,
                       String schema, String key, int history) {
    public PgTarget {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(key, "key");
        params = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(params));
        if (!schema.matches("[A-Za-z_][A-Za-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("schema_name must be a plain identifier");
        }
        if (history < 2) {
            throw new IllegalArgumentException("history must be at least 2");
        }
    }

    /** The role: the given one, else {@code PGUSER}, else the OS user. */
    String role(Map<String, String> env) {
        if (user != null) {
            return user;
        }
        String u = env.get("PGUSER");
        return u != null && !u.isEmpty() ? u : System.getProperty("user.name", "postgres");
    }

    /** The database: the given one, else the role's name. */
    String db(Map<String, String> env) {
        return database != null ? database : role(env);
    }

    /** {@code postgres://pictl@db.home.lan:5432/pictl}, for messages (there is never a password to hide). */
    String url(Map<String, String> env) {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return "postgres://" + role(env) + "@" + h + ":" + port + "/" + db(env);
    }
}
