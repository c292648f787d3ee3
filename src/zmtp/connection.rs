//! One ZMTP connection as a state machine: greeting → handshake (or the
//! identity exchange of ZMTP 1.0/2.0) → traffic. Feed it the bytes read
//! from the peer; it queues bytes to write (in its `Encoder`) and events.
//!
//! It converts SUBSCRIBE/CANCEL commands from 3.1 peers into the `\x01`/
//! `\x00` messages sockets expect (and back, when we are SUB/XSUB talking to
//! a 3.1 peer), answers PING with PONG, and injects the "subscribe to all"
//! message libzmq gives PUB/XPUB sockets facing ZMTP 1.0 peers.
//!
//! No sockets, threads or clocks. Time is an input, as in quinn-proto: the
//! caller says when bytes arrived (`input_arrived(now)`), asks when the
//! connection next needs it (`poll_timeout`) and calls `handle_timeout(now)`
//! then; the handshake deadline and heartbeats (`liveness`) live here. ZAP
//! is an event out (`Event::ZapRequest`) and an input back (`zap_reply`).
//!
//! What a peer can make us hold is bounded: at most one PONG waits to be
//! queued behind an unwritten one (a PING flood from a peer that never
//! reads costs nothing but the parsing), and a peer's PINGs never add
//! timers. Peers older than ZMTP 3.0 cannot authenticate; they are refused
//! when the socket's security needs a handshake or ZAP (`refuse_legacy`).

use super::codec::{Decoder, Encoder, Framing};
use super::command::Command;
use super::error::ProtocolError;
use super::greeting::{Greeting, GreetingConfig, GreetingStatus, ZmtpVersion};
use super::liveness::{Expired, Liveness, Timing};
use super::mechanism::{socket_type_name, Mechanism, MechanismStatus, ZapIdentity};
use super::metadata::{Properties, IDENTITY, SOCKET_TYPE};
use super::zap::{ZapReply, ZapRequest};
use crate::constants as c;
use crate::msg::{Msg, COMMAND, MAX_INLINE};
use bytes::{Bytes, BytesMut};
use std::collections::VecDeque;
use std::os::raw::c_int;
use std::time::Instant;

/// The largest frame a peer may send before its handshake is done (a
/// greeting's identity, READY, HELLO, INITIATE...). Legitimate ones are a
/// few hundred bytes, plus application metadata; the limit bounds what an
/// unauthenticated peer can make us buffer per connection.
pub const HANDSHAKE_FRAME_MAX: i64 = 64 * 1024;

/// The decoder's frame limit before the handshake is done: ZMQ_MAXMSGSIZE
/// when smaller.
fn handshake_limit(max_msg_size: i64) -> i64 {
    if max_msg_size >= 0 {
        max_msg_size.min(HANDSHAKE_FRAME_MAX)
    } else {
        HANDSHAKE_FRAME_MAX
    }
}

/// What the socket side of a connection needs to know.
#[derive(Debug, Clone)]
pub struct ConnectionConfig {
    /// Our socket type (ZMQ_*).
    pub socket_type: c_int,
    /// Our routing id (ZMQ_ROUTING_ID), sent to old peers and in READY.
    pub routing_id: Bytes,
    /// ZMQ_MAXMSGSIZE (-1: unlimited).
    pub max_msg_size: i64,
    /// Refuse ZMTP 1.0/2.0 peers. libzmq does whenever the socket's
    /// security needs a handshake or ZAP: a mechanism other than NULL, or
    /// a ZAP domain.
    pub refuse_legacy: bool,
    /// Handshake and heartbeat clocks.
    pub timing: Timing,
}

impl ConnectionConfig {
    /// A configuration without clocks or security policy (tests, fuzzing).
    pub fn plain(socket_type: c_int, routing_id: Bytes, max_msg_size: i64) -> ConnectionConfig {
        ConnectionConfig { socket_type, routing_id, max_msg_size, refuse_legacy: false, timing: Timing::default() }
    }
}

/// Something the socket side must act on.
#[derive(Debug)]
pub enum Event {
    /// The handshake finished; traffic may flow. `metadata` holds the peer's
    /// properties (Socket-Type, Identity, X-...).
    Handshook {
        version: ZmtpVersion,
        metadata: Properties,
    },
    /// A data frame for the socket (subscriptions arrive as `\x01`/`\x00` + topic).
    Message(Msg),
    /// The mechanism needs the ZAP handler's verdict on the peer: carry
    /// this to the handler and hand its answer to `zap_reply`.
    ZapRequest(ZapRequest),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Greeting,
    /// ZMTP 1.0/2.0: waiting for the peer's identity frame.
    Identity,
    /// ZMTP 3.x: mechanism handshake.
    Handshake,
    Active,
    Failed,
}

/// A ZMTP connection (see the module doc).
#[derive(Debug)]
pub struct Connection {
    cfg: ConnectionConfig,
    greeting: Greeting,
    mechanism: Box<dyn Mechanism>,
    /// The mechanism wraps data frames (CURVE); NULL and PLAIN pass them.
    wraps: bool,
    phase: Phase,
    version: Option<ZmtpVersion>,
    peer_socket_type: Option<u8>,
    decoder: Decoder,
    encoder: Encoder,
    events: VecDeque<Event>,
    /// The last frame we sent had MORE (so the next is not a message start).
    out_more: bool,
    liveness: Liveness,
    /// The latest time we were told (`input_arrived`, `handle_timeout`).
    now: Instant,
    /// The context of a PONG owed to the peer, waiting for the one before it
    /// to be written (a newer PING replaces it).
    pong_owed: Option<Bytes>,
    /// Output bytes up to and including the last PONG queued; while
    /// non-zero that PONG is not yet written.
    pong_unwritten: usize,
    pings_received: u64,
    pongs_received: u64,
}

impl Connection {
    /// Starts a connection at `now`; the signature is queued for output at once.
    pub fn new(cfg: ConnectionConfig, mechanism: Box<dyn Mechanism>, now: Instant) -> Connection {
        let mut greeting = Greeting::new(GreetingConfig {
            socket_type: cfg.socket_type as u8,
            routing_id_len: cfg.routing_id.len(),
            mechanism: mechanism.name(),
            as_server: false,
        });
        let mut encoder = Encoder::new(Framing::V3);
        encoder.push_raw(&greeting.take_output());
        let decoder = Decoder::new(Framing::V3, handshake_limit(cfg.max_msg_size));
        let liveness = Liveness::new(cfg.timing, now);
        Connection {
            cfg,
            greeting,
            wraps: mechanism.wraps_frames(),
            mechanism,
            phase: Phase::Greeting,
            version: None,
            peer_socket_type: None,
            decoder,
            encoder,
            events: VecDeque::new(),
            out_more: false,
            liveness,
            now,
            pong_owed: None,
            pong_unwritten: 0,
            pings_received: 0,
            pongs_received: 0,
        }
    }

    /// Bytes from the peer arrived at `now` (call before feeding them): any
    /// input counts as a sign of life for the heartbeat clocks.
    #[inline]
    pub fn input_arrived(&mut self, now: Instant) {
        self.now = now;
        self.liveness.input();
    }

    /// When `handle_timeout` must next be called, if ever.
    pub fn poll_timeout(&self) -> Option<Instant> {
        if self.phase == Phase::Failed {
            return None;
        }
        self.liveness.poll_timeout()
    }

    /// Acts on the clocks at `now`: queues a heartbeat PING when one is due,
    /// or fails the connection when a deadline passed (close it then; this
    /// is a time-out, not a protocol error).
    pub fn handle_timeout(&mut self, now: Instant) -> Result<(), Expired> {
        self.now = now;
        if self.phase == Phase::Failed {
            return Ok(());
        }
        if let Some(e) = self.liveness.expired(now) {
            self.phase = Phase::Failed;
            return Err(e);
        }
        if self.liveness.ping_due(now) && self.phase == Phase::Active {
            let ttl = self.liveness.ping_ttl();
            if let Ok(true) = self.send_ping(ttl, b"") {
                self.liveness.ping_sent(now);
            }
        }
        Ok(())
    }

    /// PINGs and PONGs received so far (diagnostics and tests).
    pub fn heartbeats_received(&self) -> (u64, u64) {
        (self.pings_received, self.pongs_received)
    }

    /// What the ZAP handler said of the peer, once it accepted it.
    pub fn zap_identity(&self) -> Option<&ZapIdentity> {
        self.mechanism.zap_identity()
    }

    /// The ZAP handler's answer to an `Event::ZapRequest`, or the
    /// `ZMQ_PROTOCOL_ERROR_ZAP_*` code of a request that got none (the
    /// handler is gone, or answered nonsense): the handshake then fails.
    /// Bytes the peer sent meanwhile are untouched; feed them afterwards.
    pub fn zap_reply(&mut self, reply: Result<ZapReply, c_int>) -> Result<(), ProtocolError> {
        if self.phase != Phase::Handshake {
            return Err(ProtocolError::UnexpectedCommand);
        }
        let r = self.mechanism.zap_reply(reply).and_then(|()| self.after_handshake_step());
        if r.is_err() {
            // A refusal's ERROR goes out first.
            self.queue_handshake_commands();
            self.phase = Phase::Failed;
        }
        r
    }

    /// Marks `n` bytes of `output()` as written (use this rather than
    /// `output().advance`, so that a PONG waiting its turn is queued).
    pub fn advance_output(&mut self, n: usize) {
        self.encoder.advance(n);
        if self.pong_unwritten > 0 {
            self.pong_unwritten = self.pong_unwritten.saturating_sub(n);
            if self.pong_unwritten == 0 {
                if let Some(context) = self.pong_owed.take() {
                    self.queue_pong(context);
                }
            }
        }
    }

    /// Everything queued for output, as one buffer, marked written.
    pub fn take_output(&mut self) -> Vec<u8> {
        let mut all = Vec::new();
        while !self.encoder.is_empty() {
            let v = self.encoder.take_contiguous();
            let n = v.len();
            all.extend_from_slice(&v);
            self.pong_unwritten = self.pong_unwritten.saturating_sub(n);
            if self.pong_unwritten == 0 {
                if let Some(context) = self.pong_owed.take() {
                    self.queue_pong(context);
                }
            }
        }
        all
    }

    /// The protocol version, once the greeting is done.
    pub fn version(&self) -> Option<ZmtpVersion> {
        self.version
    }

    pub fn is_ready(&self) -> bool {
        self.phase == Phase::Active
    }

    pub fn is_failed(&self) -> bool {
        self.phase == Phase::Failed
    }

    /// The peer's properties (valid once `Handshook` was reported).
    pub fn peer_metadata(&self) -> &Properties {
        self.mechanism.peer_metadata()
    }

    /// Output queue: write from it with `io_slices` + `advance`.
    pub fn output(&mut self) -> &mut Encoder {
        &mut self.encoder
    }

    /// True when there are bytes to write.
    pub fn wants_write(&self) -> bool {
        !self.encoder.is_empty()
    }

    /// The bytes to write, as slices in order (then `advance_output`).
    pub fn output_slices<'a>(&'a self, dst: &mut [std::io::IoSlice<'a>]) -> usize {
        self.encoder.io_slices(dst)
    }

    /// How many bytes are queued for output.
    #[inline]
    pub fn output_len(&self) -> usize {
        self.encoder.len()
    }

    /// The small-message fast path: when the next frame in `input` is a
    /// complete single-part data frame of at most `MAX_INLINE` bytes on an
    /// unencrypted connection in its data phase, its body size; the caller
    /// takes the body from `input[2..2 + size]` and consumes `2 + size`
    /// bytes itself (the frame needs nothing else from the connection).
    /// `None`: use `next_message` (other frames, commands, errors).
    #[inline]
    pub fn peek_small_message(&self, input: &[u8]) -> Option<usize> {
        if self.phase != Phase::Active || self.wraps {
            return None;
        }
        match self.decoder.peek_short_frame(input)? {
            Ok((0, size)) if size <= MAX_INLINE => Some(size),
            _ => None,
        }
    }

    /// True when `poll_event` has something (cheap; for the per-message path).
    #[inline]
    pub fn has_events(&self) -> bool {
        !self.events.is_empty()
    }

    /// Next pending event.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// Processes bytes read from the peer, consuming all of `input` unless
    /// an error occurs. After an error the connection is dead: close it.
    pub fn handle_input(&mut self, input: &mut BytesMut) -> Result<(), ProtocolError> {
        let r = self.run(input, false).map(|_| ());
        if r.is_err() {
            self.phase = Phase::Failed;
        }
        r
    }

    /// Like `handle_input`, but stops at the next data message and returns
    /// it instead of queueing it as an event, consuming only the bytes up to
    /// it. Other events (handshake, pings) still queue, and come before the
    /// returned message. `Ok(None)`: all of `input` was used. This lets a
    /// caller deliver messages as they are decoded, and stop (leaving the
    /// rest of `input` for later) when its destination is full.
    pub fn next_message(&mut self, input: &mut BytesMut) -> Result<Option<Msg>, ProtocolError> {
        if self.phase == Phase::Active && !self.wraps {
            // The data phase of an unencrypted connection, inlined: what
            // `run` and `active_frame` would do, without the per-frame
            // dispatch and without moving each message through their
            // return values (written with `active_frame`, this loop is a
            // measurable share of small-message throughput).
            loop {
                match self.decoder.decode(input) {
                    Ok(Some(m)) if !m.is_command() => return Ok(Some(m)),
                    Ok(Some(m)) => {
                        if let Err(e) = self.handle_command(&m) {
                            self.phase = Phase::Failed;
                            return Err(e);
                        }
                        if self.phase != Phase::Active {
                            break;
                        }
                    }
                    Ok(None) => return Ok(None),
                    Err(e) => {
                        self.phase = Phase::Failed;
                        return Err(e);
                    }
                }
            }
        }
        let r = self.run(input, true);
        if r.is_err() {
            self.phase = Phase::Failed;
        }
        r
    }

    /// When a large data-phase frame is in progress and every byte read so
    /// far was fed in, where its body should be read directly: the unfilled
    /// part of its (pooled, initialised) body buffer, at most
    /// `direct_read_limit()` bytes. Write at its front, then call
    /// `direct_read_done(n)`. `None`: read into an ordinary buffer and use
    /// `next_message`.
    pub fn direct_read_target(&mut self) -> Option<&mut [u8]> {
        if self.phase != Phase::Active {
            return None;
        }
        self.decoder.body_target()
    }

    /// True when `direct_read_target` would offer a buffer (cheap).
    pub fn wants_direct_read(&self) -> bool {
        self.phase == Phase::Active && self.decoder.wants_direct()
    }

    /// How many bytes the frame in progress still misses (the most a
    /// direct read may append).
    pub fn direct_read_limit(&self) -> usize {
        self.decoder.body_remaining().unwrap_or(0)
    }

    /// After a direct read of `n` bytes into `direct_read_target`: completes
    /// the frame when its body is all there and processes it as
    /// `next_message` would (CURVE unwrapping, commands, events); returns
    /// the data message, if the frame was one. `Ok(None)`: more body bytes
    /// are needed, or the frame was a command.
    pub fn direct_read_done(&mut self, n: usize) -> Result<Option<Msg>, ProtocolError> {
        if self.phase == Phase::Active {
            self.decoder.body_filled_by(n);
        }
        let r = self.finish_direct();
        if r.is_err() {
            self.phase = Phase::Failed;
        }
        r
    }

    fn finish_direct(&mut self) -> Result<Option<Msg>, ProtocolError> {
        if self.phase != Phase::Active {
            return Err(ProtocolError::Closed);
        }
        let Some(m) = self.decoder.finish_body() else {
            return Ok(None);
        };
        self.active_frame(m)
    }

    /// One decoded frame of the active phase: unwraps it, handles it when it
    /// is a command, else returns it.
    fn active_frame(&mut self, m: Msg) -> Result<Option<Msg>, ProtocolError> {
        let m = if self.wraps { self.mechanism.decode(m)? } else { m };
        if m.is_command() {
            self.handle_command(&m)?;
            Ok(None)
        } else {
            Ok(Some(m))
        }
    }

    fn run(&mut self, input: &mut BytesMut, stop_at_message: bool) -> Result<Option<Msg>, ProtocolError> {
        loop {
            match self.phase {
                Phase::Failed => return Err(ProtocolError::Closed),
                Phase::Greeting => {
                    let st = self.greeting.feed(input);
                    self.encoder.push_raw(&self.greeting.take_output());
                    match st {
                        GreetingStatus::NeedMore => return Ok(None),
                        GreetingStatus::Error(e) => return Err(e),
                        GreetingStatus::Done(g) => {
                            if self.cfg.refuse_legacy && !g.version.has_commands() {
                                return Err(ProtocolError::LegacyPeer);
                            }
                            self.version = Some(g.version);
                            self.peer_socket_type = g.socket_type;
                            let framing = match g.version {
                                ZmtpVersion::V1Unversioned | ZmtpVersion::V1 => Framing::V1,
                                ZmtpVersion::V2 => Framing::V2,
                                _ => Framing::V3,
                            };
                            self.decoder = Decoder::new(framing, handshake_limit(self.cfg.max_msg_size));
                            self.encoder.set_framing(framing);
                            match g.version {
                                ZmtpVersion::V1Unversioned => {
                                    // Our signature was the header of our identity
                                    // frame; its body follows.
                                    let id = self.cfg.routing_id.clone();
                                    self.encoder.push_raw(&id);
                                    self.phase = Phase::Identity;
                                    let mut lead = BytesMut::from(&g.leftover[..]);
                                    self.step_identity(&mut lead)?;
                                }
                                ZmtpVersion::V1 | ZmtpVersion::V2 => {
                                    self.encoder.encode(&Msg::from_slice(&self.cfg.routing_id));
                                    self.phase = Phase::Identity;
                                }
                                _ => {
                                    self.phase = Phase::Handshake;
                                    self.queue_handshake_commands();
                                }
                            }
                        }
                    }
                }
                Phase::Identity => {
                    if !self.step_identity(input)? {
                        return Ok(None);
                    }
                }
                Phase::Handshake => {
                    let Some(m) = self.decoder.decode(input).map_err(|e| self.handshake_frame_error(e))? else {
                        return Ok(None);
                    };
                    if !m.is_command() {
                        // libzmq 4.3.4 reports a data frame during the
                        // handshake as an unexpected command.
                        return Err(ProtocolError::UnexpectedCommand);
                    }
                    self.handshake_step(m)?;
                }
                Phase::Active => {
                    let Some(m) = self.decoder.decode(input)? else {
                        return Ok(None);
                    };
                    match self.active_frame(m)? {
                        None => {}
                        Some(m) if stop_at_message => return Ok(Some(m)),
                        Some(m) => self.events.push_back(Event::Message(m)),
                    }
                }
            }
        }
    }

    /// A handshake frame over our `HANDSHAKE_FRAME_MAX` (not over the
    /// application's ZMQ_MAXMSGSIZE, which libzmq's decoder enforces too,
    /// silently) is refused at its header. libzmq reads such a command whole
    /// and then reports it malformed; the event names the command the
    /// mechanism awaited, as libzmq's would.
    fn handshake_frame_error(&self, e: ProtocolError) -> ProtocolError {
        match e {
            ProtocolError::MessageTooLarge(n) if self.cfg.max_msg_size < 0 || n <= self.cfg.max_msg_size as u64 => {
                ProtocolError::MalformedCommand(self.mechanism.awaited_command())
            }
            e => e,
        }
    }

    /// Feeds one handshake command to the mechanism and acts on its status.
    fn handshake_step(&mut self, m: Msg) -> Result<(), ProtocolError> {
        if let Err(e) = self.mechanism.process_handshake_command(m) {
            // An ERROR the mechanism queued for the peer goes out first.
            self.queue_handshake_commands();
            return Err(e);
        }
        self.after_handshake_step()
    }

    /// Queues what the mechanism wants sent and acts on its status.
    fn after_handshake_step(&mut self) -> Result<(), ProtocolError> {
        self.queue_handshake_commands();
        match self.mechanism.status() {
            MechanismStatus::Handshaking => {}
            MechanismStatus::Error => return Err(ProtocolError::UnexpectedCommand),
            MechanismStatus::Ready => {
                self.phase = Phase::Active;
                self.decoder.set_max_msg_size(self.cfg.max_msg_size);
                self.liveness.handshake_done(self.now);
                let metadata = self.mechanism.peer_metadata().clone();
                self.events.push_back(Event::Handshook {
                    version: self.version.unwrap_or(ZmtpVersion::V3_1),
                    metadata,
                });
            }
        }
        Ok(())
    }

    /// ZMTP 1.0/2.0: reads the peer's identity frame. Returns false when
    /// more input is needed.
    fn step_identity(&mut self, input: &mut BytesMut) -> Result<bool, ProtocolError> {
        let Some(id) = self.decoder.decode(input)? else {
            return Ok(false);
        };
        let mut md = Properties::new();
        if let Some(name) = self
            .peer_socket_type
            .and_then(|t| socket_type_name(t as c_int))
        {
            md.push(SOCKET_TYPE, Bytes::from_static(name.as_bytes()));
        }
        md.push(IDENTITY, id.to_bytes());
        self.phase = Phase::Active;
        self.decoder.set_max_msg_size(self.cfg.max_msg_size);
        self.liveness.handshake_done(self.now);
        let version = self.version.unwrap_or(ZmtpVersion::V1);
        self.events.push_back(Event::Handshook {
            version,
            metadata: md,
        });
        // ZMTP 1.0 peers filter on their side and never send subscriptions.
        if version <= ZmtpVersion::V1 && matches!(self.cfg.socket_type, c::ZMQ_PUB | c::ZMQ_XPUB) {
            self.events.push_back(Event::Message(Msg::from_slice(&[1])));
        }
        Ok(true)
    }

    fn queue_handshake_commands(&mut self) {
        while let Some(cmd) = self.mechanism.next_handshake_command() {
            self.encoder.encode(&cmd);
        }
        if let Some(req) = self.mechanism.take_zap_request() {
            self.events.push_back(Event::ZapRequest(req));
        }
    }

    /// Queues a PONG now, or, while the previous one is still unwritten,
    /// remembers it in its place: however many PINGs a peer sends without
    /// reading, we owe it at most one PONG.
    fn answer_ping(&mut self, context: Bytes) -> Result<(), ProtocolError> {
        if self.pong_unwritten > 0 {
            self.pong_owed = Some(context);
            return Ok(());
        }
        self.queue_pong(context);
        Ok(())
    }

    fn queue_pong(&mut self, context: Bytes) {
        let Ok(m) = self.mechanism.encode(Command::Pong { context }.to_msg()) else {
            // Only a CURVE nonce running out fails here; the next message
            // or PING will fail the connection.
            return;
        };
        self.encoder.encode(&m);
        self.pong_unwritten = self.encoder.len();
    }

    fn handle_command(&mut self, m: &Msg) -> Result<(), ProtocolError> {
        match Command::from_msg(m)? {
            Command::Ping { ttl, context } => {
                self.pings_received += 1;
                self.liveness.peer_ping(ttl, self.now);
                self.answer_ping(context)?;
            }
            Command::Pong { .. } => self.pongs_received += 1,
            Command::Subscribe(t) => self.events.push_back(Event::Message(prefixed(1, &t))),
            Command::Cancel(t) => self.events.push_back(Event::Message(prefixed(0, &t))),
            // libzmq ignores other commands once the handshake is done.
            _ => {}
        }
        Ok(())
    }

    fn send_command(&mut self, cmd: &Command) -> Result<(), ProtocolError> {
        let m = self.mechanism.encode(cmd.to_msg())?;
        self.encoder.encode(&m);
        Ok(())
    }

    /// Queues one frame from the socket. For SUB/XSUB facing a 3.1 peer, a
    /// single-frame message starting with `\x01`/`\x00` goes out as a
    /// SUBSCRIBE/CANCEL command, as libzmq 4.3 does.
    pub fn send(&mut self, msg: Msg) -> Result<(), ProtocolError> {
        self.send_back(msg).map(drop)
    }

    /// `send`, handing the message back once its bytes are queued (when it
    /// was encoded as it is), so that the caller chooses when to free it.
    pub fn send_back(&mut self, msg: Msg) -> Result<Option<Msg>, ProtocolError> {
        match self.phase {
            Phase::Active => {}
            Phase::Failed => return Err(ProtocolError::Closed),
            _ => return Err(ProtocolError::NotReady),
        }
        let first = !self.out_more;
        self.out_more = msg.more();
        if first
            && !msg.more()
            && self.version == Some(ZmtpVersion::V3_1)
            && matches!(self.cfg.socket_type, c::ZMQ_SUB | c::ZMQ_XSUB)
        {
            let d = msg.data();
            match d.first() {
                Some(1) => {
                    return self
                        .send_command(&Command::Subscribe(Bytes::copy_from_slice(&d[1..])))
                        .map(|_| None)
                }
                Some(0) => {
                    return self.send_command(&Command::Cancel(Bytes::copy_from_slice(&d[1..]))).map(|_| None)
                }
                _ => {}
            }
        }
        let mut msg = msg;
        msg.reset_flags(COMMAND);
        if self.wraps {
            let m = self.mechanism.encode(msg)?;
            self.encoder.encode(&m);
            Ok(None)
        } else {
            self.encoder.encode(&msg);
            Ok(Some(msg))
        }
    }

    /// Queues a PING (heartbeat). Returns false (and sends nothing) when the
    /// peer predates ZMTP 3 or the handshake is not done. `ttl` is in tenths
    /// of a second; at most 16 bytes of `context` are sent.
    pub fn send_ping(&mut self, ttl: u16, context: &[u8]) -> Result<bool, ProtocolError> {
        if self.phase != Phase::Active || !self.version.is_some_and(|v| v.has_commands()) {
            return Ok(false);
        }
        self.send_command(&Command::Ping {
            ttl,
            context: Bytes::copy_from_slice(context),
        })?;
        Ok(true)
    }
}

fn prefixed(first: u8, topic: &[u8]) -> Msg {
    let mut v = Vec::with_capacity(topic.len() + 1);
    v.push(first);
    v.extend_from_slice(topic);
    if v.len() <= crate::msg::MAX_INLINE {
        Msg::from_slice(&v)
    } else {
        Msg::from_bytes(Bytes::from(v))
    }
}
