//! Weights, dispatch information and dispatch errors in Substrate's formats.

use codec::{Decode, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// Execution cost of a call: `ref_time` in picoseconds of reference hardware,
/// `proof_size` in bytes of storage proof. Both saturate.
#[derive(
    Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug, Default, Encode, Decode, MaxEncodedLen,
)]
pub struct Weight {
    /// Computation time, in picoseconds.
    #[codec(compact)]
    pub ref_time: u64,
    /// Storage proof size, in bytes.
    #[codec(compact)]
    pub proof_size: u64,
}

impl TypeInfo for Weight {
    type Identity = Self;
    fn type_info() -> scale_info::Type {
        use scale_info::build::Fields;
        scale_info::Type::builder()
            .path(scale_info::Path::from_segments_unchecked(["sp_weights", "weight_v2", "Weight"]))
            .composite(
                Fields::named()
                    .field(|f| f.compact::<u64>().name("ref_time").type_name("u64"))
                    .field(|f| f.compact::<u64>().name("proof_size").type_name("u64")),
            )
    }
}

/// `ref_time` of one second.
pub const WEIGHT_REF_TIME_PER_SECOND: u64 = 1_000_000_000_000;
/// `ref_time` of one millisecond.
pub const WEIGHT_REF_TIME_PER_MILLIS: u64 = 1_000_000_000;
/// `ref_time` of one nanosecond.
pub const WEIGHT_REF_TIME_PER_NANOS: u64 = 1_000;

impl Weight {
    /// No cost.
    pub const ZERO: Self = Self { ref_time: 0, proof_size: 0 };

    /// A weight of `ref_time` and `proof_size`.
    pub const fn from_parts(ref_time: u64, proof_size: u64) -> Self {
        Self { ref_time, proof_size }
    }

    /// Both components added, saturating.
    pub const fn saturating_add(self, o: Self) -> Self {
        Self {
            ref_time: self.ref_time.saturating_add(o.ref_time),
            proof_size: self.proof_size.saturating_add(o.proof_size),
        }
    }

    /// Both components subtracted, saturating at zero.
    pub const fn saturating_sub(self, o: Self) -> Self {
        Self {
            ref_time: self.ref_time.saturating_sub(o.ref_time),
            proof_size: self.proof_size.saturating_sub(o.proof_size),
        }
    }

    /// Both components multiplied by `n`, saturating.
    pub const fn saturating_mul(self, n: u64) -> Self {
        Self {
            ref_time: self.ref_time.saturating_mul(n),
            proof_size: self.proof_size.saturating_mul(n),
        }
    }

    /// Whether any component of `self` exceeds the same component of `limit`.
    pub const fn any_gt(self, limit: Self) -> bool {
        self.ref_time > limit.ref_time || self.proof_size > limit.proof_size
    }

    /// The component-wise minimum.
    pub fn min(self, o: Self) -> Self {
        Self {
            ref_time: self.ref_time.min(o.ref_time),
            proof_size: self.proof_size.min(o.proof_size),
        }
    }
}

/// The class of a dispatch, which decides its share of the block's weight and length.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Encode, Decode, TypeInfo, MaxEncodedLen)]
#[scale_info(skip_type_params())]
pub enum DispatchClass {
    /// An ordinary transaction.
    #[default]
    Normal,
    /// An operational transaction (may use the reserved part of the block).
    Operational,
    /// An inherent: always included, whatever the weight.
    Mandatory,
}

/// Whether a dispatch pays a fee.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Encode, Decode, TypeInfo, MaxEncodedLen)]
pub enum Pays {
    /// The sender pays.
    #[default]
    Yes,
    /// Free.
    No,
}

/// What is known about a dispatch before it runs.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Encode, Decode, TypeInfo, MaxEncodedLen)]
pub struct DispatchInfo {
    /// Its (worst-case) weight.
    pub weight: Weight,
    /// Its class.
    pub class: DispatchClass,
    /// Whether it pays a fee.
    pub pays_fee: Pays,
}

/// What a dispatch reports about itself after it ran.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Encode, Decode, TypeInfo)]
pub struct PostDispatchInfo {
    /// The weight it actually used, when less than declared.
    pub actual_weight: Option<Weight>,
    /// Whether it pays a fee after all.
    pub pays_fee: Pays,
}

impl PostDispatchInfo {
    /// The weight to charge: the actual weight capped by the declared one.
    pub fn calc_actual_weight(&self, info: &DispatchInfo) -> Weight {
        self.actual_weight.map_or(info.weight, |w| w.min(info.weight))
    }
}

macro_rules! plain_enum {
    ($(#[$m:meta])* $name:ident [$($seg:literal),+] { $($(#[$vm:meta])* $v:ident = $i:literal,)* }) => {
        $(#[$m])*
        #[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen)]
        pub enum $name { $($(#[$vm])* #[codec(index = $i)] $v,)* }

        impl scale_info::TypeInfo for $name {
            type Identity = Self;
            fn type_info() -> scale_info::Type {
                use scale_info::build::Variants;
                scale_info::Type::builder()
                    .path(scale_info::Path::from_segments_unchecked([$($seg),+]))
                    .variant(Variants::new()$(.variant(stringify!($v), |v| v.index($i)))*)
            }
        }
    };
}

plain_enum!(
    /// Why a token operation failed.
    TokenError ["sp_runtime", "TokenError"] {
        /// Funds are unavailable.
        FundsUnavailable = 0,
        /// Some part of the balance gives the only provider reference to the account.
        OnlyProvider = 1,
        /// The account cannot exist with the funds that would be given.
        BelowMinimum = 2,
        /// The account cannot be created.
        CannotCreate = 3,
        /// The asset in question is unknown.
        UnknownAsset = 4,
        /// Funds exist but are frozen.
        Frozen = 5,
        /// Operation is not supported by the asset.
        Unsupported = 6,
        /// Account cannot be created for lack of a provider reference.
        CannotCreateHold = 7,
        /// Withdrawal would cause unwanted loss of account.
        NotExpendable = 8,
        /// Account cannot receive the assets.
        Blocked = 9,
    }
);

plain_enum!(
    /// Why an arithmetic operation failed.
    ArithmeticError ["sp_runtime", "ArithmeticError"] {
        /// Underflow.
        Underflow = 0,
        /// Overflow.
        Overflow = 1,
        /// Division by zero.
        DivisionByZero = 2,
    }
);

plain_enum!(
    /// Why a storage transaction failed.
    TransactionalError ["sp_runtime", "TransactionalError"] {
        /// Too many nested transactions.
        LimitReached = 0,
        /// No transaction is open.
        NoLayer = 1,
    }
);

/// A pallet's error: the pallet's index and the error's index (then three bytes of
/// detail, zero in Lattice).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen)]
pub struct ModuleError {
    /// Index of the pallet in the runtime.
    pub index: u8,
    /// The error: first byte is the variant index in the pallet's `Error` enum.
    pub error: [u8; 4],
}

impl scale_info::TypeInfo for ModuleError {
    type Identity = Self;
    fn type_info() -> scale_info::Type {
        use scale_info::build::Fields;
        scale_info::Type::builder()
            .path(scale_info::Path::from_segments_unchecked(["sp_runtime", "ModuleError"]))
            .composite(Fields::named().field(|f| f.ty::<u8>().name("index").type_name("u8")).field(
                |f| {
                    f.ty::<[u8; 4]>().name("error").type_name("[u8; MAX_MODULE_ERROR_ENCODED_SIZE]")
                },
            ))
    }
}

/// Why a dispatch failed. Variant indices are Substrate's.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen)]
pub enum DispatchError {
    /// Some other error (carries no data on chain).
    #[codec(index = 0)]
    Other,
    /// A lookup (of an address) failed.
    #[codec(index = 1)]
    CannotLookup,
    /// The origin is not allowed to make this call.
    #[codec(index = 2)]
    BadOrigin,
    /// A pallet returned one of its errors.
    #[codec(index = 3)]
    Module(ModuleError),
    /// The account still has consumers.
    #[codec(index = 4)]
    ConsumerRemaining,
    /// The account has no providers.
    #[codec(index = 5)]
    NoProviders,
    /// Too many consumers.
    #[codec(index = 6)]
    TooManyConsumers,
    /// A token operation failed.
    #[codec(index = 7)]
    Token(TokenError),
    /// An arithmetic operation failed.
    #[codec(index = 8)]
    Arithmetic(ArithmeticError),
    /// A storage transaction failed.
    #[codec(index = 9)]
    Transactional(TransactionalError),
    /// Resources are exhausted.
    #[codec(index = 10)]
    Exhausted,
    /// State is corrupt.
    #[codec(index = 11)]
    Corruption,
    /// A resource is unavailable.
    #[codec(index = 12)]
    Unavailable,
    /// Root origin is not allowed.
    #[codec(index = 13)]
    RootNotAllowed,
}

impl scale_info::TypeInfo for DispatchError {
    type Identity = Self;
    fn type_info() -> scale_info::Type {
        use scale_info::build::{Fields, Variants};
        let unit = |name: &'static str, i: u8| move |v: Variants| v.variant(name, |v| v.index(i));
        let mut vs = Variants::new();
        vs = unit("Other", 0)(vs);
        vs = unit("CannotLookup", 1)(vs);
        vs = unit("BadOrigin", 2)(vs);
        vs = vs.variant("Module", |v| {
            v.index(3)
                .fields(Fields::unnamed().field(|f| f.ty::<ModuleError>().type_name("ModuleError")))
        });
        vs = unit("ConsumerRemaining", 4)(vs);
        vs = unit("NoProviders", 5)(vs);
        vs = unit("TooManyConsumers", 6)(vs);
        vs = vs.variant("Token", |v| {
            v.index(7)
                .fields(Fields::unnamed().field(|f| f.ty::<TokenError>().type_name("TokenError")))
        });
        vs = vs.variant("Arithmetic", |v| {
            v.index(8).fields(
                Fields::unnamed().field(|f| f.ty::<ArithmeticError>().type_name("ArithmeticError")),
            )
        });
        vs = vs.variant("Transactional", |v| {
            v.index(9).fields(
                Fields::unnamed()
                    .field(|f| f.ty::<TransactionalError>().type_name("TransactionalError")),
            )
        });
        vs = unit("Exhausted", 10)(vs);
        vs = unit("Corruption", 11)(vs);
        vs = unit("Unavailable", 12)(vs);
        vs = unit("RootNotAllowed", 13)(vs);
        scale_info::Type::builder()
            .path(scale_info::Path::from_segments_unchecked(["sp_runtime", "DispatchError"]))
            .variant(vs)
    }
}

impl From<ArithmeticError> for DispatchError {
    fn from(e: ArithmeticError) -> Self {
        Self::Arithmetic(e)
    }
}

impl From<TokenError> for DispatchError {
    fn from(e: TokenError) -> Self {
        Self::Token(e)
    }
}

/// The result of a dispatch, as the runtime reports it in events and `ApplyExtrinsic`.
pub type DispatchResult = Result<(), DispatchError>;
