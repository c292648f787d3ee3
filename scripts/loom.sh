#!/usr/bin/env bash
# The loom model of the thread-safe sockets' gate (src/io/gate.rs, module
# `loom_model`): the gate's own code, built with `--cfg loom` so that
# `io::sync` hands it loom's atomics, mutex and condition variable, run
# over every interleaving of a few waiters, bumpers and a poller (no
# preemption bound: exhaustive). A lost wake-up shows as loom's
# "deadlock" panic, a poller that missed a bump or a waiter still counted
# as a failed assertion.
#
#   scripts/loom.sh [cargo test filter]    (default: io::gate::loom_model)
#
# Its own target directory (build/loom/target): the cfg changes every
# crate's flags, which would otherwise rebuild the normal build. The first
# run builds everything once (libsodium included); later ones only the lib.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-${HOME:-/root}/.cargo}/bin:$PATH"
RUSTFLAGS="--cfg loom" ZMQ_OXIDE_NO_HEADER_WRITE=1 CARGO_TARGET_DIR=build/loom/target \
    exec "${CARGO:-cargo}" test --release --lib "${1:-io::gate::loom_model}"
