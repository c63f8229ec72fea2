/*
 * Freestanding stand-in for <stdlib.h>, for libfdt_env.h: libfdt only
 * needs strtoul, which lib/string.h declares. Hypervisor builds only.
 */
#ifndef ELVISOR_LIBC_STDLIB_H
#define ELVISOR_LIBC_STDLIB_H

#include "lib/string.h"

#endif
