#!/usr/bin/env bash
# The soak (`make soak`, not in CI): faults/soak.c on our library and on
# Debian's libzmq at once for SECONDS (default 3600), sampled every 10 s;
# writes docs/soak.md and docs/soak.png (faults/soak.py says how).
#
#   faults/soak.sh [SECONDS] [LIBDIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-3600}
lib=$(cd "${2:-$root/build/prefix/lib}" && pwd)
((EUID == 0)) || { echo "soak: needs root (unshare -n)" >&2; exit 2; }
mkdir -p "$root/build/faults"
cc -std=c99 -O2 -Wall -Wextra -o "$root/build/faults/soak" "$root/faults/soak.c" -lzmq
exec /usr/bin/python3 "$root/faults/soak.py" --bin "$root/build/faults/soak" --lib "$lib" \
    --seconds "$seconds" --md "$root/docs/soak.md" --png "$root/docs/soak.png"
