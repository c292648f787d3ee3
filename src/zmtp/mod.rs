//! Sans-I/O ZMTP: the wire protocol as pure state machines over byte buffers.
//!
//! Owns: greeting and revision detection (ZMTP 3.1/3.0, and the 2.0/1.0
//! peers libzmq 4.3 accepts), frame codec, commands, metadata, security
//! mechanisms (NULL today; PLAIN/CURVE plug into `mechanism::Mechanism`),
//! and `Connection`, which ties them together.
//! Must not: touch sockets, threads, clocks, pipes or sessions. The tcp/ipc
//! transports read bytes, call `Connection::handle_input`, write what
//! `Connection::output()` holds, and act on `Connection::poll_event()`.
//!
//! Nothing here may panic on input from the network: every length is checked
//! against what has arrived, `maxmsgsize` and a sanity cap before use
//! (see `crate::fuzz` and the `fuzz/` crate).

pub mod codec;
pub mod command;
pub mod connection;
pub mod error;
pub mod greeting;
pub mod liveness;
pub mod mechanism;
pub mod metadata;
pub mod zap;

#[cfg(test)]
mod interop;
#[cfg(test)]
mod tests;

pub use codec::{Decoder, Encoder, Framing};
pub use command::Command;
pub use connection::{Connection, ConnectionConfig, Event};
pub use error::{CommandKind, ProtocolError};
pub use greeting::{Greeting, GreetingConfig, GreetingStatus, PeerGreeting, ZmtpVersion};
pub use mechanism::null::NullMechanism;
pub use mechanism::{Mechanism, MechanismStatus};
pub use metadata::Properties;

