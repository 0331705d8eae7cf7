/**
 * The boot family: {@code boot_config}, the lines of the firmware's config.txt pictl owns (docs/boot-config.md).
 * It reuses the host family's reboot ({@link dev.pictl.types.host.Reboot}), as kernel_params does.
 */
package dev.pictl.types.boot;
