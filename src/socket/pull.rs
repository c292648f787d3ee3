//! PULL: fair-queues messages from its peers; never sends (RFC 30).
//!
//! Owns only the routing of PULL; the fair queueing itself is `fq`.

use super::fq::Fq;
use super::{Cx, PipeKey, Routing};
use crate::error::{Errno, ZResult, ENOTSUP};
use crate::msg::Msg;

#[derive(Default)]
pub struct Pull {
    fq: Fq,
}

impl Pull {
    pub fn new() -> Pull {
        Pull::default()
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
        self.fq.recv(cx.pipes).map(|(m, _)| m)
    }
    fn has_in(&mut self, cx: &mut Cx) -> bool {
        self.fq.has_in(cx.pipes)
    }
    fn has_out(&mut self, _cx: &mut Cx) -> bool {
        false
    }
}
