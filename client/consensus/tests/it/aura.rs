use crate::{best, node};
use codec::Encode;
use lattice_chain::{BlockOrigin, ImportParams};
use lattice_consensus::aura::{author_slot, find_slot, verify_seal, ProposalLimits};
use lattice_consensus::Error;
use lattice_primitives::{DigestItem, H256};
use std::time::Duration;

fn limits() -> ProposalLimits {
    ProposalLimits::for_slot(Duration::from_secs(2))
}

fn import(client: &lattice_chain::Client, block: lattice_primitives::Block) {
    client
        .import_block(ImportParams {
            block,
            justification: None,
            origin: BlockOrigin::File,
            finalize: false,
        })
        .unwrap();
}

#[test]
fn the_author_builds_seals_and_another_node_verifies() {
    let alice = node(&["Alice"]);
    let other = node(&[]);
    for slot in 1..=3u64 {
        let p =
            author_slot(&alice.client, &alice.pool, &alice.keystore, slot, slot * 2000, limits())
                .unwrap()
                .expect("Alice authors every slot of the dev chain");
        assert_eq!(p.number as u64, slot);
        let block = alice.client.block(&p.hash).unwrap().unwrap();
        assert_eq!(find_slot(&block.header), Some(slot));
        verify_seal(&other.client, &block.header, slot).unwrap();
        import(&other.client, block);
    }
    assert_eq!(best(&alice), best(&other));
    // A second proposal in the same slot is not made.
    assert!(author_slot(&alice.client, &alice.pool, &alice.keystore, 3, 6000, limits())
        .unwrap()
        .is_none());
    // A node without the key does not author.
    assert!(author_slot(&other.client, &other.pool, &other.keystore, 4, 8000, limits())
        .unwrap()
        .is_none());
}

#[test]
fn bad_seals_are_refused() {
    let alice = node(&["Alice"]);
    let other = node(&[]);
    let p = author_slot(&alice.client, &alice.pool, &alice.keystore, 5, 10_000, limits())
        .unwrap()
        .unwrap();
    let block = alice.client.block(&p.hash).unwrap().unwrap();
    let header = block.header.clone();

    let mut tampered = header.clone();
    tampered.state_root = H256([1; 32]);
    assert!(matches!(verify_seal(&other.client, &tampered, 5), Err(Error::BadSeal { .. })));

    let mut unsealed = header.clone();
    unsealed.digest.logs.pop();
    assert!(matches!(verify_seal(&other.client, &unsealed, 5), Err(Error::NoSeal(_))));

    let mut no_slot = header.clone();
    no_slot.digest.logs.retain(|d| !matches!(d, DigestItem::PreRuntime(..)));
    assert!(matches!(verify_seal(&other.client, &no_slot, 5), Err(Error::NoPreDigest(_))));

    assert!(matches!(verify_seal(&other.client, &header, 3), Err(Error::FutureSlot { .. })));

    // Bob's key signing Alice's slot.
    let mut forged = header.clone();
    let seal = forged.digest.logs.pop();
    let bob = <sp_core::sr25519::Pair as sp_core::Pair>::from_string("//Bob", None).unwrap();
    let sig = sp_core::Pair::sign(&bob, forged.hash().as_bytes());
    forged.digest.logs.push(DigestItem::Seal(*b"aura", sig.0.encode()));
    assert!(seal.is_some());
    assert!(matches!(verify_seal(&other.client, &forged, 5), Err(Error::BadSeal { .. })));

    verify_seal(&other.client, &header, 5).unwrap();
    import(&other.client, block);
    // The next block may not reuse the slot.
    let mut same_slot = header.clone();
    same_slot.parent_hash = header.hash();
    same_slot.number += 1;
    assert!(matches!(
        verify_seal(&other.client, &same_slot, 6),
        Err(Error::SlotNotIncreasing { .. })
    ));
}
