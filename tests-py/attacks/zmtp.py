"""Raw ZMTP bytes for the attacker side: builders and a parser of what the
target sends back. Pure Python, no libzmq.

Wire formats (ZeroMQ RFCs):
  ZMTP 1.0 (RFC 13): frame = length (1 octet, or 0xFF + 8 octets; counts the
      flags octet) + flags (bit 0 MORE) + body. The first frame is the
      identity.
  ZMTP 2.0 (RFC 15): greeting = signature 0xFF 8*octet 0x7F, revision 0x01,
      socket type, identity frame; frame = flags (bit 0 MORE, bit 1 LONG) +
      size (1 or 8 octets) + body.
  ZMTP 3.0/3.1 (RFC 23/37): 64-octet greeting = signature, major 3, minor,
      mechanism (20 octets, NUL-padded), as-server, 31 octets filler; frames
      as 2.0 plus bit 2 COMMAND. Command body = name length + name + data.
"""

import struct

SIG = b"\xff" + b"\x00" * 7 + b"\x01" + b"\x7f"

# ZMTP 2.0 socket type numbers (RFC 15).
V2_TYPE = {"PAIR": 0, "PUB": 1, "SUB": 2, "REQ": 3, "REP": 4, "DEALER": 5,
           "ROUTER": 6, "PULL": 7, "PUSH": 8}
V2_TYPE_NAME = {v: k for k, v in V2_TYPE.items()}


def greeting_v3(minor=1, mech=b"NULL", as_server=0):
    return SIG + bytes([3, minor]) + mech.ljust(20, b"\0") + bytes([as_server]) + b"\0" * 31


def frame(body, flags=0):
    """ZMTP 2.0/3.x frame; LONG chosen from the body length."""
    if len(body) > 255:
        return bytes([flags | 0x02]) + struct.pack(">Q", len(body)) + body
    return bytes([flags, len(body)]) + body


def long_header(size, flags=0):
    return bytes([flags | 0x02]) + struct.pack(">Q", size)


def command(name, data=b""):
    return frame(bytes([len(name)]) + name + data, flags=0x04)


def metadata(props):
    out = b""
    for k, v in props:
        out += bytes([len(k)]) + k + struct.pack(">I", len(v)) + v
    return out


def ready(socket_type=b"PUSH", extra=()):
    return command(b"READY", metadata([(b"Socket-Type", socket_type)] + list(extra)))


def ping(ttl=0, ctx=b""):
    return command(b"PING", struct.pack(">H", ttl) + ctx)


def subscribe(topic):
    return command(b"SUBSCRIBE", topic)


def cancel(topic):
    return command(b"CANCEL", topic)


def v1_frame(body, more=False):
    n = len(body) + 1
    if n < 255:
        return bytes([n, 1 if more else 0]) + body
    return b"\xff" + struct.pack(">Q", n) + bytes([1 if more else 0]) + body


def v2_greeting(socket_type="PUSH", revision=1, identity=b""):
    """Signature + revision + socket type + identity (2.0 framing for
    revision 1, 1.0 framing for revision 0)."""
    head = SIG + bytes([revision, V2_TYPE[socket_type]])
    if revision == 0:
        return head + v1_frame(identity)
    return head + frame(identity)


def plain_hello(user, password):
    return command(b"HELLO", bytes([len(user)]) + user + bytes([len(password)]) + password)


def plain_initiate(socket_type=b"PUSH"):
    return command(b"INITIATE", metadata([(b"Socket-Type", socket_type)]))


# ---------------------------------------------------------------- parsing

def _props(data):
    out, i = [], 0
    while i < len(data):
        n = data[i]
        k = data[i + 1:i + 1 + n]
        i += 1 + n
        if i + 4 > len(data):
            out.append("<truncated>")
            break
        (vl,) = struct.unpack(">I", data[i:i + 4])
        v = data[i + 4:i + 4 + vl]
        i += 4 + vl
        out.append("%s=%s" % (k.decode("latin1"), v.decode("latin1")))
    return out


def describe_command(body, opaque=False):
    if not body:
        return "CMD()"
    n = body[0]
    name = body[1:1 + n].decode("latin1")
    data = body[1 + n:]
    if name in ("READY", "INITIATE") and not opaque:
        return "%s{%s}" % (name, ",".join(_props(data)))
    if name == "ERROR" and data:
        return "ERROR(%s)" % data[1:1 + data[0]].decode("latin1")
    if name in ("PING", "PONG"):
        return "%s(%s)" % (name, data.hex())
    if name in ("HELLO", "WELCOME", "INITIATE", "MESSAGE", "READY"):
        return "%s[%d]" % (name, len(body))
    return "%s[%d]" % (name, len(body))


def parse_frames(data, v1=False, opaque=False):
    """(items, rest): items describe whole frames, rest = undecoded tail."""
    items, i = [], 0
    while i < len(data):
        if v1:
            n = data[i]
            hl = 1
            if n == 0xFF:
                if i + 9 > len(data):
                    break
                (n,) = struct.unpack(">Q", data[i + 1:i + 9])
                hl = 9
            if n == 0 or i + hl + n > len(data):
                break
            flags = data[i + hl]
            body = data[i + hl + 1:i + hl + n]
            b = bytes(body)
            shown = "%dB" % len(b) if (opaque and b) or len(b) > 16 else b
            items.append("v1msg%s(%r)" % ("+" if flags & 1 else "", shown))
            i += hl + n
            continue
        flags = data[i]
        if flags & 0x02:
            if i + 9 > len(data):
                break
            (n,) = struct.unpack(">Q", data[i + 1:i + 9])
            hl = 9
        else:
            if i + 2 > len(data):
                break
            n = data[i + 1]
            hl = 2
        if i + hl + n > len(data):
            break
        body = data[i + hl:i + hl + n]
        if flags & 0x04:
            items.append(describe_command(body, opaque))
        else:
            b = bytes(body)
            items.append("msg%s(%r)" % ("+" if flags & 1 else "", b if len(b) <= 16 else "%dB" % len(b)))
        i += hl + n
    return items, data[i:]


def describe_stream(data, opaque=False, our_revision=3):
    """Human-readable, exact-enough description of bytes a ZMTP peer sent.

    Signature, version, mechanism and the commands (READY properties,
    ERROR reason; only name and size for CURVE's opaque boxes)."""
    data = bytes(data)
    if not data:
        return "(nothing)"
    out = []
    if data[0] != 0xFF or our_revision < 0:
        # we spoke unversioned ZMTP 1.0: a libzmq peer still starts with its
        # 10-byte signature (which reads as a 1.0 frame header), then 1.0 frames
        if data.startswith(SIG):
            out.append("sig")
            data = data[10:]
        items, rest = parse_frames(data, v1=True, opaque=opaque)
        out += items
        if rest:
            out.append("tail:" + rest.hex())
        return " ".join(out)
    sig = data[:10]
    if len(sig) < 10:
        return "partial-sig:" + sig.hex()
    out.append("sig" if sig == SIG else "sig:" + sig.hex())
    rest = data[10:]
    if not rest:
        return " ".join(out)
    major = rest[0]
    out.append("v%d" % major)
    rest = rest[1:]
    if not rest:
        return " ".join(out)
    if our_revision < 3:
        # we announced revision 0/1: the peer answers with its socket type
        # and then frames in the 1.0 (revision 0) or 2.0 format
        out.append("type=%s" % V2_TYPE_NAME.get(rest[0], rest[0]))
        rest = rest[1:]
        items, tail = parse_frames(rest, v1=(our_revision == 0), opaque=opaque)
        out += items
        if tail:
            out.append("tail:" + tail.hex())
        return " ".join(out)
    g = rest[:53]
    if len(g) < 53:
        out.append("partial-greeting:" + g.hex())
        return " ".join(out)
    minor = g[0]
    mech = g[1:21].rstrip(b"\0").decode("latin1")
    as_server = g[21]
    filler = g[22:53]
    out.append(".%d %s srv=%d%s" % (minor, mech, as_server,
                                     "" if filler == b"\0" * 31 else " filler:" + filler.hex()))
    items, tail = parse_frames(rest[53:], opaque=(mech == "CURVE"))
    out += items
    if tail:
        out.append("tail:%dB" % len(tail))
    return " ".join(out)
