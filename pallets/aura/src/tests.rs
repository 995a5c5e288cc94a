//! Tests of the Aura pallet.

use crate::mock::*;
use crate::*;
use codec::{Decode, Encode};
use lattice_support::lattice_io::TestExternalities;
use lattice_support::lattice_primitives::Digest;
use lattice_support::traits::{FindAuthor, Hooks};
use scale_info::TypeInfo;

fn consensus_logs() -> Vec<Vec<u8>> {
    pallet_system::BlockDigest::get()
        .logs
        .into_iter()
        .filter_map(|item| match item {
            DigestItem::Consensus(id, data) if id == AURA_ENGINE_ID => Some(data),
            _ => None,
        })
        .collect()
}

#[test]
fn genesis_sets_the_authorities() {
    ExtBuilder::default().build().execute_with(|| {
        assert_eq!(Aura::authorities(), vec![authority(1), authority(2), authority(3)]);
        assert_eq!(Aura::slot_duration(), SLOT_DURATION);
        assert_eq!(Aura::current_slot(), Slot(0));
        assert_eq!(Aura::try_state(0), Ok(()));
    });
}

#[test]
fn genesis_rejects_bad_authority_sets() {
    let build = |authorities: Vec<AuthorityId>| {
        TestExternalities::default().execute_with(|| GenesisConfig { authorities }.build::<Test>())
    };
    assert!(build(vec![]).is_err());
    assert!(build((1..=MAX_AUTHORITIES as u8 + 1).map(authority).collect()).is_err());
    assert!(build(vec![authority(1), authority(2), authority(1)]).is_err());
    assert_eq!(build((1..=MAX_AUTHORITIES as u8).map(authority).collect()), Ok(()));
    ExtBuilder::default().build().execute_with(|| {
        let again = GenesisConfig { authorities: vec![authority(9)] }.build::<Test>();
        assert_eq!(again, Err("Aura genesis: authorities are already initialized"));
        assert_eq!(Aura::authorities().len(), 3);
    });
}

#[test]
fn on_initialize_stores_the_slot_of_each_block() {
    ExtBuilder::default().build().execute_with(|| {
        run_to_block(5);
        assert_eq!(Aura::current_slot(), Slot(105));
        // Slots may skip (an author was offline).
        start_block_with(6, slot_digest(200));
        assert_eq!(Aura::current_slot(), Slot(200));
        end_block();
    });
}

#[test]
fn block_without_an_aura_digest_keeps_the_slot() {
    ExtBuilder::default().build().execute_with(|| {
        run_to_block(1);
        start_block_with(2, Digest::default());
        assert_eq!(Aura::current_slot(), Slot(101));
        assert_eq!(Aura::author(), None);
        end_block();
    });
}

#[test]
#[should_panic(expected = "the slot must increase")]
fn repeated_slot_is_an_invalid_block() {
    ExtBuilder::default().build().execute_with(|| {
        run_to_block(1);
        start_block_with(2, slot_digest(101));
    });
}

#[test]
#[should_panic(expected = "the slot must increase")]
fn decreasing_slot_is_an_invalid_block() {
    ExtBuilder::default().build().execute_with(|| {
        run_to_block(3);
        start_block_with(4, slot_digest(50));
    });
}

#[test]
#[should_panic(expected = "does not decode as a slot")]
fn short_slot_digest_is_an_invalid_block() {
    ExtBuilder::default().build().execute_with(|| {
        let digest = Digest { logs: vec![DigestItem::PreRuntime(AURA_ENGINE_ID, vec![1, 2, 3])] };
        start_block_with(1, digest);
    });
}

#[test]
#[should_panic(expected = "does not decode as a slot")]
fn slot_digest_with_trailing_bytes_is_an_invalid_block() {
    ExtBuilder::default().build().execute_with(|| {
        let digest = Digest { logs: vec![DigestItem::PreRuntime(AURA_ENGINE_ID, vec![1; 9])] };
        start_block_with(1, digest);
    });
}

#[test]
fn author_is_the_authority_of_the_slot() {
    ExtBuilder::default().build().execute_with(|| {
        for (slot, expected) in [(300u64, 1u8), (301, 2), (302, 3), (303, 1), (u64::MAX, 1)] {
            let n = pallet_system::Number::get() + 1;
            start_block_with(n, slot_digest(slot));
            let author = AccountId32([expected; 32]);
            assert_eq!(Aura::author(), Some(author), "slot {slot}");
            assert_eq!(FindAuraAuthor::<Test>::find_author(), Some(author));
            if slot < u64::MAX {
                end_block();
            }
        }
    });
}

#[test]
fn author_is_none_without_authorities() {
    ExtBuilder::default().build().execute_with(|| {
        Authorities::kill();
        start_block_with(1, slot_digest(7));
        assert_eq!(Aura::author(), None);
        assert!(Aura::try_state(1).is_err());
    });
}

#[test]
fn change_authorities_stores_and_signals_the_new_set() {
    ExtBuilder::default().build().execute_with(|| {
        start_block_with(1, slot_digest(1));
        Aura::change_authorities(vec![authority(7), authority(8)]);
        assert_eq!(Aura::authorities(), vec![authority(7), authority(8)]);
        // Substrate's `ConsensusLog::AuthoritiesChange(Vec<Public>)`: index 1, then the list.
        let mut expected = vec![1u8, 2 << 2];
        expected.extend_from_slice(&[7; 32]);
        expected.extend_from_slice(&[8; 32]);
        assert_eq!(consensus_logs(), vec![expected]);
        end_block();
    });
}

#[test]
fn change_authorities_ignores_an_empty_set() {
    ExtBuilder::default().build().execute_with(|| {
        start_block_with(1, slot_digest(1));
        Aura::change_authorities(vec![]);
        assert_eq!(Aura::authorities().len(), 3);
        assert!(consensus_logs().is_empty());
        end_block();
    });
}

#[test]
fn change_authorities_truncates_an_oversized_set() {
    ExtBuilder::default().build().execute_with(|| {
        start_block_with(1, slot_digest(1));
        Aura::change_authorities((10..20).map(authority).collect());
        assert_eq!(Aura::authorities(), (10..14).map(authority).collect::<Vec<_>>());
        let logs = consensus_logs();
        assert_eq!(
            ConsensusLog::decode(&mut &logs[0][..]),
            Ok(ConsensusLog::AuthoritiesChange((10..14).map(authority).collect()))
        );
        end_block();
    });
}

#[test]
fn on_disabled_signals_the_index() {
    ExtBuilder::default().build().execute_with(|| {
        start_block_with(1, slot_digest(1));
        Aura::on_disabled(2);
        assert_eq!(consensus_logs(), vec![vec![2, 2, 0, 0, 0]]);
    });
}

#[test]
fn timestamp_must_lie_in_the_slot() {
    ExtBuilder::default().build().execute_with(|| {
        start_block_with(1, slot_digest(7));
        assert_eq!(Aura::on_timestamp_set(7 * SLOT_DURATION), Ok(()));
        assert_eq!(Aura::on_timestamp_set(8 * SLOT_DURATION - 1), Ok(()));
        assert_eq!(Aura::on_timestamp_set(8 * SLOT_DURATION), Err(DispatchError::Other));
        assert_eq!(Aura::on_timestamp_set(7 * SLOT_DURATION - 1), Err(DispatchError::Other));
    });
}

#[test]
fn try_state_detects_duplicate_authorities() {
    ExtBuilder::default().build().execute_with(|| {
        Authorities::put(&vec![authority(1), authority(1)]);
        assert_eq!(Aura::try_state(0), Err("Aura: an authority appears twice"));
        Authorities::put(&(0..5).map(authority).collect());
        assert_eq!(Aura::try_state(0), Err("Aura: more authorities than MAX_AUTHORITIES"));
    });
}

#[test]
fn slot_digest_decoding() {
    assert_eq!(slot_from_digest(&Digest::default()), None);
    assert_eq!(slot_from_digest(&slot_digest(42)), Some(Ok(Slot(42))));
    let other_engine = Digest { logs: vec![DigestItem::PreRuntime(*b"BABE", Slot(1).encode())] };
    assert_eq!(slot_from_digest(&other_engine), None);
}

#[test]
fn metadata_uses_substrate_names_and_paths() {
    let meta = Aura::metadata();
    assert_eq!(meta.name, "Aura");
    let names: Vec<_> = meta.storage.iter().map(|s| s.name).collect();
    assert_eq!(names, ["Authorities", "CurrentSlot"]);
    assert_eq!(meta.constants[0].name, "SlotDuration");
    assert_eq!(meta.constants[0].value, SLOT_DURATION.encode());
    assert!(meta.calls.is_none() && meta.event.is_none() && meta.error.is_none());
    let path = |t: scale_info::Type| t.path.segments.join("::");
    assert_eq!(path(AuthorityId::type_info()), "sp_consensus_aura::sr25519::app_sr25519::Public");
    assert_eq!(path(Slot::type_info()), "sp_consensus_slots::Slot");
    // twox128("Aura") ++ twox128("Authorities"), as on every Substrate Aura chain.
    let key: String = Authorities::key().iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(key, "57f8dc2f5ab09467896f47300f0424385e0621c4869aa60c02be9adcc98a0d1d");
}
