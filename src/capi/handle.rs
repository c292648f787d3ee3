//! Handles given to C: contexts and sockets.
//!
//! A handle is a small tagged slot that is recycled, never returned to the
//! allocator, so a call on a closed socket (or a pointer that is not ours
//! but points at one of our slots) finds a dead tag and gets ENOTSOCK /
//! EFAULT instead of reading freed memory. Like libzmq, a pointer that was
//! never a handle is still undefined behaviour; NULL is always caught.
//!
//! A socket slot is guarded by a one-word lock taken for every call. Like
//! libzmq, sockets are not meant to be used by two threads at once, so the
//! lock is nearly always free: taking it is one atomic swap and releasing
//! it a plain release store (no second read-modify-write that would wait
//! for the caller's buffered stores to drain, as a mutex unlock does). A
//! caller that does find it taken (two threads misusing one socket) backs
//! off, spinning briefly, then yielding, then sleeping, until it is free.

use crate::ctx::Ctx;
use crate::error::*;
use crate::socket::base::SocketBase;
use std::cell::UnsafeCell;
use std::os::raw::c_void;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

const SOCKET_LIVE: u32 = 0xbaddecaf;
const CTX_LIVE: u32 = 0xabadcafe;
const DEAD: u32 = 0xdeadbeef;

pub struct SocketHandle {
    tag: AtomicU32,
    /// A call on this socket panicked (a bug): its state cannot be trusted,
    /// so every later call fails with EFAULT; only `zmq_close` still works.
    broken: AtomicBool,
    inner: SocketCell<SocketBase>,
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

pub struct CtxHandle {
    tag: AtomicU32,
    inner: Mutex<Option<Arc<Ctx>>>,
}

static FREE_SOCKETS: Mutex<Vec<usize>> = Mutex::new(Vec::new());
static FREE_CTXS: Mutex<Vec<usize>> = Mutex::new(Vec::new());

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

pub fn new_socket(s: SocketBase) -> *mut c_void {
    let slot = lock(&FREE_SOCKETS).pop();
    let h: &'static SocketHandle = match slot {
        // SAFETY: free-list entries are leaked SocketHandles, never freed.
        Some(p) => unsafe { &*(p as *const SocketHandle) },
        None => Box::leak(Box::new(SocketHandle {
            tag: AtomicU32::new(DEAD),
            broken: AtomicBool::new(false),
            inner: SocketCell::new(),
        })),
    };
    h.broken.store(false, Ordering::Relaxed);
    *h.inner.lock() = Some(s);
    h.tag.store(SOCKET_LIVE, Ordering::Release);
    h as *const SocketHandle as *mut c_void
}

/// Resolves a C socket pointer.
///
/// # Safety
/// `p` must be NULL or a pointer returned by `zmq_socket` (possibly closed).
pub unsafe fn socket(p: *mut c_void) -> ZResult<&'static SocketHandle> {
    if p.is_null() {
        return Err(ENOTSOCK);
    }
    let h = &*(p as *const SocketHandle);
    if h.tag.load(Ordering::Acquire) != SOCKET_LIVE {
        return Err(ENOTSOCK);
    }
    Ok(h)
}

impl SocketHandle {
    /// Runs `f` on the live socket. A panic in `f` marks the socket broken
    /// (EFAULT now and for every later call but `zmq_close`).
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

    /// Closes the socket and recycles the slot. A broken socket's close
    /// that panics too leaves its resources behind, never the caller.
    pub fn close(&'static self) -> ZResult<()> {
        let s = {
            let mut g = self.inner.lock();
            let s = g.take().ok_or(ENOTSOCK)?;
            self.tag.store(DEAD, Ordering::Release);
            s
        };
        let _ = catch_unwind(AssertUnwindSafe(move || s.close()));
        lock(&FREE_SOCKETS).push(self as *const SocketHandle as usize);
        Ok(())
    }
}

pub fn new_ctx(c: Arc<Ctx>) -> *mut c_void {
    let slot = lock(&FREE_CTXS).pop();
    let h: &'static CtxHandle = match slot {
        // SAFETY: free-list entries are leaked CtxHandles, never freed.
        Some(p) => unsafe { &*(p as *const CtxHandle) },
        None => Box::leak(Box::new(CtxHandle { tag: AtomicU32::new(DEAD), inner: Mutex::new(None) })),
    };
    *lock(&h.inner) = Some(c);
    h.tag.store(CTX_LIVE, Ordering::Release);
    h as *const CtxHandle as *mut c_void
}

/// Resolves a C context pointer.
///
/// # Safety
/// `p` must be NULL or a pointer returned by `zmq_ctx_new` (possibly terminated).
pub unsafe fn ctx(p: *mut c_void) -> ZResult<&'static CtxHandle> {
    if p.is_null() {
        return Err(EFAULT);
    }
    let h = &*(p as *const CtxHandle);
    if h.tag.load(Ordering::Acquire) != CTX_LIVE {
        return Err(EFAULT);
    }
    Ok(h)
}

impl CtxHandle {
    pub fn get(&self) -> ZResult<Arc<Ctx>> {
        lock(&self.inner).clone().ok_or(EFAULT)
    }

    /// Terminates the context and, when done, recycles the slot.
    pub fn terminate(&'static self) -> ZResult<()> {
        let c = self.get()?;
        c.terminate()?;
        let mut g = lock(&self.inner);
        if g.take().is_some() {
            self.tag.store(DEAD, Ordering::Release);
            drop(g);
            lock(&FREE_CTXS).push(self as *const CtxHandle as usize);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A call that panics breaks only its socket: later calls fail with
    /// EFAULT, close still works, other sockets are untouched, and the
    /// slot serves a new socket normally.
    #[test]
    fn a_panicking_call_marks_the_socket_broken() {
        use crate::constants::{ZMQ_PAIR, ZMQ_PUSH};
        let ctx = Ctx::new();
        let a = new_socket(SocketBase::new(ctx.clone(), ZMQ_PUSH).unwrap());
        let b = new_socket(SocketBase::new(ctx.clone(), ZMQ_PAIR).unwrap());
        // SAFETY: both pointers come from new_socket.
        let (ha, hb) = unsafe { (socket(a).unwrap(), socket(b).unwrap()) };
        let r: ZResult<()> = ha.with(|_| panic!("injected"));
        assert_eq!(r, Err(EFAULT));
        assert_eq!(ha.with(|s| s.events()), Err(EFAULT));
        assert!(hb.with(|s| s.events()).is_ok());
        ha.close().unwrap();
        let c = new_socket(SocketBase::new(ctx.clone(), ZMQ_PUSH).unwrap());
        // SAFETY: from new_socket.
        let hc = unsafe { socket(c).unwrap() };
        assert!(hc.with(|s| s.events()).is_ok());
        hb.close().unwrap();
        hc.close().unwrap();
        ctx.terminate().unwrap();
    }

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
