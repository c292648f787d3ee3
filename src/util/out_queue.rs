//! A write queue for `writev`: bytes in order, small writes coalesced into
//! one tail buffer, large payloads kept as their own shared segments so
//! they are never copied.
//!
//! Owns: the queued bytes and the count of them. Must not: know about
//! frames or sockets; the engines (ZMTP's encoder, the raw STREAM engine)
//! decide what goes in, the session's write loop takes it out.

use bytes::{Buf, Bytes, BytesMut};
use std::collections::VecDeque;
use std::io::IoSlice;

#[derive(Debug, Default)]
pub struct OutQueue {
    /// Earlier output, in order, before `tail`.
    segments: VecDeque<Bytes>,
    /// Bytes in `segments`.
    segments_len: usize,
    /// Coalescing buffer for small writes (always last).
    tail: BytesMut,
}

impl OutQueue {
    pub fn new() -> OutQueue {
        OutQueue::default()
    }

    /// The coalescing buffer, to append small writes (headers, bodies
    /// below the caller's zero-copy threshold) in place.
    #[inline]
    pub fn tail(&mut self) -> &mut BytesMut {
        &mut self.tail
    }

    /// Queues `data` as its own segment (no copy), after everything queued.
    pub fn push_segment(&mut self, data: Bytes) {
        if !self.tail.is_empty() {
            let t = self.tail.split().freeze();
            self.segments_len += t.len();
            self.segments.push_back(t);
        }
        self.segments_len += data.len();
        self.segments.push_back(data);
    }

    /// Total bytes queued.
    #[inline]
    pub fn len(&self) -> usize {
        self.segments_len + self.tail.len()
    }

    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Fills `dst` with the queued output in order; returns how many slices
    /// were filled. Pass what was written to [`OutQueue::advance`].
    pub fn io_slices<'a>(&'a self, dst: &mut [IoSlice<'a>]) -> usize {
        let mut i = 0;
        for s in self.segments.iter().map(|s| &s[..]).chain(std::iter::once(&self.tail[..])) {
            if i == dst.len() {
                break;
            }
            if !s.is_empty() {
                dst[i] = IoSlice::new(s);
                i += 1;
            }
        }
        i
    }

    /// Drops the first `n` queued bytes (they were written). An idle queue
    /// keeps no buffer.
    pub fn advance(&mut self, mut n: usize) {
        while n > 0 {
            match self.segments.front_mut() {
                Some(front) => {
                    let k = n.min(front.len());
                    front.advance(k);
                    self.segments_len -= k;
                    n -= k;
                    if front.is_empty() {
                        self.segments.pop_front();
                    }
                }
                None => {
                    let k = n.min(self.tail.len());
                    self.tail.advance(k);
                    break;
                }
            }
        }
        if self.is_empty() && self.tail.capacity() > 0 {
            self.tail = BytesMut::new();
        }
    }

    /// Takes everything queued, as segments in order.
    pub fn take_segments(&mut self) -> Vec<Bytes> {
        let mut v: Vec<Bytes> = self.segments.drain(..).collect();
        self.segments_len = 0;
        if !self.tail.is_empty() {
            v.push(self.tail.split().freeze());
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drain(q: &mut OutQueue, step: usize) -> Vec<u8> {
        let mut out = Vec::new();
        while !q.is_empty() {
            let mut sl = [IoSlice::new(&[]); 4];
            let n = q.io_slices(&mut sl);
            let mut take = step;
            let mut written = 0;
            for s in &sl[..n] {
                let k = take.min(s.len());
                out.extend_from_slice(&s[..k]);
                written += k;
                take -= k;
                if take == 0 {
                    break;
                }
            }
            q.advance(written);
        }
        out
    }

    #[test]
    fn order_and_length_survive_partial_writes() {
        for step in [1, 3, 7, 100, 10_000] {
            let mut q = OutQueue::new();
            let mut want = Vec::new();
            for i in 0..20u8 {
                if i % 3 == 0 {
                    let big = vec![i; 500];
                    want.extend_from_slice(&big);
                    q.push_segment(Bytes::from(big));
                } else {
                    q.tail().extend_from_slice(&[i; 5]);
                    want.extend_from_slice(&[i; 5]);
                }
                assert_eq!(q.len(), want.len());
            }
            assert_eq!(drain(&mut q, step), want, "step {step}");
            assert_eq!(q.len(), 0);
            assert_eq!(q.tail().capacity(), 0);
        }
    }

    #[test]
    fn take_segments_empties_the_queue() {
        let mut q = OutQueue::new();
        q.tail().extend_from_slice(b"ab");
        q.push_segment(Bytes::from_static(b"cd"));
        q.tail().extend_from_slice(b"ef");
        let v: Vec<u8> = q.take_segments().concat();
        assert_eq!(v, b"abcdef");
        assert!(q.is_empty());
    }
}
