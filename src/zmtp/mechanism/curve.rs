//! The CURVE mechanism (RFC 25 over CurveZMQ, RFC 26).
//!
//! Client: HELLO (short-term key C', a box of 64 zeros) → server WELCOME
//! (S' and a cookie, sealed to C') → client INITIATE (cookie, C, a vouch
//! for C' and S, metadata, sealed with C'/S') → server READY (metadata).
//! Then every frame travels as a MESSAGE command: short nonce, then a box
//! of one flags byte (MORE, COMMAND) and the payload.
//!
//! Short nonces count up from 1 on each side; a received one must exceed
//! the last. The server keeps no per-client state before INITIATE other
//! than what the cookie (sealed with a key only it knows) gives back.
//! A server with a ZAP handler asks it about C before READY; without one
//! every client with a valid vouch is accepted (libzmq's behaviour).
//!
//! Crypto failures are reported as HANDSHAKE_FAILED_PROTOCOL with
//! ZMTP_CRYPTOGRAPHIC (or KEY_EXCHANGE for a cookie/vouch mismatch).
//!
//! Every random byte a handshake needs is drawn when the mechanism is
//! created: if the operating system cannot provide them, there is no
//! mechanism and no handshake (never a zero key or nonce).

use super::{
    check_peer_properties, our_properties, Mechanism, MechanismStatus, ZapIdentity, ZapMode, ZapVerdict,
};
use crate::msg::{Msg, COMMAND};
use crate::util::curve::{box_open, box_seal, public_from_secret, random, secretbox_open, secretbox_seal, NoRandomness};
use crate::zmtp::zap::{ZapReply, ZapRequest};
use crate::zmtp::command::Command;
use crate::zmtp::error::{CommandKind, ProtocolError};
use crate::zmtp::greeting::mechanism_name;
use crate::zmtp::metadata::Properties;
use bytes::{Bytes, BytesMut};
use std::os::raw::c_int;

type Key = [u8; 32];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    SendHello,
    WaitWelcome,
    SendInitiate,
    WaitReady,
    WaitHello,
    SendWelcome,
    WaitInitiate,
    WaitZap,
    SendReady,
    SendError,
    Ready,
    Failed,
}

/// Everything secret is zeroed on drop.
pub struct CurveMechanism {
    socket_type: c_int,
    ours: Properties,
    peer: Properties,
    state: State,
    server: bool,
    /// Our long-term keys.
    public: Key,
    secret: Key,
    /// Client: the server's long-term public key. Server: the client's, once known.
    peer_public: Key,
    /// Our short-term keys.
    cn_public: Key,
    cn_secret: Key,
    /// The peer's short-term public key.
    peer_cn_public: Key,
    /// Client: the cookie from WELCOME. Server: the cookie key.
    cookie: Vec<u8>,
    cookie_key: Key,
    /// The long nonces this handshake sends (server: cookie and WELCOME;
    /// client: vouch), drawn up front with the keys.
    long_nonces: [[u8; 16]; 2],
    /// Next short nonce to send; last one received.
    nonce_out: u64,
    nonce_in: u64,
    zap: ZapMode,
    zap_request: Option<ZapRequest>,
    identity: Option<ZapIdentity>,
    error_cmd: Option<Msg>,
}

impl std::fmt::Debug for CurveMechanism {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CurveMechanism").field("state", &self.state).field("server", &self.server).finish()
    }
}

impl Drop for CurveMechanism {
    fn drop(&mut self) {
        self.secret = [0; 32];
        self.cn_secret = [0; 32];
        self.cookie_key = [0; 32];
        self.cookie.fill(0);
    }
}

fn nonce(prefix: &[u8], tail: &[u8]) -> [u8; 24] {
    let mut n = [0u8; 24];
    n[..prefix.len()].copy_from_slice(prefix);
    n[prefix.len()..].copy_from_slice(tail);
    n
}

fn command(name: &[u8], parts: &[&[u8]]) -> Msg {
    let mut b = BytesMut::new();
    b.extend_from_slice(&[name.len() as u8]);
    b.extend_from_slice(name);
    for p in parts {
        b.extend_from_slice(p);
    }
    let mut m = if b.len() <= crate::msg::MAX_INLINE { Msg::from_slice(&b) } else { Msg::from_bytes(b.freeze()) };
    m.set_flags(COMMAND);
    m
}

fn key(b: &[u8]) -> Key {
    let mut k = [0u8; 32];
    k.copy_from_slice(&b[..32]);
    k
}

impl CurveMechanism {
    fn new(socket_type: c_int, routing_id: &[u8], app: &[(String, Bytes)], secret: Key) -> Result<Self, NoRandomness> {
        let cn_secret: Key = random()?;
        let cookie_key: Key = random()?;
        let long_nonces = [random()?, random()?];
        Ok(CurveMechanism {
            socket_type,
            ours: our_properties(socket_type, routing_id, app),
            peer: Properties::new(),
            state: State::Failed,
            server: false,
            public: public_from_secret(secret),
            secret,
            peer_public: [0; 32],
            cn_public: public_from_secret(cn_secret),
            cn_secret,
            peer_cn_public: [0; 32],
            cookie: Vec::new(),
            cookie_key,
            long_nonces,
            nonce_out: 1,
            nonce_in: 0,
            zap: ZapMode::Off,
            zap_request: None,
            identity: None,
            error_cmd: None,
        })
    }

    /// A client with long-term keys `public`/`secret` (the public key is
    /// the one given, as libzmq uses it) talking to `server_key`.
    pub fn client(
        socket_type: c_int,
        routing_id: &[u8],
        app: &[(String, Bytes)],
        public: Key,
        secret: Key,
        server_key: Key,
    ) -> Result<Self, NoRandomness> {
        let mut m = Self::new(socket_type, routing_id, app, secret)?;
        m.public = public;
        m.peer_public = server_key;
        m.state = State::SendHello;
        Ok(m)
    }

    pub fn server(
        socket_type: c_int,
        routing_id: &[u8],
        app: &[(String, Bytes)],
        secret: Key,
        zap: ZapMode,
    ) -> Result<Self, NoRandomness> {
        let mut m = Self::new(socket_type, routing_id, app, secret)?;
        m.server = true;
        m.zap = zap;
        m.state = State::WaitHello;
        Ok(m)
    }

    fn fail(&mut self, e: ProtocolError) -> Result<(), ProtocolError> {
        self.state = State::Failed;
        Err(e)
    }

    fn crypto_fail(&mut self) -> Result<(), ProtocolError> {
        self.fail(ProtocolError::Cryptographic)
    }

    /// A cookie or vouch that does not match the keys we agreed on.
    fn key_exchange_fail(&mut self) -> Result<(), ProtocolError> {
        self.fail(ProtocolError::KeyExchange)
    }

    /// The next short nonce; `NonceExhausted` rather than ever reusing one.
    fn next_nonce(&mut self) -> Result<[u8; 8], ProtocolError> {
        let n = self.nonce_out;
        if n == u64::MAX {
            return Err(ProtocolError::NonceExhausted);
        }
        self.nonce_out += 1;
        Ok(n.to_be_bytes())
    }

    /// Checks that a received short nonce increases.
    fn check_nonce(&mut self, n: &[u8]) -> bool {
        let v = u64::from_be_bytes(n[..8].try_into().unwrap_or([0; 8]));
        if v <= self.nonce_in {
            return false;
        }
        self.nonce_in = v;
        true
    }

    fn hello(&mut self) -> Msg {
        // The first nonce of a handshake cannot be the last one.
        let sn = self.next_nonce().unwrap_or_default();
        let b = box_seal(&self.peer_public, &self.cn_secret, &nonce(b"CurveZMQHELLO---", &sn), &[0u8; 64]);
        command(b"HELLO", &[&[1, 0], &[0u8; 72], &self.cn_public, &sn, &b])
    }

    fn process_welcome(&mut self, data: &[u8]) -> Result<(), ProtocolError> {
        if data.len() != 160 {
            return self.fail(ProtocolError::MalformedCommand(CommandKind::Welcome));
        }
        let Some(plain) = box_open(&self.peer_public, &self.cn_secret, &nonce(b"WELCOME-", &data[..16]), &data[16..])
        else {
            return self.crypto_fail();
        };
        self.peer_cn_public = key(&plain[..32]);
        self.cookie = plain[32..128].to_vec();
        self.state = State::SendInitiate;
        Ok(())
    }

    fn initiate(&mut self) -> Msg {
        let vn = self.long_nonces[0];
        let mut vouch_plain = Vec::with_capacity(64);
        vouch_plain.extend_from_slice(&self.cn_public);
        vouch_plain.extend_from_slice(&self.peer_public);
        let vouch = box_seal(&self.peer_cn_public, &self.secret, &nonce(b"VOUCH---", &vn), &vouch_plain);
        let mut md = BytesMut::new();
        self.ours.encode(&mut md);
        let mut plain = Vec::with_capacity(32 + 96 + md.len());
        plain.extend_from_slice(&self.public);
        plain.extend_from_slice(&vn);
        plain.extend_from_slice(&vouch);
        plain.extend_from_slice(&md);
        let sn = self.next_nonce().unwrap_or_default();
        let b = box_seal(&self.peer_cn_public, &self.cn_secret, &nonce(b"CurveZMQINITIATE", &sn), &plain);
        let cookie = std::mem::take(&mut self.cookie);
        command(b"INITIATE", &[&cookie, &sn, &b])
    }

    fn process_ready(&mut self, data: &[u8]) -> Result<(), ProtocolError> {
        if data.len() < 8 + 16 {
            return self.fail(ProtocolError::MalformedCommand(CommandKind::Ready));
        }
        if !self.check_nonce(&data[..8]) {
            return self.fail(ProtocolError::InvalidSequence);
        }
        let Some(plain) =
            box_open(&self.peer_cn_public, &self.cn_secret, &nonce(b"CurveZMQREADY---", &data[..8]), &data[8..])
        else {
            return self.crypto_fail();
        };
        let props = match Properties::parse(&Bytes::from(plain)) {
            Ok(p) => p,
            Err(e) => return self.fail(e),
        };
        if let Err(e) = check_peer_properties(self.socket_type, &props) {
            return self.fail(e);
        }
        self.peer = props;
        self.state = State::Ready;
        Ok(())
    }

    fn process_hello(&mut self, data: &[u8]) -> Result<(), ProtocolError> {
        // version(2) padding(72) C'(32) nonce(8) box(80)
        if data.len() != 194 {
            return self.fail(ProtocolError::MalformedCommand(CommandKind::Hello));
        }
        if data[..2] != [1, 0] {
            return self.fail(ProtocolError::MalformedCommand(CommandKind::Hello));
        }
        self.peer_cn_public = key(&data[74..106]);
        let sn = &data[106..114];
        if !self.check_nonce(sn) {
            return self.fail(ProtocolError::InvalidSequence);
        }
        match box_open(&self.peer_cn_public, &self.secret, &nonce(b"CurveZMQHELLO---", sn), &data[114..]) {
            Some(z) if z == [0u8; 64] => {}
            _ => return self.crypto_fail(),
        }
        self.state = State::SendWelcome;
        Ok(())
    }

    fn welcome(&mut self) -> Msg {
        let mut cookie_plain = Vec::with_capacity(64);
        cookie_plain.extend_from_slice(&self.peer_cn_public);
        cookie_plain.extend_from_slice(&self.cn_secret);
        let cn = self.long_nonces[0];
        let cookie_box = secretbox_seal(&self.cookie_key, &nonce(b"COOKIE--", &cn), &cookie_plain);
        let mut plain = Vec::with_capacity(128);
        plain.extend_from_slice(&self.cn_public);
        plain.extend_from_slice(&cn);
        plain.extend_from_slice(&cookie_box);
        let wn = self.long_nonces[1];
        let b = box_seal(&self.peer_cn_public, &self.secret, &nonce(b"WELCOME-", &wn), &plain);
        command(b"WELCOME", &[&wn, &b])
    }

    fn process_initiate(&mut self, data: &[u8]) -> Result<(), ProtocolError> {
        // cookie(96) nonce(8) box(>= 16 + 32 + 96)
        if data.len() < 96 + 8 + 16 + 128 {
            return self.fail(ProtocolError::MalformedCommand(CommandKind::Initiate));
        }
        let Some(cookie) = secretbox_open(&self.cookie_key, &nonce(b"COOKIE--", &data[..16]), &data[16..96]) else {
            return self.crypto_fail();
        };
        if cookie[..32] != self.peer_cn_public || cookie[32..] != self.cn_secret {
            return self.key_exchange_fail();
        }
        let sn = &data[96..104];
        if !self.check_nonce(sn) {
            return self.fail(ProtocolError::InvalidSequence);
        }
        let Some(plain) =
            box_open(&self.peer_cn_public, &self.cn_secret, &nonce(b"CurveZMQINITIATE", sn), &data[104..])
        else {
            return self.crypto_fail();
        };
        let client_key = key(&plain[..32]);
        let Some(vouch) = box_open(&client_key, &self.cn_secret, &nonce(b"VOUCH---", &plain[32..48]), &plain[48..128])
        else {
            return self.crypto_fail();
        };
        if vouch[..32] != self.peer_cn_public || vouch[32..64] != self.public {
            return self.key_exchange_fail();
        }
        let props = match Properties::parse(&Bytes::copy_from_slice(&plain[128..])) {
            Ok(p) => p,
            Err(e) => return self.fail(e),
        };
        if let Err(e) = check_peer_properties(self.socket_type, &props) {
            return self.fail(e);
        }
        self.peer = props;
        self.peer_public = client_key;
        match &self.zap {
            ZapMode::Ask(p) => {
                self.zap_request = Some(ZapRequest {
                    domain: p.domain.clone(),
                    address: p.address.clone(),
                    routing_id: p.routing_id.clone(),
                    mechanism: "CURVE",
                    credentials: vec![Bytes::copy_from_slice(&client_key)],
                });
                self.state = State::WaitZap;
            }
            ZapMode::Missing => return self.fail(ProtocolError::NoZapHandler),
            ZapMode::Off => self.state = State::SendReady,
        }
        Ok(())
    }

    fn ready(&mut self) -> Msg {
        let mut md = BytesMut::new();
        self.ours.encode(&mut md);
        let sn = self.next_nonce().unwrap_or_default();
        let b = box_seal(&self.peer_cn_public, &self.cn_secret, &nonce(b"CurveZMQREADY---", &sn), &md);
        command(b"READY", &[&sn, &b])
    }
}

impl Mechanism for CurveMechanism {
    fn name(&self) -> [u8; 20] {
        mechanism_name("CURVE")
    }

    fn next_handshake_command(&mut self) -> Option<Msg> {
        match self.state {
            State::SendHello => {
                self.state = State::WaitWelcome;
                Some(self.hello())
            }
            State::SendInitiate => {
                self.state = State::WaitReady;
                Some(self.initiate())
            }
            State::SendWelcome => {
                self.state = State::WaitInitiate;
                Some(self.welcome())
            }
            State::SendReady => {
                self.state = State::Ready;
                Some(self.ready())
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
                self.state = State::SendReady;
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
        let body = msg.to_bytes();
        if matches!(self.state, State::WaitWelcome | State::WaitReady) {
            if let Some(reason) = super::garbled_error_reason(&body) {
                return self.fail(ProtocolError::PeerError(reason.to_vec()));
            }
        }
        let name_len = body.first().copied().unwrap_or(0) as usize;
        if body.is_empty() || body.len() < 1 + name_len {
            return self.fail(ProtocolError::MalformedCommand(CommandKind::Unnamed));
        }
        let (name, data) = (&body[1..1 + name_len], &body[1 + name_len..]);
        if name == b"ERROR" {
            // CURVE's READY is encrypted, so only ERROR goes through the
            // generic command parser.
            let reason = match Command::parse(&body) {
                Ok(Command::Error { reason }) => reason,
                Ok(_) => return self.fail(ProtocolError::UnexpectedCommand),
                Err(e) => return self.fail(e),
            };
            if matches!(self.state, State::WaitWelcome | State::WaitReady) {
                return self.fail(ProtocolError::PeerError(reason.to_vec()));
            }
            return self.fail(ProtocolError::UnexpectedCommand);
        }
        match (self.state, name) {
            (State::WaitHello, b"HELLO") => self.process_hello(data),
            (State::WaitWelcome, b"WELCOME") => self.process_welcome(data),
            (State::WaitInitiate, b"INITIATE") => self.process_initiate(data),
            (State::WaitReady, b"READY") => self.process_ready(data),
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

    fn wraps_frames(&self) -> bool {
        true
    }

    fn encode(&mut self, msg: Msg) -> Result<Msg, ProtocolError> {
        let mut plain = Vec::with_capacity(1 + msg.data().len());
        let mut flags = 0u8;
        if msg.more() {
            flags |= 0x01;
        }
        if msg.is_command() {
            flags |= 0x02;
        }
        plain.push(flags);
        plain.extend_from_slice(msg.data());
        let sn = self.next_nonce()?;
        let prefix: &[u8] = if self.server { b"CurveZMQMESSAGES" } else { b"CurveZMQMESSAGEC" };
        let b = box_seal(&self.peer_cn_public, &self.cn_secret, &nonce(prefix, &sn), &plain);
        // libzmq 4.3 sends MESSAGE as a data frame (not flagged COMMAND),
        // with the frame's MORE flag mirroring the one inside.
        let mut m = command(b"MESSAGE", &[&sn, &b]);
        m.reset_flags(COMMAND);
        m.set_more(flags & 0x01 != 0);
        Ok(m)
    }

    fn decode(&mut self, msg: Msg) -> Result<Msg, ProtocolError> {
        let d = msg.data();
        if d.len() < 8 || &d[..8] != b"\x07MESSAGE" {
            return Err(ProtocolError::UnexpectedCommand);
        }
        let d = &d[8..];
        if d.len() < 8 + 16 + 1 {
            return Err(ProtocolError::MalformedCommand(CommandKind::Message));
        }
        if !self.check_nonce(&d[..8]) {
            return Err(ProtocolError::InvalidSequence);
        }
        let prefix: &[u8] = if self.server { b"CurveZMQMESSAGEC" } else { b"CurveZMQMESSAGES" };
        let plain = box_open(&self.peer_cn_public, &self.cn_secret, &nonce(prefix, &d[..8]), &d[8..])
            .ok_or(ProtocolError::MalformedCommand(CommandKind::Message))?;
        let flags = plain[0];
        let mut m = if plain.len() - 1 <= crate::msg::MAX_INLINE {
            Msg::from_slice(&plain[1..])
        } else {
            let mut b = Bytes::from(plain);
            let _ = b.split_to(1);
            Msg::from_bytes(b)
        };
        m.set_more(flags & 0x01 != 0);
        if flags & 0x02 != 0 {
            m.set_flags(COMMAND);
        }
        Ok(m)
    }

    fn peer_metadata(&self) -> &Properties {
        &self.peer
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::constants::*;
    use crate::util::curve::keypair;
    use crate::zmtp::mechanism::ZapParams;

    fn pair(zap: bool) -> (CurveMechanism, CurveMechanism, Key) {
        let (sp, ss) = keypair().unwrap();
        let (cp, cs) = keypair().unwrap();
        let mode = if zap { ZapMode::Ask(ZapParams::default()) } else { ZapMode::Off };
        let client = CurveMechanism::client(ZMQ_DEALER, b"cid", &[], cp, cs, sp).unwrap();
        let server = CurveMechanism::server(ZMQ_ROUTER, b"", &[], ss, mode).unwrap();
        (client, server, cp)
    }

    fn pump(a: &mut CurveMechanism, b: &mut CurveMechanism) {
        while let Some(m) = a.next_handshake_command() {
            b.process_handshake_command(m).expect("step");
        }
    }

    #[test]
    fn handshake_sizes_and_traffic() {
        let (mut c, mut s, _) = pair(false);
        let hello = c.next_handshake_command().unwrap();
        assert_eq!(hello.data().len(), 200);
        assert_eq!(&hello.data()[..6], b"\x05HELLO");
        s.process_handshake_command(hello).unwrap();
        let welcome = s.next_handshake_command().unwrap();
        assert_eq!(welcome.data().len(), 168);
        c.process_handshake_command(welcome).unwrap();
        pump(&mut c, &mut s);
        pump(&mut s, &mut c);
        assert_eq!(c.status(), MechanismStatus::Ready);
        assert_eq!(s.status(), MechanismStatus::Ready);
        assert_eq!(s.peer_routing_id(), Some(&b"cid"[..]));
        let mut m = Msg::from_slice(b"hello");
        m.set_more(true);
        let wire = c.encode(m).unwrap();
        assert_eq!(wire.data().len(), 8 + 8 + 16 + 1 + 5);
        let back = s.decode(wire.clone()).unwrap();
        assert_eq!(back.data(), b"hello");
        assert!(back.more());
        // A replayed MESSAGE is refused.
        assert_eq!(s.decode(wire).err(), Some(ProtocolError::InvalidSequence));
        let back = c.decode(s.encode(Msg::from_slice(b"x")).unwrap()).unwrap();
        assert_eq!(back.data(), b"x");
        assert!(!back.more());
    }

    #[test]
    fn wrong_server_key_fails_cryptographically() {
        let (sp, _) = keypair().unwrap();
        let (_, ss) = keypair().unwrap();
        let (cp, cs) = keypair().unwrap();
        let mut c = CurveMechanism::client(ZMQ_REQ, b"", &[], cp, cs, sp).unwrap();
        let mut s = CurveMechanism::server(ZMQ_REP, b"", &[], ss, ZapMode::Off).unwrap();
        let e = s.process_handshake_command(c.next_handshake_command().unwrap()).unwrap_err();
        assert_eq!(
            e.monitor_event(),
            Some((ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL, ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC as u32))
        );
    }

    #[test]
    fn zap_gets_client_key_and_can_refuse() {
        let (mut c, mut s, cp) = pair(true);
        pump(&mut c, &mut s);
        pump(&mut s, &mut c);
        pump(&mut c, &mut s);
        let req = s.take_zap_request().unwrap();
        assert_eq!(req.mechanism, "CURVE");
        assert_eq!(&req.credentials[0][..], &cp[..]);
        let e = s
            .zap_reply(Ok(ZapReply {
                status_code: Bytes::from_static(b"400"),
                status_text: Bytes::new(),
                user_id: Bytes::new(),
                metadata: Properties::new(),
            }))
            .unwrap_err();
        assert_eq!(e, ProtocolError::ZapDenied(400));
        assert_eq!(s.next_handshake_command().unwrap().data(), b"\x05ERROR\x03400");
        assert_eq!(s.status(), MechanismStatus::Error);
    }

    #[test]
    fn zap_accept_and_unanswered_request() {
        let (mut c, mut s, _) = pair(true);
        pump(&mut c, &mut s);
        pump(&mut s, &mut c);
        pump(&mut c, &mut s);
        assert!(s.take_zap_request().is_some());
        assert!(s.next_handshake_command().is_none());
        let mut user = ZapReply {
            status_code: Bytes::from_static(b"200"),
            status_text: Bytes::new(),
            user_id: Bytes::from_static(b"u"),
            metadata: Properties::new(),
        };
        s.zap_reply(Ok(user.clone())).unwrap();
        pump(&mut s, &mut c);
        assert_eq!(s.status(), MechanismStatus::Ready);
        assert_eq!(c.status(), MechanismStatus::Ready);
        assert_eq!(&s.zap_identity().unwrap().user_id[..], b"u");
        // The handler went away: refused, nothing sent.
        let (mut c, mut s, _) = pair(true);
        pump(&mut c, &mut s);
        pump(&mut s, &mut c);
        pump(&mut c, &mut s);
        let e = s.zap_reply(Err(ZMQ_PROTOCOL_ERROR_ZAP_UNSPECIFIED)).unwrap_err();
        assert_eq!(e.monitor_event(), Some((ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL, ZMQ_PROTOCOL_ERROR_ZAP_UNSPECIFIED as u32)));
        assert!(s.next_handshake_command().is_none());
        assert_eq!(s.status(), MechanismStatus::Error);
        user.status_code = Bytes::from_static(b"200");
        assert!(s.zap_reply(Ok(user)).is_err());
    }

    #[test]
    fn nonces_never_wrap() {
        let (mut c, mut s, _) = pair(false);
        pump(&mut c, &mut s);
        pump(&mut s, &mut c);
        pump(&mut c, &mut s);
        pump(&mut s, &mut c);
        c.nonce_out = u64::MAX - 1;
        let m = c.encode(Msg::from_slice(b"last")).unwrap();
        assert_eq!(s.decode(m).unwrap().data(), b"last");
        assert_eq!(c.encode(Msg::from_slice(b"x")).err(), Some(ProtocolError::NonceExhausted));
    }

    #[test]
    fn malformed_commands() {
        let (_, mut s, _) = pair(false);
        assert_eq!(
            s.process_handshake_command(command(b"HELLO", &[&[1, 0]])),
            Err(ProtocolError::MalformedCommand(CommandKind::Hello))
        );
        let (mut c, _, _) = pair(false);
        c.next_handshake_command();
        assert_eq!(
            c.process_handshake_command(command(b"WELCOME", &[&[0; 10]])),
            Err(ProtocolError::MalformedCommand(CommandKind::Welcome))
        );
    }
}
