//! Frame decoder and encoder for the ZMTP 1.0 layout (length, flags, body)
//! and the 2.0/3.x layout (flags, 1- or 8-byte big-endian size, body).
//!
//! The decoder takes chunks of a read as `BytesMut` and slices whole bodies
//! out of them without copying; a body split across reads is accumulated as
//! its bytes arrive, so memory is never reserved from an untrusted length.
//! Bodies of `msg::large::MIN` bytes and more are gathered in pooled,
//! placed buffers (`msg::large::Filling`), which return to the pool when
//! the message is dropped; the caller can read the rest of such a body
//! straight into its buffer (`body_target` / `finish_body`), skipping the
//! read buffer: one copy, kernel to message, as libzmq does.
//! The encoder batches small frames into one buffer and queues large bodies
//! as their own `Bytes` segments for `writev`.
//!
//! Owns: framing only. Must not: interpret commands or message contents.

use super::error::ProtocolError;
use crate::msg::{large, Msg, COMMAND, MAX_INLINE, MORE};
use bytes::{Buf, BufMut, Bytes, BytesMut};
use std::collections::VecDeque;
use std::io::IoSlice;

/// 2.0/3.x flag bits.
pub const FLAG_MORE: u8 = 0x01;
pub const FLAG_LONG: u8 = 0x02;
pub const FLAG_COMMAND: u8 = 0x04;

/// Largest body the decoder accepts whatever `maxmsgsize` says: a length
/// above this cannot be a real allocation, so the connection is closed at
/// once instead of buffering toward it. 2^56 bytes is the whole virtual
/// address space of x86-64 with 5-level paging (AArch64 has less); on
/// 32-bit targets `isize::MAX` is lower still. libzmq reaches the same
/// result when its up-front `malloc` of the declared size fails.
pub const MAX_FRAME_SIZE: u64 = if (isize::MAX as u64) < (1 << 56) {
    isize::MAX as u64
} else {
    1 << 56
};

/// Bodies larger than this are not copied into the encoder's batch buffer.
pub const ZERO_COPY_THRESHOLD: usize = 8192;

/// The frame layout in use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// ZMTP 1.0: length (1 byte, or FF + 8 bytes) counting flags + body, flags, body.
    V1,
    /// ZMTP 2.0: flags (MORE, LONG), size, body. No commands.
    V2,
    /// ZMTP 3.x: as 2.0 plus the COMMAND flag.
    V3,
}

/// Largest body buffer reserved before its bytes arrive (larger bodies
/// grow as they come): what a peer can make us reserve by announcing a
/// frame it never sends. 1 MiB and a little more, so that a 1 MiB payload
/// wrapped by a mechanism (CURVE adds 33 bytes) is read in one buffer
/// rather than copied into a grown one for its last bytes.
const PREALLOC_CAP: usize = (1 << 20) + 4096;

/// Smallest growth step of a body buffer filled by direct reads.
const DIRECT_READ_GROW: usize = 64 * 1024;

#[derive(Debug)]
enum DecState {
    /// Reading the header into `hdr` until `hdr_need` bytes are there.
    Header,
    /// Reading `body_len` bytes (some already in `partial`).
    Body,
}

/// Incremental frame decoder.
#[derive(Debug)]
pub struct Decoder {
    framing: Framing,
    max_msg_size: i64,
    state: DecState,
    hdr: [u8; 10],
    hdr_len: usize,
    hdr_need: usize,
    flags: u8,
    body_len: usize,
    /// The body so far, when it is smaller than `large::MIN`.
    partial: BytesMut,
    /// The body so far, when it is larger: a pooled, placed buffer (see
    /// `msg::large`), which the message built from it gives back to the
    /// pool when dropped.
    pooled: Option<large::Filling>,
}

/// A body of `n` bytes at the front of `input`, consumed: copied into the
/// message when small, else sliced out of `input` (no copy).
#[inline]
fn take_body(input: &mut BytesMut, n: usize) -> Msg {
    if n <= MAX_INLINE {
        let m = Msg::from_front(input, n);
        input.advance(n);
        m
    } else {
        Msg::from_bytes(input.split_to(n).freeze())
    }
}

impl Decoder {
    /// `max_msg_size` is `ZMQ_MAXMSGSIZE`: -1 (any negative) means unlimited.
    pub fn new(framing: Framing, max_msg_size: i64) -> Decoder {
        Decoder {
            framing,
            max_msg_size,
            state: DecState::Header,
            hdr: [0; 10],
            hdr_len: 0,
            hdr_need: Self::first_header_need(framing),
            flags: 0,
            body_len: 0,
            partial: BytesMut::new(),
            pooled: None,
        }
    }

    /// Changes the largest frame accepted from now on (-1: unlimited).
    pub fn set_max_msg_size(&mut self, max_msg_size: i64) {
        self.max_msg_size = max_msg_size;
    }

    fn first_header_need(framing: Framing) -> usize {
        match framing {
            Framing::V1 => 1, // length byte
            _ => 2,           // flags + short size (grows to 9 when LONG)
        }
    }

    pub fn framing(&self) -> Framing {
        self.framing
    }

    /// True between frames (no partial header or body buffered).
    pub fn at_frame_boundary(&self) -> bool {
        matches!(self.state, DecState::Header) && self.hdr_len == 0
    }

    /// Bytes still missing for the frame in progress, when known (a hint
    /// for sizing the next read).
    pub fn body_remaining(&self) -> Option<usize> {
        match self.state {
            DecState::Body => Some(self.body_len - self.body_filled()),
            DecState::Header => None,
        }
    }

    /// Body bytes of the frame in progress gathered so far.
    fn body_filled(&self) -> usize {
        match &self.pooled {
            Some(p) => p.len(),
            None => self.partial.len(),
        }
    }

    /// True when the frame in progress is a large body (`large::MIN` bytes
    /// or more) still missing bytes: `body_target` will offer a buffer.
    pub fn wants_direct(&self) -> bool {
        self.pooled.is_some() && self.body_remaining().is_some_and(|r| r > 0)
    }

    /// Where to read the rest of a large frame's body directly (so that it
    /// is copied once, kernel to message, as libzmq does), when the frame
    /// in progress is large (`large::MIN` bytes or more) and misses bytes:
    /// the unfilled part of its pooled buffer, at most `body_remaining()`
    /// bytes (not cleared: only what is written there is ever shown, see
    /// `msg::large::Filling`). Write at its front, then call
    /// `body_filled_by(n)` and `finish_body`. The slice is never empty:
    /// beyond the up-front (capped) reservation the buffer grows by at most
    /// what has already arrived, so a peer announcing a huge frame still
    /// costs only the bytes it sends.
    pub fn body_target(&mut self) -> Option<&mut [u8]> {
        let remaining = self.body_remaining()?;
        if remaining == 0 {
            return None;
        }
        let p = self.pooled.as_mut()?;
        if p.capacity() == p.len() {
            let grow = remaining.min(p.len().max(DIRECT_READ_GROW));
            if !p.grow(p.len() + grow) {
                return None;
            }
        }
        let spare = p.spare_mut();
        let n = spare.len().min(remaining);
        Some(&mut spare[..n])
    }

    /// Records that `n` bytes were written at the front of `body_target`.
    pub fn body_filled_by(&mut self, n: usize) {
        if let Some(p) = self.pooled.as_mut() {
            p.filled(n);
        }
    }

    /// Completes the frame once all of its body is there (after
    /// `body_target` reads); `None` while bytes are still missing (or no
    /// body is in progress).
    pub fn finish_body(&mut self) -> Option<Msg> {
        if !matches!(self.state, DecState::Body) || self.body_filled() != self.body_len {
            return None;
        }
        let mut m = match self.pooled.take() {
            // Only bodies of `large::MIN` bytes and more are pooled.
            Some(p) => Msg::from_bytes(p.freeze()),
            None => {
                let body = std::mem::take(&mut self.partial);
                if body.len() <= MAX_INLINE {
                    Msg::from_slice(&body)
                } else {
                    Msg::from_bytes(body.freeze())
                }
            }
        };
        self.finish_frame(&mut m);
        Some(m)
    }

    /// Decodes at most one frame from the front of `input`, consuming the
    /// bytes it used. `Ok(None)` means all of `input` was consumed and more
    /// is needed.
    pub fn decode(&mut self, input: &mut BytesMut) -> Result<Option<Msg>, ProtocolError> {
        if let Some(r) = self.short_frame(input) {
            return r.map(Some);
        }
        loop {
            match self.state {
                DecState::Header => {
                    let n = (self.hdr_need - self.hdr_len).min(input.len());
                    self.hdr[self.hdr_len..self.hdr_len + n].copy_from_slice(&input[..n]);
                    self.hdr_len += n;
                    input.advance(n);
                    if self.hdr_len < self.hdr_need {
                        return Ok(None);
                    }
                    if self.header_complete()? {
                        self.state = DecState::Body;
                        // A body longer than what has arrived is gathered in
                        // one buffer sized for it up front (no regrowth and
                        // recopying as reads come in). The reservation is not
                        // touched until bytes arrive, and is capped, so a
                        // peer announcing a huge frame costs no memory.
                        // Large bodies go into pooled, placed buffers.
                        self.pooled = None;
                        self.partial = BytesMut::new();
                        if self.body_len > input.len() && self.body_len > MAX_INLINE {
                            if self.body_len >= large::MIN {
                                // The whole size, capped at `PREALLOC_CAP`
                                // (what a peer announcing a huge frame can
                                // make us set aside; beyond it the buffer
                                // grows as bytes arrive). Starting smaller
                                // and growing recopied most of every 1 MiB
                                // body (ipc 1 MiB: receiver CPU 170 vs 120
                                // us per message for libzmq).
                                let cap = self.body_len.min(PREALLOC_CAP);
                                self.pooled = large::Filling::new(cap);
                            } else {
                                self.partial = BytesMut::with_capacity(self.body_len);
                            }
                        }
                    }
                }
                DecState::Body => {
                    let filled = self.body_filled();
                    if filled == 0 && input.len() >= self.body_len {
                        let mut m = take_body(input, self.body_len);
                        self.pooled = None;
                        self.finish_frame(&mut m);
                        return Ok(Some(m));
                    }
                    let want = self.body_len - filled;
                    let n = want.min(input.len());
                    match self.pooled.as_mut() {
                        Some(p) => {
                            if p.capacity() - p.len() < n {
                                // Grown by at most what has arrived.
                                let cap = (p.len() + n).max(2 * p.len()).min(self.body_len);
                                if !p.grow(cap) {
                                    return Err(ProtocolError::FrameTooLarge(self.body_len as u64));
                                }
                            }
                            p.extend_from_slice(&input[..n]);
                        }
                        None => self.partial.extend_from_slice(&input[..n]),
                    }
                    input.advance(n);
                    // None while bytes are still missing.
                    return Ok(self.finish_body());
                }
            }
        }
    }

    /// Decodes every complete frame in `input` into `out`.
    pub fn decode_all(
        &mut self,
        input: &mut BytesMut,
        out: &mut Vec<Msg>,
    ) -> Result<(), ProtocolError> {
        while let Some(m) = self.decode(input)? {
            out.push(m);
        }
        Ok(())
    }

    /// The common case, decoded in one step: between frames, a 2.0/3.x
    /// frame with a one-byte size whose header and body are both in
    /// `input`. `None` when that is not the case (the state machine in
    /// `decode` takes over, nothing consumed).
    #[inline]
    fn short_frame(&mut self, input: &mut BytesMut) -> Option<Result<Msg, ProtocolError>> {
        let (flags, size) = match self.peek_short_frame(input)? {
            Ok(v) => v,
            Err(e) => return Some(Err(e)),
        };
        input.advance(2);
        let mut m = take_body(input, size);
        if flags != 0 {
            m.set_flags(flags);
        }
        Some(Ok(m))
    }

    /// Looks, without consuming anything, for the case `short_frame`
    /// handles at the front of `input`: `(message flags, body size)` of a
    /// complete frame with a one-byte size, starting at a frame boundary;
    /// its body is `input[2..2 + size]`. An invalid header is an error.
    #[inline]
    pub fn peek_short_frame(&self, input: &[u8]) -> Option<Result<(u8, usize), ProtocolError>> {
        if self.framing == Framing::V1 || self.hdr_len != 0 || !matches!(self.state, DecState::Header) {
            return None;
        }
        let (&f, &size) = (input.first()?, input.get(1)?);
        let size = size as usize;
        if f & FLAG_LONG != 0 || input.len() < 2 + size {
            return None;
        }
        Some(self.check_flags(f).and_then(|fl| self.check_size(size as u64).map(|_| (fl, size))))
    }

    /// Validates 2.0/3.x frame flags; returns the message flags they mean.
    #[inline]
    fn check_flags(&self, f: u8) -> Result<u8, ProtocolError> {
        let allowed = if self.framing == Framing::V3 {
            FLAG_MORE | FLAG_LONG | FLAG_COMMAND
        } else {
            FLAG_MORE | FLAG_LONG
        };
        if f & !allowed != 0 {
            return Err(ProtocolError::ReservedFlags(f));
        }
        if f & FLAG_COMMAND != 0 && f & FLAG_MORE != 0 {
            return Err(ProtocolError::CommandWithMore);
        }
        Ok((if f & FLAG_MORE != 0 { MORE } else { 0 }) | (if f & FLAG_COMMAND != 0 { COMMAND } else { 0 }))
    }

    fn finish_frame(&mut self, m: &mut Msg) {
        if self.flags & MORE != 0 {
            m.set_more(true);
        }
        if self.flags & COMMAND != 0 {
            m.set_flags(COMMAND);
        }
        self.state = DecState::Header;
        self.hdr_len = 0;
        self.hdr_need = Self::first_header_need(self.framing);
    }

    /// Checks the size against maxmsgsize and the sanity cap.
    fn check_size(&self, size: u64) -> Result<usize, ProtocolError> {
        if self.max_msg_size >= 0 && size > self.max_msg_size as u64 {
            return Err(ProtocolError::MessageTooLarge(size));
        }
        if size > MAX_FRAME_SIZE || size > usize::MAX as u64 {
            return Err(ProtocolError::FrameTooLarge(size));
        }
        Ok(size as usize)
    }

    /// Interprets the header bytes so far. Returns true when the header is
    /// complete (body length known), false when more header bytes are needed.
    fn header_complete(&mut self) -> Result<bool, ProtocolError> {
        match self.framing {
            Framing::V1 => {
                // [len] [flags]  or  [FF] [8-byte len] [flags]
                if self.hdr[0] == 0xFF && self.hdr_need < 10 {
                    self.hdr_need = 10;
                    return Ok(false);
                }
                if self.hdr[0] != 0xFF && self.hdr_need < 2 {
                    if self.hdr[0] == 0 {
                        return Err(ProtocolError::ZeroLengthV1Frame);
                    }
                    self.hdr_need = 2;
                    return Ok(false);
                }
                let (len, flags) = if self.hdr[0] == 0xFF {
                    let mut b = [0u8; 8];
                    b.copy_from_slice(&self.hdr[1..9]);
                    (u64::from_be_bytes(b), self.hdr[9])
                } else {
                    (self.hdr[0] as u64, self.hdr[1])
                };
                if len == 0 {
                    return Err(ProtocolError::ZeroLengthV1Frame);
                }
                self.body_len = self.check_size(len - 1)?;
                // 1.0 flags: only MORE has a meaning; other bits are ignored
                // (our own signature carries 0x7F there).
                self.flags = if flags & 0x01 != 0 { MORE } else { 0 };
                Ok(true)
            }
            Framing::V2 | Framing::V3 => {
                let f = self.hdr[0];
                let flags = self.check_flags(f)?;
                let size = if f & FLAG_LONG != 0 {
                    if self.hdr_need < 9 {
                        self.hdr_need = 9;
                        return Ok(false);
                    }
                    let mut b = [0u8; 8];
                    b.copy_from_slice(&self.hdr[1..9]);
                    u64::from_be_bytes(b)
                } else {
                    self.hdr[1] as u64
                };
                self.body_len = self.check_size(size)?;
                self.flags = flags;
                Ok(true)
            }
        }
    }
}

/// Frame encoder with an output queue suitable for `writev`.
#[derive(Debug)]
pub struct Encoder {
    framing: Framing,
    /// Earlier output, in order, before `buf`.
    segments: VecDeque<Bytes>,
    /// Batch buffer for headers and small bodies (always last).
    buf: BytesMut,
}

impl Encoder {
    pub fn new(framing: Framing) -> Encoder {
        Encoder {
            framing,
            segments: VecDeque::new(),
            buf: BytesMut::new(),
        }
    }

    pub fn framing(&self) -> Framing {
        self.framing
    }

    pub fn set_framing(&mut self, framing: Framing) {
        self.framing = framing;
    }

    /// Queues raw bytes (greeting, pre-built output).
    pub fn push_raw(&mut self, data: &[u8]) {
        self.buf.extend_from_slice(data);
    }

    /// Queues one frame. MORE and COMMAND come from the message flags
    /// (COMMAND is meaningful only with 3.x framing).
    pub fn encode(&mut self, msg: &Msg) {
        if self.buf.capacity() == 0 {
            self.buf.reserve(8192);
        }
        let body = msg.data();
        let len = body.len();
        match self.framing {
            Framing::V1 => {
                let total = len as u64 + 1;
                if total < 255 {
                    self.buf.put_u8(total as u8);
                } else {
                    self.buf.put_u8(0xFF);
                    self.buf.put_u64(total);
                }
                self.buf.put_u8(if msg.more() { 1 } else { 0 });
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
                    self.buf.put_u8(f | FLAG_LONG);
                    self.buf.put_u64(len as u64);
                } else {
                    self.buf.put_u8(f);
                    self.buf.put_u8(len as u8);
                }
            }
        }
        if len > ZERO_COPY_THRESHOLD {
            if !self.buf.is_empty() {
                self.segments.push_back(self.buf.split().freeze());
            }
            self.segments.push_back(msg.to_bytes());
        } else {
            self.buf.extend_from_slice(body);
        }
    }

    /// Total bytes queued.
    pub fn len(&self) -> usize {
        self.segments.iter().map(|s| s.len()).sum::<usize>() + self.buf.len()
    }

    pub fn is_empty(&self) -> bool {
        self.segments.is_empty() && self.buf.is_empty()
    }

    /// Fills `dst` with the queued output in order; returns how many slices
    /// were filled. Pass what was written to `advance`.
    pub fn io_slices<'a>(&'a self, dst: &mut [IoSlice<'a>]) -> usize {
        let mut i = 0;
        for s in self
            .segments
            .iter()
            .map(|s| &s[..])
            .chain(std::iter::once(&self.buf[..]))
        {
            if i == dst.len() {
                break;
            }
            if !s.is_empty() {
                dst[i] = IoSlice::new(s);
                i += 1;
            }
        }
        i
    }

    /// Drops the first `n` queued bytes (they were written).
    pub fn advance(&mut self, mut n: usize) {
        while n > 0 {
            if let Some(front) = self.segments.front_mut() {
                let k = n.min(front.len());
                front.advance(k);
                n -= k;
                if front.is_empty() {
                    self.segments.pop_front();
                }
            } else {
                let k = n.min(self.buf.len());
                self.buf.advance(k);
                break;
            }
        }
        if self.buf.is_empty() && self.segments.is_empty() && self.buf.capacity() > 0 {
            // Everything is written: an idle connection keeps no buffer.
            self.buf = BytesMut::new();
        }
    }

    /// Takes everything queued, as segments in order.
    pub fn take_segments(&mut self) -> Vec<Bytes> {
        let mut v: Vec<Bytes> = self.segments.drain(..).collect();
        if !self.buf.is_empty() {
            v.push(self.buf.split().freeze());
        }
        v
    }

    /// Takes everything queued as one contiguous buffer (copies; for tests
    /// and small outputs).
    pub fn take_contiguous(&mut self) -> Vec<u8> {
        self.take_segments()
            .iter()
            .flat_map(|s| s.iter().copied())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(data: &[u8], more: bool) -> Msg {
        let mut m = Msg::from_slice(data);
        m.set_more(more);
        m
    }

    fn decode_all(d: &mut Decoder, bytes: &[u8]) -> Result<Vec<Msg>, ProtocolError> {
        let mut v = Vec::new();
        d.decode_all(&mut BytesMut::from(bytes), &mut v)?;
        Ok(v)
    }

    #[test]
    fn v3_byte_exact_from_libzmq_capture() {
        // libzmq 4.3.4 DEALER sending ["hi", 300 x 'x'].
        let mut e = Encoder::new(Framing::V3);
        e.encode(&msg(b"hi", true));
        e.encode(&msg(&[b'x'; 300], false));
        let out = e.take_contiguous();
        let mut expect = b"\x01\x02hi\x02\x00\x00\x00\x00\x00\x00\x01\x2c".to_vec();
        expect.extend_from_slice(&[b'x'; 300]);
        assert_eq!(out, expect);
        let mut d = Decoder::new(Framing::V3, -1);
        let v = decode_all(&mut d, &out).unwrap();
        assert_eq!(v.len(), 2);
        assert!(v[0].more() && !v[1].more());
        assert_eq!(v[0].data(), b"hi");
        assert_eq!(v[1].data(), &[b'x'; 300][..]);
    }

    #[test]
    fn command_frames() {
        let mut d = Decoder::new(Framing::V3, -1);
        let v = decode_all(&mut d, b"\x04\x07\x04PING\x00\x1e").unwrap();
        assert!(v[0].is_command() && !v[0].more());
        let mut e = Encoder::new(Framing::V3);
        e.encode(&v[0]);
        assert_eq!(e.take_contiguous(), b"\x04\x07\x04PING\x00\x1e");
        // COMMAND is a reserved bit for 2.0 peers.
        let mut d = Decoder::new(Framing::V2, -1);
        assert_eq!(
            decode_all(&mut d, b"\x04\x00").unwrap_err(),
            ProtocolError::ReservedFlags(4)
        );
        let mut d = Decoder::new(Framing::V3, -1);
        assert_eq!(
            decode_all(&mut d, b"\x05\x00").unwrap_err(),
            ProtocolError::CommandWithMore
        );
        let mut d = Decoder::new(Framing::V3, -1);
        assert_eq!(
            decode_all(&mut d, b"\x40\x01A").unwrap_err(),
            ProtocolError::ReservedFlags(0x40)
        );
    }

    #[test]
    fn v1_framing_round_trip() {
        let mut e = Encoder::new(Framing::V1);
        e.encode(&msg(b"abc", true));
        e.encode(&msg(&[7u8; 254], false));
        let out = e.take_contiguous();
        assert_eq!(&out[..5], b"\x04\x01abc");
        assert_eq!(&out[5..15], b"\xff\x00\x00\x00\x00\x00\x00\x00\xff\x00");
        let mut d = Decoder::new(Framing::V1, -1);
        let v = decode_all(&mut d, &out).unwrap();
        assert_eq!(v.len(), 2);
        assert!(v[0].more());
        assert_eq!(v[1].len(), 254);
        let mut d = Decoder::new(Framing::V1, -1);
        assert_eq!(
            decode_all(&mut d, b"\x00").unwrap_err(),
            ProtocolError::ZeroLengthV1Frame
        );
    }

    #[test]
    fn sizes_are_checked_before_any_allocation() {
        let mut d = Decoder::new(Framing::V3, -1);
        let r = decode_all(&mut d, b"\x02\x80\x00\x00\x00\x00\x00\x00\x00");
        assert_eq!(r.unwrap_err(), ProtocolError::FrameTooLarge(1 << 63));
        // Lengths no machine could hold close the connection at once
        // (tests/hostile_input.rs sends these over TCP).
        for (hdr, len) in [
            (
                &b"\x02\x7f\xff\xff\xff\xff\xff\xff\xff"[..],
                i64::MAX as u64,
            ),
            (&b"\x02\xff\xff\xff\xff\xff\xff\xff\xff"[..], u64::MAX),
            (&b"\x02\x01\x00\x00\x00\x00\x00\x00\x01"[..], (1 << 56) + 1),
        ] {
            let mut d = Decoder::new(Framing::V3, -1);
            assert_eq!(
                decode_all(&mut d, hdr).unwrap_err(),
                ProtocolError::FrameTooLarge(len)
            );
            if len - 1 <= MAX_FRAME_SIZE {
                continue;
            }
            let mut v1 = vec![0xFF];
            v1.extend_from_slice(&hdr[1..]);
            v1.push(0);
            let mut d = Decoder::new(Framing::V1, -1);
            assert_eq!(
                decode_all(&mut d, &v1).unwrap_err(),
                ProtocolError::FrameTooLarge(len - 1)
            );
        }
        let mut d = Decoder::new(Framing::V3, -1);
        assert!(decode_all(&mut d, b"\x02\x01\x00\x00\x00\x00\x00\x00\x00")
            .unwrap()
            .is_empty());
        let mut d = Decoder::new(Framing::V3, 10);
        assert_eq!(
            decode_all(&mut d, b"\x00\x0b").unwrap_err(),
            ProtocolError::MessageTooLarge(11)
        );
        let mut d = Decoder::new(Framing::V3, 10);
        assert_eq!(decode_all(&mut d, b"\x00\x0a0123456789").unwrap().len(), 1);
        // A huge (allowed) declared size with few bytes: at most the capped
        // reservation is made up front, never the declared size.
        let mut d = Decoder::new(Framing::V3, -1);
        let mut input = BytesMut::from(&b"\x02\x00\x00\x00\x10\x00\x00\x00\x00abc"[..]);
        assert!(d.decode(&mut input).unwrap().is_none());
        assert!(d.pooled.as_ref().unwrap().capacity() <= PREALLOC_CAP);
        assert_eq!(d.body_remaining(), Some((1usize << 36) - 3));
    }

    #[test]
    fn split_at_every_position_and_zero_copy() {
        let mut e = Encoder::new(Framing::V3);
        e.encode(&msg(b"", true));
        e.encode(&msg(&[1u8; 40], true));
        e.encode(&msg(&[2u8; 10000], false));
        let wire = e.take_contiguous();
        for cut in 0..wire.len() {
            let mut d = Decoder::new(Framing::V3, -1);
            let mut v = Vec::new();
            d.decode_all(&mut BytesMut::from(&wire[..cut]), &mut v)
                .unwrap();
            d.decode_all(&mut BytesMut::from(&wire[cut..]), &mut v)
                .unwrap();
            assert_eq!(v.len(), 3, "cut {cut}");
            assert_eq!(v[2].data(), &[2u8; 10000][..]);
            assert!(d.at_frame_boundary());
        }
        // Whole body in the chunk: the message shares the read buffer.
        let mut input = BytesMut::from(&wire[..]);
        let base = input.as_ptr() as usize;
        let mut d = Decoder::new(Framing::V3, -1);
        let mut v = Vec::new();
        d.decode_all(&mut input, &mut v).unwrap();
        let p = v[2].data().as_ptr() as usize;
        assert!(p >= base && p < base + wire.len(), "large body was copied");
    }

    /// What a direct read does: write at most `chunk` bytes of `src` at
    /// the front of the target.
    fn direct_fill(d: &mut Decoder, src: &mut &[u8], chunk: usize) -> bool {
        let limit = d.body_remaining().unwrap_or(0);
        let Some(buf) = d.body_target() else { return false };
        assert!(!buf.is_empty() && buf.len() <= limit);
        let n = chunk.min(buf.len()).min(src.len());
        buf[..n].copy_from_slice(&src[..n]);
        d.body_filled_by(n);
        *src = &src[n..];
        true
    }

    #[test]
    fn direct_body_reads() {
        let body: Vec<u8> = (0..3_000_000u32).map(|i| i as u8).collect();
        let mut e = Encoder::new(Framing::V3);
        e.encode(&msg(&body, true));
        e.encode(&msg(b"tail", false));
        let wire = e.take_contiguous();
        let mut d = Decoder::new(Framing::V3, -1);
        // Header and a little body through the ordinary path.
        let mut first = BytesMut::from(&wire[..100]);
        assert!(d.decode(&mut first).unwrap().is_none());
        let mut rest = &wire[100..];
        let mut got = None;
        while direct_fill(&mut d, &mut rest, 200_000) {
            let p = d.pooled.as_ref().unwrap();
            assert!(p.capacity() <= (p.len() * 2).max(PREALLOC_CAP));
            if let Some(m) = d.finish_body() {
                got = Some(m);
                break;
            }
        }
        // The whole body went in directly; what follows goes through the
        // ordinary path.
        let mut v = vec![got.expect("body completed by direct reads")];
        d.decode_all(&mut BytesMut::from(rest), &mut v).unwrap();
        assert_eq!(v.len(), 2);
        assert!(v[0].more() && v[0].data() == &body[..]);
        assert_eq!(v[1].data(), b"tail");
        assert!(d.at_frame_boundary() && d.body_target().is_none());
        assert!(d.finish_body().is_none());
        // A huge announced frame with few bytes: no reservation beyond the
        // cap, however often the target is asked for.
        let mut d = Decoder::new(Framing::V3, -1);
        let mut input = BytesMut::from(&b"\x02\x00\x00\x00\x10\x00\x00\x00\x00abc"[..]);
        assert!(d.decode(&mut input).unwrap().is_none());
        for _ in 0..3 {
            assert!(d.body_target().unwrap().len() <= PREALLOC_CAP);
            assert!(d.pooled.as_ref().unwrap().capacity() <= PREALLOC_CAP);
        }
        assert!(d.finish_body().is_none());
    }

    #[test]
    fn large_bodies_through_decode_are_pooled_and_grow_with_input() {
        let body: Vec<u8> = (0..2_500_000u32).map(|i| (i * 7) as u8).collect();
        let mut e = Encoder::new(Framing::V3);
        e.encode(&msg(&body, false));
        e.encode(&msg(&[5u8; 20_000], false));
        let wire = e.take_contiguous();
        let mut d = Decoder::new(Framing::V3, -1);
        let mut v = Vec::new();
        for chunk in wire.chunks(100_003) {
            d.decode_all(&mut BytesMut::from(chunk), &mut v).unwrap();
            if let Some(p) = d.pooled.as_ref() {
                assert!(p.capacity() <= (2 * p.len()).max(PREALLOC_CAP));
            }
        }
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].data(), &body[..]);
        assert_eq!(v[1].data(), &[5u8; 20_000][..]);
        assert!(d.at_frame_boundary() && d.pooled.is_none());
    }

    #[test]
    fn encoder_segments_and_advance() {
        let mut e = Encoder::new(Framing::V3);
        let big = Bytes::from(vec![9u8; 20000]);
        e.encode(&msg(b"a", false));
        let mut m = Msg::from_bytes(big.clone());
        m.set_more(false);
        e.encode(&m);
        e.encode(&msg(b"b", false));
        let mut sl = [IoSlice::new(&[]); 8];
        let n = e.io_slices(&mut sl);
        assert_eq!(n, 3);
        assert_eq!(sl[1].as_ptr(), big.as_ptr(), "large body not copied");
        let total = e.len();
        assert_eq!(total, 3 + 9 + 20000 + 3);
        e.advance(5);
        e.advance(20000);
        let rest = e.take_contiguous();
        assert_eq!(rest.len(), total - 20005);
        assert_eq!(&rest[rest.len() - 3..], b"\x00\x01b");
    }
}
