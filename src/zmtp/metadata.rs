//! ZMTP metadata properties (the body of READY and of CURVE's INITIATE):
//! a sequence of `name-length(1) name value-length(4, big-endian) value`.
//!
//! Parsing is strict about structure (every length must fit in what is left)
//! and lenient about content, as libzmq is: names are compared
//! case-insensitively (RFC 23), values are opaque bytes.

use super::error::ProtocolError;
use bytes::{BufMut, Bytes};

/// The property carrying the peer's socket type name ("DEALER", ...).
pub const SOCKET_TYPE: &str = "Socket-Type";
/// The property carrying the peer's routing id.
pub const IDENTITY: &str = "Identity";

/// An ordered list of metadata properties.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Properties {
    items: Vec<(String, Bytes)>,
}

impl Properties {
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a property. Names longer than 255 bytes are truncated by
    /// `encode`'s caller contract; keep them short (libzmq limits X- names).
    pub fn push(&mut self, name: &str, value: impl Into<Bytes>) {
        self.items.push((name.to_string(), value.into()));
    }

    /// The first property named `name` (case-insensitive).
    pub fn get(&self, name: &str) -> Option<&Bytes> {
        self.items
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &Bytes)> {
        self.items.iter().map(|(n, v)| (n.as_str(), v))
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Number of bytes `encode` appends.
    pub fn encoded_len(&self) -> usize {
        self.items
            .iter()
            .map(|(n, v)| 1 + n.len().min(255) + 4 + v.len())
            .sum()
    }

    /// Appends the wire form to `out`. A name is cut at 255 bytes; a value
    /// longer than 4 GiB - 1 is cut (neither can come from a sane caller).
    pub fn encode(&self, out: &mut impl BufMut) {
        for (n, v) in &self.items {
            let name = &n.as_bytes()[..n.len().min(255)];
            let value = &v[..v.len().min(u32::MAX as usize)];
            out.put_u8(name.len() as u8);
            out.put_slice(name);
            out.put_u32(value.len() as u32);
            out.put_slice(value);
        }
    }

    /// Parses a metadata block. `src` is the whole block; values are sliced
    /// out of it without copying. Names that are not UTF-8 are rejected.
    pub fn parse(src: &Bytes) -> Result<Properties, ProtocolError> {
        let mut items = Vec::new();
        let mut pos = 0usize;
        let len = src.len();
        while pos < len {
            let name_len = src[pos] as usize;
            pos += 1;
            if len - pos < name_len {
                return Err(ProtocolError::InvalidMetadata);
            }
            let name = std::str::from_utf8(&src[pos..pos + name_len])
                .map_err(|_| ProtocolError::InvalidMetadata)?
                .to_string();
            pos += name_len;
            if len - pos < 4 {
                return Err(ProtocolError::InvalidMetadata);
            }
            let vlen =
                u32::from_be_bytes([src[pos], src[pos + 1], src[pos + 2], src[pos + 3]]) as usize;
            pos += 4;
            if len - pos < vlen {
                return Err(ProtocolError::InvalidMetadata);
            }
            items.push((name, src.slice(pos..pos + vlen)));
            pos += vlen;
        }
        Ok(Properties { items })
    }

    /// Converts to the `Metadata` attached to received messages
    /// (`zmq_msg_gets`); values are cut at their first NUL, as C strings are.
    pub fn to_msg_metadata(&self) -> crate::msg::Metadata {
        let mut m = crate::msg::Metadata::new();
        for (n, v) in &self.items {
            m.set(n, v);
        }
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_byte_exact() {
        let mut p = Properties::new();
        p.push(SOCKET_TYPE, &b"DEALER"[..]);
        p.push(IDENTITY, &b"abc"[..]);
        let mut out = Vec::new();
        p.encode(&mut out);
        // Captured from libzmq 4.3.4 (DEALER, routing id "abc") after "\x05READY".
        let expect = b"\x0bSocket-Type\x00\x00\x00\x06DEALER\x08Identity\x00\x00\x00\x03abc";
        assert_eq!(out, &expect[..]);
        assert_eq!(p.encoded_len(), out.len());
        let q = Properties::parse(&Bytes::from(out)).unwrap();
        assert_eq!(q, p);
        assert_eq!(q.get("socket-type").unwrap(), &b"DEALER"[..]);
        assert_eq!(q.get("X-Nope"), None);
    }

    #[test]
    fn empty_and_zero_length_values() {
        assert!(Properties::parse(&Bytes::new()).unwrap().is_empty());
        let q = Properties::parse(&Bytes::from_static(b"\x08Identity\x00\x00\x00\x00")).unwrap();
        assert_eq!(q.get(IDENTITY).unwrap().len(), 0);
    }

    #[test]
    fn truncations_are_errors() {
        let full = b"\x0bSocket-Type\x00\x00\x00\x03SUB";
        for cut in 1..full.len() {
            let r = Properties::parse(&Bytes::copy_from_slice(&full[..cut]));
            assert_eq!(r, Err(ProtocolError::InvalidMetadata), "cut at {cut}");
        }
        // A value length far beyond the buffer must not allocate or panic.
        let huge = Bytes::from_static(b"\x01X\xff\xff\xff\xffabc");
        assert_eq!(
            Properties::parse(&huge),
            Err(ProtocolError::InvalidMetadata)
        );
    }
}
