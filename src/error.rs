//! Error codes and the thread-local `errno` the C API reports through.
//!
//! Owns: the `Errno` type every layer returns, libzmq's own error numbers
//! (EFSM, ENOCOMPATPROTO, ETERM, EMTHREAD) and access to C `errno`.
//! Must not: know anything about sockets or messages.

use std::os::raw::c_int;

/// An errno value, as `zmq_errno()` reports it.
pub type Errno = c_int;
/// Result type used throughout the crate.
pub type ZResult<T> = Result<T, Errno>;

/// libzmq's base for its own error numbers.
pub const ZMQ_HAUSNUMERO: c_int = 156384712;
pub const EFSM: c_int = ZMQ_HAUSNUMERO + 51;
pub const ENOCOMPATPROTO: c_int = ZMQ_HAUSNUMERO + 52;
pub const ETERM: c_int = ZMQ_HAUSNUMERO + 53;
pub const EMTHREAD: c_int = ZMQ_HAUSNUMERO + 54;

pub use libc::{
    EADDRINUSE, EADDRNOTAVAIL, EAGAIN, EBADF, ECONNREFUSED, EFAULT, EHOSTUNREACH, EINPROGRESS,
    EINTR, EINVAL, EIO, EMFILE, EMSGSIZE, ENOBUFS, ENODEV, ENOENT, ENOMEM, ENOTSOCK, ENOTSUP,
    EPROTONOSUPPORT,
};

/// Sets the calling thread's C `errno`.
pub fn set_errno(e: Errno) {
    // SAFETY: __errno_location always returns a valid pointer to this thread's errno.
    unsafe { *libc::__errno_location() = e };
}

/// Reads the calling thread's C `errno`.
pub fn errno() -> Errno {
    // SAFETY: as above.
    unsafe { *libc::__errno_location() }
}
