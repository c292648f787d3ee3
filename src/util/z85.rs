//! Z85 (ZeroMQ RFC 32): binary <-> printable text, 4 bytes <-> 5 characters.
//!
//! Owns: the pure codec used by `zmq_z85_encode`/`zmq_z85_decode`, the CURVE
//! key helpers and the socket option table (CURVE keys given as 40 chars).
//! Must not: touch C pointers or errno (the C boundary does that).

/// The 85 characters of the alphabet, in digit order.
const ALPHABET: &[u8; 85] =
    b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

/// Marks a byte that is not in the alphabet.
const INVALID: u8 = 0xFF;

/// Reverse table: byte value -> digit, or `INVALID`. Built at compile time.
const DIGITS: [u8; 256] = {
    let mut table = [INVALID; 256];
    let mut i = 0;
    while i < ALPHABET.len() {
        table[ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    table
};

/// Length of the text for `n` bytes (`n` a multiple of 4).
pub const fn encoded_len(n: usize) -> usize {
    n / 4 * 5
}

/// Encodes `data` into Z85. `None` unless `data.len()` is a multiple of 4.
/// An empty input gives an empty string (as libzmq does).
pub fn encode(data: &[u8]) -> Option<String> {
    if !data.len().is_multiple_of(4) {
        return None;
    }
    let mut out = String::with_capacity(encoded_len(data.len()));
    for chunk in data.chunks_exact(4) {
        let mut value = u32::from_be_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
        let mut digits = [0u8; 5];
        for d in digits.iter_mut().rev() {
            *d = ALPHABET[(value % 85) as usize];
            value /= 85;
        }
        for d in digits {
            out.push(char::from(d));
        }
    }
    Some(out)
}

/// Decodes Z85 text. `None` if the text is empty, its length is not a
/// multiple of 5, it holds a character outside the alphabet, or a 5-character
/// group stands for a value above `u32::MAX` (all cases where libzmq 4.3.5
/// answers EINVAL).
pub fn decode(s: &str) -> Option<Vec<u8>> {
    decode_bytes(s.as_bytes())
}

/// Same as [`decode`], on raw bytes (the C boundary's `char *` need not be UTF-8).
pub fn decode_bytes(s: &[u8]) -> Option<Vec<u8>> {
    if s.is_empty() || !s.len().is_multiple_of(5) {
        return None;
    }
    let mut out = Vec::with_capacity(s.len() / 5 * 4);
    for group in s.chunks_exact(5) {
        let mut value: u32 = 0;
        for &c in group {
            let digit = DIGITS[c as usize];
            if digit == INVALID {
                return None;
            }
            value = value.checked_mul(85)?.checked_add(u32::from(digit))?;
        }
        out.extend_from_slice(&value.to_be_bytes());
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HELLO: [u8; 8] = [0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B];

    #[test]
    fn rfc32_vector() {
        assert_eq!(encode(&HELLO).as_deref(), Some("HelloWorld"));
        assert_eq!(decode("HelloWorld").as_deref(), Some(&HELLO[..]));
    }

    #[test]
    fn round_trip_all_byte_values() {
        let data: Vec<u8> = (0..=255u8).collect();
        let text = encode(&data).unwrap();
        assert_eq!(text.len(), 320);
        assert_eq!(decode(&text).unwrap(), data);
    }

    #[test]
    fn extremes() {
        assert_eq!(encode(&[0; 4]).as_deref(), Some("00000"));
        assert_eq!(encode(&[0xFF; 4]).as_deref(), Some("%nSc0"));
        assert_eq!(decode("%nSc0").unwrap(), vec![0xFF; 4]);
        // One above u32::MAX.
        assert_eq!(decode("%nSc1"), None);
        assert_eq!(decode("#####"), None);
    }

    #[test]
    fn rejects_bad_lengths() {
        assert_eq!(encode(&[1, 2, 3]), None);
        assert_eq!(encode(&[]).as_deref(), Some(""));
        assert_eq!(decode(""), None);
        assert_eq!(decode("abcd"), None);
        assert_eq!(decode("abcdef"), None);
    }

    #[test]
    fn rejects_bad_characters() {
        for bad in [
            " bcde", "ab\"de", "abcd,", "abcd;", "ab\\de", "ab_de", "ab`de", "ab|de", "ab~de",
            "ab\x7fde", "ab'de",
        ] {
            assert_eq!(decode(bad), None, "{bad:?}");
        }
        assert_eq!(decode_bytes(&[b'a', b'b', 0xC3, b'd', b'e']), None);
    }

    #[test]
    fn curve_key_example_from_manual() {
        let key = decode("rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7").unwrap();
        assert_eq!(key.len(), 32);
        assert_eq!(
            encode(&key).as_deref(),
            Some("rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7")
        );
    }
}
