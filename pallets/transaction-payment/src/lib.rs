//! # Transaction-payment pallet
//!
//! What a signed transaction pays, and where the money goes.
//!
//! ## Fees
//!
//! ```text
//! fee = BASE_FEE + len * LENGTH_FEE_PER_BYTE + multiplier * weight_fee(ref_time) + tip
//! weight_fee(ref_time) = floor(ref_time * WEIGHT_FEE_PER_SECOND / 10^12)
//! ```
//!
//! A dispatch declared `Pays::No` pays only its tip. Operational dispatches pay like
//! normal ones but get a higher pool priority ([`Pallet::get_priority`]), as in
//! Substrate. All arithmetic is integer and saturating; the multiplier product is
//! computed exactly on 256 bits and rounded down.
//!
//! ## Lifecycle of a fee
//!
//! 1. Before dispatch, the executive (the `ChargeTransactionPayment` extension) calls
//!    [`Pallet::withdraw_fee`] with [`Pallet::compute_fee`] of the declared weight: the
//!    sender pays it without being reaped, or the transaction is invalid
//!    (`InvalidTransaction::Payment`).
//! 2. After dispatch, [`Pallet::settle_fee`] with [`Pallet::compute_actual_fee`] of the
//!    actual weight refunds the difference, pays `AUTHOR_SHARE_PERCENT` of the fee
//!    (tip included) to the block author and the rest to `TREASURY_ACCOUNT`, and emits
//!    `TransactionFeePaid`. The total issuance is unchanged by the whole round.
//!
//! ## The fee multiplier
//!
//! `NextFeeMultiplier` scales the weight fee. At the end of every block it moves
//! towards keeping blocks `TARGET_BLOCK_FULLNESS_PERCENT` full, with Substrate's
//! `TargetedFeeAdjustment` rule: with `s` the fullness of the normal class (in its most
//! constrained dimension), `s*` the target and `v` the adjustment variable,
//!
//! ```text
//! next = previous * (1 + v (s - s*) + v^2 (s - s*)^2 / 2), clamped to [MIN, MAX]
//! ```
//!
//! With Polkadot's defaults (`v` = 0.000075, `s*` = 25%, min 0.1) an empty block
//! lowers the multiplier by about 0.0019% and a full block raises it by about 0.0056%.
//! Setting `ADJUSTMENT_VARIABLE` to zero keeps it constant.
//!
//! ## Example
//!
//! ```
//! # use codec::{Decode, Encode};
//! # use lattice_support::dispatch::{Dispatchable, GetDispatchInfo, Origin};
//! # use lattice_support::lattice_primitives::{Address, PostDispatchInfo};
//! # use lattice_support::{lattice_io::TestExternalities, traits::FindAuthor, AccountId32};
//! # struct Runtime;
//! # #[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, scale_info::TypeInfo)]
//! # enum RuntimeEvent { System(pallet_system::Event), Balances(pallet_balances::Event),
//! #     TransactionPayment(pallet_transaction_payment::Event) }
//! # lattice_support::impl_event_from!(RuntimeEvent { System(pallet_system::Event),
//! #     Balances(pallet_balances::Event),
//! #     TransactionPayment(pallet_transaction_payment::Event) });
//! # pallet_system::impl_test_config!(Runtime, RuntimeEvent, pallet_balances::AccountData);
//! # impl pallet_balances::Config for Runtime {
//! #     const PALLET_INDEX: u8 = 5; const EXISTENTIAL_DEPOSIT: u128 = 10;
//! #     const MAX_FREEZES: u32 = 2;
//! # }
//! # struct NoAuthor;
//! # impl FindAuthor for NoAuthor { fn find_author() -> Option<AccountId32> { None } }
//! # impl pallet_transaction_payment::Config for Runtime {
//! #     type Currency = pallet_balances::Pallet<Runtime>; type FindAuthor = NoAuthor;
//! #     const PALLET_INDEX: u8 = 6; const TREASURY_ACCOUNT: AccountId32 = AccountId32([0x7e; 32]);
//! #     const BASE_FEE: u128 = 1_000; const LENGTH_FEE_PER_BYTE: u128 = 10;
//! #     const WEIGHT_FEE_PER_SECOND: u128 = 1_000_000; // a unit per microsecond
//! #     const OPERATIONAL_FEE_MULTIPLIER: u8 = 5; const AUTHOR_SHARE_PERCENT: u8 = 90;
//! # }
//! type TransactionPayment = pallet_transaction_payment::Pallet<Runtime>;
//! # let (who, bob) = (AccountId32([1; 32]), AccountId32([2; 32]));
//! # TestExternalities::default().execute_with(|| {
//! # let balances = vec![(who, 100_000), (bob, 100)];
//! # pallet_balances::GenesisConfig { balances }.build::<Runtime>().expect("valid genesis");
//! let call = pallet_balances::Call::transfer_keep_alive { dest: Address::Id(bob), value: 50 };
//! let (len, info, tip) = (call.encoded_size() as u32, call.get_dispatch_info(), 0);
//! let fee = TransactionPayment::compute_fee(len, &info, tip);
//! TransactionPayment::withdraw_fee(&who, fee).expect("can pay"); // pre-dispatch
//! pallet_balances::Dispatch::<Runtime>::new(call).dispatch(Origin::Signed(who)).expect("sent");
//! let post_info = PostDispatchInfo::default(); // the declared weight was used
//! let actual = TransactionPayment::compute_actual_fee(len, &info, &post_info, tip);
//! TransactionPayment::settle_fee(&who, fee, actual, tip); // post-dispatch
//! assert_eq!(pallet_balances::Pallet::<Runtime>::free_balance(&who), 100_000 - 50 - actual);
//! # });
//! ```
//!
//! ## Feature flags
//!
//! - `std` (default): native build; off when building the Wasm runtime.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod types;

pub use types::{FeeDetails, InclusionFee, Multiplier, RuntimeDispatchInfo};

use codec::{Decode, Encode};
use core::marker::PhantomData;
use lattice_support::dispatch::{DispatchClass, DispatchInfo, Pays};
use lattice_support::lattice_primitives::dispatch::WEIGHT_REF_TIME_PER_SECOND;
use lattice_support::lattice_primitives::InvalidTransaction;
use lattice_support::lattice_primitives::PostDispatchInfo;
use lattice_support::metadata::{constant, PalletMeta};
use lattice_support::storage::{StorageValue, ValueQuery};
use lattice_support::traits::{Currency, Existence, FindAuthor, Hooks};
use lattice_support::{storage_prefix, AccountId32, Balance, BlockNumber, Weight};
use scale_info::TypeInfo;
use types::{mul_div, Rounding};

/// The pallet's name: its storage prefix and its name in metadata.
pub const PALLET: &str = "TransactionPayment";

/// The value of [`StorageVersion`] written at genesis (Substrate's `Releases::V2`).
pub const STORAGE_VERSION: u8 = 1;

/// Parameters of the transaction-payment pallet.
pub trait Config: pallet_system::Config<RuntimeEvent: From<Event>> {
    /// Index of the pallet in the runtime (its events carry it).
    const PALLET_INDEX: u8;
    /// The currency fees are paid in (`pallet_balances::Pallet<Runtime>`).
    type Currency: Currency;
    /// Who authored the block being executed, for the author's share.
    type FindAuthor: FindAuthor;
    /// Who receives the fees that do not go to the author.
    const TREASURY_ACCOUNT: AccountId32;
    /// What every paying transaction pays, whatever its weight and length.
    const BASE_FEE: Balance;
    /// The fee per byte of the encoded transaction.
    const LENGTH_FEE_PER_BYTE: Balance;
    /// The fee for one second of execution (`10^12` of `ref_time`), before the
    /// multiplier.
    const WEIGHT_FEE_PER_SECOND: Balance;
    /// How many times its fee an operational transaction adds to its priority (a
    /// "virtual tip"), so that it gets into full blocks first.
    const OPERATIONAL_FEE_MULTIPLIER: u8;
    /// The block author's share of each fee, tip included, in percent (at most 100);
    /// the rest goes to `TREASURY_ACCOUNT`.
    const AUTHOR_SHARE_PERCENT: u8;
    /// The block fullness the multiplier steers towards, in percent of the normal
    /// class's maximum weight.
    const TARGET_BLOCK_FULLNESS_PERCENT: u8 = 25;
    /// How fast the multiplier moves (`v`); zero keeps it constant.
    const ADJUSTMENT_VARIABLE: Multiplier = Multiplier::from_rational(75, 1_000_000);
    /// The smallest multiplier; keep it well above zero so that fees can recover.
    const MIN_MULTIPLIER: Multiplier = Multiplier::from_rational(1, 10);
    /// The largest multiplier.
    const MAX_MULTIPLIER: Multiplier = Multiplier::MAX;
}

storage_prefix!(pub struct NextFeeMultiplierPrefix = PALLET, "NextFeeMultiplier";);
storage_prefix!(pub struct StorageVersionPrefix = PALLET, "StorageVersion";);
storage_prefix!(pub struct BlockFeesPrefix = PALLET, "BlockFees";);

/// The multiplier of the weight fee for the next block; 1.0 when unset.
pub type NextFeeMultiplier = StorageValue<NextFeeMultiplierPrefix, Multiplier, ValueQuery>;
/// The version of the pallet's storage layout ([`STORAGE_VERSION`]).
pub type StorageVersion = StorageValue<StorageVersionPrefix, u8, ValueQuery>;
/// Fees (tips included) paid in the current block so far, out of every account and out of
/// the issuance until `on_finalize` pays them to the author and the treasury. Paying once
/// per block instead of once per transaction saves two deposits (and their events) per
/// transaction.
pub type BlockFees = StorageValue<BlockFeesPrefix, Balance, ValueQuery>;

/// Events of the transaction-payment pallet. Variant indices are Substrate's.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum Event {
    /// A transaction fee `actual_fee`, of which `tip` was added to the minimum inclusion
    /// fee, has been paid by `who`.
    #[codec(index = 0)]
    TransactionFeePaid {
        /// The payer.
        who: AccountId32,
        /// The fee paid, tip included.
        actual_fee: Balance,
        /// The tip.
        tip: Balance,
    },
}

/// The transaction-payment pallet.
pub struct Pallet<T>(PhantomData<T>);

impl<T: Config> Hooks for Pallet<T> {
    fn on_finalize(_n: BlockNumber) {
        Self::pay_out(BlockFees::take());
        NextFeeMultiplier::put(&Self::next_multiplier(NextFeeMultiplier::get()));
    }

    fn try_state(_n: BlockNumber) -> Result<(), &'static str> {
        Self::do_try_state()
    }
}

// ---- fees ----------------------------------------------------------------------------

impl<T: Config> Pallet<T> {
    /// The fee for `weight` before the multiplier: its `ref_time` priced at
    /// `WEIGHT_FEE_PER_SECOND`, rounded down.
    pub fn weight_to_fee(weight: Weight) -> Balance {
        mul_div(
            u128::from(weight.ref_time),
            T::WEIGHT_FEE_PER_SECOND,
            u128::from(WEIGHT_REF_TIME_PER_SECOND),
            Rounding::Down,
        )
    }

    /// The fee for `len` bytes.
    pub fn length_to_fee(len: u32) -> Balance {
        u128::from(len).saturating_mul(T::LENGTH_FEE_PER_BYTE)
    }

    /// The fee of a transaction of `len` bytes dispatching `info`, part by part.
    pub fn compute_fee_details(len: u32, info: &DispatchInfo, tip: Balance) -> FeeDetails {
        if info.pays_fee == Pays::No {
            return FeeDetails { inclusion_fee: None, tip };
        }
        let adjusted_weight_fee =
            NextFeeMultiplier::get().saturating_mul_int(Self::weight_to_fee(info.weight));
        FeeDetails {
            inclusion_fee: Some(InclusionFee {
                base_fee: T::BASE_FEE,
                len_fee: Self::length_to_fee(len),
                adjusted_weight_fee,
            }),
            tip,
        }
    }

    /// The fee of a transaction of `len` bytes dispatching `info`, tip included.
    pub fn compute_fee(len: u32, info: &DispatchInfo, tip: Balance) -> Balance {
        Self::compute_fee_details(len, info, tip).final_fee()
    }

    /// The fee once the dispatch has run: its actual weight (capped by the declared one)
    /// and whether it still pays.
    pub fn compute_actual_fee(
        len: u32,
        info: &DispatchInfo,
        post_info: &PostDispatchInfo,
        tip: Balance,
    ) -> Balance {
        let pays_fee = if info.pays_fee == Pays::No || post_info.pays_fee == Pays::No {
            Pays::No
        } else {
            Pays::Yes
        };
        let actual = DispatchInfo {
            weight: post_info.calc_actual_weight(info),
            class: info.class,
            pays_fee,
        };
        Self::compute_fee(len, &actual, tip)
    }

    /// `TransactionPaymentApi_query_info`: the weight, class and fee without tip of a
    /// signed transaction. The runtime answers a zero fee for unsigned ones.
    pub fn query_info(len: u32, info: &DispatchInfo) -> RuntimeDispatchInfo {
        RuntimeDispatchInfo {
            weight: info.weight,
            class: info.class,
            partial_fee: Self::compute_fee(len, info, 0),
        }
    }

    /// `TransactionPaymentApi_query_fee_details` of a signed transaction (no tip).
    pub fn query_fee_details(len: u32, info: &DispatchInfo) -> FeeDetails {
        Self::compute_fee_details(len, info, 0)
    }

    /// The pool priority of a transaction, as Substrate's `ChargeTransactionPayment`
    /// computes it: the tip (plus one) scaled by how many such transactions fit in a
    /// block, plus for operational transactions `OPERATIONAL_FEE_MULTIPLIER` times the
    /// fee, scaled the same way.
    pub fn get_priority(info: &DispatchInfo, len: u32, tip: Balance, final_fee: Balance) -> u64 {
        let max_block_weight = T::BLOCK_WEIGHTS.max_block;
        let max_block_length = u64::from(*T::BLOCK_LENGTH.max.get(info.class));
        let bounded_ref_time = info.weight.ref_time.max(1).min(max_block_weight.ref_time);
        let bounded_proof_size = info.weight.proof_size.max(1).min(max_block_weight.proof_size);
        // Substrate's `checked_div_per_component`: a zero component does not limit.
        let per_ref_time = max_block_weight.ref_time.checked_div(bounded_ref_time);
        let per_proof_size = max_block_weight.proof_size.checked_div(bounded_proof_size);
        let max_tx_per_block_weight = match (per_ref_time, per_proof_size) {
            (None, None) => 1,
            (a, b) => a.unwrap_or(u64::MAX).min(b.unwrap_or(u64::MAX)),
        };
        let bounded_length = u64::from(len).max(1).min(max_block_length.max(1));
        let max_tx_per_block_length = max_block_length / bounded_length;
        let max_tx_per_block = u128::from(max_tx_per_block_length.min(max_tx_per_block_weight));
        let scaled_tip = tip.saturating_add(1).saturating_mul(max_tx_per_block);
        let priority = match info.class {
            DispatchClass::Normal | DispatchClass::Mandatory => scaled_tip,
            DispatchClass::Operational => {
                let virtual_tip =
                    final_fee.saturating_mul(u128::from(T::OPERATIONAL_FEE_MULTIPLIER));
                scaled_tip.saturating_add(virtual_tip.saturating_mul(max_tx_per_block))
            }
        };
        u64::try_from(priority).unwrap_or(u64::MAX)
    }

    /// Takes `fee` from `who` before dispatch, keeping the account alive. Fails with
    /// `InvalidTransaction::Payment` when `who` cannot pay it (too little free balance,
    /// frozen funds, or the fee would reap the account).
    pub fn withdraw_fee(who: &AccountId32, fee: Balance) -> Result<(), InvalidTransaction> {
        if fee == 0 {
            return Ok(());
        }
        T::Currency::withdraw(who, fee, Existence::KeepAlive)
            .map_err(|_| InvalidTransaction::Payment)
    }

    /// Settles a fee after dispatch: refunds `withdrawn - actual_fee` to `who` and adds
    /// the rest to the block's fees ([`BlockFees`]), then emits `TransactionFeePaid`. At
    /// the end of the block `AUTHOR_SHARE_PERCENT` of the block's fees go to the block
    /// author (everything to the treasury when there is no author) and the remainder to
    /// `TREASURY_ACCOUNT`. `actual_fee` includes `tip` and is capped at `withdrawn`.
    ///
    /// The total issuance ends where it was before [`Pallet::withdraw_fee`]: a refund the
    /// account cannot take (its own call reaped it) goes with the fee, and an author
    /// share the author cannot take (a new account below the existential deposit) goes
    /// to the treasury. Only a treasury below the existential deposit could lose funds
    /// (logged); endow it at genesis.
    pub fn settle_fee(who: &AccountId32, withdrawn: Balance, actual_fee: Balance, tip: Balance) {
        let actual_fee = actual_fee.min(withdrawn);
        let refund = withdrawn.saturating_sub(actual_fee);
        // As Substrate, a refund never recreates an account its own call reaped.
        let alive =
            T::Currency::free_balance(who).saturating_add(T::Currency::reserved_balance(who)) > 0;
        let refunded = if refund > 0 && alive { T::Currency::deposit(who, refund) } else { 0 };
        Self::distribute(actual_fee.saturating_add(refund.saturating_sub(refunded)));
        pallet_system::Pallet::<T>::deposit_event(Event::TransactionFeePaid {
            who: *who,
            actual_fee,
            tip,
        });
    }

    /// Adds `amount` to the block's fees, paid out at the end of the block.
    fn distribute(amount: Balance) {
        if amount > 0 {
            BlockFees::mutate(|fees| *fees = fees.saturating_add(amount));
        }
    }

    /// Pays the block's fees `amount` to the author and the treasury (see
    /// [`Pallet::settle_fee`]).
    fn pay_out(amount: Balance) {
        if amount == 0 {
            return;
        }
        let mut to_treasury = amount;
        if let Some(author) = T::FindAuthor::find_author() {
            let percent = u128::from(T::AUTHOR_SHARE_PERCENT.min(100));
            let share = mul_div(amount, percent, 100, Rounding::Down);
            let paid = if share > 0 { T::Currency::deposit(&author, share) } else { 0 };
            to_treasury = amount.saturating_sub(paid);
        }
        let paid = T::Currency::deposit(&T::TREASURY_ACCOUNT, to_treasury);
        if paid < to_treasury {
            lattice_support::log!(
                Warn,
                "transaction-payment",
                "the treasury could not take {} of fees: they are burned",
                to_treasury - paid
            );
        }
    }
}

// ---- the multiplier, genesis, invariants, metadata -------------------------------------

impl<T: Config> Pallet<T> {
    /// The multiplier following `previous` given the weight the current block has used
    /// (see the crate documentation for the rule).
    pub fn next_multiplier(previous: Multiplier) -> Multiplier {
        let (min, max) = (T::MIN_MULTIPLIER, T::MAX_MULTIPLIER);
        let previous = previous.max(min);
        let weights = T::BLOCK_WEIGHTS;
        let normal_max = weights.per_class.normal.max_total.unwrap_or(weights.max_block);
        let used = pallet_system::BlockWeight::get().normal.min(normal_max);
        let ref_time_fullness = Multiplier::from_rational(
            u128::from(used.ref_time),
            u128::from(normal_max.ref_time.max(1)),
        );
        let proof_size_fullness = Multiplier::from_rational(
            u128::from(used.proof_size),
            u128::from(normal_max.proof_size.max(1)),
        );
        // The most constrained dimension decides.
        let (used, limit) = if ref_time_fullness < proof_size_fullness {
            (used.proof_size, normal_max.proof_size)
        } else {
            (used.ref_time, normal_max.ref_time)
        };
        let target = mul_div(
            u128::from(limit),
            u128::from(T::TARGET_BLOCK_FULLNESS_PERCENT.min(100)),
            100,
            Rounding::Down,
        );
        let used = u128::from(used);
        let positive = used >= target;
        let diff = Multiplier::from_rational(used.abs_diff(target), u128::from(limit.max(1)));
        let v = T::ADJUSTMENT_VARIABLE;
        let first_term = v.saturating_mul(diff);
        let v_squared_2 = Multiplier(v.saturating_mul(v).0 / 2);
        let second_term = v_squared_2.saturating_mul(diff.saturating_mul(diff));
        let next = if positive {
            let excess = first_term.saturating_add(second_term).saturating_mul(previous);
            previous.saturating_add(excess)
        } else {
            let negative = first_term.saturating_sub(second_term).saturating_mul(previous);
            previous.saturating_sub(negative)
        };
        next.max(min).min(max)
    }

    /// Checks the pallet's invariants:
    ///
    /// 1. the multiplier is within `[MIN_MULTIPLIER, MAX_MULTIPLIER]`.
    pub fn do_try_state() -> Result<(), &'static str> {
        let m = NextFeeMultiplier::get();
        if m < T::MIN_MULTIPLIER || m > T::MAX_MULTIPLIER {
            return Err("the fee multiplier is out of its bounds");
        }
        Ok(())
    }

    /// The pallet's metadata.
    pub fn metadata() -> PalletMeta {
        PalletMeta::new(PALLET)
            .event::<Event>()
            .storage([
                NextFeeMultiplier::metadata(&[
                    "The multiplier of the weight fee of the next block.",
                ]),
                StorageVersion::metadata(&["The version of the pallet's storage layout."]),
                BlockFees::metadata(&[
                    "Fees paid in the current block, paid out to the author and the treasury \
                     at its end.",
                ]),
            ])
            .constants([constant(
                "OperationalFeeMultiplier",
                &T::OPERATIONAL_FEE_MULTIPLIER,
                &["A fee multiplier for `Operational` extrinsics to compute \"virtual tip\" \
                     to boost their `priority`."],
            )])
            .docs(&["The transaction-payment pallet: fees, the fee multiplier, fee distribution."])
    }
}

/// The transaction-payment state at genesis.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct GenesisConfig {
    /// The initial fee multiplier (1.0 by default).
    pub multiplier: Multiplier,
}

impl GenesisConfig {
    /// Stores the multiplier and the storage version; refuses a multiplier outside
    /// `[MIN_MULTIPLIER, MAX_MULTIPLIER]`.
    pub fn build<T: Config>(&self) -> Result<(), &'static str> {
        if self.multiplier < T::MIN_MULTIPLIER || self.multiplier > T::MAX_MULTIPLIER {
            return Err("the genesis fee multiplier is out of its bounds");
        }
        NextFeeMultiplier::put(&self.multiplier);
        StorageVersion::put(&STORAGE_VERSION);
        Ok(())
    }
}
