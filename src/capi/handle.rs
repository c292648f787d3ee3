//! Handles given to C: contexts and sockets.
//!
//! A handle is a small tagged slot that is recycled, never returned to the
//! allocator, so a call on a closed socket (or a pointer that is not ours
//! but points at one of our slots) finds a dead tag and gets ENOTSOCK /
//! EFAULT instead of reading freed memory. Like libzmq, a pointer that was
//! never a handle is still undefined behaviour; NULL is always caught.
//!
//! A socket slot holds a `socket::shared::SharedSocket`: the lock every
//! call takes and the mark a panicking call leaves.

use crate::ctx::Ctx;
use crate::error::*;
use crate::socket::base::SocketBase;
use crate::socket::shared::SharedSocket;
use std::os::raw::c_void;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

const SOCKET_LIVE: u32 = 0xbaddecaf;
const CTX_LIVE: u32 = 0xabadcafe;
const DEAD: u32 = 0xdeadbeef;

pub struct SocketHandle {
    tag: AtomicU32,
    inner: SharedSocket,
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
        // SAFETY: FREE_SOCKETS only ever receives `self` from
        // `SocketHandle::close`, i.e. the address of a `Box::leak`ed
        // SocketHandle, which is never freed: valid and aligned for 'static.
        Some(p) => unsafe { &*(p as *const SocketHandle) },
        None => Box::leak(Box::new(SocketHandle { tag: AtomicU32::new(DEAD), inner: SharedSocket::new() })),
    };
    h.inner.set(s);
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
    // SAFETY: `p` is non-NULL and, per the caller's contract (zmq_socket(3):
    // the argument is a socket zmq_socket returned), points at a slot made
    // by `new_socket`. Slots are leaked and only recycled, never freed, so
    // even a closed socket's pointer is a live, aligned `SocketHandle` for
    // 'static; it is only shared (`&`), its fields being atomics and locks.
    // The tag below tells a live socket from a closed one.
    let h = unsafe { &*(p as *const SocketHandle) };
    if h.tag.load(Ordering::Acquire) != SOCKET_LIVE {
        return Err(ENOTSOCK);
    }
    Ok(h)
}

impl std::ops::Deref for SocketHandle {
    type Target = SharedSocket;
    fn deref(&self) -> &SharedSocket {
        &self.inner
    }
}

impl SocketHandle {
    /// Closes the socket and recycles the slot. A broken socket's close
    /// that panics too leaves its resources behind, never the caller.
    pub fn close(&'static self) -> ZResult<()> {
        let s = self.inner.take(|| self.tag.store(DEAD, Ordering::Release)).ok_or(ENOTSOCK)?;
        let _ = catch_unwind(AssertUnwindSafe(move || s.close()));
        lock(&FREE_SOCKETS).push(self as *const SocketHandle as usize);
        Ok(())
    }
}

pub fn new_ctx(c: Arc<Ctx>) -> *mut c_void {
    let slot = lock(&FREE_CTXS).pop();
    let h: &'static CtxHandle = match slot {
        // SAFETY: FREE_CTXS only ever receives `self` from
        // `CtxHandle::terminate`, i.e. the address of a `Box::leak`ed
        // CtxHandle, which is never freed: valid and aligned for 'static.
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
    // SAFETY: `p` is non-NULL and, per the caller's contract (zmq_ctx_new(3):
    // the argument is a context zmq_ctx_new returned), points at a slot made
    // by `new_ctx`. Slots are leaked and only recycled, never freed, so even
    // a terminated context's pointer is a live, aligned `CtxHandle` for
    // 'static; it is only shared (`&`), its fields being an atomic and a
    // mutex. The tag below tells a live context from a terminated one.
    let h = unsafe { &*(p as *const CtxHandle) };
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
        // SAFETY: both pointers were just returned by new_socket (leaked,
        // never-freed slots), which is what handle::socket requires.
        let (ha, hb) = unsafe { (socket(a).unwrap(), socket(b).unwrap()) };
        let r: ZResult<()> = ha.with(|_| panic!("injected"));
        assert_eq!(r, Err(EFAULT));
        assert_eq!(ha.with(|s| s.events()), Err(EFAULT));
        assert!(hb.with(|s| s.events()).is_ok());
        ha.close().unwrap();
        let c = new_socket(SocketBase::new(ctx.clone(), ZMQ_PUSH).unwrap());
        // SAFETY: `c` was just returned by new_socket, as handle::socket requires.
        let hc = unsafe { socket(c).unwrap() };
        assert!(hc.with(|s| s.events()).is_ok());
        hb.close().unwrap();
        hc.close().unwrap();
        ctx.terminate().unwrap();
    }

}
