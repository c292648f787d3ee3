//! Listening sockets the application hands over with ZMQ_USE_FD
//! (zmq_setsockopt(3)): a bind on such a socket serves that descriptor
//! instead of making one.
//!
//! As libzmq: the descriptor is used as it is (bound and listening; the
//! tcp or ipc address in the endpoint is not used to make anything, though
//! an ipc one must still parse), ZMQ_LAST_ENDPOINT is the descriptor's own
//! address, the listener owns it from then on and closes it when it is
//! unbound or its socket closes, and an ipc file is neither removed before
//! the bind nor after it.
//!
//! Where we differ, failing closed: libzmq aborts when one descriptor is
//! bound twice (its poller refuses the second registration); we refuse the
//! second bind with EADDRINUSE while the first listener holds it, which is
//! also what makes owning the descriptor sound. A descriptor that is not
//! open is EBADF, one that is not a socket ENOTSOCK, and one that is not a
//! stream socket of the endpoint's transport (tcp: IPv4 or IPv6, ipc:
//! unix) EINVAL; libzmq takes those too and fails later.
//!
//! Owns: the registry of descriptors held this way. Must not: know
//! sessions or sockets.

use super::address::{tcp_endpoint, IpcPath};
use super::stream::{Listening, ListenerSock};
use crate::error::*;
use socket2::{Domain, SockRef, Socket, Type};
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, IntoRawFd, OwnedFd, RawFd};
use std::sync::Mutex;

/// Descriptors a listener of ours holds through ZMQ_USE_FD.
static CLAIMED: Mutex<Vec<RawFd>> = Mutex::new(Vec::new());

fn claimed() -> std::sync::MutexGuard<'static, Vec<RawFd>> {
    CLAIMED.lock().unwrap_or_else(|e| e.into_inner())
}

/// One descriptor held by a listener; released when dropped.
pub struct Claim(RawFd);

impl Drop for Claim {
    fn drop(&mut self) {
        claimed().retain(|&f| f != self.0);
    }
}

/// Takes the application's listening socket `fd` for a tcp (`tcp`) or
/// ipc listener; also returns the endpoint its own address makes (what
/// libzmq reports as ZMQ_LAST_ENDPOINT: `getsockname`, not the address
/// in the endpoint given to bind).
pub fn adopt_listener(fd: RawFd, tcp: bool) -> ZResult<(ListenerSock, String)> {
    // SAFETY: F_GETFD only reads the descriptor table; any int is allowed.
    if fd < 0 || unsafe { libc::fcntl(fd, libc::F_GETFD) } == -1 {
        return Err(libc::EBADF);
    }
    {
        // SAFETY: the descriptor was open just above and stays open for this
        // short borrow: only the application could close it meanwhile, and
        // it handed it to us (zmq_setsockopt(3), ZMQ_USE_FD).
        let b = unsafe { BorrowedFd::borrow_raw(fd) };
        let s = SockRef::from(&b);
        let domain = s.domain().map_err(|e| e.raw_os_error().unwrap_or(libc::ENOTSOCK))?;
        let right = if tcp { domain == Domain::IPV4 || domain == Domain::IPV6 } else { domain == Domain::UNIX };
        if !right || s.r#type().map_err(|_| EINVAL)? != Type::STREAM {
            return Err(EINVAL);
        }
    }
    let claim = {
        let mut c = claimed();
        if c.contains(&fd) {
            return Err(EADDRINUSE);
        }
        c.push(fd);
        Claim(fd)
    };
    // SAFETY: the application handed this open socket over (ZMQ_USE_FD
    // gives the listener its ownership, as in libzmq, which closes it on
    // unbind), and the registry above makes this the only listener of ours
    // that owns it.
    let sock = Socket::from(unsafe { OwnedFd::from_raw_fd(fd) });
    // Our listener accepts until it would block.
    if let Err(e) = sock.set_nonblocking(true) {
        // Give the descriptor back rather than closing it.
        let _ = sock.into_raw_fd();
        return Err(e.raw_os_error().unwrap_or(EINVAL));
    }
    debug_assert_eq!(sock.as_raw_fd(), fd);
    if tcp {
        let l: std::net::TcpListener = sock.into();
        let endpoint = l.local_addr().map(|a| tcp_endpoint(&a)).unwrap_or_default();
        Ok((ListenerSock::adopted(Listening::Tcp(mio::net::TcpListener::from_std(l)), claim), endpoint))
    } else {
        use std::os::linux::net::SocketAddrExt;
        let l: std::os::unix::net::UnixListener = sock.into();
        let endpoint = match l.local_addr() {
            Ok(a) => match (a.as_pathname(), a.as_abstract_name()) {
                (Some(p), _) => IpcPath::File(p.to_path_buf()).to_endpoint(),
                (None, Some(n)) => IpcPath::Abstract(n.to_vec()).to_endpoint(),
                (None, None) => String::new(),
            },
            Err(_) => String::new(),
        };
        Ok((ListenerSock::adopted(Listening::Ipc(mio::net::UnixListener::from_std(l)), claim), endpoint))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::fd::IntoRawFd;

    fn is_open(fd: RawFd) -> bool {
        // SAFETY: F_GETFD only reads the descriptor table.
        unsafe { libc::fcntl(fd, libc::F_GETFD) != -1 }
    }

    #[test]
    fn one_listener_per_descriptor_and_bad_ones_refused() {
        let fd = std::net::TcpListener::bind("127.0.0.1:0").unwrap().into_raw_fd();
        let (first, endpoint) = adopt_listener(fd, true).unwrap();
        assert!(endpoint.starts_with("tcp://127.0.0.1:"), "{endpoint}");
        // libzmq aborts here; we refuse, and the first listener keeps it
        assert_eq!(adopt_listener(fd, true).err(), Some(EADDRINUSE));
        assert!(is_open(fd));
        // (that the listener closes it is checked by capi-tests/
        // test_net_use_fd: other tests here may reuse the number at once)
        drop(first);
        assert_eq!(adopt_listener(-1, true).err(), Some(libc::EBADF));

        // the wrong transport, or not a socket: refused, and left open
        let tcp = std::net::TcpListener::bind("127.0.0.1:0").unwrap().into_raw_fd();
        assert_eq!(adopt_listener(tcp, false).err(), Some(EINVAL));
        assert!(is_open(tcp));
        let (l, _) = adopt_listener(tcp, true).unwrap();
        drop(l);
        let file = std::fs::File::open("/dev/null").unwrap().into_raw_fd();
        assert_eq!(adopt_listener(file, true).err(), Some(libc::ENOTSOCK));
        assert!(is_open(file));
        // SAFETY: `file` is open, ours, and closed once here.
        drop(unsafe { OwnedFd::from_raw_fd(file) });
    }
}
