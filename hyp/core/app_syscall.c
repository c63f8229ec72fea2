/*
 * The app syscalls (abi/app.h), run on the pCPU where the app runs, with
 * a->lock held. The argument rules are in core/app_check.c (unit-tested);
 * this file applies them to the app's address space, its domain's RAM and
 * virtual GIC, and its timer. A misuse returns its APP_E_* code to the run
 * loop, which makes it an app fault; codes the ABI returns to the app go
 * back in x0.
 */
#include "arch/mmu.h"
#include "core/console.h"
#include "core/percpu.h"
#include "core/vcpu.h"
#include "core/vgic.h"
#include "drivers/timer.h"
#include "lib/format.h"
#include "lib/string.h"
#include "core/stubdom.h"
#include "app_internal.h"

#define NS_PER_S 1000000000ULL

_Static_assert(GUEST_SPI_FIRST == 32 && GUEST_SPI_LAST == 31 + VGIC_NR_SPIS,
	       "the manifest grants the SPIs the virtual GIC has");
_Static_assert(APP_FILE_SIZE_MAX == APP_FILE_MAX, "the manifest's file limit is the ABI's");

/* The app's address space: its EL0 tables, or its stub domain's stage 2. */
static int space_map(struct app *a, uint64_t va, paddr_t pa, size_t size, unsigned prot)
{
	return a->stub ? stub_space_map(a, va, pa, size, prot) : el0_map(&a->space, va, pa, size, prot);
}

static void space_unmap(struct app *a, uint64_t va, size_t size)
{
	if (a->stub)
		stub_space_unmap(a, va, size);
	else
		el0_unmap(&a->space, va, size);
}

static bool space_lookup(struct app *a, uint64_t va, paddr_t *pa, unsigned *prot)
{
	return a->stub ? stub_space_lookup(a, va, pa, prot) : el0_lookup(&a->space, va, pa, prot);
}

static struct app_domain_view domain_view(const struct app *a)
{
	return (struct app_domain_view){ a->dom->ram_ipa, a->dom->ram_size, a->cfg->irqs,
					 a->cfg->nirqs };
}

uint64_t app_time_ns(const struct app *a)
{
	return ticks_to_ns(timer_now() - a->dom->cntvoff);
}

static uint64_t ns_to_ticks(uint64_t ns)
{
	uint64_t freq = timer_frequency();

	return ns / NS_PER_S * freq + ns % NS_PER_S * freq / NS_PER_S;
}

/*
 * Copy app memory [va, va + len) out, through the hypervisor's own mapping
 * of the pages: only bytes the app itself can read, never the guest window.
 */
static bool copy_from_app(struct app *a, char *dst, uint64_t va, uint64_t len)
{
	if (!app_range_ok(va, len) || va + len > APP_GUEST_WINDOW_BASE)
		return false;
	while (len) {
		size_t chunk = MIN(len, PAGE_SIZE - (va & (PAGE_SIZE - 1)));
		unsigned prot;
		paddr_t pa;

		if (!space_lookup(a, va, &pa, &prot) || !(prot & PROT_READ))
			return false;
		memcpy(dst, phys_to_virt(pa), chunk);
		dst += chunk;
		va += chunk;
		len -= chunk;
	}
	return true;
}

/* Text the app passes (LOG, PANIC), made printable and NUL-terminated in buf. */
static int app_text(struct app *a, uint64_t va, uint64_t len, char *buf)
{
	if (app_check_log_len(len))
		return APP_E_RANGE;
	if (!copy_from_app(a, buf, va, len))
		return APP_E_FAULT;
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		len--;
	for (uint64_t i = 0; i < len; i++)
		if (buf[i] < 0x20 || buf[i] > 0x7e)
			buf[i] = '?';
	buf[len] = '\0';
	return APP_OK;
}

static int sys_log(struct app *a, uint64_t regs[6])
{
	char text[APP_LOG_MAX + 1];
	int err = app_text(a, regs[0], regs[1], text);

	if (err)
		return err;
	printk("[%s/%s] %s\n", a->dom->name, a->cfg->name, text);
	regs[0] = regs[1];
	return APP_OK;
}

static int sys_panic(struct app *a, uint64_t regs[6])
{
	int err = app_text(a, regs[0], regs[1], a->detail);

	if (err)
		format(a->detail, sizeof(a->detail), "(message unreadable: APP_E_%s)",
		       app_error_name(err));
	return APP_E_PANIC;
}

static int sys_map_guest(struct app *a, uint64_t regs[6])
{
	struct app_domain_view view = domain_view(a);
	uint64_t ipa = regs[0], size = regs[1], flags = regs[2], va;
	unsigned prot = PROT_READ | ((flags & ~(uint64_t)APP_MAP_TRY) == APP_MAP_RW ? PROT_WRITE : 0);
	int err = app_check_map_guest(&view, ipa, size, flags);

	if (err == APP_E_FAULT)
		format(a->detail, sizeof(a->detail),
		       "[%#lx, +%#lx) is not inside the domain's RAM [%#lx, +%#lx)", ipa, size,
		       view.ram_ipa, view.ram_size);
	if (err == APP_OK && (a->nmaps == APP_MAX_MAPPINGS ||
			      !app_window_alloc(a->maps, a->nmaps, size, &va)))
		err = APP_E_NOMEM;
	if (err == APP_OK &&
	    space_map(a, va, a->dom->ram_pa + (ipa - view.ram_ipa), size, prot)) {
		space_unmap(a, va, size);		/* whatever part was mapped */
		err = APP_E_NOMEM;
	}
	if (err != APP_OK) {
		if (!app_error_is_returned(APP_SYS_MAP_GUEST, err, flags))
			return err;
		regs[0] = (uint64_t)(int64_t)err;
		return APP_OK;
	}
	a->maps[a->nmaps++] = (struct app_mapping){ va, ipa, size };
	regs[0] = va;
	return APP_OK;
}

static int sys_unmap(struct app *a, uint64_t regs[6])
{
	int i = app_window_find(a->maps, a->nmaps, regs[0], regs[1]);

	if (i < 0) {
		format(a->detail, sizeof(a->detail), "[%#lx, +%#lx) is not a mapping it made",
		       regs[0], regs[1]);
		return APP_E_INVALID;
	}
	space_unmap(a, a->maps[i].va, a->maps[i].size);
	a->maps[i] = a->maps[--a->nmaps];
	regs[0] = 0;
	return APP_OK;
}

static int sys_irq(struct app *a, uint64_t regs[6], bool level)
{
	struct app_domain_view view = domain_view(a);
	int i = app_irq_index(&view, regs[0]);

	if (i < 0) {
		format(a->detail, sizeof(a->detail), "INTID %lu is not granted to it", regs[0]);
		return APP_E_DENIED;
	}
	if (level)
		a->lines_high |= 1u << i;
	else
		a->lines_high &= ~(1u << i);
	vgic_inject_spi(a->dom, (uint32_t)regs[0], level);
	regs[0] = 0;
	return APP_OK;
}

static int sys_timer_set(struct app *a, uint64_t regs[6])
{
	uint64_t deadline = regs[0];
	int err = app_check_timer(app_time_ns(a), deadline);

	if (err == APP_E_RANGE) {
		format(a->detail, sizeof(a->detail), "deadline %lu ns is more than %llu s ahead",
		       deadline, APP_TIMER_MAX_NS / NS_PER_S);
		return err;
	}
	timer_event_cancel(&a->timer);
	atomic_store(&a->timer_due, false);
	if (err == APP_E_EXPIRED) {
		regs[0] = (uint64_t)(int64_t)APP_E_EXPIRED;
		return APP_OK;
	}
	a->timer_deadline_ns = deadline;
	timer_event_arm(&a->timer, this_cpu_id(), a->dom->cntvoff + ns_to_ticks(deadline));
	regs[0] = 0;
	return APP_OK;
}

static int sys_timer_cancel(struct app *a, uint64_t regs[6])
{
	timer_event_cancel(&a->timer);
	atomic_store(&a->timer_due, false);
	regs[0] = 0;
	return APP_OK;
}

int app_syscall(struct app *a, uint64_t sysno, uint64_t regs[6])
{
	int err;

	a->detail[0] = '\0';
	switch (sysno) {
	case APP_SYS_LOG:
		err = sys_log(a, regs);
		break;
	case APP_SYS_MAP_GUEST:
		err = sys_map_guest(a, regs);
		break;
	case APP_SYS_UNMAP:
		err = sys_unmap(a, regs);
		break;
	case APP_SYS_IRQ_SET:
	case APP_SYS_IRQ_CLEAR:
		err = sys_irq(a, regs, sysno == APP_SYS_IRQ_SET);
		break;
	case APP_SYS_TIMER_SET:
		err = sys_timer_set(a, regs);
		break;
	case APP_SYS_TIMER_CANCEL:
		err = sys_timer_cancel(a, regs);
		break;
	case APP_SYS_TIME:
		regs[0] = app_time_ns(a);
		err = APP_OK;
		break;
	case APP_SYS_PANIC:
		err = sys_panic(a, regs);
		break;
	default:
		err = APP_E_NOSYS;
	}
	return err;
}

void app_release_resources(struct app *a)
{
	for (unsigned i = 0; i < a->nmaps; i++)
		space_unmap(a, a->maps[i].va, a->maps[i].size);
	a->nmaps = 0;
	for (unsigned i = 0; i < a->cfg->nirqs; i++)
		if (a->lines_high & (1u << i))
			vgic_inject_spi(a->dom, a->cfg->irqs[i], false);
	a->lines_high = 0;
	timer_event_cancel(&a->timer);
	atomic_store(&a->timer_due, false);
}
