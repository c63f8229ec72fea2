#!/usr/bin/env python3
"""Write the Linux guest's initramfs: a gzip-compressed cpio "newc" archive.

    linux/mkcpio.py SRCDIR BUSYBOX OUTPUT.cpio.gz

Contents (everything else busybox makes at boot, see linux/init):

    /init             SRCDIR/init, mode 0755
    /bin/busybox      BUSYBOX (Debian's busybox-static, arm64), mode 0755
    /bin/sh           symbolic link to busybox
    /dev/console      character device 5:1, the console the kernel opens for
                      init's stdin/stdout/stderr before anything is mounted
    /bin /sbin /usr/bin /usr/sbin /dev /proc /sys /tmp /root   directories

Written here rather than with cpio(1) so that the device node needs no root
(mknod) and the archive is byte-for-byte reproducible: owner root, mtime 0,
fixed inode numbers, gzip header without a time stamp.
"""
import gzip
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


def archive(srcdir, busybox):
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
    out = b"".join(newc_entry(i + 1, name, mode, data, rdev)
                   for i, (name, mode, data, rdev) in enumerate(entries))
    return out + newc_entry(0, "TRAILER!!!", 0)


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: linux/mkcpio.py SRCDIR BUSYBOX OUTPUT.cpio.gz")
    srcdir, busybox, output = sys.argv[1:]
    data = archive(srcdir, busybox)
    tmp = output + ".tmp"
    with open(tmp, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
            gz.write(data)
    os.replace(tmp, output)


if __name__ == "__main__":
    main()
