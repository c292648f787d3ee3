//! I/O plumbing shared by sockets and I/O threads.
//!
//! Owns: the eventfd signaler, the command mailboxes, the I/O threads (the
//! reactor and the `Handler` trait its objects implement), the monitor
//! event sink they report to, the watch-before-sleep policy they share,
//! and the thread-safe sockets' gate (with `sync`, the switch that lets
//! loom model-check it). Must not: parse protocol bytes, know routing
//! rules, or name anything above it (sessions, listeners, pipes, sockets).

pub mod events;
pub mod gate;
pub mod mailbox;
pub mod reactor;
pub mod signaler;
pub mod sync;
pub mod watch;
