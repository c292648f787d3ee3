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
    // SAFETY: the caller guarantees `m` points to a whole 64-byte,
    // 8-aligned zmq_msg_t, so byte 56 is in the same allocation and the
    // 8-byte word there is in bounds and aligned.
    unsafe { (m as *mut u8).add(TAG_OFFSET) as *mut u64 }
}

/// True when `m` holds a message written by `msg_write` and not closed.
///
/// # Safety
/// `m` must be non-null and point to a readable `zmq_msg_t`.
unsafe fn is_live(m: *mut zmq_msg_t) -> bool {
    // SAFETY: `m` points to a readable zmq_msg_t (caller), so the tag word is
    // in bounds and aligned (`tag`); a plain u64 has no invalid values. For
    // a zmq_msg_t that was never initialised the word holds whatever bytes
    // the C caller's storage had; like libzmq's `msg_t::check`, this is a
    // best-effort guard against a caller error, not a proof.
    unsafe { tag(m).read() == LIVE }
}

/// Reinterprets a C message as ours; EFAULT for NULL or a message that is
/// not initialised (never, or closed).
///
/// # Safety
/// `m` must be NULL or point to a `zmq_msg_t` (initialised or not) that
/// nothing else reads or writes while the returned borrow lives (libzmq's
/// rule: a message is used by one thread at a time).
pub(crate) unsafe fn msg_mut<'a>(m: *mut zmq_msg_t) -> ZResult<&'a mut Msg> {
    if m.is_null() {
        return Err(EFAULT);
    }
    // SAFETY: `m` is non-NULL and points to a zmq_msg_t (caller).
    if !unsafe { is_live(m) } {
        return Err(EFAULT);
    }
    // SAFETY: the tag says the first bytes hold a `Msg` put there by
    // `msg_write` (Msg is at most 56 bytes and 8-aligned: msg.rs asserts
    // both at compile time, and zmq_msg_t is 64 bytes, 8-aligned). The
    // borrow is exclusive for 'a by the caller's promise above.
    Ok(unsafe { &mut *(m as *mut Msg) })
}

/// Shared-borrow version of [`msg_mut`], for the functions that only read
/// (their C signature takes `const zmq_msg_t *`).
///
/// # Safety
/// `m` must be NULL or point to a `zmq_msg_t` (initialised or not) that
/// nothing writes while the returned borrow lives.
unsafe fn msg_ref<'a>(m: *const zmq_msg_t) -> ZResult<&'a Msg> {
    if m.is_null() {
        return Err(EFAULT);
    }
    // SAFETY: `m` is non-NULL and points to a zmq_msg_t (caller); the cast
    // to *mut is only to share `tag`, `is_live` reads through it.
    if !unsafe { is_live(m as *mut zmq_msg_t) } {
        return Err(EFAULT);
    }
    // SAFETY: as in `msg_mut`, the tag says a `Msg` lives at `m`; the
    // borrow is shared and nothing writes it for 'a (caller).
    Ok(unsafe { &*(m as *const Msg) })
}

/// Writes a fresh message into uninitialised storage, and its tag.
///
/// # Safety
/// `m` must be non-null and point to 64 writable, pointer-aligned bytes.
pub(crate) unsafe fn msg_write(m: *mut zmq_msg_t, v: Msg) {
    // SAFETY: the caller guarantees 64 writable, 8-aligned bytes at `m`;
    // `Msg` fits in the first 56 (size and alignment asserted in msg.rs),
    // so it does not reach the tag word. `ptr::write` does not drop what
    // was there: the storage is uninitialised or a closed message.
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
        // SAFETY: non-NULL, and zmq_msg_init(3) is called on a caller-owned
        // zmq_msg_t (64 bytes, 8-aligned by its declaration in zmq.h).
        unsafe { msg_write(msg_, Msg::new()) };
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
            // SAFETY: non-NULL, caller-owned zmq_msg_t (zmq_msg_init_size(3));
            // msg_write has just put a `Msg` at its start, which this
            // thread alone touches until the call returns.
            unsafe {
                msg_write(msg_, Msg::new());
                (*(msg_ as *mut Msg)).set_inline_len(size_);
            }
            return Ok(0);
        }
        // Zeroed for middle sizes, not cleared for large ones, as libzmq's
        // (see msg::payload_for_fill).
        let payload = crate::msg::payload_for_fill(size_).ok_or(ENOMEM)?;
        // SAFETY: non-NULL, caller-owned zmq_msg_t (zmq_msg_init_size(3)).
        unsafe { msg_write(msg_, Msg::from_bytes(payload)) };
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
        let m = match ffn_ {
            // SAFETY: zmq_msg_init_data(3): the caller hands over `size_`
            // bytes at `data_` and keeps them valid until `ffn_(data_,
            // hint_)` runs, which ForeignBuf's Drop does exactly once.
            // NULL data reaches here only with size 0, which ForeignBuf
            // reads as an empty slice without touching the pointer.
            Some(_) => unsafe { Msg::from_foreign(data_ as *mut u8, size_, ffn_, hint_) },
            // No free function: constant data, which libzmq reports as shared.
            // SAFETY: without a free function the manual leaves the buffer
            // to the caller for the message's whole life (libzmq never
            // frees it), which is from_const's contract; NULL only with
            // size 0, as above.
            None => unsafe { Msg::from_const(data_ as *const u8, size_) },
        };
        // SAFETY: non-NULL, caller-owned zmq_msg_t (zmq_msg_init_data(3)).
        unsafe { msg_write(msg_, m) };
        Ok(0)
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_msg_close(msg_: *mut zmq_msg_t) -> c_int {
    guard_int(|| {
        // SAFETY: zmq_msg_close(3) takes NULL (EFAULT) or a caller-owned
        // zmq_msg_t, initialised or not (the tag check answers EFAULT).
        let m = unsafe { msg_mut(msg_) }?;
        // SAFETY: `m` is the live `Msg` at `msg_` (tag checked above); it is
        // dropped in place once and not used again, and its tag is cleared
        // at once so that a second close, or any other call, gets EFAULT
        // instead of reading the dropped message.
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
        // SAFETY: zmq_msg_move(3): NULL (EFAULT) or caller-owned messages.
        let src = unsafe { msg_mut(src_) }?;
        if src_ == dest_ {
            // Checked before borrowing `dest_`: two `&mut` to one message
            // must not exist. `dest_` is as valid as `src_` here.
            return Ok(0);
        }
        // SAFETY: as for `src_`; the pointers differ and zmq_msg_t objects
        // do not overlap, so the two borrows are disjoint.
        let dest = unsafe { msg_mut(dest_) }?;
        *dest = std::mem::take(src);
        Ok(0)
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_msg_copy(dest_: *mut zmq_msg_t, src_: *mut zmq_msg_t) -> c_int {
    guard_int(|| {
        // SAFETY: zmq_msg_copy(3): NULL (EFAULT) or caller-owned messages.
        let src = unsafe { msg_mut(src_) }?;
        if src_ == dest_ {
            return Ok(0);
        }
        let copy = src.share();
        // SAFETY: as for `src_`; `src` is not used after this point, and
        // the pointers differ anyway.
        let dest = unsafe { msg_mut(dest_) }?;
        *dest = copy;
        Ok(0)
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_msg_data(msg_: *mut zmq_msg_t) -> *mut c_void {
    // SAFETY: zmq_msg_data(3): NULL (EFAULT) or a caller-owned message.
    match unsafe { msg_mut(msg_) } {
        Ok(m) => m.data_ptr() as *mut c_void,
        Err(e) => {
            set_errno(e);
            std::ptr::null_mut()
        }
    }
}

#[no_mangle]
pub unsafe extern "C" fn zmq_msg_size(msg_: *const zmq_msg_t) -> usize {
    // SAFETY: zmq_msg_size(3): NULL (answered 0) or a caller-owned
    // message, only read here.
    match unsafe { msg_ref(msg_) } {
        Ok(m) => m.len(),
        Err(_) => 0,
    }
}

#[no_mangle]
pub unsafe extern "C" fn zmq_msg_more(msg_: *const zmq_msg_t) -> c_int {
    // SAFETY: zmq_msg_more(3): NULL (answered 0) or a caller-owned
    // message, only read here.
    match unsafe { msg_ref(msg_) } {
        Ok(m) => m.more() as c_int,
        Err(_) => 0,
    }
}

#[no_mangle]
pub unsafe extern "C" fn zmq_msg_get(msg_: *const zmq_msg_t, property_: c_int) -> c_int {
    guard_int(|| {
        // SAFETY: zmq_msg_get(3): NULL (EFAULT) or a caller-owned message,
        // only read here.
        let m = unsafe { msg_ref(msg_) }?;
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
        // SAFETY: zmq_msg_set(3): NULL (EFAULT) or a caller-owned message.
        unsafe { msg_mut(msg_) }?;
        // libzmq 4.3 has no settable message property.
        Err(EINVAL)
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_msg_gets(msg_: *const zmq_msg_t, property_: *const c_char) -> *const c_char {
    let r = (|| -> ZResult<*const c_char> {
        // SAFETY: zmq_msg_gets(3): NULL (EFAULT) or a caller-owned message,
        // only read here.
        let m = unsafe { msg_ref(msg_) }?;
        if property_.is_null() {
            return Err(EINVAL);
        }
        // SAFETY: non-NULL, and zmq_msg_gets(3) takes the property name as
        // a NUL-terminated string, read only during this call.
        let key = unsafe { std::ffi::CStr::from_ptr(property_) }.to_str().map_err(|_| EINVAL)?;
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

// ---------------------------------------------------------------- DRAFT

/// Initialises `msg_` with a copy of `size_` bytes at `buf_` (DRAFT).
#[no_mangle]
pub unsafe extern "C" fn zmq_msg_init_buffer(msg_: *mut zmq_msg_t, buf_: *const c_void, size_: usize) -> c_int {
    guard_int(|| {
        if msg_.is_null() || (buf_.is_null() && size_ != 0) {
            return Err(EFAULT);
        }
        let data: &[u8] = if size_ == 0 {
            &[]
        } else {
            // SAFETY: zmq_msg_init_buffer(3): `buf_` (non-NULL, checked
            // above) points to `size_` readable bytes, only read here.
            unsafe { std::slice::from_raw_parts(buf_ as *const u8, size_) }
        };
        let m = Msg::from_slice(data);
        // SAFETY: non-NULL, caller-owned zmq_msg_t (zmq_msg_init_buffer(3)).
        unsafe { msg_write(msg_, m) };
        Ok(0)
    })
}

/// Sets the message's routing id (DRAFT); EINVAL for 0.
#[no_mangle]
pub unsafe extern "C" fn zmq_msg_set_routing_id(msg_: *mut zmq_msg_t, routing_id_: u32) -> c_int {
    guard_int(|| {
        // SAFETY: zmq_msg_set_routing_id(3): NULL (EFAULT) or a caller-owned message.
        let m = unsafe { msg_mut(msg_) }?;
        if routing_id_ == 0 {
            return Err(EINVAL);
        }
        m.set_routing_id(routing_id_);
        Ok(0)
    })
}

/// The message's routing id (DRAFT); 0 when it has none.
///
/// Also 0, with errno EFAULT, for a message that is not initialised.
#[no_mangle]
pub unsafe extern "C" fn zmq_msg_routing_id(msg_: *mut zmq_msg_t) -> u32 {
    // SAFETY: zmq_msg_routing_id(3): NULL or a caller-owned message.
    match unsafe { msg_mut(msg_) } {
        Ok(m) => m.routing_id(),
        Err(e) => {
            set_errno(e);
            0
        }
    }
}

/// Sets the message's group (DRAFT): at most ZMQ_GROUP_MAX_LENGTH bytes.
///
/// EINVAL for a longer group or NULL (libzmq cuts a longer one at 255).
#[no_mangle]
pub unsafe extern "C" fn zmq_msg_set_group(msg_: *mut zmq_msg_t, group_: *const c_char) -> c_int {
    guard_int(|| {
        // SAFETY: zmq_msg_set_group(3): NULL (EFAULT) or a caller-owned message.
        let m = unsafe { msg_mut(msg_) }?;
        if group_.is_null() {
            return Err(EINVAL);
        }
        // Read up to one byte past the longest group, stopping at the NUL:
        // a string of any length is never read beyond its end.
        let max = crate::msg::GROUP_MAX_LENGTH;
        let mut len = 0;
        // SAFETY: `group_` is a NUL-terminated string (zmq_msg_set_group(3));
        // bytes are read one at a time up to and including its NUL, or up to
        // `max` + 1 bytes, which for a longer string are all before its NUL.
        while len <= max && unsafe { *group_.add(len) } != 0 {
            len += 1;
        }
        if len > max {
            return Err(EINVAL);
        }
        // SAFETY: the `len` bytes just scanned are readable and not NUL.
        let g = unsafe { std::slice::from_raw_parts(group_ as *const u8, len) };
        m.set_group(g).map_err(|_| EINVAL)?;
        Ok(0)
    })
}

/// The message's group (DRAFT); "" when it has none.
///
/// NULL with errno EFAULT for a message that is not initialised. The
/// string is valid while the message is unchanged.
#[no_mangle]
pub unsafe extern "C" fn zmq_msg_group(msg_: *mut zmq_msg_t) -> *const c_char {
    // SAFETY: zmq_msg_group(3): NULL or a caller-owned message.
    match unsafe { msg_mut(msg_) } {
        Ok(m) => m.group().map_or(c"".as_ptr(), |g| g.as_ptr()),
        Err(e) => {
            set_errno(e);
            std::ptr::null()
        }
    }
}
