//! `Session<E>`: one connection's stream, its engine `E` and the socket's
//! pipe, driven by the I/O thread that owns them.
//!
//! Owns: reading (into a buffer the engine decodes, or straight into a
//! large message's body) and writing (batches of what the engine encoded),
//! the back-pressure between stream and pipe (reading stops while the pipe
//! is full and resumes when the socket reads; writing pulls from the pipe
//! only while the stream takes it), the engine's clock, the monitor events
//! of the connection's life, linger once the socket closed, and the end of
//! a connection (reconnect or finish). Must not: parse bytes or decide
//! protocol (the engine does).

use super::security::MakeEngine;
use super::zap_client::ZapClient;
use super::SockRef;
use crate::constants::*;
use crate::engine::{EngineEvent, Inbox, Sent};
use crate::io::mailbox::{Notify, Waker};
use crate::io::reactor::{token, Handler, Io, TimerId};
use crate::msg::{Metadata, Msg, Spent};
use crate::pipe::{EndConfig, PipeEnd, Read, SocketCommand};
use crate::transport::stream::{tune_connected, Stream};
use crate::transport::Target;
use crate::zmtp::liveness::Expired;
use crate::zmtp::zap::ZapRequest;
use crate::zmtp::ProtocolError;
use bytes::{Bytes, BytesMut};
use mio::Interest;
use std::io::{IoSlice, IoSliceMut, Read as _};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub(super) enum Role {
    Connect(Target),
    Accepted,
}

#[derive(PartialEq, Eq, Clone, Copy, Debug)]
pub(super) enum State {
    /// Waiting for the reconnect timer.
    Idle,
    Connecting,
    Handshaking,
    Active,
}

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
/// Encode up to this much before writing.
const WRITE_BATCH: usize = 256 * 1024;

/// See the module doc.
pub struct Session<E> {
    pub(super) owner: SockRef,
    pub(super) endpoint: String,
    pub(super) role: Role,
    pub(super) state: State,
    pub(super) pipe: Option<PipeEnd>,
    pub(super) stream: Option<Stream>,
    pub(super) engine: Option<E>,
    inbuf: BytesMut,
    /// A frame refused by the pipe (HWM); reading pauses until room.
    pending_in: Option<Msg>,
    out_blocked: bool,
    /// Mid-message toward the peer when the connection dropped: the rest of
    /// that message is discarded.
    out_more: bool,
    discard_out: bool,
    /// The socket closed its end of the pipe: flush, then finish.
    pipe_closing: bool,
    /// The socket asked to close the connection (`Sent::Close`): write
    /// what is queued, then finish for good.
    closing: bool,
    /// The monitor heard of this connection's handshake (see
    /// `EngineEvent::Ready`); when not, losing it is a failed handshake.
    reported: bool,
    pub(super) reconnect_ivl: i32,
    pub(super) t_reconnect: Option<TimerId>,
    pub(super) t_connect: Option<TimerId>,
    t_linger: Option<TimerId>,
    /// The engine's clock (`Engine::poll_timeout`), when armed.
    t_engine: Option<TimerId>,
    /// The errno of the last stream failure (EPIPE for end of file).
    pub(super) last_err: i32,
    /// This connection's pipe to the ZAP handler, while the handshake needs it.
    pub(super) zap: Option<ZapClient>,
    /// A ZAP request went out and its answer is awaited.
    pub(super) zap_waiting: bool,
    /// A ZAP request the engine produced, to send once decoding stops.
    zap_outgoing: Option<ZapRequest>,
    /// The stream's SO_RCVLOWAT while a large body is being read (1: off).
    rcvlowat: usize,
    /// The peer's last frame was a large body read directly: at the next
    /// frame boundary, read only its header (`PEEK` bytes), so that the
    /// body goes straight into its buffer from its first byte.
    large_in: bool,
}

pub(super) fn ms(v: i32) -> Duration {
    Duration::from_millis(v.max(0) as u64)
}

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
    fn new(owner: SockRef, endpoint: String, role: Role, pipe: Option<PipeEnd>, stream: Option<Stream>) -> Session<E> {
        let reconnect_ivl = owner.options.reconnect_ivl;
        Session {
            owner,
            endpoint,
            role,
            state: State::Idle,
            pipe,
            stream,
            engine: None,
            inbuf: BytesMut::new(),
            pending_in: None,
            out_blocked: false,
            out_more: false,
            discard_out: false,
            pipe_closing: false,
            closing: false,
            reported: true,
            reconnect_ivl,
            t_reconnect: None,
            t_connect: None,
            t_linger: None,
            t_engine: None,
            last_err: 0,
            zap: None,
            zap_waiting: false,
            zap_outgoing: None,
            rcvlowat: 1,
            large_in: false,
        }
    }

    /// A session for a connection a listener accepted.
    pub fn accepted(stream: Stream, endpoint: String, owner: SockRef) -> Session<E> {
        Session::new(owner, endpoint, Role::Accepted, None, Some(stream))
    }

    /// A session that connects to `target` (and reconnects). `pipe` is the
    /// session's end of the socket's pipe, or None with ZMQ_IMMEDIATE.
    pub fn connecting(target: Target, endpoint: String, owner: SockRef, pipe: Option<PipeEnd>) -> Session<E> {
        Session::new(owner, endpoint, Role::Connect(target), pipe, None)
    }

    fn begin(&mut self, io: &mut Io, key: usize) {
        if let Some(p) = &self.pipe {
            io.pipe_owner.insert(p.id(), key);
        }
        match self.role {
            Role::Accepted => {
                let ok = match self.stream.as_mut() {
                    Some(s) => io.registry().register(s, token(key), Interest::READABLE | Interest::WRITABLE).is_ok(),
                    None => false,
                };
                if !ok {
                    self.finish(io);
                    return;
                }
                self.start_engine(io, key);
                self.stream_ready(io, key, true, true);
            }
            Role::Connect(_) => self.start_connecting(io, key),
        }
    }

    /// The stream is connected: its engine starts.
    pub(super) fn start_engine(&mut self, io: &mut Io, key: usize) {
        match E::make(self, io, key) {
            Ok(e) => self.engine = Some(e),
            Err(errno) => {
                // CURVE without usable keys (libzmq refuses such a
                // connection), or no random bytes for its keys and nonces.
                self.owner.event(ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL, errno as u32, &self.endpoint);
                self.disconnected(io, key, false);
                return;
            }
        }
        self.state = State::Handshaking;
        self.reported = true;
        self.closing = false;
        self.arm_engine_timer(io, key);
        // A raw engine is ready at once.
        self.process_events(io, key);
        self.flush(io, key);
    }

    /// Keeps one reactor timer at the engine's next deadline. A deadline
    /// that moved later is left armed (it fires early and is re-armed
    /// then); one that moved earlier replaces it.
    fn arm_engine_timer(&mut self, io: &mut Io, key: usize) {
        let Some(want) = self.engine.as_ref().and_then(|e| e.poll_timeout()) else { return };
        match self.t_engine {
            Some(t) if t.when <= want => {}
            Some(t) => {
                io.cancel_timer(t);
                self.t_engine = Some(io.add_timer_at(key, want));
            }
            None => self.t_engine = Some(io.add_timer_at(key, want)),
        }
    }

    /// The engine's clock fired: a heartbeat is due, or a deadline passed
    /// (a time-out, which reconnects, not a protocol error).
    fn engine_timer(&mut self, io: &mut Io, key: usize) {
        let Some(engine) = self.engine.as_mut() else { return };
        match engine.handle_timeout(Instant::now()) {
            Ok(()) => {
                self.flush(io, key);
                self.arm_engine_timer(io, key);
            }
            Err(Expired::Handshake) => {
                // Reported by `disconnected` as HANDSHAKE_FAILED_NO_DETAIL,
                // with the errno libzmq gives a handshake time-out.
                self.last_err = libc::EAGAIN;
                self.disconnected(io, key, false);
            }
            Err(Expired::Heartbeat | Expired::Ttl) => self.disconnected(io, key, false),
        }
    }

    /// Decodes what is buffered in `inbuf` and delivers each message to the
    /// pipe as it comes (no intermediate queue), publishing them as one
    /// batch at the end. Stops, leaving the rest buffered, when the pipe is
    /// full. Returns false when the connection failed (already handled).
    fn decode_input(&mut self, io: &mut Io, key: usize) -> bool {
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

    /// Readiness of the stream.
    fn stream_ready(&mut self, io: &mut Io, key: usize, readable: bool, writable: bool) {
        match self.state {
            State::Idle => {}
            State::Connecting => {
                let Some(s) = self.stream.as_ref() else { return };
                match s.take_error() {
                    Ok(None) if s.is_connected() => {
                        let fd = s.fd() as u32;
                        tune_connected(s, &self.owner.options);
                        self.t_connect = None;
                        self.reconnect_ivl = self.owner.options.reconnect_ivl;
                        self.owner.event(ZMQ_EVENT_CONNECTED, fd, &self.endpoint);
                        self.start_engine(io, key);
                        if matches!(self.state, State::Handshaking | State::Active) {
                            self.read_loop(io, key);
                        }
                    }
                    Ok(None) => {}
                    _ => self.schedule_reconnect(io, key),
                }
            }
            State::Handshaking | State::Active => {
                if writable {
                    self.out_blocked = false;
                    self.flush(io, key);
                    self.pump_out(io, key);
                }
                if readable {
                    self.read_loop(io, key);
                }
            }
        }
    }

    fn read_loop(&mut self, io: &mut Io, key: usize) {
        if io.readbuf.len() != READ_CHUNK {
            io.readbuf = vec![0; READ_CHUNK];
        }
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
            let want = if peek { PEEK } else { READ_CHUNK };
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

    /// Delivers what the engine produced. Messages are published to the
    /// socket as one batch (one wake-up at most), at the end.
    pub(super) fn process_events(&mut self, io: &mut Io, key: usize) {
        self.deliver_events(io, key);
        if let Some(p) = self.pipe.as_mut() {
            p.flush();
        }
    }

    fn deliver_events(&mut self, io: &mut Io, key: usize) {
        if !self.engine.as_ref().is_some_and(|e| e.has_events()) {
            return;
        }
        while self.pending_in.is_none() {
            let Some(ev) = self.engine.as_mut().and_then(|e| e.poll_event()) else { return };
            match ev {
                EngineEvent::Ready { routing_id, metadata, reported } => {
                    self.on_ready(io, key, routing_id, metadata, reported)
                }
                EngineEvent::Message(m) => {
                    if let Some(p) = self.pipe.as_mut() {
                        if let Err(m) = p.write_deferred(m) {
                            self.pending_in = Some(m);
                        }
                    }
                }
                EngineEvent::ZapRequest(req) => self.zap_outgoing = Some(req),
            }
        }
    }

    /// The engine is ready for traffic.
    fn on_ready(&mut self, io: &mut Io, key: usize, identity: Bytes, mut md: Metadata, reported: bool) {
        self.drop_zap(io);
        self.state = State::Active;
        self.reported = reported;
        if reported {
            self.owner.event(ZMQ_EVENT_HANDSHAKE_SUCCEEDED, 0, &self.endpoint);
        }
        if let Some(s) = self.stream.as_ref() {
            if let Some(a) = s.peer_address() {
                md.set("Peer-Address", a.as_bytes());
            }
            md.set("__srcfd", s.fd().to_string().as_bytes());
        }
        self.attach_pipe(io, key, identity, md);
        self.pump_out(io, key);
    }

    /// The connection is up: tell the socket's pipe the peer's routing id,
    /// or (ZMQ_IMMEDIATE, accepted connections) create the pipe and hand the
    /// socket its end.
    /// The connection's properties (`md`) go with the pipe: the socket's
    /// side attaches them to every message it reads.
    fn attach_pipe(&mut self, io: &mut Io, key: usize, identity: Bytes, md: Metadata) {
        let o = self.owner.options.clone();
        let md = Some(Arc::new(md));
        match self.pipe.as_ref() {
            Some(p) => {
                p.set_outbound_metadata(md);
                p.set_routing_id(identity);
            }
            None => {
                let conflate = o.conflates();
                let socket_cfg = EndConfig {
                    mailbox: Some(self.owner.mailbox.clone() as Arc<dyn Waker>),
                    routing_id: Some(Bytes::copy_from_slice(&o.routing_id)),
                };
                let session_cfg = EndConfig { mailbox: Some(io.waker()), routing_id: Some(identity) };
                let (mut theirs, mine) = PipeEnd::pair(socket_cfg, session_cfg, o.pipe_hwms(), [conflate, conflate]);
                theirs.set_io_peer();
                mine.set_outbound_metadata(md);
                io.pipe_owner.insert(mine.id(), key);
                self.pipe = Some(mine);
                let connected = matches!(self.role, Role::Connect(_));
                self.owner.mailbox.send(SocketCommand::Attach(Box::new(theirs), connected));
            }
        }
    }

    /// Moves messages from the pipe into the engine and writes them.
    fn pump_out(&mut self, io: &mut Io, key: usize) {
        if self.state != State::Active || self.out_blocked {
            return;
        }
        // Sent messages, freed in batches.
        let mut spent = Spent::default();
        while !self.closing {
            let Some(engine) = self.engine.as_mut() else { return };
            if engine.output_len() >= WRITE_BATCH {
                self.flush(io, key);
                if self.out_blocked || self.state != State::Active {
                    return;
                }
                continue;
            }
            let Some(pipe) = self.pipe.as_mut() else { break };
            match pipe.read() {
                Read::Msg(m) => {
                    io.frames += 1;
                    if self.discard_out {
                        self.discard_out = m.more();
                        continue;
                    }
                    self.out_more = m.more();
                    match engine.send(m) {
                        // The application's thread allocated them.
                        Ok(Sent::Queued(Some(m))) => spent.release(m),
                        Ok(Sent::Queued(None)) => {}
                        Ok(Sent::Close) => self.closing = true,
                        Err(e) => {
                            self.protocol_error(io, key, e);
                            return;
                        }
                    }
                }
                Read::Empty => break,
                Read::Closed => {
                    self.pipe_closing = true;
                    break;
                }
            }
        }
        self.flush(io, key);
        if self.state != State::Active {
            return;
        }
        if self.closing && !self.out_pending() {
            // Closed by the application: no notice, no event, no
            // reconnection (libzmq ends a raw session the same way).
            self.finish(io);
            return;
        }
        self.maybe_finish_linger(io);
    }

    /// Output queued and not yet written.
    fn out_pending(&self) -> bool {
        self.engine.as_ref().is_some_and(|e| e.output_len() > 0)
    }

    /// When the socket is gone and everything it sent is on the wire, end.
    fn maybe_finish_linger(&mut self, io: &mut Io) {
        if !self.pipe_closing || self.state != State::Active {
            return;
        }
        let drained = self.pipe.as_mut().is_none_or(|p| p.is_drained_and_closed());
        let written = !self.out_pending();
        if drained && written {
            self.finish(io);
        }
    }

    /// Writes what the engine queued until it is all out or the stream
    /// would block.
    pub(super) fn flush(&mut self, io: &mut Io, key: usize) {
        loop {
            let (Some(engine), Some(stream)) = (self.engine.as_mut(), self.stream.as_mut()) else { return };
            if engine.output_len() == 0 {
                return;
            }
            let mut slices = [IoSlice::new(&[]); 64];
            let n = engine.io_slices(&mut slices);
            match stream.write_vectored(&slices[..n]) {
                Ok(0) => {
                    self.last_err = libc::EPIPE;
                    self.disconnected(io, key, false);
                    return;
                }
                Ok(w) => engine.advance_output(w),
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    self.out_blocked = true;
                    return;
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.last_err = e.raw_os_error().unwrap_or(libc::EIO);
                    self.disconnected(io, key, false);
                    return;
                }
            }
        }
    }

    pub(super) fn protocol_error(&mut self, io: &mut Io, key: usize, e: ProtocolError) {
        // libzmq reports a protocol failure only where it has a ZMTP error
        // code for it; otherwise the peer is just disconnected.
        if self.state == State::Handshaking {
            if matches!(e, ProtocolError::ZapDenied(_)) {
                // The ERROR the mechanism queued for the peer goes out first.
                self.write_last_words();
            }
            if let Some((event, value)) = e.monitor_event() {
                self.owner.event(event, value, &self.endpoint);
            }
        }
        self.disconnected(io, key, true);
    }

    /// Best effort: writes what is queued (an ERROR command) without
    /// waiting, before the connection is closed.
    fn write_last_words(&mut self) {
        let (Some(engine), Some(stream)) = (self.engine.as_mut(), self.stream.as_mut()) else { return };
        while engine.output_len() > 0 {
            let mut slices = [IoSlice::new(&[]); 64];
            let n = engine.io_slices(&mut slices);
            match stream.write_vectored(&slices[..n]) {
                Ok(w) if w > 0 => engine.advance_output(w),
                _ => return,
            }
        }
    }

    /// The connection ended (error, EOF, time-out or protocol violation).
    pub(super) fn disconnected(&mut self, io: &mut Io, key: usize, protocol: bool) {
        let was_up = matches!(self.state, State::Handshaking | State::Active);
        if let Some(s) = self.stream.as_ref() {
            if was_up {
                let unreported = self.state == State::Active && !self.reported;
                if !protocol && (unreported || self.state == State::Handshaking) {
                    // A connection whose handshake the monitor never heard
                    // of (raw, ZMTP 1.0/2.0), or one lost mid-handshake
                    // (EOF, reset, time-out), reports a failed handshake
                    // first, with the errno: libzmq's engines do (protocol
                    // errors are reported where they occur).
                    self.owner.event(ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL, self.last_err as u32, &self.endpoint);
                }
                self.owner.event(ZMQ_EVENT_DISCONNECTED, s.fd() as u32, &self.endpoint);
            }
        }
        if was_up && self.state == State::Active {
            if let Some(m) = self.engine.as_mut().and_then(|e| e.farewell()) {
                if let Some(p) = self.pipe.as_mut() {
                    if self.pending_in.is_none() {
                        // Dropped when the pipe is full, as libzmq does.
                        let _ = p.write(m);
                    }
                }
            }
        }
        self.drop_stream(io);
        self.drop_zap(io);
        self.engine = None;
        self.inbuf.clear();
        self.pending_in = None;
        if let Some(t) = self.t_engine.take() {
            io.cancel_timer(t);
        }
        self.zap_waiting = false;
        self.zap_outgoing = None;
        if let Some(p) = self.pipe.as_mut() {
            p.rollback();
        }
        if self.out_more {
            self.discard_out = true;
            self.out_more = false;
        }
        match self.role {
            Role::Accepted => self.finish(io),
            Role::Connect(_) => {
                if protocol || self.closing {
                    self.finish(io);
                    return;
                }
                let o = self.owner.options.clone();
                if o.immediate {
                    if let Some(mut p) = self.pipe.take() {
                        io.pipe_owner.remove(&p.id());
                        p.terminate();
                    }
                } else if let Some(p) = self.pipe.as_ref() {
                    p.clear_routing_id();
                    if matches!(o.socket_type, ZMQ_SUB | ZMQ_XSUB) {
                        self.owner.mailbox.send(SocketCommand::Hiccup(p.id()));
                    }
                }
                self.schedule_reconnect(io, key);
            }
        }
    }

    pub(super) fn drop_stream(&mut self, io: &mut Io) {
        if let Some(mut s) = self.stream.take() {
            let _ = io.registry().deregister(&mut s);
        }
        self.state = State::Idle;
        self.out_blocked = false;
        self.rcvlowat = 1;
    }

    /// Ends the session: closes the stream and the pipe; the reactor drops it.
    pub(super) fn finish(&mut self, io: &mut Io) {
        self.drop_stream(io);
        self.drop_zap(io);
        self.engine = None;
        if let Some(mut p) = self.pipe.take() {
            io.pipe_owner.remove(&p.id());
            p.terminate();
        }
        io.remove_me = true;
    }

    fn on_timer(&mut self, io: &mut Io, key: usize, id: TimerId) {
        let is = |t: &mut Option<TimerId>| {
            if *t == Some(id) {
                *t = None;
                true
            } else {
                false
            }
        };
        if is(&mut self.t_reconnect) {
            if self.state == State::Idle {
                self.start_connecting(io, key);
            }
        } else if is(&mut self.t_connect) {
            if self.state == State::Connecting {
                self.schedule_reconnect(io, key);
            }
        } else if is(&mut self.t_linger) {
            self.finish(io);
        } else if is(&mut self.t_engine) {
            self.engine_timer(io, key);
        }
    }

    /// After input was decoded: a ZAP request the handshake produced goes
    /// to the handler, and the engine's clock follows its deadlines.
    fn after_input(&mut self, io: &mut Io, key: usize) {
        if let Some(req) = self.zap_outgoing.take() {
            self.zap_send(io, key, req);
        }
        self.arm_engine_timer(io, key);
    }

    /// Decodes what arrived while the handshake waited (after a ZAP
    /// answer).
    pub(super) fn resume_input(&mut self, io: &mut Io, key: usize) {
        self.flush(io, key);
        self.arm_engine_timer(io, key);
        if !self.inbuf.is_empty() && self.decode_input(io, key) {
            self.flush(io, key);
        }
    }

    /// The socket wrote to the pipe (or the peer attached).
    fn pipe_readable(&mut self, io: &mut Io, key: usize) {
        if self.zap.is_some() {
            self.zap_readable(io, key);
        }
        self.pump_out(io, key);
    }

    /// The socket read from the pipe: room to deliver again.
    fn pipe_writable(&mut self, io: &mut Io, key: usize) {
        if let Some(m) = self.pending_in.take() {
            if let Some(p) = self.pipe.as_mut() {
                if let Err(m) = p.write(m) {
                    self.pending_in = Some(m);
                    return;
                }
            }
        }
        self.process_events(io, key);
        if self.pending_in.is_none() && !self.inbuf.is_empty() {
            if !self.decode_input(io, key) {
                return;
            }
            self.flush(io, key);
        }
        if self.pending_in.is_none() {
            self.read_loop(io, key);
        }
    }

    /// The socket closed its end: deliver what it left within the linger.
    fn pipe_terminated(&mut self, io: &mut Io, key: usize) {
        if self.zap.as_ref().is_some_and(|z| z.closed()) {
            // The ZAP handler went away: the pending request fails.
            self.zap_readable(io, key);
            if self.pipe.as_ref().is_none_or(|p| !p.peer_closed()) {
                return;
            }
        }
        self.pipe_closing = true;
        let linger = self.owner.linger.load(std::sync::atomic::Ordering::Relaxed);
        let queued = self.pipe.as_mut().is_some_and(|p| p.check_read());
        if linger == 0 || (!queued && !self.out_pending()) {
            self.finish(io);
            return;
        }
        if linger > 0 && self.t_linger.is_none() {
            self.t_linger = Some(io.add_timer(key, ms(linger)));
        }
        self.pump_out(io, key);
    }
}

impl<E: MakeEngine> Handler for Session<E> {
    fn start(&mut self, io: &mut Io, key: usize) {
        self.begin(io, key);
    }

    fn ready(&mut self, io: &mut Io, key: usize, readable: bool, writable: bool) {
        self.stream_ready(io, key, readable, writable);
    }

    fn timer(&mut self, io: &mut Io, key: usize, id: TimerId) {
        self.on_timer(io, key, id);
    }

    fn notify(&mut self, io: &mut Io, key: usize, n: Notify) {
        match n {
            Notify::ReadReady(_) | Notify::PeerAttached(_) => self.pipe_readable(io, key),
            Notify::WriteReady(_) => self.pipe_writable(io, key),
            Notify::Closed(_) => self.pipe_terminated(io, key),
        }
    }

    fn owner(&self) -> (u64, &str) {
        (self.owner.socket_id, &self.endpoint)
    }

    fn holds_pipe(&self) -> bool {
        self.pipe.is_some()
    }

    /// unbind/disconnect/close: end now.
    fn close(&mut self, io: &mut Io, _key: usize) {
        self.finish(io);
    }

    /// The context is terminating; sessions without a socket end finish now.
    fn context_stopping(&mut self, io: &mut Io, _key: usize) {
        if self.pipe.is_none() {
            self.finish(io);
        }
    }

    /// After a panic in this session's code: report the connection lost
    /// and end, touching as little of the (untrusted) state as possible.
    fn abort(&mut self, io: &mut Io, _key: usize) {
        if let Some(s) = self.stream.as_ref() {
            self.owner.event(ZMQ_EVENT_DISCONNECTED, s.fd() as u32, &self.endpoint);
        }
        self.finish(io);
    }
}
