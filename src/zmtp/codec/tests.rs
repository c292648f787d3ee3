//! Framing round trips, hostile lengths and split reads.

use super::decoder::PREALLOC_CAP;
use super::*;
use bytes::Bytes;
use std::io::IoSlice;
use crate::msg::Msg;
use crate::zmtp::error::ProtocolError;
use bytes::BytesMut;

fn msg(data: &[u8], more: bool) -> Msg {
    let mut m = Msg::from_slice(data);
    m.set_more(more);
    m
}

fn decode_all(d: &mut Decoder, bytes: &[u8]) -> Result<Vec<Msg>, ProtocolError> {
    let mut v = Vec::new();
    d.decode_all(&mut BytesMut::from(bytes), &mut v)?;
    Ok(v)
}

#[test]
fn v3_byte_exact_from_libzmq_capture() {
    // libzmq 4.3.4 DEALER sending ["hi", 300 x 'x'].
    let mut e = Encoder::new(Framing::V3);
    e.encode(&msg(b"hi", true));
    e.encode(&msg(&[b'x'; 300], false));
    let out = e.take_contiguous();
    let mut expect = b"\x01\x02hi\x02\x00\x00\x00\x00\x00\x00\x01\x2c".to_vec();
    expect.extend_from_slice(&[b'x'; 300]);
    assert_eq!(out, expect);
    let mut d = Decoder::new(Framing::V3, -1);
    let v = decode_all(&mut d, &out).unwrap();
    assert_eq!(v.len(), 2);
    assert!(v[0].more() && !v[1].more());
    assert_eq!(v[0].data(), b"hi");
    assert_eq!(v[1].data(), &[b'x'; 300][..]);
}

#[test]
fn command_frames() {
    let mut d = Decoder::new(Framing::V3, -1);
    let v = decode_all(&mut d, b"\x04\x07\x04PING\x00\x1e").unwrap();
    assert!(v[0].is_command() && !v[0].more());
    let mut e = Encoder::new(Framing::V3);
    e.encode(&v[0]);
    assert_eq!(e.take_contiguous(), b"\x04\x07\x04PING\x00\x1e");
    // As libzmq's decoder: COMMAND means nothing to 2.0 peers, reserved
    // bits are ignored, and a command's MORE bit too.
    let mut d = Decoder::new(Framing::V2, -1);
    let v = decode_all(&mut d, b"\x04\x01A").unwrap();
    assert!(!v[0].is_command() && !v[0].more() && v[0].data() == b"A");
    let mut d = Decoder::new(Framing::V3, -1);
    let v = decode_all(&mut d, b"\x05\x00").unwrap();
    assert!(v[0].is_command() && !v[0].more());
    let mut d = Decoder::new(Framing::V3, -1);
    let v = decode_all(&mut d, b"\xf9\x01A\x40\x01B").unwrap();
    assert!(v[0].more() && !v[0].is_command() && v[0].data() == b"A");
    assert!(!v[1].more() && v[1].data() == b"B");
}

#[test]
fn v1_framing_round_trip() {
    let mut e = Encoder::new(Framing::V1);
    e.encode(&msg(b"abc", true));
    e.encode(&msg(&[7u8; 254], false));
    let out = e.take_contiguous();
    assert_eq!(&out[..5], b"\x04\x01abc");
    assert_eq!(&out[5..15], b"\xff\x00\x00\x00\x00\x00\x00\x00\xff\x00");
    let mut d = Decoder::new(Framing::V1, -1);
    let v = decode_all(&mut d, &out).unwrap();
    assert_eq!(v.len(), 2);
    assert!(v[0].more());
    assert_eq!(v[1].len(), 254);
    let mut d = Decoder::new(Framing::V1, -1);
    assert_eq!(
        decode_all(&mut d, b"\x00").unwrap_err(),
        ProtocolError::ZeroLengthV1Frame
    );
}

#[test]
fn sizes_are_checked_before_any_allocation() {
    let mut d = Decoder::new(Framing::V3, -1);
    let r = decode_all(&mut d, b"\x02\x80\x00\x00\x00\x00\x00\x00\x00");
    assert_eq!(r.unwrap_err(), ProtocolError::FrameTooLarge(1 << 63));
    // Lengths no machine could hold close the connection at once
    // (tests/hostile_input.rs sends these over TCP).
    for (hdr, len) in [
        (
            &b"\x02\x7f\xff\xff\xff\xff\xff\xff\xff"[..],
            i64::MAX as u64,
        ),
        (&b"\x02\xff\xff\xff\xff\xff\xff\xff\xff"[..], u64::MAX),
        (&b"\x02\x01\x00\x00\x00\x00\x00\x00\x01"[..], (1 << 56) + 1),
    ] {
        let mut d = Decoder::new(Framing::V3, -1);
        assert_eq!(
            decode_all(&mut d, hdr).unwrap_err(),
            ProtocolError::FrameTooLarge(len)
        );
        if len - 1 <= MAX_FRAME_SIZE {
            continue;
        }
        let mut v1 = vec![0xFF];
        v1.extend_from_slice(&hdr[1..]);
        v1.push(0);
        let mut d = Decoder::new(Framing::V1, -1);
        assert_eq!(
            decode_all(&mut d, &v1).unwrap_err(),
            ProtocolError::FrameTooLarge(len - 1)
        );
    }
    let mut d = Decoder::new(Framing::V3, -1);
    assert!(decode_all(&mut d, b"\x02\x01\x00\x00\x00\x00\x00\x00\x00")
        .unwrap()
        .is_empty());
    let mut d = Decoder::new(Framing::V3, 10);
    assert_eq!(
        decode_all(&mut d, b"\x00\x0b").unwrap_err(),
        ProtocolError::MessageTooLarge(11)
    );
    let mut d = Decoder::new(Framing::V3, 10);
    assert_eq!(decode_all(&mut d, b"\x00\x0a0123456789").unwrap().len(), 1);
    // A huge (allowed) declared size with few bytes: at most the capped
    // reservation is made up front, never the declared size.
    let mut d = Decoder::new(Framing::V3, -1);
    let mut input = BytesMut::from(&b"\x02\x00\x00\x00\x10\x00\x00\x00\x00abc"[..]);
    assert!(d.decode(&mut input).unwrap().is_none());
    assert!(d.pooled.as_ref().unwrap().capacity() <= PREALLOC_CAP);
    assert_eq!(d.body_remaining(), Some((1usize << 36) - 3));
}

#[test]
fn split_at_every_position_and_zero_copy() {
    let mut e = Encoder::new(Framing::V3);
    e.encode(&msg(b"", true));
    e.encode(&msg(&[1u8; 40], true));
    e.encode(&msg(&[2u8; 10000], false));
    let wire = e.take_contiguous();
    for cut in 0..wire.len() {
        let mut d = Decoder::new(Framing::V3, -1);
        let mut v = Vec::new();
        d.decode_all(&mut BytesMut::from(&wire[..cut]), &mut v)
            .unwrap();
        d.decode_all(&mut BytesMut::from(&wire[cut..]), &mut v)
            .unwrap();
        assert_eq!(v.len(), 3, "cut {cut}");
        assert_eq!(v[2].data(), &[2u8; 10000][..]);
        assert!(d.at_frame_boundary());
    }
    // Whole body in the chunk: the message shares the read buffer.
    let mut input = BytesMut::from(&wire[..]);
    let base = input.as_ptr() as usize;
    let mut d = Decoder::new(Framing::V3, -1);
    let mut v = Vec::new();
    d.decode_all(&mut input, &mut v).unwrap();
    let p = v[2].data().as_ptr() as usize;
    assert!(p >= base && p < base + wire.len(), "large body was copied");
}

/// What a direct read does: write at most `chunk` bytes of `src` at
/// the front of the target.
fn direct_fill(d: &mut Decoder, src: &mut &[u8], chunk: usize) -> bool {
    let limit = d.body_remaining().unwrap_or(0);
    let Some(buf) = d.body_target() else { return false };
    assert!(!buf.is_empty() && buf.len() <= limit);
    let n = chunk.min(buf.len()).min(src.len());
    buf[..n].copy_from_slice(&src[..n]);
    d.body_filled_by(n);
    *src = &src[n..];
    true
}

#[test]
fn direct_body_reads() {
    let body: Vec<u8> = (0..3_000_000u32).map(|i| i as u8).collect();
    let mut e = Encoder::new(Framing::V3);
    e.encode(&msg(&body, true));
    e.encode(&msg(b"tail", false));
    let wire = e.take_contiguous();
    let mut d = Decoder::new(Framing::V3, -1);
    // Header and a little body through the ordinary path.
    let mut first = BytesMut::from(&wire[..100]);
    assert!(d.decode(&mut first).unwrap().is_none());
    let mut rest = &wire[100..];
    let mut got = None;
    while direct_fill(&mut d, &mut rest, 200_000) {
        let p = d.pooled.as_ref().unwrap();
        assert!(p.capacity() <= (p.len() * 2).max(PREALLOC_CAP));
        if let Some(m) = d.finish_body() {
            got = Some(m);
            break;
        }
    }
    // The whole body went in directly; what follows goes through the
    // ordinary path.
    let mut v = vec![got.expect("body completed by direct reads")];
    d.decode_all(&mut BytesMut::from(rest), &mut v).unwrap();
    assert_eq!(v.len(), 2);
    assert!(v[0].more() && v[0].data() == &body[..]);
    assert_eq!(v[1].data(), b"tail");
    assert!(d.at_frame_boundary() && d.body_target().is_none());
    assert!(d.finish_body().is_none());
    // A huge announced frame with few bytes: no reservation beyond the
    // cap, however often the target is asked for.
    let mut d = Decoder::new(Framing::V3, -1);
    let mut input = BytesMut::from(&b"\x02\x00\x00\x00\x10\x00\x00\x00\x00abc"[..]);
    assert!(d.decode(&mut input).unwrap().is_none());
    for _ in 0..3 {
        assert!(d.body_target().unwrap().len() <= PREALLOC_CAP);
        assert!(d.pooled.as_ref().unwrap().capacity() <= PREALLOC_CAP);
    }
    assert!(d.finish_body().is_none());
}

#[test]
fn large_bodies_through_decode_are_pooled_and_grow_with_input() {
    let body: Vec<u8> = (0..2_500_000u32).map(|i| (i * 7) as u8).collect();
    let mut e = Encoder::new(Framing::V3);
    e.encode(&msg(&body, false));
    e.encode(&msg(&[5u8; 20_000], false));
    let wire = e.take_contiguous();
    let mut d = Decoder::new(Framing::V3, -1);
    let mut v = Vec::new();
    for chunk in wire.chunks(100_003) {
        d.decode_all(&mut BytesMut::from(chunk), &mut v).unwrap();
        if let Some(p) = d.pooled.as_ref() {
            assert!(p.capacity() <= (2 * p.len()).max(PREALLOC_CAP));
        }
    }
    assert_eq!(v.len(), 2);
    assert_eq!(v[0].data(), &body[..]);
    assert_eq!(v[1].data(), &[5u8; 20_000][..]);
    assert!(d.at_frame_boundary() && d.pooled.is_none());
}

#[test]
fn encoder_segments_and_advance() {
    let mut e = Encoder::new(Framing::V3);
    let big = Bytes::from(vec![9u8; 20000]);
    e.encode(&msg(b"a", false));
    let mut m = Msg::from_bytes(big.clone());
    m.set_more(false);
    e.encode(&m);
    e.encode(&msg(b"b", false));
    let mut sl = [IoSlice::new(&[]); 8];
    let n = e.io_slices(&mut sl);
    assert_eq!(n, 3);
    assert_eq!(sl[1].as_ptr(), big.as_ptr(), "large body not copied");
    let total = e.len();
    assert_eq!(total, 3 + 9 + 20000 + 3);
    e.advance(5);
    e.advance(20000);
    let rest = e.take_contiguous();
    assert_eq!(rest.len(), total - 20005);
    assert_eq!(&rest[rest.len() - 3..], b"\x00\x01b");
}
