//! What the socket-level integration tests share: a thin safe layer over
//! the C API, a bound socket with its monitor (`Server`), raw-peer helpers
//! and ZMTP wire snippets. Each test file uses a part of it.
#![allow(dead_code)]

use std::ffi::{c_void, CString};
use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::os::raw::c_int;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::RwLock;
use std::time::{Duration, Instant};

use zmq::capi::ctx::{zmq_ctx_new, zmq_ctx_term};
use zmq::capi::socket::{
    zmq_bind, zmq_close, zmq_connect, zmq_getsockopt, zmq_recv, zmq_send, zmq_setsockopt,
    zmq_socket_monitor,
};
use zmq::constants::*;

pub static MEM: RwLock<()> = RwLock::new(());
pub static MONITOR_ID: AtomicUsize = AtomicUsize::new(0);

// ---------------------------------------------------------------------------
// A thin safe layer over the C API.

pub struct Ctx(pub *mut c_void);

impl Ctx {
    pub fn new() -> Ctx {
        let c = zmq_ctx_new();
        assert!(!c.is_null());
        Ctx(c)
    }
    pub fn socket(&self, kind: c_int) -> Sock {
        // SAFETY: self.0 is a live context until Drop.
        let s = unsafe { zmq::capi::socket::zmq_socket(self.0, kind) };
        assert!(!s.is_null(), "zmq_socket({kind})");
        let s = Sock(s);
        s.set_int(ZMQ_LINGER, 0);
        s
    }
}

impl Drop for Ctx {
    fn drop(&mut self) {
        // SAFETY: every Sock borrowed from this context was dropped first
        // (they are declared after it in each test).
        unsafe { zmq_ctx_term(self.0) };
    }
}

pub struct Sock(pub *mut c_void);

impl Sock {
    pub fn set_int(&self, opt: c_int, v: c_int) {
        self.set_raw(opt, &v.to_ne_bytes());
    }
    pub fn set_i64(&self, opt: c_int, v: i64) {
        self.set_raw(opt, &v.to_ne_bytes());
    }
    pub fn set_raw(&self, opt: c_int, v: &[u8]) {
        // SAFETY: the buffer outlives the call; the socket is live.
        let rc = unsafe { zmq_setsockopt(self.0, opt, v.as_ptr().cast(), v.len()) };
        assert_eq!(rc, 0, "setsockopt {opt}");
    }
    pub fn bind(&self, ep: &str) {
        let ep = CString::new(ep).unwrap();
        // SAFETY: valid C string; live socket.
        assert_eq!(unsafe { zmq_bind(self.0, ep.as_ptr()) }, 0, "bind");
    }
    pub fn connect(&self, ep: &str) {
        let ep = CString::new(ep).unwrap();
        // SAFETY: valid C string; live socket.
        assert_eq!(unsafe { zmq_connect(self.0, ep.as_ptr()) }, 0, "connect");
    }
    pub fn last_endpoint(&self) -> String {
        let mut buf = [0u8; 256];
        let mut len = buf.len();
        // SAFETY: buf and len are valid for the call.
        let rc =
            unsafe { zmq_getsockopt(self.0, ZMQ_LAST_ENDPOINT, buf.as_mut_ptr().cast(), &mut len) };
        assert_eq!(rc, 0);
        let s = &buf[..len];
        String::from_utf8_lossy(s.strip_suffix(&[0]).unwrap_or(s)).into_owned()
    }
    pub fn send(&self, data: &[u8], flags: c_int) -> bool {
        // SAFETY: data is valid for data.len() bytes.
        unsafe { zmq_send(self.0, data.as_ptr().cast(), data.len(), flags) >= 0 }
    }
    /// ZMQ_RCVMORE: more frames of the message just received follow.
    pub fn more(&self) -> bool {
        let mut v: c_int = 0;
        let mut len = std::mem::size_of::<c_int>();
        // SAFETY: v and len are valid for the call.
        let rc = unsafe { zmq_getsockopt(self.0, ZMQ_RCVMORE, (&mut v as *mut c_int).cast(), &mut len) };
        rc == 0 && v != 0
    }
    /// One frame, or None on time-out (set ZMQ_RCVTIMEO first).
    pub fn recv(&self, cap: usize) -> Option<Vec<u8>> {
        let mut buf = vec![0u8; cap];
        // SAFETY: buf is valid for cap bytes.
        let n = unsafe { zmq_recv(self.0, buf.as_mut_ptr().cast(), cap, 0) };
        if n < 0 {
            return None;
        }
        buf.truncate((n as usize).min(cap));
        Some(buf)
    }
}

impl Drop for Sock {
    fn drop(&mut self) {
        // SAFETY: the socket is live and closed exactly once.
        unsafe { zmq_close(self.0) };
    }
}

// ---------------------------------------------------------------------------
// The set-up every test shares.

/// Our socket bound on 127.0.0.1 with a monitor attached.
pub struct Server {
    // Field order = drop order: sockets before the context.
    pub sock: Sock,
    pub mon: Sock,
    pub endpoint: String,
    pub port: u16,
    pub ctx: Ctx,
}

impl Server {
    pub fn new(kind: c_int, setup: impl FnOnce(&Sock)) -> Server {
        let ctx = Ctx::new();
        let sock = ctx.socket(kind);
        setup(&sock);
        let mon_ep = format!(
            "inproc://hostile-mon-{}",
            MONITOR_ID.fetch_add(1, Ordering::Relaxed)
        );
        let cep = CString::new(mon_ep.clone()).unwrap();
        // SAFETY: live socket, valid C string.
        assert_eq!(
            unsafe { zmq_socket_monitor(sock.0, cep.as_ptr(), ZMQ_EVENT_ALL) },
            0
        );
        let mon = ctx.socket(ZMQ_PAIR);
        mon.set_int(ZMQ_RCVTIMEO, 100);
        mon.connect(&mon_ep);
        sock.bind("tcp://127.0.0.1:*");
        let endpoint = sock.last_endpoint();
        let port = endpoint
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .expect("port");
        sock.set_int(ZMQ_RCVTIMEO, 2000);
        sock.set_int(ZMQ_SNDTIMEO, 2000);
        Server {
            sock,
            mon,
            endpoint,
            port,
            ctx,
        }
    }

    pub fn raw(&self) -> TcpStream {
        let s = TcpStream::connect(("127.0.0.1", self.port)).expect("raw connect");
        s.set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        s.set_write_timeout(Some(Duration::from_secs(2))).unwrap();
        s.set_nodelay(true).unwrap();
        s
    }

    /// Monitor events (event, value) until `last` is seen or `within` passes;
    /// LISTENING/ACCEPTED are dropped.
    pub fn events_until(&self, last: c_int, within: Duration) -> Vec<(c_int, u32)> {
        let deadline = Instant::now() + within;
        let mut out = Vec::new();
        while Instant::now() < deadline {
            let Some(head) = self.mon.recv(64) else {
                continue;
            };
            let _endpoint = self.mon.recv(256);
            if head.len() < 6 {
                continue;
            }
            let ev = u16::from_le_bytes([head[0], head[1]]) as c_int;
            let val = u32::from_le_bytes([head[2], head[3], head[4], head[5]]);
            if ev == ZMQ_EVENT_LISTENING || ev == ZMQ_EVENT_ACCEPTED {
                continue;
            }
            out.push((ev, val));
            if ev == last {
                break;
            }
        }
        out
    }

    /// A well-behaved peer of a matching type still gets through.
    pub fn assert_good_peer_works(&self, kind: c_int) {
        let peer_kind = match kind {
            ZMQ_PULL => ZMQ_PUSH,
            ZMQ_PUB | ZMQ_XPUB => ZMQ_SUB,
            ZMQ_ROUTER => ZMQ_DEALER,
            other => panic!("no good peer for {other}"),
        };
        let peer = self.ctx.socket(peer_kind);
        peer.set_int(ZMQ_RCVTIMEO, 2000);
        peer.set_int(ZMQ_SNDTIMEO, 2000);
        match kind {
            ZMQ_PULL => {
                peer.connect(&self.endpoint);
                assert!(peer.send(b"good", 0));
                // What a hostile peer got through before it was dropped
                // (random bytes parse as frames) may come first.
                let got = loop {
                    match self.sock.recv(64) {
                        Some(m) if m == b"good" => break Some(m),
                        Some(_) => continue,
                        None => break None,
                    }
                };
                assert_eq!(got.as_deref(), Some(&b"good"[..]), "good peer's message");
            }
            ZMQ_ROUTER => {
                peer.connect(&self.endpoint);
                assert!(peer.send(b"good", 0));
                let _rid = self.sock.recv(256).expect("routing id");
                assert_eq!(self.sock.recv(64).as_deref(), Some(&b"good"[..]));
            }
            _ => {
                peer.set_raw(ZMQ_SUBSCRIBE, b"good");
                peer.connect(&self.endpoint);
                if kind == ZMQ_XPUB {
                    // The subscription proves the inbound path. (An
                    // earlier peer's unsubscriptions, sent by XPUB when
                    // that peer left, may come first.)
                    loop {
                        let sub = self.sock.recv(64).expect("good subscription");
                        if sub == b"\x01good" {
                            break;
                        }
                        assert_eq!(sub[0], 0, "unexpected {sub:x?}");
                    }
                    assert!(self.sock.send(b"good", 0));
                    assert_eq!(peer.recv(64).as_deref(), Some(&b"good"[..]));
                } else {
                    // PUB: the subscription's arrival is not observable;
                    // publish until the subscriber has one (bounded).
                    peer.set_int(ZMQ_RCVTIMEO, 50);
                    let deadline = Instant::now() + Duration::from_secs(3);
                    loop {
                        assert!(self.sock.send(b"good", 0));
                        if let Some(m) = peer.recv(64) {
                            assert_eq!(m, b"good");
                            break;
                        }
                        assert!(Instant::now() < deadline, "SUB never received from PUB");
                    }
                }
            }
        }
    }
}

/// Reads until the peer closes. Returns how long that took, or panics after
/// `within`.
pub fn assert_closed(s: &mut TcpStream, within: Duration) -> Duration {
    let start = Instant::now();
    let mut buf = [0u8; 65536];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return start.elapsed(),
            Ok(_) => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => return start.elapsed(), // ECONNRESET
        }
        assert!(
            start.elapsed() < within,
            "hostile connection still open after {within:?}"
        );
    }
}

/// Reads until no byte came for the socket's read time-out; true if the
/// connection is still open.
pub fn still_open(s: &mut TcpStream) -> bool {
    let mut buf = [0u8; 4096];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return false,
            Ok(_) => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return true
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => return false,
        }
    }
}

/// Reads exactly `n` bytes (the server's greeting and READY).
pub fn read_n(s: &mut TcpStream, n: usize) -> Vec<u8> {
    let mut v = vec![0u8; n];
    let mut got = 0;
    let deadline = Instant::now() + Duration::from_secs(3);
    while got < n {
        match s.read(&mut v[got..]) {
            Ok(0) => panic!("EOF after {got} of {n} bytes"),
            Ok(k) => got += k,
            Err(e)
                if matches!(
                    e.kind(),
                    ErrorKind::WouldBlock | ErrorKind::TimedOut | ErrorKind::Interrupted
                ) => {}
            Err(e) => panic!("read: {e}"),
        }
        assert!(Instant::now() < deadline, "server sent {got} of {n} bytes");
    }
    v
}

/// Resident memory in KiB. The first call pins glibc's mmap threshold at
/// its default (128 KiB) so that freed large buffers go back to the system
/// instead of raising the threshold and staying resident: RSS then shows
/// what is still held, not what was once copied.
pub fn rss_kib() -> u64 {
    static PIN: std::sync::Once = std::sync::Once::new();
    PIN.call_once(|| {
        // SAFETY: mallopt only tunes the allocator; any value is valid.
        unsafe { libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024) };
    });
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// xorshift64*: deterministic "random" bytes.
pub struct Rng(pub u64);
impl Rng {
    pub fn fill(&mut self, buf: &mut [u8]) {
        for chunk in buf.chunks_mut(8) {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            let v = self.0.wrapping_mul(0x2545_F491_4F6C_DD1D).to_le_bytes();
            chunk.copy_from_slice(&v[..chunk.len()]);
        }
    }
}

// ---------------------------------------------------------------------------
// Wire snippets.

pub fn greeting(major: u8, minor: u8, mechanism: &[u8]) -> Vec<u8> {
    let mut g = vec![0xFF, 0, 0, 0, 0, 0, 0, 0, 0, 0x7F, major, minor];
    let mut m = [0u8; 20];
    m[..mechanism.len()].copy_from_slice(mechanism);
    g.extend_from_slice(&m);
    g.push(0);
    g.extend_from_slice(&[0; 31]);
    g
}

pub fn null_greeting() -> Vec<u8> {
    greeting(3, 1, b"NULL")
}

pub fn ready(socket_type: &[u8]) -> Vec<u8> {
    let mut body = b"\x05READY\x0bSocket-Type".to_vec();
    body.extend_from_slice(&(socket_type.len() as u32).to_be_bytes());
    body.extend_from_slice(socket_type);
    let mut f = vec![0x04, body.len() as u8];
    f.extend_from_slice(&body);
    f
}

/// Our READY as a PULL/XPUB/PUB socket (no Identity): greeting + READY size.
pub fn server_hello_len(our_type: &str) -> usize {
    64 + 2 + 6 + 12 + 4 + our_type.len()
}

/// Completes a NULL handshake as `peer_type` against a server of
/// `server_type` and waits for the server's READY, so that what follows
/// arrives after the handshake on both sides (as with libzmq, whose READY
/// goes out only once the peer's has been read).
pub fn handshake(srv: &Server, peer_type: &[u8], server_type: &str) -> TcpStream {
    let mut s = srv.raw();
    let mut hello = null_greeting();
    hello.extend_from_slice(&ready(peer_type));
    s.write_all(&hello).unwrap();
    read_n(&mut s, server_hello_len(server_type));
    s
}

pub const CLOSE_WITHIN: Duration = Duration::from_secs(3);
pub const EV_WAIT: Duration = Duration::from_secs(3);
pub const SUCCEEDED: c_int = ZMQ_EVENT_HANDSHAKE_SUCCEEDED;
pub const DISCONNECTED: c_int = ZMQ_EVENT_DISCONNECTED;
pub const FAILED_PROTOCOL: c_int = ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL;
pub const FAILED_NO_DETAIL: c_int = ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL;

/// Event kinds only (values of DISCONNECTED are fds, of NO_DETAIL errnos).
pub fn kinds(evs: &[(c_int, u32)]) -> Vec<c_int> {
    evs.iter().map(|e| e.0).collect()
}

/// Sends `bytes` raw, expects the connection closed and `want` from the
/// monitor (`want == None`: only checks that DISCONNECTED comes last and
/// that the handshake did not succeed), then runs a good peer.
pub fn hostile_pull(bytes: &[u8], want: Option<&[(c_int, Option<u32>)]>) {
    let _g = MEM.read().unwrap_or_else(|e| e.into_inner());
    let srv = Server::new(ZMQ_PULL, |_| {});
    let mut s = srv.raw();
    s.write_all(bytes).unwrap();
    assert_closed(&mut s, CLOSE_WITHIN);
    let evs = srv.events_until(DISCONNECTED, EV_WAIT);
    check_events(&evs, want);
    srv.assert_good_peer_works(ZMQ_PULL);
}

pub fn check_events(evs: &[(c_int, u32)], want: Option<&[(c_int, Option<u32>)]>) {
    match want {
        Some(want) => {
            let ok = evs.len() == want.len()
                && evs
                    .iter()
                    .zip(want)
                    .all(|(g, w)| g.0 == w.0 && w.1.is_none_or(|v| v == g.1));
            assert!(ok, "monitor events {evs:x?}, libzmq reports {want:x?}");
        }
        None => {
            assert_eq!(kinds(evs).last(), Some(&DISCONNECTED), "events {evs:x?}");
            assert!(!kinds(evs).contains(&SUCCEEDED), "events {evs:x?}");
        }
    }
}


/// A raw pointer handed to another thread (a context, for a helper socket
/// made there).
pub struct SendPtr(pub *mut c_void);
// SAFETY: contexts are thread-safe; the pointer is only used while the
// context lives (the helper thread is joined before it is terminated).
unsafe impl Send for SendPtr {}

/// What a test ZAP handler answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ZapAnswer {
    /// 200 OK, User-Id "user".
    Accept,
    /// This status code with an empty User-Id.
    Status(&'static str),
    /// Reads the request, then closes its socket without answering.
    Vanish,
    /// A reply of the wrong shape (ZAP version "9.9").
    Malformed,
}

/// A ZAP handler (RFC 27) bound at inproc://zeromq.zap.01 of `ctx`, on its
/// own thread, until dropped. Counts the requests it saw.
pub struct ZapHandler {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    pub requests: std::sync::Arc<AtomicUsize>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ZapHandler {
    pub fn start(ctx: &Ctx, answer: ZapAnswer) -> ZapHandler {
        use std::sync::atomic::AtomicBool;
        use std::sync::Arc;
        let stop = Arc::new(AtomicBool::new(false));
        let requests = Arc::new(AtomicUsize::new(0));
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let ctx_ptr = SendPtr(ctx.0);
        let (stop2, requests2) = (stop.clone(), requests.clone());
        let thread = std::thread::spawn(move || {
            let ctx_ptr = ctx_ptr;
            // The context outlives this thread (see `Drop`).
            let ctx = std::mem::ManuallyDrop::new(Ctx(ctx_ptr.0));
            let rep = ctx.socket(ZMQ_REP);
            rep.set_int(ZMQ_RCVTIMEO, 50);
            rep.bind("inproc://zeromq.zap.01");
            ready_tx.send(()).unwrap();
            while !stop2.load(Ordering::Relaxed) {
                let Some(first) = rep.recv(256) else { continue };
                let mut req = vec![first];
                while rep.more() {
                    req.push(rep.recv(256).unwrap_or_default());
                }
                requests2.fetch_add(1, Ordering::Relaxed);
                let request_id = req.get(1).cloned().unwrap_or_default();
                let reply: Vec<Vec<u8>> = match answer {
                    ZapAnswer::Accept => vec![b"1.0".to_vec(), request_id, b"200".to_vec(), b"OK".to_vec(), b"user".to_vec(), vec![]],
                    ZapAnswer::Status(code) => {
                        vec![b"1.0".to_vec(), request_id, code.as_bytes().to_vec(), b"no".to_vec(), vec![], vec![]]
                    }
                    ZapAnswer::Malformed => vec![b"9.9".to_vec(), request_id, b"200".to_vec(), vec![], vec![], vec![]],
                    ZapAnswer::Vanish => {
                        drop(rep);
                        while !stop2.load(Ordering::Relaxed) {
                            std::thread::sleep(Duration::from_millis(10));
                        }
                        return;
                    }
                };
                let n = reply.len();
                for (i, f) in reply.iter().enumerate() {
                    assert!(rep.send(f, if i + 1 < n { ZMQ_SNDMORE } else { 0 }));
                }
            }
        });
        ready_rx.recv().unwrap();
        ZapHandler { stop, requests, thread: Some(thread) }
    }
}

impl Drop for ZapHandler {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
