//! The security of a session's connection: which mechanism the socket's
//! options select (NULL, PLAIN, CURVE, client or server), whether and how
//! ZAP applies (`ZapMode::for_socket`), and carrying the engine's ZAP
//! requests to the application's handler and its verdicts back.
//!
//! Owns: making each connection's engine (the `MakeEngine` impls) and the
//! ZAP pipe.
//! Must not: decide a verdict (the mechanisms turn a reply into one) or
//! parse ZAP frames (`zmtp::zap`). A request that cannot be answered (no
//! handler any more, a malformed reply) is a refusal: ZAP fails closed.

use super::driver::{MakeEngine, Session, State};
use super::zap_client::ZapClient;
use crate::constants::*;
use crate::engine::raw::RawEngine;
use crate::engine::zmtp::ZmtpEngine;
use crate::io::reactor::Io;
use crate::zmtp::liveness::Timing;
use crate::zmtp::mechanism::curve::CurveMechanism;
use crate::zmtp::mechanism::plain::PlainMechanism;
use crate::zmtp::mechanism::{ZapMode, ZapParams};
use crate::zmtp::zap::{ZapReply, ZapRequest};
use crate::zmtp::{Connection, ConnectionConfig, Mechanism, NullMechanism};
use bytes::Bytes;
use std::time::Instant;

impl MakeEngine for RawEngine {
    fn make(_session: &mut Session<Self>, _io: &mut Io, _key: usize) -> Result<Self, i32> {
        Ok(RawEngine::new())
    }
}

impl MakeEngine for ZmtpEngine {
    fn make(session: &mut Session<Self>, io: &mut Io, key: usize) -> Result<Self, i32> {
        let o = session.owner.options.clone();
        let cfg = ConnectionConfig {
            socket_type: o.socket_type,
            routing_id: Bytes::copy_from_slice(&o.routing_id),
            max_msg_size: o.maxmsgsize,
            // libzmq's zap_enabled(): legacy peers cannot authenticate.
            refuse_legacy: o.mechanism() != ZMQ_NULL || !o.zap_domain.is_empty(),
            timing: Timing::from_options(o.handshake_ivl, o.heartbeat_ivl, o.heartbeat_timeout, o.heartbeat_ttl),
        };
        let mech = session.make_mechanism(io, key)?;
        Ok(ZmtpEngine::new(Connection::new(cfg, mech, Instant::now())))
    }
}

impl<E: MakeEngine> Session<E> {
    /// The security mechanism the socket's options select. Servers (and
    /// NULL with a ZAP domain) connect to the ZAP handler if one is bound.
    /// Err: the errno to report with HANDSHAKE_FAILED_NO_DETAIL.
    fn make_mechanism(&mut self, io: &mut Io, key: usize) -> Result<Box<dyn Mechanism>, i32> {
        let o = self.owner.options.clone();
        let mechanism = o.mechanism();
        let server = match mechanism {
            ZMQ_PLAIN => o.plain_server,
            ZMQ_CURVE => o.curve_server,
            _ => false,
        };
        // NULL asks ZAP on either side when a domain is set (libzmq 4.3.4).
        let null_zap = mechanism == ZMQ_NULL && !o.zap_domain.is_empty();
        if server || null_zap {
            self.zap = (self.owner.zap)(io.waker()).map(ZapClient::new);
            if let Some(z) = &self.zap {
                io.pipe_owner.insert(z.pipe_id(), key);
            }
        }
        let params = ZapParams {
            domain: Bytes::copy_from_slice(&o.zap_domain),
            address: Bytes::from(self.stream.as_ref().and_then(|s| s.peer_address()).unwrap_or_default()),
            routing_id: Bytes::copy_from_slice(&o.routing_id),
        };
        let zap = ZapMode::for_socket(mechanism, server, self.zap.is_some(), o.zap_enforce_domain, params);
        if matches!(zap, ZapMode::Off) {
            self.drop_zap(io);
        }
        let (st, rid, md) = (o.socket_type, &o.routing_id[..], &o.app_metadata[..]);
        let no_keys = libc::EPROTO;
        let no_random = |_| libc::EIO;
        Ok(match mechanism {
            ZMQ_PLAIN if server => Box::new(PlainMechanism::server(st, rid, md, zap)),
            ZMQ_PLAIN => Box::new(PlainMechanism::client(st, rid, md, &o.plain_username, &o.plain_password)),
            ZMQ_CURVE if server => {
                let secret = o.curve_secretkey.ok_or(no_keys)?;
                Box::new(CurveMechanism::server(st, rid, md, secret, zap).map_err(no_random)?)
            }
            ZMQ_CURVE => {
                let (Some(public), Some(secret), Some(server_key)) =
                    (o.curve_publickey, o.curve_secretkey, o.curve_serverkey)
                else {
                    return Err(no_keys);
                };
                Box::new(CurveMechanism::client(st, rid, md, public, secret, server_key).map_err(no_random)?)
            }
            _ => Box::new(NullMechanism::new(st, rid, md).with_zap(zap)),
        })
    }

    /// Carries the engine's ZAP request to the handler. A request that
    /// cannot be sent is answered at once as failed.
    pub(super) fn zap_send(&mut self, io: &mut Io, key: usize, req: ZapRequest) {
        let sent = self.zap.as_mut().is_some_and(|z| z.send(&req));
        self.zap_waiting = true;
        if !sent {
            self.zap_answer(io, key, Err(ZMQ_PROTOCOL_ERROR_ZAP_UNSPECIFIED));
            return;
        }
        // Reading now (finding nothing) asks the pipe to wake us on the reply.
        self.zap_readable(io, key);
    }

    /// The ZAP pipe may have a reply, or may have closed (the handler went
    /// away: the request failed): hand the outcome to the engine.
    pub(super) fn zap_readable(&mut self, io: &mut Io, key: usize) {
        if !self.zap_waiting {
            return;
        }
        let Some(reply) = self.zap.as_mut().and_then(|z| z.poll_reply()) else { return };
        self.zap_answer(io, key, reply);
    }

    /// Gives the engine the handler's verdict and goes on.
    fn zap_answer(&mut self, io: &mut Io, key: usize, reply: Result<ZapReply, i32>) {
        // One request, one reply: the pipe has served its purpose (and a
        // handler closing afterwards must not look like a second reply).
        self.zap_waiting = false;
        self.drop_zap(io);
        if self.state != State::Handshaking {
            return;
        }
        let r = match self.engine.as_mut() {
            Some(e) => e.zap_reply(reply),
            None => return,
        };
        self.process_events(io, key);
        if let Err(e) = r {
            self.protocol_error(io, key, e);
            return;
        }
        // Anything the peer sent meanwhile is processed now.
        self.resume_input(io, key);
    }

    pub(super) fn drop_zap(&mut self, io: &mut Io) {
        if let Some(z) = self.zap.take() {
            io.pipe_owner.remove(&z.pipe_id());
        }
    }
}
