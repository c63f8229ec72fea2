/* Ending the run: the only ways elvisor stops the machine. */
#ifndef CORE_MACHINE_H
#define CORE_MACHINE_H

#include <stdatomic.h>

#include "lib/types.h"

/*
 * Stop the machine with an exit status. Through semihosting when the
 * emulator offers it (the status reaches the host); otherwise status 0
 * powers off through PSCI and any other status parks every CPU: a failure
 * must never look like a clean power-off.
 */
void machine_exit(int status) __noreturn;

/* Set once the machine is stopping; idle CPUs park when they see it. */
extern _Atomic bool machine_stopping;
static inline bool machine_is_stopping(void)
{
	return atomic_load_explicit(&machine_stopping, memory_order_relaxed);
}

#endif
