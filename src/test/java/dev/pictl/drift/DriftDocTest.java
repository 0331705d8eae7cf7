package dev.pictl.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs what {@code docs/drift.md} tells a user to run, as written, in a real shell against the simulator: the
 * "Try it" lines (each {@code # exit N} checked), the crontab line's command and the systemd service's
 * {@code ExecStart} in its {@code WorkingDirectory} (with {@code PICTL_SIM_DIR} pointing them at the simulated
 * boards, and {@code /home/pi/cluster} at a copy of the seed example). The example mail must be what pictl prints
 * for the scenario it describes.
 */
class DriftDocTest {
    private static final Path DOC = Path.of("docs/drift.md");
    /** The boards of this test: loopback and port no other test uses. */
    private static final String SIM_PLACE = " --first-address 127.0.120.10 --port 24644";

    @TempDir
    Path work;

    record Run(int exit, String out, String err) {
        String all() {
            return out + err;
        }
    }

    @Test
    void theDocumentedCommands_workAsDocumented() throws Exception {
        String doc = Files.readString(DOC);
        List<String> tryIt = block(doc, "sh", "./pictl sim start");
        String cronCommand = cronCommand(block(doc, "crontab", "MAILTO"));
        Map<String, String> service = unit(block(doc, "ini", "# /etc/systemd/system/pictl-drift.service"));
        Map<String, String> timer = unit(block(doc, "ini", "# /etc/systemd/system/pictl-drift.timer"));
        String mail = String.join("\n", block(doc, "text", null)) + "\n";

        Path seed = work.resolve("examples/seed");
        Files.createDirectories(seed);
        Files.copy(Path.of("examples/seed/cluster.hcl"), seed.resolve("cluster.hcl"));
        Path launcher = launcher();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", launcher.getParent() + ":" + System.getenv("PATH"));
        // where `pictl sim start -c examples/seed` puts it: beside the description
        env.put("PICTL_SIM_DIR", seed.resolve(".pictl-sim").toString());
        env.put("NO_COLOR", "1");
        try {
            // Start and apply: the first two lines.
            for (String line : tryIt.subList(0, 2)) {
                Run r = runTryIt(line);
                assertEquals(expectedExit(line, 0), r.exit(), line + "\n" + r.all());
            }

            // A clean cluster: the cron line is silent, the service succeeds.
            Run cronClean = sh(cronCommand.replace("/home/pi/cluster", seed.toString()), work, env);
            assertEquals(0, cronClean.exit(), cronClean.all());
            assertEquals("", cronClean.all(), "cron must mail nothing for a clean cluster");
            Run serviceClean = sh(execStart(service, launcher), Path.of(service.get("WorkingDirectory")
                    .replace("/home/pi/cluster", seed.toString())), env);
            assertEquals(0, serviceClean.exit(), serviceClean.all());

            // The rest, up to the mail's scenario (k3s stopped, a brown-out): each exit as documented.
            Run mailRun = null;
            for (String line : tryIt.subList(2, tryIt.size() - 1)) {
                Run r = runTryIt(line);
                assertEquals(expectedExit(line, 0), r.exit(), line + "\n" + r.all());
                if (expectedExit(line, 0) == 2) {
                    mailRun = r;
                }
                if (line.contains("--json")) {
                    JsonNode json = DriftCliTest.validJson(r.out());
                    assertEquals("unreachable", json.get("result").asText());
                }
            }
            assertTrue(mailRun != null, "the try-it block has an exit-2 drift run");
            if (Boolean.getBoolean("pictl.golden.update")) {
                Files.writeString(DOC, doc.replace("```text\n" + mail + "```", "```text\n" + mailRun.out() + "```"));
            } else {
                assertEquals(mail, mailRun.out(), "docs/drift.md's example mail is what pictl prints for its scenario "
                        + "(-Dpictl.golden.update=true rewrites it)");
            }

            // Now a board is off the network too: cron mails, the service fails.
            Run cronDrift = sh(cronCommand.replace("/home/pi/cluster", seed.toString()), work, env);
            assertEquals(3, cronDrift.exit(), cronDrift.all());
            assertTrue(cronDrift.out().startsWith("pictl drift: seed: UNREACHABLE: "), cronDrift.out());
            Run serviceDrift = sh(execStart(service, launcher), seed, env);
            assertEquals(3, serviceDrift.exit(), serviceDrift.all());
            assertFalse(serviceDrift.out().contains("\u001b["), "--no-color for the journal");
        } finally {
            Run stop = runTryIt(tryIt.get(tryIt.size() - 1));
            assertEquals(0, stop.exit(), stop.all());
        }

        // The units hold what systemd needs.
        assertEquals("oneshot", service.get("Type"));
        assertTrue(service.get("ExecStart").startsWith("/usr/local/bin/pictl drift"), service.toString());
        assertEquals("timers.target", timer.get("WantedBy"));
        assertTrue(timer.containsKey("OnCalendar"), timer.toString());
    }

    private Run runTryIt(String line) throws Exception {
        String command = line.replaceAll("\\s+#.*$", "");
        if (command.contains(" sim start")) {
            command += SIM_PLACE;
        }
        return sh(command, work, Map.of("NO_COLOR", "1"));
    }

    private static int expectedExit(String line, int otherwise) {
        Matcher m = Pattern.compile("# exit (\\d)").matcher(line);
        return m.find() ? Integer.parseInt(m.group(1)) : otherwise;
    }

    /** A {@code pictl} that runs this build's classes: as {@code ./pictl} in the work directory and on a PATH. */
    private Path launcher() throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // as ./pictl starts it: C1 only and SerialGC start faster
        String script = "#!/bin/sh\nexec '" + java + "' -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp '"
                + System.getProperty("java.class.path")
                + "' dev.pictl.cli.Main \"$@\"\n";
        Path bin = work.resolve("bin");
        Files.createDirectories(bin);
        Path launcher = bin.resolve("pictl");
        Files.writeString(launcher, script);
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.copy(launcher, work.resolve("pictl"));
        return launcher;
    }

    private static String execStart(Map<String, String> service, Path launcher) {
        return service.get("ExecStart").replace("/usr/local/bin/pictl", launcher.toString());
    }

    private static Run sh(String command, Path dir, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", command).directory(dir.toFile());
        pb.environment().putAll(env);
        Path out = Files.createTempFile("drift-doc", ".out");
        Path err = Files.createTempFile("drift-doc", ".err");
        try {
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            assertTrue(p.waitFor(180, TimeUnit.SECONDS), command + " did not finish");
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** The lines of the first fenced block with this info string whose first line starts so (null: any). */
    static List<String> block(String doc, String info, String firstLine) {
        List<String> lines = List.of(doc.split("\n", -1));
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).equals("```" + info) && i + 1 < lines.size()
                    && (firstLine == null || lines.get(i + 1).startsWith(firstLine))) {
                List<String> out = new ArrayList<>();
                for (int j = i + 1; j < lines.size() && !lines.get(j).equals("```"); j++) {
                    out.add(lines.get(j));
                }
                return out;
            }
        }
        throw new AssertionError("no ```" + info + " block starting with " + firstLine + " in " + DOC);
    }

    /** The command of the crontab's one job line: what follows its five schedule fields. */
    static String cronCommand(List<String> crontab) {
        for (String line : crontab) {
            if (!line.isBlank() && !line.startsWith("#") && !line.matches("^[A-Z_]+=.*")) {
                String[] f = line.trim().split("\\s+", 6);
                assertEquals(6, f.length, line);
                return f[5];
            }
        }
        throw new AssertionError("no job in the crontab block");
    }

    /** A unit file's keys (the last value of each), its sections checked for the usual names. */
    static Map<String, String> unit(List<String> lines) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : lines) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("[")) {
                assertTrue(List.of("[Unit]", "[Service]", "[Timer]", "[Install]").contains(line), line);
                continue;
            }
            int eq = line.indexOf('=');
            assertTrue(eq > 0, "not KEY=VALUE: " + line);
            out.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return out;
    }
}
