//! The read side of a session: from the stream into the engine, and what
//! it decodes into the socket's pipe.
//!
//! Owns: reading in large chunks (`ZMQ_IN_BATCH_SIZE` bounds them), reading a large frame's body straight
//! into its buffer (and SO_RCVLOWAT while the rest of it is awaited), and
//! stopping while the pipe is full (the refused message waits in
//! `pending_in`). Must not: parse bytes (the engine does).

use super::driver::{MakeEngine, Session, State};
use crate::engine::Inbox;
use crate::io::reactor::Io;
use crate::msg::Msg;
use crate::pipe::PipeEnd;
use bytes::BytesMut;
use std::io::{IoSliceMut, Read as _};
use std::time::Instant;

/// Read chunk size: many small frames are decoded per read.
const READ_CHUNK: usize = 64 * 1024;
/// While the rest of a large body is awaited (tcp), the stream's
/// SO_RCVLOWAT asks for this much of it at once (the kernel caps it by
/// the receive buffer and still wakes at end of stream or under memory
/// pressure): one wake-up and one read per large message instead of one
/// per 64 KiB segment. Below `LOWAT_MIN` missing bytes it stays off.
const LOWAT_MIN: usize = 16 * 1024;
const LOWAT_MAX: usize = 4 << 20;
/// After a large body, what a read at the next frame boundary asks for:
/// the headers of the next message (a REQ/REP envelope delimiter and a
/// long frame's header are 11 bytes) and no more than a little of its
/// body, which then is read straight into its buffer (`direct_read`). A
/// direct read also asks for this much past the body it completes.
const PEEK: usize = 64;
/// The socket's pipe as the engine's `Inbox`; counts frames for the
/// reactor's watch heuristic.
struct PipeInbox<'a> {
    pipe: Option<&'a mut PipeEnd>,
    frames: &'a mut u64,
}

impl Inbox for PipeInbox<'_> {
    #[inline]
    fn small(&mut self, src: &[u8], len: usize) -> bool {
        let ok = self.pipe.as_mut().is_some_and(|p| p.write_small(src, len));
        *self.frames += ok as u64;
        ok
    }

    #[inline]
    fn message(&mut self, m: Msg) -> Result<(), Msg> {
        #[cfg(feature = "test-hooks")]
        if m.data() == super::TEST_PANIC_PAYLOAD {
            panic!("test hook: a session panics");
        }
        *self.frames += 1;
        match self.pipe.as_mut() {
            Some(p) => p.write_deferred(m),
            // No pipe yet (nothing but a handshake can come first): dropped.
            None => Ok(()),
        }
    }
}

impl<E: MakeEngine> Session<E> {
    /// Decodes what is buffered in `inbuf` and delivers each message to the
    /// pipe as it comes (no intermediate queue), publishing them as one
    /// batch at the end. Stops, leaving the rest buffered, when the pipe is
    /// full. Returns false when the connection failed (already handled).
    pub(super) fn decode_input(&mut self, io: &mut Io, key: usize) -> bool {
        let mut ok = true;
        while self.pending_in.is_none() {
            let Some(engine) = self.engine.as_mut() else { break };
            let mut inbox = PipeInbox { pipe: self.pipe.as_mut(), frames: &mut io.frames };
            let r = engine.decode(&mut self.inbuf, &mut inbox);
            let had_events = engine.has_events();
            // Handshake and subscription events come before the message.
            self.deliver_events(io, key);
            match r {
                Ok(Some(m)) => {
                    // Stopped for events, or the pipe was full: offer it again.
                    let mut inbox = PipeInbox { pipe: self.pipe.as_mut(), frames: &mut io.frames };
                    if let Err(m) = inbox.message(m) {
                        self.pending_in = Some(m);
                    }
                }
                Ok(None) if had_events && !self.inbuf.is_empty() => {}
                Ok(None) => break,
                Err(e) => {
                    if let Some(p) = self.pipe.as_mut() {
                        p.flush();
                    }
                    self.protocol_error(io, key, e);
                    ok = false;
                    break;
                }
            }
        }
        if ok {
            if let Some(p) = self.pipe.as_mut() {
                p.flush();
            }
        }
        if self.inbuf.is_empty() {
            // Give the block back (messages sliced from it keep their part
            // alive); idle connections hold nothing.
            self.inbuf = BytesMut::new();
        }
        ok
    }

    /// How much one read asks for: `READ_CHUNK`, or less when
    /// `ZMQ_IN_BATCH_SIZE` says so (the I/O thread's buffer bounds it).
    fn read_size(&self) -> usize {
        self.owner.options.in_batch_size.map_or(READ_CHUNK, |n| (n.max(1) as usize).min(READ_CHUNK))
    }

    pub(super) fn read_loop(&mut self, io: &mut Io, key: usize) {
        if io.readbuf.len() != READ_CHUNK {
            io.readbuf = vec![0; READ_CHUNK];
        }
        let chunk = self.read_size();
        loop {
            if self.pending_in.is_some() || !matches!(self.state, State::Handshaking | State::Active) {
                return;
            }
            // A large body in progress with nothing else buffered: read it
            // straight into the engine's body buffer (one copy).
            if self.inbuf.is_empty() {
                match self.direct_read(io, key) {
                    Some(true) => continue,
                    Some(false) => return,
                    None => {}
                }
            }
            let Some(stream) = self.stream.as_mut() else { return };
            let peek = self.large_in && self.inbuf.is_empty();
            let want = if peek { PEEK } else { chunk };
            match stream.read(&mut io.readbuf[..want]) {
                Ok(0) => {
                    self.last_err = libc::EPIPE;
                    self.disconnected(io, key, false);
                    return;
                }
                Ok(n) => {
                    if let Some(e) = self.engine.as_mut() {
                        e.input_arrived(Instant::now());
                    }
                    self.inbuf.extend_from_slice(&io.readbuf[..n]);
                    if !self.decode_input(io, key) {
                        return;
                    }
                    if peek && !self.engine.as_ref().is_some_and(|e| e.wants_direct_read()) {
                        // Not a large body next: back to full reads.
                        self.large_in = false;
                    }
                    self.flush(io, key);
                    self.after_input(io, key);
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => return,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.last_err = e.raw_os_error().unwrap_or(libc::EIO);
                    self.disconnected(io, key, false);
                    return;
                }
            }
        }
    }

    /// One read of a large frame body straight into the engine's (pooled)
    /// body buffer, when it offers one (`Engine::direct_read_target`).
    /// When the read can complete the body it also asks for the next
    /// `PEEK` bytes (readv), so that a stream of large messages takes one
    /// read per message, the next header included, and no body byte passes
    /// through `inbuf`.
    /// `None`: no such body in progress, read into `io.readbuf` instead.
    /// `Some(true)`: bytes arrived and were processed, keep reading.
    /// `Some(false)`: stop (would block, or the connection ended and that
    /// was handled).
    fn direct_read(&mut self, io: &mut Io, key: usize) -> Option<bool> {
        let (Some(stream), Some(engine)) = (self.stream.as_mut(), self.engine.as_mut()) else {
            return None;
        };
        let limit = engine.direct_read_limit();
        let body = engine.direct_read_target()?;
        let body_len = body.len();
        let r = if body_len >= limit {
            let mut iov = [IoSliceMut::new(body), IoSliceMut::new(&mut io.readbuf[..PEEK])];
            stream.read_vectored(&mut iov)
        } else {
            stream.read(body)
        };
        match r {
            Ok(0) => {
                self.last_err = libc::EPIPE;
                self.disconnected(io, key, false);
                Some(false)
            }
            Ok(n) => {
                engine.input_arrived(Instant::now());
                self.large_in = true;
                let into_body = n.min(body_len);
                let r = engine.direct_read_done(into_body);
                if self.rcvlowat > 1 && engine.direct_read_limit() < LOWAT_MIN {
                    stream.set_rcvlowat(1);
                    self.rcvlowat = 1;
                }
                // Events (a large SUBSCRIBE, say) come before the message.
                self.deliver_events(io, key);
                match r {
                    Ok(Some(m)) => {
                        let mut inbox = PipeInbox { pipe: self.pipe.as_mut(), frames: &mut io.frames };
                        if let Err(m) = inbox.message(m) {
                            self.pending_in = Some(m);
                        }
                    }
                    Ok(None) => {}
                    Err(e) => {
                        if let Some(p) = self.pipe.as_mut() {
                            p.flush();
                        }
                        self.protocol_error(io, key, e);
                        return Some(false);
                    }
                }
                if n > into_body {
                    // The start of what follows: decoded as usual (which
                    // also publishes to the pipe; it waits while the pipe
                    // is full).
                    self.inbuf.extend_from_slice(&io.readbuf[..n - into_body]);
                    if !self.decode_input(io, key) {
                        return Some(false);
                    }
                } else if let Some(p) = self.pipe.as_mut() {
                    p.flush();
                }
                self.flush(io, key);
                Some(true)
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                // Wake up again only once much of the rest has arrived
                // (instead of once per segment). Not while a clock runs
                // (heartbeats, a TTL): reads are what tell it the peer lives.
                let want = limit.min(LOWAT_MAX);
                let watched = engine.poll_timeout().is_some();
                if !watched && want >= LOWAT_MIN && want != self.rcvlowat && stream.set_rcvlowat(want) {
                    self.rcvlowat = want;
                }
                Some(false)
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => Some(true),
            Err(e) => {
                self.last_err = e.raw_os_error().unwrap_or(libc::EIO);
                self.disconnected(io, key, false);
                Some(false)
            }
        }
    }

}
