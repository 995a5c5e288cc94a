//! Chain specs in Substrate's JSON shape: reading, writing, the built-in `dev` and `local`
//! specs, and the genesis storage they describe.
//!
//! ## Bird's-eye view
//!
//! A chain spec names a chain (`name`, `id`, `chainType`, `protocolId`, `properties` such
//! as the token symbol) and fixes its genesis state in one of two forms:
//!
//! - **`runtimeGenesis`**: the runtime's Wasm `code` and a JSON genesis config, either a
//!   `patch` (sections left out take the runtime's defaults) or a full `config`. The
//!   state is built by the runtime itself (`GenesisBuilder_build_state`), which this crate
//!   does not run: [`ChainSpec::genesis_storage`] takes the building as a closure, which
//!   the node implements through the executor. This keeps the crate free of pallet and
//!   runtime crates (the node knows the chain only through runtime APIs).
//! - **`raw`**: the key/value pairs of the genesis state, hex encoded, `:code` among them.
//!   Every node reading a raw spec gets the same genesis whatever runtime it would build;
//!   networks are launched from raw specs. [`ChainSpec::to_raw`] converts.
//!
//! ```json
//! {
//!   "name": "Development", "id": "dev", "chainType": "Development",
//!   "bootNodes": [], "telemetryEndpoints": null, "protocolId": "lat",
//!   "properties": { "ss58Format": 42, "tokenDecimals": 12, "tokenSymbol": "LAT" },
//!   "codeSubstitutes": {},
//!   "genesis": { "runtimeGenesis": { "code": "0x0061736d…", "patch": { "balances": … } } }
//! }
//! ```
//!
//! Parsing checks everything that can be checked without the runtime: the JSON shape,
//! the chain type, every hex string, that exactly one of `patch` and `config` is given,
//! and that the genesis holds code. Unknown top-level fields (Substrate's `forkBlocks`,
//! `badBlocks`, `consensusEngine`, client extensions) are ignored, as Substrate does for
//! specs of other clients; unknown fields inside `genesis` are refused.
//!
//! ## Example
//!
//! ```
//! use lattice_chain_spec::{ChainSpec, ChainType};
//!
//! let code = b"\0asm\x01\0\0\0";
//! let spec = ChainSpec::dev(code, br#"{"sudo":{"key":null}}"#)?;
//! assert_eq!(spec.chain_type, ChainType::Development);
//! assert_eq!(spec.token_symbol(), Some("LAT"));
//!
//! // A round trip through JSON.
//! let again = ChainSpec::from_json_bytes(spec.to_json().as_bytes())?;
//! assert_eq!(again, spec);
//!
//! // The raw form, with a stand-in for the runtime's `GenesisBuilder_build_state`.
//! let raw = spec.to_raw(|_code, _json| Ok(vec![(b"key".to_vec(), b"value".to_vec())]))?;
//! let pairs = raw.genesis_storage(|_, _| unreachable!("a raw spec needs no runtime"))?;
//! assert_eq!(pairs, vec![(b":code".to_vec(), code.to_vec()), (b"key".to_vec(), b"value".to_vec())]);
//! # Ok::<(), lattice_chain_spec::Error>(())
//! ```
//!
//! ## Feature flags
//!
//! None.

mod json;

use serde_json::{value::RawValue, Map, Value};
use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
};

/// The storage key of the runtime code.
pub const CODE_KEY: &[u8] = b":code";
/// The token symbol of the built-in specs.
pub const TOKEN_SYMBOL: &str = "LAT";
/// The token decimals of the built-in specs.
pub const TOKEN_DECIMALS: u8 = 12;
/// The SS58 address prefix of the built-in specs (the generic Substrate one).
pub const SS58_FORMAT: u16 = 42;
/// The libp2p protocol id of the built-in specs.
pub const PROTOCOL_ID: &str = "lat";
/// The name of the runtime genesis preset of the `dev` spec.
pub const DEV_PRESET: &str = "development";
/// The name of the runtime genesis preset of the `local` spec.
pub const LOCAL_PRESET: &str = "local_testnet";

/// The errors of chain-spec handling.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The chain-spec file could not be read or written.
    #[error("chain spec file {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The JSON is corrupt or has the wrong shape: a syntax error, a missing field
    /// (`name`, `id`, `genesis`, `code`, `top`), a value of the wrong type, an unknown
    /// `chainType`, an unknown genesis form. The message names the field and position.
    #[error("invalid chain spec{}: {source}", path.as_ref().map(|p| format!(" {}", p.display())).unwrap_or_default())]
    Json {
        /// The file, when read from one.
        path: Option<PathBuf>,
        /// What serde_json found.
        #[source]
        source: serde_json::Error,
    },
    /// A string that must be hex (`0x` prefix optional) is not.
    #[error("invalid hex in chain spec field `{field}` ({value}): {source}")]
    InvalidHex {
        /// The field, e.g. `genesis.raw.top` (a key or a value there).
        field: &'static str,
        /// The start of the offending string.
        value: String,
        /// Why it is not hex.
        #[source]
        source: hex::FromHexError,
    },
    /// A key of `codeSubstitutes` is not a block number.
    #[error("codeSubstitutes key `{key}` is not a block number")]
    InvalidCodeSubstituteBlock {
        /// The key.
        key: String,
    },
    /// `genesis.runtimeGenesis` has both `patch` and `config`, or neither.
    #[error("genesis.runtimeGenesis needs exactly one of `patch` and `config`")]
    AmbiguousRuntimeGenesis,
    /// The genesis holds no runtime: `runtimeGenesis.code` is empty, or the raw `top`
    /// storage has no `:code` (0x3a636f6465) entry.
    #[error("the chain spec's genesis has no runtime code")]
    MissingCode,
    /// A genesis config or preset given to [`ChainSpec::dev`], [`ChainSpec::local`] or
    /// [`ChainSpec::runtime_genesis`] is not JSON.
    #[error("the genesis config is not JSON: {source}")]
    InvalidGenesisJson {
        /// What serde_json found.
        #[source]
        source: serde_json::Error,
    },
    /// The runtime refused to build the genesis state from the spec's config (the
    /// closure given to [`ChainSpec::genesis_storage`] failed).
    #[error("the runtime could not build the genesis state: {reason}")]
    BuildState {
        /// The runtime's (or executor's) explanation.
        reason: String,
    },
    /// A raw spec has child-trie storage (`childrenDefault`), which Lattice's genesis
    /// does not support.
    #[error("the chain spec has {count} default child tries; Lattice has no child storage")]
    ChildStorageUnsupported {
        /// How many child tries.
        count: usize,
    },
}

/// The chain-spec result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What kind of network a spec describes (`chainType`); `Live` when absent, as in
/// Substrate.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum ChainType {
    /// A single-node development chain.
    Development,
    /// A local test network.
    Local,
    /// A public network.
    #[default]
    Live,
    /// Something else, named (`{"Custom": "name"}`).
    Custom(String),
}

/// Storage pairs by key.
pub type StorageMap = BTreeMap<Vec<u8>, Vec<u8>>;

/// The genesis state of a spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Genesis {
    /// Built by the runtime from a JSON config (`runtimeGenesis`).
    Runtime {
        /// The runtime's Wasm code.
        code: Vec<u8>,
        /// The JSON given to `GenesisBuilder_build_state`.
        config: GenesisConfig,
    },
    /// The storage itself (`raw`).
    Raw {
        /// The main trie's pairs, `:code` among them.
        top: StorageMap,
        /// Default child tries by their storage key (kept for round trips; Lattice uses
        /// none).
        children_default: BTreeMap<Vec<u8>, StorageMap>,
    },
}

/// A runtime genesis config, kept as the exact JSON text (so no number loses precision).
#[derive(Debug, Clone)]
pub struct GenesisConfig {
    /// Whether this is a `patch` (sections left out take their defaults) or a full
    /// `config`.
    pub kind: GenesisConfigKind,
    /// The JSON text, validated.
    json: Box<RawValue>,
}

impl PartialEq for GenesisConfig {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind && self.json.get() == other.json.get()
    }
}

impl Eq for GenesisConfig {}

/// The field a [`GenesisConfig`] is stored under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GenesisConfigKind {
    /// `patch`.
    Patch,
    /// `config`.
    Full,
}

impl GenesisConfig {
    /// A config from JSON text; [`Error::InvalidGenesisJson`] if it is not JSON.
    pub fn new(kind: GenesisConfigKind, json: &[u8]) -> Result<Self> {
        let json = serde_json::from_slice::<Box<RawValue>>(json)
            .map_err(|source| Error::InvalidGenesisJson { source })?;
        Ok(Self { kind, json })
    }

    /// The JSON text.
    pub fn json(&self) -> &str {
        self.json.get()
    }
}

/// A chain spec; see the [crate docs](crate).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainSpec {
    /// The human-readable name (`name`).
    pub name: String,
    /// The id, used in paths such as `<base-path>/chains/<id>` (`id`).
    pub id: String,
    /// The kind of network (`chainType`).
    pub chain_type: ChainType,
    /// Multiaddresses of nodes to connect to first (`bootNodes`).
    pub boot_nodes: Vec<String>,
    /// Telemetry URLs with verbosity levels (`telemetryEndpoints`).
    pub telemetry_endpoints: Option<Vec<(String, u8)>>,
    /// The networking protocol id (`protocolId`).
    pub protocol_id: Option<String>,
    /// Distinguishes forks of a chain sharing a genesis (`forkId`).
    pub fork_id: Option<String>,
    /// Free-form properties for user interfaces (`properties`): `tokenSymbol`,
    /// `tokenDecimals`, `ss58Format`.
    pub properties: Map<String, Value>,
    /// Runtime code to use instead of the on-chain one from a block number on
    /// (`codeSubstitutes`).
    pub code_substitutes: BTreeMap<u64, Vec<u8>>,
    /// The genesis state.
    pub genesis: Genesis,
}

impl ChainSpec {
    /// Parses a spec from JSON; every bad input gives an [`Error`] naming the problem.
    pub fn from_json_bytes(bytes: &[u8]) -> Result<Self> {
        let spec: json::Spec =
            serde_json::from_slice(bytes).map_err(|source| Error::Json { path: None, source })?;
        spec.try_into()
    }

    /// Reads and parses a spec file.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let bytes =
            std::fs::read(path).map_err(|source| Error::Io { path: path.to_path_buf(), source })?;
        Self::from_json_bytes(&bytes).map_err(|e| match e {
            Error::Json { path: None, source } => {
                Error::Json { path: Some(path.to_path_buf()), source }
            }
            e => e,
        })
    }

    /// The spec as pretty-printed JSON, in the form it has (call [`ChainSpec::to_raw`]
    /// first for `--raw`).
    pub fn to_json(&self) -> String {
        let spec = json::Spec::from(self);
        serde_json::to_string_pretty(&spec)
            .expect("the spec's JSON model has string keys and no failing serialisers")
    }

    /// Writes [`ChainSpec::to_json`] to `path`.
    pub fn to_file(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        std::fs::write(path, self.to_json())
            .map_err(|source| Error::Io { path: path.to_path_buf(), source })
    }

    /// A spec whose genesis is built by the runtime `code` from the preset `preset_json`
    /// (stored as a `patch`), with Lattice's properties and protocol id.
    pub fn runtime_genesis(
        name: &str,
        id: &str,
        chain_type: ChainType,
        code: &[u8],
        preset_json: &[u8],
    ) -> Result<Self> {
        if code.is_empty() {
            return Err(Error::MissingCode);
        }
        Ok(Self {
            name: name.into(),
            id: id.into(),
            chain_type,
            boot_nodes: Vec::new(),
            telemetry_endpoints: None,
            protocol_id: Some(PROTOCOL_ID.into()),
            fork_id: None,
            properties: lattice_properties(),
            code_substitutes: BTreeMap::new(),
            genesis: Genesis::Runtime {
                code: code.to_vec(),
                config: GenesisConfig::new(GenesisConfigKind::Patch, preset_json)?,
            },
        })
    }

    /// The built-in `dev` spec ("Development"): `code` with the runtime's
    /// [`DEV_PRESET`] preset JSON (`GenesisBuilder_get_preset`).
    pub fn dev(code: &[u8], preset_json: &[u8]) -> Result<Self> {
        Self::runtime_genesis("Development", "dev", ChainType::Development, code, preset_json)
    }

    /// The built-in `local` spec ("Local Testnet"): `code` with the runtime's
    /// [`LOCAL_PRESET`] preset JSON.
    pub fn local(code: &[u8], preset_json: &[u8]) -> Result<Self> {
        Self::runtime_genesis("Local Testnet", "local_testnet", ChainType::Local, code, preset_json)
    }

    /// The runtime code of the genesis.
    pub fn code(&self) -> Option<&[u8]> {
        match &self.genesis {
            Genesis::Runtime { code, .. } => Some(code),
            Genesis::Raw { top, .. } => top.get(CODE_KEY).map(Vec::as_slice),
        }
    }

    /// Whether the genesis is in the raw form.
    pub fn is_raw(&self) -> bool {
        matches!(self.genesis, Genesis::Raw { .. })
    }

    /// The genesis storage pairs, sorted by key, `:code` among them.
    ///
    /// For a raw spec, its pairs (`build_state` is not called). For a runtime-genesis
    /// spec, `build_state(code, config JSON)` builds them (the node runs the runtime's
    /// `GenesisBuilder_build_state`), and `:code` is set to the spec's code.
    pub fn genesis_storage(
        &self,
        build_state: impl FnOnce(&[u8], &[u8]) -> Result<Vec<(Vec<u8>, Vec<u8>)>, String>,
    ) -> Result<Vec<(Vec<u8>, Vec<u8>)>> {
        match &self.genesis {
            Genesis::Raw { top, children_default } => {
                if !children_default.is_empty() {
                    return Err(Error::ChildStorageUnsupported { count: children_default.len() });
                }
                Ok(top.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            }
            Genesis::Runtime { code, config } => {
                let pairs = build_state(code, config.json().as_bytes())
                    .map_err(|reason| Error::BuildState { reason })?;
                let mut map: StorageMap = pairs.into_iter().collect();
                map.insert(CODE_KEY.to_vec(), code.clone());
                Ok(map.into_iter().collect())
            }
        }
    }

    /// This spec with its genesis in the raw form (a copy of a raw spec); see
    /// [`ChainSpec::genesis_storage`] for `build_state`.
    pub fn to_raw(
        &self,
        build_state: impl FnOnce(&[u8], &[u8]) -> Result<Vec<(Vec<u8>, Vec<u8>)>, String>,
    ) -> Result<Self> {
        if self.is_raw() {
            return Ok(self.clone());
        }
        let top = self.genesis_storage(build_state)?.into_iter().collect();
        Ok(Self {
            genesis: Genesis::Raw { top, children_default: BTreeMap::new() },
            ..self.clone()
        })
    }

    /// `properties.tokenSymbol`.
    pub fn token_symbol(&self) -> Option<&str> {
        self.properties.get("tokenSymbol")?.as_str()
    }

    /// `properties.tokenDecimals`.
    pub fn token_decimals(&self) -> Option<u8> {
        self.properties.get("tokenDecimals")?.as_u64()?.try_into().ok()
    }

    /// `properties.ss58Format`.
    pub fn ss58_format(&self) -> Option<u16> {
        self.properties.get("ss58Format")?.as_u64()?.try_into().ok()
    }
}

/// Lattice's `properties`: token LAT with 12 decimals, SS58 prefix 42.
pub fn lattice_properties() -> Map<String, Value> {
    let mut map = Map::new();
    map.insert("ss58Format".into(), SS58_FORMAT.into());
    map.insert("tokenDecimals".into(), TOKEN_DECIMALS.into());
    map.insert("tokenSymbol".into(), TOKEN_SYMBOL.into());
    map
}

#[cfg(test)]
mod tests;
