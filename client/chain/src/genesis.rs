//! The genesis state of a chain spec, built by the runtime itself.

use codec::{Decode, Encode};
use lattice_executor::{RuntimeCode, WasmExecutor};
use lattice_primitives::api::methods::{GENESIS_BUILD_STATE, GENESIS_GET_PRESET};
use lattice_state::{Ext, InMemoryBackend, OverlayedChanges};

/// Key-value pairs of a state.
pub type StoragePairs = Vec<(Vec<u8>, Vec<u8>)>;

/// Runs `GenesisBuilder_build_state(config)` of `code` on an empty state and returns the
/// pairs it wrote (without `:code`, which the chain spec adds). Errors are the runtime's
/// own reason (an unknown field, a bad account) or the executor's.
pub fn build_genesis_state(
    executor: &WasmExecutor,
    code: &[u8],
    config: &[u8],
) -> Result<StoragePairs, String> {
    let code = RuntimeCode::new(code.to_vec());
    let backend = InMemoryBackend::default();
    let mut overlay = OverlayedChanges::new();
    let out = {
        let mut ext = Ext::new(&mut overlay, &backend);
        executor
            .call(&code, &mut ext, GENESIS_BUILD_STATE, &config.to_vec().encode())
            .map_err(|e| format!("the runtime's {GENESIS_BUILD_STATE} failed: {e}"))?
    };
    match Result::<(), String>::decode(&mut &out[..]) {
        Ok(Ok(())) => {}
        Ok(Err(reason)) => return Err(format!("the runtime refused the genesis config: {reason}")),
        Err(e) => return Err(format!("undecodable answer of {GENESIS_BUILD_STATE}: {e}")),
    }
    let changes = overlay.into_changes().map_err(|e| e.to_string())?;
    Ok(changes.into_iter().filter_map(|(k, v)| Some((k, v?))).collect())
}

/// The runtime's named genesis preset (`GenesisBuilder_get_preset`) as JSON; `None` when
/// the runtime has no preset of that name.
pub fn genesis_preset(
    executor: &WasmExecutor,
    code: &[u8],
    name: &str,
) -> Result<Option<Vec<u8>>, String> {
    let code = RuntimeCode::new(code.to_vec());
    let backend = InMemoryBackend::default();
    let mut overlay = OverlayedChanges::new();
    let mut ext = Ext::new(&mut overlay, &backend);
    let out = executor
        .call(&code, &mut ext, GENESIS_GET_PRESET, &Some(name.to_string()).encode())
        .map_err(|e| format!("the runtime's {GENESIS_GET_PRESET} failed: {e}"))?;
    Option::<Vec<u8>>::decode(&mut &out[..])
        .map_err(|e| format!("undecodable answer of {GENESIS_GET_PRESET}: {e}"))
}
