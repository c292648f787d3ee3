"""Just enough of NaCl's crypto_box (XSalsa20-Poly1305, RFC-free but
public-domain spec by D. J. Bernstein) in pure Python to show whether a
CURVE MESSAGE box can be opened by an attacker who knows no secret: a box
made for the all-zero public key has the shared secret X25519(sk, 0) = 0,
so its key is HSalsa20(0^32, 0^16) whoever made it. Slow; for a few
hundred bytes only."""

import struct

SIGMA = b"expand 32-byte k"


def _rotl(v, c):
    return ((v << c) & 0xFFFFFFFF) | (v >> (32 - c))


def _rounds(x):
    def qr(a, b, c, d):
        x[b] ^= _rotl((x[a] + x[d]) & 0xFFFFFFFF, 7)
        x[c] ^= _rotl((x[b] + x[a]) & 0xFFFFFFFF, 9)
        x[d] ^= _rotl((x[c] + x[b]) & 0xFFFFFFFF, 13)
        x[a] ^= _rotl((x[d] + x[c]) & 0xFFFFFFFF, 18)
    for _ in range(10):
        qr(0, 4, 8, 12); qr(5, 9, 13, 1); qr(10, 14, 2, 6); qr(15, 3, 7, 11)
        qr(0, 1, 2, 3); qr(5, 6, 7, 4); qr(10, 11, 8, 9); qr(15, 12, 13, 14)


def _state(key, n16):
    c = struct.unpack("<4I", SIGMA)
    k = struct.unpack("<8I", key)
    n = struct.unpack("<4I", n16)
    return [c[0], k[0], k[1], k[2], k[3], c[1], n[0], n[1],
            n[2], n[3], c[2], k[4], k[5], k[6], k[7], c[3]]


def hsalsa20(key, n16):
    x = _state(key, n16)
    _rounds(x)
    return struct.pack("<8I", *[x[i] for i in (0, 5, 10, 15, 6, 7, 8, 9)])


def salsa20_stream(key, n8, length):
    out = b""
    counter = 0
    while len(out) < length:
        j = _state(key, n8 + struct.pack("<Q", counter))
        x = list(j)
        _rounds(x)
        out += struct.pack("<16I", *[(x[i] + j[i]) & 0xFFFFFFFF for i in range(16)])
        counter += 1
    return out[:length]


def poly1305(key, msg):
    r = int.from_bytes(key[:16], "little") & 0x0FFFFFFC0FFFFFFC0FFFFFFC0FFFFFFF
    s = int.from_bytes(key[16:32], "little")
    p = (1 << 130) - 5
    acc = 0
    for i in range(0, len(msg), 16):
        block = msg[i:i + 16] + b"\x01"
        acc = ((acc + int.from_bytes(block, "little")) * r) % p
    return ((acc + s) & ((1 << 128) - 1)).to_bytes(16, "little")


def secretbox_open(box, nonce24, key):
    """box = MAC(16) || ciphertext (NaCl 'easy' layout, as ZMTP CURVE sends)."""
    sub = hsalsa20(key, nonce24[:16])
    stream = salsa20_stream(sub, nonce24[16:], 32 + len(box) - 16)
    mac, ct = box[:16], box[16:]
    if poly1305(stream[:32], ct) != mac:
        return None
    return bytes(a ^ b for a, b in zip(ct, stream[32:]))


ZERO_SHARED_KEY = hsalsa20(b"\0" * 32, b"\0" * 16)


def open_message_with_zero_key(body, server_side=False):
    """body = ZMTP CURVE MESSAGE command body: \\x07MESSAGE + 8-byte short
    nonce + box. Returns (flags, payload) if the box opens with the key of
    the all-zero shared secret, else None."""
    if not body.startswith(b"\x07MESSAGE") or len(body) < 8 + 8 + 17:
        return None
    sn, box = body[8:16], body[16:]
    prefix = b"CurveZMQMESSAGES" if server_side else b"CurveZMQMESSAGEC"
    plain = secretbox_open(box, prefix + sn, ZERO_SHARED_KEY)
    if plain is None:
        return None
    return plain[0], plain[1:]
