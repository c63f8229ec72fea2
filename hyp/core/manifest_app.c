/*
 * App nodes of the manifest: the children of a domain node, compatible
 * "elvisor,app" (an EL0 app) or "elvisor,stubdom" (the same device served
 * by a stub domain: the same properties, plus the stub domain's own
 * memory-mb, affinity and weight, read by core/manifest.c). See
 * docs/configuration.md. Portable: unit-tested on the host with
 * core/manifest.c.
 */
#include "manifest_parser.h"
#include "lib/elf.h"
#include "lib/string.h"

#define APP_COMPATIBLE_TEXT "\"" APP_COMPATIBLE "\" or \"" STUBDOM_COMPATIBLE "\""

static const char *const app_properties[] = {
	"compatible", "image", "mmio", "calls", "irqs", "budget-us", "on-fault",
	"fault-answer", "console", "file", "dt-compatible", "phandle", "linux,phandle", NULL
};

/* A stub domain's own settings, beside the device's. */
static const char *const stubdom_properties[] = { "memory-mb", "affinity", "weight", NULL };

static bool listed(const char *const *names, const char *name)
{
	for (unsigned i = 0; names[i]; i++)
		if (strcmp(name, names[i]) == 0)
			return true;
	return false;
}

/* Function IDs the hypervisor answers itself: no app may claim them. */
static const struct {
	struct app_call_range range;
	const char *owner;
} reserved_calls[] = {
	{ { 0x80000000u, 0x8000ffffu }, "SMCCC architecture calls" },
	{ { 0xc0000000u, 0xc000ffffu }, "SMCCC architecture calls" },
	{ { 0x84000000u, 0x8400001fu }, "PSCI" },
	{ { 0xc4000000u, 0xc400001fu }, "PSCI" },
	{ { 0xc6000000u, 0xc600ffffu }, "elvisor's hypercalls" },
};

static bool ranges_meet(uint64_t a, uint64_t asize, uint64_t b, uint64_t bsize)
{
	return a < b + bsize && b < a + asize;
}

static bool calls_meet(const struct app_call_range *a, const struct app_call_range *b)
{
	return a->first <= b->last && b->first <= a->last;
}

static void check_app_properties(struct parser *p, int node, bool stubdom)
{
	int prop, child;

	fdt_for_each_property_offset(prop, p->fdt, node) {
		const char *name = NULL;

		if (fdt_getprop_by_offset(p->fdt, prop, &name, NULL) == NULL || !name)
			continue;
		if (!listed(app_properties, name) && !(stubdom && listed(stubdom_properties, name)))
			mp_fail(p, NULL, "unknown property \"%s\"%s", name,
				!stubdom && listed(stubdom_properties, name) ?
				" (a stub domain's setting: this node is an EL0 app)" : "");
	}
	fdt_for_each_subnode(child, p->fdt, node)
		mp_fail(p, NULL, "unknown child node \"%s\": an app node has properties only",
		     fdt_get_name(p->fdt, child, NULL));
}

/* mmio = <base size> (one cell each) or <base-hi base-lo size-hi size-lo>. */
static bool parse_app_mmio(struct parser *p, int node, const struct domain_config *d,
			   struct app_config *a)
{
	int len;
	const fdt32_t *cells = fdt_getprop(p->fdt, node, "mmio", &len);

	if (!cells)
		return true;		/* optional: an app may serve calls only */
	if (len == 8) {
		a->mmio_base = fdt32_to_cpu(cells[0]);
		a->mmio_size = fdt32_to_cpu(cells[1]);
	} else if (len == 16) {
		a->mmio_base = (uint64_t)fdt32_to_cpu(cells[0]) << 32 | fdt32_to_cpu(cells[1]);
		a->mmio_size = (uint64_t)fdt32_to_cpu(cells[2]) << 32 | fdt32_to_cpu(cells[3]);
	} else {
		mp_fail(p, "mmio", "length %d bytes: expected <base size> or two cells each", len);
		return false;
	}
	if (!a->mmio_size || (a->mmio_base | a->mmio_size) & 0xfff ||
	    a->mmio_base + a->mmio_size < a->mmio_base) {
		mp_fail(p, "mmio", "[%#llx, +%#llx) is not a non-empty, page-aligned range",
		     (unsigned long long)a->mmio_base, (unsigned long long)a->mmio_size);
		return false;
	}
	if (ranges_meet(a->mmio_base, a->mmio_size, GUEST_RAM_BASE, d->memory_bytes) ||
	    ranges_meet(a->mmio_base, a->mmio_size, GUEST_GIC_BASE, GUEST_GIC_SIZE)) {
		mp_fail(p, "mmio", "[%#llx, +%#llx) overlaps the domain's RAM or its GIC",
		     (unsigned long long)a->mmio_base, (unsigned long long)a->mmio_size);
		return false;
	}
	for (unsigned i = 0; i < d->napps; i++)
		if (ranges_meet(a->mmio_base, a->mmio_size, d->app[i].mmio_base,
				d->app[i].mmio_size)) {
			mp_fail(p, "mmio", "overlaps the range of app \"%s\"", d->app[i].name);
			return false;
		}
	return true;
}

/* calls = <first last ...>: inclusive function-ID ranges. */
static void parse_app_calls(struct parser *p, int node, const struct domain_config *d,
			    struct app_config *a)
{
	int len;
	const fdt32_t *cells = fdt_getprop(p->fdt, node, "calls", &len);

	if (!cells)
		return;
	if (len == 0 || len % 8 || len / 8 > MANIFEST_MAX_APP_CALLS) {
		mp_fail(p, "calls", "length %d bytes: expected 1 to %d pairs <first last>", len,
			MANIFEST_MAX_APP_CALLS);
		return;
	}
	for (int i = 0; i < len / 8; i++) {
		struct app_call_range r = { fdt32_ld(&cells[2 * i]), fdt32_ld(&cells[2 * i + 1]) };

		if (r.first > r.last) {
			mp_fail(p, "calls", "range %d: first %#x is above last %#x", i, r.first, r.last);
			return;
		}
		for (unsigned k = 0; k < ARRAY_SIZE(reserved_calls); k++)
			if (calls_meet(&r, &reserved_calls[k].range)) {
				mp_fail(p, "calls", "[%#x, %#x] includes %s [%#x, %#x]", r.first,
					r.last, reserved_calls[k].owner,
					reserved_calls[k].range.first, reserved_calls[k].range.last);
				return;
			}
		for (unsigned k = 0; k < a->ncalls; k++)
			if (calls_meet(&r, &a->calls[k])) {
				mp_fail(p, "calls", "range %d overlaps range %u", i, k);
				return;
			}
		for (unsigned j = 0; j < d->napps; j++)
			for (unsigned k = 0; k < d->app[j].ncalls; k++)
				if (calls_meet(&r, &d->app[j].calls[k])) {
					mp_fail(p, "calls", "[%#x, %#x] overlaps the calls of app \"%s\"",
						r.first, r.last, d->app[j].name);
					return;
				}
		a->calls[a->ncalls++] = r;
	}
}

static bool irq_granted(const struct app_config *a, uint32_t intid)
{
	for (unsigned i = 0; i < a->nirqs; i++)
		if (a->irqs[i] == intid)
			return true;
	return false;
}

/* irqs = <intid ...>: the SPIs the app may drive; each granted to one app only. */
static void parse_app_irqs(struct parser *p, int node, const struct domain_config *d,
			   struct app_config *a)
{
	int len;
	const fdt32_t *cells = fdt_getprop(p->fdt, node, "irqs", &len);

	if (!cells)
		return;
	if (len == 0 || len % 4 || len / 4 > MANIFEST_MAX_APP_IRQS) {
		mp_fail(p, "irqs", "length %d bytes: expected 1 to %d INTIDs", len,
			MANIFEST_MAX_APP_IRQS);
		return;
	}
	for (int i = 0; i < len / 4; i++) {
		uint32_t intid = fdt32_ld(&cells[i]);

		if (intid < GUEST_SPI_FIRST || intid > GUEST_SPI_LAST) {
			mp_fail(p, "irqs", "INTID %u is not an SPI of the domain (%d..%d)", intid,
				GUEST_SPI_FIRST, GUEST_SPI_LAST);
			return;
		}
		if (irq_granted(a, intid)) {
			mp_fail(p, "irqs", "INTID %u is listed twice", intid);
			return;
		}
		for (unsigned j = 0; j < d->napps; j++)
			if (irq_granted(&d->app[j], intid)) {
				mp_fail(p, "irqs", "INTID %u is already granted to app \"%s\"", intid,
					d->app[j].name);
				return;
			}
		a->irqs[a->nirqs++] = intid;
	}
}

/* A string property with two allowed values: *second set when it is the second. */
static void parse_choice(struct parser *p, int node, const char *name, const char *first,
			 const char *second, bool *is_second)
{
	char value[16];

	*is_second = false;
	if (mp_get_string(p, node, name, false, value, sizeof(value)) != PROP_OK)
		return;		/* absent, or malformed and already reported */
	if (!strcmp(value, second))
		*is_second = true;
	else if (strcmp(value, first))
		mp_fail(p, name, "must be \"%s\" or \"%s\"", first, second);
}

static void parse_app_policy(struct parser *p, int node, const struct domain_config *d,
			     struct app_config *a)
{
	enum prop_status status;
	uint32_t budget = APP_BUDGET_US_DEFAULT;
	int len;

	if (mp_get_u32(p, node, "budget-us", false, &budget) == PROP_OK &&
	    (budget == 0 || budget > APP_BUDGET_US_MAX))
		mp_fail(p, "budget-us", "%u is not between 1 and %d", budget, APP_BUDGET_US_MAX);
	a->budget_us = budget;
	parse_choice(p, node, "on-fault", "reset", "disable", &a->disable_on_fault);
	parse_choice(p, node, "fault-answer", "ignore", "abort", &a->abort_on_fault);
	if (mp_get_prop(p, node, "console", &len, &status) == NULL)
		return;
	if (len != 0) {
		mp_fail(p, "console", "takes no value (console;)");
		return;
	}
	for (unsigned j = 0; j < d->napps; j++)
		if (d->app[j].console) {
			mp_fail(p, "console", "app \"%s\" already has the domain's console",
				d->app[j].name);
			return;
		}
	a->console = true;
}

/* file = "name": a boot-archive file the app gets a private read-write copy of. */
static void parse_app_file(struct parser *p, int node, struct app_config *a)
{
	const void *data;
	size_t size;

	if (mp_get_file(p, node, "file", false, a->file, &data, &size) != PROP_OK)
		return;
	if (size > APP_FILE_SIZE_MAX) {
		mp_fail(p, "file", "\"%s\" is %zu bytes, more than the %llu an app can map", a->file,
			size, (unsigned long long)APP_FILE_SIZE_MAX);
		return;
	}
	a->file_size = size;
}

/* dt-compatible = "a", "b": non-empty printable strings, how the guest's DT names the device. */
static void parse_app_dt_compatible(struct parser *p, int node, struct app_config *a)
{
	int len;
	const char *list = fdt_getprop(p->fdt, node, "dt-compatible", &len);

	if (!list)
		return;
	if (len <= 0 || list[len - 1] != '\0' || len > MANIFEST_DT_COMPATIBLE_MAX) {
		mp_fail(p, "dt-compatible", "expected 1 to %d bytes of strings (dt-compatible = "
			"\"vendor,device\", ...;)", MANIFEST_DT_COMPATIBLE_MAX);
		return;
	}
	for (int i = 0; i < len; i++) {
		bool empty = list[i] == '\0' && (i == 0 || list[i - 1] == '\0');

		if (empty || (list[i] && (list[i] < 0x20 || list[i] > 0x7e))) {
			mp_fail(p, "dt-compatible", "an empty string or a non-printable character");
			return;
		}
	}
	if (!fdt_getprop(p->fdt, node, "mmio", NULL)) {
		mp_fail(p, "dt-compatible", "describes a device to the guest: the app needs an mmio range");
		return;
	}
	if (!a->mmio_size)
		return;		/* its mmio property was refused, and reported */
	memcpy(a->dt_compatible, list, (size_t)len);
	a->dt_compatible_len = (unsigned)len;
}

static bool parse_app(struct parser *p, int node, struct domain_config *d,
		      struct app_config *a)
{
	char err[128];
	struct elf_info info;
	const void *data = NULL;
	size_t size = 0;
	int len;
	const char *compat = fdt_getprop(p->fdt, node, "compatible", &len);
	unsigned before = p->errors;

	if (!compat || len < 1 || compat[len - 1] ||
	    (strcmp(compat, APP_COMPATIBLE) && strcmp(compat, STUBDOM_COMPATIBLE))) {
		mp_fail(p, "compatible", "must be " APP_COMPATIBLE_TEXT " (a domain's child "
		     "nodes are the devices that serve it: EL0 apps or stub domains)");
		return false;
	}
	a->stubdom = strcmp(compat, STUBDOM_COMPATIBLE) == 0;
	check_app_properties(p, node, a->stubdom);
	/* A stub domain's image is a kernel (checked by core/manifest.c), an app's an ELF. */
	if (mp_get_file(p, node, "image", true, a->image, &data, &size) == PROP_OK &&
	    !a->stubdom && elf_parse(data, size, &info, err, sizeof(err)) != ELF_OK)
		mp_fail(p, "image", "\"%s\": %s", a->image, err);
	parse_app_mmio(p, node, d, a);
	parse_app_calls(p, node, d, a);
	parse_app_irqs(p, node, d, a);
	parse_app_policy(p, node, d, a);
	parse_app_file(p, node, a);
	parse_app_dt_compatible(p, node, a);
	return p->errors == before;
}

void parse_apps(struct parser *p, int domain_node, struct domain_config *d)
{
	char domain_path[PATH_TEXT_MAX];
	int child;

	memcpy(domain_path, p->path, sizeof(domain_path));
	fdt_for_each_subnode(child, p->fdt, domain_node) {
		const char *name = fdt_get_name(p->fdt, child, NULL);
		struct app_config *a = &d->app[d->napps];
		bool name_ok;

		format(p->path, sizeof(p->path), "%s/%s", domain_path, name ? name : "?");
		if (d->napps == MANIFEST_MAX_APPS) {
			mp_fail(p, NULL, "more than %d apps in one domain", MANIFEST_MAX_APPS);
			break;
		}
		memset(a, 0, sizeof(*a));
		format(a->name, sizeof(a->name), "%s", name ? name : "?");
		name_ok = mp_check_node_name(p, name ? name : "", name ? (int)strlen(name) : 0,
					     "app");
		if (parse_app(p, child, d, a) && name_ok)
			d->napps++;
	}
	memcpy(p->path, domain_path, sizeof(domain_path));
}
