package dev.pictl.probe;

import dev.pictl.transport.ExecResult;
import dev.pictl.transport.NodeTarget;
import dev.pictl.transport.RemoteCommand;
import dev.pictl.transport.Result;
import dev.pictl.transport.Session;
import dev.pictl.transport.Transport;
import dev.pictl.transport.TransportException;
import dev.pictl.transport.TransportException.Kind;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The prober's own rules, against a scripted transport that records every command. */
@Tag("fast")
class ProberTest {

    private static final Duration LIMIT = Duration.ofSeconds(42);
    private static final String COMPLETE = "\n@@pictl-probe:arch\naarch64\n@@pictl-probe:end\n";

    @Test
    void oneRootCommandPerNode_namedProbe_withTheTimeLimit() {
        FakeTransport t = new FakeTransport(cmd -> new ExecResult(0, COMPLETE, ""));
        Map<String, ProbeOutcome> out = Prober.probeAll(StandardProbe.PROBE, t, targets("a", "b", "c"),
                Map.of("b", StandardProbe.request("b", true, List.of("/mnt/x"))), 2, LIMIT);
        assertEquals(List.of("a", "b", "c"), List.copyOf(out.keySet()));
        out.values().forEach(o -> assertInstanceOf(ProbeOutcome.Observed.class, o));
        assertEquals("aarch64", ((ProbeOutcome.Observed) out.get("a")).observation().facts().arch());
        assertEquals(3, t.commands.size());
        for (Map.Entry<String, RemoteCommand> e : t.commands) {
            assertEquals("probe", e.getValue().step());
            assertTrue(e.getValue().sudo());
            assertEquals(LIMIT, e.getValue().timeout());
        }
        String bScript = t.commands.stream().filter(e -> e.getKey().equals("b")).findFirst().orElseThrow().getValue().script();
        assertEquals(StandardProbe.script(StandardProbe.request("b", true, List.of("/mnt/x"))), bScript);
        String aScript = t.commands.stream().filter(e -> e.getKey().equals("a")).findFirst().orElseThrow().getValue().script();
        assertEquals(StandardProbe.script(StandardProbe.request("a", false, List.of())), aScript, "no request: facts only");
    }

    @Test
    void aNonZeroExit_isCommandFailedWithStderrOnly_neverStdoutWhichMayHoldTheToken() {
        FakeTransport t = new FakeTransport(cmd -> new ExecResult(2,
                "\n@@pictl-probe:server-token\nK10abc::server:top-secret\n", "line 1\nsh: 9: Syntax error\n"));
        ProbeOutcome.Failed f = assertInstanceOf(ProbeOutcome.Failed.class,
                Prober.probeAll(StandardProbe.PROBE, t, targets("pi-1"), Map.of(), 1, LIMIT).get("pi-1"));
        assertEquals(Kind.COMMAND_FAILED, f.cause().kind());
        assertEquals("probe", f.cause().step());
        assertEquals("pi-1: probe: command exited 2:\n  line 1\n  sh: 9: Syntax error", f.cause().getMessage());

        FakeTransport quiet = new FakeTransport(cmd -> new ExecResult(1, "K10abc::server:top-secret\n", ""));
        ProbeOutcome.Failed g = assertInstanceOf(ProbeOutcome.Failed.class,
                Prober.probeAll(StandardProbe.PROBE, quiet, targets("pi-1"), Map.of(), 1, LIMIT).get("pi-1"));
        assertEquals("pi-1: probe: command exited 1", g.cause().getMessage());
        assertFalse(g.toString().contains("top-secret"));
    }

    @Test
    void outputWithoutTheEndMarker_isCommandFailed() {
        FakeTransport t = new FakeTransport(cmd -> new ExecResult(0, "\n@@pictl-probe:arch\naarch64\n", ""));
        ProbeOutcome.Failed f = assertInstanceOf(ProbeOutcome.Failed.class,
                Prober.probeAll(StandardProbe.PROBE, t, targets("pi-1"), Map.of(), 1, LIMIT).get("pi-1"));
        assertEquals("pi-1: probe: the probe's output ended early", f.cause().getMessage());
    }

    @Test
    void transportFailures_areKeptAsTheyAre_andTheOtherNodesStillProbed() {
        TransportException timedOut = new TransportException(Kind.TIMED_OUT, "b", "probe", "did not finish within 42s", "hint");
        TransportException refused = new TransportException(Kind.UNREACHABLE, "c", "connect", "connection refused", "hint");
        FakeTransport t = new FakeTransport(cmd -> new ExecResult(0, COMPLETE, ""));
        t.execFailures.put("b", timedOut);
        t.connectFailures.put("c", refused);
        Map<String, ProbeOutcome> out = Prober.probeAll(StandardProbe.PROBE, t, targets("a", "b", "c", "d"), Map.of(), 3, LIMIT);
        assertEquals(List.of("a", "b", "c", "d"), List.copyOf(out.keySet()));
        assertInstanceOf(ProbeOutcome.Observed.class, out.get("a"));
        assertSame(timedOut, ((ProbeOutcome.Failed) out.get("b")).cause());
        assertSame(refused, ((ProbeOutcome.Failed) out.get("c")).cause());
        assertInstanceOf(ProbeOutcome.Observed.class, out.get("d"));
        assertEquals(List.of("a", "b", "d"), t.commands.stream().map(Map.Entry::getKey).sorted().toList(),
                "no command for the node that could not be reached");
    }

    @Test
    void nodesAreProbedInParallel_atMostParallelismAtOnce() {
        AtomicInteger now = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        FakeTransport t = new FakeTransport(cmd -> {
            peak.accumulateAndGet(now.incrementAndGet(), Math::max);
            try {
                Thread.sleep(100); // the fake probe's run time: what lets probes overlap
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            now.decrementAndGet();
            return new ExecResult(0, COMPLETE, "");
        });
        long start = System.nanoTime();
        Map<String, ProbeOutcome> out = Prober.probeAll(StandardProbe.PROBE, t, targets("n1", "n2", "n3", "n4", "n5", "n6", "n7", "n8"),
                Map.of(), 4, LIMIT);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(8, out.size());
        assertEquals(4, peak.get());
        assertTrue(millis < 700, "8 nodes of 100 ms, 4 at a time, took " + millis + " ms");
        assertEquals(4, t.openAllParallelism);
    }

    @Test
    void misuse_isRefused() {
        FakeTransport t = new FakeTransport(cmd -> new ExecResult(0, COMPLETE, ""));
        assertThrows(IllegalArgumentException.class, () -> Prober.probeAll(StandardProbe.PROBE, t, targets("a"), Map.of(), 0, LIMIT));
        assertThrows(IllegalArgumentException.class, () -> Prober.probeAll(StandardProbe.PROBE, t, targets("a"),
                Map.of("b", StandardProbe.request("b", false, List.of())), 1, LIMIT));
        assertThrows(IllegalArgumentException.class, () -> Prober.probeAll(StandardProbe.PROBE, t, targets("a"),
                Map.of("a", StandardProbe.request("x", false, List.of())), 1, LIMIT));
        assertEquals(Map.of(), Prober.probeAll(StandardProbe.PROBE, t, Map.of(), Map.of(), 1, LIMIT));
    }

    private static Map<String, NodeTarget> targets(String... names) {
        Map<String, NodeTarget> out = new LinkedHashMap<>();
        for (String n : names) {
            out.put(n, NodeTarget.of(n, "10.0.0." + (out.size() + 1)));
        }
        return out;
    }

    /** Answers every command with the same function; records (node, command) pairs. */
    private static final class FakeTransport implements Transport {
        final Function<RemoteCommand, ExecResult> answer;
        final List<Map.Entry<String, RemoteCommand>> commands = Collections.synchronizedList(new ArrayList<>());
        final Map<String, TransportException> connectFailures = new LinkedHashMap<>();
        final Map<String, TransportException> execFailures = new LinkedHashMap<>();
        volatile int openAllParallelism;

        FakeTransport(Function<RemoteCommand, ExecResult> answer) {
            this.answer = answer;
        }

        @Override
        public Session open(NodeTarget target) throws TransportException {
            if (connectFailures.containsKey(target.node())) {
                throw connectFailures.get(target.node());
            }
            return new FakeSession(target.node());
        }

        @Override
        public Map<String, Result<Session>> openAll(List<NodeTarget> targets, int parallelism) {
            openAllParallelism = parallelism;
            Map<String, Result<Session>> out = new LinkedHashMap<>();
            for (NodeTarget t : targets) {
                try {
                    out.put(t.node(), Result.ok(open(t)));
                } catch (TransportException e) {
                    out.put(t.node(), Result.failed(e));
                }
            }
            return out;
        }

        @Override
        public void close() {
        }

        private final class FakeSession implements Session {
            private final String node;

            FakeSession(String node) {
                this.node = node;
            }

            @Override
            public String node() {
                return node;
            }

            @Override
            public ExecResult exec(RemoteCommand cmd) throws TransportException {
                commands.add(Map.entry(node, cmd));
                if (execFailures.containsKey(node)) {
                    throw execFailures.get(node);
                }
                return answer.apply(cmd);
            }

            @Override
            public void upload(byte[] content, String remotePath, int mode, boolean asRoot) {
                throw new UnsupportedOperationException("the probe never uploads");
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {
            }
        }
    }
}
