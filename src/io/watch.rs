//! Watching for work before sleeping, shared by socket mailboxes and I/O
//! threads.
//!
//! Owns: the policy. A thread about to sleep first looks for work for up
//! to `WATCH`, yielding the CPU between looks: a peer that answers within
//! that time spares it a sleep and a wake-up, which cost tens of
//! microseconds on a virtual machine. It is adaptive: after `GIVE_UP`
//! fruitless watches in a row (waits that are long by nature) the thread
//! sleeps at once, watching again only every `PROBE`-th time; one watch
//! that pays off re-enables them. Must not: know what the work is (the
//! caller's `look` says).

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;
#[cfg(not(all(test, loom)))]
use std::time::Instant;

/// How long a thread watches before it sleeps.
pub const WATCH: Duration = Duration::from_micros(40);
/// Fruitless watches in a row after which a thread stops watching...
pub const GIVE_UP: u32 = 4;
/// ...except on every this-many-th wait.
pub const PROBE: u32 = 16;

/// The watch statistics of one waiting thread. Only that thread uses it,
/// so relaxed accesses suffice (atomic only so that a shared owner, such
/// as a mailbox, can hold it).
#[derive(Default)]
pub struct Watch {
    misses: AtomicU32,
}

impl Watch {
    /// Watches with `look` (true: work found) unless the statistics say
    /// not to; returns whether work was found.
    #[cfg(not(all(test, loom)))]
    pub fn run(&self, mut look: impl FnMut() -> bool) -> bool {
        let misses = self.misses.load(Ordering::Relaxed);
        if misses >= GIVE_UP {
            self.misses.store(misses.wrapping_add(1), Ordering::Relaxed);
            if !(misses - GIVE_UP).is_multiple_of(PROBE) {
                return false;
            }
        }
        let start = Instant::now();
        loop {
            if look() {
                self.misses.store(0, Ordering::Relaxed);
                return true;
            }
            if start.elapsed() >= WATCH {
                if misses < GIVE_UP {
                    self.misses.store(misses + 1, Ordering::Relaxed);
                }
                return false;
            }
            std::thread::yield_now();
        }
    }

    /// In the unit tests under `--cfg loom` (the gate's model): one look.
    /// The watch above times itself with the clock and yields through
    /// std, which loom can neither model nor interleave (a look that loom
    /// sees fail would be repeated until the clock says stop, a path that
    /// differs from run to run); a single look keeps the waiter's fast
    /// path in the model.
    #[cfg(all(test, loom))]
    pub fn run(&self, mut look: impl FnMut() -> bool) -> bool {
        look()
    }

    /// Fruitless watches in a row (and skipped waits since giving up).
    pub fn misses(&self) -> u32 {
        self.misses.load(Ordering::Relaxed)
    }
}
