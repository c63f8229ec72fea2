/*
 * EL1 exceptions. Unexpected ones are reported (ESR decoded, ELR, FAR) and
 * fail the test. Expected ones are caught by a probe (probe.h) or by
 * exec_insn() (exec.h). IRQs go to the handler registered for the INTID.
 */
#ifndef GUEST_EXCEPTIONS_H
#define GUEST_EXCEPTIONS_H

#include <stdint.h>

/* Saved by vectors.S; the layout is fixed there. */
struct exc_frame {
	uint64_t x[31];
	uint64_t elr, spsr, esr, far;
	uint64_t kind;			/* vector index 0..15 */
};

_Static_assert(sizeof(struct exc_frame) == 288, "vectors.S FRAME_SIZE");

/* ESR_EL1 exception classes the tests look at. */
#define EC_UNKNOWN 0x00
#define EC_WFX 0x01
#define EC_FP 0x07
#define EC_ILLEGAL 0x0e
#define EC_SVC64 0x15
#define EC_HVC64 0x16
#define EC_SMC64 0x17
#define EC_SYSREG 0x18
#define EC_SVE 0x19
#define EC_IABT_CUR 0x21
#define EC_PC_ALIGN 0x22
#define EC_DABT_CUR 0x25
#define EC_SP_ALIGN 0x26
#define EC_SERROR 0x2f
#define EC_BRK 0x3c

static inline unsigned esr_ec(uint64_t esr)
{
	return (unsigned)(esr >> 26) & 0x3f;
}

const char *esr_ec_name(unsigned ec);

void exception_handler(struct exc_frame *f);

/*
 * Interrupt handlers, by INTID (SGIs and PPIs are banked per vCPU but share
 * one handler: use cpu_id()). NULL restores the default: the virtual timer
 * PPI masks the timer (it only served to wake a WFI, see wait.h), anything
 * else is an unexpected interrupt and a failed check.
 */
typedef void (*irq_handler_fn)(unsigned intid);
void irq_set_handler(unsigned intid, irq_handler_fn fn);

#endif
