"""Plumbing for the attack cases: target processes, raw TCP attackers,
/proc sampling. No libzmq in this process."""

import errno
import json
import os
import select
import socket
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
AGENT = os.path.join(HERE, "agent.py")
PYTHON = "/usr/bin/python3"   # Debian's python3 owns python3-zmq (pyzmq 24)
REAL = None                   # "library" value meaning Debian's libzmq 4.3.4

# Fixed CURVE test keys (zmq_curve_keypair output).
SERVER_PUBLIC = "+zQ*V-sLoG1XZqPb0@)7}PJ:ImExkhnqedtHXjbf"
SERVER_SECRET = ".:LrkX/D*T77NAa3f:Y4SvIkl5j!1P}%G2j[mQe-"
CLIENT_PUBLIC = "Qa3$Ms7wNtaRroqq(*$nZ5ylgTT(XFP.isr@Pw&O"
CLIENT_SECRET = "11Gy6>9]@-t}djuO-ihC@wErp96*3r:F:G{ZX=ob"

LOG = {"verbose": False}


def log(*a):
    if LOG["verbose"]:
        print("   ", *a, file=sys.stderr, flush=True)


class AgentError(Exception):
    pass


class Agent:
    """A pyzmq process on `lib` (None: Debian's libzmq; else a directory put
    first in LD_LIBRARY_PATH)."""

    def __init__(self, lib, name="target"):
        env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
        if lib:
            env["LD_LIBRARY_PATH"] = lib
        self.name = name
        self.lib = lib
        self.errfile = open(os.devnull, "w")
        self.p = subprocess.Popen([PYTHON, "-I", AGENT], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=self.errfile,
                                  env=env, text=True, bufsize=1)
        self.pid = self.p.pid
        self.info = self.call("hello")
        self.version = self.info["version"]
        want = "4.3.4" if lib is None else None
        if want and self.version != want:
            raise AgentError("expected Debian's libzmq %s, got %s" % (want, self.version))

    def call(self, op, timeout=30, **kw):
        kw["op"] = op
        try:
            self.p.stdin.write(json.dumps(kw) + "\n")
            self.p.stdin.flush()
        except BrokenPipeError:
            raise AgentError("%s died (rc=%s) before %s" % (self.name, self.p.poll(), op))
        r, _, _ = select.select([self.p.stdout], [], [], timeout)
        if not r:
            raise AgentError("%s: no answer to %s in %ss" % (self.name, op, timeout))
        line = self.p.stdout.readline()
        if not line:
            raise AgentError("%s died (rc=%s) during %s" % (self.name, self.p.wait(5), op))
        out = json.loads(line)
        if not out.get("ok"):
            raise AgentError("%s: %s failed: %s" % (self.name, op, out.get("error")))
        return out

    # conveniences
    def socket(self, name, type_, monitor=True, **opts):
        return self.call("socket", name=name, type=type_, opts=opts, monitor=monitor)

    def bind_tcp(self, name):
        """Bind on a free port; returns once the monitor has seen LISTENING,
        so later event slices start clean."""
        ep = self.call("bind", name=name, ep="tcp://127.0.0.1:0")["endpoint"]
        self.events(name, until=["LISTENING"], timeout_ms=2000)
        return int(ep.rsplit(":", 1)[1])

    def nevents(self, name):
        return self.events(name)["total"]

    def events(self, name, until=None, n=1, timeout_ms=0, quiet_ms=0, since=0):
        return self.call("events", name=name, until=until, n=n, timeout_ms=timeout_ms,
                         quiet_ms=quiet_ms, since=since,
                         timeout=30 + (timeout_ms + quiet_ms) / 1000.0)

    def alive(self):
        return self.p.poll() is None

    def close(self):
        if self.p.poll() is None:
            try:
                self.call("exit", timeout=5)
            except Exception:
                pass
            try:
                self.p.wait(5)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        self.errfile.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def fmt_events(evs, marker_index=None):
    """'ACCEPTED HANDSHAKE_FAILED_PROTOCOL(ZMTP_MECHANISM_MISMATCH) DISCONNECTED';
    a '|' where the attacker closed its end (marker_index = events before)."""
    out = []
    for i, e in enumerate(evs):
        if marker_index is not None and i == marker_index:
            out.append("|")
        v = e["value"]
        out.append(e["event"] if v is None else "%s(%s)" % (e["event"], v))
    if marker_index is not None and marker_index >= len(evs):
        out.append("|")
    return " ".join(out) if out else "(none)"


# ------------------------------------------------------------- /proc reading

def proc_status(pid):
    out = {}
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                k, _, v = line.partition(":")
                if k in ("VmRSS", "VmHWM", "VmSize", "Threads"):
                    out[k] = int(v.split()[0])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return out


CLK = os.sysconf("SC_CLK_TCK")


def proc_cpu(pid):
    """(total cpu seconds, {thread name: cpu seconds})"""
    threads = {}
    total = 0.0
    try:
        for tid in os.listdir("/proc/%d/task" % pid):
            try:
                with open("/proc/%d/task/%s/stat" % (pid, tid)) as f:
                    s = f.read()
            except FileNotFoundError:
                continue
            name = s[s.index("(") + 1:s.rindex(")")]
            fields = s[s.rindex(")") + 2:].split()
            cpu = (int(fields[11]) + int(fields[12])) / CLK
            threads[name] = threads.get(name, 0.0) + cpu
        with open("/proc/%d/stat" % pid) as f:
            s = f.read()
        fields = s[s.rindex(")") + 2:].split()
        total = (int(fields[11]) + int(fields[12])) / CLK
    except FileNotFoundError:
        pass
    return total, threads


def fd_count(pid):
    try:
        return len(os.listdir("/proc/%d/fd" % pid))
    except FileNotFoundError:
        return -1


class RssSampler(threading.Thread):
    """Samples VmRSS every `period` s; peak = max(VmRSS samples, VmHWM)."""

    def __init__(self, pid, period=0.02):
        super().__init__(daemon=True)
        self.pid, self.period = pid, period
        self.base = proc_status(pid)
        self.peak_rss = self.base.get("VmRSS", 0)
        self.stop_ev = threading.Event()
        self.start()

    def run(self):
        while not self.stop_ev.is_set():
            st = proc_status(self.pid)
            if st:
                self.peak_rss = max(self.peak_rss, st.get("VmRSS", 0))
            self.stop_ev.wait(self.period)

    def stop(self):
        self.stop_ev.set()
        self.join()
        st = proc_status(self.pid)
        self.end = st
        base = self.base.get("VmRSS", 0)
        hwm = st.get("VmHWM", self.peak_rss)
        return {"base_mb": round(base / 1024, 1),
                "peak_mb": round(max(self.peak_rss, hwm) / 1024, 1),
                "growth_mb": round((max(self.peak_rss, hwm) - base) / 1024, 1),
                "end_mb": round(st.get("VmRSS", 0) / 1024, 1)}


# ---------------------------------------------------------------- raw peer

class Raw:
    """An attacker's TCP connection: plain bytes, never libzmq."""

    def __init__(self, port=None, sock=None, host="127.0.0.1"):
        if sock is None:
            sock = socket.create_connection((host, port), timeout=5)
        self.s = sock
        self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = bytearray()
        self.state = "open"    # open | eof | rst
        self.send_error = None

    def send(self, data):
        """sendall; records (does not raise) a reset by the target."""
        if self.state != "open" and self.state != "eof":
            self.send_error = self.send_error or "after-" + self.state
            return False
        try:
            self.s.settimeout(5)
            self.s.sendall(data)
            return True
        except (BrokenPipeError, ConnectionResetError) as e:
            self.send_error = self.send_error or errno.errorcode.get(e.errno, str(e.errno))
            return False
        except socket.timeout:
            self.send_error = self.send_error or "send-timeout"
            return False

    def _read_some(self, timeout):
        if self.state != "open":
            return False
        r, _, _ = select.select([self.s], [], [], max(0.0, timeout))
        if not r:
            return False
        try:
            self.s.settimeout(0)
            d = self.s.recv(1 << 20)
        except (BlockingIOError, InterruptedError):
            return False
        except ConnectionResetError:
            self.state = "rst"
            return True
        if not d:
            self.state = "eof"
            return True
        self.buf += d
        return True

    def read_until(self, pred, timeout):
        """Read until pred(buf) holds, the peer closes, or timeout."""
        end = time.monotonic() + timeout
        while not pred(self.buf) and self.state == "open":
            left = end - time.monotonic()
            if left <= 0:
                break
            self._read_some(left)
        return pred(self.buf)

    def wait_close(self, timeout):
        """Read everything until EOF/RST or timeout: 'eof' | 'rst' | 'open'."""
        end = time.monotonic() + timeout
        while self.state == "open":
            left = end - time.monotonic()
            if left <= 0:
                break
            self._read_some(left)
        return self.state

    def close(self):
        try:
            self.s.close()
        except OSError:
            pass


def has_frames(n_commands_after_greeting, greeting_len=64):
    """Predicate: buffer holds the 64-byte greeting plus n whole frames."""
    def pred(buf):
        i = greeting_len
        if len(buf) < i:
            return False
        for _ in range(n_commands_after_greeting):
            if len(buf) < i + 2:
                return False
            if buf[i] & 0x02:
                if len(buf) < i + 9:
                    return False
                n = int.from_bytes(buf[i + 1:i + 9], "big")
                i += 9 + n
            else:
                i += 2 + buf[i + 1]
            if len(buf) < i:
                return False
        return True
    return pred


class RawListener:
    """A raw TCP server the library under test connects to."""

    def __init__(self):
        self.ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.ls.bind(("127.0.0.1", 0))
        self.ls.listen(64)
        self.port = self.ls.getsockname()[1]
        self.extra = []

    def accept(self, timeout):
        r, _, _ = select.select([self.ls], [], [], timeout)
        if not r:
            return None
        s, _ = self.ls.accept()
        return Raw(sock=s)

    def count_more(self, timeout):
        """Accept (and close) further connections for `timeout` seconds."""
        end = time.monotonic() + timeout
        n = 0
        while True:
            left = end - time.monotonic()
            if left <= 0:
                break
            r, _, _ = select.select([self.ls], [], [], left)
            if r:
                s, _ = self.ls.accept()
                self.extra.append(s)
                n += 1
        return n

    def close(self):
        for s in self.extra:
            s.close()
        self.ls.close()
