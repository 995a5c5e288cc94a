//! `lattice key`: generating, inspecting and inserting keys; node keys.

use crate::cli::{KeyCmd, Scheme};
use lattice_keystore::LocalKeystore;
use sp_core::crypto::{Ss58AddressFormat, Ss58Codec};
use sp_core::{ed25519, sr25519, Pair};
use std::path::Path;

pub(crate) fn run(cmd: KeyCmd) -> Result<(), String> {
    match cmd {
        KeyCmd::Generate { scheme, output_type, network } => {
            let json = output_json(&output_type)?;
            let phrase = match scheme {
                Scheme::Sr25519 => sr25519::Pair::generate_with_phrase(None).1,
                Scheme::Ed25519 => ed25519::Pair::generate_with_phrase(None).1,
            };
            print_secret(&phrase, scheme, network, json)
        }
        KeyCmd::Inspect { uri, scheme, public, output_type, network } => {
            let json = output_json(&output_type)?;
            if public {
                print_public(&uri, network, json)
            } else {
                print_secret(&uri, scheme, network, json)
            }
        }
        KeyCmd::Insert { shared, suri, key_type, scheme } => {
            let key_type = parse_key_type(&key_type)?;
            let public = match scheme {
                Scheme::Sr25519 => derive::<sr25519::Pair>(&suri)?.public().0,
                Scheme::Ed25519 => derive::<ed25519::Pair>(&suri)?.public().0,
            };
            let spec = crate::chain_spec::load_spec(&match (&shared.chain, shared.dev) {
                (Some(c), _) => c.clone(),
                (None, true) => "dev".into(),
                (None, false) => "local".into(),
            })?;
            let base = shared.base_path.clone().ok_or("key insert needs --base-path")?;
            let path =
                lattice_service::Configuration::chain_path_of(&base, &spec.id).join("keystore");
            let keystore = LocalKeystore::open(&path).map_err(|e| e.to_string())?;
            keystore.insert(key_type, &suri, &public).map_err(|e| e.to_string())?;
            println!(
                "Inserted a {} key of type {:?} into {}",
                scheme_name(scheme),
                String::from_utf8_lossy(&key_type),
                path.display()
            );
            Ok(())
        }
        KeyCmd::GenerateNodeKey { file } => {
            let (pair, _) = ed25519::Pair::generate();
            let secret = hex::encode(pair.seed());
            match file {
                Some(path) => {
                    write_secret_file(&path, secret.as_bytes())?;
                }
                None => println!("{secret}"),
            }
            eprintln!("{}", peer_id(pair.seed())?);
            Ok(())
        }
        KeyCmd::InspectNodeKey { file } => {
            let secret = lattice_network::read_node_key(&file).map_err(|e| e.to_string())?;
            println!("{}", peer_id(secret)?);
            Ok(())
        }
    }
}

fn output_json(output_type: &str) -> Result<bool, String> {
    match output_type {
        "text" => Ok(false),
        "json" => Ok(true),
        other => Err(format!("unknown --output-type {other:?}; use text or json")),
    }
}

fn scheme_name(scheme: Scheme) -> &'static str {
    match scheme {
        Scheme::Sr25519 => "sr25519",
        Scheme::Ed25519 => "ed25519",
    }
}

fn parse_key_type(s: &str) -> Result<[u8; 4], String> {
    s.as_bytes()
        .try_into()
        .map_err(|_| format!("key type {s:?} must be exactly 4 characters, e.g. aura or gran"))
}

fn derive<P: Pair>(suri: &str) -> Result<P, String> {
    P::from_string(suri, None).map_err(|e| format!("invalid secret URI: {e:?}"))
}

fn ss58(public: &[u8; 32], network: u16) -> String {
    sp_core::crypto::AccountId32::new(*public)
        .to_ss58check_with_version(Ss58AddressFormat::custom(network))
}

fn print_secret(suri: &str, scheme: Scheme, network: u16, json: bool) -> Result<(), String> {
    let (public, seed) = match scheme {
        Scheme::Sr25519 => {
            let pair = derive::<sr25519::Pair>(suri)?;
            let seed = sr25519::Pair::from_string_with_seed(suri, None)
                .ok()
                .and_then(|(_, seed)| seed)
                .map(|s| format!("0x{}", hex::encode(s)));
            (pair.public().0, seed)
        }
        Scheme::Ed25519 => {
            let pair = derive::<ed25519::Pair>(suri)?;
            (pair.public().0, Some(format!("0x{}", hex::encode(pair.seed()))))
        }
    };
    let public_hex = format!("0x{}", hex::encode(public));
    let address = ss58(&public, network);
    if json {
        let value = serde_json::json!({
            "secretPhrase": suri,
            "networkId": network,
            "secretSeed": seed,
            "publicKey": public_hex,
            "accountId": public_hex,
            "publicKeySS58": address,
            "ss58Address": address,
            "scheme": scheme_name(scheme),
        });
        println!("{}", serde_json::to_string_pretty(&value).map_err(|e| e.to_string())?);
    } else {
        println!("Secret phrase:       {suri}");
        println!("  Network ID:        {network}");
        println!("  Secret seed:       {}", seed.as_deref().unwrap_or("n/a"));
        println!("  Public key (hex):  {public_hex}");
        println!("  Account ID:        {public_hex}");
        println!("  Public key (SS58): {address}");
        println!("  SS58 Address:      {address}");
    }
    Ok(())
}

fn print_public(input: &str, network: u16, json: bool) -> Result<(), String> {
    let public: [u8; 32] = if let Some(hex_str) = input.strip_prefix("0x") {
        hex::decode(hex_str)
            .map_err(|e| format!("invalid public key hex: {e}"))?
            .try_into()
            .map_err(|v: Vec<u8>| format!("a public key has 32 bytes, not {}", v.len()))?
    } else {
        let account = sp_core::crypto::AccountId32::from_ss58check(input)
            .map_err(|e| format!("invalid SS58 address: {e:?}"))?;
        *account.as_ref()
    };
    let public_hex = format!("0x{}", hex::encode(public));
    let address = ss58(&public, network);
    if json {
        println!(
            "{}",
            serde_json::json!({"networkId": network, "publicKey": public_hex, "accountId": public_hex, "ss58Address": address})
        );
    } else {
        println!("Network ID/Version: {network}");
        println!("  Public key (hex):  {public_hex}");
        println!("  Account ID:        {public_hex}");
        println!("  SS58 Address:      {address}");
    }
    Ok(())
}

/// The libp2p peer id of a node key.
fn peer_id(secret: [u8; 32]) -> Result<String, String> {
    lattice_network::peer_id_of(secret).map(|p| p.to_base58()).map_err(|e| e.to_string())
}

fn write_secret_file(path: &Path, contents: &[u8]) -> Result<(), String> {
    if path.exists() {
        return Err(format!("{} exists; refusing to overwrite a key", path.display()));
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(path, contents).map_err(|e| format!("{}: {e}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
    }
    Ok(())
}
