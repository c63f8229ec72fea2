/*
 * Domains: built from the manifest at boot, each with its own RAM (one
 * contiguous, zeroed, 2 MiB-aligned allocation mapped by stage 2 at
 * GUEST_RAM_BASE), VMID, vGIC, vCPUs and generated device tree.
 */
#include "arch/mmu.h"
#include "arch/vcpu_switch.h"
#include "core/app.h"
#include "core/console.h"
#include "core/domain_ops.h"
#include "core/guest_calls.h"
#include "core/guest_dt.h"
#include "core/initrd.h"
#include "core/machine.h"
#include "core/mm.h"
#include "core/sched.h"
#include "core/smp.h"
#include "core/stubdom.h"
#include "core/testdev.h"
#include "core/vcpu.h"
#include "core/vgic.h"
#include "drivers/timer.h"
#include "lib/cpio.h"
#include "lib/format.h"
#include "lib/string.h"

#define PAGES_2M (2UL << 20 >> PAGE_SHIFT)

struct domain *domains[MAX_DOMAINS];
unsigned ndomains;

static struct manifest manifest;
static _Atomic unsigned pending_resets;

/* --- stage 2 tables: TLBs by VMID ------------------------------------------- */

static void s2_tlb_invalidate(void *ctx, uint64_t ipa, size_t size)
{
	struct domain *d = ctx;

	(void)ipa;
	(void)size;
	arch_tlb_flush_vmid(d->vmid);
}

/* --- MMIO registry ----------------------------------------------------------- */

int domain_add_mmio(struct domain *d, uint64_t base, uint64_t size,
		    const struct mmio_ops *ops, void *ctx, const char *name)
{
	if (d->nmmio == MAX_MMIO_REGIONS || !size || base + size < base)
		return -1;
	for (unsigned i = 0; i < d->nmmio; i++)
		if (base < d->mmio[i].base + d->mmio[i].size && d->mmio[i].base < base + size)
			return -1;
	if (base < d->ram_ipa + d->ram_size && d->ram_ipa < base + size)
		return -1;
	d->mmio[d->nmmio++] = (struct mmio_region){ base, size, ops, ctx, name };
	return 0;
}

static bool region_claims(const struct mmio_region *r, uint64_t ipa, unsigned size)
{
	uint64_t off = ipa - r->base;

	return ipa >= r->base && off < r->size && off + size <= r->size;
}

static bool region_access(struct vcpu *v, struct mmio_region *r, uint64_t ipa, bool write,
			  unsigned size, uint64_t *value)
{
	uint64_t off = ipa - r->base;

	if (write)
		return r->ops->write && r->ops->write(v, r->ctx, off, size, *value);
	return r->ops->read && r->ops->read(v, r->ctx, off, size, value);
}

/*
 * A vCPU tends to hit one device many times in a row (a driver polling or
 * streaming): try the region it hit last before searching. Regions are
 * never removed, so the remembered index stays valid.
 */
bool mmio_emulate(struct vcpu *v, uint64_t ipa, bool write, unsigned size,
		  uint64_t *value)
{
	struct domain *d = v->dom;
	unsigned hint = v->mmio_hint;

	if (hint < d->nmmio && region_claims(&d->mmio[hint], ipa, size))
		return region_access(v, &d->mmio[hint], ipa, write, size, value);
	for (unsigned i = 0; i < d->nmmio; i++) {
		if (!region_claims(&d->mmio[i], ipa, size))
			continue;
		v->mmio_hint = i;
		return region_access(v, &d->mmio[i], ipa, write, size, value);
	}
	return false;
}

void *domain_ipa_to_va(struct domain *d, uint64_t ipa, size_t len)
{
	if (ipa < d->ram_ipa || len > d->ram_size || ipa - d->ram_ipa > d->ram_size - len)
		return NULL;
	return phys_to_virt(d->ram_pa + (ipa - d->ram_ipa));
}

void guest_fault_log_once(struct vcpu *v, unsigned cause, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	if (atomic_fetch_or(&v->dom->logged_faults, 1u << cause) & (1u << cause))
		return;
	va_start(ap, fmt);
	vformat(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printk("elvisor: %s vCPU %u: %s (logged once)\n", v->dom->name, v->id, msg);
}

/* --- building ---------------------------------------------------------------- */

static void *alloc_zeroed_page(void)
{
	paddr_t pa;

	return mm_alloc_zeroed_pages(1, &pa) ? phys_to_virt(pa) : NULL;
}

static bool find_in_initrd(void *ctx, const char *name, const void **data, size_t *size)
{
	struct cpio_file file;

	(void)ctx;
	if (cpio_find(initrd_data(), initrd_size(), name, &file) != CPIO_OK)
		return false;
	*data = file.data;
	*size = file.size;
	return true;
}

static void report_manifest_error(void *ctx, const char *message)
{
	(void)ctx;
	printk("elvisor: manifest: %s\n", message);
}

static bool copy_file_to_guest(struct domain *d, const char *name, uint64_t ipa)
{
	const void *data;
	size_t size;
	void *dst;

	if (!find_in_initrd(NULL, name, &data, &size))
		return false;
	dst = domain_ipa_to_va(d, ipa, size);
	if (!dst)
		return false;
	memcpy(dst, data, size);
	return true;
}

/* (Re)load the domain's RAM: zero it, copy kernel and ramdisk, write its DTB. */
static int load_images(struct domain *d)
{
	const struct domain_config *c = d->config;
	void *dtb;
	int err;

	memset(phys_to_virt(d->ram_pa), 0, d->ram_size);
	if (!copy_file_to_guest(d, c->kernel, c->load_address)) {
		pr_err("%s: cannot load kernel \"%s\"\n", d->name, c->kernel);
		return -1;
	}
	if (c->ramdisk[0] && !copy_file_to_guest(d, c->ramdisk, c->ramdisk_address)) {
		pr_err("%s: cannot load ramdisk \"%s\"\n", d->name, c->ramdisk);
		return -1;
	}
	dtb = domain_ipa_to_va(d, c->dtb_address, GUEST_DTB_SPACE);
	err = dtb ? guest_dt_build(d, dtb, GUEST_DTB_SPACE) : -1;
	if (err) {
		pr_err("%s: cannot build its device tree (%d)\n", d->name, err);
		return -1;
	}
	/* The guest starts with its MMU and caches off: make RAM coherent. */
	dcache_clean_range(phys_to_virt(d->ram_pa), d->ram_size);
	return 0;
}

static int create_vcpus(struct domain *d)
{
	for (unsigned i = 0; i < d->nvcpus; i++) {
		struct vcpu *v = alloc_zeroed_page();

		_Static_assert(sizeof(struct vcpu) <= PAGE_SIZE, "a vcpu in a page");
		if (!v)
			return -1;
		v->dom = d;
		v->id = i;
		v->pcpu = d->config->affinity[i];
		v->vmpidr = i;		/* Aff0 = vCPU index */
		v->weight = d->config->weight;
		v->state = VCPU_OFF;
		d->vcpu[i] = v;
		if (vgic_vcpu_init(v))
			return -1;
		vcpu_bind_events(v);
	}
	return 0;
}

/* A stub domain: bind it to the device it serves, in a domain created before it. */
static int attach_stub(struct domain *d)
{
	const struct domain_config *target = &manifest.domain[d->config->stub_target];

	for (unsigned i = 0; i < ndomains; i++)
		if (domains[i]->config == target)
			return stub_attach(d, domains[i]);
	pr_err("%s: the domain it serves, %s, was not created\n", d->name, target->name);
	return -1;
}

static struct domain *domain_create(const struct domain_config *c, unsigned id)
{
	struct domain *d = alloc_zeroed_page();
	size_t npages = c->memory_bytes >> PAGE_SHIFT;

	_Static_assert(sizeof(struct domain) <= PAGE_SIZE, "a domain in a page");
	if (!d)
		return NULL;
	d->id = id;
	d->config = c;
	d->name = c->name;
	d->vmid = (uint16_t)id;
	d->nvcpus = c->vcpus;
	d->ram_ipa = GUEST_RAM_BASE;
	d->ram_size = c->memory_bytes;
	d->test_result = -1;
	d->state = DOMAIN_STOPPED;
	if (!mm_alloc_pages(npages, PAGES_2M, &d->ram_pa)) {
		pr_err("%s: no %lu MiB of contiguous RAM\n", d->name, c->memory_bytes >> 20);
		return NULL;
	}
	pgtable_mm_runtime(&d->s2_mm, s2_tlb_invalidate, d);
	if (pgtable_init(&d->s2, PT_S2, &d->s2_mm) ||
	    pgtable_map(&d->s2, d->ram_ipa, d->ram_pa, d->ram_size,
			PROT_READ | PROT_WRITE | PROT_EXEC)) {
		pr_err("%s: cannot build its stage-2 tables\n", d->name);
		return NULL;
	}
	/* The guest's virtual counter starts near zero. */
	d->cntvoff = timer_now();
	if (vgic_domain_init(d) || apps_create(d) || testdev_register(d) || create_vcpus(d) ||
	    (c->stub && attach_stub(d)) || load_images(d)) {
		pr_err("%s: not created\n", d->name);
		return NULL;
	}
	return d;
}

static void build_domains(void)
{
	for (unsigned i = 0; i < manifest.ndomains; i++) {
		struct domain *d = domain_create(&manifest.domain[i], ndomains + 1);

		if (!d)
			continue;
		domains[ndomains++] = d;
		for (unsigned v = 0; v < d->nvcpus; v++)
			sched_attach(d->vcpu[v]);
		printk("elvisor: domain %u \"%s\": %u vCPU%s, %lu MiB at PA %#lx, kernel %s\n",
		       d->id, d->name, d->nvcpus, d->nvcpus == 1 ? "" : "s",
		       d->ram_size >> 20, d->ram_pa, d->config->kernel);
	}
}

static const void *copy_aligned(const void *data, size_t size)
{
	paddr_t pa;

	if (!mm_alloc_pages(ALIGN_UP(size, PAGE_SIZE) >> PAGE_SHIFT, 1, &pa))
		return NULL;
	return memcpy(phys_to_virt(pa), data, size);
}

void domains_create_from_initrd(void)
{
	struct manifest_env env = {
		.pcpus = smp_online_count(),
		.memory_available = (uint64_t)mm_free_page_count() * PAGE_SIZE / 8 * 7,
		.find_file = find_in_initrd,
		.report = report_manifest_error,
	};
	const void *dtb;
	size_t size;

	if (!initrd_data() || !find_in_initrd(NULL, "manifest.dtb", &dtb, &size)) {
		printk("elvisor: no manifest.dtb in the boot archive: no domains\n");
		return;
	}
	dtb = copy_aligned(dtb, size);	/* cpio data is only 4-byte aligned */
	if (!dtb || manifest_parse(dtb, size, &env, &manifest)) {
		pr_err("manifest: unusable, no domains created\n");
		return;
	}
	if (manifest.rejected)
		printk("elvisor: manifest: %u domain%s rejected (see above), the others boot\n",
		       manifest.rejected, manifest.rejected == 1 ? "" : "s");
	build_domains();
}

void domains_start(void)
{
	for (unsigned i = 0; i < ndomains; i++) {
		struct domain *d = domains[i];

		d->state = DOMAIN_RUNNING;
		vcpu_power_on(d->vcpu[0], d->config->entry, d->config->dtb_address);
	}
}

struct vcpu *domain_vcpu_by_mpidr(struct domain *d, uint64_t mpidr)
{
	for (unsigned i = 0; i < d->nvcpus; i++)
		if (d->vcpu[i]->vmpidr == (mpidr & 0xff00ffffffUL))
			return d->vcpu[i];
	return NULL;
}

/* --- stopping and resetting ---------------------------------------------------- */

static void stop_vcpus(struct domain *d)
{
	d->state = DOMAIN_STOPPED;
	for (unsigned i = 0; i < d->nvcpus; i++) {
		d->vcpu[i]->state = VCPU_OFF;
		d->vcpu[i]->power_on_pending = false;
		sched_request_resched(d->vcpu[i]->pcpu);
	}
}

void domain_halt(struct domain *d)
{
	stop_vcpus(d);
	apps_domain_stop(d);
}

void domain_request_stop(struct domain *d)
{
	printk("elvisor: domain %s: system off\n", d->name);
	domain_halt(d);
}

void domain_restart(struct domain *d)
{
	stop_vcpus(d);
	d->reset_requested = true;
	atomic_fetch_add(&pending_resets, 1);
}

void domain_request_reset(struct domain *d)
{
	printk("elvisor: domain %s: system reset\n", d->name);
	domain_restart(d);
}

static bool domain_running_anywhere(struct domain *d)
{
	for (unsigned i = 0; i < d->nvcpus; i++)
		if (vcpu_is_loaded(d->vcpu[i]))
			return true;
	return false;
}

static void reset_domain(struct domain *d)
{
	vgic_domain_reset(d);
	for (unsigned i = 0; i < d->nvcpus; i++)
		d->vcpu[i]->vtimer_line = false;
	if (load_images(d)) {
		pr_err("%s: reset failed, the domain stays off\n", d->name);
		if (d->stub)
			stub_restart_failed(d);
		return;
	}
	d->cntvoff = timer_now();
	d->test_result = -1;
	/*
	 * Running before the apps' RESET events: an app runs with interrupts
	 * unmasked, and the elvisor.test=guests watcher must not take a domain
	 * that is STOPPED with its reset already claimed for a failed one.
	 */
	d->state = DOMAIN_RUNNING;
	apps_domain_reset(d);
	if (d->stub)
		stub_restarted(d);	/* before its vCPU runs: a fresh ring */
	vcpu_power_on(d->vcpu[0], d->config->entry, d->config->dtb_address);
}

void domain_do_pending_work(void)
{
	if (!atomic_load(&pending_resets))
		return;
	for (unsigned i = 0; i < ndomains; i++) {
		struct domain *d = domains[i];
		bool expected = true;

		if (!d->reset_requested || domain_running_anywhere(d))
			continue;
		if (!atomic_compare_exchange_strong(&d->reset_requested, &expected, false))
			continue;
		atomic_fetch_sub(&pending_resets, 1);
		reset_domain(d);
	}
}

/* --- reports ------------------------------------------------------------------- */

static const char *const vcpu_state_names[] = { "off", "runnable", "blocked" };

/* A vCPU's time in each of its domain's apps, when it has any. */
static void print_app_times(const struct vcpu *v)
{
	char line[200];
	size_t len = 0;

	for (unsigned k = 0; k < v->dom->config->napps && len < sizeof(line); k++)
		if (v->stats.app_ticks[k])
			len += (size_t)format(line + len, sizeof(line) - len, " %s %lu us",
					      v->dom->config->app[k].name,
					      ticks_to_ns(v->stats.app_ticks[k]) / 1000);
	if (len)
		printk("       vCPU %u in apps:%s\n", v->id, line);
}

void domains_print(void)
{
	printk("  id name             state    vCPU pCPU state      run ms  blocked ms"
	       "  hyp ms  app ms  hvc  smc dabt sysreg wfx  irq\n");
	for (unsigned i = 0; i < ndomains; i++) {
		struct domain *d = domains[i];

		for (unsigned j = 0; j < d->nvcpus; j++) {
			struct vcpu *v = d->vcpu[j];
			const uint64_t *t = v->stats.traps;

			printk("  %-2u %-16s %-8s %4u %4u %-8s %8lu %11lu %7lu %7lu %4lu %4lu %4lu %6lu %4lu %4lu\n",
			       d->id, j ? "" : d->name,
			       j ? "" : (d->state == DOMAIN_RUNNING ? "running" : "stopped"),
			       j, v->pcpu, vcpu_state_names[v->state],
			       ticks_to_ns(v->stats.ns_run) / 1000000,
			       ticks_to_ns(v->stats.ns_blocked) / 1000000,
			       ticks_to_ns(v->stats.ns_hyp) / 1000000,
			       ticks_to_ns(v->stats.ns_app) / 1000000,
			       t[TRAP_HVC], t[TRAP_SMC], t[TRAP_DABT], t[TRAP_SYSREG],
			       t[TRAP_WFX], t[TRAP_IRQ]);
			print_app_times(v);
			if (!j && d->config->stub)
				printk("       stub domain: serves %s/%s\n",
				       manifest.domain[d->config->stub_target].name,
				       manifest.domain[d->config->stub_target]
					       .app[d->config->stub_app].name);
		}
	}
}

void domains_watch_tests(void)
{
	unsigned tests = 0, passed = 0, failed = 0;

	for (unsigned i = 0; i < ndomains; i++) {
		struct domain *d = domains[i];

		if (!d->config->test_domain)
			continue;
		tests++;
		if (d->test_result == 0)
			passed++;
		else if (d->test_result > 0 ||
			 (d->state == DOMAIN_STOPPED && !d->reset_requested))
			failed++;
	}
	if (failed) {
		printk("elvisor: guest tests: %u of %u test domains failed\n", failed, tests);
		machine_exit(1);
	}
	if (tests && passed == tests) {
		printk("elvisor: guest tests: all %u test domains passed\n", tests);
		machine_exit(0);
	}
}

/*
 * elvisor.test=shares: every vCPU is CPU-bound, so on each pCPU the run time
 * of its vCPUs must split in proportion to their weights. Returns the
 * number of vCPUs whose share is off by more than tolerance_pct points.
 */
unsigned domains_check_shares(unsigned tolerance_pct)
{
	unsigned bad = 0;

	for (unsigned cpu = 0; cpu < PLATFORM_MAX_CPUS; cpu++) {
		uint64_t total_run = 0, total_weight = 0;

		for (unsigned i = 0; i < ndomains; i++)
			for (unsigned j = 0; j < domains[i]->nvcpus; j++)
				if (domains[i]->vcpu[j]->pcpu == cpu) {
					total_run += domains[i]->vcpu[j]->stats.ns_run;
					total_weight += domains[i]->vcpu[j]->weight;
				}
		if (!total_run)
			continue;
		for (unsigned i = 0; i < ndomains; i++)
			for (unsigned j = 0; j < domains[i]->nvcpus; j++) {
				struct vcpu *v = domains[i]->vcpu[j];
				uint64_t share, expected, diff;

				if (v->pcpu != cpu)
					continue;
				share = v->stats.ns_run * 1000 / total_run;	/* per mille */
				expected = v->weight * 1000UL / total_weight;
				diff = share > expected ? share - expected : expected - share;
				printk("elvisor: shares: pCPU %u %s vCPU %u weight %u: %lu.%lu%% of "
				       "%lu ms (expected %lu.%lu%%) %s\n", cpu, domains[i]->name, j,
				       v->weight, share / 10, share % 10,
				       ticks_to_ns(total_run) / 1000000, expected / 10,
				       expected % 10, diff > tolerance_pct * 10 ? "OFF" : "ok");
				if (diff > tolerance_pct * 10)
					bad++;
			}
	}
	return bad;
}
