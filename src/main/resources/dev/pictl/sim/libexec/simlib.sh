# Shared helpers of the pictl simulator's stand-ins (sourced by bash shims).
# The simulator process answers on 127.0.0.1:$PICTL_SIM_PORT. One request per connection:
#   node <name> / uid <n> / reply raw / cwdr <len> + raw bytes / argr <len> + raw bytes... / [stdin <b64>] / end
# answered by any number of "out <len>" and "err <len>" lines, each followed by <len> raw bytes (out64/err64
# <b64> for text with a NUL byte, which bash cannot hold), and one "exit <n>". Lengths are in bytes (LC_ALL=C),
# so no base64 process is started per word or per answer (dev.pictl.sim.ControlServer has the protocol).
sim_b64() { printf '%s' "$1" | base64 -w0; }
sim_call() {
  local port=${PICTL_SIM_PORT:?PICTL_SIM_PORT is not set}
  if ! exec 9<>"/dev/tcp/127.0.0.1/$port"; then
    echo "pictl-sim: simulator control port $port is not reachable" >&2
    return 255
  fi
  local LC_ALL=C a req
  req="node ${PICTL_SIM_NODE:-}"$'\n'"uid ${PICTL_SIM_UID:-1000}"$'\n'"reply raw"$'\n'"cwdr ${#PWD}"$'\n'"$PWD"$'\n'
  for a in "$@"; do req+="argr ${#a}"$'\n'"$a"$'\n'; done
  if [ -n "${SIM_SEND_STDIN:-}" ]; then req+="stdin $(base64 -w0)"$'\n'; fi
  printf '%send\n' "$req" >&9
  local kind data chunk code=255
  while IFS=' ' read -r kind data <&9; do
    case $kind in
      out|err)
        chunk=
        [ "${data:-0}" -gt 0 ] && IFS= read -r -d '' -N "$data" chunk <&9
        if [ "$kind" = out ]; then printf '%s' "$chunk"; else printf '%s' "$chunk" >&2; fi ;;
      out64) printf '%s' "$data" | base64 -d ;;
      err64) printf '%s' "$data" | base64 -d >&2 ;;
      exit) code=$data; break ;;
    esac
  done
  exec 9>&-
  return "$code"
}
# sim_hw NAME DEFAULT: prints the board's hardware file hw/NAME as it is, or DEFAULT when there is none.
# sim_hwv NAME DEFAULT: the same into REPLY, trailing newlines dropped as $(sim_hw ...) would, without a subshell.
sim_hw() {
  local f="$PICTL_ROOT/../hw/$1" v
  if [ -f "$f" ] && [ -r "$f" ]; then IFS= read -r -d '' v <"$f"; printf '%s' "$v"; else printf '%s' "$2"; fi
}
sim_hwv() {
  local f="$PICTL_ROOT/../hw/$1"
  if [ -f "$f" ] && [ -r "$f" ]; then
    IFS= read -r -d '' REPLY <"$f"
    while [[ $REPLY == *$'\n' ]]; do REPLY=${REPLY%$'\n'}; done
  else
    REPLY=$2
  fi
  return 0
}
sim_is_root() { [ "${PICTL_SIM_UID:-1000}" = 0 ]; }
