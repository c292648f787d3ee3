//! CURVE's data phase (RFC 26): every frame travels as a MESSAGE command,
//! `\x07MESSAGE`, an 8-byte short nonce, then a box (16-byte tag first) of
//! one flags byte (MORE, COMMAND) and the payload.
//!
//! Owns: the connection's keys (one per direction: the shared key with
//! the direction's nonce prefix folded in, `DirectionKey`) and the nonce
//! counters after the handshake. A frame is sealed in place in the one buffer that goes on
//! the wire (no copy of the payload but the one into that buffer), and
//! opened straight into the buffer the received message keeps; large ones
//! use the pooled buffers of `msg::large`. Received nonces must increase;
//! ours never wrap (the connection ends first).

use crate::msg::{large, Msg, COMMAND, MAX_INLINE};
use crate::util::curve::{BoxKey, DirectionKey, TAG_LEN};
use crate::zmtp::error::{CommandKind, ProtocolError};
use bytes::Bytes;

const NAME: &[u8; 8] = b"\x07MESSAGE";
/// Name, short nonce, tag: what comes before the encrypted flags byte.
const HEAD: usize = NAME.len() + 8 + TAG_LEN;

/// The sealing side of the data phase.
#[derive(Debug)]
pub struct MessageBox {
    /// Our nonces' key ("...MESSAGEC" from a client), and the peer's.
    ours: DirectionKey,
    theirs: DirectionKey,
    /// The next short nonce to send; the last one received.
    nonce_out: u64,
    nonce_in: u64,
}

/// A buffer of exactly `len` bytes, filled by `fill`, as a `Bytes`:
/// pooled and placed when large, a plain block otherwise.
fn frame_buf(len: usize, fill: impl FnOnce(&mut [u8])) -> Result<Bytes, ProtocolError> {
    if len >= large::MIN {
        let mut f = large::Filling::new(len).ok_or(ProtocolError::MessageTooLarge(len as u64))?;
        fill(&mut f.spare_mut()[..len]);
        f.filled(len);
        Ok(f.freeze())
    } else {
        let mut v = vec![0u8; len];
        fill(&mut v);
        Ok(Bytes::from(v))
    }
}

impl MessageBox {
    /// Takes over `key` and the counters where the handshake left them.
    pub fn new(key: BoxKey, server: bool, nonce_out: u64, nonce_in: u64) -> MessageBox {
        let (ours, theirs) = if server {
            (b"CurveZMQMESSAGES", b"CurveZMQMESSAGEC")
        } else {
            (b"CurveZMQMESSAGEC", b"CurveZMQMESSAGES")
        };
        MessageBox {
            ours: DirectionKey::new(&key, ours),
            theirs: DirectionKey::new(&key, theirs),
            nonce_out,
            nonce_in,
        }
    }

    fn next_nonce(&mut self) -> Result<[u8; 8], ProtocolError> {
        let n = self.nonce_out;
        if n == u64::MAX {
            return Err(ProtocolError::NonceExhausted);
        }
        self.nonce_out += 1;
        Ok(n.to_be_bytes())
    }

    /// The MESSAGE frame carrying `msg`. As libzmq 4.3 does, it is a data
    /// frame (not flagged COMMAND) whose MORE flag mirrors the one inside.
    pub fn seal(&mut self, msg: &Msg) -> Result<Msg, ProtocolError> {
        let data = msg.data();
        let flags = msg.more() as u8 | (msg.is_command() as u8) << 1;
        let short = self.next_nonce()?;
        let key = &self.ours;
        let frame = frame_buf(HEAD + 1 + data.len(), |buf| {
            let (head, body) = buf.split_at_mut(HEAD);
            head[..8].copy_from_slice(NAME);
            head[8..16].copy_from_slice(&short);
            let mut tag = [0u8; TAG_LEN];
            key.seal_prefixed(&short, flags, data, body, &mut tag);
            head[16..].copy_from_slice(&tag);
        })?;
        let mut m = Msg::from_bytes(frame);
        m.set_more(msg.more());
        Ok(m)
    }

    /// The frame inside a received MESSAGE, if it authenticates and its
    /// nonce is new.
    pub fn open(&mut self, msg: &Msg) -> Result<Msg, ProtocolError> {
        let d = msg.data();
        if d.len() < NAME.len() || &d[..NAME.len()] != NAME {
            return Err(ProtocolError::UnexpectedCommand);
        }
        if d.len() < HEAD + 1 {
            return Err(ProtocolError::MalformedCommand(CommandKind::Message));
        }
        let short: [u8; 8] = d[8..16].try_into().unwrap_or_default();
        let v = u64::from_be_bytes(short);
        if v <= self.nonce_in {
            return Err(ProtocolError::InvalidSequence);
        }
        let tag: [u8; TAG_LEN] = d[16..HEAD].try_into().unwrap_or_default();
        let cipher = &d[HEAD..];
        let key = &self.theirs;
        let bad = ProtocolError::MalformedCommand(CommandKind::Message);
        let (flags, mut m) = if cipher.len() - 1 <= MAX_INLINE {
            let mut plain = [0u8; MAX_INLINE + 1];
            let plain = &mut plain[..cipher.len()];
            if !key.open_into(&short, cipher, &tag, plain) {
                return Err(bad);
            }
            (plain[0], Msg::from_slice(&plain[1..]))
        } else {
            let mut ok = false;
            let plain = frame_buf(cipher.len(), |out| ok = key.open_into(&short, cipher, &tag, out))?;
            if !ok {
                return Err(bad);
            }
            (plain[0], Msg::from_bytes(plain.slice(1..)))
        };
        // Only an authenticated nonce moves the counter.
        self.nonce_in = v;
        m.set_more(flags & 0x01 != 0);
        if flags & 0x02 != 0 {
            m.set_flags(COMMAND);
        }
        Ok(m)
    }

    /// The counters (for tests).
    #[cfg(test)]
    pub fn set_nonce_out(&mut self, n: u64) {
        self.nonce_out = n;
    }
}
