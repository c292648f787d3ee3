//! Fuzz entry points for what the DRAFT socket types read from a peer
//! (`fuzz::mod` has the ZMTP ones):
//!
//! - `udp_datagram`: the udp datagram framing (`session::udp`): a DISH's
//!   datagram splits and re-encodes to itself, a DGRAM's sender address
//!   parses back, and the frames go through a DISH or DGRAM socket;
//! - `radio`: RADIO's group table, fed JOIN/LEAVE commands and garbage
//!   from several DISH peers, against a plain model of who joined what;
//! - `dish`: DISH fed messages of any shape from several RADIO peers,
//!   joining and leaving meanwhile, against a model of what passes;
//! - `single_part`: SERVER, PEER, CLIENT, GATHER, SCATTER and CHANNEL fed
//!   messages of one to three frames: exactly the single-frame ones arrive,
//!   in each peer's order, and replies reach the right peer.
//!
//! The sockets are driven through their `Routing` module over in-memory
//! pipes whose far ends play the peers. Test harness code.

use crate::constants::draft::*;
use crate::error::{EAGAIN, EHOSTUNREACH, EINVAL};
use crate::msg::{Msg, COMMAND, GROUP_MAX_LENGTH};
use crate::options::Options;
use crate::pipe::{EndConfig, PipeEnd, Read};
use crate::session::udp::{decode_datagram, encode_group_datagram, parse_dgram_address, split_group_datagram};
use crate::socket::radio::MAX_GROUPS_PER_PEER;
use crate::socket::{create, Cx, PipeKey, Routing};
use bytes::Bytes;
use slab::Slab;
use std::collections::{BTreeSet, HashMap};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::os::raw::c_int;

/// A socket's routing module, its pipe table, and the far end of each of
/// its peers' pipes (by slot).
struct Rig {
    r: Box<dyn Routing>,
    pipes: Slab<PipeEnd>,
    options: Options,
    far: Vec<(PipeKey, PipeEnd)>,
}

impl Rig {
    fn new(kind: c_int, peers: usize) -> Rig {
        let options = Options::new(kind);
        let r = create(kind, &options).expect("a DRAFT socket type");
        let mut rig = Rig { r, pipes: Slab::new(), options, far: Vec::new() };
        for _ in 0..peers {
            let (key, far) = rig.new_pipe();
            rig.far.push((key, far));
            let (r, mut cx) = rig.cx();
            r.attach(&mut cx, key);
        }
        rig
    }

    fn new_pipe(&mut self) -> (PipeKey, PipeEnd) {
        let ours = EndConfig { mailbox: None, routing_id: Some(Bytes::new()) };
        let theirs = EndConfig { mailbox: None, routing_id: None };
        let (a, b) = PipeEnd::pair(ours, theirs, [0, 0], [false, false]);
        (self.pipes.insert(a), b)
    }

    fn cx(&mut self) -> (&mut dyn Routing, Cx<'_>) {
        (&mut *self.r, Cx { pipes: &mut self.pipes, options: &self.options })
    }

    /// Peer `slot` writes a whole message (frames with their flags), then
    /// the socket is told its pipe is readable.
    fn put(&mut self, slot: usize, frames: Vec<(Vec<u8>, u8)>) {
        let n = frames.len();
        for (i, (data, flags)) in frames.into_iter().enumerate() {
            let mut m = Msg::from_slice(&data);
            m.set_flags(flags);
            m.set_more(i + 1 < n);
            assert!(self.far[slot].1.write(m).is_ok(), "unlimited pipes take every frame");
        }
        let key = self.far[slot].0;
        let (r, mut cx) = self.cx();
        r.read_activated(&mut cx, key);
    }

    /// The peer in `slot` goes away and a new one takes its place (the new
    /// pipe may get the old key back, as in a real pipe table).
    fn replace(&mut self, slot: usize, attach_all: bool) {
        let key = self.far[slot].0;
        {
            let (r, mut cx) = self.cx();
            r.detach(&mut cx, key);
        }
        self.pipes.remove(key);
        self.far[slot] = self.new_pipe();
        let key = self.far[slot].0;
        let (r, mut cx) = self.cx();
        if attach_all {
            r.attach_all(&mut cx, key);
        } else {
            r.attach(&mut cx, key);
        }
    }

    /// Every whole message waiting at peer `slot`'s end: frames with the
    /// COMMAND flag.
    fn take(&mut self, slot: usize) -> Vec<Vec<(Vec<u8>, bool)>> {
        let mut out = Vec::new();
        let mut cur = Vec::new();
        while let Read::Msg(m) = self.far[slot].1.read() {
            cur.push((m.data().to_vec(), m.is_command()));
            if !m.more() {
                out.push(std::mem::take(&mut cur));
            }
        }
        assert!(cur.is_empty(), "a partial message in a pipe");
        out
    }
}

/// A group from the input: mostly 0-3 bytes of a 4-letter alphabet that
/// includes NUL (so groups collide), sometimes the longest allowed or one
/// byte more.
fn group(it: &mut impl Iterator<Item = u8>) -> Vec<u8> {
    let b = it.next().unwrap_or(0);
    match b {
        0xFE => vec![b'a'; GROUP_MAX_LENGTH],
        0xFF => vec![b'a'; GROUP_MAX_LENGTH + 1],
        _ => (0..b % 4).map(|_| b"abc\0"[(it.next().unwrap_or(0) % 4) as usize]).collect(),
    }
}

/// Up to 15 raw bytes from the input.
fn raw(it: &mut impl Iterator<Item = u8>) -> Vec<u8> {
    let n = it.next().unwrap_or(0) % 16;
    it.take(n as usize).collect()
}

/// A body that says which peer sent it and in which order, then input
/// bytes: `[slot, seq (2 bytes)] ++ raw`.
fn tagged(slot: usize, seq: &mut u16, it: &mut impl Iterator<Item = u8>) -> Vec<u8> {
    *seq = seq.wrapping_add(1);
    let mut v = vec![slot as u8];
    v.extend_from_slice(&seq.to_be_bytes());
    v.extend(raw(it));
    v
}

/// One fuzz target for the three socket-level entry points: the first
/// byte picks `radio`, `dish` or `single_part`, the rest is its input.
pub fn draft_routing(data: &[u8]) {
    let Some((&sel, rest)) = data.split_first() else { return };
    match sel % 3 {
        0 => radio(rest),
        1 => dish(rest),
        _ => single_part(rest),
    }
}

// ---------------------------------------------------------------------------
// udp datagrams.

/// A sender address from 19 input bytes (v4 or v6, any port and scope).
fn address(d: &[u8]) -> SocketAddr {
    let mut b = [0u8; 19];
    let n = d.len().min(19);
    b[..n].copy_from_slice(&d[..n]);
    let port = u16::from_be_bytes([b[0], b[1]]);
    if b[2] & 1 == 0 {
        SocketAddr::new(IpAddr::V4(Ipv4Addr::new(b[3], b[4], b[5], b[6])), port)
    } else {
        let mut ip = [0u8; 16];
        ip.copy_from_slice(&b[3..19]);
        let scope = if b[2] & 2 != 0 { b[3] as u32 } else { 0 };
        std::net::SocketAddrV6::new(Ipv6Addr::from(ip), port, 0, scope).into()
    }
}

/// The datagram framing: a DISH datagram that decodes re-encodes to the
/// same bytes, one that does not is malformed by the rule (empty, or a
/// group length past the end); encoding any group and body decodes back;
/// a DGRAM's address frame parses back to the sender. The frames then go
/// through a DISH (groups "" and "a" joined) and a DGRAM socket.
pub fn udp_datagram(data: &[u8]) {
    let split = split_group_datagram(data);
    match split {
        Some((g, body)) => {
            assert_eq!(encode_group_datagram(g, body).as_deref(), Some(data), "decode then encode");
        }
        None => assert!(data.is_empty() || data[0] as usize > data.len() - 1, "a well-formed datagram refused"),
    }
    // Any group and body (the input cut in two) round-trip.
    let cut = data.first().map_or(0, |&b| b as usize * 2).min(data.len());
    let (g, body) = data.split_at(cut);
    match encode_group_datagram(g, body) {
        Some(d) => assert_eq!(split_group_datagram(&d), Some((g, body)), "encode then decode"),
        None => assert!(g.len() > GROUP_MAX_LENGTH, "a group of {} bytes not encoded", g.len()),
    }
    assert!(decode_datagram(ZMQ_RADIO, data, address(data)).is_none());

    // DISH: the datagram becomes a message of its group, if joined.
    let mut dish = Rig::new(ZMQ_DISH, 1);
    {
        let (r, mut cx) = dish.cx();
        r.join(&mut cx, b"").unwrap();
        r.join(&mut cx, b"a").unwrap();
    }
    dish.take(0);
    if let Some((head, body)) = decode_datagram(ZMQ_DISH, data, address(data)) {
        let (g, b) = split.expect("decode_datagram and split_group_datagram agree");
        assert!(head.more() && !body.more());
        assert_eq!((head.data(), body.data()), (g, b));
        assert!(dish.far[0].1.write(head).is_ok() && dish.far[0].1.write(body).is_ok());
        let key = dish.far[0].0;
        let (r, mut cx) = dish.cx();
        r.read_activated(&mut cx, key);
        let joined = g.is_empty() || g == b"a";
        assert_eq!(r.has_in(&mut cx), joined);
        if joined {
            let m = r.recv(&mut cx).expect("a message of a joined group");
            assert_eq!((m.data(), m.group().map(|c| c.to_bytes())), (b, Some(g)));
        }
        assert_eq!(r.recv(&mut cx).unwrap_err(), EAGAIN);
    } else {
        assert!(split.is_none());
    }

    // DGRAM: the sender's address, then the datagram; a reply to that
    // address goes back to the sender.
    let from = address(data);
    let (head, body) = decode_datagram(ZMQ_DGRAM, data, from).expect("DGRAM takes every datagram");
    let to = parse_dgram_address(head.data()).expect("the address frame parses");
    assert_eq!(to, from, "the reply goes elsewhere than {from}");
    let mut dgram = Rig::new(ZMQ_DGRAM, 1);
    assert!(dgram.far[0].1.write(head).is_ok() && dgram.far[0].1.write(body).is_ok());
    let (r, mut cx) = dgram.cx();
    assert!(r.has_in(&mut cx));
    let a = r.recv(&mut cx).unwrap();
    let b = r.recv(&mut cx).unwrap();
    assert!(a.more() && !b.more());
    assert_eq!(b.data(), data);
    // The reply: address (MORE) then body, out through the pipe.
    r.send(&mut cx, a).unwrap();
    r.send(&mut cx, b).unwrap();
    let back = dgram.take(0);
    assert_eq!(back.len(), 1);
    assert_eq!(parse_dgram_address(&back[0][0].0), Some(from));
    assert_eq!(back[0][1].0, data);
}

// ---------------------------------------------------------------------------
// RADIO.

/// The JOIN/LEAVE a frame means by RFC 48 as our wire carries it: a
/// COMMAND frame `\x04JOIN` or `\x05LEAVE` then a group of at most
/// GROUP_MAX_LENGTH bytes. (The model's own reading, not the radio's.)
fn model_command(data: &[u8], command: bool) -> Option<(bool, Vec<u8>)> {
    if !command {
        return None;
    }
    let (join, name_len) = match data.first() {
        Some(4) if data.get(1..5) == Some(&b"JOIN"[..]) => (true, 5),
        Some(5) if data.get(1..6) == Some(&b"LEAVE"[..]) => (false, 6),
        _ => return None,
    };
    let g = &data[name_len..];
    (g.len() <= GROUP_MAX_LENGTH).then(|| (join, g.to_vec()))
}

/// Slots 0-2 are DISH peers; slot 3 is a udp pipe (`attach_all`), which
/// receives every message.
const RADIO_PEERS: usize = 3;

/// Several DISH peers send JOIN, LEAVE and garbage; messages to groups go
/// out. Each peer must get exactly the messages of the groups the model
/// says it joined, as group frame then body; the udp pipe gets all.
pub fn radio(data: &[u8]) {
    let mut rig = Rig::new(ZMQ_RADIO, RADIO_PEERS);
    let udp = rig.new_pipe();
    rig.far.push(udp);
    {
        let key = rig.far[RADIO_PEERS].0;
        let (r, mut cx) = rig.cx();
        r.attach_all(&mut cx, key);
    }
    let mut model: Vec<BTreeSet<Vec<u8>>> = vec![BTreeSet::new(); RADIO_PEERS];
    let mut seq = 0u16;
    let mut it = data.iter().copied();
    while let Some(op) = it.next() {
        let slot = (op >> 3) as usize % RADIO_PEERS;
        let frames: Vec<(Vec<u8>, u8)> = match op & 7 {
            0 | 1 => {
                let g = group(&mut it);
                let name: &[u8] = if op & 7 == 0 { b"\x04JOIN" } else { b"\x05LEAVE" };
                vec![([name, &g].concat(), COMMAND)]
            }
            2 => {
                // Near misses: no COMMAND flag, a cut name, a data frame,
                // a command that is part of a multipart message.
                let g = group(&mut it);
                let r = raw(&mut it);
                let f = match op >> 6 {
                    0 => ([&b"\x04JOIN"[..], &g].concat(), 0),
                    1 => (b"\x04JOI".to_vec(), COMMAND),
                    2 => (r, COMMAND),
                    _ => ([&b"\x05LEAVE"[..], &g].concat(), 0),
                };
                if op & 0x20 != 0 {
                    vec![([&b"\x04JOIN"[..], &g].concat(), COMMAND), f]
                } else {
                    vec![f]
                }
            }
            3 => {
                let g = group(&mut it);
                radio_send(&mut rig, &model, &g, tagged(slot, &mut seq, &mut it), op & 0x80 != 0);
                continue;
            }
            4 => {
                rig.replace(slot, false);
                model[slot].clear();
                continue;
            }
            _ => {
                // A DISH peer's message of data frames; the udp pipe never
                // writes, so it is left out.
                vec![(raw(&mut it), 0), (raw(&mut it), 0)]
            }
        };
        for (d, flags) in &frames {
            if let Some((join, g)) = model_command(d, flags & COMMAND != 0) {
                let mine = &mut model[slot];
                if !join {
                    mine.remove(&g);
                } else if mine.len() < MAX_GROUPS_PER_PEER {
                    mine.insert(g);
                }
            }
        }
        rig.put(slot, frames);
    }
    // Every group any peer joined, once more.
    let all: BTreeSet<Vec<u8>> = model.iter().flatten().cloned().collect();
    for g in all {
        radio_send(&mut rig, &model, &g, b"end".to_vec(), false);
    }
}

/// Sends `body` to group `g` (with MORE when `more`: refused) and checks
/// who got it.
fn radio_send(rig: &mut Rig, model: &[BTreeSet<Vec<u8>>], g: &[u8], body: Vec<u8>, more: bool) {
    let mut m = Msg::from_slice(&body);
    if m.set_group(g).is_err() {
        // Too long or holding NUL: no message can have that group.
        assert!(g.len() > GROUP_MAX_LENGTH || g.contains(&0));
        return;
    }
    m.set_more(more);
    let (r, mut cx) = rig.cx();
    let res = r.send(&mut cx, m);
    if more {
        assert_eq!(res.err().map(|e| e.0), Some(EINVAL), "a multipart send was taken");
    } else {
        assert!(res.is_ok(), "pipes without a limit refused a message");
    }
    for slot in 0..=RADIO_PEERS {
        let got = rig.take(slot);
        let member = slot == RADIO_PEERS || model[slot].contains(g);
        let want = if member && !more { vec![vec![(g.to_vec(), false), (body.clone(), false)]] } else { vec![] };
        assert_eq!(got, want, "peer {slot}, group {g:?} (joined: {:?})", model.get(slot));
    }
}

// ---------------------------------------------------------------------------
// DISH.

const DISH_PEERS: usize = 3;

/// Several RADIO peers send messages of any shape while the DISH joins and
/// leaves groups. Peers must be told every JOIN and LEAVE (and, when new
/// or after a hiccup, every group joined); the DISH must deliver exactly
/// the two-frame messages of joined groups, each peer's in its order.
pub fn dish(data: &[u8]) {
    let mut rig = Rig::new(ZMQ_DISH, DISH_PEERS);
    let mut joined: BTreeSet<Vec<u8>> = BTreeSet::new();
    // Each peer's messages not yet received: (frames).
    let mut pending: Vec<Vec<Vec<Vec<u8>>>> = vec![Vec::new(); DISH_PEERS];
    let mut seq = 0u16;
    let mut it = data.iter().copied();
    while let Some(op) = it.next() {
        let slot = (op >> 3) as usize % DISH_PEERS;
        match op & 7 {
            0 | 1 => {
                let join = op & 7 == 0;
                let g = group(&mut it);
                // What was written before is judged by the groups then.
                dish_drain(&mut rig, &joined, &mut pending);
                let (r, mut cx) = rig.cx();
                let res = if join { r.join(&mut cx, &g) } else { r.leave(&mut cx, &g) };
                let ok = g.len() <= GROUP_MAX_LENGTH
                    && if join { !g.contains(&0) && joined.insert(g.clone()) } else { joined.remove(&g) };
                assert_eq!(res, if ok { Ok(()) } else { Err(EINVAL) }, "join {join} of {g:?}");
                let name: &[u8] = if join { b"\x04JOIN" } else { b"\x05LEAVE" };
                let want = if ok { vec![vec![([name, &g].concat(), true)]] } else { vec![] };
                for s in 0..DISH_PEERS {
                    assert_eq!(rig.take(s), want, "peer {s} after join {join} of {g:?}");
                }
            }
            2..=4 => {
                // One to three frames: a group (or anything), bodies.
                let n = 1 + (op >> 6) as usize % 3;
                let mut frames = vec![group(&mut it)];
                for _ in 1..n {
                    frames.push(tagged(slot, &mut seq, &mut it));
                }
                pending[slot].push(frames.clone());
                rig.put(slot, frames.into_iter().map(|f| (f, 0)).collect());
            }
            5 => dish_drain(&mut rig, &joined, &mut pending),
            6 => {
                rig.replace(slot, false);
                pending[slot].clear();
                dish_told_all(&mut rig, slot, &joined);
            }
            _ => {
                let key = rig.far[slot].0;
                let (r, mut cx) = rig.cx();
                r.hiccuped(&mut cx, key);
                dish_told_all(&mut rig, slot, &joined);
            }
        }
    }
    dish_drain(&mut rig, &joined, &mut pending);
}

/// Peer `slot` was just told every joined group, once each.
fn dish_told_all(rig: &mut Rig, slot: usize, joined: &BTreeSet<Vec<u8>>) {
    let mut got = rig.take(slot);
    got.sort();
    let want: Vec<Vec<(Vec<u8>, bool)>> =
        joined.iter().map(|g| vec![([&b"\x04JOIN"[..], g].concat(), true)]).collect();
    assert_eq!(got, want, "peer {slot} was not told the groups joined");
}

/// Receives until EAGAIN; checks it is exactly the pending messages that
/// pass (two frames, a joined group), each peer's in order.
fn dish_drain(rig: &mut Rig, joined: &BTreeSet<Vec<u8>>, pending: &mut [Vec<Vec<Vec<u8>>>]) {
    let mut got: Vec<Vec<(Vec<u8>, Vec<u8>)>> = vec![Vec::new(); pending.len()];
    let (r, mut cx) = rig.cx();
    loop {
        let ready = r.has_in(&mut cx);
        match r.recv(&mut cx) {
            Ok(m) => {
                assert!(ready, "POLLIN was not set for a message");
                assert!(!m.more(), "a DISH message of more than one part");
                let slot = m.data()[0] as usize;
                let g = m.group().expect("a DISH message has its group").to_bytes().to_vec();
                got[slot].push((g, m.data().to_vec()));
            }
            Err(e) => {
                assert_eq!(e, EAGAIN);
                assert!(!ready, "POLLIN without a message");
                break;
            }
        }
    }
    for (slot, msgs) in pending.iter_mut().enumerate() {
        let want: Vec<(Vec<u8>, Vec<u8>)> = msgs
            .drain(..)
            .filter(|f| f.len() == 2 && f[0].len() <= GROUP_MAX_LENGTH && joined.contains(&f[0]))
            .map(|mut f| {
                let body = f.pop().unwrap_or_default();
                (f.pop().unwrap_or_default(), body)
            })
            .collect();
        assert_eq!(got[slot], want, "peer {slot}: what the DISH delivered (joined {joined:?})");
    }
}

// ---------------------------------------------------------------------------
// Single-part types.

const SINGLE: [c_int; 6] = [ZMQ_SERVER, ZMQ_PEER, ZMQ_CLIENT, ZMQ_GATHER, ZMQ_SCATTER, ZMQ_CHANNEL];

/// A single-part socket type (first byte) fed messages of one to three
/// frames by its peers: it must deliver exactly the single-frame ones,
/// each peer's in order (SCATTER: none). SERVER and PEER name each peer by
/// one routing id, and a reply to it reaches that peer only; a message
/// without one is EHOSTUNREACH. CLIENT, SCATTER and CHANNEL send each
/// message to one peer.
pub fn single_part(data: &[u8]) {
    let Some((&sel, script)) = data.split_first() else { return };
    let kind = SINGLE[sel as usize % SINGLE.len()];
    // CHANNEL (like PAIR) has one peer.
    let peers = if kind == ZMQ_CHANNEL { 1 } else { 3 };
    let mut rig = Rig::new(kind, peers);
    let mut pending: Vec<Vec<Vec<u8>>> = vec![Vec::new(); peers];
    let mut ids = Ids { multipart: false, ..Ids::default() };
    let mut seq = 0u16;
    let mut it = script.iter().copied();
    while let Some(op) = it.next() {
        let slot = (op >> 3) as usize % peers;
        match op & 7 {
            0..=2 => {
                let n = 1 + (op >> 6) as usize % 3;
                let frames: Vec<Vec<u8>> = (0..n).map(|_| tagged(slot, &mut seq, &mut it)).collect();
                if n == 1 && kind != ZMQ_SCATTER {
                    pending[slot].push(frames[0].clone());
                }
                ids.multipart |= n > 1;
                rig.put(slot, frames.into_iter().map(|f| (f, 0)).collect());
            }
            3 | 4 => single_drain(&mut rig, kind, &mut pending, &mut ids),
            5 => {
                rig.replace(slot, false);
                pending[slot].clear();
                if let Some(id) = ids.by_slot.remove(&slot) {
                    ids.by_id.remove(&id);
                }
            }
            _ => single_send(&mut rig, kind, slot, &ids, raw(&mut it)),
        }
    }
    single_drain(&mut rig, kind, &mut pending, &mut ids);
}

/// SERVER/PEER: the routing id seen for each peer slot, both ways.
#[derive(Default)]
struct Ids {
    by_slot: HashMap<usize, u32>,
    by_id: HashMap<u32, usize>,
    /// A multipart message was written since the last drain: it may make
    /// POLLIN true with nothing to receive (libzmq's SERVER, CLIENT,
    /// GATHER and CHANNEL report `fq.has_in` and skip such messages only
    /// in recv; DISH is the one type that looks ahead).
    multipart: bool,
}

fn single_drain(rig: &mut Rig, kind: c_int, pending: &mut [Vec<Vec<u8>>], ids: &mut Ids) {
    let mut got: Vec<Vec<Vec<u8>>> = vec![Vec::new(); pending.len()];
    let (r, mut cx) = rig.cx();
    loop {
        let ready = r.has_in(&mut cx);
        let Ok(m) = r.recv(&mut cx) else {
            assert!(!ready || ids.multipart, "POLLIN without a message");
            break;
        };
        assert!(ready, "a message without POLLIN");
        assert!(kind != ZMQ_SCATTER, "SCATTER received");
        assert!(!m.more(), "a multipart message was delivered");
        let slot = m.data()[0] as usize;
        if matches!(kind, ZMQ_SERVER | ZMQ_PEER) {
            let id = m.routing_id();
            assert_ne!(id, 0, "a SERVER message without a routing id");
            assert_eq!(*ids.by_slot.entry(slot).or_insert(id), id, "peer {slot} changed id");
            assert_eq!(*ids.by_id.entry(id).or_insert(slot), slot, "id {id} names two peers");
        }
        got[slot].push(m.data().to_vec());
    }
    ids.multipart = false;
    for (slot, want) in pending.iter_mut().enumerate() {
        assert_eq!(&got[slot], want, "peer {slot}: what the socket delivered");
        want.clear();
    }
}

fn single_send(rig: &mut Rig, kind: c_int, slot: usize, ids: &Ids, body: Vec<u8>) {
    let mut m = Msg::from_slice(&body);
    // The peer that must get it: one (SERVER/PEER), any one (usize::MAX),
    // none (GATHER; SERVER/PEER without the peer's id).
    let target = match kind {
        ZMQ_SERVER | ZMQ_PEER => {
            // To the peer's id when known, else to 0 (no peer's id).
            let id = ids.by_slot.get(&slot).copied();
            m.set_routing_id(id.unwrap_or(0));
            id.map(|_| slot)
        }
        ZMQ_GATHER => None,
        _ => Some(usize::MAX),
    };
    let (r, mut cx) = rig.cx();
    let res = r.send(&mut cx, m).map_err(|e| e.0);
    match target {
        Some(_) => assert_eq!(res, Ok(())),
        None if kind == ZMQ_GATHER => assert!(res.is_err(), "GATHER sent"),
        None => assert_eq!(res, Err(EHOSTUNREACH), "a reply to an unknown id"),
    }
    let mut receivers = Vec::new();
    for s in 0..rig.far.len() {
        for msg in rig.take(s) {
            assert_eq!(msg, vec![(body.clone(), false)], "peer {s} got something else");
            receivers.push(s);
        }
    }
    match target {
        Some(usize::MAX) => assert_eq!(receivers.len(), 1, "{kind}: sent to {receivers:?}"),
        Some(t) => assert_eq!(receivers, vec![t], "a reply to peer {t}"),
        None => assert!(receivers.is_empty()),
    }
}
