//! `zmq_proxy`, `zmq_proxy_steerable` and `zmq_device` at the C boundary.
//!
//! Owns: resolving the socket handles (NULL capture/control mean none).
//! The proxy loop lives in `crate::proxy`.

use super::{guard_int, handle};
use crate::capi::handle::SocketHandle;
use crate::error::*;
use std::os::raw::{c_int, c_void};

/// Frontend/backend must be live sockets: libzmq reports EFAULT otherwise.
unsafe fn required(p: *mut c_void) -> ZResult<&'static SocketHandle> {
    handle::socket(p).map_err(|_| EFAULT)
}

unsafe fn optional(p: *mut c_void) -> ZResult<Option<&'static SocketHandle>> {
    if p.is_null() {
        Ok(None)
    } else {
        handle::socket(p).map(Some)
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
        // SAFETY (all four): each pointer is NULL or a zmq_socket handle.
        let front = required(frontend_)?;
        let back = required(backend_)?;
        let cap = optional(capture_)?;
        let ctl = optional(control_)?;
        crate::proxy::proxy(front, back, cap.map(|c| &**c), ctl.map(|c| &**c))?;
        Ok(0)
    })
}

/// # Safety
/// As `zmq_proxy_steerable`.
#[no_mangle]
pub unsafe extern "C" fn zmq_proxy(frontend_: *mut c_void, backend_: *mut c_void, capture_: *mut c_void) -> c_int {
    zmq_proxy_steerable(frontend_, backend_, capture_, std::ptr::null_mut())
}

/// Deprecated: like libzmq, the device type is not checked; every type
/// runs the proxy.
///
/// # Safety
/// As `zmq_proxy_steerable`.
#[no_mangle]
pub unsafe extern "C" fn zmq_device(_type: c_int, frontend_: *mut c_void, backend_: *mut c_void) -> c_int {
    zmq_proxy_steerable(frontend_, backend_, std::ptr::null_mut(), std::ptr::null_mut())
}
