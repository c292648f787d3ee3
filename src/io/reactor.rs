//! An I/O thread: one `mio::Poll` loop that owns listeners and sessions.
//!
//! Owns: the poll loop, the thread's mailbox (registered in the poll set),
//! timers, and dispatching readiness, timers and commands to the objects it
//! owns. Must not: parse bytes (sessions and the ZMTP core do) or route
//! messages (sockets do). Application threads never block on it.

use super::mailbox::{Command, Mailbox};
use super::watch::{Watch, WATCH};
use crate::error::*;
use crate::msg::large;
use crate::session::Session;
use crate::transport::listener::Listener;
use mio::{Events, Interest, Poll, Registry, Token};
use slab::Slab;
use std::collections::{BTreeMap, HashMap};
use std::os::fd::RawFd;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc::SyncSender;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Work handed to an I/O thread.
pub enum IoCommand {
    /// Own this listener (already bound and listening).
    Listen(Listener),
    /// Own this connecting session.
    Connect(Box<Session>),
    /// The socket unbound or disconnected this endpoint. `done`, when set,
    /// is signalled once the matching objects are closed.
    CloseEndpoint { socket_id: u64, endpoint: String, done: Option<SyncSender<()>> },
    /// The socket was closed: close its listeners and its sessions that
    /// carry no pipe (sessions with a pipe finish when the pipe ends).
    /// `done` as for `CloseEndpoint`.
    CloseSocket { socket_id: u64, done: Option<SyncSender<()>> },
}

// Sessions are the common object; keeping them unboxed saves an indirection
// per event, and the few listeners waste the difference.
#[allow(clippy::large_enum_variant)]
pub enum Obj {
    Listener(Listener),
    Session(Session),
}

/// What objects may use while handling an event.
pub struct Io {
    registry: Registry,
    mailbox: Arc<Mailbox>,
    /// Armed timers in firing order, each for one object's key.
    timers: BTreeMap<TimerId, usize>,
    next_timer: u64,
    /// Pipe id → key of the session that owns its other end.
    pub pipe_owner: HashMap<u64, usize>,
    /// Objects created while handling an event, inserted afterwards.
    spawned: Vec<Obj>,
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
    pub fn mailbox(&self) -> &Arc<Mailbox> {
        &self.mailbox
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
    pub fn spawn(&mut self, obj: Obj) {
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
    mailbox: Arc<Mailbox>,
    join: Option<JoinHandle<()>>,
}

impl IoThread {
    pub fn start(index: usize) -> ZResult<IoThread> {
        let mailbox = Arc::new(Mailbox::new()?);
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
        let join = std::thread::Builder::new()
            .name(format!("ZMQbg/IO/{index}"))
            .spawn(move || Reactor { watch: Watch::default(), poll, io, objects: Slab::new(), stopping: false }.run())
            .map_err(|_| EMTHREAD)?;
        Ok(IoThread { mailbox, join: Some(join) })
    }

    pub fn mailbox(&self) -> &Arc<Mailbox> {
        &self.mailbox
    }

    /// Asks the thread to finish (after sessions flush within their linger)
    /// and waits for it.
    pub fn stop(&mut self) {
        self.mailbox.send(Command::Stop);
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
    objects: Slab<Option<Obj>>,
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
                self.dispatch(key, |obj, io, key| match obj {
                    Obj::Listener(l) => l.ready(io, key),
                    Obj::Session(s) => s.ready(io, key, ev.is_readable() || ev.is_read_closed(), ev.is_writable() || ev.is_error() || ev.is_write_closed()),
                });
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
                self.dispatch(key, |obj, io, key| match obj {
                    Obj::Listener(l) => l.timer(io, key, id),
                    Obj::Session(s) => s.timer(io, key, id),
                });
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
    fn dispatch(&mut self, key: usize, f: impl FnOnce(&mut Obj, &mut Io, usize)) {
        self.run_on(key, f);
        self.insert_spawned();
    }

    /// Runs `f` on object `key` and removes it if it asked to be removed;
    /// what it spawned stays in `io.spawned`. A panic in `f` (a bug) ends
    /// only that object (see `contain_panic`), never the thread.
    fn run_on(&mut self, key: usize, f: impl FnOnce(&mut Obj, &mut Io, usize)) {
        let Some(slot) = self.objects.get_mut(key) else { return };
        let Some(mut obj) = slot.take() else { return };
        self.io.remove_me = false;
        let io = &mut self.io;
        if catch_unwind(AssertUnwindSafe(|| f(&mut obj, io, key))).is_err() {
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
    fn contain_panic(&mut self, key: usize, mut obj: Obj) {
        self.io.remove_me = false;
        let io = &mut self.io;
        let _ = catch_unwind(AssertUnwindSafe(|| match &mut obj {
            Obj::Listener(l) => l.close(io, key),
            Obj::Session(s) => s.abort(io),
        }));
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
            self.run_on(key, |obj, io, key| match obj {
                Obj::Listener(l) => l.start(io, key),
                Obj::Session(s) => s.start(io, key),
            });
        }
    }

    fn command(&mut self, cmd: Command) {
        match cmd {
            Command::ActivateRead(id) | Command::PeerAttached(id) => {
                if let Some(&k) = self.io.pipe_owner.get(&id) {
                    self.dispatch(k, |o, io, k| {
                        if let Obj::Session(s) = o {
                            s.pipe_readable(io, k)
                        }
                    });
                }
            }
            Command::ActivateWrite(id) => {
                if let Some(&k) = self.io.pipe_owner.get(&id) {
                    self.dispatch(k, |o, io, k| {
                        if let Obj::Session(s) = o {
                            s.pipe_writable(io, k)
                        }
                    });
                }
            }
            Command::PipeTerm(id) => {
                if let Some(&k) = self.io.pipe_owner.get(&id) {
                    self.dispatch(k, |o, io, k| {
                        if let Obj::Session(s) = o {
                            s.pipe_terminated(io, k)
                        }
                    });
                }
            }
            Command::Io(io_cmd) => match *io_cmd {
                IoCommand::Listen(l) => {
                    self.io.spawn(Obj::Listener(l));
                    self.insert_spawned();
                }
                IoCommand::Connect(s) => {
                    self.io.spawn(Obj::Session(*s));
                    self.insert_spawned();
                }
                IoCommand::CloseEndpoint { socket_id, endpoint, done } => {
                    self.close_matching(|o| match o {
                        Obj::Listener(l) => l.socket_id() == socket_id && l.endpoint() == endpoint,
                        Obj::Session(s) => s.socket_id() == socket_id && s.endpoint() == endpoint,
                    });
                    if let Some(d) = done {
                        let _ = d.send(());
                    }
                }
                IoCommand::CloseSocket { socket_id, done } => {
                    self.close_matching(|o| match o {
                        Obj::Listener(l) => l.socket_id() == socket_id,
                        Obj::Session(s) => s.socket_id() == socket_id && !s.has_pipe(),
                    });
                    if let Some(d) = done {
                        let _ = d.send(());
                    }
                }
            },
            Command::Stop => {
                self.stopping = true;
                self.close_matching(|o| matches!(o, Obj::Listener(_)));
                let keys: Vec<usize> = self.objects.iter().map(|(k, _)| k).collect();
                for k in keys {
                    self.dispatch(k, |o, io, k| {
                        if let Obj::Session(s) = o {
                            s.context_stopping(io, k)
                        }
                    });
                }
            }
            Command::Attach(..) | Command::Hiccup(_) => {}
        }
    }

    fn close_matching(&mut self, pred: impl Fn(&Obj) -> bool) {
        let keys: Vec<usize> = self
            .objects
            .iter()
            .filter(|(_, o)| o.as_ref().is_some_and(&pred))
            .map(|(k, _)| k)
            .collect();
        for k in keys {
            self.dispatch(k, |o, io, k| match o {
                Obj::Listener(l) => l.close(io, k),
                Obj::Session(s) => s.close(io, k),
            });
        }
    }
}
