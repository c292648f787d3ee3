//! The NULL mechanism (RFC 23): each side sends READY with its metadata;
//! the peer's Socket-Type must be compatible with ours. An ERROR command
//! from the peer fails the handshake (a 3-digit ZAP status in it is
//! reported as HANDSHAKE_FAILED_AUTH, through the `SecurityLink`).
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
//! Owns the NULL handshake state only; the session sends the ZAP request
//! and wakes us with the reply (see `super` for the protocol).

use super::{
    compatible, lock, peer_error, sends_identity, socket_type_name, take_zap_verdict, is_wake, Link,
    Mechanism, MechanismStatus, ZapParams, ZapVerdict,
};
use crate::constants as c;
use crate::zap::ZapRequest;
use crate::msg::Msg;
use crate::zmtp::command::Command;
use crate::zmtp::error::ProtocolError;
use crate::zmtp::greeting::mechanism_name;
use crate::zmtp::metadata::{Properties, IDENTITY, SOCKET_TYPE};
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
    link: Link,
    zap: Zap,
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
    /// A domain is set, no handler is bound and ZMQ_ZAP_ENFORCE_DOMAIN is on.
    Missing,
    /// The request is out; waiting for the wake-up.
    Waiting,
    /// Accepted.
    Done,
}

impl NullMechanism {
    /// `routing_id` is sent as Identity by REQ, DEALER and ROUTER;
    /// `app_metadata` (ZMQ_METADATA, "X-..." names) follows, in the given order.
    pub fn new(
        socket_type: c_int,
        routing_id: &[u8],
        app_metadata: &[(String, Bytes)],
    ) -> NullMechanism {
        let mut ours = Properties::new();
        ours.push(
            SOCKET_TYPE,
            Bytes::from_static(socket_type_name(socket_type).unwrap_or("").as_bytes()),
        );
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
            link: Link::default(),
            zap: Zap::Off,
            error_cmd: None,
        }
    }

    /// Shares `link` with the session. With a non-empty `zap.domain`, asks
    /// the ZAP handler when the link says one is connected; without one,
    /// fails the handshake when `enforce` (ZMQ_ZAP_ENFORCE_DOMAIN).
    pub fn with_zap(mut self, link: Link, zap: ZapParams, enforce: bool) -> NullMechanism {
        let connected = lock(&link).zap_connected;
        self.zap = if zap.domain.is_empty() {
            Zap::Off
        } else if connected {
            Zap::Ask(zap)
        } else if enforce {
            Zap::Missing
        } else {
            Zap::Off
        };
        self.link = link;
        self
    }

    fn fail(&mut self, e: ProtocolError) -> Result<(), ProtocolError> {
        self.failed = true;
        Err(e)
    }
}

impl Mechanism for NullMechanism {
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
                lock(&self.link).zap_request = Some(ZapRequest {
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
                lock(&self.link).failure_event = Some((c::ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL, libc::EFAULT as u32));
                self.failed = true;
                return None;
            }
        }
        self.ready_sent = true;
        Some(Command::Ready(self.ours.clone()).to_msg())
    }

    fn process_handshake_command(&mut self, msg: Msg) -> Result<(), ProtocolError> {
        if is_wake(&msg) {
            if !matches!(self.zap, Zap::Waiting) || self.failed {
                return self.fail(ProtocolError::UnexpectedCommand);
            }
            return match take_zap_verdict(&self.link) {
                None => Ok(()),
                Some(ZapVerdict::Accept) => {
                    self.zap = Zap::Done;
                    Ok(())
                }
                Some(ZapVerdict::Refuse(err)) => {
                    self.zap = Zap::Done;
                    self.error_cmd = Some(err);
                    Ok(())
                }
                Some(ZapVerdict::Broken) => self.fail(ProtocolError::Closed),
            };
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
            Err(e @ ProtocolError::InvalidMetadata) => {
                return self.fail(ProtocolError::NullReadyRefused(Box::new(e)))
            }
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
            Command::Error { reason } => {
                let e = peer_error(&self.link, &reason);
                self.fail(e)
            }
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

    fn connected_link() -> Link {
        let link = Link::default();
        lock(&link).zap_connected = true;
        link
    }

    fn wake() -> Msg {
        cmd(&[0])
    }

    fn reply(code: &[u8], user: &[u8]) -> crate::zap::ZapReply {
        crate::zap::ZapReply {
            status_code: Bytes::copy_from_slice(code),
            status_text: Bytes::new(),
            user_id: Bytes::copy_from_slice(user),
            metadata: Properties::new(),
        }
    }

    const PUSH_READY: &[u8] = b"\x05READY\x0bSocket-Type\x00\x00\x00\x04PUSH";

    #[test]
    fn zap_accept_holds_ready_until_the_reply() {
        let link = connected_link();
        let mut m = NullMechanism::new(ZMQ_PULL, b"", &[]).with_zap(link.clone(), zap_params(), false);
        assert!(m.next_handshake_command().is_none());
        let req = lock(&link).zap_request.take().unwrap();
        assert_eq!(req.mechanism, "NULL");
        assert_eq!(&req.domain[..], b"global");
        assert!(req.credentials.is_empty());
        // The peer's READY may come first.
        m.process_handshake_command(cmd(PUSH_READY)).unwrap();
        assert!(m.next_handshake_command().is_none());
        assert_eq!(m.status(), MechanismStatus::Handshaking);
        // A wake-up without a reply changes nothing.
        m.process_handshake_command(wake()).unwrap();
        lock(&link).zap_reply = Some(Ok(reply(b"200", b"anon")));
        m.process_handshake_command(wake()).unwrap();
        assert!(m.next_handshake_command().unwrap().data().starts_with(b"\x05READY"));
        assert_eq!(m.status(), MechanismStatus::Ready);
        assert_eq!(lock(&link).user_id.as_deref(), Some(&b"anon"[..]));
        // A second wake-up is a violation.
        assert!(m.process_handshake_command(wake()).is_err());
    }

    #[test]
    fn zap_refusals() {
        let link = connected_link();
        let mut m = NullMechanism::new(ZMQ_PULL, b"", &[]).with_zap(link.clone(), zap_params(), false);
        assert!(m.next_handshake_command().is_none());
        lock(&link).zap_reply = Some(Ok(reply(b"400", b"")));
        m.process_handshake_command(wake()).unwrap();
        assert_eq!(m.next_handshake_command().unwrap().data(), b"\x05ERROR\x03400");
        assert_eq!(m.status(), MechanismStatus::Error);
        assert_eq!(lock(&link).failure_event, Some((ZMQ_EVENT_HANDSHAKE_FAILED_AUTH, 400)));
        // 300: no ERROR.
        let link = connected_link();
        let mut m = NullMechanism::new(ZMQ_PULL, b"", &[]).with_zap(link.clone(), zap_params(), false);
        assert!(m.next_handshake_command().is_none());
        lock(&link).zap_reply = Some(Ok(reply(b"300", b"")));
        assert!(m.process_handshake_command(wake()).is_err());
        assert!(m.next_handshake_command().is_none());
        assert_eq!(lock(&link).failure_event, Some((ZMQ_EVENT_HANDSHAKE_FAILED_AUTH, 300)));
        // A malformed reply: ZAP protocol error, no ERROR.
        let link = connected_link();
        let mut m = NullMechanism::new(ZMQ_PULL, b"", &[]).with_zap(link.clone(), zap_params(), false);
        assert!(m.next_handshake_command().is_none());
        lock(&link).zap_reply = Some(Err(ZMQ_PROTOCOL_ERROR_ZAP_BAD_VERSION));
        assert!(m.process_handshake_command(wake()).is_err());
        assert!(m.next_handshake_command().is_none());
    }

    #[test]
    fn zap_off_without_domain_or_handler_unless_enforced() {
        // Handler, no domain.
        let mut m = NullMechanism::new(ZMQ_PULL, b"", &[]).with_zap(
            connected_link(),
            ZapParams::default(),
            true,
        );
        assert!(m.next_handshake_command().is_some());
        // Domain, no handler.
        let mut m = NullMechanism::new(ZMQ_PULL, b"", &[]).with_zap(Link::default(), zap_params(), false);
        assert!(m.next_handshake_command().is_some());
        // Domain, no handler, enforced.
        let link = Link::default();
        let mut m = NullMechanism::new(ZMQ_PULL, b"", &[]).with_zap(link.clone(), zap_params(), true);
        assert!(m.next_handshake_command().is_none());
        assert!(m.process_handshake_command(cmd(PUSH_READY)).is_err());
        assert_eq!(
            lock(&link).failure_event,
            Some((ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL, libc::EFAULT as u32))
        );
        // A peer's wake-up byte is never accepted.
        let mut m = NullMechanism::new(ZMQ_PULL, b"", &[]);
        assert!(m.process_handshake_command(wake()).is_err());
    }

    #[test]
    fn peer_error_with_zap_code_reports_auth() {
        let link = Link::default();
        let mut m = NullMechanism::new(ZMQ_PUSH, b"", &[]).with_zap(link.clone(), ZapParams::default(), false);
        assert!(m.next_handshake_command().is_some());
        assert!(m.process_handshake_command(cmd(b"\x05ERROR\x03400")).is_err());
        assert_eq!(lock(&link).failure_event, Some((ZMQ_EVENT_HANDSHAKE_FAILED_AUTH, 400)));
    }
}
