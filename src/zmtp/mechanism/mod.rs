//! Security mechanisms: the handshake that runs after the greeting.
//!
//! A mechanism sees only command messages during the handshake and, once
//! ready, may wrap/unwrap every frame (CURVE's MESSAGE); the codec and the
//! connection do not change when PLAIN or CURVE are added next to NULL.
//!
//! Also owns the socket-type names sent in READY and the table of which
//! socket types may talk to which.
//!
//! ZAP (RFC 27) is an exchange of values, not shared state: a mechanism
//! that needs the handler's verdict hands out a `ZapRequest`
//! (`take_zap_request`) and waits; whoever carries it to the handler feeds
//! the answer back with `zap_reply`. A request that cannot be answered (no
//! reply, a malformed one, a handler that went away) is a refusal: ZAP
//! fails closed.

pub mod curve;
pub mod null;
pub mod plain;

use super::command::Command;
use super::error::{CommandKind, ProtocolError};
use super::metadata::Properties;
use super::zap::{ZapReply, ZapRequest};
use crate::constants::{self as c, draft};
use crate::msg::Msg;
use bytes::Bytes;

/// Where a PLAIN or CURVE handshake stands: the two mechanisms go through
/// the same steps (HELLO, WELCOME, INITIATE, READY or ERROR, with ZAP
/// between INITIATE and the answer), only the commands' contents differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    // Client.
    SendHello,
    WaitWelcome,
    SendInitiate,
    WaitReady,
    // Server.
    WaitHello,
    WaitZap,
    SendWelcome,
    WaitInitiate,
    SendReady,
    SendError,
    // Both.
    Ready,
    Failed,
}

impl State {
    /// The command the peer is to send next (`Mechanism::awaited_command`).
    fn awaited_command(self) -> CommandKind {
        match self {
            State::SendHello | State::WaitWelcome => CommandKind::Welcome,
            State::SendInitiate | State::WaitReady => CommandKind::Ready,
            State::WaitHello => CommandKind::Hello,
            State::WaitZap | State::SendWelcome | State::WaitInitiate => CommandKind::Initiate,
            State::SendReady | State::SendError | State::Ready | State::Failed => CommandKind::Unnamed,
        }
    }
}
use std::os::raw::c_int;

/// The parameters of a server's ZAP requests.
#[derive(Debug, Clone, Default)]
pub struct ZapParams {
    pub domain: Bytes,
    pub address: Bytes,
    pub routing_id: Bytes,
}

/// How ZAP applies to one connection. The session decides it, since only
/// it knows whether a handler is bound (see `ZapMode::for_socket`).
#[derive(Debug, Clone)]
pub enum ZapMode {
    /// No request: the mechanism decides alone.
    Off,
    /// A handler is bound: ask it, with these parameters.
    Ask(ZapParams),
    /// A verdict is required but no handler is bound: the handshake fails
    /// (HANDSHAKE_FAILED_NO_DETAIL with EFAULT, as libzmq reports it).
    Missing,
}

impl ZapMode {
    /// libzmq 4.3's rules. `server`: we are a PLAIN or CURVE server (the
    /// only roles that ask for those mechanisms). `mechanism` is ZMQ_NULL,
    /// ZMQ_PLAIN or ZMQ_CURVE.
    /// - NULL asks when a domain is set (on either side of the connection)
    ///   and a handler is bound; with a domain, no handler and
    ///   ZMQ_ZAP_ENFORCE_DOMAIN it fails; otherwise it does not ask.
    /// - A PLAIN server always needs a handler.
    /// - A CURVE server asks when a handler is bound; without one it
    ///   accepts every client with a valid vouch unless
    ///   ZMQ_ZAP_ENFORCE_DOMAIN is set.
    pub fn for_socket(mechanism: c_int, server: bool, handler: bool, enforce_domain: bool, params: ZapParams) -> ZapMode {
        let ask = |p| if handler { ZapMode::Ask(p) } else { ZapMode::Missing };
        match mechanism {
            c::ZMQ_PLAIN if server => ask(params),
            c::ZMQ_CURVE if server && (handler || enforce_domain) => ask(params),
            c::ZMQ_NULL if !params.domain.is_empty() && (handler || enforce_domain) => ask(params),
            _ => ZapMode::Off,
        }
    }
}

/// What the ZAP handler said of a peer it accepted (message properties).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ZapIdentity {
    pub user_id: Bytes,
    pub metadata: Properties,
}

/// A ZAP reply turned into what the mechanism does next.
pub enum ZapVerdict {
    Accept(ZapIdentity),
    /// Fail with `error`, after sending `reply` (an ERROR command) when
    /// there is one. 400 and 500 send ERROR with the status code; 300
    /// (temporary failure) and an unusable reply drop the peer silently
    /// (RFC 27, as libzmq).
    Refuse { reply: Option<Msg>, error: ProtocolError },
}

impl ZapVerdict {
    /// `reply`: the handler's answer, or the `ZMQ_PROTOCOL_ERROR_ZAP_*`
    /// code of a request that could not be answered.
    pub fn from_reply(reply: Result<ZapReply, c_int>) -> ZapVerdict {
        match reply {
            Ok(r) if r.ok() => ZapVerdict::Accept(ZapIdentity { user_id: r.user_id, metadata: r.metadata }),
            Ok(r) => {
                let code = r.code();
                let reply = (code != 300).then(|| Command::Error { reason: r.status_code }.to_msg());
                ZapVerdict::Refuse { reply, error: ProtocolError::ZapDenied(code) }
            }
            Err(code) => ZapVerdict::Refuse { reply: None, error: ProtocolError::ZapFailed(code) },
        }
    }
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

    /// The command the peer is to send next (names the malformed-command
    /// event when a handshake frame is refused before it was read).
    fn awaited_command(&self) -> CommandKind;

    /// A request for the ZAP handler, once the mechanism needs a verdict
    /// before it can go on (handed out once).
    fn take_zap_request(&mut self) -> Option<ZapRequest> {
        None
    }

    /// The handler's answer to `take_zap_request`'s request, or the
    /// `ZMQ_PROTOCOL_ERROR_ZAP_*` code of a request that got none. On a
    /// refusal the error is returned after any ERROR command for the peer
    /// was queued (`next_handshake_command`).
    fn zap_reply(&mut self, _reply: Result<ZapReply, c_int>) -> Result<(), ProtocolError> {
        Err(ProtocolError::UnexpectedCommand)
    }

    /// What the ZAP handler said of the peer, once it accepted it.
    fn zap_identity(&self) -> Option<&ZapIdentity> {
        None
    }

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
