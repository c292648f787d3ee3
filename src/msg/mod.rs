//! The message: what a `zmq_msg_t` holds.
//!
//! Owns: message payload storage (inline for small payloads, reference
//! counted `Bytes` for larger ones, zero-copy for `zmq_msg_init_data`),
//! the MORE/COMMAND/SHARED flags, the routing id, connection metadata and
//! the (DRAFT) group.
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

/// Longest group `Msg::set_group` takes (libzmq's `ZMQ_GROUP_MAX_LENGTH`).
pub const GROUP_MAX_LENGTH: usize = 255;

/// Connection properties attached to received messages (`zmq_msg_gets`),
/// and the message's group (`zmq_msg_set_group`, DRAFT).
///
/// The group lives here, behind the pointer a message already has, rather
/// than in `Msg` itself: `Msg` fills the 56 bytes it may use, and groups
/// are rare (no socket type here routes on them), so the hot path keeps
/// its layout and a message with a group pays one shared allocation.
#[derive(Debug, Default, Clone)]
pub struct Metadata {
    props: HashMap<String, CString>,
    group: Option<CString>,
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

/// Gives a group to messages, reusing the metadata block it made last
/// when the next message has the same metadata before (the same block, or
/// none) and the same group. A group costs an allocation per message
/// otherwise (the block, and a copy of any connection properties), and
/// RADIO senders and DISH receivers set one on every message, nearly always
/// the same. Blocks are never changed once shared, so sharing one is
/// invisible. Holds its last block (and the one that message had before).
#[derive(Default)]
pub struct GroupStamp {
    last: Option<(Option<Arc<Metadata>>, Arc<Metadata>)>,
}

impl GroupStamp {
    pub fn stamp(&mut self, m: &mut Msg, group: &[u8]) -> Result<(), GroupTooLong> {
        if let Some((before, made)) = &self.last {
            let same_before = match (before, &m.metadata) {
                (None, None) => true,
                (Some(a), Some(b)) => Arc::ptr_eq(a, b),
                _ => false,
            };
            if same_before && made.group.as_deref().map(CStr::to_bytes) == Some(group) {
                m.metadata = Some(made.clone());
                return Ok(());
            }
        }
        let before = m.metadata.clone();
        m.set_group_alone(group)?;
        if let Some(made) = &m.metadata {
            self.last = Some((before, made.clone()));
        }
        Ok(())
    }
}

thread_local! {
    static THREAD_STAMP: std::cell::RefCell<GroupStamp> = std::cell::RefCell::new(GroupStamp::default());
}

/// Why `Msg::set_group` refused a group.
#[derive(Debug, PartialEq, Eq)]
pub struct GroupTooLong;

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
// SAFETY: shared access only reads the buffer (`as_ref`), which the
// contract above allows from any thread.
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
        // SAFETY: our caller guarantees `data` stays valid and unchanged
        // while the message lives, which is all `from_foreign` needs; with
        // no free function the pointer is never freed or written through.
        let mut m = unsafe { Msg::from_foreign(data as *mut u8, len, None, std::ptr::null_mut()) };
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

    /// The message's group (DRAFT), if one was set.
    pub fn group(&self) -> Option<&CStr> {
        self.metadata.as_ref()?.group.as_deref()
    }

    /// Sets the message's group (DRAFT): at most `GROUP_MAX_LENGTH` bytes,
    /// no NUL. Copies of the message made before keep their own group.
    /// Consecutive messages of one thread given the same group share one
    /// metadata block (`GroupStamp`, one per thread).
    pub fn set_group(&mut self, group: &[u8]) -> Result<(), GroupTooLong> {
        THREAD_STAMP
            .try_with(|st| match st.try_borrow_mut() {
                Ok(mut st) => st.stamp(self, group),
                Err(_) => self.set_group_alone(group),
            })
            .unwrap_or_else(|_| self.set_group_alone(group))
    }

    /// `set_group` with a metadata block of this message's own.
    fn set_group_alone(&mut self, group: &[u8]) -> Result<(), GroupTooLong> {
        if group.len() > GROUP_MAX_LENGTH {
            return Err(GroupTooLong);
        }
        let g = CString::new(group).map_err(|_| GroupTooLong)?;
        let mut md = self.metadata.as_deref().cloned().unwrap_or_default();
        md.group = Some(g);
        self.metadata = Some(Arc::new(md));
        Ok(())
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

pub mod large;


// The C side reserves exactly 64 bytes aligned to a pointer; the C API
// keeps the last 8 for its validity tag (capi::msg).
const _: () = assert!(std::mem::size_of::<Msg>() <= 56);
const _: () = assert!(std::mem::align_of::<Msg>() <= 8);

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn a_stamp_shares_a_block_only_for_the_same_group_and_metadata_before() {
        let mut st = GroupStamp::default();
        let (mut a, mut b, mut c) = (Msg::new(), Msg::new(), Msg::new());
        st.stamp(&mut a, b"g").unwrap();
        st.stamp(&mut b, b"g").unwrap();
        assert!(Arc::ptr_eq(a.metadata().unwrap(), b.metadata().unwrap()));
        st.stamp(&mut c, b"h").unwrap();
        assert_eq!((a.group().unwrap().to_bytes(), c.group().unwrap().to_bytes()), (&b"g"[..], &b"h"[..]));
        let mut md = Metadata::new();
        md.set("Peer-Address", b"1.2.3.4");
        let md = Arc::new(md);
        let mut d = Msg::new();
        d.set_metadata(Some(md.clone()));
        st.stamp(&mut d, b"h").unwrap();
        assert!(!Arc::ptr_eq(c.metadata().unwrap(), d.metadata().unwrap()));
        assert_eq!(d.metadata().unwrap().get("peer-address").unwrap().to_bytes(), b"1.2.3.4");
        let mut e = Msg::new();
        e.set_metadata(Some(md));
        st.stamp(&mut e, b"h").unwrap();
        assert!(Arc::ptr_eq(d.metadata().unwrap(), e.metadata().unwrap()));
        assert_eq!(st.stamp(&mut e, b"a\0b"), Err(GroupTooLong));
        // Regrouping one message leaves the others sharing its old block.
        b.set_group(b"z").unwrap();
        assert_eq!((a.group().unwrap().to_bytes(), b.group().unwrap().to_bytes()), (&b"g"[..], &b"z"[..]));
    }

    #[test]
    fn group_is_carried_by_copies_and_kept_apart_from_properties() {
        let mut md = Metadata::new();
        md.set("Peer-Address", b"1.2.3.4");
        let mut m = Msg::from_slice(b"x");
        m.set_metadata(Some(Arc::new(md)));
        assert_eq!(m.group(), None);
        m.set_group(b"news").unwrap();
        assert_eq!(m.group().unwrap().to_bytes(), b"news");
        // The connection's properties are still there.
        assert_eq!(m.metadata().unwrap().get("peer-address").unwrap().to_bytes(), b"1.2.3.4");
        let c = m.share();
        m.set_group(&[b'g'; GROUP_MAX_LENGTH]).unwrap();
        assert_eq!(c.group().unwrap().to_bytes(), b"news");
        assert_eq!(m.group().unwrap().to_bytes().len(), GROUP_MAX_LENGTH);
        assert_eq!(m.set_group(&[b'g'; GROUP_MAX_LENGTH + 1]), Err(GroupTooLong));
        assert_eq!(m.set_group(b"a\0b"), Err(GroupTooLong));
        // An empty group is a group ("" as libzmq's default reads).
        let mut e = Msg::new();
        e.set_group(b"").unwrap();
        assert_eq!(e.group().unwrap().to_bytes(), b"");
        // The layout the C API relies on is unchanged.
        assert!(std::mem::size_of::<Msg>() <= 56);
    }

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
        // SAFETY: `buf` outlives both messages (dropped below), and
        // `free_fn` only counts.
        let mut m = unsafe { Msg::from_foreign(buf.as_mut_ptr(), 100, Some(free_fn), std::ptr::null_mut()) };
        let c = m.share();
        assert!(m.is_shared() && c.is_shared());
        drop(m);
        assert_eq!(FREED.load(Ordering::SeqCst), 0);
        drop(c);
        assert_eq!(FREED.load(Ordering::SeqCst), 1);
    }
}
