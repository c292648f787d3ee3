//! An eventfd that can be waited on with `poll`; it is the socket's `ZMQ_FD`.
//!
//! Owns: the file descriptor and its read/write/wait system calls.

use crate::error::{errno, Errno, ZResult, EINTR};
use std::os::raw::c_int;

pub struct Signaler {
    fd: c_int,
}

impl Signaler {
    pub fn new() -> ZResult<Signaler> {
        // SAFETY: eventfd takes no pointers; its result is checked below.
        let fd = unsafe { libc::eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK) };
        if fd < 0 {
            return Err(errno());
        }
        Ok(Signaler { fd })
    }

    pub fn fd(&self) -> c_int {
        self.fd
    }

    /// Makes the fd readable.
    pub fn send(&self) {
        let one: u64 = 1;
        loop {
            // SAFETY: `one` is a live, aligned 8-byte local, the size an
            // eventfd write takes; `self.fd` is our eventfd, open until Drop.
            let r = unsafe { libc::write(self.fd, &one as *const u64 as *const _, 8) };
            if r == 8 || errno() != EINTR {
                return;
            }
        }
    }

    /// Makes the fd non-readable again.
    pub fn reset(&self) {
        let mut v: u64 = 0;
        loop {
            // SAFETY: `v` is a live, aligned 8-byte local we borrow mutably,
            // the size an eventfd read fills; `self.fd` is open until Drop.
            let r = unsafe { libc::read(self.fd, &mut v as *mut u64 as *mut _, 8) };
            if r == 8 || errno() != EINTR {
                return;
            }
        }
    }

    /// Waits until readable or `timeout_ms` (-1: forever) passes.
    /// Returns Ok(true) when readable, Ok(false) on timeout, Err(EINTR) on signal.
    pub fn wait(&self, timeout_ms: c_int) -> Result<bool, Errno> {
        let mut pfd = libc::pollfd { fd: self.fd, events: libc::POLLIN, revents: 0 };
        // SAFETY: `pfd` is one live, initialised pollfd borrowed mutably for
        // the call (count 1), which writes only its `revents`.
        let r = unsafe { libc::poll(&mut pfd, 1, timeout_ms) };
        if r < 0 {
            return Err(errno());
        }
        Ok(r > 0)
    }
}

impl Drop for Signaler {
    fn drop(&mut self) {
        // SAFETY: `self.fd` came from eventfd in `new` and belongs to this
        // Signaler alone (it is not Clone and hands the fd out only for
        // polling), so it is still open and is closed exactly once, here.
        unsafe { libc::close(self.fd) };
    }
}
