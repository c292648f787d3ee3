//! `zmq_msg_*`: the message API over the 64 opaque bytes of `zmq_msg_t`.
//!
//! Owns: reinterpreting a caller's `zmq_msg_t` as a [`Msg`]. A `Msg` holds
//! no pointer into itself, so callers may move a `zmq_msg_t` with memcpy.
//!
//! The last 8 of the 64 bytes hold a tag that says the message is
//! initialised (libzmq keeps a type byte for the same purpose): a closed
//! or never-initialised `zmq_msg_t` is refused with EFAULT (libzmq's
//! `msg_t::check`) instead of being read as a message. `zmq_msg_close`
//! clears it, so closing twice is an error, not a double free.

#![allow(non_camel_case_types, clippy::missing_safety_doc)]

use super::guard_int;
use crate::constants::*;
use crate::error::*;
use crate::msg::Msg;
use std::os::raw::{c_char, c_int, c_void};

/// The caller-allocated message: 64 bytes, pointer-aligned.
#[repr(C, align(8))]
pub struct zmq_msg_t {
    pub _x: [u8; 64],
}

/// Called once when a zero-copy message's last reference is closed.
pub type zmq_free_fn = unsafe extern "C" fn(data: *mut c_void, hint: *mut c_void);

/// The tag of an initialised message ("zmqoxmsg"), at byte 56.
const LIVE: u64 = u64::from_le_bytes(*b"zmqoxmsg");
/// Where the tag lives: after the `Msg` (at most 56 bytes, see `msg`).
const TAG_OFFSET: usize = 56;

/// The tag word of `m`.
///
/// # Safety
/// `m` must be non-null and point to a `zmq_msg_t` (64 bytes, 8-aligned).
unsafe fn tag(m: *mut zmq_msg_t) -> *mut u64 {
    // SAFETY: byte 56 of a 64-byte, 8-aligned block: in bounds and aligned.
    unsafe { (m as *mut u8).add(TAG_OFFSET) as *mut u64 }
}

/// Reinterprets a C message as ours; EFAULT for NULL or a message that is
/// not initialised (never, or closed).
///
/// # Safety
/// `m` must be NULL or point to a `zmq_msg_t` (initialised or not).
pub(crate) unsafe fn msg_mut<'a>(m: *mut zmq_msg_t) -> ZResult<&'a mut Msg> {
    if m.is_null() {
        return Err(EFAULT);
    }
    // SAFETY: `m` points to a zmq_msg_t; the tag says whether its first
    // bytes hold a `Msg` written by `msg_write`.
    unsafe {
        if tag(m).read() != LIVE {
            return Err(EFAULT);
        }
        Ok(&mut *(m as *mut Msg))
    }
}

/// Writes a fresh message into uninitialised storage, and its tag.
///
/// # Safety
/// `m` must be non-null and point to 64 writable, pointer-aligned bytes.
pub(crate) unsafe fn msg_write(m: *mut zmq_msg_t, v: Msg) {
    // SAFETY: as the caller promised; `Msg` fits before the tag.
    unsafe {
        std::ptr::write(m as *mut Msg, v);
        tag(m).write(LIVE);
    }
}

#[no_mangle]
pub unsafe extern "C" fn zmq_msg_init(msg_: *mut zmq_msg_t) -> c_int {
    guard_int(|| {
        if msg_.is_null() {
            return Err(EFAULT);
        }
        msg_write(msg_, Msg::new());
        Ok(0)
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_msg_init_size(msg_: *mut zmq_msg_t, size_: usize) -> c_int {
    guard_int(|| {
        if msg_.is_null() {
            return Err(EFAULT);
        }
        if size_ <= crate::msg::MAX_INLINE {
            // Built in place: a temporary `Msg` copied over was written
            // with misaligned wide stores and read back with aligned ones
            // (a failed store-to-load forward: the stalled load had more
            // than half of this function's samples in a 1-byte sender).
            msg_write(msg_, Msg::new());
            (*(msg_ as *mut Msg)).set_inline_len(size_);
            return Ok(0);
        }
        // Zeroed for middle sizes, not cleared for large ones, as libzmq's
        // (see msg::payload_for_fill).
        let payload = crate::msg::payload_for_fill(size_).ok_or(ENOMEM)?;
        msg_write(msg_, Msg::from_bytes(payload));
        Ok(0)
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_msg_init_data(
    msg_: *mut zmq_msg_t,
    data_: *mut c_void,
    size_: usize,
    ffn_: Option<zmq_free_fn>,
    hint_: *mut c_void,
) -> c_int {
    guard_int(|| {
        if msg_.is_null() {
            return Err(EFAULT);
        }
        if data_.is_null() && size_ != 0 {
            return Err(EFAULT);
        }
        // SAFETY: the caller guarantees `size_` bytes at `data_` until ffn runs
        // (with no ffn, for as long as the message lives).
        let m = match ffn_ {
            Some(_) => Msg::from_foreign(data_ as *mut u8, size_, ffn_, hint_),
            // No free function: constant data, which libzmq reports as shared.
            None => Msg::from_const(data_ as *const u8, size_),
        };
        msg_write(msg_, m);
        Ok(0)
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_msg_close(msg_: *mut zmq_msg_t) -> c_int {
    guard_int(|| {
        let m = msg_mut(msg_)?;
        // SAFETY: `m` is a live message; once dropped its tag is cleared
        // so that nothing reads it again.
        unsafe {
            std::ptr::drop_in_place(m as *mut Msg);
            tag(msg_).write(0);
        }
        Ok(0)
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_msg_move(dest_: *mut zmq_msg_t, src_: *mut zmq_msg_t) -> c_int {
    guard_int(|| {
        let src = msg_mut(src_)?;
        let dest = msg_mut(dest_)?;
        if src_ == dest_ {
            return Ok(0);
        }
        *dest = std::mem::take(src);
        Ok(0)
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_msg_copy(dest_: *mut zmq_msg_t, src_: *mut zmq_msg_t) -> c_int {
    guard_int(|| {
        let src = msg_mut(src_)?;
        if src_ == dest_ {
            return Ok(0);
        }
        let copy = src.share();
        let dest = msg_mut(dest_)?;
        *dest = copy;
        Ok(0)
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_msg_data(msg_: *mut zmq_msg_t) -> *mut c_void {
    match msg_mut(msg_) {
        Ok(m) => m.data_ptr() as *mut c_void,
        Err(e) => {
            set_errno(e);
            std::ptr::null_mut()
        }
    }
}

#[no_mangle]
pub unsafe extern "C" fn zmq_msg_size(msg_: *const zmq_msg_t) -> usize {
    match msg_mut(msg_ as *mut zmq_msg_t) {
        Ok(m) => m.len(),
        Err(_) => 0,
    }
}

#[no_mangle]
pub unsafe extern "C" fn zmq_msg_more(msg_: *const zmq_msg_t) -> c_int {
    match msg_mut(msg_ as *mut zmq_msg_t) {
        Ok(m) => m.more() as c_int,
        Err(_) => 0,
    }
}

#[no_mangle]
pub unsafe extern "C" fn zmq_msg_get(msg_: *const zmq_msg_t, property_: c_int) -> c_int {
    guard_int(|| {
        let m = msg_mut(msg_ as *mut zmq_msg_t)?;
        match property_ {
            ZMQ_MORE => Ok(m.more() as c_int),
            ZMQ_SRCFD => Ok(m
                .metadata()
                .and_then(|md| md.get("__srcfd"))
                .and_then(|s| s.to_str().ok()?.parse().ok())
                .unwrap_or(-1)),
            ZMQ_SHARED => Ok(m.is_shared() as c_int),
            _ => Err(EINVAL),
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_msg_set(msg_: *mut zmq_msg_t, property_: c_int, optval_: c_int) -> c_int {
    let _ = (property_, optval_);
    guard_int(|| {
        msg_mut(msg_)?;
        // libzmq 4.3 has no settable message property.
        Err(EINVAL)
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_msg_gets(msg_: *const zmq_msg_t, property_: *const c_char) -> *const c_char {
    let r = (|| -> ZResult<*const c_char> {
        let m = msg_mut(msg_ as *mut zmq_msg_t)?;
        if property_.is_null() {
            return Err(EINVAL);
        }
        let key = std::ffi::CStr::from_ptr(property_).to_str().map_err(|_| EINVAL)?;
        if key.starts_with("__") {
            return Err(EINVAL);
        }
        let md = m.metadata().ok_or(EINVAL)?;
        md.get(key).map(|v| v.as_ptr()).ok_or(EINVAL)
    })();
    match r {
        Ok(p) => p,
        Err(e) => {
            set_errno(e);
            std::ptr::null()
        }
    }
}

