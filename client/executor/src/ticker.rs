//! The thread that advances the engine's epoch, the clock of call deadlines.
//!
//! Compiled code checks the epoch at function entries and loop headers; a store whose
//! deadline (a number of ticks after the call started) has passed traps with
//! `Trap::Interrupt`. This costs a load and a compare per check, far less than fuel.

use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::Duration;
use wasmtime::Engine;

/// Period of the epoch.
pub(crate) const TICK: Duration = Duration::from_millis(10);

/// Owns the ticker thread; dropping it stops and joins the thread.
pub(crate) struct EpochTicker {
    /// Dropped first to wake the thread; never sent on.
    stop: Option<Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl EpochTicker {
    /// Starts incrementing `engine`'s epoch every [`TICK`].
    pub(crate) fn start(engine: Engine) -> std::io::Result<Self> {
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new().name("wasm-epoch".into()).spawn(move || {
            // `Timeout` is a tick; `Disconnected` means the executor is gone.
            while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(TICK) {
                engine.increment_epoch();
            }
        })?;
        Ok(Self { stop: Some(stop), thread: Some(thread) })
    }

    /// Ticks after which a call started now must stop, for a limit of `timeout`.
    pub(crate) fn deadline_ticks(timeout: Duration) -> u64 {
        // One extra tick: the first may come right after the call starts.
        let ticks = timeout.as_nanos().div_ceil(TICK.as_nanos());
        u64::try_from(ticks).unwrap_or(u64::MAX - 1).saturating_add(1)
    }
}

impl Drop for EpochTicker {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            // The loop has no panicking path; if it somehow did, there is nothing to do.
            let _ = thread.join();
        }
    }
}
