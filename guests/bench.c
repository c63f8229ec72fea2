/*
 * bench: the benchmark guest (docs/benchmarks.md, scripts/bench.py).
 *
 * It times, one round trip at a time, what a guest pays for:
 *   hvc-null        an HVC the hypervisor answers itself (an unassigned
 *                   elvisor function ID: trap, dispatch, NOT_SUPPORTED);
 *   mmio-hyp-read/-write   a load/store to the hypervisor's test device
 *                   (hyp/core/testdev.c, manifest `bench-device;`);
 *   mmio-app-read/-write   the same access to the same device semantics,
 *                   served by the EL0 app apps/bench-app;
 *   call-app-hvc/-smc      an SMCCC call the app answers at once;
 *   mmio-stub-read/-write  the same device again, the same app source run
 *                   by a stub domain (stubdom/) on this vCPU's pCPU;
 *   mmio-stub-remote-read/-write   ... by a stub domain on another pCPU.
 *
 * The clock. Under QEMU with `-icount shift=0` every instruction (at any
 * exception level, on any CPU) advances virtual time by exactly 1 ns, so
 * an instruction count is a time. Two clocks read it:
 *   pmu     PMU event counter 0 counting INST_RETIRED (0x08) with NSH set,
 *           so that EL2 is counted too; only if the hypervisor lets this
 *           guest use the PMU (it traps it by default: MDCR_EL2.TPM/TPMCR);
 *   cntvct  the virtual counter. It ticks once per 16 ns (62.5 MHz), but
 *           16 reads at 16 consecutive instructions i0..i0+15 sum to
 *           exactly i0: sum(k=0..15) floor((i0 + k) / 16) = i0 (Hermite's
 *           identity). So one timestamp is 16 back-to-back reads, summed.
 * Each clock is calibrated first: 64 NOPs must measure exactly 64 more
 * than an empty measurement, every time, or the clock is not exact (no
 * icount: then the numbers are host nanoseconds, roughly). The PMU is
 * used only if it is exact and agrees with the virtual counter on a null
 * HVC (which shows that it counts EL2).
 *
 * Each sample: timestamp, the operation, timestamp (all in one assembly
 * routine below), minus the empty measurement's count ("overhead"). After
 * a warm-up, `bench.iterations` samples per path are sorted and printed as
 * a histogram, which scripts/bench.py parses:
 *   BENCH-CLOCK <clock> usable=yes|no exact=yes|no overhead=N [why=...]
 *   BENCH-BEGIN clock=<clock> exact=yes|no overhead=N iterations=N warmup=N
 *   BENCH-PATH <path> n=N min=N median=N p99=N max=N
 *   BENCH-HIST <path> <value>[x<count>] ...      (one or more lines)
 *   BENCH-END paths=N
 * Percentiles are nearest-rank: the p-th is the ceil(p/100 * n)-th smallest.
 *
 * Bootargs: bench.iterations (default 1000, at most BENCH_MAX_SAMPLES),
 * bench.warmup (default 20).
 *
 * With bench.vblk.base=<IPA> it measures something else: a sequential read
 * of a virtio-blk disk (bench.vblk.sectors sectors, bench.vblk.passes times)
 * through the virtio-mmio device at that address, in 64 KiB requests,
 * between the lines "BENCH-READ-START" and "BENCH-READ-END bytes=N"; the
 * host times it (a wall-clock row, configs/bench/virtio-blk-app.dts). The
 * first 8 bytes of each sector name the sector (scripts/mkdisk.sh): each
 * request's first sector is checked.
 */
#include "guest.h"
#include "lib/format.h"
#include "mmio.h"
#include "virtio.h"
#include "../apps/virtio-blk/virtio_blk.h"

/* The devices and calls, as the manifests in configs/bench set them up. */
#define HYPDEV_BASE 0x0b000000UL	/* GUEST_BENCH_DEVICE_BASE (core/manifest.h) */
#define APPDEV_BASE 0x0b010000UL	/* the bench app's mmio */
#define STUBDEV_BASE 0x0b020000UL	/* the same app source in a stub domain on our pCPU */
#define STUBDEV_REMOTE_BASE 0x0b030000UL	/* ... and in one on another pCPU */
#define APP_CALL_FID 0xc3000000UL	/* in the bench app's calls range */
#define NULL_HVC_FID ELVISOR_HVC_BASE	/* assigned to nothing: NOT_SUPPORTED */
#define DEV_REGS 16			/* TESTDEV_REGS = the app's BENCH_REGS */

#define BENCH_MAX_SAMPLES 20000
#define CALIBRATION_ROUNDS 32
#define CALIBRATION_NOPS 64
#define HIST_LINE 120			/* histogram text per console line */

/* --- timed routines ---------------------------------------------------------------- */

/*
 * uint64_t timed_<clock>_<op>(uint64_t a, uint64_t b): count of one
 * operation, from the first read of the start timestamp to the first read
 * of the end timestamp. Every routine runs the same instructions around
 * the operation (x0 = a, x1 = b set up inside the window), so the empty
 * one ("none") is the overhead to subtract. x19..x22 hold what must
 * survive the operation; the hypervisor answers calls in x0..x3 only.
 */
__asm__(
	".macro stamp_pmu dst\n"
	"	isb\n"
	"	mrs	\\dst, S3_3_C14_C8_0\n"		/* PMEVCNTR0_EL0 */
	".endm\n"
	".macro stamp_cnt dst\n"
	"	isb\n"
	"	.irp r, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17\n"
	"	mrs	x\\r, cntvct_el0\n"
	"	.endr\n"
	"	add	x2, x2, x3\n	add	x4, x4, x5\n"
	"	add	x6, x6, x7\n	add	x8, x8, x9\n"
	"	add	x10, x10, x11\n	add	x12, x12, x13\n"
	"	add	x14, x14, x15\n	add	x16, x16, x17\n"
	"	add	x2, x2, x4\n	add	x6, x6, x8\n"
	"	add	x10, x10, x12\n	add	x14, x14, x16\n"
	"	add	x2, x2, x6\n	add	x10, x10, x14\n"
	"	add	\\dst, x2, x10\n"
	".endm\n"
	".macro op_none\n.endm\n"
	".macro op_hvc\n	hvc	#0\n.endm\n"
	".macro op_smc\n	smc	#0\n.endm\n"
	".macro op_ldr\n	ldr	x2, [x0]\n.endm\n"
	".macro op_str\n	str	x1, [x0]\n.endm\n"
	".macro op_nops\n	.rept " stringify(CALIBRATION_NOPS) "\n	nop\n	.endr\n.endm\n"
	".macro timed clock, op\n"
	"	.global	timed_\\clock\\()_\\op\n"
	"	.type	timed_\\clock\\()_\\op, %function\n"
	"	.balign	16\n"
	"timed_\\clock\\()_\\op:\n"
	"	stp	x19, x20, [sp, #-32]!\n"
	"	stp	x21, x22, [sp, #16]\n"
	"	mov	x19, x0\n"
	"	mov	x20, x1\n"
	"	stamp_\\clock x21\n"
	"	mov	x0, x19\n"
	"	mov	x1, x20\n"
	"	op_\\op\n"
	"	stamp_\\clock x22\n"
	"	sub	x0, x22, x21\n"
	"	ldp	x21, x22, [sp, #16]\n"
	"	ldp	x19, x20, [sp], #32\n"
	"	ret\n"
	"	.size	timed_\\clock\\()_\\op, . - timed_\\clock\\()_\\op\n"
	".endm\n"
	".text\n"
	".irp c, pmu, cnt\n"
	".irp o, none, hvc, smc, ldr, str, nops\n"
	"	timed \\c, \\o\n"
	".endr\n"
	".endr\n");

typedef uint64_t (*timed_fn)(uint64_t a, uint64_t b);

enum op { OP_NONE, OP_HVC, OP_SMC, OP_LDR, OP_STR, OP_NOPS, OPS };

#define TIMED(c) \
	uint64_t timed_##c##_none(uint64_t, uint64_t); \
	uint64_t timed_##c##_hvc(uint64_t, uint64_t); \
	uint64_t timed_##c##_smc(uint64_t, uint64_t); \
	uint64_t timed_##c##_ldr(uint64_t, uint64_t); \
	uint64_t timed_##c##_str(uint64_t, uint64_t); \
	uint64_t timed_##c##_nops(uint64_t, uint64_t)
TIMED(pmu);
TIMED(cnt);

struct clock {
	const char *name;
	timed_fn fn[OPS];
	bool usable, exact;
	uint64_t overhead;		/* the empty measurement's count */
	char why[80];			/* when not usable or not exact */
};

static struct clock clocks[] = {
	{ .name = "pmu", .fn = { timed_pmu_none, timed_pmu_hvc, timed_pmu_smc, timed_pmu_ldr,
				 timed_pmu_str, timed_pmu_nops } },
	{ .name = "cntvct", .fn = { timed_cnt_none, timed_cnt_hvc, timed_cnt_smc, timed_cnt_ldr,
				    timed_cnt_str, timed_cnt_nops } },
};
#define PMU (&clocks[0])
#define CNTVCT (&clocks[1])

/* --- the PMU ------------------------------------------------------------------------ */

/* By encoding: the accesses go through exec_insn(), which survives a trap. */
#define PMCR_EL0 3, 3, 9, 12, 0
#define PMCNTENSET_EL0 3, 3, 9, 12, 1
#define PMCNTENCLR_EL0 3, 3, 9, 12, 2
#define PMEVCNTR0_EL0 3, 3, 14, 8, 0
#define PMEVTYPER0_EL0 3, 3, 14, 12, 0
#define PMCR_E (1UL << 0)
#define PMCR_P (1UL << 1)		/* reset the event counters */
#define PMCR_N(v) (((v) >> 11) & 0x1f)
#define EVT_INST_RETIRED 0x08UL
#define EVTYPER_NSH (1UL << 27)		/* count at EL2 too */

static bool sysreg_write(uint32_t insn, uint64_t value)
{
	struct exec_result r;

	return !exec_insn(insn, value, 0, 0, 0, &r);
}

/* Counter 0 counting instructions at EL0, EL1 and EL2; false and why if not. */
static bool pmu_start(struct clock *c)
{
	uint64_t pmuver = (read_sysreg(id_aa64dfr0_el1) >> 8) & 0xf;
	struct exec_result r;

	if (pmuver == 0 || pmuver == 0xf) {
		format(c->why, sizeof(c->why), "no PMUv3 (ID_AA64DFR0_EL1.PMUVer=%lu)", pmuver);
		return false;
	}
	if (exec_insn(a64_mrs(PMCR_EL0, 0), 0, 0, 0, 0, &r)) {
		format(c->why, sizeof(c->why), "PMCR_EL0 traps (EC %#x): the hypervisor keeps the PMU",
		       r.ec);
		return false;
	}
	if (PMCR_N(r.x0) == 0) {
		format(c->why, sizeof(c->why), "no event counters (PMCR_EL0.N=0)");
		return false;
	}
	if (!sysreg_write(a64_msr(PMCNTENCLR_EL0, 0), ~0UL) ||
	    !sysreg_write(a64_msr(PMEVTYPER0_EL0, 0), EVT_INST_RETIRED | EVTYPER_NSH) ||
	    !sysreg_write(a64_msr(PMEVCNTR0_EL0, 0), 0) ||
	    !sysreg_write(a64_msr(PMCR_EL0, 0), r.x0 | PMCR_E | PMCR_P) ||
	    !sysreg_write(a64_msr(PMCNTENSET_EL0, 0), 1)) {
		format(c->why, sizeof(c->why), "a PMU register write traps");
		return false;
	}
	isb();
	return true;
}

/* --- calibration -------------------------------------------------------------------- */

/*
 * The overhead is the smallest empty measurement; the clock is exact if
 * every empty measurement gives it and every 64-NOP one 64 more.
 */
static void calibrate(struct clock *c)
{
	uint64_t lo = ~0UL, hi = 0, nops_lo = ~0UL, nops_hi = 0;

	for (unsigned i = 0; i < CALIBRATION_ROUNDS; i++) {
		uint64_t e = c->fn[OP_NONE](0, 0), n = c->fn[OP_NOPS](0, 0);

		lo = MIN(lo, e);
		hi = MAX(hi, e);
		nops_lo = MIN(nops_lo, n);
		nops_hi = MAX(nops_hi, n);
	}
	c->overhead = lo;
	if (lo == 0 && nops_hi == 0) {
		format(c->why, sizeof(c->why), "does not count");
		c->usable = false;
		return;
	}
	c->usable = true;
	c->exact = lo == hi && nops_lo == nops_hi && nops_lo - lo == CALIBRATION_NOPS;
	if (!c->exact)
		format(c->why, sizeof(c->why), "empty %lu..%lu, %u NOPs %lu..%lu", lo, hi,
		       CALIBRATION_NOPS, nops_lo, nops_hi);
}

static void report_clock(const struct clock *c)
{
	printf("BENCH-CLOCK %s usable=%s exact=%s overhead=%lu%s%s\n", c->name,
	       c->usable ? "yes" : "no", c->exact ? "yes" : "no", c->overhead,
	       c->why[0] ? " why=" : "", c->why);
}

/* The smallest of a few null HVCs (no warm-up needed for the minimum). */
static uint64_t min_null_hvc(const struct clock *c)
{
	uint64_t m = ~0UL;

	for (unsigned i = 0; i < CALIBRATION_ROUNDS; i++)
		m = MIN(m, c->fn[OP_HVC](NULL_HVC_FID, 0) - c->overhead);
	return m;
}

/*
 * The PMU if it is exact and counts what the virtual counter counts (EL2
 * included), else the virtual counter.
 */
static struct clock *choose_clock(void)
{
	if (CNTVCT->usable && timer_freq() != 62500000) {
		format(CNTVCT->why, sizeof(CNTVCT->why), "CNTFRQ %lu is not 62.5 MHz",
		       timer_freq());
		CNTVCT->exact = false;
	}
	if (PMU->usable && PMU->exact && CNTVCT->exact) {
		uint64_t p = min_null_hvc(PMU), v = min_null_hvc(CNTVCT);

		printf("BENCH-CLOCK-CHECK hvc-null pmu=%lu cntvct=%lu %s\n", p, v,
		       p == v ? "agree" : "DISAGREE");
		if (p != v)
			PMU->exact = false;
	}
	if (PMU->usable && PMU->exact)
		return PMU;
	return CNTVCT;
}

/* --- correctness of what is timed ------------------------------------------------------- */

/* The scratch-register semantics both devices share. */
static void check_device(const char *name, uint64_t base, const char *configured_by)
{
	const uint64_t a = 0x8877665544332211UL, b = 0x0123456789abcdefUL;
	struct probe_result r;

	if (probe_write(base, 8, a, &r))
		test_fatal("%s at %#lx: the access aborts (ESR %#lx); the manifest gives it with %s",
			   name, base, r.esr, configured_by);
	CHECK(mmio_read64(base) == a, "%s: reg 0 reads %#lx", name, mmio_read64(base));
	mmio_write64(base + 8 * (DEV_REGS - 1), b);
	CHECK(mmio_read64(base + 8 * (DEV_REGS - 1)) == b, "%s: last reg", name);
	mmio_write32(base + 4, 0xdeadbeef);
	CHECK(mmio_read64(base) == 0xdeadbeef44332211UL, "%s: 32-bit merge gives %#lx", name,
	      mmio_read64(base));
	CHECK(mmio_read16(base + 2) == 0x4433, "%s: 16-bit read", name);
	mmio_write64(base + 8 * DEV_REGS, a);
	CHECK(mmio_read64(base + 8 * DEV_REGS) == 0, "%s: past the registers not RAZ/WI", name);
}

static void check_calls(void)
{
	struct smccc_res r;

	smccc_hvc(APP_CALL_FID, 0x1234, 0, 0, 0, 0, 0, &r);
	CHECK(r.a0 == 0 && r.a1 == 0x1234, "app call (HVC): x0 %#lx x1 %#lx", r.a0, r.a1);
	smccc_smc(APP_CALL_FID, 0x5678, 0, 0, 0, 0, 0, &r);
	CHECK(r.a0 == 0 && r.a1 == 0x5678, "app call (SMC): x0 %#lx x1 %#lx", r.a0, r.a1);
	CHECK(hvc_call(NULL_HVC_FID, 0, 0, 0) == SMCCC_NOT_SUPPORTED, "null HVC not NOT_SUPPORTED");
}

/* --- samples ---------------------------------------------------------------------------- */

struct path {
	const char *name;
	enum op op;
	uint64_t a, b;
};

static const struct path paths[] = {
	{ "hvc-null", OP_HVC, NULL_HVC_FID, 0 },
	{ "mmio-hyp-read", OP_LDR, HYPDEV_BASE, 0 },
	{ "mmio-hyp-write", OP_STR, HYPDEV_BASE, 0x5a5a5a5a5a5a5a5aUL },
	{ "mmio-app-read", OP_LDR, APPDEV_BASE, 0 },
	{ "mmio-app-write", OP_STR, APPDEV_BASE, 0x5a5a5a5a5a5a5a5aUL },
	{ "call-app-hvc", OP_HVC, APP_CALL_FID, 0 },
	{ "call-app-smc", OP_SMC, APP_CALL_FID, 0 },
	{ "mmio-stub-read", OP_LDR, STUBDEV_BASE, 0 },
	{ "mmio-stub-write", OP_STR, STUBDEV_BASE, 0x5a5a5a5a5a5a5a5aUL },
	{ "mmio-stub-remote-read", OP_LDR, STUBDEV_REMOTE_BASE, 0 },
	{ "mmio-stub-remote-write", OP_STR, STUBDEV_REMOTE_BASE, 0x5a5a5a5a5a5a5a5aUL },
};

static uint64_t samples[BENCH_MAX_SAMPLES];

static void sift_down(uint64_t *s, size_t root, size_t n)
{
	for (size_t child; (child = 2 * root + 1) < n; root = child) {
		uint64_t t;

		if (child + 1 < n && s[child + 1] > s[child])
			child++;
		if (s[root] >= s[child])
			return;
		t = s[root];
		s[root] = s[child];
		s[child] = t;
	}
}

/* Heapsort: n log n with no extra memory, for up to BENCH_MAX_SAMPLES. */
static void sort(uint64_t *s, size_t n)
{
	for (size_t i = n / 2; i-- > 0;)
		sift_down(s, i, n);
	for (size_t end = n; end-- > 1;) {
		uint64_t t = s[0];

		s[0] = s[end];
		s[end] = t;
		sift_down(s, 0, end);
	}
}

/* Nearest rank: the ceil(pct/100 * n)-th smallest of sorted s. */
static uint64_t percentile(const uint64_t *s, size_t n, unsigned pct)
{
	size_t rank = (pct * n + 99) / 100;

	return s[rank ? rank - 1 : 0];
}

/* The sorted samples as "value" or "valuexcount" runs, HIST_LINE characters a line. */
static void print_histogram(const char *name, const uint64_t *s, size_t n)
{
	char line[HIST_LINE + 40];
	size_t len = 0;

	for (size_t i = 0; i < n;) {
		size_t j = i;

		while (j < n && s[j] == s[i])
			j++;
		if (j - i > 1)
			len += (size_t)format(line + len, sizeof(line) - len, " %lux%lu", s[i], j - i);
		else
			len += (size_t)format(line + len, sizeof(line) - len, " %lu", s[i]);
		i = j;
		if (len >= HIST_LINE || i == n) {
			printf("BENCH-HIST %s%s\n", name, line);
			len = 0;
		}
	}
}

static void measure(const struct clock *c, const struct path *p, size_t n, size_t warmup)
{
	timed_fn fn = c->fn[p->op];

	for (size_t i = 0; i < warmup; i++)
		fn(p->a, p->b);
	for (size_t i = 0; i < n; i++) {
		uint64_t t = fn(p->a, p->b);

		/* Below the empty measurement: a clock that is not exact. */
		samples[i] = t > c->overhead ? t - c->overhead : 0;
	}
	sort(samples, n);
	printf("BENCH-PATH %s n=%lu min=%lu median=%lu p99=%lu max=%lu\n", p->name, n,
	       samples[0], percentile(samples, n, 50), percentile(samples, n, 99), samples[n - 1]);
	print_histogram(p->name, samples, n);
}

/* --- virtio-blk sequential read ------------------------------------------------------- */

#define VBLK_CHUNK 65536u		/* bytes a request: the device's size_max */
#define VBLK_TIMEOUT_US 2000000

static struct vdev vblk;
static struct vq_mem vblk_mem;
static struct vq vblk_q;
static struct {
	struct virtio_blk_req_hdr hdr;
	uint8_t status;
} vblk_req __attribute__((aligned(16)));
static uint8_t vblk_buf[VBLK_CHUNK] __attribute__((aligned(4096)));

static bool vblk_bring_up(uint64_t base)
{
	vblk = (struct vdev){ .base = base };	/* polled: the app answers in the notify */
	if (!vdev_probe(&vblk, VIRTIO_ID_BLOCK) || !vdev_reset(&vblk) ||
	    !CHECK(vdev_negotiate(&vblk, VIRTIO_F_BIT(VIRTIO_F_VERSION_1) |
				  VIRTIO_F_BIT(VIRTIO_BLK_F_SIZE_MAX)), "FEATURES_OK refused") ||
	    !vq_setup(&vblk_q, &vblk, 0, VBLK_QUEUE_SIZE, &vblk_mem))
		return false;
	vdev_driver_ok(&vblk);
	return CHECK(vdev_status(&vblk) & VIRTIO_STATUS_DRIVER_OK, "DRIVER_OK not taken");
}

/* One request: bytes from sector into vblk_buf; the sector must name itself. */
static bool vblk_read(uint64_t sector, uint32_t bytes)
{
	struct vbuf bufs[3] = { vbuf_out(&vblk_req.hdr, sizeof(vblk_req.hdr)),
				vbuf_in(vblk_buf, bytes), vbuf_in(&vblk_req.status, 1) };
	uint64_t named = 0;
	uint32_t len;

	vblk_req.hdr = (struct virtio_blk_req_hdr){ .type = VIRTIO_BLK_T_IN, .sector = sector };
	vblk_req.status = 0xff;
	if (!vq_transact(&vblk_q, vq_chain(&vblk_q, 0, bufs, 3), &len, VBLK_TIMEOUT_US))
		return false;
	for (unsigned i = 0; i < 8; i++)
		named |= (uint64_t)vblk_buf[i] << (8 * i);
	return CHECK(vblk_req.status == VIRTIO_BLK_S_OK && named == sector,
		     "read at sector %lu: status %u, data names sector %lu", sector,
		     vblk_req.status, named);
}

static void vblk_sequential_read(uint64_t base)
{
	uint64_t sectors = bootarg_uint_or("bench.vblk.sectors", 2048);
	uint64_t passes = bootarg_uint_or("bench.vblk.passes", 1), bytes = 0;
	const uint64_t per_request = VBLK_CHUNK / VIRTIO_BLK_SECTOR_SIZE;

	if (!vblk_bring_up(base))
		return;
	printf("BENCH-READ-START sectors=%lu passes=%lu request=%u\n", sectors, passes, VBLK_CHUNK);
	for (uint64_t pass = 0; pass < passes; pass++)
		for (uint64_t s = 0; s < sectors; s += per_request) {
			uint64_t count = MIN(per_request, sectors - s);

			if (!vblk_read(s, (uint32_t)(count * VIRTIO_BLK_SECTOR_SIZE)))
				return;
			bytes += count * VIRTIO_BLK_SECTOR_SIZE;
		}
	printf("BENCH-READ-END bytes=%lu\n", bytes);
}

/* --- main ------------------------------------------------------------------------------- */

static void round_trips(void)
{
	size_t n = bootarg_uint_or("bench.iterations", 1000);
	size_t warmup = bootarg_uint_or("bench.warmup", 20);
	struct clock *c;

	if (n < 1 || n > BENCH_MAX_SAMPLES)
		test_fatal("bench.iterations=%lu: must be 1..%u", n, BENCH_MAX_SAMPLES);
	check_device("hypervisor test device", HYPDEV_BASE, "bench-device;");
	check_device("bench app", APPDEV_BASE, "an app node, image bench-app.elf");
	check_device("bench stub domain", STUBDEV_BASE, "a stubdom node, image bench-app-stub.bin");
	check_device("remote bench stub domain", STUBDEV_REMOTE_BASE,
		     "a stubdom node, image bench-app-stub.bin, on another pCPU");
	check_calls();

	if (pmu_start(PMU))
		calibrate(PMU);
	calibrate(CNTVCT);
	c = choose_clock();
	report_clock(PMU);
	report_clock(CNTVCT);
	CHECK(c->usable, "no usable clock");
	printf("BENCH-BEGIN clock=%s exact=%s overhead=%lu iterations=%lu warmup=%lu\n", c->name,
	       c->exact ? "yes" : "no", c->overhead, n, warmup);
	for (size_t i = 0; i < ARRAY_SIZE(paths); i++)
		measure(c, &paths[i], n, warmup);
	printf("BENCH-END paths=%lu\n", ARRAY_SIZE(paths));
}

void guest_main(void)
{
	uint64_t vblk_base = bootarg_uint_or("bench.vblk.base", 0);

	test_init("bench");
	if (vblk_base)
		vblk_sequential_read(vblk_base);
	else
		round_trips();
	test_done();
}
