//! The Wasm build's exports, panic handler and allocator.
//!
//! Every runtime-API entry point is an export `(ptr: i32, len: i32) -> i64` following
//! `lattice_io::abi`: the input is taken over from the allocator the host used, the output
//! is leaked to the host (each call runs in a fresh instance).

use alloc::vec::Vec;

#[global_allocator]
static ALLOCATOR: dlmalloc::GlobalDlmalloc = dlmalloc::GlobalDlmalloc;

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    let message = alloc::format!("{info}");
    lattice_io::misc::panic_message(&message);
    core::arch::wasm32::unreachable()
}

fn call(method: &str, ptr: i32, len: i32) -> i64 {
    let input: Vec<u8> = if len == 0 {
        Vec::new()
    } else {
        // SAFETY: the host allocated `len` bytes at `ptr` with `lattice_alloc` (alignment 1,
        // the global allocator) and wrote the arguments there; ownership passes to us.
        unsafe {
            Vec::from_raw_parts(ptr as u32 as *mut u8, len as u32 as usize, len as u32 as usize)
        }
    };
    let output = match crate::apis::dispatch(method, &input) {
        Ok(output) => output,
        Err(e) => panic!("runtime API {method}: {e:?} (input of {} bytes)", input.len()),
    };
    let packed = lattice_io::abi::pack(output.as_ptr() as u32, output.len() as u32);
    core::mem::forget(output);
    packed
}

macro_rules! exports {
    ($($name:ident),* $(,)?) => {
        $(
            #[no_mangle]
            #[allow(non_snake_case)]
            extern "C" fn $name(ptr: i32, len: i32) -> i64 {
                call(stringify!($name), ptr, len)
            }
        )*
    };
}

exports!(
    Core_version,
    Core_execute_block,
    Core_initialize_block,
    Metadata_metadata,
    Metadata_metadata_at_version,
    Metadata_metadata_versions,
    BlockBuilder_apply_extrinsic,
    BlockBuilder_finalize_block,
    BlockBuilder_inherent_extrinsics,
    BlockBuilder_check_inherents,
    TaggedTransactionQueue_validate_transaction,
    AccountNonceApi_account_nonce,
    TransactionPaymentApi_query_info,
    TransactionPaymentApi_query_fee_details,
    AuraApi_slot_duration,
    AuraApi_authorities,
    GrandpaApi_grandpa_authorities,
    GrandpaApi_current_set_id,
    GrandpaApi_generate_key_ownership_proof,
    GrandpaApi_submit_report_equivocation_unsigned_extrinsic,
    SessionKeys_generate_session_keys,
    SessionKeys_decode_session_keys,
    LatticeStakingApi_validators,
    LatticeStakingApi_delegations,
    LatticeStakingApi_rewards,
    LatticeStakingApi_unbonding,
    LatticeStakingApi_equivocation_report,
    LatticeStakingApi_block_equivocation_report,
    GenesisBuilder_build_state,
    GenesisBuilder_get_preset,
    GenesisBuilder_preset_names,
);
