#!/usr/bin/env bash
# Finality lag on a four-validator local network: starts scripts/testnet.sh, lets it
# settle, watches every node for DURATION seconds (default 60) with
# `lattice benchmark finality`, prints the median lag, and stops the network.
#
#   scripts/finality-lag.sh [DURATION]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
duration="${1:-60}"
bin="${LATTICE_BIN:-${CARGO_TARGET_DIR:-$here/target}/release/lattice}"
[ -x "$bin" ] || (cd "$here" && cargo build --release --locked -p lattice-node)
base="$(mktemp -d -t lattice-finality.XXXXXX)"
out="$base/testnet.out"
LATTICE_BIN="$bin" "$here/scripts/testnet.sh" --validators 4 --base "$base" >"$out" 2>&1 &
net_pid=$!
trap 'kill "$net_pid" 2>/dev/null; wait "$net_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do grep -q "Ctrl-C" "$out" 2>/dev/null && break; sleep 0.2; done
rpcs=()
while read -r port; do rpcs+=("127.0.0.1:$port"); done < <(grep -oE 'ws://127\.0\.0\.1:[0-9]+ ' "$out" | sed -E 's/.*:([0-9]+) /\1/')
[ "${#rpcs[@]}" -eq 4 ] || { echo "finality-lag.sh: the testnet did not start:"; cat "$out"; exit 1; }
echo "Waiting 20 s for the network to settle…"
sleep 20
"$bin" benchmark finality --rpc "${rpcs[@]}" --duration "$duration"
