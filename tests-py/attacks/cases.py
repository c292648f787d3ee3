"""The attack cases. Each group runner takes (lib, want) and yields
(case_id, outcome); `want(case_id)` says whether a case is selected.

An outcome is a dict:
  exact   - fields that must equal what libzmq 4.3.4 does (one of the
            variants it showed over the recorded runs)
  metrics - numbers compared with a per-case rule (RSS, CPU, counts)
  show    - one short line for the table
  detail  - anything else worth keeping (raw bytes, timings)
"""

import socket
import struct
import time

import zmtp
from harness import (Agent, Raw, RawListener, RssSampler, fmt_events, has_frames,
                     proc_cpu, proc_status, SERVER_PUBLIC,
                     SERVER_SECRET, CLIENT_PUBLIC, CLIENT_SECRET, REAL)

MSG = b"hello"
WAIT_CLOSE_S = 0.5      # how long a connection must survive to count as "kept"


def outcome(exact, show, metrics=None, detail=None):
    return {"exact": exact, "metrics": metrics or {}, "show": show, "detail": detail or {}}


def delivered_str(msgs):
    if not msgs:
        return "none"
    out = []
    for m in msgs:
        frames = [bytes.fromhex(f) for f in m["frames"]]
        s = "+".join(repr(f) for f in frames)
        if m.get("user_id"):
            s += "{User-Id=%s}" % m["user_id"]
        out.append(s)
    return ",".join(out)


def closed_str(state):
    return "kept" if state == "open" else "closed"


# =========================================================== 1. legacy greetings

SERVER_CONFIGS = [
    # name, bound PULL options, ZAP handler mode (None: no handler)
    ("NULL", {}, None),
    ("NULL+domain+ZAP", {"zap_domain": "global"}, "accept"),
    ("NULL+domain,noZAP", {"zap_domain": "global"}, None),
    ("PLAIN+ZAP", {"plain_server": 1}, "accept"),
    ("PLAIN,noZAP", {"plain_server": 1}, None),
    ("CURVE,noZAP", {"curve_server": 1, "curve_secretkey": SERVER_SECRET}, None),
    ("CURVE+ZAP", {"curve_server": 1, "curve_secretkey": SERVER_SECRET}, "accept"),
]

GREETINGS = ["v1.0-unversioned", "v1.0-rev0", "v2.0", "v3.0-NULL", "v3.1-NULL",
             "v3.1-NULL-oneshot", "v3.1-PLAIN"]


def raw_attack(r, greeting):
    """Speak `greeting` to a bound PULL as a PUSH, then send MSG.
    Returns the revision we announced (for parsing the reply).

    First waits (up to 1 s) for the target's 10-byte signature, which both
    libzmq and a conforming peer send at once: without that, whether the
    target's first bytes leave before it reads (and rejects) ours is a race,
    and the bytes it sends back would vary from run to run."""
    r.read_until(lambda b: len(b) >= 10, 1.0)
    if greeting == "v1.0-unversioned":
        # identity frame (empty) then a message, ZMTP 1.0 framing, one write
        r.send(b"\x01\x00" + zmtp.v1_frame(MSG))
        return -1
    if greeting == "v1.0-rev0":
        r.send(zmtp.v2_greeting("PUSH", revision=0) + zmtp.v1_frame(MSG))
        return 0
    if greeting == "v2.0":
        r.send(zmtp.v2_greeting("PUSH", revision=1) + zmtp.frame(MSG))
        return 1
    if greeting == "v3.1-NULL-oneshot":
        r.send(zmtp.greeting_v3(1) + zmtp.ready() + zmtp.frame(MSG))
        return 3
    if greeting in ("v3.0-NULL", "v3.1-NULL"):
        # a well-behaved ZMTP 3 peer: step by step
        r.send(zmtp.greeting_v3(0 if greeting == "v3.0-NULL" else 1))
        if r.read_until(lambda b: len(b) >= 64, 2):
            r.send(zmtp.ready())
            if r.read_until(has_frames(1), 2):
                r.send(zmtp.frame(MSG))
        return 3
    if greeting == "v3.1-PLAIN":
        r.send(zmtp.greeting_v3(1, b"PLAIN"))
        if r.read_until(lambda b: len(b) >= 64, 2):
            r.send(zmtp.plain_hello(b"admin", b"secret"))
            if r.read_until(has_frames(1), 2):            # WELCOME
                r.send(zmtp.plain_initiate())
                if r.read_until(has_frames(2), 2):        # READY
                    r.send(zmtp.frame(MSG))
        return 3
    raise ValueError(greeting)


def observe_bound(agent, name, n0, r, wait_close=WAIT_CLOSE_S, opaque=False, our_revision=3):
    """After an attack: did the target close, which events (a '|' where the
    attacker closed its end), what did it send, what did the app get."""
    state = r.wait_close(wait_close)
    if state == "open":
        before = agent.events(name, since=n0, quiet_ms=100)["events"]
    else:
        before = agent.events(name, until=["DISCONNECTED"], timeout_ms=2000,
                              quiet_ms=100, since=n0)["events"]
    r.close()
    evs = agent.events(name, until=["DISCONNECTED"], timeout_ms=3000, quiet_ms=150,
                       since=n0)["events"]
    msgs = agent.call("drain", name=name, timeout_ms=200)["messages"]
    reply = zmtp.describe_stream(r.buf, opaque=opaque, our_revision=our_revision)
    ev_s = fmt_events(evs, len(before))
    return {
        "closed": closed_str(state),
        "events": ev_s,
        "reply": reply,
        "delivered": delivered_str(msgs),
    }, {"close_kind": state, "send_error": r.send_error, "reply_hex": bytes(r.buf[:400]).hex()}


def group_legacy_bound(lib, want):
    for cfg, opts, zap in SERVER_CONFIGS:
        ids = ["1a.legacy-bind/%s/%s" % (cfg, g) for g in GREETINGS]
        if not any(want(i) for i in ids):
            continue
        with Agent(lib) as a:
            if zap:
                a.call("zap", mode=zap)
            a.socket("s", "PULL", **opts)
            port = a.bind_tcp("s")
            for g, cid in zip(GREETINGS, ids):
                if not want(cid):
                    continue
                n0 = a.nevents("s")
                r = Raw(port)
                rev = raw_attack(r, g)
                exact, detail = observe_bound(a, "s", n0, r, opaque="CURVE" in cfg,
                                              our_revision=rev)
                show = "%s; %s; msg:%s; sent:%s" % (exact["closed"], exact["events"],
                                                    exact["delivered"], exact["reply"])
                yield cid, outcome(exact, show, detail=detail)


CLIENT_CONFIGS = [
    ("NULL", {}),
    ("NULL+domain", {"zap_domain": "global"}),
    ("PLAIN-client", {"plain_username": "admin", "plain_password": "secret"}),
    ("CURVE-client", {"curve_serverkey": SERVER_PUBLIC, "curve_publickey": CLIENT_PUBLIC,
                      "curve_secretkey": CLIENT_SECRET}),
]

SERVER_GREETINGS = {
    # what a legacy (or NULL 3.0) PULL server sends as soon as it accepts
    "v1.0-unversioned": (b"\x01\x00", -1),
    "v1.0-rev0": (zmtp.v2_greeting("PULL", revision=0), 0),
    "v2.0": (zmtp.v2_greeting("PULL", revision=1), 1),
    "v3.0-NULL": (zmtp.greeting_v3(0) + zmtp.ready(b"PULL"), 3),
}


def cut_at_reconnect(evs):
    """Events of the first connection; a later CONNECTED is shown once as
    '->reconnects'."""
    out, seen_disc = [], False
    for e in evs:
        if e["event"] == "DISCONNECTED":
            seen_disc = True
        elif seen_disc and e["event"] in ("CONNECTED", "CONNECT_DELAYED"):
            out.append({"event": "->RECONNECTS", "value": None})
            break
        out.append(e)
    return out


def recover_zero_key_messages(data):
    """CURVE MESSAGE boxes a client sent before any key exchange: open them
    with the key every all-zero peer key yields (see nacl_min)."""
    import nacl_min
    found, i = [], 0
    while True:
        i = data.find(b"\x07MESSAGE", i)
        if i < 2:
            break
        for n in (data[i - 1], data[i - 2] - 1):      # 2.0 size; 1.0 length - flags
            opened = nacl_min.open_message_with_zero_key(data[i:i + n])
            if opened:
                found.append(opened[1])
                break
        i += 1
    return found


def group_legacy_connect(lib, want):
    for cfg, opts in CLIENT_CONFIGS:
        for sg, (greeting, rev) in SERVER_GREETINGS.items():
            cid = "1b.legacy-connect/%s/%s" % (cfg, sg)
            if not want(cid):
                continue
            L = RawListener()
            with Agent(lib) as a:
                a.socket("c", "PUSH", reconnect_ivl=100, **opts)
                a.call("connect", name="c", ep="tcp://127.0.0.1:%d" % L.port)
                a.call("send", name="c", frames=[MSG.hex()])
                r = L.accept(5)
                # answer after the client's signature (as in 1a: deterministic)
                r.read_until(lambda b: len(b) >= 10, 1.0)
                r.send(greeting)
                state = r.wait_close(1.0)
                # let the client's events settle (its DISCONNECTED if it closed)
                if state == "open":
                    a.events("c", quiet_ms=150)
                else:
                    a.events("c", until=["DISCONNECTED"], timeout_ms=2000, quiet_ms=150)
                again = L.count_more(0.6)     # measured: reconnects within 0.6 s
                ev_all = a.events("c", quiet_ms=50)["events"]
                r.close()
                L.close()
            shown = fmt_events(cut_at_reconnect(ev_all))
            exact = {"closed": closed_str(state), "events": shown,
                     "client_sent": zmtp.describe_stream(r.buf, our_revision=rev,
                                                         opaque="CURVE" in cfg),
                     "reconnects": "yes" if again else "no"}
            show = "%s; %s; reconnects:%s; client sent:%s" % (
                exact["closed"], shown, exact["reconnects"], exact["client_sent"])
            if "CURVE" in cfg:
                rec = recover_zero_key_messages(bytes(r.buf))
                exact["decrypted_without_keys"] = repr(rec) if rec else "nothing"
                if rec:
                    show += "; DECRYPTED WITHOUT ANY KEY: %r" % rec
            yield cid, outcome(exact, show, metrics={"reconnects_0.6s": again},
                               detail={"client_hex": bytes(r.buf[:400]).hex(), "close_kind": state})


GROUPS = [
    ("1a", group_legacy_bound),
    ("1b", group_legacy_connect),
]


# =========================================================== helpers for floods

def null_handshake(r, socket_type=b"PUSH", minor=1):
    """Greeting + READY, step by step, as a well-behaved NULL peer."""
    r.read_until(lambda b: len(b) >= 10, 2)
    r.send(zmtp.greeting_v3(minor))
    if not r.read_until(lambda b: len(b) >= 64, 2):
        return False
    r.send(zmtp.ready(socket_type))
    return r.read_until(has_frames(1), 2)


def flood(r, chunk, duration, rate=None):
    """Write `chunk` repeatedly (frame-aligned) for `duration` seconds without
    ever reading. rate: bytes/s cap (None: as fast as the socket takes).
    Returns (bytes sent, error or None)."""
    import select as _select
    s = r.s
    s.setblocking(False)
    mv = memoryview(chunk)
    off, sent, err = 0, 0, None
    t0 = time.monotonic()
    end = t0 + duration
    while True:
        now = time.monotonic()
        if now >= end:
            break
        if rate is not None and sent >= rate * (now - t0):
            time.sleep(0.005)
            continue
        _, w, _ = _select.select([], [s], [], min(0.05, end - now))
        if not w:
            continue
        try:
            limit = len(chunk) if rate is None else max(1, min(len(chunk) - off, 65536))
            n = s.send(mv[off:off + limit] if rate is not None else mv[off:])
        except (BlockingIOError, InterruptedError):
            continue
        except (BrokenPipeError, ConnectionResetError) as e:
            err = type(e).__name__
            break
        sent += n
        off = (off + n) % len(chunk)
    s.setblocking(True)
    return sent, err


def drain_count(r, pattern, max_s=5.0, quiet_s=0.5):
    """Read what the target queued for us (never read during the flood):
    counts `pattern` occurrences; stops at EOF/RST, after quiet_s without
    data or after max_s. Returns (count, bytes, state)."""
    import select as _select
    s = r.s
    s.setblocking(False)
    count, total, tail = 0, 0, b""
    end = time.monotonic() + max_s
    state = "open"
    while time.monotonic() < end:
        rd, _, _ = _select.select([s], [], [], quiet_s)
        if not rd:
            break
        try:
            d = s.recv(1 << 20)
        except (BlockingIOError, InterruptedError):
            continue
        except ConnectionResetError:
            state = "rst"
            break
        if not d:
            state = "eof"
            break
        total += len(d)
        data = tail + d
        count += data.count(pattern)
        # keep a tail shorter than the pattern so nothing is counted twice
        tail = data[-(len(pattern) - 1):]
    s.setblocking(True)
    r.state = state if state != "open" else r.state
    return count, total, state


def cpu_of(pid):
    return proc_cpu(pid)[0]


# =========================================================== 2. PING flood

PING_VARIANTS = [
    ("ttl0", zmtp.ping(0)),
    ("ttlFFFF+ctx16", zmtp.ping(0xFFFF, b"0123456789abcdef")),
]
PING_SECONDS = [2, 4, 8]


def group_ping_flood(lib, want):
    for vname, one in PING_VARIANTS:
        for secs in PING_SECONDS:
            cid = "2.ping-flood/%s/%ds" % (vname, secs)
            if not want(cid):
                continue
            with Agent(lib) as a:
                a.socket("s", "PULL")
                port = a.bind_tcp("s")
                r = Raw(port)
                ok = null_handshake(r)
                a.events("s", until=["HANDSHAKE_SUCCEEDED"], timeout_ms=2000)
                n0 = a.nevents("s")
                chunk = one * (65536 // len(one))
                rss = RssSampler(a.pid)
                c0 = cpu_of(a.pid)
                sent, err = flood(r, chunk, secs)
                cpu = cpu_of(a.pid) - c0
                mem = rss.stop()
                pongs, pong_bytes, state = drain_count(r, b"\x04PONG", max_s=8)
                delivered = "n/a"
                if state == "open" and not err:
                    r.send(zmtp.frame(b"after-flood"))
                    got = a.call("recv", name="s", timeout_ms=3000)
                    delivered = "yes" if not got.get("timeout") else "no"
                evs = a.events("s", since=n0, quiet_ms=100)["events"]
                r.close()
            closed = "closed" if (err or state != "open") else "kept"
            exact = {"handshake": "ok" if ok else "failed", "closed": closed,
                     "events_during": fmt_events(evs), "delivered_after": delivered}
            metrics = {"rss_growth_mb": mem["growth_mb"], "rss_peak_mb": mem["peak_mb"],
                       "pings_sent": sent // len(one), "pongs_back": pongs,
                       "cpu_s": round(cpu, 2)}
            show = "%s; +%.1f MB RSS (peak %.1f); %d pings -> %d pongs; msg after:%s" % (
                closed, mem["growth_mb"], mem["peak_mb"], sent // len(one), pongs, delivered)
            yield cid, outcome(exact, show, metrics, {"send_error": err, "mem": mem,
                                                       "pong_bytes": pong_bytes})


# =========================================================== 3. other floods

def run_flood_case(lib, sock_type, peer_type, chunk, secs, reader_ms=None, opts=None):
    with Agent(lib) as a:
        a.socket("s", sock_type, **(opts or {}))
        port = a.bind_tcp("s")
        if reader_ms is not None:
            a.call("reader", name="s", interval_ms=reader_ms)
        r = Raw(port)
        ok = null_handshake(r, peer_type)
        a.events("s", until=["HANDSHAKE_SUCCEEDED"], timeout_ms=2000)
        n0 = a.nevents("s")
        rss = RssSampler(a.pid)
        c0 = cpu_of(a.pid)
        sent, err = flood(r, chunk, secs)
        cpu = cpu_of(a.pid) - c0
        mem = rss.stop()
        got = a.call("reader_stats", name="s")["count"] if reader_ms is not None else 0
        state = r.wait_close(0.2) if not err else "closed"
        evs = a.events("s", since=n0, quiet_ms=100)["events"]
        r.close()
    closed = "closed" if (err or state != "open") else "kept"
    exact = {"handshake": "ok" if ok else "failed", "closed": closed,
             "events_during": fmt_events(evs)}
    metrics = {"rss_growth_mb": mem["growth_mb"], "rss_peak_mb": mem["peak_mb"],
               "mb_sent": round(sent / 1e6, 1), "app_read": got, "cpu_s": round(cpu, 2)}
    show = "%s; +%.1f MB RSS; attacker wrote %.1f MB%s" % (
        closed, mem["growth_mb"], sent / 1e6,
        "; app read %d" % got if reader_ms is not None else "")
    return outcome(exact, show, metrics, {"send_error": err, "mem": mem})


def group_floods(lib, want):
    subcancel = zmtp.subscribe(b"topic-01") + zmtp.cancel(b"topic-01")
    cases = [
        ("3a.xpub-sub-cancel/app-never-reads", "XPUB", b"SUB", subcancel, None),
        ("3a.xpub-sub-cancel/app-reads-every-10ms", "XPUB", b"SUB", subcancel, 10),
        ("3b.pull-tiny-msgs/app-never-reads", "PULL", b"PUSH", zmtp.frame(b"x"), None),
    ]
    for cid, st, pt, one, reader in cases:
        if not want(cid):
            continue
        chunk = one * (65536 // len(one))
        yield cid, run_flood_case(lib, st, pt, chunk, 4, reader)


def attack_during_handshake(lib, cfg_opts, zap, greeting, payload, *, rate=None,
                            secs=None, wait_close=1.0, mech=b"NULL"):
    """Greeting, then `payload` (bytes, or (header, filler-chunk) streamed at
    `rate` for `secs`), watching RSS; then close. Outcome with events."""
    with Agent(lib) as a:
        if zap:
            a.call("zap", mode=zap)
        a.socket("s", "PULL", **cfg_opts)
        port = a.bind_tcp("s")
        n0 = a.nevents("s")
        r = Raw(port)
        r.read_until(lambda b: len(b) >= 10, 2)
        r.send(greeting)
        r.read_until(lambda b: len(b) >= 64, 2)
        rss = RssSampler(a.pid)
        sent, err = 0, None
        if isinstance(payload, tuple):
            header, filler = payload
            r.send(header)
            sent, err = flood(r, filler, secs, rate=rate)
            sent += len(header)
        else:
            ok = r.send(payload)
            sent = len(payload) if ok else 0
            err = r.send_error
        state = r.wait_close(wait_close) if not err else "rst"
        mem = rss.stop()
        if state == "open":
            before = a.events("s", since=n0, quiet_ms=100)["events"]
        else:
            before = a.events("s", until=["DISCONNECTED"], timeout_ms=2000, quiet_ms=100,
                              since=n0)["events"]
        r.close()
        evs = a.events("s", until=["DISCONNECTED"], timeout_ms=3000, quiet_ms=150,
                       since=n0)["events"]
        after = proc_status(a.pid).get("VmRSS", 0) / 1024
    exact = {"closed": closed_str(state if not err else "rst"),
             "events": fmt_events(evs, len(before)),
             "reply": zmtp.describe_stream(r.buf, opaque=(mech == b"CURVE"))}
    metrics = {"rss_growth_mb": mem["growth_mb"], "mb_sent": round(sent / 1e6, 1),
               "rss_after_close_mb": round(after - mem["base_mb"], 1)}
    show = "%s; %s; +%.1f MB RSS (%.1f MB sent); sent back: %s" % (
        exact["closed"], exact["events"], mem["growth_mb"], sent / 1e6, exact["reply"])
    return outcome(exact, show, metrics, {"send_error": err, "close_kind": state})


PLAIN_ZAP = ({"plain_server": 1}, "accept")
CURVE_NOZAP = ({"curve_server": 1, "curve_secretkey": SERVER_SECRET}, None)


def curve_hello(size):
    body = b"\x05HELLO" + b"\x01\x00" + b"\0" * 72 + b"\x11" * 32 + b"\0" * 8 + b"\x22" * 80
    body = (body + b"\x33" * max(0, size - len(body)))[:size]
    return zmtp.frame(body, flags=0x04)


def group_handshake_floods(lib, want):
    g_null = zmtp.greeting_v3(1)
    g_plain = zmtp.greeting_v3(1, b"PLAIN")
    g_curve = zmtp.greeting_v3(1, b"CURVE")
    huge = 100 * 1000 * 1000
    props = b"\x05READY" + b"\x0bSocket-Type" + struct.pack(">I", 4) + b"PUSH"
    big_ready_head = (zmtp.long_header(huge, 0x04) + props + b"\x01X" +
                      struct.pack(">I", huge - len(props) - 6))
    trailing = 32 * 1000 * 1000
    hello_big_body = b"\x05HELLO\x05admin\x06secret" + b"\0" * trailing
    cases = [
        ("3c.ready-100MB-metadata-12MB/s-4s", ({}, None), g_null,
         (big_ready_head, b"\xaa" * 65536), dict(rate=12e6, secs=4)),
        ("3d.2^62-command-header/NULL", ({}, None), g_null,
         zmtp.long_header(1 << 62, 0x04), {}),
        ("3d.2^62-data-header/NULL", ({}, None), g_null,
         zmtp.long_header(1 << 62, 0x00), {}),
        ("3d.2^62-command-header/PLAIN", PLAIN_ZAP, g_plain,
         zmtp.long_header(1 << 62, 0x04), {}),
        ("3d.2^62-command-header/CURVE", CURVE_NOZAP, g_curve,
         zmtp.long_header(1 << 62, 0x04), dict(mech=b"CURVE")),
        ("3e.plain-hello/username-len-255-overruns", PLAIN_ZAP, g_plain,
         zmtp.command(b"HELLO", b"\xffadmin"), {}),
        ("3e.plain-hello/password-len-overruns", PLAIN_ZAP, g_plain,
         zmtp.command(b"HELLO", b"\x05admin\xf0secret"), {}),
        ("3e.plain-hello/255-byte-fields", PLAIN_ZAP, g_plain,
         zmtp.plain_hello(b"u" * 255, b"p" * 255), {}),
        ("3e.plain-hello/32MB-trailing", PLAIN_ZAP, g_plain,
         zmtp.long_header(len(hello_big_body), 0x04) + hello_big_body, {}),
        ("3f.curve-hello/199-bytes", CURVE_NOZAP, g_curve, curve_hello(199), dict(mech=b"CURVE")),
        ("3f.curve-hello/201-bytes", CURVE_NOZAP, g_curve, curve_hello(201), dict(mech=b"CURVE")),
        ("3f.curve-hello/1MiB", CURVE_NOZAP, g_curve, curve_hello(1 << 20), dict(mech=b"CURVE")),
    ]
    for cid, (opts, zap), greeting, payload, kw in cases:
        if not want(cid):
            continue
        yield cid, attack_during_handshake(lib, opts, zap, greeting, payload, **kw)


GROUPS += [
    ("2", group_ping_flood),
    ("3", group_floods),
    ("3h", group_handshake_floods),
]


# =========================================================== 4. fd exhaustion

FD_LIMIT = 64
FD_BURST = 300
FD_ITERATIONS = 10
FD_HOLD_S = 1.0


def group_fd_exhaustion(lib, want):
    for monitor in (True, False):
        cid = "4.fd-exhaustion/nofile%d-burst%d-x%d%s" % (
            FD_LIMIT, FD_BURST, FD_ITERATIONS, "" if monitor else "/no-monitor")
        if want(cid):
            yield cid, fd_exhaustion(lib, monitor)


def fd_exhaustion(lib, monitor):
    """RLIMIT_NOFILE 64, bound PULL, 300 raw connections held 1 s then
    closed, then a good PUSH must get a message through; 10 times. Without
    the monitor (monitor=False) the I/O thread's own CPU shows whether it
    spins (a monitor's event traffic throttles and hides it)."""
    good_lib = REAL   # the well-behaved PUSH may be the real libzmq
    delivered, accept_failed, af_values, cpu_max, busiest = 0, 0, set(), 0.0, {}
    accepted, established, fails = 0, 0, []
    with Agent(lib) as a, Agent(good_lib, name="good-client") as g:
        a.call("setrlimit", nofile=FD_LIMIT)
        a.socket("s", "PULL", monitor=monitor)
        if monitor:
            port = a.bind_tcp("s")
        else:
            ep = a.call("bind", name="s", ep="tcp://127.0.0.1:0")["endpoint"]
            port = int(ep.rsplit(":", 1)[1])
        for it in range(FD_ITERATIONS):
            n0 = a.nevents("s") if monitor else 0
            socks = []
            for _ in range(FD_BURST):
                s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                s.setblocking(False)
                s.connect_ex(("127.0.0.1", port))
                socks.append(s)
            c0, t0 = proc_cpu(a.pid)
            time.sleep(FD_HOLD_S)          # the time window is what is measured
            c1, t1 = proc_cpu(a.pid)
            cpu = c1 - c0
            cpu_max = max(cpu_max, cpu)
            for name, v in t1.items():
                d = v - t0.get(name, 0.0)
                busiest[name] = max(busiest.get(name, 0.0), d)
            import select as _select
            _, w, _ = _select.select([], socks, [], 0)
            established += sum(1 for s in w
                               if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0)
            for s in socks:
                s.close()
            # let the target work through what it accepted/queued (quiet 300 ms)
            if monitor:
                a.events("s", since=n0, quiet_ms=300, timeout_ms=0)
            g.socket("p%d" % it, "PUSH", monitor=False)
            g.call("connect", name="p%d" % it, ep="tcp://127.0.0.1:%d" % port)
            g.call("send", name="p%d" % it, frames=[("good-%d" % it).encode().hex()])
            got = a.call("recv", name="s", timeout_ms=5000)
            ok = not got.get("timeout")
            delivered += ok
            if not ok:
                fails.append(it)
            g.call("close", name="p%d" % it)
            evs = a.events("s", since=n0, quiet_ms=200)["events"] if monitor else []
            for e in evs:
                if e["event"] == "ACCEPT_FAILED":
                    accept_failed += 1
                    af_values.add(e["value"])
                elif e["event"] == "ACCEPTED":
                    accepted += 1
            if not a.alive():
                break
        alive = a.alive()
    top = sorted(busiest.items(), key=lambda kv: -kv[1])[:2]
    exact = {"delivered": "%d/%d" % (delivered, FD_ITERATIONS),
             "target_alive": "yes" if alive else "no"}
    if monitor:
        exact["accept_failed_events"] = ("yes(%s)" % ",".join(sorted(af_values))
                                         if accept_failed else "none")
    metrics = {"cpu_s_per_hold_max": round(cpu_max, 2), "accept_failed_count": accept_failed,
               "accepted_count": accepted, "attacker_established": established}
    show = "%s delivered;%s max CPU %.2f s per %.0f s hold (%s)" % (
        exact["delivered"],
        " ACCEPT_FAILED x%d %s;" % (accept_failed, ",".join(sorted(af_values))) if monitor else "",
        cpu_max, FD_HOLD_S, ", ".join("%s %.2f" % kv for kv in top))
    return outcome(exact, show, metrics, {"failed_iterations": fails,
                                              "threads": {k: round(v, 2) for k, v in busiest.items()}})


# =========================================================== 5. ZAP failure modes

ZAP_MECHS = [
    ("NULL+domain", {"zap_domain": "global"}, {}),
    ("PLAIN", {"plain_server": 1}, {"plain_username": "admin", "plain_password": "secret"}),
    ("CURVE", {"curve_server": 1, "curve_secretkey": SERVER_SECRET},
     {"curve_serverkey": SERVER_PUBLIC, "curve_publickey": CLIENT_PUBLIC,
      "curve_secretkey": CLIENT_SECRET}),
]
ZAP_MODES = ["accept", "close", "frames", "version", "reqid", "status:299", "silent",
             "code:300", "code:400", "code:500"]
TERMINAL = ["HANDSHAKE_SUCCEEDED", "HANDSHAKE_FAILED_NO_DETAIL", "HANDSHAKE_FAILED_PROTOCOL",
            "HANDSHAKE_FAILED_AUTH", "DISCONNECTED"]
ZAP_WAIT_MS = 2000      # (c): a handler that never answers, within 2 s
RECONNECT_WINDOW_S = 0.6


def cut_second(evs, first):
    """Events up to a second `first` event (a reconnect), shown once."""
    out, n = [], 0
    for e in evs:
        if e["event"] == first:
            n += 1
            if n == 2:
                out.append({"event": "->RECONNECTS", "value": None})
                break
        out.append(e)
    return out


def group_zap(lib, want):
    for mname, sopts, copts in ZAP_MECHS:
        for mode in ZAP_MODES:
            cid = "5.zap/%s/%s" % (mname, mode)
            if not want(cid):
                continue
            with Agent(lib) as a, Agent(lib, name="client") as c:
                a.call("zap", mode=mode)
                a.socket("s", "PULL", **sopts)
                port = a.bind_tcp("s")
                n0 = a.nevents("s")
                c.socket("c", "PUSH", reconnect_ivl=200, **copts)
                c.call("connect", name="c", ep="tcp://127.0.0.1:%d" % port)
                c.call("send", name="c", frames=[MSG.hex()])
                a.events("s", until=TERMINAL, timeout_ms=ZAP_WAIT_MS, since=n0)
                c.events("c", until=TERMINAL, timeout_ms=1000)
                time.sleep(RECONNECT_WINDOW_S)   # measured: reconnects in this window
                tev = a.events("s", since=n0)["events"]
                cev = c.events("c")["events"]
                msgs = a.call("drain", name="s", timeout_ms=200)["messages"]
                reqs = a.call("zap_stats")["requests"]
            t_s = fmt_events(cut_second(tev, "ACCEPTED"))
            c_s = fmt_events(cut_second(cev, "CONNECTED"))
            exact = {"bound": t_s, "client": c_s, "delivered": delivered_str(msgs),
                     "zap_requests": "1" if len(reqs) == 1 else ("0" if not reqs else ">1"),
                     # the request frames (RFC 27), byte for byte
                     "zap_request": repr([bytes.fromhex(f) for f in reqs[0]]) if reqs else "none"}
            show = "msg:%s; bound: %s; client: %s; ZAP requests:%d" % (
                exact["delivered"], t_s, c_s, len(reqs))
            yield cid, outcome(exact, show, {"zap_requests_n": len(reqs)},
                               {"zap_request_frames": reqs[:1]})
        if mname != "NULL+domain":
            continue
        for mode in ZAP_MODES:
            cid = "5.zap-raw/NULL+domain/%s" % mode
            if not want(cid):
                continue
            with Agent(lib) as a:
                a.call("zap", mode=mode)
                a.socket("s", "PULL", **sopts)
                port = a.bind_tcp("s")
                n0 = a.nevents("s")
                r = Raw(port)
                r.read_until(lambda b: len(b) >= 10, 2)
                r.send(zmtp.greeting_v3(1))
                r.read_until(lambda b: len(b) >= 64, 2)
                r.send(zmtp.ready())
                got = r.read_until(has_frames(1), ZAP_WAIT_MS / 1000.0)
                if got and b"READY" in bytes(r.buf[64:80]):
                    r.send(zmtp.frame(MSG))
                exact, detail = observe_bound(a, "s", n0, r, wait_close=WAIT_CLOSE_S)
            show = "%s; %s; msg:%s; sent back:%s" % (exact["closed"], exact["events"],
                                                     exact["delivered"], exact["reply"])
            yield cid, outcome(exact, show, detail=detail)


GROUPS += [
    ("4", group_fd_exhaustion),
    ("5", group_zap),
]


# =========================================================== 6. heartbeats

def count_ev(evs, *names):
    return sum(1 for e in evs if e["event"] in names)


HB_BOUND = [
    # case, bound ROUTER options (library under test), seconds
    ("ivl50", {"heartbeat_ivl": 50}, 3),
    ("ivl1000", {"heartbeat_ivl": 1000}, 5),
    ("ivl50+timeout200", {"heartbeat_ivl": 50, "heartbeat_timeout": 200}, 3),
    ("ivl50+ttl500", {"heartbeat_ivl": 50, "heartbeat_ttl": 500}, 3),
]
HB_CONNECT = [
    # case, connecting DEALER options (library under test), seconds
    ("ivl50", {"heartbeat_ivl": 50}, 3),
    ("ivl1000", {"heartbeat_ivl": 1000}, 5),
    ("ivl50+timeout200", {"heartbeat_ivl": 50, "heartbeat_timeout": 200}, 3),
    ("ivl100+ttl500", {"heartbeat_ivl": 100, "heartbeat_ttl": 500}, 3),
    ("ivl1000+ttl200", {"heartbeat_ivl": 1000, "heartbeat_ttl": 200}, 3),
]


def heartbeat_pair(lib, peer_lib, bound_opts, connect_opts, secs, test_side):
    """Bound ROUTER and connecting DEALER in two processes; the DEALER sends
    one message at the start and one at the end (both must arrive)."""
    bound_lib, conn_lib = (lib, peer_lib) if test_side == "bound" else (peer_lib, lib)
    with Agent(bound_lib, name="router") as b, Agent(conn_lib, name="dealer") as d:
        b.socket("r", "ROUTER", **bound_opts)
        port = b.bind_tcp("r")
        n0 = b.nevents("r")
        d.socket("d", "DEALER", reconnect_ivl=100, **connect_opts)
        d.call("connect", name="d", ep="tcp://127.0.0.1:%d" % port)
        d.call("send", name="d", frames=[b"start".hex()])
        first = b.call("recv", name="r", timeout_ms=3000)
        time.sleep(secs)                      # the run length is what is measured
        d.call("send", name="d", frames=[b"end".hex()])
        last = b.call("recv", name="r", timeout_ms=3000)
        bev = b.events("r", since=n0)["events"]
        dev = d.events("d")["events"]
    disc = count_ev(bev, "DISCONNECTED")
    exact = {"start_msg": "yes" if not first.get("timeout") else "no",
             "end_msg": "yes" if not last.get("timeout") else "no",
             "connection": "stable" if disc == 0 else "dropped"}
    metrics = {"bound_accepted_count": count_ev(bev, "ACCEPTED"),
               "bound_disconnected_count": disc,
               "dealer_connected_count": count_ev(dev, "CONNECTED"),
               "dealer_disconnected_count": count_ev(dev, "DISCONNECTED")}
    show = "%s; bound ACCEPTED x%d DISCONNECTED x%d; dealer CONNECTED x%d; msgs %s/%s" % (
        exact["connection"], metrics["bound_accepted_count"], disc,
        metrics["dealer_connected_count"], exact["start_msg"], exact["end_msg"])
    first_events = fmt_events(bev[:6])
    return outcome(exact, show, metrics, {"bound_events_head": first_events})


def raw_heartbeat_peer(lib, bound_opts, secs=2.0, send_ping=None):
    """A raw DEALER that completes the NULL handshake and then never sends
    anything (or one PING, `send_ping` = (ttl, ctx)): which PINGs does the
    bound ROUTER send, and when does it drop us?"""
    with Agent(lib) as b:
        b.socket("r", "ROUTER", **bound_opts)
        port = b.bind_tcp("r")
        n0 = b.nevents("r")
        r = Raw(port)
        null_handshake(r, b"DEALER")
        hs_len = len(r.buf)
        t0 = time.monotonic()
        if send_ping is not None:
            r.send(zmtp.ping(*send_ping))
        state = r.wait_close(secs)
        t_close = time.monotonic() - t0 if state != "open" else None
        if state == "open":
            before = b.events("r", since=n0, quiet_ms=100)["events"]
        else:
            before = b.events("r", until=["DISCONNECTED"], timeout_ms=2000, quiet_ms=100,
                              since=n0)["events"]
        r.close()
        evs = b.events("r", until=["DISCONNECTED"], timeout_ms=3000, quiet_ms=150,
                       since=n0)["events"]
    items, _ = zmtp.parse_frames(bytes(r.buf[hs_len:]))
    pings = [i for i in items if i.startswith("PING")]
    others = [i for i in items if not i.startswith("PING")]
    exact = {"closed": closed_str(state), "events": fmt_events(evs, len(before)),
             "ping_bytes": sorted(set(pings))[:3] and ",".join(sorted(set(pings))) or "none",
             "other_frames": ",".join(others) or "none",
             "pings_sent": "none" if not pings else ("one" if len(pings) == 1 else "several")}
    metrics = {"pings_count": len(pings),
               "close_after_ms": round(t_close * 1000) if t_close is not None else -1}
    show = "%s%s; %s; PINGs x%d %s; other frames: %s" % (
        exact["closed"], " after %d ms" % metrics["close_after_ms"] if t_close is not None else "",
        exact["events"], len(pings), exact["ping_bytes"], exact["other_frames"])
    return outcome(exact, show, metrics)


def group_heartbeats(lib, want):
    peers = [("peer-real", REAL), ("peer-same", lib)]
    for name, opts, secs in HB_BOUND:
        for pname, plib in peers:
            cid = "6a.hb-bound-router/%s/%s" % (name, pname)
            if want(cid):
                yield cid, heartbeat_pair(lib, plib, opts, {}, secs, "bound")
    for name, opts, secs in HB_CONNECT:
        for pname, plib in peers:
            cid = "6b.hb-connecting-dealer/%s/%s" % (name, pname)
            if want(cid):
                yield cid, heartbeat_pair(lib, plib, {}, opts, secs, "connect")
    raw = [
        ("6c.hb-raw-silent-peer/ivl50", {"heartbeat_ivl": 50}, None),
        ("6c.hb-raw-silent-peer/ivl50+timeout200", {"heartbeat_ivl": 50, "heartbeat_timeout": 200}, None),
        ("6c.hb-raw-silent-peer/ivl50+ttl1000", {"heartbeat_ivl": 50, "heartbeat_ttl": 1000}, None),
        ("6d.hb-raw-ping-then-silent/ttl0", {}, (0, b"")),
        ("6d.hb-raw-ping-then-silent/ttl3(300ms)", {}, (3, b"")),
        ("6d.hb-raw-ping-then-silent/ttl656(65.6s)", {}, (656, b"")),
        ("6d.hb-raw-ping-then-silent/ttl3+ctx", {}, (3, b"ctx-0123456789ab")),
    ]
    for cid, opts, ping in raw:
        if want(cid):
            yield cid, raw_heartbeat_peer(lib, opts, 2.0, ping)


GROUPS += [("6", group_heartbeats)]
