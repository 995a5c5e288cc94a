//! Origins, dispatchable calls and their weights.

use codec::Encode;
pub use lattice_primitives::{
    AccountId32, DispatchClass, DispatchError, DispatchInfo, DispatchResult, ModuleError, Pays,
    Weight,
};

/// Who is making a call.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Origin {
    /// The chain itself, with every privilege (sudo, governance).
    Root,
    /// A signed transaction from this account.
    Signed(AccountId32),
    /// An inherent or an unsigned transaction.
    None,
}

/// The account of a signed origin, or `BadOrigin`.
pub fn ensure_signed(origin: Origin) -> Result<AccountId32, DispatchError> {
    match origin {
        Origin::Signed(who) => Ok(who),
        _ => Err(DispatchError::BadOrigin),
    }
}

/// `Ok` for the root origin, `BadOrigin` otherwise.
pub fn ensure_root(origin: Origin) -> Result<(), DispatchError> {
    match origin {
        Origin::Root => Ok(()),
        _ => Err(DispatchError::BadOrigin),
    }
}

/// `Ok` for the none origin (inherents), `BadOrigin` otherwise.
pub fn ensure_none(origin: Origin) -> Result<(), DispatchError> {
    match origin {
        Origin::None => Ok(()),
        _ => Err(DispatchError::BadOrigin),
    }
}

/// A call that can be executed with an origin.
pub trait Dispatchable {
    /// Executes the call. Not transactional by itself: the executive (or
    /// [`crate::storage::with_transaction`]) rolls back a failed call's writes.
    fn dispatch(self, origin: Origin) -> DispatchResult;
}

/// The weight, class and fee rule of a call, known before it runs.
pub trait GetDispatchInfo {
    /// The call's dispatch information.
    fn get_dispatch_info(&self) -> DispatchInfo;
}

/// A pallet error as a [`DispatchError::Module`]: the pallet's index in the runtime and
/// the error's variant index.
pub fn module_error(pallet_index: u8, error: impl Encode) -> DispatchError {
    let mut bytes = [0u8; 4];
    error.using_encoded(|e| {
        for (b, e) in bytes.iter_mut().zip(e) {
            *b = *e;
        }
    });
    DispatchError::Module(ModuleError { index: pallet_index, error: bytes })
}

/// Dispatch information of a normal, fee-paying call of `ref_time` picoseconds and
/// `proof_size` bytes.
pub const fn normal(ref_time: u64, proof_size: u64) -> DispatchInfo {
    DispatchInfo {
        weight: Weight::from_parts(ref_time, proof_size),
        class: DispatchClass::Normal,
        pays_fee: Pays::Yes,
    }
}

/// Dispatch information of a mandatory call (an inherent).
pub const fn mandatory(ref_time: u64) -> DispatchInfo {
    DispatchInfo {
        weight: Weight::from_parts(ref_time, 0),
        class: DispatchClass::Mandatory,
        pays_fee: Pays::No,
    }
}

/// Dispatch information of an operational call (root, sudo).
pub const fn operational(ref_time: u64) -> DispatchInfo {
    DispatchInfo {
        weight: Weight::from_parts(ref_time, 0),
        class: DispatchClass::Operational,
        pays_fee: Pays::No,
    }
}
