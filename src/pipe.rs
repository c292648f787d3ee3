//! A bidirectional pipe between two sockets (or a socket and a session).
//!
//! Owns: the two message queues of a connection, high-water-mark flow
//! control, whole-message atomicity (frames become visible to the reader
//! only when the last frame is written) and the wake-up commands sent to
//! the peer's mailbox. Must not: route messages or know socket types.
//!
//! Each direction is guarded by its own mutex; the writer signals the
//! reader only when the reader found the queue empty and went to sleep,
//! and the reader signals the writer only when the writer was blocked on
//! its high-water mark and enough messages were read (low-water mark).
//! The interface is what the socket layer relies on; the queue itself can
//! be replaced by a lock-free one without touching callers.

use crate::io::mailbox::{Command, Mailbox};
use crate::msg::Msg;
use bytes::Bytes;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

static NEXT_PIPE_ID: AtomicU64 = AtomicU64::new(1);

struct Dir {
    q: VecDeque<Msg>,
    /// Whole messages allowed in flight; 0 means no limit.
    hwm: u64,
    written: u64,
    read: u64,
    reader_asleep: bool,
    writer_blocked: bool,
    writer_closed: bool,
    reader_closed: bool,
    /// Keep only the newest message (ZMQ_CONFLATE).
    conflate: bool,
}

impl Dir {
    fn new(hwm: u64, conflate: bool) -> Dir {
        Dir {
            q: VecDeque::new(),
            hwm,
            written: 0,
            read: 0,
            reader_asleep: false,
            writer_blocked: false,
            writer_closed: false,
            reader_closed: false,
            conflate,
        }
    }
    fn full(&self) -> bool {
        !self.conflate && self.hwm > 0 && self.written - self.read >= self.hwm
    }
    fn lwm(&self) -> u64 {
        self.hwm.div_ceil(2)
    }
}

struct Side {
    mailbox: Option<Arc<Mailbox>>,
    routing_id: Option<Bytes>,
}

struct Shared {
    id: u64,
    /// dirs[i] is written by side i and read by side 1 - i.
    dirs: [Mutex<Dir>; 2],
    sides: [Mutex<Side>; 2],
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Result of reading from a pipe.
#[derive(Debug)]
pub enum Read {
    Msg(Msg),
    /// Nothing now; the reader will get `ActivateRead` when that changes.
    Empty,
    /// The peer closed and everything it sent has been read.
    Closed,
}

/// One end of a pipe, owned by one socket.
pub struct PipeEnd {
    shared: Arc<Shared>,
    side: usize,
    /// Frames of the message being written, published on the last frame.
    pending: Vec<Msg>,
    terminated: bool,
}

/// Settings of one end when a pipe is created or attached.
pub struct EndConfig {
    pub mailbox: Option<Arc<Mailbox>>,
    pub routing_id: Option<Bytes>,
}

impl PipeEnd {
    /// Creates a pipe; `hwm[i]` limits what side i writes (0 = unlimited).
    pub fn pair(a: EndConfig, b: EndConfig, hwm: [u64; 2], conflate: [bool; 2]) -> (PipeEnd, PipeEnd) {
        let shared = Arc::new(Shared {
            id: NEXT_PIPE_ID.fetch_add(1, Ordering::Relaxed),
            dirs: [Mutex::new(Dir::new(hwm[0], conflate[0])), Mutex::new(Dir::new(hwm[1], conflate[1]))],
            sides: [
                Mutex::new(Side { mailbox: a.mailbox, routing_id: a.routing_id }),
                Mutex::new(Side { mailbox: b.mailbox, routing_id: b.routing_id }),
            ],
        });
        (
            PipeEnd { shared: shared.clone(), side: 0, pending: Vec::new(), terminated: false },
            PipeEnd { shared, side: 1, pending: Vec::new(), terminated: false },
        )
    }

    pub fn id(&self) -> u64 {
        self.shared.id
    }

    /// Completes this end's attachment (connect-before-bind): records its
    /// mailbox and routing id, sets HWMs, and tells the peer.
    pub fn attach(&self, cfg: EndConfig, hwm: [u64; 2]) {
        {
            let mut s = lock(&self.shared.sides[self.side]);
            s.mailbox = cfg.mailbox;
            s.routing_id = cfg.routing_id;
        }
        lock(&self.shared.dirs[self.side]).hwm = hwm[0];
        lock(&self.shared.dirs[1 - self.side]).hwm = hwm[1];
        // Messages may already be waiting: make sure the reader looks.
        self.notify_peer(Command::PeerAttached(self.shared.id));
    }

    /// Sets the routing id this end presents to the peer (a session learns
    /// it from the handshake) and tells the peer's socket.
    pub fn set_routing_id(&self, rid: Bytes) {
        lock(&self.shared.sides[self.side]).routing_id = Some(rid);
        self.notify_peer(Command::PeerAttached(self.shared.id));
    }

    /// Forgets the peer's routing id (its connection dropped; a new one
    /// will be set when it is re-established).
    pub fn clear_routing_id(&self) {
        lock(&self.shared.sides[self.side]).routing_id = None;
    }

    /// The routing id the peer declared; None while the peer is not attached.
    pub fn peer_routing_id(&self) -> Option<Bytes> {
        lock(&self.shared.sides[1 - self.side]).routing_id.clone()
    }

    fn notify_peer(&self, cmd: Command) {
        let mb = lock(&self.shared.sides[1 - self.side]).mailbox.clone();
        if let Some(mb) = mb {
            mb.send(cmd);
        }
    }

    /// True when a new message may be written now. When false because of
    /// the HWM, the writer will get `ActivateWrite` once there is room.
    pub fn check_write(&mut self) -> bool {
        if !self.pending.is_empty() {
            return true;
        }
        let mut d = lock(&self.shared.dirs[self.side]);
        if d.reader_closed || self.terminated {
            return false;
        }
        if d.full() {
            d.writer_blocked = true;
            return false;
        }
        true
    }

    /// Writes a frame. The first frame of a message fails (returning it)
    /// when the pipe is full or closed; later frames are always accepted.
    pub fn write(&mut self, msg: Msg) -> Result<(), Msg> {
        if self.pending.is_empty() && !self.check_write() {
            return Err(msg);
        }
        if msg.more() {
            self.pending.push(msg);
            return Ok(());
        }
        // Messages dropped here may run a user free function that calls
        // back into the library: drop them only after the lock is released.
        let mut dropped = VecDeque::new();
        let wake = {
            let mut d = lock(&self.shared.dirs[self.side]);
            if d.reader_closed {
                drop(d);
                self.pending.clear();
                return Ok(());
            }
            if d.conflate {
                dropped = std::mem::take(&mut d.q);
                d.read = d.written;
            }
            d.q.extend(self.pending.drain(..));
            d.q.push_back(msg);
            d.written += 1;
            std::mem::replace(&mut d.reader_asleep, false)
        };
        drop(dropped);
        if wake {
            self.notify_peer(Command::ActivateRead(self.shared.id));
        }
        Ok(())
    }

    /// Drops the frames of an unfinished outgoing message.
    pub fn rollback(&mut self) {
        self.pending.clear();
    }

    /// True when a complete message is waiting (marks the reader asleep if not).
    pub fn check_read(&mut self) -> bool {
        let mut d = lock(&self.shared.dirs[1 - self.side]);
        if d.q.is_empty() {
            d.reader_asleep = true;
            false
        } else {
            true
        }
    }

    /// Reads one frame.
    pub fn read(&mut self) -> Read {
        let mut d = lock(&self.shared.dirs[1 - self.side]);
        let Some(m) = d.q.pop_front() else {
            if d.writer_closed {
                return Read::Closed;
            }
            d.reader_asleep = true;
            return Read::Empty;
        };
        if !m.more() {
            d.read += 1;
            if d.writer_blocked && d.written - d.read <= d.lwm() {
                d.writer_blocked = false;
                drop(d);
                self.notify_peer(Command::ActivateWrite(self.shared.id));
            }
        }
        Read::Msg(m)
    }

    /// True once the peer has closed and every message it sent was read.
    pub fn is_drained_and_closed(&self) -> bool {
        let d = lock(&self.shared.dirs[1 - self.side]);
        d.writer_closed && d.q.is_empty()
    }

    /// True once the peer has closed its end.
    pub fn peer_closed(&self) -> bool {
        lock(&self.shared.dirs[self.side]).reader_closed
    }

    /// Drops every message queued for this end to read (used by unbind or
    /// when a socket is closed).
    pub fn discard_inbound(&mut self) {
        // taken out first: dropped messages may call back into the library
        let dropped = std::mem::take(&mut lock(&self.shared.dirs[1 - self.side]).q);
        drop(dropped);
    }

    /// Closes this end: what we already wrote stays readable by the peer,
    /// what was sent to us is dropped, and the peer is told.
    pub fn terminate(&mut self) {
        if self.terminated {
            return;
        }
        self.terminated = true;
        self.pending.clear();
        lock(&self.shared.dirs[self.side]).writer_closed = true;
        let dropped = {
            let mut d = lock(&self.shared.dirs[1 - self.side]);
            d.reader_closed = true;
            std::mem::take(&mut d.q)
        };
        // Dropped after unlocking: a zero-copy message's free function may
        // call back into the library (even into this pipe's peer socket).
        drop(dropped);
        lock(&self.shared.sides[self.side]).mailbox = None;
        self.notify_peer(Command::PipeTerm(self.shared.id));
    }

    /// Number of whole messages queued in each direction (out, in).
    pub fn queued(&self) -> (u64, u64) {
        let o = lock(&self.shared.dirs[self.side]);
        let out = o.written - o.read;
        drop(o);
        let i = lock(&self.shared.dirs[1 - self.side]);
        (out, i.written - i.read)
    }
}

impl Drop for PipeEnd {
    fn drop(&mut self) {
        self.terminate();
    }
}

/// The HWM of one direction of an inproc pipe: the sender's SNDHWM plus the
/// receiver's RCVHWM, or unlimited when either is 0 (as libzmq).
pub fn combined_hwm(sndhwm: i32, rcvhwm: i32) -> u64 {
    if sndhwm <= 0 || rcvhwm <= 0 {
        0
    } else {
        sndhwm as u64 + rcvhwm as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> EndConfig {
        EndConfig { mailbox: None, routing_id: None }
    }

    #[test]
    fn multipart_visible_only_when_complete() {
        let (mut a, mut b) = PipeEnd::pair(cfg(), cfg(), [0, 0], [false, false]);
        let mut m1 = Msg::from_slice(b"1");
        m1.set_more(true);
        a.write(m1).unwrap();
        assert!(matches!(b.read(), Read::Empty));
        a.write(Msg::from_slice(b"2")).unwrap();
        assert!(matches!(b.read(), Read::Msg(m) if m.data() == b"1"));
        assert!(matches!(b.read(), Read::Msg(m) if m.data() == b"2"));
    }

    #[test]
    fn hwm_blocks_and_reading_wakes_writer() {
        let mb = Arc::new(Mailbox::new().unwrap());
        let (mut a, mut b) = PipeEnd::pair(
            EndConfig { mailbox: Some(mb.clone()), routing_id: None },
            cfg(),
            [2, 2],
            [false, false],
        );
        a.write(Msg::new()).unwrap();
        a.write(Msg::new()).unwrap();
        assert!(a.write(Msg::new()).is_err());
        assert!(!mb.has_pending());
        assert!(matches!(b.read(), Read::Msg(_)));
        assert!(mb.has_pending());
        let mut cmds = Vec::new();
        mb.drain(&mut cmds);
        assert!(matches!(cmds[0], Command::ActivateWrite(_)));
        assert!(a.write(Msg::new()).is_ok());
    }

    static WRITER: Mutex<Option<PipeEnd>> = Mutex::new(None);
    static FREED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

    unsafe extern "C" fn free_writes_back(_d: *mut std::os::raw::c_void, _h: *mut std::os::raw::c_void) {
        // Touches the very queue being cleared: deadlocks if dropped under its lock.
        if let Some(w) = lock(&WRITER).as_mut() {
            assert!(!w.check_write());
        }
        FREED.store(true, Ordering::SeqCst);
    }

    #[test]
    fn dropped_messages_are_freed_outside_the_queue_lock() {
        let (mut a, mut b) = PipeEnd::pair(cfg(), cfg(), [0, 0], [false, false]);
        let mut buf = [7u8; 64];
        let m = unsafe {
            Msg::from_foreign(buf.as_mut_ptr(), buf.len(), Some(free_writes_back), std::ptr::null_mut())
        };
        a.write(m).unwrap();
        *lock(&WRITER) = Some(a);
        b.terminate(); // drops the unread message
        assert!(FREED.load(Ordering::SeqCst));
        lock(&WRITER).take();
    }

    #[test]
    fn close_keeps_sent_messages_readable() {
        let (mut a, mut b) = PipeEnd::pair(cfg(), cfg(), [0, 0], [false, false]);
        a.write(Msg::from_slice(b"x")).unwrap();
        a.terminate();
        assert!(matches!(b.read(), Read::Msg(_)));
        assert!(matches!(b.read(), Read::Closed));
        assert!(!b.check_write());
    }
}
