//! The serde model of the JSON file, hex kept as strings, and its conversions to and
//! from [`ChainSpec`] (where hex is decoded and the shape checked).

use crate::{ChainSpec, ChainType, Error, Genesis, GenesisConfig, GenesisConfigKind, Result};
use serde::{Deserialize, Serialize};
use serde_json::{value::RawValue, Map, Value};
use std::collections::BTreeMap;

type HexMap = BTreeMap<String, String>;

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Spec {
    name: String,
    id: String,
    #[serde(default)]
    chain_type: ChainType,
    #[serde(default)]
    boot_nodes: Vec<String>,
    #[serde(default)]
    telemetry_endpoints: Option<Vec<(String, u8)>>,
    #[serde(default)]
    protocol_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    fork_id: Option<String>,
    #[serde(default)]
    properties: Option<Map<String, Value>>,
    #[serde(default)]
    code_substitutes: HexMap,
    genesis: GenesisJson,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
enum GenesisJson {
    RuntimeGenesis(RuntimeGenesis),
    Raw(Raw),
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuntimeGenesis {
    code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    patch: Option<Box<RawValue>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    config: Option<Box<RawValue>>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Raw {
    top: HexMap,
    #[serde(default)]
    children_default: BTreeMap<String, HexMap>,
}

/// Decodes hex with an optional `0x` prefix.
fn unhex(field: &'static str, s: &str) -> Result<Vec<u8>> {
    hex::decode(s.strip_prefix("0x").unwrap_or(s)).map_err(|source| Error::InvalidHex {
        field,
        value: s.chars().take(40).collect(),
        source,
    })
}

fn to_hex(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

fn unhex_map(field: &'static str, map: &HexMap) -> Result<crate::StorageMap> {
    map.iter().map(|(k, v)| Ok((unhex(field, k)?, unhex(field, v)?))).collect()
}

fn hex_map(map: &crate::StorageMap) -> HexMap {
    map.iter().map(|(k, v)| (to_hex(k), to_hex(v))).collect()
}

impl TryFrom<Spec> for ChainSpec {
    type Error = Error;

    fn try_from(spec: Spec) -> Result<Self> {
        let code_substitutes = spec
            .code_substitutes
            .iter()
            .map(|(block, code)| {
                let number = block
                    .parse::<u64>()
                    .map_err(|_| Error::InvalidCodeSubstituteBlock { key: block.clone() })?;
                Ok((number, unhex("codeSubstitutes", code)?))
            })
            .collect::<Result<_>>()?;
        let genesis = match spec.genesis {
            GenesisJson::RuntimeGenesis(RuntimeGenesis { code, patch, config }) => {
                let code = unhex("genesis.runtimeGenesis.code", &code)?;
                if code.is_empty() {
                    return Err(Error::MissingCode);
                }
                let config = match (patch, config) {
                    (Some(json), None) => GenesisConfig { kind: GenesisConfigKind::Patch, json },
                    (None, Some(json)) => GenesisConfig { kind: GenesisConfigKind::Full, json },
                    _ => return Err(Error::AmbiguousRuntimeGenesis),
                };
                Genesis::Runtime { code, config }
            }
            GenesisJson::Raw(Raw { top, children_default }) => {
                let top = unhex_map("genesis.raw.top", &top)?;
                if !top.contains_key(crate::CODE_KEY) {
                    return Err(Error::MissingCode);
                }
                let children_default = children_default
                    .iter()
                    .map(|(key, map)| {
                        Ok((
                            unhex("genesis.raw.childrenDefault", key)?,
                            unhex_map("genesis.raw.childrenDefault", map)?,
                        ))
                    })
                    .collect::<Result<_>>()?;
                Genesis::Raw { top, children_default }
            }
        };
        Ok(ChainSpec {
            name: spec.name,
            id: spec.id,
            chain_type: spec.chain_type,
            boot_nodes: spec.boot_nodes,
            telemetry_endpoints: spec.telemetry_endpoints,
            protocol_id: spec.protocol_id,
            fork_id: spec.fork_id,
            properties: spec.properties.unwrap_or_default(),
            code_substitutes,
            genesis,
        })
    }
}

impl From<&ChainSpec> for Spec {
    fn from(spec: &ChainSpec) -> Self {
        let genesis = match &spec.genesis {
            Genesis::Runtime { code, config } => {
                let json = Some(config.json.clone());
                let (patch, config) = match config.kind {
                    GenesisConfigKind::Patch => (json, None),
                    GenesisConfigKind::Full => (None, json),
                };
                GenesisJson::RuntimeGenesis(RuntimeGenesis { code: to_hex(code), patch, config })
            }
            Genesis::Raw { top, children_default } => GenesisJson::Raw(Raw {
                top: hex_map(top),
                children_default: children_default
                    .iter()
                    .map(|(k, map)| (to_hex(k), hex_map(map)))
                    .collect(),
            }),
        };
        Spec {
            name: spec.name.clone(),
            id: spec.id.clone(),
            chain_type: spec.chain_type.clone(),
            boot_nodes: spec.boot_nodes.clone(),
            telemetry_endpoints: spec.telemetry_endpoints.clone(),
            protocol_id: spec.protocol_id.clone(),
            fork_id: spec.fork_id.clone(),
            properties: Some(spec.properties.clone()),
            code_substitutes: spec
                .code_substitutes
                .iter()
                .map(|(n, code)| (n.to_string(), to_hex(code)))
                .collect(),
            genesis,
        }
    }
}
