/*
 * guests/lib: a small library for bare-metal EL1 test guests of elvisor.
 * A guest defines guest_main(), which vCPU 0 runs after the boot code
 * (start.S, boot.c) has set up stacks, vectors, bss, time and parsed the
 * device tree. See guests/README.md.
 */
#ifndef GUEST_GUEST_H
#define GUEST_GUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch.h"
#include "config.h"
#include "console.h"
#include "exceptions.h"
#include "exec.h"
#include "fdt.h"
#include "gic.h"
#include "hvc.h"
#include "libc.h"
#include "percpu.h"
#include "probe.h"
#include "psci.h"
#include "rand.h"
#include "smp.h"
#include "test.h"
#include "timer.h"
#include "wait.h"

/* Each guest's entry point, on vCPU 0. */
void guest_main(void);

/* First byte after the image (bss and stacks included). */
uint64_t image_end(void);
/* End of RAM from the device tree, 0 if it did not say. */
uint64_t ram_end(void);

#endif
