#!/bin/sh
# Builds the cpio archives the unit tests read, with Debian's GNU cpio, so
# the reader is tested against the real writer rather than against itself.
# Usage: make-cpio-fixtures.sh OUTDIR
set -eu

out=$1
src=$out/src
rm -rf "$out"
mkdir -p "$src/dir"

printf 'hello, elvisor\n' >"$src/hello.txt"
head -c 4099 /dev/urandom >"$src/image.bin"	# odd size: exercises padding
printf 'x' >"$src/dir/app.elf"
: >"$src/empty"
printf 'abc' >"$src/odd-name-length.bin"
ln -s hello.txt "$src/link"

# The order here is the order the tests expect.
list="hello.txt image.bin dir dir/app.elf empty odd-name-length.bin link"

(cd "$src" && printf '%s\n' $list | cpio --quiet -o -H newc) >"$out/basic.cpio"
(cd "$src" && printf '%s\n' $list | cpio --quiet -o -H crc) >"$out/crc.cpio"
cpio --quiet -o -H newc </dev/null >"$out/empty.cpio"
