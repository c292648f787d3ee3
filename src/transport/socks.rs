//! The client side of a SOCKS5 handshake (RFC 1928, with the
//! username/password method of RFC 1929), for `ZMQ_SOCKS_PROXY`: bytes in,
//! bytes out, no I/O.
//!
//! Owns: what is said to the proxy and the checks of its answers, as
//! libzmq's SOCKS connecter does them: one method offered (none, or
//! username/password when `ZMQ_SOCKS_USERNAME` is set), a CONNECT to the
//! target as an IPv4 or IPv6 address when it is numeric and as a domain
//! name (resolved by the proxy) otherwise, and success only on reply 0.
//! It reads exactly the bytes of each answer (`wanted`), so nothing the
//! target sends after the proxy's reply is consumed here.
//! Must not: touch sockets, timers or monitor events (the session does).

use crate::error::{ZResult, EINVAL};
use std::net::IpAddr;

/// Why the proxy's answer ends the attempt.
#[derive(Debug, PartialEq, Eq)]
pub enum SocksError {
    /// Not what the protocol allows (wrong version, reserved bits, an
    /// address type that does not exist, a method we did not offer).
    Malformed,
    /// The proxy declined the credentials (RFC 1929 status != 0).
    AuthRefused,
    /// The proxy refused the CONNECT (RFC 1928 reply code, != 0).
    Refused(u8),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Waiting for the method the proxy chose (2 bytes).
    Choice,
    /// Waiting for the RFC 1929 status (2 bytes).
    AuthStatus,
    /// Waiting for the CONNECT reply (5 bytes, then the rest of its
    /// address and the port).
    Reply,
    Done,
}

const NO_AUTH: u8 = 0x00;
const USER_PASS: u8 = 0x02;

#[derive(Debug)]
pub struct Socks5 {
    phase: Phase,
    /// What is still to be written to the proxy.
    out: Vec<u8>,
    /// The answer being read, and how many bytes of it have arrived.
    answer: [u8; 262],
    have: usize,
    method: u8,
    /// The RFC 1929 request, sent once the proxy chose username/password.
    auth: Vec<u8>,
    /// The CONNECT request, sent once authentication (if any) is done.
    request: Vec<u8>,
}

impl Socks5 {
    /// A handshake asking the proxy to connect to `target` (`host:port` of
    /// a tcp endpoint, the host possibly in brackets). With a non-empty
    /// `username`, offers username/password authentication only.
    /// EINVAL for a target libzmq could not ask for either (no port, port
    /// 0, a host name longer than 255 bytes).
    pub fn new(target: &str, username: &[u8], password: &[u8]) -> ZResult<Socks5> {
        let request = connect_request(target)?;
        let (method, auth) = if username.is_empty() {
            (NO_AUTH, Vec::new())
        } else {
            // The option table caps both at 255 bytes.
            let ulen = u8::try_from(username.len()).map_err(|_| EINVAL)?;
            let plen = u8::try_from(password.len()).map_err(|_| EINVAL)?;
            let mut a = vec![0x01, ulen];
            a.extend_from_slice(username);
            a.push(plen);
            a.extend_from_slice(password);
            (USER_PASS, a)
        };
        Ok(Socks5 { phase: Phase::Choice, out: vec![0x05, 1, method], answer: [0; 262], have: 0, method, auth, request })
    }

    /// Bytes to write to the proxy now.
    pub fn output(&self) -> &[u8] {
        &self.out
    }

    /// `n` bytes of `output` were written.
    pub fn advance_output(&mut self, n: usize) {
        self.out.drain(..n.min(self.out.len()));
    }

    /// How many bytes to read next: never more than the rest of the
    /// current answer (0 while output is pending or once done).
    pub fn wanted(&self) -> usize {
        if !self.out.is_empty() {
            return 0;
        }
        match self.phase {
            Phase::Choice | Phase::AuthStatus => 2 - self.have,
            Phase::Reply => self.reply_len() - self.have,
            Phase::Done => 0,
        }
    }

    pub fn is_done(&self) -> bool {
        self.phase == Phase::Done
    }

    /// Takes bytes read from the proxy (at most `wanted()` of them).
    pub fn input(&mut self, data: &[u8]) -> Result<(), SocksError> {
        if self.wanted() == 0 {
            return Ok(());
        }
        let n = data.len().min(self.wanted());
        self.answer[self.have..self.have + n].copy_from_slice(&data[..n]);
        self.have += n;
        if self.wanted() > 0 {
            return self.check_partial();
        }
        self.check_partial()?;
        let a = self.answer;
        self.have = 0;
        match self.phase {
            Phase::Choice => {
                if a[1] != self.method {
                    return Err(SocksError::Malformed);
                }
                if self.method == USER_PASS {
                    self.out = std::mem::take(&mut self.auth);
                    self.phase = Phase::AuthStatus;
                } else {
                    self.out = std::mem::take(&mut self.request);
                    self.phase = Phase::Reply;
                }
            }
            Phase::AuthStatus => {
                if a[1] != 0 {
                    return Err(SocksError::AuthRefused);
                }
                self.out = std::mem::take(&mut self.request);
                self.phase = Phase::Reply;
            }
            Phase::Reply => {
                if a[1] != 0 {
                    return Err(SocksError::Refused(a[1]));
                }
                self.phase = Phase::Done;
            }
            Phase::Done => {}
        }
        Ok(())
    }

    /// The length of the CONNECT reply, once its address type is known.
    fn reply_len(&self) -> usize {
        if self.have < 5 {
            return 5;
        }
        match self.answer[3] {
            0x01 => 4 + 4 + 2,
            0x03 => 4 + 1 + usize::from(self.answer[4]) + 2,
            _ => 4 + 16 + 2,
        }
    }

    /// Checks the fields that have arrived, as soon as they arrive.
    fn check_partial(&self) -> Result<(), SocksError> {
        let a = &self.answer[..self.have];
        let ok = match self.phase {
            Phase::Choice => a.first().is_none_or(|&v| v == 0x05),
            Phase::AuthStatus => a.first().is_none_or(|&v| v == 0x01),
            Phase::Reply => {
                a.first().is_none_or(|&v| v == 0x05)
                    && a.get(1).is_none_or(|&r| r <= 0x08)
                    && a.get(2).is_none_or(|&r| r == 0)
                    && a.get(3).is_none_or(|t| matches!(t, 0x01 | 0x03 | 0x04))
            }
            Phase::Done => true,
        };
        if ok {
            Ok(())
        } else {
            Err(SocksError::Malformed)
        }
    }
}

/// The CONNECT request for `host:port`.
fn connect_request(target: &str) -> ZResult<Vec<u8>> {
    let i = target.rfind(':').ok_or(EINVAL)?;
    let (host, port) = (&target[..i], &target[i + 1..]);
    let host = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host);
    let port: u16 = port.parse().map_err(|_| EINVAL)?;
    if port == 0 {
        return Err(EINVAL);
    }
    let mut r = vec![0x05, 0x01, 0x00];
    match host.parse::<IpAddr>() {
        Ok(IpAddr::V4(a)) => {
            r.push(0x01);
            r.extend_from_slice(&a.octets());
        }
        Ok(IpAddr::V6(a)) => {
            r.push(0x04);
            r.extend_from_slice(&a.octets());
        }
        Err(_) => {
            r.push(0x03);
            r.push(u8::try_from(host.len()).map_err(|_| EINVAL)?);
            r.extend_from_slice(host.as_bytes());
        }
    }
    r.extend_from_slice(&port.to_be_bytes());
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs the handshake against scripted answers; returns what the
    /// client wrote, and how it ended.
    fn run(mut c: Socks5, answers: &[&[u8]]) -> (Vec<u8>, Result<bool, SocksError>) {
        let mut written = Vec::new();
        for a in answers {
            written.extend_from_slice(c.output());
            let n = c.output().len();
            c.advance_output(n);
            // one byte at a time: every split must work
            for b in a.iter() {
                if c.wanted() == 0 {
                    break;
                }
                if let Err(e) = c.input(std::slice::from_ref(b)) {
                    return (written, Err(e));
                }
            }
        }
        written.extend_from_slice(c.output());
        (written, Ok(c.is_done()))
    }

    #[test]
    fn no_auth_ipv4_target() {
        let c = Socks5::new("127.0.0.1:5555", b"", b"").unwrap();
        let (w, r) = run(c, &[&[5, 0], &[5, 0, 0, 1, 10, 0, 0, 1, 0x12, 0x34]]);
        assert_eq!(r, Ok(true));
        assert_eq!(w, [5, 1, 0, 5, 1, 0, 1, 127, 0, 0, 1, 0x15, 0xb3]);
    }

    #[test]
    fn user_pass_and_domain_and_ipv6() {
        let c = Socks5::new("example.org:80", b"ab", b"xyz").unwrap();
        let reply: &[u8] = &[5, 0, 0, 3, 3, b'a', b'b', b'c', 0, 80];
        let (w, r) = run(c, &[&[5, 2], &[1, 0], reply]);
        assert_eq!(r, Ok(true));
        let mut want = vec![5, 1, 2, 1, 2, b'a', b'b', 3, b'x', b'y', b'z', 5, 1, 0, 3, 11];
        want.extend_from_slice(b"example.org");
        want.extend_from_slice(&[0, 80]);
        assert_eq!(w, want);
        let c = Socks5::new("[::1]:1", b"", b"").unwrap();
        let mut reply = vec![5, 0, 0, 4];
        reply.extend_from_slice(&[0; 18]);
        let (w, r) = run(c, &[&[5, 0], &reply]);
        assert_eq!(r, Ok(true));
        assert_eq!(&w[3..8], &[5, 1, 0, 4, 0]);
        assert_eq!(w.len(), 3 + 4 + 16 + 2);
    }

    #[test]
    fn refusals_and_lies_end_the_attempt() {
        let new = || Socks5::new("127.0.0.1:1", b"", b"").unwrap();
        assert_eq!(run(new(), &[&[4, 0]]).1, Err(SocksError::Malformed));
        // a method we did not offer, or "none acceptable"
        assert_eq!(run(new(), &[&[5, 2]]).1, Err(SocksError::Malformed));
        assert_eq!(run(new(), &[&[5, 0xff]]).1, Err(SocksError::Malformed));
        assert_eq!(run(new(), &[&[5, 0], &[5, 5, 0, 1, 0, 0, 0, 0, 0, 0]]).1, Err(SocksError::Refused(5)));
        assert_eq!(run(new(), &[&[5, 0], &[5, 9]]).1, Err(SocksError::Malformed));
        assert_eq!(run(new(), &[&[5, 0], &[5, 0, 1]]).1, Err(SocksError::Malformed));
        assert_eq!(run(new(), &[&[5, 0], &[5, 0, 0, 2]]).1, Err(SocksError::Malformed));
        let auth = Socks5::new("127.0.0.1:1", b"u", b"p").unwrap();
        assert_eq!(run(auth, &[&[5, 2], &[1, 1]]).1, Err(SocksError::AuthRefused));
    }

    #[test]
    fn never_reads_past_the_reply() {
        let mut c = Socks5::new("127.0.0.1:1", b"", b"").unwrap();
        c.advance_output(3);
        assert_eq!(c.wanted(), 2);
        c.input(&[5, 0]).unwrap();
        assert_eq!(c.wanted(), 0, "the request is to be written first");
        let n = c.output().len();
        c.advance_output(n);
        assert_eq!(c.wanted(), 5);
        c.input(&[5, 0, 0, 3, 200]).unwrap();
        assert_eq!(c.wanted(), 202);
        c.input(&[0; 202]).unwrap();
        assert!(c.is_done() && c.wanted() == 0);
    }

    #[test]
    fn targets_libzmq_cannot_ask_for() {
        assert_eq!(Socks5::new("host", b"", b"").unwrap_err(), EINVAL);
        assert_eq!(Socks5::new("host:0", b"", b"").unwrap_err(), EINVAL);
        let long = format!("{}:1", "h".repeat(256));
        assert_eq!(Socks5::new(&long, b"", b"").unwrap_err(), EINVAL);
    }
}
