/*
 * hyp/core/app_check.c: the app manager's argument checks and guest-window
 * bookkeeping, rule by rule as hyp/include/abi/app.h states them, with the
 * edge values on both sides of every limit and arithmetic-overflow inputs.
 * The window allocator and the MAP_GUEST range check also get seeded random
 * runs against references written differently (sorted gaps, a 65-bit end).
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "core/app_check.h"
#include "lib/elf.h"
#include "test.h"

#define P APP_PAGE_SIZE
#define MIB (1ULL << 20)
#define GIB (1ULL << 30)
#define WBASE APP_GUEST_WINDOW_BASE
#define WSIZE APP_GUEST_WINDOW_SIZE
#define WEND (APP_GUEST_WINDOW_BASE + APP_GUEST_WINDOW_SIZE)

/* The domain the MAP_GUEST tests use: 64 MiB at 1 GiB. */
#define RAM_IPA 0x40000000ULL
#define RAM_SIZE (64 * MIB)
#define RAM_END (RAM_IPA + RAM_SIZE)

static const struct app_domain_view ram_view = { RAM_IPA, RAM_SIZE, NULL, 0 };

static int map_rw(uint64_t ipa, uint64_t size)
{
	return app_check_map_guest(&ram_view, ipa, size, APP_MAP_RW);
}

/* ---- the ABI's own constants agree with each other ---- */

TEST(app_check, abi_layout)
{
	/* "The image window is exactly lib/elf.h's default window". */
	CHECK_EQ(APP_IMAGE_VA_MIN, ELF_APP_VA_MIN);
	CHECK_EQ(APP_IMAGE_VA_MAX, ELF_APP_VA_MAX);
	/* Stack guard, stack, then the guest window, in that order, aligned. */
	CHECK(APP_STACK_BASE - APP_IMAGE_VA_MAX >= APP_STACK_GUARD);
	CHECK_EQ(APP_STACK_TOP % 16, 0);
	CHECK(APP_STACK_TOP <= WBASE);
	CHECK_EQ(WBASE % P, 0);
	CHECK_EQ(WSIZE % P, 0);
	CHECK_EQ(WEND, 8 * GIB);
	CHECK_EQ(APP_MAP_FLAGS_MASK, APP_MAP_RO | APP_MAP_RW | APP_MAP_TRY);
	CHECK_EQ(APP_MAP_RO & APP_MAP_TRY, 0);
	CHECK_EQ(APP_MAP_RW & APP_MAP_TRY, 0);
}

/* ---- app_range_ok ---- */

TEST(app_check, range_ok)
{
	CHECK(app_range_ok(0, 0));
	CHECK(app_range_ok(0x1000, 0x1000));
	CHECK(app_range_ok(0, UINT64_MAX));
	/* Length 0 never wraps, wherever it starts. */
	CHECK(app_range_ok(UINT64_MAX, 0));
	CHECK(app_range_ok(1ULL << 63, (1ULL << 63) - 1));
	CHECK(app_range_ok(UINT64_MAX - 0x1fff, 0x1000));

	CHECK(!app_range_ok(1, UINT64_MAX));
	CHECK(!app_range_ok(UINT64_MAX, UINT64_MAX));
	CHECK(!app_range_ok(UINT64_MAX - 0xfff, 0x2000));
	CHECK(!app_range_ok(0x2000, UINT64_MAX - 0xfff));
	/* va + len is exactly 2^64: the 64-bit sum wraps to 0. */
	CHECK(!app_range_ok(UINT64_MAX, 1));
	CHECK(!app_range_ok(1ULL << 63, 1ULL << 63));
	CHECK(!app_range_ok(UINT64_MAX - 0xfff, 0x1000));
}

/* ---- APP_SYS_LOG / APP_SYS_PANIC length ---- */

TEST(app_check, log_len)
{
	CHECK_EQ(app_check_log_len(0), APP_OK);
	CHECK_EQ(app_check_log_len(1), APP_OK);
	CHECK_EQ(app_check_log_len(APP_LOG_MAX - 1), APP_OK);
	CHECK_EQ(app_check_log_len(APP_LOG_MAX), APP_OK);
	CHECK_EQ(app_check_log_len(APP_LOG_MAX + 1), APP_E_RANGE);
	CHECK_EQ(app_check_log_len(4096), APP_E_RANGE);
	/* Values that look small once truncated to 32 or 8 bits. */
	CHECK_EQ(app_check_log_len(1ULL << 32), APP_E_RANGE);
	CHECK_EQ(app_check_log_len((1ULL << 32) + 16), APP_E_RANGE);
	CHECK_EQ(app_check_log_len(0x100000010ULL), APP_E_RANGE);
	CHECK_EQ(app_check_log_len(1ULL << 63), APP_E_RANGE);
	CHECK_EQ(app_check_log_len(UINT64_MAX), APP_E_RANGE);
}

/* ---- APP_SYS_MAP_GUEST ---- */

TEST(app_check, map_guest_flags_accepted)
{
	static const uint64_t good[] = {
		APP_MAP_RO, APP_MAP_RW, APP_MAP_RO | APP_MAP_TRY, APP_MAP_RW | APP_MAP_TRY,
	};

	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		CHECK_EQ(app_check_map_guest(&ram_view, RAM_IPA, P, good[i]), APP_OK);
		CHECK_EQ(app_check_map_guest(&ram_view, RAM_IPA, RAM_SIZE, good[i]), APP_OK);
	}
}

TEST(app_check, map_guest_flags_rejected)
{
	static const uint64_t bad[] = {
		0,				/* neither RO nor RW */
		APP_MAP_TRY,			/* TRY alone */
		2,				/* W without R */
		2 | APP_MAP_TRY,
		8,				/* unknown bits */
		APP_MAP_RO | 8,
		APP_MAP_RW | APP_MAP_TRY | 8,
		0x10, 0xff,
		1ULL << 63,
		APP_MAP_RO | 1ULL << 63,
		APP_MAP_RW | 1ULL << 32,	/* RW once truncated to 32 bits */
		1ULL << 32,
		UINT64_MAX,
	};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		/* A range that is fine in every other respect. */
		CHECK_EQ(app_check_map_guest(&ram_view, RAM_IPA, P, bad[i]), APP_E_INVALID);
		/* Bad flags are misuse even when the range is outside RAM too. */
		CHECK_EQ(app_check_map_guest(&ram_view, 0, P, bad[i]), APP_E_INVALID);
	}
}

TEST(app_check, map_guest_alignment_and_size)
{
	CHECK_EQ(map_rw(RAM_IPA + 1, P), APP_E_INVALID);
	CHECK_EQ(map_rw(RAM_IPA + 0x800, P), APP_E_INVALID);
	CHECK_EQ(map_rw(RAM_IPA + P - 1, P), APP_E_INVALID);
	CHECK_EQ(map_rw(RAM_IPA, 1), APP_E_INVALID);
	CHECK_EQ(map_rw(RAM_IPA, P - 1), APP_E_INVALID);
	CHECK_EQ(map_rw(RAM_IPA, P + 1), APP_E_INVALID);
	CHECK_EQ(map_rw(RAM_IPA, 0x800), APP_E_INVALID);
	CHECK_EQ(map_rw(RAM_IPA, 0), APP_E_INVALID);
	CHECK_EQ(map_rw(0, 0), APP_E_INVALID);
	CHECK_EQ(map_rw(RAM_END, 0), APP_E_INVALID);
	/* Aligned to 2 KiB or 16 bytes is not page-aligned. */
	CHECK_EQ(map_rw(RAM_IPA + 0x10, 2 * P), APP_E_INVALID);
	/* The neighbours of those are fine. */
	CHECK_EQ(map_rw(RAM_IPA + P, P), APP_OK);
	CHECK_EQ(map_rw(RAM_IPA, 2 * P), APP_OK);
}

TEST(app_check, map_guest_wrap)
{
	/* IPA + size wraps: INVALID, not a range that looks small. */
	CHECK_EQ(map_rw(UINT64_MAX - P + 1, 2 * P), APP_E_INVALID);
	/* 2^64 - 4096 + 4096: the sum is 0. */
	CHECK_EQ(map_rw(UINT64_MAX - P + 1, P), APP_E_INVALID);
	CHECK_EQ(map_rw(P, UINT64_MAX - P + 1), APP_E_INVALID);
	/* From inside RAM past the top of the address space back to 0. */
	CHECK_EQ(map_rw(RAM_IPA, 0ULL - RAM_IPA + P), APP_E_INVALID);
	CHECK_EQ(map_rw(RAM_END - P, 0ULL - RAM_END + 2 * P), APP_E_INVALID);
	CHECK_EQ(map_rw(1ULL << 63, 1ULL << 63), APP_E_INVALID);
	/* Wrapping is misuse even with TRY: it must not become a returned FAULT. */
	CHECK_EQ(app_check_map_guest(&ram_view, UINT64_MAX - P + 1, 2 * P,
				     APP_MAP_RO | APP_MAP_TRY), APP_E_INVALID);
	CHECK_EQ(app_check_map_guest(&ram_view, RAM_IPA + 1, P, APP_MAP_RO | APP_MAP_TRY),
		 APP_E_INVALID);
}

TEST(app_check, map_guest_inside_ram)
{
	CHECK_EQ(map_rw(RAM_IPA, RAM_SIZE), APP_OK);		/* exactly the whole RAM */
	CHECK_EQ(map_rw(RAM_IPA, P), APP_OK);			/* first page */
	CHECK_EQ(map_rw(RAM_END - P, P), APP_OK);		/* last page */
	CHECK_EQ(map_rw(RAM_IPA + P, RAM_SIZE - P), APP_OK);	/* up to the end */
	CHECK_EQ(map_rw(RAM_IPA + 5 * MIB, 3 * P), APP_OK);
	CHECK_EQ(app_check_map_guest(&ram_view, RAM_END - P, P, APP_MAP_RO), APP_OK);
}

TEST(app_check, map_guest_outside_ram)
{
	static const uint64_t flags[] = { APP_MAP_RO, APP_MAP_RW, APP_MAP_RO | APP_MAP_TRY,
					  APP_MAP_RW | APP_MAP_TRY };
	static const struct { uint64_t ipa, size; } out[] = {
		{ RAM_IPA - P, 2 * P },			/* starts below, ends inside */
		{ RAM_IPA - P, P },			/* just below, touching */
		{ RAM_IPA - P, RAM_SIZE + P },		/* below; ends at the end */
		{ RAM_IPA - P, RAM_SIZE + 2 * P },	/* covers RAM and both sides */
		{ RAM_END - P, 2 * P },			/* starts inside, ends above */
		{ RAM_IPA, RAM_SIZE + P },		/* one page too long */
		{ RAM_END, P },				/* one past the last page */
		{ RAM_END + GIB, P },			/* entirely above */
		{ 0, P },				/* entirely below */
		{ 0, RAM_IPA + P },			/* from 0 into RAM */
		{ 0, RAM_END },				/* from 0 to RAM's end */
		{ RAM_IPA, 1ULL << 62 },		/* size far beyond RAM, no wrap */
		{ RAM_IPA + P, UINT64_MAX - RAM_IPA - 2 * P + 1 },	/* to the top */
		/* Huge offsets from RAM: ipa - ram_ipa does not fit ram_size - size. */
		{ UINT64_MAX - 2 * P + 1, P },		/* 2^64 - 8192: the last whole page but one */
		{ 1ULL << 63, P },
		{ RAM_IPA + (1ULL << 32), P },		/* RAM page once truncated to 32 bits */
	};

	for (size_t i = 0; i < ARRAY_SIZE(out); i++) {
		for (size_t f = 0; f < ARRAY_SIZE(flags); f++)
			CHECK_EQ(app_check_map_guest(&ram_view, out[i].ipa, out[i].size,
						     flags[f]), APP_E_FAULT);
	}
}

TEST(app_check, map_guest_ram_at_the_top)
{
	/* RAM ending at 2^64 - 8192: one page is left above it. */
	const uint64_t size = 16 * MIB;
	const uint64_t ipa = UINT64_MAX - size - 2 * P + 1;
	const struct app_domain_view top = { ipa, size, NULL, 0 };

	CHECK_EQ(app_check_map_guest(&top, ipa, size, APP_MAP_RW), APP_OK);
	CHECK_EQ(app_check_map_guest(&top, ipa + size - P, P, APP_MAP_RW), APP_OK);
	CHECK_EQ(app_check_map_guest(&top, ipa + size, P, APP_MAP_RW), APP_E_FAULT);
	CHECK_EQ(app_check_map_guest(&top, ipa - P, P, APP_MAP_RW), APP_E_FAULT);
	CHECK_EQ(app_check_map_guest(&top, 0, P, APP_MAP_RW), APP_E_FAULT);
	CHECK_EQ(app_check_map_guest(&top, ipa + size, 2 * P, APP_MAP_RW), APP_E_INVALID);

	/* RAM at IPA 0. */
	const struct app_domain_view low = { 0, RAM_SIZE, NULL, 0 };

	CHECK_EQ(app_check_map_guest(&low, 0, RAM_SIZE, APP_MAP_RO), APP_OK);
	CHECK_EQ(app_check_map_guest(&low, RAM_SIZE, P, APP_MAP_RO), APP_E_FAULT);
	CHECK_EQ(app_check_map_guest(&low, UINT64_MAX - P + 1 - P, P, APP_MAP_RO), APP_E_FAULT);
}

/* A page-aligned value near one of the interesting boundaries. */
static uint64_t near_boundary(void)
{
	static const uint64_t base[] = {
		0, RAM_IPA, RAM_END, RAM_SIZE, 1ULL << 32, 1ULL << 63, 0ULL - RAM_IPA,
		0ULL - RAM_END, 0ULL - RAM_SIZE, 0,
	};
	uint64_t v = base[unit_rand_below(ARRAY_SIZE(base))];

	return v + (unit_rand_below(9) - 4) * P;
}

/* Reference: [ipa, ipa + size) inside RAM, with the end as a 65-bit number. */
static int map_reference(uint64_t ipa, uint64_t size, uint64_t flags)
{
	uint64_t end = ipa + size;
	bool carry = end < ipa;		/* the 65th bit of ipa + size */
	uint64_t access = flags & ~(uint64_t)APP_MAP_TRY;

	if (flags > APP_MAP_FLAGS_MASK || (access != APP_MAP_RO && access != APP_MAP_RW))
		return APP_E_INVALID;
	if (size == 0 || ipa % P != 0 || size % P != 0 || carry)
		return APP_E_INVALID;
	if (ipa >= RAM_IPA && end <= RAM_END)
		return APP_OK;
	return APP_E_FAULT;
}

TEST(app_check, map_guest_random)
{
	unsigned ok = 0, fault = 0, invalid = 0;

	for (int i = 0; i < 200000; i++) {
		uint64_t ipa = near_boundary(), size = near_boundary(), flags;
		int want, got;

		switch (unit_rand_below(4)) {
		case 0:
			ipa += unit_rand_below(P);	/* mostly unaligned */
			break;
		case 1:
			size = unit_rand_below(16) * P;	/* small sizes */
			break;
		default:
			break;
		}
		flags = unit_rand_below(8) ? unit_rand_below(8) : unit_rand();
		want = map_reference(ipa, size, flags);
		got = app_check_map_guest(&ram_view, ipa, size, flags);
		if (got != want)
			unit_fail(__FILE__, __LINE__, "ipa %#llx size %#llx flags %#llx: got %d, "
				  "want %d", (unsigned long long)ipa, (unsigned long long)size,
				  (unsigned long long)flags, got, want);
		ok += want == APP_OK;
		fault += want == APP_E_FAULT;
		invalid += want == APP_E_INVALID;
	}
	/* The generator reaches every outcome often. */
	CHECK(ok > 1000);
	CHECK(fault > 1000);
	CHECK(invalid > 1000);
}

/* ---- the guest window ---- */

static struct app_mapping map_at(uint64_t va, uint64_t size)
{
	return (struct app_mapping){ va, RAM_IPA, size };
}

static uint64_t alloc_ok(const struct app_mapping *maps, unsigned n, uint64_t size)
{
	uint64_t va = 0xdead;

	CHECK(app_window_alloc(maps, n, size, &va));
	return va;
}

TEST(app_check, window_alloc_empty)
{
	uint64_t va = 0;

	CHECK_EQ(alloc_ok(NULL, 0, P), WBASE);
	CHECK_EQ(alloc_ok(NULL, 0, 2 * MIB), WBASE);
	CHECK_EQ(alloc_ok(NULL, 0, WSIZE), WBASE);		/* the whole window */
	CHECK(!app_window_alloc(NULL, 0, WSIZE + P, &va));	/* bigger than the window */
	CHECK(!app_window_alloc(NULL, 0, 2 * WSIZE, &va));
	CHECK(!app_window_alloc(NULL, 0, UINT64_MAX - P + 1, &va));
	CHECK(!app_window_alloc(NULL, 0, UINT64_MAX, &va));
	CHECK(!app_window_alloc(NULL, 0, 0, &va));		/* size 0 */
}

TEST(app_check, window_alloc_first_fit_any_order)
{
	/* [B, +P) [B+P, +P) [B+3P, +P) [B+8P, +2P): gaps at B+2P (1), B+4P (4), B+10P... */
	const struct app_mapping sorted[4] = {
		map_at(WBASE, P), map_at(WBASE + P, P), map_at(WBASE + 3 * P, P),
		map_at(WBASE + 8 * P, 2 * P),
	};
	static const unsigned orders[][4] = {
		{ 0, 1, 2, 3 }, { 3, 2, 1, 0 }, { 2, 0, 3, 1 }, { 1, 3, 0, 2 }, { 3, 0, 2, 1 },
	};

	for (size_t o = 0; o < ARRAY_SIZE(orders); o++) {
		struct app_mapping maps[4];

		for (unsigned i = 0; i < 4; i++)
			maps[i] = sorted[orders[o][i]];
		CHECK_EQ(alloc_ok(maps, 4, P), WBASE + 2 * P);
		CHECK_EQ(alloc_ok(maps, 4, 2 * P), WBASE + 4 * P);
		CHECK_EQ(alloc_ok(maps, 4, 4 * P), WBASE + 4 * P);	/* exact fit */
		CHECK_EQ(alloc_ok(maps, 4, 5 * P), WBASE + 10 * P);
		CHECK_EQ(alloc_ok(maps, 4, GIB), WBASE + 10 * P);
	}

	/* Without the last one, the gap at B+4P runs to the window's end. */
	const struct app_mapping three[] = { sorted[2], sorted[1], sorted[0] };

	CHECK_EQ(alloc_ok(three, 3, 5 * P), WBASE + 4 * P);
	CHECK_EQ(alloc_ok(three, 3, WSIZE - 4 * P), WBASE + 4 * P);
	CHECK(!app_window_alloc(three, 3, WSIZE - 3 * P, &(uint64_t){ 0 }));
}

TEST(app_check, window_alloc_exact_fit_gap)
{
	const struct app_mapping maps[] = {
		map_at(WBASE + 3 * P, GIB), map_at(WBASE, P),
	};

	/* The gap [B+P, B+3P) is exactly 2 pages; 3 pages go after the first mapping. */
	CHECK_EQ(alloc_ok(maps, 2, 2 * P), WBASE + P);
	CHECK_EQ(alloc_ok(maps, 2, 3 * P), WBASE + 3 * P + GIB);
	/* First fit, not best fit: one page goes in the first gap too. */
	CHECK_EQ(alloc_ok(maps, 2, P), WBASE + P);

	/* Gap in front of the first mapping, exactly the size asked. */
	const struct app_mapping front[] = { map_at(WBASE + 2 * MIB, P) };

	CHECK_EQ(alloc_ok(front, 1, 2 * MIB), WBASE);
	CHECK_EQ(alloc_ok(front, 1, 2 * MIB + P), WBASE + 2 * MIB + P);
}

TEST(app_check, window_alloc_full)
{
	/* 32 mappings of 128 MiB fill the 4 GiB window, given in a scrambled order. */
	struct app_mapping maps[APP_MAX_MAPPINGS];
	const uint64_t chunk = WSIZE / APP_MAX_MAPPINGS;
	uint64_t va = 0;

	for (unsigned i = 0; i < APP_MAX_MAPPINGS; i++)
		maps[i] = map_at(WBASE + (uint64_t)((i * 13) % APP_MAX_MAPPINGS) * chunk, chunk);
	CHECK(!app_window_alloc(maps, APP_MAX_MAPPINGS, P, &va));
	CHECK(!app_window_alloc(maps, APP_MAX_MAPPINGS, chunk, &va));
	CHECK(!app_window_alloc(maps, APP_MAX_MAPPINGS, WSIZE, &va));

	/* Without one of them, exactly its place is free. */
	for (unsigned skip = 0; skip < APP_MAX_MAPPINGS; skip++) {
		struct app_mapping less[APP_MAX_MAPPINGS];
		unsigned n = 0;

		for (unsigned i = 0; i < APP_MAX_MAPPINGS; i++)
			if (i != skip)
				less[n++] = maps[i];
		CHECK_EQ(alloc_ok(less, n, P), maps[skip].va);
		CHECK_EQ(alloc_ok(less, n, chunk), maps[skip].va);
		CHECK(!app_window_alloc(less, n, chunk + P, &va));
	}

	/* One mapping that is the whole window. */
	const struct app_mapping whole = map_at(WBASE, WSIZE);

	CHECK(!app_window_alloc(&whole, 1, P, &va));
}

TEST(app_check, window_alloc_end_of_window)
{
	uint64_t va = 0;
	const struct app_mapping last_page = map_at(WEND - P, P);
	const struct app_mapping all_but_last = map_at(WBASE, WSIZE - P);
	const struct app_mapping both[] = { map_at(WEND - P, P), map_at(WBASE, WSIZE / 2) };

	CHECK_EQ(alloc_ok(&last_page, 1, P), WBASE);
	CHECK_EQ(alloc_ok(&last_page, 1, WSIZE - P), WBASE);
	CHECK(!app_window_alloc(&last_page, 1, WSIZE, &va));

	/* The only free page is the window's last. */
	CHECK_EQ(alloc_ok(&all_but_last, 1, P), WEND - P);
	CHECK(!app_window_alloc(&all_but_last, 1, 2 * P, &va));

	/* Free: [B + S/2, END - P). */
	CHECK_EQ(alloc_ok(both, 2, WSIZE / 2 - P), WBASE + WSIZE / 2);
	CHECK(!app_window_alloc(both, 2, WSIZE / 2, &va));
}

/*
 * Reference first fit: sort the mappings by VA and walk the gaps. Returns
 * false if no gap of size bytes exists.
 */
static int by_va(const void *a, const void *b)
{
	const struct app_mapping *x = a, *y = b;

	return x->va < y->va ? -1 : x->va > y->va;
}

static bool reference_alloc(const struct app_mapping *maps, unsigned n, uint64_t size,
			    uint64_t *va)
{
	struct app_mapping sorted[APP_MAX_MAPPINGS];
	uint64_t at = WBASE;

	if (size == 0)
		return false;
	memcpy(sorted, maps, n * sizeof(*maps));
	qsort(sorted, n, sizeof(*sorted), by_va);
	for (unsigned i = 0; i <= n; i++) {
		uint64_t gap_end = i < n ? sorted[i].va : WEND;

		if (gap_end >= at && gap_end - at >= size) {
			*va = at;
			return true;
		}
		if (i < n)
			at = sorted[i].va + sorted[i].size;
	}
	return false;
}

static uint64_t random_size(void)
{
	switch (unit_rand_below(4)) {
	case 0:
		return (1 + unit_rand_below(4)) * P;
	case 1:
		return (1 + unit_rand_below(512)) * P;
	case 2:
		return (1 + unit_rand_below(8)) * 64 * MIB;
	default:
		return (1 + unit_rand_below(4)) * 512 * MIB;
	}
}

/*
 * Random map/unmap sequences the way sys_map_guest and sys_unmap keep the
 * array (append; remove by moving the last entry in): every allocation is
 * inside the window, overlaps no other mapping, is the first fit, and a
 * refusal means that no gap is big enough.
 */
TEST(app_check, window_alloc_random_never_overlaps)
{
	unsigned allocated = 0, refused = 0;

	for (int round = 0; round < 200; round++) {
		struct app_mapping maps[APP_MAX_MAPPINGS];
		unsigned n = 0;

		for (int step = 0; step < 300; step++) {
			uint64_t size = random_size(), va = 0, want = 0;
			bool got, expect;

			if (n > 0 && (n == APP_MAX_MAPPINGS || unit_rand_below(3) == 0)) {
				unsigned i = (unsigned)unit_rand_below(n);
				struct app_mapping gone = maps[i];

				CHECK_EQ(app_window_find(maps, n, gone.va, gone.size), i);
				maps[i] = maps[--n];
				CHECK_EQ(app_window_find(maps, n, gone.va, gone.size), -1);
				continue;
			}
			got = app_window_alloc(maps, n, size, &va);
			expect = reference_alloc(maps, n, size, &want);
			CHECK_EQ(got, expect);
			if (!got) {
				refused++;
				continue;
			}
			CHECK_EQ(va, want);
			CHECK(va >= WBASE);
			CHECK(va <= WEND && WEND - va >= size);
			for (unsigned i = 0; i < n; i++)
				CHECK(va + size <= maps[i].va || maps[i].va + maps[i].size <= va);
			maps[n++] = map_at(va, size);
			allocated++;
		}
	}
	CHECK(allocated > 10000);
	CHECK(refused > 500);
}

TEST(app_check, window_find_exact_only)
{
	const struct app_mapping maps[] = {
		map_at(WBASE + 4 * P, 2 * P), map_at(WBASE, P), map_at(WBASE + GIB, 4 * MIB),
		map_at(WBASE + P, P),
	};
	const unsigned n = ARRAY_SIZE(maps);

	for (unsigned i = 0; i < n; i++)
		CHECK_EQ(app_window_find(maps, n, maps[i].va, maps[i].size), i);

	CHECK_EQ(app_window_find(maps, 0, WBASE, P), -1);		/* nothing mapped */
	CHECK_EQ(app_window_find(maps, n, WBASE + 4 * P, P), -1);	/* first half */
	CHECK_EQ(app_window_find(maps, n, WBASE + 5 * P, P), -1);	/* second half */
	CHECK_EQ(app_window_find(maps, n, WBASE + 4 * P, 3 * P), -1);	/* longer */
	CHECK_EQ(app_window_find(maps, n, WBASE + 3 * P, 3 * P), -1);	/* overlapping */
	CHECK_EQ(app_window_find(maps, n, WBASE, 2 * P), -1);		/* two adjacent ones */
	CHECK_EQ(app_window_find(maps, n, WBASE + GIB + 2 * MIB, 2 * MIB), -1);
	CHECK_EQ(app_window_find(maps, n, WBASE + GIB, 0), -1);
	CHECK_EQ(app_window_find(maps, n, WBASE + 2 * P, P), -1);	/* unmapped */
	CHECK_EQ(app_window_find(maps, n, RAM_IPA, P), -1);		/* an IPA, not a VA */
	/* Entries past n are stale (sys_unmap moves the last one in): never found. */
	CHECK_EQ(app_window_find(maps, 3, WBASE + P, P), -1);
	CHECK_EQ(app_window_find(maps, 1, WBASE, P), -1);
}

/* ---- interrupts ---- */

TEST(app_check, irq_index)
{
	static const uint32_t irqs[] = { 40, 33, 95, 64 };
	const struct app_domain_view d = { RAM_IPA, RAM_SIZE, irqs, 3 };
	const struct app_domain_view none = { RAM_IPA, RAM_SIZE, irqs, 0 };

	CHECK_EQ(app_irq_index(&d, 40), 0);
	CHECK_EQ(app_irq_index(&d, 33), 1);
	CHECK_EQ(app_irq_index(&d, 95), 2);
	CHECK_EQ(app_irq_index(&d, 64), -1);		/* beyond nirqs */
	CHECK_EQ(app_irq_index(&d, 32), -1);
	CHECK_EQ(app_irq_index(&d, 34), -1);
	CHECK_EQ(app_irq_index(&d, 0), -1);
	CHECK_EQ(app_irq_index(&d, 1023), -1);
	/* Granted INTIDs plus high bits are other numbers. */
	CHECK_EQ(app_irq_index(&d, (1ULL << 32) | 40), -1);
	CHECK_EQ(app_irq_index(&d, (1ULL << 63) | 33), -1);
	CHECK_EQ(app_irq_index(&d, UINT64_MAX), -1);
	CHECK_EQ(app_irq_index(&none, 40), -1);
}

/* ---- timers ---- */

TEST(app_check, timer)
{
	const uint64_t now = 5000000000ULL;

	CHECK_EQ(app_check_timer(now, now), APP_E_EXPIRED);
	CHECK_EQ(app_check_timer(now, now - 1), APP_E_EXPIRED);
	CHECK_EQ(app_check_timer(now, 0), APP_E_EXPIRED);
	CHECK_EQ(app_check_timer(now, now + 1), APP_OK);
	CHECK_EQ(app_check_timer(now, now + APP_TIMER_MAX_NS - 1), APP_OK);
	CHECK_EQ(app_check_timer(now, now + APP_TIMER_MAX_NS), APP_OK);
	CHECK_EQ(app_check_timer(now, now + APP_TIMER_MAX_NS + 1), APP_E_RANGE);
	CHECK_EQ(app_check_timer(now, UINT64_MAX), APP_E_RANGE);
	CHECK_EQ(app_check_timer(0, 0), APP_E_EXPIRED);
	CHECK_EQ(app_check_timer(0, 1), APP_OK);
	CHECK_EQ(app_check_timer(0, APP_TIMER_MAX_NS), APP_OK);
	CHECK_EQ(app_check_timer(0, APP_TIMER_MAX_NS + 1), APP_E_RANGE);
}

TEST(app_check, timer_near_the_top_of_the_clock)
{
	const uint64_t now = UINT64_MAX - 10;

	CHECK_EQ(app_check_timer(now, UINT64_MAX), APP_OK);
	CHECK_EQ(app_check_timer(now, now + 1), APP_OK);
	CHECK_EQ(app_check_timer(now, now), APP_E_EXPIRED);
	/* A deadline that "wrapped" past 2^64 is in the past, not 10 minutes ahead. */
	CHECK_EQ(app_check_timer(now, 5), APP_E_EXPIRED);
	CHECK_EQ(app_check_timer(now, 0), APP_E_EXPIRED);
	CHECK_EQ(app_check_timer(UINT64_MAX, UINT64_MAX), APP_E_EXPIRED);
	CHECK_EQ(app_check_timer(UINT64_MAX, 0), APP_E_EXPIRED);
	/* Exactly the limit ahead ends at UINT64_MAX; one more is too far. */
	CHECK_EQ(app_check_timer(UINT64_MAX - APP_TIMER_MAX_NS, UINT64_MAX), APP_OK);
	CHECK_EQ(app_check_timer(UINT64_MAX - APP_TIMER_MAX_NS - 1, UINT64_MAX), APP_E_RANGE);
	/* now + APP_TIMER_MAX_NS overflows here: the check must not compute it. */
	CHECK_EQ(app_check_timer(UINT64_MAX - 100, UINT64_MAX - 50), APP_OK);
	CHECK_EQ(app_check_timer(1ULL << 63, (1ULL << 63) + APP_TIMER_MAX_NS + 1), APP_E_RANGE);
}

/* ---- which errors are returned to the app ---- */

static const int all_errors[] = {
	APP_E_INVALID, APP_E_FAULT, APP_E_DENIED, APP_E_NOMEM, APP_E_RANGE, APP_E_NOSYS,
	APP_E_EXPIRED, APP_E_PANIC,
};

TEST(app_check, error_is_returned)
{
	static const uint64_t flags[] = {
		0, APP_MAP_RO, APP_MAP_RW, APP_MAP_TRY, APP_MAP_RO | APP_MAP_TRY,
		APP_MAP_RW | APP_MAP_TRY, UINT64_MAX,
	};

	/* The three returned cases. */
	CHECK(app_error_is_returned(APP_SYS_MAP_GUEST, APP_E_NOMEM, APP_MAP_RW));
	CHECK(app_error_is_returned(APP_SYS_TIMER_SET, APP_E_EXPIRED, 0));
	CHECK(app_error_is_returned(APP_SYS_MAP_GUEST, APP_E_FAULT, APP_MAP_RO | APP_MAP_TRY));
	CHECK(app_error_is_returned(APP_SYS_MAP_GUEST, APP_E_FAULT, APP_MAP_RW | APP_MAP_TRY));
	/* FAULT without TRY, or from another syscall, is misuse. */
	CHECK(!app_error_is_returned(APP_SYS_MAP_GUEST, APP_E_FAULT, APP_MAP_RO));
	CHECK(!app_error_is_returned(APP_SYS_MAP_GUEST, APP_E_FAULT, APP_MAP_RW));
	CHECK(!app_error_is_returned(APP_SYS_LOG, APP_E_FAULT, APP_MAP_TRY));
	CHECK(!app_error_is_returned(APP_SYS_PANIC, APP_E_FAULT, APP_MAP_RO | APP_MAP_TRY));
	CHECK(!app_error_is_returned(APP_SYS_MAP_GUEST, APP_E_INVALID, APP_MAP_RO | APP_MAP_TRY));

	/* Every syscall number (and unknown ones), every code, every flag value. */
	for (uint64_t sys = 0; sys <= APP_SYS_COUNT + 2; sys++) {
		for (size_t e = 0; e < ARRAY_SIZE(all_errors); e++) {
			for (size_t f = 0; f < ARRAY_SIZE(flags); f++) {
				int err = all_errors[e];
				bool try_fault = sys == APP_SYS_MAP_GUEST && err == APP_E_FAULT &&
						 (flags[f] & APP_MAP_TRY);
				bool always = err == APP_E_NOMEM || err == APP_E_EXPIRED;

				CHECK_EQ(app_error_is_returned(sys, err, flags[f]),
					 always || try_fault);
			}
		}
	}
	CHECK(app_error_is_returned(UINT64_MAX, APP_E_NOMEM, 0));
	CHECK(!app_error_is_returned(UINT64_MAX, APP_E_FAULT, APP_MAP_TRY));
	/* MAP_GUEST's number plus high bits is not MAP_GUEST. */
	CHECK(!app_error_is_returned((1ULL << 32) | APP_SYS_MAP_GUEST, APP_E_FAULT, APP_MAP_TRY));
}

/* ---- names ---- */

TEST(app_check, error_names)
{
	CHECK_STR_EQ(app_error_name(APP_OK), "OK");
	CHECK_STR_EQ(app_error_name(APP_E_INVALID), "INVALID");
	CHECK_STR_EQ(app_error_name(APP_E_FAULT), "FAULT");
	CHECK_STR_EQ(app_error_name(APP_E_DENIED), "DENIED");
	CHECK_STR_EQ(app_error_name(APP_E_NOMEM), "NOMEM");
	CHECK_STR_EQ(app_error_name(APP_E_RANGE), "RANGE");
	CHECK_STR_EQ(app_error_name(APP_E_NOSYS), "NOSYS");
	CHECK_STR_EQ(app_error_name(APP_E_EXPIRED), "EXPIRED");
	CHECK_STR_EQ(app_error_name(APP_E_PANIC), "PANIC");
	CHECK_STR_EQ(app_error_name(APP_E_PANIC - 1), "?");
	CHECK_STR_EQ(app_error_name(-100), "?");
	CHECK_STR_EQ(app_error_name(INT_MIN + 1), "?");
	CHECK_STR_EQ(app_error_name(1), "?");
	CHECK_STR_EQ(app_error_name(8), "?");
	CHECK_STR_EQ(app_error_name(INT_MAX), "?");
}

TEST(app_check, syscall_names)
{
	static const char *const names[APP_SYS_COUNT] = {
		[APP_SYS_RETURN] = "RETURN", [APP_SYS_LOG] = "LOG",
		[APP_SYS_MAP_GUEST] = "MAP_GUEST", [APP_SYS_UNMAP] = "UNMAP",
		[APP_SYS_IRQ_SET] = "IRQ_SET", [APP_SYS_IRQ_CLEAR] = "IRQ_CLEAR",
		[APP_SYS_TIMER_SET] = "TIMER_SET", [APP_SYS_TIMER_CANCEL] = "TIMER_CANCEL",
		[APP_SYS_TIME] = "TIME", [APP_SYS_PANIC] = "PANIC",
	};

	for (uint64_t i = 0; i < APP_SYS_COUNT; i++) {
		CHECK(names[i] != NULL);
		CHECK(app_syscall_name(i) != NULL);
		CHECK_STR_EQ(app_syscall_name(i), names[i]);
	}
	CHECK(app_syscall_name(APP_SYS_COUNT) == NULL);
	CHECK(app_syscall_name(APP_SYS_COUNT + 1) == NULL);
	CHECK(app_syscall_name(255) == NULL);
	CHECK(app_syscall_name(1ULL << 32) == NULL);		/* RETURN once truncated */
	CHECK(app_syscall_name((1ULL << 32) | APP_SYS_LOG) == NULL);
	CHECK(app_syscall_name(1ULL << 63) == NULL);
	CHECK(app_syscall_name(UINT64_MAX) == NULL);
}

/* ---- latency histogram ---- */

TEST(app_check, latency_bucket)
{
	CHECK_EQ(app_latency_bucket(0), 0);
	CHECK_EQ(app_latency_bucket(1), 0);
	CHECK_EQ(app_latency_bucket(2), 1);
	CHECK_EQ(app_latency_bucket(3), 1);
	CHECK_EQ(app_latency_bucket(4), 2);
	CHECK_EQ(app_latency_bucket(5), 2);
	CHECK_EQ(app_latency_bucket(7), 2);
	CHECK_EQ(app_latency_bucket(8), 3);
	CHECK_EQ(app_latency_bucket(1000), 9);
	/* floor(log2): each power of two starts its bucket, the value below ends the last. */
	for (unsigned k = 1; k < APP_LATENCY_BUCKETS; k++) {
		CHECK_EQ(app_latency_bucket(1ULL << k), k);
		CHECK_EQ(app_latency_bucket((1ULL << k) - 1), k - 1);
		CHECK_EQ(app_latency_bucket((1ULL << k) + 1), k);
	}
	/* Capped at the last bucket. */
	CHECK_EQ(app_latency_bucket(1ULL << (APP_LATENCY_BUCKETS - 1)), APP_LATENCY_BUCKETS - 1);
	CHECK_EQ(app_latency_bucket(1ULL << APP_LATENCY_BUCKETS), APP_LATENCY_BUCKETS - 1);
	CHECK_EQ(app_latency_bucket((1ULL << APP_LATENCY_BUCKETS) - 1), APP_LATENCY_BUCKETS - 1);
	CHECK_EQ(app_latency_bucket(1ULL << 40), APP_LATENCY_BUCKETS - 1);
	CHECK_EQ(app_latency_bucket(1ULL << 63), APP_LATENCY_BUCKETS - 1);
	CHECK_EQ(app_latency_bucket(UINT64_MAX), APP_LATENCY_BUCKETS - 1);
	for (int i = 0; i < 10000; i++)
		CHECK(app_latency_bucket(unit_rand() >> unit_rand_below(64)) < APP_LATENCY_BUCKETS);
}
