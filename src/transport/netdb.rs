//! The C library's name and interface look-ups: `getaddrinfo(3)`,
//! `getifaddrs(3)` and `if_nametoindex(3)`, behind safe functions.
//!
//! libzmq resolves tcp addresses with exactly these calls and hints, so
//! using them (rather than parsing addresses ourselves) gives the same
//! answers for every odd form it accepts: `1.2.3` (inet_aton's three-part
//! form), `0`, IPv4-mapped results under ZMQ_IPV6, interface names.
//! Neither std nor socket2 offers these with hints, so this is raw libc.
//!
//! Owns: the FFI and freeing what it returns. Must not: interpret
//! endpoints (`address.rs` does).

use std::ffi::CString;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::os::raw::c_int;

/// Reads a socket address of family AF_INET or AF_INET6 (None for others).
///
/// # Safety
/// `sa` must point at a valid socket address at least as large as its
/// family's struct (`sockaddr_in` or `sockaddr_in6`).
unsafe fn to_std(sa: *const libc::sockaddr) -> Option<SocketAddr> {
    // SAFETY: the caller guarantees a valid address; the family field
    // comes first in every sockaddr.
    let fam = c_int::from(unsafe { (*sa).sa_family });
    if fam == libc::AF_INET {
        // SAFETY: an AF_INET address is a sockaddr_in (caller's guarantee).
        let sin = unsafe { &*(sa as *const libc::sockaddr_in) };
        let ip = Ipv4Addr::from(u32::from_be(sin.sin_addr.s_addr));
        Some(SocketAddr::V4(SocketAddrV4::new(ip, u16::from_be(sin.sin_port))))
    } else if fam == libc::AF_INET6 {
        // SAFETY: an AF_INET6 address is a sockaddr_in6 (caller's guarantee).
        let sin6 = unsafe { &*(sa as *const libc::sockaddr_in6) };
        let ip = Ipv6Addr::from(sin6.sin6_addr.s6_addr);
        let port = u16::from_be(sin6.sin6_port);
        Some(SocketAddr::V6(SocketAddrV6::new(ip, port, sin6.sin6_flowinfo, sin6.sin6_scope_id)))
    } else {
        None
    }
}

/// The first address `getaddrinfo(host, NULL, hints)` gives, with hints
/// `family` (AF_INET or AF_INET6), SOCK_STREAM and `flags` (AI_*). Err:
/// the EAI_* code.
pub fn getaddrinfo_first(host: &str, family: c_int, flags: c_int) -> Result<SocketAddr, c_int> {
    // A string from C holds no NUL; one that does names nothing.
    let host = CString::new(host).map_err(|_| libc::EAI_NONAME)?;
    // SAFETY: `addrinfo` is plain old data, for which all zeros (null
    // pointers, no flags) is the documented "no further hints" value.
    let mut hints: libc::addrinfo = unsafe { std::mem::zeroed() };
    hints.ai_family = family;
    hints.ai_socktype = libc::SOCK_STREAM;
    hints.ai_flags = flags;
    let mut res: *mut libc::addrinfo = std::ptr::null_mut();
    // SAFETY: `host` is a NUL-terminated string, the service may be NULL,
    // `hints` and `res` are valid for the call; on success `res` is a list
    // we own until `freeaddrinfo` below.
    let rc = unsafe { libc::getaddrinfo(host.as_ptr(), std::ptr::null(), &hints, &mut res) };
    if rc != 0 {
        return Err(rc);
    }
    let first = if res.is_null() {
        None
    } else {
        // SAFETY: `res` is the head of the list getaddrinfo returned; its
        // `ai_addr` (when not null) points at `ai_addrlen` bytes of an
        // address of `ai_family`, which `to_std` checks before reading.
        unsafe {
            let ai = &*res;
            if ai.ai_addr.is_null() {
                None
            } else {
                to_std(ai.ai_addr)
            }
        }
    };
    if !res.is_null() {
        // SAFETY: the list came from getaddrinfo and is freed once; nothing
        // borrowed from it outlives this line (`first` is a copy).
        unsafe { libc::freeaddrinfo(res) };
    }
    first.ok_or(libc::EAI_FAMILY)
}

/// The index of a network interface by name, 0 when there is none.
pub fn if_nametoindex(name: &str) -> u32 {
    let Ok(name) = CString::new(name) else { return 0 };
    // SAFETY: `name` is a NUL-terminated string the call only reads.
    unsafe { libc::if_nametoindex(name.as_ptr()) }
}

/// The first address of family `family` (AF_INET or AF_INET6) that the
/// interface `name` has, in `getifaddrs` order (as libzmq picks it).
pub fn interface_addr(name: &str, family: c_int) -> Option<SocketAddr> {
    let list = IfAddrs::new()?;
    let found = list.iter().find(|(n, a)| *n == name.as_bytes() && a.is_ipv6() == (family == libc::AF_INET6));
    found.map(|(_, a)| a)
}

/// The interface address list from `getifaddrs(3)`, freed when dropped.
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
    fn iter(&self) -> impl Iterator<Item = (&[u8], SocketAddr)> + '_ {
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
                // least its family's size (getifaddrs(3)).
                if let Some(a) = unsafe { to_std(ifa.ifa_addr) } {
                    return Some((name, a));
                }
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::IpAddr;

    #[test]
    fn numeric_lookups_follow_the_c_library() {
        let n = libc::AI_NUMERICHOST | libc::AI_PASSIVE;
        assert_eq!(getaddrinfo_first("127.0.0.1", libc::AF_INET, n).unwrap().ip(), IpAddr::V4(Ipv4Addr::LOCALHOST));
        // inet_aton's short forms, as libzmq accepts them
        assert_eq!(getaddrinfo_first("1.2.3", libc::AF_INET, n).unwrap().ip(), "1.2.0.3".parse::<IpAddr>().unwrap());
        assert_eq!(getaddrinfo_first("0", libc::AF_INET, n).unwrap().ip(), IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        assert!(getaddrinfo_first("::1", libc::AF_INET, n).is_err());
        assert!(getaddrinfo_first("localhost", libc::AF_INET, n).is_err());
        let mapped = libc::AI_NUMERICHOST | libc::AI_V4MAPPED;
        assert_eq!(getaddrinfo_first("127.0.0.1", libc::AF_INET6, mapped).unwrap().ip(), "::ffff:127.0.0.1".parse::<IpAddr>().unwrap());
        assert!(getaddrinfo_first("a\0b", libc::AF_INET, 0).is_err());
    }

    #[test]
    fn interfaces() {
        assert_eq!(interface_addr("lo", libc::AF_INET).unwrap().ip(), IpAddr::V4(Ipv4Addr::LOCALHOST));
        assert_eq!(interface_addr("nosuchif0", libc::AF_INET), None);
        assert_eq!(if_nametoindex("nosuchif0"), 0);
        assert!(if_nametoindex("lo") > 0);
    }
}
