#!/usr/bin/env bash
# What a user of an installed zmq-oxide meets, checked against a prefix
# (default build/prefix, as `make stage` fills it):
#
#   tests-install/run.sh [--prefix DIR] [cmake|wrapper|log|layout]...
#
#   layout   the files `make install` puts there: stripped libraries, the
#            split debug file (same build id; gdb, if installed, finds its
#            source lines), the CMake package, the wrapper; prints the sizes
#   cmake    find_package(ZeroMQ) with the targets libzmq and libzmq-static
#            (tests-install/cmake), the same from a copy of the prefix moved
#            elsewhere, and Debian's cppzmq package over ours
#            (tests-install/cppzmq; skipped with a note if cppzmq-dev is
#            not installed)
#   wrapper  bin/zmq-oxide-run: --help, a C program linked against Debian's
#            libzmq runs on ours through it (also via a symlink to it)
#   log      ZMQ_OXIDE_LOG: tests-install/log_events.c's refused handshake,
#            refused connect + retries, unresolved name, PUB at its HWM and
#            ROUTER drop, read back from stderr; the warn level; nothing on
#            stderr when the variable is unset
#
# No argument runs them all. Everything is built under build/install-test,
# which is removed at the end unless KEEP=1.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
prefix=$root/build/prefix
if [[ ${1:-} == --prefix ]]; then
    prefix=$2
    shift 2
fi
prefix=$(cd "$prefix" && pwd)
parts=("$@")
((${#parts[@]})) || parts=(layout cmake wrapper log)
work=$root/build/install-test
rm -rf "$work"
mkdir -p "$work"
[[ ${KEEP:-0} == 1 ]] || trap 'rm -rf "$work"' EXIT
cc=${CC:-cc}
failed=0

fail() {
    echo "FAIL: $*" >&2
    failed=1
}

layout() {
    local lib=$prefix/lib so=$prefix/lib/libzmq.so.5.2.5
    for f in "$so" "$lib/libzmq.so.5" "$lib/libzmq.so" "$lib/libzmq.a" \
             "$lib/pkgconfig/libzmq.pc" "$lib/cmake/ZeroMQ/ZeroMQConfig.cmake" \
             "$lib/cmake/ZeroMQ/ZeroMQConfigVersion.cmake" "$prefix/bin/zmq-oxide-run" \
             "$prefix/include/zmq.h" "$prefix/include/zmq_utils.h"; do
        [[ -e $f ]] || fail "$f is missing"
    done
    [[ -x $prefix/bin/zmq-oxide-run ]] || fail "bin/zmq-oxide-run is not executable"
    if readelf -S "$so" | grep '\.debug_info' >/dev/null; then
        fail "libzmq.so.5.2.5 still has debug information"
    fi
    local link debug=$lib/.debug/libzmq.so.5.2.5.debug
    link=$(readelf --string-dump=.gnu_debuglink "$so" 2>/dev/null | awk '/\[ *0\]/ {print $3}')
    [[ $link == libzmq.so.5.2.5.debug ]] || fail "no .gnu_debuglink to libzmq.so.5.2.5.debug (got '$link')"
    if [[ -f $debug ]]; then
        readelf -S "$debug" | grep '\.debug_info' >/dev/null || fail "$debug holds no debug information"
        # the debug file belongs to this very library: same build id
        local id1 id2
        id1=$(readelf -n "$so" | awk '/Build ID/ {print $3}')
        id2=$(readelf -n "$debug" | awk '/Build ID/ {print $3}')
        [[ -n $id1 && $id1 == "$id2" ]] || fail "build ids differ: library $id1, debug file $id2"
    else
        fail "$debug is missing"
    fi
    if readelf -S "$lib/libzmq.a" 2>/dev/null | grep '\.debug_info' >/dev/null; then
        fail "libzmq.a still has debug information"
    fi
    # gdb finds the split debug information by itself (when gdb is here)
    if command -v gdb >/dev/null; then
        printf '#include <zmq.h>\nint main (void) { int a, b, c; zmq_version (&a, &b, &c); return 0; }\n' \
            > "$work/gdb.c"
        "$cc" "$work/gdb.c" -I"$prefix/include" -L"$lib" -lzmq -Wl,-rpath,"$lib" -o "$work/gdb"
        local where
        where=$(timeout -k 5 60 gdb -nx -batch -ex 'break zmq_version' -ex run "$work/gdb" 2>&1 \
            | grep -E '^Breakpoint 1, ' || true)
        echo "gdb: ${where:-no breakpoint hit}"
        [[ $where == *" at src/capi/"*.rs:* ]] || fail "gdb does not find the source lines of zmq_version"
    fi
    printf 'sizes: libzmq.so.5.2.5 %s bytes, libzmq.a %s bytes, debug file %s bytes\n' \
        "$(stat -c %s "$so")" "$(stat -c %s "$lib/libzmq.a")" "$(stat -c %s "$debug" 2>/dev/null || echo -)"
}

# cmake_build SRC BUILD PREFIX [ARGS...]: configure and build quietly
# (the output is shown when a step fails)
cmake_build() {
    local src=$1 build=$2 pfx=$3
    shift 3
    if ! cmake -S "$src" -B "$build" -DCMAKE_PREFIX_PATH="$pfx" "$@" >"$build.log" 2>&1 \
        || ! cmake --build "$build" >>"$build.log" 2>&1; then
        cat "$build.log" >&2
        return 1
    fi
    grep -E '^-- (ZeroMQ|cppzmq)' "$build.log" || true
}

run_app() {
    local out
    if out=$("$@" 2>&1); then echo "$out"; else echo "$out" >&2; fail "$*"; fi
}


cmake_part() {
    command -v cmake >/dev/null || { fail "cmake is not installed"; return; }
    if cmake_build "$here/cmake" "$work/cmake" "$prefix"; then
        run_app "$work/cmake/app-shared"
        ldd "$work/cmake/app-shared" | grep "=> $prefix/lib/libzmq.so.5 " >/dev/null \
            || fail "app-shared does not load $prefix/lib/libzmq.so.5: $(ldd "$work/cmake/app-shared" | grep zmq)"
        run_app "$work/cmake/app-static"
        if ldd "$work/cmake/app-static" | grep libzmq >/dev/null; then
            fail "app-static links a shared libzmq"
        fi
    else
        fail "find_package(ZeroMQ) project against $prefix"
    fi
    # a prefix moved elsewhere (or unpacked from a DESTDIR staging) works
    cp -a "$prefix" "$work/moved"
    if cmake_build "$here/cmake" "$work/cmake-moved" "$work/moved"; then
        ldd "$work/cmake-moved/app-shared" | grep "=> $work/moved/lib/libzmq.so.5 " >/dev/null \
            || fail "the moved prefix's app-shared does not load the moved library"
    else
        fail "find_package(ZeroMQ) project against a moved prefix"
    fi
    if [[ -f /usr/share/cmake/cppzmq/cppzmqConfig.cmake ]]; then
        if cmake_build "$here/cppzmq" "$work/cppzmq" "$prefix" -DZMQ_OXIDE_PREFIX="$prefix"; then
            run_app "$work/cppzmq/app-cppzmq"
        else
            fail "find_package(cppzmq) against $prefix"
        fi
    else
        echo "note: cppzmq-dev is not installed; cppzmq's CMake package not checked"
    fi
}

wrapper_part() {
    local run=$prefix/bin/zmq-oxide-run
    "$run" --help | grep "$prefix/lib/libzmq.so.5" >/dev/null || fail "--help does not name $prefix/lib/libzmq.so.5"
    if "$run" >/dev/null 2>&1; then fail "no PROGRAM: exit 0"; fi
    # a program built against Debian's libzmq (4.3.4), the way it ships
    if ! pkg-config --exists libzmq 2>/dev/null && [[ ! -f /usr/include/zmq.h ]]; then
        fail "Debian's libzmq3-dev is missing"; return
    fi
    cat > "$work/version.c" <<'C'
#include <zmq.h>
#include <stdio.h>
int main (void)
{
    int a, b, c;
    zmq_version (&a, &b, &c);
    printf ("%d.%d.%d\n", a, b, c);
    return 0;
}
C
    (unset PKG_CONFIG_PATH; "$cc" "$work/version.c" -o "$work/version" $(pkg-config --cflags --libs libzmq))
    local plain via
    plain=$("$work/version")
    via=$("$run" "$work/version")
    echo "without the wrapper: $plain; with it: $via"
    [[ $plain == 4.3.4 ]] || fail "Debian's libzmq says $plain, expected 4.3.4"
    [[ $via == 4.3.5 ]] || fail "through zmq-oxide-run: $via, expected 4.3.5"
    ln -sfn "$run" "$work/zmq-oxide-run-link"
    via=$("$work/zmq-oxide-run-link" "$work/version")
    [[ $via == 4.3.5 ]] || fail "through a symlink to zmq-oxide-run: $via"
    # LD_PRELOAD names the library, ahead of what the caller preloads
    via=$(LD_PRELOAD=libc.so.6 "$run" sh -c 'echo "$LD_PRELOAD"')
    [[ $via == "$prefix/lib/libzmq.so.5 libc.so.6" ]] || fail "LD_PRELOAD is '$via'"
    via=$("$run" --log warn sh -c 'echo "$ZMQ_OXIDE_LOG"')
    [[ $via == warn ]] || fail "--log warn gave ZMQ_OXIDE_LOG='$via'"
}

# expect FILE PATTERN WHAT: FILE has a line matching the extended regex
expect() {
    grep -qE -- "$2" "$1" || fail "ZMQ_OXIDE_LOG: no line for $3 (/$2/)"
}

log_part() {
    export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
    "$cc" -std=c99 -Wall -I"$root/capi-tests" "$here/log_events.c" -o "$work/log_events" \
        $(pkg-config --cflags --libs libzmq) -Wl,-rpath,"$prefix/lib"
    local netns=$root/scripts/netns.sh out=$work/log.out err=$work/log.err
    if ! ZMQ_OXIDE_LOG=debug timeout -k 5 60 "$netns" "$work/log_events" >"$out" 2>"$err"; then
        cat "$out" "$err" >&2
        fail "log_events with ZMQ_OXIDE_LOG=debug"
        return
    fi
    local hs refused unresolved
    hs=$(sed -n 's/^handshake=//p' "$out")
    refused=$(sed -n 's/^refused=//p' "$out")
    unresolved=$(sed -n 's/^unresolved=//p' "$out")
    echo "--- stderr with ZMQ_OXIDE_LOG=debug (first lines of $(wc -l <"$err")):"
    head -12 "$err"
    local pre='^zmq-oxide\[[0-9]+\] [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} '
    expect "$err" "${pre}warn HANDSHAKE_FAILED_PROTOCOL $hs: ZMTP_MECHANISM_MISMATCH" "the refused handshake's event"
    expect "$err" "${pre}warn handshake with $hs ended: security mechanism mismatch: we use NULL, the peer PLAIN" \
        "the refused handshake's reason"
    if grep -q HANDSHAKE_SUCCEEDED "$err"; then fail "a handshake that cannot succeed was logged as succeeded"; fi
    expect "$err" "${pre}warn connect to $refused failed: Connection refused \(errno [0-9]+\)" "the refused connect"
    expect "$err" "${pre}info CONNECT_RETRIED $refused: next attempt in [0-9]+ ms" "the reconnect"
    expect "$err" "${pre}warn connect to $unresolved: the address does not resolve" "the unresolved name"
    expect "$err" "${pre}debug CONNECT_DELAYED" "a debug-level event"
    [[ $(grep -c 'reached its high-water mark' "$err") == 1 ]] \
        || fail "ZMQ_OXIDE_LOG: not one line for the PUB pipe at its HWM: $(grep -c 'high-water' "$err")"
    expect "$err" "${pre}warn a peer's pipe .* reached its high-water mark: messages for that peer are dropped" \
        "the PUB pipe at its HWM"
    expect "$err" "${pre}debug ROUTER: message to unknown routing id nobody dropped" "the ROUTER drop"
    # every line is one whole diagnostic
    if grep -vE "$pre(error|warn|info|debug) " "$err" | grep . >/dev/null; then
        fail "stderr has lines that are not diagnostics: $(grep -vE "$pre" "$err" | head -3)"
    fi
    # a level filters: warn keeps failures, drops the life cycle
    ZMQ_OXIDE_LOG=warn timeout -k 5 60 "$netns" "$work/log_events" >"$out" 2>"$err" || fail "log_events with warn"
    expect "$err" "${pre}warn connect to .* failed: Connection refused" "a failure at level warn"
    if grep -qE "${pre}(info|debug) " "$err"; then fail "ZMQ_OXIDE_LOG=warn wrote info/debug lines"; fi
    # off: not a byte
    env -u ZMQ_OXIDE_LOG timeout -k 5 60 "$netns" "$work/log_events" >"$out" 2>"$err" || fail "log_events without the variable"
    if [[ -s $err ]]; then fail "stderr without ZMQ_OXIDE_LOG: $(head -3 "$err")"; fi
}

for p in "${parts[@]}"; do
    echo "=== install check: $p ($prefix)"
    case $p in
        layout) layout ;;
        cmake) cmake_part ;;
        wrapper) wrapper_part ;;
        log) log_part ;;
        *) echo "unknown part $p" >&2; exit 2 ;;
    esac
done
if ((failed)); then echo "install checks: FAILED"; else echo "install checks: all passed"; fi
exit $failed
