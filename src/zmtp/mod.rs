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
pub mod liveness;
pub mod mechanism;
pub mod metadata;
pub mod zap;

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
    use crate::msg::Msg;
    use bytes::{Bytes, BytesMut};

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
            let cfg = ConnectionConfig::plain(st, bytes::Bytes::from_static(b"id"), 1 << 20);
            let mut c = Connection::new(cfg, Box::new(NullMechanism::new(st, b"id", &[])), std::time::Instant::now());
            for chunk in body.chunks(step) {
                let mut b = BytesMut::from(chunk);
                if c.handle_input(&mut b).is_err() {
                    break;
                }
                while c.poll_event().is_some() {}
                let _ = c.send(crate::msg::Msg::from_slice(b"\x01x"));
                let _ = c.send_ping(10, b"ctx");
                c.take_output();
            }
        }
    }

    /// Two of our connections talk to each other over an in-memory "wire"
    /// that `data` scripts: which side sends what (frames, MORE, pings) and
    /// how many bytes cross the wire at a time. Every frame one side sent
    /// after its handshake must arrive at the other, unchanged and in order;
    /// a difference panics (the fuzzer reports it). Returns the number of
    /// frames delivered.
    pub fn pair(data: &[u8]) -> usize {
        use crate::constants::*;
        const PAIRS: [(std::os::raw::c_int, std::os::raw::c_int); 6] = [
            (ZMQ_DEALER, ZMQ_ROUTER),
            (ZMQ_PUSH, ZMQ_PULL),
            (ZMQ_SUB, ZMQ_PUB),
            (ZMQ_XSUB, ZMQ_XPUB),
            (ZMQ_PAIR, ZMQ_PAIR),
            (ZMQ_REQ, ZMQ_REP),
        ];
        let Some((&first, script)) = data.split_first() else {
            return 0;
        };
        let (ta, tb) = PAIRS[first as usize % PAIRS.len()];
        let new = |st, id: &'static [u8]| {
            let cfg = ConnectionConfig::plain(st, Bytes::from_static(id), -1);
            Connection::new(cfg, Box::new(NullMechanism::new(st, id, &[])), std::time::Instant::now())
        };
        let mut side = [new(ta, b"A"), new(tb, b"")];
        // Bytes on the wire toward side 0 and side 1.
        let mut wire = [BytesMut::new(), BytesMut::new()];
        let mut sent: [Vec<(Vec<u8>, bool)>; 2] = [Vec::new(), Vec::new()];
        let mut got: [Vec<(Vec<u8>, bool)>; 2] = [Vec::new(), Vec::new()];
        let mut it = script.iter().copied();
        // Moves up to `n` bytes from `from`'s output to the other side.
        let deliver = |side: &mut [Connection; 2],
                       wire: &mut [BytesMut; 2],
                       got: &mut [Vec<(Vec<u8>, bool)>; 2],
                       from: usize,
                       n: usize| {
            let to = 1 - from;
            let out = side[from].take_output();
            wire[to].extend_from_slice(&out);
            let n = n.min(wire[to].len());
            let mut chunk = wire[to].split_to(n);
            side[to]
                .handle_input(&mut chunk)
                .expect("our own bytes must parse");
            while let Some(ev) = side[to].poll_event() {
                if let Event::Message(m) = ev {
                    got[to].push((m.data().to_vec(), m.more()));
                }
            }
        };
        while let Some(op) = it.next() {
            match op & 7 {
                0..=2 => {
                    let from = (op & 7 == 2) as usize;
                    let len = it.next().unwrap_or(0) as usize;
                    let body: Vec<u8> = it.by_ref().take(len).collect();
                    let more = op & 8 != 0;
                    let mut m = Msg::from_slice(&body);
                    m.set_more(more);
                    if side[from].send(m).is_ok() {
                        sent[from].push((body, more));
                    }
                }
                3 | 4 => {
                    let n = (it.next().unwrap_or(0) as usize + 1) * (1 + (op as usize >> 4));
                    deliver(&mut side, &mut wire, &mut got, (op & 7 == 4) as usize, n);
                }
                5 | 6 => {
                    let from = (op & 7 == 6) as usize;
                    let _ = side[from].send_ping(op as u16, &[op; 3]);
                }
                _ => {
                    deliver(&mut side, &mut wire, &mut got, 0, usize::MAX);
                    deliver(&mut side, &mut wire, &mut got, 1, usize::MAX);
                }
            }
        }
        // Drain: a few rounds settle handshakes and PING/PONG.
        for _ in 0..4 {
            deliver(&mut side, &mut wire, &mut got, 0, usize::MAX);
            deliver(&mut side, &mut wire, &mut got, 1, usize::MAX);
        }
        assert!(
            side[0].is_ready() && side[1].is_ready(),
            "handshake did not finish"
        );
        assert_eq!(
            got[1], sent[0],
            "side 1 received something else than side 0 sent"
        );
        assert_eq!(
            got[0], sent[1],
            "side 0 received something else than side 1 sent"
        );
        got[0].len() + got[1].len()
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
