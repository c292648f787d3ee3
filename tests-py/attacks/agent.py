#!/usr/bin/python3
"""Target (or well-behaved peer) process for the attack harness.

Run by run.py as `/usr/bin/python3 -I agent.py`, with the library under test
chosen by the environment (LD_LIBRARY_PATH for ours, nothing for Debian's
libzmq 4.3.4). It owns pyzmq sockets, their monitors and an optional ZAP
handler, and is driven by one JSON object per line on stdin, one JSON reply
per line on stdout. Frames travel as hex strings.

ops:
  hello                          -> version, pid, libzmq path
  setrlimit  nofile              -> lower RLIMIT_NOFILE (before any socket)
  socket     name type opts{}    -> create a socket (+ monitor thread, all events)
  bind/connect name ep           -> last_endpoint
  send       name frames         (timeout_ms)
  recv       name timeout_ms     -> frames or timeout
  drain      name timeout_ms     -> every message available until a timeout
  events     name [until] [n] [timeout_ms] [quiet_ms] [since]
             -> events (optionally waiting until `n` events named in `until`
                exist after index `since`, then until none new for quiet_ms)
  zap        mode                -> start a ZAP handler (see ZapHandler)
  zap_stats                      -> requests seen by the ZAP handler
  reader     name interval_ms    -> background thread receiving slowly
  reader_stats name              -> messages the reader received
  close      name
  exit
"""

import errno as errno_mod
import json
import os
import resource
import sys
import threading
import time

import zmq
from zmq.utils.monitor import recv_monitor_message

EVENT_NAMES = {
    1: "CONNECTED", 2: "CONNECT_DELAYED", 4: "CONNECT_RETRIED", 8: "LISTENING",
    16: "BIND_FAILED", 32: "ACCEPTED", 64: "ACCEPT_FAILED", 128: "CLOSED",
    256: "CLOSE_FAILED", 512: "DISCONNECTED", 1024: "MONITOR_STOPPED",
    2048: "HANDSHAKE_FAILED_NO_DETAIL", 4096: "HANDSHAKE_SUCCEEDED",
    8192: "HANDSHAKE_FAILED_PROTOCOL", 16384: "HANDSHAKE_FAILED_AUTH",
}

PROTOCOL_ERRORS = {getattr(zmq, n): n[len("PROTOCOL_ERROR_"):]
                   for n in dir(zmq) if n.startswith("PROTOCOL_ERROR_")}

SOCKET_TYPES = {n: getattr(zmq, n) for n in
                ("PAIR", "PUB", "SUB", "REQ", "REP", "DEALER", "ROUTER", "PULL",
                 "PUSH", "XPUB", "XSUB", "STREAM")}

CTX = None


def ctx():
    global CTX
    if CTX is None:
        CTX = zmq.Context()
    return CTX


def loaded_libzmq():
    with open("/proc/self/maps") as maps:
        for line in maps:
            path = line.split()[-1]
            if "libzmq" in path:
                return path
    return None


def event_value(name, value):
    """Monitor value made comparable: fds dropped, errnos named."""
    if name in ("ACCEPTED", "DISCONNECTED", "CLOSED", "CONNECTED", "LISTENING",
                "HANDSHAKE_SUCCEEDED", "MONITOR_STOPPED"):
        return None
    if name == "CONNECT_RETRIED":
        return None   # the reconnect interval plus a random jitter
    if name in ("HANDSHAKE_FAILED_NO_DETAIL", "ACCEPT_FAILED", "CONNECT_DELAYED",
                "BIND_FAILED", "CLOSE_FAILED"):
        return errno_mod.errorcode.get(value, str(value))
    if name == "HANDSHAKE_FAILED_PROTOCOL":
        return PROTOCOL_ERRORS.get(value, hex(value))
    return value  # HANDSHAKE_FAILED_AUTH: the ZAP status code


class Monitor(threading.Thread):
    def __init__(self, sock):
        super().__init__(daemon=True)
        self.mon = sock.get_monitor_socket(zmq.EVENT_ALL)
        self.events = []
        self.cond = threading.Condition()
        self.stop = False
        self.start()

    def run(self):
        poller = zmq.Poller()
        poller.register(self.mon, zmq.POLLIN)
        t0 = time.monotonic()
        while not self.stop:
            if not poller.poll(100):
                continue
            try:
                ev = recv_monitor_message(self.mon)
            except zmq.ZMQError:
                break
            name = EVENT_NAMES.get(int(ev["event"]), str(int(ev["event"])))
            rec = {"event": name, "value": event_value(name, ev["value"]),
                   "raw": int(ev["value"]), "t": round(time.monotonic() - t0, 4)}
            with self.cond:
                self.events.append(rec)
                self.cond.notify_all()
            if name == "MONITOR_STOPPED":
                break

    def wait(self, until=None, n=1, timeout_ms=0, quiet_ms=0, since=0):
        deadline = time.monotonic() + timeout_ms / 1000.0
        met = until is None
        with self.cond:
            while until is not None:
                cnt = sum(1 for e in self.events[since:] if e["event"] in until)
                if cnt >= n:
                    met = True
                    break
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self.cond.wait(left)
            if quiet_ms:
                while True:
                    before = len(self.events)
                    self.cond.wait(quiet_ms / 1000.0)
                    if len(self.events) == before:
                        break
                    if time.monotonic() > deadline + 5:
                        break
            return met, list(self.events[since:]), len(self.events)


class ZapHandler(threading.Thread):
    """ZAP handler bound to inproc://zeromq.zap.01 (RFC 27).

    modes: accept | deny (400) | code:NNN | close (receive the request, then
    close without answering) | silent (never answer) | frames (4-frame reply)
    | version (version 2.0) | reqid (wrong request id) | status:XYZ (invalid
    status code XYZ)."""

    def __init__(self, mode):
        super().__init__(daemon=True)
        self.mode = mode
        self.requests = []
        self.ready = threading.Event()
        self.stop = False
        self.start()
        self.ready.wait(5)

    def run(self):
        sock = ctx().socket(zmq.REP)
        sock.linger = 0
        sock.bind("inproc://zeromq.zap.01")
        self.ready.set()
        poller = zmq.Poller()
        poller.register(sock, zmq.POLLIN)
        while not self.stop:
            if not poller.poll(100):
                continue
            req = sock.recv_multipart()
            self.requests.append([f.hex() for f in req])
            mode = self.mode
            if mode == "close":
                sock.close(0)
                return
            if mode == "silent":
                # keep the REP socket (and its pending request) forever
                while not self.stop:
                    time.sleep(0.1)
                return
            version, reqid = b"1.0", req[1] if len(req) > 1 else b""
            code, text = b"200", b"OK"
            if mode == "deny":
                code, text = b"400", b"denied"
            elif mode.startswith("code:"):
                code, text = mode[5:].encode(), b"text"
            elif mode.startswith("status:"):
                code = mode[7:].encode()
            elif mode == "version":
                version = b"2.0"
            elif mode == "reqid":
                reqid = b"not-the-id"
            if mode == "frames":
                reply = [version, reqid, code, text]
            else:
                reply = [version, reqid, code, text, b"zapuser", b""]
            sock.send_multipart(reply)
        sock.close(0)


class Reader(threading.Thread):
    def __init__(self, sock, interval_ms):
        super().__init__(daemon=True)
        self.sock = sock
        self.interval = interval_ms / 1000.0
        self.count = 0
        self.stop = False
        self.start()

    def run(self):
        while not self.stop:
            try:
                self.sock.recv_multipart(zmq.NOBLOCK)
                self.count += 1
            except zmq.Again:
                pass
            time.sleep(self.interval)


SOCKS = {}
MONS = {}
READERS = {}
ZAP = [None]

OPTS = {
    "zap_domain": zmq.ZAP_DOMAIN, "plain_server": zmq.PLAIN_SERVER,
    "plain_username": zmq.PLAIN_USERNAME, "plain_password": zmq.PLAIN_PASSWORD,
    "curve_server": zmq.CURVE_SERVER, "curve_publickey": zmq.CURVE_PUBLICKEY,
    "curve_secretkey": zmq.CURVE_SECRETKEY, "curve_serverkey": zmq.CURVE_SERVERKEY,
    "heartbeat_ivl": zmq.HEARTBEAT_IVL, "heartbeat_timeout": zmq.HEARTBEAT_TIMEOUT,
    "heartbeat_ttl": zmq.HEARTBEAT_TTL, "rcvhwm": zmq.RCVHWM, "sndhwm": zmq.SNDHWM,
    "linger": zmq.LINGER, "reconnect_ivl": zmq.RECONNECT_IVL,
    "reconnect_ivl_max": zmq.RECONNECT_IVL_MAX, "handshake_ivl": zmq.HANDSHAKE_IVL,
    "maxmsgsize": zmq.MAXMSGSIZE, "routing_id": zmq.IDENTITY,
    "xpub_verbose": zmq.XPUB_VERBOSE, "backlog": zmq.BACKLOG,
    "immediate": zmq.IMMEDIATE, "sndtimeo": zmq.SNDTIMEO,
}


def op_socket(req):
    s = ctx().socket(SOCKET_TYPES[req["type"]])
    s.linger = 0
    for k, v in req.get("opts", {}).items():
        if isinstance(v, str):
            v = v.encode()
        s.setsockopt(OPTS[k], v)
    SOCKS[req["name"]] = s
    if req.get("monitor", True):
        MONS[req["name"]] = Monitor(s)
    return {}


def recv_one(s, timeout_ms):
    if s.poll(timeout_ms, zmq.POLLIN):
        frames = s.recv_multipart(copy=False)
        out = {"frames": [f.bytes.hex() for f in frames]}
        try:
            uid = frames[-1].get("User-Id")
            out["user_id"] = uid
        except Exception:
            pass
        return out
    return None


def handle(req):
    op = req["op"]
    if op == "hello":
        return {"version": zmq.zmq_version(), "pid": os.getpid(),
                "lib": loaded_libzmq()}
    if op == "setrlimit":
        resource.setrlimit(resource.RLIMIT_NOFILE, (req["nofile"], req["nofile"]))
        return {}
    if op == "socket":
        return op_socket(req)
    if op == "bind":
        s = SOCKS[req["name"]]
        s.bind(req["ep"])
        return {"endpoint": s.last_endpoint.decode()}
    if op == "connect":
        SOCKS[req["name"]].connect(req["ep"])
        return {}
    if op == "send":
        s = SOCKS[req["name"]]
        frames = [bytes.fromhex(f) for f in req["frames"]]
        if s.poll(req.get("timeout_ms", 5000), zmq.POLLOUT):
            s.send_multipart(frames, zmq.NOBLOCK)
            return {"sent": True}
        return {"sent": False}
    if op == "recv":
        r = recv_one(SOCKS[req["name"]], req.get("timeout_ms", 1000))
        return r if r else {"timeout": True}
    if op == "drain":
        s, msgs = SOCKS[req["name"]], []
        while True:
            r = recv_one(s, req.get("timeout_ms", 300))
            if r is None:
                break
            msgs.append(r)
            if len(msgs) >= req.get("max", 100000):
                break
        return {"messages": msgs}
    if op == "count":
        s, n = SOCKS[req["name"]], 0
        while s.poll(req.get("timeout_ms", 300), zmq.POLLIN):
            s.recv_multipart()
            n += 1
        return {"count": n}
    if op == "events":
        mon = MONS[req["name"]]
        met, evs, total = mon.wait(req.get("until"), req.get("n", 1),
                                   req.get("timeout_ms", 0), req.get("quiet_ms", 0),
                                   req.get("since", 0))
        return {"met": met, "events": evs, "total": total}
    if op == "zap":
        ZAP[0] = ZapHandler(req["mode"])
        return {}
    if op == "zap_stats":
        return {"requests": ZAP[0].requests if ZAP[0] else []}
    if op == "reader":
        READERS[req["name"]] = Reader(SOCKS[req["name"]], req["interval_ms"])
        return {}
    if op == "reader_stats":
        return {"count": READERS[req["name"]].count}
    if op == "close":
        SOCKS.pop(req["name"]).close(0)
        return {}
    if op == "exit":
        reply({"ok": True})
        os._exit(0)
    raise ValueError("unknown op " + op)


def reply(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def main():
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        req = json.loads(line)
        try:
            out = handle(req)
            out["ok"] = True
        except Exception as e:  # report, keep serving
            out = {"ok": False, "error": "%s: %s" % (type(e).__name__, e)}
        reply(out)
    os._exit(0)


if __name__ == "__main__":
    main()
