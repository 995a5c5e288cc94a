//! Exact integer arithmetic for runtime code: [`Perbill`] (a fraction in parts per
//! billion, Substrate's type) and [`mul_div_floor`], `a * b / c` without overflow.
//!
//! Runtime code uses no floats (they are not deterministic across machines); shares,
//! commissions and slashes are these fractions, always rounded down, so a payout never
//! creates more than it was given and the caller accounts for the remainder.

use codec::{Decode, Encode, MaxEncodedLen};
use scale_info::build::Fields;
use scale_info::{Path, Type, TypeInfo};

/// A fraction between 0 and 1 in billionths: `Perbill(500_000_000)` is one half.
/// Encoded as a `u32` and named `sp_arithmetic::per_things::Perbill` in metadata, as in
/// Substrate, so clients show it as a percentage.
#[derive(
    Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Default, Encode, Decode, MaxEncodedLen,
)]
pub struct Perbill(pub u32);

impl TypeInfo for Perbill {
    type Identity = Self;
    fn type_info() -> Type {
        Type::builder()
            .path(Path::from_segments_unchecked(["sp_arithmetic", "per_things", "Perbill"]))
            .composite(Fields::unnamed().field(|f| f.ty::<u32>().type_name("u32")))
    }
}

impl Perbill {
    /// The denominator: one whole.
    pub const ACCURACY: u32 = 1_000_000_000;
    /// Zero.
    pub const ZERO: Self = Self(0);
    /// One whole.
    pub const ONE: Self = Self(Self::ACCURACY);

    /// `percent` hundredths, capped at one whole.
    pub const fn from_percent(percent: u32) -> Self {
        let percent = if percent > 100 { 100 } else { percent };
        Self(percent * (Self::ACCURACY / 100))
    }

    /// `parts` billionths, capped at one whole.
    pub const fn from_parts(parts: u32) -> Self {
        Self(if parts > Self::ACCURACY { Self::ACCURACY } else { parts })
    }

    /// `numerator / denominator` rounded down, capped at one whole; zero for a zero
    /// denominator.
    pub fn from_rational(numerator: u128, denominator: u128) -> Self {
        if denominator == 0 {
            return Self::ZERO;
        }
        if numerator >= denominator {
            return Self::ONE;
        }
        // Below ACCURACY because numerator < denominator.
        Self(mul_div_floor(numerator, u128::from(Self::ACCURACY), denominator) as u32)
    }

    /// Whether the fraction is valid: at most one whole.
    pub fn is_valid(self) -> bool {
        self.0 <= Self::ACCURACY
    }

    /// `self * x`, rounded down.
    pub fn mul_floor(self, x: u128) -> u128 {
        mul_div_floor(x, u128::from(self.0.min(Self::ACCURACY)), u128::from(Self::ACCURACY))
    }

    /// The distance between two fractions.
    pub fn abs_diff(self, other: Self) -> Self {
        Self(self.0.abs_diff(other.0))
    }
}

/// `a * b / c` rounded down, computed in 256 bits so the product never overflows;
/// saturates at `u128::MAX` when the quotient does not fit, and is zero for `c == 0`.
pub fn mul_div_floor(a: u128, b: u128, c: u128) -> u128 {
    if c == 0 {
        return 0;
    }
    if let Some(product) = a.checked_mul(b) {
        return product / c;
    }
    // The 256-bit product as (high, low) from 64-bit limbs.
    let (a_hi, a_lo) = (a >> 64, a & u128::from(u64::MAX));
    let (b_hi, b_lo) = (b >> 64, b & u128::from(u64::MAX));
    let lo_lo = a_lo * b_lo;
    let hi_lo = a_hi * b_lo;
    let lo_hi = a_lo * b_hi;
    let hi_hi = a_hi * b_hi;
    let middle = (lo_lo >> 64) + (hi_lo & u128::from(u64::MAX)) + (lo_hi & u128::from(u64::MAX));
    let low = (lo_lo & u128::from(u64::MAX)) | (middle << 64);
    let high = hi_hi + (hi_lo >> 64) + (lo_hi >> 64) + (middle >> 64);
    if high >= c {
        return u128::MAX;
    }
    // Long division of (high, low) by c, one bit at a time; the remainder stays below c.
    let mut remainder = high;
    let mut quotient = 0u128;
    for i in (0..128).rev() {
        let carry = remainder >> 127;
        remainder = (remainder << 1) | ((low >> i) & 1);
        if carry == 1 || remainder >= c {
            remainder = remainder.wrapping_sub(c);
            quotient |= 1 << i;
        }
    }
    quotient
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mul_div_matches_the_exact_result() {
        assert_eq!(mul_div_floor(10, 3, 4), 7);
        assert_eq!(mul_div_floor(0, u128::MAX, 1), 0);
        assert_eq!(mul_div_floor(7, 7, 0), 0);
        // Products beyond 128 bits.
        assert_eq!(mul_div_floor(u128::MAX, u128::MAX, u128::MAX), u128::MAX);
        assert_eq!(mul_div_floor(u128::MAX, 3, 6), u128::MAX / 2);
        assert_eq!(mul_div_floor(1 << 100, 1 << 100, 1 << 90), 1 << 110);
        assert_eq!(mul_div_floor(u128::MAX, 2, 1), u128::MAX, "saturates");
        let big = u128::MAX / 3;
        assert_eq!(mul_div_floor(big, 1_000_000_007, 1_000_000_007), big);
    }

    #[test]
    fn perbill_rounds_down_and_caps() {
        assert_eq!(Perbill::from_percent(20).mul_floor(1_000), 200);
        assert_eq!(Perbill::from_percent(150), Perbill::ONE);
        assert_eq!(Perbill::from_parts(1).mul_floor(999_999_999), 0);
        assert_eq!(Perbill::from_rational(1, 3), Perbill(333_333_333));
        assert_eq!(Perbill::from_rational(5, 3), Perbill::ONE);
        assert_eq!(Perbill::from_rational(1, 0), Perbill::ZERO);
        assert_eq!(Perbill::ONE.mul_floor(u128::MAX), u128::MAX);
        assert!(!Perbill(Perbill::ACCURACY + 1).is_valid());
        assert_eq!(
            Perbill::from_percent(3).abs_diff(Perbill::from_percent(5)),
            Perbill::from_percent(2)
        );
    }
}
