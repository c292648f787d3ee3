//! Connected byte streams (tcp and ipc) and their listeners, behind one
//! type each so sessions and the listener share one implementation.
//!
//! Owns: creating, binding, connecting and tuning OS sockets (non-blocking,
//! close-on-exec, TCP_NODELAY, keepalive, TOS, buffer sizes, source
//! address, SO_BINDTODEVICE, SO_RCVLOWAT, removing a stale ipc socket file
//! before bind) and writing without SIGPIPE. Socket calls go through
//! `socket2`; raw `libc` only for what it lacks (SO_RCVLOWAT, SO_PEERCRED).
//! Must not: parse ZMTP.

use crate::error::*;
use crate::options::Options;
use crate::transport::address::{tcp_endpoint, IpcPath};
use mio::event::Source;
use mio::{Interest, Registry, Token};
use socket2::{Domain, SockAddr, SockRef, Socket, TcpKeepalive, Type};
use std::io::{self, IoSlice, Read};
use std::net::SocketAddr;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::os::raw::c_int;
use std::time::Duration;

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

    /// This end's address as libzmq names it in monitor events
    /// (`tcp://ip:port`; `ipc://path`, `ipc://@name`, or `ipc://` for an
    /// unnamed unix socket); empty when the system does not say.
    pub fn local_endpoint(&self) -> String {
        match self {
            Stream::Tcp(s) => s.local_addr().map(|a| tcp_endpoint(&a)).unwrap_or_default(),
            Stream::Ipc(s) => s.local_addr().map(|a| ipc_endpoint(&a)).unwrap_or_default(),
        }
    }

    /// The other end's address, named as `local_endpoint` names ours.
    pub fn peer_endpoint(&self) -> String {
        match self {
            Stream::Tcp(s) => s.peer_addr().map(|a| tcp_endpoint(&a)).unwrap_or_default(),
            Stream::Ipc(s) => s.peer_addr().map(|a| ipc_endpoint(&a)).unwrap_or_default(),
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
                // socket2 has no SO_RCVLOWAT setter.
                set_sol_socket_int(s.as_raw_fd(), libc::SO_RCVLOWAT, v)
            }
            Stream::Ipc(_) => false,
        }
    }

    /// Writes with `sendmsg(MSG_NOSIGNAL)`: a peer that went away gives
    /// `EPIPE`, never a SIGPIPE, which would kill a host process that did
    /// not ignore the signal (`writev`, what std's `write_vectored` uses,
    /// raises it).
    pub fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        // sendmsg(2) takes at most UIO_MAXIOV buffers (EMSGSIZE beyond).
        let n = bufs.len().min(libc::UIO_MAXIOV as usize);
        SockRef::from(&*self).send_vectored_with_flags(&bufs[..n], libc::MSG_NOSIGNAL)
    }
}

impl AsFd for Stream {
    fn as_fd(&self) -> BorrowedFd<'_> {
        match self {
            Stream::Tcp(s) => s.as_fd(),
            Stream::Ipc(s) => s.as_fd(),
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

/// The errno of a failed socket call, as the C API reports it.
fn os_err(e: io::Error) -> Errno {
    e.raw_os_error().unwrap_or(EINVAL)
}

/// `socket(2)` with `SOCK_NONBLOCK`; `Socket::new` adds `SOCK_CLOEXEC`
/// (one system call, no window in which the descriptor could leak).
fn new_tcp_socket(addr: &SocketAddr) -> ZResult<Socket> {
    Socket::new(Domain::for_address(*addr), Type::STREAM.nonblocking(), None).map_err(os_err)
}

/// Socket options that apply to every tcp socket before bind/connect.
/// Failures are ignored, each on its own, as libzmq does for these.
fn tune_tcp(s: &Socket, o: &Options) {
    if o.sndbuf >= 0 {
        let _ = s.set_send_buffer_size(o.sndbuf as usize);
    }
    if o.rcvbuf >= 0 {
        let _ = s.set_recv_buffer_size(o.rcvbuf as usize);
    }
    if o.tos != 0 {
        // Both, whatever the family: the one that does not apply fails.
        let _ = s.set_tos(o.tos as u32);
        let _ = s.set_tclass_v6(o.tos as u32);
    }
    if !o.bindtodevice.is_empty() {
        let _ = s.bind_device(Some(&o.bindtodevice));
    }
    // ZMQ_PRIORITY and ZMQ_BUSY_POLL (draft; socket2 has setters for
    // neither). SO_BUSY_POLL above the system's limit needs CAP_NET_ADMIN;
    // like libzmq we do not fail the socket for it.
    if o.priority != 0 {
        let _ = set_sol_socket_int(s.as_raw_fd(), libc::SO_PRIORITY, o.priority);
    }
    if o.busy_poll > 0 {
        let _ = set_sol_socket_int(s.as_raw_fd(), libc::SO_BUSY_POLL, o.busy_poll);
    }
}

/// `setsockopt(fd, SOL_SOCKET, name, &v, sizeof v)`; true when applied.
fn set_sol_socket_int(fd: RawFd, name: c_int, v: c_int) -> bool {
    // SAFETY: the caller's `fd` is an open socket it owns for the call; the
    // option value is a local int, passed with its size, that the kernel
    // only reads.
    let r = unsafe {
        libc::setsockopt(
            fd,
            libc::SOL_SOCKET,
            name,
            &v as *const c_int as *const libc::c_void,
            std::mem::size_of::<c_int>() as libc::socklen_t,
        )
    };
    r == 0
}

/// The send buffer of an ipc stream when ZMQ_SNDBUF is left at -1. The
/// kernel's default for unix sockets (`net.core.wmem_default`, 208 KiB
/// here) has no autotuning, unlike tcp's (up to 4 MiB): with it, a sender
/// busy with CURVE stalls on a full buffer while its peer decrypts, and
/// ipc ran at two thirds of tcp's rate. It bounds what we queue in the
/// kernel for a peer that stops reading, as tcp's autotuning does.
const IPC_SNDBUF: usize = 1 << 20;

/// Buffer sizes of an ipc stream: ZMQ_SNDBUF/ZMQ_RCVBUF when set (libzmq
/// applies them to tcp only), else `IPC_SNDBUF` for sending.
fn tune_ipc(u: &mio::net::UnixStream, o: &Options) {
    let s = SockRef::from(u);
    let _ = s.set_send_buffer_size(if o.sndbuf >= 0 { o.sndbuf as usize } else { IPC_SNDBUF });
    if o.rcvbuf >= 0 {
        let _ = s.set_recv_buffer_size(o.rcvbuf as usize);
    }
}

/// A unix socket address as libzmq prints it: `ipc://` then the path, or
/// `@` and the abstract name; nothing after `ipc://` when unnamed.
fn ipc_endpoint(a: &std::os::unix::net::SocketAddr) -> String {
    use std::os::linux::net::SocketAddrExt;
    if let Some(p) = a.as_pathname() {
        format!("ipc://{}", p.display())
    } else if let Some(n) = a.as_abstract_name() {
        format!("ipc://@{}", String::from_utf8_lossy(n))
    } else {
        "ipc://".to_string()
    }
}

/// Options for a connected stream (both accepted and connected).
pub fn tune_connected(s: &Stream, o: &Options) {
    let t = match s {
        Stream::Tcp(t) => t,
        Stream::Ipc(u) => return tune_ipc(u, o),
    };
    let s = SockRef::from(t);
    let _ = s.set_nodelay(true);
    if o.tcp_keepalive == 1 {
        let _ = s.set_keepalive(true);
        // One `TcpKeepalive` per parameter, so that a value the kernel
        // rejects (TCP_KEEPCNT > 127, say) leaves the others applied:
        // `set_tcp_keepalive` stops at the first failure. Each call also
        // sets SO_KEEPALIVE again, which is idempotent.
        if o.tcp_keepalive_cnt > 0 {
            let _ = s.set_tcp_keepalive(&TcpKeepalive::new().with_retries(o.tcp_keepalive_cnt as u32));
        }
        if o.tcp_keepalive_idle > 0 {
            let idle = Duration::from_secs(o.tcp_keepalive_idle as u64);
            let _ = s.set_tcp_keepalive(&TcpKeepalive::new().with_time(idle));
        }
        if o.tcp_keepalive_intvl > 0 {
            let intvl = Duration::from_secs(o.tcp_keepalive_intvl as u64);
            let _ = s.set_tcp_keepalive(&TcpKeepalive::new().with_interval(intvl));
        }
    } else if o.tcp_keepalive == 0 {
        let _ = s.set_keepalive(false);
    }
    if o.tcp_maxrt > 0 {
        let _ = s.set_tcp_user_timeout(Some(Duration::from_millis(o.tcp_maxrt as u64)));
    }
}

/// A socket call that failed, and the descriptor it had opened and closed
/// again by then, if any: libzmq reports that one as CLOSED (a connect
/// attempt refused at once, a bind that failed) before the failure itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SockError {
    pub errno: Errno,
    pub closed_fd: Option<RawFd>,
}

impl From<Errno> for SockError {
    fn from(errno: Errno) -> SockError {
        SockError { errno, closed_fd: None }
    }
}

/// The error of a call on `sock`, which is then closed (dropped).
fn failed(sock: Socket, e: io::Error) -> SockError {
    SockError { errno: os_err(e), closed_fd: Some(sock.as_raw_fd()) }
}

/// Starts a non-blocking tcp connect (optionally from a source address).
pub fn connect_tcp(dest: &SocketAddr, source: Option<&SocketAddr>, o: &Options) -> Result<Stream, SockError> {
    let sock = new_tcp_socket(dest)?;
    if dest.is_ipv6() {
        // IPv4-mapped destinations (ZMQ_IPV6 with an IPv4 address), as libzmq.
        let _ = sock.set_only_v6(false);
    }
    tune_tcp(&sock, o);
    if let Some(src) = source {
        let _ = sock.set_reuse_address(true);
        if let Err(e) = sock.bind(&SockAddr::from(*src)) {
            return Err(failed(sock, e));
        }
    }
    match sock.connect(&SockAddr::from(*dest)) {
        Ok(()) => {}
        Err(e) if matches!(e.raw_os_error(), Some(EINPROGRESS | libc::EINTR)) => {}
        Err(e) => return Err(failed(sock, e)),
    }
    Ok(Stream::Tcp(mio::net::TcpStream::from_std(sock.into())))
}

/// Starts a non-blocking ipc connect (which completes or fails at once).
pub fn connect_ipc(path: &IpcPath) -> Result<Stream, SockError> {
    let addr = path.to_sock_addr()?;
    let sock = Socket::new(Domain::UNIX, Type::STREAM.nonblocking(), None).map_err(os_err)?;
    match sock.connect(&addr) {
        Ok(()) => {}
        Err(e) if matches!(e.raw_os_error(), Some(EINPROGRESS | libc::EINTR)) => {}
        Err(e) => return Err(failed(sock, e)),
    }
    Ok(Stream::Ipc(mio::net::UnixStream::from_std(sock.into())))
}

/// A listening tcp or ipc socket: one we made, or one the application
/// handed over with ZMQ_USE_FD (held with a guard that releases it when
/// the listener closes, opaque here; ZMQ_USE_FD lives in the adopt module).
pub struct ListenerSock {
    sock: Listening,
    /// Dropped after `sock` (field order): the descriptor is closed first.
    _claim: Option<Box<dyn Send>>,
}

pub(super) enum Listening {
    Tcp(mio::net::TcpListener),
    Ipc(mio::net::UnixListener),
}

impl ListenerSock {
    pub(super) fn new(sock: Listening) -> ListenerSock {
        ListenerSock { sock, _claim: None }
    }

    pub(super) fn adopted(sock: Listening, claim: impl Send + 'static) -> ListenerSock {
        ListenerSock { sock, _claim: Some(Box::new(claim)) }
    }

    pub fn fd(&self) -> RawFd {
        match &self.sock {
            Listening::Tcp(l) => l.as_raw_fd(),
            Listening::Ipc(l) => l.as_raw_fd(),
        }
    }

    pub fn accept(&self) -> io::Result<Stream> {
        match &self.sock {
            Listening::Tcp(l) => l.accept().map(|(s, _)| Stream::Tcp(s)),
            Listening::Ipc(l) => l.accept().map(|(s, _)| Stream::Ipc(s)),
        }
    }
}

impl Source for ListenerSock {
    fn register(&mut self, r: &Registry, t: Token, i: Interest) -> io::Result<()> {
        match &mut self.sock {
            Listening::Tcp(l) => l.register(r, t, i),
            Listening::Ipc(l) => l.register(r, t, i),
        }
    }
    fn reregister(&mut self, r: &Registry, t: Token, i: Interest) -> io::Result<()> {
        match &mut self.sock {
            Listening::Tcp(l) => l.reregister(r, t, i),
            Listening::Ipc(l) => l.reregister(r, t, i),
        }
    }
    fn deregister(&mut self, r: &Registry) -> io::Result<()> {
        match &mut self.sock {
            Listening::Tcp(l) => l.deregister(r),
            Listening::Ipc(l) => l.deregister(r),
        }
    }
}

/// Binds and listens on a tcp address; returns the listener and the
/// address actually bound (with the ephemeral port filled in).
pub fn listen_tcp(addr: &SocketAddr, o: &Options) -> Result<(ListenerSock, SocketAddr), SockError> {
    let sock = new_tcp_socket(addr)?;
    let _ = sock.set_reuse_address(true);
    if addr.is_ipv6() {
        // Dual-stack, as libzmq: `tcp://[::]:p` also takes IPv4 peers.
        let _ = sock.set_only_v6(false);
    }
    tune_tcp(&sock, o);
    if let Err(e) = sock.bind(&SockAddr::from(*addr)).and_then(|()| sock.listen(o.backlog.max(1))) {
        return Err(failed(sock, e));
    }
    let l: std::net::TcpListener = sock.into();
    let local = l.local_addr().map_err(os_err)?;
    Ok((ListenerSock::new(Listening::Tcp(mio::net::TcpListener::from_std(l))), local))
}

/// Binds and listens on an ipc path, removing a stale socket file first.
pub fn listen_ipc(path: &IpcPath, o: &Options) -> Result<ListenerSock, SockError> {
    if let IpcPath::File(p) = path {
        use std::os::unix::fs::FileTypeExt;
        if let Ok(md) = std::fs::symlink_metadata(p) {
            if md.file_type().is_socket() {
                let _ = std::fs::remove_file(p);
            }
        }
    }
    let addr = path.to_sock_addr()?;
    let sock = Socket::new(Domain::UNIX, Type::STREAM.nonblocking(), None).map_err(os_err)?;
    if let Err(e) = sock.bind(&addr).and_then(|()| sock.listen(o.backlog.max(1))) {
        return Err(failed(sock, e));
    }
    Ok(ListenerSock::new(Listening::Ipc(mio::net::UnixListener::from_std(sock.into()))))
}

/// Credentials of an ipc peer (for the ZMQ_IPC_FILTER_* options).
pub fn peer_cred(s: &Stream) -> Option<libc::ucred> {
    let Stream::Ipc(_) = s else { return None };
    // socket2 has no SO_PEERCRED getter (std's `peer_cred` is unstable).
    let mut cred = libc::ucred { pid: 0, uid: 0, gid: 0 };
    let mut len = std::mem::size_of::<libc::ucred>() as libc::socklen_t;
    // SAFETY: `s` owns an open socket for the call; `cred` is a local
    // plain-old-data struct and `len` its size, so the kernel writes at
    // most `len` bytes into it.
    let r = unsafe {
        let p = &mut cred as *mut libc::ucred as *mut libc::c_void;
        libc::getsockopt(s.fd(), libc::SOL_SOCKET, libc::SO_PEERCRED, p, &mut len)
    };
    (r == 0).then_some(cred)
}
