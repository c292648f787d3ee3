//! The PLAIN mechanism (RFC 24): client HELLO(username, password) →
//! server WELCOME → client INITIATE(metadata) → server READY(metadata).
//!
//! The server asks the ZAP handler (`take_zap_request`, `zap_reply`)
//! before WELCOME; as libzmq 4.3 does, a PLAIN server without a ZAP handler
//! refuses every client (HANDSHAKE_FAILED_NO_DETAIL, EFAULT). A refusal
//! is sent as ERROR with the ZAP status code.

use super::State;
use super::{
    check_peer_properties, our_properties, Mechanism, MechanismStatus, ZapIdentity, ZapMode, ZapVerdict,
};
use crate::msg::{Msg, COMMAND};
use crate::zmtp::zap::{ZapReply, ZapRequest};
use crate::zmtp::command::Command;
use crate::zmtp::error::{CommandKind, ProtocolError};
use crate::zmtp::greeting::mechanism_name;
use crate::zmtp::metadata::Properties;
use bytes::{BufMut, Bytes, BytesMut};
use std::os::raw::c_int;

#[derive(Debug)]
pub struct PlainMechanism {
    socket_type: c_int,
    ours: Properties,
    peer: Properties,
    state: State,
    username: Bytes,
    password: Bytes,
    zap: ZapMode,
    zap_request: Option<ZapRequest>,
    identity: Option<ZapIdentity>,
    error_cmd: Option<Msg>,
}

fn command(name: &[u8], data: &[u8]) -> Msg {
    let mut b = BytesMut::with_capacity(1 + name.len() + data.len());
    b.put_u8(name.len() as u8);
    b.put_slice(name);
    b.put_slice(data);
    let mut m = if b.len() <= crate::msg::MAX_INLINE { Msg::from_slice(&b) } else { Msg::from_bytes(b.freeze()) };
    m.set_flags(COMMAND);
    m
}

impl PlainMechanism {
    pub fn client(
        socket_type: c_int,
        routing_id: &[u8],
        app_metadata: &[(String, Bytes)],
        username: &[u8],
        password: &[u8],
    ) -> PlainMechanism {
        PlainMechanism {
            socket_type,
            ours: our_properties(socket_type, routing_id, app_metadata),
            peer: Properties::new(),
            state: State::SendHello,
            username: Bytes::copy_from_slice(&username[..username.len().min(255)]),
            password: Bytes::copy_from_slice(&password[..password.len().min(255)]),
            zap: ZapMode::Off,
            zap_request: None,
            identity: None,
            error_cmd: None,
        }
    }

    pub fn server(
        socket_type: c_int,
        routing_id: &[u8],
        app_metadata: &[(String, Bytes)],
        zap: ZapMode,
    ) -> PlainMechanism {
        PlainMechanism {
            socket_type,
            ours: our_properties(socket_type, routing_id, app_metadata),
            peer: Properties::new(),
            state: State::WaitHello,
            username: Bytes::new(),
            password: Bytes::new(),
            zap,
            zap_request: None,
            identity: None,
            error_cmd: None,
        }
    }

    fn fail(&mut self, e: ProtocolError) -> Result<(), ProtocolError> {
        self.state = State::Failed;
        Err(e)
    }

    fn process_hello(&mut self, data: &[u8]) -> Result<(), ProtocolError> {
        let malformed = ProtocolError::MalformedCommand(CommandKind::Hello);
        let Some(&ulen) = data.first() else { return self.fail(malformed) };
        let ulen = ulen as usize;
        let Some(&plen) = data.get(1 + ulen) else { return self.fail(malformed) };
        let plen = plen as usize;
        if data.len() != 2 + ulen + plen {
            return self.fail(malformed);
        }
        let username = Bytes::copy_from_slice(&data[1..1 + ulen]);
        let password = Bytes::copy_from_slice(&data[2 + ulen..]);
        let ZapMode::Ask(p) = &self.zap else {
            // Off cannot happen for a server (`ZapMode::for_socket`).
            return self.fail(ProtocolError::NoZapHandler);
        };
        self.zap_request = Some(ZapRequest {
            domain: p.domain.clone(),
            address: p.address.clone(),
            routing_id: p.routing_id.clone(),
            mechanism: "PLAIN",
            credentials: vec![username, password],
        });
        self.state = State::WaitZap;
        Ok(())
    }
}

impl Mechanism for PlainMechanism {
    fn awaited_command(&self) -> CommandKind {
        self.state.awaited_command()
    }

    fn name(&self) -> [u8; 20] {
        mechanism_name("PLAIN")
    }

    fn next_handshake_command(&mut self) -> Option<Msg> {
        match self.state {
            State::SendHello => {
                self.state = State::WaitWelcome;
                let mut d = Vec::with_capacity(2 + self.username.len() + self.password.len());
                d.push(self.username.len() as u8);
                d.extend_from_slice(&self.username);
                d.push(self.password.len() as u8);
                d.extend_from_slice(&self.password);
                Some(command(b"HELLO", &d))
            }
            State::SendInitiate => {
                self.state = State::WaitReady;
                let mut d = BytesMut::new();
                self.ours.encode(&mut d);
                Some(command(b"INITIATE", &d))
            }
            State::SendWelcome => {
                self.state = State::WaitInitiate;
                Some(command(b"WELCOME", b""))
            }
            State::SendReady => {
                self.state = State::Ready;
                Some(Command::Ready(self.ours.clone()).to_msg())
            }
            State::SendError => {
                self.state = State::Failed;
                self.error_cmd.take()
            }
            _ => None,
        }
    }

    fn take_zap_request(&mut self) -> Option<ZapRequest> {
        self.zap_request.take()
    }

    fn zap_reply(&mut self, reply: Result<ZapReply, c_int>) -> Result<(), ProtocolError> {
        if self.state != State::WaitZap {
            return self.fail(ProtocolError::UnexpectedCommand);
        }
        match ZapVerdict::from_reply(reply) {
            ZapVerdict::Accept(id) => {
                self.identity = Some(id);
                self.state = State::SendWelcome;
                Ok(())
            }
            ZapVerdict::Refuse { reply: Some(err), error } => {
                self.error_cmd = Some(err);
                self.state = State::SendError;
                Err(error)
            }
            ZapVerdict::Refuse { reply: None, error } => self.fail(error),
        }
    }

    fn zap_identity(&self) -> Option<&ZapIdentity> {
        self.identity.as_ref()
    }

    fn process_handshake_command(&mut self, msg: Msg) -> Result<(), ProtocolError> {
        if matches!(self.state, State::WaitWelcome | State::WaitReady) {
            if let Some(reason) = super::garbled_error_reason(msg.data()) {
                return self.fail(ProtocolError::PeerError(reason.to_vec()));
            }
        }
        let cmd = match Command::from_msg(&msg) {
            Ok(c) => c,
            Err(e) => return self.fail(e),
        };
        match (self.state, cmd) {
            (State::WaitHello, Command::Other { name, data }) if &name[..] == b"HELLO" => self.process_hello(&data),
            (State::WaitWelcome, Command::Other { name, data }) if &name[..] == b"WELCOME" => {
                if !data.is_empty() {
                    return self.fail(ProtocolError::MalformedCommand(CommandKind::Welcome));
                }
                self.state = State::SendInitiate;
                Ok(())
            }
            (State::WaitInitiate, Command::Other { name, data }) if &name[..] == b"INITIATE" => {
                let props = match Properties::parse(&data) {
                    Ok(p) => p,
                    Err(e) => return self.fail(e),
                };
                if let Err(e) = check_peer_properties(self.socket_type, &props) {
                    return self.fail(e);
                }
                self.peer = props;
                self.state = State::SendReady;
                Ok(())
            }
            (State::WaitReady, Command::Ready(props)) => {
                if let Err(e) = check_peer_properties(self.socket_type, &props) {
                    return self.fail(e);
                }
                self.peer = props;
                self.state = State::Ready;
                Ok(())
            }
            (State::WaitWelcome | State::WaitReady, Command::Error { reason }) => {
                self.fail(ProtocolError::PeerError(reason.to_vec()))
            }
            _ => self.fail(ProtocolError::UnexpectedCommand),
        }
    }

    fn status(&self) -> MechanismStatus {
        match self.state {
            State::Ready => MechanismStatus::Ready,
            State::Failed => MechanismStatus::Error,
            _ => MechanismStatus::Handshaking,
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
    use crate::zmtp::mechanism::ZapParams;

    fn exchange(a: &mut dyn Mechanism, b: &mut dyn Mechanism) {
        while let Some(m) = a.next_handshake_command() {
            b.process_handshake_command(m).unwrap();
        }
    }

    fn reply(code: &'static [u8], user: &'static [u8]) -> ZapReply {
        ZapReply {
            status_code: Bytes::from_static(code),
            status_text: Bytes::from_static(b"OK"),
            user_id: Bytes::from_static(user),
            metadata: Properties::new(),
        }
    }

    fn asking(st: c_int) -> PlainMechanism {
        PlainMechanism::server(st, b"", &[], ZapMode::Ask(ZapParams { domain: Bytes::from_static(b"test"), ..Default::default() }))
    }

    #[test]
    fn full_handshake_with_zap() {
        let mut client = PlainMechanism::client(ZMQ_DEALER, b"me", &[], b"admin", b"pw");
        let mut server = asking(ZMQ_ROUTER);
        let hello = client.next_handshake_command().unwrap();
        // RFC 24's HELLO layout.
        assert_eq!(hello.data(), b"\x05HELLO\x05admin\x02pw");
        server.process_handshake_command(hello).unwrap();
        let req = server.take_zap_request().unwrap();
        assert_eq!(req.mechanism, "PLAIN");
        assert_eq!(&req.domain[..], b"test");
        assert_eq!(req.credentials, vec![Bytes::from_static(b"admin"), Bytes::from_static(b"pw")]);
        assert!(server.next_handshake_command().is_none());
        server.zap_reply(Ok(reply(b"200", b"admin"))).unwrap();
        let welcome = server.next_handshake_command().unwrap();
        assert_eq!(welcome.data(), b"\x07WELCOME");
        client.process_handshake_command(welcome).unwrap();
        exchange(&mut client, &mut server);
        exchange(&mut server, &mut client);
        assert_eq!(client.status(), MechanismStatus::Ready);
        assert_eq!(server.status(), MechanismStatus::Ready);
        assert_eq!(server.peer_routing_id(), Some(&b"me"[..]));
        assert_eq!(&server.zap_identity().unwrap().user_id[..], b"admin");
    }

    #[test]
    fn refusal_sends_error_and_client_reports_auth() {
        let mut server = asking(ZMQ_PULL);
        server.process_handshake_command(command(b"HELLO", b"\x01u\x01p")).unwrap();
        assert!(server.take_zap_request().is_some());
        let e = server.zap_reply(Ok(reply(b"400", b""))).unwrap_err();
        assert_eq!(e.monitor_event(), Some((ZMQ_EVENT_HANDSHAKE_FAILED_AUTH, 400)));
        let err = server.next_handshake_command().unwrap();
        assert_eq!(err.data(), b"\x05ERROR\x03400");
        assert_eq!(server.status(), MechanismStatus::Error);
        let mut client = PlainMechanism::client(ZMQ_PUSH, b"", &[], b"u", b"p");
        client.next_handshake_command().unwrap();
        let e = client.process_handshake_command(err).unwrap_err();
        assert_eq!(e.monitor_event(), Some((ZMQ_EVENT_HANDSHAKE_FAILED_AUTH, 400)));
    }

    #[test]
    fn unanswered_requests_fail_closed() {
        // A handler that went away, or a reply that does not parse.
        for code in [ZMQ_PROTOCOL_ERROR_ZAP_UNSPECIFIED, ZMQ_PROTOCOL_ERROR_ZAP_MALFORMED_REPLY] {
            let mut server = asking(ZMQ_PULL);
            server.process_handshake_command(command(b"HELLO", b"\x01u\x01p")).unwrap();
            let e = server.zap_reply(Err(code)).unwrap_err();
            assert_eq!(e.monitor_event(), Some((ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL, code as u32)));
            assert!(server.next_handshake_command().is_none());
            assert_eq!(server.status(), MechanismStatus::Error);
        }
    }

    #[test]
    fn no_handler_and_malformed() {
        let mut server = PlainMechanism::server(ZMQ_PULL, b"", &[], ZapMode::Missing);
        let e = server.process_handshake_command(command(b"HELLO", b"\x01u\x01p")).unwrap_err();
        assert_eq!(e.monitor_event(), Some((ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL, libc::EFAULT as u32)));
        for bad in [&b""[..], b"\x05ab", b"\x01u\x05p", b"\x01u\x01pX"] {
            let mut server = asking(ZMQ_PULL);
            assert_eq!(
                server.process_handshake_command(command(b"HELLO", bad)),
                Err(ProtocolError::MalformedCommand(CommandKind::Hello))
            );
        }
        let mut server = asking(ZMQ_PULL);
        assert_eq!(server.process_handshake_command(command(b"INITIATE", b"")), Err(ProtocolError::UnexpectedCommand));
    }
}
