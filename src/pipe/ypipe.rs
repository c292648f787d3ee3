//! A lock-free single-producer single-consumer queue, stored in chunks.
//!
//! Owns: the queue memory and the one atomic word both sides share. The
//! writer appends items without any synchronisation and publishes a batch
//! with `flush` (one compare-and-swap); the reader, finding nothing new,
//! marks itself asleep in that same word, so the flush that finds it
//! asleep reports that the reader must be woken. A reader that is ahead
//! of the writer's last flush never touches the shared word.
//!
//! Soundness: the writer state is only touched through `&mut Producer`
//! and the reader state only through `&mut Consumer`; neither handle can
//! be cloned, so each state has one user. Slot `i` is written by the
//! producer before the release in `flush` that publishes `i`, and read by
//! the consumer only after an acquire of a committed count above `i`.
//! Chunk links are published the same way. A chunk is recycled (through
//! `spare`) or freed only after the consumer moved past all its slots, at
//! which point the producer has already moved to a later chunk.

use std::cell::UnsafeCell;
use std::mem::MaybeUninit;
use std::ptr;
use std::sync::atomic::{AtomicPtr, AtomicU64, Ordering};
use std::sync::Arc;

/// Items per chunk: small enough that an idle pipe or mailbox costs little
/// (a chunk is allocated up front), large enough that a busy one allocates
/// rarely (retired chunks are reused through `spare`).
const CHUNK: u64 = 64;
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

struct WriterState<T> {
    tail: *mut Chunk<T>,
    written: u64,
    flushed: u64,
}

struct ReaderState<T> {
    head: *mut Chunk<T>,
    read: u64,
    available: u64,
}

struct Core<T> {
    /// Items published so far, or ASLEEP.
    committed: AtomicU64,
    /// One retired chunk kept for the writer to reuse.
    spare: AtomicPtr<Chunk<T>>,
    w: UnsafeCell<WriterState<T>>,
    r: UnsafeCell<ReaderState<T>>,
}

// SAFETY: see the module doc: each UnsafeCell has exactly one user (the
// unique Producer or Consumer), and slot hand-over is ordered by
// `committed` (release/acquire). Items cross threads, hence `T: Send`.
unsafe impl<T: Send> Send for Core<T> {}
unsafe impl<T: Send> Sync for Core<T> {}

pub struct Producer<T> {
    core: Arc<Core<T>>,
}

pub struct Consumer<T> {
    core: Arc<Core<T>>,
}

/// A new, empty queue.
pub fn channel<T>() -> (Producer<T>, Consumer<T>) {
    let first = Chunk::alloc();
    let core = Arc::new(Core {
        committed: AtomicU64::new(0),
        spare: AtomicPtr::new(ptr::null_mut()),
        w: UnsafeCell::new(WriterState { tail: first, written: 0, flushed: 0 }),
        r: UnsafeCell::new(ReaderState { head: first, read: 0, available: 0 }),
    });
    (Producer { core: core.clone() }, Consumer { core })
}

impl<T> Producer<T> {
    /// Appends an item, invisible to the reader until `flush`.
    pub fn push(&mut self, item: T) {
        let core = &*self.core;
        // SAFETY: only this (unique) producer touches the writer state.
        let w = unsafe { &mut *core.w.get() };
        let idx = w.written % CHUNK;
        if idx == 0 && w.written != 0 {
            let spare = core.spare.swap(ptr::null_mut(), Ordering::Acquire);
            let next = if spare.is_null() {
                Chunk::alloc()
            } else {
                // SAFETY: a spare chunk is owned by whoever took it out.
                unsafe { (*spare).next.store(ptr::null_mut(), Ordering::Relaxed) };
                spare
            };
            // SAFETY: the tail chunk stays alive until the reader retires it,
            // which cannot happen before it reads the item we are about to write.
            unsafe { (*w.tail).next.store(next, Ordering::Release) };
            w.tail = next;
        }
        // SAFETY: slot `written` is beyond what the reader may read.
        unsafe { (*(*w.tail).slots[idx as usize].get()).write(item) };
        w.written += 1;
    }

    /// Publishes everything pushed. Returns false when the reader was
    /// asleep: the caller must wake it.
    pub fn flush(&mut self) -> bool {
        let core = &*self.core;
        // SAFETY: only this producer touches the writer state.
        let w = unsafe { &mut *core.w.get() };
        if w.written == w.flushed {
            return true;
        }
        let awake = match core.committed.compare_exchange(w.flushed, w.written, Ordering::AcqRel, Ordering::Acquire) {
            Ok(_) => true,
            Err(_) => {
                // The reader marked itself asleep; only it writes ASLEEP, and
                // it waits for us now, so a plain store is enough.
                core.committed.store(w.written, Ordering::Release);
                false
            }
        };
        w.flushed = w.written;
        awake
    }
}

impl<T> Consumer<T> {
    /// True when an item is available; when not, the reader is marked
    /// asleep (the next flush will report it).
    pub fn check_read(&mut self) -> bool {
        let core = &*self.core;
        // SAFETY: only this (unique) consumer touches the reader state.
        let r = unsafe { &mut *core.r.get() };
        if r.read < r.available {
            return true;
        }
        match core.committed.compare_exchange(r.read, ASLEEP, Ordering::AcqRel, Ordering::Acquire) {
            Ok(_) => false,
            Err(ASLEEP) => false,
            Err(v) => {
                r.available = v;
                true
            }
        }
    }

    /// Takes the next item, if one was published.
    pub fn pop(&mut self) -> Option<T> {
        if !self.check_read() {
            return None;
        }
        let core = &*self.core;
        // SAFETY: only this consumer touches the reader state.
        let r = unsafe { &mut *core.r.get() };
        let idx = r.read % CHUNK;
        if idx == 0 && r.read != 0 {
            let old = r.head;
            // SAFETY: the link was published before the item we now read.
            r.head = unsafe { (*old).next.load(Ordering::Acquire) };
            let prev = core.spare.swap(old, Ordering::AcqRel);
            if !prev.is_null() {
                // SAFETY: a retired chunk nobody else references.
                unsafe { drop(Box::from_raw(prev)) };
            }
        }
        // SAFETY: slot `read` was written and published (read < available).
        let item = unsafe { (*(*r.head).slots[idx as usize].get()).assume_init_read() };
        r.read += 1;
        Some(item)
    }
}

impl<T> Drop for Core<T> {
    fn drop(&mut self) {
        // Both handles are gone: we have exclusive access to everything.
        let w = self.w.get_mut();
        let r = self.r.get_mut();
        let mut cur = r.head;
        // The head chunk holds items from `base` on (the reader moves to the
        // next chunk lazily, when it reads that chunk's first item).
        let mut base = if r.read == 0 { 0 } else { ((r.read - 1) / CHUNK) * CHUNK };
        let mut pos = r.read;
        while pos < w.written {
            while pos >= base + CHUNK {
                // SAFETY: the chain from head reaches every written slot.
                cur = unsafe { (*cur).next.load(Ordering::Relaxed) };
                base += CHUNK;
            }
            // SAFETY: slot `pos` holds an item nobody read.
            unsafe { (*(*cur).slots[(pos - base) as usize].get()).assume_init_drop() };
            pos += 1;
        }
        let mut c = r.head;
        while !c.is_null() {
            // SAFETY: each chunk of the chain is freed once.
            let next = unsafe { (*c).next.load(Ordering::Relaxed) };
            unsafe { drop(Box::from_raw(c)) };
            c = next;
        }
        let spare = *self.spare.get_mut();
        if !spare.is_null() {
            // SAFETY: the spare chunk is not part of the chain any more.
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
