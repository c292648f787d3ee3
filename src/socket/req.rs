//! REQ: a DEALER that enforces request/reply alternation (RFC 28).
//!
//! Owns the REQ state machine: each request is preceded by an empty
//! delimiter frame (and, with `ZMQ_REQ_CORRELATE`, by a 4-byte request id);
//! replies must come from the pipe the request went to and carry that
//! envelope, anything else is dropped. `ZMQ_REQ_RELAXED` lets a new request
//! abandon the previous one. Pipe selection is the DEALER's (`lb`/`fq`).

use super::dealer::{parse_flag, random_u32, Dealer};
use super::{Cx, PipeKey, Routing};
use crate::constants::{ZMQ_REQ_CORRELATE, ZMQ_REQ_RELAXED};
use crate::error::{Errno, ZResult, EFSM};
use crate::msg::Msg;
use std::os::raw::c_int;

pub struct Req {
    dealer: Dealer,
    /// A request was sent; its reply is expected.
    receiving_reply: bool,
    /// The next frame sent/received starts a message.
    message_begins: bool,
    /// The pipe the last request went to (None: any pipe, as libzmq once
    /// that pipe is gone).
    reply_pipe: Option<PipeKey>,
    correlate: bool,
    strict: bool,
    request_id: u32,
}

impl Default for Req {
    fn default() -> Self {
        Req::new()
    }
}

impl Req {
    pub fn new() -> Req {
        Req {
            dealer: Dealer::new(),
            receiving_reply: false,
            message_begins: true,
            reply_pipe: None,
            correlate: false,
            strict: true,
            request_id: random_u32(),
        }
    }

    /// Next frame from the pipe the request went to; frames from other
    /// pipes are dropped.
    fn recv_reply_pipe(&mut self, cx: &mut Cx) -> ZResult<Msg> {
        loop {
            let (m, key) = self.dealer.recv_pipe(cx)?;
            if self.reply_pipe.is_none_or(|k| k == key) {
                return Ok(m);
            }
        }
    }

    /// Drops the rest of a message whose frame `m` was just read.
    fn skip_rest(&mut self, cx: &mut Cx, mut m: Msg) {
        while m.more() {
            match self.dealer.recv_pipe(cx) {
                Ok((next, _)) => m = next,
                Err(_) => return,
            }
        }
    }

    /// Sends one envelope frame, remembering the pipe that took it.
    fn send_label(&mut self, cx: &mut Cx, data: &[u8]) -> Result<(), Errno> {
        let mut m = Msg::from_slice(data);
        m.set_more(true);
        match self.dealer.send_pipe(cx, m) {
            Ok(k) => {
                if k.is_some() {
                    self.reply_pipe = k;
                }
                Ok(())
            }
            Err((e, _)) => Err(e),
        }
    }
}

impl Routing for Req {
    fn attach(&mut self, cx: &mut Cx, key: PipeKey) {
        self.dealer.attach(cx, key);
    }
    fn detach(&mut self, cx: &mut Cx, key: PipeKey) {
        if self.reply_pipe == Some(key) {
            self.reply_pipe = None;
        }
        self.dealer.detach(cx, key);
    }
    fn read_activated(&mut self, cx: &mut Cx, key: PipeKey) {
        self.dealer.read_activated(cx, key);
    }
    fn write_activated(&mut self, cx: &mut Cx, key: PipeKey) {
        self.dealer.write_activated(cx, key);
    }

    fn send(&mut self, cx: &mut Cx, msg: Msg) -> Result<(), (Errno, Msg)> {
        if self.receiving_reply {
            if self.strict {
                return Err((EFSM, msg));
            }
            // Relaxed: abandon the previous request.
            self.receiving_reply = false;
            self.message_begins = true;
        }
        if self.message_begins {
            self.reply_pipe = None;
            if self.correlate {
                self.request_id = self.request_id.wrapping_add(1);
                let id = self.request_id.to_ne_bytes();
                if let Err(e) = self.send_label(cx, &id) {
                    return Err((e, msg));
                }
            }
            if let Err(e) = self.send_label(cx, &[]) {
                return Err((e, msg));
            }
            self.message_begins = false;
            // Drop every reply already waiting, so that a stale reply
            // (from an earlier request) cannot answer this one.
            while self.dealer.recv_pipe(cx).is_ok() {}
        }
        let more = msg.more();
        self.dealer.send_pipe(cx, msg)?;
        if !more {
            self.receiving_reply = true;
            self.message_begins = true;
        }
        Ok(())
    }

    fn recv(&mut self, cx: &mut Cx) -> ZResult<Msg> {
        if !self.receiving_reply {
            return Err(EFSM);
        }
        while self.message_begins {
            if self.correlate {
                let m = self.recv_reply_pipe(cx)?;
                let ok = m.more() && m.data() == self.request_id.to_ne_bytes();
                if !ok {
                    self.skip_rest(cx, m);
                    continue;
                }
            }
            let m = self.recv_reply_pipe(cx)?;
            if !m.more() || !m.is_empty() {
                self.skip_rest(cx, m);
                continue;
            }
            self.message_begins = false;
        }
        let m = self.recv_reply_pipe(cx)?;
        if !m.more() {
            self.receiving_reply = false;
            self.message_begins = true;
        }
        Ok(m)
    }

    fn has_in(&mut self, cx: &mut Cx) -> bool {
        self.receiving_reply && self.dealer.has_in(cx)
    }
    fn has_out(&mut self, cx: &mut Cx) -> bool {
        if self.receiving_reply && self.strict {
            return false;
        }
        self.dealer.has_out(cx)
    }

    fn setsockopt(&mut self, cx: &mut Cx, option: c_int, value: &[u8]) -> ZResult<()> {
        match option {
            ZMQ_REQ_CORRELATE => {
                self.correlate = parse_flag(value)?;
                Ok(())
            }
            ZMQ_REQ_RELAXED => {
                self.strict = !parse_flag(value)?;
                Ok(())
            }
            _ => self.dealer.setsockopt(cx, option, value),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::fq::testing::*;
    use super::*;
    use crate::constants::ZMQ_REQ;
    use crate::error::EAGAIN;

    fn setopt(r: &mut Req, h: &mut Harness, o: c_int, v: i32) {
        r.setsockopt(&mut cx(h), o, &v.to_ne_bytes()).unwrap();
    }

    #[test]
    fn envelope_and_alternation() {
        let mut h = Harness::new(ZMQ_REQ);
        let mut r = Req::new();
        assert_eq!(r.recv(&mut cx(&mut h)).unwrap_err(), EFSM);
        assert_eq!(send_all(&mut r, &mut h, &[b"q"]), Err(EAGAIN));
        let (k1, mut p1) = h.pipe(0, None);
        r.attach(&mut cx(&mut h), k1);
        send_all(&mut r, &mut h, &[b"q1", b"q2"]).unwrap();
        assert_eq!(take(&mut p1), vec![b"".to_vec(), b"q1".to_vec(), b"q2".to_vec()]);
        assert_eq!(send_all(&mut r, &mut h, &[b"again"]), Err(EFSM));
        assert!(!r.has_out(&mut cx(&mut h)));
        assert_eq!(recv_all(&mut r, &mut h), Err(EAGAIN));
        // Without delimiter: dropped.
        put(&mut p1, &[b"bad"]);
        put(&mut p1, &[b"x", b"bad"]);
        put(&mut p1, &[b"", b"r1", b"r2"]);
        // (The base would deliver this activation from the pipe's wake-up.)
        r.read_activated(&mut cx(&mut h), k1);
        assert_eq!(recv_all(&mut r, &mut h), Ok(vec![b"r1".to_vec(), b"r2".to_vec()]));
        assert_eq!(r.recv(&mut cx(&mut h)).unwrap_err(), EFSM);
        assert!(r.has_out(&mut cx(&mut h)));
    }

    #[test]
    fn reply_only_from_the_request_pipe() {
        let mut h = Harness::new(ZMQ_REQ);
        let mut r = Req::new();
        let (k1, mut p1) = h.pipe(0, None);
        let (k2, p2) = h.pipe(0, None);
        r.attach(&mut cx(&mut h), k1);
        r.attach(&mut cx(&mut h), k2);
        send_all(&mut r, &mut h, &[b"q"]).unwrap();
        let (mut asked, mut other) = if !take(&mut p1).is_empty() { (p1, p2) } else { (p2, p1) };
        put(&mut other, &[b"", b"wrong"]);
        put(&mut asked, &[b"", b"right"]);
        r.read_activated(&mut cx(&mut h), k1);
        r.read_activated(&mut cx(&mut h), k2);
        assert_eq!(recv_all(&mut r, &mut h), Ok(vec![b"right".to_vec()]));
        // The next request goes to the other pipe (round robin).
        send_all(&mut r, &mut h, &[b"q2"]).unwrap();
        assert_eq!(take(&mut other), vec![b"".to_vec(), b"q2".to_vec()]);
    }

    #[test]
    fn correlate_and_relaxed() {
        let mut h = Harness::new(ZMQ_REQ);
        let mut r = Req::new();
        setopt(&mut r, &mut h, ZMQ_REQ_CORRELATE, 1);
        setopt(&mut r, &mut h, ZMQ_REQ_RELAXED, 1);
        let (k1, mut p1) = h.pipe(0, None);
        r.attach(&mut cx(&mut h), k1);
        send_all(&mut r, &mut h, &[b"first"]).unwrap();
        let req1 = take(&mut p1);
        assert_eq!(req1.len(), 3);
        assert_eq!((req1[0].len(), req1[1].len()), (4, 0));
        // Relaxed: a second request without reading the reply.
        send_all(&mut r, &mut h, &[b"second"]).unwrap();
        let req2 = take(&mut p1);
        assert_ne!(req1[0], req2[0]);
        // A late reply to the first request is discarded.
        put(&mut p1, &[&req1[0], b"", b"late"]);
        put(&mut p1, &[&req2[0], b"", b"answer"]);
        r.read_activated(&mut cx(&mut h), k1);
        assert_eq!(recv_all(&mut r, &mut h), Ok(vec![b"answer".to_vec()]));
        assert_eq!(r.setsockopt(&mut cx(&mut h), ZMQ_REQ_RELAXED, &(-1i32).to_ne_bytes()), Err(crate::error::EINVAL));
        assert_eq!(r.setsockopt(&mut cx(&mut h), ZMQ_REQ_CORRELATE, &[1u8; 8]), Err(crate::error::EINVAL));
        setopt(&mut r, &mut h, crate::constants::ZMQ_PROBE_ROUTER, 1);
    }
}
