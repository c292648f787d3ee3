//! ZAP (RFC 27) messages: the request a server mechanism asks the
//! application's authentication handler, and the handler's reply.
//!
//! Owns: the request/reply framing, as pure functions unit-tested byte by
//! byte. Must not: reach the handler (the session's `ZapClient` carries
//! these frames over an inproc pipe) or decide policy (the mechanisms turn
//! a reply into WELCOME/READY or ERROR).

use crate::msg::Msg;
use super::metadata::Properties;
use bytes::Bytes;

/// Where the application binds its ZAP handler.
pub const ZAP_ENDPOINT: &str = "inproc://zeromq.zap.01";
/// The only ZAP version.
pub const ZAP_VERSION: &[u8] = b"1.0";
/// Our request id: one request per connection is ever outstanding.
pub const REQUEST_ID: &[u8] = b"1";

/// One authentication request.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ZapRequest {
    pub domain: Bytes,
    /// The peer's IP address as text (empty for ipc).
    pub address: Bytes,
    /// Our socket's routing id (libzmq sends the server socket's own).
    pub routing_id: Bytes,
    /// "NULL", "PLAIN" or "CURVE".
    pub mechanism: &'static str,
    /// PLAIN: username, password; CURVE: the client's 32-byte public key.
    pub credentials: Vec<Bytes>,
}

impl ZapRequest {
    /// The request as frames (MORE on all but the last).
    pub fn frames(&self) -> Vec<Msg> {
        let mut parts: Vec<&[u8]> = vec![
            b"",
            ZAP_VERSION,
            REQUEST_ID,
            &self.domain,
            &self.address,
            &self.routing_id,
            self.mechanism.as_bytes(),
        ];
        for c in &self.credentials {
            parts.push(c);
        }
        let n = parts.len();
        parts
            .into_iter()
            .enumerate()
            .map(|(i, p)| {
                let mut m = if p.len() <= crate::msg::MAX_INLINE {
                    Msg::from_slice(p)
                } else {
                    Msg::from_bytes(Bytes::copy_from_slice(p))
                };
                m.set_more(i + 1 < n);
                m
            })
            .collect()
    }
}

/// The handler's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZapReply {
    /// "200", "300", "400" or "500".
    pub status_code: Bytes,
    pub status_text: Bytes,
    pub user_id: Bytes,
    pub metadata: Properties,
}

impl ZapReply {
    pub fn ok(&self) -> bool {
        &self.status_code[..] == b"200"
    }
    /// The status code as a number (200, 300, 400, 500).
    pub fn code(&self) -> u32 {
        std::str::from_utf8(&self.status_code)
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(500)
    }
}

/// Parses a reply; on failure returns the `ZMQ_PROTOCOL_ERROR_ZAP_*` code
/// libzmq reports for it.
pub fn parse_reply(frames: &[Msg]) -> Result<ZapReply, i32> {
    use crate::constants::*;
    if frames.len() != 7 || !frames[0].data().is_empty() {
        return Err(ZMQ_PROTOCOL_ERROR_ZAP_MALFORMED_REPLY);
    }
    if frames[1].data() != ZAP_VERSION {
        return Err(ZMQ_PROTOCOL_ERROR_ZAP_BAD_VERSION);
    }
    if frames[2].data() != REQUEST_ID {
        return Err(ZMQ_PROTOCOL_ERROR_ZAP_BAD_REQUEST_ID);
    }
    let code = frames[3].data();
    if !matches!(code, b"200" | b"300" | b"400" | b"500") {
        return Err(ZMQ_PROTOCOL_ERROR_ZAP_INVALID_STATUS_CODE);
    }
    let metadata =
        Properties::parse(&frames[6].to_bytes()).map_err(|_| ZMQ_PROTOCOL_ERROR_ZAP_INVALID_METADATA)?;
    Ok(ZapReply {
        status_code: Bytes::copy_from_slice(code),
        status_text: frames[4].to_bytes(),
        user_id: frames[5].to_bytes(),
        metadata,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msgs(parts: &[&[u8]]) -> Vec<Msg> {
        let n = parts.len();
        parts
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let mut m = Msg::from_slice(p);
                m.set_more(i + 1 < n);
                m
            })
            .collect()
    }

    #[test]
    fn request_frames() {
        let r = ZapRequest {
            domain: Bytes::from_static(b"global"),
            address: Bytes::from_static(b"127.0.0.1"),
            routing_id: Bytes::from_static(b"IDENT"),
            mechanism: "PLAIN",
            credentials: vec![Bytes::from_static(b"admin"), Bytes::from_static(b"secret")],
        };
        let f = r.frames();
        let data: Vec<&[u8]> = f.iter().map(|m| m.data()).collect();
        assert_eq!(
            data,
            vec![&b""[..], b"1.0", b"1", b"global", b"127.0.0.1", b"IDENT", b"PLAIN", b"admin", b"secret"]
        );
        assert!(f[..8].iter().all(|m| m.more()));
        assert!(!f[8].more());
    }

    #[test]
    fn replies() {
        use crate::constants::*;
        let r = parse_reply(&msgs(&[b"", b"1.0", b"1", b"200", b"OK", b"anonymous", b"\x05Hello\x00\x00\x00\x05World"]))
            .unwrap();
        assert!(r.ok());
        assert_eq!(&r.user_id[..], b"anonymous");
        assert_eq!(r.metadata.get("Hello").map(|b| &b[..]), Some(&b"World"[..]));
        let r = parse_reply(&msgs(&[b"", b"1.0", b"1", b"400", b"No", b"", b""])).unwrap();
        assert!(!r.ok());
        assert_eq!(r.code(), 400);
        let bad = |p: &[&[u8]]| parse_reply(&msgs(p)).unwrap_err();
        assert_eq!(bad(&[b"", b"1.0", b"1", b"200", b"", b""]), ZMQ_PROTOCOL_ERROR_ZAP_MALFORMED_REPLY);
        assert_eq!(bad(&[b"x", b"1.0", b"1", b"200", b"", b"", b""]), ZMQ_PROTOCOL_ERROR_ZAP_MALFORMED_REPLY);
        assert_eq!(bad(&[b"", b"2.0", b"1", b"200", b"", b"", b""]), ZMQ_PROTOCOL_ERROR_ZAP_BAD_VERSION);
        assert_eq!(bad(&[b"", b"1.0", b"7", b"200", b"", b"", b""]), ZMQ_PROTOCOL_ERROR_ZAP_BAD_REQUEST_ID);
        assert_eq!(bad(&[b"", b"1.0", b"1", b"201", b"", b"", b""]), ZMQ_PROTOCOL_ERROR_ZAP_INVALID_STATUS_CODE);
        assert_eq!(bad(&[b"", b"1.0", b"1", b"200", b"", b"", b"\x05"]), ZMQ_PROTOCOL_ERROR_ZAP_INVALID_METADATA);
    }
}
