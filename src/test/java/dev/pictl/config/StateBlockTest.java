package dev.pictl.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pictl.diag.Diagnostic;
import dev.pictl.types.ResourceTypes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code state} block: the local file by default, PostgreSQL's connection string taken apart, never a password. */
@Tag("fast")
class StateBlockTest {
    @TempDir
    Path tmp;

    private LoadResult load(String state) throws Exception {
        Path dir = tmp.resolve("c" + Math.abs(state.hashCode()));
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("cluster.hcl"), "node \"pi-1\" {\n  address = \"192.168.1.10\"\n}\n" + state);
        return ConfigLoader.load(dir.resolve("cluster.hcl"), VariableInputs.none(), ResourceTypes.standard().catalog());
    }

    private static String block(String connStr) {
        return "state {\n  backend  = \"pg\"\n  conn_str = \"" + connStr + "\"\n}\n";
    }

    @Test
    void withoutABlock_orWithBackendLocal_theStateIsTheLocalFile() throws Exception {
        assertSame(Config.StateSettings.LOCAL, load("").config().state());
        assertSame(Config.StateSettings.LOCAL, load("state {\n  backend = \"local\"\n}\n").config().state());
    }

    @Test
    void aConnectionString_isTakenApart() throws Exception {
        LoadResult r = load(block("postgres://pictl@db.home.lan:5433/states?sslmode=verify-full&connect_timeout=5")
                + "cluster {\n  name = \"homelab\"\n}\n");
        assertTrue(r.ok(), r.diagnostics().sorted().toString());
        Config.StateSettings s = r.config().state();
        assertEquals(List.of("pg", "db.home.lan", 5433, "states", "pictl", "pictl", 100),
                List.of(s.backend(), s.host(), s.port(), s.database(), s.user(), s.schemaName(), s.history()));
        assertEquals(Map.of("sslmode", "verify-full", "connect_timeout", "5"), s.params());
        Config.StateSettings d = load(block("postgresql://[::1]/") + "").config().state();
        assertEquals(List.of("::1", 5432), List.of(d.host(), d.port()));
        assertEquals(null, d.user());
        assertEquals(null, d.database());
    }

    /** Each wrong connection string: one error at the value's position, which never quotes it. */
    @Test
    void aPasswordOrABadConnectionString_isRefusedAtItsPosition() throws Exception {
        Map<String, String> cases = Map.of(
                "postgres://pictl:s3cret@db/pictl", "conn_str holds a password",
                "postgres://pictl@db/pictl?password=s3cret", "conn_str holds a password",
                "postgres://pictl@db/pictl?passfile=/tmp/s3cret", "conn_str holds a passfile",
                "host=db user=pictl", "conn_str is not a postgres:// URL",
                "postgres://pictl@/pictl", "conn_str names no host",
                "postgres://pictl@db:99999/pictl", "conn_str has an invalid port",
                "postgres://pictl@db/pictl?sslmode=sometimes", "conn_str has an invalid sslmode",
                "postgres://pictl@db/pictl?options=-c%20x", "conn_str has an unsupported parameter \"options\"");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            LoadResult r = load(block(c.getKey()));
            List<Diagnostic> errors = r.diagnostics().sorted();
            assertEquals(1, errors.size(), c.getKey() + ": " + errors);
            Diagnostic d = errors.get(0);
            assertEquals(c.getValue(), d.summary(), c.getKey());
            assertEquals("cluster.hcl:6:14", d.subject().location().replaceAll("^.*/", ""), c.getKey());
            assertFalse((d.summary() + d.detail()).contains("s3cret"), c.getKey());
            assertSame(Config.StateSettings.INVALID, r.config().state(), c.getKey());
        }
        LoadResult noConn = load("state {\n  backend = \"pg\"\n}\n");
        assertEquals("backend \"pg\" needs conn_str", noConn.diagnostics().sorted().get(0).summary());
        LoadResult localWithConn = load("state {\n  conn_str = \"postgres://a@b/c\"\n}\n");
        assertEquals("\"conn_str\" is a setting of backend \"pg\"", localWithConn.diagnostics().sorted().get(0).summary());
        LoadResult badSchema = load("state {\n  backend = \"pg\"\n  conn_str = \"postgres://a@b/c\"\n"
                + "  schema_name = \"x; drop\"\n}\n");
        assertEquals("invalid schema_name", badSchema.diagnostics().sorted().get(0).summary());
    }
}
