//! SCATTER: PUSH for single-part messages (libzmq's DRAFT pipeline type):
//! load-balances over its GATHER peers, EINVAL on ZMQ_SNDMORE, never
//! receives.

use super::lb::Lb;
use super::single::refuse_more;
use super::{Cx, PipeKey, Routing};
use crate::error::{Errno, ZResult, ENOTSUP};
use crate::msg::Msg;

#[derive(Default)]
pub struct Scatter {
    lb: Lb,
}

impl Scatter {
    pub fn new() -> Scatter {
        Scatter::default()
    }
}

impl Routing for Scatter {
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
        let msg = refuse_more(msg)?;
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
