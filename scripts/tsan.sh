#!/usr/bin/env bash
# The C API tests on a libzmq.so built with ThreadSanitizer.
#
#   scripts/tsan.sh [test_name ...]      (default: every capi-tests/test_*.c)
#   scripts/tsan.sh --cargo              the Rust unit and integration tests
#                                        instead (about 10 minutes; not in make test)
#   scripts/tsan.sh --toolchain          only make sure the nightly is there
#
# Exits 77 when the nightly cannot be installed (rustup cannot reach
# static.rust-lang.org): make test then reports the phase as skipped.
#
# The library, the Rust standard library (-Zbuild-std) and the crates are
# instrumented (-Zsanitizer=thread, nightly: TSAN_TOOLCHAIN, installed with
# rustup when missing) and built with the `sanitize` feature (the system
# allocator, which ThreadSanitizer intercepts, instead of mimalloc). The
# tests are compiled as a C user would, through a libzmq.pc in
# build/tsan/prefix whose Libs also link ThreadSanitizer's runtime (rustc's
# own, so that it matches the instrumentation) into the executable, and run
# by capi-tests/run.sh. A test fails when ThreadSanitizer reports anything
# (exitcode 66), as when it fails on its own; the thread-safe socket tests
# then run TSAN_REPEAT (5) more times.
#
# Before that, a control: a racy Rust function in a library linked the same
# way must be reported, or the set-up sees nothing and the script fails.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export PATH="${CARGO_HOME:-${HOME:-/root}/.cargo}/bin:$PATH"
tc=${TSAN_TOOLCHAIN:-nightly-2026-05-20}
target=x86_64-unknown-linux-gnu
out=$root/build/tsan
mkdir -p "$out/logs"

if ! rustup component list --toolchain "$tc" --installed 2>/dev/null | grep -q '^rust-src'; then
    echo "tsan: installing the $tc toolchain with rust-src (rustup)"
    if ! rustup toolchain install "$tc" --no-self-update --profile minimal --component rust-src >"$out/logs/rustup.log" 2>&1; then
        tail -3 "$out/logs/rustup.log"
        echo "tsan: the $tc toolchain cannot be installed here (rustup, static.rust-lang.org)" >&2
        exit 77
    fi
fi
[[ ${1:-} == --toolchain ]] && exit 0
rt=$(rustc +"$tc" --print sysroot)/lib/rustlib/$target/lib/librustc-nightly_rt.tsan.a
[[ -f $rt ]] || { echo "tsan: no ThreadSanitizer runtime at $rt" >&2; exit 1; }

mkdir -p "$out/prefix/lib/pkgconfig" "$out/control" "$out/logs"
if [[ ${1:-} == --cargo ]]; then
    # A report prints "WARNING: ThreadSanitizer" and fails the test binary (exitcode 66).
    RUSTFLAGS="-Zsanitizer=thread" ZMQ_OXIDE_NO_HEADER_WRITE=1 CARGO_TARGET_DIR=$out/target \
        TSAN_OPTIONS="exitcode=66 ${TSAN_OPTIONS:-}" \
        cargo +"$tc" test -Zbuild-std --target $target --profile tsan \
        --features sanitize,test-hooks --lib --tests --no-fail-fast
    exit
fi
echo "tsan: building libzmq.so with -Zsanitizer=thread (a few minutes)"
RUSTFLAGS="-Zsanitizer=thread" ZMQ_OXIDE_NO_HEADER_WRITE=1 CARGO_TARGET_DIR=$out/target \
    cargo +"$tc" build -Zbuild-std --target $target --profile tsan --features sanitize --lib \
    >"$out/logs/build.log" 2>&1 || { tail -20 "$out/logs/build.log"; echo "tsan: build failed"; exit 1; }
install -m 0755 "$out/target/$target/tsan/libzmq.so" "$out/prefix/lib/libzmq.so.5"
ln -sf libzmq.so.5 "$out/prefix/lib/libzmq.so"
ln -sfn "$root/include" "$out/prefix/include"
# -rdynamic: the library's calls into the runtime resolve to the executable's copy.
link="-Wl,--whole-archive $rt -Wl,--no-whole-archive -rdynamic -lpthread -ldl -lm -lrt -lstdc++"
cat >"$out/prefix/lib/pkgconfig/libzmq.pc" <<EOF
prefix=$out/prefix
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: libzmq
Description: zmq-oxide built with ThreadSanitizer (scripts/tsan.sh)
Version: 4.3.5
Libs: -L\${libdir} -lzmq $link
Cflags: -I\${includedir}
EOF

# The control: two threads increment a plain (non-atomic) counter in Rust code.
cat >"$out/control/race.rs" <<'EOF'
static mut COUNTER: u64 = 0;
#[no_mangle]
pub extern "C" fn race_twice() -> u64 {
    let bump = || for _ in 0..1000 {
        // SAFETY: none; the race is the point.
        unsafe { *std::ptr::addr_of_mut!(COUNTER) += 1 }
    };
    let t = std::thread::spawn(bump);
    bump();
    t.join().unwrap();
    // SAFETY: the threads are joined.
    unsafe { *std::ptr::addr_of!(COUNTER) }
}
EOF
printf '#include <stdio.h>\nunsigned long race_twice(void);\nint main(void){printf("%%lu\\n", race_twice()); return 0;}\n' \
    >"$out/control/main.c"
rustc +"$tc" -Zsanitizer=thread -Cunsafe-allow-abi-mismatch=sanitizer -O --edition 2021 --crate-type cdylib --crate-name race \
    -o "$out/control/librace.so" "$out/control/race.rs"
cc "$out/control/main.c" -o "$out/control/main" -L"$out/control" -lrace \
    -Wl,-rpath,"$out/control" $link
if TSAN_OPTIONS=exitcode=66 "$out/control/main" >"$out/control/log" 2>&1; then
    echo "tsan: the control race was not reported; the set-up is broken" >&2
    exit 1
fi
grep -q "WARNING: ThreadSanitizer: data race" "$out/control/log" ||
    { cat "$out/control/log"; echo "tsan: the control failed for another reason" >&2; exit 1; }
echo "tsan: control race reported, as it must be"

# history_size: longer memory of earlier accesses, for the second stack of a report.
export TSAN_OPTIONS="exitcode=66 halt_on_error=1 history_size=4 second_deadlock_stack=1 ${TSAN_OPTIONS:-}"
rc=0
CAPI_OUT=$out/capi CAPI_TIMEOUT=${CAPI_TIMEOUT:-180} capi-tests/run.sh "$out/prefix" "$@" || rc=$?

# A race is found only in a run where it happens: the tests of the
# thread-safe sockets (several threads on one socket) run TSAN_REPEAT more times.
repeat=${TSAN_REPEAT:-5}
for t in "$out"/capi/test_draft_thread_safe_*; do
    [[ -x $t ]] || continue
    for ((i = 1; i <= repeat; i++)); do
        if ! timeout -k 5 180 "$t" >"$out/logs/repeat.log" 2>&1; then
            echo "tsan: FAIL $(basename "$t") (repeat $i of $repeat)"
            sed 's/^/    /' "$out/logs/repeat.log" | head -80
            rc=1
            break
        fi
    done
done
((rc == 0)) && echo "tsan: the thread-safe socket tests passed $repeat more times each"
exit $rc
