//! `zmq_poller_*`'s logic: a registered set of sockets and file
//! descriptors, each with the events it waits for and an opaque user value,
//! waited on level-triggered as libzmq's `socket_poller_t` does.
//!
//! Owns: registration rules (one entry per socket, one per fd; EINVAL for
//! a duplicate or an unknown one), the `poll(2)` set built from them (a
//! socket's `ZMQ_FD`, an fd's own events; entries waiting for nothing are
//! left out) and the wait loop. Sockets are reached through `Pollable`
//! only, so the edge-triggered `ZMQ_FD` contract of `crate::poll` holds:
//! every socket's `ZMQ_EVENTS` is read before each sleep, and no socket
//! lock is held while sleeping.
//!
//! Thread-safe sockets (SERVER, CLIENT, ...) have no `ZMQ_FD`: as in
//! libzmq, the poller then makes a signaler of its own, which each such
//! socket's gate raises whenever its state may have changed (`io::gate`),
//! and which is the poller's fd (`zmq_poller_fd`).
//!
//! Must not: touch C pointers (`capi::poll` maps them to a key and a
//! `Pollable`).

use super::{fd_poll_events, fd_revents, ms_left, sys_poll, Pollable, SigMask};
use crate::constants::*;
use crate::error::*;
use crate::io::gate::Gate;
use crate::io::signaler::Signaler;
use std::sync::Arc;
use std::os::raw::{c_int, c_short};
use std::time::{Duration, Instant};

/// What one entry watches: a socket, known by a caller-chosen key (the C
/// handle's address), or a raw file descriptor.
#[derive(Clone, Copy)]
pub enum Watched<'a> {
    Socket { key: usize, socket: &'a dyn Pollable },
    Fd(c_int),
}

/// One registration.
struct Entry<'a, U> {
    what: Watched<'a>,
    user: U,
    events: c_short,
    /// A thread-safe socket's gate, which raises `Poller::signal`.
    gate: Option<Arc<Gate>>,
}

/// One signalled entry, as `zmq_poller_wait_all` reports it.
#[derive(Clone, Copy)]
pub struct Ready<'a, U> {
    pub what: Watched<'a>,
    pub user: U,
    pub events: c_short,
}

/// The events `zmq_poller_add` and `_modify` accept.
const VALID_EVENTS: c_int = ZMQ_POLLIN | ZMQ_POLLOUT | ZMQ_POLLERR | ZMQ_POLLPRI;

/// A poller: entries in registration order (the order `wait` reports them).
pub struct Poller<'a, U> {
    entries: Vec<Entry<'a, U>>,
    /// The `poll(2)` set, rebuilt after any change to the entries.
    pollfds: Vec<libc::pollfd>,
    /// Per entry: its index in `pollfds`, if it is there.
    slot: Vec<Option<usize>>,
    dirty: bool,
    /// Raised by the gates of the thread-safe sockets registered (made at
    /// the first one): `zmq_poller_fd`, and what `wait` polls for them.
    signal: Option<Arc<Signaler>>,
}

impl<U: Copy> Default for Poller<'_, U> {
    fn default() -> Self {
        Poller::new()
    }
}

impl<'a, U: Copy> Poller<'a, U> {
    pub fn new() -> Self {
        Poller { entries: Vec::new(), pollfds: Vec::new(), slot: Vec::new(), dirty: false, signal: None }
    }

    /// Number of registered sockets and fds.
    pub fn size(&self) -> usize {
        self.entries.len()
    }

    fn check_events(events: c_short) -> ZResult<()> {
        if events as c_int & !VALID_EVENTS != 0 {
            return Err(EINVAL);
        }
        Ok(())
    }

    fn find_socket(&self, key: usize) -> Option<usize> {
        self.entries
            .iter()
            .position(|e| matches!(e.what, Watched::Socket { key: k, .. } if k == key))
    }

    fn find_fd(&self, fd: c_int) -> Option<usize> {
        self.entries.iter().position(|e| matches!(e.what, Watched::Fd(f) if f == fd))
    }

    fn find(&self, what: &Watched<'_>) -> Option<usize> {
        match *what {
            Watched::Socket { key, .. } => self.find_socket(key),
            Watched::Fd(fd) => self.find_fd(fd),
        }
    }

    /// Registers a socket or fd; EINVAL for unknown event bits or when it is
    /// already registered, EBADF for fd -1 (libzmq's retired fd).
    pub fn add(&mut self, what: Watched<'a>, user: U, events: c_short) -> ZResult<()> {
        if matches!(what, Watched::Fd(-1)) {
            return Err(EBADF);
        }
        Self::check_events(events)?;
        if self.find(&what).is_some() {
            return Err(EINVAL);
        }
        let gate = match what {
            Watched::Socket { socket, .. } => socket.gate(),
            Watched::Fd(_) => None,
        };
        if let Some(g) = &gate {
            let sig = match &self.signal {
                Some(s) => s.clone(),
                None => self.signal.insert(Arc::new(Signaler::new()?)).clone(),
            };
            g.listen(&sig);
        }
        self.entries.push(Entry { what, user, events, gate });
        self.dirty = true;
        Ok(())
    }

    /// Changes the events of a socket (by key) or fd; EINVAL if not there.
    pub fn modify(&mut self, what: &Watched<'_>, events: c_short) -> ZResult<()> {
        if matches!(what, Watched::Fd(-1)) {
            return Err(EBADF);
        }
        Self::check_events(events)?;
        let i = self.find(what).ok_or(EINVAL)?;
        self.entries[i].events = events;
        self.dirty = true;
        Ok(())
    }

    /// Unregisters a socket (by key) or fd; EINVAL if not there.
    pub fn remove(&mut self, what: &Watched<'_>) -> ZResult<()> {
        if matches!(what, Watched::Fd(-1)) {
            return Err(EBADF);
        }
        let i = self.find(what).ok_or(EINVAL)?;
        let e = self.entries.remove(i);
        if let (Some(g), Some(sig)) = (e.gate, &self.signal) {
            g.unlisten(sig);
        }
        self.dirty = true;
        Ok(())
    }

    /// Unregisters the socket registered under `key`, whatever became of
    /// it (a socket closed while registered); EINVAL if not there.
    pub fn remove_socket(&mut self, key: usize) -> ZResult<()> {
        let i = self.find_socket(key).ok_or(EINVAL)?;
        let e = self.entries.remove(i);
        if let (Some(g), Some(sig)) = (e.gate, &self.signal) {
            g.unlisten(sig);
        }
        self.dirty = true;
        Ok(())
    }

    /// `zmq_poller_fd`: the poller's own fd, which it has only while it
    /// holds a thread-safe socket (EINVAL otherwise, as libzmq).
    pub fn fd(&self) -> ZResult<c_int> {
        match &self.signal {
            Some(s) if self.entries.iter().any(|e| e.gate.is_some()) => Ok(s.fd()),
            _ => Err(EINVAL),
        }
    }

    /// Rebuilds the `poll(2)` set: each socket's `ZMQ_FD` (POLLIN), each
    /// fd with its own events; entries waiting for nothing are left out.
    fn rebuild(&mut self) -> ZResult<()> {
        self.pollfds.clear();
        self.slot.clear();
        for e in &self.entries {
            if e.events == 0 {
                self.slot.push(None);
                continue;
            }
            let pfd = match e.what {
                Watched::Socket { socket, .. } => {
                    let fd = match (&e.gate, &self.signal) {
                        (Some(_), Some(sig)) => sig.fd(),
                        _ => socket.poll_fd()?,
                    };
                    libc::pollfd { fd, events: libc::POLLIN, revents: 0 }
                }
                Watched::Fd(fd) => libc::pollfd { fd, events: fd_poll_events(e.events), revents: 0 },
            };
            self.slot.push(Some(self.pollfds.len()));
            self.pollfds.push(pfd);
        }
        self.dirty = false;
        Ok(())
    }

    /// Collects up to `max` signalled entries into `out`. Every socket's
    /// `ZMQ_EVENTS` is read (which re-arms its `ZMQ_FD`) unless `max` is
    /// reached first, in which case the caller returns without sleeping.
    fn check(&self, max: usize, out: &mut Vec<Ready<'a, U>>) -> ZResult<()> {
        // Thread-safe sockets: a change after this raises the signal again.
        if let Some(s) = &self.signal {
            s.reset();
        }
        for (i, e) in self.entries.iter().enumerate() {
            if out.len() >= max {
                break;
            }
            let events = match e.what {
                Watched::Socket { socket, .. } => {
                    (socket.poll_events()? & e.events as c_int & (ZMQ_POLLIN | ZMQ_POLLOUT)) as c_short
                }
                Watched::Fd(_) => match self.slot[i] {
                    Some(j) => fd_revents(self.pollfds[j].revents),
                    None => 0,
                },
            };
            if events != 0 {
                out.push(Ready { what: e.what, user: e.user, events });
            }
        }
        Ok(())
    }

    /// Waits until at least one entry is signalled and returns up to `max`
    /// of them, in registration order. `timeout_ms`: negative waits
    /// forever, 0 checks once. Errors: EAGAIN when the timeout passes with
    /// nothing signalled; EFAULT when asked to wait forever on nothing (no
    /// entries, or none waiting for any event); EINTR on a signal; ETERM or
    /// ENOTSOCK from a socket. `mask`: as `crate::poll::ppoll`.
    pub fn wait(
        &mut self,
        max: usize,
        timeout_ms: i64,
        mask: Option<&SigMask>,
        out: &mut Vec<Ready<'a, U>>,
    ) -> ZResult<()> {
        out.clear();
        if self.entries.is_empty() && timeout_ms < 0 {
            return Err(EFAULT);
        }
        if self.dirty {
            self.rebuild()?;
        }
        let deadline = (timeout_ms >= 0).then(|| Instant::now() + Duration::from_millis(timeout_ms as u64));
        let left = |d: Option<Instant>| -> Option<c_int> {
            match d {
                None => Some(-1),
                Some(d) => {
                    let now = Instant::now();
                    (now < d).then(|| ms_left(d, now))
                }
            }
        };
        // Nothing to poll, or a caller that takes no events: libzmq sleeps
        // out the timeout and reports it passed.
        if self.pollfds.is_empty() || max == 0 {
            if self.pollfds.is_empty() && timeout_ms < 0 {
                return Err(EFAULT);
            }
            while let Some(t) = left(deadline) {
                if t == 0 {
                    break;
                }
                sys_poll(&mut [], t, mask)?;
            }
            return Err(EAGAIN);
        }
        let mut wait_ms: c_int = 0;
        loop {
            sys_poll(&mut self.pollfds, wait_ms, mask)?;
            self.check(max, out)?;
            if !out.is_empty() {
                return Ok(());
            }
            if timeout_ms == 0 {
                return Err(EAGAIN);
            }
            // Every socket's ZMQ_EVENTS was just read: any later change
            // raises a fresh edge on its fd, so sleeping is safe.
            wait_ms = match left(deadline) {
                Some(t) if t != 0 => t,
                _ => return Err(EAGAIN),
            };
            for p in self.pollfds.iter_mut() {
                p.revents = 0;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    /// A fake socket: its fd is the read end of a pipe; events from a cell.
    struct Fake {
        fd: c_int,
        ev: Cell<c_int>,
        calls: Cell<u32>,
    }

    impl Pollable for Fake {
        fn poll_fd(&self) -> ZResult<c_int> {
            Ok(self.fd)
        }
        fn poll_events(&self) -> ZResult<c_int> {
            self.calls.set(self.calls.get() + 1);
            Ok(self.ev.get())
        }
    }

    struct Terminated;
    impl Pollable for Terminated {
        fn poll_fd(&self) -> ZResult<c_int> {
            Ok(0)
        }
        fn poll_events(&self) -> ZResult<c_int> {
            Err(ETERM)
        }
    }

    fn pipe() -> (c_int, c_int) {
        let mut p = [0; 2];
        // SAFETY: p is a valid array of two ints.
        assert_eq!(unsafe { libc::pipe(p.as_mut_ptr()) }, 0);
        (p[0], p[1])
    }

    fn close(fd: c_int) {
        // SAFETY: test-owned fd.
        unsafe { libc::close(fd) };
    }

    fn write1(fd: c_int) {
        // SAFETY: writes one byte from a valid buffer.
        assert_eq!(unsafe { libc::write(fd, b"x".as_ptr() as *const _, 1) }, 1);
    }

    const IN: c_short = ZMQ_POLLIN as c_short;
    const OUT: c_short = ZMQ_POLLOUT as c_short;

    #[test]
    fn registration_rules() {
        let (r, w) = pipe();
        let f = Fake { fd: r, ev: Cell::new(0), calls: Cell::new(0) };
        let mut p: Poller<'_, usize> = Poller::new();
        let s = Watched::Socket { key: 1, socket: &f };
        assert_eq!(p.add(s, 10, IN), Ok(()));
        assert_eq!(p.add(s, 11, OUT), Err(EINVAL), "a socket is registered once");
        assert_eq!(p.add(Watched::Fd(w), 12, 0), Ok(()), "no events is allowed");
        assert_eq!(p.add(Watched::Fd(w), 12, IN), Err(EINVAL));
        assert_eq!(p.add(Watched::Fd(-1), 0, IN), Err(EBADF));
        assert_eq!(p.add(Watched::Fd(r), 0, 0x40), Err(EINVAL), "unknown event bit");
        assert_eq!(p.size(), 2);
        assert_eq!(p.modify(&Watched::Fd(r), IN), Err(EINVAL), "not registered");
        assert_eq!(p.modify(&Watched::Fd(w), OUT), Ok(()));
        assert_eq!(p.remove(&Watched::Socket { key: 2, socket: &f }), Err(EINVAL));
        assert_eq!(p.remove(&s), Ok(()));
        assert_eq!(p.remove(&s), Err(EINVAL));
        assert_eq!(p.size(), 1);
        p.add(s, 10, IN).unwrap();
        assert_eq!(p.remove_socket(1), Ok(()));
        assert_eq!(p.remove_socket(1), Err(EINVAL));
        close(r);
        close(w);
    }

    #[test]
    fn reports_in_order_up_to_max() {
        let (r, w) = pipe();
        let a = Fake { fd: r, ev: Cell::new(ZMQ_POLLIN | ZMQ_POLLOUT), calls: Cell::new(0) };
        let b = Fake { fd: r, ev: Cell::new(ZMQ_POLLOUT), calls: Cell::new(0) };
        let mut p: Poller<'_, usize> = Poller::new();
        p.add(Watched::Socket { key: 1, socket: &a }, 1, IN).unwrap();
        p.add(Watched::Socket { key: 2, socket: &b }, 2, IN | OUT).unwrap();
        p.add(Watched::Fd(w), 3, OUT).unwrap();
        let mut out = Vec::new();
        p.wait(8, 0, None, &mut out).unwrap();
        let got: Vec<(usize, c_short)> = out.iter().map(|r| (r.user, r.events)).collect();
        // Only the requested events; the pipe's write end is writable.
        assert_eq!(got, vec![(1, IN), (2, OUT), (3, OUT)]);
        p.wait(1, 0, None, &mut out).unwrap();
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].user, 1);
        close(r);
        close(w);
    }

    #[test]
    fn timeout_is_eagain_and_not_a_busy_loop() {
        let (r, w) = pipe();
        let f = Fake { fd: r, ev: Cell::new(ZMQ_POLLOUT), calls: Cell::new(0) };
        let mut p: Poller<'_, ()> = Poller::new();
        p.add(Watched::Socket { key: 1, socket: &f }, (), IN).unwrap();
        let mut out = Vec::new();
        assert_eq!(p.wait(1, 0, None, &mut out), Err(EAGAIN));
        let t = Instant::now();
        assert_eq!(p.wait(1, 30, None, &mut out), Err(EAGAIN));
        assert!(t.elapsed() >= Duration::from_millis(30));
        assert!(f.calls.get() <= 4, "busy loop: {} checks", f.calls.get());
        close(r);
        close(w);
    }

    #[test]
    fn woken_through_the_socket_fd() {
        let (r, w) = pipe();
        let f = Fake { fd: r, ev: Cell::new(0), calls: Cell::new(0) };
        let mut p: Poller<'_, ()> = Poller::new();
        p.add(Watched::Socket { key: 1, socket: &f }, (), IN).unwrap();
        // The fd says "look again", but the events say nothing: keep waiting.
        write1(w);
        let mut out = Vec::new();
        assert_eq!(p.wait(1, 10, None, &mut out), Err(EAGAIN));
        f.ev.set(ZMQ_POLLIN);
        assert_eq!(p.wait(1, -1, None, &mut out), Ok(()));
        assert_eq!(out[0].events, IN);
        close(r);
        close(w);
    }

    #[test]
    fn nothing_to_wait_for() {
        let (r, w) = pipe();
        let mut p: Poller<'_, ()> = Poller::new();
        let mut out = Vec::new();
        assert_eq!(p.wait(1, -1, None, &mut out), Err(EFAULT));
        assert_eq!(p.wait(1, 0, None, &mut out), Err(EAGAIN));
        let t = Instant::now();
        assert_eq!(p.wait(1, 20, None, &mut out), Err(EAGAIN));
        assert!(t.elapsed() >= Duration::from_millis(20));
        // Entries that wait for nothing count as nothing to wait for.
        p.add(Watched::Fd(w), (), 0).unwrap();
        assert_eq!(p.wait(1, -1, None, &mut out), Err(EFAULT));
        assert_eq!(p.wait(1, 0, None, &mut out), Err(EAGAIN));
        // Enabled later, it is seen.
        p.modify(&Watched::Fd(w), OUT).unwrap();
        assert_eq!(p.wait(1, -1, None, &mut out), Ok(()));
        close(r);
        close(w);
    }

    #[test]
    fn fd_hangup_is_pollerr() {
        let (r, w) = pipe();
        let mut p: Poller<'_, ()> = Poller::new();
        p.add(Watched::Fd(r), (), IN).unwrap();
        close(w);
        let mut out = Vec::new();
        p.wait(1, 0, None, &mut out).unwrap();
        assert_eq!(out[0].events as c_int, ZMQ_POLLERR);
        close(r);
    }

    #[test]
    fn socket_error_surfaces() {
        let t = Terminated;
        let mut p: Poller<'_, ()> = Poller::new();
        p.add(Watched::Socket { key: 1, socket: &t }, (), IN).unwrap();
        let mut out = Vec::new();
        assert_eq!(p.wait(1, 0, None, &mut out), Err(ETERM));
    }
}
