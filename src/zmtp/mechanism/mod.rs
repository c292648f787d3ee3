//! Security mechanisms: the handshake that runs after the greeting.
//!
//! A mechanism sees only command messages during the handshake and, once
//! ready, may wrap/unwrap every frame (CURVE's MESSAGE); the codec and the
//! connection do not change when PLAIN or CURVE are added next to NULL.
//!
//! Also owns the socket-type names sent in READY and the table of which
//! socket types may talk to which, and the `SecurityLink` a server
//! mechanism shares with its session for ZAP (RFC 27).
//!
//! ZAP is asynchronous: a server mechanism that needs the handler's verdict
//! stores a `ZapRequest` in the link and waits; the session sends it, puts
//! the reply in the link and feeds the connection the one-byte command
//! `WAKE` (a frame no peer has reason to send), which reaches
//! `process_handshake_command` and lets the mechanism continue.

pub mod curve;
pub mod null;
pub mod plain;

use super::error::ProtocolError;
use super::metadata::Properties;
use crate::constants::{self as c, draft};
use crate::msg::Msg;
use crate::zap::{ZapReply, ZapRequest};
use bytes::Bytes;
use std::os::raw::c_int;
use std::sync::{Arc, Mutex};

/// True for the wake-up command `Connection::resume_handshake` hands the
/// mechanism once a ZAP reply is in the link (a one-byte command `\x00`,
/// which a peer is never allowed to send).
pub fn is_wake(msg: &Msg) -> bool {
    msg.is_command() && msg.data() == [0u8]
}

/// What a server mechanism and its session share.
#[derive(Debug, Default)]
pub struct SecurityLink {
    /// Whether a ZAP handler is connected (decided by the session up front).
    pub zap_connected: bool,
    /// The request the mechanism wants sent (the session takes it).
    pub zap_request: Option<ZapRequest>,
    /// The handler's reply, or the `ZMQ_PROTOCOL_ERROR_ZAP_*` code of a bad one.
    pub zap_reply: Option<Result<ZapReply, c_int>>,
    /// How a failure must be reported: `(event, value)`, overriding the
    /// event the `ProtocolError` would give (e.g. HANDSHAKE_FAILED_AUTH 400,
    /// HANDSHAKE_FAILED_PROTOCOL with a CURVE or ZAP code).
    pub failure_event: Option<(c_int, u32)>,
    /// The User-Id the handler returned (a message property).
    pub user_id: Option<Bytes>,
    /// The metadata the handler returned (message properties).
    pub zap_metadata: Properties,
}

pub type Link = Arc<Mutex<SecurityLink>>;

/// Locks a link, ignoring poisoning (the data stays consistent).
pub fn lock(link: &Link) -> std::sync::MutexGuard<'_, SecurityLink> {
    link.lock().unwrap_or_else(|e| e.into_inner())
}

/// The parameters of a server's ZAP requests.
#[derive(Debug, Clone, Default)]
pub struct ZapParams {
    pub domain: Bytes,
    pub address: Bytes,
    pub routing_id: Bytes,
}

/// Our READY/INITIATE properties: Socket-Type, Identity for REQ/DEALER/
/// ROUTER, then application metadata.
pub fn our_properties(socket_type: c_int, routing_id: &[u8], app_metadata: &[(String, Bytes)]) -> Properties {
    let mut ours = Properties::new();
    ours.push(
        super::metadata::SOCKET_TYPE,
        Bytes::from_static(socket_type_name(socket_type).unwrap_or("").as_bytes()),
    );
    if sends_identity(socket_type) {
        ours.push(super::metadata::IDENTITY, Bytes::copy_from_slice(routing_id));
    }
    for (k, v) in app_metadata {
        ours.push(k, v.clone());
    }
    ours
}

/// Checks the peer's properties (PLAIN and CURVE require a compatible
/// Socket-Type; failures report INVALID_METADATA).
pub fn check_peer_properties(socket_type: c_int, props: &Properties) -> Result<(), ProtocolError> {
    match props.get(super::metadata::SOCKET_TYPE) {
        Some(st) if compatible(socket_type, st) => Ok(()),
        Some(st) => Err(ProtocolError::IncompatibleSocketType(st.to_vec())),
        None => Err(ProtocolError::InvalidMetadata),
    }
}

/// What a server does with a ZAP verdict.
pub enum ZapVerdict {
    Accept,
    /// Send this ERROR command, then fail.
    Refuse(Msg),
    /// Fail without an ERROR: a bad reply, or a 300 (temporary failure),
    /// after which the client is dropped silently (RFC 26/27, as libzmq).
    Broken,
}

/// Takes the reply out of the link and records its consequences there.
/// None when no reply is waiting.
pub fn take_zap_verdict(link: &Link) -> Option<ZapVerdict> {
    let mut l = lock(link);
    let reply = l.zap_reply.take()?;
    Some(match reply {
        Ok(r) if r.ok() => {
            l.user_id = Some(r.user_id.clone());
            l.zap_metadata = r.metadata.clone();
            ZapVerdict::Accept
        }
        Ok(r) => {
            l.failure_event = Some((c::ZMQ_EVENT_HANDSHAKE_FAILED_AUTH, r.code()));
            if r.code() == 300 {
                return Some(ZapVerdict::Broken);
            }
            ZapVerdict::Refuse(super::command::Command::Error { reason: r.status_code.clone() }.to_msg())
        }
        Err(code) => {
            l.failure_event = Some((c::ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL, code as u32));
            ZapVerdict::Broken
        }
    })
}

/// Records how a failure is to be reported, then returns `e` for the connection.
pub fn fail_with(link: &Link, event: c_int, value: c_int, e: ProtocolError) -> ProtocolError {
    lock(link).failure_event = Some((event, value as u32));
    e
}

/// The reason of an ERROR command sent the way libzmq 4.3.4's PLAIN and
/// CURVE servers send it after a ZAP refusal: the first two bytes of the
/// body ("\x05E") come out as one garbled byte (captured on the wire:
/// `^RROR\x03400`). Accepted as ERROR so the client reports the status.
pub fn garbled_error_reason(body: &[u8]) -> Option<&[u8]> {
    if body.len() >= 6 && &body[1..5] == b"RROR" && body[5] as usize == body.len() - 6 {
        Some(&body[6..])
    } else {
        None
    }
}

/// A peer's ERROR: a 3-digit ZAP status code is reported as
/// HANDSHAKE_FAILED_AUTH with that code (as libzmq does on the client).
pub fn peer_error(link: &Link, reason: &[u8]) -> ProtocolError {
    if reason.len() == 3 && matches!(reason[0], b'3'..=b'5') && &reason[1..] == b"00" {
        let code = (reason[0] - b'0') as u32 * 100;
        lock(link).failure_event = Some((c::ZMQ_EVENT_HANDSHAKE_FAILED_AUTH, code));
    }
    ProtocolError::PeerError(reason.to_vec())
}

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

    /// True when `encode`/`decode` change frames (CURVE); the connection
    /// skips both calls otherwise.
    fn wraps_frames(&self) -> bool {
        false
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
