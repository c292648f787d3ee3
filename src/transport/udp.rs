//! udp:// for RADIO, DISH and DGRAM (libzmq's DRAFT transport): address
//! parsing and the datagram socket, unicast or IPv4 multicast.
//!
//! Forms, as libzmq's `udp_address_t`: `udp://HOST:PORT` (connect: where
//! datagrams go; bind: `*` or an address to receive on), and
//! `udp://IFACE;HOST:PORT`, IFACE being `*`, an interface's IPv4 address
//! or its name: the interface to send multicast on, or to join the group
//! on. A multicast HOST is joined when binding; sending sockets use
//! ZMQ_MULTICAST_HOPS as the TTL and ZMQ_MULTICAST_LOOP for loopback.
//!
//! Owns: turning an address into a bound, configured socket. Must not:
//! frame messages (that is `session::udp`).

use super::netdb;
use crate::error::*;
use crate::options::Options;
use socket2::{Domain, Protocol, Socket, Type};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, ToSocketAddrs};

/// A parsed udp address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UdpAddr {
    /// Connect: the destination; bind: the address to receive on.
    pub addr: SocketAddr,
    /// The interface of `IFACE;` (None: any).
    pub iface: Option<Ipv4Addr>,
}

impl UdpAddr {
    pub fn is_multicast(&self) -> bool {
        self.addr.ip().is_multicast()
    }
}

fn interface(name: &str) -> ZResult<Option<Ipv4Addr>> {
    if name == "*" {
        return Ok(None);
    }
    if let Ok(ip) = name.parse::<Ipv4Addr>() {
        return Ok(Some(ip));
    }
    match netdb::interface_addr(name, libc::AF_INET) {
        Some(SocketAddr::V4(a)) => Ok(Some(*a.ip())),
        _ => Err(ENODEV),
    }
}

/// Parses `[IFACE;]HOST:PORT`; `bind` allows `*` as HOST.
pub fn parse(addr: &str, bind: bool) -> ZResult<UdpAddr> {
    let (iface, rest) = match addr.split_once(';') {
        Some((i, r)) => (interface(i)?, r),
        None => (None, addr),
    };
    let (host, port) = rest.rsplit_once(':').ok_or(EINVAL)?;
    // `*` is port 0, as libzmq's resolver reads it: bound, an ephemeral
    // port (CZMQ's `zsock_new_dgram ("udp://*:*")` sends from one).
    let port: u16 = if port == "*" { 0 } else { port.parse().map_err(|_| EINVAL)? };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let ip: IpAddr = if host == "*" {
        // As libzmq: `*` only alone, and only to bind.
        if !bind || addr.contains(';') {
            return Err(EINVAL);
        }
        IpAddr::V4(Ipv4Addr::UNSPECIFIED)
    } else if let Ok(ip) = host.parse() {
        ip
    } else {
        (host, port).to_socket_addrs().map_err(|_| EINVAL)?.next().ok_or(EINVAL)?.ip()
    };
    if ip.is_multicast() && !ip.is_ipv4() {
        // IPv6 multicast: not in this build.
        return Err(EINVAL);
    }
    Ok(UdpAddr { addr: SocketAddr::new(ip, port), iface })
}

/// The socket for `a`: bound to it (`bind`: receive on it, joining a
/// multicast group) or to an ephemeral port (to send to it).
pub fn open(a: &UdpAddr, bind: bool, options: &Options) -> ZResult<mio::net::UdpSocket> {
    let domain = if a.addr.is_ipv4() { Domain::IPV4 } else { Domain::IPV6 };
    let s = Socket::new(domain, Type::DGRAM, Some(Protocol::UDP)).map_err(io_errno)?;
    s.set_nonblocking(true).map_err(io_errno)?;
    s.set_cloexec(true).map_err(io_errno)?;
    if bind {
        let local = if a.is_multicast() {
            // Several receivers of one group on a host share the port.
            s.set_reuse_address(true).map_err(io_errno)?;
            SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), a.addr.port())
        } else {
            a.addr
        };
        s.bind(&local.into()).map_err(io_errno)?;
        if let IpAddr::V4(group) = a.addr.ip() {
            if group.is_multicast() {
                let iface = a.iface.unwrap_or(Ipv4Addr::UNSPECIFIED);
                s.join_multicast_v4(&group, &iface).map_err(io_errno)?;
            }
        }
    } else {
        let any: SocketAddr = match a.addr {
            SocketAddr::V4(_) => SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), 0),
            SocketAddr::V6(_) => SocketAddr::new(IpAddr::V6(std::net::Ipv6Addr::UNSPECIFIED), 0),
        };
        s.bind(&any.into()).map_err(io_errno)?;
        if a.is_multicast() {
            s.set_multicast_ttl_v4(options.multicast_hops.max(0) as u32).map_err(io_errno)?;
            if let Some(i) = a.iface {
                s.set_multicast_if_v4(&i).map_err(io_errno)?;
            }
        }
    }
    if a.is_multicast() {
        s.set_multicast_loop_v4(options.multicast_loop).map_err(io_errno)?;
    }
    if options.sndbuf >= 0 {
        s.set_send_buffer_size(options.sndbuf as usize).map_err(io_errno)?;
    }
    if options.rcvbuf >= 0 {
        s.set_recv_buffer_size(options.rcvbuf as usize).map_err(io_errno)?;
    }
    Ok(mio::net::UdpSocket::from_std(s.into()))
}

fn io_errno(e: std::io::Error) -> Errno {
    e.raw_os_error().unwrap_or(EINVAL)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn address_forms() {
        let a = parse("127.0.0.1:5555", false).unwrap();
        assert_eq!((a.addr.to_string(), a.iface), ("127.0.0.1:5555".to_string(), None));
        assert_eq!(parse("*:5555", true).unwrap().addr.to_string(), "0.0.0.0:5555");
        assert_eq!(parse("*:5555", false), Err(EINVAL));
        assert_eq!(parse("127.0.0.1;*:5555", true), Err(EINVAL));
        let m = parse("127.0.0.1;239.0.0.1:5556", true).unwrap();
        assert!(m.is_multicast());
        assert_eq!(m.iface, Some(Ipv4Addr::LOCALHOST));
        assert_eq!(parse("*;239.0.0.1:5556", false).unwrap().iface, None);
        assert_eq!(parse("127.0.0.1", false), Err(EINVAL));
        assert_eq!(parse("127.0.0.1:x", false), Err(EINVAL));
        assert_eq!(parse("no-such-interface-zz;239.0.0.1:1", true), Err(ENODEV));
        assert_eq!(parse("*:*", true).unwrap().addr.to_string(), "0.0.0.0:0");
        assert_eq!(parse("127.0.0.1:*", true).unwrap().addr.to_string(), "127.0.0.1:0");
        assert_eq!(parse("*:x*", true), Err(EINVAL));
    }
}
