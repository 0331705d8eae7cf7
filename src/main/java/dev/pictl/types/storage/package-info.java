/**
 * Objects in the cluster: {@code storage_class} and {@code pv} (with its directory on a node), changed through the
 * server's kubectl.
 */
package dev.pictl.types.storage;
