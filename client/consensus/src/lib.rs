//! Consensus of the Lattice node: Aura slot authoring and seal checks, and GRANDPA
//! finality through `finality-grandpa`'s voter.
//!
//! ## Bird's-eye view
//!
//! ```text
//!  slot timer ── aura::author_slot ── BlockBuilder (pool's ready queue, time budget)
//!                     │ seal (sr25519, keystore `aura`)
//!                     ▼
//!               Client::import_built ──▶ import notification ──▶ pool maintenance, RPC
//!
//!  grandpa::run_grandpa ── Voter (finality-grandpa) ◀── GrandpaEnvironment
//!        votes signed with the `gran` ed25519 key ──▶ GrandpaNetwork (local loop / peers)
//!        commit ──▶ GrandpaJustification ──▶ Client::finalize_block
//!
//!  network ── on_peer_connected / on_message ──▶ grandpa::gossip::GrandpaGossip
//!        (checks, dedupes, forwards votes and commits; neighbor packets; catch-up)
//!        ──▶ GossipTransport::send / report (bans on fatal Misbehaviour)
//! ```
//!
//! - Protocol code takes its clock as a parameter ([`grandpa::Sleep`], the slot given
//!   to [`aura::author_slot`]) so tests and simulations can drive time.
//! - The voter persists the last round it voted in, so a restart never votes twice in a
//!   round.
//! - A finalized block whose state names a new GRANDPA authority set ends the voter; the
//!   next set's voter starts from that block. Double votes land in an
//!   [`grandpa::EquivocationLog`] for reporting.
//! - Blocks from peers go through [`import::import_peer_block`]: parent known, seal
//!   checked with [`aura::verify_seal`], a second block of a slot noted for a report,
//!   a justification that came with it checked with
//!   [`grandpa::GrandpaJustification::verify`].
//!
//! ## Example
//!
//! ```no_run
//! # fn example(client: &lattice_chain::Client,
//! #            pool: &lattice_txpool::Pool<lattice_chain::FullChainApi>,
//! #            keystore: &lattice_keystore::LocalKeystore) -> lattice_consensus::Result<()> {
//! use lattice_consensus::aura::{author_slot, slot_at, ProposalLimits};
//! use std::time::Duration;
//!
//! let now_ms = 1_700_000_000_000;
//! let slot = slot_at(now_ms, 2000);
//! let limits = ProposalLimits::for_slot(Duration::from_secs(2));
//! if let Some(proposal) = author_slot(client, pool, keystore, slot, now_ms, limits)? {
//!     println!("authored #{} with {} transactions", proposal.number, proposal.transactions);
//! }
//! # Ok(()) }
//! ```
//!
//! ## Feature flags
//!
//! None.

pub mod aura;
mod error;
pub mod grandpa;
pub mod import;
pub mod report;

pub use error::{Error, Result};
