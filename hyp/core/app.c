/* EL0 apps: loading, the event round trip, syscalls, faults (see core/app.h). */
#include "abi/app.h"
#include "arch/el0.h"
#include "arch/esr.h"
#include "arch/mmu.h"
#include "core/app.h"
#include "core/console.h"
#include "core/irq.h"
#include "core/initrd.h"
#include "core/mm.h"
#include "core/spinlock.h"
#include "core/vcpu.h"
#include "drivers/timer.h"
#include "lib/cpio.h"
#include "lib/elf.h"
#include "lib/format.h"
#include "lib/string.h"

#define APP_ASID_FIRST 16	/* below: reserved (self tests) */
#define MAX_APPS (MAX_DOMAINS * MANIFEST_MAX_APPS)

struct app {
	const struct app_config *cfg;
	struct domain *dom;
	struct el0_space space;
	uint64_t entry;
	spinlock_t lock;		/* ticket lock: events served in FIFO order */
	bool faulted;
	uint64_t events, faults, ticks;
};

static struct app *apps[MAX_APPS];
static unsigned napps;

/* --- loading ----------------------------------------------------------------- */

static int map_fresh(struct app *a, uint64_t va, size_t size, unsigned prot, void **mem)
{
	size_t npages = size >> PAGE_SHIFT;
	paddr_t pa;

	if (!mm_alloc_zeroed_pages(npages, &pa) || el0_map(&a->space, va, pa, size, prot))
		return -1;
	*mem = phys_to_virt(pa);
	return 0;
}

static int load_image(struct app *a, const void *image, size_t size)
{
	char err[128];
	struct elf_info info;

	if (elf_parse(image, size, &info, err, sizeof(err)) != ELF_OK) {
		pr_err("%s/%s: %s\n", a->dom->name, a->cfg->name, err);
		return -1;
	}
	for (unsigned i = 0; i < info.nsegments; i++) {
		const struct elf_segment *seg = &info.segments[i];
		size_t bytes = elf_segment_page_size(seg);
		unsigned prot = (seg->flags & ELF_SEG_W ? PROT_WRITE : 0) |
				(seg->flags & ELF_SEG_X ? PROT_EXEC : 0) | PROT_READ;
		void *mem;

		if (map_fresh(a, elf_segment_page_base(seg), bytes, prot, &mem) ||
		    elf_load_segment(image, size, seg, mem, bytes, err, sizeof(err))) {
			pr_err("%s/%s: cannot load segment %u\n", a->dom->name, a->cfg->name, i);
			return -1;
		}
		dcache_clean_range(mem, bytes);
	}
	__asm__ volatile("ic ialluis; dsb ish; isb" ::: "memory");
	a->entry = info.entry;
	return 0;
}

/* --- the event round trip --------------------------------------------------------- */

static void app_fault(struct app *a, const char *why, uint64_t esr)
{
	char desc[200];

	a->faulted = true;
	a->faults++;
	esr_describe(esr, 0, desc, sizeof(desc));
	printk("elvisor: app %s/%s: %s (%s): disabled, its guest reads zero from it\n",
	       a->dom->name, a->cfg->name, why, desc);
}

/* Copy app memory [va, va + len) out, checking it is the app's and readable. */
static bool copy_from_app(struct app *a, char *dst, uint64_t va, size_t len)
{
	while (len) {
		size_t chunk = MIN(len, PAGE_SIZE - (va & (PAGE_SIZE - 1)));
		unsigned prot;
		paddr_t pa;

		if (!pgtable_lookup(&a->space.pt, va, &pa, &prot) ||
		    (prot & (PROT_USER | PROT_READ)) != (PROT_USER | PROT_READ))
			return false;
		memcpy(dst, phys_to_virt(pa), chunk);
		dst += chunk;
		va += chunk;
		len -= chunk;
	}
	return true;
}

static int64_t sys_log(struct app *a, uint64_t va, uint64_t len)
{
	char text[APP_LOG_MAX + 1];

	if (len > APP_LOG_MAX)
		return APP_E_RANGE;
	if (!copy_from_app(a, text, va, len))
		return APP_E_FAULT;
	while (len && text[len - 1] == '\n')
		len--;
	text[len] = '\0';
	printk("[%s/%s] %s\n", a->dom->name, a->cfg->name, text);
	return 0;
}

/*
 * Run one event. The vCPU that trapped stays loaded: only the EL0 state it
 * shares with the app (SP_EL0, TPIDR_EL0, TPIDRRO_EL0) changes hands.
 * Returns false if the app faulted (it is then disabled).
 */
static bool app_event(struct app *a, uint64_t ev, uint64_t a1, uint64_t a2, uint64_t a3,
		      uint64_t *result)
{
	struct vcpu_context ctx;
	struct el0_shared shared;
	uint64_t start = timer_now();
	bool ok = false;

	memset(&ctx.gprs, 0, sizeof(ctx.gprs));
	ctx.gprs.x[0] = ev;
	ctx.gprs.x[1] = a1;
	ctx.gprs.x[2] = a2;
	ctx.gprs.x[3] = a3;
	ctx.gprs.pc = a->entry;
	spin_lock(&a->lock);
	if (a->faulted)
		goto out;
	el0_switch_in(&shared, APP_STACK_TOP);
	for (;;) {
		uint64_t exit = el0_run(&a->space, &ctx);

		if (exit == EXIT_IRQ) {
			irq_handle_pending();
			continue;
		}
		if (exit != EXIT_SYNC || esr_ec(ctx.esr) != ESR_EC_SVC64) {
			app_fault(a, "exception at EL0", ctx.esr);
			break;
		}
		if (ctx.gprs.x[8] == APP_SYS_RETURN) {
			*result = ctx.gprs.x[0];
			ok = true;
			break;
		}
		if (ctx.gprs.x[8] == APP_SYS_LOG) {
			int64_t r = sys_log(a, ctx.gprs.x[0], ctx.gprs.x[1]);

			if (r) {
				app_fault(a, "bad APP_SYS_LOG arguments", ctx.esr);
				break;
			}
			ctx.gprs.x[0] = 0;
			continue;	/* ELR is already past the SVC */
		}
		app_fault(a, "syscall not supported yet", ctx.esr);
		break;
	}
	el0_switch_out(&shared);
out:
	a->events++;
	a->ticks += timer_now() - start;
	spin_unlock(&a->lock);
	return ok;
}

/* --- MMIO served by an app ------------------------------------------------------------ */

static bool app_mmio_read(struct vcpu *v, void *ctx, uint64_t offset, unsigned size,
			  uint64_t *value)
{
	struct app *a = ctx;

	(void)v;
	if (!app_event(a, APP_EV_MMIO_READ, a->cfg->mmio_base + offset, size, 0, value))
		*value = 0;		/* fault policy: read as zero */
	if (size < 8)
		*value &= (1UL << (size * 8)) - 1;
	return true;
}

static bool app_mmio_write(struct vcpu *v, void *ctx, uint64_t offset, unsigned size,
			   uint64_t value)
{
	struct app *a = ctx;
	uint64_t ignored;

	(void)v;
	app_event(a, APP_EV_MMIO_WRITE, a->cfg->mmio_base + offset, size, value, &ignored);
	return true;			/* a faulted app ignores writes */
}

static const struct mmio_ops app_mmio_ops = {
	.read = app_mmio_read,
	.write = app_mmio_write,
};

/* --- creation ----------------------------------------------------------------------- */

static struct app *app_create(struct domain *d, const struct app_config *cfg)
{
	struct cpio_file file;
	struct app *a;
	paddr_t pa;
	void *stack;
	uint64_t init;

	_Static_assert(sizeof(struct app) <= PAGE_SIZE, "an app in a page");
	if (napps == MAX_APPS || !mm_alloc_zeroed_pages(1, &pa))
		return NULL;
	a = phys_to_virt(pa);
	a->cfg = cfg;
	a->dom = d;
	if (cpio_find(initrd_data(), initrd_size(), cfg->image, &file) != CPIO_OK ||
	    el0_space_init(&a->space, (uint16_t)(APP_ASID_FIRST + napps)) ||
	    load_image(a, file.data, file.size) ||
	    map_fresh(a, APP_STACK_BASE, APP_STACK_SIZE, PROT_READ | PROT_WRITE, &stack))
		return NULL;
	if (domain_add_mmio(d, cfg->mmio_base, cfg->mmio_size, &app_mmio_ops, a, cfg->name)) {
		pr_err("%s/%s: its MMIO range overlaps another region\n", d->name, cfg->name);
		return NULL;
	}
	apps[napps++] = a;
	if (!app_event(a, APP_EV_INIT, d->id, 0, 0, &init) || (int64_t)init < 0)
		printk("elvisor: app %s/%s refused to start\n", d->name, cfg->name);
	return a;
}

int apps_create(struct domain *d)
{
	const struct domain_config *c = d->config;

	if (c->napps && !el0_supported()) {
		pr_err("%s: EL0 apps need a VHE host for now (FEAT_VHE); domain not created\n",
		       d->name);
		return -1;
	}
	for (unsigned i = 0; i < c->napps; i++) {
		if (!app_create(d, &c->app[i])) {
			pr_err("%s: app \"%s\" not created\n", d->name, c->app[i].name);
			return -1;
		}
		printk("elvisor: domain %s: app %s (%s) serves MMIO [%#lx, %#lx)\n", d->name,
		       c->app[i].name, c->app[i].image, c->app[i].mmio_base,
		       c->app[i].mmio_base + c->app[i].mmio_size);
	}
	return 0;
}

void apps_print(void)
{
	printk("  domain           app              MMIO range                 events  faults  ms\n");
	for (unsigned i = 0; i < napps; i++) {
		struct app *a = apps[i];

		printk("  %-16s %-16s [%#010lx, %#010lx) %8lu %7lu %3lu%s\n", a->dom->name,
		       a->cfg->name, a->cfg->mmio_base, a->cfg->mmio_base + a->cfg->mmio_size,
		       a->events, a->faults, ticks_to_ns(a->ticks) / 1000000,
		       a->faulted ? "  (disabled)" : "");
	}
}
