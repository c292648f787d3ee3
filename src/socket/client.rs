//! CLIENT: load-balances single-part messages over its peers and
//! fair-queues theirs (RFC 41); multipart messages from a peer are dropped.
//!
//! Owns only CLIENT's routing; the queues are `lb` and `fq`.

use super::fq::Fq;
use super::lb::Lb;
use super::single::{recv_single, refuse_more};
use super::{Cx, PipeKey, Routing};
use crate::error::{Errno, ZResult};
use crate::msg::Msg;

#[derive(Default)]
pub struct Client {
    fq: Fq,
    lb: Lb,
}

impl Client {
    pub fn new() -> Client {
        Client::default()
    }
}

impl Routing for Client {
    fn attach(&mut self, _cx: &mut Cx, key: PipeKey) {
        self.fq.attach(key);
        self.lb.attach(key);
    }
    fn detach(&mut self, _cx: &mut Cx, key: PipeKey) {
        self.fq.detach(key);
        self.lb.detach(key);
    }
    fn read_activated(&mut self, _cx: &mut Cx, key: PipeKey) {
        self.fq.activated(key);
    }
    fn write_activated(&mut self, _cx: &mut Cx, key: PipeKey) {
        self.lb.activated(key);
    }
    fn send(&mut self, cx: &mut Cx, msg: Msg) -> Result<(), (Errno, Msg)> {
        let mut msg = refuse_more(msg)?;
        msg.set_routing_id(0);
        self.lb.send(cx.pipes, msg).map(|_| ())
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
    fn has_out(&mut self, cx: &mut Cx) -> bool {
        self.lb.has_out(cx.pipes)
    }
}
