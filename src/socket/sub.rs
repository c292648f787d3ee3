//! SUB: an XSUB that filters what it receives by its subscriptions, is
//! subscribed through `ZMQ_SUBSCRIBE`/`ZMQ_UNSUBSCRIBE` (refcounted: each
//! subscribe needs its own unsubscribe) and cannot send (RFC 29).
//!
//! Owns: only those differences; everything else is `xsub.rs`.

use super::xsub::XSub;
use super::{Cx, PipeKey, Routing};
use crate::constants::*;
use crate::error::{Errno, ZResult, EINVAL, ENOTSUP};
use crate::msg::Msg;
use std::os::raw::c_int;

pub struct Sub {
    x: XSub,
}

impl Sub {
    pub fn new() -> Sub {
        Sub { x: XSub::with_filter(true) }
    }
}

impl Default for Sub {
    fn default() -> Self {
        Sub::new()
    }
}

impl Routing for Sub {
    fn attach(&mut self, cx: &mut Cx, key: PipeKey) {
        self.x.attach(cx, key)
    }
    fn detach(&mut self, cx: &mut Cx, key: PipeKey) {
        self.x.detach(cx, key)
    }
    fn hiccuped(&mut self, cx: &mut Cx, key: PipeKey) {
        self.x.hiccuped(cx, key)
    }
    fn read_activated(&mut self, cx: &mut Cx, key: PipeKey) {
        self.x.read_activated(cx, key)
    }
    fn write_activated(&mut self, cx: &mut Cx, key: PipeKey) {
        self.x.write_activated(cx, key)
    }
    fn send(&mut self, _cx: &mut Cx, msg: Msg) -> Result<(), (Errno, Msg)> {
        Err((ENOTSUP, msg))
    }
    fn recv(&mut self, cx: &mut Cx) -> ZResult<Msg> {
        self.x.recv(cx)
    }
    fn has_in(&mut self, cx: &mut Cx) -> bool {
        self.x.has_in(cx)
    }
    fn has_out(&mut self, _cx: &mut Cx) -> bool {
        false
    }
    fn setsockopt(&mut self, cx: &mut Cx, option: c_int, value: &[u8]) -> ZResult<()> {
        match option {
            ZMQ_SUBSCRIBE => self.x.set_subscription(cx, true, value),
            ZMQ_UNSUBSCRIBE => self.x.set_subscription(cx, false, value),
            _ => return Err(EINVAL),
        }
        Ok(())
    }
    fn getsockopt(&self, option: c_int, out: &mut [u8]) -> Option<ZResult<usize>> {
        self.x.getsockopt(option, out)
    }
}

#[cfg(test)]
mod tests {
    use super::super::dist::tests::{frames, pipe};
    use super::*;
    use crate::options::Options;
    use slab::Slab;

    #[test]
    fn sub_filters_and_refcounts() {
        let mut opts = Options::new(ZMQ_SUB);
        let mut pipes = Slab::new();
        let mut s = Sub::new();
        let (a, mut pa) = pipe(0);
        let ka = pipes.insert(a);
        {
            let cx = &mut Cx { pipes: &mut pipes, options: &opts };
            s.setsockopt(cx, ZMQ_SUBSCRIBE, b"ab").unwrap();
            s.attach(cx, ka);
            s.setsockopt(cx, ZMQ_SUBSCRIBE, b"ab").unwrap();
            s.setsockopt(cx, ZMQ_UNSUBSCRIBE, b"ab").unwrap();
            assert_eq!(frames(&mut pa), vec![b"\x01ab".to_vec(), b"\x01ab".to_vec()]);
            let mut m = Msg::from_slice(b"abc");
            m.set_more(true);
            pa.write(Msg::from_slice(b"xyz")).unwrap();
            pa.write(m).unwrap();
            pa.write(Msg::from_slice(b"zz")).unwrap();
            assert!(s.has_in(cx));
            assert_eq!(s.recv(cx).unwrap().data(), b"abc");
            assert_eq!(s.recv(cx).unwrap().data(), b"zz");
            assert!(s.recv(cx).is_err());
            assert!(matches!(s.send(cx, Msg::new()), Err((e, _)) if e == ENOTSUP));
            s.setsockopt(cx, ZMQ_UNSUBSCRIBE, b"ab").unwrap();
            assert_eq!(frames(&mut pa), vec![b"\x00ab".to_vec()]);
        }
        // Inverted: everything but "ab".
        opts.invert_matching = true;
        let cx = &mut Cx { pipes: &mut pipes, options: &opts };
        s.setsockopt(cx, ZMQ_SUBSCRIBE, b"ab").unwrap();
        s.read_activated(cx, ka);
        pa.write(Msg::from_slice(b"abc")).unwrap();
        pa.write(Msg::from_slice(b"x")).unwrap();
        assert_eq!(s.recv(cx).unwrap().data(), b"x");
        assert!(s.recv(cx).is_err());
    }
}
