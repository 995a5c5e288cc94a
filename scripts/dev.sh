#!/usr/bin/env bash
# The README's first command: sets up a fresh machine, builds the node and runs a
# development chain (Alice authors a block every 2 seconds and finalizes it; RPC on
# ws://127.0.0.1:9944). Extra arguments go to `lattice`, e.g. `--base-path ./data`.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$here/scripts/setup.sh"
cd "$here"
cargo build --release --locked -p lattice-node
exec "${CARGO_TARGET_DIR:-$here/target}/release/lattice" --dev "$@"
