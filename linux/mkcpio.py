#!/usr/bin/env python3
"""Write the Linux guest's initramfs: a gzip-compressed cpio "newc" archive.

    linux/mkcpio.py SRCDIR BUSYBOX OUTPUT.cpio.gz [MODULES]

Contents (everything else busybox makes at boot, see linux/init):

    /init             SRCDIR/init, mode 0755
    /bin/busybox      BUSYBOX (Debian's busybox-static, arm64), mode 0755
    /bin/sh           symbolic link to busybox
    /dev/console      character device 5:1, the console the kernel opens for
                      init's stdin/stdout/stderr before anything is mounted
    /bin /sbin /usr/bin /usr/sbin /dev /proc /sys /tmp /root   directories
    /lib/modules/     with MODULES (a directory): its virtio_mmio.ko,
                      virtio_blk.ko and virtio-rng.ko (Debian's, uncompressed),
                      which /init loads under elvisor.virtio=1 and, before the
                      shell, when the device tree has virtio-mmio nodes
    /etc/elvisor-virtio.md5   the md5 sums /init expects from the virtio-blk
                      test disk (scripts/mkdisk.sh), as shell assignments

Written here rather than with cpio(1) so that the device node needs no root
(mknod) and the archive is byte-for-byte reproducible: owner root, mtime 0,
fixed inode numbers, gzip header without a time stamp.
"""
import gzip
import hashlib
import os
import stat
import sys

NEWC_MAGIC = b"070701"


def newc_entry(ino, name, mode, data=b"", rdev=(0, 0)):
    """One newc header, the NUL-terminated name and the data, 4-byte padded."""
    name_bytes = name.encode() + b"\0"
    fields = [ino, mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0], rdev[1],
              len(name_bytes), 0]
    header = NEWC_MAGIC + b"".join(b"%08x" % f for f in fields)
    out = header + name_bytes
    out += b"\0" * (-len(out) % 4)
    out += data
    out += b"\0" * (-len(out) % 4)
    return out


def read(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as e:
        sys.exit("mkcpio: %s" % e)


# Loaded in this order by /init: the transport first, then the drivers.
MODULES = ["virtio_mmio.ko", "virtio_blk.ko", "virtio-rng.ko"]


def disk_sectors(first, count):
    """Sectors of the virtio-blk test disk by the formula of scripts/mkdisk.sh
    and guests/lib/virtio_disk.h (keep the three in step): byte i of sector s
    is byte i of s (little-endian) for i < 8, else s*251 + i*13 + (i>>8)."""
    out = bytearray()
    for s in range(first, first + count):
        out += s.to_bytes(8, "little")
        out += bytes((s * 251 + i * 13 + (i >> 8)) & 0xff for i in range(8, 512))
    return bytes(out)


def disk_sums():
    """What /init checks on /dev/vda: sectors 0-1023 as read, and the two
    neighbours of the sectors it writes (1536-1543) still intact after."""
    sums = [("VDA_SECTORS_0_1023", disk_sectors(0, 1024)),
            ("VDA_SECTOR_1535", disk_sectors(1535, 1)),
            ("VDA_SECTOR_1544", disk_sectors(1544, 1))]
    return "".join("%s=%s\n" % (name, hashlib.md5(data).hexdigest())
                   for name, data in sums).encode()


def module_entries(moddir):
    entries = [("lib", stat.S_IFDIR | 0o755, b"", (0, 0)),
               ("lib/modules", stat.S_IFDIR | 0o755, b"", (0, 0)),
               ("etc", stat.S_IFDIR | 0o755, b"", (0, 0))]
    for name in MODULES:
        data = read(os.path.join(moddir, name))
        if data[:4] != b"\x7fELF" or data[16:20] != b"\x01\x00\xb7\x00":
            sys.exit("mkcpio: %s/%s: not an AArch64 relocatable ELF (a compressed "
                     "module? busybox insmod needs it uncompressed)" % (moddir, name))
        entries.append(("lib/modules/" + name, stat.S_IFREG | 0o644, data, (0, 0)))
    entries.append(("etc/elvisor-virtio.md5", stat.S_IFREG | 0o644, disk_sums(), (0, 0)))
    return entries


def archive(srcdir, busybox, moddir=None):
    init = read(os.path.join(srcdir, "init"))
    if not init.startswith(b"#!"):
        sys.exit("mkcpio: %s/init: not a script (no #! line)" % srcdir)
    box = read(busybox)
    if box[:4] != b"\x7fELF" or box[18:20] != b"\xb7\x00":
        sys.exit("mkcpio: %s: not an AArch64 ELF executable" % busybox)
    entries = []
    for d in ["bin", "sbin", "usr", "usr/bin", "usr/sbin", "dev", "proc", "sys",
              "tmp", "root"]:
        entries.append((d, stat.S_IFDIR | 0o755, b"", (0, 0)))
    entries += [
        ("dev/console", stat.S_IFCHR | 0o600, b"", (5, 1)),
        ("bin/busybox", stat.S_IFREG | 0o755, box, (0, 0)),
        ("bin/sh", stat.S_IFLNK | 0o777, b"busybox", (0, 0)),
        ("init", stat.S_IFREG | 0o755, init, (0, 0)),
    ]
    if moddir is not None:
        entries += module_entries(moddir)
    out = b"".join(newc_entry(i + 1, name, mode, data, rdev)
                   for i, (name, mode, data, rdev) in enumerate(entries))
    return out + newc_entry(0, "TRAILER!!!", 0)


def main():
    if len(sys.argv) not in (4, 5):
        sys.exit("usage: linux/mkcpio.py SRCDIR BUSYBOX OUTPUT.cpio.gz [MODULES]")
    srcdir, busybox, output = sys.argv[1:4]
    moddir = sys.argv[4] if len(sys.argv) == 5 else None
    data = archive(srcdir, busybox, moddir)
    tmp = output + ".tmp"
    with open(tmp, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
            gz.write(data)
    os.replace(tmp, output)


if __name__ == "__main__":
    main()
