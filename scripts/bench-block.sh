#!/usr/bin/env bash
# Block benchmark: build and import one block of signed transfers between distinct
# accounts through the Wasm runtime. Usage: bench-block.sh [TRANSFERS] [RUNS]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
cargo run --release --locked -p lattice-runtime --example block_bench -- "$@"
