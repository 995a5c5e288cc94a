//! The RPC error type and its JSON-RPC error objects, with Substrate's codes.

use jsonrpsee::types::error::{
    ErrorObjectOwned, INTERNAL_ERROR_CODE, INVALID_PARAMS_CODE, METHOD_NOT_FOUND_CODE,
};
use lattice_primitives::H256;

/// The result type of the RPC handlers.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Base code of `chain_*` errors (Substrate's `sc-rpc-api` `chain` base).
const CHAIN_BASE: i32 = 3000;
/// Code of a failing client in `state_*` (Substrate answers `4003 "Client error: …"`).
const STATE_CLIENT: i32 = 4003;
/// `state_getKeysPaged` with a count above the page limit.
const STATE_INVALID_COUNT: i32 = 4002;
/// Base code of `author_*` errors.
const AUTHOR_BASE: i32 = 1000;
/// `author_*`: the extrinsic bytes do not decode.
const AUTHOR_BAD_FORMAT: i32 = AUTHOR_BASE + 1;
/// `payment_*`: the runtime call failed (`pallet-transaction-payment-rpc`'s `RuntimeError`).
const PAYMENT_RUNTIME_ERROR: i32 = 1;
/// `payment_*`: the extrinsic or the runtime's answer does not decode (`DecodeError`).
const PAYMENT_DECODE_ERROR: i32 = 2;
/// `staking_*`: the runtime call failed or its answer does not decode.
const STAKING_RUNTIME_ERROR: i32 = 1;
/// `grandpa_*`: the node runs no GRANDPA voter (Substrate's `NotReady` is 1).
const GRANDPA_NOT_READY: i32 = 1;

/// Which family of methods failed: Substrate gives each family its own error codes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Api {
    /// `system_*` and `rpc_methods`.
    System,
    /// `chain_*`.
    Chain,
    /// `state_*`.
    State,
    /// `author_*`.
    Author,
    /// `payment_*`.
    Payment,
    /// `staking_*`.
    Staking,
}

/// Why an RPC call failed. Each variant maps to one JSON-RPC error object
/// ([`Error::to_error_object`]).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A parameter is missing, of the wrong JSON type, not valid hex, of the wrong length,
    /// or too large. Code -32602.
    #[error("Invalid params: {param}: {reason}")]
    InvalidParams {
        /// The parameter's name.
        param: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// An unsafe method was called on a server that denies them (a public interface).
    /// Code -32601, as Substrate.
    #[error("RPC call is unsafe to be called externally")]
    UnsafeDenied,
    /// The block asked for is not known (or not on the kept chain).
    #[error("Client error: UnknownBlock: block {hash} not found")]
    UnknownBlock {
        /// The API family (decides the code).
        api: Api,
        /// The block.
        hash: H256,
    },
    /// The chain client failed: a runtime call trapped, the state is pruned, the
    /// database failed.
    #[error("Client error: {source}")]
    Client {
        /// The API family (decides the code).
        api: Api,
        /// The client's error.
        #[source]
        source: lattice_chain::Error,
    },
    /// The runtime answered a call with bytes that do not decode as the expected type.
    #[error("Client error: runtime call {method} returned an undecodable answer: {reason}")]
    BadRuntimeAnswer {
        /// The API family (decides the code).
        api: Api,
        /// The runtime entry point.
        method: &'static str,
        /// The decoding error.
        reason: String,
    },
    /// `state_getKeysPaged` asked for more keys than one page holds. Code 4002.
    #[error("count exceeds maximum value. value: {value}, max: {max}")]
    InvalidCount {
        /// The count asked for.
        value: u32,
        /// The largest count allowed.
        max: u32,
    },
    /// Submitted bytes do not decode as an extrinsic. Code 1001.
    #[error("Extrinsic has invalid format: {reason}")]
    BadFormat {
        /// The decoding error.
        reason: String,
    },
    /// The pool refused the transaction; code, message and data are the pool's
    /// (Substrate's 1002, 1010-1020).
    #[error(transparent)]
    Pool(#[from] lattice_txpool::Error),
    /// The key type of `author_insertKey`/`author_hasKey` is not four ASCII characters.
    #[error("Invalid key type {key_type:?}: expected four ASCII characters")]
    BadKeyType {
        /// The key type given.
        key_type: String,
    },
    /// The keystore refused the key (bad secret URI, mismatching public key) or failed.
    #[error("keystore: {0}")]
    Keystore(#[from] lattice_keystore::Error),
    /// The node runs without a keystore.
    #[error("Keystore is unavailable")]
    KeystoreUnavailable,
    /// `author_hasSessionKeys`: the runtime cannot decode the given session keys.
    #[error("Session keys are not encoded correctly")]
    InvalidSessionKeys,
    /// `payment_*`: the extrinsic does not decode or the runtime call failed.
    #[error("{message}")]
    Payment {
        /// Substrate's message ("Unable to query dispatch info.").
        message: &'static str,
        /// Whether the failure is a decoding one (code 2) or a runtime one (code 1).
        decode: bool,
        /// The underlying reason, given as the error's data.
        reason: String,
    },
    /// `grandpa_roundState` on a node without a GRANDPA voter.
    #[error("GRANDPA RPC endpoint not ready")]
    GrandpaUnavailable,
    /// The server could not listen on its address (in use, not permitted).
    #[error("cannot start the RPC server on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: std::net::SocketAddr,
        /// The socket error.
        #[source]
        source: std::io::Error,
    },
    /// A subscription without storage keys, denied to an external caller.
    #[error("RPC call is unsafe to be called externally")]
    UnsafeSubscription,
}

impl Error {
    /// An [`Error::InvalidParams`].
    pub(crate) fn params(param: &'static str, reason: impl Into<String>) -> Self {
        Self::InvalidParams { param, reason: reason.into() }
    }

    /// A client error of family `api`, keeping unknown blocks apart.
    pub(crate) fn client(api: Api, source: lattice_chain::Error) -> Self {
        match source {
            lattice_chain::Error::UnknownBlock(hash)
            | lattice_chain::Error::StateUnavailable(hash) => Self::UnknownBlock { api, hash },
            source => Self::Client { api, source },
        }
    }

    /// The JSON-RPC error code of this error.
    pub fn code(&self) -> i32 {
        let family = |api: &Api| match api {
            Api::Chain => CHAIN_BASE,
            Api::State | Api::System => STATE_CLIENT,
            Api::Author => AUTHOR_BASE,
            Api::Payment => PAYMENT_RUNTIME_ERROR,
            Api::Staking => STAKING_RUNTIME_ERROR,
        };
        match self {
            Self::InvalidParams { .. } | Self::BadKeyType { .. } => INVALID_PARAMS_CODE,
            Self::UnsafeDenied | Self::UnsafeSubscription => METHOD_NOT_FOUND_CODE,
            Self::UnknownBlock { api, .. }
            | Self::Client { api, .. }
            | Self::BadRuntimeAnswer { api, .. } => family(api),
            Self::InvalidCount { .. } => STATE_INVALID_COUNT,
            Self::BadFormat { .. } => AUTHOR_BAD_FORMAT,
            Self::Pool(e) => e.rpc_code(),
            Self::Keystore(lattice_keystore::Error::InvalidSecret { .. })
            | Self::Keystore(lattice_keystore::Error::InvalidPublicKeyLength { .. })
            | Self::Keystore(lattice_keystore::Error::PublicKeyMismatch { .. }) => {
                INVALID_PARAMS_CODE
            }
            Self::Keystore(_) | Self::KeystoreUnavailable | Self::InvalidSessionKeys => AUTHOR_BASE,
            Self::Payment { decode: true, .. } => PAYMENT_DECODE_ERROR,
            Self::Payment { decode: false, .. } => PAYMENT_RUNTIME_ERROR,
            Self::GrandpaUnavailable => GRANDPA_NOT_READY,
            Self::Bind { .. } => INTERNAL_ERROR_CODE,
        }
    }

    /// The JSON-RPC error object of this error.
    pub fn to_error_object(&self) -> ErrorObjectOwned {
        match self {
            Self::Pool(e) => ErrorObjectOwned::owned(e.rpc_code(), e.rpc_message(), e.rpc_data()),
            Self::Payment { message, reason, .. } => {
                ErrorObjectOwned::owned(self.code(), *message, Some(reason.clone()))
            }
            _ => ErrorObjectOwned::owned(self.code(), self.to_string(), None::<()>),
        }
    }
}

impl From<Error> for ErrorObjectOwned {
    fn from(e: Error) -> Self {
        e.to_error_object()
    }
}
