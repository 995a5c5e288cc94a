//! The metadata a pallet declares about itself, composed by the runtime into metadata V14
//! and V15 (`frame-metadata`).

use alloc::vec::Vec;
use codec::Encode;
use frame_metadata::v14::StorageEntryMetadata;
use scale_info::{form::MetaForm, meta_type, MetaType, StaticTypeInfo};

/// One constant of a pallet.
pub struct ConstantMeta {
    /// Its name (`"ExistentialDeposit"`).
    pub name: &'static str,
    /// Its type.
    pub ty: MetaType,
    /// Its SCALE-encoded value.
    pub value: Vec<u8>,
    /// Its documentation.
    pub docs: &'static [&'static str],
}

/// A constant of type `T` with value `value`.
pub fn constant<T: Encode + StaticTypeInfo>(
    name: &'static str,
    value: &T,
    docs: &'static [&'static str],
) -> ConstantMeta {
    ConstantMeta { name, ty: meta_type::<T>(), value: value.encode(), docs }
}

/// Everything a pallet contributes to the runtime's metadata.
pub struct PalletMeta {
    /// The pallet's name (also its storage prefix).
    pub name: &'static str,
    /// Its storage items.
    pub storage: Vec<StorageEntryMetadata<MetaForm>>,
    /// Its `Call` type, if it has calls.
    pub calls: Option<MetaType>,
    /// Its `Event` type, if it emits events.
    pub event: Option<MetaType>,
    /// Its constants.
    pub constants: Vec<ConstantMeta>,
    /// Its `Error` type, if it has errors.
    pub error: Option<MetaType>,
    /// Its documentation.
    pub docs: &'static [&'static str],
}

impl PalletMeta {
    /// Metadata with just a name; fill in the rest with the builder methods.
    pub fn new(name: &'static str) -> Self {
        Self {
            name,
            storage: Vec::new(),
            calls: None,
            event: None,
            constants: Vec::new(),
            error: None,
            docs: &[],
        }
    }

    /// Sets the call type.
    pub fn calls<T: StaticTypeInfo>(mut self) -> Self {
        self.calls = Some(meta_type::<T>());
        self
    }

    /// Sets the event type.
    pub fn event<T: StaticTypeInfo>(mut self) -> Self {
        self.event = Some(meta_type::<T>());
        self
    }

    /// Sets the error type.
    pub fn error<T: StaticTypeInfo>(mut self) -> Self {
        self.error = Some(meta_type::<T>());
        self
    }

    /// Adds storage items.
    pub fn storage(
        mut self,
        items: impl IntoIterator<Item = StorageEntryMetadata<MetaForm>>,
    ) -> Self {
        self.storage.extend(items);
        self
    }

    /// Adds constants.
    pub fn constants(mut self, items: impl IntoIterator<Item = ConstantMeta>) -> Self {
        self.constants.extend(items);
        self
    }

    /// Sets the documentation.
    pub fn docs(mut self, docs: &'static [&'static str]) -> Self {
        self.docs = docs;
        self
    }
}
