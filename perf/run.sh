#!/usr/bin/env bash
# perf/run.sh [--quick] [--rounds N] [--curve | --draft] [OURLIBDIR]
#
# Side-by-side benchmark: Debian's libzmq (default loader path) against ours
# (LD_LIBRARY_PATH=OURLIBDIR, default build/prefix/lib from `make stage`).
# The programs are compiled once against /usr/include/zmq.h; every case runs
# real then ours (order swapped each round), R rounds (5; --quick: 1 round,
# 1/10 of the messages).  Loopback only.  Raw results go to
# build/perf/results.tsv, the markdown table to build/perf/table.md and stdout.
# --curve runs only the CURVE cases (CURVE-secured PUSH->PULL and REQ<->REP
# over tcp and ipc, handshakes per second), which the full run includes.
# --draft runs only the DRAFT socket cases (CLIENT/SERVER, RADIO/DISH), also
# in the full run; they compare against scripts/real-drafts.sh's libzmq.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
QUICK=0
ROUNDS=5
CURVE_ONLY=0
DRAFT_ONLY=0
OURS=build/prefix/lib
while [[ $# -gt 0 ]]; do
    case $1 in
        --quick) QUICK=1; ROUNDS=1; shift ;;
        --rounds) ROUNDS=$2; shift 2 ;;
        --curve) CURVE_ONLY=1; shift ;;
        --draft) DRAFT_ONLY=1; shift ;;
        -h|--help) sed -n 2,12p "$0"; exit 0 ;;
        *) OURS=$1; shift ;;
    esac
done
OURS=$(cd "$OURS" && pwd)
[[ -f $OURS/libzmq.so.5 ]] || { echo "run.sh: $OURS/libzmq.so.5 missing (run 'make stage')" >&2; exit 1; }
if [[ -n $(find src -name '*.rs' -newer "$OURS/libzmq.so.5" 2>/dev/null | head -1) ]]; then
    echo "run.sh: warning: $OURS/libzmq.so.5 is older than src/ (run 'make stage' first)" >&2
fi
[[ -f /usr/lib/x86_64-linux-gnu/libzmq.so.5 ]] || { echo "run.sh: Debian libzmq5 is not installed" >&2; exit 1; }

OUT=build/perf
make -s -C perf OUT="$ROOT/$OUT" >&2
# The draft cases' "real" is Debian's libzmq source built with drafts
REALD=""
if [[ $CURVE_ONLY == 0 ]]; then
    REALD=$(scripts/real-drafts.sh) || { echo "run.sh: scripts/real-drafts.sh failed" >&2; exit 1; }
    make -s -C perf OUT="$ROOT/$OUT" DRAFT_PREFIX="$REALD" draft >&2
fi
BIN=$ROOT/$OUT
WORK=$(mktemp -d /tmp/zbench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
RES=$OUT/results.tsv
ulimit -n 20000 2>/dev/null || ulimit -n 4096 2>/dev/null || true
TIME=/usr/bin/time
[[ -x $TIME ]] || { echo "run.sh: /usr/bin/time missing (apt-get install time)" >&2; exit 1; }

div() { [[ $QUICK == 1 ]] && echo $(( ($1 + 9) / 10 )) || echo "$1"; }
# Ports below the kernel's ephemeral range (32768-60999 by default): a port
# in that range can be in use as the local end of an earlier connection
# (one full run had a bind fail with EADDRINUSE that way). A run takes a
# few hundred ports at most.
PORT=$(( 10000 + RANDOM % 20000 ))
TMO=120

# endpoint TRANSPORT: sets EP to a fresh port / path for each run
endpoint() {
    PORT=$((PORT + 1))
    case $1 in
        tcp) EP="tcp://127.0.0.1:$PORT" ;;
        ipc) EP="ipc://$WORK/ep$PORT" ;;
        inproc) EP="inproc://bench" ;;
    esac
}

# wait_bound FILE: the bind side prints BOUND once zmq_bind returned; a peer
# that connects earlier races the listener (Debian's libzmq then drops the
# queued ipc messages at close).
wait_bound() {
    local i
    for i in $(seq 1 1000); do
        grep -q '^BOUND' "$1" 2>/dev/null && return 0
        sleep 0.01
    done
    return 1
}

# setlib real|ours|real-drafts: the environment each program runs in
setlib() {
    if [[ $1 == ours ]]; then export LD_LIBRARY_PATH=$OURS
    elif [[ $1 == real-drafts ]]; then export LD_LIBRARY_PATH=$REALD/lib
    else unset LD_LIBRARY_PATH; fi
}

# timed OUTFILE TIMEFILE cmd...: run under GNU time (user sys maxrss_kb via wait4)
timed() {
    local out=$1 tf=$2; shift 2
    timeout $TMO "$TIME" -f "%U %S %M" -o "$tf" "$@" >"$out" 2>>"$WORK/stderr"
}

# record CASE TRANSPORT SIZE LIB ROUND MSGS OUTFILE TIMEFILES...
# Appends one TSV row: value columns from the RESULT line, cpu = sum of
# user+sys over all processes, rss = sum of peak RSS (kB) over them.
record() {
    local case=$1 tr=$2 size=$3 lib=$4 round=$5 msgs=$6 out=$7; shift 7
    local want=4.3.4; [[ $lib == ours ]] && want=4.3.5
    local libv; libv=$(awk '/^LIB /{print $2; exit}' "$out")
    local line; line=$(grep '^RESULT' "$out" | head -1 || true)
    local cpu=0 rss=0 tf u s m
    for tf in "$@"; do
        [[ -s $tf ]] || continue
        read -r u s m < <(tail -1 "$tf") || true
        [[ $u =~ ^[0-9.]+$ ]] || continue
        cpu=$(awk -v a="$cpu" -v b="$u" -v c="$s" 'BEGIN{print a+b+c}')
        rss=$((rss + m))
    done
    if [[ -z $line ]]; then
        echo "  FAIL $case $tr $size $lib (see stderr below)" >&2
        tail -5 "$WORK/stderr" >&2 || true
        line="RESULT fail"
    elif [[ $libv != "$want" ]]; then
        echo "run.sh: $lib run loaded libzmq $libv, expected $want" >&2; exit 1
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$case" "$tr" "$size" "$lib" "$round" \
        "$msgs" "$cpu" "$rss" "$line" >>"$RES"
}

# two-process case: bind side then connect side
run_pair() { # case tr size lib round msgs localprog remoteprog [router]
    local case=$1 tr=$2 size=$3 lib=$4 round=$5 n=$6 lp=$7 rp=$8 extra=${9:-}
    endpoint "$tr"; local ep=$EP
    local lextra=() rextra=()
    if [[ $lp == local_thr ]]; then # thr: types, plus the "all received" ack endpoint
        endpoint "$tr"
        if [[ $extra == router ]]; then lextra=(router "$EP"); rextra=(dealer "$EP")
        else lextra=(pull "$EP"); rextra=(push "$EP"); fi
        [[ $extra == unwritten ]] && rextra+=(unwritten)
    fi
    setlib "$lib"
    timed "$WORK/l.out" "$WORK/l.time" "$BIN/$lp" "$ep" "$size" "$n" "${lextra[@]}" &
    local lpid=$!
    wait_bound "$WORK/l.out" || echo "  bind side of $case $tr $size $lib never said BOUND" >&2
    timed "$WORK/r.out" "$WORK/r.time" "$BIN/$rp" "$ep" "$size" "$n" "${rextra[@]}" || true
    wait $lpid || true
    setlib real
    local out="$WORK/l.out"; [[ $lp == local_lat ]] && out="$WORK/r.out"
    # both outputs carry LIB; the RESULT is on the timing side
    record "$case" "$tr" "$size" "$lib" "$round" "$n" "$out" "$WORK/l.time" "$WORK/r.time"
    rm -f "$WORK"/l.* "$WORK"/r.*
}

run_one() { # case tr size lib round msgs cmd...
    local case=$1 tr=$2 size=$3 lib=$4 round=$5 n=$6; shift 6
    setlib "$lib"
    timed "$WORK/o.out" "$WORK/o.time" "$@" || true
    setlib real
    record "$case" "$tr" "$size" "$lib" "$round" "$n" "$WORK/o.out" "$WORK/o.time"
    rm -f "$WORK"/o.*
}

# handshakes: a CURVE server and CLIENTS threads connecting, completing the
# handshake and closing, for SECONDS; RESULT on the client side
run_hs() { # case tr size lib round clients seconds
    local case=$1 tr=$2 lib=$4 round=$5 clients=$6 secs=$7
    endpoint "$tr"; local ep=$EP
    setlib "$lib"
    timed "$WORK/l.out" "$WORK/l.time" "$BIN/handshakes" server "$ep" "$secs" &
    local lpid=$!
    wait_bound "$WORK/l.out" || echo "  handshake server never said BOUND" >&2
    timed "$WORK/r.out" "$WORK/r.time" "$BIN/handshakes" client "$ep" "$secs" "$clients" || true
    wait $lpid || true
    setlib real
    record "$case" "$tr" "$clients" "$lib" "$round" 1 "$WORK/r.out" "$WORK/l.time" "$WORK/r.time"
    rm -f "$WORK"/l.* "$WORK"/r.*
}

# The CURVE cases of one round (ZBENCH_CURVE=1 makes the programs secure
# their measured sockets: perf/common.h).
curve_round() {
    local round=$1 tr s n
    export ZBENCH_CURVE=1
    for tr in tcp ipc; do
        for s in 64 1024 65536 1048576; do
            n=$(div "${CURVE_THR[$s]}")
            cthr() { run_pair curve-thr "$tr" "$s" "$1" "$2" "$n" local_thr remote_thr; }
            both "$round" cthr
        done
        n=$(div 5000)
        clat() { run_pair curve-lat "$tr" 64 "$1" "$2" "$n" local_lat remote_lat; }
        both "$round" clat
    done
    local secs=3; [[ $QUICK == 1 ]] && secs=1
    chs() { run_hs curve-handshakes tcp 4 "$1" "$2" 4 "$secs"; }
    both "$round" chs
    unset ZBENCH_CURVE
}

# draft case: perf/draft.c's MODE; two processes over tcp/ipc, two threads
# of one process over inproc. The RESULT is on the receiving side (the
# sender's for ru, the CLIENT's for lat).
run_draft() { # case tr size lib round msgs mode
    local case=$1 tr=$2 size=$3 lib=$4 round=$5 n=$6 mode=$7
    local env=$lib; [[ $lib == real ]] && env=real-drafts
    endpoint "$tr"; local ep=$EP ack
    if [[ $tr == inproc ]]; then
        setlib "$env"
        timed "$WORK/o.out" "$WORK/o.time" "$BIN/draft" "$mode" both inproc://bench inproc://ack "$size" "$n" || true
        setlib real
        record "$case" "$tr" "$size" "$lib" "$round" "$n" "$WORK/o.out" "$WORK/o.time"
        rm -f "$WORK"/o.*
        return
    fi
    endpoint "$tr"; ack=$EP
    setlib "$env"
    timed "$WORK/l.out" "$WORK/l.time" "$BIN/draft" "$mode" bind "$ep" "$ack" "$size" "$n" &
    local lpid=$!
    wait_bound "$WORK/l.out" || echo "  bind side of $case $tr $size $lib never said BOUND" >&2
    timed "$WORK/r.out" "$WORK/r.time" "$BIN/draft" "$mode" connect "$ep" "$ack" "$size" "$n" || true
    wait $lpid || true
    setlib real
    local out="$WORK/l.out"; [[ $mode == sc || $mode == ru || $mode == lat ]] && out="$WORK/r.out"
    record "$case" "$tr" "$size" "$lib" "$round" "$n" "$out" "$WORK/l.time" "$WORK/r.time"
    rm -f "$WORK"/l.* "$WORK"/r.*
}

# The DRAFT socket cases of one round.
draft_round() {
    local round=$1 tr s n m
    for tr in tcp ipc inproc; do
        for s in 64 1024; do
            for m in cs sc rd; do
                n=$(div "${DRAFT_THR[$tr$s]}")
                dthr() { run_draft "draft-$m" "$tr" "$s" "$1" "$2" "$n" "$m"; }
                both "$round" dthr
            done
        done
        # ~10M msg/s: 5 times the messages, so that a run lasts about half
        # a second rather than a scheduling quantum or two
        n=$(div $((5 * DRAFT_THR[${tr}64])))
        dru() { run_draft draft-ru "$tr" 64 "$1" "$2" "$n" ru; }
        both "$round" dru
        n=$(div 5000); [[ $tr == inproc ]] && n=$(div 60000)
        dlat() { run_draft draft-lat "$tr" 64 "$1" "$2" "$n" lat; }
        both "$round" dlat
    done
}

both() { # run "$@" for real and ours, order alternating with the round
    local round=$1; shift
    local a=real b=ours
    (( round % 2 == 0 )) && { a=ours; b=real; }
    "$@" "$a" "$round"; "$@" "$b" "$round"
}

SIZES=(1 64 1024 65536 1048576)
declare -A THR_NET=([1]=2000000 [64]=1000000 [1024]=500000 [65536]=20000 [1048576]=1500)
declare -A THR_INPROC=([1]=3000000 [64]=3000000 [1024]=2000000 [65536]=1000000 [1048576]=200000)
declare -A LAT_NET=([1]=5000 [64]=5000 [1024]=5000 [65536]=3000 [1048576]=1500)
declare -A LAT_INPROC=([1]=60000 [64]=60000 [1024]=60000 [65536]=60000 [1048576]=60000)
declare -A DRAFT_THR=([tcp64]=1000000 [tcp1024]=500000 [ipc64]=1000000 [ipc1024]=500000
                      [inproc64]=2000000 [inproc1024]=1000000)
declare -A CURVE_THR=([64]=500000 [1024]=300000 [65536]=10000 [1048576]=1000)

: >"$RES"
: >"$WORK/stderr"
t_start=$(date +%s)
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
DATE0=$(date -u '+%Y-%m-%d %H:%M UTC')
LIBTIME=$(date -u -r "$(readlink -f "$OURS/libzmq.so.5")" '+%H:%M:%S UTC')
for round in $(seq 1 "$ROUNDS"); do
    echo "round $round/$ROUNDS" >&2
    [[ $DRAFT_ONLY == 0 ]] && curve_round "$round"
    [[ $CURVE_ONLY == 1 ]] && continue
    draft_round "$round"
    [[ $DRAFT_ONLY == 1 ]] && continue
    for tr in tcp ipc; do
        for s in "${SIZES[@]}"; do
            n=$(div "${THR_NET[$s]}")
            pthr() { run_pair thr "$tr" "$s" "$1" "$2" "$n" local_thr remote_thr; }
            both "$round" pthr
            n=$(div "${LAT_NET[$s]}")
            plat() { run_pair lat "$tr" "$s" "$1" "$2" "$n" local_lat remote_lat; }
            both "$round" plat
        done
    done
    for s in "${SIZES[@]}"; do
        n=$(div "${THR_INPROC[$s]}")
        ithr() { run_one thr inproc "$s" "$1" "$2" "$n" "$BIN/inproc" thr "$s" "$n"; }
        both "$round" ithr
        n=$(div "${LAT_INPROC[$s]}")
        ilat() { run_one lat inproc "$s" "$1" "$2" "$n" "$BIN/inproc" lat "$s" "$n"; }
        both "$round" ilat
    done
    # as libzmq's own remote_thr: payloads sent without being written
    for tr in tcp ipc; do
        for s in 65536 1048576; do
            n=$(div "${THR_NET[$s]}")
            uw() { run_pair thr-unwritten "$tr" "$s" "$1" "$2" "$n" local_thr remote_thr unwritten; }
            both "$round" uw
        done
    done
    for s in 64 1024 65536; do
        n=$(div "${THR_NET[$s]}")
        rd() { run_pair router-dealer tcp "$s" "$1" "$2" "$n" local_thr remote_thr router; }
        both "$round" rd
    done
    for subs in 1 4 16; do
        declare -A PS=([1]=1000000 [4]=400000 [16]=100000)
        n=$(div "${PS[$subs]}")
        ps() {
            endpoint tcp; local p1=$EP; endpoint tcp; local p2=$EP
            run_one "pubsub-x$subs" tcp 64 "$1" "$2" $((n * subs)) "$BIN/pubsub" "$p1" "$p2" "$subs" 64 "$n"
        }
        both "$round" ps
    done
    idle() {
        endpoint tcp; local ep=$EP
        setlib "$1"
        timeout $TMO "$BIN/idle_conns" "$ep" 1000 >"$WORK/i.out" 2>>"$WORK/stderr" || true
        setlib real
        local side
        for side in bind connect; do
            local line; line=$(grep "^RESULT idle side=$side" "$WORK/i.out" || echo "RESULT fail")
            printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "idle-$side" tcp 0 "$1" "$2" 1000 0 0 "$line" >>"$RES"
        done
    }
    both "$round" idle
done
echo "finished in $(( $(date +%s) - t_start )) s" >&2
{
    echo "Run started $DATE0, took $(( $(date +%s) - t_start )) s; $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'),"
    echo "kernel $(uname -r), rounds $ROUNDS$([[ $QUICK == 1 ]] && echo ' (--quick)'), load average before/after: $LOAD0 / $(cut -d' ' -f1-3 /proc/loadavg)."
    echo "real = $(readlink -f /usr/lib/x86_64-linux-gnu/libzmq.so.5) (4.3.4)$([[ -n $REALD ]] && echo ", draft cases: $(readlink -f "$REALD/lib/libzmq.so.5") (4.3.4 with drafts)"), ours = $(readlink -f "$OURS/libzmq.so.5") (4.3.5, built $LIBTIME$(
        [[ $(date -u -r "$(readlink -f "$OURS/libzmq.so.5")" '+%H:%M:%S UTC') != "$LIBTIME" ]] && echo ', REPLACED DURING THE RUN'))."
    echo
    python3 perf/report.py "$RES"
} | tee "$OUT/table.md"
