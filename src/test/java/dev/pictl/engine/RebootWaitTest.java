package dev.pictl.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pictl.addr.ResourceAddress;
import dev.pictl.probe.NodeObservation;
import dev.pictl.probe.NodeObservation.Lifecycle;
import dev.pictl.probe.ProbeOutcome;
import dev.pictl.state.PendingReboot;
import dev.pictl.state.ResourceState;
import dev.pictl.state.ResourceStatus;
import dev.pictl.state.State;
import dev.pictl.transport.TransportException;
import dev.pictl.transport.TransportException.Kind;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** When plan and apply wait for a board before working from its probe (issue 10). */
@Tag("fast")
class RebootWaitTest {
    private static final String OLD = "0e9d3f4c-5a1b-4c2d-9e8f-7a6b5c4d3e2f";
    private static final String NEW = "7a6b5c4d-5a1b-4c2d-9e8f-0e9d3f4c3e2f";
    private static final PendingReboot PENDING = new PendingReboot(Instant.parse("2026-12-07T14:02:11Z"), OLD);

    private static ProbeOutcome observed(String bootId, Lifecycle life) {
        NodeObservation.Facts facts = new NodeObservation.Facts(null, null, null, 0, 0, null, null, null, null, null,
                "unknown", null, null, bootId, null, null, null);
        return new ProbeOutcome.Observed(NodeObservation.of("pi-2", facts, life));
    }

    private static ProbeOutcome failed(Kind kind) {
        return new ProbeOutcome.Failed("pi-2", new TransportException(kind, "pi-2", "connect", "nope", null));
    }

    @Test
    void waitsForABoardGoingDown_whoeverStartedIt() {
        String why = RebootWait.reason(observed(OLD, new Lifecycle("stopping", true, null)), null);
        assertEquals("shutting down (systemctl is-system-running: stopping, /run/nologin)", why);
        assertTrue(RebootWait.reason(observed(OLD, new Lifecycle("stopping", false, null)), PENDING)
                .startsWith("rebooting (started by the apply at "));
    }

    @Test
    void waitsForPictlsMarker_evenWithoutTheStateRecord() {
        assertEquals("rebooting (scheduled by pictl)", RebootWait.reason(observed(OLD,
                new Lifecycle("running", false, OLD)), null));
        assertNull(RebootWait.reason(observed(NEW, new Lifecycle("running", false, OLD)), null),
                "a marker of another boot cannot be (tmpfs), and means nothing");
    }

    @Test
    void aRecordAlone_onTheOldBootWithoutMarker_meansTheRebootWasNeverScheduled() {
        assertNull(RebootWait.reason(observed(OLD, Lifecycle.RUNNING), PENDING));
        assertNull(RebootWait.reason(observed(NEW, Lifecycle.RUNNING), PENDING), "back already");
    }

    @Test
    void anUnreachableBoard_isWaitedForOnlyWithARecord_andNotForHostKeyTrouble() {
        for (Kind k : List.of(Kind.UNREACHABLE, Kind.TIMED_OUT, Kind.CONNECTION_LOST, Kind.AUTH_REFUSED,
                Kind.COMMAND_FAILED)) {
            assertTrue(RebootWait.reason(failed(k), PENDING).startsWith("rebooting (started by the apply at "), k::name);
            assertNull(RebootWait.reason(failed(k), null), k::name);
        }
        assertNull(RebootWait.reason(failed(Kind.HOST_KEY_CHANGED), PENDING));
        assertNull(RebootWait.reason(failed(Kind.HOST_KEY_UNKNOWN), PENDING));
    }

    @Test
    void pendingReboots_latestPerNode_inProgressOnly() {
        ResourceAddress a = ResourceAddress.parse("kernel_params.cgroups[\"pi-2\"]").orElseThrow();
        ResourceAddress b = ResourceAddress.parse("kernel_params.other[\"pi-2\"]").orElseThrow();
        PendingReboot later = new PendingReboot(Instant.parse("2026-12-07T15:00:00Z"), NEW);
        State s = State.empty().withResource(ResourceState.of(a, "pi-2").withReboot(PENDING))
                .withResource(ResourceState.of(b, "pi-2").withReboot(later))
                .withResource(ResourceState.of(ResourceAddress.of("node", "pi-3"), "pi-3")
                        .withStatus(ResourceStatus.OK));
        assertEquals(Map.of("pi-2", later), RebootWait.pendingReboots(s));
    }
}
