package dev.pictl.apply.e2e;

import static dev.pictl.apply.e2e.E2e.assertContains;
import static dev.pictl.apply.e2e.E2e.assertNotContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pictl.cli.CliRunner;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A k3s server that listens on another port than 6443 ({@code https-listen-port} in its config passthrough): its
 * agents join that port. The simulator's server listens on its configured port only, so an agent pointed at 6443
 * would stay "activating" with k3s's "connection refused" and the apply would fail.
 */
class ListenPortE2eTest {
    static final int PORT = 24651;

    @TempDir
    Path tmp;

    static String seedOn(String port) {
        return E2e.edit(E2e.seed(), "config  = { \"node-ip\" = node.pi-server-1.address }",
                "config  = { \"node-ip\" = node.pi-server-1.address, \"https-listen-port\" = " + port + " }");
    }

    @Test
    void agentsJoinAServerListeningOn6444() throws Exception {
        try (E2e f = E2e.start(tmp, seedOn("6444"), E2e.bareSeedBoards("127.0.91.", PORT))) {
            f.withToken(E2e.TOKEN);
            CliRunner.Result plan = f.plan();
            assertEquals(0, plan.exitCode(), plan.all());
            assertContains(plan.out(), "server_url = \"https://192.168.1.10:6444\"");
            assertNotContains(plan.out(), ":6443");

            CliRunner.Result first = f.apply();
            assertEquals(0, first.exitCode(), first.all());
            assertContains(first.out(), "Apply complete! Resources: 14 added, 4 changed, 0 destroyed.");
            f.assertSeedRunning(E2e.SEED_NODES);
            // The server listens where it was told, and every agent joined exactly there.
            assertContains(f.sudo("pi-server-1", "cat \"$PICTL_ROOT/etc/rancher/k3s/k3s.yaml\""),
                    "server: https://127.0.0.1:6444");
            for (String w : E2e.WORKERS) {
                String config = f.sudo(w, "cat \"$PICTL_ROOT/etc/rancher/k3s/config.yaml\"");
                assertTrue(config.contains("https://192.168.1.10:6444"), w + ": config.yaml\n" + config);
                assertTrue(f.sudo(w, "cat \"$PICTL_ROOT/etc/systemd/system/k3s-agent.service.env\"")
                        .contains("K3S_URL='https://192.168.1.10:6444'"), w + ": the install script's env file");
            }

            CliRunner.Result again = f.plan("--detailed-exitcode");
            assertEquals(0, again.exitCode(), again.all());
        }
    }

    @Test
    void movingTheServersPort_movesItsAgents() throws Exception {
        try (E2e f = E2e.start(tmp, seedOn("6444"), E2e.bareSeedBoards("127.0.92.", PORT))) {
            f.withToken(E2e.TOKEN);
            CliRunner.Result first = f.apply();
            assertEquals(0, first.exitCode(), first.all());

            f.write(seedOn("\"7443\""));
            CliRunner.Result moved = f.apply();
            assertEquals(0, moved.exitCode(), moved.all());
            assertContains(moved.out(), "\"https://192.168.1.10:6444\" -> \"https://192.168.1.10:7443\"");
            f.assertSeedRunning(E2e.SEED_NODES);
            for (String w : E2e.WORKERS) {
                assertTrue(f.sudo(w, "cat \"$PICTL_ROOT/etc/rancher/k3s/config.yaml\"")
                        .contains("https://192.168.1.10:7443"), w);
            }
            CliRunner.Result again = f.plan("--detailed-exitcode");
            assertEquals(0, again.exitCode(), again.all());
        }
    }
}
