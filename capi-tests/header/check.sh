#!/usr/bin/env bash
# Checks include/zmq.h and the built library against the real libzmq
# (Debian's libzmq3-dev header and libzmq5 library, 4.3.4):
#   (a) macros: every ZMQ_* macro and every errno macro Debian's zmq.h
#       defines has the same value in ours (stable, then with
#       -DZMQ_BUILD_DRAFT_API); ours defines no stable macro Debian lacks;
#   (b) prototypes: each stable function has libzmq's exact type (C -Werror
#       and C++), see prototypes.c; so has each DRAFT function we export,
#       with -DZMQ_BUILD_DRAFT_API, see prototypes_draft.c;
#   (c) layouts of zmq_msg_t, zmq_pollitem_t, zmq_fd_t (and, with the
#       draft API, zmq_poller_event_t);
#   (d) the library exports every zmq_* function Debian's exports and has
#       SONAME libzmq.so.5.
# Usage: capi-tests/header/check.sh [path/to/libzmq.so]
#   (default: target/release/libzmq.so, else target/debug/libzmq.so)
# Prints one line per failure and ends with "header: N passed, M failed";
# exits non-zero on any failure.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
ours="$root/include"
deb_h=/usr/include/zmq.h
deb_so=/usr/lib/x86_64-linux-gnu/libzmq.so.5
CC=${CC:-cc}
CXX=${CXX:-g++}

lib=${1:-}
if [ -z "$lib" ]; then
    lib="$root/target/release/libzmq.so"
    [ -f "$lib" ] || lib="$root/target/debug/libzmq.so"
fi

if [ ! -f "$deb_h" ] || [ ! -f "$deb_so" ]; then
    echo "header: reference missing: need $deb_h and $deb_so (apt-get install libzmq3-dev)"
    echo "header: 0 passed, 1 failed"
    exit 2
fi
if [ ! -f "$ours/zmq.h" ]; then
    echo "header: $ours/zmq.h missing (run cargo build)"
    echo "header: 0 passed, 1 failed"
    exit 2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# ---------------------------------------------------------------- (a) macros
# macro_defs FLAGS...: "#define" lines of <zmq.h> as seen with FLAGS.
macro_defs() {
    echo '#include <zmq.h>' | "$CC" -dM -E -x c "$@" - 2>/dev/null
}
# names NAME-FILTER: macro names (without parameters) from macro_defs input.
names_of() { awk '{ n = $2; sub(/\(.*/, "", n); print n }' | sort -u; }

# The errno macros libzmq's header itself defines (fallbacks and its own).
errno_names=$(grep -oE '^#define E[A-Z0-9]+' "$deb_h" | awk '{print $2}' | sort -u)
is_ours_kind() { # ZMQ_* macros, the include guard, and the errno set above
    grep -E '^(ZMQ_|__ZMQ_H_INCLUDED__$)' ; }

macro_defs >"$tmp/deb.dm"
macro_defs -I"$ours" >"$tmp/ours.dm"
macro_defs -DZMQ_BUILD_DRAFT_API >"$tmp/deb_draft.dm"
macro_defs -DZMQ_BUILD_DRAFT_API -I"$ours" >"$tmp/ours_draft.dm"

{ names_of <"$tmp/deb.dm" | is_ours_kind; echo "$errno_names"; } | sort -u >"$tmp/deb_stable.names"
{ names_of <"$tmp/deb_draft.dm" | is_ours_kind; echo "$errno_names"; } | sort -u >"$tmp/deb_draft_all.names"
names_of <"$tmp/ours.dm" | is_ours_kind >"$tmp/ours_stable.names"
comm -13 "$tmp/deb_stable.names" "$tmp/deb_draft_all.names" >"$tmp/deb_draft.names"

# gen_probe NAMES DMFILE OUT: a C program printing each macro's value,
# classified by how Debian defines it.
gen_probe() {
    local names=$1 dm=$2 out=$3 n def
    {
        echo '#include <stdio.h>'
        echo '#include <zmq.h>'
        echo 'int main (void) {'
        while read -r n; do
            [ -n "$n" ] || continue
            def=$(grep -E "^#define $n([ (]|\$)" "$dm" | head -n1)
            echo "#ifndef $n"
            echo "  printf (\"$n=<undefined>\\n\");"
            echo "#else"
            if [[ "$def" == "#define $n("* ]]; then
                # function-like: evaluate on sample arguments
                echo "  printf (\"$n(1,2,3)=%lld\\n\", (long long) ($n (1, 2, 3)));"
            elif [ "$def" = "#define $n" ] || [ "$def" = "#define $n " ]; then
                echo "  printf (\"$n=<defined>\\n\");"
            elif [[ "${def#"#define $n "}" == \"* ]]; then
                echo "  printf (\"$n=\\\"%s\\\"\\n\", $n);"
            else
                echo "  printf (\"$n=%lld\\n\", (long long) ($n));"
            fi
            echo "#endif"
        done <"$names"
        echo '  return 0;'
        echo '}'
    } >"$out"
}

# compare_values TAG NAMES DMFILE EXTRA_CFLAGS...: compile the probe with
# each header, compare line by line.
compare_values() {
    local tag=$1 names=$2 dm=$3
    shift 3
    gen_probe "$names" "$dm" "$tmp/probe_$tag.c"
    if ! "$CC" "$@" -o "$tmp/probe_${tag}_deb" "$tmp/probe_$tag.c" 2>"$tmp/err"; then
        bad "macros/$tag: probe does not compile with Debian's header: $(head -n3 "$tmp/err")"
        return
    fi
    if ! "$CC" "$@" -I"$ours" -o "$tmp/probe_${tag}_ours" "$tmp/probe_$tag.c" 2>"$tmp/err"; then
        bad "macros/$tag: probe does not compile with our header: $(head -n5 "$tmp/err")"
        return
    fi
    "$tmp/probe_${tag}_deb" >"$tmp/val_${tag}_deb"
    "$tmp/probe_${tag}_ours" >"$tmp/val_${tag}_ours"
    paste -d'|' "$tmp/val_${tag}_deb" "$tmp/val_${tag}_ours" >"$tmp/pairs_$tag"
    local d o name
    while IFS='|' read -r d o; do
        name=${d%%=*}
        if [ "$d" = "$o" ]; then
            ok
            continue
        fi
        # Differences libzmq 4.3.5 itself has from 4.3.4.
        case "$name=${o#*=}" in
        ZMQ_VERSION_PATCH=5 | ZMQ_VERSION=40305 | ZMQ_RECONNECT_STOP_AFTER_DISCONNECT=4)
            ok
            continue
            ;;
        esac
        bad "macro $name: Debian ${d#*=}, ours ${o#*=}${tag:+ ($tag)}"
    done <"$tmp/pairs_$tag"
}

compare_values stable "$tmp/deb_stable.names" "$tmp/deb.dm"
compare_values draft "$tmp/deb_draft.names" "$tmp/deb_draft.dm" -DZMQ_BUILD_DRAFT_API

# Stable macros we define that libzmq's stable header does not.
while read -r n; do
    [ -n "$n" ] || continue
    bad "macro $n: defined by our stable header, not by libzmq's"
done < <(comm -13 "$tmp/deb_stable.names" "$tmp/ours_stable.names")

# ------------------------------------------------------------ (b) prototypes
cflags=(-std=c99 -Wall -Wextra -Werror -Wincompatible-pointer-types -Wno-unused-variable)
cxxflags=(-x c++ -std=c++11 -Wall -Werror -fsyntax-only)

missing_fns=()
mismatched_fns=()
# check_protos FILE EXTRA_FLAGS...: FILE against Debian's header (the probe
# must agree with it, else it proves nothing), then against ours, whole
# and one CHECK line at a time (to name what is missing or differs).
check_protos() {
    local protos=$1 line fn c_ok cxx_ok
    shift
    if "$CC" "${cflags[@]}" "$@" -c "$protos" -o "$tmp/p_deb.o" 2>"$tmp/err"; then
        ok
    else
        bad "$(basename "$protos") does not compile against Debian's zmq.h: $(head -n3 "$tmp/err")"
    fi
    if "$CC" "${cflags[@]}" "$@" -I"$ours" -c "$protos" -o "$tmp/p.o" 2>/dev/null; then ok; else bad "$(basename "$protos") (C, whole file) against our zmq.h"; fi
    if "$CXX" "${cxxflags[@]}" "$@" -I"$ours" "$protos" 2>/dev/null; then ok; else bad "$(basename "$protos") (C++, whole file) against our zmq.h"; fi

    while read -r line; do
        fn=$(echo "$line" | sed -E 's/^CHECK \(([a-z0-9_]+),.*/\1/')
        { sed -n '1,/^#define CHECK/p' "$protos"; echo "$line"; } >"$tmp/one.c"
        c_ok=1
        cxx_ok=1
        "$CC" "${cflags[@]}" "$@" -I"$ours" -c "$tmp/one.c" -o "$tmp/one.o" 2>"$tmp/err_c" || c_ok=0
        "$CXX" "${cxxflags[@]}" "$@" -I"$ours" "$tmp/one.c" 2>"$tmp/err_cxx" || cxx_ok=0
        if [ $c_ok = 1 ] && [ $cxx_ok = 1 ]; then
            ok
        elif grep -qE "undeclared|was not declared" "$tmp/err_c" "$tmp/err_cxx"; then
            missing_fns+=("$fn")
            bad "prototype $fn: not declared in our zmq.h"
        else
            mismatched_fns+=("$fn")
            bad "prototype $fn: type differs from libzmq's: $(grep -h -m1 -E "error" "$tmp/err_c" "$tmp/err_cxx" | head -n1)"
        fi
    done < <(grep -E '^CHECK \(' "$protos")
}
check_protos "$here/prototypes.c"
# (zmq_ppoll's sigset_t: <signal.h> declares it for POSIX builds only, so a
# strict -std=c99 program must ask for POSIX, as with libzmq 4.3.5's header)
check_protos "$here/prototypes_draft.c" -DZMQ_BUILD_DRAFT_API -D_POSIX_C_SOURCE=200809L

# --------------------------------------------------------------- (c) layouts
if "$CC" -o "$tmp/layout_deb" "$here/layout.c" 2>"$tmp/err" \
    && "$CC" -I"$ours" -o "$tmp/layout_ours" "$here/layout.c" 2>>"$tmp/err"; then
    "$tmp/layout_deb" >"$tmp/layout_deb.txt"
    "$tmp/layout_ours" >"$tmp/layout_ours.txt"
    while IFS='|' read -r d o; do
        if [ "$d" = "$o" ]; then ok; else bad "layout: Debian $d, ours $o"; fi
    done < <(paste -d'|' "$tmp/layout_deb.txt" "$tmp/layout_ours.txt")
else
    bad "layout.c does not compile: $(head -n3 "$tmp/err")"
fi
if "$CC" -DZMQ_BUILD_DRAFT_API -o "$tmp/layout_deb" "$here/layout.c" 2>"$tmp/err" \
    && "$CC" -DZMQ_BUILD_DRAFT_API -I"$ours" -o "$tmp/layout_ours" "$here/layout.c" 2>>"$tmp/err"; then
    "$tmp/layout_deb" >"$tmp/layout_deb.txt"
    "$tmp/layout_ours" >"$tmp/layout_ours.txt"
    while IFS='|' read -r d o; do
        if [ "$d" = "$o" ]; then ok; else bad "layout (draft): Debian $d, ours $o"; fi
    done < <(paste -d'|' <(grep poller "$tmp/layout_deb.txt") <(grep poller "$tmp/layout_ours.txt"))
else
    bad "layout.c (draft) does not compile: $(head -n3 "$tmp/err")"
fi

# --------------------------------------------------------- (d) symbols, SONAME
missing_syms=()
if [ -f "$lib" ]; then
    nm -D --defined-only "$deb_so" | awk '$2 ~ /^[TW]$/ {print $3}' | grep '^zmq_' | sort -u >"$tmp/deb.syms"
    nm -D --defined-only "$lib" | awk '$2 ~ /^[TW]$/ {print $3}' | grep '^zmq_' | sort -u >"$tmp/ours.syms"
    while read -r s; do
        if grep -qx "$s" "$tmp/ours.syms"; then
            ok
        else
            missing_syms+=("$s")
            bad "symbol $s: not exported by $lib"
        fi
    done <"$tmp/deb.syms"
    soname=$(readelf -d "$lib" | sed -n 's/.*Library soname: \[\(.*\)\].*/\1/p')
    if [ "$soname" = libzmq.so.5 ]; then ok; else bad "SONAME of $lib is '${soname}', want libzmq.so.5"; fi
else
    bad "library $lib not found (cargo build --release, or pass its path)"
fi

# ------------------------------------------------------------------- summary
if [ ${#missing_fns[@]} -gt 0 ]; then
    echo "not declared in include/zmq.h (${#missing_fns[@]}): ${missing_fns[*]}"
fi
if [ ${#mismatched_fns[@]} -gt 0 ]; then
    echo "declared with a type other than libzmq's (${#mismatched_fns[@]}): ${mismatched_fns[*]}"
fi
if [ ${#missing_syms[@]} -gt 0 ]; then
    echo "not exported by the library (${#missing_syms[@]}): ${missing_syms[*]}"
fi
echo "header: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
