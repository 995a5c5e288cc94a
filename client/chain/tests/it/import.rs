use crate::harness::*;
use futures::StreamExt;
use lattice_chain::{BlockOrigin, Error, ImportOutcome, ImportParams};
use lattice_primitives::{DigestItem, H256};

fn params(block: lattice_primitives::Block) -> ImportParams {
    ImportParams { block, justification: None, origin: BlockOrigin::File, finalize: false }
}

#[test]
fn built_blocks_import_on_another_node_with_the_same_state() {
    let a = chain();
    let b = chain();
    assert_eq!(a.client.genesis_hash(), b.client.genesis_hash());
    let (alice, bob) = (pair("//Alice"), account(&pair("//Bob")));
    let bob_before = free(&a.client, a.client.genesis_hash(), &bob);
    let mut parent = a.client.genesis_hash();
    let mut imports = b.client.import_notification_stream();
    for n in 0..3u32 {
        let txs: Vec<_> =
            (0..5).map(|i| transfer(&a.client, &alice, &bob, 1_000, n * 5 + i)).collect();
        let built = build(&a.client, parent, 1 + n as u64, &txs);
        let block = built.block.clone();
        let hash = block.header.hash();
        assert!(matches!(
            a.client.import_built(built.block, built.state, BlockOrigin::Own).unwrap(),
            ImportOutcome::Imported { is_new_best: true, .. }
        ));
        // A sealed header (a seal the runtime never sees) imports too.
        let outcome = b.client.import_block(params(block.clone())).unwrap();
        assert_eq!(outcome, ImportOutcome::Imported { hash, number: n + 1, is_new_best: true });
        assert_eq!(b.client.import_block(params(block)).unwrap(), ImportOutcome::AlreadyInChain);
        let note = futures::executor::block_on(imports.next()).unwrap();
        assert_eq!((note.hash, note.is_new_best), (hash, true));
        assert!(!note.changes.is_empty());
        parent = hash;
    }
    assert_eq!(a.client.info().best_hash, b.client.info().best_hash);
    assert_eq!(free(&b.client, parent, &bob), bob_before + 15_000);
    let (hits, _) = b.client.storage_cache_stats();
    assert!(hits > 0, "the best block's cache served reads");
}

#[test]
fn a_block_with_a_wrong_state_root_or_unknown_parent_is_refused_and_nothing_is_stored() {
    let a = chain();
    let b = chain();
    let built = build(&a.client, a.client.genesis_hash(), 1, &[]);
    let mut bad = built.block.clone();
    bad.header.state_root = H256([7; 32]);
    let err = b.client.import_block(params(bad)).unwrap_err();
    // The runtime's own final check refuses it before the client compares roots.
    assert!(matches!(err, Error::Execution { .. } | Error::StateRootMismatch { .. }), "{err}");
    let mut orphan = built.block.clone();
    orphan.header.parent_hash = H256([9; 32]);
    assert!(matches!(
        b.client.import_block(params(orphan)).unwrap_err(),
        Error::UnknownParent { .. }
    ));
    let mut garbage = built.block.clone();
    garbage.extrinsics.push(lattice_primitives::OpaqueExtrinsic(vec![1, 2, 3]));
    assert!(b.client.import_block(params(garbage)).is_err());
    assert_eq!(b.client.info().best_number, 0);
    // The genuine block still imports afterwards.
    b.client.import_block(params(built.block)).unwrap();
    assert_eq!(b.client.info().best_number, 1);
}

#[test]
fn refused_transactions_leave_no_trace_in_the_block() {
    let a = chain();
    let alice = pair("//Alice");
    let bob = account(&pair("//Bob"));
    let good = transfer(&a.client, &alice, &bob, 1_000, 0);
    let mut bad_sig = transfer(&a.client, &alice, &bob, 1_000, 1);
    let n = bad_sig.len();
    bad_sig[n - 20] ^= 1;
    let stale = good.clone();
    let digest = lattice_primitives::Digest {
        logs: vec![DigestItem::PreRuntime(*b"aura", codec::Encode::encode(&1u64))],
    };
    let mut builder =
        lattice_chain::BlockBuilder::new(&a.client, a.client.genesis_hash(), digest).unwrap();
    let mut data = lattice_primitives::InherentData::default();
    data.put(
        lattice_primitives::inherent::TIMESTAMP_INHERENT,
        &lattice_runtime::configs::SLOT_DURATION,
    );
    for xt in builder.create_inherents(&data).unwrap() {
        builder.push(&xt).unwrap().unwrap().unwrap();
    }
    assert!(builder.push(&good).unwrap().is_ok());
    assert!(builder.push(&stale).unwrap().is_err(), "replayed nonce");
    assert!(builder.push(&bad_sig).unwrap().is_err(), "bad signature");
    assert!(builder.push(&[0xff, 0x01]).is_err(), "undecodable");
    assert_eq!(builder.len(), 2);
    let built = builder.build().unwrap();
    // Another node accepts the block: the refused transactions changed nothing.
    let b = chain();
    b.client.import_block(params(built.block)).unwrap();
}

#[test]
fn forks_reorg_finality_and_revert() {
    let a = chain();
    let g = a.client.genesis_hash();
    let b1 = build(&a.client, g, 1, &[]);
    let h1 = b1.block.header.hash();
    a.client.import_built(b1.block, b1.state, BlockOrigin::Own).unwrap();
    let b2 = build(&a.client, h1, 2, &[]);
    let h2 = b2.block.header.hash();
    a.client.import_built(b2.block, b2.state, BlockOrigin::Own).unwrap();
    // A fork from block 1 in later slots: equal height keeps the first, longer wins.
    let f2 = build(&a.client, h1, 3, &[]);
    let hf2 = f2.block.header.hash();
    let out = a.client.import_built(f2.block, f2.state, BlockOrigin::NetworkBroadcast).unwrap();
    assert!(matches!(out, ImportOutcome::Imported { is_new_best: false, .. }));
    let mut imports = a.client.import_notification_stream();
    let f3 = build(&a.client, hf2, 4, &[]);
    let hf3 = f3.block.header.hash();
    a.client.import_built(f3.block, f3.state, BlockOrigin::NetworkBroadcast).unwrap();
    let note = futures::executor::block_on(imports.next()).unwrap();
    let route = note.tree_route.expect("a re-org has a route");
    assert_eq!(
        (route.retracted.clone(), route.common, route.enacted.clone()),
        (vec![h2], h1, vec![hf2, hf3])
    );
    assert_eq!(a.client.info().best_hash, hf3);
    assert_eq!(a.client.hash(2).unwrap(), Some(hf2));

    let mut finality = a.client.finality_notification_stream();
    a.client.finalize_block(hf2, None).unwrap();
    let note = futures::executor::block_on(finality.next()).unwrap();
    assert_eq!((note.hash, note.tree_route), (hf2, vec![h1]));
    // The displaced fork cannot be finalized, and finality cannot be reverted.
    assert!(a.client.finalize_block(h2, None).is_err());
    assert!(a.client.revert(2).is_err());
    assert_eq!(a.client.info().finalized_hash, hf2);
    assert_eq!(a.client.revert(1).unwrap(), (hf2, 2));
    assert_eq!(a.client.info().best_hash, hf2);
    // A block below the finalized one is refused.
    let late = build(&a.client, g, 5, &[]);
    assert!(a.client.import_block(params(late.block)).is_err());
}

#[test]
fn a_reopened_database_resumes_and_another_chain_is_refused() {
    let a = chain();
    let b1 = build(&a.client, a.client.genesis_hash(), 1, &[]);
    let h1 = b1.block.header.hash();
    a.client.import_built(b1.block, b1.state, BlockOrigin::Own).unwrap();
    a.client.finalize_block(h1, Some((*b"FRNK", vec![1, 2, 3]))).unwrap();
    let dir = a.dir;
    drop(a.client);
    let client = open(dir.path());
    assert_eq!((client.info().best_hash, client.info().finalized_hash), (h1, h1));
    assert_eq!(client.justifications(&h1).unwrap(), Some(vec![(*b"FRNK", vec![1, 2, 3])]));
    assert_eq!(client.runtime_version(&h1).unwrap().spec_name, "lattice");
    drop(client);
    let executor = executor();
    let mut other = genesis(&executor);
    other.push((b"extra".to_vec(), b"key".to_vec()));
    let db = lattice_db::Database::open(lattice_db::DatabaseConfig::new(dir.path())).unwrap();
    let err = lattice_chain::Client::new(db, executor, other, None).err().expect("refused");
    assert!(matches!(err, Error::GenesisMismatch { .. }), "{err}");
}
