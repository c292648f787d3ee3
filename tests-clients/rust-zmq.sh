#!/usr/bin/env bash
# The Rust `zmq` crate's own tests (crates.io, 0.9.x: the last line whose
# zmq-sys links the system libzmq through pkg-config), unmodified, against
# our libzmq.
#
#   tests-clients/rust-zmq.sh [--real] [--lib DIR] [TESTNAME-FILTER]
#
# 1. `cargo vendor` in a throw-away project that depends on zmq =VERSION
#    (build/rust-zmq/fetch) unpacks the crate as published, Cargo.lock
#    included; it is copied to build/rust-zmq/MODE/zmq-VERSION.
# 2. `cargo test --no-run` there with PKG_CONFIG_PATH at our libzmq.pc:
#    zmq-sys's build script (metadeps -> pkg-config) must report OUR lib dir.
#    The crate's own target/ is used (its compile-fail tests look for the
#    zmq rlib in ./target), rebuilt from scratch when the library dir
#    changes (zmq-sys's build script does not rerun on its own).
# 3. `cargo test --offline --no-fail-fast` in a network namespace of its own
#    (scripts/netns.sh), LD_LIBRARY_PATH at a copy of our library
#    (build/rust-zmq/lib). The dynamic loader's trace (LD_DEBUG=libs) of
#    every process of the run must show our copy initialised, and no other
#    libzmq, else the run fails whatever the tests said.
#
# --real: the same on Debian's libzmq 4.3.4 (libzmq3-dev), the baseline.
# --lib DIR: the directory holding our libzmq.so.5 and pkgconfig/libzmq.pc
#    (default build/prefix/lib, as `make stage` leaves it).
# TESTNAME-FILTER: passed to cargo test (runs the matching tests only).
#
# Tests listed in rust-zmq-deselect.txt are skipped (--skip), each with its
# reason. Last line: `rust-zmq: N passed, M failed, K skipped`.
# Env: RUST_ZMQ_VERSION (default 0.9.2), RUST_ZMQ_TIMEOUT (default 300 s).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
export PATH="${CARGO_HOME:-${HOME:-/root}/.cargo}/bin:$PATH"
work=$root/build/rust-zmq
mode=ours
libdir=$root/build/prefix/lib
while (($#)); do
    case $1 in
        --real) mode=real; shift ;;
        --lib) libdir=$2; shift 2 ;;
        -h|--help) sed -n '2,/^set -e/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
        *) break ;;
    esac
done
version=${RUST_ZMQ_VERSION:-0.9.2}
timeout_s=${RUST_ZMQ_TIMEOUT:-300}
fail() { echo "rust-zmq: $*" >&2; echo "rust-zmq: 0 passed, 1 failed, 0 skipped"; exit 1; }

"$root/scripts/setup.sh" clients >&2 || fail "cannot install the Debian packages needed"
command -v cargo >/dev/null || fail "cargo not found"
# the crate's build must not be steered elsewhere
unset CARGO_TARGET_DIR CARGO_BUILD_TARGET_DIR LIBZMQ_PREFIX LIBZMQ_LIB_DIR LIBZMQ_INCLUDE_DIR

# --- 1. the crate, as published --------------------------------------------
fetch=$work/fetch
crate=$fetch/vendor/zmq-$version
if [[ ! -f $crate/Cargo.toml ]]; then
    rm -rf "$fetch"; mkdir -p "$fetch/src"
    printf '[package]\nname = "fetch-zmq"\nversion = "0.0.0"\nedition = "2018"\npublish = false\n\n[dependencies]\nzmq = "=%s"\n\n[workspace]\n' \
        "$version" > "$fetch/Cargo.toml"
    : > "$fetch/src/lib.rs"
    (cd "$fetch" && cargo vendor --versioned-dirs -q vendor >/dev/null) || fail "cargo vendor zmq $version failed"
    [[ -f $crate/Cargo.toml ]] || fail "cargo vendor left no $crate"
fi

# --- 2. the build ----------------------------------------------------------
if [[ $mode == real ]]; then
    unset PKG_CONFIG_PATH
    pkg-config --exists libzmq || fail "Debian's libzmq3-dev is not installed"
    [[ "$(pkg-config --modversion libzmq)" != 4.3.5 ]] || fail "pkg-config finds a libzmq 4.3.5, not Debian's"
    want_dir=$(pkg-config --variable=libdir libzmq)
    expect_lib=$(realpath "$want_dir/libzmq.so.5")
    runlibdir=
else
    libdir=$(cd "$libdir" 2>/dev/null && pwd) || fail "no directory $libdir (run make stage)"
    [[ -f $libdir/libzmq.so.5 && -f $libdir/pkgconfig/libzmq.pc ]] ||
        fail "no libzmq.so.5 and pkgconfig/libzmq.pc in $libdir (run make stage)"
    export PKG_CONFIG_PATH=$libdir/pkgconfig
    [[ "$(pkg-config --variable=libdir libzmq)" == "$libdir" ]] ||
        fail "pkg-config does not take libzmq.pc from $libdir"
    want_dir=$libdir
    runlibdir=$work/lib
    mkdir -p "$runlibdir"
    cp -f "$libdir/libzmq.so.5" "$runlibdir/libzmq.so.5.tmp"
    mv -f "$runlibdir/libzmq.so.5.tmp" "$runlibdir/libzmq.so.5"
    expect_lib=$runlibdir/libzmq.so.5
fi
src=$work/$mode/zmq-$version
stamp_in="$mode $version $want_dir"
if [[ ! -f $src/Cargo.toml || "$(cat "$work/$mode/.oxide-stamp" 2>/dev/null)" != "$stamp_in" ]]; then
    rm -rf "$work/$mode"; mkdir -p "$work/$mode"
    cp -r "$crate" "$src"
    echo "$stamp_in" > "$work/$mode/.oxide-stamp"
fi
cd "$src"
echo "rust-zmq: zmq $version, cargo test --no-run (PKG_CONFIG_PATH=${PKG_CONFIG_PATH:-})" >&2
start=$SECONDS
timeout -k 10 900 cargo test --no-run -q >"$work/$mode/build.log" 2>&1 ||
    { tail -30 "$work/$mode/build.log" >&2; fail "cargo test --no-run failed (log: ${work#"$root"/}/$mode/build.log)"; }
echo "rust-zmq: built in $((SECONDS - start))s" >&2
linked=$(sed -n 's/^cargo:rustc-link-search=native=//p' target/debug/build/zmq-sys-*/output | sort -u)
[[ $linked == "$want_dir" ]] || fail "zmq-sys links from '${linked}', not $want_dir"

# --- 3. the tests ----------------------------------------------------------
skips=()
n_desel=0
while IFS= read -r line; do
    line=${line%%#*}
    [[ $line =~ ^[[:space:]]*([A-Za-z0-9_:]+)[[:space:]]*:(.*)$ ]] || continue
    skips+=(--skip "${BASH_REMATCH[1]}"); n_desel=$((n_desel + 1))
    echo "SKIP  ${BASH_REMATCH[1]}:${BASH_REMATCH[2]}"
done < "$here/rust-zmq-deselect.txt"

ld=$work/$mode/ld
rm -rf "$ld"; mkdir -p "$ld"
log=$work/$mode/test.log
echo "rust-zmq: cargo test on $expect_lib" >&2
rc=0
LD_LIBRARY_PATH=$runlibdir LD_DEBUG=libs LD_DEBUG_OUTPUT=$ld/p \
    "$root/scripts/netns.sh" timeout -k 10 "$timeout_s" \
    cargo test --offline --no-fail-fast "$@" -- "${skips[@]}" </dev/null 2>&1 | tee "$log" || rc=$?
inits=$(cat "$ld"/p.* 2>/dev/null | sed -n 's/.*calling init: \(.*libzmq\.so.*\)$/\1/p' |
    xargs -r -d '\n' realpath | sort | uniq -c)
rm -rf "$ld"
echo "rust-zmq: libzmq initialised by the run's processes (count, file):"
echo "${inits:-  none}"
n_pass=0 n_fail=0 n_ign=0
while read -r p f i; do
    n_pass=$((n_pass + p)); n_fail=$((n_fail + f)); n_ign=$((n_ign + i))
done < <(sed -n 's/^test result: [A-Za-z]*\. \([0-9]*\) passed; \([0-9]*\) failed; \([0-9]*\) ignored.*/\1 \2 \3/p' "$log")
if [[ -z $inits || $(awk '{print $2}' <<<"$inits") != "$expect_lib" ]]; then
    echo "rust-zmq: the tests did not run on $expect_lib alone"
    n_fail=$((n_fail + 1)); rc=1
fi
if ((rc != 0 && n_fail == 0)); then
    echo "rust-zmq: cargo test exited $rc with no failed test (build error or timeout?)"
    n_fail=1
fi
echo "rust-zmq: $n_pass passed, $n_fail failed, $((n_ign + n_desel)) skipped"
((n_fail == 0))
