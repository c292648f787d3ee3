#!/usr/bin/python3
"""pyzmq (Debian's python3-zmq) over inproc, run against whatever libzmq.so.5
the dynamic loader picks: with LD_LIBRARY_PATH=build/prefix/lib that is ours.

Plain script (no pytest needed): runs every test_* function, prints PASS/FAIL
per test and exits non-zero if any failed.

ZMQ_OXIDE_EXPECT_VERSION (default 4.3.5) is the libzmq version we must have
loaded; set it to an empty string to skip that check, e.g. to validate these
tests against Debian's own libzmq 4.3.4.

Tests synchronise on received messages and on poll, never on sleep. Every
socket gets a receive timeout so a broken library fails a test, not hangs it.
"""

import os
import sys
import time
import traceback

import zmq
from zmq.utils.monitor import recv_monitor_message

TIMEOUT_MS = 5000  # upper bound for any single wait; never reached when working


def loaded_libzmq():
    """Path of the libzmq shared object mapped into this process."""
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                path = line.split()[-1]
                if "libzmq" in os.path.basename(path):
                    return path
    except OSError:
        pass
    return "?"


class Ctx:
    """A context whose sockets have timeouts and no linger; terminated on exit."""

    def __enter__(self):
        self.ctx = zmq.Context()
        return self

    def socket(self, kind, **opts):
        s = self.ctx.socket(kind)
        s.linger = 0
        s.rcvtimeo = TIMEOUT_MS
        s.sndtimeo = TIMEOUT_MS
        for name, value in opts.items():
            setattr(s, name, value)
        return s

    def __exit__(self, *exc):
        self.ctx.destroy(linger=0)
        return False


def test_version():
    expected = os.environ.get("ZMQ_OXIDE_EXPECT_VERSION", "4.3.5")
    if not expected:
        print("    (version check skipped: ZMQ_OXIDE_EXPECT_VERSION is empty)")
        return
    got = zmq.zmq_version()
    assert got == expected, "loaded libzmq %s (%s), expected %s" % (
        got, loaded_libzmq(), expected)
    major, minor, patch = zmq.zmq_version_info()
    assert "%d.%d.%d" % (major, minor, patch) == expected


def test_push_pull():
    with Ctx() as c:
        push = c.socket(zmq.PUSH)
        pull = c.socket(zmq.PULL)
        push.bind("inproc://push-pull")
        pull.connect("inproc://push-pull")
        for i in range(100):
            push.send(b"msg %d" % i)
        for i in range(100):
            assert pull.recv() == b"msg %d" % i
        # multipart keeps its frames together and in order
        push.send_multipart([b"a", b"", b"c" * 1000])
        assert pull.recv_multipart() == [b"a", b"", b"c" * 1000]
        # zero-copy send of a large buffer (zmq_msg_init_data + free callback)
        big = os.urandom(256 * 1024)
        push.send(big, copy=False)
        frame = pull.recv(copy=False)
        assert frame.bytes == big


def test_connect_before_bind():
    with Ctx() as c:
        pull = c.socket(zmq.PULL)
        push = c.socket(zmq.PUSH)
        pull.connect("inproc://late-bind")
        push.bind("inproc://late-bind")
        push.send(b"after bind")
        assert pull.recv() == b"after bind"


def test_req_rep():
    with Ctx() as c:
        rep = c.socket(zmq.REP)
        req = c.socket(zmq.REQ)
        rep.bind("inproc://req-rep")
        req.connect("inproc://req-rep")
        for i in range(10):
            req.send(b"ping %d" % i)
            assert rep.recv() == b"ping %d" % i
            rep.send(b"pong %d" % i)
            assert req.recv() == b"pong %d" % i
        # REQ must not send twice without a reply: EFSM
        req.send(b"once")
        try:
            req.send(b"twice")
        except zmq.ZMQError as e:
            assert e.errno == zmq.EFSM, e
        else:
            raise AssertionError("second send on REQ did not fail")
        # multipart request/reply keeps the envelope hidden from both ends
        assert rep.recv() == b"once"
        rep.send_multipart([b"r1", b"r2"])
        assert req.recv_multipart() == [b"r1", b"r2"]


def test_pub_sub():
    with Ctx() as c:
        pub = c.socket(zmq.PUB)
        sub = c.socket(zmq.SUB)
        pub.bind("inproc://pub-sub")
        sub.connect("inproc://pub-sub")
        sub.setsockopt(zmq.SUBSCRIBE, b"A")
        # the subscription reaches PUB asynchronously: publish until one arrives
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        while True:
            pub.send(b"A-sync")
            if sub.poll(10, zmq.POLLIN):
                break
            assert time.monotonic() < deadline, "subscription never took effect"
        pub.send(b"B-filtered-out")
        pub.send_multipart([b"A-data", b"part 2"])
        pub.send(b"A-end")
        got = []
        while True:
            msg = sub.recv_multipart()
            if msg == [b"A-sync"]:
                continue
            got.append(msg)
            if msg == [b"A-end"]:
                break
        assert got == [[b"A-data", b"part 2"], [b"A-end"]], got
        # a second subscriber with an empty prefix receives everything
        sub_all = c.socket(zmq.SUB)
        sub_all.connect("inproc://pub-sub")
        sub_all.setsockopt(zmq.SUBSCRIBE, b"")
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        while True:
            pub.send(b"Z-sync")
            if sub_all.poll(10, zmq.POLLIN):
                break
            assert time.monotonic() < deadline, "second subscriber never joined"
        pub.send(b"B-for-all")
        msg = sub_all.recv()
        while msg == b"Z-sync":
            msg = sub_all.recv()
        assert msg == b"B-for-all", msg
        # ... and the "A" subscriber still got none of the non-"A" messages
        while sub.poll(0, zmq.POLLIN):
            assert sub.recv().startswith(b"A")


def test_router_dealer():
    with Ctx() as c:
        router = c.socket(zmq.ROUTER)
        router.bind("inproc://router-dealer")
        dealers = []
        for name in (b"dealer-1", b"dealer-2"):
            d = c.socket(zmq.DEALER)
            d.setsockopt(zmq.ROUTING_ID, name)
            d.connect("inproc://router-dealer")
            dealers.append(d)
        for d in dealers:
            d.send_multipart([b"", b"hello from " + d.getsockopt(zmq.ROUTING_ID)])
        seen = {}
        for _ in dealers:
            ident, empty, body = router.recv_multipart()
            assert empty == b""
            seen[ident] = body
        assert seen == {b"dealer-1": b"hello from dealer-1",
                        b"dealer-2": b"hello from dealer-2"}, seen
        # the router addresses each dealer by its routing id
        for ident in (b"dealer-2", b"dealer-1"):
            router.send_multipart([ident, b"", b"reply to " + ident])
        for d, name in zip(dealers, (b"dealer-1", b"dealer-2")):
            assert d.recv_multipart() == [b"", b"reply to " + name]
        # an unknown routing id: dropped silently, or EHOSTUNREACH if mandatory
        router.send_multipart([b"nobody", b"lost"])
        router.setsockopt(zmq.ROUTER_MANDATORY, 1)
        try:
            router.send_multipart([b"nobody", b"lost"])
        except zmq.ZMQError as e:
            assert e.errno == zmq.EHOSTUNREACH, e
        else:
            raise AssertionError("ROUTER_MANDATORY send to unknown id succeeded")


def test_poller():
    with Ctx() as c:
        push = c.socket(zmq.PUSH)
        pull = c.socket(zmq.PULL)
        push.bind("inproc://poller")
        pull.connect("inproc://poller")
        poller = zmq.Poller()
        poller.register(pull, zmq.POLLIN)
        # nothing to read: poll returns empty after (about) the timeout
        start = time.monotonic()
        assert poller.poll(100) == []
        elapsed = time.monotonic() - start
        assert elapsed >= 0.05, "poll returned after %.3fs, timeout 0.1s" % elapsed
        assert poller.poll(0) == []
        # a connected PUSH can send
        out = zmq.Poller()
        out.register(push, zmq.POLLOUT)
        assert dict(out.poll(TIMEOUT_MS)) == {push: zmq.POLLOUT}
        # a waiting message makes PULL ready, without waiting for the timeout
        push.send(b"ready")
        start = time.monotonic()
        assert dict(poller.poll(TIMEOUT_MS)) == {pull: zmq.POLLIN}
        assert time.monotonic() - start < TIMEOUT_MS / 1000 / 2
        assert pull.recv() == b"ready"
        assert poller.poll(0) == []
        # ZMQ_EVENTS agrees with poll
        assert pull.getsockopt(zmq.EVENTS) & zmq.POLLIN == 0
        push.send(b"again")
        assert dict(poller.poll(TIMEOUT_MS)) == {pull: zmq.POLLIN}
        assert pull.getsockopt(zmq.EVENTS) & zmq.POLLIN
        assert pull.recv() == b"again"
        # a poll that blocks is woken by a message sent from another thread
        import threading
        t = threading.Timer(0.05, lambda: push.send(b"late"))
        t.start()
        assert dict(poller.poll(TIMEOUT_MS)) == {pull: zmq.POLLIN}
        t.join()
        assert pull.recv() == b"late"


def test_monitor():
    with Ctx() as c:
        sock = c.socket(zmq.PUSH)
        mon = sock.get_monitor_socket()
        mon.rcvtimeo = TIMEOUT_MS
        sock.bind("inproc://monitored")
        peer = c.socket(zmq.PULL)
        peer.connect("inproc://monitored")
        sock.send(b"x")
        assert peer.recv() == b"x"
        sock.disable_monitor()
        # events for inproc (if any) come first; MONITOR_STOPPED comes last
        events = []
        while True:
            ev = recv_monitor_message(mon)
            events.append(ev["event"])
            if ev["event"] == zmq.EVENT_MONITOR_STOPPED:
                break
        assert events[-1] == zmq.EVENT_MONITOR_STOPPED, events
        mon.close()


def main():
    print("pyzmq %s, libzmq %s loaded from %s" % (
        zmq.__version__, zmq.zmq_version(), loaded_libzmq()))
    tests = [(n, f) for n, f in globals().items()
             if n.startswith("test_") and callable(f)]  # definition order
    only = sys.argv[1:]
    passed = failed = 0
    for name, fn in tests:
        if only and name not in only:
            continue
        start = time.monotonic()
        try:
            fn()
        except Exception:
            failed += 1
            print("FAIL %s" % name)
            traceback.print_exc(file=sys.stdout)
            if name == "test_version":
                print("the wrong libzmq is loaded: not running the other tests")
                break
        else:
            passed += 1
            print("PASS %s (%.2fs)" % (name, time.monotonic() - start))
        sys.stdout.flush()
    print("pyzmq: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
