//! The I/O-thread side of a udp:// endpoint: one datagram socket and the
//! pipe to its RADIO, DISH or DGRAM socket. There is no connection and no
//! handshake (libzmq's `udp_engine_t`).
//!
//! Datagrams, as libzmq 4.3 frames them:
//! - RADIO -> DISH: `group length (1 byte), group, body`; the pipe carries
//!   the group frame (MORE) then the body (`socket::radio`), and the DISH
//!   side writes them back as two frames (`socket::dish` joins them). The
//!   JOIN/LEAVE commands a DISH writes are dropped: with udp, filtering is
//!   the DISH's own.
//! - DGRAM: the datagram is the body; the pipe carries the peer's
//!   `ip:port` (MORE), then the body, both ways.
//!
//! UDP is lossy: a datagram that finds the pipe full is dropped, as one
//! that is malformed (a group length past the datagram). Owns: the socket
//! and the framing above. Must not: route.

use super::SockRef;
use crate::constants::draft::{ZMQ_DGRAM, ZMQ_DISH, ZMQ_RADIO};
use crate::io::mailbox::Notify;
use crate::io::reactor::{token, Handler, Io, TimerId};
use crate::msg::{Msg, GROUP_MAX_LENGTH};
use crate::pipe::{PipeEnd, Read};
use mio::Interest;
use std::io::ErrorKind;
use std::net::SocketAddr;
use std::os::raw::c_int;

/// Largest datagram read (the UDP payload limit over IPv6; over IPv4 it
/// is 65507).
const MAX_DATAGRAM: usize = 65527;

/// Splits a RADIO -> DISH datagram into its group and body; None when it
/// is malformed (empty, or a group length past the datagram).
pub fn split_group_datagram(d: &[u8]) -> Option<(&[u8], &[u8])> {
    let (&glen, rest) = d.split_first()?;
    let glen = glen as usize;
    // (GROUP_MAX_LENGTH is 255: a one-byte length never exceeds it.)
    if glen > GROUP_MAX_LENGTH || glen > rest.len() {
        return None;
    }
    Some(rest.split_at(glen))
}

/// The datagram a RADIO sends for a message of `group`; None when the
/// group is longer than GROUP_MAX_LENGTH (it has no one-byte length).
pub fn encode_group_datagram(group: &[u8], body: &[u8]) -> Option<Vec<u8>> {
    let glen = u8::try_from(group.len()).ok().filter(|&l| l as usize <= GROUP_MAX_LENGTH)?;
    let mut d = Vec::with_capacity(1 + group.len() + body.len());
    d.push(glen);
    d.extend_from_slice(group);
    d.extend_from_slice(body);
    Some(d)
}

/// The two frames a datagram `d` from `from` becomes in the pipe of a
/// socket of `kind`: DISH, the group (MORE) then the body; DGRAM, the
/// sender's `ip:port` (MORE) then the datagram. None: dropped (malformed,
/// or a socket type that never receives, RADIO).
pub fn decode_datagram(kind: c_int, d: &[u8], from: SocketAddr) -> Option<(Msg, Msg)> {
    let (mut head, body) = match kind {
        ZMQ_DGRAM => (Msg::from_slice(from.to_string().as_bytes()), Msg::from_slice(d)),
        ZMQ_DISH => {
            let (g, body) = split_group_datagram(d)?;
            (Msg::from_slice(g), Msg::from_slice(body))
        }
        _ => return None,
    };
    head.set_more(true);
    Some((head, body))
}

/// The destination a DGRAM message's address frame names (`ip:port`, as
/// `decode_datagram` writes it); None when it does not parse.
pub fn parse_dgram_address(frame: &[u8]) -> Option<SocketAddr> {
    std::str::from_utf8(frame).ok()?.parse().ok()
}

pub struct UdpSession {
    sock: mio::net::UdpSocket,
    pipe: Option<PipeEnd>,
    owner: SockRef,
    endpoint: String,
    /// Where RADIO datagrams go (connect); None for a bound socket.
    dest: Option<SocketAddr>,
    /// DGRAM: the address frame of the outgoing message being read.
    out_addr: Option<SocketAddr>,
    /// RADIO: the group frame of the outgoing message being read.
    out_group: Option<Msg>,
    /// A datagram the kernel did not take yet.
    blocked: Option<(Vec<u8>, SocketAddr)>,
    buf: Vec<u8>,
}

impl UdpSession {
    pub fn new(sock: mio::net::UdpSocket, pipe: PipeEnd, owner: SockRef, endpoint: String, dest: Option<SocketAddr>) -> UdpSession {
        UdpSession {
            sock,
            pipe: Some(pipe),
            owner,
            endpoint,
            dest,
            out_addr: None,
            out_group: None,
            blocked: None,
            buf: vec![0; MAX_DATAGRAM],
        }
    }

    fn kind(&self) -> i32 {
        self.owner.options.socket_type
    }

    fn finish(&mut self, io: &mut Io) {
        let _ = io.registry().deregister(&mut self.sock);
        if let Some(mut p) = self.pipe.take() {
            io.pipe_owner.remove(&p.id());
            p.terminate();
        }
        io.remove_me = true;
    }

    /// Reads every datagram waiting and hands it to the socket.
    fn read_all(&mut self) {
        loop {
            let (n, from) = match self.sock.recv_from(&mut self.buf) {
                Ok(r) => r,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(_) => return,
            };
            let Some(p) = self.pipe.as_mut() else { return };
            // Malformed or (RADIO) never received: dropped. A full pipe
            // drops it too (UDP is lossy).
            let Some((head, body)) = decode_datagram(self.owner.options.socket_type, &self.buf[..n], from) else {
                continue;
            };
            if !p.check_write() {
                continue;
            }
            let _ = p.write(head);
            let _ = p.write(body);
        }
    }

    /// Sends what the socket queued; false when the kernel is full.
    fn pump_out(&mut self) -> bool {
        if let Some((d, to)) = self.blocked.take() {
            if !self.send_to(d, to) {
                return false;
            }
        }
        loop {
            let Some(p) = self.pipe.as_mut() else { return true };
            let Read::Msg(m) = p.read() else { return true };
            let kind = self.kind();
            if kind == ZMQ_RADIO {
                if m.more() {
                    self.out_group = Some(m);
                    continue;
                }
                let Some(g) = self.out_group.take() else { continue };
                let Some(to) = self.dest else { continue };
                // (A RADIO's group frames are never too long: `Msg::set_group`.)
                let Some(d) = encode_group_datagram(g.data(), m.data()) else { continue };
                if !self.send_to(d, to) {
                    return false;
                }
            } else if kind == ZMQ_DGRAM {
                if m.more() {
                    self.out_addr = parse_dgram_address(m.data());
                    continue;
                }
                // An address that does not parse drops the message.
                let Some(to) = self.out_addr.take() else { continue };
                if !self.send_to(m.data().to_vec(), to) {
                    return false;
                }
            }
            // DISH: JOIN/LEAVE mean nothing on udp.
        }
    }

    fn send_to(&mut self, d: Vec<u8>, to: SocketAddr) -> bool {
        loop {
            match self.sock.send_to(&d, to) {
                Ok(_) => return true,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) if e.kind() == ErrorKind::WouldBlock => {
                    self.blocked = Some((d, to));
                    return false;
                }
                // Unreachable, too big...: that datagram is lost, as with libzmq.
                Err(_) => return true,
            }
        }
    }
}

impl Handler for UdpSession {
    fn start(&mut self, io: &mut Io, key: usize) {
        if io.registry().register(&mut self.sock, token(key), Interest::READABLE | Interest::WRITABLE).is_err() {
            self.finish(io);
            return;
        }
        if let Some(p) = &self.pipe {
            io.pipe_owner.insert(p.id(), key);
        }
        if self.pipe.as_ref().is_some_and(|p| p.peer_closed()) {
            self.pump_out();
            self.finish(io);
            return;
        }
        self.read_all();
        self.pump_out();
    }

    fn ready(&mut self, _io: &mut Io, _key: usize, readable: bool, writable: bool) {
        if readable {
            self.read_all();
        }
        if writable {
            self.pump_out();
        }
    }

    fn timer(&mut self, _io: &mut Io, _key: usize, _id: TimerId) {}

    fn notify(&mut self, io: &mut Io, _key: usize, n: Notify) {
        match n {
            Notify::ReadReady(_) | Notify::PeerAttached(_) => {
                self.pump_out();
            }
            // The socket read: room again (datagrams that found none were lost).
            Notify::WriteReady(_) => self.read_all(),
            Notify::Closed(_) => {
                self.pump_out();
                self.finish(io);
            }
            Notify::StatsRequest(_) => {
                if let Some(p) = self.pipe.as_ref() {
                    p.answer_stats();
                }
            }
            // Sessions never ask.
            Notify::StatsReply(_) => {}
        }
    }

    fn owner(&self) -> (u64, &str) {
        (self.owner.socket_id, &self.endpoint)
    }

    // A udp session ends with its socket's zmq_close, not later with the
    // pipe: the port must be free when zmq_close returns, so that a bind of
    // the same port right after works (CZMQ's zsock selftest closes a DGRAM
    // on udp://*:7777 and binds a group on port 7777 next; libzmq opens udp
    // sockets on its I/O thread, after the old one closed there).
    fn holds_pipe(&self) -> bool {
        false
    }

    // What the socket already queued goes out first (datagrams the kernel
    // cannot take now are lost, as on any full udp socket).
    fn close(&mut self, io: &mut Io, _key: usize) {
        self.pump_out();
        self.finish(io);
    }

    fn context_stopping(&mut self, io: &mut Io, _key: usize) {
        if self.pipe.is_none() {
            self.finish(io);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_datagrams_split_and_encode() {
        let from: SocketAddr = "127.0.0.1:5555".parse().unwrap();
        let d = encode_group_datagram(b"news", b"hello").unwrap();
        assert_eq!(d, b"\x04newshello");
        assert_eq!(split_group_datagram(&d), Some((&b"news"[..], &b"hello"[..])));
        let (g, body) = decode_datagram(ZMQ_DISH, &d, from).unwrap();
        assert!(g.more() && !body.more());
        assert_eq!((g.data(), body.data()), (&b"news"[..], &b"hello"[..]));
        // Empty group, empty body; a group of the largest length.
        assert_eq!(split_group_datagram(b"\x00"), Some((&b""[..], &b""[..])));
        let long = [b'g'; GROUP_MAX_LENGTH];
        let d = encode_group_datagram(&long, b"").unwrap();
        assert_eq!(split_group_datagram(&d), Some((&long[..], &b""[..])));
        // Malformed: empty, or a length past the end.
        assert_eq!(split_group_datagram(b""), None);
        assert_eq!(split_group_datagram(b"\x05abcd"), None);
        assert!(decode_datagram(ZMQ_DISH, b"\x05abcd", from).is_none());
        assert_eq!(encode_group_datagram(&[b'g'; GROUP_MAX_LENGTH + 1], b"x"), None);
    }

    #[test]
    fn dgram_datagrams_carry_the_sender_and_radio_reads_none() {
        let from: SocketAddr = "[::1]:7".parse().unwrap();
        let (a, body) = decode_datagram(ZMQ_DGRAM, b"\x05abcd", from).unwrap();
        assert!(a.more() && !body.more());
        assert_eq!((a.data(), body.data()), (&b"[::1]:7"[..], &b"\x05abcd"[..]));
        let (_, empty) = decode_datagram(ZMQ_DGRAM, b"", from).unwrap();
        assert!(empty.data().is_empty());
        assert!(decode_datagram(ZMQ_RADIO, b"\x00x", from).is_none());
        // The address frame is what a reply is sent to.
        assert_eq!(parse_dgram_address(a.data()), Some(from));
        assert_eq!(parse_dgram_address(b"10.0.0.1:99"), Some("10.0.0.1:99".parse().unwrap()));
        assert_eq!(parse_dgram_address(b"10.0.0.1"), None);
        assert_eq!(parse_dgram_address(b"\xff:1"), None);
    }
}
