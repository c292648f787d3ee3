#!/usr/bin/env bash
# Install the Debian packages a make target needs, only those that are missing.
#
#   scripts/setup.sh demo   # C compiler + pkg-config
#   scripts/setup.sh bench  # + time (GNU /usr/bin/time for perf/run.sh)
#   scripts/setup.sh test   # + what the test phases compare us with:
#                           #   libzmq3-dev (the real libzmq 4.3.4: header
#                           #   check, the peer of interop/run.sh and of
#                           #   tests-py/test_pyzmq_network.py), python3-zmq
#                           #   (with zmq.asyncio), binutils (nm), coreutils
#                           #   (timeout, mkfifo), and for the fuzz smoke run
#                           #   g++ (libFuzzer) and libsodium-dev (the fuzz
#                           #   build links the system libsodium: the one
#                           #   built from source does not link under ASan)
#                           #   and for tests-install/run.sh cppzmq-dev
#                           #   (zmq.hpp and its CMake package)
#                           #   + what `clients` installs
#   scripts/setup.sh clients  # what tests-clients/ and tests-pyzmq/ need:
#                           #   libzmq3-dev (baseline runs, czmq's build),
#                           #   dpkg-dev (dpkg-source: czmq's Debian source),
#                           #   iproute2 + util-linux (scripts/netns.sh),
#                           #   cmake (pyzmq built from its sdist, and
#                           #   tests-install's find_package projects)
#
# Runs `apt-get update` before installing, and only when something is missing,
# so a machine that already has everything pays nothing. Needs root (or sudo)
# only in that case. Also checks that cargo is reachable.
set -euo pipefail

want=(gcc libc6-dev pkg-config make)
case "${1:-demo}" in
    demo) ;;
    test) want+=(libzmq3-dev python3 python3-zmq python3-venv binutils coreutils g++ libsodium-dev
                 dpkg-dev iproute2 util-linux cmake cppzmq-dev) ;;
    clients) want+=(libzmq3-dev dpkg-dev iproute2 util-linux cmake g++ libsodium-dev) ;;
    bench) want+=(libzmq3-dev python3 binutils coreutils time) ;;
    *) echo "usage: $0 demo|test|bench|clients" >&2; exit 2 ;;
esac

missing=()
for pkg in "${want[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done

if ((${#missing[@]})); then
    echo "setup: installing missing Debian packages: ${missing[*]}"
    if ((EUID == 0)); then
        sudo=()
    elif command -v sudo >/dev/null; then
        sudo=(sudo)
    else
        echo "setup: need root (or sudo) to install: ${missing[*]}" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update -q </dev/null
    "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
else
    echo "setup: Debian packages present: ${want[*]}"
fi

if ! command -v cargo >/dev/null && [[ ! -x "$HOME/.cargo/bin/cargo" ]]; then
    echo "setup: cargo not found; install Rust (https://rustup.rs) and retry" >&2
    exit 1
fi
