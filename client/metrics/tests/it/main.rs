//! Integration tests of `lattice-metrics`, one module per topic.

mod informant;
mod metrics;
mod server;
