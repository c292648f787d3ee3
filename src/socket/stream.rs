//! STREAM: raw TCP connections addressed by routing id (libzmq's
//! `ZMQ_STREAM`).
//!
//! Owns: the routing-id table (a generated 5-byte id per connection, or
//! `ZMQ_CONNECT_ROUTING_ID` for this socket's own connects), the id frame
//! prepended on receive and consumed on send, connection notifications
//! (`ZMQ_STREAM_NOTIFY`) and the close-by-empty-message rule. Must not:
//! touch bytes on the wire (sessions in raw mode do: each read chunk
//! arrives here as one message, a zero-length message from a session
//! announces a connection or a disconnection, and a zero-length message
//! written to a session asks it to close the connection after flushing).
//!
//! Sending follows libzmq to the letter, quirks included: a message is an
//! id frame (with MORE) then ONE data frame, whose MORE flag is ignored; a
//! further frame starts the next message (so it is taken as an id). An id
//! frame without MORE is accepted and its data frame dropped. An unknown id
//! is `EHOSTUNREACH`; a full peer is `EAGAIN` (the base blocks and retries).
//!
//! A ROUTER with `ZMQ_ROUTER_RAW` routes with this module too (see
//! `router.rs`), with the ROUTER's rule for what it cannot route: unless
//! `ZMQ_ROUTER_MANDATORY` is set, an unknown, gone or full peer's message
//! is dropped instead of refused.

use super::dealer::random_u32;
use super::fq::Fq;
use super::{Cx, PipeKey, Routing};
use crate::constants::*;
use crate::error::{Errno, ZResult, EAGAIN, EHOSTUNREACH, EINVAL};
use crate::msg::Msg;
use bytes::Bytes;
use std::collections::{HashMap, HashSet};
use std::os::raw::c_int;

pub struct Stream {
    fq: Fq,
    out: HashMap<Bytes, PipeKey>,
    id_of: HashMap<PipeKey, Bytes>,
    /// Connections this socket asked to close: what still arrives from
    /// them (data read meanwhile) is dropped, their id no longer routes.
    closing: HashSet<PipeKey>,
    next_id: u32,
    connect_routing_id: Option<Bytes>,
    notify: bool,
    /// Drop a message whose id does not route (ROUTER_RAW without
    /// ROUTER_MANDATORY) instead of failing the send.
    drop_unroutable: bool,
    /// The data frame behind an id frame already returned.
    prefetched: Option<Msg>,
    more_out: bool,
    current_out: Option<PipeKey>,
}

impl Default for Stream {
    fn default() -> Self {
        Stream::new()
    }
}

impl Stream {
    /// The routing-id table (a ROUTER_RAW router's `peer_state` reads it).
    pub fn routes(&self) -> &HashMap<Bytes, PipeKey> {
        &self.out
    }

    pub fn new() -> Stream {
        Stream {
            fq: Fq::new(),
            out: HashMap::new(),
            id_of: HashMap::new(),
            closing: HashSet::new(),
            next_id: random_u32(),
            connect_routing_id: None,
            notify: true,
            drop_unroutable: false,
            prefetched: None,
            more_out: false,
            current_out: None,
        }
    }

    /// The routing of a ROUTER with `ZMQ_ROUTER_RAW`; `mandatory` is its
    /// `ZMQ_ROUTER_MANDATORY`.
    pub(crate) fn for_raw_router(mandatory: bool) -> Stream {
        let mut s = Stream::new();
        s.set_router_mandatory(mandatory);
        s
    }

    /// A raw ROUTER's `ZMQ_ROUTER_MANDATORY`: false drops what does not route.
    pub(crate) fn set_router_mandatory(&mut self, mandatory: bool) {
        self.drop_unroutable = !mandatory;
    }

    fn generate_id(&mut self) -> Bytes {
        loop {
            let mut b = [0u8; 5];
            b[1..].copy_from_slice(&self.next_id.to_be_bytes());
            self.next_id = self.next_id.wrapping_add(1);
            let id = Bytes::copy_from_slice(&b);
            if !self.out.contains_key(&id) {
                return id;
            }
        }
    }

    fn attach_pipe(&mut self, key: PipeKey, locally_initiated: bool) {
        let id = match self.connect_routing_id.take_if(|_| locally_initiated) {
            Some(id) if !self.out.contains_key(&id) => id,
            // libzmq asserts on a duplicate CONNECT_ROUTING_ID; we generate.
            _ => self.generate_id(),
        };
        self.out.insert(id.clone(), key);
        self.id_of.insert(key, id);
        self.fq.attach(key);
    }
}

/// libzmq's strict boolean: exactly an int, 0 or 1.
fn parse_strict_bool(value: &[u8]) -> ZResult<bool> {
    let b: [u8; 4] = value.try_into().map_err(|_| EINVAL)?;
    match c_int::from_ne_bytes(b) {
        0 => Ok(false),
        1 => Ok(true),
        _ => Err(EINVAL),
    }
}

impl Routing for Stream {
    fn raw(&self) -> bool {
        true
    }

    fn attach(&mut self, _cx: &mut Cx, key: PipeKey) {
        self.attach_pipe(key, false);
    }

    fn attach_connected(&mut self, _cx: &mut Cx, key: PipeKey) {
        self.attach_pipe(key, true);
    }

    fn detach(&mut self, _cx: &mut Cx, key: PipeKey) {
        self.fq.detach(key);
        self.closing.remove(&key);
        if let Some(id) = self.id_of.remove(&key) {
            if self.out.get(&id) == Some(&key) {
                self.out.remove(&id);
            }
        }
        if self.current_out == Some(key) {
            self.current_out = None;
        }
    }

    fn read_activated(&mut self, _cx: &mut Cx, key: PipeKey) {
        self.fq.activated(key);
    }

    fn write_activated(&mut self, _cx: &mut Cx, _key: PipeKey) {}

    fn send(&mut self, cx: &mut Cx, msg: Msg) -> Result<(), (Errno, Msg)> {
        if !self.more_out {
            // The id frame.
            self.current_out = None;
            if msg.more() {
                let target = self.out.get(msg.data()).and_then(|&k| cx.pipes.get_mut(k).map(|p| (k, p)));
                let unroutable = match target {
                    Some((key, p)) => {
                        if p.check_write() {
                            self.current_out = Some(key);
                            None
                        } else if p.peer_closed() {
                            Some(EHOSTUNREACH)
                        } else {
                            Some(EAGAIN)
                        }
                    }
                    None => Some(EHOSTUNREACH),
                };
                match unroutable {
                    // The data frame that follows goes nowhere.
                    Some(_) if self.drop_unroutable => {}
                    Some(e) => return Err((e, msg)),
                    None => {}
                }
            }
            self.more_out = true;
            return Ok(());
        }
        // The data frame, always the last one.
        self.more_out = false;
        let mut msg = msg;
        msg.set_more(false);
        let Some(key) = self.current_out.take() else {
            return Ok(());
        };
        if msg.is_empty() {
            // Close request: the session flushes what is queued, then closes.
            if let Some(id) = self.id_of.get(&key) {
                self.out.remove(id);
            }
            self.closing.insert(key);
        }
        if let Some(p) = cx.pipes.get_mut(key) {
            // A closed pipe drops it, as libzmq drops data for a gone peer.
            let _ = p.write(msg);
        }
        Ok(())
    }

    fn recv(&mut self, cx: &mut Cx) -> ZResult<Msg> {
        if let Some(m) = self.prefetched.take() {
            return Ok(m);
        }
        loop {
            let (mut m, key) = self.fq.recv(cx.pipes)?;
            if self.closing.contains(&key) || (m.is_empty() && !self.notify) {
                continue;
            }
            let Some(id) = self.id_of.get(&key) else { continue };
            let mut idf = Msg::from_bytes(id.clone());
            idf.set_more(true);
            idf.set_metadata(m.metadata().cloned());
            m.set_more(false);
            self.prefetched = Some(m);
            return Ok(idf);
        }
    }

    fn has_in(&mut self, cx: &mut Cx) -> bool {
        self.prefetched.is_some() || self.fq.has_in(cx.pipes)
    }

    fn has_out(&mut self, _cx: &mut Cx) -> bool {
        // As libzmq: a STREAM socket can always send (the id decides).
        true
    }

    fn setsockopt(&mut self, _cx: &mut Cx, option: c_int, value: &[u8]) -> ZResult<()> {
        match option {
            ZMQ_STREAM_NOTIFY => self.notify = parse_strict_bool(value)?,
            ZMQ_CONNECT_ROUTING_ID => {
                if value.is_empty() || value.len() > 255 {
                    return Err(EINVAL);
                }
                self.connect_routing_id = Some(Bytes::copy_from_slice(value));
            }
            _ => return Err(EINVAL),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::fq::testing::*;
    use super::*;

    fn recv2(s: &mut Stream, h: &mut Harness) -> Option<(Vec<u8>, Vec<u8>)> {
        let id = s.recv(&mut cx(h)).ok()?;
        assert!(id.more());
        let d = s.recv(&mut cx(h)).expect("data frame follows the id");
        assert!(!d.more());
        Some((id.data().to_vec(), d.data().to_vec()))
    }

    /// Every message queued toward the session (each single-frame here).
    fn take_all(p: &mut crate::pipe::PipeEnd) -> Vec<Vec<u8>> {
        let mut v = Vec::new();
        while let crate::pipe::Read::Msg(m) = p.read() {
            v.push(m.data().to_vec());
        }
        v
    }

    fn send(s: &mut Stream, h: &mut Harness, frames: &[(&[u8], bool)]) -> Result<(), Errno> {
        for (d, more) in frames {
            s.send(&mut cx(h), frame(d, *more)).map_err(|(e, _)| e)?;
        }
        Ok(())
    }

    #[test]
    fn ids_notifications_and_data() {
        let mut h = Harness::new(ZMQ_STREAM);
        let mut s = Stream::new();
        let (k1, mut p1) = h.pipe(0, Some(b""));
        s.attach(&mut cx(&mut h), k1);
        put(&mut p1, &[b""]);
        put(&mut p1, &[b"GET /"]);
        let (id, d) = recv2(&mut s, &mut h).unwrap();
        assert_eq!((id.len(), id[0], d.len()), (5, 0, 0));
        assert_eq!(recv2(&mut s, &mut h).unwrap(), (id.clone(), b"GET /".to_vec()));
        assert!(!s.has_in(&mut cx(&mut h)));
        send(&mut s, &mut h, &[(&id, true), (b"200", false)]).unwrap();
        assert_eq!(take(&mut p1), vec![b"200".to_vec()]);
        // Notifications off: empty messages are not shown.
        s.setsockopt(&mut cx(&mut h), ZMQ_STREAM_NOTIFY, &0i32.to_ne_bytes()).unwrap();
        put(&mut p1, &[b""]);
        put(&mut p1, &[b"x"]);
        s.read_activated(&mut cx(&mut h), k1);
        assert_eq!(recv2(&mut s, &mut h).unwrap(), (id.clone(), b"x".to_vec()));
        assert_eq!(s.setsockopt(&mut cx(&mut h), ZMQ_STREAM_NOTIFY, &2i32.to_ne_bytes()), Err(EINVAL));
        assert_eq!(s.setsockopt(&mut cx(&mut h), ZMQ_STREAM_NOTIFY, &[1]), Err(EINVAL));
    }

    #[test]
    fn send_rules_as_libzmq() {
        let mut h = Harness::new(ZMQ_STREAM);
        let mut s = Stream::new();
        let (k1, mut p1) = h.pipe(0, Some(b""));
        s.attach_connected(&mut cx(&mut h), k1);
        let id = s.id_of[&k1].to_vec();
        assert_eq!(send(&mut s, &mut h, &[(b"nobody", true)]), Err(EHOSTUNREACH));
        // A second data frame starts a new message: taken as an id frame
        // without MORE, then the next frame (data) is dropped.
        send(&mut s, &mut h, &[(&id, true), (b"A", true), (b"B", false), (b"C", false)]).unwrap();
        // A lone id frame swallows the next frame.
        send(&mut s, &mut h, &[(&id, false), (b"D", false), (&id, true), (b"E", false)]).unwrap();
        assert_eq!(take_all(&mut p1), vec![b"A".to_vec(), b"E".to_vec()]);
        // Close: the empty message goes to the session; the id is gone.
        send(&mut s, &mut h, &[(&id, true), (b"", false)]).unwrap();
        assert_eq!(take(&mut p1), vec![Vec::<u8>::new()]);
        assert_eq!(send(&mut s, &mut h, &[(&id, true)]), Err(EHOSTUNREACH));
        // Data still arriving from it is dropped.
        put(&mut p1, &[b"late"]);
        assert!(recv2(&mut s, &mut h).is_none());
        s.detach(&mut cx(&mut h), k1);
        assert!(s.id_of.is_empty() && s.out.is_empty() && s.closing.is_empty());
    }

    #[test]
    fn connect_routing_id_and_full_pipe() {
        let mut h = Harness::new(ZMQ_STREAM);
        let mut s = Stream::new();
        s.setsockopt(&mut cx(&mut h), ZMQ_CONNECT_ROUTING_ID, b"web").unwrap();
        let (k0, _p0) = h.pipe(0, Some(b""));
        s.attach(&mut cx(&mut h), k0);
        assert_ne!(&s.id_of[&k0][..], b"web");
        let (k1, mut p1) = h.pipe(1, Some(b""));
        s.attach_connected(&mut cx(&mut h), k1);
        assert_eq!(&s.id_of[&k1][..], b"web");
        send(&mut s, &mut h, &[(b"web", true), (b"1", false)]).unwrap();
        assert_eq!(send(&mut s, &mut h, &[(b"web", true)]), Err(EAGAIN));
        assert!(s.has_out(&mut cx(&mut h)));
        assert_eq!(take(&mut p1), vec![b"1".to_vec()]);
        send(&mut s, &mut h, &[(b"web", true), (b"2", false)]).unwrap();
        assert_eq!(take(&mut p1), vec![b"2".to_vec()]);
        assert_eq!(s.setsockopt(&mut cx(&mut h), ZMQ_CONNECT_ROUTING_ID, b""), Err(EINVAL));
    }
}
