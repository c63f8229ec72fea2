/*
 * EL0 apps: creating the instances a domain's manifest names (the ELF
 * loaded into a fresh EL0 address space, a stack, INIT), re-initialising
 * an app's memory for a reset, and the `apps` listing. Events are run by
 * core/app_run.c, syscalls by core/app_syscall.c, the guest-facing entry
 * points (MMIO, calls, timers, console input) are in core/app_device.c.
 */
#include "arch/cpu.h"
#include "arch/mmu.h"
#include "core/console.h"
#include "core/initrd.h"
#include "core/mm.h"
#include "core/stubdom.h"
#include "core/vcpu.h"
#include "drivers/timer.h"
#include "lib/cpio.h"
#include "lib/format.h"
#include "lib/string.h"
#include "app_internal.h"

#define APP_ASID_FIRST 16	/* below: reserved (self tests) */
#define STRUCT_APP_PAGES ((sizeof(struct app) + PAGE_SIZE - 1) / PAGE_SIZE)

struct app *apps[MAX_APPS];
unsigned napps;

/* --- loading ----------------------------------------------------------------- */

static int map_fresh(struct app *a, uint64_t va, size_t size, unsigned prot, void **mem)
{
	paddr_t pa;

	if (!mm_alloc_zeroed_pages(size >> PAGE_SHIFT, &pa) || el0_map(&a->space, va, pa, size, prot))
		return -1;
	*mem = phys_to_virt(pa);
	return 0;
}

/* Copy (or re-copy) one segment's bytes from the image; bss and page tails zeroed. */
static void fill_segment(struct app *a, const struct app_segment *s)
{
	char err[96];

	/* The image was checked at load: this cannot fail now. */
	elf_load_segment(a->image, a->image_size, &s->seg, s->mem, s->bytes, err, sizeof(err));
	dcache_clean_range(s->mem, s->bytes);
}

static int load_image(struct app *a)
{
	char err[128];
	struct elf_info info;

	if (elf_parse(a->image, a->image_size, &info, err, sizeof(err)) != ELF_OK) {
		pr_err("%s/%s: %s\n", a->dom->name, a->cfg->name, err);
		return -1;
	}
	for (unsigned i = 0; i < info.nsegments; i++) {
		struct app_segment *s = &a->segs[i];
		unsigned prot = (info.segments[i].flags & ELF_SEG_W ? PROT_WRITE : 0) |
				(info.segments[i].flags & ELF_SEG_X ? PROT_EXEC : 0) | PROT_READ;

		s->seg = info.segments[i];
		s->bytes = elf_segment_page_size(&s->seg);
		if (map_fresh(a, elf_segment_page_base(&s->seg), s->bytes, prot, &s->mem)) {
			pr_err("%s/%s: out of memory for segment %u\n", a->dom->name, a->cfg->name, i);
			return -1;
		}
		fill_segment(a, s);
	}
	a->nsegs = info.nsegments;
	__asm__ volatile("ic ialluis; dsb ish; isb" ::: "memory");
	a->entry = info.entry;
	return 0;
}

void app_reload_memory(struct app *a)
{
	for (unsigned i = 0; i < a->nsegs; i++)
		if (a->segs[i].seg.flags & ELF_SEG_W)	/* read-only pages cannot have changed */
			fill_segment(a, &a->segs[i]);
	memset(a->stack, 0, APP_STACK_SIZE);
}

/* The manifest's `file`: a private read-write copy at APP_FILE_BASE. */
static int load_file(struct app *a)
{
	const struct app_config *c = a->cfg;
	struct cpio_file file;
	void *mem;

	if (!c->file[0])
		return 0;
	if (cpio_find(initrd_data(), initrd_size(), c->file, &file) != CPIO_OK ||
	    file.size != c->file_size) {
		pr_err("%s/%s: file \"%s\" is not in the boot archive\n", a->dom->name, c->name,
		       c->file);
		return -1;
	}
	if (map_fresh(a, APP_FILE_BASE, ALIGN_UP(file.size, (size_t)PAGE_SIZE),
		      PROT_READ | PROT_WRITE, &mem)) {
		pr_err("%s/%s: out of memory for its %zu-byte file\n", a->dom->name, c->name,
		       file.size);
		return -1;
	}
	memcpy(mem, file.data, file.size);
	return 0;
}

/* --- creation ----------------------------------------------------------------------- */

static struct app *app_alloc(struct domain *d, const struct app_config *cfg, unsigned index)
{
	struct app *a;
	paddr_t pa;

	if (napps == MAX_APPS || !mm_alloc_zeroed_pages(STRUCT_APP_PAGES, &pa))
		return NULL;
	a = phys_to_virt(pa);
	a->cfg = cfg;
	a->dom = d;
	a->index = index;
	a->budget_ticks = timer_us_to_ticks(cfg->budget_us);
	timer_event_init(&a->timer, app_timer_fired, a);
	return a;
}

/* The EL0 side: address space, image, stack and file. 0 or -1 with the reason printed. */
static int app_load_el0(struct app *a)
{
	struct cpio_file file;
	const struct app_config *cfg = a->cfg;

	if (cpio_find(initrd_data(), initrd_size(), cfg->image, &file) != CPIO_OK) {
		pr_err("%s/%s: image \"%s\" is not in the boot archive\n", a->dom->name,
		       cfg->name, cfg->image);
		return -1;
	}
	a->image = file.data;
	a->image_size = file.size;
	if (el0_space_init(&a->space, (uint16_t)(APP_ASID_FIRST + napps)) || load_image(a) ||
	    map_fresh(a, APP_STACK_BASE, APP_STACK_SIZE, PROT_READ | PROT_WRITE, &a->stack) ||
	    load_file(a))
		return -1;
	return 0;
}

static struct app *app_create(struct domain *d, const struct app_config *cfg, unsigned index)
{
	struct app *a = app_alloc(d, cfg, index);

	if (!a)
		return NULL;
	/* A stub domain runs the code; the device needs only its ring and file here. */
	if (cfg->stubdom ? stub_create(a) : app_load_el0(a))
		return NULL;
	if (cfg->mmio_size && app_register_mmio(a)) {
		pr_err("%s/%s: its MMIO range overlaps another region\n", d->name, cfg->name);
		return NULL;
	}
	apps[napps++] = a;
	d->apps[d->napps++] = a;
	return a;
}

void app_device_args(const struct app *a, uint64_t out[5])
{
	out[0] = a->cfg->file_size;
	out[1] = a->cfg->mmio_base;
	out[2] = a->cfg->mmio_size;
	out[3] = a->cfg->nirqs ? a->cfg->irqs[0] : 0;
	out[4] = arch_has_rndr() ? APP_HWCAP_RNDR : 0;
}

void app_refused_locked(struct app *a, int64_t code, const char *which)
{
	a->disabled = true;
	a->stats.faults[APP_FAULT_REFUSED]++;
	app_release_resources(a);
	printk("elvisor: app %s/%s fault: INIT refused (%s returned %ld); app disabled\n",
	       a->dom->name, a->cfg->name, which, (long)code);
}

void app_refused(struct app *a, int64_t code, const char *which)
{
	spin_lock(&a->lock);
	app_refused_locked(a, code, which);
	spin_unlock(&a->lock);
}

/* INIT: a refusal (negative result) disables the app; a fault follows its policy. */
static void app_init(struct app *a)
{
	uint64_t args[7] = { a->dom->id }, res[4] = { 0 };

	app_device_args(a, &args[1]);

	if (app_deliver(a, NULL, APP_EV_INIT, args, res) == APP_DONE && (int64_t)res[0] < 0)
		app_refused(a, (int64_t)res[0], "its init handler");
}

static void describe_service(const struct app_config *c, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	if (c->mmio_size)
		len += (size_t)format(buf + len, size - len, " MMIO [%#lx, %#lx)", c->mmio_base,
				      c->mmio_base + c->mmio_size);
	for (unsigned i = 0; i < c->ncalls && len < size; i++)
		len += (size_t)format(buf + len, size - len, " calls [%#x, %#x]", c->calls[i].first,
				      c->calls[i].last);
	for (unsigned i = 0; i < c->nirqs && len < size; i++)
		len += (size_t)format(buf + len, size - len, "%s%u", i ? "," : " irqs ",
				      c->irqs[i]);
	if (c->console && len < size)
		len += (size_t)format(buf + len, size - len, " console");
	if (c->file[0] && len < size)
		format(buf + len, size - len, " file %s (%lu bytes)", c->file, c->file_size);
}

static bool needs_el0(const struct domain_config *c)
{
	for (unsigned i = 0; i < c->napps; i++)
		if (!c->app[i].stubdom)
			return true;
	return false;
}

int apps_create(struct domain *d)
{
	const struct domain_config *c = d->config;
	char what[192];

	if (needs_el0(c) && !el0_supported()) {
		pr_err("%s: EL0 apps are not supported on this CPU; domain not created\n", d->name);
		return -1;
	}
	for (unsigned i = 0; i < c->napps; i++) {
		if (!app_create(d, &c->app[i], i)) {
			pr_err("%s: app \"%s\" not created\n", d->name, c->app[i].name);
			return -1;
		}
		describe_service(&c->app[i], what, sizeof(what));
		printk("elvisor: domain %s: %s %s (%s) serves%s\n", d->name,
		       c->app[i].stubdom ? "stub-domain device" : "app", c->app[i].name,
		       c->app[i].image, what[0] ? what : " nothing yet (timer only)");
	}
	for (unsigned i = 0; i < d->napps; i++)
		app_init(d->apps[i]);
	return 0;
}

/* --- the listing --------------------------------------------------------------------- */

static const char *const fault_names[APP_FAULT_KINDS] = {
	"budget", "dabt", "iabt", "undef", "fpsimd", "stack", "syscall", "panic", "refused",
};

static const char *const event_names[APP_EV_MAX + 1] = {
	"?", "init", "read", "write", "call", "timer", "reset", "input",
};

static void print_counts(const char *what, const uint64_t *counts, const char *const *names,
			 unsigned n)
{
	char line[200];
	size_t len = 0;

	line[0] = '\0';
	for (unsigned i = 0; i < n && len < sizeof(line); i++)
		if (counts[i])
			len += (size_t)format(line + len, sizeof(line) - len, " %s %lu", names[i],
					      counts[i]);
	printk("      %s:%s\n", what, len ? line : " none");
}

static void print_latency(const struct app_stats *s)
{
	char line[300];
	size_t len = 0;

	line[0] = '\0';
	for (unsigned i = 0; i < APP_LATENCY_BUCKETS && len < sizeof(line); i++)
		if (s->latency[i])
			len += (size_t)format(line + len, sizeof(line) - len, " <%lu:%lu",
					      2UL << i, s->latency[i]);
	printk("      latency in counter ticks (<bucket:calls):%s; max %lu\n",
	       len ? line : " none", s->max_ticks);
}

void apps_print(void)
{
	char what[192];

	printk("  domain           app              state     events  faults resets  ms(domain)\n");
	for (unsigned i = 0; i < napps; i++) {
		struct app *a = apps[i];
		uint64_t events = 0, faults = 0;

		for (unsigned k = 0; k <= APP_EV_MAX; k++)
			events += a->stats.events[k];
		for (unsigned k = 0; k < APP_FAULT_KINDS; k++)
			faults += a->stats.faults[k];
		printk("  %-16s %-16s %-8s %7lu %7lu %6lu %5lu(%lu)\n", a->dom->name, a->cfg->name,
		       a->stub ? stub_state_name(a) : a->disabled ? "disabled" : "ok", events, faults,
		       a->stats.resets,
		       ticks_to_ns(a->stats.ticks) / 1000000,
		       ticks_to_ns(a->stats.domain_ticks) / 1000000);
		describe_service(a->cfg, what, sizeof(what));
		printk("      serves:%s\n", what[0] ? what : " nothing (timer only)");
		if (a->stub)
			stub_print(a);
		print_counts("events", a->stats.events, event_names, APP_EV_MAX + 1);
		print_counts("faults", a->stats.faults, fault_names, APP_FAULT_KINDS);
		print_latency(&a->stats);
	}
}
