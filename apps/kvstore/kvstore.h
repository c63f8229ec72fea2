/*
 * kvstore: the service's ABI, shared by the app (apps/kvstore/main.c) and
 * its callers (guests/app-call.c). It uses nothing but <stdint.h>.
 *
 * A firmware-mediator style service reached by HVC or SMC (the hypervisor
 * routes both to the app; the conduit makes no difference). SMC Calling
 * Convention, fast calls, SMC64, in the OEM service range (owning entity
 * 3): function IDs KV_FID_BASE .. KV_FID_LAST, which the domain's manifest
 * grants the app with `calls = <0xc3000000 0xc300000f>;`.
 *
 * Arguments in x1..x6, results in x0..x3; x0 is a status: >= 0 success,
 * a negative KV_E_* otherwise. Result registers a function does not
 * describe are 0.
 *
 * The store: up to KV_MAX_KEYS pairs of 64-bit key and 64-bit value (any
 * key, 0 included), and KV_BLOB_SLOTS byte strings ("blobs") of up to
 * KV_BLOB_MAX bytes, moved to and from a buffer in the caller's own RAM,
 * given by its guest-physical address (IPA, any alignment) and length.
 */
#ifndef KVSTORE_H
#define KVSTORE_H

#include <stdint.h>

#define KV_FID_BASE		0xc3000000u
#define KV_FID_LAST		0xc300000fu

/* x0 = KV_VERSION_1_0, x1 = KV_MAX_KEYS, x2 = KV_BLOB_SLOTS, x3 = KV_BLOB_MAX. */
#define KV_FN_VERSION		(KV_FID_BASE + 0)
/* x1 = key, x2 = value. x0 = 0, or KV_E_FULL for a new key in a full store. */
#define KV_FN_PUT		(KV_FID_BASE + 1)
/* x1 = key. x0 = 0 and x1 = its value, or KV_E_NOT_FOUND. */
#define KV_FN_GET		(KV_FID_BASE + 2)
/* x1 = key. x0 = 0, or KV_E_NOT_FOUND. */
#define KV_FN_DELETE		(KV_FID_BASE + 3)
/* x0 = the number of keys stored. */
#define KV_FN_COUNT		(KV_FID_BASE + 4)
/*
 * x1 = key, x2 = delta (added modulo 2^64; a missing key counts as 0 and
 * is created). x0 = 0 and x1 = the new value, or KV_E_FULL.
 */
#define KV_FN_ADD		(KV_FID_BASE + 5)
/*
 * Three PUTs in one call: (x1, x2), (x3, x4), (x5, x6), in that order,
 * stopping at the first that does not fit. x0 = 0 or KV_E_FULL,
 * x1 = pairs stored.
 */
#define KV_FN_PUT3		(KV_FID_BASE + 6)
/*
 * Three GETs: keys x1, x2, x3. x0 = a mask, bit i set if key i + 1 was
 * found; x1..x3 = the values (0 for a key not found).
 */
#define KV_FN_GET3		(KV_FID_BASE + 7)
/*
 * x0 = 0, x1 = calls the service has handled (this one included),
 * x2 = of those, calls to function IDs it does not implement,
 * x3 = blob bytes moved to and from callers.
 */
#define KV_FN_STATS		(KV_FID_BASE + 8)
/* Delete every key and blob. x0 = 0, x1 = the number of keys deleted. */
#define KV_FN_CLEAR		(KV_FID_BASE + 9)
/*
 * x1 = blob slot, x2 = IPA of the caller's buffer, x3 = its length
 * (0 .. KV_BLOB_MAX): the slot's blob becomes a copy of the buffer.
 * x0 = 0 and x1 = the length stored; KV_E_INVALID for a bad slot or length
 * or a range that wraps around the 64-bit address space; KV_E_FAULT if the
 * buffer is not entirely inside the caller's RAM; KV_E_NO_MEMORY if the
 * service could not map it. On an error the slot keeps its old blob.
 */
#define KV_FN_WRITE_BLOB	(KV_FID_BASE + 10)
/*
 * x1 = blob slot, x2 = IPA of the caller's buffer, x3 = its length: the
 * slot's blob is copied to the start of the buffer, nothing beyond its
 * length is written. x0 = 0 and x1 = the blob's length; KV_E_NOT_FOUND if
 * the slot holds no blob; KV_E_TOO_SMALL with x1 = the blob's length if
 * the buffer is shorter (nothing written); otherwise as WRITE_BLOB. The
 * checks come in that order, and the address checks are made on the range
 * written, [x2, x2 + the blob's length).
 */
#define KV_FN_READ_BLOB		(KV_FID_BASE + 11)
/* KV_FID_BASE + 12 .. KV_FID_LAST: not implemented (KV_E_NOT_SUPPORTED). */

#define KV_VERSION_1_0		0x10000
#define KV_MAX_KEYS		32
#define KV_BLOB_SLOTS		4
#define KV_BLOB_MAX		8192

#define KV_OK			0
#define KV_E_NOT_SUPPORTED	(-1)	/* SMCCC's unknown function */
#define KV_E_INVALID		(-2)
#define KV_E_NOT_FOUND		(-3)
#define KV_E_FULL		(-4)
#define KV_E_FAULT		(-5)
#define KV_E_NO_MEMORY		(-6)
#define KV_E_TOO_SMALL		(-7)

#endif
