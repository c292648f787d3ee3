#!/usr/bin/env bash
# CZMQ's own selftest (czmq_selftest), built from Debian's czmq source
# package, unmodified, against our libzmq.
#
#   tests-clients/czmq.sh [--real] [--lib DIR] [TEST...]
#
# 1. Debian packages (scripts/setup.sh clients); the czmq source package
#    into build/czmq/src (scripts/debian-source.sh, which adds a deb-src
#    entry for the Debian archive if apt has none).
# 2. dpkg-source -x into build/czmq/ours, ./configure as Debian's package
#    does it (no docs) but static and with czmq's DRAFT API
#    (--enable-drafts=yes: the draft classes such as zgossip, zproc, zarmour
#    and zsock's SERVER/CLIENT/RADIO/DISH/SCATTER/GATHER/DGRAM), with
#    PKG_CONFIG_PATH at our libzmq.pc: czmq compiles against OUR zmq.h (its
#    draft part too: CPPFLAGS=-DZMQ_BUILD_DRAFT_API=1) and links OUR
#    -lzmq. Rebuilt only when our headers, libzmq.pc or the source change.
# 3. Every selftest in its own process, `czmq_selftest -t NAME` (as czmq's
#    `make check-NAME` does), from the build tree, each in a network
#    namespace of its own (scripts/netns.sh: the tests bind fixed ports,
#    zbeacon broadcasts), with a timeout, LD_LIBRARY_PATH at a copy of our library
#    (build/czmq/lib, so a concurrent `make stage` cannot swap it mid-run).
#    The dynamic loader's own trace (LD_DEBUG=libs) of each run must show
#    that run initialising our copy and no other libzmq, else the test fails.
#
# --real: the same on Debian's libzmq 4.3.4 (libzmq3-dev), built in
#    build/czmq/real as Debian builds it (--enable-drafts=no: that libzmq
#    has no DRAFT API), the baseline for the stable selftests.
# --lib DIR: the directory holding our libzmq.so.5, include/ beside it and
#    lib/pkgconfig/libzmq.pc (default build/prefix/lib, as `make stage`).
# TEST...: run only these (czmq_selftest -l lists them).
#
# Tests listed in czmq-deselect.txt are skipped, each with its reason.
# Last line: `czmq: N passed, M failed, K skipped`; exit 1 if any failed.
# Env: CZMQ_TEST_TIMEOUT (seconds per test, default 120).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
work=$root/build/czmq
mode=ours
libdir=$root/build/prefix/lib
while (($#)); do
    case $1 in
        --real) mode=real; shift ;;
        --lib) libdir=$2; shift 2 ;;
        -h|--help) sed -n '2,/^set -e/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
        *) break ;;
    esac
done
timeout_s=${CZMQ_TEST_TIMEOUT:-120}
fail() { echo "czmq: $*" >&2; echo "czmq: 0 passed, 1 failed, 0 skipped"; exit 1; }

"$root/scripts/setup.sh" clients >&2 || fail "cannot install the Debian packages needed"

# --- 1. the source package ------------------------------------------------
dsc=$("$root/scripts/debian-source.sh" czmq "$work/src") || fail "cannot get Debian's czmq source package"
echo "czmq: source $(basename "$dsc")" >&2

# --- 2. the build ---------------------------------------------------------
if [[ $mode == real ]]; then
    unset PKG_CONFIG_PATH
    pkg-config --exists libzmq || fail "Debian's libzmq3-dev is not installed"
    [[ "$(pkg-config --modversion libzmq)" != 4.3.5 ]] || fail "pkg-config finds a libzmq 4.3.5, not Debian's"
    stamp_in="real $(basename "$dsc") $(pkg-config --modversion libzmq)"
    expect_lib=$(realpath "$(pkg-config --variable=libdir libzmq)/libzmq.so.5")
    runlibdir=
    drafts=no draft_cppflags=
else
    libdir=$(cd "$libdir" 2>/dev/null && pwd) || fail "no directory $libdir (run make stage)"
    prefix=$(dirname "$libdir")
    [[ -f $libdir/libzmq.so.5 && -f $libdir/pkgconfig/libzmq.pc ]] ||
        fail "no libzmq.so.5 and pkgconfig/libzmq.pc in $libdir (run make stage)"
    export PKG_CONFIG_PATH=$libdir/pkgconfig
    [[ "$(pkg-config --variable=libdir libzmq)" == "$libdir" ]] ||
        fail "pkg-config does not take libzmq.pc from $libdir"
    stamp_in="ours drafts $(basename "$dsc") $prefix $(cat "$prefix"/include/zmq*.h "$libdir/pkgconfig/libzmq.pc" | sha256sum)"
    runlibdir=$work/lib
    mkdir -p "$runlibdir"
    cp -f "$libdir/libzmq.so.5" "$runlibdir/libzmq.so.5.tmp"
    mv -f "$runlibdir/libzmq.so.5.tmp" "$runlibdir/libzmq.so.5"
    expect_lib=$runlibdir/libzmq.so.5
    # czmq's draft code asks zmq.h for the DRAFT API through this macro;
    # our libzmq.pc leaves it out, as libzmq's CMake build does
    drafts=yes draft_cppflags=-DZMQ_BUILD_DRAFT_API=1
fi
bdir=$work/$mode
bin=$bdir/src/czmq_selftest
if [[ ! -x $bin || "$(cat "$bdir/.oxide-stamp" 2>/dev/null)" != "$stamp_in" ]]; then
    echo "czmq: building czmq_selftest in ${bdir#"$root"/} (~1 min)" >&2
    start=$SECONDS
    rm -rf "$bdir"
    # czmq's build dir must be its source dir: the tarball ships a
    # src/platform.h that an out-of-tree build would include
    dpkg-source -q --no-check -x "$dsc" "$bdir" >/dev/null
    (
        cd "$bdir"
        ./configure -q --disable-shared --enable-drafts="$drafts" --with-docs=no \
            CPPFLAGS="$draft_cppflags" >configure.log 2>&1 ||
            { tail -30 configure.log; exit 1; }
        make -j"$(nproc)" src/czmq_selftest >make.log 2>&1 || { tail -30 make.log; exit 1; }
    ) >&2 || fail "czmq build failed (logs in ${bdir#"$root"/})"
    if [[ $mode == ours ]]; then
        # the compiler saw our zmq.h (pkg-config's -I) with its DRAFT part
        # and the linker our -L
        grep -q "^libzmq_CFLAGS = -I$prefix/include" "$bdir/Makefile" ||
            fail "czmq's configure did not take our libzmq.pc"
        grep -q '^CPPFLAGS = .*-DZMQ_BUILD_DRAFT_API=1' "$bdir/Makefile" ||
            fail "czmq's build does not define ZMQ_BUILD_DRAFT_API"
        grep -q '^#define CZMQ_BUILD_DRAFT_API 1' "$bdir/src/platform.h" ||
            fail "czmq was configured without its DRAFT API"
    fi
    echo "$stamp_in" > "$bdir/.oxide-stamp"
    echo "czmq: built in $((SECONDS - start))s" >&2
fi

# --- 3. the tests ---------------------------------------------------------
declare -A reason=()
while IFS= read -r line; do
    line=${line%%#*}
    [[ $line =~ ^[[:space:]]*([A-Za-z0-9_]+)[[:space:]]*:(.*)$ ]] || continue
    reason[${BASH_REMATCH[1]}]=${BASH_REMATCH[2]# }
done < "$here/czmq-deselect.txt"

cd "$bdir"
mkdir -p src/selftest-rw
tests=("$@")
if ((${#tests[@]} == 0)); then
    mapfile -t tests < <("$bin" -l | awk 'NR > 1 {print $1}')
fi
((${#tests[@]})) || fail "czmq_selftest -l listed no test"
logs=$work/logs-$mode
rm -rf "$logs"; mkdir -p "$logs"
echo "czmq: ${#tests[@]} selftests on $expect_lib" >&2

n_pass=0 n_fail=0 n_skip=0 failed=()
for t in "${tests[@]}"; do
    if [[ -n ${reason[$t]:-} ]]; then
        printf 'SKIP  %-12s %s\n' "$t" "${reason[$t]}"
        n_skip=$((n_skip + 1)); continue
    fi
    start=$SECONDS
    rc=0
    LD_LIBRARY_PATH=$runlibdir LD_DEBUG=libs LD_DEBUG_OUTPUT=$logs/$t.ld \
        "$root/scripts/netns.sh" timeout -k 5 "$timeout_s" "$bin" -t "$t" \
        >"$logs/$t.log" 2>&1 </dev/null || rc=$?
    # the loader's trace of every process of the run (netns.sh's, timeout's
    # and czmq_selftest's): exactly one libzmq, ours (or Debian's for --real)
    inits=$(cat "$logs/$t".ld.* 2>/dev/null | sed -n 's/.*calling init: \(.*libzmq\.so.*\)$/\1/p' |
        xargs -r -d '\n' realpath | sort -u)
    rm -f "$logs/$t".ld.*
    verdict=PASS
    if [[ $inits != "$expect_lib" ]]; then
        verdict=FAIL
        echo "czmq.sh: libzmq initialised: ${inits:-none}; expected $expect_lib" >>"$logs/$t.log"
    elif ((rc == 124 || rc == 137)); then
        verdict=FAIL; echo "czmq.sh: timed out after ${timeout_s}s" >>"$logs/$t.log"
    elif ((rc != 0)); then
        verdict=FAIL
    fi
    printf '%s  %-12s %3ss  exit %s\n' "$verdict" "$t" $((SECONDS - start)) "$rc"
    if [[ $verdict == PASS ]]; then
        n_pass=$((n_pass + 1))
    else
        n_fail=$((n_fail + 1)); failed+=("$t")
    fi
done
for t in "${failed[@]}"; do
    echo "--- $t (last 20 lines; the whole output: ${logs#"$root"/}/$t.log)"
    tail -20 "$logs/$t.log"
done
echo "czmq: $n_pass passed, $n_fail failed, $n_skip skipped"
((n_fail == 0))
