package dev.pictl.bench;

import dev.pictl.config.Config;
import dev.pictl.config.VariableInputs;
import dev.pictl.engine.Pictl;
import dev.pictl.engine.ValidateRequest;
import dev.pictl.engine.ValidateResult;
import dev.pictl.nodetext.Shell;
import dev.pictl.probe.NodeObservation;
import dev.pictl.probe.Probe;
import dev.pictl.probe.ProbeParser;
import dev.pictl.probe.ProbeRequest;
import dev.pictl.sim.ExecResult;
import dev.pictl.sim.SimCluster;
import dev.pictl.sim.SimNode;
import dev.pictl.simbridge.SimulatorSpec;
import dev.pictl.types.ResourceTypes;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Benchmark (bench/probe-budget.sh; not a test, it only measures and prints): what ONE probe costs the node side
 * of a simulated board of the seed fleet ({@code examples/seed}, started provisioned as {@code pictl sim start
 * --provisioned} does it).
 *
 * <p>For each node it builds the probe pictl's plan sends it (the registry's fragments, the description's asks)
 * and runs the exact command line pictl's SSH transport sends ({@code sudo -n -- timeout --kill-after=5s 90s sh -c
 * '<script>'}) in the board's shell, the way the simulator runs an SSH exec, but without the SSH channel:
 *
 * <ul>
 *   <li><b>process starts</b>: once under {@code strace -f -e trace=process}: every process of the tree (forks:
 *       subshells, command substitutions, pipelines) and every successful {@code execve} (programs started; a
 *       shebang script counts once), with the programs by name. strace's own process is not counted; the
 *       outer {@code /bin/sh -c} (what sshd's login shell is on a real board) is. Split into <b>probe</b>: the
 *       processes the probe's own commands start (what a real board would start too: the tools, the script's
 *       subshells) and <b>stand-in</b>: what the simulator's stand-in scripts start in turn (base64, cat, cut
 *       ... inside the shims of systemctl, kubectl, vcgencmd, uname ...), which a real board does not pay.</li>
 *   <li><b>node CPU</b>: {@code bench.runs} times (default 15) without strace, the children's user+system time
 *       of the shell that ran it (bash's {@code times}, from {@code getrusage(RUSAGE_CHILDREN)}: every process of
 *       the tree, as each waits for its own); the median, with the wall time's median.</li>
 *   <li><b>simulator JVM CPU</b>: over the same runs, the simulator process's own CPU time (it serves the
 *       stand-ins of systemctl and kubectl over its control port; on a real Pi that work is systemd's and the
 *       API server's); the median per probe. The JVM is otherwise idle, so this is an upper bound of its share.</li>
 * </ul>
 *
 * Every run's output is parsed to make sure the probe still reads what it should.
 */
public final class ProbeBudget {
    private static final Pattern EXEC = Pattern.compile("^(\\d+)\\s+execve\\(\"([^\"]*)\"");
    private static final Pattern RESUMED = Pattern.compile("^(\\d+)\\s+<\\.\\.\\. execve resumed>");
    private static final Pattern OK = Pattern.compile("\\)\\s+= 0$");
    private static final Pattern PID = Pattern.compile("^(\\d+)\\s");
    private static final Pattern FORK = Pattern.compile("^(\\d+)\\s+(?:<\\.\\.\\. )?(?:clone3?|v?fork)\\b.*=\\s+(\\d+)$");
    private static final Pattern TIMES = Pattern.compile("(\\d+)m([0-9.]+)s\\s+(\\d+)m([0-9.]+)s");

    private ProbeBudget() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        Path seed = Path.of(args.length > 0 ? args[0] : "examples/seed");
        int runs = Integer.getInteger("bench.runs", 15);
        boolean programs = Boolean.getBoolean("bench.programs");
        ValidateResult v = new Pictl().validate(new ValidateRequest(seed, VariableInputs.none()));
        if (!v.ok()) {
            throw new IllegalStateException("description invalid: " + v.diagnostics().sorted());
        }
        Config config = v.config();
        SimulatorSpec spec = SimulatorSpec.of(config, true, "127.0.1.10", Integer.getInteger("bench.port", 22422));
        if (!spec.ok()) {
            throw new IllegalStateException("simulator spec: " + spec.diagnostics());
        }
        ResourceTypes types = ResourceTypes.standard();
        Probe probe = types.probe();
        List<String> names = spec.spec().nodes().stream().map(n -> n.name()).toList();
        Map<String, ProbeRequest> requests = types.probeRequests(config, dev.pictl.state.State.empty(), names);
        Path dir = Files.createTempDirectory("pictl-probe-budget-");
        try (SimCluster c = SimCluster.start(spec.spec(), dir.resolve("sim"))) {
            for (SimNode n : c.nodes()) {
                String unit = requests.get(n.name()).asked("kube") ? "k3s" : "k3s-agent";
                dev.pictl.testing.Await.until(n.name() + " " + unit + " active", Duration.ofSeconds(30),
                        () -> n.unitState(unit).startsWith("active"));
            }
            System.out.printf("%-12s %-7s %10s %6s %9s %6s %10s %12s %9s%n", "node", "role", "processes", "probe",
                    "stand-in", "execs", "node CPU", "sim JVM CPU", "wall");
            for (String name : names) {
                ProbeRequest request = requests.get(name);
                String command = "sudo -n -- timeout --kill-after=5s 90s sh -c " + Shell.quote(probe.script(request));
                SimNode node = c.node(name);
                Path trace = dir.resolve("trace-" + name);
                ExecResult traced = node.exec("strace -f -qq -s 4096 -o " + Shell.quote(trace.toString())
                        + " -e trace=process sh -c " + Shell.quote(command), Duration.ofMinutes(2));
                check(probe, request, traced);
                Path sim = dir.resolve("sim");
                List<Path> standIns = List.of(sim.resolve("shims"), sim.resolve("libexec"), sim.resolve("nodes"));
                Set<String> pids = new HashSet<>();
                Map<String, String> program = new java.util.HashMap<>(); // pid -> what it runs now
                Set<String> overhead = new HashSet<>(); // processes a stand-in started (not the probe's own)
                Map<String, Integer> byProgram = new TreeMap<>();
                int execs = 0;
                Map<String, String> pending = new java.util.HashMap<>(); // pid -> path of an unfinished execve
                for (String l : Files.readAllLines(trace)) {
                    Matcher p = PID.matcher(l);
                    if (!p.find()) {
                        continue;
                    }
                    String pid = p.group(1);
                    pids.add(pid);
                    Matcher fork = FORK.matcher(l);
                    if (fork.find()) {
                        String child = fork.group(2);
                        String parentProgram = program.getOrDefault(pid, "");
                        program.put(child, parentProgram);
                        if (overhead.contains(pid) || standIns.stream().anyMatch(d -> parentProgram.startsWith(d.toString()))) {
                            overhead.add(child);
                        }
                        continue;
                    }
                    String path = null;
                    Matcher e = EXEC.matcher(l);
                    Matcher r = RESUMED.matcher(l);
                    if (e.find()) {
                        path = e.group(2);
                        if (l.endsWith("<unfinished ...>")) {
                            pending.put(pid, path);
                            path = null;
                        }
                    } else if (r.find()) {
                        path = pending.remove(pid);
                    }
                    if (path != null && OK.matcher(l).find()) {
                        execs++;
                        program.put(pid, path);
                        byProgram.merge(path.substring(path.lastIndexOf('/') + 1), 1, Integer::sum);
                    }
                }
                // the first execve is strace starting the outer sh: that one stands for sshd's shell and stays
                double[] cpu = new double[runs];
                double[] jvm = new double[runs];
                double[] wall = new double[runs];
                for (int i = 0; i < runs; i++) {
                    long j0 = jvmCpuNanos();
                    long t0 = System.nanoTime();
                    ExecResult r = node.exec("exec bash -c " + Shell.quote("{ " + command
                            + "; } >\"$HOME/.probe-out\" 2>/dev/null; times >&2"), Duration.ofMinutes(2));
                    wall[i] = (System.nanoTime() - t0) / 1e6;
                    jvm[i] = (jvmCpuNanos() - j0) / 1e6;
                    Matcher m = TIMES.matcher(r.stderr().lines().skip(1).findFirst().orElse(""));
                    if (!m.find()) {
                        throw new IllegalStateException(name + ": no times output: " + r.stderr());
                    }
                    cpu[i] = (Long.parseLong(m.group(1)) * 60 + Double.parseDouble(m.group(2))
                            + Long.parseLong(m.group(3)) * 60 + Double.parseDouble(m.group(4))) * 1000;
                    check(probe, request, node.exec("cat \"$HOME/.probe-out\""));
                }
                String role = request.asked("kube") ? "server" : "agent";
                System.out.printf("%-12s %-7s %10d %6d %9d %6d %7.0f ms %9.0f ms %6.0f ms%n", name, role, pids.size(),
                        pids.size() - overhead.size(), overhead.size(), execs, median(cpu), median(jvm), median(wall));
                if (programs) {
                    System.out.println("    " + byProgram.entrySet().stream()
                            .sorted((a, b) -> b.getValue() - a.getValue())
                            .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")));
                }
            }
        } finally {
            if (!Boolean.getBoolean("bench.keep")) deleteTree(dir); else System.out.println("kept " + dir);
        }
        System.out.println("(one probe each; processes and execs counted under strace -f; CPU and wall: medians of "
                + runs + " runs without strace; " + Runtime.getRuntime().availableProcessors() + " cores, java "
                + System.getProperty("java.version") + "; node side and simulator share the machine)");
    }

    private static void check(Probe probe, ProbeRequest request, ExecResult r) {
        if (r.exitCode() != 0 || !ProbeParser.complete(r.stdout())) {
            throw new IllegalStateException(request.node() + ": probe failed: exit " + r.exitCode() + ": " + r.stderr());
        }
        NodeObservation o = probe.parse(request, r.stdout());
        if (o.facts().model() == null || o.services().isEmpty()) {
            throw new IllegalStateException(request.node() + ": probe output incomplete: " + o);
        }
        if (request.asked("kube") && (o.kube() == null || o.kube().error() != null || o.kube().nodes().isEmpty())) {
            throw new IllegalStateException(request.node() + ": kube snapshot missing: " + o.kube());
        }
    }

    private static long jvmCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static void deleteTree(Path d) throws IOException {
        try (Stream<Path> walk = Files.walk(d)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
