//! Integration tests of the node database, one module per concern.

mod atomic;
mod common;
mod corruption;
mod crash;
mod forks;
mod lock;
mod pruning;
mod state;
mod warp;
