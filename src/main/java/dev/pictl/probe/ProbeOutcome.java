package dev.pictl.probe;

import dev.pictl.transport.TransportException;

/** The result of probing one node: what was observed, or why the node could not be probed. */
public sealed interface ProbeOutcome {
    String node();

    record Observed(NodeObservation observation) implements ProbeOutcome {
        @Override
        public String node() {
            return observation.node();
        }
    }

    record Failed(String node, TransportException cause) implements ProbeOutcome {
    }
}
