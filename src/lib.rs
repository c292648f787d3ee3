//! zmq-oxide: libzmq rewritten in Rust, binary-compatible with `libzmq.so.5`.
//!
//! Layers, top to bottom on send (see README's design section):
//! `capi` (the C boundary) → `socket` (routing rules per socket type) →
//! `pipe` (bounded queues between sockets and peers) → `transport`.
//! `ctx` owns sockets, endpoints and termination; `io` holds the mailboxes
//! that wake sockets (their file descriptor is `ZMQ_FD`).

pub mod capi;
pub mod constants;
pub mod ctx;
pub mod error;
pub mod io;
pub mod monitor;
pub mod msg;
pub mod options;
pub mod pipe;
pub mod poll;
pub mod proxy;
pub mod session;
pub mod socket;
pub mod transport;
pub mod util;
pub mod zap;
pub mod zmtp;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
