//! The built-in specs with the real runtime: presets from `GenesisBuilder_get_preset`,
//! genesis state from `GenesisBuilder_build_state`, through the executor as the node
//! does it.

use codec::{Decode, Encode};
use lattice_chain_spec::ChainSpec;
use lattice_executor::{ExecutorConfig, RuntimeCode, WasmExecutor};
use lattice_io::TestExternalities;

type Pairs = Vec<(Vec<u8>, Vec<u8>)>;

fn preset(executor: &WasmExecutor, code: &[u8], name: &str) -> Vec<u8> {
    let out = executor
        .call(
            &RuntimeCode::new(code.to_vec()),
            &mut TestExternalities::default(),
            "GenesisBuilder_get_preset",
            &Some(name.to_string()).encode(),
        )
        .expect("get_preset runs");
    Option::<Vec<u8>>::decode(&mut &out[..]).expect("SCALE Option<Vec<u8>>").expect("preset exists")
}

fn build_state(executor: &WasmExecutor, code: &[u8], json: &[u8]) -> Result<Pairs, String> {
    let mut ext = TestExternalities::default();
    let out = executor
        .call(
            &RuntimeCode::new(code.to_vec()),
            &mut ext,
            "GenesisBuilder_build_state",
            &json.to_vec().encode(),
        )
        .map_err(|e| e.to_string())?;
    Result::<(), String>::decode(&mut &out[..]).map_err(|e| e.to_string())??;
    Ok(ext.pairs().iter().map(|(k, v)| (k.clone(), v.clone())).collect())
}

#[test]
fn builtin_specs_build_their_genesis_in_the_runtime() {
    let Some(code) = lattice_runtime_wasm::WASM_BINARY else {
        eprintln!("SKIP_WASM_BUILD: no runtime blob");
        return;
    };
    let executor = WasmExecutor::new(ExecutorConfig::default()).unwrap();
    for (name, make) in [
        (
            "development",
            ChainSpec::dev as fn(&[u8], &[u8]) -> lattice_chain_spec::Result<ChainSpec>,
        ),
        ("local_testnet", ChainSpec::local),
    ] {
        let spec = make(code, &preset(&executor, code, name)).unwrap();
        let spec = ChainSpec::from_json_bytes(spec.to_json().as_bytes()).unwrap();
        let pairs = spec.genesis_storage(|code, json| build_state(&executor, code, json)).unwrap();
        assert!(pairs.len() > 10, "{name}: {} pairs", pairs.len());
        assert!(pairs.iter().any(|(k, v)| k == b":code" && v == code));

        // The raw spec gives the same genesis.
        let raw = spec.to_raw(|code, json| build_state(&executor, code, json)).unwrap();
        let raw = ChainSpec::from_json_bytes(raw.to_json().as_bytes()).unwrap();
        assert_eq!(raw.genesis_storage(|_, _| unreachable!()).unwrap(), pairs);
    }

    // A config the runtime refuses surfaces as `BuildState`.
    let spec = ChainSpec::dev(code, br#"{"nope": {}}"#).unwrap();
    let e = spec.genesis_storage(|code, json| build_state(&executor, code, json)).unwrap_err();
    assert!(matches!(e, lattice_chain_spec::Error::BuildState { .. }), "{e}");
    assert!(e.to_string().contains("nope"), "{e}");
}
