#!/usr/bin/env bash
# scripts/real-drafts.sh: prints the prefix of a real libzmq built with its
# DRAFT API, building it first if needed.
#
# Debian's libzmq is built without drafts, so the draft tests need another
# build of it to compare with: Debian's own source package (zeromq3, libzmq
# 4.3.4; scripts/debian-source.sh), built with cmake -DENABLE_DRAFTS=ON
# (CURVE through libsodium, no tests, no docs) and installed into
# build/real-drafts/prefix. Nothing is committed; the build (about 3 minutes
# on 2 cores) is reused while the source package stays the same.
# Used by the `make test` phase for draft interop (capi-tests/run.sh --real
# with REAL_DRAFT_PREFIX, interop/draft_sockets.sh, interop/draft_options.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$root/build/real-drafts
prefix=$work/prefix
fail() { echo "real-drafts: $*" >&2; exit 1; }
command -v cmake >/dev/null || fail "cmake is missing (scripts/setup.sh clients installs it)"
[[ -f /usr/include/sodium.h ]] || fail "libsodium-dev is missing (scripts/setup.sh clients installs it)"
dsc=$("$root/scripts/debian-source.sh" zeromq3 "$work/src") || fail "cannot get Debian's zeromq3 source package"
stamp="$(basename "$dsc") drafts curve"
if [[ -f $prefix/lib/libzmq.so && "$(cat "$work/.stamp" 2>/dev/null)" == "$stamp" ]]; then
    echo "$prefix"
    exit 0
fi
echo "real-drafts: building $(basename "$dsc") with drafts into ${prefix#"$root"/} (~3 min)" >&2
start=$SECONDS
rm -rf "$work/tree" "$work/cmake" "$prefix" "$work/.stamp"
dpkg-source -q --no-check -x "$dsc" "$work/tree" >/dev/null
(
    cmake -S "$work/tree" -B "$work/cmake" -DCMAKE_BUILD_TYPE=Release \
        -DCMAKE_INSTALL_PREFIX="$prefix" -DCMAKE_INSTALL_LIBDIR=lib \
        -DENABLE_DRAFTS=ON -DWITH_LIBSODIUM=ON -DENABLE_CURVE=ON \
        -DBUILD_TESTS=OFF -DBUILD_STATIC=OFF -DWITH_DOCS=OFF -DWITH_PERF_TOOL=OFF \
        >"$work/cmake.log" 2>&1 || { tail -30 "$work/cmake.log"; exit 1; }
    cmake --build "$work/cmake" -j"$(nproc)" >"$work/make.log" 2>&1 || { tail -30 "$work/make.log"; exit 1; }
    cmake --install "$work/cmake" >"$work/install.log" 2>&1 || { tail -30 "$work/install.log"; exit 1; }
) >&2 || fail "build failed (logs in ${work#"$root"/})"
grep -q '^#define ZMQ_BUILD_DRAFT_API\|ZMQ_BUILD_DRAFT_API' "$prefix/include/zmq.h" || fail "installed zmq.h has no draft section"
nm -D "$prefix/lib/libzmq.so" | grep -q ' T zmq_poller_new$' || fail "the build exports no draft function (drafts off?)"
echo "$stamp" > "$work/.stamp"
echo "real-drafts: built in $((SECONDS - start))s" >&2
echo "$prefix"
