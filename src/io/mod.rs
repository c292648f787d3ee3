//! I/O plumbing shared by sockets and (later) I/O threads.
//!
//! Owns: the eventfd signaler, the command mailbox, the I/O threads and
//! the watch-before-sleep policy they share. Must not: parse
//! protocol bytes or know routing rules.

pub mod mailbox;
pub mod reactor;
pub mod signaler;
pub mod watch;
