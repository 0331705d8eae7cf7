# Shared helpers of the pictl simulator's stand-ins (sourced by bash shims).
# The simulator process answers on 127.0.0.1:$PICTL_SIM_PORT. One request per connection:
#   node <name> / uid <n> / cwd <b64> / arg <b64>... / [stdin <b64>] / end
# answered by any number of "out <b64>" and "err <b64>" lines and one "exit <n>".
sim_b64() { printf '%s' "$1" | base64 -w0; }
sim_call() {
  local port=${PICTL_SIM_PORT:?PICTL_SIM_PORT is not set}
  if ! exec 9<>"/dev/tcp/127.0.0.1/$port"; then
    echo "pictl-sim: simulator control port $port is not reachable" >&2
    return 255
  fi
  local a
  {
    printf 'node %s\nuid %s\ncwd %s\n' "${PICTL_SIM_NODE:-}" "${PICTL_SIM_UID:-1000}" "$(sim_b64 "$PWD")"
    for a in "$@"; do printf 'arg %s\n' "$(sim_b64 "$a")"; done
    if [ -n "${SIM_SEND_STDIN:-}" ]; then printf 'stdin %s\n' "$(base64 -w0)"; fi
    printf 'end\n'
  } >&9
  local kind data code=255
  while IFS=' ' read -r kind data <&9; do
    case $kind in
      out) printf '%s' "$data" | base64 -d ;;
      err) printf '%s' "$data" | base64 -d >&2 ;;
      exit) code=$data; break ;;
    esac
  done
  exec 9>&-
  return "$code"
}
sim_hw() { cat "$PICTL_ROOT/../hw/$1" 2>/dev/null || printf '%s' "$2"; }
sim_is_root() { [ "${PICTL_SIM_UID:-1000}" = 0 ]; }
