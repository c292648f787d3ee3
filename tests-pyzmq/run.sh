#!/usr/bin/env bash
# pyzmq's own test suite (unmodified, from the PyPI sdist) against our libzmq.
#
#   tests-pyzmq/run.sh [--bundled] [--lib PATH] [pytest args...]
#   tests-pyzmq/run.sh --source PREFIX [pytest args...]
#
# 1. a venv under build/pyzmq with pyzmq's wheel + pytest, pytest-timeout,
#    pytest-asyncio, pytest-rerunfailures, tornado (the entries of pyzmq's
#    test-requirements.txt that the tests we run use; rerunfailures gives the
#    few tests pyzmq marks @flaky(reruns=3) their reruns, and only those)
# 2. the sdist of the SAME pyzmq version; its tests/ and pytest.ini are copied
#    to build/pyzmq/run (outside the source tree, so `import zmq` is the wheel)
# 3. python -m pytest with LD_PRELOAD=our libzmq.so.5 (copied first to
#    build/pyzmq/lib, so a concurrent cargo build cannot swap it mid-run);
#    oxide_check.py refuses to start unless zmq_version resolves to our file
#    (and gives test_curve_keygen_secret, which fails whenever its random
#    key starts with '-', a second try: see there).
#    --bundled runs the same tests on the wheel's own libzmq instead (baseline).
#    --source PREFIX builds pyzmq itself from that sdist against the
#    zmq-oxide installed in PREFIX, as distributions build it (ZMQ_PREFIX=
#    PREFIX, PYZMQ_NO_BUNDLE=1; its own venv, build/pyzmq/venv-source),
#    with the DRAFT API (ZMQ_DRAFT_API=1, pyzmq's CMake option), checks
#    that the extension module links PREFIX/lib/libzmq.so.5 and bundles no
#    libzmq, that zmq.DRAFT_API and zmq.has('draft') are both True (else
#    pyzmq's draft tests would skip themselves), and runs the same tests on
#    that build, no preload. The build is reused while it still links
#    PREFIX's library and was built with drafts.
#    Every way, pytest runs in a network namespace of its own, loopback only
#    (scripts/netns.sh), so fixed ports cannot collide with the machine's.
#
# Library: --lib PATH, else $ZMQ_OXIDE_LIB, else build/prefix/lib/libzmq.so.5,
# else target/release/libzmq.so, else target/debug/libzmq.so.
# Tests that cannot apply are listed with the reason in deselect.txt.
# Env: PYZMQ_VERSION (default: whatever `pip install pyzmq` picks),
#      PYZMQ_TEST_TIMEOUT (per test, default 30 s),
#      PYZMQ_WITH_SECURITY=1 (also run the [security] entries of deselect.txt).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
work=$root/build/pyzmq
mode=ours
lib=${ZMQ_OXIDE_LIB:-}
while (($#)); do
    case $1 in
        --bundled) mode=bundled; shift ;;
        --lib) lib=$2; shift 2 ;;
        --source) mode=source; prefix=$2; shift 2 ;;
        *) break ;;
    esac
done

if [[ -z "$lib" ]]; then
    for c in "$root/build/prefix/lib/libzmq.so.5" "$root/target/release/libzmq.so" \
             "$root/target/debug/libzmq.so"; do
        [[ -f $c ]] && { lib=$c; break; }
    done
fi

[[ -z "$lib" || $lib == /* ]] || lib=$PWD/$lib

# machine's python3 (3.11), never Debian's /usr/bin/python3 with its own python3-zmq
py=$(command -v python3)
[[ $py != /usr/bin/python3 ]] || echo "warning: python3 is /usr/bin/python3" >&2
mkdir -p "$work"
venv=$work/venv
[[ $mode != source ]] || venv=$work/venv-source
if [[ ! -x $venv/bin/python ]]; then
    "$py" -m venv "$venv"
fi
vpy=$venv/bin/python
spec=pyzmq${PYZMQ_VERSION:+==$PYZMQ_VERSION}
tools=(pytest pytest-timeout pytest-asyncio pytest-rerunfailures tornado)
if [[ $mode == source ]]; then
    [[ -f $prefix/lib/libzmq.so.5 && -f $prefix/include/zmq.h ]] \
        || { echo "run.sh: no zmq-oxide installed in $prefix (make install PREFIX=$prefix)" >&2; exit 2; }
    prefix=$(cd "$prefix" && pwd)
    if ! "$vpy" -c 'import pytest, pytest_timeout, pytest_asyncio, pytest_rerunfailures, tornado' 2>/dev/null; then
        "$vpy" -m pip install -q --disable-pip-version-check "${tools[@]}"
    fi
    # the extension module of the pyzmq in the venv, if any
    extension() {
        (cd / && "$vpy" -c 'from zmq.backend.cython import _zmq; print(_zmq.__file__)' 2>/dev/null)
    }
    links_ours() {
        local ext
        ext=$(extension) && ldd "$ext" | grep "libzmq.so.5 => $prefix/lib/libzmq.so.5 " >/dev/null
    }
    # built with the DRAFT API (pyzmq's compile-time half of zmq.DRAFT_API)
    built_with_drafts() {
        [[ $(cd / && "$vpy" -c 'from zmq.backend.cython import _zmq; print(_zmq.PYZMQ_DRAFT_API)' 2>/dev/null) == True ]]
    }
    # a build of another version than PYZMQ_VERSION asks for is not reused
    wanted_version() {
        [[ -z ${PYZMQ_VERSION:-} ]] \
            || [[ $(cd / && "$vpy" -c 'import zmq; print(zmq.__version__)' 2>/dev/null) == "$PYZMQ_VERSION" ]]
    }
    if ! links_ours || ! wanted_version || ! built_with_drafts; then
        rm -rf "$work/sdist-new"
        "$vpy" -m pip download -q --disable-pip-version-check --no-binary pyzmq --no-deps \
            "$spec" -d "$work/sdist-new"
        new=("$work"/sdist-new/pyzmq-*.tar.gz)
        mkdir -p "$work/sdist"
        mv -f "${new[0]}" "$work/sdist/"
        rm -rf "$work/sdist-new"
        echo "building $(basename "${new[0]}") against $prefix (ZMQ_PREFIX, PYZMQ_NO_BUNDLE=1, ZMQ_DRAFT_API=1)"
        ZMQ_PREFIX=$prefix PYZMQ_NO_BUNDLE=1 ZMQ_DRAFT_API=1 "$vpy" -m pip install -q --disable-pip-version-check \
            --no-cache-dir --no-binary pyzmq --no-deps --force-reinstall "$work/sdist/$(basename "${new[0]}")"
    fi
    ext=$(extension) || { echo "run.sh: pyzmq did not build" >&2; exit 1; }
    echo "$ext:"
    ldd "$ext" | grep -E 'libzmq|not found' || true
    links_ours || { echo "run.sh: the extension does not link $prefix/lib/libzmq.so.5" >&2; exit 1; }
    if nm -D --defined-only "$ext" | grep ' zmq_version$' >/dev/null; then
        echo "run.sh: the extension carries a libzmq of its own" >&2
        exit 1
    fi
    said=$(cd / && "$vpy" -c 'import zmq; print(zmq.zmq_version())')
    [[ $said == 4.3.5 ]] || { echo "run.sh: zmq.zmq_version() is $said" >&2; exit 1; }
    echo "zmq.zmq_version() = $said"
    # zmq.DRAFT_API is pyzmq's build flag AND the loaded library's
    # zmq_has("draft"): both must hold, or the draft tests would be skipped
    drafts=$(cd / && "$vpy" -c 'import zmq; print(zmq.DRAFT_API, zmq.has("draft"))')
    [[ $drafts == "True True" ]] ||
        { echo "run.sh: zmq.DRAFT_API, zmq.has('draft') = $drafts (want True True)" >&2; exit 1; }
    echo "zmq.DRAFT_API = True, zmq.has('draft') = True"
elif ! "$vpy" -c 'import zmq, pytest, pytest_timeout, pytest_asyncio, pytest_rerunfailures, tornado' 2>/dev/null; then
    "$vpy" -m pip install -q --disable-pip-version-check "$spec" "${tools[@]}"
fi
ver=$(cd / && "$vpy" -c 'import zmq; print(zmq.__version__)')

# the sdist of the same version: only pyzmq itself from source (its build
# dependencies stay wheels; pip prepares the sdist's metadata, ~15 s, once)
sdist=$work/sdist/pyzmq-$ver.tar.gz
if [[ ! -f $sdist ]]; then
    "$vpy" -m pip download -q --disable-pip-version-check --no-binary pyzmq --no-deps \
        "pyzmq==$ver" -d "$work/sdist"
fi
run=$work/run-$ver
if [[ ! -f $run/pytest.ini ]]; then
    rm -rf "$run.tmp"; mkdir -p "$run.tmp"
    tar xzf "$sdist" -C "$run.tmp" --strip-components=1 \
        "pyzmq-$ver/tests" "pyzmq-$ver/pytest.ini"
    mv "$run.tmp" "$run"
fi

args=(-p oxide_check -p no:cacheprovider --timeout="${PYZMQ_TEST_TIMEOUT:-30}" -q -rfEs)
while read -r line; do
    line=${line%%#*}
    if [[ $line == "[security]"* ]]; then
        [[ ${PYZMQ_WITH_SECURITY:-0} == 1 ]] && continue
        line=${line#"[security]"}
    fi
    line=${line//[[:space:]]/}
    [[ -z $line ]] && continue
    case $line in
        */) args+=(--ignore="$line") ;;
        *.py) args+=(--ignore="$line") ;;
        *) args+=(--deselect="$line") ;;
    esac
done < "$here/deselect.txt"

# pyzmq's BaseZMQTestCase arms its own 60 s SIGALRM, which replaces
# pytest-timeout's for those tests. ZMQ_TEST_TIMEOUT cannot shorten it: the
# sdist's conftest passes that variable's string to signal.alarm (TypeError).
unset ZMQ_TEST_TIMEOUT
export PYTHONPATH=$here${PYTHONPATH:+:$PYTHONPATH}
export PYTHONDONTWRITEBYTECODE=1
# in a network namespace of its own (loopback only): tests that use fixed
# ports (test_retry_term connects to 5555 and needs nobody listening there)
# cannot collide with anything else on the machine
netns=$root/scripts/netns.sh
cd "$run"
if [[ $mode == source ]]; then
    echo "pyzmq $ver (built from source) tests on $prefix/lib/libzmq.so.5"
    exec "$netns" env -u LD_PRELOAD ZMQ_OXIDE_EXPECT=source ZMQ_OXIDE_LIB="$prefix/lib/libzmq.so.5" \
        "$vpy" -m pytest tests "${args[@]}" "$@"
fi
if [[ $mode == bundled ]]; then
    echo "pyzmq $ver tests on the wheel's bundled libzmq"
    exec "$netns" env ZMQ_OXIDE_EXPECT=bundled "$vpy" -m pytest tests "${args[@]}" "$@"
fi
[[ -f $lib ]] || { echo "run.sh: no libzmq.so.5 to test (build first or pass --lib)" >&2; exit 2; }
mkdir -p "$work/lib"
cp -f "$lib" "$work/lib/libzmq.so.5.tmp" && mv -f "$work/lib/libzmq.so.5.tmp" "$work/lib/libzmq.so.5"
echo "pyzmq $ver tests on $lib"
exec "$netns" env ZMQ_OXIDE_EXPECT=ours ZMQ_OXIDE_LIB="$work/lib/libzmq.so.5" \
    LD_PRELOAD="$work/lib/libzmq.so.5" "$vpy" -m pytest tests "${args[@]}" "$@"
