"""The soak (`make soak`): faults/soak on our library and on Debian's libzmq
at the same time, each in a network namespace of its own (only loopback),
sampling each process's RSS, open fds and threads every 10 s from /proc.
Writes docs/soak.md (a table) and docs/soak.png (three small plots).

usage: soak.py --bin PATH --lib DIR --seconds S --md FILE --png FILE
The verdict: after a warm-up (the first sixth of the run, at least 60 s),
RSS grows by no more than 10% and the fd and thread counts end within a
few of their warm-up values; our library is judged, libzmq's numbers are
shown next to ours.
"""
import argparse
import os
import struct
import subprocess
import sys
import time
import zlib


def sample(pid):
    rss = threads = None
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
            elif line.startswith("Threads:"):
                threads = int(line.split()[1])
    return rss, len(os.listdir(f"/proc/{pid}/fd")), threads


# ------------------------------------------------------ a small PNG plotter
FONT = {  # 3x5 digits and a few letters, enough for axis labels
    "0": "111101101101111", "1": "010110010010111", "2": "111001111100111",
    "3": "111001111001111", "4": "101101111001001", "5": "111100111001111",
    "6": "111100111101111", "7": "111001001001001", "8": "111101111101111",
    "9": "111101111001111", " ": "000000000000000", "k": "100101110101101",
    "B": "110101110101110", "s": "011100010001110", "f": "011100110100100",
    "d": "001001111101111", "t": "010111010010011", "h": "100100111101101",
    "r": "000110101100100", "e": "111101111100111", "a": "000111011101111",
    "R": "110101110101101", "S": "011100010001110", "o": "000111101101111",
    "u": "000101101101111", "z": "000111010100111", "l": "010010010010010",
    "i": "010000010010010", "b": "100100111101111", "m": "000111111101101",
    "q": "000111101111001", "(": "010100100100010", ")": "010001001001010",
    ":": "000010000010000", ",": "000000000010100", ".": "000000000000010",
    "-": "000000111000000", "/": "001001010100100", "n": "000110101101101",
    "g": "111101111001111", "c": "000111100100111", "x": "000101010101000",
}


class Canvas:
    def __init__(self, w, h):
        self.w, self.h = w, h
        self.px = bytearray(b"\xff" * (w * h * 3))

    def dot(self, x, y, c):
        if 0 <= x < self.w and 0 <= y < self.h:
            i = (y * self.w + x) * 3
            self.px[i:i + 3] = bytes(c)

    def line(self, x0, y0, x1, y1, c):
        n = max(abs(x1 - x0), abs(y1 - y0), 1)
        for k in range(n + 1):
            self.dot(round(x0 + (x1 - x0) * k / n), round(y0 + (y1 - y0) * k / n), c)

    def text(self, x, y, s, c=(0, 0, 0)):
        for ch in s:
            g = FONT.get(ch, FONT[" "])
            for r in range(5):
                for q in range(3):
                    if g[r * 3 + q] == "1":
                        for dx in range(2):
                            for dy in range(2):
                                self.dot(x + q * 2 + dx, y + r * 2 + dy, c)
            x += 8

    def png(self, path):
        raw = b"".join(b"\x00" + bytes(self.px[y * self.w * 3:(y + 1) * self.w * 3])
                       for y in range(self.h))

        def chunk(kind, data):
            return (struct.pack(">I", len(data)) + kind + data
                    + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
        with open(path, "wb") as fh:
            fh.write(b"\x89PNG\r\n\x1a\n"
                     + chunk(b"IHDR", struct.pack(">IIBBBBB", self.w, self.h, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


COLORS = {"ours": (200, 40, 40), "libzmq": (40, 80, 200)}


def plot(series, path):
    """series: {lib: [(t, rss_kb, fds, threads)]}; three panels side by side."""
    pw, ph, m = 300, 200, 40
    cv = Canvas(3 * (pw + m) + m, ph + 2 * m + 20)
    for p, (label, idx) in enumerate((("rss kB", 1), ("fds", 2), ("threads", 3))):
        x0, y0 = m + p * (pw + m), m
        vals = [s[idx] for pts in series.values() for s in pts]
        tmax = max(s[0] for pts in series.values() for s in pts) or 1
        vmax = max(vals) * 1.1 or 1
        cv.line(x0, y0 + ph, x0 + pw, y0 + ph, (0, 0, 0))
        cv.line(x0, y0, x0, y0 + ph, (0, 0, 0))
        cv.text(x0, y0 - 30, f"{label} 0-{int(vmax)}")
        cv.text(x0 + pw - 60, y0 + ph + 6, f"{int(tmax)} s")
        for lib, pts in series.items():
            xy = [(x0 + int(pw * s[0] / tmax), y0 + ph - int(ph * s[idx] / vmax)) for s in pts]
            for a, b in zip(xy, xy[1:]):
                cv.line(*a, *b, COLORS[lib])
    cv.text(m, ph + 2 * m, "ours", COLORS["ours"])
    cv.text(m + 60, ph + 2 * m, "libzmq", COLORS["libzmq"])
    cv.png(path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--lib", required=True)
    ap.add_argument("--seconds", type=int, default=3600)
    ap.add_argument("--interval", type=int, default=10)
    ap.add_argument("--md", required=True)
    ap.add_argument("--png", required=True)
    a = ap.parse_args()
    plain = {k: v for k, v in os.environ.items() if k not in ("LD_LIBRARY_PATH", "LD_PRELOAD")}
    envs = {"ours": dict(plain, LD_LIBRARY_PATH=a.lib), "libzmq": plain}
    procs = {}
    for lib, env in envs.items():
        # a network namespace that ends with the process: nothing to remove
        procs[lib] = subprocess.Popen(
            ["unshare", "-n", "sh", "-c", 'ip link set lo up && exec "$@"', "soak",
             a.bin, "6100", str(a.seconds)], env=env, stdout=subprocess.PIPE, text=True)
    series = {lib: [] for lib in envs}
    t0 = time.monotonic()
    try:
        while all(p.poll() is None for p in procs.values()):
            t = time.monotonic() - t0
            for lib, p in procs.items():
                try:
                    series[lib].append((round(t), *sample(p.pid)))
                except (OSError, TypeError):
                    pass
            print(f"{int(t):5d}s " + "  ".join(
                f"{lib}: rss {s[-1][1]} kB fds {s[-1][2]} threads {s[-1][3]}"
                for lib, s in series.items() if s), flush=True)
            time.sleep(a.interval)
    finally:
        for p in procs.values():
            if p.poll() is None:
                p.terminate()
    outs = {lib: p.communicate()[0] for lib, p in procs.items()}
    warm = max(60, a.seconds // 6)
    rows, ok = [], True
    for lib, pts in series.items():
        after = [s for s in pts if s[0] >= warm]
        if len(after) < 2:
            print(f"soak: too few samples after warm-up for {lib}", file=sys.stderr)
            return 2
        w, e = after[0], after[-1]
        peak = max(s[1] for s in after)
        stat = [ln for ln in outs[lib].splitlines() if " STAT " in ln]
        last = stat[-1].split() if stat else ["", "", "?", "?", "?"]
        # transient fds of the churn come and go: the end value is judged
        flat = peak <= w[1] * 1.10 and e[2] <= w[2] + 4 and e[3] <= w[3]
        if lib == "ours":
            ok &= flat
        rows.append(f"| {lib} | {w[1]} | {e[1]} | {peak} | {w[2]} -> {e[2]} "
                    f"(max {max(s[2] for s in after)}) | {w[3]} -> {e[3]} | {last[2]} | "
                    f"{last[3]} | {last[4]} | {'flat' if flat else 'GROWS'} |")
    plot(series, a.png)
    with open(a.md, "w") as fh:
        fh.write(f"""# Soak: {a.seconds} s of churn, both libraries at once

Made by `make soak` (faults/soak.py running faults/soak.c on each library,
each in a network namespace of its own, sampled every {a.interval} s). Every
10 ms the process sends 10 messages from an XPUB to 16 SUBs over 50 topics
and 4 from 8 PUSHes to a PULL; every 100 ms one SUB is closed and replaced
(connect/disconnect churn) and a random SUB subscribes or unsubscribes a
topic; every 200 ms one PUSH is replaced. Heartbeats are on (1 s, timeout
3 s). Warm-up is the first {warm} s; "flat" means RSS grew no more than
10% after it and fds and threads ended where they were after it.

![RSS, fds and threads over time](soak.png)

| library | RSS after warm-up (kB) | RSS at end (kB) | RSS peak after warm-up (kB) | fds | threads | messages sent | received | connects | verdict |
|---|---|---|---|---|---|---|---|---|---|
""" + "\n".join(rows) + "\n")
    print("\n".join(rows))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
