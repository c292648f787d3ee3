//! I/O plumbing shared by sockets and (later) I/O threads.
//!
//! Owns: the eventfd signaler and the command mailbox. Must not: parse
//! protocol bytes or know routing rules.

pub mod mailbox;
pub mod reactor;
pub mod signaler;
