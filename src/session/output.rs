//! The write side of a session: from the socket's pipe into the engine,
//! and what it encodes onto the stream.
//!
//! Owns: pulling messages only while the engine's output is below a batch
//! (a peer that stops reading costs one batch, not the queue), writing
//! with writev until the stream would block, the last words of a refused
//! handshake, and finishing once a closed socket's messages are all out
//! (linger). Must not: encode (the engine does).

use super::driver::{MakeEngine, Session, State};
use crate::engine::Sent;
use crate::io::reactor::Io;
use crate::msg::Spent;
use crate::pipe::Read;
use std::io::IoSlice;

/// Encode up to this much before writing (unless `ZMQ_OUT_BATCH_SIZE` was
/// set: libzmq's default, 8 KiB, is what the option reads, but ours is
/// larger because writev sends big batches at no extra cost).
const WRITE_BATCH: usize = 256 * 1024;

impl<E: MakeEngine> Session<E> {
    /// Moves messages from the pipe into the engine and writes them.
    pub(super) fn pump_out(&mut self, io: &mut Io, key: usize) {
        if self.state != State::Active || self.out_blocked {
            return;
        }
        // Sent messages, freed in batches.
        let mut spent = Spent::default();
        let batch = self.owner.options.out_batch_size.map_or(WRITE_BATCH, |n| n.max(1) as usize);
        while !self.closing {
            let Some(engine) = self.engine.as_mut() else { return };
            if engine.output_len() >= batch {
                self.flush(io, key);
                if self.out_blocked || self.state != State::Active {
                    return;
                }
                continue;
            }
            let Some(pipe) = self.pipe.as_mut() else { break };
            match pipe.read() {
                Read::Msg(m) => {
                    io.frames += 1;
                    if self.discard_out {
                        self.discard_out = m.more();
                        continue;
                    }
                    self.out_more = m.more();
                    match engine.send(m) {
                        // The application's thread allocated them.
                        Ok(Sent::Queued(Some(m))) => spent.release(m),
                        Ok(Sent::Queued(None)) => {}
                        Ok(Sent::Close) => self.closing = true,
                        Err(e) => {
                            self.protocol_error(io, key, e);
                            return;
                        }
                    }
                }
                Read::Empty => break,
                Read::Closed => {
                    self.pipe_closing = true;
                    break;
                }
            }
        }
        self.flush(io, key);
        if self.state != State::Active {
            return;
        }
        if self.closing && !self.out_pending() {
            // Closed by the application: no notice, no event, no
            // reconnection (libzmq ends a raw session the same way).
            self.finish(io);
            return;
        }
        self.maybe_finish_linger(io);
    }

    /// Output queued and not yet written.
    pub(super) fn out_pending(&self) -> bool {
        self.engine.as_ref().is_some_and(|e| e.output_len() > 0)
    }

    /// When the socket is gone and everything it sent is on the wire, end.
    pub(super) fn maybe_finish_linger(&mut self, io: &mut Io) {
        if !self.pipe_closing || self.state != State::Active {
            return;
        }
        let drained = self.pipe.as_mut().is_none_or(|p| p.is_drained_and_closed());
        let written = !self.out_pending();
        if drained && written {
            self.finish(io);
        }
    }

    /// Writes what the engine queued until it is all out or the stream
    /// would block.
    pub(super) fn flush(&mut self, io: &mut Io, key: usize) {
        loop {
            let (Some(engine), Some(stream)) = (self.engine.as_mut(), self.stream.as_mut()) else { return };
            if engine.output_len() == 0 {
                return;
            }
            let mut slices = [IoSlice::new(&[]); 64];
            let n = engine.io_slices(&mut slices);
            match stream.write_vectored(&slices[..n]) {
                Ok(0) => {
                    self.last_err = libc::EPIPE;
                    self.disconnected(io, key, false);
                    return;
                }
                Ok(w) => engine.advance_output(w),
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    self.out_blocked = true;
                    return;
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.last_err = e.raw_os_error().unwrap_or(libc::EIO);
                    self.disconnected(io, key, false);
                    return;
                }
            }
        }
    }

    /// Best effort: writes what is queued (an ERROR command) without
    /// waiting, before the connection is closed.
    pub(super) fn write_last_words(&mut self) {
        let (Some(engine), Some(stream)) = (self.engine.as_mut(), self.stream.as_mut()) else { return };
        while engine.output_len() > 0 {
            let mut slices = [IoSlice::new(&[]); 64];
            let n = engine.io_slices(&mut slices);
            match stream.write_vectored(&slices[..n]) {
                Ok(w) if w > 0 => engine.advance_output(w),
                _ => return,
            }
        }
    }

}
