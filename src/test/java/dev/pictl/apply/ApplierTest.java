package dev.pictl.apply;

import dev.pictl.types.ResourceTypes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pictl.addr.ResourceAddress;
import dev.pictl.plan.Action;
import dev.pictl.plan.ActionReason;
import dev.pictl.plan.AttributeChange;
import dev.pictl.plan.Plan;
import dev.pictl.plan.PlanMode;
import dev.pictl.plan.ResourceChange;
import dev.pictl.state.ResourceStatus;
import dev.pictl.state.State;
import dev.pictl.state.StateLock;
import dev.pictl.state.StateStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The walker on its own, with scripted executors. Fixtures are written as "name <- dependency, ..." lines; every
 * resource is a {@code node.NAME} creation unless a line says otherwise.
 */
@Tag("fast")
class ApplierTest {
    @TempDir
    Path dir;

    /** Executors that record what ran, fail where told, and sleep a little so parallelism shows. */
    static final class Script implements Executor {
        final List<String> events = Collections.synchronizedList(new ArrayList<>());
        final Set<String> failing = ConcurrentHashMap.newKeySet();
        final AtomicInteger concurrent = new AtomicInteger();
        final AtomicInteger maxConcurrent = new AtomicInteger();
        volatile Runnable during = () -> { };
        /** When set, each run counts down and waits (up to 10 s) until the gate opens: runs are then known to overlap. */
        volatile java.util.concurrent.CountDownLatch gate;

        @Override
        public String type() {
            return "node";
        }

        @Override
        public Recorded apply(ResourceChange change, ApplyContext ctx) throws ApplyException {
            return run(change, "apply");
        }

        @Override
        public void delete(ResourceChange change, ApplyContext ctx) throws ApplyException {
            run(change, "delete");
        }

        @Override
        public void awaitQuorumMember(ResourceChange change, String node, ApplyContext ctx) {
            events.add("healthy " + node);
        }

        private Recorded run(ResourceChange change, String what) throws ApplyException {
            String name = change.address().name();
            int now = concurrent.incrementAndGet();
            maxConcurrent.accumulateAndGet(now, Math::max);
            events.add("start " + name);
            try {
                during.run();
                java.util.concurrent.CountDownLatch g = gate;
                if (g != null) {
                    g.countDown();
                    g.await(10, java.util.concurrent.TimeUnit.SECONDS);
                }
                Thread.sleep(60); // the fake executor's work: the time is what lets runs overlap
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                concurrent.decrementAndGet();
            }
            events.add("end " + name);
            if (failing.contains(name)) {
                throw new ApplyException(name, what + " " + name, "command exited 1: boom", "try again");
            }
            return Recorded.of(Map.of("hostname", name));
        }
    }

    private static ResourceChange change(String name, Action action, List<String> deps, boolean disruptive) {
        ResourceAddress a = ResourceAddress.of("node", name);
        List<ResourceAddress> d = deps.stream().map(x -> ResourceAddress.of("node", x)).toList();
        Map<String, Object> after = action == Action.DELETE ? null : Map.of("hostname", name);
        Map<String, Object> before = action == Action.CREATE ? null : Map.of("hostname", "old");
        return new ResourceChange(a, name, action, ActionReason.ATTRIBUTE_CHANGED, before, after, Set.of(),
                List.of(new AttributeChange("hostname", "old", name, false, false)), disruptive, disruptive, null, "", d);
    }

    /** "b <- a" lines: b depends on a. */
    private static List<ResourceChange> fixture(String text, Action action) {
        List<ResourceChange> out = new ArrayList<>();
        for (String line : text.strip().split("\n")) {
            String[] parts = line.split("<-");
            String name = parts[0].strip();
            List<String> deps = parts.length < 2 ? List.of()
                    : List.of(parts[1].strip().split("\\s*,\\s*")).stream().filter(s -> !s.isEmpty()).toList();
            out.add(change(name, action, deps, false));
        }
        return out;
    }

    private ApplyResult run(List<ResourceChange> changes, Script script, ApplyOptions options, AtomicBoolean cancel)
            throws Exception {
        return run(changes, script, options, cancel, List.of());
    }

    private ApplyResult run(List<ResourceChange> changes, Script script, ApplyOptions options, AtomicBoolean cancel,
                            List<String> quorumMembers) throws Exception {
        Plan plan = new Plan(PlanMode.NORMAL, "test", null, 0, "sha256:x", changes, List.of(), List.of(), List.of(),
                Map.of(), List.of());
        StateStore store = StateStore.at(dir.resolve("pictl.state.json"), "test");
        try (StateLock lock = store.lock("test")) {
            ApplyContext ctx = new ApplyContext(null, Map.of(), Described.NONE, ResourceTypes.standard().kinds(),
                    lock.secretHasher(), options, ApplyHook.NONE, c -> c, null, quorumMembers);
            return new Applier(new Executors(List.of(script)), ctx, ApplyHook.NONE, cancel).apply(plan, lock);
        }
    }

    private State state() throws Exception {
        return StateStore.at(dir.resolve("pictl.state.json"), "test").read();
    }

    @Test
    void walk_startsAResourceOnlyAfterItsDependenciesSucceeded() throws Exception {
        Script s = new Script();
        ApplyResult r = run(fixture("""
                a
                b <- a
                c <- b
                d <- a
                """, Action.CREATE), s, ApplyOptions.defaults().withParallelism(4), new AtomicBoolean());
        assertTrue(r.ok());
        List<String> e = s.events;
        assertTrue(e.indexOf("end a") < e.indexOf("start b"), e.toString());
        assertTrue(e.indexOf("end b") < e.indexOf("start c"), e.toString());
        assertTrue(e.indexOf("end a") < e.indexOf("start d"), e.toString());
        assertEquals(4, r.added());
        assertEquals(4, state().resources().size());
        assertTrue(state().resources().stream().allMatch(x -> x.status() == ResourceStatus.OK));
    }

    @Test
    void walk_runsIndependentResourcesInParallelUpToTheLimit() throws Exception {
        Script s = new Script();
        // The first three wait for each other (a condition, not a timing): three must run at once, never a fourth.
        s.gate = new java.util.concurrent.CountDownLatch(3);
        run(fixture("a\nb\nc\nd\ne\nf", Action.CREATE), s, ApplyOptions.defaults().withParallelism(3), new AtomicBoolean());
        assertEquals(3, s.maxConcurrent.get());
    }

    @Test
    void walk_skipsDependentsOfAFailureAndFinishesIndependentWork() throws Exception {
        Script s = new Script();
        s.failing.add("b");
        ApplyResult r = run(fixture("""
                a
                b <- a
                c <- b
                d <- c
                x
                """, Action.CREATE), s, ApplyOptions.defaults(), new AtomicBoolean());
        assertEquals(1, r.failures().size());
        assertEquals("b: apply b: command exited 1: boom", r.failures().get(0).error().getMessage());
        assertEquals(List.of("node.c", "node.d"), r.skipped().stream().map(o -> o.address().toString()).toList());
        assertTrue(r.skipped().stream().allMatch(o -> o.why().equals("node.b failed")), "the root cause, once");
        assertTrue(s.events.contains("end x"));
        State st = state();
        assertEquals(ResourceStatus.OK, st.resource(ResourceAddress.of("node", "a")).orElseThrow().status());
        assertEquals(ResourceStatus.IN_PROGRESS, st.resource(ResourceAddress.of("node", "b")).orElseThrow().status(),
                "a failed resource stays marked in progress");
        assertTrue(st.resource(ResourceAddress.of("node", "c")).isEmpty());
    }

    @Test
    void walk_cancelledStartsNothingNewButLetsRunningStepsFinish() throws Exception {
        Script s = new Script();
        AtomicBoolean cancel = new AtomicBoolean();
        s.during = () -> cancel.set(true);
        ApplyResult r = run(fixture("a\nb <- a\nc <- b", Action.CREATE), s, ApplyOptions.defaults(), cancel);
        assertTrue(r.interrupted());
        assertEquals(List.of("start a", "end a"), s.events);
        assertEquals(2, r.skipped().size());
        assertEquals(ResourceStatus.OK, state().resource(ResourceAddress.of("node", "a")).orElseThrow().status());
    }

    @Test
    void walk_deletesDependentsFirst() throws Exception {
        Script s = new Script();
        // b depends on a and c on b: deleting all three goes c, b, a.
        List<ResourceChange> deletes = List.of(change("a", Action.DELETE, List.of(), false),
                change("b", Action.DELETE, List.of("a"), false), change("c", Action.DELETE, List.of("b"), false));
        ApplyResult r = run(deletes, s, ApplyOptions.defaults(), new AtomicBoolean());
        assertTrue(r.ok());
        assertTrue(s.events.indexOf("end c") < s.events.indexOf("start b"), s.events.toString());
        assertTrue(s.events.indexOf("end b") < s.events.indexOf("start a"), s.events.toString());
        assertEquals(3, r.destroyed());
    }

    @Test
    void walk_limitsDisruptiveChangesOfClusterNodesToMaxUnavailable() throws Exception {
        Script s = new Script();
        List<ResourceChange> reboots = new ArrayList<>();
        for (String n : List.of("w1", "w2", "w3", "w4")) {
            reboots.add(change(n, Action.UPDATE, List.of(), true));
        }
        run(reboots, s, ApplyOptions.defaults().withParallelism(4), new AtomicBoolean());
        assertEquals(1, s.maxConcurrent.get(), "one node down at a time: " + s.events);
        assertEquals(List.of("start w1", "start w2", "start w3", "start w4"),
                s.events.stream().filter(e -> e.startsWith("start")).toList(),
                "in the plan's order, however the threads are scheduled");
        Script bare = new Script();
        // Each waits (bounded) for all four to have started: they overlap for sure when they run in parallel.
        java.util.concurrent.CountDownLatch all = new java.util.concurrent.CountDownLatch(4);
        bare.during = () -> {
            all.countDown();
            try {
                all.await(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        List<ResourceChange> fresh = new ArrayList<>();
        for (String n : List.of("f1", "f2", "f3", "f4")) {
            fresh.add(change(n, Action.UPDATE, List.of(), false));
        }
        run(fresh, bare, ApplyOptions.defaults().withParallelism(4), new AtomicBoolean());
        assertEquals(4, bare.maxConcurrent.get(), "a bare fleet is provisioned in parallel");
    }

    @Test
    void walk_takesQuorumMembersDownOneAtATime_whateverMaxUnavailable_andFreesTheTurnWhenTheMemberIsHealthy()
            throws Exception {
        Script s = new Script();
        // Every change waits (bounded) until two have started: an agent overlaps a server when the walker lets it.
        s.gate = new java.util.concurrent.CountDownLatch(2);
        List<ResourceChange> reboots = new ArrayList<>();
        for (String n : List.of("s1", "s2", "s3", "a1", "a2")) {
            reboots.add(change(n, Action.UPDATE, List.of(), true));
        }
        ApplyResult r = run(reboots, s, ApplyOptions.defaults().withParallelism(5).withMaxUnavailable(3),
                new AtomicBoolean(), List.of("s1", "s2", "s3"));
        assertTrue(r.ok(), r.failures().toString());
        List<String> members = s.events.stream().filter(e -> e.matches("(start|end|healthy) s\\d")).toList();
        assertEquals(9, members.size(), s.events.toString());
        for (int i = 0; i < members.size(); i += 3) {
            String n = members.get(i).substring("start ".length());
            assertEquals(List.of("start " + n, "end " + n, "healthy " + n), members.subList(i, i + 3),
                    "one member at a time, its turn ends when it is healthy: " + s.events);
        }
        assertTrue(s.events.stream().noneMatch(e -> e.matches("healthy a\\d")), "agents hold no member: " + s.events);
        assertTrue(s.maxConcurrent.get() >= 2, "agents still roll beside a member (max_unavailable 3): " + s.events);
    }

    @Test
    void walk_aFailedDisruptiveChangeStopsTheRoll_otherWorkGoesOn() throws Exception {
        Script s = new Script();
        s.failing.addAll(List.of("w1", "w2", "w3")); // whichever rolls first fails
        List<ResourceChange> changes = new ArrayList<>();
        for (String n : List.of("w1", "w2", "w3")) {
            changes.add(change(n, Action.UPDATE, List.of(), true));
        }
        changes.add(change("x", Action.UPDATE, List.of(), false)); // not disruptive: independent, it runs
        ApplyResult r = run(changes, s, ApplyOptions.defaults().withParallelism(4), new AtomicBoolean());
        assertFalse(r.ok());
        assertTrue(s.events.contains("end x"), s.events.toString());
        List<String> rolled = s.events.stream().filter(e -> e.matches("start w\\d")).toList();
        assertEquals(1, rolled.size(), "no node is taken down after one failed to come back: " + s.events);
        String failed = "node." + rolled.get(0).substring("start ".length());
        assertEquals(1, r.failures().size());
        assertEquals(2, r.skipped().size(), r.skipped().toString());
        assertTrue(r.skipped().stream().allMatch(k -> k.why().equals("the roll stopped: " + failed + " failed")),
                r.skipped().toString());
        for (var k : r.skipped()) {
            assertTrue(state().resource(k.address()).isEmpty(), "a skipped change is not marked: " + k);
        }
    }

    @Test
    void walk_cancelled_aChangeWaitingForItsRollingTurnDoesNotStart() throws Exception {
        Script s = new Script();
        AtomicBoolean cancel = new AtomicBoolean();
        s.during = () -> cancel.set(true); // Ctrl-C while the first node reboots
        List<ResourceChange> changes = new ArrayList<>();
        for (String n : List.of("w1", "w2", "w3")) {
            changes.add(change(n, Action.UPDATE, List.of(), true));
        }
        ApplyResult r = run(changes, s, ApplyOptions.defaults().withParallelism(4), cancel);
        assertTrue(r.interrupted());
        assertEquals(2, s.events.size(), "the queued reboots never start: " + s.events);
        assertTrue(s.events.get(0).startsWith("start w") && s.events.get(1).startsWith("end w"), s.events.toString());
        assertEquals(2, r.skipped().size());
    }

    @Test
        void dependencies_passThroughResourcesThatDoNotChange() {
        // k3s <- runtime (no-op) <- kernel (reboots the node): k3s waits for the reboot.
        ResourceChange kernel = change("kernel", Action.UPDATE, List.of(), true);
        ResourceChange runtime = change("runtime", Action.NO_OP, List.of("kernel"), false);
        ResourceChange k3s = change("k3s", Action.UPDATE, List.of("runtime"), false);
        ResourceChange other = change("other", Action.UPDATE, List.of(), false);
        var waits = Applier.dependencies(List.of(kernel, k3s, other), List.of(kernel, runtime, k3s, other));
        assertEquals(Set.of(ResourceAddress.of("node", "kernel")), waits.get(ResourceAddress.of("node", "k3s")));
        assertEquals(Set.of(), waits.get(ResourceAddress.of("node", "other")));
        assertEquals(Set.of(), Applier.dependencies(List.of(kernel, k3s)).get(ResourceAddress.of("node", "k3s")),
                "without the unchanged one there is nothing to pass through");
    }

    @Test
    void walk_reportsAnExecutorBugAsAFailureNotACrash() throws Exception {
        Script s = new Script();
        s.during = () -> {
            throw new IllegalStateException("bug");
        };
        ApplyResult r = run(fixture("a\nb <- a", Action.CREATE), s, ApplyOptions.defaults(), new AtomicBoolean());
        Outcome.Failed f = assertInstanceOf(Outcome.Failed.class, r.outcomes().get(0));
        assertTrue(f.error().getMessage().contains("internal error"), f.error().getMessage());
        assertEquals(1, r.skipped().size());
    }

    @Test
    void walk_aStateWriteThatFailsWhenMarkingAResource_stopsTheWalk_andIsTheError() throws Exception {
        Script s = new Script();
        Plan plan = new Plan(PlanMode.NORMAL, "test", null, 0, "sha256:x", fixture("a\nb <- a\nc <- b", Action.CREATE),
                List.of(), List.of(), List.of(), Map.of(), List.of());
        StateStore store = StateStore.at(dir.resolve("pictl.state.json"), "test");
        try (StateLock lock = store.lock("test")) {
            java.util.concurrent.atomic.AtomicInteger writes = new java.util.concurrent.atomic.AtomicInteger();
            // The third write (b in progress) fails as the database's does: saved elsewhere, carried in the exception.
            dev.pictl.state.StateWriter failing = new dev.pictl.state.StateWriter() {
                @Override
                public dev.pictl.state.LockHolder holder() {
                    return lock.holder();
                }

                @Override
                public State read() throws dev.pictl.state.StateException {
                    return lock.read();
                }

                @Override
                public State write(State next) throws dev.pictl.state.StateException {
                    if (writes.incrementAndGet() == 3) {
                        throw new dev.pictl.state.StateRescuedException("saved elsewhere", "", next, null);
                    }
                    return lock.write(next);
                }

                @Override
                public dev.pictl.state.SecretHasher secretHasher() throws dev.pictl.state.StateException {
                    return lock.secretHasher();
                }

                @Override
                public void close() {
                }
            };
            ApplyContext ctx = ApplyContext.forDescription(null, Map.of(), null, ResourceTypes.standard().kinds(),
                    lock.secretHasher(), ApplyOptions.defaults(), ApplyHook.NONE);
            dev.pictl.state.StateException e = org.junit.jupiter.api.Assertions.assertThrows(
                    dev.pictl.state.StateException.class,
                    () -> new Applier(new Executors(List.of(s)), ctx, ApplyHook.NONE, new AtomicBoolean()).apply(plan, failing));
            assertEquals("saved elsewhere", e.summary());
        }
        assertEquals(List.of("start a", "end a"), s.events, "b was not started, nor c after it");
    }
}
