//! Load balancing: sends each message to the next pipe, round-robin,
//! skipping pipes that are at their high-water mark.
//!
//! Owns: the list of outbound pipes of a socket type, which of them have
//! room, and whose turn it is. All frames of a multipart message go to the
//! pipe that took its first frame; if that pipe goes away mid-message, the
//! rest of the message is dropped. Must not: read from pipes, terminate them
//! or interpret frames.
//!
//! Usable by any socket type (PUSH, DEALER, REQ, ...): the owner forwards
//! its `attach`/`detach`/`write_activated` callbacks here and calls
//! [`Lb::send`] / [`Lb::has_out`] with its pipe table.
//!
//! A pipe refusing a first frame is parked as inactive; it comes back with
//! `write_activated` (the pipe promised one when it reported itself full).
//! Activating is idempotent.

use super::rotation::Rotation;
use super::PipeKey;
use crate::error::{Errno, EAGAIN};
use crate::msg::Msg;
use crate::pipe::PipeEnd;
use slab::Slab;

#[derive(Default)]
pub struct Lb {
    /// Active pipes may accept a message; parked ones were full.
    ring: Rotation,
    /// The pipe taking the frames of the message being sent.
    writing: Option<PipeKey>,
    /// The pipe of the message being sent went away: drop its other frames.
    dropping: bool,
}

impl Lb {
    pub fn new() -> Lb {
        Lb::default()
    }

    /// Adds a pipe (as active).
    pub fn attach(&mut self, key: PipeKey) {
        self.ring.attach(key);
    }

    /// Forgets a pipe. If a message was being written to it, its remaining
    /// frames will be dropped.
    pub fn detach(&mut self, key: PipeKey) {
        self.ring.detach(key);
        if self.writing == Some(key) {
            self.writing = None;
            self.dropping = true;
        }
    }

    /// The pipe has room again.
    pub fn activated(&mut self, key: PipeKey) {
        self.ring.activate(key);
    }

    /// True when `key` is one of this balancer's pipes.
    pub fn contains(&self, key: PipeKey) -> bool {
        self.ring.contains(key)
    }

    /// True while the frames of a multipart message are being sent.
    pub fn in_message(&self) -> bool {
        self.writing.is_some() || self.dropping
    }

    /// Sends one frame. Returns the pipe that took it, or `None` when the
    /// frame was dropped (its message lost its pipe). `Err(EAGAIN)` hands
    /// the first frame of a message back when no pipe has room.
    pub fn send(&mut self, pipes: &mut Slab<PipeEnd>, mut msg: Msg) -> Result<Option<PipeKey>, (Errno, Msg)> {
        self.send_from(pipes, &mut msg).map_err(|e| (e, msg))
    }

    /// `send`, taking the frame out of `msg` (left empty) when a pipe took
    /// it or it was dropped; on `Err(EAGAIN)` `msg` is untouched. The send
    /// fast path: the frame is copied once, into the pipe.
    pub fn send_from(&mut self, pipes: &mut Slab<PipeEnd>, msg: &mut Msg) -> Result<Option<PipeKey>, Errno> {
        let more = msg.more();
        if self.dropping {
            self.dropping = more;
            drop(std::mem::take(msg));
            return Ok(None);
        }
        if let Some(key) = self.writing {
            if !pipes.get_mut(key).is_some_and(|p| p.write_from(msg)) {
                // The pipe was closed under us: the message is lost.
                drop(std::mem::take(msg));
                if let Some(p) = pipes.get_mut(key) {
                    p.rollback();
                }
                self.writing = None;
                self.dropping = more;
                return Ok(None);
            }
            if !more {
                self.writing = None;
                self.ring.advance_past(key);
            }
            return Ok(Some(key));
        }
        while let Some(key) = self.ring.current() {
            let Some(p) = pipes.get_mut(key) else {
                self.ring.park_current();
                continue;
            };
            if p.write_from(msg) {
                if more {
                    self.writing = Some(key);
                } else {
                    self.ring.advance();
                }
                return Ok(Some(key));
            }
            self.ring.park_current();
        }
        Err(EAGAIN)
    }

    /// True when a frame can be sent now without blocking.
    pub fn has_out(&mut self, pipes: &mut Slab<PipeEnd>) -> bool {
        if self.in_message() {
            return true;
        }
        while let Some(key) = self.ring.current() {
            if pipes.get_mut(key).is_some_and(|p| p.check_write()) {
                return true;
            }
            self.ring.park_current();
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::super::fq::testing::*;
    use super::*;
    use crate::constants::ZMQ_PUSH;

    fn send_msg(lb: &mut Lb, h: &mut Harness, frames: &[&[u8]]) -> Result<Option<PipeKey>, Errno> {
        let mut last = None;
        for (i, f) in frames.iter().enumerate() {
            last = lb.send(&mut h.pipes, frame(f, i + 1 < frames.len())).map_err(|(e, _)| e)?;
        }
        Ok(last)
    }

    #[test]
    fn round_robin_and_multipart_atomicity() {
        let mut h = Harness::new(ZMQ_PUSH);
        let mut lb = Lb::new();
        let (k1, mut p1) = h.pipe(0, None);
        let (k2, mut p2) = h.pipe(0, None);
        lb.attach(k1);
        lb.attach(k2);
        let a = send_msg(&mut lb, &mut h, &[b"1", b"1b"]).unwrap().unwrap();
        let b = send_msg(&mut lb, &mut h, &[b"2"]).unwrap().unwrap();
        let c = send_msg(&mut lb, &mut h, &[b"3", b"3b", b"3c"]).unwrap().unwrap();
        assert_ne!(a, b);
        assert_eq!(a, c);
        let (first, second) = if a == k1 { (&mut p1, &mut p2) } else { (&mut p2, &mut p1) };
        assert_eq!(take(first), vec![b"1".to_vec(), b"1b".to_vec()]);
        assert_eq!(take(first), vec![b"3".to_vec(), b"3b".to_vec(), b"3c".to_vec()]);
        assert_eq!(take(second), vec![b"2".to_vec()]);
    }

    #[test]
    fn skips_full_pipes_and_blocks_when_all_full() {
        let mut h = Harness::new(ZMQ_PUSH);
        let mut lb = Lb::new();
        assert_eq!(send_msg(&mut lb, &mut h, &[b"x"]), Err(EAGAIN));
        assert!(!lb.has_out(&mut h.pipes));
        let (k1, mut p1) = h.pipe(1, None);
        let (k2, _p2) = h.pipe(1, None);
        lb.attach(k1);
        lb.attach(k2);
        assert!(send_msg(&mut lb, &mut h, &[b"a"]).is_ok());
        assert!(send_msg(&mut lb, &mut h, &[b"b"]).is_ok());
        assert_eq!(send_msg(&mut lb, &mut h, &[b"c"]), Err(EAGAIN));
        assert!(!lb.has_out(&mut h.pipes));
        assert_eq!(take(&mut p1).len(), 1);
        lb.activated(k1);
        assert!(lb.has_out(&mut h.pipes));
        assert_eq!(send_msg(&mut lb, &mut h, &[b"c"]), Ok(Some(k1)));
    }

    #[test]
    fn detach_mid_message_drops_the_rest() {
        let mut h = Harness::new(ZMQ_PUSH);
        let mut lb = Lb::new();
        let (k1, _p1) = h.pipe(0, None);
        let (k2, mut p2) = h.pipe(0, None);
        lb.attach(k1);
        lb.attach(k2);
        let k = lb.send(&mut h.pipes, frame(b"a", true)).unwrap().unwrap();
        let other = if k == k1 { k2 } else { k1 };
        lb.detach(k);
        h.pipes.remove(k);
        assert!(lb.in_message());
        assert_eq!(lb.send(&mut h.pipes, frame(b"b", true)).unwrap(), None);
        assert_eq!(lb.send(&mut h.pipes, frame(b"c", false)).unwrap(), None);
        assert!(!lb.in_message());
        assert_eq!(send_msg(&mut lb, &mut h, &[b"d"]), Ok(Some(other)));
        if other == k2 {
            assert_eq!(take(&mut p2), vec![b"d".to_vec()]);
        }
    }
}
