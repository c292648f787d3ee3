//! XPUB (and the machinery PUB builds on): RFC 29.
//!
//! Owns: which pipe subscribed to which topic (reading `\x01topic` /
//! `\x00topic` messages from every pipe as soon as they arrive), fan-out of
//! sent messages to the pipes whose subscriptions prefix-match the first
//! frame (or do not match, with `ZMQ_INVERT_MATCHING`), and, for XPUB, the
//! queue of subscription notifications and upstream messages the
//! application receives. Options: `ZMQ_XPUB_VERBOSE`, `ZMQ_XPUB_VERBOSER`,
//! `ZMQ_XPUB_NODROP`, `ZMQ_XPUB_MANUAL` (+ `ZMQ_SUBSCRIBE`/`ZMQ_UNSUBSCRIBE`
//! applied to the pipe of the last received subscription),
//! `ZMQ_XPUB_MANUAL_LAST_VALUE`, `ZMQ_XPUB_WELCOME_MSG`,
//! `ZMQ_ONLY_FIRST_SUBSCRIBE`; PUB accepts them too, as libzmq's does.
//! Must not: block; a full pipe drops the message for that peer (or, with
//! NODROP, the send says EAGAIN and the base waits).
//!
//! What peers make XPUB queue for the application is bounded by ZMQ_RCVHWM:
//! once that many messages wait, the pipes are not read further (at a
//! message boundary) until the application has received half of them, so a
//! peer flooding SUBSCRIBE/CANCEL is held back by its pipe's HWM and TCP,
//! not by our memory. (libzmq reads subscriptions without limit.)
//!
//! Behaviour checked against Debian's libzmq 4.3.4: a topic's first
//! subscriber and its last unsubscriber are reported (every subscribe with
//! VERBOSE, every subscribe and unsubscribe with VERBOSER); a departing
//! pipe produces `\x00topic` for the topics nobody else holds (all its
//! topics with VERBOSER, its manual topics in MANUAL mode); messages from
//! peers that are not subscriptions (XSUB sending upstream) are received
//! as they are, multipart included; every frame, not only the first, is
//! examined for a subscription unless ONLY_FIRST_SUBSCRIBE is set.

use super::dist::Dist;
use super::trie::{MTrie, RmResult};
use super::xsub::{flag_arg, parse_sub, topics_count};
use super::{Cx, PipeKey, Routing};
use crate::constants::*;
use crate::error::{Errno, ZResult, EAGAIN, EINVAL, ENOTSUP};
use crate::msg::Msg;
use crate::pipe::Read;
use std::collections::VecDeque;
use std::os::raw::c_int;

/// A message waiting for the application's recv.
struct Pending {
    msg: Msg,
    /// In manual mode, what `last_pipe` becomes when this is received:
    /// `Some(pipe)` for a subscription (None once that pipe is gone, or for
    /// unsubscriptions of a departed pipe); `None` leaves it unchanged.
    sets_last: Option<Option<PipeKey>>,
}

pub struct XPub {
    /// PUB: recv is not supported and nothing is queued for it.
    is_pub: bool,
    subs: MTrie,
    /// MANUAL mode: what each pipe asked for, to cancel when it leaves.
    manual_subs: MTrie,
    dist: Dist,
    verbose_subs: bool,
    verbose_unsubs: bool,
    lossy: bool,
    manual: bool,
    send_last_pipe: bool,
    only_first_subscribe: bool,
    last_pipe: Option<PipeKey>,
    more_recv: bool,
    process_subscribe: bool,
    pending: VecDeque<Pending>,
    /// Pipes left unread because `pending` was full, read again once the
    /// application has caught up.
    stalled: Vec<PipeKey>,
    welcome: Option<Msg>,
    matched: Vec<PipeKey>,
}

impl XPub {
    pub fn new() -> XPub {
        XPub::with_kind(false)
    }

    pub(crate) fn with_kind(is_pub: bool) -> XPub {
        XPub {
            is_pub,
            subs: MTrie::new(),
            manual_subs: MTrie::new(),
            dist: Dist::new(),
            verbose_subs: false,
            verbose_unsubs: false,
            lossy: true,
            manual: false,
            send_last_pipe: false,
            only_first_subscribe: false,
            last_pipe: None,
            more_recv: false,
            process_subscribe: false,
            pending: VecDeque::new(),
            stalled: Vec::new(),
            welcome: None,
            matched: Vec::new(),
        }
    }

    fn queue(&mut self, msg: Msg, sets_last: Option<Option<PipeKey>>) {
        if !self.is_pub {
            self.pending.push_back(Pending { msg, sets_last });
        }
    }

    /// The most messages queued for the application before pipes stop
    /// being read (ZMQ_RCVHWM; 0 is no limit).
    fn pending_limit(cx: &Cx) -> usize {
        match cx.options.rcvhwm {
            n if n > 0 => n as usize,
            _ => usize::MAX,
        }
    }

    /// Reads and applies what the pipe has sent us, up to the pending limit.
    fn read_pipe(&mut self, cx: &mut Cx, key: PipeKey) {
        let limit = Self::pending_limit(cx);
        loop {
            if !self.is_pub && !self.more_recv && self.pending.len() >= limit {
                if !self.stalled.contains(&key) {
                    self.stalled.push(key);
                }
                return;
            }
            let r = match cx.pipes.get_mut(key) {
                Some(p) => p.read(),
                None => return,
            };
            let Read::Msg(msg) = r else { return };
            self.process(key, msg);
        }
    }

    fn process(&mut self, key: PipeKey, mut msg: Msg) {
        let first_part = !self.more_recv;
        self.more_recv = msg.more();
        let sub = if first_part || self.process_subscribe {
            parse_sub(msg.data()).map(|(s, t)| (s, t.to_vec()))
        } else {
            None
        };
        if first_part {
            self.process_subscribe = !self.only_first_subscribe || sub.is_some();
        }
        let Some((subscribe, topic)) = sub else {
            // A message sent upstream by an XSUB: the application gets it as is.
            self.queue(msg, None);
            return;
        };
        let notify = if self.manual {
            if subscribe {
                self.manual_subs.add(&topic, key);
            } else {
                self.manual_subs.rm(&topic, key);
            }
            true
        } else if subscribe {
            self.subs.add(&topic, key) || self.verbose_subs
        } else {
            self.subs.rm(&topic, key) != RmResult::ValuesRemain || self.verbose_unsubs
        };
        if notify {
            msg.set_more(false);
            self.queue(msg, Some(Some(key)));
        }
    }
}

impl Default for XPub {
    fn default() -> Self {
        XPub::new()
    }
}

fn frame_copy(m: &Msg) -> Msg {
    Msg::from_slice(m.data())
}

impl Routing for XPub {
    fn attach(&mut self, cx: &mut Cx, key: PipeKey) {
        self.dist.attach(key);
        if let Some(w) = &self.welcome {
            Dist::send_to(cx, key, frame_copy(w));
        }
        // Subscriptions may already be waiting (connect before bind).
        self.read_pipe(cx, key);
    }

    fn detach(&mut self, _cx: &mut Cx, key: PipeKey) {
        let mut gone = Vec::new();
        if self.manual {
            self.manual_subs.rm_pipe(key, |t, _| gone.push(t.to_vec()));
            self.subs.rm_pipe(key, |_, _| {});
        } else {
            let all = self.verbose_unsubs;
            self.subs.rm_pipe(key, |t, last| {
                if all || last {
                    gone.push(t.to_vec());
                }
            });
        }
        if self.last_pipe == Some(key) {
            self.last_pipe = None;
        }
        self.stalled.retain(|&k| k != key);
        // The key may be reused by a future pipe: forget it everywhere.
        for p in &mut self.pending {
            if p.sets_last == Some(Some(key)) {
                p.sets_last = Some(None);
            }
        }
        for t in gone {
            let sets_last = if self.manual { Some(None) } else { None };
            self.queue(super::xsub::sub_msg(false, &t), sets_last);
        }
        self.dist.detach(key);
    }

    fn read_activated(&mut self, cx: &mut Cx, key: PipeKey) {
        self.read_pipe(cx, key);
    }

    fn write_activated(&mut self, _cx: &mut Cx, key: PipeKey) {
        self.dist.activated(key);
    }

    fn send(&mut self, cx: &mut Cx, msg: Msg) -> Result<(), (Errno, Msg)> {
        if !self.dist.in_message() {
            self.subs.match_into(msg.data(), &mut self.matched);
            if self.manual && self.send_last_pipe {
                if let Some(last) = self.last_pipe.take() {
                    self.matched.retain(|&k| k == last);
                }
            }
            self.dist.select(&self.matched, cx.options.invert_matching);
        }
        if !self.lossy && !self.dist.check_hwm(cx) {
            return Err((EAGAIN, msg));
        }
        self.dist.send(cx, msg);
        Ok(())
    }

    fn recv(&mut self, cx: &mut Cx) -> ZResult<Msg> {
        if self.is_pub {
            return Err(ENOTSUP);
        }
        let Some(p) = self.pending.pop_front() else { return Err(EAGAIN) };
        if !self.stalled.is_empty() && self.pending.len() <= Self::pending_limit(cx) / 2 {
            for key in std::mem::take(&mut self.stalled) {
                self.read_pipe(cx, key);
            }
        }
        if self.manual {
            if let Some(last) = p.sets_last {
                self.last_pipe = last;
            }
        }
        Ok(p.msg)
    }

    fn has_in(&mut self, _cx: &mut Cx) -> bool {
        !self.is_pub && !self.pending.is_empty()
    }

    fn has_out(&mut self, _cx: &mut Cx) -> bool {
        true
    }

    fn setsockopt(&mut self, _cx: &mut Cx, option: c_int, value: &[u8]) -> ZResult<()> {
        match option {
            ZMQ_XPUB_VERBOSE => {
                self.verbose_subs = flag_arg(value)?;
                self.verbose_unsubs = false;
            }
            ZMQ_XPUB_VERBOSER => {
                self.verbose_subs = flag_arg(value)?;
                self.verbose_unsubs = self.verbose_subs;
            }
            ZMQ_XPUB_NODROP => self.lossy = !flag_arg(value)?,
            ZMQ_XPUB_MANUAL => self.manual = flag_arg(value)?,
            draft::ZMQ_XPUB_MANUAL_LAST_VALUE => {
                self.manual = flag_arg(value)?;
                self.send_last_pipe = self.manual;
            }
            draft::ZMQ_ONLY_FIRST_SUBSCRIBE => self.only_first_subscribe = flag_arg(value)?,
            ZMQ_SUBSCRIBE | ZMQ_UNSUBSCRIBE if self.manual => {
                if let Some(last) = self.last_pipe {
                    if option == ZMQ_SUBSCRIBE {
                        self.subs.add(value, last);
                    } else {
                        self.subs.rm(value, last);
                    }
                }
            }
            ZMQ_XPUB_WELCOME_MSG => {
                self.welcome = if value.is_empty() { None } else { Some(Msg::from_slice(value)) };
            }
            _ => return Err(EINVAL),
        }
        Ok(())
    }

    /// `ZMQ_TOPICS_COUNT` (draft): the distinct topics some peer holds.
    fn getsockopt(&self, option: c_int, out: &mut [u8]) -> Option<ZResult<usize>> {
        (option == draft::ZMQ_TOPICS_COUNT).then(|| topics_count(out, self.subs.len()))
    }
}

#[cfg(test)]
mod tests {
    use super::super::dist::tests::{frames, pipe};
    use super::*;
    use crate::options::Options;
    use slab::Slab;

    fn recv_all(x: &mut XPub, cx: &mut Cx) -> Vec<Vec<u8>> {
        let mut v = Vec::new();
        while let Ok(m) = x.recv(cx) {
            v.push(m.data().to_vec());
        }
        v
    }

    fn int(v: c_int) -> [u8; 4] {
        v.to_ne_bytes()
    }

    #[test]
    fn xpub_reports_first_subscribe_and_last_unsubscribe() {
        let opts = Options::new(ZMQ_XPUB);
        let mut pipes = Slab::new();
        let mut x = XPub::new();
        let (a, mut pa) = pipe(0);
        let (b, mut pb) = pipe(0);
        let ka = pipes.insert(a);
        let kb = pipes.insert(b);
        let cx = &mut Cx { pipes: &mut pipes, options: &opts };
        pa.write(Msg::from_slice(b"\x01t")).unwrap();
        x.attach(cx, ka);
        x.attach(cx, kb);
        pb.write(Msg::from_slice(b"\x01t")).unwrap();
        pb.write(Msg::from_slice(b"\x01u")).unwrap();
        x.read_activated(cx, kb);
        assert_eq!(recv_all(&mut x, cx), vec![b"\x01t".to_vec(), b"\x01u".to_vec()]);
        x.send(cx, Msg::from_slice(b"tx")).unwrap();
        x.send(cx, Msg::from_slice(b"ux")).unwrap();
        x.send(cx, Msg::from_slice(b"vx")).unwrap();
        assert_eq!(frames(&mut pa), vec![b"tx".to_vec()]);
        assert_eq!(frames(&mut pb), vec![b"tx".to_vec(), b"ux".to_vec()]);
        // Non-subscription messages come up as they are.
        let mut m = Msg::from_slice(b"hello");
        m.set_more(true);
        pa.write(m).unwrap();
        pa.write(Msg::from_slice(b"world")).unwrap();
        x.read_activated(cx, ka);
        let m = x.recv(cx).unwrap();
        assert!(m.more());
        assert_eq!(x.recv(cx).unwrap().data(), b"world");
        x.detach(cx, kb);
        assert_eq!(recv_all(&mut x, cx), vec![b"\x00u".to_vec()]);
        x.detach(cx, ka);
        assert_eq!(recv_all(&mut x, cx), vec![b"\x00t".to_vec()]);
    }

    #[test]
    fn xpub_verboser_and_welcome() {
        let opts = Options::new(ZMQ_XPUB);
        let mut pipes = Slab::new();
        let mut x = XPub::new();
        let (a, mut pa) = pipe(0);
        let ka = pipes.insert(a);
        let cx = &mut Cx { pipes: &mut pipes, options: &opts };
        assert_eq!(x.setsockopt(cx, ZMQ_XPUB_VERBOSER, &[1, 0]), Err(EINVAL));
        assert_eq!(x.setsockopt(cx, ZMQ_XPUB_VERBOSER, &int(-1)), Err(EINVAL));
        x.setsockopt(cx, ZMQ_XPUB_VERBOSER, &int(1)).unwrap();
        x.setsockopt(cx, ZMQ_XPUB_WELCOME_MSG, b"W").unwrap();
        assert_eq!(x.setsockopt(cx, ZMQ_SUBSCRIBE, b"x"), Err(EINVAL));
        x.attach(cx, ka);
        assert_eq!(frames(&mut pa), vec![b"W".to_vec()]);
        for m in [&b"\x01k"[..], b"\x01k", b"\x00k", b"\x00k", b"\x01k"] {
            pa.write(Msg::from_slice(m)).unwrap();
        }
        x.read_activated(cx, ka);
        let all: Vec<Vec<u8>> = [&b"\x01k"[..], b"\x01k", b"\x00k", b"\x00k", b"\x01k"].iter().map(|m| m.to_vec()).collect();
        assert_eq!(recv_all(&mut x, cx), all);
        x.detach(cx, ka);
        assert_eq!(recv_all(&mut x, cx), vec![b"\x00k".to_vec()]);
    }

    #[test]
    fn xpub_manual_applies_to_last_pipe() {
        let opts = Options::new(ZMQ_XPUB);
        let mut pipes = Slab::new();
        let mut x = XPub::new();
        let (a, mut pa) = pipe(0);
        let ka = pipes.insert(a);
        let cx = &mut Cx { pipes: &mut pipes, options: &opts };
        x.setsockopt(cx, ZMQ_XPUB_MANUAL, &int(1)).unwrap();
        x.attach(cx, ka);
        pa.write(Msg::from_slice(b"\x01A")).unwrap();
        x.read_activated(cx, ka);
        assert_eq!(x.recv(cx).unwrap().data(), b"\x01A");
        x.setsockopt(cx, ZMQ_SUBSCRIBE, b"B").unwrap();
        x.send(cx, Msg::from_slice(b"A1")).unwrap();
        x.send(cx, Msg::from_slice(b"B1")).unwrap();
        assert_eq!(frames(&mut pa), vec![b"B1".to_vec()]);
        x.detach(cx, ka);
        assert_eq!(recv_all(&mut x, cx), vec![b"\x00A".to_vec()]);
        assert!(x.subs.is_empty());
    }

    /// A peer flooding subscriptions is read only while the application
    /// keeps up: at most RCVHWM notifications wait, and reading resumes
    /// once half of them were received. Nothing is lost.
    #[test]
    fn pending_subscriptions_are_bounded_by_rcvhwm() {
        let mut opts = Options::new(ZMQ_XPUB);
        opts.rcvhwm = 10;
        let mut pipes = Slab::new();
        let mut x = XPub::new();
        let (a, mut pa) = pipe(0);
        let ka = pipes.insert(a);
        let cx = &mut Cx { pipes: &mut pipes, options: &opts };
        x.attach(cx, ka);
        for i in 0..100u8 {
            pa.write(Msg::from_slice(&[1, i])).unwrap();
            pa.write(Msg::from_slice(&[0, i])).unwrap();
        }
        x.read_activated(cx, ka);
        assert_eq!(x.pending.len(), 10);
        let mut got = Vec::new();
        while let Ok(m) = x.recv(cx) {
            assert!(x.pending.len() <= 10);
            got.push(m.data().to_vec());
        }
        assert_eq!(got.len(), 200);
        assert_eq!(got[199], vec![0, 99]);
        x.detach(cx, ka);
        assert!(x.stalled.is_empty());
    }

    #[test]
    fn nodrop_says_eagain_at_hwm_and_pub_drops() {
        let opts = Options::new(ZMQ_PUB);
        let mut pipes = Slab::new();
        let mut x = XPub::with_kind(true);
        let (a, mut pa) = pipe(1);
        let ka = pipes.insert(a);
        let cx = &mut Cx { pipes: &mut pipes, options: &opts };
        pa.write(Msg::from_slice(b"\x01")).unwrap();
        x.attach(cx, ka);
        assert_eq!(x.recv(cx).unwrap_err(), ENOTSUP);
        assert!(!x.has_in(cx));
        x.send(cx, Msg::from_slice(b"1")).unwrap();
        x.send(cx, Msg::from_slice(b"2")).unwrap(); // dropped: pipe full
        x.write_activated(cx, ka);
        x.setsockopt(cx, ZMQ_XPUB_NODROP, &int(1)).unwrap();
        assert!(matches!(x.send(cx, Msg::from_slice(b"3")), Err((e, _)) if e == EAGAIN));
        assert_eq!(frames(&mut pa), vec![b"1".to_vec()]);
        x.send(cx, Msg::from_slice(b"4")).unwrap();
        assert_eq!(frames(&mut pa), vec![b"4".to_vec()]);
    }
}
