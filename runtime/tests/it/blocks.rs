//! Blocks of signed transfers and batches, built and imported through the Wasm runtime
//! and natively, with identical results.

use crate::common::*;
use lattice_primitives::{Address, DispatchError};
use lattice_runtime::{RuntimeCall, RuntimeEvent, LAT};
use lattice_state::Backend;

fn workload(chain: &Chain) -> Vec<Vec<u8>> {
    let alice = pair("//Alice");
    let bob = pair("//Bob");
    let charlie = pair("//Charlie");
    let fresh = account(&pair("//Fresh"));
    vec![
        chain.sign(&alice, transfer_keep_alive(&account(&bob), 10 * LAT), 0, 0),
        chain.sign(&bob, transfer_allow_death(&fresh, 3 * LAT), 0, 5),
        chain.sign(
            &charlie,
            RuntimeCall::Utility(pallet_utility::Call::batch {
                calls: vec![
                    transfer_keep_alive(&account(&alice), LAT),
                    RuntimeCall::System(pallet_system::Call::remark_with_event {
                        remark: b"hi".to_vec(),
                    }),
                ],
            }),
            0,
            0,
        ),
        // Fails in dispatch (more than Alice has): included, rolled back, fee paid.
        chain.sign(&alice, transfer_keep_alive(&account(&bob), 10_000_000 * LAT), 1, 0),
    ]
}

#[test]
fn wasm_and_native_build_the_same_block() {
    let wasm = Engine::wasm(wasm_binary());
    let mut a = Chain::new(&[0], &[]);
    let mut b = Chain::new(&[0], &[]);
    let xts = workload(&a);
    let (block_w, results_w) = a.produce(&wasm, &xts).expect("wasm builds and imports");
    let (block_n, results_n) = b.produce(&Engine::Native, &xts).expect("native builds and imports");
    assert_eq!(block_w, block_n, "same header (state and extrinsics roots) and body");
    assert_eq!(results_w, results_n);
    assert_eq!(a.events(), b.events());
    assert_eq!(results_w.len(), 4);
    assert!(results_w[..3].iter().all(|r| r == &Ok(Ok(()))), "{results_w:?}");
    assert!(matches!(results_w[3], Ok(Err(DispatchError::Module(_)))), "{:?}", results_w[3]);
    a.with_state(lattice_runtime::executive::try_state).expect("invariants hold");
}

#[test]
fn a_block_built_in_wasm_imports_natively_and_vice_versa() {
    let wasm = Engine::wasm(wasm_binary());
    let mut builder = Chain::new(&[0], &[]);
    let mut importer = Chain::new(&[0], &[]);
    for round in 0..3 {
        let engines =
            if round % 2 == 0 { (&wasm, &Engine::Native) } else { (&Engine::Native, &wasm) };
        let xts = vec![builder.sign(
            &pair("//Dave"),
            transfer_keep_alive(&account(&pair("//Eve")), LAT),
            round,
            0,
        )];
        let (block, _) = builder.produce(engines.0, &xts).expect("builds");
        importer.import(engines.1, &block).expect("imports on the other engine");
        assert_eq!(importer.best, builder.best);
    }
    assert_eq!(importer.state.root(), builder.state.root());
}

#[test]
fn transfer_events_and_balances() {
    let wasm = Engine::wasm(wasm_binary());
    let mut chain = Chain::new(&[0], &[]);
    let charlie = pair("//Charlie");
    let dave = account(&pair("//Dave"));
    let before_c = chain.free(&account(&charlie));
    let before_d = chain.free(&dave);
    let xt = chain.sign(&charlie, transfer_keep_alive(&dave, 2 * LAT), 0, 0);
    chain.produce(&wasm, &[xt]).expect("block");
    let events = just_events(&chain.events());
    assert!(events.contains(&RuntimeEvent::Balances(pallet_balances::Event::Transfer {
        from: account(&charlie),
        to: dave,
        amount: 2 * LAT,
    })));
    let fee = events
        .iter()
        .find_map(|e| match e {
            RuntimeEvent::TransactionPayment(
                pallet_transaction_payment::Event::TransactionFeePaid { who, actual_fee, .. },
            ) if *who == account(&charlie) => Some(*actual_fee),
            _ => None,
        })
        .expect("fee event");
    assert!(fee > 0);
    assert!(events
        .iter()
        .any(|e| matches!(e, RuntimeEvent::System(pallet_system::Event::ExtrinsicSuccess { .. }))));
    assert_eq!(chain.free(&dave), before_d + 2 * LAT);
    assert_eq!(chain.free(&account(&charlie)), before_c - 2 * LAT - fee);
    assert_eq!(chain.account(&account(&charlie)).nonce, 1);
    chain.with_state(lattice_runtime::executive::try_state).expect("invariants hold");
}

#[test]
fn batch_all_is_atomic_and_force_batch_continues() {
    let wasm = Engine::wasm(wasm_binary());
    let mut chain = Chain::new(&[0], &[]);
    let eve = pair("//Eve");
    let ferdie = account(&pair("//Ferdie"));
    let too_much = transfer_keep_alive(&ferdie, 100_000_000 * LAT);
    let one = transfer_keep_alive(&ferdie, LAT);
    let before = chain.free(&ferdie);
    let xts = vec![
        chain.sign(
            &eve,
            RuntimeCall::Utility(pallet_utility::Call::batch_all {
                calls: vec![one.clone(), too_much.clone()],
            }),
            0,
            0,
        ),
        chain.sign(
            &eve,
            RuntimeCall::Utility(pallet_utility::Call::force_batch { calls: vec![too_much, one] }),
            1,
            0,
        ),
    ];
    let (_, results) = chain.produce(&wasm, &xts).expect("block");
    assert!(
        results[0].as_ref().is_ok_and(|r| r.is_err()),
        "batch_all fails as a whole: {results:?}"
    );
    assert_eq!(results[1], Ok(Ok(())));
    assert_eq!(chain.free(&ferdie), before + LAT, "only force_batch's good item landed");
}

#[test]
fn signed_origin_cannot_call_root_functions() {
    let wasm = Engine::wasm(wasm_binary());
    let mut chain = Chain::new(&[0], &[]);
    let call = RuntimeCall::Balances(pallet_balances::Call::force_set_balance {
        who: Address::Id(account(&pair("//Bob"))),
        new_free: 1,
    });
    let xt = chain.sign(&pair("//Bob"), call, 0, 0);
    let (_, results) = chain.produce(&wasm, &[xt]).expect("block");
    assert_eq!(results[0], Ok(Err(DispatchError::BadOrigin)));
}
