//! Fair queueing: receives from a set of pipes in turn, one whole message
//! at a time.
//!
//! Owns: the list of inbound pipes of a socket type, which of them may have
//! something to read, and whose turn it is. Once the first frame of a
//! multipart message came from a pipe, the following frames come from the
//! same pipe. Must not: write to pipes, terminate them or interpret frames.
//!
//! Usable by any socket type (PULL, DEALER, ROUTER, REQ, SUB, ...): the
//! owner forwards its `attach`/`detach`/`read_activated` callbacks here and
//! calls [`Fq::recv`] / [`Fq::has_in`] with its pipe table.
//!
//! Pipes found empty are parked as inactive (the pipe marks its reader
//! asleep, so a `read_activated` callback follows when data arrives);
//! activating is idempotent because the base may report a pipe readable
//! more than once (peer attached, peer closed).

use super::rotation::Rotation;
use super::PipeKey;
use crate::error::{ZResult, EAGAIN};
use crate::msg::Msg;
use crate::pipe::{PipeEnd, ReadStatus};
use slab::Slab;

#[derive(Default)]
pub struct Fq {
    /// Active pipes may be readable; parked ones were found empty.
    ring: Rotation,
    /// The pipe a multipart message is being read from, until its last frame.
    reading: Option<PipeKey>,
}

impl Fq {
    pub fn new() -> Fq {
        Fq::default()
    }

    /// Adds a pipe (as active: it may already hold messages).
    pub fn attach(&mut self, key: PipeKey) {
        self.ring.attach(key);
    }

    /// Forgets a pipe. Returns true when a multipart message from it was
    /// being read (its remaining frames are lost).
    pub fn detach(&mut self, key: PipeKey) -> bool {
        self.ring.detach(key);
        let was_reading = self.reading == Some(key);
        if was_reading {
            self.reading = None;
        }
        was_reading
    }

    /// The pipe may have messages again.
    pub fn activated(&mut self, key: PipeKey) {
        self.ring.activate(key);
    }

    /// True when `key` is one of this queue's pipes.
    pub fn contains(&self, key: PipeKey) -> bool {
        self.ring.contains(key)
    }

    /// True while the frames of a multipart message remain to be read.
    pub fn in_message(&self) -> bool {
        self.reading.is_some()
    }

    /// Reads the next frame, returning it with the pipe it came from.
    pub fn recv(&mut self, pipes: &mut Slab<PipeEnd>) -> ZResult<(Msg, PipeKey)> {
        let mut m = Msg::new();
        let key = self.recv_into(pipes, &mut m)?;
        Ok((m, key))
    }

    /// `recv`, moving the frame straight into `out` (the receive fast path).
    pub fn recv_into(&mut self, pipes: &mut Slab<PipeEnd>, out: &mut Msg) -> ZResult<PipeKey> {
        if let Some(key) = self.reading {
            match pipes.get_mut(key).map(|p| p.read_into(out)) {
                Some(ReadStatus::Msg) => {
                    if !out.more() {
                        self.reading = None;
                        self.ring.advance_past(key);
                    }
                    return Ok(key);
                }
                // Cannot happen with whole-message pipes unless the pipe
                // was torn down under us: forget the message.
                _ => self.reading = None,
            }
        }
        while let Some(key) = self.ring.current() {
            match pipes.get_mut(key).map(|p| p.read_into(out)) {
                Some(ReadStatus::Msg) => {
                    if out.more() {
                        self.reading = Some(key);
                    } else {
                        self.ring.advance();
                    }
                    return Ok(key);
                }
                _ => self.ring.park_current(),
            }
        }
        Err(EAGAIN)
    }

    /// True when a frame can be read now.
    pub fn has_in(&mut self, pipes: &mut Slab<PipeEnd>) -> bool {
        if self.reading.is_some() {
            return true;
        }
        while let Some(key) = self.ring.current() {
            if pipes.get_mut(key).is_some_and(|p| p.check_read()) {
                return true;
            }
            self.ring.park_current();
        }
        false
    }
}

/// Helpers for the routing modules' unit tests: pipes whose far end the
/// test plays by hand.
#[cfg(test)]
pub(crate) mod testing {
    use super::super::{Cx, Routing};
    use super::PipeKey;
    use crate::error::Errno;
    use crate::msg::Msg;
    use crate::options::Options;
    use crate::pipe::{EndConfig, PipeEnd, Read};
    use bytes::Bytes;
    use slab::Slab;

    pub struct Harness {
        pub pipes: Slab<PipeEnd>,
        pub options: Options,
    }

    impl Harness {
        pub fn new(socket_type: std::os::raw::c_int) -> Harness {
            Harness { pipes: Slab::new(), options: Options::new(socket_type) }
        }
        /// A pipe with `hwm` in both directions (0: unlimited); the peer
        /// declares `peer_id` (None: peer not attached yet).
        pub fn pipe(&mut self, hwm: u64, peer_id: Option<&[u8]>) -> (PipeKey, PipeEnd) {
            let ours = EndConfig { mailbox: None, routing_id: Some(Bytes::new()) };
            let theirs = EndConfig { mailbox: None, routing_id: peer_id.map(Bytes::copy_from_slice) };
            let (a, b) = PipeEnd::pair(ours, theirs, [hwm, hwm], [false, false]);
            (self.pipes.insert(a), b)
        }
    }

    /// The routing context over the harness's pipes.
    pub fn cx(h: &mut Harness) -> Cx<'_> {
        Cx { pipes: &mut h.pipes, options: &h.options }
    }

    /// Sends a whole message through a routing module.
    pub fn send_all(r: &mut dyn Routing, h: &mut Harness, frames: &[&[u8]]) -> Result<(), Errno> {
        for (i, f) in frames.iter().enumerate() {
            r.send(&mut cx(h), frame(f, i + 1 < frames.len())).map_err(|(e, _)| e)?;
        }
        Ok(())
    }

    /// Receives one whole message from a routing module.
    pub fn recv_all(r: &mut dyn Routing, h: &mut Harness) -> Result<Vec<Vec<u8>>, Errno> {
        let mut v = Vec::new();
        loop {
            let m = r.recv(&mut cx(h))?;
            v.push(m.data().to_vec());
            if !m.more() {
                return Ok(v);
            }
        }
    }

    pub fn frame(data: &[u8], more: bool) -> Msg {
        let mut m = Msg::from_slice(data);
        m.set_more(more);
        m
    }

    /// Writes a whole message into a pipe end.
    pub fn put(p: &mut PipeEnd, frames: &[&[u8]]) {
        for (i, f) in frames.iter().enumerate() {
            assert!(p.write(frame(f, i + 1 < frames.len())).is_ok());
        }
    }

    /// Reads one whole message from a pipe end (empty when none).
    pub fn take(p: &mut PipeEnd) -> Vec<Vec<u8>> {
        let mut v = Vec::new();
        loop {
            match p.read() {
                Read::Msg(m) => {
                    v.push(m.data().to_vec());
                    if !m.more() {
                        return v;
                    }
                }
                _ => return v,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testing::*;
    use super::*;
    use crate::constants::ZMQ_PULL;

    fn recv_msg(fq: &mut Fq, h: &mut Harness) -> (Vec<Vec<u8>>, PipeKey) {
        let mut v = Vec::new();
        loop {
            let (m, k) = fq.recv(&mut h.pipes).unwrap();
            v.push(m.data().to_vec());
            if !m.more() {
                return (v, k);
            }
        }
    }

    #[test]
    fn round_robin_between_pipes() {
        let mut h = Harness::new(ZMQ_PULL);
        let mut fq = Fq::new();
        let (k1, mut p1) = h.pipe(0, None);
        let (k2, mut p2) = h.pipe(0, None);
        fq.attach(k1);
        fq.attach(k2);
        for i in 0..3u8 {
            put(&mut p1, &[&[1, i]]);
            put(&mut p2, &[&[2, i]]);
        }
        let mut got = Vec::new();
        for _ in 0..6 {
            got.push(recv_msg(&mut fq, &mut h).0[0].clone());
        }
        // Alternates between the two pipes.
        for w in got.windows(2) {
            assert_ne!(w[0][0], w[1][0]);
        }
        assert_eq!(fq.recv(&mut h.pipes).unwrap_err(), EAGAIN);
        assert!(!fq.has_in(&mut h.pipes));
    }

    #[test]
    fn multipart_comes_from_one_pipe() {
        let mut h = Harness::new(ZMQ_PULL);
        let mut fq = Fq::new();
        let (k1, mut p1) = h.pipe(0, None);
        let (k2, mut p2) = h.pipe(0, None);
        fq.attach(k1);
        fq.attach(k2);
        put(&mut p1, &[b"a1", b"a2", b"a3"]);
        put(&mut p2, &[b"b1", b"b2"]);
        put(&mut p1, &[b"a4"]);
        let (m, _) = recv_msg(&mut fq, &mut h);
        assert_eq!(m, vec![b"a1".to_vec(), b"a2".to_vec(), b"a3".to_vec()]);
        let (m, k) = recv_msg(&mut fq, &mut h);
        assert_eq!((m, k), (vec![b"b1".to_vec(), b"b2".to_vec()], k2));
        let (m, k) = recv_msg(&mut fq, &mut h);
        assert_eq!((m, k), (vec![b"a4".to_vec()], k1));
    }

    #[test]
    fn reactivation_and_detach() {
        let mut h = Harness::new(ZMQ_PULL);
        let mut fq = Fq::new();
        let (k1, mut p1) = h.pipe(0, None);
        let (k2, mut p2) = h.pipe(0, None);
        fq.attach(k1);
        fq.attach(k2);
        assert!(!fq.has_in(&mut h.pipes));
        put(&mut p2, &[b"x"]);
        // Both were parked; only an activation brings a pipe back.
        assert!(fq.recv(&mut h.pipes).is_err());
        fq.activated(k2);
        fq.activated(k2);
        assert!(fq.has_in(&mut h.pipes));
        assert_eq!(recv_msg(&mut fq, &mut h), (vec![b"x".to_vec()], k2));
        fq.detach(k2);
        fq.detach(k2);
        put(&mut p1, &[b"y"]);
        fq.activated(k1);
        assert_eq!(recv_msg(&mut fq, &mut h), (vec![b"y".to_vec()], k1));
        assert!(!fq.contains(k2) && fq.contains(k1));
    }
}
