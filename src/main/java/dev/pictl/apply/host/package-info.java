/**
 * The host-family executors: what pictl changes on a board itself, below k3s — its hostname ({@code node}),
 * the tokens it owns on cmdline.txt with the reboot they need ({@code kernel_params}), and Debian's docker.io
 * ({@code runtime}).
 *
 * <p>Every node-side script follows the simulator's conventions (docs/simulator.md, "Node-side conventions"),
 * so it runs unchanged on a real Pi and on a simulated board: files as {@code "${PICTL_ROOT:-}/path"}, tools by
 * name, root through the transport's {@code sudo}, reboots scheduled so the command returns, and the
 * transport's node-side time limit on every command.
 *
 * <p>Depends on {@code apply}, {@code plan}, {@code transport}, {@code addr}. Never prints: progress goes
 * through {@link dev.pictl.apply.ApplyContext#step}, decisions are logged at debug level.
 */
package dev.pictl.apply.host;
