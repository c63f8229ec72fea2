#!/bin/sh
# Write the virtio-blk test disk.
#
#   scripts/mkdisk.sh OUTPUT [SECTORS]
#
# SECTORS (default 2048: 1 MiB) sectors of 512 bytes with known content, so
# a driver can check every byte it reads: byte i of sector s is byte i of s
# (little-endian) for i < 8, else (s * 251 + i * 13 + (i >> 8)) mod 256.
# guests/lib/virtio_disk.h has the same formula for the test drivers.
set -eu

prog=mkdisk

die() {
	echo "$prog: error: $*" >&2
	exit 1
}

[ $# -ge 1 ] && [ $# -le 2 ] || {
	echo "usage: scripts/mkdisk.sh OUTPUT [SECTORS]" >&2
	exit 2
}
output=$1
sectors=${2:-2048}
case $sectors in
'' | *[!0-9]*) die "SECTORS: \"$sectors\" is not a number" ;;
esac
[ "$sectors" -ge 1 ] && [ "$sectors" -le 2097152 ] || die "SECTORS: $sectors is not in 1..2097152 (1 GiB, the most an app's file may be)"
command -v python3 >/dev/null 2>&1 || die "'python3' not found (Debian package: python3); 'sh scripts/deps.sh' installs it"
outdir=$(dirname -- "$output")
[ -d "$outdir" ] || die "$outdir: no such directory (for $output)"

# Written next to the output, then renamed: never a half-written disk.
tmp=$output.tmp.$$
trap 'rm -f "$tmp"' EXIT
trap 'exit 1' HUP INT TERM
python3 - "$tmp" "$sectors" <<'PY'
import sys

path, sectors = sys.argv[1], int(sys.argv[2])
# The part of a sector after its number depends on the sector only through
# s * 251 mod 256: 256 distinct tails, computed once.
tails = [bytes((s * 251 + i * 13 + (i >> 8)) & 0xff for i in range(8, 512)) for s in range(256)]
with open(path, "wb") as f:
    for s in range(sectors):
        f.write(s.to_bytes(8, "little") + tails[s & 0xff])
PY
mv -f "$tmp" "$output"
trap - EXIT
