//! Self-contained helpers that need no context or socket: those behind
//! libzmq's C API (Z85, CURVE keys, timers, atomic counters, stopwatch,
//! threads, version, capabilities and error texts), the lock-free queue
//! that pipes and mailboxes are built on (`ypipe`), and the opt-in
//! diagnostics of `ZMQ_OXIDE_LOG` (`log`).
//!
//! Owns: the pure Rust logic; the `extern "C"` wrappers are in
//! `crate::capi::util`. Must not: depend on sockets, contexts or the reactor.

pub mod atomic_counter;
pub mod curve;
pub mod log;
pub mod out_queue;
pub mod stopwatch;
pub mod thread;
pub mod timers;
pub mod ypipe;
pub mod z85;

use crate::error::{EFSM, EHOSTUNREACH, EMTHREAD, ENOCOMPATPROTO, ETERM};
use std::ffi::CStr;
use std::os::raw::c_int;

/// The libzmq version this library stands in for.
pub const VERSION: (c_int, c_int, c_int) = (4, 3, 5);

/// Capabilities `zmq_has` answers 1 for: "draft" as a libzmq built with
/// drafts does (the DRAFT API is always exported here). Not here: pgm,
/// tipc, norm, gssapi, vmci, ws, wss (no such transport or mechanism is
/// built).
const CAPABILITIES: &[&[u8]] = &[b"ipc", b"curve", b"draft"];

/// Whether a capability (lowercase, as libzmq names them) is supported.
pub fn has(capability: &[u8]) -> bool {
    CAPABILITIES.contains(&capability)
}

/// libzmq's texts for its own error numbers (and, as libzmq 4.3.x does,
/// for EHOSTUNREACH); `None` for the rest, whose text comes from the C
/// library's `strerror`.
pub fn zmq_error_text(errnum: c_int) -> Option<&'static CStr> {
    Some(match errnum {
        EFSM => c"Operation cannot be accomplished in current state",
        ENOCOMPATPROTO => c"The protocol is not compatible with the socket type",
        ETERM => c"Context was terminated",
        EMTHREAD => c"No thread available",
        EHOSTUNREACH => c"Host unreachable",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capabilities() {
        assert!(has(b"ipc"));
        assert!(has(b"curve"));
        assert!(has(b"draft"));
        for no in [
            &b"pgm"[..],
            b"tipc",
            b"norm",
            b"gssapi",
            b"tcp",
            b"IPC",
            b"",
        ] {
            assert!(!has(no));
        }
    }

    #[test]
    fn own_error_texts() {
        assert_eq!(zmq_error_text(ETERM), Some(c"Context was terminated"));
        assert_eq!(zmq_error_text(EHOSTUNREACH), Some(c"Host unreachable"));
        assert_eq!(zmq_error_text(libc::EINVAL), None);
    }
}
