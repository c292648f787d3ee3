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
//!
//! `ZMQ_ROUTER_RAW` (deprecated since libzmq 4.0, still honoured by 4.3)
//! makes the router a STREAM socket in all but name: its connections then
//! speak raw bytes and it routes with `stream::Stream`, keeping the ROUTER's
//! rule of dropping what does not route unless `ZMQ_ROUTER_MANDATORY` is
//! set. It takes effect for the endpoints bound or connected after it, so
//! it belongs before the first bind or connect; once a pipe is attached it
//! is refused (EINVAL), and like libzmq's it cannot be switched off.

use super::dealer::{parse_flag, random_u32, send_probe};
use super::fq::Fq;
use super::stream::Stream;
use super::{Cx, PipeKey, Routing};
use crate::constants::*;
use crate::error::{Errno, ZResult, EAGAIN, EHOSTUNREACH, EINVAL};
use crate::msg::Msg;
use crate::util::log::{self, Level};
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
    /// The routing-id frame last built, for the pipe it was built for (a
    /// stream from one peer skips the map lookup); cleared when `id_of`
    /// changes.
    id_cache: Option<(PipeKey, Msg)>,
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
    /// `ZMQ_ROUTER_RAW`: all routing is the STREAM module's.
    raw: Option<Box<Stream>>,
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
            id_cache: None,
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
            raw: None,
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
                        self.id_cache = None;
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
        self.id_cache = None;
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
                        } else if !mandatory {
                            log::log(Level::Debug, || {
                                format!("ROUTER: message to {} dropped: its pipe is full (HWM)", msg.data().escape_ascii())
                            });
                        } else {
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
                        log::log(Level::Debug, || {
                            format!("ROUTER: message to unknown routing id {} dropped", msg.data().escape_ascii())
                        });
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
        let mut m = Msg::new();
        self.recv_frame_into(cx, &mut m)?;
        Ok(m)
    }

    /// `recv_frame` into `out` (untouched on error).
    pub(crate) fn recv_frame_into(&mut self, cx: &mut Cx, out: &mut Msg) -> ZResult<()> {
        if let Some(m) = self.prefetched.take() {
            self.more_in = m.more();
            if !self.more_in {
                self.end_of_in(cx);
            }
            *out = m;
            return Ok(());
        }
        if self.more_in {
            self.fq.recv_into(cx.pipes, out)?;
            self.more_in = out.more();
            if !self.more_in {
                self.end_of_in(cx);
            }
            return Ok(());
        }
        let mut m = Msg::new();
        let key = self.fq.recv_into(cx.pipes, &mut m)?;
        // A copy (inline for the usual 5-byte ids) rather than a shared
        // reference: no reference count touched per message.
        let mut id = match &self.id_cache {
            Some((k, id)) if *k == key => id.clone(),
            _ => {
                let mut id = match self.id_of.get(&key) {
                    Some(b) => Msg::from_slice(b),
                    None => Msg::new(),
                };
                id.set_more(true);
                self.id_cache = Some((key, id.clone()));
                id
            }
        };
        id.set_metadata(m.metadata().cloned());
        self.prefetched = Some(m);
        self.current_in = Some(key);
        *out = id;
        Ok(())
    }

    pub(crate) fn has_in_frames(&mut self, cx: &mut Cx) -> bool {
        self.more_in || self.prefetched.is_some() || self.fq.has_in(cx.pipes)
    }
}

impl Routing for Router {
    fn raw(&self) -> bool {
        self.raw.is_some()
    }

    fn attach(&mut self, cx: &mut Cx, key: PipeKey) {
        if let Some(s) = self.raw.as_deref_mut() {
            return s.attach(cx, key);
        }
        self.attach_pipe(cx, key, false);
    }

    fn attach_connected(&mut self, cx: &mut Cx, key: PipeKey) {
        if let Some(s) = self.raw.as_deref_mut() {
            return s.attach_connected(cx, key);
        }
        self.attach_pipe(cx, key, true);
    }

    fn detach(&mut self, cx: &mut Cx, key: PipeKey) {
        if let Some(s) = self.raw.as_deref_mut() {
            return s.detach(cx, key);
        }
        self.anonymous.retain(|&k| k != key);
        self.refused.retain(|&k| k != key);
        self.fq.detach(key);
        self.id_cache = None;
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
        if let Some(s) = self.raw.as_deref_mut() {
            return s.read_activated(cx, key);
        }
        if self.anonymous.contains(&key) {
            self.peer_attached(cx, key);
        } else {
            self.fq.activated(key);
        }
    }

    fn write_activated(&mut self, _cx: &mut Cx, _key: PipeKey) {}

    fn peer_attached(&mut self, cx: &mut Cx, key: PipeKey) {
        if let Some(s) = self.raw.as_deref_mut() {
            return s.peer_attached(cx, key);
        }
        if self.anonymous.contains(&key) && self.identify(cx, key, false) {
            self.anonymous.retain(|&k| k != key);
        } else if self.refused.contains(&key) {
            self.anonymous.retain(|&k| k != key);
        }
    }

    fn send(&mut self, cx: &mut Cx, msg: Msg) -> Result<(), (Errno, Msg)> {
        if let Some(s) = self.raw.as_deref_mut() {
            return s.send(cx, msg);
        }
        let mandatory = self.mandatory;
        self.send_frame(cx, msg, mandatory)
    }

    fn recv(&mut self, cx: &mut Cx) -> ZResult<Msg> {
        if let Some(s) = self.raw.as_deref_mut() {
            return s.recv(cx);
        }
        self.recv_frame(cx)
    }

    fn recv_into(&mut self, cx: &mut Cx, out: &mut Msg) -> ZResult<()> {
        if let Some(s) = self.raw.as_deref_mut() {
            return s.recv_into(cx, out);
        }
        self.recv_frame_into(cx, out)
    }

    fn has_in(&mut self, cx: &mut Cx) -> bool {
        if let Some(s) = self.raw.as_deref_mut() {
            return s.has_in(cx);
        }
        self.has_in_frames(cx)
    }

    fn peer_state(&mut self, cx: &mut Cx, id: &[u8]) -> ZResult<c_int> {
        let table = match self.raw.as_deref() {
            Some(s) => s.routes(),
            None => &self.out,
        };
        let key = *table.get(id).ok_or(EHOSTUNREACH)?;
        // As libzmq's: the pipe's room under its HWM, nothing else.
        Ok(if cx.pipes.get_mut(key).is_some_and(|p| p.check_write()) { ZMQ_POLLOUT } else { 0 })
    }

    fn has_out(&mut self, cx: &mut Cx) -> bool {
        if let Some(s) = self.raw.as_deref_mut() {
            return s.has_out(cx);
        }
        if !self.mandatory {
            return true;
        }
        let keys: Vec<PipeKey> = self.out.values().copied().collect();
        keys.into_iter().any(|k| cx.pipes.get_mut(k).is_some_and(|p| p.check_write()))
    }

    fn setsockopt(&mut self, cx: &mut Cx, option: c_int, value: &[u8]) -> ZResult<()> {
        match option {
            ZMQ_ROUTER_RAW => {
                if parse_flag(value)? && self.raw.is_none() {
                    if !self.id_of.is_empty() || !self.anonymous.is_empty() || !self.refused.is_empty() {
                        // Pipes attached as ZMTP cannot become raw.
                        return Err(EINVAL);
                    }
                    self.raw = Some(Box::new(Stream::for_raw_router(self.mandatory)));
                }
            }
            ZMQ_ROUTER_MANDATORY => {
                self.mandatory = parse_flag(value)?;
                if let Some(s) = self.raw.as_deref_mut() {
                    s.set_router_mandatory(self.mandatory);
                }
            }
            ZMQ_CONNECT_ROUTING_ID if self.raw.is_some() => {
                return self.raw.as_deref_mut().map_or(Err(EINVAL), |s| s.setsockopt(cx, option, value));
            }
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

#[cfg(test)]
mod tests {
    use super::super::fq::testing::*;
    use super::*;
    use crate::error::EAGAIN;
    use crate::pipe::EndConfig;

    #[test]
    fn declared_and_generated_ids() {
        let mut h = Harness::new(ZMQ_ROUTER);
        let mut r = Router::new();
        let (k1, mut p1) = h.pipe(0, Some(b"A"));
        let (k2, mut p2) = h.pipe(0, Some(b""));
        let (k3, mut p3) = h.pipe(0, Some(b""));
        for k in [k1, k2, k3] {
            r.attach(&mut cx(&mut h), k);
        }
        put(&mut p1, &[b"hello", b"world"]);
        assert!(r.has_in(&mut cx(&mut h)));
        assert_eq!(recv_all(&mut r, &mut h).unwrap(), vec![b"A".to_vec(), b"hello".to_vec(), b"world".to_vec()]);
        put(&mut p2, &[b"x"]);
        let g2 = recv_all(&mut r, &mut h).unwrap()[0].clone();
        put(&mut p3, &[b"y"]);
        let g3 = recv_all(&mut r, &mut h).unwrap()[0].clone();
        assert_eq!((g2.len(), g2[0], g3.len(), g3[0]), (5, 0, 5, 0));
        let n2 = u32::from_be_bytes(g2[1..].try_into().unwrap());
        let n3 = u32::from_be_bytes(g3[1..].try_into().unwrap());
        assert_eq!(n3, n2.wrapping_add(1));
        send_all(&mut r, &mut h, &[&g3, b"to3", b"more"]).unwrap();
        send_all(&mut r, &mut h, &[b"A", b"toA"]).unwrap();
        assert_eq!(take(&mut p3), vec![b"to3".to_vec(), b"more".to_vec()]);
        assert_eq!(take(&mut p1), vec![b"toA".to_vec()]);
        assert!(take(&mut p2).is_empty());
    }

    #[test]
    fn unknown_ids_dropped_or_mandatory() {
        let mut h = Harness::new(ZMQ_ROUTER);
        let mut r = Router::new();
        let (k1, mut p1) = h.pipe(1, Some(b"A"));
        r.attach(&mut cx(&mut h), k1);
        assert!(send_all(&mut r, &mut h, &[b"nobody", b"x"]).is_ok());
        // A lone frame is ignored, not taken as a routing id for later.
        assert!(send_all(&mut r, &mut h, &[b"A"]).is_ok());
        assert!(send_all(&mut r, &mut h, &[b"A", b"1"]).is_ok());
        assert_eq!(take(&mut p1), vec![b"1".to_vec()]);
        r.setsockopt(&mut cx(&mut h), ZMQ_ROUTER_MANDATORY, &1i32.to_ne_bytes()).unwrap();
        assert_eq!(send_all(&mut r, &mut h, &[b"nobody", b"x"]), Err(EHOSTUNREACH));
        // Full peer: EAGAIN with MANDATORY (and has_out says no).
        send_all(&mut r, &mut h, &[b"A", b"2"]).unwrap();
        send_all(&mut r, &mut h, &[b"A", b"3"]).unwrap_err();
        assert_eq!(send_all(&mut r, &mut h, &[b"A", b"3"]), Err(EAGAIN));
        assert!(!r.has_out(&mut cx(&mut h)));
        take(&mut p1);
        assert!(r.has_out(&mut cx(&mut h)));
        send_all(&mut r, &mut h, &[b"A", b"3"]).unwrap();
        // Gone peer: EHOSTUNREACH.
        drop(p1);
        assert_eq!(send_all(&mut r, &mut h, &[b"A", b"4"]), Err(EHOSTUNREACH));
        assert_eq!(r.setsockopt(&mut cx(&mut h), ZMQ_ROUTER_MANDATORY, &[1]), Err(EINVAL));
        assert_eq!(r.setsockopt(&mut cx(&mut h), ZMQ_ROUTER_MANDATORY, &(-1i32).to_ne_bytes()), Err(EINVAL));
        assert_eq!(r.setsockopt(&mut cx(&mut h), ZMQ_CONNECT_ROUTING_ID, b""), Err(EINVAL));
        assert_eq!(r.setsockopt(&mut cx(&mut h), ZMQ_REQ_RELAXED, &1i32.to_ne_bytes()), Err(EINVAL));
    }

    #[test]
    fn duplicate_id_ignored_or_handed_over() {
        let mut h = Harness::new(ZMQ_ROUTER);
        let mut r = Router::new();
        let (k1, mut p1) = h.pipe(0, Some(b"A"));
        let (k2, mut p2) = h.pipe(0, Some(b"A"));
        r.attach(&mut cx(&mut h), k1);
        r.attach(&mut cx(&mut h), k2);
        put(&mut p2, &[b"ignored"]);
        r.read_activated(&mut cx(&mut h), k2);
        assert!(!r.has_in(&mut cx(&mut h)));
        send_all(&mut r, &mut h, &[b"A", b"x"]).unwrap();
        assert_eq!(take(&mut p1), vec![b"x".to_vec()]);
        assert!(take(&mut p2).is_empty());

        r.setsockopt(&mut cx(&mut h), ZMQ_ROUTER_HANDOVER, &1i32.to_ne_bytes()).unwrap();
        let (k3, mut p3) = h.pipe(0, Some(b"A"));
        r.attach(&mut cx(&mut h), k3);
        // The old pipe was closed; "A" now reaches the new one.
        assert!(p1.peer_closed());
        send_all(&mut r, &mut h, &[b"A", b"y"]).unwrap();
        assert_eq!(take(&mut p3), vec![b"y".to_vec()]);
        r.detach(&mut cx(&mut h), k1);
        send_all(&mut r, &mut h, &[b"A", b"z"]).unwrap();
        assert_eq!(take(&mut p3), vec![b"z".to_vec()]);
    }

    #[test]
    fn handover_waits_for_the_message_being_read() {
        let mut h = Harness::new(ZMQ_ROUTER);
        let mut r = Router::new();
        r.setsockopt(&mut cx(&mut h), ZMQ_ROUTER_HANDOVER, &1i32.to_ne_bytes()).unwrap();
        let (k1, mut p1) = h.pipe(0, Some(b"A"));
        r.attach(&mut cx(&mut h), k1);
        put(&mut p1, &[b"1", b"2"]);
        assert_eq!(r.recv(&mut cx(&mut h)).unwrap().data(), b"A");
        let (k2, _p2) = h.pipe(0, Some(b"A"));
        r.attach(&mut cx(&mut h), k2);
        assert!(!p1.peer_closed());
        assert_eq!(r.recv(&mut cx(&mut h)).unwrap().data(), b"1");
        assert_eq!(r.recv(&mut cx(&mut h)).unwrap().data(), b"2");
        assert!(p1.peer_closed());
    }

    #[test]
    fn connect_before_bind_waits_for_peer() {
        let mut h = Harness::new(ZMQ_ROUTER);
        let mut r = Router::new();
        let (k1, mut p1) = h.pipe(0, None);
        r.attach(&mut cx(&mut h), k1);
        put(&mut p1, &[b"early"]);
        assert!(!r.has_in(&mut cx(&mut h)));
        p1.attach(EndConfig { mailbox: None, routing_id: Some(Bytes::from_static(b"P")) }, [0, 0]);
        r.peer_attached(&mut cx(&mut h), k1);
        r.read_activated(&mut cx(&mut h), k1);
        assert_eq!(recv_all(&mut r, &mut h).unwrap(), vec![b"P".to_vec(), b"early".to_vec()]);
    }

    #[test]
    fn connect_routing_id_ignores_pipes_from_peers() {
        let mut h = Harness::new(ZMQ_ROUTER);
        let mut r = Router::new();
        r.setsockopt(&mut cx(&mut h), ZMQ_CONNECT_ROUTING_ID, b"mine").unwrap();
        // A peer connecting to our bind keeps its declared id...
        let (k1, mut p1) = h.pipe(0, Some(b"theirs"));
        r.attach(&mut cx(&mut h), k1);
        send_all(&mut r, &mut h, &[b"theirs", b"a"]).unwrap();
        assert_eq!(take(&mut p1), vec![b"a".to_vec()]);
        // ...and our own connect still gets the pending id.
        let (k2, mut p2) = h.pipe(0, Some(b"declared"));
        r.attach_connected(&mut cx(&mut h), k2);
        send_all(&mut r, &mut h, &[b"mine", b"b"]).unwrap();
        assert_eq!(take(&mut p2), vec![b"b".to_vec()]);
    }

    #[test]
    fn probe_and_connect_routing_id() {
        let mut h = Harness::new(ZMQ_ROUTER);
        let mut r = Router::new();
        r.setsockopt(&mut cx(&mut h), ZMQ_PROBE_ROUTER, &1i32.to_ne_bytes()).unwrap();
        r.setsockopt(&mut cx(&mut h), ZMQ_CONNECT_ROUTING_ID, b"peer").unwrap();
        let (k1, mut p1) = h.pipe(0, Some(b"declared"));
        r.attach_connected(&mut cx(&mut h), k1);
        assert_eq!(take(&mut p1), vec![Vec::<u8>::new()]);
        send_all(&mut r, &mut h, &[b"peer", b"hi"]).unwrap();
        assert_eq!(take(&mut p1), vec![b"hi".to_vec()]);
        // Used once only.
        let (k2, mut p2) = h.pipe(0, Some(b"other"));
        r.attach_connected(&mut cx(&mut h), k2);
        take(&mut p2);
        send_all(&mut r, &mut h, &[b"other", b"ho"]).unwrap();
        assert_eq!(take(&mut p2), vec![b"ho".to_vec()]);
    }

    #[test]
    fn router_raw_routes_like_stream() {
        let mut h = Harness::new(ZMQ_ROUTER);
        let mut r = Router::new();
        let on = 1i32.to_ne_bytes();
        assert!(!r.raw());
        r.setsockopt(&mut cx(&mut h), ZMQ_ROUTER_RAW, &0i32.to_ne_bytes()).unwrap();
        assert!(!r.raw());
        assert_eq!(r.setsockopt(&mut cx(&mut h), ZMQ_ROUTER_RAW, &(-1i32).to_ne_bytes()), Err(EINVAL));
        r.setsockopt(&mut cx(&mut h), ZMQ_ROUTER_RAW, &on).unwrap();
        assert!(r.raw());
        // A raw connection declares no id: one is generated.
        let (k, mut p) = h.pipe(0, None);
        r.attach(&mut cx(&mut h), k);
        put(&mut p, &[b"bytes"]);
        let got = recv_all(&mut r, &mut h).unwrap();
        assert_eq!((got[0].len(), got[0][0], &got[1][..]), (5, 0, &b"bytes"[..]));
        send_all(&mut r, &mut h, &[&got[0], b"back"]).unwrap();
        assert_eq!(take(&mut p), vec![b"back".to_vec()]);
        // Unroutable: dropped, unless ROUTER_MANDATORY.
        send_all(&mut r, &mut h, &[b"nobody", b"lost"]).unwrap();
        r.setsockopt(&mut cx(&mut h), ZMQ_ROUTER_MANDATORY, &on).unwrap();
        assert_eq!(send_all(&mut r, &mut h, &[b"nobody", b"x"]), Err(EHOSTUNREACH));
        assert!(take(&mut p).is_empty());
        // Not switched off by 0.
        r.setsockopt(&mut cx(&mut h), ZMQ_ROUTER_RAW, &0i32.to_ne_bytes()).unwrap();
        assert!(r.raw());
    }

    #[test]
    fn router_raw_refused_once_pipes_are_attached() {
        let mut h = Harness::new(ZMQ_ROUTER);
        let mut r = Router::new();
        let (k, _p) = h.pipe(0, Some(b"A"));
        r.attach(&mut cx(&mut h), k);
        assert_eq!(r.setsockopt(&mut cx(&mut h), ZMQ_ROUTER_RAW, &1i32.to_ne_bytes()), Err(EINVAL));
        assert!(!r.raw());
    }

    #[test]
    fn peer_state_is_room_under_the_hwm() {
        let mut h = Harness::new(ZMQ_ROUTER);
        let mut r = Router::new();
        let (k, mut p) = h.pipe(2, Some(b"A"));
        r.attach(&mut cx(&mut h), k);
        assert_eq!(r.peer_state(&mut cx(&mut h), b"B"), Err(EHOSTUNREACH));
        assert_eq!(r.peer_state(&mut cx(&mut h), b"A"), Ok(ZMQ_POLLOUT));
        send_all(&mut r, &mut h, &[b"A", b"1"]).unwrap();
        send_all(&mut r, &mut h, &[b"A", b"2"]).unwrap();
        assert_eq!(r.peer_state(&mut cx(&mut h), b"A"), Ok(0));
        take(&mut p);
        assert_eq!(r.peer_state(&mut cx(&mut h), b"A"), Ok(ZMQ_POLLOUT));
        r.detach(&mut cx(&mut h), k);
        assert_eq!(r.peer_state(&mut cx(&mut h), b"A"), Err(EHOSTUNREACH));
    }
}
