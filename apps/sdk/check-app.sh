#!/bin/sh
# Check a linked app ELF against the image rules of hyp/include/abi/app.h
# and lib/elf.h: static ET_EXEC, every PT_LOAD non-empty and inside
# [0x400000, 0x40000000), none both writable and executable, no PT_INTERP
# or PT_DYNAMIC, entry point inside an executable segment.
#   usage: check-app.sh app.elf readelf
set -eu
elf=$1
readelf=${2:-readelf}

$readelf -hlW "$elf" | awk -v elf="$elf" '
function fail(msg) { print elf ": " msg > "/dev/stderr"; bad = 1 }
function hex(s,   i, v) {	# mawk has no strtonum; exact below 2^53
	s = tolower(s); sub(/^0x/, "", s); v = 0
	for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
	return v
}
/Type:/ && /EXEC/ { exec = 1 }
/Entry point address:/ { entry = hex($NF) }
$1 == "INTERP" || $1 == "DYNAMIC" { fail("has a " $1 " segment") }
$1 == "LOAD" {
	va = hex($3); memsz = hex($6); flg = ""
	for (i = 7; i < NF; i++) flg = flg $i
	nload++
	if (memsz == 0) fail("empty PT_LOAD at " $3)
	if (va < hex("0x400000") || va + memsz > hex("0x40000000"))
		fail("PT_LOAD " $3 "+" $6 " outside [0x400000, 0x40000000)")
	if (flg ~ /W/ && flg ~ /E/) fail("PT_LOAD at " $3 " is writable and executable")
	if (flg ~ /E/ && entry >= va && entry < va + memsz) entry_ok = 1
}
END {
	if (!exec) fail("not an ET_EXEC image")
	if (nload == 0) fail("no PT_LOAD segment")
	if (!entry_ok) fail("entry point not in an executable PT_LOAD")
	exit bad
}'
