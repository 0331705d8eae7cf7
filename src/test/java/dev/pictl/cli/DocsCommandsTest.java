package dev.pictl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Issue 19: every page of docs/ (and the README) is tested. The shell lines of each page's {@code ```sh} blocks are
 * extracted and classified: a {@code pictl} command runs, as written, through the real CLI against ONE simulated seed
 * fleet (started by the README's line; {@code -c cluster.hcl} and {@code -c cluster/}, the docs' stand-ins for the
 * reader's description, become the test's copy of {@code examples/seed}; a command that reaches nodes without
 * {@code --sim} gets it, so nothing here ever leaves loopback), and must exit as its {@code # exit N} comment says, or 0.
 * Everything else is listed below with the reason it does not run here (and the test that runs it, where one does);
 * a line nobody classified fails the test. Every {@code pictl COMMAND} a page names, in a code span or block, must be a
 * command of the CLI. docs/drift.md and docs/fmt.md are run by their own tests (DriftDocTest, FmtCommandTest).
 */
class DocsCommandsTest {
    @TempDir
    Path work;

    /** The pages, in the order their commands run on the one fleet (the simulator's faults and stop come last). */
    private static final List<String> ORDER = List.of("README.md", "docs/configuration.md", "docs/plan.md",
            "docs/apply.md", "docs/state.md", "docs/kubeconfig.md", "docs/diagnose.md", "docs/node-settings.md",
            "docs/transport.md", "docs/cluster-objects.md", "docs/boot-config.md", "docs/manifests.md", "docs/certificates.md", "docs/helm-charts.md", "docs/security.md", "docs/resources.md", "docs/architecture.md", "docs/benchmarks.md",
            "docs/security/input.md", "docs/security/node-files.md", "docs/security/saved-plans.md",
            "docs/security/secrets.md", "docs/simulator.md");

    /** Pages whose commands another test runs as written. */
    private static final Map<String, String> DELEGATED = Map.of(
            "docs/backup.md", "BackupRestoreE2eTest runs pictl backup and pictl restore on a simulated fleet, the wiped "
                    + "datastore and the refused foreign snapshot included",
            "docs/drift.md", "DriftDocTest runs its Try-it lines, crontab line and systemd unit in a real shell",
            "docs/fmt.md", "FmtCommandTest runs its first example block on unformatted files",
            "docs/os-updates.md", "OsUpdatesE2eTest runs its flow (faults, plan, plan --upgrade-os --out, apply "
                    + "--upgrade-os, a saved plan) on a simulated seed fleet and checks the boards",
            "docs/ha.md", "HaE2eTest walks its sequence (build, refusal with a member down, rolling upgrade, a server "
                    + "added and removed) on the simulator");

    /** Lines (by their start) that do not run here, and why. */
    private static final Map<String, String> NOT_HERE = new LinkedHashMap<>();

    static {
        NOT_HERE.put("sudo ./install.sh", "installs on this machine: InstalledCommandIT runs install.sh under a temporary prefix");
        NOT_HERE.put("./install.sh --prefix", "installs on this machine: InstalledCommandIT runs install.sh under a temporary prefix");
        NOT_HERE.put("mvn ", "builds and tests pictl itself: this test runs inside that build");
        NOT_HERE.put("createuser ", "needs a PostgreSQL superuser: PgStateTest runs against a real server");
        NOT_HERE.put("echo 'db.home.lan", "writes the user's ~/.pgpass: PgPassTest reads such files");
        NOT_HERE.put("pictl state push", "needs a state in PostgreSQL: PgStateTest pushes and pulls against a real server");
        NOT_HERE.put("f=\"${PICTL_ROOT", "the node-side script pictl runs for kubeconfig, shown for reference: "
                + "KubeconfigCommandTest runs it on simulated boards");
        NOT_HERE.put("if [ -f \"$f\" ]", "the node-side kubeconfig script (as above)");
        NOT_HERE.put("if command -v k3s", "the node-side kubeconfig script (as above)");
        NOT_HERE.put("echo \"pictl: k3s is not installed\"", "the node-side kubeconfig script (as above)");
    }

    /**
     * What a page says a command prints, beyond its exit code (key: the page and the command as run, see the failure
     * message; value: text its output must contain), with the page's words in a comment.
     */
    private static final Map<String, List<String>> CLAIMS = Map.of(
            // README: "The closing `plan` then finds "No changes"."
            "README.md: plan -c examples/seed --sim", List.of("No changes."),
            // README: "applies the plan: hostnames, cgroup flags ..., Docker, the k3s server, three agents joined,
            // the StorageClass and the PersistentVolume"
            "README.md: apply -c examples/seed --sim --auto-approve", List.of("Apply complete!",
                    "k3s_agent.workers[\"pi-worker-3\"]", "pv.local-pv-1"),
            // simulator.md: "the boards: SSH endpoint, advertised address, power, k3s, ..."
            "docs/simulator.md: sim status -c examples/seed", List.of("pi-worker-3", "192.168.1.13"),
            // simulator.md: "a command on a board" (hostname -I: the board's advertised address)
            "docs/simulator.md: sim exec -c examples/seed pi-worker-1 -- hostname -I", List.of("192.168.1.11"),
            // simulator.md: "boots, reboots, k3s starts and failures, faults" (after the reboot fault above)
            "docs/simulator.md: sim events -c examples/seed", List.of("pi-worker-2"),
            // apply.md: "record changes made outside pictl; touch no node"
            "docs/apply.md: apply --sim --refresh-only", List.of("No changes."));

    /** Commands that reach nodes: never run here without --sim. */
    private static final List<String> REACH_NODES = List.of("plan", "apply", "drift", "diagnose", "kubeconfig", "import");

    private static final Pattern FENCE = Pattern.compile("```(\\w*)\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern EXIT = Pattern.compile("#[^#]*\\bexit (\\d)\\s*$");

    private static final Map<String, String> ENV = Map.of("NO_COLOR", "1");

    record Line(String page, String text) {
    }

    @Test
    void everyPagesCommands_runOnTheSimulator_andExitAsDocumented() throws Exception {
        List<String> pages = pages();
        for (String page : pages) {
            assertTrue(ORDER.contains(page) || DELEGATED.containsKey(page), page + " is a new page: add it to ORDER "
                    + "(its commands run here) or DELEGATED");
        }
        Path seed = work.resolve("examples/seed");
        Files.createDirectories(seed);
        Files.copy(Path.of("examples/seed/cluster.hcl"), seed.resolve("cluster.hcl"));

        ThreadLocalRandom random = ThreadLocalRandom.current();
        String simPlace = " --first-address 127." + random.nextInt(100, 250) + "." + random.nextInt(1, 250) + ".10";
        List<String> ran = new ArrayList<>();
        List<String> stops = new ArrayList<>();
        boolean started = false;
        try {
            for (String page : ORDER) {
                for (Line line : commands(page)) {
                    String text = line.text();
                    if (NOT_HERE.keySet().stream().anyMatch(text::startsWith)) {
                        continue;
                    }
                    if (!text.startsWith("pictl ") && !text.startsWith("./pictl ")) {
                        fail(page + ": a shell line this test does not know how to run: " + text
                                + "\nClassify it in DocsCommandsTest.NOT_HERE (with the reason) or make it a pictl command.");
                    }
                    int expected = expectedExit(text);
                    for (String part : text.replaceAll("\\s+#.*$", "").split("&&")) {
                        List<String> args = words(part.trim());
                        args.remove(0); // pictl
                        String command = args.isEmpty() ? "" : args.get(0);
                        if (command.equals("sim") && args.size() > 1 && args.get(1).equals("start")) {
                            if (started) {
                                continue; // one fleet: the first start line starts it
                            }
                            args.addAll(words(simPlace.trim()));
                            started = true;
                        }
                        if (command.equals("sim") && args.size() > 1 && args.get(1).equals("stop")) {
                            stops.add(page + ": " + String.join(" ", args));
                            continue; // at the end, once
                        }
                        rewrite(args);
                        Path cwd = args.contains("-c") || !needsDescription(command) ? work : seed;
                        CliRunner.Result r = CliRunner.run(cwd, ENV, args.toArray(String[]::new));
                        String key = page + ": " + String.join(" ", args);
                        ran.add(key);
                        for (String claim : CLAIMS.getOrDefault(key, List.of())) {
                            assertTrue(r.out().contains(claim), key + ": the page says its output has " + claim
                                    + "\n" + r.all());
                        }
                        assertEquals(expected, r.exitCode(), page + ": " + text + "\n(ran: pictl " + String.join(" ",
                                args) + " in " + work.relativize(cwd) + ")\n" + r.all());
                    }
                }
            }
        } finally {
            if (started) {
                CliRunner.Result stop = CliRunner.run(work, ENV, "sim", "stop", "-c", "examples/seed");
                assertEquals(0, stop.exitCode(), stop.all());
            }
        }
        assertTrue(ran.containsAll(CLAIMS.keySet()), "every claim's command ran: " + ran);
        // README: "saving examples/seed/pictl.state.json"; simulator.md: "The simulator's state lives in
        // examples/seed/.pictl-sim" and "the state stays" when it stops; kubeconfig.md: writes ./kubeconfig.
        assertTrue(Files.isRegularFile(seed.resolve("pictl.state.json")));
        assertTrue(Files.isRegularFile(seed.resolve(".pictl-sim/cluster.json")));
        assertTrue(Files.isRegularFile(work.resolve("kubeconfig")));
        assertTrue(started, "the README starts the simulator");
        assertTrue(stops.size() >= 1, "the docs stop the simulator they start: " + stops);
        assertTrue(ran.size() >= 15, "the docs' commands ran: " + ran);
    }

    @Test
    void everyPictlCommandTheDocsName_isACommand() throws Exception {
        CommandLine cli = Cli.commandLine(new CliContext(new java.io.PrintWriter(java.io.Writer.nullWriter()),
                new java.io.PrintWriter(java.io.Writer.nullWriter()), Map.of(), work));
        Pattern named = Pattern.compile("^(?:\\./)?pictl ([a-z][a-z-]*)(?: ([a-z][a-z-]*))?");
        TreeSet<String> wrong = new TreeSet<>();
        for (String page : pages()) {
            String doc = Files.readString(Path.of(page));
            // What reads as a command: a line of a sh block, a transcript's "$ " line, a whole code span. (Other
            // blocks' lines are often pictl's output, "pictl found nothing to change ...": there only a subcommand of a
            // real command is checked.)
            List<String> code = new ArrayList<>();
            List<String> output = new ArrayList<>();
            Matcher fences = FENCE.matcher(doc);
            while (fences.find()) {
                boolean sh = fences.group(1).equals("sh");
                fences.group(2).lines().map(String::strip).forEach(l -> (sh || l.startsWith("$ ") ? code : output)
                        .add(l.replaceFirst("^\\$ ", "")));
            }
            for (String o : output) {
                Matcher m = named.matcher(o);
                CommandLine sub = m.find() ? cli.getSubcommands().get(m.group(1)) : null;
                if (sub != null && !sub.getSubcommands().isEmpty() && m.group(2) != null
                        && !sub.getSubcommands().containsKey(m.group(2))) {
                    wrong.add(page + ": pictl " + m.group(1) + " " + m.group(2));
                }
            }
            Matcher spans = Pattern.compile("`([^`\\n]+)`").matcher(FENCE.matcher(doc).replaceAll(""));
            while (spans.find()) {
                code.add(spans.group(1));
            }
            for (String c : code) {
                Matcher m = named.matcher(c);
                while (m.find()) {
                    String command = m.group(1);
                    CommandLine sub = cli.getSubcommands().get(command);
                    if (sub == null) {
                        if (List.of("destroy", "refresh", "init")
                                .contains(command)) {
                            continue; // Terraform's spellings, named to say what pictl does instead
                        }
                        wrong.add(page + ": pictl " + command);
                    } else if (!sub.getSubcommands().isEmpty() && m.group(2) != null
                            && !sub.getSubcommands().containsKey(m.group(2))) {
                        wrong.add(page + ": pictl " + command + " " + m.group(2));
                    }
                }
            }
        }
        assertEquals(new TreeSet<>(), wrong, "commands the docs name that pictl does not have");
    }

    private static List<String> pages() throws IOException {
        List<String> out = new ArrayList<>(List.of("README.md"));
        try (Stream<Path> s = Files.walk(Path.of("docs"))) {
            s.filter(p -> p.toString().endsWith(".md")).map(Path::toString).sorted().forEach(out::add);
        }
        return out;
    }

    /**
     * The command lines of a page's {@code ```sh} blocks: every line but comments and blank ones; in a transcript
     * (lines that start with {@code $ }) only those lines, without the prompt, the rest being output.
     */
    static List<Line> commands(String page) throws IOException {
        List<Line> out = new ArrayList<>();
        Matcher m = FENCE.matcher(Files.readString(Path.of(page)));
        while (m.find()) {
            if (!m.group(1).equals("sh")) {
                continue;
            }
            List<String> lines = m.group(2).lines().toList();
            boolean transcript = lines.stream().anyMatch(l -> l.startsWith("$ "));
            for (String l : lines) {
                String t = l.strip();
                if (t.isEmpty() || t.startsWith("#") || transcript && !t.startsWith("$ ")) {
                    continue;
                }
                out.add(new Line(page, transcript ? t.substring(2).strip() : t));
            }
        }
        return out;
    }

    static int expectedExit(String line) {
        Matcher m = EXIT.matcher(line);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    /**
     * The reader's description is the test's copy of the seed; a command that reaches nodes runs on the simulator.
     */
    private static void rewrite(List<String> args) {
        for (int i = 0; i + 1 < args.size(); i++) {
            if (args.get(i).equals("-c") && List.of("cluster.hcl", "cluster/", "cluster").contains(args.get(i + 1))) {
                args.set(i + 1, "examples/seed");
            }
        }
        if (!args.isEmpty() && REACH_NODES.contains(args.get(0))
                && args.stream().noneMatch(a -> a.equals("--sim") || a.startsWith("--sim="))) {
            args.add(1, "--sim");
        }
    }

    private static boolean needsDescription(String command) {
        return REACH_NODES.contains(command) || List.of("validate", "graph", "show", "state").contains(command);
    }

    /** Shell words: single and double quotes, backslash escapes; nothing else of the shell. */
    static List<String> words(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean in = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else if (c == '\\' && quote == '"' && i + 1 < line.length()) {
                    w.append(line.charAt(++i));
                } else {
                    w.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                in = true;
            } else if (c == '\\' && i + 1 < line.length()) {
                w.append(line.charAt(++i));
                in = true;
            } else if (Character.isWhitespace(c)) {
                if (in) {
                    out.add(w.toString());
                    w.setLength(0);
                    in = false;
                }
            } else if ("<>|;$`".indexOf(c) >= 0) {
                throw new IllegalArgumentException("shell syntax this test does not run in-process: " + line);
            } else {
                w.append(c);
                in = true;
            }
        }
        if (in) {
            out.add(w.toString());
        }
        return out;
    }
}
