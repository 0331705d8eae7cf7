/**
 * The bridge between a cluster description and the built-in simulator ({@code dev.pictl.sim}): the simulator as a
 * {@link dev.pictl.engine.TargetResolver} ({@link dev.pictl.simbridge.SimulatorTargets}, what {@code --sim}
 * chooses), a simulated fleet made from a description ({@link dev.pictl.simbridge.SimulatorSpec},
 * {@code pictl sim start -c}), and where a simulator's directory is and how a suggested command reaches it
 * ({@link dev.pictl.simbridge.SimulatorDir}).
 *
 * <p>It exists so that neither side knows the other: {@code sim} imports nothing of pictl, and {@code engine}
 * never names the simulator. Only {@code cli} (and tests) use this package. Never prints.
 */
package dev.pictl.simbridge;
