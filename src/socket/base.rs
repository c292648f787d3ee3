//! The part every socket shares: options, pipes, endpoints, commands,
//! blocking with timeouts, `ZMQ_EVENTS`, monitoring and close.
//!
//! Owns: the pipe table, the mailbox (whose fd is `ZMQ_FD`), the socket's
//! endpoints and its monitor. Must not: decide where messages go (that is
//! the socket type's `Routing`) or parse wire bytes.

use super::{create, Cx, PipeKey, Routing};
use crate::constants::*;
use super::monitor::{EventSocket, Monitor, MonitorRef};
use crate::ctx::{BoundInfo, Ctx, InprocSide};
use crate::error::*;
use crate::io::events::EventEndpoints;
use crate::io::gate::Gate;
use crate::io::mailbox::{Notify, Waker};
use crate::io::reactor::{IoCommand, IoMailbox};
use crate::msg::{Msg, Spent};
use crate::options::Options;
use crate::pipe::{PipeEnd, SocketCommand, SocketMailbox};
use crate::session::{self, SockRef};
use crate::transport::{self, Target};
use slab::Slab;
use std::collections::HashMap;
use std::os::raw::c_int;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub struct SocketBase {
    ctx: Arc<Ctx>,
    id: u64,
    mailbox: Arc<SocketMailbox>,
    pub options: Options,
    pipes: Slab<PipeEnd>,
    ids: HashMap<u64, PipeKey>,
    /// The endpoint each connected pipe belongs to (for zmq_disconnect).
    pipe_endpoint: HashMap<PipeKey, String>,
    /// Endpoints this socket bound.
    bound: Vec<String>,
    routing: Box<dyn Routing>,
    rcvmore: bool,
    /// The last frame this socket moved was one it sent (see `wait`).
    last_sent: bool,
    /// Attached pipes fed by I/O-thread sessions (tcp, ipc...; see `wait`).
    io_pipes: usize,
    /// The last frame received was large (`msg::large::MIN` bytes or
    /// more; see `wait`).
    last_large: bool,
    /// Messages the application let go of (see `release`).
    spent: Spent,
    ctx_terminated: bool,
    last_endpoint: String,
    /// Pipes whose peer closed but which may still hold messages.
    closing: Vec<PipeKey>,
    monitor: MonitorRef,
    /// tcp/ipc endpoints (bound or connected) and the I/O thread serving each.
    net_endpoints: Vec<(String, Arc<IoMailbox>)>,
    /// ZMQ_LINGER as sessions see it: it may change after connect.
    linger: Arc<std::sync::atomic::AtomicI32>,
    cmd_buf: Vec<SocketCommand>,
    /// Thread-safe types only (SERVER, CLIENT, ...): what their callers
    /// wait on instead of the mailbox (see `io::gate`, `shared`).
    gate: Option<Arc<Gate>>,
}

mod monitoring;
mod udp;

macro_rules! cx {
    ($s:expr) => {
        &mut Cx { pipes: &mut $s.pipes, options: &$s.options }
    };
}

impl SocketBase {
    pub fn new(ctx: Arc<Ctx>, socket_type: c_int) -> ZResult<SocketBase> {
        let mut options = Options::new(socket_type);
        let routing = create(socket_type, &options)?;
        // Context options libzmq copies into each new socket.
        if !ctx.blocky() {
            options.linger = 0;
        }
        options.ipv6 = ctx.ipv6();
        let mailbox = Arc::new(SocketMailbox::new()?);
        let gate = if super::thread_safe(socket_type) {
            let g = Arc::new(Gate::new()?);
            mailbox.set_gate(g.clone());
            Some(g)
        } else {
            None
        };
        let id = ctx.register_socket(mailbox.clone())?;
        let linger = options.linger;
        Ok(SocketBase {
            ctx,
            id,
            mailbox,
            options,
            pipes: Slab::new(),
            ids: HashMap::new(),
            pipe_endpoint: HashMap::new(),
            bound: Vec::new(),
            routing,
            rcvmore: false,
            last_sent: false,
            io_pipes: 0,
            last_large: false,
            spent: Spent::default(),
            ctx_terminated: false,
            last_endpoint: String::new(),
            closing: Vec::new(),
            monitor: MonitorRef::default(),
            net_endpoints: Vec::new(),
            linger: Arc::new(std::sync::atomic::AtomicI32::new(linger)),
            cmd_buf: Vec::new(),
            gate,
        })
    }

    pub fn ctx(&self) -> &Arc<Ctx> {
        &self.ctx
    }

    pub fn mailbox(&self) -> &Arc<SocketMailbox> {
        &self.mailbox
    }

    fn check_alive(&mut self) -> ZResult<()> {
        if self.mailbox.has_pending() {
            self.process_commands();
        }
        if self.ctx_terminated {
            return Err(ETERM);
        }
        Ok(())
    }

    /// Applies every queued command.
    pub fn process_commands(&mut self) {
        let mut cmds = std::mem::take(&mut self.cmd_buf);
        self.mailbox.drain(&mut cmds);
        for cmd in cmds.drain(..) {
            match cmd {
                SocketCommand::Pipe(Notify::ReadReady(id)) => {
                    if let Some(&k) = self.ids.get(&id) {
                        self.routing.read_activated(cx!(self), k);
                    }
                }
                SocketCommand::Pipe(Notify::WriteReady(id)) => {
                    if let Some(&k) = self.ids.get(&id) {
                        self.routing.write_activated(cx!(self), k);
                    }
                }
                SocketCommand::Attach(pipe, connected) => {
                    if self.ctx_terminated {
                        drop(pipe);
                    } else {
                        self.attach_pipe(*pipe, None, connected);
                    }
                }
                SocketCommand::Pipe(Notify::PeerAttached(id)) => {
                    if let Some(&k) = self.ids.get(&id) {
                        self.routing.peer_attached(cx!(self), k);
                        self.routing.read_activated(cx!(self), k);
                    }
                }
                SocketCommand::Pipe(Notify::Closed(id)) => {
                    if let Some(&k) = self.ids.get(&id) {
                        self.closing.push(k);
                        // Let the routing see the pipe once more so it reads
                        // what is left (and notices that writes fail).
                        self.routing.read_activated(cx!(self), k);
                    }
                }
                SocketCommand::Pipe(Notify::StatsRequest(id)) => {
                    if let Some(&k) = self.ids.get(&id) {
                        self.pipes[k].answer_stats();
                    }
                }
                SocketCommand::Pipe(Notify::StatsReply(id)) => {
                    if let Some(&k) = self.ids.get(&id) {
                        self.pipe_stats_ready(k);
                    }
                }
                SocketCommand::Hiccup(id) => {
                    if let Some(&k) = self.ids.get(&id) {
                        self.routing.hiccuped(cx!(self), k);
                    }
                }
                SocketCommand::Stop => self.ctx_terminated = true,
            }
        }
        self.cmd_buf = cmds;
        self.reap_closed_pipes();
    }

    /// Detaches pipes whose peer closed once nothing is left to read.
    fn reap_closed_pipes(&mut self) {
        if self.closing.is_empty() {
            return;
        }
        let mut i = 0;
        while i < self.closing.len() {
            let k = self.closing[i];
            let done = self.pipes.get_mut(k).is_none_or(|p| p.is_drained_and_closed());
            if done {
                self.closing.swap_remove(i);
                self.detach_pipe(k);
            } else {
                i += 1;
            }
        }
    }

    /// Attaches a pipe; `connected` when this socket's own connect made it.
    pub fn attach_pipe(&mut self, pipe: PipeEnd, endpoint: Option<String>, connected: bool) {
        let k = self.insert_pipe(pipe, endpoint);
        if connected {
            self.routing.attach_connected(cx!(self), k);
        } else {
            self.routing.attach(cx!(self), k);
        }
    }

    /// Puts a pipe in the table (the routing is told by the caller).
    fn insert_pipe(&mut self, pipe: PipeEnd, endpoint: Option<String>) -> PipeKey {
        let id = pipe.id();
        if pipe.io_peer() {
            self.io_pipes += 1;
        }
        let k = self.pipes.insert(pipe);
        self.ids.insert(id, k);
        if let Some(ep) = endpoint {
            self.pipe_endpoint.insert(k, ep);
        }
        k
    }

    fn detach_pipe(&mut self, k: PipeKey) {
        if !self.pipes.contains(k) {
            return;
        }
        self.routing.detach(cx!(self), k);
        let mut p = self.pipes.remove(k);
        if p.io_peer() {
            self.io_pipes -= 1;
        }
        self.ids.remove(&p.id());
        self.pipe_endpoint.remove(&k);
        self.closing.retain(|&c| c != k);
        p.terminate();
    }

    // ----- endpoints -----

    pub fn bind(&mut self, endpoint: &str) -> ZResult<()> {
        self.check_alive()?;
        let (proto, addr) = parse_endpoint(endpoint, self.options.socket_type)?;
        match proto {
            "inproc" => {
                if addr.is_empty() {
                    return Err(EINVAL);
                }
                let info = self.bound_info();
                let info_side = info.side.clone();
                let pending = self.ctx.bind_inproc(endpoint, info)?;
                for mut p in pending {
                    let hwm = [
                        crate::pipe::combined_hwm(self.options.sndhwm, p.peer_rcvhwm),
                        crate::pipe::combined_hwm(p.peer_sndhwm, self.options.rcvhwm),
                    ];
                    p.end.set_hwm_boosts(p.peer_rcvhwm, self.options.rcvhwm);
                    p.end.attach(self.end_config(), hwm);
                    crate::ctx::greet(&mut p.end, &info_side, true);
                    self.attach_pipe(p.end, None, false);
                }
                self.bound.push(endpoint.to_string());
                self.last_endpoint = endpoint.to_string();
                Ok(())
            }
            "tcp" | "ipc" => {
                let bound = match transport::bind(proto, addr, &self.options) {
                    Ok(b) => b,
                    Err(e) => {
                        if let Some((fd, ep)) = &e.closed {
                            self.emit_event(ZMQ_EVENT_CLOSED, *fd as u32, EventEndpoints::bound(ep));
                        }
                        // As libzmq, the event names the address without the transport.
                        self.emit_event(ZMQ_EVENT_BIND_FAILED, e.errno as u32, EventEndpoints::bound(addr));
                        return Err(e.errno);
                    }
                };
                let fd = bound.sock.fd();
                let io = self.ctx.io_thread(self.options.affinity)?;
                let resolved = bound.endpoint.clone();
                io.send(IoCommand::Spawn(session::listener(bound, &self.sock_ref())));
                self.net_endpoints.push((resolved.clone(), io));
                self.last_endpoint = resolved;
                self.emit_event(ZMQ_EVENT_LISTENING, fd as u32, EventEndpoints::bound(&self.last_endpoint.clone()));
                Ok(())
            }
            "udp" => self.udp_endpoint(endpoint, addr, true),
            _ => Err(EPROTONOSUPPORT),
        }
    }

    fn sock_ref(&self) -> SockRef {
        // The context only weakly: it owns the I/O threads that own sessions.
        let ctx = Arc::downgrade(&self.ctx);
        SockRef {
            socket_id: self.id,
            mailbox: self.mailbox.clone(),
            monitor: self.monitor.clone(),
            options: Arc::new(self.options.clone()),
            raw: self.routing.raw(),
            linger: self.linger.clone(),
            zap: Arc::new(move |waker| {
                let side = InprocSide { waker, routing_id: bytes::Bytes::new(), sndhwm: 0, rcvhwm: 0, conflate: false, hello: None, disconnect: None };
                ctx.upgrade()?.connect_inproc_if_bound(crate::zmtp::zap::ZAP_ENDPOINT, side)
            }),
        }
    }

    fn connect_net(&mut self, endpoint: &str, target: Target) -> ZResult<()> {
        let io = self.ctx.io_thread(self.options.affinity)?;
        let pipe = if self.options.immediate {
            None
        } else {
            let o = &self.options;
            let conflate = o.conflates();
            let session_cfg = crate::pipe::EndConfig { mailbox: Some(io.clone() as Arc<dyn Waker>), routing_id: None };
            let (mine, theirs) =
                PipeEnd::pair(self.end_config(), session_cfg, o.pipe_hwms(), [conflate, conflate]);
            self.attach_pipe(mine, Some(endpoint.to_string()), true);
            Some(theirs)
        };
        io.send(IoCommand::Spawn(session::connecter(target, endpoint.to_string(), self.sock_ref(), pipe)));
        self.net_endpoints.push((endpoint.to_string(), io));
        self.last_endpoint = endpoint.to_string();
        Ok(())
    }

    pub fn connect(&mut self, endpoint: &str) -> ZResult<()> {
        self.check_alive()?;
        let (proto, addr) = parse_endpoint(endpoint, self.options.socket_type)?;
        match proto {
            "inproc" => {
                if addr.is_empty() {
                    return Err(EINVAL);
                }
                let end = self.ctx.connect_inproc(endpoint, self.inproc_side())?;
                self.attach_pipe(end, Some(endpoint.to_string()), true);
                self.last_endpoint = endpoint.to_string();
                Ok(())
            }
            "tcp" | "ipc" => {
                let target = Target::parse(proto, addr)?;
                self.connect_net(endpoint, target)
            }
            "udp" => self.udp_endpoint(endpoint, addr, false),
            _ => Err(EPROTONOSUPPORT),
        }
    }

    pub fn unbind(&mut self, endpoint: &str) -> ZResult<()> {
        self.term_endpoint(endpoint)
    }

    pub fn disconnect(&mut self, endpoint: &str) -> ZResult<()> {
        self.term_endpoint(endpoint)
    }

    /// `zmq_unbind` and `zmq_disconnect` are one operation in libzmq: an
    /// endpoint this socket bound is unbound (its existing connections stay
    /// up), otherwise the pipes this socket connected to it are closed.
    fn term_endpoint(&mut self, endpoint: &str) -> ZResult<()> {
        self.check_alive()?;
        parse_endpoint(endpoint, self.options.socket_type)?;
        if let Some(i) = self.bound.iter().position(|e| e == endpoint) {
            self.bound.remove(i);
            self.ctx.unbind_inproc(endpoint, self.id);
            return Ok(());
        }
        let net: Vec<usize> = (0..self.net_endpoints.len()).filter(|&i| self.net_endpoints[i].0 == endpoint).collect();
        if !net.is_empty() {
            for i in net.into_iter().rev() {
                let (ep, io) = self.net_endpoints.remove(i);
                let id = self.id;
                io_sync(&io, |done| IoCommand::CloseEndpoint { socket_id: id, endpoint: ep, done: Some(done) });
            }
            let keys: Vec<PipeKey> = self
                .pipe_endpoint
                .iter()
                .filter(|(_, e)| e.as_str() == endpoint)
                .map(|(k, _)| *k)
                .collect();
            for k in keys {
                self.detach_pipe(k);
            }
            return Ok(());
        }
        let keys: Vec<PipeKey> = self
            .pipe_endpoint
            .iter()
            .filter(|(_, e)| e.as_str() == endpoint)
            .map(|(k, _)| *k)
            .collect();
        if keys.is_empty() {
            return Err(ENOENT);
        }
        for k in keys {
            self.detach_pipe(k);
        }
        Ok(())
    }

    fn end_config(&self) -> crate::pipe::EndConfig {
        crate::pipe::EndConfig {
            mailbox: Some(self.mailbox.clone() as Arc<dyn Waker>),
            routing_id: Some(bytes::Bytes::copy_from_slice(&self.options.routing_id)),
        }
    }

    /// This socket as one side of an inproc pipe.
    fn inproc_side(&self) -> InprocSide {
        InprocSide {
            waker: self.mailbox.clone(),
            routing_id: bytes::Bytes::copy_from_slice(&self.options.routing_id),
            sndhwm: self.options.sndhwm,
            rcvhwm: self.options.rcvhwm,
            conflate: self.options.conflates(),
            hello: self.options.hello().map(bytes::Bytes::copy_from_slice),
            disconnect: self.options.disconnect().map(bytes::Bytes::copy_from_slice),
        }
    }

    fn bound_info(&self) -> BoundInfo {
        BoundInfo { socket_id: self.id, mailbox: self.mailbox.clone(), side: self.inproc_side() }
    }

    // ----- send / recv -----

    fn timeout_deadline(timeout: c_int) -> Option<Instant> {
        if timeout < 0 {
            None
        } else {
            Some(Instant::now() + Duration::from_millis(timeout as u64))
        }
    }

    /// Waits for a command until `deadline` (Err(EAGAIN) on timeout),
    /// watching the mailbox before sleeping (see `Mailbox::wait`) when the
    /// answer usually comes within microseconds and a sleep and wake-up
    /// would cost more: a wait for room
    /// to send, for a reply to what was just sent, or for messages from
    /// I/O threads (which would otherwise pay a wake-up per batch they
    /// deliver), or for more large messages (a queue of those costs memory,
    /// and watching costs little next to handling one). A socket that only
    /// receives small messages from inproc peers sleeps at once: the peer
    /// fills the queue meanwhile and the socket reads a whole batch when
    /// woken, which beats taking messages one by one.
    fn wait(&mut self, deadline: Option<Instant>, for_recv: bool) -> ZResult<()> {
        let ms = match deadline {
            None => -1,
            Some(d) => {
                let now = Instant::now();
                if now >= d {
                    return Err(EAGAIN);
                }
                let left = d - now;
                (left.as_micros().div_ceil(1000)).min(c_int::MAX as u128) as c_int
            }
        };
        let watch = !for_recv || self.last_sent || self.io_pipes > 0 || self.last_large;
        match self.mailbox.wait(ms, watch) {
            Ok(true) => {
                self.process_commands();
                if self.ctx_terminated {
                    return Err(ETERM);
                }
                Ok(())
            }
            Ok(false) => Err(EAGAIN),
            Err(e) => Err(e),
        }
    }

    pub fn send(&mut self, mut msg: Msg, flags: c_int) -> Result<(), (Errno, Msg)> {
        self.send_from(&mut msg, flags).map_err(|e| (e, msg))
    }

    /// `send`, taking the frame out of `msg` (left empty) on success; on
    /// error `msg` stays the caller's. The C API's send path.
    pub fn send_from(&mut self, msg: &mut Msg, flags: c_int) -> ZResult<()> {
        self.check_alive()?;
        msg.set_more(flags & ZMQ_SNDMORE != 0);
        msg.reset_flags(crate::msg::COMMAND);
        match self.routing.send_from(cx!(self), msg) {
            Err(e) if e == EAGAIN => {}
            other => {
                self.last_sent = true;
                return other;
            }
        }
        let timeout = self.options.sndtimeo;
        if flags & ZMQ_DONTWAIT != 0 || timeout == 0 {
            return Err(EAGAIN);
        }
        let deadline = Self::timeout_deadline(timeout);
        loop {
            self.wait(deadline, false)?;
            match self.routing.send_from(cx!(self), msg) {
                Err(e) if e == EAGAIN => {}
                other => {
                    self.last_sent = true;
                    return other;
                }
            }
        }
    }

    pub fn recv(&mut self, flags: c_int) -> ZResult<Msg> {
        let mut m = Msg::new();
        self.recv_into(flags, &mut m)?;
        Ok(m)
    }

    /// Frees what a message the application let go of holds (the old
    /// content of a `zmq_msg_t` it receives into), in a batch (`Spent`)
    /// when it may wait; `m` is left empty.
    pub fn release(&mut self, m: &mut Msg) {
        self.spent.release_from(m);
    }

    /// `recv`, writing the frame into `out` (replacing its content; `out`
    /// is untouched on error). The C API's receive path.
    pub fn recv_into(&mut self, flags: c_int, out: &mut Msg) -> ZResult<()> {
        self.check_alive()?;
        let r = match self.routing.recv_into(cx!(self), out) {
            Err(e) if e == EAGAIN => {
                self.reap_closed_pipes();
                let timeout = self.options.rcvtimeo;
                if flags & ZMQ_DONTWAIT != 0 || timeout == 0 {
                    return Err(EAGAIN);
                }
                let deadline = Self::timeout_deadline(timeout);
                loop {
                    self.wait(deadline, true)?;
                    match self.routing.recv_into(cx!(self), out) {
                        Err(e) if e == EAGAIN => {
                            self.reap_closed_pipes();
                            continue;
                        }
                        other => break other,
                    }
                }
            }
            other => other,
        };
        r?;
        self.last_sent = false;
        self.last_large = out.len() >= crate::msg::large::MIN;
        self.rcvmore = out.more();
        Ok(())
    }

    /// `ZMQ_EVENTS`: processes pending commands, then asks the routing.
    pub fn events(&mut self) -> ZResult<c_int> {
        self.process_commands();
        if self.ctx_terminated {
            return Err(ETERM);
        }
        let mut ev = 0;
        if self.routing.has_in(cx!(self)) {
            ev |= ZMQ_POLLIN;
        }
        if self.routing.has_out(cx!(self)) {
            ev |= ZMQ_POLLOUT;
        }
        Ok(ev)
    }

    pub fn fd(&self) -> c_int {
        self.mailbox.fd()
    }

    /// The gate of a thread-safe socket (None for the others).
    pub fn gate(&self) -> Option<&Arc<Gate>> {
        self.gate.as_ref()
    }

    /// `zmq_join` / `zmq_leave` (DISH only; ENOTSUP elsewhere).
    pub fn join(&mut self, group: &[u8], join: bool) -> ZResult<()> {
        self.check_alive()?;
        if join {
            self.routing.join(cx!(self), group)
        } else {
            self.routing.leave(cx!(self), group)
        }
    }

    /// `zmq_connect_peer` (PEER only): connects and returns the routing id
    /// of the new peer.
    pub fn connect_peer(&mut self, endpoint: &str) -> ZResult<u32> {
        self.check_alive()?;
        if self.options.socket_type != crate::constants::draft::ZMQ_PEER {
            return Err(ENOTSUP);
        }
        // As libzmq: the routing id comes from the pipe attached at once,
        // which ZMQ_IMMEDIATE would defer.
        if self.options.immediate {
            return Err(EFAULT);
        }
        self.connect(endpoint)?;
        self.routing.last_connected_id().ok_or(EFAULT)
    }

    /// `zmq_socket_get_peer_state` (DRAFT, ROUTER only): whether the peer
    /// with this routing id can take a message. As libzmq, pending commands
    /// are not processed first.
    pub fn peer_state(&mut self, routing_id: &[u8]) -> ZResult<c_int> {
        self.routing.peer_state(cx!(self), routing_id)
    }

    // ----- options -----

    /// `value` is None when the C caller passed a NULL pointer (some string
    /// options accept NULL but refuse an empty non-NULL value, as libzmq).
    /// As libzmq, this processes no pending commands (a pipe whose attach
    /// command is still queued is not there yet for ZMQ_SNDHWM/RCVHWM).
    pub fn setsockopt(&mut self, option: c_int, value: Option<&[u8]>) -> ZResult<()> {
        if self.ctx_terminated {
            return Err(ETERM);
        }
        match self.routing.setsockopt(cx!(self), option, value.unwrap_or(&[])) {
            Err(e) if e == EINVAL => {}
            other => return other,
        }
        self.options.set_nullable(option, value)?;
        match option {
            ZMQ_LINGER => self.linger.store(self.options.linger, std::sync::atomic::Ordering::Relaxed),
            // As libzmq 4.3.5 (`update_pipe_options`): the new HWMs apply to
            // the pipes the socket already has (see `PipeEnd::set_hwms`).
            ZMQ_SNDHWM | ZMQ_RCVHWM => {
                for (_, p) in self.pipes.iter() {
                    p.set_hwms(self.options.sndhwm, self.options.rcvhwm);
                }
            }
            _ => {}
        }
        Ok(())
    }

    pub fn getsockopt(&mut self, option: c_int, out: &mut [u8]) -> ZResult<usize> {
        if self.ctx_terminated {
            return Err(ETERM);
        }
        let int = |out: &mut [u8], v: c_int| -> ZResult<usize> {
            if out.len() < 4 {
                return Err(EINVAL);
            }
            out[..4].copy_from_slice(&v.to_ne_bytes());
            Ok(4)
        };
        match option {
            ZMQ_RCVMORE => int(out, self.rcvmore as c_int),
            // libzmq 4.3.5 gives thread-safe sockets no ZMQ_FD (EINVAL);
            // zmq_poller is how they are polled.
            ZMQ_FD if self.gate.is_some() => Err(EINVAL),
            ZMQ_FD => int(out, self.fd()),
            ZMQ_EVENTS => {
                let ev = self.events()?;
                int(out, ev)
            }
            ZMQ_THREAD_SAFE => int(out, self.gate.is_some() as c_int),
            ZMQ_LAST_ENDPOINT => {
                let b = self.last_endpoint.as_bytes();
                if out.len() < b.len() + 1 {
                    return Err(EINVAL);
                }
                out[..b.len()].copy_from_slice(b);
                out[b.len()] = 0;
                Ok(b.len() + 1)
            }
            _ => match self.routing.getsockopt(option, out) {
                Some(r) => r,
                None => self.options.get(option, out),
            },
        }
    }

    // ----- monitor -----

    /// Closes the socket: unbinds, terminates pipes, stops the monitor.
    pub fn close(mut self) {
        self.process_commands_quiet();
        for ep in std::mem::take(&mut self.bound) {
            self.ctx.unbind_inproc(&ep, self.id);
        }
        // tcp/ipc: listeners and unconnected sessions close now; sessions
        // holding our pipes flush what we sent within the linger. This goes
        // to the I/O threads before the pipes end, so a listener is closed
        // before any peer can see its connection drop (a peer that reacts
        // by binding the same port must not get EADDRINUSE).
        let mut told: Vec<Arc<IoMailbox>> = Vec::new();
        for (_, io) in std::mem::take(&mut self.net_endpoints) {
            if !told.iter().any(|t| Arc::ptr_eq(t, &io)) {
                let id = self.id;
                io_sync(&io, |done| IoCommand::CloseSocket { socket_id: id, done: Some(done) });
                told.push(io);
            }
        }
        let keys: Vec<PipeKey> = self.pipes.iter().map(|(k, _)| k).collect();
        for k in keys {
            self.detach_pipe(k);
        }
        // Pipes attached by late commands are refused from now on.
        drop(self.mailbox.close());
        let old = self.monitor.lock().take();
        if let Some(mut m) = old {
            m.stop();
        }
        self.ctx.unregister_socket(self.id);
    }

    fn process_commands_quiet(&mut self) {
        let stop = self.ctx_terminated;
        self.process_commands();
        self.ctx_terminated = stop || self.ctx_terminated;
    }
}

/// Hands `cmd` to an I/O thread and waits until it was applied: when
/// `zmq_unbind`/`zmq_close` return, the listener is closed (the port or
/// ipc path can be bound again) and its CLOSED event reached the monitor
/// before MONITOR_STOPPED, as libzmq users observe. The wait is bounded;
/// a thread that is gone drops the sender and ends it at once.
fn io_sync(io: &Arc<IoMailbox>, cmd: impl FnOnce(std::sync::mpsc::SyncSender<()>) -> IoCommand) {
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    io.send(cmd(tx));
    let _ = rx.recv_timeout(Duration::from_secs(5));
}

pub use crate::transport::parse_endpoint;
