#!/usr/bin/env bash
# The DRAFT options that show on the wire (ROUTER_NOTIFY, HELLO_MSG,
# DISCONNECT_MSG, METADATA) between our library and a real libzmq built
# with drafts, in both roles, and each library with itself:
#
#   interop/draft_options.sh REAL_DRAFT_PREFIX [OUR_PREFIX]
#
# REAL_DRAFT_PREFIX holds include/zmq.h and lib/libzmq.so of a libzmq built
# with --enable-drafts (or cmake -DENABLE_DRAFTS=ON); OUR_PREFIX defaults to
# build/prefix. Prints PASS/FAIL per pairing and `draft-interop: N passed,
# M failed`; exits non-zero on any failure.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
real=${1:?usage: interop/draft_options.sh REAL_DRAFT_PREFIX [OUR_PREFIX]}
ours=${2:-$root/build/prefix}
out=$root/build/interop-draft
mkdir -p "$out"
unset LD_LIBRARY_PATH LD_PRELOAD
for lib in ours real; do
    p=$ours; [[ $lib == real ]] && p=$real
    cc -std=c99 -Wall -I"$p/include" "$here/draft_wire.c" -o "$out/wire-$lib" \
        -L"$p/lib" -lzmq -Wl,-rpath,"$p/lib"
done
passed=0 failed=0
for pair in ours:ours real:real ours:real real:ours; do
    b=${pair%%:*} c=${pair##*:}
    name="ROUTER($b) <- DEALER($c)"
    log=$out/${b}-${c}.log
    : >"$log"
    epfile=$out/${b}-${c}.ep
    rm -f "$epfile"
    timeout 15 "$out/wire-$b" bind >"$epfile" 2>>"$log" &
    bpid=$!
    ep=""
    for _ in $(seq 100); do
        ep=$(head -n1 "$epfile" 2>/dev/null || true)
        [[ -n $ep ]] && break
        kill -0 "$bpid" 2>/dev/null || break
        sleep 0.1    # waiting for the binder's endpoint line, not syncing peers
    done
    if [[ -n $ep ]] && timeout 15 "$out/wire-$c" connect "$ep" 2>>"$log" && wait "$bpid"; then
        echo "PASS $name"; passed=$((passed + 1))
    else
        wait "$bpid" 2>/dev/null || true
        echo "FAIL $name"; sed 's/^/    /' "$log"; failed=$((failed + 1))
    fi
done
echo "draft-interop: $passed passed, $failed failed"
((failed == 0))
