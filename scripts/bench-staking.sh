#!/usr/bin/env bash
# Era-transition benchmark: 100 validators and 10,000 delegations through the Wasm
# runtime to the end of an era and its paged jobs.
# Usage: bench-staking.sh [VALIDATORS] [DELEGATIONS] [RUNS]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
cargo run --release --locked -p lattice-runtime --example staking_bench -- "$@"
