//! udp:// for RADIO, DISH and DGRAM (libzmq's DRAFT transport): address
//! parsing and the datagram socket, unicast or multicast, IPv4 or (with
//! ZMQ_IPV6) IPv6.
//!
//! Forms, as libzmq's `udp_address_t` reads them: `udp://HOST:PORT`
//! (connect: where datagrams go, HOST may be a DNS name; bind: `*`, an
//! interface name or a numeric address to receive on, or a group to join),
//! and `udp://IFACE;GROUP:PORT`, IFACE being `*`, an interface name or an
//! address of one: the interface to send multicast on, or to join on.
//! IPv6 addresses go in brackets (`[ff02::1]`, `[fe80::1%eth0]`) and only
//! resolve with ZMQ_IPV6 set. An IPv6 group is joined on an interface
//! index, so its IFACE must be `*` or an interface name (`lo;[ff02::1]`,
//! not `[::1];[ff02::1]`: ENODEV, as libzmq). Sending sockets use
//! ZMQ_MULTICAST_HOPS as the TTL / hop limit and ZMQ_MULTICAST_LOOP.
//!
//! One difference on purpose: under ZMQ_IPV6 the resolver maps an IPv4
//! address into IPv6 (`::ffff:239.0.0.1`), which is no multicast group;
//! libzmq then refuses `IFACE;239.0.0.1` (EINVAL) and binds `239.0.0.1`
//! without joining. Here an IPv4 group stays IPv4 (with its IFACE), so
//! IPv4 multicast works the same with ZMQ_IPV6 set or not.
//!
//! Owns: turning an address into a bound, configured socket. Must not:
//! frame messages (that is `session::udp`).

use super::address::{resolve_ip, Rules};
use super::netdb;
use crate::error::*;
use crate::options::Options;
use socket2::{Domain, Protocol, Socket, Type};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// A parsed udp address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UdpAddr {
    /// Connect: the destination; bind: the address to receive on, or the
    /// group to join.
    pub addr: SocketAddr,
    /// The local side: `IFACE`'s address (with the port of `addr`) or the
    /// any address of `addr`'s family; a unicast bind: `addr` itself.
    pub local: SocketAddr,
    /// The interface of an IPv6 group: 0 for the kernel's choice.
    pub if_index: u32,
}

impl UdpAddr {
    pub fn is_multicast(&self) -> bool {
        self.addr.ip().is_multicast()
    }
}

fn any(v6: bool, port: u16) -> SocketAddr {
    let ip = if v6 { IpAddr::V6(Ipv6Addr::UNSPECIFIED) } else { IpAddr::V4(Ipv4Addr::UNSPECIFIED) };
    SocketAddr::new(ip, port)
}

/// `a` as IPv4 when it is an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`).
fn unmapped(a: SocketAddr) -> Option<SocketAddr> {
    match a {
        SocketAddr::V6(v6) => v6.ip().to_ipv4_mapped().map(|ip| SocketAddr::new(IpAddr::V4(ip), v6.port())),
        SocketAddr::V4(_) => None,
    }
}

/// Parses `[IFACE;]HOST:PORT` (`bind`: a local address, else where to
/// send), with libzmq's errors: EINVAL for a bad port, a multicast IFACE,
/// an IFACE before a unicast HOST, IFACE and HOST of two families, or a
/// HOST that does not resolve for connect; ENODEV for a local name that
/// is neither an interface nor a numeric address (an IPv6 address without
/// ZMQ_IPV6 is one), and for an IPv6 group whose IFACE is no interface
/// name.
pub fn parse(addr: &str, bind: bool, ipv6: bool) -> ZResult<UdpAddr> {
    let (iface, rest) = match addr.rfind(';') {
        Some(i) => {
            let rules = Rules { bindable: true, dns: false, nic: true, ipv6, port: false };
            let local = resolve_ip(&addr[..i], rules)?;
            if local.ip().is_multicast() {
                return Err(EINVAL);
            }
            // None: IFACE named no interface (an address).
            let index = match &addr[..i] {
                "*" => Some(0),
                name => Some(netdb::if_nametoindex(name)).filter(|&n| n != 0),
            };
            (Some((local, index)), &addr[i + 1..])
        }
        None => (None, addr),
    };
    let rules = Rules { bindable: bind, dns: !bind, nic: bind, ipv6, port: true };
    let mut target = resolve_ip(rest, rules)?;
    // The one difference from libzmq (see the module doc).
    let v4_group = unmapped(target).filter(|a| a.ip().is_multicast());
    if let Some(g) = v4_group {
        target = g;
    }
    let multicast = target.ip().is_multicast();
    let (local, if_index) = match iface {
        Some((mut local, index)) => {
            if !multicast {
                return Err(EINVAL);
            }
            if v4_group.is_some() {
                local = match unmapped(local) {
                    Some(a) => a,
                    None if local.ip().is_unspecified() => any(false, 0),
                    None => local,
                };
            }
            local.set_port(target.port());
            (local, index)
        }
        None if multicast || !bind => (any(target.is_ipv6(), target.port()), Some(0)),
        None => (target, Some(0)),
    };
    if local.is_ipv6() != target.is_ipv6() {
        return Err(EINVAL);
    }
    // An IPv6 group is joined by interface index, not address.
    let if_index = match if_index {
        Some(i) => i,
        None if multicast && target.is_ipv6() => return Err(ENODEV),
        None => 0,
    };
    Ok(UdpAddr { addr: target, local, if_index })
}

/// The socket for `a`: bound to it (`bind`: receive on it, joining a
/// multicast group) or to an ephemeral port (to send to it).
pub fn open(a: &UdpAddr, bind: bool, options: &Options) -> ZResult<mio::net::UdpSocket> {
    let v6 = a.addr.is_ipv6();
    let domain = if v6 { Domain::IPV6 } else { Domain::IPV4 };
    let s = Socket::new(domain, Type::DGRAM, Some(Protocol::UDP)).map_err(io_errno)?;
    s.set_nonblocking(true).map_err(io_errno)?;
    s.set_cloexec(true).map_err(io_errno)?;
    if bind {
        let local = if a.is_multicast() {
            // Several receivers of one group on a host share the port.
            s.set_reuse_address(true).map_err(io_errno)?;
            any(v6, a.addr.port())
        } else {
            a.local
        };
        s.bind(&local.into()).map_err(io_errno)?;
        match a.addr.ip() {
            IpAddr::V4(group) if group.is_multicast() => {
                let IpAddr::V4(iface) = a.local.ip() else { return Err(EINVAL) };
                s.join_multicast_v4(&group, &iface).map_err(io_errno)?;
            }
            IpAddr::V6(group) if group.is_multicast() => {
                s.join_multicast_v6(&group, a.if_index).map_err(io_errno)?;
            }
            _ => {}
        }
    } else {
        s.bind(&any(v6, 0).into()).map_err(io_errno)?;
        if a.is_multicast() {
            let hops = options.multicast_hops.max(0) as u32;
            match a.local.ip() {
                IpAddr::V4(iface) => {
                    s.set_multicast_ttl_v4(hops).map_err(io_errno)?;
                    if !iface.is_unspecified() {
                        s.set_multicast_if_v4(&iface).map_err(io_errno)?;
                    }
                }
                IpAddr::V6(_) => {
                    s.set_multicast_hops_v6(hops).map_err(io_errno)?;
                    if a.if_index != 0 {
                        s.set_multicast_if_v6(a.if_index).map_err(io_errno)?;
                    }
                }
            }
        }
    }
    if a.is_multicast() {
        if v6 {
            s.set_multicast_loop_v6(options.multicast_loop).map_err(io_errno)?;
        } else {
            s.set_multicast_loop_v4(options.multicast_loop).map_err(io_errno)?;
        }
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

    fn p4(a: &str, bind: bool) -> ZResult<UdpAddr> {
        parse(a, bind, false)
    }

    fn p6(a: &str, bind: bool) -> ZResult<UdpAddr> {
        parse(a, bind, true)
    }

    /// (addr, local, if_index) as text.
    fn show(a: ZResult<UdpAddr>) -> ZResult<(String, String, u32)> {
        a.map(|a| (a.addr.to_string(), a.local.to_string(), a.if_index))
    }

    fn ok(addr: &str, local: &str, if_index: u32) -> ZResult<(String, String, u32)> {
        Ok((addr.to_string(), local.to_string(), if_index))
    }

    #[test]
    fn ipv4_forms() {
        assert_eq!(show(p4("127.0.0.1:5555", false)), ok("127.0.0.1:5555", "0.0.0.0:5555", 0));
        assert_eq!(show(p4("127.0.0.1:5555", true)), ok("127.0.0.1:5555", "127.0.0.1:5555", 0));
        assert_eq!(show(p4("*:5555", true)), ok("0.0.0.0:5555", "0.0.0.0:5555", 0));
        assert_eq!(show(p4("lo:5555", true)), ok("127.0.0.1:5555", "127.0.0.1:5555", 0));
        assert_eq!(show(p4("127.0.0.1;239.0.0.1:5556", true)), ok("239.0.0.1:5556", "127.0.0.1:5556", 0));
        assert_eq!(show(p4("*;239.0.0.1:5556", false)), ok("239.0.0.1:5556", "0.0.0.0:5556", 0));
        assert_eq!(show(p4("239.0.0.1:5556", true)), ok("239.0.0.1:5556", "0.0.0.0:5556", 0));
        assert!(p4("239.0.0.1:5556", true).unwrap().is_multicast());
        assert_eq!(show(p4("lo;239.0.0.1:5556", true)).unwrap().1, "127.0.0.1:5556");
        assert_eq!(show(p4("*:*", true)), ok("0.0.0.0:0", "0.0.0.0:0", 0));
        assert_eq!(show(p4("127.0.0.1:*", true)).unwrap().0, "127.0.0.1:0");
    }

    #[test]
    fn ipv4_errors() {
        assert_eq!(p4("*:5555", false), Err(EINVAL));
        assert_eq!(p4("127.0.0.1:*", false), Err(EINVAL));
        assert_eq!(p4("127.0.0.1", false), Err(EINVAL));
        assert_eq!(p4("127.0.0.1:x", false), Err(EINVAL));
        assert_eq!(p4("*:x*", true), Err(EINVAL));
        // IFACE only before a group; never a group itself
        assert_eq!(p4("127.0.0.1;*:5555", true), Err(EINVAL));
        assert_eq!(p4("127.0.0.1;127.0.0.1:5555", true), Err(EINVAL));
        assert_eq!(p4("239.0.0.2;239.0.0.1:5555", false), Err(EINVAL));
        assert_eq!(p4("no-such-interface-zz;239.0.0.1:1", true), Err(ENODEV));
        assert_eq!(p4("no-such-interface-zz:1", true), Err(ENODEV));
        // IPv6 needs ZMQ_IPV6: a local address does not resolve (ENODEV),
        // a destination neither (EINVAL)
        assert_eq!(p4("[::1]:5555", true), Err(ENODEV));
        assert_eq!(p4("[::1]:5555", false), Err(EINVAL));
        assert_eq!(p4("[ff02::1]:5555", false), Err(EINVAL));
        assert_eq!(p4("lo;[ff02::1]:5555", true), Err(ENODEV));
        assert_eq!(p4("*;[ff02::1]:5555", false), Err(EINVAL));
    }

    #[test]
    fn ipv6_forms() {
        let lo = netdb::if_nametoindex("lo");
        assert!(lo > 0);
        assert_eq!(show(p6("[::1]:5555", true)), ok("[::1]:5555", "[::1]:5555", 0));
        assert_eq!(show(p6("[::1]:5555", false)), ok("[::1]:5555", "[::]:5555", 0));
        assert_eq!(show(p6("*:5555", true)), ok("[::]:5555", "[::]:5555", 0));
        assert_eq!(show(p6("[ff02::1]:5555", true)), ok("[ff02::1]:5555", "[::]:5555", 0));
        assert_eq!(show(p6("[ff12::7:1]:5555", false)), ok("[ff12::7:1]:5555", "[::]:5555", 0));
        assert!(p6("[ff02::1]:5555", false).unwrap().is_multicast());
        assert_eq!(show(p6("lo;[ff02::1]:5555", true)), ok("[ff02::1]:5555", "[::1]:5555", lo));
        assert_eq!(show(p6("lo;[ff02::1]:5555", false)), ok("[ff02::1]:5555", "[::1]:5555", lo));
        assert_eq!(show(p6("*;[ff12::1]:5555", true)), ok("[ff12::1]:5555", "[::]:5555", 0));
        // a zone names the interface of a link-local destination
        assert_eq!(p6(&format!("[ff02::1%{lo}]:5555"), false).unwrap().addr, format!("[ff02::1%{lo}]:5555").parse().unwrap());
        assert_eq!(p6("[ff02::1%lo]:5555", false).unwrap().addr, format!("[ff02::1%{lo}]:5555").parse().unwrap());
        // IPv4 under ZMQ_IPV6: unicast is mapped, as libzmq does...
        assert_eq!(show(p6("127.0.0.1:5555", true)), ok("[::ffff:127.0.0.1]:5555", "[::ffff:127.0.0.1]:5555", 0));
        // ...a group stays IPv4 (libzmq: no group; see the module doc)
        assert_eq!(show(p6("239.0.0.1:5556", true)), ok("239.0.0.1:5556", "0.0.0.0:5556", 0));
        assert_eq!(show(p6("127.0.0.1;239.0.0.1:5556", true)), ok("239.0.0.1:5556", "127.0.0.1:5556", 0));
        assert_eq!(show(p6("*;239.0.0.1:5556", false)), ok("239.0.0.1:5556", "0.0.0.0:5556", 0));
    }

    #[test]
    fn ipv6_errors() {
        // an IPv6 group is joined by interface index: IFACE must name one
        assert_eq!(p6("[::1];[ff02::1]:5555", true), Err(ENODEV));
        assert_eq!(p6("[::1];[ff02::1]:5555", false), Err(ENODEV));
        assert_eq!(p6("127.0.0.1;[ff02::1]:5555", true), Err(ENODEV));
        assert_eq!(p6("no-such-interface-zz;[ff02::1]:5555", true), Err(ENODEV));
        assert_eq!(p6("[ff02::2];[ff02::1]:5555", true), Err(EINVAL));
        assert_eq!(p6("[::1];[::1]:5555", true), Err(EINVAL));
        assert_eq!(p6("lo;[::1]:5555", false), Err(EINVAL));
        // lo's IPv6 address with an IPv4 group: two families
        assert_eq!(p6("lo;239.0.0.1:5555", true), Err(EINVAL));
        assert_eq!(p6("[::1]", false), Err(EINVAL));
        assert_eq!(p6("[::1]:0x", false), Err(EINVAL));
        assert_eq!(p6("[ff02::1%]:5555", false), Err(EINVAL));
        assert_eq!(p6("[ff02::1%no-such-interface-zz]:5555", false), Err(EINVAL));
        assert_eq!(p6("[::1]:*", false), Err(EINVAL));
        assert_eq!(p6("*:5555", false), Err(EINVAL));
    }

    /// The options a sending socket gets for an IPv6 group (libzmq 4.3.4
    /// sets the hops with IP_MULTICAST_TTL at the IPv6 level, which Linux
    /// reads as another option, so its hops stay the kernel's 1).
    #[test]
    fn ipv6_multicast_socket_options() {
        let lo = netdb::if_nametoindex("lo");
        let mut o = Options::new(crate::constants::draft::ZMQ_RADIO);
        o.multicast_hops = 7;
        o.multicast_loop = false;
        let s = open(&p6("lo;[ff12::7a71:9]:5555", false).unwrap(), false, &o).unwrap();
        let r = socket2::SockRef::from(&s);
        assert_eq!(r.multicast_hops_v6().unwrap(), 7);
        assert!(!r.multicast_loop_v6().unwrap());
        assert_eq!(r.multicast_if_v6().unwrap(), lo);
        o.multicast_loop = true;
        let s = open(&p6("[ff12::7a71:9]:5555", false).unwrap(), false, &o).unwrap();
        let r = socket2::SockRef::from(&s);
        assert!(r.multicast_loop_v6().unwrap());
        assert_eq!(r.multicast_if_v6().unwrap(), 0);
        // the receiving side joins on lo (joining needs no route)
        let d = open(&p6("lo;[ff12::7a71:9]:0", true).unwrap(), true, &o).unwrap();
        assert!(d.local_addr().unwrap().is_ipv6());
        // IPv4 groups keep their options
        let s = open(&p6("127.0.0.1;239.0.0.9:5555", false).unwrap(), false, &o).unwrap();
        let r = socket2::SockRef::from(&s);
        assert_eq!(r.multicast_ttl_v4().unwrap(), 7);
        assert_eq!(r.multicast_if_v4().unwrap(), Ipv4Addr::LOCALHOST);
    }
}
