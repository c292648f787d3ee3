//! A command queue plus the signaler that wakes its owner: every socket
//! and every I/O thread has one.
//!
//! Owns: queueing commands from other threads and the empty→non-empty
//! edge on the signaler. The signaler fires only when the queue goes from
//! empty to non-empty, and is reset when the owner drains it, which gives
//! `ZMQ_FD` libzmq's edge-triggered contract. The commands are the
//! owner's own type (a socket's are `pipe::SocketCommand`, an I/O
//! thread's `reactor::IoCommand`); what pipes tell their reader is a
//! `Notify`, delivered through the `Waker` trait, so a pipe does not need
//! to know whose mailbox it wakes.
//!
//! No loom model here, unlike `io::gate`: the decision to wake is one
//! compare-and-swap on each side of the same word (`ypipe`'s `committed`:
//! the reader swaps in ASLEEP, the writer's flush fails on it and writes
//! the eventfd), so the two are ordered by that word alone, whatever the
//! memory orderings; there is no store-then-load of two locations to get
//! wrong. What remains is the sleep itself, `poll` on the eventfd (reset
//! before the reader's last look, so a later write stays readable), which
//! is the kernel's and out of loom's reach.

use super::gate::Gate;
use super::signaler::Signaler;
use super::watch::Watch;
use crate::error::ZResult;
use crate::util::ypipe;
use std::os::raw::c_int;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// What a pipe tells the owner of the mailbox at its other end, by the
/// pipe's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notify {
    /// The pipe has messages to read again.
    ReadReady(u64),
    /// The pipe has room to write again.
    WriteReady(u64),
    /// The peer of a pipe made before its peer existed attached itself
    /// (and set its routing id).
    PeerAttached(u64),
    /// The peer of the pipe went away.
    Closed(u64),
    /// The peer asks for this end's outbound queue count
    /// (`zmq_socket_monitor_pipes_stats`); answered with `StatsReply`.
    StatsRequest(u64),
    /// The peer put its outbound queue count in the pipe (`pipe::stats`).
    StatsReply(u64),
}

impl Notify {
    /// The pipe this notice is about.
    pub fn pipe_id(&self) -> u64 {
        match *self {
            Notify::ReadReady(id)
            | Notify::WriteReady(id)
            | Notify::PeerAttached(id)
            | Notify::Closed(id)
            | Notify::StatsRequest(id)
            | Notify::StatsReply(id) => id,
        }
    }
}

/// Something a `Notify` can be sent to: a mailbox whose commands can carry
/// one.
pub trait Waker: Send + Sync {
    fn notify(&self, n: Notify);
}

/// A command queue (see the module doc).
pub struct Mailbox<C> {
    /// Senders serialise on this lock; the owner reads without it.
    writer: Mutex<Writer<C>>,
    /// Only the owner thread takes this (uncontended).
    reader: Mutex<ypipe::Consumer<C>>,
    /// Set (after the eventfd was written) when a sender woke the owner;
    /// the owner clears it and resets the eventfd.
    signaled: AtomicBool,
    /// The owner's watch-before-sleep statistics (see `wait`).
    watch: Watch,
    signaler: Signaler,
    /// A thread-safe socket's gate: bumped by every command (see `io::gate`).
    gate: OnceLock<Arc<Gate>>,
}

struct Writer<C> {
    tx: ypipe::Producer<C>,
    /// The owner is gone: further commands are dropped (a dropped pipe end
    /// terminates itself, so its peer learns that nobody will read).
    closed: bool,
}

impl<C: Send> Mailbox<C> {
    pub fn new() -> ZResult<Mailbox<C>> {
        let (tx, mut rx) = ypipe::channel();
        // Start asleep, so the very first command raises the signal.
        let _ = rx.check_read();
        Ok(Mailbox {
            writer: Mutex::new(Writer { tx, closed: false }),
            reader: Mutex::new(rx),
            signaled: AtomicBool::new(false),
            watch: Watch::default(),
            signaler: Signaler::new()?,
            gate: OnceLock::new(),
        })
    }

    pub fn fd(&self) -> c_int {
        self.signaler.fd()
    }

    /// Makes every later command bump `gate` (thread-safe sockets).
    pub fn set_gate(&self, gate: Arc<Gate>) {
        let _ = self.gate.set(gate);
    }

    pub fn send(&self, cmd: C) {
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
        if let Some(g) = self.gate.get() {
            g.bump();
        }
    }

    /// True when a command may be waiting (cheap; no lock, no syscall).
    pub fn has_pending(&self) -> bool {
        self.signaled.load(Ordering::Acquire)
    }

    /// Takes every queued command. Afterwards the owner counts as asleep:
    /// the next `send` raises a fresh edge on the eventfd (`ZMQ_FD`).
    pub fn drain(&self, out: &mut Vec<C>) {
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
    pub fn close(&self) -> Vec<C> {
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

    #[derive(Debug)]
    enum Command {
        Stop,
    }

    #[test]
    fn watch_gives_up_on_long_waits_and_still_sees_commands() {
        let mb = Mailbox::<Command>::new().unwrap();
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
