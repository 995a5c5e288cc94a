//! The signed extensions: what a signed transaction carries and commits to besides its
//! call, with Substrate's names, encodings and semantics.
//!
//! | extension | explicit (sent) | implicit (signed only) | checks |
//! |---|---|---|---|
//! | `CheckNonZeroSender` | — | — | the signer is not the zero account |
//! | `CheckSpecVersion` | — | `spec_version: u32` | signed for this runtime |
//! | `CheckTxVersion` | — | `transaction_version: u32` | signed for this call format |
//! | `CheckGenesis` | — | genesis hash | signed for this chain |
//! | `CheckMortality` | `Era` | hash of the era's birth block | not expired, on this fork |
//! | `CheckNonce` | `Compact<u32>` | — | nonce in order; pool tags |
//! | `CheckWeight` | — | — | fits the block's weight and length |
//! | `ChargeTransactionPayment` | `Compact<Balance>` tip | — | the fee can be paid |

use crate::{AccountId, Balance, Runtime};
use alloc::vec;
use alloc::vec::Vec;
use codec::{Decode, Encode};
use lattice_primitives::{
    DispatchClass, DispatchInfo, Era, InvalidTransaction, TransactionValidityError,
    ValidTransaction, Weight, H256,
};

macro_rules! empty_extension {
    ($(#[$m:meta])* $name:ident, [$($seg:literal),+]) => {
        $(#[$m])*
        #[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Encode, Decode)]
        pub struct $name;

        impl scale_info::TypeInfo for $name {
            type Identity = Self;
            fn type_info() -> scale_info::Type {
                scale_info::Type::builder()
                    .path(scale_info::Path::from_segments_unchecked([$($seg),+]))
                    .composite(scale_info::build::Fields::unit())
            }
        }
    };
}

empty_extension!(
    /// Refuses the all-zero account as signer.
    CheckNonZeroSender,
    ["frame_system", "extensions", "check_non_zero_sender", "CheckNonZeroSender"]
);
empty_extension!(
    /// Commits to the runtime's `spec_version`.
    CheckSpecVersion,
    ["frame_system", "extensions", "check_spec_version", "CheckSpecVersion"]
);
empty_extension!(
    /// Commits to the runtime's `transaction_version`.
    CheckTxVersion,
    ["frame_system", "extensions", "check_tx_version", "CheckTxVersion"]
);
empty_extension!(
    /// Commits to the genesis hash.
    CheckGenesis,
    ["frame_system", "extensions", "check_genesis", "CheckGenesis"]
);
empty_extension!(
    /// Checks the block's weight and length limits.
    CheckWeight,
    ["frame_system", "extensions", "check_weight", "CheckWeight"]
);

/// The transaction's era; commits to the hash of its birth block.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode)]
pub struct CheckMortality(pub Era);

impl scale_info::TypeInfo for CheckMortality {
    type Identity = Self;
    fn type_info() -> scale_info::Type {
        scale_info::Type::builder()
            .path(scale_info::Path::from_segments_unchecked([
                "frame_system",
                "extensions",
                "check_mortality",
                "CheckMortality",
            ]))
            .composite(
                scale_info::build::Fields::unnamed().field(|f| f.ty::<Era>().type_name("Era")),
            )
    }
}

/// The sender's nonce.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode)]
pub struct CheckNonce(#[codec(compact)] pub u32);

impl scale_info::TypeInfo for CheckNonce {
    type Identity = Self;
    fn type_info() -> scale_info::Type {
        scale_info::Type::builder()
            .path(scale_info::Path::from_segments_unchecked([
                "frame_system",
                "extensions",
                "check_nonce",
                "CheckNonce",
            ]))
            .composite(
                scale_info::build::Fields::unnamed()
                    .field(|f| f.compact::<u32>().type_name("T::Nonce")),
            )
    }
}

/// The tip paid on top of the fee.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode)]
pub struct ChargeTransactionPayment(#[codec(compact)] pub Balance);

impl scale_info::TypeInfo for ChargeTransactionPayment {
    type Identity = Self;
    fn type_info() -> scale_info::Type {
        scale_info::Type::builder()
            .path(scale_info::Path::from_segments_unchecked([
                "pallet_transaction_payment",
                "ChargeTransactionPayment",
            ]))
            .composite(
                scale_info::build::Fields::unnamed()
                    .field(|f| f.compact::<Balance>().type_name("BalanceOf<T>")),
            )
    }
}

/// The explicit data of all signed extensions, in order.
pub type SignedExtra = (
    CheckNonZeroSender,
    CheckSpecVersion,
    CheckTxVersion,
    CheckGenesis,
    CheckMortality,
    CheckNonce,
    CheckWeight,
    ChargeTransactionPayment,
);

/// The implicit data signed with a transaction: spec version, transaction version,
/// genesis hash and birth block hash (the empty extensions contribute nothing).
pub type Implicit = (u32, u32, H256, H256);

/// Builds the extra data for a transaction: for tests, tools and benchmarks.
pub fn extra(nonce: u32, era: Era, tip: Balance) -> SignedExtra {
    (
        CheckNonZeroSender,
        CheckSpecVersion,
        CheckTxVersion,
        CheckGenesis,
        CheckMortality(era),
        CheckNonce(nonce),
        CheckWeight,
        ChargeTransactionPayment(tip),
    )
}

/// The identifiers and types of the extensions, for metadata: `(identifier, type,
/// implicit type)`.
pub fn metadata() -> Vec<(&'static str, scale_info::MetaType, scale_info::MetaType)> {
    use scale_info::meta_type;
    vec![
        ("CheckNonZeroSender", meta_type::<CheckNonZeroSender>(), meta_type::<()>()),
        ("CheckSpecVersion", meta_type::<CheckSpecVersion>(), meta_type::<u32>()),
        ("CheckTxVersion", meta_type::<CheckTxVersion>(), meta_type::<u32>()),
        ("CheckGenesis", meta_type::<CheckGenesis>(), meta_type::<H256>()),
        ("CheckMortality", meta_type::<CheckMortality>(), meta_type::<H256>()),
        ("CheckNonce", meta_type::<CheckNonce>(), meta_type::<()>()),
        ("CheckWeight", meta_type::<CheckWeight>(), meta_type::<()>()),
        ("ChargeTransactionPayment", meta_type::<ChargeTransactionPayment>(), meta_type::<()>()),
    ]
}

/// What the checks of a signed transaction established, for applying it.
pub struct CheckedSigned {
    /// The signer.
    pub who: AccountId,
    /// The fee withdrawn before dispatch (tip included).
    pub fee: Balance,
    /// The tip.
    pub tip: Balance,
}

/// Whether the checks are for the pool (`validate`) or for inclusion in a block (`apply`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Mode {
    /// Pool validation: a future nonce is allowed (with a `requires` tag).
    Validate,
    /// Block inclusion: the nonce must be exactly the account's.
    Apply,
}

/// The implicit data of `extra` on the current chain, or why it cannot be formed.
pub fn implicit(extra: &SignedExtra) -> Result<Implicit, TransactionValidityError> {
    let current = block_number_u64();
    let birth = extra.4 .0.birth(current);
    let birth_number: u32 = birth.try_into().map_err(|_| InvalidTransaction::AncientBirthBlock)?;
    // Unknown when the birth block is older than the hashes kept (or in the future).
    let birth_hash =
        lattice_support::storage::get::<H256>(&pallet_system::BlockHash::key(&birth_number))
            .ok_or(InvalidTransaction::AncientBirthBlock)?;
    let genesis = pallet_system::BlockHash::get(&0);
    let v = crate::VERSION;
    Ok((v.spec_version, v.transaction_version, genesis, birth_hash))
}

/// Runs every check of a signed transaction from `who` with `extra`, for a call with
/// dispatch information `info` and encoded length `len`. In [`Mode::Apply`] it also
/// performs the effects (nonce increment, fee withdrawal, block weight); they happen only
/// when every check passes.
pub fn check_signed(
    who: AccountId,
    extra: &SignedExtra,
    info: &DispatchInfo,
    len: u32,
    mode: Mode,
) -> Result<(CheckedSigned, ValidTransaction), TransactionValidityError> {
    // CheckNonZeroSender
    if who.0 == [0u8; 32] {
        return Err(InvalidTransaction::BadSigner.into());
    }
    // CheckMortality (longevity)
    let current = block_number_u64();
    // The era's death is always after `current` (its birth is at most `current`).
    let longevity = extra.4 .0.death(current).saturating_sub(current);
    // CheckNonce
    let nonce = extra.5 .0;
    let account = pallet_system::Account::<Runtime>::get(&who);
    if account.providers == 0 && account.sufficients == 0 {
        // An account that does not exist cannot pay for anything.
        return Err(InvalidTransaction::Payment.into());
    }
    if nonce < account.nonce {
        return Err(InvalidTransaction::Stale.into());
    }
    if mode == Mode::Apply && nonce > account.nonce {
        return Err(InvalidTransaction::Future.into());
    }
    let provides = vec![(who, nonce).encode()];
    let requires = if nonce > account.nonce { vec![(who, nonce - 1).encode()] } else { Vec::new() };
    // CheckWeight
    check_block_limits(info, len)?;
    // ChargeTransactionPayment
    let tip = extra.7 .0;
    let fee = pallet_transaction_payment::Pallet::<Runtime>::compute_fee(len, info, tip);
    let priority = pallet_transaction_payment::Pallet::<Runtime>::get_priority(info, len, tip, fee);

    if mode == Mode::Apply {
        pallet_transaction_payment::Pallet::<Runtime>::withdraw_fee(&who, fee)
            .map_err(TransactionValidityError::Invalid)?;
        pallet_system::Pallet::<Runtime>::inc_account_nonce(&who);
        note_block_usage(info, len);
    } else {
        // Validation must not change state, but must know the fee can be paid: withdraw
        // it in a storage transaction that is always rolled back.
        lattice_io::storage::start_transaction();
        let payable = pallet_transaction_payment::Pallet::<Runtime>::withdraw_fee(&who, fee);
        lattice_io::storage::rollback_transaction();
        payable.map_err(TransactionValidityError::Invalid)?;
    }
    let valid = ValidTransaction { priority, requires, provides, longevity, propagate: true };
    Ok((CheckedSigned { who, fee, tip }, valid))
}

/// The weight an extrinsic adds to its block: its call plus the per-extrinsic base.
pub fn extrinsic_weight(info: &DispatchInfo) -> Weight {
    let limits = <Runtime as pallet_system::Config>::BLOCK_WEIGHTS;
    info.weight.saturating_add(limits.per_class.get(info.class).base_extrinsic)
}

/// `CheckWeight`: refuses a transaction that would exceed the block's limits.
pub fn check_block_limits(info: &DispatchInfo, len: u32) -> Result<(), TransactionValidityError> {
    let limits = <Runtime as pallet_system::Config>::BLOCK_WEIGHTS;
    let class_limits = limits.per_class.get(info.class);
    let weight = extrinsic_weight(info);
    if let Some(max) = class_limits.max_extrinsic {
        if weight.any_gt(max) {
            return Err(InvalidTransaction::ExhaustsResources.into());
        }
    }
    let used = pallet_system::BlockWeight::get();
    let class_total = used.get(info.class).saturating_add(weight);
    if let Some(max) = class_limits.max_total {
        if class_total.any_gt(max) {
            return Err(InvalidTransaction::ExhaustsResources.into());
        }
    }
    let all = used
        .normal
        .saturating_add(used.operational)
        .saturating_add(used.mandatory)
        .saturating_add(weight);
    if info.class != DispatchClass::Mandatory && all.any_gt(limits.max_block) {
        return Err(InvalidTransaction::ExhaustsResources.into());
    }
    let max_len = *<Runtime as pallet_system::Config>::BLOCK_LENGTH.max.get(info.class);
    let total_len = pallet_system::AllExtrinsicsLen::get().unwrap_or(0).saturating_add(len);
    if total_len > max_len {
        return Err(InvalidTransaction::ExhaustsResources.into());
    }
    Ok(())
}

/// Records an applied extrinsic's weight and length in the block's totals.
pub fn note_block_usage(info: &DispatchInfo, len: u32) {
    let weight = extrinsic_weight(info);
    pallet_system::BlockWeight::mutate(|w| {
        let slot = w.get_mut(info.class);
        *slot = slot.saturating_add(weight);
    });
    let total = pallet_system::AllExtrinsicsLen::get().unwrap_or(0).saturating_add(len);
    pallet_system::AllExtrinsicsLen::put(&total);
}

/// The number of the block being executed, widened for era arithmetic.
fn block_number_u64() -> u64 {
    pallet_system::Number::get() as u64
}
