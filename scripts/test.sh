#!/usr/bin/env bash
# The test command of the README: sets up a fresh machine, then runs every test of the
# workspace in the release profile (the one profile shared with the node binary and the
# benchmarks, so dependencies compile once).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$here/scripts/setup.sh"
cd "$here"
cargo test --release --workspace --locked "$@"
