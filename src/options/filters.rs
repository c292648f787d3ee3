//! `ZMQ_TCP_ACCEPT_FILTER` entries: parsed the way glibc's numeric
//! `getaddrinfo` and `inet_aton` read a literal, and matched against peers.
//!
//! Owns: parsing and matching. Must not: touch sockets or `Options`.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// One `ZMQ_TCP_ACCEPT_FILTER` entry: an address and a prefix length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TcpAcceptFilter {
    pub addr: IpAddr,
    pub prefix: u8,
}

impl TcpAcceptFilter {
    /// Whether `peer` falls inside this filter's network. An IPv4 peer
    /// against an IPv6 filter is compared as its v4-mapped form (and back),
    /// which is what a dual-stack listener sees.
    pub fn matches(&self, peer: IpAddr) -> bool {
        let (a, b, bits): (Vec<u8>, Vec<u8>, usize) = match (self.addr, peer) {
            (IpAddr::V4(f), IpAddr::V4(p)) => (f.octets().to_vec(), p.octets().to_vec(), 32),
            (IpAddr::V6(f), IpAddr::V6(p)) => (f.octets().to_vec(), p.octets().to_vec(), 128),
            (IpAddr::V6(f), IpAddr::V4(p)) => {
                (f.octets().to_vec(), p.to_ipv6_mapped().octets().to_vec(), 128)
            }
            (IpAddr::V4(f), IpAddr::V6(p)) => match p.to_ipv4_mapped() {
                Some(p) => (f.octets().to_vec(), p.octets().to_vec(), 32),
                None => return false,
            },
        };
        let prefix = usize::from(self.prefix).min(bits);
        let full = prefix / 8;
        if a[..full] != b[..full] {
            return false;
        }
        let rest = prefix % 8;
        if rest == 0 {
            return true;
        }
        let mask = 0xFFu8 << (8 - rest);
        a[full] & mask == b[full] & mask
    }
}

pub(super) fn parse_accept_filter(v: &[u8], ipv6: bool) -> Option<TcpAcceptFilter> {
    // libzmq reads the value as a C string: anything after a NUL is ignored.
    let v = v.split(|&b| b == 0).next().unwrap_or(&[]);
    let text = std::str::from_utf8(v).ok()?;
    let (addr_text, mask_text) = match text.rfind('/') {
        Some(i) => (&text[..i], Some(&text[i + 1..])),
        None => (text, None),
    };
    let addr = resolve_numeric(addr_text, ipv6)?;
    let full: i64 = if addr.is_ipv4() { 32 } else { 128 };
    let prefix = match mask_text {
        None => full,
        Some("") => return None,
        Some("0") => 0,
        Some(m) => {
            let n = strtol(m);
            if n < 1 || n > full {
                return None;
            }
            n
        }
    };
    Some(TcpAcceptFilter { addr, prefix: u8::try_from(prefix).ok()? })
}

/// C's `strtol(s, NULL, 10)`: leading blanks, a sign, then digits up to the
/// first non-digit (saturating; 0 when there are none).
fn strtol(s: &str) -> i64 {
    let s = s.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let mut n: i64 = 0;
    for c in digits.bytes().take_while(u8::is_ascii_digit) {
        n = n.saturating_mul(10).saturating_add(i64::from(c - b'0'));
    }
    if neg {
        -n
    } else {
        n
    }
}

/// A numeric host as glibc's `getaddrinfo(AI_NUMERICHOST)` reads it for the
/// family libzmq asks for.
fn resolve_numeric(text: &str, ipv6: bool) -> Option<IpAddr> {
    let text = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')).unwrap_or(text);
    if let Some(v4) = parse_inet_aton(text) {
        return Some(if ipv6 { IpAddr::V6(v4.to_ipv6_mapped()) } else { IpAddr::V4(v4) });
    }
    let (host, scope) = match text.split_once('%') {
        Some((h, s)) => (h, Some(s)),
        None => (text, None),
    };
    if let Some(scope) = scope {
        if !scope_exists(scope) {
            return None;
        }
    }
    let v6: Ipv6Addr = host.parse().ok()?;
    if ipv6 {
        Some(IpAddr::V6(v6))
    } else {
        // Asked for IPv4, glibc still turns a v4-mapped literal into IPv4.
        v6.to_ipv4_mapped().map(IpAddr::V4)
    }
}

/// An IPv6 zone after `%`: a number, or the name of an existing interface.
fn scope_exists(scope: &str) -> bool {
    if !scope.is_empty() && scope.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    !scope.is_empty()
        && scope.len() < 16
        && !scope.contains('/')
        && scope != "."
        && scope != ".."
        && std::path::Path::new("/sys/class/net").join(scope).exists()
}

/// IPv4 in `inet_aton`'s forms (`a.b.c.d`, `a.b.c`, `a.b`, `a`; each part
/// decimal, octal with a leading 0, or hex with 0x), with nothing after it.
fn parse_inet_aton(text: &str) -> Option<Ipv4Addr> {
    let parts: Vec<&str> = text.split('.').collect();
    if parts.is_empty() || parts.len() > 4 {
        return None;
    }
    let mut values = Vec::with_capacity(parts.len());
    for p in &parts {
        let (digits, radix) = if let Some(h) = p.strip_prefix("0x").or_else(|| p.strip_prefix("0X")) {
            (h, 16)
        } else if p.len() > 1 && p.starts_with('0') {
            (&p[1..], 8)
        } else {
            (*p, 10)
        };
        if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
            return None;
        }
        let value = u64::from_str_radix(digits, radix).ok()?;
        values.push(value);
    }
    let (last, init) = values.split_last()?;
    if init.iter().any(|&b| b > 255) {
        return None;
    }
    let last_bits = 8 * (4 - init.len() as u32);
    if *last >= 1u64 << last_bits {
        return None;
    }
    let mut addr: u64 = 0;
    for (i, &b) in init.iter().enumerate() {
        addr |= b << (24 - 8 * i as u32);
    }
    addr |= last;
    Some(Ipv4Addr::from(u32::try_from(addr).ok()?))
}

