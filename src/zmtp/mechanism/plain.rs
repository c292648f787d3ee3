//! The PLAIN mechanism (RFC 24): client HELLO(username, password) →
//! server WELCOME → client INITIATE(metadata) → server READY(metadata).
//!
//! The server asks the ZAP handler (through the `SecurityLink`) before
//! WELCOME; as libzmq 4.3 does, a PLAIN server without a ZAP handler
//! refuses every client (HANDSHAKE_FAILED_NO_DETAIL, EFAULT). A refusal
//! is sent as ERROR with the ZAP status code.

use super::{
    check_peer_properties, fail_with, is_wake, lock, our_properties, peer_error, take_zap_verdict, Link,
    Mechanism, MechanismStatus, ZapParams, ZapVerdict,
};
use crate::constants as c;
use crate::msg::{Msg, COMMAND};
use crate::zap::ZapRequest;
use crate::zmtp::command::Command;
use crate::zmtp::error::{CommandKind, ProtocolError};
use crate::zmtp::greeting::mechanism_name;
use crate::zmtp::metadata::Properties;
use bytes::{BufMut, Bytes, BytesMut};
use std::os::raw::c_int;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    // Client.
    SendHello,
    WaitWelcome,
    SendInitiate,
    WaitReady,
    // Server.
    WaitHello,
    WaitZap,
    SendWelcome,
    WaitInitiate,
    SendReady,
    SendError,
    // Both.
    Ready,
    Failed,
}

#[derive(Debug)]
pub struct PlainMechanism {
    socket_type: c_int,
    ours: Properties,
    peer: Properties,
    state: State,
    username: Bytes,
    password: Bytes,
    zap: ZapParams,
    link: Link,
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
        link: Link,
    ) -> PlainMechanism {
        PlainMechanism {
            socket_type,
            ours: our_properties(socket_type, routing_id, app_metadata),
            peer: Properties::new(),
            state: State::SendHello,
            username: Bytes::copy_from_slice(&username[..username.len().min(255)]),
            password: Bytes::copy_from_slice(&password[..password.len().min(255)]),
            zap: ZapParams::default(),
            link,
            error_cmd: None,
        }
    }

    pub fn server(
        socket_type: c_int,
        routing_id: &[u8],
        app_metadata: &[(String, Bytes)],
        zap: ZapParams,
        link: Link,
    ) -> PlainMechanism {
        PlainMechanism {
            socket_type,
            ours: our_properties(socket_type, routing_id, app_metadata),
            peer: Properties::new(),
            state: State::WaitHello,
            username: Bytes::new(),
            password: Bytes::new(),
            zap,
            link,
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
        let mut l = lock(&self.link);
        if !l.zap_connected {
            drop(l);
            let e = fail_with(&self.link, c::ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL, libc::EFAULT, ProtocolError::Closed);
            return self.fail(e);
        }
        l.zap_request = Some(ZapRequest {
            domain: self.zap.domain.clone(),
            address: self.zap.address.clone(),
            routing_id: self.zap.routing_id.clone(),
            mechanism: "PLAIN",
            credentials: vec![username, password],
        });
        self.state = State::WaitZap;
        Ok(())
    }
}

impl Mechanism for PlainMechanism {
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

    fn process_handshake_command(&mut self, msg: Msg) -> Result<(), ProtocolError> {
        if is_wake(&msg) {
            if self.state != State::WaitZap {
                return self.fail(ProtocolError::UnexpectedCommand);
            }
            return match take_zap_verdict(&self.link) {
                None => Ok(()),
                Some(ZapVerdict::Accept) => {
                    self.state = State::SendWelcome;
                    Ok(())
                }
                Some(ZapVerdict::Refuse(err)) => {
                    self.error_cmd = Some(err);
                    self.state = State::SendError;
                    Ok(())
                }
                Some(ZapVerdict::Broken) => self.fail(ProtocolError::Closed),
            };
        }
        if matches!(self.state, State::WaitWelcome | State::WaitReady) {
            if let Some(reason) = super::garbled_error_reason(msg.data()) {
                let e = peer_error(&self.link, reason);
                return self.fail(e);
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
                let e = peer_error(&self.link, &reason);
                self.fail(e)
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
    use crate::zap::ZapReply;

    fn link(zap: bool) -> Link {
        let l = Link::default();
        lock(&l).zap_connected = zap;
        l
    }

    fn exchange(a: &mut dyn Mechanism, b: &mut dyn Mechanism) {
        while let Some(m) = a.next_handshake_command() {
            b.process_handshake_command(m).unwrap();
        }
    }

    #[test]
    fn full_handshake_with_zap() {
        let cl = link(false);
        let sl = link(true);
        let mut client = PlainMechanism::client(ZMQ_DEALER, b"me", &[], b"admin", b"pw", cl.clone());
        let mut server = PlainMechanism::server(
            ZMQ_ROUTER,
            b"",
            &[],
            ZapParams { domain: Bytes::from_static(b"test"), ..Default::default() },
            sl.clone(),
        );
        let hello = client.next_handshake_command().unwrap();
        // RFC 24's HELLO layout.
        assert_eq!(hello.data(), b"\x05HELLO\x05admin\x02pw");
        server.process_handshake_command(hello).unwrap();
        let req = lock(&sl).zap_request.take().unwrap();
        assert_eq!(req.mechanism, "PLAIN");
        assert_eq!(req.credentials, vec![Bytes::from_static(b"admin"), Bytes::from_static(b"pw")]);
        assert!(server.next_handshake_command().is_none());
        lock(&sl).zap_reply = Some(Ok(ZapReply {
            status_code: Bytes::from_static(b"200"),
            status_text: Bytes::from_static(b"OK"),
            user_id: Bytes::from_static(b"admin"),
            metadata: Properties::new(),
        }));
        let mut wake = Msg::from_slice(&[0]);
        wake.set_flags(COMMAND);
        server.process_handshake_command(wake).unwrap();
        let welcome = server.next_handshake_command().unwrap();
        assert_eq!(welcome.data(), b"\x07WELCOME");
        client.process_handshake_command(welcome).unwrap();
        exchange(&mut client, &mut server);
        exchange(&mut server, &mut client);
        assert_eq!(client.status(), MechanismStatus::Ready);
        assert_eq!(server.status(), MechanismStatus::Ready);
        assert_eq!(server.peer_routing_id(), Some(&b"me"[..]));
        assert_eq!(lock(&sl).user_id.as_deref(), Some(&b"admin"[..]));
    }

    #[test]
    fn refusal_sends_error_and_client_reports_auth() {
        let sl = link(true);
        let mut server = PlainMechanism::server(ZMQ_PULL, b"", &[], ZapParams::default(), sl.clone());
        server.process_handshake_command(command(b"HELLO", b"\x01u\x01p")).unwrap();
        lock(&sl).zap_reply = Some(Ok(ZapReply {
            status_code: Bytes::from_static(b"400"),
            status_text: Bytes::new(),
            user_id: Bytes::new(),
            metadata: Properties::new(),
        }));
        let mut wake = Msg::from_slice(&[0]);
        wake.set_flags(COMMAND);
        server.process_handshake_command(wake).unwrap();
        let err = server.next_handshake_command().unwrap();
        assert_eq!(err.data(), b"\x05ERROR\x03400");
        assert_eq!(server.status(), MechanismStatus::Error);
        assert_eq!(lock(&sl).failure_event, Some((ZMQ_EVENT_HANDSHAKE_FAILED_AUTH, 400)));
        let cl = link(false);
        let mut client = PlainMechanism::client(ZMQ_PUSH, b"", &[], b"u", b"p", cl.clone());
        client.next_handshake_command().unwrap();
        assert!(client.process_handshake_command(err).is_err());
        assert_eq!(lock(&cl).failure_event, Some((ZMQ_EVENT_HANDSHAKE_FAILED_AUTH, 400)));
    }

    #[test]
    fn no_handler_and_malformed() {
        let sl = link(false);
        let mut server = PlainMechanism::server(ZMQ_PULL, b"", &[], ZapParams::default(), sl.clone());
        assert!(server.process_handshake_command(command(b"HELLO", b"\x01u\x01p")).is_err());
        assert_eq!(lock(&sl).failure_event, Some((ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL, libc::EFAULT as u32)));
        for bad in [&b""[..], b"\x05ab", b"\x01u\x05p", b"\x01u\x01pX"] {
            let mut server = PlainMechanism::server(ZMQ_PULL, b"", &[], ZapParams::default(), link(true));
            assert_eq!(
                server.process_handshake_command(command(b"HELLO", bad)),
                Err(ProtocolError::MalformedCommand(CommandKind::Hello))
            );
        }
        let mut server = PlainMechanism::server(ZMQ_PULL, b"", &[], ZapParams::default(), link(true));
        assert_eq!(
            server.process_handshake_command(command(b"INITIATE", b"")),
            Err(ProtocolError::UnexpectedCommand)
        );
    }
}
