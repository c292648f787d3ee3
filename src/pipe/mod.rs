//! A bidirectional pipe between two sockets (or a socket and a session).
//!
//! Owns: the two message queues of a connection, high-water-mark flow
//! control, whole-message atomicity (frames become visible to the reader
//! only when the last frame is written) and the wake-up commands sent to
//! the peer's mailbox. Must not: route messages or know socket types.
//!
//! Each direction is a lock-free single-producer single-consumer queue
//! (`util::ypipe`): the writer wakes the reader (one `ReadReady` notice) only
//! when the reader found the queue empty and went to sleep. Flow control
//! costs a comparison per message: the reader publishes how many messages
//! it has read every low-water-mark messages (and whenever it runs dry),
//! and wakes the writer (`WriteReady`) only if the writer had stopped at
//! its high-water mark. ZMQ_CONFLATE pipes keep just the newest message
//! behind a small lock instead.
//!
//! A pipe wakes whoever reads its other end through `io::mailbox::Waker`:
//! a socket's mailbox (its commands, `SocketCommand`, are defined here,
//! since pipes, sessions and the context all send them) or an I/O
//! thread's.

use crate::io::mailbox::{Mailbox, Notify, Waker};
use crate::util::ypipe;
use crate::msg::{Metadata, Msg};
use bytes::Bytes;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

static NEXT_PIPE_ID: AtomicU64 = AtomicU64::new(1);

/// Commands a socket receives: from its pipes (through `Waker`), from the
/// sessions that serve its tcp/ipc endpoints and from the context.
pub enum SocketCommand {
    /// Something happened to one of its pipes.
    Pipe(Notify),
    /// A new pipe to attach: the bind side of an inproc connection, or a
    /// tcp/ipc connection once its handshake is done. The flag says whether
    /// the socket itself initiated it (its own connect), which decides
    /// where ZMQ_CONNECT_ROUTING_ID applies.
    Attach(Box<PipeEnd>, bool),
    /// The connection behind this pipe was re-established (a SUB resends
    /// its subscriptions).
    Hiccup(u64),
    /// The context is terminating.
    Stop,
}

/// A socket's mailbox (its fd is `ZMQ_FD`).
pub type SocketMailbox = Mailbox<SocketCommand>;

impl Waker for Mailbox<SocketCommand> {
    fn notify(&self, n: Notify) {
        self.send(SocketCommand::Pipe(n));
    }
}

/// What both ends know of one direction.
struct DirShared {
    /// Whole messages allowed in flight; 0 means no limit.
    hwm: AtomicU64,
    /// What a new HWM of this direction adds to the writer's (`set_hwms`):
    /// the reader's ZMQ_RCVHWM when an inproc pipe was made, -1 for none.
    boost: AtomicI32,
    /// Whole messages the reader has read (published every low-water mark).
    msgs_read: AtomicU64,
    writer_blocked: AtomicBool,
    writer_closed: AtomicBool,
    reader_closed: AtomicBool,
    /// Present for ZMQ_CONFLATE directions: only the newest message is kept.
    conflate: Option<Mutex<Conflated>>,
    /// Connection properties the reader attaches to every message it reads
    /// (set by a session once the handshake is done), and a generation
    /// counter so the reader reloads them only when they change. Attaching
    /// on the reading thread keeps the reference count's cache line there.
    metadata: Mutex<Option<Arc<Metadata>>>,
    metadata_gen: AtomicU64,
}

#[derive(Default)]
struct Conflated {
    frames: VecDeque<Msg>,
    reader_asleep: bool,
}

impl DirShared {
    fn new(hwm: u64, conflate: bool) -> DirShared {
        DirShared {
            hwm: AtomicU64::new(hwm),
            boost: AtomicI32::new(-1),
            msgs_read: AtomicU64::new(0),
            writer_blocked: AtomicBool::new(false),
            writer_closed: AtomicBool::new(false),
            reader_closed: AtomicBool::new(false),
            conflate: conflate.then(|| Mutex::new(Conflated::default())),
            metadata: Mutex::new(None),
            metadata_gen: AtomicU64::new(0),
        }
    }
}

struct Side {
    mailbox: Option<Arc<dyn Waker>>,
    routing_id: Option<Bytes>,
    /// What this side writes as it terminates (an inproc peer's
    /// `ZMQ_DISCONNECT_MSG`, set by that peer: `set_peer_farewell`).
    farewell: Option<Bytes>,
}

struct Shared {
    id: u64,
    /// dirs[i] is written by side i and read by side 1 - i.
    dirs: [DirShared; 2],
    sides: [Mutex<Side>; 2],
    /// `stats`: what each side last reported of its outbound queue, and the
    /// connection's local and remote address (set by a session).
    reported: [AtomicU64; 2],
    endpoints: Mutex<(String, String)>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Result of reading from a pipe.
#[derive(Debug)]
pub enum Read {
    Msg(Msg),
    /// Nothing now; the reader will get `ReadReady` when that changes.
    Empty,
    /// The peer closed and everything it sent has been read.
    Closed,
}

/// What `read_into` found.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum ReadStatus {
    Msg,
    Empty,
    Closed,
}

/// One end of a pipe, owned by one socket.
pub struct PipeEnd {
    shared: Arc<Shared>,
    side: usize,
    /// Our writing side (None for a conflating direction).
    tx: Option<ypipe::Producer<Msg>>,
    /// Our reading side (None for a conflating direction).
    rx: Option<ypipe::Consumer<Msg>>,
    /// Frames of the message being written, published on the last frame.
    pending: Vec<Msg>,
    /// Whole messages we wrote, and the peer's read count last seen.
    written: u64,
    peer_read: u64,
    /// Whole messages we read, and the count last published.
    read: u64,
    published: u64,
    terminated: bool,
    /// The other end belongs to a session on an I/O thread (tcp, ipc...),
    /// not to a socket (inproc).
    io_peer: bool,
    /// The inbound metadata as last loaded, with its generation.
    md_cache: (u64, Option<Arc<Metadata>>),
}

/// Settings of one end when a pipe is created or attached.
pub struct EndConfig {
    /// Who is woken when this end has something to do.
    pub mailbox: Option<Arc<dyn Waker>>,
    pub routing_id: Option<Bytes>,
}

impl PipeEnd {
    /// Creates a pipe; `hwm[i]` limits what side i writes (0 = unlimited).
    pub fn pair(a: EndConfig, b: EndConfig, hwm: [u64; 2], conflate: [bool; 2]) -> (PipeEnd, PipeEnd) {
        let shared = Arc::new(Shared {
            id: NEXT_PIPE_ID.fetch_add(1, Ordering::Relaxed),
            dirs: [DirShared::new(hwm[0], conflate[0]), DirShared::new(hwm[1], conflate[1])],
            sides: [
                Mutex::new(Side { mailbox: a.mailbox, routing_id: a.routing_id, farewell: None }),
                Mutex::new(Side { mailbox: b.mailbox, routing_id: b.routing_id, farewell: None }),
            ],
            reported: [AtomicU64::new(0), AtomicU64::new(0)],
            endpoints: Mutex::new((String::new(), String::new())),
        });
        // Direction 0: a writes, b reads. Direction 1: b writes, a reads.
        let (tx0, rx0) = if conflate[0] { (None, None) } else { split(ypipe::channel()) };
        let (tx1, rx1) = if conflate[1] { (None, None) } else { split(ypipe::channel()) };
        let end = |side, tx, rx| PipeEnd {
            shared: shared.clone(),
            side,
            tx,
            rx,
            pending: Vec::new(),
            written: 0,
            peer_read: 0,
            read: 0,
            published: 0,
            terminated: false,
            io_peer: false,
            md_cache: (0, None),
        };
        (end(0, tx0, rx1), end(1, tx1, rx0))
    }

    pub fn id(&self) -> u64 {
        self.shared.id
    }

    /// Marks this end as the socket's end of a session's pipe.
    pub fn set_io_peer(&mut self) {
        self.io_peer = true;
    }

    /// True when the other end is a session on an I/O thread.
    pub fn io_peer(&self) -> bool {
        self.io_peer
    }

    fn out_dir(&self) -> &DirShared {
        &self.shared.dirs[self.side]
    }

    fn in_dir(&self) -> &DirShared {
        &self.shared.dirs[1 - self.side]
    }

    /// Completes this end's attachment (connect-before-bind): records its
    /// mailbox and routing id, sets HWMs, and tells the peer.
    pub fn attach(&self, cfg: EndConfig, hwm: [u64; 2]) {
        {
            let mut s = lock(&self.shared.sides[self.side]);
            s.mailbox = cfg.mailbox;
            s.routing_id = cfg.routing_id;
        }
        self.out_dir().hwm.store(hwm[0], Ordering::Relaxed);
        self.in_dir().hwm.store(hwm[1], Ordering::Relaxed);
        // Messages may already be waiting: make sure the reader looks.
        self.notify_peer(Notify::PeerAttached(self.shared.id));
    }

    /// Records what a later HWM change adds to each direction's limit
    /// (inproc pipes; see `set_hwms`): for what this end writes, and for
    /// what it reads.
    pub fn set_hwm_boosts(&self, out: i32, inb: i32) {
        self.out_dir().boost.store(out, Ordering::Relaxed);
        self.in_dir().boost.store(inb, Ordering::Relaxed);
    }

    /// Applies new ZMQ_SNDHWM/ZMQ_RCVHWM values of this end's socket to
    /// the pipe, as libzmq 4.3.5 does for a socket's existing pipes
    /// (`pipe_t::set_hwms` on its end, then on the peer's): what this end
    /// writes is limited to `sndhwm`, what the peer writes to `rcvhwm`,
    /// each plus its direction's boost, or unlimited when the value is 0 or
    /// the boost is 0. For inproc the boost is the reader's RCVHWM when the
    /// pipe was made, so libzmq's quirk carries over: a new RCVHWM `r`
    /// lets the peer write `r` plus this socket's *old* RCVHWM (not plus
    /// the peer's SNDHWM). A writer already stopped at its HWM is not
    /// woken (libzmq's neither). Conflating directions have no HWM.
    pub fn set_hwms(&self, sndhwm: i32, rcvhwm: i32) {
        let limit = |hwm: i32, boost: i32| -> u64 {
            if hwm <= 0 || boost == 0 {
                0
            } else {
                hwm as u64 + boost.max(0) as u64
            }
        };
        for (d, hwm) in [(self.out_dir(), sndhwm), (self.in_dir(), rcvhwm)] {
            if d.conflate.is_none() {
                d.hwm.store(limit(hwm, d.boost.load(Ordering::Relaxed)), Ordering::Relaxed);
            }
        }
    }

    /// Sets the routing id this end presents to the peer (a session learns
    /// it from the handshake) and tells the peer's socket.
    pub fn set_routing_id(&self, rid: Bytes) {
        lock(&self.shared.sides[self.side]).routing_id = Some(rid);
        self.notify_peer(Notify::PeerAttached(self.shared.id));
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

    fn notify_peer(&self, n: Notify) {
        let mb = lock(&self.shared.sides[1 - self.side]).mailbox.clone();
        if let Some(mb) = mb {
            mb.notify(n);
        }
    }

    /// True when a new message may be written now. When false because of
    /// the HWM, the writer will get `WriteReady` once there is room.
    #[inline]
    pub fn check_write(&mut self) -> bool {
        if !self.pending.is_empty() {
            return true;
        }
        let d = &self.shared.dirs[self.side];
        if self.terminated || d.reader_closed.load(Ordering::Acquire) {
            return false;
        }
        if d.conflate.is_some() {
            return true;
        }
        let hwm = d.hwm.load(Ordering::Relaxed);
        if hwm == 0 || self.written - self.peer_read < hwm {
            return true;
        }
        self.check_write_full(hwm)
    }

    /// `check_write` once the cached read count says the pipe is full.
    #[cold]
    fn check_write_full(&mut self, hwm: u64) -> bool {
        let d = &self.shared.dirs[self.side];
        self.peer_read = d.msgs_read.load(Ordering::Acquire);
        if self.written - self.peer_read < hwm {
            return true;
        }
        // Full. Messages written with `write_deferred` must be visible, or
        // the reader could never make room: publish them first.
        self.flush();
        let d = &self.shared.dirs[self.side];
        // Say we are blocked, then look once more (the reader publishes its
        // count before it checks the flag, so one of us sees the other).
        d.writer_blocked.store(true, Ordering::SeqCst);
        self.peer_read = d.msgs_read.load(Ordering::SeqCst);
        self.written - self.peer_read < hwm
    }

    /// Writes a frame. The first frame of a message fails (returning it)
    /// when the pipe is full or closed; later frames are always accepted.
    /// A complete message is visible to the reader at once.
    pub fn write(&mut self, msg: Msg) -> Result<(), Msg> {
        let last = !msg.more();
        self.write_deferred(msg)?;
        if last {
            self.flush();
        }
        Ok(())
    }

    /// `write`, taking the frame out of `msg` (left empty) only when it is
    /// accepted; on refusal (`false`) `msg` is untouched. The send fast path:
    /// the frame is copied once, from the caller's message into the queue.
    #[inline]
    pub fn write_from(&mut self, msg: &mut Msg) -> bool {
        if msg.more() || self.tx.is_none() || !self.pending.is_empty() {
            return match self.write(std::mem::take(msg)) {
                Ok(()) => true,
                Err(m) => {
                    *msg = m;
                    false
                }
            };
        }
        // A single-frame message on an ordinary (not conflating) pipe.
        if !self.check_write() {
            return false;
        }
        self.written += 1;
        if let Some(tx) = self.tx.as_mut() {
            tx.push_take(msg);
        }
        self.flush();
        true
    }

    /// `write_deferred` of a small single-part message holding the first
    /// `len` bytes of `src` (`len <= MAX_INLINE`), built right in the queue:
    /// the session's fast path for small frames, straight from its read
    /// buffer. False (nothing written) when the pipe is full or closed, or
    /// a multipart message is being written.
    #[inline]
    pub fn write_small(&mut self, src: &[u8], len: usize) -> bool {
        if !self.pending.is_empty() || self.tx.is_none() || !self.check_write() {
            return false;
        }
        self.written += 1;
        let m = Msg::from_front(src, len);
        if let Some(tx) = self.tx.as_mut() {
            tx.push(m);
        }
        true
    }

    /// Publishes what `write_deferred` queued, waking a sleeping reader.
    pub fn flush(&mut self) {
        if let Some(tx) = self.tx.as_mut() {
            if !tx.flush() {
                self.notify_peer(Notify::ReadReady(self.shared.id));
            }
        }
    }

    /// Like `write`, but a complete message stays invisible until `flush`,
    /// so a batch of messages costs one publication (and at most one
    /// wake-up). For writers that produce many messages at once (sessions).
    pub fn write_deferred(&mut self, msg: Msg) -> Result<(), Msg> {
        if self.pending.is_empty() && !self.check_write() {
            return Err(msg);
        }
        if msg.more() {
            self.pending.push(msg);
            return Ok(());
        }
        self.written += 1;
        let wake = match self.tx.as_mut() {
            Some(tx) => {
                for f in self.pending.drain(..) {
                    tx.push(f);
                }
                tx.push(msg);
                false
            }
            None => {
                let Some(c) = self.shared.dirs[self.side].conflate.as_ref() else { return Ok(()) };
                let mut frames: VecDeque<Msg> = self.pending.drain(..).collect();
                frames.push_back(msg);
                let mut g = lock(c);
                let old = std::mem::replace(&mut g.frames, frames);
                let wake = std::mem::replace(&mut g.reader_asleep, false);
                drop(g);
                // Dropped unlocked: a zero-copy free function may call back in.
                drop(old);
                wake
            }
        };
        if wake {
            self.notify_peer(Notify::ReadReady(self.shared.id));
        }
        Ok(())
    }

    /// Drops the frames of an unfinished outgoing message.
    pub fn rollback(&mut self) {
        self.pending.clear();
    }

    /// True when a complete message is waiting (marks the reader asleep if not).
    pub fn check_read(&mut self) -> bool {
        match self.rx.as_mut() {
            Some(rx) => rx.check_read(),
            None => self.conflated_check(),
        }
    }

    fn conflated_check(&self) -> bool {
        let Some(c) = self.in_dir().conflate.as_ref() else { return false };
        let mut g = lock(c);
        if g.frames.is_empty() {
            g.reader_asleep = true;
            false
        } else {
            true
        }
    }

    fn pop(&mut self) -> Option<Msg> {
        match self.rx.as_mut() {
            Some(rx) => rx.pop(),
            None => {
                let c = self.shared.dirs[1 - self.side].conflate.as_ref()?;
                let mut g = lock(c);
                let m = g.frames.pop_front();
                if m.is_none() {
                    g.reader_asleep = true;
                }
                m
            }
        }
    }

    /// Publishes our read count and wakes a writer stopped at its HWM.
    fn publish_read(&mut self) {
        if self.published == self.read {
            return;
        }
        self.published = self.read;
        let d = &self.shared.dirs[1 - self.side];
        d.msgs_read.store(self.read, Ordering::SeqCst);
        if d.writer_blocked.swap(false, Ordering::SeqCst) {
            self.notify_peer(Notify::WriteReady(self.shared.id));
        }
    }

    /// Sets the properties the peer attaches to every message it reads from
    /// us from now on (`zmq_msg_gets`); None removes them.
    pub fn set_outbound_metadata(&self, md: Option<Arc<Metadata>>) {
        let d = self.out_dir();
        *lock(&d.metadata) = md;
        d.metadata_gen.fetch_add(1, Ordering::Release);
    }

    #[inline]
    fn attach_metadata(&mut self, m: &mut Msg) {
        let gen = self.in_dir().metadata_gen.load(Ordering::Acquire);
        if gen != 0 {
            self.attach_metadata_gen(m, gen);
        }
    }

    fn attach_metadata_gen(&mut self, m: &mut Msg, gen: u64) {
        if gen != self.md_cache.0 {
            let md = lock(&self.in_dir().metadata).clone();
            self.md_cache = (gen, md);
        }
        if let Some(md) = &self.md_cache.1 {
            if m.metadata().is_none() {
                m.set_metadata(Some(md.clone()));
            }
        }
    }

    /// Bookkeeping for a frame just taken: metadata, and the read count
    /// (published every low-water mark so a blocked writer can go on).
    #[inline]
    fn took(&mut self, m: &mut Msg) {
        self.attach_metadata(m);
        if !m.more() {
            self.read += 1;
            let hwm = self.in_dir().hwm.load(Ordering::Relaxed);
            let lwm = if hwm == 0 { 1024 } else { hwm.div_ceil(2) };
            if self.read - self.published >= lwm {
                self.publish_read();
            }
        }
    }

    /// Takes the next frame into `out` (no bookkeeping).
    #[inline]
    fn pop_into(&mut self, out: &mut Msg) -> bool {
        match self.rx.as_mut() {
            Some(rx) => rx.pop_into(out),
            None => match self.pop() {
                Some(m) => {
                    *out = m;
                    true
                }
                None => false,
            },
        }
    }

    /// Reads one frame into `out` (replacing its content): the receive
    /// fast path, which moves the frame once instead of through return
    /// values. On `Empty`/`Closed`, `out` is untouched.
    #[inline]
    pub fn read_into(&mut self, out: &mut Msg) -> ReadStatus {
        if self.pop_into(out) {
            self.took(out);
            return ReadStatus::Msg;
        }
        self.publish_read();
        if self.in_dir().writer_closed.load(Ordering::Acquire) {
            // What the writer published before closing is visible now.
            if self.pop_into(out) {
                self.took(out);
                return ReadStatus::Msg;
            }
            return ReadStatus::Closed;
        }
        ReadStatus::Empty
    }

    /// Reads one frame.
    pub fn read(&mut self) -> Read {
        let mut m = Msg::new();
        match self.read_into(&mut m) {
            ReadStatus::Msg => Read::Msg(m),
            ReadStatus::Empty => Read::Empty,
            ReadStatus::Closed => Read::Closed,
        }
    }

    /// True once the peer has closed and every message it sent was read.
    pub fn is_drained_and_closed(&mut self) -> bool {
        self.in_dir().writer_closed.load(Ordering::Acquire) && !self.check_read()
    }

    /// True once the peer has closed its end.
    pub fn peer_closed(&self) -> bool {
        self.out_dir().reader_closed.load(Ordering::Acquire)
    }

    /// Drops every message queued for this end to read (used by unbind or
    /// when a socket is closed).
    pub fn discard_inbound(&mut self) {
        while self.pop().is_some() {}
    }

    /// Closes this end: what we already wrote stays readable by the peer,
    /// what was sent to us is dropped, and the peer is told.
    /// The message the other end writes when it terminates: a bound
    /// socket's `ZMQ_DISCONNECT_MSG`, heard when an inproc peer that
    /// connected to it disconnects or closes (as libzmq).
    pub fn set_peer_farewell(&self, msg: Bytes) {
        lock(&self.shared.sides[1 - self.side]).farewell = Some(msg);
    }

    pub fn terminate(&mut self) {
        if self.terminated {
            return;
        }
        self.pending.clear();
        let farewell = lock(&self.shared.sides[self.side]).farewell.take();
        if let Some(b) = farewell {
            // Dropped when the pipe is full.
            let _ = self.write(Msg::from_bytes(b));
        }
        self.terminated = true;
        self.out_dir().writer_closed.store(true, Ordering::Release);
        self.in_dir().reader_closed.store(true, Ordering::Release);
        // No lock is held here: a zero-copy message's free function may
        // call back into the library (even into this pipe's peer socket).
        self.discard_inbound();
        lock(&self.shared.sides[self.side]).mailbox = None;
        self.notify_peer(Notify::Closed(self.shared.id));
    }
}

mod stats;

fn split<T>(p: (ypipe::Producer<T>, ypipe::Consumer<T>)) -> (Option<ypipe::Producer<T>>, Option<ypipe::Consumer<T>>) {
    (Some(p.0), Some(p.1))
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
mod tests;
