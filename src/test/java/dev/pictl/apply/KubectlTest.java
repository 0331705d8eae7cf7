package dev.pictl.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pictl.testing.FakeTransport;
import dev.pictl.testing.TestContexts;
import dev.pictl.types.ResourceTypes;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Where {@code k3s kubectl} runs: on the first server; with several servers, on the next that answers when the first
 * board is down or its API server refuses (an agent waiting for Ready while the first server reboots).
 */
@Tag("fast")
class KubectlTest {
    static final String REFUSED = "The connection to the server 127.0.0.1:6443 was refused - did you specify the right "
            + "host or port?\n";

    private static ApplyContext ctx(FakeTransport t, List<String> members) {
        return new ApplyContext(t, t.targets(), Described.NONE, ResourceTypes.standard().kinds(), TestContexts.HASHER,
                ApplyOptions.defaults(), ApplyHook.NONE, c -> c, "pi-s1", members);
    }

    @Test
    void runsOnTheFirstServerWhenItAnswers() throws Exception {
        FakeTransport t = new FakeTransport();
        t.node("pi-s1").when("k3s kubectl get node pi-a1").answer("pi-a1 Ready <none> 1d v1.31.4+k3s1\n");
        t.node("pi-s2").otherwise(0, "", "");
        var r = Kubectl.run(ctx(t, List.of("pi-s1", "pi-s2")), "wait for Ready", "get node pi-a1 --no-headers");
        assertTrue(r.stdout().contains("Ready"));
        assertEquals(List.of(), t.node("pi-s2").ran());
    }

    @Test
    void anotherMemberAnswers_whenTheFirstBoardIsDown() throws Exception {
        FakeTransport t = new FakeTransport();
        t.down("pi-s1");
        t.node("pi-s2").when("k3s kubectl get node pi-a1").answer("pi-a1 Ready <none> 1d v1.31.4+k3s1\n");
        var r = Kubectl.check(ctx(t, List.of("pi-s1", "pi-s2", "pi-s3")), "wait for Ready",
                "get node pi-a1 --no-headers");
        assertTrue(r.stdout().startsWith("pi-a1 Ready"), r.stdout());
    }

    @Test
    void anotherMemberAnswers_whenTheFirstServersApiRefuses() throws Exception {
        FakeTransport t = new FakeTransport();
        t.node("pi-s1").when("k3s kubectl").exit(1, "", REFUSED);
        t.node("pi-s2").when("k3s kubectl").exit(1, "", REFUSED);
        t.node("pi-s3").when("k3s kubectl uncordon pi-a1").answer("node/pi-a1 uncordoned\n");
        var r = Kubectl.check(ctx(t, List.of("pi-s1", "pi-s2", "pi-s3")), "uncordon", "uncordon pi-a1");
        assertEquals("node/pi-a1 uncordoned\n", r.stdout());
    }

    @Test
    void noneAnswers_theFirstServersFailureIsReported() {
        FakeTransport t = new FakeTransport();
        t.node("pi-s1").when("k3s kubectl").exit(1, "", REFUSED);
        t.down("pi-s2");
        ApplyException e = assertThrows(ApplyException.class, () -> Kubectl.check(ctx(t, List.of("pi-s1", "pi-s2")),
                "uncordon", "uncordon pi-a1"));
        assertTrue(e.getMessage().startsWith("pi-s1: uncordon: kubectl uncordon exited 1: The connection to the server"),
                e.getMessage());
    }

    @Test
    void aSingleServerIsTheOnlyOneAsked_andItsErrorsAreItsOwn() {
        FakeTransport t = new FakeTransport();
        t.down("pi-s1");
        t.node("pi-s2").otherwise(0, "", "");
        ApplyException e = assertThrows(ApplyException.class, () -> Kubectl.run(ctx(t, List.of()), "drain",
                "get node pi-a1"));
        assertTrue(e.getMessage().startsWith("pi-s1: drain: "), e.getMessage());
        assertEquals(List.of(), t.node("pi-s2").ran());
    }

    @Test
    void aCommandThatFailsForAnotherReasonIsNotRetriedElsewhere() throws Exception {
        FakeTransport t = new FakeTransport();
        t.node("pi-s1").when("k3s kubectl").exit(1, "", "Error from server (NotFound): nodes \"pi-x\" not found\n");
        t.node("pi-s2").otherwise(0, "", "");
        var r = Kubectl.run(ctx(t, List.of("pi-s1", "pi-s2")), "drain", "get node pi-x");
        assertEquals(1, r.exitCode());
        assertEquals(List.of(), t.node("pi-s2").ran());
    }
}
