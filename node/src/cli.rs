//! The command line: Substrate's flags and subcommands.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// The Lattice node.
#[derive(Debug, Parser)]
#[command(name = "lattice", version = crate::version::impl_version(), about = "The Lattice node", long_about = None)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) subcommand: Option<Command>,
    #[command(flatten)]
    pub(crate) run: RunCmd,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Print a chain spec as JSON.
    BuildSpec(BuildSpecCmd),
    /// Write a chain spec as JSON to stdout or a file.
    ExportChainSpec(ExportChainSpecCmd),
    /// Key management: generate, inspect and insert keys; node keys.
    #[command(subcommand)]
    Key(KeyCmd),
    /// Remove the chain's database.
    PurgeChain(PurgeChainCmd),
    /// Write blocks of the chain to a file (SCALE, with justifications).
    ExportBlocks(ExportBlocksCmd),
    /// Import blocks from a file written by `export-blocks`.
    ImportBlocks(ImportBlocksCmd),
    /// Remove the top unfinalized blocks.
    Revert(RevertCmd),
    /// Benchmarks.
    #[command(subcommand)]
    Benchmark(BenchmarkCmd),
}

/// Which chain and where its data lives.
#[derive(Debug, Clone, Args)]
pub(crate) struct SharedParams {
    /// The chain: `dev`, `local`, or the path of a chain spec JSON file.
    #[arg(long, value_name = "CHAIN_SPEC")]
    pub(crate) chain: Option<String>,
    /// The development chain (`--chain dev`; for `run` also `--alice --validator --tmp
    /// --rpc-cors all` unless given otherwise).
    #[arg(long)]
    pub(crate) dev: bool,
    /// Where the node keeps its data (default `~/.local/share/lattice`).
    #[arg(long, short = 'd', value_name = "PATH")]
    pub(crate) base_path: Option<PathBuf>,
    /// Log filter, e.g. `info,aura=debug` (also `RUST_LOG`).
    #[arg(long, short = 'l', value_name = "LOG_PATTERN", num_args = 1..)]
    pub(crate) log: Vec<String>,
}

/// `--rpc-methods`.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub(crate) enum RpcMethodsArg {
    /// Unsafe methods only when listening on loopback.
    Auto,
    /// Only safe methods.
    Safe,
    /// All methods.
    Unsafe,
}

/// `--sync`.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq, Default)]
pub(crate) enum SyncArg {
    /// Download and execute every block from genesis.
    #[default]
    Full,
    /// Download the finalized state proven by GRANDPA justifications, then the blocks
    /// after it (only on a fresh database).
    Warp,
}

/// Running the node.
#[derive(Debug, Clone, Args)]
pub(crate) struct RunCmd {
    #[command(flatten)]
    pub(crate) shared: SharedParams,
    /// Use a temporary base path, removed when the node stops.
    #[arg(long)]
    pub(crate) tmp: bool,
    /// The node's human-readable name.
    #[arg(long, value_name = "NAME")]
    pub(crate) name: Option<String>,
    /// Author blocks and vote in finality with the keys of the keystore.
    #[arg(long)]
    pub(crate) validator: bool,
    /// Use `//Alice`'s keys and be a validator.
    #[arg(long, conflicts_with_all = ["bob", "charlie", "dave", "eve", "ferdie"])]
    pub(crate) alice: bool,
    /// Use `//Bob`'s keys and be a validator.
    #[arg(long, conflicts_with_all = ["charlie", "dave", "eve", "ferdie"])]
    pub(crate) bob: bool,
    /// Use `//Charlie`'s keys and be a validator.
    #[arg(long, conflicts_with_all = ["dave", "eve", "ferdie"])]
    pub(crate) charlie: bool,
    /// Use `//Dave`'s keys and be a validator.
    #[arg(long, conflicts_with_all = ["eve", "ferdie"])]
    pub(crate) dave: bool,
    /// Use `//Eve`'s keys and be a validator.
    #[arg(long, conflicts_with_all = ["ferdie"])]
    pub(crate) eve: bool,
    /// Use `//Ferdie`'s keys and be a validator.
    #[arg(long)]
    pub(crate) ferdie: bool,
    /// JSON-RPC port (HTTP and WebSocket).
    #[arg(long, value_name = "PORT", default_value_t = 9944)]
    pub(crate) rpc_port: u16,
    /// Listen for RPC on all interfaces (unsafe methods then need `--rpc-methods unsafe`).
    #[arg(long)]
    pub(crate) rpc_external: bool,
    /// Listen for RPC on all interfaces with every method exposed.
    #[arg(long)]
    pub(crate) unsafe_rpc_external: bool,
    /// Which RPC methods to expose.
    #[arg(long, value_enum, default_value_t = RpcMethodsArg::Auto, ignore_case = true)]
    pub(crate) rpc_methods: RpcMethodsArg,
    /// Browser origins allowed to call the RPC: `all`, or a comma-separated list.
    #[arg(long, value_name = "ORIGINS")]
    pub(crate) rpc_cors: Option<String>,
    /// Most RPC connections at once.
    #[arg(long, default_value_t = 100)]
    pub(crate) rpc_max_connections: u32,
    /// Largest RPC request, in MiB.
    #[arg(long, default_value_t = 15)]
    pub(crate) rpc_max_request_size: u32,
    /// Largest RPC response, in MiB.
    #[arg(long, default_value_t = 15)]
    pub(crate) rpc_max_response_size: u32,
    /// Most subscriptions per RPC connection.
    #[arg(long, default_value_t = 1024)]
    pub(crate) rpc_max_subscriptions_per_connection: u32,
    /// Longest RPC batch (0 refuses batches).
    #[arg(long, default_value_t = 256)]
    pub(crate) rpc_max_batch_request_len: u32,
    /// Peer-to-peer TCP port (default 30333), on all interfaces unless `--listen-addr`.
    #[arg(long, value_name = "PORT")]
    pub(crate) port: Option<u16>,
    /// Peer-to-peer listening multiaddresses, e.g. `/ip4/127.0.0.1/tcp/30333`.
    #[arg(long, value_name = "LISTEN_ADDR")]
    pub(crate) listen_addr: Vec<String>,
    /// Addresses others reach this node at (announced to peers).
    #[arg(long, value_name = "PUBLIC_ADDR")]
    pub(crate) public_addr: Vec<String>,
    /// Nodes to discover the network from, each `<multiaddr>/p2p/<peer id>` (added to
    /// the chain spec's).
    #[arg(long, value_name = "ADDR", num_args = 1..)]
    pub(crate) bootnodes: Vec<String>,
    /// Nodes to stay connected to, each `<multiaddr>/p2p/<peer id>`.
    #[arg(long, value_name = "ADDR", num_args = 1..)]
    pub(crate) reserved_nodes: Vec<String>,
    /// Connect only to reserved nodes.
    #[arg(long)]
    pub(crate) reserved_only: bool,
    /// Most peers that dialed in.
    #[arg(long, value_name = "COUNT", default_value_t = 32)]
    pub(crate) in_peers: usize,
    /// Most peers this node dials.
    #[arg(long, value_name = "COUNT", default_value_t = 8)]
    pub(crate) out_peers: usize,
    /// The node's ed25519 secret key, 64 hex characters (the peer id derives from it).
    #[arg(long, value_name = "KEY", conflicts_with = "node_key_file")]
    pub(crate) node_key: Option<String>,
    /// A file holding the node key (default `<chain>/network/secret_ed25519`, created
    /// when missing).
    #[arg(long, value_name = "FILE")]
    pub(crate) node_key_file: Option<PathBuf>,
    /// Do not find peers on the local network with mDNS (off anyway with `--dev`).
    #[arg(long)]
    pub(crate) no_mdns: bool,
    /// Allow private and loopback addresses from discovery.
    #[arg(long)]
    pub(crate) discover_local: bool,
    /// How a fresh database catches up with the network.
    #[arg(long, value_enum, value_name = "MODE", default_value_t = SyncArg::Full)]
    pub(crate) sync: SyncArg,
    /// Prometheus port.
    #[arg(long, value_name = "PORT", default_value_t = 9615)]
    pub(crate) prometheus_port: u16,
    /// Expose Prometheus on all interfaces.
    #[arg(long)]
    pub(crate) prometheus_external: bool,
    /// Do not expose Prometheus metrics.
    #[arg(long)]
    pub(crate) no_prometheus: bool,
    /// State pruning: `archive` keeps every state, a number `N` the last N blocks'.
    #[arg(long, value_name = "PRUNING_MODE")]
    pub(crate) state_pruning: Option<String>,
    /// Most transactions in the pool's ready queue (the future queue holds a tenth).
    #[arg(long, value_name = "COUNT", default_value_t = 8192)]
    pub(crate) pool_limit: usize,
    /// Most kilobytes of transactions in the pool's ready queue (the future queue holds a
    /// tenth).
    #[arg(long, value_name = "COUNT", default_value_t = 20480)]
    pub(crate) pool_kbytes: usize,
}

/// `build-spec`.
#[derive(Debug, Clone, Args)]
pub(crate) struct BuildSpecCmd {
    #[command(flatten)]
    pub(crate) shared: SharedParams,
    /// The genesis as raw storage.
    #[arg(long)]
    pub(crate) raw: bool,
    /// Leave out the default boot nodes.
    #[arg(long)]
    pub(crate) disable_default_bootnode: bool,
}

/// `export-chain-spec`.
#[derive(Debug, Clone, Args)]
pub(crate) struct ExportChainSpecCmd {
    /// The chain: `dev`, `local`, or a chain spec file.
    #[arg(long, value_name = "CHAIN_SPEC", default_value = "local")]
    pub(crate) chain: String,
    /// The file to write (default stdout).
    #[arg(long, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
    /// The genesis as raw storage.
    #[arg(long)]
    pub(crate) raw: bool,
}

/// Key schemes.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub(crate) enum Scheme {
    /// Schnorrkel sr25519 (accounts, Aura).
    Sr25519,
    /// Ed25519 (GRANDPA).
    Ed25519,
}

/// `key` subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum KeyCmd {
    /// Generate a random key (a 12-word phrase).
    Generate {
        /// The key scheme.
        #[arg(long, value_enum, default_value_t = Scheme::Sr25519, ignore_case = true)]
        scheme: Scheme,
        /// Print JSON.
        #[arg(long, value_name = "FORMAT", default_value = "text")]
        output_type: String,
        /// SS58 address prefix.
        #[arg(long, default_value_t = 42)]
        network: u16,
    },
    /// Show the keys of a secret URI (phrase, hex seed or `//Alice`), or of a public key.
    Inspect {
        /// The secret URI, or with `--public` a public key (hex or SS58).
        uri: String,
        /// The key scheme.
        #[arg(long, value_enum, default_value_t = Scheme::Sr25519, ignore_case = true)]
        scheme: Scheme,
        /// `uri` is a public key.
        #[arg(long)]
        public: bool,
        /// Print JSON.
        #[arg(long, value_name = "FORMAT", default_value = "text")]
        output_type: String,
        /// SS58 address prefix.
        #[arg(long, default_value_t = 42)]
        network: u16,
    },
    /// Put a key into the node's keystore.
    Insert {
        #[command(flatten)]
        shared: SharedParams,
        /// The secret URI.
        #[arg(long)]
        suri: String,
        /// The key type: `aura`, `gran`, or any 4 characters.
        #[arg(long)]
        key_type: String,
        /// The key scheme.
        #[arg(long, value_enum, default_value_t = Scheme::Sr25519, ignore_case = true)]
        scheme: Scheme,
    },
    /// Generate a node (libp2p ed25519) key; prints the peer id.
    GenerateNodeKey {
        /// Write the secret key (hex) to this file instead of stdout.
        #[arg(long, value_name = "FILE")]
        file: Option<PathBuf>,
    },
    /// Print the peer id of a node key file.
    InspectNodeKey {
        /// The node key file (64 hex characters, or 32 raw bytes).
        #[arg(long, value_name = "FILE")]
        file: PathBuf,
    },
}

/// `purge-chain`.
#[derive(Debug, Clone, Args)]
pub(crate) struct PurgeChainCmd {
    #[command(flatten)]
    pub(crate) shared: SharedParams,
    /// Do not ask for confirmation.
    #[arg(short = 'y')]
    pub(crate) yes: bool,
}

/// `export-blocks`.
#[derive(Debug, Clone, Args)]
pub(crate) struct ExportBlocksCmd {
    #[command(flatten)]
    pub(crate) shared: SharedParams,
    /// The file to write.
    pub(crate) output: PathBuf,
    /// The first block.
    #[arg(long, default_value_t = 1)]
    pub(crate) from: u32,
    /// The last block (default the best block).
    #[arg(long)]
    pub(crate) to: Option<u32>,
}

/// `import-blocks`.
#[derive(Debug, Clone, Args)]
pub(crate) struct ImportBlocksCmd {
    #[command(flatten)]
    pub(crate) shared: SharedParams,
    /// The file to read.
    pub(crate) input: PathBuf,
}

/// `revert`.
#[derive(Debug, Clone, Args)]
pub(crate) struct RevertCmd {
    #[command(flatten)]
    pub(crate) shared: SharedParams,
    /// How many blocks to remove.
    #[arg(default_value_t = 256)]
    pub(crate) num: u32,
}

/// `benchmark` subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum BenchmarkCmd {
    /// Build and import blocks of transfers through the database; print the rates.
    Block(BenchmarkBlockCmd),
    /// Submit signed transfers to a running dev node over RPC; print the sustained rate
    /// of finalized transfers.
    Load(BenchmarkLoadCmd),
    /// Full sync from one peer over loopback TCP: a node syncs a chain it does not have;
    /// print blocks and transfers imported per second.
    Sync(BenchmarkSyncCmd),
    /// Warp sync from one peer over loopback TCP: a fresh node takes the justified
    /// state of a chain holding many accounts; print how long it takes.
    Warp(BenchmarkWarpCmd),
    /// Watch running nodes over RPC; print how long blocks wait for finality.
    Finality(BenchmarkFinalityCmd),
}

/// `benchmark finality`.
#[derive(Debug, Clone, Args)]
pub(crate) struct BenchmarkFinalityCmd {
    /// RPC addresses (HTTP) of the nodes to watch.
    #[arg(long, num_args = 1.., required = true)]
    pub(crate) rpc: Vec<std::net::SocketAddr>,
    /// Seconds to watch.
    #[arg(long, default_value_t = 60)]
    pub(crate) duration: u64,
    /// Milliseconds between polls (the resolution of the figures).
    #[arg(long, default_value_t = 100)]
    pub(crate) interval_ms: u64,
    /// The slot duration, to express the lag in block times.
    #[arg(long, default_value_t = 2000)]
    pub(crate) slot_ms: u64,
}

/// `benchmark sync`.
#[derive(Debug, Clone, Args)]
pub(crate) struct BenchmarkSyncCmd {
    /// Blocks of the chain to sync.
    #[arg(long, default_value_t = 2000)]
    pub(crate) blocks: u32,
    /// Transfers per block.
    #[arg(long, default_value_t = 0)]
    pub(crate) transfers: u32,
    /// Syncs measured (the median is printed).
    #[arg(long, default_value_t = 3)]
    pub(crate) repeat: u32,
}

/// `benchmark warp`.
#[derive(Debug, Clone, Args)]
pub(crate) struct BenchmarkWarpCmd {
    /// Accounts the chain's state holds (made by transfers from Alice to fresh accounts).
    #[arg(long, default_value_t = 100_000)]
    pub(crate) accounts: u32,
    /// Transfers per block while building the chain.
    #[arg(long, default_value_t = 2_500)]
    pub(crate) transfers: u32,
    /// Warp syncs measured (the median is printed).
    #[arg(long, default_value_t = 3)]
    pub(crate) repeat: u32,
}

/// `benchmark load`.
#[derive(Debug, Clone, Args)]
pub(crate) struct BenchmarkLoadCmd {
    /// The node's RPC address (HTTP).
    #[arg(long, default_value = "127.0.0.1:9944")]
    pub(crate) rpc: std::net::SocketAddr,
    /// Seconds to measure, after the warm-up.
    #[arg(long, default_value_t = 60)]
    pub(crate) duration: u64,
    /// Seconds of warm-up (submitting, not measured).
    #[arg(long, default_value_t = 10)]
    pub(crate) warmup: u64,
    /// Transfers kept in flight (submitted, not yet finalized).
    #[arg(long, default_value_t = 20_000)]
    pub(crate) in_flight: u64,
    /// Transfers per RPC batch.
    #[arg(long, default_value_t = 250)]
    pub(crate) batch: usize,
}

/// `benchmark block`.
#[derive(Debug, Clone, Args)]
pub(crate) struct BenchmarkBlockCmd {
    /// Transfers per block.
    #[arg(long, default_value_t = 3500)]
    pub(crate) transfers: u32,
    /// Blocks measured (the median is printed).
    #[arg(long, default_value_t = 5)]
    pub(crate) repeat: u32,
}
