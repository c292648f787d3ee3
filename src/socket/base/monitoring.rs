//! A socket's monitor (`zmq_socket_monitor`, `_versioned`,
//! `_pipes_stats`): starting and stopping it, the events the socket itself
//! emits, and the socket as the monitor's own event socket.
//! Must not: decide when events happen (the socket, sessions and listeners
//! call in).

use super::*;

impl SocketBase {
    /// `zmq_socket_monitor_versioned` (`zmq_socket_monitor` is version 1
    /// on a PAIR): events in format `version` (1, or 2 in DRAFT) on a
    /// socket of `socket_type` (PAIR, PUB or PUSH) bound to the inproc
    /// `endpoint`; None stops monitoring. Version 1 takes only the first
    /// 16 event bits (EINVAL otherwise, before anything else but ETERM, as
    /// libzmq); a version other than 1 or 2 is EINVAL (libzmq accepts it
    /// and then sends nothing).
    pub fn monitor(&mut self, endpoint: Option<&str>, events: u64, version: c_int, socket_type: c_int) -> ZResult<()> {
        self.check_alive()?;
        if !(version == 1 || version == 2) || (version == 1 && events >> 16 != 0) {
            return Err(EINVAL);
        }
        let mut slot = self.monitor.lock();
        let Some(ep) = endpoint else {
            if let Some(mut old) = slot.take() {
                old.stop();
            }
            return Ok(());
        };
        if ep.is_empty() {
            return Err(EINVAL);
        }
        let (proto, _) = parse_endpoint(ep, self.options.socket_type)?;
        if proto != "inproc" {
            return Err(EPROTONOSUPPORT);
        }
        if let Some(mut old) = slot.take() {
            old.stop();
        }
        if !matches!(socket_type, ZMQ_PAIR | ZMQ_PUB | ZMQ_PUSH) {
            return Err(EINVAL);
        }
        *slot = Some(Monitor::new(self.event_socket(ep, socket_type)?, events, version));
        Ok(())
    }

    /// The socket a monitor sends on, bound to `endpoint`.
    pub(super) fn event_socket(&self, endpoint: &str, socket_type: c_int) -> ZResult<Box<dyn EventSocket>> {
        let mut s = SocketBase::new(self.ctx.clone(), socket_type)?;
        s.options.linger = 0;
        if let Err(e) = s.bind(endpoint) {
            s.close();
            return Err(e);
        }
        Ok(Box::new(s))
    }

    pub fn emit_event(&self, event: c_int, value: u32, endpoints: EventEndpoints<'_>) {
        crate::util::log::monitor_event(event, value, endpoints.identifier());
        let mut slot = self.monitor.lock();
        if let Some(m) = slot.as_mut() {
            m.emit(event, &[u64::from(value)], endpoints);
        }
    }

    /// `zmq_socket_monitor_pipes_stats` (DRAFT): asks every pipe's peer for
    /// its queue count; each answer becomes a ZMQ_EVENT_PIPES_STATS event
    /// when this socket next processes its commands. EINVAL unless the
    /// monitor wants that event; EAGAIN with no pipes.
    pub fn pipes_stats(&mut self) -> ZResult<()> {
        if !self.monitor.lock().as_ref().is_some_and(|m| m.wants(ZMQ_EVENT_PIPES_STATS)) {
            return Err(EINVAL);
        }
        if self.pipes.is_empty() {
            return Err(EAGAIN);
        }
        for (_, p) in self.pipes.iter() {
            p.request_stats();
        }
        Ok(())
    }

    /// A peer answered `pipes_stats` for pipe `k`: the event.
    pub(super) fn pipe_stats_ready(&mut self, k: PipeKey) {
        let Some(p) = self.pipes.get(k) else { return };
        let (outbound, inbound) = p.stats();
        let (local, remote) = p.endpoints();
        let eps = EventEndpoints { local: &local, remote: &remote, bound: false };
        if let Some(m) = self.monitor.lock().as_mut() {
            m.emit(ZMQ_EVENT_PIPES_STATS, &[outbound, inbound], eps);
        }
    }

    // ----- close -----
}

impl EventSocket for SocketBase {
    fn send(&mut self, msg: Msg, flags: c_int) -> ZResult<()> {
        SocketBase::send(self, msg, flags).map_err(|(e, _)| e)
    }

    fn close(self: Box<Self>) {
        SocketBase::close(*self)
    }
}
