#!/usr/bin/env bash
# Installs libzmq.so.5 (with its links) and libzmq.a for `make install`.
#
#   scripts/install-libs.sh RELEASE_DIR LIBDIR SO_VERSION
#
# With SPLIT_DEBUG=1 (the default) the libraries go in without their debug
# information, the way distributions ship them: the shared library's is
# kept in LIBDIR/.debug/libzmq.so.SO_VERSION.debug, and the library names it
# in a .gnu_debuglink section, a place gdb searches by itself; the static
# library loses its debug sections (the symbols a link needs stay).
# SPLIT_DEBUG=0 installs both exactly as cargo built them.
set -euo pipefail

release=$1 libdir=$2 so_version=$3
so=libzmq.so.$so_version
objcopy=${OBJCOPY:-objcopy}
strip=${STRIP_PROGRAM:-strip}

# a temporary name in LIBDIR and a rename, so that a process running on the
# installed library never sees a half-written file
install -m 0755 "$release/libzmq.so" "$libdir/.$so.tmp"
install -m 0644 "$release/libzmq.a" "$libdir/.libzmq.a.tmp"
if [[ ${SPLIT_DEBUG:-1} != 0 ]]; then
    install -d "$libdir/.debug"
    "$objcopy" --only-keep-debug "$libdir/.$so.tmp" "$libdir/.debug/$so.debug"
    chmod 0644 "$libdir/.debug/$so.debug"
    # --add-gnu-debuglink records the file's name and checksum; gdb looks
    # for that name beside the library and in its .debug/ directory
    (cd "$libdir/.debug" && "$objcopy" --strip-debug --strip-unneeded \
        --add-gnu-debuglink="$so.debug" "../.$so.tmp")
    "$strip" --strip-debug "$libdir/.libzmq.a.tmp"
else
    rm -f "$libdir/.debug/$so.debug"
fi
mv -f "$libdir/.$so.tmp" "$libdir/$so"
mv -f "$libdir/.libzmq.a.tmp" "$libdir/libzmq.a"
ln -sfn "$so" "$libdir/libzmq.so.5"
ln -sfn "$so" "$libdir/libzmq.so"
