//! PAIR: one peer at a time; further peers are refused (RFC 31).

use super::{Cx, PipeKey, Routing};
use crate::error::{Errno, ZResult, EAGAIN};
use crate::msg::Msg;
use crate::pipe::Read;

pub struct Pair {
    pipe: Option<PipeKey>,
}

impl Pair {
    pub fn new() -> Pair {
        Pair { pipe: None }
    }
}

impl Default for Pair {
    fn default() -> Self {
        Pair::new()
    }
}

impl Routing for Pair {
    fn attach(&mut self, cx: &mut Cx, key: PipeKey) {
        if self.pipe.is_none() {
            self.pipe = Some(key);
        } else if let Some(p) = cx.pipes.get_mut(key) {
            // A second peer: refuse it by closing its pipe.
            p.terminate();
        }
    }
    fn detach(&mut self, _cx: &mut Cx, key: PipeKey) {
        if self.pipe == Some(key) {
            self.pipe = None;
        }
    }
    fn read_activated(&mut self, _cx: &mut Cx, _key: PipeKey) {}
    fn write_activated(&mut self, _cx: &mut Cx, _key: PipeKey) {}
    fn send(&mut self, cx: &mut Cx, msg: Msg) -> Result<(), (Errno, Msg)> {
        let Some(p) = self.pipe.and_then(|k| cx.pipes.get_mut(k)) else {
            return Err((EAGAIN, msg));
        };
        p.write(msg).map_err(|m| (EAGAIN, m))
    }
    fn recv(&mut self, cx: &mut Cx) -> ZResult<Msg> {
        let Some(p) = self.pipe.and_then(|k| cx.pipes.get_mut(k)) else {
            return Err(EAGAIN);
        };
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
