//! The atomics, mutex and condition variable of the thread-safe sockets'
//! gate (`gate`): std's, or loom's when the unit tests are built with
//! `--cfg loom` (scripts/loom.sh), so that loom's model checker runs the
//! gate's own code over every interleaving. Only the unit tests: loom is a
//! dev-dependency, so a plain build under `--cfg loom` (the integration
//! tests' copy of the library, clippy) keeps std's. The normal build uses
//! std's types unchanged (these are re-exports, not wrappers).
//!
//! Owns: that choice, and the one thing the model adds (`loom_sc_fence`).
//! Must not: serve other modules (the rest of the crate keeps std's types:
//! loom's work only inside a loom model).

#[cfg(not(all(test, loom)))]
pub use std::sync::{
    atomic::{AtomicU64, AtomicUsize},
    Condvar, Mutex, MutexGuard,
};

#[cfg(all(test, loom))]
pub use loom::sync::{
    atomic::{AtomicU64, AtomicUsize},
    Condvar, Mutex, MutexGuard,
};

/// A sequentially consistent fence in the loom model, nothing otherwise.
///
/// The gate's two sides each store to one atomic and then load the other
/// (a waiter counts itself in then reads the generation; a bumper moves the
/// generation then reads the count), and no wake-up is lost only because
/// both pairs are `SeqCst`: one single order holds all four accesses, so
/// at least one side sees the other's store. Loom models `SeqCst`
/// accesses as acquire/release only (its README, "Unsupported features"),
/// under which both loads may miss, so it would report that lost wake-up
/// on correct code; it does model `SeqCst` fences exactly. The gate calls
/// this between each store and its load, which gives the model the order
/// the real accesses have. The normal build has nothing here (no fence
/// instruction): there the `SeqCst` accesses themselves provide it.
#[inline(always)]
pub fn loom_sc_fence() {
    #[cfg(all(test, loom))]
    loom::sync::atomic::fence(std::sync::atomic::Ordering::SeqCst);
}
