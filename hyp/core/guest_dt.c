/*
 * The guest's device tree, written with libfdt's sequential-write API
 * (fdt_sw.o: no FP/SIMD use). It describes exactly what the domain has:
 * its RAM, its vCPUs, PSCI over HVC, the virtual GICv3, the architected
 * timer (virtual timer PPI 27), and /chosen.
 */
#include <libfdt.h>

#include "core/guest_dt.h"
#include "core/vgic.h"

#define GIC_PHANDLE 1
#define PPI 1
#define IRQ_LEVEL_LOW 8		/* as QEMU describes the timer: active-low level */

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

static int add_chosen(void *fdt, const struct domain *d)
{
	const struct domain_config *c = d->config;

	TRY(fdt_begin_node(fdt, "chosen"));
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
	TRY(add_chosen(buf, d));
	TRY(add_memory(buf, d));
	TRY(add_cpus(buf, d));
	TRY(add_psci(buf));
	TRY(add_gic(buf, d));
	TRY(add_timer(buf));
	TRY(fdt_end_node(buf));
	return fdt_finish(buf);
}
