/*
 * What the machine has, as the host device tree describes it. Filled once at
 * boot by platform_parse() (libfdt) and read-only afterwards. Portable: the
 * parser runs in host unit tests on DTBs compiled by dtc.
 */
#ifndef CORE_PLATFORM_H
#define CORE_PLATFORM_H

#include "lib/types.h"

#define PLATFORM_MAX_RAM_BANKS 8
#define PLATFORM_MAX_CPUS 8
#define PLATFORM_BOOTARGS_MAX 256
/* Linux's arm64 limit too; a larger header size means a corrupt blob. */
#define PLATFORM_DTB_MAX_SIZE (2U << 20)

struct mmio_range {
	paddr_t base;
	uint64_t size;
};

enum gic_version { GIC_NONE = 0, GIC_V2 = 2, GIC_V3 = 3 };

enum psci_conduit { PSCI_CONDUIT_NONE = 0, PSCI_CONDUIT_SMC, PSCI_CONDUIT_HVC };

/* An interrupt as the DT gives it, decoded: INTID is the GIC's number. */
struct irq_desc {
	uint32_t intid;		/* SGI 0-15, PPI 16-31, SPI 32+ */
	uint32_t flags;		/* trigger type bits from the DT cell */
	bool valid;
};

struct platform {
	struct mmio_range ram[PLATFORM_MAX_RAM_BANKS];
	unsigned ram_banks;
	uint64_t ram_total;
	unsigned ram_banks_ignored;	/* reg entries beyond PLATFORM_MAX_RAM_BANKS */

	unsigned ncpus;
	uint64_t cpu_mpidr[PLATFORM_MAX_CPUS];	/* the "reg" of each cpu node,
						   in DT order; [0..ncpus) */
	unsigned cpus_ignored;	/* cpu nodes beyond PLATFORM_MAX_CPUS */

	struct {
		enum gic_version version;
		struct mmio_range dist;		/* GICD */
		struct mmio_range redist;	/* GICv3: first GICR region */
		struct mmio_range cpuif;	/* GICv2: GICC */
		struct mmio_range hyp;		/* GICv2: GICH (virt. control) */
		struct mmio_range vcpu;		/* GICv2: GICV */
		struct irq_desc maintenance;
		char compatible[48];		/* what the DT said */
	} gic;

	struct {
		struct mmio_range regs;
		struct irq_desc irq;
		bool present;
	} uart;			/* the first "arm,pl011" (stdout-path preferred) */

	struct {
		/* The four architected timer PPIs, in DT order. */
		struct irq_desc sec_phys, phys, virt, hyp_phys;
		uint32_t frequency;	/* "clock-frequency" if present, else 0 */
	} timer;

	struct {
		enum psci_conduit conduit;
		bool v0_2_or_later;	/* compatible arm,psci-0.2 / 1.0 */
	} psci;

	char bootargs[PLATFORM_BOOTARGS_MAX];	/* /chosen/bootargs, "" if none */
	paddr_t initrd_start, initrd_end;	/* both 0 if none */
	uint64_t dtb_size;
};

/*
 * Parse the flattened device tree at fdt. Returns 0 on success. On error
 * returns a negative value and writes a message naming what is wrong (the
 * node and property) into err: no or corrupt DTB, no memory node, no CPUs,
 * no or unsupported GIC, a bad property, ...
 * Optional things (UART, PSCI, initrd, bootargs) being absent is not an
 * error; their absence is recorded.
 */
int platform_parse(const void *fdt, struct platform *plat, char *err,
		   size_t errlen);

/* Human-readable name of a GIC version: "GICv2", "GICv3", "none". */
const char *gic_version_name(enum gic_version v);

/*
 * Boot arguments: find "key" or "key=value" in a space-separated command
 * line. Returns true if present; *value gets a pointer to the value text
 * (not NUL-terminated: ends at a space or NUL) and *len its length, both
 * may be NULL.
 */
bool bootarg_find(const char *cmdline, const char *key, const char **value,
		  size_t *len);

#endif
