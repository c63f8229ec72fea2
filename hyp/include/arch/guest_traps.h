/* Decoding a guest's exit to EL2 and dispatching it by exception class. */
#ifndef ARCH_GUEST_TRAPS_H
#define ARCH_GUEST_TRAPS_H

#include "core/domain.h"

void handle_guest_exit(struct vcpu *v, uint64_t exit);

#endif
