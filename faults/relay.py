"""A lossy TCP relay for the fault suite (no zmq: it only moves bytes).

usage: relay.py LISTEN_HOST:PORT TARGET_HOST:PORT stall_pct stall_ms cut_ms seed

Every chunk read from either side is, with probability stall_pct/100,
held stall_ms before it (and everything behind it, order is kept) is
written on: what a TCP connection shows of packet loss (a retransmission
stall). Every cut_ms (0: never) the relay aborts both halves of every
connection it carries (SO_LINGER 0: an RST) and throws away the bytes it
holds: loss that TCP cannot repair, which zmq sees as a disconnect. The
random choices come from `seed`, so both libraries meet the same pattern.
Prints "<monotonic ms> CUT <connections>" for each cut, "READY" once
listening.
"""
import random
import selectors
import socket
import struct
import sys
import time


def now_ms():
    return int(time.monotonic() * 1000)


def main():
    lh, lp = sys.argv[1].rsplit(":", 1)
    th, tp = sys.argv[2].rsplit(":", 1)
    stall_pct, stall_ms, cut_ms = float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    rng = random.Random(int(sys.argv[6]))
    sel = selectors.DefaultSelector()
    lsock = socket.socket()
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind((lh, int(lp)))
    lsock.listen(64)
    lsock.setblocking(False)
    sel.register(lsock, selectors.EVENT_READ, None)
    # per direction: [src, dst, queue of (release_ms, bytes)]
    flows = []
    print(f"{now_ms()} READY", flush=True)
    next_cut = now_ms() + cut_ms if cut_ms else None

    def abort(s):
        try:
            sel.unregister(s)
        except (KeyError, ValueError):
            pass
        try:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        s.close()

    def close_pair(f):
        for g in [g for g in flows if g[0] in (f[0], f[1])]:
            flows.remove(g)
        abort(f[0])
        abort(f[1])

    while True:
        t = now_ms()
        if next_cut is not None and t >= next_cut:
            pairs = {id(f[0]): f for f in flows}
            socks = set()
            for f in list(flows):
                socks.update((f[0], f[1]))
            for s in socks:
                abort(s)
            flows.clear()
            print(f"{t} CUT {len(pairs) // 2}", flush=True)
            next_cut = t + cut_ms
        # write what is due
        for f in list(flows):
            src, dst, q = f
            while q and q[0][0] <= t:
                try:
                    dst.sendall(q[0][1])
                except OSError:
                    close_pair(f)
                    break
                q.pop(0)
        due = [f[2][0][0] for f in flows if f[2]]
        waits = due + ([next_cut] if next_cut else [])
        timeout = max(0, min(waits) - t) / 1000 if waits else 0.1
        for key, _ in sel.select(min(timeout, 0.1)):
            s = key.fileobj
            if s is lsock:
                try:
                    c, _ = lsock.accept()
                except OSError:
                    continue
                try:
                    u = socket.create_connection((th, int(tp)), timeout=2)
                except OSError:
                    abort(c)
                    continue
                for x in (c, u):
                    x.setblocking(True)
                    x.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                    x.settimeout(5)
                a, b = [c, u, []], [u, c, []]
                flows += [a, b]
                sel.register(c, selectors.EVENT_READ, a)
                sel.register(u, selectors.EVENT_READ, b)
                continue
            f = key.data
            if f not in flows:
                continue
            try:
                data = s.recv(65536)
            except OSError:
                data = b""
            if not data:
                close_pair(f)
                continue
            q = f[2]
            release = t
            if rng.random() * 100 < stall_pct:
                release = t + stall_ms
            if q:
                release = max(release, q[-1][0])
            q.append((release, data))


if __name__ == "__main__":
    main()
