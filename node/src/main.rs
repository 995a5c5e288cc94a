//! `lattice`: the Lattice node.
//!
//! Without a subcommand it runs a node (`lattice --dev` runs a development chain with
//! Alice authoring and finalizing); subcommands manage chain specs, keys and the
//! database. Flags and defaults follow Substrate's (`--rpc-port 9944`,
//! `--prometheus-port 9615`, `--base-path`, `--chain`, ...).

mod benchmark;
mod chain_spec;
mod cli;
mod command;
mod finality_bench;
mod key;
mod load;
mod sync_bench;
mod version;
mod warp_bench;

fn main() {
    let code = match command::run() {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("Error: {e}");
            1
        }
    };
    std::process::exit(code);
}
