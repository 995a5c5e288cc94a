//! The runtime-API contract: the entry points the node may call and their versions.
//!
//! Each entry point is exported by the Wasm runtime as `<Api>_<method>` taking the
//! SCALE-encoded arguments as one tuple and returning the SCALE-encoded result
//! (`lattice_io::abi`). Names and versions are Substrate's, so clients that call
//! `state_call` directly (polkadot.js `api.call.*`) work.
//!
//! | entry point | arguments | result |
//! |---|---|---|
//! | `Core_version` | `()` | `RuntimeVersion` |
//! | `Core_execute_block` | `Block` | `()` |
//! | `Core_initialize_block` | `Header` | `ExtrinsicInclusionMode` (u8, 0 = all) |
//! | `Metadata_metadata` | `()` | `OpaqueMetadata` (V14, as `Vec<u8>`) |
//! | `Metadata_metadata_at_version` | `u32` | `Option<OpaqueMetadata>` |
//! | `Metadata_metadata_versions` | `()` | `Vec<u32>` |
//! | `BlockBuilder_apply_extrinsic` | `Extrinsic` | `ApplyExtrinsicResult` |
//! | `BlockBuilder_finalize_block` | `()` | `Header` |
//! | `BlockBuilder_inherent_extrinsics` | `InherentData` | `Vec<Extrinsic>` |
//! | `BlockBuilder_check_inherents` | `(Block, InherentData)` | `CheckInherentsResult` |
//! | `TaggedTransactionQueue_validate_transaction` | `(TransactionSource, Extrinsic, H256)` | `TransactionValidity` |
//! | `AccountNonceApi_account_nonce` | `AccountId32` | `u32` |
//! | `TransactionPaymentApi_query_info` | `(Extrinsic, u32)` | `RuntimeDispatchInfo` |
//! | `TransactionPaymentApi_query_fee_details` | `(Extrinsic, u32)` | `FeeDetails` |
//! | `AuraApi_slot_duration` | `()` | `u64` (milliseconds) |
//! | `AuraApi_authorities` | `()` | `Vec<[u8; 32]>` (sr25519) |
//! | `GrandpaApi_grandpa_authorities` | `()` | `Vec<([u8; 32], u64)>` (ed25519, weight) |
//! | `GrandpaApi_current_set_id` | `()` | `u64` |
//! | `SessionKeys_generate_session_keys` | `Option<Vec<u8>>` (seed) | `Vec<u8>` (encoded keys) |
//! | `SessionKeys_decode_session_keys` | `Vec<u8>` | `Option<Vec<(Vec<u8>, [u8; 4])>>` |
//! | `LatticeStakingApi_validators` | `()` | `Vec<ValidatorInfo>` (`staking`) |
//! | `LatticeStakingApi_delegations` | `AccountId32` | `Vec<DelegationInfo>` |
//! | `LatticeStakingApi_rewards` | `AccountId32` | `Vec<RewardInfo>` (kept eras, oldest first) |
//! | `LatticeStakingApi_unbonding` | `AccountId32` | `Vec<UnbondingInfo>` (oldest first) |
//! | `LatticeStakingApi_equivocation_report` | `(EquivocationProof, Option<AccountId32>)` (GRANDPA double vote, reporter) | `Vec<u8>` (the unsigned report extrinsic) |
//! | `LatticeStakingApi_block_equivocation_report` | `(BlockEquivocationProof, Option<AccountId32>)` (two headers of one slot, reporter) | `Vec<u8>` (the unsigned report extrinsic) |
//! | `GenesisBuilder_build_state` | `Vec<u8>` (JSON) | `Result<(), String>` |
//! | `GenesisBuilder_get_preset` | `Option<String>` | `Option<Vec<u8>>` (JSON) |
//! | `GenesisBuilder_preset_names` | `()` | `Vec<String>` |

/// `(name, version)` of every runtime API Lattice runtimes implement.
pub const RUNTIME_APIS: &[(&str, u32)] = &[
    ("Core", 5),
    ("Metadata", 2),
    ("BlockBuilder", 6),
    ("TaggedTransactionQueue", 3),
    ("AccountNonceApi", 1),
    ("TransactionPaymentApi", 4),
    ("AuraApi", 1),
    ("GrandpaApi", 3),
    ("SessionKeys", 1),
    ("LatticeStakingApi", 1),
    ("GenesisBuilder", 1),
];

/// Names of the entry points, for callers in the node.
pub mod methods {
    /// `Core_version`.
    pub const CORE_VERSION: &str = "Core_version";
    /// `Core_execute_block`.
    pub const CORE_EXECUTE_BLOCK: &str = "Core_execute_block";
    /// `Core_initialize_block`.
    pub const CORE_INITIALIZE_BLOCK: &str = "Core_initialize_block";
    /// `Metadata_metadata`.
    pub const METADATA: &str = "Metadata_metadata";
    /// `Metadata_metadata_at_version`.
    pub const METADATA_AT_VERSION: &str = "Metadata_metadata_at_version";
    /// `Metadata_metadata_versions`.
    pub const METADATA_VERSIONS: &str = "Metadata_metadata_versions";
    /// `BlockBuilder_apply_extrinsic`.
    pub const APPLY_EXTRINSIC: &str = "BlockBuilder_apply_extrinsic";
    /// `BlockBuilder_finalize_block`.
    pub const FINALIZE_BLOCK: &str = "BlockBuilder_finalize_block";
    /// `BlockBuilder_inherent_extrinsics`.
    pub const INHERENT_EXTRINSICS: &str = "BlockBuilder_inherent_extrinsics";
    /// `BlockBuilder_check_inherents`.
    pub const CHECK_INHERENTS: &str = "BlockBuilder_check_inherents";
    /// `TaggedTransactionQueue_validate_transaction`.
    pub const VALIDATE_TRANSACTION: &str = "TaggedTransactionQueue_validate_transaction";
    /// `AccountNonceApi_account_nonce`.
    pub const ACCOUNT_NONCE: &str = "AccountNonceApi_account_nonce";
    /// `TransactionPaymentApi_query_info`.
    pub const QUERY_INFO: &str = "TransactionPaymentApi_query_info";
    /// `TransactionPaymentApi_query_fee_details`.
    pub const QUERY_FEE_DETAILS: &str = "TransactionPaymentApi_query_fee_details";
    /// `AuraApi_slot_duration`.
    pub const AURA_SLOT_DURATION: &str = "AuraApi_slot_duration";
    /// `AuraApi_authorities`.
    pub const AURA_AUTHORITIES: &str = "AuraApi_authorities";
    /// `GrandpaApi_grandpa_authorities`.
    pub const GRANDPA_AUTHORITIES: &str = "GrandpaApi_grandpa_authorities";
    /// `GrandpaApi_current_set_id`.
    pub const GRANDPA_CURRENT_SET_ID: &str = "GrandpaApi_current_set_id";
    /// `SessionKeys_generate_session_keys`.
    pub const GENERATE_SESSION_KEYS: &str = "SessionKeys_generate_session_keys";
    /// `SessionKeys_decode_session_keys`.
    pub const DECODE_SESSION_KEYS: &str = "SessionKeys_decode_session_keys";
    /// `LatticeStakingApi_validators`.
    pub const STAKING_VALIDATORS: &str = "LatticeStakingApi_validators";
    /// `LatticeStakingApi_delegations`.
    pub const STAKING_DELEGATIONS: &str = "LatticeStakingApi_delegations";
    /// `LatticeStakingApi_rewards`.
    pub const STAKING_REWARDS: &str = "LatticeStakingApi_rewards";
    /// `LatticeStakingApi_unbonding`.
    pub const STAKING_UNBONDING: &str = "LatticeStakingApi_unbonding";
    /// `LatticeStakingApi_equivocation_report`.
    pub const STAKING_EQUIVOCATION_REPORT: &str = "LatticeStakingApi_equivocation_report";
    /// `LatticeStakingApi_block_equivocation_report`.
    pub const STAKING_BLOCK_EQUIVOCATION_REPORT: &str =
        "LatticeStakingApi_block_equivocation_report";
    /// `GenesisBuilder_build_state`.
    pub const GENESIS_BUILD_STATE: &str = "GenesisBuilder_build_state";
    /// `GenesisBuilder_get_preset`.
    pub const GENESIS_GET_PRESET: &str = "GenesisBuilder_get_preset";
    /// `GenesisBuilder_preset_names`.
    pub const GENESIS_PRESET_NAMES: &str = "GenesisBuilder_preset_names";
}

/// Well-known storage keys the node may read directly (invariant 3).
pub mod well_known_keys {
    /// The runtime's Wasm code.
    pub const CODE: &[u8] = b":code";
    /// The number of 64 KiB heap pages the runtime may use (u64, little-endian).
    pub const HEAP_PAGES: &[u8] = b":heappages";
}
