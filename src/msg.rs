//! The message: what a `zmq_msg_t` holds.
//!
//! Owns: message payload storage (inline for small payloads, reference
//! counted `Bytes` for larger ones, zero-copy for `zmq_msg_init_data`),
//! the MORE/COMMAND/SHARED flags, the routing id and connection metadata.
//! Must not: know about sockets or pipes.
//!
//! A `Msg` fits in the 64 opaque bytes of `zmq_msg_t` and holds no pointer
//! into itself, so C callers may move a `zmq_msg_t` with `memcpy`.

use bytes::Bytes;
use std::collections::HashMap;
use std::ffi::{CStr, CString};
use std::os::raw::c_void;
use std::sync::Arc;

/// Payloads up to this size live inside the message, with no heap block.
pub const MAX_INLINE: usize = 33;
/// Largest payload whose release may be batched (`Msg::release_may_wait`).
const RELEASE_BATCH_MAX: usize = 1024;

/// Flag bits.
pub const MORE: u8 = 1;
pub const COMMAND: u8 = 2;
/// The payload is shared with another message (set by copy, or const data).
pub const SHARED: u8 = 4;
/// The message is a routing-id announcement (internal use in pipes).
pub const ROUTING_ID: u8 = 8;
/// The payload is C memory with a free function (`zmq_msg_init_data`),
/// whose release the caller may be waiting for.
pub const FOREIGN: u8 = 16;

/// Connection properties attached to received messages (`zmq_msg_gets`).
#[derive(Debug, Default)]
pub struct Metadata {
    props: HashMap<String, CString>,
}

impl Metadata {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn set(&mut self, key: &str, value: &[u8]) {
        let v = value.iter().copied().take_while(|&b| b != 0).collect::<Vec<u8>>();
        self.props
            .insert(key.to_ascii_lowercase(), CString::new(v).expect("nul filtered"));
    }
    /// Looks a property up, case-insensitively as libzmq does.
    pub fn get(&self, key: &str) -> Option<&CStr> {
        self.props.get(&key.to_ascii_lowercase()).map(|c| c.as_c_str())
    }
}

#[derive(Clone)]
enum Payload {
    Inline { len: u8, buf: [u8; MAX_INLINE] },
    Heap(Bytes),
}

/// A message frame.
#[derive(Clone)]
pub struct Msg {
    payload: Payload,
    flags: u8,
    routing_id: u32,
    metadata: Option<Arc<Metadata>>,
}

/// Owner of C-provided memory for zero-copy messages; calls the C free
/// function exactly once, when the last reference goes away.
struct ForeignBuf {
    data: *mut u8,
    len: usize,
    ffn: Option<unsafe extern "C" fn(*mut c_void, *mut c_void)>,
    hint: *mut c_void,
}

// SAFETY: libzmq's contract for zmq_msg_init_data is that the buffer may be
// released from any thread; the pointer is only read (never aliased mutably
// by us) and freed once, in Drop.
unsafe impl Send for ForeignBuf {}
unsafe impl Sync for ForeignBuf {}

impl AsRef<[u8]> for ForeignBuf {
    fn as_ref(&self) -> &[u8] {
        if self.len == 0 || self.data.is_null() {
            return &[];
        }
        // SAFETY: the C caller promised `len` readable bytes at `data` until
        // the free function is called (in Drop).
        unsafe { std::slice::from_raw_parts(self.data, self.len) }
    }
}

impl Drop for ForeignBuf {
    fn drop(&mut self) {
        if let Some(f) = self.ffn {
            // SAFETY: calling the user's free function with its own arguments,
            // exactly once.
            let _ = std::panic::catch_unwind(|| unsafe { f(self.data as *mut c_void, self.hint) });
        }
    }
}

impl Default for Msg {
    fn default() -> Self {
        Msg::new()
    }
}

impl std::fmt::Debug for Msg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Msg")
            .field("len", &self.len())
            .field("flags", &self.flags)
            .finish()
    }
}

impl Msg {
    /// An empty message.
    pub fn new() -> Msg {
        Msg {
            payload: Payload::Inline { len: 0, buf: [0; MAX_INLINE] },
            flags: 0,
            routing_id: 0,
            metadata: None,
        }
    }

    /// Makes an empty message `size` (<= `MAX_INLINE`) zero bytes long, in
    /// place (`zmq_msg_init_size` of a small size; larger ones take a
    /// `payload_for_fill`).
    #[inline]
    pub fn set_inline_len(&mut self, size: usize) {
        if let Payload::Inline { len, .. } = &mut self.payload {
            *len = size.min(MAX_INLINE) as u8;
        }
    }

    /// A small message holding the first `len` bytes of `src`, which has at
    /// least `MAX_INLINE` bytes: all of them are copied at once (fixed-size
    /// loads and stores, no memcpy call), the ones past `len` being never
    /// shown. Copying only `len` bytes would write the buffer piecemeal,
    /// and the whole-message copy that follows would stall on those
    /// narrow stores (the decoder's hot spot for 1-byte frames).
    #[inline]
    pub fn from_prefix(src: &[u8; MAX_INLINE], len: usize) -> Msg {
        debug_assert!(len <= MAX_INLINE);
        Msg {
            payload: Payload::Inline { len: len.min(MAX_INLINE) as u8, buf: *src },
            ..Msg::new()
        }
    }

    /// A small message holding the first `len` (<= `MAX_INLINE`) bytes of
    /// `src`: `from_prefix` when `src` has `MAX_INLINE` bytes to copy at
    /// once, else `from_slice`.
    #[inline]
    pub fn from_front(src: &[u8], len: usize) -> Msg {
        match src.get(..MAX_INLINE).and_then(|s| <&[u8; MAX_INLINE]>::try_from(s).ok()) {
            Some(prefix) if len <= MAX_INLINE => Msg::from_prefix(prefix, len),
            _ => Msg::from_slice(&src[..len.min(src.len())]),
        }
    }

    /// A message holding a copy of `data`.
    #[inline]
    pub fn from_slice(data: &[u8]) -> Msg {
        if data.len() <= MAX_INLINE {
            let mut buf = [0; MAX_INLINE];
            // A byte loop: for the few bytes of a small frame it beats a
            // call to memcpy.
            for (d, s) in buf.iter_mut().zip(data) {
                *d = *s;
            }
            Msg {
                payload: Payload::Inline { len: data.len() as u8, buf },
                ..Msg::new()
            }
        } else if data.len() >= large::MIN {
            // Placed and recycled like `payload_for_fill`'s (see `large`);
            // out of memory is the allocator's usual abort, as below.
            match large::copy_of(data) {
                Some(b) => Msg::from_bytes(b),
                None => Msg::from_bytes(Bytes::copy_from_slice(data)),
            }
        } else {
            Msg::from_bytes(Bytes::copy_from_slice(data))
        }
    }

    /// A message sharing `b` (no copy).
    pub fn from_bytes(b: Bytes) -> Msg {
        Msg { payload: Payload::Heap(b), ..Msg::new() }
    }

    /// A zero-copy message over C memory; `ffn(data, hint)` runs once when
    /// the last copy is closed. With no `ffn` the memory is never freed by us.
    ///
    /// # Safety
    /// `data` must point to `len` bytes valid until `ffn` is called.
    pub unsafe fn from_foreign(
        data: *mut u8,
        len: usize,
        ffn: Option<unsafe extern "C" fn(*mut c_void, *mut c_void)>,
        hint: *mut c_void,
    ) -> Msg {
        let owner = ForeignBuf { data, len, ffn, hint };
        let mut m = Msg::from_bytes(Bytes::from_owner(owner));
        m.flags |= FOREIGN;
        m
    }

    /// True when dropping this message may be put off a little (see
    /// `Spent`): a small payload of our own, whose release nobody waits for.
    #[inline]
    pub fn release_may_wait(&self) -> bool {
        matches!(self.payload, Payload::Heap(_)) && self.flags & FOREIGN == 0 && self.len() <= RELEASE_BATCH_MAX
    }

    /// A message over static (constant) memory: `zmq_send_const`.
    ///
    /// # Safety
    /// `data` must stay valid and unchanged for as long as the message lives.
    pub unsafe fn from_const(data: *const u8, len: usize) -> Msg {
        let mut m = Msg::from_foreign(data as *mut u8, len, None, std::ptr::null_mut());
        m.flags |= SHARED;
        m
    }

    pub fn len(&self) -> usize {
        match &self.payload {
            Payload::Inline { len, .. } => *len as usize,
            Payload::Heap(b) => b.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn data(&self) -> &[u8] {
        match &self.payload {
            Payload::Inline { len, buf } => &buf[..*len as usize],
            Payload::Heap(b) => b,
        }
    }

    /// Raw pointer to the payload, writable by C code as in libzmq.
    pub fn data_ptr(&mut self) -> *mut u8 {
        match &mut self.payload {
            Payload::Inline { buf, .. } => buf.as_mut_ptr(),
            Payload::Heap(b) => b.as_ptr() as *mut u8,
        }
    }

    /// The payload as `Bytes` (copies inline payloads).
    pub fn to_bytes(&self) -> Bytes {
        match &self.payload {
            Payload::Inline { len, buf } => Bytes::copy_from_slice(&buf[..*len as usize]),
            Payload::Heap(b) => b.clone(),
        }
    }

    pub fn flags(&self) -> u8 {
        self.flags
    }
    pub fn more(&self) -> bool {
        self.flags & MORE != 0
    }
    pub fn set_more(&mut self, more: bool) {
        if more {
            self.flags |= MORE
        } else {
            self.flags &= !MORE
        }
    }
    pub fn set_flags(&mut self, f: u8) {
        self.flags |= f
    }
    pub fn reset_flags(&mut self, f: u8) {
        self.flags &= !f
    }
    pub fn is_shared(&self) -> bool {
        self.flags & SHARED != 0
    }
    pub fn is_command(&self) -> bool {
        self.flags & COMMAND != 0
    }

    /// `zmq_msg_copy`: shares a heap payload and marks both as shared.
    pub fn share(&mut self) -> Msg {
        if let Payload::Heap(_) = self.payload {
            self.flags |= SHARED;
        }
        self.clone()
    }

    pub fn routing_id(&self) -> u32 {
        self.routing_id
    }
    pub fn set_routing_id(&mut self, id: u32) {
        self.routing_id = id
    }

    pub fn metadata(&self) -> Option<&Arc<Metadata>> {
        self.metadata.as_ref()
    }
    pub fn set_metadata(&mut self, m: Option<Arc<Metadata>>) {
        self.metadata = m
    }
}

/// The payload of a message of `size` (> `MAX_INLINE`) bytes for the
/// caller to overwrite (`zmq_msg_init_size`); None when memory is
/// exhausted. Middle sizes are a zeroed heap block. Large ones come from
/// [`large::alloc`] and, as libzmq's, are not cleared: they hold what
/// their memory held (zero pages, or what an earlier message left in a
/// recycled buffer).
#[inline]
pub fn payload_for_fill(size: usize) -> Option<Bytes> {
    if size < large::MIN {
        Some(Bytes::from(zeroed(size)?))
    } else {
        large::alloc(size)
    }
}

/// `n` (> 0) zeroed bytes (len == capacity), or None when memory is
/// exhausted, from `alloc_zeroed` (for middle sizes, below `large::MIN`;
/// large buffers are `large::Buf`s).
fn zeroed(n: usize) -> Option<Vec<u8>> {
    let layout = std::alloc::Layout::array::<u8>(n).ok()?;
    // SAFETY: `layout` has a non-zero size (callers ask for more than
    // `MAX_INLINE` bytes); a null result is reported as None, and a
    // non-null one is `n` initialised (zero) bytes from the global
    // allocator with exactly this layout, which is what Vec::from_raw_parts
    // needs with capacity == length == n.
    unsafe {
        let p = std::alloc::alloc_zeroed(layout);
        if p.is_null() {
            return None;
        }
        Some(Vec::from_raw_parts(p, n, n))
    }
}

/// Messages let go of, freed `Spent::BATCH` at a time. A stream's
/// payloads are allocated by one thread and freed by another: freed one by
/// one, each free contends with the allocating thread's next allocations
/// for the same allocator page; freed in a batch, that page's cache line
/// moves once per batch. Only messages whose release nobody waits for are
/// held back (`Msg::release_may_wait`); others are freed at once.
#[derive(Default)]
pub struct Spent(Vec<Msg>);

impl Spent {
    pub const BATCH: usize = 64;

    /// Frees `m`, now or with the next batch.
    #[inline]
    pub fn release(&mut self, mut m: Msg) {
        self.release_from(&mut m);
    }

    /// Frees what `m` holds, now or with the next batch, leaving `m`
    /// empty. Moving straight from `m` into the batch copies the frame
    /// once (a detour through a temporary cost a store-forwarding stall
    /// per received message on the C receive path).
    #[inline]
    pub fn release_from(&mut self, m: &mut Msg) {
        if !m.release_may_wait() {
            *m = Msg::new();
            return;
        }
        if self.0.capacity() == 0 {
            self.0.reserve_exact(Self::BATCH);
        }
        self.0.push(std::mem::take(m));
        if self.0.len() >= Self::BATCH {
            self.0.clear();
        }
    }
}

/// Large payload buffers: placement and recycling.
///
/// * Placement: the kernel copies socket data with `rep movsb`, which on
///   some CPUs (AMD Zen here) runs several times slower when the user
///   buffer sits a few bytes *before* the same offset of the kernel's page
///   (a frame header of 9-11 bytes ahead of a page-aligned body does
///   exactly that: 1 MiB over loopback tcp took 3x longer). Large payload
///   buffers therefore start `PAGE_OFFSET` bytes into a page, which keeps
///   them clear of that window for any short header.
/// * Recycling: a buffer released by its last message goes back to a
///   shared pool, and the next large allocation reuses it (newest first)
///   without fresh pages (each new 1 MiB block otherwise costs page
///   faults on top of the copy).
///   The pool is sized for the traffic (up to `POOL_BYTES`, each buffer
///   kept at most `KEEP` unused): with only 8 buffers, the rest went back
///   to mimalloc, which keeps freed blocks mapped for its purge delay
///   while handing out fresh ones, and a tcp 64 KiB sender (1,000
///   messages queued at the HWM) peaked at 88 MiB against 66-70 MiB with
///   this pool (libzmq: 67-69 MiB), msg/s unchanged.
///   `zmq_msg_init_size`, `zmq_send`'s copy (`Msg::from_slice`), inproc
///   traffic and bodies received over tcp/ipc (`Filling`, see
///   `zmtp::codec`) all use it.
/// * Not cleared: as libzmq's `zmq_msg_init_size` ("for performance
///   reasons" its content is not cleared), a new buffer holds whatever its
///   memory held (see `Buf`). Zeroing it cost more than the copy: memory
///   that was only ever read (a buffer sent without being written, as
///   libzmq's perf tools do) maps the kernel's shared zero page, and
///   zeroing it again later takes a copy-on-write fault and a TLB
///   shoot-down on every other CPU for each 4 KiB page (1 MiB messages
///   with libzmq's remote_thr pattern: 1.8-2.4k msg/s zeroed, 2.9-3.5k
///   not, libzmq 1.5-3.1k; perf/README.md, item 8).
pub mod large {
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
    /// never makes the process hold more buffers than were in use at once
    /// (a queue of 1,000 64 KiB messages needs 1,000 buffers, pooled or
    /// not); what it avoids is the allocator's own retention on top of
    /// that (freed blocks kept mapped for its purge delay while fresh ones
    /// are handed out). A buffer unused for `KEEP` is given back, as is
    /// everything above `POOL_BYTES`: aged buffers when the pool is next
    /// used, or by an I/O thread's periodic `trim_idle` (so an idle
    /// process gives its pool back within about `2 * KEEP`). The bound
    /// must hold what a sender at its HWM frees before the application
    /// refills the queue (half of 1,000 64 KiB messages): at 32 MiB the
    /// pool evicted and reallocated at that boundary and a tcp 64 KiB
    /// sender peaked at 74-80 MiB, at 64 MiB 66-70 MiB (libzmq 67-69).
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
    unsafe impl Sync for Buf {}

    impl Buf {
        /// `len` (> 0) bytes, or None when memory is exhausted.
        fn new(len: usize) -> Option<Buf> {
            if len == 0 || len > isize::MAX as usize {
                return None;
            }
            // SAFETY: mi_malloc has no preconditions; it returns null or a
            // block of at least `len` bytes owned by the caller.
            let p = unsafe { libmimalloc_sys::mi_malloc(len) };
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
            // SAFETY: the block came from mi_malloc and is freed only here.
            unsafe { libmimalloc_sys::mi_free(self.ptr.as_ptr().cast()) }
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
}

// The C side reserves exactly 64 bytes aligned to a pointer; the C API
// keeps the last 8 for its validity tag (capi::msg).
const _: () = assert!(std::mem::size_of::<Msg>() <= 56);
const _: () = assert!(std::mem::align_of::<Msg>() <= 8);

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn small_is_inline_and_large_is_heap() {
        let m = Msg::from_slice(&[7u8; MAX_INLINE]);
        assert!(matches!(m.payload, Payload::Inline { .. }));
        let m = Msg::from_slice(&[7u8; MAX_INLINE + 1]);
        assert!(matches!(m.payload, Payload::Heap(_)));
        assert_eq!(m.data(), &[7u8; MAX_INLINE + 1][..]);
    }

    static FREED: AtomicUsize = AtomicUsize::new(0);
    unsafe extern "C" fn free_fn(_d: *mut c_void, _h: *mut c_void) {
        FREED.fetch_add(1, Ordering::SeqCst);
    }

    #[test]
    fn foreign_free_runs_once_after_last_copy() {
        let mut buf = [1u8; 100];
        let mut m = unsafe { Msg::from_foreign(buf.as_mut_ptr(), 100, Some(free_fn), std::ptr::null_mut()) };
        let c = m.share();
        assert!(m.is_shared() && c.is_shared());
        drop(m);
        assert_eq!(FREED.load(Ordering::SeqCst), 0);
        drop(c);
        assert_eq!(FREED.load(Ordering::SeqCst), 1);
    }
}
