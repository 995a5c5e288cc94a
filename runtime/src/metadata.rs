//! Metadata V14 and V15, composed from the pallets' declarations.

use crate::{
    extensions, index, Extrinsic, Runtime, RuntimeCall, RuntimeError, RuntimeEvent, SignedExtra,
};
use alloc::vec;
use alloc::vec::Vec;
use codec::Encode;
use frame_metadata::{v14, v15, RuntimeMetadataPrefixed, META_RESERVED};
use lattice_primitives::{Address, MultiSignature};
use lattice_support::metadata::PalletMeta;
use scale_info::{meta_type, MetaType};

/// The pallets' metadata with their indices, in index order.
fn pallets() -> Vec<(u8, PalletMeta)> {
    vec![
        (index::SYSTEM, pallet_system::Pallet::<Runtime>::metadata()),
        (index::TIMESTAMP, pallet_timestamp::Pallet::<Runtime>::metadata()),
        (index::AURA, pallet_aura::Pallet::<Runtime>::metadata()),
        (index::GRANDPA, pallet_grandpa::Pallet::<Runtime>::metadata()),
        (index::BALANCES, pallet_balances::Pallet::<Runtime>::metadata()),
        (index::TRANSACTION_PAYMENT, pallet_transaction_payment::Pallet::<Runtime>::metadata()),
        (index::SUDO, pallet_sudo::Pallet::<Runtime>::metadata()),
        (index::UTILITY, pallet_utility::Pallet::<Runtime>::metadata()),
        (index::SESSION, pallet_session::Pallet::<Runtime>::metadata()),
        (index::STAKING, pallet_staking::Pallet::<Runtime>::metadata()),
    ]
}

fn storage(meta: &PalletMeta) -> Option<v14::PalletStorageMetadata> {
    (!meta.storage.is_empty())
        .then(|| v14::PalletStorageMetadata { prefix: meta.name, entries: meta.storage.clone() })
}

fn constants_v14(meta: &PalletMeta) -> Vec<v14::PalletConstantMetadata> {
    meta.constants
        .iter()
        .map(|c| v14::PalletConstantMetadata {
            name: c.name,
            ty: c.ty,
            value: c.value.clone(),
            docs: c.docs.to_vec(),
        })
        .collect()
}

/// Metadata V14, prefixed with the magic number, as `Metadata_metadata` returns it.
pub fn metadata_v14() -> Vec<u8> {
    let pallets = pallets()
        .into_iter()
        .map(|(index, meta)| v14::PalletMetadata {
            name: meta.name,
            storage: storage(&meta),
            calls: meta.calls.map(|ty| v14::PalletCallMetadata { ty }),
            event: meta.event.map(|ty| v14::PalletEventMetadata { ty }),
            constants: constants_v14(&meta),
            error: meta.error.map(|ty| v14::PalletErrorMetadata { ty }),
            index,
        })
        .collect();
    let extrinsic = v14::ExtrinsicMetadata {
        ty: meta_type::<Extrinsic>(),
        version: lattice_primitives::extrinsic::EXTRINSIC_FORMAT_VERSION,
        signed_extensions: extensions::metadata()
            .into_iter()
            .map(|(identifier, ty, additional_signed)| v14::SignedExtensionMetadata {
                identifier,
                ty,
                additional_signed,
            })
            .collect(),
    };
    let md = v14::RuntimeMetadataV14::new(pallets, extrinsic, meta_type::<Runtime>());
    RuntimeMetadataPrefixed(META_RESERVED, frame_metadata::RuntimeMetadata::V14(md)).encode()
}

/// Metadata V15, prefixed with the magic number.
pub fn metadata_v15() -> Vec<u8> {
    let pallets = pallets()
        .into_iter()
        .map(|(index, meta)| v15::PalletMetadata {
            name: meta.name,
            storage: storage(&meta),
            calls: meta.calls.map(|ty| v15::PalletCallMetadata { ty }),
            event: meta.event.map(|ty| v15::PalletEventMetadata { ty }),
            constants: constants_v14(&meta),
            error: meta.error.map(|ty| v15::PalletErrorMetadata { ty }),
            index,
            docs: meta.docs.to_vec(),
        })
        .collect();
    let extrinsic = v15::ExtrinsicMetadata {
        version: lattice_primitives::extrinsic::EXTRINSIC_FORMAT_VERSION,
        address_ty: meta_type::<Address>(),
        call_ty: meta_type::<RuntimeCall>(),
        signature_ty: meta_type::<MultiSignature>(),
        extra_ty: meta_type::<SignedExtra>(),
        signed_extensions: extensions::metadata()
            .into_iter()
            .map(|(identifier, ty, additional_signed)| v15::SignedExtensionMetadata {
                identifier,
                ty,
                additional_signed,
            })
            .collect(),
    };
    let outer_enums = v15::OuterEnums {
        call_enum_ty: meta_type::<RuntimeCall>(),
        event_enum_ty: meta_type::<RuntimeEvent>(),
        error_enum_ty: meta_type::<RuntimeError>(),
    };
    let custom = v15::CustomMetadata { map: Default::default() };
    let md = v15::RuntimeMetadataV15::new(
        pallets,
        extrinsic,
        meta_type::<Runtime>(),
        apis(),
        outer_enums,
        custom,
    );
    RuntimeMetadataPrefixed(META_RESERVED, frame_metadata::RuntimeMetadata::V15(md)).encode()
}

/// `Metadata_metadata_at_version`: V14 or V15, `None` for other versions.
pub fn metadata_at_version(version: u32) -> Option<Vec<u8>> {
    match version {
        14 => Some(metadata_v14()),
        15 => Some(metadata_v15()),
        _ => None,
    }
}

/// `Metadata_metadata_versions`.
pub fn versions() -> Vec<u32> {
    vec![14, 15]
}

fn method(
    name: &'static str,
    inputs: Vec<(&'static str, MetaType)>,
    output: MetaType,
    docs: &'static str,
) -> v15::RuntimeApiMethodMetadata {
    v15::RuntimeApiMethodMetadata {
        name,
        inputs: inputs
            .into_iter()
            .map(|(name, ty)| v15::RuntimeApiMethodParamMetadata { name, ty })
            .collect(),
        output,
        docs: vec![docs],
    }
}

fn api(
    name: &'static str,
    methods: Vec<v15::RuntimeApiMethodMetadata>,
    docs: &'static str,
) -> v15::RuntimeApiMetadata {
    v15::RuntimeApiMetadata { name, methods, docs: vec![docs] }
}

/// The runtime APIs with their argument and result types (metadata V15 `apis`).
fn apis() -> Vec<v15::RuntimeApiMetadata> {
    use lattice_primitives::{
        staking, ApplyExtrinsicResult, Block, CheckInherentsResult, Header, InherentData,
        RuntimeVersion, TransactionSource, TransactionValidity, H256,
    };
    use pallet_transaction_payment::types::{FeeDetails, RuntimeDispatchInfo};
    let t = meta_type::<()>;
    vec![
        api(
            "Core",
            vec![
                method("version", vec![], meta_type::<RuntimeVersion>(), "Returns the version of the runtime."),
                method("execute_block", vec![("block", meta_type::<Block>())], t(), "Execute the given block."),
                method(
                    "initialize_block",
                    vec![("header", meta_type::<Header>())],
                    meta_type::<u8>(),
                    "Initialize a block with the given header and return the runtime executive mode.",
                ),
            ],
            "The `Core` runtime api that every Substrate runtime needs to implement.",
        ),
        api(
            "Metadata",
            vec![
                method("metadata", vec![], meta_type::<Vec<u8>>(), "Returns the metadata of a runtime."),
                method(
                    "metadata_at_version",
                    vec![("version", meta_type::<u32>())],
                    meta_type::<Option<Vec<u8>>>(),
                    "Returns the metadata at a given version.",
                ),
                method("metadata_versions", vec![], meta_type::<Vec<u32>>(), "Returns the supported metadata versions."),
            ],
            "The `Metadata` api trait that returns metadata for the runtime.",
        ),
        api(
            "BlockBuilder",
            vec![
                method(
                    "apply_extrinsic",
                    vec![("extrinsic", meta_type::<Extrinsic>())],
                    meta_type::<ApplyExtrinsicResult>(),
                    "Apply the given extrinsic.",
                ),
                method("finalize_block", vec![], meta_type::<Header>(), "Finish the current block."),
                method(
                    "inherent_extrinsics",
                    vec![("inherent", meta_type::<InherentData>())],
                    meta_type::<Vec<Extrinsic>>(),
                    "Generate inherent extrinsics.",
                ),
                method(
                    "check_inherents",
                    vec![("block", meta_type::<Block>()), ("data", meta_type::<InherentData>())],
                    meta_type::<CheckInherentsResult>(),
                    "Check that the inherents are valid.",
                ),
            ],
            "The `BlockBuilder` api trait that provides the required functionality for building a block.",
        ),
        api(
            "TaggedTransactionQueue",
            vec![method(
                "validate_transaction",
                vec![
                    ("source", meta_type::<TransactionSource>()),
                    ("tx", meta_type::<Extrinsic>()),
                    ("block_hash", meta_type::<H256>()),
                ],
                meta_type::<TransactionValidity>(),
                "Validate the transaction.",
            )],
            "The `TaggedTransactionQueue` api trait for interfering with the transaction queue.",
        ),
        api(
            "AccountNonceApi",
            vec![method(
                "account_nonce",
                vec![("account", meta_type::<lattice_primitives::AccountId32>())],
                meta_type::<u32>(),
                "Get current account nonce of given `AccountId`.",
            )],
            "The API to query account nonce.",
        ),
        api(
            "TransactionPaymentApi",
            vec![
                method(
                    "query_info",
                    vec![("uxt", meta_type::<Extrinsic>()), ("len", meta_type::<u32>())],
                    meta_type::<RuntimeDispatchInfo>(),
                    "The dispatch information and partial fee of an extrinsic.",
                ),
                method(
                    "query_fee_details",
                    vec![("uxt", meta_type::<Extrinsic>()), ("len", meta_type::<u32>())],
                    meta_type::<FeeDetails>(),
                    "The fee of an extrinsic, itemised.",
                ),
            ],
            "Fee queries.",
        ),
        api(
            "AuraApi",
            vec![
                method("slot_duration", vec![], meta_type::<u64>(), "Returns the slot duration for Aura."),
                method(
                    "authorities",
                    vec![],
                    meta_type::<Vec<pallet_aura::AuthorityId>>(),
                    "Return the current set of authorities.",
                ),
            ],
            "API necessary for block authorship with aura.",
        ),
        api(
            "GrandpaApi",
            vec![
                method(
                    "grandpa_authorities",
                    vec![],
                    meta_type::<Vec<(pallet_grandpa::AuthorityId, u64)>>(),
                    "Get the current GRANDPA authorities and weights.",
                ),
                method("current_set_id", vec![], meta_type::<u64>(), "Get current GRANDPA authority set id."),
            ],
            "APIs for integrating the GRANDPA finality gadget into runtimes.",
        ),
        api(
            "SessionKeys",
            vec![
                method(
                    "generate_session_keys",
                    vec![("seed", meta_type::<Option<Vec<u8>>>())],
                    meta_type::<Vec<u8>>(),
                    "Generate a set of session keys with optionally using the given seed.",
                ),
                method(
                    "decode_session_keys",
                    vec![("encoded", meta_type::<Vec<u8>>())],
                    meta_type::<Option<Vec<(Vec<u8>, [u8; 4])>>>(),
                    "Decode the given public session keys.",
                ),
            ],
            "Session keys runtime api.",
        ),
        api(
            "LatticeStakingApi",
            vec![
                method(
                    "validators",
                    vec![],
                    meta_type::<Vec<staking::ValidatorInfo>>(),
                    "Every registered validator: stake, commission, metadata, status and performance.",
                ),
                method(
                    "delegations",
                    vec![("who", meta_type::<lattice_primitives::AccountId32>())],
                    meta_type::<Vec<staking::DelegationInfo>>(),
                    "The delegations of an account.",
                ),
                method(
                    "rewards",
                    vec![("who", meta_type::<lattice_primitives::AccountId32>())],
                    meta_type::<Vec<staking::RewardInfo>>(),
                    "What an account was paid in each kept era, oldest first.",
                ),
                method(
                    "unbonding",
                    vec![("who", meta_type::<lattice_primitives::AccountId32>())],
                    meta_type::<Vec<staking::UnbondingInfo>>(),
                    "The unbonding stake of an account, oldest first.",
                ),
                method(
                    "equivocation_report",
                    vec![
                        ("proof", meta_type::<pallet_staking::EquivocationProof>()),
                        ("reporter", meta_type::<Option<lattice_primitives::AccountId32>>()),
                    ],
                    meta_type::<Vec<u8>>(),
                    "The unsigned extrinsic reporting a GRANDPA double vote, for the pool.",
                ),
                method(
                    "block_equivocation_report",
                    vec![
                        ("proof", meta_type::<pallet_staking::BlockEquivocationProof>()),
                        ("reporter", meta_type::<Option<lattice_primitives::AccountId32>>()),
                    ],
                    meta_type::<Vec<u8>>(),
                    "The unsigned extrinsic reporting two blocks sealed for one slot.",
                ),
            ],
            "Staking queries: validators, delegations, rewards and unbonding.",
        ),
        api(
            "GenesisBuilder",
            vec![
                method(
                    "build_state",
                    vec![("json", meta_type::<Vec<u8>>())],
                    meta_type::<Result<(), alloc::string::String>>(),
                    "Build the genesis state from a JSON patch of the default config.",
                ),
                method(
                    "get_preset",
                    vec![("id", meta_type::<Option<alloc::string::String>>())],
                    meta_type::<Option<Vec<u8>>>(),
                    "A named preset of the genesis config as JSON (the default when `None`).",
                ),
                method(
                    "preset_names",
                    vec![],
                    meta_type::<Vec<alloc::string::String>>(),
                    "The names of the presets.",
                ),
            ],
            "API to interact with the genesis config.",
        ),
    ]
}
