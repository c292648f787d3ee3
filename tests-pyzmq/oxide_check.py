"""pytest plugin (loaded with `-p oxide_check`): make sure the libzmq that
pyzmq's calls resolve to is the one we meant to test, before any test runs.

pyzmq's wheel bundles its own libzmq 4.3.5, so the version number alone cannot
tell it from ours: we ask the dynamic linker which mapped file provides the
global `zmq_version` symbol (what LD_PRELOAD interposes).

ZMQ_OXIDE_EXPECT=ours    -> must come from ZMQ_OXIDE_LIB (our libzmq.so.5)
ZMQ_OXIDE_EXPECT=bundled -> must come from the wheel's pyzmq.libs/libzmq-*.so
ZMQ_OXIDE_EXPECT=source  -> pyzmq built from source against our prefix, no
                            preload: the symbol its extension module
                            resolves must come from ZMQ_OXIDE_LIB
"""
import ctypes
import os

import pytest


def _owner_of(addr):
    with open("/proc/self/maps") as maps:
        for line in maps:
            parts = line.split()
            lo, hi = (int(x, 16) for x in parts[0].split("-"))
            if lo <= addr < hi and len(parts) >= 6:
                return os.path.realpath(parts[5])
    return None


def pytest_configure(config):
    import zmq

    expect = os.environ.get("ZMQ_OXIDE_EXPECT", "ours")
    version = zmq.zmq_version()
    if expect == "source":
        # the extension module is loaded RTLD_LOCAL, so its libzmq.so.5 is
        # not in the global scope: look the symbol up through the
        # extension's own handle (itself, then its dependencies), as its
        # relocations were resolved
        from zmq.backend.cython import _zmq

        addr = ctypes.cast(ctypes.CDLL(_zmq.__file__).zmq_version, ctypes.c_void_p).value
        owner = _owner_of(addr)
        want = os.path.realpath(os.environ["ZMQ_OXIDE_LIB"])
        if version != "4.3.5" or owner != want:
            raise pytest.UsageError(f"zmq_version {version} comes from {owner}, not ours ({want})")
        print(f"oxide_check: pyzmq built from source, libzmq {version} from {owner}")
        return
    try:
        # the global scope: LD_PRELOAD'ed objects first, as the extension's
        # own symbol relocations see them
        addr = ctypes.cast(ctypes.CDLL(None).zmq_version, ctypes.c_void_p).value
        owner = _owner_of(addr)
    except AttributeError:
        owner = None  # no global zmq_version: only the wheel's RTLD_LOCAL copy
    if version != "4.3.5":
        raise pytest.UsageError(f"zmq.zmq_version() is {version}, expected 4.3.5")
    if expect == "ours":
        want = os.path.realpath(os.environ["ZMQ_OXIDE_LIB"])
        if owner != want:
            raise pytest.UsageError(f"zmq_version comes from {owner}, not ours ({want})")
    else:
        if owner is not None or os.environ.get("LD_PRELOAD"):
            raise pytest.UsageError(f"zmq_version comes from {owner}, not pyzmq's bundled libzmq")
        owner = "pyzmq's bundled libzmq (pyzmq.libs)"
    print(f"oxide_check: libzmq {version} from {owner}")


# pyzmq's test_curve_keygen_secret passes a random Z85 secret as a command
# line argument. Z85's alphabet includes '-', so about one run in 85 the key
# starts with '-', argparse takes it for an option and the command exits
# with status 2, whatever the libzmq (seen once in our CI). That test, and
# only it, gets a second try with a fresh key.
_KEY_ON_COMMAND_LINE = "test_curve_keygen.py::test_curve_keygen_secret"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.nodeid.endswith(_KEY_ON_COMMAND_LINE):
            item.add_marker(pytest.mark.flaky(reruns=1))
