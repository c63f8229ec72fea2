/* The device tree each guest boots with, generated with libfdt. */
#ifndef CORE_GUEST_DT_H
#define CORE_GUEST_DT_H

#include "core/domain.h"

/*
 * Write the domain's DTB (memory, cpus with their MPIDRs, psci, the GICv3,
 * the timer, the app-emulated devices with a dt-compatible, /aliases and
 * /chosen) into buf. Returns 0, or a negative libfdt error.
 */
int guest_dt_build(const struct domain *d, void *buf, size_t size);

#endif
