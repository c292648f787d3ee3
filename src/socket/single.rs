//! What the single-part DRAFT types (SERVER, CLIENT, PEER, GATHER, SCATTER,
//! CHANNEL, RADIO) share: refusing a multipart send and skipping the
//! multipart messages a peer sends them, as libzmq does.
//!
//! Owns: those two rules. Must not: choose pipes.

use super::fq::Fq;
use super::PipeKey;
use crate::error::{Errno, ZResult, EINVAL};
use crate::msg::Msg;
use crate::pipe::{PipeEnd, Read};
use slab::Slab;

/// EINVAL for a frame sent with ZMQ_SNDMORE (the message stays the caller's).
pub fn refuse_more(msg: Msg) -> Result<Msg, (Errno, Msg)> {
    if msg.more() {
        Err((EINVAL, msg))
    } else {
        Ok(msg)
    }
}

/// The next single-frame message from the fair queue, with its pipe;
/// multipart messages are read and dropped whole.
pub fn recv_single(fq: &mut Fq, pipes: &mut Slab<PipeEnd>, out: &mut Msg) -> ZResult<PipeKey> {
    loop {
        let key = fq.recv_into(pipes, out)?;
        if !out.more() {
            return Ok(key);
        }
        // Pipes carry whole messages: the rest is there.
        while fq.in_message() {
            if fq.recv_into(pipes, out).is_err() {
                break;
            }
        }
    }
}

/// The next single-frame message from one pipe (CHANNEL); multipart
/// messages are dropped whole.
pub fn read_single(p: &mut PipeEnd) -> Option<Msg> {
    loop {
        let Read::Msg(m) = p.read() else { return None };
        if !m.more() {
            return Some(m);
        }
        loop {
            match p.read() {
                Read::Msg(m) if m.more() => {}
                Read::Msg(_) => break,
                _ => return None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::fq::testing::*;
    use super::*;
    use crate::constants::draft::ZMQ_CLIENT;

    #[test]
    fn multipart_messages_are_skipped() {
        let mut h = Harness::new(ZMQ_CLIENT);
        let mut fq = Fq::new();
        let (k, mut p) = h.pipe(0, None);
        fq.attach(k);
        put(&mut p, &[b"a", b"b"]);
        put(&mut p, &[b"c"]);
        put(&mut p, &[b"d", b"e", b"f"]);
        let mut m = Msg::new();
        assert_eq!(recv_single(&mut fq, &mut h.pipes, &mut m), Ok(k));
        assert_eq!(m.data(), b"c");
        assert!(recv_single(&mut fq, &mut h.pipes, &mut m).is_err());
        assert!(refuse_more(frame(b"x", true)).is_err());
        assert!(refuse_more(frame(b"x", false)).is_ok());
    }
}
