//! The built-in proxy (`zmq_proxy`, `zmq_proxy_steerable`, `zmq_device`).
//!
//! Owns: shuttling whole messages between a frontend and a backend socket
//! (each frame copied to an optional capture socket), the control commands
//! PAUSE / RESUME / TERMINATE / STATISTICS (copied to capture as well, as
//! libzmq 4.3.5 does), and the counters STATISTICS reports. A message only moves when the destination reports
//! `ZMQ_POLLOUT`; a first frame the destination refuses is kept and sent
//! once it has room, so a message is never split or lost. Waiting goes
//! through `crate::poll`, so no socket lock is held while blocked.
//!
//! Must not: touch socket internals (it uses the public socket calls only)
//! or C pointers (that is `capi::proxy`).

use crate::socket::shared::SharedSocket as SocketHandle;
use crate::constants::*;
use crate::error::*;
use crate::msg::Msg;
use crate::poll::{poll, Item, Pollable, Target};
use std::os::raw::{c_int, c_short};

/// How many messages one direction forwards before the other gets a turn.
const BURST: usize = 1000;

/// Traffic through one side of the proxy, as STATISTICS reports it
/// (libzmq 4.3.5 counts a multipart message once, with all its bytes).
#[derive(Default, Clone, Copy, Debug, PartialEq, Eq)]
pub struct SideStats {
    pub msgs_in: u64,
    pub bytes_in: u64,
    pub msgs_out: u64,
    pub bytes_out: u64,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Active,
    Paused,
    Terminated,
}

/// One direction of traffic (frontend→backend or backend→frontend).
#[derive(Default)]
struct Flow {
    /// A first frame received but refused by the destination (EAGAIN).
    pending: Option<Msg>,
}

fn recv(s: &SocketHandle, flags: c_int) -> ZResult<Msg> {
    s.with(|b| b.recv(flags))
}

fn send(s: &SocketHandle, msg: Msg, flags: c_int) -> Result<(), (Errno, Msg)> {
    // The message is moved in; on a dead handle it is lost, which only
    // matters for an error we report anyway.
    let mut slot = Some(msg);
    match s.with(|b| {
        let m = slot.take().unwrap_or_default();
        Ok(b.send(m, flags))
    }) {
        Ok(r) => r,
        Err(e) => Err((e, slot.take().unwrap_or_default())),
    }
}

fn send_blocking(s: &SocketHandle, msg: Msg, flags: c_int) -> ZResult<()> {
    send(s, msg, flags).map_err(|(e, _)| e)
}

/// Sends a copy of `msg` to the capture socket, if any.
fn capture(cap: Option<&SocketHandle>, msg: &mut Msg) -> ZResult<()> {
    if let Some(c) = cap {
        let more = msg.more();
        let copy = msg.share();
        send_blocking(c, copy, if more { ZMQ_SNDMORE } else { 0 })?;
    }
    Ok(())
}

/// Receives one frame from `from`, counting it and copying it to capture.
fn take_frame(from: &SocketHandle, cap: Option<&SocketHandle>, st: &mut SideStats) -> ZResult<Msg> {
    let mut m = recv(from, ZMQ_DONTWAIT)?;
    st.bytes_in += m.len() as u64;
    if !m.more() {
        st.msgs_in += 1;
    }
    capture(cap, &mut m)?;
    Ok(m)
}

fn count_out(st: &mut SideStats, len: usize, more: bool) {
    st.bytes_out += len as u64;
    if !more {
        st.msgs_out += 1;
    }
}

/// Forwards up to a burst of whole messages. Returns whether anything moved.
fn forward(
    from: &SocketHandle,
    to: &SocketHandle,
    cap: Option<&SocketHandle>,
    flow: &mut Flow,
    from_st: &mut SideStats,
    to_st: &mut SideStats,
) -> ZResult<bool> {
    let mut moved = false;
    for _ in 0..BURST {
        let first = match flow.pending.take() {
            Some(m) => m,
            None => match take_frame(from, cap, from_st) {
                Ok(m) => m,
                Err(e) if e == EAGAIN => break,
                Err(e) => return Err(e),
            },
        };
        let mut more = first.more();
        let len = first.len();
        let flags = ZMQ_DONTWAIT | if more { ZMQ_SNDMORE } else { 0 };
        match send(to, first, flags) {
            Ok(()) => count_out(to_st, len, more),
            Err((e, m)) if e == EAGAIN => {
                flow.pending = Some(m);
                break;
            }
            Err((e, _)) => return Err(e),
        }
        moved = true;
        // The rest of a message is already queued and is always accepted.
        while more {
            let m = take_frame(from, cap, from_st)?;
            more = m.more();
            let len = m.len();
            send_blocking(to, m, if more { ZMQ_SNDMORE } else { 0 })?;
            count_out(to_st, len, more);
        }
    }
    Ok(moved)
}

/// Applies one control command; STATISTICS replies with eight u64 frames.
/// A REP control socket gets an empty reply to the other commands (so it
/// can take the next one); unknown commands are ignored.
fn handle_control(
    ctl: &SocketHandle,
    cap: Option<&SocketHandle>,
    state: &mut State,
    front: &SideStats,
    back: &SideStats,
) -> ZResult<()> {
    let mut cmd = match recv(ctl, ZMQ_DONTWAIT) {
        Ok(m) => m,
        Err(e) if e == EAGAIN => return Ok(()),
        Err(e) => return Err(e),
    };
    // Drop any further frames of a multipart command (libzmq 4.3.5 gives
    // up with -1 there; ignoring them keeps the proxy running).
    let mut more = cmd.more();
    while more {
        more = recv(ctl, ZMQ_DONTWAIT)?.more();
    }
    cmd.set_more(false);
    // As libzmq 4.3.5 does, the capture socket sees each command too.
    capture(cap, &mut cmd)?;
    match cmd.data() {
        b"PAUSE" => *state = State::Paused,
        b"RESUME" => *state = State::Active,
        b"TERMINATE" => *state = State::Terminated,
        b"STATISTICS" => {
            let vals = [
                front.msgs_in,
                front.bytes_in,
                front.msgs_out,
                front.bytes_out,
                back.msgs_in,
                back.bytes_in,
                back.msgs_out,
                back.bytes_out,
            ];
            for (i, v) in vals.iter().enumerate() {
                let flags = if i + 1 < vals.len() { ZMQ_SNDMORE } else { 0 };
                send_blocking(ctl, Msg::from_slice(&v.to_ne_bytes()), flags)?;
            }
            return Ok(());
        }
        _ => {}
    }
    let is_rep = ctl.with(|s| {
        let mut out = [0u8; 4];
        s.getsockopt(ZMQ_TYPE, &mut out)?;
        Ok(c_int::from_ne_bytes(out) == ZMQ_REP)
    })?;
    if is_rep {
        send_blocking(ctl, Msg::new(), 0)?;
    }
    Ok(())
}

/// Runs the proxy until TERMINATE (Ok) or an error such as ETERM.
pub fn proxy(
    front: &SocketHandle,
    back: &SocketHandle,
    cap: Option<&SocketHandle>,
    ctl: Option<&SocketHandle>,
) -> ZResult<()> {
    let same = std::ptr::eq(front, back);
    let mut state = State::Active;
    let (mut fst, mut bst) = (SideStats::default(), SideStats::default());
    let (mut f2b, mut b2f) = (Flow::default(), Flow::default());
    loop {
        if let Some(c) = ctl {
            if c.poll_events()? & ZMQ_POLLIN != 0 {
                handle_control(c, cap, &mut state, &fst, &bst)?;
                if state == State::Terminated {
                    return Ok(());
                }
                continue;
            }
        }
        let fe = front.poll_events()?;
        let be = if same { fe } else { back.poll_events()? };
        // What to wait for when nothing can move now.
        let (mut fwait, mut bwait) = (0, 0);
        let mut moved = false;
        if state == State::Active {
            // frontend -> backend
            let work = f2b.pending.is_some() || fe & ZMQ_POLLIN != 0;
            let room = be & ZMQ_POLLOUT != 0 || (same && f2b.pending.is_none());
            if work && room {
                moved |= forward(front, back, cap, &mut f2b, &mut fst, &mut bst)?;
            }
            if work && !room {
                bwait |= ZMQ_POLLOUT;
            } else {
                fwait |= ZMQ_POLLIN;
                if f2b.pending.is_some() {
                    bwait |= ZMQ_POLLOUT;
                }
            }
            // backend -> frontend
            if !same {
                let work = b2f.pending.is_some() || be & ZMQ_POLLIN != 0;
                let room = fe & ZMQ_POLLOUT != 0;
                if work && room {
                    moved |= forward(back, front, cap, &mut b2f, &mut bst, &mut fst)?;
                }
                if work && !room {
                    fwait |= ZMQ_POLLOUT;
                } else {
                    bwait |= ZMQ_POLLIN;
                    if b2f.pending.is_some() {
                        fwait |= ZMQ_POLLOUT;
                    }
                }
            }
        }
        if moved {
            continue;
        }
        // Sockets with nothing to wait for stay in the set (events 0) so a
        // terminated context still ends the proxy while it is paused.
        let mut items: Vec<Item<'_>> = Vec::with_capacity(3);
        items.push(Item { target: Target::Socket(front), events: fwait as c_short, revents: 0 });
        if !same {
            items.push(Item { target: Target::Socket(back), events: bwait as c_short, revents: 0 });
        } else {
            items[0].events |= bwait as c_short;
        }
        if let Some(c) = ctl {
            items.push(Item { target: Target::Socket(c), events: ZMQ_POLLIN as c_short, revents: 0 });
        }
        poll(&mut items, -1)?;
    }
}
