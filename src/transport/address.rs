//! Endpoint addresses of the network transports: parsing and resolution.
//!
//! Owns: turning `tcp://host:port` (with `*`, interface names, IPv6
//! brackets, `src;dst` for connect) and `ipc://path` (with `@abstract` and
//! the `*` wildcard) into socket addresses, with libzmq's error codes.
//! Must not: open sockets.

use crate::error::*;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs};

/// A tcp endpoint as the user wrote it, split into host and port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TcpSpec {
    pub host: String,
    /// None for `*` or `0` (ephemeral, bind only).
    pub port: Option<u16>,
    /// `src;` part of a connect endpoint.
    pub source: Option<Box<TcpSpec>>,
}

fn split_host_port(s: &str) -> ZResult<(&str, &str)> {
    let i = s.rfind(':').ok_or(EINVAL)?;
    let (host, port) = (&s[..i], &s[i + 1..]);
    if host.is_empty() {
        return Err(EINVAL);
    }
    Ok((host, port))
}

fn parse_port(p: &str, allow_any: bool) -> ZResult<Option<u16>> {
    if p == "*" || p == "0" {
        return if allow_any { Ok(None) } else { Err(EINVAL) };
    }
    if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
        return Err(EINVAL);
    }
    match p.parse::<u32>() {
        Ok(v) if v > 0 && v <= 65535 => Ok(Some(v as u16)),
        _ => Err(EINVAL),
    }
}

fn strip_brackets(h: &str) -> &str {
    h.strip_prefix('[').and_then(|x| x.strip_suffix(']')).unwrap_or(h)
}

impl TcpSpec {
    /// Parses the address part of a bind endpoint (`*:port`, `eth0:*`, ...).
    pub fn parse_bind(addr: &str) -> ZResult<TcpSpec> {
        let (host, port) = split_host_port(addr)?;
        Ok(TcpSpec { host: host.to_string(), port: parse_port(port, true)?, source: None })
    }

    /// Parses the address part of a connect endpoint (`[src;]host:port`).
    pub fn parse_connect(addr: &str) -> ZResult<TcpSpec> {
        let (source, dest) = match addr.find(';') {
            Some(i) => (Some(&addr[..i]), &addr[i + 1..]),
            None => (None, addr),
        };
        let (host, port) = split_host_port(dest)?;
        let source = match source {
            Some(s) => Some(Box::new(TcpSpec::parse_bind(s)?)),
            None => None,
        };
        Ok(TcpSpec { host: host.to_string(), port: parse_port(port, false)?, source })
    }

    /// Resolves a local (bind or source) address: numeric addresses, `*`
    /// and interface names; no DNS, as libzmq.
    pub fn resolve_local(&self, ipv6: bool) -> ZResult<SocketAddr> {
        let port = self.port.unwrap_or(0);
        let host = strip_brackets(&self.host);
        let host = host.split('%').next().unwrap_or(host);
        if host == "*" {
            let ip = if ipv6 { IpAddr::V6(Ipv6Addr::UNSPECIFIED) } else { IpAddr::V4(Ipv4Addr::UNSPECIFIED) };
            return Ok(SocketAddr::new(ip, port));
        }
        if let Ok(ip) = host.parse::<IpAddr>() {
            if ip.is_ipv6() && !ipv6 {
                return Err(ENODEV);
            }
            return Ok(SocketAddr::new(ip, port));
        }
        interface_addr(host, ipv6).map(|ip| SocketAddr::new(ip, port)).ok_or(ENODEV)
    }

    /// Resolves a remote address (numeric or DNS) for connecting.
    pub fn resolve_remote(&self, ipv6: bool) -> ZResult<SocketAddr> {
        let port = self.port.ok_or(EINVAL)?;
        let host = strip_brackets(&self.host);
        if let Ok(ip) = host.parse::<IpAddr>() {
            if ip.is_ipv6() && !ipv6 {
                return Err(EINVAL);
            }
            return Ok(SocketAddr::new(ip, port));
        }
        let addrs = (host, port).to_socket_addrs().map_err(|_| EINVAL)?;
        let mut fallback = None;
        for a in addrs {
            if a.is_ipv4() {
                return Ok(a);
            }
            if ipv6 && fallback.is_none() {
                fallback = Some(a);
            }
        }
        fallback.ok_or(EINVAL)
    }
}

/// The first address of a network interface, by name.
fn interface_addr(name: &str, ipv6: bool) -> Option<IpAddr> {
    let mut found = None;
    // SAFETY: getifaddrs allocates a list we walk read-only and free once.
    unsafe {
        let mut ifap: *mut libc::ifaddrs = std::ptr::null_mut();
        if libc::getifaddrs(&mut ifap) != 0 {
            return None;
        }
        let mut p = ifap;
        while !p.is_null() {
            let ifa = &*p;
            p = ifa.ifa_next;
            if ifa.ifa_addr.is_null() || ifa.ifa_name.is_null() {
                continue;
            }
            if std::ffi::CStr::from_ptr(ifa.ifa_name).to_bytes() != name.as_bytes() {
                continue;
            }
            let fam = (*ifa.ifa_addr).sa_family as i32;
            if fam == libc::AF_INET {
                let sin = &*(ifa.ifa_addr as *const libc::sockaddr_in);
                let ip = IpAddr::V4(Ipv4Addr::from(u32::from_be(sin.sin_addr.s_addr)));
                if found.is_none() || !ipv6 {
                    found = Some(ip);
                    if !ipv6 {
                        break;
                    }
                }
            } else if fam == libc::AF_INET6 && ipv6 {
                let sin6 = &*(ifa.ifa_addr as *const libc::sockaddr_in6);
                found = Some(IpAddr::V6(Ipv6Addr::from(sin6.sin6_addr.s6_addr)));
                break;
            }
        }
        libc::freeifaddrs(ifap);
    }
    found
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
    /// Parses the address part of an ipc endpoint. `*` is handled by the
    /// caller (bind creates a fresh path).
    pub fn parse(addr: &str) -> ZResult<IpcPath> {
        if addr.is_empty() {
            return Err(EINVAL);
        }
        if let Some(name) = addr.strip_prefix('@') {
            if name.len() + 1 > SUN_PATH_MAX {
                return Err(libc::ENAMETOOLONG);
            }
            return Ok(IpcPath::Abstract(name.as_bytes().to_vec()));
        }
        if addr.len() > SUN_PATH_MAX {
            return Err(libc::ENAMETOOLONG);
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

    pub fn to_socket_addr(&self) -> ZResult<std::os::unix::net::SocketAddr> {
        use std::os::linux::net::SocketAddrExt;
        match self {
            IpcPath::File(p) => std::os::unix::net::SocketAddr::from_pathname(p).map_err(|_| EINVAL),
            IpcPath::Abstract(n) => std::os::unix::net::SocketAddr::from_abstract_name(n).map_err(|_| EINVAL),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tcp_bind_forms() {
        let s = TcpSpec::parse_bind("*:5555").unwrap();
        assert_eq!(s.resolve_local(false).unwrap(), "0.0.0.0:5555".parse().unwrap());
        let s = TcpSpec::parse_bind("127.0.0.1:*").unwrap();
        assert_eq!(s.port, None);
        let s = TcpSpec::parse_bind("[::1]:0").unwrap();
        assert_eq!(s.resolve_local(true).unwrap(), "[::1]:0".parse().unwrap());
        assert_eq!(s.resolve_local(false), Err(ENODEV));
        assert_eq!(TcpSpec::parse_bind("lo:1").unwrap().resolve_local(false).unwrap().ip(), IpAddr::V4(Ipv4Addr::LOCALHOST));
        assert_eq!(TcpSpec::parse_bind("nosuchif0:1").unwrap().resolve_local(false), Err(ENODEV));
        assert_eq!(TcpSpec::parse_bind("1.2.3.4"), Err(EINVAL));
        assert_eq!(TcpSpec::parse_bind("*:70000"), Err(EINVAL));
        assert_eq!(TcpSpec::parse_bind(":5"), Err(EINVAL));
    }

    #[test]
    fn tcp_connect_forms() {
        let s = TcpSpec::parse_connect("127.0.0.1:5555").unwrap();
        assert_eq!(s.resolve_remote(false).unwrap(), "127.0.0.1:5555".parse().unwrap());
        assert_eq!(TcpSpec::parse_connect("127.0.0.1:*"), Err(EINVAL));
        assert_eq!(TcpSpec::parse_connect("127.0.0.1:0"), Err(EINVAL));
        let s = TcpSpec::parse_connect("127.0.0.1:6000;127.0.0.1:5555").unwrap();
        assert_eq!(s.source.unwrap().port, Some(6000));
        assert!(TcpSpec::parse_connect("localhost:5555").unwrap().resolve_remote(false).is_ok());
    }

    #[test]
    fn ipc_forms() {
        assert_eq!(IpcPath::parse("@abc").unwrap(), IpcPath::Abstract(b"abc".to_vec()));
        assert_eq!(IpcPath::parse(&"x".repeat(200)), Err(libc::ENAMETOOLONG));
        assert_eq!(IpcPath::parse("/tmp/a").unwrap().to_endpoint(), "ipc:///tmp/a");
    }
}
