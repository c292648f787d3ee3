//! PUSH: load-balances messages over its peers; never receives (RFC 30).
//! With `single_part` it is SCATTER (libzmq's DRAFT type, see `scatter`):
//! EINVAL on ZMQ_SNDMORE.
//!
//! Owns only the routing of PUSH; the load balancing itself is `lb`.

use super::lb::Lb;
use super::single::refuse_more;
use super::{Cx, PipeKey, Routing};
use crate::error::{Errno, ZResult, EINVAL, ENOTSUP};
use crate::msg::Msg;

#[derive(Default)]
pub struct Push {
    lb: Lb,
    /// SCATTER: single-part messages only.
    single: bool,
}

impl Push {
    pub fn new() -> Push {
        Push::default()
    }

    /// SCATTER's routing: PUSH's, refusing ZMQ_SNDMORE.
    pub fn single_part() -> Push {
        Push { single: true, ..Push::default() }
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
        let msg = if self.single { refuse_more(msg)? } else { msg };
        self.lb.send(cx.pipes, msg).map(|_| ())
    }
    fn send_from(&mut self, cx: &mut Cx, msg: &mut Msg) -> ZResult<()> {
        if self.single && msg.more() {
            return Err(EINVAL);
        }
        self.lb.send_from(cx.pipes, msg).map(|_| ())
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

#[cfg(test)]
mod tests {
    use super::super::fq::testing::*;
    use super::*;
    use crate::constants::ZMQ_PUSH;
    use crate::error::EAGAIN;

    #[test]
    fn balances_and_never_receives() {
        let mut h = Harness::new(ZMQ_PUSH);
        let mut p = Push::new();
        let mut cx = Cx { pipes: &mut h.pipes, options: &h.options };
        assert_eq!(p.recv(&mut cx).unwrap_err(), ENOTSUP);
        assert_eq!(p.send(&mut cx, frame(b"x", false)).unwrap_err().0, EAGAIN);
        let (k1, mut p1) = h.pipe(0, None);
        let (k2, mut p2) = h.pipe(0, None);
        let mut cx = Cx { pipes: &mut h.pipes, options: &h.options };
        p.attach(&mut cx, k1);
        p.attach(&mut cx, k2);
        for d in [b"a", b"b", b"c", b"d"] {
            p.send(&mut cx, frame(d, false)).unwrap();
        }
        assert_eq!(take(&mut p1).len() + take(&mut p1).len(), 2);
        assert_eq!(take(&mut p2).len() + take(&mut p2).len(), 2);
        assert!(p.has_out(&mut cx) && !p.has_in(&mut cx));
    }
}
