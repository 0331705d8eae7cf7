package dev.pictl.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pictl.sim.SimControl;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19: {@code --sim} is safe. A bare {@code --sim} never takes the next argument; the simulator is found
 * beside the configuration, like the state, by {@code --sim} and by {@code pictl sim ...}; a stopped or foreign
 * simulator is one clear error before any board is contacted; and nothing printed under {@code --sim} suggests a
 * {@code pictl apply|plan|drift|kubeconfig} without it, or kubectl on this machine. The real CLI in-process,
 * against simulator daemons on a random loopback subnet (the descriptions' 192.168.77.x are never contacted).
 */
class SimSafetyTest {
    @TempDir
    Path work;

    private static final Map<String, String> ENV = Map.of("NO_COLOR", "1");

    private static final String THREE = """
            node "pi-1" { address = "192.168.77.10" }
            node "pi-2" { address = "192.168.77.11" }
            node "pi-3" { address = "192.168.77.12" }
            """;

    private static CliRunner.Result pictl(Path cwd, String... args) {
        return CliRunner.run(cwd, ENV, args);
    }

    /** A random 127.x.y.10 so that parallel runs (other worktrees) do not collide. */
    private static String firstAddress() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "127." + r.nextInt(100, 250) + "." + r.nextInt(1, 250) + ".10";
    }

    private Path description(String dir, String hcl) throws Exception {
        Path d = Files.createDirectories(work.resolve(dir));
        Files.writeString(d.resolve("cluster.hcl"), hcl);
        return d;
    }

    private static final Pattern SUGGESTED = Pattern.compile("\\bpictl (apply|plan|drift|kubeconfig)\\b");

    /**
     * Every {@code pictl apply|plan|drift|kubeconfig} in {@code text} is followed by {@code --sim} or
     * {@code --sim=DIR} (after an optional {@code -c PATH}), and no kubectl but the board's own is suggested.
     * Returns how many suggestions there were.
     */
    static int assertSuggestionsKeepTheSimulator(String text) {
        Matcher m = SUGGESTED.matcher(text);
        int n = 0;
        while (m.find()) {
            if (text.substring(0, m.start()).endsWith("since the last \"") || text.startsWith(":", m.end())
                    || text.startsWith(" reads", m.end())) {
                continue; // the plan's drift header, drift's verdict line, what kubeconfig does: no suggestion
            }
            String line = text.substring(m.start()).lines().findFirst().orElse("");
            assertTrue(line.matches("pictl \\w+( -c \\S+)? --sim(=\\S+)?([\\s`'\".].*)?"),
                    "a suggestion without --sim: " + line + "\nin:\n" + text);
            n++;
        }
        assertFalse(Pattern.compile("(?<!k3s )kubectl get").matcher(text).find(), "kubectl on this machine:\n" + text);
        return n;
    }

    // ---- parsing ----------------------------------------------------------------------------------------------

    @Test
    void theAttachedForm_isRewrittenBeforeParsing_onlyBeforeDoubleDash() {
        assertArrayEquals(new String[] {"plan", "--sim-dir=x", "--sim", "up.plan"},
                SimOptions.attached(new String[] {"plan", "--sim=x", "--sim", "up.plan"}));
        assertArrayEquals(new String[] {"apply", "--sim-dir="}, SimOptions.attached(new String[] {"apply", "--sim="}));
        String[] exec = {"sim", "exec", "pi-1", "--", "echo", "--sim=x"};
        assertArrayEquals(exec, SimOptions.attached(exec));
    }

    @Test
    void theDirectory_isBesideTheConfiguration_orGivenOnlyAsSimEqualsOrPictlSimDir() throws Exception {
        Path sub = description("sub", THREE);
        CliContext ctx = new CliContext(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()),
                Map.of(), work);
        SimOptions o = new SimOptions();
        assertNull(o.simDir(ctx, sub));
        assertEquals("", o.flag(ctx, sub));

        o.sim = true;
        assertEquals(sub.resolve(".pictl-sim"), o.simDir(ctx, sub));
        assertEquals(sub.resolve(".pictl-sim"), o.simDir(ctx, sub.resolve("cluster.hcl")), "a -c file: its directory");
        assertEquals(work.resolve(".pictl-sim"), o.simDir(ctx, work), "no -c: the working directory");
        assertEquals(" --sim", o.flag(ctx, sub));

        CliContext withEnv = new CliContext(ctx.out(), ctx.err(), Map.of("PICTL_SIM_DIR", "elsewhere"), work);
        assertEquals(work.resolve("elsewhere"), o.simDir(withEnv, sub));
        o.sim = false;
        assertEquals(work.resolve("elsewhere"), o.simDir(withEnv, sub), "PICTL_SIM_DIR alone");
        assertEquals(" --sim=elsewhere", o.flag(withEnv, sub));

        o.dir = Path.of("my sims/a");
        assertEquals(work.resolve("my sims/a"), o.simDir(withEnv, sub), "--sim=DIR wins over PICTL_SIM_DIR");
        assertEquals(" --sim='my sims/a'", o.flag(withEnv, sub));
        o.dir = Path.of("sub/.pictl-sim");
        assertEquals(" --sim", o.flag(ctx, sub), "the default directory, however it was named");
    }

    @Test
    void aBareSim_neverTakesTheNextArgument_andAnEmptyOneIsRefused() throws Exception {
        description("", THREE);
        // No simulator anywhere: each of these stops before a node could be contacted.
        CliRunner.Result apply = pictl(work, "apply", "--sim", "up.plan");
        assertEquals(1, apply.exitCode(), apply.all());
        // up.plan is the saved plan (read first, before any node is resolved), not a simulator directory.
        assertTrue(apply.err().startsWith("Error: cannot read the saved plan " + work.resolve("up.plan") + "\n"),
                apply.err());
        assertTrue(apply.err().contains("pictl plan --sim --out"), apply.err());

        CliRunner.Result plan = pictl(work, "plan", "--sim", "somedir");
        assertEquals(1, plan.exitCode(), plan.all());
        assertTrue(plan.err().startsWith("Error: unexpected argument \"somedir\" for pictl plan\n"), plan.err());

        for (String command : List.of("plan", "apply", "drift", "kubeconfig")) {
            CliRunner.Result empty = pictl(work, command, "--sim=");
            assertEquals(1, empty.exitCode(), empty.all());
            assertTrue(empty.err().startsWith("Error: Invalid value for option '--sim': expected --sim=DIR"),
                    empty.err());
        }
        CliRunner.Result validate = pictl(work, "validate", "--sim=x");
        assertEquals(1, validate.exitCode(), validate.all());
        assertTrue(validate.err().startsWith("Error: unknown option \"--sim=x\" for pictl validate\n"), "what the user wrote:\n"
                + validate.err());

        Files.createDirectories(work.resolve("empty"));
        CliRunner.Result notASim = pictl(work, "plan", "--sim=empty");
        assertEquals(1, notASim.exitCode(), notASim.all());
        assertTrue(notASim.err().startsWith("Error: " + work.resolve("empty") + " is not a simulator directory\n"),
                notASim.err());
    }

    // ---- a simulator from start to stop -------------------------------------------------------------------------

    @Test
    void theSimulatorBesideTheConfiguration_fromStartToStop_andEverySuggestionKeepsIt() throws Exception {
        Path sub = description("sub", THREE);
        Path dir = sub.resolve(".pictl-sim");
        Path other = description("other", THREE).resolve(".pictl-sim");
        String first = firstAddress();
        try {
            CliRunner.Result start = pictl(work, "sim", "start", "-c", "sub/cluster.hcl", "--first-address", first);
            assertEquals(0, start.exitCode(), start.all());
            assertTrue(Files.isRegularFile(dir.resolve("cluster.json")), "beside the description");
            assertFalse(Files.exists(work.resolve(".pictl-sim")), "not in the working directory");
            assertTrue(start.out().contains("  pictl sim stop -c sub/cluster.hcl\n"), start.out());
            assertEquals(0, pictl(work, "sim", "status", "-c", "sub").exitCode(), "found from the description's directory");

            // `pictl apply --sim up.plan` applies up.plan on the simulator.
            CliRunner.Result planned = pictl(sub, "plan", "--sim", "--out", "up.plan");
            assertEquals(0, planned.exitCode(), planned.all());
            assertTrue(planned.out().contains("To perform exactly these actions, run:\n    pictl apply --sim up.plan\n"),
                    planned.out());
            assertSuggestionsKeepTheSimulator(planned.all());
            CliRunner.Result applied = pictl(sub, "apply", "--sim", "up.plan");
            assertEquals(0, applied.exitCode(), applied.all());
            assertTrue(applied.out().contains("Apply complete! Resources: 0 added, 3 changed, 0 destroyed."),
                    applied.out());
            assertTrue(Files.isRegularFile(sub.resolve("pictl.state.json")));

            // Changes made by hand; every suggestion about them keeps the simulator.
            CliRunner.Result edit = pictl(work, "sim", "exec", "-c", "sub", "pi-1", "--",
                    "sudo hostname changed; echo changed | sudo tee \"$PICTL_ROOT/etc/hostname\" >/dev/null");
            assertEquals(0, edit.exitCode(), edit.all());
            List<String> seen = new ArrayList<>();
            CliRunner.Result refresh = pictl(work, "plan", "-c", "sub", "--sim", "--refresh-only");
            assertEquals(0, refresh.exitCode(), refresh.all());
            assertTrue(refresh.out().contains("run `pictl apply -c sub --sim --refresh-only`"), refresh.out());
            seen.add(refresh.all());
            CliRunner.Result note = pictl(work, "plan", "-c", "sub", "--sim=sub/.pictl-sim", "--out", "stale.plan");
            assertEquals(0, note.exitCode(), note.all());
            assertTrue(note.out().contains("    pictl apply -c sub --sim stale.plan\n"), note.out());
            seen.add(note.all());
            CliRunner.Result noNote = pictl(work, "plan", "-c", "sub", "--sim");
            assertTrue(noNote.out().contains("if you run \"pictl apply -c sub --sim\" now."), noNote.out());
            seen.add(noNote.all());
            description("fresh", THREE);
            CliRunner.Result unapplied = pictl(work, "drift", "-c", "fresh", "--sim=sub/.pictl-sim");
            assertTrue(unapplied.out().contains(": run pictl plan -c fresh --sim=sub/.pictl-sim to see them."),
                    unapplied.out());
            seen.add(unapplied.all());

            CliRunner.Result fault = pictl(work, "sim", "fault", "-c", "sub", "pi-1", "fail", "oldh=");
            assertEquals(0, fault.exitCode(), fault.all());
            CliRunner.Result failed = pictl(work, "apply", "-c", "sub", "--sim", "--auto-approve");
            assertEquals(1, failed.exitCode(), failed.all());
            assertTrue(failed.err().contains("; run pictl apply -c sub --sim again to finish."), failed.err());
            seen.add(failed.all());
            CliRunner.Result stale = pictl(work, "apply", "-c", "sub", "--sim", "stale.plan");
            assertEquals(1, stale.exitCode(), stale.all());
            assertTrue(stale.err().contains("Run pictl plan --sim --out " + work.resolve("stale.plan") + " again"),
                    stale.err());
            seen.add(stale.all());
            CliRunner.Result kubeconfig = pictl(work, "kubeconfig", "-c", "sub", "--sim");
            assertEquals(1, kubeconfig.exitCode(), kubeconfig.all());
            assertTrue(kubeconfig.err().contains("run pictl apply --sim first"), kubeconfig.err());
            seen.add(kubeconfig.all());
            int suggestions = 0;
            for (String output : seen) {
                suggestions += assertSuggestionsKeepTheSimulator(output);
            }
            assertTrue(suggestions >= seen.size(), "each output above suggests a command: " + suggestions);
            assertEquals(0, pictl(work, "sim", "fault", "-c", "sub", "pi-1", "clear").exitCode());

            // Stopped: one message, before any board is contacted, with the command that starts it again.
            CliRunner.Result stop = pictl(work, "sim", "stop", "-c", "sub/cluster.hcl");
            assertEquals(0, stop.exitCode(), stop.all());
            assertTrue(stop.out().startsWith("Stopped the simulator for " + dir + " (its state stays; 'pictl sim start "
                    + "-c sub/cluster.hcl --first-address " + first + "' brings the same boards back)"), stop.out());
            for (String command : List.of("plan", "drift", "apply")) {
                CliRunner.Result stopped = pictl(work, command, "-c", "sub", "--sim");
                assertEquals(1, stopped.exitCode(), stopped.all());
                assertTrue(stopped.err().startsWith("Error: the simulator in " + dir + " is not running\n"),
                        command + ":\n" + stopped.err());
                assertEquals(1, count(stopped.all(), "Error:"), stopped.all());
                assertFalse(stopped.all().contains("connect"), "no board was contacted:\n" + stopped.all());
            }
            CliRunner.Result stopped = pictl(work, "plan", "-c", "sub", "--sim");
            Matcher suggested = Pattern.compile("Start it with 'pictl (sim start [^']*)'").matcher(stopped.err());
            assertTrue(suggested.find(), stopped.err());
            assertEquals("sim start -c " + sub + " --first-address " + first, suggested.group(1));
            CliRunner.Result restart = pictl(work, suggested.group(1).split(" "));
            assertEquals(0, restart.exitCode(), "the suggested command starts it again:\n" + restart.all());
            assertEquals(0, pictl(work, "plan", "-c", "sub", "--sim").exitCode());
            assertEquals(0, pictl(work, "sim", "stop", "-c", "sub").exitCode());

            // Another fleet on the same addresses: one message saying so, not a host-key error per board.
            CliRunner.Result foreign = pictl(work, "sim", "start", "-c", "other", "--first-address", first);
            assertEquals(0, foreign.exitCode(), foreign.all());
            for (String command : List.of("plan", "drift", "apply")) {
                CliRunner.Result r = pictl(work, command, "-c", "sub", "--sim");
                assertEquals(1, r.exitCode(), r.all());
                assertTrue(r.err().startsWith("Error: the simulator in " + dir + " is not running, and something else "
                        + "answers on its addresses\n"), command + ":\n" + r.err());
                assertTrue(r.err().contains("pi-1's address " + first + ":2222 is taken"), r.err());
                assertEquals(1, count(r.all(), "Error:"), r.all());
                assertFalse(r.all().toLowerCase().contains("host key has changed"), r.all());
            }
            assertEquals(0, pictl(work, "plan", "-c", "other", "--sim").exitCode(), "the other fleet's own description");
        } finally {
            SimControl.stop(dir, Duration.ofSeconds(30));
            SimControl.stop(other, Duration.ofSeconds(30));
        }
    }

    @Test
    void kubeconfigUnderTheSimulator_pointsAtLoopback_andSuggestsKubectlOnlyOnTheBoard() throws Exception {
        Path k = description("k", """
                node "pi-server-1" { address = "192.168.77.20" }

                kernel_params "cgroups" {
                  nodes = [node.pi-server-1]
                  add   = ["cgroup_enable=cpuset", "cgroup_enable=memory", "cgroup_memory=1"]
                }

                k3s_server "control" {
                  node    = node.pi-server-1
                  version = "v1.31.4+k3s1"
                }
                """);
        String first = firstAddress();
        try {
            CliRunner.Result start = pictl(work, "sim", "start", "-c", "k", "--provisioned", "--first-address", first);
            assertEquals(0, start.exitCode(), start.all());
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (pictl(work, "sim", "exec", "-c", "k", "pi-server-1", "--",
                    "test -f \"$PICTL_ROOT/etc/rancher/k3s/k3s.yaml\"").exitCode() != 0) {
                assertTrue(System.nanoTime() < deadline, "the provisioned k3s server never wrote its kubeconfig");
                Thread.sleep(100);
            }
            CliRunner.Result r = pictl(work, "kubeconfig", "-c", "k", "--sim");
            assertEquals(0, r.exitCode(), r.all());
            assertTrue(r.out().startsWith("Wrote context \"k\" (server https://" + first + ":6443) to kubeconfig.\n"),
                    r.out());
            assertFalse(Files.readString(work.resolve("kubeconfig")).contains("192.168.77.20"));
            assertSuggestionsKeepTheSimulator(r.all());
            Matcher onBoard = Pattern.compile("\n  pictl (sim exec -c k pi-server-1 -- sudo k3s kubectl get nodes)\n")
                    .matcher(r.out());
            assertTrue(onBoard.find(), r.out());
            CliRunner.Result nodes = pictl(work, onBoard.group(1).split(" "));
            assertEquals(0, nodes.exitCode(), nodes.all());
            assertTrue(nodes.out().contains("pi-server-1"), "the suggested kubectl answers:\n" + nodes.out());
        } finally {
            SimControl.stop(k.resolve(".pictl-sim"), Duration.ofSeconds(30));
        }
    }

    private static int count(String text, String word) {
        return text.split(Pattern.quote(word), -1).length - 1;
    }
}
