/*
 * Secondary vCPUs. vCPU i has MPIDR Aff0 = i; it is started with PSCI
 * CPU_ON at secondary_entry (start.S) with context id i | (tag << 8), gets
 * its own stack and per-vCPU data, sets up its GIC CPU interface if vCPU 0
 * did gic_init(), then runs fn(i, arg). When fn returns the vCPU turns
 * itself off (PSCI CPU_OFF).
 */
#ifndef GUEST_SMP_H
#define GUEST_SMP_H

#include <stdbool.h>
#include <stdint.h>

typedef void (*smp_fn)(unsigned cpu, void *arg);

extern char secondary_entry[];		/* start.S */

/* CPU_ON's result (PSCI_SUCCESS or an error); tag is free for the caller. */
int64_t smp_start(unsigned cpu, smp_fn fn, void *arg, uint32_t tag);

/* Start vCPUs 1, 2, ... until CPU_ON refuses one; wait until they run.
 * Returns the number of vCPUs now running, vCPU 0 included. */
unsigned smp_start_all(smp_fn fn, void *arg);

/* Has vCPU cpu started (since its last smp_start)? Its context id. */
bool smp_online(unsigned cpu);
uint64_t smp_context(unsigned cpu);

bool smp_wait_online(unsigned cpu, uint64_t timeout_us);

/* boot.c hands secondary_entry's context id here. */
void secondary_boot(uint64_t context) __attribute__((noreturn));

#endif
