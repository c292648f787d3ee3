//! The monotonic stopwatch behind `zmq_stopwatch_*`.
//!
//! Owns: measuring elapsed microseconds. Must not: touch C pointers.

use std::time::Instant;

/// Started at creation; reads elapsed time in microseconds.
#[derive(Debug, Clone, Copy)]
pub struct Stopwatch {
    start: Instant,
}

impl Default for Stopwatch {
    fn default() -> Self {
        Self::start()
    }
}

impl Stopwatch {
    pub fn start() -> Self {
        Stopwatch {
            start: Instant::now(),
        }
    }

    /// Microseconds since `start`, saturating at `u64::MAX`.
    pub fn elapsed_us(&self) -> u64 {
        u64::try_from(self.start.elapsed().as_micros()).unwrap_or(u64::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_a_sleep() {
        let w = Stopwatch::start();
        std::thread::sleep(std::time::Duration::from_millis(5));
        let us = w.elapsed_us();
        assert!(us >= 5_000, "{us}");
        assert!(w.elapsed_us() >= us);
    }
}
