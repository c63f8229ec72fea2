/* The register frame saved on every exception taken to EL2. */
#ifndef ARCH_TRAP_H
#define ARCH_TRAP_H

#define FRAME_X(n) ((n) * 8)
#define FRAME_SP (31 * 8)
#define FRAME_ELR (32 * 8)
#define FRAME_SPSR (33 * 8)
#define FRAME_ESR (34 * 8)
#define FRAME_FAR (35 * 8)
#define FRAME_SIZE (36 * 8)

#ifndef __ASSEMBLY__
#include "lib/types.h"

struct trap_frame {
	uint64_t x[31];
	uint64_t sp;
	uint64_t elr, spsr, esr, far;
};

_Static_assert(sizeof(struct trap_frame) == FRAME_SIZE, "vectors.S frame layout");

/* Called from vectors.S. */
void el2_sync_handler(struct trap_frame *f);
void el2_irq_handler(struct trap_frame *f);
void el2_serror_handler(struct trap_frame *f);
void el2_stack_overflow(struct trap_frame *f) __noreturn;
void unexpected_exception(struct trap_frame *f, unsigned long vector) __noreturn;

/* Print a full report of the frame and stop the machine (status 1). */
void fatal_exception(struct trap_frame *f, const char *what) __noreturn;

/* Semihosting: the address of the HLT that may trap when it is disabled. */
extern char semihosting_trap_insn[];
long semihosting_call(unsigned long op, const void *arg);
#endif

#endif
