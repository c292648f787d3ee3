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

use super::zap_client::ZapClient;
use super::SockRef;
use crate::constants::*;
use crate::engine::{Engine, EngineEvent};
use crate::io::events::EventEndpoints;
use crate::io::mailbox::{Notify, Waker};
use crate::io::reactor::{token, Handler, Io, TimerId};
use crate::msg::{Metadata, Msg};
use crate::pipe::{EndConfig, PipeEnd, SocketCommand};
use crate::transport::stream::{tune_connected, Stream};
use crate::transport::socks::Socks5;
use crate::transport::address::tcp_endpoint;
use crate::transport::Target;
use crate::util::log::{self, Level};
use crate::zmtp::liveness::Expired;
use crate::zmtp::zap::ZapRequest;
use crate::zmtp::ProtocolError;
use bytes::{Bytes, BytesMut};
use mio::Interest;
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
    /// Connected to a SOCKS5 proxy, asking it for the target.
    Proxying,
    Handshaking,
    Active,
}

/// See the module doc.
pub struct Session<E> {
    pub(super) owner: SockRef,
    pub(super) endpoint: String,
    pub(super) role: Role,
    pub(super) state: State,
    pub(super) pipe: Option<PipeEnd>,
    pub(super) stream: Option<Stream>,
    pub(super) engine: Option<E>,
    pub(super) inbuf: BytesMut,
    /// A frame refused by the pipe (HWM); reading pauses until room.
    pub(super) pending_in: Option<Msg>,
    pub(super) out_blocked: bool,
    /// Mid-message toward the peer when the connection dropped: the rest of
    /// that message is discarded.
    pub(super) out_more: bool,
    pub(super) discard_out: bool,
    /// The socket closed its end of the pipe: flush, then finish.
    pub(super) pipe_closing: bool,
    /// The socket asked to close the connection (`Sent::Close`): write
    /// what is queued, then finish for good.
    pub(super) closing: bool,
    /// The monitor heard of this connection's handshake (see
    /// `EngineEvent::Ready`); when not, losing it is a failed handshake.
    pub(super) reported: bool,
    pub(super) reconnect_ivl: i32,
    pub(super) t_reconnect: Option<TimerId>,
    pub(super) t_connect: Option<TimerId>,
    pub(super) t_linger: Option<TimerId>,
    /// The engine's clock (`Engine::poll_timeout`), when armed.
    pub(super) t_engine: Option<TimerId>,
    /// The errno of the last stream failure (EPIPE for end of file).
    pub(super) last_err: i32,
    /// This connection's pipe to the ZAP handler, while the handshake needs it.
    pub(super) zap: Option<ZapClient>,
    /// A ZAP request went out and its answer is awaited.
    pub(super) zap_waiting: bool,
    /// A ZAP request the engine produced, to send once decoding stops.
    pub(super) zap_outgoing: Option<ZapRequest>,
    /// The stream's SO_RCVLOWAT while a large body is being read (1: off).
    pub(super) rcvlowat: usize,
    /// tcp connect: the address the live connection reached
    /// (`tcp://ip:port`), and the name events use once one was lost
    /// (libzmq's next connecter names the address it resolved, not the
    /// endpoint as given; see `event_endpoint`).
    pub(super) reached: Option<String>,
    pub(super) renamed: Option<String>,
    /// The peer's last frame was a large body read directly: at the next
    /// frame boundary, read only its header (`PEEK` bytes), so that the
    /// body goes straight into its buffer from its first byte.
    pub(super) large_in: bool,
    /// The SOCKS5 exchange with `ZMQ_SOCKS_PROXY`, while it runs.
    pub(super) socks: Option<Socks5>,
    /// `tcp://` and the proxy's address when connecting through one: libzmq
    /// reports such a connection's events under it.
    pub(super) proxy_endpoint: Option<String>,
    /// The connection's other address for monitor events (version 2):
    /// ours when we connected, the peer's when we accepted; set when the
    /// connection is made.
    conn_name: String,
}

/// How a session makes the engine of each new connection (the impls are
/// in `security`: the mechanism is chosen there).
pub trait MakeEngine: Engine + Sized + 'static {
    /// The engine for `session`'s freshly connected stream. Err: the errno
    /// to report with HANDSHAKE_FAILED_NO_DETAIL (the connection is refused).
    fn make(session: &mut Session<Self>, io: &mut Io, key: usize) -> Result<Self, i32>;
}

pub(super) fn ms(v: i32) -> Duration {
    Duration::from_millis(v.max(0) as u64)
}

impl<E: MakeEngine> Session<E> {
    pub(super) fn new(owner: SockRef, endpoint: String, role: Role, pipe: Option<PipeEnd>, stream: Option<Stream>) -> Session<E> {
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
            reached: None,
            renamed: None,
            large_in: false,
            socks: None,
            proxy_endpoint: None,
            conn_name: String::new(),
        }
    }

    /// The endpoint monitor events name: the proxy's when connecting
    /// through one; after a tcp connection was lost, the address it had
    /// reached; else the endpoint as given (as libzmq names them).
    pub(super) fn event_endpoint(&self) -> &str {
        self.proxy_endpoint.as_deref().or(self.renamed.as_deref()).unwrap_or(&self.endpoint)
    }

    /// Endpoints of an event about a connection attempt (CONNECT_DELAYED,
    /// CONNECT_RETRIED, CLOSED): only the endpoint connected to.
    pub(super) fn attempt_endpoints(&self) -> EventEndpoints<'_> {
        EventEndpoints::connecting(self.event_endpoint())
    }

    /// Endpoints of an event about the connection itself (CONNECTED,
    /// HANDSHAKE_*, DISCONNECTED), as libzmq's engine names them: the
    /// endpoint, and the connection's other address (`conn_name`).
    pub(super) fn conn_endpoints(&self) -> EventEndpoints<'_> {
        match self.role {
            Role::Accepted => EventEndpoints { local: self.event_endpoint(), remote: &self.conn_name, bound: true },
            Role::Connect(_) => EventEndpoints { local: &self.conn_name, remote: self.event_endpoint(), bound: false },
        }
    }

    /// Records the connection's other address (see `conn_name`).
    fn name_connection(&mut self) {
        self.conn_name = match (&self.role, self.stream.as_ref()) {
            (Role::Accepted, Some(s)) => s.peer_endpoint(),
            (Role::Connect(_), Some(s)) => s.local_endpoint(),
            (_, None) => String::new(),
        };
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

    pub(super) fn begin(&mut self, io: &mut Io, key: usize) {
        if let Some(p) = &self.pipe {
            io.pipe_owner.insert(p.id(), key);
        }
        // The socket may have closed its end before this session started
        // (a PAIR refusing a second peer, a socket closed at once): its
        // notice went to no one, so look now.
        if self.pipe.as_ref().is_some_and(|p| p.peer_closed()) {
            self.pipe_terminated(io, key);
            if self.pipe.is_none() {
                return;
            }
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

    /// The connect completed (through the proxy, if any): the engine starts.
    pub(super) fn connected(&mut self, io: &mut Io, key: usize) {
        let Some(fd) = self.stream.as_ref().map(|s| s.fd() as u32) else { return };
        self.t_connect = None;
        self.reconnect_ivl = self.owner.options.reconnect_ivl;
        self.name_connection();
        self.owner.event(ZMQ_EVENT_CONNECTED, fd, self.conn_endpoints());
        if let Some(Stream::Tcp(t)) = self.stream.as_ref() {
            self.reached = t.peer_addr().ok().map(|a| tcp_endpoint(&a));
        }
        self.start_engine(io, key);
        if matches!(self.state, State::Handshaking | State::Active) {
            self.read_loop(io, key);
        }
    }

    /// The stream is connected: its engine starts.
    pub(super) fn start_engine(&mut self, io: &mut Io, key: usize) {
        self.name_connection();
        match E::make(self, io, key) {
            Ok(e) => self.engine = Some(e),
            Err(errno) => {
                // CURVE without usable keys (libzmq refuses such a
                // connection), or no random bytes for its keys and nonces.
                self.owner.event(ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL, errno as u32, self.conn_endpoints());
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
    pub(super) fn arm_engine_timer(&mut self, io: &mut Io, key: usize) {
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
    pub(super) fn engine_timer(&mut self, io: &mut Io, key: usize) {
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

    /// Readiness of the stream.
    pub(super) fn stream_ready(&mut self, io: &mut Io, key: usize, readable: bool, writable: bool) {
        match self.state {
            State::Idle => {}
            State::Connecting => {
                let Some(s) = self.stream.as_ref() else { return };
                match s.take_error() {
                    Ok(None) if s.is_connected() => {
                        tune_connected(s, &self.owner.options);
                        if self.socks.is_some() {
                            self.state = State::Proxying;
                            self.socks_ready(io, key);
                        } else {
                            self.connected(io, key);
                        }
                    }
                    Ok(None) => {}
                    result => {
                        log::log(Level::Warn, || {
                            let why = match &result {
                                Ok(Some(e)) | Err(e) => e.raw_os_error().map_or_else(|| e.to_string(), log::errno_text),
                                Ok(None) => String::from("not connected"),
                            };
                            format!("connect to {} failed: {why}", self.event_endpoint())
                        });
                        let errno = match &result {
                            Ok(Some(e)) | Err(e) => e.raw_os_error().unwrap_or(0),
                            Ok(None) => 0,
                        };
                        if self.stops_on_refusal(errno) {
                            if let Some(s) = self.stream.as_ref() {
                                self.owner.event(ZMQ_EVENT_CLOSED, s.fd() as u32, self.attempt_endpoints());
                            }
                            self.finish(io);
                        } else {
                            self.schedule_reconnect(io, key)
                        }
                    }
                }
            }
            State::Proxying => self.socks_ready(io, key),
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

    /// Delivers what the engine produced. Messages are published to the
    /// socket as one batch (one wake-up at most), at the end.
    pub(super) fn process_events(&mut self, io: &mut Io, key: usize) {
        self.deliver_events(io, key);
        if let Some(p) = self.pipe.as_mut() {
            p.flush();
        }
    }

    pub(super) fn deliver_events(&mut self, io: &mut Io, key: usize) {
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
    pub(super) fn on_ready(&mut self, io: &mut Io, key: usize, identity: Bytes, mut md: Metadata, reported: bool) {
        self.drop_zap(io);
        self.state = State::Active;
        self.reported = reported;
        if reported {
            self.owner.event(ZMQ_EVENT_HANDSHAKE_SUCCEEDED, 0, self.conn_endpoints());
        }
        if let Some(s) = self.stream.as_ref() {
            if let Some(a) = s.peer_address() {
                md.set("Peer-Address", a.as_bytes());
            }
            md.set("__srcfd", s.fd().to_string().as_bytes());
        }
        self.attach_pipe(io, key, identity, md);
        let o = self.owner.options.clone();
        if o.router_notify & ZMQ_NOTIFY_CONNECT != 0 {
            // ROUTER: an empty message from the new peer (a full pipe, or
            // one the socket closed, drops it, as libzmq does).
            if let Some(p) = self.pipe.as_mut() {
                let _ = p.write_deferred(Msg::new());
            }
        }
        if let Some(hello) = o.hello() {
            // Ahead of anything the socket queued for this peer.
            if let Some(e) = self.engine.as_mut() {
                if let Err(e) = e.send(Msg::from_slice(hello)) {
                    self.protocol_error(io, key, e);
                    return;
                }
            }
        }
        self.pump_out(io, key);
    }

    /// The connection is up: tell the socket's pipe the peer's routing id,
    /// or (ZMQ_IMMEDIATE, accepted connections) create the pipe and hand the
    /// socket its end.
    /// The connection's properties (`md`) go with the pipe: the socket's
    /// side attaches them to every message it reads.
    pub(super) fn attach_pipe(&mut self, io: &mut Io, key: usize, identity: Bytes, md: Metadata) {
        let o = self.owner.options.clone();
        let md = Some(Arc::new(md));
        let eps = self.conn_endpoints();
        let names = (eps.local.to_string(), eps.remote.to_string());
        match self.pipe.as_ref() {
            Some(p) => {
                p.set_outbound_metadata(md);
                p.set_endpoints(names);
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
                mine.set_endpoints(names);
                io.pipe_owner.insert(mine.id(), key);
                self.pipe = Some(mine);
                let connected = matches!(self.role, Role::Connect(_));
                self.owner.mailbox.send(SocketCommand::Attach(Box::new(theirs), connected));
            }
        }
    }

    pub(super) fn protocol_error(&mut self, io: &mut Io, key: usize, e: ProtocolError) {
        log::log(Level::Warn, || {
            let phase = if self.state == State::Handshaking { "handshake" } else { "connection" };
            format!("{phase} with {} ended: {e}", self.event_endpoint())
        });
        // libzmq reports a protocol failure only where it has a ZMTP error
        // code for it; otherwise the peer is just disconnected.
        if self.state == State::Handshaking {
            let mismatch = |e: &ProtocolError| matches!(e, ProtocolError::IncompatibleSocketType(_));
            let refused_type = match &e {
                ProtocolError::NullReadyRefused(inner) => mismatch(inner),
                e => mismatch(e),
            };
            if matches!(e, ProtocolError::ZapDenied(_)) || refused_type {
                // What we queued for the peer goes out first: the ERROR of a
                // ZAP refusal; our READY when its socket type does not fit
                // ours, so that the peer sees the mismatch too and stops
                // reconnecting, as a libzmq peer does with a libzmq server.
                self.write_last_words();
            }
            if let Some((event, value)) = e.monitor_event() {
                self.owner.event(event, value, self.conn_endpoints());
            }
        }
        self.disconnected(io, key, true);
    }

    /// The connection ended (error, EOF, time-out or protocol violation).
    pub(super) fn disconnected(&mut self, io: &mut Io, key: usize, protocol: bool) {
        let was_up = matches!(self.state, State::Handshaking | State::Active);
        // ZMQ_RECONNECT_STOP_HANDSHAKE_FAILED (draft): a connection lost or
        // timed out mid-handshake counts as a protocol error: no retry.
        let stop = self.state == State::Handshaking
            && self.owner.options.reconnect_stop & ZMQ_RECONNECT_STOP_HANDSHAKE_FAILED != 0;
        if let Some(s) = self.stream.as_ref() {
            if was_up {
                let unreported = self.state == State::Active && !self.reported;
                if !protocol && (unreported || self.state == State::Handshaking) {
                    // A connection whose handshake the monitor never heard
                    // of (raw, ZMTP 1.0/2.0), or one lost mid-handshake
                    // (EOF, reset, time-out), reports a failed handshake
                    // first, with the errno: libzmq's engines do (protocol
                    // errors are reported where they occur).
                    self.owner.event(ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL, self.last_err as u32, self.conn_endpoints());
                }
                self.owner.event(ZMQ_EVENT_DISCONNECTED, s.fd() as u32, self.conn_endpoints());
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
            self.last_messages();
        }
        if was_up && self.reached.is_some() {
            self.renamed = self.reached.take();
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
                if protocol || stop || self.closing {
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

    /// A connection that had completed its handshake ended: what the
    /// socket hears of it, as from the peer, after the incomplete message
    /// it was receiving is dropped: ROUTER's empty disconnect notice
    /// (`ZMQ_ROUTER_NOTIFY`), then the `ZMQ_DISCONNECT_MSG` of an accepted
    /// connection or the `ZMQ_HICCUP_MSG` of one we made. Each is dropped
    /// when the pipe is full.
    fn last_messages(&mut self) {
        let o = self.owner.options.clone();
        let accepted = matches!(self.role, Role::Accepted);
        let notice = (o.router_notify & ZMQ_NOTIFY_DISCONNECT != 0).then(Msg::new);
        let own = if accepted { o.disconnect() } else { o.hiccup() };
        if notice.is_none() && own.is_none() {
            return;
        }
        let Some(p) = self.pipe.as_mut() else { return };
        p.rollback();
        for m in notice.into_iter().chain(own.map(Msg::from_slice)) {
            let _ = p.write(m);
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

    pub(super) fn on_timer(&mut self, io: &mut Io, key: usize, id: TimerId) {
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
            if matches!(self.state, State::Connecting | State::Proxying) {
                log::log(Level::Warn, || format!("connect to {} timed out (ZMQ_CONNECT_TIMEOUT)", self.event_endpoint()));
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
    pub(super) fn after_input(&mut self, io: &mut Io, key: usize) {
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
    pub(super) fn pipe_readable(&mut self, io: &mut Io, key: usize) {
        if self.zap.is_some() {
            self.zap_readable(io, key);
        }
        self.pump_out(io, key);
    }

    /// The socket read from the pipe: room to deliver again.
    pub(super) fn pipe_writable(&mut self, io: &mut Io, key: usize) {
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
    pub(super) fn pipe_terminated(&mut self, io: &mut Io, key: usize) {
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
            Notify::StatsRequest(_) => {
                if let Some(p) = self.pipe.as_ref() {
                    p.answer_stats();
                }
            }
            // Sessions never ask.
            Notify::StatsReply(_) => {}
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
            self.owner.event(ZMQ_EVENT_DISCONNECTED, s.fd() as u32, self.conn_endpoints());
        }
        self.finish(io);
    }
}
