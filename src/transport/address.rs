//! Endpoint addresses of the network transports: checking, parsing and
//! resolution, with libzmq's rules and error codes.
//!
//! Owns: the quick syntax check `zmq_connect` makes of a tcp address
//! (`check_tcp_connect`; everything else about a connect address is only
//! found out when an attempt resolves it, and fails that attempt, not the
//! call), resolving `tcp://[src;]host:port` for bind and for each connect
//! attempt (`resolve_tcp`: `*`, interface names, IPv6 brackets and
//! `%zone`, DNS for connect only), and `ipc://path` (with `@abstract`).
//! Must not: open sockets (`stream.rs`) or call the C library's resolver
//! itself (`netdb.rs`).
//!
//! libzmq's quirks are kept on purpose, since programs see them: a port is
//! read as C's `atoi` reads it and cut to 16 bits (`70000` binds 4464,
//! `12x` binds 12, `-1` binds 65535, `65536` is 0 and so EINVAL), a bind
//! address may carry a `src;` part (resolved, then ignored), and IPv4
//! literals are the C library's (`1.2.3`, `0`).

use super::netdb;
use crate::error::*;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::os::raw::c_int;

/// `zmq_connect`'s syntax check of a tcp address, made before anything is
/// resolved (libzmq's `socket_base_t::connect_internal`): the address
/// starts with a letter, digit, `[` or `:`, holds only letters, digits and
/// `.-:%;[]_*`, and what follows its last `:` starts with a digit.
pub fn check_tcp_connect(addr: &str) -> ZResult<()> {
    let b = addr.as_bytes();
    let allowed = |c: u8| c.is_ascii_alphanumeric() || b".-:%;[]_*".contains(&c);
    let starts_well = b.first().is_some_and(|&c| c.is_ascii_alphanumeric() || c == b'[' || c == b':');
    let all_allowed = b.iter().all(|&c| allowed(c));
    // An empty address passes here (libzmq checks it elsewhere).
    let well_formed = starts_well && all_allowed;
    if !b.is_empty() && !well_formed {
        return Err(EINVAL);
    }
    match addr.rfind(':') {
        Some(i) if b.get(i + 1).is_some_and(u8::is_ascii_digit) => Ok(()),
        _ => Err(EINVAL),
    }
}

/// A resolved tcp address: where to bind or connect, and (connect only)
/// the local address to bind first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TcpAddr {
    pub dest: SocketAddr,
    pub source: Option<SocketAddr>,
}

/// How one host:port is resolved (libzmq's `ip_resolver_options_t`).
#[derive(Clone, Copy)]
pub(super) struct Rules {
    /// A local address: `*` host and port allowed, AI_PASSIVE.
    pub bindable: bool,
    /// Host names go to DNS; otherwise only numeric addresses.
    pub dns: bool,
    /// Interface names (`eth0`) are tried first.
    pub nic: bool,
    pub ipv6: bool,
    /// `host:port`; false: the whole text is the host (the port is 0).
    pub port: bool,
}

/// Resolves the address part of a tcp endpoint: `local` for bind (no DNS,
/// interface names), else for a connect attempt (DNS). A `src;` part (up to
/// the last `;`) is resolved as a local address; bind ignores it, as
/// libzmq does. Errors: EINVAL for a missing or bad port or source, ENODEV
/// for a local host that is neither an interface nor a numeric address,
/// EINVAL for a remote one that does not resolve.
pub fn resolve_tcp(addr: &str, local: bool, ipv6: bool) -> ZResult<TcpAddr> {
    let (source, dest) = match addr.rfind(';') {
        Some(i) => {
            let src_rules = Rules { bindable: true, dns: false, nic: true, ipv6, port: true };
            (Some(resolve_ip(&addr[..i], src_rules)?), &addr[i + 1..])
        }
        None => (None, addr),
    };
    let rules = Rules { bindable: local, dns: !local, nic: local, ipv6, port: true };
    Ok(TcpAddr { dest: resolve_ip(dest, rules)?, source })
}

/// C's `atoi` (glibc: `(int) strtol(s, NULL, 10)`): leading white space,
/// a sign, then digits up to the first non-digit; 0 when there are none.
fn c_atoi(s: &str) -> c_int {
    let t = s.trim_start_matches([' ', '\t', '\n', '\x0b', '\x0c', '\r']);
    let (neg, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    // strtol saturates at LONG_MAX / LONG_MIN; the cast to int then cuts.
    let mut v: i128 = 0;
    for c in digits.bytes().take_while(u8::is_ascii_digit) {
        v = (v * 10 + i128::from(c - b'0')).min(i128::from(i64::MAX) + 1);
    }
    let v = if neg { -v } else { v };
    v.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64 as c_int
}

/// One `host:port`, or `host` alone when `!r.port` (libzmq's
/// `ip_resolver_t::resolve`).
pub(super) fn resolve_ip(name: &str, r: Rules) -> ZResult<SocketAddr> {
    let (mut host, port) = if r.port {
        let i = name.rfind(':').ok_or(EINVAL)?;
        let port: u16 = match &name[i + 1..] {
            "*" if r.bindable => 0,
            "*" => return Err(EINVAL),
            "0" => 0,
            p => match c_atoi(p) as u16 {
                0 => return Err(EINVAL),
                n => n,
            },
        };
        (&name[..i], port)
    } else {
        (name, 0)
    };
    if host.len() >= 2 && host.starts_with('[') && host.ends_with(']') {
        host = &host[1..host.len() - 1];
    }
    let mut zone = 0u32;
    if let Some(i) = host.rfind('%') {
        let zone_str = &host[i + 1..];
        host = &host[..i];
        zone = match zone_str.as_bytes().first() {
            None => return Err(EINVAL),
            Some(c) if c.is_ascii_alphabetic() => netdb::if_nametoindex(zone_str),
            Some(_) => c_atoi(zone_str) as u32,
        };
        if zone == 0 {
            return Err(EINVAL);
        }
    }
    let family = if r.ipv6 { libc::AF_INET6 } else { libc::AF_INET };
    let mut addr = if r.bindable && host == "*" {
        let any = if r.ipv6 { IpAddr::V6(Ipv6Addr::UNSPECIFIED) } else { IpAddr::V4(Ipv4Addr::UNSPECIFIED) };
        SocketAddr::new(any, 0)
    } else if let Some(a) = r.nic.then(|| netdb::interface_addr(host, family)).flatten() {
        a
    } else {
        let mut flags = 0;
        if r.bindable {
            flags |= libc::AI_PASSIVE;
        }
        if !r.dns {
            flags |= libc::AI_NUMERICHOST;
        }
        if r.ipv6 {
            flags |= libc::AI_V4MAPPED;
        }
        let mut res = netdb::getaddrinfo_first(host, family, flags);
        if res == Err(libc::EAI_BADFLAGS) && flags & libc::AI_V4MAPPED != 0 {
            res = netdb::getaddrinfo_first(host, family, flags & !libc::AI_V4MAPPED);
        }
        match res {
            Ok(a) => a,
            Err(libc::EAI_MEMORY) => return Err(libc::ENOMEM),
            Err(_) => return Err(if r.bindable { ENODEV } else { EINVAL }),
        }
    };
    addr.set_port(port);
    if let SocketAddr::V6(a) = &mut addr {
        a.set_scope_id(zone);
    }
    Ok(addr)
}

/// The endpoint libzmq reports for a bound tcp address (`ZMQ_LAST_ENDPOINT`).
pub fn tcp_endpoint(a: &SocketAddr) -> String {
    match a {
        SocketAddr::V4(a) => format!("tcp://{}:{}", a.ip(), a.port()),
        SocketAddr::V6(a) => format!("tcp://[{}]:{}", a.ip(), a.port()),
    }
}

/// An ipc endpoint: a filesystem path or an abstract-namespace name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IpcPath {
    File(std::path::PathBuf),
    /// Name without the leading `@`.
    Abstract(Vec<u8>),
}

/// Longest `sun_path` payload (108 bytes including the NUL).
const SUN_PATH_MAX: usize = 107;

impl IpcPath {
    /// Parses the address part of an ipc endpoint (libzmq's
    /// `ipc_address_t::resolve`): ENAMETOOLONG past `sun_path`, EINVAL for
    /// an empty abstract name (`@`). `*` is handled by bind (a fresh path);
    /// connect takes it as a file name, as libzmq does.
    pub fn parse(addr: &str) -> ZResult<IpcPath> {
        if addr.is_empty() {
            return Err(EINVAL);
        }
        if addr.len() > SUN_PATH_MAX {
            return Err(libc::ENAMETOOLONG);
        }
        if let Some(name) = addr.strip_prefix('@') {
            if name.is_empty() {
                return Err(EINVAL);
            }
            return Ok(IpcPath::Abstract(name.as_bytes().to_vec()));
        }
        Ok(IpcPath::File(addr.into()))
    }

    /// The endpoint string libzmq reports for this path.
    pub fn to_endpoint(&self) -> String {
        match self {
            IpcPath::File(p) => format!("ipc://{}", p.display()),
            IpcPath::Abstract(n) => format!("ipc://@{}", String::from_utf8_lossy(n)),
        }
    }

    pub fn to_sock_addr(&self) -> ZResult<socket2::SockAddr> {
        use std::os::unix::ffi::OsStrExt;
        let r = match self {
            IpcPath::File(p) => socket2::SockAddr::unix(p),
            IpcPath::Abstract(n) => {
                // socket2 takes a leading NUL byte as the abstract namespace.
                let mut b = vec![0u8];
                b.extend_from_slice(n);
                socket2::SockAddr::unix(std::ffi::OsStr::from_bytes(&b))
            }
        };
        r.map_err(|_| libc::ENAMETOOLONG)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bind(a: &str, ipv6: bool) -> ZResult<SocketAddr> {
        resolve_tcp(a, true, ipv6).map(|t| t.dest)
    }

    #[test]
    fn connect_syntax() {
        for ok in ["127.0.0.1:5555", ":5", "[::1]:1", "h_st:1", "a:1x", "1.2.3.4:0", "a:1;", "a;b:1", "127.0.0.1:*;b:9"] {
            assert_eq!(check_tcp_connect(ok), Ok(()), "{ok}");
        }
        for bad in ["*:1", "in val id:1", "-h:1", "_h:1", ".h:1", "h/x:1", "h:*", "h:", "h", "h:-1", "h:+1", "h: 1", "h:1 ", ";h:1", "hé:1"] {
            assert_eq!(check_tcp_connect(bad), Err(EINVAL), "{bad}");
        }
    }

    #[test]
    fn ports_as_libzmq_reads_them() {
        assert_eq!(c_atoi(" +12x"), 12);
        assert_eq!(c_atoi("-1"), -1);
        assert_eq!(c_atoi("99999999999999999999"), -1); // LONG_MAX, cut to int
        assert_eq!(bind("127.0.0.1:70000", false).unwrap().port(), 4464);
        assert_eq!(bind("127.0.0.1:-1", false).unwrap().port(), 65535);
        assert_eq!(bind("127.0.0.1:05", false).unwrap().port(), 5);
        assert_eq!(bind("127.0.0.1:*", false).unwrap().port(), 0);
        assert_eq!(bind("127.0.0.1:0", false).unwrap().port(), 0);
        for bad in ["127.0.0.1:65536", "127.0.0.1:00", "127.0.0.1:0x10", "127.0.0.1:", "127.0.0.1", "127.0.0.1:abc"] {
            assert_eq!(bind(bad, false), Err(EINVAL), "{bad}");
        }
        assert_eq!(resolve_tcp("127.0.0.1:*", false, false), Err(EINVAL));
        assert_eq!(resolve_tcp("127.0.0.1:0", false, false).unwrap().dest.port(), 0);
    }

    #[test]
    fn bind_hosts() {
        assert_eq!(bind("*:5555", false).unwrap(), "0.0.0.0:5555".parse().unwrap());
        assert_eq!(bind("*:5555", true).unwrap(), "[::]:5555".parse().unwrap());
        assert_eq!(bind("lo:1", false).unwrap().ip(), IpAddr::V4(Ipv4Addr::LOCALHOST));
        assert_eq!(bind("0:1", false).unwrap().ip(), IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        assert_eq!(bind("[127.0.0.1]:1", false).unwrap().ip(), IpAddr::V4(Ipv4Addr::LOCALHOST));
        assert_eq!(bind("127.0.0.1:1", true).unwrap().ip(), "::ffff:127.0.0.1".parse::<IpAddr>().unwrap());
        assert_eq!(bind("[::1]:0", true).unwrap(), "[::1]:0".parse().unwrap());
        for nodev in ["[::1]:0", ":1", "nosuchif0:1", "localhost:1", "999.1.1.1:1", "[]:1", "in val id:1"] {
            assert_eq!(bind(nodev, false), Err(ENODEV), "{nodev}");
        }
        // zones: empty, 0, or an unknown interface are EINVAL
        for bad in ["[fe80::1%]:1", "[fe80::1%0]:1", "[fe80::1%nosuch]:1"] {
            assert_eq!(bind(bad, true), Err(EINVAL), "{bad}");
        }
        match bind("[fe80::1%lo]:1", true).unwrap() {
            SocketAddr::V6(a) => assert!(a.scope_id() > 0),
            a => panic!("{a}"),
        }
        // a source part is resolved, then ignored
        assert_eq!(bind("127.0.0.1:1;127.0.0.1:2", false).unwrap().port(), 2);
        assert_eq!(bind("127.0.0.1:1;;127.0.0.1:2", false).unwrap().port(), 2);
        for bad in ["127.0.0.1;127.0.0.1:2", ";127.0.0.1:2", "127.0.0.1:2;"] {
            assert_eq!(bind(bad, false), Err(EINVAL), "{bad}");
        }
    }

    #[test]
    fn connect_hosts() {
        let t = resolve_tcp("127.0.0.1:6000;127.0.0.1:5555", false, false).unwrap();
        assert_eq!(t.dest, "127.0.0.1:5555".parse().unwrap());
        assert_eq!(t.source, Some("127.0.0.1:6000".parse().unwrap()));
        assert_eq!(resolve_tcp("127.0.0.1:*;127.0.0.1:5", false, false).unwrap().source.unwrap().port(), 0);
        // (names other than /etc/hosts ones would go to DNS: not tested here)
        assert!(resolve_tcp("localhost:5555", false, false).is_ok());
        assert_eq!(resolve_tcp("[::1]:5", false, true).unwrap().dest, "[::1]:5".parse().unwrap());
        assert_eq!(resolve_tcp("[fe80::1%]:5", false, true), Err(EINVAL));
        assert_eq!(resolve_tcp("127.0.0.1;127.0.0.1:5", false, false), Err(EINVAL));
    }

    #[test]
    fn ipc_forms() {
        assert_eq!(IpcPath::parse("@abc").unwrap(), IpcPath::Abstract(b"abc".to_vec()));
        assert_eq!(IpcPath::parse("@"), Err(EINVAL));
        assert_eq!(IpcPath::parse(""), Err(EINVAL));
        assert_eq!(IpcPath::parse(&"x".repeat(107)).map(|_| ()), Ok(()));
        assert_eq!(IpcPath::parse(&"x".repeat(108)), Err(libc::ENAMETOOLONG));
        assert_eq!(IpcPath::parse(&format!("@{}", "x".repeat(106))).map(|_| ()), Ok(()));
        assert_eq!(IpcPath::parse(&format!("@{}", "x".repeat(107))), Err(libc::ENAMETOOLONG));
        assert_eq!(IpcPath::parse("/tmp/a").unwrap().to_endpoint(), "ipc:///tmp/a");
        assert!(IpcPath::parse("@abc").unwrap().to_sock_addr().unwrap().as_abstract_namespace().is_some());
    }
}
