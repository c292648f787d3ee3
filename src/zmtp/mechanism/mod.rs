//! Security mechanisms: the handshake that runs after the greeting.
//!
//! A mechanism sees only command messages during the handshake and, once
//! ready, may wrap/unwrap every frame (CURVE's MESSAGE); the codec and the
//! connection do not change when PLAIN or CURVE are added next to NULL.
//!
//! Also owns the socket-type names sent in READY and the table of which
//! socket types may talk to which.

pub mod null;

use super::error::ProtocolError;
use super::metadata::Properties;
use crate::constants::{self as c, draft};
use crate::msg::Msg;
use std::os::raw::c_int;

/// Where a mechanism's handshake stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MechanismStatus {
    Handshaking,
    Ready,
    Error,
}

/// A ZMTP security mechanism (NULL, PLAIN, CURVE).
pub trait Mechanism: Send + std::fmt::Debug {
    /// The 20-byte greeting name, NUL padded.
    fn name(&self) -> [u8; 20];

    /// The next command to send, if one is due now.
    fn next_handshake_command(&mut self) -> Option<Msg>;

    /// Processes one command received during the handshake.
    fn process_handshake_command(&mut self, msg: Msg) -> Result<(), ProtocolError>;

    fn status(&self) -> MechanismStatus;

    /// Wraps an outgoing frame after the handshake (identity by default).
    fn encode(&mut self, msg: Msg) -> Result<Msg, ProtocolError> {
        Ok(msg)
    }

    /// Unwraps an incoming frame after the handshake (identity by default).
    fn decode(&mut self, msg: Msg) -> Result<Msg, ProtocolError> {
        Ok(msg)
    }

    /// The properties the peer announced (READY / INITIATE).
    fn peer_metadata(&self) -> &Properties;

    /// The peer's routing id (its Identity property), if it sent one.
    fn peer_routing_id(&self) -> Option<&[u8]> {
        self.peer_metadata()
            .get(super::metadata::IDENTITY)
            .map(|b| &b[..])
    }
}

/// The name libzmq sends in the Socket-Type property.
pub fn socket_type_name(t: c_int) -> Option<&'static str> {
    Some(match t {
        c::ZMQ_PAIR => "PAIR",
        c::ZMQ_PUB => "PUB",
        c::ZMQ_SUB => "SUB",
        c::ZMQ_REQ => "REQ",
        c::ZMQ_REP => "REP",
        c::ZMQ_DEALER => "DEALER",
        c::ZMQ_ROUTER => "ROUTER",
        c::ZMQ_PULL => "PULL",
        c::ZMQ_PUSH => "PUSH",
        c::ZMQ_XPUB => "XPUB",
        c::ZMQ_XSUB => "XSUB",
        c::ZMQ_STREAM => "STREAM",
        draft::ZMQ_SERVER => "SERVER",
        draft::ZMQ_CLIENT => "CLIENT",
        draft::ZMQ_RADIO => "RADIO",
        draft::ZMQ_DISH => "DISH",
        draft::ZMQ_GATHER => "GATHER",
        draft::ZMQ_SCATTER => "SCATTER",
        draft::ZMQ_DGRAM => "DGRAM",
        draft::ZMQ_PEER => "PEER",
        draft::ZMQ_CHANNEL => "CHANNEL",
        _ => return None,
    })
}

/// Whether a socket of type `ours` accepts a peer announcing `peer_name`
/// (exact, case-sensitive names, as libzmq compares them).
pub fn compatible(ours: c_int, peer_name: &[u8]) -> bool {
    let ok: &[&str] = match ours {
        c::ZMQ_REQ => &["REP", "ROUTER"],
        c::ZMQ_REP => &["REQ", "DEALER"],
        c::ZMQ_DEALER => &["REP", "DEALER", "ROUTER"],
        c::ZMQ_ROUTER => &["REQ", "DEALER", "ROUTER"],
        c::ZMQ_PUSH => &["PULL"],
        c::ZMQ_PULL => &["PUSH"],
        c::ZMQ_PUB | c::ZMQ_XPUB => &["SUB", "XSUB"],
        c::ZMQ_SUB | c::ZMQ_XSUB => &["PUB", "XPUB"],
        c::ZMQ_PAIR => &["PAIR"],
        draft::ZMQ_SERVER => &["CLIENT"],
        draft::ZMQ_CLIENT => &["SERVER"],
        draft::ZMQ_RADIO => &["DISH"],
        draft::ZMQ_DISH => &["RADIO"],
        draft::ZMQ_GATHER => &["SCATTER"],
        draft::ZMQ_SCATTER => &["GATHER"],
        draft::ZMQ_DGRAM => &["DGRAM"],
        draft::ZMQ_PEER => &["PEER"],
        draft::ZMQ_CHANNEL => &["CHANNEL"],
        _ => &[],
    };
    ok.iter().any(|n| n.as_bytes() == peer_name)
}

/// True for socket types whose READY carries the Identity property.
pub fn sends_identity(t: c_int) -> bool {
    matches!(t, c::ZMQ_REQ | c::ZMQ_DEALER | c::ZMQ_ROUTER)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compatibility_table() {
        assert!(compatible(c::ZMQ_REQ, b"ROUTER"));
        assert!(!compatible(c::ZMQ_REQ, b"REQ"));
        assert!(compatible(c::ZMQ_XPUB, b"SUB"));
        assert!(compatible(c::ZMQ_SUB, b"XPUB"));
        assert!(!compatible(c::ZMQ_PUB, b"PUB"));
        assert!(!compatible(c::ZMQ_PAIR, b"pair"));
        assert!(compatible(draft::ZMQ_DISH, b"RADIO"));
        assert!(!compatible(c::ZMQ_STREAM, b"STREAM"));
        for t in 0..=20 {
            assert!(socket_type_name(t).is_some());
        }
    }
}
