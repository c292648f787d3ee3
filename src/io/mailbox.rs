//! A socket's command queue plus the signaler that wakes its owner.
//!
//! Owns: queueing commands from other threads and the empty→non-empty
//! edge on the signaler. The signaler fires only when the queue goes from
//! empty to non-empty, and is reset when the owner drains it, which gives
//! `ZMQ_FD` libzmq's edge-triggered contract.

use super::signaler::Signaler;
use crate::error::ZResult;
use crate::pipe::PipeEnd;
use std::collections::VecDeque;
use std::os::raw::c_int;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

/// Commands sent to a socket by its peers, the context or I/O threads.
pub enum Command {
    /// The pipe with this id has messages to read again.
    ActivateRead(u64),
    /// The pipe with this id has room to write again.
    ActivateWrite(u64),
    /// A new pipe to attach: the bind side of an inproc connection, or a
    /// tcp/ipc connection once its handshake is done. The flag says whether
    /// the socket itself initiated it (its own connect), which decides
    /// where ZMQ_CONNECT_ROUTING_ID applies.
    Attach(PipeEnd, bool),
    /// The peer of this pipe attached itself (and set its routing id).
    PeerAttached(u64),
    /// The peer of this pipe went away.
    PipeTerm(u64),
    /// The connection behind this pipe was re-established (a SUB resends
    /// its subscriptions).
    Hiccup(u64),
    /// The context is terminating (for an I/O thread: finish and exit).
    Stop,
    /// Work for an I/O thread.
    Io(Box<crate::io::reactor::IoCommand>),
}

pub struct Mailbox {
    queue: Mutex<Queue>,
    /// Fast check for "something may be queued", without the lock.
    pending: AtomicBool,
    signaler: Signaler,
}

struct Queue {
    cmds: VecDeque<Command>,
    /// The owner is gone: further commands are dropped (a dropped pipe end
    /// terminates itself, so its peer learns that nobody will read).
    closed: bool,
}

impl Mailbox {
    pub fn new() -> ZResult<Mailbox> {
        Ok(Mailbox {
            queue: Mutex::new(Queue { cmds: VecDeque::new(), closed: false }),
            pending: AtomicBool::new(false),
            signaler: Signaler::new()?,
        })
    }

    pub fn fd(&self) -> c_int {
        self.signaler.fd()
    }

    pub fn send(&self, cmd: Command) {
        let mut q = self.queue.lock().unwrap_or_else(|e| e.into_inner());
        if q.closed {
            drop(q);
            drop(cmd);
            return;
        }
        let was_empty = q.cmds.is_empty();
        q.cmds.push_back(cmd);
        if was_empty {
            self.pending.store(true, Ordering::Release);
            self.signaler.send();
        }
    }

    /// True when a command may be waiting (cheap; no lock, no syscall).
    pub fn has_pending(&self) -> bool {
        self.pending.load(Ordering::Acquire)
    }

    /// Takes every queued command; when none is left the signaler is reset
    /// under the lock so the next `send` raises a fresh edge.
    pub fn drain(&self, out: &mut Vec<Command>) {
        let mut q = self.queue.lock().unwrap_or_else(|e| e.into_inner());
        out.extend(q.cmds.drain(..));
        if self.pending.swap(false, Ordering::AcqRel) {
            self.signaler.reset();
        }
    }

    /// Marks the owner gone and returns what was still queued (to be
    /// dropped by the caller, outside the lock).
    pub fn close(&self) -> Vec<Command> {
        let mut q = self.queue.lock().unwrap_or_else(|e| e.into_inner());
        q.closed = true;
        q.cmds.drain(..).collect()
    }

    /// Waits for a command (or timeout, -1 forever). Err(EINTR) on a signal.
    pub fn wait(&self, timeout_ms: c_int) -> ZResult<bool> {
        if self.has_pending() {
            return Ok(true);
        }
        self.signaler.wait(timeout_ms)
    }
}
