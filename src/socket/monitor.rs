//! Socket monitoring: events sent to a socket (PAIR; PUB or PUSH with
//! `zmq_socket_monitor_versioned`) bound to an inproc endpoint.
//!
//! Owns: the monitor socket and the event encodings, in native byte order.
//! Version 1: frame 1 holds the 16-bit event number and a 32-bit value,
//! frame 2 the endpoint. Version 2 (DRAFT): the 64-bit event number; the
//! number of values (64-bit); each value (64-bit); the local address; the
//! remote address.
//! Must not: decide when events happen (the socket and transports do).
//! I/O threads reach it as an `io::events::EventSink` (`MonitorRef`).

use crate::constants::*;
use crate::error::ZResult;
use crate::io::events::{EventEndpoints, EventSink};
use crate::msg::Msg;
use std::os::raw::c_int;
use std::sync::Arc;

/// The PAIR socket events go out on (`SocketBase` implements it; this
/// module does not need to know the socket any further).
pub trait EventSocket: Send {
    fn send(&mut self, msg: Msg, flags: c_int) -> ZResult<()>;
    /// Closes the socket (with linger 0, set when it was made).
    fn close(self: Box<Self>);
}

pub struct Monitor {
    socket: Option<Box<dyn EventSocket>>,
    events: u64,
    /// The event format: 1 or 2.
    version: c_int,
}

impl Monitor {
    /// Monitors the events in the `events` mask, sent in format `version`
    /// (1 or 2) on `socket` (already bound to the monitor's endpoint).
    pub fn new(socket: Box<dyn EventSocket>, events: u64, version: c_int) -> Monitor {
        Monitor { socket: Some(socket), events, version }
    }

    /// True when `event` is one the monitor wants.
    pub fn wants(&self, event: c_int) -> bool {
        self.events & event as u64 != 0
    }

    /// Sends `event` with its `values` (version 1 carries the first one
    /// only) and the endpoints it concerns.
    pub fn emit(&mut self, event: c_int, values: &[u64], endpoints: EventEndpoints<'_>) {
        if !self.wants(event) {
            return;
        }
        let Some(s) = &mut self.socket else { return };
        let mut frames: Vec<Msg> = Vec::with_capacity(4 + values.len());
        if self.version == 1 {
            let mut head = [0u8; 6];
            head[..2].copy_from_slice(&(event as u16).to_ne_bytes());
            head[2..].copy_from_slice(&(values.first().copied().unwrap_or(0) as u32).to_ne_bytes());
            frames.push(Msg::from_slice(&head));
            frames.push(Msg::from_slice(endpoints.identifier().as_bytes()));
        } else {
            frames.push(Msg::from_slice(&(event as u64).to_ne_bytes()));
            frames.push(Msg::from_slice(&(values.len() as u64).to_ne_bytes()));
            frames.extend(values.iter().map(|v| Msg::from_slice(&v.to_ne_bytes())));
            frames.push(Msg::from_slice(endpoints.local.as_bytes()));
            frames.push(Msg::from_slice(endpoints.remote.as_bytes()));
        }
        let last = frames.len() - 1;
        for (i, mut m) in frames.into_iter().enumerate() {
            let more = i < last;
            m.set_more(more);
            // Never block the monitored socket: drop events when nobody
            // reads. Once the first frame is in, the rest always goes.
            let flags = ZMQ_DONTWAIT | if more { ZMQ_SNDMORE } else { 0 };
            if s.send(m, flags).is_err() {
                return;
            }
        }
    }

    /// Sends MONITOR_STOPPED and closes the monitor socket.
    pub fn stop(&mut self) {
        self.emit(ZMQ_EVENT_MONITOR_STOPPED, &[0], EventEndpoints::none());
        if let Some(s) = self.socket.take() {
            s.close();
        }
    }
}

impl Drop for Monitor {
    fn drop(&mut self) {
        if let Some(s) = self.socket.take() {
            s.close();
        }
    }
}

/// A socket's monitor, shared with the I/O threads that emit its events.
pub type MonitorRef = Arc<MonitorSlot>;

/// The socket's monitor, if one is on (`zmq_socket_monitor` replaces it).
#[derive(Default)]
pub struct MonitorSlot(std::sync::Mutex<Option<Monitor>>);

impl MonitorSlot {
    pub fn lock(&self) -> std::sync::MutexGuard<'_, Option<Monitor>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl EventSink for MonitorSlot {
    /// Emits an event (from the socket's thread or an I/O thread, as libzmq).
    /// Every event is also the `ZMQ_OXIDE_LOG` diagnostics' tap.
    fn event(&self, event: c_int, value: u32, endpoints: EventEndpoints<'_>) {
        crate::util::log::monitor_event(event, value, endpoints.identifier());
        if let Some(m) = self.lock().as_mut() {
            m.emit(event, &[u64::from(value)], endpoints);
        }
    }
}
