//! A chain in one process for runtime tests and the block benchmark: genesis from a
//! preset, blocks built and imported through the Wasm runtime in the executor (or the
//! native runtime, for comparison), state in `lattice-state`'s in-memory backend.

#![allow(unreachable_pub)]

use codec::{Decode, Encode};
use lattice_executor::{ExecutorConfig, RuntimeCode, WasmExecutor};
use lattice_io::Externalities;
use lattice_primitives::api::well_known_keys;
use lattice_primitives::inherent::TIMESTAMP_INHERENT;
use lattice_primitives::{
    AccountId32, Address, ApplyExtrinsicResult, Block, Digest, DigestItem, Era, Header,
    InherentData, MultiSignature, OpaqueExtrinsic, H256,
};
use lattice_runtime::{extensions, Extrinsic, RuntimeCall, RuntimeEvent};
use lattice_state::{Backend, Ext, InMemoryBackend, OverlayedChanges};
use sp_core::{sr25519, Pair};

/// How a runtime call is executed.
#[derive(Clone)]
pub enum Engine {
    /// The Wasm blob in wasmtime, as the node runs it.
    Wasm(WasmExecutor, RuntimeCode),
    /// The runtime compiled natively.
    Native,
}

impl Engine {
    /// The Wasm engine for `code` with a fresh executor (cold caches).
    pub fn wasm(code: &[u8]) -> Self {
        let executor = WasmExecutor::new(ExecutorConfig::default()).expect("executor starts");
        let code = RuntimeCode::new(code.to_vec());
        executor.prepare(&code).expect("the runtime compiles");
        Engine::Wasm(executor, code)
    }

    /// Calls `method` against `ext`; `Err` carries the executor's or the runtime's error.
    pub fn call(
        &self,
        ext: &mut dyn Externalities,
        method: &str,
        input: &[u8],
    ) -> Result<Vec<u8>, String> {
        match self {
            Engine::Wasm(executor, code) => {
                executor.call(code, ext, method, input).map_err(|e| e.to_string())
            }
            Engine::Native => {
                let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    lattice_io::with_externalities(ext, || {
                        lattice_runtime::apis::dispatch(method, input)
                    })
                }));
                match r {
                    Ok(Ok(out)) => Ok(out),
                    Ok(Err(e)) => Err(format!("{e:?}")),
                    Err(panic) => Err(panic
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                        .unwrap_or_else(|| "native runtime panicked".into())),
                }
            }
        }
    }
}

/// The runtime's Wasm blob.
pub fn wasm_binary() -> &'static [u8] {
    lattice_runtime_wasm::WASM_BINARY.expect("the Wasm runtime is built (SKIP_WASM_BUILD unset)")
}

/// The key pair of a dev seed such as `//Alice`.
pub fn pair(seed: &str) -> sr25519::Pair {
    sr25519::Pair::from_string(seed, None).expect("dev seeds are valid")
}

/// The account of a key pair.
pub fn account(p: &sr25519::Pair) -> AccountId32 {
    AccountId32(p.public().0)
}

/// The genesis state of `config`, with the runtime code at `:code`.
pub fn genesis_pairs(
    config: &lattice_runtime::genesis::RuntimeGenesisConfig,
    code: &[u8],
) -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut ext = lattice_io::TestExternalities::default();
    ext.execute_with(|| config.build()).expect("the genesis config is valid");
    let mut pairs: Vec<_> = ext.pairs().clone().into_iter().collect();
    pairs.push((well_known_keys::CODE.to_vec(), code.to_vec()));
    pairs
}

/// A chain: its state and its best header.
pub struct Chain {
    /// State at the best block.
    pub state: InMemoryBackend,
    /// The best block's header.
    pub best: Header,
    /// The genesis block's hash.
    pub genesis_hash: H256,
    /// The next slot to author in.
    pub slot: u64,
}

/// The root of an empty ordered trie (extrinsics root of the genesis block).
pub fn empty_ordered_root() -> H256 {
    H256(lattice_io::native::blake2_256_ordered_root(&[]))
}

impl Chain {
    /// A chain at genesis with the `authorities` of the dev preset (indices into the dev
    /// keys) and `extra` endowed accounts.
    pub fn new(authorities: &[usize], extra: &[(AccountId32, u128)]) -> Self {
        let mut config =
            lattice_runtime::genesis::preset(authorities, lattice_runtime::genesis::DEV_ERA_LENGTH);
        for (who, amount) in extra {
            config.balances.balances.push((lattice_runtime::genesis::Account(who.0), *amount));
        }
        Self::from_pairs(genesis_pairs(&config, wasm_binary()))
    }

    /// A chain whose genesis state is `pairs`.
    pub fn from_pairs(pairs: Vec<(Vec<u8>, Vec<u8>)>) -> Self {
        let state = InMemoryBackend::from_pairs(pairs);
        let best = Header {
            parent_hash: H256::zero(),
            number: 0,
            state_root: H256(state.root()),
            extrinsics_root: empty_ordered_root(),
            digest: Digest::default(),
        };
        let genesis_hash = best.hash();
        Self { state, best, genesis_hash, slot: 1 }
    }

    /// The pre-runtime digest of the next block.
    fn next_digest(&self) -> Digest {
        Digest { logs: vec![DigestItem::PreRuntime(*b"aura", self.slot.encode())] }
    }

    /// Builds the next block with `extrinsics` (encoded) on `engine`, without importing it.
    /// Returns the block and the result of applying each extrinsic.
    pub fn build(
        &self,
        engine: &Engine,
        extrinsics: &[Vec<u8>],
    ) -> Result<(Block, Vec<ApplyExtrinsicResult>), String> {
        let mut overlay = OverlayedChanges::new();
        let mut ext = Ext::new(&mut overlay, &self.state);
        let header = Header {
            parent_hash: self.best.hash(),
            number: self.best.number + 1,
            state_root: H256::zero(),
            extrinsics_root: H256::zero(),
            digest: self.next_digest(),
        };
        engine.call(&mut ext, "Core_initialize_block", &header.encode())?;
        let mut data = InherentData::default();
        data.put(TIMESTAMP_INHERENT, &(self.slot * lattice_runtime::configs::SLOT_DURATION));
        let inherents =
            engine.call(&mut ext, "BlockBuilder_inherent_extrinsics", &data.encode())?;
        let inherents =
            Vec::<OpaqueExtrinsic>::decode(&mut &inherents[..]).map_err(|e| e.to_string())?;
        let mut body = Vec::new();
        let mut results = Vec::new();
        for xt in inherents.into_iter().map(|x| x.encode()).chain(extrinsics.iter().cloned()) {
            let out = engine.call(&mut ext, "BlockBuilder_apply_extrinsic", &xt)?;
            let r = ApplyExtrinsicResult::decode(&mut &out[..]).map_err(|e| e.to_string())?;
            if r.is_ok() {
                body.push(OpaqueExtrinsic::decode(&mut &xt[..]).map_err(|e| e.to_string())?);
            }
            results.push(r);
        }
        let out = engine.call(&mut ext, "BlockBuilder_finalize_block", &[])?;
        let header = Header::decode(&mut &out[..]).map_err(|e| e.to_string())?;
        // The inherent is not reported as one of the caller's extrinsics.
        let _inherent = results.remove(0);
        Ok((Block { header, extrinsics: body }, results))
    }

    /// Imports `block` on `engine`: executes it on the best state, checks the state root
    /// and makes it the best block. Returns the events of the block.
    pub fn import(
        &mut self,
        engine: &Engine,
        block: &Block,
    ) -> Result<Vec<lattice_runtime::RuntimeEventRecord>, String> {
        let mut overlay = OverlayedChanges::new();
        {
            let mut ext = Ext::new(&mut overlay, &self.state);
            engine.call(&mut ext, "Core_execute_block", &block.encode())?;
        }
        let commit = overlay.drain_commit(&self.state).map_err(|e| e.to_string())?;
        if commit.root != block.header.state_root.0 {
            return Err("state root differs from the header's".into());
        }
        self.state.commit(commit).map_err(|e| e.to_string())?;
        self.best = block.header.clone();
        self.slot += 1;
        // Every pallet's invariants hold after every block (total issuance equals the sum
        // of all balances, ...).
        self.with_state(lattice_runtime::executive::try_state)
            .map_err(|e| format!("invariant broken after block {}: {e}", block.header.number))?;
        Ok(self.events())
    }

    /// Builds the next block on `engine` and imports it on the same engine.
    pub fn produce(
        &mut self,
        engine: &Engine,
        extrinsics: &[Vec<u8>],
    ) -> Result<(Block, Vec<ApplyExtrinsicResult>), String> {
        let (block, results) = self.build(engine, extrinsics)?;
        self.import(engine, &block)?;
        Ok((block, results))
    }

    /// The events stored in the best state (`System.Events`).
    pub fn events(&self) -> Vec<lattice_runtime::RuntimeEventRecord> {
        let key = pallet_system::Events::<lattice_runtime::Runtime>::key();
        self.state
            .storage(&key)
            .expect("in-memory reads do not fail")
            .map(|raw| Vec::decode(&mut &raw[..]).expect("events decode"))
            .unwrap_or_default()
    }

    /// Reads and decodes a value of the best state.
    pub fn read<T: Decode>(&self, key: &[u8]) -> Option<T> {
        self.state
            .storage(key)
            .expect("in-memory reads do not fail")
            .map(|raw| T::decode(&mut &raw[..]).expect("decodes"))
    }

    /// The free balance of `who` at the best block.
    pub fn free(&self, who: &AccountId32) -> u128 {
        self.account(who).data.free
    }

    /// `System.Account` of `who` at the best block.
    pub fn account(
        &self,
        who: &AccountId32,
    ) -> pallet_system::AccountInfo<pallet_balances::types::AccountData> {
        self.read(&pallet_system::Account::<lattice_runtime::Runtime>::key(who)).unwrap_or_default()
    }

    /// Calls the runtime-API entry point `method` on `engine` against the best state
    /// (changes are dropped).
    pub fn call(&self, engine: &Engine, method: &str, input: &[u8]) -> Result<Vec<u8>, String> {
        let mut overlay = OverlayedChanges::new();
        let mut ext = Ext::new(&mut overlay, &self.state);
        engine.call(&mut ext, method, input)
    }

    /// What the pool learns of `xt` from `engine` at the best block
    /// (`TaggedTransactionQueue_validate_transaction`, from an external source).
    pub fn validate(&self, engine: &Engine, xt: &[u8]) -> lattice_primitives::TransactionValidity {
        let mut input = lattice_primitives::TransactionSource::External.encode();
        input.extend_from_slice(xt);
        input.extend_from_slice(&self.best.hash().encode());
        let out = self
            .call(engine, "TaggedTransactionQueue_validate_transaction", &input)
            .expect("call succeeds");
        Decode::decode(&mut &out[..]).expect("decodes")
    }

    /// Runs native code (such as `try_state`) against the best state.
    pub fn with_state<R>(&self, f: impl FnOnce() -> R) -> R {
        let mut overlay = OverlayedChanges::new();
        let mut ext = Ext::new(&mut overlay, &self.state);
        lattice_io::with_externalities(&mut ext, f)
    }

    /// Signs `call` from `signer` with `nonce`, immortal, as a wallet does.
    pub fn sign(
        &self,
        signer: &sr25519::Pair,
        call: RuntimeCall,
        nonce: u32,
        tip: u128,
    ) -> Vec<u8> {
        sign_with(self.genesis_hash, self.genesis_hash, Era::Immortal, signer, call, nonce, tip)
    }
}

/// Signs `call` for the chain with `genesis`, with `era` born at `birth_hash`.
pub fn sign_with(
    genesis: H256,
    birth_hash: H256,
    era: Era,
    signer: &sr25519::Pair,
    call: RuntimeCall,
    nonce: u32,
    tip: u128,
) -> Vec<u8> {
    let extra = extensions::extra(nonce, era, tip);
    let v = lattice_runtime::VERSION;
    let implicit: extensions::Implicit =
        (v.spec_version, v.transaction_version, genesis, birth_hash);
    let payload = lattice_primitives::extrinsic::signing_payload(
        &call,
        &extra,
        &implicit,
        lattice_io::hashing::blake2_256,
    );
    let signature = signer.sign(&payload);
    Extrinsic::new_signed(
        call,
        Address::Id(account(signer)),
        MultiSignature::Sr25519(signature.0),
        extra,
    )
    .encode()
}

/// A `transfer_keep_alive` call.
pub fn transfer_keep_alive(dest: &AccountId32, value: u128) -> RuntimeCall {
    RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
        dest: Address::Id(*dest),
        value,
    })
}

/// A `transfer_allow_death` call.
pub fn transfer_allow_death(dest: &AccountId32, value: u128) -> RuntimeCall {
    RuntimeCall::Balances(pallet_balances::Call::transfer_allow_death {
        dest: Address::Id(*dest),
        value,
    })
}

/// The runtime events of `records`, without phases and topics.
pub fn just_events(records: &[lattice_runtime::RuntimeEventRecord]) -> Vec<RuntimeEvent> {
    records.iter().map(|r| r.event.clone()).collect()
}
