//! ROUTER: addresses each peer by a routing id (RFC 28).
//!
//! Owns: the routing-id table of the socket's pipes (the peer's declared
//! `ZMQ_ROUTING_ID`, a generated id, or `ZMQ_CONNECT_ROUTING_ID`), the
//! routing-id frame prepended on receive and consumed on send, and the
//! options `ZMQ_ROUTER_MANDATORY`, `ZMQ_ROUTER_HANDOVER`,
//! `ZMQ_PROBE_ROUTER` and `ZMQ_CONNECT_ROUTING_ID`. Receiving is fair-queued
//! (`fq`). REP is built on top of it. Must not: block, or touch pipes other
//! than through `Cx`.
//!
//! Generated ids are 5 bytes, a zero byte then a 32-bit big-endian counter
//! that starts at a random value, as libzmq does. A pipe whose peer has not
//! attached yet (connect before bind) waits, unaddressable and unread,
//! until `peer_attached`. A peer declaring an id already in use is ignored
//! (never read, never addressable) unless `ZMQ_ROUTER_HANDOVER` is set, in
//! which case it takes the id over and the old pipe is closed.

use super::dealer::{parse_flag, random_u32, send_probe};
use super::fq::Fq;
use super::{Cx, PipeKey, Routing};
use crate::constants::*;
use crate::error::{Errno, ZResult, EAGAIN, EHOSTUNREACH, EINVAL};
use crate::msg::Msg;
use bytes::Bytes;
use std::collections::HashMap;
use std::os::raw::c_int;

pub struct Router {
    fq: Fq,
    /// Pipes whose peer has not attached yet (routing id unknown).
    anonymous: Vec<PipeKey>,
    /// Pipes ignored because their id was taken (no handover).
    refused: Vec<PipeKey>,
    out: HashMap<Bytes, PipeKey>,
    id_of: HashMap<PipeKey, Bytes>,
    next_id: u32,
    mandatory: bool,
    handover: bool,
    probe_router: bool,
    /// `ZMQ_CONNECT_ROUTING_ID`, for the next pipe we initiate.
    connect_routing_id: Option<Bytes>,
    // Receive side.
    /// The first frame of a message whose routing-id frame was returned.
    prefetched: Option<Msg>,
    more_in: bool,
    current_in: Option<PipeKey>,
    /// Close `current_in` once its message is read (it was handed over).
    terminate_current_in: bool,
    // Send side.
    more_out: bool,
    current_out: Option<PipeKey>,
}

impl Default for Router {
    fn default() -> Self {
        Router::new()
    }
}

impl Router {
    pub fn new() -> Router {
        Router {
            fq: Fq::new(),
            anonymous: Vec::new(),
            refused: Vec::new(),
            out: HashMap::new(),
            id_of: HashMap::new(),
            next_id: random_u32(),
            mandatory: false,
            handover: false,
            probe_router: false,
            connect_routing_id: None,
            prefetched: None,
            more_in: false,
            current_in: None,
            terminate_current_in: false,
            more_out: false,
            current_out: None,
        }
    }

    /// Attaches a pipe; `locally_initiated` is true when this socket
    /// connected (only such pipes take `ZMQ_CONNECT_ROUTING_ID`).
    pub fn attach_pipe(&mut self, cx: &mut Cx, key: PipeKey, locally_initiated: bool) {
        if self.probe_router {
            send_probe(cx.pipes, key);
        }
        if !self.identify(cx, key, locally_initiated) && !self.refused.contains(&key) {
            self.anonymous.push(key);
        }
    }

    fn generate_id(&mut self) -> Bytes {
        loop {
            let mut b = [0u8; 5];
            b[1..].copy_from_slice(&self.next_id.to_be_bytes());
            self.next_id = self.next_id.wrapping_add(1);
            let id = Bytes::copy_from_slice(&b);
            if !self.out.contains_key(&id) {
                return id;
            }
        }
    }

    /// Gives the pipe its routing id. False when it cannot be addressed
    /// (yet: peer not attached; or ever: duplicate id, it goes to `refused`).
    fn identify(&mut self, cx: &mut Cx, key: PipeKey, locally_initiated: bool) -> bool {
        let id = match self.connect_routing_id.take_if(|_| locally_initiated) {
            Some(id) => {
                if self.out.contains_key(&id) {
                    // libzmq asserts here; we ignore the pipe instead.
                    self.refused.push(key);
                    return false;
                }
                id
            }
            None => {
                let Some(peer) = cx.pipes.get(key).and_then(|p| p.peer_routing_id()) else {
                    return false;
                };
                if peer.is_empty() {
                    self.generate_id()
                } else {
                    if let Some(&old) = self.out.get(&peer) {
                        if !self.handover {
                            self.refused.push(key);
                            return false;
                        }
                        // Hand the id over: the old pipe gets a generated
                        // id until it is gone, and is closed.
                        let tmp = self.generate_id();
                        self.out.remove(&peer);
                        self.out.insert(tmp.clone(), old);
                        self.id_of.insert(old, tmp);
                        if self.current_in == Some(old) && (self.more_in || self.prefetched.is_some()) {
                            self.terminate_current_in = true;
                        } else if let Some(p) = cx.pipes.get_mut(old) {
                            p.terminate();
                        }
                    }
                    peer
                }
            }
        };
        self.out.insert(id.clone(), key);
        self.id_of.insert(key, id);
        self.fq.attach(key);
        true
    }

    fn end_of_in(&mut self, cx: &mut Cx) {
        if self.terminate_current_in {
            self.terminate_current_in = false;
            if let Some(p) = self.current_in.and_then(|k| cx.pipes.get_mut(k)) {
                p.terminate();
            }
        }
        self.current_in = None;
    }

    /// Sends one frame; `mandatory` says whether an unroutable first frame
    /// is an error (ROUTER_MANDATORY) or silently dropped.
    pub(crate) fn send_frame(&mut self, cx: &mut Cx, msg: Msg, mandatory: bool) -> Result<(), (Errno, Msg)> {
        if !self.more_out {
            // The routing-id frame. A lone frame (no MORE) is ignored.
            if msg.more() {
                self.more_out = true;
                self.current_out = None;
                match self.out.get(msg.data()).copied() {
                    Some(key) => {
                        let writable = cx.pipes.get_mut(key).is_some_and(|p| p.check_write());
                        if writable {
                            self.current_out = Some(key);
                        } else if mandatory {
                            self.more_out = false;
                            // Full (EAGAIN: retry later) or gone (EHOSTUNREACH).
                            let full = cx.pipes.get(key).is_some_and(|p| !p.peer_closed());
                            return Err((if full { EAGAIN } else { EHOSTUNREACH }, msg));
                        }
                    }
                    None => {
                        if mandatory {
                            self.more_out = false;
                            return Err((EHOSTUNREACH, msg));
                        }
                    }
                }
            }
            return Ok(());
        }
        self.more_out = msg.more();
        if let Some(key) = self.current_out {
            let ok = cx.pipes.get_mut(key).map(|p| p.write(msg).is_ok()).unwrap_or(false);
            if !ok {
                if let Some(p) = cx.pipes.get_mut(key) {
                    p.rollback();
                }
                self.current_out = None;
            } else if !self.more_out {
                self.current_out = None;
            }
        }
        Ok(())
    }

    /// Drops the frames of the message being sent (REP's bad envelopes).
    pub(crate) fn rollback(&mut self, cx: &mut Cx) {
        if let Some(p) = self.current_out.take().and_then(|k| cx.pipes.get_mut(k)) {
            p.rollback();
        }
        self.more_out = false;
    }

    /// Receives one frame; a message starts with its routing-id frame.
    pub(crate) fn recv_frame(&mut self, cx: &mut Cx) -> ZResult<Msg> {
        if let Some(m) = self.prefetched.take() {
            self.more_in = m.more();
            if !self.more_in {
                self.end_of_in(cx);
            }
            return Ok(m);
        }
        let (m, key) = self.fq.recv(cx.pipes)?;
        if self.more_in {
            self.more_in = m.more();
            if !self.more_in {
                self.end_of_in(cx);
            }
            return Ok(m);
        }
        let mut id = Msg::from_bytes(self.id_of.get(&key).cloned().unwrap_or_default());
        id.set_more(true);
        id.set_metadata(m.metadata().cloned());
        self.prefetched = Some(m);
        self.current_in = Some(key);
        Ok(id)
    }

    pub(crate) fn has_in_frames(&mut self, cx: &mut Cx) -> bool {
        self.more_in || self.prefetched.is_some() || self.fq.has_in(cx.pipes)
    }
}

impl Routing for Router {
    fn attach(&mut self, cx: &mut Cx, key: PipeKey) {
        // The base does not say whether the pipe came from our connect;
        // a pending ZMQ_CONNECT_ROUTING_ID goes to the next pipe attached.
        let local = self.connect_routing_id.is_some();
        self.attach_pipe(cx, key, local);
    }

    fn detach(&mut self, _cx: &mut Cx, key: PipeKey) {
        self.anonymous.retain(|&k| k != key);
        self.refused.retain(|&k| k != key);
        self.fq.detach(key);
        if let Some(id) = self.id_of.remove(&key) {
            if self.out.get(&id) == Some(&key) {
                self.out.remove(&id);
            }
        }
        if self.current_out == Some(key) {
            // The rest of the message being sent is dropped.
            self.current_out = None;
        }
        if self.current_in == Some(key) {
            // A message cut short: forget it.
            self.current_in = None;
            self.terminate_current_in = false;
            self.prefetched = None;
            self.more_in = false;
        }
    }

    fn read_activated(&mut self, cx: &mut Cx, key: PipeKey) {
        if self.anonymous.contains(&key) {
            self.peer_attached(cx, key);
        } else {
            self.fq.activated(key);
        }
    }

    fn write_activated(&mut self, _cx: &mut Cx, _key: PipeKey) {}

    fn peer_attached(&mut self, cx: &mut Cx, key: PipeKey) {
        if self.anonymous.contains(&key) && self.identify(cx, key, false) {
            self.anonymous.retain(|&k| k != key);
        } else if self.refused.contains(&key) {
            self.anonymous.retain(|&k| k != key);
        }
    }

    fn send(&mut self, cx: &mut Cx, msg: Msg) -> Result<(), (Errno, Msg)> {
        let mandatory = self.mandatory;
        self.send_frame(cx, msg, mandatory)
    }

    fn recv(&mut self, cx: &mut Cx) -> ZResult<Msg> {
        self.recv_frame(cx)
    }

    fn has_in(&mut self, cx: &mut Cx) -> bool {
        self.has_in_frames(cx)
    }

    fn has_out(&mut self, cx: &mut Cx) -> bool {
        if !self.mandatory {
            return true;
        }
        let keys: Vec<PipeKey> = self.out.values().copied().collect();
        keys.into_iter().any(|k| cx.pipes.get_mut(k).is_some_and(|p| p.check_write()))
    }

    fn setsockopt(&mut self, _cx: &mut Cx, option: c_int, value: &[u8]) -> ZResult<()> {
        match option {
            ZMQ_ROUTER_MANDATORY => self.mandatory = parse_flag(value)?,
            ZMQ_ROUTER_HANDOVER => self.handover = parse_flag(value)?,
            ZMQ_PROBE_ROUTER => self.probe_router = parse_flag(value)?,
            ZMQ_CONNECT_ROUTING_ID => {
                if value.is_empty() {
                    return Err(EINVAL);
                }
                self.connect_routing_id = Some(Bytes::copy_from_slice(value));
            }
            _ => return Err(EINVAL),
        }
        Ok(())
    }
}
