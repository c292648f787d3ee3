//! Tried as an attacker would: raw peers against our bound sockets where
//! security is on, floods that must not grow our memory, descriptor
//! exhaustion, a ZAP handler that fails, heartbeats over many intervals,
//! and the classes of libzmq's CVEs.
//!
//! Expected behaviour is libzmq 4.3's (checked against Debian's 4.3.4 with
//! tests-py/attacks/) or stricter, as each test says. Tests holding
//! `MEM.write()` measure RSS and run alone.

mod common;

use common::*;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::raw::c_int;
use std::time::{Duration, Instant};
use zmq::constants::*;

// ---------------------------------------------------------------------------
// Legacy greetings against secured sockets.

/// How the bound PULL is secured.
#[derive(Clone, Copy, Debug)]
enum Security {
    Null,
    NullWithDomain,
    PlainServer,
    CurveServer,
}

fn secured_pull(sec: Security) -> (Server, Option<ZapHandler>) {
    let srv = Server::new(ZMQ_PULL, |s| match sec {
        Security::Null => {}
        Security::NullWithDomain => s.set_raw(ZMQ_ZAP_DOMAIN, b"global"),
        Security::PlainServer => s.set_int(ZMQ_PLAIN_SERVER, 1),
        Security::CurveServer => {
            s.set_int(ZMQ_CURVE_SERVER, 1);
            s.set_raw(ZMQ_CURVE_SECRETKEY, &[7u8; 32]);
        }
    });
    let zap = match sec {
        Security::Null => None,
        _ => Some(ZapHandler::start(&srv.ctx, ZapAnswer::Accept)),
    };
    (srv, zap)
}

/// ZMTP 1.0 without signature: an empty identity, then "hello".
const V1_UNVERSIONED: &[u8] = b"\x01\x00\x06\x00hello";
/// ZMTP 1.0 behind a signature (revision 0, PUSH), then 1.0 frames.
const V1_SIGNATURE: &[u8] = b"\xff\x00\x00\x00\x00\x00\x00\x00\x01\x7f\x00\x08\x01\x00\x06\x00hello";
/// ZMTP 2.0 (revision 1, PUSH): empty identity, then "hello".
const V2: &[u8] = b"\xff\x00\x00\x00\x00\x00\x00\x00\x01\x7f\x01\x08\x00\x00\x00\x05hello";

/// libzmq refuses a peer older than ZMTP 3.0 whenever the socket's
/// security needs a handshake or ZAP (it cannot authenticate): the
/// connection is closed as a protocol error (DISCONNECTED, no handshake
/// event) and nothing it sent reaches the application. A plain NULL socket
/// still serves it.
#[test]
fn legacy_greetings_cannot_bypass_authentication() {
    let _g = MEM.read().unwrap_or_else(|e| e.into_inner());
    for sec in [Security::NullWithDomain, Security::PlainServer, Security::CurveServer] {
        for (name, bytes) in [("1.0", V1_UNVERSIONED), ("1.0+signature", V1_SIGNATURE), ("2.0", V2)] {
            let (srv, _zap) = secured_pull(sec);
            let mut s = srv.raw();
            s.write_all(bytes).unwrap();
            assert_closed(&mut s, CLOSE_WITHIN);
            let evs = srv.events_until(DISCONNECTED, EV_WAIT);
            assert_eq!(kinds(&evs), vec![DISCONNECTED], "{sec:?} {name}: {evs:x?}");
            srv.sock.set_int(ZMQ_RCVTIMEO, 100);
            assert_eq!(srv.sock.recv(64), None, "{sec:?} {name}: a refused peer's message was delivered");
        }
    }
    for (name, bytes) in [("1.0", V1_UNVERSIONED), ("2.0", V2)] {
        let (srv, _zap) = secured_pull(Security::Null);
        let mut s = srv.raw();
        s.write_all(bytes).unwrap();
        assert_eq!(srv.sock.recv(64).as_deref(), Some(&b"hello"[..]), "NULL {name}");
    }
}

/// The other role: our PLAIN client meets a server that answers with a
/// ZMTP 2.0 greeting. It gives up (a protocol error: no reconnection) and
/// never sends its credentials or messages.
#[test]
fn legacy_server_gets_nothing_from_a_secured_client() {
    let _g = MEM.read().unwrap_or_else(|e| e.into_inner());
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let ctx = Ctx::new();
    let push = ctx.socket(ZMQ_PUSH);
    push.set_raw(ZMQ_PLAIN_USERNAME, b"admin");
    push.set_raw(ZMQ_PLAIN_PASSWORD, b"secret");
    push.connect(&format!("tcp://127.0.0.1:{port}"));
    assert!(push.send(b"payload", ZMQ_DONTWAIT));
    let (mut s, _) = listener.accept().unwrap();
    s.set_read_timeout(Some(Duration::from_millis(200))).unwrap();
    s.write_all(V2).unwrap();
    let mut got = Vec::new();
    let deadline = Instant::now() + CLOSE_WITHIN;
    let mut buf = [0u8; 4096];
    loop {
        match s.read(&mut buf) {
            Ok(0) | Err(_) if Instant::now() > deadline => break,
            Ok(0) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {}
            Err(_) => break,
        }
    }
    assert!(Instant::now() < deadline, "the client did not close the connection");
    let text = String::from_utf8_lossy(&got);
    assert!(!text.contains("secret") && !text.contains("payload"), "sent {got:x?}");
    // No reconnection after a protocol error.
    listener.set_nonblocking(true).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    assert!(listener.accept().is_err(), "the client reconnected");
}

// ---------------------------------------------------------------------------
// Floods: what a peer can make us hold must not grow with the flood.

/// Floods `bytes` (repeated) for `secs`, never reading; returns the RSS
/// growth in KiB and whether the connection is still open afterwards.
fn flood(s: &TcpStream, chunk: &[u8], secs: f64) -> (i64, bool) {
    flood_while(s, chunk, secs, || std::thread::sleep(Duration::from_millis(1)))
}

/// `flood`, with the attacker writing from its own thread while this one
/// calls `busy` (an application that keeps using its socket meanwhile).
fn flood_while(s: &TcpStream, chunk: &[u8], secs: f64, mut busy: impl FnMut()) -> (i64, bool) {
    let base = rss_kib() as i64;
    let mut w = s.try_clone().unwrap();
    w.set_write_timeout(Some(Duration::from_millis(100))).unwrap();
    let block: Vec<u8> = chunk.iter().copied().cycle().take((65536 / chunk.len()).max(1) * chunk.len()).collect();
    let until = Instant::now() + Duration::from_secs_f64(secs);
    let writer = std::thread::spawn(move || {
        while Instant::now() < until {
            match w.write(&block) {
                Ok(_) => {}
                Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {}
                Err(e) => {
                    // shown with the failure: how the connection ended
                    eprintln!("flood: write failed: {e}");
                    return false;
                }
            }
        }
        true
    });
    let mut peak = base;
    while !writer.is_finished() {
        busy();
        peak = peak.max(rss_kib() as i64);
    }
    let open = writer.join().unwrap();
    let mut probe = s.try_clone().unwrap();
    (peak - base, open && still_open(&mut probe))
}

const PING: &[u8] = b"\x04\x09\x04PING\xff\xffab";

/// libzmq keeps at most one PONG pending and its memory flat under a PING
/// flood from a peer that never reads, and keeps the connection. So do we;
/// the PINGs' TTL (the longest there is) arms no timers either.
#[test]
fn ping_flood_costs_nothing_that_grows() {
    let _g = MEM.write().unwrap_or_else(|e| e.into_inner());
    let srv = Server::new(ZMQ_PULL, |_| {});
    let s = handshake(&srv, b"PUSH", "PULL");
    let (short, open1) = flood(&s, PING, 1.0);
    let (long, open2) = flood(&s, PING, 3.0);
    assert!(open1 && open2, "the flooding peer was disconnected");
    assert!(long < 8 * 1024, "RSS grew {long} KiB in 3 s of PINGs");
    assert!(long < short + 4 * 1024, "RSS grows with the flood: {short} KiB after 1 s, {long} KiB after 3 s");
    srv.assert_good_peer_works(ZMQ_PULL);
}

/// SUBSCRIBE/CANCEL pairs of distinct topics against an XPUB whose
/// application publishes all the while but never reads: at most RCVHWM
/// notifications wait; the rest waits in the peer's pipe and TCP
/// (back-pressure), not in our memory.
#[test]
fn subscription_flood_on_xpub_is_bounded() {
    let _g = MEM.write().unwrap_or_else(|e| e.into_inner());
    let srv = Server::new(ZMQ_XPUB, |s| s.set_int(ZMQ_RCVHWM, 100));
    let s = handshake(&srv, b"SUB", "XPUB");
    let mut chunk = Vec::new();
    for i in 0..2000u32 {
        let topic = format!("topic-{i:08}-{}", "x".repeat(180));
        for (name, len) in [(&b"SUBSCRIBE"[..], 9u8), (b"CANCEL", 6)] {
            chunk.push(0x04);
            chunk.push((1 + len as usize + topic.len()) as u8);
            chunk.push(len);
            chunk.extend_from_slice(name);
            chunk.extend_from_slice(topic.as_bytes());
        }
    }
    let publish = || {
        srv.sock.send(b"news", ZMQ_DONTWAIT);
    };
    let (short, open1) = flood_while(&s, &chunk, 1.0, publish);
    let (long, open2) = flood_while(&s, &chunk, 3.0, publish);
    eprintln!("subscription flood: RSS +{short} KiB after 1 s, +{long} KiB after 3 s");
    assert!(open1 && open2, "the flooding peer was disconnected");
    assert!(long < 8 * 1024, "RSS grew {long} KiB under a subscription flood");
    assert!(long < short + 4 * 1024, "RSS grows with the flood: {short} then {long} KiB");
    // The application still gets subscriptions in order, and the connection works.
    srv.sock.set_int(ZMQ_RCVTIMEO, 1000);
    assert!(srv.sock.recv(128).unwrap().starts_with(b"\x01topic-00000000"));
}

/// Messages to a PULL whose application does not read: the pipe's HWM
/// stops reading from the peer.
#[test]
fn message_flood_to_an_unread_pull_is_bounded_by_hwm() {
    let _g = MEM.write().unwrap_or_else(|e| e.into_inner());
    let srv = Server::new(ZMQ_PULL, |s| s.set_int(ZMQ_RCVHWM, 100));
    let s = handshake(&srv, b"PUSH", "PULL");
    let mut frame = vec![0x00, 200];
    frame.extend_from_slice(&[b'm'; 200]);
    let (short, open1) = flood(&s, &frame, 1.0);
    let (long, open2) = flood(&s, &frame, 2.0);
    assert!(open1 && open2);
    assert!(long < 16 * 1024, "RSS grew {long} KiB");
    assert!(long < short + 4 * 1024, "RSS grows with the flood: {short} then {long} KiB");
}

/// Before authentication a peer cannot make us buffer a large frame: a
/// 1 GiB "HELLO" is refused at its header (libzmq would allocate it).
#[test]
fn huge_frame_before_authentication_is_refused_at_its_header() {
    let _g = MEM.write().unwrap_or_else(|e| e.into_inner());
    let (srv, _zap) = secured_pull(Security::PlainServer);
    let base = rss_kib();
    let mut s = srv.raw();
    let mut bytes = greeting(3, 0, b"PLAIN");
    bytes.extend_from_slice(b"\x06\x00\x00\x00\x00\x40\x00\x00\x00\x05HELLO");
    bytes.extend_from_slice(&[b'z'; 60_000]);
    let _ = s.write_all(&bytes);
    assert_closed(&mut s, CLOSE_WITHIN);
    assert!(rss_kib() < base + 4 * 1024);
    let evs = srv.events_until(DISCONNECTED, EV_WAIT);
    assert_eq!(kinds(&evs).last(), Some(&DISCONNECTED), "{evs:x?}");
}

// ---------------------------------------------------------------------------
// ZAP fails closed.

/// Connects a well-behaved client of the same security and sends one
/// message; returns what the server received (None: nothing) and the
/// server's handshake events.
fn zap_outcome(sec: Security, answer: ZapAnswer) -> (Option<Vec<u8>>, Vec<(c_int, u32)>) {
    let srv = Server::new(ZMQ_PULL, |s| match sec {
        Security::NullWithDomain => s.set_raw(ZMQ_ZAP_DOMAIN, b"global"),
        Security::PlainServer => s.set_int(ZMQ_PLAIN_SERVER, 1),
        Security::CurveServer => {
            s.set_int(ZMQ_CURVE_SERVER, 1);
            s.set_raw(ZMQ_CURVE_SECRETKEY, &[7u8; 32]);
        }
        Security::Null => {}
    });
    let zap = ZapHandler::start(&srv.ctx, answer);
    let client = srv.ctx.socket(ZMQ_PUSH);
    match sec {
        Security::PlainServer => {
            client.set_raw(ZMQ_PLAIN_USERNAME, b"u");
            client.set_raw(ZMQ_PLAIN_PASSWORD, b"p");
        }
        Security::CurveServer => {
            let server_public = zmq::util::curve::public_from_secret([7u8; 32]);
            let (public, secret) = zmq::util::curve::keypair().unwrap();
            client.set_raw(ZMQ_CURVE_SERVERKEY, &server_public);
            client.set_raw(ZMQ_CURVE_PUBLICKEY, &public);
            client.set_raw(ZMQ_CURVE_SECRETKEY, &secret);
        }
        _ => {}
    }
    client.set_int(ZMQ_RECONNECT_IVL, -1);
    client.connect(&srv.endpoint);
    assert!(client.send(b"secret-data", ZMQ_DONTWAIT));
    let evs = srv.events_until(DISCONNECTED, Duration::from_secs(2));
    srv.sock.set_int(ZMQ_RCVTIMEO, if answer == ZapAnswer::Accept { 2000 } else { 200 });
    let got = srv.sock.recv(64);
    assert!(zap.requests.load(std::sync::atomic::Ordering::Relaxed) >= 1, "{sec:?}: ZAP never asked");
    (got, evs)
}

#[test]
fn zap_handler_failures_refuse_the_peer() {
    let _g = MEM.read().unwrap_or_else(|e| e.into_inner());
    for sec in [Security::NullWithDomain, Security::PlainServer, Security::CurveServer] {
        let (got, _) = zap_outcome(sec, ZapAnswer::Accept);
        assert_eq!(got.as_deref(), Some(&b"secret-data"[..]), "{sec:?} accepted");
        for answer in [ZapAnswer::Vanish, ZapAnswer::Malformed, ZapAnswer::Status("300"), ZapAnswer::Status("400"), ZapAnswer::Status("500")] {
            let (got, evs) = zap_outcome(sec, answer);
            assert_eq!(got, None, "{sec:?} {answer:?}: delivered; events {evs:x?}");
            let failed = evs.iter().find(|e| e.0 != DISCONNECTED).copied();
            let want = match answer {
                ZapAnswer::Status(code) => (ZMQ_EVENT_HANDSHAKE_FAILED_AUTH, code.parse().unwrap()),
                ZapAnswer::Malformed => (FAILED_PROTOCOL, ZMQ_PROTOCOL_ERROR_ZAP_BAD_VERSION as u32),
                _ => (FAILED_PROTOCOL, ZMQ_PROTOCOL_ERROR_ZAP_UNSPECIFIED as u32),
            };
            assert_eq!(failed, Some(want), "{sec:?} {answer:?}: {evs:x?}");
        }
    }
}

// ---------------------------------------------------------------------------
// Heartbeats.

/// With only ZMQ_HEARTBEAT_IVL set (the timeout defaults to it), a peer
/// that answers every PING is never dropped: 40 intervals, no event.
#[test]
fn heartbeats_keep_a_healthy_peer() {
    let _g = MEM.read().unwrap_or_else(|e| e.into_inner());
    for (bind_side, connect_side) in [(true, false), (false, true), (true, true)] {
        let srv = Server::new(ZMQ_ROUTER, |s| {
            if bind_side {
                s.set_int(ZMQ_HEARTBEAT_IVL, 25);
            }
        });
        let dealer = srv.ctx.socket(ZMQ_DEALER);
        if connect_side {
            dealer.set_int(ZMQ_HEARTBEAT_IVL, 25);
        }
        dealer.connect(&srv.endpoint);
        assert_eq!(kinds(&srv.events_until(SUCCEEDED, EV_WAIT)), vec![SUCCEEDED]);
        let evs = srv.events_until(DISCONNECTED, Duration::from_millis(1000));
        assert!(evs.is_empty(), "bind {bind_side} connect {connect_side}: {evs:x?}");
    }
}

/// A peer that completes the handshake and then says nothing is dropped
/// one timeout after our first unanswered PING.
#[test]
fn heartbeat_timeout_drops_a_silent_peer() {
    let _g = MEM.read().unwrap_or_else(|e| e.into_inner());
    let srv = Server::new(ZMQ_PULL, |s| {
        s.set_int(ZMQ_HEARTBEAT_IVL, 100);
        s.set_int(ZMQ_HEARTBEAT_TIMEOUT, 200);
    });
    let start = Instant::now();
    let mut s = handshake(&srv, b"PUSH", "PULL");
    let took = assert_closed(&mut s, Duration::from_secs(3));
    let since = start.elapsed();
    assert!(since >= Duration::from_millis(280), "dropped after {since:?}");
    assert!(took < Duration::from_millis(1500), "dropped only after {took:?}");
    assert_eq!(kinds(&srv.events_until(DISCONNECTED, EV_WAIT)), vec![SUCCEEDED, DISCONNECTED]);
}

/// A peer's PING with a TTL of 0.3 s, then silence: we drop it at the TTL,
/// however many such PINGs came before.
#[test]
fn peer_ttl_applies() {
    let _g = MEM.read().unwrap_or_else(|e| e.into_inner());
    let srv = Server::new(ZMQ_PULL, |_| {});
    let mut s = handshake(&srv, b"PUSH", "PULL");
    let mut pings = Vec::new();
    for _ in 0..1000 {
        pings.extend_from_slice(b"\x04\x07\x04PING\x00\x03");
    }
    s.write_all(&pings).unwrap();
    let took = assert_closed(&mut s, Duration::from_secs(3));
    assert!(took >= Duration::from_millis(250) && took < Duration::from_millis(1500), "{took:?}");
}

// ---------------------------------------------------------------------------
// Descriptor exhaustion.

/// Run in a child process (its own RLIMIT_NOFILE): binds a PULL, prints its
/// port, and prints what it receives.
fn fd_exhausted_child() {
    let lim = libc::rlimit { rlim_cur: 64, rlim_max: 64 };
    // SAFETY: plain setrlimit on this process.
    assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &lim) }, 0);
    let srv = Server::new(ZMQ_PULL, |_| {});
    srv.sock.set_int(ZMQ_RCVTIMEO, 15_000);
    println!("\nport {}", srv.port);
    std::io::stdout().flush().unwrap();
    let got = srv.sock.recv(64);
    println!("got {}", got.map(|g| String::from_utf8_lossy(&g).into_owned()).unwrap_or_default());
}

/// With RLIMIT_NOFILE at 64 and a burst of 300 connections that are then
/// closed, a well-behaved peer connecting afterwards is served, every time,
/// and the listener does not spin while it waits for descriptors.
#[test]
fn listener_recovers_from_descriptor_exhaustion() {
    if std::env::var_os("ZMQ_OXIDE_FD_CHILD").is_some() {
        return fd_exhausted_child();
    }
    let _g = MEM.read().unwrap_or_else(|e| e.into_inner());
    use std::io::BufRead;
    for round in 0..3 {
        let mut child = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "listener_recovers_from_descriptor_exhaustion", "--nocapture", "--test-threads=1"])
            .env("ZMQ_OXIDE_FD_CHILD", "1")
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        let port: u16 = loop {
            line.clear();
            assert!(out.read_line(&mut line).unwrap() > 0, "child ended early");
            if let Some(p) = line.trim().split("port ").nth(1) {
                break p.trim().parse().unwrap();
            }
        };
        let cpu_before = cpu_ticks(child.id());
        let burst: Vec<c_int> = (0..300).map(|_| connect_nonblocking(port)).collect();
        std::thread::sleep(Duration::from_millis(500));
        let cpu_during = cpu_ticks(child.id()) - cpu_before;
        for fd in burst {
            // SAFETY: each fd is a socket this test opened.
            unsafe { libc::close(fd) };
        }
        let ctx = Ctx::new();
        let push = ctx.socket(ZMQ_PUSH);
        push.connect(&format!("tcp://127.0.0.1:{port}"));
        assert!(push.send(b"good", 0));
        let mut rest = String::new();
        out.read_to_string(&mut rest).unwrap();
        assert!(child.wait().unwrap().success());
        assert!(rest.contains("got good"), "round {round}: child said {rest:?}");
        // 0.5 s with descriptors exhausted: far from a spinning core
        // (100 ticks a second).
        assert!(cpu_during < 20, "round {round}: {cpu_during} ticks of CPU while exhausted");
    }
}

/// A tcp connection to 127.0.0.1:`port` started without waiting for it.
fn connect_nonblocking(port: u16) -> c_int {
    // SAFETY: plain socket calls on a descriptor this function owns; the
    // address is a valid sockaddr_in.
    unsafe {
        let fd = libc::socket(libc::AF_INET, libc::SOCK_STREAM | libc::SOCK_NONBLOCK, 0);
        assert!(fd >= 0);
        let mut sa: libc::sockaddr_in = std::mem::zeroed();
        sa.sin_family = libc::AF_INET as libc::sa_family_t;
        sa.sin_port = port.to_be();
        sa.sin_addr.s_addr = u32::from(std::net::Ipv4Addr::LOCALHOST).to_be();
        libc::connect(fd, (&sa as *const libc::sockaddr_in).cast(), std::mem::size_of::<libc::sockaddr_in>() as u32);
        fd
    }
}

/// utime + stime of a process, in clock ticks.
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    f.get(11).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0) + f.get(12).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0)
}

// ---------------------------------------------------------------------------
// A panic in an I/O thread.

/// A bug that panics in one connection's code (injected with the
/// `test-hooks` feature) closes that connection only, with a DISCONNECTED
/// event; the I/O thread and the other connections go on.
#[cfg(feature = "test-hooks")]
#[test]
fn a_panicking_session_closes_only_its_connection() {
    let _g = MEM.read().unwrap_or_else(|e| e.into_inner());
    let srv = Server::new(ZMQ_PULL, |_| {});
    let bystander = srv.ctx.socket(ZMQ_PUSH);
    bystander.connect(&srv.endpoint);
    assert!(bystander.send(b"before", 0));
    assert_eq!(srv.sock.recv(64).as_deref(), Some(&b"before"[..]));
    let mut s = handshake(&srv, b"PUSH", "PULL");
    let payload = zmq::session::TEST_PANIC_PAYLOAD;
    let mut frame = vec![0x00, payload.len() as u8];
    frame.extend_from_slice(payload);
    s.write_all(&frame).unwrap();
    assert_closed(&mut s, CLOSE_WITHIN);
    let evs = srv.events_until(DISCONNECTED, EV_WAIT);
    assert_eq!(kinds(&evs).last(), Some(&DISCONNECTED), "{evs:x?}");
    assert!(bystander.send(b"after", 0));
    assert_eq!(srv.sock.recv(64).as_deref(), Some(&b"after"[..]));
    srv.assert_good_peer_works(ZMQ_PULL);
}
