/**
 * The k3s executors: {@code k3s_server} and {@code k3s_agent} installed with the official script and the bare
 * minimum of arguments (every setting in {@code /etc/rancher/k3s/config.yaml}, mode 0600, written first), started
 * without blocking and polled to a deadline, upgraded by re-running the script, removed with the script's
 * uninstaller (an agent drained first and its Node deleted through the server).
 *
 * <p>Depends on {@code apply}, {@code plan}, {@code transport} and {@code plan.kind.SimpleYaml} (the config.yaml
 * subset the planner reads back). Never prints, never logs a token.
 */
package dev.pictl.apply.k3s;
