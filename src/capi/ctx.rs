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
