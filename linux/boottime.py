#!/usr/bin/env python3
"""Linux boot time to /init's marker: under elvisor vs plain QEMU.

    python3 linux/boottime.py [--runs N] [--toolchain gcc] [--cpus max,cortex-a57]
                              [--vcpus 1,2] [--tcg multi|single] [--quiet]

For each CPU model and vCPU count, boots build/linux/Image with
build/linux/initramfs.cpio.gz N times straight on QEMU ("plain": Linux is
the only software, entered at EL2 as QEMU's virtualization=on gives it) and
N times as an elvisor guest (configs/tests/linux-<vcpus>.dts, its console
the uart app), alternating, with the same QEMU options (-smp = the vCPU
count) and the same kernel command line (--quiet adds `quiet`: without
Linux's boot messages, what remains is not the console's cost). It reports
the wall-clock time from starting QEMU to Linux's first console line and to
the line "ELVISOR-LINUX-UP" (the hypervisor's own boot and the building of
the domain included) and the guest's own /proc/uptime at that line. QEMU is killed at the marker. Needs `make` and
`make linux` first. Numbers depend on the host and its load: compare the
two columns of one run, not runs on different days.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LINUX = os.path.join(ROOT, "build", "linux")
MARKER = re.compile(rb"ELVISOR-LINUX-UP: .* reached /init after ([\d.]+) s")
FIRST_LINE = b"Booting Linux on physical CPU"
BOOTARGS = "console=ttyAMA0 earlycon elvisor.test=1"
TIMEOUT = 300


def qemu_base(cpu, smp, tcg):
    cpu_arg = cpu + ",pauth-impdef=on" if cpu == "max" else cpu
    return ["qemu-system-aarch64", "-accel", "tcg,thread=" + tcg,
            "-M", "virt,virtualization=on,gic-version=3", "-cpu", cpu_arg,
            "-smp", str(smp), "-m", "512", "-display", "none", "-monitor", "none",
            "-serial", "stdio", "-nic", "none", "-semihosting", "-no-reboot"]


def boot_to_marker(argv):
    """Start QEMU and kill it at the marker. Returns the wall seconds to
    Linux's first line and to the marker, and the guest's uptime there."""
    start = time.monotonic()
    first = None
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    try:
        for line in proc.stdout:
            if first is None and FIRST_LINE in line:
                first = time.monotonic() - start
            m = MARKER.search(line)
            if m:
                return first, time.monotonic() - start, float(m.group(1))
            if time.monotonic() - start > TIMEOUT:
                break
        sys.exit("boottime: no marker from: %s" % " ".join(argv))
    finally:
        proc.kill()
        proc.wait()


def boot_archive(tc, vcpus, bootargs):
    """The boot archive of configs/tests/linux-<vcpus>.dts with these bootargs."""
    out_dir = os.path.join(LINUX, "boottime")
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(ROOT, "configs", "tests", "linux-%d.dts" % vcpus)) as f:
        dts = f.read()
    if '"%s"' % BOOTARGS not in dts:
        sys.exit("boottime: linux-%d.dts no longer has bootargs \"%s\"" % (vcpus, BOOTARGS))
    manifest = os.path.join(out_dir, "linux-%d.dts" % vcpus)
    with open(manifest, "w") as f:
        f.write(dts.replace('"%s"' % BOOTARGS, '"%s"' % bootargs))
    out = os.path.join(out_dir, "linux-%d-%s.cpio" % (vcpus, tc))
    subprocess.run(["sh", os.path.join(ROOT, "scripts", "mkinitrd.sh"), manifest, out,
                    os.path.join(ROOT, "build", tc, "guests"),
                    os.path.join(ROOT, "build", tc, "apps"), LINUX],
                   check=True, stdout=subprocess.DEVNULL)
    return out


def summary(runs):
    """first line, marker: median (min..max); [guest uptime at the marker]"""
    firsts = [r[0] for r in runs if r[0] is not None]  # none with `quiet`
    first = "%5.2f" % statistics.median(firsts) if firsts else "    -"
    wall = [r[1] for r in runs]
    return "%s %5.2f (%5.2f..%5.2f) [%4.2f]" % (
        first, statistics.median(wall), min(wall), max(wall),
        statistics.median(r[2] for r in runs))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--toolchain", default="gcc")
    ap.add_argument("--cpus", default="max,cortex-a57")
    ap.add_argument("--vcpus", default="1,2")
    ap.add_argument("--tcg", default="multi", choices=["multi", "single"])
    ap.add_argument("--quiet", action="store_true",
                    help="add 'quiet' to the command line: the console's cost left out")
    args = ap.parse_args()
    bootargs = BOOTARGS + (" quiet" if args.quiet else "")
    image = os.path.join(LINUX, "Image")
    initramfs = os.path.join(LINUX, "initramfs.cpio.gz")
    hyp = os.path.join(ROOT, "build", args.toolchain, "elvisor.bin")
    for f in (image, initramfs, hyp):
        if not os.path.isfile(f):
            sys.exit("boottime: %s missing (make; make linux)" % f)
    print("wall seconds from starting QEMU to Linux's first line and to ELVISOR-LINUX-UP "
          "(median of %d, (min..max)), [Linux's uptime at the marker]; TCG %s, %s build; "
          "%s" % (args.runs, args.tcg, args.toolchain, bootargs))
    print("%-12s %5s  %-36s %-36s %s" % ("cpu", "vcpus", "plain QEMU: first, marker",
                                        "elvisor: first, marker", "ratio"))
    for cpu in args.cpus.split(","):
        for vcpus in [int(v) for v in args.vcpus.split(",")]:
            base = qemu_base(cpu, vcpus, args.tcg)
            plain_argv = base + ["-kernel", image, "-initrd", initramfs, "-append", bootargs]
            elvisor_argv = base + ["-kernel", hyp, "-initrd",
                                   boot_archive(args.toolchain, vcpus, bootargs),
                                   "-append", "elvisor.test=guests"]
            plain, guest = [], []
            for _ in range(args.runs):
                plain.append(boot_to_marker(plain_argv))
                guest.append(boot_to_marker(elvisor_argv))
            ratio = (statistics.median(r[1] for r in guest) /
                     statistics.median(r[1] for r in plain))
            print("%-12s %5d  %-36s %-36s %.2f" % (cpu, vcpus, summary(plain), summary(guest),
                                                  ratio))
            sys.stdout.flush()


if __name__ == "__main__":
    main()
