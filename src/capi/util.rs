//! `extern "C"` entry points for libzmq's self-contained helpers: errno and
//! version queries, capabilities, Z85, CURVE keys, atomic counters, timers,
//! and the `zmq_utils.h` stopwatch, sleep and thread functions.
//!
//! Owns: pointer checks, errno and handle lifetimes for these functions.
//! The logic lives in `crate::util`. Must not: hold any other state.

#![allow(non_camel_case_types)]
// The safety contract of each `unsafe extern "C"` function is its libzmq
// manual page (valid pointers, NUL-terminated strings, large enough buffers).
#![allow(clippy::missing_safety_doc)]

use super::{guard_int, guard_ptr, guard_void};
use crate::error::{errno, set_errno, ZResult, EAGAIN, EFAULT, EINVAL};
use crate::util::atomic_counter::Counter;
use crate::util::stopwatch::Stopwatch;
use crate::util::timers::{now_ms, run_due, Timers};
use crate::util::{curve, z85};
use std::cell::{Cell, RefCell};
use std::ffi::CStr;
use std::os::raw::{c_char, c_int, c_long, c_ulong, c_void};
use std::thread::JoinHandle;

/// `typedef void (zmq_timer_fn) (int timer_id, void *arg);`
pub type zmq_timer_fn = unsafe extern "C" fn(c_int, *mut c_void);
/// `typedef void (zmq_thread_fn) (void *);`
pub type zmq_thread_fn = unsafe extern "C" fn(*mut c_void);

// ---------------------------------------------------------------- errors, version, capabilities

/// Returns the calling thread's `errno`.
#[no_mangle]
pub extern "C" fn zmq_errno() -> c_int {
    errno()
}

/// Returns libzmq's text for its own error numbers, `strerror` otherwise.
#[no_mangle]
pub extern "C" fn zmq_strerror(errnum: c_int) -> *const c_char {
    match crate::util::zmq_error_text(errnum) {
        Some(text) => text.as_ptr(),
        // SAFETY: strerror accepts any int and returns a valid C string.
        None => unsafe { libc::strerror(errnum) },
    }
}

/// Stores 4, 3, 5 through the non-NULL pointers.
#[no_mangle]
pub unsafe extern "C" fn zmq_version(major: *mut c_int, minor: *mut c_int, patch: *mut c_int) {
    let (ma, mi, pa) = crate::util::VERSION;
    for (p, v) in [(major, ma), (minor, mi), (patch, pa)] {
        if !p.is_null() {
            // SAFETY: the caller passes NULL or a pointer to a writable int.
            unsafe { *p = v };
        }
    }
}

/// 1 if the capability is supported, 0 otherwise (also for NULL).
#[no_mangle]
pub unsafe extern "C" fn zmq_has(capability: *const c_char) -> c_int {
    if capability.is_null() {
        return 0;
    }
    // SAFETY: a non-NULL argument is a NUL-terminated string (zmq_has(3)).
    let cap = unsafe { CStr::from_ptr(capability) };
    c_int::from(crate::util::has(cap.to_bytes()))
}

// ---------------------------------------------------------------- Z85 and CURVE

/// Writes `bytes` plus a terminating NUL at `dest`.
///
/// # Safety
/// `dest` must be valid for writes of `bytes.len() + 1` bytes and must not
/// overlap `bytes`.
unsafe fn write_c_string(dest: *mut c_char, bytes: &[u8]) {
    // SAFETY: the caller guarantees `bytes.len() + 1` writable bytes at
    // `dest`, not overlapping `bytes` (every caller passes a string it just
    // built); `c_char` and `u8` have the same size and alignment.
    unsafe {
        std::ptr::copy_nonoverlapping(bytes.as_ptr(), dest.cast::<u8>(), bytes.len());
        *dest.add(bytes.len()) = 0;
    }
}

/// Encodes `size` bytes (a multiple of 4) as Z85 text at `dest`.
#[no_mangle]
pub unsafe extern "C" fn zmq_z85_encode(
    dest: *mut c_char,
    data: *const u8,
    size: usize,
) -> *mut c_char {
    guard_ptr(|| {
        if !size.is_multiple_of(4) {
            return Err(EINVAL);
        }
        if dest.is_null() || (data.is_null() && size > 0) {
            return Err(EFAULT);
        }
        let input: &[u8] = if size == 0 {
            &[]
        } else {
            // SAFETY: `data` is non-NULL and points to `size` readable bytes (zmq_z85_encode(3)).
            unsafe { std::slice::from_raw_parts(data, size) }
        };
        let text = z85::encode(input).ok_or(EINVAL)?;
        // SAFETY: the manual requires room for size * 1.25 + 1 bytes at `dest`.
        unsafe { write_c_string(dest, text.as_bytes()) };
        Ok(dest)
    })
}

/// Decodes the Z85 C string `string` into `dest`.
#[no_mangle]
pub unsafe extern "C" fn zmq_z85_decode(dest: *mut u8, string: *const c_char) -> *mut u8 {
    guard_ptr(|| {
        if string.is_null() {
            return Err(EFAULT);
        }
        // SAFETY: a non-NULL `string` is NUL-terminated (zmq_z85_decode(3)).
        let text = unsafe { CStr::from_ptr(string) };
        let bytes = z85::decode_bytes(text.to_bytes()).ok_or(EINVAL)?;
        if dest.is_null() {
            return Err(EFAULT);
        }
        // SAFETY: the manual requires room for 0.8 * strlen(string) bytes at `dest`.
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), dest, bytes.len()) };
        Ok(dest)
    })
}

/// Generates a CURVE key pair as two 40-character Z85 strings.
#[no_mangle]
pub unsafe extern "C" fn zmq_curve_keypair(
    z85_public_key: *mut c_char,
    z85_secret_key: *mut c_char,
) -> c_int {
    guard_int(|| {
        if z85_public_key.is_null() || z85_secret_key.is_null() {
            return Err(EFAULT);
        }
        let (public, secret) = curve::keypair_z85()?;
        // SAFETY: both buffers are at least 41 bytes (zmq_curve_keypair(3)).
        unsafe {
            write_c_string(z85_public_key, public.as_bytes());
            write_c_string(z85_secret_key, secret.as_bytes());
        }
        Ok(0)
    })
}

/// Derives the Z85 public key from a Z85 secret key; EINVAL if the secret
/// is not 40 valid Z85 characters.
#[no_mangle]
pub unsafe extern "C" fn zmq_curve_public(
    z85_public_key: *mut c_char,
    z85_secret_key: *const c_char,
) -> c_int {
    guard_int(|| {
        if z85_public_key.is_null() || z85_secret_key.is_null() {
            return Err(EFAULT);
        }
        // SAFETY: the secret key is a NUL-terminated string (zmq_curve_public(3)).
        let secret = unsafe { CStr::from_ptr(z85_secret_key) };
        let public = curve::public_z85(secret.to_bytes())?;
        // SAFETY: the public key buffer is at least 41 bytes.
        unsafe { write_c_string(z85_public_key, public.as_bytes()) };
        Ok(0)
    })
}

// ---------------------------------------------------------------- atomic counters

/// Resolves a C counter pointer; EFAULT for NULL.
///
/// # Safety
/// `counter` must be NULL or come from `zmq_atomic_counter_new` and not be
/// destroyed while the returned borrow lives.
unsafe fn counter<'a>(counter: *mut c_void) -> ZResult<&'a Counter> {
    // SAFETY: the caller guarantees NULL (as_ref gives None: EFAULT) or a
    // live Box<Counter> from zmq_atomic_counter_new, aligned and valid for
    // 'a; only shared borrows are made, Counter being an atomic.
    unsafe { counter.cast::<Counter>().as_ref() }.ok_or(EFAULT)
}

/// A new counter set to zero.
#[no_mangle]
pub extern "C" fn zmq_atomic_counter_new() -> *mut c_void {
    guard_ptr(|| Ok(Box::into_raw(Box::new(Counter::new())).cast::<c_void>()))
}

#[no_mangle]
pub unsafe extern "C" fn zmq_atomic_counter_set(counter_: *mut c_void, value: c_int) {
    guard_void(|| {
        // SAFETY: `counter_` is NULL or a live counter (zmq_atomic_counter_set(3)).
        match unsafe { counter(counter_) } {
            Ok(c) => c.set(value),
            Err(e) => set_errno(e),
        }
    })
}

/// Increments; returns the value before the increment (-1/EFAULT on NULL).
#[no_mangle]
pub unsafe extern "C" fn zmq_atomic_counter_inc(counter_: *mut c_void) -> c_int {
    // SAFETY: `counter_` is NULL or a live counter.
    guard_int(|| Ok(unsafe { counter(counter_) }?.inc()))
}

/// Decrements; returns 1 if the result is non-zero, 0 if it reached zero.
#[no_mangle]
pub unsafe extern "C" fn zmq_atomic_counter_dec(counter_: *mut c_void) -> c_int {
    // SAFETY: `counter_` is NULL or a live counter.
    guard_int(|| Ok(c_int::from(unsafe { counter(counter_) }?.dec())))
}

#[no_mangle]
pub unsafe extern "C" fn zmq_atomic_counter_value(counter_: *mut c_void) -> c_int {
    // SAFETY: `counter_` is NULL or a live counter.
    guard_int(|| Ok(unsafe { counter(counter_) }?.value()))
}

/// Frees the counter and sets `*counter_p` to NULL.
#[no_mangle]
pub unsafe extern "C" fn zmq_atomic_counter_destroy(counter_p: *mut *mut c_void) {
    guard_void(|| {
        if counter_p.is_null() {
            return set_errno(EFAULT);
        }
        // SAFETY: `counter_p` points to NULL or to a live counter from zmq_atomic_counter_new.
        unsafe {
            let c = *counter_p;
            if !c.is_null() {
                drop(Box::from_raw(c.cast::<Counter>()));
            }
            *counter_p = std::ptr::null_mut();
        }
    })
}

// ---------------------------------------------------------------- timers

const TIMERS_TAG: u32 = 0xCAFE_DADA;
const TIMERS_DEAD: u32 = 0xDEAD_BEEF;

#[derive(Clone, Copy)]
struct TimerCallback {
    handler: zmq_timer_fn,
    arg: *mut c_void,
}

/// What a `void *timers` points to. The tag comes first so a stale or
/// foreign pointer is (usually) refused with EFAULT, as libzmq does.
#[repr(C)]
struct TimersHandle {
    tag: Cell<u32>,
    /// How many `zmq_timers_execute` calls are running on this set.
    executing: Cell<u32>,
    /// Destroyed from inside a handler: freed when `execute` returns.
    destroyed: Cell<bool>,
    timers: RefCell<Timers<TimerCallback>>,
}

/// Resolves a C timers pointer; EFAULT for NULL or a destroyed set.
///
/// # Safety
/// `p` must be NULL, a live handle from `zmq_timers_new`, or at least point
/// to 4 readable, 4-aligned bytes; a live handle must not be freed while
/// the returned borrow lives.
unsafe fn timers_handle<'a>(p: *mut c_void) -> ZResult<&'a TimersHandle> {
    let h = p.cast::<TimersHandle>();
    // SAFETY: checked non-NULL first; the caller guarantees the first 4
    // bytes are readable, and `tag` is the first field of the #[repr(C)]
    // TimersHandle, so only those bytes are read.
    if h.is_null() || unsafe { (*h).tag.get() } != TIMERS_TAG {
        return Err(EFAULT);
    }
    // SAFETY: the tag says this is a live handle from zmq_timers_new (a
    // destroyed one has TIMERS_DEAD, or is freed, which the caller excludes);
    // valid for 'a by the caller's contract. Shared only: its fields are
    // Cells and a RefCell, used from the one thread zmq_timers(3) allows.
    Ok(unsafe { &*h })
}

/// Borrows the set mutably; EFAULT if it is in use (called from another thread).
fn with_timers<T>(
    h: &TimersHandle,
    f: impl FnOnce(&mut Timers<TimerCallback>) -> ZResult<T>,
) -> ZResult<T> {
    let mut t = h.timers.try_borrow_mut().map_err(|_| EFAULT)?;
    f(&mut t)
}

fn interval_ms(interval: usize) -> u64 {
    u64::try_from(interval).unwrap_or(u64::MAX)
}

#[no_mangle]
pub extern "C" fn zmq_timers_new() -> *mut c_void {
    guard_ptr(|| {
        let h = TimersHandle {
            tag: Cell::new(TIMERS_TAG),
            executing: Cell::new(0),
            destroyed: Cell::new(false),
            timers: RefCell::new(Timers::new()),
        };
        Ok(Box::into_raw(Box::new(h)).cast::<c_void>())
    })
}

/// Destroys the set and sets `*timers_p` to NULL; EFAULT if it is not a set.
#[no_mangle]
pub unsafe extern "C" fn zmq_timers_destroy(timers_p: *mut *mut c_void) -> c_int {
    guard_int(|| {
        if timers_p.is_null() {
            return Err(EFAULT);
        }
        // SAFETY: `timers_p` points to a `void *` (zmq_timers(3)).
        let p = unsafe { *timers_p };
        // SAFETY: `p` is NULL or a handle from zmq_timers_new.
        let h = unsafe { timers_handle(p) }?;
        h.tag.set(TIMERS_DEAD);
        if h.executing.get() > 0 {
            // A handler destroys its own set: execute frees it on return.
            h.destroyed.set(true);
        } else {
            // SAFETY: the handle came from Box::into_raw in zmq_timers_new,
            // its tag was live (so it was not freed), and no execute is running.
            drop(unsafe { Box::from_raw(p.cast::<TimersHandle>()) });
        }
        // SAFETY: as above, `timers_p` is writable.
        unsafe { *timers_p = std::ptr::null_mut() };
        Ok(0)
    })
}

/// Adds a repeating timer; returns its id. EFAULT for a bad set or NULL handler.
#[no_mangle]
pub unsafe extern "C" fn zmq_timers_add(
    timers: *mut c_void,
    interval: usize,
    handler: Option<zmq_timer_fn>,
    arg: *mut c_void,
) -> c_int {
    guard_int(|| {
        // SAFETY: `timers` is NULL or a handle from zmq_timers_new.
        let h = unsafe { timers_handle(timers) }?;
        let handler = handler.ok_or(EFAULT)?;
        with_timers(h, |t| {
            Ok(t.add(
                now_ms(),
                interval_ms(interval),
                TimerCallback { handler, arg },
            ))
        })
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_timers_cancel(timers: *mut c_void, timer_id: c_int) -> c_int {
    guard_int(|| {
        // SAFETY: `timers` is NULL or a handle from zmq_timers_new.
        let h = unsafe { timers_handle(timers) }?;
        with_timers(h, |t| t.cancel(timer_id).map(|()| 0))
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_timers_set_interval(
    timers: *mut c_void,
    timer_id: c_int,
    interval: usize,
) -> c_int {
    guard_int(|| {
        // SAFETY: `timers` is NULL or a handle from zmq_timers_new.
        let h = unsafe { timers_handle(timers) }?;
        with_timers(h, |t| {
            t.set_interval(now_ms(), timer_id, interval_ms(interval))
                .map(|()| 0)
        })
    })
}

#[no_mangle]
pub unsafe extern "C" fn zmq_timers_reset(timers: *mut c_void, timer_id: c_int) -> c_int {
    guard_int(|| {
        // SAFETY: `timers` is NULL or a handle from zmq_timers_new.
        let h = unsafe { timers_handle(timers) }?;
        with_timers(h, |t| t.reset(now_ms(), timer_id).map(|()| 0))
    })
}

/// Milliseconds until the next timer expires, or -1 when there is none
/// (also -1 with EFAULT for a bad set).
#[no_mangle]
pub unsafe extern "C" fn zmq_timers_timeout(timers: *mut c_void) -> c_long {
    let mut out: c_long = -1;
    guard_int(|| {
        // SAFETY: `timers` is NULL or a handle from zmq_timers_new.
        let h = unsafe { timers_handle(timers) }?;
        let ms = with_timers(h, |t| Ok(t.timeout(now_ms())))?;
        out = ms.map_or(-1, |ms| c_long::try_from(ms).unwrap_or(c_long::MAX));
        Ok(0)
    });
    out
}

/// Runs the handlers of all expired timers, each at most once per call.
#[no_mangle]
pub unsafe extern "C" fn zmq_timers_execute(timers: *mut c_void) -> c_int {
    guard_int(|| {
        // SAFETY: `timers` is NULL or a handle from zmq_timers_new.
        let h = unsafe { timers_handle(timers) }?;
        h.executing.set(h.executing.get() + 1);
        let call = |id: c_int, cb: TimerCallback| {
            // SAFETY: the handler was registered through zmq_timers_add as a
            // valid zmq_timer_fn; `arg` is passed through untouched.
            unsafe { (cb.handler)(id, cb.arg) }
        };
        let finished = run_due(&h.timers, now_ms(), call, || !h.destroyed.get());
        let depth = h.executing.get() - 1;
        h.executing.set(depth);
        if depth == 0 && h.destroyed.get() {
            // SAFETY: destroyed from a handler: the handle came from
            // Box::into_raw, and this was the last execute using it.
            drop(unsafe { Box::from_raw(timers.cast::<TimersHandle>()) });
        }
        if finished {
            Ok(0)
        } else {
            Err(EFAULT)
        }
    })
}

// ---------------------------------------------------------------- zmq_utils.h

/// Starts a stopwatch; read it with `zmq_stopwatch_intermediate`/`_stop`.
#[no_mangle]
pub extern "C" fn zmq_stopwatch_start() -> *mut c_void {
    guard_ptr(|| Ok(Box::into_raw(Box::new(Stopwatch::start())).cast::<c_void>()))
}

fn micros(w: &Stopwatch) -> c_ulong {
    c_ulong::try_from(w.elapsed_us()).unwrap_or(c_ulong::MAX)
}

/// Microseconds since start; the stopwatch keeps running. 0 for NULL.
#[no_mangle]
pub unsafe extern "C" fn zmq_stopwatch_intermediate(watch_: *mut c_void) -> c_ulong {
    // SAFETY: `watch_` is NULL or a live stopwatch from zmq_stopwatch_start.
    match unsafe { watch_.cast::<Stopwatch>().as_ref() } {
        Some(w) => micros(w),
        None => 0,
    }
}

/// Microseconds since start; frees the stopwatch. 0 for NULL.
#[no_mangle]
pub unsafe extern "C" fn zmq_stopwatch_stop(watch_: *mut c_void) -> c_ulong {
    if watch_.is_null() {
        return 0;
    }
    // SAFETY: a non-NULL `watch_` came from Box::into_raw in zmq_stopwatch_start
    // and is not used again by the caller.
    let w = unsafe { Box::from_raw(watch_.cast::<Stopwatch>()) };
    micros(&w)
}

/// Sleeps for `seconds_` seconds (nothing for zero or less).
#[no_mangle]
pub extern "C" fn zmq_sleep(seconds_: c_int) {
    if let Ok(s) = u64::try_from(seconds_) {
        std::thread::sleep(std::time::Duration::from_secs(s));
    }
}

/// The C argument moved into the new thread.
struct ThreadArg(*mut c_void);
// SAFETY: the pointer is only handed back to the C function that the caller
// chose to run on another thread; Rust never dereferences it.
unsafe impl Send for ThreadArg {}

impl ThreadArg {
    fn get(self) -> *mut c_void {
        self.0
    }
}

/// Runs `func_(arg_)` on a new thread; returns a handle for `zmq_threadclose`.
#[no_mangle]
pub unsafe extern "C" fn zmq_threadstart(
    func_: Option<zmq_thread_fn>,
    arg_: *mut c_void,
) -> *mut c_void {
    guard_ptr(|| {
        let func = func_.ok_or(EFAULT)?;
        let arg = ThreadArg(arg_);
        let handle = crate::util::thread::spawn(move || {
            let arg = arg.get();
            // SAFETY: `func` is a valid zmq_thread_fn supplied by the caller.
            unsafe { func(arg) }
        })
        .map_err(|e| e.raw_os_error().unwrap_or(EAGAIN))?;
        Ok(Box::into_raw(Box::new(handle)).cast::<c_void>())
    })
}

/// Waits for the thread to finish and frees its handle. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn zmq_threadclose(thread_: *mut c_void) {
    guard_void(|| {
        if thread_.is_null() {
            return;
        }
        // SAFETY: a non-NULL handle came from Box::into_raw in zmq_threadstart
        // and is closed only once.
        let handle = unsafe { Box::from_raw(thread_.cast::<JoinHandle<()>>()) };
        let _ = handle.join();
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ptr::null_mut;

    unsafe extern "C" fn destroy_own_set(_id: c_int, arg: *mut c_void) {
        // SAFETY: the test passes a pointer to its `void *` handle variable.
        let rc = unsafe { zmq_timers_destroy(arg.cast::<*mut c_void>()) };
        assert_eq!(rc, 0);
    }

    unsafe extern "C" fn count(_id: c_int, arg: *mut c_void) {
        // SAFETY: the test passes a pointer to an int.
        unsafe { *arg.cast::<c_int>() += 1 };
    }

    #[test]
    fn handler_may_destroy_its_own_set() {
        let mut handle = zmq_timers_new();
        let mut n: c_int = 0;
        let hp = (&raw mut handle).cast::<c_void>();
        let np = (&raw mut n).cast::<c_void>();
        // SAFETY: `handle` is a fresh set; `hp` and `np` point to this
        // frame's `handle` and `n`, which outlive every call below and are
        // not otherwise touched until execute returns.
        unsafe {
            assert!(zmq_timers_add(handle, 0, Some(destroy_own_set), hp) > 0);
            assert!(zmq_timers_add(handle, 0, Some(count), np) > 0);
            assert_eq!(zmq_timers_execute(handle), 0);
        }
        assert!(handle.is_null());
        // The round stopped once the set was destroyed.
        assert_eq!(n, 0);
    }

    #[test]
    fn null_handles_do_not_crash() {
        // SAFETY: every pointer passed is either NULL, which each of these
        // functions checks before any dereference (what this test is
        // about), or points to live storage valid for the whole block: the
        // local `c`, the 41-byte `buf` (room for 40 Z85 characters and the
        // NUL), a 4-byte array, or the C string literal.
        unsafe {
            set_errno(0);
            assert_eq!(zmq_atomic_counter_inc(null_mut()), -1);
            assert_eq!(errno(), EFAULT);
            assert_eq!(zmq_atomic_counter_value(null_mut()), -1);
            zmq_atomic_counter_set(null_mut(), 3);
            zmq_atomic_counter_destroy(null_mut());
            let mut c: *mut c_void = null_mut();
            zmq_atomic_counter_destroy(&mut c);
            assert_eq!(zmq_stopwatch_stop(null_mut()), 0);
            assert_eq!(zmq_stopwatch_intermediate(null_mut()), 0);
            zmq_threadclose(null_mut());
            assert!(zmq_threadstart(None, null_mut()).is_null());
            assert_eq!(errno(), EFAULT);
            assert_eq!(zmq_has(std::ptr::null()), 0);
            zmq_version(null_mut(), null_mut(), null_mut());
            let mut buf = [0 as c_char; 41];
            assert!(zmq_z85_decode(null_mut(), c"HelloWorld".as_ptr()).is_null());
            assert_eq!(errno(), EFAULT);
            assert!(zmq_z85_decode(buf.as_mut_ptr().cast(), std::ptr::null()).is_null());
            assert!(zmq_z85_encode(null_mut(), [0u8; 4].as_ptr(), 4).is_null());
            assert!(zmq_z85_encode(buf.as_mut_ptr(), std::ptr::null(), 4).is_null());
            assert!(!zmq_z85_encode(buf.as_mut_ptr(), std::ptr::null(), 0).is_null());
            assert_eq!(zmq_curve_keypair(null_mut(), buf.as_mut_ptr()), -1);
            assert_eq!(errno(), EFAULT);
            assert_eq!(zmq_curve_public(buf.as_mut_ptr(), std::ptr::null()), -1);
            assert_eq!(zmq_timers_destroy(null_mut()), -1);
        }
    }
}
