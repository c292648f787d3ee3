//! A socket's command queue plus the signaler that wakes its owner.
//!
//! Owns: queueing commands from other threads and the empty→non-empty
//! edge on the signaler. The signaler fires only when the queue goes from
//! empty to non-empty, and is reset when the owner drains it, which gives
//! `ZMQ_FD` libzmq's edge-triggered contract.

use super::signaler::Signaler;
use super::watch::Watch;
use crate::error::ZResult;
use crate::pipe::{ypipe, PipeEnd};
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
    Attach(Box<PipeEnd>, bool),
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
    /// Senders serialise on this lock; the owner reads without it.
    writer: Mutex<Writer>,
    /// Only the owner thread takes this (uncontended).
    reader: Mutex<ypipe::Consumer<Command>>,
    /// Set (after the eventfd was written) when a sender woke the owner;
    /// the owner clears it and resets the eventfd.
    signaled: AtomicBool,
    /// The owner's watch-before-sleep statistics (see `wait`).
    watch: Watch,
    signaler: Signaler,
}

struct Writer {
    tx: ypipe::Producer<Command>,
    /// The owner is gone: further commands are dropped (a dropped pipe end
    /// terminates itself, so its peer learns that nobody will read).
    closed: bool,
}

impl Mailbox {
    pub fn new() -> ZResult<Mailbox> {
        let (tx, mut rx) = ypipe::channel();
        // Start asleep, so the very first command raises the signal.
        let _ = rx.check_read();
        Ok(Mailbox {
            writer: Mutex::new(Writer { tx, closed: false }),
            reader: Mutex::new(rx),
            signaled: AtomicBool::new(false),
            watch: Watch::default(),
            signaler: Signaler::new()?,
        })
    }

    pub fn fd(&self) -> c_int {
        self.signaler.fd()
    }

    pub fn send(&self, cmd: Command) {
        let mut w = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        if w.closed {
            drop(w);
            drop(cmd);
            return;
        }
        w.tx.push(cmd);
        let awake = w.tx.flush();
        drop(w);
        if !awake {
            // The owner had found its queue empty: wake it (once).
            self.signaler.send();
            self.signaled.store(true, Ordering::Release);
        }
    }

    /// True when a command may be waiting (cheap; no lock, no syscall).
    pub fn has_pending(&self) -> bool {
        self.signaled.load(Ordering::Acquire)
    }

    /// Takes every queued command. Afterwards the owner counts as asleep:
    /// the next `send` raises a fresh edge on the eventfd (`ZMQ_FD`).
    pub fn drain(&self, out: &mut Vec<Command>) {
        // Reset the eventfd whatever `signaled` says: a sender sets the flag
        // just after writing the fd, so the flag may lag; resetting only on
        // the flag could leave the fd readable with nothing to read, and a
        // waiter would spin on it.
        self.signaled.store(false, Ordering::SeqCst);
        self.signaler.reset();
        let mut rx = self.reader.lock().unwrap_or_else(|e| e.into_inner());
        while let Some(c) = rx.pop() {
            out.push(c);
        }
    }

    /// Marks the owner gone and returns what was still queued (to be
    /// dropped by the caller).
    pub fn close(&self) -> Vec<Command> {
        self.writer.lock().unwrap_or_else(|e| e.into_inner()).closed = true;
        let mut out = Vec::new();
        self.drain(&mut out);
        out
    }

    /// Waits up to `timeout_ms` (-1: forever) for a command; `watch`: look
    /// for it for a short while before sleeping (see `spin`). Err(EINTR) on
    /// a signal.
    pub fn wait(&self, timeout_ms: c_int, watch: bool) -> ZResult<bool> {
        if self.has_pending() || (watch && timeout_ms != 0 && self.spin()) {
            return Ok(true);
        }
        self.signaler.wait(timeout_ms)
    }

    /// Watches for a command before the owner sleeps (see `io::watch`).
    fn spin(&self) -> bool {
        self.watch.run(|| {
            for _ in 0..32 {
                if self.has_pending() {
                    return true;
                }
                std::hint::spin_loop();
            }
            false
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::watch::GIVE_UP;

    #[test]
    fn watch_gives_up_on_long_waits_and_still_sees_commands() {
        let mb = Mailbox::new().unwrap();
        for i in 1..=GIVE_UP {
            assert!(!mb.wait(1, true).unwrap(), "nothing was sent");
            assert_eq!(mb.watch.misses(), i);
        }
        // From now on most waits sleep at once (they are still counted, so
        // that every PROBE-th one watches again).
        assert!(!mb.wait(1, true).unwrap());
        assert_eq!(mb.watch.misses(), GIVE_UP + 1);
        // A command is never missed, watched for or not.
        mb.send(Command::Stop);
        assert!(mb.wait(1, true).unwrap());
        let mut out = Vec::new();
        mb.drain(&mut out);
        assert!(matches!(out.as_slice(), [Command::Stop]));
        // A wait without watching leaves the statistics alone.
        assert!(!mb.wait(1, false).unwrap());
        assert_eq!(mb.watch.misses(), GIVE_UP + 1);
    }
}
