/**
 * The simulated Raspberry Pi k3s cluster pictl's tests, benchmarks and first-run demo run against.
 *
 * <p>Each node is a real Apache MINA SSH server on its own loopback address; commands run in a real
 * {@code /bin/sh} against the node's own directory tree, exported as {@code $PICTL_ROOT}; what needs Pi
 * hardware or k3s is stood in for by scripts on the node's PATH (resources under
 * {@code dev/pictl/sim/shims} and {@code libexec}) and, where state spans nodes (systemd units, k3s, the
 * Kubernetes API, reboots), by this process over a loopback control port. Public entry points:
 * {@link dev.pictl.sim.SimCluster} (test fixture), {@link dev.pictl.sim.SimControl} (daemon control for the
 * CLI) and {@link dev.pictl.sim.SimDaemon} (the daemon's {@code main}).
 *
 * <p>Owns MINA's server side. Must not depend on any other pictl package (the transport is tested against
 * this, not the other way round; the benchmark that drives pictl's transport against it lives in the tests,
 * {@code dev.pictl.bench.TransportBench}). Nothing here prints except the entry points
 * {@link dev.pictl.sim.SimDaemon#main} and {@link dev.pictl.sim.SimControl#main}.
 */
package dev.pictl.sim;
