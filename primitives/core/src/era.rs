//! Transaction mortality, in Substrate's two-byte era format.

use codec::{Decode, Encode, Error, Input, Output};

/// When a transaction is valid: forever, or for `period` blocks from a birth block
/// identified by `phase` (the birth number modulo the period).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Era {
    /// Valid at any height.
    Immortal,
    /// Valid from its birth block for `period` blocks. `period` is a power of two in
    /// `4..=65536`; `phase < period`.
    Mortal(u64, u64),
}

impl Era {
    /// The era covering `period` blocks (rounded up to a power of two in `4..=65536`) that
    /// starts at block `current`.
    pub fn mortal(period: u64, current: u64) -> Self {
        let period = period.checked_next_power_of_two().unwrap_or(1 << 16).clamp(4, 1 << 16);
        let phase = current % period;
        let quantize_factor = (period >> 12).max(1);
        Self::Mortal(period, phase / quantize_factor * quantize_factor)
    }

    /// The first block at which a transaction of this era is valid, for a chain at
    /// `current`.
    pub fn birth(self, current: u64) -> u64 {
        match self {
            Self::Immortal => 0,
            Self::Mortal(period, phase) => (current.max(phase) - phase) / period * period + phase,
        }
    }

    /// The first block at which a transaction of this era is no longer valid.
    pub fn death(self, current: u64) -> u64 {
        match self {
            Self::Immortal => u64::MAX,
            Self::Mortal(period, _) => self.birth(current).saturating_add(period),
        }
    }
}

impl Encode for Era {
    fn encode_to<T: Output + ?Sized>(&self, out: &mut T) {
        match self {
            Self::Immortal => out.push_byte(0),
            Self::Mortal(period, phase) => {
                let quantize_factor = (*period >> 12).max(1);
                let low = (period.trailing_zeros().saturating_sub(1)).clamp(1, 15) as u16;
                let encoded = low | (((*phase / quantize_factor) as u16) << 4);
                encoded.encode_to(out);
            }
        }
    }
}

impl codec::EncodeLike for Era {}

impl Decode for Era {
    fn decode<I: Input>(input: &mut I) -> Result<Self, Error> {
        let first = input.read_byte()?;
        if first == 0 {
            return Ok(Self::Immortal);
        }
        let encoded = first as u64 + ((input.read_byte()? as u64) << 8);
        let period = 2 << (encoded % (1 << 4));
        let quantize_factor = (period >> 12).max(1);
        let phase = (encoded >> 4) * quantize_factor;
        if period >= 4 && phase < period {
            Ok(Self::Mortal(period, phase))
        } else {
            Err("invalid period and phase".into())
        }
    }
}

impl scale_info::TypeInfo for Era {
    type Identity = Self;
    fn type_info() -> scale_info::Type {
        use scale_info::build::{Fields, Variants};
        let mut variants = Variants::new().variant("Immortal", |v| v.index(0));
        for i in 1u8..=255 {
            variants = variants.variant(MORTAL_NAMES[i as usize - 1], |v| {
                v.index(i).fields(Fields::unnamed().field(|f| f.ty::<u8>()))
            });
        }
        scale_info::Type::builder()
            .path(scale_info::Path::from_segments_unchecked([
                "sp_runtime",
                "generic",
                "era",
                "Era",
            ]))
            .variant(variants)
    }
}

/// Variant names `Mortal1` .. `Mortal255` of the era's type info (static strings, as
/// scale-info's meta form requires).
const MORTAL_NAMES: [&str; 255] = {
    macro_rules! names {
        ($($n:literal)*) => { [$(concat!("Mortal", $n)),*] };
    }
    names!(1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30
        31 32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47 48 49 50 51 52 53 54 55 56 57 58
        59 60 61 62 63 64 65 66 67 68 69 70 71 72 73 74 75 76 77 78 79 80 81 82 83 84 85 86
        87 88 89 90 91 92 93 94 95 96 97 98 99 100 101 102 103 104 105 106 107 108 109 110
        111 112 113 114 115 116 117 118 119 120 121 122 123 124 125 126 127 128 129 130 131
        132 133 134 135 136 137 138 139 140 141 142 143 144 145 146 147 148 149 150 151 152
        153 154 155 156 157 158 159 160 161 162 163 164 165 166 167 168 169 170 171 172 173
        174 175 176 177 178 179 180 181 182 183 184 185 186 187 188 189 190 191 192 193 194
        195 196 197 198 199 200 201 202 203 204 205 206 207 208 209 210 211 212 213 214 215
        216 217 218 219 220 221 222 223 224 225 226 227 228 229 230 231 232 233 234 235 236
        237 238 239 240 241 242 243 244 245 246 247 248 249 250 251 252 253 254 255)
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn immortal_is_one_zero_byte() {
        assert_eq!(Era::Immortal.encode(), vec![0]);
        assert_eq!(Era::decode(&mut &[0u8][..]), Ok(Era::Immortal));
    }

    #[test]
    fn mortal_round_trips_and_matches_substrate_vectors() {
        // Substrate's vector: period 64, phase 42 encodes as [5 + 42 % 16 * 16, 42 / 16].
        let era = Era::Mortal(64, 42);
        assert_eq!(era.encode(), vec![5 + 42 % 16 * 16, 42 / 16]);
        assert_eq!(Era::decode(&mut &era.encode()[..]), Ok(era));
        // Large periods quantize the phase by period / 4096 (here 8).
        let era = Era::Mortal(32768, 20000);
        assert_eq!(era.encode(), vec![(14 + 2500 % 16 * 16) as u8, (2500 / 16) as u8]);
        assert_eq!(Era::decode(&mut &era.encode()[..]), Ok(Era::Mortal(32768, 20000)));
    }

    #[test]
    fn birth_and_death() {
        let era = Era::mortal(64, 1000);
        assert_eq!(era, Era::Mortal(64, 1000 % 64));
        assert_eq!(era.birth(1000), 1000);
        assert_eq!(era.birth(1063), 1000);
        assert_eq!(era.death(1000), 1064);
        assert_eq!(Era::mortal(5, 0), Era::Mortal(8, 0));
        assert_eq!(Era::mortal(1 << 20, 0), Era::Mortal(1 << 16, 0));
    }

    #[test]
    fn invalid_phase_is_an_error() {
        // period 4 (low nibble 1), phase 15 >= 4.
        assert!(Era::decode(&mut &[0xf1u8, 0][..]).is_err());
        assert!(Era::decode(&mut &[1u8][..]).is_err());
    }
}
