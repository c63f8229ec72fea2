/*
 * app-call: an HVC/SMC service served by an EL0 app. The manifest
 * (configs/tests/app-call.dts) gives this domain the kvstore app
 * (apps/kvstore, its ABI in apps/kvstore/kvstore.h) for function IDs
 * 0xc3000000..0xc300000f. Everything below runs twice, once through HVC and
 * once through SMC, since the hypervisor must route both conduits:
 *
 *  1. VERSION: the service's version and limits.
 *  2. PUT/GET/DELETE/COUNT with 64-bit keys and values that use every bit;
 *     results the function does not produce come back 0, whatever junk the
 *     unused argument registers held.
 *  3. PUT3/GET3: all six argument registers and all four results carry
 *     data. ADD, and a full store: FULL for new keys, overwrites still work.
 *  4. Blobs: WRITE_BLOB/READ_BLOB with buffers in this guest's RAM, at odd
 *     addresses spanning pages: the data round trips, the app writes
 *     exactly the blob and not a byte more, a short buffer gets TOO_SMALL
 *     and is left alone, the stored copy does not follow later changes to
 *     the source.
 *  5. Blob buffers outside this guest's RAM (at 0, in the GIC, straddling
 *     either end of RAM, above 4 GiB, up to the last page of the 64-bit
 *     space, wrapping): KV_E_FAULT (KV_E_INVALID for wrapping ranges), the
 *     end of RAM next to them untouched, and the app did not fault: a key
 *     stored before is still there (a fault would have reset the app and
 *     emptied the store) and its call counter went on.
 *  6. Unknown function IDs inside the range: -1 from the app (its unknown
 *     counter moves). IDs just outside the range: -1 from the hypervisor,
 *     and the app never saw them (its call counter does not move).
 *  7. PSCI_VERSION is still answered by the hypervisor.
 * Then, once: data stored through one conduit is read through the other;
 * the vCPU's app time (ELVISOR_HVC_VCPU_TIMES x2) grows with calls; and
 * with a second vCPU, both vCPUs call ADD on one key and keep a key of
 * their own, interleaved: the total is exact, each caller sees its results
 * increase, its own key holds what it stored. Under the single-threaded
 * TCG the scenario uses, the vCPUs take turns between calls rather than
 * overlap inside one (seen: the test passes with the app lock removed);
 * overlapping calls are guest-app-concurrency's subject (MTTCG).
 */
#include "guest.h"
#include "../apps/kvstore/kvstore.h"

#define PAGE 4096UL
#define JUNK 0x5a5a5a5a5a5a5a5aUL	/* in argument registers a function does not read */
#define SENTINEL_KEY 0x5e47196e1UL
#define SHARED_KEY 0xadd0UL
#define ADD_ROUNDS 400
#define WAIT_US 20000000

typedef void (*smccc_fn)(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
			 uint64_t a5, uint64_t a6, struct smccc_res *res);

struct conduit {
	const char *name;
	smccc_fn call;
};

static const struct conduit conduits[] = {
	{ "HVC", smccc_hvc },
	{ "SMC", smccc_smc },
};

/* Blob buffers: three pages each, so an odd address can span them. */
static uint8_t src[3 * PAGE] __attribute__((aligned(PAGE)));
static uint8_t dst[3 * PAGE] __attribute__((aligned(PAGE)));

static volatile uint32_t adder_done[2];

static struct smccc_res kv(const struct conduit *c, uint32_t fid, uint64_t a1, uint64_t a2,
			   uint64_t a3)
{
	struct smccc_res r;

	c->call(fid, a1, a2, a3, JUNK, JUNK, JUNK, &r);
	return r;
}

static struct smccc_res stats(const struct conduit *c)
{
	return kv(c, KV_FN_STATS, JUNK, JUNK, JUNK);
}

/* MMU off: a pointer into our RAM is its IPA. */
static uint64_t ipa_of(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

static uint8_t pattern(uint64_t i, unsigned seed)
{
	return (uint8_t)(i * 131 + seed * 7 + (i >> 8));
}

static void fill(uint8_t *p, uint64_t len, unsigned seed)
{
	for (uint64_t i = 0; i < len; i++)
		p[i] = pattern(i, seed);
}

/* Index of the first byte of p[0..len) that is not the pattern, or len. */
static uint64_t pattern_mismatch(const uint8_t *p, uint64_t len, unsigned seed)
{
	uint64_t i = 0;

	while (i < len && p[i] == pattern(i, seed))
		i++;
	return i;
}

/* Index of the first byte of p[0..len) that is not b, or len. */
static uint64_t byte_mismatch(const uint8_t *p, uint64_t len, uint8_t b)
{
	uint64_t i = 0;

	while (i < len && p[i] == b)
		i++;
	return i;
}

static void check_version(const struct conduit *c)
{
	struct smccc_res r = kv(c, KV_FN_VERSION, JUNK, JUNK, JUNK);

	CHECK(r.a0 == KV_VERSION_1_0 && r.a1 == KV_MAX_KEYS && r.a2 == KV_BLOB_SLOTS &&
	      r.a3 == KV_BLOB_MAX, "%s VERSION: %#lx %lu %lu %lu", c->name, r.a0, r.a1, r.a2, r.a3);
}

static void check_basic(const struct conduit *c)
{
	static const uint64_t keys[] = { 0, ~0UL, 0x8000000000000001UL, 0x0123456789abcdefUL };
	struct smccc_res r;
	unsigned n = ARRAY_SIZE(keys);

	r = kv(c, KV_FN_CLEAR, JUNK, JUNK, JUNK);
	CHECK(r.a0 == KV_OK, "%s CLEAR: %ld", c->name, (int64_t)r.a0);
	r = kv(c, KV_FN_COUNT, JUNK, JUNK, JUNK);
	CHECK(r.a0 == 0, "%s COUNT after CLEAR: %lu", c->name, r.a0);
	for (unsigned i = 0; i < n; i++) {
		uint64_t value = ~keys[i] ^ (0xfedcba9876543210UL + i);

		r = kv(c, KV_FN_GET, keys[i], JUNK, JUNK);
		CHECK((int64_t)r.a0 == KV_E_NOT_FOUND, "%s GET %#lx before PUT: %ld", c->name,
		      keys[i], (int64_t)r.a0);
		r = kv(c, KV_FN_PUT, keys[i], value, JUNK);
		CHECK(r.a0 == KV_OK && r.a1 == 0 && r.a2 == 0 && r.a3 == 0,
		      "%s PUT %#lx: %ld %#lx %#lx %#lx", c->name, keys[i], (int64_t)r.a0, r.a1,
		      r.a2, r.a3);
		r = kv(c, KV_FN_GET, keys[i], JUNK, JUNK);
		CHECK(r.a0 == KV_OK && r.a1 == value && r.a2 == 0 && r.a3 == 0,
		      "%s GET %#lx: %ld %#lx %#lx %#lx, expected 0 %#lx 0 0", c->name, keys[i],
		      (int64_t)r.a0, r.a1, r.a2, r.a3, value);
	}
	r = kv(c, KV_FN_COUNT, JUNK, JUNK, JUNK);
	CHECK(r.a0 == n, "%s COUNT: %lu, expected %u", c->name, r.a0, n);

	/* Overwrite: same count, new value. */
	r = kv(c, KV_FN_PUT, keys[1], 42, JUNK);
	CHECK(r.a0 == KV_OK, "%s PUT over %#lx: %ld", c->name, keys[1], (int64_t)r.a0);
	r = kv(c, KV_FN_GET, keys[1], JUNK, JUNK);
	CHECK(r.a0 == KV_OK && r.a1 == 42, "%s GET after overwrite: %ld %lu", c->name,
	      (int64_t)r.a0, r.a1);
	r = kv(c, KV_FN_COUNT, JUNK, JUNK, JUNK);
	CHECK(r.a0 == n, "%s COUNT after overwrite: %lu, expected %u", c->name, r.a0, n);

	r = kv(c, KV_FN_DELETE, keys[0], JUNK, JUNK);
	CHECK(r.a0 == KV_OK, "%s DELETE %#lx: %ld", c->name, keys[0], (int64_t)r.a0);
	r = kv(c, KV_FN_DELETE, keys[0], JUNK, JUNK);
	CHECK((int64_t)r.a0 == KV_E_NOT_FOUND, "%s second DELETE: %ld", c->name, (int64_t)r.a0);
	r = kv(c, KV_FN_GET, keys[0], JUNK, JUNK);
	CHECK((int64_t)r.a0 == KV_E_NOT_FOUND && r.a1 == 0, "%s GET after DELETE: %ld %#lx",
	      c->name, (int64_t)r.a0, r.a1);
	r = kv(c, KV_FN_COUNT, JUNK, JUNK, JUNK);
	CHECK(r.a0 == n - 1, "%s COUNT after DELETE: %lu, expected %u", c->name, r.a0, n - 1);
}

/* Every argument and result register carries data. */
static void check_multi(const struct conduit *c)
{
	struct smccc_res r;

	c->call(KV_FN_PUT3, 0x1111, 0xa1a1a1a1a1a1a1a1UL, 0x2222, 0xb2b2b2b2b2b2b2b2UL, 0x3333,
		0xc3c3c3c3c3c3c3c3UL, &r);
	CHECK(r.a0 == KV_OK && r.a1 == 3, "%s PUT3: %ld, %lu stored", c->name, (int64_t)r.a0,
	      r.a1);
	r = kv(c, KV_FN_GET3, 0x3333, 0x1111, 0x2222);
	CHECK(r.a0 == 7 && r.a1 == 0xc3c3c3c3c3c3c3c3UL && r.a2 == 0xa1a1a1a1a1a1a1a1UL &&
	      r.a3 == 0xb2b2b2b2b2b2b2b2UL, "%s GET3: mask %#lx, %#lx %#lx %#lx", c->name, r.a0,
	      r.a1, r.a2, r.a3);
	r = kv(c, KV_FN_GET3, 0x1111, 0x4444, 0x2222);
	CHECK(r.a0 == 5 && r.a1 == 0xa1a1a1a1a1a1a1a1UL && r.a2 == 0 &&
	      r.a3 == 0xb2b2b2b2b2b2b2b2UL, "%s GET3 with a missing key: mask %#lx, %#lx %#lx %#lx",
	      c->name, r.a0, r.a1, r.a2, r.a3);
}

static void check_add(const struct conduit *c)
{
	struct smccc_res r;

	kv(c, KV_FN_DELETE, 0xadd, JUNK, JUNK);
	r = kv(c, KV_FN_ADD, 0xadd, 5, JUNK);
	CHECK(r.a0 == KV_OK && r.a1 == 5, "%s ADD to a new key: %ld %lu", c->name, (int64_t)r.a0,
	      r.a1);
	r = kv(c, KV_FN_ADD, 0xadd, (uint64_t)-7, JUNK);
	CHECK(r.a0 == KV_OK && r.a1 == (uint64_t)-2, "%s ADD -7: %ld %#lx", c->name,
	      (int64_t)r.a0, r.a1);
}

static void check_full(const struct conduit *c)
{
	struct smccc_res r;
	int64_t status = KV_OK;

	kv(c, KV_FN_CLEAR, JUNK, JUNK, JUNK);
	for (uint64_t k = 0; k < KV_MAX_KEYS && status == KV_OK; k++)
		status = (int64_t)kv(c, KV_FN_PUT, 1000 + k, k * k, JUNK).a0;
	CHECK(status == KV_OK, "%s PUT of %d keys: %ld", c->name, KV_MAX_KEYS, status);
	r = kv(c, KV_FN_PUT, 999, 1, JUNK);
	CHECK((int64_t)r.a0 == KV_E_FULL, "%s PUT of a new key, store full: %ld", c->name,
	      (int64_t)r.a0);
	r = kv(c, KV_FN_ADD, 999, 1, JUNK);
	CHECK((int64_t)r.a0 == KV_E_FULL, "%s ADD to a new key, store full: %ld", c->name,
	      (int64_t)r.a0);
	c->call(KV_FN_PUT3, 1000, 7, 998, 8, 1001, 9, &r);
	CHECK((int64_t)r.a0 == KV_E_FULL && r.a1 == 1, "%s PUT3 into a full store: %ld, %lu stored",
	      c->name, (int64_t)r.a0, r.a1);
	r = kv(c, KV_FN_GET3, 1000, 998, 1001);
	CHECK(r.a0 == 5 && r.a1 == 7 && r.a3 == 1, "%s GET3 after PUT3 stopped: %#lx %lu %lu %lu",
	      c->name, r.a0, r.a1, r.a2, r.a3);
	r = kv(c, KV_FN_PUT, 1005, 55, JUNK);
	CHECK(r.a0 == KV_OK, "%s overwrite in a full store: %ld", c->name, (int64_t)r.a0);
	r = kv(c, KV_FN_DELETE, 1010, JUNK, JUNK);
	CHECK(r.a0 == KV_OK, "%s DELETE in a full store: %ld", c->name, (int64_t)r.a0);
	r = kv(c, KV_FN_PUT, 999, 1, JUNK);
	CHECK(r.a0 == KV_OK, "%s PUT after making room: %ld", c->name, (int64_t)r.a0);
	r = kv(c, KV_FN_GET, 1031, JUNK, JUNK);
	CHECK(r.a0 == KV_OK && r.a1 == 31 * 31, "%s GET of the last key: %ld %lu", c->name,
	      (int64_t)r.a0, r.a1);
	r = kv(c, KV_FN_CLEAR, JUNK, JUNK, JUNK);
	CHECK(r.a0 == KV_OK && r.a1 == KV_MAX_KEYS, "%s CLEAR of a full store: %ld, %lu deleted",
	      c->name, (int64_t)r.a0, r.a1);
}

static struct smccc_res blob(const struct conduit *c, uint32_t fid, uint64_t slot,
			     const void *buf, uint64_t len)
{
	return kv(c, fid, slot, ipa_of(buf), len);
}

/* Read slot into dst + off (after filling dst with 0xee); check it and its surroundings. */
static void check_read_back(const struct conduit *c, uint64_t slot, uint64_t off,
			    uint64_t len, unsigned seed)
{
	struct smccc_res r;
	uint64_t bad;

	memset(dst, 0xee, sizeof(dst));
	r = blob(c, KV_FN_READ_BLOB, slot, dst + off, sizeof(dst) - off);
	if (!CHECK(r.a0 == KV_OK && r.a1 == len, "%s READ_BLOB slot %lu: %ld, length %lu, "
		   "expected %lu", c->name, slot, (int64_t)r.a0, r.a1, len))
		return;
	bad = pattern_mismatch(dst + off, len, seed);
	CHECK(bad == len, "%s READ_BLOB slot %lu: byte %lu is %#x, expected %#x", c->name, slot,
	      bad, bad < len ? dst[off + bad] : 0, pattern(bad, seed));
	bad = byte_mismatch(dst, off, 0xee);
	CHECK(bad == off, "%s READ_BLOB slot %lu wrote before the buffer (at -%lu)", c->name,
	      slot, off - bad);
	bad = byte_mismatch(dst + off + len, sizeof(dst) - off - len, 0xee);
	CHECK(bad == sizeof(dst) - off - len, "%s READ_BLOB slot %lu wrote past the blob's %lu "
	      "bytes (at +%lu)", c->name, slot, len, len + bad);
}

static void check_blobs(const struct conduit *c, unsigned seed)
{
	const uint64_t big_off = PAGE - 16, small_off = 100, small_len = 3000;
	struct smccc_res r, before = stats(c);
	uint64_t moved;

	kv(c, KV_FN_CLEAR, JUNK, JUNK, JUNK);

	/* The largest blob, from an address 16 bytes before a page end: three pages. */
	fill(src + big_off, KV_BLOB_MAX, seed);
	r = blob(c, KV_FN_WRITE_BLOB, 0, src + big_off, KV_BLOB_MAX);
	CHECK(r.a0 == KV_OK && r.a1 == KV_BLOB_MAX, "%s WRITE_BLOB of %d bytes: %ld, %lu",
	      c->name, KV_BLOB_MAX, (int64_t)r.a0, r.a1);
	check_read_back(c, 0, 7, KV_BLOB_MAX, seed);
	/* The app keeps a copy: changing the source afterwards changes nothing. */
	fill(src + big_off, KV_BLOB_MAX, seed + 1);
	check_read_back(c, 0, 3, KV_BLOB_MAX, seed);

	/* Inside one page, read back across a page boundary; a short buffer is refused. */
	fill(src + small_off, small_len, seed + 2);
	r = blob(c, KV_FN_WRITE_BLOB, 2, src + small_off, small_len);
	CHECK(r.a0 == KV_OK && r.a1 == small_len, "%s WRITE_BLOB of %lu bytes: %ld, %lu",
	      c->name, small_len, (int64_t)r.a0, r.a1);
	memset(dst, 0xee, sizeof(dst));
	r = blob(c, KV_FN_READ_BLOB, 2, dst + PAGE - 96, small_len - 1);
	CHECK((int64_t)r.a0 == KV_E_TOO_SMALL && r.a1 == small_len,
	      "%s READ_BLOB into a short buffer: %ld, %lu", c->name, (int64_t)r.a0, r.a1);
	CHECK(byte_mismatch(dst, sizeof(dst), 0xee) == sizeof(dst),
	      "%s READ_BLOB into a short buffer wrote to it", c->name);
	check_read_back(c, 2, PAGE - 96, small_len, seed + 2);

	/* Empty blobs, empty slots, bad slots and lengths. */
	r = blob(c, KV_FN_WRITE_BLOB, 3, src, 0);
	CHECK(r.a0 == KV_OK && r.a1 == 0, "%s WRITE_BLOB of 0 bytes: %ld, %lu", c->name,
	      (int64_t)r.a0, r.a1);
	check_read_back(c, 3, 0, 0, seed);
	r = blob(c, KV_FN_READ_BLOB, 1, dst, sizeof(dst));
	CHECK((int64_t)r.a0 == KV_E_NOT_FOUND, "%s READ_BLOB of an empty slot: %ld", c->name,
	      (int64_t)r.a0);
	r = blob(c, KV_FN_WRITE_BLOB, KV_BLOB_SLOTS, src, 16);
	CHECK((int64_t)r.a0 == KV_E_INVALID, "%s WRITE_BLOB to slot %d: %ld", c->name,
	      KV_BLOB_SLOTS, (int64_t)r.a0);
	r = blob(c, KV_FN_READ_BLOB, ~0UL, dst, sizeof(dst));
	CHECK((int64_t)r.a0 == KV_E_INVALID, "%s READ_BLOB of slot ~0: %ld", c->name,
	      (int64_t)r.a0);
	r = blob(c, KV_FN_WRITE_BLOB, 1, src, KV_BLOB_MAX + 1);
	CHECK((int64_t)r.a0 == KV_E_INVALID, "%s WRITE_BLOB of %d bytes: %ld", c->name,
	      KV_BLOB_MAX + 1, (int64_t)r.a0);

	/* Bytes moved: 8192 in, 2 x 8192 out, 3000 in, 3000 out; the rest moved nothing. */
	r = stats(c);
	moved = r.a3 - before.a3;
	CHECK(moved == 3 * KV_BLOB_MAX + 2 * small_len, "%s STATS: %lu blob bytes moved, "
	      "expected %lu", c->name, moved, 3 * KV_BLOB_MAX + 2 * small_len);
}

struct bad_buffer {
	uint64_t ipa, len;
	int64_t expect;
	const char *what;
};

#define BAD_BLOB_LEN 64		/* READ_BLOB writes this much: the blob in slot 1 */

/*
 * Buffers that are not (entirely) this guest's RAM. The app must answer
 * with an error, write nothing, and live on. Each is at least
 * BAD_BLOB_LEN long, and what READ_BLOB would write, its first
 * BAD_BLOB_LEN bytes, is as bad as the whole.
 */
static void check_bad_buffers(const struct conduit *c)
{
	uint64_t end = ram_end();
	const struct bad_buffer bad[] = {
		{ 0, 64, KV_E_FAULT, "at IPA 0" },
		{ 0x08000000, 64, KV_E_FAULT, "in the GIC" },
		{ 0x09000000, PAGE, KV_E_FAULT, "in a hole below RAM" },
		{ GUEST_RAM_BASE - 8, 64, KV_E_FAULT, "straddling the start of RAM" },
		{ end - 16, 64, KV_E_FAULT, "straddling the end of RAM" },
		{ end, 64, KV_E_FAULT, "just past RAM" },
		{ end - 32, 2 * PAGE, KV_E_FAULT, "the end of RAM and the next page" },
		{ 0x100000000UL, PAGE, KV_E_FAULT, "at 4 GiB" },
		{ (1UL << 52) - 64, 64, KV_E_FAULT, "just below 2^52" },
		{ 1UL << 52, 64, KV_E_FAULT, "at 2^52" },
		{ ~0UL - PAGE + 1, 64, KV_E_FAULT, "in the last page of the address space" },
		{ ~0UL - 31, 64, KV_E_INVALID, "wrapping around" },
		{ ~0UL - 7, 2 * PAGE, KV_E_INVALID, "wrapping around further" },
	};
	uint8_t tail[64];
	struct smccc_res r, before;
	uint64_t calls = 0;

	if (!CHECK(end > GUEST_RAM_BASE, "no RAM size in the device tree"))
		return;
	memcpy(tail, (const void *)(uintptr_t)(end - sizeof(tail)), sizeof(tail));
	fill(src, BAD_BLOB_LEN, 9);
	r = blob(c, KV_FN_WRITE_BLOB, 1, src, BAD_BLOB_LEN);
	CHECK(r.a0 == KV_OK, "%s WRITE_BLOB to slot 1: %ld", c->name, (int64_t)r.a0);
	r = kv(c, KV_FN_PUT, SENTINEL_KEY, 0x5e471e1, JUNK);
	CHECK(r.a0 == KV_OK, "%s PUT of the sentinel: %ld", c->name, (int64_t)r.a0);
	before = stats(c);

	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		const struct bad_buffer *b = &bad[i];

		r = kv(c, KV_FN_WRITE_BLOB, 1, b->ipa, b->len);
		CHECK((int64_t)r.a0 == b->expect, "%s WRITE_BLOB from %#lx+%#lx (%s): %ld, expected "
		      "%ld", c->name, b->ipa, b->len, b->what, (int64_t)r.a0, b->expect);
		r = kv(c, KV_FN_READ_BLOB, 1, b->ipa, b->len);
		CHECK((int64_t)r.a0 == b->expect, "%s READ_BLOB to %#lx+%#lx (%s): %ld, expected "
		      "%ld", c->name, b->ipa, b->len, b->what, (int64_t)r.a0, b->expect);
		calls += 2;
	}

	CHECK(memcmp(tail, (const void *)(uintptr_t)(end - sizeof(tail)), sizeof(tail)) == 0,
	      "%s the last %lu bytes of RAM changed", c->name, sizeof(tail));
	/* The failed writes left slot 1 as it was. */
	check_read_back(c, 1, 0, BAD_BLOB_LEN, 9);
	r = kv(c, KV_FN_GET, SENTINEL_KEY, JUNK, JUNK);
	CHECK(r.a0 == KV_OK && r.a1 == 0x5e471e1, "%s the sentinel is gone (%ld %#lx): the app "
	      "was reset", c->name, (int64_t)r.a0, r.a1);
	r = stats(c);
	CHECK(r.a1 == before.a1 + calls + 3, "%s STATS: %lu calls, expected %lu: the app lost "
	      "count", c->name, r.a1, before.a1 + calls + 3);
}

static void check_unknown_functions(const struct conduit *c)
{
	struct smccc_res r, before = stats(c);
	unsigned n = 0;

	for (uint32_t fid = KV_FN_READ_BLOB + 1; fid <= KV_FID_LAST; fid++, n++) {
		r = kv(c, fid, 1, 2, 3);
		CHECK(r.a0 == (uint64_t)KV_E_NOT_SUPPORTED && r.a1 == 0 && r.a2 == 0 && r.a3 == 0,
		      "%s unimplemented %#x: %#lx %#lx %#lx %#lx, expected -1 0 0 0", c->name, fid,
		      r.a0, r.a1, r.a2, r.a3);
	}
	r = stats(c);
	CHECK(r.a1 == before.a1 + n + 1 && r.a2 == before.a2 + n,
	      "%s STATS after %u unimplemented calls: calls +%lu, unknown +%lu", c->name, n,
	      r.a1 - before.a1, r.a2 - before.a2);
}

/* Not the app's: the hypervisor answers, the app never hears of them. */
static void check_outside_range(const struct conduit *c)
{
	static const uint32_t outside[] = {
		KV_FID_LAST + 1, KV_FID_BASE - 1, KV_FID_BASE + 0x100, KV_FID_BASE | 0xffff,
		KV_FID_BASE + 0x10000,
		KV_FN_GET & ~0x40000000u,	/* the SMC32 twin of GET */
		KV_FN_GET & ~0x80000000u,	/* a yielding call */
	};
	struct smccc_res r, before = stats(c);

	for (unsigned i = 0; i < ARRAY_SIZE(outside); i++) {
		bool smc32 = !(outside[i] & 0x40000000u);

		r = kv(c, outside[i], SENTINEL_KEY, 1, 2);
		CHECK(smc32 ? (int32_t)r.a0 == SMCCC_NOT_SUPPORTED :
			      (int64_t)r.a0 == SMCCC_NOT_SUPPORTED,
		      "%s %#x (outside the app's range): %#lx, expected -1", c->name, outside[i],
		      r.a0);
	}
	r = stats(c);
	CHECK(r.a1 == before.a1 + 1 && r.a2 == before.a2,
	      "%s the app saw calls outside its range: calls +%lu, unknown +%lu", c->name,
	      r.a1 - before.a1 - 1, r.a2 - before.a2);
}

static void check_psci(const struct conduit *c)
{
	struct smccc_res r = kv(c, PSCI_VERSION, 0, 0, 0);

	CHECK((int32_t)r.a0 == PSCI_VERSION_1_1, "%s PSCI_VERSION: %#lx, expected 0x10001",
	      c->name, r.a0);
}

static void run_conduit(const struct conduit *c, unsigned seed)
{
	unsigned failures = test_failures();

	check_version(c);
	check_basic(c);
	check_multi(c);
	check_add(c);
	check_full(c);
	check_blobs(c, seed);
	check_bad_buffers(c);
	check_unknown_functions(c);
	check_outside_range(c);
	check_psci(c);
	printf("app-call: kvstore through %s: %s\n", c->name,
	       test_failures() == failures ? "ok" : "FAILED");
}

/* What one conduit stores, the other reads: one service behind both. */
static void check_cross_conduit(void)
{
	const struct conduit *hvc = &conduits[0], *smc = &conduits[1];
	struct smccc_res r;

	kv(hvc, KV_FN_PUT, 0xc0ffee, 0xbeef, JUNK);
	r = kv(smc, KV_FN_GET, 0xc0ffee, JUNK, JUNK);
	CHECK(r.a0 == KV_OK && r.a1 == 0xbeef, "GET through SMC of a PUT through HVC: %ld %#lx",
	      (int64_t)r.a0, r.a1);
	fill(src + 5, 777, 33);
	r = blob(smc, KV_FN_WRITE_BLOB, 3, src + 5, 777);
	CHECK(r.a0 == KV_OK, "WRITE_BLOB through SMC: %ld", (int64_t)r.a0);
	check_read_back(hvc, 3, 11, 777, 33);
}

/* ELVISOR_HVC_VCPU_TIMES: x2 = ns spent in apps on this vCPU's behalf. */
static uint64_t app_time_ns(void)
{
	struct smccc_res r;

	smccc_hvc(ELVISOR_HVC_VCPU_TIMES, 0, 0, 0, 0, 0, 0, &r);
	return r.a2;
}

static void check_app_time(void)
{
	uint64_t before = app_time_ns(), after;

	for (unsigned i = 0; i < 200; i++)
		kv(&conduits[i & 1], KV_FN_GET3, i, i + 1, i + 2);
	after = app_time_ns();
	CHECK(after > before, "app time of this vCPU did not grow over 200 calls: %lu -> %lu ns",
	      before, after);
	printf("app-call: 200 calls took %lu us of app time\n", (after - before) / 1000);
}

/*
 * One of two vCPUs adding 1 to SHARED_KEY ADD_ROUNDS times, alternating
 * conduits, and keeping a key of its own. If two calls ran in the app at
 * once, an increment could be lost (the total falls short) or a caller
 * see a value go backwards; if the hypervisor mixed up callers' results,
 * a GET would return the other vCPU's number.
 */
static void adder(unsigned cpu, void *arg)
{
	uint64_t prev = 0, own_key = 0x0b0000 + cpu;
	struct smccc_res r;

	(void)arg;
	for (uint64_t i = 1; i <= ADD_ROUNDS; i++) {
		const struct conduit *c = &conduits[(i + cpu) & 1];

		r = kv(c, KV_FN_ADD, SHARED_KEY, 1, JUNK);
		if (!CHECK(r.a0 == KV_OK && r.a1 > prev, "vCPU %u ADD #%lu: %ld, value %lu after "
			   "%lu", cpu, i, (int64_t)r.a0, r.a1, prev))
			break;
		prev = r.a1;
		kv(c, KV_FN_PUT, own_key, (uint64_t)cpu << 32 | i, JUNK);
		r = kv(c, KV_FN_GET, own_key, JUNK, JUNK);
		if (!CHECK(r.a0 == KV_OK && r.a1 == ((uint64_t)cpu << 32 | i), "vCPU %u GET of its "
			   "own key: %ld %#lx, expected %#lx", cpu, (int64_t)r.a0, r.a1,
			   (uint64_t)cpu << 32 | i))
			break;
	}
	WRITE_ONCE(adder_done[cpu], 1);
	dsb(sy);
}

static void check_concurrent_calls(void)
{
	struct smccc_res r;
	int64_t on;

	kv(&conduits[0], KV_FN_CLEAR, JUNK, JUNK, JUNK);
	on = smp_start(1, adder, NULL, 0);
	if (on == PSCI_E_INVALID_PARAMS) {
		printf("app-call: one vCPU: no concurrent calls tested\n");
		return;
	}
	if (!CHECK(on == PSCI_SUCCESS, "CPU_ON(1): %ld", on))
		return;
	adder(0, NULL);
	if (!CHECK(wait_until(cond_flag_set, (void *)&adder_done[1], WAIT_US),
		   "vCPU 1 did not finish its calls"))
		return;
	r = kv(&conduits[0], KV_FN_GET, SHARED_KEY, JUNK, JUNK);
	CHECK(r.a0 == KV_OK && r.a1 == 2 * ADD_ROUNDS, "two vCPUs x %d ADDs: total %lu, expected "
	      "%d", ADD_ROUNDS, r.a1, 2 * ADD_ROUNDS);
	printf("app-call: two vCPUs, %d concurrent ADDs each: total %lu\n", ADD_ROUNDS, r.a1);
}

void guest_main(void)
{
	test_init("app-call");
	gic_init();			/* wait_until() sleeps in WFI */
	for (unsigned i = 0; i < ARRAY_SIZE(conduits); i++)
		run_conduit(&conduits[i], 1 + 10 * i);
	check_cross_conduit();
	check_app_time();
	check_concurrent_calls();
	test_done();
}
