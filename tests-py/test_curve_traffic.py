#!/usr/bin/python3
"""CURVE traffic between our libzmq (this process, LD_LIBRARY_PATH) and
Debian's real libzmq with libsodium (a peer process with a clean
environment), in both roles: the handshake in each direction, then
messages of every size class our CURVE code has (inline, heap, pooled
large buffers; 0 B to 1 MiB), multipart messages and enough of them that
the nonce counters run far past the handshake's.

The peer echoes: a DEALER on one side sends, the ROUTER on the other sends
every message back to its sender, and the DEALER checks each reply byte for
byte. Keys are made here (zmq.curve_keypair on our library) and passed to
the peer as Z85 text.

Run: LD_LIBRARY_PATH=build/prefix/lib /usr/bin/python3 tests-py/test_curve_traffic.py
(ZMQ_OXIDE_EXPECT_VERSION, default 4.3.5; empty skips the check.)
"""

import os
import signal
import subprocess
import sys
import time
import traceback

import zmq

REAL_VERSION = "4.3.4"
SIZES = [0, 1, 32, 33, 34, 1000, 16 * 1024 - 34, 16 * 1024, 65536, 1 << 20]


def peer_main(argv):
    """`--peer ROLE ENDPOINT SERVER_PUBLIC SERVER_SECRET CLIENT_PUBLIC
    CLIENT_SECRET`: ROLE router-server binds a CURVE server ROUTER and
    echoes; dealer-client connects a CURVE client DEALER and sends back
    what it receives (the test's ROUTER drives it)."""
    signal.alarm(120)
    if zmq.zmq_version() != REAL_VERSION:
        print("peer: libzmq %s, expected %s" % (zmq.zmq_version(), REAL_VERSION), file=sys.stderr)
        return 1
    role, endpoint, spub, ssec, cpub, csec = argv
    ctx = zmq.Context()
    if role == "router-server":
        s = ctx.socket(zmq.ROUTER)
        s.curve_server = True
        s.curve_secretkey = ssec.encode()
        s.bind(endpoint)
        print(s.getsockopt_string(zmq.LAST_ENDPOINT), flush=True)
        while True:
            s.send_multipart(s.recv_multipart())
    else:
        s = ctx.socket(zmq.DEALER)
        s.curve_serverkey = spub.encode()
        s.curve_publickey = cpub.encode()
        s.curve_secretkey = csec.encode()
        s.connect(endpoint)
        print("connected", flush=True)
        s.send(b"hello")
        while True:
            s.send_multipart(s.recv_multipart())


def start_peer(*args):
    p = subprocess.Popen(
        ["/usr/bin/python3", "-I", os.path.abspath(__file__), "--peer", *args],
        env={"PATH": "/usr/bin:/bin"}, stdout=subprocess.PIPE, text=True)
    line = p.stdout.readline().strip()
    if not line:
        p.kill()
        raise RuntimeError("the real-libzmq peer did not start")
    return p, line


def payload(size, i):
    return bytes((j * 31 + i) & 0xFF for j in range(min(size, 4096))) * (size // 4096) + \
        bytes((j * 31 + i) & 0xFF for j in range(size % 4096))


def traffic(send, recv):
    """Every size, single and multipart, a few rounds: each reply must be
    exactly what was sent."""
    n = 0
    for rounds in range(3):
        for size in SIZES:
            frames = [payload(size, n)] if n % 2 else [b"head-%d" % n, payload(size, n), b"tail"]
            send(frames)
            got = recv()
            assert got == frames, "size %d round %d: got %s" % (size, rounds, [len(f) for f in got])
            n += 1
    # Many small ones in flight at once (batches under the HWM of 1,000,
    # since a ROUTER drops what it cannot queue).
    for batch in range(10):
        for i in range(500):
            send([b"m%d-%d" % (batch, i)])
        for i in range(500):
            assert recv() == [b"m%d-%d" % (batch, i)]


def keys():
    spub, ssec = zmq.curve_keypair()
    cpub, csec = zmq.curve_keypair()
    return [k.decode() for k in (spub, ssec, cpub, csec)]


def test_ours_client_real_server():
    spub, ssec, cpub, csec = keys()
    peer, ep = start_peer("router-server", "tcp://127.0.0.1:*", spub, ssec, cpub, csec)
    ctx = zmq.Context()
    try:
        s = ctx.socket(zmq.DEALER)
        s.linger = 0
        s.rcvtimeo = 10000
        s.curve_serverkey = spub.encode()
        s.curve_publickey = cpub.encode()
        s.curve_secretkey = csec.encode()
        s.connect(ep)
        traffic(s.send_multipart, s.recv_multipart)
        s.close()
    finally:
        peer.kill()
        peer.wait()
        ctx.term()


def test_ours_server_real_client():
    spub, ssec, cpub, csec = keys()
    ctx = zmq.Context()
    s = ctx.socket(zmq.ROUTER)
    s.linger = 0
    s.rcvtimeo = 10000
    s.curve_server = True
    s.curve_secretkey = ssec.encode()
    port = s.bind_to_random_port("tcp://127.0.0.1")
    peer, _ = start_peer("dealer-client", "tcp://127.0.0.1:%d" % port, spub, ssec, cpub, csec)
    try:
        rid, hello = s.recv_multipart()
        assert hello == b"hello"
        traffic(lambda f: s.send_multipart([rid] + f), lambda: s.recv_multipart()[1:])
    finally:
        peer.kill()
        peer.wait()
        s.close()
        ctx.term()


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--peer":
        return peer_main(sys.argv[2:])
    want = os.environ.get("ZMQ_OXIDE_EXPECT_VERSION", "4.3.5")
    if want and zmq.zmq_version() != want:
        print("loaded libzmq %s, expected %s" % (zmq.zmq_version(), want))
        return 1
    names = sys.argv[1:] or sorted(n for n in globals() if n.startswith("test_"))
    failed = 0
    for n in names:
        t0 = time.monotonic()
        try:
            globals()[n]()
            print("PASS %s (%.1fs)" % (n, time.monotonic() - t0), flush=True)
        except Exception:
            failed += 1
            print("FAIL %s" % n, flush=True)
            traceback.print_exc()
    print("%d/%d passed" % (len(names) - failed, len(names)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
