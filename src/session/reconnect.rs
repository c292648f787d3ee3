//! Connecting, and reconnecting with back-off (ZMQ_RECONNECT_IVL,
//! ZMQ_RECONNECT_IVL_MAX, ZMQ_CONNECT_TIMEOUT), for the sessions of a
//! socket's `zmq_connect`.
//!
//! Owns: resolving the target at every attempt (or the `ZMQ_SOCKS_PROXY`,
//! see `socks`), starting a non-blocking connect, the
//! connect time-out, and the next attempt's delay (doubled up to the
//! maximum, with jitter). Must not: touch the engine or the pipe.

use super::driver::{MakeEngine, Role, Session, State, ms};
use crate::constants::*;
use crate::io::reactor::{token, Io};
use crate::transport::address::resolve_tcp;
use crate::transport::stream::{connect_ipc, connect_tcp, Stream};
use crate::transport::socks::Socks5;
use crate::transport::Target;
use crate::util::log::{self, Level};
use mio::Interest;

/// A random delay below `max` milliseconds, so that many clients of one
/// server do not reconnect in lockstep.
fn jitter(max: i32) -> i32 {
    if max <= 0 {
        return 0;
    }
    let mut b = [0u8; 4];
    let _ = getrandom::fill(&mut b);
    (u32::from_ne_bytes(b) % max as u32) as i32
}

impl<E: MakeEngine> Session<E> {
    /// Starts connecting (or schedules the next attempt when that fails
    /// at once).
    pub(super) fn start_connecting(&mut self, io: &mut Io, key: usize) {
        let Role::Connect(target) = &self.role else { return };
        let o = &self.owner.options;
        self.socks = None;
        self.proxy_endpoint = None;
        let result = match target {
            Target::Tcp(addr) if !o.socks_proxy.is_empty() => {
                // Through the proxy: the proxy is resolved and connected
                // to, the target only named to it (libzmq resolves nothing
                // of the target either; a source part is the proxy's).
                let proxy = String::from_utf8_lossy(&o.socks_proxy).into_owned();
                self.proxy_endpoint = Some(format!("tcp://{proxy}"));
                let target = addr.rsplit(';').next().unwrap_or(addr);
                match Socks5::new(target, &o.socks_username, &o.socks_password)
                    .and_then(|socks| Ok((socks, resolve_tcp(&proxy, false, o.ipv6)?)))
                {
                    Ok((socks, via)) => {
                        self.socks = Some(socks);
                        connect_tcp(&via.dest, via.source.as_ref(), o)
                    }
                    Err(e) => Err(e.into()),
                }
            }
            // Resolved at every attempt, as libzmq does; a failure to resolve
            // opens no socket, so only CONNECT_RETRIED reports it.
            Target::Tcp(addr) => match resolve_tcp(addr, false, o.ipv6) {
                Ok(t) => connect_tcp(&t.dest, t.source.as_ref(), o),
                Err(e) => {
                    log::log(Level::Warn, || {
                        // EINVAL is the resolver's "no such name": say only that
                        let why = if e == libc::EINVAL { String::new() } else { format!(" ({})", log::errno_text(e)) };
                        format!("connect to tcp://{addr}: the address does not resolve{why}")
                    });
                    Err(e.into())
                }
            },
            Target::Ipc(path) => connect_ipc(path),
        };
        let mut stream = match result {
            Ok(s) => s,
            Err(e) => {
                log::log(Level::Warn, || {
                    format!("connect to {} failed: {}", self.event_endpoint(), log::errno_text(e.errno))
                });
                // A socket made and closed again (refused at once, source
                // address taken): libzmq reports it CLOSED before retrying.
                if let Some(fd) = e.closed_fd {
                    self.owner.event(ZMQ_EVENT_CLOSED, fd as u32, self.attempt_endpoints());
                }
                if self.stops_on_refusal(e.errno) {
                    self.finish(io);
                    return;
                }
                self.schedule_reconnect(io, key);
                return;
            }
        };
        if io.registry().register(&mut stream, token(key), Interest::READABLE | Interest::WRITABLE).is_err() {
            self.schedule_reconnect(io, key);
            return;
        }
        let is_tcp = matches!(stream, Stream::Tcp(_));
        self.stream = Some(stream);
        self.state = State::Connecting;
        // A unix-socket connect completes at once; only tcp is "delayed".
        if is_tcp {
            self.owner.event(ZMQ_EVENT_CONNECT_DELAYED, libc::EINPROGRESS as u32, self.attempt_endpoints());
        }
        if o.connect_timeout > 0 {
            self.t_connect = Some(io.add_timer(key, ms(o.connect_timeout)));
        }
    }

    /// `ZMQ_RECONNECT_STOP_CONN_REFUSED` (draft): a tcp connect refused
    /// ends the endpoint instead of retrying (libzmq's tcp connecter; the
    /// attempt's socket is still reported CLOSED).
    pub(super) fn stops_on_refusal(&self, errno: i32) -> bool {
        let tcp = matches!(self.role, Role::Connect(Target::Tcp(_)));
        tcp && errno == libc::ECONNREFUSED && self.owner.options.reconnect_stop & ZMQ_RECONNECT_STOP_CONN_REFUSED != 0
    }

    /// The attempt failed or the connection was lost: try again after the
    /// reconnect interval, or end when reconnecting is off.
    pub(super) fn schedule_reconnect(&mut self, io: &mut Io, key: usize) {
        self.socks = None;
        if matches!(self.state, State::Connecting | State::Proxying) {
            // A refused or timed-out attempt (or one the proxy refused):
            // libzmq reports the socket closed.
            if let Some(s) = self.stream.as_ref() {
                self.owner.event(ZMQ_EVENT_CLOSED, s.fd() as u32, self.attempt_endpoints());
            }
        }
        self.drop_stream(io);
        self.state = State::Idle;
        let o = self.owner.options.clone();
        // A closing socket's session keeps trying until its linger expires
        // (`pipe_terminated` ends it at once for linger 0 or nothing queued).
        if o.reconnect_ivl < 0 {
            // Reconnection disabled: this endpoint is done.
            self.finish(io);
            return;
        }
        let base = if o.reconnect_ivl == 0 { 0 } else { self.reconnect_ivl };
        let interval = base.saturating_add(jitter(o.reconnect_ivl));
        if o.reconnect_ivl_max > 0 && o.reconnect_ivl_max > o.reconnect_ivl {
            self.reconnect_ivl = (self.reconnect_ivl.saturating_mul(2)).min(o.reconnect_ivl_max);
        }
        self.owner.event(ZMQ_EVENT_CONNECT_RETRIED, interval as u32, self.attempt_endpoints());
        self.t_reconnect = Some(io.add_timer(key, ms(interval)));
    }
}
