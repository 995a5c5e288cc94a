//! Blocks from outside this node: the checks each one passes before import.
//!
//! [`import_peer_block`] is the one door for a block a peer sent (or a simulated peer):
//! the parent must be known, the Aura seal must be the slot author's and not from the
//! future, a second block in a slot is noted for an equivocation report, and a GRANDPA
//! justification that came with it must prove it with the authority set of its parent,
//! in which case it is imported as finalized in the same write.

use crate::aura;
use crate::grandpa::{authority_set, GrandpaJustification};
use crate::report::SlotWatch;
use lattice_chain::{BlockOrigin, Client, ImportParams};
use lattice_primitives::header::GRANDPA_ENGINE_ID;
use lattice_primitives::{Block, H256};

/// Why a block from outside was not imported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PeerBlockError {
    /// Its parent is not known here (the sender is on a fork below it): fetch the
    /// ancestry, then try again.
    UnknownParent(H256),
    /// It fails a check or the import: the sender sent a bad block.
    Bad(String),
}

/// Checks and imports `block` with the justifications that came with it. `now_slot` is
/// the current slot (a seal of a later slot beyond [`aura::MAX_SLOT_DRIFT`] is refused).
/// A block already known is `Ok` without work.
pub fn import_peer_block(
    client: &Client,
    watch: &mut SlotWatch,
    block: Block,
    justifications: Option<Vec<([u8; 4], Vec<u8>)>>,
    now_slot: u64,
    origin: BlockOrigin,
) -> Result<(), PeerBlockError> {
    let header = &block.header;
    let hash = header.hash();
    let number = header.number;
    if matches!(client.header(&hash), Ok(Some(_))) {
        return Ok(());
    }
    if !matches!(client.header(&header.parent_hash), Ok(Some(_))) {
        return Err(PeerBlockError::UnknownParent(header.parent_hash));
    }
    if let Err(e) = aura::verify_seal(client, header, now_slot) {
        return Err(PeerBlockError::Bad(format!("block #{number} ({hash:?}): {e}")));
    }
    watch.note(header);
    let grandpa = justifications
        .unwrap_or_default()
        .into_iter()
        .find(|(engine, _)| *engine == GRANDPA_ENGINE_ID);
    let mut finalize = false;
    if let Some((_, proof)) = &grandpa {
        match authority_set(client, &header.parent_hash) {
            Ok((voters, set_id)) => {
                if let Err(e) = GrandpaJustification::verify(proof, hash, number, set_id, &voters) {
                    return Err(PeerBlockError::Bad(e.to_string()));
                }
                finalize = number > client.info().finalized_number;
            }
            Err(e) => {
                tracing::warn!(target: "sync", "cannot read the authority set: {e}");
            }
        }
    }
    client
        .import_block(ImportParams {
            block,
            justification: grandpa.filter(|_| finalize),
            origin,
            finalize,
        })
        .map(|_| ())
        .map_err(|e| PeerBlockError::Bad(format!("block #{number} ({hash:?}): {e}")))
}
