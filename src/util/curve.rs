//! CURVE's cryptography, on libsodium (the library libzmq itself uses):
//! X25519 keys behind `zmq_curve_keypair` and `zmq_curve_public` (given and
//! returned as 40 characters of Z85), NaCl's `crypto_box` and
//! `crypto_secretbox` (tag first, as NaCl lays them out on the wire) for the
//! handshake, and `BoxKey`, a connection's precomputed shared key, which
//! seals and opens every message in place with no per-message key exchange.
//!
//! Owns: calls into libsodium and the random source. Must not: touch C
//! pointers of the API or errno, or implement the CURVE handshake (that is
//! the mechanism's job). No cryptography is written here: every primitive
//! is libsodium's (see perf/README.md for how it was chosen).

use super::z85;
use crate::error::{ZResult, EINVAL, EIO};
use libsodium_sys as sodium;
use zeroize::Zeroize;

/// Length of a binary CURVE key.
pub const KEY_LEN: usize = 32;
/// Length of a CURVE key in Z85 text (without the terminating NUL).
pub const Z85_KEY_LEN: usize = 40;
/// Length of a box's authentication tag.
pub const TAG_LEN: usize = 16;

/// Initialises libsodium once (it picks its fastest code for this CPU).
fn init() {
    static INIT: std::sync::Once = std::sync::Once::new();
    INIT.call_once(|| {
        // SAFETY: sodium_init may be called any number of times from any
        // thread; -1 only means it could not set up its own random
        // source, which nothing here uses (keys come from `random`).
        unsafe { sodium::sodium_init() };
    });
}

/// Derives the public key for a binary secret key (clamping as X25519 does,
/// so any 32 bytes are a valid secret, as with libsodium).
pub fn public_from_secret(secret: [u8; KEY_LEN]) -> [u8; KEY_LEN] {
    init();
    let mut public = [0u8; KEY_LEN];
    // SAFETY: both buffers are 32 bytes (crypto_scalarmult_BYTES and
    // _SCALARBYTES). Base-point multiplication cannot fail.
    unsafe { sodium::crypto_scalarmult_base(public.as_mut_ptr(), secret.as_ptr()) };
    public
}

/// Generates a new key pair: `(public, secret)` as binary keys. The secret
/// is 32 bytes from the operating system's random source, stored unclamped.
pub fn keypair() -> ZResult<([u8; KEY_LEN], [u8; KEY_LEN])> {
    // libzmq returns -1 when its random source fails; EIO says why.
    let secret: [u8; KEY_LEN] = random().map_err(|_| EIO)?;
    Ok((public_from_secret(secret), secret))
}

/// Generates a new key pair as Z85 text: `(public, secret)`.
pub fn keypair_z85() -> ZResult<(String, String)> {
    let (public, secret) = keypair()?;
    Ok((encode_key(&public), encode_key(&secret)))
}

/// Derives the Z85 public key from a Z85 secret key; EINVAL unless the
/// secret is exactly 40 valid Z85 characters.
pub fn public_z85(secret_z85: &[u8]) -> ZResult<String> {
    let secret = decode_key(secret_z85).ok_or(EINVAL)?;
    Ok(encode_key(&public_from_secret(secret)))
}

/// Decodes a 40-character Z85 key into its 32 bytes.
pub fn decode_key(text: &[u8]) -> Option<[u8; KEY_LEN]> {
    if text.len() != Z85_KEY_LEN {
        return None;
    }
    z85::decode_bytes(text)?.try_into().ok()
}

/// Encodes a 32-byte key as 40 characters of Z85.
pub fn encode_key(key: &[u8; KEY_LEN]) -> String {
    // A 32-byte input is a multiple of 4, so encoding cannot fail.
    z85::encode(key).unwrap_or_default()
}

/// The shared key of a `crypto_box` between two key pairs
/// (`crypto_box_beforenm`), computed once and wiped when dropped.
pub struct BoxKey([u8; KEY_LEN]);

impl Drop for BoxKey {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl std::fmt::Debug for BoxKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BoxKey(..)")
    }
}

impl BoxKey {
    /// The key between the owner of `secret` and the owner of `public`.
    /// None when `public` is a low-order point (the shared secret would be
    /// zero: libsodium refuses it, and so do we).
    pub fn new(public: &[u8; KEY_LEN], secret: &[u8; KEY_LEN]) -> Option<BoxKey> {
        init();
        let mut k = BoxKey([0; KEY_LEN]);
        // SAFETY: 32-byte output, public and secret keys
        // (crypto_box_BEFORENMBYTES, _PUBLICKEYBYTES, _SECRETKEYBYTES).
        let rc = unsafe { sodium::crypto_box_beforenm(k.0.as_mut_ptr(), public.as_ptr(), secret.as_ptr()) };
        (rc == 0).then_some(k)
    }

    /// Encrypts `buf` in place and writes its tag (`crypto_box` with this
    /// key and `nonce`, detached).
    pub fn seal_in_place(&self, nonce: &[u8; 24], buf: &mut [u8], tag: &mut [u8; TAG_LEN]) {
        let p = buf.as_mut_ptr();
        // SAFETY: `buf` is valid for its length, input and output are the
        // same buffer (libsodium allows in-place), tag is 16 bytes, nonce
        // 24, key 32. It cannot fail with a precomputed key.
        unsafe {
            sodium::crypto_box_detached_afternm(
                p,
                tag.as_mut_ptr(),
                p,
                buf.len() as u64,
                nonce.as_ptr(),
                self.0.as_ptr(),
            )
        };
    }

    /// Decrypts `cipher` into `out` (the same length) if `tag` authenticates
    /// it; false (and `out` unspecified) otherwise.
    pub fn open_into(&self, nonce: &[u8; 24], cipher: &[u8], tag: &[u8; TAG_LEN], out: &mut [u8]) -> bool {
        if out.len() != cipher.len() {
            return false;
        }
        // SAFETY: `cipher` and `out` are valid for `cipher.len()` bytes and
        // do not overlap (one shared, one exclusive borrow); tag, nonce and
        // key have libsodium's sizes.
        let rc = unsafe {
            sodium::crypto_box_open_detached_afternm(
                out.as_mut_ptr(),
                cipher.as_ptr(),
                tag.as_ptr(),
                cipher.len() as u64,
                nonce.as_ptr(),
                self.0.as_ptr(),
            )
        };
        rc == 0
    }

    /// A `crypto_box` of `plain`: the 16-byte tag, then the ciphertext.
    pub fn seal(&self, nonce: &[u8; 24], plain: &[u8]) -> Vec<u8> {
        let mut out = vec![0u8; TAG_LEN + plain.len()];
        out[TAG_LEN..].copy_from_slice(plain);
        let (tag, body) = out.split_at_mut(TAG_LEN);
        let mut t = [0u8; TAG_LEN];
        self.seal_in_place(nonce, body, &mut t);
        tag.copy_from_slice(&t);
        out
    }

    /// Opens a `seal` result; None when it does not authenticate.
    pub fn open(&self, nonce: &[u8; 24], sealed: &[u8]) -> Option<Vec<u8>> {
        let (tag, body) = sealed.split_at_checked(TAG_LEN)?;
        let tag: &[u8; TAG_LEN] = tag.try_into().ok()?;
        let mut out = vec![0u8; body.len()];
        self.open_into(nonce, body, tag, &mut out).then_some(out)
    }
}

/// One direction of a CURVE connection's data phase: `crypto_box` with the
/// connection's shared key and nonces that all begin with the same 16
/// bytes ("CurveZMQMESSAGEC" or "...S"). XSalsa20 derives a subkey from
/// the key and those 16 bytes (HSalsa20) for every box; here it is derived
/// once, and each message runs the rest of libsodium's own
/// `crypto_secretbox_detached` (Salsa20 keyed with the subkey, the first
/// 32 bytes of keystream as the Poly1305 key). Every primitive is
/// libsodium's; the output is byte for byte `BoxKey::seal_in_place`'s
/// (tested for every length up to 300 and larger ones).
pub struct DirectionKey {
    subkey: [u8; KEY_LEN],
    prefix: [u8; 16],
}

impl Drop for DirectionKey {
    fn drop(&mut self) {
        self.subkey.zeroize();
    }
}

impl std::fmt::Debug for DirectionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DirectionKey(..)")
    }
}

/// The Poly1305 key and up to 32 bytes of encrypted message: libsodium's
/// "block 0".
const ZERO_BYTES: usize = 32;

impl DirectionKey {
    /// The key for nonces starting with `prefix`, under `key`.
    pub fn new(key: &BoxKey, prefix: &[u8; 16]) -> DirectionKey {
        init();
        let mut subkey = [0u8; KEY_LEN];
        // SAFETY: 32-byte output and key, 16-byte input; NULL constant
        // selects the standard one (crypto_core_hsalsa20(3)).
        unsafe { sodium::crypto_core_hsalsa20(subkey.as_mut_ptr(), prefix.as_ptr(), key.0.as_ptr(), std::ptr::null()) };
        DirectionKey { subkey, prefix: *prefix }
    }

    /// The nonce prefix this key serves.
    pub fn prefix(&self) -> &[u8; 16] {
        &self.prefix
    }

    /// `out` = `input` XOR the keystream for `short` from block `block` on
    /// (block 1 holds the message's bytes after its first `ZERO_BYTES`).
    fn xor_at(&self, short: &[u8; 8], block: u64, input: &[u8], out: &mut [u8]) {
        debug_assert_eq!(input.len(), out.len());
        let len = input.len().min(out.len());
        if len == 0 {
            return;
        }
        // SAFETY: `input` and `out` are valid for `len` bytes (distinct
        // borrows); 8-byte nonce, 32-byte key.
        unsafe {
            sodium::crypto_stream_salsa20_xor_ic(
                out.as_mut_ptr(),
                input.as_ptr(),
                len as u64,
                short.as_ptr(),
                block,
                self.subkey.as_ptr(),
            )
        };
    }

    /// Block 0 for `short`: the Poly1305 key, then `head` (at most 32
    /// bytes) XORed with the keystream after it.
    fn block0(&self, short: &[u8; 8], head: &[u8]) -> [u8; 64] {
        let mut block0 = [0u8; 64];
        block0[ZERO_BYTES..ZERO_BYTES + head.len()].copy_from_slice(head);
        let p = block0.as_mut_ptr();
        // SAFETY: in place over the 64-byte block0; 8-byte nonce, 32-byte key.
        unsafe {
            sodium::crypto_stream_salsa20_xor_ic(p, p, (ZERO_BYTES + head.len()) as u64, short.as_ptr(), 0, self.subkey.as_ptr())
        };
        block0
    }

    /// Blocks 0 and 1 for `short` in one libsodium call: the Poly1305
    /// key, then `body` (at most `SMALL` bytes) XORed with the keystream
    /// after it. A small box needs no more: one call instead of two.
    fn blocks01(&self, short: &[u8; 8], body: &[u8]) -> [u8; ZERO_BYTES + SMALL] {
        let mut b = [0u8; ZERO_BYTES + SMALL];
        let n = ZERO_BYTES + body.len().min(SMALL);
        b[ZERO_BYTES..n].copy_from_slice(&body[..n - ZERO_BYTES]);
        let p = b.as_mut_ptr();
        // SAFETY: in place over the first `n` (<= 128) bytes of `b`; 8-byte
        // nonce, 32-byte key.
        unsafe { sodium::crypto_stream_salsa20_xor_ic(p, p, n as u64, short.as_ptr(), 0, self.subkey.as_ptr()) };
        b
    }

    /// Encrypts the message `flags` byte + `data` into `out` (one byte
    /// longer than `data`) and writes its tag: `seal_in_place` of that
    /// message, reading `data` where it is instead of copying it first.
    pub fn seal_prefixed(&self, short: &[u8; 8], flags: u8, data: &[u8], out: &mut [u8], tag: &mut [u8; TAG_LEN]) {
        debug_assert_eq!(out.len(), data.len() + 1);
        if out.len() != data.len() + 1 {
            return;
        }
        if out.len() <= SMALL {
            let mut plain = [0u8; SMALL];
            plain[0] = flags;
            plain[1..out.len()].copy_from_slice(data);
            let mut b = self.blocks01(short, &plain[..out.len()]);
            out.copy_from_slice(&b[ZERO_BYTES..ZERO_BYTES + out.len()]);
            *tag = one_shot_mac(&b, out);
            b.zeroize();
            plain.zeroize();
            return;
        }
        let n0 = out.len().min(64 - ZERO_BYTES);
        let mut head = [0u8; 64 - ZERO_BYTES];
        head[0] = flags;
        head[1..n0].copy_from_slice(&data[..n0 - 1]);
        let mut block0 = self.block0(short, &head[..n0]);
        out[..n0].copy_from_slice(&block0[ZERO_BYTES..ZERO_BYTES + n0]);
        let mut mac = Mac::new(&block0);
        block0.zeroize();
        mac.update(&out[..n0]);
        // Chunk by chunk, each MACed while it is still in the cache.
        for (i, (o, d)) in out[n0..].chunks_mut(CHUNK).zip(data[n0 - 1..].chunks(CHUNK)).enumerate() {
            self.xor_at(short, 1 + (i * CHUNK / 64) as u64, d, o);
            mac.update(o);
        }
        *tag = mac.finish();
    }

    /// Decrypts `cipher` into `out` (the same length) if `tag`
    /// authenticates it for the nonce `prefix + short`; false otherwise
    /// (`out` is then cleared: what a forged box decrypts to is never
    /// shown). Chunk by chunk, each MACed and decrypted while it is in the
    /// cache; the verdict comes at the end, before anything is used.
    pub fn open_into(&self, short: &[u8; 8], cipher: &[u8], tag: &[u8; TAG_LEN], out: &mut [u8]) -> bool {
        if out.len() != cipher.len() {
            return false;
        }
        if cipher.len() <= SMALL {
            let mut b = self.blocks01(short, cipher);
            let mut computed = one_shot_mac(&b, cipher);
            // SAFETY: two 16-byte tags; crypto_verify_16 compares in constant time.
            let ok = unsafe { sodium::crypto_verify_16(computed.as_ptr(), tag.as_ptr()) } == 0;
            computed.zeroize();
            if ok {
                out.copy_from_slice(&b[ZERO_BYTES..ZERO_BYTES + cipher.len()]);
            } else {
                out.zeroize();
            }
            b.zeroize();
            return ok;
        }
        let n0 = cipher.len().min(64 - ZERO_BYTES);
        let mut block0 = self.block0(short, &cipher[..n0]);
        out[..n0].copy_from_slice(&block0[ZERO_BYTES..ZERO_BYTES + n0]);
        let mut mac = Mac::new(&block0);
        block0.zeroize();
        mac.update(&cipher[..n0]);
        for (i, (o, c)) in out[n0..].chunks_mut(CHUNK).zip(cipher[n0..].chunks(CHUNK)).enumerate() {
            mac.update(c);
            self.xor_at(short, 1 + (i * CHUNK / 64) as u64, c, o);
        }
        let mut computed = mac.finish();
        // SAFETY: two 16-byte tags; crypto_verify_16 compares in constant time.
        let ok = unsafe { sodium::crypto_verify_16(computed.as_ptr(), tag.as_ptr()) } == 0;
        computed.zeroize();
        if !ok {
            out.zeroize();
        }
        ok
    }
}

/// Bytes encrypted and MACed per step (a multiple of the 64-byte Salsa20
/// block, small enough to stay in the L1/L2 cache between the two).
const CHUNK: usize = 16 * 1024;

/// Boxes up to this long (flags byte included) fit in Salsa20 blocks 0 and
/// 1 after the 32-byte Poly1305 key: one keystream call and a one-shot MAC
/// (64 B messages, the common small case, are 65).
const SMALL: usize = 128 - ZERO_BYTES;

/// Poly1305 of `data` keyed with the first 32 bytes of `key_block`, in one
/// libsodium call (it wipes its own state).
fn one_shot_mac(key_block: &[u8], data: &[u8]) -> [u8; TAG_LEN] {
    let mut tag = [0u8; TAG_LEN];
    debug_assert!(key_block.len() >= 32);
    if key_block.len() < 32 {
        return tag;
    }
    // SAFETY: 16-byte output; `data` valid for its length; the key is the
    // first 32 bytes of `key_block` (checked above).
    unsafe { sodium::crypto_onetimeauth_poly1305(tag.as_mut_ptr(), data.as_ptr(), data.len() as u64, key_block.as_ptr()) };
    tag
}

/// libsodium's incremental Poly1305, wiped when dropped.
struct Mac(sodium::crypto_onetimeauth_poly1305_state);

impl Mac {
    /// Keyed with the first 32 bytes of `block0`.
    fn new(block0: &[u8; 64]) -> Mac {
        // SAFETY: an all-zero state is a valid place for init to write.
        let mut st: sodium::crypto_onetimeauth_poly1305_state = unsafe { std::mem::zeroed() };
        // SAFETY: the state is the aligned type libsodium defines; the key
        // is the 32 bytes at the front of `block0`.
        unsafe { sodium::crypto_onetimeauth_poly1305_init(&mut st, block0.as_ptr()) };
        Mac(st)
    }

    fn update(&mut self, data: &[u8]) {
        // SAFETY: an initialised state; `data` valid for its length.
        unsafe { sodium::crypto_onetimeauth_poly1305_update(&mut self.0, data.as_ptr(), data.len() as u64) };
    }

    fn finish(mut self) -> [u8; TAG_LEN] {
        let mut tag = [0u8; TAG_LEN];
        // SAFETY: an initialised state; 16-byte output.
        unsafe { sodium::crypto_onetimeauth_poly1305_final(&mut self.0, tag.as_mut_ptr()) };
        tag
    }
}

impl Drop for Mac {
    fn drop(&mut self) {
        self.0.opaque.zeroize();
    }
}

/// NaCl `crypto_box` from the owner of `secret` to the owner of `public`:
/// the 16-byte tag then the ciphertext. None for a low-order `public`.
pub fn box_seal(public: &[u8; KEY_LEN], secret: &[u8; KEY_LEN], nonce: &[u8; 24], plain: &[u8]) -> Option<Vec<u8>> {
    Some(BoxKey::new(public, secret)?.seal(nonce, plain))
}

/// Opens a `box_seal` result; None when it does not authenticate.
pub fn box_open(public: &[u8; KEY_LEN], secret: &[u8; KEY_LEN], nonce: &[u8; 24], sealed: &[u8]) -> Option<Vec<u8>> {
    BoxKey::new(public, secret)?.open(nonce, sealed)
}

/// NaCl `crypto_secretbox` with a 32-byte key (tag first).
pub fn secretbox_seal(key: &[u8; KEY_LEN], nonce: &[u8; 24], plain: &[u8]) -> Vec<u8> {
    init();
    let mut out = vec![0u8; TAG_LEN + plain.len()];
    // SAFETY: `out` has room for the tag and the ciphertext
    // (crypto_secretbox_MACBYTES + len); nonce 24, key 32 bytes.
    unsafe {
        sodium::crypto_secretbox_easy(out.as_mut_ptr(), plain.as_ptr(), plain.len() as u64, nonce.as_ptr(), key.as_ptr())
    };
    out
}

/// Opens a `secretbox_seal` result; None when it does not authenticate.
pub fn secretbox_open(key: &[u8; KEY_LEN], nonce: &[u8; 24], sealed: &[u8]) -> Option<Vec<u8>> {
    init();
    let len = sealed.len().checked_sub(TAG_LEN)?;
    let mut out = vec![0u8; len];
    // SAFETY: `sealed` holds the tag and `len` bytes of ciphertext, `out`
    // has room for `len` bytes; nonce 24, key 32 bytes.
    let rc = unsafe {
        sodium::crypto_secretbox_open_easy(
            out.as_mut_ptr(),
            sealed.as_ptr(),
            sealed.len() as u64,
            nonce.as_ptr(),
            key.as_ptr(),
        )
    };
    (rc == 0).then_some(out)
}

/// The operating system could not provide random bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoRandomness;

/// `N` random bytes from the operating system. A failure is an error, never
/// a default: keys and nonces must not become predictable.
pub fn random<const N: usize>() -> Result<[u8; N], NoRandomness> {
    let mut b = [0u8; N];
    fill_random(&mut b)?;
    Ok(b)
}

/// Fills `buf` from the operating system's random source (in unit tests,
/// `fail_random_for_tests` can make it fail).
fn fill_random(buf: &mut [u8]) -> Result<(), NoRandomness> {
    #[cfg(test)]
    if RANDOM_FAILS.with(|f| f.get()) {
        return Err(NoRandomness);
    }
    getrandom::fill(buf).map_err(|_| NoRandomness)
}

#[cfg(test)]
thread_local! {
    static RANDOM_FAILS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Makes the random source fail (true) or work again (false), to test what
/// depends on it (unit tests only; this thread only).
#[cfg(test)]
pub fn fail_random_for_tests(fail: bool) {
    RANDOM_FAILS.with(|f| f.set(fail));
}

#[cfg(test)]
mod tests {
    use super::*;

    // A pair generated by Debian's libzmq 4.3.4 (zmq_curve_keypair, libsodium).
    const LIBZMQ_PUBLIC: &str = "O7}aa-/9v-Z)w*k8X{.soWSk8!#]JWsu3QU3/DEp";
    const LIBZMQ_SECRET: &str = "1ud&*Ce{*S6:fo7B*R&(B9Gyf{M&=zsXxob@^!9>";

    #[test]
    fn public_matches_libzmq() {
        assert_eq!(public_z85(LIBZMQ_SECRET.as_bytes()).unwrap(), LIBZMQ_PUBLIC);
    }

    #[test]
    fn keypair_is_consistent_and_random() {
        let (p1, s1) = keypair_z85().unwrap();
        let (p2, s2) = keypair_z85().unwrap();
        assert_eq!(p1.len(), Z85_KEY_LEN);
        assert_eq!(s1.len(), Z85_KEY_LEN);
        assert_eq!(public_z85(s1.as_bytes()).unwrap(), p1);
        assert_ne!(s1, s2);
        assert_ne!(p1, p2);
    }

    #[test]
    fn boxes_round_trip_and_match_nacl_layout() {
        let (pa, sa) = keypair().unwrap();
        let (pb, sb) = keypair().unwrap();
        let n = [7u8; 24];
        let sealed = box_seal(&pb, &sa, &n, b"hello").unwrap();
        assert_eq!(sealed.len(), 16 + 5);
        assert_eq!(box_open(&pa, &sb, &n, &sealed).as_deref(), Some(&b"hello"[..]));
        let mut bad = sealed.clone();
        bad[0] ^= 1;
        assert_eq!(box_open(&pa, &sb, &n, &bad), None);
        let k = [9u8; 32];
        let s = secretbox_seal(&k, &n, b"cookie");
        assert_eq!(secretbox_open(&k, &n, &s).as_deref(), Some(&b"cookie"[..]));
        assert_eq!(secretbox_open(&[0u8; 32], &n, &s), None);
    }

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
    }

    /// Known answers from Debian's libsodium 1.0.18 (the build libzmq 4.3.4
    /// uses), computed with ctypes for these inputs: ours must agree byte
    /// for byte, in every form we use.
    #[test]
    fn known_answers_from_debian_libsodium() {
        let secret: [u8; 32] = std::array::from_fn(|i| i as u8 + 1);
        let peer_secret: [u8; 32] = std::array::from_fn(|i| i as u8 + 101);
        let peer_public = public_from_secret(peer_secret);
        assert_eq!(peer_public.to_vec(), hex("5714769d116bf76436ae74bc793d2c30ad1903c59ac5273805c7e2698b410c36"));
        assert_eq!(
            public_from_secret(secret).to_vec(),
            hex("07a37cbc142093c8b755dc1b10e86cb426374ad16aa853ed0bdfc0b2b86d1c7c")
        );
        let mut nonce = [0u8; 24];
        nonce[..16].copy_from_slice(b"CurveZMQMESSAGEC");
        nonce[23] = 5;
        let plain = b"\x01hello CurveZMQ";
        let want = hex("d9b21c7801fd4f31d496e8acdb336e89425f3948e9461835f6dc5c73b79d5a");
        assert_eq!(box_seal(&peer_public, &secret, &nonce, plain).unwrap(), want);
        let key = BoxKey::new(&peer_public, &secret).unwrap();
        assert_eq!(key.seal(&nonce, plain), want);
        let mut buf = plain.to_vec();
        let mut tag = [0u8; TAG_LEN];
        key.seal_in_place(&nonce, &mut buf, &mut tag);
        assert_eq!([&tag[..], &buf[..]].concat(), want);
        // The other side opens it with its own key pair.
        let theirs = BoxKey::new(&public_from_secret(secret), &peer_secret).unwrap();
        let mut out = vec![0u8; buf.len()];
        assert!(theirs.open_into(&nonce, &buf, &tag, &mut out));
        assert_eq!(&out[..], plain);
        tag[3] ^= 0x10;
        assert!(!theirs.open_into(&nonce, &buf, &tag, &mut out));
        assert_eq!(
            secretbox_seal(&[9u8; 32], &nonce, b"cookie"),
            hex("8d132fa48848fb451a739c752e0fa3e119500b3b7357")
        );
    }

    /// The per-direction key gives exactly `crypto_box_detached_afternm`'s
    /// output for every length up to 300 and for large ones (chunk
    /// boundaries included), and opens what it gives; a flipped bit
    /// anywhere is refused. (A CURVE box always holds the flags byte, so
    /// its length is at least 1.)
    #[test]
    fn direction_key_matches_crypto_box_afternm() {
        let (pa, sa) = keypair().unwrap();
        let (pb, sb) = keypair().unwrap();
        let ab = BoxKey::new(&pb, &sa).unwrap();
        let ba = BoxKey::new(&pa, &sb).unwrap();
        let prefix = b"CurveZMQMESSAGEC";
        let seal = DirectionKey::new(&ab, prefix);
        let open = DirectionKey::new(&ba, prefix);
        let lens = (1..=300).chain([1000, 4096, 16 * 1024 + 31, 16 * 1024 + 32, 16 * 1024 + 33, 65_536, 1 << 20 | 7]);
        for (i, len) in lens.enumerate() {
            let plain: Vec<u8> = (0..len).map(|j| (j * 13 + i) as u8).collect();
            let short = (i as u64 * 7919 + 1).to_be_bytes();
            let mut nonce = [0u8; 24];
            nonce[..16].copy_from_slice(prefix);
            nonce[16..].copy_from_slice(&short);
            let (mut want, mut want_tag) = (plain.clone(), [0u8; TAG_LEN]);
            ab.seal_in_place(&nonce, &mut want, &mut want_tag);
            let Some((&flags, data)) = plain.split_first() else { continue };
            let (mut got, mut tag) = (vec![0u8; len], [0u8; TAG_LEN]);
            seal.seal_prefixed(&short, flags, data, &mut got, &mut tag);
            assert_eq!((&got, tag), (&want, want_tag), "len {len}");
            let mut out = vec![0u8; len];
            assert!(open.open_into(&short, &got, &tag, &mut out), "len {len}");
            assert_eq!(out, plain);
            assert!(ba.open_into(&nonce, &got, &tag, &mut out));
            let mut bad = got.clone();
            bad[len / 2] ^= 4;
            assert!(!open.open_into(&short, &bad, &tag, &mut out), "len {len}");
            assert!(out.iter().all(|&b| b == 0), "a forgery's plaintext is cleared");
            let mut bad_tag = tag;
            bad_tag[i % 16] ^= 1;
            assert!(!open.open_into(&short, &got, &bad_tag, &mut out), "len {len}");
        }
    }

    /// A low-order public key (here the all-zero point) gives no key at all.
    #[test]
    fn low_order_keys_are_refused() {
        let (_, secret) = keypair().unwrap();
        assert!(BoxKey::new(&[0u8; 32], &secret).is_none());
        assert!(box_seal(&[0u8; 32], &secret, &[0; 24], b"x").is_none());
    }

    #[test]
    fn a_failing_random_source_is_an_error() {
        fail_random_for_tests(true);
        let r: Result<[u8; 8], _> = random();
        assert_eq!(r, Err(NoRandomness));
        assert_eq!(keypair().err(), Some(EIO));
        fail_random_for_tests(false);
        assert!(keypair().is_ok());
    }

    #[test]
    fn public_rejects_bad_secret() {
        assert_eq!(public_z85(b"abc"), Err(EINVAL));
        assert_eq!(public_z85(b""), Err(EINVAL));
        assert_eq!(public_z85(&LIBZMQ_SECRET.as_bytes()[..35]), Err(EINVAL));
        let mut long = LIBZMQ_SECRET.as_bytes().to_vec();
        long.extend_from_slice(b"00000");
        assert_eq!(public_z85(&long), Err(EINVAL));
        let mut bad = LIBZMQ_SECRET.as_bytes().to_vec();
        bad[3] = b' ';
        assert_eq!(public_z85(&bad), Err(EINVAL));
    }
}
