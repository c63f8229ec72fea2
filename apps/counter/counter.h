/*
 * counter: a shared-counter device for the concurrency and accounting
 * tests. Shared by the app (apps/counter/main.c) and the guests that drive
 * it (guests/app-concurrency.c, guests/app-accounting.c). It uses nothing
 * but <stdint.h>.
 *
 * One page of MMIO at any IPA (the app decodes the offset in the page).
 * Registers, 64-bit, at these offsets:
 */
#ifndef COUNTER_H
#define COUNTER_H

#include <stdint.h>

#define COUNTER_REG_ID		0x00	/* R: COUNTER_ID */
#define COUNTER_REG_ADD		0x08	/* W: total += value; R: total */
/*
 * W: one slow increment: read the count, spin COUNTER_SLOW_SPINS times,
 * store the count + 1. Two of these running at once lose an update.
 * R: the count.
 */
#define COUNTER_REG_SLOW_INC	0x10
#define COUNTER_REG_TICKET	0x18	/* R: the next ticket, 0, 1, 2, ... (one per read) */
/* R: events that found another event of this app still running (must stay 0). */
#define COUNTER_REG_OVERLAPS	0x20
/* W: spin value times (at most COUNTER_BURN_MAX); R: BURN writes so far. */
#define COUNTER_REG_BURN	0x28
#define COUNTER_REG_EVENTS	0x30	/* R: MMIO events served, this one included */

#define COUNTER_ID		0xc0a7e70000000001ULL
#define COUNTER_SLOW_SPINS	200
#define COUNTER_BURN_MAX	1000000

#endif
