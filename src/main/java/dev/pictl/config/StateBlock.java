package dev.pictl.config;

import dev.pictl.diag.Diagnostics;
import dev.pictl.diag.SourceRange;
import dev.pictl.resource.Value;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code state} block's values: the backend, and for {@code pg} the connection string taken apart. A password
 * in the connection string is refused at its position (it would end up in git, in shell history, in CI logs): the
 * password comes only from {@code PGPASSWORD} or {@code ~/.pgpass}, as for libpq's tools.
 */
final class StateBlock {
    /** The query parameters pictl passes on to the driver, as libpq spells them. */
    static final List<String> PARAMS = List.of("sslmode", "sslrootcert", "sslcert", "sslkey", "connect_timeout",
            "application_name");
    static final List<String> SSLMODES = List.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

    /** {@code postgres[ql]://[userinfo@]host[:port][/database][?query]}; host may be {@code [v6]}. */
    private static final Pattern URL = Pattern.compile(
            "(?i:postgres(?:ql)?)://(?:([^@/?#]*)@)?(\\[[0-9A-Fa-f:.]+\\]|[^:/?#\\[\\]@]*)(?::([0-9]*))?(?:/([^?#]*))?(?:\\?([^#]*))?");
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    private StateBlock() {
    }

    static Config.StateSettings settings(Map<String, Value> attrs, SourceRange block, Diagnostics diags) {
        String backend = attrs.get("backend") instanceof Value.Str s ? s.value() : "local";
        Value conn = attrs.get("conn_str");
        if (backend.equals("local")) {
            for (String pgOnly : List.of("conn_str", "schema_name", "history")) {
                if (attrs.get(pgOnly) != null) {
                    diags.error(range(attrs.get(pgOnly), block), "\"" + pgOnly + "\" is a setting of backend \"pg\"",
                            "This state block keeps the state in the local file. Add backend = \"pg\" to keep it in"
                                    + " PostgreSQL, or remove \"" + pgOnly + "\".");
                }
            }
            return Config.StateSettings.LOCAL;
        }
        if (!(conn instanceof Value.Str c)) {
            diags.error(block, "backend \"pg\" needs conn_str", "Add conn_str = \"postgres://USER@HOST/DATABASE\""
                    + " (no password: it comes from PGPASSWORD or ~/.pgpass).");
            return Config.StateSettings.INVALID;
        }
        String schema = attrs.get("schema_name") instanceof Value.Str s ? s.value() : "pictl";
        if (!NAME.matcher(schema).matches()) {
            diags.error(range(attrs.get("schema_name"), block), "invalid schema_name",
                    "A schema name of letters, digits and \"_\" (not starting with a digit, at most 63) such as pictl.");
        }
        int history = 100;
        if (attrs.get("history") instanceof Value.Num n) {
            BigDecimal v = n.value();
            if (v.stripTrailingZeros().scale() > 0 || v.compareTo(BigDecimal.valueOf(2)) < 0
                    || v.compareTo(BigDecimal.valueOf(100_000)) > 0) {
                diags.error(n.range(), "invalid history", "A whole number of versions from 2 to 100000.");
            } else {
                history = v.intValueExact();
            }
        }
        return parse(c, schema, history, block, diags);
    }

    /** The connection string taken apart, or INVALID with an error at its position. Never quotes it. */
    static Config.StateSettings parse(Value.Str conn, String schema, int history, SourceRange block, Diagnostics diags) {
        SourceRange at = range(conn, block);
        Matcher m = URL.matcher(conn.value());
        if (!m.matches()) {
            diags.error(at, "conn_str is not a postgres:// URL", "Write it as postgres://USER@HOST[:PORT]/DATABASE"
                    + "[?sslmode=verify-full], as libpq's URI form (the key=value form is not supported).");
            return Config.StateSettings.INVALID;
        }
        String userinfo = m.group(1);
        if (userinfo != null && userinfo.contains(":")) {
            diags.error(at, "conn_str holds a password", "pictl never reads a password from the description (it"
                    + " ends up in git, shell history and CI logs). Remove \":PASSWORD\" after the user name and put"
                    + " the password in PGPASSWORD or in ~/.pgpass (mode 0600), as for psql.");
            return Config.StateSettings.INVALID;
        }
        String host = m.group(2);
        if (host.startsWith("[")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.isEmpty()) {
            diags.error(at, "conn_str names no host", "pictl connects over TCP: write the server's host name or"
                    + " address, e.g. postgres://pictl@db.home.lan/pictl.");
            return Config.StateSettings.INVALID;
        }
        int port = 5432;
        if (m.group(3) != null) {
            String p = m.group(3);
            if (!p.matches("[0-9]{1,5}") || Integer.parseInt(p) < 1 || Integer.parseInt(p) > 65535) {
                diags.error(at, "conn_str has an invalid port", "A TCP port from 1 to 65535.");
                return Config.StateSettings.INVALID;
            }
            port = Integer.parseInt(p);
        }
        Map<String, String> params = new LinkedHashMap<>();
        try {
            String user = userinfo == null || userinfo.isEmpty() ? null : decode(userinfo);
            String db = m.group(4) == null || m.group(4).isEmpty() ? null : decode(m.group(4));
            if (m.group(5) != null && !m.group(5).isEmpty()) {
                for (String pair : m.group(5).split("&")) {
                    int eq = pair.indexOf('=');
                    String k = decode(eq < 0 ? pair : pair.substring(0, eq));
                    String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
                    if (k.equalsIgnoreCase("password") || k.equalsIgnoreCase("passfile")) {
                        diags.error(at, "conn_str holds a " + k.toLowerCase(java.util.Locale.ROOT), "pictl never reads a"
                                + " password from the description. Put the password in PGPASSWORD or in ~/.pgpass"
                                + " (mode 0600; PGPASSFILE names another file), as for psql.");
                        return Config.StateSettings.INVALID;
                    }
                    if (!PARAMS.contains(k)) {
                        diags.error(at, "conn_str has an unsupported parameter \"" + k + "\"",
                                "pictl passes on: " + String.join(", ", PARAMS) + ".");
                        return Config.StateSettings.INVALID;
                    }
                    if (k.equals("sslmode") && !SSLMODES.contains(v)) {
                        diags.error(at, "conn_str has an invalid sslmode", "One of " + String.join(", ", SSLMODES) + ".");
                        return Config.StateSettings.INVALID;
                    }
                    if (k.equals("connect_timeout") && !v.matches("[0-9]{1,5}")) {
                        diags.error(at, "conn_str has an invalid connect_timeout", "Whole seconds, e.g. 10.");
                        return Config.StateSettings.INVALID;
                    }
                    params.put(k, v);
                }
            }
            return new Config.StateSettings("pg", host, port, db, user, params, schema, history, block);
        } catch (IllegalArgumentException e) {
            diags.error(at, "conn_str has an invalid %-escape", "Write %XX with two hex digits.");
            return Config.StateSettings.INVALID;
        }
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static SourceRange range(Value v, SourceRange fallback) {
        SourceRange r = v == null ? null : v.range();
        return r != null ? r : fallback;
    }
}
