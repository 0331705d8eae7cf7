/**
 * The storage executors: {@code storage_class} and {@code pv} as Kubernetes objects applied through the server's
 * {@code k3s kubectl}, the PV's directory on its node, and the data-loss refusals (a Bound PV, or a directory
 * holding data, is never deleted or replaced unless the user allows data loss).
 *
 * <p>Depends on {@code apply}, {@code plan} and {@code transport}. Never prints.
 */
package dev.pictl.apply.storage;
