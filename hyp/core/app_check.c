/* Argument checks of the app ABI (see core/app_check.h and abi/app.h). */
#include "core/app_check.h"

bool app_range_ok(uint64_t va, uint64_t len)
{
	return va + len >= va;
}

int app_check_log_len(uint64_t len)
{
	return len > APP_LOG_MAX ? APP_E_RANGE : APP_OK;
}

int app_check_map_guest(const struct app_domain_view *d, uint64_t ipa, uint64_t size,
			uint64_t flags)
{
	uint64_t access = flags & ~(uint64_t)APP_MAP_TRY;

	if (flags & ~(uint64_t)APP_MAP_FLAGS_MASK || (access != APP_MAP_RO && access != APP_MAP_RW))
		return APP_E_INVALID;
	if (size == 0 || (ipa | size) & (APP_PAGE_SIZE - 1) || !app_range_ok(ipa, size))
		return APP_E_INVALID;
	if (ipa < d->ram_ipa || size > d->ram_size || ipa - d->ram_ipa > d->ram_size - size)
		return APP_E_FAULT;
	return APP_OK;
}

/* The lowest mapping that starts at or above va, or NULL. */
static const struct app_mapping *next_mapping(const struct app_mapping *maps, unsigned n,
					      uint64_t va)
{
	const struct app_mapping *best = NULL;

	for (unsigned i = 0; i < n; i++)
		if (maps[i].va >= va && (!best || maps[i].va < best->va))
			best = &maps[i];
	return best;
}

bool app_window_alloc(const struct app_mapping *maps, unsigned n, uint64_t size, uint64_t *va)
{
	const uint64_t end = APP_GUEST_WINDOW_BASE + APP_GUEST_WINDOW_SIZE;
	uint64_t candidate = APP_GUEST_WINDOW_BASE;

	if (size == 0 || size > APP_GUEST_WINDOW_SIZE)
		return false;
	/* Mappings do not overlap, so walking them in address order finds every gap. */
	for (;;) {
		const struct app_mapping *next = next_mapping(maps, n, candidate);
		uint64_t gap_end = next ? next->va : end;

		if (gap_end - candidate >= size) {
			*va = candidate;
			return true;
		}
		if (!next || next->size == 0)	/* no empty mappings exist; never loop on one */
			return false;
		candidate = next->va + next->size;
	}
}

int app_window_find(const struct app_mapping *maps, unsigned n, uint64_t va, uint64_t size)
{
	for (unsigned i = 0; i < n; i++)
		if (maps[i].va == va && maps[i].size == size)
			return (int)i;
	return -1;
}

int app_irq_index(const struct app_domain_view *d, uint64_t intid)
{
	for (unsigned i = 0; i < d->nirqs; i++)
		if (d->irqs[i] == intid)
			return (int)i;
	return -1;
}

int app_check_timer(uint64_t now_ns, uint64_t deadline_ns)
{
	if (deadline_ns <= now_ns)
		return APP_E_EXPIRED;
	if (deadline_ns - now_ns > APP_TIMER_MAX_NS)
		return APP_E_RANGE;
	return APP_OK;
}

bool app_error_is_returned(uint64_t sysno, int err, uint64_t flags)
{
	if (err == APP_E_NOMEM || err == APP_E_EXPIRED)
		return true;
	return sysno == APP_SYS_MAP_GUEST && err == APP_E_FAULT && (flags & APP_MAP_TRY);
}

const char *app_error_name(int err)
{
	static const char *const names[] = {
		"OK", "INVALID", "FAULT", "DENIED", "NOMEM", "RANGE", "NOSYS", "EXPIRED", "PANIC",
	};

	if (err > 0 || err <= -(int)ARRAY_SIZE(names))	/* never negates INT_MIN */
		return "?";
	return names[-err];
}

const char *app_syscall_name(uint64_t sysno)
{
	static const char *const names[APP_SYS_COUNT] = {
		"RETURN", "LOG", "MAP_GUEST", "UNMAP", "IRQ_SET", "IRQ_CLEAR",
		"TIMER_SET", "TIMER_CANCEL", "TIME", "PANIC",
	};

	return sysno < APP_SYS_COUNT ? names[sysno] : NULL;
}
