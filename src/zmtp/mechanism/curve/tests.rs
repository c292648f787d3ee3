//! The CURVE handshake and message phase, both roles.

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
    assert_eq!(s.decode(wire.clone()).err(), Some(ProtocolError::InvalidSequence));
    // So is a forged one (a new nonce, the old box), which moves no counter.
    let mut forged = wire.data().to_vec();
    forged[15] += 1;
    assert_eq!(s.decode(Msg::from_slice(&forged)).err(), Some(ProtocolError::MalformedCommand(CommandKind::Message)));
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
    c.messages.as_mut().unwrap().set_nonce_out(u64::MAX - 1);
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

/// Every size class of the data phase (inline, heap, pooled) round-trips,
/// with MORE and COMMAND flags; the frame is 33 bytes longer than its
/// payload, as libzmq's.
#[test]
fn message_sizes_round_trip() {
    let (mut c, mut s, _) = pair(false);
    pump(&mut c, &mut s);
    pump(&mut s, &mut c);
    pump(&mut c, &mut s);
    pump(&mut s, &mut c);
    for len in [0usize, 1, 32, 33, 34, 1000, 16 * 1024 - 34, 16 * 1024, 100_000, 1 << 20] {
        let payload: Vec<u8> = (0..len).map(|i| (i * 7 + len) as u8).collect();
        let mut m = Msg::from_slice(&payload);
        m.set_more(len % 2 == 0);
        if len == 1000 {
            m.set_flags(COMMAND);
        }
        let wire = c.encode(m).unwrap();
        assert_eq!(wire.len(), len + 33);
        assert_eq!(wire.more(), len % 2 == 0);
        assert!(!wire.is_command());
        let back = s.decode(wire).unwrap();
        assert_eq!(back.data(), &payload[..], "len {len}");
        assert_eq!(back.more(), len % 2 == 0);
        assert_eq!(back.is_command(), len == 1000);
        let reply = c.decode(s.encode(Msg::from_slice(&payload)).unwrap()).unwrap();
        assert_eq!(reply.data(), &payload[..]);
    }
}

/// A peer's short-term key of low order (a zero shared secret) fails the
/// handshake as a cryptographic error, on either side.
#[test]
fn low_order_short_term_keys_are_refused() {
    let (mut c, mut s, _) = pair(false);
    let hello = c.next_handshake_command().unwrap();
    let mut forged = hello.data().to_vec();
    // C' sits after the name (6), version (2) and padding (72).
    forged[6 + 74..6 + 106].fill(0);
    let e = s.process_handshake_command(command(b"HELLO", &[&forged[6..]])).unwrap_err();
    assert_eq!(e, ProtocolError::Cryptographic);
}

#[test]
fn no_mechanism_without_random_bytes() {
    crate::util::curve::fail_random_for_tests(true);
    let (p, s) = ([1u8; 32], [2u8; 32]);
    assert!(CurveMechanism::client(ZMQ_DEALER, b"", &[], p, s, p).is_err());
    assert!(CurveMechanism::server(ZMQ_ROUTER, b"", &[], s, ZapMode::Off).is_err());
    crate::util::curve::fail_random_for_tests(false);
    assert!(CurveMechanism::server(ZMQ_ROUTER, b"", &[], s, ZapMode::Off).is_ok());
}
