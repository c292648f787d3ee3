//! Entry points for the fuzzers (`fuzz/`, cargo-fuzz) and for the
//! deterministic fuzz tests (`fuzz::deterministic`): each takes arbitrary bytes and
//! must never panic, except where it checks a property (then the panic is
//! the finding).
//!
//! - `decoder`: the ZMTP 1.0/2.0/3.x frame decoders, command and metadata
//!   parsers;
//! - `connection`: one NULL connection fed the input (greeting, revision
//!   detection, handshake, traffic);
//! - `pair`: two of our connections over a scripted wire; every frame sent
//!   after the handshake (a DISH's JOIN/LEAVE commands included) must
//!   arrive unchanged and in order;
//! - `handshake_server`: one connection of every security configuration
//!   (NULL, NULL with ZAP, PLAIN and CURVE, both roles, legacy peers
//!   refused or not) fed the input, its ZAP requests answered from it;
//! - `handshake_pair`: a client and a server of one mechanism over a wire
//!   the input corrupts, with ZAP verdicts and time from the input: a
//!   handshake that nothing disturbed must succeed;
//! - `trie`: subscription tries against a plain model;
//! - `draft`: what the DRAFT types read from a peer: udp datagrams, RADIO's
//!   group table, DISH, and the single-part types (`udp_datagram`,
//!   `radio`, `dish`, `single_part`; `draft_routing` picks one of the
//!   last three).
//!
//! Test harness code: nothing in the library calls it.

use crate::constants::*;
use crate::msg::Msg;
use crate::zmtp::*;
use bytes::{Bytes, BytesMut};

#[cfg(test)]
mod deterministic;
mod draft;

pub use draft::{dish, draft_routing, radio, single_part, udp_datagram};

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
        // JOIN/LEAVE commands go up to a RADIO; a DISH sends commands.
        crate::constants::draft::ZMQ_RADIO,
        crate::constants::draft::ZMQ_DISH,
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
    use crate::constants::draft::{ZMQ_CLIENT, ZMQ_DISH, ZMQ_RADIO, ZMQ_SERVER};
    const PAIRS: [(std::os::raw::c_int, std::os::raw::c_int); 8] = [
        (ZMQ_DEALER, ZMQ_ROUTER),
        (ZMQ_PUSH, ZMQ_PULL),
        (ZMQ_SUB, ZMQ_PUB),
        (ZMQ_XSUB, ZMQ_XPUB),
        (ZMQ_PAIR, ZMQ_PAIR),
        (ZMQ_REQ, ZMQ_REP),
        (ZMQ_DISH, ZMQ_RADIO),
        (ZMQ_CLIENT, ZMQ_SERVER),
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
                // A DISH's JOIN/LEAVE: a command frame the RADIO's
                // connection passes up as it is.
                let body = if op & 0x10 != 0 && ta == ZMQ_DISH && from == 0 && !more {
                    let name: &[u8] = if op & 0x20 != 0 { b"\x05LEAVE" } else { b"\x04JOIN" };
                    [name, &body].concat()
                } else {
                    body
                };
                let mut m = Msg::from_slice(&body);
                m.set_more(more);
                if op & 0x10 != 0 && ta == ZMQ_DISH && from == 0 && !more {
                    m.set_flags(crate::msg::COMMAND);
                }
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

// ---------------------------------------------------------------------------
// Security handshakes.

/// A fixed server key pair and client key pair (the fuzzers need no
/// secrecy, only valid keys).
fn keys() -> ([u8; 32], [u8; 32], [u8; 32], [u8; 32]) {
    let server_secret = [0x51u8; 32];
    let client_secret = [0x7au8; 32];
    (
        crate::util::curve::public_from_secret(server_secret),
        server_secret,
        crate::util::curve::public_from_secret(client_secret),
        client_secret,
    )
}

/// The security configurations a connection can have.
#[derive(Clone, Copy, Debug)]
enum Sec {
    Null,
    NullZap,
    Plain,
    Curve,
    CurveZap,
}

const SECS: [Sec; 5] = [Sec::Null, Sec::NullZap, Sec::Plain, Sec::Curve, Sec::CurveZap];

fn zap_params() -> mechanism::ZapParams {
    mechanism::ZapParams { domain: Bytes::from_static(b"fuzz"), ..Default::default() }
}

/// One side of a connection of `sec`; `None` when CURVE cannot get random
/// bytes (it never happens in practice).
fn side(sec: Sec, server: bool, now: std::time::Instant) -> Option<Connection> {
    use mechanism::curve::CurveMechanism;
    use mechanism::plain::PlainMechanism;
    use mechanism::ZapMode;
    let (spub, ssec, cpub, csec) = keys();
    let (st, rid): (std::os::raw::c_int, &[u8]) = if server { (ZMQ_ROUTER, b"") } else { (ZMQ_DEALER, b"fz") };
    let mech: Box<dyn Mechanism> = match sec {
        Sec::Null => Box::new(NullMechanism::new(st, rid, &[])),
        Sec::NullZap if server => Box::new(NullMechanism::new(st, rid, &[]).with_zap(ZapMode::Ask(zap_params()))),
        Sec::NullZap => Box::new(NullMechanism::new(st, rid, &[])),
        Sec::Plain if server => Box::new(PlainMechanism::server(st, rid, &[], ZapMode::Ask(zap_params()))),
        Sec::Plain => Box::new(PlainMechanism::client(st, rid, &[], b"user", b"password")),
        Sec::Curve | Sec::CurveZap if server => {
            let zap = if matches!(sec, Sec::CurveZap) { ZapMode::Ask(zap_params()) } else { ZapMode::Off };
            Box::new(CurveMechanism::server(st, rid, &[], ssec, zap).ok()?)
        }
        Sec::Curve | Sec::CurveZap => Box::new(CurveMechanism::client(st, rid, &[], cpub, csec, spub).ok()?),
    };
    let mut cfg = ConnectionConfig::plain(st, Bytes::copy_from_slice(rid), 1 << 16);
    cfg.refuse_legacy = !matches!(sec, Sec::Null);
    cfg.timing = liveness::Timing::from_options(2000, 100, -1, 500);
    Some(Connection::new(cfg, mech, now))
}

/// A ZAP reply chosen by `b`: 200 (most often), 300, 400, 500, malformed,
/// or no answer at all (the handler went away).
fn zap_answer(b: u8) -> Result<zap::ZapReply, std::os::raw::c_int> {
    let reply = |code: &'static [u8]| zap::ZapReply {
        status_code: Bytes::from_static(code),
        status_text: Bytes::new(),
        user_id: Bytes::from_static(b"u"),
        metadata: Properties::new(),
    };
    match b % 8 {
        0..=2 => Ok(reply(b"200")),
        3 => Ok(reply(b"300")),
        4 => Ok(reply(b"400")),
        5 => Ok(reply(b"500")),
        6 => Err(ZMQ_PROTOCOL_ERROR_ZAP_MALFORMED_REPLY),
        _ => Err(ZMQ_PROTOCOL_ERROR_ZAP_UNSPECIFIED),
    }
}

/// Feeds `data` to one connection of a security configuration and role
/// chosen by its first byte, in chunks, answering ZAP requests from the
/// input and letting time pass: must not panic, whatever arrives
/// (legacy greetings, forged HELLO/INITIATE, PINGs, garbage).
pub fn handshake_server(data: &[u8]) {
    let Some((&sel, rest)) = data.split_first() else { return };
    let sec = SECS[sel as usize % SECS.len()];
    let server = sel & 0x80 == 0;
    let t0 = std::time::Instant::now();
    let Some(mut c) = side(sec, server, t0) else { return };
    let step = 1 + (sel as usize >> 3) % 29;
    let mut now = t0;
    for (i, chunk) in rest.chunks(step).enumerate() {
        now += std::time::Duration::from_millis(chunk[0] as u64);
        c.input_arrived(now);
        if c.handle_input(&mut BytesMut::from(chunk)).is_err() {
            return;
        }
        while let Some(ev) = c.poll_event() {
            if let Event::ZapRequest(_) = ev {
                if c.zap_reply(zap_answer(chunk[chunk.len() - 1])).is_err() {
                    return;
                }
            }
        }
        if i % 3 == 2 && c.handle_timeout(now).is_err() {
            return;
        }
        let _ = c.send(Msg::from_slice(b"out"));
        c.take_output();
    }
}

/// A client and a server of one mechanism (first byte) talk over a wire
/// the rest of the input scripts: how many bytes cross at a time, bytes
/// flipped, inserted or dropped, ZAP verdicts, time passing, messages.
/// Nothing may panic; and when nothing was tampered with and ZAP said 200,
/// the handshake must complete and the messages arrive (then it returns
/// true).
pub fn handshake_pair(data: &[u8]) -> bool {
    let Some((&sel, script)) = data.split_first() else { return false };
    let sec = SECS[sel as usize % SECS.len()];
    let t0 = std::time::Instant::now();
    let (Some(client), Some(server)) = (side(sec, false, t0), side(sec, true, t0)) else { return false };
    let mut side = [client, server];
    let mut wire = [BytesMut::new(), BytesMut::new()];
    let mut failed = [false, false];
    let mut tampered = false;
    let mut refused = false;
    let mut sent = [0usize; 2];
    let mut got = [0usize; 2];
    let mut now = t0;
    let mut it = script.iter().copied();
    // Moves output to the wire toward the other side, then up to `n` bytes
    // of that wire into it.
    fn deliver(
        side: &mut [Connection; 2],
        wire: &mut [BytesMut; 2],
        failed: &mut [bool; 2],
        got: &mut [usize; 2],
        refused: &mut bool,
        (from, n, zap, now): (usize, usize, u8, std::time::Instant),
    ) {
        let to = 1 - from;
        if !failed[from] {
            let out = side[from].take_output();
            wire[to].extend_from_slice(&out);
        }
        if failed[to] {
            return;
        }
        let n = n.min(wire[to].len());
        let mut chunk = wire[to].split_to(n);
        if !chunk.is_empty() {
            side[to].input_arrived(now);
        }
        if side[to].handle_input(&mut chunk).is_err() {
            failed[to] = true;
            return;
        }
        while let Some(ev) = side[to].poll_event() {
            match ev {
                Event::Message(_) => got[to] += 1,
                Event::ZapRequest(_) => {
                    let answer = zap_answer(zap);
                    *refused |= !matches!(&answer, Ok(r) if r.ok());
                    if side[to].zap_reply(answer).is_err() {
                        failed[to] = true;
                        return;
                    }
                }
                Event::Handshook { .. } => {}
            }
        }
    }
    while let Some(op) = it.next() {
        let arg = it.next().unwrap_or(0);
        match op % 8 {
            0 | 1 => {
                let from = (op % 8) as usize;
                let n = (arg as usize + 1) * (1 + (op as usize >> 3));
                deliver(&mut side, &mut wire, &mut failed, &mut got, &mut refused, (from, n, op >> 3, now));
            }
            2 => {
                let to = (arg & 1) as usize;
                if !wire[to].is_empty() {
                    let i = arg as usize % wire[to].len();
                    wire[to][i] ^= 1 << (op >> 5);
                    tampered = true;
                }
            }
            3 => {
                let to = (arg & 1) as usize;
                let i = arg as usize % (wire[to].len() + 1);
                let tail = wire[to].split_off(i);
                wire[to].extend_from_slice(&[op]);
                wire[to].extend_from_slice(&tail);
                tampered = true;
            }
            4 => {
                let to = (arg & 1) as usize;
                let keep = arg as usize % (wire[to].len() + 1);
                tampered |= keep < wire[to].len();
                wire[to].truncate(keep);
            }
            5 => {
                let from = (arg & 1) as usize;
                if !failed[from] && side[from].is_ready() && side[from].send(Msg::from_slice(&[arg; 3])).is_ok() {
                    sent[from] += 1;
                }
            }
            6 => {
                now += std::time::Duration::from_millis(arg as u64 * 4);
                for i in 0..2 {
                    if !failed[i] && side[i].handle_timeout(now).is_err() {
                        failed[i] = true;
                        tampered = true;
                    }
                }
            }
            _ => {
                deliver(&mut side, &mut wire, &mut failed, &mut got, &mut refused, (0, usize::MAX, arg, now));
                deliver(&mut side, &mut wire, &mut failed, &mut got, &mut refused, (1, usize::MAX, arg, now));
            }
        }
    }
    for _ in 0..6 {
        deliver(&mut side, &mut wire, &mut failed, &mut got, &mut refused, (0, usize::MAX, 0, now));
        deliver(&mut side, &mut wire, &mut failed, &mut got, &mut refused, (1, usize::MAX, 0, now));
    }
    if tampered || refused {
        return false;
    }
    assert!(!failed[0] && !failed[1], "{sec:?}: an undisturbed handshake failed");
    assert!(side[0].is_ready() && side[1].is_ready(), "{sec:?}: handshake did not finish");
    assert_eq!(got[1], sent[0], "{sec:?}: server received {} of {}", got[1], sent[0]);
    assert_eq!(got[0], sent[1], "{sec:?}: client received {} of {}", got[0], sent[1]);
    true
}

// ---------------------------------------------------------------------------
// Subscription tries.

/// Adds, removes and matches topics in both tries, checking each answer
/// against a plain model (a map of topic to count / to set of pipes).
pub fn trie(data: &[u8]) {
    use crate::socket::trie::{MTrie, RmResult, Trie};
    use std::collections::{BTreeMap, BTreeSet};
    let mut t = Trie::new();
    let mut model: BTreeMap<Vec<u8>, u32> = BTreeMap::new();
    let mut m = MTrie::new();
    let mut mmodel: BTreeMap<Vec<u8>, BTreeSet<usize>> = BTreeMap::new();
    let mut it = data.iter().copied();
    while let Some(op) = it.next() {
        let len = (it.next().unwrap_or(0) % 12) as usize;
        let topic: Vec<u8> = it.by_ref().take(len).map(|b| b % 4 + b'a').collect();
        let pipe = (op >> 4) as usize % 4;
        match op % 6 {
            0 => {
                let new = t.add(&topic);
                let c = model.entry(topic).or_default();
                *c += 1;
                assert_eq!(new, *c == 1);
            }
            1 => {
                let last = t.rm(&topic);
                let want = match model.get_mut(&topic) {
                    Some(c) => {
                        *c -= 1;
                        if *c == 0 {
                            model.remove(&topic);
                            true
                        } else {
                            false
                        }
                    }
                    None => false,
                };
                assert_eq!(last, want);
            }
            2 => {
                let want = model.keys().any(|k| topic.starts_with(k));
                assert_eq!(t.check(&topic), want);
            }
            3 => {
                let first = m.add(&topic, pipe);
                let set = mmodel.entry(topic).or_default();
                assert_eq!(first, set.is_empty());
                set.insert(pipe);
            }
            4 => {
                let r = m.rm(&topic, pipe);
                let removed = mmodel.get_mut(&topic).is_some_and(|set| set.remove(&pipe));
                let want = if !removed {
                    RmResult::NotFound
                } else if mmodel[&topic].is_empty() {
                    mmodel.remove(&topic);
                    RmResult::LastValueRemoved
                } else {
                    RmResult::ValuesRemain
                };
                assert_eq!(r, want);
            }
            _ => {
                let mut out = Vec::new();
                m.match_into(&topic, &mut out);
                let mut want: Vec<usize> = mmodel
                    .iter()
                    .filter(|(k, _)| topic.starts_with(k))
                    .flat_map(|(_, s)| s.iter().copied())
                    .collect();
                want.sort_unstable();
                want.dedup();
                assert_eq!(out, want);
            }
        }
        assert_eq!(t.len(), model.len());
    }
    // A departing pipe takes exactly its topics.
    let mut gone = Vec::new();
    m.rm_pipe(0, |topic, last| gone.push((topic.to_vec(), last)));
    let want: Vec<(Vec<u8>, bool)> =
        mmodel.iter().filter(|(_, s)| s.contains(&0)).map(|(k, s)| (k.clone(), s.len() == 1)).collect();
    assert_eq!(gone, want);
}
