#!/bin/sh
# Build elvisor's boot archive (the initrd) from a manifest.
#
#   scripts/mkinitrd.sh MANIFEST.dts OUTPUT.cpio DIR...
#
# Compiles MANIFEST.dts with dtc into manifest.dtb, finds every file its
# domains name (the kernel and ramdisk properties of each node under
# /elvisor, the image and file properties of their app nodes) in the DIRs, first match wins, and writes a cpio "newc" archive
# (GNU cpio -H newc): manifest.dtb first, then each file once, all at the
# archive's root under the name the manifest uses. The manifest format is in
# docs/configuration.md; the hypervisor validates everything else at boot.
set -eu

prog=mkinitrd

die() {
	echo "$prog: error: $*" >&2
	exit 1
}

usage() {
	echo "usage: scripts/mkinitrd.sh [--missing-ok] MANIFEST.dts OUTPUT.cpio DIR..." >&2
	echo "  Finds the files the manifest names in the DIRs (first match wins)" >&2
	echo "  and writes them with manifest.dtb as a cpio newc archive." >&2
	exit 2
}

need() {
	command -v "$1" >/dev/null 2>&1 ||
		die "'$1' not found (Debian package: $2); 'sh scripts/deps.sh' installs it"
}

# --missing-ok: a file the manifest names but no DIR has is left out with a
# warning instead of stopping, so the hypervisor's own check can be tested.
missing_ok=0
if [ "${1:-}" = --missing-ok ]; then
	missing_ok=1
	shift
fi
[ $# -ge 3 ] || usage
manifest=$1
output=$2
shift 2

need dtc device-tree-compiler
need fdtget device-tree-compiler
need cpio cpio

[ -f "$manifest" ] || die "$manifest: no such manifest"
for dir in "$@"; do
	[ -d "$dir" ] || die "$dir: not a directory"
done
outdir=$(dirname -- "$output")
[ -d "$outdir" ] || die "$outdir: no such directory (for $output)"

stage=$(mktemp -d "${TMPDIR:-/tmp}/mkinitrd.XXXXXX")
tmp_output=$output.tmp.$$
trap 'rm -rf "$stage" "$tmp_output"' EXIT
trap 'exit 1' HUP INT TERM
root=$stage/root		# the archive's members
list=$stage/list		# their names, one per line, in archive order
mkdir "$root"

if ! dtc -I dts -O dtb -o "$root/manifest.dtb" "$manifest"; then
	die "$manifest: dtc could not compile it (see above)"
fi
dtb=$root/manifest.dtb
if ! domains=$(fdtget -l "$dtb" /elvisor 2>/dev/null); then
	die "$manifest: no /elvisor node (domains are listed in / { elvisor { ... }; };)"
fi
[ -n "$domains" ] || echo "$prog: warning: $manifest: /elvisor has no domains" >&2
echo manifest.dtb >"$list"

# find_file NAME DIR...: the first DIR/NAME that is a regular file.
find_file() {
	file=$1
	shift
	for dir in "$@"; do
		if [ -f "$dir/$file" ]; then
			printf '%s\n' "$dir/$file"
			return 0
		fi
	done
	return 1
}

nl='
'
# add NODE PROPERTY DIR...: puts the file the property names in the
# archive, once however many domains name it. (node_path, not node: the
# caller's loop variable must survive the call.)
add() {
	node_path=$1
	prop=$2
	shift 2
	# An absent kernel is the hypervisor's to report, with the others.
	fdtget -p "$dtb" "/elvisor/$node_path" | grep -qx -- "$prop" || return 0
	name=$(fdtget -t s "$dtb" "/elvisor/$node_path" "$prop" 2>/dev/null) ||
		die "/elvisor/$node_path: $prop: not a string"
	case $name in
	"")
		die "/elvisor/$node_path: $prop: empty file name" ;;
	*/* | . | .. | manifest.dtb | *"$nl"*)
		die "/elvisor/$node_path: $prop: \"$name\": not a plain file name (files sit at the archive's root: no '/', not manifest.dtb)" ;;
	esac
	if [ -e "$root/$name" ] || [ -L "$root/$name" ]; then
		return 0
	fi
	if ! path=$(find_file "$name" "$@"); then
		[ "$missing_ok" = 1 ] ||
			die "/elvisor/$node_path: $prop: \"$name\" not found in: $*"
		echo "$prog: warning: /elvisor/$node_path: $prop: \"$name\" not found, left out" >&2
		return 0
	fi
	case $path in
	/*) ;;
	*) path=$(pwd)/$path ;;
	esac
	ln -s "$path" "$root/$name"
	printf '%s\n' "$name" >>"$list"
}

set -f		# node names are split on whitespace, never globbed
for node in $domains; do
	add "$node" kernel "$@"
	add "$node" ramdisk "$@"
	# The domain's apps: its child nodes, each naming an ELF image and
	# maybe a file (e.g. a disk image).
	for app in $(fdtget -l "$dtb" "/elvisor/$node" 2>/dev/null); do
		add "$node/$app" image "$@"
		add "$node/$app" file "$@"
	done
done
set +f

# Written next to the output, then renamed: never a half-written archive.
if ! (cd "$root" && cpio -o -H newc --dereference --quiet <"$list") >"$tmp_output"; then
	die "cpio failed writing $output"
fi
mv -f "$tmp_output" "$output"
echo "$prog: $output: $(paste -s -d ' ' "$list")"
