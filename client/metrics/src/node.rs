//! [`NodeMetrics`], the node-wide metrics under Substrate's names.

use std::time::Duration;

use prometheus::core::Collector;
use prometheus::{Histogram, HistogramOpts, IntGauge, IntGaugeVec, Opts};

use crate::process::{saturating_i64, ProcessCollector};
use crate::{MetricsRegistry, Result};

/// What `substrate_build_info` reports: which binary, which version, which chain.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BuildInfo {
    /// The node implementation's name, e.g. `lattice`.
    pub name: String,
    /// The node's version, e.g. `0.1.0-3f2a9c1`.
    pub version: String,
    /// The chain's name from its chain spec.
    pub chain: String,
}

/// The node-wide metrics, named as Substrate names them so that existing dashboards and
/// alerts work unchanged.
///
/// Handles are cheap clones of shared atomics: clone a `NodeMetrics` into each task that
/// updates it. Setters take `u64` and saturate at `i64::MAX`, Prometheus's integer range.
#[derive(Clone, Debug)]
pub struct NodeMetrics {
    block_height: IntGaugeVec,
    ready_transactions: IntGauge,
    import_time: Histogram,
    proposal_time: Histogram,
    proposal_transactions: Histogram,
    node_roles: IntGauge,
    peers: IntGauge,
    leaves: IntGauge,
    grandpa_round: IntGauge,
}

impl NodeMetrics {
    /// Creates the metrics, registers them together with the process metrics in
    /// `registry`, and sets `substrate_build_info` from `build_info`.
    ///
    /// The three `substrate_block_height` series start at 0; a `sync_target` of 0 means
    /// no target is known.
    ///
    /// Fails with [`Error::Prometheus`](crate::Error::Prometheus) if `registry` already
    /// holds one of these names, e.g. when called twice on the same registry; then none of
    /// them is registered.
    pub fn register(registry: &MetricsRegistry, build_info: &BuildInfo) -> Result<Self> {
        let registry = registry.registry();

        let block_height = IntGaugeVec::new(
            Opts::new("substrate_block_height", "Block height info of the chain"),
            &["status"],
        )?;
        for status in ["best", "finalized", "sync_target"] {
            block_height.with_label_values(&[status]).set(0);
        }
        let ready_transactions = IntGauge::new(
            "substrate_ready_transactions_number",
            "Number of transactions in the ready queue",
        )?;
        let import_time = Histogram::with_opts(HistogramOpts::new(
            "substrate_block_verification_and_import_time",
            "Time taken to verify and import blocks",
        ))?;
        let proposal_time = Histogram::with_opts(HistogramOpts::new(
            "substrate_proposer_block_constructed",
            "Histogram of time taken to construct new block",
        ))?;
        // Counts, not seconds: the default buckets (5 ms to 10 s) would put every block
        // in the last bucket.
        let proposal_transactions = Histogram::with_opts(
            HistogramOpts::new(
                "substrate_proposer_number_of_transactions",
                "Number of transactions included in block",
            )
            .buckets(vec![
                0.0, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0, 2000.0, 5000.0,
                10000.0,
            ]),
        )?;
        let build_info_gauge = IntGaugeVec::new(
            Opts::new(
                "substrate_build_info",
                "A metric with a constant '1' value labeled by name, version",
            ),
            &["name", "version", "chain"],
        )?;
        build_info_gauge
            .with_label_values(&[&build_info.name, &build_info.version, &build_info.chain])
            .set(1);
        let node_roles = IntGauge::new(
            "substrate_node_roles",
            "The roles the node is running as (4 = authority, 1 = full)",
        )?;
        let peers = IntGauge::new("substrate_sub_libp2p_peers_count", "Number of connected peers")?;
        let leaves = IntGauge::new("substrate_number_leaves", "Number of known chain leaves")?;
        let grandpa_round =
            IntGauge::new("substrate_finality_grandpa_round", "Highest completed GRANDPA round.")?;

        // All or nothing: a clash half-way must not leave the first metrics registered,
        // or a retry would clash on those.
        let collectors = || -> Vec<Box<dyn Collector>> {
            vec![
                Box::new(block_height.clone()),
                Box::new(ready_transactions.clone()),
                Box::new(import_time.clone()),
                Box::new(proposal_time.clone()),
                Box::new(proposal_transactions.clone()),
                Box::new(build_info_gauge.clone()),
                Box::new(node_roles.clone()),
                Box::new(peers.clone()),
                Box::new(leaves.clone()),
                Box::new(grandpa_round.clone()),
            ]
        };
        let mut registered = 0;
        let outcome = collectors()
            .into_iter()
            .chain([Box::new(ProcessCollector::new()?) as Box<dyn Collector>])
            .try_for_each(|collector| {
                registry.register(collector)?;
                registered += 1;
                Ok::<_, prometheus::Error>(())
            });
        if let Err(error) = outcome {
            // The process collector comes last, so whatever was registered is in
            // `collectors()`; unregistering matches by descriptor, not by instance.
            for collector in collectors().into_iter().take(registered) {
                let _ = registry.unregister(collector);
            }
            return Err(error.into());
        }

        Ok(Self {
            block_height,
            ready_transactions,
            import_time,
            proposal_time,
            proposal_transactions,
            node_roles,
            peers,
            leaves,
            grandpa_round,
        })
    }

    /// Sets `substrate_block_height{status="best"}`.
    pub fn set_best(&self, number: u64) {
        self.block_height.with_label_values(&["best"]).set(saturating_i64(number));
    }

    /// Sets `substrate_block_height{status="finalized"}`.
    pub fn set_finalized(&self, number: u64) {
        self.block_height.with_label_values(&["finalized"]).set(saturating_i64(number));
    }

    /// Sets `substrate_block_height{status="sync_target"}`, the best block a peer claims.
    pub fn set_sync_target(&self, number: u64) {
        self.block_height.with_label_values(&["sync_target"]).set(saturating_i64(number));
    }

    /// Sets `substrate_ready_transactions_number`.
    pub fn set_ready_transactions(&self, count: u64) {
        self.ready_transactions.set(saturating_i64(count));
    }

    /// Records one block's verification and import time in
    /// `substrate_block_verification_and_import_time`.
    pub fn observe_import(&self, duration: Duration) {
        self.import_time.observe(duration.as_secs_f64());
    }

    /// Records the time one block proposal took in `substrate_proposer_block_constructed`.
    pub fn observe_proposal(&self, duration: Duration) {
        self.proposal_time.observe(duration.as_secs_f64());
    }

    /// Records how many transactions a proposed block holds in
    /// `substrate_proposer_number_of_transactions`.
    pub fn observe_proposal_transactions(&self, count: usize) {
        self.proposal_transactions.observe(count as f64);
    }

    /// Sets `substrate_node_roles`: 4 for an authority, 1 for a full node.
    pub fn set_roles(&self, roles: u64) {
        self.node_roles.set(saturating_i64(roles));
    }

    /// Sets `substrate_sub_libp2p_peers_count`.
    pub fn set_peers(&self, peers: u64) {
        self.peers.set(saturating_i64(peers));
    }

    /// Sets `substrate_number_leaves`, the number of chain heads known.
    pub fn set_leaves(&self, leaves: u64) {
        self.leaves.set(saturating_i64(leaves));
    }

    /// Sets `substrate_finality_grandpa_round`.
    pub fn set_grandpa_round(&self, round: u64) {
        self.grandpa_round.set(saturating_i64(round));
    }
}
