//! Interfaces between pallets: hooks every pallet may implement, and the capabilities one
//! pallet offers another (a currency, the block author).

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
