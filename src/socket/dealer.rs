//! DEALER: load-balances outgoing messages and fair-queues incoming ones,
//! without touching their frames (RFC 28).
//!
//! Owns the DEALER routing and `ZMQ_PROBE_ROUTER`; REQ is built on top of
//! it. Also home of the small helpers the request-reply family shares.

use super::fq::Fq;
use super::lb::Lb;
use super::{Cx, PipeKey, Routing};
use crate::constants::ZMQ_PROBE_ROUTER;
use crate::error::{Errno, ZResult, EINVAL};
use crate::msg::Msg;
use crate::pipe::PipeEnd;
use slab::Slab;
use std::os::raw::c_int;

/// Parses an on/off socket option as libzmq does for the request-reply
/// family: exactly `sizeof(int)` bytes holding a value >= 0 (non-zero = on).
pub(crate) fn parse_flag(value: &[u8]) -> ZResult<bool> {
    let b: [u8; 4] = value.try_into().map_err(|_| EINVAL)?;
    let v = c_int::from_ne_bytes(b);
    if v < 0 {
        return Err(EINVAL);
    }
    Ok(v != 0)
}

/// Sends the empty probe message of `ZMQ_PROBE_ROUTER` to a new pipe.
pub(crate) fn send_probe(pipes: &mut Slab<PipeEnd>, key: PipeKey) {
    if let Some(p) = pipes.get_mut(key) {
        // A full or closed pipe simply misses the probe, as in libzmq.
        let _ = p.write(Msg::new());
    }
}

/// A random 32-bit starting value (routing-id and request-id counters).
pub(crate) fn random_u32() -> u32 {
    let mut b = [0u8; 4];
    if getrandom::fill(&mut b).is_err() {
        // No OS randomness: fall back on the hasher's per-process keys.
        use std::hash::{BuildHasher, Hasher};
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u8(0);
        return h.finish() as u32;
    }
    u32::from_ne_bytes(b)
}

#[derive(Default)]
pub struct Dealer {
    pub(crate) fq: Fq,
    pub(crate) lb: Lb,
    probe_router: bool,
}

impl Dealer {
    pub fn new() -> Dealer {
        Dealer::default()
    }

    /// Receives one frame with the pipe it came from.
    pub(crate) fn recv_pipe(&mut self, cx: &mut Cx) -> ZResult<(Msg, PipeKey)> {
        self.fq.recv(cx.pipes)
    }

    /// Sends one frame, returning the pipe that took it (None: dropped).
    pub(crate) fn send_pipe(&mut self, cx: &mut Cx, msg: Msg) -> Result<Option<PipeKey>, (Errno, Msg)> {
        self.lb.send(cx.pipes, msg)
    }
}

impl Routing for Dealer {
    fn attach(&mut self, cx: &mut Cx, key: PipeKey) {
        if self.probe_router {
            send_probe(cx.pipes, key);
        }
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
        self.lb.send(cx.pipes, msg).map(|_| ())
    }
    fn send_from(&mut self, cx: &mut Cx, msg: &mut Msg) -> ZResult<()> {
        self.lb.send_from(cx.pipes, msg).map(|_| ())
    }
    fn recv(&mut self, cx: &mut Cx) -> ZResult<Msg> {
        self.fq.recv(cx.pipes).map(|(m, _)| m)
    }
    fn recv_into(&mut self, cx: &mut Cx, out: &mut Msg) -> ZResult<()> {
        self.fq.recv_into(cx.pipes, out).map(|_| ())
    }
    fn has_in(&mut self, cx: &mut Cx) -> bool {
        self.fq.has_in(cx.pipes)
    }
    fn has_out(&mut self, cx: &mut Cx) -> bool {
        self.lb.has_out(cx.pipes)
    }
    fn setsockopt(&mut self, _cx: &mut Cx, option: c_int, value: &[u8]) -> ZResult<()> {
        match option {
            ZMQ_PROBE_ROUTER => {
                self.probe_router = parse_flag(value)?;
                Ok(())
            }
            _ => Err(EINVAL),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::fq::testing::*;
    use super::*;
    use crate::constants::ZMQ_DEALER;

    #[test]
    fn probe_and_passthrough() {
        let mut h = Harness::new(ZMQ_DEALER);
        let mut d = Dealer::new();
        let mut cx = Cx { pipes: &mut h.pipes, options: &h.options };
        assert_eq!(d.setsockopt(&mut cx, ZMQ_PROBE_ROUTER, &[0u8; 2]), Err(EINVAL));
        d.setsockopt(&mut cx, ZMQ_PROBE_ROUTER, &1i32.to_ne_bytes()).unwrap();
        let (k1, mut p1) = h.pipe(0, None);
        let mut cx = Cx { pipes: &mut h.pipes, options: &h.options };
        d.attach(&mut cx, k1);
        assert_eq!(take(&mut p1), vec![Vec::<u8>::new()]);
        d.send(&mut cx, frame(b"a", true)).unwrap();
        d.send(&mut cx, frame(b"b", false)).unwrap();
        assert_eq!(take(&mut p1), vec![b"a".to_vec(), b"b".to_vec()]);
        put(&mut p1, &[b"c"]);
        assert!(d.has_in(&mut cx));
        assert_eq!(d.recv(&mut cx).unwrap().data(), b"c");
    }
}
