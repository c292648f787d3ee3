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
unsafe fn endpoint<'a>(addr: *const c_char) -> ZResult<&'a str> {
    if addr.is_null() {
        return Err(EINVAL);
    }
    CStr::from_ptr(addr).to_str().map_err(|_| EINVAL)
}

fn clamp_len(n: usize) -> c_int {
    n.min(c_int::MAX as usize) as c_int
}

#[no_mangle]
pub unsafe extern "C" fn zmq_socket(ctx_: *mut c_void, type_: c_int) -> *mut c_void {
    guard_ptr(|| {
        let c = handle::ctx(ctx_)?.get()?;
        let s = SocketBase::new(c, type_)?;
        Ok(handle::new_socket(s))
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_close(s_: *mut c_void) -> c_int {
    guard_int(|| {
        handle::socket(s_)?.close()?;
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
        let h = handle::socket(s_)?;
        if optval_.is_null() && optvallen_ != 0 {
            return Err(EFAULT);
        }
        let v: Option<&[u8]> = if optval_.is_null() {
            None
        } else if optvallen_ == 0 {
            Some(&[])
        } else {
            Some(std::slice::from_raw_parts(optval_ as *const u8, optvallen_))
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
        let h = handle::socket(s_)?;
        if optvallen_.is_null() || (optval_.is_null() && *optvallen_ != 0) {
            return Err(EFAULT);
        }
        let out: &mut [u8] = if *optvallen_ == 0 {
            &mut []
        } else {
            std::slice::from_raw_parts_mut(optval_ as *mut u8, *optvallen_)
        };
        let n = h.with(|s| s.getsockopt(option_, out))?;
        *optvallen_ = n;
        Ok(0)
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_bind(s_: *mut c_void, addr_: *const c_char) -> c_int {
    guard_int(|| {
        let h = handle::socket(s_)?;
        let ep = endpoint(addr_)?;
        h.with(|s| s.bind(ep))?;
        Ok(0)
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_connect(s_: *mut c_void, addr_: *const c_char) -> c_int {
    guard_int(|| {
        let h = handle::socket(s_)?;
        let ep = endpoint(addr_)?;
        h.with(|s| s.connect(ep))?;
        Ok(0)
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_unbind(s_: *mut c_void, addr_: *const c_char) -> c_int {
    guard_int(|| {
        let h = handle::socket(s_)?;
        let ep = endpoint(addr_)?;
        h.with(|s| s.unbind(ep))?;
        Ok(0)
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_disconnect(s_: *mut c_void, addr_: *const c_char) -> c_int {
    guard_int(|| {
        let h = handle::socket(s_)?;
        let ep = endpoint(addr_)?;
        h.with(|s| s.disconnect(ep))?;
        Ok(0)
    })
}

unsafe fn send_msg(s_: *mut c_void, mut msg: Msg, flags: c_int) -> ZResult<()> {
    let h = handle::socket(s_)?;
    h.with(|s| s.send_from(&mut msg, flags))
}

#[no_mangle]
pub unsafe extern "C" fn zmq_send(s_: *mut c_void, buf_: *const c_void, len_: usize, flags_: c_int) -> c_int {
    guard_int(|| {
        handle::socket(s_)?;
        if buf_.is_null() && len_ != 0 {
            return Err(EFAULT);
        }
        let data: &[u8] = if len_ == 0 { &[] } else { std::slice::from_raw_parts(buf_ as *const u8, len_) };
        send_msg(s_, Msg::from_slice(data), flags_)?;
        Ok(clamp_len(len_))
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_send_const(s_: *mut c_void, buf_: *const c_void, len_: usize, flags_: c_int) -> c_int {
    guard_int(|| {
        handle::socket(s_)?;
        if buf_.is_null() && len_ != 0 {
            return Err(EFAULT);
        }
        // SAFETY: zmq_send_const's contract: the buffer is constant and outlives the message.
        send_msg(s_, Msg::from_const(buf_ as *const u8, len_), flags_)?;
        Ok(clamp_len(len_))
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_recv(s_: *mut c_void, buf_: *mut c_void, len_: usize, flags_: c_int) -> c_int {
    guard_int(|| {
        let h = handle::socket(s_)?;
        if buf_.is_null() && len_ != 0 {
            return Err(EFAULT);
        }
        let m = h.with(|s| s.recv(flags_))?;
        let n = m.len().min(len_);
        if n > 0 {
            std::ptr::copy_nonoverlapping(m.data().as_ptr(), buf_ as *mut u8, n);
        }
        Ok(clamp_len(m.len()))
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_msg_send(msg_: *mut zmq_msg_t, s_: *mut c_void, flags_: c_int) -> c_int {
    guard_int(|| {
        let h = handle::socket(s_)?;
        let msg = msg_mut(msg_)?;
        let len = msg.len();
        // On success the message is taken (left empty, as libzmq leaves it);
        // on failure the caller keeps it.
        h.with(|s| s.send_from(msg, flags_))?;
        Ok(clamp_len(len))
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_msg_recv(msg_: *mut zmq_msg_t, s_: *mut c_void, flags_: c_int) -> c_int {
    guard_int(|| {
        let h = handle::socket(s_)?;
        let dest = msg_mut(msg_)?;
        // As libzmq, the old content is released whatever happens (a failed
        // receive leaves an empty message). Released here, before the socket
        // is locked (a zero-copy free function may call back into the
        // library), unless it is a small payload of ours, which the socket
        // frees in a batch (`SocketBase::release`).
        if !dest.release_may_wait() {
            *dest = Msg::new();
        }
        let r = h.with(|s| {
            s.release(dest);
            s.recv_into(flags_, dest)
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
    zmq_msg_send(msg_, s_, flags_)
}

#[no_mangle]
pub unsafe extern "C" fn zmq_recvmsg(s_: *mut c_void, msg_: *mut zmq_msg_t, flags_: c_int) -> c_int {
    zmq_msg_recv(msg_, s_, flags_)
}

#[no_mangle]
pub unsafe extern "C" fn zmq_sendiov(s_: *mut c_void, iov_: *mut libc::iovec, count_: usize, flags_: c_int) -> c_int {
    guard_int(|| {
        let h = handle::socket(s_)?;
        if count_ == 0 || iov_.is_null() {
            return Err(EINVAL);
        }
        let iov = std::slice::from_raw_parts(iov_, count_);
        let mut rc = 0;
        for (i, v) in iov.iter().enumerate() {
            let data: &[u8] = if v.iov_len == 0 || v.iov_base.is_null() {
                &[]
            } else {
                std::slice::from_raw_parts(v.iov_base as *const u8, v.iov_len)
            };
            // As libzmq: the caller's flags apply to every part and SNDMORE is
            // only cleared on the last one, so without ZMQ_SNDMORE each part
            // goes out as a message of its own.
            let flags = if i + 1 == count_ { flags_ & !crate::constants::ZMQ_SNDMORE } else { flags_ };
            h.with(|s| s.send(Msg::from_slice(data), flags).map_err(|(e, _)| e))?;
            rc = clamp_len(data.len());
        }
        Ok(rc)
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_recviov(s_: *mut c_void, iov_: *mut libc::iovec, count_: *mut usize, flags_: c_int) -> c_int {
    guard_int(|| {
        let h = handle::socket(s_)?;
        if count_.is_null() || *count_ == 0 || iov_.is_null() {
            return Err(EINVAL);
        }
        let max = *count_;
        *count_ = 0;
        let iov = std::slice::from_raw_parts_mut(iov_, max);
        let mut nread = 0;
        for v in iov.iter_mut() {
            let m = h.with(|s| s.recv(flags_))?;
            let len = m.len();
            let p = libc::malloc(len.max(1)) as *mut u8;
            if p.is_null() {
                return Err(ENOMEM);
            }
            std::ptr::copy_nonoverlapping(m.data().as_ptr(), p, len);
            v.iov_base = p as *mut c_void;
            v.iov_len = len;
            *count_ += 1;
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
        let h = handle::socket(s_)?;
        let ep = if addr_.is_null() { None } else { Some(endpoint(addr_)?) };
        h.with(|s| s.monitor(ep, events_))?;
        Ok(0)
    })
}
