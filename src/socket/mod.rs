//! Sockets: the generic machinery in `base`, and one module per socket type
//! that only describes routing.
//!
//! A socket type implements [`Routing`]: it is told when pipes come and go
//! or become readable/writable, and it decides where a sent message goes
//! and which pipe a received one comes from. Blocking, timeouts, options,
//! endpoints and commands are the base's business, never the type's.

use crate::error::{ZResult, EINVAL, ENOTSUP};
use crate::msg::Msg;
use crate::options::Options;
use crate::pipe::PipeEnd;
use slab::Slab;
use std::os::raw::c_int;

pub mod base;
pub mod monitor;
pub mod shared;

/// Index of a pipe in its socket's pipe table.
pub type PipeKey = usize;

/// What a routing module may touch: the socket's pipes and options.
pub struct Cx<'a> {
    pub pipes: &'a mut Slab<PipeEnd>,
    pub options: &'a Options,
}

/// The routing rules of one socket type.
///
/// `send`/`recv` return `Err(EAGAIN)` when they cannot proceed now; the base
/// then blocks (or not) according to the flags and timeouts. A failed send
/// hands the message back so the caller keeps ownership, as in libzmq.
pub trait Routing: Send {
    /// A pipe was attached (by connect, or by a peer connecting to our bind).
    fn attach(&mut self, cx: &mut Cx, key: PipeKey);
    /// A pipe made by this socket's own connect was attached (where
    /// ZMQ_CONNECT_ROUTING_ID applies). Defaults to `attach`.
    fn attach_connected(&mut self, cx: &mut Cx, key: PipeKey) {
        self.attach(cx, key)
    }
    /// A pipe is going away; forget it. Called exactly once per attached pipe.
    fn detach(&mut self, cx: &mut Cx, key: PipeKey);
    /// The pipe has messages to read again.
    fn read_activated(&mut self, cx: &mut Cx, key: PipeKey);
    /// The pipe has room to write again.
    fn write_activated(&mut self, cx: &mut Cx, key: PipeKey);
    /// The peer of a connect-before-bind pipe attached (its routing id is known).
    fn peer_attached(&mut self, _cx: &mut Cx, _key: PipeKey) {}
    /// The connection behind this pipe was lost and is being re-established;
    /// state sent over it (subscriptions) must be sent again.
    fn hiccuped(&mut self, _cx: &mut Cx, _key: PipeKey) {}
    /// Sends one frame.
    fn send(&mut self, cx: &mut Cx, msg: Msg) -> Result<(), (crate::error::Errno, Msg)>;
    /// Sends the frame in `msg`, taking it (leaving `msg` empty) unless an
    /// error is returned, in which case `msg` is the caller's again. Types
    /// on the hot path override it to skip copies.
    fn send_from(&mut self, cx: &mut Cx, msg: &mut Msg) -> ZResult<()> {
        self.send(cx, std::mem::take(msg)).map_err(|(e, m)| {
            *msg = m;
            e
        })
    }
    /// Receives one frame.
    fn recv(&mut self, cx: &mut Cx) -> ZResult<Msg>;
    /// Receives one frame into `out` (replacing its content; untouched on
    /// error). Types on the hot path override it to skip a copy.
    fn recv_into(&mut self, cx: &mut Cx, out: &mut Msg) -> ZResult<()> {
        *out = self.recv(cx)?;
        Ok(())
    }
    fn has_in(&mut self, cx: &mut Cx) -> bool;
    fn has_out(&mut self, cx: &mut Cx) -> bool;
    /// Socket-type options (SUBSCRIBE, ROUTER_MANDATORY, ...). Return
    /// `Err(EINVAL)` for options the type does not handle, so the base can
    /// try the generic table.
    fn setsockopt(&mut self, _cx: &mut Cx, _option: c_int, _value: &[u8]) -> ZResult<()> {
        Err(EINVAL)
    }
    /// Socket-type readable options; `None` when the type does not handle it.
    fn getsockopt(&self, _option: c_int, _out: &mut [u8]) -> Option<ZResult<usize>> {
        None
    }
    /// `zmq_socket_get_peer_state` (DRAFT): ZMQ_POLLOUT when the peer with
    /// routing id `id` can take a message now, else 0; EHOSTUNREACH when no
    /// peer has it. Only ROUTER answers; other types are ENOTSUP.
    fn peer_state(&mut self, _cx: &mut Cx, _id: &[u8]) -> ZResult<c_int> {
        Err(ENOTSUP)
    }
    /// A udp pipe was attached: RADIO sends it every message (the DISH at
    /// the other end filters). Defaults to `attach`.
    fn attach_all(&mut self, cx: &mut Cx, key: PipeKey) {
        self.attach(cx, key)
    }
    /// `zmq_join` (DISH); ENOTSUP for other types.
    fn join(&mut self, _cx: &mut Cx, _group: &[u8]) -> ZResult<()> {
        Err(ENOTSUP)
    }
    /// `zmq_leave` (DISH); ENOTSUP for other types.
    fn leave(&mut self, _cx: &mut Cx, _group: &[u8]) -> ZResult<()> {
        Err(ENOTSUP)
    }
    /// PEER: the routing id given to the pipe its last connect attached.
    fn last_connected_id(&self) -> Option<u32> {
        None
    }
    /// True when the socket's tcp/ipc connections carry raw bytes, not ZMTP
    /// (STREAM; ROUTER with `ZMQ_ROUTER_RAW`). Asked at each bind and
    /// connect, whose sessions keep the answer.
    fn raw(&self) -> bool {
        false
    }
}

/// The types libzmq makes thread-safe (several threads may call them at
/// once; `shared` and `io::gate` make that work).
pub fn thread_safe(socket_type: c_int) -> bool {
    use crate::constants::draft::*;
    matches!(
        socket_type,
        ZMQ_SERVER | ZMQ_CLIENT | ZMQ_RADIO | ZMQ_DISH | ZMQ_GATHER | ZMQ_SCATTER | ZMQ_PEER | ZMQ_CHANNEL
    )
}

/// Creates the routing module for a socket type, or EINVAL.
pub fn create(socket_type: c_int, options: &Options) -> ZResult<Box<dyn Routing>> {
    use crate::constants::*;
    let _ = options;
    let r: Box<dyn Routing> = match socket_type {
        ZMQ_PAIR => Box::new(pair::Pair::new()),
        ZMQ_STREAM => Box::new(stream::Stream::new()),
        // -- pub/sub family (pub_, sub, xpub, xsub) --
        ZMQ_PUB => Box::new(pub_::new()),
        ZMQ_SUB => Box::new(sub::Sub::new()),
        ZMQ_XPUB => Box::new(xpub::XPub::new()),
        ZMQ_XSUB => Box::new(xsub::XSub::new()),
        // -- end pub/sub family --
        // -- request/reply and pipeline family (req, rep, dealer, router, push, pull) --
        ZMQ_REQ => Box::new(req::Req::new()),
        ZMQ_REP => Box::new(rep::Rep::new()),
        ZMQ_DEALER => Box::new(dealer::Dealer::new()),
        ZMQ_ROUTER => Box::new(router::Router::new()),
        ZMQ_PUSH => Box::new(push::Push::new()),
        ZMQ_PULL => Box::new(pull::Pull::new()),
        // -- end request/reply family --
        // -- thread-safe DRAFT types (created whether or not the C caller
        //    asked for the DRAFT API, as Debian's libzmq does) --
        draft::ZMQ_SERVER => Box::new(server::Server::new(false)),
        draft::ZMQ_PEER => Box::new(server::Server::new(true)),
        draft::ZMQ_CLIENT => Box::new(client::Client::new()),
        draft::ZMQ_RADIO => Box::new(radio::Radio::new()),
        draft::ZMQ_DISH => Box::new(dish::Dish::new()),
        draft::ZMQ_GATHER => Box::new(gather::new()),
        draft::ZMQ_SCATTER => Box::new(scatter::new()),
        draft::ZMQ_CHANNEL => Box::new(channel::Channel::new()),
        // -- end thread-safe DRAFT types --
        draft::ZMQ_DGRAM => Box::new(dgram::Dgram::new()),
        _ => return Err(EINVAL),
    };
    Ok(r)
}

pub mod pair;
pub mod rotation;
pub mod stream;
// -- pub/sub family modules --
pub mod dist;
pub mod pub_;
pub mod sub;
pub mod trie;
pub mod xpub;
pub mod xsub;
// -- end pub/sub family modules --
// -- request/reply and pipeline family modules --
pub mod dealer;
pub mod fq;
pub mod lb;
pub mod pull;
pub mod push;
pub mod rep;
pub mod req;
pub mod router;
// -- end request/reply family modules --
// -- thread-safe DRAFT type modules --
pub mod channel;
pub mod client;
pub mod dgram;
pub mod dish;
pub mod gather;
pub mod radio;
pub mod scatter;
pub mod server;
pub mod single;
// -- end thread-safe DRAFT type modules --
