//! Transports: how pipes reach a peer.
//!
//! inproc connects two sockets' pipes directly through the context (see
//! `ctx`); tcp and ipc go through an I/O thread, a session and the ZMTP
//! engine. This module owns endpoint parsing, binding (`bind`) and the
//! stream/listener sockets shared by tcp and ipc; it must not route
//! messages or speak ZMTP.

pub mod address;
pub mod listener;
pub mod socks;
pub mod stream;

use crate::error::*;
use crate::options::Options;
use address::{IpcPath, TcpSpec};
use std::path::PathBuf;
use stream::ListenerSock;

/// Splits `proto://address`; EINVAL when malformed, EPROTONOSUPPORT for a
/// transport we do not serve.
pub fn parse_endpoint(ep: &str) -> ZResult<(&str, &str)> {
    let Some(i) = ep.find("://") else {
        return Err(EINVAL);
    };
    let (proto, addr) = (&ep[..i], &ep[i + 3..]);
    // As libzmq: an empty transport or address is EINVAL, checked before
    // the transport name (so "foo://" is EINVAL, "foo://x" EPROTONOSUPPORT).
    if proto.is_empty() || addr.is_empty() {
        return Err(EINVAL);
    }
    match proto {
        "inproc" | "tcp" | "ipc" => Ok((proto, addr)),
        _ => Err(EPROTONOSUPPORT),
    }
}

/// Where a connecting session goes.
#[derive(Clone, Debug)]
pub enum Target {
    Tcp(TcpSpec),
    Ipc(IpcPath),
}

impl Target {
    /// Parses the address of a tcp or ipc `zmq_connect`.
    pub fn parse(proto: &str, addr: &str) -> ZResult<Target> {
        match proto {
            "tcp" => Ok(Target::Tcp(TcpSpec::parse_connect(addr)?)),
            "ipc" => Ok(Target::Ipc(IpcPath::parse(addr)?)),
            _ => Err(EPROTONOSUPPORT),
        }
    }
}

/// A tcp or ipc endpoint bound and listening, not yet served.
pub struct Bound {
    pub sock: ListenerSock,
    /// The endpoint as `ZMQ_LAST_ENDPOINT` shows it (ports and `*` resolved).
    pub endpoint: String,
    /// The ipc file to remove when the listener closes (`ipc://*` only).
    pub unlink: Option<PathBuf>,
    /// The private directory made for `ipc://*`, removed with it.
    pub tmpdir: Option<PathBuf>,
}

/// Binds a tcp or ipc address. The error's errno goes with a
/// BIND_FAILED monitor event.
pub fn bind(proto: &str, addr: &str, options: &Options) -> ZResult<Bound> {
    match proto {
        "tcp" => {
            let spec = TcpSpec::parse_bind(addr)?;
            let local = spec.resolve_local(options.ipv6)?;
            let (sock, bound) = stream::listen_tcp(&local, options)?;
            let endpoint = match bound {
                std::net::SocketAddr::V4(a) => format!("tcp://{}:{}", a.ip(), a.port()),
                std::net::SocketAddr::V6(a) => format!("tcp://[{}]:{}", a.ip(), a.port()),
            };
            Ok(Bound { sock, endpoint, unlink: None, tmpdir: None })
        }
        "ipc" => {
            let (path, tmpdir) = if addr == "*" {
                let dir = make_tmp_dir()?;
                (IpcPath::File(dir.join("socket")), Some(dir))
            } else {
                (IpcPath::parse(addr)?, None)
            };
            let sock = match stream::listen_ipc(&path, options) {
                Ok(l) => l,
                Err(e) => {
                    if let Some(d) = &tmpdir {
                        let _ = std::fs::remove_dir(d);
                    }
                    return Err(e);
                }
            };
            // As libzmq 4.3.5: only the file of an `ipc://*` bind (in its
            // private directory) is removed on unbind/close; a named path
            // is left in place (bind replaces stale files).
            let unlink = match (&path, &tmpdir) {
                (IpcPath::File(p), Some(_)) => Some(p.clone()),
                _ => None,
            };
            Ok(Bound { sock, endpoint: path.to_endpoint(), unlink, tmpdir })
        }
        _ => Err(EPROTONOSUPPORT),
    }
}

/// A fresh private directory for `ipc://*` (libzmq makes one per bind).
fn make_tmp_dir() -> ZResult<PathBuf> {
    let base = std::env::var_os("TMPDIR").map(PathBuf::from).unwrap_or_else(|| "/tmp".into());
    for _ in 0..100 {
        let mut b = [0u8; 6];
        getrandom::fill(&mut b).map_err(|_| EINVAL)?;
        let name: String = b.iter().map(|x| (b'a' + x % 26) as char).collect();
        let dir = base.join(format!("tmp{name}"));
        match std::fs::create_dir(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e.raw_os_error().unwrap_or(EINVAL)),
        }
    }
    Err(EADDRINUSE)
}
