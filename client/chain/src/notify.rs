//! Fan-out of chain events to any number of subscribers.

use futures::channel::mpsc;
use parking_lot::Mutex;

/// How many events a subscriber may leave unread before it is dropped (it then sees its
/// stream end and can subscribe again, as RPC subscribers do after a lag).
pub const SUBSCRIBER_BUFFER: usize = 1024;

/// The subscribers of one kind of event.
pub(crate) struct Notifier<T> {
    senders: Mutex<Vec<mpsc::Sender<T>>>,
}

impl<T: Clone> Notifier<T> {
    pub(crate) fn new() -> Self {
        Self { senders: Mutex::new(Vec::new()) }
    }

    /// A new subscriber's stream.
    pub(crate) fn subscribe(&self) -> mpsc::Receiver<T> {
        let (tx, rx) = mpsc::channel(SUBSCRIBER_BUFFER);
        self.senders.lock().push(tx);
        rx
    }

    /// Sends `event` to every subscriber; closed and lagging subscribers are removed.
    pub(crate) fn notify(&self, event: T) {
        let mut senders = self.senders.lock();
        senders.retain_mut(|tx| match tx.try_send(event.clone()) {
            Ok(()) => true,
            Err(e) => {
                if e.is_full() {
                    tracing::warn!(target: "chain", "dropping a subscriber that lags {SUBSCRIBER_BUFFER} events behind");
                }
                false
            }
        });
    }

    /// How many subscribers are attached.
    pub(crate) fn len(&self) -> usize {
        self.senders.lock().len()
    }
}
