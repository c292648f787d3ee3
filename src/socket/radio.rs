//! RADIO: sends each message to the DISH peers that joined its group
//! (RFC 48). Single-part; never receives.
//!
//! On every pipe a message is two frames, the group (with MORE) then the
//! body, which is what libzmq's RADIO puts on the wire; DISH peers tell us
//! their groups with JOIN/LEAVE commands (`dish.rs` writes them,
//! `zmtp::connection` passes them up from the wire). Drops, as PUB does,
//! for a pipe that is full; with `ZMQ_XPUB_NODROP` (as libzmq's RADIO
//! takes it) a send says EAGAIN instead while a member's pipe is full.
//!
//! Owns: the group -> pipes table. Bounded: a peer's JOINs past
//! `MAX_GROUPS_PER_PEER` are ignored.

use super::dist::Dist;
use super::single::refuse_more;
use super::{Cx, PipeKey, Routing};
use super::xsub::flag_arg;
use crate::constants::ZMQ_XPUB_NODROP;
use crate::error::{Errno, ZResult, EAGAIN, EINVAL, ENOTSUP};
use crate::msg::{Msg, GROUP_MAX_LENGTH};
use crate::pipe::Read;
use std::collections::{HashMap, HashSet};
use std::os::raw::c_int;

/// How many groups one peer may join (libzmq has no limit; we bound what
/// a peer can make us hold).
pub const MAX_GROUPS_PER_PEER: usize = 65536;

/// What a DISH's JOIN/LEAVE looks like in a pipe: a COMMAND frame whose
/// body is the ZMTP command (name length, name, group).
pub fn join_leave_body(join: bool, group: &[u8]) -> Vec<u8> {
    let name: &[u8] = if join { b"\x04JOIN" } else { b"\x05LEAVE" };
    let mut v = Vec::with_capacity(name.len() + group.len());
    v.extend_from_slice(name);
    v.extend_from_slice(group);
    v
}

/// Parses a JOIN/LEAVE command frame: (join?, group).
fn parse_join_leave(m: &Msg) -> Option<(bool, &[u8])> {
    if !m.is_command() {
        return None;
    }
    let d = m.data();
    let (join, g) = if let Some(g) = d.strip_prefix(b"\x04JOIN") {
        (true, g)
    } else if let Some(g) = d.strip_prefix(b"\x05LEAVE") {
        (false, g)
    } else {
        return None;
    };
    (g.len() <= GROUP_MAX_LENGTH).then_some((join, g))
}

pub struct Radio {
    dist: Dist,
    groups: HashMap<Vec<u8>, Vec<PipeKey>>,
    joined: HashMap<PipeKey, HashSet<Vec<u8>>>,
    /// udp pipes: every message goes to them (sorted).
    all: Vec<PipeKey>,
    /// Scratch: this message's pipes (sorted).
    targets: Vec<PipeKey>,
    /// Drop for a full pipe (the default) rather than say EAGAIN.
    lossy: bool,
    /// The members of the group last sent to (`last_group`), while
    /// `last_valid`: a run of one group's messages then skips hashing.
    /// Any JOIN, LEAVE or detach invalidates it.
    last_group: Vec<u8>,
    last_members: Vec<PipeKey>,
    last_valid: bool,
}

impl Default for Radio {
    fn default() -> Radio {
        Radio {
            dist: Dist::default(),
            groups: HashMap::new(),
            joined: HashMap::new(),
            all: Vec::new(),
            targets: Vec::new(),
            lossy: true,
            last_group: Vec::new(),
            last_members: Vec::new(),
            last_valid: false,
        }
    }
}

impl Radio {
    pub fn new() -> Radio {
        Radio::default()
    }

    fn apply(&mut self, key: PipeKey, join: bool, group: &[u8]) {
        self.last_valid = false;
        let mine = self.joined.entry(key).or_default();
        if join {
            if mine.len() >= MAX_GROUPS_PER_PEER || !mine.insert(group.to_vec()) {
                return;
            }
            let v = self.groups.entry(group.to_vec()).or_default();
            let at = v.binary_search(&key).unwrap_or_else(|i| i);
            v.insert(at, key);
        } else if mine.remove(group) {
            if let Some(v) = self.groups.get_mut(group) {
                v.retain(|&k| k != key);
                if v.is_empty() {
                    self.groups.remove(group);
                }
            }
        }
    }
}

impl Routing for Radio {
    fn attach(&mut self, cx: &mut Cx, key: PipeKey) {
        self.dist.attach(key);
        self.read_activated(cx, key);
    }
    fn attach_all(&mut self, _cx: &mut Cx, key: PipeKey) {
        self.dist.attach(key);
        let at = self.all.binary_search(&key).unwrap_or_else(|i| i);
        self.all.insert(at, key);
    }
    fn detach(&mut self, _cx: &mut Cx, key: PipeKey) {
        self.dist.detach(key);
        self.last_valid = false;
        self.all.retain(|&k| k != key);
        if let Some(mine) = self.joined.remove(&key) {
            for g in mine {
                if let Some(v) = self.groups.get_mut(&g) {
                    v.retain(|&k| k != key);
                    if v.is_empty() {
                        self.groups.remove(&g);
                    }
                }
            }
        }
    }
    fn read_activated(&mut self, cx: &mut Cx, key: PipeKey) {
        // Everything a DISH sends is JOIN or LEAVE; anything else is dropped.
        loop {
            let Some(p) = cx.pipes.get_mut(key) else { return };
            let Read::Msg(m) = p.read() else { return };
            if let Some((join, g)) = parse_join_leave(&m) {
                let g = g.to_vec();
                self.apply(key, join, &g);
            }
        }
    }
    fn write_activated(&mut self, _cx: &mut Cx, key: PipeKey) {
        self.dist.activated(key);
    }
    fn send(&mut self, cx: &mut Cx, msg: Msg) -> Result<(), (Errno, Msg)> {
        let mut body = refuse_more(msg)?;
        let mut head = {
            let group: &[u8] = body.group().map_or(&[], |g| g.to_bytes());
            if !self.last_valid || self.last_group != group {
                self.last_group.clear();
                self.last_group.extend_from_slice(group);
                self.last_members.clear();
                self.last_members.extend_from_slice(self.groups.get(group).map_or(&[], |v| v));
                self.last_valid = true;
            }
            let members: &[PipeKey] = &self.last_members;
            if members.is_empty() && self.all.is_empty() {
                return Ok(());
            }
            if self.all.is_empty() {
                self.dist.select(members, false);
            } else {
                self.targets.clear();
                self.targets.extend_from_slice(members);
                self.targets.extend_from_slice(&self.all);
                self.targets.sort_unstable();
                self.targets.dedup();
                self.dist.select(&self.targets, false);
            }
            Msg::from_slice(group)
        };
        if !self.lossy && !self.dist.check_hwm(cx) {
            return Err((EAGAIN, body));
        }
        head.set_more(true);
        body.set_routing_id(0);
        // The group travels in `head`; dropping the block here keeps its
        // reference count on this thread (`msg::GroupStamp` shares it).
        body.set_metadata(None);
        self.dist.send(cx, head);
        self.dist.send(cx, body);
        Ok(())
    }
    fn recv(&mut self, _cx: &mut Cx) -> ZResult<Msg> {
        Err(ENOTSUP)
    }
    fn has_in(&mut self, _cx: &mut Cx) -> bool {
        false
    }
    fn has_out(&mut self, _cx: &mut Cx) -> bool {
        true
    }
    fn setsockopt(&mut self, _cx: &mut Cx, option: c_int, value: &[u8]) -> ZResult<()> {
        match option {
            ZMQ_XPUB_NODROP => self.lossy = !flag_arg(value)?,
            _ => return Err(EINVAL),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::fq::testing::*;
    use super::*;
    use crate::constants::draft::ZMQ_RADIO;
    use crate::msg::COMMAND;

    fn cmd(join: bool, g: &[u8]) -> Msg {
        let mut m = Msg::from_slice(&join_leave_body(join, g));
        m.set_flags(COMMAND);
        m
    }

    #[test]
    fn sends_group_then_body_to_members_only() {
        let mut h = Harness::new(ZMQ_RADIO);
        let mut r = Radio::new();
        let (k1, mut p1) = h.pipe(0, None);
        let (k2, mut p2) = h.pipe(0, None);
        let mut cx = Cx { pipes: &mut h.pipes, options: &h.options };
        r.attach(&mut cx, k1);
        r.attach(&mut cx, k2);
        assert!(p1.write(cmd(true, b"weather")).is_ok());
        assert!(p2.write(cmd(true, b"news")).is_ok());
        // Not a command: ignored.
        assert!(p2.write(Msg::from_slice(b"\x04JOINweather")).is_ok());
        r.read_activated(&mut cx, k1);
        r.read_activated(&mut cx, k2);
        let mut m = Msg::from_slice(b"rain");
        m.set_group(b"weather").unwrap();
        r.send(&mut cx, m).unwrap();
        assert_eq!(take(&mut p1), vec![b"weather".to_vec(), b"rain".to_vec()]);
        assert!(take(&mut p2).is_empty());
        assert!(p1.write(cmd(false, b"weather")).is_ok());
        r.read_activated(&mut cx, k1);
        let mut m = Msg::from_slice(b"sun");
        m.set_group(b"weather").unwrap();
        r.send(&mut cx, m).unwrap();
        assert!(take(&mut p1).is_empty());
        let mut m = Msg::from_slice(b"x");
        m.set_more(true);
        assert_eq!(r.send(&mut cx, m).unwrap_err().0, crate::error::EINVAL);
        r.detach(&mut cx, k2);
        assert!(r.groups.is_empty());
    }

    #[test]
    fn nodrop_says_eagain_for_a_full_member_pipe_and_lossy_drops() {
        let mut h = Harness::new(ZMQ_RADIO);
        let mut r = Radio::new();
        let (k1, mut p1) = h.pipe(1, None);
        let mut cx = Cx { pipes: &mut h.pipes, options: &h.options };
        r.attach(&mut cx, k1);
        assert!(p1.write(cmd(true, b"g")).is_ok());
        r.read_activated(&mut cx, k1);
        let msg = |body: &[u8], g: &[u8]| {
            let mut m = Msg::from_slice(body);
            m.set_group(g).unwrap();
            m
        };
        r.send(&mut cx, msg(b"1", b"g")).unwrap();
        r.send(&mut cx, msg(b"2", b"g")).unwrap(); // dropped: the pipe is full
        r.write_activated(&mut cx, k1);
        r.setsockopt(&mut cx, ZMQ_XPUB_NODROP, &1i32.to_ne_bytes()).unwrap();
        let (e, back) = r.send(&mut cx, msg(b"3", b"g")).unwrap_err();
        assert_eq!((e, back.data(), back.group().unwrap().to_bytes()), (EAGAIN, &b"3"[..], &b"g"[..]));
        // A group nobody joined is not held up by the full pipe.
        r.send(&mut cx, msg(b"4", b"other")).unwrap();
        assert_eq!(take(&mut p1), vec![b"g".to_vec(), b"1".to_vec()]);
        r.send(&mut cx, msg(b"5", b"g")).unwrap();
        assert_eq!(take(&mut p1), vec![b"g".to_vec(), b"5".to_vec()]);
        assert_eq!(r.setsockopt(&mut cx, 12345, &1i32.to_ne_bytes()).unwrap_err(), EINVAL);
    }

    #[test]
    fn one_peer_joins_a_bounded_number_of_groups() {
        let mut r = Radio::new();
        for i in 0..MAX_GROUPS_PER_PEER + 10 {
            r.apply(7, true, format!("g{i}").as_bytes());
        }
        assert_eq!(r.joined[&7].len(), MAX_GROUPS_PER_PEER);
        assert_eq!(r.groups.len(), MAX_GROUPS_PER_PEER);
        // A duplicate JOIN, then one LEAVE: gone (a set, not a count).
        r.apply(7, true, b"g1");
        r.apply(7, false, b"g1");
        assert!(!r.groups.contains_key(&b"g1"[..]));
    }
}
