//! The NULL mechanism (RFC 23): each side sends READY with its metadata;
//! the peer's Socket-Type must be compatible with ours. An ERROR command
//! from the peer fails the handshake (a 3-digit ZAP status in it is
//! reported as HANDSHAKE_FAILED_AUTH).
//!
//! ZAP (RFC 27): with a non-empty ZMQ_ZAP_DOMAIN and a handler bound, our
//! READY waits for the handler's verdict (mechanism "NULL", no
//! credentials). As libzmq 4.3.4 does (checked with Debian's python3-zmq),
//! this applies to either side of the connection, not only the binder.
//! 200 sends READY (User-Id and metadata become message properties);
//! 400/500 send ERROR with the code and fail with HANDSHAKE_FAILED_AUTH;
//! 300 fails the same way without an ERROR (libzmq sends nothing and leaves
//! the connection hanging until the peer or a time-out closes it; we close).
//! A domain without a handler is plain NULL, unless ZMQ_ZAP_ENFORCE_DOMAIN
//! is set: then the handshake fails with HANDSHAKE_FAILED_NO_DETAIL/EFAULT.
//!
//! Owns the NULL handshake state only; the request goes out through
//! `take_zap_request` and the verdict comes back through `zap_reply`.

use super::{
    compatible, sends_identity, socket_type_name, Mechanism, MechanismStatus, ZapIdentity, ZapMode, ZapParams,
    ZapVerdict,
};
use crate::msg::Msg;
use crate::zmtp::command::Command;
use crate::zmtp::error::{CommandKind, ProtocolError};
use crate::zmtp::greeting::mechanism_name;
use crate::zmtp::metadata::{Properties, IDENTITY, SOCKET_TYPE};
use crate::zmtp::zap::{ZapReply, ZapRequest};
use bytes::Bytes;
use std::os::raw::c_int;

#[derive(Debug)]
pub struct NullMechanism {
    socket_type: c_int,
    ours: Properties,
    ready_sent: bool,
    ready_received: bool,
    failed: bool,
    peer: Properties,
    zap: Zap,
    /// The request for the handler, until the connection takes it.
    zap_request: Option<ZapRequest>,
    /// What the handler said of the peer, once it accepted it.
    identity: Option<ZapIdentity>,
    /// An ERROR command (ZAP refusal) to send before failing.
    error_cmd: Option<Msg>,
}

/// Where ZAP stands for this connection.
#[derive(Debug, Clone)]
enum Zap {
    /// No ZAP: READY goes out at once.
    Off,
    /// A handler is connected: ask it before READY.
    Ask(ZapParams),
    /// A verdict is required and no handler is bound.
    Missing,
    /// The request is out; waiting for the reply.
    Waiting,
    /// Accepted.
    Done,
}

impl NullMechanism {
    /// `routing_id` is sent as Identity by REQ, DEALER and ROUTER;
    /// `app_metadata` (ZMQ_METADATA, "X-..." names) follows, in the given order.
    pub fn new(socket_type: c_int, routing_id: &[u8], app_metadata: &[(String, Bytes)]) -> NullMechanism {
        let mut ours = Properties::new();
        ours.push(SOCKET_TYPE, Bytes::from_static(socket_type_name(socket_type).unwrap_or("").as_bytes()));
        if sends_identity(socket_type) {
            ours.push(IDENTITY, Bytes::copy_from_slice(routing_id));
        }
        for (k, v) in app_metadata {
            ours.push(k, v.clone());
        }
        NullMechanism {
            socket_type,
            ours,
            ready_sent: false,
            ready_received: false,
            failed: false,
            peer: Properties::new(),
            zap: Zap::Off,
            zap_request: None,
            identity: None,
            error_cmd: None,
        }
    }

    /// Applies ZAP as `mode` says (see `ZapMode::for_socket`): ask the
    /// handler before READY, or fail for want of one.
    pub fn with_zap(mut self, mode: ZapMode) -> NullMechanism {
        self.zap = match mode {
            ZapMode::Off => Zap::Off,
            ZapMode::Ask(p) => Zap::Ask(p),
            ZapMode::Missing => Zap::Missing,
        };
        self
    }

    fn fail(&mut self, e: ProtocolError) -> Result<(), ProtocolError> {
        self.failed = true;
        Err(e)
    }
}

impl Mechanism for NullMechanism {
    fn awaited_command(&self) -> CommandKind {
        CommandKind::Ready
    }

    fn name(&self) -> [u8; 20] {
        mechanism_name("NULL")
    }

    fn next_handshake_command(&mut self) -> Option<Msg> {
        if let Some(err) = self.error_cmd.take() {
            self.failed = true;
            return Some(err);
        }
        if self.ready_sent || self.failed {
            return None;
        }
        match std::mem::replace(&mut self.zap, Zap::Off) {
            Zap::Off => {}
            Zap::Done => self.zap = Zap::Done,
            Zap::Waiting => {
                self.zap = Zap::Waiting;
                return None;
            }
            Zap::Ask(p) => {
                self.zap_request = Some(ZapRequest {
                    domain: p.domain,
                    address: p.address,
                    routing_id: p.routing_id,
                    mechanism: "NULL",
                    credentials: Vec::new(),
                });
                self.zap = Zap::Waiting;
                return None;
            }
            Zap::Missing => {
                // Reported when the peer's next command arrives (libzmq
                // reports it at once, then leaves the connection hanging).
                self.zap = Zap::Missing;
                return None;
            }
        }
        self.ready_sent = true;
        Some(Command::Ready(self.ours.clone()).to_msg())
    }

    fn take_zap_request(&mut self) -> Option<ZapRequest> {
        self.zap_request.take()
    }

    fn zap_reply(&mut self, reply: Result<ZapReply, c_int>) -> Result<(), ProtocolError> {
        if !matches!(self.zap, Zap::Waiting) || self.failed {
            return self.fail(ProtocolError::UnexpectedCommand);
        }
        self.zap = Zap::Done;
        match ZapVerdict::from_reply(reply) {
            ZapVerdict::Accept(id) => {
                self.identity = Some(id);
                Ok(())
            }
            ZapVerdict::Refuse { reply, error } => {
                self.error_cmd = reply;
                self.failed = self.error_cmd.is_none();
                Err(error)
            }
        }
    }

    fn zap_identity(&self) -> Option<&ZapIdentity> {
        self.identity.as_ref()
    }

    fn process_handshake_command(&mut self, msg: Msg) -> Result<(), ProtocolError> {
        if matches!(self.zap, Zap::Missing) {
            return self.fail(ProtocolError::NoZapHandler);
        }
        if self.ready_received || self.failed {
            return self.fail(ProtocolError::UnexpectedCommand);
        }
        if !msg.is_command() {
            // libzmq 4.3.4 reports a data frame here as an unexpected command.
            return self.fail(ProtocolError::UnexpectedCommand);
        }
        let cmd = match Command::from_msg(&msg) {
            Ok(c) => c,
            Err(e @ ProtocolError::InvalidMetadata) => return self.fail(ProtocolError::NullReadyRefused(Box::new(e))),
            Err(e) => return self.fail(e),
        };
        match cmd {
            Command::Ready(props) => {
                // Like libzmq, a READY without Socket-Type is accepted; a
                // present one must be compatible.
                if let Some(st) = props.get(SOCKET_TYPE).cloned() {
                    if !compatible(self.socket_type, &st) {
                        return self.fail(ProtocolError::NullReadyRefused(Box::new(
                            ProtocolError::IncompatibleSocketType(st.to_vec()),
                        )));
                    }
                }
                self.peer = props;
                self.ready_received = true;
                Ok(())
            }
            Command::Error { reason } => self.fail(ProtocolError::PeerError(reason.to_vec())),
            _ => self.fail(ProtocolError::UnexpectedCommand),
        }
    }

    fn status(&self) -> MechanismStatus {
        if self.failed && self.error_cmd.is_none() {
            MechanismStatus::Error
        } else if self.ready_sent && self.ready_received {
            MechanismStatus::Ready
        } else {
            MechanismStatus::Handshaking
        }
    }

    fn peer_metadata(&self) -> &Properties {
        &self.peer
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::constants::*;
    use crate::msg::COMMAND;

    fn cmd(body: &[u8]) -> Msg {
        let mut m = Msg::from_slice(body);
        m.set_flags(COMMAND);
        m
    }

    #[test]
    fn ready_matches_libzmq_and_handshake_completes() {
        let mut m = NullMechanism::new(ZMQ_DEALER, b"abc", &[]);
        let r = m.next_handshake_command().unwrap();
        assert!(r.is_command());
        // Captured from libzmq 4.3.4.
        assert_eq!(
            r.data(),
            &b"\x05READY\x0bSocket-Type\x00\x00\x00\x06DEALER\x08Identity\x00\x00\x00\x03abc"[..]
        );
        assert!(m.next_handshake_command().is_none());
        assert_eq!(m.status(), MechanismStatus::Handshaking);
        m.process_handshake_command(cmd(
            b"\x05READY\x0bSocket-Type\x00\x00\x00\x06ROUTER\x08Identity\x00\x00\x00\x02id",
        ))
        .unwrap();
        assert_eq!(m.status(), MechanismStatus::Ready);
        assert_eq!(m.peer_routing_id(), Some(&b"id"[..]));
        assert_eq!(
            m.process_handshake_command(cmd(b"\x05READY")),
            Err(ProtocolError::UnexpectedCommand)
        );
    }

    #[test]
    fn pub_sends_no_identity_and_app_metadata_follows() {
        let mut m = NullMechanism::new(
            ZMQ_PUB,
            b"ignored",
            &[("X-Hello".into(), Bytes::from_static(b"w"))],
        );
        let r = m.next_handshake_command().unwrap();
        assert_eq!(
            r.data(),
            &b"\x05READY\x0bSocket-Type\x00\x00\x00\x03PUB\x07X-Hello\x00\x00\x00\x01w"[..]
        );
    }

    #[test]
    fn failures_and_codes() {
        let code = |e: ProtocolError| e.handshake_event_code();
        let mut m = NullMechanism::new(ZMQ_REQ, b"", &[]);
        let e = m
            .process_handshake_command(cmd(b"\x05READY\x0bSocket-Type\x00\x00\x00\x03REQ"))
            .unwrap_err();
        // libzmq's NULL mechanism reports no handshake event for a refused
        // READY (PLAIN/CURVE would report INVALID_METADATA).
        assert_eq!(
            e,
            ProtocolError::NullReadyRefused(Box::new(ProtocolError::IncompatibleSocketType(
                b"REQ".to_vec()
            )))
        );
        assert_eq!(code(e), None);
        assert_eq!(m.status(), MechanismStatus::Error);
        let mut m = NullMechanism::new(ZMQ_REQ, b"", &[]);
        let e = m.process_handshake_command(cmd(b"\x05HELLO")).unwrap_err();
        assert_eq!(code(e), Some(ZMQ_PROTOCOL_ERROR_ZMTP_UNEXPECTED_COMMAND));
        let mut m = NullMechanism::new(ZMQ_REQ, b"", &[]);
        let e = m
            .process_handshake_command(cmd(b"\x05ERROR\x09"))
            .unwrap_err();
        assert_eq!(
            code(e),
            Some(ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_ERROR)
        );
        let mut m = NullMechanism::new(ZMQ_REQ, b"", &[]);
        let e = m
            .process_handshake_command(cmd(b"\x05READY\x0b"))
            .unwrap_err();
        assert_eq!(e.errno(), libc::EPROTO);
        assert_eq!(code(e), None);
        let mut m = NullMechanism::new(ZMQ_REQ, b"", &[]);
        let e = m
            .process_handshake_command(Msg::from_slice(b"\x05READY"))
            .unwrap_err();
        assert_eq!(code(e), Some(ZMQ_PROTOCOL_ERROR_ZMTP_UNEXPECTED_COMMAND));
        let mut m = NullMechanism::new(ZMQ_REQ, b"", &[]);
        assert_eq!(
            m.process_handshake_command(cmd(b"\x05ERROR\x02no")),
            Err(ProtocolError::PeerError(b"no".to_vec()))
        );
    }

    fn zap_params() -> ZapParams {
        ZapParams {
            domain: Bytes::from_static(b"global"),
            address: Bytes::from_static(b"127.0.0.1"),
            routing_id: Bytes::new(),
        }
    }

    fn asking() -> NullMechanism {
        NullMechanism::new(ZMQ_PULL, b"", &[]).with_zap(ZapMode::Ask(zap_params()))
    }

    fn reply(code: &[u8], user: &[u8]) -> ZapReply {
        ZapReply {
            status_code: Bytes::copy_from_slice(code),
            status_text: Bytes::new(),
            user_id: Bytes::copy_from_slice(user),
            metadata: Properties::new(),
        }
    }

    const PUSH_READY: &[u8] = b"\x05READY\x0bSocket-Type\x00\x00\x00\x04PUSH";

    #[test]
    fn zap_accept_holds_ready_until_the_reply() {
        let mut m = asking();
        assert!(m.next_handshake_command().is_none());
        let req = m.take_zap_request().unwrap();
        assert!(m.take_zap_request().is_none());
        assert_eq!(req.mechanism, "NULL");
        assert_eq!(&req.domain[..], b"global");
        assert!(req.credentials.is_empty());
        // The peer's READY may come first.
        m.process_handshake_command(cmd(PUSH_READY)).unwrap();
        assert!(m.next_handshake_command().is_none());
        assert_eq!(m.status(), MechanismStatus::Handshaking);
        m.zap_reply(Ok(reply(b"200", b"anon"))).unwrap();
        assert!(m.next_handshake_command().unwrap().data().starts_with(b"\x05READY"));
        assert_eq!(m.status(), MechanismStatus::Ready);
        assert_eq!(&m.zap_identity().unwrap().user_id[..], b"anon");
        // A second reply is a violation.
        assert!(m.zap_reply(Ok(reply(b"200", b""))).is_err());
    }

    #[test]
    fn zap_refusals() {
        let mut m = asking();
        assert!(m.next_handshake_command().is_none());
        assert_eq!(m.zap_reply(Ok(reply(b"400", b""))), Err(ProtocolError::ZapDenied(400)));
        assert_eq!(m.next_handshake_command().unwrap().data(), b"\x05ERROR\x03400");
        assert_eq!(m.status(), MechanismStatus::Error);
        assert_eq!(ProtocolError::ZapDenied(400).monitor_event(), Some((ZMQ_EVENT_HANDSHAKE_FAILED_AUTH, 400)));
        // 300: no ERROR.
        let mut m = asking();
        assert!(m.next_handshake_command().is_none());
        assert_eq!(m.zap_reply(Ok(reply(b"300", b""))), Err(ProtocolError::ZapDenied(300)));
        assert!(m.next_handshake_command().is_none());
        assert_eq!(m.status(), MechanismStatus::Error);
        // A malformed reply or a handler gone: ZAP protocol error, no ERROR.
        let mut m = asking();
        assert!(m.next_handshake_command().is_none());
        let e = m.zap_reply(Err(ZMQ_PROTOCOL_ERROR_ZAP_BAD_VERSION)).unwrap_err();
        assert_eq!(
            e.monitor_event(),
            Some((ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL, ZMQ_PROTOCOL_ERROR_ZAP_BAD_VERSION as u32))
        );
        assert!(m.next_handshake_command().is_none());
        assert_eq!(m.status(), MechanismStatus::Error);
        // A reply nobody asked for.
        let mut m = NullMechanism::new(ZMQ_PULL, b"", &[]);
        assert!(m.zap_reply(Ok(reply(b"200", b""))).is_err());
    }

    #[test]
    fn zap_mode_rules() {
        let with_domain = zap_params();
        let mode = |mech, server, handler, enforce, p: &ZapParams| {
            format!("{:?}", ZapMode::for_socket(mech, server, handler, enforce, p.clone()))
        };
        let none = ZapParams::default();
        // NULL: only with a domain; a missing handler only matters when enforced.
        assert!(mode(ZMQ_NULL, false, true, true, &none).starts_with("Off"));
        assert!(mode(ZMQ_NULL, false, true, false, &with_domain).starts_with("Ask"));
        assert!(mode(ZMQ_NULL, false, false, false, &with_domain).starts_with("Off"));
        assert!(mode(ZMQ_NULL, false, false, true, &with_domain).starts_with("Missing"));
        // PLAIN server: always a handler, domain or not.
        assert!(mode(ZMQ_PLAIN, true, true, false, &none).starts_with("Ask"));
        assert!(mode(ZMQ_PLAIN, true, false, false, &none).starts_with("Missing"));
        assert!(mode(ZMQ_PLAIN, false, true, false, &none).starts_with("Off"));
        // CURVE server: a handler if bound; none needed unless enforced.
        assert!(mode(ZMQ_CURVE, true, true, false, &none).starts_with("Ask"));
        assert!(mode(ZMQ_CURVE, true, false, false, &none).starts_with("Off"));
        assert!(mode(ZMQ_CURVE, true, false, true, &none).starts_with("Missing"));
    }

    #[test]
    fn missing_handler_fails_on_the_next_command() {
        let mut m = NullMechanism::new(ZMQ_PULL, b"", &[]).with_zap(ZapMode::Missing);
        assert!(m.next_handshake_command().is_none());
        let e = m.process_handshake_command(cmd(PUSH_READY)).unwrap_err();
        assert_eq!(e, ProtocolError::NoZapHandler);
        assert_eq!(e.monitor_event(), Some((ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL, libc::EFAULT as u32)));
    }

    #[test]
    fn peer_error_with_zap_code_reports_auth() {
        let mut m = NullMechanism::new(ZMQ_PUSH, b"", &[]);
        assert!(m.next_handshake_command().is_some());
        let e = m.process_handshake_command(cmd(b"\x05ERROR\x03400")).unwrap_err();
        assert_eq!(e.monitor_event(), Some((ZMQ_EVENT_HANDSHAKE_FAILED_AUTH, 400)));
        let e = ProtocolError::PeerError(b"no".to_vec());
        assert_eq!(e.monitor_event(), None);
    }
}
