/*
 * On-target self tests. Each test returns NULL on success or a short reason
 * on failure; the runner prints "selftest: PASS name" / "selftest: FAIL
 * name: reason", which the QEMU scenarios look for.
 */
#include <stdatomic.h>

#include "arch/boot.h"
#include "arch/el0.h"
#include "arch/vcpu_context.h"
#include "core/irq.h"
#include "arch/cpu.h"
#include "arch/esr.h"
#include "arch/mmu.h"
#include "arch/probe.h"
#include "arch/sysreg.h"
#include "core/console.h"
#include "core/mm.h"
#include "core/percpu.h"
#include "core/selftest.h"
#include "core/smp.h"
#include "core/spinlock.h"
#include "core/timer_event.h"
#include "drivers/timer.h"
#include "lib/format.h"
#include "lib/string.h"

static char reason[160];

/* A test that does not apply to this machine returns this. */
static const char SKIPPED[] = "skipped";

#define FAIL(...) ({ format(reason, sizeof(reason), __VA_ARGS__); reason; })

/* The fault a probe saw must be a permission or translation fault. */
static bool fault_is(uint64_t esr, unsigned expected_kind)
{
	return ((esr & 0x3f) >> 2) == expected_kind;
}

#define FSC_TRANSLATION 1
#define FSC_PERMISSION 3

static const char *test_text_is_read_only(void)
{
	if (probe_write64((void *)(uintptr_t)selftest_run, 0) == 0)
		return FAIL("write to hypervisor text succeeded");
	if (!fault_is(this_cpu()->probe_esr, FSC_PERMISSION))
		return FAIL("write to text: fault ESR %#lx is not a permission fault",
			    this_cpu()->probe_esr);
	return NULL;
}

static const char *test_rodata_is_read_only(void)
{
	static const uint64_t constant = 0x1234;
	uint64_t v;

	if (probe_read64(&constant, &v) || v != 0x1234)
		return FAIL("cannot read rodata");
	if (probe_write64((void *)(uintptr_t)&constant, 0) == 0)
		return FAIL("write to rodata succeeded");
	if (!fault_is(this_cpu()->probe_esr, FSC_PERMISSION))
		return FAIL("write to rodata: ESR %#lx is not a permission fault",
			    this_cpu()->probe_esr);
	return NULL;
}

static const char *test_data_is_not_executable(void)
{
	static uint32_t code[4] __aligned(16);

	code[0] = 0xd65f03c0;	/* ret: if XN is not enforced the probe returns 0 */
	dcache_clean_range(code, sizeof(code));
	__asm__ volatile("ic iallu; dsb nsh; isb" ::: "memory");
	if (probe_exec(code) == 0)
		return FAIL("executing from .data succeeded");
	if (!fault_is(this_cpu()->probe_esr, FSC_PERMISSION))
		return FAIL("exec from .data: ESR %#lx is not a permission fault",
			    this_cpu()->probe_esr);
	return NULL;
}

static const char *test_stack_guard_unmapped(void)
{
	uint64_t v;

	if (probe_read64(&cpu_stacks[this_cpu_id()][0], &v) == 0)
		return FAIL("the stack guard page is readable");
	if (!fault_is(this_cpu()->probe_esr, FSC_TRANSLATION))
		return FAIL("guard page: ESR %#lx is not a translation fault",
			    this_cpu()->probe_esr);
	return NULL;
}

/* Mapping changes on a live table take effect at once (TLB maintenance). */
static const char *test_remap_enforced(void)
{
	uint64_t *page, v;
	paddr_t pa;
	const char *err = NULL;

	if (!mm_alloc_zeroed_pages(1, &pa))
		return FAIL("no page");
	page = phys_to_virt(pa);
	if (probe_write64(page, 42) || probe_read64(page, &v) || v != 42)
		err = FAIL("fresh RAM page not writable");
	else if (!mmu_map_phys(pa, PAGE_SIZE, PROT_READ) || probe_write64(page, 1) == 0)
		err = FAIL("write after remapping read-only succeeded");
	else if (probe_read64(page, &v) || v != 42)
		err = FAIL("read-only page lost its content");
	else if (mmu_unmap_phys(pa, PAGE_SIZE) || probe_read64(page, &v) == 0)
		err = FAIL("read after unmapping succeeded");
	if (!mmu_map_phys(pa, PAGE_SIZE, PROT_READ | PROT_WRITE))
		return FAIL("cannot restore the mapping");
	mm_free_pages(pa, 1);
	return err;
}

static const char *test_page_allocator(void)
{
	enum { N = 64 };
	paddr_t pages[N], big;
	size_t before = mm_free_page_count();
	paddr_t img0 = virt_to_phys(__image_start), img1 = virt_to_phys(__image_end);

	for (unsigned i = 0; i < N; i++) {
		const uint64_t *p;

		if (!mm_alloc_zeroed_pages(1, &pages[i]))
			return FAIL("allocation %u failed", i);
		if (pages[i] < img1 && pages[i] + PAGE_SIZE > img0)
			return FAIL("page %#lx is inside the hypervisor image", pages[i]);
		for (unsigned j = 0; j < i; j++)
			if (pages[j] == pages[i])
				return FAIL("page %#lx handed out twice", pages[i]);
		p = phys_to_virt(pages[i]);
		for (unsigned w = 0; w < PAGE_SIZE / 8; w++)
			if (p[w])
				return FAIL("page %#lx not zeroed", pages[i]);
		memset(phys_to_virt(pages[i]), 0xa5, PAGE_SIZE);
	}
	if (!mm_alloc_pages(16, 16, &big) || !IS_ALIGNED(big, 16 * PAGE_SIZE))
		return FAIL("16-page aligned allocation failed");
	mm_free_pages(big, 16);
	for (unsigned i = 0; i < N; i++)
		mm_free_pages(pages[i], 1);
	if (mm_free_page_count() != before)
		return FAIL("free count %zu after freeing, %zu before",
			    mm_free_page_count(), before);
	return NULL;
}

/* Timer: every CPU takes TIMER_ROUNDS interrupts, none early. */
#define TIMER_ROUNDS 10
#define TIMER_PERIOD_US 500

static _Atomic unsigned timer_failures;

static void timer_on_this_cpu(void *arg)
{
	struct percpu *cpu = this_cpu();

	(void)arg;
	for (unsigned round = 0; round < TIMER_ROUNDS; round++) {
		uint64_t seen = cpu->timer_irqs;
		uint64_t deadline = timer_now() + timer_us_to_ticks(TIMER_PERIOD_US);
		uint64_t give_up = deadline + timer_us_to_ticks(1000000);

		timer_arm_at(deadline);
		while (cpu->timer_irqs == seen && timer_now() < give_up)
			arch_idle_wait();
		if (cpu->timer_irqs != seen + 1 || timer_now() < deadline) {
			printk("selftest: CPU %u: timer round %u: %lu interrupts, %s\n",
			       cpu->cpu, round, cpu->timer_irqs - seen,
			       timer_now() < deadline ? "early" : "late or missing");
			atomic_fetch_add(&timer_failures, 1);
			timer_cancel();
			return;
		}
	}
}

static const char *test_timer_every_cpu(void)
{
	timer_failures = 0;
	smp_call_all(timer_on_this_cpu, NULL);
	if (timer_failures)
		return FAIL("%u CPUs did not get their timer interrupts", timer_failures);
	return NULL;
}

/* Spinlock: a plain counter incremented under the lock by every CPU at once. */
#define LOCK_ROUNDS 500

static spinlock_t contended = SPINLOCK_INIT;
static volatile uint64_t contended_counter;
static _Atomic unsigned lock_start;

static void hammer_lock(void *arg)
{
	(void)arg;
	atomic_fetch_add(&lock_start, 1);
	while (atomic_load(&lock_start) < smp_online_count())
		arch_cpu_relax();	/* start together for real contention */
	for (unsigned i = 0; i < LOCK_ROUNDS; i++) {
		spin_lock(&contended);
		contended_counter = contended_counter + 1;
		spin_unlock(&contended);
	}
}

static const char *test_spinlock_contention(void)
{
	uint64_t expected = (uint64_t)LOCK_ROUNDS * smp_online_count();

	contended_counter = 0;
	lock_start = 0;
	smp_call_all(hammer_lock, NULL);
	if (contended_counter != expected)
		return FAIL("counter %lu, expected %lu: lost updates",
			    (uint64_t)contended_counter, expected);
	return NULL;
}

/* SGIs: every other CPU is woken by one and runs work for us. */
static void note_cpu(void *arg)
{
	atomic_fetch_or((_Atomic uint64_t *)arg, 1UL << this_cpu_id());
}

static const char *test_sgi_every_cpu(void)
{
	_Atomic uint64_t seen = 0;
	uint64_t expected = 0;

	for (unsigned c = 0; c < smp_cpu_count(); c++) {
		if (!percpu_data[c].online)
			continue;
		expected |= 1UL << c;
		smp_call(c, note_cpu, &seen);
	}
	if (seen != expected)
		return FAIL("CPUs answering %#lx, expected %#lx", (uint64_t)seen, expected);
	for (unsigned c = 1; c < smp_cpu_count(); c++)
		if (percpu_data[c].online && !percpu_data[c].sgis)
			return FAIL("CPU %u ran work without taking an SGI", c);
	return NULL;
}

/*
 * Console: every CPU prints at once. The test cannot read the UART back;
 * the QEMU scenario checks that every such line arrived whole (selftest.scn).
 */
#define CONSOLE_LINES 16
#define CONSOLE_PAYLOAD "abcdefghijklmnopqrstuvwxyz0123456789"

static void print_lines(void *arg)
{
	(void)arg;
	for (unsigned i = 0; i < CONSOLE_LINES; i++)
		printk("selftest: console cpu=%u line=%02u %s\n", this_cpu_id(), i,
		       CONSOLE_PAYLOAD);
}

static const char *test_console_concurrent(void)
{
	smp_call_all(print_lines, NULL);
	return NULL;
}

static const char *test_all_cpus_online(void)
{
	if (smp_online_count() != smp_cpu_count())
		return FAIL("%u of %u CPUs online", smp_online_count(), smp_cpu_count());
	return NULL;
}

/*
 * EL0, the mechanism of EL0 apps, in whichever regime this CPU has (VHE:
 * the EL2&0 regime with ASIDs; without VHE: stage 2 only, with VMIDs).
 * Code at EL0 runs from its own space and returns with SVC; it cannot
 * touch the hypervisor, write its read-only page, execute its data page or
 * use FP/SIMD. The test poses as a loaded guest with hostile EL1 controls
 * (alignment checks, big-endian EL0, EL0 timer access): they must not
 * change how EL0 code runs, and every run must leave the guest's view of
 * the registers as it found it.
 */
#define EL0_CODE_VA 0x400000UL
#define EL0_DATA_VA 0x401000UL
#define EL0_RODATA_VA 0x402000UL
#define EL0_UNMAPPED_VA 0x403000UL
#define EL0_SP 0x7fff0000UL
#define EC_FP_SIMD 0x07
#define EC_SVC64 0x15
#define EC_SYSREG 0x18
#define EC_IABT_LOW 0x20
#define EC_DABT_LOW 0x24

static const uint32_t el0_code[] = {
	0x8b010000,	/* 0x00: add x0, x0, x1 */
	0xd4000001,	/* 0x04: svc #0 */
	0xf9400062,	/* 0x08: ldr x2, [x3] */
	0xd4000021,	/* 0x0c: svc #1 */
	0xf9000062,	/* 0x10: str x2, [x3] */
	0xd4000041,	/* 0x14: svc #2 */
	0x9e6703e0,	/* 0x18: fmov d0, xzr (FP/SIMD: must trap at EL0) */
	0xd53be322,	/* 0x1c: mrs x2, cntv_ctl_el0 (must trap at EL0) */
	0xd4000061,	/* 0x20: svc #3 */
	0xd53bd042,	/* 0x24: mrs x2, tpidr_el0 */
	0xd53bd064,	/* 0x28: mrs x4, tpidrro_el0 */
	0x910003e5,	/* 0x2c: mov x5, sp */
	0xd4000081,	/* 0x30: svc #4 */
	0xeb00001f,	/* 0x34: cmp x0, x0 (Z set) */
	0xd40000a1,	/* 0x38: svc #5 */
	0x9a9f17e2,	/* 0x3c: cset x2, eq */
	0xd40000c1,	/* 0x40: svc #6 */
	0xf1000400,	/* 0x44: subs x0, x0, #1 */
	0x54ffffe1,	/* 0x48: b.ne 0x44 */
	0xd40000e1,	/* 0x4c: svc #7 */
};
#define EL0_ADD 0x00
#define EL0_LOAD 0x08
#define EL0_STORE 0x10
#define EL0_FP 0x18
#define EL0_TIMER 0x1c
#define EL0_REGS 0x24
#define EL0_FLAGS 0x34
#define EL0_COUNTDOWN 0x44
#define COUNTDOWN_LOOPS 30000000UL	/* tens of ms under TCG: interrupts arrive meanwhile */
#define COUNTDOWN_TICK_US 200
#define PSTATE_PAN (1UL << 22)

/*
 * The registers a loaded guest owns that an EL0 run may touch: EL2's
 * controls of the guest and the guest's EL1 controls that also govern EL0
 * (under VHE the guest's EL1 registers are reached as *_EL12).
 */
enum { GV_HCR, GV_CPTR, GV_VTTBR, GV_VTCR, GV_SCTLR, GV_CNTKCTL, GV_CPACR, GV_COUNT };
static const char *const guest_view_name[GV_COUNT] = {
	"HCR_EL2", "CPTR_EL2", "VTTBR_EL2", "VTCR_EL2", "SCTLR_EL1", "CNTKCTL_EL1",
	"CPACR_EL1",
};
/* Through one more macro level, so that an encoding's name is expanded. */
#define read_enc(r) read_sysreg(r)
#define write_enc(r, v) write_sysreg(r, v)
#define SCTLR_EL12 S3_5_C1_C0_0
#define CNTKCTL_EL12 S3_5_C14_C1_0
#define CPACR_EL12 S3_5_C1_C0_2

static void guest_view_read(uint64_t v[GV_COUNT])
{
	v[GV_HCR] = read_sysreg(hcr_el2);
	v[GV_CPTR] = read_sysreg(cptr_el2);
	v[GV_VTTBR] = read_sysreg(vttbr_el2);
	v[GV_VTCR] = read_sysreg(vtcr_el2);
	v[GV_SCTLR] = arch_has_vhe() ? read_enc(SCTLR_EL12) : read_sysreg(sctlr_el1);
	v[GV_CNTKCTL] = arch_has_vhe() ? read_enc(CNTKCTL_EL12) : read_sysreg(cntkctl_el1);
	v[GV_CPACR] = arch_has_vhe() ? read_enc(CPACR_EL12) : read_sysreg(cpacr_el1);
}

static void guest_view_write(const uint64_t v[GV_COUNT])
{
	write_sysreg(hcr_el2, v[GV_HCR]);
	write_sysreg(cptr_el2, v[GV_CPTR]);
	write_sysreg(vttbr_el2, v[GV_VTTBR]);
	write_sysreg(vtcr_el2, v[GV_VTCR]);
	if (arch_has_vhe()) {
		write_enc(SCTLR_EL12, v[GV_SCTLR]);
		write_enc(CNTKCTL_EL12, v[GV_CNTKCTL]);
		write_enc(CPACR_EL12, v[GV_CPACR]);
	} else {
		write_sysreg(sctlr_el1, v[GV_SCTLR]);
		write_sysreg(cntkctl_el1, v[GV_CNTKCTL]);
		write_sysreg(cpacr_el1, v[GV_CPACR]);
	}
	isb();
}

/*
 * A guest as a loaded vCPU leaves things: stage 2 on with its VMID and
 * guest traps in HCR_EL2 (harmless at EL2), and hostile EL1 controls:
 * alignment checks, big-endian EL0 data, EL0 access to the counters and
 * the virtual timer, EL0 DAIF and DC ZVA access, FP/SIMD trapped to EL1
 * (EL0 FP/SIMD must still be reported as such, not as an unknown trap).
 */
#define POSE_HCR_BITS (BIT(0) | BIT(13) | BIT(14))		/* VM, TWI, TWE */
#define POSE_VTTBR (7UL << 48)
#define POSE_SCTLR (0x30d00800UL | SCTLR_A | BIT(24) | BIT(9) | BIT(14))
#define POSE_CNTKCTL (BIT(0) | BIT(1) | BIT(8) | BIT(9))

static void pose_as_guest(const uint64_t host[GV_COUNT])
{
	uint64_t v[GV_COUNT];

	memcpy(v, host, sizeof(v));
	v[GV_HCR] |= POSE_HCR_BITS;
	v[GV_VTTBR] = POSE_VTTBR;
	v[GV_SCTLR] = POSE_SCTLR;
	v[GV_CNTKCTL] = POSE_CNTKCTL;
	v[GV_CPACR] = 0;	/* FP/SIMD trapped at EL1 and EL0 */
	guest_view_write(v);
}

struct el0_test {
	struct el0_space s;
	struct vcpu_context ctx;
	uint64_t *data;		/* the data page, as the hypervisor sees it */
	const char *damage;	/* the first register a run did not put back */
	unsigned irq_exits;	/* interrupts taken while EL0 ran */
};

/* Run from pc until the next synchronous exit; its ESR (~0: another exit). */
static uint64_t run_el0(struct el0_test *t, uint64_t pc)
{
	uint64_t before[GV_COUNT], after[GV_COUNT], exit;

	t->ctx.gprs.pc = pc;
	for (;;) {
		guest_view_read(before);
		exit = el0_run(&t->s, &t->ctx);
		guest_view_read(after);
		for (unsigned i = 0; i < GV_COUNT && !t->damage; i++)
			if (before[i] != after[i])
				t->damage = guest_view_name[i];
		if (exit != EXIT_IRQ)
			break;
		t->irq_exits++;
		irq_handle_pending();
	}
	return exit == EXIT_SYNC ? t->ctx.esr : ~0UL;
}

static bool exited_by_svc(uint64_t esr, unsigned imm)
{
	return esr >> 26 == EC_SVC64 && (esr & 0xffff) == imm;
}

/* SVC round trip, and loads and stores to its own page. */
static const char *el0_check_basics(struct el0_test *t)
{
	uint64_t esr;

	t->ctx.gprs.x[0] = 40;
	t->ctx.gprs.x[1] = 2;
	esr = run_el0(t, EL0_CODE_VA + EL0_ADD);
	if (!exited_by_svc(esr, 0) || t->ctx.gprs.x[0] != 42)
		return FAIL("add/svc #0: ESR %#lx x0 %lu", esr, t->ctx.gprs.x[0]);
	t->data[0] = 0xfeed;
	t->ctx.gprs.x[3] = EL0_DATA_VA;
	esr = run_el0(t, EL0_CODE_VA + EL0_LOAD);
	if (!exited_by_svc(esr, 1) || t->ctx.gprs.x[2] != 0xfeed)
		return FAIL("load from its own page: ESR %#lx x2 %#lx", esr, t->ctx.gprs.x[2]);
	t->ctx.gprs.x[2] = 0xbeef;
	esr = run_el0(t, EL0_CODE_VA + EL0_STORE);
	if (!exited_by_svc(esr, 2) || t->data[0] != 0xbeef)
		return FAIL("store to its own page: ESR %#lx value %#lx", esr, t->data[0]);
	return NULL;
}

/* What EL0 must not do: reach the hypervisor, write R--, execute RW-, use FP. */
static const char *el0_check_isolation(struct el0_test *t)
{
	static volatile uint64_t hyp_secret = 0x5ec7e7;
	uint64_t esr;

	t->ctx.gprs.x[3] = (uintptr_t)&hyp_secret;
	esr = run_el0(t, EL0_CODE_VA + EL0_LOAD);
	if (esr >> 26 != EC_DABT_LOW || t->ctx.gprs.x[2] == hyp_secret)
		return FAIL("EL0 read of hypervisor memory: ESR %#lx", esr);
	t->ctx.gprs.x[3] = EL0_RODATA_VA;
	esr = run_el0(t, EL0_CODE_VA + EL0_STORE);
	if (esr >> 26 != EC_DABT_LOW)
		return FAIL("EL0 write to its read-only page: ESR %#lx", esr);
	esr = run_el0(t, EL0_DATA_VA);
	if (esr >> 26 != EC_IABT_LOW)
		return FAIL("EL0 execution from its data page: ESR %#lx", esr);
	esr = run_el0(t, EL0_CODE_VA + EL0_FP);
	if (esr >> 26 != EC_FP_SIMD)
		return FAIL("EL0 FP/SIMD instruction was not trapped: ESR %#lx", esr);
	return NULL;
}

/* The posed guest's EL1 controls must not reach EL0. */
static const char *el0_check_guest_controls(struct el0_test *t)
{
	uint8_t *bytes = (uint8_t *)t->data;
	uint64_t esr;

	for (unsigned i = 0; i < 16; i++)
		bytes[i] = (uint8_t)(i + 1);
	t->ctx.gprs.x[3] = EL0_DATA_VA + 1;	/* misaligned for 8 bytes */
	esr = run_el0(t, EL0_CODE_VA + EL0_LOAD);
	if (!exited_by_svc(esr, 1) || t->ctx.gprs.x[2] != 0x0908070605040302UL)
		return FAIL("misaligned little-endian load under a guest's SCTLR_EL1 "
			    "(A, E0E set): ESR %#lx x2 %#lx", esr, t->ctx.gprs.x[2]);
	esr = run_el0(t, EL0_CODE_VA + EL0_TIMER);
	if (esr >> 26 != EC_SYSREG)
		return FAIL("EL0 read CNTV_CTL_EL0 under a guest's CNTKCTL_EL1 "
			    "(EL0VTEN set): ESR %#lx", esr);
	return NULL;
}

/*
 * A resumed run (after a syscall or an interrupt) keeps the flags EL0 set;
 * under VHE the hypervisor handles EL0's exits with PAN on.
 */
static const char *el0_check_resume(struct el0_test *t)
{
	uint64_t esr, pan = PSTATE_PAN;

	t->ctx.gprs.pstate = 0;
	esr = run_el0(t, EL0_CODE_VA + EL0_FLAGS);
	if (arch_has_vhe())			/* VHE implies FEAT_PAN */
		pan = read_sysreg(s3_0_c4_c2_3);	/* PAN */
	if (!exited_by_svc(esr, 5))
		return FAIL("EL0 flags snippet: ESR %#lx", esr);
	if (!(pan & PSTATE_PAN))
		return FAIL("EL0's exit reached the hypervisor with PAN off");
	t->ctx.gprs.x[2] = 0;
	esr = run_el0(t, t->ctx.gprs.pc);
	if (!exited_by_svc(esr, 6) || t->ctx.gprs.x[2] != 1)
		return FAIL("EL0's condition flags were lost across a resume: ESR %#lx x2 %lu",
			    esr, t->ctx.gprs.x[2]);
	return NULL;
}

/*
 * Interrupts taken while EL0 runs are the hypervisor's: EL0 is resumed where
 * it was, with its registers and flags (a countdown loop on b.ne finishes
 * exactly), however often it is interrupted.
 */
static const char *el0_check_interrupted(struct el0_test *t)
{
	uint64_t esr, step = timer_us_to_ticks(COUNTDOWN_TICK_US);

	t->irq_exits = 0;
	t->ctx.gprs.x[0] = COUNTDOWN_LOOPS;
	t->ctx.gprs.pstate = 0;
	timer_guard_set(timer_now() + step);	/* fires once, then the run resumes */
	esr = run_el0(t, EL0_CODE_VA + EL0_COUNTDOWN);
	timer_guard_clear();
	if (!exited_by_svc(esr, 7) || t->ctx.gprs.x[0] != 0)
		return FAIL("an interrupted EL0 countdown: ESR %#lx x0 %lu", esr, t->ctx.gprs.x[0]);
	if (t->irq_exits == 0)
		return FAIL("no interrupt reached EL2 while EL0 counted down %lu loops",
			    COUNTDOWN_LOOPS);
	return NULL;
}

/* el0_switch_in/out: EL0 sees its own SP and zeroed thread registers. */
static const char *el0_check_shared_regs(struct el0_test *t)
{
	struct el0_shared saved;
	uint64_t esr;

	write_sysreg(sp_el0, 0x5900);	/* the loaded guest's */
	write_sysreg(tpidr_el0, 0x7100);
	write_sysreg(tpidrro_el0, 0x7200);
	saved = el0_switch_in(EL0_SP);
	esr = run_el0(t, EL0_CODE_VA + EL0_REGS);
	el0_switch_out(saved);
	if (!exited_by_svc(esr, 4) || t->ctx.gprs.x[2] || t->ctx.gprs.x[4] ||
	    t->ctx.gprs.x[5] != EL0_SP)
		return FAIL("EL0 registers: ESR %#lx TPIDR %#lx TPIDRRO %#lx SP %#lx",
			    esr, t->ctx.gprs.x[2], t->ctx.gprs.x[4], t->ctx.gprs.x[5]);
	if (read_sysreg(sp_el0) != 0x5900 || read_sysreg(tpidr_el0) != 0x7100 ||
	    read_sysreg(tpidrro_el0) != 0x7200)
		return FAIL("el0_switch_out did not put the guest's EL0 registers back");
	return NULL;
}

#define PAR_ATTR(par) ((par) >> 56)
#define PAR_SH(par) (((par) >> 7) & 3)
#define PAR_PA(par) ((par) & 0x0000fffffffff000UL)
#define ATTR_NORMAL_WB 0xffUL	/* inner and outer write-back, RW-allocate */
#define SH_INNER 3UL
#define POSE_PAR 0x800UL	/* a guest's last AT result */

/*
 * EL0's pages are Normal write-back, inner shareable: coherent with the
 * hypervisor's cacheable view of them and free of alignment rules (not
 * Device memory, which stage 1 off would give without HCR_EL2.DC).
 */
static const char *el0_check_memory_type(struct el0_test *t, paddr_t data)
{
	uint64_t par, unmapped;

	write_sysreg(par_el1, POSE_PAR);
	par = el0_translate(&t->s, EL0_DATA_VA);
	unmapped = el0_translate(&t->s, EL0_UNMAPPED_VA);
	if ((par & EL0_PAR_F) || PAR_PA(par) != data || PAR_ATTR(par) != ATTR_NORMAL_WB ||
	    PAR_SH(par) != SH_INNER)
		return FAIL("EL0's data page at PA %#lx: PAR %#lx, not Normal write-back "
			    "inner shareable there", data, par);
	if (!(unmapped & EL0_PAR_F))
		return FAIL("an unmapped EL0 address translates: PAR %#lx", unmapped);
	if (read_sysreg(par_el1) != POSE_PAR)
		return FAIL("el0_translate did not put the guest's PAR_EL1 back");
	return NULL;
}

static bool looks_up_as(struct el0_test *t, uint64_t va, paddr_t pa, unsigned prot)
{
	paddr_t got_pa;
	unsigned got_prot;

	return el0_lookup(&t->s, va, &got_pa, &got_prot) && got_pa == pa && got_prot == prot;
}

/*
 * Lookups report what EL0 sees; W+X is refused; an unmapped page faults at
 * once (its TLB entries were dropped) and a page mapped in its place is
 * what EL0 then reads.
 */
static const char *el0_check_space_ops(struct el0_test *t, paddr_t code, paddr_t data,
				       paddr_t rodata, paddr_t fresh)
{
	paddr_t pa;
	unsigned prot;
	uint64_t esr;

	if (!looks_up_as(t, EL0_CODE_VA, code, PROT_READ | PROT_EXEC) ||
	    !looks_up_as(t, EL0_DATA_VA + 8, data + 8, PROT_READ | PROT_WRITE) ||
	    !looks_up_as(t, EL0_RODATA_VA, rodata, PROT_READ) ||
	    el0_lookup(&t->s, EL0_UNMAPPED_VA, &pa, &prot))
		return FAIL("el0_lookup does not report what EL0 sees");
	if (el0_map(&t->s, EL0_UNMAPPED_VA, fresh, PAGE_SIZE,
		    PROT_READ | PROT_WRITE | PROT_EXEC) != PT_ERR_PROT)
		return FAIL("el0_map accepted a writable and executable page");
	t->ctx.gprs.x[3] = EL0_DATA_VA;
	if (el0_unmap(&t->s, EL0_DATA_VA, PAGE_SIZE))
		return FAIL("el0_unmap failed");
	esr = run_el0(t, EL0_CODE_VA + EL0_LOAD);
	if (esr >> 26 != EC_DABT_LOW)
		return FAIL("EL0 read of a page just unmapped: ESR %#lx", esr);
	*(volatile uint64_t *)phys_to_virt(fresh) = 0xf2e54;
	if (el0_map(&t->s, EL0_DATA_VA, fresh, PAGE_SIZE, PROT_READ | PROT_WRITE))
		return FAIL("el0_map of a fresh page failed");
	esr = run_el0(t, EL0_CODE_VA + EL0_LOAD);
	if (!exited_by_svc(esr, 1) || t->ctx.gprs.x[2] != 0xf2e54)
		return FAIL("EL0 read of a page remapped: ESR %#lx x2 %#lx", esr,
			    t->ctx.gprs.x[2]);
	return NULL;
}

static const char *el0_checks(struct el0_test *t, const paddr_t pages[4])
{
	uint64_t host[GV_COUNT];
	struct el0_shared host_el0;
	const char *err;

	guest_view_read(host);
	host_el0 = el0_switch_in(0);	/* only to keep and restore them */
	pose_as_guest(host);
	err = el0_check_basics(t);
	if (!err)
		err = el0_check_isolation(t);
	if (!err)
		err = el0_check_guest_controls(t);
	if (!err)
		err = el0_check_shared_regs(t);
	if (!err)
		err = el0_check_resume(t);
	if (!err)
		err = el0_check_interrupted(t);
	if (!err)
		err = el0_check_memory_type(t, pages[1]);
	if (!err)
		err = el0_check_space_ops(t, pages[0], pages[1], pages[2], pages[3]);
	guest_view_write(host);
	el0_switch_out(host_el0);
	if (!err && t->damage)
		err = FAIL("an EL0 run did not put %s back", t->damage);
	return err;
}

static const char *test_el0_roundtrip(void)
{
	struct el0_test t;
	paddr_t pages[4];		/* code, data, rodata, a fresh one */
	unsigned got = 0;
	const char *err;

	if (!el0_supported())
		return SKIPPED;
	while (got < ARRAY_SIZE(pages) && mm_alloc_zeroed_pages(1, &pages[got]))
		got++;
	memset(&t, 0, sizeof(t));
	if (got < ARRAY_SIZE(pages) || el0_space_init(&t.s, 1)) {
		err = FAIL("no memory");
		goto free;
	}
	memcpy(phys_to_virt(pages[0]), el0_code, sizeof(el0_code));
	dcache_clean_range(phys_to_virt(pages[0]), sizeof(el0_code));
	__asm__ volatile("ic ialluis; dsb ish; isb" ::: "memory");
	t.data = phys_to_virt(pages[1]);
	if (el0_map(&t.s, EL0_CODE_VA, pages[0], PAGE_SIZE, PROT_READ | PROT_EXEC) ||
	    el0_map(&t.s, EL0_DATA_VA, pages[1], PAGE_SIZE, PROT_READ | PROT_WRITE) ||
	    el0_map(&t.s, EL0_RODATA_VA, pages[2], PAGE_SIZE, PROT_READ))
		err = FAIL("cannot map the EL0 pages");
	else
		err = el0_checks(&t, pages);
	el0_space_destroy(&t.s);
free:
	while (got)
		mm_free_pages(pages[--got], 1);
	return err;
}

struct selftest {
	const char *name;
	const char *(*run)(void);
};

static const struct selftest tests[] = {
	{ "mmu_text_read_only", test_text_is_read_only },
	{ "mmu_rodata_read_only", test_rodata_is_read_only },
	{ "mmu_data_not_executable", test_data_is_not_executable },
	{ "mmu_stack_guard", test_stack_guard_unmapped },
	{ "mmu_remap_enforced", test_remap_enforced },
	{ "page_allocator", test_page_allocator },
	{ "cpus_online", test_all_cpus_online },
	{ "sgi_every_cpu", test_sgi_every_cpu },
	{ "timer_every_cpu", test_timer_every_cpu },
	{ "spinlock_contention", test_spinlock_contention },
	{ "console_concurrent", test_console_concurrent },
	{ "el0_roundtrip", test_el0_roundtrip },
};

unsigned selftest_run(void)
{
	unsigned failed = 0, skipped = 0;

	arch_irq_disable();	/* like every CPU: interrupts only in idle waits */
	for (size_t i = 0; i < ARRAY_SIZE(tests); i++) {
		const char *why = tests[i].run();

		if (why == SKIPPED) {
			printk("selftest: SKIP %s: does not apply to this CPU\n", tests[i].name);
			skipped++;
		} else if (why) {
			printk("selftest: FAIL %s: %s\n", tests[i].name, why);
			failed++;
		} else {
			printk("selftest: PASS %s\n", tests[i].name);
		}
	}
	printk("selftest: %zu passed, %u failed, %u skipped\n",
	       ARRAY_SIZE(tests) - failed - skipped, failed, skipped);
	return failed;
}

void selftest_crash(void)
{
	volatile uint64_t *nowhere = phys_to_virt(0);

	printk("elvisor: crash test: reading unmapped address %p\n", (void *)nowhere);
	(void)*nowhere;
	panic("crash test: the read of an unmapped address did not fault");
}
