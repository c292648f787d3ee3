//! Engines: what turns a connection's byte stream into messages for the
//! socket and the socket's messages into bytes, without doing any I/O.
//!
//! A session (`session::Session<E>`) reads and writes the stream and moves
//! messages between the engine and the socket's pipe; the engine only
//! transforms. Two engines today: `zmtp::ZmtpEngine` (ZMTP 3.x with its
//! mechanisms, and 1.0/2.0 peers) and `raw::RawEngine` (ZMQ_STREAM: bytes
//! as they are). A udp or ws engine is a third implementation of `Engine`,
//! not a change to the session.
//!
//! Owns: the `Engine` trait, its events and the `Inbox` messages are
//! decoded into. Must not: touch streams, pipes, timers or threads (time is
//! an input: `input_arrived(now)`, `poll_timeout`, `handle_timeout(now)`).

pub mod raw;
pub mod zmtp;

use crate::msg::{Metadata, Msg};
use crate::zmtp::liveness::Expired;
use crate::zmtp::zap::{ZapReply, ZapRequest};
use crate::zmtp::ProtocolError;
use bytes::{Bytes, BytesMut};
use std::io::IoSlice;
use std::os::raw::c_int;
use std::time::Instant;

/// What an engine tells its session.
#[derive(Debug)]
pub enum EngineEvent {
    /// The connection is ready for traffic (the handshake, if any, is done).
    Ready {
        /// The peer's routing id (its Identity property, or empty).
        routing_id: Bytes,
        /// The properties the socket attaches to every message it reads
        /// (Socket-Type, User-Id, ZAP metadata...); the session adds the
        /// stream's own (Peer-Address).
        metadata: Metadata,
        /// Whether the socket's monitor hears of it (HANDSHAKE_SUCCEEDED).
        /// libzmq reports no handshake for ZMQ_STREAM connections nor for
        /// ZMTP 1.0/2.0 peers (neither has a mechanism); losing such a
        /// connection is then reported as a failed handshake.
        reported: bool,
    },
    /// A message for the socket outside the stream of decoded ones (ZMQ_STREAM's
    /// zero-length connect notice).
    Message(Msg),
    /// The mechanism needs the ZAP handler's verdict: carry this request to
    /// the handler and hand the answer to `Engine::zap_reply`.
    ZapRequest(ZapRequest),
}

/// What became of a message the socket sent.
#[derive(Debug)]
pub enum Sent {
    /// Its bytes are queued; the message is handed back when it was
    /// encoded as it is (the session frees it in a batch).
    Queued(Option<Msg>),
    /// It asked to close the connection once everything queued before it
    /// is written (ZMQ_STREAM's zero-length message).
    Close,
}

/// Where decoded messages go: the socket's pipe, which may be full.
pub trait Inbox {
    /// A single-frame message of `len` (at most `msg::MAX_INLINE`) bytes
    /// at the front of `src`, built in place; false when full.
    fn small(&mut self, src: &[u8], len: usize) -> bool;
    /// A message; handed back when full.
    fn message(&mut self, m: Msg) -> Result<(), Msg>;
}

/// A connection's protocol (see the module doc). The session calls it
/// from one I/O thread; every method returns at once.
pub trait Engine: Send {
    /// Bytes from the peer arrived at `now` (before `decode` sees them):
    /// a sign of life for heartbeats.
    fn input_arrived(&mut self, now: Instant);

    /// Decodes what `input` holds into `inbox`, consuming it, until it is
    /// empty, the inbox is full, or events are waiting (`poll_event`: they
    /// come before what follows them). A message in hand when it stops is
    /// returned, to be offered once the events are taken or there is room
    /// (the rest stays in `input`).
    fn decode<I: Inbox>(&mut self, input: &mut BytesMut, inbox: &mut I) -> Result<Option<Msg>, ProtocolError>;

    /// When a large frame's body is being received and nothing else is
    /// buffered: where to read its next bytes directly (at most
    /// `direct_read_limit`), to be reported with `direct_read_done`.
    fn direct_read_target(&mut self) -> Option<&mut [u8]> {
        None
    }
    /// How many body bytes the frame in progress still misses.
    fn direct_read_limit(&self) -> usize {
        0
    }
    /// True when `direct_read_target` would offer a buffer.
    fn wants_direct_read(&self) -> bool {
        false
    }
    /// `n` bytes were read into `direct_read_target`: the message, once its
    /// body is complete (and a data message).
    fn direct_read_done(&mut self, _n: usize) -> Result<Option<Msg>, ProtocolError> {
        Ok(None)
    }

    /// Queues a message from the socket for the peer.
    fn send(&mut self, msg: Msg) -> Result<Sent, ProtocolError>;

    /// Bytes queued for the peer, as slices to write in order.
    fn io_slices<'a>(&'a self, dst: &mut [IoSlice<'a>]) -> usize;
    /// Marks `n` bytes of `io_slices` as written.
    fn advance_output(&mut self, n: usize);
    /// Bytes queued for the peer.
    fn output_len(&self) -> usize;

    /// The next event, if any.
    fn poll_event(&mut self) -> Option<EngineEvent>;
    /// True when `poll_event` has something (cheap).
    fn has_events(&self) -> bool;

    /// When `handle_timeout` must next be called, if ever.
    fn poll_timeout(&self) -> Option<Instant> {
        None
    }
    /// Acts on the clocks at `now`; Err when a deadline passed (a time-out:
    /// close the connection and reconnect).
    fn handle_timeout(&mut self, _now: Instant) -> Result<(), Expired> {
        Ok(())
    }

    /// The ZAP handler's answer to an `EngineEvent::ZapRequest`, or the
    /// `ZMQ_PROTOCOL_ERROR_ZAP_*` code of a request that got none.
    fn zap_reply(&mut self, _reply: Result<ZapReply, c_int>) -> Result<(), ProtocolError> {
        Err(ProtocolError::UnexpectedCommand)
    }

    /// The message the socket is sent when the connection is lost
    /// (ZMQ_STREAM's zero-length disconnect notice), if any.
    fn farewell(&mut self) -> Option<Msg> {
        None
    }
}
