//! Repeating timers behind `zmq_timers_*`.
//!
//! Owns: the timer table (ids, intervals, deadlines) and the rule for which
//! timers fire in one `execute` round. Time is passed in (milliseconds from
//! [`now_ms`]), so every case is a deterministic unit test. Must not: touch C
//! pointers or errno, or call user code itself except through [`run_due`].
//!
//! Differences from libzmq 4.3.5, all towards its manual:
//! - a cancelled timer is gone at once: `set_interval`/`reset` on it fail
//!   with EINVAL (libzmq quietly succeeds until its next purge);
//! - one `execute` round fires each due timer at most once, so a timer with
//!   interval 0 cannot spin forever (libzmq's loop never ends in that case).

use crate::error::{ZResult, EINVAL};
use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::sync::OnceLock;
use std::time::Instant;

/// Milliseconds on a monotonic clock, counted from the first call.
pub fn now_ms() -> u64 {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    let elapsed = EPOCH.get_or_init(Instant::now).elapsed().as_millis();
    u64::try_from(elapsed).unwrap_or(u64::MAX)
}

struct Entry<P> {
    interval: u64,
    deadline: u64,
    seq: u64,
    payload: P,
}

/// A set of repeating timers, each carrying a payload `P` (the C boundary
/// stores the handler and its argument there).
pub struct Timers<P> {
    last_id: i32,
    next_seq: u64,
    entries: HashMap<i32, Entry<P>>,
    /// Ordered by deadline, then by insertion (`seq`), then id.
    queue: BTreeSet<(u64, u64, i32)>,
}

impl<P> Default for Timers<P> {
    fn default() -> Self {
        Self::new()
    }
}

impl<P> Timers<P> {
    pub fn new() -> Self {
        Timers {
            last_id: 0,
            next_seq: 0,
            entries: HashMap::new(),
            queue: BTreeSet::new(),
        }
    }

    /// Number of live timers.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Registers a timer that first expires `interval` ms after `now`;
    /// returns its id (positive, starting at 1 as libzmq's do).
    pub fn add(&mut self, now: u64, interval: u64, payload: P) -> i32 {
        let id = self.fresh_id();
        let seq = self.bump_seq();
        let deadline = now.saturating_add(interval);
        self.entries.insert(
            id,
            Entry {
                interval,
                deadline,
                seq,
                payload,
            },
        );
        self.queue.insert((deadline, seq, id));
        id
    }

    /// Removes a timer; EINVAL if it does not exist (or was cancelled).
    pub fn cancel(&mut self, id: i32) -> ZResult<()> {
        let e = self.entries.remove(&id).ok_or(EINVAL)?;
        self.queue.remove(&(e.deadline, e.seq, id));
        Ok(())
    }

    /// Sets a new interval and restarts the timer from `now`.
    pub fn set_interval(&mut self, now: u64, id: i32, interval: u64) -> ZResult<()> {
        self.entries.get_mut(&id).ok_or(EINVAL)?.interval = interval;
        self.reschedule(now, id)
    }

    /// Restarts the timer: it next expires one interval after `now`.
    pub fn reset(&mut self, now: u64, id: i32) -> ZResult<()> {
        self.reschedule(now, id)
    }

    /// Milliseconds until the earliest timer expires (0 if one is overdue),
    /// or `None` when there are no timers.
    pub fn timeout(&self, now: u64) -> Option<u64> {
        self.queue
            .first()
            .map(|&(deadline, _, _)| deadline.saturating_sub(now))
    }

    /// Ids of the timers expired at `now`, earliest first: one round.
    pub fn due(&self, now: u64) -> Vec<i32> {
        self.queue
            .iter()
            .take_while(|&&(d, _, _)| d <= now)
            .map(|&(_, _, id)| id)
            .collect()
    }

    /// Fires timer `id` if it still exists and is still expired at `now`:
    /// reschedules it one interval after `now` and returns its payload.
    pub fn fire(&mut self, now: u64, id: i32) -> Option<P>
    where
        P: Clone,
    {
        let e = self.entries.get(&id)?;
        if e.deadline > now {
            return None;
        }
        let payload = e.payload.clone();
        self.reschedule(now, id).ok()?;
        Some(payload)
    }

    fn reschedule(&mut self, now: u64, id: i32) -> ZResult<()> {
        let seq = self.bump_seq();
        let e = self.entries.get_mut(&id).ok_or(EINVAL)?;
        self.queue.remove(&(e.deadline, e.seq, id));
        e.deadline = now.saturating_add(e.interval);
        e.seq = seq;
        self.queue.insert((e.deadline, e.seq, id));
        Ok(())
    }

    fn bump_seq(&mut self) -> u64 {
        self.next_seq += 1;
        self.next_seq
    }

    fn fresh_id(&mut self) -> i32 {
        loop {
            self.last_id = if self.last_id == i32::MAX {
                1
            } else {
                self.last_id + 1
            };
            if !self.entries.contains_key(&self.last_id) {
                return self.last_id;
            }
        }
    }
}

/// Runs one round: calls `f(id, payload)` for every timer expired at `now`,
/// in deadline order. The borrow is released around each call, so `f` may
/// add, cancel or reset timers of the same set (a timer cancelled by an
/// earlier callback of the round does not fire). `keep_going` is checked
/// after each call; returning false stops the round (used when the set was
/// destroyed from inside a callback). Returns false if the set was already
/// borrowed (a callback calling `execute` on its own set).
pub fn run_due<P: Clone>(
    timers: &RefCell<Timers<P>>,
    now: u64,
    mut f: impl FnMut(i32, P),
    mut keep_going: impl FnMut() -> bool,
) -> bool {
    let ids = match timers.try_borrow() {
        Ok(t) => t.due(now),
        Err(_) => return false,
    };
    for id in ids {
        let payload = match timers.try_borrow_mut() {
            Ok(mut t) => t.fire(now, id),
            Err(_) => return false,
        };
        if let Some(p) = payload {
            f(id, p);
            if !keep_going() {
                break;
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_start_at_one_and_increase() {
        let mut t = Timers::new();
        assert_eq!(t.add(0, 10, ()), 1);
        assert_eq!(t.add(0, 10, ()), 2);
        t.cancel(1).unwrap();
        assert_eq!(t.add(0, 10, ()), 3);
    }

    #[test]
    fn timeout_tracks_earliest() {
        let mut t = Timers::new();
        assert_eq!(t.timeout(0), None);
        t.add(100, 50, ());
        let b = t.add(100, 20, ());
        assert_eq!(t.timeout(100), Some(20));
        assert_eq!(t.timeout(110), Some(10));
        assert_eq!(t.timeout(500), Some(0));
        t.cancel(b).unwrap();
        assert_eq!(t.timeout(100), Some(50));
    }

    #[test]
    fn cancel_errors() {
        let mut t = Timers::new();
        assert_eq!(t.cancel(1), Err(EINVAL));
        let a = t.add(0, 5, ());
        assert_eq!(t.cancel(a), Ok(()));
        assert_eq!(t.cancel(a), Err(EINVAL));
        assert_eq!(t.set_interval(0, a, 5), Err(EINVAL));
        assert_eq!(t.reset(0, a), Err(EINVAL));
        assert!(t.is_empty());
    }

    #[test]
    fn fires_and_repeats() {
        let cell = RefCell::new(Timers::new());
        let a = cell.borrow_mut().add(0, 10, 'a');
        let mut fired = Vec::new();
        run_due(&cell, 5, |id, p| fired.push((id, p)), || true);
        assert!(fired.is_empty());
        run_due(&cell, 10, |id, p| fired.push((id, p)), || true);
        assert_eq!(fired, vec![(a, 'a')]);
        assert_eq!(cell.borrow().timeout(10), Some(10));
        // Late execution: rescheduled from the time of execution.
        run_due(&cell, 35, |id, p| fired.push((id, p)), || true);
        assert_eq!(fired.len(), 2);
        assert_eq!(cell.borrow().timeout(35), Some(10));
    }

    #[test]
    fn zero_interval_fires_once_per_round() {
        let cell = RefCell::new(Timers::new());
        cell.borrow_mut().add(0, 0, ());
        let mut n = 0;
        run_due(&cell, 0, |_, _| n += 1, || true);
        assert_eq!(n, 1);
        run_due(&cell, 0, |_, _| n += 1, || true);
        assert_eq!(n, 2);
    }

    #[test]
    fn order_is_by_deadline_then_insertion() {
        let cell = RefCell::new(Timers::new());
        let a = cell.borrow_mut().add(0, 30, ());
        let b = cell.borrow_mut().add(0, 10, ());
        let c = cell.borrow_mut().add(0, 10, ());
        let mut order = Vec::new();
        run_due(&cell, 100, |id, _| order.push(id), || true);
        assert_eq!(order, vec![b, c, a]);
    }

    #[test]
    fn callback_may_cancel_a_later_timer() {
        let cell = RefCell::new(Timers::new());
        let a = cell.borrow_mut().add(0, 1, ());
        let b = cell.borrow_mut().add(0, 2, ());
        let mut order = Vec::new();
        run_due(
            &cell,
            5,
            |id, _| {
                order.push(id);
                if id == a {
                    cell.borrow_mut().cancel(b).unwrap();
                }
            },
            || true,
        );
        assert_eq!(order, vec![a]);
        assert_eq!(cell.borrow().len(), 1);
    }

    #[test]
    fn callback_may_cancel_itself_and_add() {
        let cell = RefCell::new(Timers::new());
        let a = cell.borrow_mut().add(0, 0, ());
        let mut added = 0;
        run_due(
            &cell,
            0,
            |id, _| {
                cell.borrow_mut().cancel(id).unwrap();
                added = cell.borrow_mut().add(0, 0, ());
            },
            || true,
        );
        assert_ne!(added, a);
        assert_eq!(cell.borrow().due(0), vec![added]);
    }

    #[test]
    fn keep_going_false_stops_round() {
        let cell = RefCell::new(Timers::new());
        cell.borrow_mut().add(0, 0, ());
        cell.borrow_mut().add(0, 0, ());
        let mut n = 0;
        run_due(&cell, 0, |_, _| n += 1, || false);
        assert_eq!(n, 1);
    }

    #[test]
    fn set_interval_and_reset_restart_from_now() {
        let mut t = Timers::new();
        let a = t.add(0, 100, ());
        t.set_interval(50, a, 20).unwrap();
        assert_eq!(t.timeout(50), Some(20));
        t.reset(60, a).unwrap();
        assert_eq!(t.timeout(60), Some(20));
        assert_eq!(t.set_interval(0, 99, 1), Err(EINVAL));
        assert_eq!(t.reset(0, 99), Err(EINVAL));
    }

    #[test]
    fn huge_interval_saturates() {
        let mut t = Timers::new();
        t.add(10, u64::MAX, ());
        assert_eq!(t.timeout(10), Some(u64::MAX - 10));
        assert!(t.due(1_000_000).is_empty());
    }
}
