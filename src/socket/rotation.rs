//! The pipe set that fair-queueing and load-balancing both turn through.
//!
//! Owns: a socket's pipes split into an active prefix (may be readable or
//! writable) and parked ones (found empty or full), and whose turn it is.
//! Must not: touch the pipes themselves (`fq` reads, `lb` writes).

use super::PipeKey;

#[derive(Default)]
pub struct Rotation {
    /// `pipes[..active]` are active; the rest are parked.
    pipes: Vec<PipeKey>,
    active: usize,
    /// Index (in `pipes[..active]`) of the pipe whose turn it is.
    current: usize,
}

impl Rotation {
    /// Adds a pipe as active (it may already hold messages or room).
    pub fn attach(&mut self, key: PipeKey) {
        if self.pipes.contains(&key) {
            return;
        }
        self.pipes.push(key);
        let last = self.pipes.len() - 1;
        self.pipes.swap(self.active, last);
        self.active += 1;
    }

    /// Forgets a pipe.
    pub fn detach(&mut self, key: PipeKey) {
        let Some(mut i) = self.pipes.iter().position(|&k| k == key) else {
            return;
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
    }

    /// Brings a parked pipe back (idempotent).
    pub fn activate(&mut self, key: PipeKey) {
        let Some(i) = self.pipes.iter().position(|&k| k == key) else {
            return;
        };
        if i >= self.active {
            self.pipes.swap(i, self.active);
            self.active += 1;
        }
    }

    pub fn contains(&self, key: PipeKey) -> bool {
        self.pipes.contains(&key)
    }

    /// The pipe whose turn it is, if any is active.
    pub fn current(&self) -> Option<PipeKey> {
        (self.active > 0).then(|| self.pipes[self.current])
    }

    /// Parks the current pipe (found empty or full).
    pub fn park_current(&mut self) {
        self.active -= 1;
        self.pipes.swap(self.current, self.active);
        if self.current >= self.active {
            self.current = 0;
        }
    }

    /// Gives the turn to the next active pipe.
    pub fn advance(&mut self) {
        self.current = next_turn(self.current, self.active);
    }

    /// Gives the turn to the pipe after `key` (its message is complete).
    pub fn advance_past(&mut self, key: PipeKey) {
        if let Some(i) = self.pipes[..self.active].iter().position(|&k| k == key) {
            self.current = next_turn(i, self.active);
        }
    }
}

/// The position after `i` among `active` pipes (no division on the hot path).
#[inline]
fn next_turn(i: usize, active: usize) -> usize {
    if i + 1 >= active {
        0
    } else {
        i + 1
    }
}
