//! Types of the transaction-payment pallet, with the metadata paths Substrate gives them:
//! the fee multiplier (a `FixedU128`) and the answers of `TransactionPaymentApi`.

use codec::{Decode, Encode, MaxEncodedLen};
use lattice_support::dispatch::DispatchClass;
use lattice_support::{Balance, Weight};
use scale_info::TypeInfo;

/// A non-negative fixed-point number with 18 decimals: `Multiplier(10^18)` is 1.0.
///
/// Encoded, and described in metadata, as Substrate's
/// `sp_arithmetic::fixed_point::FixedU128`. All arithmetic is integer and saturating.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug, Encode, Decode, MaxEncodedLen)]
pub struct Multiplier(pub u128);

impl Multiplier {
    /// The inner value of 1.0.
    pub const DIV: u128 = 1_000_000_000_000_000_000;
    /// 0.0.
    pub const ZERO: Self = Self(0);
    /// 1.0.
    pub const ONE: Self = Self(Self::DIV);
    /// The largest multiplier (about 3.4 * 10^20).
    pub const MAX: Self = Self(u128::MAX);

    /// `n / d`, rounded to the nearest representable value (ties down), saturating;
    /// `d == 0` gives [`Multiplier::MAX`].
    pub const fn from_rational(n: u128, d: u128) -> Self {
        Self(mul_div(n, Self::DIV, d, Rounding::NearestPrefDown))
    }

    /// `self * n` for an integer `n`, rounded down, saturating.
    pub const fn saturating_mul_int(self, n: u128) -> u128 {
        mul_div(n, self.0, Self::DIV, Rounding::Down)
    }

    /// `self * other`, rounded to the nearest (ties down), saturating.
    pub const fn saturating_mul(self, other: Self) -> Self {
        Self(mul_div(self.0, other.0, Self::DIV, Rounding::NearestPrefDown))
    }

    /// `self + other`, saturating.
    pub const fn saturating_add(self, other: Self) -> Self {
        Self(self.0.saturating_add(other.0))
    }

    /// `self - other`, saturating at zero.
    pub const fn saturating_sub(self, other: Self) -> Self {
        Self(self.0.saturating_sub(other.0))
    }
}

impl Default for Multiplier {
    /// 1.0: fees as configured.
    fn default() -> Self {
        Self::ONE
    }
}

impl TypeInfo for Multiplier {
    type Identity = Self;
    fn type_info() -> scale_info::Type {
        use scale_info::build::Fields;
        scale_info::Type::builder()
            .path(scale_info::Path::from_segments_unchecked([
                "sp_arithmetic",
                "fixed_point",
                "FixedU128",
            ]))
            .composite(Fields::unnamed().field(|f| f.ty::<u128>().type_name("u128")))
    }
}

/// How [`mul_div`] rounds.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Rounding {
    /// Towards zero.
    Down,
    /// To the nearest value; exactly half-way rounds down (Substrate's `NearestPrefDown`).
    NearestPrefDown,
}

/// `a * b / d` computed exactly on 256 bits, then rounded and saturated to `u128`;
/// `d == 0` gives `u128::MAX`. Deterministic integer arithmetic, usable in `const`s.
pub const fn mul_div(a: u128, b: u128, d: u128, rounding: Rounding) -> u128 {
    if d == 0 {
        return u128::MAX;
    }
    let (hi, lo) = mul_wide(a, b);
    if hi >= d {
        // The quotient needs more than 128 bits.
        return u128::MAX;
    }
    // Long division of the 256-bit `hi:lo` by `d`, one bit at a time; `rem < d` holds
    // at the top of each step.
    let mut rem = hi;
    let mut quot = 0u128;
    let mut i = 128;
    while i > 0 {
        i -= 1;
        let carry = rem >> 127;
        rem = (rem << 1) | ((lo >> i) & 1);
        quot <<= 1;
        if carry == 1 || rem >= d {
            rem = rem.wrapping_sub(d);
            quot |= 1;
        }
    }
    match rounding {
        Rounding::Down => quot,
        // Round up when the remainder is more than half of `d` (`rem > d - rem` avoids
        // overflowing `2 * rem`).
        Rounding::NearestPrefDown => {
            if rem > d - rem {
                quot.saturating_add(1)
            } else {
                quot
            }
        }
    }
}

/// The full 256-bit product of `a` and `b` as `(high, low)` halves.
const fn mul_wide(a: u128, b: u128) -> (u128, u128) {
    const MASK: u128 = u64::MAX as u128;
    let (a1, a0) = (a >> 64, a & MASK);
    let (b1, b0) = (b >> 64, b & MASK);
    let p00 = a0 * b0;
    let p01 = a0 * b1;
    let p10 = a1 * b0;
    let p11 = a1 * b1;
    // Each term is below 2^64, so the sum fits easily.
    let mid = (p00 >> 64) + (p01 & MASK) + (p10 & MASK);
    let lo = (p00 & MASK) | ((mid & MASK) << 64);
    // Cannot overflow: the product of two 128-bit numbers fits in 256 bits.
    let hi = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);
    (hi, lo)
}

/// The parts of a transaction's fee that do not depend on the tip.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Encode, Decode, TypeInfo)]
pub struct InclusionFee {
    /// The minimum fee of any transaction (`BASE_FEE`).
    pub base_fee: Balance,
    /// The fee for the transaction's length in bytes.
    pub len_fee: Balance,
    /// The fee for the transaction's weight, times the fee multiplier.
    pub adjusted_weight_fee: Balance,
}

impl InclusionFee {
    /// The sum of the parts, saturating.
    pub fn inclusion_fee(&self) -> Balance {
        self.base_fee.saturating_add(self.len_fee).saturating_add(self.adjusted_weight_fee)
    }
}

/// A transaction's fee, part by part (`TransactionPaymentApi_query_fee_details`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Encode, Decode, TypeInfo)]
pub struct FeeDetails {
    /// The fee for inclusion; `None` for a dispatch that does not pay (`Pays::No`).
    pub inclusion_fee: Option<InclusionFee>,
    /// The tip.
    pub tip: Balance,
}

impl FeeDetails {
    /// Everything charged: the inclusion fee plus the tip, saturating.
    pub fn final_fee(&self) -> Balance {
        self.inclusion_fee.map_or(0, |f| f.inclusion_fee()).saturating_add(self.tip)
    }
}

/// What `TransactionPaymentApi_query_info` answers about a transaction.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Encode, Decode, TypeInfo)]
pub struct RuntimeDispatchInfo {
    /// Its weight.
    pub weight: Weight,
    /// Its class.
    pub class: DispatchClass,
    /// Its fee without the tip (zero for unsigned transactions).
    pub partial_fee: Balance,
}
