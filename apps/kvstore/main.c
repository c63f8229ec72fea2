/*
 * kvstore: a key-value store offered to one guest as an HVC/SMC service,
 * the shape of a firmware mediator (a TEE or secure-storage front end):
 * the guest makes SMC Calling Convention calls in the function-ID range its
 * manifest grants this app, and the hypervisor runs call() on the calling
 * vCPU's timeslice. The service ABI (function IDs, arguments, status codes)
 * is kvstore.h.
 *
 * The blob functions move data between the store and a buffer in the
 * guest's RAM named by its IPA. That address comes from the guest, so it
 * is mapped with APP_MAP_TRY: a bad one costs the guest an error code,
 * never makes this app fault (which would reset it and lose the store).
 * Every mapping is undone before the call returns.
 */
#include <stdbool.h>

#include "app.h"
#include "kvstore.h"

#define NR_FUNCTIONS (KV_FID_LAST - KV_FID_BASE + 1)
/* 52 bits: the largest physical (and so intermediate physical) address size Arm defines. */
#define IPA_LIMIT ((uint64_t)1 << 52)

struct pair {
	uint64_t key, value;
	bool used;
};

struct blob {
	uint32_t len;
	bool present;
	uint8_t data[KV_BLOB_MAX];
};

static struct pair pairs[KV_MAX_KEYS];
static unsigned int nkeys;
static struct blob blobs[KV_BLOB_SLOTS];
static uint64_t calls, unknown_calls, blob_bytes;

/* --- the key-value pairs ----------------------------------------------------- */

static struct pair *find(uint64_t key)
{
	for (unsigned int i = 0; i < KV_MAX_KEYS; i++)
		if (pairs[i].used && pairs[i].key == key)
			return &pairs[i];
	return NULL;
}

/* The pair for key, created (value 0) if missing; NULL if the store is full. */
static struct pair *find_or_create(uint64_t key)
{
	struct pair *p = find(key);

	if (p)
		return p;
	for (unsigned int i = 0; i < KV_MAX_KEYS; i++) {
		if (!pairs[i].used) {
			pairs[i] = (struct pair){ .key = key, .value = 0, .used = true };
			nkeys++;
			return &pairs[i];
		}
	}
	return NULL;
}

static int64_t put(uint64_t key, uint64_t value)
{
	struct pair *p = find_or_create(key);

	if (!p)
		return KV_E_FULL;
	p->value = value;
	return KV_OK;
}

static void clear_all(void)
{
	memset(pairs, 0, sizeof(pairs));
	nkeys = 0;
	for (unsigned int i = 0; i < KV_BLOB_SLOTS; i++) {
		blobs[i].present = false;
		blobs[i].len = 0;
	}
}

/* --- guest buffers ----------------------------------------------------------- */

/* A guest buffer while it is mapped: its first byte, and what to unmap. */
struct guest_buf {
	uint8_t *data;
	void *map_va;
	uint64_t map_size;
};

/*
 * Map the guest's [ipa, ipa + len) (len > 0), whole pages around it.
 * MAP_GUEST treats a wrapping range as misuse even with APP_MAP_TRY, and
 * this range is the guest's, not ours: a range that wraps is refused here,
 * and so is anything beyond IPA_LIMIT, which then cannot wrap when rounded
 * up to whole pages either.
 */
static int64_t map_guest_buffer(uint64_t ipa, uint64_t len, unsigned int prot,
				struct guest_buf *b)
{
	const uint64_t page_mask = APP_PAGE_SIZE - 1;
	uint64_t first = ipa & ~page_mask, end = ipa + len;
	int64_t va;

	if (end < ipa)
		return KV_E_INVALID;
	if (end > IPA_LIMIT)
		return KV_E_FAULT;	/* no guest's RAM is up there */
	end = (end + page_mask) & ~page_mask;
	va = app_sys_map_guest(first, end - first, prot | APP_MAP_TRY);
	if (va == APP_E_FAULT)
		return KV_E_FAULT;	/* not all of it is the guest's RAM */
	if (va < 0)
		return KV_E_NO_MEMORY;
	b->map_va = (void *)(uintptr_t)va;
	b->map_size = end - first;
	b->data = (uint8_t *)(uintptr_t)va + (ipa - first);
	return KV_OK;
}

static void unmap_guest_buffer(const struct guest_buf *b)
{
	app_sys_unmap(b->map_va, b->map_size);
}

/* --- the functions: args = the caller's x1..x6, res = its x0..x3 ------------ */

typedef void (*kv_function)(const uint64_t args[6], uint64_t res[4]);

static void fn_version(const uint64_t args[6], uint64_t res[4])
{
	(void)args;
	res[0] = KV_VERSION_1_0;
	res[1] = KV_MAX_KEYS;
	res[2] = KV_BLOB_SLOTS;
	res[3] = KV_BLOB_MAX;
}

static void fn_put(const uint64_t args[6], uint64_t res[4])
{
	res[0] = (uint64_t)put(args[0], args[1]);
}

static void fn_get(const uint64_t args[6], uint64_t res[4])
{
	const struct pair *p = find(args[0]);

	if (!p) {
		res[0] = (uint64_t)KV_E_NOT_FOUND;
		return;
	}
	res[0] = KV_OK;
	res[1] = p->value;
}

static void fn_delete(const uint64_t args[6], uint64_t res[4])
{
	struct pair *p = find(args[0]);

	if (!p) {
		res[0] = (uint64_t)KV_E_NOT_FOUND;
		return;
	}
	p->used = false;
	nkeys--;
	res[0] = KV_OK;
}

static void fn_count(const uint64_t args[6], uint64_t res[4])
{
	(void)args;
	res[0] = nkeys;
}

static void fn_add(const uint64_t args[6], uint64_t res[4])
{
	struct pair *p = find_or_create(args[0]);

	if (!p) {
		res[0] = (uint64_t)KV_E_FULL;
		return;
	}
	p->value += args[1];
	res[0] = KV_OK;
	res[1] = p->value;
}

static void fn_put3(const uint64_t args[6], uint64_t res[4])
{
	unsigned int stored = 0;
	int64_t status = KV_OK;

	while (stored < 3 && status == KV_OK) {
		status = put(args[2 * stored], args[2 * stored + 1]);
		if (status == KV_OK)
			stored++;
	}
	res[0] = (uint64_t)status;
	res[1] = stored;
}

static void fn_get3(const uint64_t args[6], uint64_t res[4])
{
	uint64_t found = 0;

	for (unsigned int i = 0; i < 3; i++) {
		const struct pair *p = find(args[i]);

		if (p) {
			found |= 1u << i;
			res[i + 1] = p->value;
		}
	}
	res[0] = found;
}

static void fn_stats(const uint64_t args[6], uint64_t res[4])
{
	(void)args;
	res[0] = KV_OK;
	res[1] = calls;
	res[2] = unknown_calls;
	res[3] = blob_bytes;
}

static void fn_clear(const uint64_t args[6], uint64_t res[4])
{
	unsigned int deleted = nkeys;

	(void)args;
	clear_all();
	res[0] = KV_OK;
	res[1] = deleted;
}

static void fn_write_blob(const uint64_t args[6], uint64_t res[4])
{
	uint64_t slot = args[0], ipa = args[1], len = args[2];
	struct guest_buf buf;
	int64_t status;

	if (slot >= KV_BLOB_SLOTS || len > KV_BLOB_MAX) {
		res[0] = (uint64_t)KV_E_INVALID;
		return;
	}
	if (len) {
		status = map_guest_buffer(ipa, len, APP_MAP_RO, &buf);
		if (status != KV_OK) {
			res[0] = (uint64_t)status;
			return;	/* the slot keeps its old blob */
		}
		memcpy(blobs[slot].data, buf.data, len);
		unmap_guest_buffer(&buf);
	}
	blobs[slot].len = (uint32_t)len;
	blobs[slot].present = true;
	blob_bytes += len;
	res[0] = KV_OK;
	res[1] = len;
}

static void fn_read_blob(const uint64_t args[6], uint64_t res[4])
{
	uint64_t slot = args[0], ipa = args[1], buf_len = args[2];
	const struct blob *b;
	struct guest_buf buf;
	int64_t status;

	if (slot >= KV_BLOB_SLOTS) {
		res[0] = (uint64_t)KV_E_INVALID;
		return;
	}
	b = &blobs[slot];
	if (!b->present) {
		res[0] = (uint64_t)KV_E_NOT_FOUND;
		return;
	}
	res[1] = b->len;
	if (buf_len < b->len) {
		res[0] = (uint64_t)KV_E_TOO_SMALL;
		return;
	}
	if (b->len) {
		status = map_guest_buffer(ipa, b->len, APP_MAP_RW, &buf);
		if (status != KV_OK) {
			res[0] = (uint64_t)status;
			res[1] = 0;
			return;
		}
		memcpy(buf.data, b->data, b->len);
		unmap_guest_buffer(&buf);
	}
	blob_bytes += b->len;
	res[0] = KV_OK;
}

static const kv_function functions[NR_FUNCTIONS] = {
	[KV_FN_VERSION - KV_FID_BASE] = fn_version,
	[KV_FN_PUT - KV_FID_BASE] = fn_put,
	[KV_FN_GET - KV_FID_BASE] = fn_get,
	[KV_FN_DELETE - KV_FID_BASE] = fn_delete,
	[KV_FN_COUNT - KV_FID_BASE] = fn_count,
	[KV_FN_ADD - KV_FID_BASE] = fn_add,
	[KV_FN_PUT3 - KV_FID_BASE] = fn_put3,
	[KV_FN_GET3 - KV_FID_BASE] = fn_get3,
	[KV_FN_STATS - KV_FID_BASE] = fn_stats,
	[KV_FN_CLEAR - KV_FID_BASE] = fn_clear,
	[KV_FN_WRITE_BLOB - KV_FID_BASE] = fn_write_blob,
	[KV_FN_READ_BLOB - KV_FID_BASE] = fn_read_blob,
};

/* --- events -------------------------------------------------------------------- */

/*
 * The manifest may grant more IDs than the service implements (or the
 * hypervisor may hand us any ID in the granted range): anything that is not
 * one of ours is SMCCC's "unknown function", counted, never a fault.
 */
static void kv_call(uint32_t function_id, const uint64_t args[6], uint64_t res[4])
{
	kv_function fn = NULL;

	calls++;
	if (function_id >= KV_FID_BASE && function_id <= KV_FID_LAST)
		fn = functions[function_id - KV_FID_BASE];
	if (!fn) {
		unknown_calls++;
		res[0] = APP_SMCCC_NOT_SUPPORTED;
		return;
	}
	fn(args, res);
}

static int64_t kv_init(uint64_t domain_id)
{
	app_log("kvstore: ready for domain %llu: %d keys, %d blobs of %d bytes, functions %#x..%#x",
		(unsigned long long)domain_id, KV_MAX_KEYS, KV_BLOB_SLOTS, KV_BLOB_MAX,
		KV_FID_BASE, KV_FID_LAST);
	return 0;
}

/* Power-on state: an empty store. After a fault the memory is fresh anyway. */
static int64_t kv_reset(uint64_t reason, uint64_t domain_id)
{
	app_log("kvstore: reset (%s) for domain %llu after %llu calls, %u keys dropped",
		reason == APP_RESET_FAULT ? "fault" : "domain", (unsigned long long)domain_id,
		(unsigned long long)calls, nkeys);
	clear_all();
	calls = unknown_calls = blob_bytes = 0;
	return 0;
}

const struct app_ops app_ops = {
	.init = kv_init,
	.call = kv_call,
	.reset = kv_reset,
};
