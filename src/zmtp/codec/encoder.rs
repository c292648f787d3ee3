//! The frame encoder: headers and small bodies batched into one buffer,
//! large bodies queued as their own segments for `writev`.

use super::{Framing, FLAG_COMMAND, FLAG_LONG, FLAG_MORE, ZERO_COPY_THRESHOLD};
use crate::msg::Msg;
use crate::util::out_queue::OutQueue;
use bytes::{BufMut, Bytes};
use std::io::IoSlice;

/// Frame encoder writing into an [`OutQueue`] for `writev`.
#[derive(Debug)]
pub struct Encoder {
    framing: Framing,
    out: OutQueue,
}

impl Encoder {
    pub fn new(framing: Framing) -> Encoder {
        Encoder { framing, out: OutQueue::new() }
    }

    pub fn framing(&self) -> Framing {
        self.framing
    }

    pub fn set_framing(&mut self, framing: Framing) {
        self.framing = framing;
    }

    /// Queues raw bytes (greeting, pre-built output).
    pub fn push_raw(&mut self, data: &[u8]) {
        self.out.tail().extend_from_slice(data);
    }

    /// Queues one frame. MORE and COMMAND come from the message flags
    /// (COMMAND is meaningful only with 3.x framing).
    pub fn encode(&mut self, msg: &Msg) {
        let body = msg.data();
        let len = body.len();
        let buf = self.out.tail();
        if buf.capacity() == 0 {
            buf.reserve(8192);
        }
        match self.framing {
            Framing::V1 => {
                let total = len as u64 + 1;
                if total < 255 {
                    buf.put_u8(total as u8);
                } else {
                    buf.put_u8(0xFF);
                    buf.put_u64(total);
                }
                buf.put_u8(if msg.more() { 1 } else { 0 });
            }
            Framing::V2 | Framing::V3 => {
                let mut f = 0u8;
                if msg.more() {
                    f |= FLAG_MORE;
                }
                if self.framing == Framing::V3 && msg.is_command() {
                    f |= FLAG_COMMAND;
                }
                if len > 255 {
                    buf.put_u8(f | FLAG_LONG);
                    buf.put_u64(len as u64);
                } else {
                    buf.put_u8(f);
                    buf.put_u8(len as u8);
                }
            }
        }
        if len > ZERO_COPY_THRESHOLD {
            self.out.push_segment(msg.to_bytes());
        } else {
            buf.extend_from_slice(body);
        }
    }

    /// Total bytes queued.
    #[inline]
    pub fn len(&self) -> usize {
        self.out.len()
    }

    #[inline]
    pub fn is_empty(&self) -> bool {
        self.out.is_empty()
    }

    /// Fills `dst` with the queued output in order; returns how many slices
    /// were filled. Pass what was written to `advance`.
    pub fn io_slices<'a>(&'a self, dst: &mut [IoSlice<'a>]) -> usize {
        self.out.io_slices(dst)
    }

    /// Drops the first `n` queued bytes (they were written).
    pub fn advance(&mut self, n: usize) {
        self.out.advance(n)
    }

    /// Takes everything queued, as segments in order.
    pub fn take_segments(&mut self) -> Vec<Bytes> {
        self.out.take_segments()
    }

    /// Takes everything queued as one contiguous buffer (copies; for tests
    /// and small outputs).
    pub fn take_contiguous(&mut self) -> Vec<u8> {
        self.take_segments().concat()
    }
}
