//! CHANNEL: PAIR for single-part messages (libzmq's DRAFT type): one peer
//! at a time, EINVAL on ZMQ_SNDMORE, the peer's multipart messages dropped.

use super::pair::Pair;
use super::single::{read_single, refuse_more};
use super::{Cx, PipeKey, Routing};
use crate::error::{Errno, ZResult, EAGAIN};
use crate::msg::Msg;

#[derive(Default)]
pub struct Channel {
    pair: Pair,
    pipe: Option<PipeKey>,
}

impl Channel {
    pub fn new() -> Channel {
        Channel::default()
    }
}

impl Routing for Channel {
    fn attach(&mut self, cx: &mut Cx, key: PipeKey) {
        // PAIR's rule (a second peer is refused); remember the one kept.
        let had = self.pipe.is_some();
        self.pair.attach(cx, key);
        if !had {
            self.pipe = Some(key);
        }
    }
    fn detach(&mut self, cx: &mut Cx, key: PipeKey) {
        self.pair.detach(cx, key);
        if self.pipe == Some(key) {
            self.pipe = None;
        }
    }
    fn read_activated(&mut self, _cx: &mut Cx, _key: PipeKey) {}
    fn write_activated(&mut self, _cx: &mut Cx, _key: PipeKey) {}
    fn send(&mut self, cx: &mut Cx, msg: Msg) -> Result<(), (Errno, Msg)> {
        let msg = refuse_more(msg)?;
        self.pair.send(cx, msg)
    }
    fn recv(&mut self, cx: &mut Cx) -> ZResult<Msg> {
        let p = self.pipe.and_then(|k| cx.pipes.get_mut(k)).ok_or(EAGAIN)?;
        read_single(p).ok_or(EAGAIN)
    }
    fn has_in(&mut self, cx: &mut Cx) -> bool {
        self.pair.has_in(cx)
    }
    fn has_out(&mut self, cx: &mut Cx) -> bool {
        self.pair.has_out(cx)
    }
}
