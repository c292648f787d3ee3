//! XSUB (and the machinery SUB builds on): RFC 29.
//!
//! Owns: this socket's subscription set (refcounted per topic), sending
//! subscribe (`\x01topic`) and cancel (`\x00topic`) messages upstream to
//! every pipe, replaying all subscriptions to each new pipe, forwarding
//! other sent messages upstream to all pipes, and fair-queued receive.
//! XSUB delivers everything it receives; SUB (see `sub.rs`) turns on
//! filtering by subscription (XOR `ZMQ_INVERT_MATCHING`).
//! Must not: block, or know about transports. Subscriptions travel through
//! pipes as ordinary `\x01`/`\x00` messages; a ZMTP 3.1 engine may turn them
//! into SUBSCRIBE/CANCEL commands on the wire.

use super::dist::Dist;
use super::fq::Fq;
use super::trie::Trie;
use super::{Cx, PipeKey, Routing};
use crate::constants::*;
use crate::error::{Errno, ZResult, EINVAL};
use crate::msg::Msg;
use std::os::raw::c_int;

/// Parses a subscription message: Some((subscribe?, topic)).
pub(crate) fn parse_sub(data: &[u8]) -> Option<(bool, &[u8])> {
    match data.split_first() {
        Some((1, t)) => Some((true, t)),
        Some((0, t)) => Some((false, t)),
        _ => None,
    }
}

/// Builds `\x01topic` or `\x00topic`.
pub(crate) fn sub_msg(subscribe: bool, topic: &[u8]) -> Msg {
    let mut v = Vec::with_capacity(topic.len() + 1);
    v.push(subscribe as u8);
    v.extend_from_slice(topic);
    Msg::from_bytes(v.into())
}

/// A 4-byte non-negative int option value, or EINVAL.
pub(crate) fn flag_arg(value: &[u8]) -> ZResult<bool> {
    match value {
        &[a, b, c, d] => {
            let v = c_int::from_ne_bytes([a, b, c, d]);
            if v < 0 {
                Err(EINVAL)
            } else {
                Ok(v != 0)
            }
        }
        _ => Err(EINVAL),
    }
}

/// `ZMQ_TOPICS_COUNT`'s answer, as libzmq's XPUB/XSUB give it: an int
/// into a buffer of at least 4 bytes, the rest of which is zeroed.
pub(crate) fn topics_count(out: &mut [u8], n: usize) -> ZResult<usize> {
    if out.len() < 4 {
        return Err(EINVAL);
    }
    let n = c_int::try_from(n).unwrap_or(c_int::MAX);
    out[..4].copy_from_slice(&n.to_ne_bytes());
    out[4..].fill(0);
    Ok(4)
}

pub struct XSub {
    /// SUB: filter received messages by subscription.
    filter: bool,
    subs: Trie,
    fq: Fq,
    dist: Dist,
    /// A matching message found by `has_in`, returned by the next `recv`.
    prefetched: Option<Msg>,
    more_recv: bool,
    more_send: bool,
    process_subscribe: bool,
    only_first_subscribe: bool,
    /// `ZMQ_XSUB_VERBOSE_UNSUBSCRIBE`: every cancel the application sends
    /// goes upstream, not only the one that drops a topic's last reference.
    verbose_unsubs: bool,
}

impl XSub {
    pub fn new() -> XSub {
        XSub::with_filter(false)
    }

    pub(crate) fn with_filter(filter: bool) -> XSub {
        XSub {
            filter,
            subs: Trie::new(),
            fq: Fq::new(),
            dist: Dist::new(),
            prefetched: None,
            more_recv: false,
            more_send: false,
            process_subscribe: false,
            only_first_subscribe: false,
            verbose_unsubs: false,
        }
    }

    fn matches(&self, cx: &Cx, m: &Msg) -> bool {
        self.subs.check(m.data()) ^ cx.options.invert_matching
    }

    /// Sends `msg` to every pipe (subscriptions and upstream messages).
    fn send_to_all(&mut self, cx: &mut Cx, msg: Msg) {
        if !self.dist.in_message() {
            self.dist.select_all();
        }
        self.dist.send(cx, msg);
    }

    /// ZMQ_SUBSCRIBE / ZMQ_UNSUBSCRIBE on a SUB socket.
    pub(crate) fn set_subscription(&mut self, cx: &mut Cx, subscribe: bool, topic: &[u8]) {
        if subscribe {
            self.subs.add(topic);
        } else if !self.subs.rm(topic) {
            return;
        }
        self.send_to_all(cx, sub_msg(subscribe, topic));
    }

    /// Sends every current subscription to one pipe.
    fn send_subscriptions(&mut self, cx: &mut Cx, key: PipeKey) {
        let mut topics = Vec::new();
        self.subs.for_each(|t| topics.push(sub_msg(true, t)));
        for m in topics {
            if !Dist::send_to(cx, key, m) {
                break;
            }
        }
    }

    /// Reads frames until one starts a matching message (or nothing is left).
    fn fetch(&mut self, cx: &mut Cx) -> ZResult<Msg> {
        loop {
            let (m, _) = self.fq.recv(cx.pipes)?;
            if self.more_recv || !self.filter || self.matches(cx, &m) {
                self.more_recv = m.more();
                return Ok(m);
            }
            // Not wanted: drop the rest of this message.
            let mut more = m.more();
            while more {
                match self.fq.recv(cx.pipes) {
                    Ok((rest, _)) => more = rest.more(),
                    Err(_) => break,
                }
            }
        }
    }
}

impl Default for XSub {
    fn default() -> Self {
        XSub::new()
    }
}

impl Routing for XSub {
    fn attach(&mut self, cx: &mut Cx, key: PipeKey) {
        self.fq.attach(key);
        self.dist.attach(key);
        // Tell the new peer everything we are subscribed to.
        self.send_subscriptions(cx, key);
    }

    fn detach(&mut self, _cx: &mut Cx, key: PipeKey) {
        self.fq.detach(key);
        self.dist.detach(key);
    }

    fn hiccuped(&mut self, cx: &mut Cx, key: PipeKey) {
        // The connection behind the pipe is being re-established: the peer
        // forgot our subscriptions, so send them again.
        self.send_subscriptions(cx, key);
    }

    fn read_activated(&mut self, _cx: &mut Cx, key: PipeKey) {
        self.fq.activated(key);
    }

    fn write_activated(&mut self, _cx: &mut Cx, key: PipeKey) {
        self.dist.activated(key);
    }

    fn send(&mut self, cx: &mut Cx, msg: Msg) -> Result<(), (Errno, Msg)> {
        let first_part = !self.more_send;
        self.more_send = msg.more();
        if first_part {
            self.process_subscribe = !self.only_first_subscribe;
        } else if !self.process_subscribe {
            self.send_to_all(cx, msg);
            return Ok(());
        }
        match parse_sub(msg.data()) {
            Some((true, topic)) => {
                // Duplicates are forwarded too: XPUB upstream decides.
                self.subs.add(topic);
                self.process_subscribe = true;
                self.send_to_all(cx, msg);
            }
            Some((false, topic)) => {
                self.process_subscribe = true;
                // Only the last reference is cancelled upstream (unless
                // verbose).
                if self.subs.rm(topic) || self.verbose_unsubs {
                    self.send_to_all(cx, msg);
                }
            }
            None => self.send_to_all(cx, msg),
        }
        Ok(())
    }

    fn recv(&mut self, cx: &mut Cx) -> ZResult<Msg> {
        if let Some(m) = self.prefetched.take() {
            self.more_recv = m.more();
            return Ok(m);
        }
        self.fetch(cx)
    }

    fn has_in(&mut self, cx: &mut Cx) -> bool {
        if self.more_recv || self.prefetched.is_some() {
            return true;
        }
        match self.fetch(cx) {
            Ok(m) => {
                // `fetch` already recorded MORE for the frame after this one;
                // undo that until the frame is really handed out.
                self.more_recv = false;
                self.prefetched = Some(m);
                true
            }
            Err(_) => false,
        }
    }

    fn has_out(&mut self, _cx: &mut Cx) -> bool {
        true
    }

    fn setsockopt(&mut self, _cx: &mut Cx, option: c_int, value: &[u8]) -> ZResult<()> {
        match option {
            draft::ZMQ_ONLY_FIRST_SUBSCRIBE => {
                self.only_first_subscribe = flag_arg(value)?;
                Ok(())
            }
            draft::ZMQ_XSUB_VERBOSE_UNSUBSCRIBE => {
                self.verbose_unsubs = flag_arg(value)?;
                Ok(())
            }
            _ => Err(EINVAL),
        }
    }

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

    fn frame(d: &[u8], more: bool) -> Msg {
        let mut m = Msg::from_slice(d);
        m.set_more(more);
        m
    }

    #[test]
    fn xsub_forwards_and_replays_subscriptions() {
        let opts = Options::new(ZMQ_XSUB);
        let mut pipes = Slab::new();
        let mut x = XSub::new();
        let (a, mut pa) = pipe(0);
        let ka = pipes.insert(a);
        let cx = &mut Cx { pipes: &mut pipes, options: &opts };
        x.attach(cx, ka);
        x.send(cx, frame(b"\x01ab", false)).unwrap();
        x.send(cx, frame(b"\x01ab", false)).unwrap();
        x.send(cx, frame(b"\x00ab", false)).unwrap();
        x.send(cx, frame(b"\x00zz", false)).unwrap();
        x.send(cx, frame(b"user", true)).unwrap();
        x.send(cx, frame(b"\x00ab", false)).unwrap();
        assert_eq!(frames(&mut pa), vec![b"\x01ab".to_vec(), b"\x01ab".to_vec(), b"user".to_vec(), b"\x00ab".to_vec()]);
        x.send(cx, frame(b"\x01q", false)).unwrap();
        x.send(cx, frame(b"\x01", false)).unwrap();
        let (b, mut pb) = pipe(0);
        let kb = cx.pipes.insert(b);
        x.attach(cx, kb);
        assert_eq!(frames(&mut pb), vec![b"\x01".to_vec(), b"\x01q".to_vec()]);
    }

    #[test]
    fn xsub_receives_everything_fairly() {
        let opts = Options::new(ZMQ_XSUB);
        let mut pipes = Slab::new();
        let mut x = XSub::new();
        let (a, mut pa) = pipe(0);
        let (b, mut pb) = pipe(0);
        let ka = pipes.insert(a);
        let kb = pipes.insert(b);
        let cx = &mut Cx { pipes: &mut pipes, options: &opts };
        x.attach(cx, ka);
        x.attach(cx, kb);
        for i in 0..2u8 {
            pa.write(frame(&[b'a', i], true)).unwrap();
            pa.write(frame(b"tail", false)).unwrap();
            pb.write(frame(&[b'b', i], false)).unwrap();
        }
        let mut got = Vec::new();
        assert!(x.has_in(cx));
        while let Ok(m) = x.recv(cx) {
            got.push(m.data().to_vec());
        }
        assert_eq!(got.len(), 6);
        // Multipart stays together; pipes alternate.
        assert_eq!(got[0], b"a\x00");
        assert_eq!(got[1], b"tail");
        assert_eq!(got[2], b"b\x00");
        assert!(!x.has_in(cx));
        x.read_activated(cx, kb);
        pb.write(frame(b"late", false)).unwrap();
        assert_eq!(x.recv(cx).unwrap().data(), b"late");
    }
}
