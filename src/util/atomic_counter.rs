//! The thread-safe integer behind `zmq_atomic_counter_*`.
//!
//! Owns: counter arithmetic with libzmq's return conventions. Must not:
//! touch C pointers (the C boundary boxes a `Counter` and hands out its
//! address).

use std::sync::atomic::{AtomicI32, Ordering};

/// A 32-bit counter that wraps on overflow, like libzmq's.
#[derive(Debug, Default)]
pub struct Counter(AtomicI32);

impl Counter {
    /// A counter starting at zero.
    pub fn new() -> Self {
        Counter(AtomicI32::new(0))
    }

    pub fn set(&self, value: i32) {
        self.0.store(value, Ordering::SeqCst);
    }

    /// Adds one; returns the value before the increment.
    pub fn inc(&self) -> i32 {
        self.0.fetch_add(1, Ordering::AcqRel)
    }

    /// Subtracts one; returns whether the value after it is non-zero.
    pub fn dec(&self) -> bool {
        self.0.fetch_sub(1, Ordering::AcqRel).wrapping_sub(1) != 0
    }

    pub fn value(&self) -> i32 {
        self.0.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn manual_example() {
        let c = Counter::new();
        assert_eq!(c.value(), 0);
        assert_eq!(c.inc(), 0);
        assert_eq!(c.inc(), 1);
        assert_eq!(c.inc(), 2);
        assert_eq!(c.value(), 3);
        assert!(c.dec());
        assert!(c.dec());
        assert!(!c.dec());
        c.set(2);
        assert!(c.dec());
        assert!(!c.dec());
    }

    #[test]
    fn below_zero_and_wrapping() {
        // libzmq: decrementing 0 gives -1, which is "non-zero".
        let c = Counter::new();
        assert!(c.dec());
        assert_eq!(c.value(), -1);
        c.set(i32::MAX);
        assert_eq!(c.inc(), i32::MAX);
        assert_eq!(c.value(), i32::MIN);
    }

    #[test]
    fn concurrent_increments() {
        let c = Arc::new(Counter::new());
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let c = Arc::clone(&c);
                std::thread::spawn(move || {
                    for _ in 0..10_000 {
                        c.inc();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(c.value(), 40_000);
    }
}
