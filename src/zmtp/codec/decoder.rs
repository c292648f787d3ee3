//! The incremental frame decoder: headers, bounded body buffers, and
//! direct reads of large bodies into pooled message buffers.

use super::{Framing, FLAG_COMMAND, FLAG_LONG, FLAG_MORE, MAX_FRAME_SIZE};
use crate::msg::{large, Msg, COMMAND, MAX_INLINE, MORE};
use crate::zmtp::error::ProtocolError;
use bytes::{Buf, BytesMut};


/// Largest body buffer reserved before its bytes arrive (larger bodies
/// grow as they come): what a peer can make us reserve by announcing a
/// frame it never sends. 1 MiB and a little more, so that a 1 MiB payload
/// wrapped by a mechanism (CURVE adds 33 bytes) is read in one buffer
/// rather than copied into a grown one for its last bytes.
pub(super) const PREALLOC_CAP: usize = (1 << 20) + 4096;

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
    pub(super) pooled: Option<large::Filling>,
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

    /// The message flags a 2.0/3.x flags byte means. As libzmq's decoder:
    /// the reserved bits (and COMMAND, before 3.0) are ignored, and a
    /// command's MORE bit too (a command is one frame).
    #[inline]
    fn check_flags(&self, f: u8) -> Result<u8, ProtocolError> {
        if self.framing == Framing::V3 && f & FLAG_COMMAND != 0 {
            return Ok(COMMAND);
        }
        Ok(if f & FLAG_MORE != 0 { MORE } else { 0 })
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
