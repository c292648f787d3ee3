#!/usr/bin/env python3
"""Fails when a module of src/ imports one of a higher layer.

The layers, top to bottom (docs/architecture.md draws them): a module may
use its own layer and every layer below it, never one above. Each entry is
a path prefix under src/ (a folder, or a file without .rs); the longest
prefix that matches names a file's layer. Test code (`#[cfg(test)] mod
tests` blocks, tests.rs files, src/fuzz/ (fuzzing entry points), the zmtp interop test
modules) is left out: tests may reach anywhere.

Usage: scripts/check_layers.py [--list]   (--list prints the graph too)
"""
import os
import re
import sys

LAYERS = [
    ("capi", ["capi"]),
    ("socket", ["socket", "proxy", "poll"]),
    ("ctx", ["ctx"]),
    ("session", ["session", "zap"]),
    ("pipe", ["pipe"]),
    ("engine", ["engine"]),
    ("zmtp", ["zmtp"]),
    ("transport", ["transport"]),
    ("io", ["io"]),
    ("base", ["msg", "options", "util", "constants", "error"]),
]
# Not layered: the crate root and test harness code.
SKIP = {"lib.rs", "fuzz/mod.rs", "fuzz/deterministic.rs", "fuzz/draft.rs", "zmtp/interop.rs", "zmtp/tests.rs"}

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")
rank = {}
for i, (name, prefixes) in enumerate(LAYERS):
    for p in prefixes:
        rank[p] = (i, name)


def layer_of(module_path):
    """module_path: 'socket/base' or 'zmtp/mechanism/curve/message'."""
    parts = module_path.split("/")
    for n in range(len(parts), 0, -1):
        key = "/".join(parts[:n])
        if key in rank:
            return rank[key]
    return None


def strip_tests(src):
    """Drops `#[cfg(test)]` items (a `mod tests { ... }` block, or a
    `mod tests;` line) and comments."""
    src = re.sub(r"//[^\n]*", "", src)
    out, i = [], 0
    while True:
        m = re.search(r"#\[cfg\(test\)\]\s*", src[i:])
        if not m:
            out.append(src[i:])
            break
        start = i + m.start()
        out.append(src[i:start])
        j = i + m.end()
        # the item: up to its matching close brace, or its semicolon
        depth, k = 0, j
        while k < len(src):
            c = src[k]
            if c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
                if depth == 0:
                    k += 1
                    break
            elif c == ";" and depth == 0:
                k += 1
                break
            k += 1
        i = k
    return "".join(out)


USE = re.compile(r"\bcrate::([a-z_][a-z0-9_]*(?:::[a-z_][a-z0-9_]*)*)")


def main():
    bad = []
    graph = {}
    for dirpath, _, files in os.walk(ROOT):
        for f in files:
            if not f.endswith(".rs"):
                continue
            full = os.path.join(dirpath, f)
            rel = os.path.relpath(full, ROOT)
            if rel in SKIP or f == "tests.rs":
                continue
            mod = rel[:-3]
            if mod.endswith("/mod"):
                mod = mod[: -len("/mod")]
            here = layer_of(mod)
            if here is None:
                bad.append("%s: in no layer (add it to scripts/check_layers.py)" % rel)
                continue
            src = strip_tests(open(full).read())
            # `use crate::{a, b::c}` groups
            targets = set()
            for g in re.finditer(r"\bcrate::\{([^}]*)\}", src):
                for item in g.group(1).split(","):
                    item = item.strip().split("::")[0].strip()
                    if item and item != "self":
                        targets.add(item)
            for m in USE.finditer(src):
                path = m.group(1).split("::")
                # the longest prefix that is a module path
                targets.add("/".join(path))
            for t in sorted(targets):
                there = layer_of(t)
                if there is None:
                    continue
                graph.setdefault(here[1], set()).add(there[1])
                if there[0] < here[0]:
                    bad.append("%s (%s) imports crate::%s (%s, a higher layer)" % (rel, here[1], t.replace("/", "::"), there[1]))
    if "--list" in sys.argv:
        for name, _ in LAYERS:
            print("%-10s -> %s" % (name, ", ".join(sorted(graph.get(name, ())))))
    if bad:
        print("layering: %d import(s) point up:" % len(bad))
        for b in sorted(set(bad)):
            print("  " + b)
        return 1
    print("layering: every import points down (%d layers)" % len(LAYERS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
