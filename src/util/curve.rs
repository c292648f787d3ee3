//! CURVE key helpers behind `zmq_curve_keypair` and `zmq_curve_public`.
//!
//! Owns: X25519 key generation and public-key derivation, with keys given
//! and returned as 40-character Z85 text; NaCl's `crypto_box` and
//! `crypto_secretbox` (tag first, as NaCl lays them out on the wire) for
//! the CURVE mechanism. Must not: touch C pointers or errno, or implement
//! the CURVE handshake (that is the mechanism's job).

use super::z85;
use crate::error::{ZResult, EINVAL, EIO};
use x25519_dalek::{PublicKey, StaticSecret};

/// Length of a binary CURVE key.
pub const KEY_LEN: usize = 32;
/// Length of a CURVE key in Z85 text (without the terminating NUL).
pub const Z85_KEY_LEN: usize = 40;

/// Derives the public key for a binary secret key (clamping as X25519 does,
/// so any 32 bytes are a valid secret, as with libsodium).
pub fn public_from_secret(secret: [u8; KEY_LEN]) -> [u8; KEY_LEN] {
    PublicKey::from(&StaticSecret::from(secret)).to_bytes()
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

/// NaCl `crypto_box`: encrypts `plain` from the owner of `secret` to the
/// owner of `public`; the result is the 16-byte tag then the ciphertext.
pub fn box_seal(public: &[u8; KEY_LEN], secret: &[u8; KEY_LEN], nonce: &[u8; 24], plain: &[u8]) -> Vec<u8> {
    use crypto_box::aead::{generic_array::GenericArray, Aead};
    let b = crypto_box::SalsaBox::new(&crypto_box::PublicKey::from(*public), &crypto_box::SecretKey::from(*secret));
    // Encryption into a Vec cannot fail (only a length overflow could).
    b.encrypt(GenericArray::from_slice(nonce), plain).unwrap_or_default()
}

/// Opens a `box_seal` result; None when it does not authenticate.
pub fn box_open(public: &[u8; KEY_LEN], secret: &[u8; KEY_LEN], nonce: &[u8; 24], sealed: &[u8]) -> Option<Vec<u8>> {
    use crypto_box::aead::{generic_array::GenericArray, Aead};
    let b = crypto_box::SalsaBox::new(&crypto_box::PublicKey::from(*public), &crypto_box::SecretKey::from(*secret));
    b.decrypt(GenericArray::from_slice(nonce), sealed).ok()
}

/// NaCl `crypto_secretbox` with a 32-byte key (tag first).
pub fn secretbox_seal(key: &[u8; KEY_LEN], nonce: &[u8; 24], plain: &[u8]) -> Vec<u8> {
    use crypto_secretbox::aead::{generic_array::GenericArray, Aead, KeyInit};
    let c = crypto_secretbox::XSalsa20Poly1305::new(GenericArray::from_slice(key));
    c.encrypt(GenericArray::from_slice(nonce), plain).unwrap_or_default()
}

/// Opens a `secretbox_seal` result; None when it does not authenticate.
pub fn secretbox_open(key: &[u8; KEY_LEN], nonce: &[u8; 24], sealed: &[u8]) -> Option<Vec<u8>> {
    use crypto_secretbox::aead::{generic_array::GenericArray, Aead, KeyInit};
    let c = crypto_secretbox::XSalsa20Poly1305::new(GenericArray::from_slice(key));
    c.decrypt(GenericArray::from_slice(nonce), sealed).ok()
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
        let sealed = box_seal(&pb, &sa, &n, b"hello");
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
