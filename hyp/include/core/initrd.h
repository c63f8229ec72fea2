/* The boot archive (cpio newc) the boot loader passes as the initrd. */
#ifndef CORE_INITRD_H
#define CORE_INITRD_H

#include "core/platform.h"

/*
 * Map the initrd read-only and check that it is a cpio archive. Returns 0
 * if there is none or it is valid; otherwise -1 with a message in err.
 */
int initrd_init(const struct platform *plat, char *err, size_t errlen);

/* Print the archive's files (or "initrd: none"). */
void initrd_list(void);

/* The archive, or NULL/0 if there is none. */
const void *initrd_data(void);
size_t initrd_size(void);

#endif
