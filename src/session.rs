//! A session: one tcp/ipc connection's glue between a socket's pipe and
//! the ZMTP engine, owned by an I/O thread.
//!
//! Owns: connecting and reconnecting (with back-off), the stream, the ZMTP
//! `Connection`, moving messages between the pipe and the stream with
//! back-pressure in both directions (HWM on the pipe, `WouldBlock` on the
//! stream), heartbeats, handshake and connect time-outs, linger on close,
//! and the connection-level monitor events. Must not: route messages or
//! parse bytes itself (the `zmtp` core does).
//!
//! Raw mode (ZMQ_STREAM sockets): no greeting and no framing. Each chunk
//! read from the stream goes to the pipe as one single-frame message; each
//! message read from the pipe is written as bytes. Connection and
//! disconnection are announced to the socket by a zero-length message (the
//! socket type decides whether to show them, ZMQ_STREAM_NOTIFY); a
//! zero-length message from the socket asks to close the connection once
//! everything queued before it is written, which ends the session for good
//! (no reconnect), as in libzmq. Monitor events as libzmq's raw engine: no
//! HANDSHAKE_SUCCEEDED; a lost connection reports HANDSHAKE_FAILED_NO_DETAIL
//! then DISCONNECTED.

use crate::constants::*;
use crate::io::events::EventSink;
use crate::io::mailbox::{Notify, Waker};
use crate::io::reactor::{token, Handler, Io, TimerId};
use crate::msg::{Metadata, Msg, Spent};
use crate::options::Options;
use crate::pipe::{EndConfig, PipeEnd, Read, SocketCommand, SocketMailbox};
use crate::transport::listener::Listener;
use crate::transport::Target;
use crate::transport::stream::{connect_ipc, connect_tcp, tune_connected, Stream};
use crate::zap::ZapClient;
use crate::zmtp::liveness::{Expired, Timing};
use crate::zmtp::mechanism::curve::CurveMechanism;
use crate::zmtp::mechanism::plain::PlainMechanism;
use crate::zmtp::mechanism::{ZapMode, ZapParams};
use crate::zmtp::zap::{ZapReply, ZapRequest};
use crate::zmtp::{Connection, ConnectionConfig, Event, Mechanism, NullMechanism, ProtocolError};
use bytes::{Bytes, BytesMut};
use mio::Interest;
use std::collections::VecDeque;
use std::io::{IoSlice, IoSliceMut, Read as _};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Opens a pipe to the application's ZAP handler, when one is bound (the
/// context's inproc table knows); the argument wakes the session's end.
pub type ZapConnect = Arc<dyn Fn(Arc<dyn Waker>) -> Option<PipeEnd> + Send + Sync>;

/// What a session (or listener) knows of the socket it serves.
#[derive(Clone)]
pub struct SockRef {
    pub socket_id: u64,
    pub mailbox: Arc<SocketMailbox>,
    pub monitor: Arc<dyn EventSink>,
    /// The socket's options when the endpoint was bound or connected.
    pub options: Arc<Options>,
    /// The socket's current ZMQ_LINGER (it may change up to zmq_close).
    pub linger: Arc<std::sync::atomic::AtomicI32>,
    /// The way to the ZAP handler.
    pub zap: ZapConnect,
}

impl SockRef {
    /// Emits a monitor event (from the I/O thread, as libzmq does).
    pub fn event(&self, event: i32, value: u32, endpoint: &str) {
        self.monitor.event(event, value, endpoint);
    }
}

/// The object that serves a tcp/ipc endpoint the socket `owner` bound: a
/// listener whose every accepted connection gets a session.
pub fn listener(bound: crate::transport::Bound, owner: &SockRef) -> Box<dyn Handler> {
    let o = owner.clone();
    let on_accept = Box::new(move |stream: Stream, endpoint: &str| {
        Box::new(Session::accepted(stream, endpoint.to_string(), o.clone())) as Box<dyn Handler>
    });
    Box::new(Listener::new(
        bound.sock,
        bound.endpoint,
        owner.socket_id,
        owner.options.clone(),
        owner.monitor.clone(),
        on_accept,
        bound.unlink,
        bound.tmpdir,
    ))
}

/// The object that serves a tcp/ipc endpoint the socket `owner` connected
/// to: a session that connects (and reconnects). `pipe` is the session's
/// end of the socket's pipe, or None with ZMQ_IMMEDIATE.
pub fn connecter(target: Target, endpoint: String, owner: SockRef, pipe: Option<PipeEnd>) -> Box<dyn Handler> {
    Box::new(Session::connecting(target, endpoint, owner, pipe))
}

enum Role {
    Connect(Target),
    Accepted,
}

#[derive(PartialEq, Eq, Clone, Copy, Debug)]
enum State {
    /// Waiting for the reconnect timer.
    Idle,
    Connecting,
    Handshaking,
    Active,
}

/// With the `test-hooks` feature only: a message with this payload makes
/// its session panic (see tests/security.rs).
#[cfg(feature = "test-hooks")]
pub const TEST_PANIC_PAYLOAD: &[u8] = b"zmq-oxide test hook: panic in this session";

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

/// Raw-mode output queue: payloads in order, small ones coalesced.
#[derive(Default)]
struct RawOut {
    segments: VecDeque<Bytes>,
    tail: BytesMut,
}

impl RawOut {
    /// Payloads up to this size are copied into one buffer.
    const COALESCE: usize = 1024;

    fn push(&mut self, m: &Msg) {
        let d = m.data();
        if d.len() <= Self::COALESCE {
            self.tail.extend_from_slice(d);
        } else {
            if !self.tail.is_empty() {
                self.segments.push_back(self.tail.split().freeze());
            }
            self.segments.push_back(m.to_bytes());
        }
    }
    fn len(&self) -> usize {
        self.segments.iter().map(|s| s.len()).sum::<usize>() + self.tail.len()
    }
    fn is_empty(&self) -> bool {
        self.segments.is_empty() && self.tail.is_empty()
    }
    fn io_slices<'a>(&'a self, dst: &mut [IoSlice<'a>]) -> usize {
        let mut i = 0;
        for s in self.segments.iter().map(|s| &s[..]).chain(std::iter::once(&self.tail[..])) {
            if i == dst.len() {
                break;
            }
            if !s.is_empty() {
                dst[i] = IoSlice::new(s);
                i += 1;
            }
        }
        i
    }
    fn advance(&mut self, mut n: usize) {
        use bytes::Buf;
        while n > 0 {
            match self.segments.front_mut() {
                Some(front) => {
                    let k = n.min(front.len());
                    front.advance(k);
                    n -= k;
                    if front.is_empty() {
                        self.segments.pop_front();
                    }
                }
                None => {
                    let k = n.min(self.tail.len());
                    self.tail.advance(k);
                    return;
                }
            }
        }
    }
    fn clear(&mut self) {
        self.segments.clear();
        self.tail.clear();
    }
}

pub struct Session {
    owner: SockRef,
    endpoint: String,
    role: Role,
    state: State,
    pipe: Option<PipeEnd>,
    stream: Option<Stream>,
    conn: Option<Connection>,
    inbuf: BytesMut,
    /// A first frame refused by the pipe (HWM); reading pauses until room.
    pending_in: Option<Msg>,
    out_blocked: bool,
    /// Mid-message toward the peer when the connection dropped: the rest of
    /// that message is discarded.
    out_more: bool,
    discard_out: bool,
    /// The socket closed its end of the pipe: flush, then finish.
    pipe_closing: bool,
    reconnect_ivl: i32,
    t_reconnect: Option<TimerId>,
    t_connect: Option<TimerId>,
    t_linger: Option<TimerId>,
    /// The connection's clock (`Connection::poll_timeout`), when armed.
    t_engine: Option<TimerId>,
    /// Raw mode (ZMQ_STREAM): no ZMTP, bytes in and out as they are.
    raw: bool,
    raw_out: RawOut,
    /// Raw mode: the socket asked to close the connection; write what is
    /// queued, then finish.
    raw_close: bool,
    /// The errno of the last stream failure (EPIPE for end of file).
    last_err: i32,
    /// This connection's pipe to the ZAP handler, while the handshake needs it.
    zap: Option<ZapClient>,
    /// A ZAP request went out and its answer is awaited.
    zap_waiting: bool,
    /// A ZAP request the connection produced, to send once decoding stops.
    zap_outgoing: Option<ZapRequest>,
    /// The stream's SO_RCVLOWAT while a large body is being read (1: off).
    rcvlowat: usize,
    /// The peer's last frame was a large body read directly: at the next
    /// frame boundary, read only its header (`PEEK` bytes), so that the
    /// body goes straight into its buffer from its first byte.
    large_in: bool,
}

fn ms(v: i32) -> Duration {
    Duration::from_millis(v.max(0) as u64)
}

fn jitter(max: i32) -> i32 {
    if max <= 0 {
        return 0;
    }
    let mut b = [0u8; 4];
    let _ = getrandom::fill(&mut b);
    (u32::from_ne_bytes(b) % max as u32) as i32
}

impl Session {
    fn new(owner: SockRef, endpoint: String, role: Role, pipe: Option<PipeEnd>, stream: Option<Stream>) -> Session {
        let reconnect_ivl = owner.options.reconnect_ivl;
        let owner_is_raw = owner.options.socket_type == ZMQ_STREAM;
        Session {
            owner,
            endpoint,
            role,
            state: State::Idle,
            pipe,
            stream,
            conn: None,
            inbuf: BytesMut::new(),
            pending_in: None,
            out_blocked: false,
            out_more: false,
            discard_out: false,
            pipe_closing: false,
            reconnect_ivl,
            t_reconnect: None,
            t_connect: None,
            t_linger: None,
            t_engine: None,
            raw: owner_is_raw,
            raw_out: RawOut::default(),
            raw_close: false,
            last_err: 0,
            zap: None,
            zap_waiting: false,
            zap_outgoing: None,
            rcvlowat: 1,
            large_in: false,
        }
    }

    /// A session for a connection a listener accepted.
    pub fn accepted(stream: Stream, endpoint: String, owner: SockRef) -> Session {
        Session::new(owner, endpoint, Role::Accepted, None, Some(stream))
    }

    /// A session that connects to `target` (and reconnects). `pipe` is the
    /// session's end of the socket's pipe, or None with ZMQ_IMMEDIATE.
    pub fn connecting(target: Target, endpoint: String, owner: SockRef, pipe: Option<PipeEnd>) -> Session {
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
                self.ready(io, key, true, true);
            }
            Role::Connect(_) => self.start_connecting(io, key),
        }
    }

    fn start_connecting(&mut self, io: &mut Io, key: usize) {
        let Role::Connect(target) = &self.role else { return };
        let o = &self.owner.options;
        let result = match target {
            Target::Tcp(spec) => spec.resolve_remote(o.ipv6).and_then(|dest| {
                let src = match &spec.source {
                    Some(s) => Some(s.resolve_local(o.ipv6)?),
                    None => None,
                };
                connect_tcp(&dest, src.as_ref(), o)
            }),
            Target::Ipc(path) => connect_ipc(path),
        };
        let mut stream = match result {
            Ok(s) => s,
            Err(_) => {
                self.schedule_reconnect(io, key);
                return;
            }
        };
        if io.registry().register(&mut stream, token(key), Interest::READABLE | Interest::WRITABLE).is_err() {
            self.schedule_reconnect(io, key);
            return;
        }
        let is_tcp = matches!(stream, Stream::Tcp(_));
        self.stream = Some(stream);
        self.state = State::Connecting;
        // A unix-socket connect completes at once; only tcp is "delayed".
        if is_tcp {
            self.owner.event(ZMQ_EVENT_CONNECT_DELAYED, libc::EINPROGRESS as u32, &self.endpoint);
        }
        if o.connect_timeout > 0 {
            self.t_connect = Some(io.add_timer(key, ms(o.connect_timeout)));
        }
    }

    fn schedule_reconnect(&mut self, io: &mut Io, key: usize) {
        if self.state == State::Connecting {
            // A refused or timed-out attempt: libzmq reports the socket closed.
            if let Some(s) = self.stream.as_ref() {
                self.owner.event(ZMQ_EVENT_CLOSED, s.fd() as u32, &self.endpoint);
            }
        }
        self.drop_stream(io);
        self.state = State::Idle;
        let o = self.owner.options.clone();
        // A closing socket's session keeps trying until its linger expires
        // (`pipe_terminated` ends it at once for linger 0 or nothing queued).
        if o.reconnect_ivl < 0 {
            // Reconnection disabled: this endpoint is done.
            self.finish(io);
            return;
        }
        let base = if o.reconnect_ivl == 0 { 0 } else { self.reconnect_ivl };
        let interval = base.saturating_add(jitter(o.reconnect_ivl));
        if o.reconnect_ivl_max > 0 && o.reconnect_ivl_max > o.reconnect_ivl {
            self.reconnect_ivl = (self.reconnect_ivl.saturating_mul(2)).min(o.reconnect_ivl_max);
        }
        self.owner.event(ZMQ_EVENT_CONNECT_RETRIED, interval as u32, &self.endpoint);
        self.t_reconnect = Some(io.add_timer(key, ms(interval)));
    }

    fn start_engine(&mut self, io: &mut Io, key: usize) {
        if self.raw {
            self.start_raw(io, key);
            return;
        }
        let o = self.owner.options.clone();
        let rid = Bytes::copy_from_slice(&o.routing_id);
        let cfg = ConnectionConfig {
            socket_type: o.socket_type,
            routing_id: rid,
            max_msg_size: o.maxmsgsize,
            // libzmq's zap_enabled(): legacy peers cannot authenticate.
            refuse_legacy: o.mechanism() != ZMQ_NULL || !o.zap_domain.is_empty(),
            timing: Timing::from_options(o.handshake_ivl, o.heartbeat_ivl, o.heartbeat_timeout, o.heartbeat_ttl),
        };
        let mech = match self.make_mechanism(io, key) {
            Ok(m) => m,
            Err(errno) => {
                // CURVE without usable keys (libzmq refuses such a
                // connection), or no random bytes for its keys and nonces.
                self.owner.event(ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL, errno as u32, &self.endpoint);
                self.disconnected(io, key, false);
                return;
            }
        };
        self.conn = Some(Connection::new(cfg, mech, Instant::now()));
        self.state = State::Handshaking;
        self.arm_engine_timer(io, key);
        self.flush(io, key);
    }

    /// Keeps one reactor timer at the connection's next deadline. A
    /// deadline that moved later is left armed (it fires early and is
    /// re-armed then); one that moved earlier replaces it.
    fn arm_engine_timer(&mut self, io: &mut Io, key: usize) {
        let Some(want) = self.conn.as_ref().and_then(|c| c.poll_timeout()) else { return };
        match self.t_engine {
            Some(t) if t.when <= want => {}
            Some(t) => {
                io.cancel_timer(t);
                self.t_engine = Some(io.add_timer_at(key, want));
            }
            None => self.t_engine = Some(io.add_timer_at(key, want)),
        }
    }

    /// The connection's clock fired: a heartbeat is due, or a deadline
    /// passed (a time-out, which reconnects, not a protocol error).
    fn engine_timer(&mut self, io: &mut Io, key: usize) {
        let Some(conn) = self.conn.as_mut() else { return };
        match conn.handle_timeout(Instant::now()) {
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

    /// The security mechanism the socket's options select. Servers (and
    /// NULL with a ZAP domain) connect to the ZAP handler if one is bound.
    /// Err: the errno to report with HANDSHAKE_FAILED_NO_DETAIL.
    fn make_mechanism(&mut self, io: &mut Io, key: usize) -> Result<Box<dyn Mechanism>, i32> {
        let o = self.owner.options.clone();
        let mechanism = o.mechanism();
        let server = match mechanism {
            ZMQ_PLAIN => o.plain_server,
            ZMQ_CURVE => o.curve_server,
            _ => false,
        };
        // NULL asks ZAP on either side when a domain is set (libzmq 4.3.4).
        let null_zap = mechanism == ZMQ_NULL && !o.zap_domain.is_empty();
        if server || null_zap {
            self.zap = (self.owner.zap)(io.waker()).map(ZapClient::new);
            if let Some(z) = &self.zap {
                io.pipe_owner.insert(z.pipe_id(), key);
            }
        }
        let params = ZapParams {
            domain: Bytes::copy_from_slice(&o.zap_domain),
            address: Bytes::from(self.stream.as_ref().and_then(|s| s.peer_address()).unwrap_or_default()),
            routing_id: Bytes::copy_from_slice(&o.routing_id),
        };
        let zap = ZapMode::for_socket(mechanism, server, self.zap.is_some(), o.zap_enforce_domain, params);
        if matches!(zap, ZapMode::Off) {
            self.drop_zap(io);
        }
        let (st, rid) = (o.socket_type, &o.routing_id[..]);
        let no_keys = libc::EPROTO;
        let no_random = |_| libc::EIO;
        Ok(match mechanism {
            ZMQ_PLAIN if server => Box::new(PlainMechanism::server(st, rid, &[], zap)),
            ZMQ_PLAIN => Box::new(PlainMechanism::client(st, rid, &[], &o.plain_username, &o.plain_password)),
            ZMQ_CURVE if server => {
                let secret = o.curve_secretkey.ok_or(no_keys)?;
                Box::new(CurveMechanism::server(st, rid, &[], secret, zap).map_err(no_random)?)
            }
            ZMQ_CURVE => {
                let (Some(public), Some(secret), Some(server_key)) =
                    (o.curve_publickey, o.curve_secretkey, o.curve_serverkey)
                else {
                    return Err(no_keys);
                };
                Box::new(CurveMechanism::client(st, rid, &[], public, secret, server_key).map_err(no_random)?)
            }
            _ => Box::new(NullMechanism::new(st, rid, &[]).with_zap(zap)),
        })
    }

    /// Carries the mechanism's ZAP request to the handler. A request that
    /// cannot be sent is answered at once as failed (ZAP fails closed).
    fn zap_send(&mut self, io: &mut Io, key: usize, req: ZapRequest) {
        let sent = self.zap.as_mut().is_some_and(|z| z.send(&req));
        self.zap_waiting = true;
        if !sent {
            self.zap_answer(io, key, Err(ZMQ_PROTOCOL_ERROR_ZAP_UNSPECIFIED));
            return;
        }
        // Reading now (finding nothing) asks the pipe to wake us on the reply.
        self.zap_readable(io, key);
    }

    /// The ZAP pipe may have a reply, or may have closed (the handler went
    /// away: the request failed): hand the outcome to the connection.
    fn zap_readable(&mut self, io: &mut Io, key: usize) {
        if !self.zap_waiting {
            return;
        }
        let Some(reply) = self.zap.as_mut().and_then(|z| z.poll_reply()) else { return };
        self.zap_answer(io, key, reply);
    }

    /// Gives the connection the handler's verdict and goes on.
    fn zap_answer(&mut self, io: &mut Io, key: usize, reply: Result<ZapReply, i32>) {
        // One request, one reply: the pipe has served its purpose (and a
        // handler closing afterwards must not look like a second reply).
        self.zap_waiting = false;
        self.drop_zap(io);
        if self.state != State::Handshaking {
            return;
        }
        let r = match self.conn.as_mut() {
            Some(c) => c.zap_reply(reply),
            None => return,
        };
        self.process_events(io, key);
        if let Err(e) = r {
            self.protocol_error(io, key, e);
            return;
        }
        self.flush(io, key);
        self.arm_engine_timer(io, key);
        // Anything the peer sent meanwhile is processed now.
        if !self.inbuf.is_empty() && self.decode_input(io, key) {
            self.flush(io, key);
        }
    }

    /// Decodes what is buffered in `inbuf` and delivers each message to the
    /// pipe as it comes (no intermediate queue), publishing them as one
    /// batch at the end. Stops, leaving the rest buffered, when the pipe is
    /// full. Returns false when the connection failed (already handled).
    fn decode_input(&mut self, io: &mut Io, key: usize) -> bool {
        // Small single-part data frames go from the read buffer straight
        // into the pipe (one copy, no per-frame decoder state), consumed
        // with one `advance` for the whole run of them.
        if let (None, Some(c), Some(p)) = (self.pending_in.as_ref(), self.conn.as_ref(), self.pipe.as_mut()) {
            let mut off = 0;
            while let Some(size) = c.peek_small_message(&self.inbuf[off..]) {
                if !p.write_small(&self.inbuf[off + 2..], size) {
                    break;
                }
                off += 2 + size;
                io.frames += 1;
            }
            bytes::Buf::advance(&mut self.inbuf, off);
        }
        let mut ok = true;
        while self.pending_in.is_none() {
            let r = match self.conn.as_mut() {
                Some(c) => c.next_message(&mut self.inbuf),
                None => break,
            };
            // Handshake and ping events come before the message.
            self.deliver_events(io, key);
            match r {
                Ok(Some(m)) => {
                    #[cfg(feature = "test-hooks")]
                    if m.data() == TEST_PANIC_PAYLOAD {
                        panic!("test hook: a session panics");
                    }
                    io.frames += 1;
                    if let Some(p) = self.pipe.as_mut() {
                        if let Err(m) = p.write_deferred(m) {
                            self.pending_in = Some(m);
                        }
                    }
                }
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

    fn drop_zap(&mut self, io: &mut Io) {
        if let Some(z) = self.zap.take() {
            io.pipe_owner.remove(&z.pipe_id());
        }
    }

    /// Raw mode: the connection is usable at once. Announce it to the
    /// socket with a zero-length message (creating the pipe if needed).
    fn start_raw(&mut self, io: &mut Io, key: usize) {
        self.state = State::Active;
        self.raw_out.clear();
        let mut md = Metadata::default();
        if let Some(s) = self.stream.as_ref() {
            if let Some(a) = s.peer_address() {
                md.set("Peer-Address", a.as_bytes());
            }
            md.set("__srcfd", s.fd().to_string().as_bytes());
        }
        self.attach_pipe(io, key, Bytes::new(), md);
        self.raw_notify();
        self.pump_out(io, key);
    }

    /// Raw mode: the zero-length message that announces a connection or a
    /// disconnection. Dropped when the pipe is full (as libzmq does).
    fn raw_notify(&mut self) {
        let m = Msg::new();
        if let Some(p) = self.pipe.as_mut() {
            if self.pending_in.is_none() {
                if let Err(m) = p.write(m) {
                    self.pending_in = Some(m);
                }
            }
        }
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
            // straight into the decoder's body buffer (one copy).
            if !self.raw && self.inbuf.is_empty() {
                match self.direct_read(io, key) {
                    Some(true) => continue,
                    Some(false) => return,
                    None => {}
                }
            }
            let Some(stream) = self.stream.as_mut() else { return };
            let peek = self.large_in && !self.raw && self.inbuf.is_empty();
            let want = if peek { PEEK } else { READ_CHUNK };
            match stream.read(&mut io.readbuf[..want]) {
                Ok(0) => {
                    self.last_err = libc::EPIPE;
                    self.disconnected(io, key, false);
                    return;
                }
                Ok(n) if self.raw => {
                    let m = Msg::from_slice(&io.readbuf[..n]);
                    if let Some(p) = self.pipe.as_mut() {
                        if let Err(m) = p.write(m) {
                            self.pending_in = Some(m);
                        }
                    }
                }
                Ok(n) => {
                    if let Some(c) = self.conn.as_mut() {
                        c.input_arrived(Instant::now());
                    }
                    self.inbuf.extend_from_slice(&io.readbuf[..n]);
                    if !self.decode_input(io, key) {
                        return;
                    }
                    if peek && !self.conn.as_ref().is_some_and(|c| c.wants_direct_read()) {
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

    /// One read of a large frame body straight into the decoder's (pooled)
    /// body buffer, when the connection offers one
    /// (`Connection::direct_read_target`). When the read can complete the
    /// body it also asks for the next `PEEK` bytes (readv), so that a
    /// stream of large messages takes one read per message, the next
    /// header included, and no body byte passes through `inbuf`.
    /// `None`: no such body in progress, read into `io.readbuf` instead.
    /// `Some(true)`: bytes arrived and were processed, keep reading.
    /// `Some(false)`: stop (would block, or the connection ended and that
    /// was handled).
    fn direct_read(&mut self, io: &mut Io, key: usize) -> Option<bool> {
        let (Some(stream), Some(conn)) = (self.stream.as_mut(), self.conn.as_mut()) else {
            return None;
        };
        let limit = conn.direct_read_limit();
        let body = conn.direct_read_target()?;
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
                conn.input_arrived(Instant::now());
                self.large_in = true;
                let into_body = n.min(body_len);
                let r = conn.direct_read_done(into_body);
                if self.rcvlowat > 1 && conn.direct_read_limit() < LOWAT_MIN {
                    stream.set_rcvlowat(1);
                    self.rcvlowat = 1;
                }
                // Events (a large SUBSCRIBE, say) come before the message.
                self.deliver_events(io, key);
                match r {
                    Ok(Some(m)) => {
                        // Counted like every frame `decode_input` delivers.
                        io.frames += 1;
                        if let Some(p) = self.pipe.as_mut() {
                            if let Err(m) = p.write_deferred(m) {
                                self.pending_in = Some(m);
                            }
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
                let watched = conn.poll_timeout().is_some();
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

    /// Delivers what the connection decoded. Messages are published to the
    /// socket as one batch (one wake-up at most), at the end.
    fn process_events(&mut self, io: &mut Io, key: usize) {
        self.deliver_events(io, key);
        if let Some(p) = self.pipe.as_mut() {
            p.flush();
        }
    }

    fn deliver_events(&mut self, io: &mut Io, key: usize) {
        if !self.conn.as_ref().is_some_and(|c| c.has_events()) {
            return;
        }
        while self.pending_in.is_none() {
            let Some(ev) = self.conn.as_mut().and_then(|c| c.poll_event()) else { return };
            match ev {
                Event::Handshook { .. } => self.on_handshake(io, key),
                Event::Message(m) => {
                    if let Some(p) = self.pipe.as_mut() {
                        if let Err(m) = p.write_deferred(m) {
                            self.pending_in = Some(m);
                        }
                    }
                }
                Event::ZapRequest(req) => self.zap_outgoing = Some(req),
            }
        }
    }

    fn on_handshake(&mut self, io: &mut Io, key: usize) {
        self.drop_zap(io);
        self.state = State::Active;
        self.owner.event(ZMQ_EVENT_HANDSHAKE_SUCCEEDED, 0, &self.endpoint);
        let Some(conn) = self.conn.as_ref() else { return };
        let props = conn.peer_metadata();
        let identity = props.get("Identity").cloned().unwrap_or_default();
        let mut md = props.to_msg_metadata();
        if let Some(s) = self.stream.as_ref() {
            if let Some(a) = s.peer_address() {
                md.set("Peer-Address", a.as_bytes());
            }
            md.set("__srcfd", s.fd().to_string().as_bytes());
        }
        if let Some(id) = conn.zap_identity() {
            for (k, v) in id.metadata.iter() {
                md.set(k, v);
            }
            md.set("User-Id", &id.user_id);
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

    /// Moves messages from the pipe into the connection and writes them.
    fn pump_out(&mut self, io: &mut Io, key: usize) {
        if self.raw {
            self.pump_out_raw(io, key);
            return;
        }
        if self.state != State::Active || self.out_blocked {
            return;
        }
        // Sent messages, freed in batches.
        let mut spent = Spent::default();
        loop {
            let Some(conn) = self.conn.as_mut() else { return };
            if conn.output().len() >= WRITE_BATCH {
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
                    match conn.send_back(m) {
                        // The application's thread allocated them.
                        Ok(Some(m)) => spent.release(m),
                        Ok(None) => {}
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
        self.maybe_finish_linger(io);
    }

    /// Raw mode: moves messages from the pipe to the stream as bytes; a
    /// zero-length message closes the connection once the rest is written.
    fn pump_out_raw(&mut self, io: &mut Io, key: usize) {
        if self.state != State::Active || self.out_blocked {
            return;
        }
        while !self.raw_close {
            if self.raw_out.len() >= WRITE_BATCH {
                self.flush(io, key);
                if self.out_blocked || self.state != State::Active {
                    return;
                }
                continue;
            }
            let Some(pipe) = self.pipe.as_mut() else { break };
            match pipe.read() {
                // The MORE flag means nothing on a raw connection.
                Read::Msg(m) if m.is_empty() => self.raw_close = true,
                Read::Msg(m) => self.raw_out.push(&m),
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
        if self.raw_close && self.raw_out.is_empty() {
            // Closed by the application: no notification, no event, no
            // reconnection (libzmq ends the session the same way).
            self.finish(io);
            return;
        }
        self.maybe_finish_linger(io);
    }

    /// Output queued and not yet written (ZMTP or raw).
    fn out_pending(&self) -> bool {
        match self.conn.as_ref() {
            Some(c) => c.wants_write(),
            None => self.raw && !self.raw_out.is_empty(),
        }
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

    fn flush(&mut self, io: &mut Io, key: usize) {
        if self.raw {
            self.flush_raw(io, key);
            return;
        }
        loop {
            let (Some(conn), Some(stream)) = (self.conn.as_mut(), self.stream.as_mut()) else { return };
            if !conn.wants_write() {
                return;
            }
            let enc = conn.output();
            let mut slices = [IoSlice::new(&[]); 64];
            let n = enc.io_slices(&mut slices);
            match stream.write_vectored(&slices[..n]) {
                Ok(0) => {
                    self.disconnected(io, key, false);
                    return;
                }
                Ok(w) => conn.advance_output(w),
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    self.out_blocked = true;
                    return;
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(_) => {
                    self.disconnected(io, key, false);
                    return;
                }
            }
        }
    }

    fn flush_raw(&mut self, io: &mut Io, key: usize) {
        loop {
            let Some(stream) = self.stream.as_mut() else { return };
            if self.raw_out.is_empty() {
                return;
            }
            let mut slices = [IoSlice::new(&[]); 64];
            let n = self.raw_out.io_slices(&mut slices);
            match stream.write_vectored(&slices[..n]) {
                Ok(0) => {
                    self.last_err = libc::EPIPE;
                    self.disconnected(io, key, false);
                    return;
                }
                Ok(w) => self.raw_out.advance(w),
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

    fn protocol_error(&mut self, io: &mut Io, key: usize, e: ProtocolError) {
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
        let (Some(conn), Some(stream)) = (self.conn.as_mut(), self.stream.as_mut()) else { return };
        while conn.wants_write() {
            let enc = conn.output();
            let mut slices = [IoSlice::new(&[]); 64];
            let n = enc.io_slices(&mut slices);
            match stream.write_vectored(&slices[..n]) {
                Ok(w) if w > 0 => conn.advance_output(w),
                _ => return,
            }
        }
    }

    /// The connection ended (error, EOF, time-out or protocol violation).
    fn disconnected(&mut self, io: &mut Io, key: usize, protocol: bool) {
        let was_up = matches!(self.state, State::Handshaking | State::Active);
        if let Some(s) = self.stream.as_ref() {
            if was_up {
                if self.raw || (self.state == State::Handshaking && !protocol) {
                    // libzmq's raw engine never finishes a handshake, and a
                    // ZMTP connection lost mid-handshake (EOF, reset, time-out)
                    // reports a failed one first, with the errno.
                    self.owner.event(ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL, self.last_err as u32, &self.endpoint);
                }
                self.owner.event(ZMQ_EVENT_DISCONNECTED, s.fd() as u32, &self.endpoint);
            }
        }
        if self.raw && was_up && !self.raw_close {
            self.raw_notify();
        }
        self.raw_out.clear();
        self.drop_stream(io);
        self.drop_zap(io);
        self.conn = None;
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
                if protocol || self.raw_close {
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

    fn drop_stream(&mut self, io: &mut Io) {
        if let Some(mut s) = self.stream.take() {
            let _ = io.registry().deregister(&mut s);
        }
        self.state = State::Idle;
        self.out_blocked = false;
        self.rcvlowat = 1;
    }

    /// Ends the session: closes the stream and the pipe; the reactor drops it.
    fn finish(&mut self, io: &mut Io) {
        self.drop_stream(io);
        self.drop_zap(io);
        self.conn = None;
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
    /// to the handler, and the connection's clock follows its deadlines.
    fn after_input(&mut self, io: &mut Io, key: usize) {
        if let Some(req) = self.zap_outgoing.take() {
            self.zap_send(io, key, req);
        }
        self.arm_engine_timer(io, key);
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
        if self.pending_in.is_none() && !self.inbuf.is_empty() && !self.raw {
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

impl Handler for Session {
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
