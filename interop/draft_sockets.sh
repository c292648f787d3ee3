#!/usr/bin/env bash
# Wire interop of the DRAFT socket types with a real libzmq built with
# --enable-drafts (Debian's libzmq has no DRAFT API).
#
#   REAL_DRAFT_PREFIX=/path interop/draft_sockets.sh [OURPREFIX]
#
# REAL_DRAFT_PREFIX holds include/zmq.h and lib/libzmq.so (or is a libtool
# build tree with src/.libs/); OURPREFIX (default build/prefix) our staged
# install. interop/draft_peer.c is built against each; then for SERVER/
# CLIENT, RADIO/DISH, SCATTER/GATHER, PEER/PEER and CHANNEL/CHANNEL, with
# either type binding, ours binding and real connecting and the reverse,
# over tcp://127.0.0.1:* and ipc://, the binding peer starts, prints its
# endpoint, and the connecting peer runs the exchange (see draft_peer.c).
# Over udp://127.0.0.1: RADIO -> DISH and DGRAM <-> DGRAM, both ways; over
# IPv6 (ZMQ_IPV6): RADIO -> DISH on udp://[::1] and to the group
# udp://IF;[ff12::7a71:4c2], IF being the first interface where plain
# sockets see their own IPv6 multicast (skipped, saying so, if none does).
# libzmq 4.3.4 has no IPv6 DGRAM (it reads address frames as IPv4 only and
# asserts on an IPv6 datagram), so there is no IPv6 DGRAM case.
# Prints PASS/FAIL per case and `draft-interop: N passed, M failed`; exits
# non-zero on a failure, or when REAL_DRAFT_PREFIX is unset (exit 77:
# skipped). Each peer has a hard timeout (INTEROP_TIMEOUT, default 20 s).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
ours=${1:-$root/build/prefix}
T=${INTEROP_TIMEOUT:-20}
cc=${CC:-cc}
if [[ -z ${REAL_DRAFT_PREFIX:-} ]]; then
    echo "draft-interop: SKIP (set REAL_DRAFT_PREFIX to a libzmq built with --enable-drafts)"
    exit 77
fi
rinc=$REAL_DRAFT_PREFIX/include
rlib=$REAL_DRAFT_PREFIX/lib
[[ -f $rlib/libzmq.so ]] || rlib=$REAL_DRAFT_PREFIX/src/.libs
[[ -f $rlib/libzmq.so ]] || rlib=$REAL_DRAFT_PREFIX/.libs
[[ -f $rlib/libzmq.so ]] || { echo "draft-interop: no libzmq.so under $REAL_DRAFT_PREFIX" >&2; exit 1; }
[[ -f $ours/lib/libzmq.so ]] || { echo "draft-interop: no libzmq.so under $ours/lib (make stage)" >&2; exit 1; }
bin=$root/build/draft-interop
mkdir -p "$bin"
"$cc" -std=c99 -Wall -O1 -I"$rinc" "$here/draft_peer.c" -o "$bin/peer-real" \
    -L"$rlib" -lzmq -Wl,-rpath,"$rlib" || exit 1
"$cc" -std=c99 -Wall -O1 -I"$ours/include" "$here/draft_peer.c" -o "$bin/peer-ours" \
    -L"$ours/lib" -lzmq -Wl,-rpath,"$ours/lib" || exit 1
unset LD_LIBRARY_PATH LD_PRELOAD

tmp=$(mktemp -d /tmp/zo-draft-interop.XXXX)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
n=0
free_udp_port() {
    python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
free_udp6_port() {
    python3 -c 'import socket; s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); s.bind(("::1", 0)); print(s.getsockname()[1])'
}
group6=ff12::7a71:4c2
# The first interface (with an IPv6 address) that loops a datagram to
# $group6 back to a socket that joined it there; nothing if none does.
mcast6_iface() {
    python3 - "$group6" <<'PY'
import select, socket, struct, sys
group = socket.inet_pton(socket.AF_INET6, sys.argv[1])
names = []
for line in open("/proc/net/if_inet6"):
    name = line.split()[-1]
    if name not in names:
        names.append(name)
for name in names:
    idx = socket.if_nametoindex(name)
    r = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    try:
        r.bind(("::", 0))
        r.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP, group + struct.pack("@I", idx))
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, idx)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_LOOP, 1)
        s.sendto(b"probe", (sys.argv[1], r.getsockname()[1]))
        if select.select([r], [], [], 0.5)[0]:
            print(name)
            break
    except OSError:
        pass
    finally:
        r.close()
        s.close()
PY
}
# run_case TRANSPORT BINDTYPE BINDLIB CONNTYPE CONNLIB
run_case() {
    local tr=$1 bt=$2 bl=$3 ct=$4 cl=$5
    n=$((n + 1))
    local name="$tr $ct($cl) -> $bt($bl)"
    local ep ctl="ipc://$tmp/ctl$n" blog=$tmp/b$n.log clog=$tmp/c$n.log
    unset DRAFT_IPV6
    case $tr in
        tcp) ep="tcp://127.0.0.1:*" ;;
        ipc) ep="ipc://$tmp/s$n" ;;
        udp) ep="udp://127.0.0.1:$(free_udp_port)"
             export DRAFT_MAX_SIZE=1000 DRAFT_DGRAM_OWN="udp://127.0.0.1:$(free_udp_port)" ;;
        udp6) ep="udp://[::1]:$(free_udp6_port)"
              export DRAFT_MAX_SIZE=1000 DRAFT_IPV6=1 ;;
        udp6m) ep="udp://$iface6;[$group6]:$(free_udp6_port)"
               export DRAFT_MAX_SIZE=1000 DRAFT_IPV6=1 ;;
    esac
    local start=${EPOCHREALTIME/./}
    exec 3< <(exec timeout -k 2 "$T" "$bin/peer-$bl" "$bl" "$bt" bind "$ep" "$ctl" 2>"$blog")
    local bpid=$!
    local bound=""
    read -r -t "$T" bound <&3
    # libzmq's ZMQ_LAST_ENDPOINT for udp lacks the "udp://": use ours
    [[ $tr == udp* && -n $bound ]] && bound=$ep
    local crc=1
    if [[ -n $bound ]]; then
        timeout -k 2 "$T" "$bin/peer-$cl" "$cl" "$ct" connect "$bound" "$ctl" 2>"$clog"
        crc=$?
    else
        echo "(the binding peer printed no endpoint)" >"$clog"
    fi
    wait "$bpid"
    local brc=$?
    exec 3<&-
    local ms=$(( (${EPOCHREALTIME/./} - start) / 1000 ))
    if ((brc == 0 && crc == 0)); then
        echo "PASS $name (${ms} ms)"
        passed=$((passed + 1))
    else
        echo "FAIL $name (bind rc $brc, connect rc $crc)"
        tail -n 5 "$blog" "$clog" | sed 's/^/    /'
        failed=$((failed + 1))
    fi
}

for tr in tcp ipc; do
    for p in server/client client/server radio/dish dish/radio scatter/gather \
             gather/scatter peer/peer channel/channel; do
        bt=${p%/*} ct=${p#*/}
        run_case "$tr" "$bt" ours "$ct" real
        run_case "$tr" "$bt" real "$ct" ours
    done
done
# udp: the DISH binds, the RADIO connects; DGRAM binds on both sides
for p in dish/radio dgram/dgram; do
    bt=${p%/*} ct=${p#*/}
    run_case udp "$bt" ours "$ct" real
    run_case udp "$bt" real "$ct" ours
done
# udp over IPv6: RADIO -> DISH, unicast and multicast
run_case udp6 dish ours radio real
run_case udp6 dish real radio ours
iface6=$(mcast6_iface)
if [[ -n $iface6 ]]; then
    echo "(udp6m: the group $group6 on $iface6)"
    run_case udp6m dish ours radio real
    run_case udp6m dish real radio ours
else
    echo "SKIP udp6m (no interface loops IPv6 multicast back, even for plain sockets)"
fi
echo "draft-interop: $passed passed, $failed failed"
((failed == 0))
