//! ZMTP 3.x commands: a COMMAND frame whose body is `name-length(1) name data`.
//!
//! Parses and builds READY, ERROR, SUBSCRIBE, CANCEL, PING and PONG; other
//! names (HELLO, WELCOME, INITIATE, MESSAGE, unknown ones) are kept raw for
//! the mechanism that understands them. Names are matched exactly (case
//! sensitive), as libzmq does.

use super::error::{CommandKind, ProtocolError};
use super::metadata::Properties;
use crate::msg::{Msg, COMMAND};
use bytes::{BufMut, Bytes, BytesMut};

/// Longest PING context that is echoed back (RFC 37).
pub const MAX_PING_CONTEXT: usize = 16;

/// A parsed command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Ready(Properties),
    Error {
        reason: Bytes,
    },
    Subscribe(Bytes),
    Cancel(Bytes),
    /// `ttl` is in tenths of a second (0: no TTL); `context` at most 16 bytes.
    Ping {
        ttl: u16,
        context: Bytes,
    },
    Pong {
        context: Bytes,
    },
    /// Any other command, e.g. a mechanism's HELLO: name and data after it.
    Other {
        name: Bytes,
        data: Bytes,
    },
}

impl Command {
    /// Parses a command frame's body.
    pub fn parse(body: &Bytes) -> Result<Command, ProtocolError> {
        let name_len = *body
            .first()
            .ok_or(ProtocolError::MalformedCommand(CommandKind::Unnamed))?
            as usize;
        if body.len() < 1 + name_len {
            return Err(ProtocolError::MalformedCommand(CommandKind::Unnamed));
        }
        let name = &body[1..1 + name_len];
        let data = body.slice(1 + name_len..);
        Ok(match name {
            b"READY" => Command::Ready(Properties::parse(&data)?),
            b"ERROR" => {
                let rlen = *data
                    .first()
                    .ok_or(ProtocolError::MalformedCommand(CommandKind::Error))?
                    as usize;
                if data.len() < 1 + rlen {
                    return Err(ProtocolError::MalformedCommand(CommandKind::Error));
                }
                Command::Error {
                    reason: data.slice(1..1 + rlen),
                }
            }
            b"SUBSCRIBE" => Command::Subscribe(data),
            b"CANCEL" => Command::Cancel(data),
            b"PING" => {
                if data.len() < 2 {
                    return Err(ProtocolError::MalformedCommand(CommandKind::Ping));
                }
                let ttl = u16::from_be_bytes([data[0], data[1]]);
                let end = data.len().min(2 + MAX_PING_CONTEXT);
                Command::Ping {
                    ttl,
                    context: data.slice(2..end),
                }
            }
            b"PONG" => Command::Pong { context: data },
            _ => Command::Other {
                name: body.slice(1..1 + name_len),
                data,
            },
        })
    }

    /// Parses the body of a message that carries the COMMAND flag.
    pub fn from_msg(msg: &Msg) -> Result<Command, ProtocolError> {
        Command::parse(&msg.to_bytes())
    }

    /// The command's name.
    pub fn name(&self) -> &[u8] {
        match self {
            Command::Ready(_) => b"READY",
            Command::Error { .. } => b"ERROR",
            Command::Subscribe(_) => b"SUBSCRIBE",
            Command::Cancel(_) => b"CANCEL",
            Command::Ping { .. } => b"PING",
            Command::Pong { .. } => b"PONG",
            Command::Other { name, .. } => name,
        }
    }

    /// Appends the command body (name-length, name, data) to `out`.
    /// An ERROR reason is cut at 255 bytes, a PING context at 16.
    pub fn encode(&self, out: &mut BytesMut) {
        let name = self.name();
        let name = &name[..name.len().min(255)];
        out.put_u8(name.len() as u8);
        out.put_slice(name);
        match self {
            Command::Ready(p) => p.encode(out),
            Command::Error { reason } => {
                let r = &reason[..reason.len().min(255)];
                out.put_u8(r.len() as u8);
                out.put_slice(r);
            }
            Command::Subscribe(t) | Command::Cancel(t) => out.put_slice(t),
            Command::Ping { ttl, context } => {
                out.put_u16(*ttl);
                out.put_slice(&context[..context.len().min(MAX_PING_CONTEXT)]);
            }
            Command::Pong { context } => out.put_slice(context),
            Command::Other { data, .. } => out.put_slice(data),
        }
    }

    /// The command as a single COMMAND frame.
    pub fn to_msg(&self) -> Msg {
        let mut b = BytesMut::new();
        self.encode(&mut b);
        let mut m = if b.len() <= crate::msg::MAX_INLINE {
            Msg::from_slice(&b)
        } else {
            Msg::from_bytes(b.freeze())
        };
        m.set_flags(COMMAND);
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(c: &Command) -> Vec<u8> {
        let mut b = BytesMut::new();
        c.encode(&mut b);
        b.to_vec()
    }

    #[test]
    fn byte_exact_vectors_from_libzmq_capture() {
        // libzmq 4.3.4 SUB talking to a 3.1 peer.
        assert_eq!(
            body(&Command::Subscribe(Bytes::from_static(b"topic"))),
            b"\x09SUBSCRIBEtopic"
        );
        assert_eq!(
            body(&Command::Cancel(Bytes::from_static(b"topic"))),
            b"\x06CANCELtopic"
        );
        // libzmq 4.3.4 heartbeat with ZMQ_HEARTBEAT_TTL=3000 ms.
        assert_eq!(
            body(&Command::Ping {
                ttl: 30,
                context: Bytes::new()
            }),
            b"\x04PING\x00\x1e"
        );
        assert_eq!(
            body(&Command::Pong {
                context: Bytes::from_static(b"0123456789abcdef")
            }),
            b"\x04PONG0123456789abcdef"
        );
        let mut p = Properties::new();
        p.push("Socket-Type", &b"SUB"[..]);
        assert_eq!(
            body(&Command::Ready(p)),
            b"\x05READY\x0bSocket-Type\x00\x00\x00\x03SUB"
        );
        assert_eq!(
            body(&Command::Error {
                reason: Bytes::from_static(b"no")
            }),
            b"\x05ERROR\x02no"
        );
    }

    #[test]
    fn parse_round_trips() {
        let cmds = vec![
            Command::Subscribe(Bytes::from_static(b"")),
            Command::Cancel(Bytes::from_static(b"x")),
            Command::Ping {
                ttl: 65535,
                context: Bytes::from_static(b"ctx"),
            },
            Command::Pong {
                context: Bytes::new(),
            },
            Command::Error {
                reason: Bytes::from_static(b"bad"),
            },
            Command::Other {
                name: Bytes::from_static(b"HELLO"),
                data: Bytes::from_static(b"\x01\x02"),
            },
        ];
        for c in cmds {
            let m = c.to_msg();
            assert!(m.is_command());
            assert_eq!(Command::from_msg(&m).unwrap(), c);
        }
    }

    #[test]
    fn ping_context_truncated_to_16() {
        let c =
            Command::parse(&Bytes::from_static(b"\x04PING\x00\x050123456789abcdefXYZW")).unwrap();
        assert_eq!(
            c,
            Command::Ping {
                ttl: 5,
                context: Bytes::from_static(b"0123456789abcdef")
            }
        );
    }

    #[test]
    fn malformed() {
        use ProtocolError::MalformedCommand as M;
        assert_eq!(Command::parse(&Bytes::new()), Err(M(CommandKind::Unnamed)));
        assert_eq!(
            Command::parse(&Bytes::from_static(b"\x05REA")),
            Err(M(CommandKind::Unnamed))
        );
        assert_eq!(
            Command::parse(&Bytes::from_static(b"\x04PING\x00")),
            Err(M(CommandKind::Ping))
        );
        assert_eq!(
            Command::parse(&Bytes::from_static(b"\x05ERROR")),
            Err(M(CommandKind::Error))
        );
        assert_eq!(
            Command::parse(&Bytes::from_static(b"\x05ERROR\x05abc")),
            Err(M(CommandKind::Error))
        );
        assert_eq!(
            Command::parse(&Bytes::from_static(b"\x05READY\x01")),
            Err(ProtocolError::InvalidMetadata)
        );
    }
}
