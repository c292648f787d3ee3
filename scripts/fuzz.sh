#!/usr/bin/env bash
# Runs the cargo-fuzz targets of fuzz/ (libFuzzer, AddressSanitizer).
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]     (default: 30 s, every target)
#
# Each target starts from its committed corpus, fuzz/corpus/<target>
# (read only), and writes what it finds to build/fuzz/corpus/<target>.
# A crash fails the script; its input is kept in build/fuzz/artifacts/.
# Prints one line per target: executions, corpus size, result.
#
# cargo-fuzz needs nightly-only flags (-Zsanitizer); RUSTC_BOOTSTRAP=1 lets
# the stable toolchain accept them. cargo-fuzz itself is installed from
# crates.io when missing. MAX_LEN (default 4096) is libFuzzer's -max_len.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-${HOME:-/root}/.cargo}/bin:$PATH"
secs=${1:-30}
shift || true
all=(frame_decoder greeting_handshake connection_pair handshake_server handshake_pair subscription_trie udp_datagram draft_routing)
targets=("$@")
((${#targets[@]})) || targets=("${all[@]}")

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz: installing cargo-fuzz 0.13.2 from crates.io"
    cargo install cargo-fuzz@0.13.2 --locked --quiet
fi
export RUSTC_BOOTSTRAP=1
# build.rs must not rewrite include/zmq.h from the fuzz build.
export ZMQ_OXIDE_NO_HEADER_WRITE=1
# libsodium built from source by libsodium-sys-stable does not link into an
# AddressSanitizer build; the fuzz build links Debian's (libsodium-dev).
export SODIUM_USE_PKG_CONFIG=1

out=$PWD/build/fuzz
mkdir -p "$out/artifacts" "$out/logs"
(cd fuzz && cargo fuzz build -O >"$out/logs/build.log" 2>&1) || {
    tail -20 "$out/logs/build.log"
    echo "fuzz: build failed"
    exit 1
}

failed=0
for t in "${targets[@]}"; do
    mkdir -p "$out/corpus/$t" "fuzz/corpus/$t"
    log=$out/logs/$t.log
    rc=0
    (cd fuzz && cargo fuzz run -O "$t" "$out/corpus/$t" "corpus/$t" -- \
        -max_total_time="$secs" -max_len="${MAX_LEN:-4096}" -print_final_stats=1 \
        -artifact_prefix="$out/artifacts/$t-" >"$log" 2>&1) || rc=$?
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
    files=$(find "$out/corpus/$t" "fuzz/corpus/$t" -type f | wc -l)
    if ((rc == 0)); then
        printf 'fuzz: %-20s %10s executions, %5s inputs, no crash\n' "$t" "$execs" "$files"
    else
        printf 'fuzz: %-20s FAILED (exit %s), see %s\n' "$t" "$rc" "${log#"$PWD"/}"
        grep -E 'panicked|ERROR: AddressSanitizer|SUMMARY|Test unit written' "$log" | head -8 | sed 's/^/    /'
        failed=1
    fi
done
exit $failed
