//! Transaction validity, as the runtime reports it to the pool and to block builders.

use crate::dispatch::DispatchResult;
use alloc::vec::Vec;
use codec::{Decode, Encode};
use scale_info::TypeInfo;

/// Where a transaction came from, as the pool tells the runtime.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum TransactionSource {
    /// Already in a block being imported.
    InBlock,
    /// Submitted by this node's own user (RPC).
    Local,
    /// Received from the network.
    External,
}

/// Why a transaction is invalid. Variant indices are Substrate's; RPC clients report
/// them under error code 1010.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum InvalidTransaction {
    /// The call is not allowed.
    Call,
    /// The sender cannot pay the fee.
    Payment,
    /// The nonce is in the future.
    Future,
    /// The nonce was already used.
    Stale,
    /// The signature is wrong.
    BadProof,
    /// The era's birth block is too old or unknown.
    AncientBirthBlock,
    /// It would exhaust the block's resources.
    ExhaustsResources,
    /// A pallet's own reason.
    Custom(u8),
    /// A mandatory dispatch failed.
    BadMandatory,
    /// A mandatory dispatch was submitted as a transaction.
    MandatoryValidation,
    /// The signer is not valid (e.g. the zero account).
    BadSigner,
}

/// Why a transaction's validity cannot be determined.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum UnknownTransaction {
    /// An address could not be looked up.
    CannotLookup,
    /// No validator accepts this unsigned transaction.
    NoUnsignedValidator,
    /// A pallet's own reason.
    Custom(u8),
}

/// An invalid or undeterminable transaction.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum TransactionValidityError {
    /// Definitely invalid.
    Invalid(InvalidTransaction),
    /// Validity unknown.
    Unknown(UnknownTransaction),
}

impl From<InvalidTransaction> for TransactionValidityError {
    fn from(e: InvalidTransaction) -> Self {
        Self::Invalid(e)
    }
}

impl From<UnknownTransaction> for TransactionValidityError {
    fn from(e: UnknownTransaction) -> Self {
        Self::Unknown(e)
    }
}

/// A transaction the pool may keep, with how to order it.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct ValidTransaction {
    /// Higher goes first.
    pub priority: u64,
    /// Tags that other transactions must provide before this one is ready.
    pub requires: Vec<Vec<u8>>,
    /// Tags this transaction provides.
    pub provides: Vec<Vec<u8>>,
    /// Blocks for which the validity holds.
    pub longevity: u64,
    /// Whether to gossip it.
    pub propagate: bool,
}

impl Default for ValidTransaction {
    fn default() -> Self {
        Self {
            priority: 0,
            requires: Vec::new(),
            provides: Vec::new(),
            longevity: u64::MAX,
            propagate: true,
        }
    }
}

impl ValidTransaction {
    /// Combines the validity of two checks (signed extensions): priorities add, tags
    /// concatenate, the shorter longevity wins, propagate only if both do.
    pub fn combine_with(mut self, mut other: ValidTransaction) -> Self {
        self.priority = self.priority.saturating_add(other.priority);
        self.requires.append(&mut other.requires);
        self.provides.append(&mut other.provides);
        self.longevity = self.longevity.min(other.longevity);
        self.propagate = self.propagate && other.propagate;
        self
    }
}

/// The answer of `TaggedTransactionQueue_validate_transaction`.
pub type TransactionValidity = Result<ValidTransaction, TransactionValidityError>;

/// The answer of `BlockBuilder_apply_extrinsic`: the outer error means the extrinsic must
/// not be in the block; the inner result is the dispatch outcome (included either way).
pub type ApplyExtrinsicResult = Result<DispatchResult, TransactionValidityError>;
