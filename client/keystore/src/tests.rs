use super::*;
use lattice_io::Keystore as _;

const AURA: KeyTypeId = *b"aura";
const GRAN: KeyTypeId = *b"gran";
/// `//Alice` as sr25519 and ed25519 public keys.
const ALICE_SR: &str = "d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d";
const ALICE_ED: &str = "88dc3417d5058ec4b4503e0c12ea1a0a89be200fe98922423d4334014fa6b0ee";

fn h32(s: &str) -> [u8; 32] {
    hex::decode(s).unwrap().try_into().unwrap()
}

fn keystore() -> (tempfile::TempDir, LocalKeystore) {
    let dir = tempfile::tempdir().unwrap();
    let ks = LocalKeystore::open(dir.path().join("chains/dev/keystore")).unwrap();
    (dir, ks)
}

#[test]
fn generate_from_seed_writes_substrate_key_file() {
    let (_dir, ks) = keystore();
    let public = ks.generate_key(KeyScheme::Sr25519, AURA, Some("//Alice")).unwrap();
    assert_eq!(public, h32(ALICE_SR));
    let path = ks.path().join(format!("61757261{ALICE_SR}"));
    assert_eq!(fs::read_to_string(&path).unwrap(), "\"//Alice\"");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    }
    // No temporary file is left behind.
    assert_eq!(fs::read_dir(ks.path()).unwrap().count(), 1);

    let public = ks.generate(KeyScheme::Ed25519, GRAN, Some("//Alice")).unwrap();
    assert_eq!(public, h32(ALICE_ED));
}

#[test]
fn random_key_stores_its_phrase() {
    let (_dir, ks) = keystore();
    let public = ks.generate(KeyScheme::Sr25519, AURA, None).unwrap();
    let phrase = ks.secret_uri(AURA, &public).unwrap().unwrap();
    assert_eq!(phrase.split(' ').count(), 12);
    let pair = sr25519::Pair::from_string(&phrase, None).unwrap();
    assert_eq!(pair.public().0, public);
}

#[test]
fn bad_seed_is_refused() {
    let (_dir, ks) = keystore();
    assert!(ks.generate(KeyScheme::Sr25519, AURA, Some("not a phrase")).is_none());
    assert!(matches!(
        ks.generate_key(KeyScheme::Ed25519, AURA, Some("0x1234")),
        Err(Error::InvalidSecret { path: None, .. })
    ));
    assert_eq!(fs::read_dir(ks.path()).unwrap().count(), 0);
}

#[test]
fn insert_checks_that_the_suri_derives_the_public_key() {
    let (_dir, ks) = keystore();
    ks.insert(AURA, "//Alice", &h32(ALICE_SR)).unwrap();
    ks.insert(GRAN, "//Alice", &h32(ALICE_ED)).unwrap();
    assert!(ks.has_keys(&[(h32(ALICE_SR).to_vec(), AURA), (h32(ALICE_ED).to_vec(), GRAN)]));
    assert!(!ks.has_keys(&[(h32(ALICE_SR).to_vec(), GRAN)]));
    assert!(ks.has_keys(&[]));

    let err = ks.insert(AURA, "//Bob", &h32(ALICE_SR)).unwrap_err();
    assert!(matches!(err, Error::PublicKeyMismatch { path: None, .. }), "{err}");
    assert!(err.to_string().contains(ALICE_SR), "{err}");
    assert!(matches!(
        ks.insert(AURA, "//Alice", &[1, 2, 3]),
        Err(Error::InvalidPublicKeyLength { len: 3 })
    ));
    assert!(matches!(
        ks.insert(AURA, "bad phrase words", &h32(ALICE_SR)),
        Err(Error::InvalidSecret { .. })
    ));
    assert_eq!(fs::read_dir(ks.path()).unwrap().count(), 2);
}

#[test]
fn signs_with_the_right_scheme_only() {
    let (_dir, ks) = keystore();
    let sr = ks.generate_key(KeyScheme::Sr25519, AURA, Some("//Alice")).unwrap();
    let ed = ks.generate_key(KeyScheme::Ed25519, GRAN, Some("//Alice")).unwrap();

    let sig = ks.sr25519_sign(AURA, &sr, b"msg").unwrap().unwrap();
    assert!(sr25519::Pair::verify(
        &sr25519::Signature::from_raw(sig),
        b"msg",
        &sr25519::Public::from_raw(sr)
    ));
    let sig = ks.ed25519_sign(GRAN, &ed, b"msg").unwrap().unwrap();
    assert!(ed25519::Pair::verify(
        &ed25519::Signature::from_raw(sig),
        b"msg",
        &ed25519::Public::from_raw(ed)
    ));

    // Unknown key, wrong key type, wrong scheme: no signature.
    assert_eq!(ks.sr25519_sign(AURA, &[7; 32], b"msg").unwrap(), None);
    assert_eq!(ks.sr25519_sign(GRAN, &sr, b"msg").unwrap(), None);
    assert_eq!(ks.ed25519_sign(AURA, &sr, b"msg").unwrap(), None);
}

#[test]
fn public_keys_filter_by_type_and_scheme_and_survive_reopening() {
    let dir = tempfile::tempdir().unwrap();
    {
        let ks = LocalKeystore::open(dir.path()).unwrap();
        ks.generate_key(KeyScheme::Sr25519, AURA, Some("//Alice")).unwrap();
        ks.generate_key(KeyScheme::Sr25519, AURA, Some("//Bob")).unwrap();
        ks.generate_key(KeyScheme::Ed25519, AURA, Some("//Charlie")).unwrap();
        ks.generate_key(KeyScheme::Ed25519, GRAN, Some("//Alice")).unwrap();
    }
    // Stray files are ignored.
    fs::write(dir.path().join("README"), "hello").unwrap();
    fs::write(dir.path().join("61757261zz"), "\"//Eve\"").unwrap();

    let ks = LocalKeystore::open(dir.path()).unwrap();
    let sr = ks.public_keys(KeyScheme::Sr25519, AURA).unwrap();
    assert_eq!(sr.len(), 2);
    assert!(sr.contains(&h32(ALICE_SR)));
    assert_eq!(ks.public_keys(KeyScheme::Ed25519, AURA).unwrap().len(), 1);
    assert_eq!(ks.public_keys(KeyScheme::Ed25519, GRAN).unwrap(), vec![h32(ALICE_ED)]);
    assert!(ks.public_keys(KeyScheme::Sr25519, GRAN).unwrap().is_empty());
    assert_eq!(ks.raw_public_keys(AURA).unwrap().len(), 3);
    assert!(ks.sr25519_sign(AURA, &h32(ALICE_SR), b"x").unwrap().is_some());
}

#[test]
fn corrupt_key_file_gives_a_clear_error() {
    let (_dir, ks) = keystore();
    let public = h32(ALICE_SR);
    let path = ks.key_file_path(AURA, &public);
    fs::write(&path, "\"//Ali").unwrap(); // Truncated JSON.

    let err = ks.sr25519_sign(AURA, &public, b"msg").unwrap_err();
    assert!(matches!(&err, Error::MalformedKeyFile { path: p, .. } if *p == path), "{err}");
    assert!(err.to_string().contains("malformed key file"), "{err}");
    assert!(matches!(
        ks.public_keys(KeyScheme::Sr25519, AURA),
        Err(Error::MalformedKeyFile { .. })
    ));
    assert!(matches!(ks.secret_uri(AURA, &public), Err(Error::MalformedKeyFile { .. })));

    // Valid JSON, but not a secret URI.
    fs::write(&path, "\"no such words here\"").unwrap();
    let err = ks.ed25519_sign(AURA, &public, b"msg").unwrap_err();
    assert!(matches!(&err, Error::InvalidSecret { path: Some(p), .. } if *p == path), "{err}");

    // Valid JSON of the wrong type.
    fs::write(&path, "42").unwrap();
    assert!(matches!(ks.sr25519_sign(AURA, &public, b"m"), Err(Error::MalformedKeyFile { .. })));

    // A file named after another key: not that key.
    fs::write(&path, "\"//Bob\"").unwrap();
    assert_eq!(ks.sr25519_sign(AURA, &public, b"msg").unwrap(), None);

    // Repaired by `insert`.
    ks.insert(AURA, "//Alice", &public).unwrap();
    assert!(ks.sr25519_sign(AURA, &public, b"msg").unwrap().is_some());
}

#[test]
fn missing_key_file_is_no_key() {
    let (_dir, ks) = keystore();
    assert_eq!(ks.secret_uri(AURA, &[1; 32]).unwrap(), None);
    assert_eq!(ks.ed25519_sign(GRAN, &[1; 32], b"m").unwrap(), None);
    assert!(!ks.has_keys(&[(vec![1; 32], GRAN)]));
}

#[test]
fn unusable_directory_is_an_io_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("file");
    fs::write(&file, "").unwrap();
    let err = LocalKeystore::open(&file).unwrap_err();
    assert!(matches!(&err, Error::Io { path, .. } if *path == file), "{err}");
    assert!(matches!(LocalKeystore::open(file.join("keystore")), Err(Error::Io { .. })));

    // A keystore whose directory disappears reports it instead of panicking.
    let ks = LocalKeystore::open(dir.path().join("ks")).unwrap();
    fs::remove_dir(ks.path()).unwrap();
    assert!(matches!(ks.public_keys(KeyScheme::Sr25519, AURA), Err(Error::Io { .. })));
    assert!(matches!(
        ks.generate_key(KeyScheme::Sr25519, AURA, Some("//Alice")),
        Err(Error::Io { .. })
    ));
    assert!(ks.generate(KeyScheme::Sr25519, AURA, Some("//Alice")).is_none());
}
