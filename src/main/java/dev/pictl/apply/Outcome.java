package dev.pictl.apply;

import dev.pictl.addr.ResourceAddress;
import dev.pictl.plan.Action;
import java.time.Duration;

/** How one planned change ended. */
public sealed interface Outcome {
    ResourceAddress address();

    Action action();

    record Succeeded(ResourceAddress address, Action action, Duration elapsed) implements Outcome {
    }

    record Failed(ResourceAddress address, Action action, Duration elapsed, ApplyException error) implements Outcome {
    }

    /** Not started: {@code why} names the failed dependency, or the interruption. */
    record Skipped(ResourceAddress address, Action action, String why) implements Outcome {
    }
}
