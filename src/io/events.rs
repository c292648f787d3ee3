//! What I/O-thread objects report about their connections: the events of
//! `zmq_socket_monitor` (ACCEPTED, CONNECTED, HANDSHAKE_*, DISCONNECTED...),
//! through a sink the socket layer provides.
//!
//! Owns: the `EventSink` trait only. Must not: know how events are encoded
//! or delivered (the socket's monitor does).

use std::os::raw::c_int;

/// Where a listener or a session reports events, with their value (an fd,
/// an errno, a protocol error code...) and the endpoint they concern.
pub trait EventSink: Send + Sync {
    fn event(&self, event: c_int, value: u32, endpoint: &str);
}
