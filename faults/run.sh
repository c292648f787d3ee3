#!/usr/bin/env bash
# The fault suite: partitions, slow links, a reader that stops, a lossy
# relay, peers SIGKILLed and restarted, a reconnect storm; each scenario on
# our library and on Debian's libzmq side by side (faults/faults.py says
# how each is judged; docs/faults.md has the table of a full run).
#
#   faults/run.sh [--short] [--runs K] [--lib DIR] [--out FILE] [scenario...]
#
# --short is the form `make test` runs (under 3 minutes); `make faults`
# runs the full form and writes docs/faults.md. A scenario name filters by
# substring ("storm", "partition 3 s", "REQ/REP"). Needs root (network and
# mount namespaces, veth pairs, tc tbf), gcc and Debian's libzmq3-dev.
# Every namespace and veth this run creates carries a name unique to the
# run, and is removed on exit, also when the run is interrupted.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
lib=$root/build/prefix/lib
args=()
while (($#)); do
    case $1 in
        --lib) lib=$(cd "$2" && pwd); shift 2 ;;
        --lib=*) lib=$(cd "${1#--lib=}" && pwd); shift ;;
        *) args+=("$1"); shift ;;
    esac
done
[[ -f $lib/libzmq.so.5 ]] || { echo "faults: no $lib/libzmq.so.5 (run make stage)" >&2; exit 2; }
((EUID == 0)) || { echo "faults: needs root (network namespaces)" >&2; exit 2; }

out=$root/build/faults
mkdir -p "$out"
# built against Debian's zmq.h and libzmq.so, run on either library
cc -std=c99 -O2 -Wall -Wextra -o "$out/fpeer" "$root/faults/fpeer.c" -lzmq

tag=zf$(od -An -N2 -tx2 /dev/urandom | tr -d " \n")
tmp=$(mktemp -d)
child=
cleanup() {
    local ns pid
    # the runner first (its own cleanup may not get to run), then whatever
    # still lives in this run's namespaces
    [[ -z $child ]] || kill "$child" 2>/dev/null || true
    for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^$tag" || true); do
        for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
        ip netns del "$ns" 2>/dev/null || true
    done
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
ulimit -n 65536 2>/dev/null || true
# in the background and waited for, so that a signal to this script runs
# the trap at once (bash defers traps while a foreground command runs)
/usr/bin/python3 "$root/faults/faults.py" --fpeer "$out/fpeer" --lib "$lib" --tag "$tag" \
    --tmp "$tmp" "${args[@]}" &
child=$!
rc=0
wait "$child" || rc=$?
child=
exit "$rc"
