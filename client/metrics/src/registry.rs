//! [`MetricsRegistry`], the set of metrics one endpoint exposes.

use prometheus::TextEncoder;

/// The metrics of one node, as served by [`serve`](crate::serve).
///
/// A thin wrapper over [`prometheus::Registry`], which already keeps its state behind an
/// `Arc`: clones are cheap and all see the same metrics, so the node hands one clone to
/// each subsystem and one to the endpoint.
#[derive(Clone, Debug, Default)]
pub struct MetricsRegistry {
    inner: prometheus::Registry,
}

impl MetricsRegistry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// The underlying registry, for subsystems that register their own metrics.
    pub fn registry(&self) -> &prometheus::Registry {
        &self.inner
    }

    /// Every registered metric in the Prometheus text exposition format (version 0.0.4).
    ///
    /// Collectors run now, so process metrics are read from `/proc` at this call.
    pub fn gather_text(&self) -> String {
        let encoder = TextEncoder::new();
        let mut text = String::new();
        // Families are encoded one at a time so that one malformed family (which only a
        // third-party collector could produce: `gather` already drops empty ones) costs
        // that family and not the whole scrape.
        for family in self.inner.gather() {
            if let Err(error) = encoder.encode_utf8(std::slice::from_ref(&family), &mut text) {
                tracing::warn!(
                    target: "metrics",
                    family = family.name(),
                    %error,
                    "skipping a metric family that cannot be encoded"
                );
            }
        }
        text
    }
}
