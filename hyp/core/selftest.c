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
#include "core/console.h"
#include "core/mm.h"
#include "core/percpu.h"
#include "core/selftest.h"
#include "core/smp.h"
#include "core/spinlock.h"
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
 * EL0 in the EL2&0 regime, the mechanism of the coming EL0 apps: code at
 * EL0 runs from its own ASID-tagged table, returns with SVC, and cannot
 * touch the hypervisor or write its read-only pages.
 */
#define EL0_CODE_VA 0x400000UL
#define EL0_DATA_VA 0x401000UL
#define EL0_RODATA_VA 0x402000UL
#define EC_FP_SIMD 0x07
#define EC_SVC64 0x15
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
};

static uint64_t run_el0(struct el0_space *s, struct vcpu_context *ctx, uint64_t pc)
{
	uint64_t exit;

	ctx->gprs.pc = pc;
	while ((exit = el0_run(s, ctx)) == EXIT_IRQ)
		irq_handle_pending();
	return exit == EXIT_SYNC ? ctx->esr : ~0UL;
}

static const char *el0_checks(struct el0_space *s, uint64_t *data)
{
	static volatile uint64_t hyp_secret = 0x5ec7e7;
	struct vcpu_context ctx = { 0 };
	uint64_t esr;

	ctx.gprs.x[0] = 40;
	ctx.gprs.x[1] = 2;
	esr = run_el0(s, &ctx, EL0_CODE_VA);
	if (esr >> 26 != EC_SVC64 || (esr & 0xffff) != 0 || ctx.gprs.x[0] != 42)
		return FAIL("add/svc #0: ESR %#lx x0 %lu", esr, ctx.gprs.x[0]);
	data[0] = 0xfeed;
	ctx.gprs.x[3] = EL0_DATA_VA;
	esr = run_el0(s, &ctx, EL0_CODE_VA + 0x08);
	if (esr >> 26 != EC_SVC64 || (esr & 0xffff) != 1 || ctx.gprs.x[2] != 0xfeed)
		return FAIL("load from its own page: ESR %#lx x2 %#lx", esr, ctx.gprs.x[2]);
	ctx.gprs.x[2] = 0xbeef;
	esr = run_el0(s, &ctx, EL0_CODE_VA + 0x10);
	if (esr >> 26 != EC_SVC64 || data[0] != 0xbeef)
		return FAIL("store to its own page: ESR %#lx value %#lx", esr, data[0]);
	ctx.gprs.x[3] = (uintptr_t)&hyp_secret;
	esr = run_el0(s, &ctx, EL0_CODE_VA + 0x08);
	if (esr >> 26 != EC_DABT_LOW || ctx.gprs.x[2] == hyp_secret)
		return FAIL("EL0 read of hypervisor memory: ESR %#lx", esr);
	ctx.gprs.x[3] = EL0_RODATA_VA;
	esr = run_el0(s, &ctx, EL0_CODE_VA + 0x10);
	if (esr >> 26 != EC_DABT_LOW)
		return FAIL("EL0 write to its read-only page: ESR %#lx", esr);
	esr = run_el0(s, &ctx, EL0_DATA_VA);
	if (esr >> 26 != EC_IABT_LOW)
		return FAIL("EL0 execution from its data page: ESR %#lx", esr);
	esr = run_el0(s, &ctx, EL0_CODE_VA + 0x18);
	if (esr >> 26 != EC_FP_SIMD)
		return FAIL("EL0 FP/SIMD instruction was not trapped: ESR %#lx", esr);
	return NULL;
}

static const char *test_el0_roundtrip(void)
{
	struct el0_space s;
	paddr_t code, data, rodata;
	const char *err;

	if (!el0_supported())
		return SKIPPED;
	if (!mm_alloc_zeroed_pages(1, &code) || !mm_alloc_zeroed_pages(1, &data) ||
	    !mm_alloc_zeroed_pages(1, &rodata) || el0_space_init(&s, 1))
		return FAIL("no memory");
	memcpy(phys_to_virt(code), el0_code, sizeof(el0_code));
	dcache_clean_range(phys_to_virt(code), sizeof(el0_code));
	__asm__ volatile("ic ialluis; dsb ish; isb" ::: "memory");
	if (el0_map(&s, EL0_CODE_VA, code, PAGE_SIZE, PROT_READ | PROT_EXEC) ||
	    el0_map(&s, EL0_DATA_VA, data, PAGE_SIZE, PROT_READ | PROT_WRITE) ||
	    el0_map(&s, EL0_RODATA_VA, rodata, PAGE_SIZE, PROT_READ))
		return FAIL("cannot map the EL0 pages");
	err = el0_checks(&s, phys_to_virt(data));
	el0_space_destroy(&s);
	mm_free_pages(code, 1);
	mm_free_pages(data, 1);
	mm_free_pages(rodata, 1);
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
			printk("selftest: SKIP %s: needs VHE (EL0 on non-VHE hosts comes with EL0 apps)\n",
			       tests[i].name);
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
