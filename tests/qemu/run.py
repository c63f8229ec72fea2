#!/usr/bin/env python3
"""elvisor on-target test runner: boots the hypervisor in QEMU once per test.

Usage (from anywhere; paths are relative to the repository root):

    tests/qemu/run.py [--toolchains gcc,clang] [--filter SUBSTR] [-j N]
                      [--list] [-v] [--unit BINARY ...]

Each scenario file tests/qemu/scenarios/*.scn expands into one test per
machine configuration and toolchain, named
<scenario>/<tc>/<cpu>/gicv<g>/smp<n>.  Each --unit binary is run too, and
every "PASS name" / "FAIL name: why" line it prints counts as one test.
One line is printed per test as it finishes; the last line is exactly
"N passed, M failed"; the exit status is 0 iff M == 0 and N > 0.
Console logs (with the QEMU command line) go to build/test-logs/<name>.log.

Scenario syntax, in short (tests/qemu/README.md has the full reference):

    # comment                      (whole lines only)
    name: boot                     (default: file name without .scn)
    matrix: cpu=max,cortex-a57 gic=3,2 smp=1,4   (repeatable: union of
                                   cartesian products; vars tc cpu gic smp mem)
    map: vhe cpu max=yes cortex-a57=no   (derived variable {vhe} from {cpu};
                                   "*=value" is the fallback)
    bootargs: elvisor.test=boot
    initrd: cpio manifest.dtb:517 apps/uart.elf:4096   (generated files)
    initrd: garbage 4096 | initrd: file path/from/repo/root
    initrd: manifest configs/tests/x.dts   (scripts/mkinitrd.sh with the
                                   guest images of build/<tc>/guests)
    boot: kernel                   (default: -kernel/-append/-initrd)
    boot: shim DTB                 (DTB = qemu none bad-magic truncated
                                   no-memory gic-v5; see README)
    expect: text    expect-re: regex    (anywhere in the console output)
    then: text      then-re: regex      (on a later line than the previous
                                        expect/then matched)
    forbid: text    forbid-re: regex
    exit: 0 | nonzero | N          (timeout never satisfies "nonzero")
    timeout: 30                    (seconds)
    send-after: TEXT => BYTES      (type BYTES at the console once the output
                                   shows TEXT, after the previous send's TEXT;
                                   escapes \\r \\n \\t \\\\ \\xHH)

Values may use {var}: tc cpu gic smp mem, map names, and initrd_size /
initrd_files when the scenario has an initrd.  "{{" and "}}" are braces.
A value wrapped in double quotes keeps its leading/trailing spaces.
"""

import argparse
import concurrent.futures
import itertools
import os
import re
import shlex
import shutil
import signal
import struct
import subprocess
import sys
import threading
import time
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCENARIO_DIR = os.path.join(ROOT, "tests", "qemu", "scenarios")
SHIM_SOURCE = os.path.join(ROOT, "tests", "qemu", "bootshim.S")
MKINITRD = os.path.join(ROOT, "scripts", "mkinitrd.sh")
CROSS = "aarch64-linux-gnu-"

RAM_BASE = 0x40000000
MiB = 1 << 20

DEFAULTS = {"cpu": "max", "gic": "3", "smp": "1", "mem": "512"}
MATRIX_VARS = ("tc", "cpu", "gic", "smp", "mem")
INITRD_VARS = ("initrd_size", "initrd_files")
DTB_VARIANTS = ("qemu", "none", "bad-magic", "truncated", "no-memory", "gic-v5")
CHECK_KEYS = ("expect", "expect-re", "then", "then-re", "forbid", "forbid-re")
KEYS = ("name", "description", "matrix", "map", "bootargs", "initrd", "boot",
        "exit", "timeout", "tcg", "icount", "send-after") + CHECK_KEYS
DEFAULT_TIMEOUT = 30.0


def repo_path(path):
    """path relative to the repository root when inside it, else absolute."""
    rel = os.path.relpath(path, ROOT)
    return os.path.abspath(path) if rel.startswith("..") else rel


class ScenarioError(Exception):
    """A scenario file that cannot be understood."""


class SetupError(Exception):
    """A test whose inputs (initrd, DTB, shim) could not be prepared."""


# --------------------------------------------------------------------------
# Scenario files


class Scenario:
    def __init__(self, path):
        self.path = path
        self.name = os.path.splitext(os.path.basename(path))[0]
        self.matrices = []      # list of {var: [values]}
        self.maps = {}          # name -> (source var, {value: result})
        self.bootargs = ""
        self.initrd = None      # ("cpio", [(name, size)]) / ("garbage", n) / ("file", p)
                                # / ("manifest", p)
        self.boot = ("kernel", None)
        self.checks = []        # (key, pattern, line number)
        self.exit = "0"
        self.timeout = DEFAULT_TIMEOUT
        self.tcg = "multi"      # QEMU's TCG threading: multi or single
        self.icount = False     # -icount shift=0,sleep=off: time = instructions
        self.sends = []         # (trigger text, bytes to type, line number), in order


def strip_quotes(value):
    if len(value) >= 2 and value[0] == '"' and value[-1] == '"':
        return value[1:-1]
    return value


def parse_scenario(path):
    scn = Scenario(path)
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    for lineno, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition(":")
        key = key.strip().lower()
        value = strip_quotes(value.strip())
        where = "line %d" % lineno
        if not sep or key not in KEYS:
            raise ScenarioError("%s: expected 'key: value' with key one of %s"
                                % (where, ", ".join(KEYS)))
        try:
            parse_line(scn, key, value, lineno)
        except ScenarioError as e:
            raise ScenarioError("%s: %s" % (where, e)) from None
    validate_scenario(scn)
    return scn


def parse_line(scn, key, value, lineno):
    if key == "name":
        if not re.fullmatch(r"[A-Za-z0-9_.+-]+", value):
            raise ScenarioError("name must be letters, digits and _.+-")
        scn.name = value
    elif key == "description":
        pass
    elif key == "matrix":
        scn.matrices.append(parse_matrix(value))
    elif key == "map":
        words = value.split()
        if len(words) < 3 or "=" in words[0] or "=" in words[1]:
            raise ScenarioError("map: NAME VAR VALUE=RESULT ...")
        name, var = words[0], words[1]
        if var not in MATRIX_VARS:
            raise ScenarioError("map source must be one of %s" % ", ".join(MATRIX_VARS))
        if name in MATRIX_VARS or name in INITRD_VARS or name in scn.maps:
            raise ScenarioError("map name %r is already a variable" % name)
        table = {}
        for word in words[2:]:
            k, eq, v = word.partition("=")
            if not eq:
                raise ScenarioError("map entry %r is not VALUE=RESULT" % word)
            table[k] = v
        scn.maps[name] = (var, table)
    elif key == "bootargs":
        scn.bootargs = value
    elif key == "initrd":
        scn.initrd = parse_initrd(value)
    elif key == "boot":
        words = value.split()
        if words == ["kernel"]:
            scn.boot = ("kernel", None)
        elif len(words) == 2 and words[0] == "shim" and words[1] in DTB_VARIANTS:
            scn.boot = ("shim", words[1])
        else:
            raise ScenarioError("boot: 'kernel' or 'shim DTB' with DTB one of %s"
                                % ", ".join(DTB_VARIANTS))
    elif key == "exit":
        if value != "nonzero" and not (value.isdigit() and int(value) <= 255):
            raise ScenarioError("exit: a status 0..255 or 'nonzero'")
        scn.exit = value
    elif key == "icount":
        if value not in ("yes", "no"):
            raise ScenarioError("icount: 'yes' (virtual time counts instructions) or 'no'")
        scn.icount = value == "yes"
    elif key == "tcg":
        if value not in ("multi", "single"):
            raise ScenarioError("tcg: 'multi' (a host thread per vCPU) or 'single'")
        scn.tcg = value
    elif key == "send-after":
        scn.sends.append(parse_send(value, lineno))
    elif key == "timeout":
        try:
            scn.timeout = float(value)
        except ValueError:
            raise ScenarioError("timeout: a number of seconds") from None
        if scn.timeout <= 0:
            raise ScenarioError("timeout must be positive")
    else:
        if not value:
            raise ScenarioError("%s: empty pattern" % key)
        scn.checks.append((key, value, lineno))


def parse_matrix(value):
    matrix = {}
    for word in value.split():
        var, eq, values = word.partition("=")
        if not eq or var not in MATRIX_VARS:
            raise ScenarioError("matrix: VAR=V1,V2 ... with VAR one of %s"
                                % ", ".join(MATRIX_VARS))
        if var in matrix:
            raise ScenarioError("matrix: %s given twice" % var)
        vals = [v for v in values.split(",") if v]
        if not vals:
            raise ScenarioError("matrix: %s has no values" % var)
        for v in vals:
            if not re.fullmatch(r"[A-Za-z0-9_.-]+", v):
                raise ScenarioError("matrix: bad value %r" % v)
        if var in ("gic",) and any(v not in ("2", "3") for v in vals):
            raise ScenarioError("matrix: gic is 2 or 3")
        if var in ("smp", "mem") and any(not v.isdigit() or int(v) == 0 for v in vals):
            raise ScenarioError("matrix: %s must be a positive number" % var)
        matrix[var] = vals
    return matrix


SEND_USAGE = "send-after: TEXT => BYTES (BYTES may use \\r \\n \\t \\\\ \\xHH)"
SIMPLE_ESCAPES = {"r": "\r", "n": "\n", "t": "\t", "\\": "\\"}


def decode_escapes(text):
    """The bytes a send-after value stands for: \\r \\n \\t \\\\ and \\xHH."""
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        nxt = text[i + 1:i + 2]
        if nxt in SIMPLE_ESCAPES:
            out.append(SIMPLE_ESCAPES[nxt])
            i += 2
        elif nxt == "x" and re.fullmatch(r"[0-9A-Fa-f]{2}", text[i + 2:i + 4]):
            out.append(chr(int(text[i + 2:i + 4], 16)))
            i += 4
        else:
            raise ScenarioError("unknown escape %r in %r" % (text[i:i + 4], text))
    return "".join(out).encode("latin-1")


def parse_send(value, lineno):
    trigger, sep, text = value.partition("=>")
    trigger, text = trigger.strip(), text.strip()
    if not sep or not trigger or not text:
        raise ScenarioError(SEND_USAGE)
    try:
        data = decode_escapes(text)
    except UnicodeEncodeError:
        raise ScenarioError("send-after: only ASCII/Latin-1 characters can be typed") from None
    return (trigger, data, lineno)


INITRD_USAGE = "initrd: cpio NAME:SIZE ... | garbage SIZE | file PATH | manifest PATH.dts"


def parse_initrd(value):
    words = value.split()
    if not words:
        raise ScenarioError(INITRD_USAGE)
    kind = words[0]
    if kind == "cpio" and len(words) > 1:
        files = []
        for word in words[1:]:
            name, colon, size = word.rpartition(":")
            if (not colon or not size.isdigit() or not name or name.startswith("/")
                    or ".." in name.split("/")):
                raise ScenarioError("initrd: cpio file %r is not NAME:SIZE" % word)
            files.append((name, int(size)))
        return ("cpio", files)
    if kind == "garbage" and len(words) == 2 and words[1].isdigit() and int(words[1]) > 0:
        return ("garbage", int(words[1]))
    if kind in ("file", "manifest") and len(words) == 2:
        return (kind, words[1])
    raise ScenarioError(INITRD_USAGE)


VAR_RE = re.compile(r"\{\{|\}\}|\{([A-Za-z_]\w*)\}")


def variables_used(text):
    return [m.group(1) for m in VAR_RE.finditer(text) if m.group(1)]


def substitute(text, env, regex=False):
    def repl(m):
        if m.group(0) == "{{":
            return "\\{" if regex else "{"
        if m.group(0) == "}}":
            return "\\}" if regex else "}"
        value = str(env[m.group(1)])
        return re.escape(value) if regex else value
    return VAR_RE.sub(repl, text)


def validate_scenario(scn):
    known = set(MATRIX_VARS) | set(scn.maps)
    if scn.initrd:
        known |= set(INITRD_VARS)
    texts = ([scn.bootargs] + [pattern for _, pattern, _ in scn.checks] +
             [trigger for trigger, _, _ in scn.sends])
    for text in texts:
        for var in variables_used(text):
            if var not in known:
                raise ScenarioError("unknown variable {%s} in %r" % (var, text))
    for key, pattern, lineno in scn.checks:
        if key.endswith("-re"):
            try:
                re.compile(substitute(pattern, {v: "x" for v in known}, regex=True))
            except re.error as e:
                raise ScenarioError("line %d: bad regex: %s" % (lineno, e)) from None
    if scn.boot[0] == "shim" and scn.boot[1] == "none" and scn.initrd:
        raise ScenarioError("'boot: shim none' with an initrd: nothing would point at it")


# --------------------------------------------------------------------------
# Expanding scenarios into tests


class Test:
    def __init__(self, scn, env):
        self.scn = scn
        self.env = env
        self.name = "%s/%s/%s/gicv%s/smp%s" % (scn.name, env["tc"], env["cpu"],
                                                env["gic"], env["smp"])
        if env["mem"] != DEFAULTS["mem"]:
            self.name += "/mem" + env["mem"]


def expand(scn, toolchains):
    configs = []
    for matrix in scn.matrices or [{}]:
        tcs = [t for t in matrix.get("tc", toolchains) if t in toolchains]
        axes = [matrix.get(v, [DEFAULTS[v]]) for v in ("cpu", "gic", "smp", "mem")]
        for tc in tcs:
            for cpu, gic, smp, mem in itertools.product(*axes):
                env = {"tc": tc, "cpu": cpu, "gic": gic, "smp": smp, "mem": mem}
                if env not in configs:
                    configs.append(env)
    tests = []
    for env in configs:
        for name, (var, table) in scn.maps.items():
            if env[var] in table:
                env[name] = table[env[var]]
            elif "*" in table:
                env[name] = table["*"]
            else:
                raise ScenarioError("map %s has no entry for %s=%s" % (name, var, env[var]))
        tests.append(Test(scn, env))
    return tests


# --------------------------------------------------------------------------
# Running one scenario test


class Context:
    """Settings shared by every test of one run."""

    def __init__(self, args):
        self.qemu = args.qemu
        self.build = args.build_dir
        self.logs = os.path.join(args.build_dir, "test-logs")
        self.work = os.path.join(args.build_dir, "test")
        self.timeout_scale = args.timeout_scale
        self.unit_timeout = args.unit_timeout
        self.verbose = args.verbose
        self.procs = set()
        self.lock = threading.Lock()
        self.stopping = False

    def image(self, tc):
        return os.path.join(self.build, tc, "elvisor.bin")

    def kill_all(self):
        with self.lock:
            self.stopping = True
            procs = list(self.procs)
        for proc in procs:
            kill_group(proc)


class Result:
    def __init__(self, name, ok, reason="", seconds=None, log=None, scenario=False):
        self.name = name
        self.ok = ok
        self.reason = reason
        self.seconds = seconds
        self.log = log
        self.scenario = scenario        # -v prints the log of failing scenarios


def kill_group(proc):
    """Stop a process started with start_new_session, and its children."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            return
        try:
            proc.wait(timeout=2)
            return
        except subprocess.TimeoutExpired:
            continue


def run_process(ctx, argv, timeout, cwd=None):
    """Run argv in its own process group, stdin from /dev/null.

    Returns (returncode or None on timeout, stdout bytes, stderr bytes, seconds).
    """
    start = time.monotonic()
    with ctx.lock:
        if ctx.stopping:
            raise KeyboardInterrupt
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, cwd=cwd, start_new_session=True)
        ctx.procs.add(proc)
    try:
        try:
            out, err = proc.communicate(timeout=timeout)
            rc = proc.returncode
        except subprocess.TimeoutExpired:
            kill_group(proc)
            out, err = proc.communicate()
            rc = None
    finally:
        with ctx.lock:
            ctx.procs.discard(proc)
    return rc, out, err, time.monotonic() - start


class Typist:
    """Types each (trigger, data) of a scenario's send-after lines at QEMU's
    console: data once the console output, searched from where the previous
    trigger matched, contains trigger. Fed by a reader thread per stream."""

    def __init__(self, sends):
        self.pending = list(sends)      # [(trigger bytes, data, label)]
        self.out = bytearray()
        self.err = bytearray()
        self.pos = 0                    # where the next trigger's search starts
        self.eof = False
        self.cond = threading.Condition()
        self.done = []                  # (label, seconds) of what was typed

    def pump(self, stream, buf, is_console):
        fd = stream.fileno()
        while True:
            chunk = os.read(fd, 65536)
            with self.cond:
                if not chunk:
                    if is_console:
                        self.eof = True
                    self.cond.notify_all()
                    return
                buf += chunk
                self.cond.notify_all()

    def next_due(self, deadline):
        """Wait for the next trigger; its data, or None (none left, EOF, deadline)."""
        with self.cond:
            while self.pending:
                trigger, data, label = self.pending[0]
                i = self.out.find(trigger, self.pos)
                if i >= 0:
                    self.pos = i + len(trigger)
                    self.pending.pop(0)
                    return data, label
                left = deadline - time.monotonic()
                if self.eof or left <= 0:
                    return None
                self.cond.wait(min(left, 0.5))
            return None

    def type_all(self, stdin, start, deadline):
        while True:
            due = self.next_due(deadline)
            if due is None:
                return
            data, label = due
            try:
                stdin.write(data)
                stdin.flush()
            except (BrokenPipeError, OSError):
                return
            self.done.append((label, time.monotonic() - start))


def run_typing(ctx, argv, timeout, sends, cwd=None):
    """run_process with a console to type at: stdin is a pipe fed by a Typist.

    Returns (rc or None on timeout, stdout, stderr, seconds, typist)."""
    start = time.monotonic()
    typist = Typist(sends)
    with ctx.lock:
        if ctx.stopping:
            raise KeyboardInterrupt
        proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, cwd=cwd, start_new_session=True)
        ctx.procs.add(proc)
    readers = [threading.Thread(target=typist.pump, args=(proc.stdout, typist.out, True)),
               threading.Thread(target=typist.pump, args=(proc.stderr, typist.err, False))]
    for t in readers:
        t.daemon = True
        t.start()
    try:
        typist.type_all(proc.stdin, start, start + timeout)
        try:
            proc.wait(timeout=max(0.0, start + timeout - time.monotonic()))
            rc = proc.returncode
        except subprocess.TimeoutExpired:
            kill_group(proc)
            rc = None
    finally:
        try:
            proc.stdin.close()
        except OSError:
            pass
        for t in readers:
            t.join(timeout=5)
        with ctx.lock:
            ctx.procs.discard(proc)
    with typist.cond:
        out, err = bytes(typist.out), bytes(typist.err)
    return rc, out, err, time.monotonic() - start, typist


def helper(argv, log, cwd=None, stdin=None, binary=False):
    """Run a preparation command (its command line goes to the log); its stdout."""
    log.append("# setup: " + ("(cd %s && %s)" % (shlex.quote(cwd), shlex.join(argv))
                              if cwd else shlex.join(argv)))
    try:
        p = subprocess.run(argv, input=stdin, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, cwd=cwd, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise SetupError("%s: %s" % (argv[0], e)) from None
    if p.returncode != 0:
        msg = (p.stderr or p.stdout).decode(errors="replace").strip().splitlines()
        raise SetupError("%s failed: %s" % (os.path.basename(argv[0]),
                                            msg[-1] if msg else "status %d" % p.returncode))
    return p.stdout if binary else p.stdout.decode(errors="replace")


def file_contents(name, size):
    """Deterministic, human-readable contents for a generated initrd file."""
    unit = ("elvisor test file %s\n" % name).encode()
    return (unit * (size // len(unit) + 1))[:size]


def guests_dir(ctx, tc):
    return os.path.join(ctx.build, tc, "guests")


def count_cpio_members(path):
    """Members of a newc cpio archive, the trailer not counted."""
    with open(path, "rb") as f:
        data = f.read()
    count, off = 0, 0
    while off + 110 <= len(data) and data[off:off + 6] in (b"070701", b"070702"):
        filesize = int(data[off + 54:off + 62], 16)
        namesize = int(data[off + 94:off + 102], 16)
        name = data[off + 110:off + 110 + namesize - 1]
        if name == b"TRAILER!!!":
            return count
        count += 1
        off = align_up(align_up(off + 110 + namesize, 4) + filesize, 4)
    raise SetupError("%s: not a complete newc cpio archive" % path)


def make_initrd(ctx, scn, env, workdir, log):
    kind, arg = scn.initrd
    path = os.path.join(workdir, "initrd.img")
    if kind == "cpio":
        rootdir = os.path.join(workdir, "initrd-root")
        for name, size in arg:
            dest = os.path.join(rootdir, name)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            with open(dest, "wb") as f:
                f.write(file_contents(name, size))
        listing = "".join(name + "\n" for name, _ in arg).encode()
        archive = helper(["cpio", "-o", "-H", "newc"], log, rootdir, listing, binary=True)
        with open(path, "wb") as f:
            f.write(archive)
        files = len(arg)
    elif kind == "manifest":
        # The boot archive of a manifest: manifest.dtb and the guest images
        # (and any other file) it names, found in build/<tc>/guests.
        src = arg if os.path.isabs(arg) else os.path.join(ROOT, arg)
        script = [MKINITRD] if os.access(MKINITRD, os.X_OK) else ["sh", MKINITRD]
        # --missing-ok: a missing image is the hypervisor's to report (and a
        # scenario's to expect), not a setup failure.
        # Then the apps and stub-domain images of the same toolchain and the Linux guest's files
        # (build/linux, made by scripts/linux.sh), where they exist.
        extra = [os.path.join(ctx.build, env["tc"], "apps"),
                 os.path.join(ctx.build, env["tc"], "stubdom"), os.path.join(ctx.build, "linux")]
        helper(script + ["--missing-ok", src, path, guests_dir(ctx, env["tc"])] +
               [d for d in extra if os.path.isdir(d)], log)
        files = count_cpio_members(path)
    elif kind == "garbage":
        pattern = b"elvisor test: this initrd is deliberately not a cpio archive\n"
        with open(path, "wb") as f:
            f.write((pattern * (arg // len(pattern) + 1))[:arg])
        files = 0
    else:
        src = arg if os.path.isabs(arg) else os.path.join(ROOT, arg)
        try:
            shutil.copyfile(src, path)
        except OSError as e:
            raise SetupError("initrd file: %s" % e) from None
        files = 0
    log.append("# initrd: %s (%d bytes)" % (path, os.path.getsize(path)))
    return path, os.path.getsize(path), files


def machine_args(env, extra=""):
    cpu = env["cpu"]
    if cpu == "max":
        cpu = "max,pauth-impdef=on"     # pointer auth emulation is slow otherwise
    return ["-M", "virt,virtualization=on,gic-version=%s%s" % (env["gic"], extra),
            "-cpu", cpu, "-smp", env["smp"], "-m", env["mem"]]


# -nic none: the default NIC of virt needs efi-virtio.rom, which Debian ships
# in ipxe-qemu (not a dependency of qemu-system-arm); the hypervisor needs no NIC.
COMMON_ARGS = ["-display", "none", "-monitor", "none", "-serial", "stdio",
               "-nic", "none", "-semihosting", "-no-reboot"]


def read_image_header(path):
    """(text_offset, image_size, file_size) of an arm64 Image."""
    with open(path, "rb") as f:
        head = f.read(64)
    if len(head) < 64 or head[56:60] != b"ARM\x64":
        raise SetupError("%s is not an arm64 Image (no ARM\\x64 magic)" % path)
    text_offset, image_size = struct.unpack_from("<QQ", head, 8)
    if image_size == 0:                 # pre-3.17 header: offset is 0x80000
        text_offset = 0x80000
    return text_offset, image_size, os.path.getsize(path)


def align_up(x, a):
    return (x + a - 1) & ~(a - 1)


def fdt_root_nodes(dtb, log):
    return helper(["fdtget", "-l", dtb, "/"], log).split()


def make_dtb(ctx, test, workdir, log, variant, bootargs, initrd_addr, initrd_size):
    """Dump QEMU's own DTB for this machine and turn it into the variant."""
    dtb = os.path.join(workdir, "qemu-dumpdtb.dtb")
    helper([ctx.qemu] + machine_args(test.env, ",dumpdtb=" + dtb) +
           ["-display", "none", "-nic", "none"], log)
    out = os.path.join(workdir, "boot-%s.dtb" % variant)
    shutil.copyfile(dtb, out)
    helper(["fdtput", "-t", "s", out, "/chosen", "bootargs", bootargs], log)
    if initrd_addr is not None:
        # QEMU 7.2 writes these as one cell each for an initrd below 4 GiB.
        for prop, value in (("linux,initrd-start", initrd_addr),
                            ("linux,initrd-end", initrd_addr + initrd_size)):
            cells = [value] if value < (1 << 32) else [value >> 32, value & 0xffffffff]
            helper(["fdtput", "-t", "x", out, "/chosen", prop] + ["%x" % c for c in cells], log)
    if variant == "no-memory":
        nodes = [n for n in fdt_root_nodes(out, log) if n == "memory" or n.startswith("memory@")]
        if not nodes:
            raise SetupError("QEMU's DTB has no memory node to delete")
        for node in nodes:
            helper(["fdtput", "-r", out, "/" + node], log)
    elif variant == "gic-v5":
        gics = []
        for node in fdt_root_nodes(out, log):
            p = subprocess.run(["fdtget", "-t", "s", out, "/" + node, "compatible"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            compat = p.stdout.decode(errors="replace").split()
            if any(c in ("arm,gic-v3", "arm,cortex-a15-gic", "arm,gic-400") for c in compat):
                gics.append(node)
        if len(gics) != 1:
            raise SetupError("expected one GIC node in QEMU's DTB, found %s" % (gics or "none"))
        helper(["fdtput", "-t", "s", out, "/" + gics[0], "compatible", "arm,gic-v5"], log)
    elif variant in ("bad-magic", "truncated"):
        with open(out, "rb") as f:
            blob = bytearray(f.read())
        if variant == "bad-magic":
            blob[0:4] = b"\xde\xad\xbe\xef"
            log.append("# setup: DTB magic overwritten with 0xdeadbeef")
        else:
            blob = blob[:len(blob) // 2]
            struct.pack_into(">I", blob, 4, len(blob))
            log.append("# setup: DTB cut to %d bytes, header totalsize set to match" % len(blob))
        with open(out, "wb") as f:
            f.write(blob)
    return out


def shim_boot_args(ctx, test, workdir, log, bootargs, initrd):
    """QEMU arguments that boot the hypervisor through tests/qemu/bootshim.S."""
    env, variant = test.env, test.scn.boot[1]
    image = ctx.image(env["tc"])
    text_offset, image_size, file_size = read_image_header(image)
    ram_end = RAM_BASE + int(env["mem"]) * MiB
    load = RAM_BASE + text_offset
    image_end = load + max(image_size, file_size)
    # Same places as QEMU's -kernel: initrd at RAM + min(RAM/2, 128 MiB) (or
    # after the image), DTB at the next 2 MiB boundary after the initrd.
    initrd_addr = max(RAM_BASE + min(int(env["mem"]) * MiB // 2, 128 * MiB),
                      align_up(image_end, 4096))
    dtb_addr = align_up(initrd_addr + initrd[1], 2 * MiB) if initrd else initrd_addr
    loaders = []
    if variant == "none":
        dtb_addr, dtb_end = 0, initrd_addr
    else:
        dtb = make_dtb(ctx, test, workdir, log, variant, bootargs,
                       initrd_addr if initrd else None, initrd[1] if initrd else 0)
        dtb_end = dtb_addr + os.path.getsize(dtb)
        loaders.append("loader,file=%s,addr=0x%x,force-raw=on" % (dtb, dtb_addr))
    if initrd:
        loaders.append("loader,file=%s,addr=0x%x,force-raw=on" % (initrd[0], initrd_addr))
    shim_addr = ram_end - 0x10000
    stage_addr = (shim_addr - file_size) & ~(2 * MiB - 1)
    if stage_addr < max(dtb_end, image_end):
        raise SetupError("image (%d bytes) too large for the shim layout in %s MiB"
                         % (file_size, env["mem"]))
    obj, elf, shim = (os.path.join(workdir, "bootshim" + ext) for ext in (".o", ".elf", ".bin"))
    helper([CROSS + "as", "--defsym", "DTB_ADDR=0x%x" % dtb_addr,
            "--defsym", "STAGE_ADDR=0x%x" % stage_addr, "--defsym", "LOAD_ADDR=0x%x" % load,
            "--defsym", "IMAGE_SIZE=%d" % file_size, "-o", obj, SHIM_SOURCE], log)
    helper([CROSS + "ld", "-Ttext=0x%x" % shim_addr, "-o", elf, obj], log)
    helper([CROSS + "objcopy", "-O", "binary", elf, shim], log)
    log.append("# shim layout: image staged at 0x%x, runs at 0x%x; DTB at 0x%x; "
               "initrd at %s; shim at 0x%x" % (stage_addr, load, dtb_addr,
                                              "0x%x" % initrd_addr if initrd else "-", shim_addr))
    loaders += ["loader,file=%s,addr=0x%x,force-raw=on" % (image, stage_addr),
                "loader,file=%s,addr=0x%x,force-raw=on" % (shim, shim_addr),
                "loader,addr=0x%x,cpu-num=0" % shim_addr]
    return [a for loader in loaders for a in ("-device", loader)]


def show(text, regex):
    return "/%s/" % text if regex else '"%s"' % text


def check_output(scn, env, lines):
    """Return the list of failed expectations."""
    problems = []
    cursor = -1                         # line index of the previous expect/then match
    for key, pattern, lineno in scn.checks:
        regex = key.endswith("-re")
        text = substitute(pattern, env, regex=regex)
        if regex:
            rx = re.compile(text)
            match = rx.search
        else:
            match = lambda line, text=text: text in line
        if key.startswith("forbid"):
            for line in lines:
                if match(line):
                    problems.append("forbidden %s seen: %s" % (show(text, regex),
                                                                line.strip()[:120]))
                    break
            continue
        start = cursor + 1 if key.startswith("then") else 0
        for i in range(start, len(lines)):
            if match(lines[i]):
                cursor = i
                break
        else:
            problems.append("missing %s%s" % (show(text, regex), " after the previous expectation"
                                              if start > 0 and key.startswith("then") else ""))
    return problems


def check_exit(scn, rc):
    if scn.exit == "nonzero":
        if rc == 0:
            return "exit status 0, expected nonzero"
    elif rc != int(scn.exit):
        return "exit status %d, expected %s" % (rc, scn.exit)
    return None


def describe_rc(rc):
    if rc is None:
        return "timeout"
    if rc < 0:
        try:
            return "killed by %s" % signal.Signals(-rc).name
        except ValueError:
            return "killed by signal %d" % -rc
    return str(rc)


def typed_report(scn, env, typist, problems):
    """Log lines for what was typed; a problem for the first send never made."""
    typed = dict(typist.done)           # line number -> seconds
    lines = []
    for trigger, data, lineno in scn.sends:
        if lineno in typed:
            lines.append("# typed %r at %.2fs (send-after, line %d)"
                         % (data, typed[lineno], lineno))
        else:
            problems.append("send-after (line %d): never saw %s, nothing typed"
                            % (lineno, show(substitute(trigger, env), False)))
            break
    return lines


def run_scenario_test(ctx, test):
    scn = test.scn
    image = ctx.image(test.env["tc"])
    logpath = os.path.join(ctx.logs, test.name + ".log")
    workdir = os.path.join(ctx.work, test.name)
    shutil.rmtree(workdir, ignore_errors=True)
    os.makedirs(workdir, exist_ok=True)
    os.makedirs(os.path.dirname(logpath), exist_ok=True)
    log = ["# test: " + test.name,
           "# scenario: " + repo_path(scn.path),
           "# variables: " + " ".join("%s=%s" % kv for kv in sorted(test.env.items()))]
    timeout = scn.timeout * ctx.timeout_scale
    result = Result(test.name, False, log=logpath, scenario=True)
    try:
        env = dict(test.env)
        initrd = None
        if scn.initrd:
            initrd = make_initrd(ctx, scn, test.env, workdir, log)
            env["initrd_size"], env["initrd_files"] = initrd[1], initrd[2]
        bootargs = substitute(scn.bootargs, env)
        # icount needs single-threaded TCG; it makes guest-visible time
        # independent of how busy the host is.
        tcg = "single" if scn.icount else scn.tcg
        argv = [ctx.qemu, "-accel", "tcg,thread=" + tcg] + machine_args(env) + COMMON_ARGS
        if scn.icount:
            argv += ["-icount", "shift=0,sleep=off"]
        if scn.boot[0] == "kernel":
            argv += ["-kernel", image, "-append", bootargs]
            if initrd:
                argv += ["-initrd", initrd[0]]
        else:
            argv += shim_boot_args(ctx, test, workdir, log, bootargs, initrd)
        log.append("# command: " + shlex.join(argv))
        log.append("# timeout: %gs, expected exit: %s" % (timeout, scn.exit))
        typist = None
        if scn.sends:
            sends = [(substitute(trigger, env).encode(), data, lineno)
                     for trigger, data, lineno in scn.sends]
            rc, out, err, seconds, typist = run_typing(ctx, argv, timeout, sends, cwd=workdir)
        else:
            rc, out, err, seconds = run_process(ctx, argv, timeout, cwd=workdir)
        result.seconds = seconds
        console = out.decode("utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "\n")
        stderr = err.decode("utf-8", errors="replace")
        log += ["# ---- console ----", console.rstrip("\n"),
                "# ---- qemu stderr ----", stderr.rstrip("\n")]
        problems = []
        if typist:
            log += typed_report(scn, env, typist, problems)
        if rc is None:
            problems.append("timeout after %gs" % timeout)
        elif rc < 0:
            problems.append("QEMU %s" % describe_rc(rc))
        else:
            bad_exit = check_exit(scn, rc)
            if bad_exit:
                problems.append(bad_exit)
        problems += check_output(scn, env, console.splitlines() + stderr.splitlines())
        qemu_errors = [l for l in stderr.splitlines()
                       if l.startswith(os.path.basename(ctx.qemu) + ":")
                       and "terminating on signal" not in l]
        if problems and qemu_errors:
            problems.append("QEMU said: " + qemu_errors[0])
        log.append("# ---- result ----")
        log.append("# exit status: %s, %.2fs" % (describe_rc(rc), seconds))
        log += ["# problem: " + p for p in problems]
        log.append("# verdict: " + ("FAIL" if problems else "PASS"))
        result.ok = not problems
        result.reason = "; ".join(problems[:3]) + ("; ..." if len(problems) > 3 else "")
        if rc is None:
            result.reason = result.reason or "timeout"
    except SetupError as e:
        result.reason = "setup: %s" % e
        log += ["# ---- result ----", "# setup failed: %s" % e, "# verdict: FAIL"]
    except KeyboardInterrupt:
        raise
    except Exception as e:             # a runner bug must not hide the other tests
        result.reason = "runner error: %s: %s" % (type(e).__name__, e)
        log += ["# ---- result ----", traceback.format_exc(), "# verdict: FAIL"]
    with open(logpath, "w", encoding="utf-8") as f:
        f.write("\n".join(log) + "\n")
    return [result]


# --------------------------------------------------------------------------
# Host unit test binaries

UNIT_LINE = re.compile(r"^(PASS|FAIL) (\S+?)(?::\s*(.*))?\s*$")


def run_unit_binary(ctx, binary, filters):
    base = os.path.basename(binary)
    name = "unit/" + base
    logpath = os.path.join(ctx.logs, "unit", base + ".log")
    os.makedirs(os.path.dirname(logpath), exist_ok=True)
    selected = lambda n: not filters or any(f in n for f in filters)
    log = ["# unit binary: " + os.path.abspath(binary)]
    results = []
    try:
        rc, out, err, seconds = run_process(ctx, [os.path.abspath(binary)], ctx.unit_timeout)
    except OSError as e:
        rc, out, err, seconds = -999, b"", str(e).encode(), 0.0
    stdout = out.decode("utf-8", errors="replace")
    stderr = err.decode("utf-8", errors="replace")
    log += ["# ---- stdout ----", stdout.rstrip("\n"), "# ---- stderr ----", stderr.rstrip("\n"),
            "# exit status: %s" % ("cannot run" if rc == -999 else describe_rc(rc))]
    fails = seen = 0
    any_selected = False
    for line in stdout.splitlines():
        m = UNIT_LINE.match(line)
        if not m:
            continue
        seen += 1
        if m.group(1) == "FAIL":
            fails += 1
        if not selected(m.group(2)):
            continue
        any_selected = True
        results.append(Result(m.group(2), m.group(1) == "PASS",
                              m.group(3) or "failed", None, logpath))
    problem = None
    if rc == -999:
        problem = "cannot run: %s" % stderr.strip()
    elif rc is None:
        problem = "timeout after %gs" % ctx.unit_timeout
    elif rc < 0:
        problem = "crashed (%s)" % describe_rc(rc)
    elif rc != 0 and fails == 0:
        problem = "exit status %d without a FAIL line" % rc
    elif seen == 0:
        problem = "printed no PASS/FAIL lines"
    if problem and (any_selected or selected(name)):
        results.append(Result(name, False, problem, None, logpath))
    log.append("# verdict: %s" % ("FAIL" if problem else "ok"))
    with open(logpath, "w", encoding="utf-8") as f:
        f.write("\n".join(log) + "\n")
    return results


# --------------------------------------------------------------------------
# Main


def display_path(path):
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def format_result(r):
    if r.ok:
        return "PASS %s" % r.name + (" [%.1fs]" % r.seconds if r.seconds is not None else "")
    line = "FAIL %s: %s" % (r.name, r.reason)
    if r.log:
        line += " (log: %s)" % display_path(r.log)
    return line


def load_scenarios(scenario_dir, toolchains, filters):
    """(tests, errors): selected tests, and Results for unreadable scenario files."""
    tests, errors, names = [], [], {}
    paths = sorted(os.path.join(scenario_dir, f) for f in os.listdir(scenario_dir)
                   if f.endswith(".scn"))
    for path in paths:
        rel = repo_path(path)
        try:
            scn = parse_scenario(path)
            expanded = expand(scn, toolchains)
        except (ScenarioError, OSError, UnicodeDecodeError) as e:
            if not filters or any(f in rel for f in filters):
                errors.append(Result(rel, False, str(e)))
            continue
        if scn.name in names:
            errors.append(Result(rel, False, "scenario name %r already used by %s"
                                 % (scn.name, names[scn.name])))
            continue
        names[scn.name] = rel
        tests += [t for t in expanded if not filters or any(f in t.name for f in filters)]
    return tests, errors


def preflight(ctx, tests, units):
    """Clear errors for missing tools and images, before anything runs."""
    problems = []
    if tests and not (shutil.which(ctx.qemu) or os.access(ctx.qemu, os.X_OK)):
        problems.append("QEMU not found: %s (Debian: apt-get install qemu-system-arm)" % ctx.qemu)
    for tc in sorted({t.env["tc"] for t in tests}):
        image = ctx.image(tc)
        if not os.path.isfile(image):
            problems.append("hypervisor image not found: %s (build it first, e.g. make)"
                            % display_path(image))
        else:
            try:
                read_image_header(image)
            except (SetupError, OSError) as e:
                problems.append(str(e))
    needs = set()
    for t in tests:
        if t.scn.boot[0] == "shim":
            needs |= {"fdtget", "fdtput", CROSS + "as", CROSS + "ld", CROSS + "objcopy"}
        if t.scn.initrd and t.scn.initrd[0] == "cpio":
            needs.add("cpio")
        if t.scn.initrd and t.scn.initrd[0] == "manifest":
            needs |= {"cpio", "dtc", "fdtget"}
    manifest_tcs = sorted({t.env["tc"] for t in tests
                           if t.scn.initrd and t.scn.initrd[0] == "manifest"})
    if manifest_tcs and not os.path.isfile(MKINITRD):
        problems.append("%s not found (it builds the boot archive of a manifest)"
                        % display_path(MKINITRD))
    for tc in manifest_tcs:
        if not os.path.isdir(guests_dir(ctx, tc)):
            problems.append("guest images not found: %s (build them first, e.g. "
                            "make -f guests/guests.mk TOOLCHAIN=%s guests)"
                            % (display_path(guests_dir(ctx, tc)), tc))
    for tool in sorted(needs):
        if not shutil.which(tool):
            problems.append("%s not found (Debian: device-tree-compiler, "
                            "binutils-aarch64-linux-gnu, cpio)" % tool)
    for unit in units:
        if not os.path.isfile(unit):
            problems.append("unit test binary not found: %s" % unit)
    return problems


def parse_args(argv):
    p = argparse.ArgumentParser(
        description="Run elvisor's QEMU scenarios and host unit tests.",
        epilog="Scenario syntax: see the top of this file or tests/qemu/README.md.")
    p.add_argument("--toolchains", default="gcc,clang",
                   help="comma-separated toolchains: images build/<tc>/elvisor.bin (default gcc,clang)")
    p.add_argument("--filter", action="append", default=[], metavar="SUBSTR",
                   help="run only tests whose name contains SUBSTR (repeatable: any of them)")
    p.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1,
                   help="tests run in parallel (default: number of cores)")
    p.add_argument("--list", action="store_true", help="list the selected tests and exit")
    p.add_argument("-k", "--keep-going", action="store_true", default=True,
                   help="run every test whatever fails (always on; accepted for make -k habits)")
    p.add_argument("--unit", action="append", default=[], metavar="BINARY",
                   help="host unit test binary to run (repeatable)")
    p.add_argument("--unit-timeout", type=float, default=300.0, metavar="SECONDS",
                   help="timeout for each unit test binary (default 300)")
    p.add_argument("--timeout-scale", type=float, default=1.0, metavar="FACTOR",
                   help="multiply every scenario timeout (slow machines)")
    p.add_argument("--build-dir", default=os.path.join(ROOT, "build"), metavar="DIR",
                   help="images DIR/<tc>/elvisor.bin, logs DIR/test-logs, scratch DIR/test "
                        "(default: build/ of the repository)")
    p.add_argument("--scenario-dir", default=SCENARIO_DIR, metavar="DIR",
                   help="where the *.scn files are (default tests/qemu/scenarios)")
    p.add_argument("--qemu", default=os.environ.get("QEMU", "qemu-system-aarch64"),
                   help="QEMU binary (default: $QEMU or qemu-system-aarch64)")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="print the console log of every failing scenario")
    args = p.parse_args(argv)
    args.toolchains = [t for t in args.toolchains.split(",") if t]
    if not args.toolchains:
        p.error("--toolchains needs at least one toolchain")
    for tc in args.toolchains:
        if not re.fullmatch(r"[A-Za-z0-9_.-]+", tc):
            p.error("bad toolchain name %r" % tc)
    if args.jobs < 1:
        p.error("-j must be at least 1")
    if args.timeout_scale <= 0:
        p.error("--timeout-scale must be positive")
    args.build_dir = os.path.abspath(args.build_dir)
    return args


def interrupt(signum, frame):
    raise KeyboardInterrupt


def main(argv):
    # QEMU runs in its own session, so a terminal's Ctrl-C or a CI job's
    # SIGTERM reaches only us: turn both into KeyboardInterrupt, which kills
    # every QEMU still running before we exit.
    signal.signal(signal.SIGTERM, interrupt)
    signal.signal(signal.SIGHUP, interrupt)
    args = parse_args(argv)
    if not os.path.isdir(args.scenario_dir):
        print("run.py: error: no scenario directory %s" % args.scenario_dir, file=sys.stderr)
        return 2
    tests, errors = load_scenarios(args.scenario_dir, args.toolchains, args.filter)
    if args.list:
        for t in tests:
            print(t.name)
        for u in args.unit:
            print("unit/%s (binary %s)" % (os.path.basename(u), u))
        for e in errors:
            print("%s: error: %s" % (e.name, e.reason), file=sys.stderr)
        return 1 if errors else 0
    ctx = Context(args)
    problems = preflight(ctx, tests, args.unit)
    if problems:
        for problem in problems:
            print("run.py: error: " + problem, file=sys.stderr)
        print("run.py: nothing was run", file=sys.stderr)
        return 2

    passed = failed = 0

    def report(results):
        nonlocal passed, failed
        for r in results:
            if r.ok:
                passed += 1
            else:
                failed += 1
            print(format_result(r), flush=True)
            if not r.ok and ctx.verbose and r.scenario:
                try:
                    with open(r.log, encoding="utf-8") as f:
                        print("".join("    | " + l for l in f), end="", flush=True)
                except OSError:
                    pass

    report(errors)
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs)
    try:
        futures = [pool.submit(run_unit_binary, ctx, u, args.filter) for u in args.unit]
        futures += [pool.submit(run_scenario_test, ctx, t) for t in tests]
        for future in concurrent.futures.as_completed(futures):
            report(future.result())
    except KeyboardInterrupt:
        ctx.kill_all()
        pool.shutdown(wait=False, cancel_futures=True)
        print("run.py: interrupted", file=sys.stderr)
        print("%d passed, %d failed" % (passed, failed + 1), flush=True)
        return 130
    pool.shutdown()
    print("%d passed, %d failed" % (passed, failed), flush=True)
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
