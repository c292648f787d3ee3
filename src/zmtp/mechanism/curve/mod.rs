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
//! ZMTP_CRYPTOGRAPHIC (or KEY_EXCHANGE for a cookie/vouch mismatch); a
//! low-order public key (a shared secret of zero) is one of them.
//!
//! Every random byte a handshake needs is drawn when the mechanism is
//! created: if the operating system cannot provide them, there is no
//! mechanism and no handshake (never a zero key or nonce).
//!
//! Each shared key is computed once (`BoxKey`): the one between the
//! client's short-term key and the server's long-term key serves HELLO and
//! WELCOME, the short-term one INITIATE, READY and then every message
//! (`message.rs`), as libzmq does with `crypto_box_beforenm`. Secrets are
//! wiped when the mechanism is dropped.

use super::State;
use super::{
    check_peer_properties, our_properties, Mechanism, MechanismStatus, ZapIdentity, ZapMode, ZapVerdict,
};
use crate::msg::{Msg, COMMAND};
use crate::util::curve::{public_from_secret, random, secretbox_open, secretbox_seal, BoxKey, NoRandomness};
use crate::zmtp::zap::{ZapReply, ZapRequest};
use crate::zmtp::command::Command;
use crate::zmtp::error::{CommandKind, ProtocolError};
use crate::zmtp::greeting::mechanism_name;
use crate::zmtp::metadata::Properties;
use bytes::{Bytes, BytesMut};
use message::MessageBox;
use std::os::raw::c_int;
use zeroize::Zeroize;

mod message;

type Key = [u8; 32];

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
    /// Client short-term key with server long-term key: HELLO, WELCOME.
    hello_key: Option<BoxKey>,
    /// The short-term keys' shared key: INITIATE, READY (then `messages`).
    session: Option<BoxKey>,
    /// The data phase, once the handshake is done.
    messages: Option<MessageBox>,
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
        self.secret.zeroize();
        self.cn_secret.zeroize();
        self.cookie_key.zeroize();
        self.cookie.zeroize();
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
            hello_key: None,
            session: None,
            messages: None,
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

    /// The short-term shared key, computed once the peer's short-term key
    /// is known. False for a low-order key.
    fn make_session(&mut self) -> bool {
        self.session = BoxKey::new(&self.peer_cn_public, &self.cn_secret);
        self.session.is_some()
    }

    /// The handshake is done: the data phase takes over the nonces.
    fn enter_data_phase(&mut self) {
        if let Some(key) = self.session.take() {
            self.messages = Some(MessageBox::new(key, self.server, self.nonce_out, self.nonce_in));
        }
        self.hello_key = None;
        self.state = State::Ready;
    }

    fn hello(&mut self) -> Option<Msg> {
        // The first nonce of a handshake cannot be the last one.
        let sn = self.next_nonce().ok()?;
        self.hello_key = BoxKey::new(&self.peer_public, &self.cn_secret);
        let b = self.hello_key.as_ref()?.seal(&nonce(b"CurveZMQHELLO---", &sn), &[0u8; 64]);
        Some(command(b"HELLO", &[&[1, 0], &[0u8; 72], &self.cn_public, &sn, &b]))
    }

    fn process_welcome(&mut self, data: &[u8]) -> Result<(), ProtocolError> {
        if data.len() != 160 {
            return self.fail(ProtocolError::MalformedCommand(CommandKind::Welcome));
        }
        let opened = self.hello_key.as_ref().and_then(|k| k.open(&nonce(b"WELCOME-", &data[..16]), &data[16..]));
        let Some(mut plain) = opened else {
            return self.crypto_fail();
        };
        self.peer_cn_public = key(&plain[..32]);
        self.cookie = plain[32..128].to_vec();
        plain.zeroize();
        if !self.make_session() {
            return self.crypto_fail();
        }
        self.state = State::SendInitiate;
        Ok(())
    }

    fn initiate(&mut self) -> Option<Msg> {
        let vn = self.long_nonces[0];
        let mut vouch_plain = Vec::with_capacity(64);
        vouch_plain.extend_from_slice(&self.cn_public);
        vouch_plain.extend_from_slice(&self.peer_public);
        let vouch = BoxKey::new(&self.peer_cn_public, &self.secret)?.seal(&nonce(b"VOUCH---", &vn), &vouch_plain);
        let mut md = BytesMut::new();
        self.ours.encode(&mut md);
        let mut plain = Vec::with_capacity(32 + 96 + md.len());
        plain.extend_from_slice(&self.public);
        plain.extend_from_slice(&vn);
        plain.extend_from_slice(&vouch);
        plain.extend_from_slice(&md);
        let sn = self.next_nonce().ok()?;
        let b = self.session.as_ref()?.seal(&nonce(b"CurveZMQINITIATE", &sn), &plain);
        let cookie = std::mem::take(&mut self.cookie);
        Some(command(b"INITIATE", &[&cookie, &sn, &b]))
    }

    fn process_ready(&mut self, data: &[u8]) -> Result<(), ProtocolError> {
        if data.len() < 8 + 16 {
            return self.fail(ProtocolError::MalformedCommand(CommandKind::Ready));
        }
        if !self.check_nonce(&data[..8]) {
            return self.fail(ProtocolError::InvalidSequence);
        }
        let opened = self.session.as_ref().and_then(|k| k.open(&nonce(b"CurveZMQREADY---", &data[..8]), &data[8..]));
        let Some(plain) = opened else {
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
        self.enter_data_phase();
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
        self.hello_key = BoxKey::new(&self.peer_cn_public, &self.secret);
        let opened = self.hello_key.as_ref().and_then(|k| k.open(&nonce(b"CurveZMQHELLO---", sn), &data[114..]));
        match opened {
            Some(z) if z == [0u8; 64] => {}
            _ => return self.crypto_fail(),
        }
        self.state = State::SendWelcome;
        Ok(())
    }

    fn welcome(&mut self) -> Option<Msg> {
        let mut cookie_plain = Vec::with_capacity(64);
        cookie_plain.extend_from_slice(&self.peer_cn_public);
        cookie_plain.extend_from_slice(&self.cn_secret);
        let cn = self.long_nonces[0];
        let cookie_box = secretbox_seal(&self.cookie_key, &nonce(b"COOKIE--", &cn), &cookie_plain);
        cookie_plain.zeroize();
        let mut plain = Vec::with_capacity(128);
        plain.extend_from_slice(&self.cn_public);
        plain.extend_from_slice(&cn);
        plain.extend_from_slice(&cookie_box);
        let wn = self.long_nonces[1];
        let b = self.hello_key.take()?.seal(&nonce(b"WELCOME-", &wn), &plain);
        Some(command(b"WELCOME", &[&wn, &b]))
    }

    fn process_initiate(&mut self, data: &[u8]) -> Result<(), ProtocolError> {
        // cookie(96) nonce(8) box(>= 16 + 32 + 96)
        if data.len() < 96 + 8 + 16 + 128 {
            return self.fail(ProtocolError::MalformedCommand(CommandKind::Initiate));
        }
        let Some(mut cookie) = secretbox_open(&self.cookie_key, &nonce(b"COOKIE--", &data[..16]), &data[16..96]) else {
            return self.crypto_fail();
        };
        let matches = cookie[..32] == self.peer_cn_public && cookie[32..] == self.cn_secret;
        cookie.zeroize();
        if !matches {
            return self.key_exchange_fail();
        }
        let sn = &data[96..104];
        if !self.check_nonce(sn) {
            return self.fail(ProtocolError::InvalidSequence);
        }
        if !self.make_session() {
            return self.crypto_fail();
        }
        let opened = self.session.as_ref().and_then(|k| k.open(&nonce(b"CurveZMQINITIATE", sn), &data[104..]));
        let Some(plain) = opened else {
            return self.crypto_fail();
        };
        let client_key = key(&plain[..32]);
        let vouch = BoxKey::new(&client_key, &self.cn_secret)
            .and_then(|k| k.open(&nonce(b"VOUCH---", &plain[32..48]), &plain[48..128]));
        let Some(vouch) = vouch else {
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

    fn ready(&mut self) -> Option<Msg> {
        let mut md = BytesMut::new();
        self.ours.encode(&mut md);
        let sn = self.next_nonce().ok()?;
        let b = self.session.as_ref()?.seal(&nonce(b"CurveZMQREADY---", &sn), &md);
        Some(command(b"READY", &[&sn, &b]))
    }
}

impl Mechanism for CurveMechanism {
    fn awaited_command(&self) -> CommandKind {
        self.state.awaited_command()
    }

    fn name(&self) -> [u8; 20] {
        mechanism_name("CURVE")
    }

    fn next_handshake_command(&mut self) -> Option<Msg> {
        // Building a command fails only for keys already refused on
        // arrival; the handshake then fails rather than send garbage.
        let (next, cmd) = match self.state {
            State::SendHello => (State::WaitWelcome, self.hello()),
            State::SendInitiate => (State::WaitReady, self.initiate()),
            State::SendWelcome => (State::WaitInitiate, self.welcome()),
            State::SendReady => {
                let cmd = self.ready();
                self.enter_data_phase();
                (State::Ready, cmd)
            }
            State::SendError => {
                self.state = State::Failed;
                return self.error_cmd.take();
            }
            _ => return None,
        };
        self.state = if cmd.is_some() { next } else { State::Failed };
        cmd
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
        self.messages.as_mut().ok_or(ProtocolError::NotReady)?.seal(&msg)
    }

    fn decode(&mut self, msg: Msg) -> Result<Msg, ProtocolError> {
        self.messages.as_mut().ok_or(ProtocolError::NotReady)?.open(&msg)
    }

    fn peer_metadata(&self) -> &Properties {
        &self.peer
    }
}

#[cfg(test)]
mod tests;
