//! The `lattice` binary as a process: restarts after SIGKILL, bad input on every surface.

mod bad_input;
mod harness;
mod offline;
mod restart;
