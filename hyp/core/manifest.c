/*
 * The manifest (manifest.dtb in the boot archive) -> struct manifest.
 * The format and every message's meaning are in docs/configuration.md.
 *
 * The blob comes from the user, so it is validated with fdt_check_full()
 * first, every property's length is checked before it is read, and each
 * problem is reported with the node and property it concerns. A domain
 * with problems has all of them reported (not just the first) and is left
 * out; the other domains are kept.
 *
 * Portable: no allocation and no hardware. What the parser needs to know
 * about its surroundings (pCPUs, memory, the boot archive, where messages
 * go) comes from struct manifest_env, so the host unit tests run this very
 * file.
 *
 * Like core/platform.c, this avoids fdt_address_cells()/fdt_size_cells()
 * (fdt_addresses.o in Debian's arm64 libfdt.a uses FP/SIMD registers); it
 * needs neither. Cells are read with fdt32_ld(), which does not assume
 * that the blob is aligned.
 */
#include "manifest_parser.h"
#include "lib/string.h"

#define REGION_TEXT_MAX 128
#define MIB_SHIFT 20
#define DOMAIN_COMPATIBLE "elvisor,domain"
#define WEIGHT_DEFAULT 256
#define WEIGHT_MAX 65535

/* The arm64 Linux Image header (Documentation/arch/arm64/booting.rst). */
#define IMAGE_HEADER_SIZE 64
#define IMAGE_TEXT_OFFSET 8	/* u64, little-endian */
#define IMAGE_IMAGE_SIZE 16	/* u64, little-endian */
#define IMAGE_MAGIC_OFFSET 56
static const uint8_t image_magic[4] = { 'A', 'R', 'M', 0x64 };

/* The properties a domain node may have. */
static const char *const domain_properties[] = {
	"compatible", "vcpus", "memory-mb", "kernel", "load-address", "entry",
	"ramdisk", "bootargs", "affinity", "weight", "test-domain", "bench-device",
	/* Added by dtc when a label of the node is referenced. */
	"phandle", "linux,phandle",
};


/* A guest address range, for the layout checks and their messages. */
struct region {
	const char *what;		/* "kernel", "ramdisk", "device tree" */
	const char *file;		/* NULL for the device tree */
	uint64_t start, size;
};

static const char *plural(uint64_t n)
{
	return n == 1 ? "" : "s";
}

/* ---- the node itself ---- */

/* The name's rules, then uniqueness among the nodes before this one. */
static void check_name(struct parser *p, int elvisor, int node,
		       const char *name, int len, struct domain_config *d)
{
	int other;

	if (!mp_check_node_name(p, name, len, "domain"))
		return;
	memcpy(d->name, name, (size_t)len);
	d->name[len] = '\0';

	/* dtc merges same-named nodes; a blob made otherwise may not. */
	fdt_for_each_subnode(other, p->fdt, elvisor) {
		const char *other_name;
		int other_len;

		if (other == node)
			break;
		other_name = fdt_get_name(p->fdt, other, &other_len);
		if (other_name != NULL && other_len == len &&
		    memcmp(other_name, name, (size_t)len) == 0) {
			mp_fail(p, NULL, "node name \"%s\": another domain has "
			     "the same name", name);
			return;
		}
	}
}

static bool is_domain_property(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(domain_properties); i++) {
		if (strcmp(name, domain_properties[i]) == 0)
			return true;
	}
	return false;
}

/* Properties nobody reads are typos: each one is an error. */
static void check_unknown(struct parser *p, int node)
{
	int prop, child;

	fdt_for_each_property_offset(prop, p->fdt, node) {
		const char *name = NULL;
		int len;

		if (fdt_getprop_by_offset(p->fdt, prop, &name, &len) == NULL ||
		    name == NULL) {
			mp_fail(p, NULL, "unreadable property: %s",
			     fdt_strerror(len));
			continue;
		}
		if (!is_domain_property(name))
			mp_fail(p, NULL, "unknown property \"%s\"", name);
	}
	(void)child;
}

static void check_compatible(struct parser *p, int node)
{
	enum prop_status status;
	int len;
	const char *value = mp_get_prop(p, node, "compatible", &len, &status);

	if (value == NULL) {
		if (status == PROP_ABSENT)
			mp_fail(p, "compatible", "required property is missing "
			     "(compatible = \"" DOMAIN_COMPATIBLE "\";)");
		return;
	}
	if (fdt_stringlist_contains(value, len, DOMAIN_COMPATIBLE) == 0)
		mp_fail(p, "compatible", "must be \"" DOMAIN_COMPATIBLE "\"");
}

/* ---- numbers ---- */

static bool parse_vcpus(struct parser *p, int node, struct domain_config *d)
{
	uint32_t n;

	if (mp_get_u32(p, node, "vcpus", true, &n) != PROP_OK)
		return false;
	if (n < 1 || n > MANIFEST_MAX_VCPUS) {
		mp_fail(p, "vcpus", "%u is not between 1 and %u", n,
		     (unsigned)MANIFEST_MAX_VCPUS);
		return false;
	}
	d->vcpus = n;
	return true;
}

/*
 * Returns true when the size can be used for the layout checks (even if
 * the domain does not fit in the memory left).
 */
/* What the domains accepted so far leave of the memory for domains. */
static uint64_t memory_left(const struct parser *p)
{
	uint64_t available = p->env->memory_available;

	return available > p->memory_used ? available - p->memory_used : 0;
}

static bool parse_memory(struct parser *p, int node, struct domain_config *d)
{
	uint64_t available = p->env->memory_available, left = memory_left(p);
	uint32_t mb;

	if (mp_get_u32(p, node, "memory-mb", true, &mb) != PROP_OK)
		return false;
	if (mb > GUEST_RAM_MAX_MB) {
		mp_fail(p, "memory-mb", "%u is more than the %u MiB a domain may "
		     "have", mb, (unsigned)GUEST_RAM_MAX_MB);
		return false;
	}
	if ((uint64_t)mb << MIB_SHIFT < GUEST_DTB_SPACE) {
		mp_fail(p, "memory-mb", "%u MiB is less than the %lu MiB at the "
		     "top of RAM reserved for the device tree", mb,
		     GUEST_DTB_SPACE >> MIB_SHIFT);
		return false;
	}
	d->memory_bytes = (uint64_t)mb << MIB_SHIFT;
	if (d->memory_bytes > left)
		mp_fail(p, "memory-mb", "too much memory: %u MiB wanted, %llu MiB "
		     "of the %llu MiB for domains left", mb,
		     (unsigned long long)(left >> MIB_SHIFT),
		     (unsigned long long)(available >> MIB_SHIFT));
	return true;
}

static void parse_weight(struct parser *p, int node, struct domain_config *d)
{
	uint32_t weight = WEIGHT_DEFAULT;

	if (mp_get_u32(p, node, "weight", false, &weight) == PROP_BAD)
		return;
	if (weight < 1 || weight > WEIGHT_MAX) {
		mp_fail(p, "weight", "%u is not between 1 and %u", weight,
		     (unsigned)WEIGHT_MAX);
		return;
	}
	d->weight = weight;
}

/* A flag: `name;` sets *flag; a value is an error. */
static void parse_flag(struct parser *p, int node, const char *name, bool *flag)
{
	enum prop_status status;
	int len;

	if (mp_get_prop(p, node, name, &len, &status) == NULL)
		return;
	if (len != 0) {
		mp_fail(p, name, "takes no value (%s;)", name);
		return;
	}
	*flag = true;
}

/*
 * The test device sits at a fixed IPA (core/testdev.h): an app's MMIO range
 * there would make one of the two unreachable, so it is refused here,
 * naming both, rather than when the domain is built.
 */
static void check_bench_device(struct parser *p, const struct domain_config *d)
{
	const uint64_t base = GUEST_BENCH_DEVICE_BASE, size = GUEST_BENCH_DEVICE_SIZE;
	unsigned i;

	if (!d->bench_device)
		return;
	for (i = 0; i < d->napps; i++) {
		const struct app_config *a = &d->app[i];

		if (a->mmio_size != 0 && a->mmio_base < base + size &&
		    base < a->mmio_base + a->mmio_size)
			mp_fail(p, "bench-device", "the test device's range [%#llx, %#llx) "
			     "overlaps the mmio of app \"%s\"", (unsigned long long)base,
			     (unsigned long long)(base + size), a->name);
	}
}

/*
 * One pCPU for all vCPUs, or one per vCPU. Without the property vCPU i of
 * the k-th accepted domain goes to pCPU (k + i) % pcpus.
 */
static void parse_affinity(struct parser *p, int node, bool vcpus_ok,
			   unsigned k, struct domain_config *d)
{
	unsigned pcpus = p->env->pcpus, i, count;
	enum prop_status status;
	int len;
	const fdt32_t *cells = mp_get_prop(p, node, "affinity", &len, &status);

	if (cells == NULL) {
		for (i = 0; i < d->vcpus; i++)
			d->affinity[i] = pcpus != 0 ? (k + i) % pcpus : 0;
		return;
	}
	if (len == 0 || len % 4 != 0) {
		mp_fail(p, "affinity", "length %d bytes: expected <pcpu> or one "
		     "cell per vCPU", len);
		return;
	}
	count = (unsigned)len / 4;
	if (vcpus_ok && count != 1 && count != d->vcpus) {
		mp_fail(p, "affinity", "%u pCPUs for %u vCPU%s: give one pCPU for "
		     "all of them or one per vCPU", count, d->vcpus,
		     plural(d->vcpus));
		return;
	}
	for (i = 0; i < count; i++) {
		uint32_t pcpu = fdt32_ld(cells + i);

		if (pcpu >= pcpus)
			mp_fail(p, "affinity", "pCPU %u does not exist (%u pCPU%s)",
			     pcpu, pcpus, plural(pcpus));
		else if (i < MANIFEST_MAX_VCPUS)
			d->affinity[i] = pcpu;
	}
	if (count == 1) {
		for (i = 1; i < MANIFEST_MAX_VCPUS; i++)
			d->affinity[i] = d->affinity[0];
	}
	d->pinned = true;
}

/* ---- kernel and ramdisk ---- */

static uint64_t load_le64(const uint8_t *b)
{
	uint64_t value = 0;
	int i;

	for (i = 7; i >= 0; i--)
		value = value << 8 | b[i];
	return value;
}

/* An arm64 Image: loaded at RAM base + text_offset and entered there. */
static bool parse_image(struct parser *p, const uint8_t *data, size_t size,
			enum prop_status has_load, enum prop_status has_entry,
			struct domain_config *d)
{
	uint64_t text_offset = load_le64(data + IMAGE_TEXT_OFFSET);
	uint64_t image_size = load_le64(data + IMAGE_IMAGE_SIZE);

	d->kernel_is_image = true;
	if (has_load != PROP_ABSENT)
		mp_fail(p, "load-address", "not allowed: \"%s\" is an arm64 Image, "
		     "loaded at RAM base + its text_offset", d->kernel);
	if (has_entry != PROP_ABSENT)
		mp_fail(p, "entry", "not allowed: \"%s\" is an arm64 Image, "
		     "entered at its first byte", d->kernel);
	if (text_offset >= (uint64_t)GUEST_RAM_MAX_MB << MIB_SHIFT) {
		mp_fail(p, d->stub ? "image" : "kernel", "\"%s\": Image text_offset %#llx is beyond "
		     "any domain's RAM", d->kernel,
		     (unsigned long long)text_offset);
		return false;
	}
	if (text_offset % 4 != 0) {
		mp_fail(p, d->stub ? "image" : "kernel", "\"%s\": Image text_offset %#llx is not "
		     "4-byte aligned", d->kernel,
		     (unsigned long long)text_offset);
		return false;
	}
	d->load_address = GUEST_RAM_BASE + text_offset;
	d->entry = d->load_address;
	/* image_size includes the bss; never less than what is copied. */
	d->kernel_size = MAX(image_size, (uint64_t)size);
	return true;
}

/* A raw binary: loaded at load-address, entered at entry (default: there). */
static bool parse_raw(struct parser *p, size_t size, enum prop_status has_load,
		      uint64_t load, enum prop_status has_entry,
		      uint64_t entry, struct domain_config *d)
{
	d->kernel_is_image = false;
	d->kernel_size = size;
	if (has_load == PROP_ABSENT)
		mp_fail(p, "load-address", "required: \"%s\" is a raw binary (no "
		     "arm64 Image header)", d->kernel);
	if (has_load != PROP_OK)
		return false;
	d->load_address = load;
	d->entry = load;
	if (has_entry == PROP_OK) {
		d->entry = entry;
		if (entry < load || entry - load >= size)
			mp_fail(p, "entry", "%#llx is outside the kernel \"%s\" "
			     "[%#llx, %#llx)", (unsigned long long)entry,
			     d->kernel, (unsigned long long)load,
			     (unsigned long long)(load + size));
	}
	if (d->entry % 4 != 0)
		mp_fail(p, has_entry == PROP_OK ? "entry" : "load-address",
		     "%#llx is not 4-byte aligned (the entry point is an "
		     "instruction)", (unsigned long long)d->entry);
	return true;
}

/*
 * kernel, load-address and entry. Returns true when the kernel's place is
 * known (d->load_address, d->kernel_size), for the layout checks.
 */
static bool parse_kernel(struct parser *p, int node, struct domain_config *d)
{
	enum prop_status has_load, has_entry;
	uint64_t load = 0, entry = 0;
	const void *data = NULL;
	size_t size = 0;
	bool file_ok;

	file_ok = mp_get_file(p, node, "kernel", true, d->kernel, &data,
			   &size) == PROP_OK;
	has_load = mp_get_address(p, node, "load-address", &load);
	has_entry = mp_get_address(p, node, "entry", &entry);
	if (!file_ok)
		return false;
	if (size >= IMAGE_HEADER_SIZE &&
	    memcmp((const uint8_t *)data + IMAGE_MAGIC_OFFSET, image_magic,
		   sizeof(image_magic)) == 0)
		return parse_image(p, data, size, has_load, has_entry, d);
	return parse_raw(p, size, has_load, load, has_entry, entry, d);
}

/* Returns false if the property is there but unusable. */
static bool parse_ramdisk(struct parser *p, int node, struct domain_config *d)
{
	const void *data = NULL;
	size_t size = 0;
	enum prop_status status = mp_get_file(p, node, "ramdisk", false,
					   d->ramdisk, &data, &size);

	if (status == PROP_OK)
		d->ramdisk_size = size;
	else
		d->ramdisk[0] = '\0';
	return status != PROP_BAD;
}

/* ---- the guest memory layout ---- */

/* [start, start + size) inside [base, base + limit), without overflow. */
static bool range_inside(uint64_t start, uint64_t size, uint64_t base,
			 uint64_t limit)
{
	return start >= base && start - base <= limit &&
	       size <= limit - (start - base);
}

static bool regions_overlap(const struct region *a, const struct region *b)
{
	return a->start < b->start + b->size && b->start < a->start + a->size;
}

static void describe(const struct region *r, char *buf, size_t size)
{
	unsigned long long start = r->start, end = r->start + r->size;

	if (r->file != NULL)
		format(buf, size, "%s \"%s\" [%#llx, %#llx)", r->what, r->file,
		       start, end);
	else
		format(buf, size, "%s [%#llx, %#llx)", r->what, start, end);
}

static void fail_overlap(struct parser *p, const char *prop,
			 const struct region *a, const struct region *b)
{
	char a_text[REGION_TEXT_MAX], b_text[REGION_TEXT_MAX];

	describe(a, a_text, sizeof(a_text));
	describe(b, b_text, sizeof(b_text));
	mp_fail(p, prop, "overlapping guest address ranges: %s and %s", a_text,
	     b_text);
}

/*
 * The device tree in the last GUEST_DTB_SPACE bytes of RAM, the ramdisk
 * right below it (page aligned), the kernel where it was put: all inside
 * RAM, none overlapping.
 */
static void check_layout(struct parser *p, struct domain_config *d,
			 bool kernel_ok, bool ramdisk_ok)
{
	uint64_t ram_end = GUEST_RAM_BASE + d->memory_bytes;
	const char *kernel_prop = d->stub ? "image" : d->kernel_is_image ? "kernel" : "load-address";
	struct region dtb = { "device tree", NULL, 0, GUEST_DTB_SPACE };
	struct region ramdisk = { "ramdisk", d->ramdisk, 0, 0 };
	struct region kernel = { "kernel", d->kernel, d->load_address,
				 d->kernel_size };
	char text[REGION_TEXT_MAX];

	d->dtb_address = ram_end - GUEST_DTB_SPACE;
	dtb.start = d->dtb_address;
	if (ramdisk_ok && d->ramdisk[0] != '\0') {
		uint64_t below_dtb = d->dtb_address - GUEST_RAM_BASE;

		if (d->ramdisk_size > below_dtb) {
			mp_fail(p, "ramdisk", "\"%s\" (%llu bytes) does not fit in "
			     "the %llu MiB of RAM below the device tree",
			     d->ramdisk, (unsigned long long)d->ramdisk_size,
			     (unsigned long long)(below_dtb >> MIB_SHIFT));
			ramdisk_ok = false;
		} else {
			d->ramdisk_address = ALIGN_DOWN(d->dtb_address -
							d->ramdisk_size,
							(uint64_t)PAGE_SIZE);
			ramdisk.start = d->ramdisk_address;
			ramdisk.size = d->ramdisk_size;
		}
	}
	if (!kernel_ok)
		return;

	if (!range_inside(kernel.start, kernel.size, GUEST_RAM_BASE,
			  d->memory_bytes)) {
		describe(&kernel, text, sizeof(text));
		mp_fail(p, kernel_prop, "%s is outside the domain's RAM [%#llx, "
		     "%#llx)", text, (unsigned long long)GUEST_RAM_BASE,
		     (unsigned long long)ram_end);
		return;
	}
	if (ramdisk_ok && ramdisk.size != 0 &&
	    regions_overlap(&kernel, &ramdisk))
		fail_overlap(p, kernel_prop, &kernel, &ramdisk);
	if (regions_overlap(&kernel, &dtb))
		fail_overlap(p, kernel_prop, &kernel, &dtb);
}

/* ---- domains ---- */

/* Fills *d; returns the number of errors reported for this domain. */

static unsigned parse_domain(struct parser *p, int elvisor, int node,
			     unsigned k, struct domain_config *d)
{
	bool vcpus_ok, memory_ok, kernel_ok, ramdisk_ok;
	const char *name;
	int len;

	memset(d, 0, sizeof(*d));
	d->weight = WEIGHT_DEFAULT;
	p->errors = 0;
	name = fdt_get_name(p->fdt, node, &len);
	if (name == NULL) {
		format(p->path, sizeof(p->path), "/elvisor/<node at %d>", node);
		mp_fail(p, NULL, "unreadable node name: %s", fdt_strerror(len));
		return p->errors;
	}
	format(p->path, sizeof(p->path), "/elvisor/%s", name);

	check_name(p, elvisor, node, name, len, d);
	check_unknown(p, node);
	check_compatible(p, node);
	vcpus_ok = parse_vcpus(p, node, d);
	memory_ok = parse_memory(p, node, d);
	kernel_ok = parse_kernel(p, node, d);
	ramdisk_ok = parse_ramdisk(p, node, d);
	mp_get_string(p, node, "bootargs", false, d->bootargs,
		   sizeof(d->bootargs));
	parse_affinity(p, node, vcpus_ok, k, d);
	parse_weight(p, node, d);
	parse_flag(p, node, "test-domain", &d->test_domain);
	parse_flag(p, node, "bench-device", &d->bench_device);
	if (memory_ok)
		check_layout(p, d, kernel_ok, ramdisk_ok);
	parse_apps(p, node, d);
	check_bench_device(p, d);
	return p->errors;
}

/* ---- stub domains ---- */

/* Its image: an arm64 Image where its header says, else raw at RAM + STUBDOM_LOAD_OFFSET. */
static bool parse_stub_image(struct parser *p, int node, struct domain_config *s)
{
	const void *data = NULL;
	size_t size = 0;

	if (mp_get_file(p, node, "image", true, s->kernel, &data, &size) != PROP_OK)
		return false;
	if (size >= 4 && memcmp(data, "\177ELF", 4) == 0) {
		mp_fail(p, "image", "\"%s\" is an ELF file (an EL0 app's image): a stub domain "
			"boots the app's stub image, <app>-stub.bin", s->kernel);
		return false;
	}
	if (size >= IMAGE_HEADER_SIZE &&
	    memcmp((const uint8_t *)data + IMAGE_MAGIC_OFFSET, image_magic,
		   sizeof(image_magic)) == 0)
		return parse_image(p, data, size, PROP_ABSENT, PROP_ABSENT, s);
	return parse_raw(p, size, PROP_OK, GUEST_RAM_BASE + STUBDOM_LOAD_OFFSET, PROP_ABSENT, 0,
			 s);
}

/* memory-mb if given, else STUBDOM_MEMORY_MB_DEFAULT, within what is left. */
static bool parse_stub_memory(struct parser *p, int node, struct domain_config *s)
{
	uint64_t left = memory_left(p);

	if (fdt_getprop(p->fdt, node, "memory-mb", NULL))
		return parse_memory(p, node, s);
	s->memory_bytes = (uint64_t)STUBDOM_MEMORY_MB_DEFAULT << MIB_SHIFT;
	if (s->memory_bytes > left)
		mp_fail(p, NULL, "too much memory: its stub domain needs %u MiB, %llu MiB left",
			STUBDOM_MEMORY_MB_DEFAULT, (unsigned long long)(left >> MIB_SHIFT));
	return true;
}

static bool domain_name_taken(const struct manifest *m, const char *name)
{
	for (unsigned i = 0; i < m->ndomains; i++)
		if (strcmp(m->domain[i].name, name) == 0)
			return true;
	return false;
}

/*
 * The stub domain serving app j of domain t: one vCPU, named
 * "<domain>-<device>", its kernel the node's image. Errors are reported.
 */
static unsigned parse_stub_domain(struct parser *p, int node, struct manifest *m, unsigned t,
				  unsigned j, struct domain_config *s)
{
	const struct domain_config *target = &m->domain[t];
	bool memory_ok, image_ok;

	memset(s, 0, sizeof(*s));
	p->errors = 0;
	if (format(s->name, sizeof(s->name), "%s-%s", target->name, target->app[j].name) >=
	    (int)sizeof(s->name))
		mp_fail(p, NULL, "its stub domain's name \"%s-%s\" is longer than %d characters",
			target->name, target->app[j].name, MANIFEST_NAME_MAX - 1);
	else if (domain_name_taken(m, s->name))
		mp_fail(p, NULL, "its stub domain's name \"%s\" is taken by another domain",
			s->name);
	s->vcpus = 1;
	s->weight = WEIGHT_DEFAULT;
	s->stub = true;
	s->stub_target = t;
	s->stub_app = j;
	memory_ok = parse_stub_memory(p, node, s);
	image_ok = parse_stub_image(p, node, s);
	parse_affinity(p, node, true, m->ndomains, s);
	parse_weight(p, node, s);
	if (memory_ok)
		check_layout(p, s, image_ok, false);
	return p->errors;
}

/* After domain t: one stub domain per elvisor,stubdom node. False if one failed. */
static bool add_stub_domains(struct parser *p, int node, struct manifest *m, unsigned t)
{
	for (unsigned j = 0; j < m->domain[t].napps; j++) {
		const char *name = m->domain[t].app[j].name;
		int child = fdt_subnode_offset(p->fdt, node, name);

		if (!m->domain[t].app[j].stubdom)
			continue;
		format(p->path, sizeof(p->path), "/elvisor/%s/%s", m->domain[t].name, name);
		if (m->ndomains == MANIFEST_MAX_DOMAINS) {
			mp_fail(p, NULL, "no room for its stub domain (at most %u domains, stub "
				"domains included)", (unsigned)MANIFEST_MAX_DOMAINS);
			return false;
		}
		if (child < 0 ||
		    parse_stub_domain(p, child, m, t, j, &m->domain[m->ndomains]) != 0)
			return false;
		p->memory_used += m->domain[m->ndomains].memory_bytes;
		m->ndomains++;
	}
	return true;
}

/* /elvisor itself has no properties (phandle aside): a typo is reported. */
static void check_elvisor_node(struct parser *p, int elvisor)
{
	int prop;

	format(p->path, sizeof(p->path), "/elvisor");
	fdt_for_each_property_offset(prop, p->fdt, elvisor) {
		const char *name = NULL;
		int len;

		if (fdt_getprop_by_offset(p->fdt, prop, &name, &len) != NULL &&
		    name != NULL && strcmp(name, "phandle") != 0 &&
		    strcmp(name, "linux,phandle") != 0)
			mp_fail(p, NULL, "unknown property \"%s\" (ignored)", name);
	}
}

int manifest_parse(const void *fdt, size_t size, const struct manifest_env *env,
		   struct manifest *out)
{
	struct parser p = { .fdt = fdt, .env = env };
	int elvisor, node, err;

	memset(out, 0, sizeof(*out));
	format(p.path, sizeof(p.path), "manifest");
	if (fdt == NULL || size == 0) {
		mp_fail(&p, NULL, "none (manifest.dtb is missing or empty)");
		return -1;
	}
	/* A cpio archive only aligns file data to 4 bytes. */
	if ((uintptr_t)fdt % 8 != 0) {
		mp_fail(&p, NULL, "the blob is not 8-byte aligned, as libfdt "
		     "requires (copy it to an aligned buffer first)");
		return -1;
	}
	err = fdt_check_full(fdt, size);
	if (err != 0) {
		mp_fail(&p, NULL, "not a valid device tree blob: %s",
		     fdt_strerror(err));
		return -1;
	}
	elvisor = fdt_path_offset(fdt, "/elvisor");
	if (elvisor < 0) {
		mp_fail(&p, NULL, "no /elvisor node (domains are listed in "
		     "/ { elvisor { ... }; };)");
		return -1;
	}
	check_elvisor_node(&p, elvisor);

	fdt_for_each_subnode(node, fdt, elvisor) {
		struct domain_config *d;

		if (out->ndomains == MANIFEST_MAX_DOMAINS) {
			const char *name = fdt_get_name(fdt, node, NULL);

			format(p.path, sizeof(p.path), "/elvisor/%s",
			       name != NULL ? name : "?");
			mp_fail(&p, NULL, "more than %u domains: this one is left "
			     "out", (unsigned)MANIFEST_MAX_DOMAINS);
			out->rejected++;
			continue;
		}
		d = &out->domain[out->ndomains];
		if (parse_domain(&p, elvisor, node, out->ndomains, d) == 0 &&
		    domain_name_taken(out, d->name))
			mp_fail(&p, NULL, "the name \"%s\" is taken by a stub domain made above "
				"(<domain>-<device>)", d->name);
		if (p.errors != 0) {
			memset(d, 0, sizeof(*d));
			out->rejected++;
			continue;
		}
		p.memory_used += d->memory_bytes;
		if (!add_stub_domains(&p, node, out, out->ndomains++)) {
			/* Without its stub domains the domain cannot be served: drop them all. */
			while (out->ndomains > (unsigned)(d - out->domain)) {
				out->ndomains--;
				p.memory_used -= out->domain[out->ndomains].memory_bytes;
				memset(&out->domain[out->ndomains], 0, sizeof(*d));
			}
			format(p.path, sizeof(p.path), "/elvisor/%s", fdt_get_name(fdt, node, NULL));
			mp_fail(&p, NULL, "left out: a stub domain it needs was refused (above)");
			out->rejected++;
		}
	}
	return 0;
}
