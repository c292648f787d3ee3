#!/usr/bin/env bash
# Compile and run every capi-tests/test_*.c against an installed zmq-oxide.
#
#   capi-tests/run.sh [PREFIX] [test_name ...]
#   capi-tests/run.sh --real [test_name ...]
#
# PREFIX (default: build/prefix, as staged by `make test`) must hold
# lib/pkgconfig/libzmq.pc; each test is compiled the way a C user would,
#     cc -std=c99 -Wall test_x.c $(pkg-config --cflags --libs libzmq)
# plus an rpath to PREFIX/lib, then run with a timeout (CAPI_TIMEOUT seconds,
# default 60; CAPI_OUT: where the binaries go). A test passes when it exits 0. Prints PASS/FAIL per test, the
# output of failures, and a last line `capi: N passed, M failed`; exits
# non-zero if any test failed. Naming tests runs only those.
#
# --real builds the same tests against the system's libzmq (Debian's 4.3.4,
# libzmq3-dev) with -DREAL_LIBZMQ, to show that they encode libzmq's
# behaviour and not our own. The tests listed in capi-tests/differences.txt
# are skipped there, each with the reason we knowingly differ.
#
# test_draft_*.c use libzmq's DRAFT API: they are compiled with
# -DZMQ_BUILD_DRAFT_API. Debian's libzmq is built without it, so --real
# skips them unless REAL_DRAFT_PREFIX names a libzmq built with
# --enable-drafts (its include/zmq.h and lib/libzmq.so, or .libs/ of a
# libtool build tree); draft tests of functions that libzmq only gained in
# 4.3.5 are listed in capi-tests/differences.txt as "4.3.5:" and skipped
# when that libzmq is older.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
real=0
if [[ ${1:-} == --real ]]; then
    real=1
    shift
else
    prefix=${1:-$root/build/prefix}
    shift || true
fi
timeout_s=${CAPI_TIMEOUT:-60}
cc=${CC:-cc}
if ((real)); then
    out=$root/build/capi-tests-real
    unset PKG_CONFIG_PATH
    if ! pkg-config --exists libzmq; then
        echo "capi: the system libzmq is not installed (apt-get install libzmq3-dev)" >&2
        echo "capi: 0 passed, 1 failed"
        exit 1
    fi
    cflags="-DREAL_LIBZMQ $(pkg-config --cflags libzmq)"
    libs=$(pkg-config --libs libzmq)
    rpath=()
else
    if [[ ! -d "$prefix" ]]; then
        echo "capi: no install prefix at $prefix (run make install PREFIX=$prefix first)" >&2
        echo "capi: 0 passed, 1 failed"
        exit 1
    fi
    prefix=$(cd "$prefix" && pwd)
    out=${CAPI_OUT:-$root/build/capi-tests}
    export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
    if [[ "$(pkg-config --variable=libdir libzmq 2>/dev/null)" != "$prefix/lib" ]]; then
        echo "capi: pkg-config does not find libzmq.pc in $prefix/lib/pkgconfig (run make install first)" >&2
        echo "capi: 0 passed, 1 failed"
        exit 1
    fi
    cflags=$(pkg-config --cflags libzmq)
    libs=$(pkg-config --libs libzmq)
    rpath=(-Wl,-rpath,"$prefix/lib")
fi
mkdir -p "$out"

tests=()
if (($#)); then
    for name in "$@"; do tests+=("$here/${name%.c}.c"); done
else
    shopt -s nullglob
    tests=("$here"/test_*.c)
fi

passed=0
failed=0
skipped=0
failures=()
for src in "${tests[@]}"; do
    name=$(basename "$src" .c)
    draft=0
    [[ $name == test_draft_* ]] && draft=1
    t_cflags=$cflags
    t_libs=$libs
    t_rpath=("${rpath[@]}")
    if ((real)); then
        why=$(awk -v n="$name" '$1 == n":" { $1 = ""; sub(/^ /, ""); print }' "$here/differences.txt")
        if [[ -n $why && $why != 4.3.5:* ]]; then
            echo "SKIP $name (differs on purpose: $why)"
            skipped=$((skipped + 1))
            continue
        fi
        if ((draft)); then
            if [[ -z ${REAL_DRAFT_PREFIX:-} ]]; then
                echo "SKIP $name (DRAFT API: the system libzmq is built without it; set REAL_DRAFT_PREFIX)"
                skipped=$((skipped + 1))
                continue
            fi
            dinc=$REAL_DRAFT_PREFIX/include
            dlib=$REAL_DRAFT_PREFIX/lib
            [[ -f $dlib/libzmq.so ]] || dlib=$REAL_DRAFT_PREFIX/src/.libs
            [[ -f $dlib/libzmq.so ]] || dlib=$REAL_DRAFT_PREFIX/.libs
            dver=$(sed -n 's/^#define ZMQ_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\)/\2/p' "$dinc/zmq.h" | paste -sd.)
            if [[ -n $why && $dver != 4.3.5 ]]; then
                echo "SKIP $name (libzmq $dver: ${why#4.3.5: })"
                skipped=$((skipped + 1))
                continue
            fi
            t_cflags="-DREAL_LIBZMQ -I$dinc"
            t_libs="-L$dlib -lzmq"
            t_rpath=(-Wl,-rpath,"$dlib")
        fi
    fi
    ((draft)) && t_cflags="-DZMQ_BUILD_DRAFT_API $t_cflags"
    bin=$out/$name
    log=$out/$name.log
    # shellcheck disable=SC2086 # pkg-config output is meant to be word-split
    if ! "$cc" -std=c99 -Wall -I"$here" $t_cflags "$src" -o "$bin" $t_libs \
            "${t_rpath[@]}" >"$log" 2>&1; then
        echo "FAIL $name (does not compile)"
        sed 's/^/    /' "$log" | head -40
        failed=$((failed + 1)); failures+=("$name")
        continue
    fi
    start=${EPOCHREALTIME/./}
    set +e
    # (the outer 2>/dev/null only silences bash's own "Segmentation fault" note)
    { (cd "$out" && exec timeout -k 5 "$timeout_s" "$bin" >"$log" 2>&1 </dev/null); } 2>/dev/null
    rc=$?
    set -e
    ms=$(( (${EPOCHREALTIME/./} - start) / 1000 ))
    secs=$(printf '%d.%02d' $((ms / 1000)) $((ms % 1000 / 10)))
    if ((rc == 0)); then
        echo "PASS $name (${secs}s)"
        passed=$((passed + 1))
    else
        if ((rc == 124 || rc == 137)); then why="timed out after ${timeout_s}s"
        elif ((rc > 128)); then why="killed by signal $((rc - 128))"
        else why="exit $rc"; fi
        echo "FAIL $name ($why)"
        tail -n 40 "$log" | sed 's/^/    /'
        failed=$((failed + 1)); failures+=("$name")
    fi
done

if ((failed)); then echo "failed: ${failures[*]}"; fi
summary="capi: $passed passed, $failed failed"
((skipped == 0)) || summary+=", $skipped skipped (reasons above)"
echo "$summary"
((failed == 0))
