/*
 * Ticket spinlock: FIFO, so waiting CPUs are served in arrival order and a
 * CPU cannot starve (the same property later serializes calls into an app).
 */
#ifndef CORE_SPINLOCK_H
#define CORE_SPINLOCK_H

#include <stdatomic.h>
#include "arch/cpu.h"
#include "lib/types.h"

typedef struct {
	_Atomic uint32_t next;
	_Atomic uint32_t owner;
} spinlock_t;

#define SPINLOCK_INIT { 0, 0 }

static inline void spin_lock(spinlock_t *l)
{
	uint32_t ticket = atomic_fetch_add_explicit(&l->next, 1, memory_order_relaxed);

	while (atomic_load_explicit(&l->owner, memory_order_acquire) != ticket)
		arch_cpu_relax();
}

static inline bool spin_trylock(spinlock_t *l)
{
	uint32_t owner = atomic_load_explicit(&l->owner, memory_order_acquire);
	uint32_t expected = owner;

	return atomic_compare_exchange_strong_explicit(&l->next, &expected, owner + 1,
						       memory_order_acquire,
						       memory_order_relaxed);
}

static inline void spin_unlock(spinlock_t *l)
{
	uint32_t owner = atomic_load_explicit(&l->owner, memory_order_relaxed);

	atomic_store_explicit(&l->owner, owner + 1, memory_order_release);
}

/* For locks also taken in interrupt handlers: mask interrupts while held. */
static inline uint64_t spin_lock_irqsave(spinlock_t *l)
{
	uint64_t flags = arch_irq_save();

	spin_lock(l);
	return flags;
}

static inline void spin_unlock_irqrestore(spinlock_t *l, uint64_t flags)
{
	spin_unlock(l);
	arch_irq_restore(flags);
}

static inline bool spin_is_locked(spinlock_t *l)
{
	return atomic_load_explicit(&l->next, memory_order_relaxed) !=
	       atomic_load_explicit(&l->owner, memory_order_relaxed);
}

#endif
