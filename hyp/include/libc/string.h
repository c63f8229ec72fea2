/*
 * Freestanding stand-in for <string.h>, for third-party headers that
 * include it (libfdt_env.h). Put hyp/include/libc on the include path of
 * hypervisor builds only; host builds use the real libc headers.
 */
#ifndef ELVISOR_LIBC_STRING_H
#define ELVISOR_LIBC_STRING_H

#include "lib/string.h"

#endif
