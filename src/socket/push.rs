//! PUSH: load-balances messages over its peers; never receives (RFC 30).
//!
//! Owns only the routing of PUSH; the load balancing itself is `lb`.

use super::lb::Lb;
use super::{Cx, PipeKey, Routing};
use crate::error::{Errno, ZResult, ENOTSUP};
use crate::msg::Msg;

#[derive(Default)]
pub struct Push {
    lb: Lb,
}

impl Push {
    pub fn new() -> Push {
        Push::default()
    }
}

impl Routing for Push {
    fn attach(&mut self, _cx: &mut Cx, key: PipeKey) {
        self.lb.attach(key);
    }
    fn detach(&mut self, _cx: &mut Cx, key: PipeKey) {
        self.lb.detach(key);
    }
    fn read_activated(&mut self, _cx: &mut Cx, _key: PipeKey) {}
    fn write_activated(&mut self, _cx: &mut Cx, key: PipeKey) {
        self.lb.activated(key);
    }
    fn send(&mut self, cx: &mut Cx, msg: Msg) -> Result<(), (Errno, Msg)> {
        self.lb.send(cx.pipes, msg).map(|_| ())
    }
    fn recv(&mut self, _cx: &mut Cx) -> ZResult<Msg> {
        Err(ENOTSUP)
    }
    fn has_in(&mut self, _cx: &mut Cx) -> bool {
        false
    }
    fn has_out(&mut self, cx: &mut Cx) -> bool {
        self.lb.has_out(cx.pipes)
    }
}
