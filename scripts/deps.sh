#!/bin/sh
# Install what elvisor's build and tests need, from Debian's packages only.
# Idempotent: installs only what is missing, so `make run` / `make test` can
# call it every time at the cost of a few `dpkg -s` look-ups.
#
# Host packages go through apt; arm64 packages (libfdt now, a Linux kernel
# and busybox later) are downloaded into $CACHE without touching the
# machine's apt configuration (see ../shared/PLATFORM.md).
set -eu

CACHE=${1:-build/cache}

HOST_PACKAGES="make gcc libc6-dev gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu \
clang lld llvm qemu-system-arm device-tree-compiler cpio python3 libfdt-dev gnuplot-nox"

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"
	elif command -v sudo >/dev/null 2>&1; then sudo "$@"
	else echo "deps: need root or sudo to run: $*" >&2; exit 1
	fi
}

missing=""
for p in $HOST_PACKAGES; do
	dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "deps: installing:$missing"
	as_root apt-get update -q
	DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q --no-install-recommends $missing
fi

# arm64 packages: fetched with apt's own client pointed at a private state
# directory, then unpacked into $CACHE/root.
fetch_arm64() {
	mkdir -p "$CACHE/lists/partial" "$CACHE/debs" "$CACHE/root"
	o="-oAPT::Sandbox::User=root -oAPT::Architecture=arm64 -oAPT::Architectures=arm64 -oDir::State::Lists=$(realpath "$CACHE/lists") -oDir::Cache=$(realpath "$CACHE")"
	if [ ! -f "$CACHE/lists/.updated" ]; then
		# shellcheck disable=SC2086
		apt-get $o update -q >"$CACHE/apt-update.log" 2>&1 || {
			cat "$CACHE/apt-update.log" >&2
			echo "deps: apt-get update for arm64 failed" >&2; exit 1; }
		touch "$CACHE/lists/.updated"
	fi
	for pkg in "$@"; do
		# shellcheck disable=SC2086
		(cd "$CACHE/debs" && apt-get $o download "$pkg" >/dev/null) || {
			echo "deps: could not download arm64 package $pkg" >&2; exit 1; }
	done
	for deb in "$CACHE"/debs/*.deb; do
		dpkg -x "$deb" "$CACHE/root"
	done
}

LIBFDT_A="$CACHE/root/usr/lib/aarch64-linux-gnu/libfdt.a"
[ -f "$LIBFDT_A" ] || fetch_arm64 libfdt-dev
[ -f "$LIBFDT_A" ] || { echo "deps: $LIBFDT_A missing after download" >&2; exit 1; }
exit 0
