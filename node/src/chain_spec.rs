//! Resolving `--chain`: the built-in specs and spec files.

use lattice_chain::genesis_preset;
use lattice_chain_spec::ChainSpec;
use lattice_executor::{ExecutorConfig, WasmExecutor};

/// The runtime blob built into this binary.
pub(crate) fn wasm_binary() -> Result<&'static [u8], String> {
    lattice_runtime_wasm::WASM_BINARY
        .ok_or_else(|| "this binary was built without the Wasm runtime (SKIP_WASM_BUILD)".into())
}

fn preset(name: &str) -> Result<Vec<u8>, String> {
    let executor = WasmExecutor::new(ExecutorConfig::default()).map_err(|e| e.to_string())?;
    genesis_preset(&executor, wasm_binary()?, name)?
        .ok_or_else(|| format!("the runtime has no genesis preset {name:?}"))
}

/// The chain spec `id` names: `dev`, `local` (also the empty name) or a JSON file.
pub(crate) fn load_spec(id: &str) -> Result<ChainSpec, String> {
    match id {
        "dev" => ChainSpec::dev(wasm_binary()?, &preset("development")?).map_err(|e| e.to_string()),
        "" | "local" => {
            ChainSpec::local(wasm_binary()?, &preset("local_testnet")?).map_err(|e| e.to_string())
        }
        path => ChainSpec::from_file(path).map_err(|e| format!("chain spec {path}: {e}")),
    }
}
