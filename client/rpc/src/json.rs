//! Parameters in and JSON out, in Substrate's shapes: `0x`-hex bytes and hashes, block
//! numbers as hex strings in headers, camelCase field names.
//!
//! Every parameter is read from the raw JSON value with an explicit check of its type,
//! its hex and its size, so bad input gets an [`Error::InvalidParams`] naming the
//! parameter rather than a panic or a silent default.

use crate::error::{Error, Result};
use codec::Encode;
use jsonrpsee::types::Params;
use lattice_db::Justifications;
use lattice_primitives::{Block, Header, RuntimeVersion, H256};
use serde_json::{json, Value};

/// The largest byte string a parameter may carry (an extrinsic, `state_call` data);
/// the server's request limit bounds it further.
pub(crate) const MAX_BYTES_PARAM: usize = 16 * 1024 * 1024;
/// The largest storage key or prefix accepted.
pub(crate) const MAX_KEY_LEN: usize = 64 * 1024;
/// The most keys one call (`state_queryStorageAt`, `state_getReadProof`,
/// `state_subscribeStorage`) may name.
pub(crate) const MAX_KEYS: usize = 1024;

/// The positional parameters of a call.
pub(crate) struct Args {
    values: Vec<Value>,
}

impl Args {
    /// Reads the parameters: absent, `null` or an array. Named parameters (an object) are
    /// refused: Substrate's clients send positional ones.
    pub(crate) fn parse(params: &Params<'_>) -> Result<Self> {
        let values = match params.as_str() {
            None => Vec::new(),
            Some(raw) => match serde_json::from_str::<Value>(raw) {
                Ok(Value::Null) => Vec::new(),
                Ok(Value::Array(values)) => values,
                Ok(_) => return Err(Error::params("params", "expected an array of parameters")),
                Err(e) => return Err(Error::params("params", e.to_string())),
            },
        };
        Ok(Self { values })
    }

    /// Parameter `i`, `None` when absent or `null`.
    pub(crate) fn get(&self, i: usize) -> Option<&Value> {
        self.values.get(i).filter(|v| !v.is_null())
    }

    /// A required byte string (`0x`-hex) of at most `max` bytes.
    pub(crate) fn bytes(&self, i: usize, name: &'static str, max: usize) -> Result<Vec<u8>> {
        self.opt_bytes(i, name, max)?.ok_or_else(|| Error::params(name, "missing"))
    }

    /// An optional byte string (`0x`-hex) of at most `max` bytes.
    pub(crate) fn opt_bytes(
        &self,
        i: usize,
        name: &'static str,
        max: usize,
    ) -> Result<Option<Vec<u8>>> {
        self.get(i).map(|v| bytes_of(v, name, max)).transpose()
    }

    /// An optional block hash.
    pub(crate) fn opt_hash(&self, i: usize, name: &'static str) -> Result<Option<H256>> {
        self.get(i).map(|v| hash_of(v, name)).transpose()
    }

    /// A required string of at most `max` bytes.
    pub(crate) fn string(&self, i: usize, name: &'static str, max: usize) -> Result<String> {
        match self.get(i) {
            Some(Value::String(s)) if s.len() <= max => Ok(s.clone()),
            Some(Value::String(s)) => {
                Err(Error::params(name, format!("{} bytes, at most {max} allowed", s.len())))
            }
            Some(_) => Err(Error::params(name, "expected a string")),
            None => Err(Error::params(name, "missing")),
        }
    }

    /// An optional `u32` (a JSON number or a `0x`-hex string).
    pub(crate) fn opt_u32(&self, i: usize, name: &'static str) -> Result<Option<u32>> {
        self.get(i).map(|v| u32_of(v, name)).transpose()
    }

    /// A list of at most [`MAX_KEYS`] storage keys; `None` when absent.
    pub(crate) fn opt_keys(&self, i: usize, name: &'static str) -> Result<Option<Vec<Vec<u8>>>> {
        match self.get(i) {
            None => Ok(None),
            Some(Value::Array(items)) if items.len() <= MAX_KEYS => items
                .iter()
                .map(|v| bytes_of(v, name, MAX_KEY_LEN))
                .collect::<Result<_>>()
                .map(Some),
            Some(Value::Array(items)) => Err(Error::params(
                name,
                format!("{} keys, at most {MAX_KEYS} allowed", items.len()),
            )),
            Some(_) => Err(Error::params(name, "expected an array of 0x-hex keys")),
        }
    }

    /// A required list of storage keys.
    pub(crate) fn keys(&self, i: usize, name: &'static str) -> Result<Vec<Vec<u8>>> {
        self.opt_keys(i, name)?.ok_or_else(|| Error::params(name, "missing"))
    }
}

/// The bytes of a `0x`-hex JSON string (the prefix may be omitted, as Substrate's
/// `Bytes` allows).
pub(crate) fn bytes_of(v: &Value, name: &'static str, max: usize) -> Result<Vec<u8>> {
    let Value::String(s) = v else {
        return Err(Error::params(name, "expected a 0x-prefixed hex string"));
    };
    let digits = s.strip_prefix("0x").unwrap_or(s);
    if digits.len() / 2 > max {
        return Err(Error::params(
            name,
            format!("{} bytes, at most {max} allowed", digits.len() / 2),
        ));
    }
    hex::decode(digits).map_err(|e| Error::params(name, format!("invalid hex: {e}")))
}

/// A 32-byte hash from a `0x`-hex JSON string.
pub(crate) fn hash_of(v: &Value, name: &'static str) -> Result<H256> {
    let bytes = bytes_of(v, name, 32)?;
    let array: [u8; 32] = bytes
        .as_slice()
        .try_into()
        .map_err(|_| Error::params(name, format!("expected 32 bytes, got {}", bytes.len())))?;
    Ok(H256(array))
}

/// A `u32` from a JSON number or a `0x`-hex string (Substrate's `NumberOrHex`).
pub(crate) fn u32_of(v: &Value, name: &'static str) -> Result<u32> {
    let n: u64 = match v {
        Value::Number(n) => n
            .as_u64()
            .ok_or_else(|| Error::params(name, format!("{n} is not an unsigned integer")))?,
        Value::String(s) => {
            let digits = s
                .strip_prefix("0x")
                .ok_or_else(|| Error::params(name, "expected a number or a 0x-hex string"))?;
            u64::from_str_radix(digits, 16)
                .map_err(|e| Error::params(name, format!("invalid hex number: {e}")))?
        }
        _ => return Err(Error::params(name, "expected a number or a 0x-hex string")),
    };
    u32::try_from(n).map_err(|_| Error::params(name, format!("{n} > u32::MAX")))
}

/// `0x`-hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

/// A number as Substrate prints block numbers and `NumberOrHex::Hex`: `0x` and minimal
/// lower-case hex (`"0x0"`, `"0x1a"`).
pub(crate) fn hex_number(n: u128) -> String {
    format!("0x{n:x}")
}

/// A header as Substrate's JSON: `parentHash`, `number` (hex), `stateRoot`,
/// `extrinsicsRoot`, `digest.logs` (each item's SCALE encoding in hex).
pub(crate) fn header(h: &Header) -> Value {
    let logs: Vec<String> = h.digest.logs.iter().map(|item| hex(&item.encode())).collect();
    json!({
        "parentHash": h.parent_hash.to_string(),
        "number": hex_number(h.number.into()),
        "stateRoot": h.state_root.to_string(),
        "extrinsicsRoot": h.extrinsics_root.to_string(),
        "digest": { "logs": logs },
    })
}

/// A signed block as Substrate's JSON: `{block: {header, extrinsics}, justifications}`.
/// Extrinsics are their full SCALE encoding (length prefix included); justifications are
/// `null` or `[[engine id bytes, justification bytes], …]` with both as arrays of
/// numbers, as Substrate's serde of `([u8; 4], Vec<u8>)` gives them.
pub(crate) fn block(b: &Block, justifications: Option<Justifications>) -> Value {
    let extrinsics: Vec<String> = b.extrinsics.iter().map(|x| hex(&x.encode())).collect();
    let justifications = justifications
        .filter(|j| !j.is_empty())
        .map(|j| j.into_iter().map(|(engine, data)| json!([engine, data])).collect::<Vec<_>>());
    json!({
        "block": { "header": header(&b.header), "extrinsics": extrinsics },
        "justifications": justifications,
    })
}

/// A runtime version as Substrate's JSON (`specName`, …, `apis` as
/// `[["0x<8-byte id>", version]]`, `systemVersion`, and `stateVersion` for older
/// clients).
pub(crate) fn runtime_version(v: &RuntimeVersion) -> Value {
    let apis: Vec<Value> = v.apis.iter().map(|(id, version)| json!([hex(id), version])).collect();
    json!({
        "specName": v.spec_name,
        "implName": v.impl_name,
        "authoringVersion": v.authoring_version,
        "specVersion": v.spec_version,
        "implVersion": v.impl_version,
        "apis": apis,
        "transactionVersion": v.transaction_version,
        "systemVersion": v.system_version,
        "stateVersion": v.system_version,
    })
}
