/**
 * The board itself, below k3s: {@code node} (its hostname), {@code kernel_params} (the tokens it owns on
 * cmdline.txt, with the drain and reboot they need) and {@code runtime} (Debian's docker.io or k3s's containerd).
 * Each type's schema, planner view ({@code *Kind}) and executor live here.
 *
 * <p>Every node-side script follows the simulator's conventions (docs/simulator.md, "Node-side conventions"),
 * so it runs unchanged on a real Pi and on a simulated board: files as {@code "${PICTL_ROOT:-}/path"}, tools by
 * name, root through the transport's {@code sudo}, reboots scheduled so the command returns, and the
 * transport's node-side time limit on every command. Never prints: progress goes through
 * {@link dev.pictl.apply.ApplyContext#step}.
 */
package dev.pictl.types.host;
