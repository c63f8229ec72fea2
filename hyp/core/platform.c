/*
 * Host device tree -> struct platform. The blob comes from firmware or a
 * bootloader and may be corrupt, so it is validated with fdt_check_full()
 * before anything else, every property length is checked before its cells
 * are read, and every error names the node and the property.
 *
 * fdt_address_cells()/fdt_size_cells() are deliberately not used: they live
 * in fdt_addresses.o, which in Debian's arm64 libfdt.a also holds code that
 * uses FP/SIMD registers, and the hypervisor runs with those disabled.
 */
#include <libfdt.h>

#include "core/platform.h"
#include "lib/format.h"
#include "lib/string.h"

#define PATH_TEXT_MAX 128
#define MESSAGE_TEXT_MAX 160
#define MAX_CELLS 2		/* 64-bit addresses and sizes */
#define MAX_TREE_WALK 32	/* bounds parent/interrupt-parent chains */
#define GIC_SPEC_CELLS 3	/* <type number flags> */
#define TIMER_IRQS 4
#define MPIDR_AFFINITY_MASK 0xff00ffffffULL

enum dt_irq_type {
	DT_IRQ_SPI = 0,
	DT_IRQ_PPI = 1,
	DT_IRQ_ESPI = 2,	/* GICv3.1 extended ranges */
	DT_IRQ_EPPI = 3,
};

struct parser {
	const void *fdt;
	struct platform *plat;
	char *err;
	size_t errlen;
	int root;
	int gic_node;
	uint32_t gic_irq_cells;	/* #interrupt-cells of the GIC */
};

/* A "reg" property, checked against its bus's cell sizes. */
struct reg_prop {
	int node;
	const fdt32_t *cells;
	int entries;
	uint32_t address_cells, size_cells;
};

static const char *const gicv3_compatibles[] = { "arm,gic-v3" };

static const char *const gicv2_compatibles[] = {
	"arm,gic-400", "arm,cortex-a15-gic", "arm,cortex-a9-gic",
	"arm,cortex-a7-gic", "arm,arm11mp-gic", "arm,arm1176jzf-devchip-gic",
	"arm,eb11mp-gic", "arm,pl390", "arm,tc11mp-gic",
};

static const char *const timer_compatibles[] = {
	"arm,armv8-timer", "arm,armv7-timer",
};

/* Newest first, so the first match tells which version is there. */
static const char *const psci_compatibles[] = {
	"arm,psci-1.0", "arm,psci-0.2", "arm,psci",
};

static const char *const pl011_compatibles[] = { "arm,pl011" };

/* ---- error reporting ---- */

static void node_path(const struct parser *p, int node, char *buf,
		      size_t len)
{
	if (fdt_get_path(p->fdt, node, buf, (int)len) < 0)
		format(buf, len, "<node at offset %d>", node);
}

static int fail(struct parser *p, const char *fmt, ...) __printf(2, 3);

static int fail(struct parser *p, const char *fmt, ...)
{
	if (p->errlen > 0) {
		va_list ap;

		va_start(ap, fmt);
		vformat(p->err, p->errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* "<node path>: <property>: <message>", or without the property. */
static int fail_at(struct parser *p, int node, const char *prop,
		   const char *fmt, ...) __printf(4, 5);

static int fail_at(struct parser *p, int node, const char *prop,
		   const char *fmt, ...)
{
	char path[PATH_TEXT_MAX], message[MESSAGE_TEXT_MAX];
	va_list ap;

	node_path(p, node, path, sizeof(path));
	va_start(ap, fmt);
	vformat(message, sizeof(message), fmt, ap);
	va_end(ap);
	if (prop != NULL)
		return fail(p, "%s: %s: %s", path, prop, message);
	return fail(p, "%s: %s", path, message);
}

/* ---- property access ---- */

static uint64_t read_cells(const fdt32_t *cells, uint32_t count)
{
	uint64_t value = 0;
	uint32_t i;

	for (i = 0; i < count; i++)
		value = (value << 32) | fdt32_to_cpu(cells[i]);
	return value;
}

/*
 * The property, or NULL. *status is 0 when it is merely absent, -1 (error
 * reported) when libfdt failed for another reason.
 */
static const void *get_prop(struct parser *p, int node, const char *name,
			    int *len, int *status)
{
	const void *value = fdt_getprop(p->fdt, node, name, len);

	*status = 0;
	if (value == NULL && *len != -FDT_ERR_NOTFOUND)
		*status = fail_at(p, node, name, "%s", fdt_strerror(*len));
	return value;
}

/* A property holding at least one NUL-terminated string; *s NULL if absent. */
static int get_string(struct parser *p, int node, const char *name,
		      const char **s)
{
	int len, status;
	const char *value = get_prop(p, node, name, &len, &status);

	*s = NULL;
	if (value == NULL)
		return status;
	if (len == 0 || value[len - 1] != '\0')
		return fail_at(p, node, name, "not a NUL-terminated string");
	*s = value;
	return 0;
}

static int get_u32(struct parser *p, int node, const char *name,
		   uint32_t *value, bool *present)
{
	int len, status;
	const fdt32_t *cell = get_prop(p, node, name, &len, &status);

	*present = false;
	if (cell == NULL)
		return status;
	if (len != sizeof(*cell))
		return fail_at(p, node, name, "length %d, expected 4", len);
	*value = fdt32_to_cpu(*cell);
	*present = true;
	return 0;
}

/* One or two cells, told apart by the property's length. */
static int get_u32_or_u64(struct parser *p, int node, const char *name,
			  uint64_t *value, bool *present)
{
	int len, status;
	const fdt32_t *cells = get_prop(p, node, name, &len, &status);

	*present = false;
	if (cells == NULL)
		return status;
	if (len != 4 && len != 8)
		return fail_at(p, node, name, "length %d is neither 4 nor 8",
			       len);
	*value = read_cells(cells, (uint32_t)len / 4);
	*present = true;
	return 0;
}

static bool string_is(const char *s, const char *expected)
{
	return s != NULL && strcmp(s, expected) == 0;
}

/* Compares within the property's length: the blob may lack the NUL. */
static bool prop_is_string(const void *value, int len, const char *expected)
{
	return value != NULL && (size_t)len == strlen(expected) + 1 &&
	       memcmp(value, expected, (size_t)len) == 0;
}

/* Matches the DT spec: no "status" or "okay" (or the old "ok"). */
static bool node_is_available(struct parser *p, int node)
{
	int len;
	const char *status = fdt_getprop(p->fdt, node, "status", &len);

	return status == NULL || prop_is_string(status, len, "okay") ||
	       prop_is_string(status, len, "ok");
}

static const char *first_matching_compatible(struct parser *p, int node,
					     const char *const *list,
					     size_t count)
{
	size_t i;

	for (i = 0; i < count; i++) {
		if (fdt_node_check_compatible(p->fdt, node, list[i]) == 0)
			return list[i];
	}
	return NULL;
}

/* First available node, in tree order, compatible with any of list. */
static int find_compatible(struct parser *p, const char *const *list,
			   size_t count)
{
	int node;

	for (node = fdt_next_node(p->fdt, -1, NULL); node >= 0;
	     node = fdt_next_node(p->fdt, node, NULL)) {
		if (first_matching_compatible(p, node, list, count) != NULL &&
		    node_is_available(p, node))
			return node;
	}
	return -FDT_ERR_NOTFOUND;
}

/* ---- addresses ---- */

static int parent_of(struct parser *p, int node, int *parent)
{
	*parent = fdt_parent_offset(p->fdt, node);
	if (*parent < 0)
		return fail_at(p, node, NULL, "no parent node: %s",
			       fdt_strerror(*parent));
	return 0;
}

static int cells_property(struct parser *p, int bus, const char *name,
			  uint32_t fallback, uint32_t min, uint32_t *cells)
{
	bool present;

	if (get_u32(p, bus, name, cells, &present) < 0)
		return -1;
	if (!present)
		*cells = fallback;	/* the DT spec's defaults */
	if (*cells < min || *cells > MAX_CELLS)
		return fail_at(p, bus, name, "%u is not supported (%u..%u)",
			       *cells, min, MAX_CELLS);
	return 0;
}

static int address_cells(struct parser *p, int bus, uint32_t *cells)
{
	return cells_property(p, bus, "#address-cells", 2, 1, cells);
}

static int size_cells(struct parser *p, int bus, uint32_t *cells)
{
	return cells_property(p, bus, "#size-cells", 1, 0, cells);
}

/* Maps addr through one bus's "ranges" into its parent's address space. */
static int translate_one_bus(struct parser *p, int bus, int parent,
			     uint64_t *addr)
{
	uint32_t child_ac, child_sc, parent_ac, entry_cells;
	int len, status, i;
	const fdt32_t *ranges = get_prop(p, bus, "ranges", &len, &status);

	if (ranges == NULL)
		return status < 0 ? status : fail_at(p, bus, "ranges",
			"missing, so addresses below it are not memory-mapped");
	if (len == 0)
		return 0;	/* empty: identity mapping */
	if (address_cells(p, bus, &child_ac) < 0 ||
	    size_cells(p, bus, &child_sc) < 0 ||
	    address_cells(p, parent, &parent_ac) < 0)
		return -1;
	entry_cells = child_ac + parent_ac + child_sc;
	if ((uint32_t)len % (entry_cells * 4) != 0)
		return fail_at(p, bus, "ranges",
			       "length %d is not a multiple of %u", len,
			       entry_cells * 4);

	for (i = 0; i < len / 4; i += (int)entry_cells) {
		uint64_t child = read_cells(ranges + i, child_ac);
		uint64_t target = read_cells(ranges + i + child_ac, parent_ac);
		uint64_t size = read_cells(ranges + i + child_ac + parent_ac,
					   child_sc);

		if (*addr >= child && *addr - child < size) {
			*addr = target + (*addr - child);
			return 0;
		}
	}
	return fail_at(p, bus, "ranges", "no entry covers address 0x%llx",
		       (unsigned long long)*addr);
}

/* bus is the parent of the node whose "reg" gave addr. */
static int translate_to_cpu(struct parser *p, int bus, uint64_t *addr)
{
	int depth, parent;

	for (depth = 0; depth < MAX_TREE_WALK && bus != p->root; depth++) {
		if (parent_of(p, bus, &parent) < 0 ||
		    translate_one_bus(p, bus, parent, addr) < 0)
			return -1;
		bus = parent;
	}
	if (bus != p->root)
		return fail_at(p, bus, NULL, "bus nesting too deep");
	return 0;
}

static int load_reg(struct parser *p, int node, struct reg_prop *reg)
{
	int parent, len, status;
	uint32_t entry_bytes;

	reg->node = node;
	if (parent_of(p, node, &parent) < 0 ||
	    address_cells(p, parent, &reg->address_cells) < 0 ||
	    size_cells(p, parent, &reg->size_cells) < 0)
		return -1;
	reg->cells = get_prop(p, node, "reg", &len, &status);
	if (reg->cells == NULL)
		return status < 0 ? status : fail_at(p, node, "reg", "missing");
	entry_bytes = (reg->address_cells + reg->size_cells) * 4;
	if (len == 0 || (uint32_t)len % entry_bytes != 0)
		return fail_at(p, node, "reg",
			       "length %d is not a multiple of %u", len,
			       entry_bytes);
	reg->entries = len / (int)entry_bytes;
	return 0;
}

static int reg_entry(struct parser *p, const struct reg_prop *reg, int index,
		     struct mmio_range *range)
{
	const fdt32_t *entry = reg->cells +
		(uint32_t)index * (reg->address_cells + reg->size_cells);
	int bus;

	range->base = read_cells(entry, reg->address_cells);
	range->size = read_cells(entry + reg->address_cells, reg->size_cells);
	if (range->base + range->size < range->base)
		return fail_at(p, reg->node, "reg",
			       "entry %d (0x%llx + 0x%llx) wraps around",
			       index, (unsigned long long)range->base,
			       (unsigned long long)range->size);
	return parent_of(p, reg->node, &bus) < 0 ? -1 :
	       translate_to_cpu(p, bus, &range->base);
}

/* ---- interrupts ---- */

static int decode_irq(struct parser *p, int node, const char *prop,
		      const fdt32_t *spec, struct irq_desc *irq)
{
	uint32_t type = fdt32_to_cpu(spec[0]), num = fdt32_to_cpu(spec[1]);

	if (type == DT_IRQ_SPI && num < 988)
		irq->intid = 32 + num;
	else if (type == DT_IRQ_PPI && num < 16)
		irq->intid = 16 + num;
	else if (type == DT_IRQ_ESPI && num < 1024)
		irq->intid = 4096 + num;
	else if (type == DT_IRQ_EPPI && num < 64)
		irq->intid = 1056 + num;
	else
		return fail_at(p, node, prop,
			       "<%u %u>: not a valid SPI/PPI (type, number)",
			       type, num);
	irq->flags = fdt32_to_cpu(spec[2]) & 0xf;	/* IRQ_TYPE_* bits */
	irq->valid = true;
	return 0;
}

/* Where the interrupt-parent chain of node ends: a node with #interrupt-cells. */
static int interrupt_parent(struct parser *p, int node, int *parent)
{
	int depth, next;
	uint32_t phandle;
	bool present;

	for (depth = 0; depth < MAX_TREE_WALK; depth++) {
		if (get_u32(p, node, "interrupt-parent", &phandle, &present) < 0)
			return -1;
		if (present)
			next = fdt_node_offset_by_phandle(p->fdt, phandle);
		else
			next = fdt_parent_offset(p->fdt, node);
		if (next < 0)
			return fail_at(p, node, "interrupt-parent",
				       "no interrupt controller found (%s)",
				       fdt_strerror(next));
		if (fdt_getprop(p->fdt, next, "#interrupt-cells", NULL) != NULL) {
			*parent = next;
			return 0;
		}
		node = next;
	}
	return fail_at(p, node, "interrupt-parent", "chain too long");
}

/*
 * Decodes up to max specifiers of node's "interrupts" into irqs, which
 * must route to the GIC. *count gets how many there were (0 if absent).
 */
static int read_gic_interrupts(struct parser *p, int node, struct irq_desc *irqs,
			       int max, int *count)
{
	int len, status, parent, i;
	const fdt32_t *cells = get_prop(p, node, "interrupts", &len, &status);
	uint32_t spec_bytes = p->gic_irq_cells * 4;

	*count = 0;
	if (cells == NULL)
		return status;
	if (node != p->gic_node) {
		if (interrupt_parent(p, node, &parent) < 0)
			return -1;
		if (parent != p->gic_node)
			return fail_at(p, node, "interrupts",
				       "interrupt parent is not the GIC");
	}
	if (len == 0 || (uint32_t)len % spec_bytes != 0)
		return fail_at(p, node, "interrupts",
			       "length %d is not a multiple of %u", len,
			       spec_bytes);
	*count = len / (int)spec_bytes;
	for (i = 0; i < *count && i < max; i++) {
		if (decode_irq(p, node, "interrupts",
			       cells + (uint32_t)i * p->gic_irq_cells,
			       &irqs[i]) < 0)
			return -1;
	}
	return 0;
}

/* ---- the blob ---- */

static int check_blob(struct parser *p)
{
	int status;

	if (p->fdt == NULL)
		return fail(p, "no DTB (null pointer)");
	status = fdt_check_header(p->fdt);
	if (status < 0)
		return fail(p, "bad DTB header: %s", fdt_strerror(status));
	if (fdt_totalsize(p->fdt) > PLATFORM_DTB_MAX_SIZE)
		return fail(p, "bad DTB header: size %u is over the %u limit",
			    fdt_totalsize(p->fdt), PLATFORM_DTB_MAX_SIZE);
	status = fdt_check_full(p->fdt, fdt_totalsize(p->fdt));
	if (status < 0)
		return fail(p, "corrupt DTB: %s", fdt_strerror(status));
	/*
	 * fdt_check_full() (1.6.1) accepts a structure block that is just
	 * FDT_END, and fdt_path_offset("/") then still answers 0: ask for the
	 * root's name to be sure there is a root node.
	 */
	p->root = fdt_path_offset(p->fdt, "/");
	if (p->root >= 0 && fdt_get_name(p->fdt, p->root, &status) == NULL)
		p->root = status;
	if (p->root < 0)
		return fail(p, "corrupt DTB: no root node (%s)",
			    fdt_strerror(p->root));
	p->plat->dtb_size = fdt_totalsize(p->fdt);
	return 0;
}

/* ---- memory ---- */

static bool overlaps_known_bank(const struct platform *plat,
				const struct mmio_range *range)
{
	unsigned i;

	for (i = 0; i < plat->ram_banks; i++) {
		const struct mmio_range *bank = &plat->ram[i];

		if (range->base < bank->base + bank->size &&
		    bank->base < range->base + range->size)
			return true;
	}
	return false;
}

static int add_ram_bank(struct parser *p, int node, int index,
			const struct mmio_range *range)
{
	struct platform *plat = p->plat;

	if (range->size == 0)
		return 0;
	if (overlaps_known_bank(plat, range))
		return fail_at(p, node, "reg",
			       "entry %d (0x%llx, size 0x%llx) overlaps another memory range",
			       index, (unsigned long long)range->base,
			       (unsigned long long)range->size);
	if (plat->ram_banks == PLATFORM_MAX_RAM_BANKS) {
		plat->ram_banks_ignored++;
		return 0;
	}
	plat->ram[plat->ram_banks++] = *range;
	plat->ram_total += range->size;
	return 0;
}

static int parse_memory_node(struct parser *p, int node)
{
	struct reg_prop reg;
	struct mmio_range range;
	int i;

	if (load_reg(p, node, &reg) < 0)
		return -1;
	for (i = 0; i < reg.entries; i++) {
		if (reg_entry(p, &reg, i, &range) < 0 ||
		    add_ram_bank(p, node, i, &range) < 0)
			return -1;
	}
	return 0;
}

static int parse_memory(struct parser *p)
{
	static const char memory[] = "memory";
	bool found = false;
	int node;

	for (node = fdt_node_offset_by_prop_value(p->fdt, -1, "device_type",
						  memory, sizeof(memory));
	     node >= 0;
	     node = fdt_node_offset_by_prop_value(p->fdt, node, "device_type",
						  memory, sizeof(memory))) {
		if (!node_is_available(p, node))
			continue;
		found = true;
		if (parse_memory_node(p, node) < 0)
			return -1;
	}
	if (!found)
		return fail(p, "no memory node (device_type = \"memory\")");
	if (p->plat->ram_banks == 0)
		return fail(p, "memory nodes describe no RAM (every reg size is 0)");
	return 0;
}

/* ---- CPUs ---- */

static int find_mpidr(const struct platform *plat, uint64_t mpidr)
{
	unsigned i;

	for (i = 0; i < plat->ncpus; i++) {
		if (plat->cpu_mpidr[i] == mpidr)
			return (int)i;
	}
	return -1;
}

static int add_cpu(struct parser *p, int node, uint64_t mpidr)
{
	struct platform *plat = p->plat;

	if (mpidr & ~MPIDR_AFFINITY_MASK)
		return fail_at(p, node, "reg",
			       "0x%llx has bits outside the MPIDR affinity fields",
			       (unsigned long long)mpidr);
	if (find_mpidr(plat, mpidr) >= 0)
		return fail_at(p, node, "reg", "MPIDR 0x%llx appears twice",
			       (unsigned long long)mpidr);
	if (plat->ncpus == PLATFORM_MAX_CPUS) {
		plat->cpus_ignored++;
		return 0;
	}
	plat->cpu_mpidr[plat->ncpus++] = mpidr;
	return 0;
}

static int parse_cpu_node(struct parser *p, int node, uint32_t cells)
{
	const char *type;
	int len, status;
	const fdt32_t *reg;

	if (get_string(p, node, "device_type", &type) < 0)
		return -1;
	if (!string_is(type, "cpu"))
		return 0;	/* cpu-map and friends */
	reg = get_prop(p, node, "reg", &len, &status);
	if (reg == NULL)
		return status < 0 ? status : fail_at(p, node, "reg", "missing");
	if ((uint32_t)len != cells * 4)
		return fail_at(p, node, "reg", "length %d, expected %u", len,
			       cells * 4);
	return add_cpu(p, node, read_cells(reg, cells));
}

static int parse_cpus(struct parser *p)
{
	int cpus = fdt_path_offset(p->fdt, "/cpus"), node;
	uint32_t cells;

	if (cpus < 0)
		return fail(p, "no /cpus node");
	if (address_cells(p, cpus, &cells) < 0)
		return -1;
	fdt_for_each_subnode(node, p->fdt, cpus) {
		if (parse_cpu_node(p, node, cells) < 0)
			return -1;
	}
	if (p->plat->ncpus == 0)
		return fail(p, "no cpu nodes under /cpus");
	return 0;
}

/* ---- GIC ---- */

static enum gic_version gic_version_of(struct parser *p, int node,
				       const char **compatible)
{
	*compatible = first_matching_compatible(p, node, gicv3_compatibles,
						ARRAY_SIZE(gicv3_compatibles));
	if (*compatible != NULL)
		return GIC_V3;
	*compatible = first_matching_compatible(p, node, gicv2_compatibles,
						ARRAY_SIZE(gicv2_compatibles));
	if (*compatible != NULL)
		return GIC_V2;
	return GIC_NONE;
}

static int first_interrupt_controller_child(struct parser *p)
{
	int node;

	fdt_for_each_subnode(node, p->fdt, p->root) {
		if (fdt_getprop(p->fdt, node, "interrupt-controller", NULL))
			return node;
	}
	return -FDT_ERR_NOTFOUND;
}

/*
 * The root's interrupt-parent names the primary controller; without one,
 * any GIC node, else any interrupt controller at the top level (which
 * is then reported as unsupported).
 */
static int find_interrupt_controller(struct parser *p, int *node)
{
	uint32_t phandle;
	bool present;

	if (get_u32(p, p->root, "interrupt-parent", &phandle, &present) < 0)
		return -1;
	if (present) {
		*node = fdt_node_offset_by_phandle(p->fdt, phandle);
		if (*node < 0)
			return fail_at(p, p->root, "interrupt-parent",
				       "phandle 0x%x matches no node", phandle);
		return 0;
	}
	*node = find_compatible(p, gicv3_compatibles,
				ARRAY_SIZE(gicv3_compatibles));
	if (*node < 0)
		*node = find_compatible(p, gicv2_compatibles,
					ARRAY_SIZE(gicv2_compatibles));
	if (*node < 0)
		*node = first_interrupt_controller_child(p);
	if (*node < 0)
		return fail(p, "no interrupt controller (no /interrupt-parent, no GIC node)");
	return 0;
}

static int unsupported_gic(struct parser *p, int node)
{
	const char *compatible;

	if (get_string(p, node, "compatible", &compatible) < 0)
		return -1;
	if (compatible == NULL)
		return fail_at(p, node, NULL,
			       "unsupported interrupt controller (no compatible)");
	return fail_at(p, node, NULL, "unsupported GIC \"%s\"", compatible);
}

/* GICv2's GICH and GICV exist only with the virtualization extensions. */
static int parse_gic_regs(struct parser *p, int node)
{
	struct mmio_range *const v3_regions[] = {
		&p->plat->gic.dist, &p->plat->gic.redist,
	};
	struct mmio_range *const v2_regions[] = {
		&p->plat->gic.dist, &p->plat->gic.cpuif, &p->plat->gic.hyp,
		&p->plat->gic.vcpu,
	};
	struct mmio_range *const *regions = v3_regions;
	int nregions = ARRAY_SIZE(v3_regions), required = 2, i;
	struct reg_prop reg;

	if (p->plat->gic.version == GIC_V2) {
		regions = v2_regions;
		nregions = ARRAY_SIZE(v2_regions);
	}
	if (load_reg(p, node, &reg) < 0)
		return -1;
	if (reg.entries < required)
		return fail_at(p, node, "reg", "%s needs %d regions, found %d",
			       gic_version_name(p->plat->gic.version),
			       required, reg.entries);
	for (i = 0; i < reg.entries && i < nregions; i++) {
		if (reg_entry(p, &reg, i, regions[i]) < 0)
			return -1;
	}
	return 0;
}

static int parse_gic_interrupt_cells(struct parser *p, int node)
{
	bool present;

	if (get_u32(p, node, "#interrupt-cells", &p->gic_irq_cells,
		    &present) < 0)
		return -1;
	if (!present)
		return fail_at(p, node, "#interrupt-cells", "missing");
	if (p->gic_irq_cells < GIC_SPEC_CELLS || p->gic_irq_cells > 4)
		return fail_at(p, node, "#interrupt-cells",
			       "%u, expected 3 or 4", p->gic_irq_cells);
	return 0;
}

static int parse_gic(struct parser *p)
{
	struct platform *plat = p->plat;
	const char *compatible;
	int node, count;

	if (find_interrupt_controller(p, &node) < 0)
		return -1;
	plat->gic.version = gic_version_of(p, node, &compatible);
	if (plat->gic.version == GIC_NONE)
		return unsupported_gic(p, node);
	format(plat->gic.compatible, sizeof(plat->gic.compatible), "%s",
	       compatible);
	p->gic_node = node;
	if (parse_gic_interrupt_cells(p, node) < 0 ||
	    parse_gic_regs(p, node) < 0)
		return -1;
	return read_gic_interrupts(p, node, &plat->gic.maintenance, 1, &count);
}

/* ---- timer ---- */

static int parse_timer(struct parser *p)
{
	struct irq_desc irqs[TIMER_IRQS] = { { 0 } };
	bool present;
	int node, count;

	node = find_compatible(p, timer_compatibles,
			       ARRAY_SIZE(timer_compatibles));
	if (node < 0)
		return fail(p, "no timer node (compatible \"arm,armv8-timer\")");
	if (read_gic_interrupts(p, node, irqs, TIMER_IRQS, &count) < 0)
		return -1;
	if (count < TIMER_IRQS)
		return fail_at(p, node, "interrupts",
			       "%d interrupts, expected secure phys, phys, virt and hyp phys",
			       count);
	p->plat->timer.sec_phys = irqs[0];
	p->plat->timer.phys = irqs[1];
	p->plat->timer.virt = irqs[2];
	p->plat->timer.hyp_phys = irqs[3];
	return get_u32(p, node, "clock-frequency", &p->plat->timer.frequency,
		       &present);
}

/* ---- UART ---- */

/* stdout-path is "path-or-alias[:options]". */
static int stdout_path_node(struct parser *p, int chosen)
{
	const char *path, *colon;
	int len;

	path = fdt_getprop(p->fdt, chosen, "stdout-path", &len);
	if (path == NULL)
		path = fdt_getprop(p->fdt, chosen, "linux,stdout-path", &len);
	if (path == NULL || len <= 0 || path[len - 1] != '\0')
		return -FDT_ERR_NOTFOUND;
	colon = strchr(path, ':');
	len = colon ? (int)(colon - path) : (int)strlen(path);
	return fdt_path_offset_namelen(p->fdt, path, len);
}

static int find_uart(struct parser *p)
{
	int chosen = fdt_path_offset(p->fdt, "/chosen"), node = -1;

	if (chosen >= 0)
		node = stdout_path_node(p, chosen);
	if (node >= 0 && node_is_available(p, node) &&
	    first_matching_compatible(p, node, pl011_compatibles,
				      ARRAY_SIZE(pl011_compatibles)))
		return node;
	return find_compatible(p, pl011_compatibles,
			       ARRAY_SIZE(pl011_compatibles));
}

/* A UART wired elsewhere than the GIC still works, polled: no irq then. */
static int parse_uart_irq(struct parser *p, int node)
{
	int parent, count;

	if (fdt_getprop(p->fdt, node, "interrupts", NULL) == NULL)
		return 0;
	if (interrupt_parent(p, node, &parent) < 0)
		return -1;
	if (parent != p->gic_node)
		return 0;
	return read_gic_interrupts(p, node, &p->plat->uart.irq, 1, &count);
}

static int parse_uart(struct parser *p)
{
	struct reg_prop reg;
	int node = find_uart(p);

	if (node < 0)
		return 0;	/* optional */
	if (load_reg(p, node, &reg) < 0 ||
	    reg_entry(p, &reg, 0, &p->plat->uart.regs) < 0)
		return -1;
	p->plat->uart.present = true;
	return parse_uart_irq(p, node);
}

/* ---- PSCI ---- */

static int parse_psci(struct parser *p)
{
	const char *method, *version;
	int node = find_compatible(p, psci_compatibles,
				   ARRAY_SIZE(psci_compatibles));

	if (node < 0)
		return 0;	/* optional */
	if (get_string(p, node, "method", &method) < 0)
		return -1;
	if (method == NULL)
		return fail_at(p, node, "method", "missing");
	if (strcmp(method, "smc") == 0)
		p->plat->psci.conduit = PSCI_CONDUIT_SMC;
	else if (strcmp(method, "hvc") == 0)
		p->plat->psci.conduit = PSCI_CONDUIT_HVC;
	else
		return fail_at(p, node, "method",
			       "\"%s\" is neither \"smc\" nor \"hvc\"", method);
	version = first_matching_compatible(p, node, psci_compatibles,
					    ARRAY_SIZE(psci_compatibles));
	p->plat->psci.v0_2_or_later = !string_is(version, "arm,psci");
	return 0;
}

/* ---- /chosen ---- */

static int parse_bootargs(struct parser *p, int chosen)
{
	const char *args;
	size_t len;

	if (get_string(p, chosen, "bootargs", &args) < 0)
		return -1;
	if (args == NULL)
		return 0;
	len = strlen(args);
	if (len >= sizeof(p->plat->bootargs))
		return fail_at(p, chosen, "bootargs",
			       "%zu characters do not fit in %zu", len,
			       sizeof(p->plat->bootargs) - 1);
	memcpy(p->plat->bootargs, args, len + 1);
	return 0;
}

static int parse_initrd(struct parser *p, int chosen)
{
	uint64_t start = 0, end = 0;
	bool has_start, has_end;

	if (get_u32_or_u64(p, chosen, "linux,initrd-start", &start,
			   &has_start) < 0 ||
	    get_u32_or_u64(p, chosen, "linux,initrd-end", &end, &has_end) < 0)
		return -1;
	if (has_start != has_end)
		return fail_at(p, chosen,
			       has_start ? "linux,initrd-end" : "linux,initrd-start",
			       "missing (the other initrd bound is present)");
	if (end < start)
		return fail_at(p, chosen, "linux,initrd-end",
			       "0x%llx is below linux,initrd-start 0x%llx",
			       (unsigned long long)end,
			       (unsigned long long)start);
	p->plat->initrd_start = start;
	p->plat->initrd_end = end;
	return 0;
}

static int parse_chosen(struct parser *p)
{
	int chosen = fdt_path_offset(p->fdt, "/chosen");

	if (chosen < 0)
		return 0;	/* optional */
	if (parse_bootargs(p, chosen) < 0 || parse_initrd(p, chosen) < 0)
		return -1;
	return 0;
}

/* ---- entry points ---- */

int platform_parse(const void *fdt, struct platform *plat, char *err,
		   size_t errlen)
{
	/* In dependency order: interrupts need the GIC. */
	static int (*const steps[])(struct parser *) = {
		check_blob, parse_memory, parse_cpus, parse_gic, parse_timer,
		parse_uart, parse_psci, parse_chosen,
	};
	struct parser p = {
		.fdt = fdt, .plat = plat, .err = err, .errlen = errlen,
		.root = -1, .gic_node = -1,
	};
	size_t i;

	memset(plat, 0, sizeof(*plat));
	if (errlen > 0)
		err[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(steps); i++) {
		if (steps[i](&p) < 0)
			return -1;
	}
	return 0;
}

const char *gic_version_name(enum gic_version v)
{
	switch (v) {
	case GIC_V2: return "GICv2";
	case GIC_V3: return "GICv3";
	default: return "none";
	}
}
