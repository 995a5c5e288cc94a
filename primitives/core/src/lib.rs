//! Core formats of Lattice, shared by the runtime (in Wasm) and the node.
//!
//! ## Bird's-eye view
//!
//! Everything here is a data format, `no_std` + `alloc`, encoded with SCALE exactly as
//! Substrate encodes it, so that existing clients (polkadot.js, subxt,
//! py-substrate-interface) read Lattice chains unmodified:
//!
//! - [`header`]: [`Header`], [`Digest`], [`Block`]; the block hash is blake2-256 of the
//!   encoded header.
//! - [`extrinsic`]: extrinsic format v4 ([`UncheckedExtrinsic`]) and its signing payload;
//!   [`era`]: transaction mortality.
//! - [`crypto`]: [`AccountId32`], [`MultiSignature`], [`MultiAddress`].
//! - [`dispatch`]: [`Weight`], [`DispatchInfo`], [`DispatchError`]; [`transaction`]:
//!   validity answers for the pool; [`inherent`]: inherent data.
//! - [`staking`]: the answers of the staking runtime API.
//! - [`version`]: [`RuntimeVersion`]; [`api`]: the runtime-API contract (entry point
//!   names, versions, argument and result types) and the well-known storage keys.
//!
//! Types that clients recognise by their metadata path implement `TypeInfo` by hand
//! with Substrate's paths (`sp_core::crypto::AccountId32`, `sp_runtime::DispatchError`, ...).
//!
//! ## Example
//!
//! ```
//! use codec::{Decode, Encode};
//! use lattice_primitives::{Digest, Header, H256};
//!
//! let header = Header {
//!     parent_hash: H256::zero(),
//!     number: 7,
//!     state_root: H256([1; 32]),
//!     extrinsics_root: H256([2; 32]),
//!     digest: Digest::default(),
//! };
//! let bytes = header.encode();
//! assert_eq!(bytes[32], 7 << 2); // the number is compact-encoded
//! assert_eq!(Header::decode(&mut &bytes[..]).unwrap().hash(), header.hash());
//! ```
//!
//! ## Feature flags
//!
//! - `std` (default): `std` support of the codecs; off when building the Wasm runtime.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

mod type_info;

pub mod api;
pub mod crypto;
pub mod dispatch;
pub mod era;
pub mod extrinsic;
pub mod hash;
pub mod header;
pub mod inherent;
pub mod staking;
pub mod transaction;
pub mod version;

pub use crypto::{AccountId32, Address, MultiAddress, MultiSignature, SignatureVerifier};
pub use dispatch::{
    ArithmeticError, DispatchClass, DispatchError, DispatchInfo, DispatchResult, ModuleError, Pays,
    PostDispatchInfo, TokenError, TransactionalError, Weight,
};
pub use era::Era;
pub use extrinsic::{SignatureParts, UncheckedExtrinsic};
pub use hash::{blake2_256, H256};
pub use header::{
    Block, BlockNumber, ConsensusEngineId, Digest, DigestItem, Header, OpaqueExtrinsic,
};
pub use inherent::{CheckInherentsResult, InherentData, InherentIdentifier};
pub use transaction::{
    ApplyExtrinsicResult, InvalidTransaction, TransactionSource, TransactionValidity,
    TransactionValidityError, UnknownTransaction, ValidTransaction,
};
pub use version::RuntimeVersion;

/// Re-exported so dependants use the same codec version.
pub use codec;
/// Re-exported so dependants use the same scale-info version.
pub use scale_info;

/// The balance type of Lattice: 12 decimals, so one LAT is `10^12`.
pub type Balance = u128;
/// An account nonce.
pub type Nonce = u32;
/// A moment in milliseconds since the Unix epoch.
pub type Moment = u64;
