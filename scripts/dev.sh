#!/usr/bin/env bash
# The README's first command: sets up a fresh machine and runs a development chain.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$here/scripts/setup.sh"
cd "$here"
if [ ! -f node/Cargo.toml ]; then
  echo "dev: the node (lattice binary) is not built yet; see README.md's status" >&2
  exit 1
fi
cargo build --release --locked -p lattice-node
exec "${CARGO_TARGET_DIR:-$here/target}/release/lattice" --dev "$@"
