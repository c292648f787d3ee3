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

mod decoder;
mod encoder;
#[cfg(test)]
mod tests;

pub use decoder::Decoder;
pub use encoder::Encoder;


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
