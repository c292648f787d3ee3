#!/usr/bin/env bash
# Run a command in a network namespace of its own, with only the loopback
# interface, up (127.0.0.1 and ::1), and IPv4 multicast routed to it
# (224.0.0.0/4 on lo, which then carries multicast): a udp group joined on
# the default interface works here as on a machine with a network, and
# nothing leaves the namespace:
#
#   scripts/netns.sh COMMAND [ARGS...]
#
# Client test suites bind fixed ports (pyzmq's test_retry_term binds 5555,
# czmq's selftests 5560 and up); in their own namespace nothing else on the
# machine can hold those ports, and nothing they send leaves the machine.
# Needs root (unshare -n, ip from iproute2). Without them the command runs
# in the machine's namespace, with a warning. Exits with the command's status.
set -euo pipefail

if (($# == 0)); then
    echo "usage: $0 COMMAND [ARGS...]" >&2
    exit 2
fi
if [[ ${ZMQ_OXIDE_IN_NETNS:-} == 1 ]]; then
    exec "$@"  # already inside one
fi
if unshare -n true 2>/dev/null && command -v ip >/dev/null; then
    export ZMQ_OXIDE_IN_NETNS=1
    exec unshare -n -- bash -c 'ip link set lo up && ip link set lo multicast on &&
        ip route add 224.0.0.0/4 dev lo && exec "$@"' netns "$@"
fi
echo "netns: cannot create a network namespace (needs root and iproute2);" \
    "running in the machine's own: tests that bind fixed ports may collide" >&2
exec "$@"
