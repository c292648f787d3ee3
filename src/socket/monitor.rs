//! Socket monitoring: events sent to a PAIR socket bound to an inproc
//! endpoint, in libzmq's two-frame format.
//!
//! Owns: the monitor socket and the event encoding (frame 1: 16-bit event
//! number and 32-bit value in native byte order; frame 2: the endpoint).
//! Must not: decide when events happen (the socket and transports do).
//! I/O threads reach it as an `io::events::EventSink` (`MonitorRef`).

use crate::constants::*;
use crate::error::ZResult;
use crate::io::events::EventSink;
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
    events: c_int,
}

impl Monitor {
    /// Monitors the events in the `events` mask, sent on `socket` (a PAIR
    /// socket already bound to the monitor's inproc endpoint).
    pub fn new(socket: Box<dyn EventSocket>, events: c_int) -> Monitor {
        Monitor { socket: Some(socket), events }
    }

    pub fn emit(&mut self, event: c_int, value: u32, endpoint: &str) {
        if self.events & event == 0 {
            return;
        }
        let Some(s) = &mut self.socket else { return };
        let mut head = [0u8; 6];
        head[..2].copy_from_slice(&(event as u16).to_ne_bytes());
        head[2..].copy_from_slice(&value.to_ne_bytes());
        let mut m1 = Msg::from_slice(&head);
        m1.set_more(true);
        // Never block the monitored socket: drop events when nobody reads.
        if s.send(m1, ZMQ_DONTWAIT | ZMQ_SNDMORE).is_ok() {
            let _ = s.send(Msg::from_slice(endpoint.as_bytes()), ZMQ_DONTWAIT);
        }
    }

    /// Sends MONITOR_STOPPED and closes the monitor socket.
    pub fn stop(&mut self) {
        self.emit(ZMQ_EVENT_MONITOR_STOPPED, 0, "");
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
    fn event(&self, event: c_int, value: u32, endpoint: &str) {
        crate::util::log::monitor_event(event, value, endpoint);
        if let Some(m) = self.lock().as_mut() {
            m.emit(event, value, endpoint);
        }
    }
}
