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
//! (see `fuzz.rs` and the `fuzz/` crate).

pub mod codec;
pub mod command;
pub mod connection;
pub mod error;
pub mod greeting;
pub mod mechanism;
pub mod metadata;

#[cfg(test)]
mod fuzz;
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

/// Entry points for the `fuzz/` crate: feed arbitrary bytes, must not panic.
#[doc(hidden)]
pub mod fuzz_entry {
    use super::*;
    use bytes::BytesMut;

    /// Runs a NULL-mechanism connection of each role over `data`, delivered
    /// in chunks.
    pub fn connection(data: &[u8]) {
        let body = data;
        // Chunk size derived from the input, so both whole and split reads occur.
        let step = 1 + (data.len() * 7) % 61;
        for st in [
            crate::constants::ZMQ_DEALER,
            crate::constants::ZMQ_PUB,
            crate::constants::ZMQ_SUB,
        ] {
            let cfg = ConnectionConfig {
                socket_type: st,
                routing_id: bytes::Bytes::from_static(b"id"),
                max_msg_size: 1 << 20,
            };
            let mut c = Connection::new(cfg, Box::new(NullMechanism::new(st, b"id", &[])));
            for chunk in body.chunks(step) {
                let mut b = BytesMut::from(chunk);
                if c.handle_input(&mut b).is_err() {
                    break;
                }
                while c.poll_event().is_some() {}
                let _ = c.send(crate::msg::Msg::from_slice(b"\x01x"));
                let _ = c.send_ping(10, b"ctx");
                c.output().take_segments();
            }
        }
    }

    /// Runs the frame decoder in every framing over `data`.
    pub fn decoder(data: &[u8]) {
        for framing in [Framing::V1, Framing::V2, Framing::V3] {
            for max in [-1i64, 0, 300] {
                let mut d = Decoder::new(framing, max);
                let mut out = Vec::new();
                for chunk in data.chunks(37) {
                    if d.decode_all(&mut BytesMut::from(chunk), &mut out).is_err() {
                        break;
                    }
                }
                for m in &out {
                    if m.is_command() {
                        let _ = Command::from_msg(m);
                    }
                }
            }
        }
        let _ = Properties::parse(&bytes::Bytes::copy_from_slice(data));
    }
}
