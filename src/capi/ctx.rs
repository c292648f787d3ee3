//! `zmq_ctx_*`, `zmq_init`, `zmq_term`: context entry points.

// Every function here follows libzmq's manual for its pointer arguments
// (zmq_socket.txt, zmq_ctx_new.txt, ...): that contract is the safety doc.
#![allow(clippy::missing_safety_doc)]

use super::handle;
use super::{guard_int, guard_ptr};
use crate::ctx::Ctx;
use crate::error::*;
use std::os::raw::{c_int, c_void};

#[no_mangle]
pub extern "C" fn zmq_ctx_new() -> *mut c_void {
    guard_ptr(|| Ok(handle::new_ctx(Ctx::new())))
}

#[no_mangle]
pub unsafe extern "C" fn zmq_ctx_term(context_: *mut c_void) -> c_int {
    guard_int(|| {
        // SAFETY: handle::ctx needs NULL or a context from zmq_ctx_new /
        // zmq_init (possibly terminated: slots are never freed); that is the
        // caller's contract for `context_` in every zmq_ctx_* manual page.
        // NULL is answered with EFAULT before any dereference.
        let h: &'static handle::CtxHandle = unsafe { handle::ctx(context_) }?;
        h.terminate()?;
        Ok(0)
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_ctx_shutdown(context_: *mut c_void) -> c_int {
    guard_int(|| {
        // SAFETY: handle::ctx needs NULL or a context from zmq_ctx_new /
        // zmq_init (possibly terminated: slots are never freed); that is the
        // caller's contract for `context_` in every zmq_ctx_* manual page.
        // NULL is answered with EFAULT before any dereference.
        unsafe { handle::ctx(context_) }?.get()?.shutdown();
        Ok(0)
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_ctx_set(context_: *mut c_void, option_: c_int, optval_: c_int) -> c_int {
    guard_int(|| {
        // SAFETY: handle::ctx needs NULL or a context from zmq_ctx_new /
        // zmq_init (possibly terminated: slots are never freed); that is the
        // caller's contract for `context_` in every zmq_ctx_* manual page.
        // NULL is answered with EFAULT before any dereference.
        unsafe { handle::ctx(context_) }?.get()?.set(option_, optval_)?;
        Ok(0)
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_ctx_get(context_: *mut c_void, option_: c_int) -> c_int {
    guard_int(|| {
        // SAFETY: handle::ctx needs NULL or a context from zmq_ctx_new /
        // zmq_init (possibly terminated: slots are never freed); that is the
        // caller's contract for `context_` in every zmq_ctx_* manual page.
        // NULL is answered with EFAULT before any dereference.
        unsafe { handle::ctx(context_) }?.get()?.get(option_)
    })
}

#[no_mangle]
pub extern "C" fn zmq_init(io_threads_: c_int) -> *mut c_void {
    guard_ptr(|| {
        if io_threads_ < 0 {
            return Err(EINVAL);
        }
        let c = Ctx::new();
        c.set(crate::constants::ZMQ_IO_THREADS, io_threads_)?;
        Ok(handle::new_ctx(c))
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_term(context_: *mut c_void) -> c_int {
    // SAFETY: zmq_term(3) has zmq_ctx_term(3)'s contract (NULL or a context
    // from zmq_ctx_new/zmq_init), forwarded unchanged.
    unsafe { zmq_ctx_term(context_) }
}

#[no_mangle]
pub unsafe extern "C" fn zmq_ctx_destroy(context_: *mut c_void) -> c_int {
    // SAFETY: zmq_ctx_destroy(3) has zmq_ctx_term(3)'s contract (NULL or a
    // context from zmq_ctx_new/zmq_init), forwarded unchanged.
    unsafe { zmq_ctx_term(context_) }
}

/// Sets a context option from a value of `optvallen_` bytes (DRAFT).
///
/// An `int`-sized value is `zmq_ctx_set`'s integer; ZMQ_THREAD_NAME_PREFIX
/// also takes a string of 1 to 16 bytes.
#[no_mangle]
pub unsafe extern "C" fn zmq_ctx_set_ext(
    context_: *mut c_void,
    option_: c_int,
    optval_: *const c_void,
    optvallen_: usize,
) -> c_int {
    guard_int(|| {
        // SAFETY: handle::ctx needs NULL or a context from zmq_ctx_new /
        // zmq_init (possibly terminated: slots are never freed); that is the
        // caller's contract for `context_` (zmq_ctx_set_ext(3)).
        let c = unsafe { handle::ctx(context_) }?.get()?;
        if optval_.is_null() {
            return Err(if optvallen_ == 0 { EINVAL } else { EFAULT });
        }
        // SAFETY: zmq_ctx_set_ext(3): `optval_` (non-NULL) points to
        // `optvallen_` readable bytes, only read during this call.
        let v = unsafe { std::slice::from_raw_parts(optval_ as *const u8, optvallen_) };
        c.set_ext(option_, v)?;
        Ok(0)
    })
}

/// Reads a context option into `optval_` (`*optvallen_` bytes; DRAFT).
///
/// An `int`-sized buffer gets `zmq_ctx_get`'s integer; a longer one
/// ZMQ_THREAD_NAME_PREFIX's bytes, as libzmq without a NUL added and with
/// `*optvallen_` left as it was.
#[no_mangle]
pub unsafe extern "C" fn zmq_ctx_get_ext(
    context_: *mut c_void,
    option_: c_int,
    optval_: *mut c_void,
    optvallen_: *mut usize,
) -> c_int {
    guard_int(|| {
        // SAFETY: as in zmq_ctx_set_ext.
        let c = unsafe { handle::ctx(context_) }?.get()?;
        if optval_.is_null() || optvallen_.is_null() {
            return Err(EFAULT);
        }
        // SAFETY: zmq_ctx_get_ext(3): `optvallen_` (non-NULL) points to the
        // size of the buffer at `optval_` (non-NULL), which is writable for
        // that many bytes during this call.
        let buf = unsafe { std::slice::from_raw_parts_mut(optval_ as *mut u8, *optvallen_) };
        c.get_ext(option_, buf)?;
        Ok(0)
    })
}
