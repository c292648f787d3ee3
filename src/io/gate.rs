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
//! Owns: the counter, its condition variable and the pollers' signalers.
//! Must not: know sockets or commands.

use super::signaler::Signaler;
use crate::error::ZResult;
use std::sync::{Arc, Condvar, Mutex, Weak};
use std::time::Instant;

struct State {
    generation: u64,
    /// Pollers' signalers (`listen`), raised by every bump.
    listeners: Vec<Weak<Signaler>>,
}

pub struct Gate {
    state: Mutex<State>,
    changed: Condvar,
}

impl Gate {
    pub fn new() -> ZResult<Gate> {
        Ok(Gate {
            state: Mutex::new(State { generation: 0, listeners: Vec::new() }),
            changed: Condvar::new(),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The current generation (read it before trying an operation).
    pub fn generation(&self) -> u64 {
        self.lock().generation
    }

    /// A poller's signaler, raised by every later bump (and once now, so
    /// the poller looks at the socket).
    pub fn listen(&self, s: &Arc<Signaler>) {
        let mut st = self.lock();
        st.listeners.retain(|w| w.strong_count() > 0);
        st.listeners.push(Arc::downgrade(s));
        s.send();
    }

    /// Forgets a poller's signaler.
    pub fn unlisten(&self, s: &Arc<Signaler>) {
        let mut st = self.lock();
        st.listeners.retain(|w| w.strong_count() > 0 && !std::ptr::eq(w.as_ptr(), Arc::as_ptr(s)));
    }

    /// Something changed: wake every waiter (and pollers).
    pub fn bump(&self) {
        {
            let mut st = self.lock();
            st.generation = st.generation.wrapping_add(1);
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
        let mut g = self.lock();
        while g.generation == seen {
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
        g.unlisten(&s);
        g.bump();
        assert!(!readable(s.fd()));
    }
}
