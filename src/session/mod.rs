//! Sessions: one tcp/ipc connection each, owned by an I/O thread, between
//! a socket's pipe and the connection's engine.
//!
//! - `driver.rs`: `Session<E>`, which reads and writes the stream, feeds
//!   the engine (`engine::Engine`: ZMTP, or raw for ZMQ_STREAM), moves
//!   messages between it and the pipe with back-pressure both ways (HWM on
//!   the pipe, `WouldBlock` on the stream), keeps the engine's clock, and
//!   reports connection-level monitor events; linger on close.
//! - `reconnect.rs`: connecting, and reconnecting with back-off.
//! - `security.rs`: the mechanism the socket's options select, and the
//!   conversation with the application's ZAP handler (`zap_client.rs`).
//!
//! Must not: route messages (sockets do) or parse bytes (engines do).

mod driver;
mod input;
mod output;
mod reconnect;
mod security;
mod socks;
pub mod udp;
mod zap_client;

pub use driver::Session;

use crate::engine::raw::RawEngine;
use crate::engine::zmtp::ZmtpEngine;
use crate::io::events::{EventEndpoints, EventSink};
use crate::io::mailbox::Waker;
use crate::io::reactor::Handler;
use crate::options::Options;
use crate::pipe::{PipeEnd, SocketMailbox};
use crate::transport::listener::Listener;
use crate::transport::stream::Stream;
use crate::transport::{Bound, Target};
use std::sync::atomic::AtomicI32;
use std::sync::Arc;

/// With the `test-hooks` feature only: a message with this payload makes
/// its session panic (see tests/security.rs).
#[cfg(feature = "test-hooks")]
pub const TEST_PANIC_PAYLOAD: &[u8] = b"zmq-oxide test hook: panic in this session";

/// Opens a pipe to the application's ZAP handler, when one is bound (the
/// context's inproc table knows); the argument wakes the session's end.
pub type ZapConnect = Arc<dyn Fn(Arc<dyn Waker>) -> Option<PipeEnd> + Send + Sync>;

/// What a session (or listener) knows of the socket it serves.
#[derive(Clone)]
pub struct SockRef {
    pub socket_id: u64,
    pub mailbox: Arc<SocketMailbox>,
    pub monitor: Arc<dyn EventSink>,
    /// The socket's options when the endpoint was bound or connected.
    pub options: Arc<Options>,
    /// Its connections speak raw bytes, not ZMTP (`Routing::raw` when the
    /// endpoint was bound or connected: STREAM, ROUTER_RAW).
    pub raw: bool,
    /// The socket's current ZMQ_LINGER (it may change up to zmq_close).
    pub linger: Arc<AtomicI32>,
    /// The way to the ZAP handler.
    pub zap: ZapConnect,
}

impl SockRef {
    /// Emits a monitor event (from the I/O thread, as libzmq does).
    pub fn event(&self, event: i32, value: u32, endpoints: EventEndpoints<'_>) {
        self.monitor.event(event, value, endpoints);
    }

    /// STREAM sockets (and ROUTER_RAW ones) speak raw bytes, every other ZMTP.
    fn raw(&self) -> bool {
        self.raw
    }
}

/// The object that serves a tcp/ipc endpoint the socket `owner` bound: a
/// listener whose every accepted connection gets a session.
pub fn listener(bound: Bound, owner: &SockRef) -> Box<dyn Handler> {
    let o = owner.clone();
    let on_accept = Box::new(move |stream: Stream, endpoint: &str| -> Box<dyn Handler> {
        if o.raw() {
            Box::new(Session::<RawEngine>::accepted(stream, endpoint.to_string(), o.clone()))
        } else {
            Box::new(Session::<ZmtpEngine>::accepted(stream, endpoint.to_string(), o.clone()))
        }
    });
    Box::new(Listener::new(
        bound.sock,
        bound.endpoint,
        owner.socket_id,
        owner.options.clone(),
        owner.monitor.clone(),
        on_accept,
        bound.unlink,
        bound.tmpdir,
    ))
}

/// The object that serves a tcp/ipc endpoint the socket `owner` connected
/// to: a session that connects (and reconnects). `pipe` is the session's
/// end of the socket's pipe, or None with ZMQ_IMMEDIATE.
pub fn connecter(target: Target, endpoint: String, owner: SockRef, pipe: Option<PipeEnd>) -> Box<dyn Handler> {
    if owner.raw() {
        Box::new(Session::<RawEngine>::connecting(target, endpoint, owner, pipe))
    } else {
        Box::new(Session::<ZmtpEngine>::connecting(target, endpoint, owner, pipe))
    }
}
