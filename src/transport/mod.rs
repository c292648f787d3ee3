//! Transports: how pipes reach a peer.
//!
//! inproc connects two sockets' pipes directly through the context (see
//! `ctx`); tcp and ipc go through an I/O thread, a session and the ZMTP
//! engine. This module owns endpoint parsing and the transport check
//! (`parse_endpoint`), binding (`bind`) and the stream/listener sockets
//! shared by tcp and ipc: `address.rs` checks and resolves addresses with
//! libzmq's rules, `netdb.rs` asks the C library (getaddrinfo,
//! getifaddrs), `stream.rs` makes the sockets, `listener.rs` accepts. It
//! must not route messages or speak ZMTP.

pub mod address;
pub mod adopt;
pub mod listener;
pub mod netdb;
pub mod socks;
pub mod stream;
pub mod udp;

use crate::constants::draft::{ZMQ_DGRAM, ZMQ_DISH, ZMQ_RADIO};
use crate::error::*;
use crate::options::Options;
use address::IpcPath;
use std::os::fd::RawFd;
use std::os::raw::c_int;
use std::path::PathBuf;
use stream::{ListenerSock, SockError};

/// Splits `proto://address` and checks the transport against the socket
/// type, as libzmq's `parse_uri` and `check_protocol` (bind, connect,
/// unbind, disconnect and monitor all do): EINVAL when malformed,
/// EPROTONOSUPPORT for a transport this build does not have, and
/// ENOCOMPATPROTO for udp (in every libzmq build) on a socket type other
/// than RADIO, DISH or DGRAM. Like a libzmq built without them, we have no
/// pgm, epgm, norm, tipc, vmci, ws or wss (zmq_has says so too).
pub fn parse_endpoint(ep: &str, socket_type: c_int) -> ZResult<(&str, &str)> {
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
        "udp" if !matches!(socket_type, ZMQ_RADIO | ZMQ_DISH | ZMQ_DGRAM) => Err(ENOCOMPATPROTO),
        "udp" => Ok((proto, addr)),
        _ => Err(EPROTONOSUPPORT),
    }
}

/// Where a connecting session goes.
#[derive(Clone, Debug)]
pub enum Target {
    /// The address as given: resolved at each attempt, as libzmq does, so
    /// a name that does not resolve (or a bad port, or source) fails that
    /// attempt and is retried, never the `zmq_connect` call.
    Tcp(String),
    Ipc(IpcPath),
}

impl Target {
    /// Checks the address of a tcp or ipc `zmq_connect` as far as libzmq
    /// does at the call: the syntax of a tcp address (`check_tcp_connect`),
    /// the length of an ipc path.
    pub fn parse(proto: &str, addr: &str) -> ZResult<Target> {
        match proto {
            "tcp" => {
                address::check_tcp_connect(addr)?;
                Ok(Target::Tcp(addr.to_string()))
            }
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

/// Why a bind failed: the errno (which goes with a BIND_FAILED monitor
/// event) and, when a socket had been made and closed again, its
/// descriptor and the endpoint its CLOSED event names (libzmq emits one).
#[derive(Debug)]
pub struct BindError {
    pub errno: Errno,
    pub closed: Option<(RawFd, String)>,
}

impl From<Errno> for BindError {
    fn from(errno: Errno) -> BindError {
        BindError { errno, closed: None }
    }
}

impl BindError {
    fn from_sock(e: SockError, endpoint: String) -> BindError {
        BindError { errno: e.errno, closed: e.closed_fd.map(|fd| (fd, endpoint)) }
    }
}

/// Binds a tcp or ipc address, or with ZMQ_USE_FD serves the
/// application's listening socket instead (`adopt`).
pub fn bind(proto: &str, addr: &str, options: &Options) -> Result<Bound, BindError> {
    match proto {
        "tcp" if options.use_fd != -1 => {
            // As libzmq: the address is not looked at; the endpoint is the
            // socket's own.
            let (sock, endpoint) = adopt::adopt_listener(options.use_fd, true)?;
            Ok(Bound { sock, endpoint, unlink: None, tmpdir: None })
        }
        "tcp" => {
            let local = address::resolve_tcp(addr, true, options.ipv6)?.dest;
            // libzmq's CLOSED event for a socket that failed to bind names
            // no endpoint yet.
            let (sock, bound) = stream::listen_tcp(&local, options).map_err(|e| BindError::from_sock(e, String::new()))?;
            Ok(Bound { sock, endpoint: address::tcp_endpoint(&bound), unlink: None, tmpdir: None })
        }
        "ipc" if options.use_fd != -1 => {
            // The address must parse, but names nothing: no wildcard
            // directory, and the file is the application's to remove.
            IpcPath::parse(addr)?;
            let (sock, endpoint) = adopt::adopt_listener(options.use_fd, false)?;
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
                    return Err(BindError::from_sock(e, path.to_endpoint()));
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
        _ => Err(EPROTONOSUPPORT.into()),
    }
}

/// A fresh private directory for `ipc://*` (libzmq makes one per bind),
/// in the first of TMPDIR, TEMPDIR and TMP that names a directory, as
/// libzmq. Without one, libzmq makes it in the current directory (and
/// reports a relative path); we use /tmp, which does not depend on where
/// the process happens to run.
fn make_tmp_dir() -> ZResult<PathBuf> {
    let base = ["TMPDIR", "TEMPDIR", "TMP"]
        .iter()
        .filter_map(std::env::var_os)
        .map(PathBuf::from)
        .find(|d| d.is_dir())
        .unwrap_or_else(|| "/tmp".into());
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
