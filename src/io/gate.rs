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
//! Owns: the counter, its condition variable and the pollers' signalers.
//! Must not: know sockets or commands.

use super::signaler::Signaler;
use super::watch::Watch;
use crate::error::ZResult;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, Weak};
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

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
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
        let woke = self.sleep_past(g, seen, deadline);
        self.interested.fetch_sub(1, Ordering::SeqCst);
        woke
    }

    fn sleep_past(
        &self,
        mut g: std::sync::MutexGuard<'_, State>,
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

#[cfg(test)]
mod tests {
    use super::*;
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
        let readable = |fd| {
            let mut p = libc::pollfd { fd, events: libc::POLLIN, revents: 0 };
            // SAFETY: one live pollfd, count 1, zero timeout.
            unsafe { libc::poll(&mut p, 1, 0) == 1 }
        };
        g.listen(&s);
        assert!(readable(s.fd()), "a new listener looks at once");
        s.reset();
        assert!(!readable(s.fd()));
        g.bump();
        assert!(readable(s.fd()));
        s.reset();
        assert_eq!(g.interested.load(Ordering::SeqCst), 1);
        g.unlisten(&s);
        assert_eq!(g.interested.load(Ordering::SeqCst), 0);
        g.bump();
        assert!(!readable(s.fd()));
    }
}
