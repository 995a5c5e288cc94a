//! The `lattice` binary as a process: restarts after SIGKILL, bad input on every surface.

mod bad_input;
mod bad_peer;
mod harness;
mod network;
mod offline;
mod restart;
mod staking;
