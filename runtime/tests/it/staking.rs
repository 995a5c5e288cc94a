//! Staking through the Wasm runtime: a validator joins by extrinsics and becomes an
//! authority at the next era; `LatticeStakingApi` reports validators, delegations,
//! rewards and unbonding as the chain moves.

use crate::common::*;
use codec::{Decode, Encode};
use lattice_primitives::staking::{
    DelegationInfo, RewardInfo, UnbondingInfo, ValidatorInfo, ValidatorStatus,
};
use lattice_primitives::AccountId32;
use lattice_runtime::genesis::{
    DEV_ERA_LENGTH, DEV_KEYS, DEV_UNBONDING_PERIOD, DEV_VALIDATOR_STAKE,
};
use lattice_runtime::RuntimeCall;
use lattice_support::arithmetic::Perbill;
use pallet_staking::ValidatorMetadata;

const LAT: u128 = 1_000_000_000_000;

fn api<T: Decode>(engine: &Engine, chain: &Chain, method: &str, input: &[u8]) -> T {
    let out = chain.call(engine, method, input).unwrap_or_else(|e| panic!("{method}: {e}"));
    T::decode(&mut &out[..]).expect("the answer decodes")
}

fn validators(engine: &Engine, chain: &Chain) -> Vec<ValidatorInfo> {
    api(engine, chain, "LatticeStakingApi_validators", &[])
}

fn aura_authorities(engine: &Engine, chain: &Chain) -> Vec<[u8; 32]> {
    api(engine, chain, "AuraApi_authorities", &[])
}

fn ok(results: &[lattice_primitives::ApplyExtrinsicResult]) {
    for r in results {
        assert!(matches!(r, Ok(Ok(()))), "extrinsic failed: {r:?}");
    }
}

#[test]
fn a_validator_joins_by_extrinsics_and_the_read_api_follows_it() {
    let wasm = Engine::wasm(wasm_binary());
    let mut chain = Chain::new(&[0, 1], &[]);
    let alice = AccountId32(DEV_KEYS[0].1);
    let (charlie_pair, dave_pair) = (pair("//Charlie"), pair("//Dave"));
    let (charlie, dave) = (account(&charlie_pair), account(&dave_pair));

    // Genesis: Alice and Bob, bonded by the preset and elected.
    let list = validators(&wasm, &chain);
    assert_eq!(list.len(), 2);
    for v in &list {
        assert!(v.elected && v.status == ValidatorStatus::Active && v.jailed_until.is_none());
        assert_eq!((v.self_stake, v.delegated, v.commission), (DEV_VALIDATOR_STAKE, 0, 0));
        assert_eq!(v.current.era, 0);
        assert_eq!(v.previous, None);
    }

    // Charlie registers keys and validates; Dave delegates to Alice.
    let keys = pallet_session::SessionKeys {
        aura: pallet_aura::AuthorityId(DEV_KEYS[2].1),
        grandpa: pallet_grandpa::AuthorityId(DEV_KEYS[2].3),
    };
    let metadata = ValidatorMetadata {
        name: b"charlie".to_vec(),
        website: b"https://charlie.example".to_vec(),
        description: b"a validator".to_vec(),
    };
    let xts = [
        chain.sign(
            &charlie_pair,
            RuntimeCall::Session(pallet_session::Call::set_keys { keys, proof: vec![] }),
            0,
            0,
        ),
        chain.sign(
            &charlie_pair,
            RuntimeCall::Staking(pallet_staking::Call::validate {
                stake: 20_000 * LAT,
                commission: Perbill::from_percent(5),
                metadata: metadata.clone(),
            }),
            1,
            0,
        ),
        chain.sign(
            &dave_pair,
            RuntimeCall::Staking(pallet_staking::Call::delegate {
                validator: alice,
                amount: 1_000 * LAT,
            }),
            0,
            0,
        ),
    ];
    let (_, results) = chain.produce(&wasm, &xts).unwrap();
    ok(&results);

    let list = validators(&wasm, &chain);
    let entry = |list: &[ValidatorInfo], who: &AccountId32| {
        list.iter().find(|v| v.account == *who).cloned().expect("listed")
    };
    let c = entry(&list, &charlie);
    assert!(!c.elected, "a candidate, not yet elected");
    assert_eq!((c.self_stake, c.commission), (20_000 * LAT, 50_000_000));
    assert_eq!(
        (c.name, c.website, c.description),
        (metadata.name, metadata.website, metadata.description)
    );
    let a = entry(&list, &alice);
    assert_eq!((a.delegated, a.delegators), (1_000 * LAT, 1));
    let delegations: Vec<DelegationInfo> =
        api(&wasm, &chain, "LatticeStakingApi_delegations", &dave.encode());
    assert_eq!(delegations, vec![DelegationInfo { validator: alice, amount: 1_000 * LAT }]);
    assert_eq!(aura_authorities(&wasm, &chain), vec![DEV_KEYS[0].1, DEV_KEYS[1].1]);

    // The era ends in block DEV_ERA_LENGTH: Charlie is an authority from the next block.
    while chain.best.number < DEV_ERA_LENGTH {
        chain.produce(&wasm, &[]).unwrap();
    }
    let mut authorities = aura_authorities(&wasm, &chain);
    authorities.sort();
    let mut expected = vec![DEV_KEYS[0].1, DEV_KEYS[1].1, DEV_KEYS[2].1];
    expected.sort();
    assert_eq!(authorities, expected);
    let list = validators(&wasm, &chain);
    assert!(list.iter().all(|v| v.elected && v.current.era == 1), "{list:?}");
    let a = entry(&list, &alice);
    let previous = a.previous.expect("era 0 ended");
    assert_eq!(previous.era, 0);
    assert!(previous.assigned > 0 && previous.authored == previous.assigned, "{previous:?}");

    // Payouts are paged over the next blocks; then Dave has a reward for era 0.
    for _ in 0..5 {
        chain.produce(&wasm, &[]).unwrap();
    }
    let rewards: Vec<RewardInfo> = api(&wasm, &chain, "LatticeStakingApi_rewards", &dave.encode());
    assert_eq!(rewards.len(), 1, "{rewards:?}");
    assert_eq!(rewards[0].era, 0);
    assert!(rewards[0].amount > 0);
    let none: Vec<RewardInfo> = api(&wasm, &chain, "LatticeStakingApi_rewards", &charlie.encode());
    assert!(none.is_empty(), "Charlie was not elected in era 0");

    // Dave undelegates part: an unbonding entry until the unbonding period has passed.
    let xt = chain.sign(
        &dave_pair,
        RuntimeCall::Staking(pallet_staking::Call::undelegate {
            validator: alice,
            amount: 400 * LAT,
        }),
        1,
        0,
    );
    let (block, results) = chain.produce(&wasm, &[xt]).unwrap();
    ok(&results);
    let unbonding: Vec<UnbondingInfo> =
        api(&wasm, &chain, "LatticeStakingApi_unbonding", &dave.encode());
    assert_eq!(
        unbonding,
        vec![UnbondingInfo {
            validator: alice,
            amount: 400 * LAT,
            era: 1,
            unlock_at: block.header.number + DEV_UNBONDING_PERIOD,
        }]
    );
    let delegations: Vec<DelegationInfo> =
        api(&wasm, &chain, "LatticeStakingApi_delegations", &dave.encode());
    assert_eq!(delegations, vec![DelegationInfo { validator: alice, amount: 600 * LAT }]);
}

#[test]
fn the_read_api_refuses_arguments_that_are_not_one_account() {
    let wasm = Engine::wasm(wasm_binary());
    let chain = Chain::new(&[0], &[]);
    for method in [
        "LatticeStakingApi_delegations",
        "LatticeStakingApi_rewards",
        "LatticeStakingApi_unbonding",
    ] {
        for input in [vec![], vec![1u8; 31], vec![1u8; 33]] {
            let err = chain.call(&wasm, method, &input).expect_err("refused");
            assert!(err.contains("BadInput"), "{method}: {err}");
        }
        // An unknown account has nothing.
        let out = chain.call(&wasm, method, &[7u8; 32]).unwrap();
        assert_eq!(out, vec![0], "{method}: an empty list");
    }
}

/// A double precommit by `//Bob`'s GRANDPA key in `set_id`, signed with `signer`'s.
fn double_vote(set_id: u64, signer: &str) -> pallet_staking::EquivocationProof {
    use pallet_staking::{EquivocationProof, GrandpaEquivocation, VoteEquivocation, VoteTarget};
    use sp_core::Pair;
    let key = sp_core::ed25519::Pair::from_string(signer, None).unwrap();
    let a = VoteTarget { target_hash: lattice_primitives::H256([1; 32]), target_number: 1 };
    let b = VoteTarget { target_hash: lattice_primitives::H256([2; 32]), target_number: 1 };
    let unsigned = |first, second| EquivocationProof {
        set_id,
        equivocation: GrandpaEquivocation::Precommit(VoteEquivocation {
            round_number: 1,
            identity: DEV_KEYS[1].3,
            first: (a, first),
            second: (b, second),
        }),
    };
    let draft = unsigned([0; 64], [0; 64]);
    let (sa, sb) = (key.sign(&draft.signing_payload(&a)).0, key.sign(&draft.signing_payload(&b)).0);
    unsigned(sa, sb)
}

/// The unsigned extrinsic of a staking call (a report).
fn unsigned(call: pallet_staking::Call) -> Vec<u8> {
    lattice_runtime::Extrinsic::new_unsigned(RuntimeCall::Staking(call)).encode()
}

fn report(proof: pallet_staking::EquivocationProof, reporter: AccountId32) -> Vec<u8> {
    unsigned(pallet_staking::Call::report_equivocation {
        proof: Box::new(proof),
        reporter: Some(reporter),
    })
}

#[test]
fn a_reported_double_vote_jails_and_slashes_the_voter_once() {
    use lattice_primitives::{InvalidTransaction, TransactionValidityError};
    let wasm = Engine::wasm(wasm_binary());
    let mut chain = Chain::new(&[0, 1], &[]);
    let (bob, charlie) = (AccountId32(DEV_KEYS[1].1), AccountId32(DEV_KEYS[2].1));
    let validate = |chain: &Chain, xt: &[u8]| chain.validate(&wasm, xt);
    let good = report(double_vote(0, "//Bob"), charlie);
    assert!(validate(&chain, &good).is_ok());
    // Signed by another key, or for a set that is not the current one: refused.
    for bad in
        [report(double_vote(0, "//Alice"), charlie), report(double_vote(1, "//Bob"), charlie)]
    {
        let bad_proof = TransactionValidityError::Invalid(InvalidTransaction::BadProof);
        assert_eq!(validate(&chain, &bad), Err(bad_proof));
        let (_, results) = chain.build(&wasm, &[bad]).unwrap();
        assert_eq!(results, vec![Err(bad_proof)]);
    }

    let reporter_before = chain.free(&charlie);
    let (_, results) = chain.produce(&wasm, std::slice::from_ref(&good)).unwrap();
    ok(&results);
    let b = validators(&wasm, &chain).into_iter().find(|v| v.account == bob).unwrap();
    assert!(b.jailed_until.is_some(), "{b:?}");
    // Once per authority set: the same proof again is stale.
    let stale = TransactionValidityError::Invalid(InvalidTransaction::Stale);
    assert_eq!(validate(&chain, &good), Err(stale));
    let (_, results) = chain.build(&wasm, &[good]).unwrap();
    assert_eq!(results, vec![Err(stale)]);

    // The slash job runs in the next blocks: 10% burned, 10% of that to the reporter.
    for _ in 0..3 {
        chain.produce(&wasm, &[]).unwrap();
    }
    let b = validators(&wasm, &chain).into_iter().find(|v| v.account == bob).unwrap();
    assert_eq!(b.self_stake, DEV_VALIDATOR_STAKE / 10 * 9);
    assert_eq!(chain.free(&charlie), reporter_before + DEV_VALIDATOR_STAKE / 100);
    // Jailed validators are not elected: Bob leaves the authorities at the era's end.
    while chain.best.number < DEV_ERA_LENGTH {
        chain.produce(&wasm, &[]).unwrap();
    }
    assert_eq!(aura_authorities(&wasm, &chain), vec![DEV_KEYS[0].1]);
}

/// A header of `slot` sealed with `signer`'s sr25519 key; `salt` tells two apart.
fn sealed_header(slot: u64, signer: &str, salt: u8) -> lattice_primitives::Header {
    use lattice_primitives::{Digest, DigestItem, Header, H256};
    use sp_core::Pair;
    let mut header = Header {
        parent_hash: H256([salt; 32]),
        number: 3,
        state_root: H256([0; 32]),
        extrinsics_root: H256([0; 32]),
        digest: Digest { logs: vec![DigestItem::PreRuntime(*b"aura", slot.encode())] },
    };
    let signature = pair(signer).sign(header.hash().as_bytes());
    header.digest.logs.push(DigestItem::Seal(*b"aura", signature.0.to_vec()));
    header
}

/// The report of two blocks of `slot` by `//Bob`'s Aura key, sealed with `signer`'s.
fn block_report(slot: u64, signer: &str, reporter: AccountId32) -> Vec<u8> {
    let proof = pallet_staking::BlockEquivocationProof {
        offender: DEV_KEYS[1].1,
        slot,
        first_header: sealed_header(slot, signer, 1),
        second_header: sealed_header(slot, signer, 2),
    };
    unsigned(pallet_staking::Call::report_block_equivocation {
        proof: Box::new(proof),
        reporter: Some(reporter),
    })
}

#[test]
fn two_reported_blocks_of_one_slot_jail_and_slash_their_author_once() {
    use lattice_primitives::{InvalidTransaction, TransactionValidityError};
    let wasm = Engine::wasm(wasm_binary());
    let mut chain = Chain::new(&[0, 1], &[]);
    let (bob, charlie) = (AccountId32(DEV_KEYS[1].1), AccountId32(DEV_KEYS[2].1));
    let validate = |chain: &Chain, xt: &[u8]| chain.validate(&wasm, xt);
    // Slots 1, 2 and 3; Bob (authority 1 of 2) authors the odd ones.
    for _ in 0..3 {
        chain.produce(&wasm, &[]).unwrap();
    }
    let good = block_report(3, "//Bob", charlie);
    assert!(validate(&chain, &good).is_ok());
    // Sealed by Alice's key; Alice's slot; a slot not reached yet: refused.
    let bad_proof = TransactionValidityError::Invalid(InvalidTransaction::BadProof);
    for bad in [
        block_report(3, "//Alice", charlie),
        block_report(2, "//Bob", charlie),
        block_report(5, "//Bob", charlie),
    ] {
        assert_eq!(validate(&chain, &bad), Err(bad_proof));
        let (_, results) = chain.build(&wasm, &[bad]).unwrap();
        assert_eq!(results, vec![Err(bad_proof)]);
    }

    let reporter_before = chain.free(&charlie);
    let (_, results) = chain.produce(&wasm, std::slice::from_ref(&good)).unwrap();
    ok(&results);
    let b = validators(&wasm, &chain).into_iter().find(|v| v.account == bob).unwrap();
    assert!(b.jailed_until.is_some(), "{b:?}");
    // Once per era: another pair of Bob's blocks is stale.
    let stale = TransactionValidityError::Invalid(InvalidTransaction::Stale);
    let again = block_report(1, "//Bob", charlie);
    assert_eq!(validate(&chain, &again), Err(stale));
    let (_, results) = chain.build(&wasm, &[again]).unwrap();
    assert_eq!(results, vec![Err(stale)]);

    for _ in 0..3 {
        chain.produce(&wasm, &[]).unwrap();
    }
    let b = validators(&wasm, &chain).into_iter().find(|v| v.account == bob).unwrap();
    assert_eq!(b.self_stake, DEV_VALIDATOR_STAKE / 10 * 9);
    assert_eq!(chain.free(&charlie), reporter_before + DEV_VALIDATOR_STAKE / 100);
}
