//! Opt-in diagnostics on stderr: `ZMQ_OXIDE_LOG=error|warn|info|debug`
//! makes the library say, one line each, what happens to its connections
//! and why they fail (libzmq itself says nothing).
//!
//! Owns: reading the variable (once per process), the level check (one
//! relaxed atomic load, so a build with logging off pays nothing more),
//! the line format and the names of monitor events and protocol error
//! codes. Must not: decide when anything is logged (the socket, session
//! and transport layers call in where their events are).

use crate::constants::*;
use std::io::Write;
use std::os::raw::c_int;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Once;

/// How much to say; each level includes those above it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
pub enum Level {
    /// A connection or endpoint that cannot work at all (bind failed).
    Error = 1,
    /// A failure the library recovers from: refused handshake, failed
    /// connect attempt, unresolved address, a peer's pipe at its HWM.
    Warn = 2,
    /// The life cycle of connections: listening, accepted, connected,
    /// handshake done, disconnected, closed, reconnect scheduled.
    Info = 3,
    /// Everything else (connect delayed, monitor stopped).
    Debug = 4,
}

const OFF: u8 = 0;
/// The variable has not been read yet.
const UNREAD: u8 = u8::MAX;
static LEVEL: AtomicU8 = AtomicU8::new(UNREAD);
static READ: Once = Once::new();

/// The variable's value as a level; `None` for off. Anything not
/// recognised (`1`, `yes`, `all`) means debug, so that a user who sets the
/// variable sees something.
fn parse(value: &str) -> Option<Level> {
    match value.trim().to_ascii_lowercase().as_str() {
        "" | "0" | "off" | "none" => None,
        "error" => Some(Level::Error),
        "warn" | "warning" => Some(Level::Warn),
        "info" => Some(Level::Info),
        _ => Some(Level::Debug),
    }
}

#[cold]
fn read_variable() -> u8 {
    READ.call_once(|| {
        let level = std::env::var("ZMQ_OXIDE_LOG").ok().and_then(|v| parse(&v));
        LEVEL.store(level.map_or(OFF, |l| l as u8), Ordering::Relaxed);
    });
    LEVEL.load(Ordering::Relaxed)
}

/// Whether lines of `level` are written.
#[inline]
pub fn enabled(level: Level) -> bool {
    let mut v = LEVEL.load(Ordering::Relaxed);
    if v == UNREAD {
        v = read_variable();
    }
    v >= level as u8
}

/// Writes one line at `level` when that level is on; `line` builds the
/// text (after the prefix) and is not called otherwise.
#[inline]
pub fn log(level: Level, line: impl FnOnce() -> String) {
    if enabled(level) {
        write_line(level, &line());
    }
}

/// `zmq-oxide[PID] HH:MM:SS.mmm LEVEL text\n`, in one write so that lines
/// of several threads do not interleave.
#[cold]
fn write_line(level: Level, text: &str) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let secs = now.as_secs() % 86_400;
    let name = match level {
        Level::Error => "error",
        Level::Warn => "warn",
        Level::Info => "info",
        Level::Debug => "debug",
    };
    let line = format!(
        "zmq-oxide[{}] {:02}:{:02}:{:02}.{:03} {name} {text}\n",
        std::process::id(),
        secs / 3600,
        secs / 60 % 60,
        secs % 60,
        now.subsec_millis()
    );
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}

/// Logs a monitor event (whether or not a monitor is attached): the
/// event's name, its endpoint and its value said in words.
#[inline]
pub fn monitor_event(event: c_int, value: u32, endpoint: &str) {
    let level = event_level(event);
    if enabled(level) {
        write_line(level, &describe_event(event, value, endpoint));
    }
}

fn event_level(event: c_int) -> Level {
    match event {
        ZMQ_EVENT_BIND_FAILED | ZMQ_EVENT_CLOSE_FAILED => Level::Error,
        ZMQ_EVENT_ACCEPT_FAILED
        | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL
        | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL
        | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH => Level::Warn,
        ZMQ_EVENT_CONNECT_DELAYED | ZMQ_EVENT_MONITOR_STOPPED => Level::Debug,
        _ => Level::Info,
    }
}

/// The C name of a monitor event, without `ZMQ_EVENT_`.
fn event_name(event: c_int) -> &'static str {
    match event {
        ZMQ_EVENT_CONNECTED => "CONNECTED",
        ZMQ_EVENT_CONNECT_DELAYED => "CONNECT_DELAYED",
        ZMQ_EVENT_CONNECT_RETRIED => "CONNECT_RETRIED",
        ZMQ_EVENT_LISTENING => "LISTENING",
        ZMQ_EVENT_BIND_FAILED => "BIND_FAILED",
        ZMQ_EVENT_ACCEPTED => "ACCEPTED",
        ZMQ_EVENT_ACCEPT_FAILED => "ACCEPT_FAILED",
        ZMQ_EVENT_CLOSED => "CLOSED",
        ZMQ_EVENT_CLOSE_FAILED => "CLOSE_FAILED",
        ZMQ_EVENT_DISCONNECTED => "DISCONNECTED",
        ZMQ_EVENT_MONITOR_STOPPED => "MONITOR_STOPPED",
        ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL => "HANDSHAKE_FAILED_NO_DETAIL",
        ZMQ_EVENT_HANDSHAKE_SUCCEEDED => "HANDSHAKE_SUCCEEDED",
        ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL => "HANDSHAKE_FAILED_PROTOCOL",
        ZMQ_EVENT_HANDSHAKE_FAILED_AUTH => "HANDSHAKE_FAILED_AUTH",
        _ => "UNKNOWN",
    }
}

/// The C name of a `ZMQ_PROTOCOL_ERROR_*` code, without that prefix.
pub fn protocol_error_name(code: c_int) -> &'static str {
    match code {
        ZMQ_PROTOCOL_ERROR_ZMTP_UNSPECIFIED => "ZMTP_UNSPECIFIED",
        ZMQ_PROTOCOL_ERROR_ZMTP_UNEXPECTED_COMMAND => "ZMTP_UNEXPECTED_COMMAND",
        ZMQ_PROTOCOL_ERROR_ZMTP_INVALID_SEQUENCE => "ZMTP_INVALID_SEQUENCE",
        ZMQ_PROTOCOL_ERROR_ZMTP_KEY_EXCHANGE => "ZMTP_KEY_EXCHANGE",
        ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_UNSPECIFIED => "ZMTP_MALFORMED_COMMAND_UNSPECIFIED",
        ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_MESSAGE => "ZMTP_MALFORMED_COMMAND_MESSAGE",
        ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_HELLO => "ZMTP_MALFORMED_COMMAND_HELLO",
        ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_INITIATE => "ZMTP_MALFORMED_COMMAND_INITIATE",
        ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_ERROR => "ZMTP_MALFORMED_COMMAND_ERROR",
        ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_READY => "ZMTP_MALFORMED_COMMAND_READY",
        ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_WELCOME => "ZMTP_MALFORMED_COMMAND_WELCOME",
        ZMQ_PROTOCOL_ERROR_ZMTP_INVALID_METADATA => "ZMTP_INVALID_METADATA",
        ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC => "ZMTP_CRYPTOGRAPHIC",
        ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH => "ZMTP_MECHANISM_MISMATCH",
        ZMQ_PROTOCOL_ERROR_ZAP_UNSPECIFIED => "ZAP_UNSPECIFIED",
        ZMQ_PROTOCOL_ERROR_ZAP_MALFORMED_REPLY => "ZAP_MALFORMED_REPLY",
        ZMQ_PROTOCOL_ERROR_ZAP_BAD_REQUEST_ID => "ZAP_BAD_REQUEST_ID",
        ZMQ_PROTOCOL_ERROR_ZAP_BAD_VERSION => "ZAP_BAD_VERSION",
        ZMQ_PROTOCOL_ERROR_ZAP_INVALID_STATUS_CODE => "ZAP_INVALID_STATUS_CODE",
        ZMQ_PROTOCOL_ERROR_ZAP_INVALID_METADATA => "ZAP_INVALID_METADATA",
        _ => "unknown code",
    }
}

/// An errno in words, as `strerror` says it.
pub fn errno_text(errno: c_int) -> String {
    let e = std::io::Error::from_raw_os_error(errno).to_string();
    // std appends " (os error N)"; keep the words and the number apart.
    match e.find(" (os error") {
        Some(i) => format!("{} (errno {errno})", &e[..i]),
        None => e,
    }
}

/// `EVENT endpoint: what the value means`.
fn describe_event(event: c_int, value: u32, endpoint: &str) -> String {
    let detail = match event {
        ZMQ_EVENT_CONNECT_RETRIED => format!("next attempt in {value} ms"),
        ZMQ_EVENT_BIND_FAILED
        | ZMQ_EVENT_ACCEPT_FAILED
        | ZMQ_EVENT_CLOSE_FAILED
        | ZMQ_EVENT_CONNECT_DELAYED
        | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL => errno_text(value as c_int),
        ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL => {
            format!("{} (0x{value:08x})", protocol_error_name(value as c_int))
        }
        ZMQ_EVENT_HANDSHAKE_FAILED_AUTH => format!("ZAP status {value}"),
        ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_MONITOR_STOPPED => String::new(),
        _ => format!("fd {value}"),
    };
    let endpoint = if endpoint.is_empty() { "-" } else { endpoint };
    if detail.is_empty() {
        format!("{} {endpoint}", event_name(event))
    } else {
        format!("{} {endpoint}: {detail}", event_name(event))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_parse() {
        assert_eq!(parse(""), None);
        assert_eq!(parse("off"), None);
        assert_eq!(parse("0"), None);
        assert_eq!(parse("warn"), Some(Level::Warn));
        assert_eq!(parse(" INFO "), Some(Level::Info));
        assert_eq!(parse("error"), Some(Level::Error));
        assert_eq!(parse("debug"), Some(Level::Debug));
        assert_eq!(parse("1"), Some(Level::Debug));
        assert!(Level::Debug > Level::Info && Level::Warn > Level::Error);
    }

    #[test]
    fn events_in_words() {
        assert_eq!(
            describe_event(ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL, 0x11000002, "tcp://127.0.0.1:5555"),
            "HANDSHAKE_FAILED_PROTOCOL tcp://127.0.0.1:5555: ZMTP_MECHANISM_MISMATCH (0x11000002)"
        );
        assert_eq!(
            describe_event(ZMQ_EVENT_CONNECT_RETRIED, 100, "tcp://h:1"),
            "CONNECT_RETRIED tcp://h:1: next attempt in 100 ms"
        );
        let refused = describe_event(ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL, libc::ECONNRESET as u32, "ipc://x");
        assert!(refused.starts_with("HANDSHAKE_FAILED_NO_DETAIL ipc://x: "), "{refused}");
        assert!(refused.ends_with(&format!("(errno {})", libc::ECONNRESET)), "{refused}");
        assert_eq!(describe_event(ZMQ_EVENT_HANDSHAKE_SUCCEEDED, 0, "ipc://x"), "HANDSHAKE_SUCCEEDED ipc://x");
        assert_eq!(event_level(ZMQ_EVENT_BIND_FAILED), Level::Error);
        assert_eq!(event_level(ZMQ_EVENT_HANDSHAKE_FAILED_AUTH), Level::Warn);
        assert_eq!(event_level(ZMQ_EVENT_ACCEPTED), Level::Info);
    }
}
