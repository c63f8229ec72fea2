/*
 * The guest's device tree, written with libfdt's sequential-write API
 * (fdt_sw.o: no FP/SIMD use). It describes exactly what the domain has:
 * its RAM, its vCPUs, PSCI over HVC, the virtual GICv3, the architected
 * timer (virtual timer PPI 27), the devices its EL0 apps emulate when the
 * manifest asks for them (`dt-compatible`), and /chosen.
 */
#include <libfdt.h>

#include "core/guest_dt.h"
#include "core/vgic.h"
#include "lib/format.h"
#include "lib/string.h"

#define GIC_PHANDLE 1
#define CLOCK_PHANDLE 2
#define PPI 1
#define SPI 0
#define IRQ_LEVEL_HIGH 4
#define IRQ_LEVEL_LOW 8		/* as QEMU describes the timer: active-low level */

/*
 * PrimeCell devices (the PL011) name their clocks. An emulated device has
 * no clock to program, so every one is the same fixed 24 MHz clock, the
 * rate QEMU's virt machine gives its own PL011 (the PL011 driver derives
 * baud-rate divisors from it; they change nothing).
 */
#define PRIMECELL_CLOCK_HZ 24000000
#define DT_NODE_NAME_MAX 64

#define TRY(expr) do { int __e = (expr); if (__e < 0) return __e; } while (0)

static int prop_u64_pair(void *fdt, const char *name, uint64_t a, uint64_t b)
{
	fdt64_t cells[2] = { cpu_to_fdt64(a), cpu_to_fdt64(b) };

	return fdt_property(fdt, name, cells, sizeof(cells));
}

static int add_memory(void *fdt, const struct domain *d)
{
	TRY(fdt_begin_node(fdt, "memory@40000000"));
	TRY(fdt_property_string(fdt, "device_type", "memory"));
	TRY(prop_u64_pair(fdt, "reg", d->ram_ipa, d->ram_size));
	return fdt_end_node(fdt);
}

static int add_cpus(void *fdt, const struct domain *d)
{
	char name[16] = "cpu@0";

	TRY(fdt_begin_node(fdt, "cpus"));
	TRY(fdt_property_u32(fdt, "#address-cells", 1));
	TRY(fdt_property_u32(fdt, "#size-cells", 0));
	for (unsigned i = 0; i < d->nvcpus; i++) {
		name[4] = (char)('0' + i);	/* MAX_VCPUS <= 10 */
		TRY(fdt_begin_node(fdt, name));
		TRY(fdt_property_string(fdt, "device_type", "cpu"));
		TRY(fdt_property_string(fdt, "compatible", "arm,armv8"));
		TRY(fdt_property_u32(fdt, "reg", (uint32_t)d->vcpu[i]->vmpidr));
		TRY(fdt_property_string(fdt, "enable-method", "psci"));
		TRY(fdt_end_node(fdt));
	}
	return fdt_end_node(fdt);
}

static int add_psci(void *fdt)
{
	static const char compat[] = "arm,psci-1.0\0arm,psci-0.2";

	TRY(fdt_begin_node(fdt, "psci"));
	TRY(fdt_property(fdt, "compatible", compat, sizeof(compat)));
	TRY(fdt_property_string(fdt, "method", "hvc"));
	return fdt_end_node(fdt);
}

static int add_gic(void *fdt, const struct domain *d)
{
	fdt64_t reg[4] = {
		cpu_to_fdt64(VGIC_DIST_BASE), cpu_to_fdt64(VGIC_DIST_SIZE),
		cpu_to_fdt64(VGIC_REDIST_BASE),
		cpu_to_fdt64(VGIC_REDIST_STRIDE * d->nvcpus),
	};

	TRY(fdt_begin_node(fdt, "intc@8000000"));
	TRY(fdt_property_string(fdt, "compatible", "arm,gic-v3"));
	TRY(fdt_property_u32(fdt, "#interrupt-cells", 3));
	TRY(fdt_property_u32(fdt, "#address-cells", 2));
	TRY(fdt_property_u32(fdt, "#size-cells", 2));
	TRY(fdt_property(fdt, "interrupt-controller", NULL, 0));
	TRY(fdt_property(fdt, "reg", reg, sizeof(reg)));
	TRY(fdt_property_u32(fdt, "phandle", GIC_PHANDLE));
	return fdt_end_node(fdt);
}

static int add_timer(void *fdt)
{
	/* Secure phys, non-secure phys, virtual, hypervisor: PPIs 13, 14, 11, 10. */
	static const uint32_t ppis[4] = { 13, 14, 11, 10 };
	fdt32_t cells[12];

	for (unsigned i = 0; i < 4; i++) {
		cells[i * 3] = cpu_to_fdt32(PPI);
		cells[i * 3 + 1] = cpu_to_fdt32(ppis[i]);
		cells[i * 3 + 2] = cpu_to_fdt32(IRQ_LEVEL_LOW);
	}
	TRY(fdt_begin_node(fdt, "timer"));
	TRY(fdt_property_string(fdt, "compatible", "arm,armv8-timer"));
	TRY(fdt_property(fdt, "interrupts", cells, sizeof(cells)));
	TRY(fdt_property(fdt, "always-on", NULL, 0));
	return fdt_end_node(fdt);
}

/* --- devices emulated by the domain's EL0 apps --------------------------------- */

static bool app_in_dt(const struct app_config *a)
{
	return a->dt_compatible_len > 0 && a->mmio_size > 0;
}

/* Whether the NUL-separated list holds the string want. */
static bool compatible_has(const struct app_config *a, const char *want)
{
	for (unsigned off = 0; off < a->dt_compatible_len;) {
		const char *s = a->dt_compatible + off;
		size_t n = strnlen(s, a->dt_compatible_len - off);

		if (n < a->dt_compatible_len - off && !strcmp(s, want))
			return true;
		off += (unsigned)n + 1;
	}
	return false;
}

/* "<app name>@<mmio base>", as a node name and (with a '/') as its path. */
static void app_node_name(const struct app_config *a, const char *prefix, char *buf)
{
	format(buf, DT_NODE_NAME_MAX, "%s%s@%lx", prefix, a->name, a->mmio_base);
}

/* The domain's console app, if the guest's DT describes its device. */
static const struct app_config *console_device(const struct domain_config *c)
{
	for (unsigned i = 0; i < c->napps; i++)
		if (c->app[i].console && app_in_dt(&c->app[i]))
			return &c->app[i];
	return NULL;
}

static bool needs_primecell_clock(const struct domain_config *c)
{
	for (unsigned i = 0; i < c->napps; i++)
		if (app_in_dt(&c->app[i]) && compatible_has(&c->app[i], "arm,primecell"))
			return true;
	return false;
}

static int add_primecell_clock(void *fdt)
{
	TRY(fdt_begin_node(fdt, "apb-pclk"));
	TRY(fdt_property_string(fdt, "compatible", "fixed-clock"));
	TRY(fdt_property_u32(fdt, "#clock-cells", 0));
	TRY(fdt_property_u32(fdt, "clock-frequency", PRIMECELL_CLOCK_HZ));
	TRY(fdt_property_string(fdt, "clock-output-names", "clk24mhz"));
	TRY(fdt_property_u32(fdt, "phandle", CLOCK_PHANDLE));
	return fdt_end_node(fdt);
}

/*
 * A PrimeCell's bus clock, "apb_pclk" (the AMBA bus enables it to read the
 * cell's IDs); a PL011 names its function clock "uartclk" first.
 */
static int add_primecell_clocks(void *fdt, const struct app_config *a)
{
	static const char pl011_names[] = "uartclk\0apb_pclk";
	static const char bus_name[] = "apb_pclk";
	fdt32_t clocks[2] = { cpu_to_fdt32(CLOCK_PHANDLE), cpu_to_fdt32(CLOCK_PHANDLE) };

	if (compatible_has(a, "arm,pl011")) {
		TRY(fdt_property(fdt, "clocks", clocks, sizeof(clocks)));
		return fdt_property(fdt, "clock-names", pl011_names, sizeof(pl011_names));
	}
	TRY(fdt_property(fdt, "clocks", clocks, sizeof(clocks[0])));
	return fdt_property(fdt, "clock-names", bus_name, sizeof(bus_name));
}

static int add_app_device(void *fdt, const struct app_config *a)
{
	char name[DT_NODE_NAME_MAX];

	app_node_name(a, "", name);
	TRY(fdt_begin_node(fdt, name));
	TRY(fdt_property(fdt, "compatible", a->dt_compatible, (int)a->dt_compatible_len));
	TRY(prop_u64_pair(fdt, "reg", a->mmio_base, a->mmio_size));
	if (a->nirqs) {
		/* The app drives its line as a level (APP_SYS_IRQ_SET/CLEAR). */
		fdt32_t irq[3] = { cpu_to_fdt32(SPI), cpu_to_fdt32(a->irqs[0] - GUEST_SPI_FIRST),
				   cpu_to_fdt32(IRQ_LEVEL_HIGH) };

		TRY(fdt_property(fdt, "interrupts", irq, sizeof(irq)));
	}
	if (compatible_has(a, "arm,primecell"))
		TRY(add_primecell_clocks(fdt, a));
	return fdt_end_node(fdt);
}

static int add_app_devices(void *fdt, const struct domain_config *c)
{
	if (needs_primecell_clock(c))
		TRY(add_primecell_clock(fdt));
	for (unsigned i = 0; i < c->napps; i++)
		if (app_in_dt(&c->app[i]))
			TRY(add_app_device(fdt, &c->app[i]));
	return 0;
}

/* serial0 names the console device, so that Linux calls it ttyAMA0 (or ttyS0). */
static int add_aliases(void *fdt, const struct domain_config *c)
{
	const struct app_config *con = console_device(c);
	char path[DT_NODE_NAME_MAX];

	if (!con)
		return 0;
	app_node_name(con, "/", path);
	TRY(fdt_begin_node(fdt, "aliases"));
	TRY(fdt_property_string(fdt, "serial0", path));
	return fdt_end_node(fdt);
}

static int add_chosen(void *fdt, const struct domain *d)
{
	const struct domain_config *c = d->config;
	const struct app_config *con = console_device(c);

	TRY(fdt_begin_node(fdt, "chosen"));
	if (con) {
		char path[DT_NODE_NAME_MAX];

		app_node_name(con, "/", path);
		TRY(fdt_property_string(fdt, "stdout-path", path));
	}
	if (c->bootargs[0])
		TRY(fdt_property_string(fdt, "bootargs", c->bootargs));
	if (c->ramdisk[0]) {
		TRY(fdt_property_u64(fdt, "linux,initrd-start", c->ramdisk_address));
		TRY(fdt_property_u64(fdt, "linux,initrd-end",
				     c->ramdisk_address + c->ramdisk_size));
	}
	return fdt_end_node(fdt);
}

int guest_dt_build(const struct domain *d, void *buf, size_t size)
{
	TRY(fdt_create(buf, (int)size));
	TRY(fdt_finish_reservemap(buf));
	TRY(fdt_begin_node(buf, ""));
	TRY(fdt_property_u32(buf, "#address-cells", 2));
	TRY(fdt_property_u32(buf, "#size-cells", 2));
	TRY(fdt_property_string(buf, "compatible", "elvisor,guest"));
	TRY(fdt_property_string(buf, "model", "elvisor guest"));
	TRY(fdt_property_u32(buf, "interrupt-parent", GIC_PHANDLE));
	TRY(add_aliases(buf, d->config));
	TRY(add_chosen(buf, d));
	TRY(add_memory(buf, d));
	TRY(add_cpus(buf, d));
	TRY(add_psci(buf));
	TRY(add_gic(buf, d));
	TRY(add_timer(buf));
	TRY(add_app_devices(buf, d->config));
	TRY(fdt_end_node(buf));
	return fdt_finish(buf);
}
