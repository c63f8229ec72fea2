#!/bin/sh
# Check a linked stub-domain image (stubdom/stubdom.mk): an ET_EXEC entered
# at 0x40080000 (the domain's RAM base + text_offset, where elvisor loads
# an arm64 Image), with no svc instruction (every app syscall must go
# through the stub runtime's hypercall: an svc at EL1 would trap to the
# stub itself) and no FP/SIMD register in use (apps are built
# -mgeneral-regs-only; the runtime leaves FP/SIMD trapping, as at EL0).
#   usage: check-stub.sh IMAGE.elf OBJDUMP READELF [ALLOWED]
# ALLOWED: instruction encodings (hex words) an app has on purpose, e.g.
# the faulty app's deliberate FP instruction.
set -eu
elf=$1
objdump=$2
readelf=$3
allowed=${4:-}

fail() {
	echo "check-stub: $elf: $*" >&2
	exit 1
}

header=$("$readelf" -hW "$elf") || fail "not readable as ELF"
echo "$header" | grep -q 'Type:.*EXEC' || fail "not an ET_EXEC image"
entry=$(echo "$header" | awk '/Entry point address:/ { print tolower($NF) }')
[ "$entry" = 0x40080000 ] || fail "entry point $entry, not 0x40080000"

dis=$("$objdump" -d "$elf") || fail "$objdump cannot disassemble it"
# Lines of an instruction: "  addr:<TAB>encoding <TAB>mnemonic<TAB>operands".
echo "$dis" | awk -F '\t' -v elf="$elf" -v allowed=" $allowed " '
function bad(what) { print "check-stub: " elf ": " what ": " $0 > "/dev/stderr"; n++ }
$1 ~ /^ *[0-9a-f]+:$/ && NF >= 3 {
	enc = $2; gsub(/ /, "", enc)
	mnem = $3; ops = (NF >= 4) ? $4 : ""
	sub(/[ ]*\/\/.*/, "", ops)		# comments: "// #17"
	gsub(/<[^>]*>/, "", ops)		# symbol names
	if (mnem == "svc") { bad("svc instruction"); next }
	if (index(allowed, " " enc " ")) next
	# FP/SIMD: a V register in any view, or the FP control/status registers.
	if (ops ~ /(^|[^a-z0-9_])([qdshb][0-9]+|v[0-9]+(\.[0-9]*[bhsdq])?|fpcr|fpsr)($|[^a-z0-9_])/)
		bad("FP/SIMD register")
}
END { exit n > 0 }'
