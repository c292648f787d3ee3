//! Large payload buffers: placement and recycling.
//!
//! * Placement: the kernel copies socket data with `rep movsb`, which on
//!   some CPUs (AMD Zen) runs several times slower when the user buffer
//!   sits a few bytes *before* the same offset of the kernel's page, as a
//!   short frame header ahead of a page-aligned body does. Large buffers
//!   therefore start `PAGE_OFFSET` bytes into a page, clear of that window
//!   for any short header.
//! * Recycling: a buffer released by its last message goes back to a
//!   shared pool, and the next large allocation reuses it (newest first)
//!   without fresh pages. The pool is sized for the traffic (up to
//!   `POOL_BYTES`, each buffer kept at most `KEEP` unused), because the
//!   allocator keeps freed blocks mapped for a while and hands out fresh
//!   ones meanwhile. `zmq_msg_init_size`, `zmq_send`'s copy
//!   (`Msg::from_slice`), inproc traffic and bodies received over tcp/ipc
//!   (`Filling`, see `zmtp::codec`) all use it.
//! * Not cleared: as libzmq's `zmq_msg_init_size` (its content "is not
//!   cleared for performance reasons"), a new buffer holds whatever its
//!   memory held (see `Buf`). Zeroing cost more than the copy for senders
//!   that never write their payload: their pages map the shared zero page,
//!   and zeroing takes a copy-on-write fault and a TLB shoot-down per page.
//!
//! The measurements behind these choices are in perf/README.md ("What
//! made the difference", items 5 and 8).
//!
//! Owns: the pool and the placed buffers. Must not: know about messages
//! beyond handing out `Bytes` (the `Msg` wraps them).

use bytes::Bytes;
use std::collections::VecDeque;
use std::ptr::NonNull;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Payloads from this size on use pooled, placed buffers.
pub const MIN: usize = 16 * 1024;
/// Offset of the data start within its page.
pub const PAGE_OFFSET: usize = 256;
const PAGE: usize = 4096;
/// Pool limits. Released buffers are reused newest first, so the pool
/// never makes the process hold more buffers than were in use at once;
/// what it avoids is the allocator's own retention on top of that. A
/// buffer unused for `KEEP` is given back, as is everything above
/// `POOL_BYTES`: aged buffers when the pool is next used, or by an I/O
/// thread's periodic `trim_idle` (so an idle process gives its pool back
/// within about `2 * KEEP`). The bound must hold what a sender at its HWM
/// frees before the application refills the queue (half of 1,000 64 KiB
/// messages at the default HWM).
const POOL_BYTES: usize = 64 << 20;
pub const KEEP: Duration = Duration::from_millis(1000);
/// At most this many aged buffers are given back per release.
const TRIM_BATCH: usize = 4;

/// A block of `len` bytes from mimalloc's C interface, freed when
/// dropped. Its bytes are never cleared: they are what the memory held
/// (zero pages, or an earlier message's bytes), as with C's `malloc`.
/// The block comes from a C call the compiler knows nothing about, so
/// it holds no "uninitialised" value for it to exploit; every reader
/// of a fresh block is either the C caller of `zmq_msg_init_size`
/// (which is to overwrite it, as with libzmq) or comes after `read(2)`
/// or a copy filled it (`Filling`, `copy_of`).
struct Buf {
    ptr: NonNull<u8>,
    len: usize,
}

// SAFETY: `Buf` owns its block exclusively (like a `Box<[u8]>`);
// mimalloc blocks may be freed from any thread.
unsafe impl Send for Buf {}
// SAFETY: `&Buf` only gives out `&[u8]` of the block (no interior
// mutability), as `&Box<[u8]>` would.
unsafe impl Sync for Buf {}

impl Buf {
    /// `len` (> 0) bytes, or None when memory is exhausted.
    fn new(len: usize) -> Option<Buf> {
        if len == 0 || len > isize::MAX as usize {
            return None;
        }
        let p = raw::alloc(len);
        NonNull::new(p.cast::<u8>()).map(|ptr| Buf { ptr, len })
    }

    fn len(&self) -> usize {
        self.len
    }

    fn as_ptr(&self) -> *const u8 {
        self.ptr.as_ptr()
    }

    fn bytes(&self) -> &[u8] {
        // SAFETY: `ptr` is a live block of `len` bytes owned by self
        // (see the type's note on its contents).
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
    }

    fn bytes_mut(&mut self) -> &mut [u8] {
        // SAFETY: as in `bytes`, and `&mut self` makes it exclusive.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.as_ptr(), self.len) }
    }
}

impl Drop for Buf {
    fn drop(&mut self) {
        // SAFETY: the block came from `raw::alloc` and is freed only here.
        unsafe { raw::free(self.ptr.as_ptr().cast()) }
    }
}

/// The C allocator behind `Buf`: mimalloc's, or for sanitizer builds the
/// system's, which the sanitizer intercepts (Cargo.toml, `sanitize`).
#[cfg(not(feature = "sanitize"))]
mod raw {
    pub fn alloc(len: usize) -> *mut libc::c_void {
        // SAFETY: mi_malloc has no preconditions; it returns null or a
        // block of at least `len` bytes owned by the caller.
        unsafe { libmimalloc_sys::mi_malloc(len) }
    }

    /// # Safety
    /// `p` came from `alloc` and is not used afterwards.
    pub unsafe fn free(p: *mut libc::c_void) {
        // SAFETY: the caller's contract.
        unsafe { libmimalloc_sys::mi_free(p) }
    }
}

#[cfg(feature = "sanitize")]
mod raw {
    pub fn alloc(len: usize) -> *mut libc::c_void {
        // SAFETY: malloc has no preconditions; it returns null or a block
        // of at least `len` bytes owned by the caller.
        unsafe { libc::malloc(len) }
    }

    /// # Safety
    /// `p` came from `alloc` and is not used afterwards.
    pub unsafe fn free(p: *mut libc::c_void) {
        // SAFETY: the caller's contract.
        unsafe { libc::free(p) }
    }
}

struct Pool {
    /// Oldest first; each with the time it was released.
    bufs: VecDeque<(Buf, Instant)>,
    bytes: usize,
}

static POOL: Mutex<Pool> = Mutex::new(Pool { bufs: VecDeque::new(), bytes: 0 });

/// Spare bytes allocated in front of the data for placing it.
pub const SLACK: usize = 2 * PAGE_OFFSET;

/// How far into a buffer at `ptr` the data starts: its offset within
/// the page is kept in `PAGE_OFFSET..=PAGE - PAGE_OFFSET` (at most
/// `SLACK` bytes in).
pub fn pad_for(ptr: *const u8) -> usize {
    let at = (ptr as usize) % PAGE;
    if at < PAGE_OFFSET {
        PAGE_OFFSET - at
    } else if at > PAGE - PAGE_OFFSET {
        PAGE + PAGE_OFFSET - at
    } else {
        0
    }
}

/// Owns a buffer and exposes `len` bytes at `off`; gives the buffer
/// back to the pool when dropped.
struct Block {
    buf: Option<Buf>,
    off: usize,
    len: usize,
}

impl AsRef<[u8]> for Block {
    fn as_ref(&self) -> &[u8] {
        match &self.buf {
            Some(b) => &b.bytes()[self.off..self.off + self.len],
            None => &[],
        }
    }
}

impl Drop for Block {
    fn drop(&mut self) {
        if let Some(b) = self.buf.take() {
            release(b);
        }
    }
}

/// Bytes in the pool, readable without its lock (for `trim_idle`).
static POOLED: AtomicUsize = AtomicUsize::new(0);

/// True when the pool holds buffers (which `trim_idle` may give back).
pub fn pooled() -> bool {
    POOLED.load(Ordering::Relaxed) != 0
}

/// Gives back every buffer unused for longer than `KEEP`: called now
/// and then by I/O threads, so that an idle process does not keep its
/// pool (it is otherwise trimmed only when used).
pub fn trim_idle() {
    trim_idle_at(Instant::now());
}

fn trim_idle_at(now: Instant) {
    while pooled() {
        let evicted = POOL.lock().unwrap_or_else(|e| e.into_inner()).trim(now);
        if evicted[0].is_none() {
            break;
        }
        // Freed outside the lock.
        drop(evicted);
    }
}

/// Gives a buffer back to the pool (or frees it when it is too big).
fn release(buf: Buf) {
    if buf.len() > POOL_BYTES / 4 {
        return;
    }
    let now = Instant::now();
    let evicted = {
        let mut pool = POOL.lock().unwrap_or_else(|e| e.into_inner());
        pool.bytes += buf.len();
        pool.bufs.push_back((buf, now));
        pool.trim(now)
    };
    // Freed outside the lock.
    drop(evicted);
}

impl Pool {
    /// Takes out (for the caller to free outside the lock) buffers over
    /// the byte limit or unused for longer than `KEEP`, oldest first.
    fn trim(&mut self, now: Instant) -> [Option<Buf>; TRIM_BATCH] {
        let mut evicted: [Option<Buf>; TRIM_BATCH] = Default::default();
        for slot in evicted.iter_mut() {
            let old = match self.bufs.front() {
                Some((_, t)) => self.bytes > POOL_BYTES || now.saturating_duration_since(*t) > KEEP,
                None => false,
            };
            if !old {
                break;
            }
            if let Some((b, _)) = self.bufs.pop_front() {
                self.bytes -= b.len();
                *slot = Some(b);
            }
        }
        POOLED.store(self.bytes, Ordering::Relaxed);
        evicted
    }
}

/// A buffer of `size` (>= `MIN`) bytes placed as described above (see
/// `pad_for`) for the caller to overwrite: recycled when one fits,
/// else new, never cleared (see `Buf`). None when memory is exhausted.
pub fn alloc(size: usize) -> Option<Bytes> {
    let (buf, off) = raw(size)?;
    Some(Bytes::from_owner(Block { buf: Some(buf), off, len: size }))
}

/// A pooled, placed buffer being filled front to back (a received
/// frame body): `len` bytes of `cap` are filled. The unfilled part is
/// handed out as a `&mut [u8]` to read into; only filled bytes are
/// ever shown. Dropped unfinished, the buffer goes back to the pool;
/// finished, it becomes a `Bytes` that returns it to the pool when its
/// last reference goes.
pub struct Filling {
    buf: Option<Buf>,
    off: usize,
    cap: usize,
    len: usize,
}

impl Filling {
    /// Room for `cap` bytes (a recycled buffer when the pool has one),
    /// nothing filled yet. None when memory is exhausted.
    pub fn new(cap: usize) -> Option<Filling> {
        let (buf, off) = raw(cap)?;
        Some(Filling { buf: Some(buf), off, cap, len: 0 })
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn capacity(&self) -> usize {
        self.cap
    }

    /// The unfilled part; after writing `n` bytes at its front, call
    /// `filled(n)`.
    pub fn spare_mut(&mut self) -> &mut [u8] {
        match &mut self.buf {
            Some(b) => &mut b.bytes_mut()[self.off + self.len..self.off + self.cap],
            None => &mut [],
        }
    }

    /// Marks `n` more bytes as filled (capped at the capacity).
    pub fn filled(&mut self, n: usize) {
        self.len = (self.len + n).min(self.cap);
    }

    /// Appends as much of `data` as fits; returns how much that was.
    pub fn extend_from_slice(&mut self, data: &[u8]) -> usize {
        let n = data.len().min(self.cap - self.len);
        self.spare_mut()[..n].copy_from_slice(&data[..n]);
        self.len += n;
        n
    }

    /// Grows the capacity to `cap` (a new pooled buffer, the filled
    /// bytes copied over). False when memory is exhausted (unchanged).
    pub fn grow(&mut self, cap: usize) -> bool {
        if cap <= self.cap {
            return true;
        }
        let Some((mut buf, off)) = raw(cap) else { return false };
        if let Some(old) = &self.buf {
            buf.bytes_mut()[off..off + self.len].copy_from_slice(&old.bytes()[self.off..self.off + self.len]);
        }
        let old = self.buf.replace(buf);
        self.off = off;
        self.cap = cap;
        if let Some(old) = old {
            release(old);
        }
        true
    }

    /// The filled bytes, as a `Bytes` that gives the buffer back to the
    /// pool when dropped.
    pub fn freeze(mut self) -> Bytes {
        Bytes::from_owner(Block { buf: self.buf.take(), off: self.off, len: self.len })
    }
}

impl Drop for Filling {
    fn drop(&mut self) {
        if let Some(b) = self.buf.take() {
            release(b);
        }
    }
}

impl std::fmt::Debug for Filling {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Filling").field("len", &self.len).field("cap", &self.cap).finish()
    }
}

/// A placed, pooled copy of `data` (at least `MIN` bytes).
pub fn copy_of(data: &[u8]) -> Option<Bytes> {
    let (mut buf, off) = raw(data.len())?;
    buf.bytes_mut()[off..off + data.len()].copy_from_slice(data);
    Some(Bytes::from_owner(Block { buf: Some(buf), off, len: data.len() }))
}

/// A buffer with room for `size` bytes at the returned offset.
fn raw(size: usize) -> Option<(Buf, usize)> {
    if let Some(r) = recycled(size) {
        return Some(r);
    }
    let buf = Buf::new(size.checked_add(SLACK)?)?;
    let off = pad_for(buf.as_ptr());
    debug_assert!(off + size <= buf.len());
    Some((buf, off))
}

/// A pooled buffer with room for `size` bytes at the returned offset,
/// if the pool has one that fits.
fn recycled(size: usize) -> Option<(Buf, usize)> {
    let need = size.checked_add(SLACK)?;
    let now = Instant::now();
    let (recycled, evicted) = {
        let mut pool = POOL.lock().unwrap_or_else(|e| e.into_inner());
        // A buffer at most a quarter too large (no hoarding of huge
        // blocks for small messages); newest first.
        let i = pool.bufs.iter().rposition(|(b, _)| b.len() >= need && b.len() - need <= need / 4);
        let recycled = i.and_then(|i| pool.bufs.remove(i)).map(|(b, _)| {
            pool.bytes -= b.len();
            b
        });
        (recycled, pool.trim(now))
    };
    drop(evicted);
    let buf = recycled?;
    let off = pad_for(buf.as_ptr());
    debug_assert!(off + size <= buf.len());
    Some((buf, off))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placed_initialised_and_recycled() {
        let a = alloc(100_000).unwrap();
        assert_eq!(a.len(), 100_000);
        let placed = |p: *const u8| (PAGE_OFFSET..=PAGE - PAGE_OFFSET).contains(&(p as usize % PAGE));
        assert!(placed(a.as_ptr()));
        drop(a);
        // Another thread's test may take it first; when we get a
        // recycled one it is placed the same way.
        let b = alloc(100_000).unwrap();
        assert!(placed(b.as_ptr()));
        // Far too large a recycled buffer is not used for a small one.
        let big = alloc(4 << 20).unwrap();
        drop(big);
        let small = alloc(MIN).unwrap();
        assert!(small.len() == MIN);
    }

    #[test]
    fn idle_pool_is_given_back() {
        // A size no other test asks for (recycling takes at most a
        // quarter more than asked).
        const ODD: usize = 777_777;
        drop(alloc(ODD).unwrap());
        let (buf, _) = recycled(ODD).expect("a released buffer is pooled");
        release(buf);
        trim_idle_at(Instant::now() + KEEP / 2);
        let (buf, _) = recycled(ODD).expect("not yet aged");
        release(buf);
        trim_idle_at(Instant::now() + 2 * KEEP);
        assert!(recycled(ODD).is_none(), "aged buffers are given back");
    }
}
