#!/bin/sh
# Sanity checks on a built image: the arm64 Image header is where the boot
# protocol wants it (QEMU -kernel, U-Boot booti), and the ELF it came from
# has only the relocation types head.S knows how to apply.
#   check-image.sh IMAGE.bin IMAGE.elf READELF
set -eu
img=$1 elf=$2 readelf=$3
magic=$(dd if="$img" bs=1 skip=56 count=4 2>/dev/null)
if [ "$magic" != "$(printf 'ARM\144')" ]; then
	echo "check-image: $img: no arm64 Image magic at offset 56" >&2
	exit 1
fi
bad=$("$readelf" -rW "$elf" | awk '/^ *[0-9a-f]+ +[0-9a-f]+ +R_/ && $3 != "R_AARCH64_RELATIVE" && $3 != "R_AARCH64_NONE" { print $3 }' | sort -u)
if [ -n "$bad" ]; then
	echo "check-image: $elf: relocations head.S cannot apply: $bad" >&2
	exit 1
fi
