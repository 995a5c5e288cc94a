//! Genesis state: the root `sp-trie` computes, read proofs, the Wasm genesis builder.

use crate::common::*;
use codec::{Decode, Encode};
use lattice_runtime::genesis::{self, DEV_KEYS};
use lattice_state::{prove_read, Backend, Ext, InMemoryBackend, OverlayedChanges};
use sp_core::{ed25519, Pair};
use sp_trie::{LayoutV1, TrieConfiguration};

type Layout = LayoutV1<sp_core::Blake2Hasher>;

#[test]
fn genesis_root_is_the_reference_trie_root() {
    let pairs = genesis_pairs(&genesis::preset(&[0], genesis::DEV_ERA_LENGTH), wasm_binary());
    let state = InMemoryBackend::from_pairs(pairs.clone());
    let reference = Layout::trie_root(pairs.iter().map(|(k, v)| (k, v)));
    assert_eq!(state.root(), reference.0);
}

#[test]
fn read_proof_of_alice_verifies_with_sp_trie() {
    let chain = Chain::new(&[0], &[]);
    let alice = account(&pair("//Alice"));
    let key = pallet_system::Account::<lattice_runtime::Runtime>::key(&alice);
    let proof = prove_read(&chain.state, [&key]).expect("proof");
    let db = proof.clone().into_memory_db::<sp_core::Blake2Hasher>();
    let root = sp_core::H256(chain.state.root());
    let value = sp_trie::read_trie_value::<Layout, _>(&db, &root, &key, None, None)
        .expect("the proof holds every node on the path")
        .expect("Alice exists");
    let info =
        pallet_system::AccountInfo::<pallet_balances::types::AccountData>::decode(&mut &value[..])
            .unwrap();
    // Alice validates in the dev preset: her stake is reserved out of the endowment.
    assert_eq!(info.data.free, genesis::DEV_ENDOWMENT - genesis::DEV_VALIDATOR_STAKE);
    assert_eq!(info.data.reserved, genesis::DEV_VALIDATOR_STAKE);
    // A proof for another root does not verify.
    let other = sp_core::H256([7; 32]);
    assert!(sp_trie::read_trie_value::<Layout, _>(&db, &other, &key, None, None).is_err());
}

#[test]
fn wasm_genesis_builder_matches_native() {
    let wasm = Engine::wasm(wasm_binary());
    let empty = InMemoryBackend::default();
    let mut overlay = OverlayedChanges::new();
    let mut ext = Ext::new(&mut overlay, &empty);
    let names = wasm.call(&mut ext, "GenesisBuilder_preset_names", &[]).unwrap();
    let names = Vec::<String>::decode(&mut &names[..]).unwrap();
    assert_eq!(names, vec!["development".to_string(), "local_testnet".to_string()]);
    let preset = wasm
        .call(&mut ext, "GenesisBuilder_get_preset", &Some("local_testnet".to_string()).encode())
        .unwrap();
    let json = Option::<Vec<u8>>::decode(&mut &preset[..]).unwrap().expect("preset exists");
    let built = wasm.call(&mut ext, "GenesisBuilder_build_state", &json.encode()).unwrap();
    assert_eq!(Result::<(), String>::decode(&mut &built[..]).unwrap(), Ok(()));
    let mut from_wasm: Vec<_> =
        overlay.into_changes().unwrap().into_iter().filter_map(|(k, v)| Some((k, v?))).collect();
    from_wasm.push((b":code".to_vec(), wasm_binary().to_vec()));
    from_wasm.sort();
    let mut native =
        genesis_pairs(&genesis::preset(&[0, 1, 2, 3], genesis::LOCAL_ERA_LENGTH), wasm_binary());
    native.sort();
    assert_eq!(from_wasm, native);
}

#[test]
fn bad_genesis_configs_are_refused_with_a_reason() {
    for (json, why) in [
        (&br#"{"balances": {"balances": [["5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQZ", 1]]}}"#[..], "checksum"),
        (br#"{"balancez": {}}"#, "unknown field"),
        (br#"{"balances": {"balances": [["0x1234", 1]]}}"#, "32 bytes"),
        (br#"not json"#, "invalid genesis config"),
    ] {
        let mut ext = lattice_io::TestExternalities::default();
        let r = ext.execute_with(|| genesis::build_state(json.to_vec()));
        let err = r.expect_err("refused");
        assert!(err.contains(why), "{err} should mention {why}");
    }
}

#[test]
fn dev_keys_are_the_well_known_ones() {
    for (name, sr, stash, ed) in DEV_KEYS {
        assert_eq!(pair(&format!("//{name}")).public().0, sr, "{name}");
        assert_eq!(pair(&format!("//{name}//stash")).public().0, stash, "{name} stash");
        let e = ed25519::Pair::from_string(&format!("//{name}"), None).unwrap();
        assert_eq!(e.public().0, ed, "{name} ed25519");
    }
    assert_eq!(
        genesis::ss58_encode(&DEV_KEYS[0].1, 42),
        "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
    );
}

#[test]
fn bad_session_and_staking_sections_are_refused_with_a_reason() {
    use serde_json::{json, Value};
    let dev = serde_json::to_value(genesis::preset(&[0], genesis::DEV_ERA_LENGTH)).unwrap();
    let alice = dev["session"]["keys"][0][0].clone();
    let bob = json!(format!("0x{}", hex::encode(DEV_KEYS[1].1)));
    type Case = (Box<dyn Fn(&mut Value)>, &'static str);
    let delegations = |list: Value, why| -> Case {
        (Box::new(move |c: &mut Value| c["staking"]["delegations"] = list.clone()), why)
    };
    let cases: Vec<Case> = vec![
        (Box::new(|c| c["session"]["period"] = json!(0)), "period must be greater than zero"),
        (Box::new(|c| c["session"]["keys"] = json!([])), "at least one authority"),
        (
            Box::new(|c| {
                let first = c["session"]["keys"][0].clone();
                c["session"]["keys"] = json!([first.clone(), first]);
            }),
            "appears twice",
        ),
        (Box::new(|c| c["session"]["period"] = json!("twenty")), "invalid type"),
        (Box::new(|c| c["staking"]["validators"][0][1] = json!(1)), "below min_validator_stake"),
        (
            Box::new(|c| c["staking"]["validators"][0][2] = json!(600_000_000)),
            "above max_commission",
        ),
        (
            Box::new(|c| c["staking"]["params"]["maxCommission"] = json!(1_000_000_001)),
            "above one whole",
        ),
        (Box::new(|c| c["staking"]["params"]["maxValidators"] = json!(0)), "max_validators"),
        (Box::new(|c| c["staking"]["params"]["unbondingPeriod"] = json!(0)), "unbonding_period"),
        (Box::new(|c| c["staking"]["params"]["blockReward"] = json!(-1)), "out of range"),
        (Box::new(|c| c["staking"]["params"]["slashEverything"] = json!(true)), "unknown field"),
        delegations(json!([[bob, bob, 1_000_000_000_000_000u64]]), "unknown validator"),
        delegations(json!([[bob, alice, 1u64]]), "below min_delegation"),
        // Ten times Bob's endowment.
        delegations(json!([[bob, alice, 10_000_000_000_000_000_000u64]]), "funds"),
    ];
    for (tweak, why) in cases {
        let mut config = dev.clone();
        tweak(&mut config);
        let json = serde_json::to_vec(&config).unwrap();
        let mut ext = lattice_io::TestExternalities::default();
        let r = ext.execute_with(|| genesis::build_state(json));
        let err = r.expect_err(why);
        assert!(err.contains(why), "{err} should mention {why}");
    }
    // The unmodified preset builds.
    let mut ext = lattice_io::TestExternalities::default();
    ext.execute_with(|| genesis::build_state(serde_json::to_vec(&dev).unwrap())).unwrap();
}
