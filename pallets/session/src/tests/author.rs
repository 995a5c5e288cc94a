//! `FindSessionAuthor`, `ValidatorSet` and `CurrentSlot`.

use super::*;
use crate::FindSessionAuthor;
use lattice_support::lattice_primitives::Digest;
use lattice_support::traits::{CurrentSlot, FindAuthor, ValidatorSet};

fn author() -> Option<AccountId32> {
    FindSessionAuthor::<Test>::find_author()
}

#[test]
fn the_author_is_the_account_of_the_aura_key() {
    ExtBuilder::default().build_and_execute(|| {
        // Block n is in slot 100 + n; three authorities.
        for (n, who) in [(1, 3), (2, 1), (3, 2), (4, 3)] {
            run_to_block(n);
            assert_eq!(Aura::author().map(|k| k.0), Some(keys(who).aura.0));
            assert_eq!(author(), Some(account(who)), "block {n}");
        }
    });
}

#[test]
fn the_author_keeps_its_blocks_after_replacing_its_keys() {
    ExtBuilder::default().build_and_execute(|| {
        // Validator 1 replaces its keys and account 4 registers 1's old ones, which still
        // author this session (block 2, slot 102: the first authority).
        assert_eq!(set_keys(account(1), keys(7)), Ok(()));
        assert_eq!(set_keys(account(4), keys(1)), Ok(()));
        run_to_block(2);
        assert_eq!(author(), Some(account(1)));
    });
}

#[test]
fn an_unknown_aura_key_falls_back_to_its_owner_then_itself() {
    ExtBuilder::default().build().execute_with(|| {
        // An Aura set this pallet did not choose (the invariants would object).
        assert_eq!(set_keys(account(4), keys(4)), Ok(()));
        pallet_aura::Authorities::put(&vec![keys(4).aura]);
        assert_eq!(author(), Some(account(4)));
        pallet_aura::Authorities::put(&vec![pallet_aura::AuthorityId([9; 32])]);
        assert_eq!(author(), Some(AccountId32([9; 32])));
        // No slot in the digest: no author.
        pallet_system::BlockDigest::put(&Digest::default());
        assert_eq!(author(), None);
    });
}

#[test]
fn validator_set_and_current_slot() {
    ExtBuilder::default().build_and_execute(|| {
        assert_eq!(<Session as ValidatorSet>::session_index(), 0);
        assert_eq!(<Session as ValidatorSet>::validators(), accounts(&[1, 2, 3]));
        assert!(<Session as ValidatorSet>::has_keys(&account(2)));
        assert!(!<Session as ValidatorSet>::has_keys(&account(4)));
        assert_eq!(<Session as CurrentSlot>::current_slot(), 101);
        run_to_block(6);
        assert_eq!(<Session as ValidatorSet>::session_index(), 1);
        assert_eq!(<Session as CurrentSlot>::current_slot(), 106);
    });
}
