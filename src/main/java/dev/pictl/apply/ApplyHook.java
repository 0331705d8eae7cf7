package dev.pictl.apply;

import dev.pictl.addr.ResourceAddress;
import dev.pictl.plan.Action;
import java.time.Duration;

/** Progress of an apply, implemented by the CLI (a live view on a terminal, one line per event otherwise). */
public interface ApplyHook {
    /** A resource starts. */
    default void started(ResourceAddress address, Action action) {
    }

    /** A step of a resource starts ("install k3s", "reboot", "wait for Ready"). */
    default void step(ResourceAddress address, String step) {
    }

    default void succeeded(ResourceAddress address, Action action, Duration elapsed) {
    }

    default void failed(ResourceAddress address, Action action, Duration elapsed, ApplyException error) {
    }

    /** Not started because something it depends on failed (or the apply was interrupted). */
    default void skipped(ResourceAddress address, String why) {
    }

    ApplyHook NONE = new ApplyHook() {
    };
}
