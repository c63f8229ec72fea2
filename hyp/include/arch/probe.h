/*
 * Memory accesses that are allowed to fault: the self tests use them to
 * check that the MMU really enforces what the page tables say. A fault in
 * one of these returns -1 (the fault's ESR in this_cpu()->probe_esr)
 * instead of being fatal.
 */
#ifndef ARCH_PROBE_H
#define ARCH_PROBE_H

#include "arch/trap.h"
#include "lib/types.h"

int probe_read64(const void *addr, uint64_t *val);
int probe_write64(void *addr, uint64_t val);
/* Call addr as a function taking no arguments (it must return). */
int probe_exec(const void *addr);

/* For the exception handler: redirect a faulting probe. True if handled. */
bool probe_fixup(struct trap_frame *f);

#endif
