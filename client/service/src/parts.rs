//! The node's long-lived parts, shared by `run` and the offline subcommands.

use crate::{Configuration, Error, Result};
use lattice_chain::{build_genesis_state, Client, FullChainApi};
use lattice_db::{Database, DatabaseConfig};
use lattice_executor::{ExecutorConfig, WasmExecutor};
use lattice_io::KeyScheme;
use lattice_keystore::LocalKeystore;
use lattice_txpool::{BlockInfo, Pool, SystemClock};
use std::sync::Arc;

/// The chain, the pool and the keystore of a node.
pub struct NodeParts {
    /// The chain client.
    pub client: Arc<Client>,
    /// The transaction pool.
    pub pool: Arc<Pool<FullChainApi>>,
    /// The keystore under the base path.
    pub keystore: Arc<LocalKeystore>,
}

/// Opens the database of `config` with its pruning mode.
pub fn open_database(config: &Configuration) -> Result<Database> {
    let mut db_config = DatabaseConfig::new(config.database_path());
    if let Some(mode) = config.pruning {
        db_config = db_config.with_pruning(mode);
    }
    Ok(Database::open(db_config)?)
}

/// Opens (or creates) the node's database, chain, pool and keystore.
pub fn new_parts(config: &Configuration) -> Result<NodeParts> {
    let io = |path: std::path::PathBuf| move |source| Error::Io { path, source };
    std::fs::create_dir_all(&config.chain_path).map_err(io(config.chain_path.clone()))?;
    let keystore = Arc::new(LocalKeystore::open(config.keystore_path())?);
    if let Some(seed) = &config.dev_key_seed {
        insert_dev_keys(&keystore, seed)?;
    }
    let executor = WasmExecutor::new(ExecutorConfig {
        cache_dir: Some(config.wasm_cache_path()),
        ..ExecutorConfig::default()
    })?;
    let db = open_database(config)?;
    let genesis = config
        .chain_spec
        .genesis_storage(|code, json| build_genesis_state(&executor, code, json))?;
    let keystore_dyn: Arc<dyn lattice_io::Keystore + Send + Sync> = keystore.clone();
    let client = Arc::new(Client::new(db, executor, genesis, Some(keystore_dyn))?);
    let info = client.info();
    let pool = Arc::new(Pool::new(
        FullChainApi::new(client.clone()),
        config.pool.clone(),
        Arc::new(SystemClock::new()),
        BlockInfo { hash: info.best_hash, number: info.best_number },
    ));
    Ok(NodeParts { client, pool, keystore })
}

/// Puts the Aura (sr25519) and GRANDPA (ed25519) keys of `seed` into `keystore`.
pub fn insert_dev_keys(keystore: &LocalKeystore, seed: &str) -> Result<()> {
    for (scheme, key_type) in [(KeyScheme::Sr25519, *b"aura"), (KeyScheme::Ed25519, *b"gran")] {
        keystore
            .generate_key(scheme, key_type, Some(seed))
            .map_err(|e| Error::InvalidSeed { seed: seed.to_string(), reason: e.to_string() })?;
    }
    Ok(())
}
