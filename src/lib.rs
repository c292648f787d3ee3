//! zmq-oxide: libzmq rewritten in Rust, binary-compatible with `libzmq.so.5`.
//!
//! Layers, top to bottom; a module uses its own layer and those below it
//! (`scripts/check_layers.py` enforces it, `docs/architecture.md` draws it
//! and follows a message through it):
//! `capi` (the C boundary) → `socket`, `poll`, `proxy` (routing rules per
//! socket type) → `ctx` (sockets, inproc endpoints, I/O threads) →
//! `session` (one tcp/ipc connection on an I/O thread) → `pipe` (lock-free
//! queues between a socket and its peers) and `engine` (what turns a byte
//! stream into messages) → `zmtp` (the sans-I/O protocol) → `transport`
//! (endpoints, streams, listeners) → `io` (reactor, mailboxes, timers) →
//! `msg`, `options`, `util`, `constants`, `error`.

#![deny(unsafe_op_in_unsafe_fn)]
#![deny(clippy::undocumented_unsafe_blocks)]

pub mod capi;
pub mod constants;
pub mod ctx;
pub mod error;
#[doc(hidden)]
pub mod fuzz;
pub mod io;

pub mod msg;
pub mod options;
pub mod pipe;
pub mod poll;
pub mod proxy;
pub mod session;
pub mod engine;
pub mod socket;
pub mod transport;
pub mod util;

pub mod zmtp;

/// See Cargo.toml: message buffers are allocated and freed on different
/// threads at high rates, the pattern mimalloc is built for. It is built
/// with `no_thp` so that its arena is not madvise(MADV_HUGEPAGE)d (2 MiB
/// resident per touched region; most of our peak RSS in small runs).
#[cfg(not(feature = "sanitize"))]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
