//! Deterministic fuzzing without cargo-fuzz: random and mutated inputs from a
//! fixed-seed PRNG through every entry point; the test fails on any panic.
//! (`fuzz/` has the libFuzzer targets for nightly.)

use super as fuzz_entry;

/// xorshift64*: small, fast, reproducible.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Valid-looking seeds so that mutations reach deep states.
fn seeds() -> Vec<Vec<u8>> {
    let mut g = b"\xff\x00\x00\x00\x00\x00\x00\x00\x01\x7f\x03\x01NULL".to_vec();
    g.extend_from_slice(&[0; 16 + 32]);
    let mut s1 = g.clone();
    s1.extend_from_slice(b"\x04\x19\x05READY\x0bSocket-Type\x00\x00\x00\x06ROUTER");
    s1.extend_from_slice(b"\x01\x02hi\x02\x00\x00\x00\x00\x00\x00\x00\x03abc\x04\x07\x04PING\x00\x1e\x04\x0e\x09SUBSCRIBEtop");
    let mut s2 = g.clone();
    s2.extend_from_slice(
        b"\x04\x16\x05READY\x0bSocket-Type\x00\x00\x00\x03SUB\x04\x0c\x06CANCELtopic",
    );
    vec![
        s1,
        s2,
        b"\xff\x00\x00\x00\x00\x00\x00\x00\x01\x7f\x01\x06\x00\x00\x01\x02hi\x00\x01x".to_vec(),
        b"\x03\x00hi\x04\x00abc\xff\x00\x00\x00\x00\x00\x00\x00\x05\x01abcd".to_vec(),
        b"\x0bSocket-Type\x00\x00\x00\x06DEALER\x08Identity\x00\x00\x00\x03abc".to_vec(),
    ]
}

fn mutate(rng: &mut Rng, mut v: Vec<u8>) -> Vec<u8> {
    for _ in 0..1 + rng.below(4) {
        match rng.below(6) {
            0 if !v.is_empty() => {
                let i = rng.below(v.len());
                v[i] = rng.next() as u8;
            }
            1 if !v.is_empty() => {
                let i = rng.below(v.len());
                v[i] ^= 1 << rng.below(8);
            }
            2 => {
                let i = rng.below(v.len() + 1);
                v.insert(i, [0u8, 0xFF, 0x7F, 0x04, 0x02, 0x01][rng.below(6)]);
            }
            3 if !v.is_empty() => {
                let i = rng.below(v.len());
                v.remove(i);
            }
            4 => {
                let n = rng.below(v.len() + 1);
                v.truncate(n);
            }
            _ => {
                let n = rng.below(16);
                v.extend((0..n).map(|_| rng.next() as u8));
            }
        }
    }
    v
}

#[test]
fn no_panic_on_100k_random_and_mutated_inputs() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let seeds = seeds();
    for i in 0..100_000 {
        let input = if i % 4 == 0 {
            let n = rng.below(200);
            (0..n).map(|_| rng.next() as u8).collect()
        } else {
            let s = seeds[rng.below(seeds.len())].clone();
            mutate(&mut rng, s)
        };
        fuzz_entry::decoder(&input);
        if i % 4 != 3 {
            fuzz_entry::connection(&input);
        }
    }
}

/// Scripts for `fuzz_entry::pair`: every socket-type pair, multipart
/// messages, subscriptions, a DISH's JOIN and LEAVE, pings and
/// byte-by-byte delivery.
fn pair_seeds() -> Vec<Vec<u8>> {
    (0u8..8)
        .map(|kind| {
            let mut s = vec![kind, 0x07, 0x07, 0x07, 0x07];
            s.extend_from_slice(&[0x08, 3, b'a', b'b', b'c', 0x00, 2, 1, b't']); // A: 2 frames
            s.extend_from_slice(&[0x03, 0, 0x04, 0, 0x13, 40, 0x24, 100]); // partial deliveries
            s.extend_from_slice(&[0x07, 0x02, 4, 0, b'x', b'y', b'z', 0x05, 0x06, 0x07]);
            s.extend_from_slice(&[0x0A, 1, 1, 0x02, 0, 0x10, 1, b'g', 0x30, 0, 0x00, 200]);
            s.extend(std::iter::repeat_n(b'q', 200));
            s
        })
        .collect()
}

#[test]
fn pair_scripts_deliver_exactly_what_was_sent() {
    for s in pair_seeds() {
        assert_eq!(fuzz_entry::pair(&s), 8, "seed {s:?}");
    }
    let mut rng = Rng(0x5DEE_CE66_D1CE_4E5B);
    let seeds = pair_seeds();
    for i in 0..20_000 {
        let input = if i % 3 == 0 {
            let n = rng.below(300);
            (0..n).map(|_| rng.next() as u8).collect()
        } else {
            let seed = seeds[rng.below(seeds.len())].clone();
            mutate(&mut rng, seed)
        };
        fuzz_entry::pair(&input);
    }
}

/// Scripts for `fuzz_entry::handshake_pair`: each mechanism, undisturbed
/// (must succeed), byte by byte, with PINGs over time.
fn handshake_seeds() -> Vec<Vec<u8>> {
    let mut v = Vec::new();
    for sel in 0u8..5 {
        let mut s = vec![sel];
        for _ in 0..4 {
            s.extend_from_slice(&[0x07, 0x00]);
        }
        s.extend_from_slice(&[0x05, 0x00, 0x05, 0x01, 0x05, 0x02, 0x07, 0x00, 0x07, 0x00]);
        s.extend_from_slice(&[0x06, 60, 0x07, 0, 0x06, 60, 0x07, 0]);
        v.push(s);
        let mut slow = vec![sel];
        for _ in 0..300 {
            slow.extend_from_slice(&[0x00, 0x00, 0x01, 0x00]);
        }
        v.push(slow);
    }
    v
}

#[test]
fn handshakes_survive_tampering_and_succeed_without() {
    for s in handshake_seeds() {
        assert!(fuzz_entry::handshake_pair(&s), "seed {s:?} was not checked to the end");
    }
    let mut rng = Rng(0xA076_1D64_78BD_642F);
    let seeds = handshake_seeds();
    for i in 0..3_000 {
        let input = if i % 3 == 0 {
            let n = rng.below(200);
            (0..n).map(|_| rng.next() as u8).collect()
        } else {
            let seed = seeds[rng.below(seeds.len())].clone();
            mutate(&mut rng, seed)
        };
        fuzz_entry::handshake_pair(&input);
        fuzz_entry::handshake_server(&input);
    }
}

#[test]
fn tries_match_a_plain_model() {
    let mut rng = Rng(0xE703_7ED1_A0B4_28DB);
    for _ in 0..3_000 {
        let n = rng.below(400);
        let input: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
        fuzz_entry::trie(&input);
    }
}

/// Inputs for the DRAFT entry points: random bytes and mutations of a few
/// scripts that join, send, leave and replace peers.
fn draft_inputs(seed: u64, count: usize, seeds: &[Vec<u8>], mut each: impl FnMut(&[u8])) {
    let mut rng = Rng(seed);
    for s in seeds {
        each(s);
    }
    for i in 0..count {
        let input = if i % 3 == 0 || seeds.is_empty() {
            let n = rng.below(300);
            (0..n).map(|_| rng.next() as u8).collect()
        } else {
            let s = seeds[rng.below(seeds.len())].clone();
            mutate(&mut rng, s)
        };
        each(&input);
    }
}

#[test]
fn udp_datagrams_round_trip() {
    let seeds = [
        b"\x04newshello".to_vec(),
        b"\x01ahi".to_vec(),
        b"\x00".to_vec(),
        b"\x05abc".to_vec(),
        vec![],
        [&[0xFFu8][..], &[b'g'; 300][..]].concat(),
    ];
    draft_inputs(0x2F0B_3C11_77E1_9A05, 20_000, &seeds, fuzz_entry::udp_datagram);
}

#[test]
fn radio_group_table_matches_a_model() {
    let seeds = [
        // Peer 0 joins "a"; peer 1 joins "" and "b"; a message to each;
        // peer 0 leaves, is replaced; near misses; a data message.
        vec![0x00, 1, 0, 0x08, 0, 0x08, 1, 1, 0x03, 1, 0, 2, b'x', b'y', 0x0B, 0, 0, 0x01, 1, 0],
        vec![0x00, 1, 0, 0x0C, 0x22, 1, 1, 3, 1, 2, 3, 0x62, 1, 0, 0, 0x05, 2, b'h', b'i', 0, 0x03, 1, 0, 0],
        vec![0x10, 0xFE, 0x13, 0xFE, 0, 0x10, 0xFF, 0x13, 0xFF, 0, 0x83, 1, 0, 0],
    ];
    draft_inputs(0x8C3A_5D0E_21F4_6B97, 10_000, &seeds, fuzz_entry::radio);
}

#[test]
fn dish_delivers_what_a_model_says() {
    let seeds = [
        // Join "a"; peer 0 sends to "a" (2 frames), peer 1 to "b", a lone
        // frame, three frames; receive; leave; hiccup; replace a peer.
        vec![0x00, 1, 0, 0x42, 1, 0, 2, b'h', b'i', 0x4A, 1, 1, 0, 0x02, 1, 0, 0x82, 1, 0, 0, 0, 0x05],
        vec![0x00, 0, 0x40, 0, 0, 0x07, 0x0E, 0x01, 0, 0x42, 0, 0, 0x01, 1, 0, 0x00, 0xFE, 0x00, 0xFF],
    ];
    draft_inputs(0x41C6_4E6D_3035_9F1B, 10_000, &seeds, fuzz_entry::dish);
}

#[test]
fn single_part_types_deliver_single_frames_in_order() {
    // Each type: single frames and multipart from each peer, receive,
    // replies, a peer replaced.
    let seeds: Vec<Vec<u8>> = (0u8..6)
        .map(|t| vec![t, 0x00, 1, b'a', 0x48, 0, 0x90, 0, 0x08, 0, 0x03, 0x07, 2, b'r', b'e', 0x0F, 0, 0x0D, 0x10, 0, 0x03])
        .collect();
    draft_inputs(0x6A09_E667_F3BC_C908, 10_000, &seeds, fuzz_entry::single_part);
}
