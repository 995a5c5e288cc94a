//! Forkless runtime upgrades through `sudo(set_code)`.

use crate::common::*;
use codec::Decode;
use lattice_primitives::{DigestItem, RuntimeVersion};
use lattice_runtime::{RuntimeCall, RuntimeEvent};
use lattice_state::{Backend, Ext, OverlayedChanges};

fn sudo_set_code(chain: &Chain, code: &[u8], nonce: u32) -> Vec<u8> {
    let call = RuntimeCall::Sudo(pallet_sudo::Call::sudo {
        call: Box::new(RuntimeCall::System(pallet_system::Call::set_code { code: code.to_vec() })),
    });
    chain.sign(&pair("//Alice"), call, nonce, 0)
}

fn sudid(chain: &Chain) -> Vec<Result<(), lattice_primitives::DispatchError>> {
    just_events(&chain.events())
        .into_iter()
        .filter_map(|e| match e {
            RuntimeEvent::Sudo(pallet_sudo::Event::Sudid { sudo_result }) => Some(sudo_result),
            _ => None,
        })
        .collect()
}

fn version_of(chain: &Chain, code: &[u8]) -> RuntimeVersion {
    let engine = Engine::wasm(code);
    let mut overlay = OverlayedChanges::new();
    let mut ext = Ext::new(&mut overlay, &chain.state);
    RuntimeVersion::decode(&mut &engine.call(&mut ext, "Core_version", &[]).unwrap()[..]).unwrap()
}

#[test]
fn set_code_upgrades_from_the_next_block() {
    let upgrade =
        lattice_runtime_wasm::WASM_BINARY_UPGRADE_TEST.expect("upgrade test blob is built");
    let mut chain = Chain::new(&[0], &[]);
    let old = Engine::wasm(wasm_binary());
    assert_eq!(version_of(&chain, upgrade).spec_version, lattice_runtime::VERSION.spec_version + 1);

    // The same code (equal spec_version) is refused; the sudo call reports the error.
    let xt = sudo_set_code(&chain, wasm_binary(), 0);
    chain.produce(&old, &[xt]).expect("block");
    assert!(sudid(&chain)[0].is_err(), "equal spec_version refused");
    assert_eq!(chain.state.storage(b":code").unwrap().as_deref(), Some(wasm_binary()));

    // Garbage code is refused too.
    let xt = sudo_set_code(&chain, b"not wasm", 1);
    chain.produce(&old, &[xt]).expect("block");
    assert!(sudid(&chain)[0].is_err(), "garbage refused");

    // The newer runtime is accepted: `:code` changes and the digest says so.
    let xt = sudo_set_code(&chain, upgrade, 2);
    let (block, _) = chain.produce(&old, &[xt]).expect("block");
    assert_eq!(sudid(&chain), vec![Ok(())]);
    assert!(block.header.digest.logs.contains(&DigestItem::RuntimeEnvironmentUpdated));
    assert!(just_events(&chain.events())
        .contains(&RuntimeEvent::System(pallet_system::Event::CodeUpdated)));
    let code = chain.state.storage(b":code").unwrap().expect(":code is set");
    assert_eq!(code, upgrade);

    // The node now runs the new code: the next block is built and imported by it.
    let new = Engine::wasm(&code);
    let xt = chain.sign(
        &pair("//Bob"),
        transfer_keep_alive(&account(&pair("//Eve")), 1_000_000_000),
        0,
        0,
    );
    chain.produce(&new, &[xt]).expect("block under the new runtime");
    let last = chain.with_state(pallet_system::LastRuntimeUpgrade::get).expect("recorded");
    assert_eq!(last.spec_version, lattice_runtime::VERSION.spec_version + 1);
}

#[test]
fn set_code_refuses_another_spec_name_natively() {
    // The Wasm blobs share the spec name, so the name check runs natively with a reader
    // that reports a foreign runtime.
    let foreign = RuntimeVersion {
        spec_name: "other".into(),
        spec_version: 1_000,
        ..lattice_runtime::version()
    };
    let newer = RuntimeVersion { spec_version: 1_000, ..lattice_runtime::version() };
    for (version, ok) in [(foreign, false), (newer, true)] {
        let encoded = codec::Encode::encode(&version);
        let mut ext = lattice_io::TestExternalities::default()
            .with_runtime_version_reader(move |_| Some(encoded.clone()));
        let r = ext.execute_with(|| {
            pallet_system::Pallet::<lattice_runtime::Runtime>::can_set_code(b"code")
        });
        assert_eq!(r.is_ok(), ok, "{r:?}");
    }
}
