//! The socket option table: one entry per option that libzmq stores
//! generically, serving both `zmq_setsockopt` and `zmq_getsockopt`.
//!
//! Owns: [`Options`] (the value of every generic option, with libzmq's
//! defaults), validation of each value (size, range, string length), the
//! mechanism bookkeeping that PLAIN/CURVE/GSSAPI options imply, and the
//! byte layout of every readable value.
//! Must not: touch sockets, pipes or C pointers; the C boundary turns
//! `(ptr, len)` into slices and errors into `-1` + errno.
//!
//! # Who answers which option
//!
//! `zmq_setsockopt`/`zmq_getsockopt` reach this table last:
//! 1. The socket itself answers `ZMQ_RCVMORE`, `ZMQ_FD`, `ZMQ_EVENTS`,
//!    `ZMQ_LAST_ENDPOINT` and `ZMQ_THREAD_SAFE` (read-only, values live in
//!    the socket).
//! 2. The socket type's routing module gets first go at *setting* its own
//!    write-only options: `ZMQ_SUBSCRIBE`, `ZMQ_UNSUBSCRIBE`, `ZMQ_XPUB_*`,
//!    `ZMQ_ROUTER_*`, `ZMQ_REQ_*`, `ZMQ_PROBE_ROUTER`, `ZMQ_CONNECT_ROUTING_ID`,
//!    `ZMQ_STREAM_NOTIFY`, and the draft `ZMQ_ONLY_FIRST_SUBSCRIBE`,
//!    `ZMQ_XSUB_VERBOSE_UNSUBSCRIBE`. In libzmq none of these is readable
//!    (getsockopt says EINVAL on every socket type), so they have no entry
//!    here; when the socket type does not know the option, it falls through
//!    to this table, which answers EINVAL. The one socket-type option that
//!    is read, the draft `ZMQ_TOPICS_COUNT` (XPUB, PUB, XSUB, SUB), is
//!    answered by those modules too. `ZMQ_ROUTER_NOTIFY` is here: libzmq
//!    reads it on every type, and sessions act on it.
//! 3. Everything else is here, including `ZMQ_TYPE` and `ZMQ_MECHANISM`
//!    (read-only) and `ZMQ_INVERT_MATCHING` (generic in libzmq: settable and
//!    readable on every socket type; SUB/XPUB read the stored flag).
//!
//! # Compatibility target
//!
//! Every answer (accepted values, EINVAL cases, buffer-size rules, defaults)
//! was checked against Debian's libzmq 4.3.4 with small C programs; the unit
//! tests below encode those observations. Notably, like Debian's build:
//! GSSAPI options are accepted and stored (the mechanism itself is another
//! layer's business), the VMCI options and `ZMQ_BLOCKY` (a context option) are
//! EINVAL, the IPC peer filters are write-only, and a few options the 4.3.5
//! header lists as draft (`ZMQ_ZAP_ENFORCE_DOMAIN`, `ZMQ_LOOPBACK_FASTPATH`,
//! `ZMQ_MULTICAST_LOOP`, `ZMQ_SOCKS_USERNAME`, `ZMQ_SOCKS_PASSWORD`,
//! `ZMQ_RECONNECT_STOP`) are accepted because Debian's stable build accepts
//! them. The other draft options of 4.3.5 are answered as a draft build of
//! libzmq answers them (`table.rs`, after `ZMQ_RECONNECT_STOP`); the WSS and
//! NORM ones are EINVAL, as in a libzmq built without those transports.
//!
//! # Buffer rules (as libzmq)
//!
//! Integers are exactly 4 bytes (both directions), 64-bit values exactly 8.
//! `ZMQ_ROUTING_ID` reads back as raw bytes; text options read back with a
//! trailing NUL counted in the length. CURVE keys read back as 32 raw bytes
//! into a 32-byte buffer or as 40 Z85 characters plus NUL into a 41-byte one.
//! Any other size is EINVAL.

use crate::constants::*;
use crate::error::{ZResult, EINVAL};

use std::net::IpAddr;
use std::os::raw::c_int;

/// Options that Debian's libzmq 4.3.4 accepts although the 4.3.5 header
/// files them under the draft API (so `crate::constants` does not list them).
pub const ZMQ_ZAP_ENFORCE_DOMAIN: c_int = 93;
pub const ZMQ_LOOPBACK_FASTPATH: c_int = 94;
pub const ZMQ_MULTICAST_LOOP: c_int = 96;
pub const ZMQ_SOCKS_USERNAME: c_int = 99;
pub const ZMQ_SOCKS_PASSWORD: c_int = 100;
pub const ZMQ_RECONNECT_STOP: c_int = 109;

/// Draft socket types whose defaults differ (libzmq's DISH lingers 0).
const ZMQ_DISH: c_int = 15;

/// Size of a CURVE key in bytes, and as Z85 text.
pub const CURVE_KEY_LEN: usize = 32;
const CURVE_KEY_Z85_LEN: usize = 40;
/// Longest `ZMQ_BINDTODEVICE` value (Linux's `IFNAMSIZ`).
const BINDTODEVICE_MAX: usize = 16;


mod filters;
mod table;
#[cfg(test)]
mod tests;

pub use filters::TcpAcceptFilter;
use table::entry;

/// Every generic socket option, with libzmq's defaults.
#[derive(Clone, Debug)]
pub struct Options {
    pub socket_type: c_int,
    pub sndhwm: c_int,
    pub rcvhwm: c_int,
    pub affinity: u64,
    /// `ZMQ_ROUTING_ID`: empty means "none set".
    pub routing_id: Vec<u8>,
    pub rate: c_int,
    pub recovery_ivl: c_int,
    pub sndbuf: c_int,
    pub rcvbuf: c_int,
    pub tos: c_int,
    pub linger: c_int,
    pub connect_timeout: c_int,
    pub tcp_maxrt: c_int,
    pub reconnect_ivl: c_int,
    pub reconnect_ivl_max: c_int,
    pub reconnect_stop: c_int,
    pub backlog: c_int,
    pub maxmsgsize: i64,
    pub multicast_hops: c_int,
    pub multicast_maxtpdu: c_int,
    pub multicast_loop: bool,
    pub rcvtimeo: c_int,
    pub sndtimeo: c_int,
    pub ipv6: bool,
    pub immediate: bool,
    pub tcp_keepalive: c_int,
    pub tcp_keepalive_cnt: c_int,
    pub tcp_keepalive_idle: c_int,
    pub tcp_keepalive_intvl: c_int,
    pub tcp_accept_filter: Vec<TcpAcceptFilter>,
    pub ipc_filter_pid: Vec<c_int>,
    pub ipc_filter_uid: Vec<c_int>,
    pub ipc_filter_gid: Vec<c_int>,
    /// `ZMQ_NULL`, `ZMQ_PLAIN`, `ZMQ_CURVE` or `ZMQ_GSSAPI`: what the last
    /// security option set implies (libzmq's rules, see `set`).
    pub mechanism: c_int,
    /// Whether this side is the server of the mechanism.
    pub as_server: bool,
    /// Derived: `as_server && mechanism == ZMQ_PLAIN` (kept in sync by `set`).
    pub plain_server: bool,
    pub plain_username: Vec<u8>,
    pub plain_password: Vec<u8>,
    /// Derived: `as_server && mechanism == ZMQ_CURVE` (kept in sync by `set`).
    pub curve_server: bool,
    pub curve_publickey: Option<[u8; 32]>,
    pub curve_secretkey: Option<[u8; 32]>,
    pub curve_serverkey: Option<[u8; 32]>,
    /// Derived: `as_server && mechanism == ZMQ_GSSAPI` (kept in sync by `set`).
    pub gssapi_server: bool,
    pub gssapi_plaintext: bool,
    pub gssapi_principal: Vec<u8>,
    pub gssapi_service_principal: Vec<u8>,
    pub gssapi_principal_nametype: c_int,
    pub gssapi_service_principal_nametype: c_int,
    pub zap_domain: Vec<u8>,
    pub zap_enforce_domain: bool,
    pub conflate: bool,
    pub handshake_ivl: c_int,
    pub socks_proxy: Vec<u8>,
    pub socks_username: Vec<u8>,
    pub socks_password: Vec<u8>,
    pub heartbeat_ivl: c_int,
    /// Milliseconds, always a multiple of 100 (the wire carries deciseconds:
    /// `heartbeat_ttl / 100`).
    pub heartbeat_ttl: c_int,
    pub heartbeat_timeout: c_int,
    pub use_fd: c_int,
    pub bindtodevice: Vec<u8>,
    pub invert_matching: bool,
    pub loopback_fastpath: bool,
    /// `ZMQ_ROUTER_NOTIFY` (draft): `ZMQ_NOTIFY_CONNECT | ZMQ_NOTIFY_DISCONNECT`
    /// bits; settable on ROUTER only, readable on every type (as libzmq).
    pub router_notify: c_int,
    /// `ZMQ_IN_BATCH_SIZE` / `ZMQ_OUT_BATCH_SIZE` (draft), in bytes; `None`
    /// until set: our engine then keeps its own sizes (see
    /// `session::input`/`output`), while getsockopt reads libzmq's default.
    pub in_batch_size: Option<c_int>,
    pub out_batch_size: Option<c_int>,
    /// `ZMQ_PRIORITY` (draft): SO_PRIORITY of tcp sockets when non-zero.
    pub priority: c_int,
    /// `ZMQ_BUSY_POLL` (draft): SO_BUSY_POLL of tcp sockets when positive.
    pub busy_poll: c_int,
    /// `ZMQ_METADATA` (draft): application properties ("X-" names) sent in
    /// our READY/INITIATE, sorted by name, the first value set for a name
    /// kept (libzmq keeps them in a `std::map` and inserts).
    pub app_metadata: Vec<(String, bytes::Bytes)>,
    /// `ZMQ_HELLO_MSG`, `ZMQ_DISCONNECT_MSG`, `ZMQ_HICCUP_MSG` (draft): empty
    /// means none. Which socket types act on them: `hello`, `disconnect`,
    /// `hiccup`.
    pub hello_msg: Vec<u8>,
    pub disconnect_msg: Vec<u8>,
    pub hiccup_msg: Vec<u8>,
}

impl Options {
    /// libzmq's defaults for a socket of `socket_type`.
    pub fn new(socket_type: c_int) -> Options {
        // SUB, XSUB and DISH do not wait for queued subscriptions on close.
        let linger = match socket_type {
            ZMQ_SUB | ZMQ_XSUB | ZMQ_DISH => 0,
            _ => -1,
        };
        Options {
            socket_type,
            sndhwm: DEFAULT_HWM,
            rcvhwm: DEFAULT_HWM,
            affinity: 0,
            routing_id: Vec::new(),
            rate: 100,
            recovery_ivl: 10000,
            sndbuf: -1,
            rcvbuf: -1,
            tos: 0,
            linger,
            connect_timeout: 0,
            tcp_maxrt: 0,
            reconnect_ivl: 100,
            reconnect_ivl_max: 0,
            reconnect_stop: 0,
            backlog: 100,
            maxmsgsize: -1,
            multicast_hops: 1,
            multicast_maxtpdu: 1500,
            multicast_loop: true,
            rcvtimeo: -1,
            sndtimeo: -1,
            ipv6: false,
            immediate: false,
            tcp_keepalive: -1,
            tcp_keepalive_cnt: -1,
            tcp_keepalive_idle: -1,
            tcp_keepalive_intvl: -1,
            tcp_accept_filter: Vec::new(),
            ipc_filter_pid: Vec::new(),
            ipc_filter_uid: Vec::new(),
            ipc_filter_gid: Vec::new(),
            mechanism: ZMQ_NULL,
            as_server: false,
            plain_server: false,
            plain_username: Vec::new(),
            plain_password: Vec::new(),
            curve_server: false,
            curve_publickey: None,
            curve_secretkey: None,
            curve_serverkey: None,
            gssapi_server: false,
            gssapi_plaintext: false,
            gssapi_principal: Vec::new(),
            gssapi_service_principal: Vec::new(),
            gssapi_principal_nametype: 0,
            gssapi_service_principal_nametype: 0,
            zap_domain: Vec::new(),
            zap_enforce_domain: false,
            conflate: false,
            handshake_ivl: 30000,
            socks_proxy: Vec::new(),
            socks_username: Vec::new(),
            socks_password: Vec::new(),
            heartbeat_ivl: 0,
            heartbeat_ttl: 0,
            heartbeat_timeout: -1,
            use_fd: -1,
            bindtodevice: Vec::new(),
            invert_matching: false,
            loopback_fastpath: false,
            router_notify: 0,
            in_batch_size: None,
            out_batch_size: None,
            priority: 0,
            busy_poll: 0,
            app_metadata: Vec::new(),
            hello_msg: Vec::new(),
            disconnect_msg: Vec::new(),
            hiccup_msg: Vec::new(),
        }
    }

    /// The security mechanism the options select (`ZMQ_MECHANISM`).
    /// High-water marks of a pipe between this socket and one peer:
    /// [what the socket writes, what it reads]; 0 means no limit.
    pub fn pipe_hwms(&self) -> [u64; 2] {
        [hwm_limit(self.sndhwm), hwm_limit(self.rcvhwm)]
    }

    /// Whether this socket's pipes keep only the newest message
    /// (ZMQ_CONFLATE, honoured by the types libzmq honours it for).
    pub fn conflates(&self) -> bool {
        use crate::constants::*;
        self.conflate && matches!(self.socket_type, ZMQ_DEALER | ZMQ_PULL | ZMQ_PUSH | ZMQ_PUB | ZMQ_SUB)
    }

    /// The message each new peer is sent first (`ZMQ_HELLO_MSG`), on the
    /// types libzmq sends it from (DEALER, ROUTER and the draft CLIENT,
    /// SERVER, PEER); None when unset or another type.
    pub fn hello(&self) -> Option<&[u8]> {
        let types = [ZMQ_DEALER, ZMQ_ROUTER, draft::ZMQ_CLIENT, draft::ZMQ_SERVER, draft::ZMQ_PEER];
        (!self.hello_msg.is_empty() && types.contains(&self.socket_type)).then_some(&self.hello_msg[..])
    }

    /// The message the socket receives, as from the peer, when an accepted
    /// peer's connection ends after its handshake (`ZMQ_DISCONNECT_MSG`;
    /// ROUTER, SERVER, PEER as libzmq).
    pub fn disconnect(&self) -> Option<&[u8]> {
        let types = [ZMQ_ROUTER, draft::ZMQ_SERVER, draft::ZMQ_PEER];
        (!self.disconnect_msg.is_empty() && types.contains(&self.socket_type)).then_some(&self.disconnect_msg[..])
    }

    /// The message the socket receives when a connection it made ends after
    /// its handshake (`ZMQ_HICCUP_MSG`, libzmq 4.3.5; DEALER, CLIENT, PEER).
    pub fn hiccup(&self) -> Option<&[u8]> {
        let types = [ZMQ_DEALER, draft::ZMQ_CLIENT, draft::ZMQ_PEER];
        (!self.hiccup_msg.is_empty() && types.contains(&self.socket_type)).then_some(&self.hiccup_msg[..])
    }

    pub fn mechanism(&self) -> c_int {
        self.mechanism
    }

    /// Whether a connection from `peer` passes `ZMQ_TCP_ACCEPT_FILTER`
    /// (always, when no filter is set).
    pub fn tcp_accept_allows(&self, peer: IpAddr) -> bool {
        self.tcp_accept_filter.is_empty() || self.tcp_accept_filter.iter().any(|f| f.matches(peer))
    }

    /// Whether `option` is in the table (settable, readable, or both).
    pub fn is_known(option: c_int) -> bool {
        entry(option).is_some()
    }

    /// `zmq_setsockopt` for a generic option. An empty `value` is treated as
    /// C's `(NULL, 0)`; see [`Options::set_nullable`] to tell the two apart.
    pub fn set(&mut self, option: c_int, value: &[u8]) -> ZResult<()> {
        self.set_nullable(option, if value.is_empty() { None } else { Some(value) })
    }

    /// `zmq_setsockopt` with libzmq's distinction between a NULL value
    /// (`None`, length 0) and a non-NULL one (`Some`, possibly empty): a few
    /// text options clear on NULL but reject a non-NULL empty string.
    pub fn set_nullable(&mut self, option: c_int, value: Option<&[u8]>) -> ZResult<()> {
        entry(option).ok_or(EINVAL)?.set(self, value)?;
        self.sync_derived();
        Ok(())
    }

    /// `zmq_getsockopt` for a generic option: writes the value at the start
    /// of `out` and returns its length. EINVAL for an unknown or write-only
    /// option, or when `out` has the wrong size for it.
    pub fn get(&self, option: c_int, out: &mut [u8]) -> ZResult<usize> {
        entry(option).ok_or(EINVAL)?.get(self, out)
    }

    fn sync_derived(&mut self) {
        self.plain_server = self.as_server && self.mechanism == ZMQ_PLAIN;
        self.curve_server = self.as_server && self.mechanism == ZMQ_CURVE;
        self.gssapi_server = self.as_server && self.mechanism == ZMQ_GSSAPI;
    }
}

/// ZMQ_SNDHWM and ZMQ_RCVHWM of a new socket.
pub const DEFAULT_HWM: c_int = 1000;

/// A HWM option as a pipe limit: 0 (or a negative value) means none.
pub fn hwm_limit(v: c_int) -> u64 {
    if v <= 0 {
        0
    } else {
        v as u64
    }
}

