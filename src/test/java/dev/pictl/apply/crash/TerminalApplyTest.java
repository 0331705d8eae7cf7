package dev.pictl.apply.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.pictl.sim.SimEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pictl apply} in a real terminal (tmux, 80 columns; issue 19 points 1 and 4): the live view ticks while
 * a board reboots, Ctrl-C's message stays on the screen, no further reboot starts (the simulator's event log), the
 * prompt comes back within 10 s, and the live block leaves no stale lines behind. One node at a time
 * ({@code --parallelism 1}), so the other boards' reboots are still to come when Ctrl-C arrives.
 */
class TerminalApplyTest {
    private final String session = "pictl-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();

    @TempDir
    Path tmp;

    @AfterEach
    void killSession() throws Exception {
        run("tmux", "kill-session", "-t", session);
    }

    @Test
    @Timeout(180)
    void liveViewTicks_ctrlCShowsItsMessage_startsNoFurtherReboot_andReturnsThePrompt() throws Exception {
        try (SeedFleet f = SeedFleet.start(tmp, RebootWindowTest.DESCRIPTION, 6000)) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String command = "cd '" + f.work + "' && '" + java + "' -XX:TieredStopAtLevel=1 -cp '"
                    + System.getProperty("java.class.path") + "' dev.pictl.cli.Main apply -c . --sim='" + f.simDir
                    + "' --auto-approve --parallelism 1 --reboot-timeout 60; echo \"EXIT=$?\"; sleep 600";
            Path script = tmp.resolve("run.sh");
            Files.writeString(script, command + "\n");
            assertEquals(0, run("tmux", "new-session", "-d", "-s", session, "-x", "80", "-y", "40",
                    "env -u NO_COLOR TERM=xterm-256color bash '" + script + "'"), "tmux new-session");

            // The live view ticks: the same step's elapsed time moves without a new step.
            Pattern waiting = Pattern.compile("wait for boot \\[(\\d+)s\\]");
            String first = awaitScreen(s -> waiting.matcher(s).find(), Duration.ofSeconds(60));
            int s0 = seconds(waiting, first);
            String later = awaitScreen(s -> seconds(waiting, s) >= s0 + 2, Duration.ofSeconds(10));
            assertTrue(later.contains("wait for boot ["), later);

            // The reboot pictl scheduled (a 2 s timer) has begun: Ctrl-C lands while pictl waits for the board, and
            // any reboot counted after it would be one started after Ctrl-C (under load the timer may fire late).
            dev.pictl.testing.Await.until("the scheduled reboot to begin", Duration.ofSeconds(30), () -> reboots(f) >= 1);
            int rebootsBefore = reboots(f);
            long t0 = System.nanoTime();
            assertEquals(0, run("tmux", "send-keys", "-t", session, "C-c"));
            String end = awaitScreen(s -> s.contains("EXIT="), Duration.ofSeconds(10));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 10_000, "prompt back after " + ms + " ms");
            assertTrue(end.contains("Interrupt received."), end);
            assertTrue(end.contains("EXIT=1"), end);
            assertTrue(end.contains("Apply interrupted."), end);
            // No stale live line: the block is gone, and nothing is wider than the terminal.
            for (String row : end.split("\n")) {
                assertFalse(row.matches(".*\\.\\.\\. .*\\[\\d+s\\]\\s*$"), "stale live line: " + row + "\n" + end);
                assertTrue(row.length() <= 80, row);
            }
            f.sim.node("pi-server-1"); // the fleet is still there for the event log
            assertEquals(rebootsBefore, reboots(f), "no reboot started after Ctrl-C: " + f.sim.events());
            assertTrue(rebootsBefore >= 1 && rebootsBefore < 4, "one board at a time: " + f.sim.events());
        }
    }

    private static int seconds(Pattern p, String screen) {
        Matcher m = p.matcher(screen);
        int last = -1;
        while (m.find()) {
            last = Integer.parseInt(m.group(1));
        }
        return last;
    }

    private static int reboots(SeedFleet f) {
        int n = 0;
        for (SimEvent e : f.sim.events()) {
            if (e.toString().matches(".*shutting down pi-\\S+ for reboot.*")) {
                n++;
            }
        }
        return n;
    }

    private String awaitScreen(Predicate<String> condition, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String screen = "";
        while (System.nanoTime() < deadline) {
            screen = capture();
            if (condition.test(screen)) {
                return screen;
            }
            Thread.sleep(100);
        }
        fail("the screen never showed what was awaited within " + timeout + ":\n" + screen);
        return screen;
    }

    private String capture() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("tmux", "capture-pane", "-p", "-t", session).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        return out;
    }

    private static int run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(new ArrayList<>(List.of(cmd))).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return p.exitValue();
    }
}
