//! Types stored by the balances pallet, with the metadata paths Substrate gives them.

use codec::{Decode, Encode, MaxEncodedLen};
use lattice_support::Balance;
use scale_info::TypeInfo;

/// The balances of one account, stored in `System.Account` as its `data`.
///
/// Same fields, order and encoding as Substrate's `pallet_balances::types::AccountData`,
/// so clients decode `System.Account` unmodified.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Encode, Decode, TypeInfo, MaxEncodedLen)]
pub struct AccountData {
    /// Balance that can be transferred, withdrawn or reserved, down to `frozen`.
    pub free: Balance,
    /// Balance set aside by other pallets (deposits); it cannot be spent, and the account
    /// keeps a consumer reference while it is non-zero.
    pub reserved: Balance,
    /// The total (free plus reserved) that must stay in the account: the largest freeze.
    /// Transfers and withdrawals cannot take `free + reserved` below it.
    pub frozen: Balance,
    /// Bit flags; Lattice sets [`ExtraFlags::NEW_LOGIC`] on every account it writes, as
    /// Substrate does on accounts it has upgraded.
    pub flags: ExtraFlags,
}

impl AccountData {
    /// Free plus reserved, saturating (the pallet keeps it below `u128::MAX`: it is part
    /// of the total issuance).
    pub fn total(&self) -> Balance {
        self.free.saturating_add(self.reserved)
    }

    /// What a transfer or withdrawal may take from `free` without breaking a freeze:
    /// reserved funds count towards the frozen amount.
    pub fn liquid(&self) -> Balance {
        self.free.saturating_sub(self.frozen.saturating_sub(self.reserved))
    }
}

/// Flags of an account (Substrate's `ExtraFlags`, a newtype over `u128`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Encode, Decode, TypeInfo, MaxEncodedLen)]
pub struct ExtraFlags(pub u128);

impl ExtraFlags {
    /// The top bit: the account follows the current balance logic (frozen applies to
    /// free plus reserved). Substrate sets it on every account it touches.
    pub const NEW_LOGIC: Self = Self(1 << 127);

    /// Whether [`ExtraFlags::NEW_LOGIC`] is set.
    pub fn is_new_logic(&self) -> bool {
        self.0 & Self::NEW_LOGIC.0 != 0
    }
}

/// The amount of one freeze, by its 8-byte id (`*b"staking "`, ...).
///
/// Encoded as Substrate's `frame_support::traits::tokens::misc::IdAmount<Id, Balance>`
/// with `Id = [u8; 8]`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen)]
pub struct IdAmount {
    /// Who set the freeze.
    pub id: [u8; 8],
    /// How much of the account's total it keeps in place.
    pub amount: Balance,
}

impl TypeInfo for IdAmount {
    type Identity = Self;
    fn type_info() -> scale_info::Type {
        use scale_info::build::Fields;
        use scale_info::{meta_type, Path, Type, TypeParameter};
        Type::builder()
            .path(Path::from_segments_unchecked([
                "frame_support",
                "traits",
                "tokens",
                "misc",
                "IdAmount",
            ]))
            .type_params([
                TypeParameter::new("Id", Some(meta_type::<[u8; 8]>())),
                TypeParameter::new("Balance", Some(meta_type::<Balance>())),
            ])
            .composite(
                Fields::named()
                    .field(|f| f.ty::<[u8; 8]>().name("id").type_name("Id"))
                    .field(|f| f.ty::<Balance>().name("amount").type_name("Balance")),
            )
    }
}
