/**
 * The one toolkit for text that goes to a node or comes back from one, shared by the probe, the executors of every
 * resource type, the SSH transport and the simulator:
 *
 * <ul>
 *   <li>{@link dev.pictl.nodetext.Shell}: a word quoted for POSIX {@code sh}, words joined, node-side paths
 *       ({@code "${PICTL_ROOT:-}"'/etc/...'}), and a word shown to a person in a command to copy;</li>
 *   <li>{@link dev.pictl.nodetext.KeyValues}: the {@code key=value} lines node-side scripts print, with one rule for
 *       a repeated key;</li>
 *   <li>{@link dev.pictl.nodetext.Tails}: the last lines of a command's output, for error messages;</li>
 *   <li>{@link dev.pictl.nodetext.Durations}: pictl's duration strings ({@code 500ms}, {@code 10s}, {@code 2m},
 *       {@code 1h}) and kubectl's compound ones ({@code 1h30m});</li>
 *   <li>{@link dev.pictl.nodetext.SimpleYaml}: the one writer (and its reader) of the flat YAML pictl writes on
 *       nodes ({@code /etc/rancher/k3s/config.yaml}).</li>
 * </ul>
 *
 * <p>A leaf, like {@code io}: imports nothing else of pictl, so every package (the simulator included) may use it.
 * Pure functions; never prints.
 */
package dev.pictl.nodetext;
