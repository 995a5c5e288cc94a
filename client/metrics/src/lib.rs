//! Prometheus metrics of the Lattice node, the HTTP endpoint that serves them and the
//! informant that logs the node's status line.
//!
//! ## Bird's-eye view
//!
//! ```text
//!  import, txpool, proposer, network, GRANDPA ── NodeMetrics::set_* / observe_* ─┐
//!                                                                                ▼
//!  Prometheus ── GET /metrics ──▶ serve (one task per connection) ──▶ MetricsRegistry
//!                                                  gather_text() ◀─ /proc/self (process_*)
//!
//!  run_informant (every few seconds) ── snapshot() ──▶ informant_line ──▶ tracing (target "informant")
//! ```
//!
//! - [`MetricsRegistry`] is the set of metrics one endpoint serves; clones share it.
//!   Subsystems with metrics of their own register them in
//!   [`MetricsRegistry::registry`].
//! - [`NodeMetrics`] holds the node-wide metrics under Substrate's names
//!   (`substrate_block_height{status=...}`, `substrate_ready_transactions_number`, ...),
//!   so existing dashboards work, plus the `process_*` metrics read from `/proc/self` at
//!   each scrape (Linux only; elsewhere they are absent). Updating a metric is an atomic
//!   store: call the setters from any task.
//! - [`bind`] then [`serve`] run the endpoint: `GET /metrics` in the text format, 404
//!   elsewhere, until a shutdown future resolves. Binding apart lets the node fail at
//!   startup with [`Error::Bind`] when the port is taken.
//! - [`run_informant`] logs [`informant_line`] periodically; the line is a pure
//!   function of two snapshots, so its format is tested without a clock.
//!
//! The crate knows nothing of blocks or the chain: the node pushes numbers in and pulls
//! snapshots for the informant.
//!
//! ## Example
//!
//! ```
//! use lattice_metrics::{BuildInfo, MetricsRegistry, NodeMetrics};
//!
//! let registry = MetricsRegistry::new();
//! let build = BuildInfo { name: "lattice".into(), version: "0.1.0".into(), chain: "dev".into() };
//! let metrics = NodeMetrics::register(&registry, &build)?;
//! metrics.set_best(5);
//!
//! let text = registry.gather_text();
//! assert!(text.contains(r#"substrate_block_height{status="best"} 5"#));
//! assert!(text.contains(r#"substrate_build_info{chain="dev",name="lattice",version="0.1.0"} 1"#));
//! # Ok::<(), lattice_metrics::Error>(())
//! ```
//!
//! Serving it (in an async context):
//!
//! ```no_run
//! # async fn run(registry: lattice_metrics::MetricsRegistry) -> lattice_metrics::Result<()> {
//! let listener = lattice_metrics::bind(([127, 0, 0, 1], 9615).into()).await?;
//! let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
//! let server = tokio::spawn(lattice_metrics::serve(listener, registry, async {
//!     let _ = stopped.await;
//! }));
//! // ... run the node ...
//! let _ = stop.send(());
//! # let _ = server.await;
//! # Ok(())
//! # }
//! ```
//!
//! ## Feature flags
//!
//! None.

mod error;
mod informant;
mod node;
mod process;
mod registry;
mod server;

pub use error::{Error, Result};
pub use informant::{informant_line, run_informant, InformantSnapshot};
pub use node::{BuildInfo, NodeMetrics};
pub use registry::MetricsRegistry;
pub use server::{bind, serve};
