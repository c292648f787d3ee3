//! A lock-free single-producer single-consumer queue, stored in chunks.
//!
//! Owns: the queue memory and the one atomic word both sides share. The
//! writer appends items without any synchronisation and publishes a batch
//! with `flush` (one compare-and-swap); the reader, finding nothing new,
//! marks itself asleep in that same word, so the flush that finds it
//! asleep reports that the reader must be woken. A reader that is ahead
//! of the writer's last flush never touches the shared word.
//!
//! Each side keeps its cursors in its own handle (`Producer`, `Consumer`),
//! which lives in memory only its thread touches: the shared `Core` holds
//! nothing that changes per item, so the two threads never fight over a
//! cache line except at `flush` / when the reader catches up.
//!
//! Soundness: the writer cursors are only touched through `&mut Producer`
//! and the reader cursors only through `&mut Consumer`; neither handle can
//! be cloned. Slot `i` is written by the producer before the release in
//! `flush` that publishes `i`, and read by the consumer only after an
//! acquire of a committed count above `i`. Chunk links are published the
//! same way. A chunk is recycled (through `spare`) or freed only after the
//! consumer moved past all its slots, at which point the producer has
//! already moved to a later chunk. Whichever handle is dropped last frees
//! the unread items and the chunks (each handle leaves its cursors in the
//! core when it goes).

use std::cell::UnsafeCell;
use std::mem::MaybeUninit;
use std::ptr;
use std::sync::atomic::{AtomicPtr, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// Items per chunk: small enough that an idle pipe or mailbox costs little
/// (a chunk is allocated up front), large enough that a busy one allocates
/// rarely (retired chunks are reused through `spare`).
const CHUNK: u64 = 64;
/// How many slots ahead of the one being written the writer prefetches.
const PREFETCH_AHEAD: u64 = 8;
/// Value of `committed` while the reader sleeps.
const ASLEEP: u64 = u64::MAX;

struct Chunk<T> {
    slots: [UnsafeCell<MaybeUninit<T>>; CHUNK as usize],
    next: AtomicPtr<Chunk<T>>,
}

impl<T> Chunk<T> {
    fn alloc() -> *mut Chunk<T> {
        Box::into_raw(Box::new(Chunk {
            slots: std::array::from_fn(|_| UnsafeCell::new(MaybeUninit::uninit())),
            next: AtomicPtr::new(ptr::null_mut()),
        }))
    }
}

/// Cursors a handle leaves behind when it is dropped, for the core's Drop.
#[derive(Default)]
struct Left {
    /// Items the producer wrote (flushed or not), once it is gone.
    written: Option<u64>,
    /// The reader's head chunk and items read, once it is gone.
    reader: Option<(usize, u64)>,
}

struct Core<T> {
    /// Items published so far, or ASLEEP.
    committed: AtomicU64,
    /// One retired chunk kept for the writer to reuse.
    spare: AtomicPtr<Chunk<T>>,
    /// Filled in by the handles' Drop; read only by the core's Drop.
    left: Mutex<Left>,
}

// SAFETY: see the module doc: slots are handed over by `committed`
// (release/acquire) and the chunk pointers by `next`/`spare`. Items cross
// threads, hence `T: Send`.
unsafe impl<T: Send> Send for Core<T> {}
// SAFETY: the two threads share a `Core` only through its atomics and its
// mutex; the chunk slots they reach through it are owned by one side at a time
// (written before the release in `flush`, read after the acquire), so no
// `T` is ever accessed from two threads at once and `T: Sync` is not needed.
unsafe impl<T: Send> Sync for Core<T> {}

pub struct Producer<T> {
    core: Arc<Core<T>>,
    tail: *mut Chunk<T>,
    written: u64,
    flushed: u64,
}

pub struct Consumer<T> {
    core: Arc<Core<T>>,
    head: *mut Chunk<T>,
    read: u64,
    available: u64,
}

// SAFETY: a handle is the only user of its cursors and of the slots they
// point at (see the module doc); moving it to another thread moves that
// exclusive use with it.
unsafe impl<T: Send> Send for Producer<T> {}
// SAFETY: as for Producer: the consumer's cursors and the published slots it
// reads are used by it alone, wherever it moves; items it hands out were
// sent from the producer's thread, hence `T: Send`.
unsafe impl<T: Send> Send for Consumer<T> {}

/// A new, empty queue.
pub fn channel<T>() -> (Producer<T>, Consumer<T>) {
    let first = Chunk::alloc();
    let core = Arc::new(Core {
        committed: AtomicU64::new(0),
        spare: AtomicPtr::new(ptr::null_mut()),
        left: Mutex::new(Left::default()),
    });
    (
        Producer { core: core.clone(), tail: first, written: 0, flushed: 0 },
        Consumer { core, head: first, read: 0, available: 0 },
    )
}

impl<T> Producer<T> {
    /// Appends an item, invisible to the reader until `flush`.
    #[inline]
    pub fn push(&mut self, item: T) {
        let slot = self.next_slot();
        // SAFETY: `next_slot` returns a slot in the live tail chunk that the
        // reader cannot see before the next `flush` and that holds no item
        // (each index is handed out once), so writing it neither races nor
        // overwrites a value that needed dropping.
        unsafe { (*slot).write(item) };
    }

    /// Appends the item in `item`, leaving its default in its place: moves
    /// it into the queue with one copy (no pass by value).
    #[inline]
    pub fn push_take(&mut self, item: &mut T)
    where
        T: Default,
    {
        let slot = self.next_slot();
        // SAFETY: as in `push`: an empty slot of the live tail chunk, not
        // visible to the reader before the next `flush`.
        unsafe { (*slot).write(std::mem::take(item)) };
    }

    /// The slot for the next item, counted as written: the caller writes it
    /// at once. It is beyond what the reader may read until `flush`, and
    /// the tail chunk holding it stays alive until the reader retires it,
    /// which cannot happen before it reads this slot.
    #[inline(always)]
    fn next_slot(&mut self) -> *mut MaybeUninit<T> {
        let idx = self.written % CHUNK;
        if idx == 0 && self.written != 0 {
            self.grow();
        }
        self.prefetch_ahead(idx);
        self.written += 1;
        // SAFETY: `tail` is the producer's current chunk, allocated by
        // `channel` or `grow` and not retired: the reader only retires a
        // chunk after reading past it, which it cannot do before this slot
        // is written and flushed. `idx` < CHUNK, so the index is in bounds.
        unsafe { (*self.tail).slots[idx as usize].get() }
    }

    /// Asks the CPU to fetch, for writing, the slot `PREFETCH_AHEAD` places
    /// on. Its cache line was last held by the reader's core; without this
    /// the write waits for it in the store buffer, which, at millions of
    /// items a second, fills and stalls the writer on every later store.
    #[inline(always)]
    fn prefetch_ahead(&self, idx: u64) {
        let ahead = idx + PREFETCH_AHEAD;
        if ahead < CHUNK {
            #[cfg(target_arch = "x86_64")]
            // SAFETY: the address is inside the live tail chunk, and a
            // prefetch neither reads into the program nor changes memory.
            unsafe {
                let p = (*self.tail).slots[ahead as usize].get() as *const u8;
                std::arch::asm!("prefetchw [{0}]", in(reg) p, options(nostack, preserves_flags, readonly));
            }
        }
    }

    /// Links a fresh (or recycled) chunk after the tail.
    #[cold]
    fn grow(&mut self) {
        let spare = self.core.spare.swap(ptr::null_mut(), Ordering::Acquire);
        let next = if spare.is_null() {
            Chunk::alloc()
        } else {
            // SAFETY: `spare` is non-NULL and was swapped out of `core.spare`
            // (with Acquire, pairing with the consumer's AcqRel swap that put
            // it there), so it is a retired, still-allocated chunk that no
            // one else can reach any more: we own it.
            unsafe { (*spare).next.store(ptr::null_mut(), Ordering::Relaxed) };
            spare
        };
        // SAFETY: the tail chunk is still allocated: the reader retires it
        // only after following this very link (see `next_slot`).
        unsafe { (*self.tail).next.store(next, Ordering::Release) };
        self.tail = next;
    }

    /// Publishes everything pushed. Returns false when the reader was
    /// asleep: the caller must wake it.
    #[inline]
    pub fn flush(&mut self) -> bool {
        if self.written == self.flushed {
            return true;
        }
        let awake = match self.core.committed.compare_exchange(
            self.flushed,
            self.written,
            Ordering::AcqRel,
            Ordering::Acquire,
        ) {
            Ok(_) => true,
            Err(_) => {
                // The reader marked itself asleep; only it writes ASLEEP, and
                // it waits for us now, so a plain store is enough.
                self.core.committed.store(self.written, Ordering::Release);
                false
            }
        };
        self.flushed = self.written;
        awake
    }
}

impl<T> Consumer<T> {
    /// True when an item is available; when not, the reader is marked
    /// asleep (the next flush will report it).
    #[inline]
    pub fn check_read(&mut self) -> bool {
        if self.read < self.available {
            return true;
        }
        match self.core.committed.compare_exchange(self.read, ASLEEP, Ordering::AcqRel, Ordering::Acquire) {
            Ok(_) => false,
            Err(ASLEEP) => false,
            Err(v) => {
                self.available = v;
                true
            }
        }
    }

    /// Takes the next item, if one was published.
    #[inline]
    pub fn pop(&mut self) -> Option<T> {
        let slot = self.next_published()?;
        // SAFETY: `next_published` returns a slot below the acquired
        // committed count, so it was written (initialised) and published by
        // the producer, and counts it as read so that it is read out once.
        Some(unsafe { (*slot).assume_init_read() })
    }

    /// Like `pop`, but moves the item straight into `out` (replacing what
    /// was there), sparing the caller a copy through return values.
    #[inline]
    pub fn pop_into(&mut self, out: &mut T) -> bool {
        let Some(slot) = self.next_published() else { return false };
        // SAFETY: as in `pop`: an initialised, published slot read once.
        *out = unsafe { (*slot).assume_init_read() };
        true
    }

    /// The slot of the next published item, counted as read: the caller
    /// reads it out at once (it was written and published, as
    /// read < available, and is read exactly once).
    #[inline(always)]
    fn next_published(&mut self) -> Option<*mut MaybeUninit<T>> {
        if !self.check_read() {
            return None;
        }
        let idx = self.read % CHUNK;
        if idx == 0 && self.read != 0 {
            self.advance_chunk();
        }
        self.read += 1;
        // SAFETY: `head` is the consumer's current chunk (advanced above if
        // `idx` starts a new one); it is retired only by `advance_chunk`, so
        // it is allocated, and `idx` < CHUNK is in bounds.
        Some(unsafe { (*self.head).slots[idx as usize].get() })
    }

    /// Moves to the next chunk and retires the old one.
    #[cold]
    fn advance_chunk(&mut self) {
        let old = self.head;
        // SAFETY: `old` is our current chunk, still allocated (only this
        // function retires it, below). Its `next` link was stored (Release)
        // by `grow` before the item we are about to read was flushed, so it
        // is non-NULL and this Acquire load sees the new chunk.
        self.head = unsafe { (*old).next.load(Ordering::Acquire) };
        let prev = self.core.spare.swap(old, Ordering::AcqRel);
        if !prev.is_null() {
            // SAFETY: `prev` came out of `spare`, so it is a chunk from
            // `Chunk::alloc` (Box::into_raw) that was retired earlier and
            // that the producer never took back (it would have swapped it
            // out): nobody references it, and it is freed once, here.
            unsafe { drop(Box::from_raw(prev)) };
        }
    }
}

impl<T> Drop for Producer<T> {
    fn drop(&mut self) {
        self.core.left.lock().unwrap_or_else(|e| e.into_inner()).written = Some(self.written);
    }
}

impl<T> Drop for Consumer<T> {
    fn drop(&mut self) {
        self.core.left.lock().unwrap_or_else(|e| e.into_inner()).reader = Some((self.head as usize, self.read));
    }
}

impl<T> Drop for Core<T> {
    fn drop(&mut self) {
        // Both handles are gone and left their cursors: we have exclusive
        // access to everything.
        let left = std::mem::take(self.left.get_mut().unwrap_or_else(|e| e.into_inner()));
        let (Some(written), Some((head, read))) = (left.written, left.reader) else {
            return; // unreachable: each handle records itself before its Arc goes
        };
        let mut cur = head as *mut Chunk<T>;
        // The head chunk holds items from `base` on (the reader moves to the
        // next chunk lazily, when it reads that chunk's first item).
        let mut base = if read == 0 { 0 } else { ((read - 1) / CHUNK) * CHUNK };
        let mut pos = read;
        while pos < written {
            while pos >= base + CHUNK {
                // SAFETY: both handles are gone (we have `&mut self`), and
                // `pos` < written lies beyond `cur`, so the producer linked a
                // next chunk after `cur`; the chain from the reader's head is
                // still allocated (nothing in it has been freed yet).
                cur = unsafe { (*cur).next.load(Ordering::Relaxed) };
                base += CHUNK;
            }
            // SAFETY: read <= pos < written: the producer initialised this
            // slot and the consumer never read it out, so it holds a live
            // item, dropped here exactly once; `cur` is the allocated chunk
            // holding it and `pos - base` < CHUNK.
            unsafe { (*(*cur).slots[(pos - base) as usize].get()).assume_init_drop() };
            pos += 1;
        }
        let mut c = head as *mut Chunk<T>;
        while !c.is_null() {
            // SAFETY: `c` is a chunk of the chain from the reader's head, not
            // freed yet (we free each one only after reading its link).
            let next = unsafe { (*c).next.load(Ordering::Relaxed) };
            // SAFETY: `c` came from Box::into_raw in `Chunk::alloc`; the
            // chain holds each chunk once and no handle is left to use it,
            // so it is freed exactly once. Its items were dropped above or
            // read out (MaybeUninit slots drop nothing themselves).
            unsafe { drop(Box::from_raw(c)) };
            c = next;
        }
        let spare = *self.spare.get_mut();
        if !spare.is_null() {
            // SAFETY: the spare chunk came from Box::into_raw in
            // `Chunk::alloc` and was retired by the consumer: it lies behind
            // the reader's head, so the loop above (which walks forward from
            // the head) did not free it, and nothing else holds it. Freed
            // once, here.
            unsafe { drop(Box::from_raw(spare)) };
        }
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_across_chunks_and_sleep_protocol() {
        let (mut p, mut c) = channel::<u64>();
        assert!(c.pop().is_none()); // now asleep
        for i in 0..1000 {
            p.push(i);
        }
        assert!(!p.flush(), "flush must report the sleeping reader");
        for i in 0..1000 {
            assert_eq!(c.pop(), Some(i));
        }
        assert!(c.pop().is_none());
        p.push(7);
        assert!(!p.flush());
        p.push(8);
        assert!(p.flush(), "the reader is awake until it finds nothing");
        assert_eq!(c.pop(), Some(7));
        assert_eq!(c.pop(), Some(8));
    }

    #[test]
    fn unpublished_items_are_invisible() {
        let (mut p, mut c) = channel::<u8>();
        p.push(1);
        assert!(c.pop().is_none());
        p.flush();
        assert_eq!(c.pop(), Some(1));
    }

    #[test]
    fn leftovers_are_dropped_exactly_once() {
        use std::sync::atomic::AtomicUsize;
        static DROPS: AtomicUsize = AtomicUsize::new(0);
        struct D;
        impl Drop for D {
            fn drop(&mut self) {
                DROPS.fetch_add(1, Ordering::SeqCst);
            }
        }
        let (mut p, mut c) = channel::<D>();
        for _ in 0..300 {
            p.push(D);
        }
        p.flush();
        for _ in 0..130 {
            drop(c.pop());
        }
        p.push(D); // unflushed
        drop(p);
        drop(c);
        assert_eq!(DROPS.load(Ordering::SeqCst), 301);
    }

    #[test]
    fn threads_see_every_item_in_order() {
        let (mut p, mut c) = channel::<u64>();
        let n = 200_000u64;
        let t = std::thread::spawn(move || {
            for i in 0..n {
                p.push(i);
                if i % 7 == 0 {
                    p.flush();
                }
            }
            p.flush();
        });
        let mut next = 0;
        while next < n {
            if let Some(v) = c.pop() {
                assert_eq!(v, next);
                next += 1;
            } else {
                std::hint::spin_loop();
            }
        }
        t.join().unwrap();
    }
}
