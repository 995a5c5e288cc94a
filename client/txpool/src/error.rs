//! The pool's error type, with Substrate's `author_*` JSON-RPC error codes.

use lattice_primitives::{InvalidTransaction, UnknownTransaction, H256};

/// The result type of the pool.
pub type Result<T, E = Error> = core::result::Result<T, E>;

/// Why the pool refused a transaction or an operation.
///
/// [`Error::rpc_code`], [`Error::rpc_message`] and [`Error::rpc_data`] give the JSON-RPC
/// error object Substrate's `author_submitExtrinsic` answers with, so clients that match
/// on codes (polkadot.js, subxt) behave as against a Substrate node.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The runtime declared the transaction invalid (bad nonce, signature, fees, ...).
    /// Its hash is banned for a while. RPC code 1010.
    #[error("invalid transaction: {0:?}")]
    Invalid(InvalidTransaction),
    /// The runtime could not determine validity (an address it cannot look up, an
    /// unsigned call no pallet accepts). RPC code 1011.
    #[error("unknown transaction validity: {0:?}")]
    Unknown(UnknownTransaction),
    /// The hash was recently found invalid or included in a block; resubmitting it is
    /// refused until the ban expires. RPC code 1012.
    #[error("transaction is temporarily banned")]
    TemporarilyBanned,
    /// The transaction is already in the pool. RPC code 1013.
    #[error("transaction {hash} is already imported")]
    AlreadyImported {
        /// Its hash.
        hash: H256,
    },
    /// Another transaction providing one of the same tags has a priority (summed over all
    /// such transactions) at least as high; raise the tip to replace it. RPC code 1014.
    #[error("priority is too low: ({old} vs {new})")]
    TooLowPriority {
        /// The summed priority of the transactions it would replace.
        old: u64,
        /// The priority of the refused transaction.
        new: u64,
    },
    /// The pool is full and this transaction ranks lowest, or it is larger than the
    /// pool's byte limit. RPC code 1016.
    #[error("transaction dropped immediately: the pool is full")]
    ImmediatelyDropped,
    /// The runtime declared it valid but it provides no tag, so the pool cannot order or
    /// deduplicate it. RPC code 1019.
    #[error("transaction provides no tags")]
    NoTagsProvided,
    /// Validation was asked at a block the chain does not know. RPC code 1020.
    #[error("unknown block {hash}")]
    UnknownBlock {
        /// The block hash.
        hash: H256,
    },
    /// The chain (runtime call, database) failed to answer; the transaction is neither
    /// accepted nor banned. RPC code 1002.
    #[error("chain API error: {0}")]
    Api(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl Error {
    /// The JSON-RPC error code Substrate uses for this error.
    pub fn rpc_code(&self) -> i32 {
        match self {
            Self::Invalid(_) => 1010,
            Self::Unknown(_) => 1011,
            Self::TemporarilyBanned => 1012,
            Self::AlreadyImported { .. } => 1013,
            Self::TooLowPriority { .. } => 1014,
            Self::ImmediatelyDropped => 1016,
            Self::NoTagsProvided => 1019,
            Self::UnknownBlock { .. } => 1020,
            Self::Api(_) => 1002,
        }
    }

    /// The JSON-RPC error message, as Substrate words it.
    pub fn rpc_message(&self) -> String {
        match self {
            Self::Invalid(_) => "Invalid Transaction".into(),
            Self::Unknown(_) => "Unknown Transaction Validity".into(),
            Self::TemporarilyBanned => "Transaction is temporarily banned".into(),
            Self::AlreadyImported { .. } => "Transaction Already Imported".into(),
            Self::TooLowPriority { old, new } => format!("Priority is too low: ({old} vs {new})"),
            Self::ImmediatelyDropped => "Immediately Dropped".into(),
            Self::NoTagsProvided => "No tags provided".into(),
            Self::UnknownBlock { .. } => "The provided block ID is not valid".into(),
            Self::Api(e) => format!("Verification Error: {e}"),
        }
    }

    /// The JSON-RPC error data (a string), as Substrate gives it; for 1010 the reason
    /// polkadot.js shows, e.g. `"Transaction is outdated"`.
    pub fn rpc_data(&self) -> Option<String> {
        match self {
            Self::Invalid(InvalidTransaction::Custom(n)) => Some(format!("Custom error: {n}")),
            Self::Invalid(e) => Some(invalid_reason(e).into()),
            Self::Unknown(e) => Some(format!("{e:?}")),
            Self::TemporarilyBanned | Self::UnknownBlock { .. } => None,
            Self::AlreadyImported { hash } => Some(hash.to_string()),
            Self::TooLowPriority { .. } => Some(
                "The transaction has too low priority to replace another transaction already \
                 in the pool."
                    .into(),
            ),
            Self::ImmediatelyDropped => {
                Some("The transaction couldn't enter the pool because of the limit".into())
            }
            Self::NoTagsProvided => {
                Some("Transaction does not provide any tags, so the pool can't identify it".into())
            }
            Self::Api(e) => Some(format!("{e:?}")),
        }
    }
}

/// `sp_runtime`'s description of each reason, which clients display.
fn invalid_reason(e: &InvalidTransaction) -> &'static str {
    match e {
        InvalidTransaction::Call => "Transaction call is not expected",
        InvalidTransaction::Payment => "Inability to pay some fees (e.g. account balance too low)",
        InvalidTransaction::Future => "Transaction will be valid in the future",
        InvalidTransaction::Stale => "Transaction is outdated",
        InvalidTransaction::BadProof => "Transaction has a bad signature",
        InvalidTransaction::AncientBirthBlock => "Transaction has an ancient birth block",
        InvalidTransaction::ExhaustsResources => "Transaction would exhaust the block limits",
        InvalidTransaction::Custom(_) => "InvalidTransaction custom error",
        InvalidTransaction::BadMandatory => {
            "A call was labelled as mandatory, but resulted in an Error."
        }
        InvalidTransaction::MandatoryValidation => {
            "Transaction dispatch is mandatory; transactions must not be validated."
        }
        InvalidTransaction::BadSigner => "Invalid signing address",
    }
}
