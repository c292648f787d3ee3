//! DGRAM: raw datagrams over udp:// (libzmq's DRAFT type). A message is
//! two frames, the peer's `ip:port` (with MORE) then the body, both ways;
//! sending anything else is EINVAL. One pipe, the udp endpoint's.
//!
//! Owns only that framing rule; `session::udp` does the datagrams.

use super::{Cx, PipeKey, Routing};
use crate::error::{Errno, ZResult, EAGAIN, EINVAL};
use crate::msg::Msg;
use crate::pipe::Read;

#[derive(Default)]
pub struct Dgram {
    pipe: Option<PipeKey>,
    /// The address frame went out; the body must follow.
    more_out: bool,
}

impl Dgram {
    pub fn new() -> Dgram {
        Dgram::default()
    }
}

impl Routing for Dgram {
    fn attach(&mut self, cx: &mut Cx, key: PipeKey) {
        if self.pipe.is_none() {
            self.pipe = Some(key);
        } else if let Some(p) = cx.pipes.get_mut(key) {
            p.terminate();
        }
    }
    fn detach(&mut self, _cx: &mut Cx, key: PipeKey) {
        if self.pipe == Some(key) {
            self.pipe = None;
            self.more_out = false;
        }
    }
    fn read_activated(&mut self, _cx: &mut Cx, _key: PipeKey) {}
    fn write_activated(&mut self, _cx: &mut Cx, _key: PipeKey) {}
    fn send(&mut self, cx: &mut Cx, msg: Msg) -> Result<(), (Errno, Msg)> {
        // As libzmq: address (MORE), then a body without MORE.
        if msg.more() == self.more_out {
            return Err((EINVAL, msg));
        }
        let Some(p) = self.pipe.and_then(|k| cx.pipes.get_mut(k)) else {
            // No endpoint: dropped, as libzmq does.
            self.more_out = msg.more();
            return Ok(());
        };
        let more = msg.more();
        p.write(msg).map_err(|m| (EAGAIN, m))?;
        self.more_out = more;
        Ok(())
    }
    fn recv(&mut self, cx: &mut Cx) -> ZResult<Msg> {
        let p = self.pipe.and_then(|k| cx.pipes.get_mut(k)).ok_or(EAGAIN)?;
        match p.read() {
            Read::Msg(m) => Ok(m),
            _ => Err(EAGAIN),
        }
    }
    fn has_in(&mut self, cx: &mut Cx) -> bool {
        self.pipe.and_then(|k| cx.pipes.get_mut(k)).is_some_and(|p| p.check_read())
    }
    fn has_out(&mut self, cx: &mut Cx) -> bool {
        self.pipe.and_then(|k| cx.pipes.get_mut(k)).is_some_and(|p| p.check_write())
    }
}
