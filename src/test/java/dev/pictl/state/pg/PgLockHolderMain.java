package dev.pictl.state.pg;

import dev.pictl.addr.ResourceAddress;
import dev.pictl.state.ResourceState;
import dev.pictl.state.State;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A second process for {@link PgStateTest}, with the password in its environment ({@code PGPASSWORD}):
 * {@code hold SCHEMA KEY} takes the lock, says {@code LOCKED <pid>} and sleeps until killed;
 * {@code writes SCHEMA KEY} takes the lock and writes new versions as fast as it can, saying {@code WROTE <serial>}
 * after each, until killed.
 */
public final class PgLockHolderMain {
    private PgLockHolderMain() {
    }

    public static void main(String[] args) throws Exception {
        PgTarget t = new PgTarget("127.0.0.1", PgServer.PORT, PgServer.ROLE, PgServer.ROLE, Map.of("sslmode", "disable"),
                args[1], args[2], 1000);
        PgBackend b = new PgBackend(t, "0.0.0-child", Path.of(System.getProperty("java.io.tmpdir")), System.getenv());
        PgWriter w = b.lock("pictl apply", Duration.ZERO);
        System.out.println("LOCKED " + w.holder().pid());
        System.out.flush();
        if (args[0].equals("writes")) {
            State s = w.read();
            for (int i = 0; i < 100_000; i++) {
                // A large state, so that a kill lands inside a write more often than between two.
                State next = s;
                for (int n = 0; n < 40; n++) {
                    next = next.withResource(ResourceState.of(ResourceAddress.parse("node.pi-" + n).orElseThrow(),
                            "pi-" + n).withAttributes(Map.of("hostname", "pi-" + n, "round", i)));
                }
                s = w.write(next);
                System.out.println("WROTE " + s.serial());
                System.out.flush();
            }
        }
        Thread.sleep(120_000); // the test kills it long before; the cap only bounds an orphan
        w.close();
    }
}
