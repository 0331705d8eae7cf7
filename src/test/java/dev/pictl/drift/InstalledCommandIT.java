package dev.pictl.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.List;

import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The install path (issue 19): {@code install.sh --prefix} under a fresh temporary prefix puts a {@code pictl} that
 * runs from anywhere, a symlink to the checkout's {@code ./pictl} runs from anywhere too, and docs/drift.md's
 * crontab line and systemd service run as written with the installed command (only the example's directory
 * and {@code /usr/local} replaced by the test's), against a simulated fleet on a loopback address of its own.
 * An integration test: it runs after {@code package}, on the jar a user gets.
 */
class InstalledCommandIT {
    private static final Path DOC = Path.of("docs/drift.md");

    record Run(int exit, String out, String err) {
        String all() {
            return out + err;
        }
    }

    @TempDir
    Path tmp;

    @Test
    void installedUnderAPrefix_runsFromAnywhere_andTheCronAndSystemdExamplesRunAsWritten() throws Exception {
        Path repo = Path.of("").toAbsolutePath();
        Path prefix = tmp.resolve("prefix with space");
        Map<String, String> env = new LinkedHashMap<>();
        env.put("NO_COLOR", "1");
        env.put("HOME", tmp.toString());

        Run install = sh("'" + repo.resolve("install.sh") + "' --prefix '" + prefix + "'", tmp, env);
        assertEquals(0, install.exit(), install.all());
        Path bin = prefix.resolve("bin");
        assertTrue(Files.isExecutable(bin.resolve("pictl")), install.all());
        assertTrue(Files.isRegularFile(prefix.resolve("lib/pictl/pictl.jar")));
        // Man pages (made by mvn package) and the completion scripts, written by the installed command.
        assertTrue(Files.readString(prefix.resolve("share/man/man1/pictl-fmt.1")).contains(".SH EXAMPLES"), install.all());
        assertTrue(Files.isRegularFile(prefix.resolve("share/man/man1/pictl.1")));
        assertTrue(Files.readString(prefix.resolve("share/bash-completion/completions/pictl"))
                .contains("complete -F _complete_pictl"), install.all());
        assertTrue(Files.readString(prefix.resolve("share/pictl/completion.zsh")).contains("bashcompinit"));

        Run version = sh("pictl version", Path.of("/"), with(env, "PATH", bin + ":" + System.getenv("PATH")));
        assertEquals(0, version.exit(), version.all());
        assertTrue(version.out().startsWith("pictl "), version.all());

        // The start-up archive (issue 17): made for the installed jar. One the JVM refuses whole (made by another
        // JDK, as after a JDK upgrade; here: not an archive at all) is deleted by the run that was given it,
        // silently, and the next run makes it anew.
        Path jsa = prefix.resolve("lib/pictl/pictl.jsa");
        assertTrue(Files.isRegularFile(jsa), install.all());
        Files.delete(jsa);
        Files.writeString(jsa, "not a class-data archive\n");
        Files.setLastModifiedTime(jsa, FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        Run refused = sh("pictl version", Path.of("/"), with(env, "PATH", bin + ":" + System.getenv("PATH")));
        assertEquals(0, refused.exit(), refused.all());
        assertTrue(refused.out().startsWith("pictl ") && refused.err().isEmpty(), refused.all());
        assertFalse(Files.exists(jsa), "the refused archive is deleted");
        Run remade = sh("pictl version", Path.of("/"), with(env, "PATH", bin + ":" + System.getenv("PATH")));
        assertTrue(remade.exit() == 0 && remade.err().isEmpty() && Files.isRegularFile(jsa), remade.all());

        // A symlink to the checkout's launcher, called from elsewhere, finds its checkout.
        Path links = Files.createDirectories(tmp.resolve("links"));
        Files.createSymbolicLink(links.resolve("pictl"), repo.resolve("pictl"));
        Run linked = sh("'" + links.resolve("pictl") + "' version", Path.of("/"), env);
        assertEquals(0, linked.exit(), linked.all());
        assertTrue(linked.out().startsWith("pictl "), linked.all());

        // docs/drift.md's cron line and systemd service, with the installed command.
        String doc = Files.readString(DOC);
        List<String> crontab = DriftDocTest.block(doc, "crontab", "MAILTO");
        String cron = DriftDocTest.cronCommand(crontab);
        String cronPath = crontab.stream().filter(l -> l.startsWith("PATH=")).findFirst()
                .orElseThrow(() -> new AssertionError("cron's PATH is /usr/bin:/bin: the crontab must set PATH"))
                .substring("PATH=".length());
        assertTrue(cronPath.startsWith("/usr/local/bin:"), cronPath);
        Map<String, String> service = DriftDocTest.unit(DriftDocTest.block(doc, "ini",
                "# /etc/systemd/system/pictl-drift.service"));
        Path cluster = Files.createDirectories(tmp.resolve("cluster"));
        Files.copy(repo.resolve("examples/seed/cluster.hcl"), cluster.resolve("cluster.hcl"));
        Path sim = cluster.resolve(".pictl-sim");
        Map<String, String> onPath = with(env, "PATH", bin + ":" + System.getenv("PATH"));
        onPath.put("PICTL_SIM_DIR", sim.toString());
        String first = "127.0." + ThreadLocalRandom.current().nextInt(100, 240) + ".10";
        int port = 30000 + ThreadLocalRandom.current().nextInt(0, 5000);
        Run start = sh("pictl sim start -c . --dir '" + sim + "' --first-address " + first + " --port " + port,
                cluster, onPath);
        assertEquals(0, start.exit(), start.all());
        try {
            Run apply = sh("pictl apply -c . --sim='" + sim + "' --auto-approve --reboot-timeout 60", cluster, onPath);
            assertEquals(0, apply.exit(), apply.all());

            // As cron runs it: its PATH line (with this prefix for /usr/local), nothing else of ours on it.
            Map<String, String> cronEnv = with(onPath, "PATH", cronPath.replace("/usr/local/bin", bin.toString())
                    + ":" + Path.of(System.getProperty("java.home"), "bin"));
            Run cronRun = sh(cron.replace("/home/pi/cluster", cluster.toString()), tmp, cronEnv);
            assertEquals(0, cronRun.exit(), cronRun.all());
            assertEquals("", cronRun.all(), "cron mails nothing for a clean cluster");

            String execStart = service.get("ExecStart");
            assertTrue(execStart.startsWith("/usr/local/bin/pictl "), execStart);
            Run serviceRun = sh(execStart.replace("/usr/local/bin/pictl", "'" + bin.resolve("pictl") + "'"),
                    Path.of(service.get("WorkingDirectory").replace("/home/pi/cluster", cluster.toString())), onPath);
            assertEquals(0, serviceRun.exit(), serviceRun.all());
        } finally {
            sh("pictl sim stop --dir '" + sim + "'", cluster, onPath);
        }
    }

    private static Map<String, String> with(Map<String, String> env, String k, String v) {
        Map<String, String> out = new LinkedHashMap<>(env);
        out.put(k, v);
        return out;
    }

    private static Run sh(String command, Path dir, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", command).directory(dir.toFile());
        pb.environment().putAll(env);
        Path out = Files.createTempFile("installed", ".out");
        Path err = Files.createTempFile("installed", ".err");
        try {
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            assertTrue(p.waitFor(300, TimeUnit.SECONDS), command + " did not finish");
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
