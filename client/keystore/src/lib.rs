//! The node's file keystore: secret keys kept as one file each under a directory.
//!
//! ## Bird's-eye view
//!
//! A [`LocalKeystore`] owns a directory, by convention `<base-path>/chains/<id>/keystore`.
//! Each key lives in its own file named `hex(key_type) ++ hex(public)` (Substrate's
//! layout, so keystores move between the two), holding the JSON string of the secret URI
//! or phrase the key derives from, e.g. `"//Alice"` or a twelve-word phrase. Files are
//! written atomically (a temporary file renamed into place) with mode `0600` on Unix.
//!
//! Files do not record the signature scheme: a key is sr25519 or ed25519 according to
//! which scheme derives, from its secret, the public key in its name. Pairs derived once
//! are cached in memory, so consensus signing reads the disk only for the first
//! signature with a key.
//!
//! The keystore serves three users:
//! - runtime code through [`lattice_io::Keystore`] (`author_rotateKeys` creating session
//!   keys in the runtime);
//! - RPC: [`LocalKeystore::insert`] (`author_insertKey`, checking that the secret really
//!   derives the given public key) and [`LocalKeystore::has_keys`] (`author_hasKey`,
//!   `author_hasSessionKeys`);
//! - consensus: [`LocalKeystore::public_keys`] to find its authority keys,
//!   [`LocalKeystore::sr25519_sign`] (Aura) and [`LocalKeystore::ed25519_sign`] (GRANDPA).
//!
//! ## Example
//!
//! ```
//! use lattice_io::KeyScheme;
//! use lattice_keystore::LocalKeystore;
//!
//! let dir = tempfile::tempdir()?;
//! let keystore = LocalKeystore::open(dir.path().join("keystore"))?;
//! let public = keystore.generate_key(KeyScheme::Sr25519, *b"aura", Some("//Alice"))?;
//! assert!(keystore.has_keys(&[(public.to_vec(), *b"aura")]));
//! let signature = keystore.sr25519_sign(*b"aura", &public, b"block")?;
//! assert!(signature.is_some());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Feature flags
//!
//! None.

use lattice_io::{KeyScheme, KeyTypeId};
use parking_lot::RwLock;
use sp_core::{crypto::SecretStringError, ed25519, sr25519, ByteArray, Pair};
use std::{
    collections::HashMap,
    fs,
    io::Write,
    path::{Path, PathBuf},
};

/// The errors of the keystore.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The keystore directory or a key file could not be created, listed, read or
    /// written (missing permissions, a file where the directory should be, a full disk).
    #[error("keystore I/O error at {}: {source}", path.display())]
    Io {
        /// The directory or file concerned.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A key file does not hold a JSON string (it was truncated or edited by hand).
    #[error("malformed key file {}: expected a JSON string with the secret URI: {source}", path.display())]
    MalformedKeyFile {
        /// The key file.
        path: PathBuf,
        /// Why its content is not a JSON string.
        #[source]
        source: serde_json::Error,
    },
    /// A secret URI or phrase (given to [`LocalKeystore::insert`] or
    /// [`LocalKeystore::generate_key`], or read from a key file) is not one `sp-core` can
    /// derive a key from.
    #[error("invalid secret URI{}: {source}", path.as_ref().map(|p| format!(" in {}", p.display())).unwrap_or_default())]
    InvalidSecret {
        /// The key file it was read from, `None` when the caller gave it.
        path: Option<PathBuf>,
        /// Why `sp-core` refused it.
        #[source]
        source: SecretStringError,
    },
    /// A public key is not 32 bytes long (the only length sr25519 and ed25519 use).
    #[error("public key of {len} bytes, expected 32")]
    InvalidPublicKeyLength {
        /// The length given.
        len: usize,
    },
    /// The secret URI does not derive the public key it comes with: for
    /// [`LocalKeystore::insert`], the caller paired them wrongly; for a key file, the file
    /// was renamed or edited, or holds a key of the other scheme than the one asked for.
    #[error("the secret URI{} does not derive the {scheme:?} public key 0x{}", path.as_ref().map(|p| format!(" in {}", p.display())).unwrap_or_default(), hex::encode(public))]
    PublicKeyMismatch {
        /// The key file, `None` when the caller gave the secret.
        path: Option<PathBuf>,
        /// The scheme the secret was derived with (the first tried, for `insert`).
        scheme: KeyScheme,
        /// The public key expected.
        public: [u8; 32],
    },
}

/// The keystore's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A cache of derived pairs by key type and public key.
type PairCache<P> = RwLock<HashMap<(KeyTypeId, [u8; 32]), P>>;

/// Keys kept as files under a directory; see the [crate docs](crate).
pub struct LocalKeystore {
    path: PathBuf,
    sr25519: PairCache<sr25519::Pair>,
    ed25519: PairCache<ed25519::Pair>,
}

impl std::fmt::Debug for LocalKeystore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the cached pairs.
        f.debug_struct("LocalKeystore").field("path", &self.path).finish_non_exhaustive()
    }
}

impl LocalKeystore {
    /// Opens the keystore at `path`, creating the directory (and its parents) if needed.
    ///
    /// Fails with [`Error::Io`] when the directory cannot be created or listed.
    pub fn open(path: impl Into<PathBuf>) -> Result<Self> {
        let path = path.into();
        fs::create_dir_all(&path).map_err(|source| Error::Io { path: path.clone(), source })?;
        fs::read_dir(&path).map_err(|source| Error::Io { path: path.clone(), source })?;
        Ok(Self { path, sr25519: Default::default(), ed25519: Default::default() })
    }

    /// The keystore directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file of the key `public` of `key_type`.
    pub fn key_file_path(&self, key_type: KeyTypeId, public: &[u8]) -> PathBuf {
        self.path.join(key_file_name(key_type, public))
    }

    /// Creates a `scheme` key for `key_type` from `seed` (a secret URI or phrase), or from
    /// a fresh random twelve-word phrase without one, stores it and returns its public key.
    ///
    /// Fails with [`Error::InvalidSecret`] for a bad seed, [`Error::Io`] when the file
    /// cannot be written.
    pub fn generate_key(
        &self,
        scheme: KeyScheme,
        key_type: KeyTypeId,
        seed: Option<&str>,
    ) -> Result<[u8; 32]> {
        let phrase;
        let suri = match seed {
            Some(seed) => seed,
            None => {
                // The phrase, not the seed, is stored: it is what `key inspect` takes.
                phrase = sr25519::Pair::generate_with_phrase(None).1;
                &phrase
            }
        };
        let public = match scheme {
            KeyScheme::Sr25519 => {
                let pair = derive::<sr25519::Pair>(suri, None)?;
                let public = pair.public().0;
                self.write_key_file(key_type, &public, suri)?;
                self.sr25519.write().insert((key_type, public), pair);
                public
            }
            KeyScheme::Ed25519 => {
                let pair = derive::<ed25519::Pair>(suri, None)?;
                let public = pair.public().0;
                self.write_key_file(key_type, &public, suri)?;
                self.ed25519.write().insert((key_type, public), pair);
                public
            }
        };
        Ok(public)
    }

    /// Stores the key derived from `suri` under `key_type` (`author_insertKey`), after
    /// checking that `suri` derives `public` as an sr25519 or an ed25519 key.
    ///
    /// Fails with [`Error::InvalidPublicKeyLength`], [`Error::InvalidSecret`] or
    /// [`Error::PublicKeyMismatch`] for bad input, [`Error::Io`] when the file cannot be
    /// written. Nothing is written on failure.
    pub fn insert(&self, key_type: KeyTypeId, suri: &str, public: &[u8]) -> Result<()> {
        let public: [u8; 32] =
            public.try_into().map_err(|_| Error::InvalidPublicKeyLength { len: public.len() })?;
        let sr = derive::<sr25519::Pair>(suri, None)?;
        if sr.public().0 == public {
            self.write_key_file(key_type, &public, suri)?;
            self.sr25519.write().insert((key_type, public), sr);
            return Ok(());
        }
        let ed = derive::<ed25519::Pair>(suri, None)?;
        if ed.public().0 == public {
            self.write_key_file(key_type, &public, suri)?;
            self.ed25519.write().insert((key_type, public), ed);
            return Ok(());
        }
        Err(Error::PublicKeyMismatch { path: None, scheme: KeyScheme::Sr25519, public })
    }

    /// Whether the keystore holds every `(public key, key type)` of `keys` (`true` for
    /// none). Only the presence of the files is checked, not their content.
    pub fn has_keys(&self, keys: &[(Vec<u8>, KeyTypeId)]) -> bool {
        keys.iter().all(|(public, key_type)| self.key_file_path(*key_type, public).is_file())
    }

    /// The public keys of `key_type` that are `scheme` keys, sorted.
    ///
    /// Files of other key types and files whose name is not a key file name are ignored;
    /// a key file of `key_type` that cannot be read or parsed fails the call
    /// ([`Error::Io`], [`Error::MalformedKeyFile`], [`Error::InvalidSecret`]) so that a
    /// damaged validator key is noticed rather than silently skipped.
    pub fn public_keys(&self, scheme: KeyScheme, key_type: KeyTypeId) -> Result<Vec<[u8; 32]>> {
        let mut keys = Vec::new();
        for public in self.raw_public_keys(key_type)? {
            let is_scheme = match scheme {
                KeyScheme::Sr25519 => self.sr25519_pair(key_type, &public)?.is_some(),
                KeyScheme::Ed25519 => self.ed25519_pair(key_type, &public)?.is_some(),
            };
            if is_scheme {
                keys.push(public);
            }
        }
        keys.sort_unstable();
        Ok(keys)
    }

    /// The public keys of every key file of `key_type`, whatever their scheme, unsorted.
    pub fn raw_public_keys(&self, key_type: KeyTypeId) -> Result<Vec<[u8; 32]>> {
        let io = |source| Error::Io { path: self.path.clone(), source };
        let prefix = hex::encode(key_type);
        let mut keys = Vec::new();
        for entry in fs::read_dir(&self.path).map_err(io)? {
            let entry = entry.map_err(io)?;
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            let Some(rest) = name.strip_prefix(&prefix) else { continue };
            let mut public = [0u8; 32];
            if rest.len() == 64 && hex::decode_to_slice(rest, &mut public).is_ok() {
                keys.push(public);
            }
        }
        Ok(keys)
    }

    /// Signs `message` with the sr25519 key `public` of `key_type`.
    ///
    /// `Ok(None)` when the keystore has no such key file or the key is not sr25519;
    /// errors as for [`LocalKeystore::public_keys`] when the file is damaged.
    pub fn sr25519_sign(
        &self,
        key_type: KeyTypeId,
        public: &[u8; 32],
        message: &[u8],
    ) -> Result<Option<[u8; 64]>> {
        Ok(self.sr25519_pair(key_type, public)?.map(|pair| pair.sign(message).0))
    }

    /// Signs `message` with the ed25519 key `public` of `key_type`.
    ///
    /// `Ok(None)` when the keystore has no such key file or the key is not ed25519;
    /// errors as for [`LocalKeystore::public_keys`] when the file is damaged.
    pub fn ed25519_sign(
        &self,
        key_type: KeyTypeId,
        public: &[u8; 32],
        message: &[u8],
    ) -> Result<Option<[u8; 64]>> {
        Ok(self.ed25519_pair(key_type, public)?.map(|pair| pair.sign(message).0))
    }

    /// The secret URI or phrase stored for `public` of `key_type`; `Ok(None)` without a
    /// key file.
    pub fn secret_uri(&self, key_type: KeyTypeId, public: &[u8]) -> Result<Option<String>> {
        let path = self.key_file_path(key_type, public);
        let bytes = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(Error::Io { path, source }),
        };
        serde_json::from_slice::<String>(&bytes)
            .map(Some)
            .map_err(|source| Error::MalformedKeyFile { path, source })
    }

    fn sr25519_pair(
        &self,
        key_type: KeyTypeId,
        public: &[u8; 32],
    ) -> Result<Option<sr25519::Pair>> {
        if let Some(pair) = self.sr25519.read().get(&(key_type, *public)) {
            return Ok(Some(pair.clone()));
        }
        let Some(pair) = self.load_pair::<sr25519::Pair>(key_type, public)? else {
            return Ok(None);
        };
        self.sr25519.write().insert((key_type, *public), pair.clone());
        Ok(Some(pair))
    }

    fn ed25519_pair(
        &self,
        key_type: KeyTypeId,
        public: &[u8; 32],
    ) -> Result<Option<ed25519::Pair>> {
        if let Some(pair) = self.ed25519.read().get(&(key_type, *public)) {
            return Ok(Some(*pair));
        }
        let Some(pair) = self.load_pair::<ed25519::Pair>(key_type, public)? else {
            return Ok(None);
        };
        self.ed25519.write().insert((key_type, *public), pair);
        Ok(Some(pair))
    }

    /// Reads and derives the key file of `public`; `Ok(None)` without a file or when the
    /// secret derives another public key under `P` (a key of the other scheme).
    fn load_pair<P: Pair>(&self, key_type: KeyTypeId, public: &[u8; 32]) -> Result<Option<P>> {
        let Some(suri) = self.secret_uri(key_type, public)? else { return Ok(None) };
        let path = self.key_file_path(key_type, public);
        let pair = derive::<P>(&suri, Some(&path))?;
        Ok((pair.public().as_slice() == public).then_some(pair))
    }

    /// Writes `suri` as a JSON string to the key file of `public`: to a temporary file
    /// (mode `0600`) first, renamed into place, so a crash leaves the old file or the
    /// new one, never a torn one.
    fn write_key_file(&self, key_type: KeyTypeId, public: &[u8; 32], suri: &str) -> Result<()> {
        let name = key_file_name(key_type, public);
        let path = self.path.join(&name);
        let tmp = self.path.join(format!(".{name}.tmp"));
        let content = serde_json::to_vec(suri).expect("a string always serialises to JSON");
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| Error::Io { path, source }
        };
        let mut options = fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(&tmp).map_err(io(&tmp))?;
        file.write_all(&content).map_err(io(&tmp))?;
        file.sync_all().map_err(io(&tmp))?;
        drop(file);
        fs::rename(&tmp, &path).map_err(io(&path))?;
        Ok(())
    }
}

impl lattice_io::Keystore for LocalKeystore {
    fn generate(
        &self,
        scheme: KeyScheme,
        key_type: KeyTypeId,
        seed: Option<&str>,
    ) -> Option<[u8; 32]> {
        self.generate_key(scheme, key_type, seed).ok()
    }
}

/// `hex(key_type) ++ hex(public)`, Substrate's key file name.
fn key_file_name(key_type: KeyTypeId, public: &[u8]) -> String {
    format!("{}{}", hex::encode(key_type), hex::encode(public))
}

/// Derives a `P` pair from a secret URI or phrase, `path` naming the file it came from.
fn derive<P: Pair>(suri: &str, path: Option<&Path>) -> Result<P> {
    P::from_string(suri, None)
        .map_err(|source| Error::InvalidSecret { path: path.map(Path::to_path_buf), source })
}

#[cfg(test)]
mod tests;
