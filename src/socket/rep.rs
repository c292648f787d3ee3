//! REP: a ROUTER that serves one request at a time (RFC 28).
//!
//! Owns the REP state machine: receiving a request strips its envelope
//! (every frame up to and including the empty delimiter) and starts the
//! reply with it; the reply must be sent before the next request is read
//! (EFSM otherwise). Requests without a delimiter are dropped. Routing is
//! the ROUTER's.

use super::dealer::parse_flag;
use super::router::Router;
use super::{Cx, PipeKey, Routing};
use crate::constants::ZMQ_ROUTER_RAW;
use crate::error::{Errno, ZResult, EFSM};
use crate::msg::Msg;
use std::os::raw::c_int;

pub struct Rep {
    router: Router,
    /// A request was read; its reply is being sent.
    sending_reply: bool,
    /// The next frame received starts a request (with its envelope).
    request_begins: bool,
}

impl Default for Rep {
    fn default() -> Self {
        Rep::new()
    }
}

impl Rep {
    pub fn new() -> Rep {
        Rep { router: Router::new(), sending_reply: false, request_begins: true }
    }
}

impl Routing for Rep {
    fn attach(&mut self, cx: &mut Cx, key: PipeKey) {
        self.router.attach(cx, key);
    }
    fn attach_connected(&mut self, cx: &mut Cx, key: PipeKey) {
        self.router.attach_connected(cx, key);
    }
    fn detach(&mut self, cx: &mut Cx, key: PipeKey) {
        self.router.detach(cx, key);
    }
    fn read_activated(&mut self, cx: &mut Cx, key: PipeKey) {
        self.router.read_activated(cx, key);
    }
    fn write_activated(&mut self, cx: &mut Cx, key: PipeKey) {
        self.router.write_activated(cx, key);
    }
    fn peer_attached(&mut self, cx: &mut Cx, key: PipeKey) {
        self.router.peer_attached(cx, key);
    }

    fn send(&mut self, cx: &mut Cx, msg: Msg) -> Result<(), (Errno, Msg)> {
        if !self.sending_reply {
            return Err((EFSM, msg));
        }
        let more = msg.more();
        // The envelope already went out as the start of this message.
        self.router.send_frame(cx, msg, false)?;
        if !more {
            self.sending_reply = false;
        }
        Ok(())
    }

    fn recv(&mut self, cx: &mut Cx) -> ZResult<Msg> {
        if self.sending_reply {
            return Err(EFSM);
        }
        if self.request_begins {
            // Copy the envelope into the reply as it is read; a request
            // that ends before its delimiter is dropped with its envelope.
            loop {
                let m = self.router.recv_frame(cx)?;
                if m.more() {
                    let bottom = m.is_empty();
                    // Never fails: labels are not sent as "mandatory".
                    let _ = self.router.send_frame(cx, m, false);
                    if bottom {
                        break;
                    }
                } else {
                    self.router.rollback(cx);
                }
            }
            self.request_begins = false;
        }
        let m = self.router.recv_frame(cx)?;
        if !m.more() {
            self.sending_reply = true;
            self.request_begins = true;
        }
        Ok(m)
    }

    fn has_in(&mut self, cx: &mut Cx) -> bool {
        !self.sending_reply && self.router.has_in_frames(cx)
    }
    fn has_out(&mut self, _cx: &mut Cx) -> bool {
        // ROUTER (without MANDATORY, which REP does not apply) is always writable.
        self.sending_reply
    }

    fn setsockopt(&mut self, cx: &mut Cx, option: c_int, value: &[u8]) -> ZResult<()> {
        if option == ZMQ_ROUTER_RAW {
            // libzmq's REP is a ROUTER and takes it, making its connections
            // raw, which no REQ could talk to; we accept it and stay ZMTP.
            parse_flag(value)?;
            return Ok(());
        }
        self.router.setsockopt(cx, option, value)
    }
}

#[cfg(test)]
mod tests {
    use super::super::fq::testing::*;
    use super::*;
    use crate::constants::ZMQ_REP;
    use crate::error::EAGAIN;

    #[test]
    fn strips_envelope_and_replies_with_it() {
        let mut h = Harness::new(ZMQ_REP);
        let mut r = Rep::new();
        assert_eq!(send_all(&mut r, &mut h, &[b"x"]), Err(EFSM));
        assert_eq!(r.recv(&mut cx(&mut h)).unwrap_err(), EAGAIN);
        let (k1, mut p1) = h.pipe(0, Some(b""));
        let (k2, mut p2) = h.pipe(0, Some(b""));
        r.attach(&mut cx(&mut h), k1);
        r.attach(&mut cx(&mut h), k2);
        // Malformed (no delimiter): dropped.
        put(&mut p1, &[b"no", b"delimiter"]);
        put(&mut p2, &[b"hop1", b"hop2", b"", b"a", b"b"]);
        assert!(r.has_in(&mut cx(&mut h)));
        assert_eq!(recv_all(&mut r, &mut h), Ok(vec![b"a".to_vec(), b"b".to_vec()]));
        assert!(!r.has_in(&mut cx(&mut h)));
        assert!(r.has_out(&mut cx(&mut h)));
        assert_eq!(r.recv(&mut cx(&mut h)).unwrap_err(), EFSM);
        send_all(&mut r, &mut h, &[b"r1", b"r2"]).unwrap();
        assert_eq!(
            take(&mut p2),
            vec![b"hop1".to_vec(), b"hop2".to_vec(), b"".to_vec(), b"r1".to_vec(), b"r2".to_vec()]
        );
        assert!(take(&mut p1).is_empty());
        assert_eq!(send_all(&mut r, &mut h, &[b"x"]), Err(EFSM));
        put(&mut p1, &[b"", b"c"]);
        r.read_activated(&mut cx(&mut h), k1);
        assert_eq!(recv_all(&mut r, &mut h), Ok(vec![b"c".to_vec()]));
        send_all(&mut r, &mut h, &[b"d"]).unwrap();
        assert_eq!(take(&mut p1), vec![b"".to_vec(), b"d".to_vec()]);
    }
}
