//! Interfaces between pallets: hooks every pallet may implement, and the capabilities one
//! pallet offers another (a currency, the block author).

use alloc::vec::Vec;
use lattice_primitives::{AccountId32, Balance, BlockNumber, DispatchError, Weight};

/// Per-block hooks of a pallet, called by the executive in pallet-index order.
pub trait Hooks {
    /// At the start of a block, before any extrinsic. Returns the weight used.
    fn on_initialize(_n: BlockNumber) -> Weight {
        Weight::ZERO
    }
    /// At the end of a block, after every extrinsic.
    fn on_finalize(_n: BlockNumber) {}
    /// On the first block executed by a new runtime, before `on_initialize`; the place
    /// for storage migrations. Returns the weight used.
    fn on_runtime_upgrade() -> Weight {
        Weight::ZERO
    }
    /// Checks the pallet's invariants; tests run it after every block.
    fn try_state(_n: BlockNumber) -> Result<(), &'static str> {
        Ok(())
    }
}

/// Whether an operation may remove the account by taking it below the existential
/// deposit.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Existence {
    /// The account must keep at least the existential deposit.
    KeepAlive,
    /// The account may be reaped.
    AllowDeath,
}

/// A fungible currency with free and reserved balances, offered by `balances`.
///
/// `withdraw` and `deposit` change the total issuance; a caller that moves funds (fees)
/// pairs them so that issuance is conserved.
pub trait Currency {
    /// The smallest balance an account may hold.
    fn minimum_balance() -> Balance;
    /// All funds in existence.
    fn total_issuance() -> Balance;
    /// Free (spendable before locks) balance of `who`.
    fn free_balance(who: &AccountId32) -> Balance;
    /// Reserved balance of `who`.
    fn reserved_balance(who: &AccountId32) -> Balance;
    /// Removes `amount` from `who`'s free balance and from the issuance.
    fn withdraw(
        who: &AccountId32,
        amount: Balance,
        existence: Existence,
    ) -> Result<(), DispatchError>;
    /// Adds `amount` to `who`'s free balance and to the issuance, creating the account if
    /// `amount` reaches the existential deposit. Returns what was deposited (zero when the
    /// account would not exist).
    fn deposit(who: &AccountId32, amount: Balance) -> Balance;
    /// Moves `amount` of free balance from `from` to `to`.
    fn transfer(
        from: &AccountId32,
        to: &AccountId32,
        amount: Balance,
        existence: Existence,
    ) -> Result<(), DispatchError>;
    /// Moves `amount` from free to reserved.
    fn reserve(who: &AccountId32, amount: Balance) -> Result<(), DispatchError>;
    /// Moves up to `amount` from reserved back to free; returns what could not be moved.
    fn unreserve(who: &AccountId32, amount: Balance) -> Balance;
    /// Burns up to `amount` of `who`'s reserved balance (a penalty), lowering the
    /// issuance; returns what could not be slashed.
    fn slash_reserved(who: &AccountId32, amount: Balance) -> Balance;
}

/// Who authored the block being executed.
pub trait FindAuthor {
    /// The author's account, from the header's pre-runtime digest.
    fn find_author() -> Option<AccountId32>;
}

/// Called when a new account comes into existence or is reaped.
pub trait OnAccountLifecycle {
    /// `who` now exists.
    fn on_created(_who: &AccountId32) {}
    /// `who` was reaped.
    fn on_killed(_who: &AccountId32) {}
}

impl OnAccountLifecycle for () {}

/// The index of a session (an era of the validator set): 0 at genesis, one more at each
/// rotation.
pub type SessionIndex = u32;

/// What the session pallet asks of the pallet that chooses the validators (staking), at
/// each rotation, in this order: [`end_session`](Self::end_session) of the ending session,
/// [`new_session`](Self::new_session) for the next one, then
/// [`start_session`](Self::start_session). All three run in the `on_finalize` of the
/// session's last block; the new validators author from the next block on.
pub trait SessionManager {
    /// Session `ending` ends: the moment to judge its validators (performance, rewards,
    /// penalties).
    fn end_session(_ending: SessionIndex) {}
    /// The validators of session `new`, in turn order, or `None` to keep the current set
    /// (no candidates, or the election failed).
    fn new_session(_new: SessionIndex) -> Option<Vec<AccountId32>> {
        None
    }
    /// Session `started` has begun.
    fn start_session(_started: SessionIndex) {}
}

impl SessionManager for () {}

/// What the session pallet tells other pallets about the validator set.
pub trait ValidatorSet {
    /// The index of the current session.
    fn session_index() -> SessionIndex;
    /// The current validators, in turn order: the Aura author of slot `s` is the owner of
    /// `validators()[s % len]`.
    fn validators() -> Vec<AccountId32>;
    /// Whether `who` has registered session keys (can be made a validator).
    fn has_keys(who: &AccountId32) -> bool;
}

/// The consensus slot of the block being executed (Aura's), for pallets that judge
/// validators by the slots they were assigned.
pub trait CurrentSlot {
    /// The slot of the block being executed.
    fn current_slot() -> u64;
}
