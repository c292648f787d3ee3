//! What I/O-thread objects report about their connections: the events of
//! `zmq_socket_monitor` (ACCEPTED, CONNECTED, HANDSHAKE_*, DISCONNECTED...),
//! through a sink the socket layer provides.
//!
//! Owns: the `EventSink` trait and the endpoints an event names
//! (`EventEndpoints`, libzmq's `endpoint_uri_pair_t`). Must not: know how
//! events are encoded or delivered (the socket's monitor does).

use std::os::raw::c_int;

/// The endpoints an event concerns: the local and the remote address
/// (either may be empty), and whether the local side is the bound one.
/// Version 1 monitor events name one of them (`identifier`); version 2
/// events carry both.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EventEndpoints<'a> {
    pub local: &'a str,
    pub remote: &'a str,
    pub bound: bool,
}

impl<'a> EventEndpoints<'a> {
    /// A bound endpoint with no connection (LISTENING, ACCEPT_FAILED...).
    pub fn bound(endpoint: &'a str) -> Self {
        EventEndpoints { local: endpoint, remote: "", bound: true }
    }

    /// A connect endpoint with no connection (CONNECT_DELAYED, RETRIED...).
    pub fn connecting(endpoint: &'a str) -> Self {
        EventEndpoints { local: "", remote: endpoint, bound: false }
    }

    /// No endpoint at all (MONITOR_STOPPED).
    pub fn none() -> Self {
        EventEndpoints { local: "", remote: "", bound: false }
    }

    /// The one address a version 1 event names: the bound side's own
    /// address, or the address a connect side connected to.
    pub fn identifier(&self) -> &'a str {
        if self.bound {
            self.local
        } else {
            self.remote
        }
    }
}

/// Where a listener or a session reports events, with their value (an fd,
/// an errno, a protocol error code...) and the endpoints they concern.
pub trait EventSink: Send + Sync {
    fn event(&self, event: c_int, value: u32, endpoints: EventEndpoints<'_>);
}
