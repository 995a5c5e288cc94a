use super::*;

/// A stand-in for the runtime's development preset (the real one comes from
/// `GenesisBuilder_get_preset`); the balance is above `u64::MAX` to check precision.
const PRESET: &str = r#"{"balances":{"balances":[["5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY",340282366920938463463374607431768211455]]},"sudo":{"key":"5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"}}"#;

fn code() -> Vec<u8> {
    lattice_runtime_wasm::WASM_BINARY.map_or_else(|| b"\0asm\x01\0\0\0".to_vec(), <[u8]>::to_vec)
}

fn dev() -> ChainSpec {
    ChainSpec::dev(&code(), PRESET.as_bytes()).unwrap()
}

fn value(spec: &str) -> Value {
    serde_json::from_str(spec).unwrap()
}

/// A Substrate-shaped raw spec with `:code` = `0x0061736d`, as `build-spec --raw` writes it.
const SUBSTRATE_RAW: &str = r#"{
  "name": "Some Net",
  "id": "some_net",
  "bootNodes": ["/ip4/127.0.0.1/tcp/30333/p2p/12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp"],
  "telemetryEndpoints": [["wss://telemetry.polkadot.io/submit/", 0]],
  "protocolId": "some",
  "properties": null,
  "forkBlocks": null,
  "badBlocks": null,
  "consensusEngine": null,
  "lightSyncState": null,
  "codeSubstitutes": {"12": "0x0061736d"},
  "genesis": {"raw": {"top": {"0x3a636f6465": "0x0061736d", "0x26aa": "0x"}, "childrenDefault": {}}}
}"#;

fn err(json: &str) -> Error {
    ChainSpec::from_json_bytes(json.as_bytes()).unwrap_err()
}

/// The dev spec's JSON with `pointer` replaced by `new`.
fn dev_with(pointer: &str, new: Value) -> String {
    let mut v = value(&dev().to_json());
    *v.pointer_mut(pointer).unwrap() = new;
    v.to_string()
}

#[test]
fn dev_spec_has_lattice_properties() {
    let spec = dev();
    assert_eq!((spec.name.as_str(), spec.id.as_str()), ("Development", "dev"));
    assert_eq!(spec.chain_type, ChainType::Development);
    assert_eq!(spec.token_symbol(), Some("LAT"));
    assert_eq!(spec.token_decimals(), Some(12));
    assert_eq!(spec.ss58_format(), Some(42));
    assert_eq!(spec.code(), Some(code().as_slice()));
    assert!(!spec.is_raw());

    let json = value(&spec.to_json());
    assert_eq!(json["chainType"], "Development");
    assert_eq!(json["bootNodes"], Value::Array(vec![]));
    assert_eq!(json["telemetryEndpoints"], Value::Null);
    assert_eq!(json["protocolId"], "lat");
    assert_eq!(
        json["properties"],
        value(r#"{"tokenSymbol":"LAT","tokenDecimals":12,"ss58Format":42}"#)
    );
    assert_eq!(json["codeSubstitutes"], value("{}"));
    let code_hex = json["genesis"]["runtimeGenesis"]["code"].as_str().unwrap();
    assert!(code_hex.starts_with("0x0061736d"), "{}", &code_hex[..20]);
    assert_eq!(json["genesis"]["runtimeGenesis"]["patch"], value(PRESET));

    let local = ChainSpec::local(&code(), PRESET.as_bytes()).unwrap();
    assert_eq!((local.id.as_str(), &local.chain_type), ("local_testnet", &ChainType::Local));
    assert_eq!(value(&local.to_json())["chainType"], "Local");
}

#[test]
fn json_round_trip() {
    let spec = dev();
    let json = spec.to_json();
    let again = ChainSpec::from_json_bytes(json.as_bytes()).unwrap();
    assert_eq!(again, spec);
    assert_eq!(again.to_json(), json);
    // The genesis config keeps its exact text: no precision lost on u128 balances.
    assert!(json.contains("340282366920938463463374607431768211455"));

    // A full `config` stays a `config`.
    let full =
        dev_with("/genesis/runtimeGenesis", value(r#"{"code":"0x00","config":{"system":{}}}"#));
    let spec = ChainSpec::from_json_bytes(full.as_bytes()).unwrap();
    let Genesis::Runtime { config, .. } = &spec.genesis else { panic!("not runtime genesis") };
    assert_eq!(config.kind, GenesisConfigKind::Full);
    let out = value(&spec.to_json());
    assert_eq!(
        out["genesis"]["runtimeGenesis"],
        value(r#"{"code":"0x00","config":{"system":{}}}"#)
    );
}

#[test]
fn substrate_spec_is_read() {
    let spec = ChainSpec::from_json_bytes(SUBSTRATE_RAW.as_bytes()).unwrap();
    assert_eq!(spec.chain_type, ChainType::Live); // Absent: Substrate's default.
    assert_eq!(spec.boot_nodes.len(), 1);
    assert_eq!(
        spec.telemetry_endpoints,
        Some(vec![("wss://telemetry.polkadot.io/submit/".into(), 0)])
    );
    assert!(spec.properties.is_empty());
    assert_eq!(spec.code_substitutes, BTreeMap::from([(12, b"\0asm".to_vec())]));
    assert_eq!(spec.code(), Some(&b"\0asm"[..]));
    let pairs = spec.genesis_storage(|_, _| panic!("a raw spec needs no runtime")).unwrap();
    assert_eq!(pairs, vec![(vec![0x26, 0xaa], vec![]), (b":code".to_vec(), b"\0asm".to_vec())]);

    let again = ChainSpec::from_json_bytes(spec.to_json().as_bytes()).unwrap();
    assert_eq!(again, spec);

    let custom = SUBSTRATE_RAW
        .replace(r#""id": "some_net","#, r#""id": "x", "chainType": {"Custom": "Canary"},"#);
    let spec = ChainSpec::from_json_bytes(custom.as_bytes()).unwrap();
    assert_eq!(spec.chain_type, ChainType::Custom("Canary".into()));
}

#[test]
fn raw_conversion_runs_the_runtime_once_and_adds_code() {
    let spec = dev();
    let mut seen = None;
    let raw = spec
        .to_raw(|code, json| {
            seen = Some((code.to_vec(), json.to_vec()));
            // The runtime's own `:code` would be replaced by the spec's.
            Ok(vec![
                (b"b".to_vec(), b"2".to_vec()),
                (b"a".to_vec(), b"1".to_vec()),
                (b":code".to_vec(), b"old".to_vec()),
            ])
        })
        .unwrap();
    let (code_seen, json_seen) = seen.unwrap();
    assert_eq!(code_seen, code());
    assert_eq!(value(std::str::from_utf8(&json_seen).unwrap()), value(PRESET));

    assert!(raw.is_raw());
    assert_eq!(raw.code(), Some(code().as_slice()));
    assert_eq!((raw.name.as_str(), raw.properties.clone()), ("Development", lattice_properties()));
    let pairs = raw.genesis_storage(|_, _| panic!("a raw spec needs no runtime")).unwrap();
    let keys: Vec<_> = pairs.iter().map(|(k, _)| k.as_slice()).collect();
    assert_eq!(keys, vec![&b":code"[..], b"a", b"b"]);

    let json = value(&raw.to_json());
    assert_eq!(json["genesis"]["raw"]["top"]["0x61"], "0x31");
    assert!(json["genesis"]["raw"]["top"]["0x3a636f6465"]
        .as_str()
        .unwrap()
        .starts_with("0x0061736d"));
    assert_eq!(json["genesis"]["raw"]["childrenDefault"], value("{}"));
    assert_eq!(ChainSpec::from_json_bytes(raw.to_json().as_bytes()).unwrap(), raw);
    assert_eq!(raw.to_raw(|_, _| panic!("already raw")).unwrap(), raw);
}

#[test]
fn runtime_failure_is_reported() {
    let e = dev()
        .genesis_storage(|_, _| Err("invalid genesis config: unknown field `x`".into()))
        .unwrap_err();
    assert!(matches!(&e, Error::BuildState { reason } if reason.contains("unknown field")), "{e}");
}

#[test]
fn files_round_trip_and_bad_files_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("spec.json");
    dev().to_file(&path).unwrap();
    assert_eq!(ChainSpec::from_file(&path).unwrap(), dev());

    let missing = dir.path().join("missing.json");
    assert!(
        matches!(ChainSpec::from_file(&missing), Err(Error::Io { path, .. }) if path == missing)
    );

    std::fs::write(&path, &dev().to_json()[..500]).unwrap(); // Truncated.
    let e = ChainSpec::from_file(&path).unwrap_err();
    assert!(matches!(&e, Error::Json { path: Some(p), .. } if *p == path), "{e}");
    assert!(e.to_string().contains("spec.json") && e.to_string().contains("line"), "{e}");
}

#[test]
fn corrupt_json_is_refused() {
    for bad in [
        "",
        "{",
        "not json",
        "[]",
        "null",
        r#"{"name": "x", "id": "y", "genesis": {"raw": {"top": {}}},}"#,
    ] {
        assert!(matches!(err(bad), Error::Json { path: None, .. }), "{bad:?}");
    }
    let e = err(&dev_with("/bootNodes", value(r#""/ip4/1.2.3.4""#)));
    assert!(e.to_string().contains("invalid type"), "{e}");
}

#[test]
fn unknown_chain_type_is_refused() {
    let e = err(&dev_with("/chainType", "Testnet".into()));
    assert!(matches!(e, Error::Json { .. }));
    assert!(e.to_string().contains("unknown variant `Testnet`"), "{e}");
    let e = err(&dev_with("/chainType", "development".into()));
    assert!(e.to_string().contains("unknown variant `development`"), "{e}");
}

#[test]
fn missing_fields_are_named() {
    for (pointer, field) in
        [("", "name"), ("", "id"), ("", "genesis"), ("/genesis/runtimeGenesis", "code")]
    {
        let mut v = value(&dev().to_json());
        v.pointer_mut(pointer).unwrap().as_object_mut().unwrap().remove(field);
        let e = err(&v.to_string());
        assert!(e.to_string().contains(&format!("missing field `{field}`")), "{field}: {e}");
    }
    let e = err(&SUBSTRATE_RAW.replace(r#""top""#, r#""tops""#));
    assert!(e.to_string().contains("unknown field `tops`"), "{e}");
    let e = err(&SUBSTRATE_RAW.replace(
        r#"{"top": {"0x3a636f6465": "0x0061736d", "0x26aa": "0x"}, "childrenDefault": {}}"#,
        "{}",
    ));
    assert!(e.to_string().contains("missing field `top`"), "{e}");
}

#[test]
fn bad_genesis_shapes_are_refused() {
    let e = err(&dev_with("/genesis", value(r#"{"namedPreset": "development"}"#)));
    assert!(e.to_string().contains("unknown variant `namedPreset`"), "{e}");
    let e = err(&dev_with(
        "/genesis/runtimeGenesis",
        value(r#"{"code": "0x00", "patch": {}, "config": {}}"#),
    ));
    assert!(matches!(e, Error::AmbiguousRuntimeGenesis), "{e}");
    let e = err(&dev_with("/genesis/runtimeGenesis", value(r#"{"code": "0x00"}"#)));
    assert!(matches!(e, Error::AmbiguousRuntimeGenesis), "{e}");
    let e = err(&dev_with("/genesis/runtimeGenesis/code", "0x".into()));
    assert!(matches!(e, Error::MissingCode), "{e}");
    let e = err(&SUBSTRATE_RAW.replace("0x3a636f6465", "0x3a636f6466"));
    assert!(matches!(e, Error::MissingCode), "{e}");
    let e = err(&SUBSTRATE_RAW.replace(r#""12""#, r#""twelve""#));
    assert!(matches!(&e, Error::InvalidCodeSubstituteBlock { key } if key == "twelve"), "{e}");

    let children = SUBSTRATE_RAW
        .replace(r#""childrenDefault": {}"#, r#""childrenDefault": {"0x01": {"0x02": "0x03"}}"#);
    let spec = ChainSpec::from_json_bytes(children.as_bytes()).unwrap();
    let e = spec.genesis_storage(|_, _| panic!("raw")).unwrap_err();
    assert!(matches!(e, Error::ChildStorageUnsupported { count: 1 }), "{e}");
}

#[test]
fn bad_hex_is_refused_with_its_field() {
    let cases = [
        (
            dev_with("/genesis/runtimeGenesis/code", "0x0061736g".into()),
            "genesis.runtimeGenesis.code",
        ),
        (dev_with("/genesis/runtimeGenesis/code", "0x006".into()), "genesis.runtimeGenesis.code"),
        (SUBSTRATE_RAW.replace(r#""0x26aa": "0x""#, r#""0x26zz": "0x""#), "genesis.raw.top"),
        (SUBSTRATE_RAW.replace(r#""0x26aa": "0x""#, r#""0x26aa": "0xabc""#), "genesis.raw.top"),
        (SUBSTRATE_RAW.replace(r#""12": "0x0061736d""#, r#""12": "wasm""#), "codeSubstitutes"),
        (
            SUBSTRATE_RAW.replace(r#""childrenDefault": {}"#, r#""childrenDefault": {"0xq": {}}"#),
            "genesis.raw.childrenDefault",
        ),
    ];
    for (json, expected) in cases {
        let e = err(&json);
        assert!(
            matches!(&e, Error::InvalidHex { field, .. } if *field == expected),
            "{expected}: {e}"
        );
        assert!(e.to_string().contains(expected), "{e}");
    }
}

#[test]
fn bad_builtin_inputs_are_refused() {
    assert!(matches!(ChainSpec::dev(&code(), b"{not json"), Err(Error::InvalidGenesisJson { .. })));
    assert!(matches!(ChainSpec::local(&[], PRESET.as_bytes()), Err(Error::MissingCode)));
}
