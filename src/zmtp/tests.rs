//! Connection-level tests: two connections talking to each other, and
//! byte-exact exchanges against bytes captured from libzmq 4.3.4 (pyzmq
//! client connected to a scripted listener on 127.0.0.1).

use super::*;
use crate::constants::*;
use crate::msg::Msg;
use bytes::{Bytes, BytesMut};

fn conn(st: i32, id: &'static [u8], max: i64) -> Connection {
    let cfg = ConnectionConfig::plain(st, Bytes::from_static(id), max);
    Connection::new(cfg, Box::new(NullMechanism::new(st, id, &[])), std::time::Instant::now())
}

fn pump(from: &mut Connection, to: &mut Connection) -> Result<(), ProtocolError> {
    let bytes = from.take_output();
    // Deliver in awkward pieces to exercise the incremental paths.
    for chunk in bytes.chunks(7) {
        to.handle_input(&mut BytesMut::from(chunk))?;
    }
    Ok(())
}

fn events(c: &mut Connection) -> Vec<Event> {
    std::iter::from_fn(|| c.poll_event()).collect()
}

fn v3_greeting(minor: u8) -> Vec<u8> {
    let mut g = b"\xff\x00\x00\x00\x00\x00\x00\x00\x01\x7f\x03".to_vec();
    g.push(minor);
    g.extend_from_slice(&greeting::mechanism_name("NULL"));
    g.extend_from_slice(&[0; 32]);
    g
}

fn ready(st: &str) -> Vec<u8> {
    let mut body = b"\x05READY\x0bSocket-Type".to_vec();
    body.extend_from_slice(&(st.len() as u32).to_be_bytes());
    body.extend_from_slice(st.as_bytes());
    let mut f = vec![0x04, body.len() as u8];
    f.extend_from_slice(&body);
    f
}

#[test]
fn dealer_router_handshake_and_traffic() {
    let mut a = conn(ZMQ_DEALER, b"abc", -1);
    let mut b = conn(ZMQ_ROUTER, b"", -1);
    for _ in 0..4 {
        pump(&mut a, &mut b).unwrap();
        pump(&mut b, &mut a).unwrap();
    }
    assert!(a.is_ready() && b.is_ready());
    assert!(matches!(events(&mut a)[..], [Event::Handshook { .. }]));
    let ev = events(&mut b);
    let Event::Handshook { version, metadata } = &ev[0] else {
        panic!("{ev:?}")
    };
    assert_eq!(*version, ZmtpVersion::V3_1);
    assert_eq!(metadata.get("Identity").unwrap(), &b"abc"[..]);
    assert_eq!(metadata.get("Socket-Type").unwrap(), &b"DEALER"[..]);
    let mut m = Msg::from_slice(b"hello");
    m.set_more(true);
    a.send(m).unwrap();
    a.send(Msg::from_bytes(Bytes::from(vec![5u8; 100_000])))
        .unwrap();
    pump(&mut a, &mut b).unwrap();
    let ev = events(&mut b);
    assert_eq!(ev.len(), 2);
    let Event::Message(m0) = &ev[0] else { panic!() };
    let Event::Message(m1) = &ev[1] else { panic!() };
    assert!(m0.more() && m0.data() == b"hello");
    assert!(!m1.more() && m1.len() == 100_000);
    // Heartbeat: PING → automatic PONG with the context.
    assert!(a.send_ping(30, b"ctx").unwrap());
    pump(&mut a, &mut b).unwrap();
    assert!(events(&mut b).is_empty());
    assert_eq!(b.heartbeats_received(), (1, 0));
    assert_eq!(b.output().len(), 2 + 5 + 3);
    pump(&mut b, &mut a).unwrap();
    assert!(events(&mut a).is_empty());
    assert_eq!(a.heartbeats_received(), (0, 1));
}

#[test]
fn matches_libzmq_dealer_capture() {
    // Our side plays libzmq's DEALER (routing id "abc"); the peer is ROUTER 3.1.
    let mut c = conn(ZMQ_DEALER, b"abc", -1);
    assert_eq!(
        c.take_output(),
        b"\xff\x00\x00\x00\x00\x00\x00\x00\x04\x7f"
    );
    let mut input = BytesMut::from(&v3_greeting(1)[..]);
    c.handle_input(&mut input).unwrap();
    let mut expect = vec![3u8, 1];
    expect.extend_from_slice(&greeting::mechanism_name("NULL"));
    expect.extend_from_slice(&[0; 32]);
    expect.extend_from_slice(
        b"\x04\x2c\x05READY\x0bSocket-Type\x00\x00\x00\x06DEALER\x08Identity\x00\x00\x00\x03abc",
    );
    assert_eq!(c.take_output(), expect);
    c.handle_input(&mut BytesMut::from(&ready("ROUTER")[..]))
        .unwrap();
    assert!(c.is_ready());
    // PING with a 20-byte context: libzmq answers with the first 16 bytes.
    c.handle_input(&mut BytesMut::from(
        &b"\x04\x1b\x04PING\x00\x050123456789abcdefXYZW"[..],
    ))
    .unwrap();
    assert_eq!(
        c.take_output(),
        b"\x04\x15\x04PONG0123456789abcdef"
    );
}

#[test]
fn sub_sends_commands_to_31_and_messages_to_30() {
    for (minor, expect) in [
        (1u8, &b"\x04\x0f\x09SUBSCRIBEtopic"[..]),
        (0, &b"\x00\x06\x01topic"[..]),
    ] {
        let mut c = conn(ZMQ_SUB, b"", -1);
        c.take_output();
        let mut input = BytesMut::from(&v3_greeting(minor)[..]);
        input.extend_from_slice(&ready("PUB"));
        c.handle_input(&mut input).unwrap();
        c.take_output();
        c.send(Msg::from_slice(b"\x01topic")).unwrap();
        assert_eq!(c.take_output(), expect);
    }
    // And a cancel, as captured.
    let mut c = conn(ZMQ_SUB, b"", -1);
    let mut input = BytesMut::from(&v3_greeting(1)[..]);
    input.extend_from_slice(&ready("XPUB"));
    c.handle_input(&mut input).unwrap();
    c.take_output();
    c.send(Msg::from_slice(b"\x00topic")).unwrap();
    assert_eq!(c.take_output(), b"\x04\x0c\x06CANCELtopic");
}

#[test]
fn pub_receives_subscribe_commands_as_messages() {
    let mut p = conn(ZMQ_XPUB, b"", -1);
    let mut s = conn(ZMQ_SUB, b"", -1);
    for _ in 0..4 {
        pump(&mut p, &mut s).unwrap();
        pump(&mut s, &mut p).unwrap();
    }
    events(&mut p);
    s.send(Msg::from_slice(b"\x01abc")).unwrap();
    s.send(Msg::from_slice(b"\x00abc")).unwrap();
    pump(&mut s, &mut p).unwrap();
    let ev = events(&mut p);
    let datas: Vec<Vec<u8>> = ev
        .iter()
        .map(|e| match e {
            Event::Message(m) => m.data().to_vec(),
            _ => panic!(),
        })
        .collect();
    assert_eq!(datas, vec![b"\x01abc".to_vec(), b"\x00abc".to_vec()]);
}

#[test]
fn zmtp2_peer() {
    let mut c = conn(ZMQ_DEALER, b"me", -1);
    c.take_output();
    // 2.0 greeting from a ROUTER, then its (empty) identity frame and a message.
    let mut input = BytesMut::from(
        &b"\xff\x00\x00\x00\x00\x00\x00\x00\x01\x7f\x01\x06\x00\x00\x01\x02hi\x00\x01x"[..],
    );
    c.handle_input(&mut input).unwrap();
    assert_eq!(c.take_output(), b"\x03\x05\x00\x02me");
    let ev = events(&mut c);
    let Event::Handshook { version, metadata } = &ev[0] else {
        panic!()
    };
    assert_eq!(*version, ZmtpVersion::V2);
    assert_eq!(metadata.get("Socket-Type").unwrap(), &b"ROUTER"[..]);
    assert_eq!(metadata.get("Identity").unwrap().len(), 0);
    assert!(matches!(&ev[1], Event::Message(m) if m.more() && m.data() == b"hi"));
    assert!(matches!(&ev[2], Event::Message(m) if !m.more() && m.data() == b"x"));
    c.send(Msg::from_slice(b"yo")).unwrap();
    assert_eq!(c.take_output(), b"\x00\x02yo");
    assert!(!c.send_ping(1, b"").unwrap(), "no PING before ZMTP 3");
}

#[test]
fn zmtp1_unversioned_peer() {
    let mut c = conn(ZMQ_PUB, b"", -1);
    assert_eq!(
        c.take_output(),
        b"\xff\x00\x00\x00\x00\x00\x00\x00\x01\x7f"
    );
    // 1.0 identity frame "hi" (length 3 = flags + 2), then message "abc".
    let mut input = BytesMut::from(&b"\x03\x00hi\x04\x00abc"[..]);
    c.handle_input(&mut input).unwrap();
    assert!(
        c.take_output().is_empty(),
        "empty routing id: nothing more to send"
    );
    let ev = events(&mut c);
    assert!(
        matches!(&ev[0], Event::Handshook { version: ZmtpVersion::V1Unversioned, metadata } if metadata.get("Identity").unwrap() == &b"hi"[..])
    );
    assert!(
        matches!(&ev[1], Event::Message(m) if m.data() == b"\x01"),
        "phantom subscription"
    );
    assert!(matches!(&ev[2], Event::Message(m) if m.data() == b"abc"));
    c.send(Msg::from_slice(b"z")).unwrap();
    assert_eq!(c.take_output(), b"\x02\x00z");
    // Our routing id follows the signature for such peers.
    let mut c = conn(ZMQ_DEALER, b"abc", -1);
    c.take_output();
    c.handle_input(&mut BytesMut::from(&b"\x01"[..])).unwrap();
    assert_eq!(c.take_output(), b"abc");
}

#[test]
fn errors_carry_libzmq_codes() {
    // Data frame during the handshake.
    let mut c = conn(ZMQ_REQ, b"", -1);
    let mut input = BytesMut::from(&v3_greeting(1)[..]);
    input.extend_from_slice(b"\x00\x01x");
    let e = c.handle_input(&mut input).unwrap_err();
    assert_eq!(
        e.handshake_event_code(),
        Some(ZMQ_PROTOCOL_ERROR_ZMTP_UNEXPECTED_COMMAND)
    );
    assert!(c.is_failed());
    assert_eq!(
        c.handle_input(&mut BytesMut::new()),
        Err(ProtocolError::Closed)
    );
    // Wrong socket type.
    let mut c = conn(ZMQ_REQ, b"", -1);
    let mut input = BytesMut::from(&v3_greeting(1)[..]);
    input.extend_from_slice(&ready("PUB"));
    let e = c.handle_input(&mut input).unwrap_err();
    assert_eq!(
        e,
        ProtocolError::NullReadyRefused(Box::new(ProtocolError::IncompatibleSocketType(
            b"PUB".to_vec()
        )))
    );
    assert_eq!(e.handshake_event_code(), None);
    // Sending before the handshake.
    let mut c = conn(ZMQ_REQ, b"", -1);
    assert_eq!(c.send(Msg::new()), Err(ProtocolError::NotReady));
}

#[test]
fn oversized_frames_and_subscriptions_are_rejected_up_front() {
    let mut c = conn(ZMQ_XPUB, b"", 1000);
    let mut input = BytesMut::from(&v3_greeting(1)[..]);
    input.extend_from_slice(&ready("SUB"));
    c.handle_input(&mut input).unwrap();
    // A mega SUBSCRIBE command: 2^40 bytes declared, nothing allocated.
    let e = c
        .handle_input(&mut BytesMut::from(
            &b"\x06\x00\x00\x01\x00\x00\x00\x00\x00\x09SUBSCRIBE"[..],
        ))
        .unwrap_err();
    assert_eq!(e, ProtocolError::MessageTooLarge(1 << 40));
    assert_eq!(e.handshake_event_code(), None);
    assert_eq!(e.errno(), libc::EMSGSIZE);
}

fn conn_with(st: i32, refuse_legacy: bool, timing: liveness::Timing, now: std::time::Instant) -> Connection {
    let mut cfg = ConnectionConfig::plain(st, Bytes::new(), -1);
    cfg.refuse_legacy = refuse_legacy;
    cfg.timing = timing;
    Connection::new(cfg, Box::new(NullMechanism::new(st, b"", &[])), now)
}

/// libzmq refuses ZMTP 1.0 and 2.0 peers when the socket's security needs a
/// handshake or ZAP (they cannot authenticate); 3.0 and 3.1 peers go on to
/// the mechanism. Nothing from a refused peer is ever delivered.
#[test]
fn legacy_peers_refused_when_security_needs_a_handshake() {
    let now = std::time::Instant::now();
    let v1_unversioned = &b"\x01\x00\x04\x00abc"[..];
    let v1_signature = &b"\xff\x00\x00\x00\x00\x00\x00\x00\x01\x7f\x00\x08\x01\x00\x04\x00abc"[..];
    let v2 = &b"\xff\x00\x00\x00\x00\x00\x00\x00\x01\x7f\x01\x08\x00\x00\x00\x03abc"[..];
    for (name, bytes) in [("1.0", v1_unversioned), ("1.0 signature", v1_signature), ("2.0", v2)] {
        let mut c = conn_with(ZMQ_PULL, true, Default::default(), now);
        let e = c.handle_input(&mut BytesMut::from(bytes)).unwrap_err();
        assert_eq!(e, ProtocolError::LegacyPeer, "{name}");
        // Reported as a plain disconnection, as libzmq's protocol_error is.
        assert_eq!(e.monitor_event(), None);
        assert!(events(&mut c).is_empty(), "{name}: nothing delivered");
        assert!(c.is_failed());
        // The same bytes are a working peer when nothing needs authenticating.
        let mut c = conn_with(ZMQ_PULL, false, Default::default(), now);
        c.handle_input(&mut BytesMut::from(bytes)).unwrap();
        let ev = events(&mut c);
        assert!(matches!(ev.last(), Some(Event::Message(m)) if m.data() == b"abc"), "{name}: {ev:?}");
    }
    for minor in [0, 1] {
        let mut c = conn_with(ZMQ_PULL, true, Default::default(), now);
        let mut input = BytesMut::from(&v3_greeting(minor)[..]);
        input.extend_from_slice(&ready("PUSH"));
        c.handle_input(&mut input).unwrap();
        assert!(c.is_ready(), "3.{minor}");
    }
}

/// A peer that floods PINGs and never reads gets at most one PONG queued
/// behind the one being written; it answers the latest context.
#[test]
fn ping_flood_owes_at_most_one_pong() {
    let now = std::time::Instant::now();
    let mut c = conn_with(ZMQ_PULL, false, Default::default(), now);
    let mut input = BytesMut::from(&v3_greeting(1)[..]);
    input.extend_from_slice(&ready("PUSH"));
    c.handle_input(&mut input).unwrap();
    c.take_output();
    events(&mut c);
    let ping = |n: u8| [&b"\x04\x08\x04PING\x00\x00"[..], &[n]].concat();
    let mut flood = Vec::new();
    for i in 0..100_000u32 {
        flood.extend_from_slice(&ping((i % 251) as u8));
    }
    for chunk in flood.chunks(65536) {
        c.handle_input(&mut BytesMut::from(chunk)).unwrap();
        // Nothing is ever written: one PONG queued, however long the flood.
        assert_eq!(c.output().len(), 8);
    }
    assert!(events(&mut c).is_empty());
    assert_eq!(c.heartbeats_received().0, 100_000);
    // Writing the first PONG lets the owed one (the latest context) follow.
    c.advance_output(7);
    assert_eq!(c.output().len(), 1);
    c.advance_output(1);
    let last = ((100_000 - 1) % 251) as u8;
    assert_eq!(c.take_output(), [&b"\x04\x06\x04PONG"[..], &[last]].concat());
    assert!(c.take_output().is_empty());
}

/// Heartbeats driven by time alone: PINGs every interval, a peer that
/// answers is kept indefinitely, one that falls silent is dropped at the
/// timeout, and a peer's TTL applies to us.
#[test]
fn heartbeats_on_the_connections_clock() {
    use std::time::Duration;
    let ms = Duration::from_millis;
    let t0 = std::time::Instant::now();
    let timing = liveness::Timing::from_options(1000, 50, -1, 0);
    let mut a = conn_with(ZMQ_DEALER, false, timing, t0);
    let mut b = conn_with(ZMQ_ROUTER, false, Default::default(), t0);
    // The handshake deadline.
    assert_eq!(a.poll_timeout(), Some(t0 + ms(1000)));
    for _ in 0..4 {
        pump(&mut a, &mut b).unwrap();
        pump(&mut b, &mut a).unwrap();
    }
    assert!(a.is_ready() && b.is_ready());
    assert_eq!(b.poll_timeout(), None, "no heartbeats, no handshake limit");
    // Ten seconds of PING/PONG, the PONG arriving late but within the timeout.
    let mut now = t0;
    for _ in 0..200 {
        now = a.poll_timeout().unwrap();
        a.handle_timeout(now).unwrap();
        pump(&mut a, &mut b).unwrap();
        pump(&mut b, &mut a).unwrap();
        a.input_arrived(now + ms(49));
    }
    assert!(now >= t0 + ms(9_950));
    assert_eq!(a.heartbeats_received().1, 200);
    // Silence: PING at the next interval, dropped one timeout later.
    let ping_at = a.poll_timeout().unwrap();
    a.handle_timeout(ping_at).unwrap();
    assert_eq!(a.handle_timeout(ping_at + ms(49)), Ok(()));
    assert_eq!(a.handle_timeout(ping_at + ms(50)), Err(liveness::Expired::Heartbeat));
    assert!(a.is_failed());
    // A peer's TTL: b is told 0.3 s, then hears nothing.
    let mut b_ttl = conn_with(ZMQ_ROUTER, false, Default::default(), t0);
    let mut a2 = conn_with(ZMQ_DEALER, false, liveness::Timing::from_options(0, 0, -1, 300), t0);
    for _ in 0..4 {
        pump(&mut a2, &mut b_ttl).unwrap();
        pump(&mut b_ttl, &mut a2).unwrap();
    }
    b_ttl.input_arrived(t0);
    assert!(a2.send_ping(3, b"").unwrap());
    pump(&mut a2, &mut b_ttl).unwrap();
    assert_eq!(b_ttl.poll_timeout(), Some(t0 + ms(300)));
    assert_eq!(b_ttl.handle_timeout(t0 + ms(300)), Err(liveness::Expired::Ttl));
}

#[test]
fn handshake_deadline() {
    let t0 = std::time::Instant::now();
    let timing = liveness::Timing::from_options(200, 0, -1, 0);
    let mut c = conn_with(ZMQ_PULL, false, timing, t0);
    c.handle_input(&mut BytesMut::from(&v3_greeting(1)[..])).unwrap();
    let deadline = c.poll_timeout().unwrap();
    assert_eq!(c.handle_timeout(deadline), Err(liveness::Expired::Handshake));
    assert!(c.is_failed());
    assert_eq!(c.poll_timeout(), None);
}

/// ZAP as an event out and an input back: nothing passes before the
/// verdict, and an unanswerable request refuses the peer.
#[test]
fn zap_request_and_verdict_through_the_connection() {
    use crate::zmtp::mechanism::{ZapMode, ZapParams};
    use crate::zmtp::zap::ZapReply;
    let now = std::time::Instant::now();
    let server = |mode: ZapMode| {
        let mut cfg = ConnectionConfig::plain(ZMQ_PULL, Bytes::new(), -1);
        cfg.refuse_legacy = true;
        Connection::new(cfg, Box::new(NullMechanism::new(ZMQ_PULL, b"", &[]).with_zap(mode)), now)
    };
    let params = ZapParams { domain: Bytes::from_static(b"d"), ..Default::default() };
    let mut input = v3_greeting(1);
    input.extend_from_slice(&ready("PUSH"));
    // Accepted: READY goes out only now; User-Id comes with the handshake.
    let mut c = server(ZapMode::Ask(params.clone()));
    c.take_output();
    c.handle_input(&mut BytesMut::from(&input[..])).unwrap();
    let ev = events(&mut c);
    assert!(matches!(&ev[..], [Event::ZapRequest(r)] if r.mechanism == "NULL" && &r.domain[..] == b"d"), "{ev:?}");
    assert!(!c.is_ready());
    assert!(!c.take_output().windows(5).any(|w| w == b"READY"), "no READY before the verdict");
    c.zap_reply(Ok(ZapReply {
        status_code: Bytes::from_static(b"200"),
        status_text: Bytes::new(),
        user_id: Bytes::from_static(b"who"),
        metadata: Default::default(),
    }))
    .unwrap();
    assert!(c.is_ready());
    assert!(c.take_output().windows(5).any(|w| w == b"READY"));
    assert_eq!(&c.zap_identity().unwrap().user_id[..], b"who");
    c.handle_input(&mut BytesMut::from(&b"\x00\x02ok"[..])).unwrap();
    let ev = events(&mut c);
    assert!(matches!(&ev[..], [Event::Handshook { .. }, Event::Message(m)] if m.data() == b"ok"), "{ev:?}");
    // A peer that does not wait for the verdict is refused.
    let mut c = server(ZapMode::Ask(params.clone()));
    let mut early = BytesMut::from(&input[..]);
    early.extend_from_slice(b"\x00\x05early");
    assert_eq!(c.handle_input(&mut early), Err(ProtocolError::UnexpectedCommand));
    assert!(!events(&mut c).iter().any(|e| matches!(e, Event::Message(_))));
    // The handler went away: refused, nothing delivered.
    let mut c = server(ZapMode::Ask(params));
    c.handle_input(&mut BytesMut::from(&input[..])).unwrap();
    events(&mut c);
    let e = c.zap_reply(Err(ZMQ_PROTOCOL_ERROR_ZAP_UNSPECIFIED)).unwrap_err();
    assert_eq!(e.monitor_event(), Some((ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL, ZMQ_PROTOCOL_ERROR_ZAP_UNSPECIFIED as u32)));
    assert!(c.is_failed());
    assert!(c.handle_input(&mut BytesMut::from(&b"\x00\x02ok"[..])).is_err());
    assert!(events(&mut c).is_empty());
}

/// Before the handshake is done a peer may not make us buffer a large
/// frame (pre-authentication memory growth); afterwards ZMQ_MAXMSGSIZE
/// alone applies.
#[test]
fn handshake_frames_are_capped() {
    let now = std::time::Instant::now();
    let mut c = conn_with(ZMQ_PULL, false, Default::default(), now);
    let mut input = BytesMut::from(&v3_greeting(1)[..]);
    // A command of 1 MiB + 1 announced: refused at its header, reported as
    // the malformed command awaited (what libzmq says once it read it).
    input.extend_from_slice(b"\x06\x00\x00\x00\x00\x00\x10\x00\x01\x05READY");
    let e = c.handle_input(&mut input).unwrap_err();
    assert_eq!(e, ProtocolError::MalformedCommand(CommandKind::Ready));
    assert_eq!(
        e.monitor_event(),
        Some((ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL, ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_READY as u32))
    );
    // Over the application's ZMQ_MAXMSGSIZE instead: libzmq's decoder
    // refuses it with no protocol event.
    let cfg = ConnectionConfig::plain(ZMQ_PULL, Bytes::new(), 100);
    let mut c = Connection::new(cfg, Box::new(NullMechanism::new(ZMQ_PULL, b"", &[])), now);
    let mut input = BytesMut::from(&v3_greeting(1)[..]);
    input.extend_from_slice(b"\x04\xff\x05READY");
    let e = c.handle_input(&mut input).unwrap_err();
    assert_eq!(e, ProtocolError::MessageTooLarge(255));
    assert_eq!(e.monitor_event(), None);
    // A 64 KiB READY (metadata) still passes, and 1 MiB frames after it.
    let mut c = conn_with(ZMQ_PULL, false, Default::default(), now);
    let mut body = b"\x05READY\x0bSocket-Type\x00\x00\x00\x04PUSH\x05X-Big".to_vec();
    let value_len = (connection::HANDSHAKE_FRAME_MAX as usize) - body.len() - 4;
    body.extend_from_slice(&(value_len as u32).to_be_bytes());
    body.extend_from_slice(&vec![b'v'; value_len]);
    let mut input = BytesMut::from(&v3_greeting(1)[..]);
    input.extend_from_slice(&[0x06]);
    input.extend_from_slice(&(body.len() as u64).to_be_bytes());
    input.extend_from_slice(&body);
    input.extend_from_slice(&[0x02]);
    input.extend_from_slice(&(1u64 << 20).to_be_bytes());
    input.extend_from_slice(&vec![7u8; 1 << 20]);
    c.handle_input(&mut input).unwrap();
    let ev = events(&mut c);
    assert!(matches!(&ev[..], [Event::Handshook { .. }, Event::Message(m)] if m.len() == 1 << 20), "{}", ev.len());
}
