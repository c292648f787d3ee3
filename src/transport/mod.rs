//! Transports: how pipes reach a peer.
//!
//! inproc connects two sockets' pipes directly through the context (see
//! `ctx`); tcp and ipc go through an I/O thread, a session and the ZMTP
//! engine. This module owns endpoint parsing and the stream/listener
//! sockets shared by tcp and ipc; it must not route messages.

pub mod address;
pub mod listener;
pub mod stream;
