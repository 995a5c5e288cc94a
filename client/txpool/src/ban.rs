//! The ban list: hashes refused for a while after they were found invalid or included.

use lattice_primitives::H256;
use std::collections::{HashMap, VecDeque};
use std::time::Duration;

/// Hashes with the time their ban ends, bounded in size.
///
/// Bans all last the same time, so the order of banning is the order of expiry: a queue
/// finds the expired ones without scanning the map.
#[derive(Debug)]
pub(crate) struct BanList {
    ban_time: Duration,
    max: usize,
    until: HashMap<H256, Duration>,
    /// `(end, hash)` in the order of banning; an entry whose end differs from `until`'s
    /// was superseded by a later ban of the same hash.
    order: VecDeque<(Duration, H256)>,
}

impl BanList {
    pub(crate) fn new(ban_time: Duration, max: usize) -> Self {
        Self { ban_time, max: max.max(1), until: HashMap::new(), order: VecDeque::new() }
    }

    /// Bans `hashes` from `now` for the ban time.
    pub(crate) fn ban(&mut self, now: Duration, hashes: impl IntoIterator<Item = H256>) {
        let end = now.saturating_add(self.ban_time);
        for hash in hashes {
            self.until.insert(hash, end);
            self.order.push_back((end, hash));
        }
        self.expire(now);
    }

    /// Whether `hash` is banned at `now`.
    pub(crate) fn is_banned(&self, now: Duration, hash: &H256) -> bool {
        self.until.get(hash).is_some_and(|end| *end > now)
    }

    /// Lifts the ban on `hash` (a retracted transaction goes back to the pool).
    pub(crate) fn unban(&mut self, hash: &H256) {
        self.until.remove(hash);
    }

    /// Forgets expired bans, and the oldest ones while over the size bound.
    fn expire(&mut self, now: Duration) {
        while let Some(&(end, hash)) = self.order.front() {
            let over = self.until.len() > self.max || self.order.len() > 2 * self.max;
            if end > now && !over {
                break;
            }
            self.order.pop_front();
            if self.until.get(&hash) == Some(&end) {
                self.until.remove(&hash);
            }
        }
    }
}
