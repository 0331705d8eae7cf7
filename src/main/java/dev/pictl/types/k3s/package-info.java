/**
 * k3s: {@code k3s_server} and {@code k3s_agent}. Installed with the official script and the bare minimum of
 * arguments (every setting in {@code /etc/rancher/k3s/config.yaml}, mode 0600, written first), started without
 * blocking and polled to a deadline, upgraded by re-running the script, removed with the script's uninstaller (an
 * agent drained first and its Node deleted through the server). Each type's schema, planner view and executor live
 * here. Never prints, never logs a token.
 */
package dev.pictl.types.k3s;
