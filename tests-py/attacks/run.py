#!/usr/bin/python3
"""Attack harness: what libzmq 4.3.4 does with hostile or legacy peers,
and whether a library under test does the same.

Every case starts target processes (agent.py, pyzmq on the library chosen
by LD_LIBRARY_PATH) and attacks them from this process with raw TCP bytes
(or drives a pyzmq peer process). The expectation of each case is what
Debian's libzmq 4.3.4 did, recorded in expected.json by --record.

  run.py                          run every case on --lib (default:
                                  build/prefix/lib), compare with
                                  expected.json, PASS/FAIL, exit 1 on a FAIL
  run.py --expect-real            the same checks on Debian's libzmq (validates
                                  the expectations and the harness)
  run.py --record                 run Debian's libzmq, (re)write expected.json
                                  for the selected cases
  run.py --table                  run both libraries, print
                                  case | libzmq 4.3.4 | ours | verdict
  run.py --table --from real.json ours.json   the table from saved results
  run.py --record-deliberate "WHY" -k CASE    run the library under test and
                                  record its outcome of CASE in deliberate.json:
                                  a difference from libzmq kept on purpose
                                  (a libzmq bug, or where we fail closed
                                  sooner); that outcome then passes, any
                                  other still fails
options: --runs N (default 3), -k SUBSTRING (repeatable; case id filter),
         --save FILE (results as JSON), --markdown FILE, --list, -v

Always run with /usr/bin/python3 (Debian's, which owns python3-zmq); this
process itself never loads libzmq.
"""

import argparse
import json
import os
import statistics
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import cases  # noqa: E402
import harness  # noqa: E402

EXPECTED = os.path.join(HERE, "expected.json")
DELIBERATE = os.path.join(HERE, "deliberate.json")
DEFAULT_LIB = os.path.normpath(os.path.join(HERE, "..", "..", "build", "prefix", "lib"))

# How a metric of the library under test is judged against libzmq's runs.
#   ("le", factor, slack): value <= max(libzmq) * factor + slack
#   ("near", rel, abs):   |value - median(libzmq)| <= max(abs, rel * median)
#   absent: informational only
METRIC_RULES = {
    "rss_growth_mb": ("le", 1.5, 8.0),
    "rss_after_close_mb": ("le", 1.5, 8.0),
    "cpu_s_per_hold_max": ("le", 1.5, 0.3),
    "bound_accepted_count": ("near", 0.3, 1),
    "bound_disconnected_count": ("near", 0.3, 1),
    "dealer_connected_count": ("near", 0.3, 1),
    "dealer_disconnected_count": ("near", 0.3, 1),
    "pings_count": ("near", 0.3, 1),
    "close_after_ms": ("near", 0.3, 60),
}


def run_library(lib, runs, want, label):
    """{case_id: [outcome per run]}; an exception in a group is reported as
    an outcome with exact={'error': ...} for the cases it did not reach."""
    results = {}
    for run in range(runs):
        for gname, fn in cases.GROUPS:
            t0 = time.monotonic()
            try:
                for cid, out in fn(lib, want):
                    results.setdefault(cid, []).append(out)
                    print("  [%s run %d] %-62s %s" % (label, run + 1, cid, out["show"][:150]),
                          file=sys.stderr, flush=True)
            except Exception as e:
                tb = traceback.format_exc()
                print("  [%s run %d] group %s raised: %s\n%s" % (label, run + 1, gname, e, tb),
                      file=sys.stderr, flush=True)
                results.setdefault("error/group-%s" % gname, []).append(
                    {"exact": {"error": str(e)}, "metrics": {}, "show": "ERROR: %s" % e,
                     "detail": {"traceback": tb}})
            harness.log("group %s took %.1fs" % (gname, time.monotonic() - t0))
    return results


def library_version(lib):
    with harness.Agent(lib) as a:
        return a.version, a.info.get("lib")


# Differences that are TCP timing, not behaviour: a peer that goes away is
# seen as EOF (EPIPE) or, when it still had unread bytes, as a reset
# (ECONNRESET); libzmq itself shows both for the same case.
EQUIVALENT = [("HANDSHAKE_FAILED_NO_DETAIL(ECONNRESET)", "HANDSHAKE_FAILED_NO_DETAIL(EPIPE)")]


def normalized(exact):
    out = {}
    for k, v in exact.items():
        if isinstance(v, str):
            for a, b in EQUIVALENT:
                v = v.replace(a, b)
        out[k] = v
    return out


def check_case(expected, observed):
    """(ok, reasons)"""
    reasons = []
    exp_exact = [normalized(o["exact"]) for o in expected]
    per_run = {}       # reason -> runs showing it
    for i, o in enumerate(observed):
        o = dict(o, exact=normalized(o["exact"]))
        if o["exact"] not in exp_exact:
            diffs = []
            ref = exp_exact[0]
            for k in sorted(set(ref) | set(o["exact"])):
                if ref.get(k) != o["exact"].get(k) and not any(
                        e.get(k) == o["exact"].get(k) for e in exp_exact):
                    diffs.append("%s: got %r, libzmq %r" % (k, o["exact"].get(k), ref.get(k)))
            per_run.setdefault("; ".join(diffs) or "field combination never seen with libzmq",
                               []).append(i + 1)
    for text, runs in per_run.items():
        which = ("all %d runs" % len(observed) if len(runs) == len(observed)
                 else "run%s %s" % ("s" if len(runs) > 1 else "", ",".join(map(str, runs))))
        reasons.append("%s: %s" % (which, text))
    for name, rule in METRIC_RULES.items():
        ev = [o["metrics"][name] for o in expected if name in o["metrics"]]
        ov = [o["metrics"][name] for o in observed if name in o["metrics"]]
        if not ev or not ov:
            continue
        if rule[0] == "le":
            limit = max(ev) * rule[1] + rule[2]
            bad = [v for v in ov if v > limit]
            if bad:
                reasons.append("%s %s > limit %.2f (libzmq max %s)" % (name, bad, limit, max(ev)))
        elif rule[0] == "near":
            med = statistics.median(ev)
            tol = max(rule[2], rule[1] * abs(med))
            bad = [v for v in ov if abs(v - med) > tol]
            if bad:
                reasons.append("%s %s not within %.0f of libzmq's %s" % (name, bad, tol, med))
    return not reasons, reasons


def cell(outs):
    """Table cell: the first run's line, other exact variants after it, and
    ranges of the judged metrics over the runs."""
    if not outs:
        return "(not run)"
    seen, parts = [], []
    for o in outs:
        if o["exact"] not in seen:
            seen.append(o["exact"])
            n = sum(1 for x in outs if x["exact"] == o["exact"])
            parts.append(o["show"] + (" (%d/%d runs)" % (n, len(outs)) if len(outs) > 1 and n != len(outs) else ""))
    s = " // ".join(parts)
    ranges = []
    for name in METRIC_RULES:
        vals = [o["metrics"][name] for o in outs if name in o["metrics"]]
        if len(vals) > 1 and min(vals) != max(vals):
            ranges.append("%s %s-%s" % (name, min(vals), max(vals)))
    if ranges:
        s += " [over %d runs: %s]" % (len(outs), ", ".join(ranges))
    return s


def md_escape(s):
    return s.replace("|", "\\|")


def print_table(real, ours, out=sys.stdout, real_label="libzmq 4.3.4", ours_label="ours"):
    ids = sorted(set(real["cases"]) | set(ours["cases"]), key=case_sort_key)
    nfail = 0
    print("| case | %s | %s | verdict |" % (real_label, ours_label), file=out)
    print("|---|---|---|---|", file=out)
    for cid in ids:
        e, o = real["cases"].get(cid, []), ours["cases"].get(cid, [])
        if e and o:
            ok, reasons = check_case(e, o)
            verdict = "PASS" if ok else "**FAIL**: " + "; ".join(reasons)
        else:
            ok, verdict = False, "incomplete"
        nfail += not ok
        print("| %s | %s | %s | %s |" % (cid, md_escape(cell(e)), md_escape(cell(o)),
                                         md_escape(verdict)), file=out)
    return nfail


def case_sort_key(cid):
    head = cid.split("/", 1)[0]
    return (head.split(".")[0], cid)


def load(path):
    with open(path) as f:
        return json.load(f)


def save(path, data):
    with open(path, "w") as f:
        json.dump(data, f, indent=1, sort_keys=True)
        f.write("\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lib", default=DEFAULT_LIB, help="directory holding the libzmq.so.5 under test")
    ap.add_argument("--expect-real", action="store_true", help="run the checks on Debian's libzmq")
    ap.add_argument("--record", action="store_true", help="record expected.json from Debian's libzmq")
    ap.add_argument("--record-deliberate", metavar="WHY",
                    help="record the library under test's outcome of the -k cases as a deliberate difference")
    ap.add_argument("--table", action="store_true", help="run both libraries, print the comparison table")
    ap.add_argument("--from", dest="from_files", nargs=2, metavar=("REAL_JSON", "OURS_JSON"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("-k", action="append", default=[], help="case id substring (repeatable)")
    ap.add_argument("--save", help="write the results of the library under test to this JSON file")
    ap.add_argument("--save-real", help="with --table: write libzmq's results to this JSON file")
    ap.add_argument("--markdown", help="also write the table to this file")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("-v", action="store_true")
    args = ap.parse_args()
    harness.LOG["verbose"] = args.v

    def want(cid):
        return not args.k or any(k in cid for k in args.k)

    if args.list:
        exp = load(EXPECTED) if os.path.exists(EXPECTED) else {"cases": {}}
        for cid in sorted(exp["cases"], key=case_sort_key):
            if want(cid):
                print(cid)
        return 0

    if args.from_files:
        real, ours = load(args.from_files[0]), load(args.from_files[1])
        nfail = print_table(real, ours)
        if args.markdown:
            with open(args.markdown, "w") as f:
                print_table(real, ours, f)
        return 1 if nfail else 0

    lib_dir = os.path.abspath(args.lib)
    if not args.expect_real and not args.record and not os.path.exists(os.path.join(lib_dir, "libzmq.so.5")):
        print("no libzmq.so.5 in %s (use --lib DIR)" % lib_dir, file=sys.stderr)
        return 2

    if args.record or args.table:
        version, path = library_version(harness.REAL)
        print("libzmq under --record/--table reference: %s (%s)" % (version, path), file=sys.stderr)
        real = {"library": "debian", "version": version, "runs": args.runs,
                "cases": run_library(harness.REAL, args.runs, want, "libzmq")}
        if args.record:
            old = load(EXPECTED) if os.path.exists(EXPECTED) else {"cases": {}}
            old["cases"].update(real["cases"])
            old.update({k: real[k] for k in ("library", "version", "runs")})
            old["recorded"] = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
            save(EXPECTED, old)
            print("recorded %d cases into %s" % (len(real["cases"]), EXPECTED), file=sys.stderr)
            return 0
        if args.save_real:
            save(args.save_real, real)
        version, path = library_version(lib_dir)
        print("library under test: %s (%s)" % (version, path), file=sys.stderr)
        ours = {"library": lib_dir, "version": version, "runs": args.runs,
                "cases": run_library(lib_dir, args.runs, want, "ours")}
        if args.save:
            save(args.save, ours)
        nfail = print_table(real, ours)
        if args.markdown:
            with open(args.markdown, "w") as f:
                print_table(real, ours, f)
        print("\n%d case(s) differ from libzmq 4.3.4" % nfail)
        return 1 if nfail else 0

    if args.record_deliberate:
        if not args.k:
            print("--record-deliberate needs -k CASE", file=sys.stderr)
            return 2
        expected = load(EXPECTED)
        ids = [c for c in expected["cases"] if want(c)]
        got = run_library(lib_dir, args.runs, lambda c: c in ids, "ours")
        old = load(DELIBERATE) if os.path.exists(DELIBERATE) else {}
        for cid in ids:
            old[cid] = {"why": args.record_deliberate, "outcomes": got.get(cid, []),
                        "recorded": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())}
            print("recorded %s: %s" % (cid, cell(got.get(cid, []))), file=sys.stderr)
        save(DELIBERATE, old)
        return 0

    # pass/fail mode against expected.json (and deliberate.json)
    expected = load(EXPECTED)
    deliberate = {} if args.expect_real or not os.path.exists(DELIBERATE) else load(DELIBERATE)
    lib = harness.REAL if args.expect_real else lib_dir
    version, path = library_version(lib)
    print("library under test: %s (%s)" % (version, path), file=sys.stderr)
    ids = [c for c in expected["cases"] if want(c) and not c.startswith("error/")]
    observed = {"library": "debian" if lib is None else lib, "version": version, "runs": args.runs,
                "cases": run_library(lib, args.runs, lambda c: c in ids, "test")}
    if args.save:
        save(args.save, observed)
    nfail = 0
    for cid in sorted(set(ids) | set(observed["cases"]), key=case_sort_key):
        o = observed["cases"].get(cid)
        e = expected["cases"].get(cid)
        if not o or not e:
            print("FAIL %s: %s" % (cid, "not run" if not o else "no expectation"))
            nfail += 1
            continue
        ok, reasons = check_case(e, o)
        d = deliberate.get(cid)
        if ok:
            print("PASS %s" % cid)
        elif d and check_case(d["outcomes"], o)[0]:
            print("PASS %s (differs from libzmq on purpose: %s)" % (cid, d["why"]))
        else:
            nfail += 1
            print("FAIL %s\n     %s\n     libzmq 4.3.4: %s\n     this run:     %s" % (
                cid, "\n     ".join(reasons), cell(e), cell(o)))
    print("\n%d passed, %d failed (expectation: Debian's libzmq %s, recorded %s)" % (
        len(ids) - nfail if nfail <= len(ids) else 0, nfail, expected.get("version"),
        expected.get("recorded")))
    return 1 if nfail else 0


if __name__ == "__main__":
    sys.exit(main())
