//! Block execution: the order in which hooks, inherents and transactions run, and the
//! checks that make an imported block valid.
//!
//! ```text
//! initialize_block(header)   System::initialize, runtime upgrade hooks, on_initialize
//! apply_extrinsic(xt) * n    decode, check (signature, extensions), dispatch in a storage
//!                            transaction, settle the fee, record the outcome event
//! finalize_block()           on_finalize hooks, System::finalize -> header
//! execute_block(block)       all of the above, then compare state and extrinsics roots
//! ```
//!
//! An invalid imported block (bad root, failed inherent, invalid transaction) panics:
//! in Wasm that traps and the node rejects the block; nothing it wrote is kept.

use crate::extensions::{self, Mode};
use crate::{Extrinsic, Runtime, RuntimeCall};
use alloc::vec::Vec;
use codec::{Decode, Encode};
use lattice_primitives::{
    ApplyExtrinsicResult, Block, DispatchClass, Header, InherentData, InvalidTransaction,
    TransactionSource, TransactionValidity, TransactionValidityError, UnknownTransaction, H256,
};
use lattice_support::dispatch::{Dispatchable, GetDispatchInfo, Origin};
use lattice_support::traits::Hooks;

type System = pallet_system::Pallet<Runtime>;

/// Runs `$method` of every pallet's hooks, in pallet-index order.
macro_rules! for_each_pallet {
    ($method:ident ( $($arg:expr),* )) => {{
        let mut weight = lattice_primitives::Weight::ZERO;
        weight = weight.saturating_add(hook_weight(<pallet_system::Pallet<Runtime> as Hooks>::$method($($arg),*)));
        weight = weight.saturating_add(hook_weight(<pallet_timestamp::Pallet<Runtime> as Hooks>::$method($($arg),*)));
        weight = weight.saturating_add(hook_weight(<pallet_aura::Pallet<Runtime> as Hooks>::$method($($arg),*)));
        // Session before GRANDPA: a set change scheduled in session's `on_finalize` is
        // then enacted by GRANDPA's in the same block. Staking after Aura: it reads the
        // block's slot.
        weight = weight.saturating_add(hook_weight(<pallet_session::Pallet<Runtime> as Hooks>::$method($($arg),*)));
        weight = weight.saturating_add(hook_weight(<pallet_staking::Pallet<Runtime> as Hooks>::$method($($arg),*)));
        weight = weight.saturating_add(hook_weight(<pallet_grandpa::Pallet<Runtime> as Hooks>::$method($($arg),*)));
        weight = weight.saturating_add(hook_weight(<pallet_balances::Pallet<Runtime> as Hooks>::$method($($arg),*)));
        weight = weight.saturating_add(hook_weight(<pallet_transaction_payment::Pallet<Runtime> as Hooks>::$method($($arg),*)));
        weight = weight.saturating_add(hook_weight(<pallet_sudo::Pallet<Runtime> as Hooks>::$method($($arg),*)));
        weight = weight.saturating_add(hook_weight(<pallet_utility::Pallet<Runtime> as Hooks>::$method($($arg),*)));
        weight
    }};
}

/// Hooks return a weight or nothing; both count.
trait HookWeight {
    fn weight(self) -> lattice_primitives::Weight;
}
impl HookWeight for lattice_primitives::Weight {
    fn weight(self) -> lattice_primitives::Weight {
        self
    }
}
impl HookWeight for () {
    fn weight(self) -> lattice_primitives::Weight {
        lattice_primitives::Weight::ZERO
    }
}
fn hook_weight(w: impl HookWeight) -> lattice_primitives::Weight {
    w.weight()
}

/// Starts a block: `Core_initialize_block`.
pub fn initialize_block(header: &Header) {
    // Only the author's pre-runtime items are input; the runtime adds its own items again
    // while executing (as Substrate does), and `execute_block` compares the result.
    let digest = lattice_primitives::Digest {
        logs: header
            .digest
            .logs
            .iter()
            .filter(|item| matches!(item, lattice_primitives::DigestItem::PreRuntime(..)))
            .cloned()
            .collect(),
    };
    System::initialize(header.number, header.parent_hash, digest);
    if System::note_runtime_upgrade() {
        let w = for_each_pallet!(on_runtime_upgrade());
        note_mandatory_weight(w);
    }
    let w = for_each_pallet!(on_initialize(header.number));
    let base = <Runtime as pallet_system::Config>::BLOCK_WEIGHTS.base_block;
    note_mandatory_weight(w.saturating_add(base));
    System::note_finished_initialize();
}

fn note_mandatory_weight(w: lattice_primitives::Weight) {
    pallet_system::BlockWeight::mutate(|used| {
        used.mandatory = used.mandatory.saturating_add(w);
    });
}

/// Applies one encoded extrinsic: `BlockBuilder_apply_extrinsic`.
///
/// `Err` means the extrinsic must not be in the block, and nothing was written.
/// `Ok(Err(_))` means it is included but its call failed: its writes were rolled back,
/// its fee paid.
pub fn apply_extrinsic(encoded: Vec<u8>) -> ApplyExtrinsicResult {
    let xt = decode_extrinsic(&encoded)?;
    apply_decoded(xt, encoded)
}

/// [`apply_extrinsic`] for an extrinsic already decoded from `encoded`.
fn apply_decoded(xt: Extrinsic, encoded: Vec<u8>) -> ApplyExtrinsicResult {
    let len = encoded.len() as u32;
    let info = xt.function.get_dispatch_info();

    let (origin, checked) = match &xt.signature {
        Some(parts) => {
            if info.class == DispatchClass::Mandatory {
                return Err(InvalidTransaction::BadMandatory.into());
            }
            let who = parts.address.account().ok_or(UnknownTransaction::CannotLookup)?;
            verify_signature(&xt, &who)?;
            let (checked, _) = lattice_support::storage::with_transaction(|| {
                extensions::check_signed(who, &parts.extra, &info, len, Mode::Apply)
            })?;
            (Origin::Signed(who), Some(checked))
        }
        None => {
            if xt.function.is_inherent() {
                if info.class != DispatchClass::Mandatory {
                    return Err(InvalidTransaction::BadMandatory.into());
                }
            } else {
                // An unsigned transaction (an equivocation report): valid only if its
                // pallet says so against this block's state.
                xt.function.validate_unsigned()?;
            }
            extensions::note_block_usage(&info, len);
            (Origin::None, None)
        }
    };

    let is_inherent = xt.function.is_inherent();
    let outcome = lattice_support::storage::with_transaction(|| xt.function.dispatch(origin));
    if is_inherent && outcome.is_err() {
        // A failed inherent makes the block invalid.
        return Err(InvalidTransaction::BadMandatory.into());
    }

    if let Some(checked) = checked {
        pallet_transaction_payment::Pallet::<Runtime>::settle_fee(
            &checked.who,
            checked.fee,
            checked.fee,
            checked.tip,
        );
    }
    System::note_applied_extrinsic(encoded, &outcome, info);
    Ok(outcome)
}

/// Decodes exactly one extrinsic from `encoded`; anything else is `InvalidTransaction::Call`.
fn decode_extrinsic(encoded: &[u8]) -> Result<Extrinsic, TransactionValidityError> {
    let mut input = encoded;
    let xt = Extrinsic::decode(&mut input).map_err(|_| InvalidTransaction::Call)?;
    if !input.is_empty() {
        return Err(InvalidTransaction::Call.into());
    }
    Ok(xt)
}

/// The bytes the signer of `xt` signed, on the current chain.
fn signing_payload(xt: &Extrinsic) -> Result<Vec<u8>, TransactionValidityError> {
    let parts = xt.signature.as_ref().ok_or(InvalidTransaction::BadProof)?;
    let implicit = extensions::implicit(&parts.extra)?;
    Ok(lattice_primitives::extrinsic::signing_payload(
        &xt.function,
        &parts.extra,
        &implicit,
        lattice_io::hashing::blake2_256,
    ))
}

/// Checks the signature of a signed extrinsic against its signing payload.
fn verify_signature(
    xt: &Extrinsic,
    who: &lattice_primitives::AccountId32,
) -> Result<(), TransactionValidityError> {
    let parts = xt.signature.as_ref().ok_or(InvalidTransaction::BadProof)?;
    let payload = signing_payload(xt)?;
    if parts.signature.verify(&payload, who, &HostVerifier) {
        Ok(())
    } else {
        Err(InvalidTransaction::BadProof.into())
    }
}

/// Signature checks through the host functions.
struct HostVerifier;

impl lattice_primitives::SignatureVerifier for HostVerifier {
    fn sr25519_verify(&self, sig: &[u8; 64], msg: &[u8], public: &[u8; 32]) -> bool {
        lattice_io::crypto::sr25519_verify(sig, msg, public)
    }
    fn ed25519_verify(&self, sig: &[u8; 64], msg: &[u8], public: &[u8; 32]) -> bool {
        lattice_io::crypto::ed25519_verify(sig, msg, public)
    }
}

/// Ends a block and returns its header: `BlockBuilder_finalize_block`.
pub fn finalize_block() -> Header {
    System::note_finished_extrinsics();
    let n = pallet_system::Number::get();
    for_each_pallet!(on_finalize(n));
    System::finalize()
}

/// Executes a whole block and checks it against its header: `Core_execute_block`.
///
/// # Panics
/// When the block is invalid: an inherent after a transaction, an extrinsic that cannot
/// be applied, or a header whose roots differ from the computed ones. The executor turns
/// the panic into an error and the node rejects the block.
pub fn execute_block(block: Block) {
    let Block { header, extrinsics } = block;
    initialize_block(&header);
    // Each extrinsic is decoded once, with its length prefix as it was signed.
    let decoded: Vec<(Extrinsic, Vec<u8>)> = extrinsics
        .into_iter()
        .enumerate()
        .map(|(i, xt)| {
            let bytes = xt.encode();
            match decode_extrinsic(&bytes) {
                Ok(xt) => (xt, bytes),
                Err(e) => panic!("invalid block: extrinsic {i} does not decode: {e:?}"),
            }
        })
        .collect();
    prefetch_signatures(decoded.iter().map(|(xt, _)| xt));
    let mut signed_seen = false;
    for (i, (xt, bytes)) in decoded.into_iter().enumerate() {
        let is_inherent = xt.signature.is_none() && xt.function.is_inherent();
        if is_inherent && signed_seen {
            panic!("invalid block: inherent at index {i} after a transaction");
        }
        signed_seen |= !is_inherent;
        match apply_decoded(xt, bytes) {
            Ok(_) => {}
            Err(e) => panic!("invalid block: extrinsic {i} cannot be applied: {e:?}"),
        }
    }
    let computed = finalize_block();
    if computed.digest != header.digest {
        panic!("invalid block: digest differs from the computed one");
    }
    if computed.extrinsics_root != header.extrinsics_root {
        panic!("invalid block: extrinsics root mismatch");
    }
    if computed.state_root != header.state_root {
        panic!("invalid block: state root mismatch");
    }
}

/// Announces the sr25519 signatures of a block's transactions to the host, which may
/// verify them in parallel batches ahead of `apply_extrinsic`'s one-by-one checks (those
/// checks still decide). Extrinsics whose implicit data cannot be formed are left out:
/// applying them fails anyway.
fn prefetch_signatures<'a>(extrinsics: impl Iterator<Item = &'a Extrinsic>) {
    let checks: Vec<([u8; 64], Vec<u8>, [u8; 32])> = extrinsics
        .filter_map(|xt| {
            let parts = xt.signature.as_ref()?;
            let lattice_primitives::MultiSignature::Sr25519(sig) = parts.signature else {
                return None;
            };
            let who = parts.address.account()?;
            Some((sig, signing_payload(xt).ok()?, who.0))
        })
        .collect();
    if !checks.is_empty() {
        lattice_io::crypto::sr25519_verify_prefetch(&checks);
    }
}

/// Validates a transaction for the pool: `TaggedTransactionQueue_validate_transaction`.
///
/// Runs on the state of `block_hash` as if building its child, and writes nothing that
/// outlives the call (the node discards the call's changes).
pub fn validate_transaction(
    source: TransactionSource,
    encoded: Vec<u8>,
    block_hash: H256,
) -> TransactionValidity {
    let _ = source;
    let number = pallet_system::Number::get().saturating_add(1);
    System::initialize(number, block_hash, Default::default());
    let xt = decode_extrinsic(&encoded)?;
    let len = encoded.len() as u32;
    let info = xt.function.get_dispatch_info();
    if info.class == DispatchClass::Mandatory {
        return Err(InvalidTransaction::MandatoryValidation.into());
    }
    let Some(parts) = &xt.signature else {
        if xt.function.is_inherent() {
            return Err(UnknownTransaction::NoUnsignedValidator.into());
        }
        return xt.function.validate_unsigned();
    };
    let who = parts.address.account().ok_or(UnknownTransaction::CannotLookup)?;
    verify_signature(&xt, &who)?;
    let (_, valid) = extensions::check_signed(who, &parts.extra, &info, len, Mode::Validate)?;
    Ok(valid)
}

/// The inherents the block author puts first: `BlockBuilder_inherent_extrinsics`.
pub fn inherent_extrinsics(data: &InherentData) -> Vec<Extrinsic> {
    pallet_timestamp::Pallet::<Runtime>::create_inherent(data)
        .map(|call| Extrinsic::new_unsigned(RuntimeCall::Timestamp(call)))
        .into_iter()
        .collect()
}

/// Checks a block's inherents against the importer's data: `BlockBuilder_check_inherents`.
pub fn check_inherents(
    block: &Block,
    data: &InherentData,
) -> lattice_primitives::CheckInherentsResult {
    let mut result = lattice_primitives::CheckInherentsResult { okay: true, ..Default::default() };
    for xt in &block.extrinsics {
        let Ok(xt) = Extrinsic::decode(&mut &xt.encode()[..]) else { continue };
        if xt.signature.is_some() {
            break;
        }
        if let RuntimeCall::Timestamp(call) = &xt.function {
            if let Err(e) = pallet_timestamp::Pallet::<Runtime>::check_inherent(call, data) {
                result.okay = false;
                result.fatal_error = true;
                result.errors.put(lattice_primitives::inherent::TIMESTAMP_INHERENT, &e);
            }
        }
    }
    result
}

/// Checks every pallet's invariants (tests run this after every block).
pub fn try_state() -> Result<(), &'static str> {
    let n = pallet_system::Number::get();
    <pallet_system::Pallet<Runtime> as Hooks>::try_state(n)?;
    <pallet_timestamp::Pallet<Runtime> as Hooks>::try_state(n)?;
    <pallet_aura::Pallet<Runtime> as Hooks>::try_state(n)?;
    <pallet_balances::Pallet<Runtime> as Hooks>::try_state(n)?;
    <pallet_transaction_payment::Pallet<Runtime> as Hooks>::try_state(n)?;
    <pallet_grandpa::Pallet<Runtime> as Hooks>::try_state(n)?;
    <pallet_session::Pallet<Runtime> as Hooks>::try_state(n)?;
    <pallet_staking::Pallet<Runtime> as Hooks>::try_state(n)?;
    Ok(())
}
