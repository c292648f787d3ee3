//! The greeting exchange and protocol revision detection.
//!
//! We greet as ZMTP 3.1 in stages, the way libzmq 4.3 does, so that older
//! peers can still understand us:
//! 1. send the 10-byte signature `FF, 8-byte big-endian (routing-id length + 1), 7F`
//!    at once. To a ZMTP 1.0 peer this reads as the header of a long
//!    identity frame whose body (our routing id) follows;
//! 2. read the peer's first bytes: a first byte other than `FF`, or a tenth
//!    byte with bit 0 clear, means an unversioned ZMTP 1.0 peer whose bytes
//!    so far are the start of its identity frame;
//! 3. otherwise send the major version (3) and read the peer's revision byte:
//!    revision 0 or 1 (ZMTP 1.0-with-signature / 2.0) gets our socket-type
//!    byte (a 12-byte 2.0 greeting), anything else gets minor 1, the
//!    mechanism name, as-server and filler (the 64-byte 3.x greeting).
//!
//! Owns: only greeting bytes. Must not: touch frames after the greeting.

use super::error::ProtocolError;
use bytes::{Buf, BufMut, Bytes, BytesMut};

/// Length of the signature, of the 2.0 greeting and of the 3.x greeting.
pub const SIGNATURE_LEN: usize = 10;
pub const V2_GREETING_LEN: usize = 12;
pub const V3_GREETING_LEN: usize = 64;

/// The protocol spoken on a connection, as decided from the peer's greeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ZmtpVersion {
    /// ZMTP 1.0 without a signature: the peer's first bytes are its identity frame.
    V1Unversioned,
    /// A signature with revision 0: ZMTP 1.0 framing after a 12-byte greeting.
    V1,
    /// ZMTP 2.0 (revision 1).
    V2,
    /// ZMTP 3.0 (no SUBSCRIBE/CANCEL/PING commands).
    V3_0,
    /// ZMTP 3.1 (also used for any later minor or major version).
    V3_1,
}

impl ZmtpVersion {
    /// True when frames use the 2.0+ layout (flags byte first).
    pub fn uses_v2_framing(self) -> bool {
        self >= ZmtpVersion::V2
    }
    /// True when commands and security mechanisms exist (3.0 and later).
    pub fn has_commands(self) -> bool {
        self >= ZmtpVersion::V3_0
    }
}

/// What we learned from the peer's greeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerGreeting {
    pub version: ZmtpVersion,
    /// Raw major/minor bytes (0 for versions before 3).
    pub major: u8,
    pub minor: u8,
    /// 3.x only: mechanism name, NUL padded.
    pub mechanism: [u8; 20],
    /// 3.x only: the as-server byte (libzmq ignores it for NULL).
    pub as_server: bool,
    /// 1.0-with-signature / 2.0 only: the socket type byte.
    pub socket_type: Option<u8>,
    /// Unversioned 1.0 only: bytes read so far, which begin the peer's
    /// identity frame and must be fed to the 1.0 frame decoder first.
    pub leftover: Bytes,
}

/// Result of feeding bytes to the greeting exchange.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GreetingStatus {
    NeedMore,
    Done(PeerGreeting),
    Error(ProtocolError),
}

/// Our side of the greeting.
#[derive(Debug, Clone)]
pub struct GreetingConfig {
    /// Our socket type (ZMQ_PAIR...), sent as one byte to 2.0 peers.
    pub socket_type: u8,
    /// Length of our routing id, announced in the signature's padding.
    pub routing_id_len: usize,
    /// Our mechanism name, NUL padded ("NULL", "PLAIN", "CURVE").
    pub mechanism: [u8; 20],
    /// The as-server byte (libzmq sends 0 with NULL).
    pub as_server: bool,
}

/// Pads a mechanism name to the 20-byte wire field (longer names are cut).
pub fn mechanism_name(name: &str) -> [u8; 20] {
    let mut m = [0u8; 20];
    let n = name.len().min(20);
    m[..n].copy_from_slice(&name.as_bytes()[..n]);
    m
}

/// The incremental greeting exchange: feed it what arrives, send what it
/// produces (`take_output`), until it reports `Done` or `Error`.
#[derive(Debug)]
pub struct Greeting {
    cfg: GreetingConfig,
    recv: [u8; V3_GREETING_LEN],
    have: usize,
    expected: usize,
    sent_major: bool,
    sent_rest: bool,
    out: BytesMut,
    finished: bool,
}

impl Greeting {
    /// Starts the exchange; the signature is queued for output at once.
    pub fn new(cfg: GreetingConfig) -> Greeting {
        let mut out = BytesMut::with_capacity(V3_GREETING_LEN);
        out.put_u8(0xFF);
        out.put_u64(cfg.routing_id_len as u64 + 1);
        out.put_u8(0x7F);
        Greeting {
            cfg,
            recv: [0; V3_GREETING_LEN],
            have: 0,
            expected: V2_GREETING_LEN,
            sent_major: false,
            sent_rest: false,
            out,
            finished: false,
        }
    }

    /// Bytes to send to the peer now (possibly empty).
    pub fn take_output(&mut self) -> Bytes {
        self.out.split().freeze()
    }

    /// Consumes greeting bytes from the front of `input` (never more than
    /// the greeting), leaving any following frame bytes in place.
    pub fn feed(&mut self, input: &mut BytesMut) -> GreetingStatus {
        if self.finished {
            return GreetingStatus::Error(ProtocolError::Closed);
        }
        loop {
            // The next point where we must look at what arrived.
            let target = match self.have {
                0 => 1,
                1..=9 => SIGNATURE_LEN,
                10 => 11,
                _ => self.expected,
            };
            let n = (target - self.have).min(input.len());
            self.recv[self.have..self.have + n].copy_from_slice(&input[..n]);
            input.advance(n);
            self.have += n;
            if self.have < target {
                return GreetingStatus::NeedMore;
            }
            if self.recv[0] != 0xFF || (self.have == SIGNATURE_LEN && self.recv[9] & 0x01 == 0) {
                self.finished = true;
                return GreetingStatus::Done(PeerGreeting {
                    version: ZmtpVersion::V1Unversioned,
                    major: 0,
                    minor: 0,
                    mechanism: [0; 20],
                    as_server: false,
                    socket_type: None,
                    leftover: Bytes::copy_from_slice(&self.recv[..self.have]),
                });
            }
            if self.have >= SIGNATURE_LEN && !self.sent_major {
                self.out.put_u8(3);
                self.sent_major = true;
            }
            if self.have > SIGNATURE_LEN && !self.sent_rest {
                self.sent_rest = true;
                if self.recv[10] <= 1 {
                    self.out.put_u8(self.cfg.socket_type);
                } else {
                    self.out.put_u8(1);
                    self.out.put_slice(&self.cfg.mechanism);
                    self.out.put_u8(self.cfg.as_server as u8);
                    self.out.put_bytes(0, 31);
                    self.expected = V3_GREETING_LEN;
                }
            }
            if self.have == self.expected {
                self.finished = true;
                return self.finish();
            }
        }
    }

    fn finish(&self) -> GreetingStatus {
        let r = &self.recv;
        let mut g = PeerGreeting {
            version: ZmtpVersion::V3_1,
            major: 0,
            minor: 0,
            mechanism: [0; 20],
            as_server: false,
            socket_type: None,
            leftover: Bytes::new(),
        };
        match r[10] {
            0 => {
                g.version = ZmtpVersion::V1;
                g.socket_type = Some(r[11]);
            }
            1 => {
                g.version = ZmtpVersion::V2;
                g.socket_type = Some(r[11]);
            }
            major => {
                g.major = major;
                g.minor = r[11];
                g.version = if major == 3 && r[11] == 0 {
                    ZmtpVersion::V3_0
                } else {
                    ZmtpVersion::V3_1
                };
                g.mechanism.copy_from_slice(&r[12..32]);
                g.as_server = r[32] != 0;
                if g.mechanism != self.cfg.mechanism {
                    return GreetingStatus::Error(ProtocolError::MechanismMismatch {
                        ours: self.cfg.mechanism,
                        theirs: g.mechanism,
                    });
                }
            }
        }
        GreetingStatus::Done(g)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(id_len: usize) -> GreetingConfig {
        GreetingConfig {
            socket_type: 5,
            routing_id_len: id_len,
            mechanism: mechanism_name("NULL"),
            as_server: false,
        }
    }

    fn v3_greeting(minor: u8, mech: &str) -> Vec<u8> {
        let mut g = vec![0xFF, 0, 0, 0, 0, 0, 0, 0, 1, 0x7F, 3, minor];
        g.extend_from_slice(&mechanism_name(mech));
        g.push(0);
        g.extend_from_slice(&[0; 31]);
        g
    }

    #[test]
    fn staged_output_matches_libzmq_capture() {
        // libzmq 4.3.4 DEALER with routing id "abc": first 10 bytes alone.
        let mut gr = Greeting::new(cfg(3));
        assert_eq!(
            &gr.take_output()[..],
            b"\xff\x00\x00\x00\x00\x00\x00\x00\x04\x7f"
        );
        let mut input = BytesMut::from(&v3_greeting(1, "NULL")[..9]);
        assert_eq!(gr.feed(&mut input), GreetingStatus::NeedMore);
        assert!(gr.take_output().is_empty());
        let mut input = BytesMut::from(&v3_greeting(1, "NULL")[9..]);
        input.extend_from_slice(b"\x04\x19rest");
        let st = gr.feed(&mut input);
        let GreetingStatus::Done(g) = st else {
            panic!("{st:?}")
        };
        assert_eq!(g.version, ZmtpVersion::V3_1);
        assert_eq!(&input[..], b"\x04\x19rest", "frame bytes left in place");
        let mut expect = vec![3u8, 1];
        expect.extend_from_slice(b"NULL");
        expect.extend_from_slice(&[0; 16 + 32]);
        assert_eq!(&gr.take_output()[..], &expect[..]);
    }

    #[test]
    fn byte_by_byte_and_versions() {
        for (minor, ver) in [
            (0u8, ZmtpVersion::V3_0),
            (1, ZmtpVersion::V3_1),
            (7, ZmtpVersion::V3_1),
        ] {
            let mut gr = Greeting::new(cfg(0));
            let bytes = v3_greeting(minor, "NULL");
            for (i, b) in bytes.iter().enumerate() {
                let st = gr.feed(&mut BytesMut::from(&[*b][..]));
                if i + 1 < bytes.len() {
                    assert_eq!(st, GreetingStatus::NeedMore);
                } else {
                    let GreetingStatus::Done(g) = st else {
                        panic!()
                    };
                    assert_eq!(g.version, ver);
                    assert_eq!(g.minor, minor);
                }
            }
        }
    }

    #[test]
    fn mechanism_mismatch() {
        let mut gr = Greeting::new(cfg(0));
        let st = gr.feed(&mut BytesMut::from(&v3_greeting(1, "CURVE")[..]));
        let GreetingStatus::Error(e) = st else {
            panic!()
        };
        assert_eq!(
            e.handshake_event_code(),
            Some(crate::constants::ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH)
        );
    }

    #[test]
    fn zmtp2_gets_socket_type_byte() {
        let mut gr = Greeting::new(cfg(0));
        gr.take_output();
        // ZMTP 2.0 greeting: signature, revision 1, socket type ROUTER (6).
        let mut input =
            BytesMut::from(&b"\xff\x00\x00\x00\x00\x00\x00\x00\x01\x7f\x01\x06\x00\x00"[..]);
        let GreetingStatus::Done(g) = gr.feed(&mut input) else {
            panic!()
        };
        assert_eq!((g.version, g.socket_type), (ZmtpVersion::V2, Some(6)));
        assert_eq!(&gr.take_output()[..], &[3u8, 5][..]);
        assert_eq!(&input[..], b"\x00\x00");
        let mut gr = Greeting::new(cfg(0));
        let GreetingStatus::Done(g) = gr.feed(&mut BytesMut::from(
            &b"\xff\x00\x00\x00\x00\x00\x00\x00\x01\x7f\x00\x06"[..],
        )) else {
            panic!()
        };
        assert_eq!(g.version, ZmtpVersion::V1);
    }

    #[test]
    fn unversioned_peers() {
        // Short identity frame "hi": length 3, flags 0.
        let mut gr = Greeting::new(cfg(0));
        let mut input = BytesMut::from(&b"\x03\x00hi"[..]);
        let GreetingStatus::Done(g) = gr.feed(&mut input) else {
            panic!()
        };
        assert_eq!(g.version, ZmtpVersion::V1Unversioned);
        assert_eq!(&g.leftover[..], b"\x03");
        assert_eq!(&input[..], b"\x00hi");
        // Long identity frame: FF + 8-byte length + flags 0 (bit 0 clear).
        let mut gr = Greeting::new(cfg(0));
        let mut input = BytesMut::from(&b"\xff\x00\x00\x00\x00\x00\x00\x01\x01\x00xyz"[..]);
        let GreetingStatus::Done(g) = gr.feed(&mut input) else {
            panic!()
        };
        assert_eq!(g.version, ZmtpVersion::V1Unversioned);
        assert_eq!(g.leftover.len(), 10);
        assert!(gr.take_output().len() == 10, "only the signature was sent");
    }
}
