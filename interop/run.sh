#!/usr/bin/env bash
# Wire-level interop suite: zmq-oxide against the real libzmq (Debian 4.3.4).
#
#   interop/run.sh [options] [OURLIBDIR]
#
#   OURLIBDIR      directory holding our libzmq.so.5 (default build/prefix/lib,
#                  as made by `make install PREFIX=build/prefix`)
#   --real-real    both sides use the real libzmq: validates the suite itself
#                  (every case must pass this way); OURLIBDIR is not needed
#   --only REGEX   run only the cases whose name matches REGEX (grep -E)
#   --list         print the case names and exit
#   --jobs N       run N cases at a time (default 1; 2 is fine on 2 cores)
#   --keep         keep the logs directory (printed at the end)
#
# Builds interop/build/peer-real (cc peer.c -lzmq, system loader path) and
# interop/build/peer-ours (our header, linked to OURLIBDIR/libzmq.so.5 with
# an rpath); each peer checks zmq_version() at start and refuses to run on
# the wrong library. Then, for every compatible socket-type pair, both
# topologies (either type binds), both library roles (ours binds / real
# connects and the reverse) and each transport (tcp://127.0.0.1, ipc:// under
# /tmp, plus tcp://[::1] for a subset), runs the binding peer, reads the
# endpoint it bound (wildcard port: a fresh port per case), runs the
# connecting peer, and prints PASS/FAIL per case. Reconnect cases SIGKILL a
# real peer mid-stream and restart it on the same endpoint. Last line:
#   interop: N passed, M failed
# and the exit status is non-zero if anything failed.
#
# No sleeps: peers synchronise with messages and zmq_poll; each peer has a
# hard timeout (INTEROP_TIMEOUT seconds, default 10) and is also wrapped in
# timeout(1), so a hung case costs at most a few seconds more than that.
# Once INTEROP_BUDGET seconds (default 170) have passed, the remaining cases
# are reported as FAIL without running, so the suite stays near 3 minutes.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
real_real=0
only=""
list=0
jobs=1
keep=0
ourlib=""
while (($#)); do
    case $1 in
        --real-real) real_real=1 ;;
        --only) only=${2:?--only needs a REGEX}; shift ;;
        --list) list=1 ;;
        --jobs) jobs=${2:?--jobs needs N}; shift ;;
        --keep) keep=1 ;;
        -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
        -*) echo "interop: unknown option $1" >&2; exit 2 ;;
        *) ourlib=$1 ;;
    esac
    shift
done
T=${INTEROP_TIMEOUT:-10}
budget=${INTEROP_BUDGET:-170}
cc=${CC:-cc}
bin=$here/build
mkdir -p "$bin"

fatal() {
    echo "interop: $*" >&2
    echo "interop: 0 passed, 1 failed"
    exit 1
}

# ---------------------------------------------------------------- build
if ((!list)); then
    $cc -std=c99 -Wall -Wextra -O2 -DPEER_FLAVOR='"real"' "$here/peer.c" \
        -o "$bin/peer-real" -lzmq || fatal "cannot build peer-real (is libzmq3-dev installed?)"
    if ((real_real)); then
        OURS=$bin/peer-real
        ours_label="real*"  # peer-real playing the part of ours
    else
        ourlib=${ourlib:-$root/build/prefix/lib}
        [[ -e $ourlib/libzmq.so.5 ]] ||
            fatal "no libzmq.so.5 in $ourlib (run: make install PREFIX=build/prefix, or pass a lib dir)"
        ourlib=$(cd "$ourlib" && pwd)
        inc=$root/include
        [[ -f $ourlib/../include/zmq.h ]] && inc=$(cd "$ourlib/../include" && pwd)
        $cc -std=c99 -Wall -Wextra -O2 -DPEER_FLAVOR='"ours"' -I"$inc" "$here/peer.c" \
            -o "$bin/peer-ours" "$ourlib/libzmq.so.5" -Wl,-rpath,"$ourlib" ||
            fatal "cannot build peer-ours against $inc and $ourlib"
        OURS=$bin/peer-ours
        ours_label=ours
    fi
    REAL=$bin/peer-real
fi
ours_label=${ours_label:-ours}

work=$(mktemp -d /tmp/zmq-interop.XXXXXX) || fatal "mktemp failed"
cleanup() { ((keep)) || rm -rf "$work"; }
trap cleanup EXIT

# ---------------------------------------------------------------- cases
# each case is one line: KIND NAME ARGS... (see run_exchange/run_reconnect)
cases=()
n=0
endpoint_for() { # transport -> bind endpoint for main and ctl sockets
    case $1 in
        tcp) echo "tcp://127.0.0.1:* tcp://127.0.0.1:*" ;;
        tcp6) echo "tcp://[::1]:* tcp://[::1]:*" ;;
        ipc) echo "ipc://$work/s$n.sock ipc://$work/s$n.ctl" ;;
    esac
}
add_exchange() { # transport bindtype connecttype ours-side(bind|connect)
    local tr=$1 bt=$2 ct=$3 side=$4 bl cl
    if [[ $side == bind ]]; then bl=$ours_label cl=real; else bl=real cl=$ours_label; fi
    cases+=("x|$tr $ct($cl) -> $bt($bl)|$tr|$bt|$ct|$side")
}
pairs="pair/pair pub/sub xpub/xsub pub/xsub xpub/sub req/rep req/router dealer/rep
       dealer/router dealer/dealer router/router push/pull"
for tr in tcp ipc; do
    for p in $pairs; do
        a=${p%/*} b=${p#*/}
        # conventional topology first: the second type binds (the server),
        # except that publishers bind; then the inverse (not for symmetric)
        case $a in pub|xpub) topo="$a/$b $b/$a" ;; *) topo="$b/$a $a/$b" ;; esac
        [[ $a == "$b" ]] && topo="$a/$b"
        for t in $topo; do
            for side in bind connect; do
                add_exchange $tr "${t%/*}" "${t#*/}" $side
            done
        done
    done
done
for p in pair/pair router/dealer xpub/xsub pull/push; do
    for side in bind connect; do add_exchange tcp6 "${p%/*}" "${p#*/}" $side; done
done
for tr in tcp ipc; do
    # our DEALER connects; the real REP server is SIGKILLed and restarted
    cases+=("r|$tr reconnect: dealer($ours_label) -> rep(real), real server SIGKILLed+restarted|$tr|server")
    # our REP server; the real DEALER client is SIGKILLed, a new one connects
    cases+=("r|$tr reconnect: dealer(real) -> rep($ours_label), real client SIGKILLed+restarted|$tr|client")
done

# ---------------------------------------------------------------- runner
tail_log() { # label file
    [[ -s $2 ]] || return 0
    tail -n 6 "$2" | sed "s/^/    $1| /"
}

# start a binding peer with stdout on a fifo, read its ENDPOINTS line;
# sets $pid, $ep, $ctl (empty on failure)
start_binder() { # log-prefix command...
    local pre=$1; shift
    mkfifo "$pre.fifo"
    env -u LD_LIBRARY_PATH -u LD_PRELOAD timeout -k 2 $((T + 5)) "$@" >"$pre.fifo" 2>>"$pre.err" &
    pid=$!
    local fd line=""
    exec {fd}<"$pre.fifo"
    read -r -t $((T + 5)) -u $fd line
    exec {fd}<&-
    rm -f "$pre.fifo"
    ep="" ctl=""
    if [[ $line == ENDPOINTS\ * ]]; then
        read -r _ ep ctl <<<"$line"
    fi
}

start_peer() { # log-prefix command...
    local pre=$1; shift
    env -u LD_LIBRARY_PATH -u LD_PRELOAD timeout -k 2 $((T + 5)) "$@" >>"$pre.err" 2>&1 &
    pid=$!
}

# wait for two pids; the first failure kills the other (fail fast)
wait_both() { # pidA pidB -> 0 if both exited 0
    local a=$1 b=$2 done rc rc2
    wait -n -p done "$a" "$b" 2>/dev/null; rc=$?
    local other=$b; [[ $done == "$b" ]] && other=$a
    if ((rc != 0)); then
        kill -TERM "$other" 2>/dev/null
        wait "$other" 2>/dev/null
        return 1
    fi
    wait "$other" 2>/dev/null; rc2=$?
    return $rc2
}

run_exchange() { # pre tr bindtype conntype ours-side
    local pre=$1 tr=$2 bt=$3 ct=$4 side=$5 bbin cbin eps mainep ctlep opt6=()
    if [[ $side == bind ]]; then bbin=$OURS cbin=$REAL; else bbin=$REAL cbin=$OURS; fi
    [[ $tr == tcp6 ]] && opt6=(--ipv6)
    eps=$(endpoint_for "$tr"); mainep=${eps% *} ctlep=${eps#* }
    start_binder "$pre.bind" "$bbin" "$bt" bind "$mainep" "with-$ct" --ctl "$ctlep" \
        --timeout "$T" "${opt6[@]}"
    local bpid=$pid
    if [[ -z $ep ]]; then
        wait "$bpid"
        echo "    (binding peer exited before announcing its endpoint)" >>"$pre.bind.err"
        return 1
    fi
    local cargs=("$cbin" "$ct" connect "$ep" "with-$bt" --timeout "$T" "${opt6[@]}")
    [[ $ctl != - ]] && cargs+=(--ctl "$ctl")
    start_peer "$pre.conn" "${cargs[@]}"
    wait_both "$bpid" "$pid"
}

run_reconnect() { # pre tr killed(server|client)
    local pre=$1 tr=$2 killed=$3 eps mainep p1 rc
    eps=$(endpoint_for "$tr"); mainep=${eps% *}
    local common=(--timeout "$T")
    if [[ $killed == server ]]; then
        start_binder "$pre.srv1" "$REAL" rep bind "$mainep" reconnect --instance 1 \
            --die-after 30 "${common[@]}"
        p1=$pid
        [[ -n $ep ]] || { wait "$p1"; return 1; }
        start_peer "$pre.cli" "$OURS" dealer connect "$ep" reconnect --rounds 100 \
            --expect-instances 2 "${common[@]}"
        local cpid=$pid
        # Wait for the first server by pid: it may be gone before we get
        # here (30 round trips take a few milliseconds), and `wait -n` does
        # not see a job that already ended. The client must still be alive.
        wait "$p1" 2>/dev/null; rc=$?
        if [[ $rc != 137 ]] || ! kill -0 "$cpid" 2>/dev/null; then
            echo "    (expected the first server to die by SIGKILL while the client runs; server rc=$rc)" >>"$pre.cli.err"
            kill -TERM "$p1" "$cpid" 2>/dev/null; wait "$p1" "$cpid" 2>/dev/null
            return 1
        fi
        start_peer "$pre.srv2" "$REAL" rep bind "$ep" reconnect --instance 2 "${common[@]}"
        wait_both "$pid" "$cpid"
    else
        start_binder "$pre.srv" "$OURS" rep bind "$mainep" reconnect --min-requests 90 \
            "${common[@]}"
        p1=$pid
        [[ -n $ep ]] || { wait "$p1"; return 1; }
        start_peer "$pre.cli1" "$REAL" dealer connect "$ep" reconnect --die-after 30 \
            "${common[@]}"
        local c1=$pid
        # As above: wait for the first client by pid; the server must still
        # be alive.
        wait "$c1" 2>/dev/null; rc=$?
        if [[ $rc != 137 ]] || ! kill -0 "$p1" 2>/dev/null; then
            echo "    (expected the first client to die by SIGKILL while the server runs; client rc=$rc)" >>"$pre.srv.err"
            kill -TERM "$p1" "$c1" 2>/dev/null; wait "$p1" "$c1" 2>/dev/null
            return 1
        fi
        start_peer "$pre.cli2" "$REAL" dealer connect "$ep" reconnect --rounds 60 \
            "${common[@]}"
        wait_both "$p1" "$pid"
    fi
}

# run one case in the background-able form: writes $pre.result
run_one() { # index spec
    local i=$1 spec=$2 kind name rest pre t0 t1 status
    IFS='|' read -r kind name rest <<<"$spec"
    pre=$work/c$i
    n=$i
    t0=${EPOCHREALTIME/./}
    if [[ $kind == x ]]; then
        IFS='|' read -r tr bt ct side <<<"$rest"
        run_exchange "$pre" "$tr" "$bt" "$ct" "$side"
    else
        IFS='|' read -r tr killed <<<"$rest"
        run_reconnect "$pre" "$tr" "$killed"
    fi
    status=$?
    t1=${EPOCHREALTIME/./}
    local dt; dt=$(( (t1 - t0) / 100000 )); dt="$((dt / 10)).$((dt % 10))"
    {
        if ((status == 0)); then
            printf 'PASS %s (%ss)\n' "$name" "$dt"
        else
            printf 'FAIL %s (%ss)\n' "$name" "$dt"
            for f in "$pre".*.err; do
                [[ -e $f ]] || continue
                lbl=${f#"$pre".}; lbl=${lbl%.err}
                tail_log "$lbl" "$f"
            done
        fi
    } >"$pre.result"
}

selected=()
for i in "${!cases[@]}"; do
    IFS='|' read -r _ name _ <<<"${cases[$i]}"
    if [[ -z $only ]] || grep -qE -- "$only" <<<"$name"; then selected+=("$i"); fi
done
if ((list)); then
    for i in "${selected[@]}"; do IFS='|' read -r _ name _ <<<"${cases[$i]}"; echo "$name"; done
    exit 0
fi
((${#selected[@]})) || fatal "no case matches '$only'"

echo "interop: ${#selected[@]} cases, $( ((real_real)) && echo "real vs real* (harness validation; real* = peer-real in our role)" || echo "ours ($ourlib) vs real")"
passed=0 failed=0 running=()
flush_one() { # index
    cat "$work/c$1.result"
    if grep -q '^PASS' "$work/c$1.result"; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
}
start=$EPOCHSECONDS
for i in "${selected[@]}"; do
    if ((EPOCHSECONDS - start > budget)); then
        IFS='|' read -r _ name _ <<<"${cases[$i]}"
        echo "FAIL $name (not run: suite budget of ${budget}s exhausted)" >"$work/c$i.result"
        flush_one "$i"
        continue
    fi
    if ((jobs <= 1)); then
        run_one "$i" "${cases[$i]}"
        flush_one "$i"
    else
        run_one "$i" "${cases[$i]}" &
        running+=("$!:$i")
        if ((${#running[@]} >= jobs)); then
            first=${running[0]}; running=("${running[@]:1}")
            wait "${first%%:*}"; flush_one "${first#*:}"
        fi
    fi
done
for r in "${running[@]}"; do wait "${r%%:*}"; flush_one "${r#*:}"; done

((keep)) && echo "interop: logs kept in $work"
echo "interop: $passed passed, $failed failed"
((failed == 0))
