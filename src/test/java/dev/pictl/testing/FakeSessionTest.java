package dev.pictl.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pictl.transport.ExecResult;
import dev.pictl.transport.NodeTarget;
import dev.pictl.transport.RemoteCommand;
import dev.pictl.transport.Result;
import dev.pictl.transport.TransportException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The scripted fake session every fast executor and probe test stands on: answers, records, failures. */
@Tag("fast")
class FakeSessionTest {

    private static RemoteCommand cmd(String step, String script) {
        return RemoteCommand.of(step, script);
    }

    @Test
    void answersByPatternFoundInTheScript() throws Exception {
        FakeSession s = FakeSession.of("pi-1")
                .when("dpkg-query").answer("ii\n")
                .when("^apt-get .*install").exit(100, "", "E: Unable to locate package docker.io\n");
        assertEquals(new ExecResult(0, "ii\n", ""), s.exec(cmd("status", "x=$(dpkg-query -W docker.io)")));
        ExecResult r = s.exec(cmd("install", "apt-get -y install docker.io"));
        assertEquals(100, r.exitCode());
        assertEquals("E: Unable to locate package docker.io\n", r.stderr());
        assertEquals("", r.stdout());
    }

    @Test
    void theLastMatchingRuleAnswers_soARowCanOverrideTheBase() throws Exception {
        FakeSession s = FakeSession.of("pi-1").when("systemctl").answer("base\n");
        s.when("systemctl is-active").answer("override\n");
        assertEquals("override\n", s.exec(cmd("a", "systemctl is-active docker")).stdout());
        assertEquals("base\n", s.exec(cmd("b", "systemctl start docker")).stdout());
    }

    @Test
    void answersByStepName_exactly() throws Exception {
        FakeSession s = FakeSession.of("pi-1").whenStep("install k3s").fail(1, "curl: (6) no route\n")
                .otherwise(0, "other\n", "");
        assertEquals(1, s.exec(cmd("install k3s", "anything")).exitCode());
        assertEquals("other\n", s.exec(cmd("install k3s agent", "anything")).stdout(), "not a prefix match");
    }

    @Test
    void aRuleWithSeveralAnswers_givesThemInTurn_thenRepeatsTheLast() throws Exception {
        FakeSession s = FakeSession.of("pi-1").when("boot_id").answer("old\n");
        s.then().answer("old\n");
        s.then().answer("new\n");
        List<String> seen = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            seen.add(s.exec(cmd("wait for boot", "cat /proc/sys/kernel/random/boot_id")).stdout().strip());
        }
        assertEquals(List.of("old", "old", "new", "new", "new"), seen);
    }

    @Test
    void aCommandNoRuleMatches_failsTheTest_namingStepAndScript() {
        FakeSession s = FakeSession.of("pi-1").when("hostname").answer("pi-1\n");
        AssertionError e = assertThrows(AssertionError.class, () -> s.exec(cmd("edit cmdline.txt", "sed -i x")
                .asRoot()));
        assertTrue(e.getMessage().startsWith("pi-1: no answer for the command of step \"edit cmdline.txt\" (as root)"),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("\nsed -i x"), e.getMessage());
        assertEquals(List.of("edit cmdline.txt"), s.steps(), "recorded even so");
    }

    @Test
    void otherwiseIsTheDefaultAnswer() throws Exception {
        FakeSession s = FakeSession.of("pi-1").otherwise(7, "o", "e");
        assertEquals(new ExecResult(7, "o", "e"), s.exec(cmd("x", "true")));
    }

    @Test
    void recordsEveryCommand_withStepRootTimeoutAndStdin() throws Exception {
        FakeSession s = FakeSession.of("pi-1").otherwise(0, "", "");
        s.exec(cmd("read", "cat /etc/hostname"));
        s.exec(cmd("write", "tee /etc/hostname").asRoot().withTimeout(Duration.ofSeconds(9))
                .withStdin("pi-1\n".getBytes(StandardCharsets.UTF_8)));
        List<FakeSession.Ran> ran = s.ran();
        assertEquals(2, ran.size());
        assertEquals(new FakeSession.Ran("pi-1", "read", "cat /etc/hostname", false, RemoteCommand.DEFAULT_TIMEOUT, ""),
                ran.get(0));
        assertEquals(new FakeSession.Ran("pi-1", "write", "tee /etc/hostname", true, Duration.ofSeconds(9), "pi-1\n"),
                ran.get(1));
        assertEquals(List.of("read", "write"), s.steps());
        assertEquals(List.of("cat /etc/hostname", "tee /etc/hostname"), s.scripts());
        assertEquals(List.of(ran.get(1)), s.ran("^tee "));
    }

    @Test
    void assertRanAndAssertNotRan() throws Exception {
        FakeSession s = FakeSession.of("pi-1").otherwise(0, "", "");
        s.exec(cmd("a", "apt-get install docker.io"));
        s.exec(cmd("b", "systemctl start docker"));
        s.exec(cmd("c", "systemctl enable docker"));
        assertEquals("a", s.assertRan("apt-get").step());
        s.assertNotRan("apt-get remove");
        AssertionError several = assertThrows(AssertionError.class, () -> s.assertRan("systemctl"));
        assertTrue(several.getMessage().contains("found 2"), several.getMessage());
        assertTrue(several.getMessage().contains("pi-1: b: systemctl start docker"), several.getMessage());
        AssertionError none = assertThrows(AssertionError.class, () -> s.assertRan("reboot"));
        assertTrue(none.getMessage().contains("found 0"), none.getMessage());
        AssertionError ran = assertThrows(AssertionError.class, () -> s.assertNotRan("enable"));
        assertTrue(ran.getMessage().contains("systemctl enable docker"), ran.getMessage());
    }

    @Test
    void checkTurnsANonZeroExitIntoCommandFailed_namingNodeAndStep() {
        FakeSession s = FakeSession.of("pi-1").when("install").fail(2, "first\nlast words\n");
        TransportException e = assertThrows(TransportException.class, () -> s.check(cmd("install docker.io",
                "apt-get install docker.io")));
        assertEquals(TransportException.Kind.COMMAND_FAILED, e.kind());
        assertEquals("pi-1", e.node());
        assertEquals("install docker.io", e.step());
        assertTrue(e.getMessage().startsWith("pi-1: install docker.io: command exited 2"), e.getMessage());
        assertTrue(e.getMessage().contains("last words"), e.getMessage());
    }

    @Test
    void aTransportFailureInsteadOfAnAnswer() {
        FakeSession s = FakeSession.of("pi-1").when("reboot").thenThrow(TransportException.Kind.CONNECTION_LOST,
                "connection closed by peer");
        TransportException e = assertThrows(TransportException.class, () -> s.exec(cmd("reboot", "systemctl reboot")));
        assertEquals(TransportException.Kind.CONNECTION_LOST, e.kind());
        assertEquals("reboot", e.step());
        assertTrue(e.getMessage().contains("connection closed by peer"), e.getMessage());
    }

    @Test
    void uploadsAreRecorded() {
        FakeSession s = FakeSession.of("pi-1");
        s.upload("a: 1\n".getBytes(StandardCharsets.UTF_8), "/etc/rancher/k3s/config.yaml", 0600, true);
        assertEquals(List.of(new FakeSession.Upload("/etc/rancher/k3s/config.yaml", "a: 1\n", 0600, true)),
                s.uploads());
    }

    @Test
    void closeAndDrop_andTheTransportReopens() throws Exception {
        FakeTransport t = new FakeTransport();
        FakeSession s = t.node("pi-1");
        assertTrue(s.isOpen());
        s.drop();
        assertFalse(s.isOpen());
        assertSame(s, t.open(NodeTarget.of("pi-1", "127.0.0.1")));
        assertTrue(s.isOpen(), "open again, records kept");
        s.close();
        assertEquals(1, s.closeCount());
        assertEquals(List.of("pi-1"), t.opened());
    }

    @Test
    void theTransport_unknownNodeIsUnreachable_openAllGivesEveryNodeAnOutcome() throws Exception {
        FakeTransport t = new FakeTransport();
        t.node("pi-1");
        Map<String, NodeTarget> targets = t.targets();
        assertEquals(List.of("pi-1"), List.copyOf(targets.keySet()));
        TransportException e = assertThrows(TransportException.class, () -> t.open(NodeTarget.of("pi-9", "127.0.0.9")));
        assertEquals(TransportException.Kind.UNREACHABLE, e.kind());
        Map<String, Result<dev.pictl.transport.Session>> all = t.openAll(List.of(targets.get("pi-1"),
                NodeTarget.of("pi-9", "127.0.0.9")), 2);
        assertTrue(all.get("pi-1").isOk());
        assertFalse(all.get("pi-9").isOk());
        t.close();
        assertTrue(t.isClosed());
        assertFalse(t.node("pi-1").isOpen());
    }

    @Test
    void concurrentCommandsAreAllRecorded() throws Exception {
        FakeSession s = FakeSession.of("pi-1").otherwise(0, "", "");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        for (int i = 0; i < 200; i++) {
            int n = i;
            pool.submit(() -> s.exec(cmd("step " + n, "echo " + n)));
        }
        pool.shutdown();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        assertEquals(200, s.ran().size());
        assertEquals(200, new java.util.HashSet<>(s.steps()).size());
    }
}
