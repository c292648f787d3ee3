//! DISH: receives the RADIO messages of the groups it joined (RFC 48).
//! Never sends; `zmq_join`/`zmq_leave` tell every RADIO peer, and a new or
//! reconnected peer is told every group joined so far.
//!
//! A message arrives as two frames, group (MORE) then body; they are
//! joined back into one message whose group is set. Anything else a peer
//! sends (a lone frame, a longer message, a group too long or for a group
//! we did not join) is dropped. `ZMQ_POLLIN` means a message that passes
//! these checks is ready: `has_in` takes it out ahead, as libzmq's DISH
//! does.
//!
//! Owns: the set of joined groups.

use super::dist::Dist;
use super::fq::Fq;
use super::radio::join_leave_body;
use super::{Cx, PipeKey, Routing};
use crate::error::{Errno, ZResult, EINVAL, ENOTSUP};
use crate::msg::{GroupStamp, Msg, COMMAND, GROUP_MAX_LENGTH};
use std::collections::HashSet;

#[derive(Default)]
pub struct Dish {
    fq: Fq,
    dist: Dist,
    groups: HashSet<Vec<u8>>,
    /// A checked message `has_in` took out ahead of `recv`.
    ready: Option<Msg>,
    /// Gives received messages their group (one shared block per run of
    /// messages of one group from one connection).
    stamp: GroupStamp,
    /// The group last found in `groups` (a run of one group's messages
    /// then skips hashing); forgotten by `leave`.
    last_joined: Option<Vec<u8>>,
}

fn command(join: bool, group: &[u8]) -> Msg {
    let mut m = Msg::from_slice(&join_leave_body(join, group));
    m.set_flags(COMMAND);
    m
}

impl Dish {
    pub fn new() -> Dish {
        Dish::default()
    }

    fn tell_all(&mut self, cx: &mut Cx, join: bool, group: &[u8]) {
        self.dist.select_all();
        self.dist.send(cx, command(join, group));
    }

    /// The next message that passes the checks of the module doc.
    fn next(&mut self, cx: &mut Cx) -> ZResult<Msg> {
        loop {
            let (group, _) = self.fq.recv(cx.pipes)?;
            if !group.more() {
                continue;
            }
            let Ok((mut body, _)) = self.fq.recv(cx.pipes) else { continue };
            if body.more() {
                while self.fq.in_message() && self.fq.recv(cx.pipes).is_ok() {}
                continue;
            }
            let g = group.data();
            let joined = self.last_joined.as_deref() == Some(g) || {
                let j = g.len() <= GROUP_MAX_LENGTH && self.groups.contains(g);
                if j {
                    self.last_joined = Some(g.to_vec());
                }
                j
            };
            if !joined || self.stamp.stamp(&mut body, g).is_err() {
                continue;
            }
            body.set_routing_id(0);
            return Ok(body);
        }
    }

    fn send_groups(&self, cx: &mut Cx, key: PipeKey) {
        for g in &self.groups {
            // A full pipe misses it, as libzmq's does.
            Dist::send_to(cx, key, command(true, g));
        }
    }
}

impl Routing for Dish {
    fn attach(&mut self, cx: &mut Cx, key: PipeKey) {
        self.fq.attach(key);
        self.dist.attach(key);
        self.send_groups(cx, key);
    }
    fn detach(&mut self, _cx: &mut Cx, key: PipeKey) {
        self.fq.detach(key);
        self.dist.detach(key);
    }
    fn hiccuped(&mut self, cx: &mut Cx, key: PipeKey) {
        self.send_groups(cx, key);
    }
    fn read_activated(&mut self, _cx: &mut Cx, key: PipeKey) {
        self.fq.activated(key);
    }
    fn write_activated(&mut self, _cx: &mut Cx, key: PipeKey) {
        self.dist.activated(key);
    }
    fn send(&mut self, _cx: &mut Cx, msg: Msg) -> Result<(), (Errno, Msg)> {
        Err((ENOTSUP, msg))
    }
    fn recv(&mut self, cx: &mut Cx) -> ZResult<Msg> {
        if let Some(m) = self.ready.take() {
            return Ok(m);
        }
        self.next(cx)
    }
    fn has_in(&mut self, cx: &mut Cx) -> bool {
        if self.ready.is_none() {
            self.ready = self.next(cx).ok();
        }
        self.ready.is_some()
    }
    fn has_out(&mut self, _cx: &mut Cx) -> bool {
        false
    }
    fn join(&mut self, cx: &mut Cx, group: &[u8]) -> ZResult<()> {
        if group.len() > GROUP_MAX_LENGTH || group.contains(&0) || !self.groups.insert(group.to_vec()) {
            return Err(EINVAL);
        }
        self.tell_all(cx, true, group);
        Ok(())
    }
    fn leave(&mut self, cx: &mut Cx, group: &[u8]) -> ZResult<()> {
        if group.len() > GROUP_MAX_LENGTH || !self.groups.remove(group) {
            return Err(EINVAL);
        }
        self.last_joined = None;
        self.tell_all(cx, false, group);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::fq::testing::*;
    use super::*;
    use crate::constants::draft::ZMQ_DISH;
    use crate::error::EAGAIN;
    use crate::pipe::Read;

    #[test]
    fn joins_reach_peers_and_two_frames_become_one_message() {
        let mut h = Harness::new(ZMQ_DISH);
        let mut d = Dish::new();
        let (k1, mut p1) = h.pipe(0, None);
        let mut cx = Cx { pipes: &mut h.pipes, options: &h.options };
        d.join(&mut cx, b"a").unwrap();
        assert_eq!(d.join(&mut cx, b"a"), Err(EINVAL));
        assert_eq!(d.join(&mut cx, &[b'x'; 256]), Err(EINVAL));
        assert_eq!(d.leave(&mut cx, b"zz"), Err(EINVAL));
        d.attach(&mut cx, k1);
        let Read::Msg(j) = p1.read() else { panic!("no JOIN") };
        assert!(j.is_command());
        assert_eq!(j.data(), b"\x04JOINa");
        d.join(&mut cx, b"b").unwrap();
        assert_eq!(take(&mut p1), vec![b"\x04JOINb".to_vec()]);
        put(&mut p1, &[b"lone"]);
        put(&mut p1, &[b"c", b"not joined"]);
        put(&mut p1, &[b"a", b"x", b"y"]);
        // Only messages to drop: no POLLIN.
        assert!(!d.has_in(&mut cx));
        put(&mut p1, &[b"a", b"hello"]);
        // (the pipe's wake-up, which this harness delivers by hand)
        d.read_activated(&mut cx, k1);
        assert!(d.has_in(&mut cx));
        let m = d.recv(&mut cx).unwrap();
        assert_eq!((m.data(), m.group().unwrap().to_bytes()), (&b"hello"[..], &b"a"[..]));
        assert_eq!(d.recv(&mut cx).unwrap_err(), EAGAIN);
        d.leave(&mut cx, b"a").unwrap();
        assert_eq!(take(&mut p1), vec![b"\x05LEAVEa".to_vec()]);
        // Left: "a" is dropped now, even right after an "a" message.
        put(&mut p1, &[b"a", b"late"]);
        put(&mut p1, &[b"b", b"kept"]);
        d.read_activated(&mut cx, k1);
        let m = d.recv(&mut cx).unwrap();
        assert_eq!((m.data(), m.group().unwrap().to_bytes()), (&b"kept"[..], &b"b"[..]));
    }
}
