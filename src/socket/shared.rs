//! A socket as the C API shares it: the one-word lock every call takes,
//! and the "broken" mark a panicking call leaves.
//!
//! Like libzmq, sockets are not meant to be used by two threads at once,
//! so the lock is nearly always free: taking it is one atomic swap and
//! releasing it a plain release store (no second read-modify-write that
//! would wait for the caller's buffered stores to drain, as a mutex unlock
//! does). A caller that does find it taken (two threads misusing one
//! socket) backs off, spinning briefly, then yielding, then sleeping, until
//! it is free.
//!
//! The thread-safe DRAFT types (SERVER, CLIENT, ...) are meant to be used
//! by several threads at once: for them a blocking send or receive
//! (`with_blocking`) never waits under the lock; it releases it and sleeps
//! on the socket's gate (`io::gate`) until something changed, then tries
//! again, so the other threads go on meanwhile.
//!
//! Owns: exclusive access to a `SocketBase`, waiting without the lock for
//! thread-safe sockets, and containing panics of the calls made through it. Must not: know C pointers (`capi::handle` maps
//! those to a `SharedSocket`).

use super::base::SocketBase;
use crate::constants::ZMQ_DONTWAIT;
use crate::error::*;
use crate::io::gate::Gate;
use std::os::raw::c_int;
use std::sync::Arc;
use std::time::Instant;
use std::cell::UnsafeCell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// A socket behind its lock (see the module doc).
pub struct SharedSocket {
    /// A call on this socket panicked (a bug): its state cannot be trusted,
    /// so every later call fails with EFAULT; only `take` (close) still works.
    broken: AtomicBool,
    inner: SocketCell<SocketBase>,
}

impl Default for SharedSocket {
    fn default() -> Self {
        SharedSocket::new()
    }
}

impl SharedSocket {
    /// An empty slot.
    pub fn new() -> SharedSocket {
        SharedSocket { broken: AtomicBool::new(false), inner: SocketCell::new() }
    }

    /// Puts a (new) socket in the slot.
    pub fn set(&self, s: SocketBase) {
        self.broken.store(false, Ordering::Relaxed);
        *self.inner.lock() = Some(s);
    }

    /// Takes the socket out (to close it); None when the slot is empty.
    /// `and` runs while the lock is still held.
    pub fn take(&self, and: impl FnOnce()) -> Option<SocketBase> {
        let mut g = self.inner.lock();
        let s = g.take();
        if s.is_some() {
            and();
        }
        s
    }

    /// Runs `f` on the socket. A panic in `f` marks the socket broken
    /// (EFAULT now and for every later call but `take`).
    pub fn with<R>(&self, f: impl FnOnce(&mut SocketBase) -> ZResult<R>) -> ZResult<R> {
        let mut g = self.inner.lock();
        let Some(s) = g.as_mut() else { return Err(ENOTSOCK) };
        if self.broken.load(Ordering::Relaxed) {
            return Err(EFAULT);
        }
        match catch_unwind(AssertUnwindSafe(|| f(s))) {
            Ok(r) => r,
            Err(_) => {
                self.broken.store(true, Ordering::Relaxed);
                Err(EFAULT)
            }
        }
    }
}

/// What one locked attempt of `with_blocking` decided.
enum Step<R> {
    Done(ZResult<R>),
    /// Would block: sleep on the gate past `seen`, for `timeout` ms (-1:
    /// no limit), then try again.
    Wait { gate: Arc<Gate>, seen: u64, timeout: c_int },
}

impl SharedSocket {
    /// Runs a send (`send`: true) or receive that may block, `f` being
    /// called with the socket and the flags to use. Other sockets block
    /// inside `f` as always. A thread-safe socket is tried without waiting
    /// (ZMQ_DONTWAIT); when it would block, the lock is released while the
    /// caller sleeps on the gate until a command arrives or the timeout
    /// (ZMQ_SNDTIMEO / ZMQ_RCVTIMEO, read at the first attempt) passes.
    pub fn with_blocking<R>(
        &self,
        flags: c_int,
        send: bool,
        mut f: impl FnMut(&mut SocketBase, c_int) -> ZResult<R>,
    ) -> ZResult<R> {
        let mut deadline: Option<Option<Instant>> = None;
        loop {
            let step = self.with(|s| {
                let Some(gate) = s.gate().cloned() else { return Ok(Step::Done(f(s, flags))) };
                // Read before trying: a command that comes after this
                // moves the generation, so the wait below cannot miss it.
                let seen = gate.generation();
                match f(s, flags | ZMQ_DONTWAIT) {
                    Err(e) if e == EAGAIN && flags & ZMQ_DONTWAIT == 0 => {
                        let timeout = if send { s.options.sndtimeo } else { s.options.rcvtimeo };
                        Ok(Step::Wait { gate, seen, timeout })
                    }
                    r => Ok(Step::Done(r)),
                }
            })?;
            match step {
                Step::Done(r) => return r,
                Step::Wait { gate, seen, timeout } => {
                    let d = *deadline.get_or_insert_with(|| {
                        (timeout >= 0).then(|| Instant::now() + Duration::from_millis(timeout as u64))
                    });
                    if !gate.wait_past(seen, d) {
                        return Err(EAGAIN);
                    }
                }
            }
        }
    }
}

/// The socket of a slot behind the one-word lock described above.
struct SocketCell<T> {
    busy: AtomicBool,
    socket: UnsafeCell<Option<T>>,
}

// SAFETY: `socket` is only reached through `SocketCell::lock`, which hands
// out one guard at a time (the `busy` swap is the acquire, the guard's drop
// the release), so the socket is never used by two threads at once.
unsafe impl<T: Send> Sync for SocketCell<T> {}

struct SocketGuard<'a, T> {
    cell: &'a SocketCell<T>,
}

impl<T> SocketCell<T> {
    fn new() -> SocketCell<T> {
        SocketCell { busy: AtomicBool::new(false), socket: UnsafeCell::new(None) }
    }

    #[inline]
    fn lock(&self) -> SocketGuard<'_, T> {
        if self.busy.swap(true, Ordering::Acquire) {
            self.lock_contended();
        }
        SocketGuard { cell: self }
    }

    #[cold]
    fn lock_contended(&self) {
        let mut tries = 0u32;
        loop {
            if !self.busy.load(Ordering::Relaxed) && !self.busy.swap(true, Ordering::Acquire) {
                return;
            }
            tries += 1;
            if tries < 100 {
                std::hint::spin_loop();
            } else if tries < 200 {
                std::thread::yield_now();
            } else {
                std::thread::sleep(Duration::from_micros(200));
            }
        }
    }
}

impl<T> std::ops::Deref for SocketGuard<'_, T> {
    type Target = Option<T>;
    fn deref(&self) -> &Option<T> {
        // SAFETY: this guard holds the lock (see `SocketCell`).
        unsafe { &*self.cell.socket.get() }
    }
}

impl<T> std::ops::DerefMut for SocketGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut Option<T> {
        // SAFETY: this guard holds the lock (see `SocketCell`).
        unsafe { &mut *self.cell.socket.get() }
    }
}

impl<T> Drop for SocketGuard<'_, T> {
    #[inline]
    fn drop(&mut self) {
        self.cell.busy.store(false, Ordering::Release);
    }
}


#[cfg(test)]
mod tests {
    use super::*;

    /// Two threads misusing one socket at once are serialised: every
    /// increment made under the lock survives (no torn update, no crash).
    #[test]
    fn socket_lock_serialises_concurrent_callers() {
        let cell = Arc::new(SocketCell::<u64>::new());
        *cell.lock() = Some(0);
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let cell = cell.clone();
                std::thread::spawn(move || {
                    for _ in 0..20_000 {
                        let mut g = cell.lock();
                        let v = g.as_mut().unwrap();
                        // A read-modify-write that two holders would tear.
                        let x = *v;
                        std::hint::black_box(x);
                        *v = x + 1;
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(*cell.lock(), Some(80_000));
    }
}
