/*
 * The boot CPU's path after the MMU is on: read the device tree, set up
 * memory, the console, interrupts and timers, start the other CPUs, then
 * run what the boot arguments ask for (the interactive console by default,
 * or one of the test modes the QEMU scenarios use).
 */
#include <libfdt.h>

#include "arch/boot.h"
#include "arch/cpu.h"
#include "arch/mmu.h"
#include "arch/psci.h"
#include "core/boot.h"
#include "core/console.h"
#include "core/initrd.h"
#include "core/machine.h"
#include "core/mm.h"
#include "core/percpu.h"
#include "core/platform.h"
#include "core/selftest.h"
#include "core/shell.h"
#include "core/smp.h"
#include "drivers/gic.h"
#include "drivers/pl011.h"
#include "drivers/timer.h"
#include "lib/string.h"
#include "arch/vcpu_switch.h"
#include "arch/el0.h"
#include "core/domain_ops.h"
#include "core/timer_event.h"
#include "core/vcpu.h"
#include "core/vgic.h"

#define TEST_WATCH_PERIOD_US 10000

static void el0_init_on_cpu(void *arg)
{
	(void)arg;
	el0_cpu_init();
}

static void init_guest_cpu(void *arg)
{
	(void)arg;
	vcpu_cpu_init();
}

#define DTB_MAX_SIZE (2UL << 20)	/* what early_mmu_setup maps */

static struct platform platform;

const struct platform *platform_get(void)
{
	return &platform;
}

static void parse_device_tree(paddr_t dtb_pa)
{
	static char err[256];
	const void *fdt;

	if (!dtb_pa)
		fatal("no device tree (x0 = 0 at entry): boot elvisor with a DTB "
		      "(QEMU -kernel, U-Boot booti)");
	if (dtb_pa & 7)
		fatal("device tree: bad DTB: address %#lx is not 8-byte aligned", dtb_pa);
	fdt = phys_to_virt(dtb_pa);
	if (fdt_magic(fdt) == FDT_MAGIC && fdt_totalsize(fdt) > DTB_MAX_SIZE)
		fatal("device tree: bad DTB: totalsize %u is larger than the %lu bytes "
		      "elvisor maps", fdt_totalsize(fdt), DTB_MAX_SIZE);
	if (platform_parse(fdt, &platform, err, sizeof(err)))
		fatal("device tree: %s", err);
}

static void switch_console_to_dt_uart(void)
{
	void *regs;

	if (!platform.uart.present) {
		pr_warn("no PL011 in the device tree; keeping the early UART at %#x\n",
			EARLY_UART_PA);
		return;
	}
	if (platform.uart.regs.base == EARLY_UART_PA)
		return;
	regs = mmu_map_device(platform.uart.regs.base, platform.uart.regs.size);
	if (regs)
		console_set_uart(regs);
}

static void print_banner(void)
{
	printk("elvisor %s (%s build) on CPU 0, MPIDR %#lx\n", ELVISOR_VERSION,
	       ELVISOR_TOOLCHAIN, percpu_data[0].mpidr);
	printk("elvisor: CPUs: %u in the device tree%s\n", platform.ncpus,
	       platform.cpus_ignored ? " (more ignored: limit reached)" : "");
	printk("elvisor: VHE: %s\n", arch_has_vhe() ? "yes" : "no");
	printk("elvisor: GIC: %s\n", gic_version_name(platform.gic.version));
	printk("elvisor: RAM: %lu MiB in %u bank%s, %zu KiB free\n",
	       platform.ram_total >> 20, platform.ram_banks,
	       platform.ram_banks == 1 ? "" : "s", mm_free_page_count() * 4);
	printk("elvisor: timer: %lu Hz, hypervisor timer INTID %u\n",
	       timer_frequency(), platform.timer.hyp_phys.intid);
	if (platform.bootargs[0])
		printk("elvisor: bootargs: %s\n", platform.bootargs);
}

static bool boot_cpu_in_dt(uint64_t mpidr)
{
	for (unsigned i = 0; i < platform.ncpus; i++)
		if (platform.cpu_mpidr[i] == mpidr)
			return true;
	return false;
}

static bool boot_mode_is(const char *mode, size_t len, const char *name)
{
	return len == strlen(name) && !strncmp(mode, name, len);
}

/* Periodic check under elvisor.test=guests (boot CPU, interrupt context). */
static struct timer_event test_watch;

static void watch_tests(struct timer_event *ev)
{
	domains_watch_tests();
	timer_event_arm(ev, 0, timer_now() + timer_us_to_ticks(TEST_WATCH_PERIOD_US));
}

/*
 * Set up everything guests need and build the domains the manifest names.
 * Returns false (with the reason printed) if this machine cannot run guests.
 */
static bool prepare_guests(void)
{
	static char err[128];

	if (!initrd_data()) {
		printk("elvisor: no boot archive: no domains\n");
		return false;
	}
	if (platform.gic.version != GIC_V3) {
		pr_err("guests need a GICv3 host (this one has %s); no domains created\n",
		       gic_version_name(platform.gic.version));
		return false;
	}
	if (arch_stage2_init(err, sizeof(err))) {
		pr_err("stage 2: %s; no domains created\n", err);
		return false;
	}
	if (vgic_global_init(platform.gic.maintenance.intid) || vcpu_global_init())
		fatal("cannot set up guest interrupt handling");
	smp_call_all(init_guest_cpu, NULL);
	domains_create_from_initrd();
	return ndomains > 0;
}

/* elvisor.test=shares: after SHARES_TEST_MS of CPU-bound guests, judge. */
#define SHARES_TEST_MS 600
#define SHARES_TOLERANCE_PCT 5

static void judge_shares(struct timer_event *ev)
{
	unsigned bad;

	(void)ev;
	bad = domains_check_shares(SHARES_TOLERANCE_PCT);
	printk("elvisor: shares test: %s\n", bad ? "FAIL" : "PASS");
	machine_exit(bad ? 1 : 0);
}

static void run_boot_mode(void)
{
	const char *mode = "";
	size_t len = 0;
	bool guests;

	bootarg_find(platform.bootargs, "elvisor.test", &mode, &len);
	if (boot_mode_is(mode, len, "selftest"))
		machine_exit(selftest_run() ? 2 : 0);
	if (boot_mode_is(mode, len, "crash"))
		selftest_crash();
	guests = prepare_guests();
	if (boot_mode_is(mode, len, "boot")) {
		printk("elvisor: boot test done\n");
		machine_exit(0);
	}
	if (boot_mode_is(mode, len, "guests")) {
		if (!guests)
			fatal("elvisor.test=guests: no domain to run");
		timer_event_init(&test_watch, watch_tests, NULL);
		timer_event_arm(&test_watch, 0, timer_now() + timer_us_to_ticks(TEST_WATCH_PERIOD_US));
		shell_listen_quietly();	/* tests type at domains' consoles too */
	} else if (boot_mode_is(mode, len, "shares")) {
		if (!guests)
			fatal("elvisor.test=shares: no domain to run");
		timer_event_init(&test_watch, judge_shares, NULL);
		timer_event_arm(&test_watch, 0, timer_now() + timer_us_to_ticks(SHARES_TEST_MS * 1000));
	} else if (len) {
		fatal("bootargs: unknown elvisor.test mode \"%.*s\" (boot, selftest, crash, guests, shares)",
		      (int)len, mode);
	} else {
		shell_start();
	}
	if (guests) {
		domains_start();
		smp_run_guests_everywhere();
	}
}

void start_hypervisor(paddr_t dtb_pa, uint64_t va_offset)
{
	static char err[256];
	paddr_t image_pa;

	percpu_data[0].cpu = 0;
	percpu_data[0].mpidr = arch_read_mpidr();
	arch_percpu_set(&percpu_data[0]);
	mmu_init(va_offset);
	console_set_uart(phys_to_virt(EARLY_UART_PA));

	parse_device_tree(dtb_pa);
	image_pa = virt_to_phys(__image_start);
	if (mm_init(&platform, image_pa, (size_t)(__image_end - __image_start), dtb_pa))
		fatal("memory: cannot set up the page allocator");
	switch_console_to_dt_uart();
	if (!boot_cpu_in_dt(percpu_data[0].mpidr))
		fatal("device tree: the boot CPU (MPIDR %#lx) is not under /cpus",
		      percpu_data[0].mpidr);
	if (timer_init(&platform))
		fatal("device tree: /timer: no usable EL2 timer");
	print_banner();

	if (gic_init(&platform) || smp_register_irqs() || cpu_local_init(0))
		fatal("cannot initialise the %s", gic_version_name(platform.gic.version));
	arch_serror_enable();	/* interrupts stay masked: taken only in idle waits */
	if (psci_init(&platform, err, sizeof(err)))
		fatal("device tree: %s", err);
	if (initrd_init(&platform, err, sizeof(err)))
		fatal("initrd: %s", err);

	atomic_store(&percpu_data[0].online, true);
	printk("elvisor: %u CPUs online\n", smp_boot_secondaries(&platform));
	/* Every CPU is past its MMU switch: the boot identity map can go. */
	el0_cpu_init();
	smp_call_all(el0_init_on_cpu, NULL);
	initrd_list();
	run_boot_mode();
	cpu_idle_loop();
}
