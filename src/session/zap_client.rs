//! The session's end of the conversation with the application's ZAP
//! handler, bound at `inproc://zeromq.zap.01` (RFC 27).
//!
//! Owns: `ZapClient`, one inproc pipe per connection that needs a verdict.
//! Must not: build or parse the frames (`zmtp::zap` does) or decide policy.

use crate::msg::Msg;
use crate::pipe::{PipeEnd, Read};
use crate::zmtp::zap::{parse_reply, ZapReply, ZapRequest};

/// The session's connection to the ZAP handler.
pub struct ZapClient {
    pipe: PipeEnd,
    frames: Vec<Msg>,
}

impl std::fmt::Debug for ZapClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ZapClient").field("pipe", &self.pipe.id()).finish()
    }
}

impl ZapClient {
    /// Talks to the handler over `pipe` (an inproc pipe to
    /// `zmtp::zap::ZAP_ENDPOINT`, see `SockRef::zap`).
    pub fn new(pipe: PipeEnd) -> ZapClient {
        ZapClient { pipe, frames: Vec::new() }
    }

    pub fn pipe_id(&self) -> u64 {
        self.pipe.id()
    }

    /// Sends a request; false when the handler is gone.
    pub fn send(&mut self, req: &ZapRequest) -> bool {
        for f in req.frames() {
            if self.pipe.write(f).is_err() {
                self.pipe.rollback();
                return false;
            }
        }
        true
    }

    /// The reply, once a complete one arrived: `Some(Err(code))` for a
    /// malformed reply or a closed handler.
    pub fn poll_reply(&mut self) -> Option<Result<ZapReply, i32>> {
        loop {
            match self.pipe.read() {
                Read::Msg(m) => {
                    let more = m.more();
                    self.frames.push(m);
                    if !more {
                        let frames = std::mem::take(&mut self.frames);
                        return Some(parse_reply(&frames));
                    }
                }
                Read::Empty => return None,
                Read::Closed => return Some(Err(crate::constants::ZMQ_PROTOCOL_ERROR_ZAP_UNSPECIFIED)),
            }
        }
    }

    /// True when the handler closed its end.
    pub fn closed(&self) -> bool {
        self.pipe.peer_closed()
    }
}

impl Drop for ZapClient {
    fn drop(&mut self) {
        self.pipe.terminate();
    }
}

