"""PUSH->PULL throughput through pyzmq, for a side check with a real client.

    python pyzmq_thr.py tcp|ipc SIZE COUNT

Run it with pyzmq's wheel (its bundled libzmq), then again with ours
preloaded (LD_PRELOAD=build/prefix/lib/libzmq.so.5); perf/README.md has
the numbers. The sender is a second process; messages of 64 KiB and more
are sent and received without copies (copy=False), smaller ones copied.
"""
import multiprocessing as mp
import sys
import time

import zmq


def sender(ep, size, n):
    ctx = zmq.Context()
    s = ctx.socket(zmq.PUSH)
    s.connect(ep)
    msg = b"x" * size
    for _ in range(n):
        s.send(msg, copy=size < 65536)
    s.close()
    ctx.term()


def main():
    tr, size, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    ctx = zmq.Context()
    r = ctx.socket(zmq.PULL)
    if tr == "tcp":
        ep = "tcp://127.0.0.1:%d" % r.bind_to_random_port("tcp://127.0.0.1")
    else:
        ep = "ipc:///tmp/pyzmq-thr-%d" % time.time_ns()
        r.bind(ep)
    p = mp.Process(target=sender, args=(ep, size, n))
    p.start()
    r.recv()
    t = time.perf_counter()
    for _ in range(n - 1):
        r.recv(copy=size < 65536)
    dt = time.perf_counter() - t
    p.join()
    r.close()
    ctx.term()
    print("%s %d B x %d: %.0f msg/s (libzmq %s)" % (tr, size, n, (n - 1) / dt, zmq.zmq_version()))


if __name__ == "__main__":
    main()
