//! The `extern "C"` boundary: pointer checks, errno, and `catch_unwind`.
//!
//! Owns: converting C arguments into Rust values and Rust results into
//! libzmq's return conventions (-1/NULL plus errno). Nothing else: no
//! routing, no protocol. Every exported function goes through one of the
//! guards below so that no panic ever crosses into C.

use crate::error::{set_errno, ZResult};
use std::os::raw::c_int;
use std::panic::{catch_unwind, AssertUnwindSafe};

pub mod ctx;
pub mod handle;
pub mod msg;
pub mod poll;
pub mod poller;
pub mod proxy;
pub mod socket;
pub mod util;

/// Runs `f`; returns its value, or -1 with errno set on error or panic.
pub(crate) fn guard_int(f: impl FnOnce() -> ZResult<c_int>) -> c_int {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(v)) => v,
        Ok(Err(e)) => {
            set_errno(e);
            -1
        }
        Err(_) => {
            set_errno(libc::EFAULT);
            -1
        }
    }
}

/// Runs `f`; returns its pointer, or NULL with errno set on error or panic.
pub(crate) fn guard_ptr<T>(f: impl FnOnce() -> ZResult<*mut T>) -> *mut T {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(v)) => v,
        Ok(Err(e)) => {
            set_errno(e);
            std::ptr::null_mut()
        }
        Err(_) => {
            set_errno(libc::EFAULT);
            std::ptr::null_mut()
        }
    }
}

/// Runs `f` for functions with no error channel; a panic is swallowed.
pub(crate) fn guard_void(f: impl FnOnce()) {
    let _ = catch_unwind(AssertUnwindSafe(f));
}
