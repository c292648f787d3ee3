//! `zmq_poll`'s logic: wait until any of a set of sockets and raw file
//! descriptors is ready, without busy-looping.
//!
//! Owns: the wait loop over a small abstraction (`Pollable`: a socket's
//! `ZMQ_FD` and `ZMQ_EVENTS`). Sockets are checked with `ZMQ_EVENTS`; the
//! process then sleeps in `poll(2)` on the sockets' mailbox fds (which are
//! edge-triggered: readable when `ZMQ_EVENTS` may have changed) plus the raw
//! fds, and re-checks after every wake-up until an event or the deadline.
//! No socket lock is held while sleeping.
//!
//! Must not: touch C pointers (that is `capi::poll`) or socket internals
//! beyond `ZMQ_FD`/`ZMQ_EVENTS`.

pub mod poller;

use crate::socket::shared::SharedSocket as SocketHandle;
use crate::constants::*;
use crate::error::*;
use std::os::raw::{c_int, c_short};
use std::time::{Duration, Instant};

/// What `zmq_poll` needs from a socket.
pub trait Pollable {
    /// The socket's `ZMQ_FD` (becomes readable when events may have changed;
    /// not asked of thread-safe sockets, which have a `gate` instead).
    fn poll_fd(&self) -> ZResult<c_int>;
    /// The socket's `ZMQ_EVENTS` (processes pending commands).
    fn poll_events(&self) -> ZResult<c_int>;
    /// A thread-safe socket's gate (`io::gate`), which pollers listen to
    /// (with a signaler of their own) instead of polling `poll_fd`; None
    /// for other sockets.
    fn gate(&self) -> Option<std::sync::Arc<crate::io::gate::Gate>> {
        None
    }
}

impl Pollable for SocketHandle {
    fn poll_fd(&self) -> ZResult<c_int> {
        self.with(|s| {
            let mut out = [0u8; 4];
            s.getsockopt(ZMQ_FD, &mut out)?;
            Ok(c_int::from_ne_bytes(out))
        })
    }

    fn poll_events(&self) -> ZResult<c_int> {
        self.with(|s| s.events())
    }

    fn gate(&self) -> Option<std::sync::Arc<crate::io::gate::Gate>> {
        self.with(|s| Ok(s.gate().cloned())).ok().flatten()
    }
}

/// What one poll item watches.
pub enum Target<'a> {
    Socket(&'a dyn Pollable),
    Fd(c_int),
}

/// One entry of a poll set, as `zmq_pollitem_t` minus the C layout.
pub struct Item<'a> {
    pub target: Target<'a>,
    /// Requested `ZMQ_POLLIN`/`ZMQ_POLLOUT` (and `ZMQ_POLLPRI` for fds).
    pub events: c_short,
    /// Filled by `poll`.
    pub revents: c_short,
}

/// Milliseconds left until `deadline`, rounded up, for `poll(2)`.
pub(crate) fn ms_left(deadline: Instant, now: Instant) -> c_int {
    if now >= deadline {
        return 0;
    }
    let left = (deadline - now).as_micros().div_ceil(1000);
    left.min(c_int::MAX as u128) as c_int
}

/// The signal mask `zmq_ppoll` waits with: replaced atomically for the
/// duration of each sleep, as `ppoll(2)` does.
pub type SigMask = libc::sigset_t;

/// `poll(2)` over `fds` (or `ppoll(2)` with `mask`, which the thread's
/// signal mask is while it waits); Err(EINTR) when a signal interrupts.
pub(crate) fn sys_poll(fds: &mut [libc::pollfd], timeout_ms: c_int, mask: Option<&SigMask>) -> ZResult<usize> {
    let r = match mask {
        // SAFETY: `fds` is a valid, exclusively borrowed slice of pollfd; an
        // empty slice passes a dangling but unused pointer with count 0.
        None => unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, timeout_ms) },
        Some(m) => {
            let ts = (timeout_ms >= 0).then(|| libc::timespec {
                tv_sec: (timeout_ms / 1000) as libc::time_t,
                tv_nsec: ((timeout_ms % 1000) * 1_000_000) as libc::c_long,
            });
            let tsp = ts.as_ref().map_or(std::ptr::null(), |t| t as *const libc::timespec);
            // SAFETY: as above for `fds`; `tsp` is NULL (wait forever) or
            // points to `ts`, alive for the call; `m` is a valid sigset_t
            // borrowed for the call; ppoll only reads both.
            unsafe { libc::ppoll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, tsp, m) }
        }
    };
    if r < 0 {
        return Err(errno());
    }
    Ok(r as usize)
}

/// Translates requested zmq events into `poll(2)` events for a raw fd.
pub(crate) fn fd_poll_events(events: c_short) -> c_short {
    let e = events as c_int;
    let mut p: c_short = 0;
    if e & ZMQ_POLLIN != 0 {
        p |= libc::POLLIN;
    }
    if e & ZMQ_POLLOUT != 0 {
        p |= libc::POLLOUT;
    }
    if e & ZMQ_POLLPRI != 0 {
        p |= libc::POLLPRI;
    }
    p
}

/// Translates `poll(2)` results for a raw fd into zmq events. Anything
/// beyond IN/OUT/PRI (HUP, ERR, NVAL) is reported as `ZMQ_POLLERR`.
pub(crate) fn fd_revents(r: c_short) -> c_short {
    let mut z = 0;
    if r & libc::POLLIN != 0 {
        z |= ZMQ_POLLIN;
    }
    if r & libc::POLLOUT != 0 {
        z |= ZMQ_POLLOUT;
    }
    if r & libc::POLLPRI != 0 {
        z |= ZMQ_POLLPRI;
    }
    if r & !(libc::POLLIN | libc::POLLOUT | libc::POLLPRI) != 0 {
        z |= ZMQ_POLLERR;
    }
    z as c_short
}

/// Waits for events on `items`. `timeout_ms`: negative waits forever, 0
/// checks once. Returns how many items have non-zero `revents`.
/// With no items, sleeps for the timeout (as libzmq does).
pub fn poll(items: &mut [Item<'_>], timeout_ms: i64) -> ZResult<usize> {
    ppoll(items, timeout_ms, None)
}

/// `poll` whose every wait runs with the signal mask `mask` in place of the
/// thread's (`zmq_ppoll`): a signal blocked elsewhere but not in `mask`
/// ends the wait with EINTR, with no window between unmasking and waiting.
pub fn ppoll(items: &mut [Item<'_>], timeout_ms: i64, mask: Option<&SigMask>) -> ZResult<usize> {
    let deadline = if timeout_ms < 0 {
        None
    } else {
        Some(Instant::now() + Duration::from_millis(timeout_ms as u64))
    };

    if items.is_empty() {
        if timeout_ms == 0 {
            return Ok(0);
        }
        loop {
            let t = match deadline {
                None => -1,
                Some(d) => {
                    let now = Instant::now();
                    if now >= d {
                        return Ok(0);
                    }
                    ms_left(d, now)
                }
            };
            sys_poll(&mut [], t, mask)?;
        }
    }

    // Resolve every socket's ZMQ_FD once; ENOTSOCK/ETERM surface here.
    // Thread-safe sockets have none: this call listens to their gates
    // with a signaler of its own (as `poller` does).
    let mut listening = Listening::default();
    let mut fds = Vec::with_capacity(items.len());
    for it in items.iter() {
        let pfd = match it.target {
            Target::Socket(s) => match s.gate() {
                Some(g) => libc::pollfd { fd: listening.add(g)?, events: libc::POLLIN, revents: 0 },
                None => libc::pollfd { fd: s.poll_fd()?, events: libc::POLLIN, revents: 0 },
            },
            Target::Fd(fd) => libc::pollfd { fd, events: fd_poll_events(it.events), revents: 0 },
        };
        fds.push(pfd);
    }

    // First pass: poll(2) with timeout 0 so raw fds are checked at once.
    let mut wait_ms: c_int = 0;
    loop {
        sys_poll(&mut fds, wait_ms, mask)?;
        listening.rearm();
        let mut n = 0;
        for (it, pfd) in items.iter_mut().zip(fds.iter()) {
            it.revents = match it.target {
                Target::Socket(s) => {
                    let ev = s.poll_events()?;
                    (ev & it.events as c_int & (ZMQ_POLLIN | ZMQ_POLLOUT)) as c_short
                }
                Target::Fd(_) => fd_revents(pfd.revents),
            };
            if it.revents != 0 {
                n += 1;
            }
        }
        if n > 0 || timeout_ms == 0 {
            return Ok(n);
        }
        // Every socket's ZMQ_EVENTS was just read, which reset its mailbox
        // fd: any later change raises a fresh edge, so sleeping is safe.
        wait_ms = match deadline {
            None => -1,
            Some(d) => {
                let now = Instant::now();
                if now >= d {
                    return Ok(0);
                }
                ms_left(d, now)
            }
        };
        for pfd in fds.iter_mut() {
            pfd.revents = 0;
        }
    }
}

/// The gates one `ppoll` call listens to, and its signaler; unregistered
/// when dropped.
#[derive(Default)]
struct Listening {
    signal: Option<std::sync::Arc<crate::io::signaler::Signaler>>,
    gates: Vec<std::sync::Arc<crate::io::gate::Gate>>,
}

impl Listening {
    /// Listens to `g`; returns the fd to poll.
    fn add(&mut self, g: std::sync::Arc<crate::io::gate::Gate>) -> ZResult<c_int> {
        let sig = match &self.signal {
            Some(s) => s.clone(),
            None => self.signal.insert(std::sync::Arc::new(crate::io::signaler::Signaler::new()?)).clone(),
        };
        g.listen(&sig);
        self.gates.push(g);
        Ok(sig.fd())
    }

    /// The sockets' events are about to be read: later changes raise the
    /// signal afresh.
    fn rearm(&self) {
        if let Some(s) = &self.signal {
            s.reset();
        }
    }
}

impl Drop for Listening {
    fn drop(&mut self) {
        if let Some(s) = &self.signal {
            for g in &self.gates {
                g.unlisten(s);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    /// A fake socket: its fd is one end of a pipe; events come from a cell.
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

    struct Dead;
    impl Pollable for Dead {
        fn poll_fd(&self) -> ZResult<c_int> {
            Err(ENOTSOCK)
        }
        fn poll_events(&self) -> ZResult<c_int> {
            Err(ENOTSOCK)
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

    #[test]
    fn socket_ready_at_once() {
        let (r, w) = pipe();
        let f = Fake { fd: r, ev: Cell::new(ZMQ_POLLIN), calls: Cell::new(0) };
        let mut items = [Item { target: Target::Socket(&f), events: ZMQ_POLLIN as c_short, revents: 0 }];
        assert_eq!(poll(&mut items, -1), Ok(1));
        assert_eq!(items[0].revents, ZMQ_POLLIN as c_short);
        close(r);
        close(w);
    }

    #[test]
    fn unrequested_events_are_masked() {
        let (r, w) = pipe();
        let f = Fake { fd: r, ev: Cell::new(ZMQ_POLLOUT), calls: Cell::new(0) };
        let mut items = [Item { target: Target::Socket(&f), events: ZMQ_POLLIN as c_short, revents: 0 }];
        assert_eq!(poll(&mut items, 0), Ok(0));
        assert_eq!(items[0].revents, 0);
        assert_eq!(poll(&mut items, 20), Ok(0));
        // Without a wake-up on its fd the socket is not re-checked in a loop.
        assert!(f.calls.get() <= 3, "busy loop: {} checks", f.calls.get());
        close(r);
        close(w);
    }

    #[test]
    fn raw_fd_readable_and_writable() {
        let (r, w) = pipe();
        let mut items = [
            Item { target: Target::Fd(r), events: ZMQ_POLLIN as c_short, revents: 0 },
            Item { target: Target::Fd(w), events: ZMQ_POLLOUT as c_short, revents: 0 },
        ];
        assert_eq!(poll(&mut items, 0), Ok(1));
        assert_eq!(items[1].revents, ZMQ_POLLOUT as c_short);
        // SAFETY: writes one byte from a valid buffer.
        assert_eq!(unsafe { libc::write(w, b"x".as_ptr() as *const _, 1) }, 1);
        assert_eq!(poll(&mut items, -1), Ok(2));
        assert_eq!(items[0].revents, ZMQ_POLLIN as c_short);
        close(w);
        // Writer closed: HUP shows up as POLLERR (plus IN for the byte left).
        let mut items = [Item { target: Target::Fd(r), events: ZMQ_POLLIN as c_short, revents: 0 }];
        assert_eq!(poll(&mut items, 0), Ok(1));
        assert_eq!(items[0].revents, (ZMQ_POLLIN | ZMQ_POLLERR) as c_short);
        close(r);
    }

    #[test]
    fn timeout_elapses() {
        let (r, w) = pipe();
        let mut items = [Item { target: Target::Fd(r), events: ZMQ_POLLIN as c_short, revents: 0 }];
        let t = Instant::now();
        assert_eq!(poll(&mut items, 30), Ok(0));
        assert!(t.elapsed() >= Duration::from_millis(30));
        let t = Instant::now();
        assert_eq!(poll(&mut [], 20), Ok(0));
        assert!(t.elapsed() >= Duration::from_millis(20));
        assert_eq!(poll(&mut [], 0), Ok(0));
        close(r);
        close(w);
    }

    #[test]
    fn socket_woken_through_its_fd() {
        let (r, w) = pipe();
        let f = Fake { fd: r, ev: Cell::new(0), calls: Cell::new(0) };
        // The fd is readable but events say nothing: poll re-checks events,
        // finds none, and keeps waiting until the deadline.
        // SAFETY: writes one byte from a valid buffer.
        assert_eq!(unsafe { libc::write(w, b"x".as_ptr() as *const _, 1) }, 1);
        let mut items = [Item { target: Target::Socket(&f), events: ZMQ_POLLIN as c_short, revents: 0 }];
        assert_eq!(poll(&mut items, 10), Ok(0));
        close(r);
        close(w);
    }

    #[test]
    fn dead_socket_is_enotsock() {
        let d = Dead;
        let mut items = [Item { target: Target::Socket(&d), events: ZMQ_POLLIN as c_short, revents: 0 }];
        assert_eq!(poll(&mut items, 0), Err(ENOTSOCK));
    }
}
