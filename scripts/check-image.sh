#!/bin/sh
# Sanity checks on a built elvisor.bin: the arm64 Image header is where the
# boot protocol wants it, so QEMU -kernel and U-Boot booti accept the file.
set -eu
img=$1
magic=$(dd if="$img" bs=1 skip=56 count=4 2>/dev/null)
if [ "$magic" != "$(printf 'ARM\144')" ]; then
	echo "check-image: $img: no arm64 Image magic at offset 56" >&2
	exit 1
fi
