//! The context: the sockets it owns, the inproc endpoint table, context
//! options, and termination.
//!
//! Owns: socket registration (to wake them with ETERM), inproc endpoints
//! with the pending-connection list for connect-before-bind, and
//! `zmq_ctx_term`'s wait for every socket to close. Must not: touch a
//! socket's internals (it only sends commands to their mailboxes).

use crate::constants::*;
use crate::error::*;
use crate::io::mailbox::Waker;
use crate::util::thread::Scheduling;
use crate::io::reactor::{IoMailbox, IoThread};
use crate::options::{hwm_limit, DEFAULT_HWM};
use crate::pipe::{combined_hwm, EndConfig, PipeEnd, SocketCommand, SocketMailbox};
use bytes::Bytes;
use std::collections::HashMap;
use std::os::raw::c_int;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

/// What one side of an inproc pipe tells the other: who to wake, its
/// routing id, HWMs and ZMQ_CONFLATE.
#[derive(Clone)]
pub struct InprocSide {
    pub waker: Arc<dyn Waker>,
    pub routing_id: Bytes,
    pub sndhwm: c_int,
    pub rcvhwm: c_int,
    pub conflate: bool,
    /// `ZMQ_HELLO_MSG`: sent first to each peer (draft; DEALER, ROUTER...).
    pub hello: Option<Bytes>,
    /// `ZMQ_DISCONNECT_MSG`: what this (bound) side receives when a peer
    /// that connected goes away (draft; ROUTER, SERVER, PEER).
    pub disconnect: Option<Bytes>,
}

/// A new inproc pipe's first message, written on `end` by the socket
/// `side` describes: its HELLO_MSG for the peer. When that socket is the
/// bound one (`bound`), also its DISCONNECT_MSG, for the connecting peer to
/// write to it as the peer's end terminates (libzmq sets only the bound
/// side's).
pub fn greet(end: &mut PipeEnd, side: &InprocSide, bound: bool) {
    if let Some(h) = &side.hello {
        let _ = end.write(crate::msg::Msg::from_bytes(h.clone()));
    }
    if let (true, Some(d)) = (bound, &side.disconnect) {
        end.set_peer_farewell(d.clone());
    }
}

/// A socket bound to an inproc endpoint: what connecting sides need.
#[derive(Clone)]
pub struct BoundInfo {
    pub socket_id: u64,
    /// Where new pipes are sent (`SocketCommand::Attach`).
    pub mailbox: Arc<SocketMailbox>,
    pub side: InprocSide,
}

/// A connection made before its endpoint was bound.
pub struct Pending {
    /// The bind side's end, attached when the endpoint is bound.
    pub end: PipeEnd,
    pub peer_sndhwm: c_int,
    pub peer_rcvhwm: c_int,
}

struct State {
    next_socket_id: u64,
    sockets: HashMap<u64, Arc<SocketMailbox>>,
    endpoints: HashMap<String, BoundInfo>,
    pending: HashMap<String, Vec<Pending>>,
    terminating: bool,
    /// Once terminated, no socket may be created.
    terminated: bool,
    io_threads: c_int,
    max_sockets: c_int,
    thread_priority: c_int,
    thread_sched_policy: c_int,
    max_msgsz: c_int,
    ipv6: bool,
    blocky: bool,
    zero_copy_recv: bool,
    /// ZMQ_THREAD_NAME_PREFIX as given: an integer's decimal digits, or
    /// the bytes `zmq_ctx_set_ext` took (as libzmq keeps it).
    thread_name_prefix: Option<Vec<u8>>,
    affinity: Vec<c_int>,
    /// Started lazily by the first tcp/ipc endpoint.
    io: Vec<IoThread>,
    next_io: usize,
}

pub struct Ctx {
    state: Mutex<State>,
    all_closed: Condvar,
}

/// The largest value ZMQ_SOCKET_LIMIT reports (as libzmq built with epoll).
const SOCKET_LIMIT: c_int = 65535;

impl Ctx {
    pub fn new() -> Arc<Ctx> {
        Arc::new(Ctx {
            state: Mutex::new(State {
                next_socket_id: 1,
                sockets: HashMap::new(),
                endpoints: HashMap::new(),
                pending: HashMap::new(),
                terminating: false,
                terminated: false,
                io_threads: ZMQ_IO_THREADS_DFLT,
                max_sockets: ZMQ_MAX_SOCKETS_DFLT,
                thread_priority: ZMQ_THREAD_PRIORITY_DFLT,
                thread_sched_policy: ZMQ_THREAD_SCHED_POLICY_DFLT,
                max_msgsz: c_int::MAX,
                ipv6: false,
                blocky: true,
                zero_copy_recv: true,
                thread_name_prefix: None,
                affinity: Vec::new(),
                io: Vec::new(),
                next_io: 0,
            }),
            all_closed: Condvar::new(),
        })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn blocky(&self) -> bool {
        self.lock().blocky
    }

    pub fn ipv6(&self) -> bool {
        self.lock().ipv6
    }

    pub fn register_socket(&self, mailbox: Arc<SocketMailbox>) -> ZResult<u64> {
        let mut s = self.lock();
        if s.terminating || s.terminated {
            return Err(ETERM);
        }
        if s.sockets.len() >= s.max_sockets as usize {
            return Err(EMFILE);
        }
        let id = s.next_socket_id;
        s.next_socket_id += 1;
        s.sockets.insert(id, mailbox);
        Ok(id)
    }

    pub fn unregister_socket(&self, id: u64) {
        let mut s = self.lock();
        s.sockets.remove(&id);
        s.endpoints.retain(|_, b| b.socket_id != id);
        if s.sockets.is_empty() {
            self.all_closed.notify_all();
        }
    }

    /// Registers an inproc endpoint; returns the connections that were
    /// waiting for it.
    pub fn bind_inproc(&self, endpoint: &str, info: BoundInfo) -> ZResult<Vec<Pending>> {
        let mut s = self.lock();
        if s.endpoints.contains_key(endpoint) {
            return Err(EADDRINUSE);
        }
        s.endpoints.insert(endpoint.to_string(), info);
        Ok(s.pending.remove(endpoint).unwrap_or_default())
    }

    pub fn unbind_inproc(&self, endpoint: &str, socket_id: u64) {
        let mut s = self.lock();
        if s.endpoints.get(endpoint).is_some_and(|b| b.socket_id == socket_id) {
            s.endpoints.remove(endpoint);
        }
    }

    /// Connects to an inproc endpoint; returns the connecting side's end.
    /// When nobody bound it yet, the other end waits in the pending list.
    pub fn connect_inproc(&self, endpoint: &str, me: InprocSide) -> ZResult<PipeEnd> {
        let mut s = self.lock();
        let my_cfg = EndConfig { mailbox: Some(me.waker.clone()), routing_id: Some(me.routing_id.clone()) };
        match s.endpoints.get(endpoint) {
            Some(bound) => {
                let peer = &bound.side;
                let hwm = [combined_hwm(me.sndhwm, peer.rcvhwm), combined_hwm(peer.sndhwm, me.rcvhwm)];
                let conflate = [me.conflate || peer.conflate, me.conflate || peer.conflate];
                let peer_cfg = EndConfig { mailbox: Some(peer.waker.clone()), routing_id: Some(peer.routing_id.clone()) };
                let (mut mine, mut theirs) = PipeEnd::pair(my_cfg, peer_cfg, hwm, conflate);
                // What a later HWM change adds (libzmq's HWM boosts).
                mine.set_hwm_boosts(peer.rcvhwm, me.rcvhwm);
                greet(&mut mine, &me, false);
                greet(&mut theirs, peer, true);
                bound.mailbox.send(SocketCommand::Attach(Box::new(theirs), false));
                Ok(mine)
            }
            None => {
                let hwm = [hwm_limit(me.sndhwm), hwm_limit(me.rcvhwm)];
                let peer_cfg = EndConfig { mailbox: None, routing_id: None };
                let (mut mine, theirs) = PipeEnd::pair(my_cfg, peer_cfg, hwm, [me.conflate, me.conflate]);
                // Until a peer binds, libzmq boosts with a new socket's RCVHWM.
                mine.set_hwm_boosts(DEFAULT_HWM, me.rcvhwm);
                greet(&mut mine, &me, false);
                s.pending.entry(endpoint.to_string()).or_default().push(Pending {
                    end: theirs,
                    peer_sndhwm: me.sndhwm,
                    peer_rcvhwm: me.rcvhwm,
                });
                Ok(mine)
            }
        }
    }

    /// Like `connect_inproc`, but only to an endpoint that is bound now
    /// (None otherwise, leaving no pending connection): used by sessions to
    /// reach the ZAP handler.
    pub fn connect_inproc_if_bound(&self, endpoint: &str, me: InprocSide) -> Option<PipeEnd> {
        if !self.lock().endpoints.contains_key(endpoint) {
            return None;
        }
        self.connect_inproc(endpoint, me).ok()
    }

    /// The mailbox of the I/O thread that should serve a new endpoint
    /// (by ZMQ_AFFINITY when set, else round-robin). EMTHREAD when the
    /// context has no I/O threads.
    pub fn io_thread(&self, affinity: u64) -> ZResult<Arc<IoMailbox>> {
        let mut s = self.lock();
        if s.terminating {
            return Err(ETERM);
        }
        let n = s.io_threads.max(0) as usize;
        if n == 0 {
            return Err(EMTHREAD);
        }
        while s.io.len() < n {
            let sched = Scheduling {
                name_prefix: s.thread_name_prefix.clone(),
                policy: s.thread_sched_policy,
                priority: s.thread_priority,
                cpus: s.affinity.clone(),
            };
            let t = IoThread::start(s.io.len(), &sched)?;
            s.io.push(t);
        }
        let candidates: Vec<usize> = (0..n).filter(|&i| affinity == 0 || (i < 64 && affinity & (1 << i) != 0)).collect();
        let pick = if candidates.is_empty() {
            0
        } else {
            s.next_io = s.next_io.wrapping_add(1);
            candidates[s.next_io % candidates.len()]
        };
        Ok(s.io[pick].mailbox().clone())
    }

    /// `zmq_ctx_shutdown`: wakes every blocked call with ETERM.
    pub fn shutdown(&self) {
        let mut s = self.lock();
        if s.terminating {
            return;
        }
        s.terminating = true;
        for mb in s.sockets.values() {
            mb.send(SocketCommand::Stop);
        }
    }

    /// `zmq_ctx_term`: shutdown, then wait until every socket is closed.
    /// Returns Err(EINTR) if a signal interrupts the wait (as libzmq).
    pub fn terminate(&self) -> ZResult<()> {
        self.shutdown();
        let mut s = self.lock();
        while !s.sockets.is_empty() {
            s = self.all_closed.wait(s).unwrap_or_else(|e| e.into_inner());
        }
        s.terminated = true;
        let pending = std::mem::take(&mut s.pending);
        let mut io = std::mem::take(&mut s.io);
        s.endpoints.clear();
        drop(s);
        // Dropped unlocked: queued zero-copy messages may run free functions
        // that call back into the library.
        drop(pending);
        // I/O threads finish once their sessions flushed within the linger.
        for t in io.iter_mut() {
            t.stop();
        }
        Ok(())
    }

    pub fn set(&self, option: c_int, value: c_int) -> ZResult<()> {
        let mut s = self.lock();
        match option {
            ZMQ_IO_THREADS if value >= 0 => s.io_threads = value,
            // libzmq (epoll build) accepts any positive count, even above SOCKET_LIMIT.
            ZMQ_MAX_SOCKETS if value >= 1 => s.max_sockets = value,
            ZMQ_THREAD_PRIORITY if value >= 0 => s.thread_priority = value,
            ZMQ_THREAD_SCHED_POLICY if value >= 0 => s.thread_sched_policy = value,
            ZMQ_THREAD_AFFINITY_CPU_ADD if value >= 0 => {
                if !s.affinity.contains(&value) {
                    s.affinity.push(value);
                }
            }
            ZMQ_THREAD_AFFINITY_CPU_REMOVE if value >= 0 => {
                match s.affinity.iter().position(|&c| c == value) {
                    Some(i) => {
                        s.affinity.remove(i);
                    }
                    None => return Err(EINVAL),
                }
            }
            // libzmq takes any integer here (its digits become the prefix).
            ZMQ_THREAD_NAME_PREFIX => s.thread_name_prefix = Some(value.to_string().into_bytes()),
            ZMQ_MAX_MSGSZ if value >= 0 => s.max_msgsz = value,
            ZMQ_IPV6 if value >= 0 => s.ipv6 = value != 0,
            ZMQ_BLOCKY if value >= 0 => s.blocky = value != 0,
            // ZMQ_ZERO_COPY_RECV (draft, 10)
            10 if value >= 0 => s.zero_copy_recv = value != 0,
            _ => return Err(EINVAL),
        }
        Ok(())
    }

    pub fn get(&self, option: c_int) -> ZResult<c_int> {
        let s = self.lock();
        Ok(match option {
            ZMQ_IO_THREADS => s.io_threads,
            ZMQ_MAX_SOCKETS => s.max_sockets,
            ZMQ_SOCKET_LIMIT => SOCKET_LIMIT,
            ZMQ_THREAD_SCHED_POLICY => s.thread_sched_policy,
            // As libzmq: the prefix read as a number (atoi).
            ZMQ_THREAD_NAME_PREFIX => atoi(s.thread_name_prefix.as_deref().unwrap_or(b"")),
            ZMQ_MAX_MSGSZ => s.max_msgsz,
            ZMQ_MSG_T_SIZE => 64,
            ZMQ_IPV6 => s.ipv6 as c_int,
            ZMQ_BLOCKY => s.blocky as c_int,
            10 => s.zero_copy_recv as c_int,
            _ => return Err(EINVAL),
        })
    }

    /// `zmq_ctx_set_ext`: an `int`-sized value is `set`'s integer (for
    /// every option, as libzmq); ZMQ_THREAD_NAME_PREFIX also takes a
    /// string of 1 to 16 bytes, kept as given (a terminating NUL too).
    pub fn set_ext(&self, option: c_int, value: &[u8]) -> ZResult<()> {
        if let Ok(int) = <[u8; std::mem::size_of::<c_int>()]>::try_from(value) {
            return self.set(option, c_int::from_ne_bytes(int));
        }
        match option {
            ZMQ_THREAD_NAME_PREFIX if (1..=16).contains(&value.len()) => {
                self.lock().thread_name_prefix = Some(value.to_vec());
                Ok(())
            }
            _ => Err(EINVAL),
        }
    }

    /// `zmq_ctx_get_ext` into `buf`: an `int`-sized buffer gets `get`'s
    /// integer; ZMQ_THREAD_NAME_PREFIX's bytes go to a buffer at least as
    /// long, with no NUL added (libzmq neither adds one nor reports the
    /// length). Returns the bytes written.
    pub fn get_ext(&self, option: c_int, buf: &mut [u8]) -> ZResult<usize> {
        const INT: usize = std::mem::size_of::<c_int>();
        if buf.len() == INT {
            buf.copy_from_slice(&self.get(option)?.to_ne_bytes());
            return Ok(INT);
        }
        match option {
            ZMQ_THREAD_NAME_PREFIX => {
                let s = self.lock();
                let p = s.thread_name_prefix.as_deref().unwrap_or(b"");
                let out = buf.get_mut(..p.len()).ok_or(EINVAL)?;
                out.copy_from_slice(p);
                Ok(p.len())
            }
            _ => Err(EINVAL),
        }
    }
}

/// C's `atoi`: leading blanks, a sign, then digits (0 when there are none;
/// wrapping as glibc's on overflow).
fn atoi(b: &[u8]) -> c_int {
    let mut i = b.iter().take_while(|c| matches!(c, b' ' | b'\t'..=b'\r')).count();
    let neg = match b.get(i) {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let mut v: c_int = 0;
    for &c in b[i..].iter().take_while(|c| c.is_ascii_digit()) {
        v = v.wrapping_mul(10).wrapping_add((c - b'0') as c_int);
    }
    if neg {
        v.wrapping_neg()
    } else {
        v
    }
}

#[cfg(test)]
mod ext_tests {
    use super::*;

    #[test]
    fn ext_options_follow_libzmq() {
        let c = Ctx::new();
        // An int-sized value is the integer option.
        c.set_ext(ZMQ_IO_THREADS, &3i32.to_ne_bytes()).unwrap();
        assert_eq!(c.get(ZMQ_IO_THREADS), Ok(3));
        assert_eq!(c.set_ext(ZMQ_IO_THREADS, &[1u8; 8]), Err(EINVAL));
        assert_eq!(c.set_ext(ZMQ_IO_THREADS, &(-1i32).to_ne_bytes()), Err(EINVAL));
        let mut four = [0u8; 4];
        assert_eq!(c.get_ext(ZMQ_IO_THREADS, &mut four), Ok(4));
        assert_eq!(i32::from_ne_bytes(four), 3);
        assert_eq!(c.get_ext(ZMQ_IO_THREADS, &mut [0u8; 8]), Err(EINVAL));
        // The prefix as a string of 1..=16 bytes, read back as given.
        c.set_ext(ZMQ_THREAD_NAME_PREFIX, b"MyApp\0").unwrap();
        let mut buf = [0xffu8; 32];
        assert_eq!(c.get_ext(ZMQ_THREAD_NAME_PREFIX, &mut buf), Ok(6));
        assert_eq!(&buf[..7], b"MyApp\0\xff");
        assert_eq!(c.get_ext(ZMQ_THREAD_NAME_PREFIX, &mut [0u8; 5]), Err(EINVAL));
        assert_eq!(c.set_ext(ZMQ_THREAD_NAME_PREFIX, &[b'a'; 17]), Err(EINVAL));
        assert_eq!(c.set_ext(ZMQ_THREAD_NAME_PREFIX, b""), Err(EINVAL));
        // Read as an int it is atoi of the string; set as an int, its digits.
        assert_eq!(c.get(ZMQ_THREAD_NAME_PREFIX), Ok(0));
        c.set(ZMQ_THREAD_NAME_PREFIX, -42).unwrap();
        assert_eq!(c.get_ext(ZMQ_THREAD_NAME_PREFIX, &mut buf), Ok(3));
        assert_eq!(&buf[..3], b"-42");
        assert_eq!(c.get(ZMQ_THREAD_NAME_PREFIX), Ok(-42));
        c.set_ext(ZMQ_THREAD_NAME_PREFIX, b" 12ab").unwrap();
        assert_eq!(c.get(ZMQ_THREAD_NAME_PREFIX), Ok(12));
        c.terminate().unwrap();
    }
}
