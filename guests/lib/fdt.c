#include "config.h"
#include "fdt.h"
#include "libc.h"
#include "probe.h"

#define FDT_MAGIC 0xd00dfeedu
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE 2
#define FDT_PROP 3
#define FDT_NOP 4
#define FDT_END 9
#define FDT_MAX_SIZE GUEST_DTB_SPACE

struct dt_info dt;

struct blob {
	const uint8_t *p;
	uint32_t size;
	uint32_t struct_off, struct_size, strings_off, strings_size;
};

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static bool in_blob(const struct blob *b, uint32_t off, uint32_t len)
{
	return off <= b->size && len <= b->size - off;
}

/* A NUL-terminated string inside [off, end), or NULL. */
static const char *string_at(const struct blob *b, uint32_t off, uint32_t end)
{
	for (uint32_t i = off; i < end; i++)
		if (!b->p[i])
			return (const char *)b->p + off;
	return NULL;
}

static bool name_is(const char *name, const char *base)
{
	size_t n = strlen(base);

	return !strncmp(name, base, n) && (name[n] == '\0' || name[n] == '@');
}

static uint64_t cells(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v = v << 32 | be32(p + 4 * i);
	return v;
}

static bool walk(const struct blob *b, struct dt_info *out)
{
	uint32_t off = b->struct_off, end = b->struct_off + b->struct_size;
	unsigned depth = 0, addr_cells = 2, size_cells = 1;
	bool in_memory = false, in_cpus = false, in_chosen = false, have_mem = false;

	while (off + 4 <= end) {
		uint32_t token = be32(b->p + off);

		off += 4;
		switch (token) {
		case FDT_BEGIN_NODE: {
			const char *name = string_at(b, off, end);

			if (!name)
				return false;
			off += (uint32_t)(strlen(name) + 4) & ~3u;
			depth++;
			if (depth == 2) {
				in_memory = name_is(name, "memory");
				in_cpus = name_is(name, "cpus");
				in_chosen = name_is(name, "chosen");
			} else if (depth == 3 && in_cpus && name_is(name, "cpu")) {
				out->cpus++;
			}
			break;
		}
		case FDT_END_NODE:
			if (depth == 0)
				return false;
			depth--;
			if (depth < 2)
				in_memory = in_cpus = in_chosen = false;
			break;
		case FDT_PROP: {
			uint32_t len, nameoff;
			const char *pname;
			const uint8_t *val;

			if (off + 8 > end)
				return false;
			len = be32(b->p + off);
			nameoff = be32(b->p + off + 4);
			off += 8;
			if (len > end - off || nameoff >= b->strings_size)
				return false;
			pname = string_at(b, b->strings_off + nameoff,
					  b->strings_off + b->strings_size);
			if (!pname)
				return false;
			val = b->p + off;
			off += (len + 3) & ~3u;
			if (depth == 1 && len == 4 && !strcmp(pname, "#address-cells"))
				addr_cells = be32(val);
			else if (depth == 1 && len == 4 && !strcmp(pname, "#size-cells"))
				size_cells = be32(val);
			else if (depth == 2 && in_memory && !have_mem && !strcmp(pname, "reg") &&
				 addr_cells >= 1 && addr_cells <= 2 && size_cells >= 1 &&
				 size_cells <= 2 && len >= 4 * (addr_cells + size_cells)) {
				out->ram_base = cells(val, addr_cells);
				out->ram_size = cells(val + 4 * addr_cells, size_cells);
				have_mem = true;
			} else if (depth == 2 && in_chosen && !strcmp(pname, "bootargs") && len) {
				size_t n = len < sizeof(out->bootargs) ? len : sizeof(out->bootargs);

				memcpy(out->bootargs, val, n);
				out->bootargs[n - 1] = '\0';
			}
			break;
		}
		case FDT_NOP:
			break;
		case FDT_END:
			return depth == 0;
		default:
			return false;
		}
	}
	return false;
}

void dt_parse(uint64_t addr)
{
	struct probe_result r;
	uint64_t magic, size;
	struct blob b;

	dt = (struct dt_info){ .addr = addr };
	/* Only inside RAM, and probed first: a bad pointer must not kill us. */
	if (!addr || (addr & 7) || addr < GUEST_RAM_BASE)
		return;
	if (probe_read(addr, 4, &magic, &r) || probe_read(addr + 4, 4, &size, &r))
		return;
	b.p = (const uint8_t *)addr;
	if (be32(b.p) != FDT_MAGIC)
		return;
	b.size = be32(b.p + 4);
	if (b.size < 40 || b.size > FDT_MAX_SIZE ||
	    probe_read(addr + b.size - 1, 1, &size, &r))
		return;
	b.struct_off = be32(b.p + 8);
	b.strings_off = be32(b.p + 12);
	b.strings_size = be32(b.p + 32);
	b.struct_size = be32(b.p + 36);
	if (be32(b.p + 20) < 16 || !in_blob(&b, b.struct_off, b.struct_size) ||
	    !in_blob(&b, b.strings_off, b.strings_size))
		return;
	dt.valid = walk(&b, &dt);
}

bool bootarg_uint(const char *key, uint64_t *value)
{
	size_t klen = strlen(key);
	const char *s = dt.bootargs;

	while (*s) {
		while (*s == ' ')
			s++;
		if (!strncmp(s, key, klen) && s[klen] == '=') {
			uint64_t v = 0;
			unsigned base = 10;

			s += klen + 1;
			if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
				base = 16;
				s += 2;
			}
			for (;; s++) {
				unsigned d;

				if (*s >= '0' && *s <= '9')
					d = (unsigned)(*s - '0');
				else if (base == 16 && (*s | 0x20) >= 'a' && (*s | 0x20) <= 'f')
					d = (unsigned)((*s | 0x20) - 'a' + 10);
				else
					break;
				v = v * base + d;
			}
			*value = v;
			return true;
		}
		while (*s && *s != ' ')
			s++;
	}
	return false;
}

uint64_t bootarg_uint_or(const char *key, uint64_t def)
{
	uint64_t v;

	return bootarg_uint(key, &v) ? v : def;
}
