package dev.pictl.apply.crash;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * {@code pictl} in a JVM of its own ({@code java -cp <this test's class path> dev.pictl.cli.Main ...}), so that it
 * can be killed with SIGKILL like a real run: no shutdown hook, no finally block, no flush. Its stdout and stderr
 * (merged) are read line by line as they come, so a test can act on a progress line the moment it is printed.
 */
final class ChildPictl implements AutoCloseable {
    /** SIGKILL's exit status as the JDK reports it (128 + 9). */
    static final int KILLED = 137;

    private static final String EOF = "\u0000EOF";

    private final Process process;
    private final BlockingQueue<String> queue = new LinkedBlockingQueue<>();
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final long startNanos = System.nanoTime();
    private volatile long lastLineNanos;

    private ChildPictl(Process process) {
        this.process = process;
        Thread reader = new Thread(this::pump, "pictl-child-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code pictl ARGS...} in {@code workDir}, with HOME there too (nothing of the user's ~/.ssh is read). */
    static ChildPictl start(Path workDir, String... args) throws IOException {
        return start(workDir, List.of(), args);
    }

    /**
     * As {@link #start(Path, String...)}, through {@code perl} setting SIGINT back to its default first: a process
     * started in the background by a shell without job control (CI) inherits SIGINT ignored, and the JVM leaves an
     * ignored SIGINT alone, so Ctrl-C could not be tested. Debian's perl-base is always there.
     */
    static ChildPictl startInterruptible(Path workDir, String... args) throws IOException {
        return start(workDir, List.of("perl", "-e", "$SIG{INT} = 'DEFAULT'; $SIG{TERM} = 'DEFAULT'; exec @ARGV or die"),
                args);
    }

    private static ChildPictl start(Path workDir, List<String> prefix, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // as the ./pictl launcher starts it: C1 only and SerialGC start faster
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
                "-cp", System.getProperty("java.class.path"), "dev.pictl.cli.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true);
        pb.environment().remove("PICTL_DEBUG");
        pb.environment().put("NO_COLOR", "1");
        pb.environment().put("HOME", workDir.toString());
        pb.environment().put("USER", System.getProperty("user.name", "pi"));
        return new ChildPictl(pb.start());
    }

    private void pump() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                lastLineNanos = System.nanoTime();
                lines.add(line);
                queue.add(line);
            }
        } catch (IOException e) {
            // the process was killed: its pipe closes
        } finally {
            queue.add(EOF);
        }
    }

    long pid() {
        return process.pid();
    }

    /**
     * Waits for the {@code occurrence}-th line matching {@code trigger} and returns it, or null when the process
     * ended (or {@code timeout} passed) first.
     */
    String awaitLine(Predicate<String> trigger, int occurrence, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            String line = queue.poll(left, TimeUnit.NANOSECONDS);
            if (line == null || line.equals(EOF)) {
                return null;
            }
            if (trigger.test(line) && ++seen == occurrence) {
                return line;
            }
        }
    }

    /** Sends a signal ({@code INT}, {@code TERM}) with kill(1). */
    void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new AssertionError("kill -" + name + " " + process.pid() + " failed");
        }
    }

    /** kill -9, then waits for the process to be gone; returns its exit status. */
    int kill9() throws InterruptedException {
        process.destroyForcibly(); // SIGKILL on Linux and macOS
        return process.waitFor();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Waits for the end; kills and fails after {@code timeout}. */
    int await(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("pictl did not finish within " + timeout + "; it printed:\n" + output());
        }
        // the reader thread may still be draining the pipe
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!queue.contains(EOF) && System.nanoTime() < until) {
            Thread.sleep(5);
        }
        return process.exitValue();
    }

    /** When the last line came, relative to the start. */
    Duration lastLineAt() {
        return Duration.ofNanos(lastLineNanos - startNanos);
    }

    String output() {
        return String.join("\n", lines);
    }

    List<String> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
