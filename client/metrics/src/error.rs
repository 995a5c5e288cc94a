//! The error type of this crate.

use std::net::SocketAddr;

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong while registering metrics or starting their endpoint.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Creating or registering a metric failed: a metric of the same name is already in
    /// the registry (for example [`NodeMetrics::register`](crate::NodeMetrics::register)
    /// called twice on one registry), or a name or label is not a valid Prometheus
    /// identifier. Register each metric set once per registry.
    #[error("registering a metric failed: {0}")]
    Prometheus(#[from] prometheus::Error),
    /// Binding the metrics endpoint to `addr` failed, typically because another process
    /// (or another node on the same machine) already listens on the port, or the address
    /// is not local. Pick another port or stop the other listener.
    #[error("cannot bind the metrics endpoint to {addr}: {source}")]
    Bind {
        /// The address that could not be bound.
        addr: SocketAddr,
        /// The operating system's reason.
        #[source]
        source: std::io::Error,
    },
}
