//! The ZMTP engine: `zmtp::Connection` (greeting, mechanism, framing,
//! heartbeats) behind the `Engine` trait.
//!
//! Owns: turning the connection's events into the session's (the peer's
//! properties and what the ZAP handler said of it become the metadata the
//! socket attaches to its messages), and the decoding loop with its fast
//! path: small single-frame data messages of an unencrypted connection go
//! from the read buffer straight into the inbox, a run of them consumed
//! with one `advance`. Must not: do I/O or know the pipe.

use super::{Engine, EngineEvent, Inbox, Sent};
use crate::msg::{Metadata, Msg};
use crate::zmtp::liveness::Expired;
use crate::zmtp::zap::ZapReply;
use crate::zmtp::{Connection, Event, ProtocolError};
use bytes::{Bytes, BytesMut};
use std::io::IoSlice;
use std::os::raw::c_int;
use std::time::Instant;

/// See the module doc.
pub struct ZmtpEngine {
    conn: Connection,
}

impl ZmtpEngine {
    pub fn new(conn: Connection) -> ZmtpEngine {
        ZmtpEngine { conn }
    }

    /// The connection (tests, diagnostics).
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// The metadata of the peer's messages, once the handshake is done.
    fn metadata(&self) -> Metadata {
        let mut md = self.conn.peer_metadata().to_msg_metadata();
        if let Some(id) = self.conn.zap_identity() {
            for (k, v) in id.metadata.iter() {
                md.set(k, v);
            }
            md.set("User-Id", &id.user_id);
        }
        md
    }

    fn event(&mut self, ev: Event) -> EngineEvent {
        match ev {
            Event::Handshook { version, metadata } => EngineEvent::Ready {
                routing_id: metadata.get("Identity").cloned().unwrap_or_else(Bytes::new),
                metadata: self.metadata(),
                reported: version.has_commands(),
            },
            Event::Message(m) => EngineEvent::Message(m),
            Event::ZapRequest(r) => EngineEvent::ZapRequest(r),
        }
    }
}

impl Engine for ZmtpEngine {
    #[inline]
    fn input_arrived(&mut self, now: Instant) {
        self.conn.input_arrived(now);
    }

    fn decode<I: Inbox>(&mut self, input: &mut BytesMut, inbox: &mut I) -> Result<Option<Msg>, ProtocolError> {
        if self.conn.has_events() {
            // The session takes those first.
            return Ok(None);
        }
        // Small single-part data frames: straight from the read buffer into
        // the inbox (one copy, no per-frame decoder state).
        let mut off = 0;
        while let Some(size) = self.conn.peek_small_message(&input[off..]) {
            if !inbox.small(&input[off + 2..], size) {
                break;
            }
            off += 2 + size;
        }
        bytes::Buf::advance(input, off);
        loop {
            match self.conn.next_message(input)? {
                // Events (the handshake, a subscription) that came before
                // it go first: the session takes them, then offers it.
                Some(m) if self.conn.has_events() => return Ok(Some(m)),
                Some(m) => {
                    if let Err(m) = inbox.message(m) {
                        return Ok(Some(m));
                    }
                }
                None => return Ok(None),
            }
        }
    }

    fn direct_read_target(&mut self) -> Option<&mut [u8]> {
        self.conn.direct_read_target()
    }

    fn direct_read_limit(&self) -> usize {
        self.conn.direct_read_limit()
    }

    #[inline]
    fn wants_direct_read(&self) -> bool {
        self.conn.wants_direct_read()
    }

    fn direct_read_done(&mut self, n: usize) -> Result<Option<Msg>, ProtocolError> {
        self.conn.direct_read_done(n)
    }

    #[inline]
    fn send(&mut self, msg: Msg) -> Result<Sent, ProtocolError> {
        self.conn.send_back(msg).map(Sent::Queued)
    }

    fn io_slices<'a>(&'a self, dst: &mut [IoSlice<'a>]) -> usize {
        self.conn.output_slices(dst)
    }

    fn advance_output(&mut self, n: usize) {
        self.conn.advance_output(n);
    }

    #[inline]
    fn output_len(&self) -> usize {
        self.conn.output_len()
    }

    fn poll_event(&mut self) -> Option<EngineEvent> {
        let ev = self.conn.poll_event()?;
        Some(self.event(ev))
    }

    #[inline]
    fn has_events(&self) -> bool {
        self.conn.has_events()
    }

    fn poll_timeout(&self) -> Option<Instant> {
        self.conn.poll_timeout()
    }

    fn handle_timeout(&mut self, now: Instant) -> Result<(), Expired> {
        self.conn.handle_timeout(now)
    }

    fn zap_reply(&mut self, reply: Result<ZapReply, c_int>) -> Result<(), ProtocolError> {
        self.conn.zap_reply(reply)
    }
}
