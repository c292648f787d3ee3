#!/usr/bin/python3
"""ZMTP heartbeats between our libzmq (this process, LD_LIBRARY_PATH) and
Debian's real libzmq (a peer process started with a clean environment),
in both roles, over many intervals.

libzmq's rules: with ZMQ_HEARTBEAT_IVL a PING goes out every interval, a
peer silent for ZMQ_HEARTBEAT_TIMEOUT after a PING (the interval when unset)
is dropped, and a PING's TTL tells the other side when to give up. A healthy
peer is never dropped: each "healthy" case runs 40 intervals (2 s at 50 ms)
and fails on any DISCONNECTED. The "silent" case stops the real peer
(SIGSTOP: its TCP connection stays up, it just stops answering) and checks
that we drop it one timeout after our first unanswered PING.

Run: LD_LIBRARY_PATH=build/prefix/lib /usr/bin/python3 tests-py/test_heartbeats.py
(ZMQ_OXIDE_EXPECT_VERSION, default 4.3.5, must match what this process
loads; empty skips the check, to validate the test with the real libzmq on
both sides.) No sleeps stand in for events: the waits below *are* the
intervals under test, and every event is read from a socket monitor.
"""

import os
import signal
import subprocess
import sys
import time
import traceback

import zmq
from zmq.utils.monitor import recv_monitor_message

REAL_VERSION = "4.3.4"
HEALTHY_S = 2.0


def peer_main(argv):
    """The real-libzmq side: `--peer bind|connect TYPE ENDPOINT OPT=VAL...`;
    prints the bound endpoint, then serves until killed."""
    signal.alarm(60)
    if zmq.zmq_version() != REAL_VERSION:
        print("peer: libzmq %s, expected %s" % (zmq.zmq_version(), REAL_VERSION), file=sys.stderr)
        return 1
    mode, kind, endpoint = argv[:3]
    ctx = zmq.Context()
    s = ctx.socket(getattr(zmq, kind))
    s.linger = 0
    for kv in argv[3:]:
        k, v = kv.split("=")
        s.setsockopt(getattr(zmq, k), int(v))
    if mode == "bind":
        s.bind(endpoint)
        print(s.getsockopt_string(zmq.LAST_ENDPOINT), flush=True)
    else:
        s.connect(endpoint)
        print("connected", flush=True)
    if kind == "DEALER":
        s.send(b"hello")  # lets a ROUTER on our side see the link is up
    # Echo whatever arrives (ROUTER: back to its sender).
    while True:
        try:
            frames = s.recv_multipart()
        except zmq.ZMQError:
            continue
        s.send_multipart(frames)


def start_peer(mode, kind, endpoint, **opts):
    env = {"PATH": "/usr/bin:/bin"}
    args = ["/usr/bin/python3", "-I", os.path.abspath(__file__), "--peer", mode, kind, endpoint]
    args += ["%s=%d" % kv for kv in opts.items()]
    p = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, text=True)
    line = p.stdout.readline().strip()
    if not line:
        p.kill()
        raise RuntimeError("the real-libzmq peer did not start")
    return p, line


_monitors = [0]


def monitor(sock):
    """A monitor on a fresh inproc address (pyzmq's default name reuses the
    socket's fd number, which a closed socket's lingering monitor may
    still hold with the real libzmq)."""
    _monitors[0] += 1
    addr = "inproc://hb-monitor-%d" % _monitors[0]
    sock.monitor(addr, zmq.EVENT_ALL)
    mon = sock.context.socket(zmq.PAIR)
    mon.linger = 0
    mon.connect(addr)
    return mon


def events_for(mon, seconds):
    """Monitor events (names) seen within `seconds`."""
    out = []
    deadline = time.monotonic() + seconds
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return out
        if mon.poll(int(left * 1000) + 1):
            ev = recv_monitor_message(mon)
            out.append(zmq.Event(ev["event"]).name)


def wait_event(mon, name, seconds=5.0):
    deadline = time.monotonic() + seconds
    seen = []
    while time.monotonic() < deadline:
        if mon.poll(100):
            ev = zmq.Event(recv_monitor_message(mon)["event"]).name
            seen.append(ev)
            if ev == name:
                return seen
    raise AssertionError("no %s within %.1f s (saw %s)" % (name, seconds, seen))


def link_up(ours, kind):
    """A message crosses the link: the handshake is done. (Monitor events
    that come before the monitor's PAIR is attached may be lost with the
    real libzmq, so they are not relied on for this.)"""
    ours.rcvtimeo = 5000
    if kind == zmq.ROUTER:
        rid, hello = ours.recv_multipart()
        assert hello == b"hello"
        ours.send_multipart([rid, b"ping-through"])
    else:
        ours.send(b"ping-through")
        assert ours.recv() == b"ping-through"


def healthy_case(our_kind, our_opts, peer_opts, ours_binds):
    ctx = zmq.Context()
    ours = ctx.socket(our_kind)
    ours.linger = 0
    for k, v in our_opts.items():
        ours.setsockopt(getattr(zmq, k), v)
    mon = monitor(ours)
    peer_kind = "DEALER" if our_kind == zmq.ROUTER else "ROUTER"
    if ours_binds:
        ep = ours.bind_to_random_port("tcp://127.0.0.1")
        peer, _ = start_peer("connect", peer_kind, "tcp://127.0.0.1:%d" % ep, **peer_opts)
    else:
        peer, ep = start_peer("bind", peer_kind, "tcp://127.0.0.1:*", **peer_opts)
        ours.connect(ep)
    try:
        link_up(ours, our_kind)
        later = events_for(mon, HEALTHY_S)
        assert "DISCONNECTED" not in later, "a healthy peer was dropped: %s" % later
        if our_kind == zmq.DEALER:
            link_up(ours, our_kind)
    finally:
        peer.kill()
        peer.wait()
        mon.close()
        ours.close()
        ctx.term()


def test_ivl_alone_ours_binds():
    healthy_case(zmq.ROUTER, {"HEARTBEAT_IVL": 50}, {}, True)


def test_ivl_alone_ours_connects():
    healthy_case(zmq.DEALER, {"HEARTBEAT_IVL": 50}, {}, False)


def test_ivl_alone_real_binds():
    healthy_case(zmq.DEALER, {}, {"HEARTBEAT_IVL": 50}, False)


def test_ivl_alone_real_connects():
    healthy_case(zmq.ROUTER, {}, {"HEARTBEAT_IVL": 50}, True)


def test_ivl_and_timeout_both_sides():
    healthy_case(zmq.DEALER, {"HEARTBEAT_IVL": 50, "HEARTBEAT_TIMEOUT": 150},
                 {"HEARTBEAT_IVL": 50, "HEARTBEAT_TIMEOUT": 150}, False)


def test_ttl_both_ways():
    healthy_case(zmq.DEALER, {"HEARTBEAT_IVL": 50, "HEARTBEAT_TTL": 500},
                 {"HEARTBEAT_IVL": 50, "HEARTBEAT_TTL": 500}, False)


def test_silent_real_peer_is_dropped_at_the_timeout():
    ctx = zmq.Context()
    ours = ctx.socket(zmq.ROUTER)
    ours.linger = 0
    ours.setsockopt(zmq.HEARTBEAT_IVL, 100)
    ours.setsockopt(zmq.HEARTBEAT_TIMEOUT, 300)
    mon = monitor(ours)
    port = ours.bind_to_random_port("tcp://127.0.0.1")
    peer, _ = start_peer("connect", "DEALER", "tcp://127.0.0.1:%d" % port)
    try:
        link_up(ours, zmq.ROUTER)
        assert "DISCONNECTED" not in events_for(mon, 0.5)
        os.kill(peer.pid, signal.SIGSTOP)
        stopped = time.monotonic()
        wait_event(mon, "DISCONNECTED", 3.0)
        took = time.monotonic() - stopped
        # First unanswered PING within 100 ms, then 300 ms of silence.
        assert 0.25 <= took <= 1.2, "dropped after %.3f s" % took
    finally:
        os.kill(peer.pid, signal.SIGCONT)
        peer.kill()
        peer.wait()
        mon.close()
        ours.close()
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
