//! PUB: an XPUB that cannot receive (recv says ENOTSUP) and keeps no
//! notifications for the application (RFC 29). Subscriptions from peers
//! are still read and applied, and the XPUB options (NODROP, VERBOSE, ...)
//! are accepted, as libzmq's PUB accepts them.
//!
//! Owns: nothing but that choice; the routing lives in `xpub.rs`.

use super::xpub::XPub;

/// Creates the routing of a PUB socket.
pub fn new() -> XPub {
    XPub::with_kind(true)
}
