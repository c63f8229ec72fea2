/*
 * The little the guests read from the device tree the hypervisor hands
 * vCPU 0 in x0: RAM, the number of CPUs, /chosen/bootargs. The blob is
 * checked before use (magic, sizes, every offset), and read bytewise.
 */
#ifndef GUEST_FDT_H
#define GUEST_FDT_H

#include <stdbool.h>
#include <stdint.h>

struct dt_info {
	bool valid;			/* a DTB was found and parsed */
	uint64_t addr;			/* where */
	uint64_t ram_base, ram_size;	/* first /memory reg entry */
	unsigned cpus;			/* /cpus/cpu@* nodes */
	char bootargs[256];
};

/* Parsed at boot (boot.c). */
extern struct dt_info dt;

void dt_parse(uint64_t addr);

/* key=value in bootargs: true and the value if found (decimal or 0x hex). */
bool bootarg_uint(const char *key, uint64_t *value);
/* The value if key=value is in bootargs, else def. */
uint64_t bootarg_uint_or(const char *key, uint64_t def);

#endif
