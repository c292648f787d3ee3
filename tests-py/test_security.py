#!/usr/bin/python3
"""PLAIN, CURVE and ZAP between our libzmq and the real one (Debian 4.3.4).

This process loads the libzmq.so.5 the loader picks (ours with
LD_LIBRARY_PATH=build/prefix/lib; ZMQ_OXIDE_EXPECT_VERSION, default 4.3.5,
must match, empty skips the check). The peer is this file run as
`/usr/bin/python3 -I test_security.py --peer ROLE ...` with a clean
environment, so it loads Debian's libzmq (it refuses to run otherwise).

The peer is either a server (PULL bound to a port it prints, with a ZAP
handler from zmq.auth that allows or denies) that receives one message and
prints it, or a client (PUSH) that connects and sends one message. Each test
runs our socket in the other role: PLAIN and CURVE, ours as server and as
client, ZAP accepting (the message arrives, with its User-Id when ours is the
server) and denying (a HANDSHAKE_FAILED_AUTH 400 event on our side, and no
message). NULL with ZMQ_ZAP_DOMAIN goes through ZAP the same way; a bare
in-process handler also checks the NULL request frames, User-Id and ZAP
metadata as message properties, a 500 refusal, and no ZAP without a domain.

Plain script: runs every test_* (or those named), prints PASS/FAIL, exits
non-zero on failure. No sleeps in the checks: waits are receives and monitor
events with time-outs.
"""

import os
import subprocess
import sys
import threading
import traceback

import zmq
from zmq.utils.monitor import recv_monitor_message

TIMEOUT_MS = 5000
REAL_VERSION = "4.3.4"

# Fixed test keys (generated with zmq_curve_keypair).
SERVER_PUBLIC = b"+zQ*V-sLoG1XZqPb0@)7}PJ:ImExkhnqedtHXjbf"
SERVER_SECRET = b".:LrkX/D*T77NAa3f:Y4SvIkl5j!1P}%G2j[mQe-"
CLIENT_PUBLIC = b"Qa3$Ms7wNtaRroqq(*$nZ5ylgTT(XFP.isr@Pw&O"
CLIENT_SECRET = b"11Gy6>9]@-t}djuO-ihC@wErp96*3r:F:G{ZX=ob"


def start_auth(ctx, allow, curve):
    """A ZAP handler on `ctx`: PLAIN user admin/secret, CURVE any key."""
    from zmq.auth.thread import ThreadAuthenticator

    auth = ThreadAuthenticator(ctx)
    auth.start()
    if allow:
        auth.configure_plain(domain="*", passwords={"admin": "secret"})
        auth.configure_curve(domain="*", location=zmq.auth.CURVE_ALLOW_ANY)
    else:
        auth.deny("127.0.0.1")
    return auth


def setup(sock, mech, server, password=b"secret"):
    if mech == "NULL":
        # NULL asks ZAP only with a domain.
        if server:
            sock.zap_domain = b"global"
    elif mech == "PLAIN":
        if server:
            sock.plain_server = True
        else:
            sock.plain_username = b"admin"
            sock.plain_password = password
    else:
        if server:
            sock.curve_secretkey = SERVER_SECRET
            sock.curve_server = True
        else:
            sock.curve_publickey = CLIENT_PUBLIC
            sock.curve_secretkey = CLIENT_SECRET
            sock.curve_serverkey = SERVER_PUBLIC


def peer_main(argv):
    """Runs in the real-libzmq process: argv = role mech allow [port]."""
    if zmq.zmq_version() != REAL_VERSION:
        print("ERR peer loaded libzmq", zmq.zmq_version(), flush=True)
        return 2
    role, mech, allow = argv[0], argv[1], argv[2] == "1"
    ctx = zmq.Context()
    if role == "server":
        auth = start_auth(ctx, allow, mech == "CURVE")
        s = ctx.socket(zmq.PULL)
        setup(s, mech, True)
        s.rcvtimeo = TIMEOUT_MS
        port = s.bind_to_random_port("tcp://127.0.0.1")
        print("PORT", port, flush=True)
        try:
            m = s.recv(copy=False)
            print("GOT", m.bytes.decode(), m.get("User-Id"), flush=True)
        except zmq.Again:
            print("NONE", flush=True)
        auth.stop()
    else:
        s = ctx.socket(zmq.PUSH)
        setup(s, mech, False)
        s.sndtimeo = TIMEOUT_MS
        s.linger = TIMEOUT_MS
        s.connect("tcp://127.0.0.1:%s" % argv[3])
        s.send(b"hello")
        print("SENT", flush=True)
        # Wait until told to stop (stdin closes).
        sys.stdin.read()
    s.close()
    ctx.term()
    return 0


def spawn(*args):
    env = {"PATH": "/usr/bin:/bin"}
    return subprocess.Popen(
        ["/usr/bin/python3", "-I", os.path.abspath(__file__), "--peer", *args],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, text=True,
    )


def read_line(p):
    result = []
    t = threading.Thread(target=lambda: result.append(p.stdout.readline()))
    t.daemon = True
    t.start()
    t.join(15)
    if not result:
        p.kill()
        raise AssertionError("peer said nothing")
    return result[0].strip()


def wait_event(mon, wanted):
    """Monitor events until one in `wanted`; returns (event, value)."""
    mon.rcvtimeo = TIMEOUT_MS
    while True:
        e = recv_monitor_message(mon)
        if e["event"] in wanted:
            return e["event"], e["value"]


def ours_client(mech, allow, password=b"secret"):
    p = spawn("server", mech, "1" if allow else "0")
    try:
        line = read_line(p)
        assert line.startswith("PORT"), line
        ctx = zmq.Context()
        s = ctx.socket(zmq.PUSH)
        mon = s.get_monitor_socket()
        setup(s, mech, False, password)
        s.linger = 0
        s.connect("tcp://127.0.0.1:%s" % line.split()[1])
        ev = wait_event(mon, (zmq.EVENT_HANDSHAKE_SUCCEEDED, zmq.EVENT_HANDSHAKE_FAILED_AUTH,
                              zmq.EVENT_HANDSHAKE_FAILED_PROTOCOL, zmq.EVENT_HANDSHAKE_FAILED_NO_DETAIL))
        if allow and password == b"secret":
            assert ev[0] == zmq.EVENT_HANDSHAKE_SUCCEEDED, ev
            s.send(b"hello")
            got = read_line(p)
            assert got.startswith("GOT hello"), got
        else:
            assert ev == (zmq.EVENT_HANDSHAKE_FAILED_AUTH, 400), ev
        mon.close()
        s.close()
        ctx.term()
    finally:
        p.stdin.close()
        p.wait(15)


def ours_server(mech, allow):
    ctx = zmq.Context()
    auth = start_auth(ctx, allow, mech == "CURVE")
    s = ctx.socket(zmq.PULL)
    mon = s.get_monitor_socket()
    setup(s, mech, True)
    s.rcvtimeo = TIMEOUT_MS
    port = s.bind_to_random_port("tcp://127.0.0.1")
    p = spawn("client", mech, "1", str(port))
    try:
        ev = wait_event(mon, (zmq.EVENT_HANDSHAKE_SUCCEEDED, zmq.EVENT_HANDSHAKE_FAILED_AUTH,
                              zmq.EVENT_HANDSHAKE_FAILED_PROTOCOL, zmq.EVENT_HANDSHAKE_FAILED_NO_DETAIL))
        if allow:
            assert ev[0] == zmq.EVENT_HANDSHAKE_SUCCEEDED, ev
            m = s.recv(copy=False)
            assert m.bytes == b"hello"
            if mech != "NULL":
                want = "admin" if mech == "PLAIN" else CLIENT_PUBLIC.decode()
                assert m.get("User-Id") == want, m.get("User-Id")
        else:
            assert ev == (zmq.EVENT_HANDSHAKE_FAILED_AUTH, 400), ev
    finally:
        p.stdin.close()
        p.wait(15)
        auth.stop()
        mon.close()
        s.close()
        ctx.term()


def test_plain_ours_client():
    ours_client("PLAIN", True)


def test_plain_ours_client_bad_password():
    ours_client("PLAIN", True, password=b"wrong")


def test_plain_ours_client_denied():
    ours_client("PLAIN", False)


def test_plain_ours_server():
    ours_server("PLAIN", True)


def test_plain_ours_server_denied():
    ours_server("PLAIN", False)


def test_curve_ours_client():
    ours_client("CURVE", True)


def test_curve_ours_client_denied():
    ours_client("CURVE", False)


def test_curve_ours_server():
    ours_server("CURVE", True)


def test_curve_ours_server_denied():
    ours_server("CURVE", False)


def test_null_zap_ours_client():
    ours_client("NULL", True)


def test_null_zap_ours_client_denied():
    ours_client("NULL", False)


def test_null_zap_ours_server():
    ours_server("NULL", True)


def test_null_zap_ours_server_denied():
    ours_server("NULL", False)


def zap_handler(ctx, status, ready, requests):
    """A bare ZAP handler answering `status`, User-Id "anon", X-Role=tester."""
    z = ctx.socket(zmq.REP)
    z.linger = 0
    z.bind("inproc://zeromq.zap.01")
    ready.set()
    try:
        while True:
            req = z.recv_multipart()
            requests.append(req)
            z.send_multipart([req[0], req[1], status, b"text", b"anon",
                              b"\x06X-Role\x00\x00\x00\x06tester"])
    except zmq.ContextTerminated:
        pass
    z.close()


def null_zap_server(status, domain=b"global", peer_domain=False):
    """Ours: NULL PULL server with `domain` and a ZAP handler answering
    `status`; the real libzmq connects. Returns (event, message, requests)."""
    ctx = zmq.Context()
    ready, requests = threading.Event(), []
    t = threading.Thread(target=zap_handler, args=(ctx, status, ready, requests), daemon=True)
    t.start()
    ready.wait(5)
    s = ctx.socket(zmq.PULL)
    if domain:
        s.zap_domain = domain
    mon = s.get_monitor_socket()
    s.rcvtimeo = TIMEOUT_MS
    port = s.bind_to_random_port("tcp://127.0.0.1")
    p = spawn("client", "NULL", "1", str(port))
    m = None
    try:
        ev = wait_event(mon, (zmq.EVENT_HANDSHAKE_SUCCEEDED, zmq.EVENT_HANDSHAKE_FAILED_AUTH,
                              zmq.EVENT_HANDSHAKE_FAILED_PROTOCOL, zmq.EVENT_HANDSHAKE_FAILED_NO_DETAIL))
        if ev[0] == zmq.EVENT_HANDSHAKE_SUCCEEDED:
            m = s.recv(copy=False)
    finally:
        p.stdin.close()
        p.wait(15)
        mon.close()
        s.close()
        ctx.term()
        t.join(5)
    return ev, m, requests


def test_null_zap_user_id_and_metadata():
    ev, m, reqs = null_zap_server(b"200")
    assert ev[0] == zmq.EVENT_HANDSHAKE_SUCCEEDED, ev
    assert m.bytes == b"hello"
    assert m.get("User-Id") == "anon", m.get("User-Id")
    assert m.get("X-Role") == "tester", m.get("X-Role")
    assert reqs and reqs[0] == [b"1.0", b"1", b"global", b"127.0.0.1", b"", b"NULL"], reqs


def test_null_zap_deny_500():
    ev, m, _ = null_zap_server(b"500")
    assert ev == (zmq.EVENT_HANDSHAKE_FAILED_AUTH, 500), ev


def test_null_no_domain_skips_zap():
    ev, m, reqs = null_zap_server(b"400", domain=b"")
    assert ev[0] == zmq.EVENT_HANDSHAKE_SUCCEEDED, ev
    assert m.bytes == b"hello" and not reqs, reqs


def main():
    if sys.argv[1:2] == ["--peer"]:
        return peer_main(sys.argv[2:])
    want = os.environ.get("ZMQ_OXIDE_EXPECT_VERSION", "4.3.5")
    if want and zmq.zmq_version() != want:
        print("this process loaded libzmq", zmq.zmq_version(), "expected", want)
        return 2
    names = sys.argv[1:] or [n for n in globals() if n.startswith("test_")]
    failed = 0
    for n in names:
        try:
            globals()[n]()
            print("PASS", n, flush=True)
        except Exception:
            failed += 1
            print("FAIL", n, flush=True)
            traceback.print_exc()
    print("%d/%d passed" % (len(names) - failed, len(names)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
