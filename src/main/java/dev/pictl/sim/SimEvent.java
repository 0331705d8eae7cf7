package dev.pictl.sim;

import java.time.Instant;

/** One entry of the simulator's event log, e.g. {@code reboot pi-worker-1} or {@code k3s-agent restarted on pi-worker-2}. */
public record SimEvent(Instant time, String node, String message) {
    @Override
    public String toString() { return time + " " + message; }
}
