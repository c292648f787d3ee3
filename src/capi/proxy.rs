//! `zmq_proxy`, `zmq_proxy_steerable` and `zmq_device` at the C boundary.
//!
//! Owns: resolving the socket handles (NULL capture/control mean none).
//! The proxy loop lives in `crate::proxy`.

use super::{guard_int, handle};
use crate::capi::handle::SocketHandle;
use crate::error::*;
use std::os::raw::{c_int, c_void};

/// Frontend/backend must be live sockets: libzmq reports EFAULT otherwise.
///
/// # Safety
/// `p` must be NULL or a socket returned by `zmq_socket` (possibly closed).
unsafe fn required(p: *mut c_void) -> ZResult<&'static SocketHandle> {
    // SAFETY: forwarded from this function's own contract.
    unsafe { handle::socket(p) }.map_err(|_| EFAULT)
}

/// Capture/control: NULL means none.
///
/// # Safety
/// `p` must be NULL or a socket returned by `zmq_socket` (possibly closed).
unsafe fn optional(p: *mut c_void) -> ZResult<Option<&'static SocketHandle>> {
    if p.is_null() {
        Ok(None)
    } else {
        // SAFETY: non-NULL, so a socket from zmq_socket (own contract).
        unsafe { handle::socket(p) }.map(Some)
    }
}

/// # Safety
/// Each pointer must be NULL or a `zmq_socket` handle.
#[no_mangle]
pub unsafe extern "C" fn zmq_proxy_steerable(
    frontend_: *mut c_void,
    backend_: *mut c_void,
    capture_: *mut c_void,
    control_: *mut c_void,
) -> c_int {
    guard_int(|| {
        // SAFETY: zmq_proxy_steerable(3): each of the four pointers is a
        // socket from zmq_socket or NULL (EFAULT for frontend/backend, "no
        // socket" for capture/control), which is what `required` and
        // `optional` need; the handles they return are 'static slots.
        let (front, back, cap, ctl) = unsafe {
            (required(frontend_)?, required(backend_)?, optional(capture_)?, optional(control_)?)
        };
        crate::proxy::proxy(front, back, cap.map(|c| &**c), ctl.map(|c| &**c))?;
        Ok(0)
    })
}

/// # Safety
/// As `zmq_proxy_steerable`.
#[no_mangle]
pub unsafe extern "C" fn zmq_proxy(frontend_: *mut c_void, backend_: *mut c_void, capture_: *mut c_void) -> c_int {
    // SAFETY: zmq_proxy(3)'s contract for the three sockets is
    // zmq_proxy_steerable's; control is NULL (none).
    unsafe { zmq_proxy_steerable(frontend_, backend_, capture_, std::ptr::null_mut()) }
}

/// Deprecated: like libzmq, the device type is not checked; every type
/// runs the proxy.
///
/// # Safety
/// As `zmq_proxy_steerable`.
#[no_mangle]
pub unsafe extern "C" fn zmq_device(_type: c_int, frontend_: *mut c_void, backend_: *mut c_void) -> c_int {
    // SAFETY: zmq_device(3)'s contract for frontend and backend is
    // zmq_proxy_steerable's; capture and control are NULL (none).
    unsafe { zmq_proxy_steerable(frontend_, backend_, std::ptr::null_mut(), std::ptr::null_mut()) }
}
