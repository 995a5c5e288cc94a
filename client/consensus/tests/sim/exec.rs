//! A single-threaded executor on simulated time.
//!
//! Tasks run in the order they were woken; the clock moves only when no task can run,
//! straight to the earliest timer or message delivery. Nothing reads the wall clock, so
//! a run depends on nothing but its inputs.

use futures::future::BoxFuture;
use futures::FutureExt;
use parking_lot::Mutex;
use std::collections::{BTreeMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

/// Simulated time in milliseconds, and the timers waiting on it.
#[derive(Default)]
pub struct Clock {
    now_ms: u64,
    /// Deadline and registration order → the waiting task.
    timers: BTreeMap<(u64, u64), Waker>,
    next_timer: u64,
}

/// The clock, shared by the executor, the network and the sleeps.
pub type SharedClock = Arc<Mutex<Clock>>;

impl Clock {
    /// The time now.
    pub fn now_ms(&self) -> u64 {
        self.now_ms
    }
}

/// Resolves once the simulated clock reaches its deadline.
pub struct Sleep {
    clock: SharedClock,
    deadline: u64,
    timer: Option<(u64, u64)>,
}

/// A sleep of `d` from the clock's now.
pub fn sleep(clock: &SharedClock, d: Duration) -> Sleep {
    let deadline = clock.lock().now_ms + u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
    Sleep { clock: clock.clone(), deadline, timer: None }
}

/// The voter's [`lattice_consensus::grandpa::Sleep`] on `clock`.
pub fn grandpa_sleep(clock: &SharedClock) -> lattice_consensus::grandpa::Sleep {
    let clock = clock.clone();
    Arc::new(move |d| -> BoxFuture<'static, ()> { sleep(&clock, d).boxed() })
}

impl Future for Sleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        let mut clock = this.clock.lock();
        if clock.now_ms >= this.deadline {
            if let Some(key) = this.timer.take() {
                clock.timers.remove(&key);
            }
            return Poll::Ready(());
        }
        let key = match this.timer {
            Some(key) => key,
            None => {
                let key = (this.deadline, clock.next_timer);
                clock.next_timer += 1;
                this.timer = Some(key);
                key
            }
        };
        clock.timers.insert(key, cx.waker().clone());
        Poll::Pending
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        if let Some(key) = self.timer.take() {
            self.clock.lock().timers.remove(&key);
        }
    }
}

/// Task ids woken and not yet polled, each once.
#[derive(Default)]
struct ReadyQueue {
    order: VecDeque<usize>,
    queued: Vec<bool>,
}

struct TaskWaker {
    id: usize,
    ready: Arc<Mutex<ReadyQueue>>,
}

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        let mut ready = self.ready.lock();
        if !ready.queued[self.id] {
            ready.queued[self.id] = true;
            ready.order.push_back(self.id);
        }
    }
}

type Task = Pin<Box<dyn Future<Output = ()>>>;

/// The executor: tasks and the clock.
pub struct Executor {
    /// The clock.
    pub clock: SharedClock,
    tasks: Vec<Option<(Task, Waker)>>,
    ready: Arc<Mutex<ReadyQueue>>,
}

/// Polls in one quiet period beyond which the run is taken as a livelock.
const MAX_POLLS_PER_INSTANT: usize = 1_000_000;

impl Default for Executor {
    fn default() -> Self {
        Self::new()
    }
}

impl Executor {
    /// An executor with no task, its clock at 0.
    pub fn new() -> Self {
        Self {
            clock: Arc::new(Mutex::new(Clock::default())),
            tasks: Vec::new(),
            ready: Arc::new(Mutex::new(ReadyQueue::default())),
        }
    }

    /// Adds a task; it first runs at the next [`Executor::run_ready`].
    pub fn spawn(&mut self, task: impl Future<Output = ()> + 'static) -> usize {
        let id = self.tasks.len();
        let waker = Waker::from(Arc::new(TaskWaker { id, ready: self.ready.clone() }));
        self.tasks.push(Some((Box::pin(task), waker.clone())));
        self.ready.lock().queued.push(false);
        waker.wake();
        id
    }

    /// Drops a task (a stopped node's).
    pub fn cancel(&mut self, id: usize) {
        self.tasks[id] = None;
    }

    /// Polls woken tasks until none is left.
    pub fn run_ready(&mut self) {
        for _ in 0..MAX_POLLS_PER_INSTANT {
            let next = {
                let mut ready = self.ready.lock();
                let next = ready.order.pop_front();
                if let Some(id) = next {
                    ready.queued[id] = false;
                }
                next
            };
            let Some(id) = next else { return };
            let Some((task, waker)) = self.tasks[id].as_mut() else { continue };
            let waker = waker.clone();
            if task.as_mut().poll(&mut Context::from_waker(&waker)).is_ready() {
                self.tasks[id] = None;
            }
        }
        panic!("tasks kept waking each other at {} ms without time passing", self.now_ms());
    }

    /// The time now.
    pub fn now_ms(&self) -> u64 {
        self.clock.lock().now_ms
    }

    /// The earliest timer's deadline.
    pub fn next_timer(&self) -> Option<u64> {
        self.clock.lock().timers.keys().next().map(|(t, _)| *t)
    }

    /// Moves the clock to `to` (never back) and wakes the timers due by then.
    pub fn advance_to(&mut self, to: u64) {
        let due: Vec<Waker> = {
            let mut clock = self.clock.lock();
            clock.now_ms = clock.now_ms.max(to);
            let now = clock.now_ms;
            let later = clock.timers.split_off(&(now + 1, 0));
            std::mem::replace(&mut clock.timers, later).into_values().collect()
        };
        for waker in due {
            waker.wake();
        }
    }
}
