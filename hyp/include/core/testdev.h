/*
 * The benchmark's built-in test device: a register file emulated inside
 * the hypervisor, for domains whose manifest says `bench-device;`. It has
 * exactly the semantics of the benchmark app (apps/bench-app), so the guest
 * can time the same MMIO access handled at EL2 and handled by an EL0 app
 * (docs/benchmarks.md). Its guest-physical range is fixed:
 * GUEST_BENCH_DEVICE_BASE, one page (core/manifest.h).
 *
 * Registers: TESTDEV_REGS little-endian 64-bit scratch registers at
 * offsets 0, 8, ...; each reads back the last value written. Accesses of
 * 1, 2, 4 or 8 bytes inside one register read or merge those bytes; any
 * other access in the page reads as zero and ignores writes.
 */
#ifndef CORE_TESTDEV_H
#define CORE_TESTDEV_H

#include "core/manifest.h"

#define TESTDEV_REGS 16

struct domain;

/*
 * Register the device in the domain's MMIO registry if its manifest asks
 * for one. 0, or -1 (reported) if the range cannot be registered.
 */
int testdev_register(struct domain *d);

#endif
