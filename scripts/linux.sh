#!/bin/sh
# Build the files of elvisor's Linux guest from Debian's own arm64 packages:
#
#   scripts/linux.sh [CACHE [OUT]]        (defaults: build/cache build/linux)
#
#   OUT/Image                Debian's linux-image-6.1.0-*-arm64 kernel, as shipped
#                            (its vmlinuz is an uncompressed arm64 Image)
#   OUT/initramfs.cpio.gz    busybox-static + our /init (linux/init), see
#                            linux/mkcpio.py for the archive's contents
#   OUT/modules/             virtio_mmio.ko, virtio_blk.ko, virtio-rng.ko from
#                            the kernel package (also put in the initramfs)
#   OUT/VERSION              which packages they came from
#
# The packages are downloaded once into CACHE/linux/ with apt's own client
# pointed at a private state directory (CACHE/lists, shared with deps.sh):
# the machine's apt configuration is never touched. Once CACHE/linux/ holds
# both .deb files no network is used again; delete them to take Debian's
# current kernel, or set LINUX_PACKAGE=linux-image-6.1.0-NN-arm64 to pin one.
# Idempotent: OUT is rewritten only from the cached packages and linux/.
set -eu

prog=linux.sh
CACHE=${1:-build/cache}
OUT=${2:-build/linux}
SRC=$(dirname -- "$0")/../linux

die() {
	echo "$prog: error: $*" >&2
	exit 1
}

need() {
	command -v "$1" >/dev/null 2>&1 ||
		die "'$1' not found (Debian package: $2); 'sh scripts/deps.sh' installs it"
}

need apt-get apt
need apt-cache apt
need dpkg-deb dpkg
need tar tar
need python3 python3

mkdir -p "$CACHE/lists/partial" "$CACHE/linux" "$OUT"
CACHE=$(realpath "$CACHE")
DEBS=$CACHE/linux
# The same private apt state as scripts/deps.sh (arm64 only, lists in CACHE).
APT_OPTS="-oAPT::Sandbox::User=root -oAPT::Architecture=arm64 -oAPT::Architectures=arm64 \
-oDir::State::Lists=$CACHE/lists -oDir::Cache=$CACHE"

apt_update() {
	echo "$prog: apt-get update (arm64 package lists into $CACHE/lists)"
	# shellcheck disable=SC2086
	apt-get $APT_OPTS update -q >"$CACHE/apt-update.log" 2>&1 || {
		cat "$CACHE/apt-update.log" >&2
		die "apt-get update for arm64 failed (no network? see above)"; }
	touch "$CACHE/lists/.updated"
}

# The kernel package the linux-image-arm64 metapackage currently names.
kernel_package() {
	if [ -n "${LINUX_PACKAGE:-}" ]; then
		echo "$LINUX_PACKAGE"
		return
	fi
	# shellcheck disable=SC2086
	apt-cache $APT_OPTS depends linux-image-arm64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-6\.1\.0-[0-9]*-arm64\)$/\1/p' | head -n 1
}

# Download package $1 into DEBS; on failure refresh the lists once and retry
# (Debian drops superseded kernel packages from its mirrors).
download() {
	# shellcheck disable=SC2086
	(cd "$DEBS" && apt-get $APT_OPTS download "$1" >/dev/null 2>"$DEBS/download.log") && return 0
	return 1
}

cached_deb() {
	ls "$DEBS"/$1 2>/dev/null | sort -V | tail -n 1
}

# The cached kernel package: the pinned one, or any 6.1 one (the newest).
KERNEL_GLOB="${LINUX_PACKAGE:-linux-image-6.1.0-*-arm64}_*_arm64.deb"

fetch() {
	kernel_deb=$(cached_deb "$KERNEL_GLOB")
	busybox_deb=$(cached_deb 'busybox-static_*_arm64.deb')
	[ -n "$kernel_deb" ] && [ -n "$busybox_deb" ] && return 0
	[ -f "$CACHE/lists/.updated" ] || apt_update
	for attempt in 1 2; do
		kpkg=$(kernel_package)
		if [ -n "$kpkg" ] && { [ -n "$kernel_deb" ] || download "$kpkg"; } &&
		   { [ -n "$busybox_deb" ] || download busybox-static; }; then
			break
		fi
		[ "$attempt" = 2 ] && {
			cat "$DEBS/download.log" >&2 2>/dev/null || true
			[ -n "$kpkg" ] || die "no linux-image-6.1.0-*-arm64 package named by" \
				"linux-image-arm64 in the arm64 package lists"
			die "could not download $kpkg and busybox-static (arm64) into $DEBS"; }
		apt_update
	done
	kernel_deb=$(cached_deb "$KERNEL_GLOB")
	busybox_deb=$(cached_deb 'busybox-static_*_arm64.deb')
	[ -n "$kernel_deb" ] && [ -n "$busybox_deb" ] ||
		die "the downloaded packages are not in $DEBS"
}

# Extract one member ($2, a path inside the package, may hold a wildcard)
# of package $1 to the file $3.
extract() {
	deb=$1 member=$2 dest=$3
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/linux-sh.XXXXXX")
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards "$member" 2>/dev/null || true
	found=$(find "$tmp" -type f | head -n 1)
	if [ -z "$found" ]; then
		rm -rf "$tmp"
		die "$(basename "$deb"): has no $member (damaged download? delete it and retry)"
	fi
	cp "$found" "$dest.tmp" && mv "$dest.tmp" "$dest"
	rm -rf "$tmp"
}

# An arm64 Image has the magic "ARM\x64" at byte 56.
check_image() {
	magic=$(dd if="$1" bs=1 skip=56 count=4 2>/dev/null | od -An -c | tr -d ' ')
	[ "$magic" = 'ARMd' ] || die "$1: no arm64 Image header (magic at byte 56 is '$magic')"
}

# $1 exists and is newer than $2: extracting again would give the same file.
fresh() {
	[ -f "$1" ] && [ "$1" -nt "$2" ]
}

fetch
fresh "$OUT/Image" "$kernel_deb" || extract "$kernel_deb" './boot/vmlinuz-*' "$OUT/Image"
check_image "$OUT/Image"
fresh "$OUT/busybox" "$busybox_deb" || extract "$busybox_deb" './bin/busybox' "$OUT/busybox"
# The virtio modules /init loads under elvisor.virtio=1 (linux/init): Debian
# builds them as modules (uncompressed .ko, no dependencies beyond the
# kernel's built-in virtio core and hw_random).
mkdir -p "$OUT/modules"
for mod in drivers/virtio/virtio_mmio drivers/block/virtio_blk drivers/char/hw_random/virtio-rng; do
	dest=$OUT/modules/$(basename "$mod").ko
	fresh "$dest" "$kernel_deb" || extract "$kernel_deb" "./lib/modules/*/kernel/$mod.ko" "$dest"
done
python3 "$SRC/mkcpio.py" "$SRC" "$OUT/busybox" "$OUT/initramfs.cpio.gz" "$OUT/modules"
{
	echo "kernel: $(basename "$kernel_deb")"
	echo "busybox: $(basename "$busybox_deb")"
} >"$OUT/VERSION"
echo "$prog: $OUT/Image ($(basename "$kernel_deb")), $OUT/initramfs.cpio.gz" \
     "($(wc -c <"$OUT/initramfs.cpio.gz") bytes)"
