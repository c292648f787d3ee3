//! Connected byte streams (tcp and ipc) and their listeners, behind one
//! type each so sessions and the listener share one implementation.
//!
//! Owns: creating, binding, connecting and tuning OS sockets (non-blocking,
//! close-on-exec, TCP_NODELAY, keepalive, TOS, buffer sizes, source
//! address, SO_BINDTODEVICE, ipc file cleanup). Must not: parse ZMTP.

use crate::error::*;
use crate::options::Options;
use crate::transport::address::IpcPath;
use mio::event::Source;
use mio::{Interest, Registry, Token};
use std::io::{self, IoSlice, Read};
use std::net::SocketAddr;
use std::os::fd::{AsRawFd, FromRawFd, RawFd};
use std::os::raw::c_int;

pub enum Stream {
    Tcp(mio::net::TcpStream),
    Ipc(mio::net::UnixStream),
}

impl Stream {
    pub fn fd(&self) -> RawFd {
        match self {
            Stream::Tcp(s) => s.as_raw_fd(),
            Stream::Ipc(s) => s.as_raw_fd(),
        }
    }

    /// The peer's address for the `Peer-Address` property.
    pub fn peer_address(&self) -> Option<String> {
        match self {
            Stream::Tcp(s) => s.peer_addr().ok().map(|a| a.ip().to_string()),
            Stream::Ipc(_) => None,
        }
    }

    /// The pending connect error, once a non-blocking connect finished.
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        match self {
            Stream::Tcp(s) => s.take_error(),
            Stream::Ipc(s) => s.take_error(),
        }
    }

    /// True once a non-blocking connect completed.
    pub fn is_connected(&self) -> bool {
        match self {
            Stream::Tcp(s) => s.peer_addr().is_ok(),
            Stream::Ipc(s) => s.peer_addr().is_ok(),
        }
    }

    /// SO_RCVLOWAT (tcp only; unix stream sockets do not honour it in
    /// poll): readiness is not reported until `n` bytes are queued (or the
    /// connection ends). Returns false when not applied.
    pub fn set_rcvlowat(&self, n: usize) -> bool {
        match self {
            Stream::Tcp(s) => {
                let v = n.clamp(1, i32::MAX as usize / 2) as c_int;
                // SAFETY: passes a pointer to a local int with its size.
                let r = unsafe {
                    libc::setsockopt(
                        s.as_raw_fd(),
                        libc::SOL_SOCKET,
                        libc::SO_RCVLOWAT,
                        &v as *const c_int as *const _,
                        std::mem::size_of::<c_int>() as u32,
                    )
                };
                r == 0
            }
            Stream::Ipc(_) => false,
        }
    }

    /// Writes with `sendmsg(MSG_NOSIGNAL)`: a peer that went away gives
    /// `EPIPE`, never a SIGPIPE, which would kill a host process that did
    /// not ignore the signal (`writev`, what std's `write_vectored` uses,
    /// raises it).
    pub fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        let n = bufs.len().min(libc::UIO_MAXIOV as usize);
        // SAFETY: `IoSlice` is ABI-compatible with `iovec` (std guarantees
        // it on Unix); the header points at `n` of them, which stay borrowed
        // for the call, and at no name or control data.
        let r = unsafe {
            let mut hdr: libc::msghdr = std::mem::zeroed();
            hdr.msg_iov = bufs.as_ptr() as *mut libc::iovec;
            hdr.msg_iovlen = n as _;
            libc::sendmsg(self.fd(), &hdr, libc::MSG_NOSIGNAL)
        };
        if r < 0 {
            Err(io::Error::last_os_error())
        } else {
            Ok(r as usize)
        }
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.read(buf),
            Stream::Ipc(s) => s.read(buf),
        }
    }
    /// One readv(2): a large body's rest and the start of what follows.
    fn read_vectored(&mut self, bufs: &mut [io::IoSliceMut<'_>]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.read_vectored(bufs),
            Stream::Ipc(s) => s.read_vectored(bufs),
        }
    }
}

impl Source for Stream {
    fn register(&mut self, r: &Registry, t: Token, i: Interest) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => s.register(r, t, i),
            Stream::Ipc(s) => s.register(r, t, i),
        }
    }
    fn reregister(&mut self, r: &Registry, t: Token, i: Interest) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => s.reregister(r, t, i),
            Stream::Ipc(s) => s.reregister(r, t, i),
        }
    }
    fn deregister(&mut self, r: &Registry) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => s.deregister(r),
            Stream::Ipc(s) => s.deregister(r),
        }
    }
}

fn cvt(r: c_int) -> ZResult<c_int> {
    if r < 0 {
        Err(errno())
    } else {
        Ok(r)
    }
}

fn setsockopt_int(fd: RawFd, level: c_int, name: c_int, v: c_int) {
    // SAFETY: passes a pointer to a local int with its size.
    unsafe {
        libc::setsockopt(fd, level, name, &v as *const c_int as *const _, std::mem::size_of::<c_int>() as u32);
    }
}

fn sockaddr_of(addr: &SocketAddr) -> (libc::sockaddr_storage, libc::socklen_t) {
    // SAFETY: sockaddr_storage is plain old data; zeroed is a valid value.
    let mut ss: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
    let len = match addr {
        SocketAddr::V4(a) => {
            // SAFETY: sockaddr_storage is large enough and aligned for sockaddr_in.
            let sin = unsafe { &mut *(&mut ss as *mut _ as *mut libc::sockaddr_in) };
            sin.sin_family = libc::AF_INET as u16;
            sin.sin_port = a.port().to_be();
            sin.sin_addr.s_addr = u32::from(*a.ip()).to_be();
            std::mem::size_of::<libc::sockaddr_in>()
        }
        SocketAddr::V6(a) => {
            // SAFETY: as above, for sockaddr_in6.
            let sin6 = unsafe { &mut *(&mut ss as *mut _ as *mut libc::sockaddr_in6) };
            sin6.sin6_family = libc::AF_INET6 as u16;
            sin6.sin6_port = a.port().to_be();
            sin6.sin6_addr.s6_addr = a.ip().octets();
            sin6.sin6_scope_id = a.scope_id();
            std::mem::size_of::<libc::sockaddr_in6>()
        }
    };
    (ss, len as libc::socklen_t)
}

fn new_tcp_socket(addr: &SocketAddr) -> ZResult<RawFd> {
    let fam = if addr.is_ipv4() { libc::AF_INET } else { libc::AF_INET6 };
    // SAFETY: plain system call.
    cvt(unsafe { libc::socket(fam, libc::SOCK_STREAM | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC, 0) })
}

/// Socket options that apply to every tcp socket before bind/connect.
fn tune_tcp(fd: RawFd, o: &Options) {
    if o.sndbuf >= 0 {
        setsockopt_int(fd, libc::SOL_SOCKET, libc::SO_SNDBUF, o.sndbuf);
    }
    if o.rcvbuf >= 0 {
        setsockopt_int(fd, libc::SOL_SOCKET, libc::SO_RCVBUF, o.rcvbuf);
    }
    if o.tos != 0 {
        setsockopt_int(fd, libc::IPPROTO_IP, libc::IP_TOS, o.tos);
        setsockopt_int(fd, libc::IPPROTO_IPV6, libc::IPV6_TCLASS, o.tos);
    }
    if !o.bindtodevice.is_empty() {
        // SAFETY: passes the device name bytes with their length.
        unsafe {
            libc::setsockopt(
                fd,
                libc::SOL_SOCKET,
                libc::SO_BINDTODEVICE,
                o.bindtodevice.as_ptr() as *const _,
                o.bindtodevice.len() as u32,
            );
        }
    }
}

/// Options for a connected tcp stream (both accepted and connected).
pub fn tune_connected(s: &Stream, o: &Options) {
    let fd = s.fd();
    if let Stream::Tcp(_) = s {
        setsockopt_int(fd, libc::IPPROTO_TCP, libc::TCP_NODELAY, 1);
        if o.tcp_keepalive == 1 {
            setsockopt_int(fd, libc::SOL_SOCKET, libc::SO_KEEPALIVE, 1);
            if o.tcp_keepalive_cnt > 0 {
                setsockopt_int(fd, libc::IPPROTO_TCP, libc::TCP_KEEPCNT, o.tcp_keepalive_cnt);
            }
            if o.tcp_keepalive_idle > 0 {
                setsockopt_int(fd, libc::IPPROTO_TCP, libc::TCP_KEEPIDLE, o.tcp_keepalive_idle);
            }
            if o.tcp_keepalive_intvl > 0 {
                setsockopt_int(fd, libc::IPPROTO_TCP, libc::TCP_KEEPINTVL, o.tcp_keepalive_intvl);
            }
        } else if o.tcp_keepalive == 0 {
            setsockopt_int(fd, libc::SOL_SOCKET, libc::SO_KEEPALIVE, 0);
        }
        if o.tcp_maxrt > 0 {
            setsockopt_int(fd, libc::IPPROTO_TCP, libc::TCP_USER_TIMEOUT, o.tcp_maxrt);
        }
    }
}

/// Starts a non-blocking tcp connect (optionally from a source address).
pub fn connect_tcp(dest: &SocketAddr, source: Option<&SocketAddr>, o: &Options) -> ZResult<Stream> {
    let fd = new_tcp_socket(dest)?;
    // SAFETY: fd is a fresh socket we own; TcpStream takes ownership.
    let stream = unsafe { std::net::TcpStream::from_raw_fd(fd) };
    tune_tcp(fd, o);
    if let Some(src) = source {
        setsockopt_int(fd, libc::SOL_SOCKET, libc::SO_REUSEADDR, 1);
        let (ss, len) = sockaddr_of(src);
        // SAFETY: ss/len describe a valid sockaddr.
        cvt(unsafe { libc::bind(fd, &ss as *const _ as *const libc::sockaddr, len) })?;
    }
    let (ss, len) = sockaddr_of(dest);
    // SAFETY: as above.
    let r = unsafe { libc::connect(fd, &ss as *const _ as *const libc::sockaddr, len) };
    if r < 0 {
        let e = errno();
        if e != libc::EINPROGRESS {
            return Err(e);
        }
    }
    Ok(Stream::Tcp(mio::net::TcpStream::from_std(stream)))
}

/// Starts a non-blocking ipc connect.
pub fn connect_ipc(path: &IpcPath) -> ZResult<Stream> {
    let addr = path.to_socket_addr()?;
    let s = mio::net::UnixStream::connect_addr(&addr).map_err(|e| e.raw_os_error().unwrap_or(ECONNREFUSED))?;
    Ok(Stream::Ipc(s))
}

pub enum ListenerSock {
    Tcp(mio::net::TcpListener),
    Ipc(mio::net::UnixListener),
}

impl ListenerSock {
    pub fn fd(&self) -> RawFd {
        match self {
            ListenerSock::Tcp(l) => l.as_raw_fd(),
            ListenerSock::Ipc(l) => l.as_raw_fd(),
        }
    }

    pub fn accept(&self) -> io::Result<Stream> {
        match self {
            ListenerSock::Tcp(l) => l.accept().map(|(s, _)| Stream::Tcp(s)),
            ListenerSock::Ipc(l) => l.accept().map(|(s, _)| Stream::Ipc(s)),
        }
    }
}

impl Source for ListenerSock {
    fn register(&mut self, r: &Registry, t: Token, i: Interest) -> io::Result<()> {
        match self {
            ListenerSock::Tcp(l) => l.register(r, t, i),
            ListenerSock::Ipc(l) => l.register(r, t, i),
        }
    }
    fn reregister(&mut self, r: &Registry, t: Token, i: Interest) -> io::Result<()> {
        match self {
            ListenerSock::Tcp(l) => l.reregister(r, t, i),
            ListenerSock::Ipc(l) => l.reregister(r, t, i),
        }
    }
    fn deregister(&mut self, r: &Registry) -> io::Result<()> {
        match self {
            ListenerSock::Tcp(l) => l.deregister(r),
            ListenerSock::Ipc(l) => l.deregister(r),
        }
    }
}

/// Binds and listens on a tcp address; returns the listener and the
/// address actually bound (with the ephemeral port filled in).
pub fn listen_tcp(addr: &SocketAddr, o: &Options) -> ZResult<(ListenerSock, SocketAddr)> {
    let fd = new_tcp_socket(addr)?;
    // SAFETY: fd is a fresh socket we own; TcpListener takes ownership.
    let l = unsafe { std::net::TcpListener::from_raw_fd(fd) };
    setsockopt_int(fd, libc::SOL_SOCKET, libc::SO_REUSEADDR, 1);
    if addr.is_ipv6() {
        setsockopt_int(fd, libc::IPPROTO_IPV6, libc::IPV6_V6ONLY, 0);
    }
    tune_tcp(fd, o);
    let (ss, len) = sockaddr_of(addr);
    // SAFETY: ss/len describe a valid sockaddr.
    cvt(unsafe { libc::bind(fd, &ss as *const _ as *const libc::sockaddr, len) })?;
    // SAFETY: plain system call on our socket.
    cvt(unsafe { libc::listen(fd, o.backlog.max(1)) })?;
    let local = l.local_addr().map_err(|e| e.raw_os_error().unwrap_or(EINVAL))?;
    Ok((ListenerSock::Tcp(mio::net::TcpListener::from_std(l)), local))
}

/// Binds and listens on an ipc path, removing a stale socket file first.
pub fn listen_ipc(path: &IpcPath, o: &Options) -> ZResult<ListenerSock> {
    if let IpcPath::File(p) = path {
        use std::os::unix::fs::FileTypeExt;
        if let Ok(md) = std::fs::symlink_metadata(p) {
            if md.file_type().is_socket() {
                let _ = std::fs::remove_file(p);
            }
        }
    }
    let addr = path.to_socket_addr()?;
    let l = std::os::unix::net::UnixListener::bind_addr(&addr).map_err(|e| e.raw_os_error().unwrap_or(EINVAL))?;
    l.set_nonblocking(true).map_err(|e| e.raw_os_error().unwrap_or(EINVAL))?;
    // Re-listen with the configured backlog.
    // SAFETY: plain system call on our socket.
    unsafe { libc::listen(l.as_raw_fd(), o.backlog.max(1)) };
    Ok(ListenerSock::Ipc(mio::net::UnixListener::from_std(l)))
}

/// Credentials of an ipc peer (for the ZMQ_IPC_FILTER_* options).
pub fn peer_cred(s: &Stream) -> Option<libc::ucred> {
    let Stream::Ipc(_) = s else { return None };
    // SAFETY: ucred is plain old data; getsockopt fills at most `len` bytes.
    unsafe {
        let mut cred: libc::ucred = std::mem::zeroed();
        let mut len = std::mem::size_of::<libc::ucred>() as libc::socklen_t;
        let r = libc::getsockopt(s.fd(), libc::SOL_SOCKET, libc::SO_PEERCRED, &mut cred as *mut _ as *mut _, &mut len);
        (r == 0).then_some(cred)
    }
}
