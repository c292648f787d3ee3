//! What the threads sharing one thread-safe socket (SERVER, CLIENT, RADIO,
//! DISH, GATHER, SCATTER, PEER, CHANNEL) wait on.
//!
//! A blocked send or receive on such a socket must not hold the socket's
//! lock (other threads use the socket meanwhile), and must not sleep on the
//! mailbox's eventfd either: another thread may drain the mailbox first,
//! and the edge would be gone. So every command pushed into the socket's
//! mailbox bumps a generation counter here and wakes every waiter; a waiter
//! notes the generation before it tries, and sleeps only while it has not
//! moved. libzmq does the same with a condition variable on its socket
//! mutex.
//!
//! A poller (`zmq_poller`, `zmq_poll`) cannot sleep on the mailbox's fd
//! either, for the same reason: it registers a signaler of its own
//! (`listen`), raised by every bump, as libzmq's pollers do, and resets it
//! before it reads the socket's events. That is the fd `zmq_poller_fd`
//! gives; two pollers never reset each other's.
//!
//! The generation is an atomic, so reading it and bumping it take no lock;
//! a bump takes the lock (and makes the wake-up system call) only when a
//! thread sleeps or a poller listens, which the `interested` count tells.
//! The two sides pair up as a store-then-load on each side, both
//! sequentially consistent: a sleeper counts itself in, then checks the
//! generation; a bumper moves the generation, then reads the count. One of
//! the two sees the other, so no wake-up is lost. Before sleeping, a
//! waiter first watches the generation (`io::watch`), as other sockets'
//! threads watch their mailboxes.
//!
//! The tests at the end check it two ways: a stress test (threads that
//! wait with no deadline, so a lost wake-up hangs it, caught by a
//! watchdog), and a loom model (`--cfg loom`, scripts/loom.sh) that runs
//! this code, through `io::sync`, over every interleaving of a few waiters,
//! bumpers and a poller.
//!
//! Owns: the counter, its condition variable and the pollers' signalers.
//! Must not: know sockets or commands.

use super::signaler::Signaler;
use super::sync::{loom_sc_fence, AtomicU64, AtomicUsize, Condvar, Mutex, MutexGuard};
use super::watch::Watch;
use crate::error::ZResult;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Weak};
use std::time::Instant;

struct State {
    /// Pollers' signalers (`listen`), raised by every bump.
    listeners: Vec<Weak<Signaler>>,
}

pub struct Gate {
    generation: AtomicU64,
    /// Sleeping waiters plus listening pollers: a bump with none is one
    /// atomic add.
    interested: AtomicUsize,
    state: Mutex<State>,
    changed: Condvar,
    watch: Watch,
}

impl Gate {
    pub fn new() -> ZResult<Gate> {
        Ok(Gate {
            generation: AtomicU64::new(0),
            interested: AtomicUsize::new(0),
            state: Mutex::new(State { listeners: Vec::new() }),
            changed: Condvar::new(),
            watch: Watch::default(),
        })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The current generation (read it before trying an operation).
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// A poller's signaler, raised by every later bump (and once now, so
    /// the poller looks at the socket).
    pub fn listen(&self, s: &Arc<Signaler>) {
        let mut st = self.lock();
        let before = st.listeners.len();
        st.listeners.retain(|w| w.strong_count() > 0);
        st.listeners.push(Arc::downgrade(s));
        let after = st.listeners.len();
        self.interested.fetch_add(after, Ordering::SeqCst);
        self.interested.fetch_sub(before, Ordering::SeqCst);
        // The poller reads the generation after this (see `io::sync`).
        loom_sc_fence();
        s.send();
    }

    /// Forgets a poller's signaler.
    pub fn unlisten(&self, s: &Arc<Signaler>) {
        let mut st = self.lock();
        let before = st.listeners.len();
        st.listeners.retain(|w| w.strong_count() > 0 && !std::ptr::eq(w.as_ptr(), Arc::as_ptr(s)));
        self.interested.fetch_sub(before - st.listeners.len(), Ordering::SeqCst);
    }

    /// Something changed: wake every waiter (and pollers).
    pub fn bump(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        loom_sc_fence();
        if self.interested.load(Ordering::SeqCst) == 0 {
            return;
        }
        {
            // Taken even without listeners: a sleeper between its check
            // and its sleep holds the lock, so the notify below reaches it.
            let st = self.lock();
            for w in &st.listeners {
                if let Some(s) = w.upgrade() {
                    s.send();
                }
            }
        }
        self.changed.notify_all();
    }

    /// Sleeps until the generation differs from `seen` or `deadline`
    /// passes; false on timeout.
    pub fn wait_past(&self, seen: u64, deadline: Option<Instant>) -> bool {
        if self.watch.run(|| self.generation.load(Ordering::Acquire) != seen) {
            return true;
        }
        let g = self.lock();
        self.interested.fetch_add(1, Ordering::SeqCst);
        loom_sc_fence();
        let woke = self.sleep_past(g, seen, deadline);
        self.interested.fetch_sub(1, Ordering::SeqCst);
        woke
    }

    fn sleep_past(
        &self,
        mut g: MutexGuard<'_, State>,
        seen: u64,
        deadline: Option<Instant>,
    ) -> bool {
        while self.generation.load(Ordering::SeqCst) == seen {
            match deadline {
                None => g = self.changed.wait(g).unwrap_or_else(|e| e.into_inner()),
                Some(d) => {
                    let now = Instant::now();
                    if now >= d {
                        return false;
                    }
                    g = self.changed.wait_timeout(g, d - now).unwrap_or_else(|e| e.into_inner()).0;
                }
            }
        }
        true
    }
}

/// Whether a signaler's fd is readable (the tests' view of a poller).
#[cfg(test)]
fn readable(s: &Signaler) -> bool {
    let mut p = libc::pollfd { fd: s.fd(), events: libc::POLLIN, revents: 0 };
    // SAFETY: one live pollfd, count 1, zero timeout.
    unsafe { libc::poll(&mut p, 1, 0) == 1 }
}

// Not under loom: loom's primitives work only inside `loom::model`.
#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicBool;
    use std::sync::Arc;
    use std::time::Duration;

    #[test]
    fn a_bump_after_the_generation_was_read_is_never_missed() {
        let g = Arc::new(Gate::new().unwrap());
        let seen = g.generation();
        let g2 = g.clone();
        let t = std::thread::spawn(move || g2.bump());
        assert!(g.wait_past(seen, None));
        t.join().unwrap();
        let seen = g.generation();
        assert!(!g.wait_past(seen, Some(Instant::now() + Duration::from_millis(10))));
    }

    #[test]
    fn a_sleeping_waiter_is_woken_and_no_longer_counted() {
        // The bump comes long after the watch gave up, so the waiter
        // sleeps (on this path the bump must see it counted and wake it).
        let g = Arc::new(Gate::new().unwrap());
        for _ in 0..3 {
            let seen = g.generation();
            let g2 = g.clone();
            let t = std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(20));
                g2.bump();
            });
            assert!(g.wait_past(seen, Some(Instant::now() + Duration::from_secs(10))));
            t.join().unwrap();
            assert_eq!(g.interested.load(Ordering::SeqCst), 0);
        }
    }

    #[test]
    fn listeners_are_raised_by_bumps_until_they_leave() {
        let g = Gate::new().unwrap();
        let s = Arc::new(Signaler::new().unwrap());
        g.listen(&s);
        assert!(readable(&s), "a new listener looks at once");
        s.reset();
        assert!(!readable(&s));
        g.bump();
        assert!(readable(&s));
        s.reset();
        assert_eq!(g.interested.load(Ordering::SeqCst), 1);
        g.unlisten(&s);
        assert_eq!(g.interested.load(Ordering::SeqCst), 0);
        g.bump();
        assert!(!readable(&s));
    }

    /// Waits as a thread-safe socket's caller does (`socket::shared`):
    /// note the generation, check, sleep past it, with no deadline.
    fn wait_for(g: &Gate, ok: impl Fn() -> bool) {
        loop {
            let seen = g.generation();
            if ok() {
                return;
            }
            assert!(g.wait_past(seen, None));
        }
    }

    /// Busy for 0 to 63 µs, chosen by `seed` (a xorshift state): bumps
    /// then land before, during and after a waiter's watch (40 µs), and
    /// while it counts itself in and goes to sleep.
    fn jitter(seed: &mut u64) {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        let until = Instant::now() + Duration::from_micros(*seed % 64);
        while Instant::now() < until {
            std::hint::spin_loop();
        }
    }

    /// Rounds after rounds, each of which needs every wake-up: the
    /// coordinator moves `round` and bumps `go` (after a jitter); each
    /// waiter, asleep on `go` with no deadline, acknowledges and bumps
    /// `done` (concurrent bumpers), on which the coordinator sleeps until
    /// all did; meanwhile another thread bumps `go` for nothing now and
    /// then (a second bumper). One lost wake-up and a round never ends:
    /// the watchdog then fails the test instead of hanging the run.
    #[test]
    fn no_wake_up_is_lost_under_stress() {
        const WAITERS: u64 = 3;
        const ROUNDS: u64 = 3000;
        let go = Arc::new(Gate::new().unwrap());
        let done = Arc::new(Gate::new().unwrap());
        let round = Arc::new(AtomicU64::new(0));
        let acks = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let waiters: Vec<_> = (0..WAITERS)
            .map(|_| {
                let (go, done, round, acks) = (go.clone(), done.clone(), round.clone(), acks.clone());
                std::thread::spawn(move || {
                    for r in 1..=ROUNDS {
                        wait_for(&go, || round.load(Ordering::SeqCst) >= r);
                        acks.fetch_add(1, Ordering::SeqCst);
                        done.bump();
                    }
                })
            })
            .collect();
        let noise = {
            let (go, stop) = (go.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut seed = 0x9e37_79b9_7f4a_7c15;
                while !stop.load(Ordering::SeqCst) {
                    for _ in 0..4 {
                        jitter(&mut seed);
                    }
                    go.bump();
                }
            })
        };
        let (tx, rx) = std::sync::mpsc::channel();
        {
            let (go, done, round, acks) = (go.clone(), done.clone(), round.clone(), acks.clone());
            std::thread::spawn(move || {
                let mut seed = 0x2545_f491_4f6c_dd1d;
                for r in 1..=ROUNDS {
                    round.store(r, Ordering::SeqCst);
                    jitter(&mut seed);
                    go.bump();
                    wait_for(&done, || acks.load(Ordering::SeqCst) >= r * WAITERS);
                }
                let _ = tx.send(());
            });
        }
        if rx.recv_timeout(Duration::from_secs(60)).is_err() {
            panic!(
                "a wake-up was lost: stuck in round {} of {ROUNDS} with {} acknowledgements of {}; \
                 sleeping on go: {}, on done: {}",
                round.load(Ordering::SeqCst),
                acks.load(Ordering::SeqCst),
                round.load(Ordering::SeqCst) * WAITERS,
                go.interested.load(Ordering::SeqCst),
                done.interested.load(Ordering::SeqCst),
            );
        }
        stop.store(true, Ordering::SeqCst);
        for t in waiters {
            t.join().unwrap();
        }
        noise.join().unwrap();
        assert_eq!(go.interested.load(Ordering::SeqCst), 0);
        assert_eq!(done.interested.load(Ordering::SeqCst), 0);
    }
}

/// The loom model (scripts/loom.sh): the gate's own code, its atomics,
/// mutex and condition variable swapped for loom's by `io::sync`, run over
/// every interleaving. A waiter stuck in `wait_past` while every other
/// thread ended is a lost wake-up, which loom reports as a deadlock.
#[cfg(all(test, loom))]
mod loom_model {
    use super::*;
    use loom::sync::Arc;
    use loom::thread;

    /// `waiters` threads wait (as `socket::shared` does: note the
    /// generation, check it, sleep past it, no deadline) until `bumpers`
    /// threads have each bumped once. The main thread is the last bumper
    /// (fewer threads, fewer interleavings to explore) or, with `poller`,
    /// listens meanwhile: resets its signaler, notes the generation, and,
    /// unless it saw every bump, must find the signaler raised. Afterwards
    /// nobody is counted as interested. `bound`: at most that many
    /// preemptions per run (None: every interleaving).
    fn check(waiters: usize, bumpers: usize, poller: bool, bound: Option<usize>) {
        let mut model = loom::model::Builder::new();
        if bound.is_some() {
            model.preemption_bound = bound;
        }
        model.check(move || {
            let g = Arc::new(Gate::new().unwrap());
            let target = bumpers as u64;
            let mut threads = Vec::new();
            for _ in 0..waiters {
                let g = g.clone();
                threads.push(thread::spawn(move || loop {
                    let seen = g.generation();
                    if seen == target {
                        break;
                    }
                    assert!(g.wait_past(seen, None));
                }));
            }
            for _ in 0..bumpers - usize::from(!poller) {
                let g = g.clone();
                threads.push(thread::spawn(move || g.bump()));
            }
            if !poller {
                g.bump();
            }
            let polled = poller.then(|| {
                let s = std::sync::Arc::new(Signaler::new().unwrap());
                g.listen(&s);
                s.reset();
                let seen = g.generation();
                (s, seen)
            });
            for t in threads {
                t.join().unwrap();
            }
            if let Some((s, seen)) = polled {
                assert!(seen == target || readable(&s), "a poller missed a bump (saw {seen} of {target})");
                g.unlisten(&s);
            }
            assert_eq!(g.interested.load(Ordering::SeqCst), 0);
        });
    }

    #[test]
    fn one_waiter_one_bumper() {
        check(1, 1, false, None);
    }

    #[test]
    fn two_waiters_one_bumper() {
        check(2, 1, false, None);
    }

    #[test]
    fn one_waiter_two_bumpers() {
        check(1, 2, false, None);
    }

    /// Bounded: every interleaving of these four threads would take loom
    /// far longer than the other models together; up to three preemptions
    /// (one to two minutes on two cores) cover every lost wake-up the
    /// smaller models can show, with a second waiter and bumper in flight.
    #[test]
    fn two_waiters_two_bumpers() {
        check(2, 2, false, Some(3));
    }

    #[test]
    fn a_poller_one_waiter_one_bumper() {
        check(1, 1, true, None);
    }

    #[test]
    fn a_poller_two_bumpers() {
        check(0, 2, true, None);
    }
}
