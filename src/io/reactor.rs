//! An I/O thread: one `mio::Poll` loop that owns listeners and sessions.
//!
//! Owns: the poll loop, the thread's mailbox (registered in the poll set),
//! timers, and dispatching readiness, timers and commands to the objects it
//! owns, which it knows only as `Handler`s. Must not: parse bytes
//! (sessions and the ZMTP core do) or route messages (sockets do).
//! Application threads never block on it.

use super::mailbox::{Mailbox, Notify, Waker};
use super::watch::{Watch, WATCH};
use crate::error::*;
use crate::msg::large;
use mio::{Events, Interest, Poll, Registry, Token};
use slab::Slab;
use std::collections::{BTreeMap, HashMap};
use std::os::fd::RawFd;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc::SyncSender;
use std::sync::Arc;
use crate::util::thread::Scheduling;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Work handed to an I/O thread.
pub enum IoCommand {
    /// One of its objects' pipes has news (through `Waker`).
    Pipe(Notify),
    /// Own this object (a listener, a connecting session).
    Spawn(Box<dyn Handler>),
    /// The socket unbound or disconnected this endpoint. `done`, when set,
    /// is signalled once the matching objects are closed.
    CloseEndpoint { socket_id: u64, endpoint: String, done: Option<SyncSender<()>> },
    /// The socket was closed: close its listeners and its sessions that
    /// carry no pipe (sessions with a pipe finish when the pipe ends).
    /// `done` as for `CloseEndpoint`.
    CloseSocket { socket_id: u64, done: Option<SyncSender<()>> },
    /// The context is terminating: finish (within linger) and exit.
    Stop,
}

/// An I/O thread's mailbox.
pub type IoMailbox = Mailbox<IoCommand>;

impl Waker for Mailbox<IoCommand> {
    fn notify(&self, n: Notify) {
        self.send(IoCommand::Pipe(n));
    }
}

/// An object an I/O thread owns (a listener, a session): the reactor calls
/// it for its fd's readiness, its timers and its pipes' news, with the
/// `Io` services and its own key.
pub trait Handler: Send {
    /// Inserted: register fds, start timers, start work.
    fn start(&mut self, io: &mut Io, key: usize);
    /// Its fd is readable and/or writable (or closed, or in error).
    fn ready(&mut self, io: &mut Io, key: usize, readable: bool, writable: bool);
    /// One of its timers fired.
    fn timer(&mut self, io: &mut Io, key: usize, id: TimerId);
    /// A pipe it registered in `io.pipe_owner` has news.
    fn notify(&mut self, _io: &mut Io, _key: usize, _n: Notify) {}
    /// The socket it serves and the endpoint it belongs to.
    fn owner(&self) -> (u64, &str);
    /// It carries a pipe to its socket (such a session ends when the pipe
    /// does, not when the socket closes).
    fn holds_pipe(&self) -> bool {
        false
    }
    /// unbind, disconnect or close: end now.
    fn close(&mut self, io: &mut Io, key: usize);
    /// The context is terminating.
    fn context_stopping(&mut self, io: &mut Io, key: usize);
    /// It panicked half-way through an event: end, touching as little of
    /// its (untrusted) state as possible.
    fn abort(&mut self, io: &mut Io, key: usize) {
        self.close(io, key);
    }
}

/// What objects may use while handling an event.
pub struct Io {
    registry: Registry,
    mailbox: Arc<IoMailbox>,
    /// Armed timers in firing order, each for one object's key.
    timers: BTreeMap<TimerId, usize>,
    next_timer: u64,
    /// Pipe id → key of the session that owns its other end.
    pub pipe_owner: HashMap<u64, usize>,
    /// Objects created while handling an event, inserted afterwards.
    spawned: Vec<Box<dyn Handler>>,
    /// Set by an object that wants to be removed.
    pub remove_me: bool,
    /// One read buffer for all sessions of this thread: a session copies
    /// what it read out at once, so none needs its own.
    pub readbuf: Vec<u8>,
    /// Frames sessions moved between pipes and connections (counted for
    /// the watch heuristic in `Reactor::watch`).
    pub frames: u64,
}

impl Io {
    pub fn registry(&self) -> &Registry {
        &self.registry
    }
    pub fn mailbox(&self) -> &Arc<IoMailbox> {
        &self.mailbox
    }

    /// This thread's mailbox as the `Waker` of pipes its objects read.
    pub fn waker(&self) -> Arc<dyn Waker> {
        self.mailbox.clone()
    }
    /// Schedules a timer for object `key` after `after`; returns its id.
    pub fn add_timer(&mut self, key: usize, after: Duration) -> TimerId {
        self.add_timer_at(key, Instant::now() + after)
    }

    /// Schedules a timer for object `key` at `when`; returns its id.
    pub fn add_timer_at(&mut self, key: usize, when: Instant) -> TimerId {
        self.next_timer += 1;
        let id = TimerId { when, seq: self.next_timer };
        self.timers.insert(id, key);
        id
    }

    /// Cancels a timer that has not fired (a fired or unknown id is ignored).
    pub fn cancel_timer(&mut self, id: TimerId) {
        self.timers.remove(&id);
    }
    pub fn spawn(&mut self, obj: Box<dyn Handler>) {
        self.spawned.push(obj);
    }
}

/// A timer: when it fires, and a sequence number that makes it unique.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimerId {
    pub when: Instant,
    seq: u64,
}

pub fn token(key: usize) -> Token {
    Token(key + 1)
}

const MAILBOX: Token = Token(0);

pub struct IoThread {
    mailbox: Arc<IoMailbox>,
    join: Option<JoinHandle<()>>,
}

impl IoThread {
    /// Starts I/O thread `index`, named and scheduled as the context's
    /// options ask (`ZMQbg/IO/<index>`, as libzmq names it).
    pub fn start(index: usize, sched: &Scheduling) -> ZResult<IoThread> {
        let mailbox = Arc::new(IoMailbox::new()?);
        let poll = Poll::new().map_err(|e| e.raw_os_error().unwrap_or(EMFILE))?;
        let registry = poll.registry().try_clone().map_err(|e| e.raw_os_error().unwrap_or(EMFILE))?;
        let mfd: RawFd = mailbox.fd();
        registry
            .register(&mut mio::unix::SourceFd(&mfd), MAILBOX, Interest::READABLE)
            .map_err(|e| e.raw_os_error().unwrap_or(EINVAL))?;
        let io = Io {
            registry,
            mailbox: mailbox.clone(),
            timers: BTreeMap::new(),
            next_timer: 0,
            pipe_owner: HashMap::new(),
            spawned: Vec::new(),
            remove_me: false,
            readbuf: Vec::new(),
            frames: 0,
        };
        let sched = sched.clone();
        let join = std::thread::Builder::new()
            .name(sched.thread_name(&format!("IO/{index}")))
            .spawn(move || {
                sched.apply_to_current_thread();
                Reactor { watch: Watch::default(), poll, io, objects: Slab::new(), stopping: false }.run()
            })
            .map_err(|_| EMTHREAD)?;
        Ok(IoThread { mailbox, join: Some(join) })
    }

    pub fn mailbox(&self) -> &Arc<IoMailbox> {
        &self.mailbox
    }

    /// Asks the thread to finish (after sessions flush within their linger)
    /// and waits for it.
    pub fn stop(&mut self) {
        self.mailbox.send(IoCommand::Stop);
        if let Some(j) = self.join.take() {
            let _ = j.join();
        }
    }
}

/// A pass that moved this many frames means streaming: no watch after it.
const WATCH_BUSY: u64 = 32;

struct Reactor {
    /// Watch-before-sleep statistics (see `watch`).
    watch: Watch,
    poll: Poll,
    io: Io,
    objects: Slab<Option<Box<dyn Handler>>>,
    stopping: bool,
}

impl Reactor {
    fn run(mut self) {
        let mut events = Events::with_capacity(256);
        let mut cmds = Vec::new();
        let mut frames_before = 0;
        let mut last_trim = Instant::now();
        loop {
            if self.stopping && self.objects.is_empty() {
                return;
            }
            let mut timeout =
                self.io.timers.first_key_value().map(|(t, _)| t.when.saturating_duration_since(Instant::now()));
            // Pooled large buffers are given back once unused for a while,
            // even when nothing else happens (msg::large::trim_idle).
            let pooled = large::pooled();
            if pooled {
                timeout = Some(timeout.map_or(large::KEEP, |t| t.min(large::KEEP)));
            }
            let moved = self.io.frames - frames_before;
            frames_before = self.io.frames;
            if !self.watch(&mut events, timeout, moved) {
                if let Err(e) = self.poll.poll(&mut events, timeout) {
                    if e.kind() != std::io::ErrorKind::Interrupted {
                        return;
                    }
                }
            }
            if pooled {
                let now = Instant::now();
                if now.saturating_duration_since(last_trim) >= large::KEEP {
                    last_trim = now;
                    large::trim_idle();
                }
            }
            let mut mailbox_woke = false;
            for ev in events.iter() {
                if ev.token() == MAILBOX {
                    mailbox_woke = true;
                    continue;
                }
                let key = ev.token().0 - 1;
                let readable = ev.is_readable() || ev.is_read_closed();
                let writable = ev.is_writable() || ev.is_error() || ev.is_write_closed();
                self.dispatch(key, |obj, io, key| obj.ready(io, key, readable, writable));
            }
            // Commands. A drain leaves the mailbox marked asleep, so every
            // later command raises `has_pending` (and the eventfd): looking
            // only then spares a read syscall per loop on a busy connection.
            if mailbox_woke || self.io.mailbox.has_pending() {
                self.io.mailbox.drain(&mut cmds);
            }
            for cmd in cmds.drain(..) {
                self.command(cmd);
            }
            // Timers.
            let now = Instant::now();
            while let Some((&id, &key)) = self.io.timers.first_key_value() {
                if id.when > now {
                    break;
                }
                self.io.timers.remove(&id);
                self.dispatch(key, |obj, io, key| obj.timer(io, key, id));
            }
        }
    }

    /// Before sleeping, looks for more work (non-blocking polls) as
    /// `io::watch` says: a peer or socket that answers soon spares this
    /// thread a sleep and a wake-up, most of a request-reply round trip.
    /// No watch after a pass that moved `WATCH_BUSY` frames or more: that
    /// is a stream, where sleeping costs nothing noticeable and lets the
    /// next batch grow, while watching would take the CPU from the threads
    /// that produce or consume it. Returns true when `events` was filled.
    fn watch(&mut self, events: &mut Events, timeout: Option<Duration>, moved: u64) -> bool {
        if moved >= WATCH_BUSY || timeout.is_some_and(|t| t < WATCH) {
            return false;
        }
        let poll = &mut self.poll;
        self.watch.run(|| matches!(poll.poll(events, Some(Duration::ZERO)), Ok(()) if !events.is_empty()))
    }

    /// Runs `f` on object `key`, then inserts what it spawned and removes
    /// it if it asked to be removed.
    fn dispatch(&mut self, key: usize, f: impl FnOnce(&mut dyn Handler, &mut Io, usize)) {
        self.run_on(key, f);
        self.insert_spawned();
    }

    /// Runs `f` on object `key` and removes it if it asked to be removed;
    /// what it spawned stays in `io.spawned`. A panic in `f` (a bug) ends
    /// only that object (see `contain_panic`), never the thread.
    fn run_on(&mut self, key: usize, f: impl FnOnce(&mut dyn Handler, &mut Io, usize)) {
        let Some(slot) = self.objects.get_mut(key) else { return };
        let Some(mut obj) = slot.take() else { return };
        self.io.remove_me = false;
        let io = &mut self.io;
        if catch_unwind(AssertUnwindSafe(|| f(obj.as_mut(), io, key))).is_err() {
            self.contain_panic(key, obj);
            return;
        }
        if self.io.remove_me {
            self.io.remove_me = false;
            self.objects.remove(key);
            drop(obj);
        } else if let Some(slot) = self.objects.get_mut(key) {
            *slot = Some(obj);
        }
    }

    /// An object panicked half-way through an event: its state cannot be
    /// trusted, so it is closed (a connection reports DISCONNECTED and its
    /// pipe ends) and removed, with every timer and pipe that named it. The
    /// other objects of this thread go on.
    #[cold]
    fn contain_panic(&mut self, key: usize, mut obj: Box<dyn Handler>) {
        self.io.remove_me = false;
        let io = &mut self.io;
        let _ = catch_unwind(AssertUnwindSafe(|| obj.abort(io, key)));
        let _ = catch_unwind(AssertUnwindSafe(move || drop(obj)));
        self.io.remove_me = false;
        self.io.pipe_owner.retain(|_, k| *k != key);
        self.io.timers.retain(|_, k| *k != key);
        self.objects.remove(key);
    }

    /// Inserts and starts every spawned object, and what those spawn in
    /// turn, in one loop: a burst of accepted connections must not nest a
    /// call per connection (that overflowed the I/O thread's stack).
    fn insert_spawned(&mut self) {
        while let Some(obj) = self.io.spawned.pop() {
            let key = self.objects.insert(None);
            self.objects[key] = Some(obj);
            self.run_on(key, |obj, io, key| obj.start(io, key));
        }
    }

    fn command(&mut self, cmd: IoCommand) {
        match cmd {
            IoCommand::Pipe(n) => {
                let id = n.pipe_id();
                if let Some(&k) = self.io.pipe_owner.get(&id) {
                    self.dispatch(k, |o, io, k| o.notify(io, k, n));
                }
            }
            IoCommand::Spawn(obj) => {
                self.io.spawn(obj);
                self.insert_spawned();
            }
            IoCommand::CloseEndpoint { socket_id, endpoint, done } => {
                self.close_matching(|o| o.owner() == (socket_id, endpoint.as_str()));
                if let Some(d) = done {
                    let _ = d.send(());
                }
            }
            IoCommand::CloseSocket { socket_id, done } => {
                self.close_matching(|o| o.owner().0 == socket_id && !o.holds_pipe());
                if let Some(d) = done {
                    let _ = d.send(());
                }
            }
            IoCommand::Stop => {
                self.stopping = true;
                let keys: Vec<usize> = self.objects.iter().map(|(k, _)| k).collect();
                for k in keys {
                    self.dispatch(k, |o, io, k| o.context_stopping(io, k));
                }
            }
        }
    }

    fn close_matching(&mut self, pred: impl Fn(&dyn Handler) -> bool) {
        let keys: Vec<usize> = self
            .objects
            .iter()
            .filter(|(_, o)| o.as_deref().is_some_and(&pred))
            .map(|(k, _)| k)
            .collect();
        for k in keys {
            self.dispatch(k, |o, io, k| o.close(io, k));
        }
    }
}
