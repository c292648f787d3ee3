//! `zmq_poller_*` (DRAFT) at the C boundary.
//!
//! Owns: the poller handle given to C (a tag first, as libzmq's
//! `socket_poller_t`, so NULL, a destroyed poller or a pointer to some
//! other word gets EFAULT), the C layout of `zmq_poller_event_t`, and the
//! mapping of socket pointers to `crate::poll::poller::Watched` entries
//! (keyed by the pointer, as libzmq's registrations are). The registration
//! rules and the wait loop live in `crate::poll::poller`.
//!
//! `zmq_poller_fd`: as libzmq, a poller has a file descriptor only while
//! it holds a thread-safe socket (SERVER, CLIENT, RADIO, DISH...); else
//! EINVAL (EFAULT for a bad poller).
//!
//! Every function's safety contract is zmq_poller(3)'s: a poller argument
//! is NULL or a poller from `zmq_poller_new`, a socket NULL or a socket,
//! an events array as long as the count given.

#![allow(clippy::missing_safety_doc)]

use super::poll::zmq_fd_t;
use super::{guard_int, guard_ptr, handle};
use crate::error::*;
use crate::poll::poller::{Poller, Ready, Watched};
use std::os::raw::{c_int, c_long, c_short, c_void};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;

/// libzmq's poller event (POSIX layout: the fd is an `int`).
#[repr(C)]
#[allow(non_camel_case_types)]
pub struct zmq_poller_event_t {
    pub socket: *mut c_void,
    pub fd: zmq_fd_t,
    pub user_data: *mut c_void,
    pub events: c_short,
}

const POLLER_LIVE: u32 = 0xCAFE_BABE;
const POLLER_DEAD: u32 = 0xDEAD_BEEF;

/// What a `void *poller` points to. The tag comes first so that a stale or
/// foreign pointer is (usually) refused with EFAULT, as libzmq does.
#[repr(C)]
struct PollerHandle {
    tag: AtomicU32,
    /// The registrations (user data and socket keys are the C pointers as
    /// integers) and the buffer `wait` fills. A poller is used by one
    /// thread at a time (zmq_poller(3)); a second thread finding it busy
    /// gets EFAULT rather than a data race.
    inner: Mutex<(Poller<'static, usize>, Vec<Ready<'static, usize>>)>,
}

/// Resolves a C poller pointer; EFAULT for NULL or a destroyed poller.
///
/// # Safety
/// `p` must be NULL, a live handle from `zmq_poller_new`, or at least point
/// to 4 readable, 4-aligned bytes; a live handle must not be destroyed
/// while the returned borrow lives (zmq_poller(3): one thread at a time).
unsafe fn poller_handle<'a>(p: *mut c_void) -> ZResult<&'a PollerHandle> {
    let h = p.cast::<PollerHandle>();
    if h.is_null() {
        return Err(EFAULT);
    }
    // SAFETY: non-NULL; the caller guarantees the first 4 bytes are
    // readable and aligned, and `tag` is the first field of the #[repr(C)]
    // PollerHandle, so only those bytes are read (as an atomic, the way
    // the handle's own tag is written).
    let tag = unsafe { (*h.cast::<AtomicU32>()).load(Ordering::Acquire) };
    if tag != POLLER_LIVE {
        return Err(EFAULT);
    }
    // SAFETY: the tag says this is a live handle from zmq_poller_new (a
    // destroyed one is freed, which the caller excludes, or tagged dead);
    // valid for 'a by the caller's contract; shared only, its fields being
    // an atomic and a mutex.
    Ok(unsafe { &*h })
}

/// Runs `f` on the poller behind `p`.
///
/// # Safety
/// As [`poller_handle`].
unsafe fn with_poller<T>(
    p: *mut c_void,
    f: impl FnOnce(&mut Poller<'static, usize>, &mut Vec<Ready<'static, usize>>) -> ZResult<T>,
) -> ZResult<T> {
    // SAFETY: forwarded from our caller.
    let h = unsafe { poller_handle(p) }?;
    let mut g = match h.inner.try_lock() {
        Ok(g) => g,
        Err(std::sync::TryLockError::Poisoned(e)) => e.into_inner(),
        Err(std::sync::TryLockError::WouldBlock) => return Err(EFAULT),
    };
    let (poller, out) = &mut *g;
    f(poller, out)
}

/// The poller entry for a C socket pointer; ENOTSOCK for NULL or a closed
/// socket.
///
/// # Safety
/// `s` must be NULL or a socket from `zmq_socket` (possibly closed).
unsafe fn socket_entry(s: *mut c_void) -> ZResult<Watched<'static>> {
    // SAFETY: forwarded from our caller (handle::socket's contract); the
    // handle it returns is 'static (slots are never freed).
    let h = unsafe { handle::socket(s) }?;
    Ok(Watched::Socket { key: s as usize, socket: &**h })
}

#[no_mangle]
pub extern "C" fn zmq_poller_new() -> *mut c_void {
    guard_ptr(|| {
        let h = PollerHandle {
            tag: AtomicU32::new(POLLER_LIVE),
            inner: Mutex::new((Poller::new(), Vec::new())),
        };
        Ok(Box::into_raw(Box::new(h)).cast::<c_void>())
    })
}

/// Destroys the poller and sets `*poller_p` to NULL.
#[no_mangle]
pub unsafe extern "C" fn zmq_poller_destroy(poller_p: *mut *mut c_void) -> c_int {
    guard_int(|| {
        if poller_p.is_null() {
            return Err(EFAULT);
        }
        // SAFETY: zmq_poller(3): `poller_p` points to a `void *`.
        let p = unsafe { *poller_p };
        // SAFETY: `p` is NULL or a poller from zmq_poller_new.
        let h = unsafe { poller_handle(p) }?;
        h.tag.store(POLLER_DEAD, Ordering::Release);
        // SAFETY: the handle came from Box::into_raw in zmq_poller_new and
        // its tag was live, so it was not freed; zmq_poller(3) has one
        // thread use a poller, so no other call holds it now. `h` is not
        // used after this point.
        drop(unsafe { Box::from_raw(p.cast::<PollerHandle>()) });
        // SAFETY: as above, `poller_p` is writable.
        unsafe { *poller_p = std::ptr::null_mut() };
        Ok(0)
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_poller_size(poller: *mut c_void) -> c_int {
    guard_int(|| {
        // SAFETY: `poller` is NULL or a poller from zmq_poller_new.
        unsafe { with_poller(poller, |p, _| Ok(p.size().min(c_int::MAX as usize) as c_int)) }
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_poller_add(
    poller: *mut c_void,
    socket: *mut c_void,
    user_data: *mut c_void,
    events: c_short,
) -> c_int {
    guard_int(|| {
        // SAFETY: `poller` is NULL or a poller from zmq_poller_new; checked
        // first (EFAULT before ENOTSOCK, as libzmq).
        unsafe { poller_handle(poller) }?;
        // SAFETY: zmq_poller(3): `socket` is NULL or a socket.
        let what = unsafe { socket_entry(socket) }?;
        // SAFETY: as above.
        unsafe { with_poller(poller, |p, _| p.add(what, user_data as usize, events).map(|()| 0)) }
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_poller_modify(poller: *mut c_void, socket: *mut c_void, events: c_short) -> c_int {
    guard_int(|| {
        // SAFETY: as in zmq_poller_add.
        unsafe { poller_handle(poller) }?;
        // SAFETY: as in zmq_poller_add.
        let what = unsafe { socket_entry(socket) }?;
        // SAFETY: as in zmq_poller_add.
        unsafe { with_poller(poller, |p, _| p.modify(&what, events).map(|()| 0)) }
    })
}

/// Unregisters a socket. One closed while registered (which zmq_poller(3)
/// forbids) is still removed; otherwise ENOTSOCK for a closed socket.
#[no_mangle]
pub unsafe extern "C" fn zmq_poller_remove(poller: *mut c_void, socket: *mut c_void) -> c_int {
    guard_int(|| {
        // SAFETY: as in zmq_poller_add.
        unsafe { poller_handle(poller) }?;
        // SAFETY: as in zmq_poller_add.
        match unsafe { socket_entry(socket) } {
            // SAFETY: as in zmq_poller_add.
            Ok(what) => unsafe { with_poller(poller, |p, _| p.remove(&what).map(|()| 0)) },
            // SAFETY: as in zmq_poller_add.
            Err(e) if !socket.is_null() => unsafe {
                with_poller(poller, |p, _| p.remove_socket(socket as usize).map(|()| 0).map_err(|_| e))
            },
            Err(e) => Err(e),
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_poller_add_fd(
    poller: *mut c_void,
    fd: zmq_fd_t,
    user_data: *mut c_void,
    events: c_short,
) -> c_int {
    guard_int(|| {
        // SAFETY: `poller` is NULL or a poller from zmq_poller_new.
        unsafe { with_poller(poller, |p, _| p.add(Watched::Fd(fd), user_data as usize, events).map(|()| 0)) }
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_poller_modify_fd(poller: *mut c_void, fd: zmq_fd_t, events: c_short) -> c_int {
    guard_int(|| {
        // SAFETY: `poller` is NULL or a poller from zmq_poller_new.
        unsafe { with_poller(poller, |p, _| p.modify(&Watched::Fd(fd), events).map(|()| 0)) }
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_poller_remove_fd(poller: *mut c_void, fd: zmq_fd_t) -> c_int {
    guard_int(|| {
        // SAFETY: `poller` is NULL or a poller from zmq_poller_new.
        unsafe { with_poller(poller, |p, _| p.remove(&Watched::Fd(fd)).map(|()| 0)) }
    })
}

/// The C event for one signalled entry (libzmq: fd -1 for a socket,
/// socket NULL for an fd).
fn c_event(r: &Ready<'_, usize>) -> zmq_poller_event_t {
    let (socket, fd) = match r.what {
        Watched::Socket { key, .. } => (key as *mut c_void, -1),
        Watched::Fd(fd) => (std::ptr::null_mut(), fd),
    };
    zmq_poller_event_t { socket, fd, user_data: r.user as *mut c_void, events: r.events }
}

/// An unused event slot, as libzmq leaves it.
fn empty_event() -> zmq_poller_event_t {
    zmq_poller_event_t { socket: std::ptr::null_mut(), fd: -1, user_data: std::ptr::null_mut(), events: 0 }
}

/// Waits and writes up to `n` events to `events` (then clears the rest of
/// the `n` slots, as libzmq does); returns how many were written.
///
/// # Safety
/// `poller` as [`poller_handle`]; `events` non-NULL and pointing to `n`
/// writable events.
unsafe fn wait_into(poller: *mut c_void, events: *mut zmq_poller_event_t, n: usize, timeout: c_long) -> ZResult<c_int> {
    // SAFETY: forwarded from our caller.
    unsafe {
        with_poller(poller, |p, out| {
            #[allow(clippy::useless_conversion)] // c_long is 32-bit on some targets
            p.wait(n, i64::from(timeout), None, out)?;
            for i in 0..n {
                let ev = out.get(i).map_or_else(empty_event, c_event);
                // SAFETY: our caller guarantees `n` writable slots at `events`.
                events.add(i).write(ev);
            }
            Ok(out.len().min(c_int::MAX as usize) as c_int)
        })
    }
}

/// Waits for one event: 0 with `*event` filled, or -1 with it cleared.
///
/// EAGAIN when the timeout passes first.
#[no_mangle]
pub unsafe extern "C" fn zmq_poller_wait(poller: *mut c_void, event: *mut zmq_poller_event_t, timeout: c_long) -> c_int {
    let rc = guard_int(|| {
        if event.is_null() {
            // SAFETY: `poller` is NULL or a poller from zmq_poller_new;
            // EFAULT for a bad poller comes first, as in libzmq.
            unsafe { poller_handle(poller) }?;
            return Err(EFAULT);
        }
        // SAFETY: zmq_poller(3): `event` points to one writable event.
        unsafe { wait_into(poller, event, 1, timeout) }.map(|_| 0)
    });
    if rc < 0 && !event.is_null() {
        // SAFETY: non-NULL, and zmq_poller(3) has it point to an event.
        unsafe { event.write(empty_event()) };
    }
    rc
}

/// Waits for events; returns how many it wrote to `events` (at least 1).
///
/// At most `n_events`; -1 with EAGAIN when the timeout passes first.
#[no_mangle]
pub unsafe extern "C" fn zmq_poller_wait_all(
    poller: *mut c_void,
    events: *mut zmq_poller_event_t,
    n_events: c_int,
    timeout: c_long,
) -> c_int {
    guard_int(|| {
        // SAFETY: `poller` is NULL or a poller from zmq_poller_new.
        unsafe { poller_handle(poller) }?;
        if events.is_null() {
            return Err(EFAULT);
        }
        let n = usize::try_from(n_events).map_err(|_| EINVAL)?;
        // SAFETY: zmq_poller(3): `events` points to at least `n_events`
        // writable events; `poller` as above.
        unsafe { wait_into(poller, events, n, timeout) }
    })
}

/// The poller's fd, readable when a thread-safe socket of it may have events.
///
/// A poller has one only while it holds a thread-safe socket: EINVAL
/// otherwise, as libzmq; EFAULT for a bad poller or a NULL `fd`.
#[no_mangle]
pub unsafe extern "C" fn zmq_poller_fd(poller: *mut c_void, fd: *mut zmq_fd_t) -> c_int {
    guard_int(|| {
        // SAFETY: `poller` is NULL or a poller from zmq_poller_new.
        let f = unsafe { with_poller(poller, |p, _| p.fd()) }?;
        if fd.is_null() {
            return Err(EFAULT);
        }
        // SAFETY: zmq_poller_fd(3): a non-NULL `fd` points to a writable
        // zmq_fd_t of the caller's.
        unsafe { *fd = f };
        Ok(0)
    })
}
