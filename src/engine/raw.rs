//! The raw engine of ZMQ_STREAM sockets: no greeting, no framing, no
//! security. Each chunk read from the stream is one single-frame message
//! for the socket; each message from the socket is written as its bytes.
//!
//! As libzmq's raw engine: the connection is announced to the socket by a
//! zero-length message, and so is its loss (the socket type decides whether
//! to show them, ZMQ_STREAM_NOTIFY); a zero-length message from the socket
//! asks to close the connection once everything queued before it is
//! written. No handshake is reported to the monitor (`reported: false`).
//!
//! Owns: the output queue (small payloads coalesced into one buffer, large
//! ones written from their own memory). Must not: do I/O.

use super::{Engine, EngineEvent, Inbox, Sent};
use crate::msg::{Metadata, Msg, MAX_INLINE};
use crate::zmtp::ProtocolError;
use crate::util::out_queue::OutQueue;
use bytes::{Bytes, BytesMut};
use std::collections::VecDeque;
use std::io::IoSlice;
use std::time::Instant;

/// See the module doc.
#[derive(Default)]
pub struct RawEngine {
    out: OutQueue,
    events: VecDeque<EngineEvent>,
    /// The socket asked to close the connection.
    closing: bool,
}

impl RawEngine {
    /// A connection just made: ready at once, with its connect notice.
    pub fn new() -> RawEngine {
        let mut e = RawEngine::default();
        e.events.push_back(EngineEvent::Ready { routing_id: Bytes::new(), metadata: Metadata::new(), reported: false });
        e.events.push_back(EngineEvent::Message(Msg::new()));
        e
    }
}

impl Engine for RawEngine {
    fn input_arrived(&mut self, _now: Instant) {}

    fn decode<I: Inbox>(&mut self, input: &mut BytesMut, inbox: &mut I) -> Result<Option<Msg>, ProtocolError> {
        if input.is_empty() {
            return Ok(None);
        }
        let m = if input.len() <= MAX_INLINE {
            let m = Msg::from_slice(input);
            input.clear();
            m
        } else {
            Msg::from_bytes(input.split().freeze())
        };
        Ok(inbox.message(m).err())
    }

    fn send(&mut self, msg: Msg) -> Result<Sent, ProtocolError> {
        if msg.is_empty() {
            self.closing = true;
            return Ok(Sent::Close);
        }
        push_payload(&mut self.out, &msg);
        Ok(Sent::Queued(None))
    }

    fn io_slices<'a>(&'a self, dst: &mut [IoSlice<'a>]) -> usize {
        self.out.io_slices(dst)
    }

    fn advance_output(&mut self, n: usize) {
        self.out.advance(n);
    }

    fn output_len(&self) -> usize {
        self.out.len()
    }

    fn poll_event(&mut self) -> Option<EngineEvent> {
        self.events.pop_front()
    }

    fn has_events(&self) -> bool {
        !self.events.is_empty()
    }

    fn farewell(&mut self) -> Option<Msg> {
        (!self.closing).then(Msg::new)
    }
}

/// Payloads up to this size are copied into the queue's tail buffer; larger
/// ones are queued as they are.
const COALESCE: usize = 1024;

fn push_payload(out: &mut OutQueue, m: &Msg) {
    let d = m.data();
    if d.len() <= COALESCE {
        out.tail().extend_from_slice(d);
    } else {
        out.push_segment(m.to_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Vec2(Vec<Msg>);
    impl Inbox for Vec2 {
        fn small(&mut self, src: &[u8], len: usize) -> bool {
            self.0.push(Msg::from_slice(&src[..len]));
            true
        }
        fn message(&mut self, m: Msg) -> Result<(), Msg> {
            self.0.push(m);
            Ok(())
        }
    }

    #[test]
    fn bytes_in_and_out_as_they_are() {
        let mut e = RawEngine::new();
        assert!(matches!(e.poll_event(), Some(EngineEvent::Ready { reported: false, .. })));
        assert!(matches!(e.poll_event(), Some(EngineEvent::Message(m)) if m.is_empty()));
        let mut got = Vec2(Vec::new());
        let big = vec![7u8; 5000];
        for chunk in [&b"hi"[..], &big[..]] {
            let mut input = BytesMut::from(chunk);
            assert!(e.decode(&mut input, &mut got).unwrap().is_none());
            assert!(input.is_empty());
        }
        assert_eq!(got.0[0].data(), b"hi");
        assert_eq!(got.0[1].len(), 5000);
        for m in [&b"ab"[..], &big[..], b"cd"] {
            assert!(matches!(e.send(Msg::from_slice(m)).unwrap(), Sent::Queued(None)));
        }
        assert_eq!(e.output_len(), 5004);
        let mut slices = [IoSlice::new(&[]); 8];
        let n = e.io_slices(&mut slices);
        let all: Vec<u8> = slices[..n].iter().flat_map(|s| s.iter().copied()).collect();
        assert_eq!(&all[..2], b"ab");
        assert_eq!(&all[5002..], b"cd");
        e.advance_output(5003);
        assert_eq!(e.output_len(), 1);
        // An empty message closes; no disconnect notice follows then.
        assert!(matches!(e.send(Msg::new()).unwrap(), Sent::Close));
        assert!(e.farewell().is_none());
        assert!(RawEngine::new().farewell().is_some());
    }
}
