//! Connection-level tests: two connections talking to each other, and
//! byte-exact exchanges against bytes captured from libzmq 4.3.4 (pyzmq
//! client connected to a scripted listener on 127.0.0.1).

use super::*;
use crate::constants::*;
use crate::msg::Msg;
use bytes::{Bytes, BytesMut};

fn conn(st: i32, id: &'static [u8], max: i64) -> Connection {
    let cfg = ConnectionConfig {
        socket_type: st,
        routing_id: Bytes::from_static(id),
        max_msg_size: max,
    };
    Connection::new(cfg, Box::new(NullMechanism::new(st, id, &[])))
}

fn pump(from: &mut Connection, to: &mut Connection) -> Result<(), ProtocolError> {
    let bytes = from.output().take_contiguous();
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
    assert!(matches!(events(&mut b)[..], [Event::Ping { ttl: 30 }]));
    pump(&mut b, &mut a).unwrap();
    let ev = events(&mut a);
    let [Event::Pong { context }] = &ev[..] else {
        panic!("{ev:?}")
    };
    assert_eq!(&context[..], b"ctx");
}

#[test]
fn matches_libzmq_dealer_capture() {
    // Our side plays libzmq's DEALER (routing id "abc"); the peer is ROUTER 3.1.
    let mut c = conn(ZMQ_DEALER, b"abc", -1);
    assert_eq!(
        c.output().take_contiguous(),
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
    assert_eq!(c.output().take_contiguous(), expect);
    c.handle_input(&mut BytesMut::from(&ready("ROUTER")[..]))
        .unwrap();
    assert!(c.is_ready());
    // PING with a 20-byte context: libzmq answers with the first 16 bytes.
    c.handle_input(&mut BytesMut::from(
        &b"\x04\x1b\x04PING\x00\x050123456789abcdefXYZW"[..],
    ))
    .unwrap();
    assert_eq!(
        c.output().take_contiguous(),
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
        c.output().take_contiguous();
        let mut input = BytesMut::from(&v3_greeting(minor)[..]);
        input.extend_from_slice(&ready("PUB"));
        c.handle_input(&mut input).unwrap();
        c.output().take_contiguous();
        c.send(Msg::from_slice(b"\x01topic")).unwrap();
        assert_eq!(c.output().take_contiguous(), expect);
    }
    // And a cancel, as captured.
    let mut c = conn(ZMQ_SUB, b"", -1);
    let mut input = BytesMut::from(&v3_greeting(1)[..]);
    input.extend_from_slice(&ready("XPUB"));
    c.handle_input(&mut input).unwrap();
    c.output().take_contiguous();
    c.send(Msg::from_slice(b"\x00topic")).unwrap();
    assert_eq!(c.output().take_contiguous(), b"\x04\x0c\x06CANCELtopic");
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
    c.output().take_contiguous();
    // 2.0 greeting from a ROUTER, then its (empty) identity frame and a message.
    let mut input = BytesMut::from(
        &b"\xff\x00\x00\x00\x00\x00\x00\x00\x01\x7f\x01\x06\x00\x00\x01\x02hi\x00\x01x"[..],
    );
    c.handle_input(&mut input).unwrap();
    assert_eq!(c.output().take_contiguous(), b"\x03\x05\x00\x02me");
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
    assert_eq!(c.output().take_contiguous(), b"\x00\x02yo");
    assert!(!c.send_ping(1, b"").unwrap(), "no PING before ZMTP 3");
}

#[test]
fn zmtp1_unversioned_peer() {
    let mut c = conn(ZMQ_PUB, b"", -1);
    assert_eq!(
        c.output().take_contiguous(),
        b"\xff\x00\x00\x00\x00\x00\x00\x00\x01\x7f"
    );
    // 1.0 identity frame "hi" (length 3 = flags + 2), then message "abc".
    let mut input = BytesMut::from(&b"\x03\x00hi\x04\x00abc"[..]);
    c.handle_input(&mut input).unwrap();
    assert!(
        c.output().take_contiguous().is_empty(),
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
    assert_eq!(c.output().take_contiguous(), b"\x02\x00z");
    // Our routing id follows the signature for such peers.
    let mut c = conn(ZMQ_DEALER, b"abc", -1);
    c.output().take_contiguous();
    c.handle_input(&mut BytesMut::from(&b"\x01"[..])).unwrap();
    assert_eq!(c.output().take_contiguous(), b"abc");
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
