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
