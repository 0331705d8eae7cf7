/**
 * OS updates that roll through the cluster (issue 15, docs/os-updates.md): {@code os_updates} (its policy per node:
 * which updates, packages held, whether to reboot), the counts of pending updates read from the node's local
 * package lists in its one probe round trip, and the rolling upgrade {@code pictl apply --upgrade-os} plans.
 */
package dev.pictl.types.os;
