#!/usr/bin/env python3
"""perf/report.py RESULTS.tsv: turn perf/run.sh's raw rows into the markdown
tables of perf/README.md (median of the rounds, min-max spread, ours/real)."""
import statistics
import sys
from collections import OrderedDict

rows = OrderedDict()
for line in open(sys.argv[1]):
    f = line.rstrip("\n").split("\t")
    if len(f) < 9:
        continue
    case, tr, size, lib, _round, msgs, cpu, rss, result = f[:9]
    kv = dict(p.split("=", 1) for p in result.split()[2:] if "=" in p)
    key = (case, tr, int(size))
    d = rows.setdefault(key, {"real": [], "ours": []})
    d[lib].append({"kv": kv, "msgs": float(msgs), "cpu": float(cpu), "rss": float(rss)})


def fmt(v):
    if v is None:
        return "FAIL"
    if v >= 100:
        return f"{v:,.0f}"
    if v >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}"


def vals(runs, key):
    return [float(r["kv"][key]) for r in runs if key in r["kv"]]


def med(xs):
    return statistics.median(xs) if xs else None


def cell(xs):
    if not xs:
        return "FAIL"
    if len(xs) == 1:
        return fmt(xs[0])
    return f"{fmt(med(xs))} ({fmt(min(xs))}–{fmt(max(xs))})"


def ratio(r, o):
    if r is None or o is None or r == 0:
        return "–"
    return f"{o / r:.2f}"


def size_name(s):
    if s >= 1048576:
        return f"{s // 1048576} MiB"
    if s >= 1024:
        return f"{s // 1024} KiB"
    return f"{s} B"


def per_million(runs):
    xs = [r["cpu"] / r["msgs"] * 1e6 for r in runs if r["kv"] and r["msgs"] > 0]
    return med(xs)


def rss_mib(runs):
    xs = [r["rss"] / 1024 for r in runs if r["kv"]]
    return med(xs)


print("| test | transport | size | metric | real: median (min–max) | ours: median (min–max) | ours/real | MB/s real / ours | CPU s per 1M msgs real / ours | peak RSS MiB real / ours |")
print("|---|---|---|---|---|---|---|---|---|---|")
for (case, tr, size), d in rows.items():
    if case.startswith("idle"):
        continue
    lat = case.endswith("lat")
    hs = case.endswith("handshakes")
    metric = "µs (½ RTT)" if lat else "handshakes/s" if hs else "msg/s"
    key = "usec" if lat else "hs_per_s" if hs else "msgps"
    r, o = vals(d["real"], key), vals(d["ours"], key)
    if lat or hs:
        mb = "–"
    else:
        mbr, mbo = med(vals(d["real"], "mbps")), med(vals(d["ours"], "mbps"))
        mb = f"{fmt(mbr)} / {fmt(mbo)}"
    cr, co = per_million(d["real"]), per_million(d["ours"])
    rr, ro = rss_mib(d["real"]), rss_mib(d["ours"])
    name = {"thr": "PUSH→PULL", "lat": "REQ↔REP",
            "thr-unwritten": "PUSH→PULL, payload unwritten",
            "curve-thr": "CURVE PUSH→PULL", "curve-lat": "CURVE REQ↔REP",
            "curve-handshakes": "CURVE handshakes",
            "draft-cs": "CLIENT→SERVER", "draft-sc": "SERVER→CLIENT",
            "draft-rd": "RADIO→DISH (received)",
            "draft-ru": "RADIO→unjoined group (sent)",
            "draft-lat": "CLIENT↔SERVER"}.get(case, case)
    sz = f"{size} clients" if hs else size_name(size)
    print(f"| {name} | {tr} | {sz} | {metric} | {cell(r)} | {cell(o)} | "
          f"{ratio(med(r), med(o))} | {mb} | {fmt(cr)} / {fmt(co)} | {fmt(rr)} / {fmt(ro)} |")

print()
print("| idle tcp connections (1,000) | real: bytes/conn median (min–max) | ours: bytes/conn | ours/real |")
print("|---|---|---|---|")
for (case, tr, size), d in rows.items():
    if not case.startswith("idle"):
        continue
    r, o = vals(d["real"], "bytes_per_conn"), vals(d["ours"], "bytes_per_conn")
    side = case.split("-", 1)[1]
    label = "bind side (1 PULL, 1,000 peers)" if side == "bind" else "connect side (1,000 PUSH sockets)"
    print(f"| {label} | {cell(r)} | {cell(o)} | {ratio(med(r), med(o))} |")
