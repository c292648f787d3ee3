//! Fair queueing: receives from a set of pipes in turn, one whole message
//! at a time.
//!
//! Owns: the list of inbound pipes of a socket type, which of them may have
//! something to read, and whose turn it is. Once the first frame of a
//! multipart message came from a pipe, the following frames come from the
//! same pipe. Must not: write to pipes, terminate them or interpret frames.
//!
//! Usable by any socket type (PULL, DEALER, ROUTER, REQ, SUB, ...): the
//! owner forwards its `attach`/`detach`/`read_activated` callbacks here and
//! calls [`Fq::recv`] / [`Fq::has_in`] with its pipe table.
//!
//! Pipes found empty are parked as inactive (the pipe marks its reader
//! asleep, so a `read_activated` callback follows when data arrives);
//! activating is idempotent because the base may report a pipe readable
//! more than once (peer attached, peer closed).

use super::PipeKey;
use crate::error::{ZResult, EAGAIN};
use crate::msg::Msg;
use crate::pipe::{PipeEnd, Read};
use slab::Slab;

#[derive(Default)]
pub struct Fq {
    /// `pipes[..active]` may be readable; the rest were found empty.
    pipes: Vec<PipeKey>,
    active: usize,
    /// Index (in `pipes[..active]`) of the pipe whose turn it is.
    current: usize,
    /// The pipe a multipart message is being read from, until its last frame.
    reading: Option<PipeKey>,
}

impl Fq {
    pub fn new() -> Fq {
        Fq::default()
    }

    /// Adds a pipe (as active: it may already hold messages).
    pub fn attach(&mut self, key: PipeKey) {
        if self.pipes.contains(&key) {
            return;
        }
        self.pipes.push(key);
        let last = self.pipes.len() - 1;
        self.pipes.swap(self.active, last);
        self.active += 1;
    }

    /// Forgets a pipe. Returns true when a multipart message from it was
    /// being read (its remaining frames are lost).
    pub fn detach(&mut self, key: PipeKey) -> bool {
        let Some(mut i) = self.pipes.iter().position(|&k| k == key) else {
            return false;
        };
        if i < self.active {
            self.active -= 1;
            self.pipes.swap(i, self.active);
            // The pipe whose turn it was may just have moved into slot i.
            if self.current == self.active {
                self.current = i;
            }
            i = self.active;
        }
        self.pipes.swap_remove(i);
        if self.current >= self.active {
            self.current = 0;
        }
        let was_reading = self.reading == Some(key);
        if was_reading {
            self.reading = None;
        }
        was_reading
    }

    /// The pipe may have messages again.
    pub fn activated(&mut self, key: PipeKey) {
        let Some(i) = self.pipes.iter().position(|&k| k == key) else {
            return;
        };
        if i >= self.active {
            self.pipes.swap(i, self.active);
            self.active += 1;
        }
    }

    /// True when `key` is one of this queue's pipes.
    pub fn contains(&self, key: PipeKey) -> bool {
        self.pipes.contains(&key)
    }

    /// True while the frames of a multipart message remain to be read.
    pub fn in_message(&self) -> bool {
        self.reading.is_some()
    }

    fn deactivate_current(&mut self) {
        self.active -= 1;
        self.pipes.swap(self.current, self.active);
        if self.current >= self.active {
            self.current = 0;
        }
    }

    /// Reads the next frame, returning it with the pipe it came from.
    pub fn recv(&mut self, pipes: &mut Slab<PipeEnd>) -> ZResult<(Msg, PipeKey)> {
        if let Some(key) = self.reading {
            match pipes.get_mut(key).map(|p| p.read()) {
                Some(Read::Msg(m)) => {
                    if !m.more() {
                        self.reading = None;
                        self.advance_past(key);
                    }
                    return Ok((m, key));
                }
                // Cannot happen with whole-message pipes unless the pipe
                // was torn down under us: forget the message.
                _ => self.reading = None,
            }
        }
        while self.active > 0 {
            let key = self.pipes[self.current];
            match pipes.get_mut(key).map(|p| p.read()) {
                Some(Read::Msg(m)) => {
                    if m.more() {
                        self.reading = Some(key);
                    } else {
                        self.current = (self.current + 1) % self.active;
                    }
                    return Ok((m, key));
                }
                _ => self.deactivate_current(),
            }
        }
        Err(EAGAIN)
    }

    /// Moves the turn past `key` once its message is complete.
    fn advance_past(&mut self, key: PipeKey) {
        if self.active == 0 {
            return;
        }
        if let Some(i) = self.pipes[..self.active].iter().position(|&k| k == key) {
            self.current = (i + 1) % self.active;
        }
    }

    /// True when a frame can be read now.
    pub fn has_in(&mut self, pipes: &mut Slab<PipeEnd>) -> bool {
        if self.reading.is_some() {
            return true;
        }
        while self.active > 0 {
            let key = self.pipes[self.current];
            if pipes.get_mut(key).is_some_and(|p| p.check_read()) {
                return true;
            }
            self.deactivate_current();
        }
        false
    }
}
