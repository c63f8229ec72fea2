/* Decoding a guest's exit to EL2 and dispatching it by exception class. */
#ifndef ARCH_GUEST_TRAPS_H
#define ARCH_GUEST_TRAPS_H

#include "core/domain.h"

void handle_guest_exit(struct vcpu *v, uint64_t exit);

/*
 * The answer to v's trapped access came (v->io DONE, see core/domain.h):
 * write it to the guest's registers and step past the access, or inject
 * the abort. On v's own pCPU, before it enters the guest again.
 */
void guest_io_finish(struct vcpu *v);

#endif
