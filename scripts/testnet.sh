#!/usr/bin/env bash
# Starts a local Lattice network on loopback from the `local` chain spec (or --chain
# FILE): the first N nodes are validators Alice, Bob, Charlie, Dave (N ≤ 4, default 4),
# --full M adds M full nodes. Every node gets its own base path, RPC and p2p port and a
# fixed node key, and knows the others as boot nodes. Prints how to reach each node and
# stops them all on Ctrl-C (or SIGTERM).
#
#   scripts/testnet.sh [--validators N] [--full M] [--chain local|FILE] [--base DIR]
#                      [-- EXTRA NODE ARGS]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
validators=4
full=0
chain=local
base=""
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --validators) validators="$2"; shift 2 ;;
    --full) full="$2"; shift 2 ;;
    --chain) chain="$2"; shift 2 ;;
    --base) base="$2"; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "testnet.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
case "$validators" in ''|*[!0-9]*) echo "testnet.sh: --validators takes a number" >&2; exit 2 ;; esac
case "$full" in ''|*[!0-9]*) echo "testnet.sh: --full takes a number" >&2; exit 2 ;; esac
if [ "$validators" -gt 4 ]; then
  echo "testnet.sh: the local chain has four validators (Alice, Bob, Charlie, Dave)" >&2
  exit 2
fi

bin="${LATTICE_BIN:-${CARGO_TARGET_DIR:-$here/target}/release/lattice}"
if [ ! -x "$bin" ]; then
  echo "Building the node (cargo build --release -p lattice-node)…"
  (cd "$here" && cargo build --release --locked -p lattice-node)
fi
if [ -z "$base" ]; then
  base="$(mktemp -d -t lattice-testnet.XXXXXX)"
fi
mkdir -p "$base"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

names=(alice bob charlie dave)
count=$((validators + full))
declare -a keys peer_ids p2p_ports rpc_ports prom_ports labels
for i in $(seq 0 $((count - 1))); do
  keys[i]="$(printf '%064x' $((i + 1)))"
  peer_ids[i]="$(echo -n "${keys[i]}" > "$base/node-key-$i" && "$bin" key inspect-node-key --file "$base/node-key-$i")"
  p2p_ports[i]="$(free_port)"
  rpc_ports[i]="$(free_port)"
  prom_ports[i]="$(free_port)"
  if [ "$i" -lt "$validators" ]; then labels[i]="${names[i]}"; else labels[i]="full$((i - validators + 1))"; fi
done

pids=()
stop() {
  trap - INT TERM EXIT
  echo
  echo "Stopping ${#pids[@]} nodes…"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  echo "Stopped. Data and logs are in $base"
}
trap stop INT TERM EXIT

for i in $(seq 0 $((count - 1))); do
  boot=()
  for j in $(seq 0 $((count - 1))); do
    [ "$j" = "$i" ] && continue
    boot+=("/ip4/127.0.0.1/tcp/${p2p_ports[j]}/p2p/${peer_ids[j]}")
  done
  role=()
  if [ "$i" -lt "$validators" ]; then role=("--${names[i]}"); fi
  "$bin" --chain "$chain" --base-path "$base/${labels[i]}" --name "${labels[i]}" "${role[@]}" \
    --node-key-file "$base/node-key-$i" \
    --listen-addr "/ip4/127.0.0.1/tcp/${p2p_ports[i]}" --no-mdns --discover-local \
    --rpc-port "${rpc_ports[i]}" --prometheus-port "${prom_ports[i]}" \
    --bootnodes "${boot[@]}" "${extra[@]}" >"$base/${labels[i]}.log" 2>&1 &
  pids+=($!)
done

echo "Lattice testnet: $validators validators, $full full nodes, chain $chain"
printf '%-9s %-22s %-22s %-10s %s\n' node rpc prometheus p2p "peer id"
for i in $(seq 0 $((count - 1))); do
  printf '%-9s %-22s %-22s %-10s %s\n' "${labels[i]}" "ws://127.0.0.1:${rpc_ports[i]}" \
    "127.0.0.1:${prom_ports[i]}" "${p2p_ports[i]}" "${peer_ids[i]}"
done
echo "Logs: $base/<node>.log. polkadot.js: https://polkadot.js.org/apps/?rpc=ws://127.0.0.1:${rpc_ports[0]}"
echo "Ctrl-C stops the network."

# Exit (and stop the others) when a node dies.
while true; do
  for i in "${!pids[@]}"; do
    if ! kill -0 "${pids[i]}" 2>/dev/null; then
      echo "node ${labels[i]} exited; see $base/${labels[i]}.log" >&2
      exit 1
    fi
  done
  sleep 1
done
