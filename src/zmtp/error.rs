//! Protocol errors raised by the ZMTP core, and the monitor codes they map to.

use crate::constants::*;
use std::fmt;
use std::os::raw::c_int;

/// Which command a "malformed command" error is about (selects the event code).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommandKind {
    Ready,
    Error,
    Hello,
    Welcome,
    Initiate,
    Message,
    Subscribe,
    Cancel,
    Ping,
    Pong,
    /// A command frame too short to hold its own name.
    Unnamed,
}

/// Everything that can go wrong on the wire. After one of these the
/// connection is dead: the transport closes it (and reports the event).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProtocolError {
    /// The peer's greeting names another security mechanism than ours.
    MechanismMismatch { ours: [u8; 20], theirs: [u8; 20] },
    /// A frame is larger than `maxmsgsize`.
    MessageTooLarge(u64),
    /// A frame's length cannot be represented (above the sanity cap).
    FrameTooLarge(u64),
    /// A ZMTP 1.0 frame declared length 0 (the length includes the flags byte).
    ZeroLengthV1Frame,
    /// A command arrived that is not valid in this state.
    UnexpectedCommand,
    /// A data frame arrived during the handshake.
    InvalidSequence,
    /// A command's body does not parse.
    MalformedCommand(CommandKind),
    /// The READY/INITIATE metadata block does not parse.
    InvalidMetadata,
    /// The peer's Socket-Type is missing or may not talk to ours.
    IncompatibleSocketType(Vec<u8>),
    /// The NULL mechanism refused the peer's READY (the inner error:
    /// `InvalidMetadata` or `IncompatibleSocketType`). libzmq's NULL
    /// mechanism reports no handshake event for this, only the disconnect
    /// (PLAIN and CURVE do report `INVALID_METADATA`); checked against
    /// libzmq 4.3.4 by tests/hostile_input.rs.
    NullReadyRefused(Box<ProtocolError>),
    /// The peer sent an ERROR command during the handshake (a 3-digit ZAP
    /// status in it is reported as HANDSHAKE_FAILED_AUTH with that code).
    PeerError(Vec<u8>),
    /// The ZAP handler refused the peer with this status code (300, 400, 500).
    ZapDenied(u32),
    /// The ZAP request got no usable answer: the `ZMQ_PROTOCOL_ERROR_ZAP_*`
    /// code (a malformed reply, or a handler that went away).
    ZapFailed(c_int),
    /// A verdict was required and no ZAP handler is bound.
    NoZapHandler,
    /// A box did not open (CURVE): a wrong key, or tampering.
    Cryptographic,
    /// A CURVE cookie or vouch does not match the keys of this handshake.
    KeyExchange,
    /// A peer speaking ZMTP 1.0 or 2.0, which cannot authenticate, met a
    /// socket whose security needs a handshake or ZAP.
    LegacyPeer,
    /// Our CURVE nonce counter would wrap: the connection must end before
    /// a nonce is reused.
    NonceExhausted,
    /// A message was passed to `send` before the handshake finished.
    NotReady,
    /// The connection had already failed.
    Closed,
}

impl ProtocolError {
    /// The `ZMQ_PROTOCOL_ERROR_*` value to report with
    /// `ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL`, or `None` when libzmq reports no
    /// such event for this failure (it just disconnects: framing errors,
    /// oversized messages, a peer's ERROR command).
    pub fn handshake_event_code(&self) -> Option<c_int> {
        match self.monitor_event() {
            Some((ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL, code)) => Some(code as c_int),
            _ => None,
        }
    }

    /// The monitor event (and its value) libzmq reports when the handshake
    /// fails this way, or `None` when it only reports the disconnection.
    pub fn monitor_event(&self) -> Option<(c_int, u32)> {
        use ProtocolError::*;
        let protocol = |code: c_int| Some((ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL, code as u32));
        match self {
            MechanismMismatch { .. } => protocol(ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH),
            UnexpectedCommand => protocol(ZMQ_PROTOCOL_ERROR_ZMTP_UNEXPECTED_COMMAND),
            InvalidSequence => protocol(ZMQ_PROTOCOL_ERROR_ZMTP_INVALID_SEQUENCE),
            InvalidMetadata | IncompatibleSocketType(_) => protocol(ZMQ_PROTOCOL_ERROR_ZMTP_INVALID_METADATA),
            MalformedCommand(k) => protocol(match k {
                CommandKind::Ready => ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_READY,
                CommandKind::Error => ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_ERROR,
                CommandKind::Hello => ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_HELLO,
                CommandKind::Welcome => ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_WELCOME,
                CommandKind::Initiate => ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_INITIATE,
                CommandKind::Message => ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_MESSAGE,
                _ => ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_UNSPECIFIED,
            }),
            Cryptographic => protocol(ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC),
            KeyExchange => protocol(ZMQ_PROTOCOL_ERROR_ZMTP_KEY_EXCHANGE),
            ZapFailed(code) => protocol(*code),
            ZapDenied(code) => Some((ZMQ_EVENT_HANDSHAKE_FAILED_AUTH, *code)),
            PeerError(reason) => zap_status(reason).map(|code| (ZMQ_EVENT_HANDSHAKE_FAILED_AUTH, code)),
            NoZapHandler => Some((ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL, libc::EFAULT as u32)),
            MessageTooLarge(_) | FrameTooLarge(_) | ZeroLengthV1Frame | NullReadyRefused(_)
            | LegacyPeer | NonceExhausted | NotReady | Closed => None,
        }
    }

    /// The errno libzmq's engine would record for this failure.
    pub fn errno(&self) -> c_int {
        match self {
            ProtocolError::MessageTooLarge(_) | ProtocolError::FrameTooLarge(_) => libc::EMSGSIZE,
            ProtocolError::NotReady => libc::EAGAIN,
            ProtocolError::NullReadyRefused(inner) => inner.errno(),
            _ => libc::EPROTO,
        }
    }
}

/// A 3-digit ZAP status code (300, 400, 500) as an ERROR reason carries it.
fn zap_status(reason: &[u8]) -> Option<u32> {
    if reason.len() == 3 && matches!(reason[0], b'3'..=b'5') && &reason[1..] == b"00" {
        Some((reason[0] - b'0') as u32 * 100)
    } else {
        None
    }
}

/// A name as it came off the wire (mechanism, socket type, ERROR reason),
/// NUL padding dropped and anything unprintable escaped.
fn wire_text(b: &[u8]) -> String {
    let end = b.iter().rposition(|&c| c != 0).map_or(0, |i| i + 1);
    b[..end].escape_ascii().to_string()
}

/// What went wrong, in words (the `ZMQ_OXIDE_LOG` diagnostics print it).
impl fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ProtocolError::*;
        match self {
            MechanismMismatch { ours, theirs } => write!(
                f,
                "security mechanism mismatch: we use {}, the peer {}",
                wire_text(ours),
                wire_text(theirs)
            ),
            MessageTooLarge(n) => write!(f, "a {n}-byte frame exceeds ZMQ_MAXMSGSIZE"),
            FrameTooLarge(n) => write!(f, "a frame declares an impossible length ({n})"),
            ZeroLengthV1Frame => f.write_str("a ZMTP 1.0 frame of length 0"),
            UnexpectedCommand => f.write_str("a command not valid at this point of the handshake"),
            InvalidSequence => f.write_str("a message frame before the handshake finished"),
            MalformedCommand(k) => write!(f, "a malformed {k:?} command"),
            InvalidMetadata => f.write_str("the peer's metadata does not parse"),
            IncompatibleSocketType(t) if t.is_empty() => f.write_str("the peer named no socket type"),
            IncompatibleSocketType(t) => {
                write!(f, "the peer's socket type {} cannot talk to ours", wire_text(t))
            }
            NullReadyRefused(inner) => write!(f, "READY refused: {inner}"),
            PeerError(reason) => write!(f, "the peer sent ERROR \"{}\"", wire_text(reason)),
            ZapDenied(code) => write!(f, "the ZAP handler refused the peer (status {code})"),
            ZapFailed(code) => write!(f, "no usable ZAP reply (protocol error 0x{code:08x})"),
            NoZapHandler => f.write_str("a ZAP verdict is required and no handler is bound"),
            Cryptographic => f.write_str("a CURVE box did not open (wrong key or tampering)"),
            KeyExchange => f.write_str("the CURVE cookie or vouch does not match this handshake"),
            LegacyPeer => f.write_str("a ZMTP 1.0/2.0 peer cannot meet this socket's security"),
            NonceExhausted => f.write_str("the CURVE nonce counter ran out"),
            NotReady => f.write_str("a message to send before the handshake finished"),
            Closed => f.write_str("the connection had already failed"),
        }
    }
}

impl std::error::Error for ProtocolError {}
