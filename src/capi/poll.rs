//! `zmq_poll` and `zmq_ppoll` (DRAFT) at the C boundary: `zmq_pollitem_t`
//! and its conversion into `crate::poll::Item`s.
//!
//! Owns: the C layout of `zmq_pollitem_t` and the pointer checks. The wait
//! loop itself lives in `crate::poll`.

use super::{guard_int, handle};
use crate::error::*;
use crate::poll::{ppoll, Item, SigMask, Target};
use std::os::raw::{c_int, c_long, c_short, c_void};

/// A file descriptor as libzmq's API takes it (POSIX: an `int`).
#[allow(non_camel_case_types)]
pub type zmq_fd_t = c_int;

/// libzmq's poll item (POSIX layout: the fd is an `int`).
#[repr(C)]
#[allow(non_camel_case_types)]
pub struct zmq_pollitem_t {
    pub socket: *mut c_void,
    pub fd: c_int,
    pub events: c_short,
    pub revents: c_short,
}

/// # Safety
/// `items_` must point to `nitems_` poll items whose `socket` members are
/// NULL or `zmq_socket` handles (libzmq's contract).
#[no_mangle]
pub unsafe extern "C" fn zmq_poll(items_: *mut zmq_pollitem_t, nitems_: c_int, timeout_: c_long) -> c_int {
    // SAFETY: our caller's contract is poll_c's, with no signal mask.
    unsafe { poll_c(items_, nitems_, timeout_, std::ptr::null()) }
}

/// `zmq_poll` waiting with the signal mask `sigmask_` (unless NULL).
///
/// The mask replaces the thread's for each wait, atomically as `ppoll(2)`.
///
/// # Safety
/// As `zmq_poll`; `sigmask_` must be NULL or point to a valid `sigset_t`.
#[no_mangle]
pub unsafe extern "C" fn zmq_ppoll(
    items_: *mut zmq_pollitem_t,
    nitems_: c_int,
    timeout_: c_long,
    sigmask_: *const sigset_t,
) -> c_int {
    // SAFETY: forwarded from our caller.
    unsafe { poll_c(items_, nitems_, timeout_, sigmask_) }
}

/// The signal set type `zmq_ppoll` takes (named as in C for the header).
#[allow(non_camel_case_types)]
pub type sigset_t = SigMask;

/// # Safety
/// As `zmq_ppoll`.
unsafe fn poll_c(items_: *mut zmq_pollitem_t, nitems_: c_int, timeout_: c_long, sigmask_: *const SigMask) -> c_int {
    guard_int(|| {
        if nitems_ < 0 {
            return Err(EINVAL);
        }
        if nitems_ > 0 && items_.is_null() {
            return Err(EFAULT);
        }
        // SAFETY: zmq_ppoll(3): NULL or a valid signal set, only read
        // during this call.
        let mask = unsafe { sigmask_.as_ref() };
        let c_items: &mut [zmq_pollitem_t] = if nitems_ == 0 {
            &mut []
        } else {
            // SAFETY: zmq_poll(3): `items_` (non-NULL, checked above) is an
            // array of `nitems_` (> 0 here, so the cast is exact) poll items
            // that the caller does not touch until we return; we read them
            // and write back only their `revents`.
            unsafe { std::slice::from_raw_parts_mut(items_, nitems_ as usize) }
        };
        let mut items = Vec::with_capacity(c_items.len());
        for ci in c_items.iter() {
            let target = if ci.socket.is_null() {
                Target::Fd(ci.fd)
            } else {
                // SAFETY: zmq_poll(3): a non-NULL `socket` member is a socket
                // from zmq_socket (a closed one gets ENOTSOCK), which is
                // handle::socket's contract; the handle it returns is 'static.
                Target::Socket(&**unsafe { handle::socket(ci.socket) }?)
            };
            items.push(Item { target, events: ci.events, revents: 0 });
        }
        #[allow(clippy::useless_conversion)] // c_long is 32-bit on some targets
        let n = ppoll(&mut items, i64::from(timeout_), mask)?;
        for (ci, it) in c_items.iter_mut().zip(items.iter()) {
            ci.revents = it.revents;
        }
        Ok(n.min(c_int::MAX as usize) as c_int)
    })
}
