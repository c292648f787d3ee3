//! Endpoint addresses of the network transports: parsing and resolution.
//!
//! Owns: turning `tcp://host:port` (with `*`, interface names, IPv6
//! brackets, `src;dst` for connect) and `ipc://path` (with `@abstract` and
//! the `*` wildcard) into socket addresses, with libzmq's error codes.
//! Must not: open sockets.

use crate::error::*;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs};
use std::os::raw::c_int;

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

/// The first address of a network interface, by name (the first IPv4
/// address, or with `ipv6` the first IPv6 one, else the first IPv4 one).
fn interface_addr(name: &str, ipv6: bool) -> Option<IpAddr> {
    let list = IfAddrs::new()?;
    let mut found = None;
    for (ifname, ip) in list.iter() {
        if ifname != name.as_bytes() {
            continue;
        }
        match ip {
            IpAddr::V4(_) if found.is_none() || !ipv6 => {
                found = Some(ip);
                if !ipv6 {
                    break;
                }
            }
            IpAddr::V6(_) if ipv6 => {
                found = Some(ip);
                break;
            }
            _ => {}
        }
    }
    found
}

/// The interface address list from `getifaddrs(3)`, freed when dropped.
/// Neither socket2 nor std lists interfaces, so this is raw libc.
struct IfAddrs(*mut libc::ifaddrs);

impl IfAddrs {
    fn new() -> Option<IfAddrs> {
        let mut head = std::ptr::null_mut();
        // SAFETY: `head` is a valid place for the list pointer; on success
        // the list is ours until `freeifaddrs` (in `drop`).
        if unsafe { libc::getifaddrs(&mut head) } != 0 {
            return None;
        }
        Some(IfAddrs(head))
    }

    /// Each entry's name and its IPv4 or IPv6 address (entries without
    /// one, or of another family, are skipped).
    fn iter(&self) -> impl Iterator<Item = (&[u8], IpAddr)> + '_ {
        let mut p = self.0;
        std::iter::from_fn(move || {
            while !p.is_null() {
                // SAFETY: `p` is a node of the list `self` owns, which
                // lives (unchanged) as long as the borrow of `self`.
                let ifa = unsafe { &*p };
                p = ifa.ifa_next;
                if ifa.ifa_addr.is_null() || ifa.ifa_name.is_null() {
                    continue;
                }
                // SAFETY: a non-null name is a NUL-terminated string in the list.
                let name = unsafe { std::ffi::CStr::from_ptr(ifa.ifa_name) }.to_bytes();
                // SAFETY: a non-null address points at a sockaddr of at
                // least its family's size; the family field comes first.
                let fam = c_int::from(unsafe { (*ifa.ifa_addr).sa_family });
                let ip = if fam == libc::AF_INET {
                    // SAFETY: an AF_INET address is a sockaddr_in.
                    let sin = unsafe { &*(ifa.ifa_addr as *const libc::sockaddr_in) };
                    IpAddr::V4(Ipv4Addr::from(u32::from_be(sin.sin_addr.s_addr)))
                } else if fam == libc::AF_INET6 {
                    // SAFETY: an AF_INET6 address is a sockaddr_in6.
                    let sin6 = unsafe { &*(ifa.ifa_addr as *const libc::sockaddr_in6) };
                    IpAddr::V6(Ipv6Addr::from(sin6.sin6_addr.s6_addr))
                } else {
                    continue;
                };
                return Some((name, ip));
            }
            None
        })
    }
}

impl Drop for IfAddrs {
    fn drop(&mut self) {
        // SAFETY: the list came from `getifaddrs`, is freed once, here, and
        // no borrow of it (from `iter`) outlives `self`.
        unsafe { libc::freeifaddrs(self.0) }
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
        // With IPv6 an interface's IPv6 address wins, else its IPv4 one.
        let lo6 = TcpSpec::parse_bind("lo:1").unwrap().resolve_local(true).unwrap().ip();
        assert!(lo6 == IpAddr::V6(Ipv6Addr::LOCALHOST) || lo6 == IpAddr::V4(Ipv4Addr::LOCALHOST), "{lo6}");
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
