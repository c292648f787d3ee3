//! GATHER: PULL for single-part messages (libzmq's DRAFT pipeline type):
//! fair-queues from its SCATTER peers, drops their multipart messages,
//! never sends.

use super::fq::Fq;
use super::single::recv_single;
use super::{Cx, PipeKey, Routing};
use crate::error::{Errno, ZResult, ENOTSUP};
use crate::msg::Msg;

#[derive(Default)]
pub struct Gather {
    fq: Fq,
}

impl Gather {
    pub fn new() -> Gather {
        Gather::default()
    }
}

impl Routing for Gather {
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
        let mut m = Msg::new();
        self.recv_into(cx, &mut m)?;
        Ok(m)
    }
    fn recv_into(&mut self, cx: &mut Cx, out: &mut Msg) -> ZResult<()> {
        recv_single(&mut self.fq, cx.pipes, out).map(|_| ())
    }
    fn has_in(&mut self, cx: &mut Cx) -> bool {
        self.fq.has_in(cx.pipes)
    }
    fn has_out(&mut self, _cx: &mut Cx) -> bool {
        false
    }
}
