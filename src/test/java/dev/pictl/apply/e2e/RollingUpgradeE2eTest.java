package dev.pictl.apply.e2e;

import static dev.pictl.apply.e2e.E2e.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pictl.cli.CliRunner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A k3s version bump through the real CLI on a running seed cluster: the order is read from the simulator's own
 * event log (unit restarts as the boards' systemd saw them), the versions from the boards and the server's API.
 */
class RollingUpgradeE2eTest {
    static final int PORT = 24632;

    @TempDir
    Path tmp;

    @Test
    void versionBump_upgradesTheServerFirst_thenOneAgentAtATime() throws Exception {
        String old = E2e.edit(E2e.seed(), "version = \"" + E2e.VERSION + "\"", "version = \"" + E2e.OLD + "\"");
        try (E2e f = E2e.start(tmp, old, E2e.provisionedSeedBoards("127.0.74.", PORT, E2e.OLD))) {
            f.withToken(E2e.TOKEN);
            CliRunner.Result first = f.apply();
            assertEquals(0, first.exitCode(), first.all());
            f.assertSeedRunning(E2e.SEED_NODES);
            for (String n : E2e.SEED_NODES) {
                assertTrue(f.sudo(n, "k3s --version").startsWith("k3s version " + E2e.OLD + " "), n);
            }

            f.write(E2e.seed());
            int from = f.events().size();
            CliRunner.Result bump = f.apply();
            assertEquals(0, bump.exitCode(), bump.all());
            assertContains(bump.out(), "Apply complete! Resources: 0 added, 4 changed, 0 destroyed.");
            List<String> ev = f.eventsSince(from);

            // On the boards: every binary and every kubelet at the new version, all Ready.
            for (String n : E2e.SEED_NODES) {
                assertTrue(f.sudo(n, "k3s --version").startsWith("k3s version " + E2e.VERSION + " "), n);
            }
            for (JsonNode n : f.kubectlJson("get nodes").path("items")) {
                assertEquals(E2e.VERSION, n.path("status").path("nodeInfo").path("kubeletVersion").asText(),
                        n.path("metadata").path("name").asText());
            }
            assertEquals(E2e.SEED_NODES, f.readyNodes());

            // The order, from the simulator's log: the server went down and came back before any agent went down.
            int serverDown = indexOf(ev, "k3s restarted on pi-server-1");
            int serverUp = indexOf(ev, "k3s started on pi-server-1");
            assertTrue(serverDown < serverUp, ev.toString());
            record Window(String node, int down, int up) { }
            List<Window> agents = new ArrayList<>();
            for (String w : E2e.WORKERS) {
                int down = indexOf(ev, "k3s-agent restarted on " + w);
                int up = indexOf(ev, "k3s-agent started on " + w);
                assertTrue(down < up, w + ": " + ev);
                assertTrue(down > serverUp, w + " went down before the server was back: " + ev);
                agents.add(new Window(w, down, up));
            }
            // One agent at a time: each agent is back before the next one goes down.
            agents.sort(Comparator.comparingInt(Window::down));
            for (int i = 1; i < agents.size(); i++) {
                assertTrue(agents.get(i - 1).up() < agents.get(i).down(), "two agents down at once ("
                        + agents.get(i - 1).node() + ", " + agents.get(i).node() + "): " + ev);
            }
            // Each unit restarted exactly once; no reboot.
            assertEquals(1, ev.stream().filter(e -> e.endsWith(" restarted on pi-server-1")).count(), ev.toString());
            for (String w : E2e.WORKERS) {
                assertEquals(1, ev.stream().filter(e -> e.equals("k3s-agent restarted on " + w)).count(), ev.toString());
            }
            assertTrue(ev.stream().noneMatch(e -> e.startsWith("reboot ")), ev.toString());

            CliRunner.Result plan = f.plan("--detailed-exitcode");
            assertEquals(0, plan.exitCode(), plan.all());
        }
    }

    private static int indexOf(List<String> events, String event) {
        int i = events.indexOf(event);
        assertTrue(i >= 0, "no event \"" + event + "\" in " + events);
        return i;
    }
}
