#!/usr/bin/env bash
# Installs everything Lattice needs to build and test on a fresh Debian machine:
# the C toolchain for RocksDB's bindings, the Wasm target, Node.js for the client tests,
# and the npm packages of the polkadot.js tests. Safe to run again: each step is skipped
# when already done.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

need_apt=()
command -v clang >/dev/null || need_apt+=(clang)
# RocksDB's bindings load libclang at build time.
ls /usr/lib/llvm-*/lib/libclang*.so* >/dev/null 2>&1 || ls /usr/lib/x86_64-linux-gnu/libclang*.so* >/dev/null 2>&1 \
  || need_apt+=(libclang-dev)
command -v c++ >/dev/null || need_apt+=(g++)
command -v node >/dev/null || need_apt+=(nodejs)
command -v npm >/dev/null || need_apt+=(npm)
command -v curl >/dev/null || need_apt+=(curl)
command -v python3 >/dev/null || need_apt+=(python3)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "setup: please install: ${need_apt[*]} (apt-get install -y ${need_apt[*]})" >&2
    exit 1
  fi
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi

js="$here/runtime/tests/js"
lock_hash="$(sha256sum "$js/package-lock.json" | cut -c1-16)"
if [ ! -f "$js/node_modules/.installed-$lock_hash" ]; then
  (cd "$js" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  touch "$js/node_modules/.installed-$lock_hash"
fi
