//! Driving the SOCKS5 exchange (`transport::socks`) on a stream connected
//! to the `ZMQ_SOCKS_PROXY`, before the engine starts.
//!
//! Owns: moving the exchange's bytes, and its end: the connection event
//! and the engine on success, a reconnect on any failure (as libzmq, a
//! proxy's refusal is not reported beyond the closed socket and the retry).
//! Must not: parse SOCKS (the transport does) or touch the pipe.

use super::driver::{MakeEngine, Session};
use crate::io::reactor::Io;
use std::io::{ErrorKind, IoSlice, Read};

/// Longest answer a proxy gives (a reply with a 255-byte domain name).
const ANSWER_MAX: usize = 4 + 1 + 255 + 2;

impl<E: MakeEngine> Session<E> {
    /// The stream to the proxy is ready: writes what is due, reads exactly
    /// the proxy's answers, and starts the engine once the proxy connected
    /// us (bytes the target sent after that stay in the stream for it).
    pub(super) fn socks_ready(&mut self, io: &mut Io, key: usize) {
        loop {
            let (Some(stream), Some(socks)) = (self.stream.as_mut(), self.socks.as_mut()) else { return };
            if !socks.output().is_empty() {
                match stream.write_vectored(&[IoSlice::new(socks.output())]) {
                    Ok(n) => socks.advance_output(n),
                    Err(e) if e.kind() == ErrorKind::WouldBlock => return,
                    Err(e) if e.kind() == ErrorKind::Interrupted => {}
                    Err(_) => return self.schedule_reconnect(io, key),
                }
                continue;
            }
            if socks.is_done() {
                self.socks = None;
                return self.connected(io, key);
            }
            let mut answer = [0u8; ANSWER_MAX];
            let want = socks.wanted().min(ANSWER_MAX);
            match stream.read(&mut answer[..want]) {
                Ok(0) => return self.schedule_reconnect(io, key),
                Ok(n) => {
                    if socks.input(&answer[..n]).is_err() {
                        return self.schedule_reconnect(io, key);
                    }
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => return,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(_) => return self.schedule_reconnect(io, key),
            }
        }
    }
}
