//! Socket entry points: create/close, bind/connect, options, send/recv,
//! and the socket monitor.

// Every function here follows libzmq's manual for its pointer arguments
// (zmq_socket.txt, zmq_ctx_new.txt, ...): that contract is the safety doc.
#![allow(clippy::missing_safety_doc)]

use super::handle;
use super::msg::{msg_mut, zmq_msg_t};
use super::{guard_int, guard_ptr};
use crate::error::*;
use crate::msg::Msg;
use crate::socket::base::SocketBase;
use std::ffi::CStr;
use std::os::raw::{c_char, c_int, c_void};

/// Reads a C endpoint string.
///
/// # Safety
/// `addr` must be NULL or a NUL-terminated string that stays valid and
/// unchanged for `'a`.
unsafe fn endpoint<'a>(addr: *const c_char) -> ZResult<&'a str> {
    if addr.is_null() {
        return Err(EINVAL);
    }
    // SAFETY: non-NULL and NUL-terminated, valid for 'a (caller).
    unsafe { CStr::from_ptr(addr) }.to_str().map_err(|_| EINVAL)
}

fn clamp_len(n: usize) -> c_int {
    n.min(c_int::MAX as usize) as c_int
}

#[no_mangle]
pub unsafe extern "C" fn zmq_socket(ctx_: *mut c_void, type_: c_int) -> *mut c_void {
    guard_ptr(|| {
        // SAFETY: zmq_socket(3): `ctx_` is a context from zmq_ctx_new (or
        // NULL, answered with EFAULT), as handle::ctx requires.
        let c = unsafe { handle::ctx(ctx_) }?.get()?;
        let s = SocketBase::new(c, type_)?;
        Ok(handle::new_socket(s))
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_close(s_: *mut c_void) -> c_int {
    guard_int(|| {
        // SAFETY: zmq_close(3): `s_` is a socket from zmq_socket, possibly
        // closed already (or NULL: ENOTSOCK), as handle::socket requires.
        unsafe { handle::socket(s_) }?.close()?;
        Ok(0)
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_setsockopt(
    s_: *mut c_void,
    option_: c_int,
    optval_: *const c_void,
    optvallen_: usize,
) -> c_int {
    guard_int(|| {
        // SAFETY: zmq_setsockopt(3): `s_` is NULL or a socket from zmq_socket.
        let h = unsafe { handle::socket(s_) }?;
        if optval_.is_null() && optvallen_ != 0 {
            return Err(EFAULT);
        }
        let v: Option<&[u8]> = if optval_.is_null() {
            None
        } else if optvallen_ == 0 {
            Some(&[])
        } else {
            // SAFETY: zmq_setsockopt(3): a non-NULL `optval_` points to
            // `optvallen_` readable bytes, which the caller does not change
            // during the call; the slice is dropped before we return.
            Some(unsafe { std::slice::from_raw_parts(optval_ as *const u8, optvallen_) })
        };
        h.with(|s| s.setsockopt(option_, v))?;
        Ok(0)
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_getsockopt(
    s_: *mut c_void,
    option_: c_int,
    optval_: *mut c_void,
    optvallen_: *mut usize,
) -> c_int {
    guard_int(|| {
        // SAFETY: zmq_getsockopt(3): `s_` is NULL or a socket from zmq_socket.
        let h = unsafe { handle::socket(s_) }?;
        if optvallen_.is_null() {
            return Err(EFAULT);
        }
        // SAFETY: zmq_getsockopt(3): `optvallen_` (non-NULL, checked above)
        // points to a readable and writable size_t holding the buffer size.
        let cap = unsafe { *optvallen_ };
        if optval_.is_null() && cap != 0 {
            return Err(EFAULT);
        }
        let out: &mut [u8] = if cap == 0 {
            &mut []
        } else {
            // SAFETY: zmq_getsockopt(3): `optval_` (non-NULL, checked above)
            // points to `*optvallen_` writable bytes that nothing else uses
            // during the call; a size_t and the buffer are distinct objects,
            // so writing `*optvallen_` below does not alias this slice.
            unsafe { std::slice::from_raw_parts_mut(optval_ as *mut u8, cap) }
        };
        let n = h.with(|s| s.getsockopt(option_, out))?;
        // SAFETY: as above, `optvallen_` is a writable size_t.
        unsafe { *optvallen_ = n };
        Ok(0)
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_bind(s_: *mut c_void, addr_: *const c_char) -> c_int {
    guard_int(|| {
        // SAFETY: zmq_bind(3): `s_` is NULL or a socket from zmq_socket;
        // `addr_` is NULL (EINVAL) or a NUL-terminated string the caller
        // keeps during the call, and `ep` does not outlive the call.
        let (h, ep) = unsafe { (handle::socket(s_)?, endpoint(addr_)?) };
        h.with(|s| s.bind(ep))?;
        Ok(0)
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_connect(s_: *mut c_void, addr_: *const c_char) -> c_int {
    guard_int(|| {
        // SAFETY: zmq_connect(3): `s_` is NULL or a socket from zmq_socket;
        // `addr_` is NULL (EINVAL) or a NUL-terminated string the caller
        // keeps during the call, and `ep` does not outlive the call.
        let (h, ep) = unsafe { (handle::socket(s_)?, endpoint(addr_)?) };
        h.with(|s| s.connect(ep))?;
        Ok(0)
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_unbind(s_: *mut c_void, addr_: *const c_char) -> c_int {
    guard_int(|| {
        // SAFETY: zmq_unbind(3): `s_` is NULL or a socket from zmq_socket;
        // `addr_` is NULL (EINVAL) or a NUL-terminated string the caller
        // keeps during the call, and `ep` does not outlive the call.
        let (h, ep) = unsafe { (handle::socket(s_)?, endpoint(addr_)?) };
        h.with(|s| s.unbind(ep))?;
        Ok(0)
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_disconnect(s_: *mut c_void, addr_: *const c_char) -> c_int {
    guard_int(|| {
        // SAFETY: zmq_disconnect(3): `s_` is NULL or a socket from
        // zmq_socket; `addr_` is NULL (EINVAL) or a NUL-terminated string
        // the caller keeps during the call, and `ep` does not outlive it.
        let (h, ep) = unsafe { (handle::socket(s_)?, endpoint(addr_)?) };
        h.with(|s| s.disconnect(ep))?;
        Ok(0)
    })
}

/// Sends `msg` on the socket `s_`.
///
/// # Safety
/// `s_` must be NULL or a socket returned by `zmq_socket` (possibly closed).
unsafe fn send_msg(s_: *mut c_void, mut msg: Msg, flags: c_int) -> ZResult<()> {
    // SAFETY: forwarded from this function's own contract.
    let h = unsafe { handle::socket(s_) }?;
    h.with_blocking(flags, true, |s, f| s.send_from(&mut msg, f))
}

#[no_mangle]
pub unsafe extern "C" fn zmq_send(s_: *mut c_void, buf_: *const c_void, len_: usize, flags_: c_int) -> c_int {
    guard_int(|| {
        // SAFETY: zmq_send(3): `s_` is NULL or a socket from zmq_socket.
        unsafe { handle::socket(s_) }?;
        if buf_.is_null() && len_ != 0 {
            return Err(EFAULT);
        }
        let data: &[u8] = if len_ == 0 {
            &[]
        } else {
            // SAFETY: zmq_send(3): `buf_` (non-NULL, checked above) points
            // to `len_` readable bytes, unchanged during the call; they are
            // copied into the message before we return.
            unsafe { std::slice::from_raw_parts(buf_ as *const u8, len_) }
        };
        // SAFETY: `s_` as above.
        unsafe { send_msg(s_, Msg::from_slice(data), flags_) }?;
        Ok(clamp_len(len_))
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_send_const(s_: *mut c_void, buf_: *const c_void, len_: usize, flags_: c_int) -> c_int {
    guard_int(|| {
        // SAFETY: zmq_send_const(3): `s_` is NULL or a socket from zmq_socket.
        unsafe { handle::socket(s_) }?;
        if buf_.is_null() && len_ != 0 {
            return Err(EFAULT);
        }
        // SAFETY: zmq_send_const(3): the `len_` bytes at `buf_` are constant
        // and outlive the message, which is from_const's contract (NULL
        // only with length 0, read as empty); `s_` as above.
        unsafe { send_msg(s_, Msg::from_const(buf_ as *const u8, len_), flags_) }?;
        Ok(clamp_len(len_))
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_recv(s_: *mut c_void, buf_: *mut c_void, len_: usize, flags_: c_int) -> c_int {
    guard_int(|| {
        // SAFETY: zmq_recv(3): `s_` is NULL or a socket from zmq_socket.
        let h = unsafe { handle::socket(s_) }?;
        if buf_.is_null() && len_ != 0 {
            return Err(EFAULT);
        }
        let m = h.with_blocking(flags_, false, |s, f| s.recv(f))?;
        let n = m.len().min(len_);
        if n > 0 {
            // SAFETY: n > 0 implies len_ > 0, so `buf_` is non-NULL and, per
            // zmq_recv(3), has room for `len_` >= n bytes; the source is n
            // bytes of `m`'s payload. They do not overlap: the payload is
            // our allocation, or caller memory given to zmq_msg_init_data /
            // zmq_send_const, which the caller must not reuse as a receive
            // buffer while the message lives.
            unsafe { std::ptr::copy_nonoverlapping(m.data().as_ptr(), buf_ as *mut u8, n) };
        }
        Ok(clamp_len(m.len()))
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_msg_send(msg_: *mut zmq_msg_t, s_: *mut c_void, flags_: c_int) -> c_int {
    guard_int(|| {
        // SAFETY: zmq_msg_send(3): `s_` is NULL or a socket from zmq_socket;
        // `msg_` is NULL (EFAULT) or a caller-owned zmq_msg_t, initialised
        // by zmq_msg_init* (checked by its tag), not used by anyone else
        // during the call.
        let (h, msg) = unsafe { (handle::socket(s_)?, msg_mut(msg_)?) };
        let len = msg.len();
        // On success the message is taken (left empty, as libzmq leaves it);
        // on failure the caller keeps it.
        h.with_blocking(flags_, true, |s, f| s.send_from(msg, f))?;
        Ok(clamp_len(len))
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_msg_recv(msg_: *mut zmq_msg_t, s_: *mut c_void, flags_: c_int) -> c_int {
    guard_int(|| {
        // SAFETY: zmq_msg_recv(3): `s_` is NULL or a socket from zmq_socket;
        // `msg_` is NULL (EFAULT) or a caller-owned zmq_msg_t, initialised
        // by zmq_msg_init* (checked by its tag), not used by anyone else
        // during the call.
        let (h, dest) = unsafe { (handle::socket(s_)?, msg_mut(msg_)?) };
        // As libzmq, the old content is released whatever happens (a failed
        // receive leaves an empty message). Released here, before the socket
        // is locked (a zero-copy free function may call back into the
        // library), unless it is a small payload of ours, which the socket
        // frees in a batch (`SocketBase::release`).
        if !dest.release_may_wait() {
            *dest = Msg::new();
        }
        let r = h.with_blocking(flags_, false, |s, f| {
            s.release(dest);
            s.recv_into(f, dest)
        });
        if let Err(e) = r {
            *dest = Msg::new();
            return Err(e);
        }
        Ok(clamp_len(dest.len()))
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_sendmsg(s_: *mut c_void, msg_: *mut zmq_msg_t, flags_: c_int) -> c_int {
    // SAFETY: zmq_sendmsg(3) has zmq_msg_send(3)'s contract, arguments swapped.
    unsafe { zmq_msg_send(msg_, s_, flags_) }
}

#[no_mangle]
pub unsafe extern "C" fn zmq_recvmsg(s_: *mut c_void, msg_: *mut zmq_msg_t, flags_: c_int) -> c_int {
    // SAFETY: zmq_recvmsg(3) has zmq_msg_recv(3)'s contract, arguments swapped.
    unsafe { zmq_msg_recv(msg_, s_, flags_) }
}

#[no_mangle]
pub unsafe extern "C" fn zmq_sendiov(s_: *mut c_void, iov_: *mut libc::iovec, count_: usize, flags_: c_int) -> c_int {
    guard_int(|| {
        // SAFETY: zmq_sendiov(3): `s_` is NULL or a socket from zmq_socket.
        let h = unsafe { handle::socket(s_) }?;
        if count_ == 0 || iov_.is_null() {
            return Err(EINVAL);
        }
        // SAFETY: zmq_sendiov(3): `iov_` (non-NULL, checked above) is an
        // array of `count_` iovecs the caller does not change during the call.
        let iov = unsafe { std::slice::from_raw_parts(iov_, count_) };
        let mut rc = 0;
        for (i, v) in iov.iter().enumerate() {
            let data: &[u8] = if v.iov_len == 0 || v.iov_base.is_null() {
                &[]
            } else {
                // SAFETY: a non-NULL `iov_base` points to `iov_len` readable
                // bytes (the iovec contract), copied into the message below.
                unsafe { std::slice::from_raw_parts(v.iov_base as *const u8, v.iov_len) }
            };
            // As libzmq: the caller's flags apply to every part and SNDMORE is
            // only cleared on the last one, so without ZMQ_SNDMORE each part
            // goes out as a message of its own.
            let flags = if i + 1 == count_ { flags_ & !crate::constants::ZMQ_SNDMORE } else { flags_ };
            let mut m = Msg::from_slice(data);
            h.with_blocking(flags, true, |s, f| s.send_from(&mut m, f))?;
            rc = clamp_len(data.len());
        }
        Ok(rc)
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_recviov(s_: *mut c_void, iov_: *mut libc::iovec, count_: *mut usize, flags_: c_int) -> c_int {
    guard_int(|| {
        // SAFETY: zmq_recviov(3): `s_` is NULL or a socket from zmq_socket.
        let h = unsafe { handle::socket(s_) }?;
        if count_.is_null() || iov_.is_null() {
            return Err(EINVAL);
        }
        // SAFETY: zmq_recviov(3): `count_` (non-NULL, checked above) points
        // to a readable and writable size_t, the capacity of `iov_`.
        let max = unsafe { *count_ };
        if max == 0 {
            return Err(EINVAL);
        }
        // SAFETY: as above.
        unsafe { *count_ = 0 };
        // SAFETY: zmq_recviov(3): `iov_` (non-NULL) is an array of `*count_`
        // iovecs we may overwrite, used by nothing else during the call;
        // `count_` is a separate size_t, so updating it below does not
        // alias the slice.
        let iov = unsafe { std::slice::from_raw_parts_mut(iov_, max) };
        let mut nread = 0;
        for v in iov.iter_mut() {
            let m = h.with_blocking(flags_, false, |s, f| s.recv(f))?;
            let len = m.len();
            // SAFETY: malloc has no preconditions; the result is checked for
            // NULL below. The caller frees it with free(), as zmq_recviov(3)
            // says.
            let p = unsafe { libc::malloc(len.max(1)) } as *mut u8;
            if p.is_null() {
                return Err(ENOMEM);
            }
            // SAFETY: `p` is a fresh allocation of at least `len` bytes, so
            // it is writable and cannot overlap `m`'s payload of `len` bytes.
            unsafe { std::ptr::copy_nonoverlapping(m.data().as_ptr(), p, len) };
            v.iov_base = p as *mut c_void;
            v.iov_len = len;
            // SAFETY: `count_` is a writable size_t, as above.
            unsafe { *count_ += 1 };
            nread += 1;
            if !m.more() {
                break;
            }
        }
        Ok(nread)
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_socket_monitor(s_: *mut c_void, addr_: *const c_char, events_: c_int) -> c_int {
    guard_int(|| {
        // SAFETY: zmq_socket_monitor(3): `s_` is NULL or a socket from
        // zmq_socket.
        let h = unsafe { handle::socket(s_) }?;
        let ep = if addr_.is_null() {
            None
        } else {
            // SAFETY: a non-NULL `addr_` is a NUL-terminated string the
            // caller keeps during the call; `ep` does not outlive it.
            Some(unsafe { endpoint(addr_) }?)
        };
        // libzmq passes the int on as a 64-bit mask (a negative one is then
        // refused: version 1 takes 16 bits).
        h.with(|s| s.monitor(ep, events_ as u64, 1, crate::constants::ZMQ_PAIR))?;
        Ok(0)
    })
}

/// `zmq_socket_monitor` with an event format version and socket type (DRAFT).
///
/// The event mask is 64-bit; versions are 1 and 2 (DRAFT). Types: ZMQ_PAIR, ZMQ_PUB or ZMQ_PUSH. Version 2 events are the 64-bit
/// event number, the number of values, each value (64-bit), then the local
/// and the remote address, one frame each.
#[no_mangle]
pub unsafe extern "C" fn zmq_socket_monitor_versioned(
    s_: *mut c_void,
    addr_: *const c_char,
    events_: u64,
    event_version_: c_int,
    type_: c_int,
) -> c_int {
    guard_int(|| {
        // SAFETY: `s_` is NULL or a socket from zmq_socket (as for
        // zmq_socket_monitor).
        let h = unsafe { handle::socket(s_) }?;
        let ep = if addr_.is_null() {
            None
        } else {
            // SAFETY: a non-NULL `addr_` is a NUL-terminated string the
            // caller keeps during the call; `ep` does not outlive it.
            Some(unsafe { endpoint(addr_) }?)
        };
        h.with(|s| s.monitor(ep, events_, event_version_, type_))?;
        Ok(0)
    })
}

/// Asks for a ZMQ_EVENT_PIPES_STATS event per connection (DRAFT).
///
/// The events come once the peers answer, when the socket next processes
/// its commands. EINVAL unless the monitor wants them; EAGAIN with no
/// connection.
#[no_mangle]
pub unsafe extern "C" fn zmq_socket_monitor_pipes_stats(s_: *mut c_void) -> c_int {
    guard_int(|| {
        // SAFETY: `s_` is NULL or a socket from zmq_socket.
        let h = unsafe { handle::socket(s_) }?;
        h.with(|s| s.pipes_stats())?;
        Ok(0)
    })
}

/// Whether a ROUTER's peer can take a message (DRAFT): ZMQ_POLLOUT or 0.
///
/// EHOSTUNREACH for an unknown routing id, ENOTSUP on other socket types.
#[no_mangle]
pub unsafe extern "C" fn zmq_socket_get_peer_state(
    s_: *mut c_void,
    routing_id_: *const c_void,
    routing_id_size_: usize,
) -> c_int {
    guard_int(|| {
        // SAFETY: zmq_socket_get_peer_state: `s_` is NULL or a socket from
        // zmq_socket.
        let h = unsafe { handle::socket(s_) }?;
        let id: &[u8] = if routing_id_size_ == 0 {
            &[]
        } else if routing_id_.is_null() {
            return Err(EFAULT);
        } else {
            // SAFETY: a non-NULL `routing_id_` points to `routing_id_size_`
            // readable bytes, only read during the call.
            unsafe { std::slice::from_raw_parts(routing_id_ as *const u8, routing_id_size_) }
        };
        h.with(|s| s.peer_state(id))
    })
}

/// `zmq_join` / `zmq_leave` (DRAFT): a DISH joins or leaves a group (at
/// most ZMQ_GROUP_MAX_LENGTH bytes); ENOTSUP on other socket types.
///
/// # Safety
/// `s_` must be NULL or a socket from zmq_socket; `group_` NULL or a
/// NUL-terminated string valid during the call.
unsafe fn join_leave(s_: *mut c_void, group_: *const c_char, join: bool) -> c_int {
    guard_int(|| {
        // SAFETY: as this function's contract.
        let h = unsafe { handle::socket(s_) }?;
        if group_.is_null() {
            return Err(EINVAL);
        }
        // SAFETY: `group_` is non-NULL and NUL-terminated (contract above).
        let g = unsafe { CStr::from_ptr(group_) }.to_bytes();
        h.with(|s| s.join(g, join))?;
        Ok(0)
    })
}

/// A DISH joins a group (DRAFT); ENOTSUP on other socket types.
#[no_mangle]
pub unsafe extern "C" fn zmq_join(s_: *mut c_void, group_: *const c_char) -> c_int {
    // SAFETY: zmq_join(3): `s_` is a socket, `group_` a C string.
    unsafe { join_leave(s_, group_, true) }
}

/// A DISH leaves a group (DRAFT); ENOTSUP on other socket types.
#[no_mangle]
pub unsafe extern "C" fn zmq_leave(s_: *mut c_void, group_: *const c_char) -> c_int {
    // SAFETY: zmq_leave(3): `s_` is a socket, `group_` a C string.
    unsafe { join_leave(s_, group_, false) }
}

/// Connects a PEER socket and returns the new peer's routing id (DRAFT).
///
/// 0 with errno on failure: ENOTSUP on other socket types, EFAULT with
/// ZMQ_IMMEDIATE set (as libzmq), or zmq_connect's errors.
#[no_mangle]
pub unsafe extern "C" fn zmq_connect_peer(s_: *mut c_void, addr_: *const c_char) -> u32 {
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| -> ZResult<u32> {
        // SAFETY: zmq_connect_peer: `s_` is NULL or a socket from
        // zmq_socket; `addr_` NULL or a NUL-terminated endpoint.
        let (h, ep) = unsafe { (handle::socket(s_)?, endpoint(addr_)?) };
        h.with(|s| s.connect_peer(ep))
    }));
    match r {
        Ok(Ok(id)) => id,
        Ok(Err(e)) => {
            set_errno(e);
            0
        }
        Err(_) => {
            set_errno(EFAULT);
            0
        }
    }
}
