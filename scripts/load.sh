#!/usr/bin/env bash
# Load driver: starts a dev node (or uses one at --rpc HOST:PORT), submits signed
# transfers from the twelve endowed dev accounts over JSON-RPC for a minute and prints the
# sustained rate of transfers in finalized blocks.
#
#   scripts/load.sh                      # own dev node, 10 s warm-up, 60 s measured
#   scripts/load.sh --duration 120       # any `lattice benchmark load` flag
#   scripts/load.sh --rpc 127.0.0.1:9944 # a node that is already running
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
target="${CARGO_TARGET_DIR:-$here/target}"
cargo build --release --locked -p lattice-node
bin="$target/release/lattice"
if printf '%s\n' "$@" | grep -q -- '--rpc'; then
  exec "$bin" benchmark load "$@"
fi
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
log="$(mktemp -t lattice-load-node.XXXXXX.log)"
"$bin" --dev --tmp --rpc-port "$port" --listen-addr /ip4/127.0.0.1/tcp/0 --no-prometheus --pool-limit 40000 --pool-kbytes 81920 >"$log" 2>&1 &
node_pid=$!
trap 'kill "$node_pid" 2>/dev/null; wait "$node_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -s -m 2 -H 'Content-Type: application/json' \
    -d '{"jsonrpc":"2.0","id":1,"method":"system_health","params":[]}' \
    "http://127.0.0.1:$port" | grep -q result && break
  sleep 0.5
done
"$bin" benchmark load --rpc "127.0.0.1:$port" "$@"
echo "node log: $log (blocks authored, with their transfers and build times)"
grep -E "Authored block" "$log" | tail -n 3 | sed 's/.*Authored/  Authored/'
