//! The NULL mechanism (RFC 23): each side sends READY with its metadata;
//! the peer's Socket-Type must be compatible with ours. An ERROR command
//! from the peer fails the handshake.
//!
//! ZAP for NULL (when ZMQ_ZAP_DOMAIN is set) is not done here yet.

use super::{compatible, sends_identity, socket_type_name, Mechanism, MechanismStatus};
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
        }
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
        if self.ready_sent || self.failed {
            return None;
        }
        self.ready_sent = true;
        Some(Command::Ready(self.ours.clone()).to_msg())
    }

    fn process_handshake_command(&mut self, msg: Msg) -> Result<(), ProtocolError> {
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
            Command::Error { reason } => self.fail(ProtocolError::PeerError(reason.to_vec())),
            _ => self.fail(ProtocolError::UnexpectedCommand),
        }
    }

    fn status(&self) -> MechanismStatus {
        if self.failed {
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
}
