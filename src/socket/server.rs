//! SERVER and PEER: talk to many peers one message at a time, naming each
//! peer by a routing id this socket gives it (RFC 41; PEER is libzmq's
//! SERVER that also connects, with `zmq_connect_peer`).
//!
//! A received message carries its peer's id (`zmq_msg_routing_id`); a sent
//! one goes to the peer its routing id names, EHOSTUNREACH when none has
//! it, EAGAIN while that peer's pipe is full. Messages are single-part.
//!
//! Owns: the id <-> pipe table. Must not: block (the base does).

use super::dealer::random_u32;
use super::fq::Fq;
use super::single::{recv_single, refuse_more};
use super::{Cx, PipeKey, Routing};
use crate::error::{Errno, ZResult, EAGAIN, EHOSTUNREACH};
use crate::msg::Msg;
use std::collections::HashMap;

pub struct Server {
    fq: Fq,
    by_id: HashMap<u32, PipeKey>,
    /// Routing id of each pipe, by pipe key.
    ids: HashMap<PipeKey, u32>,
    next_id: u32,
    /// PEER: the id of the pipe the last connect attached.
    peer: bool,
    last_connected: Option<u32>,
}

impl Server {
    pub fn new(peer: bool) -> Server {
        Server {
            fq: Fq::new(),
            by_id: HashMap::new(),
            ids: HashMap::new(),
            next_id: random_u32(),
            peer,
            last_connected: None,
        }
    }

    fn new_id(&mut self) -> u32 {
        // Never 0 (it means "no routing id"), never one in use.
        loop {
            let id = self.next_id;
            self.next_id = self.next_id.wrapping_add(1);
            if id != 0 && !self.by_id.contains_key(&id) {
                return id;
            }
        }
    }
}

impl Routing for Server {
    fn attach(&mut self, _cx: &mut Cx, key: PipeKey) {
        let id = self.new_id();
        self.by_id.insert(id, key);
        self.ids.insert(key, id);
        self.fq.attach(key);
    }
    fn attach_connected(&mut self, cx: &mut Cx, key: PipeKey) {
        self.attach(cx, key);
        if self.peer {
            self.last_connected = self.ids.get(&key).copied();
        }
    }
    fn detach(&mut self, _cx: &mut Cx, key: PipeKey) {
        self.fq.detach(key);
        if let Some(id) = self.ids.remove(&key) {
            self.by_id.remove(&id);
        }
    }
    fn read_activated(&mut self, _cx: &mut Cx, key: PipeKey) {
        self.fq.activated(key);
    }
    fn write_activated(&mut self, _cx: &mut Cx, _key: PipeKey) {}
    fn send(&mut self, cx: &mut Cx, msg: Msg) -> Result<(), (Errno, Msg)> {
        let mut msg = refuse_more(msg)?;
        let Some(p) = self.by_id.get(&msg.routing_id()).and_then(|&k| cx.pipes.get_mut(k)) else {
            return Err((EHOSTUNREACH, msg));
        };
        if !p.check_write() {
            return Err((EAGAIN, msg));
        }
        // The id is ours to read, not the peer's (it may be inproc).
        let id = msg.routing_id();
        msg.set_routing_id(0);
        p.write(msg).map_err(|mut m| {
            m.set_routing_id(id);
            (EAGAIN, m)
        })
    }
    fn recv(&mut self, cx: &mut Cx) -> ZResult<Msg> {
        let mut m = Msg::new();
        self.recv_into(cx, &mut m)?;
        Ok(m)
    }
    fn recv_into(&mut self, cx: &mut Cx, out: &mut Msg) -> ZResult<()> {
        let key = recv_single(&mut self.fq, cx.pipes, out)?;
        out.set_routing_id(self.ids.get(&key).copied().unwrap_or(0));
        Ok(())
    }
    fn has_in(&mut self, cx: &mut Cx) -> bool {
        self.fq.has_in(cx.pipes)
    }
    fn has_out(&mut self, _cx: &mut Cx) -> bool {
        // As libzmq: a SERVER can always try (the peer decides).
        true
    }
    fn last_connected_id(&self) -> Option<u32> {
        self.last_connected
    }
}

#[cfg(test)]
mod tests {
    use super::super::fq::testing::*;
    use super::*;
    use crate::constants::draft::ZMQ_SERVER;
    use crate::error::EINVAL;

    #[test]
    fn stamps_and_routes_by_id() {
        let mut h = Harness::new(ZMQ_SERVER);
        let mut s = Server::new(false);
        let (k1, p1) = h.pipe(1, None);
        let (k2, mut p2) = h.pipe(0, None);
        let mut cx = Cx { pipes: &mut h.pipes, options: &h.options };
        s.attach(&mut cx, k1);
        s.attach(&mut cx, k2);
        put(&mut p2, &[b"x", b"y"]);
        put(&mut p2, &[b"hi"]);
        let m = s.recv(&mut cx).unwrap();
        assert_eq!(m.data(), b"hi");
        let id2 = m.routing_id();
        assert_ne!(id2, 0);
        let mut r = frame(b"back", false);
        r.set_routing_id(id2);
        s.send(&mut cx, r).unwrap();
        assert_eq!(take(&mut p2), vec![b"back".to_vec()]);
        let mut bad = frame(b"x", false);
        bad.set_routing_id(id2.wrapping_add(7777));
        assert_eq!(s.send(&mut cx, bad).unwrap_err().0, EHOSTUNREACH);
        let mut more = frame(b"x", true);
        more.set_routing_id(id2);
        assert_eq!(s.send(&mut cx, more).unwrap_err().0, EINVAL);
        // The HWM-1 pipe: the second message waits.
        let id1 = *s.ids.get(&k1).unwrap();
        let mut a = frame(b"1", false);
        a.set_routing_id(id1);
        s.send(&mut cx, a).unwrap();
        let mut b = frame(b"2", false);
        b.set_routing_id(id1);
        let (e, b) = s.send(&mut cx, b).unwrap_err();
        assert_eq!((e, b.routing_id()), (EAGAIN, id1));
        s.detach(&mut cx, k2);
        let mut gone = frame(b"x", false);
        gone.set_routing_id(id2);
        assert_eq!(s.send(&mut cx, gone).unwrap_err().0, EHOSTUNREACH);
        let _ = p1;
    }
}
