//! Interop against the real libzmq (Debian's python3-zmq) over loopback TCP.
//! Skipped when `/usr/bin/python3 -c 'import zmq'` fails. The sans-I/O
//! `Connection` is driven by a blocking `TcpStream` here.

use super::*;
use crate::constants::*;
use crate::msg::Msg;
use bytes::{Bytes, BytesMut};
use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::TcpStream;
use std::process::{Command as Proc, Stdio};
use std::time::{Duration, Instant};

const PEER: &str = r#"
import sys, zmq
kind = sys.argv[1]
ctx = zmq.Context()
if kind == 'router':
    s = ctx.socket(zmq.ROUTER)
    s.setsockopt(zmq.HEARTBEAT_IVL, 50)
else:
    s = ctx.socket(zmq.PUB)
s.setsockopt(zmq.RCVTIMEO, 20000)
s.setsockopt(zmq.LINGER, 0)
port = s.bind_to_random_port('tcp://127.0.0.1')
print(port, flush=True)
if kind == 'router':
    ident, body = s.recv_multipart()
    assert ident == b'rust' and body == b'hello', (ident, body)
    s.send_multipart([ident, b'world', b'x' * 70000])
    # stay until the test has seen everything (and a PING): it says "bye"
    ident, body = s.recv_multipart()
    assert body == b'bye', body
else:
    import time
    end = time.time() + 60  # the test kills it once it has a message
    while time.time() < end:
        s.send(b'news')
        time.sleep(0.02)
"#;

fn python_zmq() -> bool {
    Proc::new("/usr/bin/python3")
        .env_remove("LD_LIBRARY_PATH")
        .env_remove("LD_PRELOAD")
        .args(["-c", "import zmq"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Runs `conn` over a TCP stream until `on_event` returns true for an
/// event, or for `None`, which it is given after each read.
fn drive(
    conn: &mut Connection,
    stream: &mut TcpStream,
    mut on_event: impl FnMut(&mut Connection, Option<Event>) -> bool,
) {
    stream
        .set_read_timeout(Some(Duration::from_millis(100)))
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut buf = BytesMut::with_capacity(8192);
    loop {
        let out = conn.take_output();
        stream.write_all(&out).unwrap();
        while let Some(ev) = conn.poll_event() {
            if on_event(conn, Some(ev)) {
                return;
            }
        }
        if on_event(conn, None) {
            return;
        }
        let out = conn.take_output();
        stream.write_all(&out).unwrap();
        assert!(Instant::now() < deadline, "interop timed out");
        let mut tmp = [0u8; 8192];
        match stream.read(&mut tmp) {
            Ok(0) => panic!("peer closed"),
            Ok(n) => {
                buf.extend_from_slice(&tmp[..n]);
                conn.handle_input(&mut buf).unwrap();
            }
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut | ErrorKind::Interrupted) => {}
            Err(e) => panic!("reading from the peer: {e}"),
        }
    }
}

/// The peer process; killed if still running when dropped (a failing test
/// must not leave it behind holding the test's output open).
struct Peer(std::process::Child);

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn spawn(kind: &str) -> Option<(Peer, u16)> {
    if !python_zmq() {
        eprintln!("python3-zmq not available: skipping libzmq interop");
        return None;
    }
    let mut child = Proc::new("/usr/bin/python3")
        .env_remove("LD_LIBRARY_PATH")
        .env_remove("LD_PRELOAD")
        .args(["-c", PEER, kind])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    Some((Peer(child), line.trim().parse().unwrap()))
}

#[test]
fn dealer_talks_to_libzmq_router() {
    let Some((mut child, port)) = spawn("router") else {
        return;
    };
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let cfg = ConnectionConfig::plain(ZMQ_DEALER, Bytes::from_static(b"rust"), -1);
    let mut c = Connection::new(cfg, Box::new(NullMechanism::new(ZMQ_DEALER, b"rust", &[])), std::time::Instant::now());
    let mut got = Vec::new();
    let mut pinged = false;
    drive(&mut c, &mut stream, |c, ev| {
        match ev {
            None => {}
            Some(Event::Handshook { version, metadata }) => {
                assert_eq!(version, ZmtpVersion::V3_1);
                assert_eq!(metadata.get("Socket-Type").unwrap(), &b"ROUTER"[..]);
                c.send(Msg::from_slice(b"hello")).unwrap();
            }
            Some(Event::Message(m)) => got.push(m),
            Some(Event::ZapRequest(_)) => unreachable!(),
        }
        pinged |= c.heartbeats_received().0 > 0;
        if got.len() == 2 && pinged {
            c.send(Msg::from_slice(b"bye")).unwrap();
            return true;
        }
        false
    });
    stream.write_all(&c.take_output()).unwrap();
    assert_eq!(got[0].data(), b"world");
    assert!(got[0].more());
    assert_eq!(got[1].len(), 70000);
    assert!(child.0.wait().unwrap().success());
}

#[test]
fn sub_subscribes_to_libzmq_pub() {
    let Some((child, port)) = spawn("pub") else {
        return;
    };
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let cfg = ConnectionConfig::plain(ZMQ_SUB, Bytes::new(), -1);
    let mut c = Connection::new(cfg, Box::new(NullMechanism::new(ZMQ_SUB, b"", &[])), std::time::Instant::now());
    drive(&mut c, &mut stream, |c, ev| match ev {
        Some(Event::Handshook { .. }) => {
            // Goes out as a SUBSCRIBE command (3.1); libzmq must honour it.
            c.send(Msg::from_slice(b"\x01ne")).unwrap();
            false
        }
        Some(Event::Message(m)) => {
            assert_eq!(m.data(), b"news");
            true
        }
        _ => false,
    });
    drop(child);
}
