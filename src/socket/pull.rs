//! PULL: fair-queues messages from its peers; never sends (RFC 30). With
//! `single_part` it is GATHER (libzmq's DRAFT type, see `gather`), which
//! drops its peers' multipart messages.
//!
//! Owns only the routing of PULL; the fair queueing itself is `fq`.

use super::fq::Fq;
use super::single::recv_single;
use super::{Cx, PipeKey, Routing};
use crate::error::{Errno, ZResult, ENOTSUP};
use crate::msg::Msg;

#[derive(Default)]
pub struct Pull {
    fq: Fq,
    /// GATHER: single-part messages only.
    single: bool,
}

impl Pull {
    pub fn new() -> Pull {
        Pull::default()
    }

    /// GATHER's routing: PULL's, skipping multipart messages.
    pub fn single_part() -> Pull {
        Pull { single: true, ..Pull::default() }
    }
}

impl Routing for Pull {
    fn attach(&mut self, _cx: &mut Cx, key: PipeKey) {
        self.fq.attach(key);
    }
    fn detach(&mut self, _cx: &mut Cx, key: PipeKey) {
        self.fq.detach(key);
    }
    fn read_activated(&mut self, _cx: &mut Cx, key: PipeKey) {
        self.fq.activated(key);
    }
    fn write_activated(&mut self, _cx: &mut Cx, _key: PipeKey) {}
    fn send(&mut self, _cx: &mut Cx, msg: Msg) -> Result<(), (Errno, Msg)> {
        Err((ENOTSUP, msg))
    }
    fn recv(&mut self, cx: &mut Cx) -> ZResult<Msg> {
        if self.single {
            let mut m = Msg::new();
            return recv_single(&mut self.fq, cx.pipes, &mut m).map(|_| m);
        }
        self.fq.recv(cx.pipes).map(|(m, _)| m)
    }
    fn recv_into(&mut self, cx: &mut Cx, out: &mut Msg) -> ZResult<()> {
        if self.single {
            return recv_single(&mut self.fq, cx.pipes, out).map(|_| ());
        }
        self.fq.recv_into(cx.pipes, out).map(|_| ())
    }
    fn has_in(&mut self, cx: &mut Cx) -> bool {
        self.fq.has_in(cx.pipes)
    }
    fn has_out(&mut self, _cx: &mut Cx) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::super::fq::testing::*;
    use super::*;
    use crate::constants::ZMQ_PULL;

    #[test]
    fn fair_queues_and_never_sends() {
        let mut h = Harness::new(ZMQ_PULL);
        let mut p = Pull::new();
        let (k1, mut p1) = h.pipe(0, None);
        let (k2, mut p2) = h.pipe(0, None);
        let mut cx = Cx { pipes: &mut h.pipes, options: &h.options };
        p.attach(&mut cx, k1);
        p.attach(&mut cx, k2);
        assert_eq!(p.send(&mut cx, frame(b"x", false)).unwrap_err().0, ENOTSUP);
        put(&mut p1, &[b"1"]);
        put(&mut p1, &[b"1"]);
        put(&mut p2, &[b"2"]);
        put(&mut p2, &[b"2"]);
        let got: Vec<u8> = (0..4).map(|_| p.recv(&mut cx).unwrap().data()[0]).collect();
        assert!(got[0] != got[1] && got[2] != got[3]);
        assert!(!p.has_in(&mut cx) && !p.has_out(&mut cx));
    }
}
