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
    /// A frame's flags byte has reserved bits set.
    ReservedFlags(u8),
    /// A frame is larger than `maxmsgsize`.
    MessageTooLarge(u64),
    /// A frame's length cannot be represented (above the sanity cap).
    FrameTooLarge(u64),
    /// A ZMTP 1.0 frame declared length 0 (the length includes the flags byte).
    ZeroLengthV1Frame,
    /// A command frame had the MORE flag (commands are single frames).
    CommandWithMore,
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
    /// The peer sent an ERROR command during the handshake.
    PeerError(Vec<u8>),
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
        use ProtocolError::*;
        Some(match self {
            MechanismMismatch { .. } => ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH,
            UnexpectedCommand => ZMQ_PROTOCOL_ERROR_ZMTP_UNEXPECTED_COMMAND,
            InvalidSequence => ZMQ_PROTOCOL_ERROR_ZMTP_INVALID_SEQUENCE,
            InvalidMetadata | IncompatibleSocketType(_) => ZMQ_PROTOCOL_ERROR_ZMTP_INVALID_METADATA,
            MalformedCommand(k) => match k {
                CommandKind::Ready => ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_READY,
                CommandKind::Error => ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_ERROR,
                CommandKind::Hello => ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_HELLO,
                CommandKind::Welcome => ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_WELCOME,
                CommandKind::Initiate => ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_INITIATE,
                CommandKind::Message => ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_MESSAGE,
                _ => ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_UNSPECIFIED,
            },
            CommandWithMore => ZMQ_PROTOCOL_ERROR_ZMTP_UNSPECIFIED,
            ReservedFlags(_) | MessageTooLarge(_) | FrameTooLarge(_) | ZeroLengthV1Frame
            | NullReadyRefused(_) | PeerError(_) | NotReady | Closed => return None,
        })
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

impl fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ZMTP protocol error: {:?}", self)
    }
}

impl std::error::Error for ProtocolError {}
