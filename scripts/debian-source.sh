#!/usr/bin/env bash
# scripts/debian-source.sh PACKAGE DIR
#
# Downloads Debian's source package PACKAGE into DIR (once: an existing
# DIR/PACKAGE_*.dsc is reused) and prints the path of its .dsc. If apt
# knows no source packages yet, adds deb-src twins of the active Debian
# archive entries (written once to
# /etc/apt/sources.list.d/zmq-oxide-deb-src.{sources,list}) and runs
# apt-get update. apt checks the files against the signed Sources index.
# Used by tests-clients/czmq.sh and scripts/real-drafts.sh.
set -euo pipefail
pkg=${1:?usage: debian-source.sh PACKAGE DIR}
dir=${2:?usage: debian-source.sh PACKAGE DIR}
fail() { echo "debian-source: $*" >&2; exit 1; }
if ((EUID == 0)); then sudo=(); else sudo=(sudo); fi
mkdir -p "$dir"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# deb-src twins of the active entries for the Debian archive (a URI whose
# path ends in /debian), in either format apt reads
deb_src_entries() {
    local f
    for f in /etc/apt/sources.list.d/*.sources; do
        [[ -f $f ]] || continue
        awk -v RS= -v ORS='\n\n' '
            /(^|\n)Types:[^\n]*deb/ && /(^|\n)URIs:[^\n]*\/debian\/?( |\n|$)/ &&
            !/(^|\n)Enabled: *[Nn]o/ {
                gsub(/(^|\n)#[^\n]*/, ""); sub(/^\n+/, "")
                sub(/Types:[^\n]*/, "Types: deb-src"); print
            }' "$f"
    done > "$tmp/deb-src.sources"
    cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
        sed -n -E 's,^deb([[:space:]]+(\[[^]]*\][[:space:]]+)?[^[:space:]]+/debian/?[[:space:]]),deb-src\1,p' \
        > "$tmp/deb-src.list" || true
}
have_source() {
    apt-cache showsrc --only-source "$pkg" 2>/dev/null | grep -q '^Version:'
}

shopt -s nullglob
dsc=("$dir"/"$pkg"_*.dsc)
if ((${#dsc[@]} == 0)); then
    if ! have_source; then
        if ! apt-get indextargets --format '$(CREATED_BY) $(REPO_URI)' 2>/dev/null |
                grep -qE '^Sources .*/debian/$'; then
            deb_src_entries
            [[ -s $tmp/deb-src.sources || -s $tmp/deb-src.list ]] ||
                fail "no Debian archive entry in /etc/apt/sources.list(.d) to add a deb-src twin to"
            for ext in sources list; do
                if [[ -s $tmp/deb-src.$ext ]]; then
                    echo "debian-source: adding /etc/apt/sources.list.d/zmq-oxide-deb-src.$ext:" >&2
                    cat "$tmp/deb-src.$ext" >&2
                    "${sudo[@]}" cp "$tmp/deb-src.$ext" "/etc/apt/sources.list.d/zmq-oxide-deb-src.$ext"
                fi
            done
        fi
        "${sudo[@]}" apt-get update -q </dev/null >&2 || true
        have_source || fail "apt-get knows no source package $pkg (deb-src missing?)"
    fi
    (cd "$dir" && apt-get source -q --download-only "$pkg" </dev/null >&2) ||
        fail "apt-get source $pkg failed"
    dsc=("$dir"/"$pkg"_*.dsc)
    ((${#dsc[@]})) || fail "apt-get source $pkg left no .dsc in $dir"
fi
echo "${dsc[-1]}"
