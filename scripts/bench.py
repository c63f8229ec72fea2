#!/usr/bin/env python3
"""elvisor's benchmark (issue 7): `make bench`.

    scripts/bench.py [--runs 2] [-j 2] [--no-wallclock] [--report-only]

Deterministic rows: elvisor boots in QEMU with `-icount shift=0,sleep=off`
(one instruction = one virtual nanosecond, the whole run repeatable) and the
benchmark guest (guests/bench.c) times each round trip on its own, in
instructions, on a VHE host (-cpu max) and a non-VHE host (-cpu cortex-a57),
alone on its pCPU and next to a CPU-bound domain (configs/bench/*.dts).
Every configuration runs --runs times (default 2); the per-sample counts
must be identical between runs, or the report says which differ.

Wall-clock rows (emulator time, plain multi-threaded TCG, no icount): Linux
boot to its marker under elvisor and under plain QEMU, once configs/linux.dts
and its files exist; virtio-blk sequential reads, once their manifests exist
(configs/bench/virtio-blk-app.dts, -stub.dts; the guest protocol is in
docs/benchmarks.md). A row whose path the guest does not print says "not built".

Writes build/bench/results.json, docs/benchmarks.md (generated from the JSON,
with the machine, QEMU version and commit), build/bench/chart.png and its copy
docs/benchmarks.png, console logs in build/bench/logs/, and prints the table.
--report-only regenerates the Markdown and the chart from results.json.
Exit status: 0 if every run completed and the counts are deterministic,
1 otherwise, 2 if something needed is missing.
"""

import argparse
import concurrent.futures
import datetime
import json
import os
import platform
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MKINITRD = os.path.join(ROOT, "scripts", "mkinitrd.sh")
QEMU = os.environ.get("QEMU", "qemu-system-aarch64")

# Issue 7's rows. A path the guest does not print is "not built".
PATHS = [
    # key, issue row, label
    ("hvc-null", 1, "null HVC, answered by the hypervisor"),
    ("mmio-hyp-read", 2, "MMIO read, device in the hypervisor"),
    ("mmio-hyp-write", 2, "MMIO write, device in the hypervisor"),
    ("mmio-app-read", 3, "MMIO read, device in an EL0 app"),
    ("mmio-app-write", 3, "MMIO write, device in an EL0 app"),
    ("call-app-hvc", 4, "SMCCC call by HVC, served by an EL0 app"),
    ("call-app-smc", 4, "SMCCC call by SMC, served by an EL0 app"),
    ("mmio-stub-read", 5, "MMIO read, stub domain on the same pCPU"),
    ("mmio-stub-write", 5, "MMIO write, stub domain on the same pCPU"),
    ("mmio-stub-remote-read", 5, "MMIO read, stub domain on another pCPU"),
    ("mmio-stub-remote-write", 5, "MMIO write, stub domain on another pCPU"),
]
PATH_KEYS = [p[0] for p in PATHS]
BASELINE_HVC = "hvc-null"

CPU_VHE = "max,pauth-impdef=on"     # pointer authentication is slow otherwise
CPU_NVHE = "cortex-a57"

# Deterministic configurations: host regime x neighbour.
CONFIGS = [
    # id, cpu, VHE expected, manifest, busy neighbour
    ("vhe", CPU_VHE, True, "configs/bench/bench.dts", False),
    ("vhe-busy", CPU_VHE, True, "configs/bench/bench-busy.dts", True),
    ("nvhe", CPU_NVHE, False, "configs/bench/bench.dts", False),
    ("nvhe-busy", CPU_NVHE, False, "configs/bench/bench-busy.dts", True),
]

# What the benchmark needs from the gcc build.
NEEDED_IMAGES = ["elvisor.bin", "guests/bench.bin", "guests/cpu-bound.bin", "apps/bench-app.elf",
                 "stubdom/bench-app-stub.bin"]
# Where mkinitrd.sh looks for the images a manifest names.
IMAGE_DIRS = ("guests", "apps", "stubdom")

# Issue 7's reference numbers for Xen 4.17 (instructions, ranges as given).
XEN = {"hypercall": (370, 420), "emulated MMIO": (600, 620),
       "event-channel round trip, two domains, one CPU": (11800, 11800)}

LINUX_MANIFEST = "configs/linux.dts"
LINUX_MARKER = "ELVISOR-LINUX-UP"
WALL_TIMEOUT = 180.0
BENCH_TIMEOUT = 300.0
VIRTIO_ROWS = [
    ("virtio-blk-app", "configs/bench/virtio-blk-app.dts",
     "virtio-blk sequential read through an EL0 app"),
    ("virtio-blk-stub", "configs/bench/virtio-blk-stub.dts",
     "virtio-blk sequential read through a stub domain"),
]

COMMON_QEMU = ["-display", "none", "-monitor", "none", "-serial", "stdio", "-nic", "none",
               "-semihosting", "-no-reboot"]


class BenchError(Exception):
    """Something the benchmark cannot go on without."""


class MissingError(BenchError):
    """A tool or an image is missing: nothing was run."""


# --------------------------------------------------------------------------
# Running QEMU

_procs = set()
_procs_lock = threading.Lock()


def kill_group(proc):
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=5)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()


def run_until(argv, stop, timeout, log_path):
    """Run argv, reading its console. Stop it once a line matches `stop`
    (a compiled regex), or when it exits or times out. Returns (lines,
    seconds at which each line arrived, reason: 'matched'/'exited'/'timeout')."""
    start = time.monotonic()
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True, cwd=ROOT)
    with _procs_lock:
        _procs.add(proc)
    lines, stamps, pending, reason = [], [], b"", "timeout"
    try:
        while True:
            left = timeout - (time.monotonic() - start)
            if left <= 0:
                break
            ready, _, _ = select.select([proc.stdout], [], [], min(left, 1.0))
            if not ready:
                continue
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                reason = "exited"
                break
            pending += chunk
            *complete, pending = pending.split(b"\n")
            now = time.monotonic() - start
            for raw in complete:
                lines.append(raw.decode("utf-8", errors="replace").rstrip("\r"))
                stamps.append(now)
            if any(stop.search(l) for l in lines[len(lines) - len(complete):]):
                reason = "matched"
                break
    finally:
        kill_group(proc)
        with _procs_lock:
            _procs.discard(proc)
    if pending:
        lines.append(pending.decode("utf-8", errors="replace"))
        stamps.append(time.monotonic() - start)
    with open(log_path, "w", encoding="utf-8") as f:
        f.write("# command: %s\n# stopped: %s after %.2fs\n" %
                (" ".join(argv), reason, time.monotonic() - start))
        f.write("\n".join(lines) + "\n")
    return lines, stamps, reason


def helper(argv, what):
    """A preparation command; its stdout, or BenchError with its message."""
    try:
        p = subprocess.run(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=120)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise BenchError("%s: %s" % (what, e)) from None
    if p.returncode != 0:
        msg = (p.stderr or p.stdout).decode(errors="replace").strip().splitlines()
        raise BenchError("%s: %s" % (what, msg[-1] if msg else "status %d" % p.returncode))
    return p.stdout.decode(errors="replace")


def make_initrd(manifest, out, dirs):
    script = ["sh", MKINITRD, os.path.join(ROOT, manifest), out] + dirs
    helper(script, "mkinitrd.sh %s" % manifest)
    return out


def machine(cpu, smp, mem=512, icount=False, virtualization=True):
    argv = [QEMU, "-accel", "tcg,thread=" + ("single" if icount else "multi"),
            "-M", "virt,gic-version=3" + (",virtualization=on" if virtualization else ""),
            "-cpu", cpu, "-smp", str(smp), "-m", str(mem)] + COMMON_QEMU
    if icount:
        argv += ["-icount", "shift=0,sleep=off"]
    return argv


# --------------------------------------------------------------------------
# The benchmark guest's output (guests/bench.c documents the format)

GUEST_LINE = re.compile(r"^\[bench\] (BENCH-[A-Z-]+) ?(.*)$")
KV = re.compile(r"(\w+)=(\S+)")


def parse_hist(text):
    """'341x5 400 7x2' -> [(341, 5), (400, 1), (7, 2)]"""
    out = []
    for item in text.split():
        value, _, count = item.partition("x")
        out.append((int(value), int(count) if count else 1))
    return out


def nearest_rank(hist, pct):
    n = sum(c for _, c in hist)
    rank = max(1, (pct * n + 99) // 100)
    seen = 0
    for value, count in sorted(hist):
        seen += count
        if seen >= rank:
            return value
    raise ValueError("empty histogram")


def stats(hist):
    hist = sorted(hist)
    n = sum(c for _, c in hist)
    lo, hi = hist[0][0], hist[-1][0]
    return {"n": n, "min": lo, "median": nearest_rank(hist, 50),
            "p99": nearest_rank(hist, 99), "max": hi, "jitter": hi - lo,
            "mean": round(sum(v * c for v, c in hist) / n, 2), "distinct": len(hist),
            "above_min": n - hist[0][1]}


def parse_guest(lines):
    """The guest's report: clock, overhead and each path's histogram."""
    out = {"clocks": {}, "paths": {}, "begin": None, "end": False, "pass": False}
    summaries = {}
    for line in lines:
        if "[bench] TEST PASS bench" in line:
            out["pass"] = True
        m = GUEST_LINE.match(line)
        if not m:
            continue
        kind, rest = m.groups()
        if kind == "BENCH-CLOCK":
            name, _, tail = rest.partition(" ")
            fields = dict(KV.findall(tail.split(" why=")[0]))
            fields["why"] = tail.split(" why=", 1)[1] if " why=" in tail else ""
            out["clocks"][name] = fields
        elif kind == "BENCH-BEGIN":
            out["begin"] = dict(KV.findall(rest))
        elif kind == "BENCH-PATH":
            name, _, tail = rest.partition(" ")
            summaries[name] = {k: int(v) for k, v in KV.findall(tail)}
        elif kind == "BENCH-HIST":
            name, _, tail = rest.partition(" ")
            out["paths"].setdefault(name, []).extend(parse_hist(tail))
        elif kind == "BENCH-END":
            out["end"] = True
    # The guest's own summary must agree with the histogram it printed.
    for name, summary in summaries.items():
        if name not in out["paths"]:
            raise BenchError("path %s: summary but no histogram" % name)
        s = stats(out["paths"][name])
        for key in ("n", "min", "median", "p99", "max"):
            if summary.get(key) != s[key]:
                raise BenchError("path %s: guest says %s=%s, its histogram gives %s" %
                                 (name, key, summary.get(key), s[key]))
    return out


# --------------------------------------------------------------------------
# Deterministic rows

def run_config(args, config, run, initrds):
    cid, cpu, vhe, manifest, _ = config
    log = os.path.join(args.out, "logs", "run%d-%s.log" % (run, cid))
    # Two pCPUs: the remote stub domain's (bench.dtsi); the guest and the rest are on pCPU 0.
    argv = machine(cpu, 2, icount=True) + ["-kernel", args.image("elvisor.bin"),
                                           "-append", "", "-initrd", initrds[manifest]]
    stop = re.compile(r"\[bench\] TEST (PASS|FAIL)|elvisor: FATAL")
    lines, _, reason = run_until(argv, stop, BENCH_TIMEOUT, log)
    where = "%s, run %d (log: %s)" % (cid, run, os.path.relpath(log, ROOT))
    want = "elvisor: VHE: %s" % ("yes" if vhe else "no")
    if not any(want in l for l in lines):
        raise BenchError("%s: the console does not say '%s'" % (where, want))
    guest = parse_guest(lines)
    if not guest["end"] or not guest["pass"]:
        raise BenchError("%s: the benchmark guest did not finish and pass (%s)" % (where, reason))
    begin = guest["begin"] or {}
    if begin.get("exact") != "yes":
        raise BenchError("%s: the guest's clock %s is not exact under icount: %s" %
                         (where, begin.get("clock"), guest["clocks"]))
    guest["where"] = where
    return guest


def run_deterministic(args):
    dirs = [os.path.join(args.build, args.toolchain, d) for d in IMAGE_DIRS]
    initrds = {}
    for manifest in sorted({c[3] for c in CONFIGS}):
        name = os.path.splitext(os.path.basename(manifest))[0]
        initrds[manifest] = make_initrd(manifest, os.path.join(args.out, "initrd-%s.cpio" % name),
                                        dirs)
    jobs = [(c, r) for r in range(1, args.runs + 1) for c in CONFIGS]
    results = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = {pool.submit(run_config, args, c, r, initrds): (c[0], r) for c, r in jobs}
        for f in concurrent.futures.as_completed(futures):
            cid, run = futures[f]
            results[(cid, run)] = f.result()
            print("bench: %s run %d done" % (cid, run), flush=True)
    return results


def compare_runs(results, runs):
    """Which (configuration, path) counts differ from run 1's."""
    differences = []
    for cid, *_ in CONFIGS:
        first = results[(cid, 1)]
        for run in range(2, runs + 1):
            other = results[(cid, run)]
            if first["begin"].get("overhead") != other["begin"].get("overhead"):
                differences.append("%s: the clock's overhead differs between run 1 and run %d "
                                   "(%s, %s)" % (cid, run, first["begin"].get("overhead"),
                                                 other["begin"].get("overhead")))
            for path in sorted(set(first["paths"]) | set(other["paths"])):
                a, b = sorted(first["paths"].get(path, [])), sorted(other["paths"].get(path, []))
                if a != b:
                    differences.append("%s %s: run 1 %s, run %d %s" % (
                        cid, path, brief_hist(a), run, brief_hist(b)))
    return differences


def brief_hist(hist, limit=6):
    text = " ".join("%dx%d" % (v, c) if c > 1 else str(v) for v, c in hist[:limit])
    return text + (" ..." if len(hist) > limit else "")


def ratio(a, b):
    return round(a / b, 2) if a is not None and b else None


def mmio_baseline(path):
    """The in-hypervisor MMIO row a path is compared with: same direction."""
    return "mmio-hyp-write" if path.endswith("-write") else "mmio-hyp-read"


def build_rows(results):
    rows = []
    for cid, cpu, vhe, manifest, busy in CONFIGS:
        guest = results[(cid, 1)]
        medians = {p: stats(h)["median"] for p, h in guest["paths"].items()}
        for key, issue_row, label in PATHS:
            row = {"path": key, "issue_row": 6 if busy and issue_row > 1 else issue_row,
                   "label": label, "config": cid, "host": "VHE" if vhe else "non-VHE",
                   "cpu": cpu, "neighbour": busy}
            if key not in guest["paths"]:
                row["status"] = "not built"
                rows.append(row)
                continue
            row.update(stats(guest["paths"][key]))
            row["status"] = "ok"
            row["ratio_hvc"] = ratio(row["median"], medians.get(BASELINE_HVC))
            row["ratio_hyp_mmio"] = ratio(row["median"], medians.get(mmio_baseline(key)))
            row["histogram"] = sorted(guest["paths"][key])
            rows.append(row)
    return rows


def find_row(rows, config, path):
    for r in rows:
        if r["config"] == config and r["path"] == path and r["status"] == "ok":
            return r
    return None


def targets(rows):
    """Issue 7's targets, each with the numbers it was judged on."""
    out = []
    for op in ("read", "write"):
        app, hyp = find_row(rows, "vhe", "mmio-app-" + op), find_row(rows, "vhe", "mmio-hyp-" + op)
        if app and hyp:
            out.append({"target": "EL0-app MMIO %s within 2x the in-hypervisor one (VHE)" % op,
                        "value": "%d / %d = %.2fx" % (app["median"], hyp["median"],
                                                        app["median"] / hyp["median"]),
                        "met": app["median"] <= 2 * hyp["median"]})
    for cid in ("vhe", "nvhe"):
        for kind in ("app", "hyp"):
            r = find_row(rows, cid, "mmio-%s-read" % kind)
            if r:
                out.append({"target": "MMIO read via %s (%s) below Xen's ~600 instructions" % (
                    "an EL0 app" if kind == "app" else "the hypervisor", r["host"]),
                    "value": "%d" % r["median"], "met": r["median"] < XEN["emulated MMIO"][0]})
    for cid in ("vhe", "vhe-busy", "nvhe", "nvhe-busy"):
        for op in ("read", "write"):
            r = find_row(rows, cid, "mmio-app-" + op)
            if r:
                out.append({"target": "zero jitter, app MMIO %s, %s%s" % (
                    op, r["host"], " + busy neighbour" if r["neighbour"] else ""),
                    "value": "max-min %d (p99-min %d, %d of %d samples above the minimum)" % (
                        r["jitter"], r["p99"] - r["min"], r["above_min"], r["n"]),
                    "met": r["jitter"] == 0})
    return out


# --------------------------------------------------------------------------
# Wall-clock rows (emulator time)

def manifest_domain(manifest):
    """(kernel, ramdisk, bootargs, vcpus, memory-mb) of the manifest's first domain."""
    with tempfile.TemporaryDirectory() as tmp:
        dtb = os.path.join(tmp, "m.dtb")
        helper(["dtc", "-I", "dts", "-O", "dtb", "-o", dtb, os.path.join(ROOT, manifest)],
               "dtc %s" % manifest)
        domains = helper(["fdtget", "-l", dtb, "/elvisor"], "fdtget /elvisor").split()
        if not domains:
            raise BenchError("%s: no domain" % manifest)
        node = "/elvisor/" + domains[0]

        def prop(name, kind="s"):
            try:
                return helper(["fdtget", "-t", kind, dtb, node, name], name).strip()
            except BenchError:
                return ""
        return (prop("kernel"), prop("ramdisk"), prop("bootargs"), int(prop("vcpus", "u") or 1),
                int(prop("memory-mb", "u") or 256))


def find_file(name, dirs):
    for d in dirs:
        if name and os.path.isfile(os.path.join(d, name)):
            return os.path.join(d, name)
    return None


def time_to_marker(argv, marker, log):
    lines, stamps, reason = run_until(argv, re.compile(re.escape(marker)), WALL_TIMEOUT, log)
    for line, t in zip(lines, stamps):
        if marker in line:
            return round(t, 2)
    raise BenchError("no %s within %gs (%s; log: %s)" % (marker, WALL_TIMEOUT, reason,
                                                         os.path.relpath(log, ROOT)))


def linux_rows(args, runs):
    names = ("linux-boot-elvisor", "Linux boot to its marker, under elvisor"), \
            ("linux-boot-qemu", "Linux boot to its marker, plain QEMU (no hypervisor)")
    rows = [{"name": n, "label": l, "unit": "s"} for n, l in names]
    if not os.path.isfile(os.path.join(ROOT, LINUX_MANIFEST)):
        return not_built(rows, "%s does not exist yet" % LINUX_MANIFEST)
    dirs = [os.path.join(ROOT, d) for d in ("configs", "build/linux")] + \
        [os.path.join(args.build, args.toolchain, d) for d in IMAGE_DIRS]
    try:
        kernel, ramdisk, bootargs, vcpus, memory = manifest_domain(LINUX_MANIFEST)
        if not find_file(kernel, dirs) and shutil.which("make"):
            helper(["make", "linux"], "make linux")
        kpath, rpath = find_file(kernel, dirs), find_file(ramdisk, dirs)
        if not kpath or (ramdisk and not rpath):
            raise BenchError("%s names %s%s, not found in %s" % (
                LINUX_MANIFEST, kernel, " and " + ramdisk if ramdisk else "", ", ".join(
                    os.path.relpath(d, ROOT) for d in dirs)))
        initrd = make_initrd(LINUX_MANIFEST, os.path.join(args.out, "initrd-linux.cpio"), dirs)
        for run in range(1, runs + 1):
            log = os.path.join(args.out, "logs", "run%d-%%s.log" % run)
            # The same CPUs and the same RAM for Linux; the host needs room for elvisor.
            hyp = machine(CPU_VHE, vcpus, max(512, memory + 256)) + [
                "-kernel", args.image("elvisor.bin"), "-append", "", "-initrd", initrd]
            plain = machine(CPU_VHE, vcpus, memory) + ["-kernel", kpath, "-append", bootargs] + \
                (["-initrd", rpath] if rpath else [])
            rows[0].setdefault("runs", []).append(time_to_marker(hyp, LINUX_MARKER,
                                                                 log % "linux-elvisor"))
            rows[1].setdefault("runs", []).append(time_to_marker(plain, LINUX_MARKER,
                                                                 log % "linux-qemu"))
    except BenchError as e:
        return not_built(rows, "failed: %s" % e, status="failed")
    for r in rows:
        r["status"], r["value"] = "ok", round(sum(r["runs"]) / len(r["runs"]), 2)
    rows[0]["ratio"] = ratio(rows[0]["value"], rows[1]["value"])
    return rows


THROUGHPUT = re.compile(r"BENCH-READ-END bytes=(\d+)")
MKDISK = os.path.join(ROOT, "scripts", "mkdisk.sh")


def app_files(manifest):
    """(file name, sectors) for every app `file` the manifest's first domain names; the
    sector count is its bootargs' bench.vblk.sectors."""
    with tempfile.TemporaryDirectory() as tmp:
        dtb = os.path.join(tmp, "m.dtb")
        helper(["dtc", "-I", "dts", "-O", "dtb", "-o", dtb, os.path.join(ROOT, manifest)],
               "dtc %s" % manifest)
        node = "/elvisor/" + helper(["fdtget", "-l", dtb, "/elvisor"], "fdtget").split()[0]
        bootargs = helper(["fdtget", "-t", "s", dtb, node, "bootargs"], "bootargs")
        m = re.search(r"bench\.vblk\.sectors=(\d+)", bootargs)
        files = []
        for app in helper(["fdtget", "-l", dtb, node], "fdtget").split():
            if "file" in helper(["fdtget", "-p", dtb, node + "/" + app], "fdtget").split():
                files.append(helper(["fdtget", "-t", "s", dtb, node + "/" + app, "file"],
                                    "file").strip())
        return [(f, int(m.group(1)) if m else 2048) for f in files]


def write_disks(manifest, outdir):
    """The disks the manifest's apps read, written by scripts/mkdisk.sh into outdir."""
    for name, sectors in app_files(manifest):
        if not os.path.isfile(MKDISK):
            raise MissingError("scripts/mkdisk.sh (which writes %s) does not exist yet" % name)
        helper(["sh", MKDISK, os.path.join(outdir, name), str(sectors)], "mkdisk.sh %s" % name)
        yield name


def read_seconds(lines, stamps):
    """(bytes, seconds) between BENCH-READ-START and BENCH-READ-END, or None."""
    start = [t for l, t in zip(lines, stamps) if "BENCH-READ-START" in l]
    for line, t in zip(lines, stamps):
        m = THROUGHPUT.search(line)
        if m and start and t > start[0]:
            return int(m.group(1)), t - start[0]
    return None


def virtio_row(args, name, manifest, label, runs):
    row = {"name": name, "label": label, "unit": "MB/s"}
    if not os.path.isfile(os.path.join(ROOT, manifest)):
        return not_built([row], "%s does not exist yet" % manifest)[0]
    dirs = [os.path.join(args.build, args.toolchain, d) for d in IMAGE_DIRS] + \
        [args.out, os.path.join(ROOT, "configs", "bench")]
    try:
        disks = list(write_disks(manifest, args.out))
        initrd = make_initrd(manifest, os.path.join(args.out, "initrd-%s.cpio" % name), dirs)
        packed = helper(["sh", "-c", "cpio -t --quiet < '%s'" % initrd], "cpio -t").split()
        absent = [d for d in disks if d not in packed]
        if absent:
            return not_built([row], "the boot archive lacks %s: scripts/mkinitrd.sh does not "
                             "pack app files yet" % ", ".join(absent))[0]
        for run in range(1, runs + 1):
            log = os.path.join(args.out, "logs", "run%d-%s.log" % (run, name))
            argv = machine(CPU_VHE, 1) + ["-kernel", args.image("elvisor.bin"), "-append", "",
                                          "-initrd", initrd]
            lines, stamps, reason = run_until(
                argv, re.compile(r"BENCH-READ-END|TEST FAIL|elvisor: FATAL"), WALL_TIMEOUT, log)
            measured = read_seconds(lines, stamps)
            if not measured:
                raise BenchError("no BENCH-READ-START/-END pair (%s; log: %s)" % (
                    reason, os.path.relpath(log, ROOT)))
            row.setdefault("runs", []).append(round(measured[0] / measured[1] / 1e6, 1))
    except MissingError as e:
        return not_built([row], str(e))[0]
    except BenchError as e:
        return not_built([row], "failed: %s" % e, status="failed")[0]
    row["status"], row["value"] = "ok", round(sum(row["runs"]) / len(row["runs"]), 1)
    return row


def not_built(rows, why, status="not built"):
    for r in rows:
        r["status"], r["why"] = status, why
    return rows


def run_wallclock(args):
    if args.no_wallclock:
        rows = [{"name": "linux-boot-elvisor", "label": "Linux boot to its marker, under elvisor"},
                {"name": "linux-boot-qemu",
                 "label": "Linux boot to its marker, plain QEMU (no hypervisor)"}]
        rows += [{"name": n, "label": l} for n, _, l in VIRTIO_ROWS]
        return not_built(rows, "--no-wallclock", status="skipped")
    rows = linux_rows(args, args.runs)
    rows += [virtio_row(args, n, m, l, args.runs) for n, m, l in VIRTIO_ROWS]
    return rows


# --------------------------------------------------------------------------
# Environment

def capture(argv):
    try:
        return subprocess.run(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              timeout=30).stdout.decode(errors="replace").strip()
    except (OSError, subprocess.TimeoutExpired):
        return ""


def environment(args):
    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            model = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "")
    except OSError:
        pass
    debian = ""
    if os.path.exists("/etc/debian_version"):
        with open("/etc/debian_version") as f:
            debian = "Debian " + f.read().strip()
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": capture(["git", "describe", "--always", "--dirty"]),
        "commit_hash": capture(["git", "rev-parse", "HEAD"]),
        "machine": "%s, %d host CPUs, %s, %s" % (model or platform.machine(), os.cpu_count() or 0,
                                                 platform.system() + " " + platform.release(),
                                                 debian),
        "qemu": capture([QEMU, "--version"]).splitlines()[0] if capture([QEMU, "--version"])
        else "",
        "toolchain": args.toolchain,
        "method": "QEMU -icount shift=0,sleep=off (1 instruction = 1 virtual ns), -smp 1, "
                  "TCG single-threaded; counts are instructions, all exception levels",
    }


# --------------------------------------------------------------------------
# Reports: the console table, Markdown, chart

def fmt(v):
    if v is None:
        return "-"
    if isinstance(v, float):
        return "%.2f" % v
    return str(v)


def table_lines(rows):
    head = ("path", "host", "neighbour", "n", "min", "median", "p99", "max", "jitter",
            "x hvc", "x hyp-mmio")
    out = [head]
    for r in rows:
        nb = "busy" if r["neighbour"] else "-"
        if r["status"] != "ok":
            out.append((r["path"], r["host"], nb, "not built", "", "", "", "", "", "", ""))
            continue
        out.append((r["path"], r["host"], nb, r["n"], r["min"], r["median"], r["p99"], r["max"],
                    r["jitter"], fmt(r["ratio_hvc"]), fmt(r["ratio_hyp_mmio"])))
    widths = [max(len(str(row[i])) for row in out) for i in range(len(head))]
    return ["  ".join(str(c).rjust(w) if i >= 3 else str(c).ljust(w)
                      for i, (c, w) in enumerate(zip(row, widths))).rstrip() for row in out]


def print_report(data):
    print()
    print("Round trips in instructions (QEMU icount; %s):" % data["env"]["commit"])
    for line in table_lines(data["rows"]):
        print("  " + line)
    print()
    print("Wall clock (emulator time, plain TCG):")
    for w in data["wallclock"]:
        print("  %-20s %s" % (w["name"], wall_text(w)))
    print()
    print("Targets:")
    for t in data["targets"]:
        print("  [%s] %s: %s" % ("met" if t["met"] else "NOT MET", t["target"], t["value"]))
    print()
    if data["determinism"]["identical"]:
        print("Determinism: the counts of all %d runs are identical." % data["runs"])
    else:
        print("Determinism: counts DIFFER between runs:")
        for d in data["determinism"]["differences"]:
            print("  " + d)


def wall_text(w):
    if w["status"] != "ok":
        return "%s (%s)" % (w["status"], w["why"])
    runs = ", ".join(fmt(v) for v in w["runs"])
    text = "%s %s (runs: %s)" % (fmt(w["value"]), w["unit"], runs)
    if w.get("ratio"):
        text += ", %.2fx plain QEMU" % w["ratio"]
    return text


def md_row(cells):
    return "| " + " | ".join(str(c) for c in cells) + " |"


def markdown(data):
    env, rows = data["env"], data["rows"]
    vhe = {r["path"]: r for r in rows if r["config"] == "vhe" and r["status"] == "ok"}
    out = ["# elvisor benchmarks", "",
           "Generated by `make bench` (`scripts/bench.py`) from `build/bench/results.json`: "
           "do not edit by hand.", "",
           "- commit: `%s` (%s)" % (env["commit"], env["commit_hash"]),
           "- date: %s" % env["date"],
           "- machine: %s" % env["machine"],
           "- emulator: %s" % env["qemu"],
           "- toolchain: %s; method: %s" % (env["toolchain"], env["method"]),
           "- clock in the guest: %s" % data["clock"], ""]
    if "mmio-app-read" in vhe and "mmio-hyp-read" in vhe:
        out += ["**Headline.** " + headline(data), ""]
    out += ["![round trips](benchmarks.png)", "",
            "## Round trips, in instructions", "",
            "Each sample is one guest-visible round trip: the guest reads its clock, does the "
            "operation, reads the clock again; the empty measurement (the clock's own cost, "
            "`overhead` below) is subtracted. Under `-icount shift=0` one instruction is one "
            "virtual nanosecond at every exception level, so these are also virtual times. "
            "Percentiles are nearest-rank; jitter is max - min; `x hvc` and `x hyp-mmio` are "
            "the median over the null HVC's and over the in-hypervisor MMIO access's of the "
            "same configuration (the same direction for MMIO rows, the read otherwise). "
            "Issue rows: 1 null hypercall, 2 in-hypervisor MMIO, 3 app MMIO, 4 app service "
            "call, 5 stub domain, 6 = 2-5 with a CPU-bound domain on the same pCPU.", ""]
    out.append(md_row(("row", "path", "host", "neighbour", "n", "min", "median", "p99", "max",
                       "jitter", "mean", "x hvc", "x hyp-mmio")))
    out.append(md_row(["---"] * 13))
    for r in rows:
        nb = "busy" if r["neighbour"] else "-"
        if r["status"] != "ok":
            out.append(md_row((r["issue_row"], r["label"], r["host"], nb, "not built",
                               "", "", "", "", "", "", "", "")))
            continue
        out.append(md_row((r["issue_row"], r["label"], r["host"], nb, r["n"], r["min"],
                           r["median"], r["p99"], r["max"], r["jitter"], fmt(r["mean"]),
                           fmt(r["ratio_hvc"]), fmt(r["ratio_hyp_mmio"]))))
    out += ["", "Distributions (value x count) of the rows whose samples are not all equal, "
            "and by how much the others exceed the minimum:", ""]
    for r in rows:
        if r["status"] == "ok" and r["distinct"] > 1:
            excess = sorted({v - r["min"] for v, _ in r["histogram"] if v > r["min"]})
            out.append("- %s, %s%s: %s (+%s)" % (
                r["path"], r["host"], " + busy neighbour" if r["neighbour"] else "",
                brief_hist(r["histogram"], 10), ", +".join(str(e) for e in excess[:6])))
    out += ["", "Samples above the minimum are round trips that something else landed in: "
            "a timer interrupt of the hypervisor (the scheduler's time-slice end, every "
            "4 ms even for a lone vCPU) taken when the hypervisor next unmasks interrupts, "
            "and with the busy neighbour the neighbour's whole time slice. Not arming the "
            "slice for a lone vCPU would remove the former (tried this session): under "
            "QEMU's single-threaded round robin a pCPU without a timer deadline then keeps "
            "the other pCPU from ever running its IPIs (the remote stub-domain rows with the "
            "busy neighbour stalled), so zero jitter needs a tickless scheduler that still "
            "bounds that, or MTTCG/hardware to measure on.", ""]
    out += determinism_md(data) + targets_md(data) + wallclock_md(data) + xen_md(data)
    out += method_md()
    return "\n".join(out) + "\n"


def headline(data):
    vhe = {r["path"]: r for r in data["rows"] if r["config"] == "vhe" and r["status"] == "ok"}
    a, h, n = vhe["mmio-app-read"], vhe["mmio-hyp-read"], vhe.get("hvc-null")
    text = ("on a VHE host an MMIO read served by an EL0 app costs %d instructions round trip, "
            "%.2fx the same read handled inside the hypervisor (%d)" %
            (a["median"], a["median"] / h["median"], h["median"]))
    if n:
        text += " and %.2fx a null hypercall (%d)" % (a["median"] / n["median"], n["median"])
    return text[0].upper() + text[1:] + "; Xen 4.17's in-hypervisor MMIO emulation is about 600."


def determinism_md(data):
    d = data["determinism"]
    out = ["## Determinism", ""]
    if d["identical"]:
        out.append("Every configuration ran %d times; every sample's count was identical "
                   "between the runs." % data["runs"])
    else:
        out.append("Every configuration ran %d times; these counts differed:" % data["runs"])
        out += [""] + ["- " + x for x in d["differences"]]
    return out + [""]


def targets_md(data):
    out = ["## Targets (issue 7)", "", md_row(("target", "measured (medians)", "met")),
           md_row(("---", "---", "---"))]
    for t in data["targets"]:
        out.append(md_row((t["target"], t["value"], "yes" if t["met"] else "**no**")))
    return out + [""]


def wallclock_md(data):
    out = ["## Wall clock (emulator time)", "",
           "Plain multi-threaded TCG without icount, on the machine above: these are emulator "
           "times, not hardware times, and vary with the host's load.", "",
           md_row(("row", "result", "runs")), md_row(("---", "---", "---"))]
    for w in data["wallclock"]:
        if w["status"] != "ok":
            out.append(md_row((w["label"], "%s: %s" % (w["status"], w["why"]), "")))
            continue
        value = "%s %s" % (fmt(w["value"]), w["unit"])
        if w.get("ratio"):
            value += " (%.2fx plain QEMU)" % w["ratio"]
        out.append(md_row((w["label"], value, ", ".join(fmt(v) for v in w["runs"]))))
    return out + [""]


def xen_md(data):
    vhe = {r["path"]: r for r in data["rows"] if r["config"] == "vhe" and r["status"] == "ok"}
    nvhe = {r["path"]: r for r in data["rows"] if r["config"] == "nvhe" and r["status"] == "ok"}

    def pair(path):
        if path not in vhe:
            return "not built"
        return "%d (VHE), %d (non-VHE)" % (vhe[path]["median"], nvhe[path]["median"]) \
            if path in nvhe else "%d (VHE)" % vhe[path]["median"]
    out = ["## Reference: Xen 4.17 (issue 7's numbers)", "",
           md_row(("path", "Xen 4.17", "elvisor (median)")), md_row(("---", "---", "---")),
           md_row(("hypercall", "370-420", "null HVC: " + pair("hvc-null"))),
           md_row(("emulated MMIO", "600-620", "in the hypervisor: %s; in an EL0 app: %s" % (
               pair("mmio-hyp-read"), pair("mmio-app-read")))),
           md_row(("event-channel round trip, two domains, one CPU", "~11,800",
                   "stub domain, same pCPU: " + pair("mmio-stub-read")))]
    return out + [""]


def method_md():
    return ["## How it is measured", "",
            "- `guests/bench.c` reads an exact instruction clock: the PMU's instruction counter "
            "(event 0x08, with NSH so that EL2 counts) if the hypervisor gives the guest the "
            "PMU, else the virtual counter: it ticks every 16 instructions, and 16 reads at "
            "16 consecutive instructions sum to the exact instruction index of the first "
            "(Hermite's identity). Before measuring, 64 NOPs must measure exactly 64 more "
            "than the empty measurement, every time.",
            "- Devices: the hypervisor's test device (`hyp/core/testdev.c`, manifest "
            "`bench-device;`) and the app `apps/bench-app` have the same scratch-register "
            "semantics; the app also answers SMCCC calls 0xc3000000..0xc300000f at once.",
            "- Manifests: `configs/bench/bench.dts` (alone on pCPU 0) and `bench-busy.dts` (a "
            "CPU-bound domain on the same pCPU, equal weight, 2000 samples a path). VHE is "
            "`-cpu max`, non-VHE `-cpu cortex-a57`. QEMU runs with `-smp 2`: pCPU 1 hosts "
            "only the remote stub domain; under icount QEMU's counters count the "
            "instructions of every emulated CPU, which matters only for the remote rows.",
            "- Stub domains (`bench-stub` on pCPU 0, `bench-stubr` on pCPU 1) run the same "
            "source as the bench app (`bench-app-stub.bin`, docs/stubdom.md). A same-pCPU "
            "round trip is two vCPU switches (guest to stub domain and back) plus the ring; "
            "on another pCPU, two wake-ups by IPI. With the busy neighbour on the guest's "
            "pCPU, the remote round trip mostly waits for a 4 ms scheduler slice. Measured: "
            "the stub domain's completions come exactly one slice apart, because under "
            "QEMU's single-threaded round robin (icount) the IPI that wakes the stub's pCPU "
            "takes effect only when the sending pCPU, which goes on running the neighbour, "
            "reaches its next timer deadline (the slice end); a pCPU that never halts and has "
            "no deadline would starve the other forever, which is why the scheduler keeps "
            "its tick even for a lone vCPU. Real hardware delivers the IPI at once; on the "
            "same pCPU the stub domain's wake-up preempts at once.",
            "- The Linux rows need `configs/linux.dts` and its files "
            "(its console must print `%s`, timed from QEMU's start on the host). The "
            "virtio-blk rows boot `configs/bench/virtio-blk-app.dts` and "
            "`virtio-blk-stub.dts`: the benchmark guest with `bench.vblk.base` reads a disk "
            "written by `scripts/mkdisk.sh` sequentially in 64 KiB requests, printing "
            "`BENCH-READ-START` and `BENCH-READ-END bytes=N`; the host times the interval "
            "between the two lines." % LINUX_MARKER,
            "- Reproduce: `make bench` (about 20 s on 2 host CPUs, plus the wall-clock rows); `scripts/bench.py --report-only` "
            "rewrites this page and the chart from `build/bench/results.json`.", ""]


CHART_SERIES = [("vhe", "VHE"), ("vhe-busy", "VHE + busy neighbour"),
                ("nvhe", "non-VHE"), ("nvhe-busy", "non-VHE + busy neighbour")]


def chart(data, out_png):
    """Medians of every measured path, side by side per configuration (gnuplot)."""
    gnuplot = shutil.which("gnuplot")
    if not gnuplot:
        raise BenchError("gnuplot not found (Debian package gnuplot-nox; scripts/deps.sh "
                         "installs it)")
    by = {(r["config"], r["path"]): r for r in data["rows"] if r["status"] == "ok"}
    paths = [p for p in PATH_KEYS if any((c, p) in by for c, _ in CHART_SERIES)]
    with tempfile.TemporaryDirectory() as tmp:
        dat = os.path.join(tmp, "medians.dat")
        with open(dat, "w") as f:
            for p in paths:
                f.write('"%s" %s\n' % (p, " ".join(
                    str(by[(c, p)]["median"]) if (c, p) in by else "NaN"
                    for c, _ in CHART_SERIES)))
        plots = ["'%s' using %d:xtic(1) title '%s'" % (dat if i == 0 else "", i + 2, title)
                 for i, (_, title) in enumerate(CHART_SERIES)]
        plots += ["%d with lines dt 2 lw 2 lc rgb '#555555' title 'Xen 4.17 hypercall (~%d)'" %
                  (sum(XEN["hypercall"]) // 2, sum(XEN["hypercall"]) // 2),
                  "%d with lines dt 3 lw 2 lc rgb '#aa0000' title 'Xen 4.17 emulated MMIO "
                  "(~%d)'" % (sum(XEN["emulated MMIO"]) // 2, sum(XEN["emulated MMIO"]) // 2)]
        script = "\n".join([
            "set terminal pngcairo noenhanced size 1100,600 font 'sans,10'",
            "set output '%s'" % out_png,
            "set title 'elvisor round trips, median instructions (QEMU icount, %s)'" %
            data["env"]["commit"],
            "set style data histogram",
            "set style histogram clustered gap 1",
            "set style fill solid 0.85 border -1",
            "set ylabel 'instructions per round trip'",
            "set yrange [0:*]",
            "set grid ytics",
            "set key top left",
            "set xtics rotate by -25 nomirror",
            "plot " + ", \\\n  ".join(plots), ""])
        p = subprocess.run([gnuplot], input=script.encode(), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
        if p.returncode != 0 or not os.path.exists(out_png):
            raise BenchError("gnuplot failed: %s" % p.stderr.decode(errors="replace").strip())


def write_reports(data, args):
    md_path = os.path.join(args.docs, "benchmarks.md")
    with open(md_path, "w", encoding="utf-8") as f:
        f.write(markdown(data))
    png = os.path.join(args.out, "chart.png")
    chart(data, png)
    shutil.copyfile(png, os.path.join(args.docs, "benchmarks.png"))
    print("bench: wrote %s, %s, %s and %s" % tuple(os.path.relpath(p, ROOT) for p in (
        os.path.join(args.out, "results.json"), md_path, png,
        os.path.join(args.docs, "benchmarks.png"))))


# --------------------------------------------------------------------------

def preflight(args):
    missing = [n for n in NEEDED_IMAGES if not os.path.isfile(args.image(n))]
    if missing:
        raise MissingError("not built: %s (run `make` first)" % ", ".join(
            os.path.relpath(args.image(n), ROOT) for n in missing))
    for tool, pkg in ((QEMU, "qemu-system-arm"), ("dtc", "device-tree-compiler"),
                      ("fdtget", "device-tree-compiler"), ("cpio", "cpio"),
                      ("gnuplot", "gnuplot-nox")):
        if not shutil.which(tool):
            raise MissingError("%s not found (Debian package %s; scripts/deps.sh installs it)" %
                             (tool, pkg))


def parse_args(argv):
    p = argparse.ArgumentParser(description="elvisor's benchmark (make bench)")
    p.add_argument("--runs", type=int, default=2, help="runs per configuration (default 2)")
    p.add_argument("-j", "--jobs", type=int, default=2, help="QEMUs at a time (default 2)")
    p.add_argument("--toolchain", default="gcc")
    p.add_argument("--build-dir", default=os.path.join(ROOT, "build"))
    p.add_argument("--docs", default=os.path.join(ROOT, "docs"))
    p.add_argument("--no-wallclock", action="store_true", help="skip the wall-clock rows")
    p.add_argument("--report-only", action="store_true",
                   help="rewrite the Markdown and chart from build/bench/results.json")
    args = p.parse_args(argv)
    if args.runs < 1 or args.jobs < 1:
        p.error("--runs and --jobs must be at least 1")
    args.build = os.path.abspath(args.build_dir)
    args.out = os.path.join(args.build, "bench")
    args.image = lambda name: os.path.join(args.build, args.toolchain, name)
    return args


def interrupted(signum, frame):
    with _procs_lock:
        for proc in list(_procs):
            kill_group(proc)
    sys.exit(130)


def main(argv):
    args = parse_args(argv)
    json_path = os.path.join(args.out, "results.json")
    try:
        if args.report_only:
            with open(json_path, encoding="utf-8") as f:
                data = json.load(f)
            write_reports(data, args)
            print_report(data)
            return 0
        preflight(args)
        os.makedirs(os.path.join(args.out, "logs"), exist_ok=True)
        signal.signal(signal.SIGINT, interrupted)
        signal.signal(signal.SIGTERM, interrupted)
        started = time.monotonic()
        results = run_deterministic(args)
        differences = compare_runs(results, args.runs)
        rows = build_rows(results)
        wall = run_wallclock(args)
        clock = results[("vhe", 1)]["begin"]
        data = {"schema": 1, "env": environment(args), "runs": args.runs,
                "clock": "%s (overhead %s instructions, subtracted)" % (clock.get("clock"),
                                                                       clock.get("overhead")),
                "rows": rows, "wallclock": wall, "targets": targets(rows),
                "determinism": {"identical": not differences, "differences": differences},
                "seconds": round(time.monotonic() - started, 1)}
        with open(json_path, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=1)
        write_reports(data, args)
        print_report(data)
        return 0 if not differences else 1
    except MissingError as e:
        print("bench: error: %s" % e, file=sys.stderr)
        return 2
    except BenchError as e:
        print("bench: error: %s" % e, file=sys.stderr)
        return 1
    except (OSError, ValueError) as e:
        print("bench: error: %s" % e, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
