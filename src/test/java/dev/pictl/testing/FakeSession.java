package dev.pictl.testing;

import static org.junit.jupiter.api.Assertions.fail;

import dev.pictl.transport.ExecResult;
import dev.pictl.transport.RemoteCommand;
import dev.pictl.transport.Session;
import dev.pictl.transport.TransportException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A scripted {@link Session} for the fast tier: no SSH, no simulator, no shell. It answers each command by pattern
 * and records every command that ran, so that a test can say "for this change the executor runs these commands,
 * as root, under these step names, and a non-zero exit reads like that".
 *
 * <h2>Answers</h2>
 * {@link #when(String)} (a regular expression searched for in the script, {@link Pattern#find()} semantics) or
 * {@link #whenStep(String)} (the step name, exactly) start a rule; {@link Rule#answer}, {@link Rule#exit},
 * {@link Rule#fail} or {@link Rule#thenThrow} finish it. The <b>last</b> rule added that matches answers, so a
 * table row can override a base set of answers. A rule given several answers ({@code .answer("a").then(...)})
 * gives them in turn and then repeats the last one. A command no rule matches fails the test (an
 * {@link AssertionError} naming the step and the script) unless {@link #otherwise} set a default: a table test
 * never passes because the fake quietly said "exit 0" to a command nobody expected.
 *
 * <h2>Records</h2>
 * {@link #ran()} lists every command in the order it ran ({@link Ran}: node, step, script, as root or not,
 * timeout, stdin); {@link #steps()}, {@link #scripts()}, {@link #ran(String)}, {@link #assertRan(String)},
 * {@link #assertNotRan(String)} read them. {@link #uploads()} lists {@link #upload} calls.
 *
 * <h2>Example</h2>
 * <pre>{@code
 * FakeSession pi = FakeSession.of("pi-1")
 *         .when("dpkg-query").answer("")                       // docker.io not installed
 *         .when("apt-get -y .* install docker\\.io").exit(100, "", "E: Unable to locate package docker.io");
 * ExecResult r = pi.exec(RemoteCommand.of("install docker.io", script).asRoot());
 * assertEquals(100, r.exitCode());
 * assertEquals(List.of("install docker.io"), pi.steps());
 * assertTrue(pi.ran().get(0).asRoot());
 * }</pre>
 * To give an executor its sessions, put them in a {@link FakeTransport} and hand that to the code under test
 * wherever it takes a {@link dev.pictl.transport.Transport}.
 *
 * <p>Thread-safe: executors run commands on one session from several threads.
 */
public final class FakeSession implements Session {

    /** One command that ran: where, under which step, what, and how. */
    public record Ran(String node, String step, String script, boolean asRoot, Duration timeout, String stdin) {
        @Override
        public String toString() {
            return node + ": " + step + (asRoot ? " (root)" : "") + ": " + script.strip().replace("\n", "\n    ");
        }
    }

    /** One file written through {@link #upload}. */
    public record Upload(String path, String content, int mode, boolean asRoot) {
    }

    private final String node;
    private final List<Rule> rules = new ArrayList<>();
    private final List<Ran> ran = new ArrayList<>();
    private final List<Upload> uploads = new ArrayList<>();
    private Answer otherwise;
    private boolean open = true;
    private int closed;

    private FakeSession(String node) {
        this.node = Objects.requireNonNull(node, "node");
    }

    /** A fake session to {@code node}, with no answers yet. */
    public static FakeSession of(String node) {
        return new FakeSession(node);
    }

    // ------------------------------------------------------------------ scripting

    /** A rule for scripts in which {@code regex} is found ({@link Pattern#find()}; use {@code (?s)} etc. inline). */
    public Rule when(String regex) {
        Pattern p = Pattern.compile(regex);
        return new Rule(this, "script ~ /" + regex + "/", c -> p.matcher(c.script()).find());
    }

    /** A rule for commands run under this step name exactly. */
    public Rule whenStep(String step) {
        return new Rule(this, "step = \"" + step + "\"", c -> c.step().equals(step));
    }

    /** A rule for any command {@code matcher} accepts (a combination of step, script, root, stdin). */
    public Rule when(String description, Predicate<RemoteCommand> matcher) {
        return new Rule(this, description, matcher);
    }

    /** The answer to any command no rule matches (without one, such a command fails the test). */
    public synchronized FakeSession otherwise(int exitCode, String stdout, String stderr) {
        otherwise = Answer.of(new ExecResult(exitCode, stdout, stderr));
        return this;
    }

    /** Simulates a dropped connection: {@link #isOpen()} turns false (as after a reboot). */
    public synchronized FakeSession drop() {
        open = false;
        return this;
    }

    /** Connected again ({@link FakeTransport#open} of a dropped or closed session). */
    synchronized void reopen() {
        open = true;
    }

    // ------------------------------------------------------------------ Session

    @Override
    public String node() {
        return node;
    }

    @Override
    public ExecResult exec(RemoteCommand cmd) throws TransportException {
        Answer a;
        synchronized (this) {
            ran.add(new Ran(node, cmd.step(), cmd.script(), cmd.sudo(), cmd.timeout(),
                    new String(cmd.stdin(), StandardCharsets.UTF_8)));
            a = null;
            for (int i = rules.size() - 1; i >= 0 && a == null; i--) {
                if (rules.get(i).matcher.test(cmd)) {
                    a = rules.get(i).next();
                }
            }
            if (a == null) {
                a = otherwise;
            }
        }
        if (a == null) {
            throw new AssertionError(node + ": no answer for the command of step \"" + cmd.step() + "\""
                    + (cmd.sudo() ? " (as root)" : "") + " (add a rule with when(...) or a default with "
                    + "otherwise(...)):\n" + cmd.script());
        }
        if (a.error != null) {
            throw new TransportException(a.error, node, cmd.step(), a.result.stderr(), null);
        }
        return a.result;
    }

    @Override
    public synchronized void upload(byte[] content, String remotePath, int mode, boolean asRoot) {
        uploads.add(new Upload(remotePath, new String(content, StandardCharsets.UTF_8), mode, asRoot));
    }

    @Override
    public synchronized boolean isOpen() {
        return open;
    }

    @Override
    public synchronized void close() {
        open = false;
        closed++;
    }

    // ------------------------------------------------------------------ records

    /** Every command that ran, in order. */
    public synchronized List<Ran> ran() {
        return List.copyOf(ran);
    }

    /** The commands whose script {@code regex} is found in, in order. */
    public synchronized List<Ran> ran(String regex) {
        Pattern p = Pattern.compile(regex);
        return ran.stream().filter(r -> p.matcher(r.script()).find()).toList();
    }

    /** The step names of every command that ran, in order (one entry per command). */
    public synchronized List<String> steps() {
        return ran.stream().map(Ran::step).toList();
    }

    /** The scripts of every command that ran, in order. */
    public synchronized List<String> scripts() {
        return ran.stream().map(Ran::script).toList();
    }

    /** Files written through {@link #upload}, in order. */
    public synchronized List<Upload> uploads() {
        return List.copyOf(uploads);
    }

    /** How often {@link #close()} was called. */
    public synchronized int closeCount() {
        return closed;
    }

    /** The one command whose script {@code regex} is found in; fails when none or several did. */
    public Ran assertRan(String regex) {
        List<Ran> hits = ran(regex);
        if (hits.size() != 1) {
            fail("expected exactly one command matching /" + regex + "/ on " + node + ", found " + hits.size()
                    + "; what ran:\n" + describe());
        }
        return hits.get(0);
    }

    /** Fails when a command whose script {@code regex} is found in ran. */
    public void assertNotRan(String regex) {
        if (!ran(regex).isEmpty()) {
            fail("expected no command matching /" + regex + "/ on " + node + "; what ran:\n" + describe());
        }
    }

    /** Every command that ran, one block each: for failure messages. */
    public synchronized String describe() {
        return ran.isEmpty() ? "  (nothing)" : ran.stream().map(r -> "  " + r).collect(Collectors.joining("\n"));
    }

    // ------------------------------------------------------------------ rules

    private static final class Answer {
        final ExecResult result;
        final TransportException.Kind error;

        private Answer(ExecResult result, TransportException.Kind error) {
            this.result = result;
            this.error = error;
        }

        static Answer of(ExecResult r) {
            return new Answer(r, null);
        }
    }

    /** A rule being written: what it matches; its answers follow. */
    public static final class Rule {
        private final FakeSession session;
        private final String description;
        private final Predicate<RemoteCommand> matcher;
        private final Deque<Answer> answers = new ArrayDeque<>();

        private Rule(FakeSession session, String description, Predicate<RemoteCommand> matcher) {
            this.session = session;
            this.description = description;
            this.matcher = matcher;
        }

        /** Exit 0 with this stdout and no stderr. */
        public FakeSession answer(String stdout) {
            return exit(0, stdout, "");
        }

        /** This exit code and output. */
        public FakeSession exit(int exitCode, String stdout, String stderr) {
            return add(Answer.of(new ExecResult(exitCode, stdout, stderr)));
        }

        /** This non-zero exit code with this stderr and no stdout. */
        public FakeSession fail(int exitCode, String stderr) {
            if (exitCode == 0) {
                throw new IllegalArgumentException("fail(...) needs a non-zero exit code");
            }
            return exit(exitCode, "", stderr);
        }

        /** A transport failure of this kind (e.g. {@code CONNECTION_LOST}, {@code TIMED_OUT}) instead of an answer. */
        public FakeSession thenThrow(TransportException.Kind kind, String detail) {
            return add(new Answer(new ExecResult(-1, "", detail), kind));
        }

        private FakeSession add(Answer a) {
            synchronized (session) {
                answers.add(a);
                if (!session.rules.contains(this)) {
                    session.rules.add(this);
                }
            }
            return session;
        }

        /** The answer for this call: the answers in turn, the last one for good. */
        Answer next() {
            return answers.size() > 1 ? answers.poll() : answers.peek();
        }

        @Override
        public String toString() {
            return description + " -> " + answers.size() + " answer(s)";
        }
    }

    /**
     * More answers for the rule added last, given in turn after its first: {@code when("boot_id").answer("a")
     * .then().answer("b")} answers "a" to the first read and "b" to every later one.
     */
    public synchronized Rule then() {
        if (rules.isEmpty()) {
            throw new IllegalStateException("then() follows a rule with an answer");
        }
        return rules.get(rules.size() - 1);
    }
}
